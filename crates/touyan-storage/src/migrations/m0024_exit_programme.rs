//! Migration `m0024_exit_programme`: each exit says which programme it
//! leaves (issue 17): the professionalized management of secretaries or
//! the young cadres' programme (Article 10). An exit said only its ground,
//! and the grounds 达到年龄上限 and 其他 are grounds of both, so a young
//! cadre's exit from the programme stopped the same person's subsidy when
//! later listed as a secretary.
//!
//! - `exits` is rebuilt with `programme` (`secretary` or `young`) in its
//!   key, (person, day, programme): a person in both programmes may leave
//!   both on one day, and one exit must not replace the other.
//! - Existing rows: a ground of the young programme only (延长期满, 不再担任
//!   村“两委”干部, 经考察不胜任, 本人辞职) is `young`; a ground of both
//!   (达到年龄上限, 其他) is `young` when the person was on the young
//!   programme by the exit day and on no list by then (no filed version on
//!   or before the day, no list entry of that year or before) — the young
//!   cadre who left the programme and was listed later —, else
//!   `secretary` (what the exits page recorded before the young-cadre page
//!   could).
//! - The records' version moves on (`m0008_data_version`).
//!
//! Same rules as `migrations/mod.rs`: portable SQL only; once released it
//! never changes.

use sea_orm::DbBackend;
use sea_orm_migration::async_trait::async_trait;
use sea_orm_migration::prelude::*;

use crate::migrations::create_table;

pub(crate) struct ExitProgramme;

impl MigrationName for ExitProgramme {
    fn name(&self) -> &str {
        "m0024_exit_programme"
    }
}

/// The new table: the columns of `exits` with `programme` in the key.
const TABLE: (&str, &str) = (
    "exits_new",
    "person TEXT NOT NULL, exit_on DATE NOT NULL, programme TEXT NOT NULL, \
     reason TEXT NOT NULL, note TEXT NOT NULL, \
     PRIMARY KEY (person, exit_on, programme), \
     FOREIGN KEY (person) REFERENCES people (citizen_id)",
);

/// The statements, in order, for `backend` (the year of a day is the one
/// expression the two backends write differently).
pub(crate) fn statements(backend: DbBackend) -> Vec<String> {
    let year = match backend {
        DbBackend::Postgres => "CAST(EXTRACT(YEAR FROM x.exit_on) AS INTEGER)",
        _ => "CAST(strftime('%Y', x.exit_on) AS INTEGER)",
    };
    vec![
        create_table(TABLE.0, TABLE.1),
        format!(
            "INSERT INTO exits_new (person, exit_on, programme, reason, note, \
             created_at, updated_at, updated_by) \
             SELECT x.person, x.exit_on, \
             CASE WHEN x.reason IN ('extension_ended', 'left_committee', 'not_competent', 'resigned') \
             OR (x.reason IN ('age', 'other') \
                 AND EXISTS (SELECT 1 FROM young_cadres y \
                             WHERE y.person = x.person AND y.programme_start <= x.exit_on) \
                 AND NOT EXISTS (SELECT 1 FROM list_filings f \
                                 WHERE f.person = x.person AND f.filed_on <= x.exit_on) \
                 AND NOT EXISTS (SELECT 1 FROM list_entries e \
                                 WHERE e.person = x.person AND e.year <= {year})) \
             THEN 'young' ELSE 'secretary' END, \
             x.reason, x.note, x.created_at, x.updated_at, x.updated_by \
             FROM exits x"
        ),
        "DROP TABLE exits".to_owned(),
        "ALTER TABLE exits_new RENAME TO exits".to_owned(),
        crate::migrations::m0008_data_version::BUMP.to_owned(),
    ]
}

#[async_trait]
impl MigrationTrait for ExitProgramme {
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
