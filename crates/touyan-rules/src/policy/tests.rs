//! Tests of the policy file: parsing, dated resolution, overrides and the
//! problems `touyan policy check` reports, with their lines.

use super::*;
use crate::decision::Origin;
use time::macros::date;

/// The example policy with the first `old` after `anchor` replaced by `new`.
fn example_with(anchor: &str, old: &str, new: &str) -> String {
    let src = EXAMPLE_POLICY_TOML;
    let start = src
        .find(anchor)
        .unwrap_or_else(|| panic!("anchor {anchor} not in example"));
    let at = start
        + src[start..]
            .find(old)
            .unwrap_or_else(|| panic!("{old} not after {anchor}"));
    format!("{}{}{}", &src[..at], new, &src[at + old.len()..])
}

/// The 1-based line of the first line of `src` that contains `needle`
/// (an oracle independent of the parser's own line table).
fn line_of(src: &str, needle: &str) -> u32 {
    let idx = src
        .lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle} not found"));
    idx as u32 + 1
}

fn problems(src: &str) -> Vec<Problem> {
    match Policy::parse(src) {
        Ok(_) => panic!("expected problems, the policy parsed"),
        Err(p) => p,
    }
}

fn has_problem(ps: &[Problem], line: u32, fragment: &str) -> bool {
    ps.iter()
        .any(|p| p.line == line && p.message.contains(fragment))
}

const TENURE_VALUES: &str = "values = [{ since = 2000-01-01, value = 3 }]";

// ─── the shipped example ───────────────────────────────────────────────

#[test]
fn shipped_example_parses_with_every_catalogue_parameter() {
    let p = Policy::example();
    assert_eq!(p.id, "example-2024");
    assert!(p.title.contains("示例"));
    assert_eq!(p.entries.len(), CATALOG.len());
    for spec in CATALOG {
        let e = p
            .entry(spec.name)
            .unwrap_or_else(|| panic!("{} missing", spec.name));
        assert_eq!(e.values.len(), 1, "{}", spec.name);
        assert_eq!(e.values[0].since, date!(2000 - 01 - 01), "{}", spec.name);
        assert!(!e.note.is_empty(), "{}", spec.name);
        assert!(!e.unit.is_empty(), "{}", spec.name);
    }
    assert!(p.conditions.is_empty());
    assert!(!p.has_overrides());
    // A few articles as the file states them.
    assert_eq!(p.entry("inclusion.min_stars").unwrap().article, 13);
    assert_eq!(p.entry("training.city_min_days").unwrap().article, 6);
    assert_eq!(p.entry("exit.max_age").unwrap().article, 14);
    assert!(p.entry("exit.max_age").unwrap().inferred);
    assert!(!p.entry("inclusion.tenure_years").unwrap().inferred);
    assert_eq!(p.entry("inclusion.tenure_years").unwrap().line, 34);
    assert!(p.entry("no.such_param").is_none());
}

#[test]
fn resolve_gives_the_values_of_the_file() {
    let p = Policy::example().resolve(date!(2025 - 01 - 01)).unwrap();
    let r = |a, b| Ratio::new(a, b).unwrap();
    let d = |s: &str| Decimal::from_str(s).unwrap();

    assert_eq!(p.inclusion_quota_ratio.value, r(1, 2));
    assert_eq!(p.inclusion_quota_rounding.value, Rounding::HalfUp);
    assert_eq!(p.inclusion_tenure_years.value, 3);
    assert_eq!(p.inclusion_tenure_relaxed_years.value, 1);
    assert_eq!(p.inclusion_relaxed_min_education.value, Education::College);
    assert!(p.inclusion_relaxed_requires_full_time.value);
    assert_eq!(p.inclusion_relaxed_max_age.value, 35);
    assert!(p.inclusion_age_limit_inclusive.value);
    assert_eq!(p.inclusion_rank_fraction.value, r(1, 2));
    assert!(p.inclusion_rank_inclusive.value);
    assert_eq!(p.inclusion_collective_income_min_wan.value, d("10"));
    assert_eq!(p.inclusion_min_stars.value, 4);

    assert_eq!(p.stars_scale_max.value, 5);
    assert_eq!(p.tiers_tier1_share.value, r(1, 3));
    assert_eq!(p.tiers_tier2_share.value, r(1, 3));
    assert_eq!(p.tiers_share_rounding.value, Rounding::Floor);
    assert_eq!(p.tiers_tier1_min_stars.value, 5);
    assert!(!p.tiers_unused_tier1_to_tier2.value);
    assert_eq!(p.tiers_adjust_month.value, 1);
    assert_eq!(p.pay_tier1_monthly_yuan.value, d("1500"));
    assert_eq!(p.pay_tier2_monthly_yuan.value, d("1200"));
    assert_eq!(p.pay_tier3_monthly_yuan.value, d("900"));

    assert_eq!(p.training_city_min_days.value, d("3"));
    assert_eq!(p.training_town_min_sessions.value, 2);
    assert_eq!(p.training_town_min_days.value, d("7"));
    assert!(p.qualification_certificate_required.value);
    assert!(p.qualification_degree_priority.value);

    assert_eq!(p.secondment_city_min_per_town.value, 1);
    assert_eq!(p.secondment_town_ratio.value, r(1, 5));
    assert_eq!(p.secondment_town_rounding.value, Rounding::HalfUp);
    assert_eq!(p.secondment_min_months.value, 1);

    assert_eq!(p.reserves_professional_village_min.value, 2);
    assert_eq!(p.reserves_other_post_min.value, 1);
    assert_eq!(p.reserves_min_training_years.value, 1);

    assert_eq!(p.young_max_age.value, 35);
    assert!(p.young_age_limit_inclusive.value);
    assert_eq!(p.young_cap_ratio.value, r(3, 10));
    assert_eq!(p.young_cap_rounding.value, Rounding::Floor);
    assert_eq!(p.young_factor_min.value, d("0.6"));
    assert_eq!(p.young_factor_max.value, d("1.0"));
    assert_eq!(p.young_subsidy_min_education.value, Education::College);
    assert!(p.young_subsidy_requires_full_time.value);
    assert_eq!(p.young_city_subsidy_yuan.value, d("500"));
    assert_eq!(p.young_town_subsidy_yuan.value, d("500"));
    assert_eq!(p.young_extension_years.value, 5);
    assert!(p.young_keep_higher_pay.value);

    assert_eq!(p.plan_public_notice_min_days.value, 5);

    assert_eq!(p.competency_interview_below.value, r(9, 10));
    assert_eq!(p.competency_exit_below.value, r(4, 5));
    assert!(p.competency_count_basically_competent.value);
    assert!(p.competency_pool_groups.value);
    assert!(p.competency_strictly_below.value);
    assert_eq!(p.competency_period_months.value, 6);

    assert!(p.exit_on_failed_evaluation.value);
    assert!(p.exit_on_discipline.value);
    assert!(p.exit_on_leaving_office.value);
    assert!(p.exit_on_age.value);
    assert_eq!(p.exit_max_age.value, 60);

    // Where the values came from.
    assert_eq!(
        p.inclusion_tenure_years.used,
        crate::decision::ParamUse::new(
            "inclusion.tenure_years",
            date!(2000 - 01 - 01),
            Origin::Policy
        )
        .unwrap()
    );
    assert_eq!(
        p.inclusion_collective_income_min_wan.used,
        crate::decision::ParamUse::new(
            "inclusion.collective_income_min_wan",
            date!(2000 - 01 - 01),
            Origin::Example
        )
        .unwrap()
    );
    assert_eq!(p.pay_tier2_monthly_yuan.used.origin, Origin::Example);
    assert_eq!(p.exit_max_age.used.origin, Origin::Example);
    assert_eq!(p.young_city_subsidy_yuan.used.origin, Origin::Policy);
}

#[test]
fn the_first_day_of_the_example_resolves_and_the_day_before_does_not() {
    let p = Policy::example();
    assert!(p.resolve(date!(2000 - 01 - 01)).is_ok());
    let err = p.resolve(date!(1999 - 12 - 31)).unwrap_err();
    assert_eq!(err.on, date!(1999 - 12 - 31));
    assert_eq!(err.missing.len(), CATALOG.len());
    assert_eq!(err.missing[0], "inclusion.quota_ratio");
    assert_eq!(
        err.missing[err.missing.len() - 1],
        "strict.art13_tier_counts"
    );
}

// ─── dated values ──────────────────────────────────────────────────────

#[test]
fn a_parameter_with_no_value_in_force_is_an_error_naming_it() {
    let src = example_with(
        "[inclusion.tenure_years]",
        "since = 2000-01-01",
        "since = 2030-01-01",
    );
    let policy = Policy::parse(&src).expect("still a valid file");
    let err = policy.resolve(date!(2025 - 01 - 01)).unwrap_err();
    assert_eq!(err.on, date!(2025 - 01 - 01));
    assert_eq!(err.missing, vec!["inclusion.tenure_years"]);
    let msg = err.to_string();
    assert!(msg.contains("inclusion.tenure_years"), "{msg}");
    assert!(msg.contains("2025-01-01"), "{msg}");
    // Never silently zero: the day before the value takes effect fails too…
    assert!(policy.resolve(date!(2029 - 12 - 31)).is_err());
    // …and from its date on it resolves.
    let p = policy.resolve(date!(2030 - 01 - 01)).unwrap();
    assert_eq!(p.inclusion_tenure_years.value, 3);
    assert_eq!(p.inclusion_tenure_years.used.since, date!(2030 - 01 - 01));
}

#[test]
fn repealed_ends_a_value() {
    let src = example_with(
        "[inclusion.tenure_years]",
        TENURE_VALUES,
        "values = [{ since = 2000-01-01, value = 3 }, { since = 2026-01-01, repealed = true }]",
    );
    let policy = Policy::parse(&src).unwrap();
    let p = policy.resolve(date!(2025 - 12 - 31)).unwrap();
    assert_eq!(p.inclusion_tenure_years.value, 3);
    let err = policy.resolve(date!(2026 - 01 - 01)).unwrap_err();
    assert_eq!(err.missing, vec!["inclusion.tenure_years"]);
    assert!(policy.resolve(date!(2031 - 06 - 01)).is_err());
    let e = policy.entry("inclusion.tenure_years").unwrap();
    assert_eq!(e.values.len(), 2);
    assert!(e.values[1].value.is_none());
    assert!(e.in_force(date!(2026 - 01 - 01)).is_none());
    assert_eq!(
        e.in_force(date!(2025 - 12 - 31)).unwrap().since,
        date!(2000 - 01 - 01)
    );
}

#[test]
fn a_value_re_enacted_after_a_repeal_is_in_force_again() {
    let src = example_with(
        "[inclusion.tenure_years]",
        TENURE_VALUES,
        "values = [{ since = 2000-01-01, value = 3 }, { since = 2026-01-01, repealed = true }, { since = 2027-01-01, value = 4 }]",
    );
    let policy = Policy::parse(&src).unwrap();
    assert!(policy.resolve(date!(2026 - 12 - 31)).is_err());
    let p = policy.resolve(date!(2027 - 01 - 01)).unwrap();
    assert_eq!(p.inclusion_tenure_years.value, 4);
    assert_eq!(p.inclusion_tenure_years.used.since, date!(2027 - 01 - 01));
}

#[test]
fn a_later_value_replaces_an_earlier_one_from_its_date_on() {
    let src = example_with(
        "[inclusion.tenure_years]",
        TENURE_VALUES,
        "values = [{ since = 2000-01-01, value = 3 }, { since = 2025-07-01, value = 2 }]",
    );
    let policy = Policy::parse(&src).unwrap();
    let before = policy.resolve(date!(2025 - 06 - 30)).unwrap();
    assert_eq!(before.inclusion_tenure_years.value, 3);
    assert_eq!(
        before.inclusion_tenure_years.used.since,
        date!(2000 - 01 - 01)
    );
    let on = policy.resolve(date!(2025 - 07 - 01)).unwrap();
    assert_eq!(on.inclusion_tenure_years.value, 2);
    assert_eq!(on.inclusion_tenure_years.used.since, date!(2025 - 07 - 01));
    assert_eq!(on.inclusion_tenure_years.used.origin, Origin::Policy);
    let later = policy.resolve(date!(2040 - 01 - 01)).unwrap();
    assert_eq!(later.inclusion_tenure_years.value, 2);
    // Other parameters are untouched.
    assert_eq!(on.inclusion_tenure_relaxed_years.value, 1);
}

#[test]
fn an_example_value_replaced_by_an_official_one_is_no_longer_an_example() {
    let src = example_with(
        "[inclusion.collective_income_min_wan]",
        "values = [{ since = 2000-01-01, value = 10, example = true }]",
        "values = [{ since = 2000-01-01, value = 10, example = true }, { since = 2025-01-01, value = 8.5 }]",
    );
    let policy = Policy::parse(&src).unwrap();
    assert!(
        policy
            .examples_in_force(date!(2024 - 12 - 31))
            .contains(&"inclusion.collective_income_min_wan")
    );
    assert!(
        !policy
            .examples_in_force(date!(2025 - 01 - 01))
            .contains(&"inclusion.collective_income_min_wan")
    );
    let p = policy.resolve(date!(2025 - 01 - 01)).unwrap();
    assert_eq!(
        p.inclusion_collective_income_min_wan.value,
        Decimal::new(85, 1)
    );
    assert_eq!(
        p.inclusion_collective_income_min_wan.used.origin,
        Origin::Policy
    );
}

// ─── overrides ─────────────────────────────────────────────────────────

#[test]
fn an_override_applies_on_every_date_and_is_marked() {
    let mut policy = Policy::example();
    policy
        .set_override("inclusion.collective_income_min_wan", Raw::Number("12.5"))
        .unwrap();
    policy
        .set_override("inclusion.quota_rounding", Raw::Text("floor"))
        .unwrap();
    policy
        .set_override("inclusion.rank_inclusive", Raw::Bool(false))
        .unwrap();
    policy
        .set_override("tiers.tier1_share", Raw::Text("25%"))
        .unwrap();
    assert!(policy.has_overrides());
    for on in [date!(2000 - 01 - 01), date!(2025 - 01 - 01)] {
        let p = policy.resolve(on).unwrap();
        assert_eq!(
            p.inclusion_collective_income_min_wan.value,
            Decimal::new(125, 1)
        );
        assert_eq!(
            p.inclusion_collective_income_min_wan.used,
            crate::decision::ParamUse::new(
                "inclusion.collective_income_min_wan",
                on,
                Origin::Override
            )
            .unwrap()
        );
        assert_eq!(p.inclusion_quota_rounding.value, Rounding::Floor);
        assert!(!p.inclusion_rank_inclusive.value);
        assert_eq!(p.tiers_tier1_share.value, Ratio::new(1, 4).unwrap());
        // Not overridden: from the file.
        assert_eq!(p.inclusion_tenure_years.used.origin, Origin::Policy);
    }
    // Overrides apply even before the file's first date.
    assert!(policy.resolve(date!(1999 - 12 - 31)).is_err());
    // An override is not an example value any more.
    assert!(
        !policy
            .examples_in_force(date!(2025 - 01 - 01))
            .contains(&"inclusion.collective_income_min_wan")
    );
}

#[test]
fn the_last_override_of_a_parameter_wins() {
    let mut policy = Policy::example();
    policy
        .set_override("inclusion.tenure_years", Raw::Number("2"))
        .unwrap();
    policy
        .set_override("inclusion.tenure_years", Raw::Number("4"))
        .unwrap();
    let p = policy.resolve(date!(2025 - 01 - 01)).unwrap();
    assert_eq!(p.inclusion_tenure_years.value, 4);
}

#[test]
fn an_unknown_override_is_an_error_naming_it() {
    let mut policy = Policy::example();
    let err = policy
        .set_override("inclusion.no_such_thing", Raw::Number("1"))
        .unwrap_err();
    assert!(err.contains("inclusion.no_such_thing"), "{err}");
    assert!(!policy.has_overrides());
}

#[test]
fn an_override_of_the_wrong_type_is_an_error() {
    let mut policy = Policy::example();
    let bad: [(&str, Raw<'_>); 9] = [
        ("inclusion.tenure_years", Raw::Text("three")),
        ("inclusion.tenure_years", Raw::Number("2.5")),
        ("inclusion.tenure_years", Raw::Number("-1")),
        ("inclusion.tenure_years", Raw::Bool(true)),
        ("inclusion.rank_inclusive", Raw::Number("1")),
        ("inclusion.quota_rounding", Raw::Text("nearest")),
        ("inclusion.collective_income_min_wan", Raw::Number("-1")),
        ("inclusion.collective_income_min_wan", Raw::Bool(false)),
        ("inclusion.relaxed_min_education", Raw::Text("phd")),
    ];
    for (name, raw) in bad {
        assert!(
            policy.set_override(name, raw).is_err(),
            "{name} = {raw:?} accepted"
        );
    }
    assert!(!policy.has_overrides());
    // A failed override leaves the file's value in force.
    let p = policy.resolve(date!(2025 - 01 - 01)).unwrap();
    assert_eq!(p.inclusion_tenure_years.value, 3);
}

#[test]
fn examples_in_force_lists_the_redacted_amounts() {
    let policy = Policy::example();
    let ex = policy.examples_in_force(date!(2025 - 01 - 01));
    assert_eq!(
        ex,
        vec![
            "inclusion.collective_income_min_wan",
            "pay.tier1_monthly_yuan",
            "pay.tier2_monthly_yuan",
            "pay.tier3_monthly_yuan",
            "exit.max_age",
        ]
    );
    assert!(policy.examples_in_force(date!(1999 - 12 - 31)).is_empty());
}

// ─── problems, with their lines ────────────────────────────────────────

#[test]
fn an_unknown_parameter_name_is_reported_at_its_line() {
    let src = example_with(
        "[inclusion.tenure_years]",
        "[inclusion.tenure_years]",
        "[inclusion.tenure_yeers]",
    );
    let ps = problems(&src);
    let line = line_of(&src, "[inclusion.tenure_yeers]");
    assert_eq!(line, 34);
    assert!(has_problem(&ps, line, "inclusion.tenure_yeers"), "{ps:#?}");
    // The real parameter is now missing from the file.
    assert!(
        ps.iter()
            .any(|p| p.message.contains("缺少参数 inclusion.tenure_years")),
        "{ps:#?}"
    );
}

#[test]
fn a_value_of_the_wrong_type_is_reported_at_its_line() {
    let src = example_with(
        "[inclusion.tenure_years]",
        TENURE_VALUES,
        "values = [{ since = 2000-01-01, value = \"three\" }]",
    );
    let ps = problems(&src);
    let line = line_of(&src, "value = \"three\"");
    assert_eq!(line, 39);
    assert!(has_problem(&ps, line, "inclusion.tenure_years"), "{ps:#?}");
}

#[test]
fn a_negative_amount_is_reported_at_its_line() {
    let src = example_with("[pay.tier2_monthly_yuan]", "value = 1200", "value = -1200");
    let ps = problems(&src);
    let line = line_of(&src, "value = -1200");
    assert!(has_problem(&ps, line, "pay.tier2_monthly_yuan"), "{ps:#?}");
}

#[test]
fn a_since_that_is_not_a_date_is_reported_at_its_line() {
    let src = example_with(
        "[inclusion.tenure_years]",
        TENURE_VALUES,
        "values = [{ since = \"2000-01-01\", value = 3 }]",
    );
    let ps = problems(&src);
    let line = line_of(&src, "since = \"2000-01-01\"");
    assert_eq!(line, 39);
    assert!(has_problem(&ps, line, "since"), "{ps:#?}");
}

#[test]
fn an_impossible_date_is_a_problem() {
    let src = example_with(
        "[inclusion.tenure_years]",
        TENURE_VALUES,
        "values = [{ since = 2000-01-01T08:00:00, value = 3 }]",
    );
    let ps = problems(&src);
    assert!(has_problem(&ps, 39, "since"), "{ps:#?}");
}

#[test]
fn values_out_of_date_order_are_reported_at_the_later_item() {
    let src = example_with(
        "[inclusion.tenure_years]",
        TENURE_VALUES,
        "values = [\n  { since = 2010-01-01, value = 3 },\n  { since = 2005-01-01, value = 2 },\n]",
    );
    let ps = problems(&src);
    let line = line_of(&src, "{ since = 2005-01-01, value = 2 }");
    assert_eq!(line, 41);
    assert!(has_problem(&ps, line, "2005-01-01"), "{ps:#?}");
    // Two values on the same date are out of order too.
    let src = example_with(
        "[inclusion.tenure_years]",
        TENURE_VALUES,
        "values = [{ since = 2010-01-01, value = 3 }, { since = 2010-01-01, value = 2 }]",
    );
    let ps = problems(&src);
    assert!(has_problem(&ps, 39, "2010-01-01"), "{ps:#?}");
}

#[test]
fn a_value_with_both_value_and_repealed_is_a_problem() {
    let src = example_with(
        "[inclusion.tenure_years]",
        TENURE_VALUES,
        "values = [{ since = 2000-01-01, value = 3, repealed = true }]",
    );
    let ps = problems(&src);
    assert!(has_problem(&ps, 39, "repealed"), "{ps:#?}");
}

#[test]
fn a_parameter_missing_from_the_file_is_reported() {
    // Drop the whole [plan.public_notice_min_days] section (7 lines).
    let start = EXAMPLE_POLICY_TOML
        .find("[plan.public_notice_min_days]")
        .unwrap();
    let end = start + EXAMPLE_POLICY_TOML[start..].find("# ─── 第十二条").unwrap();
    let src = format!(
        "{}{}",
        &EXAMPLE_POLICY_TOML[..start],
        &EXAMPLE_POLICY_TOML[end..]
    );
    let ps = problems(&src);
    assert_eq!(ps.len(), 1, "{ps:#?}");
    assert!(
        ps[0]
            .message
            .contains("缺少参数 plan.public_notice_min_days"),
        "{ps:#?}"
    );
    // Reported on a line of the file.
    assert!(ps[0].line >= 1, "{ps:#?}");
}

/// The missing-parameter problem points past the end of the file: the
/// parser counts the empty "line" after the final newline.
#[test]
fn a_missing_parameter_is_reported_on_the_last_line() {
    let src = EXAMPLE_POLICY_TOML.replace("[exit.max_age]", "[exit.max_age_typo]");
    let ps = problems(&src);
    let missing = ps
        .iter()
        .find(|p| p.message.contains("缺少参数 exit.max_age"))
        .unwrap();
    assert_eq!(missing.line, src.lines().count() as u32);
}

#[test]
fn a_toml_syntax_error_is_reported_at_its_line() {
    let src = example_with(
        "[inclusion.tenure_years]",
        "unit = \"年\"",
        "unit = \"年\"\nthis is not toml",
    );
    let ps = problems(&src);
    let line = line_of(&src, "this is not toml");
    assert_eq!(line, 38);
    assert!(has_problem(&ps, line, "TOML"), "{ps:#?}");
}

#[test]
fn a_small_file_reports_literal_lines() {
    // Line 1: [meta]; line 2: id; line 3: a broken section header.
    let src = "[meta]\nid = \"t\"\n[inclusion.quota_ratio\narticle = 1\n";
    let ps = problems(src);
    assert!(has_problem(&ps, 3, "TOML"), "{ps:#?}");
    // Every catalogue parameter but the broken one is missing.
    assert!(ps.len() >= CATALOG.len() - 1, "{}", ps.len());
}

#[test]
fn several_problems_are_reported_at_once_in_line_order() {
    let mut src = example_with(
        "[inclusion.tenure_years]",
        TENURE_VALUES,
        "values = [{ since = 2000-01-01, value = \"three\" }]",
    );
    src = src.replacen(
        "values = [{ since = 2000-01-01, value = 5 }]",
        "values = [{ since = \"soon\", value = 5 }]",
        1,
    );
    src = src.replacen("[young.max_age]", "[young.maximum_age]", 1);
    src = src.replacen(
        "values = [{ since = 2000-01-01, value = 6 }]",
        "values = [\n  { since = 2020-01-01, value = 6 },\n  { since = 2019-01-01, value = 12 },\n]",
        1,
    );
    let ps = problems(&src);

    let l_type = line_of(&src, "value = \"three\"");
    let l_since = line_of(&src, "since = \"soon\"");
    let l_name = line_of(&src, "[young.maximum_age]");
    let l_order = line_of(&src, "{ since = 2019-01-01, value = 12 }");
    assert!(
        has_problem(&ps, l_type, "inclusion.tenure_years"),
        "{ps:#?}"
    );
    assert!(has_problem(&ps, l_name, "young.maximum_age"), "{ps:#?}");
    assert!(has_problem(&ps, l_since, "since"), "{ps:#?}");
    assert!(has_problem(&ps, l_order, "2019-01-01"), "{ps:#?}");
    assert!(
        ps.iter()
            .any(|p| p.message.contains("缺少参数 young.max_age")),
        "{ps:#?}"
    );
    // In line order.
    assert!(ps.windows(2).all(|w| w[0].line <= w[1].line), "{ps:#?}");
    // The problem renders with its line, in Chinese.
    let shown = ps[0].to_string();
    assert!(
        shown.starts_with(&format!("第 {} 行：", ps[0].line)),
        "{shown}"
    );
}

#[test]
fn a_missing_meta_id_is_reported() {
    let src = EXAMPLE_POLICY_TOML.replacen("id = \"example-2024\"", "", 1);
    let ps = problems(&src);
    assert!(has_problem(&ps, 1, "id"), "{ps:#?}");
}

#[test]
fn an_extra_condition_is_parsed() {
    let src = format!(
        "{EXAMPLE_POLICY_TOML}\n[[conditions]]\nid = \"no_disciplinary_record\"\nlabel = \"无党纪政务处分\"\narticle = 1\nsince = 2025-01-01\n"
    );
    let policy = Policy::parse(&src).unwrap();
    assert_eq!(policy.conditions.len(), 1);
    let c = &policy.conditions[0];
    assert_eq!(c.id, "no_disciplinary_record");
    assert_eq!(c.label, "无党纪政务处分");
    assert_eq!(c.article, 1);
    assert_eq!(c.since, date!(2025 - 01 - 01));
    // The line after the example's last and a blank one.
    let last = u32::try_from(EXAMPLE_POLICY_TOML.lines().count()).unwrap();
    assert_eq!(c.line, last + 2);

    let bad = format!(
        "{EXAMPLE_POLICY_TOML}\n[[conditions]]\nid = \"Bad Id\"\nlabel = \"x\"\narticle = 1\nsince = 2025-01-01\n"
    );
    let ps = problems(&bad);
    assert!(has_problem(&ps, last + 3, "id"), "{ps:#?}");
}

/// A present but invalid value is one problem, not also "缺少参数": the
/// parameter is in the file, at the line already reported.
#[test]
fn an_invalid_value_is_not_also_reported_missing() {
    let src = example_with(
        "[inclusion.tenure_years]",
        TENURE_VALUES,
        "values = [{ since = 2000-01-01, value = \"three\" }]",
    );
    let ps = problems(&src);
    assert_eq!(ps.len(), 1, "{ps:#?}");
    assert_eq!(ps[0].line, 39);
}
