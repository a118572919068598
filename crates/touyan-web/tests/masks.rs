//! Masks that hold (issue 15): a masked ID number hides the birth date,
//! so no response shows the birth date beside it — not the API's people
//! items or files, not the people pages, not the audit page — and the
//! people search does not answer ID prefixes that would reveal it. Both
//! backends.

mod common;

use axum::http::StatusCode;
use common::*;
use touyan_records::CitizenId;
use touyan_storage::both_backends;
use touyan_storage::testing::TestDb;

/// Every way a birth date could be written in a response.
fn birth_forms(id: &CitizenId) -> Vec<String> {
    let d = id.birth_date();
    let (y, m, day) = (d.year(), u8::from(d.month()), d.day());
    vec![
        format!("{y}-{m:02}-{day:02}"),
        format!("{y}{m:02}{day:02}"),
        format!("{y}年{m}月{day}日"),
        format!("{y}/{m}/{day}"),
    ]
}

fn assert_nothing_rebuilds(what: &str, text: &str, people: &[CitizenId]) {
    for id in people {
        assert!(!text.contains(id.as_str()), "{what}: full ID of {id:?}");
        for f in birth_forms(id) {
            assert!(!text.contains(&f), "{what}: birth date {f}:\n{text}");
        }
    }
}

async fn no_response_shows_a_birth_date(db: TestDb) {
    let h = harness(&db, true).await;
    let people = [person_a(), person_c()];
    let viewer = sign_in(&h, "viewer").await;
    let mut pages = vec![
        "/api/v1/people".to_owned(),
        "/api/v1/people?per_page=100".to_owned(),
        "/people".to_owned(),
    ];
    for id in &people {
        pages.push(format!("/api/v1/people/{}", h.person(id)));
        pages.push(format!("/people/{}", h.person(id)));
    }
    for uri in &pages {
        let a = get(uri).session(Some(&viewer.0)).send(&h).await;
        assert_eq!(a.status, StatusCode::OK, "{uri}");
        assert_nothing_rebuilds(uri, &a.text(), &people);
    }
    // Each reading of a file is audited, with the number masked.
    let reads: Vec<_> = h
        .store
        .changes(Some("people"))
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.action == touyan_storage::Action::Read)
        .collect();
    assert_eq!(reads.len(), 4, "{reads:?}");
    assert!(reads.iter().all(|c| c.actor == "viewer"));
    assert!(
        reads[0]
            .key
            .contains(&touyan_web::pages::masked(&person_a()))
    );
    assert!(!reads.iter().any(|c| c.key.contains(person_a().as_str())));
    // The API gives the year.
    let a = get(&format!("/api/v1/people/{}", h.person(&person_a())))
        .session(Some(&viewer.0))
        .send(&h)
        .await;
    assert_eq!(a.json()["birth_year"], 1970);
    let a_id = person_a();
    let tail = &a_id.as_str()[14..];
    assert_eq!(a.json()["id_masked"], format!("370783********{tail}"));
    // Searching by a prefix longer than the place code finds nobody; the
    // whole number finds the person.
    for q in ["3707831970", "37078319700101", &a_id.as_str()[..17]] {
        let a = get(&format!("/api/v1/people?q={q}"))
            .session(Some(&viewer.0))
            .send(&h)
            .await;
        assert_eq!(a.json()["total"], 0, "{q}");
    }
    let a = get(&format!("/api/v1/people?q={}", person_a().as_str()))
        .session(Some(&viewer.0))
        .send(&h)
        .await;
    assert_eq!(a.json()["total"], 1);
    // The audit page: the seed wrote both people; names and numbers are
    // masked there too.
    let aud = sign_in(&h, "aud").await;
    let a = get("/audit?table=people")
        .session(Some(&aud.0))
        .send(&h)
        .await;
    assert_eq!(a.status, StatusCode::OK);
    let text = a.text();
    assert_nothing_rebuilds("/audit", &text, &people);
    assert!(!text.contains("张三") && text.contains("张*"), "{text}");
    db.finish().await;
}
both_backends!(masks, no_response_shows_a_birth_date);

/// A search by a whole ID number answers whether that number is in scope:
/// with the birth year and the mask some thirty numbers fit, so such
/// searches are audited and capped a day.
async fn whole_number_searches_are_capped(db: TestDb) {
    let h = harness(&db, true).await;
    let viewer = sign_in(&h, "viewer").await;
    let a = person_a();
    for i in 0..touyan_web::state::ID_SEARCHES_PER_DAY {
        let r = get(&format!("/api/v1/people?q={}", a.as_str()))
            .session(Some(&viewer.0))
            .send(&h)
            .await;
        assert_eq!(r.status, StatusCode::OK, "search {i}");
    }
    let r = get(&format!("/people?q={}", a.as_str()))
        .session(Some(&viewer.0))
        .send(&h)
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.text().contains("已达 30 次"), "{}", r.text());
    // Names still search.
    let r = get("/api/v1/people?q=张")
        .session(Some(&viewer.0))
        .send(&h)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let log = h.store.changes(Some("people_search")).await.unwrap();
    assert_eq!(log.len(), 30);
    assert!(log.iter().all(|c| c.actor == "viewer"
        && c.key.contains(&touyan_web::pages::masked(&a))
        && !c.key.contains(a.as_str())));
    // Another account has its own count.
    let admin = sign_in(&h, "admin").await;
    let r = get(&format!("/api/v1/people?q={}", a.as_str()))
        .session(Some(&admin.0))
        .send(&h)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    // The daily file is audited as a read too.
    let op1 = sign_in(&h, "op1").await;
    let r = get(&format!("/daily/{}", h.person(&a)))
        .session(Some(&op1.0))
        .send(&h)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let reads = h.store.changes(Some("people")).await.unwrap();
    assert!(reads.iter().any(|c| c.actor == "op1"
        && c.action == touyan_storage::Action::Read
        && c.key.contains("日常管理档案")));
    db.finish().await;
}
both_backends!(searches, whole_number_searches_are_capped);
