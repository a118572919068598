//! `Store::replace_cycle` on both backends: a re-run writes only the
//! secretary rows whose proposal changed (by their digest, migration
//! `m0007_cycle_digest`), deletes the rows no longer proposed, leaves the
//! others (and their audit columns) as they were, and still rewrites and
//! logs every town row of the scope, one change-log entry per town per run.

use sea_orm::{ConnectionTrait, Database, Statement};
use time::macros::date;
use touyan_records::model::Person;
use touyan_records::{CitizenId, CommitteeKind, TownCode, VillageCode};
use touyan_rules::people::Education;
use touyan_storage::testing::TestDb;
use touyan_storage::{
    Action, Backend, Batch, CycleSecretary, CycleTown, CycleWritten, Store, Town, Village,
    both_backends,
};

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

const TOWNS: [&str; 2] = ["370783100", "370783101"];

fn village_code(t: usize, k: usize) -> VillageCode {
    VillageCode::parse(&format!("{}{:03}", TOWNS[t], 201 + k)).unwrap()
}

fn person_id(t: usize, k: usize) -> CitizenId {
    cid(&format!("37078319700101{t}{k:02}"))
}

/// Two towns of three villages each, a secretary in each village.
fn records() -> Batch {
    records_of(3)
}

/// Two towns of `n` villages each (at most 100), a secretary in each.
fn records_of(n: usize) -> Batch {
    let mut b = Batch::default();
    for (t, code) in TOWNS.iter().enumerate() {
        b.towns.push(Town {
            code: TownCode::parse(code).unwrap(),
            name: format!("镇{t}"),
        });
        for k in 0..n {
            b.villages.push(Village {
                code: village_code(t, k),
                name: format!("{t}{k}村村民委员会"),
                kind: CommitteeKind::Villagers,
            });
            b.people.push(Person {
                id: person_id(t, k),
                name: format!("书记{t}{k}"),
                full_time_education: None,
                in_service_education: Some(Education::College),
            });
        }
    }
    b
}

fn town_row(t: usize, included: u32) -> CycleTown {
    CycleTown {
        year: 2025,
        town: TownCode::parse(TOWNS[t]).unwrap(),
        as_of: date!(2025 - 01 - 01),
        policy_id: "example-2024".into(),
        village_count: 3,
        inclusion_quota: 2,
        young_cadre_cap: 0,
        secretaries: 3,
        eligible: 3,
        included,
        tiers: [included, 0, 0],
    }
}

fn secretary(t: usize, k: usize, reason: &str) -> CycleSecretary {
    let included = k < 2;
    CycleSecretary {
        year: 2025,
        village: village_code(t, k),
        town: TownCode::parse(TOWNS[t]).unwrap(),
        person: person_id(t, k),
        eligible: true,
        place: included.then_some(k as u32 + 1),
        tier: included.then_some(1),
        checks_json: format!(
            "{{\"id\":\"{}\",\"reason\":\"{reason}\"}}",
            person_id(t, k).as_str()
        ),
    }
}

fn proposals(reason: &str) -> (Vec<CycleTown>, Vec<CycleSecretary>) {
    let towns = vec![town_row(0, 2), town_row(1, 2)];
    let secretaries = (0..2)
        .flat_map(|t| (0..3).map(move |k| (t, k)))
        .map(|(t, k)| secretary(t, k, reason))
        .collect();
    (towns, secretaries)
}

/// village → (created_at, updated_at, updated_by) of the stored rows, as
/// text, read straight from the table.
async fn audit(db: &TestDb) -> Vec<(String, String, String, String)> {
    let url = match db.backend {
        Backend::Sqlite => format!("sqlite:{}", db.url),
        Backend::Postgres => db.url.clone(),
    };
    let conn = Database::connect(url.as_str()).await.unwrap();
    let b = conn.get_database_backend();
    let rows = conn
        .query_all_raw(Statement::from_string(
            b,
            "SELECT village, CAST(created_at AS TEXT), CAST(updated_at AS TEXT), updated_by \
             FROM cycle_secretaries ORDER BY village",
        ))
        .await
        .unwrap();
    let out = rows
        .iter()
        .map(|r| {
            (
                r.try_get_by_index(0).unwrap(),
                r.try_get_by_index(1).unwrap(),
                r.try_get_by_index(2).unwrap(),
                r.try_get_by_index(3).unwrap(),
            )
        })
        .collect();
    conn.close().await.unwrap();
    out
}

async fn run(
    store: &Store,
    actor: &str,
    town: Option<TownCode>,
    towns: &[CycleTown],
    secretaries: &[CycleSecretary],
) -> CycleWritten {
    store
        .replace_cycle(actor, 2025, town, towns, secretaries, &mut |_| {})
        .await
        .unwrap()
}

async fn reruns_write_only_what_changed(db: TestDb) {
    let store = db.open().await;
    store.apply("tester", &records()).await.unwrap();
    let (towns, secretaries) = proposals("甲");

    // First run: everything new.
    let w = run(&store, "甲", None, &towns, &secretaries).await;
    assert_eq!(
        (
            w.secretaries_inserted,
            w.secretaries_updated,
            w.secretaries_unchanged
        ),
        (6, 0, 0)
    );
    assert_eq!(
        store.cycle_secretaries(2025, None).await.unwrap(),
        secretaries
    );
    let first = audit(&db).await;
    assert_eq!(first.len(), 6);
    assert!(first.iter().all(|r| r.3 == "甲"));
    let log = store.changes(Some("cycle_towns")).await.unwrap();
    assert_eq!(log.len(), 2);
    assert!(log.iter().all(|c| c.action == Action::Insert));

    // The same proposals again: no secretary row written, their audit
    // columns as they were; the town rows rewritten and logged.
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let w = run(&store, "乙", None, &towns, &secretaries).await;
    assert_eq!(
        (
            w.secretaries_inserted,
            w.secretaries_updated,
            w.secretaries_unchanged,
            w.secretaries_deleted
        ),
        (0, 0, 6, 0)
    );
    assert_eq!(audit(&db).await, first);
    assert_eq!(
        store.cycle_secretaries(2025, None).await.unwrap(),
        secretaries
    );
    let runs = store.cycle_towns(2025, None).await.unwrap();
    assert!(runs.iter().all(|t| t.run_by == "乙"));
    let log = store.changes(Some("cycle_towns")).await.unwrap();
    assert_eq!(log.len(), 4);
    assert!(log[2..].iter().all(|c| c.action == Action::Update));
    assert!(log[2..].iter().all(|c| c.before == c.after));

    // One town's proposal changes (a reason and a place): only its changed
    // row is updated; one entry per town still.
    let mut changed = secretaries.clone();
    changed[4].checks_json = changed[4].checks_json.replace('甲', "丙");
    changed[1].place = None;
    changed[1].tier = None;
    let mut towns2 = towns.clone();
    towns2[0] = town_row(0, 1);
    let w = run(&store, "丙", None, &towns2, &changed).await;
    assert_eq!(
        (
            w.secretaries_inserted,
            w.secretaries_updated,
            w.secretaries_unchanged,
            w.secretaries_deleted
        ),
        (0, 2, 4, 0)
    );
    assert_eq!(store.cycle_secretaries(2025, None).await.unwrap(), changed);
    let now = audit(&db).await;
    for (i, (a, b)) in first.iter().zip(&now).enumerate() {
        if i == 1 || i == 4 {
            assert_eq!((&a.0, &a.1, b.3.as_str()), (&b.0, &b.1, "丙"), "{i}");
            assert_ne!(a.2, b.2, "{i}");
        } else {
            assert_eq!(a, b, "{i}");
        }
    }
    let log = store.changes(Some("cycle_towns")).await.unwrap();
    assert_eq!(log.len(), 6);
    assert!(log[4..].iter().all(|c| c.action == Action::Update));
    assert!(log[4].after.as_deref().unwrap().contains("\"included\":1"));
    assert!(
        store
            .changes(Some("cycle_secretaries"))
            .await
            .unwrap()
            .is_empty()
    );

    // One town only, a village no longer proposed: its row deleted, the
    // other town untouched.
    let t0 = TownCode::parse(TOWNS[0]).unwrap();
    let only: Vec<CycleSecretary> = changed[..2].to_vec();
    let w = run(&store, "丁", Some(t0), &towns2[..1], &only).await;
    assert_eq!(
        (
            w.secretaries_inserted,
            w.secretaries_updated,
            w.secretaries_unchanged,
            w.secretaries_deleted
        ),
        (0, 0, 2, 1)
    );
    let stored = store.cycle_secretaries(2025, None).await.unwrap();
    assert_eq!(stored.len(), 5);
    assert_eq!(&stored[..2], &changed[..2]);
    assert_eq!(&stored[2..], &changed[3..]);
    assert_eq!(store.changes(Some("cycle_towns")).await.unwrap().len(), 7);

    // A town no longer in the run: its rows and town row deleted, logged.
    let w = run(&store, "戊", None, &towns2[1..], &changed[3..]).await;
    assert_eq!(w.secretaries_deleted, 2);
    assert_eq!(w.secretaries_unchanged, 3);
    assert_eq!(store.cycle_towns(2025, None).await.unwrap().len(), 1);
    let log = store.changes(Some("cycle_towns")).await.unwrap();
    assert_eq!(log.len(), 9);
    assert!(log.iter().any(|c| c.action == Action::Delete));

    // A proposal of a village twice is refused, nothing written.
    let mut twice = changed[3..].to_vec();
    twice.push(twice[0].clone());
    assert!(
        store
            .replace_cycle("己", 2025, None, &towns2[1..], &twice, &mut |_| {})
            .await
            .is_err()
    );
    assert_eq!(store.changes(Some("cycle_towns")).await.unwrap().len(), 9);
    // The runs' entries (through rusqlite on SQLite) are on the chain.
    let chain = store.verify_audit_chain(None).await.unwrap();
    assert!(chain.intact(), "{chain:?}");
    store.close().await.unwrap();
}

both_backends!(cycle_reruns, reruns_write_only_what_changed);

/// More new proposals than one INSERT statement takes (SQLite's write
/// puts 64 rows in a statement): 2 × 75 = 150 rows, two full statements
/// and one of 22. Each row is stored as given, and a re-run of the same
/// proposals writes none of them.
async fn a_first_run_of_many_rows_stores_each_as_given(db: TestDb) {
    let store = db.open().await;
    store.apply("tester", &records_of(75)).await.unwrap();
    let towns = vec![town_row(0, 2), town_row(1, 2)];
    let secretaries: Vec<CycleSecretary> = (0..2)
        .flat_map(|t| (0..75).map(move |k| (t, k)))
        .map(|(t, k)| secretary(t, k, &format!("理由{t}-{k}")))
        .collect();
    let w = run(&store, "甲", None, &towns, &secretaries).await;
    assert_eq!(w.secretaries_inserted, 150);
    assert_eq!(
        store.cycle_secretaries(2025, None).await.unwrap(),
        secretaries
    );
    let w = run(&store, "乙", None, &towns, &secretaries).await;
    assert_eq!(
        (
            w.secretaries_inserted,
            w.secretaries_updated,
            w.secretaries_unchanged
        ),
        (0, 0, 150)
    );
    store.close().await.unwrap();
}

both_backends!(
    cycle_many_rows,
    a_first_run_of_many_rows_stores_each_as_given
);

/// The run refused with `MissingReference`, the stored proposals left as
/// they were; the error's text.
async fn refused(store: &Store, towns: &[CycleTown], secretaries: &[CycleSecretary]) -> String {
    let before = (
        store.cycle_towns(2025, None).await.unwrap().len(),
        store.cycle_secretaries(2025, None).await.unwrap(),
    );
    let e = store
        .replace_cycle("乙", 2025, None, towns, secretaries, &mut |_| {})
        .await
        .expect_err("a run naming what is not on record was stored");
    assert!(
        matches!(e, touyan_storage::StoreError::MissingReference { .. }),
        "{e:?}"
    );
    let after = (
        store.cycle_towns(2025, None).await.unwrap().len(),
        store.cycle_secretaries(2025, None).await.unwrap(),
    );
    assert_eq!(after, before);
    e.to_string()
}

async fn a_run_naming_what_is_not_on_record_is_refused(db: TestDb) {
    let store = db.open().await;
    store.apply("tester", &records()).await.unwrap();
    let (towns, secretaries) = proposals("甲");

    // A person with no record (the last secretary of the second town).
    let mut s = secretaries.clone();
    s[5].person = cid("37078319700101999");
    let m = refused(&store, &towns, &s).await;
    assert!(
        !m.contains(s[5].person.as_str()),
        "ID number shown whole: {m}"
    );

    // A village with no record.
    let mut s = secretaries.clone();
    s[2].village = VillageCode::parse("370783100299").unwrap();
    refused(&store, &towns, &s).await;

    // A town with no record, for the run's own town row.
    let mut t = towns.clone();
    t.push(CycleTown {
        town: TownCode::parse("370783199").unwrap(),
        ..town_row(0, 0)
    });
    refused(&store, &t, &secretaries).await;

    // A secretary whose town has no row in the run.
    refused(&store, &towns[..1], &secretaries).await;

    // Nothing was stored by any of them.
    assert!(store.cycle_towns(2025, None).await.unwrap().is_empty());

    // All on record: stored (the checks do not refuse what is there).
    let w = run(&store, "甲", None, &towns, &secretaries).await;
    assert_eq!(w.secretaries_inserted, 6);
    // A re-run dropping a town whose secretaries it still proposes: the
    // two towns and six rows stay.
    refused(&store, &towns[1..], &secretaries).await;
    assert_eq!(store.cycle_towns(2025, None).await.unwrap().len(), 2);
    store.close().await.unwrap();
}

both_backends!(
    cycle_references,
    a_run_naming_what_is_not_on_record_is_refused
);

/// The secondary indexes of the proposals are those their reads use:
/// by year and town (a town's list) and the digests by year and village
/// (`m0013`); the one by person is gone (`m0014`: nothing reads the
/// proposals by person, and it cost the first run of a year one random
/// insertion per row).
async fn the_proposals_are_indexed_by_what_reads_them(db: TestDb) {
    let store = db.open().await;
    store.close().await.unwrap();
    let (url, sql) = match db.backend {
        Backend::Sqlite => (
            format!("sqlite:{}", db.url),
            "SELECT name FROM sqlite_master WHERE type = 'index' \
             AND tbl_name = 'cycle_secretaries' AND name NOT LIKE 'sqlite_autoindex_%' \
             ORDER BY name",
        ),
        Backend::Postgres => (
            db.url.clone(),
            "SELECT indexname FROM pg_indexes WHERE tablename = 'cycle_secretaries' \
             AND indexname <> 'cycle_secretaries_pkey' ORDER BY indexname",
        ),
    };
    let conn = Database::connect(url.as_str()).await.unwrap();
    let names: Vec<String> = conn
        .query_all_raw(Statement::from_string(conn.get_database_backend(), sql))
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get_by_index(0).unwrap())
        .collect();
    conn.close().await.unwrap();
    assert_eq!(
        names,
        ["cycle_secretaries_digest", "cycle_secretaries_town"]
    );
}

both_backends!(cycle_indexes, the_proposals_are_indexed_by_what_reads_them);
