//! Reading a workbook: every cell checked, then every reference and
//! duplicate across sheets, and the records built only when nothing failed.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use calamine::{Data, Range, Reader, Sheets, open_workbook_auto};
use time::Date;
use touyan_records::CitizenId;

use crate::cell::{self, column_letter, is_blank, norm_label};
use crate::limits::{self, LIMITS, Limits, excerpt};
use crate::spec::{self, Era, Kind, Record, Row, SECONDMENT, SheetSpec, Val, Visit, WORK_LOG};
use crate::{CellError, ERROR_SHEET, INSTRUCTIONS_SHEET, Known, Roster};

/// Headers a clerk may add that are not data (a running number).
const IGNORED_HEADERS: [&str; 1] = ["序号"];

/// The spec of a sheet by its name (surrounding spaces ignored).
pub(crate) fn spec_for(name: &str) -> Option<&'static SheetSpec> {
    spec::sheets().into_iter().find(|s| s.name == name.trim())
}

/// Where a sheet's columns are, from its header row.
pub(crate) struct Layout {
    /// Sheet column (0-based) of each spec column, `None` when absent.
    pub positions: Vec<Option<u32>>,
    /// Header problems: (0-based column, message).
    pub errors: Vec<(u32, String)>,
    /// False when a required column is missing: its rows are not read.
    pub usable: bool,
    /// Whether each spec column must be filled in this sheet's layout
    /// (an older template's columns only in a sheet of that layout).
    pub required: Vec<bool>,
    /// The first column right of the header row, where a missing column's
    /// problems are shown.
    pub beyond: u32,
}

pub(crate) fn layout(range: &Range<Data>, spec: &SheetSpec) -> Layout {
    let width = range.end().map_or(0, |(_, c)| c + 1);
    let mut positions = vec![None; spec.columns.len()];
    let mut errors = Vec::new();
    let mut last_used = None;
    for c in 0..width {
        let Some(d) = range.get_value((0, c)) else {
            continue;
        };
        if is_blank(d) {
            continue;
        }
        last_used = Some(c);
        let h = norm_label(&cell::display(d));
        match spec
            .columns
            .iter()
            .position(|col| norm_label(col.header) == h)
        {
            Some(i) if positions[i].is_some() => {
                errors.push((c, format!("列“{}”重复出现", excerpt(&h))));
            }
            Some(i) => positions[i] = Some(c),
            None if IGNORED_HEADERS.contains(&h.as_str()) => {}
            None => errors.push((
                c,
                format!(
                    "不认识的列“{}”；本表的列为：{}",
                    excerpt(&h),
                    spec.columns
                        .iter()
                        .filter(|c| c.written())
                        .map(|c| c.header)
                        .collect::<Vec<_>>()
                        .join("、")
                ),
            )),
        }
    }
    let beyond = last_used.map_or(0, |c| c + 1);
    let mut usable = true;
    // A sheet filled in from an older template: its columns, not the
    // current ones that replaced them, and not both.
    let present = |era: Era| {
        spec.columns
            .iter()
            .zip(&positions)
            .filter(move |(c, p)| c.era == era && p.is_some())
    };
    let older = present(Era::Older).next().is_some();
    if older && let Some((current, at)) = present(Era::Current).next() {
        usable = false;
        errors.push((
            at.unwrap_or(beyond),
            format!(
                "“{}”是新版模板的列，不能与旧版模板的“{}”同表使用；请只用一种",
                current.header,
                present(Era::Older)
                    .map(|(c, _)| c.header)
                    .collect::<Vec<_>>()
                    .join("”“")
            ),
        ));
    }
    let required: Vec<bool> = spec
        .columns
        .iter()
        .map(|c| {
            c.required
                && match c.era {
                    Era::Every => true,
                    Era::Current => !older,
                    Era::Older => older,
                }
        })
        .collect();
    for (i, col) in spec.columns.iter().enumerate() {
        if positions[i].is_none() && required[i] {
            usable = false;
            errors.push((
                beyond,
                format!("缺少必填列“{}”（第 1 行是表头）", col.header),
            ));
        }
    }
    Layout {
        positions,
        errors,
        usable,
        required,
        beyond,
    }
}

/// A problem, with the sheet's place in the workbook for sorting.
struct Problem {
    sheet_order: usize,
    col: u32,
    error: CellError,
}

/// The problems found, at most `max` of them kept (`more`: how many were
/// not).
struct Problems {
    list: Vec<Problem>,
    max: usize,
    more: usize,
}

impl Problems {
    fn new(max: usize) -> Problems {
        Problems {
            list: Vec::new(),
            max,
            more: 0,
        }
    }

    fn is_empty(&self) -> bool {
        self.list.is_empty() && self.more == 0
    }

    fn push(&mut self, p: Problem) {
        if self.list.len() < self.max {
            self.list.push(p);
        } else {
            self.more += 1;
        }
    }

    fn cell(&mut self, order: usize, sheet: &str, row: u32, col: u32, message: String) {
        if self.list.len() >= self.max {
            self.more += 1;
            return;
        }
        self.push(Problem {
            sheet_order: order,
            col,
            error: CellError {
                sheet: sheet.to_owned(),
                row,
                column: column_letter(col),
                message,
            },
        });
    }

    fn sheet(&mut self, order: usize, sheet: &str, message: String) {
        self.push(Problem {
            sheet_order: order,
            col: 0,
            error: CellError {
                sheet: sheet.to_owned(),
                row: 0,
                column: String::new(),
                message,
            },
        });
    }

    fn into_sorted(mut self) -> Vec<CellError> {
        self.list
            .sort_by_key(|p| (p.sheet_order, p.error.row, p.col));
        let mut out: Vec<CellError> = self.list.into_iter().map(|p| p.error).collect();
        if self.more > 0 {
            out.push(CellError {
                sheet: String::new(),
                row: 0,
                column: String::new(),
                message: format!(
                    "另有 {} 处问题未列出（只列出前 {} 处）；请先改正以上问题",
                    self.more, self.max
                ),
            });
        }
        out
    }
}

struct ParsedRow {
    /// 1-based, as Excel shows it.
    row: u32,
    vals: Vec<Val>,
    /// A cell failed its column's checks: no record is built.
    bad: bool,
}

struct Sheet {
    order: usize,
    name: String,
    spec: &'static SheetSpec,
    layout: Layout,
    rows: Vec<ParsedRow>,
}

impl Sheet {
    fn col(&self, i: usize) -> u32 {
        self.layout.positions[i].unwrap_or(self.layout.beyond)
    }
}

fn open(path: &Path) -> Result<(Sheets<std::io::BufReader<std::fs::File>>, bool), CellError> {
    let book = open_workbook_auto(path).map_err(|e| CellError {
        sheet: String::new(),
        row: 0,
        column: String::new(),
        message: format!("无法打开 {}：{e}", path.display()),
    })?;
    let is_1904 = match &book {
        Sheets::Xlsx(x) => x.has_1904_epoch(),
        _ => false,
    };
    Ok((book, is_1904))
}

/// [`crate::read_workbook`] with every lookup given, session codes too.
pub fn read_workbook_with(path: &Path, known: &Known) -> Result<Roster, Vec<CellError>> {
    read_workbook_located(path, known).map(|(roster, _)| roster)
}

/// Where each record of a roster came from: for each sheet read, its spec
/// name (`人员`, `任职`, …), its name in the workbook and the Excel row
/// (1-based) of each record of its kind, in the roster's order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RowNumbers(pub Vec<(&'static str, String, Vec<u32>)>);

impl RowNumbers {
    /// The workbook's sheet name and Excel row of the `index`-th record of
    /// the sheet `spec_name`.
    pub fn of(&self, spec_name: &str, index: usize) -> Option<(&str, u32)> {
        self.0
            .iter()
            .find(|(n, _, _)| *n == spec_name)
            .and_then(|(_, sheet, rows)| rows.get(index).map(|r| (sheet.as_str(), *r)))
    }
}

/// [`read_workbook_with`], also saying which row each record came from
/// (for checks the caller makes on the records, such as a town's scope).
/// Read within [`LIMITS`].
pub fn read_workbook_located(
    path: &Path,
    known: &Known,
) -> Result<(Roster, RowNumbers), Vec<CellError>> {
    read_workbook_within(path, known, &LIMITS)
}

/// [`read_workbook_located`] within the given limits: the file's unpacked
/// size is checked before it is opened, a sheet over `max_rows` is refused
/// whole, a cell over `max_cell_chars` is a cell error, and at most
/// `max_problems` problems are listed.
pub fn read_workbook_within(
    path: &Path,
    known: &Known,
    limits: &Limits,
) -> Result<(Roster, RowNumbers), Vec<CellError>> {
    limits::check_file(path, limits).map_err(|e| vec![e])?;
    let (mut book, is_1904) = open(path).map_err(|e| vec![e])?;
    let mut problems = Problems::new(limits.max_problems);
    let mut sheets: Vec<Sheet> = Vec::new();
    for (order, name) in book.sheet_names().into_iter().enumerate() {
        if let Sheets::Xlsx(x) = &mut book
            && let Err(m) = limits::xlsx_extent(x, &name, limits)
        {
            problems.sheet(order, &name, m);
            continue;
        }
        let range = match book.worksheet_range(&name) {
            Ok(r) => r,
            Err(e) => {
                problems.sheet(order, &name, format!("无法读取本表：{e}"));
                continue;
            }
        };
        let Some(spec) = spec_for(&name) else {
            let trimmed = name.trim();
            if trimmed != INSTRUCTIONS_SHEET
                && trimmed != ERROR_SHEET
                && range.used_cells().any(|(_, _, d)| !is_blank(d))
            {
                problems.sheet(
                    order,
                    &name,
                    format!(
                        "不认识的工作表“{}”；可用的工作表为：{}",
                        excerpt(trimmed),
                        spec::sheets()
                            .iter()
                            .map(|s| s.name)
                            .collect::<Vec<_>>()
                            .join("、")
                    ),
                );
            }
            continue;
        };
        if sheets.iter().any(|s| s.spec.name == spec.name) {
            problems.sheet(order, &name, format!("工作表“{}”重复", spec.name));
            continue;
        }
        // Rows below the header (row 1), as the loop below reads them.
        let data_rows = range.end().map_or(0, |(r, _)| r);
        if let Some(m) = limits::too_many_rows(data_rows, limits) {
            problems.sheet(order, &name, m);
            continue;
        }
        let layout = layout(&range, spec);
        for (c, m) in &layout.errors {
            problems.cell(order, &name, 1, *c, m.clone());
        }
        let mut rows = Vec::new();
        if layout.usable {
            let height = range.end().map_or(0, |(r, _)| r + 1);
            for r in 1..height {
                let at = Place {
                    spec,
                    layout: &layout,
                    is_1904,
                    known,
                    limits,
                };
                if let Some(row) = parse_row(&range, r, &at, |c, m| {
                    problems.cell(order, &name, r + 1, c, m)
                }) {
                    rows.push(row);
                }
            }
        }
        sheets.push(Sheet {
            order,
            name,
            spec,
            layout,
            rows,
        });
    }
    cross_check(&sheets, known, &mut problems);
    let mut build = Build {
        sheets: &sheets,
        roster: Roster::default(),
        problems: &mut problems,
    };
    spec::each_record(&mut build);
    let roster = build.roster;
    if problems.is_empty() {
        // No problem: every non-empty row made exactly one record, in order.
        let rows = sheets
            .iter()
            .map(|s| {
                (
                    s.spec.name,
                    s.name.clone(),
                    s.rows.iter().map(|r| r.row).collect(),
                )
            })
            .collect();
        Ok((roster, RowNumbers(rows)))
    } else {
        Err(problems.into_sorted())
    }
}

/// What reading a sheet's rows needs.
struct Place<'a> {
    spec: &'a SheetSpec,
    layout: &'a Layout,
    is_1904: bool,
    known: &'a Known<'a>,
    limits: &'a Limits,
}

/// One data row (0-based `r`); `None` for an empty row.
fn parse_row(
    range: &Range<Data>,
    r: u32,
    at: &Place<'_>,
    mut report: impl FnMut(u32, String),
) -> Option<ParsedRow> {
    let Place {
        spec,
        layout,
        is_1904,
        known,
        limits,
    } = *at;
    let cells: Vec<Option<&Data>> = layout
        .positions
        .iter()
        .map(|p| p.and_then(|c| range.get_value((r, c))))
        .collect();
    if cells.iter().all(|d| d.is_none_or(is_blank)) {
        return None;
    }
    let mut bad = false;
    let mut vals = Vec::with_capacity(cells.len());
    for (i, (col, d)) in spec.columns.iter().zip(cells).enumerate() {
        let at = layout.positions[i].unwrap_or(layout.beyond);
        let (val, problem) = read_cell(col, layout.required[i], d, is_1904, known, limits);
        if let Some(m) = problem {
            report(at, m);
            bad = true;
        }
        vals.push(val);
    }
    Some(ParsedRow {
        row: r + 1,
        vals,
        bad,
    })
}

/// One cell of column `col` (`None`: absent), checked as the column's
/// kind — its length, its value, filled when `required`, a village code
/// known: the value read (`Val::Empty` when it cannot be; a village code
/// not known is kept, for the duplicate check) and the problem with it,
/// if any. A form's field is checked the same way ([`crate::form`]).
pub(crate) fn read_cell(
    col: &spec::Column,
    required: bool,
    d: Option<&Data>,
    is_1904: bool,
    known: &Known,
    limits: &Limits,
) -> (Val, Option<String>) {
    let long = d.and_then(|d| match d {
        Data::String(t) | Data::DateTimeIso(t) | Data::DurationIso(t) => {
            limits::too_long(t, limits)
        }
        _ => None,
    });
    if long.is_some() {
        return (Val::Empty, long);
    }
    let val = match d {
        Some(d) if !is_blank(d) => match cell::read(col.kind, d, is_1904) {
            Ok(v) => v,
            Err(m) => return (Val::Empty, Some(m)),
        },
        _ if required => return (Val::Empty, Some(format!("“{}”必须填写", col.header))),
        _ => Val::Empty,
    };
    if let (Kind::Village, Val::Village(v)) = (col.kind, &val)
        && !(known.villages)(v)
    {
        let m = format!("村代码 {v} 不是已知的村（系统的区划中没有这个代码）");
        return (val, Some(m));
    }
    (val, None)
}

/// References to people and sessions, and duplicate keys.
fn cross_check(sheets: &[Sheet], known: &Known, problems: &mut Problems) {
    let mut people: HashSet<&CitizenId> = HashSet::new();
    let mut sessions: HashSet<&str> = HashSet::new();
    for s in sheets {
        for (i, col) in s.spec.columns.iter().enumerate() {
            for r in &s.rows {
                match (col.kind, &r.vals[i]) {
                    (Kind::PersonKey, Val::Id(id)) => {
                        people.insert(id);
                    }
                    (Kind::SessionKey, Val::Text(t)) => {
                        sessions.insert(t);
                    }
                    _ => {}
                }
            }
        }
    }
    for s in sheets {
        for r in &s.rows {
            for (i, col) in s.spec.columns.iter().enumerate() {
                match (col.kind, &r.vals[i]) {
                    (Kind::Person, Val::Id(id)) if !people.contains(id) && !(known.people)(id) => {
                        problems.cell(
                            s.order,
                            &s.name,
                            r.row,
                            s.col(i),
                            "此人不在“人员”表中，也不在您可导入的已登记人员中；请先在“人员”表填写"
                                .into(),
                        );
                    }
                    (Kind::Session, Val::Text(t))
                        if !sessions.contains(t.as_str()) && !(known.sessions)(t) =>
                    {
                        problems.cell(
                            s.order,
                            &s.name,
                            r.row,
                            s.col(i),
                            format!(
                                "班次编号“{}”不在“培训班次”表中，也不在您可导入的已登记班次中",
                                excerpt(t)
                            ),
                        );
                    }
                    _ => {}
                }
            }
        }
        if s.spec.name == WORK_LOG.name {
            check_work_logs(s, sheets, known, problems);
        }
        if s.spec.key.is_empty() {
            continue;
        }
        let mut seen: HashMap<Vec<String>, u32> = HashMap::new();
        for r in &s.rows {
            let key: Vec<&Val> = s.spec.key.iter().map(|&k| &r.vals[k]).collect();
            if key.iter().any(|v| matches!(v, Val::Empty)) {
                continue;
            }
            let key: Vec<String> = key.iter().map(|v| v.key_text()).collect();
            if let Some(first) = seen.get(&key) {
                let headers: Vec<&str> = s
                    .spec
                    .key
                    .iter()
                    .map(|&k| s.spec.columns[k].header)
                    .collect();
                problems.cell(
                    s.order,
                    &s.name,
                    r.row,
                    s.col(s.spec.key[0]),
                    format!(
                        "{}重复：{}与第 {first} 行相同",
                        s.spec.key_what,
                        headers.join("、")
                    ),
                );
            } else {
                seen.insert(key, r.row);
            }
        }
    }
}

/// Every work log belongs to a secondment (by person and start date) in
/// the workbook's 挂职 sheet or on record, and is dated no later than its
/// end.
fn check_work_logs(logs: &Sheet, sheets: &[Sheet], known: &Known, problems: &mut Problems) {
    // The columns as `spec.rs` lays them out: 挂职 (person, …, start, end),
    // 挂职日志 (person, secondment start, log date, …).
    let mut in_book: HashMap<(&CitizenId, Date), Date> = HashMap::new();
    if let Some(sec) = sheets.iter().find(|s| s.spec.name == SECONDMENT.name) {
        for r in sec.rows.iter().filter(|r| !r.bad) {
            if let (Val::Id(id), Val::Date(start), Val::Date(end)) =
                (&r.vals[0], &r.vals[3], &r.vals[4])
            {
                in_book.insert((id, *start), *end);
            }
        }
    }
    for r in logs.rows.iter().filter(|r| !r.bad) {
        let (Val::Id(id), Val::Date(start), Val::Date(on)) = (&r.vals[0], &r.vals[1], &r.vals[2])
        else {
            continue;
        };
        let end = in_book
            .get(&(id, *start))
            .copied()
            .or_else(|| (known.secondments)(id, *start));
        match end {
            None => problems.cell(
                logs.order,
                &logs.name,
                r.row,
                logs.col(1),
                format!("此人没有 {start} 开始的挂职：“挂职”表和系统中都没有这段挂职"),
            ),
            // A date before the start is the row's own check (WorkLog).
            Some(end) if *on > end => problems.cell(
                logs.order,
                &logs.name,
                r.row,
                logs.col(2),
                format!("日志日期 {on} 晚于这段挂职的结束日期（{start} 至 {end}）"),
            ),
            Some(_) => {}
        }
    }
}

struct Build<'a> {
    sheets: &'a [Sheet],
    roster: Roster,
    problems: &'a mut Problems,
}

impl Visit for Build<'_> {
    fn visit<T: Record>(&mut self) {
        let Some(s) = self.sheets.iter().find(|s| s.spec.name == T::spec().name) else {
            return;
        };
        for r in s.rows.iter().filter(|r| !r.bad) {
            match T::from_row(&Row(&r.vals)) {
                Some(rec) => {
                    for (c, m) in rec.check() {
                        self.problems.cell(s.order, &s.name, r.row, s.col(c), m);
                    }
                    rec.add_read(&Row(&r.vals), &mut self.roster);
                }
                None => self.problems.cell(
                    s.order,
                    &s.name,
                    r.row,
                    0,
                    "本行无法读取（程序内部错误，请报告）".into(),
                ),
            }
        }
    }
}
