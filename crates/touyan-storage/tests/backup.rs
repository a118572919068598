//! Backup and restore (issue 19, item 8), on both backends: a backup taken
//! while another task keeps writing is one consistent moment, restores
//! into an empty database of either backend with every table equal row by
//! row, and is refused when it is not a backup, damaged or newer, and
//! when the database is not empty.
//!
//! Tables are compared through a dump of our own (`dump`: every table the
//! database's catalog lists, each value decoded by sqlx by its declared
//! type), not through the backup module's code.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use sea_orm::{ConnectionTrait, Database, DbBackend, QueryResult, Statement};
use time::macros::date;
use touyan_records::CitizenId;
use touyan_records::model::Person;
use touyan_storage::backup::{self, BackupError, Phase, Progress, Step};
use touyan_storage::testing::TestDb;
use touyan_storage::{Backend, CardKeys, Store, both_backends, shipped};

type Dump = BTreeMap<String, Vec<Vec<String>>>;

fn cid(n: u32) -> CitizenId {
    let first17 = format!("37078319800101{n:03}");
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .bytes()
        .zip(W)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    CitizenId::parse(&format!("{first17}{check}")).expect("valid id")
}

fn person(n: u32) -> Person {
    Person {
        id: cid(n),
        name: format!("测试{n}"),
        full_time_education: None,
        in_service_education: None,
    }
}

fn quiet() -> Progress {
    Arc::new(|_: &Step| {})
}

/// A URL sea-orm connects to for `url` (a SQLite path or PostgreSQL).
fn conn_url(url: &str) -> String {
    if url.starts_with("postgres") {
        url.to_owned()
    } else {
        format!("sqlite://{url}?mode=rw")
    }
}

/// Every content table of the database at `url`: rows as text, sorted.
async fn dump(url: &str) -> Dump {
    let db = Database::connect(conn_url(url).as_str()).await.unwrap();
    let backend = db.get_database_backend();
    let catalog = match backend {
        DbBackend::Postgres => {
            "SELECT c.table_name::text, c.column_name::text, c.data_type::text \
             FROM information_schema.columns c JOIN information_schema.tables t \
             ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
             WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' \
             ORDER BY c.table_name, c.ordinal_position"
        }
        _ => {
            "SELECT m.name, p.name, lower(p.type) FROM sqlite_master m \
             JOIN pragma_table_info(m.name) p WHERE m.type = 'table' ORDER BY m.name, p.cid"
        }
    };
    let mut tables: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for r in db
        .query_all_raw(Statement::from_string(backend, catalog))
        .await
        .unwrap()
    {
        let t: String = r.try_get_by_index(0).unwrap();
        if t.starts_with("sqlite_") || t == "seaql_migrations" || t.starts_with("touyan_backup") {
            continue;
        }
        tables.entry(t).or_default().push((
            r.try_get_by_index(1).unwrap(),
            r.try_get_by_index(2).unwrap(),
        ));
    }
    let mut out = Dump::new();
    for (t, cols) in tables {
        let list: Vec<&str> = cols.iter().map(|c| c.0.as_str()).collect();
        let sql = format!("SELECT {} FROM {t}", list.join(", "));
        let mut rows: Vec<Vec<String>> = db
            .query_all_raw(Statement::from_string(backend, sql))
            .await
            .unwrap()
            .iter()
            .map(|r| {
                cols.iter()
                    .enumerate()
                    .map(|(i, (_, ty))| cell(r, i, ty))
                    .collect()
            })
            .collect();
        rows.sort();
        out.insert(t, rows);
    }
    db.close().await.unwrap();
    out
}

fn cell(r: &QueryResult, i: usize, ty: &str) -> String {
    match ty {
        "integer" | "bigint" => format!(
            "{:?}",
            r.try_get_by_index::<Option<i64>>(i)
                .or_else(|_| r
                    .try_get_by_index::<Option<i32>>(i)
                    .map(|v| v.map(i64::from)))
                .unwrap()
        ),
        "boolean" => format!("{:?}", r.try_get_by_index::<Option<bool>>(i).unwrap()),
        "date" => format!("{:?}", r.try_get_by_index::<Option<time::Date>>(i).unwrap()),
        "timestamp" | "timestamp without time zone" => format!(
            "{:?}",
            r.try_get_by_index::<Option<time::PrimitiveDateTime>>(i)
                .unwrap()
        ),
        _ => format!("{:?}", r.try_get_by_index::<Option<String>>(i).unwrap()),
    }
}

/// A database with the shipped divisions, one person and their sealed
/// one-card account (key id returned).
async fn filled(db: &TestDb, key: &Path) -> String {
    let store = db.open().await;
    store
        .load_divisions("导入", &shipped(), |_, _| {})
        .await
        .unwrap();
    store.upsert("导入", &[person(0)]).await.unwrap();
    let keys = store.keys_for_recording(key).await.unwrap();
    store
        .record_one_card_account(
            &keys,
            "镇街经办",
            None,
            &cid(0),
            "6228480402564890018",
            date!(2026 - 03 - 01),
        )
        .await
        .unwrap();
    store.close().await.unwrap();
    CardKeys::open(key).unwrap().key_id().to_owned()
}

async fn count(url: &str, sql: &str) -> i64 {
    let db = Database::connect(conn_url(url).as_str()).await.unwrap();
    let n = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<i64>(0)
        .unwrap();
    db.close().await.unwrap();
    n
}

/// A backup taken while a writer adds people one transaction at a time
/// is one moment: as many people as the log says were added and as the
/// data version counts, between the writes done before and after it. On
/// PostgreSQL the progress after the change log waits for three more
/// writes, so `data_version` and `people` are read after commits the
/// snapshot must not see (read outside one snapshot, they would hold three
/// more rows than the log).
/// Restored into a new database of each backend, every table is equal.
async fn a_backup_during_writes_restores_everywhere(db: TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let key_id = filled(&db, &dir.path().join("k.key")).await;
    let base_log = count(&db.url, "SELECT count(*) FROM change_log").await;
    let base_version = count(&db.url, "SELECT version FROM data_version").await;
    // The divisions' 1,028 entries, person 0, the account.
    assert_eq!(base_log, 1028 + 1 + 1);
    let writes = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    // The writer on a thread and runtime of its own, so that the backup's
    // progress, which blocks its thread, cannot hold it up.
    let writer = {
        let (url, writes, stop) = (db.url.clone(), writes.clone(), stop.clone());
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let store = Store::open(&url).await.unwrap();
                let mut n = 1;
                while !stop.load(Ordering::SeqCst) && n < 900 {
                    store.upsert("写入者", &[person(n)]).await.unwrap();
                    writes.fetch_add(1, Ordering::SeqCst);
                    n += 1;
                }
                store.close().await.unwrap();
            });
        })
    };
    while writes.load(Ordering::SeqCst) < 5 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let before = writes.load(Ordering::SeqCst);
    let waited = writes.clone();
    let steps = Arc::new(std::sync::Mutex::new(Vec::<(Phase, String)>::new()));
    let seen = steps.clone();
    let progress: Progress = Arc::new(move |s: &Step| {
        seen.lock().unwrap().push((s.phase, s.table.clone()));
        if s.phase == Phase::Copy && s.table == "change_log" {
            let until = waited.load(Ordering::SeqCst) + 3;
            let start = std::time::Instant::now();
            while waited.load(Ordering::SeqCst) < until && start.elapsed().as_secs() < 20 {
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
        }
    });
    let file = dir.path().join("备份 1.touyan");
    let done = backup::backup(&db.url, &file, false, progress)
        .await
        .unwrap();
    let after = writes.load(Ordering::SeqCst);
    stop.store(true, Ordering::SeqCst);
    writer.join().unwrap();

    let info = &done.info;
    assert_eq!(info.format, "1");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the owner's only");
    }
    let nowhere = dir.path().join("无此目录").join("b.touyan");
    let m = match backup::backup(&db.url, &nowhere, false, quiet()).await {
        Err(BackupError::Refused(m)) => m,
        other => panic!("{other:?}"),
    };
    assert!(m.contains("不存在，无法写出备份文件"), "{m}");
    assert_eq!(
        info.source,
        if db.backend == Backend::Sqlite {
            "sqlite"
        } else {
            "postgres"
        }
    );
    assert_eq!(info.key_ids, [key_id]);
    assert!(info.log_key_ids.is_empty());
    assert_eq!(
        info.migrations.last().map(String::as_str),
        Some(info.level())
    );
    assert_eq!(backup::read_info(&file).unwrap(), *info);
    let file_url = file.to_string_lossy().into_owned();
    let people = count(&file_url, "SELECT count(*) FROM people").await;
    let added = people - 1;
    assert!(
        added >= before as i64 && added <= after as i64 + 1,
        "{before} ≤ {added} ≤ {after} + 1"
    );
    if db.backend == Backend::Postgres {
        assert!(after >= before + 3, "writes went on during the backup");
        let copied: Vec<String> = steps
            .lock()
            .unwrap()
            .iter()
            .filter(|s| s.0 == Phase::Copy)
            .map(|s| s.1.clone())
            .collect();
        assert!(copied.contains(&"people".to_owned()), "{copied:?}");
    }
    // The log holds one insert per person, and one entry and one move of
    // the data version per person added.
    let logged = count(
        &file_url,
        "SELECT count(*) FROM change_log WHERE table_name = 'people'",
    )
    .await;
    assert_eq!(logged, people);
    assert_eq!(
        count(&file_url, "SELECT count(*) FROM change_log").await,
        base_log + added
    );
    assert_eq!(
        count(&file_url, "SELECT version FROM data_version").await,
        base_version + added
    );
    let rows = info.tables.iter().find(|t| t.0 == "people").unwrap().1;
    assert_eq!(rows as i64, people);

    let expected = dump(&file_url).await;
    assert_eq!(expected["villages"].len(), 1013);
    assert_eq!(expected["one_card_accounts"].len(), 1);
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let target = TestDb::new(backend).await;
        let restored = backup::restore(&target.url, &file, quiet()).await.unwrap();
        assert_eq!(restored.upgraded_from, None);
        assert_eq!(restored.info, *info);
        let mut by_table = restored.tables.clone();
        by_table.sort();
        assert_eq!(by_table, info.tables, "{backend:?}");
        assert_eq!(dump(&target.url).await, expected, "into {backend:?}");
        // The restored database goes on: the next log entry follows the
        // largest restored id (PostgreSQL's sequence was moved on).
        let s = Store::open(&target.url).await.unwrap();
        s.upsert("之后", &[person(999)]).await.unwrap();
        s.close().await.unwrap();
        let last = count(&target.url, "SELECT max(id) FROM change_log").await;
        assert_eq!(last, base_log + added + 1, "{backend:?}");
        // Not empty any more: a second restore is refused, nothing changed.
        let again = backup::restore(&target.url, &file, quiet()).await;
        match again {
            Err(BackupError::Refused(m)) => assert!(m.contains("目标数据库不是空的"), "{m}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            count(&target.url, "SELECT count(*) FROM people").await,
            people + 1
        );
        target.finish().await;
    }
    // The destination exists: refused without --force, replaced with it.
    let again = backup::backup(&db.url, &file, false, quiet()).await;
    assert!(matches!(again, Err(BackupError::Refused(m)) if m.contains("已存在")));
    backup::backup(&db.url, &file, true, quiet()).await.unwrap();
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left.len(), 2, "no temporary file left: {left:?}");
}

both_backends!(
    backup_during_writes,
    a_backup_during_writes_restores_everywhere
);

fn refused(r: Result<backup::Restored, BackupError>) -> String {
    match r {
        Err(BackupError::Refused(m)) => m,
        other => panic!("not refused: {other:?}"),
    }
}

/// What is not a backup, or is damaged, or comes from a newer build, is
/// refused before the database is touched.
async fn bad_files_are_refused(db: TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let source = TestDb::sqlite();
    filled(&source, &dir.path().join("k.key")).await;
    let good = dir.path().join("good.touyan");
    backup::backup(&source.url, &good, false, quiet())
        .await
        .unwrap();

    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "这不是备份").unwrap();
    let m = refused(backup::restore(&db.url, &text, quiet()).await);
    assert!(
        m.contains("不是 touyan 备份文件（不是 SQLite 数据库文件）"),
        "{m}"
    );
    let m = refused(backup::restore(&db.url, &dir.path().join("无.touyan"), quiet()).await);
    assert!(m.contains("不存在"), "{m}");
    let m = refused(backup::restore(&db.url, Path::new(&source.url), quiet()).await);
    assert!(m.contains("不是 touyan 备份文件"), "{m}");
    let dump_file = dir.path().join("pg.dump");
    std::fs::write(&dump_file, b"PGDMP\x01\x0e\x00").unwrap();
    let m = refused(backup::restore(&db.url, &dump_file, quiet()).await);
    assert!(m.contains("pg_restore"), "{m}");

    let edit = |name: &str, sql: &str| {
        let p = dir.path().join(name);
        std::fs::copy(&good, &p).unwrap();
        rusqlite::Connection::open(&p)
            .unwrap()
            .execute_batch(sql)
            .unwrap();
        p
    };
    let changed = edit(
        "changed.touyan",
        "UPDATE towns SET name = '改' WHERE rowid = 3",
    );
    let m = refused(backup::restore(&db.url, &changed, quiet()).await);
    assert!(
        m.contains("已损坏或被改动（SHA-256 与备份时记录的不同）"),
        "{m}"
    );
    let fewer = edit("fewer.touyan", "DELETE FROM one_card_accounts");
    let m = refused(backup::restore(&db.url, &fewer, quiet()).await);
    assert!(m.contains("各表行数与备份时记录的不同"), "{m}");
    let newer = edit(
        "newer.touyan",
        "UPDATE touyan_backup SET value = value || ',m9999_future' WHERE name = 'migrations'",
    );
    let m = refused(backup::restore(&db.url, &newer, quiet()).await);
    assert!(
        m.contains("比本程序新（本程序没有的迁移：m9999_future）"),
        "{m}"
    );
    let later = edit(
        "later.touyan",
        "UPDATE touyan_backup SET value = '2' WHERE name = 'format'",
    );
    let m = refused(backup::restore(&db.url, &later, quiet()).await);
    assert!(m.contains("格式版本为 2"), "{m}");

    // Nothing was written: the database is still empty and takes the
    // good backup.
    let r = backup::restore(&db.url, &good, quiet()).await.unwrap();
    assert_eq!(r.tables.iter().find(|t| t.0 == "villages").unwrap().1, 1013);
    source.finish().await;
}

both_backends!(bad_files, bad_files_are_refused);

/// A backup of an older schema is brought up to date, then restored; its
/// rows are there under the current schema.
async fn an_older_backup_is_upgraded(db: TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let old = TestDb::sqlite();
    // Up to m0022: before the one-card accounts and exits' programmes.
    let conn = old.connect(Some(21)).await;
    for sql in [
        "INSERT INTO towns (code, name, kind, created_at, updated_at, updated_by) \
         VALUES ('370783100', '化龙镇', 'town', '2025-01-01 00:00:00.0', '2025-01-01 00:00:00.0', '旧版')",
        "UPDATE data_version SET version = 7",
    ] {
        conn.execute_unprepared(sql).await.unwrap();
    }
    conn.close().await.unwrap();
    let file = dir.path().join("old.touyan");
    let done = backup::backup(&old.url, &file, false, quiet())
        .await
        .unwrap();
    assert_eq!(done.info.migrations.len(), 21);
    let r = backup::restore(&db.url, &file, quiet()).await.unwrap();
    assert_eq!(r.upgraded_from.as_deref(), Some(done.info.level()));
    let towns = dump(&db.url).await["towns"].clone();
    assert_eq!(towns.len(), 1);
    assert_eq!(towns[0][1], "Some(\"化龙镇\")");
    // 7, and m0024 (exits' programmes) moved it on as it rewrote records.
    assert_eq!(count(&db.url, "SELECT version FROM data_version").await, 8);
    // The temporary upgraded copy is gone and the backup is unchanged.
    assert_eq!(backup::read_info(&file).unwrap(), done.info);
    old.finish().await;
}

both_backends!(older_backup, an_older_backup_is_upgraded);
