//! Article 8: secondments of at least one calendar month; 1 per town to the
//! city; 20% (half up) of the professionalized secretaries to town departments.

mod common;

use common::*;
use time::macros::date;
use touyan_rules::art08_secondment;
use touyan_rules::policy::Raw;

#[test]
fn a_calendar_month_to_the_day_counts() {
    let p = params();
    let counts = |a, b| art08_secondment::length(&p, a, b).outcome;
    assert!(counts(date!(2024 - 03 - 01), date!(2024 - 04 - 01)));
    assert!(!counts(date!(2024 - 03 - 01), date!(2024 - 03 - 31)));
    assert!(counts(date!(2024 - 03 - 01), date!(2024 - 06 - 30)));
    // The day is clamped to the end of February.
    assert!(counts(date!(2024 - 01 - 31), date!(2024 - 02 - 29)));
    assert!(!counts(date!(2024 - 01 - 31), date!(2024 - 02 - 28)));
    assert!(counts(date!(2023 - 01 - 31), date!(2023 - 02 - 28)));
    // Across the year end.
    assert!(counts(date!(2024 - 12 - 15), date!(2025 - 01 - 15)));
    assert!(!counts(date!(2024 - 12 - 15), date!(2025 - 01 - 14)));
    // An end before the start never counts.
    assert!(!counts(date!(2024 - 04 - 01), date!(2024 - 03 - 01)));
}

#[test]
fn a_longer_minimum_follows_the_policy() {
    let p = params_with(&[("secondment.min_months", Raw::Number("3"))]);
    assert!(!art08_secondment::length(&p, date!(2024 - 03 - 01), date!(2024 - 05 - 31)).outcome);
    assert!(art08_secondment::length(&p, date!(2024 - 03 - 01), date!(2024 - 06 - 01)).outcome);
}

#[test]
fn length_decision_and_sentences() {
    let p = params();
    let d = art08_secondment::length(&p, date!(2024 - 03 - 01), date!(2024 - 04 - 01));
    assert_rule(d.rule, "art08.secondment_length", 8);
    assert_used_policy(&d.params, "secondment.min_months");
    let text = d.sentence();
    assert_chinese(&text);
    assert!(text.contains("满 1 个整月"), "{text}");
    let text =
        art08_secondment::length(&p, date!(2024 - 03 - 01), date!(2024 - 03 - 31)).sentence();
    assert_chinese(&text);
    assert!(text.contains("满 0 个整月"), "{text}");
    assert!(text.contains("不计入"), "{text}");
}

#[test]
fn one_secondment_to_the_city_per_town() {
    let d = art08_secondment::city_required(&params());
    assert_eq!(d.outcome, 1);
    assert_rule(d.rule, "art08.city_required", 8);
    assert_used_policy(&d.params, "secondment.city_min_per_town");
    assert_chinese(&d.sentence());
}

#[test]
fn twenty_percent_to_town_departments_half_up() {
    let p = params();
    let t = |n| art08_secondment::town_required(&p, n).outcome;
    assert_eq!(t(0), 0);
    assert_eq!(t(1), 0); // 0.2
    assert_eq!(t(2), 0); // 0.4
    assert_eq!(t(3), 1); // 0.6
    assert_eq!(t(7), 1); // 1.4
    assert_eq!(t(8), 2); // 1.6
    assert_eq!(t(12), 2); // 2.4
    assert_eq!(t(13), 3); // 2.6
    assert_eq!(t(27), 5); // 5.4
    let d = art08_secondment::town_required(&p, 13);
    assert_rule(d.rule, "art08.town_required", 8);
    assert_used_policy(&d.params, "secondment.town_ratio");
    assert_used_policy(&d.params, "secondment.town_rounding");
    let text = d.sentence();
    assert_chinese(&text);
    assert!(text.contains("20%"), "{text}");
    assert!(text.contains("3 名"), "{text}");

    let p = params_with(&[("secondment.town_rounding", Raw::Text("ceil"))]);
    assert_eq!(art08_secondment::town_required(&p, 1).outcome, 1);
    assert_eq!(art08_secondment::town_required(&p, 5).outcome, 1);
    assert_eq!(art08_secondment::town_required(&p, 6).outcome, 2);
}

#[test]
fn appraisal_needs_the_log_and_the_host_appraisal() {
    let d = art08_secondment::appraisal_complete(true, true);
    assert!(d.outcome);
    assert_rule(d.rule, "art08.appraisal", 8);
    for (log, appraisal) in [(false, true), (true, false), (false, false)] {
        let d = art08_secondment::appraisal_complete(log, appraisal);
        assert!(!d.outcome);
        assert_chinese(&d.sentence());
    }
}
