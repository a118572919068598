//! Article 6: yearly training minimums (city ≥ 3 days; town ≥ 2 sessions
//! and ≥ 7 days), reflections, poor results.

mod common;

use common::*;
use touyan_rules::art06_training::{self, Attendance, FollowUp, Level, Shortfall};
use touyan_rules::policy::Raw;

fn city(days: &str) -> Attendance {
    Attendance {
        level: Level::City,
        days: dec(days),
    }
}

fn town(days: &str) -> Attendance {
    Attendance {
        level: Level::Town,
        days: dec(days),
    }
}

fn shortfalls(sessions: &[Attendance]) -> Vec<&'static str> {
    art06_training::compliance(&params(), sessions)
        .outcome
        .shortfalls
        .iter()
        .map(|s| s.name())
        .collect()
}

#[test]
fn exactly_the_minimums_are_compliant() {
    let d = art06_training::compliance(&params(), &[city("3"), town("3.5"), town("3.5")]);
    let c = &d.outcome;
    assert!(c.compliant());
    assert!(c.shortfalls.is_empty());
    assert_eq!(c.city_days, dec("3"));
    assert_eq!(c.town_sessions, 2);
    assert_eq!(c.town_days, dec("7"));
    // City days may come from several sessions.
    assert!(
        art06_training::compliance(&params(), &[city("1.5"), city("1.5"), town("2"), town("5")])
            .outcome
            .compliant()
    );
}

#[test]
fn half_a_day_short_of_city_training_is_a_shortfall() {
    assert_eq!(
        shortfalls(&[city("2.5"), town("4"), town("3")]),
        ["city_days"]
    );
    let d = art06_training::compliance(&params(), &[city("2.5"), town("4"), town("3")]);
    assert_eq!(d.outcome.city_days, dec("2.5"));
    assert!(!d.outcome.compliant());
    let text = d.sentence();
    assert_chinese(&text);
    assert!(text.contains("未达标"), "{text}");
    assert!(text.contains("市级还差 0.5 天"), "{text}");
}

#[test]
fn shortfalls_come_in_contract_order() {
    assert_eq!(shortfalls(&[]), ["city_days", "town_sessions", "town_days"]);
    assert_eq!(
        shortfalls(&[town("6.5")]),
        ["city_days", "town_sessions", "town_days"]
    );
    // The example of evaluate-format.md: 3 city days, one town session of 4 days.
    assert_eq!(
        shortfalls(&[city("3"), town("4")]),
        ["town_sessions", "town_days"]
    );
    assert_eq!(shortfalls(&[city("3"), town("7")]), ["town_sessions"]);
    assert_eq!(
        shortfalls(&[city("3"), town("3"), town("3.5")]),
        ["town_days"]
    );
    assert_eq!(
        shortfalls(&[city("1"), town("8")]),
        ["city_days", "town_sessions"]
    );
    assert_eq!(
        shortfalls(&[city("0"), town("3"), town("3")]),
        ["city_days", "town_days"]
    );
    // City days do not count towards the town's.
    assert_eq!(
        shortfalls(&[city("10"), town("3"), town("3")]),
        ["town_days"]
    );
    let c = art06_training::compliance(&params(), &[]).outcome;
    assert_eq!(
        c.shortfalls.as_slice(),
        [
            Shortfall::CityDays,
            Shortfall::TownSessions,
            Shortfall::TownDays
        ]
    );
}

#[test]
fn the_minimums_follow_the_policy() {
    let p = params_with(&[
        ("training.city_min_days", Raw::Number("2.5")),
        ("training.town_min_sessions", Raw::Number("3")),
    ]);
    let c = art06_training::compliance(&p, &[city("2.5"), town("4"), town("3")]).outcome;
    assert_eq!(
        c.shortfalls.iter().map(|s| s.name()).collect::<Vec<_>>(),
        ["town_sessions"]
    );
}

#[test]
fn compliance_names_its_rule_and_parameters() {
    let d = art06_training::compliance(&params(), &[city("3"), town("3.5"), town("3.5")]);
    assert_rule(d.rule, "art06.training_compliance", 6);
    assert_used_policy(&d.params, "training.city_min_days");
    assert_used_policy(&d.params, "training.town_min_sessions");
    assert_used_policy(&d.params, "training.town_min_days");
    let text = d.sentence();
    assert_chinese(&text);
    assert!(text.ends_with("达标"), "{text}");
    assert!(!text.contains("未达标"), "{text}");
}

#[test]
fn a_reflection_is_outstanding_only_after_attending() {
    let r = art06_training::reflection_outstanding(true, false);
    assert!(r.outcome);
    assert_rule(r.rule, "art06.study_reflection", 6);
    assert_chinese(&r.sentence());
    assert!(!art06_training::reflection_outstanding(true, true).outcome);
    assert!(!art06_training::reflection_outstanding(false, false).outcome);
    assert_chinese(&art06_training::reflection_outstanding(true, true).sentence());
}

#[test]
fn poor_results_open_an_admonition_and_make_up_study() {
    let d = art06_training::poor_results(true);
    assert_eq!(d.outcome, FollowUp::AdmonitionAndMakeUp);
    assert_rule(d.rule, "art06.poor_results_admonition", 6);
    assert!(d.sentence().contains("约谈"));
    assert!(d.sentence().contains("补学"));
    let d = art06_training::poor_results(false);
    assert_eq!(d.outcome, FollowUp::None);
    assert_chinese(&d.sentence());
}
