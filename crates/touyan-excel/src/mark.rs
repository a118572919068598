//! The marked copy: the clerk's workbook, cell for cell, with every bad
//! cell filled red and carrying a note, and a 错误清单 sheet.

use std::collections::BTreeMap;
use std::path::Path;

use calamine::{Data, Reader, Sheets, open_workbook_auto};
use rust_xlsxwriter::{Color, Format, Note, Url, Workbook, Worksheet, XlsxError};

use crate::cell::column_index;
use crate::limits::{LIMITS, check_file};
use crate::read::{layout, spec_for};
use crate::spec::Kind;
use crate::write::{Formats, set_up_sheet};
use crate::{CellError, ERROR_SHEET, ExcelError};

/// Excel's own "bad" fill.
pub const BAD_FILL: u32 = 0xFFC7CE;

fn bad(f: &Format) -> Format {
    f.clone()
        .set_background_color(Color::RGB(BAD_FILL))
        .set_font_color(Color::RGB(0x9C0006))
}

/// Writes `out`: a copy of `original` (values as they are: text stays text,
/// numbers numbers, dates dates) with the cell of every error in `errors`
/// filled red and noted with its messages, and a 错误清单 sheet listing
/// them all. Formulas are copied as their values. Read within
/// [`LIMITS`]: a workbook over its unpacked size is not copied, and of a
/// sheet over its rows only the rows up to the limit are.
pub fn write_marked_copy(
    original: &Path,
    errors: &[CellError],
    out: &Path,
) -> Result<(), ExcelError> {
    check_file(original, &LIMITS).map_err(|e| ExcelError::Read(e.message))?;
    let mut src = open_workbook_auto(original).map_err(|e| ExcelError::Read(e.to_string()))?;
    // Days to add to a 1904-system serial to get a 1900-system one.
    let shift = match &src {
        Sheets::Xlsx(x) if x.has_1904_epoch() => 1462.0,
        _ => 0.0,
    };
    // (sheet, row, col) → messages.
    let mut by_cell: BTreeMap<(&str, u32, u32), Vec<&str>> = BTreeMap::new();
    for e in errors {
        if let (true, Some(c)) = (e.row > 0, column_index(&e.column)) {
            by_cell
                .entry((e.sheet.as_str(), e.row - 1, c))
                .or_default()
                .push(&e.message);
        }
    }
    let f = Formats::new();
    let plain = Format::new();
    let datetime = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    let duration = Format::new().set_num_format("[h]:mm:ss");
    let mut book = Workbook::new();
    for name in src.sheet_names() {
        if name.trim() == ERROR_SHEET {
            continue;
        }
        // A sheet too large to lay out is copied empty: the error sheet
        // says why it was not read.
        if let Sheets::Xlsx(x) = &mut src
            && crate::limits::xlsx_extent(x, &name, &LIMITS).is_err()
        {
            book.add_worksheet().set_name(&name)?;
            continue;
        }
        let range = src
            .worksheet_range(&name)
            .map_err(|e| ExcelError::Read(e.to_string()))?;
        let ws = book.add_worksheet();
        ws.set_name(&name)?;
        // A known sheet gets the template's columns back (text, dates,
        // drop-downs), so that the corrected copy imports.
        let mut kinds: BTreeMap<u32, Kind> = BTreeMap::new();
        if let Some(spec) = spec_for(&name) {
            let l = layout(&range, spec);
            set_up_sheet(ws, spec, &l.positions, &f, false)?;
            for (col, pos) in spec.columns.iter().zip(&l.positions) {
                if let Some(p) = pos {
                    kinds.insert(*p, col.kind);
                }
            }
        }
        let mut marked: Vec<(u32, u32)> = Vec::new();
        for (r, c, d) in range.used_cells() {
            let (r, c) = (r as u32, c as u32);
            if r > LIMITS.max_rows {
                break;
            }
            let col_fmt = kinds.get(&c).map(|k| f.for_kind(*k));
            let base = match d {
                Data::String(_) | Data::DateTimeIso(_) | Data::DurationIso(_) | Data::Error(_) => {
                    &f.text
                }
                Data::DateTime(dt) if dt.is_duration() => &duration,
                Data::DateTime(dt) if dt.as_f64().fract() != 0.0 => &datetime,
                Data::DateTime(_) => match col_fmt {
                    Some(x) if kinds.get(&c).is_some_and(|k| matches!(k, Kind::Month)) => x,
                    _ => &f.date,
                },
                _ => &plain,
            };
            let messages = by_cell.get(&(name.as_str(), r, c));
            let fmt = match messages {
                Some(_) => {
                    marked.push((r, c));
                    &bad(base)
                }
                None => base,
            };
            copy_cell(ws, r, c, d, fmt, shift)?;
        }
        // Errors on cells that hold nothing (a required cell left empty,
        // a missing column).
        for (&(_, r, c), _) in
            by_cell.range((name.as_str(), 0, 0)..=(name.as_str(), u32::MAX, u32::MAX))
        {
            if !marked.contains(&(r, c)) {
                let base = kinds.get(&c).map_or(&plain, |k| f.for_kind(*k));
                ws.write_blank(r, col16(c)?, &bad(base))?;
            }
        }
        for (&(_, r, c), msgs) in
            by_cell.range((name.as_str(), 0, 0)..=(name.as_str(), u32::MAX, u32::MAX))
        {
            let note = Note::new(msgs.join("\n"))
                .add_author_prefix(false)
                .set_width(320)
                .set_height(90);
            ws.insert_note(r, col16(c)?, &note)?;
        }
    }
    error_list(book.add_worksheet(), errors, &f)?;
    book.save(out)?;
    Ok(())
}

fn col16(c: u32) -> Result<u16, XlsxError> {
    u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)
}

fn copy_cell(
    ws: &mut Worksheet,
    r: u32,
    c: u32,
    d: &Data,
    fmt: &Format,
    shift: f64,
) -> Result<(), XlsxError> {
    let c = col16(c)?;
    match d {
        Data::Empty => {}
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
            ws.write_string_with_format(r, c, s, fmt)?;
        }
        Data::Int(n) => {
            ws.write_number_with_format(r, c, *n as f64, fmt)?;
        }
        Data::Float(x) => {
            ws.write_number_with_format(r, c, *x, fmt)?;
        }
        Data::Bool(b) => {
            ws.write_boolean_with_format(r, c, *b, fmt)?;
        }
        Data::DateTime(dt) => {
            let v = if dt.is_duration() {
                dt.as_f64()
            } else {
                dt.as_f64() + shift
            };
            ws.write_number_with_format(r, c, v, fmt)?;
        }
        Data::Error(e) => {
            ws.write_string_with_format(r, c, e.to_string(), fmt)?;
        }
    }
    Ok(())
}

fn error_list(ws: &mut Worksheet, errors: &[CellError], f: &Formats) -> Result<(), XlsxError> {
    ws.set_name(ERROR_SHEET)?;
    for (c, h) in ["工作表", "行", "列", "问题", "定位"].iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &f.header)?;
    }
    for (i, e) in errors.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string(r, 0, &e.sheet)?;
        if e.row > 0 {
            ws.write_number(r, 1, f64::from(e.row))?;
            ws.write_string(r, 2, &e.column)?;
        }
        ws.write_string(r, 3, &e.message)?;
        if e.row > 0 && !e.sheet.is_empty() {
            let target = format!("'{}'!{}{}", e.sheet.replace('\'', "''"), e.column, e.row);
            ws.write_url(
                r,
                4,
                Url::new(format!("internal:{target}"))
                    .set_text(format!("{}!{}{}", e.sheet, e.column, e.row)),
            )?;
        }
    }
    ws.set_column_width(0, 14)?;
    ws.set_column_width(3, 80)?;
    ws.set_column_width(4, 18)?;
    ws.set_freeze_panes(1, 0)?;
    ws.set_active(true);
    Ok(())
}
