//! Daily management (the inferred Chapter 2) and treatment guarantees (the
//! inferred Article 14) in the browser (issue 5, item 8).
//!
//! - `GET /daily`: for the city, each town's open reminders counted by
//!   kind; for a town, its secretaries in post with their reminders (the
//!   rules crate's `art02_daily_inferred`, each with its citation), the
//!   leave requests waiting or approved with the moves the user may make,
//!   and the forms to add a duty rota, a work record, a yearly report, a
//!   leave request, an honour, a recruitment or a pension subsidy.
//! - `GET /daily/{person}`: one person's records kept by the town (every
//!   town's for the city), reminders, leave history with who moved it.
//! - `POST /daily`: adds a record or moves a leave request; who may is
//!   `touyan_workflow::art02_daily` / `art14_treatment`'s, the record is
//!   checked here, and nothing is written when anything is wrong.
//!
//! Reminders are computed on every request from the records and today's
//! policy, never stored.
//!
//! The parts: `town.rs` the town's (or the city's) page, `person.rs` one
//! secretary's daily file page, `leave.rs` the leave requests (their
//! lines and moves), `record.rs` the post that adds a record (duty rota,
//! work record, yearly report, leave request, honour, recruitment,
//! pension subsidy) or moves a leave request. What they share is here:
//! the forms' choices, the reminders, the secretaries in post, who keeps
//! records, and the reading of a post's fields.

mod leave;
mod person;
mod record;
mod town;

pub use leave::LeaveLine;
pub use person::{Row, person};
pub use record::record;
pub use town::{DailyQuery, SecretaryLine, TownCount, show};

use rust_decimal::Decimal;
use time::Date;
use touyan_records::model::{HonourLevel, Labelled, LeaveState, RecruitKind, ReportOutcome};
use touyan_records::{CitizenId, TownCode};
use touyan_rules::Params;
use touyan_rules::art02_daily_inferred::{
    self as rules, DailyFacts, Leave, LeaveStage, Reminder, report_year_due,
};
use touyan_rules::calendar::parse_iso_date;
use touyan_rules::decision::Decision;
use touyan_storage::{SecretaryDaily, Store, StoreError};
use touyan_workflow::Refusal;
use touyan_workflow::art02_daily::{self as flow, Kept};
use touyan_workflow::art14_treatment::{self as treatment, Treatment};

use crate::scope::actor;
use crate::state::{AppState, Failure, User};

/// The choices the forms offer (shared by both pages' forms).
pub struct Choices {
    pub outcomes: Vec<(&'static str, &'static str)>,
    pub levels: Vec<(&'static str, &'static str)>,
    pub recruit_kinds: Vec<(&'static str, &'static str)>,
    pub today: String,
    pub last_year: i32,
}

fn choices(st: &AppState) -> Choices {
    fn pairs<E: Labelled>() -> Vec<(&'static str, &'static str)> {
        E::ALL.iter().map(|x| (x.code(), x.label())).collect()
    }
    Choices {
        outcomes: pairs::<ReportOutcome>(),
        levels: pairs::<HonourLevel>(),
        recruit_kinds: pairs::<RecruitKind>(),
        today: st.today().to_string(),
        last_year: st.today().year() - 1,
    }
}

/// The reminders of a secretary on `on` under `p`.
fn reminders_of(p: &Params, s: &SecretaryDaily, on: Date) -> Vec<Decision<Reminder, Reminder>> {
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

fn sentence(d: &Decision<Reminder, Reminder>) -> String {
    format!("{}（{}）", d.reason, d.rule.citation())
}

/// Today's policy, or why there is none.
fn params_today(st: &AppState) -> Result<Params, String> {
    let today = st.today();
    st.policy()
        .resolve(today)
        .map_err(|e| format!("政策参数无法用于 {today}：{e}"))
}

/// The secretaries in post today in `town` (every town: `None`), with the
/// facts their reminders need.
async fn secretaries(
    store: &Store,
    p: &Params,
    town: Option<TownCode>,
    person: Option<&CitizenId>,
    on: Date,
) -> Result<Vec<SecretaryDaily>, Failure> {
    let from = report_year_due(on, p.daily_report_due_months.value);
    Ok(store.daily_secretaries(town, person, on, from).await?)
}

/// Open reminders per town of `town_scope` (every town: `None`) on `on`,
/// for the dashboard: (town code, count), towns without any left out.
pub(crate) async fn reminder_counts(
    st: &AppState,
    store: &Store,
    town_scope: Option<&str>,
    on: Date,
) -> Result<Vec<(String, usize)>, Failure> {
    let Ok(p) = st.policy().resolve(on) else {
        return Ok(Vec::new());
    };
    let town = match town_scope {
        None => None,
        Some(t) => match TownCode::parse(t) {
            Ok(c) => Some(c),
            Err(_) => return Ok(Vec::new()),
        },
    };
    let mut out: Vec<(String, usize)> = Vec::new();
    for s in secretaries(store, &p, town, None, on).await? {
        let n = reminders_of(&p, &s, on).len();
        if n == 0 {
            continue;
        }
        match out.last_mut() {
            Some((t, k)) if t == s.town.as_str() => *k += n,
            _ => out.push((s.town.as_str().to_owned(), n)),
        }
    }
    Ok(out)
}

/// Whether the user keeps records of `town` (both kinds are kept by the
/// same role; the forms show when either is allowed).
fn may_keep(user: &User, town: &str) -> bool {
    let a = actor(user);
    Kept::ALL
        .iter()
        .all(|&k| flow::may_record(&a, town, k).is_ok())
        && Treatment::ALL
            .iter()
            .all(|&t| treatment::may_record(&a, town, t).is_ok())
}

// ---------------------------------------------------------------------------
// Reading a post's fields

fn date_field(text: &str, what: &str) -> Result<Date, Refusal> {
    parse_iso_date(text)
        .ok_or_else(|| Refusal::Invalid(format!("{what}“{text}”不是有效日期（YYYY-MM-DD）")))
}

/// A date that is not after today.
fn past_date(text: &str, what: &str, today: Date) -> Result<Date, Refusal> {
    let d = date_field(text, what)?;
    if d > today {
        return Err(Refusal::Invalid(format!("{what} {d} 晚于今天")));
    }
    Ok(d)
}

fn year_field(text: &str, what: &str) -> Result<i32, Refusal> {
    text.parse::<i32>()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
        .ok_or_else(|| Refusal::Invalid(format!("{what}“{text}”不是 2000 至 2100 之间的年份")))
}

/// Text that must be given, at most `max` characters.
fn required(text: &str, what: &str, max: usize) -> Result<String, Refusal> {
    if text.is_empty() {
        return Err(Refusal::Invalid(format!("请填写{what}")));
    }
    optional(text, what, max)
}

fn optional(text: &str, what: &str, max: usize) -> Result<String, Refusal> {
    if text.chars().count() > max {
        return Err(Refusal::Invalid(format!("{what}不能超过 {max} 个字")));
    }
    Ok(text.to_owned())
}

fn choice<E: Labelled>(code: &str, what: &str) -> Result<E, Refusal> {
    E::ALL
        .iter()
        .copied()
        .find(|e| e.code() == code)
        .ok_or_else(|| Refusal::Invalid(format!("请选择{what}")))
}

/// Yuan with at most two decimals, more than zero, as fen.
fn fen_field(text: &str) -> Result<i64, Refusal> {
    let bad = || Refusal::Invalid(format!("金额“{text}”应为大于 0 的元数，最多两位小数"));
    let d: Decimal = text.parse().map_err(|_| bad())?;
    if d <= Decimal::ZERO {
        return Err(bad());
    }
    touyan_storage::scaled(d, 2, "金额").map_err(|e| match e {
        StoreError::Invalid(m) => Refusal::Invalid(m),
        e => Refusal::Invalid(e.to_string()),
    })
}
