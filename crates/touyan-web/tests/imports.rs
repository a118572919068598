//! The import page end to end (in process, SQLite and PostgreSQL): a good
//! workbook written with its counts, the same again unchanged, a bad one
//! refused whole with every problem listed and its marked copy
//! downloadable by the uploader only, and a town operator's workbook with
//! another town's village refused whole.

mod common;

use axum::http::StatusCode;
use common::upload::*;
use common::*;
use time::macros::date;
use touyan_excel::Roster;
use touyan_records::model::{Person, Post, PostRole, VillageYear};
use touyan_records::{CitizenId, VillageCode};
use touyan_rules::people::Education;
use touyan_storage::both_backends;
use touyan_storage::testing::TestDb;

fn newcomer() -> CitizenId {
    cid("37078319950505004")
}

/// A new person, their post in `village`, and a year of the village.
fn good(village: &str) -> Roster {
    let v = VillageCode::parse(village).unwrap();
    Roster {
        people: vec![Person {
            id: newcomer(),
            name: "赵六".into(),
            education: Education::Bachelor,
            full_time_degree: true,
        }],
        posts: vec![Post {
            person: newcomer(),
            village: v,
            role: PostRole::DeputySecretary,
            start: date!(2024 - 03 - 01),
            end: None,
        }],
        village_years: vec![VillageYear {
            village: v,
            year: 2024,
            stars: 3,
            collective_income_wan: "25.5".parse().unwrap(),
            assessment_score: None,
            assessment_rank: None,
        }],
        ..Roster::default()
    }
}

async fn good_then_unchanged(db: TestDb) {
    let h = harness(&db, true).await;
    let admin = sign_in(&h, "admin").await;
    let bytes = workbook(&good(V1));
    let a = upload(&h, &admin, "名册.xlsx", &bytes).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    // 人员 1 new, 任职 1 new, 村年度情况 1 new (nothing else in the book).
    let rows = table_rows(&a.text(), "applied");
    assert_eq!(rows.len(), 3, "{rows:?}");
    for r in &rows {
        assert_eq!(r[1..], ["1", "0", "0"], "{r:?}");
    }
    assert_eq!(h.store.count::<Post>().await.unwrap(), 3);
    assert_eq!(h.store.count::<Person>().await.unwrap(), 3);
    // Written as the user, from the client's address.
    let changes = h.store.changes(Some("posts")).await.unwrap();
    let last = changes.last().unwrap();
    assert_eq!(last.actor, "admin");
    // The same workbook again: nothing changes.
    let b = upload(&h, &admin, "名册.xlsx", &bytes).await;
    assert_eq!(b.status, StatusCode::OK, "{}", b.text());
    assert!(b.text().contains("数据无变化"), "{}", b.text());
    for r in table_rows(&b.text(), "applied") {
        assert_eq!(r[1..], ["0", "0", "1"], "{r:?}");
    }
    assert_eq!(
        h.store.changes(Some("posts")).await.unwrap().len(),
        changes.len()
    );
    // The template downloads as a workbook.
    let t = get("/import/template")
        .session(Some(&admin.0))
        .send(&h)
        .await;
    assert_eq!(t.status, StatusCode::OK);
    assert!(t.body.starts_with(b"PK"), "a zip (xlsx)");
    db.finish().await;
}
both_backends!(good_workbook, good_then_unchanged);

async fn bad_is_refused_whole_with_a_marked_copy(db: TestDb) {
    let h = harness(&db, true).await;
    let op1 = sign_in(&h, "op1").await;
    let mut r = good(V1);
    // Row 3 of 任职: a village that does not exist (column B).
    r.posts.push(Post {
        person: newcomer(),
        village: VillageCode::parse(V_MISSING).unwrap(),
        role: PostRole::Secretary,
        start: date!(2024 - 01 - 01),
        end: None,
    });
    // Row 4 of 任职: someone in neither 人员 nor the database (column A).
    r.posts.push(Post {
        person: cid("37078320000101005"),
        village: VillageCode::parse(V1).unwrap(),
        role: PostRole::CommitteeMember,
        start: date!(2024 - 01 - 01),
        end: None,
    });
    let a = upload(&h, &op1, "坏名册.xlsx", &workbook(&r)).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.text());
    let html = a.text();
    let rows = table_rows(&html, "errors");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0][..3], ["任职", "3", "B"]);
    assert!(rows[0][3].contains("不是已知的村"), "{rows:?}");
    assert_eq!(rows[1][..3], ["任职", "4", "A"]);
    assert!(rows[1][3].contains("不在“人员”表中"), "{rows:?}");
    // Nothing written: the seed's two posts and two people only.
    assert_eq!(h.store.count::<Post>().await.unwrap(), 2);
    assert_eq!(h.store.count::<Person>().await.unwrap(), 2);
    assert_eq!(h.store.count::<VillageYear>().await.unwrap(), 0);
    // The marked copy, for the uploader only.
    let start = html
        .find("/import/marked/")
        .expect("a link to the marked copy");
    let href = &html[start..start + "/import/marked/".len() + 64];
    assert!(html[start..].split("</a>").next().unwrap().contains("标注"));
    let m = get(href).session(Some(&op1.0)).send(&h).await;
    assert_eq!(m.status, StatusCode::OK);
    assert!(
        m.header("content-disposition")
            .unwrap()
            .contains("filename*=UTF-8''")
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.xlsx");
    std::fs::write(&path, &m.body).unwrap();
    let sheets = touyan_excel::reports::read_report(&path).unwrap();
    let errors = sheets
        .iter()
        .find(|(n, _)| n == touyan_excel::ERROR_SHEET)
        .expect("error sheet");
    // A header row and the two problems.
    assert_eq!(
        errors
            .1
            .iter()
            .filter(|r| r.iter().any(|c| !c.is_empty()))
            .count(),
        3
    );
    let admin = sign_in(&h, "admin").await;
    let other = get(href).session(Some(&admin.0)).send(&h).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    // Gone after an hour.
    h.clock.advance(time::Duration::minutes(61));
    let op1 = sign_in(&h, "op1").await;
    let late = get(href).session(Some(&op1.0)).send(&h).await;
    assert_eq!(late.status, StatusCode::NOT_FOUND);
    db.finish().await;
}
both_backends!(bad_workbook, bad_is_refused_whole_with_a_marked_copy);

async fn another_towns_village_refuses_the_whole_workbook(db: TestDb) {
    let h = harness(&db, true).await;
    let op1 = sign_in(&h, "op1").await;
    // A good workbook, but about town 2's village.
    let a = upload(&h, &op1, "名册.xlsx", &workbook(&good(V2))).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.text());
    let rows = table_rows(&a.text(), "errors out-of-scope");
    // 人员 row 2 (placed in no village of town 1), 任职 row 2, 村年度情况 row 2.
    let at: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str()))
        .collect();
    assert_eq!(
        at,
        [("人员", "2"), ("任职", "2"), ("村年度情况", "2")],
        "{rows:?}"
    );
    assert_eq!(h.store.count::<Post>().await.unwrap(), 2);
    assert_eq!(h.store.count::<Person>().await.unwrap(), 2);
    // The same workbook about town 1 goes in.
    let b = upload(&h, &op1, "名册.xlsx", &workbook(&good(V1))).await;
    assert_eq!(b.status, StatusCode::OK, "{}", b.text());
    // No CSRF token: refused.
    let c = post("/import")
        .session(Some(&op1.0))
        .raw(
            &format!("multipart/form-data; boundary={BOUNDARY}"),
            multipart("wrong", "名册.xlsx", &workbook(&good(V1))),
        )
        .send(&h)
        .await;
    assert_eq!(c.status, StatusCode::FORBIDDEN);
    // Too large: a Chinese message.
    let big = vec![b'x'; touyan_web::imports::IMPORT_LIMIT + 1];
    let d = upload(&h, &op1, "大.xlsx", &big).await;
    assert_eq!(d.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(d.text().contains("不能超过 10 MB"), "{}", d.text());
    db.finish().await;
}
both_backends!(town_scope, another_towns_village_refuses_the_whole_workbook);
