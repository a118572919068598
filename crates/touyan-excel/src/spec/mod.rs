//! The one table of the workbook's layout: every sheet, its columns in
//! order, what each column holds, which columns must be filled, which make
//! a row unique, and how a record becomes a row and back. The template, the
//! reader, the marked copy and the exporter all work from this module.

use rust_decimal::Decimal;
use time::Date;
use touyan_records::model::{
    Admonition, AnnualPlan, Attendance, Ballots, Certificate, ConditionAnswer, ExamResult, Exit,
    Labelled, ListEntry, PayPartRecord, PayRecord, Person, Post, Reserve, ReserveReport,
    Secondment, ThreeGood, TownYear, TrainingSession, VillageYear, WorkLog, YoungCadre,
};
use touyan_records::{CitizenId, TownCode, VillageCode};

use crate::Roster;

mod conditions;
mod evaluation;
mod lists;
mod pay_parts;
mod people;
mod reserves;
mod secondments;
mod training;
mod villages;

pub(crate) use secondments::{SECONDMENT, WORK_LOG};

/// What a column holds. Decides how a cell is read, how it is written, its
/// number format and its drop-down or other data validation.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// The 18-character citizen ID that defines a person (人员 only; unique).
    PersonKey,
    /// A citizen ID that must name someone in 人员 or already known.
    Person,
    /// A 12-digit village code that must be known.
    Village,
    /// A 9-digit town code.
    Town,
    /// The code that defines a training session (培训班次 only; unique).
    SessionKey,
    /// A session code that must be in 培训班次 or already known.
    Session,
    /// Free text.
    Text,
    /// A calendar date.
    Date,
    /// A month (stored as its first day).
    Month,
    /// A whole number in `min..=max`.
    Int { min: i64, max: i64 },
    /// A non-negative decimal with at most `places` decimals.
    Decimal { places: u32 },
    /// 是 / 否.
    YesNo,
    /// One of a fixed list of labels (a drop-down).
    Choice(fn() -> Vec<&'static str>),
}

impl Kind {
    /// Text columns: formatted as text (`@`) so that Excel keeps every digit.
    pub fn is_text(self) -> bool {
        matches!(
            self,
            Kind::PersonKey
                | Kind::Person
                | Kind::Village
                | Kind::Town
                | Kind::SessionKey
                | Kind::Session
                | Kind::Text
                | Kind::YesNo
                | Kind::Choice(_)
        )
    }

    /// What to type, for the 说明 sheet and the cell's input message.
    pub fn help(self) -> String {
        match self {
            Kind::PersonKey | Kind::Person => {
                "18 位公民身份号码，按文本录入（本列已设为文本格式）；末位 X 大小写均可；不能用全角数字".into()
            }
            Kind::Village => "12 位统计用区划代码（村级），按文本录入".into(),
            Kind::Town => "9 位统计用区划代码（镇街级），按文本录入".into(),
            Kind::SessionKey => "班次自编编号，同一工作簿内不能重复".into(),
            Kind::Session => "填“培训班次”表中的班次编号".into(),
            Kind::Text => "文字".into(),
            Kind::Date => "日期，如 2023-05-01、2023/5/1、2023.5.1、2023年5月1日".into(),
            Kind::Month => "月份，如 2024-05、2024/5、2024年5月，或该月任一日期".into(),
            Kind::Int { min, max } => format!("整数，{min}–{max}"),
            Kind::Decimal { places: 0 } => "非负整数".into(),
            Kind::Decimal { places } => format!("非负数，最多 {places} 位小数"),
            Kind::YesNo => "从下拉列表选择：是 / 否".into(),
            Kind::Choice(labels) => format!("从下拉列表选择：{}", labels().join(" / ")),
        }
    }
}

/// One column of a sheet.
#[derive(Debug)]
pub struct Column {
    pub header: &'static str,
    pub kind: Kind,
    /// Must be filled (in the layouts the column belongs to: see `era`).
    pub required: bool,
    /// Anything the 说明 sheet should add to the kind's own help.
    pub note: &'static str,
    pub era: Era,
}

/// Which layouts of its sheet a column belongs to. A sheet whose layout
/// changed keeps reading workbooks filled in from an older template: a
/// sheet with any `Older` column is read in the older layout, where the
/// `Current` columns it replaced may be absent; otherwise `Older` columns
/// are absent and the `Current` ones are required as marked. Only
/// `Every` and `Current` columns are written (the template, exports, 说明).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Era {
    /// In every layout.
    Every,
    /// In the current layout only.
    Current,
    /// In an older template only: read, never written.
    Older,
}

impl Column {
    /// Whether the template and exports carry this column.
    pub fn written(&self) -> bool {
        self.era != Era::Older
    }
}

/// One sheet: a record kind.
#[derive(Debug)]
pub struct SheetSpec {
    pub name: &'static str,
    /// What a row is, for the 说明 sheet.
    pub about: &'static str,
    pub columns: &'static [Column],
    /// The columns that together make a row unique (empty: no check).
    pub key: &'static [usize],
    /// What is duplicated when the key repeats ("人员", "班次" …).
    pub key_what: &'static str,
}

impl SheetSpec {
    pub fn column(&self, header: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.header == header)
    }
}

const fn req(header: &'static str, kind: Kind) -> Column {
    Column {
        header,
        kind,
        required: true,
        note: "",
        era: Era::Every,
    }
}

const fn opt(header: &'static str, kind: Kind) -> Column {
    Column {
        header,
        kind,
        required: false,
        note: "",
        era: Era::Every,
    }
}

/// A column of the current layout only (see [`Era`]).
const fn current(mut c: Column) -> Column {
    c.era = Era::Current;
    c
}

/// A column of an older template, still read (see [`Era`]).
const fn older(mut c: Column) -> Column {
    c.era = Era::Older;
    c
}

const fn noted(mut c: Column, note: &'static str) -> Column {
    c.note = note;
    c
}

const YEAR: Kind = Kind::Int {
    min: 1900,
    max: 2100,
};

/// A typed cell value, as read (after every check of its column's kind)
/// or about to be written.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Empty,
    Id(CitizenId),
    Village(VillageCode),
    Town(TownCode),
    Text(String),
    Date(Date),
    Int(i64),
    Dec(Decimal),
    Bool(bool),
    /// Index into the column's label list.
    Choice(usize),
}

impl Val {
    /// A canonical text for duplicate-key checks.
    pub fn key_text(&self) -> String {
        match self {
            Val::Empty => String::new(),
            Val::Id(id) => id.as_str().to_owned(),
            Val::Village(v) => v.as_str().to_owned(),
            Val::Town(t) => t.as_str().to_owned(),
            Val::Text(s) => s.clone(),
            Val::Date(d) => d.to_string(),
            Val::Int(n) => n.to_string(),
            Val::Dec(d) => d.normalize().to_string(),
            Val::Bool(b) => b.to_string(),
            Val::Choice(i) => i.to_string(),
        }
    }
}

/// A row's values in column order; accessors return `None` on a value of
/// the wrong type, which the column kinds make impossible.
pub struct Row<'a>(pub &'a [Val]);

impl Row<'_> {
    fn get(&self, i: usize) -> Option<&Val> {
        self.0.get(i)
    }
    fn id(&self, i: usize) -> Option<CitizenId> {
        match self.get(i)? {
            Val::Id(id) => Some(id.clone()),
            _ => None,
        }
    }
    fn village(&self, i: usize) -> Option<VillageCode> {
        match self.get(i)? {
            Val::Village(v) => Some(*v),
            _ => None,
        }
    }
    fn town(&self, i: usize) -> Option<Option<TownCode>> {
        match self.get(i)? {
            Val::Town(t) => Some(Some(*t)),
            Val::Empty => Some(None),
            _ => None,
        }
    }
    fn text(&self, i: usize) -> Option<String> {
        match self.get(i)? {
            Val::Text(s) => Some(s.clone()),
            Val::Empty => Some(String::new()),
            _ => None,
        }
    }
    fn opt_text(&self, i: usize) -> Option<Option<String>> {
        match self.get(i)? {
            Val::Text(s) => Some(Some(s.clone())),
            Val::Empty => Some(None),
            _ => None,
        }
    }
    fn date(&self, i: usize) -> Option<Date> {
        match self.get(i)? {
            Val::Date(d) => Some(*d),
            _ => None,
        }
    }
    fn opt_date(&self, i: usize) -> Option<Option<Date>> {
        match self.get(i)? {
            Val::Date(d) => Some(Some(*d)),
            Val::Empty => Some(None),
            _ => None,
        }
    }
    fn int<T: TryFrom<i64>>(&self, i: usize) -> Option<T> {
        match self.get(i)? {
            Val::Int(n) => T::try_from(*n).ok(),
            _ => None,
        }
    }
    fn opt_int<T: TryFrom<i64>>(&self, i: usize) -> Option<Option<T>> {
        match self.get(i)? {
            Val::Int(n) => T::try_from(*n).ok().map(Some),
            Val::Empty => Some(None),
            _ => None,
        }
    }
    fn dec(&self, i: usize) -> Option<Decimal> {
        match self.get(i)? {
            Val::Dec(d) => Some(*d),
            _ => None,
        }
    }
    fn opt_dec(&self, i: usize) -> Option<Option<Decimal>> {
        match self.get(i)? {
            Val::Dec(d) => Some(Some(*d)),
            Val::Empty => Some(None),
            _ => None,
        }
    }
    fn bool(&self, i: usize) -> Option<bool> {
        match self.get(i)? {
            Val::Bool(b) => Some(*b),
            _ => None,
        }
    }
    fn opt_bool(&self, i: usize) -> Option<Option<bool>> {
        match self.get(i)? {
            Val::Bool(b) => Some(Some(*b)),
            Val::Empty => Some(None),
            _ => None,
        }
    }
    fn choice<E: Labelled>(&self, i: usize) -> Option<E> {
        match self.get(i)? {
            Val::Choice(n) => E::ALL.get(*n).copied(),
            _ => None,
        }
    }
    fn opt_choice<E: Labelled>(&self, i: usize) -> Option<Option<E>> {
        match self.get(i)? {
            Val::Choice(n) => E::ALL.get(*n).copied().map(Some),
            Val::Empty => Some(None),
            _ => None,
        }
    }
}

fn choice<E: Labelled + PartialEq>(e: E) -> Val {
    Val::Choice(E::ALL.iter().position(|x| *x == e).unwrap_or(0))
}

fn id(id: &CitizenId) -> Val {
    Val::Id(id.clone())
}

fn text(s: &str) -> Val {
    if s.is_empty() {
        Val::Empty
    } else {
        Val::Text(s.to_owned())
    }
}

fn maybe<T>(v: Option<T>, f: impl FnOnce(T) -> Val) -> Val {
    v.map_or(Val::Empty, f)
}

/// A record kind and its sheet.
pub trait Record: Sized {
    fn spec() -> &'static SheetSpec;
    fn list(r: &Roster) -> &Vec<Self>;
    fn list_mut(r: &mut Roster) -> &mut Vec<Self>;
    /// One value per column of `spec()` (`Val::Empty` for an `Older` one).
    fn to_row(&self) -> Vec<Val>;
    /// The record from a row whose every cell passed its column's checks.
    fn from_row(row: &Row) -> Option<Self>;
    /// Checks across the cells of one row: (column, Chinese message).
    fn check(&self) -> Vec<(usize, String)> {
        Vec::new()
    }
    /// Adds the record read from `row` to `r`, with whatever the row
    /// leaves for the import to decide noted beside it (the 退出 sheet's
    /// blank 退出的计划).
    fn add_read(self, _row: &Row, r: &mut Roster) {
        Self::list_mut(r).push(self);
    }
}

/// Called once per record kind, in sheet order.
pub trait Visit {
    fn visit<T: Record>(&mut self);
}

/// Every record kind, in the order of the sheets.
pub fn each_record(v: &mut impl Visit) {
    v.visit::<Person>();
    v.visit::<Post>();
    v.visit::<VillageYear>();
    v.visit::<ThreeGood>();
    v.visit::<ConditionAnswer>();
    v.visit::<PayPartRecord>();
    v.visit::<TrainingSession>();
    v.visit::<Attendance>();
    v.visit::<Ballots>();
    v.visit::<Admonition>();
    v.visit::<ExamResult>();
    v.visit::<Certificate>();
    v.visit::<Secondment>();
    v.visit::<Reserve>();
    v.visit::<YoungCadre>();
    v.visit::<AnnualPlan>();
    v.visit::<ListEntry>();
    v.visit::<PayRecord>();
    v.visit::<Exit>();
    v.visit::<WorkLog>();
    v.visit::<ReserveReport>();
    v.visit::<TownYear>();
}

/// Every sheet spec, in order.
pub fn sheets() -> Vec<&'static SheetSpec> {
    struct Collect(Vec<&'static SheetSpec>);
    impl Visit for Collect {
        fn visit<T: Record>(&mut self) {
            self.0.push(T::spec());
        }
    }
    let mut c = Collect(Vec::new());
    each_record(&mut c);
    c.0
}

/// `b` (in column `col`) must not come before `a`.
fn order(col: usize, a: Date, b: Option<Date>, what: &str, start: &str) -> Vec<(usize, String)> {
    match b {
        Some(b) if b < a => vec![(col, format!("{what}（{b}）早于{start}（{a}）"))],
        _ => Vec::new(),
    }
}

fn halves() -> Vec<&'static str> {
    vec!["上半年", "下半年"]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_consistent() {
        let all = sheets();
        assert_eq!(all.len(), 22);
        let mut names: Vec<_> = all.iter().map(|s| s.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 22, "sheet names are unique");
        for s in all {
            assert!(s.name.chars().count() <= 31, "{}", s.name);
            for &k in s.key {
                assert!(k < s.columns.len(), "{}", s.name);
                assert!(
                    s.columns[k].required,
                    "{}: key columns are required",
                    s.name
                );
            }
            // An older template's columns come after every written one
            // (the template's columns stay side by side), are no key, and
            // stand for current ones.
            let first_older = s.columns.iter().position(|c| !c.written());
            if let Some(first) = first_older {
                assert!(
                    s.columns[first..].iter().all(|c| !c.written()),
                    "{}",
                    s.name
                );
                assert!(s.key.iter().all(|&k| k < first), "{}", s.name);
                assert!(
                    s.columns.iter().any(|c| c.era == Era::Current),
                    "{}",
                    s.name
                );
            }
            let mut headers: Vec<_> = s.columns.iter().map(|c| c.header).collect();
            headers.sort_unstable();
            headers.dedup();
            assert_eq!(headers.len(), s.columns.len(), "{}", s.name);
            for c in s.columns {
                if let Kind::Choice(labels) = c.kind {
                    // Excel's limit for an inline drop-down list.
                    let joined = labels().join(",");
                    assert!(joined.encode_utf16().count() <= 255, "{}", c.header);
                }
            }
        }
    }
}
