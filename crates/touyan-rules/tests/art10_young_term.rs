//! Article 10: a young cadre's term — the last day within the age limit
//! (35 inclusive: past it on the 36th birthday) or an approved
//! extension's last day (5 years from the programme's start), and the
//! share of each month's pay (the month the term ends in full, or by days
//! with `young.last_month_by_days`). Every expectation computed by hand.

mod common;

use common::*;
use time::Date;
use time::macros::date;
use touyan_rules::art10_young_cadres::{self, MonthlyPay, Share};
use touyan_rules::policy::Raw;

fn by_days() -> touyan_rules::Params {
    params_with(&[("young.last_month_by_days", Raw::Bool(true))])
}

/// The share of `month` for a term ending on `end`, under `p`.
fn share(p: &touyan_rules::Params, month: Date, end: Date) -> Share {
    art10_young_cadres::month_share(p, month, end).outcome
}

#[test]
fn the_term_ends_the_day_before_the_36th_birthday() {
    let p = params();
    let end = |birth| art10_young_cadres::term_end(&p, birth, None).outcome;
    // Turning 36 on the 1st, the 15th, the last day of March 2026.
    assert_eq!(end(date!(1990 - 03 - 01)), date!(2026 - 02 - 28));
    assert_eq!(end(date!(1990 - 03 - 15)), date!(2026 - 03 - 14));
    assert_eq!(end(date!(1990 - 03 - 31)), date!(2026 - 03 - 30));
    // Born on February 29: 36 on 2028-02-29 (a leap year).
    assert_eq!(end(date!(1992 - 02 - 29)), date!(2028 - 02 - 28));
    let d = art10_young_cadres::term_end(&p, date!(1990 - 03 - 15), None);
    assert_rule(d.rule, "art10.term", 10);
    assert_used_policy(&d.params, "young.max_age");
    assert_used_policy(&d.params, "young.age_limit_inclusive");
    let text = d.sentence();
    assert_chinese(&text);
    assert!(text.contains("2026-03-15 满 36 周岁"), "{text}");
    assert!(text.contains("在册至 2026-03-14"), "{text}");
    // "35岁以下" read as excluding 35: the term ends before the 35th.
    let p = params_with(&[("young.age_limit_inclusive", Raw::Bool(false))]);
    assert_eq!(
        art10_young_cadres::term_end(&p, date!(1990 - 03 - 15), None).outcome,
        date!(2025 - 03 - 14)
    );
}

#[test]
fn an_approved_extension_runs_to_five_years_on_the_programme() {
    let p = params();
    // On the programme since 2023-04-10; 36 on 2026-03-15; excellent:
    // extended to 2023-04-10 + 5 years = 2028-04-10.
    let start = date!(2023 - 04 - 10);
    let to = art10_young_cadres::extension(&p, start, date!(2026 - 03 - 15), true).outcome;
    assert_eq!(to, Some(date!(2028 - 04 - 10)));
    let d = art10_young_cadres::term_end(&p, date!(1990 - 03 - 15), to);
    assert_eq!(d.outcome, date!(2028 - 04 - 10));
    assert!(
        d.sentence().contains("已延长至 2028-04-10"),
        "{}",
        d.sentence()
    );
    // An extension never shortens the term.
    let early =
        art10_young_cadres::term_end(&p, date!(1990 - 03 - 15), Some(date!(2025 - 01 - 01)));
    assert_eq!(early.outcome, date!(2026 - 03 - 14));
}

#[test]
fn turning_36_on_the_first_the_last_paid_month_is_the_one_before() {
    // Born 1990-03-01: the term ends 2026-02-28, February's last day, so
    // February is whole under either switch and March is not paid.
    let end = date!(2026 - 02 - 28);
    for p in [params(), by_days()] {
        assert_eq!(share(&p, date!(2026 - 01 - 01), end), Share::Full);
        assert_eq!(share(&p, date!(2026 - 02 - 01), end), Share::Full);
        assert_eq!(share(&p, date!(2026 - 03 - 01), end), Share::None);
        assert_eq!(share(&p, date!(2026 - 04 - 01), end), Share::None);
    }
}

#[test]
fn turning_36_on_the_15th_pays_the_month_whole_or_14_days() {
    // Born 1990-03-15: the term ends 2026-03-14.
    let end = date!(2026 - 03 - 14);
    let p = params();
    assert_eq!(share(&p, date!(2026 - 02 - 01), end), Share::Full);
    assert_eq!(share(&p, date!(2026 - 03 - 01), end), Share::Full);
    // Any day of the month names the month.
    assert_eq!(share(&p, date!(2026 - 03 - 31), end), Share::Full);
    assert_eq!(share(&p, date!(2026 - 04 - 01), end), Share::None);
    let d = art10_young_cadres::month_share(&p, date!(2026 - 03 - 01), end);
    assert_rule(d.rule, "art10.term", 10);
    assert_used_policy(&d.params, "young.last_month_by_days");
    assert!(
        d.sentence().contains("期满当月（2026 年 3 月）按整月发放"),
        "{}",
        d.sentence()
    );
    let p = by_days();
    assert_eq!(share(&p, date!(2026 - 02 - 01), end), Share::Full);
    assert_eq!(
        share(&p, date!(2026 - 03 - 01), end),
        Share::Days { paid: 14, of: 31 }
    );
    assert_eq!(share(&p, date!(2026 - 04 - 01), end), Share::None);
    let d = art10_young_cadres::month_share(&p, date!(2026 - 03 - 01), end);
    assert!(
        d.sentence().contains("在册 14 天，按 14/31 折算"),
        "{}",
        d.sentence()
    );
}

#[test]
fn turning_36_on_the_last_day_pays_the_month_whole_or_30_days() {
    // Born 1990-03-31: the term ends 2026-03-30.
    let end = date!(2026 - 03 - 30);
    assert_eq!(share(&params(), date!(2026 - 03 - 01), end), Share::Full);
    assert_eq!(share(&params(), date!(2026 - 04 - 01), end), Share::None);
    assert_eq!(
        share(&by_days(), date!(2026 - 03 - 01), end),
        Share::Days { paid: 30, of: 31 }
    );
    assert_eq!(share(&by_days(), date!(2026 - 04 - 01), end), Share::None);
}

#[test]
fn with_the_extension_pay_runs_to_its_month() {
    // Extended to 2028-04-10: March 2026 onwards whole, April 2028 whole
    // or 10 of 30 days, May 2028 nothing.
    let end = date!(2028 - 04 - 10);
    for month in [
        date!(2026 - 03 - 01),
        date!(2026 - 04 - 01),
        date!(2028 - 03 - 01),
    ] {
        assert_eq!(share(&by_days(), month, end), Share::Full, "{month}");
    }
    assert_eq!(share(&params(), date!(2028 - 04 - 01), end), Share::Full);
    assert_eq!(
        share(&by_days(), date!(2028 - 04 - 01), end),
        Share::Days { paid: 10, of: 30 }
    );
    assert_eq!(share(&params(), date!(2028 - 05 - 01), end), Share::None);
    assert_eq!(share(&by_days(), date!(2028 - 05 - 01), end), Share::None);
}

/// 4000 × 0.8 = 3200, a full-time college degree: 500 + 500; 4200 in all.
fn pay() -> MonthlyPay {
    art10_young_cadres::monthly_pay(
        &params(),
        dec("4000"),
        dec("0.8"),
        degree(touyan_rules::people::Education::College, true),
        dec("0"),
    )
    .outcome
    .rounded()
}

#[test]
fn the_last_month_by_days_in_yuan() {
    let part = |s| {
        let x = art10_young_cadres::share_of(pay(), s);
        (x.base, x.city_subsidy, x.town_subsidy, x.total)
    };
    assert_eq!(
        part(Share::Full),
        (dec("3200"), dec("500"), dec("500"), dec("4200"))
    );
    // 14/31: 4200 × 14 / 31 = 1896.774… → 1896.77; 500 × 14 / 31 =
    // 225.806… → 225.81 each; the base the rest: 1896.77 − 451.62.
    assert_eq!(
        part(Share::Days { paid: 14, of: 31 }),
        (dec("1445.15"), dec("225.81"), dec("225.81"), dec("1896.77"))
    );
    // 30/31: 4064.516… → 4064.52; 483.870… → 483.87; 4064.52 − 967.74.
    assert_eq!(
        part(Share::Days { paid: 30, of: 31 }),
        (dec("3096.78"), dec("483.87"), dec("483.87"), dec("4064.52"))
    );
    // 10/30: 1400; 166.666… → 166.67; 1400 − 333.34.
    assert_eq!(
        part(Share::Days { paid: 10, of: 30 }),
        (dec("1066.66"), dec("166.67"), dec("166.67"), dec("1400.00"))
    );
    assert_eq!(part(Share::None).3, dec("0"));
    // A higher current pay kept (5000): the total and the base scaled
    // alone: 5000 × 14/31 = 2258.064… → 2258.06; 3200 × 14/31 =
    // 1445.161… → 1445.16.
    let kept = art10_young_cadres::monthly_pay(
        &params(),
        dec("4000"),
        dec("0.8"),
        degree(touyan_rules::people::Education::College, true),
        dec("5000"),
    )
    .outcome
    .rounded();
    let x = art10_young_cadres::share_of(kept, Share::Days { paid: 14, of: 31 });
    assert_eq!((x.base, x.total), (dec("1445.16"), dec("2258.06")));
    assert!(x.kept_current);
}
