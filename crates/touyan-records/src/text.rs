//! Text the system takes from people (issue 15): forms, query strings, the
//! API's JSON and workbook cells all go through [`refused_char`].
//!
//! Refused: control characters (C0 and C1, DEL) other than tab and line
//! breaks — a NUL byte cannot be stored by PostgreSQL and breaks every
//! downstream file — and the bidirectional embeddings, overrides and
//! isolates (U+202A–U+202E, U+2066–U+2069), which make a name or a comment
//! read differently from what it is (a right-to-left override in a name
//! reverses what follows it on screen and on paper).

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
