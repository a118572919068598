//! A workbook's limits: its unpacked size checked on its zip directory
//! before it is read, rows per sheet, characters per cell, problems listed;
//! and messages that quote a cell by its first 30 characters only.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};

use common::with_check;
use rust_xlsxwriter::Workbook;
use touyan_excel::{CellError, Known, LIMITS, Limits, read_workbook_within, write_marked_copy};

fn known() -> Known<'static> {
    Known {
        villages: &|_| true,
        people: &|_| false,
        sessions: &|_| false,
        secondments: &|_, _| None,
    }
}

/// A workbook with a 人员 sheet of the given rows (ID, name, education,
/// full-time).
fn people(dir: &tempfile::TempDir, rows: &[[String; 4]]) -> PathBuf {
    let path = dir.path().join("people.xlsx");
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("人员").unwrap();
    for (c, h) in ["身份证号码", "姓名", "学历", "全日制"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, v).unwrap();
        }
    }
    book.save(&path).unwrap();
    path
}

fn person(n: u32, name: &str, education: &str) -> [String; 4] {
    [
        with_check(&format!("37078319800101{n:03}")),
        name.to_owned(),
        education.to_owned(),
        "是".to_owned(),
    ]
}

fn errors(path: &Path, limits: &Limits) -> Vec<CellError> {
    read_workbook_within(path, &known(), limits).expect_err("refused")
}

#[test]
fn a_cell_over_two_thousand_characters_is_a_cell_error_quoted_by_thirty() {
    let dir = tempfile::tempdir().unwrap();
    let fits = "张".repeat(2000);
    let long = "李".repeat(2001);
    let path = people(
        &dir,
        &[
            person(1, &fits, "大学本科"),
            person(2, &long, "大学本科"),
            // A wrong choice quotes its first 30 characters only.
            person(3, "王五", &"硕".repeat(100)),
        ],
    );
    let got = errors(&path, &LIMITS);
    let thirty = |c: &str| format!("{}…", c.repeat(30));
    assert_eq!(
        got,
        [
            CellError {
                sheet: "人员".into(),
                row: 3,
                column: "B".into(),
                message: format!(
                    "单元格内容过长：超过 2000 个字符（开头为“{}”）",
                    thirty("李")
                ),
            },
            CellError {
                sheet: "人员".into(),
                row: 4,
                column: "C".into(),
                message: format!(
                    "“{}”不在可选值中，应为：{}",
                    thirty("硕"),
                    <touyan_rules::people::Education as touyan_records::model::Labelled>::labels()
                        .join("、")
                ),
            },
        ]
    );
    // The row of 2000 characters is read; no message is longer than the
    // list of choices and a quote.
    assert!(got.iter().all(|e| !e.message.contains(&"李".repeat(31))));
    // The marked copy says the same, and keeps the cells.
    let out = dir.path().join("marked.xlsx");
    write_marked_copy(&path, &got, &out).unwrap();
}

#[test]
fn a_sheet_over_its_rows_is_refused_whole() {
    let dir = tempfile::tempdir().unwrap();
    let small = Limits {
        max_rows: 3,
        ..LIMITS
    };
    let rows: Vec<[String; 4]> = (1..=4).map(|n| person(n, "赵六", "大专")).collect();
    let path = people(&dir, &rows);
    assert_eq!(
        errors(&path, &small),
        [CellError {
            sheet: "人员".into(),
            row: 0,
            column: String::new(),
            message: "本表有 4 行数据，超过上限 3 行，未检查；请拆分为几个工作簿分批导入".into(),
        }]
    );
    // Three rows are read.
    let path = people(&dir, &rows[..3]);
    let (roster, _) = read_workbook_within(&path, &known(), &small).unwrap();
    assert_eq!(roster.people.len(), 3);
}

#[test]
fn problems_beyond_the_limit_are_counted() {
    let dir = tempfile::tempdir().unwrap();
    // Ten rows, each with one bad education.
    let rows: Vec<[String; 4]> = (1..=10).map(|n| person(n, "赵六", "学士")).collect();
    let path = people(&dir, &rows);
    let got = errors(
        &path,
        &Limits {
            max_problems: 4,
            ..LIMITS
        },
    );
    let places: Vec<(u32, &str)> = got.iter().map(|e| (e.row, e.column.as_str())).collect();
    assert_eq!(places, [(2, "C"), (3, "C"), (4, "C"), (5, "C"), (0, "")]);
    assert_eq!(
        got[4].message,
        "另有 6 处问题未列出（只列出前 4 处）；请先改正以上问题"
    );
}

/// A zip of one stored entry whose directory declares `declared` bytes
/// unpacked (the data itself is 5 bytes): the sizes are patched in both
/// the local header and the central directory.
pub fn zip_declaring(path: &Path, declared: u32) {
    let mut bytes = Vec::new();
    {
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(&mut bytes));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        z.start_file("xl/sharedStrings.xml", opts).unwrap();
        z.write_all(b"hello").unwrap();
        z.finish().unwrap();
    }
    let patch = |bytes: &mut Vec<u8>, signature: [u8; 4], offset: usize| {
        let at = bytes
            .windows(4)
            .position(|w| w == signature)
            .expect("signature");
        bytes[at + offset..at + offset + 4].copy_from_slice(&declared.to_le_bytes());
    };
    patch(&mut bytes, [0x50, 0x4b, 0x03, 0x04], 22);
    patch(&mut bytes, [0x50, 0x4b, 0x01, 0x02], 24);
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn a_workbook_declaring_more_than_100_mb_unpacked_is_not_opened() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.xlsx");
    // 101 MB declared.
    zip_declaring(&path, 101 * 1024 * 1024);
    let refused = CellError {
        sheet: String::new(),
        row: 0,
        column: String::new(),
        message: "工作簿解压后为 101.0 MB，超过上限 100.0 MB；请拆分为几个工作簿分批导入".into(),
    };
    assert_eq!(errors(&path, &LIMITS), std::slice::from_ref(&refused));
    // The marked copy is not attempted either.
    let out = dir.path().join("marked.xlsx");
    let e = write_marked_copy(&path, &[refused], &out).unwrap_err();
    assert!(e.to_string().contains("超过上限 100.0 MB"), "{e}");
    // Exactly 100 MB declared passes the check (and then fails as the
    // broken workbook it is).
    zip_declaring(&path, 100 * 1024 * 1024);
    let got = errors(&path, &LIMITS);
    assert!(!got[0].message.contains("超过上限"), "{got:?}");
}

/// Junk before the archive, as calamine still reads it, does not hide the
/// declared size; and an .xlsx that is no zip at all is refused as such.
#[test]
fn junk_before_the_archive_hides_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.xlsx");
    zip_declaring(&path, 101 * 1024 * 1024);
    let mut bytes = b"junk junk junk ".to_vec();
    bytes.extend(std::fs::read(&path).unwrap());
    std::fs::write(&path, bytes).unwrap();
    let got = errors(&path, &LIMITS);
    assert!(got[0].message.contains("超过上限 100.0 MB"), "{got:?}");
    std::fs::write(&path, b"not a workbook at all").unwrap();
    let got = errors(&path, &LIMITS);
    assert!(
        got[0].message.contains("不是有效的 Excel 工作簿"),
        "{got:?}"
    );
}

/// Two cells, A1 and the last cell of a sheet: laid out as rows ×
/// columns that would be seventeen billion cells. The sheet is refused
/// before it is laid out, in the reader and in the marked copy.
#[test]
fn a_sparse_sheet_is_not_laid_out() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sparse.xlsx");
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("人员").unwrap();
    ws.write_string(0, 0, "身份证号码").unwrap();
    ws.write_string(1_048_575, 16_383, "x").unwrap();
    let ws = book.add_worksheet();
    ws.set_name("任职").unwrap();
    ws.write_string(0, 0, "身份证号码").unwrap();
    ws.write_string(1, 200, "far right").unwrap();
    book.save(&path).unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() < 20_000);
    let got = errors(&path, &LIMITS);
    let shown: Vec<(&str, &str)> = got
        .iter()
        .map(|e| (e.sheet.as_str(), e.message.as_str()))
        .collect();
    assert!(
        shown
            .iter()
            .any(|(s, m)| *s == "人员" && m.contains("超过上限 100000 行")),
        "{shown:?}"
    );
    assert!(
        shown
            .iter()
            .any(|(s, m)| *s == "任职" && m.contains("第 201 列")),
        "{shown:?}"
    );
    let out = dir.path().join("marked.xlsx");
    write_marked_copy(&path, &got, &out).unwrap();
}
