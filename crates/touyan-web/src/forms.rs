//! What the recording forms of the reserves, young-cadre and
//! qualification pages share: form fields read with a Chinese sentence for
//! every bad value, and how a refusal is answered.

use axum::http::StatusCode;
use rust_decimal::Decimal;
use time::Date;
use touyan_records::model::Labelled;
use touyan_records::text::{DAY_FORMS, parse_day};
use touyan_workflow::Refusal;

fn invalid(m: String) -> Refusal {
    Refusal::Invalid(m)
}

/// A date field, in any of the forms the import takes ([`DAY_FORMS`]).
pub(crate) fn date(text: &str, what: &str) -> Result<Date, Refusal> {
    parse_day(text).ok_or_else(|| {
        invalid(format!(
            "{what}“{}”不是有效日期（可填 {DAY_FORMS}）",
            touyan_records::text::excerpt(text)
        ))
    })
}

/// A date field no later than `today`.
pub(crate) fn past_date(text: &str, what: &str, today: Date) -> Result<Date, Refusal> {
    let d = date(text, what)?;
    if d > today {
        return Err(invalid(format!("{what}不能晚于今天（{today}）")));
    }
    Ok(d)
}

/// A text that must be given, at most `max` characters.
pub(crate) fn required(text: &str, what: &str, max: usize) -> Result<String, Refusal> {
    if text.is_empty() {
        return Err(invalid(format!("请填写{what}")));
    }
    optional(text, what, max)
}

/// A text that may be empty, at most `max` characters (a longer one is
/// refused with its length, never cut).
pub(crate) fn optional(text: &str, what: &str, max: usize) -> Result<String, Refusal> {
    match touyan_records::text::too_long(text, what, max) {
        Some(m) => Err(invalid(m)),
        None => Ok(text.to_owned()),
    }
}

/// A decimal from `min` to `max` with at most two places.
pub(crate) fn decimal(
    text: &str,
    what: &str,
    min: Decimal,
    max: Decimal,
) -> Result<Decimal, Refusal> {
    let d: Decimal = text
        .parse()
        .map_err(|_| invalid(format!("{what}“{text}”不是数字")))?;
    if d < min || d > max || d.normalize().scale() > 2 {
        return Err(invalid(format!(
            "{what}应在 {min} 至 {max} 之间，至多两位小数"
        )));
    }
    Ok(d.normalize())
}

/// One of an enumeration, by its code (what the page's drop-down sends).
pub(crate) fn choice<E: Labelled>(text: &str, what: &str) -> Result<E, Refusal> {
    E::ALL
        .iter()
        .copied()
        .find(|e| e.code() == text)
        .ok_or_else(|| invalid(format!("请选择{what}")))
}

/// The status a refusal is answered with (a missing record is answered by
/// the caller as a missing page).
pub(crate) fn status(r: &Refusal) -> StatusCode {
    match r {
        Refusal::NotFound => StatusCode::NOT_FOUND,
        Refusal::Forbidden(_) => StatusCode::FORBIDDEN,
        Refusal::Conflict(_) => StatusCode::CONFLICT,
        Refusal::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_read_with_chinese_messages() {
        let today = time::macros::date!(2025 - 06 - 02);
        assert!(date("2025-02-30", "开始日期").is_err());
        assert_eq!(
            past_date("2025-06-02", "日期", today),
            Ok(today),
            "today itself is allowed"
        );
        match past_date("2025-06-03", "日期", today) {
            Err(Refusal::Invalid(m)) => assert!(m.contains("不能晚于今天"), "{m}"),
            other => panic!("{other:?}"),
        }
        assert!(required("", "挂职单位", 10).is_err());
        assert!(required("一二三四五六七八九十", "挂职单位", 10).is_ok());
        assert_eq!(
            required("一二三四五六七八九十一", "挂职单位", 10),
            Err(Refusal::Invalid(
                "挂职单位不能超过 10 字（现有 11 字）".into()
            ))
        );
        let hundred = Decimal::from(100);
        assert_eq!(
            decimal("88.50", "评分", Decimal::ZERO, hundred),
            Ok("88.5".parse().unwrap())
        );
        assert!(decimal("88.555", "评分", Decimal::ZERO, hundred).is_err());
        assert!(decimal("100.01", "评分", Decimal::ZERO, hundred).is_err());
        assert!(decimal("-1", "评分", Decimal::ZERO, hundred).is_err());
        assert!(decimal("abc", "评分", Decimal::ZERO, hundred).is_err());
        assert_eq!(
            choice::<touyan_records::model::PostRole>("secretary", "岗位"),
            Ok(touyan_records::model::PostRole::Secretary)
        );
        assert!(choice::<touyan_records::model::PostRole>("村党组织书记", "岗位").is_err());
    }
}
