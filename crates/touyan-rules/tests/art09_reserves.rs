//! Article 9: reserves (≥ 2 per professionalized village, one per other
//! post) and new secretaries from reserves trained ≥ 1 year.

mod common;

use common::*;
use time::macros::date;
use touyan_rules::art09_reserves;

#[test]
fn two_reserves_are_enough_one_is_short_by_one() {
    let p = params();
    let r = |n| art09_reserves::secretary_reserves(&p, n).outcome;
    assert_eq!(r(2), None);
    assert_eq!(r(5), None);
    assert_eq!(r(1), Some(1));
    assert_eq!(r(0), Some(2));
    let d = art09_reserves::secretary_reserves(&p, 1);
    assert_rule(d.rule, "art09.secretary_reserves", 9);
    assert_used_policy(&d.params, "reserves.professional_village_min");
    let text = d.sentence();
    assert_chinese(&text);
    assert!(text.contains("缺 1 名"), "{text}");
    assert_chinese(&art09_reserves::secretary_reserves(&p, 2).sentence());
}

#[test]
fn one_reserve_per_other_post() {
    let p = params();
    assert_eq!(
        art09_reserves::post_reserves(&p, "村委会主任", 1).outcome,
        None
    );
    let d = art09_reserves::post_reserves(&p, "村委会主任", 0);
    assert_eq!(d.outcome, Some(1));
    assert_rule(d.rule, "art09.post_reserves", 9);
    assert!(d.sentence().contains("村委会主任"));
    assert!(d.sentence().contains("一职一备"));
}

#[test]
fn a_new_secretary_from_reserves_trained_a_full_year() {
    let p = params();
    let ok = |since, on| art09_reserves::appointment_from_reserves(&p, since, on).outcome;
    assert!(ok(Some(date!(2024 - 01 - 01)), date!(2025 - 01 - 01)));
    assert!(!ok(Some(date!(2024 - 01 - 01)), date!(2024 - 12 - 31)));
    assert!(!ok(Some(date!(2024 - 01 - 02)), date!(2025 - 01 - 01)));
    assert!(!ok(None, date!(2025 - 01 - 01)));
    // From 2024-02-29 a year ends on 2025-02-28.
    assert!(ok(Some(date!(2024 - 02 - 29)), date!(2025 - 02 - 28)));
    assert!(!ok(Some(date!(2024 - 02 - 29)), date!(2025 - 02 - 27)));

    let d = art09_reserves::appointment_from_reserves(&p, None, date!(2025 - 01 - 01));
    assert_rule(d.rule, "art09.appointment_from_reserves", 9);
    assert_used_policy(&d.params, "reserves.min_training_years");
    assert!(d.sentence().contains("说明理由"));
    let d = art09_reserves::appointment_from_reserves(
        &p,
        Some(date!(2024 - 01 - 02)),
        date!(2025 - 01 - 01),
    );
    assert!(d.sentence().contains("不满 1 年"), "{}", d.sentence());
    let d = art09_reserves::appointment_from_reserves(
        &p,
        Some(date!(2024 - 01 - 01)),
        date!(2025 - 01 - 01),
    );
    assert!(d.sentence().contains("已满 1 年"), "{}", d.sentence());
}
