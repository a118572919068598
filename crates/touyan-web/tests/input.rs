//! Text that is refused wherever it comes from (issue 15): a NUL byte,
//! another control character or a right-to-left override in a form, a
//! query, the API's JSON or a workbook cell is answered with a Chinese
//! sentence (422), on both backends — PostgreSQL used to answer a NUL with
//! a 500 and its raw error — and nothing is written.

mod common;

use axum::http::StatusCode;
use common::upload::*;
use common::*;
use time::macros::date;
use touyan_excel::Roster;
use touyan_records::VillageCode;
use touyan_records::model::{Person, Post, PostRole};
use touyan_rules::people::Education;
use touyan_storage::both_backends;
use touyan_storage::testing::TestDb;

async fn control_characters_are_refused_everywhere(db: TestDb) {
    let h = harness(&db, true).await;
    let op1 = sign_in(&h, "op1").await;
    let before = h.store.changes(None).await.unwrap().len();
    // A form: a training session whose title hides a NUL, or reverses.
    for title in ["培训\0班", "培训\u{202E}班"] {
        let a = post("/training")
            .session(Some(&op1.0))
            .form(&[
                ("csrf", &op1.1),
                ("action", "session"),
                ("code", "T1-X"),
                ("title", title),
            ])
            .send(&h)
            .await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.text());
        assert!(a.text().contains("不允许"), "{}", a.text());
    }
    // A query: the people search.
    let a = get("/people?q=%00").session(Some(&op1.0)).send(&h).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.text());
    let a = get("/api/v1/people?q=a%00")
        .session(Some(&op1.0))
        .send(&h)
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.json()["error"].as_str().unwrap().contains("U+0000"));
    // The API's JSON: a sign-in name with a NUL.
    let a = post("/api/v1/login")
        .json(r#"{"username":"ci\u0000ty","password":"x"}"#)
        .send(&h)
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.text());
    // A path, on both backends (PostgreSQL used to answer 500).
    for uri in [
        "/villages/%00",
        "/api/v1/villages/%00",
        "/people/a%E2%80%AEb",
    ] {
        let a = get(uri).session(Some(&op1.0)).send(&h).await;
        assert_eq!(
            a.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{uri}: {}",
            a.text()
        );
    }
    // A JSON sign-in sent as text, or as a form.
    for kind in ["text/plain", "application/x-www-form-urlencoded"] {
        let a = post("/api/v1/login")
            .raw(
                kind,
                br#"{"username":"ci\u0000ty","password":"x"}"#.to_vec(),
            )
            .send(&h)
            .await;
        assert_eq!(
            a.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{kind}: {}",
            a.text()
        );
    }
    // A workbook cell: a name with a right-to-left override.
    let v = VillageCode::parse(V1).unwrap();
    let id = cid("37078319950505004");
    let roster = Roster {
        people: vec![Person {
            id: id.clone(),
            name: "赵\u{202E}六".into(),
            full_time_education: Some(Education::Bachelor),
            in_service_education: None,
        }],
        posts: vec![Post {
            person: id,
            village: v,
            role: PostRole::DeputySecretary,
            start: date!(2024 - 03 - 01),
            end: None,
        }],
        ..Roster::default()
    };
    let a = upload(&h, &op1, "名册.xlsx", &workbook(&roster)).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.text());
    assert!(a.text().contains("文字方向控制符"), "{}", a.text());
    // Nothing was written (a refused import keeps its marked copy, not a
    // record).
    let after = h.store.changes(None).await.unwrap();
    assert!(
        after[before..].iter().all(|c| c.table == "import_copies"),
        "{:?}",
        &after[before..]
    );
    db.finish().await;
}
both_backends!(refused, control_characters_are_refused_everywhere);

/// The first administrator's password obeys the same rule: a common word
/// with digits and symbols is refused at `/setup`.
async fn setup_refuses_common_passwords(db: TestDb) {
    let h = harness(&db, false).await;
    for pw in ["Password1!", "Admin@2024", "P@ssw0rd2026"] {
        let a = post("/setup")
            .form(&[
                ("username", "chief"),
                ("display_name", "李管理"),
                ("password", pw),
                ("confirm", pw),
            ])
            .send(&h)
            .await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{pw}");
        assert!(a.text().contains("过于常见"), "{pw}: {}", a.text());
    }
    assert_eq!(h.store.account_count().await.unwrap(), 0);
    db.finish().await;
}
both_backends!(setup, setup_refuses_common_passwords);
