//! The leave requests: a request's line with the moves the user may make,
//! and a move of a stored request read from a post (who may, the request
//! and the write are `touyan_office::daily`'s).

use touyan_office::corrections::{DailyKey, Target};
use touyan_office::daily as office;
use touyan_office::{By, OfficeError};
use touyan_records::model::{Labelled, LeaveMoveKind, LeaveRequest, LeaveState};
use touyan_records::{CitizenId, TownCode};
use touyan_storage::Store;

use crate::forms;
use crate::pages::Look;
use crate::state::AppState;

pub struct LeaveLine {
    pub key: String,
    pub town: String,
    pub who: String,
    pub seq: u32,
    pub dates: String,
    pub reason: String,
    pub requested_on: String,
    pub state: &'static str,
    pub state_code: &'static str,
    pub comment: String,
    pub returned_on: String,
    /// The moves the user may make: (code, label, look, question asked
    /// first).
    pub moves: Vec<(&'static str, &'static str, Look, String)>,
    /// The request's correction page, when the user may correct it ("").
    pub correct: String,
    /// The request as shown (`office::leave_shown`), sent with a move.
    pub shown: String,
}

impl LeaveLine {
    pub fn can(&self, code: &str) -> bool {
        self.moves.iter().any(|(c, ..)| *c == code)
    }
}

/// How a leave move looks and what it asks first, naming the secretary
/// and the leave (`leave`: "张三 2026-03-02 至 2026-03-05 的请假").
fn look_of(kind: LeaveMoveKind, leave: &str) -> (Look, String) {
    match kind {
        LeaveMoveKind::Request => (Look::Primary, String::new()),
        LeaveMoveKind::Approve => (Look::Primary, format!("批准{leave}？")),
        LeaveMoveKind::Refuse => (Look::Danger, format!("对{leave}不予批准？须写明理由。")),
        LeaveMoveKind::Return => (Look::Primary, format!("确认{leave}已于 {{date}} 销假？")),
    }
}

pub(super) fn leave_line(st: &AppState, by: &By<'_>, who: String, l: &LeaveRequest) -> LeaveLine {
    let leave = format!("{who} {} 至 {} 的请假", l.start, l.end);
    let moves = office::leave_moves(by, l)
        .into_iter()
        .map(|k| {
            let (look, confirm) = look_of(k, &leave);
            (k.code(), k.label(), look, confirm)
        })
        .collect();
    LeaveLine {
        key: st.person_ref(&l.person),
        town: l.town.as_str().to_owned(),
        who,
        seq: l.seq,
        dates: format!("{} 至 {}", l.start, l.end),
        reason: l.reason.clone(),
        requested_on: l.requested_on.to_string(),
        state: l.state.label(),
        state_code: l.state.code(),
        comment: l.comment.clone(),
        returned_on: l.returned_on.map(|d| d.to_string()).unwrap_or_default(),
        moves,
        shown: office::leave_shown(l),
        correct: if office::may_correct_leave(by, l) {
            crate::pages::corrections::link(
                st,
                l.town,
                l.start.year(),
                &Target::Daily {
                    person: l.person.clone(),
                    key: DailyKey::Leave(l.seq),
                },
            )
        } else {
            String::new()
        },
    }
}

/// A move of a stored leave request: `seq`, `state` (as seen), `kind`,
/// `comment` (a refusal's reason), `date` (the day reported back). Who
/// may is told first, then which request, then the day.
pub(super) async fn moved(
    st: &AppState,
    store: &Store,
    by: &By<'_>,
    town: TownCode,
    id: &CitizenId,
    form: &[(String, String)],
) -> Result<(), OfficeError> {
    let field = |n: &str| crate::scope::field(form, n);
    let kind: LeaveMoveKind = forms::choice(field("kind"), "办理事项")?;
    let seen: LeaveState = LeaveState::ALL
        .iter()
        .copied()
        .find(|s| s.code() == field("state"))
        .ok_or(OfficeError::NotFound)?;
    let comment = field("comment");
    office::may_move(by, town, seen, kind, comment)?;
    let seq: u32 = field("seq").parse().map_err(|_| OfficeError::NotFound)?;
    // The page's form sends the request as it showed it.
    let shown = Some(field("shown")).filter(|s| !s.is_empty());
    let at = office::leave(store, by, town, id, seq, seen, shown, kind, comment).await?;
    let returned_on = match kind {
        LeaveMoveKind::Return => Some(forms::date(field("date"), "销假日期")?),
        _ => None,
    };
    office::move_leave(store, by, st.today(), at, returned_on)
        .await
        .map(drop)
}
