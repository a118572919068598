//! Dated parameters: every number and reading switch of the measures lives in
//! a policy file (TOML), each value with the day it takes effect, its unit,
//! the article it comes from and a note.
//!
//! Resolution is "the latest value in force on the decision date". A
//! parameter with no value in force (none yet, or repealed) is an error,
//! never zero. Values the source redacts carry `example = true`, so that
//! every screen and export can warn that they are not official.
//!
//! This module parses a policy from a string; reading the file is the
//! caller's business (the rules crate does no I/O).

mod catalog;
mod file;

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use time::Date;

pub use catalog::{CATALOG, ParamSpec, Params, spec};
pub use file::Problem;

use crate::decision::{Origin, ParamUse};
use crate::num::{Ratio, Rounding};
use crate::people::Education;

/// The example policy shipped with the program: the measures' numbers, the
/// default readings of SPEC.md, and example amounts where the source redacts.
pub const EXAMPLE_POLICY_TOML: &str = include_str!("../../../../policy/example-2024.toml");

/// The type of a parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// An exact fraction: `"1/3"`, `0.5`, `"50%"`.
    Ratio,
    /// A non-negative exact decimal (yuan, 万元, days).
    Decimal,
    /// A non-negative whole number (years, months, counts, stars).
    Integer,
    /// A reading switch: `true` or `false`.
    Flag,
    /// `"half_up"`, `"floor"` or `"ceil"`.
    Rounding,
    /// An education level of the JSON contract (`"college"`, …).
    Education,
}

impl Kind {
    pub fn zh(self) -> &'static str {
        match self {
            Kind::Ratio => "比例（如 1/3、0.5、\"50%\"）",
            Kind::Decimal => "非负数",
            Kind::Integer => "非负整数",
            Kind::Flag => "true 或 false",
            Kind::Rounding => "取整方式（half_up、floor、ceil）",
            Kind::Education => {
                "学历（none、primary、junior_middle、senior_middle、college、bachelor、master、doctor）"
            }
        }
    }

    /// Parses a value of this kind from its written form.
    pub fn parse(self, raw: Raw<'_>) -> Result<Value, String> {
        let expected = || format!("应为{}", self.zh());
        match (self, raw) {
            (Kind::Flag, Raw::Bool(b)) => Ok(Value::Flag(b)),
            (Kind::Ratio, Raw::Number(s) | Raw::Text(s)) => match Ratio::from_str(s)? {
                // Every ratio of the measures is a share of a whole.
                r if r > Ratio::ONE => Err(format!("{s} 大于 1，比例不能超过 100%")),
                r => Ok(Value::Ratio(r)),
            },
            (Kind::Decimal, Raw::Number(s)) => match Decimal::from_str(s) {
                Ok(d) if !d.is_sign_negative() || d.is_zero() => Ok(Value::Decimal(d)),
                Ok(_) => Err(format!("{s} 为负数，{}", expected())),
                Err(_) => Err(expected()),
            },
            (Kind::Integer, Raw::Number(s)) => match s.parse::<u32>() {
                Ok(n) => Ok(Value::Integer(n)),
                Err(_) => Err(format!("{s} 不是非负整数")),
            },
            (Kind::Rounding, Raw::Text(s)) => Rounding::parse(s)
                .map(Value::Rounding)
                .ok_or_else(|| format!("“{s}”不是取整方式，{}", expected())),
            (Kind::Education, Raw::Text(s)) => Education::parse(s)
                .map(Value::Education)
                .ok_or_else(|| format!("“{s}”不是学历，{}", expected())),
            _ => Err(expected()),
        }
    }
}

/// A written value before it is typed: the exact text of a number, a
/// boolean, or a string.
#[derive(Clone, Copy, Debug)]
pub enum Raw<'a> {
    Number(&'a str),
    Bool(bool),
    Text(&'a str),
}

/// A typed parameter value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Ratio(Ratio),
    Decimal(Decimal),
    Integer(u32),
    Flag(bool),
    Rounding(Rounding),
    Education(Education),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Ratio(r) => write!(f, "{r}"),
            Value::Decimal(d) => write!(f, "{d}"),
            Value::Integer(n) => write!(f, "{n}"),
            Value::Flag(b) => f.write_str(if *b { "是" } else { "否" }),
            Value::Rounding(r) => f.write_str(r.zh()),
            Value::Education(e) => f.write_str(e.zh()),
        }
    }
}

/// Conversion of a `Value` into the Rust type a rule uses.
pub trait FromValue: Sized {
    const KIND: Kind;
    fn from_value(v: &Value) -> Option<Self>;
}

macro_rules! from_value {
    ($ty:ty, $kind:ident) => {
        impl FromValue for $ty {
            const KIND: Kind = Kind::$kind;
            fn from_value(v: &Value) -> Option<Self> {
                match v {
                    Value::$kind(x) => Some(x.clone()),
                    _ => None,
                }
            }
        }
    };
}
from_value!(Ratio, Ratio);
from_value!(Decimal, Decimal);
from_value!(bool, Flag);
from_value!(Rounding, Rounding);
from_value!(Education, Education);
impl FromValue for u32 {
    const KIND: Kind = Kind::Integer;
    fn from_value(v: &Value) -> Option<u32> {
        match v {
            Value::Integer(n) => Some(*n),
            _ => None,
        }
    }
}

/// A resolved parameter: its value and where it came from.
#[derive(Clone, Copy, Debug)]
pub struct P<T> {
    pub value: T,
    pub used: ParamUse,
}

/// One dated value of a parameter.
#[derive(Clone, Debug)]
pub struct Dated {
    pub since: Date,
    /// `None`: repealed from `since` on (no value in force).
    pub value: Option<Value>,
    /// An example standing in for an amount the source redacts.
    pub example: bool,
    pub line: u32,
}

/// A parameter as the policy file describes it.
#[derive(Clone, Debug)]
pub struct Entry {
    pub spec: &'static ParamSpec,
    pub article: u8,
    pub clause: String,
    pub unit: String,
    pub note: String,
    /// Implements missing text of the measures (our inference).
    pub inferred: bool,
    /// In ascending order of `since`.
    pub values: Vec<Dated>,
    pub line: u32,
}

impl Entry {
    /// The value in force on `on`: the latest with `since ≤ on`.
    pub fn in_force(&self, on: Date) -> Option<&Dated> {
        self.values
            .iter()
            .rev()
            .find(|d| d.since <= on)
            .filter(|d| d.value.is_some())
    }
}

/// A yes/no inclusion condition a city adds to its policy without code
/// changes (Article 1 ends in missing text that may hold more conditions).
#[derive(Clone, Debug)]
pub struct ExtraCondition {
    pub id: String,
    pub label: String,
    pub article: u8,
    pub since: Date,
    pub line: u32,
}

/// A parsed policy file.
#[derive(Clone, Debug)]
pub struct Policy {
    pub id: String,
    pub title: String,
    pub entries: Vec<Entry>,
    pub conditions: Vec<ExtraCondition>,
    overrides: Vec<(&'static str, Value)>,
}

/// Why parameters could not be resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unresolved {
    pub on: Date,
    pub missing: Vec<&'static str>,
}

impl fmt::Display for Unresolved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "政策在 {} 没有生效的参数值：{}",
            self.on,
            self.missing.join("、")
        )
    }
}

impl std::error::Error for Unresolved {}

impl Policy {
    /// Parses and validates a policy file; every problem, with its line.
    pub fn parse(src: &str) -> Result<Policy, Vec<Problem>> {
        file::parse(src)
    }

    /// The shipped example policy.
    pub fn example() -> Policy {
        match Policy::parse(EXAMPLE_POLICY_TOML) {
            Ok(p) => p,
            // The example is checked by a test; a broken build cannot ship.
            Err(problems) => panic!("shipped example policy is invalid: {problems:?}"),
        }
    }

    pub fn entry(&self, name: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.spec.name == name)
    }

    /// Sets one parameter for every date (what-if, a case's `policy`).
    /// `Err` names an unknown parameter or explains a bad value.
    pub fn set_override(&mut self, name: &str, raw: Raw<'_>) -> Result<(), String> {
        let spec = spec(name).ok_or_else(|| format!("没有名为 {name} 的政策参数"))?;
        let value = spec.kind.parse(raw)?;
        self.overrides.retain(|(n, _)| *n != spec.name);
        self.overrides.push((spec.name, value));
        Ok(())
    }

    pub fn has_overrides(&self) -> bool {
        !self.overrides.is_empty()
    }

    /// Whether any value in force on `on` (and used by rules) is an example.
    pub fn examples_in_force(&self, on: Date) -> Vec<&'static str> {
        self.entries
            .iter()
            .filter(|e| !self.overrides.iter().any(|(n, _)| *n == e.spec.name))
            .filter(|e| e.in_force(on).is_some_and(|d| d.example))
            .map(|e| e.spec.name)
            .collect()
    }

    /// Every parameter in force on `on`, typed, ready for the rules.
    pub fn resolve(&self, on: Date) -> Result<Params, Unresolved> {
        Params::build(|name| {
            if let Some((_, v)) = self.overrides.iter().find(|(n, _)| *n == name) {
                return Some((v.clone(), ParamUse::new(name, on, Origin::Override)?));
            }
            let d = self.entry(name)?.in_force(on)?;
            let origin = if d.example {
                Origin::Example
            } else {
                Origin::Policy
            };
            Some((d.value.clone()?, ParamUse::new(name, d.since, origin)?))
        })
        .map_err(|missing| Unresolved { on, missing })
    }
}

#[cfg(test)]
mod tests;
