//! Article 13: tier places (floor(n/3), floor(n/3), rest), the tier walk
//! (tier 1 needs five stars), subsidy amounts, yearly adjustment.

mod common;

use common::*;
use touyan_rules::art13_pay::{self, TierPlaces, TierReason};
use touyan_rules::decision::Origin;
use touyan_rules::policy::Raw;

fn places(n: u32) -> (u32, u32, u32) {
    let t = art13_pay::tier_places(&params(), n).outcome;
    (t.tier1, t.tier2, t.tier3)
}

fn tiers(p: &touyan_rules::Params, stars: &[u32]) -> Vec<u8> {
    art13_pay::assign_tiers(p, stars)
        .iter()
        .map(|d| d.outcome)
        .collect()
}

#[test]
fn tier_places_for_small_lists() {
    assert_eq!(places(0), (0, 0, 0));
    assert_eq!(places(1), (0, 0, 1));
    assert_eq!(places(2), (0, 0, 2));
    assert_eq!(places(3), (1, 1, 1));
    assert_eq!(places(4), (1, 1, 2));
    assert_eq!(places(5), (1, 1, 3));
    assert_eq!(places(6), (2, 2, 2));
    assert_eq!(places(7), (2, 2, 3));
    assert_eq!(places(27), (9, 9, 9));
    assert_eq!(places(26), (8, 8, 10));
    let d = art13_pay::tier_places(&params(), 7);
    assert_rule(d.rule, "art13.tier_places", 13);
    assert_used_policy(&d.params, "tiers.tier1_share");
    assert_used_policy(&d.params, "tiers.share_rounding");
    assert_eq!(d.sentence(), "一档 2 名、二档 2 名、三档 3 名");
    assert_eq!(
        d.outcome,
        TierPlaces {
            tier1: 2,
            tier2: 2,
            tier3: 3
        }
    );
}

#[test]
fn tier_places_with_half_up_shares() {
    let p = params_with(&[("tiers.share_rounding", Raw::Text("half_up"))]);
    let t = |n| {
        let t = art13_pay::tier_places(&p, n).outcome;
        (t.tier1, t.tier2, t.tier3)
    };
    assert_eq!(t(2), (1, 1, 0)); // 0.67 → 1 each
    assert_eq!(t(5), (2, 2, 1)); // 1.67 → 2 each
    assert_eq!(t(4), (1, 1, 2));
    // Shares of more than the list never give more places than people.
    let p = params_with(&[
        ("tiers.tier1_share", Raw::Text("2/3")),
        ("tiers.tier2_share", Raw::Text("2/3")),
    ]);
    let t = art13_pay::tier_places(&p, 3).outcome;
    assert_eq!((t.tier1, t.tier2, t.tier3), (2, 1, 0));
}

#[test]
fn the_tier_walk_gives_tier_1_only_to_five_stars() {
    let p = params();
    assert_eq!(tiers(&p, &[4, 5, 5]), [2, 1, 3]);
    assert_eq!(tiers(&p, &[5, 5, 5]), [1, 2, 3]);
    assert_eq!(tiers(&p, &[5, 4, 4]), [1, 2, 3]);
    assert_eq!(tiers(&p, &[4, 4, 4]), [2, 3, 3]);
    assert_eq!(tiers(&p, &[4, 4, 5]), [2, 3, 1]);
    assert_eq!(tiers(&p, &[5, 4, 5, 4, 5, 4]), [1, 2, 1, 2, 3, 3]);
    assert_eq!(tiers(&p, &[5, 5, 5, 5, 5, 5, 5]), [1, 1, 2, 2, 3, 3, 3]);
    assert_eq!(tiers(&p, &[5]), [3]);
    assert_eq!(tiers(&p, &[5, 5]), [3, 3]);
    assert_eq!(tiers(&p, &[]), Vec::<u8>::new());
}

#[test]
fn unused_tier_1_places_can_pass_to_tier_2() {
    let p = params_with(&[("tiers.unused_tier1_to_tier2", Raw::Bool(true))]);
    assert_eq!(tiers(&p, &[4, 4, 4]), [2, 2, 3]);
    assert_eq!(tiers(&p, &[4, 5, 4, 4, 4, 4]), [2, 1, 2, 2, 3, 3]);
    // Enough five-star villages: nothing passes down.
    assert_eq!(tiers(&p, &[4, 5, 5]), [2, 1, 3]);
    assert_eq!(tiers(&p, &[5, 4, 5, 4, 5, 4]), [1, 2, 1, 2, 3, 3]);
    // Without the switch the same lists leave tier-1 places empty.
    assert_eq!(tiers(&params(), &[4, 5, 4, 4, 4, 4]), [2, 1, 2, 3, 3, 3]);
}

#[test]
fn tier_reasons_and_sentences() {
    let p = params();
    let ds = art13_pay::assign_tiers(&p, &[4, 5, 5]);
    assert_eq!(
        ds[0].reason,
        TierReason::Tier2TooFewStars { stars: 4, min: 5 }
    );
    assert_eq!(ds[1].reason, TierReason::Tier1 { stars: 5 });
    assert_eq!(ds[2].reason, TierReason::Tier3);
    let ds = art13_pay::assign_tiers(&p, &[5, 5, 5]);
    assert_eq!(ds[1].reason, TierReason::Tier2Tier1Full);
    for d in &ds {
        assert_rule(d.rule, "art13.tier", 13);
        assert_used_policy(&d.params, "tiers.tier1_min_stars");
        assert_used_policy(&d.params, "tiers.unused_tier1_to_tier2");
        assert_chinese(&d.sentence());
    }
    assert!(ds[0].sentence().contains("一档"));
    assert!(ds[2].sentence().contains("三档"));
    let ds = art13_pay::assign_tiers(&p, &[4, 4, 4]);
    assert!(
        ds[0].sentence().contains("不能晋级一档"),
        "{}",
        ds[0].sentence()
    );
}

#[test]
fn a_longer_star_scale_changes_the_tier_1_level() {
    let p = params_with(&[("tiers.tier1_min_stars", Raw::Number("4"))]);
    assert_eq!(tiers(&p, &[4, 4, 4]), [1, 2, 3]);
}

#[test]
fn monthly_subsidies_are_example_amounts() {
    let p = params();
    let s = |t| art13_pay::monthly_subsidy(&p, t);
    assert_eq!(s(1).outcome, dec("1500"));
    assert_eq!(s(2).outcome, dec("1200"));
    assert_eq!(s(3).outcome, dec("900"));
    let d = s(1);
    assert_rule(d.rule, "art13.subsidy", 13);
    assert_used(&d.params, "pay.tier1_monthly_yuan", SINCE, Origin::Example);
    assert!(d.uses_example_values());
    let text = d.sentence();
    assert_eq!(text, "一档专业化补贴每月 1500 元（示例金额，非正式标准）");
    assert!(s(3).sentence().starts_with("三档"));
    // An official amount is not marked.
    let p = params_with(&[("pay.tier2_monthly_yuan", Raw::Number("1300"))]);
    let d = art13_pay::monthly_subsidy(&p, 2);
    assert_eq!(d.outcome, dec("1300"));
    assert!(!d.uses_example_values());
    assert_eq!(d.sentence(), "二档专业化补贴每月 1300 元");
}

#[test]
fn the_list_is_adjusted_once_a_year_in_january() {
    let p = params();
    let d = art13_pay::adjustment_month(&p, 1);
    assert!(d.outcome);
    assert_rule(d.rule, "art13.yearly_adjustment", 13);
    assert_chinese(&d.sentence());
    assert!(!art13_pay::adjustment_month(&p, 2).outcome);
    assert!(!art13_pay::adjustment_month(&p, 12).outcome);
    assert!(
        art13_pay::adjustment_month(&p, 2)
            .sentence()
            .contains("不作调整")
    );
}

/// A tier the town gives: tier 1 needs exactly five stars or more; other
/// tiers have no star condition.
#[test]
fn a_given_tier_one_needs_five_stars() {
    let p = params();
    let five = art13_pay::tier_stars(&p, 1, 5);
    assert!(five.outcome);
    assert_eq!(five.sentence(), "村党组织 5 星级，达到一档所需的 5 星级");
    let four = art13_pay::tier_stars(&p, 1, 4);
    assert!(!four.outcome);
    assert_eq!(
        four.sentence(),
        "村党组织 4 星级，不足 5 星级，不能晋级一档"
    );
    assert_rule(four.rule, "art13.tier_stars", 13);
    assert_used_policy(&four.params, "tiers.tier1_min_stars");
    let two = art13_pay::tier_stars(&p, 2, 0);
    assert!(two.outcome);
    assert_eq!(two.sentence(), "定为二档，不受星级限制");
}

/// Tier counts a town gives, against the places of a list of n: at the
/// places they pass, one more in tier 1 or 2 is refused, tier 3 is open.
#[test]
fn given_tiers_stay_within_their_places() {
    let p = params();
    let ok = |tiers: &[u8], stars: &[u32]| art13_pay::tier_counts(&p, tiers, stars).outcome;
    // n = 6: 2 / 2 / 2.
    let six = [5, 5, 5, 5, 5, 5];
    assert!(ok(&[1, 1, 2, 2, 3, 3], &six));
    assert!(!ok(&[1, 1, 1, 2, 3, 3], &six));
    assert!(!ok(&[1, 2, 2, 2, 3, 3], &six));
    assert!(ok(&[3, 3, 3, 3, 3, 3], &six));
    let d = art13_pay::tier_counts(&p, &[1, 1, 1, 2, 3, 3], &six);
    assert_rule(d.rule, "art13.tier_counts", 13);
    assert_eq!(
        d.sentence(),
        "一档 3 人（名额 2）、二档 1 人（名额 2）、三档 2 人，一档超出 1 人"
    );
    // n = 2: no tier-1 or tier-2 place at all.
    assert!(!ok(&[2, 3], &[5, 5]));
    assert!(ok(&[3, 3], &[5, 5]));
}
