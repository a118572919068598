//! Text the system takes from people (issue 15): forms, query strings, the
//! API's JSON and workbook cells all go through [`refused_char`].
//!
//! Refused: control characters (C0 and C1, DEL) other than tab and line
//! breaks — a NUL byte cannot be stored by PostgreSQL and breaks every
//! downstream file — and the bidirectional embeddings, overrides and
//! isolates (U+202A–U+202E, U+2066–U+2069), which make a name or a comment
//! read differently from what it is (a right-to-left override in a name
//! reverses what follows it on screen and on paper).
//!
//! Days typed in a form or a cell are read by [`parse_day`], in the forms
//! [`DAY_FORMS`] names.

use time::{Date, Month};

/// The first character of `s` the system does not take, if any.
pub fn refused_char(s: &str) -> Option<char> {
    s.chars().find(|&c| {
        (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    })
}

/// The message for a refused character, in Chinese.
pub fn refusal(c: char) -> String {
    let what = if c.is_control() {
        "控制字符"
    } else {
        "文字方向控制符"
    };
    format!(
        "输入中含有不允许的{what}（U+{:04X}），请删除后重新填写",
        u32::from(c)
    )
}

/// Characters of a value a message quotes (a workbook's cell, a code).
pub const EXCERPT_CHARS: usize = 30;

/// The first [`EXCERPT_CHARS`] characters of `s`, followed by “…” when
/// there is more.
pub fn excerpt(s: &str) -> String {
    let mut chars = s.chars();
    let head: String = chars.by_ref().take(EXCERPT_CHARS).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

/// Why a text of more than `max` characters is refused:
/// “{what}不能超过 {max} 字（现有 {n} 字）”. No form or import cuts a text
/// to fit; it says so and keeps nothing.
pub fn too_long(text: &str, what: &str, max: usize) -> Option<String> {
    let n = text.chars().count();
    (n > max).then(|| format!("{what}不能超过 {max} 字（现有 {n} 字）"))
}

/// The text forms of a day people type, in forms and workbook cells
/// alike (the import's 说明 sheet names them).
pub const DAY_FORMS: &str = "2023-05-01、2023/5/1、2023.5.1、2023年5月1日 或 20230501";

/// Full-width digits and date punctuation as their ASCII forms (values
/// only: identifiers refuse them instead).
pub fn half_width(s: &str) -> String {
    s.trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (u32::from(c) - u32::from('０')) as u8),
            '．' | '。' => '.',
            '／' => '/',
            '－' | '—' => '-',
            '，' => ',',
            '　' => ' ',
            _ => c,
        })
        .collect()
}

/// The day of year `y`, month `m`, day `d`, if there is one.
pub fn ymd(y: i64, m: i64, d: i64) -> Option<Date> {
    let month = Month::try_from(u8::try_from(m).ok()?).ok()?;
    Date::from_calendar_date(i32::try_from(y).ok()?, month, u8::try_from(d).ok()?).ok()
}

/// The text forms of a date: 2023-05-01, 2023/5/1, 2023.5.1, 2023年5月1日,
/// 20230501 (full-width digits allowed; an ISO time of midnight ignored).
pub fn parse_day(s: &str) -> Option<Date> {
    let t = half_width(s);
    let t = t
        .strip_suffix("T00:00:00")
        .or_else(|| t.strip_suffix(" 00:00:00"))
        .unwrap_or(&t);
    if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        let n: i64 = t.parse().ok()?;
        return ymd(n / 10_000, n / 100 % 100, n % 100);
    }
    let parts = split_ymd(t)?;
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    if y.len() != 4 || m.is_empty() || m.len() > 2 || d.is_empty() || d.len() > 2 {
        return None;
    }
    ymd(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// Splits "2023-05-01", "2023/5/1", "2023.5.1", "2023年5月1日" (or their
/// month forms) into their digit runs; one kind of separator only.
pub fn split_ymd(t: &str) -> Option<Vec<&str>> {
    let parts: Vec<&str> = if t.contains('年') {
        let rest = t.strip_suffix('日').unwrap_or(t);
        let rest = rest.strip_suffix('月').unwrap_or(rest);
        rest.split(['年', '月']).map(str::trim).collect()
    } else {
        let sep = t.chars().find(|c| matches!(c, '-' | '/' | '.'))?;
        t.split(sep).collect()
    };
    parts
        .iter()
        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        .then_some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_text_is_refused_with_its_length() {
        assert_eq!(too_long("一二三", "姓名", 3), None);
        assert_eq!(
            too_long("一二三四", "姓名", 3).as_deref(),
            Some("姓名不能超过 3 字（现有 4 字）")
        );
        assert_eq!(too_long("", "姓名", 0), None);
    }

    #[test]
    fn what_is_refused() {
        assert_eq!(refused_char("张三\t备注\r\n第二行"), None);
        assert_eq!(refused_char("合作社"), None);
        assert_eq!(refused_char("a\0b"), Some('\0'));
        assert_eq!(refused_char("a\u{7f}"), Some('\u{7f}'));
        assert_eq!(refused_char("a\u{85}"), Some('\u{85}'));
        assert_eq!(refused_char("a\u{1b}[31m"), Some('\u{1b}'));
        assert_eq!(refused_char("张\u{202E}三"), Some('\u{202E}'));
        assert_eq!(refused_char("x\u{2066}y"), Some('\u{2066}'));
        assert_eq!(refused_char("x\u{2069}"), Some('\u{2069}'));
        // The marks next to them are fine (left-to-right mark, ZWJ).
        assert_eq!(refused_char("x\u{200E}\u{200D}\u{2065}"), None);
        assert_eq!(
            refusal('\0'),
            "输入中含有不允许的控制字符（U+0000），请删除后重新填写"
        );
        assert_eq!(
            refusal('\u{202E}'),
            "输入中含有不允许的文字方向控制符（U+202E），请删除后重新填写"
        );
    }

    #[test]
    fn a_day_in_every_form_people_type() {
        let day = time::macros::date!(2023 - 05 - 01);
        for typed in [
            "2023-05-01",
            "2023/5/1",
            "2023.5.1",
            "2023年5月1日",
            "2023年05月01日",
            "20230501",
            " ２０２３／５／１ ",
            "2023-05-01T00:00:00",
        ] {
            assert_eq!(parse_day(typed), Some(day), "{typed}");
        }
        for bad in [
            "",
            "2023-5",
            "2023-02-29",
            "2023-13-01",
            "23-5-1",
            "2023/5-1",
            "明天",
            "202305011",
        ] {
            assert_eq!(parse_day(bad), None, "{bad}");
        }
        assert_eq!(
            parse_day("2024-02-29"),
            Some(time::macros::date!(2024 - 02 - 29))
        );
    }
}
