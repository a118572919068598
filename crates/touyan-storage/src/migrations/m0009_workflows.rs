//! Migration `m0009_workflows`: the year's workflows (issue 5): the review
//! of a town's yearly list (item 1; Articles 1 and 13; the moves are
//! `touyan-workflow`'s `art01_13_list`) and the monthly subsidy runs
//! (item 6; Article 13; `art13_pay_run`).
//!
//! - `list_reviews`: one row per town and year: the state, the version
//!   (one more for each adjustment of a filed list) and the last comment.
//! - `list_drafts`: the town's choices against the proposal, one row per
//!   village with a secretary: the tier given (NULL: not listed) and the
//!   written reason of a departure.
//! - `list_moves`: every move of a list, in order; who made it and when
//!   are the audit columns.
//!
//! - `pay_runs`: one row per month and town: the state, how many are paid
//!   and how much (fen), whether the amounts are example values, the last
//!   comment.
//! - `pay_moves`: every move of a run, in order.
//! - `evaluations`: one row per town and half year (Article 12, item 5):
//!   open or closed; `vote_tokens`: one-time anonymous voting codes (only
//!   their hash), each with the secretary and rater group it is for and
//!   the choice once used; `paper_counts`: paper ballots entered by the
//!   town; `eval_cases`: the interview or exit a closed evaluation opened,
//!   followed to its end. Closing writes the tallies to `ballots`.
//!
//! The filed list itself stays in `list_entries`, written when the city
//! files a list, and the payments in `pay_records`, written when a town
//! computes its run, so that the exports read one table each.
//!
//! Same rules as `migrations/mod.rs`: portable SQL only; once released it never
//! changes.

use sea_orm_migration::async_trait::async_trait;
use sea_orm_migration::prelude::*;

use crate::migrations::create_table;

pub(crate) struct Workflows;

impl MigrationName for Workflows {
    fn name(&self) -> &str {
        "m0009_workflows"
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
    (
        "pay_runs",
        "pay_month DATE NOT NULL, town TEXT NOT NULL, state TEXT NOT NULL, \
         people INTEGER NOT NULL, total_fen BIGINT NOT NULL, example BOOLEAN NOT NULL, \
         comment TEXT NOT NULL, \
         PRIMARY KEY (pay_month, town), \
         FOREIGN KEY (town) REFERENCES towns (code), \
         CHECK (state IN ('computed', 'reviewed', 'approved', 'paid', 'returned'))",
    ),
    (
        "pay_moves",
        "pay_month DATE NOT NULL, town TEXT NOT NULL, seq INTEGER NOT NULL, \
         kind TEXT NOT NULL, to_state TEXT NOT NULL, comment TEXT NOT NULL, \
         PRIMARY KEY (pay_month, town, seq), \
         FOREIGN KEY (pay_month, town) REFERENCES pay_runs (pay_month, town)",
    ),
    (
        "evaluations",
        "year INTEGER NOT NULL, half INTEGER NOT NULL, town TEXT NOT NULL, \
         state TEXT NOT NULL, opened_on DATE NOT NULL, closed_on DATE, \
         PRIMARY KEY (year, half, town), \
         FOREIGN KEY (town) REFERENCES towns (code), \
         CHECK (half IN (1, 2)), CHECK (state IN ('open', 'closed'))",
    ),
    (
        "vote_tokens",
        "token_hash TEXT NOT NULL, year INTEGER NOT NULL, half INTEGER NOT NULL, \
         town TEXT NOT NULL, person TEXT NOT NULL, rater_group TEXT NOT NULL, choice TEXT, \
         PRIMARY KEY (token_hash), \
         FOREIGN KEY (year, half, town) REFERENCES evaluations (year, half, town), \
         FOREIGN KEY (person) REFERENCES people (citizen_id)",
    ),
    (
        "paper_counts",
        "year INTEGER NOT NULL, half INTEGER NOT NULL, person TEXT NOT NULL, \
         rater_group TEXT NOT NULL, town TEXT NOT NULL, competent INTEGER NOT NULL, \
         basically_competent INTEGER NOT NULL, not_competent INTEGER NOT NULL, \
         PRIMARY KEY (year, half, person, rater_group), \
         FOREIGN KEY (year, half, town) REFERENCES evaluations (year, half, town), \
         FOREIGN KEY (person) REFERENCES people (citizen_id), \
         CHECK (competent >= 0 AND basically_competent >= 0 AND not_competent >= 0)",
    ),
    (
        "eval_cases",
        "year INTEGER NOT NULL, half INTEGER NOT NULL, person TEXT NOT NULL, \
         town TEXT NOT NULL, kind TEXT NOT NULL, state TEXT NOT NULL, reason TEXT NOT NULL, \
         note TEXT NOT NULL, done_on DATE, \
         PRIMARY KEY (year, half, person), \
         FOREIGN KEY (year, half, town) REFERENCES evaluations (year, half, town), \
         FOREIGN KEY (person) REFERENCES people (citizen_id)",
    ),
];

/// The statements, in order.
pub(crate) fn statements() -> Vec<String> {
    let mut out: Vec<String> = TABLES
        .iter()
        .map(|(name, body)| create_table(name, body))
        .collect();
    out.push("CREATE INDEX list_drafts_town ON list_drafts (year, town)".into());
    out.push("CREATE INDEX vote_tokens_town ON vote_tokens (year, half, town)".into());
    out.push("CREATE INDEX eval_cases_open ON eval_cases (town, state)".into());
    out
}

#[async_trait]
impl MigrationTrait for Workflows {
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
