//! Migration `m0015_ballot_integrity`: ballots that cannot be stuffed
//! (issue 15, item 5; Article 12). A town's operator could issue any
//! number of voting codes, vote with them and enter the paper counts
//! alone, and each vote was stored on its code's row (token hash, choice,
//! time), so an "anonymous" vote could be traced to its code.
//!
//! - `eval_signoffs`: what the town's operator entered and its reviewer
//!   confirmed, one row per evaluation and part (`raters`: the declared
//!   numbers of eligible raters; `paper`: the paper counts): the state
//!   (`entered`, `confirmed`), the version (one more at each entry), who
//!   entered it and who confirmed it.
//! - `eval_raters`: the declared number of eligible raters of a counted
//!   group for each secretary; codes issued and paper ballots entered
//!   together may not exceed it once confirmed.
//! - `code_batches`: each batch of codes issued, per rater group: how many
//!   secretaries and codes (who and when: the audit columns).
//! - `vote_counts`: the votes cast with codes, counts per secretary and
//!   group only. Deliberately without the audit columns every other table
//!   has: a row's `updated_at` would be the time of its last vote, and
//!   with the counts before it that is the choice made at that moment.
//! - `vote_tokens` gains `used` and loses `choice`: existing choices are
//!   first added into `vote_counts`, and a used code's `updated_at` (the
//!   time of its vote) is set back to when it was issued.
//! - The change log's entries of past votes (`vote_tokens` updates: the
//!   token hash, the choice and the time) are rewritten as a vote is now
//!   logged: the `vote_counts` row of the secretary and group, "一票", on
//!   that day at 00:00, with neither the hash nor the choice. The log is
//!   append-only (`m0004_accounts`): its trigger is set aside for this one
//!   statement and put back, in the migration's transaction.
//! - An open evaluation's paper counts entered before this migration
//!   await the reviewer's confirmation (an `entered` sign-off by whoever
//!   last wrote them), as new ones do.
//!
//! Same rules as `migrations/mod.rs`: portable SQL only (the change log's
//! trigger and the truncation of a time to its day are written per
//! backend, as in `m0004_accounts`); once released it never changes.

use sea_orm::DbBackend;
use sea_orm_migration::async_trait::async_trait;
use sea_orm_migration::prelude::*;

use crate::migrations::create_table;
use crate::migrations::m0004_accounts::APPEND_ONLY;

pub(crate) struct BallotIntegrity;

impl MigrationName for BallotIntegrity {
    fn name(&self) -> &str {
        "m0015_ballot_integrity"
    }
}

/// What the change log says of a vote (`after_json`): one vote, nothing
/// of which.
pub(crate) const VOTE_LOGGED: &str = "{\"投票\":\"一票\"}";

/// (table, columns and constraints), with the audit columns.
const TABLES: &[(&str, &str)] = &[
    (
        "eval_signoffs",
        "year INTEGER NOT NULL, half INTEGER NOT NULL, town TEXT NOT NULL, part TEXT NOT NULL, \
         state TEXT NOT NULL, version INTEGER NOT NULL, entered_by TEXT NOT NULL, \
         confirmed_by TEXT NOT NULL, \
         PRIMARY KEY (year, half, town, part), \
         FOREIGN KEY (year, half, town) REFERENCES evaluations (year, half, town), \
         CHECK (part IN ('raters', 'paper')), CHECK (state IN ('entered', 'confirmed')), \
         CHECK (version >= 1)",
    ),
    (
        "eval_raters",
        "year INTEGER NOT NULL, half INTEGER NOT NULL, person TEXT NOT NULL, \
         rater_group TEXT NOT NULL, town TEXT NOT NULL, eligible INTEGER NOT NULL, \
         PRIMARY KEY (year, half, person, rater_group), \
         FOREIGN KEY (year, half, town) REFERENCES evaluations (year, half, town), \
         FOREIGN KEY (person) REFERENCES people (citizen_id), \
         CHECK (eligible >= 0)",
    ),
    (
        "code_batches",
        "year INTEGER NOT NULL, half INTEGER NOT NULL, town TEXT NOT NULL, seq INTEGER NOT NULL, \
         rater_group TEXT NOT NULL, people INTEGER NOT NULL, codes INTEGER NOT NULL, \
         PRIMARY KEY (year, half, town, seq, rater_group), \
         FOREIGN KEY (year, half, town) REFERENCES evaluations (year, half, town), \
         CHECK (people >= 0 AND codes >= 0)",
    ),
];

/// The votes, counts only, without audit columns (see the module's note).
const VOTE_COUNTS: &str = "CREATE TABLE vote_counts (year INTEGER NOT NULL, \
     half INTEGER NOT NULL, person TEXT NOT NULL, rater_group TEXT NOT NULL, \
     town TEXT NOT NULL, competent INTEGER NOT NULL, basically_competent INTEGER NOT NULL, \
     not_competent INTEGER NOT NULL, \
     PRIMARY KEY (year, half, person, rater_group), \
     FOREIGN KEY (year, half, town) REFERENCES evaluations (year, half, town), \
     FOREIGN KEY (person) REFERENCES people (citizen_id), \
     CHECK (competent >= 0 AND basically_competent >= 0 AND not_competent >= 0))";

/// The day of a change-log time, as a time at 00:00.
fn day_of(backend: DbBackend, column: &str) -> String {
    match backend {
        DbBackend::Postgres => format!("date_trunc('day', {column})"),
        // sqlx stores a time as text, `YYYY-MM-DD HH:MM:SS.ffffff`.
        _ => format!("substr({column}, 1, 10) || ' 00:00:00'"),
    }
}

/// The statements that set the change log's append-only trigger aside
/// (`true`) or put it back (`false`), as `m0004_accounts` made it.
pub(crate) fn append_only(backend: DbBackend, aside: bool) -> Vec<String> {
    match (backend, aside) {
        (DbBackend::Postgres, true) => {
            vec!["ALTER TABLE change_log DISABLE TRIGGER change_log_no_change".into()]
        }
        (DbBackend::Postgres, false) => {
            vec!["ALTER TABLE change_log ENABLE TRIGGER change_log_no_change".into()]
        }
        (_, true) => vec!["DROP TRIGGER change_log_no_update".into()],
        (_, false) => vec![format!(
            "CREATE TRIGGER change_log_no_update BEFORE UPDATE ON change_log \
             BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
        )],
    }
}

/// The statements, in order.
pub(crate) fn statements(backend: DbBackend) -> Vec<String> {
    let mut out: Vec<String> = TABLES
        .iter()
        .map(|(name, body)| create_table(name, body))
        .collect();
    out.push(VOTE_COUNTS.into());
    out.push("CREATE INDEX vote_counts_town ON vote_counts (year, half, town)".into());
    out.push("CREATE INDEX eval_raters_town ON eval_raters (year, half, town)".into());
    // The votes cast so far, as counts.
    out.push(
        "INSERT INTO vote_counts (year, half, person, rater_group, town, competent, \
         basically_competent, not_competent) \
         SELECT year, half, person, rater_group, town, \
         SUM(CASE WHEN choice = 'competent' THEN 1 ELSE 0 END), \
         SUM(CASE WHEN choice = 'basic' THEN 1 ELSE 0 END), \
         SUM(CASE WHEN choice = 'not_competent' THEN 1 ELSE 0 END) \
         FROM vote_tokens GROUP BY year, half, person, rater_group, town"
            .into(),
    );
    // Their log entries, as a vote is logged now (before the codes lose
    // their choice: the key is read from the code's row).
    out.extend(append_only(backend, true));
    out.push(format!(
        "UPDATE change_log SET table_name = 'vote_counts', \
         record_key = COALESCE((SELECT CAST(t.year AS TEXT) || '/' || CAST(t.half AS TEXT) \
         || '/' || t.person || '/' || t.rater_group FROM vote_tokens t \
         WHERE t.token_hash = change_log.record_key), ''), \
         before_json = NULL, after_json = '{VOTE_LOGGED}', origin = NULL, \
         changed_at = {} \
         WHERE table_name = 'vote_tokens' AND action = 'update'",
        day_of(backend, "changed_at")
    ));
    out.extend(append_only(backend, false));
    out.push("ALTER TABLE vote_tokens ADD COLUMN used BOOLEAN NOT NULL DEFAULT FALSE".into());
    out.push(
        "UPDATE vote_tokens SET used = TRUE, updated_at = created_at WHERE choice IS NOT NULL"
            .into(),
    );
    // Overwritten before the column goes: PostgreSQL's DROP COLUMN leaves
    // the values in the rows on disk until they are rewritten. (Freed
    // pages and dead row versions keep old values until the database is
    // vacuumed; the README says to run VACUUM after upgrading.)
    out.push("UPDATE vote_tokens SET choice = NULL WHERE choice IS NOT NULL".into());
    out.push("ALTER TABLE vote_tokens DROP COLUMN choice".into());
    // Paper counts of open evaluations await their reviewer.
    out.push(
        "INSERT INTO eval_signoffs (year, half, town, part, state, version, entered_by, \
         confirmed_by, created_at, updated_at, updated_by) \
         SELECT p.year, p.half, p.town, 'paper', 'entered', 1, MAX(p.updated_by), '', \
         MAX(p.updated_at), MAX(p.updated_at), MAX(p.updated_by) \
         FROM paper_counts p JOIN evaluations e \
         ON e.year = p.year AND e.half = p.half AND e.town = p.town \
         WHERE e.state = 'open' GROUP BY p.year, p.half, p.town"
            .into(),
    );
    out
}

#[async_trait]
impl MigrationTrait for BallotIntegrity {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for sql in statements(manager.get_database_backend()) {
            db.execute_unprepared(&sql).await?;
        }
        Ok(())
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
