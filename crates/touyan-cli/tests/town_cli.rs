//! What only a town does, from the command line (issue 17: "each item
//! works in the browser and on the command line"): with `--town` the
//! command line acts in the town's place, as its operator or reviewer,
//! through the same office functions as the town's pages. On a demo
//! database, on SQLite and on PostgreSQL:
//! - `exception propose` then `exception review --town-review` then the
//!   city's `exception review`: asked, town-approved, approved; a rule the
//!   policy does not open is refused with the rules it opens;
//! - `young exit`: a cadre of the town resigns; again is refused, as are
//!   a ground that is not a young cadre's and a cadre of another town;
//! - `one-card record`: the number from standard input, sealed, opened
//!   only with the key; a 9-digit number refused without repeating it;
//! - `pay-parts record`: 3,000.50 yuan kept as 300,050 fen; a bad part
//!   and a negative amount refused.
//!
//! The change log names the command line and the town it acted for.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use touyan_records::CitizenId;
use touyan_records::model::{
    ExceptionState, Exit, ExitReason, ListEntry, PayPart, PayPartRecord, Programme, YoungCadre,
};
use touyan_storage::testing::TestDb;
use touyan_storage::{CardKeys, both_backends};

const TOWN: &str = "370783100";

fn touyan_with(dir: &Path, db: &str, args: &[&str], input: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_touyan"))
        .current_dir(dir)
        .env_remove("TOUYAN_DATABASE_URL")
        .env_remove("TOUYAN_POLICY")
        .env_remove("TOUYAN_KEY_FILE")
        .env("USER", "tester")
        .arg("--db")
        .arg(db)
        .arg("--key-file")
        .arg(dir.join("city.key"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("touyan runs");
    let mut stdin = child.stdin.take().expect("stdin");
    if let Some(text) = input {
        stdin.write_all(text.as_bytes()).expect("stdin written");
    }
    drop(stdin);
    child.wait_with_output().expect("touyan ends")
}

fn touyan(dir: &Path, db: &str, args: &[&str]) -> Output {
    touyan_with(dir, db, args, None)
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Refused with exit status 2 and `wanted` in the message.
fn refused(out: &Output, wanted: &str) {
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    assert!(text(&out.stderr).contains(wanted), "{}", text(&out.stderr));
}

async fn town_work_on_the_command_line(db: TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let url = db.url.clone();
    let out = touyan(d, &url, &["demo", "--as-of", "2025-03-01"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let store = db.open().await;

    // An exception: asked by the town, approved by its reviewer, then
    // by the city. The demo keeps none in this town.
    assert!(
        store
            .list_exceptions(2025, None)
            .await
            .unwrap()
            .iter()
            .all(|e| e.town.as_str() != TOWN)
    );
    let ask = |rule: &str| {
        vec![
            "exception".to_owned(),
            "propose".into(),
            "--year".into(),
            "2025".into(),
            "--town".into(),
            TOWN.into(),
            "--rule".into(),
            rule.into(),
            "--tier1".into(),
            "1".into(),
            "--tier2".into(),
            "0".into(),
            "--reason".into(),
            "名单人数少，须有一档".into(),
        ]
    };
    let args = ask("art01.quota");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = touyan(d, &url, &args);
    refused(&out, "不是本市政策允许申请例外的条款");
    assert!(text(&out.stderr).contains("art13.tier_counts"));
    let args = ask("art13.tier_counts");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = touyan(d, &url, &args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("等待镇街审核"));
    let mine: Vec<_> = store
        .list_exceptions(2025, None)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.town.as_str() == TOWN)
        .collect();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].state, ExceptionState::Proposed);
    let seq = mine[0].seq.to_string();
    let decide = |extra: &[&str]| {
        let mut v = vec![
            "exception",
            "review",
            "--year",
            "2025",
            "--town",
            TOWN,
            "--seq",
            &seq,
            "--approve",
            "--comment",
            "同意",
        ];
        v.extend_from_slice(extra);
        touyan(d, &url, &v)
    };
    // The city cannot decide before the town's reviewer.
    refused(&decide(&[]), "不能“市级批准”");
    let out = decide(&["--town-review"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("待市级审批"));
    let out = decide(&[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("已批准"));
    let moves = store.exception_moves(2025, None).await.unwrap();
    let names: Vec<&str> = moves
        .iter()
        .filter(|m| m.entry.town.as_str() == TOWN)
        .map(|m| m.by.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "命令行:tester（代 370783100 镇街经办）",
            "命令行:tester（代 370783100 镇街审核）",
            "命令行:tester",
        ]
    );

    // A young cadre of the town resigns.
    let cadres: Vec<YoungCadre> = store.list().await.unwrap();
    let cadre = cadres
        .iter()
        .find(|y| y.village.as_str().starts_with(TOWN) && y.filed_on.is_some())
        .expect("the demo's town has a filed young cadre");
    let other = cadres
        .iter()
        .find(|y| !y.village.as_str().starts_with(TOWN))
        .expect("another town has one");
    let exit = |who: &CitizenId, ground: &str| {
        touyan(
            d,
            &url,
            &[
                "young",
                "exit",
                "--town",
                TOWN,
                "--person",
                who.as_str(),
                "--on",
                "2025-02-28",
                "--ground",
                ground,
            ],
        )
    };
    refused(&exit(&cadre.person, "受到处分"), "不是年轻干部的退出原因");
    refused(&exit(&other.person, "本人辞职"), "没有找到该年轻干部");
    let out = exit(&cadre.person, "本人辞职");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("2025-02-28（本人辞职）"));
    refused(&exit(&cadre.person, "resigned"), "已于 2025-02-28 登记退出");
    let exits: Vec<Exit> = store.list().await.unwrap();
    let theirs: Vec<&Exit> = exits.iter().filter(|x| x.person == cadre.person).collect();
    assert_eq!(theirs.len(), 1);
    assert_eq!(
        (theirs[0].reason, theirs[0].programme),
        (ExitReason::Resigned, Programme::Young)
    );

    // A one-card account for one of the town's listed secretaries.
    let entries: Vec<ListEntry> = store.list().await.unwrap();
    let listed = entries
        .iter()
        .find(|e| e.year == 2025 && e.village.as_str().starts_with(TOWN))
        .map(|e| e.person.clone())
        .expect("the town has a listed secretary");
    let record = |input: &str| {
        touyan_with(
            d,
            &url,
            &[
                "one-card",
                "record",
                "--town",
                TOWN,
                "--person",
                listed.as_str(),
            ],
            Some(input),
        )
    };
    let out = record("621700123\n");
    refused(&out, "10 至 25 位");
    assert!(!text(&out.stderr).contains("621700123"));
    let out = record("6217 0012-3456 7890 12\n");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("**** **** 9012"),
        "{}",
        text(&out.stdout)
    );
    assert!(!text(&out.stdout).contains("62170012345678"));
    let keys = CardKeys::open(&d.join("city.key")).unwrap();
    let opened = store.one_card_accounts(&keys, &[&listed]).await.unwrap();
    assert_eq!(opened[&listed], "621700123456789012");

    // A part of the same secretary's pay.
    let part = |name: &str, amount: &str| {
        touyan(
            d,
            &url,
            &[
                "pay-parts",
                "record",
                "--town",
                TOWN,
                "--person",
                listed.as_str(),
                "--month",
                "2025-02",
                "--part",
                name,
                "--amount",
                amount,
                "--channel",
                "镇街财政",
            ],
        )
    };
    refused(&part("交通补贴", "100"), "不是报酬的一项");
    refused(&part("基本报酬", "-1"), "基本报酬");
    let out = part("基本报酬", "3000.50");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let parts: Vec<PayPartRecord> = store.list().await.unwrap();
    let feb: Vec<&PayPartRecord> = parts
        .iter()
        .filter(|p| p.person == listed && p.month == time::macros::date!(2025 - 02 - 01))
        .filter(|p| p.part == PayPart::Basic)
        .collect();
    assert_eq!(feb.len(), 1);
    assert_eq!(
        (feb[0].amount_fen, feb[0].channel.as_str()),
        (300_050, "镇街财政")
    );

    // Another town's people are not this town's to record.
    let elsewhere = entries
        .iter()
        .find(|e| e.year == 2025 && !e.village.as_str().starts_with(TOWN))
        .map(|e| e.person.clone())
        .unwrap();
    let out = touyan(
        d,
        &url,
        &[
            "pay-parts",
            "record",
            "--town",
            TOWN,
            "--person",
            elsewhere.as_str(),
            "--month",
            "2025-02",
            "--part",
            "basic",
            "--amount",
            "1",
            "--channel",
            "镇街财政",
        ],
    );
    refused(&out, "未找到");
    db.finish().await;
}
both_backends!(town_work, town_work_on_the_command_line);
