//! Article 10: young cadres (优才计划): age, cap, selection, pay factor,
//! monthly pay, extension.

mod common;

use common::*;
use rust_decimal::Decimal;
use time::macros::date;
use touyan_rules::art10_young_cadres::{self, Candidate, MonthlyPay};
use touyan_rules::decision::Origin;
use touyan_rules::people::Education;
use touyan_rules::policy::Raw;

#[test]
fn aged_35_is_young_36_is_not() {
    let p = params();
    let young = |b| art10_young_cadres::age(&p, b, ON).outcome;
    assert!(young(date!(1990 - 01 - 01))); // 35th birthday today
    assert!(young(date!(1989 - 01 - 02))); // 36th birthday tomorrow
    assert!(!young(date!(1989 - 01 - 01))); // 36th birthday today
    assert!(young(date!(2000 - 06 - 01)));
    // Born on February 29.
    let b = date!(1992 - 02 - 29);
    assert!(art10_young_cadres::age(&p, b, date!(2028 - 02 - 28)).outcome);
    assert!(!art10_young_cadres::age(&p, b, date!(2028 - 02 - 29)).outcome);

    let d = art10_young_cadres::age(&p, date!(1989 - 01 - 01), ON);
    assert_rule(d.rule, "art10.age", 10);
    assert_used_policy(&d.params, "young.max_age");
    assert_eq!(d.sentence(), "36 周岁，超过 35 岁");
    assert_eq!(
        art10_young_cadres::age(&p, date!(1990 - 01 - 01), ON).sentence(),
        "35 周岁，在 35 岁以下"
    );

    let p = params_with(&[("young.age_limit_inclusive", Raw::Bool(false))]);
    assert!(!art10_young_cadres::age(&p, date!(1990 - 01 - 01), ON).outcome);
    assert!(art10_young_cadres::age(&p, date!(1990 - 01 - 02), ON).outcome);
}

#[test]
fn the_cap_is_30_percent_rounded_down() {
    let p = params();
    let cap = |n| art10_young_cadres::cap(&p, n).outcome;
    assert_eq!(cap(53), 15); // 15.9
    assert_eq!(cap(10), 3);
    assert_eq!(cap(3), 0); // 0.9
    assert_eq!(cap(4), 1); // 1.2
    assert_eq!(cap(0), 0);
    let d = art10_young_cadres::cap(&p, 53);
    assert_rule(d.rule, "art10.cap", 10);
    assert_used_policy(&d.params, "young.cap_ratio");
    assert_used_policy(&d.params, "young.cap_rounding");
    let text = d.sentence();
    assert_chinese(&text);
    assert!(text.contains("至多 15 名"), "{text}");
}

#[test]
fn the_pay_factor_lies_within_0_6_and_1_0() {
    let p = params();
    let f = |s| art10_young_cadres::factor_in_range(&p, dec(s));
    assert_eq!(f("0.6"), Ok(()));
    assert_eq!(f("0.60"), Ok(()));
    assert_eq!(f("0.8"), Ok(()));
    assert_eq!(f("1.0"), Ok(()));
    assert_eq!(f("1"), Ok(()));
    assert_eq!(f("0.59"), Err((dec("0.6"), dec("1.0"))));
    assert_eq!(f("1.01"), Err((dec("0.6"), dec("1.0"))));
    assert!(f("0.5999").is_err());
    assert!(f("1.2").is_err());
    assert!(f("0").is_err());
}

#[test]
fn selection_by_score_descending_ties_by_id_up_to_the_cap() {
    let c = |id, score: &str| Candidate {
        id,
        score: dec(score),
    };
    let cands = [
        c("y3", "80"),
        c("y2", "90"),
        c("y1", "90"),
        c("y4", "70"),
        c("y5", "88.5"),
    ];
    assert_eq!(art10_young_cadres::select(&cands, 3).outcome, [2, 1, 4]);
    assert_eq!(
        art10_young_cadres::select(&cands, 15).outcome,
        [2, 1, 4, 0, 3]
    );
    assert_eq!(
        art10_young_cadres::select(&cands, 0).outcome,
        Vec::<usize>::new()
    );
    assert_eq!(
        art10_young_cadres::select(&[], 3).outcome,
        Vec::<usize>::new()
    );
    // Equal scores written differently are equal.
    let cands = [c("b", "90.0"), c("a", "90")];
    assert_eq!(art10_young_cadres::select(&cands, 1).outcome, [1]);
}

/// The town's ranking for the free places (Article 10): score, then the
/// day the score was recorded, then the village code, then the moment that
/// day, then — only when nothing else is left — the ID number.
#[test]
fn ranking_breaks_ties_by_day_then_village_then_moment_then_id() {
    use art10_young_cadres::{After, Waiting};
    use time::macros::datetime;
    let w = |score: &str, at, village, id| Waiting {
        score: dec(score),
        scored_at: at,
        village,
        id,
    };
    let order = |ws: &[Waiting<'_>], free| {
        let d = art10_young_cadres::rank(ws, free);
        d.outcome
            .iter()
            .map(|p| (p.index, p.within, p.after))
            .collect::<Vec<_>>()
    };
    let early = Some(datetime!(2025-06-01 16:00));
    let late = Some(datetime!(2025-06-02 09:00));
    let later = Some(datetime!(2025-06-02 10:00));
    // Equal scores: the earlier day first, whatever the village or ID.
    for (a, b) in [("9", "1"), ("1", "9")] {
        let ws = [
            w("90", late, "370783100201", a),
            w("90", early, "370783100209", b),
        ];
        assert_eq!(
            order(&ws, 1),
            [(1, true, After::First), (0, false, After::Day)],
            "ids {a}, {b}"
        );
    }
    // A higher score goes before any day.
    let ws = [
        w("89.5", early, "370783100201", "1"),
        w("90", late, "370783100209", "9"),
    ];
    assert_eq!(
        order(&ws, 5),
        [(1, true, After::First), (0, true, After::Score)]
    );
    // Equal scores, equal days: the lower village code first.
    for (a, b) in [("9", "1"), ("1", "9")] {
        let ws = [
            w("90", later, "370783100209", a),
            w("90", late, "370783100201", b),
        ];
        assert_eq!(order(&ws, 2)[1], (0, true, After::Village), "ids {a}, {b}");
    }
    // One village, one day: recorded earlier that day first.
    for (a, b) in [("9", "1"), ("1", "9")] {
        let ws = [
            w("90", later, "370783100201", a),
            w("90", late, "370783100201", b),
        ];
        assert_eq!(
            order(&ws, 2),
            [(1, true, After::First), (0, true, After::Moment)]
        );
    }
    // Recorded at the same instant: only then the ID number.
    let ws = [
        w("90", late, "370783100201", "9"),
        w("90", late, "370783100201", "1"),
    ];
    assert_eq!(
        order(&ws, 1),
        [(1, true, After::First), (0, false, After::Id)]
    );
    // A record with no day goes after those with one.
    let ws = [
        w("90", None, "370783100201", "1"),
        w("90", late, "370783100209", "9"),
    ];
    assert_eq!(
        order(&ws, 1),
        [(1, true, After::First), (0, false, After::Day)]
    );
    // Equal scores written differently are equal.
    let ws = [
        w("90.0", late, "370783100201", "1"),
        w("90", early, "370783100201", "9"),
    ];
    assert_eq!(order(&ws, 1)[0], (1, true, After::First));

    let d = art10_young_cadres::rank(&ws, 1);
    assert_rule(d.rule, "art10.selection", 10);
    assert_eq!(
        d.sentence(),
        "符合年龄条件 2 人，按综合得分从高到低（同分的，评分录入日期在前者优先；\
         同日的，按村代码；同村的，按录入先后）确定 1 人，上限 1 人"
    );
    assert_eq!(After::Day.to_string(), "与上一名同分，评分录入日期在后");
    assert_eq!(After::Score.to_string(), "");
    assert!(art10_young_cadres::rank(&[], 3).outcome.is_empty());
}

fn pay(
    p: &touyan_rules::Params,
    reference: &str,
    factor: &str,
    education: Education,
    full_time: bool,
    current: &str,
) -> MonthlyPay {
    art10_young_cadres::monthly_pay(
        p,
        dec(reference),
        dec(factor),
        degree(education, full_time),
        dec(current),
    )
    .outcome
}

#[test]
fn pay_is_reference_times_factor_plus_subsidies() {
    let p = params();
    // 4200 × 0.8 = 3360; + 500 + 500 = 4360.
    let m = pay(&p, "4200", "0.8", Education::College, true, "3000");
    assert_eq!(m.base, dec("3360"));
    assert_eq!(m.city_subsidy, dec("500"));
    assert_eq!(m.town_subsidy, dec("500"));
    assert_eq!(m.total, dec("4360"));
    assert!(!m.kept_current);
    assert_eq!(m.rounded().total, dec("4360.00"));
    // Without a full-time college degree: no subsidies.
    let m = pay(&p, "4200", "0.8", Education::College, false, "3000");
    assert_eq!(m.city_subsidy, Decimal::ZERO);
    assert_eq!(m.town_subsidy, Decimal::ZERO);
    assert_eq!(m.total, dec("3360"));
    let m = pay(&p, "4200", "0.8", Education::SeniorMiddle, true, "0");
    assert_eq!(m.total, dec("3360"));
    let m = pay(&p, "4200", "1.0", Education::Master, true, "0");
    assert_eq!(m.total, dec("5200"));
}

#[test]
fn pay_is_exact_and_rounded_half_up_to_the_fen_only_when_written() {
    let p = params();
    // 4321.15 × 0.65 = 2808.7475 exactly.
    let m = pay(&p, "4321.15", "0.65", Education::SeniorMiddle, false, "0");
    assert_eq!(m.base, Decimal::new(28_087_475, 4));
    assert_eq!(m.total, Decimal::new(28_087_475, 4));
    let r = m.rounded();
    assert_eq!(r.base, Decimal::new(280_875, 2));
    assert_eq!(r.total, Decimal::new(280_875, 2));
    // With subsidies: 2808.7475 + 1000 = 3808.7475 → 3808.75.
    let m = pay(&p, "4321.15", "0.65", Education::Bachelor, true, "0");
    assert_eq!(m.rounded().total, Decimal::new(380_875, 2));
    let text = art10_young_cadres::monthly_pay(
        &p,
        dec("4321.15"),
        dec("0.65"),
        degree(Education::SeniorMiddle, false),
        Decimal::ZERO,
    )
    .sentence();
    assert!(text.contains("2808.75"), "{text}");
}

#[test]
fn a_higher_current_pay_is_kept() {
    let p = params();
    let m = pay(&p, "4200", "0.8", Education::College, true, "5000");
    assert!(m.kept_current);
    assert_eq!(m.total, dec("5000"));
    assert_eq!(m.base, dec("3360"));
    let m = pay(&p, "4200", "0.8", Education::College, true, "4360.01");
    assert!(m.kept_current);
    assert_eq!(m.total, dec("4360.01"));
    // Exactly equal: not kept, the standard applies.
    let m = pay(&p, "4200", "0.8", Education::College, true, "4360");
    assert!(!m.kept_current);
    assert_eq!(m.total, dec("4360"));
    // The policy can turn the rule off.
    let p = params_with(&[("young.keep_higher_pay", Raw::Bool(false))]);
    let m = pay(&p, "4200", "0.8", Education::College, true, "5000");
    assert!(!m.kept_current);
    assert_eq!(m.total, dec("4360"));
}

#[test]
fn pay_decision_names_its_rule_parameters_and_sentence() {
    let p = params();
    let d = art10_young_cadres::monthly_pay(
        &p,
        dec("4200"),
        dec("0.8"),
        degree(Education::College, true),
        dec("3000"),
    );
    assert_rule(d.rule, "art10.monthly_pay", 10);
    assert_used_policy(&d.params, "young.city_subsidy_yuan");
    assert_used_policy(&d.params, "young.town_subsidy_yuan");
    assert_used_policy(&d.params, "young.keep_higher_pay");
    let text = d.sentence();
    assert_chinese(&text);
    assert!(text.contains("3360"), "{text}");
    assert!(text.contains("月报酬合计 4360 元"), "{text}");
    let d = art10_young_cadres::monthly_pay(
        &p,
        dec("4200"),
        dec("0.8"),
        degree(Education::College, true),
        dec("5000"),
    );
    let text = d.sentence();
    assert!(text.contains("按高标准执行"), "{text}");
    assert!(text.contains("5000"), "{text}");

    let p = params_with(&[("young.city_subsidy_yuan", Raw::Number("600"))]);
    let d = art10_young_cadres::monthly_pay(
        &p,
        dec("4200"),
        dec("0.8"),
        degree(Education::College, true),
        Decimal::ZERO,
    );
    assert_eq!(d.outcome.total, dec("4460"));
    assert_used(&d.params, "young.city_subsidy_yuan", ON, Origin::Override);
}

#[test]
fn extension_to_five_years_for_excellent_cadres_who_age_out() {
    let p = params();
    let ext = |start, out, excellent| art10_young_cadres::extension(&p, start, out, excellent);
    let d = ext(date!(2022 - 01 - 01), date!(2025 - 06 - 30), true);
    assert_eq!(d.outcome, Some(date!(2027 - 01 - 01)));
    assert_rule(d.rule, "art10.extension", 10);
    assert_used_policy(&d.params, "young.extension_years");
    let text = d.sentence();
    assert_chinese(&text);
    assert!(text.contains("2027-01-01"), "{text}");
    // Not excellent: no extension.
    let d = ext(date!(2022 - 01 - 01), date!(2025 - 06 - 30), false);
    assert_eq!(d.outcome, None);
    assert_chinese(&d.sentence());
    // Exactly five years already: no extension; a day short: extend to the 5th anniversary.
    assert_eq!(
        ext(date!(2020 - 01 - 01), date!(2025 - 01 - 01), true).outcome,
        None
    );
    assert_eq!(
        ext(date!(2020 - 01 - 01), date!(2024 - 12 - 31), true).outcome,
        Some(date!(2025 - 01 - 01))
    );
    assert_eq!(
        ext(date!(2018 - 05 - 01), date!(2025 - 01 - 01), true).outcome,
        None
    );
    // From February 29: five years end on February 28.
    assert_eq!(
        ext(date!(2020 - 02 - 29), date!(2023 - 01 - 01), true).outcome,
        Some(date!(2025 - 02 - 28))
    );
}

/// A part-time college graduate gets no subsidies because of
/// `young.subsidy_requires_full_time`, yet the decision does not list it
/// (and `ParamsUsed` holds 6 entries, all taken, so adding it to the
/// current `using` list would be silently dropped).
#[test]
fn pay_lists_the_full_time_switch_it_used() {
    let d = art10_young_cadres::monthly_pay(
        &params(),
        dec("4200"),
        dec("0.8"),
        degree(Education::College, false),
        Decimal::ZERO,
    );
    assert_used_policy(&d.params, "young.subsidy_requires_full_time");
}

/// Article 10: a young cadre belongs in the secretaries' reserve pool. A
/// listing holds from its day; one removed on a day no longer holds that
/// day; of two listings in force the earlier is named.
#[test]
fn in_the_reserve_pool_from_the_listing_day_until_removed() {
    let on = date!(2025 - 06 - 30);
    let pool = |l: &[(time::Date, Option<time::Date>)]| art10_young_cadres::reserve_pool(on, l);
    let d = pool(&[]);
    assert!(!d.outcome);
    assert_rule(d.rule, "art10.reserve_pool", 10);
    assert_eq!(
        d.sentence(),
        "未列入村党组织书记后备干部库：专业化年轻干部应纳入书记后备干部库"
    );
    // Listed today: in.
    let d = pool(&[(on, None)]);
    assert!(d.outcome);
    assert_eq!(
        d.sentence(),
        "2025-06-30 起列入村党组织书记后备干部库，调整书记时优先推荐"
    );
    // Listed tomorrow: not yet.
    assert!(!pool(&[(date!(2025 - 07 - 01), None)]).outcome);
    // Removed today: out; removed tomorrow: still in.
    assert!(!pool(&[(date!(2024 - 01 - 01), Some(on))]).outcome);
    assert!(pool(&[(date!(2024 - 01 - 01), Some(date!(2025 - 07 - 01)))]).outcome);
    // Two listings in force: the earlier is named.
    let d = pool(&[(date!(2025 - 03 - 01), None), (date!(2024 - 05 - 01), None)]);
    assert!(
        d.sentence().starts_with("2024-05-01 起"),
        "{}",
        d.sentence()
    );
}
