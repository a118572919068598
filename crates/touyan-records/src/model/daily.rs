//! The inferred Chapter 2 (daily management) and Article 14 (treatment
//! guarantees): records a town keeps of its secretaries (issue 5, item 8).
//! Each carries the town that keeps it; reminders are computed from them
//! (`touyan_rules::art02_daily_inferred`), never stored.

use time::Date;

use super::Labelled;
use crate::{CitizenId, TownCode};

/// A secretary's duty rota and office hours (坐班值班安排), in force from
/// `since` until the next one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DutyRota {
    pub person: CitizenId,
    pub since: Date,
    pub town: TownCode,
    /// Office days a week (坐班).
    pub office_days: u8,
    /// Office hours, as written (e.g. 8:30—17:30).
    pub office_hours: String,
    /// The duty arrangement (值班), as written.
    pub duty: String,
}

/// A dated entry of a secretary's work record (工作纪实); `seq` numbers a
/// person's entries from 1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkRecord {
    pub person: CitizenId,
    pub seq: u32,
    pub town: TownCode,
    pub on: Date,
    pub text: String,
}

labelled! {
    /// The assessment of a yearly report (述职评议).
    ReportOutcome {
        Good = "good", "好";
        FairlyGood = "fairly_good", "较好";
        Fair = "fair", "一般";
        Poor = "poor", "差";
    }
}

/// A secretary's yearly report (述职) of `year`, given on `given_on`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YearReport {
    pub person: CitizenId,
    pub year: i32,
    pub town: TownCode,
    pub given_on: Date,
    pub outcome: ReportOutcome,
    pub note: String,
}

labelled! {
    /// Where a leave request stands (the moves are `touyan-workflow`'s
    /// `art02_daily`).
    LeaveState {
        Requested = "requested", "待审批";
        Approved = "approved", "已批准";
        Refused = "refused", "未批准";
        Returned = "returned", "已销假";
    }
}

labelled! {
    /// A move of a leave request.
    LeaveMoveKind {
        Request = "request", "提出请假";
        Approve = "approve", "批准";
        Refuse = "refuse", "不予批准";
        Return = "return", "销假";
    }
}

/// A leave request (请假) the town's operator made for a secretary; `seq`
/// numbers a person's requests from 1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeaveRequest {
    pub person: CitizenId,
    pub seq: u32,
    pub town: TownCode,
    pub start: Date,
    pub end: Date,
    pub reason: String,
    pub requested_on: Date,
    pub state: LeaveState,
    /// The reviewer's comment of a refusal ("" when none).
    pub comment: String,
    /// The day the secretary reported back (销假).
    pub returned_on: Option<Date>,
}

/// One move of a leave request, in order (`seq` from 1); who made it and
/// when are the row's audit columns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeaveMove {
    pub person: CitizenId,
    pub leave_seq: u32,
    pub seq: u32,
    pub kind: LeaveMoveKind,
    pub to: LeaveState,
    pub comment: String,
}

labelled! {
    /// Who awarded an honour.
    HonourLevel {
        National = "national", "国家级";
        Provincial = "provincial", "省级";
        Prefecture = "prefecture", "地市级";
        City = "city", "县市级";
        Town = "town", "镇街级";
    }
}

/// An honour (表彰) a secretary received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Honour {
    pub person: CitizenId,
    pub seq: u32,
    pub town: TownCode,
    pub on: Date,
    pub title: String,
    pub level: HonourLevel,
    pub awarded_by: String,
}

labelled! {
    /// A route into a town post for an outstanding secretary.
    RecruitKind {
        CivilServant = "civil_servant", "考录为镇街公务员";
        PublicInstitution = "public_institution", "招聘为镇街事业编制人员";
    }
}

/// A secretary recruited into a town post (考录、招聘).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recruitment {
    pub person: CitizenId,
    pub seq: u32,
    pub town: TownCode,
    pub on: Date,
    pub kind: RecruitKind,
    /// The unit and post.
    pub post: String,
    pub note: String,
}

/// A pension subsidy (养老补贴) paid to a secretary for `year`, in fen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PensionSubsidy {
    pub person: CitizenId,
    pub seq: u32,
    pub town: TownCode,
    pub year: i32,
    pub paid_on: Date,
    pub amount_fen: i64,
    pub note: String,
}
