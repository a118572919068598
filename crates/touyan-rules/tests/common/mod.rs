//! Helpers shared by the integration tests of the rules crate.
#![allow(dead_code)]

use std::str::FromStr;

use rust_decimal::Decimal;
use time::Date;
use time::macros::date;
use touyan_rules::Policy;
use touyan_rules::Rule;
use touyan_rules::decision::{Origin, ParamsUsed};
use touyan_rules::people::{Degree, Education};
use touyan_rules::policy::{Params, Raw};

/// The decision date of most tests.
pub const ON: Date = date!(2025 - 01 - 01);
/// The day every value of the example policy takes effect.
pub const SINCE: Date = date!(2000 - 01 - 01);

/// The example policy resolved on 2025-01-01.
pub fn params() -> Params {
    Policy::example().resolve(ON).expect("example resolves")
}

/// The example policy with overrides, resolved on 2025-01-01.
pub fn params_with(overrides: &[(&str, Raw<'_>)]) -> Params {
    let mut policy = Policy::example();
    for (name, raw) in overrides {
        policy
            .set_override(name, *raw)
            .unwrap_or_else(|e| panic!("override {name}: {e}"));
    }
    policy.resolve(ON).expect("resolves")
}

pub fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_else(|_| panic!("bad decimal {s}"))
}

pub fn degree(education: Education, full_time: bool) -> Degree {
    Degree {
        education,
        full_time,
        full_time_level: None,
    }
}

/// A non-empty sentence containing Chinese characters.
pub fn assert_chinese(sentence: &str) {
    assert!(!sentence.trim().is_empty(), "empty sentence");
    assert!(
        sentence
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "not Chinese: {sentence}"
    );
}

/// The rule has this id and article.
pub fn assert_rule(rule: &Rule, id: &str, article: u8) {
    assert_eq!(rule.id, id);
    assert_eq!(rule.article, article, "{id}");
}

/// The decision used `name`, in force since `since`, from `origin`.
pub fn assert_used(params: &ParamsUsed, name: &str, since: Date, origin: Origin) {
    let Some(u) = params.iter().find(|u| u.name() == name) else {
        panic!(
            "{name} not among {:?}",
            params.iter().map(|u| u.name()).collect::<Vec<_>>()
        );
    };
    assert_eq!(u.since, since, "{name}");
    assert_eq!(u.origin, origin, "{name}");
}

/// The decision used `name` from the example policy file (an official value).
pub fn assert_used_policy(params: &ParamsUsed, name: &str) {
    assert_used(params, name, SINCE, Origin::Policy);
}

pub fn names(params: &ParamsUsed) -> Vec<&'static str> {
    params.iter().map(|u| u.name()).collect()
}
