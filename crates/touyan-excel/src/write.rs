//! Writing: the template and the roster export share one layout, the
//! marked copy reuses its column set-up.

use std::path::Path;

use rust_decimal::Decimal;
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DataValidationRule, ExcelDateTime, Format,
    FormatBorder, Workbook, Worksheet, XlsxError,
};
use time::Date;
use touyan_records::Mask;

use crate::cell::{DATE_FORMS, FIRST_YEAR, LAST_YEAR, column_letter};
use crate::spec::{self, Kind, Record, SheetSpec, Val, Visit};
use crate::{ExcelError, Roster};

/// The first sheet: what to type where.
pub const INSTRUCTIONS_SHEET: &str = "说明";

/// The last row a validation or column format reaches (Excel's last row).
const LAST_ROW: u32 = 1_048_575;

/// The formats a sheet's cells use.
pub(crate) struct Formats {
    pub header: Format,
    pub header_required: Format,
    pub text: Format,
    pub date: Format,
    pub month: Format,
    pub number: Format,
    pub title: Format,
    pub wrap: Format,
}

impl Formats {
    pub fn new() -> Formats {
        let header = Format::new()
            .set_bold()
            .set_border(FormatBorder::Thin)
            .set_background_color(Color::RGB(0xD9D9D9))
            .set_num_format("@");
        Formats {
            header_required: header.clone().set_background_color(Color::RGB(0xFFE699)),
            header,
            text: Format::new().set_num_format("@"),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            month: Format::new().set_num_format("yyyy-mm"),
            number: Format::new(),
            title: Format::new().set_bold().set_font_size(14),
            wrap: Format::new().set_text_wrap(),
        }
    }

    /// The format of a column of `kind` (for its cells and the column).
    pub fn for_kind(&self, kind: Kind) -> &Format {
        match kind {
            Kind::Date => &self.date,
            Kind::Month => &self.month,
            Kind::Int { .. } | Kind::Decimal { .. } => &self.number,
            _ => &self.text,
        }
    }
}

fn width(kind: Kind, header: &str) -> f64 {
    let own = match kind {
        Kind::PersonKey | Kind::Person => 21.0,
        Kind::Village => 15.0,
        Kind::Town => 12.0,
        Kind::Date | Kind::Month => 12.0,
        Kind::Text => 20.0,
        Kind::Choice(labels) => {
            labels()
                .iter()
                .map(|l| l.chars().count())
                .max()
                .unwrap_or(4) as f64
                * 2.0
                + 3.0
        }
        _ => 10.0,
    };
    // Chinese characters are about two columns wide.
    own.max(header.chars().count() as f64 * 2.0 + 3.0)
}

fn clip(s: &str, max: usize) -> String {
    // Excel's limits count UTF-16 units; every character here is one.
    s.chars().take(max).collect()
}

/// The data validation (drop-down or range) of a column, with its help as
/// the input message.
pub(crate) fn validation(col: &spec::Column) -> Result<DataValidation, XlsxError> {
    let dv = DataValidation::new();
    let dv = match col.kind {
        Kind::Choice(labels) => dv.allow_list_strings(&labels())?,
        Kind::YesNo => dv.allow_list_strings(&["是", "否"])?,
        Kind::Int { min, max } => dv.allow_whole_number(DataValidationRule::Between(
            i32::try_from(min).unwrap_or(i32::MIN),
            i32::try_from(max).unwrap_or(i32::MAX),
        )),
        Kind::Decimal { .. } => {
            dv.allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0))
        }
        Kind::PersonKey | Kind::Person => dv.allow_text_length(DataValidationRule::EqualTo(18)),
        Kind::Village => dv.allow_text_length(DataValidationRule::EqualTo(12)),
        Kind::Town => dv.allow_text_length(DataValidationRule::EqualTo(9)),
        _ => dv.allow_any_value(),
    };
    let help = if col.note.is_empty() {
        col.kind.help()
    } else {
        format!("{}。{}", col.kind.help(), col.note)
    };
    dv.set_input_title(clip(col.header, 32))?
        .set_input_message(clip(&help, 250))?
        .set_error_title("输入值不符合本列要求")?
        .set_error_message(clip(&help, 250))
        .map(|dv| dv.set_error_style(DataValidationErrorStyle::Stop))
}

/// Column widths, formats and validations, the header row and the frozen
/// pane of a record sheet whose spec columns sit at `positions`.
pub(crate) fn set_up_sheet(
    ws: &mut Worksheet,
    spec: &SheetSpec,
    positions: &[Option<u32>],
    f: &Formats,
    write_headers: bool,
) -> Result<(), XlsxError> {
    for (col, pos) in spec.columns.iter().zip(positions) {
        let Some(c) = pos.and_then(|c| u16::try_from(c).ok()) else {
            continue;
        };
        ws.set_column_width(c, width(col.kind, col.header))?;
        ws.set_column_format(c, f.for_kind(col.kind))?;
        ws.add_data_validation(1, c, LAST_ROW, c, &validation(col)?)?;
        if write_headers {
            let hf = if col.required {
                &f.header_required
            } else {
                &f.header
            };
            ws.write_string_with_format(0, c, col.header, hf)?;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

fn excel_date(d: Date) -> Option<ExcelDateTime> {
    ExcelDateTime::from_ymd(u16::try_from(d.year()).ok()?, u8::from(d.month()), d.day()).ok()
}

pub(crate) fn decimal_f64(d: Decimal) -> f64 {
    // Through the decimal text: the nearest double, which Excel shows and
    // writes back as the same short text.
    d.normalize().to_string().parse().unwrap_or(0.0)
}

/// Writes one typed value in its column's form.
pub(crate) fn write_val(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    kind: Kind,
    val: &Val,
    mask: Option<Mask>,
    fmt: &Format,
) -> Result<(), XlsxError> {
    match val {
        Val::Empty => {}
        Val::Id(id) => {
            let text = match mask {
                Some(m) => id.masked(m),
                None => id.as_str().to_owned(),
            };
            ws.write_string_with_format(row, col, text, fmt)?;
        }
        Val::Village(v) => {
            ws.write_string_with_format(row, col, v.as_str(), fmt)?;
        }
        Val::Town(t) => {
            ws.write_string_with_format(row, col, t.as_str(), fmt)?;
        }
        Val::Text(s) => {
            ws.write_string_with_format(row, col, s, fmt)?;
        }
        Val::Date(d) => match excel_date(*d) {
            Some(x) => {
                ws.write_datetime_with_format(row, col, x, fmt)?;
            }
            None => {
                ws.write_string(row, col, d.to_string())?;
            }
        },
        Val::Int(n) => {
            ws.write_number_with_format(row, col, *n as f64, fmt)?;
        }
        Val::Dec(d) => {
            ws.write_number_with_format(row, col, decimal_f64(*d), fmt)?;
        }
        Val::Bool(b) => {
            ws.write_string_with_format(row, col, if *b { "是" } else { "否" }, fmt)?;
        }
        Val::Choice(i) => {
            let label = match kind {
                Kind::Choice(labels) => labels().get(*i).copied().unwrap_or_default(),
                _ => "",
            };
            ws.write_string_with_format(row, col, label, fmt)?;
        }
    }
    Ok(())
}

/// What a workbook is for, as its 说明 sheet says.
enum Purpose<'a> {
    Template(&'a Access),
    Export(Option<Mask>),
}

/// Who may import what, for the template's 说明 sheet: general notes
/// (for the account that downloads it) and a line per sheet, by sheet
/// name. The caller knows the roles; this crate only lays them out.
#[derive(Clone, Debug, Default)]
pub struct Access {
    pub notes: Vec<String>,
    pub sheets: Vec<(String, String)>,
}

fn instructions(ws: &mut Worksheet, purpose: &Purpose, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name(INSTRUCTIONS_SHEET)?;
    let title = match purpose {
        Purpose::Template(_) => "头雁 村党组织书记专业化管理 名册导入模板",
        Purpose::Export(_) => "头雁 村党组织书记专业化管理 名册导出",
    };
    ws.write_string_with_format(0, 0, title, &f.title)?;
    let mut notes: Vec<String> = Vec::new();
    match purpose {
        Purpose::Template(a) => notes.extend(a.notes.iter().cloned()),
        Purpose::Export(None) => notes.push(
            "本文件由头雁系统导出，版式与导入模板相同，可直接重新导入。含完整身份证号码，请妥善保管。".into(),
        ),
        Purpose::Export(Some(m)) => notes.push(format!(
            "本文件中的身份证号码已脱敏（保留前 {} 位和后 {} 位，如 {}），仅供查阅，不能重新导入；需要导入时请导出完整号码。",
            m.head,
            m.tail,
            m.apply("37078319800101123X")
        )),
    }
    notes.extend(
        [
            "每个工作表是一类记录，表名和第 1 行表头请勿修改；从第 2 行起每行一条记录，空行会被跳过。可以只填需要的工作表，其余留空。".to_owned(),
            "表头为黄色的列必须填写；带下拉箭头的列请从列表中选择。".to_owned(),
            "身份证号码、村代码、镇街代码、编号等列已设为文本格式，请直接输入或“粘贴为文本”。若号码存成了数字，18 位号码会丢失末几位，导入时会被拒绝。身份证号码不能用全角数字。".to_owned(),
            format!("日期可填 {DATE_FORMS}，须在 {FIRST_YEAR}–{LAST_YEAR} 年之间；月份可填 2024-05、2024/5、2024年5月。单元格前后的空格会被忽略。"),
            "各表引用的人员须在“人员”表中或已在系统中登记；村代码须是系统已知的村；“参训记录”的班次编号须在“培训班次”表中。".to_owned(),
            "导入时先检查整个工作簿：有任何错误就不导入任何内容，并另存一份副本，把有错的单元格标成红底并附批注，另附“错误清单”工作表。".to_owned(),
        ],
    );
    for (i, n) in notes.iter().enumerate() {
        ws.write_string(1 + i as u32, 0, n)?;
    }
    let top = notes.len() as u32 + 2;
    let headers = ["工作表", "列", "列名", "必填", "填写要求"];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(top, c as u16, *h, &f.header)?;
    }
    let mut r = top + 1;
    for s in spec::sheets() {
        ws.write_string_with_format(r, 0, s.name, &f.header)?;
        let who = match purpose {
            Purpose::Template(a) => a
                .sheets
                .iter()
                .find(|(n, _)| n == s.name)
                .map(|(_, w)| format!("（{w}）")),
            Purpose::Export(_) => None,
        };
        match who {
            Some(w) => ws.write_string_with_format(r, 4, format!("{}{w}", s.about), &f.wrap)?,
            None => ws.write_string_with_format(r, 4, s.about, &f.wrap)?,
        };
        r += 1;
        for (i, col) in s.columns.iter().filter(|c| c.written()).enumerate() {
            ws.write_string(r, 0, s.name)?;
            ws.write_string(r, 1, column_letter(i as u32))?;
            ws.write_string(r, 2, col.header)?;
            ws.write_string(r, 3, if col.required { "是" } else { "否" })?;
            let help = if col.note.is_empty() {
                col.kind.help()
            } else {
                format!("{}。{}", col.kind.help(), col.note)
            };
            ws.write_string_with_format(r, 4, help, &f.wrap)?;
            r += 1;
        }
    }
    ws.set_column_width(0, 14)?;
    ws.set_column_width(1, 5)?;
    ws.set_column_width(2, 22)?;
    ws.set_column_width(3, 6)?;
    ws.set_column_width(4, 80)?;
    Ok(())
}

struct WriteSheets<'a> {
    book: &'a mut Workbook,
    roster: &'a Roster,
    mask: Option<Mask>,
    f: &'a Formats,
    result: Result<(), XlsxError>,
}

impl Visit for WriteSheets<'_> {
    fn visit<T: Record>(&mut self) {
        if self.result.is_ok() {
            self.result = self.sheet::<T>();
        }
    }
}

impl WriteSheets<'_> {
    fn sheet<T: Record>(&mut self) -> Result<(), XlsxError> {
        let spec = T::spec();
        let ws = self.book.add_worksheet();
        ws.set_name(spec.name)?;
        // The written columns, side by side (an older template's are not).
        let mut next = 0;
        let positions: Vec<Option<u32>> = spec
            .columns
            .iter()
            .map(|c| {
                c.written().then(|| {
                    next += 1;
                    next - 1
                })
            })
            .collect();
        set_up_sheet(ws, spec, &positions, self.f, true)?;
        for (i, rec) in T::list(self.roster).iter().enumerate() {
            let row = i as u32 + 1;
            for ((col, val), c) in spec.columns.iter().zip(rec.to_row()).zip(&positions) {
                let Some(c) = *c else { continue };
                write_val(
                    ws,
                    row,
                    c as u16,
                    col.kind,
                    &val,
                    self.mask,
                    self.f.for_kind(col.kind),
                )?;
            }
        }
        Ok(())
    }
}

fn write_book(path: &Path, roster: &Roster, purpose: Purpose) -> Result<(), ExcelError> {
    let mask = match purpose {
        Purpose::Export(m) => m,
        Purpose::Template(_) => None,
    };
    let f = Formats::new();
    let mut book = Workbook::new();
    instructions(book.add_worksheet(), &purpose, &f)?;
    let mut w = WriteSheets {
        book: &mut book,
        roster,
        mask,
        f: &f,
        result: Ok(()),
    };
    spec::each_record(&mut w);
    w.result?;
    book.save(path)?;
    Ok(())
}

/// Writes the empty import workbook: 说明 first, then one sheet per record
/// kind with its headers, drop-downs, text and date columns and a frozen
/// header row.
pub fn write_template(path: &Path) -> Result<(), ExcelError> {
    write_book(
        path,
        &Roster::default(),
        Purpose::Template(&Access::default()),
    )
}

/// [`write_template`] with who may import each sheet in its 说明.
pub fn write_template_for(path: &Path, access: &Access) -> Result<(), ExcelError> {
    write_book(path, &Roster::default(), Purpose::Template(access))
}

/// Writes a roster in the template's layout. With `Some(mask)` the ID
/// numbers are masked and the 说明 sheet says the file cannot be imported;
/// with `None` the file reads back as the same roster.
pub fn write_roster(path: &Path, roster: &Roster, mask: Option<Mask>) -> Result<(), ExcelError> {
    write_book(path, roster, Purpose::Export(mask))
}
