//! `touyan backup` and `touyan restore` on both backends (issue 19, item
//! 8): what they print, their exit codes, and a restored one-card account
//! opening with the original key file and only with it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use time::macros::date;
use touyan_records::CitizenId;
use touyan_records::model::Person;
use touyan_storage::testing::{TestDb, run_on};
use touyan_storage::{Backend, CardKeys, Store};

const ACCOUNT: &str = "6228480402564890018";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `touyan --db <db>` with `key` as the one-card key file.
fn touyan(db: &str, key: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_touyan"))
        .current_dir(root())
        .env_remove("TOUYAN_DATABASE_URL")
        .env("TOUYAN_KEY_FILE", key)
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("touyan runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn cid() -> CitizenId {
    // 370783 19800101 001 and its check digit.
    let first17 = "37078319800101001";
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .bytes()
        .zip(W)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    CitizenId::parse(&format!("{first17}{check}")).expect("valid id")
}

/// The shipped divisions (by the command line), one person and their
/// one-card account sealed with the key file `key`; the key's id.
async fn filled(db: &TestDb, key: &Path) -> String {
    let out = touyan(&db.url, key, &["divisions", "load"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let store = db.open().await;
    let person = Person {
        id: cid(),
        name: "张三".into(),
        full_time_education: None,
        in_service_education: None,
    };
    store.upsert("导入", &[person]).await.unwrap();
    let keys = store.keys_for_recording(key).await.unwrap();
    store
        .record_one_card_account(
            &keys,
            "镇街经办",
            None,
            &cid(),
            ACCOUNT,
            date!(2026 - 03 - 01),
        )
        .await
        .unwrap();
    store.close().await.unwrap();
    keys.key_id().to_owned()
}

/// Backed up by the command line, restored into a new database of each
/// backend: the rows are there (1,028 log entries of the divisions, one
/// for the person, one for the account; the data version; the audit
/// chain's head; 15 towns; 1,013 villages; the person; the account:
/// 2,062), the account opens with the
/// original key file, and what is refused exits with 2.
async fn backed_up_and_restored(db: TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("原.key");
    let key_id = filled(&db, &key).await;
    let file = dir.path().join("备份.touyan");
    let file_s = file.to_str().unwrap();

    let out = touyan(&db.url, &key, &["backup", file_s]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}{stdout}", text(&out.stderr));
    assert!(stdout.contains(&format!("已备份到 {file_s}（")), "{stdout}");
    let method = match db.backend {
        Backend::Sqlite => "方式：SQLite VACUUM INTO",
        Backend::Postgres => "方式：PostgreSQL REPEATABLE READ 只读事务",
    };
    assert!(stdout.contains(method), "{stdout}");
    assert!(stdout.contains(" 2,062 行；SHA-256 "), "{stdout}");
    assert!(
        stdout.contains(&format!("账号由密钥（编号 {key_id}）加密，密钥不在备份中")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "已找到密钥文件 {}（编号 {key_id}），与账号相符",
            key.display()
        )),
        "{stdout}"
    );
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("校验 村级单位（villages）：1,013 行"),
        "{stderr}"
    );

    let again = touyan(&db.url, &key, &["backup", file_s]);
    assert_eq!(again.status.code(), Some(2));
    assert!(text(&again.stderr).contains("已存在；请换一个文件名，或加 --force 覆盖"));
    let forced = touyan(&db.url, &key, &["backup", file_s, "--force"]);
    assert_eq!(forced.status.code(), Some(0), "{}", text(&forced.stderr));

    for backend in [Backend::Sqlite, Backend::Postgres] {
        let target = TestDb::new(backend).await;
        let new_key = dir.path().join(format!("{backend:?}.key"));
        let out = touyan(&target.url, &new_key, &["restore", file_s]);
        let stdout = text(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{}{stdout}", text(&out.stderr));
        assert!(stdout.contains("个表 2,062 行（用时"), "{stdout}");
        assert!(
            stdout.contains("  村级单位（villages）：1,013\n"),
            "{stdout}"
        );
        assert!(
            stdout.contains("  一卡通账号（one_card_accounts）：1\n"),
            "{stdout}"
        );
        assert!(
            stdout.contains(&format!(
                "警告：{} 处还没有密钥文件；请把编号为 {key_id} 的密钥文件放在那里",
                new_key.display()
            )),
            "{stdout}"
        );
        // The audit trail's hash chain came across whole.
        let verified = touyan(&target.url, &new_key, &["audit", "verify"]);
        assert_eq!(
            verified.status.code(),
            Some(0),
            "{}{}",
            text(&verified.stdout),
            text(&verified.stderr)
        );
        // The account opens with the original key, put where told.
        std::fs::copy(&key, &new_key).unwrap();
        let store = Store::open(&target.url).await.unwrap();
        let keys = CardKeys::open(&new_key).unwrap();
        let opened = store.one_card_accounts(&keys, &[&cid()]).await.unwrap();
        assert_eq!(opened.get(&cid()).map(String::as_str), Some(ACCOUNT));
        store.close().await.unwrap();

        let again = touyan(&target.url, &new_key, &["restore", file_s]);
        assert_eq!(again.status.code(), Some(2), "{}", text(&again.stdout));
        let stderr = text(&again.stderr);
        assert!(
            stderr.contains("错误：目标数据库不是空的：操作日志（change_log）1030 行"),
            "{stderr}"
        );
        target.finish().await;
    }

    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "不是备份").unwrap();
    let fresh = dir.path().join("fresh.db");
    let out = touyan(
        fresh.to_str().unwrap(),
        &key,
        &["restore", notes.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("不是 touyan 备份文件（不是 SQLite 数据库文件）"),
        "{}",
        text(&out.stderr)
    );
    assert!(!fresh.exists(), "a refused file creates no database");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_and_restore_on_sqlite() {
    run_on(Backend::Sqlite, backed_up_and_restored).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_and_restore_on_postgres() {
    run_on(Backend::Postgres, backed_up_and_restored).await;
}

/// `--pg-dump`: PostgreSQL only; the file is pg_dump's, and `touyan
/// restore` says to use pg_restore.
async fn pg_dump_is_used_when_asked(db: TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("k.key");
    filled(&db, &key).await;
    let file = dir.path().join("db.dump");
    let file_s = file.to_str().unwrap();
    let out = touyan(&db.url, &key, &["backup", "--pg-dump", file_s]);
    match db.backend {
        Backend::Sqlite => {
            assert_eq!(out.status.code(), Some(2));
            assert!(text(&out.stderr).contains("--pg-dump 只适用于 PostgreSQL"));
            assert!(!file.exists());
        }
        Backend::Postgres => {
            let stdout = text(&out.stdout);
            assert_eq!(out.status.code(), Some(0), "{}{stdout}", text(&out.stderr));
            assert!(stdout.contains("方式：pg_dump（"), "{stdout}");
            assert!(stdout.contains("pg_restore --no-owner -d"), "{stdout}");
            assert!(std::fs::read(&file).unwrap().starts_with(b"PGDMP"));
            let fresh = dir.path().join("fresh.db");
            let back = touyan(fresh.to_str().unwrap(), &key, &["restore", file_s]);
            assert_eq!(back.status.code(), Some(2));
            assert!(text(&back.stderr).contains("是 pg_dump 的备份"));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pg_dump_on_sqlite() {
    run_on(Backend::Sqlite, pg_dump_is_used_when_asked).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pg_dump_on_postgres() {
    run_on(Backend::Postgres, pg_dump_is_used_when_asked).await;
}

#[test]
fn help_is_in_chinese() {
    let key = std::env::temp_dir().join("touyan-backup-cli-help.key");
    for args in [&["backup", "--help"][..], &["restore", "--help"]] {
        let out = touyan("x.db", &key, args);
        let help = text(&out.stdout);
        assert!(help.contains("用法：") && help.contains("参数"), "{help}");
        assert!(!help.contains("Print help"), "{help}");
    }
    let help = text(&touyan("x.db", &key, &["backup", "--help"]).stdout);
    assert!(
        help.contains("--pg-dump") && help.contains("--force"),
        "{help}"
    );
    let help = text(&touyan("x.db", &key, &["--help"]).stdout);
    assert!(
        help.contains("backup") && help.contains("restore"),
        "{help}"
    );
}
