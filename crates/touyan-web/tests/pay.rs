//! The monthly subsidy run in the server (issue 5, item 6): computed by
//! the town from its filed list, reviewed, approved by the city, paid by
//! finance; refused on the policy's example amounts outside a demo; the
//! payment file and the printed list. On SQLite and PostgreSQL.

mod common;

use axum::http::StatusCode;
use common::*;
use touyan_records::TownCode;
use touyan_records::model::*;
use touyan_storage::testing::TestDb;
use touyan_storage::{Batch, both_backends};

const MONTH: &str = "2025-06";

fn path() -> String {
    format!("/pay/{MONTH}/{T1}")
}

async fn act(
    h: &Harness,
    who: &(String, String),
    seen: &str,
    action: &str,
    comment: &str,
) -> Answer {
    post(&path())
        .form(&[
            ("csrf", who.1.as_str()),
            ("seen", seen),
            ("action", action),
            ("comment", comment),
        ])
        .session(Some(&who.0))
        .send(h)
        .await
}

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

async fn a_month_is_computed_reviewed_approved_and_paid(db: TestDb) {
    let h = harness(&db, true).await;
    h.store.apply("测试", &filed()).await.unwrap();
    let op = sign_in(&h, "op1").await;
    let rev = sign_in(&h, "rev1").await;
    let admin = sign_in(&h, "admin").await;
    let fin = sign_in(&h, "fin").await;
    let op2 = sign_in(&h, "op2").await;
    let month = time::macros::date!(2025 - 06 - 01);
    let t1 = TownCode::parse(T1).unwrap();

    // The page: A in tier 1 at the example policy's 1,500 yuan.
    let page = get(&path()).session(Some(&op.0)).send(&h).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    for want in ["张三", "一档", "1500.00", "尚未计算", "示例值"] {
        assert!(html.contains(want), "{want} missing");
    }
    assert!(!html.contains("王五"), "another town's people");
    assert_eq!(
        get(&format!("/pay/{MONTH}/{T2}"))
            .session(Some(&op.0))
            .send(&h)
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Example amounts in a database that is not a demo: refused.
    let a = act(&h, &op, "none", "compute", "").await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.text().contains("示例值"), "{}", a.text());
    assert_eq!(h.store.pay_run(month, t1).await.unwrap(), None);
    // A demo database (records written by the demo) may compute them.
    h.store
        .log_export(touyan_web::demo::DEMO_DATA_ACTOR, "demo", "演示")
        .await
        .unwrap();

    // Who may not: another town, the reviewer, the city, finance.
    assert_eq!(
        act(&h, &op2, "none", "compute", "").await.status,
        StatusCode::NOT_FOUND
    );
    for who in [&rev, &admin, &fin] {
        assert_eq!(
            act(&h, who, "none", "compute", "").await.status,
            StatusCode::FORBIDDEN
        );
    }
    assert_eq!(
        act(&h, &op, "none", "compute", "").await.status,
        StatusCode::SEE_OTHER
    );
    let run = h.store.pay_run(month, t1).await.unwrap().unwrap();
    assert_eq!(
        (run.state, run.people, run.total_fen, run.example),
        (PayState::Computed, 1, 150_000, true)
    );
    let paid = h.store.town_payments(month, t1).await.unwrap();
    assert_eq!(paid.len(), 1);
    assert_eq!(
        (paid[0].person.clone(), paid[0].amount_fen, paid[0].source),
        (person_a(), 150_000, FundingSource::City)
    );

    // Finance cannot pay before approval; the city returns once.
    assert_eq!(
        act(&h, &fin, "computed", "pay", "").await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        act(&h, &rev, "computed", "review", "").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        act(&h, &admin, "reviewed", "return", "").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        act(&h, &admin, "reviewed", "return", "请核对人数")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        act(&h, &op, "returned", "compute", "").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        act(&h, &rev, "computed", "review", "").await.status,
        StatusCode::SEE_OTHER
    );
    // A stale page is refused.
    assert_eq!(
        act(&h, &admin, "computed", "approve", "").await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        act(&h, &admin, "reviewed", "approve", "").await.status,
        StatusCode::SEE_OTHER
    );
    // Approved: locked for the town.
    assert_eq!(
        act(&h, &op, "approved", "compute", "").await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        act(&h, &fin, "approved", "pay", "").await.status,
        StatusCode::SEE_OTHER
    );
    let run = h.store.pay_run(month, t1).await.unwrap().unwrap();
    assert_eq!((run.state, run.total_fen), (PayState::Paid, 150_000));

    // The overview for finance: town 1 paid, town 2 not computed.
    let o = get(&format!("/pay?month={MONTH}"))
        .session(Some(&fin.0))
        .send(&h)
        .await;
    assert_eq!(o.status, StatusCode::OK);
    let o = o.text();
    assert!(
        o.contains("已发放") && o.contains("尚未计算") && o.contains("1500.00"),
        "{o}"
    );
    // A town is sent to its own run.
    let a = get(&format!("/pay?month={MONTH}"))
        .session(Some(&op.0))
        .send(&h)
        .await;
    assert_eq!(a.header("location").as_deref(), Some(path().as_str()));

    // The history and the printed list.
    let page = get(&path()).session(Some(&fin.0)).send(&h).await.text();
    for want in [
        "计算发放",
        "镇街审核",
        "退回镇街",
        "请核对人数",
        "市级批准",
        "确认已发放",
        "fin",
    ] {
        assert!(page.contains(want), "{want} missing from the history");
    }
    let print = get(&format!("{}/print", path()))
        .session(Some(&fin.0))
        .send(&h)
        .await;
    assert_eq!(print.status, StatusCode::OK);
    let p = print.text();
    for want in [
        "村党组织书记专业化补贴发放表（2025-06）",
        "洛城街道",
        "1500.00",
        "市财政（签字）",
    ] {
        assert!(p.contains(want), "{want} missing from the printed list");
    }
    // The payment file from the page's form: an .xlsx for finance.
    let file = post("/exports")
        .form(&[
            ("csrf", fin.1.as_str()),
            ("kind", "payments"),
            ("month", MONTH),
            ("town", T1),
        ])
        .session(Some(&fin.0))
        .send(&h)
        .await;
    assert_eq!(file.status, StatusCode::OK, "{}", file.text());
    assert!(
        file.header("content-disposition")
            .unwrap_or_default()
            .contains(".xlsx")
    );
    db.finish().await;
}
both_backends!(pay_run, a_month_is_computed_reviewed_approved_and_paid);
