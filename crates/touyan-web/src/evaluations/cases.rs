//! The interview or exit case a closed evaluation opened, followed to its
//! end (`touyan_workflow::art12_evaluation::check_case`).

use axum::http::request::Parts;
use axum::response::Response;
use touyan_records::model::{Admonition, Exit, ExitReason};
use touyan_storage::{Store, StoreError};
use touyan_workflow::Refusal;
use touyan_workflow::art12_evaluation::{self as flow, CaseMove};

use super::{View, key_of, refusal};
use crate::guard::see_other;
use crate::pages::internal;
use crate::scope::actor;
use crate::state::{AppState, User, client_addr};

pub(super) async fn case_move(
    st: &AppState,
    user: &User,
    parts: &Parts,
    store: &Store,
    v: View,
    which: &str,
    form: &[(String, String)],
) -> Response {
    let field = |name: &str| crate::scope::field(form, name);
    let Some(mv) = CaseMove::ALL.into_iter().find(|m| m.code() == which) else {
        return refusal(st, user, v, Refusal::Invalid("未指明要办理的操作".into()));
    };
    let key = field("person");
    let Some(case) = v
        .cases
        .iter()
        .find(|c| key_of(st, &c.person) == key)
        .cloned()
    else {
        return refusal(st, user, v, Refusal::Invalid("没有找到该事项".into()));
    };
    let note: String = field("note").chars().take(500).collect();
    let to = match flow::check_case(
        &actor(user),
        v.town.as_str(),
        case.kind,
        case.state,
        mv,
        &note,
    ) {
        Ok(to) => to,
        Err(r) => return refusal(st, user, v, r),
    };
    let on = match field("date") {
        "" => st.today(),
        d => match touyan_rules::calendar::parse_iso_date(d) {
            Some(d) if d <= st.today() => d,
            _ => {
                return refusal(
                    st,
                    user,
                    v,
                    Refusal::Invalid("日期应为 YYYY-MM-DD，且不晚于今天".into()),
                );
            }
        },
    };
    let mut ended = case.clone();
    ended.state = to;
    ended.note = note.trim().to_owned();
    ended.done_on = Some(on);
    let admonition = (mv == CaseMove::Hold).then(|| Admonition {
        person: case.person.clone(),
        held_on: on,
        article: 12,
        reason: format!("{}：{}", case.reason, ended.note),
        make_up_study_done_on: None,
    });
    let exit = (mv == CaseMove::Confirm).then(|| Exit {
        person: case.person.clone(),
        on,
        reason: ExitReason::FailedEvaluation,
        note: case.reason.clone(),
    });
    match store
        .end_case(
            &user.username,
            Some(&client_addr(parts)),
            &ended,
            admonition.as_ref(),
            exit.as_ref(),
        )
        .await
    {
        Ok(()) => see_other(&format!(
            "/evaluations/{}/{}/{}",
            v.year,
            v.half,
            v.town.as_str()
        )),
        Err(StoreError::Invalid(m)) => refusal(st, user, v, Refusal::Conflict(m)),
        Err(e) => internal(e.into()),
    }
}
