//! The change log's hash chain (issue 19, item 6), on SQLite and
//! PostgreSQL: a clean chain verifies; a row edited, deleted, cut off the
//! end or put in straight in the database (its guard trigger dropped, as
//! whoever holds the file could) is named with the kind of break; rows
//! logged before the chain are sealed by the migration; concurrent
//! writers still make one chain.

use std::time::Instant;

use sea_orm::{ConnectionTrait, DatabaseConnection};
use sha2::{Digest, Sha256};
use touyan_records::{CommitteeKind, TownCode, VillageCode};
use touyan_storage::testing::TestDb;
use touyan_storage::{
    Backend, ChainBreak, ChainState, Divisions, GENESIS, Recorded, Store, Town, Village,
    both_backends,
};

/// The migrations before `m0026_audit_chain`.
const BEFORE: u32 = 24;

fn town(code: &str, name: &str) -> Town {
    Town {
        code: TownCode::parse(code).unwrap(),
        name: name.into(),
    }
}

fn village(code: &str, name: &str) -> Village {
    Village {
        code: VillageCode::parse(code).unwrap(),
        name: name.into(),
        kind: CommitteeKind::classify(name),
    }
}

async fn exec(db: &DatabaseConnection, sql: &str) {
    db.execute_unprepared(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// A plain connection with the log's guard triggers gone, as an
/// attacker holding the database would have it.
async fn attacker(db: &TestDb) -> DatabaseConnection {
    let raw = db.connect(None).await;
    match db.backend {
        Backend::Sqlite => {
            exec(&raw, "DROP TRIGGER change_log_no_update").await;
            exec(&raw, "DROP TRIGGER change_log_no_delete").await;
        }
        Backend::Postgres => {
            exec(&raw, "ALTER TABLE change_log DISABLE TRIGGER USER").await;
        }
    }
    raw
}

/// The hash of a row as the README describes it, computed here apart
/// from the store's code: SHA-256 over a version tag and the fields,
/// each 0 (NULL) or 1, its length in 8 bytes big-endian and its bytes.
fn hash_of(fields: &[Option<&str>]) -> String {
    let mut b = Vec::new();
    for f in std::iter::once(Some("touyan-change-log-v1")).chain(fields.iter().copied()) {
        match f {
            None => b.push(0),
            Some(s) => {
                b.push(1);
                b.extend_from_slice(&(s.len() as u64).to_be_bytes());
                b.extend_from_slice(s.as_bytes());
            }
        }
    }
    hex::encode(Sha256::digest(&b))
}

/// A time as the hash reads it.
fn micro_text(t: time::PrimitiveDateTime) -> String {
    t.format(time::macros::format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second].[subsecond digits:6]"
    ))
    .unwrap()
}

/// The stored (id, prev_hash, row_hash) of every row.
async fn hashes(raw: &DatabaseConnection) -> Vec<(i64, String, String)> {
    raw.query_all_raw(sea_orm::Statement::from_string(
        raw.get_database_backend(),
        "SELECT id, prev_hash, row_hash FROM change_log ORDER BY id",
    ))
    .await
    .unwrap()
    .iter()
    .map(|r| {
        (
            r.try_get_by_index(0).unwrap(),
            r.try_get_by_index(1).unwrap(),
            r.try_get_by_index(2).unwrap(),
        )
    })
    .collect()
}

/// Six rows: two towns inserted (1, 2), one renamed (3), a read (4), an
/// export (5), a third town (6).
async fn six_rows(store: &Store) {
    store
        .upsert(
            "管理员",
            &[town("370783100", "洛城街道"), town("370783001", "圣城街道")],
        )
        .await
        .unwrap();
    store
        .upsert("管理员", &[town("370783100", "洛城街道办事处")])
        .await
        .unwrap();
    store
        .log_read("审计员", Some("10.0.0.7"), "people", "3707**********001X")
        .await
        .unwrap();
    store.log_export("导出员", "people", "全部").await.unwrap();
    store
        .upsert("管理员", &[town("370783002", "新城街道")])
        .await
        .unwrap();
}

/// The break's row and kind, and the rows checked before it.
fn at(s: &ChainState) -> (i64, ChainBreak, u64) {
    let b = s.broken.clone().expect("a break");
    (b.id, b.kind, s.checked)
}

async fn a_clean_chain_verifies(db: TestDb) {
    let store = db.open().await;
    six_rows(&store).await;
    let raw = db.connect(None).await;
    let h = hashes(&raw).await;
    assert_eq!(
        h.iter().map(|r| r.0).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5, 6]
    );
    assert_eq!(h[0].1, GENESIS);
    for w in h.windows(2) {
        assert_eq!(w[1].1, w[0].2, "row {} follows row {}", w[1].0, w[0].0);
    }
    // Row 4, the read, by hand.
    let read = store
        .audit(&Default::default(), touyan_storage::Page::new(1, 10))
        .await
        .unwrap();
    let r4 = read.items.iter().find(|e| e.id == 4).unwrap();
    let want = hash_of(&[
        Some("4"),
        Some(&micro_text(r4.at)),
        Some("审计员"),
        Some("people"),
        Some("3707**********001X"),
        Some("read"),
        None,
        None,
        Some("10.0.0.7"),
        Some(&h[2].2),
    ]);
    assert_eq!(h[3].2, want);

    let s = store.verify_audit_chain(None).await.unwrap();
    assert_eq!(s.broken, None);
    assert_eq!(
        (s.checked, s.head_id, s.head_hash.as_str()),
        (6, 6, h[5].2.as_str())
    );
    // A recorded hash still there; another one; a row not there.
    let rec = |id, hash: &str| {
        Some(Recorded {
            id,
            hash: hash.to_owned(),
        })
    };
    let s = store.verify_audit_chain(rec(3, &h[2].2)).await.unwrap();
    assert!(s.intact(), "{s:?}");
    let s = store.verify_audit_chain(rec(3, &h[1].2)).await.unwrap();
    assert_eq!(at(&s), (3, ChainBreak::NotAsRecorded, 2));
    let s = store.verify_audit_chain(rec(9, &h[1].2)).await.unwrap();
    assert_eq!(at(&s), (9, ChainBreak::RecordedMissing, 6));
    // Going on from a head found intact: the rows after it only.
    let from = Recorded {
        id: 6,
        hash: h[5].2.clone(),
    };
    store.log_read("审计员", None, "people", "x").await.unwrap();
    let s = store.verify_audit_chain_from(&from, 6).await.unwrap();
    assert!(s.intact(), "{s:?}");
    assert_eq!((s.checked, s.head_id), (7, 7));
    db.finish().await;
}
both_backends!(clean, a_clean_chain_verifies);

async fn an_edited_row_is_named(db: TestDb) {
    let store = db.open().await;
    six_rows(&store).await;
    let raw = attacker(&db).await;
    exec(&raw, "UPDATE change_log SET actor = '别人' WHERE id = 3").await;
    let s = store.verify_audit_chain(None).await.unwrap();
    assert_eq!(at(&s), (3, ChainBreak::Altered, 2));
    let b = s.broken.unwrap();
    assert_eq!(
        (b.actor.as_deref(), b.table.as_deref()),
        (Some("别人"), Some("towns"))
    );
    // Its hash rewritten to another: still the row named.
    let h = hashes(&raw).await;
    exec(
        &raw,
        &format!("UPDATE change_log SET row_hash = '{}' WHERE id = 3", h[0].2),
    )
    .await;
    let s = store.verify_audit_chain(None).await.unwrap();
    assert_eq!(at(&s), (3, ChainBreak::Altered, 2));
    // Its hash recomputed for what it now says: the row after it no
    // longer follows it.
    let page = touyan_storage::Page::new(1, 10);
    let r3 = store.audit(&Default::default(), page).await.unwrap();
    let r3 = r3.items.iter().find(|e| e.id == 3).unwrap();
    let redone = hash_of(&[
        Some("3"),
        Some(&micro_text(r3.at)),
        Some("别人"),
        Some("towns"),
        Some("370783100"),
        Some("update"),
        r3.before.as_deref(),
        r3.after.as_deref(),
        None,
        Some(&h[1].2),
    ]);
    exec(
        &raw,
        &format!("UPDATE change_log SET row_hash = '{redone}' WHERE id = 3"),
    )
    .await;
    let s = store.verify_audit_chain(None).await.unwrap();
    assert_eq!(at(&s), (4, ChainBreak::Missing { after: Some(3) }, 3));
    db.finish().await;
}
both_backends!(edited, an_edited_row_is_named);

async fn deleted_rows_are_named(db: TestDb) {
    let store = db.open().await;
    six_rows(&store).await;
    let raw = attacker(&db).await;
    exec(&raw, "DELETE FROM change_log WHERE id = 3").await;
    let s = store.verify_audit_chain(None).await.unwrap();
    assert_eq!(at(&s), (4, ChainBreak::Missing { after: Some(2) }, 2));
    exec(&raw, "DELETE FROM change_log WHERE id = 1").await;
    let s = store.verify_audit_chain(None).await.unwrap();
    assert_eq!(at(&s), (2, ChainBreak::Missing { after: None }, 0));
    db.finish().await;
}
both_backends!(deleted, deleted_rows_are_named);

async fn a_cut_off_end_is_named(db: TestDb) {
    let store = db.open().await;
    six_rows(&store).await;
    let raw = attacker(&db).await;
    exec(&raw, "DELETE FROM change_log WHERE id >= 5").await;
    let s = store.verify_audit_chain(None).await.unwrap();
    let cut = ChainBreak::Truncated {
        last: Some(4),
        head_id: 6,
    };
    assert_eq!(at(&s), (5, cut.clone(), 4));
    // The head moved back too, but not to what row 4 was recorded as…
    let h = hashes(&raw).await;
    exec(
        &raw,
        &format!(
            "UPDATE audit_chain_head SET last_id = 4, last_hash = '{}'",
            h[3].2
        ),
    )
    .await;
    assert!(store.verify_audit_chain(None).await.unwrap().intact());
    // …which only a head recorded elsewhere shows.
    let six = Recorded {
        id: 6,
        hash: "ab".repeat(32),
    };
    let s = store.verify_audit_chain(Some(six)).await.unwrap();
    assert_eq!(at(&s), (6, ChainBreak::RecordedMissing, 4));
    db.finish().await;
}
both_backends!(truncated, a_cut_off_end_is_named);

async fn forged_rows_are_named(db: TestDb) {
    let store = db.open().await;
    six_rows(&store).await;
    let raw = attacker(&db).await;
    let h = hashes(&raw).await;
    // After the head, linked and hashed as the store would.
    let at_text = "2026-01-02 03:04:05.000000";
    let forged = hash_of(&[
        Some("7"),
        Some(at_text),
        Some("管理员"),
        Some("towns"),
        Some("370783003"),
        Some("insert"),
        None,
        Some("{}"),
        None,
        Some(&h[5].2),
    ]);
    let insert = |id: i64, prev: &str, hash: &str| {
        format!(
            "INSERT INTO change_log (id, changed_at, actor, table_name, record_key, action, \
             before_json, after_json, origin, prev_hash, row_hash) VALUES ({id}, '{at_text}', \
             '管理员', 'towns', '370783003', 'insert', NULL, '{{}}', NULL, '{prev}', '{hash}')"
        )
    };
    exec(&raw, &insert(7, &h[5].2, &forged)).await;
    let s = store.verify_audit_chain(None).await.unwrap();
    assert_eq!(at(&s), (7, ChainBreak::PastHead { head_id: 6 }, 6));
    // The head moved onto it: a whole chain again (the limit the README
    // states), unless the head was recorded.
    exec(
        &raw,
        &format!("UPDATE audit_chain_head SET last_id = 7, last_hash = '{forged}'"),
    )
    .await;
    assert!(store.verify_audit_chain(None).await.unwrap().intact());
    // With a hash that only looks computed.
    exec(&raw, "DELETE FROM change_log WHERE id = 7").await;
    exec(&raw, &insert(7, &h[5].2, &"5e".repeat(32))).await;
    let s = store.verify_audit_chain(None).await.unwrap();
    assert_eq!(at(&s), (7, ChainBreak::Altered, 6));
    // Without a hash at all.
    exec(&raw, "UPDATE change_log SET row_hash = NULL WHERE id = 7").await;
    let s = store.verify_audit_chain(None).await.unwrap();
    assert_eq!(at(&s), (7, ChainBreak::Unsealed, 6));
    db.finish().await;
}
both_backends!(forged, forged_rows_are_named);

/// Rows logged before the chain (ids with a gap, as a PostgreSQL
/// sequence leaves after a rollback) are sealed by the migration; a row
/// put into the gap afterwards, hashed onto the row before it, is
/// named: the row after it still follows the row before.
async fn old_rows_are_sealed_and_a_row_put_between_is_named(db: TestDb) {
    let raw = db.connect(Some(BEFORE)).await;
    for id in [1, 2, 4, 5] {
        exec(
            &raw,
            &format!(
                "INSERT INTO change_log (id, changed_at, actor, table_name, record_key, action, \
                 before_json, after_json, origin) VALUES ({id}, '2025-03-0{id} 08:00:00', \
                 '旧', 'towns', 'k{id}', 'insert', NULL, '{{}}', NULL)"
            ),
        )
        .await;
    }
    let store = db.open().await;
    let s = store.verify_audit_chain(None).await.unwrap();
    assert!(s.intact(), "{s:?}");
    assert_eq!((s.checked, s.head_id), (4, 5));
    let raw = attacker(&db).await;
    let h = hashes(&raw).await;
    assert_eq!(h.iter().map(|r| r.0).collect::<Vec<_>>(), [1, 2, 4, 5]);
    // Row 1 by hand.
    let want = hash_of(&[
        Some("1"),
        Some("2025-03-01 08:00:00.000000"),
        Some("旧"),
        Some("towns"),
        Some("k1"),
        Some("insert"),
        None,
        Some("{}"),
        None,
        Some(GENESIS),
    ]);
    assert_eq!(h[0].2, want);
    let at_text = "2025-03-03 08:00:00.000000";
    let forged = hash_of(&[
        Some("3"),
        Some(at_text),
        Some("旧"),
        Some("towns"),
        Some("k3"),
        Some("insert"),
        None,
        Some("{}"),
        None,
        Some(&h[1].2),
    ]);
    exec(
        &raw,
        &format!(
            "INSERT INTO change_log (id, changed_at, actor, table_name, record_key, action, \
             before_json, after_json, origin, prev_hash, row_hash) VALUES (3, '{at_text}', \
             '旧', 'towns', 'k3', 'insert', NULL, '{{}}', NULL, '{}', '{forged}')",
            h[1].2
        ),
    )
    .await;
    let s = store.verify_audit_chain(None).await.unwrap();
    assert_eq!(at(&s), (3, ChainBreak::Inserted, 3));
    // New rows follow the sealed ones.
    exec(&raw, "DELETE FROM change_log WHERE id = 3").await;
    store.log_read("审计员", None, "people", "x").await.unwrap();
    let s = store.verify_audit_chain(None).await.unwrap();
    assert!(s.intact(), "{s:?}");
    assert_eq!((s.checked, s.head_id), (5, 6));
    db.finish().await;
}
both_backends!(sealed, old_rows_are_sealed_and_a_row_put_between_is_named);

/// Eight writers at once, each 15 one-row transactions and 15 audited
/// reads: one chain of 240 rows.
async fn concurrent_writers_make_one_chain(db: TestDb) {
    let store = db.open().await;
    let mut tasks = Vec::new();
    for w in 0..8 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..15 {
                let t = town(&format!("3707831{w:02}"), &format!("镇{w}-{i}"));
                store.upsert(&format!("写者{w}"), &[t]).await.unwrap();
                store
                    .log_read(&format!("读者{w}"), None, "people", &i.to_string())
                    .await
                    .unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let s = store.verify_audit_chain(None).await.unwrap();
    assert!(s.intact(), "{s:?}");
    assert_eq!((s.checked, s.head_id), (240, 240));
    db.finish().await;
}
both_backends!(concurrent, concurrent_writers_make_one_chain);

/// The cost of logging: one large write (12,000 rows in one
/// transaction), 300 one-row transactions and 300 audited reads. Run by
/// hand (`--run-ignored only`); prints the times.
async fn append_cost(db: TestDb) {
    let store = db.open().await;
    let mut d = Divisions::default();
    for t in 0..12 {
        let tc = format!("370783{:03}", 100 + t);
        d.towns.push(town(&tc, "某镇"));
        for v in 0..1000 {
            d.villages
                .push(village(&format!("{tc}{v:03}"), &format!("第{v}村村委会")));
        }
    }
    let t0 = Instant::now();
    store.load_divisions("导入", &d, |_, _| {}).await.unwrap();
    let bulk = t0.elapsed();
    let t0 = Instant::now();
    for i in 0..300 {
        let t = town("370783100", &format!("某镇{i}"));
        store.upsert("管理员", &[t]).await.unwrap();
    }
    let small = t0.elapsed();
    let t0 = Instant::now();
    for i in 0..300 {
        store
            .log_read("审计", Some("127.0.0.1"), "people", &format!("{i}"))
            .await
            .unwrap();
    }
    let reads = t0.elapsed();
    println!(
        "BENCH {:?} bulk {:.1} ms, 300 small tx {:.1} ms, 300 reads {:.1} ms",
        db.backend,
        bulk.as_secs_f64() * 1e3,
        small.as_secs_f64() * 1e3,
        reads.as_secs_f64() * 1e3
    );
}

/// The cost of a walk: the whole chain of about 100,000 rows (a demo
/// database's size), and going on from its head after one more row (the
/// audit page's view). Run by hand; prints the times.
async fn verify_cost(db: TestDb) {
    let store = db.open().await;
    let mut d = Divisions::default();
    for t in 0..100 {
        let tc = format!("370783{:03}", 100 + t);
        d.towns.push(town(&tc, "某镇"));
        for v in 0..1000 {
            d.villages
                .push(village(&format!("{tc}{v:03}"), &format!("第{v}村村委会")));
        }
    }
    store.load_divisions("导入", &d, |_, _| {}).await.unwrap();
    let t0 = Instant::now();
    let s = store.verify_audit_chain(None).await.unwrap();
    let full = t0.elapsed();
    assert!(s.intact() && s.checked == 100_100, "{s:?}");
    store.log_read("审计", None, "people", "1").await.unwrap();
    let from = Recorded {
        id: s.head_id,
        hash: s.head_hash.clone(),
    };
    let t0 = Instant::now();
    let s = store
        .verify_audit_chain_from(&from, s.checked)
        .await
        .unwrap();
    let step = t0.elapsed();
    assert!(s.intact() && s.checked == 100_101, "{s:?}");
    println!(
        "BENCH {:?} verify 100,100 rows {:.1} ms, from the head {:.2} ms",
        db.backend,
        full.as_secs_f64() * 1e3,
        step.as_secs_f64() * 1e3
    );
}

mod bench {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "a measurement, run by hand"]
    async fn verify_sqlite() {
        touyan_storage::testing::run_on(touyan_storage::Backend::Sqlite, super::verify_cost).await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "a measurement, run by hand"]
    async fn verify_postgres() {
        touyan_storage::testing::run_on(touyan_storage::Backend::Postgres, super::verify_cost)
            .await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "a measurement, run by hand"]
    async fn sqlite() {
        touyan_storage::testing::run_on(touyan_storage::Backend::Sqlite, super::append_cost).await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "a measurement, run by hand"]
    async fn postgres() {
        touyan_storage::testing::run_on(touyan_storage::Backend::Postgres, super::append_cost)
            .await;
    }
}
