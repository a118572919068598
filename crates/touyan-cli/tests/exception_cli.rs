//! `touyan exception list|review` on a demo database, on SQLite and on
//! PostgreSQL (issue 17, item 1): the demo holds one approved and one
//! refused exception, each town's reviewer having approved it first; the
//! city's decision from the command line needs a town-approved exception
//! and a comment; bad options are refused in Chinese with exit status 2.

use std::path::Path;
use std::process::{Command, Output};

use touyan_records::model::ExceptionState;
use touyan_storage::both_backends;
use touyan_storage::testing::TestDb;

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

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

async fn the_demos_exceptions_listed_and_reviewed(db: TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let url = db.url.clone();
    let out = touyan(d, &url, &["demo", "--as-of", "2025-03-01"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let store = db.open().await;
    let all = store.list_exceptions(2025, None).await.unwrap();
    let states: Vec<ExceptionState> = all.iter().map(|e| e.state).collect();
    assert_eq!(states, [ExceptionState::Approved, ExceptionState::Refused]);
    assert_eq!(
        (all[0].rule.as_str(), all[1].rule.as_str()),
        ("art01.tenure", "art01.list_size")
    );
    // The README's walk-through town keeps none.
    assert!(all.iter().all(|e| e.town.as_str() != "370783100"));
    // Each went through the town's reviewer before the city.
    let moves = store.exception_moves(2025, None).await.unwrap();
    assert_eq!(moves.len(), 6);

    let out = touyan(d, &url, &["exception", "list", "--year", "2025"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let listed = text(&out.stdout);
    assert!(listed.contains("已批准"), "{listed}");
    assert!(listed.contains("市级未批准"), "{listed}");
    assert!(listed.contains("任职年限（第一条第二款）"), "{listed}");

    // Deciding again what is decided: refused, nothing written.
    let town = all[0].town.as_str().to_owned();
    let out = touyan(
        d,
        &url,
        &[
            "exception",
            "review",
            "--year",
            "2025",
            "--town",
            &town,
            "--seq",
            "1",
            "--approve",
            "--comment",
            "再批",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("不能“市级批准”"),
        "{}",
        text(&out.stderr)
    );
    let out = touyan(
        d,
        &url,
        &[
            "exception",
            "review",
            "--year",
            "2025",
            "--town",
            &town,
            "--seq",
            "9",
            "--refuse",
            "--comment",
            "x",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("没有第 9 号例外"),
        "{}",
        text(&out.stderr)
    );
    let out = touyan(
        d,
        &url,
        &["exception", "list", "--year", "2025", "--town", "不存在镇"],
    );
    assert_eq!(out.status.code(), Some(2));
    // Neither --approve nor --refuse: refused before anything is read.
    let args = [
        "exception",
        "review",
        "--year",
        "2025",
        "--town",
        &town,
        "--seq",
        "1",
        "--comment",
        "x",
    ];
    assert_eq!(touyan(d, &url, &args).status.code(), Some(2));
    assert_eq!(store.exception_moves(2025, None).await.unwrap().len(), 6);

    // A request of the first town, approved by its reviewer (through the
    // office, as the page does), then by the city on the command line.
    let first = touyan_records::TownCode::parse("370783100").unwrap();
    let policy = touyan_rules::Policy::example();
    let by = |role, town: Option<&'static str>| touyan_office::By {
        actor: touyan_workflow::Actor { role, town },
        name: "测试",
        origin: None,
    };
    let l = touyan_office::lists::town_list(&store, &policy, 2025, first)
        .await
        .unwrap()
        .unwrap();
    let asked = touyan_office::exceptions::Asked {
        rule: "art13.tier_counts".into(),
        tier1: "1".into(),
        tier2: "0".into(),
        reason: "名单人数少".into(),
        ..Default::default()
    };
    let seq = touyan_office::exceptions::propose(
        &store,
        by(touyan_workflow::Role::TownOperator, Some("370783100")),
        &l,
        &asked,
    )
    .await
    .unwrap();
    let l = touyan_office::lists::town_list(&store, &policy, 2025, first)
        .await
        .unwrap()
        .unwrap();
    touyan_office::exceptions::review(
        &store,
        by(touyan_workflow::Role::TownReviewer, Some("370783100")),
        &l,
        &touyan_office::exceptions::Review {
            seq,
            action: "town_approve".into(),
            seen: "proposed".into(),
            comment: "同意".into(),
        },
    )
    .await
    .unwrap();
    let n = seq.to_string();
    let args = [
        "exception",
        "review",
        "--year",
        "2025",
        "--town",
        "370783100",
        "--seq",
        &n,
        "--approve",
        "--comment",
        "同意例外",
    ];
    let out = touyan(d, &url, &args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), format!("第 {seq} 号例外：已批准"));
    let l = touyan_office::lists::town_list(&store, &policy, 2025, first)
        .await
        .unwrap()
        .unwrap();
    let who = touyan_office::exceptions::approved_by(&l, seq).unwrap();
    assert_eq!(who.by, "命令行:tester");
    db.finish().await;
}
both_backends!(demo_exceptions, the_demos_exceptions_listed_and_reviewed);
