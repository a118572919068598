//! `GET /plans/{year}/{person}`: one plan's page — its stage and notice
//! period with their articles, its content, the forms of the moves the
//! user may make, and the history — shown again with a refusal after a
//! move (`moves.rs`).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use touyan_office::OfficeError;
use touyan_office::plans::{self as office, Plan};
use touyan_records::model::{Labelled, PlanMoveKind};
use touyan_storage::Store;

use super::{OFF_ROSTER, by, source_zh};
use crate::http::{PageError, SignedIn, act};
use crate::pages::{Chrome, masked, render};
use crate::roles::Action;
use crate::state::{AppState, User, china_time};

pub struct MoveView {
    pub seq: u32,
    pub label: &'static str,
    pub to: &'static str,
    pub comment: String,
    pub detail: String,
    pub by: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "plans/plan.html")]
struct PlanPage {
    chrome: Chrome,
    year: i32,
    reference: String,
    name: String,
    person_id: String,
    village_name: String,
    town: String,
    town_name: String,
    source: &'static str,
    state: &'static str,
    state_code: &'static str,
    stage: String,
    notice: String,
    comment: String,
    content: String,
    file_note: Option<String>,
    editable: bool,
    may_review: bool,
    may_notice: bool,
    may_file: bool,
    buttons: Vec<(&'static str, &'static str)>,
    today: String,
    notice_start: String,
    notice_end: String,
    error: Option<String>,
    moves: Vec<MoveView>,
}

/// The plan `reference` stands for in `year` (both from the path), as
/// the user may see it through `store` (their desk's), with its town's
/// name: missing for a bad year or reference, no such plan, or another
/// town's.
pub(super) async fn open(
    st: &AppState,
    user: &User,
    store: &Store,
    year: &str,
    reference: &str,
) -> Result<(Plan, String), PageError> {
    let year = crate::scope::year_of(st, Some(year)).ok_or(PageError::NotFound)?;
    let person = st.person_id(reference).ok_or(PageError::NotFound)?;
    let v = office::plan(store, &by(user), st.policy(), st.today(), year, &person).await?;
    let towns = st.reader(user).towns().await?;
    let (_, town_name) = towns
        .into_iter()
        .find(|(c, _)| c == v.town.as_str())
        .ok_or(PageError::NotFound)?;
    Ok((v, town_name))
}

/// What the page says of a plan on file without a workflow (imported).
fn file_note(v: &Plan) -> Option<String> {
    let unset = |d: Option<time::Date>| d.map_or("未填".into(), |d| d.to_string());
    match (&v.plan, &v.file) {
        (None, Some(a)) => Some(format!(
            "本计划有导入的记录（评审 {}，公示 {} 至 {}，备案 {}），没有计划内容和流转记录。",
            unset(a.reviewed_on),
            unset(a.notice_start),
            unset(a.notice_end),
            unset(a.filed_on),
        )),
        _ => None,
    }
}

fn page(
    st: &AppState,
    user: &User,
    v: &Plan,
    town_name: String,
    error: Option<String>,
) -> PlanPage {
    let current = v.state();
    let moves = v.moves_for(&by(user));
    let plan = v.plan.as_ref();
    let day = |d: Option<time::Date>| d.map_or_else(String::new, |d| d.to_string());
    PlanPage {
        chrome: Chrome::new(
            format!(
                "{} {} {} 年度工作目标和计划",
                v.village_name, v.name, v.year
            )
            .trim_start(),
            Some(user),
            "/plans",
        ),
        year: v.year,
        reference: st.person_ref(&v.person),
        name: v.name.clone(),
        person_id: masked(&v.person),
        village_name: v.village_name.clone(),
        town: v.town.as_str().to_owned(),
        town_name,
        source: v.roster.as_ref().map_or(OFF_ROSTER, |r| source_zh(r.filed)),
        state: office::state_label(current),
        state_code: current.map_or("none", |s| s.code()),
        stage: v.stage(),
        notice: v.notice(),
        comment: plan.map(|p| p.comment.clone()).unwrap_or_default(),
        content: plan.map(|p| p.content.clone()).unwrap_or_default(),
        file_note: file_note(v),
        editable: moves.contains(&PlanMoveKind::Save),
        may_review: moves.contains(&PlanMoveKind::Pass) || moves.contains(&PlanMoveKind::Fail),
        may_notice: moves.contains(&PlanMoveKind::Notice),
        may_file: moves.contains(&PlanMoveKind::File) || moves.contains(&PlanMoveKind::Return),
        buttons: moves.iter().map(|k| (k.code(), k.label())).collect(),
        today: st.today().to_string(),
        notice_start: day(plan.and_then(|p| p.notice_start)),
        notice_end: day(plan.and_then(|p| p.notice_end)),
        error,
        moves: v
            .moves
            .iter()
            .map(|m| MoveView {
                seq: m.entry.seq,
                label: m.entry.kind.label(),
                to: m.entry.to.label(),
                comment: m.entry.comment.clone(),
                detail: m.entry.detail.clone(),
                by: v.signers.name(&m.by),
                at: china_time(m.at),
            })
            .collect(),
    }
}

/// The plan's page (its town named `town_name`), with `error` (a
/// refusal) when there is one.
pub(super) fn show(
    st: &AppState,
    user: &User,
    (v, town_name): &(Plan, String),
    error: Option<String>,
    status: StatusCode,
) -> Response {
    render(&page(st, user, v, town_name.clone(), error), status)
}

/// The office's refusal of a move shown on the plan's page, the content
/// as sent when a save was refused (a plan too long is shown whole, to be
/// shortened, never cut); missing and
/// the store's failures as every page answers them.
pub(super) fn refused(
    st: &AppState,
    user: &User,
    v: &(Plan, String),
    e: OfficeError,
    sent: Option<&str>,
) -> Result<Response, PageError> {
    let status = match &e {
        OfficeError::Forbidden(_) => StatusCode::FORBIDDEN,
        OfficeError::Conflict(_) => StatusCode::CONFLICT,
        OfficeError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        OfficeError::NotFound | OfficeError::Store(_) => return Err(e.into()),
    };
    let (plan, town_name) = v;
    let mut p = page(st, user, plan, town_name.clone(), Some(e.to_string()));
    if let Some(sent) = sent.filter(|_| p.editable) {
        p.content = sent.to_owned();
    }
    Ok(render(&p, status))
}

pub async fn plan_page(
    State(st): State<AppState>,
    SignedIn { user, .. }: SignedIn<act::Plans>,
    Path((year, reference)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let desk = st.desk(&user, Action::Plans)?;
    let v = open(&st, &user, desk.store(), &year, &reference).await?;
    Ok(show(&st, &user, &v, None, StatusCode::OK))
}
