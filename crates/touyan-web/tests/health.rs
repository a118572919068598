//! `GET /healthz` and `GET /readyz` (issue 19, item 2): answered without
//! an account, saying nothing about the records; ready on a current
//! database. On SQLite and PostgreSQL. (Which migrations are pending is
//! `touyan-storage`'s tests/pending_migrations.rs.)

mod common;

use axum::http::StatusCode;
use common::*;
use touyan_storage::both_backends;
use touyan_storage::testing::TestDb;

async fn alive_and_ready_without_an_account(db: TestDb) {
    let h = harness(&db, true).await;
    let a = get("/healthz").send(&h).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.text(), "ok");
    let a = get("/readyz").send(&h).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let j = a.json();
    assert_eq!(j["ready"], true, "{j}");
    assert_eq!(j["pending"], serde_json::json!([]), "{j}");
    assert_eq!(j["reason"], "", "{j}");
    // Nothing about the records, and a POST is not a health check.
    assert!(!a.text().contains("370783"), "{}", a.text());
    let a = post("/readyz").send(&h).await;
    assert_eq!(a.status, StatusCode::METHOD_NOT_ALLOWED);
    db.finish().await;
}
both_backends!(health, alive_and_ready_without_an_account);
