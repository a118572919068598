//! Rosters in and out of Excel from the command line, on SQLite (the store
//! itself is tested on both backends in touyan-storage).

use std::path::Path;
use std::process::{Command, Output};

fn touyan(dir: &Path, db: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_touyan"))
        .current_dir(dir)
        .env_remove("TOUYAN_DATABASE_URL")
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("touyan runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A workbook with one person (and nothing else), as a clerk would fill it.
fn one_person(path: &Path, id: &str) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("人员").unwrap();
    for (c, h) in ["身份证号码", "姓名", "学历", "全日制"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, id).unwrap();
    sheet.write_string(1, 1, "王伟").unwrap();
    sheet.write_string(1, 2, "大专").unwrap();
    sheet.write_string(1, 3, "是").unwrap();
    book.save(path).unwrap();
}

#[test]
fn an_exported_roster_imports_into_a_fresh_database_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(
        touyan(d, "demo.db", &["demo", "--as-of", "2025-06-30"])
            .status
            .success()
    );
    let out = touyan(
        d,
        "demo.db",
        &["export", "roster", "full.xlsx", "--full-ids"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(said.contains("已记入操作日志"));
    // "已导出名册 full.xlsx：N 名人员，…"
    let people: u64 = said
        .split('：')
        .nth(1)
        .and_then(|s| s.split(" 名人员").next())
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("{said}"));
    assert!(people > 968 * 3, "{people}");

    assert!(
        touyan(d, "fresh.db", &["divisions", "load"])
            .status
            .success()
    );
    // Without --history the workflows' records are refused, and nothing
    // is written.
    let plain = touyan(d, "fresh.db", &["import", "full.xlsx"]);
    assert_eq!(plain.status.code(), Some(2));
    let said = text(&plain.stderr);
    assert!(
        said.contains("只能由流程产生")
            && said.contains("“专业化名单”")
            && said.contains("--history"),
        "{said}"
    );
    assert!(text(&plain.stdout).is_empty());
    // Migrating history, the owner of the database takes them.
    let first = touyan(d, "fresh.db", &["import", "full.xlsx", "--history"]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    let expected = format!("人员：新增 {people}，更新 0，未变 0");
    assert!(
        text(&first.stdout).contains(&expected),
        "{}",
        text(&first.stdout)
    );
    // Importing the same workbook again changes nothing.
    let again = touyan(d, "fresh.db", &["import", "full.xlsx", "--history"]);
    assert!(again.status.success());
    let again = text(&again.stdout);
    assert!(
        again.contains(&format!("人员：新增 0，更新 0，未变 {people}")),
        "{again}"
    );
    assert!(
        !again.contains("更新 1") && again.lines().skip(1).all(|l| l.contains("新增 0，更新 0")),
        "{again}"
    );
    // And the fresh database exports the same workbook.
    let out = touyan(
        d,
        "fresh.db",
        &["export", "roster", "again.xlsx", "--full-ids"],
    );
    assert!(out.status.success());
    let a = std::fs::metadata(d.join("full.xlsx")).unwrap().len();
    let b = std::fs::metadata(d.join("again.xlsx")).unwrap().len();
    assert!(a.abs_diff(b) < 64, "{a} vs {b}");
}

#[test]
fn a_masked_export_cannot_be_imported() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(
        touyan(d, "demo.db", &["demo", "--as-of", "2025-06-30"])
            .status
            .success()
    );
    let out = touyan(d, "demo.db", &["export", "roster", "masked.xlsx"]);
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("已脱敏"));
    let refused = touyan(d, "demo.db", &["import", "masked.xlsx"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        text(&refused.stderr).contains("已脱敏"),
        "{}",
        text(&refused.stderr)
    );
}

#[test]
fn a_bad_row_is_reported_marked_and_nothing_is_written_then_the_fixed_workbook_imports() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(touyan(d, "t.db", &["divisions", "load"]).status.success());
    // The template is where a clerk starts.
    let t = touyan(d, "t.db", &["template", "roster", "模板.xlsx"]);
    assert!(t.status.success(), "{}", text(&t.stderr));
    assert!(d.join("模板.xlsx").is_file());

    // 440524188001010015: the check digit should be 4.
    one_person(&d.join("名册.xlsx"), "440524188001010015");
    let bad = touyan(d, "t.db", &["import", "名册.xlsx"]);
    assert_eq!(bad.status.code(), Some(2));
    let err = text(&bad.stderr);
    assert!(
        err.contains("人员 第 2 行 A 列：身份证号码校验位不符"),
        "{err}"
    );
    assert!(err.contains("未导入任何数据"), "{err}");
    assert!(
        d.join("名册.错误标注.xlsx").is_file(),
        "marked copy beside the workbook"
    );
    let export = touyan(
        d,
        "t.db",
        &["export", "roster", "after-bad.xlsx", "--full-ids"],
    );
    assert!(
        text(&export.stdout).contains("0 名人员"),
        "nothing was written"
    );

    one_person(&d.join("名册.xlsx"), "440524188001010014");
    let good = touyan(d, "t.db", &["import", "名册.xlsx"]);
    assert!(good.status.success(), "{}", text(&good.stderr));
    assert!(
        text(&good.stdout).contains("人员：新增 1，更新 0，未变 0"),
        "{}",
        text(&good.stdout)
    );
}
