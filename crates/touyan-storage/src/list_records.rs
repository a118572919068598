//! The tables of the yearly lists' entries, the monthly payments and the
//! exits (Articles 1, 12 to 14, 10): their columns (key first) and
//! conversions, beside `records.rs`'s other record kinds.

use touyan_records::model::{Exit, ListEntry, PayRecord};

use crate::StoreError;
use crate::record::{Cell, Col, Kind, Reader, Record, col, int, label, text};
use crate::records::{id, person, town, town_code, village, village_code};

use Kind::{BigInt, Date, Int, Text};

impl Record for ListEntry {
    const TABLE: &'static str = "list_entries";
    const ZH: &'static str = "专业化管理名单";
    const COLUMNS: &'static [Col] = &[
        col("year", Int),
        col("person", Text),
        col("town", Text),
        col("village", Text),
        col("tier", Int),
        col("status", Text),
    ];
    const KEY: usize = 2;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            int(self.year),
            id(&self.person),
            town(&self.town),
            village(&self.village),
            int(self.tier),
            label(self.status),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        let year = r.int()?;
        let person = person(r)?;
        Ok(ListEntry {
            town: town_code(r)?,
            year,
            person,
            village: village_code(r)?,
            tier: r.int()?,
            status: r.label()?,
        })
    }
}

impl Record for PayRecord {
    const TABLE: &'static str = "pay_records";
    const ZH: &'static str = "报酬发放记录";
    const COLUMNS: &'static [Col] = &[
        col("person", Text),
        col("pay_month", Date),
        col("kind", Text),
        col("source", Text),
        col("amount_fen", BigInt),
    ];
    const KEY: usize = 4;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            id(&self.person),
            Cell::Date(self.month),
            label(self.kind),
            label(self.source),
            Cell::Int(self.amount_fen),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(PayRecord {
            person: person(r)?,
            month: r.date()?,
            kind: r.label()?,
            source: r.label()?,
            amount_fen: r.int()?,
        })
    }
}

impl Record for Exit {
    const TABLE: &'static str = "exits";
    const ZH: &'static str = "退出记录";
    const COLUMNS: &'static [Col] = &[
        col("person", Text),
        col("exit_on", Date),
        col("programme", Text),
        col("reason", Text),
        col("note", Text),
    ];
    const KEY: usize = 3;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            id(&self.person),
            Cell::Date(self.on),
            label(self.programme),
            label(self.reason),
            text(&self.note),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(Exit {
            person: person(r)?,
            on: r.date()?,
            programme: r.label()?,
            reason: r.label()?,
            note: r.text()?,
        })
    }
}
