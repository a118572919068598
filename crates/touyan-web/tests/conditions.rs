//! The conditions a city's policy adds, in the server (issue 17, item 2):
//! the person's page lists each condition with the answer on record
//! (未记录 until one is), the town's operator records 是 / 否 there, and
//! nobody else may; the change log names the operator. On SQLite and
//! PostgreSQL.

mod common;

use axum::http::StatusCode;
use common::*;
use touyan_rules::Policy;
use touyan_storage::both_backends;
use touyan_storage::testing::TestDb;
use touyan_web::Config;

fn policy() -> Policy {
    Policy::parse(&format!(
        "{}\n[[conditions]]\nid = \"no_sanction\"\nlabel = \"无党纪政务处分\"\narticle = 1\nsince = 2025-01-01\n\n[[conditions]]\nid = \"resident\"\nlabel = \"在本村居住\"\narticle = 1\nsince = 2025-07-01\n",
        touyan_rules::policy::EXAMPLE_POLICY_TOML
    ))
    .expect("policy")
}

async fn the_person_page_records_answers(db: TestDb) {
    let h = harness_with(
        &db,
        true,
        Config {
            policy: policy(),
            ..Config::default()
        },
    )
    .await;
    let a = h.person(&person_a());
    let page = format!("/people/{a}");
    let to = format!("/people/{a}/conditions");
    let (op, csrf) = sign_in(&h, "op1").await;
    let html = get(&page).session(Some(&op)).send(&h).await.text();
    for want in [
        "增设纳入条件",
        "无党纪政务处分",
        // Not in force on the clock's day (2025-06-02).
        "在本村居住（尚未施行）",
        "id=\"conditions-form\"",
        "<option value=\"\" selected>未记录</option>",
    ] {
        assert!(html.contains(want), "{want} missing:\n{html}");
    }
    // The operator answers 否 and leaves the other unrecorded.
    let saved = post(&to)
        .form(&[
            ("csrf", &csrf),
            ("answer_no_sanction", "no"),
            ("answer_resident", ""),
            ("note", "受党内警告处分"),
        ])
        .session(Some(&op))
        .send(&h)
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let html = get(&page).session(Some(&op)).send(&h).await.text();
    assert!(
        html.contains("<option value=\"no\" selected>否</option>"),
        "{html}"
    );
    assert!(html.contains("2025-06-02") && html.contains("受党内警告处分"));
    let log = h.store.changes(Some("condition_answers")).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].actor, "op1");
    // Nothing chosen: refused on the page, in Chinese, nothing written.
    let none = post(&to)
        .form(&[("csrf", &csrf), ("answer_resident", "")])
        .session(Some(&op))
        .send(&h)
        .await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(none.text().contains("请至少为一个条件选择“是”或“否”"));
    // The town's reviewer sees the answers, without a form, and may not
    // post; another town's operator finds no such person; the city
    // administrator may not record.
    let (rev, rev_csrf) = sign_in(&h, "rev1").await;
    let html = get(&page).session(Some(&rev)).send(&h).await.text();
    assert!(html.contains("无党纪政务处分") && !html.contains("conditions-form"));
    let as_rev = post(&to)
        .form(&[("csrf", &rev_csrf), ("answer_no_sanction", "yes")])
        .session(Some(&rev))
        .send(&h)
        .await;
    assert_eq!(as_rev.status, StatusCode::FORBIDDEN);
    let (op2, op2_csrf) = sign_in(&h, "op2").await;
    let as_op2 = post(&to)
        .form(&[("csrf", &op2_csrf), ("answer_no_sanction", "yes")])
        .session(Some(&op2))
        .send(&h)
        .await;
    assert_eq!(as_op2.status, StatusCode::NOT_FOUND);
    let (admin, admin_csrf) = sign_in(&h, "admin").await;
    let as_admin = post(&to)
        .form(&[("csrf", &admin_csrf), ("answer_no_sanction", "yes")])
        .session(Some(&admin))
        .send(&h)
        .await;
    assert_eq!(as_admin.status, StatusCode::FORBIDDEN);
    // Without the session's token: refused before anything is read.
    let no_token = post(&to)
        .form(&[("answer_no_sanction", "yes")])
        .session(Some(&op))
        .send(&h)
        .await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    assert_eq!(
        h.store
            .changes(Some("condition_answers"))
            .await
            .unwrap()
            .len(),
        1
    );
    db.finish().await;
}
both_backends!(person_page, the_person_page_records_answers);

async fn no_conditions_no_form(db: TestDb) {
    let h = harness(&db, true).await;
    let (op, _) = sign_in(&h, "op1").await;
    let html = get(&format!("/people/{}", h.person(&person_a())))
        .session(Some(&op))
        .send(&h)
        .await
        .text();
    assert!(!html.contains("增设纳入条件"), "{html}");
    db.finish().await;
}
both_backends!(shipped_policy, no_conditions_no_form);

/// The what-if page decides with the answers on record: A passes the
/// five checks in 2025 (four stars, 12 万元, first of two villages,
/// 三好三强). Not answered, A is not eligible either way, so lowering the
/// income changes nobody; answered 是, A is listed and the lower income
/// takes A off.
async fn the_what_if_page_reads_the_answers(db: TestDb) {
    use touyan_records::VillageCode;
    use touyan_records::model::{ThreeGood, VillageYear};
    let h = harness_with(
        &db,
        true,
        Config {
            policy: policy(),
            ..Config::default()
        },
    )
    .await;
    h.store
        .apply(
            "测试",
            &touyan_storage::Batch {
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
                ..touyan_storage::Batch::default()
            },
        )
        .await
        .unwrap();
    let (op, csrf) = sign_in(&h, "op1").await;
    let (stars, income, rank) = (
        format!("stars_{V1}"),
        format!("income_{V1}"),
        format!("rank_{V1}"),
    );
    let what_if = |income_value: &'static str| {
        let fields = [
            ("csrf".to_owned(), csrf.clone()),
            ("year".to_owned(), "2025".to_owned()),
            ("town".to_owned(), T1.to_owned()),
            (stars.clone(), "4".to_owned()),
            (income.clone(), income_value.to_owned()),
            (rank.clone(), "1".to_owned()),
        ];
        let h = &h;
        let op = op.clone();
        async move {
            let pairs: Vec<(&str, &str)> = fields
                .iter()
                .map(|(a, b)| (a.as_str(), b.as_str()))
                .collect();
            post("/whatif")
                .form(&pairs)
                .session(Some(&op))
                .send(h)
                .await
                .text()
        }
    };
    let html = what_if("5").await;
    assert!(html.contains("没有书记的结果改变"), "{html}");
    let saved = post(&format!("/people/{}/conditions", h.person(&person_a())))
        .form(&[("csrf", &csrf), ("answer_no_sanction", "yes")])
        .session(Some(&op))
        .send(&h)
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let html = what_if("5").await;
    assert!(html.contains("结果改变的书记（1 人）"), "{html}");
    assert!(
        html.contains("列入第 1 位，三档") && html.contains("不符合条件"),
        "{html}"
    );
    db.finish().await;
}
both_backends!(what_if, the_what_if_page_reads_the_answers);
