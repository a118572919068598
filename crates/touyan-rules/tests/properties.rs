//! Properties of the rules over generated inputs (proptest).

mod common;

use std::collections::HashSet;

use common::*;
use proptest::prelude::*;
use rust_decimal::Decimal;
use time::{Date, Month};
use touyan_rules::Policy;
use touyan_rules::art01_inclusion::{self, Candidate, SecretaryFacts, VillageFacts};
use touyan_rules::art13_pay;
use touyan_rules::calendar::{add_months, whole_months};
use touyan_rules::num::{Ratio, Rounding};
use touyan_rules::people::Education;
use touyan_rules::policy::Raw;

fn any_date(years: std::ops::Range<i32>) -> impl Strategy<Value = Date> {
    (years, 1u8..=12, 1u8..=31).prop_map(|(y, m, d)| {
        let month = Month::try_from(m).unwrap();
        Date::from_calendar_date(y, month, d.min(month.length(y))).unwrap()
    })
}

fn any_education() -> impl Strategy<Value = Education> {
    (0usize..Education::ALL.len()).prop_map(|i| Education::ALL[i])
}

/// Money-like amounts with at most 2 decimals, 0.00 ..= max.
fn amount(max_cents: i64) -> impl Strategy<Value = Decimal> {
    (0..=max_cents).prop_map(|c| Decimal::new(c, 2))
}

fn any_secretary() -> impl Strategy<Value = SecretaryFacts> {
    (
        any_date(1955..2001),
        any_education(),
        any::<bool>(),
        any_date(2015..2026),
        any::<bool>(),
    )
        .prop_map(
            |(birth_date, education, full_time, tenure_start, tgts)| SecretaryFacts {
                birth_date,
                degree: degree(education, full_time),
                tenure_start,
                three_good_three_strong: tgts,
            },
        )
}

fn any_village() -> impl Strategy<Value = VillageFacts> {
    (1u32..60)
        .prop_flat_map(|n| (Just(n), 1..=n, 0u32..=5, amount(5_000)))
        .prop_map(
            |(village_count, last_year_rank, stars, income)| VillageFacts {
                stars,
                collective_income_wan: income,
                last_year_rank: Some(last_year_rank),
                village_count,
            },
        )
}

fn codes() -> impl Strategy<Value = String> {
    (0u32..20).prop_map(|i| format!("3707831002{i:02}"))
}

proptest! {
    #[test]
    fn the_proposed_list_respects_the_quota_and_the_ranking(
        cands in prop::collection::vec((1u32..60, codes()), 0..40),
        quota in 0u32..50,
    ) {
        let candidates: Vec<Candidate<'_>> = cands
            .iter()
            .map(|(r, c)| Candidate { last_year_rank: *r, village_code: c })
            .collect();
        let list = art01_inclusion::proposed_list(&candidates, quota).outcome;
        prop_assert!(list.len() <= quota as usize);
        prop_assert_eq!(list.len(), candidates.len().min(quota as usize));
        let unique: HashSet<usize> = list.iter().copied().collect();
        prop_assert_eq!(unique.len(), list.len());
        prop_assert!(list.iter().all(|&i| i < candidates.len()));
        let key = |i: usize| (candidates[i].last_year_rank, candidates[i].village_code);
        for w in list.windows(2) {
            prop_assert!(key(w[0]) <= key(w[1]));
        }
        // Nobody left out ranks before someone on the list.
        if let Some(&last) = list.last() {
            for i in (0..candidates.len()).filter(|i| !unique.contains(i)) {
                prop_assert!(key(i) >= key(last));
            }
        }
    }

    #[test]
    fn the_proposed_list_holds_only_eligible_secretaries_within_the_quota(
        people in prop::collection::vec((any_secretary(), any_village()), 0..30),
        village_count in 1u32..60,
    ) {
        let p = params();
        let eligible: Vec<usize> = people
            .iter()
            .enumerate()
            .filter(|(_, (s, v))| art01_inclusion::eligibility(&p, s, v, ON).eligible())
            .map(|(i, _)| i)
            .collect();
        let codes: Vec<String> = (0..people.len()).map(|i| format!("V{i:03}")).collect();
        let candidates: Vec<Candidate<'_>> = eligible
            .iter()
            .map(|&i| Candidate { last_year_rank: people[i].1.last_year_rank.expect("ranked"), village_code: &codes[i] })
            .collect();
        let quota = art01_inclusion::quota(&p, village_count).outcome;
        let list = art01_inclusion::proposed_list(&candidates, quota).outcome;
        prop_assert!(list.len() <= quota as usize);
        for &k in &list {
            let person = eligible[k];
            let (s, v) = &people[person];
            prop_assert!(art01_inclusion::eligibility(&p, s, v, ON).eligible());
        }
        for w in list.windows(2) {
            prop_assert!(candidates[w[0]].last_year_rank <= candidates[w[1]].last_year_rank);
        }
    }

    #[test]
    fn tier_counts_stay_within_places_and_sum_to_n(
        stars in prop::collection::vec(0u32..=5, 0..60),
    ) {
        let p = params();
        let n = stars.len() as u32;
        let places = art13_pay::tier_places(&p, n).outcome;
        prop_assert_eq!(places.tier1 + places.tier2 + places.tier3, n);
        let tiers = art13_pay::assign_tiers(&p, &stars);
        prop_assert_eq!(tiers.len(), stars.len());
        let count = |t: u8| tiers.iter().filter(|d| d.outcome == t).count() as u32;
        prop_assert!(count(1) <= places.tier1);
        prop_assert!(count(2) <= places.tier2);
        prop_assert!(count(3) <= places.tier3 + places.tier1);
        prop_assert_eq!(count(1) + count(2) + count(3), n);
        for (d, &s) in tiers.iter().zip(&stars) {
            prop_assert!((1..=3).contains(&d.outcome));
            if d.outcome == 1 {
                prop_assert!(s >= 5);
            }
        }
        // Every tier-2 place is filled before anyone goes to tier 3.
        if count(3) > places.tier3 {
            prop_assert_eq!(count(2), places.tier2);
        }
    }

    #[test]
    fn raising_income_or_stars_never_makes_a_secretary_ineligible(
        s in any_secretary(),
        v in any_village(),
        more_income in amount(2_000),
        more_stars in 0u32..=5,
    ) {
        let p = params();
        let before = art01_inclusion::eligibility(&p, &s, &v, ON).eligible();
        let richer = VillageFacts {
            collective_income_wan: v.collective_income_wan + more_income,
            stars: (v.stars + more_stars).min(5),
            ..v
        };
        let after = art01_inclusion::eligibility(&p, &s, &richer, ON).eligible();
        prop_assert!(!before || after);
    }

    #[test]
    fn a_stricter_income_threshold_never_admits_more(
        people in prop::collection::vec((any_secretary(), any_village()), 0..25),
        low in amount(3_000),
        extra in amount(3_000),
    ) {
        let high = low + extra;
        let resolve = |t: Decimal| {
            let mut policy = Policy::example();
            let text = t.to_string();
            policy
                .set_override("inclusion.collective_income_min_wan", Raw::Number(&text))
                .unwrap();
            policy.resolve(ON).unwrap()
        };
        let (lenient, strict) = (resolve(low), resolve(high));
        prop_assert_eq!(lenient.inclusion_collective_income_min_wan.value, low);
        prop_assert_eq!(strict.inclusion_collective_income_min_wan.value, high);
        let admitted = |p: &touyan_rules::Params| -> Vec<usize> {
            people
                .iter()
                .enumerate()
                .filter(|(_, (s, v))| art01_inclusion::eligibility(p, s, v, ON).eligible())
                .map(|(i, _)| i)
                .collect()
        };
        let (a, b) = (admitted(&lenient), admitted(&strict));
        prop_assert!(b.len() <= a.len());
        prop_assert!(b.iter().all(|i| a.contains(i)));
    }

    #[test]
    fn ratio_of_half_up_is_within_a_half_of_the_exact_value(
        num in 0u64..10_000,
        den in 1u64..10_000,
        n in 0u64..1_000_000,
    ) {
        let r = Ratio::new(num, den).unwrap();
        let exact_num = u128::from(num) * u128::from(n); // exact value = exact_num / den
        let den = u128::from(den);
        let q = u128::from(r.of(n, Rounding::HalfUp));
        // |q − x| ≤ 1/2  ⇔  |2·den·q − 2·exact_num| ≤ den
        let diff = (2 * den * q).abs_diff(2 * exact_num);
        prop_assert!(diff <= den, "q={} num={} n={} den={}", q, num, n, den);
        // A half rounds up.
        if diff == den {
            prop_assert!(den * q > exact_num);
        }
        let f = u128::from(r.of(n, Rounding::Floor));
        prop_assert!(den * f <= exact_num && exact_num < den * (f + 1));
        let c = u128::from(r.of(n, Rounding::Ceil));
        prop_assert!(den * c >= exact_num && (c == 0 || den * (c - 1) < exact_num));
    }

    #[test]
    fn whole_months_is_the_greatest_complete_count(
        start in any_date(1990..2030),
        on in any_date(1990..2030),
    ) {
        let m = whole_months(start, on);
        if on >= start {
            prop_assert!(add_months(start, m as i32) <= on);
            prop_assert!(add_months(start, m as i32 + 1) > on);
        } else {
            prop_assert_eq!(m, 0);
        }
    }
}
