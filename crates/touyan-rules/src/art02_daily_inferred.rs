//! 第二章（原文缺失，推定）— daily management (日常管理): reminders.
//!
//! The source loses Chapter 2 (Articles 2–5) entirely. SPEC.md infers from
//! peers' measures that it held the daily management of a secretary — duty
//! and office hours (坐班值班), leave (请销假), work records (工作纪实) and
//! the yearly report (述职) — and asks that it be kept "to records and
//! reminders, not hard rules". So nothing here decides anything about a
//! secretary's list place or pay: each rule only says that something is
//! missing or waiting, for the town to act on. Every reminder is a switch in
//! the policy and every number a dated parameter (`daily.*`, all marked
//! inferred), so a city whose own text differs turns it off or changes it.
//!
//! | rule | reminder | parameters |
//! |---|---|---|
//! | `art02.duty_rota` | no duty rota in force; fewer office days a week than the minimum | `daily.remind_duty_rota`, `daily.office_min_days_per_week` |
//! | `art02.work_records` | from the reminder day of a month, fewer work records dated in the month than the minimum | `daily.remind_work_records`, `daily.work_records_min_per_month`, `daily.work_records_remind_day` |
//! | `art02.leave_pending` | a leave request waiting for the town's decision | `daily.remind_leave` |
//! | `art02.leave_return` | approved leave whose last day has passed, not reported back (销假) | `daily.remind_leave` |
//! | `art02.yearly_report` | the report of the last year whose due date has passed is not on record | `daily.remind_yearly_report`, `daily.report_due_months` |
//!
//! Readings: a month's reminder day past the month's end is its last day
//! (day 0 reads as day 1); a yearly report of year Y is due by the last day
//! of the `daily.report_due_months`-th month after Y ends (1: by 31
//! January of Y+1; 0: by 31 December of Y), and is reminded from the day
//! after, until the next year's report falls due; a secretary who took
//! office after year Y ended owes no report for Y, and one who took office
//! after the first day of a month is not reminded of that month's work
//! records.

use std::fmt;

use time::{Date, Month};

use crate::calendar::add_months;
use crate::decision::{Decision, Rule};
use crate::policy::Params;

pub static DUTY_ROTA: Rule = Rule {
    id: "art02.duty_rota",
    article: 2,
    clause: "",
    inferred: true,
    title: "坐班值班安排",
};
pub static WORK_RECORDS: Rule = Rule {
    id: "art02.work_records",
    article: 2,
    clause: "",
    inferred: true,
    title: "工作纪实",
};
pub static LEAVE_PENDING: Rule = Rule {
    id: "art02.leave_pending",
    article: 2,
    clause: "",
    inferred: true,
    title: "请假待审批",
};
pub static LEAVE_RETURN: Rule = Rule {
    id: "art02.leave_return",
    article: 2,
    clause: "",
    inferred: true,
    title: "假期结束未销假",
};
pub static YEARLY_REPORT: Rule = Rule {
    id: "art02.yearly_report",
    article: 2,
    clause: "",
    inferred: true,
    title: "年度述职",
};

pub static RULES: &[&Rule] = &[
    &DUTY_ROTA,
    &WORK_RECORDS,
    &LEAVE_PENDING,
    &LEAVE_RETURN,
    &YEARLY_REPORT,
];

/// Where a leave request stands, as far as reminders care.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeaveStage {
    /// Asked, not yet decided.
    Waiting,
    /// Approved, not yet reported back.
    Approved,
    /// Refused, or reported back: nothing to do.
    Closed,
}

/// A leave request of the secretary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Leave {
    pub start: Date,
    pub end: Date,
    pub requested_on: Date,
    pub stage: LeaveStage,
}

/// What is on record of a secretary's daily management on the day asked.
#[derive(Clone, Copy, Debug)]
pub struct DailyFacts<'a> {
    /// The first day of the secretary's post.
    pub secretary_since: Date,
    /// Office days a week of the duty rota in force on the day (`None`: no
    /// rota in force).
    pub rota_office_days: Option<u32>,
    /// Work records dated in the calendar month of the day.
    pub work_records_in_month: u32,
    /// The years whose yearly report (述职) is on record.
    pub report_years: &'a [i32],
    pub leaves: &'a [Leave],
}

/// Something the town should do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reminder {
    NoDutyRota,
    FewOfficeDays {
        days: u32,
        min: u32,
    },
    FewWorkRecords {
        month: Date,
        count: u32,
        min: u32,
    },
    LeavePending {
        start: Date,
        end: Date,
        waiting_days: i64,
    },
    LeaveNotReturned {
        start: Date,
        end: Date,
    },
    ReportOverdue {
        year: i32,
        due: Date,
    },
}

impl Reminder {
    /// A short Chinese name of the kind (the city's counts per column).
    pub fn kind_label(self) -> &'static str {
        match self {
            Reminder::NoDutyRota | Reminder::FewOfficeDays { .. } => "坐班值班",
            Reminder::FewWorkRecords { .. } => "工作纪实",
            Reminder::LeavePending { .. } => "请假待审批",
            Reminder::LeaveNotReturned { .. } => "未销假",
            Reminder::ReportOverdue { .. } => "述职",
        }
    }

    /// The column of the kind among [`Reminder::KINDS`].
    pub fn kind_index(self) -> usize {
        match self {
            Reminder::NoDutyRota | Reminder::FewOfficeDays { .. } => 0,
            Reminder::FewWorkRecords { .. } => 1,
            Reminder::LeavePending { .. } => 2,
            Reminder::LeaveNotReturned { .. } => 3,
            Reminder::ReportOverdue { .. } => 4,
        }
    }

    /// The kinds' labels, in [`Reminder::kind_index`] order.
    pub const KINDS: [&'static str; 5] = ["坐班值班", "工作纪实", "请假待审批", "未销假", "述职"];
}

impl fmt::Display for Reminder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reminder::NoDutyRota => f.write_str("没有在用的坐班值班安排"),
            Reminder::FewOfficeDays { days, min } => {
                write!(f, "坐班值班安排每周坐班 {days} 天，少于 {min} 天")
            }
            Reminder::FewWorkRecords { month, count, min } => write!(
                f,
                "{} 年 {} 月工作纪实 {count} 条，少于每月 {min} 条",
                month.year(),
                u8::from(month.month())
            ),
            Reminder::LeavePending {
                start,
                end,
                waiting_days,
            } => write!(
                f,
                "{start} 至 {end} 的请假申请待镇街审核（已等待 {waiting_days} 天）"
            ),
            Reminder::LeaveNotReturned { start, end } => {
                write!(f, "{start} 至 {end} 的请假已到期，尚未销假")
            }
            Reminder::ReportOverdue { year, due } => {
                write!(f, "{year} 年度述职应于 {due} 前完成，尚无记录")
            }
        }
    }
}

/// The first day of `on`'s month.
fn month_start(on: Date) -> Date {
    Date::from_calendar_date(on.year(), on.month(), 1).unwrap_or(on)
}

/// The day of `on`'s month that is the `day`-th, clamped to the month
/// (0 reads as 1).
fn day_of_month(on: Date, day: u32) -> Date {
    let last = on.month().length(on.year());
    let d = u8::try_from(day.max(1)).unwrap_or(u8::MAX).min(last);
    Date::from_calendar_date(on.year(), on.month(), d).unwrap_or(on)
}

/// The last day the yearly report of `year` may be given: the last day of
/// the `months`-th month after the year ends.
pub fn report_due(year: i32, months: u32) -> Date {
    let jan1 =
        Date::from_calendar_date(year.saturating_add(1), Month::January, 1).unwrap_or(Date::MAX);
    let next = add_months(jan1, i32::try_from(months).unwrap_or(i32::MAX));
    next.previous_day().unwrap_or(next)
}

/// The year whose report is the latest to have fallen due before `on`
/// (its due date is earlier than `on`).
pub fn report_year_due(on: Date, months: u32) -> i32 {
    // The due date is at least the year's last day, so a year at or after
    // `on`'s is never due; go back from the year before.
    let mut y = on.year() - 1;
    while report_due(y, months) >= on && y > on.year() - 1 - 200 {
        y -= 1;
    }
    y
}

/// The duty rota reminder on `on`, if any.
pub fn duty_rota(p: &Params, f: &DailyFacts<'_>) -> Option<Decision<Reminder, Reminder>> {
    if !p.daily_remind_duty_rota.value {
        return None;
    }
    let min = p.daily_office_min_days_per_week.value;
    let r = match f.rota_office_days {
        None => Reminder::NoDutyRota,
        Some(days) if days < min => Reminder::FewOfficeDays { days, min },
        Some(_) => return None,
    };
    Some(Decision::new(&DUTY_ROTA, r, r).using(&[
        p.daily_remind_duty_rota.used,
        p.daily_office_min_days_per_week.used,
    ]))
}

/// The work record reminder on `on`, if any.
pub fn work_records(
    p: &Params,
    f: &DailyFacts<'_>,
    on: Date,
) -> Option<Decision<Reminder, Reminder>> {
    if !p.daily_remind_work_records.value {
        return None;
    }
    let month = month_start(on);
    let min = p.daily_work_records_min_per_month.value;
    let from = day_of_month(on, p.daily_work_records_remind_day.value);
    if on < from || f.secretary_since > month || f.work_records_in_month >= min {
        return None;
    }
    let r = Reminder::FewWorkRecords {
        month,
        count: f.work_records_in_month,
        min,
    };
    Some(Decision::new(&WORK_RECORDS, r, r).using(&[
        p.daily_remind_work_records.used,
        p.daily_work_records_min_per_month.used,
        p.daily_work_records_remind_day.used,
    ]))
}

/// The leave reminders on `on`: one for each request waiting for a
/// decision, one for each approved leave past its last day.
pub fn leaves(p: &Params, f: &DailyFacts<'_>, on: Date) -> Vec<Decision<Reminder, Reminder>> {
    if !p.daily_remind_leave.value {
        return Vec::new();
    }
    let mut out = Vec::new();
    for l in f.leaves {
        match l.stage {
            LeaveStage::Waiting => {
                let r = Reminder::LeavePending {
                    start: l.start,
                    end: l.end,
                    waiting_days: (on - l.requested_on).whole_days().max(0),
                };
                out.push(Decision::new(&LEAVE_PENDING, r, r).using(&[p.daily_remind_leave.used]));
            }
            LeaveStage::Approved if on > l.end => {
                let r = Reminder::LeaveNotReturned {
                    start: l.start,
                    end: l.end,
                };
                out.push(Decision::new(&LEAVE_RETURN, r, r).using(&[p.daily_remind_leave.used]));
            }
            LeaveStage::Approved | LeaveStage::Closed => {}
        }
    }
    out
}

/// The yearly report reminder on `on`, if any.
pub fn yearly_report(
    p: &Params,
    f: &DailyFacts<'_>,
    on: Date,
) -> Option<Decision<Reminder, Reminder>> {
    if !p.daily_remind_yearly_report.value {
        return None;
    }
    let months = p.daily_report_due_months.value;
    let year = report_year_due(on, months);
    let year_end = Date::from_calendar_date(year, Month::December, 31).ok()?;
    if f.secretary_since > year_end || f.report_years.contains(&year) {
        return None;
    }
    let r = Reminder::ReportOverdue {
        year,
        due: report_due(year, months),
    };
    Some(Decision::new(&YEARLY_REPORT, r, r).using(&[
        p.daily_remind_yearly_report.used,
        p.daily_report_due_months.used,
    ]))
}

/// Every reminder of a secretary on `on`, in the order of the table above.
/// An empty list means nothing is missing or waiting.
pub fn reminders(p: &Params, f: &DailyFacts<'_>, on: Date) -> Vec<Decision<Reminder, Reminder>> {
    let mut out = Vec::new();
    out.extend(duty_rota(p, f));
    out.extend(work_records(p, f, on));
    out.extend(leaves(p, f, on));
    out.extend(yearly_report(p, f, on));
    out
}
