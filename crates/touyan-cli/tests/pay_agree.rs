//! The month's pay defined once (issue 16, item 2): `touyan payroll
//! --month` and the pay page's 计算发放 in a served `touyan serve` store the
//! same records for the same month and town — the professionalization
//! subsidies and the young cadres' pay, by funding source — whichever runs
//! first. On a demo database, on SQLite and on PostgreSQL.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use time::macros::date;
use touyan_records::TownCode;
use touyan_records::model::{
    Labelled, ListEntry, ListStatus, PayKind, PayRecord, PayState, YoungCadre,
};
use touyan_storage::testing::TestDb;
use touyan_storage::{Store, both_backends};

const MONTH: time::Date = date!(2025 - 03 - 01);

fn touyan(dir: &Path, db: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_touyan"))
        .current_dir(dir)
        .env_remove("TOUYAN_DATABASE_URL")
        .env_remove("TOUYAN_POLICY")
        .env("USER", "tester")
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("touyan runs")
}

fn ok(dir: &Path, db: &str, args: &[&str]) -> String {
    let out = touyan(dir, db, args);
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    assert!(
        out.status.success(),
        "{args:?}: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// A served `touyan serve`, killed when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(dir: &Path, db: &str) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_touyan"))
        .current_dir(dir)
        .env_remove("TOUYAN_DATABASE_URL")
        .env_remove("TOUYAN_POLICY")
        .args(["--db", db, "serve", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("touyan serve starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().expect("a line").expect("text");
    let addr = first
        .split_once("http://")
        .map(|(_, rest)| rest.trim_end_matches('/').to_owned())
        .unwrap_or_else(|| panic!("no address in {first:?}"));
    std::thread::spawn(move || for _ in lines {});
    Server { child, addr }
}

/// One HTTP/1.1 request on its own connection: status, headers, body.
fn request(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, Vec<(String, String)>, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    (status, headers, body.to_owned())
}

/// Signs in as the demo's operator of `town`: (session cookie, CSRF token).
fn sign_in(addr: &str, town: TownCode) -> (String, String) {
    let (status, headers, body) = request(
        addr,
        "POST",
        "/api/v1/login",
        &[("Content-Type", "application/json")],
        &format!(r#"{{"username":"town-{town}","password":"Demo@2025"}}"#),
    );
    assert_eq!(status, 200, "{body}");
    let cookie = headers
        .iter()
        .find(|(k, v)| k == "set-cookie" && v.starts_with("touyan_session="))
        .and_then(|(_, v)| v.split(';').next())
        .expect("a session cookie")
        .to_owned();
    let json: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    let csrf = json["csrf_token"].as_str().expect("csrf").to_owned();
    (cookie, csrf)
}

/// The pay page's 计算发放 for `town`, seen in state `seen`.
fn compute_in_browser(addr: &str, town: TownCode, seen: &str) {
    let (cookie, csrf) = sign_in(addr, town);
    let (status, _, body) = request(
        addr,
        "POST",
        &format!("/pay/2025-03/{town}"),
        &[
            ("Cookie", &cookie),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        &format!("csrf={csrf}&seen={seen}&action=compute&comment="),
    );
    assert_eq!(status, 303, "{body}");
}

async fn sorted(store: &Store, town: TownCode) -> Vec<PayRecord> {
    let mut v = store.town_payments(MONTH, town).await.unwrap();
    v.sort_by(|a, b| {
        (&a.person, a.kind.code(), a.source.code()).cmp(&(
            &b.person,
            b.kind.code(),
            b.source.code(),
        ))
    });
    v
}

async fn log_len(store: &Store) -> usize {
    store.changes(Some("pay_records")).await.unwrap().len()
}

async fn cli_and_browser_agree(db: TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let url = db.url.clone();
    ok(d, &url, &["demo", "--as-of", "2025-03-01"]);
    let store = Store::open(&url).await.unwrap();

    // Two towns with a filed list of 2025 and young cadres.
    let filed: BTreeSet<TownCode> = store
        .list::<ListEntry>()
        .await
        .unwrap()
        .iter()
        .filter(|e| e.year == 2025 && e.status == ListStatus::Filed)
        .map(|e| e.town)
        .collect();
    let young: BTreeSet<TownCode> = store
        .list::<YoungCadre>()
        .await
        .unwrap()
        .iter()
        .filter(|y| y.filed_on.is_some())
        .map(|y| y.village.town())
        .collect();
    let both: Vec<TownCode> = filed.intersection(&young).copied().collect();
    assert!(both.len() >= 2, "{both:?}");
    let (a, b) = (both[0], both[1]);

    // The browser first, for town A: subsidies and young cadres' pay.
    let server = serve(d, &url);
    compute_in_browser(&server.addr, a, "none");
    let a_browser = sorted(&store, a).await;
    let kinds: BTreeSet<&str> = a_browser.iter().map(|r| r.kind.code()).collect();
    assert!(kinds.contains(PayKind::ProfessionalSubsidy.code()));
    assert!(kinds.contains(PayKind::YoungCadreBase.code()));
    let logged = log_len(&store).await;

    // Then the command line for every town: town A's records are exactly
    // what the browser stored, and none of them is written again.
    let out = ok(d, &url, &["payroll", "--month", "2025-03"]);
    assert_eq!(sorted(&store, a).await, a_browser, "{out}");
    let month_rows = store
        .list::<PayRecord>()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.month == MONTH)
        .count();
    assert_eq!(
        log_len(&store).await - logged,
        month_rows - a_browser.len(),
        "only the other towns' records are new: {out}"
    );

    // The command line first, for town B: the browser's computation then
    // finds nothing to change.
    let b_cli = sorted(&store, b).await;
    assert!(!b_cli.is_empty());
    let logged = log_len(&store).await;
    compute_in_browser(&server.addr, b, "computed");
    assert_eq!(sorted(&store, b).await, b_cli);
    assert_eq!(log_len(&store).await, logged);
    let run = store.pay_run(MONTH, b).await.unwrap().expect("a run");
    assert_eq!(run.state, PayState::Computed);
    assert_eq!(
        run.total_fen,
        b_cli.iter().map(|r| r.amount_fen).sum::<i64>()
    );

    // Town B's run reviewed; then someone of A and someone of B leave
    // before the month. The command line removes A's payment (its run is
    // only computed) and leaves B's reviewed run and records as they were.
    store
        .move_pay(
            "rev",
            None,
            &touyan_storage::PayChange {
                month: MONTH,
                town: b,
                expected: Some(PayState::Computed),
                expected_moves: None,
                kind: touyan_records::model::PayMoveKind::Review,
                to: PayState::Reviewed,
                comment: String::new(),
            },
        )
        .await
        .unwrap();
    let subsidy = |v: &[PayRecord]| {
        v.iter()
            .find(|r| r.kind == PayKind::ProfessionalSubsidy)
            .map(|r| r.person.clone())
            .expect("a subsidy")
    };
    let (gone_a, gone_b) = (subsidy(&a_browser), subsidy(&b_cli));
    let mut tx = store.begin("tester").await.unwrap();
    for p in [&gone_a, &gone_b] {
        tx.upsert(&[touyan_records::model::Exit {
            person: p.clone(),
            on: date!(2025 - 02 - 15),
            reason: touyan_records::model::ExitReason::Other,
            note: String::new(),
            programme: touyan_records::model::Programme::Secretary,
        }])
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let out = ok(d, &url, &["payroll", "--month", "2025-03"]);
    assert!(out.contains("未重新计算"), "{out}");
    assert!(
        out.contains(&format!("  {}：已审核待批准", b.as_str())),
        "{out}"
    );
    let a_now = sorted(&store, a).await;
    assert!(a_now.iter().all(|r| r.person != gone_a), "{out}");
    assert_eq!(
        a_now.len(),
        a_browser.iter().filter(|r| r.person != gone_a).count()
    );
    assert_eq!(sorted(&store, b).await, b_cli);
    let run = store.pay_run(MONTH, b).await.unwrap().expect("a run");
    assert_eq!(run.state, PayState::Reviewed);
    drop(server);
    store.close().await.unwrap();
}

both_backends!(agree, cli_and_browser_agree);
