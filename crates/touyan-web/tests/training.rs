//! Training in the server (issue 5, item 2): sessions recorded by the
//! level's owner, attendance with reflections and poor results, each
//! secretary's compliance and what is missing, the admonition and make-up
//! study a poor result calls for. On SQLite and PostgreSQL.

mod common;

use axum::http::StatusCode;
use common::*;
use touyan_records::TownCode;
use touyan_records::model::*;
use touyan_storage::testing::TestDb;
use touyan_storage::{Batch, both_backends};

async fn act(h: &Harness, who: &(String, String), town: &str, fields: &[(&str, &str)]) -> Answer {
    let mut pairs = vec![("csrf", who.1.as_str()), ("year", "2025"), ("town", town)];
    pairs.extend_from_slice(fields);
    post("/training")
        .form(&pairs)
        .session(Some(&who.0))
        .send(h)
        .await
}

fn filed() -> Batch {
    Batch {
        list_entries: vec![ListEntry {
            town: TownCode::parse(T1).unwrap(),
            year: 2025,
            person: person_a(),
            village: touyan_records::VillageCode::parse(V1).unwrap(),
            tier: 3,
            status: ListStatus::Filed,
        }],
        ..Batch::default()
    }
}

fn session(code: &str, start: &str, end: &str, days: &str) -> Vec<(&'static str, String)> {
    vec![
        ("action", "session".into()),
        ("code", code.into()),
        ("title", format!("{code} 培训班")),
        ("form", "centralised".into()),
        ("start", start.into()),
        ("end", end.into()),
        ("days", days.into()),
    ]
}

fn pairs<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, x)| (*k, x.as_str())).collect()
}

async fn a_town_records_training_and_follows_up_a_poor_result(db: TestDb) {
    let h = harness(&db, true).await;
    h.store.apply("测试", &filed()).await.unwrap();
    let op = sign_in(&h, "op1").await;
    let rev = sign_in(&h, "rev1").await;
    let admin = sign_in(&h, "admin").await;
    let op2 = sign_in(&h, "op2").await;
    let key = h.person(&person_a());

    let page = get("/training?year=2025")
        .session(Some(&op.0))
        .send(&h)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("张三") && html.contains("未达标"), "{html}");
    let city = get("/training?year=2025")
        .session(Some(&admin.0))
        .send(&h)
        .await
        .text();
    // No town chosen: the city's overview, a row per town (tests/city_overviews.rs).
    assert!(
        city.contains("id=\"training-city\"") && city.contains(T1),
        "{city}"
    );

    // A town session: by the town's operator only, days within its dates.
    let s = session("XL-2025-01", "2025-03-01", "2025-03-04", "4");
    assert_eq!(
        act(&h, &rev, T1, &pairs(&s)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        act(&h, &op2, T1, &pairs(&s)).await.status,
        StatusCode::NOT_FOUND
    );
    let too_long = session("XL-2025-09", "2025-03-01", "2025-03-04", "4.5");
    let a = act(&h, &op, T1, &pairs(&too_long)).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.text().contains("不超过培训起止的 4 天"), "{}", a.text());
    let bad_date = session("XL-2025-08", "2025-3-1x", "2025-03-04", "1");
    assert_eq!(
        act(&h, &op, T1, &pairs(&bad_date)).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        act(&h, &op, T1, &pairs(&s)).await.status,
        StatusCode::SEE_OTHER
    );
    let a = act(&h, &op, T1, &pairs(&s)).await;
    assert!(a.text().contains("已经使用"), "a code is used once");
    // A city session: by the city administrator.
    let c = session("SJ-2025-01", "2025-04-07", "2025-04-09", "3");
    assert_eq!(
        act(&h, &admin, T1, &pairs(&c)).await.status,
        StatusCode::SEE_OTHER
    );

    // Attendance: the town's session by the town (a poor result), the
    // city's by the city (reflection filed).
    let attend = format!("attend_{key}");
    let poor = format!("poor_{key}");
    let reflection = format!("reflection_{key}");
    let a = act(
        &h,
        &op,
        T1,
        &[
            ("action", "attendance"),
            ("session", "SJ-2025-01"),
            (&attend, "1"),
        ],
    )
    .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    let a = act(
        &h,
        &op,
        T1,
        &[("action", "attendance"), ("session", "XL-2025-01")],
    )
    .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "nobody ticked");
    let a = act(
        &h,
        &op,
        T1,
        &[
            ("action", "attendance"),
            ("session", "XL-2025-01"),
            (&attend, "1"),
            (&poor, "1"),
        ],
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let a = act(
        &h,
        &admin,
        T1,
        &[
            ("action", "attendance"),
            ("session", "SJ-2025-01"),
            (&attend, "1"),
            (&reflection, "2025-04-15"),
        ],
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);

    // Compliance: 3 city days (enough), 1 town session of 4 days (2 and 7
    // needed): not compliant, and the sentence says what is missing.
    let html = get("/training?year=2025")
        .session(Some(&op.0))
        .send(&h)
        .await
        .text();
    assert!(html.contains("未达标"), "{html}");
    assert!(html.contains("学习效果差"));
    assert!(html.contains("待约谈"));

    // The follow-up: the make-up study comes after the admonition.
    let a = act(
        &h,
        &op,
        T1,
        &[
            ("action", "makeup"),
            ("person", &key),
            ("date", "2025-05-10"),
        ],
    )
    .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    let a = act(
        &h,
        &op,
        T1,
        &[
            ("action", "admonition"),
            ("person", &key),
            ("date", "2025-05-06"),
            ("note", ""),
        ],
    )
    .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    let a = act(
        &h,
        &op,
        T1,
        &[
            ("action", "admonition"),
            ("person", &key),
            ("date", "2025-05-06"),
            ("note", "镇党委书记约谈"),
        ],
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let a = act(
        &h,
        &op,
        T1,
        &[
            ("action", "makeup"),
            ("person", &key),
            ("date", "2025-05-01"),
        ],
    )
    .await;
    assert_eq!(
        a.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not before the admonition"
    );
    let a = act(
        &h,
        &op,
        T1,
        &[
            ("action", "makeup"),
            ("person", &key),
            ("date", "2025-05-20"),
        ],
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let adm: Vec<Admonition> = h.store.list().await.unwrap();
    assert_eq!(adm.len(), 1);
    assert_eq!(
        (adm[0].article, adm[0].held_on, adm[0].make_up_study_done_on),
        (
            6,
            time::macros::date!(2025 - 05 - 06),
            Some(time::macros::date!(2025 - 05 - 20))
        )
    );
    let html = get("/training?year=2025")
        .session(Some(&op.0))
        .send(&h)
        .await
        .text();
    assert!(html.contains("2025-05-20 已补学"), "{html}");
    let sessions: Vec<TrainingSession> = h.store.list().await.unwrap();
    assert_eq!(sessions.len(), 2);
    db.finish().await;
}
both_backends!(
    training,
    a_town_records_training_and_follows_up_a_poor_result
);
