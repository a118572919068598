//! `touyan export filing | training | reserves | young | evaluations |
//! payments` on a demo database: every command writes a workbook that reads
//! back, the payment file agrees with the records, a full-ID export is in
//! the change log, and bad options are refused in Chinese with exit 2.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use touyan_excel::reports::{SheetText, read_report};
use touyan_records::model::{Exit, ListEntry, ListStatus};
use touyan_reports::{EXAMPLE_WARNING, SIGNATURES};
use touyan_storage::testing::{TestDb, run_on};
use touyan_storage::{Action, Backend, Store};

fn touyan(dir: &Path, db: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_touyan"))
        .current_dir(dir)
        .env_remove("TOUYAN_DATABASE_URL")
        .env_remove("TOUYAN_POLICY")
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("touyan runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// One demo database (as of 2025-06-30: 2024's and 2025's lists filed,
/// 2024's training, evaluations and reserves) for every test here.
fn demo() -> &'static (tempfile::TempDir, String) {
    static DEMO: OnceLock<(tempfile::TempDir, String)> = OnceLock::new();
    DEMO.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = touyan(dir.path(), "demo.db", &["demo", "--as-of", "2025-06-30"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let db = dir.path().join("demo.db").to_string_lossy().into_owned();
        (dir, db)
    })
}

/// Runs an export into the demo's directory; the file's path.
/// How many were filed on the demo's list of `year`, read from the database
/// (the exports must agree with it).
fn filed(year: i32) -> usize {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = Store::open(&demo().1).await.unwrap();
        let entries = store.list::<ListEntry>().await.unwrap();
        entries
            .iter()
            .filter(|e| e.year == year && e.status == ListStatus::Filed)
            .count()
    })
}

fn export(args: &[&str]) -> (Output, PathBuf) {
    let (dir, db) = demo();
    let out = touyan(dir.path(), db, &[&["export"], args].concat());
    let file = args.iter().find(|a| a.ends_with(".xlsx")).unwrap();
    (out, dir.path().join(file))
}

fn ok(args: &[&str]) -> (String, Vec<SheetText>) {
    let (out, path) = export(args);
    assert!(
        out.status.success(),
        "{args:?}: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let sheets = read_report(&path).unwrap_or_else(|e| panic!("{args:?}: {e}"));
    (text(&out.stdout), sheets)
}

fn all_cells(sheets: &[SheetText]) -> Vec<&String> {
    sheets.iter().flat_map(|s| s.1.iter().flatten()).collect()
}

/// No full ID number anywhere: every 18-character ID-like cell is masked.
fn assert_masked(sheets: &[SheetText]) {
    let ids: Vec<&String> = all_cells(sheets)
        .into_iter()
        .filter(|c| c.chars().count() == 18 && c.starts_with("370783"))
        .collect();
    assert!(!ids.is_empty(), "ID numbers are listed");
    for id in ids {
        assert_eq!(&id[6..14], "********", "{id}");
    }
}

/// The rows of the first table: from the row after the header that
/// starts with `first` down to the row before the first "合计".
fn table<'a>(rows: &'a [Vec<String>], first: &str) -> &'a [Vec<String>] {
    let header = rows.iter().position(|r| r[0] == first).unwrap();
    let end = rows.iter().position(|r| r[0] == "合计").unwrap();
    &rows[header + 1..end]
}

#[test]
fn the_filing_form_has_a_summary_and_a_signed_sheet_per_town() {
    let (stdout, sheets) = ok(&["filing", "备案表.xlsx", "--year", "2025"]);
    assert!(stdout.contains("已导出专业化管理名单备案表"), "{stdout}");
    assert!(stdout.contains("示例金额，非正式标准"), "{stdout}");
    assert_eq!(sheets[0].0, "汇总");
    assert_eq!(sheets.len(), 16, "a summary and 15 towns");
    let summary = &sheets[0].1;
    assert_eq!(
        summary[0][0],
        "2025年度村党组织书记专业化管理名单备案表（汇总）"
    );
    assert_eq!(summary[1][0], EXAMPLE_WARNING);
    assert!(summary.iter().any(|r| r[0] == "镇街：全部镇街（15 个）"));
    assert!(summary.iter().any(|r| r[0].starts_with("制表日期：")));
    // 968 administrative villages, and the 2025 list as the database has it.
    let total = summary.iter().find(|r| r[0] == "合计").unwrap();
    assert_eq!(total[2], "968");
    assert_eq!(total[4], filed(2025).to_string());
    for (name, rows) in &sheets[1..] {
        let cells: Vec<&String> = rows.iter().flatten().collect();
        for s in SIGNATURES {
            assert!(cells.iter().any(|c| *c == s), "{name}: {s}");
        }
    }
    assert_masked(&sheets);
}

#[test]
fn training_reserves_young_and_evaluations_write_readable_workbooks() {
    let listed = filed(2024);
    assert!(listed > 0);
    let (stdout, sheets) = ok(&["training", "培训.xlsx", "--year", "2024"]);
    assert!(stdout.contains(&format!("{listed} 人")), "{stdout}");
    let rows = &sheets[0].1;
    assert_eq!(rows[0][0], "2024年度专业化村党组织书记集中培训达标情况");
    assert_ne!(rows[1][0], EXAMPLE_WARNING, "no amounts, no warning");
    let people = table(rows, "序号");
    assert_eq!(people.len(), listed, "2024's filed list");
    assert!(
        people
            .iter()
            .any(|r| r[8] == "否" && r[9].contains("未达标："))
    );
    assert!(
        people
            .iter()
            .any(|r| r[8] == "是" && r[9].ends_with("达标"))
    );
    assert_masked(&sheets);

    let (_, sheets) = ok(&["reserves", "后备.xlsx", "--year", "2024"]);
    let rows = &sheets[0].1;
    assert_eq!(rows[0][0], "2024年度专业化管理村书记后备力量储备情况");
    let total = rows.iter().find(|r| r[0] == "合计").unwrap();
    assert_eq!(total[2], format!("{listed} 个村"));
    assert!(rows.iter().any(|r| r[0].ends_with("小计")));
    // 一职一备: the demo's directors and members of listed villages, some
    // without a reserve.
    let posts = &sheets[1].1;
    assert_eq!(posts[0][0], "2024年度专业化管理村“两委”职位一职一备情况");
    let total = posts.iter().find(|r| r[0] == "合计").unwrap();
    assert!(
        total[3].ends_with(" 个职位") && total[3] != "0 个职位",
        "{total:?}"
    );
    assert!(
        posts.iter().any(|r| r[7] == "1"),
        "some post has no reserve"
    );
    assert!(posts.iter().any(|r| r[7] == "0"), "most posts have one");

    let (stdout, sheets) = ok(&[
        "young",
        "年轻干部.xlsx",
        "--month",
        "2025-03",
        "--reference-salary",
        "4000",
    ]);
    assert!(stdout.contains("参照工资 4000 元/月"), "{stdout}");
    let rows = &sheets[0].1;
    assert_eq!(rows[0][0], "2025年3月年轻干部报酬表（参照工资 4000 元/月）");
    // Each total is base + subsidies, or the higher current pay kept.
    let header = rows.iter().position(|r| r[0] == "序号").unwrap();
    let mut checked = 0;
    for r in rows[header + 1..]
        .iter()
        .filter(|r| r[0].parse::<u32>().is_ok())
    {
        let n = |i: usize| r[i].parse::<f64>().unwrap();
        // The town's own factor, the salary given.
        assert!((n(7) - 4000.0 * n(6)).abs() < 0.006, "{r:?}");
        let standard = n(7) + n(8) + n(9);
        if r[12] == "是" {
            assert_eq!(n(10), n(11), "{r:?}");
            assert!(n(11) > standard, "{r:?}");
        } else {
            assert!((n(10) - standard).abs() < 0.005, "{r:?}");
        }
        checked += 1;
    }
    assert!(checked > 100);
    assert_masked(&sheets);

    // Without --reference-salary: each town's settings for the year (the
    // demo's differ between towns), base = that salary × that factor.
    let (stdout, sheets) = ok(&["young", "年轻干部按镇街.xlsx", "--month", "2025-03"]);
    assert!(stdout.contains("参照工资 按各镇街年度设置"), "{stdout}");
    let rows = &sheets[0].1;
    assert_eq!(
        rows[0][0],
        "2025年3月年轻干部报酬表（参照工资 按各镇街年度设置）"
    );
    let info = rows
        .iter()
        .flatten()
        .find(|c| c.starts_with("参照工资："))
        .unwrap();
    assert!(info.contains("取各镇街 2025 年度设置"), "{info}");
    let per_town = |c: &String| -> HashMap<String, f64> {
        c.split('：')
            .nth(2)
            .unwrap()
            .split('；')
            .map(|x| {
                let (town, amount) = x.split_once(' ').unwrap();
                (
                    town.to_owned(),
                    amount.trim_end_matches(" 元/月").parse().unwrap(),
                )
            })
            .collect()
    };
    let salaries = per_town(info);
    let info = rows
        .iter()
        .flatten()
        .find(|c| c.starts_with("报酬系数："))
        .unwrap();
    assert!(info.contains("取各镇街 2025 年度设置"), "{info}");
    let factors = per_town(info);
    assert_eq!(factors.len(), salaries.len(), "{info}");
    let header = rows.iter().position(|r| r[0] == "序号").unwrap();
    let people: Vec<_> = rows[header + 1..]
        .iter()
        .filter(|r| r[0].parse::<u32>().is_ok())
        .collect();
    assert!(people.len() > 100);
    for r in people {
        let factor = factors[r[1].as_str()];
        assert!(
            (r[6].parse::<f64>().unwrap() - factor).abs() < 1e-9,
            "{r:?}"
        );
        let expected = salaries[r[1].as_str()] * factor;
        let base: f64 = r[7].parse().unwrap();
        assert!((base - expected).abs() < 0.006, "{r:?} {expected}");
    }
    assert_masked(&sheets);

    // --factor overrides every town's factor; the salaries stay the towns'.
    let (_, sheets) = ok(&[
        "young",
        "年轻干部系数.xlsx",
        "--month",
        "2025-03",
        "--factor",
        "0.8",
    ]);
    let rows = &sheets[0].1;
    let info = rows
        .iter()
        .flatten()
        .find(|c| c.starts_with("报酬系数："))
        .unwrap();
    assert!(info.contains("--factor"), "{info}");
    let header = rows.iter().position(|r| r[0] == "序号").unwrap();
    let people: Vec<_> = rows[header + 1..]
        .iter()
        .filter(|r| r[0].parse::<u32>().is_ok())
        .collect();
    assert!(people.len() > 100);
    for r in people {
        assert_eq!(r[6].parse::<f64>().unwrap(), 0.8, "{r:?}");
        let expected = salaries[r[1].as_str()] * 0.8;
        let base: f64 = r[7].parse().unwrap();
        assert!((base - expected).abs() < 0.006, "{r:?} {expected}");
    }

    let (stdout, sheets) = ok(&["evaluations", "测评.xlsx", "--year", "2024", "--half", "2"]);
    assert!(stdout.contains("2024 年下半年"), "{stdout}");
    let rows = &sheets[0].1;
    let header = rows.iter().position(|r| r[0] == "序号").unwrap();
    let h = &rows[header];
    let col = |name: &str| h.iter().position(|x| x == name).unwrap();
    let (rate, action, article) = (col("胜任率"), col("处理"), col("依据条款"));
    let people = table(rows, "序号");
    for r in people {
        assert!(
            ["无", "约谈", "退出", "未测评"].contains(&r[action].as_str()),
            "{r:?}"
        );
        if r[action] != "未测评" {
            assert_eq!(r[article], "第十二条");
            let v: f64 = r[rate].parse().unwrap();
            match r[action].as_str() {
                "退出" => assert!(v < 0.8, "{r:?}"),
                "约谈" => assert!((0.8..0.9).contains(&v), "{r:?}"),
                _ => assert!(v >= 0.9, "{r:?}"),
            }
        }
    }
    assert!(people.iter().any(|r| r[action] == "约谈"));
    assert!(people.iter().any(|r| r[action] == "退出"));
    assert_masked(&sheets);
}

/// What January 2025 should pay by the records: the filed 2025 list less
/// those who left before January, at the example 1500/1200/900.
async fn expected_january(db: &str) -> (usize, i64, HashMap<String, i64>) {
    let store = Store::open(db).await.unwrap();
    let entries = store.list::<ListEntry>().await.unwrap();
    let exits = store.list::<Exit>().await.unwrap();
    let towns: HashMap<String, String> = store
        .list::<touyan_storage::Town>()
        .await
        .unwrap()
        .into_iter()
        .map(|t| (t.code.to_string(), t.name))
        .collect();
    let first = time::macros::date!(2025 - 01 - 01);
    let mut n = 0;
    let mut total = 0;
    let mut by_town: HashMap<String, i64> = HashMap::new();
    for e in entries
        .iter()
        .filter(|e| e.year == 2025 && e.status == ListStatus::Filed)
    {
        if exits.iter().any(|x| x.person == e.person && x.on < first) {
            continue;
        }
        let yuan = [1500, 1200, 900][usize::from(e.tier) - 1];
        n += 1;
        total += yuan;
        *by_town
            .entry(towns[&e.town.to_string()].clone())
            .or_default() += yuan;
    }
    (n, total, by_town)
}

#[test]
fn the_payment_file_pays_the_filed_list_less_those_who_left_and_totals_it() {
    let (stdout, sheets) = ok(&["payments", "发放.xlsx", "--month", "2025-01"]);
    let (n, total, by_town) = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(expected_january(&demo().1));
    assert!(n > 100 && total > 0);
    assert!(
        stdout.contains(&format!("{n} 人，合计 {total}.00 元")),
        "{stdout}"
    );
    assert!(stdout.contains("不予发放 "), "the demo has exits: {stdout}");
    let rows = &sheets[0].1;
    assert_eq!(rows[0][0], "2025年1月专业化村党组织书记补贴发放汇总表");
    assert_eq!(rows[1][0], EXAMPLE_WARNING);
    let people = table(rows, "序号");
    assert_eq!(people.len(), n);
    assert!(people.iter().all(|r| r[7] == "市财政"));
    let sum: f64 = people.iter().map(|r| r[6].parse::<f64>().unwrap()).sum();
    assert!((sum - total as f64).abs() < 0.005);
    // The detail's total, per town, per funding source.
    let totals: Vec<&Vec<String>> = rows.iter().filter(|r| r[0] == "合计").collect();
    assert_eq!(totals.len(), 3);
    assert_eq!(totals[0][6], total.to_string());
    assert_eq!(
        totals[1][..3],
        ["合计".to_owned(), n.to_string(), total.to_string()]
    );
    assert_eq!(
        totals[2][..3],
        ["合计".to_owned(), n.to_string(), total.to_string()]
    );
    for (town, amount) in &by_town {
        assert!(
            rows.iter()
                .any(|r| &r[0] == town && r[2] == amount.to_string()),
            "{town} {amount}"
        );
    }
    assert!(
        rows.iter()
            .any(|r| r[..3] == ["市财政".to_owned(), n.to_string(), total.to_string()])
    );
    assert_masked(&sheets);

    // One town only.
    let (_, sheets) = ok(&[
        "payments",
        "文家.xlsx",
        "--month",
        "2025-01",
        "--town",
        "文家街道",
    ]);
    let rows = &sheets[0].1;
    assert!(rows.iter().any(|r| r[0] == "镇街：文家街道（370783003）"));
    let people = table(rows, "序号");
    assert!(!people.is_empty());
    assert!(people.iter().all(|r| r[1] == "文家街道"));
    let total = rows.iter().find(|r| r[0] == "合计").unwrap();
    assert_eq!(total[6], by_town["文家街道"].to_string());
}

#[test]
fn a_full_id_export_is_in_the_change_log_and_a_masked_one_is_not() {
    let (stdout, sheets) = ok(&["payments", "完整.xlsx", "--month", "2025-02", "--full-ids"]);
    assert!(stdout.contains("已记入操作日志"), "{stdout}");
    let full: Vec<&String> = all_cells(&sheets)
        .into_iter()
        .filter(|c| c.chars().count() == 18 && c.starts_with("370783"))
        .collect();
    assert!(!full.is_empty());
    assert!(full.iter().all(|c| !c.contains('*')), "in full");
    let (_, _) = ok(&["evaluations", "脱敏.xlsx", "--year", "2024", "--half", "1"]);
    let (_, _) = ok(&[
        "evaluations",
        "测评完整.xlsx",
        "--year",
        "2024",
        "--half",
        "1",
        "--full-ids",
    ]);

    let changes = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = Store::open(&demo().1).await.unwrap();
        store.changes(None).await.unwrap()
    });
    let exports: Vec<_> = changes
        .iter()
        .filter(|c| c.action == Action::Export)
        .collect();
    let logged = |file: &str| exports.iter().find(|c| c.key.contains(file));
    let pay = logged("完整.xlsx").expect("the full payment file is logged");
    assert_eq!(pay.table, "payments");
    assert!(pay.key.contains("完整身份证号码"), "{}", pay.key);
    assert!(pay.actor.starts_with("命令行:"), "{}", pay.actor);
    assert_eq!(logged("测评完整.xlsx").unwrap().table, "evaluations");
    assert!(
        logged("脱敏.xlsx").is_none(),
        "a masked export is not logged"
    );
}

#[test]
fn bad_options_are_refused_in_chinese_with_exit_2_and_no_file() {
    let cases: &[(&[&str], &str)] = &[
        (
            // No town has settings for 2026 and no salary is given.
            &["young", "y1.xlsx", "--month", "2026-03"],
            "没有 2026 年的镇街年度设置",
        ),
        (
            &[
                "young",
                "y2.xlsx",
                "--month",
                "2025-03",
                "--reference-salary",
                "四千",
            ],
            "不是金额",
        ),
        (
            &[
                "young",
                "y3.xlsx",
                "--month",
                "2025-03",
                "--reference-salary",
                "-1",
            ],
            "应大于 0",
        ),
        (
            &[
                "young",
                "y4.xlsx",
                "--month",
                "2020-01",
                "--reference-salary",
                "4000",
            ],
            "没有在册的年轻干部",
        ),
        (
            &["young", "y5.xlsx", "--month", "2025-03", "--factor", "1.2"],
            "超出政策规定的范围",
        ),
        (
            &["young", "y6.xlsx", "--month", "2025-03", "--factor", "八成"],
            "不是系数",
        ),
        (
            &["payments", "p1.xlsx", "--month", "2025-13"],
            "不是有效月份",
        ),
        (&["payments", "p2.xlsx", "--month", "2025"], "不是有效月份"),
        (
            &["payments", "p3.xlsx", "--month", "2030-01"],
            "没有 2030 年已备案的专业化管理名单",
        ),
        (
            &[
                "payments",
                "p4.xlsx",
                "--month",
                "2025-01",
                "--town",
                "不存在镇",
            ],
            "没有名为“不存在镇”的镇街",
        ),
        (
            &["evaluations", "e1.xlsx", "--year", "2024", "--half", "3"],
            "只能是 1（上半年）或 2（下半年）",
        ),
        (
            &["evaluations", "e2.xlsx", "--year", "2024", "--half", "x"],
            "参数值无效",
        ),
        (&["filing", "f1.xlsx", "--year", "1990"], "没有生效的参数值"),
        (
            &["filing", "f2.xlsx", "--year", "2031"],
            "没有 2031 年的专业化管理名单",
        ),
        (&["filing", "f3.xlsx"], "缺少必需的参数"),
        (
            &["training", "t1.xlsx", "--year", "2023"],
            "没有 2023 年已备案",
        ),
        (&["reserves", "r1.xlsx", "--year", "99999"], "不是有效年份"),
        (
            &["reserves", "r2.xlsx", "--year", "2024", "--full-ids"],
            "未知的选项",
        ),
    ];
    for (args, message) in cases {
        let (out, path) = export(args);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("错误："), "{args:?}: {err}");
        assert!(err.contains(message), "{args:?}: {err}");
        assert!(text(&out.stdout).is_empty(), "{args:?}");
        assert!(!path.exists(), "{args:?} wrote a file");
    }
}

#[test]
fn export_help_lists_the_new_commands_in_chinese() {
    let (dir, db) = demo();
    let out = touyan(dir.path(), db, &["export", "--help"]);
    assert!(out.status.success());
    let help = text(&out.stdout);
    for c in [
        "roster",
        "filing",
        "training",
        "reserves",
        "young",
        "evaluations",
        "payments",
    ] {
        assert!(help.contains(c), "{c}: {help}");
    }
    assert!(
        help.contains("命令") && help.contains("补贴发放汇总表"),
        "{help}"
    );
    let out = touyan(dir.path(), db, &["export", "young", "--help"]);
    let help = text(&out.stdout);
    assert!(help.contains("参数") && help.contains("选项"), "{help}");
    assert!(help.contains("--reference-salary <元>"), "{help}");
    assert!(help.contains("--factor <系数>"), "{help}");
    assert!(help.contains("镇街新入职事业人员实发工资"), "{help}");
}

/// The same payment file from PostgreSQL as from SQLite.
async fn payments_on(db: TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = touyan(d, &db.url, &["demo", "--as-of", "2025-06-30"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = touyan(
        d,
        &db.url,
        &[
            "export",
            "payments",
            "p.xlsx",
            "--month",
            "2025-01",
            "--full-ids",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let (n, total, _) = expected_january(&db.url).await;
    assert!(
        text(&out.stdout).contains(&format!("{n} 人，合计 {total}.00 元")),
        "{}",
        text(&out.stdout)
    );
    let sheets = read_report(&d.join("p.xlsx")).unwrap();
    assert_eq!(table(&sheets[0].1, "序号").len(), n);
    let store = db.open().await;
    let logged = store.changes(Some("payments")).await.unwrap();
    assert_eq!(logged.len(), 1);
    assert_eq!(logged[0].action, Action::Export);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payments_on_postgres() {
    run_on(Backend::Postgres, payments_on).await;
}
