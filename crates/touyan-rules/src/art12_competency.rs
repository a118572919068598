//! 第十二条 落实胜任度评价制度 — Article 12, competency evaluation.
//!
//! > 每半年对专业化党组织书记进行胜任度评价。……党员、群众代表、包村干部、镇街党(工)委
//! > 分别测评。党员和群众代表测评胜任率达不到90%的，由镇街党(工)委进行约谈；达不到
//! > 80%，确实不能胜任岗位的，退出专业化管理。包村干部、镇街党(工)委测评结果，作为
//! > 次年调整专业化党组织书记队伍的参考依据。
//!
//! Reading (SPEC.md): rate = (胜任 + 基本胜任) ÷ all ballots, Party members'
//! and public representatives' ballots pooled; "达不到" is strictly below.
//! Compared exactly: 0.89996 is below 0.9 though it prints as 0.9000.

use std::fmt;

use crate::decision::{Decision, Rule};
use crate::num::Ratio;
use crate::policy::Params;

pub static COMPETENCY: Rule = Rule {
    id: "art12.competency",
    article: 12,
    clause: "",
    inferred: false,
    title: "胜任率及其处理",
};
/// "达不到80%，确实不能胜任岗位的，退出专业化管理": the exit a failed
/// evaluation leads to, once the town confirms the secretary cannot do
/// the job (decided with the other grounds of exit in
/// `art14_exit_inferred::exit_grounds`; the text is Article 12's, not
/// inferred).
pub static EXIT: Rule = Rule {
    id: "art12.exit_not_competent",
    article: 12,
    clause: "",
    inferred: false,
    title: "胜任度评价不合格退出",
};
pub static REFERENCE_GROUPS: Rule = Rule {
    id: "art12.reference_groups",
    article: 12,
    clause: "",
    inferred: false,
    title: "包村干部、镇街党(工)委测评结果作参考",
};

pub static EVALUATION_DUE: Rule = Rule {
    id: "art12.evaluation_due",
    article: 12,
    clause: "",
    inferred: false,
    title: "每半年评价一次",
};

pub static RULES: &[&Rule] = &[&COMPETENCY, &EXIT, &REFERENCE_GROUPS, &EVALUATION_DUE];

/// An evaluation is due every half year: when there has been none, or the
/// last one was held at least six calendar months before `on`.
pub fn evaluation_due(
    p: &Params,
    last: Option<time::Date>,
    on: time::Date,
) -> Decision<bool, String> {
    let months = p.competency_period_months.value;
    let (due, reason) = match last {
        None => (true, "尚未进行胜任度评价，应当评价".to_string()),
        Some(last) if crate::calendar::months_complete(last, months, on) => (
            true,
            format!("上次评价为 {last}，已满 {months} 个月，应当再次评价"),
        ),
        Some(last) => (false, format!("上次评价为 {last}，未满 {months} 个月")),
    };
    Decision::new(&EVALUATION_DUE, due, reason).using(&[p.competency_period_months.used])
}

/// Ballot counts of one rater group.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ballots {
    pub competent: u32,
    pub basically_competent: u32,
    pub not_competent: u32,
}

impl Ballots {
    pub fn total(self) -> u64 {
        u64::from(self.competent)
            + u64::from(self.basically_competent)
            + u64::from(self.not_competent)
    }
    fn passing(self, count_basic: bool) -> u64 {
        u64::from(self.competent)
            + if count_basic {
                u64::from(self.basically_competent)
            } else {
                0
            }
    }
}

/// What a rate opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    None,
    /// 约谈 by the town committee.
    Interview,
    /// Exit from professionalized management.
    Exit,
}

impl Action {
    pub fn name(self) -> &'static str {
        match self {
            Action::None => "none",
            Action::Interview => "interview",
            Action::Exit => "exit",
        }
    }
}

/// The rate that decides and what it opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Competency {
    /// Exact: `passing / all` ballots.
    pub rate: Ratio,
    pub passing: u64,
    pub ballots: u64,
    pub action: Action,
    pub interview_below: Ratio,
    pub exit_below: Ratio,
}

impl fmt::Display for Competency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pct = self.rate.to_decimal(6) * rust_decimal::Decimal::ONE_HUNDRED;
        write!(
            f,
            "党员和群众代表 {} 票中胜任（含基本胜任）{} 票，胜任率 {}%，",
            self.ballots,
            self.passing,
            pct.round_dp(2).normalize()
        )?;
        match self.action {
            Action::None => write!(f, "达到 {}，无需处理", self.interview_below),
            Action::Interview => write!(f, "达不到 {}，由镇街党(工)委约谈", self.interview_below),
            Action::Exit => write!(
                f,
                "达不到 {}，经认定确实不能胜任的，退出专业化管理",
                self.exit_below
            ),
        }
    }
}

/// The competency rate of Party members' and public representatives'
/// ballots and the action it opens; `None` when there are no ballots.
pub fn competency(
    p: &Params,
    party_members: Ballots,
    public_reps: Ballots,
) -> Option<Decision<Competency, Competency>> {
    let basic = p.competency_count_basically_competent.value;
    let (passing, ballots) = if p.competency_pool_groups.value {
        (
            party_members.passing(basic) + public_reps.passing(basic),
            party_members.total() + public_reps.total(),
        )
    } else {
        // Each group on its own; the lower rate decides.
        [party_members, public_reps]
            .into_iter()
            .filter(|b| b.total() > 0)
            .map(|b| (b.passing(basic), b.total()))
            .min_by(|a, b| {
                (u128::from(a.0) * u128::from(b.1)).cmp(&(u128::from(b.0) * u128::from(a.1)))
            })
            .unwrap_or((0, 0))
    };
    let rate = Ratio::new(passing, ballots)?;
    let (interview_below, exit_below) = (
        p.competency_interview_below.value,
        p.competency_exit_below.value,
    );
    let below = |t: Ratio| {
        let o = t.cmp_fraction(passing, ballots);
        if p.competency_strictly_below.value {
            o.is_lt()
        } else {
            o.is_le()
        }
    };
    let action = if below(exit_below) {
        Action::Exit
    } else if below(interview_below) {
        Action::Interview
    } else {
        Action::None
    };
    let c = Competency {
        rate,
        passing,
        ballots,
        action,
        interview_below,
        exit_below,
    };
    Some(Decision::new(&COMPETENCY, c, c).using(&[
        p.competency_interview_below.used,
        p.competency_exit_below.used,
        p.competency_count_basically_competent.used,
        p.competency_pool_groups.used,
        p.competency_strictly_below.used,
    ]))
}

/// Village-liaison cadres' and the town committee's ballots do not decide:
/// they are kept as references for next year's adjustment.
pub fn reference_groups(liaison: Ballots, town: Ballots) -> Decision<(), String> {
    Decision::new(
        &REFERENCE_GROUPS,
        (),
        format!(
            "包村干部 {} 票、镇街党(工)委 {} 票，作为次年调整队伍的参考，不计入胜任率",
            liaison.total(),
            town.total()
        ),
    )
}
