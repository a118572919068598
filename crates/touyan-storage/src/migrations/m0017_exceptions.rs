//! Migration `m0017_exceptions`: exceptions to the clauses the measures
//! hedge (issue 17, item 1; rules crate `hedges`).
//!
//! - `list_exceptions`: one row per exception of a town's list of a year
//!   (`seq` from 1 within it): the hedged rule, what it departs from (a
//!   named person, a list size, or the places of tiers 1 and 2), the
//!   town's reason, the state and the last reviewer's comment.
//! - `exception_moves`: every move of an exception, in order, with its
//!   comment; who made it and when are the audit columns.
//!
//! Same rules as `migrations/mod.rs`: portable SQL only; once released it
//! never changes.

use sea_orm_migration::async_trait::async_trait;
use sea_orm_migration::prelude::*;

use crate::migrations::create_table;

pub(crate) struct Exceptions;

impl MigrationName for Exceptions {
    fn name(&self) -> &str {
        "m0017_exceptions"
    }
}

/// (table, columns and constraints). Parents before children.
pub(crate) const TABLES: &[(&str, &str)] = &[
    (
        "list_exceptions",
        "year INTEGER NOT NULL, town TEXT NOT NULL, seq INTEGER NOT NULL, \
         rule_id TEXT NOT NULL, person TEXT, list_size INTEGER, \
         tier1_places INTEGER, tier2_places INTEGER, reason TEXT NOT NULL, \
         state TEXT NOT NULL, comment TEXT NOT NULL, \
         PRIMARY KEY (year, town, seq), \
         FOREIGN KEY (town) REFERENCES towns (code), \
         FOREIGN KEY (person) REFERENCES people (citizen_id), \
         CHECK (state IN ('proposed', 'town_refused', 'town_approved', 'approved', 'refused')), \
         CHECK ((person IS NOT NULL AND list_size IS NULL AND tier1_places IS NULL \
         AND tier2_places IS NULL) OR (person IS NULL AND list_size IS NOT NULL \
         AND tier1_places IS NULL AND tier2_places IS NULL) OR (person IS NULL \
         AND list_size IS NULL AND tier1_places IS NOT NULL AND tier2_places IS NOT NULL))",
    ),
    (
        "exception_moves",
        "year INTEGER NOT NULL, town TEXT NOT NULL, seq INTEGER NOT NULL, \
         step INTEGER NOT NULL, kind TEXT NOT NULL, to_state TEXT NOT NULL, \
         comment TEXT NOT NULL, \
         PRIMARY KEY (year, town, seq, step), \
         FOREIGN KEY (year, town, seq) REFERENCES list_exceptions (year, town, seq)",
    ),
];

/// The statements, in order.
pub(crate) fn statements() -> Vec<String> {
    TABLES
        .iter()
        .map(|(name, body)| create_table(name, body))
        .collect()
}

#[async_trait]
impl MigrationTrait for Exceptions {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for sql in statements() {
            db.execute_unprepared(&sql).await?;
        }
        Ok(())
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
