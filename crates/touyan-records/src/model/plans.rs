//! Secretaries' yearly plans (Article 11), their review and moves.

use time::Date;

use super::Labelled;
use crate::{CitizenId, TownCode};

/// A year's plan of a professionalized secretary (Article 11).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnnualPlan {
    pub person: CitizenId,
    pub year: i32,
    pub reviewed_on: Option<Date>,
    pub notice_start: Option<Date>,
    pub notice_end: Option<Date>,
    pub filed_on: Option<Date>,
}

labelled! {
    /// Where a secretary's yearly plan stands in its workflow (Article 11;
    /// the moves are `touyan-workflow`'s `art11_plan`).
    PlanState {
        Draft = "draft", "起草中";
        Reviewed = "reviewed", "已通过评审待公示";
        Noticed = "noticed", "已公示待备案";
        Filed = "filed", "已备案";
        Returned = "returned", "已退回";
    }
}

labelled! {
    /// A move of a secretary's yearly plan.
    PlanMoveKind {
        Save = "save", "保存计划";
        Pass = "pass", "评审通过";
        Fail = "fail", "评审未通过";
        Notice = "notice", "登记公示";
        File = "file", "备案";
        Return = "return", "退回修改";
    }
}

/// A secretary's yearly plan as it is drafted, reviewed, noticed and filed
/// (Article 11). Filing also writes its dates to [`AnnualPlan`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanReview {
    pub year: i32,
    pub person: CitizenId,
    /// The town whose list the secretary is on.
    pub town: TownCode,
    pub state: PlanState,
    /// The plan's goals and work, as the town wrote them.
    pub content: String,
    /// The day of the review meeting that passed it.
    pub reviewed_on: Option<Date>,
    pub notice_start: Option<Date>,
    pub notice_end: Option<Date>,
    pub filed_on: Option<Date>,
    /// The last comment of a review meeting or a return ("" when none).
    pub comment: String,
}

/// One move of a yearly plan, in order (`seq` from 1); who made it and when
/// are the row's audit columns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanMove {
    pub year: i32,
    pub person: CitizenId,
    pub seq: u32,
    pub kind: PlanMoveKind,
    pub to: PlanState,
    pub comment: String,
    /// What the move recorded and the rules said of it (the meeting's
    /// date, the notice period with its article).
    pub detail: String,
}
