//! Test helpers: valid ID numbers, workbooks written as a clerk would, and
//! a look inside the .xlsx package for what calamine does not expose.
#![allow(dead_code)]

use std::io::Read;
use std::path::Path;

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use touyan_records::{CitizenId, VillageCode};

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: [u8; 11] = *b"10X98765432";

/// A 17-digit body with its GB 11643 check character.
pub fn with_check(body: &str) -> String {
    let sum: u32 = body
        .bytes()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    format!("{body}{}", char::from(CHECK[(sum % 11) as usize]))
}

/// The same with the wrong check character.
pub fn with_wrong_check(body: &str) -> String {
    let good = with_check(body);
    let last = good.as_bytes()[17];
    let wrong = if last == b'1' { '2' } else { '1' };
    format!("{body}{wrong}")
}

pub fn id(text: &str) -> CitizenId {
    CitizenId::parse(text).unwrap()
}

/// A valid ID number ending in X, for the lower-case test.
pub fn id_ending_in_x() -> String {
    (0..1000)
        .map(|seq| with_check(&format!("37078319850315{seq:03}")))
        .find(|t| t.ends_with('X'))
        .unwrap()
}

pub const VILLAGES: [&str; 4] = [
    "370783100201",
    "370783100202",
    "370783001001",
    "370783104305",
];

pub fn known_village(v: &VillageCode) -> bool {
    VILLAGES.contains(&v.as_str())
}

pub fn nobody(_: &CitizenId) -> bool {
    false
}

/// A cell as a clerk types it.
#[derive(Clone, Debug)]
pub enum C {
    /// Text.
    S(String),
    /// A number.
    N(f64),
    /// A real date cell.
    D(u16, u8, u8),
    /// A TRUE/FALSE cell.
    B(bool),
    /// Nothing.
    E,
}

pub fn s(t: impl Into<String>) -> C {
    C::S(t.into())
}

/// Writes a workbook: each sheet is its header row and data rows.
pub fn write_book(path: &Path, sheets: &[(&str, Vec<Vec<C>>)]) {
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (name, rows) in sheets {
        let ws = book.add_worksheet();
        ws.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match cell {
                    C::S(t) => {
                        ws.write_string(r, c, t).unwrap();
                    }
                    C::N(n) => {
                        ws.write_number(r, c, *n).unwrap();
                    }
                    C::D(y, m, d) => {
                        ws.write_datetime_with_format(
                            r,
                            c,
                            ExcelDateTime::from_ymd(*y, *m, *d).unwrap(),
                            &date,
                        )
                        .unwrap();
                    }
                    C::B(b) => {
                        ws.write_boolean(r, c, *b).unwrap();
                    }
                    C::E => {}
                }
            }
        }
    }
    book.save(path).unwrap();
}

/// A headers row.
pub fn headers(h: &[&str]) -> Vec<C> {
    h.iter().map(|t| s(*t)).collect()
}

/// One file of the .xlsx package, as text.
pub fn package_file(path: &Path, name: &str) -> String {
    let f = std::fs::File::open(path).unwrap();
    let mut zip = zip::ZipArchive::new(f).unwrap();
    let mut out = String::new();
    zip.by_name(name)
        .unwrap_or_else(|_| panic!("{name} in package"))
        .read_to_string(&mut out)
        .unwrap();
    out
}

/// The names of the files in the .xlsx package.
pub fn package_names(path: &Path) -> Vec<String> {
    let f = std::fs::File::open(path).unwrap();
    let zip = zip::ZipArchive::new(f).unwrap();
    zip.file_names().map(|n| n.unwrap().into_owned()).collect()
}
