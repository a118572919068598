//! The to-do page (待办, issue 18 item 2) in the server, on 2025-06-02:
//! the town's operator is sent to compute May's pay; the city sees two
//! towns' June runs waiting for approval, with the people and totals it
//! approves, and approves both from one form, each checked on its own (a
//! pick whose run moved since is refused alone); a town cannot pick
//! another town's run; the dashboard shows the count. On SQLite and
//! PostgreSQL.

mod common;

use axum::http::StatusCode;
use common::*;
use touyan_office::pay::{self, Seen};
use touyan_records::TownCode;
use touyan_records::model::*;
use touyan_rules::Policy;
use touyan_storage::testing::TestDb;
use touyan_storage::{Batch, Store, both_backends};
use touyan_workflow::{Actor, Role};

const JUNE: time::Date = time::macros::date!(2025 - 06 - 01);

/// The 2025 lists: A in tier 1 (town 1), C in tier 2 (town 2).
fn filed() -> Batch {
    let e = |t: &str, p, v: &str, tier| ListEntry {
        town: TownCode::parse(t).unwrap(),
        year: 2025,
        person: p,
        village: touyan_records::VillageCode::parse(v).unwrap(),
        tier,
        status: ListStatus::Filed,
    };
    Batch {
        list_entries: vec![e(T1, person_a(), V1, 1), e(T2, person_c(), V2, 2)],
        ..Batch::default()
    }
}

/// June's run of `town` moved by `role` of the town, through the office
/// as the pay page does.
async fn pay_move(store: &Store, town: &'static str, role: Role, kind: PayMoveKind) {
    let t = TownCode::parse(town).unwrap();
    let tm = pay::town_month(store, &Policy::example(), JUNE, t)
        .await
        .unwrap();
    let by = touyan_office::By {
        actor: Actor {
            role,
            town: Some(town),
        },
        name: "测试",
        origin: None,
    };
    let seen = Seen {
        state: Some(tm.current()),
        moves: Some(tm.moves.len()),
    };
    pay::move_town(store, by, &tm, kind, seen, "")
        .await
        .unwrap();
}

async fn the_city_approves_two_towns_from_its_to_do(db: TestDb) {
    let h = harness(&db, true).await;
    h.store.apply("测试", &filed()).await.unwrap();
    // A demo database may compute the example amounts.
    h.store
        .log_export(touyan_web::demo::DEMO_DATA_ACTOR, "demo", "演示")
        .await
        .unwrap();
    let op = sign_in(&h, "op1").await;
    let admin = sign_in(&h, "admin").await;
    let op2 = sign_in(&h, "op2").await;

    // The operator: May's pay to compute, a link to its page.
    let page = get("/todo").session(Some(&op.0)).send(&h).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("2025 年 5 月发放：尚未计算"), "{html}");
    assert!(html.contains(&format!("href=\"/pay/2025-05/{T1}\"")));
    assert!(!html.contains("圣城") && !html.contains("批准所选发放"));
    // Nothing waits for the city yet.
    let html = get("/todo").session(Some(&admin.0)).send(&h).await.text();
    assert!(html.contains("目前没有等待您办理的事项"), "{html}");

    // Both towns' June runs computed and reviewed.
    for town in [T1, T2] {
        pay_move(&h.store, town, Role::TownOperator, PayMoveKind::Compute).await;
        pay_move(&h.store, town, Role::TownReviewer, PayMoveKind::Review).await;
    }
    let html = get("/todo").session(Some(&admin.0)).send(&h).await.text();
    assert_eq!(
        html.matches("2025 年 6 月发放：已审核待批准").count(),
        4,
        "two rows and two picks"
    );
    assert!(html.contains("1 人，合计 1500.00 元"), "{html}");
    assert!(html.contains("1 人，合计 1200.00 元"), "{html}");
    assert!(html.contains("批准所选发放"));
    assert!(html.contains("data-confirm="));
    let key = |t: &str| format!("pay:2025-06:{t}:reviewed:2");
    assert!(html.contains(&key(T1)) && html.contains(&key(T2)), "{html}");
    // The dashboard counts them and links to the page.
    let home = get("/").session(Some(&admin.0)).send(&h).await.text();
    assert!(home.contains("待办（2 项）"), "{home}");

    // No token, a bad kind, a town picking another town's run.
    let bulk = |who: &(String, String), token: &str, kind: &str, picks: &[String]| {
        let mut form: Vec<(&str, &str)> = vec![("csrf", token), ("kind", kind)];
        form.extend(picks.iter().map(|p| ("pick", p.as_str())));
        post("/todo").form(&form).session(Some(&who.0))
    };
    let both = [key(T1), key(T2)];
    let a = bulk(&admin, "", "approve_pay", &both).send(&h).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    let a = bulk(&admin, &admin.1, "delete_all", &both).send(&h).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.text().contains("未指明要办理的事项"));
    let a = bulk(&op2, &op2.1, "approve_pay", &[key(T1)]).send(&h).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    let t1 = TownCode::parse(T1).unwrap();
    let t2 = TownCode::parse(T2).unwrap();
    for t in [t1, t2] {
        let run = h.store.pay_run(JUNE, t).await.unwrap().unwrap();
        assert_eq!(run.state, PayState::Reviewed);
    }

    // One form, two towns; town 2's pick names a run as it stood before
    // a move made since (three moves, not two): refused alone.
    let stale = format!("pay:2025-06:{T2}:reviewed:3");
    let a = bulk(&admin, &admin.1, "approve_pay", &[key(T1), stale])
        .send(&h)
        .await;
    assert_eq!(a.status, StatusCode::OK);
    let html = a.text();
    assert!(html.contains("办理结果"), "{html}");
    assert!(
        html.contains("洛城街道 2025 年 6 月发放：已批准（已批准待发放）"),
        "{html}"
    );
    assert!(html.contains("状态已经改变"), "{html}");
    assert_eq!(
        h.store.pay_run(JUNE, t1).await.unwrap().unwrap().state,
        PayState::Approved
    );
    assert_eq!(
        h.store.pay_run(JUNE, t2).await.unwrap().unwrap().state,
        PayState::Reviewed
    );
    // What still waits: town 2's run, picked again as the page now shows it.
    assert_eq!(
        html.matches("2025 年 6 月发放：已审核待批准").count(),
        2,
        "{html}"
    );
    let a = bulk(&admin, &admin.1, "approve_pay", &[key(T2)])
        .send(&h)
        .await;
    assert!(a.text().contains("已批准（已批准待发放）"));
    assert_eq!(
        h.store.pay_run(JUNE, t2).await.unwrap().unwrap().state,
        PayState::Approved
    );
    db.finish().await;
}
both_backends!(todo_bulk, the_city_approves_two_towns_from_its_to_do);
