//! The schema, as sea-orm-migration migrations applied by `Store::open`.
//!
//! One set for both backends, in plain SQL that PostgreSQL-derived engines
//! also take: TEXT, INTEGER (32-bit), BIGINT, BOOLEAN, DATE and TIMESTAMP
//! (UTC) only; money in integer fen, 万元 and other decimals in integer
//! hundredths; no identifier that is a keyword in PostgreSQL or in the
//! Oracle-compatible modes of domestic engines (`level`, `number`,
//! `session`, `month`, `start`, `end`, `group` are all avoided). The one
//! difference between backends is how the change log's id is generated.
//!
//! A migration, once released, never changes: add a new one. Each one
//! names itself (`MigrationName::name`), and that name is what the database
//! keeps as applied: the files may move, the names never change.

pub(crate) mod m0003_cycle;
pub(crate) mod m0004_accounts;
pub(crate) mod m0005_import_copies;
pub(crate) mod m0006_indexes;
pub(crate) mod m0007_cycle_digest;
pub(crate) mod m0008_data_version;
pub(crate) mod m0009_workflows;
pub(crate) mod m0010_plans;
pub(crate) mod m0011_daily;
pub(crate) mod m0012_young_selection;
pub(crate) mod m0013_cycle_digest_index;
pub(crate) mod m0014_cycle_person_index;
pub(crate) mod m0015_ballot_integrity;
pub(crate) mod m0016_audit_events;
pub(crate) mod m0017_exceptions;
pub(crate) mod m0018_two_educations;
pub(crate) mod m0020_condition_answers;
pub(crate) mod m0021_list_filings;
pub(crate) mod m0022_pay_parts;
pub(crate) mod m0023_one_card_accounts;
pub(crate) mod m0024_exit_programme;
pub(crate) mod m0025_corrections;
pub(crate) mod m0026_audit_chain;

use sea_orm::DbBackend;
use sea_orm_migration::async_trait::async_trait;
use sea_orm_migration::prelude::*;

pub struct Migrator;

#[async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(Initial),
            Box::new(MoreRecords),
            Box::new(m0003_cycle::Cycle),
            Box::new(m0004_accounts::Accounts),
            Box::new(m0005_import_copies::ImportCopies),
            Box::new(m0006_indexes::Indexes),
            Box::new(m0007_cycle_digest::CycleDigest),
            Box::new(m0008_data_version::DataVersion),
            Box::new(m0009_workflows::Workflows),
            Box::new(m0010_plans::Plans),
            Box::new(m0011_daily::Daily),
            Box::new(m0012_young_selection::YoungSelection),
            Box::new(m0013_cycle_digest_index::CycleDigestIndex),
            Box::new(m0014_cycle_person_index::CyclePersonIndex),
            Box::new(m0015_ballot_integrity::BallotIntegrity),
            Box::new(m0016_audit_events::AuditEvents),
            Box::new(m0017_exceptions::Exceptions),
            Box::new(m0018_two_educations::TwoEducations),
            Box::new(m0020_condition_answers::ConditionAnswers),
            Box::new(m0021_list_filings::ListFilings),
            Box::new(m0022_pay_parts::PayParts),
            Box::new(m0023_one_card_accounts::OneCardAccounts),
            Box::new(m0024_exit_programme::ExitProgramme),
            Box::new(m0025_corrections::Corrections),
            Box::new(m0026_audit_chain::AuditChain),
        ]
    }
}

/// Towns, villages, people, every record kind of the measures, the change
/// log.
struct Initial;

impl MigrationName for Initial {
    fn name(&self) -> &str {
        "m0001_records"
    }
}

/// Who changed a row and when, on every record table.
const AUDIT: &str = "created_at TIMESTAMP NOT NULL, \
                     updated_at TIMESTAMP NOT NULL, \
                     updated_by TEXT NOT NULL";

/// (table, columns and constraints). Parents before children.
const TABLES: &[(&str, &str)] = &[
    (
        "towns",
        "code TEXT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL, \
         PRIMARY KEY (code)",
    ),
    (
        "villages",
        "code TEXT NOT NULL, name TEXT NOT NULL, town_code TEXT NOT NULL, \
         committee TEXT NOT NULL, \
         PRIMARY KEY (code), \
         FOREIGN KEY (town_code) REFERENCES towns (code)",
    ),
    (
        "people",
        "citizen_id TEXT NOT NULL, name TEXT NOT NULL, birth_date DATE NOT NULL, \
         sex TEXT NOT NULL, education TEXT NOT NULL, full_time_degree BOOLEAN NOT NULL, \
         PRIMARY KEY (citizen_id)",
    ),
    (
        "posts",
        "person TEXT NOT NULL, village TEXT NOT NULL, role TEXT NOT NULL, \
         start_on DATE NOT NULL, end_on DATE, \
         PRIMARY KEY (person, village, role, start_on), \
         FOREIGN KEY (person) REFERENCES people (citizen_id), \
         FOREIGN KEY (village) REFERENCES villages (code), \
         CHECK (end_on IS NULL OR end_on >= start_on)",
    ),
    (
        "village_years",
        "village TEXT NOT NULL, year INTEGER NOT NULL, stars INTEGER NOT NULL, \
         collective_income_wan_x100 BIGINT NOT NULL, assessment_score_x100 BIGINT, \
         assessment_rank INTEGER, \
         PRIMARY KEY (village, year), \
         FOREIGN KEY (village) REFERENCES villages (code), \
         CHECK (stars >= 0)",
    ),
    (
        "three_good",
        "person TEXT NOT NULL, year INTEGER NOT NULL, passed BOOLEAN NOT NULL, \
         note TEXT NOT NULL, \
         PRIMARY KEY (person, year), \
         FOREIGN KEY (person) REFERENCES people (citizen_id)",
    ),
    (
        "training_sessions",
        "code TEXT NOT NULL, title TEXT NOT NULL, training_level TEXT NOT NULL, \
         form TEXT NOT NULL, town TEXT, start_on DATE NOT NULL, end_on DATE NOT NULL, \
         days_x100 BIGINT NOT NULL, \
         PRIMARY KEY (code), \
         FOREIGN KEY (town) REFERENCES towns (code), \
         CHECK (end_on >= start_on)",
    ),
    (
        "attendance",
        "session_code TEXT NOT NULL, person TEXT NOT NULL, reflection_filed_on DATE, \
         poor_result BOOLEAN NOT NULL, \
         PRIMARY KEY (session_code, person), \
         FOREIGN KEY (session_code) REFERENCES training_sessions (code), \
         FOREIGN KEY (person) REFERENCES people (citizen_id)",
    ),
    (
        "ballots",
        "person TEXT NOT NULL, year INTEGER NOT NULL, half INTEGER NOT NULL, \
         rater_group TEXT NOT NULL, competent INTEGER NOT NULL, \
         basically_competent INTEGER NOT NULL, not_competent INTEGER NOT NULL, \
         PRIMARY KEY (person, year, half, rater_group), \
         FOREIGN KEY (person) REFERENCES people (citizen_id), \
         CHECK (half IN (1, 2))",
    ),
    (
        "admonitions",
        "person TEXT NOT NULL, held_on DATE NOT NULL, article INTEGER NOT NULL, \
         reason TEXT NOT NULL, make_up_study_done_on DATE, \
         PRIMARY KEY (person, held_on, article), \
         FOREIGN KEY (person) REFERENCES people (citizen_id)",
    ),
    (
        "exam_results",
        "person TEXT NOT NULL, course TEXT NOT NULL, taken_on DATE NOT NULL, \
         passed BOOLEAN NOT NULL, \
         PRIMARY KEY (person, course, taken_on), \
         FOREIGN KEY (person) REFERENCES people (citizen_id)",
    ),
    (
        "certificates",
        "certificate_no TEXT NOT NULL, person TEXT NOT NULL, issued_on DATE NOT NULL, \
         PRIMARY KEY (certificate_no), \
         FOREIGN KEY (person) REFERENCES people (citizen_id)",
    ),
    (
        "secondments",
        "person TEXT NOT NULL, start_on DATE NOT NULL, secondment_level TEXT NOT NULL, \
         host_unit TEXT NOT NULL, end_on DATE NOT NULL, appraisal TEXT, \
         PRIMARY KEY (person, start_on), \
         FOREIGN KEY (person) REFERENCES people (citizen_id)",
    ),
    (
        "reserves",
        "person TEXT NOT NULL, village TEXT NOT NULL, post_role TEXT NOT NULL, \
         listed_on DATE NOT NULL, removed_on DATE, \
         PRIMARY KEY (person, village, post_role, listed_on), \
         FOREIGN KEY (person) REFERENCES people (citizen_id), \
         FOREIGN KEY (village) REFERENCES villages (code)",
    ),
    (
        "young_cadres",
        "person TEXT NOT NULL, programme_start DATE NOT NULL, village TEXT NOT NULL, \
         current_pay_fen BIGINT NOT NULL, \
         score_x100 BIGINT NOT NULL, filed_on DATE, \
         PRIMARY KEY (person, programme_start), \
         FOREIGN KEY (person) REFERENCES people (citizen_id), \
         FOREIGN KEY (village) REFERENCES villages (code)",
    ),
    (
        "annual_plans",
        "person TEXT NOT NULL, year INTEGER NOT NULL, reviewed_on DATE, \
         notice_start DATE, notice_end DATE, filed_on DATE, \
         PRIMARY KEY (person, year), \
         FOREIGN KEY (person) REFERENCES people (citizen_id)",
    ),
    (
        "list_entries",
        "year INTEGER NOT NULL, person TEXT NOT NULL, town TEXT NOT NULL, \
         village TEXT NOT NULL, tier INTEGER NOT NULL, status TEXT NOT NULL, \
         PRIMARY KEY (year, person), \
         FOREIGN KEY (person) REFERENCES people (citizen_id), \
         FOREIGN KEY (town) REFERENCES towns (code), \
         FOREIGN KEY (village) REFERENCES villages (code)",
    ),
    (
        "pay_records",
        "person TEXT NOT NULL, pay_month DATE NOT NULL, kind TEXT NOT NULL, \
         source TEXT NOT NULL, amount_fen BIGINT NOT NULL, \
         PRIMARY KEY (person, pay_month, kind, source), \
         FOREIGN KEY (person) REFERENCES people (citizen_id)",
    ),
    (
        "exits",
        "person TEXT NOT NULL, exit_on DATE NOT NULL, reason TEXT NOT NULL, \
         note TEXT NOT NULL, \
         PRIMARY KEY (person, exit_on), \
         FOREIGN KEY (person) REFERENCES people (citizen_id)",
    ),
];

/// Lookups the measures make often, and the foreign keys PostgreSQL does
/// not index by itself.
const INDEXES: &[&str] = &[
    "CREATE INDEX villages_town ON villages (town_code)",
    "CREATE INDEX posts_village ON posts (village, role)",
    "CREATE INDEX village_years_year ON village_years (year)",
    "CREATE INDEX training_sessions_town ON training_sessions (town)",
    "CREATE INDEX attendance_person ON attendance (person)",
    "CREATE INDEX certificates_person ON certificates (person)",
    "CREATE INDEX reserves_village ON reserves (village)",
    "CREATE INDEX young_cadres_village ON young_cadres (village)",
    "CREATE INDEX list_entries_town ON list_entries (town, year)",
    "CREATE INDEX list_entries_village ON list_entries (village)",
    "CREATE INDEX pay_records_month ON pay_records (pay_month)",
    "CREATE INDEX change_log_record ON change_log (table_name, record_key)",
    "CREATE INDEX change_log_changed_at ON change_log (changed_at)",
];

fn change_log(backend: DbBackend) -> String {
    let id = match backend {
        DbBackend::Postgres => "id BIGSERIAL PRIMARY KEY",
        _ => "id INTEGER PRIMARY KEY AUTOINCREMENT",
    };
    format!(
        "CREATE TABLE change_log ({id}, changed_at TIMESTAMP NOT NULL, actor TEXT NOT NULL, \
         table_name TEXT NOT NULL, record_key TEXT NOT NULL, action TEXT NOT NULL, \
         before_json TEXT, after_json TEXT, \
         CHECK (action IN ('insert', 'update', 'delete', 'export')))"
    )
}

/// The statements of the first migration, in order.
pub(crate) fn initial_statements(backend: DbBackend) -> Vec<String> {
    let mut out: Vec<String> = TABLES
        .iter()
        .map(|(name, body)| create_table(name, body))
        .collect();
    out.push(change_log(backend));
    out.extend(INDEXES.iter().map(|s| (*s).to_owned()));
    out
}

#[async_trait]
impl MigrationTrait for Initial {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for sql in initial_statements(manager.get_database_backend()) {
            db.execute_unprepared(&sql).await?;
        }
        Ok(())
    }

    /// DDL is transactional on both backends: a failed migration leaves
    /// nothing behind.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}

/// Secondments' work logs, towns' reserve training reports and towns'
/// yearly pay settings (issue 3).
struct MoreRecords;

impl MigrationName for MoreRecords {
    fn name(&self) -> &str {
        "m0002_more_records"
    }
}

/// The second migration's tables, like [`TABLES`]. Parents before children.
const MORE_TABLES: &[(&str, &str)] = &[
    (
        "work_logs",
        "person TEXT NOT NULL, secondment_start DATE NOT NULL, entry_on DATE NOT NULL, \
         entry_text TEXT NOT NULL, \
         PRIMARY KEY (person, secondment_start, entry_on), \
         FOREIGN KEY (person, secondment_start) REFERENCES secondments (person, start_on)",
    ),
    (
        "reserve_reports",
        "town TEXT NOT NULL, year INTEGER NOT NULL, submitted_on DATE NOT NULL, \
         summary TEXT NOT NULL, \
         PRIMARY KEY (town, year), \
         FOREIGN KEY (town) REFERENCES towns (code)",
    ),
    (
        "town_years",
        "town TEXT NOT NULL, year INTEGER NOT NULL, reference_salary_fen BIGINT NOT NULL, \
         young_cadre_factor_x100 BIGINT NOT NULL, \
         PRIMARY KEY (town, year), \
         FOREIGN KEY (town) REFERENCES towns (code), \
         CHECK (reference_salary_fen > 0), \
         CHECK (young_cadre_factor_x100 >= 0)",
    ),
];

/// The statements of the second migration, in order.
pub(crate) fn more_statements() -> Vec<String> {
    MORE_TABLES
        .iter()
        .map(|(name, body)| create_table(name, body))
        .collect()
}

/// `CREATE TABLE` with the audit columns after the data columns, before
/// the constraints (SQLite wants every column first).
pub(crate) fn create_table(name: &str, body: &str) -> String {
    let (columns, constraints) = body.split_once("PRIMARY KEY").unwrap_or((body, ""));
    format!("CREATE TABLE {name} ({columns}{AUDIT}, PRIMARY KEY{constraints})")
}

#[async_trait]
impl MigrationTrait for MoreRecords {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for sql in more_statements() {
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
    fn every_record_table_is_created_in_dependency_order() {
        let all: Vec<&(&str, &str)> = TABLES
            .iter()
            .chain(MORE_TABLES)
            .chain(m0020_condition_answers::TABLES)
            .chain(m0022_pay_parts::TABLES)
            .collect();
        let names: Vec<&str> = all.iter().map(|t| t.0).collect();
        assert_eq!(names, crate::records::TABLES);
        for (_, body) in &all {
            assert!(body.contains(", PRIMARY KEY ("), "{body}");
        }
        // Each foreign key points at a table created before it.
        for (i, (name, body)) in all.iter().enumerate() {
            for part in body.split("REFERENCES ").skip(1) {
                let target = part.split_whitespace().next().unwrap_or_default();
                assert!(
                    names[..i].contains(&target),
                    "{name} refers to {target} before it exists"
                );
            }
        }
    }
}
