//! Migration `m0016_audit_events`: the change log may record two more
//! kinds of event (issue 15): `read` (an audited read: a person's file, a
//! masked export) and `refused` (a write refused in a way worth auditing:
//! a town's import naming ID numbers on record elsewhere).
//!
//! The log's `CHECK (action IN …)` is widened. PostgreSQL alters the named
//! constraint. SQLite cannot alter a CHECK, so the table is rebuilt: a new
//! table with the same columns, every row copied with its id, the old one
//! dropped (dropping a table fires no trigger), the new one renamed, and
//! its indexes and append-only triggers made again as m0001 and m0004 made
//! them.
//!
//! Same rules as `migrations/mod.rs`: portable SQL only; once released it never
//! changes.

use sea_orm::DbBackend;
use sea_orm_migration::async_trait::async_trait;
use sea_orm_migration::prelude::*;

pub(crate) struct AuditEvents;

impl MigrationName for AuditEvents {
    fn name(&self) -> &str {
        "m0016_audit_events"
    }
}

const ACTIONS: &str =
    "CHECK (action IN ('insert', 'update', 'delete', 'export', 'read', 'refused'))";

/// The statements, in order.
pub(crate) fn statements(backend: DbBackend) -> Vec<String> {
    match backend {
        DbBackend::Postgres => vec![
            "ALTER TABLE change_log DROP CONSTRAINT change_log_action_check".to_owned(),
            format!("ALTER TABLE change_log ADD CONSTRAINT change_log_action_check {ACTIONS}"),
        ],
        _ => {
            let cols = "id, changed_at, actor, table_name, record_key, action, \
                        before_json, after_json, origin";
            let mut out = vec![
                format!(
                    "CREATE TABLE change_log_new (id INTEGER PRIMARY KEY AUTOINCREMENT, \
                     changed_at TIMESTAMP NOT NULL, actor TEXT NOT NULL, \
                     table_name TEXT NOT NULL, record_key TEXT NOT NULL, action TEXT NOT NULL, \
                     before_json TEXT, after_json TEXT, origin TEXT, {ACTIONS})"
                ),
                format!("INSERT INTO change_log_new ({cols}) SELECT {cols} FROM change_log"),
                "DROP TABLE change_log".to_owned(),
                "ALTER TABLE change_log_new RENAME TO change_log".to_owned(),
            ];
            // The log's indexes as m0001 and m0004 made them, and m0004's
            // append-only triggers (the dropped table took them along).
            out.extend(
                crate::migrations::initial_statements(backend)
                    .into_iter()
                    .chain(crate::migrations::m0004_accounts::statements(backend))
                    .filter(|s| {
                        (s.starts_with("CREATE INDEX") || s.starts_with("CREATE TRIGGER"))
                            && s.contains(" ON change_log ")
                    }),
            );
            out
        }
    }
}

#[async_trait]
impl MigrationTrait for AuditEvents {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// On SQLite the rebuilt log keeps every row with its id, the next id
    /// follows the last, the new actions are taken, others still refused,
    /// and the log is append-only again.
    #[test]
    fn the_sqlite_rebuild_keeps_the_log() {
        let db = rusqlite::Connection::open_in_memory().unwrap();
        let old = crate::migrations::initial_statements(DbBackend::Sqlite);
        let log = old
            .iter()
            .find(|s| s.starts_with("CREATE TABLE change_log"))
            .unwrap();
        db.execute_batch(log).unwrap();
        db.execute_batch("ALTER TABLE change_log ADD COLUMN origin TEXT")
            .unwrap();
        for s in crate::migrations::m0004_accounts::statements(DbBackend::Sqlite)
            .iter()
            .filter(|s| s.contains("TRIGGER"))
        {
            db.execute_batch(s).unwrap();
        }
        let row = "INSERT INTO change_log (changed_at, actor, table_name, record_key, action, origin) \
                   VALUES ('2025-01-01 00:00:00', 'a', 'people', 'k', ?1, '1.2.3.4')";
        db.execute(row, ["insert"]).unwrap();
        db.execute(row, ["export"]).unwrap();
        assert!(db.execute(row, ["read"]).is_err(), "not yet");
        for s in statements(DbBackend::Sqlite) {
            db.execute_batch(&s).unwrap();
        }
        let rows: Vec<(i64, String, Option<String>)> = db
            .prepare("SELECT id, action, origin FROM change_log ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            rows,
            [
                (1, "insert".to_owned(), Some("1.2.3.4".to_owned())),
                (2, "export".to_owned(), Some("1.2.3.4".to_owned()))
            ]
        );
        db.execute(row, ["read"]).unwrap();
        db.execute(row, ["refused"]).unwrap();
        assert!(db.execute(row, ["other"]).is_err());
        let last: i64 = db
            .query_row("SELECT MAX(id) FROM change_log", [], |r| r.get(0))
            .unwrap();
        assert_eq!(last, 4);
        let e = db
            .execute("UPDATE change_log SET actor = 'b'", [])
            .unwrap_err();
        assert!(
            e.to_string()
                .contains(crate::migrations::m0004_accounts::APPEND_ONLY),
            "{e}"
        );
        let e = db.execute("DELETE FROM change_log", []).unwrap_err();
        assert!(
            e.to_string()
                .contains(crate::migrations::m0004_accounts::APPEND_ONLY),
            "{e}"
        );
        let indexes: i64 = db
            .query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'change_log' \
                 AND name LIKE 'change_log_%'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(indexes, 3, "record, changed_at, actor");
    }
}
