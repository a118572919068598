//! The decision date of each kind of work, chosen here and nowhere else:
//! a year's lists and figures are decided as of 1 January, an
//! evaluation's half as of 1 January or 1 July, its rates as of the day
//! it closes, a month's pay as of the month's first day, a yearly plan as
//! of the first day of its public notice, a record as of its own day.

use time::{Date, Month};
use touyan_rules::{Params, Policy};

use crate::OfficeError;

/// 1 January of `year` (a year's lists, training and reserves).
pub fn year_start(year: i32) -> Result<Date, OfficeError> {
    Date::from_calendar_date(year, Month::January, 1)
        .map_err(|_| OfficeError::Invalid(format!("{year} 不是有效年份")))
}

/// The first day of a half year (1: January, 2: July).
pub fn half_start(year: i32, half: u8) -> Result<Date, OfficeError> {
    let month = if half == 1 {
        Month::January
    } else {
        Month::July
    };
    Date::from_calendar_date(year, month, 1)
        .map_err(|_| OfficeError::Invalid(format!("{year} 不是有效年份")))
}

/// The day an evaluation's rates are decided: the day it closed, or
/// `today` while it is being closed (or is still open).
pub fn closing_day(closed_on: Option<Date>, today: Date) -> Date {
    closed_on.unwrap_or(today)
}

/// The day a year's standing figures (reserve coverage) are judged on:
/// `today`, or the year's last day for a year already past.
pub fn in_year(year: i32, today: Date) -> Date {
    let end = Date::from_calendar_date(year, Month::December, 31).unwrap_or(today);
    today.min(end)
}

/// The first day of the month `day` falls in (a month's pay).
pub fn month_start(day: Date) -> Date {
    day.replace_day(1).unwrap_or(day)
}

/// The day a yearly plan is judged on (Article 11): the first day of its
/// public notice once one is recorded — the shortest notice is the one in
/// force when the notice starts — else `today`.
pub fn plan_day(notice_start: Option<Date>, today: Date) -> Date {
    notice_start.unwrap_or(today)
}

/// `YYYY-MM` (or `YYYY-M`) → the month's first day.
pub fn parse_month(text: &str) -> Option<Date> {
    touyan_reports::parse_month(text)
}

/// The policy's parameters in force on `day`, or why there are none (a
/// Chinese sentence naming the day).
pub fn params_on(policy: &Policy, day: Date) -> Result<Params, OfficeError> {
    policy
        .resolve(day)
        .map_err(|e| OfficeError::Invalid(format!("政策参数无法用于 {day}：{e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn days() {
        assert_eq!(year_start(2026).unwrap(), date!(2026 - 01 - 01));
        assert_eq!(half_start(2026, 1).unwrap(), date!(2026 - 01 - 01));
        assert_eq!(half_start(2026, 2).unwrap(), date!(2026 - 07 - 01));
        assert_eq!(
            closing_day(Some(date!(2026 - 07 - 03)), date!(2026 - 09 - 01)),
            date!(2026 - 07 - 03)
        );
        assert_eq!(
            closing_day(None, date!(2026 - 09 - 01)),
            date!(2026 - 09 - 01)
        );
        assert_eq!(month_start(date!(2026 - 02 - 28)), date!(2026 - 02 - 01));
        assert_eq!(month_start(date!(2026 - 03 - 01)), date!(2026 - 03 - 01));
        assert_eq!(
            plan_day(Some(date!(2026 - 02 - 11)), date!(2026 - 06 - 02)),
            date!(2026 - 02 - 11)
        );
        assert_eq!(plan_day(None, date!(2026 - 06 - 02)), date!(2026 - 06 - 02));
        assert_eq!(parse_month("2026-3"), Some(date!(2026 - 03 - 01)));
        assert_eq!(parse_month("2026-13"), None);
        assert!(year_start(100_000).is_err());
    }
}
