//! Migration `m0009_lists`: the review of a town's yearly list (issue 5,
//! item 1; Articles 1 and 13; the moves are `touyan-workflow`'s
//! `art01_13_list`).
//!
//! - `list_reviews`: one row per town and year: the state, the version
//!   (one more for each adjustment of a filed list) and the last comment.
//! - `list_drafts`: the town's choices against the proposal, one row per
//!   village with a secretary: the tier given (NULL: not listed) and the
//!   written reason of a departure.
//! - `list_moves`: every move of a list, in order; who made it and when
//!   are the audit columns.
//!
//! The filed list itself stays in `list_entries`, written when the city
//! files a list, so that payroll and the exports read one table.
//!
//! Same rules as `migration.rs`: portable SQL only; once released it never
//! changes.

use sea_orm_migration::async_trait::async_trait;
use sea_orm_migration::prelude::*;

use crate::migration::create_table;

pub(crate) struct Lists;

impl MigrationName for Lists {
    fn name(&self) -> &str {
        "m0009_lists"
    }
}

/// (table, columns and constraints). Parents before children.
pub(crate) const TABLES: &[(&str, &str)] = &[
    (
        "list_reviews",
        "year INTEGER NOT NULL, town TEXT NOT NULL, state TEXT NOT NULL, \
         version INTEGER NOT NULL, comment TEXT NOT NULL, \
         PRIMARY KEY (year, town), \
         FOREIGN KEY (town) REFERENCES towns (code), \
         CHECK (state IN ('draft', 'confirmed', 'submitted', 'filed', 'returned')), \
         CHECK (version >= 1)",
    ),
    (
        "list_drafts",
        "year INTEGER NOT NULL, village TEXT NOT NULL, town TEXT NOT NULL, \
         person TEXT NOT NULL, tier INTEGER, reason TEXT NOT NULL, \
         PRIMARY KEY (year, village), \
         FOREIGN KEY (year, town) REFERENCES list_reviews (year, town), \
         FOREIGN KEY (village) REFERENCES villages (code), \
         FOREIGN KEY (person) REFERENCES people (citizen_id), \
         CHECK (tier IS NULL OR tier BETWEEN 1 AND 3)",
    ),
    (
        "list_moves",
        "year INTEGER NOT NULL, town TEXT NOT NULL, seq INTEGER NOT NULL, \
         kind TEXT NOT NULL, to_state TEXT NOT NULL, comment TEXT NOT NULL, \
         PRIMARY KEY (year, town, seq), \
         FOREIGN KEY (year, town) REFERENCES list_reviews (year, town)",
    ),
];

/// The statements, in order.
pub(crate) fn statements() -> Vec<String> {
    let mut out: Vec<String> = TABLES
        .iter()
        .map(|(name, body)| create_table(name, body))
        .collect();
    out.push("CREATE INDEX list_drafts_town ON list_drafts (year, town)".into());
    out
}

#[async_trait]
impl MigrationTrait for Lists {
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
