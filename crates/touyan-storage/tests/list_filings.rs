//! The filed versions of a town's list (issue 17, item 6; migration
//! `m0021_list_filings`): a list filed by the release before keeps being
//! the list in force from 1 January, as version 0. On SQLite and
//! PostgreSQL (`both_backends!`).

use sea_orm::{ConnectionTrait, DatabaseConnection};
use time::macros::date;
use touyan_records::{CitizenId, TownCode};
use touyan_storage::both_backends;
use touyan_storage::testing::TestDb;

/// A release before the list's versions (and before the two kinds of
/// education, so the rows are written as that release wrote them).
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
const V1: &str = "370783100201";
const V2: &str = "370783100202";
const A: &str = "37078319700101001";
const B: &str = "37078319800101002";

async fn exec(db: &DatabaseConnection, sql: &str) {
    db.execute_unprepared(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn a_list_filed_before_is_version_zero_from_january(db: TestDb) {
    let old = db.connect(Some(BEFORE)).await;
    let audit = "'2025-03-02 09:00:00', '2025-03-02 09:00:00', 'op'";
    let cols = "created_at, updated_at, updated_by";
    exec(
        &old,
        &format!("INSERT INTO towns (code, name, kind, {cols}) VALUES ('{T}', '洛城街道', 'town', {audit})"),
    )
    .await;
    for v in [V1, V2] {
        exec(
            &old,
            &format!(
                "INSERT INTO villages (code, name, town_code, committee, {cols}) \
                 VALUES ('{v}', '村委会', '{T}', 'villagers', {audit})"
            ),
        )
        .await;
    }
    // A filed in tier 2, B only drafted (not filed): only A is in force.
    for (first17, village, tier, status) in [(A, V1, 2, "filed"), (B, V2, 3, "draft")] {
        let id = cid(first17);
        let born = id.birth_date();
        exec(
            &old,
            &format!(
                "INSERT INTO people (citizen_id, name, birth_date, sex, education, \
                 full_time_degree, {cols}) VALUES ('{}', '张三', '{born}', 'male', \
                 'college', TRUE, {audit})",
                id.as_str()
            ),
        )
        .await;
        exec(
            &old,
            &format!(
                "INSERT INTO list_entries (year, person, town, village, tier, status, {cols}) \
                 VALUES (2025, '{}', '{T}', '{village}', {tier}, '{status}', {audit})",
                id.as_str()
            ),
        )
        .await;
    }
    old.close().await.unwrap();

    let store = db.open().await;
    let town = TownCode::parse(T).unwrap();
    let versions = store.list_filings(2025, town).await.unwrap();
    assert_eq!(versions.len(), 1, "{versions:?}");
    let v = &versions[0];
    assert_eq!(
        (v.version, &v.person, v.village.as_str(), v.tier, v.filed_on),
        (0, &cid(A), V1, 2, date!(2025 - 01 - 01))
    );
    assert!(store.list_filings(2024, town).await.unwrap().is_empty());
    db.finish().await;
}
both_backends!(
    version_zero,
    a_list_filed_before_is_version_zero_from_january
);
