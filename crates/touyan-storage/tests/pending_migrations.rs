//! The readiness check's question (issue 19, item 2): which of this
//! build's migrations the database has not applied. None on a store this
//! build opened; the one whose record is taken away, by name; an error,
//! not a panic, when the database is gone. On SQLite and PostgreSQL.

use sea_orm::ConnectionTrait;
use touyan_storage::both_backends;
use touyan_storage::testing::TestDb;

async fn pending_migrations_are_named(db: TestDb) {
    let store = db.open().await;
    assert_eq!(
        store.pending_migrations().await.unwrap(),
        Vec::<String>::new()
    );
    let raw = db.connect(None).await;
    raw.execute_unprepared("DELETE FROM seaql_migrations WHERE version = 'm0026_audit_chain'")
        .await
        .unwrap();
    assert_eq!(
        store.pending_migrations().await.unwrap(),
        vec!["m0026_audit_chain".to_owned()]
    );
    db.finish().await;
}
both_backends!(pending, pending_migrations_are_named);
