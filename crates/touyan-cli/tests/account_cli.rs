//! `touyan account add` on both backends: a real database gets its town
//! and administrator accounts from the command line, with the server's
//! password rule and hashing, and the creation logged.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use touyan_storage::Backend;
use touyan_storage::testing::{TestDb, run_on};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `touyan --db DB ARGS` with `stdin` as its standard input.
fn touyan(db: &str, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_touyan"))
        .current_dir(root())
        .env_remove("TOUYAN_DATABASE_URL")
        .arg("--db")
        .arg(db)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("touyan runs");
    // A command refused on its arguments exits before reading its input:
    // a broken pipe is then expected, any other error is not.
    match child.stdin.take().unwrap().write_all(stdin.as_bytes()) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => panic!("cannot write to touyan: {e}"),
    }
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

async fn accounts_are_added_checked_and_logged(db: TestDb) {
    let load = touyan(&db.url, &["divisions", "load"], "");
    assert!(load.status.success(), "{}", text(&load.stderr));

    let ok = touyan(
        &db.url,
        &[
            "account",
            "add",
            "hualong",
            "--role",
            "town_operator",
            "--town",
            "370783100",
        ],
        "Town#Op2026\n",
    );
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    assert!(
        text(&ok.stdout).contains("已建立账户 hualong：镇街经办，化龙镇"),
        "{}",
        text(&ok.stdout)
    );
    // By its Chinese label, a city role without a town.
    let audit = touyan(
        &db.url,
        &["account", "add", "auditor", "--role", "审计管理员"],
        "Audit#2026x\n",
    );
    assert!(audit.status.success(), "{}", text(&audit.stderr));

    let store = db.open().await;
    let a = store.account("hualong").await.unwrap().expect("stored");
    assert_eq!(a.role, "town_operator");
    assert_eq!(a.town.as_deref(), Some("370783100"));
    assert!(
        a.password_hash.starts_with("$argon2id$"),
        "memory-hard hash"
    );
    assert!(!a.password_hash.contains("Town#Op2026"));
    let b = store.account("auditor").await.unwrap().expect("stored");
    assert_eq!((b.role.as_str(), b.town.as_deref()), ("audit_admin", None));
    // The creation is in the change log, without the hash.
    let log = store.changes(None).await.unwrap();
    let made: Vec<_> = log.iter().filter(|c| c.key == "hualong").collect();
    assert_eq!(made.len(), 1, "{log:?}");
    assert!(made[0].actor.starts_with("命令行:"));
    assert!(
        !made[0]
            .after
            .as_deref()
            .unwrap_or_default()
            .contains("argon2")
    );

    // Refusals: nothing written, a Chinese reason, exit code 2.
    let refused: [(&[&str], &str, &str); 7] = [
        (
            &[
                "account",
                "add",
                "hualong",
                "--role",
                "town_operator",
                "--town",
                "370783100",
            ],
            "Another#2026",
            "已存在",
        ),
        (
            &["account", "add", "weak", "--role", "city_viewer"],
            "abc",
            "密码",
        ),
        (
            &["account", "add", "weak", "--role", "city_viewer"],
            "Password1!",
            "过于常见",
        ),
        (
            &["account", "add", "t1", "--role", "town_reviewer"],
            "Strong#2026x",
            "须用 --town",
        ),
        (
            &[
                "account",
                "add",
                "c1",
                "--role",
                "city_admin",
                "--town",
                "370783100",
            ],
            "Strong#2026x",
            "不能指定 --town",
        ),
        (
            &[
                "account",
                "add",
                "t2",
                "--role",
                "town_operator",
                "--town",
                "370783999",
            ],
            "Strong#2026x",
            "没有镇街 370783999",
        ),
        (
            &["account", "add", "x", "--role", "root"],
            "Strong#2026x",
            "不是已知角色",
        ),
    ];
    for (args, password, why) in refused {
        let out = touyan(&db.url, args, &format!("{password}\n"));
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            text(&out.stderr).contains(why),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    for name in ["weak", "t1", "c1", "t2", "x"] {
        assert!(store.account(name).await.unwrap().is_none(), "{name}");
    }
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_on_sqlite() {
    run_on(Backend::Sqlite, accounts_are_added_checked_and_logged).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_on_postgres() {
    run_on(Backend::Postgres, accounts_are_added_checked_and_logged).await;
}
