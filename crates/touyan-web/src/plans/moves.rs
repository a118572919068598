//! `POST /plans/{year}/{person}`: one move of a plan, decided and written
//! by `touyan_office::plans::make_move`; back to the plan's page when
//! made, its page with the refusal when not.

use axum::extract::{Path, State};
use axum::response::Response;
use time::Date;
use touyan_office::By;
use touyan_office::plans::{self as office, Ask};
use touyan_records::model::{Labelled, PlanMoveKind};
use touyan_records::text::{DAY_FORMS, parse_day};

use super::by;
use super::plan::{open, refused};
use crate::http::done;
use crate::http::{PageError, SignedForm, act};
use crate::roles::Action;
use crate::state::AppState;

/// A date typed in a form (any of [`DAY_FORMS`]), or why not.
fn date_field(text: &str, what: &str) -> Result<Date, String> {
    if text.is_empty() {
        return Err(format!("请填写{what}"));
    }
    parse_day(text).ok_or_else(|| {
        format!(
            "{what}“{}”无效，可填 {DAY_FORMS}",
            text.chars().take(20).collect::<String>()
        )
    })
}

/// `POST /plans/{year}/{person}`: one move, named by the `action` field,
/// with the state the user saw (`seen`), a `comment`, and what the move
/// records: `content` (save), `meeting_on` (pass, fail), `notice_start`
/// and `notice_end` (notice).
pub async fn plan_move(
    State(st): State<AppState>,
    Path((year, reference)): Path<(String, String)>,
    SignedForm {
        user, origin, form, ..
    }: SignedForm<act::Plans, Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let field = |name: &str| crate::scope::field(&form, name);
    let desk = st.desk(&user, Action::Plans)?;
    let store = desk.store();
    let opened = open(&st, &user, store, &year, &reference).await?;
    let v = &opened.0;
    let ask = Ask {
        kind: PlanMoveKind::ALL
            .iter()
            .copied()
            .find(|k| k.code() == field("action")),
        seen: field("seen"),
        comment: field("comment"),
        content: field("content"),
        meeting_on: date_field(field("meeting_on"), "评审会议日期"),
        notice_start: date_field(field("notice_start"), "公示开始日"),
        notice_end: date_field(field("notice_end"), "公示结束日"),
    };
    let by = By {
        origin: Some(&origin),
        ..by(&user)
    };
    match office::make_move(store, &by, st.policy(), st.today(), v, &ask).await {
        Ok(review) => Ok(done(
            &format!("/plans/{}/{}", v.year, st.person_ref(&v.person)),
            &format!(
                "{}：{} {} {} 年度工作计划，现为“{}”",
                plan_done(ask.kind),
                v.village_name,
                v.name,
                v.year,
                review.state.label()
            ),
        )),
        Err(e) => {
            let sent = (ask.kind == Some(PlanMoveKind::Save)).then(|| field("content"));
            refused(&st, &user, &opened, e, sent)
        }
    }
}

/// A plan's move, said as done.
fn plan_done(kind: Option<PlanMoveKind>) -> &'static str {
    match kind {
        Some(PlanMoveKind::Save) => "已保存",
        Some(PlanMoveKind::Pass) => "评审已通过",
        Some(PlanMoveKind::Fail) => "评审未通过",
        Some(PlanMoveKind::Notice) => "已登记公示",
        Some(PlanMoveKind::File) => "已备案",
        Some(PlanMoveKind::Return) => "已退回修改",
        None => "已办理",
    }
}
