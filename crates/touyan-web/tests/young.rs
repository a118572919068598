//! Young cadres in the server (issue 5, item 4): the cap, the age limit
//! and the extension, the pay from the town's reference salary and factor
//! with "keeps the higher pay". On SQLite and PostgreSQL.

mod common;

use axum::http::StatusCode;
use common::*;
use time::macros::date;
use touyan_records::model::*;
use touyan_records::{TownCode, VillageCode};
use touyan_rules::people::Education;
use touyan_storage::testing::TestDb;
use touyan_storage::{Batch, both_backends};

fn records() -> Batch {
    let v1 = VillageCode::parse(V1).unwrap();
    let young = |id: &str, name: &str, pay: &str| {
        (
            Person {
                id: cid(id),
                name: name.into(),
                education: Education::Bachelor,
                full_time_degree: true,
            },
            YoungCadre {
                person: cid(id),
                village: v1,
                programme_start: date!(2024 - 07 - 01),
                current_pay: pay.parse().unwrap(),
                score: "90".parse().unwrap(),
                filed_on: Some(date!(2024 - 07 - 15)),
            },
        )
    };
    // 26 on the test's today (2025-06-02); and 37, past the limit.
    let (p1, y1) = young("37078319990505004", "赵六", "3000");
    let (p2, y2) = young("37078319880101005", "钱七", "5000");
    Batch {
        people: vec![p1, p2],
        young_cadres: vec![y1, y2],
        town_years: vec![TownYear {
            town: TownCode::parse(T1).unwrap(),
            year: 2025,
            reference_salary: "4000".parse().unwrap(),
            young_cadre_factor: "0.8".parse().unwrap(),
        }],
        ..Batch::default()
    }
}

async fn cap_age_and_pay(db: TestDb) {
    let h = harness(&db, true).await;
    h.store.apply("测试", &records()).await.unwrap();
    let op = sign_in(&h, "op1").await;
    let page = get("/young?month=2025-06")
        .session(Some(&op.0))
        .send(&h)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    // 4000 × 0.8 = 3200, plus 500 + 500 for a full-time graduate = 4200;
    // 钱七 was paid 5000 before and keeps it.
    for want in [
        "赵六",
        "钱七",
        "3200.00",
        "4200.00",
        "500.00 + 500.00",
        "保留原较高报酬",
        "超过上限",
        "第十条",
    ] {
        assert!(html.contains(want), "{want} missing:\n{html}");
    }
    assert!(
        html.contains("若综合考核优秀"),
        "the extension case is shown"
    );
    assert!(!html.contains("37078319990505004"), "masked");
    let op2 = sign_in(&h, "op2").await;
    let other = get("/young?month=2025-06")
        .session(Some(&op2.0))
        .send(&h)
        .await
        .text();
    assert!(!other.contains("赵六"), "another town's cadres");
    assert_eq!(
        get("/young?month=2025-13")
            .session(Some(&op.0))
            .send(&h)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    db.finish().await;
}
both_backends!(young, cap_age_and_pay);
