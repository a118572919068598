//! Secondments and reserves in the server (issue 5, item 3): quotas,
//! coverage and appointments, each with its rule's sentence. On SQLite and
//! PostgreSQL.

mod common;

use axum::http::StatusCode;
use common::*;
use time::macros::date;
use touyan_records::model::*;
use touyan_records::{TownCode, VillageCode};
use touyan_rules::people::Education;
use touyan_storage::testing::TestDb;
use touyan_storage::{Batch, both_backends};

/// Listed reserve of V1, appointed its secretary in May 2025.
fn person_d() -> touyan_records::CitizenId {
    cid("37078319880808004")
}

fn records() -> Batch {
    let v1 = VillageCode::parse(V1).unwrap();
    Batch {
        people: vec![Person {
            id: person_d(),
            name: "赵六".into(),
            education: Education::Bachelor,
            full_time_degree: true,
        }],
        posts: vec![Post {
            person: person_d(),
            village: v1,
            role: PostRole::Secretary,
            start: date!(2025 - 05 - 01),
            end: None,
        }],
        reserves: vec![Reserve {
            person: person_d(),
            village: v1,
            post: PostRole::Secretary,
            listed_on: date!(2024 - 08 - 01),
            removed_on: None,
        }],
        list_entries: vec![ListEntry {
            town: TownCode::parse(T1).unwrap(),
            year: 2025,
            person: person_a(),
            village: v1,
            tier: 3,
            status: ListStatus::Filed,
        }],
        secondments: vec![Secondment {
            person: person_a(),
            level: SecondmentLevel::City,
            host_unit: "市农业农村局".into(),
            start: date!(2025 - 03 - 01),
            end: date!(2025 - 04 - 15),
            appraisal: Some("表现良好".into()),
        }],
        work_logs: vec![WorkLog {
            person: person_a(),
            secondment_start: date!(2025 - 03 - 01),
            on: date!(2025 - 03 - 05),
            text: "调研合作社".into(),
        }],
        ..Batch::default()
    }
}

async fn quotas_coverage_and_appointments(db: TestDb) {
    let h = harness(&db, true).await;
    h.store.apply("测试", &records()).await.unwrap();
    let op = sign_in(&h, "op1").await;
    let op2 = sign_in(&h, "op2").await;
    let admin = sign_in(&h, "admin").await;
    let page = get("/reserves?year=2025")
        .session(Some(&op.0))
        .send(&h)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    for want in [
        "市农业农村局",
        "到市直涉农单位挂职 1 人，应不少于 1 人",
        "1 条",
        "赵六",
        "新任书记 2024-08-01 列入后备，任职时培养不满 1 年，须说明理由",
        "第九条",
    ] {
        assert!(html.contains(want), "{want} missing:\n{html}");
    }
    // V1 has one reserve for secretary against a minimum of 2.
    assert!(html.contains("class=\"flag\""), "a shortfall is flagged");
    // Another town sees its own (no list in 2025): no secondment of town 1.
    let other = get("/reserves?year=2025")
        .session(Some(&op2.0))
        .send(&h)
        .await
        .text();
    assert!(!other.contains("市农业农村局"));
    // The city picks a town.
    let city = get("/reserves?year=2025")
        .session(Some(&admin.0))
        .send(&h)
        .await
        .text();
    assert!(city.contains("请选择镇街区"));
    let city = get(&format!("/reserves?year=2025&town={T1}"))
        .session(Some(&admin.0))
        .send(&h)
        .await
        .text();
    assert!(city.contains("市农业农村局"));
    db.finish().await;
}
both_backends!(reserves, quotas_coverage_and_appointments);
