//! A secretary's whole pay in the server (Article 13; issue 17, item 5):
//! the town's operator records 基本报酬, 业绩考核奖励报酬 and 养老保险补助
//! with their channels on the person's page (a refused form keeps what
//! was sent), nobody else may; the person's 报酬构成 and the town's pay
//! page show the whole pay by part and by channel, the subsidy beside
//! the parts. On SQLite and PostgreSQL.

mod common;

use axum::http::StatusCode;
use common::*;
use touyan_records::TownCode;
use touyan_records::model::*;
use touyan_storage::testing::TestDb;
use touyan_storage::{Batch, both_backends};

/// A on T1's 2025 list in tier 2 (1,200 yuan a month, example policy).
fn filed() -> Batch {
    Batch {
        list_entries: vec![ListEntry {
            town: TownCode::parse(T1).unwrap(),
            year: 2025,
            person: person_a(),
            village: touyan_records::VillageCode::parse(V1).unwrap(),
            tier: 2,
            status: ListStatus::Filed,
        }],
        ..Batch::default()
    }
}

fn parts<'a>(csrf: &'a str, basic: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("month", "2025-06"),
        ("amount_basic", basic),
        ("channel_basic", "镇街财政"),
        ("amount_performance", "600.50"),
        ("channel_performance", "村集体经济"),
        ("amount_pension", "300"),
        ("channel_pension", "镇街财政"),
    ]
}

/// Hand-worked: June 2025, A: 基本报酬 2400.00 (镇街财政), 业绩 600.50
/// (村集体经济), 养老 300.00 (镇街财政), 专业化补贴 tier 2 1200.00
/// (市财政（一卡通）): 4500.50. The person's file adds May's stored
/// subsidy of 1500.00: 镇街财政 2700.00, 村集体经济 600.50,
/// 市财政（一卡通） 1500.00 (the June subsidy is not stored yet), in all
/// 4800.50.
async fn the_operator_records_and_the_pages_show_the_whole_pay(db: TestDb) {
    let h = harness(&db, true).await;
    h.store.apply("测试", &filed()).await.unwrap();
    let a = h.person(&person_a());
    let page = format!("/people/{a}");
    let to = format!("/people/{a}/pay-parts");
    let (op, csrf) = sign_in(&h, "op1").await;
    let html = get(&page).session(Some(&op)).send(&h).await.text();
    for want in [
        "报酬构成（第十三条）",
        "id=\"pay-parts-form\"",
        "1500.00（市财政（一卡通））",
    ] {
        assert!(html.contains(want), "{want} missing:\n{html}");
    }
    // A refused form: the sentence, and what was sent kept.
    let bad = post(&to)
        .form(&parts(&csrf, "-5"))
        .session(Some(&op))
        .send(&h)
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = bad.text();
    for want in [
        "基本报酬的金额不能为负数",
        "id=\"pay-parts-error\"",
        "value=\"2025-06\"",
        "value=\"-5\"",
        "value=\"600.50\"",
        "value=\"村集体经济\"",
    ] {
        assert!(html.contains(want), "{want} missing:\n{html}");
    }
    let three = post(&to)
        .form(&[
            ("csrf", csrf.as_str()),
            ("month", "2025-06"),
            ("amount_basic", "2400.001"),
            ("channel_basic", "镇街财政"),
        ])
        .session(Some(&op))
        .send(&h)
        .await;
    assert_eq!(three.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(three.text().contains("最多两位小数"));
    assert!(h.store.changes(Some("pay_parts")).await.unwrap().is_empty());
    // Recorded.
    let saved = post(&to)
        .form(&parts(&csrf, "2400.00"))
        .session(Some(&op))
        .send(&h)
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let log = h.store.changes(Some("pay_parts")).await.unwrap();
    assert_eq!(log.len(), 3);
    assert!(log.iter().all(|c| c.actor == "op1"));
    let html = get(&page).session(Some(&op)).send(&h).await.text();
    for want in [
        "<td>2025-06</td><td>2400.00（镇街财政）</td><td>600.50（村集体经济）</td><td>300.00（镇街财政）</td><td></td><td>3300.50</td>",
        "<td>2025-05</td><td></td><td></td><td></td><td>1500.00（市财政（一卡通））</td><td>1500.00</td>",
        "<td>镇街财政</td><td>2700.00</td>",
        "<td>村集体经济</td><td>600.50</td>",
        "<td>市财政（一卡通）</td><td>1500.00</td>",
        "<td>合计</td><td>4800.50</td>",
    ] {
        assert!(html.contains(want), "{want} missing:\n{html}");
    }
    // The pay page: the month's whole pay, the subsidy the page computes.
    let pay = get(&format!("/pay/2025-06/{T1}"))
        .session(Some(&op))
        .send(&h)
        .await
        .text();
    for want in [
        "<td>2400.00（镇街财政）</td><td>600.50（村集体经济）</td><td>300.00（镇街财政）</td><td>1200.00（市财政（一卡通））</td><td>4500.50</td>",
        "<td>专业化补贴</td><td>1</td><td>1200.00</td>",
        "<td>基本报酬</td><td>1</td><td>2400.00</td>",
        "<td>市财政（一卡通）</td><td>1</td><td>1200.00</td>",
        "<td>镇街财政</td><td>1</td><td>2700.00</td>",
        "<td id=\"whole-total\">4500.50</td>",
    ] {
        assert!(pay.contains(want), "{want} missing:\n{pay}");
    }
    // The other town's pay page shows none of it.
    let (op2, op2_csrf) = sign_in(&h, "op2").await;
    let t2 = get(&format!("/pay/2025-06/{T2}"))
        .session(Some(&op2))
        .send(&h)
        .await
        .text();
    assert!(!t2.contains("2400.00（镇街财政）"), "{t2}");

    // The reviewer sees the figures without a form and may not post;
    // another town's operator finds no such person; the city may not
    // record; without the token nothing is read.
    let (rev, rev_csrf) = sign_in(&h, "rev1").await;
    let html = get(&page).session(Some(&rev)).send(&h).await.text();
    assert!(html.contains("2400.00（镇街财政）") && !html.contains("pay-parts-form"));
    let as_rev = post(&to)
        .form(&parts(&rev_csrf, "1"))
        .session(Some(&rev))
        .send(&h)
        .await;
    assert_eq!(as_rev.status, StatusCode::FORBIDDEN);
    let as_op2 = post(&to)
        .form(&parts(&op2_csrf, "1"))
        .session(Some(&op2))
        .send(&h)
        .await;
    assert_eq!(as_op2.status, StatusCode::NOT_FOUND);
    let (admin, admin_csrf) = sign_in(&h, "admin").await;
    let as_admin = post(&to)
        .form(&parts(&admin_csrf, "1"))
        .session(Some(&admin))
        .send(&h)
        .await;
    assert_eq!(as_admin.status, StatusCode::FORBIDDEN);
    let no_token = post(&to)
        .form(&parts("", "1")[1..])
        .session(Some(&op))
        .send(&h)
        .await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    assert_eq!(h.store.changes(Some("pay_parts")).await.unwrap().len(), 3);
    db.finish().await;
}
both_backends!(
    person_page,
    the_operator_records_and_the_pages_show_the_whole_pay
);
