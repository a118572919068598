//! The clauses the measures hedge (原则上, 一般) and the exceptions to
//! them (rule `art01.exception`): only a hedged check of the yearly list
//! may be excepted, and a city may make it strict.

mod common;

use common::*;
use touyan_rules::art13_pay;
use touyan_rules::hedges::{self, Hedge, OpenReason, Scope};

#[test]
fn the_two_words_of_the_text_mark_exactly_these_rules() {
    assert_eq!(hedges::hedge_of("art01.tenure"), Some(Hedge::AsARule));
    assert_eq!(
        hedges::hedge_of("art01.list_size"),
        Some(Hedge::InPrinciple)
    );
    assert_eq!(
        hedges::hedge_of("art13.tier_counts"),
        Some(Hedge::InPrinciple)
    );
    assert_eq!(
        hedges::hedge_of("art13.tier_stars"),
        Some(Hedge::InPrinciple)
    );
    assert_eq!(
        hedges::hedge_of("art13.star_rating"),
        Some(Hedge::InPrinciple)
    );
    assert_eq!(
        hedges::hedge_of("art08.secondment_length"),
        Some(Hedge::AsARule)
    );
    assert_eq!(
        hedges::hedge_of("art09.appointment_from_reserves"),
        Some(Hedge::InPrinciple)
    );
    // 每年年初调整一次 and the income floor are not hedged.
    assert_eq!(hedges::hedge_of("art13.yearly_adjustment"), None);
    assert_eq!(hedges::hedge_of("art01.collective_income"), None);
    // The quota and the tier shares themselves are hedged too (but are
    // excepted through the list's checks of size and tier places).
    assert_eq!(hedges::hedge_of("art01.quota"), Some(Hedge::InPrinciple));
    assert_eq!(
        hedges::hedge_of("art13.tier_places"),
        Some(Hedge::InPrinciple)
    );
    assert_eq!(hedges::HEDGED.len(), 10);
}

#[test]
fn an_exception_is_open_on_a_hedged_list_check_only() {
    let p = params();
    let d = hedges::open(&p, "art13.tier_counts");
    assert!(d.outcome);
    assert_eq!(d.rule.id, "art01.exception");
    assert_eq!(
        d.reason.to_string(),
        "第十三条第二款写明“原则上”，可经镇街审核、市委组织部审批后例外"
    );
    let strict = hedges::open(&p, "art13.yearly_adjustment");
    assert!(!strict.outcome);
    assert!(matches!(strict.reason, OpenReason::Strict { .. }));
    assert_eq!(
        strict.reason.to_string(),
        "“名单和档次每年年初调整”（第十三条第二款）不属于“原则上”“一般”所限定的要求，不能例外"
    );
    assert_eq!(
        hedges::exceptable("art01.tenure").map(|e| e.scope),
        Some(Scope::Person)
    );
    assert_eq!(
        hedges::exceptable("art13.tier_counts").map(|e| e.scope),
        Some(Scope::TierPlaces)
    );
}

#[test]
fn two_five_star_secretaries_have_no_tier_one_place_without_an_exception() {
    // floor(2/3) = 0 places in tiers 1 and 2: both must be tier 3.
    let p = params();
    let d = art13_pay::tier_counts(&p, &[1, 2], &[5, 5]);
    assert!(!d.outcome, "{}", d.reason);
    // An approved exception granting one place in each.
    assert!(hedges::within_places([1, 1, 0], [0, 0], (1, 1)));
    assert!(!hedges::within_places([2, 0, 0], [0, 0], (1, 1)));
}

/// The traceability table's `hedge` field (docs/clauses.toml, read from
/// the source text) and the rules crate's `HEDGED` say the same: every
/// rule of a hedged clause carries that clause's word, every rule of a
/// strict clause none.
#[test]
fn the_clauses_table_and_the_rules_agree_on_every_hedge() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/clauses.toml");
    let text = std::fs::read_to_string(path).expect("docs/clauses.toml");
    let doc: toml::Table = text.parse().expect("clauses.toml parses");
    let clauses = doc["clause"].as_array().expect("[[clause]]");
    let mut seen = 0;
    for c in clauses {
        let word = c.get("hedge").and_then(|h| h.as_str());
        for r in c
            .get("rules")
            .and_then(|r| r.as_array())
            .into_iter()
            .flatten()
        {
            let id = r.as_str().expect("rule id");
            let ours = hedges::hedge_of(id).map(Hedge::word);
            assert_eq!(ours, word, "{id} in clause {}", c["id"]);
            seen += usize::from(ours.is_some());
        }
    }
    // art13.star_rating is in two hedged clauses.
    assert_eq!(seen, hedges::HEDGED.len() + 1);
}
