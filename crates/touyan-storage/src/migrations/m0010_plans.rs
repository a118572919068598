//! Migration `m0010_plans`: the yearly plans' workflow (issue 5, item 5;
//! Article 11; the moves are `touyan-workflow`'s `art11_plan`).
//!
//! - `plan_reviews`: one row per secretary and year: the town whose list
//!   they are on, the state, the plan's content, the review meeting's
//!   date, the public notice's first and last day, the filing date and
//!   the last comment (of a failed review or a return).
//! - `plan_moves`: every move of a plan, in order, with its comment and
//!   what it recorded (the meeting's date, the notice period and the
//!   rules' sentence); who made it and when are the audit columns.
//!
//! The filed plan's dates stay in `annual_plans` (m0001), written when the
//! town files a plan, so that the exports and the one-person file read one
//! table as before.
//!
//! Same rules as `migrations/mod.rs`: portable SQL only; once released it never
//! changes.

use sea_orm_migration::async_trait::async_trait;
use sea_orm_migration::prelude::*;

use crate::migrations::create_table;

pub(crate) struct Plans;

impl MigrationName for Plans {
    fn name(&self) -> &str {
        "m0010_plans"
    }
}

/// (table, columns and constraints). Parents before children.
pub(crate) const TABLES: &[(&str, &str)] = &[
    (
        "plan_reviews",
        "year INTEGER NOT NULL, person TEXT NOT NULL, town TEXT NOT NULL, \
         state TEXT NOT NULL, content TEXT NOT NULL, reviewed_on DATE, \
         notice_start DATE, notice_end DATE, filed_on DATE, comment TEXT NOT NULL, \
         PRIMARY KEY (year, person), \
         FOREIGN KEY (person) REFERENCES people (citizen_id), \
         FOREIGN KEY (town) REFERENCES towns (code), \
         CHECK (state IN ('draft', 'reviewed', 'noticed', 'filed', 'returned'))",
    ),
    (
        "plan_moves",
        "year INTEGER NOT NULL, person TEXT NOT NULL, seq INTEGER NOT NULL, \
         kind TEXT NOT NULL, to_state TEXT NOT NULL, comment TEXT NOT NULL, \
         detail TEXT NOT NULL, \
         PRIMARY KEY (year, person, seq), \
         FOREIGN KEY (year, person) REFERENCES plan_reviews (year, person)",
    ),
];

/// The statements, in order.
pub(crate) fn statements() -> Vec<String> {
    let mut out: Vec<String> = TABLES
        .iter()
        .map(|(name, body)| create_table(name, body))
        .collect();
    out.push("CREATE INDEX plan_reviews_town ON plan_reviews (year, town)".into());
    out
}

#[async_trait]
impl MigrationTrait for Plans {
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
