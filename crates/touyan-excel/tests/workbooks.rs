//! Real files in temporary folders: the template, a clerk's workbook, every
//! kind of error with its place, the marked copy, every date form, the
//! export round trip and the masked export.

mod common;

use std::path::{Path, PathBuf};

use calamine::{Data, Reader, Xlsx, open_workbook};
use common::*;
use rust_decimal::Decimal;
use time::macros::date;
use touyan_excel::{
    BAD_FILL, CellError, Known, Roster, read_workbook, read_workbook_with, sheets,
    write_marked_copy, write_roster, write_template,
};
use touyan_records::model::*;
use touyan_records::{CitizenId, Mask, TownCode, VillageCode};
use touyan_rules::people::Education;

fn tmp(dir: &tempfile::TempDir, name: &str) -> PathBuf {
    dir.path().join(name)
}

fn open(path: &Path) -> Xlsx<std::io::BufReader<std::fs::File>> {
    open_workbook(path).unwrap()
}

fn row_text(range: &calamine::Range<Data>, r: u32) -> Vec<String> {
    let w = range.end().map_or(0, |e| e.1 + 1);
    (0..w)
        .map(|c| {
            range
                .get_value((r, c))
                .map(|d| d.to_string())
                .unwrap_or_default()
        })
        .collect()
}

fn v(code: &str) -> VillageCode {
    VillageCode::parse(code).unwrap()
}

const SHEET_NAMES: [&str; 23] = [
    "说明",
    "人员",
    "任职",
    "村年度情况",
    "三好三强",
    "增设条件",
    "报酬构成",
    "培训班次",
    "参训记录",
    "评价票数",
    "约谈",
    "考试成绩",
    "资格证书",
    "挂职",
    "后备干部",
    "年轻干部",
    "年度计划",
    "专业化名单",
    "报酬发放",
    "退出",
    "挂职日志",
    "后备培养报告",
    "镇街年度设置",
];

/// The `style="N"` of the `<col>` element covering a 1-based column.
fn col_style(sheet_xml: &str, col: usize) -> usize {
    let attr = |el: &str, name: &str| -> usize {
        let tag = format!("{name}=\"");
        let s = el.find(&tag).unwrap_or_else(|| panic!("{name} in {el}")) + tag.len();
        el[s..].split('"').next().unwrap().parse().unwrap()
    };
    sheet_xml
        .split("<col ")
        .skip(1)
        .map(|rest| &rest[..rest.find("/>").unwrap()])
        .find(|el| (attr(el, "min")..=attr(el, "max")).contains(&col))
        .map(|el| attr(el, "style"))
        .unwrap_or_else(|| panic!("no <col> for column {col}"))
}

/// The number format code of cell format `xf` in styles.xml.
fn xf_format(styles: &str, xf: usize) -> String {
    let cell_xfs = &styles[styles.find("<cellXfs").unwrap()..];
    let el = cell_xfs.split("<xf ").nth(xf + 1).unwrap();
    let id: u32 = el
        .split("numFmtId=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    match id {
        0 => "General".into(),
        49 => "@".into(),
        _ => {
            let tag = format!("<numFmt numFmtId=\"{id}\" formatCode=\"");
            let at = styles.find(&tag).unwrap() + tag.len();
            styles[at..].split('"').next().unwrap().to_owned()
        }
    }
}

#[test]
fn the_template_has_every_sheet_header_drop_down_and_format() {
    let dir = tempfile::tempdir().unwrap();
    let path = tmp(&dir, "模板.xlsx");
    write_template(&path).unwrap();

    let mut book = open(&path);
    assert_eq!(book.sheet_names(), SHEET_NAMES);
    let header = |book: &mut Xlsx<_>, name: &str| row_text(&book.worksheet_range(name).unwrap(), 0);
    assert_eq!(
        header(&mut book, "人员"),
        ["身份证号码", "姓名", "全日制学历", "在职学历"]
    );
    assert_eq!(
        header(&mut book, "任职"),
        ["身份证号码", "村代码", "职务", "任职开始", "任职结束"]
    );
    assert_eq!(
        header(&mut book, "村年度情况"),
        [
            "村代码",
            "年度",
            "党组织星级",
            "集体经济收入（万元）",
            "综合考核得分",
            "综合考核名次"
        ]
    );
    for spec in sheets() {
        let want: Vec<&str> = spec
            .columns
            .iter()
            .filter(|c| c.written())
            .map(|c| c.header)
            .collect();
        assert_eq!(header(&mut book, spec.name), want, "{}", spec.name);
        // Only the header: the template has no data rows.
        assert_eq!(book.worksheet_range(spec.name).unwrap().height(), 1);
    }

    // 说明: one row per sheet and per column, and the date forms.
    let guide = book.worksheet_range("说明").unwrap();
    let rows: Vec<Vec<String>> = (0..guide.height() as u32)
        .map(|r| row_text(&guide, r))
        .collect();
    let all = rows.concat().join("\n");
    assert!(all.contains("2023年5月1日") && all.contains("2023/5/1") && all.contains("2023.5.1"));
    assert!(
        rows.iter()
            .any(|r| r[..4] == ["人员", "A", "身份证号码", "是"] && r[4].contains("文本"))
    );
    assert!(
        rows.iter()
            .any(|r| r[..4] == ["任职", "E", "任职结束", "否"])
    );
    let column_rows = rows
        .iter()
        .filter(|r| r.len() > 2 && !r[2].is_empty() && r[2] != "列名")
        .count();
    let columns: usize = sheets()
        .iter()
        .map(|s| s.columns.iter().filter(|c| c.written()).count())
        .sum();
    assert_eq!(column_rows, columns);

    // Inside the package: drop-downs, text and date columns, frozen header.
    let people = package_file(&path, "xl/worksheets/sheet2.xml");
    let posts = package_file(&path, "xl/worksheets/sheet3.xml");
    let styles = package_file(&path, "xl/styles.xml");
    assert!(
        people.contains(
            r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#
        )
    );
    assert!(people.contains("无学历,小学,初中,高中（中专）,大专,大学本科,硕士研究生,博士研究生"));
    assert!(people.contains(r#"sqref="C2:C1048576""#));
    let three_good = package_file(&path, "xl/worksheets/sheet5.xml");
    assert!(three_good.contains(r#""是,否""#), "yes/no drop-down");
    assert!(
        people.contains(r#"type="textLength""#),
        "18-character ID check"
    );
    assert!(
        posts.contains("村党组织书记,村党组织副书记"),
        "post drop-down"
    );
    assert_eq!(
        xf_format(&styles, col_style(&people, 1)),
        "@",
        "ID column is text"
    );
    assert_eq!(
        xf_format(&styles, col_style(&posts, 2)),
        "@",
        "village code is text"
    );
    assert_eq!(
        xf_format(&styles, col_style(&posts, 4)),
        "yyyy-mm-dd",
        "dates are dates"
    );
    // Every enumeration and yes/no column of every sheet has its list.
    for (i, spec) in sheets().iter().enumerate() {
        let xml = package_file(&path, &format!("xl/worksheets/sheet{}.xml", i + 2));
        for (c, col) in spec.columns.iter().filter(|c| c.written()).enumerate() {
            let letter = touyan_excel::column_letter(c as u32);
            let sqref = format!("sqref=\"{letter}2:{letter}1048576\"");
            assert!(xml.contains(&sqref), "{} {}", spec.name, col.header);
            if let touyan_excel::spec::Kind::Choice(labels) = col.kind {
                assert!(
                    xml.contains(&labels().join(",")),
                    "{} {}",
                    spec.name,
                    col.header
                );
            }
        }
    }
}

#[test]
fn a_clerks_workbook_reads_into_the_expected_records() {
    let dir = tempfile::tempdir().unwrap();
    let path = tmp(&dir, "名册.xlsx");
    let a = with_check("37078319800101001");
    let b = id_ending_in_x();
    write_book(
        &path,
        &[
            (
                "人员",
                vec![
                    // A running-number column is allowed.
                    headers(&["序号", "身份证号码", "姓名", "学历", "全日制"]),
                    vec![
                        C::N(1.0),
                        s(format!("  {a} ")),
                        s(" 张三 "),
                        s("大学本科"),
                        s("是"),
                    ],
                    vec![],
                    vec![C::E, s("   "), C::E],
                    vec![
                        C::N(2.0),
                        s(b.to_lowercase()),
                        s("李四"),
                        s("高中(中专)"),
                        C::B(false),
                    ],
                ],
            ),
            (
                // Columns in another order.
                "任职",
                vec![
                    headers(&["职务", "身份证号码", "村代码", "任职开始", "任职结束"]),
                    vec![
                        s("村党组织书记"),
                        s(&a),
                        s("370783100201"),
                        C::D(2021, 1, 1),
                        C::E,
                    ],
                    vec![
                        s("村委会主任"),
                        s(&b),
                        C::N(370783100202.0),
                        s("2018/1/1"),
                        s("2020.12.31"),
                    ],
                ],
            ),
            (
                "村年度情况",
                vec![
                    headers(&[
                        "村代码",
                        "年度",
                        "党组织星级",
                        "集体经济收入（万元）",
                        "综合考核得分",
                        "综合考核名次",
                    ]),
                    vec![
                        s("370783100201"),
                        C::N(2024.0),
                        C::N(4.0),
                        C::N(56.78),
                        s("88.5"),
                        C::N(3.0),
                    ],
                    vec![s("370783100202"), s("2024"), s("0"), C::N(12.0), C::E, C::E],
                ],
            ),
            (
                "培训班次",
                vec![
                    headers(&[
                        "班次编号",
                        "班次名称",
                        "层级",
                        "形式",
                        "镇街代码",
                        "开始日期",
                        "结束日期",
                        "培训天数",
                    ]),
                    vec![
                        C::N(2024001.0),
                        s("书记示范班"),
                        s("镇街"),
                        s("集中培训"),
                        s("370783100"),
                        s("2024年3月1日"),
                        s("20240305"),
                        C::N(4.5),
                    ],
                ],
            ),
            (
                "参训记录",
                vec![
                    headers(&["班次编号", "身份证号码", "心得提交日期", "学习效果差"]),
                    vec![s("2024001"), s(&a), C::N(45361.0), s("否")],
                ],
            ),
            (
                "评价票数",
                vec![
                    headers(&[
                        "身份证号码",
                        "年度",
                        "半年",
                        "评价主体",
                        "胜任票数",
                        "基本胜任票数",
                        "不胜任票数",
                    ]),
                    vec![
                        s(&a),
                        C::N(2024.0),
                        s("下半年"),
                        s("镇街党（工）委"),
                        C::N(30.0),
                        C::N(2.0),
                        C::N(0.0),
                    ],
                ],
            ),
            (
                "报酬发放",
                vec![
                    headers(&["身份证号码", "月份", "发放类型", "资金来源", "金额（元）"]),
                    vec![
                        s(&a),
                        s("2024-05"),
                        s("专业化补贴"),
                        s("市财政"),
                        C::N(1500.5),
                    ],
                    vec![
                        s(&a),
                        C::D(2024, 6, 1),
                        s("专业化补贴"),
                        s("市财政"),
                        s("1500"),
                    ],
                ],
            ),
            (
                "退出",
                vec![
                    headers(&["身份证号码", "退出日期", "退出原因", "备注"]),
                    vec![s(&b), s("2025-01-31"), s("其他"), s("调任乡镇")],
                ],
            ),
            // An empty sheet of the clerk's own is ignored.
            ("Sheet1", vec![]),
        ],
    );

    let got = read_workbook(&path, &known_village, &nobody).unwrap_or_else(|e| {
        panic!(
            "{}",
            e.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    let (a, b) = (id(&a), id(&b));
    let want = Roster {
        people: vec![
            Person {
                id: a.clone(),
                name: "张三".into(),
                full_time_education: Some(Education::Bachelor),
                in_service_education: None,
            },
            Person {
                id: b.clone(),
                name: "李四".into(),
                full_time_education: None,
                in_service_education: Some(Education::SeniorMiddle),
            },
        ],
        posts: vec![
            Post {
                person: a.clone(),
                village: v("370783100201"),
                role: PostRole::Secretary,
                start: date!(2021 - 01 - 01),
                end: None,
            },
            Post {
                person: b.clone(),
                village: v("370783100202"),
                role: PostRole::CommitteeDirector,
                start: date!(2018 - 01 - 01),
                end: Some(date!(2020 - 12 - 31)),
            },
        ],
        village_years: vec![
            VillageYear {
                village: v("370783100201"),
                year: 2024,
                stars: 4,
                collective_income_wan: Decimal::new(5678, 2),
                assessment_score: Some(Decimal::new(885, 1)),
                assessment_rank: Some(3),
            },
            VillageYear {
                village: v("370783100202"),
                year: 2024,
                stars: 0,
                collective_income_wan: Decimal::new(12, 0),
                assessment_score: None,
                assessment_rank: None,
            },
        ],
        training_sessions: vec![TrainingSession {
            code: "2024001".into(),
            title: "书记示范班".into(),
            level: TrainingLevel::Town,
            form: SessionForm::Centralised,
            town: Some(TownCode::parse("370783100").unwrap()),
            start: date!(2024 - 03 - 01),
            end: date!(2024 - 03 - 05),
            days: Decimal::new(45, 1),
        }],
        attendance: vec![Attendance {
            session: "2024001".into(),
            person: a.clone(),
            reflection_filed_on: Some(date!(2024 - 03 - 10)),
            poor_result: false,
        }],
        ballots: vec![Ballots {
            person: a.clone(),
            year: 2024,
            half: 2,
            group: RaterGroup::TownCommittee,
            competent: 30,
            basically_competent: 2,
            not_competent: 0,
        }],
        pay_records: vec![
            PayRecord {
                person: a.clone(),
                month: date!(2024 - 05 - 01),
                kind: PayKind::ProfessionalSubsidy,
                source: FundingSource::City,
                amount_fen: 150_050,
            },
            PayRecord {
                person: a.clone(),
                month: date!(2024 - 06 - 01),
                kind: PayKind::ProfessionalSubsidy,
                source: FundingSource::City,
                amount_fen: 150_000,
            },
        ],
        exits: vec![Exit {
            person: b.clone(),
            on: date!(2025 - 01 - 31),
            reason: ExitReason::Other,
            note: "调任乡镇".into(),
            programme: Programme::Secretary,
        }],
        // An older layout, without 退出的计划, on a ground of both
        // programmes: left for the import to decide.
        exit_programmes_unsaid: vec![(b.clone(), date!(2025 - 01 - 31))],
        ..Roster::default()
    };
    assert_eq!(got, want);
}

/// The workbook with one of each error, and where each must be reported.
fn bad_workbook(path: &Path) -> (String, String) {
    let a = with_check("37078319800101001");
    let c = with_check("37078319700606002");
    let d = with_check("37078319750707003");
    let stranger = with_check("37078319900909004");
    let fullwidth: String = with_check("37078319600101005")
        .chars()
        .map(|ch| char::from_u32(u32::from(ch) - u32::from('0') + u32::from('０')).unwrap_or(ch))
        .collect();
    write_book(
        path,
        &[
            (
                "人员",
                vec![
                    headers(&["身份证号码", "姓名", "学历", "全日制"]),
                    vec![s(&a), s("张三"), s("大专"), s("是")],
                    vec![
                        s(with_wrong_check("37078319800101002")),
                        s("王五"),
                        s("大专"),
                        s("是"),
                    ],
                    vec![C::N(370783198001010000.0), s("赵六"), s("大专"), s("是")],
                    vec![s(&a), s("张三"), s("大专"), s("是")],
                    vec![s(fullwidth), s("钱七"), s("大专"), s("是")],
                    vec![s(&c), C::E, s("大专"), s("否")],
                    vec![s(&d), s("孙八"), s("研究生"), s("否")],
                ],
            ),
            (
                "任职",
                vec![
                    headers(&["身份证号码", "村代码", "职务", "任职开始", "任职结束"]),
                    vec![
                        s(&a),
                        s("370783999999"),
                        s("村党组织书记"),
                        s("2023-05-01"),
                        C::E,
                    ],
                    vec![
                        s(&a),
                        s("370783100201"),
                        s("村党组织书记"),
                        s("2023-02-30"),
                        C::E,
                    ],
                    vec![
                        s(&stranger),
                        s("370783100201"),
                        s("村委会委员"),
                        C::D(2023, 5, 1),
                        C::E,
                    ],
                    vec![
                        s(&a),
                        s("370783100201"),
                        s("书记"),
                        s("2020-01-01"),
                        s("2019-12-31"),
                    ],
                ],
            ),
            (
                "村年度情况",
                vec![
                    headers(&[
                        "村代码",
                        "年度",
                        "党组织星级",
                        "集体经济收入（万元）",
                        "综合考核得分",
                        "综合考核名次",
                    ]),
                    vec![
                        s("370783100201"),
                        s("二〇二四"),
                        C::N(4.0),
                        s("很多"),
                        C::E,
                        C::E,
                    ],
                    vec![
                        s("370783100202"),
                        C::N(2024.0),
                        C::N(6.0),
                        C::N(1.0),
                        C::E,
                        C::E,
                    ],
                ],
            ),
        ],
    );
    (a, stranger)
}

fn at(errors: &[CellError]) -> Vec<(&str, u32, &str)> {
    errors
        .iter()
        .map(|e| (e.sheet.as_str(), e.row, e.column.as_str()))
        .collect()
}

fn message<'a>(errors: &'a [CellError], sheet: &str, row: u32, col: &str) -> &'a str {
    &errors
        .iter()
        .find(|e| e.sheet == sheet && e.row == row && e.column == col)
        .unwrap_or_else(|| panic!("no error at {sheet} {row} {col}: {errors:#?}"))
        .message
}

#[test]
fn every_error_is_reported_with_its_sheet_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = tmp(&dir, "有错.xlsx");
    let (_, stranger) = bad_workbook(&path);
    let errors = read_workbook(&path, &known_village, &nobody).unwrap_err();
    assert_eq!(
        at(&errors),
        [
            ("人员", 3, "A"),
            ("人员", 4, "A"),
            ("人员", 5, "A"),
            ("人员", 6, "A"),
            ("人员", 7, "B"),
            ("人员", 8, "C"),
            ("任职", 2, "B"),
            ("任职", 3, "D"),
            ("任职", 4, "A"),
            ("任职", 5, "C"),
            ("村年度情况", 2, "B"),
            ("村年度情况", 2, "D"),
            ("村年度情况", 3, "C"),
        ],
        "{errors:#?}"
    );
    let m = |s, r, c| message(&errors, s, r, c);
    assert!(m("人员", 3, "A").contains("校验位不符"));
    assert!(m("人员", 4, "A").contains("存成了数字") && m("人员", 4, "A").contains("15 位"));
    assert!(m("人员", 5, "A").contains("人员重复") && m("人员", 5, "A").contains("第 2 行"));
    assert!(m("人员", 6, "A").contains("全角"));
    assert!(m("人员", 7, "B").contains("“姓名”必须填写"));
    assert!(
        m("人员", 8, "C").contains("“研究生”不在可选值中")
            && m("人员", 8, "C").contains("大学本科")
    );
    assert!(
        m("任职", 2, "B").contains("370783999999") && m("任职", 2, "B").contains("不是已知的村")
    );
    assert!(m("任职", 3, "D").contains("“2023-02-30”不是日期"));
    assert!(m("任职", 4, "A").contains("不在“人员”表中"));
    assert!(m("任职", 5, "C").contains("“书记”不在可选值中"));
    assert!(m("村年度情况", 2, "B").contains("不是整数"));
    assert!(m("村年度情况", 2, "D").contains("“很多”不是数字"));
    assert!(m("村年度情况", 3, "C").contains("超出范围 0–5"));

    // The Display a terminal shows.
    let first = errors[0].to_string();
    assert!(
        first.starts_with("人员 第 3 行 A 列：身份证号码校验位不符（按前 17 位应为"),
        "{first}"
    );

    // With the stranger already on record, that error goes away.
    let known = |p: &CitizenId| p.as_str() == stranger;
    let errors = read_workbook(&path, &known_village, &known).unwrap_err();
    assert!(!at(&errors).contains(&("任职", 4, "A")));
    assert_eq!(errors.len(), 12);
}

#[test]
fn cross_field_sheet_and_header_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = tmp(&dir, "表头.xlsx");
    let a = with_check("37078319800101001");
    write_book(
        &path,
        &[
            (
                "人员",
                vec![
                    headers(&["身份证号码", "姓名", "学历", "全日制"]),
                    vec![s(&a), s("张三"), s("大专"), s("是")],
                ],
            ),
            // A required column missing: named, and the rows not read.
            (
                "任职",
                vec![
                    headers(&["身份证号码", "村代码", "职务", "任职结束"]),
                    vec![s("x")],
                ],
            ),
            ("任职记录", vec![headers(&["身份证号码"]), vec![s(&a)]]),
            (
                "专业化名单",
                vec![
                    headers(&[
                        "镇街代码",
                        "年度",
                        "身份证号码",
                        "村代码",
                        "档次",
                        "备案状态",
                        "身份",
                    ]),
                    vec![
                        s("370783001"),
                        C::N(2024.0),
                        s(&a),
                        s("370783100201"),
                        C::N(1.0),
                        s("已备案"),
                    ],
                ],
            ),
            (
                "参训记录",
                vec![
                    headers(&["班次编号", "身份证号码", "心得提交日期", "学习效果差"]),
                    vec![s("无此班"), s(&a), s("2024-13-01"), s("是")],
                    vec![s("无此班"), s(&a), C::E, s("不确定")],
                ],
            ),
        ],
    );
    let errors = read_workbook(&path, &known_village, &nobody).unwrap_err();
    let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        at(&errors),
        [
            ("任职", 1, "E"),
            ("任职记录", 0, ""),
            ("专业化名单", 1, "G"),
            ("专业化名单", 2, "D"),
            ("参训记录", 2, "A"),
            ("参训记录", 2, "C"),
            ("参训记录", 3, "A"),
            ("参训记录", 3, "A"),
            ("参训记录", 3, "D"),
        ],
        "{shown:#?}"
    );
    assert!(shown[0].contains("缺少必填列“任职开始”"), "{}", shown[0]);
    assert!(shown[1].starts_with("任职记录：不认识的工作表"));
    assert!(shown[2].contains("不认识的列“身份”"));
    assert!(shown[3].contains("不属于镇街 370783001"));
    assert!(shown[4].contains("班次编号“无此班”不在“培训班次”表中"));
    assert!(shown[5].contains("“2024-13-01”不是日期"));
    assert!(shown[7].contains("参训记录重复：班次编号、身份证号码与第 2 行相同"));
    assert!(shown[8].contains("应为“是”或“否”"));

    // Known sessions satisfy the reference.
    let known = Known {
        villages: &known_village,
        people: &nobody,
        sessions: &|c: &str| c == "无此班",
        secondments: &|_, _| None,
    };
    let errors = read_workbook_with(&path, &known).unwrap_err();
    assert!(
        !errors
            .iter()
            .any(|e| e.message.contains("不在“培训班次”表中"))
    );
    assert_eq!(errors.len(), 7);
}

#[test]
fn the_marked_copy_keeps_every_value_and_marks_every_bad_cell() {
    let dir = tempfile::tempdir().unwrap();
    let path = tmp(&dir, "有错.xlsx");
    let out = tmp(&dir, "有错-标注.xlsx");
    bad_workbook(&path);
    let errors = read_workbook(&path, &known_village, &nobody).unwrap_err();
    write_marked_copy(&path, &errors, &out).unwrap();

    let mut orig = open(&path);
    let mut copy = open(&out);
    let mut names = orig.sheet_names();
    names.push("错误清单".into());
    assert_eq!(copy.sheet_names(), names);
    for name in orig.sheet_names() {
        let a = orig.worksheet_range(&name).unwrap();
        let b = copy.worksheet_range(&name).unwrap();
        for (r, c, d) in a.used_cells() {
            assert_eq!(b.get_value((r as u32, c as u32)), Some(d), "{name} {r} {c}");
        }
        for (r, c, d) in b.used_cells() {
            if !matches!(d, Data::Empty) {
                assert_eq!(a.get_value((r as u32, c as u32)), Some(d), "{name} {r} {c}");
            }
        }
    }
    // Text stays text, the numeric ID stays a number, the date a date.
    let people = copy.worksheet_range("人员").unwrap();
    assert!(matches!(people.get_value((1, 0)), Some(Data::String(_))));
    assert!(matches!(people.get_value((3, 0)), Some(Data::Float(_))));
    let posts = copy.worksheet_range("任职").unwrap();
    assert!(matches!(posts.get_value((3, 3)), Some(Data::DateTime(_))));

    // Every bad cell is red, good cells are not.
    for name in ["人员", "任职", "村年度情况"] {
        let styles = copy.worksheet_style(name).unwrap();
        let red = |r: u32, c: u32| {
            styles
                .get((r, c))
                .and_then(|s| s.fill.as_ref())
                .and_then(|f| f.get_color())
                .is_some_and(|col| col.to_argb() & 0xFF_FFFF == BAD_FILL)
        };
        for e in errors.iter().filter(|e| e.sheet == name) {
            let c = touyan_excel::column_index(&e.column).unwrap();
            assert!(red(e.row - 1, c), "{e}");
        }
        if name == "人员" {
            assert!(!red(1, 0) && !red(1, 1), "good cells are not marked");
        }
    }
    // Each carries a note with its message.
    let comments: String = package_names(&out)
        .iter()
        .filter(|n| n.starts_with("xl/comments"))
        .map(|n| package_file(&out, n))
        .collect();
    for e in &errors {
        let first_words: String = e.message.chars().take(8).collect();
        assert!(comments.contains(&first_words), "note for {e}");
    }
    // And the list.
    let list = copy.worksheet_range("错误清单").unwrap();
    assert_eq!(row_text(&list, 0)[..4], ["工作表", "行", "列", "问题"]);
    assert_eq!(list.height(), errors.len() + 1);
    assert_eq!(row_text(&list, 1)[..3], ["人员", "3", "A"]);

    // Fixing nothing and reading the copy gives the same errors.
    let again = read_workbook(&out, &known_village, &nobody).unwrap_err();
    assert_eq!(again, errors);
}

#[test]
fn every_date_form_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let path = tmp(&dir, "日期.xlsx");
    let a = with_check("37078319800101001");
    let forms = [
        s("2023-05-01"),
        s("2023-5-1"),
        s("2023/5/1"),
        s("2023/05/01"),
        s("2023.5.1"),
        s("2023年5月1日"),
        s(" 2023年05月01日 "),
        s("２０２３年５月１日"),
        s("20230501"),
        C::N(20230501.0),
        C::N(45047.0),
        C::D(2023, 5, 1),
    ];
    let mut rows = vec![headers(&[
        "身份证号码",
        "村代码",
        "职务",
        "任职开始",
        "任职结束",
    ])];
    for (i, f) in forms.iter().enumerate() {
        // A different role per row keeps the rows distinct.
        let end = C::D(2030, 1, 1 + i as u8);
        rows.push(vec![
            s(&a),
            s("370783100201"),
            s("村党组织书记"),
            f.clone(),
            end,
        ]);
    }
    write_book(
        &path,
        &[
            (
                "人员",
                vec![
                    headers(&["身份证号码", "姓名", "学历", "全日制"]),
                    vec![s(&a), s("张三"), s("大专"), s("是")],
                ],
            ),
            ("任职", rows),
        ],
    );
    let errors = read_workbook(&path, &known_village, &nobody).unwrap_err();
    // Same person, village, role and start: duplicates, but every date read.
    assert!(
        errors.iter().all(|e| e.message.contains("任职记录重复")),
        "{errors:#?}"
    );
    assert_eq!(errors.len(), forms.len() - 1);

    // Each alone reads as 2023-05-01.
    for f in forms {
        write_book(
            &path,
            &[(
                "任职",
                vec![
                    headers(&["身份证号码", "村代码", "职务", "任职开始", "任职结束"]),
                    vec![s(&a), s("370783100201"), s("村党组织书记"), f.clone(), C::E],
                ],
            )],
        );
        let r = read_workbook(&path, &known_village, &|_| true)
            .unwrap_or_else(|e| panic!("{f:?}: {e:?}"));
        assert_eq!(r.posts[0].start, date!(2023 - 05 - 01), "{f:?}");
    }

    // And what is not a date is refused.
    for f in [
        s("2023-02-29"),
        s("5/1/2023"),
        s("明天"),
        s("1900-01-01"),
        C::N(2023.0),
        C::N(45047.5),
        C::N(-3.0),
        C::B(true),
    ] {
        write_book(
            &path,
            &[(
                "任职",
                vec![
                    headers(&["身份证号码", "村代码", "职务", "任职开始", "任职结束"]),
                    vec![s(&a), s("370783100201"), s("村党组织书记"), f.clone(), C::E],
                ],
            )],
        );
        let e = read_workbook(&path, &known_village, &|_| true).unwrap_err();
        assert_eq!(at(&e), [("任职", 2, "D")], "{f:?}");
        if matches!(f, C::N(n) if n == 2023.0) {
            assert!(e[0].message.contains("像是年份"), "{}", e[0]);
        }
    }
}

/// One record of every kind, by hand.
fn full_roster() -> Roster {
    let a = id(&with_check("37078319800101001"));
    let b = id(&id_ending_in_x());
    let v1 = v("370783100201");
    let v2 = v("370783104305");
    Roster {
        people: vec![
            Person {
                id: a.clone(),
                name: "张三".into(),
                full_time_education: Some(Education::College),
                in_service_education: None,
            },
            Person {
                id: b.clone(),
                name: "欧阳 小明".into(),
                full_time_education: Some(Education::None),
                in_service_education: None,
            },
        ],
        posts: vec![Post {
            person: a.clone(),
            village: v1,
            role: PostRole::Secretary,
            start: date!(2018 - 01 - 01),
            end: Some(date!(2020 - 12 - 31)),
        }],
        village_years: vec![VillageYear {
            village: v2,
            year: 2024,
            stars: 5,
            collective_income_wan: Decimal::new(123_456, 2),
            assessment_score: Some(Decimal::new(9_725, 2)),
            assessment_rank: Some(1),
        }],
        three_good: vec![ThreeGood {
            person: a.clone(),
            year: 2024,
            passed: true,
            note: String::new(),
        }],
        training_sessions: vec![TrainingSession {
            code: "0012".into(),
            title: "红色教育".into(),
            level: TrainingLevel::City,
            form: SessionForm::RedEducation,
            town: None,
            start: date!(2024 - 04 - 01),
            end: date!(2024 - 04 - 01),
            days: Decimal::new(5, 1),
        }],
        attendance: vec![Attendance {
            session: "0012".into(),
            person: b.clone(),
            reflection_filed_on: None,
            poor_result: true,
        }],
        ballots: vec![Ballots {
            person: a.clone(),
            year: 2024,
            half: 1,
            group: RaterGroup::PublicReps,
            competent: 10,
            basically_competent: 0,
            not_competent: 3,
        }],
        admonitions: vec![Admonition {
            person: b.clone(),
            held_on: date!(2024 - 07 - 01),
            article: 6,
            reason: "学习效果差".into(),
            make_up_study_done_on: Some(date!(2024 - 08 - 01)),
        }],
        exam_results: vec![ExamResult {
            person: a.clone(),
            course: CourseKind::LivelihoodServices,
            taken_on: date!(2023 - 11 - 11),
            passed: false,
        }],
        certificates: vec![Certificate {
            person: a.clone(),
            number: "370783202400000000123".into(),
            issued_on: date!(2024 - 01 - 02),
        }],
        secondments: vec![Secondment {
            person: a.clone(),
            level: SecondmentLevel::City,
            host_unit: "市农业农村局".into(),
            start: date!(2023 - 03 - 01),
            end: date!(2023 - 08 - 31),
            appraisal: Some("优秀".into()),
        }],
        reserves: vec![Reserve {
            person: b.clone(),
            village: v1,
            post: PostRole::CommitteeMember,
            listed_on: date!(2022 - 02 - 28),
            removed_on: None,
        }],
        young_cadres: vec![YoungCadre {
            person: b.clone(),
            village: v2,
            programme_start: date!(2024 - 01 - 01),
            current_pay: Decimal::new(250_050, 2),
            score: Decimal::new(8_850, 2),
            filed_on: Some(date!(2024 - 01 - 15)),
        }],
        annual_plans: vec![AnnualPlan {
            person: a.clone(),
            year: 2025,
            reviewed_on: Some(date!(2025 - 01 - 10)),
            notice_start: Some(date!(2025 - 01 - 11)),
            notice_end: Some(date!(2025 - 01 - 17)),
            filed_on: None,
        }],
        list_entries: vec![ListEntry {
            town: v1.town(),
            year: 2025,
            person: a.clone(),
            village: v1,
            tier: 2,
            status: ListStatus::Filed,
        }],
        pay_records: vec![PayRecord {
            person: a.clone(),
            month: date!(2025 - 02 - 01),
            kind: PayKind::YoungCadreSubsidy,
            source: FundingSource::Town,
            amount_fen: 123_456_789,
        }],
        exits: vec![Exit {
            person: b,
            on: date!(2025 - 06 - 30),
            reason: ExitReason::FailedEvaluation,
            note: "=1+1".into(),
            programme: Programme::Secretary,
        }],
        work_logs: vec![
            WorkLog {
                person: a.clone(),
                secondment_start: date!(2023 - 03 - 01),
                on: date!(2023 - 03 - 01),
                text: "到市农业农村局报到".into(),
            },
            WorkLog {
                person: a,
                secondment_start: date!(2023 - 03 - 01),
                on: date!(2023 - 03 - 15),
                text: "随科室下乡调研".into(),
            },
        ],
        reserve_reports: vec![ReserveReport {
            town: v1.town(),
            year: 2024,
            submitted_on: date!(2024 - 12 - 20),
            summary: "集中培训 2 期，结对帮带 12 对".into(),
        }],
        town_years: vec![TownYear {
            town: v1.town(),
            year: 2025,
            reference_salary: Decimal::new(432_115, 2),
            young_cadre_factor: Decimal::new(65, 2),
        }],
        ..Roster::default()
    }
}

#[test]
fn an_export_reads_back_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = tmp(&dir, "导出.xlsx");
    let roster = full_roster();
    write_roster(&path, &roster, None).unwrap();
    let back = read_workbook(&path, &known_village, &nobody).unwrap_or_else(|e| {
        panic!(
            "{}",
            e.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    assert_eq!(back, roster);
    assert_eq!(back.len(), 22);

    // The export's layout is the template's.
    let template = tmp(&dir, "模板.xlsx");
    write_template(&template).unwrap();
    let (mut e, mut t) = (open(&path), open(&template));
    assert_eq!(e.sheet_names(), t.sheet_names());
    for spec in sheets() {
        assert_eq!(
            row_text(&e.worksheet_range(spec.name).unwrap(), 0),
            row_text(&t.worksheet_range(spec.name).unwrap(), 0)
        );
    }
    // IDs and the long certificate number are text cells; dates are dates.
    let people = e.worksheet_range("人员").unwrap();
    assert_eq!(
        people.get_value((1, 0)),
        Some(&Data::String(with_check("37078319800101001")))
    );
    let certs = e.worksheet_range("资格证书").unwrap();
    assert!(matches!(certs.get_value((1, 1)), Some(Data::String(_))));
    assert!(matches!(certs.get_value((1, 2)), Some(Data::DateTime(_))));
    let id_style = e.worksheet_style("人员").unwrap();
    assert_eq!(
        id_style
            .get((1, 0))
            .and_then(|s| s.number_format.as_ref())
            .map(|n| n.format_code.as_str()),
        Some("@")
    );
}

#[test]
fn a_masked_export_shows_masked_numbers_and_cannot_be_imported() {
    let dir = tempfile::tempdir().unwrap();
    let path = tmp(&dir, "脱敏.xlsx");
    let mut roster = full_roster();
    let full = with_check("37078319900101123");
    roster.people[0].id = id(&full);
    write_roster(&path, &roster, Some(Mask::default())).unwrap();
    let mut book = open(&path);
    let people = book.worksheet_range("人员").unwrap();
    let shown = people.get_value((1, 0)).unwrap().to_string();
    assert_eq!(shown, format!("370783********{}", &full[14..]));
    assert!(shown.starts_with("370783********123"));
    let x = people.get_value((2, 0)).unwrap().to_string();
    assert!(x.starts_with("370783********") && x.ends_with('X'), "{x}");
    // No full number anywhere in the person sheets.
    for spec in sheets() {
        let r = book.worksheet_range(spec.name).unwrap();
        for (_, _, d) in r.used_cells() {
            assert_ne!(d.to_string(), full);
        }
    }
    let guide = book.worksheet_range("说明").unwrap();
    let text: String = guide.used_cells().map(|(_, _, d)| d.to_string()).collect();
    assert!(
        text.contains("已脱敏") && text.contains("不能重新导入"),
        "{text}"
    );

    let errors = read_workbook(&path, &known_village, &nobody).unwrap_err();
    assert!(!errors.is_empty());
    assert!(
        errors
            .iter()
            .filter(|e| e.column == "A" && e.sheet == "人员")
            .all(|e| e.message.contains("已脱敏"))
    );
}

#[test]
fn an_unreadable_file_is_one_workbook_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = tmp(&dir, "坏.xlsx");
    std::fs::write(&path, b"not a workbook").unwrap();
    let e = read_workbook(&path, &known_village, &nobody).unwrap_err();
    assert_eq!(e.len(), 1);
    assert!(
        e[0].to_string()
            .starts_with("工作簿：不是有效的 Excel 工作簿"),
        "{}",
        e[0]
    );
}

#[test]
fn a_work_log_needs_its_secondment_and_falls_within_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = tmp(&dir, "挂职日志.xlsx");
    let a = with_check("37078319800101001");
    let b = with_check("37078319810101002");
    let log = |who: &str, start: (u16, u8, u8), on: (u16, u8, u8)| {
        vec![
            s(who),
            C::D(start.0, start.1, start.2),
            C::D(on.0, on.1, on.2),
            s("走访农户"),
        ]
    };
    write_book(
        &path,
        &[
            (
                "人员",
                vec![
                    headers(&["身份证号码", "姓名", "学历", "全日制"]),
                    vec![s(&a), s("张三"), s("大专"), s("是")],
                    vec![s(&b), s("李四"), s("大学本科"), s("是")],
                ],
            ),
            (
                "挂职",
                vec![
                    headers(&["身份证号码", "挂职层级", "挂职单位", "开始日期", "结束日期"]),
                    vec![
                        s(&a),
                        s("市直涉农单位"),
                        s("市农业农村局"),
                        C::D(2024, 3, 1),
                        C::D(2024, 4, 30),
                    ],
                ],
            ),
            (
                "挂职日志",
                vec![
                    headers(&["身份证号码", "挂职开始日期", "日志日期", "日志内容"]),
                    // Row 2: the first and last day of the secondment: fine.
                    log(&a, (2024, 3, 1), (2024, 3, 1)),
                    // Row 3.
                    log(&a, (2024, 3, 1), (2024, 4, 30)),
                    // Row 4: the day after it ended.
                    log(&a, (2024, 3, 1), (2024, 5, 1)),
                    // Row 5: no secondment starts that day.
                    log(&a, (2024, 3, 2), (2024, 3, 5)),
                    // Row 6: 李四's secondment is on record only.
                    log(&b, (2023, 9, 1), (2023, 9, 10)),
                    // Row 7: before that one started (the row's own check).
                    log(&b, (2023, 9, 1), (2023, 8, 31)),
                ],
            ),
        ],
    );
    let b_id = common::id(&b);
    let on_record = |p: &touyan_records::CitizenId, start: time::Date| {
        (*p == b_id && start == time::macros::date!(2023 - 09 - 01))
            .then_some(time::macros::date!(2023 - 12 - 31))
    };
    let known = Known {
        villages: &known_village,
        people: &nobody,
        sessions: &|_| false,
        secondments: &on_record,
    };
    let errors = read_workbook_with(&path, &known).unwrap_err();
    let got: Vec<(&str, u32, &str)> = at(&errors);
    assert_eq!(
        got,
        [
            ("挂职日志", 4, "C"),
            ("挂职日志", 5, "B"),
            ("挂职日志", 7, "C")
        ],
        "{errors:?}"
    );
    assert!(
        message(&errors, "挂职日志", 4, "C")
            .contains("晚于这段挂职的结束日期（2024-03-01 至 2024-04-30）")
    );
    assert!(message(&errors, "挂职日志", 5, "B").contains("没有 2024-03-02 开始的挂职"));
    // Without the secondment on record, 李四's two logs have none.
    let errors = read_workbook(&path, &known_village, &nobody).unwrap_err();
    assert_eq!(
        at(&errors),
        [
            ("挂职日志", 4, "C"),
            ("挂职日志", 5, "B"),
            ("挂职日志", 6, "B"),
            ("挂职日志", 7, "B"),
            ("挂职日志", 7, "C")
        ],
        "{errors:?}"
    );
}

/// 报酬构成 (Article 13's parts set by higher-level rules): good rows
/// read to the fen with the month's first day; each bad cell reported
/// at its row and column in Chinese.
#[test]
fn the_pay_parts_sheet_reads_each_row_or_says_why_not() {
    let dir = tempfile::tempdir().unwrap();
    let path = tmp(&dir, "报酬构成.xlsx");
    let a = with_check("37078319800101001");
    let people = (
        "人员",
        vec![
            headers(&["身份证号码", "姓名", "全日制学历", "在职学历"]),
            vec![s(&a), s("张三"), s("大专"), C::E],
        ],
    );
    let head = headers(&[
        "身份证号码",
        "月份",
        "组成部分",
        "金额（元）",
        "资金渠道",
        "记录日期",
    ]);
    let row = |month: &str, part: &str, amount: C, channel: &str| {
        vec![
            s(&a),
            s(month),
            s(part),
            amount,
            s(channel),
            C::D(2026, 6, 3),
        ]
    };
    write_book(
        &path,
        &[
            people.clone(),
            (
                "报酬构成",
                vec![
                    head.clone(),
                    row("2026-05", "基本报酬", C::N(2400.0), "镇街财政"),
                    row("2026/5", "业绩考核奖励报酬", s("600.50"), "村集体经济"),
                    row("2026-05", "养老保险补助", C::N(300.0), "镇街财政"),
                ],
            ),
        ],
    );
    let r = read_workbook(&path, &known_village, &nobody).unwrap();
    let got: Vec<(time::Date, &str, i64, &str)> = r
        .pay_parts
        .iter()
        .map(|p| (p.month, p.part.label(), p.amount_fen, p.channel.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (date!(2026 - 05 - 01), "基本报酬", 240_000, "镇街财政"),
            (
                date!(2026 - 05 - 01),
                "业绩考核奖励报酬",
                60_050,
                "村集体经济"
            ),
            (date!(2026 - 05 - 01), "养老保险补助", 30_000, "镇街财政"),
        ]
    );
    assert_eq!(r.pay_parts[0].recorded_on, date!(2026 - 06 - 03));

    let bad = tmp(&dir, "报酬构成-错.xlsx");
    write_book(
        &bad,
        &[
            people,
            (
                "报酬构成",
                vec![
                    head,
                    // Row 2: fine.
                    row("2026-05", "基本报酬", C::N(2400.0), "镇街财政"),
                    // Row 3: negative.
                    row("2026-06", "基本报酬", C::N(-1.0), "镇街财政"),
                    // Row 4: three decimals.
                    row("2026-07", "基本报酬", s("1.005"), "镇街财政"),
                    // Row 5: the subsidy is no part recorded here.
                    row("2026-05", "专业化补贴", C::N(1200.0), "市财政"),
                    // Row 6: no channel.
                    row("2026-05", "养老保险补助", C::N(300.0), ""),
                    // Row 7: a channel too long.
                    row("2026-05", "业绩考核奖励报酬", C::N(1.0), &"财".repeat(31)),
                    // Row 8: row 2 again.
                    row("2026-05", "基本报酬", C::N(2500.0), "镇街财政"),
                ],
            ),
        ],
    );
    let errors = read_workbook(&bad, &known_village, &nobody).unwrap_err();
    let mut got = at(&errors);
    got.sort_unstable();
    assert_eq!(
        got,
        [
            ("报酬构成", 3, "D"),
            ("报酬构成", 4, "D"),
            ("报酬构成", 5, "C"),
            ("报酬构成", 6, "E"),
            ("报酬构成", 7, "E"),
            ("报酬构成", 8, "A"),
        ],
        "{errors:?}"
    );
    assert_eq!(
        message(&errors, "报酬构成", 7, "E"),
        "资金渠道不能超过 30 字"
    );
    for e in &errors {
        assert!(!e.message.is_ascii(), "{e:?}");
    }
}

/// The 退出 sheet's 退出的计划: when given, as given; when blank, the
/// ground's programme (延长期满: the young cadres'); on a ground of both
/// (达到年龄上限, 其他) noted as unsaid, for the import to decide from the
/// records of the day.
#[test]
fn a_blank_exit_programme_is_noted_on_a_ground_of_both() {
    let dir = tempfile::tempdir().unwrap();
    let path = tmp(&dir, "退出.xlsx");
    let ids = [
        "37078319800101001",
        "37078319900909004",
        "37078319700606002",
    ]
    .map(with_check);
    write_book(
        &path,
        &[
            (
                "人员",
                vec![
                    headers(&["身份证号码", "姓名", "全日制学历", "在职学历"]),
                    vec![s(&ids[0]), s("张三"), s("大专"), C::E],
                    vec![s(&ids[1]), s("李四"), s("大专"), C::E],
                    vec![s(&ids[2]), s("王五"), s("大专"), C::E],
                ],
            ),
            (
                "退出",
                vec![
                    headers(&["身份证号码", "退出日期", "退出原因", "备注", "退出的计划"]),
                    vec![s(&ids[0]), s("2026-03-01"), s("达到年龄上限"), C::E, C::E],
                    vec![s(&ids[1]), s("2026-03-01"), s("延长期满"), C::E, C::E],
                    vec![
                        s(&ids[2]),
                        s("2026-03-01"),
                        s("其他"),
                        s("调任"),
                        s("年轻干部优才计划"),
                    ],
                    vec![s(&ids[2]), s("2026-04-01"), s("其他"), s("调任"), C::E],
                ],
            ),
        ],
    );
    let r = read_workbook(&path, &known_village, &nobody).unwrap_or_else(|e| {
        panic!(
            "{}",
            e.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    let got: Vec<(&str, time::Date, Programme)> = r
        .exits
        .iter()
        .map(|x| (x.person.as_str(), x.on, x.programme))
        .collect();
    let (one, two, three) = (ids[0].as_str(), ids[1].as_str(), ids[2].as_str());
    assert_eq!(
        got,
        [
            (one, date!(2026 - 03 - 01), Programme::Secretary),
            (two, date!(2026 - 03 - 01), Programme::Young),
            (three, date!(2026 - 03 - 01), Programme::Young),
            (three, date!(2026 - 04 - 01), Programme::Secretary),
        ]
    );
    let unsaid: Vec<(&str, time::Date)> = r
        .exit_programmes_unsaid
        .iter()
        .map(|(p, on)| (p.as_str(), *on))
        .collect();
    assert_eq!(
        unsaid,
        [(one, date!(2026 - 03 - 01)), (three, date!(2026 - 04 - 01))]
    );
}
