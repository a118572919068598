//! `touyan audit verify` (issue 19, item 6), on SQLite and PostgreSQL:
//! exit 0 and the head to record when the change log's chain is whole;
//! 1 naming the row (id, time, actor, table) and the kind of break when
//! a row was changed in the database or a recorded head no longer
//! holds; 2 for a bad `--expect` or a database file that is not there.

use std::process::{Command, Output};

use touyan_records::TownCode;
use touyan_storage::testing::TestDb;
use touyan_storage::{Backend, Town, both_backends};

fn touyan(args: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_touyan"))
        .current_dir(dir.path())
        .env_remove("TOUYAN_DATABASE_URL")
        .env_remove("TOUYAN_KEY_FILE")
        .env("USER", "tester")
        .args(args)
        .output()
        .expect("touyan runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn town(code: &str, name: &str) -> Town {
    Town {
        code: TownCode::parse(code).unwrap(),
        name: name.into(),
    }
}

async fn verify_says_what_it_found(db: TestDb) {
    let store = db.open().await;
    // Four rows: three towns inserted, the first renamed.
    store
        .upsert(
            "管理员",
            &[
                town("370783100", "洛城街道"),
                town("370783001", "圣城街道"),
                town("370783002", "新城街道"),
            ],
        )
        .await
        .unwrap();
    store
        .upsert("管理员", &[town("370783100", "洛城街道办事处")])
        .await
        .unwrap();
    let head = store.verify_audit_chain(None).await.unwrap().head_hash;
    let url = db.url.as_str();

    let ok = touyan(&["--db", url, "audit", "verify"]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
    let said = text(&ok.stdout);
    assert!(
        said.contains(&format!(
            "操作日志完整：共核对 4 条，最后一条 #4，摘要 {head}"
        )),
        "{said}"
    );
    assert!(said.contains(&format!("--expect 4:{head}")), "{said}");

    let upper = format!("4:{}", head.to_uppercase());
    let ok = touyan(&["--db", url, "audit", "verify", "--expect", &upper]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stdout));
    assert!(text(&ok.stdout).contains("记下的第 #4 条摘要相符"));

    for bad in ["4", "x:ab", "4:abc", "0:{head}", "-1:{head}"] {
        let bad = bad.replace("{head}", &head);
        let out = touyan(&["--db", url, "audit", "verify", &format!("--expect={bad}")]);
        assert_eq!(out.status.code(), Some(2), "{bad}: {}", text(&out.stdout));
        assert!(
            text(&out.stderr).contains("应为“编号:摘要”"),
            "{}",
            text(&out.stderr)
        );
    }
    let other = format!("4:{}", "0f".repeat(32));
    let out = touyan(&["--db", url, "audit", "verify", "--expect", &other]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("第 #4 条（") && text(&out.stdout).contains("摘要与记下的不符"),
        "{}",
        text(&out.stdout)
    );

    // Row 2 changed straight in the database, its guard set aside.
    let guard = match db.backend {
        Backend::Sqlite => "DROP TRIGGER change_log_no_update",
        Backend::Postgres => "ALTER TABLE change_log DISABLE TRIGGER USER",
    };
    store.execute_raw_for_test(guard).await.unwrap();
    store
        .execute_raw_for_test("UPDATE change_log SET actor = '别人' WHERE id = 2")
        .await
        .unwrap();
    let out = touyan(&["--db", url, "audit", "verify"]);
    assert_eq!(out.status.code(), Some(1));
    let said = text(&out.stdout);
    assert!(said.starts_with("操作日志已被篡改：第 #2 条（"), "{said}");
    assert!(
        said.contains("，操作人 别人，数据表 镇街）内容与摘要不符"),
        "{said}"
    );
    assert!(
        said.contains("此前 1 条完好；链头记载最后一条为第 #4 条"),
        "{said}"
    );
    db.finish().await;
}
both_backends!(verify, verify_says_what_it_found);

#[test]
fn a_database_file_not_there_is_a_bad_argument() {
    let out = touyan(&["--db", "nowhere.db", "audit", "verify"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("数据库文件 nowhere.db 不存在"));
    let out = touyan(&["audit", "verify", "--nonsense"]);
    assert_eq!(out.status.code(), Some(2));
}
