//! Migration `m0011_daily`: daily management (the inferred Chapter 2) and
//! treatment guarantees (the inferred Article 14) as records a town keeps
//! of its secretaries (issue 5, item 8). Reminders are computed from these
//! rows (`touyan_rules::art02_daily_inferred`), never stored.
//!
//! - `daily_duty_rotas`: a secretary's duty rota and office hours, in force
//!   from `since_on` until the next one.
//! - `daily_work_records`: dated work record entries (工作纪实), numbered
//!   per person.
//! - `daily_reports`: the yearly report (述职), one per person and year.
//! - `leave_requests`: leave requests (请假) and where each stands;
//!   `leave_moves`: every move of a request, in order (who and when are
//!   the audit columns).
//! - `honours`, `recruitments` (into town civil-service or
//!   public-institution posts), `pension_subsidies` (fen).
//!
//! Every row carries the town that keeps it. Same rules as
//! `migrations/mod.rs`: portable SQL only; once released it never changes.

use sea_orm_migration::async_trait::async_trait;
use sea_orm_migration::prelude::*;

use crate::migrations::create_table;

pub(crate) struct Daily;

impl MigrationName for Daily {
    fn name(&self) -> &str {
        "m0011_daily"
    }
}

/// (table, columns and constraints). Parents before children.
pub(crate) const TABLES: &[(&str, &str)] = &[
    (
        "daily_duty_rotas",
        "person TEXT NOT NULL, since_on DATE NOT NULL, town TEXT NOT NULL, \
         office_days INTEGER NOT NULL, office_hours TEXT NOT NULL, duty_note TEXT NOT NULL, \
         PRIMARY KEY (person, since_on), \
         FOREIGN KEY (person) REFERENCES people (citizen_id), \
         FOREIGN KEY (town) REFERENCES towns (code), \
         CHECK (office_days BETWEEN 0 AND 7)",
    ),
    (
        "daily_work_records",
        "person TEXT NOT NULL, seq INTEGER NOT NULL, town TEXT NOT NULL, \
         entry_on DATE NOT NULL, entry_text TEXT NOT NULL, \
         PRIMARY KEY (person, seq), \
         FOREIGN KEY (person) REFERENCES people (citizen_id), \
         FOREIGN KEY (town) REFERENCES towns (code), \
         CHECK (seq >= 1)",
    ),
    (
        "daily_reports",
        "person TEXT NOT NULL, year INTEGER NOT NULL, town TEXT NOT NULL, \
         given_on DATE NOT NULL, outcome TEXT NOT NULL, note TEXT NOT NULL, \
         PRIMARY KEY (person, year), \
         FOREIGN KEY (person) REFERENCES people (citizen_id), \
         FOREIGN KEY (town) REFERENCES towns (code), \
         CHECK (outcome IN ('good', 'fairly_good', 'fair', 'poor'))",
    ),
    (
        "leave_requests",
        "person TEXT NOT NULL, seq INTEGER NOT NULL, town TEXT NOT NULL, \
         start_on DATE NOT NULL, end_on DATE NOT NULL, reason TEXT NOT NULL, \
         requested_on DATE NOT NULL, state TEXT NOT NULL, comment TEXT NOT NULL, \
         returned_on DATE, \
         PRIMARY KEY (person, seq), \
         FOREIGN KEY (person) REFERENCES people (citizen_id), \
         FOREIGN KEY (town) REFERENCES towns (code), \
         CHECK (seq >= 1), CHECK (end_on >= start_on), \
         CHECK (state IN ('requested', 'approved', 'refused', 'returned'))",
    ),
    (
        "leave_moves",
        "person TEXT NOT NULL, leave_seq INTEGER NOT NULL, seq INTEGER NOT NULL, \
         kind TEXT NOT NULL, to_state TEXT NOT NULL, comment TEXT NOT NULL, \
         PRIMARY KEY (person, leave_seq, seq), \
         FOREIGN KEY (person, leave_seq) REFERENCES leave_requests (person, seq)",
    ),
    (
        "honours",
        "person TEXT NOT NULL, seq INTEGER NOT NULL, town TEXT NOT NULL, \
         awarded_on DATE NOT NULL, title TEXT NOT NULL, honour_level TEXT NOT NULL, \
         awarded_by TEXT NOT NULL, \
         PRIMARY KEY (person, seq), \
         FOREIGN KEY (person) REFERENCES people (citizen_id), \
         FOREIGN KEY (town) REFERENCES towns (code), \
         CHECK (seq >= 1)",
    ),
    (
        "recruitments",
        "person TEXT NOT NULL, seq INTEGER NOT NULL, town TEXT NOT NULL, \
         hired_on DATE NOT NULL, kind TEXT NOT NULL, post_name TEXT NOT NULL, note TEXT NOT NULL, \
         PRIMARY KEY (person, seq), \
         FOREIGN KEY (person) REFERENCES people (citizen_id), \
         FOREIGN KEY (town) REFERENCES towns (code), \
         CHECK (seq >= 1), CHECK (kind IN ('civil_servant', 'public_institution'))",
    ),
    (
        "pension_subsidies",
        "person TEXT NOT NULL, seq INTEGER NOT NULL, town TEXT NOT NULL, \
         year INTEGER NOT NULL, paid_on DATE NOT NULL, amount_fen BIGINT NOT NULL, \
         note TEXT NOT NULL, \
         PRIMARY KEY (person, seq), \
         FOREIGN KEY (person) REFERENCES people (citizen_id), \
         FOREIGN KEY (town) REFERENCES towns (code), \
         CHECK (seq >= 1), CHECK (amount_fen > 0)",
    ),
];

/// The statements, in order.
pub(crate) fn statements() -> Vec<String> {
    let mut out: Vec<String> = TABLES
        .iter()
        .map(|(name, body)| create_table(name, body))
        .collect();
    // The town page and the city's counts read by town; the month's work
    // records by date.
    out.push("CREATE INDEX daily_duty_rotas_town ON daily_duty_rotas (town)".into());
    out.push("CREATE INDEX daily_work_records_town ON daily_work_records (town, entry_on)".into());
    out.push("CREATE INDEX daily_reports_town ON daily_reports (town, year)".into());
    out.push("CREATE INDEX leave_requests_town ON leave_requests (town, state)".into());
    out.push("CREATE INDEX honours_town ON honours (town)".into());
    out.push("CREATE INDEX recruitments_town ON recruitments (town)".into());
    out.push("CREATE INDEX pension_subsidies_town ON pension_subsidies (town)".into());
    out
}

#[async_trait]
impl MigrationTrait for Daily {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_foreign_key_points_at_a_table_made_before() {
        for (i, (name, body)) in TABLES.iter().enumerate() {
            assert!(body.contains(", PRIMARY KEY ("), "{name}");
            for part in body.split("REFERENCES ").skip(1) {
                let target = part.split_whitespace().next().unwrap_or_default();
                let made_here = TABLES[..i].iter().any(|t| t.0 == target);
                // people and towns are m0001's.
                assert!(
                    made_here || ["people", "towns"].contains(&target),
                    "{name} refers to {target} before it exists"
                );
            }
        }
    }
}
