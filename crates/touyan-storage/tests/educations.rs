//! A person's two kinds of education (issue 17, item 4): kept apart, and
//! the one level and flag stored before `m0018_two_educations` mapped to
//! the right one. On SQLite and PostgreSQL (`both_backends!`).

use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use touyan_records::CitizenId;
use touyan_records::model::{Person, Post, PostRole};
use touyan_rules::people::Education;
use touyan_storage::testing::TestDb;
use touyan_storage::{Store, both_backends};

/// The migrations before `m0018_two_educations`.
const BEFORE: u32 = 16;

fn cid(first17: &str) -> CitizenId {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .bytes()
        .zip(W)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    CitizenId::parse(&format!("{first17}{check}")).expect("valid id")
}

const T: &str = "370783100";
const V: &str = "370783100201";
/// Full-time 大专 (flag true).
const A: &str = "37078319700101001";
/// In-service 本科 (flag false).
const B: &str = "37078319800101002";
/// 无学历, flag false.
const C: &str = "37078319500101003";
/// 高中, flag false.
const D: &str = "37078319600101004";

async fn exec(db: &DatabaseConnection, sql: &str) {
    db.execute_unprepared(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

fn person(first17: &str, full_time: Option<Education>, in_service: Option<Education>) -> Person {
    Person {
        id: cid(first17),
        name: "张三".into(),
        full_time_education: full_time,
        in_service_education: in_service,
    }
}

async fn people(store: &Store) -> Vec<Person> {
    let mut v = store.list::<Person>().await.unwrap();
    v.sort_by(|a, b| a.id.as_str().cmp(b.id.as_str()));
    v
}

/// People stored by the release before the migration, one level and a
/// flag each, one of them the secretary of a village (a post referring
/// to the row): each keeps what it said, in the field it belongs to.
async fn the_old_flag_maps_to_the_right_field(db: TestDb) {
    let old = db.connect(Some(BEFORE)).await;
    let audit = "'2025-06-02 09:00:00', '2025-06-02 09:00:00', 'op'";
    let cols = "created_at, updated_at, updated_by";
    exec(
        &old,
        &format!("INSERT INTO towns (code, name, kind, {cols}) VALUES ('{T}', '洛城街道', 'town', {audit})"),
    )
    .await;
    exec(
        &old,
        &format!(
            "INSERT INTO villages (code, name, town_code, committee, {cols}) \
             VALUES ('{V}', '东村村委会', '{T}', 'villagers', {audit})"
        ),
    )
    .await;
    for (first17, education, flag) in [
        (A, "college", "TRUE"),
        (B, "bachelor", "FALSE"),
        (C, "none", "FALSE"),
        (D, "senior_middle", "FALSE"),
    ] {
        let id = cid(first17);
        let born = id.birth_date();
        exec(
            &old,
            &format!(
                "INSERT INTO people (citizen_id, name, birth_date, sex, education, \
                 full_time_degree, {cols}) VALUES ('{}', '张三', '{born}', 'male', \
                 '{education}', {flag}, {audit})",
                id.as_str()
            ),
        )
        .await;
    }
    exec(
        &old,
        &format!(
            "INSERT INTO posts (person, village, role, start_on, end_on, {cols}) \
             VALUES ('{}', '{V}', 'secretary', '2023-06-01', NULL, {audit})",
            cid(A).as_str()
        ),
    )
    .await;
    old.close().await.unwrap();

    let store = db.open().await;
    assert_eq!(
        people(&store).await,
        [
            // 无学历 is no study of either kind: the full-time level.
            person(C, Some(Education::None), None),
            // Not full-time: the in-service level, no full-time one known.
            person(D, None, Some(Education::SeniorMiddle)),
            // Full-time: the full-time level.
            person(A, Some(Education::College), None),
            person(B, None, Some(Education::Bachelor)),
        ]
    );
    // The post still refers to its person.
    let posts = store.list::<Post>().await.unwrap();
    assert_eq!(posts.len(), 1);
    assert_eq!(
        (&posts[0].person, posts[0].role),
        (&cid(A), PostRole::Secretary)
    );
    // The old columns are gone.
    let raw = db.connect(None).await;
    for column in ["education", "full_time_degree"] {
        assert!(
            raw.query_all_raw(Statement::from_string(
                raw.get_database_backend(),
                format!("SELECT {column} FROM people")
            ))
            .await
            .is_err(),
            "{column} is gone"
        );
    }
    raw.close().await.unwrap();

    // A person of both kinds now: full-time 大专, in-service 本科.
    let mixed = person(B, Some(Education::College), Some(Education::Bachelor));
    store
        .upsert("王五", std::slice::from_ref(&mixed))
        .await
        .unwrap();
    let got = people(&store).await;
    assert_eq!(got.iter().find(|p| p.id == mixed.id), Some(&mixed));
    let log = store.changes(Some("people")).await.unwrap();
    let last = log.last().unwrap();
    let after: serde_json::Value = serde_json::from_str(last.after.as_deref().unwrap()).unwrap();
    assert_eq!(after["full_time_education"], "college");
    assert_eq!(after["in_service_education"], "bachelor");
    db.finish().await;
}
both_backends!(migration, the_old_flag_maps_to_the_right_field);

/// Either level may be absent; each comes back as written.
async fn both_levels_round_trip(db: TestDb) {
    let store = db.open().await;
    let written = [
        person(A, Some(Education::College), Some(Education::Bachelor)),
        person(B, None, Some(Education::Master)),
        person(C, Some(Education::Doctor), None),
    ];
    store.upsert("王五", &written).await.unwrap();
    let mut expected = written.to_vec();
    expected.sort_by(|a, b| a.id.as_str().cmp(b.id.as_str()));
    assert_eq!(people(&store).await, expected);
    db.finish().await;
}
both_backends!(round_trip, both_levels_round_trip);
