//! 第十一条 实行目标管理考核 — Article 11, target management.
//!
//! > 每年初，专业化党组织书记……提出年度工作目标和计划。镇街召开评审会议……年度工作
//! > 计划通过后，在村级进行公示，并报镇街党委备案。镇街党(工)委制定考核细则，每年对
//! > 专业化党组织书记日常表现、工作落实等情况进行考核，作为核定业绩考核奖励报酬的依据。

use time::Date;

use crate::decision::{Decision, Rule};
use crate::policy::Params;

pub static PLAN_STAGE: Rule = Rule {
    id: "art11.plan_stage",
    article: 11,
    clause: "",
    inferred: false,
    title: "年度计划的评审、公示、备案",
};
pub static NOTICE_PERIOD: Rule = Rule {
    id: "art11.public_notice_period",
    article: 11,
    clause: "",
    inferred: true,
    title: "公示期天数",
};

pub static RULES: &[&Rule] = &[&PLAN_STAGE, &NOTICE_PERIOD];

/// The steps of a year's plan, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum PlanStage {
    Drafting,
    Reviewed,
    Noticed,
    Filed,
}

impl PlanStage {
    pub fn zh(self) -> &'static str {
        match self {
            PlanStage::Drafting => "起草中",
            PlanStage::Reviewed => "已通过评审",
            PlanStage::Noticed => "已在村级公示",
            PlanStage::Filed => "已报镇街党委备案",
        }
    }
}

/// What has been recorded of a plan.
#[derive(Clone, Copy, Debug, Default)]
pub struct PlanRecord {
    pub reviewed_on: Option<Date>,
    pub notice: Option<(Date, Date)>,
    pub filed_on: Option<Date>,
}

/// A public notice lasts at least `plan.public_notice_min_days` days,
/// counting both the first and the last day.
pub fn notice_period(p: &Params, start: Date, end: Date) -> Decision<bool, String> {
    let min = p.plan_public_notice_min_days.value;
    let days = (end - start).whole_days() + 1;
    let ok = days >= i64::from(min);
    let reason = if ok {
        format!("公示 {start} 至 {end}，共 {days} 天，不少于 {min} 天")
    } else {
        format!("公示 {start} 至 {end}，共 {days} 天，少于 {min} 天")
    };
    Decision::new(&NOTICE_PERIOD, ok, reason).using(&[p.plan_public_notice_min_days.used])
}

/// The stage a plan has reached: each step needs the one before it, in
/// date order (review, then notice, then filing).
pub fn plan_stage(p: &Params, r: &PlanRecord) -> Decision<PlanStage, String> {
    let mut stage = PlanStage::Drafting;
    let mut why = "尚未召开评审会议".to_string();
    if let Some(reviewed) = r.reviewed_on {
        stage = PlanStage::Reviewed;
        why = format!("{reviewed} 评审通过，尚未公示");
        if let Some((start, end)) = r.notice {
            let period = notice_period(p, start, end);
            if start < reviewed {
                why = format!("公示开始日 {start} 早于评审日 {reviewed}，公示无效");
            } else if !period.outcome {
                why = period.sentence();
            } else {
                stage = PlanStage::Noticed;
                why = format!("{}，尚未备案", period.sentence());
                if let Some(filed) = r.filed_on {
                    if filed >= end {
                        stage = PlanStage::Filed;
                        why = format!("{}，{filed} 报镇街党委备案", period.sentence());
                    } else {
                        why = format!("备案日 {filed} 早于公示结束日 {end}，须公示期满后备案");
                    }
                }
            }
        }
    }
    Decision::new(&PLAN_STAGE, stage, why).using(&[p.plan_public_notice_min_days.used])
}
