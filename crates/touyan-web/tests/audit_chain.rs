//! The audit page's line on the change log's hash chain (issue 19, item
//! 6), on SQLite and PostgreSQL: whole, with the count, the last row and
//! the start of its hash; rows written since the last view are taken in;
//! a row changed in the database is named.

mod common;

use axum::http::StatusCode;
use common::*;
use touyan_storage::testing::TestDb;
use touyan_storage::{Backend, both_backends};

async fn line(h: &Harness, session: &str) -> String {
    let page = get("/audit").session(Some(session)).send(h).await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    let start = text.find("id=\"audit-chain\">").expect("the chain's line") + 17;
    let end = start + text[start..].find("</p>").unwrap();
    text[start..end].to_owned()
}

async fn the_audit_page_shows_the_chain(db: TestDb) {
    let h = harness(&db, true).await;
    let (aud, _) = sign_in(&h, "aud").await;
    let s = h.store.verify_audit_chain(None).await.unwrap();
    assert!(s.intact(), "{s:?}");
    let want = |n: u64, id: i64, hash: &str| {
        format!(
            "摘要链完整：共 {n} 条，最后一条 #{id}，摘要 {}…",
            &hash[..12]
        )
    };
    assert_eq!(
        line(&h, &aud).await,
        want(s.checked, s.head_id, &s.head_hash)
    );
    // Two more rows: the next view goes on from the last.
    for i in 0..2 {
        h.store
            .log_read("aud", None, "people", &i.to_string())
            .await
            .unwrap();
    }
    let s2 = h.store.verify_audit_chain(None).await.unwrap();
    assert_eq!((s2.checked, s2.head_id), (s.checked + 2, s.head_id + 2));
    assert_eq!(
        line(&h, &aud).await,
        want(s2.checked, s2.head_id, &s2.head_hash)
    );

    // The last row and a middle one changed in the database.
    let guard = match db.backend {
        Backend::Sqlite => "DROP TRIGGER change_log_no_update",
        Backend::Postgres => "ALTER TABLE change_log DISABLE TRIGGER USER",
    };
    h.store.execute_raw_for_test(guard).await.unwrap();
    let last = s2.head_id;
    h.store
        .execute_raw_for_test(&format!(
            "UPDATE change_log SET record_key = '9' WHERE id IN (2, {last})"
        ))
        .await
        .unwrap();
    // This server, going on from the last row it checked, sees that row.
    let said = line(&h, &aud).await;
    assert!(
        said.starts_with(&format!("摘要链已被破坏：第 #{last} 条（")),
        "{said}"
    );
    assert!(
        said.ends_with(
            "，操作人 aud，数据表 人员）内容与摘要不符：写入后被改动过（或是伪造的一条）"
        ),
        "{said}"
    );
    // A server started now walks the whole chain and names the first.
    let state = touyan_web::AppState::open(h.store.clone(), h.clock.clone(), Default::default())
        .await
        .unwrap();
    let fresh = Harness {
        app: touyan_web::app(state.clone()),
        state,
        clock: h.clock.clone(),
        store: h.store.clone(),
    };
    let (aud, _) = sign_in(&fresh, "aud").await;
    let said = line(&fresh, &aud).await;
    assert!(said.starts_with("摘要链已被破坏：第 #2 条（"), "{said}");
    assert!(said.contains("内容与摘要不符"), "{said}");
    db.finish().await;
}
both_backends!(chain, the_audit_page_shows_the_chain);
