//! Daily management (the inferred Chapter 2) and treatment guarantees (the
//! inferred Article 14): the secretaries in post on a day with their
//! reminders, a person's daily file, who keeps which record, adding a
//! record and moving a leave request.
//!
//! - **Reminders** are the rules crate's `art02_daily_inferred`, computed
//!   from the records and the policy in force on the day ([`in_post`]),
//!   never stored; [`per_town`] counts them by kind for the city.
//! - **Who keeps what** is `touyan_workflow::art02_daily` (duty rotas, work
//!   records, yearly reports, a leave request's moves) and
//!   `touyan_workflow::art14_treatment` (honours, recruitments, pension
//!   subsidies): [`may_add`], [`may_keep`], [`may_move`], [`leave_moves`].
//! - **Adding a record** is two steps, so that who may is told before the
//!   fields: [`secretary`] checks the role and finds the town's secretary
//!   in post ([`Keeping`]); [`add`] checks the record ([`Entry`]) and
//!   writes it in one transaction.
//! - **Moving a leave request** likewise: [`may_move`] (the role and the
//!   state the user saw), [`leave`] (the stored request, still in that
//!   state: [`LeaveAt`]), [`move_leave`] (the day reported back, the write).
//!
//! Nothing is written on a refusal. The adapter reads the form's fields
//! (dates, numbers, choices by their codes) and passes typed values; this
//! module checks them against the measures and writes.

use rust_decimal::Decimal;
use time::Date;
use touyan_records::model::{
    DutyRota, Honour, HonourLevel, Labelled, LeaveMoveKind, LeaveRequest, LeaveState,
    PensionSubsidy, RecruitKind, Recruitment, ReportOutcome, WorkRecord, YearReport,
};
use touyan_records::{CitizenId, TownCode};
use touyan_rules::art02_daily_inferred::{
    self as rules, DailyFacts, Leave, LeaveStage, report_year_due,
};
use touyan_rules::decision::Decision;
use touyan_rules::{Params, Policy};
use touyan_storage::{DailyAdd, LeaveChange, Store, StoreError};
use touyan_workflow::art02_daily::{self as flow, Kept};
use touyan_workflow::art14_treatment::{self as treatment, Treatment};

use crate::{By, OfficeError, when};

pub use touyan_rules::art02_daily_inferred::Reminder;
pub use touyan_storage::{DailyFile, SecretaryDaily};

/// A reminder as the rules decided it (its rule gives the citation).
pub type Reminded = Decision<Reminder, Reminder>;

/// The kinds of reminder, in the order [`TownReminders::counts`] counts
/// them: 坐班值班, 工作纪实, 请假待审批, 未销假, 述职.
pub const KINDS: [&str; 5] = Reminder::KINDS;

fn invalid(m: impl Into<String>) -> OfficeError {
    OfficeError::Invalid(m.into())
}

// ---------------------------------------------------------------------------
// Reminders and the reads

/// A secretary in post on the day, with the day's reminders.
#[derive(Clone, Debug)]
pub struct InPost {
    pub secretary: SecretaryDaily,
    pub reminders: Vec<Reminded>,
}

/// A reminder's sentence with its citation: "没有在用的坐班值班安排（第二章（原文缺失，推定））".
pub fn sentence(d: &Reminded) -> String {
    format!("{}（{}）", d.reason, d.rule.citation())
}

/// The reminders of secretary `s` on `on` under `p` (the rules crate's).
pub fn reminders(p: &Params, s: &SecretaryDaily, on: Date) -> Vec<Reminded> {
    let leaves: Vec<Leave> = s
        .open_leaves
        .iter()
        .map(|l| Leave {
            start: l.start,
            end: l.end,
            requested_on: l.requested_on,
            stage: match l.state {
                LeaveState::Requested => LeaveStage::Waiting,
                LeaveState::Approved => LeaveStage::Approved,
                LeaveState::Refused | LeaveState::Returned => LeaveStage::Closed,
            },
        })
        .collect();
    let facts = DailyFacts {
        secretary_since: s.since,
        rota_office_days: s.rota.as_ref().map(|r| u32::from(r.office_days)),
        work_records_in_month: s.work_records,
        report_years: &s.report_years,
        leaves: &leaves,
    };
    rules::reminders(p, &facts, on)
}

/// The secretaries in post on `on` in `town` (every town: `None`; only
/// `person` when given), in town and village order, each with the
/// reminders of the day under the policy in force on it. `Invalid` (a
/// sentence naming the day) when no policy is in force.
pub async fn in_post(
    store: &Store,
    policy: &Policy,
    town: Option<TownCode>,
    person: Option<&CitizenId>,
    on: Date,
) -> Result<Vec<InPost>, OfficeError> {
    let p = when::params_on(policy, on)?;
    let from = report_year_due(on, p.daily_report_due_months.value);
    let all = store.daily_secretaries(town, person, on, from).await?;
    Ok(all
        .into_iter()
        .map(|s| InPost {
            reminders: reminders(&p, &s, on),
            secretary: s,
        })
        .collect())
}

/// A town's reminders counted by kind (the city's overview and the
/// dashboard).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TownReminders {
    pub town: TownCode,
    /// Secretaries in post.
    pub secretaries: usize,
    /// Secretaries with at least one reminder.
    pub reminded: usize,
    /// By kind, in [`KINDS`] order.
    pub counts: [usize; 5],
    pub total: usize,
}

/// The towns of `lines` (as [`in_post`] gives them: town by town), each
/// with its reminders counted.
pub fn per_town(lines: &[InPost]) -> Vec<TownReminders> {
    let mut out: Vec<TownReminders> = Vec::new();
    for l in lines {
        let town = l.secretary.town;
        let i = match out.last() {
            Some(c) if c.town == town => out.len() - 1,
            _ => {
                out.push(TownReminders {
                    town,
                    secretaries: 0,
                    reminded: 0,
                    counts: [0; 5],
                    total: 0,
                });
                out.len() - 1
            }
        };
        let c = &mut out[i];
        c.secretaries += 1;
        c.reminded += usize::from(!l.reminders.is_empty());
        c.total += l.reminders.len();
        for r in &l.reminders {
            c.counts[r.outcome.kind_index()] += 1;
        }
    }
    out
}

/// Everything kept of `person`: by `town` only, or by every town (`None`,
/// the city).
pub async fn file(
    store: &Store,
    person: &CitizenId,
    town: Option<TownCode>,
) -> Result<DailyFile, OfficeError> {
    Ok(store.daily_file(person, town).await?)
}

// ---------------------------------------------------------------------------
// Who keeps what

/// What a record added is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Rota,
    Work,
    Report,
    Honour,
    Recruitment,
    Pension,
    /// A new leave request.
    Leave,
}

/// Whether `by` may add a record of `kind` of a secretary of `town`:
/// another town's is answered as missing, then the role is checked.
pub fn may_add(by: &By<'_>, town: TownCode, kind: Kind) -> Result<(), OfficeError> {
    let (a, t) = (&by.actor, town.as_str());
    let r = match kind {
        Kind::Rota => flow::may_record(a, t, Kept::DutyRota),
        Kind::Work => flow::may_record(a, t, Kept::WorkRecord),
        Kind::Report => flow::may_record(a, t, Kept::YearReport),
        Kind::Honour => treatment::may_record(a, t, Treatment::Honour),
        Kind::Recruitment => treatment::may_record(a, t, Treatment::Recruitment),
        Kind::Pension => treatment::may_record(a, t, Treatment::PensionSubsidy),
        Kind::Leave => flow::check_move(a, t, None, LeaveMoveKind::Request, "").map(drop),
    };
    Ok(r?)
}

/// Whether `by` keeps the daily and treatment records of `town` (both
/// kinds are kept by one role; a page shows its forms when so).
pub fn may_keep(by: &By<'_>, town: TownCode) -> bool {
    let (a, t) = (&by.actor, town.as_str());
    Kept::ALL.iter().all(|&k| flow::may_record(a, t, k).is_ok())
        && Treatment::ALL
            .iter()
            .all(|&x| treatment::may_record(a, t, x).is_ok())
}

/// Whether `by` may correct or withdraw leave request `l`: its requester's
/// role, while it waits for approval (the correction page says why not
/// otherwise).
pub fn may_correct_leave(by: &By<'_>, l: &LeaveRequest) -> bool {
    l.state == LeaveState::Requested && may_add(by, l.town, Kind::Leave).is_ok()
}

/// The moves `by` could make now on leave request `l` (a page's buttons).
pub fn leave_moves(by: &By<'_>, l: &LeaveRequest) -> Vec<LeaveMoveKind> {
    flow::moves_for(&by.actor, l.town.as_str(), Some(l.state))
}

// ---------------------------------------------------------------------------
// Adding a record

/// A secretary in post of a town, found for `by`, who may add a record
/// of them (made by [`secretary`] only).
#[derive(Clone, Debug)]
pub struct Keeping {
    town: TownCode,
    person: CitizenId,
}

impl Keeping {
    pub fn town(&self) -> TownCode {
        self.town
    }

    pub fn person(&self) -> &CitizenId {
        &self.person
    }
}

/// Who may first (a record of `kind` by `by`), then `person` among the
/// secretaries of `town` in post on `today` (new records are of those):
/// the secretary whose record [`add`] may add.
pub async fn secretary(
    store: &Store,
    by: &By<'_>,
    policy: &Policy,
    today: Date,
    town: TownCode,
    person: &CitizenId,
    kind: Kind,
) -> Result<Keeping, OfficeError> {
    may_add(by, town, kind)?;
    if in_post(store, policy, Some(town), Some(person), today)
        .await?
        .is_empty()
    {
        return Err(invalid("没有找到该书记：只能登记本镇街在任书记的记录"));
    }
    Ok(Keeping {
        town,
        person: person.clone(),
    })
}

/// A record to add, its fields read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    /// A duty rota from `since` (one of the same first day is replaced).
    Rota {
        since: Date,
        office_days: u8,
        office_hours: String,
        duty: String,
    },
    Work {
        on: Date,
        text: String,
    },
    /// The yearly report of `year` (one a year).
    Report {
        year: i32,
        given_on: Date,
        outcome: ReportOutcome,
        note: String,
    },
    Honour {
        on: Date,
        title: String,
        level: HonourLevel,
        awarded_by: String,
    },
    Recruitment {
        on: Date,
        kind: RecruitKind,
        post: String,
        note: String,
    },
    /// A pension subsidy of `year`, `amount` in yuan.
    Pension {
        year: i32,
        paid_on: Date,
        amount: Decimal,
        note: String,
    },
    /// A new leave request from `start` to `end`, both days included.
    Leave {
        start: Date,
        end: Date,
        reason: String,
    },
}

impl Entry {
    pub fn kind(&self) -> Kind {
        match self {
            Entry::Rota { .. } => Kind::Rota,
            Entry::Work { .. } => Kind::Work,
            Entry::Report { .. } => Kind::Report,
            Entry::Honour { .. } => Kind::Honour,
            Entry::Recruitment { .. } => Kind::Recruitment,
            Entry::Pension { .. } => Kind::Pension,
            Entry::Leave { .. } => Kind::Leave,
        }
    }
}

/// The most office days a week.
pub const MAX_OFFICE_DAYS: u8 = 7;

/// The most characters of a rota's office hours (坐班时间).
pub const HOURS_CHARS: usize = 50;
/// The most characters of a rota's duty arrangement (值班安排).
pub const DUTY_CHARS: usize = 200;
/// The most characters of a work record (工作纪实内容).
pub const WORK_CHARS: usize = 500;
/// The most characters of a note (说明) of a report, recruitment or pension.
pub const NOTE_CHARS: usize = 300;
/// The most characters of an honour's title and awarding body, and of a
/// recruitment's unit and post.
pub const TITLE_CHARS: usize = 100;
/// The most characters of a leave request's reason (请假事由).
pub const REASON_CHARS: usize = 200;

/// How the office days are asked for.
pub fn office_days_wanted(text: &str) -> String {
    format!("每周坐班天数“{text}”应为 0 至 7 的整数")
}

/// The years a report or a subsidy may be of.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// How a year is asked for (`what`: 述职年度, 补贴年度).
pub fn year_wanted(text: &str, what: &str) -> String {
    format!("{what}“{text}”不是 2000 至 2100 之间的年份")
}

/// How an amount is asked for.
pub fn amount_wanted(text: &str) -> String {
    format!("金额“{text}”应为大于 0 的元数，最多两位小数")
}

fn year(y: i32, what: &str) -> Result<i32, OfficeError> {
    if YEARS.contains(&y) {
        Ok(y)
    } else {
        Err(invalid(year_wanted(&y.to_string(), what)))
    }
}

/// A day that is not after `today`.
fn past(d: Date, what: &str, today: Date) -> Result<Date, OfficeError> {
    if d > today {
        return Err(invalid(format!("{what} {d} 晚于今天")));
    }
    Ok(d)
}

/// Text that must be given, at most `max` characters.
fn required(text: String, what: &str, max: usize) -> Result<String, OfficeError> {
    if text.is_empty() {
        return Err(invalid(format!("请填写{what}")));
    }
    optional(text, what, max)
}

/// Text that may be empty, at most `max` characters (refused, not cut).
fn optional(text: String, what: &str, max: usize) -> Result<String, OfficeError> {
    OfficeError::at_most(&text, what, max)?;
    Ok(text)
}

/// Yuan, more than zero, with at most two decimals, as fen.
fn fen(amount: Decimal) -> Result<i64, OfficeError> {
    if amount <= Decimal::ZERO {
        return Err(invalid(amount_wanted(&amount.to_string())));
    }
    touyan_storage::scaled(amount, 2, "金额").map_err(|e| match e {
        StoreError::Invalid(m) => invalid(m),
        e => invalid(e.to_string()),
    })
}

/// Checks `entry` of the secretary `k` found for `by` (who may again,
/// then each field in the form's order: days not after `today`, text
/// given and not too long, a report's day within or after its year, an
/// amount in fen, a leave request's dates against the secretary's open
/// requests) and writes it in one transaction. A report of a year on
/// record is refused by the store; nothing is written on a refusal.
pub async fn add(
    store: &Store,
    by: &By<'_>,
    today: Date,
    k: &Keeping,
    entry: Entry,
) -> Result<(), OfficeError> {
    may_add(by, k.town, entry.kind())?;
    let add = match entry {
        Entry::Leave { start, end, reason } => {
            return request_leave(store, by, today, k, start, end, reason).await;
        }
        e => checked(e, k.person.clone(), k.town, today)?,
    };
    store
        .add_daily(by.name, by.origin, &add)
        .await
        .map_err(|e| match (e, &add) {
            // One yearly report a year (the store holds it in the write).
            (StoreError::AlreadyRecorded { .. }, DailyAdd::Report(r)) => {
                invalid(format!("{} 年度述职已经登记", r.year))
            }
            (e, _) => OfficeError::refused(e),
        })
}

/// The record `entry` of `person` kept by `town`, each field checked in
/// the form's order (days not after `today`, text given and not too
/// long, a report's day within or after its year, an amount in fen); a
/// numbered record's number is 0 (the store numbers it). A correction
/// checks its record so too. A leave request is not a record added so.
pub(crate) fn checked(
    entry: Entry,
    person: CitizenId,
    town: TownCode,
    today: Date,
) -> Result<DailyAdd, OfficeError> {
    Ok(match entry {
        Entry::Rota {
            since,
            office_days,
            office_hours,
            duty,
        } => {
            if office_days > MAX_OFFICE_DAYS {
                return Err(invalid(office_days_wanted(&office_days.to_string())));
            }
            DailyAdd::Rota(DutyRota {
                person,
                since,
                town,
                office_days,
                office_hours: required(office_hours, "坐班时间", HOURS_CHARS)?,
                duty: optional(duty, "值班安排", DUTY_CHARS)?,
            })
        }
        Entry::Work { on, text } => DailyAdd::Work(WorkRecord {
            person,
            seq: 0,
            town,
            on: past(on, "纪实日期", today)?,
            text: required(text, "工作纪实内容", WORK_CHARS)?,
        }),
        Entry::Report {
            year: y,
            given_on,
            outcome,
            note,
        } => {
            let y = year(y, "述职年度")?;
            let given_on = past(given_on, "述职日期", today)?;
            if given_on.year() < y {
                return Err(invalid(format!("{y} 年度述职的日期 {given_on} 早于该年度")));
            }
            DailyAdd::Report(YearReport {
                person,
                year: y,
                town,
                given_on,
                outcome,
                note: optional(note, "说明", NOTE_CHARS)?,
            })
        }
        Entry::Honour {
            on,
            title,
            level,
            awarded_by,
        } => DailyAdd::Honour(Honour {
            person,
            seq: 0,
            town,
            on: past(on, "表彰日期", today)?,
            title: required(title, "表彰名称", TITLE_CHARS)?,
            level,
            awarded_by: optional(awarded_by, "表彰机关", TITLE_CHARS)?,
        }),
        Entry::Recruitment {
            on,
            kind,
            post,
            note,
        } => DailyAdd::Recruitment(Recruitment {
            person,
            seq: 0,
            town,
            on: past(on, "录用日期", today)?,
            kind,
            post: required(post, "录用单位和职位", TITLE_CHARS)?,
            note: optional(note, "说明", NOTE_CHARS)?,
        }),
        Entry::Pension {
            year: y,
            paid_on,
            amount,
            note,
        } => DailyAdd::Pension(PensionSubsidy {
            person,
            seq: 0,
            town,
            year: year(y, "补贴年度")?,
            paid_on: past(paid_on, "发放日期", today)?,
            amount_fen: fen(amount)?,
            note: optional(note, "说明", NOTE_CHARS)?,
        }),
        Entry::Leave { .. } => {
            return Err(OfficeError::Invalid("内部错误：请假申请另行办理".into()));
        }
    })
}

/// A new leave request: the reason, the dates against the secretary's
/// requests waiting or approved, then the request and its move written.
async fn request_leave(
    store: &Store,
    by: &By<'_>,
    today: Date,
    k: &Keeping,
    start: Date,
    end: Date,
    reason: String,
) -> Result<(), OfficeError> {
    let file = store.daily_file(&k.person, Some(k.town)).await?;
    let reason = check_leave(start, end, reason, &file.leaves)?;
    let change = LeaveChange {
        request: LeaveRequest {
            person: k.person.clone(),
            seq: 0,
            town: k.town,
            start,
            end,
            reason,
            requested_on: today,
            state: LeaveState::Requested,
            comment: String::new(),
            returned_on: None,
        },
        expected: None,
        kind: LeaveMoveKind::Request,
        comment: String::new(),
    };
    store
        .move_leave(by.name, by.origin, &change)
        .await
        .map(drop)
        .map_err(OfficeError::refused)
}

/// A leave request's reason and dates checked against the secretary's
/// requests `others` waiting or approved: the reason as kept.
pub(crate) fn check_leave(
    start: Date,
    end: Date,
    reason: String,
    others: &[LeaveRequest],
) -> Result<String, OfficeError> {
    let reason = required(reason, "请假事由", REASON_CHARS)?;
    let others: Vec<(Date, Date, LeaveState)> =
        others.iter().map(|l| (l.start, l.end, l.state)).collect();
    flow::check_request(start, end, &others)?;
    Ok(reason)
}

// ---------------------------------------------------------------------------
// Moving a leave request

/// The most characters of a move's reason.
pub const COMMENT_CHARS: usize = 300;

/// Whether `by` may make move `kind` with `comment` on a leave request of
/// `town` in the state `seen` (the comment's length, then the workflow's
/// scope, role, state and comment): the state it moves to.
pub fn may_move(
    by: &By<'_>,
    town: TownCode,
    seen: LeaveState,
    kind: LeaveMoveKind,
    comment: &str,
) -> Result<LeaveState, OfficeError> {
    optional(comment.to_owned(), "理由", COMMENT_CHARS)?;
    Ok(flow::check_move(
        &by.actor,
        town.as_str(),
        Some(seen),
        kind,
        comment,
    )?)
}

/// A stored leave request that `by` may move (made by [`leave`] only).
#[derive(Clone, Debug)]
pub struct LeaveAt {
    request: LeaveRequest,
    seen: LeaveState,
    kind: LeaveMoveKind,
    comment: String,
}

impl LeaveAt {
    /// The request as stored.
    pub fn request(&self) -> &LeaveRequest {
        &self.request
    }

    pub fn kind(&self) -> LeaveMoveKind {
        self.kind
    }
}

/// A digest of leave request `l`'s dates and reason as a page shows
/// them: a move made from that page is refused when the request was
/// corrected meanwhile.
pub fn leave_shown(l: &LeaveRequest) -> String {
    crate::corrections::digest(&format!("{}/{}/{}", l.start, l.end, l.reason))
}

/// The request `seq` of `person` kept by `town`, which `by` may move by
/// `kind` from the state `seen` ([`may_move`] first): missing when there
/// is none, a conflict when it is no longer in `seen` or, given `shown`
/// ([`leave_shown`] of the page), its dates or reason were corrected since.
#[allow(clippy::too_many_arguments)]
pub async fn leave(
    store: &Store,
    by: &By<'_>,
    town: TownCode,
    person: &CitizenId,
    seq: u32,
    seen: LeaveState,
    shown: Option<&str>,
    kind: LeaveMoveKind,
    comment: &str,
) -> Result<LeaveAt, OfficeError> {
    may_move(by, town, seen, kind, comment)?;
    let file = store.daily_file(person, Some(town)).await?;
    let request = file
        .leaves
        .into_iter()
        .find(|l| l.seq == seq)
        .ok_or(OfficeError::NotFound)?;
    if request.state != seen {
        return Err(OfficeError::Conflict(format!(
            "该请假已是“{}”，不能“{}”；请刷新页面",
            request.state.label(),
            kind.label()
        )));
    }
    if shown.is_some_and(|s| s != leave_shown(&request)) {
        return Err(OfficeError::Conflict(format!(
            "该请假在此期间已被更正（现为 {} 至 {}，事由：{}），请刷新页面后重新办理",
            request.start, request.end, request.reason
        )));
    }
    Ok(LeaveAt {
        request,
        seen,
        kind,
        comment: comment.to_owned(),
    })
}

/// Moves `at` (who may again): a refusal keeps its reason, a report back
/// its day (`returned_on`, not after `today` nor before the leave's first
/// day); the request is claimed in the state its user saw and written with
/// the move in one transaction. Returns the request as stored.
pub async fn move_leave(
    store: &Store,
    by: &By<'_>,
    today: Date,
    at: LeaveAt,
    returned_on: Option<Date>,
) -> Result<LeaveRequest, OfficeError> {
    let LeaveAt {
        mut request,
        seen,
        kind,
        comment,
    } = at;
    request.state = may_move(by, request.town, seen, kind, &comment)?;
    match kind {
        LeaveMoveKind::Refuse => request.comment = comment.clone(),
        LeaveMoveKind::Return => {
            let back = returned_on.ok_or_else(|| invalid("请填写销假日期"))?;
            let back = past(back, "销假日期", today)?;
            if back < request.start {
                return Err(invalid(format!(
                    "销假日期 {back} 早于请假开始日期 {}",
                    request.start
                )));
            }
            request.returned_on = Some(back);
        }
        LeaveMoveKind::Request | LeaveMoveKind::Approve => {}
    }
    let change = LeaveChange {
        request,
        expected: Some(seen),
        kind,
        comment,
    };
    store
        .move_leave(by.name, by.origin, &change)
        .await
        .map_err(|e| match e {
            // The request as seen is gone: someone moved it first.
            StoreError::Invalid(m) => OfficeError::Conflict(m),
            e => e.into(),
        })
}
