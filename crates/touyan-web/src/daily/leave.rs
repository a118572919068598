//! The leave requests: a request's line with the moves the user may make,
//! and a move of a stored request read from a post.

use touyan_records::model::{Labelled, LeaveMoveKind, LeaveRequest, LeaveState};
use touyan_records::{CitizenId, TownCode};
use touyan_storage::{LeaveChange, Store};
use touyan_workflow::Refusal;
use touyan_workflow::art02_daily as flow;

use super::record::Write;
use super::{choice, optional, past_date};
use crate::scope::actor;
use crate::state::{AppState, User};

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
    /// The moves the user may make: (code, label).
    pub moves: Vec<(&'static str, &'static str)>,
}

impl LeaveLine {
    pub fn can(&self, code: &str) -> bool {
        self.moves.iter().any(|(c, _)| *c == code)
    }
}

pub(super) fn leave_line(st: &AppState, user: &User, who: String, l: &LeaveRequest) -> LeaveLine {
    let moves = flow::moves_for(&actor(user), l.town.as_str(), Some(l.state))
        .into_iter()
        .map(|k| (k.code(), k.label()))
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
    }
}

/// A move of a stored leave request: `seq`, `state` (as seen), `kind`,
/// `comment` (a refusal's reason), `date` (the day reported back).
pub(super) async fn leave_move(
    st: &AppState,
    user: &User,
    store: &Store,
    town: TownCode,
    id: &CitizenId,
    form: &[(String, String)],
) -> Result<Write, Refusal> {
    let field = |n: &str| crate::scope::field(form, n);
    let kind: LeaveMoveKind = choice(field("kind"), "办理事项")?;
    let seen: LeaveState = LeaveState::ALL
        .iter()
        .copied()
        .find(|s| s.code() == field("state"))
        .ok_or(Refusal::NotFound)?;
    let comment = optional(field("comment"), "理由", 300)?;
    let to = flow::check_move(&actor(user), town.as_str(), Some(seen), kind, &comment)?;
    let seq: u32 = field("seq").parse().map_err(|_| Refusal::NotFound)?;
    let file = store
        .daily_file(id, Some(town))
        .await
        .map_err(|e| Refusal::Invalid(e.to_string()))?;
    let mut request = file
        .leaves
        .into_iter()
        .find(|l| l.seq == seq)
        .ok_or(Refusal::NotFound)?;
    if request.state != seen {
        return Err(Refusal::Conflict(format!(
            "该请假已是“{}”，不能“{}”；请刷新页面",
            request.state.label(),
            kind.label()
        )));
    }
    request.state = to;
    match kind {
        LeaveMoveKind::Refuse => request.comment = comment.clone(),
        LeaveMoveKind::Return => {
            let back = past_date(field("date"), "销假日期", st.today())?;
            if back < request.start {
                return Err(Refusal::Invalid(format!(
                    "销假日期 {back} 早于请假开始日期 {}",
                    request.start
                )));
            }
            request.returned_on = Some(back);
        }
        LeaveMoveKind::Request | LeaveMoveKind::Approve => {}
    }
    Ok(Write::Leave(LeaveChange {
        request,
        expected: Some(seen),
        kind,
        comment,
    }))
}
