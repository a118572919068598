//! How a record becomes a row and back: a table, its columns (key first)
//! and two conversions. The store's generic insert, upsert, delete and list
//! work on any [`Record`]; `records.rs` says it once per record kind.

use rust_decimal::Decimal;
use sea_orm::{QueryResult, Value};
use time::Date;
use touyan_records::model::Labelled;

use crate::StoreError;

/// A column's SQL type. The same names on both backends (see the
/// migration): TEXT, INTEGER (32-bit), BIGINT, BOOLEAN, DATE.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    Int,
    BigInt,
    Bool,
    Date,
}

/// A column of a record table.
#[derive(Clone, Copy, Debug)]
pub struct Col {
    pub name: &'static str,
    pub kind: Kind,
}

pub(crate) const fn col(name: &'static str, kind: Kind) -> Col {
    Col { name, kind }
}

/// One value of a row, backend-neutral.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Cell {
    Null,
    Text(String),
    Int(i64),
    Bool(bool),
    Date(Date),
}

impl Cell {
    /// The value to bind for a column of `kind`.
    pub(crate) fn value(&self, kind: Kind) -> Result<Value, StoreError> {
        Ok(match (self, kind) {
            (Cell::Null, Kind::Text) => Value::String(None),
            (Cell::Null, Kind::Int) => Value::Int(None),
            (Cell::Null, Kind::BigInt) => Value::BigInt(None),
            (Cell::Null, Kind::Bool) => Value::Bool(None),
            (Cell::Null, Kind::Date) => Value::TimeDate(None),
            (Cell::Text(s), Kind::Text) => Value::String(Some(s.clone())),
            (Cell::Int(i), Kind::Int) => {
                Value::Int(Some(i32::try_from(*i).map_err(|_| {
                    StoreError::Invalid(format!("数值 {i} 超出整数列的范围"))
                })?))
            }
            (Cell::Int(i), Kind::BigInt) => Value::BigInt(Some(*i)),
            (Cell::Bool(b), Kind::Bool) => Value::Bool(Some(*b)),
            (Cell::Date(d), Kind::Date) => Value::TimeDate(Some(*d)),
            (cell, kind) => {
                return Err(StoreError::Invalid(format!(
                    "内部错误：{cell:?} 不能写入 {kind:?} 列"
                )));
            }
        })
    }

    /// The value as JSON text (for the change log).
    pub(crate) fn write_json(&self, out: &mut String) {
        match self {
            Cell::Null => out.push_str("null"),
            Cell::Text(s) => json_string(s, out),
            Cell::Int(i) => out.push_str(&i.to_string()),
            Cell::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Cell::Date(d) => json_string(&d.to_string(), out),
        }
    }

    /// The value as part of a record key.
    pub(crate) fn key_text(&self) -> String {
        match self {
            Cell::Null => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Int(i) => i.to_string(),
            Cell::Bool(b) => b.to_string(),
            Cell::Date(d) => d.to_string(),
        }
    }
}

fn json_string(s: &str, out: &mut String) {
    // serde_json escapes exactly as JSON requires; a &str cannot fail.
    out.push_str(&serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into()));
}

/// A record kind the store keeps: one table, key columns first.
pub trait Record: Sized + Send + Sync + 'static {
    /// The table's name.
    const TABLE: &'static str;
    /// What the records are called, in Chinese (for messages).
    const ZH: &'static str;
    /// The data columns, in order; the first `KEY` make the primary key.
    /// Every table also has `created_at`, `updated_at` and `updated_by`.
    const COLUMNS: &'static [Col];
    const KEY: usize;
    /// The row for this record; fails when a value cannot be kept exactly.
    fn to_row(&self) -> Result<Vec<Cell>, StoreError>;
    /// The record for a row read back (cells in `COLUMNS` order).
    fn from_row(row: &mut Reader) -> Result<Self, String>;
}

/// Reads a row's cells in column order, with the conversions records need.
pub struct Reader {
    cells: std::vec::IntoIter<Cell>,
    names: std::slice::Iter<'static, Col>,
    current: &'static str,
}

impl Reader {
    pub(crate) fn new(cells: Vec<Cell>, cols: &'static [Col]) -> Reader {
        Reader {
            cells: cells.into_iter(),
            names: cols.iter(),
            current: "",
        }
    }

    fn next(&mut self) -> Result<Cell, String> {
        self.current = self.names.next().map(|c| c.name).unwrap_or("?");
        self.cells
            .next()
            .ok_or_else(|| format!("缺少列 {}", self.current))
    }

    fn bad(&self, what: &str) -> String {
        format!("{} 列{what}", self.current)
    }

    pub fn opt_text(&mut self) -> Result<Option<String>, String> {
        match self.next()? {
            Cell::Null => Ok(None),
            Cell::Text(s) => Ok(Some(s)),
            _ => Err(self.bad("应为文本")),
        }
    }

    pub fn text(&mut self) -> Result<String, String> {
        self.opt_text()?.ok_or_else(|| self.bad("为空"))
    }

    pub fn opt_int<T: TryFrom<i64>>(&mut self) -> Result<Option<T>, String> {
        match self.next()? {
            Cell::Null => Ok(None),
            Cell::Int(i) => T::try_from(i)
                .map(Some)
                .map_err(|_| self.bad(&format!("的值 {i} 超出范围"))),
            _ => Err(self.bad("应为整数")),
        }
    }

    pub fn int<T: TryFrom<i64>>(&mut self) -> Result<T, String> {
        self.opt_int()?.ok_or_else(|| self.bad("为空"))
    }

    pub fn bool(&mut self) -> Result<bool, String> {
        match self.next()? {
            Cell::Bool(b) => Ok(b),
            _ => Err(self.bad("应为是/否")),
        }
    }

    pub fn opt_date(&mut self) -> Result<Option<Date>, String> {
        match self.next()? {
            Cell::Null => Ok(None),
            Cell::Date(d) => Ok(Some(d)),
            _ => Err(self.bad("应为日期")),
        }
    }

    pub fn date(&mut self) -> Result<Date, String> {
        self.opt_date()?.ok_or_else(|| self.bad("为空"))
    }

    /// A scaled integer back to a decimal (`scale` places).
    pub fn opt_scaled(&mut self, scale: u32) -> Result<Option<Decimal>, String> {
        Ok(self
            .opt_int::<i64>()?
            .map(|i| Decimal::new(i, scale).normalize()))
    }

    pub fn scaled(&mut self, scale: u32) -> Result<Decimal, String> {
        self.opt_scaled(scale)?.ok_or_else(|| self.bad("为空"))
    }

    /// An enumeration by its stable code.
    pub fn label<E: Labelled>(&mut self) -> Result<E, String> {
        self.opt_label()?.ok_or_else(|| self.bad("为空"))
    }

    /// An enumeration by its stable code, or none (NULL).
    pub fn opt_label<E: Labelled>(&mut self) -> Result<Option<E>, String> {
        let Some(code) = self.opt_text()? else {
            return Ok(None);
        };
        E::ALL
            .iter()
            .copied()
            .find(|e| e.code() == code)
            .map(Some)
            .ok_or_else(|| self.bad(&format!("的值 {code} 不在取值范围内")))
    }

    /// Skips a column derived from others (kept for queries).
    pub fn skip(&mut self) -> Result<(), String> {
        self.next().map(|_| ())
    }

    /// A value through a parser (identifiers).
    pub fn parse<T, E: std::fmt::Display>(
        &mut self,
        f: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<T, String> {
        let s = self.text()?;
        f(&s).map_err(|e| self.bad(&format!("的值 {s} 无效：{e}")))
    }

    pub fn opt_parse<T, E: std::fmt::Display>(
        &mut self,
        f: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<Option<T>, String> {
        match self.opt_text()? {
            None => Ok(None),
            Some(s) => f(&s)
                .map(Some)
                .map_err(|e| self.bad(&format!("的值 {s} 无效：{e}"))),
        }
    }
}

/// A decimal as an integer of `scale` places (万元 hundredths, fen, …);
/// refused, never rounded, when it has more places or is too large.
pub fn scaled(d: Decimal, scale: u32, what: &str) -> Result<i64, StoreError> {
    let mut factor = Decimal::ONE;
    for _ in 0..scale {
        factor *= Decimal::TEN;
    }
    let x = d
        .checked_mul(factor)
        .ok_or_else(|| StoreError::Invalid(format!("{what} {d} 过大")))?;
    if !x.fract().is_zero() {
        return Err(StoreError::Invalid(format!(
            "{what} {d} 的小数超过 {scale} 位"
        )));
    }
    i64::try_from(x).map_err(|_| StoreError::Invalid(format!("{what} {d} 过大")))
}

pub(crate) fn opt_scaled(d: Option<Decimal>, scale: u32, what: &str) -> Result<Cell, StoreError> {
    Ok(match d {
        None => Cell::Null,
        Some(d) => Cell::Int(scaled(d, scale, what)?),
    })
}

pub(crate) fn text(s: &str) -> Cell {
    Cell::Text(s.to_owned())
}

pub(crate) fn opt_text(s: Option<&str>) -> Cell {
    s.map_or(Cell::Null, text)
}

pub(crate) fn opt_date(d: Option<Date>) -> Cell {
    d.map_or(Cell::Null, Cell::Date)
}

pub(crate) fn int(i: impl Into<i64>) -> Cell {
    Cell::Int(i.into())
}

pub(crate) fn opt_int(i: Option<impl Into<i64>>) -> Cell {
    i.map_or(Cell::Null, |i| Cell::Int(i.into()))
}

pub(crate) fn label<E: Labelled>(e: E) -> Cell {
    text(e.code())
}

pub(crate) fn opt_label<E: Labelled>(e: Option<E>) -> Cell {
    e.map_or(Cell::Null, label)
}

/// A result row as cells, read by the columns' types.
pub(crate) fn cells(row: &QueryResult, cols: &[Col]) -> Result<Vec<Cell>, sea_orm::DbErr> {
    cols.iter()
        .enumerate()
        .map(|(i, c)| {
            Ok(match c.kind {
                Kind::Text => row
                    .try_get_by_index::<Option<String>>(i)?
                    .map_or(Cell::Null, Cell::Text),
                Kind::Int => row
                    .try_get_by_index::<Option<i32>>(i)?
                    .map_or(Cell::Null, |v| Cell::Int(v.into())),
                Kind::BigInt => row
                    .try_get_by_index::<Option<i64>>(i)?
                    .map_or(Cell::Null, Cell::Int),
                Kind::Bool => row
                    .try_get_by_index::<Option<bool>>(i)?
                    .map_or(Cell::Null, Cell::Bool),
                Kind::Date => row
                    .try_get_by_index::<Option<time::Date>>(i)?
                    .map_or(Cell::Null, Cell::Date),
            })
        })
        .collect()
}

pub(crate) fn key_text(key: &[Cell]) -> String {
    key.iter().map(Cell::key_text).collect::<Vec<_>>().join("/")
}

pub(crate) fn row_json(cols: &[Col], row: &[Cell]) -> String {
    let mut s = String::from("{");
    for (i, (c, v)) in cols.iter().zip(row).enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push('"');
        s.push_str(c.name);
        s.push_str("\":");
        v.write_json(&mut s);
    }
    s.push('}');
    s
}

pub(crate) fn to_record<R: Record>(row: Vec<Cell>) -> Result<R, StoreError> {
    let key = key_text(&row[..R::KEY.min(row.len())]);
    R::from_row(&mut Reader::new(row, R::COLUMNS)).map_err(|message| StoreError::Corrupt {
        table: R::ZH,
        key,
        message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_scaled_exactly_or_refused() {
        assert_eq!(scaled(Decimal::new(1234, 2), 2, "收入").unwrap(), 1234);
        assert_eq!(scaled(Decimal::from(20), 2, "收入").unwrap(), 2000);
        assert_eq!(scaled(Decimal::new(-5, 1), 2, "收入").unwrap(), -50);
        let e = scaled(Decimal::new(12345, 3), 2, "集体经济收入").unwrap_err();
        assert!(e.to_string().contains("小数超过 2 位"), "{e}");
        assert!(scaled(Decimal::MAX, 2, "x").is_err());
    }

    #[test]
    fn cells_write_json() {
        let mut s = String::new();
        Cell::Text("\"甲\"".into()).write_json(&mut s);
        s.push(',');
        Cell::Date(time::macros::date!(2024 - 05 - 01)).write_json(&mut s);
        s.push(',');
        Cell::Null.write_json(&mut s);
        assert_eq!(s, r#""\"甲\"","2024-05-01",null"#);
    }
}
