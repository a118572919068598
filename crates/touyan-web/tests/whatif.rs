//! What-if in the server (issue 5, item 9): changed facts or parameters
//! decided by the cycle, the decisions that change side by side with their
//! reasons, nothing written. On SQLite and PostgreSQL.

mod common;

use axum::http::StatusCode;
use common::*;
use touyan_records::VillageCode;
use touyan_records::model::*;
use touyan_storage::testing::TestDb;
use touyan_storage::{Batch, both_backends};

/// A eligible in 2025: four stars, 12 万元, first of the town's two
/// villages (2 × 1 ≤ 2), 三好三强.
fn facts() -> Batch {
    Batch {
        villages: vec![touyan_storage::Village {
            code: VillageCode::parse("370783100202").unwrap(),
            name: "西村村委会".into(),
            kind: touyan_records::CommitteeKind::Villagers,
        }],
        village_years: vec![VillageYear {
            village: VillageCode::parse(V1).unwrap(),
            year: 2024,
            stars: 4,
            collective_income_wan: "12".parse().unwrap(),
            assessment_score: None,
            assessment_rank: Some(1),
        }],
        three_good: vec![ThreeGood {
            person: person_a(),
            year: 2025,
            passed: true,
            note: String::new(),
        }],
        ..Batch::default()
    }
}

async fn run(h: &Harness, who: &(String, String), fields: &[(&str, &str)]) -> Answer {
    let mut pairs = vec![("csrf", who.1.as_str()), ("year", "2025"), ("town", T1)];
    pairs.extend_from_slice(fields);
    post("/whatif")
        .form(&pairs)
        .session(Some(&who.0))
        .send(h)
        .await
}

async fn changed_facts_and_parameters_side_by_side(db: TestDb) {
    let h = harness(&db, true).await;
    h.store.apply("测试", &facts()).await.unwrap();
    let before: Vec<VillageYear> = h.store.list().await.unwrap();
    let op = sign_in(&h, "op1").await;
    let form = get("/whatif?year=2025").session(Some(&op.0)).send(&h).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text().contains("东村村委会"));
    let (stars, income, rank) = (
        format!("stars_{V1}"),
        format!("income_{V1}"),
        format!("rank_{V1}"),
    );

    // Nothing changed: nobody's decision differs.
    let a = run(&h, &op, &[(&stars, "4"), (&income, "12"), (&rank, "1")]).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert!(a.text().contains("没有书记的结果改变"));

    // Income below the threshold (10 万元 in the example policy).
    let a = run(&h, &op, &[(&stars, "4"), (&income, "5"), (&rank, "1")]).await;
    let html = a.text();
    assert!(html.contains("结果改变的书记（1 人）"), "{html}");
    assert!(
        html.contains("列入第 1 位，三档") && html.contains("不符合条件"),
        "{html}"
    );
    assert!(html.contains("集体经济收入"), "the reason is shown");

    // The same by a parameter: the threshold raised to 20 万元.
    let a = run(
        &h,
        &op,
        &[
            (&stars, "4"),
            (&income, "12"),
            (&rank, "1"),
            ("param.inclusion.collective_income_min_wan", "20"),
        ],
    )
    .await;
    let html = a.text();
    assert!(html.contains("结果改变的书记（1 人）"), "{html}");
    // Shown by its article and meaning, the typed value kept; the dotted
    // name only in the field and its tooltip.
    let row = &html[html
        .find("title=\"参数名：inclusion.collective_income_min_wan\"")
        .unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains("<td>第一条"), "{row}");
    assert!(row.contains("value=\"20\""), "{row}");
    assert!(!html.contains("参数名 = 值"));

    // Bad input: an unknown parameter, a star rating that is not one.
    let a = run(
        &h,
        &op,
        &[("param.inclusion.collective_income_min_wan", "二十")],
    )
    .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.text().contains("的模拟值“二十”无效"), "{}", a.text());
    // A name the page does not offer is not read.
    let a = run(
        &h,
        &op,
        &[
            (&stars, "4"),
            (&income, "12"),
            (&rank, "1"),
            ("param.no.such", "1"),
        ],
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert!(a.text().contains("没有书记的结果改变"));
    let a = run(&h, &op, &[(&stars, "五"), (&income, "12"), (&rank, "1")]).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Another town: as if missing. Nothing was written.
    let op2 = sign_in(&h, "op2").await;
    assert_eq!(run(&h, &op2, &[]).await.status, StatusCode::NOT_FOUND);
    let after: Vec<VillageYear> = h.store.list().await.unwrap();
    assert_eq!(before, after);
    db.finish().await;
}
both_backends!(whatif, changed_facts_and_parameters_side_by_side);
