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
//! - `POST /daily`: adds a record or moves a leave request; nothing is
//!   written when anything is wrong.
//!
//! This module reads the form's fields and renders; the reminders (from
//! the records and today's policy, never stored), the secretaries in
//! post, a person's file, who keeps which record and may move a leave
//! request, the checks and the writes are `touyan_office::daily`'s.
//!
//! The parts: `town.rs` the town's (or the city's) page, `person.rs` one
//! secretary's daily file page, `leave.rs` the leave requests (their
//! lines, and a move read from a post), `record.rs` the post that adds a
//! record (duty rota, work record, yearly report, leave request, honour,
//! recruitment, pension subsidy) or moves a leave request. What they
//! share is here: the forms' choices, who acts, the dashboard's count of
//! reminders.

mod leave;
mod person;
mod record;
mod town;

pub use leave::LeaveLine;
pub use person::{Row, person};
pub use record::record;
pub use town::{DailyQuery, SecretaryLine, TownCount, show};

use time::Date;
use touyan_office::daily as office;
use touyan_office::{By, OfficeError};
use touyan_records::TownCode;
use touyan_records::model::{HonourLevel, Labelled, RecruitKind, ReportOutcome};
use touyan_storage::Store;

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

/// Who acts, for the office (no address: reading only).
fn by(user: &User) -> By<'_> {
    By {
        actor: actor(user),
        name: &user.username,
        origin: None,
    }
}

/// Open reminders per town of `town_scope` (every town: `None`) on `on`,
/// for the dashboard: (town code, count), towns without any left out;
/// nothing when no policy is in force.
pub(crate) async fn reminder_counts(
    st: &AppState,
    store: &Store,
    town_scope: Option<&str>,
    on: Date,
) -> Result<Vec<(String, usize)>, Failure> {
    let town = match town_scope {
        None => None,
        Some(t) => match TownCode::parse(t) {
            Ok(c) => Some(c),
            Err(_) => return Ok(Vec::new()),
        },
    };
    let lines = match office::in_post(store, st.policy(), town, None, on).await {
        Ok(l) => l,
        Err(OfficeError::Store(e)) => return Err(e.into()),
        Err(_) => return Ok(Vec::new()),
    };
    Ok(office::per_town(&lines)
        .into_iter()
        .filter(|c| c.total > 0)
        .map(|c| (c.town.as_str().to_owned(), c.total))
        .collect())
}
