//! Article 1 (and Article 13's star condition): inclusion checks, quota,
//! proposed list. Every expectation is worked out by hand.

mod common;

use common::*;
use rust_decimal::Decimal;
use time::Date;
use time::macros::date;
use touyan_rules::art01_inclusion::{
    self, Candidate, CheckReason, Relaxation, SecretaryFacts, VillageFacts,
};
use touyan_rules::decision::Origin;
use touyan_rules::people::Education::{self, Bachelor, College, Doctor, Master, SeniorMiddle};
use touyan_rules::policy::Raw;

/// A 55-year-old secretary with no degree: only the 3-year rule applies.
fn plain(tenure_start: Date) -> SecretaryFacts {
    SecretaryFacts {
        birth_date: date!(1970 - 01 - 01),
        degree: degree(SeniorMiddle, false),
        tenure_start,
        three_good_three_strong: true,
    }
}

fn with_degree(education: Education, full_time: bool, tenure_start: Date) -> SecretaryFacts {
    SecretaryFacts {
        degree: degree(education, full_time),
        ..plain(tenure_start)
    }
}

fn born(birth_date: Date, tenure_start: Date) -> SecretaryFacts {
    SecretaryFacts {
        birth_date,
        ..plain(tenure_start)
    }
}

fn village() -> VillageFacts {
    VillageFacts {
        stars: 5,
        collective_income_wan: dec("30"),
        last_year_rank: Some(1),
        village_count: 53,
    }
}

fn tenure_met(s: &SecretaryFacts, on: Date) -> bool {
    art01_inclusion::tenure(&params(), s, on).outcome
}

// ─── tenure ────────────────────────────────────────────────────────────

#[test]
fn tenure_of_exactly_three_years_to_the_day_is_met() {
    assert!(tenure_met(&plain(date!(2022 - 01 - 01)), ON));
    assert!(!tenure_met(&plain(date!(2022 - 01 - 02)), ON));
    assert!(tenure_met(&plain(date!(2021 - 12 - 31)), ON));
    assert!(!tenure_met(&plain(date!(2024 - 06 - 01)), ON));
}

#[test]
fn tenure_of_exactly_one_year_with_a_full_time_college_degree_is_met() {
    for edu in [College, Bachelor, Master, Doctor] {
        assert!(
            tenure_met(&with_degree(edu, true, date!(2024 - 01 - 01)), ON),
            "{edu:?}"
        );
        assert!(
            !tenure_met(&with_degree(edu, true, date!(2024 - 01 - 02)), ON),
            "{edu:?}"
        );
    }
    let d = art01_inclusion::tenure(
        &params(),
        &with_degree(College, true, date!(2024 - 01 - 01)),
        ON,
    );
    match d.reason {
        CheckReason::Tenure {
            start,
            on,
            required_years,
            relaxed,
            met,
        } => {
            assert_eq!((start, on), (date!(2024 - 01 - 01), ON));
            assert!(d.sentence().starts_with("1 年，"), "{}", d.sentence());
            assert_eq!(required_years, 1);
            assert!(matches!(relaxed, Some(Relaxation::Degree)));
            assert!(met);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_part_time_bachelor_does_not_relax_tenure() {
    // Two years: enough under the relaxed rule, not under the 3-year one.
    let s = with_degree(Bachelor, false, date!(2023 - 01 - 01));
    let d = art01_inclusion::tenure(&params(), &s, ON);
    assert!(!d.outcome);
    match d.reason {
        CheckReason::Tenure {
            required_years,
            relaxed,
            ..
        } => {
            assert!(d.sentence().starts_with("2 年，"), "{}", d.sentence());
            assert_eq!(required_years, 3);
            assert!(relaxed.is_none());
        }
        other => panic!("{other:?}"),
    }
    assert!(tenure_met(
        &with_degree(Bachelor, true, date!(2023 - 01 - 01)),
        ON
    ));
}

#[test]
fn a_part_time_degree_relaxes_when_the_policy_does_not_require_full_time() {
    let p = params_with(&[("inclusion.relaxed_requires_full_time", Raw::Bool(false))]);
    let s = with_degree(Bachelor, false, date!(2023 - 01 - 01));
    assert!(art01_inclusion::tenure(&p, &s, ON).outcome);
}

#[test]
fn a_full_time_senior_middle_school_does_not_relax_tenure() {
    let s = with_degree(SeniorMiddle, true, date!(2023 - 01 - 01));
    assert!(!tenure_met(&s, ON));
    let s = with_degree(SeniorMiddle, true, date!(2022 - 01 - 01));
    assert!(tenure_met(&s, ON));
}

#[test]
fn a_year_from_february_29_ends_on_february_28() {
    let s = with_degree(College, true, date!(2020 - 02 - 29));
    assert!(tenure_met(&s, date!(2021 - 02 - 28)));
    assert!(!tenure_met(&s, date!(2021 - 02 - 27)));
    // Three years from 2020-02-29 end on 2023-02-28.
    let s = plain(date!(2020 - 02 - 29));
    assert!(tenure_met(&s, date!(2023 - 02 - 28)));
    assert!(!tenure_met(&s, date!(2023 - 02 - 27)));
}

#[test]
fn aged_exactly_35_on_the_decision_date_relaxes_tenure() {
    // Two years in office: met only under the relaxed (1-year) rule.
    let start = date!(2023 - 01 - 01);
    // 35th birthday on the decision date: 35 completed years.
    let d = art01_inclusion::tenure(&params(), &born(date!(1990 - 01 - 01), start), ON);
    assert!(d.outcome);
    assert!(matches!(
        d.reason,
        CheckReason::Tenure {
            relaxed: Some(Relaxation::Age(35)),
            required_years: 1,
            ..
        }
    ));
    // The day before the 36th birthday: still 35.
    let d = art01_inclusion::tenure(&params(), &born(date!(1989 - 01 - 02), start), ON);
    assert!(d.outcome);
    assert!(matches!(
        d.reason,
        CheckReason::Tenure {
            relaxed: Some(Relaxation::Age(35)),
            ..
        }
    ));
    // 36th birthday on the decision date: 36, not relaxed.
    let d = art01_inclusion::tenure(&params(), &born(date!(1989 - 01 - 01), start), ON);
    assert!(!d.outcome);
    assert!(matches!(
        d.reason,
        CheckReason::Tenure {
            relaxed: None,
            required_years: 3,
            ..
        }
    ));
}

#[test]
fn february_29_birthdays_count_completed_years_with_the_day_clamped() {
    let start = date!(2026 - 01 - 01);
    let s = born(date!(1992 - 02 - 29), start);
    // 2028 is a leap year: the 36th birthday is 2028-02-29.
    assert!(tenure_met(&s, date!(2028 - 02 - 28)));
    assert!(!tenure_met(&s, date!(2028 - 02 - 29)));
    // 2027 is not: the 35th birthday is 2027-02-28, still 35 until 2028.
    let d = art01_inclusion::tenure(&params(), &s, date!(2027 - 02 - 28));
    assert!(d.outcome);
    assert!(matches!(
        d.reason,
        CheckReason::Tenure {
            relaxed: Some(Relaxation::Age(35)),
            ..
        }
    ));
    let d = art01_inclusion::tenure(&params(), &s, date!(2027 - 02 - 27));
    assert!(matches!(
        d.reason,
        CheckReason::Tenure {
            relaxed: Some(Relaxation::Age(34)),
            ..
        }
    ));
}

#[test]
fn the_exclusive_age_reading_excludes_35() {
    let p = params_with(&[("inclusion.age_limit_inclusive", Raw::Bool(false))]);
    let start = date!(2023 - 01 - 01);
    assert!(!art01_inclusion::tenure(&p, &born(date!(1990 - 01 - 01), start), ON).outcome);
    // 34 completed years (35th birthday tomorrow) still relaxes.
    assert!(art01_inclusion::tenure(&p, &born(date!(1990 - 01 - 02), start), ON).outcome);
}

#[test]
fn tenure_decision_names_its_rule_and_parameters() {
    let p = params();
    let d = art01_inclusion::tenure(&p, &plain(date!(2022 - 01 - 01)), ON);
    assert_rule(d.rule, "art01.tenure", 1);
    assert_used_policy(&d.params, "inclusion.tenure_years");
    assert_used_policy(&d.params, "inclusion.relaxed_min_education");
    assert_used_policy(&d.params, "inclusion.relaxed_max_age");
    assert!(!names(&d.params).contains(&"inclusion.tenure_relaxed_years"));
    assert!(!d.uses_example_values());

    let d = art01_inclusion::tenure(&p, &with_degree(College, true, date!(2024 - 01 - 01)), ON);
    assert_used_policy(&d.params, "inclusion.tenure_relaxed_years");
}

#[test]
fn tenure_sentences_are_chinese_with_the_period() {
    let p = params();
    let s = with_degree(Bachelor, true, date!(2022 - 03 - 01));
    let d = art01_inclusion::tenure(&p, &s, ON);
    assert!(d.outcome);
    let text = d.sentence();
    assert_chinese(&text);
    assert!(text.contains("2 年 10 个月"), "{text}");
    assert_eq!(text, "2 年 10 个月，大专以上全日制学历放宽至 1 年");

    let d = art01_inclusion::tenure(&p, &plain(date!(2022 - 01 - 02)), ON);
    let text = d.sentence();
    assert_chinese(&text);
    assert!(text.contains("2 年 11 个月"), "{text}");
    assert!(text.contains("不足"), "{text}");

    let d = art01_inclusion::tenure(&p, &born(date!(1990 - 01 - 01), date!(2024 - 07 - 01)), ON);
    assert!(!d.outcome);
    let text = d.sentence();
    assert!(text.contains("6 个月"), "{text}");
    assert!(text.contains("35 周岁"), "{text}");
}

// ─── rank ──────────────────────────────────────────────────────────────

fn rank_ok(p: &touyan_rules::Params, rank: u32, n: u32) -> bool {
    art01_inclusion::assessment_rank(p, Some(rank), n).outcome
}

#[test]
fn rank_exactly_half_of_an_even_town_passes() {
    let p = params();
    assert!(rank_ok(&p, 1, 10));
    assert!(rank_ok(&p, 5, 10));
    assert!(!rank_ok(&p, 6, 10));
    assert!(!rank_ok(&p, 10, 10));
}

#[test]
fn rank_in_an_odd_town_must_be_within_half() {
    let p = params();
    assert!(rank_ok(&p, 3, 7)); // 6 ≤ 7
    assert!(!rank_ok(&p, 4, 7)); // 8 > 7
    assert!(rank_ok(&p, 26, 53));
    assert!(!rank_ok(&p, 27, 53));
    assert!(rank_ok(&p, 1, 2));
    assert!(!rank_ok(&p, 1, 1)); // 2 > 1
    assert!(!rank_ok(&p, 0, 10)); // no rank 0
}

#[test]
fn the_exclusive_rank_reading_fails_exactly_half() {
    let p = params_with(&[("inclusion.rank_inclusive", Raw::Bool(false))]);
    assert!(!rank_ok(&p, 5, 10));
    assert!(rank_ok(&p, 4, 10));
    assert!(rank_ok(&p, 3, 7)); // 6 < 7
    let d = art01_inclusion::assessment_rank(&p, Some(5), 10);
    assert_rule(d.rule, "art01.assessment_rank", 1);
    assert_used(&d.params, "inclusion.rank_inclusive", ON, Origin::Override);
    assert_used_policy(&d.params, "inclusion.rank_fraction");
}

#[test]
fn rank_sentences() {
    let p = params();
    let pass = art01_inclusion::assessment_rank(&p, Some(5), 10).sentence();
    assert_chinese(&pass);
    assert!(pass.contains("第 5 位"), "{pass}");
    let fail = art01_inclusion::assessment_rank(&p, Some(6), 10).sentence();
    assert_chinese(&fail);
    assert!(fail.contains("不在"), "{fail}");
}

#[test]
fn an_unranked_village_fails_and_says_so_without_a_rank() {
    let p = params();
    let d = art01_inclusion::assessment_rank(&p, None, 10);
    assert!(!d.outcome);
    assert_rule(d.rule, "art01.assessment_rank", 1);
    let text = d.sentence();
    assert_chinese(&text);
    assert!(
        text.starts_with("上年度综合考核未排名（无排名记录），不能认定列全镇街 10 个村前 1/2 位次"),
        "{text}"
    );
    assert!(!text.contains("第 "), "no invented place: {text}");
    // Not ranked fails even in a town of one village, and under the
    // exclusive reading.
    assert!(!art01_inclusion::assessment_rank(&p, None, 1).outcome);
    let strict = params_with(&[("inclusion.rank_inclusive", Raw::Bool(false))]);
    assert!(!art01_inclusion::assessment_rank(&strict, None, 10).outcome);
    // The whole eligibility: only the rank fails.
    let e = art01_inclusion::eligibility(
        &p,
        &born(date!(1980 - 01 - 01), date!(2015 - 01 - 01)),
        &VillageFacts {
            last_year_rank: None,
            ..village()
        },
        ON,
    );
    assert!(!e.eligible());
    let passed: Vec<bool> = e.checks.iter().map(|c| c.outcome).collect();
    assert_eq!(passed, [true, true, false, true, true]);
}

// ─── income and stars ──────────────────────────────────────────────────

#[test]
fn income_exactly_at_the_threshold_passes() {
    let p = params();
    assert!(art01_inclusion::collective_income(&p, dec("10")).outcome);
    assert!(art01_inclusion::collective_income(&p, dec("10.00")).outcome);
    assert!(!art01_inclusion::collective_income(&p, dec("9.99")).outcome);
    assert!(art01_inclusion::collective_income(&p, dec("10.01")).outcome);
    assert!(!art01_inclusion::collective_income(&p, Decimal::ZERO).outcome);
}

#[test]
fn income_decision_is_marked_as_using_an_example_value() {
    let d = art01_inclusion::collective_income(&params(), dec("9.99"));
    assert_rule(d.rule, "art01.collective_income", 1);
    assert_used(
        &d.params,
        "inclusion.collective_income_min_wan",
        SINCE,
        Origin::Example,
    );
    assert!(d.uses_example_values());
    let text = d.sentence();
    assert_chinese(&text);
    assert!(text.contains("9.99"), "{text}");
    assert!(text.contains("低于"), "{text}");
    assert_chinese(&art01_inclusion::collective_income(&params(), dec("10")).sentence());

    let p = params_with(&[("inclusion.collective_income_min_wan", Raw::Number("20"))]);
    let d = art01_inclusion::collective_income(&p, dec("19.99"));
    assert!(!d.outcome);
    assert_used(
        &d.params,
        "inclusion.collective_income_min_wan",
        ON,
        Origin::Override,
    );
    assert!(!d.uses_example_values());
}

#[test]
fn four_stars_pass_three_fail() {
    let p = params();
    let star = |s| touyan_rules::art13_pay::star_rating_for_inclusion(&p, s);
    assert!(star(4).outcome);
    assert!(star(5).outcome);
    assert!(!star(3).outcome);
    assert!(!star(0).outcome);
    let d = star(4);
    assert_rule(d.rule, "art13.star_rating", 13);
    assert_used_policy(&d.params, "inclusion.min_stars");
    assert_chinese(&d.sentence());
    assert!(star(3).sentence().contains("不能纳入"));
    assert!(star(0).sentence().contains("未评星"));
}

// ─── all five checks ───────────────────────────────────────────────────

#[test]
fn eligibility_runs_the_five_checks_in_the_contract_order() {
    let p = params();
    let s = with_degree(Bachelor, true, date!(2022 - 03 - 01));
    let e = art01_inclusion::eligibility(&p, &s, &village(), ON);
    let ids: Vec<&str> = e.checks.iter().map(|c| c.rule.id).collect();
    assert_eq!(
        ids,
        [
            "art01.three_good_three_strong",
            "art01.tenure",
            "art01.assessment_rank",
            "art01.collective_income",
            "art13.star_rating",
        ]
    );
    let articles: Vec<u8> = e.checks.iter().map(|c| c.rule.article).collect();
    assert_eq!(articles, [1, 1, 1, 1, 13]);
    assert!(e.eligible());
    for c in &e.checks {
        assert_chinese(&c.sentence());
    }
}

#[test]
fn any_failed_check_makes_a_secretary_ineligible() {
    let p = params();
    let s = with_degree(Bachelor, true, date!(2022 - 03 - 01));
    let v = village();
    let not_judged = SecretaryFacts {
        three_good_three_strong: false,
        ..s
    };
    let e = art01_inclusion::eligibility(&p, &not_judged, &v, ON);
    assert!(!e.eligible());
    assert!(!e.checks[0].outcome);
    assert_chinese(&e.checks[0].sentence());
    assert!(e.checks[1..].iter().all(|c| c.outcome));

    let cases = [
        VillageFacts {
            last_year_rank: Some(27),
            ..v
        },
        VillageFacts {
            collective_income_wan: dec("9.99"),
            ..v
        },
        VillageFacts { stars: 3, ..v },
    ];
    for (i, village) in cases.iter().enumerate() {
        let e = art01_inclusion::eligibility(&p, &s, village, ON);
        assert!(!e.eligible(), "case {i}");
        assert_eq!(
            e.checks.iter().filter(|c| !c.outcome).count(),
            1,
            "case {i}"
        );
        assert!(!e.checks[i + 2].outcome, "case {i}");
    }
    let short = with_degree(Bachelor, false, date!(2022 - 03 - 01));
    let e = art01_inclusion::eligibility(&p, &short, &v, ON);
    assert!(!e.eligible());
    assert!(!e.checks[1].outcome);
}

#[test]
fn an_extra_condition_passes_only_on_a_recorded_yes() {
    let yes = art01_inclusion::extra_condition("无党纪政务处分", Some(true));
    assert!(yes.outcome);
    assert_rule(yes.rule, "art01.extra_condition", 1);
    assert!(yes.rule.inferred);
    assert!(yes.sentence().contains("无党纪政务处分"));
    let no = art01_inclusion::extra_condition("无党纪政务处分", Some(false));
    assert!(!no.outcome);
    assert!(no.sentence().starts_with("不符合"));
    let unknown = art01_inclusion::extra_condition("无党纪政务处分", None);
    assert!(!unknown.outcome);
    assert!(unknown.sentence().contains("未记录"));
}

// ─── quota and list ────────────────────────────────────────────────────

#[test]
fn quota_rounds_half_up() {
    let p = params();
    let q = |n| art01_inclusion::quota(&p, n).outcome;
    assert_eq!(q(53), 27);
    assert_eq!(q(7), 4);
    assert_eq!(q(1), 1);
    assert_eq!(q(0), 0);
    assert_eq!(q(10), 5);
    assert_eq!(q(2), 1);
    let d = art01_inclusion::quota(&p, 53);
    assert_rule(d.rule, "art01.quota", 1);
    assert_used_policy(&d.params, "inclusion.quota_ratio");
    assert_used_policy(&d.params, "inclusion.quota_rounding");
    let text = d.sentence();
    assert_chinese(&text);
    assert!(text.contains("27"), "{text}");
    assert!(text.contains("50%"), "{text}");
}

#[test]
fn quota_can_round_down() {
    let p = params_with(&[("inclusion.quota_rounding", Raw::Text("floor"))]);
    let q = |n| art01_inclusion::quota(&p, n).outcome;
    assert_eq!(q(53), 26);
    assert_eq!(q(7), 3);
    assert_eq!(q(1), 0);
    assert_eq!(q(10), 5);
}

#[test]
fn the_proposed_list_is_by_rank_then_village_code_up_to_the_quota() {
    let c = |last_year_rank, village_code| Candidate {
        last_year_rank,
        village_code,
    };
    let candidates = [
        c(3, "370783100203"),
        c(1, "370783100205"),
        c(2, "370783100209"),
        c(2, "370783100201"),
        c(7, "370783100202"),
    ];
    assert_eq!(
        art01_inclusion::proposed_list(&candidates, 27).outcome,
        [1, 3, 2, 0, 4]
    );
    assert_eq!(
        art01_inclusion::proposed_list(&candidates, 3).outcome,
        [1, 3, 2]
    );
    assert_eq!(
        art01_inclusion::proposed_list(&candidates, 0).outcome,
        Vec::<usize>::new()
    );
    assert_eq!(
        art01_inclusion::proposed_list(&[], 5).outcome,
        Vec::<usize>::new()
    );
}

#[test]
fn rule_ids_of_article_1_are_listed() {
    let ids: Vec<&str> = art01_inclusion::RULES.iter().map(|r| r.id).collect();
    assert_eq!(
        ids,
        [
            "art01.three_good_three_strong",
            "art01.tenure",
            "art01.assessment_rank",
            "art01.collective_income",
            "art01.extra_condition",
            "art01.quota",
            "art01.proposed_list",
            "art01.list_size",
            "art01.listed_eligible",
        ]
    );
    assert!(art01_inclusion::RULES.iter().all(|r| r.article == 1));
    assert_eq!(art01_inclusion::TENURE.citation(), "第一条第二款");
    assert_eq!(
        art01_inclusion::EXTRA_CONDITION.citation(),
        "第一条第二款（原文缺失，推定）"
    );
}

/// The part-time bachelor is refused the shorter tenure because of
/// `inclusion.relaxed_requires_full_time`, yet the decision does not list
/// that parameter among those it used.
#[test]
fn tenure_lists_the_full_time_switch_it_used() {
    let s = with_degree(Bachelor, false, date!(2023 - 01 - 01));
    let d = art01_inclusion::tenure(&params(), &s, ON);
    assert_used_policy(&d.params, "inclusion.relaxed_requires_full_time");
}

/// A town's settled list: at the quota it passes, one above it is refused.
#[test]
fn a_settled_list_holds_at_most_the_quota() {
    let p = params();
    let quota = art01_inclusion::quota(&p, 7); // round half up of 3.5 = 4
    assert_eq!(quota.outcome, 4);
    let at = art01_inclusion::list_size(&quota, 4);
    assert!(at.outcome);
    assert_eq!(at.sentence(), "名单 4 人，未超过纳入名额 4 名");
    assert_rule(at.rule, "art01.list_size", 1);
    assert_used_policy(&at.params, "inclusion.quota_ratio");
    let over = art01_inclusion::list_size(&quota, 5);
    assert!(!over.outcome);
    assert_eq!(
        over.sentence(),
        "名单 5 人，超过纳入名额 4 名（多 1 人），不能确定"
    );
    assert!(art01_inclusion::list_size(&quota, 0).outcome);
}

#[test]
fn a_listed_secretary_must_pass_every_check() {
    let all = art01_inclusion::listed_eligible([("任职年限", true), ("集体经济收入", true)]);
    assert!(all.outcome);
    assert_eq!(all.sentence(), "纳入条件均符合");
    let one = art01_inclusion::listed_eligible([("任职年限", true), ("集体经济收入", false)]);
    assert!(!one.outcome);
    assert_eq!(
        one.sentence(),
        "不符合纳入条件（集体经济收入），不能列入名单"
    );
    assert_rule(one.rule, "art01.listed_eligible", 1);
}
