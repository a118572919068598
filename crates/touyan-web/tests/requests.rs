//! What every request carries (issue 19, items 1, 4, 5): an id in the
//! `X-Request-Id` header; the client's real address behind a trusted
//! reverse proxy only (audit rows carry it); a time limit answered in
//! Chinese; the configured public address accepted as this site's origin.
//! On SQLite and PostgreSQL where the audit trail is read.

mod common;

use std::time::Duration;

use axum::http::StatusCode;
use common::*;
use touyan_storage::testing::TestDb;
use touyan_storage::{AuditFilter, Page, both_backends};
use touyan_web::Config;
use touyan_web::http::{Timeouts, TrustedProxies};

/// The addresses the audit trail recorded for failed sign-ins with a
/// name that has no account.
async fn failure_origins(h: &Harness) -> Vec<String> {
    let log = h
        .store
        .audit(
            &AuditFilter {
                table: Some("login_failures".into()),
                ..Default::default()
            },
            Page::new(1, 100),
        )
        .await
        .unwrap();
    let mut v: Vec<String> = log.items.iter().filter_map(|e| e.origin.clone()).collect();
    v.sort();
    v
}

async fn fail_sign_in(h: &Harness, from: &str, forwarded: Option<&str>) -> StatusCode {
    let mut c = post("/api/v1/login")
        .from(from)
        .json(r#"{"username":"nobody","password":"Wrong@2025"}"#);
    if let Some(f) = forwarded {
        c = c.header("x-forwarded-for", f);
    }
    c.send(h).await.status
}

async fn forwarded_for_is_believed_from_trusted_proxies_only(db: TestDb) {
    let config = Config {
        trusted_proxies: "127.0.0.1, 10.0.0.0/8".parse::<TrustedProxies>().unwrap(),
        ..Config::default()
    };
    let h = harness_with(&db, true, config).await;
    // Through the proxy on this host; through one in the proxies' network
    // with a forged entry the client sent first; straight from a client
    // that sends the header itself.
    for (from, fwd) in [
        ("127.0.0.1", "203.0.113.7"),
        ("10.1.2.3", "1.1.1.1, 203.0.113.8"),
        ("198.51.100.9", "203.0.113.99"),
    ] {
        assert_eq!(
            fail_sign_in(&h, from, Some(fwd)).await,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        failure_origins(&h).await,
        ["198.51.100.9", "203.0.113.7", "203.0.113.8"]
    );
    db.finish().await;
}
both_backends!(trusted, forwarded_for_is_believed_from_trusted_proxies_only);

async fn without_trusted_proxies_the_header_is_ignored(db: TestDb) {
    let h = harness(&db, true).await;
    assert_eq!(
        fail_sign_in(&h, "127.0.0.1", Some("203.0.113.7")).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(failure_origins(&h).await, ["127.0.0.1"]);
    db.finish().await;
}
both_backends!(untrusted, without_trusted_proxies_the_header_is_ignored);

#[tokio::test]
async fn every_answer_carries_its_own_request_id() {
    let db = TestDb::sqlite();
    let h = harness(&db, true).await;
    let mut ids = Vec::new();
    for uri in ["/healthz", "/login", "/no-such-page", "/api/v1/people"] {
        let a = get(uri).send(&h).await;
        let id = a
            .header("x-request-id")
            .unwrap_or_else(|| panic!("{uri}: no id"));
        assert_eq!(id.len(), 8, "{uri}: {id}");
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit()), "{uri}: {id}");
        ids.push(id);
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 4, "{ids:?}");
}

#[tokio::test]
async fn a_request_past_its_limit_is_answered_in_chinese_with_its_id() {
    let db = TestDb::sqlite();
    let config = Config {
        timeouts: Timeouts {
            normal: Duration::from_millis(1),
            long: Duration::from_secs(600),
        },
        ..Config::default()
    };
    let h = harness_with(&db, true, config).await;
    // A password check (argon2id over 19 MiB) takes far longer than 1 ms.
    let a = post("/api/v1/login")
        .json(format!(
            r#"{{"username":"viewer","password":"{PASSWORD}"}}"#
        ))
        .send(&h)
        .await;
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE, "{}", a.text());
    let id = a.header("x-request-id").expect("an id");
    let msg = a.json()["error"].as_str().unwrap_or_default().to_owned();
    assert!(
        msg.starts_with("请求处理超过 1 秒，已停止") && msg.contains(&format!("错误编号 {id}")),
        "{msg}"
    );
    // A page says it on a page.
    let a = post("/login")
        .form(&[("username", "viewer"), ("password", PASSWORD)])
        .send(&h)
        .await;
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(a.text().contains("请求超时"), "{}", a.text());
}

#[tokio::test]
async fn the_public_address_is_this_sites_origin_behind_a_proxy() {
    let db = TestDb::sqlite();
    let config = Config {
        public_url: Some("https://touyan.example.gov.cn".parse().unwrap()),
        ..Config::default()
    };
    let h = harness_with(&db, true, config).await;
    let login = |origin: &'static str| {
        post("/api/v1/login")
            .header("host", "127.0.0.1:8080")
            .header("origin", origin)
            .json(r#"{"username":"viewer","password":"Wrong@2025"}"#)
    };
    // The proxy rewrote Host; the browser's Origin is the public address.
    assert_eq!(
        login("https://touyan.example.gov.cn").send(&h).await.status,
        StatusCode::UNAUTHORIZED
    );
    // Another site is still another site.
    assert_eq!(
        login("https://evil.example").send(&h).await.status,
        StatusCode::FORBIDDEN
    );
    // Without the setting, the rewritten Host makes the same request
    // cross-site.
    let db2 = TestDb::sqlite();
    let plain = harness(&db2, true).await;
    assert_eq!(
        login("https://touyan.example.gov.cn")
            .send(&plain)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}
