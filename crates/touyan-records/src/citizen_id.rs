//! 公民身份号码 (GB 11643-1999): 6-digit address code, 8-digit birth date,
//! 3-digit sequence (odd: male, even: female) and an ISO 7064 MOD 11-2 check
//! character. A lower-case `x` is accepted and normalised to `X`.
//!
//! Written here rather than taken from a crate: the rule is a dozen lines,
//! the messages must be Chinese, and the masking must follow our policy.

use std::fmt;

use time::{Date, Month};

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: [u8; 11] = *b"10X98765432";

/// Why a text is not a citizen ID number. `Display` is a Chinese sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IdError {
    /// Not 18 characters.
    Length(usize),
    /// A character other than a digit (or a final X).
    Character,
    /// The birth date part is not a date.
    BirthDate,
    /// The check character does not match; carries the expected one.
    CheckDigit { expected: char },
}

impl fmt::Display for IdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdError::Length(n) => write!(f, "身份证号码应为 18 位，实为 {n} 位"),
            IdError::Character => f.write_str("身份证号码只能是数字，最后一位可以是 X"),
            IdError::BirthDate => f.write_str("身份证号码中的出生日期不是有效日期"),
            IdError::CheckDigit { expected } => {
                write!(
                    f,
                    "身份证号码校验位不符（按前 17 位应为 {expected}），请核对是否录错"
                )
            }
        }
    }
}

impl std::error::Error for IdError {}

/// Sex as the sequence code says (odd: male, even: female).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    pub fn zh(self) -> &'static str {
        match self {
            Sex::Male => "男",
            Sex::Female => "女",
        }
    }
}

/// A valid citizen ID number (upper-case X).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CitizenId([u8; 18]);

impl CitizenId {
    /// Parses and checks a number; surrounding spaces are ignored.
    pub fn parse(text: &str) -> Result<CitizenId, IdError> {
        let t = text.trim();
        let n = t.chars().count();
        if n != 18 {
            return Err(IdError::Length(n));
        }
        if !t.is_ascii() {
            // Full-width digits and the like: 18 characters but more bytes.
            return Err(IdError::Character);
        }
        let mut b = [0u8; 18];
        b.copy_from_slice(t.as_bytes());
        if b[17] == b'x' {
            b[17] = b'X';
        }
        if !b[..17].iter().all(u8::is_ascii_digit) || !(b[17].is_ascii_digit() || b[17] == b'X') {
            return Err(IdError::Character);
        }
        let sum: u32 = b[..17]
            .iter()
            .zip(WEIGHTS)
            .map(|(&d, w)| u32::from(d - b'0') * w)
            .sum();
        let expected = CHECK[(sum % 11) as usize];
        if b[17] != expected {
            return Err(IdError::CheckDigit {
                expected: char::from(expected),
            });
        }
        let id = CitizenId(b);
        id.birth_date_checked().ok_or(IdError::BirthDate)?;
        Ok(id)
    }

    /// The number whose first 17 digits are `body`, with the check
    /// character computed (for synthetic numbers, such as the demo's).
    pub fn with_check(body: &str) -> Result<CitizenId, IdError> {
        if body.len() != 17 || !body.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdError::Character);
        }
        let sum: u32 = body
            .bytes()
            .zip(WEIGHTS)
            .map(|(d, w)| u32::from(d - b'0') * w)
            .sum();
        CitizenId::parse(&format!("{body}{}", char::from(CHECK[(sum % 11) as usize])))
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII digits and X are ever stored.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    fn birth_date_checked(&self) -> Option<Date> {
        let num = |r: std::ops::Range<usize>| {
            self.0[r]
                .iter()
                .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'))
        };
        let month = Month::try_from(u8::try_from(num(10..12)).ok()?).ok()?;
        Date::from_calendar_date(num(6..10) as i32, month, u8::try_from(num(12..14)).ok()?).ok()
    }

    /// The birth date the number carries.
    pub fn birth_date(&self) -> Date {
        // Checked by `parse`.
        self.birth_date_checked().unwrap_or(Date::MIN)
    }

    /// The sex the sequence code says.
    pub fn sex(&self) -> Sex {
        if (self.0[16] - b'0') % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// The 6-digit address code (GB/T 2260) of where the number was issued.
    pub fn address_code(&self) -> &str {
        &self.as_str()[..6]
    }

    /// The number as screens and exports show it.
    pub fn masked(&self, mask: Mask) -> String {
        mask.apply(self.as_str())
    }
}

impl fmt::Debug for CitizenId {
    /// Masked even in logs and panics.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CitizenId({})", self.masked(Mask::default()))
    }
}

/// How many leading and trailing characters stay visible. There is no
/// national standard (6+4, 6+3 and 4+4 are all in use); the default keeps
/// the address code and the last four: `370783********123X`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mask {
    pub head: usize,
    pub tail: usize,
}

impl Default for Mask {
    fn default() -> Mask {
        Mask { head: 6, tail: 4 }
    }
}

impl Mask {
    /// Replaces every character between head and tail with `*`. A mask that
    /// would show everything shows nothing instead.
    pub fn apply(self, text: &str) -> String {
        let chars: Vec<char> = text.chars().collect();
        let n = chars.len();
        if self.head + self.tail >= n {
            return "*".repeat(n);
        }
        chars
            .iter()
            .enumerate()
            .map(|(i, &c)| {
                if i < self.head || i >= n - self.tail {
                    c
                } else {
                    '*'
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_standards_test_vectors_are_valid() {
        let a = CitizenId::parse("11010519491231002X").unwrap();
        assert_eq!(a.birth_date(), date!(1949 - 12 - 31));
        assert_eq!(a.sex(), Sex::Female); // sequence 002: even
        assert_eq!(a.address_code(), "110105");
        let b = CitizenId::parse("440524188001010014").unwrap();
        assert_eq!(b.birth_date(), date!(1880 - 01 - 01));
        assert_eq!(b.sex(), Sex::Male); // 001: odd
    }

    #[test]
    fn lower_case_x_is_normalised() {
        let a = CitizenId::parse(" 11010519491231002x ").unwrap();
        assert_eq!(a.as_str(), "11010519491231002X");
    }

    #[test]
    fn a_wrong_check_digit_names_the_right_one() {
        assert_eq!(
            CitizenId::parse("110105194912310021"),
            Err(IdError::CheckDigit { expected: 'X' })
        );
        assert_eq!(
            CitizenId::parse("440524188001010015"),
            Err(IdError::CheckDigit { expected: '4' })
        );
        assert!(
            CitizenId::parse("440524188001010015")
                .unwrap_err()
                .to_string()
                .contains("校验位")
        );
    }

    #[test]
    fn bad_shapes_are_refused_with_chinese_reasons() {
        assert_eq!(
            CitizenId::parse("4405241880010100"),
            Err(IdError::Length(16))
        );
        assert_eq!(
            CitizenId::parse("44052418800101001Y"),
            Err(IdError::Character)
        );
        assert_eq!(
            CitizenId::parse("4405241880010100１4"),
            Err(IdError::Character)
        ); // full-width 1
        assert_eq!(
            CitizenId::parse("X40524188001010014"),
            Err(IdError::Character)
        );
        // 1999-02-30 with a matching check digit: the date is what is wrong.
        let body = "37078319990230001";
        let sum: u32 = body
            .bytes()
            .zip(WEIGHTS)
            .map(|(d, w)| u32::from(d - b'0') * w)
            .sum();
        let text = format!("{body}{}", char::from(CHECK[(sum % 11) as usize]));
        assert_eq!(CitizenId::parse(&text), Err(IdError::BirthDate));
    }

    #[test]
    fn masks_show_only_what_the_policy_allows() {
        let a = CitizenId::parse("11010519491231002X").unwrap();
        assert_eq!(a.masked(Mask::default()), "110105********002X");
        assert_eq!(a.masked(Mask { head: 6, tail: 3 }), "110105*********02X");
        assert_eq!(a.masked(Mask { head: 4, tail: 4 }), "1101**********002X");
        assert_eq!(a.masked(Mask { head: 10, tail: 10 }), "*".repeat(18));
        assert!(!format!("{a:?}").contains("19491231"), "Debug is masked");
    }

    fn with_check(body: &str) -> String {
        let sum: u32 = body
            .bytes()
            .zip(WEIGHTS)
            .map(|(d, w)| u32::from(d - b'0') * w)
            .sum();
        format!("{body}{}", char::from(CHECK[(sum % 11) as usize]))
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_answered_without_panic(text in "\\PC{0,24}") {
            let _ = CitizenId::parse(&text);
        }

        #[test]
        fn a_single_changed_digit_is_always_caught(
            area in 110000u32..659999, y in 1930i32..2010, m in 1u8..=12, d in 1u8..=28,
            seq in 0u32..1000, at in 0usize..17, delta in 1u8..10,
        ) {
            let body = format!("{area:06}{y:04}{m:02}{d:02}{seq:03}");
            let good = with_check(&body);
            let id = CitizenId::parse(&good).unwrap();
            proptest::prop_assert_eq!(id.birth_date(), time::Date::from_calendar_date(y, Month::try_from(m).unwrap(), d).unwrap());
            proptest::prop_assert_eq!(id.sex() == Sex::Male, seq % 2 == 1);
            let mut bad = good.into_bytes();
            bad[at] = b'0' + (bad[at] - b'0' + delta) % 10;
            let bad = String::from_utf8(bad).unwrap();
            proptest::prop_assert!(CitizenId::parse(&bad).is_err(), "{}", bad);
        }
    }
}
