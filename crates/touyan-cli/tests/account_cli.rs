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

/// At a terminal the password is read without echo (issue 15): run under a
/// pseudo-terminal of its own, the command shows its prompts and never the
/// typed password, and the account is made.
#[test]
fn a_password_typed_at_a_terminal_is_not_echoed() {
    use std::io::Read;
    use std::os::fd::FromRawFd;
    use std::os::unix::process::CommandExt;
    use std::time::{Duration, Instant};

    const SECRET: &str = "Kite#Run2026q";
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("pty.db");
    let (mut master, mut slave) = (0, 0);
    // SAFETY: openpty writes two descriptors; the other arguments may be
    // null.
    let r = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    assert_eq!(r, 0, "openpty");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_touyan"));
    cmd.env_remove("TOUYAN_DATABASE_URL")
        .arg("--db")
        .arg(&db)
        .args(["account", "add", "pty", "--role", "city_viewer"]);
    // SAFETY: only async-signal-safe calls between fork and exec: a new
    // session with the terminal as its controlling terminal, and the
    // terminal as standard input, output and error.
    unsafe {
        cmd.pre_exec(move || {
            libc::setsid();
            libc::ioctl(slave, libc::TIOCSCTTY, 0);
            libc::dup2(slave, 0);
            libc::dup2(slave, 1);
            libc::dup2(slave, 2);
            Ok(())
        });
    }
    let mut child = cmd.spawn().expect("touyan runs");
    // SAFETY: the parent's copy of the terminal's end is not used again.
    unsafe { libc::close(slave) };
    // SAFETY: `master` is an open descriptor this test owns from here on.
    let mut term = unsafe { std::fs::File::from_raw_fd(master) };
    let mut w = term.try_clone().unwrap();
    let mut seen = Vec::new();
    // Reads until `what` shows, then waits for echo to be off.
    let mut wait_for = |what: &str, seen: &mut Vec<u8>| {
        let start = Instant::now();
        let mut buf = [0u8; 512];
        while !String::from_utf8_lossy(seen).contains(what) {
            assert!(start.elapsed() < Duration::from_secs(30), "no prompt");
            match term.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => seen.extend_from_slice(&buf[..n]),
            }
        }
        loop {
            // SAFETY: a zeroed termios is a valid buffer for tcgetattr.
            let mut t: libc::termios = unsafe { std::mem::zeroed() };
            // SAFETY: `master` is open; `t` is a valid termios.
            unsafe { libc::tcgetattr(master, &mut t) };
            if t.c_lflag & libc::ECHO == 0 {
                break;
            }
            assert!(start.elapsed() < Duration::from_secs(30), "echo stays on");
            std::thread::sleep(Duration::from_millis(10));
        }
    };
    wait_for("不显示", &mut seen);
    w.write_all(format!("{SECRET}\n").as_bytes()).unwrap();
    wait_for("再输入", &mut seen);
    w.write_all(format!("{SECRET}\n").as_bytes()).unwrap();
    let status = child.wait().unwrap();
    let mut buf = [0u8; 4096];
    while let Ok(n) = term.read(&mut buf) {
        if n == 0 {
            break;
        }
        seen.extend_from_slice(&buf[..n]);
    }
    let shown = String::from_utf8_lossy(&seen);
    assert!(status.success(), "{shown}");
    assert!(!shown.contains(SECRET), "the password was echoed: {shown}");
    assert!(shown.contains("不显示"), "{shown}");
}
