//! Each exit says which programme it leaves (issue 17): the exits
//! recorded before `m0024_exit_programme` are given the programme their
//! ground and the person's records say. On SQLite and PostgreSQL.

use sea_orm::{ConnectionTrait, DatabaseConnection};
use touyan_records::CitizenId;
use touyan_records::model::{Exit, ExitReason, Programme};
use touyan_storage::both_backends;
use touyan_storage::testing::TestDb;

/// The migrations before `m0024_exit_programme`.
const BEFORE: u32 = 22;

const T: &str = "370783100";
const V: &str = "370783100201";

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

/// A young cadre listed only in 2026, left the programme at the age
/// limit in 2025 (the young programme's exit).
const Y: &str = "37078319880101001";
/// A listed secretary, left at the age limit.
const S: &str = "37078319600101002";
/// Resigned (a ground of the young programme only), no cadre record.
const R: &str = "37078319900101003";
/// A young cadre listed in 2025, left for another reason in 2025 (the
/// list's exit).
const L: &str = "37078319890101004";

async fn exec(db: &DatabaseConnection, sql: &str) {
    db.execute_unprepared(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn old_exits_get_their_programme(db: TestDb) {
    let old = db.connect(Some(BEFORE)).await;
    let audit = "'2025-06-02 09:00:00', '2025-06-02 09:00:00', 'op'";
    let cols = "created_at, updated_at, updated_by";
    exec(&old, &format!("INSERT INTO towns (code, name, kind, {cols}) VALUES ('{T}', '洛城街道', 'town', {audit})")).await;
    exec(
        &old,
        &format!(
            "INSERT INTO villages (code, name, town_code, committee, {cols}) \
             VALUES ('{V}', '东村村委会', '{T}', 'villagers', {audit})"
        ),
    )
    .await;
    for first17 in [Y, S, R, L] {
        let id = cid(first17);
        exec(
            &old,
            &format!(
                "INSERT INTO people (citizen_id, name, birth_date, sex, full_time_education, {cols}) \
                 VALUES ('{}', '张三', '{}', 'male', 'college', {audit})",
                id.as_str(),
                id.birth_date()
            ),
        )
        .await;
    }
    for first17 in [Y, L] {
        exec(
            &old,
            &format!(
                "INSERT INTO young_cadres (person, programme_start, village, current_pay_fen, score_x100, filed_on, {cols}) \
                 VALUES ('{}', '2020-04-01', '{V}', 0, 8000, '2020-04-01', {audit})",
                cid(first17).as_str()
            ),
        )
        .await;
    }
    for (first17, year) in [(S, 2025), (L, 2025), (Y, 2026)] {
        exec(
            &old,
            &format!(
                "INSERT INTO list_entries (year, person, town, village, tier, status, {cols}) \
                 VALUES ({year}, '{}', '{T}', '{V}', 3, 'filed', {audit})",
                cid(first17).as_str()
            ),
        )
        .await;
    }
    for (first17, reason) in [(Y, "age"), (S, "age"), (R, "resigned"), (L, "other")] {
        exec(
            &old,
            &format!(
                "INSERT INTO exits (person, exit_on, reason, note, {cols}) \
                 VALUES ('{}', '2025-03-31', '{reason}', '', {audit})",
                cid(first17).as_str()
            ),
        )
        .await;
    }
    old.close().await.unwrap();

    let store = db.open().await;
    let mut exits: Vec<Exit> = store.list().await.unwrap();
    exits.sort_by(|a, b| a.person.as_str().cmp(b.person.as_str()));
    let got: Vec<(CitizenId, ExitReason, Programme)> = exits
        .into_iter()
        .map(|x| (x.person, x.reason, x.programme))
        .collect();
    let mut want = vec![
        (cid(Y), ExitReason::Age, Programme::Young),
        (cid(S), ExitReason::Age, Programme::Secretary),
        (cid(R), ExitReason::Resigned, Programme::Young),
        (cid(L), ExitReason::Other, Programme::Secretary),
    ];
    want.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
    assert_eq!(got, want);
    // The programme is part of the key: L leaving the young programme on
    // the day L left the list is a second exit, not a replacement.
    let mut tx = store.begin("op").await.unwrap();
    tx.upsert(&[Exit {
        person: cid(L),
        on: time::macros::date!(2025 - 03 - 31),
        programme: Programme::Young,
        reason: ExitReason::LeftCommittee,
        note: String::new(),
    }])
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let l: Vec<(Programme, ExitReason)> = store
        .list::<Exit>()
        .await
        .unwrap()
        .into_iter()
        .filter(|x| x.person == cid(L))
        .map(|x| (x.programme, x.reason))
        .collect();
    assert_eq!(l.len(), 2, "{l:?}");
    assert!(l.contains(&(Programme::Secretary, ExitReason::Other)));
    assert!(l.contains(&(Programme::Young, ExitReason::LeftCommittee)));
    db.finish().await;
}

both_backends!(backfill, old_exits_get_their_programme);
