//! Killed mid-work (issue 19, item 9): `touyan import` and `touyan cycle`
//! are sent SIGKILL at a spread of moments, on SQLite and on PostgreSQL.
//! After each kill the database opens, its audit chain verifies, and the
//! work is either whole or absent: an import's people and list entries
//! are all there or none; a year's proposals are all one run's. Then the
//! same work, not killed, completes on the same database.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The moments a run is killed at, as parts of a whole run's time: the
/// writes come last, so most fall in its second half.
const AT: [f64; 7] = [0.02, 0.3, 0.55, 0.7, 0.8, 0.9, 0.97];

fn at(took: Duration, part: f64) -> Duration {
    took.mul_f64(part)
}

use touyan_records::model::{ListEntry, Person};
use touyan_storage::testing::TestDb;
use touyan_storage::{Backend, Store, both_backends};

const BIN: &str = env!("CARGO_BIN_EXE_touyan");

fn touyan(dir: &Path, db: &str, user: &str, args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.current_dir(dir)
        .env_remove("TOUYAN_DATABASE_URL")
        .env_remove("TOUYAN_POLICY")
        .env("USER", user)
        .arg("--db")
        .arg(db)
        .args(args);
    c
}

fn ok(dir: &Path, db: &str, args: &[&str]) -> Output {
    let out = touyan(dir, db, "tester", args)
        .output()
        .expect("touyan runs");
    assert!(
        out.status.success(),
        "{args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Runs `args`, killed with SIGKILL after `after` unless it ended first;
/// whether it was killed.
fn killed_after(dir: &Path, db: &str, user: &str, args: &[&str], after: Duration) -> bool {
    let mut child = touyan(dir, db, user, args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("touyan starts");
    std::thread::sleep(after);
    if child.try_wait().expect("status").is_some() {
        return false;
    }
    let _ = child.kill();
    let status = child.wait().expect("status");
    !status.success()
}

/// The database opens and its audit chain is whole.
fn chain_verifies(dir: &Path, db: &str) {
    let out = touyan(dir, db, "tester", &["audit", "verify"])
        .output()
        .expect("touyan runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A workbook of the demo's roster, full ID numbers (as one re-imports).
fn roster(dir: &Path) -> std::path::PathBuf {
    let source = dir.join("source.db");
    let source = source.to_str().unwrap();
    ok(dir, source, &["demo", "--as-of", "2025-03-01"]);
    let file = dir.join("roster.xlsx");
    ok(
        dir,
        source,
        &["export", "roster", file.to_str().unwrap(), "--full-ids"],
    );
    file
}

async fn counts(url: &str) -> (usize, usize) {
    let store = Store::open(url).await.unwrap();
    (
        store.list::<Person>().await.unwrap().len(),
        store.list::<ListEntry>().await.unwrap().len(),
    )
}

async fn an_import_killed_is_whole_or_absent(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let file = roster(d);
    let file = file.to_str().unwrap();
    let import = ["import", "--history", file];
    // Whole: the counts of one import that ran to its end.
    let whole_db = TestDb::new(backend).await;
    ok(d, &whole_db.url, &["divisions", "load"]);
    let started = Instant::now();
    ok(d, &whole_db.url, &import);
    let took = started.elapsed();
    let whole = counts(&whole_db.url).await;
    assert!(whole.0 > 3000 && whole.1 > 200, "{whole:?}");
    let (mut absent_seen, mut whole_seen) = (0, 0);
    for part in AT {
        let db = TestDb::new(backend).await;
        ok(d, &db.url, &["divisions", "load"]);
        let ms = at(took, part).as_millis();
        let was_killed = killed_after(d, &db.url, "k", &import, at(took, part));
        chain_verifies(d, &db.url);
        let got = counts(&db.url).await;
        assert!(
            got == (0, 0) || got == whole,
            "killed at {ms} ms (killed: {was_killed}): {got:?}, whole is {whole:?}"
        );
        if got == (0, 0) {
            absent_seen += 1;
            // The database takes the same import afterwards.
            ok(d, &db.url, &import);
            assert_eq!(counts(&db.url).await, whole, "after a kill at {ms} ms");
            chain_verifies(d, &db.url);
        } else {
            whole_seen += 1;
        }
        db.finish().await;
    }
    eprintln!(
        "{backend:?}: import ({} ms whole) killed: {absent_seen} absent, {whole_seen} whole",
        took.as_millis()
    );
    assert!(absent_seen > 0, "a kill at 2% comes before any write");
    whole_db.finish().await;
}

async fn import_killed(db: TestDb) {
    an_import_killed_is_whole_or_absent(db.backend).await;
    db.finish().await;
}
both_backends!(import, import_killed);

async fn a_years_proposal_killed_is_one_runs(db: TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &db.url, &["demo", "--as-of", "2025-03-01"]);
    let store = db.open().await;
    let towns = store.cycle_towns(2025, None).await.unwrap().len();
    assert!(towns > 10, "{towns}");
    let started = Instant::now();
    ok(d, &db.url, &["cycle", "--year", "2025"]);
    let took = started.elapsed();
    let mut runs = Vec::new();
    for (i, part) in AT.into_iter().enumerate() {
        let user = format!("k{i}");
        let ms = at(took, part).as_millis();
        killed_after(
            d,
            &db.url,
            &user,
            &["cycle", "--year", "2025"],
            at(took, part),
        );
        chain_verifies(d, &db.url);
        let stored = store.cycle_towns(2025, None).await.unwrap();
        assert_eq!(stored.len(), towns, "killed at {ms} ms");
        let by: std::collections::BTreeSet<&str> =
            stored.iter().map(|t| t.run_by.as_str()).collect();
        assert_eq!(
            by.len(),
            1,
            "killed at {ms} ms: towns from several runs: {by:?}"
        );
        runs.push(by.into_iter().next().unwrap_or_default().to_owned());
    }
    eprintln!(
        "{:?}: proposals ({} ms whole) after each kill: {runs:?}",
        db.backend,
        took.as_millis()
    );
    // Not killed: the run completes on the same database.
    ok(d, &db.url, &["cycle", "--year", "2025"]);
    let stored = store.cycle_towns(2025, None).await.unwrap();
    assert!(stored.iter().all(|t| t.run_by == "命令行:tester"));
    chain_verifies(d, &db.url);
    db.finish().await;
}
both_backends!(cycle, a_years_proposal_killed_is_one_runs);
