//! The export page end to end (SQLite and PostgreSQL): real .xlsx files
//! that calamine reads, masked ID numbers by default, full ones only for a
//! city administrator and then logged, a town account limited to its town,
//! finance to the payment file; and the dashboard data scoped per town.

mod common;

use axum::http::StatusCode;
use common::*;
use touyan_storage::both_backends;
use touyan_storage::testing::TestDb;

fn sheets(body: &[u8]) -> Vec<touyan_excel::reports::SheetText> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.xlsx");
    std::fs::write(&path, body).unwrap();
    touyan_excel::reports::read_report(&path).expect("a workbook calamine reads")
}

fn cells(s: &[touyan_excel::reports::SheetText]) -> Vec<String> {
    s.iter()
        .flat_map(|(_, g)| g.iter().flatten().cloned())
        .collect()
}

async fn export(h: &Harness, who: &(String, String), pairs: &[(&str, &str)]) -> Answer {
    let mut all = vec![("csrf", who.1.as_str())];
    all.extend_from_slice(pairs);
    post("/exports")
        .session(Some(&who.0))
        .form(&all)
        .send(h)
        .await
}

async fn exports_are_masked_scoped_and_logged(db: TestDb) {
    let h = harness(&db, true).await;
    let a = person_a().as_str().to_owned();
    let c = person_c().as_str().to_owned();
    let masked_a = format!("{}********{}", &a[..6], &a[14..]);
    let admin = sign_in(&h, "admin").await;
    // The roster, masked by default: both towns' secretaries.
    let r = export(&h, &admin, &[("kind", "roster")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let all = cells(&sheets(&r.body));
    assert!(all.contains(&masked_a), "masked A");
    assert!(
        !all.iter().any(|x| x.contains(&a) || x.contains(&c)),
        "no full ID"
    );
    assert!(all.contains(&"王五".to_owned()));
    // A masked export is audited as a read.
    let log = h.store.changes(Some("roster")).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].action, touyan_storage::Action::Read);
    assert!(log[0].key.contains("身份证号码已脱敏"), "{:?}", log[0]);
    let exported = |log: &[touyan_storage::Change]| {
        log.iter()
            .filter(|c| c.action == touyan_storage::Action::Export)
            .count()
    };
    // Full IDs: a city administrator, logged.
    let r = export(&h, &admin, &[("kind", "roster"), ("full_ids", "1")]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(cells(&sheets(&r.body)).contains(&a));
    let log = h.store.changes(Some("roster")).await.unwrap();
    assert_eq!(exported(&log), 1);
    assert_eq!(log[1].actor, "admin");
    assert_eq!(log[1].action, touyan_storage::Action::Export);
    // With the client's address, as every web write.
    let audit = h
        .store
        .audit(
            &touyan_storage::AuditFilter {
                table: Some("roster".into()),
                ..Default::default()
            },
            touyan_storage::Page {
                page: 1,
                per_page: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!(audit.items.len(), 2);
    assert!(audit.items.iter().any(|i| i.action == "export"));
    assert!(
        audit
            .items
            .iter()
            .all(|i| i.origin.as_deref() == Some(common::CLIENT))
    );
    // Refused to anyone else, and nothing logged.
    let viewer = sign_in(&h, "viewer").await;
    let r = export(&h, &viewer, &[("kind", "roster"), ("full_ids", "1")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text().contains("只有市级管理员"));
    assert_eq!(h.store.changes(Some("roster")).await.unwrap().len(), 2);
    // A town operator gets its own town only, even when asking for another.
    let op1 = sign_in(&h, "op1").await;
    let r = export(&h, &op1, &[("kind", "roster"), ("town", T2)]).await;
    assert_eq!(r.status, StatusCode::OK);
    let mine = cells(&sheets(&r.body));
    assert!(mine.contains(&"张三".to_owned()));
    assert!(!mine.contains(&"王五".to_owned()), "town 2's secretary");
    // Finance: payments only.
    let fin = sign_in(&h, "fin").await;
    let r = export(&h, &fin, &[("kind", "roster")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // No filed list for 2025-05: the payment file is refused, in Chinese.
    let r = export(&h, &fin, &[("kind", "payments"), ("month", "2025-05")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(r.text().contains("未导出"));
    db.finish().await;
}
both_backends!(exports, exports_are_masked_scoped_and_logged);

async fn dashboard_data_is_scoped(db: TestDb) {
    let h = harness(&db, true).await;
    let admin = sign_in(&h, "admin").await;
    let j = get("/api/v1/dashboard")
        .session(Some(&admin.0))
        .send(&h)
        .await
        .json();
    assert_eq!(j["year"], 2025);
    assert_eq!(j["scope"], "全市");
    let codes: Vec<&str> = j["towns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, [T2, T1], "both towns, by code");
    let op1 = sign_in(&h, "op1").await;
    let j = get("/api/v1/dashboard")
        .session(Some(&op1.0))
        .send(&h)
        .await
        .json();
    assert_eq!(j["scope"], "洛城街道");
    let towns = j["towns"].as_array().unwrap();
    assert_eq!(towns.len(), 1);
    assert_eq!(towns[0]["code"], T1);
    // One administrative village: quota 50% of 1 rounded half up = 1.
    assert_eq!(towns[0]["quota"], 1);
    assert_eq!(towns[0]["tiers"], serde_json::json!([0, 0, 0]));
    // The page loads the script from our own files.
    let page = get("/").session(Some(&op1.0)).send(&h).await.text();
    assert!(page.contains("<script src=\"/static/vendor/echarts-5.6.0.min.js\"></script>"));
    let e = get("/static/vendor/echarts-5.6.0.min.js").send(&h).await;
    assert_eq!(
        e.header("cache-control").as_deref(),
        Some("public, max-age=31536000, immutable")
    );
    db.finish().await;
}
both_backends!(dashboard, dashboard_data_is_scoped);
