//! The clauses the measures hedge — 原则上 ("in principle") and 一般
//! ("as a rule") — and so allow a justified departure from, against those
//! they state strictly.
//!
//! > 纳入专业化党组织书记的数量原则上按照各镇街区行政村总数的50%确定……连续任职一般不少于3年……（第一条）
//! > ……原则上按照各占1/3的比例，对专业化书记划分补贴档次……原则上，五星级以下党组织，党组织书记不能晋级一档，党组织四星级以下的，党组织书记不能纳入专业化管理。（第十三条）
//!
//! Every rule whose clause carries such a word is listed in [`HEDGED`]
//! with the word; a rule not listed is strict and can never be excepted.
//! Of the hedged rules, those a town's yearly list is checked against
//! ([`Exceptable`]) may be departed from by an exception record, approved
//! by the town's reviewer and then the city; a city makes one of them
//! strict with its `strict.*` switch. Article 8's secondment length and
//! Article 9's appointment from reserves are hedged too, but are not
//! checks of the list: the records of those articles show them as
//! findings, not refusals.

use std::fmt;

use crate::Params;
use crate::art01_inclusion::{LIST_SIZE, TENURE};
use crate::art13_pay::{STAR_RATING, TIER_COUNTS, TIER_STARS};
use crate::decision::{Decision, Rule};

/// The word that hedges a clause.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hedge {
    /// 原则上
    InPrinciple,
    /// 一般
    AsARule,
}

impl Hedge {
    /// The word as the measures write it.
    pub fn word(self) -> &'static str {
        match self {
            Hedge::InPrinciple => "原则上",
            Hedge::AsARule => "一般",
        }
    }
}

/// Every hedged rule by id, with its word, as the source text has it.
pub const HEDGED: &[(&str, Hedge)] = &[
    ("art01.tenure", Hedge::AsARule),
    ("art01.quota", Hedge::InPrinciple),
    ("art01.list_size", Hedge::InPrinciple),
    ("art08.secondment_length", Hedge::AsARule),
    ("art09.appointment_from_reserves", Hedge::InPrinciple),
    ("art13.star_rating", Hedge::InPrinciple),
    ("art13.tier_places", Hedge::InPrinciple),
    ("art13.tier", Hedge::InPrinciple),
    ("art13.tier_stars", Hedge::InPrinciple),
    ("art13.tier_counts", Hedge::InPrinciple),
];

/// The word hedging `rule_id`'s clause (`None`: the rule is strict).
pub fn hedge_of(rule_id: &str) -> Option<Hedge> {
    HEDGED
        .iter()
        .find(|(id, _)| *id == rule_id)
        .map(|(_, h)| *h)
}

/// What an exception departs from: a named person's check, or a count of
/// the town's list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// A named secretary (连续任职年限, 星级).
    Person,
    /// The list's size (名额).
    ListSize,
    /// The places of tiers 1 and 2.
    TierPlaces,
}

/// A hedged rule of the yearly list that an exception may depart from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Exceptable {
    pub rule: &'static Rule,
    pub scope: Scope,
}

/// The rules of the yearly list open to an exception, in the article's
/// order.
pub static EXCEPTABLE: &[Exceptable] = &[
    Exceptable {
        rule: &TENURE,
        scope: Scope::Person,
    },
    Exceptable {
        rule: &LIST_SIZE,
        scope: Scope::ListSize,
    },
    Exceptable {
        rule: &STAR_RATING,
        scope: Scope::Person,
    },
    Exceptable {
        rule: &TIER_STARS,
        scope: Scope::Person,
    },
    Exceptable {
        rule: &TIER_COUNTS,
        scope: Scope::TierPlaces,
    },
];

/// The exceptable rule with `rule_id` (`None`: strict, or hedged but not
/// a check of the list).
pub fn exceptable(rule_id: &str) -> Option<&'static Exceptable> {
    EXCEPTABLE.iter().find(|e| e.rule.id == rule_id)
}

/// Why an exception may or may not be asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OpenReason {
    /// Hedged and not made strict by the city.
    Hedged { word: Hedge, citation: String },
    /// The clause is not hedged.
    Strict { title: String, citation: String },
    /// The city's policy makes the hedged clause strict.
    MadeStrict { word: Hedge, citation: String },
    /// Hedged, but not one of the list's checks.
    NotAListCheck {
        word: Hedge,
        title: String,
        citation: String,
    },
    /// No such rule.
    Unknown,
}

impl fmt::Display for OpenReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpenReason::Hedged { word, citation } => write!(
                f,
                "{citation}写明“{}”，可经镇街审核、市委组织部审批后例外",
                word.word()
            ),
            OpenReason::Strict { title, citation } => write!(
                f,
                "“{title}”（{citation}）不属于“原则上”“一般”所限定的要求，不能例外"
            ),
            OpenReason::MadeStrict { word, citation } => write!(
                f,
                "{citation}虽写明“{}”，本市政策规定从严执行，不受理例外",
                word.word()
            ),
            OpenReason::NotAListCheck {
                word,
                title,
                citation,
            } => write!(
                f,
                "“{title}”（{citation}）写明“{}”，但不是年度名单的核查项：名单的例外请按对应的核查项（任职年限、名单人数、党组织星级、一档星级、档次名额）申请",
                word.word()
            ),
            OpenReason::Unknown => f.write_str("没有这项规定"),
        }
    }
}

/// The policy's switch making `rule` strict, with the parameter used.
fn made_strict(p: &Params, rule: &Rule) -> Option<(bool, crate::decision::ParamUse)> {
    let s = match rule.id {
        "art01.tenure" => &p.strict_art01_tenure,
        "art01.list_size" => &p.strict_art01_list_size,
        "art13.star_rating" => &p.strict_art13_star_rating,
        "art13.tier_stars" => &p.strict_art13_tier_stars,
        "art13.tier_counts" => &p.strict_art13_tier_counts,
        _ => return None,
    };
    Some((s.value, s.used))
}

/// Whether an exception to `rule_id` may be asked for and granted under
/// `p`: the rule must be hedged in the source text, be a check of the
/// yearly list, and not be made strict by the city's policy.
pub fn open(p: &Params, rule_id: &str) -> Decision<bool, OpenReason> {
    let Some(e) = exceptable(rule_id) else {
        let rule = crate::all_rules().find(|r| r.id == rule_id);
        let reason = match (rule, hedge_of(rule_id)) {
            (Some(r), Some(word)) => OpenReason::NotAListCheck {
                word,
                title: r.title.to_owned(),
                citation: r.citation(),
            },
            (Some(r), None) => OpenReason::Strict {
                title: r.title.to_owned(),
                citation: r.citation(),
            },
            (None, _) => OpenReason::Unknown,
        };
        return Decision::new(&EXCEPTION, false, reason);
    };
    let word = hedge_of(e.rule.id).unwrap_or(Hedge::InPrinciple);
    let citation = e.rule.citation();
    match made_strict(p, e.rule) {
        Some((true, used)) => {
            Decision::new(&EXCEPTION, false, OpenReason::MadeStrict { word, citation })
                .using(&[used])
        }
        Some((false, used)) => {
            Decision::new(&EXCEPTION, true, OpenReason::Hedged { word, citation }).using(&[used])
        }
        None => Decision::new(
            &EXCEPTION,
            false,
            OpenReason::Strict {
                title: e.rule.title.to_owned(),
                citation,
            },
        ),
    }
}

/// The rule of exceptions themselves: a departure from a hedged clause,
/// for a named person or a count, with a written reason, approved by the
/// town and the city.
pub static EXCEPTION: Rule = Rule {
    id: "art01.exception",
    article: 1,
    clause: "第二款（第十三条第二款、第三款同）",
    inferred: false,
    title: "“原则上”“一般”条款的例外",
};

/// This module's rules, for the traceability table.
pub static RULES: &[&Rule] = &[&EXCEPTION];

/// What the town gives in tiers 1 and 2 against the places, with an
/// approved tier-places exception: each tier within the larger of its
/// default place (`places`, Article 13's shares) and the approved one.
pub fn within_places(given: [u32; 3], places: [u32; 2], approved: (u32, u32)) -> bool {
    given[0] <= places[0].max(approved.0) && given[1] <= places[1].max(approved.1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Policy;
    use time::macros::date;

    fn params(made_strict: bool) -> Params {
        let src = crate::policy::EXAMPLE_POLICY_TOML.to_owned();
        let src = if !made_strict {
            src
        } else {
            // Make tier counts strict from 2026 on.
            src.replace(
                "note = \"补贴档次“原则上”按各占1/3划分：true 为从严执行，不受理例外\"\nvalues = [{ since = 2000-01-01, value = false }]",
                "note = \"补贴档次“原则上”按各占1/3划分：true 为从严执行，不受理例外\"\nvalues = [{ since = 2000-01-01, value = false }, { since = 2026-01-01, value = true }]",
            )
        };
        let policy = Policy::parse(&src).expect("policy");
        policy.resolve(date!(2026 - 01 - 01)).expect("params")
    }

    #[test]
    fn hedged_clauses_are_the_ones_the_text_hedges() {
        let p = params(false);
        for id in [
            "art01.tenure",
            "art01.list_size",
            "art13.star_rating",
            "art13.tier_stars",
            "art13.tier_counts",
        ] {
            let d = open(&p, id);
            assert!(d.outcome, "{id}: {}", d.reason);
        }
        // Strict clauses: the income floor, the evaluation's 80%, the
        // subsidy amounts.
        for id in [
            "art01.collective_income",
            "art12.competency",
            "art13.subsidy",
        ] {
            let d = open(&p, id);
            assert!(!d.outcome);
            assert!(matches!(d.reason, OpenReason::Strict { .. }), "{id}");
            assert!(
                d.reason
                    .to_string()
                    .contains("不属于“原则上”“一般”所限定的要求")
            );
        }
        // Hedged but not a list check.
        let d = open(&p, "art08.secondment_length");
        assert!(!d.outcome);
        assert!(matches!(d.reason, OpenReason::NotAListCheck { .. }));
        assert!(matches!(open(&p, "art99.none").reason, OpenReason::Unknown));
    }

    #[test]
    fn a_city_makes_a_hedged_clause_strict_from_its_date() {
        let p = params(true);
        let d = open(&p, "art13.tier_counts");
        assert!(!d.outcome);
        assert!(d.reason.to_string().contains("从严执行"), "{}", d.reason);
        assert_eq!(d.params[0].name(), "strict.art13_tier_counts");
        // The other hedged clauses stay open.
        assert!(open(&p, "art13.tier_stars").outcome);
    }

    #[test]
    fn every_hedged_id_is_a_rule_and_every_exceptable_rule_is_hedged() {
        for (id, _) in HEDGED {
            assert!(crate::all_rules().any(|r| r.id == *id), "{id}");
        }
        for e in EXCEPTABLE {
            assert!(hedge_of(e.rule.id).is_some(), "{}", e.rule.id);
        }
    }

    #[test]
    fn places_within_the_approved_counts() {
        // A list of 2: no default places.
        assert!(within_places([1, 1, 0], [0, 0], (1, 1)));
        assert!(!within_places([2, 0, 0], [0, 0], (1, 1)));
        assert!(!within_places([0, 2, 0], [0, 0], (1, 1)));
        assert!(within_places([0, 0, 5], [0, 0], (0, 0)));
        // A list of 6 (places 2 and 2) with one more tier-1 place: tier 2
        // keeps its default 2.
        assert!(within_places([3, 2, 1], [2, 2], (3, 0)));
        assert!(!within_places([3, 3, 0], [2, 2], (3, 0)));
        assert!(!within_places([4, 1, 1], [2, 2], (3, 0)));
    }
}
