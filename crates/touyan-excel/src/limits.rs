//! How large a workbook may be: checked before calamine reads it, so that
//! a small file that unpacks to gigabytes (one cell of 500 MB in a 545 KB
//! .xlsx) is refused on its declared sizes instead of being read.
//!
//! An .xlsx (and an .ods) is a zip archive: its central directory declares
//! each entry's unpacked size, and the `zip` crate that calamine reads
//! through stops any entry that unpacks to more than it declared. So the
//! sum of the declared sizes bounds what calamine can unpack; it is checked
//! against [`Limits::max_unpacked`] before calamine opens the file. A file
//! that is not a zip (.xls) is read as it is: its own size is checked.
//!
//! While reading, a sheet with more than [`Limits::max_rows`] data rows is
//! refused whole, and a cell longer than [`Limits::max_cell_chars`] is a
//! cell error. Messages quote a cell by its first [`EXCERPT_CHARS`]
//! characters only ([`excerpt`]).

use std::fs::File;
use std::path::Path;

use crate::CellError;

/// The limits a workbook is read within.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The sum of the unpacked sizes of a workbook's parts, bytes.
    pub max_unpacked: u64,
    /// Data rows of one sheet (the header row not counted).
    pub max_rows: u32,
    /// Characters of one cell.
    pub max_cell_chars: usize,
    /// Problems listed; beyond them one more problem says how many more.
    pub max_problems: usize,
}

/// The limits `touyan import` and the import page read within. A county's
/// roster (Shouguang's demo, 14,393 rows) unpacks to 2.8 MB with at most
/// 3,415 rows a sheet; a province like Chongqing (109,838 rows) to about
/// 22 MB with about 26,000 a sheet. A cell of 95 MB (in a 450 KB file)
/// took `touyan import` to 321 MB: unpacked sizes are what memory
/// follows. Larger provinces are imported in several workbooks.
pub const LIMITS: Limits = Limits {
    max_unpacked: 100 * 1024 * 1024,
    max_rows: 100_000,
    max_cell_chars: 2_000,
    max_problems: 10_000,
};

impl Default for Limits {
    fn default() -> Limits {
        LIMITS
    }
}

pub use touyan_records::text::{EXCERPT_CHARS, excerpt};

fn mb(bytes: u64) -> String {
    let tenths = bytes.saturating_mul(10) / (1024 * 1024);
    format!("{}.{}", tenths / 10, tenths % 10)
}

fn whole_workbook(message: String) -> CellError {
    CellError {
        sheet: String::new(),
        row: 0,
        column: String::new(),
        message,
    }
}

/// The sum of the unpacked sizes of a zip's entries as its central
/// directory declares them (`None`: not a zip archive). The `zip` crate
/// refuses to unpack an entry past its declared size, so the sum bounds
/// what reading can unpack. Junk before the archive does not hide it: the
/// directory is found from the end, as calamine finds it.
fn declared_unpacked(path: &Path) -> std::io::Result<Option<u64>> {
    let Ok(zip) = zip::ZipArchive::new(File::open(path)?) else {
        return Ok(None);
    };
    let mut total = 0u64;
    for i in 0..zip.len() {
        // The central directory's entry: no local header is read.
        let size = zip.by_index_data(i).map_or(u64::MAX, |e| e.size());
        total = total.saturating_add(size);
    }
    Ok(Some(total))
}

/// Whether `path` names a workbook kept in a zip archive (.xlsx, .xlsm,
/// .ods), which must then read as one.
fn zipped(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| ["xlsx", "xlsm", "ods"].contains(&e.to_ascii_lowercase().as_str()))
}

/// The columns a sheet may use: every template sheet has far fewer; a
/// cell further right is refused before the sheet is laid out in memory
/// (calamine lays a sheet out as rows × columns, blank cells included).
pub const MAX_COLUMNS: u32 = 64;

/// The rows and columns an .xlsx sheet uses, read cell by cell without
/// laying it out, stopping at the first cell past the limits: `Err` is
/// the problem of a sheet too large to lay out.
pub(crate) fn xlsx_extent<RS: std::io::Read + std::io::Seek>(
    book: &mut calamine::Xlsx<RS>,
    name: &str,
    limits: &Limits,
) -> Result<(), String> {
    let mut cells = book
        .worksheet_cells_reader(name)
        .map_err(|e| format!("无法读取本表：{e}"))?;
    loop {
        match cells.next_cell() {
            Ok(Some(c)) => {
                let (row, col) = c.get_position();
                if let Some(m) = too_many_rows(row, limits) {
                    return Err(m);
                }
                if col >= MAX_COLUMNS {
                    return Err(format!(
                        "本表第 {} 列有内容，超出模板的列（至多 {MAX_COLUMNS} 列），未检查；请删去多余的列",
                        col + 1
                    ));
                }
            }
            Ok(None) => return Ok(()),
            Err(e) => return Err(format!("无法读取本表：{e}")),
        }
    }
}

/// Whether the file at `path` may be read: its unpacked size (declared by
/// its zip directory, or its own size) within `limits`.
pub fn check_file(path: &Path, limits: &Limits) -> Result<(), CellError> {
    let unreadable = |e: std::io::Error| whole_workbook(format!("无法读取工作簿：{e}"));
    let size = match declared_unpacked(path).map_err(unreadable)? {
        Some(unpacked) => unpacked,
        None if zipped(path) => {
            return Err(whole_workbook(
                "不是有效的 Excel 工作簿（.xlsx 文件应为 zip 压缩包）；请用 Excel 另存为 .xlsx 后再导入".to_owned(),
            ));
        }
        None => std::fs::metadata(path).map_err(unreadable)?.len(),
    };
    if size > limits.max_unpacked {
        return Err(whole_workbook(format!(
            "工作簿解压后为 {} MB，超过上限 {} MB；请拆分为几个工作簿分批导入",
            mb(size),
            mb(limits.max_unpacked)
        )));
    }
    Ok(())
}

/// The problem with a sheet of `rows` data rows, if more than allowed.
pub(crate) fn too_many_rows(rows: u32, limits: &Limits) -> Option<String> {
    (rows > limits.max_rows).then(|| {
        format!(
            "本表有 {rows} 行数据，超过上限 {} 行，未检查；请拆分为几个工作簿分批导入",
            limits.max_rows
        )
    })
}

/// The problem with a cell of `text`, if longer than allowed.
pub(crate) fn too_long(text: &str, limits: &Limits) -> Option<String> {
    // Counting stops one past the limit: a long cell is not walked twice.
    let n = text.chars().take(limits.max_cell_chars + 1).count();
    (n > limits.max_cell_chars).then(|| {
        format!(
            "单元格内容过长：超过 {} 个字符（开头为“{}”）",
            limits.max_cell_chars,
            excerpt(text)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_keep_thirty_characters() {
        assert_eq!(excerpt("短"), "短");
        let thirty = "一".repeat(30);
        assert_eq!(excerpt(&thirty), thirty);
        assert_eq!(excerpt(&format!("{thirty}二")), format!("{thirty}…"));
    }

    #[test]
    fn sizes_in_megabytes() {
        assert_eq!(mb(100 * 1024 * 1024), "100.0");
        assert_eq!(mb(3 * 1024 * 1024 / 2), "1.5");
        // Tenths are cut, not rounded: 0.99 MB is “0.9”.
        assert_eq!(mb(1024 * 1024 * 99 / 100), "0.9");
    }

    #[test]
    fn long_cells_and_many_rows() {
        let l = Limits {
            max_cell_chars: 5,
            max_rows: 3,
            ..LIMITS
        };
        assert_eq!(too_long("一二三四五", &l), None);
        assert_eq!(
            too_long("一二三四五六", &l).as_deref(),
            Some("单元格内容过长：超过 5 个字符（开头为“一二三四五六”）")
        );
        assert_eq!(too_many_rows(3, &l), None);
        assert!(
            too_many_rows(4, &l)
                .unwrap()
                .contains("本表有 4 行数据，超过上限 3 行")
        );
    }
}
