//! Qualification in the server (issue 5, item 2, Article 7): cadres
//! without a certificate, courses still to pass, degree-study order. On
//! SQLite and PostgreSQL.

mod common;

use axum::http::StatusCode;
use common::*;
use time::macros::date;
use touyan_records::model::*;
use touyan_records::{TownCode, VillageCode};
use touyan_storage::testing::TestDb;
use touyan_storage::{Batch, both_backends};

async fn certificates_courses_and_degree_order(db: TestDb) {
    let h = harness(&db, true).await;
    // A (secretary of V1, college, professionalized) has passed two
    // courses and holds no certificate.
    h.store
        .apply(
            "测试",
            &Batch {
                exam_results: vec![
                    ExamResult {
                        person: person_a(),
                        course: CourseKind::PartyBuilding,
                        taken_on: date!(2024 - 05 - 01),
                        passed: true,
                    },
                    ExamResult {
                        person: person_a(),
                        course: CourseKind::CollectiveEconomy,
                        taken_on: date!(2024 - 05 - 01),
                        passed: false,
                    },
                ],
                list_entries: vec![ListEntry {
                    town: TownCode::parse(T1).unwrap(),
                    year: 2025,
                    person: person_a(),
                    village: VillageCode::parse(V1).unwrap(),
                    tier: 3,
                    status: ListStatus::Filed,
                }],
                ..Batch::default()
            },
        )
        .await
        .unwrap();
    let op = sign_in(&h, "op1").await;
    let page = get("/qualifications").session(Some(&op.0)).send(&h).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    for want in [
        "未持证上岗 1 人",
        "未持农村干部资格证上岗",
        "第七条",
        "尚有必修课程未考试合格：集体经济、矛盾化解、职业技能、民生服务",
        "张三（专业化书记）",
    ] {
        assert!(html.contains(want), "{want} missing:\n{html}");
    }
    // With a certificate: in order.
    h.store
        .apply(
            "测试",
            &Batch {
                certificates: vec![Certificate {
                    person: person_a(),
                    number: "鲁农干证2025001".into(),
                    issued_on: date!(2025 - 03 - 01),
                }],
                ..Batch::default()
            },
        )
        .await
        .unwrap();
    let html = get("/qualifications?show=missing")
        .session(Some(&op.0))
        .send(&h)
        .await
        .text();
    assert!(html.contains("全部持证上岗"), "{html}");
    assert!(
        !html.contains("鲁农干证2025001"),
        "only the uncertified are listed"
    );
    let html = get("/qualifications")
        .session(Some(&op.0))
        .send(&h)
        .await
        .text();
    assert!(html.contains("鲁农干证2025001（2025-03-01）"));
    let op2 = sign_in(&h, "op2").await;
    assert_eq!(
        get(&format!("/qualifications?town={T1}"))
            .session(Some(&op2.0))
            .send(&h)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    db.finish().await;
}
both_backends!(qualifications, certificates_courses_and_degree_order);
