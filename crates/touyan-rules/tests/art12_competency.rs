//! Article 12: competency rate = (competent + basically competent) / all
//! ballots of Party members and public representatives, pooled; < 90%
//! interview, < 80% exit; compared exactly.

mod common;

use common::*;
use touyan_rules::art12_competency::{self, Action, Ballots};
use touyan_rules::num::Ratio;
use touyan_rules::policy::Raw;

fn b(competent: u32, basically_competent: u32, not_competent: u32) -> Ballots {
    Ballots {
        competent,
        basically_competent,
        not_competent,
    }
}

fn action(members: Ballots, reps: Ballots) -> Action {
    art12_competency::competency(&params(), members, reps)
        .expect("ballots")
        .outcome
        .action
}

#[test]
fn exactly_90_percent_needs_no_action() {
    assert_eq!(action(b(9, 0, 1), Ballots::default()), Action::None);
    assert_eq!(action(b(5, 0, 1), b(4, 0, 0)), Action::None); // 9 of 10 pooled
    assert_eq!(action(b(90, 0, 10), Ballots::default()), Action::None);
    assert_eq!(action(b(10, 0, 0), Ballots::default()), Action::None);
}

#[test]
fn just_below_90_percent_is_an_interview_though_it_prints_as_0_9() {
    // 22499 / 25000 = 0.89996
    let d =
        art12_competency::competency(&params(), b(22_499, 0, 2_501), Ballots::default()).unwrap();
    assert_eq!(d.outcome.action, Action::Interview);
    assert_eq!(d.outcome.passing, 22_499);
    assert_eq!(d.outcome.ballots, 25_000);
    assert_eq!(d.outcome.rate, Ratio::new(89_996, 100_000).unwrap());
    assert_eq!(d.outcome.rate.to_decimal(4), dec("0.9"));
    assert_eq!(action(b(89, 0, 11), Ballots::default()), Action::Interview);
}

#[test]
fn exactly_80_percent_is_an_interview_not_an_exit() {
    assert_eq!(action(b(8, 0, 2), Ballots::default()), Action::Interview);
    assert_eq!(action(b(40, 0, 10), b(40, 0, 10)), Action::Interview);
}

#[test]
fn below_80_percent_is_an_exit() {
    assert_eq!(action(b(79, 0, 21), Ballots::default()), Action::Exit);
    assert_eq!(action(b(0, 0, 5), Ballots::default()), Action::Exit);
    // 7999 / 10000
    assert_eq!(action(b(7_999, 0, 2_001), Ballots::default()), Action::Exit);
}

#[test]
fn no_ballots_no_rate() {
    let p = params();
    assert!(art12_competency::competency(&p, Ballots::default(), Ballots::default()).is_none());
    let p = params_with(&[("competency.pool_groups", Raw::Bool(false))]);
    assert!(art12_competency::competency(&p, Ballots::default(), Ballots::default()).is_none());
}

#[test]
fn basically_competent_counts_as_competent() {
    assert_eq!(action(b(0, 10, 0), Ballots::default()), Action::None);
    assert_eq!(action(b(6, 3, 1), Ballots::default()), Action::None);
    let p = params_with(&[("competency.count_basically_competent", Raw::Bool(false))]);
    let a = |m, r| art12_competency::competency(&p, m, r).unwrap().outcome;
    let c = a(b(6, 3, 1), Ballots::default());
    assert_eq!(c.passing, 6);
    assert_eq!(c.ballots, 10);
    assert_eq!(c.action, Action::Exit);
    assert_eq!(a(b(8, 2, 0), Ballots::default()).action, Action::Interview);
    assert_eq!(a(b(0, 10, 0), Ballots::default()).action, Action::Exit);
}

#[test]
fn the_example_of_the_contract() {
    // 40 + 5 + 20 + 1 = 66 passing of 68: 0.9706.
    let d = art12_competency::competency(&params(), b(40, 5, 2), b(20, 1, 0)).unwrap();
    assert_eq!(d.outcome.passing, 66);
    assert_eq!(d.outcome.ballots, 68);
    assert_eq!(d.outcome.rate.to_decimal(4), dec("0.9706"));
    assert_eq!(d.outcome.action, Action::None);
    assert_eq!(d.outcome.action.name(), "none");
}

#[test]
fn groups_can_be_judged_apart_the_lower_rate_deciding() {
    let members = b(9, 0, 1); // 90%
    let reps = b(7, 0, 3); // 70%
    // Pooled: 16 / 20 = 80%.
    assert_eq!(action(members, reps), Action::Interview);
    let p = params_with(&[("competency.pool_groups", Raw::Bool(false))]);
    let c = art12_competency::competency(&p, members, reps)
        .unwrap()
        .outcome;
    assert_eq!(c.action, Action::Exit);
    assert_eq!(c.rate, Ratio::new(7, 10).unwrap());
    // An empty group does not decide.
    let c = art12_competency::competency(&p, members, Ballots::default())
        .unwrap()
        .outcome;
    assert_eq!(c.action, Action::None);
}

#[test]
fn the_inclusive_reading_acts_on_exactly_the_threshold() {
    let p = params_with(&[("competency.strictly_below", Raw::Bool(false))]);
    let a = |m| {
        art12_competency::competency(&p, m, Ballots::default())
            .unwrap()
            .outcome
            .action
    };
    assert_eq!(a(b(9, 0, 1)), Action::Interview);
    assert_eq!(a(b(8, 0, 2)), Action::Exit);
    assert_eq!(a(b(91, 0, 9)), Action::None);
}

#[test]
fn competency_decision_names_its_rule_parameters_and_sentence() {
    let p = params();
    let d = art12_competency::competency(&p, b(9, 0, 1), Ballots::default()).unwrap();
    assert_rule(d.rule, "art12.competency", 12);
    assert_used_policy(&d.params, "competency.interview_below");
    assert_used_policy(&d.params, "competency.exit_below");
    assert_used_policy(&d.params, "competency.count_basically_competent");
    let text = d.sentence();
    assert_chinese(&text);
    assert!(text.contains("90%"), "{text}");
    assert!(text.contains("无需处理"), "{text}");
    let text = art12_competency::competency(&p, b(85, 0, 15), Ballots::default())
        .unwrap()
        .sentence();
    assert!(text.contains("约谈"), "{text}");
    assert!(text.contains("85%"), "{text}");
    let text = art12_competency::competency(&p, b(79, 0, 21), Ballots::default())
        .unwrap()
        .sentence();
    assert!(text.contains("退出"), "{text}");
    assert!(text.contains("80%"), "{text}");
    assert_eq!(Action::Interview.name(), "interview");
    assert_eq!(Action::Exit.name(), "exit");
}

#[test]
fn reference_groups_do_not_decide() {
    let d = art12_competency::reference_groups(b(3, 1, 0), b(1, 0, 0));
    assert_rule(d.rule, "art12.reference_groups", 12);
    let text = d.sentence();
    assert!(text.contains("包村干部 4 票"), "{text}");
    assert!(text.contains("不计入胜任率"), "{text}");
}

#[test]
fn an_evaluation_is_due_every_six_calendar_months() {
    use time::macros::date;
    let p = params();
    let due = |last, on| art12_competency::evaluation_due(&p, last, on).outcome;
    assert!(due(None, date!(2025 - 01 - 01)), "never evaluated");
    // Six months to the day: due; one day short: not yet.
    assert!(due(Some(date!(2024 - 07 - 01)), date!(2025 - 01 - 01)));
    assert!(!due(Some(date!(2024 - 07 - 02)), date!(2025 - 01 - 01)));
    // Month-end clamping: 2024-08-31 + 6 months = 2025-02-28.
    assert!(due(Some(date!(2024 - 08 - 31)), date!(2025 - 02 - 28)));
    assert!(!due(Some(date!(2024 - 08 - 31)), date!(2025 - 02 - 27)));
    let d =
        art12_competency::evaluation_due(&p, Some(date!(2024 - 07 - 02)), date!(2025 - 01 - 01));
    assert_rule(d.rule, "art12.evaluation_due", 12);
    assert_used_policy(&d.params, "competency.period_months");
    assert!(d.sentence().contains("未满 6 个月"), "{}", d.sentence());
}
