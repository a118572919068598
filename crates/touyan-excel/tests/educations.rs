//! The 人员 sheet's two kinds of education (issue 17, item 4): the
//! template's 全日制学历 and 在职学历, and workbooks of the older template
//! (学历 and 全日制) still read, each level in the field it belongs to.

mod common;

use std::path::Path;

use common::*;
use touyan_excel::{CellError, Roster, read_workbook, write_roster, write_template};
use touyan_records::model::Person;
use touyan_rules::people::Education;

fn people(path: &Path) -> Result<Vec<Person>, Vec<CellError>> {
    read_workbook(path, &known_village, &nobody).map(|r| r.people)
}

fn message(errors: &[CellError], row: u32, col: &str) -> String {
    errors
        .iter()
        .find(|e| e.sheet == "人员" && e.row == row && e.column == col)
        .unwrap_or_else(|| panic!("no error at 人员 {row} {col}: {errors:#?}"))
        .message
        .clone()
}

#[test]
fn the_template_asks_for_both_kinds_and_not_the_old_columns() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("模板.xlsx");
    write_template(&path).unwrap();
    let xml = package_file(&path, "xl/worksheets/sheet2.xml");
    let strings = package_file(&path, "xl/sharedStrings.xml");
    assert!(strings.contains("全日制学历") && strings.contains("在职学历"));
    // The older columns are read, never written.
    assert!(!strings.contains("<t>学历</t>") && !strings.contains("<t>全日制</t>"));
    // Both drop-downs, in columns C and D, and nothing beyond.
    assert!(xml.contains(r#"sqref="C2:C1048576""#) && xml.contains(r#"sqref="D2:D1048576""#));
    assert!(!xml.contains(r#"sqref="E2:E1048576""#));
}

#[test]
fn the_current_layout_reads_both_levels() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("人员.xlsx");
    let (a, b, c) = (
        with_check("37078319800101001"),
        with_check("37078319800101002"),
        with_check("37078319800101003"),
    );
    write_book(
        &path,
        &[(
            "人员",
            vec![
                headers(&["身份证号码", "姓名", "全日制学历", "在职学历"]),
                vec![s(&a), s("张三"), s("大专"), s("大学本科")],
                vec![s(&b), s("李四"), s("大学本科"), C::E],
                vec![s(&c), s("王五"), C::E, s("大专")],
            ],
        )],
    );
    assert_eq!(
        people(&path).unwrap(),
        [
            Person {
                id: id(&a),
                name: "张三".into(),
                full_time_education: Some(Education::College),
                in_service_education: Some(Education::Bachelor),
            },
            Person {
                id: id(&b),
                name: "李四".into(),
                full_time_education: Some(Education::Bachelor),
                in_service_education: None,
            },
            Person {
                id: id(&c),
                name: "王五".into(),
                full_time_education: None,
                in_service_education: Some(Education::College),
            },
        ]
    );
}

#[test]
fn an_old_layout_workbook_maps_the_flag_to_the_right_field() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("旧版.xlsx");
    let ids: Vec<String> = (1..=4)
        .map(|n| with_check(&format!("3707831980010100{n}")))
        .collect();
    write_book(
        &path,
        &[(
            "人员",
            vec![
                headers(&["身份证号码", "姓名", "学历", "全日制"]),
                vec![s(&ids[0]), s("张三"), s("大专"), s("是")],
                vec![s(&ids[1]), s("李四"), s("大学本科"), s("否")],
                vec![s(&ids[2]), s("王五"), s("无学历"), s("否")],
                vec![s(&ids[3]), s("赵六"), s("硕士研究生"), C::B(true)],
            ],
        )],
    );
    let got: Vec<(Option<Education>, Option<Education>)> = people(&path)
        .unwrap()
        .into_iter()
        .map(|p| (p.full_time_education, p.in_service_education))
        .collect();
    assert_eq!(
        got,
        [
            (Some(Education::College), None),
            (None, Some(Education::Bachelor)),
            (Some(Education::None), None),
            (Some(Education::Master), None),
        ]
    );
}

#[test]
fn layouts_are_not_mixed_and_a_row_needs_a_level() {
    let dir = tempfile::tempdir().unwrap();
    let a = with_check("37078319800101001");

    // Old and new columns in one sheet: refused at the header.
    let mixed = dir.path().join("混用.xlsx");
    write_book(
        &mixed,
        &[(
            "人员",
            vec![
                headers(&["身份证号码", "姓名", "学历", "全日制", "在职学历"]),
                vec![s(&a), s("张三"), s("大专"), s("是"), s("大学本科")],
            ],
        )],
    );
    let errors = people(&mixed).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(
        message(&errors, 1, "E"),
        "“在职学历”是新版模板的列，不能与旧版模板的“学历”“全日制”同表使用；请只用一种"
    );

    // The old layout needs both of its columns, in the header and the row.
    let half = dir.path().join("缺列.xlsx");
    write_book(
        &half,
        &[(
            "人员",
            vec![
                headers(&["身份证号码", "姓名", "学历"]),
                vec![s(&a), s("张三"), s("大专")],
            ],
        )],
    );
    let errors = people(&half).unwrap_err();
    assert_eq!(
        message(&errors, 1, "D"),
        "缺少必填列“全日制”（第 1 行是表头）"
    );
    let blank = dir.path().join("空格.xlsx");
    write_book(
        &blank,
        &[(
            "人员",
            vec![
                headers(&["身份证号码", "姓名", "学历", "全日制"]),
                vec![s(&a), s("张三"), s("大专"), C::E],
            ],
        )],
    );
    let errors = people(&blank).unwrap_err();
    assert_eq!(message(&errors, 2, "D"), "“全日制”必须填写");

    // The current layout: neither level filled.
    let none = dir.path().join("未填.xlsx");
    write_book(
        &none,
        &[(
            "人员",
            vec![
                headers(&["身份证号码", "姓名", "全日制学历", "在职学历"]),
                vec![s(&a), s("张三"), C::E, C::E],
            ],
        )],
    );
    let errors = people(&none).unwrap_err();
    assert_eq!(
        message(&errors, 2, "C"),
        "“全日制学历”和“在职学历”至少填一项（没有学历的，全日制学历选“无学历”）"
    );
}

#[test]
fn an_export_of_both_kinds_reads_back_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("导出.xlsx");
    let roster = Roster {
        people: vec![
            Person {
                id: id(&with_check("37078319800101001")),
                name: "张三".into(),
                full_time_education: Some(Education::College),
                in_service_education: Some(Education::Bachelor),
            },
            Person {
                id: id(&with_check("37078319800101002")),
                name: "李四".into(),
                full_time_education: None,
                in_service_education: Some(Education::Bachelor),
            },
        ],
        ..Roster::default()
    };
    write_roster(&path, &roster, None).unwrap();
    assert_eq!(people(&path).unwrap(), roster.people);
}
