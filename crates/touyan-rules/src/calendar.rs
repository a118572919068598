//! Month and year arithmetic, written out because the measures count in
//! calendar months and years and the results must be reproducible by hand.
//!
//! * A month is one calendar month; a year is twelve. Adding them keeps the
//!   day of the month and clamps it to the last day of the target month:
//!   2024-01-31 + 1 month = 2024-02-29, 2020-02-29 + 1 year = 2021-02-28.
//! * A period "of at least k years/months" starting on `start` is complete on
//!   `on` when `start + k ≤ on` (to the day: a tenure starting 2022-01-01 is
//!   three years long on 2025-01-01).
//! * Age in completed years (周岁) on a date is the greatest `k` with
//!   `birth + k years ≤ on`, with the same clamping (someone born on
//!   2000-02-29 turns 1 on 2001-02-28).

use time::{Date, Month};

/// `date` plus `months` calendar months (negative goes back), day clamped;
/// `None` beyond the calendar's range (after 9999-12-31).
pub fn checked_add_months(date: Date, months: i32) -> Option<Date> {
    let idx = i64::from(date.year()) * 12 + (date.month() as i64 - 1) + i64::from(months);
    let year = i32::try_from(idx.div_euclid(12)).ok()?;
    let month = Month::try_from((idx.rem_euclid(12) + 1) as u8).ok()?;
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).ok()
}

/// `date` plus `months` calendar months, day clamped, saturating at the
/// ends of the calendar. Rules decide with [`months_complete`], which treats
/// a period that runs past the calendar as not complete.
pub fn add_months(date: Date, months: i32) -> Date {
    checked_add_months(date, months).unwrap_or(if months >= 0 { Date::MAX } else { Date::MIN })
}

/// `date` plus `years` years of twelve calendar months, day clamped,
/// saturating like [`add_months`].
pub fn add_years(date: Date, years: i32) -> Date {
    add_months(date, years.saturating_mul(12))
}

/// Whether a period of `months` months starting on `start` is complete on
/// `on`: `start + months ≤ on`. A period that would end after the calendar's
/// last day is never complete.
pub fn months_complete(start: Date, months: u32, on: Date) -> bool {
    i32::try_from(months)
        .ok()
        .and_then(|m| checked_add_months(start, m))
        .is_some_and(|end| end <= on)
}

/// Whether a period of `years` years starting on `start` is complete on `on`.
pub fn years_complete(start: Date, years: u32, on: Date) -> bool {
    months_complete(start, years.saturating_mul(12), on)
}

/// Whole calendar months from `start` to `on` (0 when `on < start`):
/// the greatest `m` with `add_months(start, m) ≤ on`.
pub fn whole_months(start: Date, on: Date) -> u32 {
    if on < start {
        return 0;
    }
    let mut m = (on.year() - start.year()) * 12 + (on.month() as i32 - start.month() as i32);
    while m > 0 && add_months(start, m) > on {
        m -= 1;
    }
    m.max(0) as u32
}

/// Completed years (周岁) of a person born on `birth`, on `on`.
pub fn age_on(birth: Date, on: Date) -> u32 {
    whole_months(birth, on) / 12
}

/// Parses a strict ISO date `YYYY-MM-DD` (the only form the JSON contract and
/// the policy files use; the Excel importer accepts more).
pub fn parse_iso_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let year = num(0..4)? as i32;
    let month = Month::try_from(num(5..7)? as u8).ok()?;
    let day = num(8..10)? as u8;
    Date::from_calendar_date(year, month, day).ok()
}

/// A length in years and months, for sentences such as "2 年 10 个月".
pub fn years_months_zh(months: u32) -> String {
    match (months / 12, months % 12) {
        (0, m) => format!("{m} 个月"),
        (y, 0) => format!("{y} 年"),
        (y, m) => format!("{y} 年 {m} 个月"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn month_end_is_clamped() {
        assert_eq!(add_months(date!(2024 - 01 - 31), 1), date!(2024 - 02 - 29));
        assert_eq!(add_months(date!(2023 - 01 - 31), 1), date!(2023 - 02 - 28));
        assert_eq!(add_years(date!(2020 - 02 - 29), 1), date!(2021 - 02 - 28));
        assert_eq!(add_years(date!(2020 - 02 - 29), 4), date!(2024 - 02 - 29));
        assert_eq!(add_months(date!(2024 - 03 - 31), -1), date!(2024 - 02 - 29));
        assert_eq!(add_months(date!(2024 - 12 - 15), 1), date!(2025 - 01 - 15));
    }

    #[test]
    fn whole_months_to_the_day() {
        assert_eq!(
            whole_months(date!(2022 - 03 - 01), date!(2025 - 01 - 01)),
            34
        );
        assert_eq!(
            whole_months(date!(2022 - 01 - 01), date!(2025 - 01 - 01)),
            36
        );
        assert_eq!(
            whole_months(date!(2022 - 01 - 02), date!(2025 - 01 - 01)),
            35
        );
        assert_eq!(
            whole_months(date!(2024 - 01 - 31), date!(2024 - 02 - 29)),
            1
        );
        assert_eq!(
            whole_months(date!(2024 - 01 - 31), date!(2024 - 02 - 28)),
            0
        );
        assert_eq!(
            whole_months(date!(2025 - 01 - 02), date!(2025 - 01 - 01)),
            0
        );
    }

    #[test]
    fn age_in_completed_years() {
        assert_eq!(age_on(date!(1989 - 01 - 01), date!(2025 - 01 - 01)), 36);
        assert_eq!(age_on(date!(1989 - 01 - 02), date!(2025 - 01 - 01)), 35);
        assert_eq!(age_on(date!(1990 - 01 - 01), date!(2025 - 01 - 01)), 35);
        assert_eq!(age_on(date!(2000 - 02 - 29), date!(2001 - 02 - 28)), 1);
        assert_eq!(age_on(date!(2000 - 02 - 29), date!(2001 - 02 - 27)), 0);
    }

    #[test]
    fn periods_past_the_calendar_are_never_complete() {
        let last = date!(9999 - 12 - 31);
        assert!(!years_complete(date!(9999 - 06 - 01), 3, last));
        assert!(!months_complete(
            date!(9999 - 12 - 01),
            1,
            date!(9999 - 12 - 02)
        ));
        assert!(months_complete(date!(9999 - 11 - 30), 1, last));
        assert_eq!(add_months(date!(9999 - 12 - 01), 1), last);
        assert!(checked_add_months(date!(9999 - 12 - 01), 1).is_none());
        assert!(years_complete(
            date!(2022 - 01 - 01),
            3,
            date!(2025 - 01 - 01)
        ));
        assert!(!years_complete(
            date!(2022 - 01 - 02),
            3,
            date!(2025 - 01 - 01)
        ));
    }

    #[test]
    fn parses_only_strict_iso_dates() {
        assert_eq!(parse_iso_date("2024-02-29"), Some(date!(2024 - 02 - 29)));
        assert_eq!(parse_iso_date("2023-02-29"), None);
        assert_eq!(parse_iso_date("2023-2-28"), None);
        assert_eq!(parse_iso_date("2023/02/28"), None);
        assert_eq!(parse_iso_date("2023-13-01"), None);
        assert_eq!(parse_iso_date("yesterday"), None);
    }

    #[test]
    fn periods_in_words() {
        assert_eq!(years_months_zh(34), "2 年 10 个月");
        assert_eq!(years_months_zh(36), "3 年");
        assert_eq!(years_months_zh(5), "5 个月");
    }
}
