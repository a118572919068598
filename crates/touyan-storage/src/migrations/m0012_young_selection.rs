//! Migration `m0012_young_selection`: what the recording forms of issue 5
//! (items 2–4) keep besides the existing record tables.
//!
//! - `young_candidates`: one row per person put forward for the
//!   young-cadre programme (Article 10): the town, village and year, the
//!   town's score and note, the pay before the programme (fen), the state
//!   (`touyan-workflow`'s `art10_young`), the last comment and the day an
//!   extension runs to. A selected or filed candidate also has a
//!   `young_cadres` row.
//! - `young_moves`: every move of a candidate, in order; who made it and
//!   when are the audit columns.
//! - `degree_enrolments`: applications to a degree-study class (Article
//!   7), one per person and year.
//!
//! Same rules as `migrations/mod.rs`: portable SQL only; once released it never
//! changes.

use sea_orm_migration::async_trait::async_trait;
use sea_orm_migration::prelude::*;

use crate::migrations::create_table;

pub(crate) struct YoungSelection;

impl MigrationName for YoungSelection {
    fn name(&self) -> &str {
        "m0012_young_selection"
    }
}

/// (table, columns and constraints). Parents before children.
pub(crate) const TABLES: &[(&str, &str)] = &[
    (
        "young_candidates",
        "person TEXT NOT NULL, year INTEGER NOT NULL, town TEXT NOT NULL, \
         village TEXT NOT NULL, score_x100 BIGINT NOT NULL, current_pay_fen BIGINT NOT NULL, \
         note TEXT NOT NULL, state TEXT NOT NULL, comment TEXT NOT NULL, extended_to DATE, \
         PRIMARY KEY (person), \
         FOREIGN KEY (person) REFERENCES people (citizen_id), \
         FOREIGN KEY (town) REFERENCES towns (code), \
         FOREIGN KEY (village) REFERENCES villages (code), \
         CHECK (state IN ('candidate', 'selected', 'filed', 'returned', \
         'extension_proposed', 'extended')), \
         CHECK (current_pay_fen >= 0)",
    ),
    (
        "young_moves",
        "person TEXT NOT NULL, seq INTEGER NOT NULL, town TEXT NOT NULL, \
         kind TEXT NOT NULL, to_state TEXT NOT NULL, comment TEXT NOT NULL, \
         PRIMARY KEY (person, seq), \
         FOREIGN KEY (person) REFERENCES young_candidates (person), \
         FOREIGN KEY (town) REFERENCES towns (code)",
    ),
    (
        "degree_enrolments",
        "person TEXT NOT NULL, year INTEGER NOT NULL, town TEXT NOT NULL, \
         applied_on DATE NOT NULL, programme TEXT NOT NULL, \
         PRIMARY KEY (person, year), \
         FOREIGN KEY (person) REFERENCES people (citizen_id), \
         FOREIGN KEY (town) REFERENCES towns (code)",
    ),
];

/// The statements, in order.
pub(crate) fn statements() -> Vec<String> {
    let mut out: Vec<String> = TABLES
        .iter()
        .map(|(name, body)| create_table(name, body))
        .collect();
    out.push("CREATE INDEX young_candidates_town ON young_candidates (town, year)".into());
    out.push("CREATE INDEX young_moves_town ON young_moves (town)".into());
    out.push("CREATE INDEX degree_enrolments_town ON degree_enrolments (town, year)".into());
    out
}

#[async_trait]
impl MigrationTrait for YoungSelection {
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
