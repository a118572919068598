//! The input document of the contract, parsed strictly: unknown fields are
//! errors, dates are `YYYY-MM-DD`, money has at most 2 decimals.
//!
//! Numbers arrive from `serde_json` as `u64`/`i64`/`f64`. A JSON decimal such
//! as `4321.15` is parsed correctly rounded (the `float_roundtrip` feature)
//! and turned back into the shortest decimal text that round-trips, which is
//! the text the author wrote for any number of up to 15 significant digits;
//! that text becomes an exact `Decimal`. No decision ever sees the `f64`.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use serde_json::value::RawValue;
use time::Date;
use touyan_rules::calendar::parse_iso_date;
use touyan_rules::people::Education;

/// A calendar date written `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct IsoDate(pub Date);

impl<'de> Deserialize<'de> for IsoDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<IsoDate, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = IsoDate;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date YYYY-MM-DD（日期，格式为 YYYY-MM-DD）")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<IsoDate, E> {
                parse_iso_date(s).map(IsoDate).ok_or_else(|| {
                    E::custom(format_args!(
                        "{s:?} is not a date YYYY-MM-DD（不是有效日期）"
                    ))
                })
            }
        }
        d.deserialize_str(V)
    }
}

/// How many decimals a number may have, and whether it may be negative.
pub trait Constraint {
    const PLACES: Option<u32>;
    const WHAT: &'static str;
    /// Largest magnitude accepted: far beyond any real figure, small enough
    /// that sums and products of decimals cannot overflow.
    fn max() -> Decimal {
        Decimal::from(1_000_000_000_000u64)
    }
    fn check(d: Decimal) -> Result<(), String> {
        let _ = d;
        Ok(())
    }
}

/// An exact decimal number with a constraint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Num<C>(pub Decimal, std::marker::PhantomData<C>);

impl<C> Num<C> {
    pub fn get(self) -> Decimal {
        self.0
    }
}

impl<C: Constraint> Num<C> {
    /// A number built in code (not read from JSON), held to the same rules
    /// as one read from a case: decimal places, range and the constraint.
    /// For callers that assemble a town from stored records (`touyan-cycle`).
    pub fn new(d: Decimal) -> Result<Num<C>, String> {
        let d = d.normalize();
        if let Some(places) = C::PLACES
            && d.scale() > places
        {
            return Err(format!(
                "{d} has more than {places} decimals（{}最多 {places} 位小数）",
                C::WHAT
            ));
        }
        if d.abs() > C::max() {
            return Err(format!(
                "{d} is outside -{max}..={max}（{}超出合理范围）",
                C::WHAT,
                max = C::max()
            ));
        }
        C::check(d)?;
        Ok(Num(d, std::marker::PhantomData))
    }
}

/// Significant digits of a JSON number's text (leading and trailing zeros
/// do not count; the exponent does not).
fn significant_digits(text: &str) -> usize {
    let mantissa = text.split(['e', 'E']).next().unwrap_or(text).as_bytes();
    let digit_at = |i: &usize| mantissa[*i].is_ascii_digit() && mantissa[*i] != b'0';
    let first = (0..mantissa.len()).find(digit_at);
    let last = (0..mantissa.len()).rev().find(digit_at);
    match (first, last) {
        (Some(a), Some(b)) => mantissa[a..=b]
            .iter()
            .filter(|c| c.is_ascii_digit())
            .count(),
        _ => 0,
    }
}

/// Most significant digits a `Decimal` holds exactly.
const MAX_DIGITS: usize = 28;

/// The exact value of a JSON value that must be a number, from its own text
/// (a borrowed `RawValue`), so that `9.9999999999999999999` is that number
/// and not the nearest `f64`. Numbers that a `Decimal` cannot hold exactly
/// are refused rather than rounded.
fn exact_number(text: &str, what: &str) -> Result<Decimal, String> {
    if !text.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
        let shown: String = text.chars().take(24).collect();
        return Err(format!(
            "invalid type: {shown}, expected a number（{what}应为数字）"
        ));
    }
    // Texts this short cannot hold more digits than a Decimal.
    if text.len() > MAX_DIGITS && significant_digits(text) > MAX_DIGITS {
        return Err(format!(
            "{text} has more than {MAX_DIGITS} significant digits（{what}有效数字过多，无法精确计算）"
        ));
    }
    Decimal::from_str(text)
        .or_else(|_| Decimal::from_scientific(text))
        .map(|d| d.normalize())
        .map_err(|_| format!("{text} is out of range（{what}超出范围）"))
}

impl<'de, C: Constraint> Deserialize<'de> for Num<C> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Num<C>, D::Error> {
        let raw = <&'de RawValue>::deserialize(d)?;
        let text = raw.get();
        let d = exact_number(text, C::WHAT).map_err(de::Error::custom)?;
        if let Some(places) = C::PLACES
            && d.scale() > places
        {
            return Err(de::Error::custom(format_args!(
                "{text} has more than {places} decimals（{}最多 {places} 位小数）",
                C::WHAT
            )));
        }
        if d.abs() > C::max() {
            return Err(de::Error::custom(format_args!(
                "{text} is outside -{max}..={max}（{}超出合理范围）",
                C::WHAT,
                max = C::max()
            )));
        }
        C::check(d).map_err(de::Error::custom)?;
        Ok(Num(d, std::marker::PhantomData))
    }
}

/// A whole number of things (stars, a rank, villages, reserves, ballots).
/// `5`, `5.0` and `5e0` are all five; `5.5` and `-1` are refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Count(pub u32);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Count, D::Error> {
        let raw = <&'de RawValue>::deserialize(d)?;
        let text = raw.get();
        // The usual form first: plain digits.
        if text.len() <= 9 && text.bytes().all(|b| b.is_ascii_digit()) {
            return text.parse().map(Count).map_err(de::Error::custom);
        }
        let d = exact_number(text, "数量").map_err(de::Error::custom)?;
        if !d.fract().is_zero() {
            return Err(de::Error::custom(format_args!(
                "{text} is not a whole number（应为整数）"
            )));
        }
        if d.is_sign_negative() && !d.is_zero() {
            return Err(de::Error::custom(format_args!(
                "{text} is negative（不能为负数）"
            )));
        }
        u32::try_from(d.mantissa() / 10i128.pow(d.scale()))
            .map(Count)
            .map_err(|_| de::Error::custom(format_args!("{text} is too large（数值过大）")))
    }
}

/// Last year's rank of a village. The contract requires a number (read
/// as a [`Count`]); `Rank(None)` — a village not ranked, no rank on record
/// — is what the yearly cycle passes from the records, which no JSON case
/// can say: the rank check then fails saying the rank is not recorded,
/// rather than judging an invented place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rank(pub Option<u32>);

impl<'de> Deserialize<'de> for Rank {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Rank, D::Error> {
        Count::deserialize(d).map(|c| Rank(Some(c.0)))
    }
}

fn non_negative(d: Decimal, what: &str) -> Result<(), String> {
    if d.is_sign_negative() && !d.is_zero() {
        Err(format!("{d} is negative（{what}不能为负数）"))
    } else {
        Ok(())
    }
}

/// Yuan, at most 2 decimals, not negative.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Yuan;
impl Constraint for Yuan {
    const PLACES: Option<u32> = Some(2);
    const WHAT: &'static str = "金额（元）";
    fn check(d: Decimal) -> Result<(), String> {
        non_negative(d, Self::WHAT)
    }
}

/// 万元, at most 2 decimals, not negative.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Wan;
impl Constraint for Wan {
    const PLACES: Option<u32> = Some(2);
    const WHAT: &'static str = "集体经济收入（万元）";
    fn check(d: Decimal) -> Result<(), String> {
        non_negative(d, Self::WHAT)
    }
}

/// Training days: a non-negative multiple of half a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Days;
impl Constraint for Days {
    const PLACES: Option<u32> = Some(1);
    const WHAT: &'static str = "培训天数";
    /// A single training cannot last longer than a year.
    fn max() -> Decimal {
        Decimal::from(366)
    }
    fn check(d: Decimal) -> Result<(), String> {
        non_negative(d, Self::WHAT)?;
        if (d * Decimal::TWO).fract().is_zero() {
            Ok(())
        } else {
            Err(format!(
                "{d} is not a whole or half day（培训天数应为 0.5 天的整数倍）"
            ))
        }
    }
}

/// The young-cadre pay factor (its range is checked against the policy).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Factor;
impl Constraint for Factor {
    const PLACES: Option<u32> = None;
    const WHAT: &'static str = "报酬系数";
}

/// A young cadre's composite score: any number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Score;
impl Constraint for Score {
    const PLACES: Option<u32> = None;
    const WHAT: &'static str = "综合得分";
}

/// An education level of the contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edu(pub Education);

impl<'de> Deserialize<'de> for Edu {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Edu, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Edu;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("one of none, primary, junior_middle, senior_middle, college, bachelor, master, doctor")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Edu, E> {
                Education::parse(s).map(Edu).ok_or_else(|| {
                    E::custom(format_args!(
                        "{s:?} is not one of none, primary, junior_middle, senior_middle, college, bachelor, master, doctor（不是有效的学历）"
                    ))
                })
            }
        }
        d.deserialize_str(V)
    }
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    City,
    Town,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Town<'a> {
    #[serde(borrow)]
    pub code: Cow<'a, str>,
    #[serde(borrow)]
    pub name: Cow<'a, str>,
    #[serde(default)]
    pub village_count: Option<Count>,
    #[serde(default)]
    pub reference_salary: Option<Num<Yuan>>,
    #[serde(default)]
    pub young_cadre_factor: Option<Num<Factor>>,
    #[serde(default)]
    #[serde(borrow)]
    pub secondments: Option<Vec<Secondment<'a>>>,
    #[serde(borrow)]
    pub villages: Vec<Village<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Secondment<'a> {
    #[serde(borrow)]
    pub id: Cow<'a, str>,
    pub level: Level,
    pub start: IsoDate,
    pub end: IsoDate,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Village<'a> {
    #[serde(borrow)]
    pub code: Cow<'a, str>,
    #[serde(borrow)]
    pub name: Cow<'a, str>,
    pub stars: Count,
    pub collective_income_wan: Num<Wan>,
    pub last_year_rank: Rank,
    #[serde(default)]
    pub secretary_reserves: Option<Count>,
    #[serde(default)]
    #[serde(borrow)]
    pub secretary: Option<Secretary<'a>>,
    #[serde(default)]
    #[serde(borrow)]
    pub young_cadres: Option<Vec<YoungCadre<'a>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Secretary<'a> {
    #[serde(borrow)]
    pub id: Cow<'a, str>,
    pub birth_date: IsoDate,
    pub education: Edu,
    pub full_time_degree: bool,
    /// The highest level earned in full-time study (2026-12): when
    /// present, it alone says whether a full-time degree is held.
    #[serde(default)]
    pub full_time_education: Option<Edu>,
    pub tenure_start: IsoDate,
    pub three_good_three_strong: bool,
    /// The town's yes/no answers to the conditions the city's policy adds
    /// (2026-12), by condition id.
    #[serde(default, borrow)]
    pub conditions: Option<std::collections::BTreeMap<Cow<'a, str>, bool>>,
    #[serde(default)]
    pub training: Option<Vec<Training>>,
    #[serde(default)]
    pub evaluation: Option<Evaluation>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Training {
    pub level: Level,
    pub days: Num<Days>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evaluation {
    pub party_members: Ballots,
    pub public_reps: Ballots,
}

#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ballots {
    pub competent: Count,
    pub basically_competent: Count,
    pub not_competent: Count,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YoungCadre<'a> {
    #[serde(borrow)]
    pub id: Cow<'a, str>,
    pub birth_date: IsoDate,
    pub education: Edu,
    pub full_time_degree: bool,
    /// The highest level earned in full-time study (2026-12).
    #[serde(default)]
    pub full_time_education: Option<Edu>,
    pub current_pay: Num<Yuan>,
    pub score: Num<Score>,
}
