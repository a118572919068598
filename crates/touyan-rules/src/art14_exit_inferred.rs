//! 第十四条以后（原文缺失，推定）— exit from professionalized management.
//!
//! The source breaks off at Article 14 ("完善待遇保障机制。村“两委”干…"). Peers'
//! measures end with supervision and exit; SPEC.md infers three grounds
//! beside the one the text gives — a failed competency evaluation, Article
//! 12's "退出专业化管理" (its rule is `art12_competency::EXIT`, not
//! inferred) —: discipline, leaving office, and age. Every ground is a switch in the policy
//! (`exit.*`), so a city whose own text differs turns it off or changes it.
//!
//! Chapter 2 (daily management) is kept as records with reminders
//! (`art02_daily_inferred`); Article 14's treatment guarantees (honours,
//! recruitment into town posts, pension subsidies) as records only, not as
//! rules: see the traceability table.

use std::fmt;

use time::Date;

use crate::art12_competency::{self, Action};
use crate::calendar::age_on;
use crate::decision::{Decision, Rule};
use crate::policy::Params;

pub static DISCIPLINE: Rule = Rule {
    id: "art14.exit_discipline",
    article: 14,
    clause: "",
    inferred: true,
    title: "受处分退出",
};
pub static LEFT_OFFICE: Rule = Rule {
    id: "art14.exit_left_office",
    article: 14,
    clause: "",
    inferred: true,
    title: "不再任书记退出",
};
pub static AGE: Rule = Rule {
    id: "art14.exit_age",
    article: 14,
    clause: "",
    inferred: true,
    title: "达到年龄上限退出",
};

/// The inferred grounds (the failed evaluation's exit is Article 12's:
/// `art12_competency::EXIT`, decided here with the others).
pub static RULES: &[&Rule] = &[&DISCIPLINE, &LEFT_OFFICE, &AGE];

/// A ground for leaving professionalized management.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ground {
    FailedEvaluation,
    Discipline,
    LeftOffice,
    Age { age: u32, max: u32 },
}

impl fmt::Display for Ground {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ground::FailedEvaluation => {
                f.write_str("胜任度评价达不到退出线，经认定确实不能胜任，退出专业化管理")
            }
            Ground::Discipline => f.write_str("受到党纪政务处分，退出专业化管理"),
            Ground::LeftOffice => f.write_str("不再担任村党组织书记，退出专业化管理"),
            Ground::Age { age, max } => {
                write!(f, "{age} 周岁，超过 {max} 岁年龄上限，退出专业化管理")
            }
        }
    }
}

/// What is known of a professionalized secretary when exits are reviewed.
#[derive(Clone, Copy, Debug)]
pub struct ExitFacts {
    pub birth_date: Date,
    /// The latest competency evaluation's action, if any.
    pub competency: Option<Action>,
    /// The town has confirmed "确实不能胜任" after a failed evaluation.
    pub confirmed_not_competent: bool,
    pub disciplined: bool,
    pub still_secretary: bool,
}

/// Every ground that applies on `on`, each with its rule. An empty list
/// means the secretary stays.
pub fn exit_grounds(p: &Params, f: &ExitFacts, on: Date) -> Vec<Decision<Ground, Ground>> {
    let mut out = Vec::new();
    if p.exit_on_failed_evaluation.value
        && f.competency == Some(Action::Exit)
        && f.confirmed_not_competent
    {
        let g = Ground::FailedEvaluation;
        out.push(Decision::new(&art12_competency::EXIT, g, g).using(&[
            p.exit_on_failed_evaluation.used,
            p.competency_exit_below.used,
        ]));
    }
    if p.exit_on_discipline.value && f.disciplined {
        let g = Ground::Discipline;
        out.push(Decision::new(&DISCIPLINE, g, g).using(&[p.exit_on_discipline.used]));
    }
    if p.exit_on_leaving_office.value && !f.still_secretary {
        let g = Ground::LeftOffice;
        out.push(Decision::new(&LEFT_OFFICE, g, g).using(&[p.exit_on_leaving_office.used]));
    }
    let age = age_on(f.birth_date, on);
    let max = p.exit_max_age.value;
    if p.exit_on_age.value && age > max {
        let g = Ground::Age { age, max };
        out.push(Decision::new(&AGE, g, g).using(&[p.exit_on_age.used, p.exit_max_age.used]));
    }
    out
}
