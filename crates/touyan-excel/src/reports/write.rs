//! Writing a [`Report`] as a workbook, and reading any workbook back as
//! text, for checks.

use std::collections::HashSet;
use std::path::Path;

use calamine::{Reader, open_workbook_auto};
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};
use touyan_reports::EXAMPLE_WARNING;
use touyan_rules::num::round_fen;

use super::{Block, Cell, Report, Sheet};
use crate::ExcelError;
use crate::write::decimal_f64;

struct ReportFormats {
    title: Format,
    warning: Format,
    info: Format,
    heading: Format,
    header: Format,
    /// [plain, bold] of each cell kind.
    text: [Format; 2],
    int: [Format; 2],
    money: [Format; 2],
    rate: [Format; 2],
    num: [Format; 2],
    signature: Format,
}

impl ReportFormats {
    fn new() -> ReportFormats {
        let cell = Format::new().set_border(FormatBorder::Thin);
        let pair = |f: Format| [f.clone(), f.set_bold()];
        ReportFormats {
            title: Format::new()
                .set_bold()
                .set_font_size(16)
                .set_align(FormatAlign::Center),
            warning: Format::new()
                .set_bold()
                .set_font_size(12)
                .set_font_color(Color::RGB(0xC00000))
                .set_background_color(Color::RGB(0xFFF2CC)),
            info: Format::new(),
            heading: Format::new().set_bold(),
            header: Format::new()
                .set_bold()
                .set_border(FormatBorder::Thin)
                .set_background_color(Color::RGB(0xD9D9D9))
                .set_align(FormatAlign::Center)
                .set_text_wrap(),
            text: pair(cell.clone().set_num_format("@")),
            int: pair(cell.clone().set_num_format("0")),
            money: pair(cell.clone().set_num_format("0.00")),
            rate: pair(cell.clone().set_num_format("0.0000")),
            num: pair(cell.set_num_format("General")),
            signature: Format::new().set_font_size(12),
        }
    }
}

/// Columns a string takes on screen: Chinese characters two.
fn display_width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// An Excel sheet name: no `[]:*?/\`, at most 31 characters, unique in the
/// workbook.
fn sheet_name(wanted: &str, used: &mut HashSet<String>) -> String {
    let clean: String = wanted
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .collect();
    let clean = clean.trim_matches('\'');
    let base: String = if clean.is_empty() {
        "表".to_owned()
    } else {
        clean.chars().take(31).collect()
    };
    let mut name = base.clone();
    let mut k = 2;
    while !used.insert(name.to_lowercase()) {
        let suffix = format!("（{k}）");
        let room = 31 - suffix.chars().count();
        name = format!("{}{suffix}", base.chars().take(room).collect::<String>());
        k += 1;
    }
    name
}

fn write_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    bold: bool,
    f: &ReportFormats,
) -> Result<(), XlsxError> {
    let b = usize::from(bold);
    match cell {
        Cell::Empty => {
            ws.write_blank(row, col, &f.text[b])?;
        }
        Cell::Text(s) => {
            ws.write_string_with_format(row, col, s, &f.text[b])?;
        }
        Cell::Int(n) => {
            ws.write_number_with_format(row, col, *n as f64, &f.int[b])?;
        }
        Cell::Money(d) => {
            ws.write_number_with_format(row, col, decimal_f64(round_fen(*d)), &f.money[b])?;
        }
        Cell::Rate(d) => {
            ws.write_number_with_format(row, col, decimal_f64(*d), &f.rate[b])?;
        }
        Cell::Num(d) => {
            ws.write_number_with_format(row, col, decimal_f64(*d), &f.num[b])?;
        }
    }
    Ok(())
}

fn write_line(
    ws: &mut Worksheet,
    row: u32,
    width: u16,
    text: &str,
    format: &Format,
) -> Result<(), XlsxError> {
    if width > 1 {
        ws.merge_range(row, 0, row, width - 1, text, format)?;
    } else {
        ws.write_string_with_format(row, 0, text, format)?;
    }
    Ok(())
}

fn write_sheet(ws: &mut Worksheet, s: &Sheet, f: &ReportFormats) -> Result<(), XlsxError> {
    let width = s
        .blocks
        .iter()
        .map(|b| match b {
            Block::Table { headers, .. } => headers.len(),
            _ => 1,
        })
        .max()
        .unwrap_or(1)
        .clamp(1, 200) as u16;
    let mut widths = vec![4usize; usize::from(width)];
    let mut r = 0u32;
    write_line(ws, r, width, &s.title, &f.title)?;
    ws.set_row_height(r, 24)?;
    r += 1;
    if s.warning {
        write_line(ws, r, width, EXAMPLE_WARNING, &f.warning)?;
        r += 1;
    }
    for line in &s.info {
        ws.write_string_with_format(r, 0, line, &f.info)?;
        r += 1;
    }
    r += 1;
    let mut freeze = None;
    for block in &s.blocks {
        match block {
            Block::Heading(text) => {
                ws.write_string_with_format(r, 0, text, &f.heading)?;
                r += 1;
            }
            Block::Table { headers, rows } => {
                for (c, h) in headers.iter().enumerate() {
                    ws.write_string_with_format(r, c as u16, h, &f.header)?;
                    widths[c] = widths[c].max(display_width(h).min(16));
                }
                freeze.get_or_insert(r + 1);
                r += 1;
                for row in rows {
                    for (c, cell) in row.cells.iter().enumerate().take(usize::from(width)) {
                        write_cell(ws, r, c as u16, cell, row.total, f)?;
                        widths[c] = widths[c].max(display_width(&cell.text()));
                    }
                    r += 1;
                }
                r += 1;
            }
            Block::Signatures(lines) => {
                r += 1;
                let n = lines.len().max(1) as u16;
                let step = (width / n).max(1);
                for (i, line) in lines.iter().enumerate() {
                    let c = (i as u16 * step).min(width.saturating_sub(1));
                    ws.write_string_with_format(r, c, line, &f.signature)?;
                }
                ws.set_row_height(r, 28)?;
                r += 2;
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (*w).min(60) as f64 + 2.0)?;
    }
    if let Some(row) = freeze {
        ws.set_freeze_panes(row, 0)?;
    }
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}

/// A report laid out as a workbook, one worksheet per sheet.
fn workbook(report: &Report) -> Result<Workbook, ExcelError> {
    let f = ReportFormats::new();
    let mut book = Workbook::new();
    let mut used = HashSet::new();
    for s in &report.sheets {
        let ws = book.add_worksheet();
        ws.set_name(sheet_name(&s.name, &mut used))?;
        write_sheet(ws, s, &f)?;
    }
    if report.sheets.is_empty() {
        book.add_worksheet();
    }
    Ok(book)
}

/// Writes a report, one worksheet per sheet.
pub fn write_report(path: &Path, report: &Report) -> Result<(), ExcelError> {
    workbook(report)?.save(path)?;
    Ok(())
}

/// A report's workbook as bytes, made in memory: for a file that must
/// never touch the server's disk in the clear (the one-card file, with
/// full ID numbers and accounts).
pub fn report_bytes(report: &Report) -> Result<Vec<u8>, ExcelError> {
    Ok(workbook(report)?.save_to_buffer()?)
}

/// A sheet read back: its name and every row from the first, each cell as
/// text (numbers as Rust prints them: `3600`, `0.8689`; empty cells "").
pub type SheetText = (String, Vec<Vec<String>>);

/// Reads every sheet of a workbook as text, rows and columns from A1.
pub fn read_report(path: &Path) -> Result<Vec<SheetText>, ExcelError> {
    let mut book = open_workbook_auto(path).map_err(|e| ExcelError::Read(e.to_string()))?;
    let names = book.sheet_names().to_owned();
    let mut out = Vec::new();
    for name in names {
        let range = book
            .worksheet_range(&name)
            .map_err(|e| ExcelError::Read(e.to_string()))?;
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let (r1, c1) = range.end().unwrap_or((0, 0));
        let mut grid = if range.is_empty() {
            Vec::new()
        } else {
            vec![vec![String::new(); c1 as usize + 1]; r1 as usize + 1]
        };
        for (r, c, d) in range.cells() {
            grid[r + r0 as usize][c + c0 as usize] = d.to_string();
        }
        out.push((name, grid));
    }
    Ok(out)
}
