//! # touyan-excel: rosters in and out of Excel
//!
//! The city and its towns send and receive rosters as workbooks. This crate
//! writes the import template ([`write_template`]), reads a filled workbook
//! checking all of it before anything is used ([`read_workbook`]: every
//! problem with its sheet, row, column and a Chinese sentence), writes a
//! copy of a bad workbook with the bad cells marked ([`write_marked_copy`]),
//! and exports a [`Roster`] in the template's own layout
//! ([`write_roster`]), so that an export reads back unchanged.
//!
//! Every read is bounded ([`limits`]): a workbook's unpacked size is
//! checked on its zip directory before it is opened, and rows per sheet
//! and characters per cell are limited; messages quote a cell by its first
//! 30 characters only.
//!
//! One table, [`spec`], says what every sheet and column is; the template,
//! the reader, the marked copy and the exporter all follow it, and a page
//! that records what a sheet imports reads its form as one row of the
//! sheet ([`form`]). No database
//! here: the caller says which villages, people and training sessions it
//! already knows, and stores the [`Roster`] it gets back.

use std::fmt;
use std::path::Path;

use time::Date;
use touyan_records::{CitizenId, VillageCode};

mod cell;
pub mod form;
pub mod limits;
mod mark;
mod read;
pub mod reports;
pub mod spec;
mod write;

pub use cell::{DATE_FORMS, column_index, column_letter, parse_date_text};
pub use limits::{LIMITS, Limits, excerpt};
pub use mark::{BAD_FILL, write_marked_copy};
pub use read::{RowNumbers, read_workbook_located, read_workbook_with, read_workbook_within};
pub use spec::sheets;
pub use write::{Access, INSTRUCTIONS_SHEET, write_roster, write_template, write_template_for};

/// The name of the sheet [`write_marked_copy`] lists the errors on.
pub const ERROR_SHEET: &str = "错误清单";

/// Every record a workbook carries, one list per sheet, in sheet row order
/// (towns and villages come from the division table, not from workbooks).
pub use touyan_records::model::Records as Roster;

/// One problem in a workbook. `row` is 1-based as Excel shows it and
/// `column` a letter ("C"); a problem with a whole sheet has row 0 and no
/// column, one with the whole workbook also no sheet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellError {
    pub sheet: String,
    pub row: u32,
    pub column: String,
    pub message: String,
}

impl fmt::Display for CellError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.sheet.is_empty(), self.row) {
            (true, _) => write!(f, "工作簿：{}", self.message),
            (false, 0) => write!(f, "{}：{}", self.sheet, self.message),
            (false, row) => write!(
                f,
                "{} 第 {} 行 {} 列：{}",
                self.sheet, row, self.column, self.message
            ),
        }
    }
}

impl std::error::Error for CellError {}

/// A workbook could not be opened or written.
#[derive(Debug)]
pub enum ExcelError {
    Read(String),
    Write(String),
}

impl fmt::Display for ExcelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExcelError::Read(m) => write!(f, "无法读取工作簿：{m}"),
            ExcelError::Write(m) => write!(f, "无法写出工作簿：{m}"),
        }
    }
}

impl std::error::Error for ExcelError {}

impl From<rust_xlsxwriter::XlsxError> for ExcelError {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        ExcelError::Write(e.to_string())
    }
}

/// What the caller already knows, for references the workbook does not
/// define itself.
pub struct Known<'a> {
    /// Village codes that exist (the administrative villages loaded).
    pub villages: &'a dyn Fn(&VillageCode) -> bool,
    /// People already on record (a workbook may then leave them out of 人员).
    pub people: &'a dyn Fn(&CitizenId) -> bool,
    /// Training session codes already on record.
    pub sessions: &'a dyn Fn(&str) -> bool,
    /// Secondments already on record, by person and start date: their end
    /// date.
    pub secondments: &'a dyn Fn(&CitizenId, Date) -> Option<Date>,
}

/// Reads and checks a whole workbook (.xlsx; .xls and .ods too). Either
/// every record, or every problem found, sorted by sheet, row and column.
/// People referred to must be in the workbook's 人员 sheet or known to
/// `known_people`; training sessions must be in its 培训班次 sheet.
pub fn read_workbook(
    path: &Path,
    known_villages: &dyn Fn(&VillageCode) -> bool,
    known_people: &dyn Fn(&CitizenId) -> bool,
) -> Result<Roster, Vec<CellError>> {
    read_workbook_with(
        path,
        &Known {
            villages: known_villages,
            people: known_people,
            sessions: &|_| false,
            secondments: &|_, _| None,
        },
    )
}
