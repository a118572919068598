//! One cell, read as its column's kind: the forms clerks really type, and a
//! Chinese sentence for everything else.

use std::str::FromStr;

use calamine::Data;
use rust_decimal::Decimal;
use time::{Date, Duration, macros::date};
use touyan_records::{CitizenId, TownCode, VillageCode};

use crate::limits::excerpt;
use crate::spec::{Kind, Val};

/// The date forms the 说明 sheet and the error messages name.
pub const DATE_FORMS: &str = "2023-05-01、2023/5/1、2023.5.1、2023年5月1日、20230501 或 Excel 日期";

pub use touyan_records::text::parse_day as parse_date_text;
use touyan_records::text::{half_width, split_ymd, ymd};

/// Dates of the measures' records are all after 1949; an earlier one is a
/// typing slip (a bare year typed as a number reads as a 1905 date).
pub const FIRST_YEAR: i32 = 1949;
pub const LAST_YEAR: i32 = 2100;

/// Whether a cell counts as empty (nothing, or only spaces).
pub fn is_blank(d: &Data) -> bool {
    match d {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// A cell's text as a person sees it, for headers and messages.
pub fn display(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().to_owned(),
        Data::Int(n) => n.to_string(),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        Data::DateTime(dt) => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{d:02}")
        }
        Data::Error(e) => e.to_string(),
    }
}

fn has_full_width(s: &str) -> bool {
    s.chars().any(|c| matches!(c, '０'..='９' | 'Ｘ' | 'ｘ'))
}

/// Parentheses either width, for matching labels and headers.
pub fn norm_label(s: &str) -> String {
    s.trim()
        .chars()
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            _ => c,
        })
        .collect()
}

/// Reads a non-blank cell as `kind`.
pub fn read(kind: Kind, d: &Data, is_1904: bool) -> Result<Val, String> {
    if let Data::Error(e) = d {
        return Err(format!("单元格是错误值 {e}，请填入实际内容"));
    }
    if let Data::String(s) = d
        && let Some(c) = touyan_records::text::refused_char(s)
    {
        return Err(touyan_records::text::refusal(c));
    }
    match kind {
        Kind::PersonKey | Kind::Person => citizen_id(d).map(Val::Id),
        Kind::Village => code(d, 12, "村代码")
            .and_then(|t| VillageCode::parse(&t).map_err(|e| format!("村代码有误：{e}")))
            .map(Val::Village),
        Kind::Town => code(d, 9, "镇街代码")
            .and_then(|t| TownCode::parse(&t).map_err(|e| format!("镇街代码有误：{e}")))
            .map(Val::Town),
        Kind::SessionKey | Kind::Session | Kind::Text => text(d).map(Val::Text),
        Kind::Date => date_cell(d, is_1904).map(Val::Date),
        Kind::Month => month_cell(d, is_1904).map(Val::Date),
        Kind::Int { min, max } => int(d, min, max).map(Val::Int),
        Kind::Decimal { places } => decimal(d, places).map(Val::Dec),
        Kind::YesNo => yes_no(d).map(Val::Bool),
        Kind::Choice(labels) => {
            let list = labels();
            let t = norm_label(&display(d));
            list.iter()
                .position(|l| norm_label(l) == t)
                .map(Val::Choice)
                .ok_or_else(|| format!("“{}”不在可选值中，应为：{}", excerpt(&t), list.join("、")))
        }
    }
}

fn citizen_id(d: &Data) -> Result<CitizenId, String> {
    match d {
        Data::String(s) => {
            let t = s.trim();
            if t.contains('*') {
                return Err(
                    "身份证号码已脱敏（含 *）：脱敏导出的名册仅供查阅，不能导入，请填完整号码"
                        .into(),
                );
            }
            if has_full_width(t) {
                return Err("身份证号码含全角字符（如“１”“Ｘ”），请改为半角数字".into());
            }
            CitizenId::parse(t).map_err(|e| e.to_string())
        }
        Data::Int(_) | Data::Float(_) => Err(format!(
            "身份证号码存成了数字（{}）：Excel 数字只保留 15 位有效数字，末几位可能已丢失。请把该列设为文本格式后重新录入完整号码",
            display_number(d)
        )),
        _ => Err("身份证号码应按文本录入".into()),
    }
}

fn display_number(d: &Data) -> String {
    match d {
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e20 => format!("{f:.0}"),
        _ => display(d),
    }
}

/// A division code's text; a whole number is accepted (12 digits fit in
/// Excel's 15 without loss).
fn code(d: &Data, digits: usize, what: &str) -> Result<String, String> {
    match d {
        Data::String(s) => {
            if has_full_width(s) {
                Err(format!("{what}含全角数字，请改为半角数字"))
            } else {
                Ok(s.trim().to_owned())
            }
        }
        Data::Int(n) => Ok(n.to_string()),
        Data::Float(f) if f.fract() == 0.0 && *f >= 0.0 && *f < 1e15 => Ok(format!("{f:.0}")),
        _ => Err(format!("{what}应为 {digits} 位数字，按文本录入")),
    }
}

fn text(d: &Data) -> Result<String, String> {
    match d {
        Data::Float(f) if f.fract() == 0.0 && f.abs() >= 1e15 => Err(format!(
            "这里是一个超过 15 位的数字（{}），Excel 可能已丢失末几位；请把该列设为文本后重新录入",
            display_number(d)
        )),
        Data::Float(f) if f.fract() == 0.0 => Ok(format!("{f:.0}")),
        _ => Ok(display(d)),
    }
}

fn yes_no(d: &Data) -> Result<bool, String> {
    match d {
        Data::Bool(b) => Ok(*b),
        Data::String(s) => match s.trim() {
            "是" => Ok(true),
            "否" => Ok(false),
            t => Err(format!("“{}”应为“是”或“否”", excerpt(t))),
        },
        _ => Err(format!("“{}”应为“是”或“否”", excerpt(&display(d)))),
    }
}

fn int(d: &Data, min: i64, max: i64) -> Result<i64, String> {
    let n = match d {
        Data::Int(n) => *n,
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => *f as i64,
        Data::String(s) => {
            let t = half_width(s).replace(',', "");
            match Decimal::from_str_exact(&t) {
                Ok(v) if v.fract().is_zero() => i64::try_from(v)
                    .map_err(|_| format!("“{}”超出范围 {min}–{max}", excerpt(s.trim())))?,
                _ => return Err(format!("“{}”不是整数", excerpt(s.trim()))),
            }
        }
        _ => return Err(format!("“{}”不是整数", excerpt(&display(d)))),
    };
    if (min..=max).contains(&n) {
        Ok(n)
    } else {
        Err(format!("{n} 超出范围 {min}–{max}"))
    }
}

fn decimal(d: &Data, places: u32) -> Result<Decimal, String> {
    let shown = excerpt(&display(d));
    let (v, from_float) = match d {
        Data::Int(n) => (Decimal::from(*n), false),
        // The shortest text that reads back as the same double: what the
        // clerk typed, or a formula's result with binary noise.
        Data::Float(f) if f.is_finite() => (
            Decimal::from_str(&f.to_string()).map_err(|_| format!("{shown} 数值过大"))?,
            true,
        ),
        Data::String(s) => (
            Decimal::from_str_exact(&half_width(s).replace(',', ""))
                .map_err(|_| format!("“{}”不是数字", excerpt(s.trim())))?,
            false,
        ),
        _ => return Err(format!("“{shown}”不是数字")),
    };
    let v = if v.scale() > places {
        let r = v.round_dp(places);
        // 0.1 + 0.2 = 0.30000000000000004: noise, not a third decimal.
        if from_float && (v - r).abs() <= Decimal::new(1, 9) {
            r
        } else if places == 0 {
            return Err(format!("“{shown}”应为整数"));
        } else {
            return Err(format!("“{shown}”最多 {places} 位小数"));
        }
    } else {
        v
    };
    if v.is_sign_negative() && !v.is_zero() {
        return Err(format!("“{shown}”不能为负数"));
    }
    if v >= Decimal::new(1_000_000_000_000, 0) {
        return Err(format!("“{shown}”数值过大"));
    }
    Ok(v.normalize())
}

fn not_a_date(shown: &str) -> String {
    format!("“{}”不是日期；可填 {DATE_FORMS}", excerpt(shown))
}

fn in_range(d: Date) -> Result<Date, String> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&d.year()) {
        Ok(d)
    } else {
        Err(format!("日期 {d} 超出 {FIRST_YEAR}–{LAST_YEAR} 年，请核对"))
    }
}

/// An Excel serial day number (1900 or 1904 system) as a date.
pub fn from_serial(n: i64, is_1904: bool) -> Option<Date> {
    if is_1904 {
        return date!(1904 - 01 - 01).checked_add(Duration::days(n));
    }
    match n {
        // Excel counts a 29 February 1900 that never was (serial 60).
        1..=59 => date!(1899 - 12 - 31).checked_add(Duration::days(n)),
        61.. => date!(1899 - 12 - 30).checked_add(Duration::days(n)),
        _ => None,
    }
}

/// The 1900-system serial of a date.
#[cfg(test)]
fn to_serial(d: Date) -> i64 {
    let n = (d - date!(1899 - 12 - 30)).whole_days();
    if n <= 60 { n - 1 } else { n }
}

fn date_cell(d: &Data, is_1904: bool) -> Result<Date, String> {
    let shown = display(d);
    match d {
        Data::DateTime(dt) => {
            if dt.is_duration() {
                return Err(not_a_date(&shown));
            }
            let (y, m, day, h, mi, s, ms) = dt.to_ymd_hms_milli();
            if (h, mi, s, ms) != (0, 0, 0, 0) {
                return Err(format!("“{}”带有时间，请只填日期", dt.as_f64()));
            }
            ymd(y.into(), m.into(), day.into())
                .ok_or_else(|| not_a_date(&shown))
                .and_then(in_range)
        }
        Data::Int(_) | Data::Float(_) => {
            let f = match d {
                Data::Int(n) => *n as f64,
                Data::Float(f) => *f,
                _ => 0.0,
            };
            if !f.is_finite() || f.fract() != 0.0 {
                return Err(not_a_date(&shown));
            }
            let n = f as i64;
            if (1900..=2100).contains(&n) {
                return Err(format!("“{n}”像是年份，请填完整日期，如 {n}-05-01"));
            }
            if (19_000_101..=21_001_231).contains(&n) {
                return ymd(n / 10_000, n / 100 % 100, n % 100).ok_or_else(|| not_a_date(&shown));
            }
            from_serial(n, is_1904)
                .ok_or_else(|| not_a_date(&shown))
                .and_then(in_range)
        }
        Data::String(s) | Data::DateTimeIso(s) => parse_date_text(s)
            .ok_or_else(|| not_a_date(s.trim()))
            .and_then(in_range),
        _ => Err(not_a_date(&shown)),
    }
}

fn month_cell(d: &Data, is_1904: bool) -> Result<Date, String> {
    let first = |x: Date| x.replace_day(1).unwrap_or(x);
    let bad = |shown: &str| {
        format!(
            "“{}”不是月份；可填 2024-05、2024/5、2024年5月 或该月的任一日期",
            excerpt(shown)
        )
    };
    match d {
        Data::String(s) | Data::DateTimeIso(s) => {
            if let Some(x) = parse_date_text(s) {
                return in_range(first(x));
            }
            let t = half_width(s);
            if t.len() == 6 && t.bytes().all(|b| b.is_ascii_digit()) {
                let n: i64 = t.parse().map_err(|_| bad(s.trim()))?;
                return ymd(n / 100, n % 100, 1)
                    .ok_or_else(|| bad(s.trim()))
                    .and_then(in_range);
            }
            match split_ymd(&t).as_deref() {
                Some([y, m]) if y.len() == 4 && m.len() <= 2 => ymd(
                    y.parse().map_err(|_| bad(s.trim()))?,
                    m.parse().map_err(|_| bad(s.trim()))?,
                    1,
                )
                .ok_or_else(|| bad(s.trim()))
                .and_then(in_range),
                _ => Err(bad(s.trim())),
            }
        }
        Data::Float(f) if f.fract() == 0.0 && (190_001.0..=210_012.0).contains(f) => {
            let n = *f as i64;
            ymd(n / 100, n % 100, 1).ok_or_else(|| bad(&display(d)))
        }
        Data::Int(n) if (190_001..=210_012).contains(n) => {
            ymd(n / 100, n % 100, 1).ok_or_else(|| bad(&display(d)))
        }
        _ => date_cell(d, is_1904)
            .map(first)
            .map_err(|_| bad(&display(d))),
    }
}

/// Column letters as Excel shows them: 0 → "A", 26 → "AA".
pub fn column_letter(col: u32) -> String {
    let mut n = col + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        out.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// The inverse of [`column_letter`].
pub fn column_index(letters: &str) -> Option<u32> {
    if letters.is_empty() || !letters.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let mut n: u32 = 0;
    for b in letters.bytes() {
        n = n.checked_mul(26)?.checked_add(u32::from(b - b'A') + 1)?;
    }
    Some(n - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_direction_characters_are_refused_in_every_kind() {
        for kind in [Kind::Text, Kind::Session, Kind::Person, Kind::Date] {
            for bad in ["张\u{202E}三", "a\0b", "x\u{1b}y"] {
                let e = read(kind, &Data::String(bad.into()), false).unwrap_err();
                assert!(e.contains("不允许"), "{kind:?} {bad:?}: {e}");
            }
        }
        assert_eq!(
            read(Kind::Text, &Data::String("第一行\n第二行".into()), false),
            Ok(Val::Text("第一行\n第二行".into()))
        );
    }

    #[test]
    fn every_date_form() {
        let want = date!(2023 - 05 - 01);
        for t in [
            "2023-05-01",
            "2023-5-1",
            "2023/5/1",
            "2023/05/01",
            "2023.5.1",
            "2023年5月1日",
            "2023年05月01日",
            "2023年5月1",
            " 2023-05-01 ",
            "２０２３年５月１日",
            "20230501",
            "2023-05-01T00:00:00",
        ] {
            assert_eq!(parse_date_text(t), Some(want), "{t}");
        }
        for t in [
            "2023-02-30",
            "2023/5",
            "5/1/2023",
            "2023-05/01",
            "23.5.1",
            "明天",
            "",
        ] {
            assert_eq!(parse_date_text(t), None, "{t}");
        }
    }

    #[test]
    fn serials_follow_excel() {
        assert_eq!(from_serial(45047, false), Some(date!(2023 - 05 - 01)));
        assert_eq!(from_serial(1, false), Some(date!(1900 - 01 - 01)));
        assert_eq!(from_serial(59, false), Some(date!(1900 - 02 - 28)));
        assert_eq!(from_serial(60, false), None);
        assert_eq!(from_serial(61, false), Some(date!(1900 - 03 - 01)));
        assert_eq!(from_serial(0, true), Some(date!(1904 - 01 - 01)));
        for d in [
            date!(1900 - 01 - 01),
            date!(1900 - 03 - 01),
            date!(2023 - 05 - 01),
        ] {
            assert_eq!(from_serial(to_serial(d), false), Some(d));
        }
    }

    #[test]
    fn letters() {
        for (i, l) in [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA")] {
            assert_eq!(column_letter(i), l);
            assert_eq!(column_index(l), Some(i));
        }
    }

    #[test]
    fn decimals_forgive_float_noise_only() {
        assert_eq!(decimal(&Data::Float(0.1 + 0.2), 2), Ok(Decimal::new(3, 1)));
        assert!(decimal(&Data::Float(12.345), 2).is_err());
        assert!(decimal(&Data::String("12.345".into()), 2).is_err());
        assert_eq!(
            decimal(&Data::String("１,２３４.５".into()), 2),
            Ok(Decimal::new(12345, 1))
        );
        assert!(decimal(&Data::Float(-1.0), 2).is_err());
    }
}
