//! `POST /pay/{month}/{town}`: one move of a town's run (compute,
//! review, approve, return, pay), made by `touyan_office::pay`; refused
//! with the run's page and the reason.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use touyan_office::OfficeError;
use touyan_office::pay as office_pay;
use touyan_records::model::{Labelled, PayMoveKind};
use touyan_workflow::Refusal;

use super::month_text;
use super::town::page;
use super::view::{View, open_run};
use crate::http::done;
use crate::http::{HasCsrf, PageError, SignedForm, act};
use crate::pages::{not_found_page, render};
use crate::scope::by_from;
use crate::state::{AppState, User};

#[derive(Deserialize, Default)]
pub struct MoveForm {
    csrf: Option<String>,
    action: Option<String>,
    seen: Option<String>,
    /// How many moves the page showed (a recompute keeps the state).
    moves: Option<String>,
    comment: Option<String>,
}

impl HasCsrf for MoveForm {
    fn csrf(&self) -> Option<&str> {
        self.csrf.as_deref()
    }
}

fn refusal(user: &User, v: View, r: Refusal) -> Response {
    let status = match &r {
        Refusal::NotFound => return not_found_page(),
        Refusal::Forbidden(_) => StatusCode::FORBIDDEN,
        Refusal::Conflict(_) => StatusCode::CONFLICT,
        Refusal::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
    };
    render(&page(user, v, Some(r.to_string())), status)
}

/// `POST /pay/{month}/{town}`: one move (`action`), with the state the
/// user saw (`seen`) and a `comment`.
pub async fn town_move(
    State(st): State<AppState>,
    Path((month, town)): Path<(String, String)>,
    SignedForm {
        user,
        origin,
        form: f,
        ..
    }: SignedForm<act::Pay, MoveForm>,
) -> Result<Response, PageError> {
    let (desk, v) = open_run(&st, &user, &month, &town).await?;
    let wanted = f.action.as_deref().unwrap_or_default();
    let Some(kind) = PayMoveKind::ALL
        .iter()
        .copied()
        .find(|k| k.code() == wanted)
    else {
        return Ok(refusal(
            &user,
            v,
            Refusal::Invalid("未指明要办理的操作".into()),
        ));
    };
    let by = by_from(&user, &origin);
    let seen = office_pay::Seen {
        state: office_pay::seen_state(f.seen.as_deref().unwrap_or_default()),
        moves: f.moves.as_deref().and_then(|m| m.trim().parse().ok()),
    };
    let comment = f.comment.unwrap_or_default();
    Ok(
        match office_pay::move_town(desk.store(), by, &v.tm, kind, seen, &comment).await {
            Ok(run) => done(
                &format!("/pay/{}/{}", month_text(v.tm.month), v.tm.town.as_str()),
                &format!(
                    "{}：{} {} 年 {} 月补贴发放，现为“{}”",
                    pay_done(kind),
                    v.tm.town_name(),
                    v.tm.month.year(),
                    u8::from(v.tm.month.month()),
                    run.state.label()
                ),
            ),
            Err(OfficeError::Store(e)) => return Err(e.into()),
            Err(e) => {
                let r = match e {
                    OfficeError::NotFound => Refusal::NotFound,
                    OfficeError::Forbidden(m) => Refusal::Forbidden(m),
                    OfficeError::Conflict(m) => Refusal::Conflict(m),
                    OfficeError::Invalid(m) => Refusal::Invalid(m),
                    OfficeError::Store(e) => return Err(e.into()),
                };
                refusal(&user, v, r)
            }
        },
    )
}

/// A pay run's move, said as done.
fn pay_done(kind: PayMoveKind) -> &'static str {
    match kind {
        PayMoveKind::Compute => "已计算",
        PayMoveKind::Review => "镇街已审核",
        PayMoveKind::Approve => "市级已批准",
        PayMoveKind::Return => "已退回镇街",
        PayMoveKind::Pay => "已确认发放",
    }
}
