//! Inferred exit rules (Article 14 onward is missing): failed evaluation
//! (confirmed), discipline, leaving office, age > 60.

mod common;

use common::*;
use time::Date;
use time::macros::date;
use touyan_rules::art12_competency::Action;
use touyan_rules::art14_exit_inferred::{self, ExitFacts, Ground};
use touyan_rules::decision::Origin;
use touyan_rules::policy::Raw;

fn staying(birth_date: Date) -> ExitFacts {
    ExitFacts {
        birth_date,
        competency: None,
        confirmed_not_competent: false,
        disciplined: false,
        still_secretary: true,
    }
}

fn grounds(f: &ExitFacts, on: Date) -> Vec<Ground> {
    art14_exit_inferred::exit_grounds(&params(), f, on)
        .into_iter()
        .map(|d| d.outcome)
        .collect()
}

#[test]
fn nothing_applies_nobody_exits() {
    assert!(grounds(&staying(date!(1970 - 01 - 01)), ON).is_empty());
}

#[test]
fn aged_exactly_60_stays_61_exits() {
    assert!(grounds(&staying(date!(1965 - 01 - 01)), ON).is_empty()); // 60 today
    assert!(grounds(&staying(date!(1964 - 01 - 02)), ON).is_empty()); // 61 tomorrow
    assert_eq!(
        grounds(&staying(date!(1964 - 01 - 01)), ON),
        [Ground::Age { age: 61, max: 60 }]
    );
    // Born on February 29: 61 on 2025-02-28.
    let f = staying(date!(1964 - 02 - 29));
    assert!(grounds(&f, date!(2025 - 02 - 27)).is_empty());
    assert_eq!(
        grounds(&f, date!(2025 - 02 - 28)),
        [Ground::Age { age: 61, max: 60 }]
    );

    let d = &art14_exit_inferred::exit_grounds(&params(), &staying(date!(1964 - 01 - 01)), ON)[0];
    assert_rule(d.rule, "art14.exit_age", 14);
    assert!(d.rule.inferred);
    assert_used(&d.params, "exit.max_age", SINCE, Origin::Example);
    assert_used_policy(&d.params, "exit.on_age");
    assert_eq!(d.sentence(), "61 周岁，超过 60 岁年龄上限，退出专业化管理");

    let p = params_with(&[("exit.on_age", Raw::Bool(false))]);
    assert!(art14_exit_inferred::exit_grounds(&p, &staying(date!(1950 - 01 - 01)), ON).is_empty());
    let p = params_with(&[("exit.max_age", Raw::Number("55"))]);
    let g = art14_exit_inferred::exit_grounds(&p, &staying(date!(1969 - 01 - 01)), ON);
    assert_eq!(g[0].outcome, Ground::Age { age: 56, max: 55 });
}

#[test]
fn discipline_exits() {
    let f = ExitFacts {
        disciplined: true,
        ..staying(date!(1970 - 01 - 01))
    };
    let ds = art14_exit_inferred::exit_grounds(&params(), &f, ON);
    assert_eq!(ds.len(), 1);
    assert_eq!(ds[0].outcome, Ground::Discipline);
    assert_rule(ds[0].rule, "art14.exit_discipline", 14);
    assert_used_policy(&ds[0].params, "exit.on_discipline");
    assert_chinese(&ds[0].sentence());
    let p = params_with(&[("exit.on_discipline", Raw::Bool(false))]);
    assert!(art14_exit_inferred::exit_grounds(&p, &f, ON).is_empty());
}

#[test]
fn leaving_office_exits() {
    let f = ExitFacts {
        still_secretary: false,
        ..staying(date!(1970 - 01 - 01))
    };
    let ds = art14_exit_inferred::exit_grounds(&params(), &f, ON);
    assert_eq!(ds.len(), 1);
    assert_eq!(ds[0].outcome, Ground::LeftOffice);
    assert_rule(ds[0].rule, "art14.exit_left_office", 14);
    assert_chinese(&ds[0].sentence());
    let p = params_with(&[("exit.on_leaving_office", Raw::Bool(false))]);
    assert!(art14_exit_inferred::exit_grounds(&p, &f, ON).is_empty());
}

#[test]
fn a_failed_evaluation_exits_only_when_confirmed() {
    let base = staying(date!(1970 - 01 - 01));
    let failed = ExitFacts {
        competency: Some(Action::Exit),
        ..base
    };
    assert!(grounds(&failed, ON).is_empty());
    let confirmed = ExitFacts {
        confirmed_not_competent: true,
        ..failed
    };
    let ds = art14_exit_inferred::exit_grounds(&params(), &confirmed, ON);
    assert_eq!(ds.len(), 1);
    assert_eq!(ds[0].outcome, Ground::FailedEvaluation);
    // The text's own exit (Article 12), not an inferred one.
    assert_rule(ds[0].rule, "art12.exit_not_competent", 12);
    assert!(!ds[0].rule.inferred);
    assert_eq!(ds[0].rule.citation(), "第十二条");
    assert_used_policy(&ds[0].params, "exit.on_failed_evaluation");
    assert_used_policy(&ds[0].params, "competency.exit_below");
    assert_chinese(&ds[0].sentence());
    // An interview, even "confirmed", is no exit.
    let interview = ExitFacts {
        competency: Some(Action::Interview),
        confirmed_not_competent: true,
        ..base
    };
    assert!(grounds(&interview, ON).is_empty());
    let p = params_with(&[("exit.on_failed_evaluation", Raw::Bool(false))]);
    assert!(art14_exit_inferred::exit_grounds(&p, &confirmed, ON).is_empty());
}

#[test]
fn every_ground_is_listed_in_order() {
    let f = ExitFacts {
        birth_date: date!(1960 - 06 - 01),
        competency: Some(Action::Exit),
        confirmed_not_competent: true,
        disciplined: true,
        still_secretary: false,
    };
    assert_eq!(
        grounds(&f, ON),
        [
            Ground::FailedEvaluation,
            Ground::Discipline,
            Ground::LeftOffice,
            Ground::Age { age: 64, max: 60 },
        ]
    );
}
