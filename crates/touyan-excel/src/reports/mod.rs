//! The layouts of the reports' workbooks: the filing form (备案表),
//! training compliance, reserve coverage, young-cadre pay, evaluation
//! results and the monthly one-card (一卡通) payment file.
//!
//! The figures come from `touyan_reports` (pure builders shared with the
//! pages and the API); this module only lays them out: a `*_report`
//! function turns a builder's rows into a [`Report`] of sheets, titles,
//! tables and totals, masking ID numbers unless told not to, and
//! [`write_report`] writes it. [`read_report`] reads any workbook back as
//! text, for checks.
//!
//! Every sheet starts with a title row, a warning row
//! ([`EXAMPLE_WARNING`](touyan_reports::EXAMPLE_WARNING)) when an amount
//! comes from an example parameter, the town(s) covered and the date made.

use rust_decimal::Decimal;
use time::Date;
use touyan_records::{CitizenId, Mask};
use touyan_reports::Who;
use touyan_rules::art13_pay::tier_zh;
use touyan_rules::num::round_fen;

mod evaluations;
mod filing;
mod one_card;
mod payments;
mod reserves;
mod training;
mod write;
mod young;

pub use evaluations::evaluations_report;
pub use filing::filing_report;
pub use one_card::one_card_report;
pub use payments::payments_report;
pub use reserves::reserves_report;
pub use training::training_report;
pub use write::{SheetText, read_report, report_bytes, write_report};
pub use young::young_report;

/// One cell of a report.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    /// A count.
    Int(i64),
    /// Yuan, shown with 2 decimals.
    Money(Decimal),
    /// A rate, shown with 4 decimals.
    Rate(Decimal),
    /// Any other number (days, a pay factor), shown as it is.
    Num(Decimal),
}

impl Cell {
    /// The cell as it reads.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Money(d) => format!("{:.2}", round_fen(*d)),
            Cell::Rate(d) => format!("{:.4}", d),
            Cell::Num(d) => d.normalize().to_string(),
        }
    }
}

fn t(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn int(n: impl Into<i64>) -> Cell {
    Cell::Int(n.into())
}

fn yes_no(b: bool) -> Cell {
    t(if b { "是" } else { "否" })
}

/// A row of a table; total rows are bold.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub cells: Vec<Cell>,
    pub total: bool,
}

impl Row {
    fn data(cells: Vec<Cell>) -> Row {
        Row {
            cells,
            total: false,
        }
    }
    fn total(cells: Vec<Cell>) -> Row {
        Row { cells, total: true }
    }
}

/// What a sheet shows below its title lines, top to bottom.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    Table {
        headers: Vec<String>,
        rows: Vec<Row>,
    },
    /// A bold line above a table.
    Heading(String),
    /// Lines to sign, side by side, under a table.
    Signatures(Vec<String>),
}

/// One sheet: a title row, the warning row when due, information lines
/// (town, date made, notes), then its blocks.
#[derive(Clone, Debug, PartialEq)]
pub struct Sheet {
    pub name: String,
    pub title: String,
    pub warning: bool,
    pub info: Vec<String>,
    pub blocks: Vec<Block>,
}

/// A workbook to write.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub sheets: Vec<Sheet>,
}

fn headers(h: &[&str]) -> Vec<String> {
    h.iter().map(|s| (*s).to_owned()).collect()
}

/// The first cells of a person's row: number, town, village, name, ID.
fn who_cells(n: i64, w: &Who, mask: Option<Mask>) -> Vec<Cell> {
    vec![
        int(n),
        t(&w.town_name),
        t(&w.village_name),
        t(&w.name),
        t(id_text(&w.person, mask)),
    ]
}

fn id_text(id: &CitizenId, mask: Option<Mask>) -> String {
    match mask {
        Some(m) => id.masked(m),
        None => id.as_str().to_owned(),
    }
}

fn info(scope: &str, made_on: Date, mask: Option<Mask>, has_ids: bool) -> Vec<String> {
    let mut v = vec![format!("镇街：{scope}"), format!("制表日期：{made_on}")];
    if has_ids {
        v.push(match mask {
            Some(m) => format!("身份证号码已脱敏（保留前 {} 位和后 {} 位）", m.head, m.tail),
            None => "含完整身份证号码，此次导出已记入操作日志，请按个人信息保护要求保管".to_owned(),
        });
    }
    v
}

fn tier_cell(tier: u8) -> Cell {
    t(format!("{}档", tier_zh(tier)))
}
