//! Exits in the server (issue 5, item 8): the grounds that apply to a
//! listed secretary and recording an exit by the town's reviewer. On
//! SQLite and PostgreSQL.

mod common;

use axum::http::StatusCode;
use common::*;
use time::macros::date;
use touyan_records::model::*;
use touyan_records::{CommitteeKind, TownCode, VillageCode};
use touyan_rules::people::Education;
use touyan_storage::testing::TestDb;
use touyan_storage::{Batch, Village, both_backends};

const V3: &str = "370783100203";

/// Born 1960: 65 on the test's today, past the example policy's 60.
fn person_e() -> touyan_records::CitizenId {
    cid("37078319600101007")
}

fn records() -> Batch {
    let entry = |p, v: &str| ListEntry {
        town: TownCode::parse(T1).unwrap(),
        year: 2025,
        person: p,
        village: VillageCode::parse(v).unwrap(),
        tier: 3,
        status: ListStatus::Filed,
    };
    Batch {
        villages: vec![Village {
            code: VillageCode::parse(V3).unwrap(),
            name: "北村村委会".into(),
            kind: CommitteeKind::Villagers,
        }],
        people: vec![Person {
            id: person_e(),
            name: "周九".into(),
            full_time_education: None,
            in_service_education: Some(Education::SeniorMiddle),
        }],
        posts: vec![Post {
            person: person_e(),
            village: VillageCode::parse(V3).unwrap(),
            role: PostRole::Secretary,
            start: date!(2015 - 01 - 01),
            end: None,
        }],
        list_entries: vec![entry(person_a(), V1), entry(person_e(), V3)],
        ..Batch::default()
    }
}

async fn post_exit(
    h: &Harness,
    person: &str,
    who: &(String, String),
    fields: &[(&str, &str)],
) -> Answer {
    let mut pairs = vec![
        ("csrf", who.1.as_str()),
        ("year", "2025"),
        ("town", T1),
        ("person", person),
    ];
    pairs.extend_from_slice(fields);
    post("/exits")
        .form(&pairs)
        .session(Some(&who.0))
        .send(h)
        .await
}

async fn grounds_and_recorded_exits(db: TestDb) {
    let h = harness(&db, true).await;
    h.store.apply("测试", &records()).await.unwrap();
    let op = sign_in(&h, "op1").await;
    let rev = sign_in(&h, "rev1").await;
    let op2 = sign_in(&h, "op2").await;
    let page = get("/exits?year=2025").session(Some(&rev.0)).send(&h).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(
        html.contains("65 周岁，超过 60 岁年龄上限，退出专业化管理"),
        "{html}"
    );
    assert!(html.contains("第十四条"));
    assert_eq!(
        html.matches("超过 60 岁").count(),
        1,
        "only 周九 is past the limit"
    );
    let e = h.person(&person_e());
    assert_eq!(
        post_exit(&h, &e, &op, &[("reason", "age"), ("date", "2025-06-01")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post_exit(&h, &e, &op2, &[("reason", "age"), ("date", "2025-06-01")])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        post_exit(&h, &e, &rev, &[("reason", "age"), ("date", "2025-07-01")])
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not after today"
    );
    assert_eq!(
        post_exit(&h, &e, &rev, &[("reason", "other"), ("date", "2025-06-01")])
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "other needs a note"
    );
    assert_eq!(
        post_exit(&h, &e, &rev, &[("reason", "age"), ("date", "2025-06-01")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let exits: Vec<Exit> = h.store.list().await.unwrap();
    assert_eq!(exits.len(), 1);
    assert_eq!(
        (exits[0].person.clone(), exits[0].reason, exits[0].on),
        (person_e(), ExitReason::Age, date!(2025 - 06 - 01))
    );
    let html = get("/exits?year=2025")
        .session(Some(&op.0))
        .send(&h)
        .await
        .text();
    assert!(html.contains("2025-06-01 达到年龄上限"), "{html}");
    db.finish().await;
}
both_backends!(exits, grounds_and_recorded_exits);
