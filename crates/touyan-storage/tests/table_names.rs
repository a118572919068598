//! Every table of the schema has a Chinese name for the audit trail
//! (`touyan_storage::table_zh`), on SQLite and PostgreSQL: a table added
//! by a migration without one fails here, and the names are unique.

use std::collections::BTreeSet;

use sea_orm::{ConnectionTrait, Statement};
use touyan_storage::testing::TestDb;
use touyan_storage::{Backend, TABLE_NAMES, both_backends, table_zh};

async fn every_table_is_named(db: TestDb) {
    let _store = db.open().await;
    let raw = db.connect(None).await;
    let b = raw.get_database_backend();
    let query = match db.backend {
        Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        }
        Backend::Postgres => {
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        }
    };
    let tables: BTreeSet<String> = raw
        .query_all_raw(Statement::from_string(b, query))
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get_by_index::<String>(0).unwrap())
        .filter(|t| t != "seaql_migrations")
        .collect();
    assert!(tables.contains("list_reviews"), "{tables:?}");
    let unnamed: Vec<&String> = tables
        .iter()
        .filter(|t| table_zh(t) == t.as_str())
        .collect();
    assert!(
        unnamed.is_empty(),
        "tables without a Chinese name: {unnamed:?}"
    );
    assert_eq!(table_zh("list_reviews"), "名单审核");
    assert_eq!(table_zh("no_such_table"), "no_such_table");
    let names: BTreeSet<&str> = TABLE_NAMES.iter().map(|(_, zh)| *zh).collect();
    assert_eq!(names.len(), TABLE_NAMES.len(), "a Chinese name used twice");
    db.finish().await;
}
both_backends!(table_names, every_table_is_named);
