//! Exits in the browser (issue 5, item 8; the inferred Article 14): for a
//! town's year, each secretary on the filed list whom a ground applies to
//! (over the age limit, no longer secretary — the rules crate's
//! `art14_exit_inferred`), the exits on record, and recording an exit with
//! its reason and date (the town's reviewer; exits after a failed
//! evaluation are recorded where the evaluation's case is confirmed).
//! This module reads the form's fields and picks the secretary; the
//! grounds, the checks and the write are `touyan_office::exits`'.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use touyan_office::exits::{self as office, TownYear};
use touyan_office::{By, OfficeError};
use touyan_records::TownCode;
use touyan_records::model::{ExitReason, Labelled};
use touyan_rules::calendar::parse_iso_date;
use touyan_workflow::Refusal;

use crate::forms;
use crate::guard::see_other;
use crate::http::{SignedForm, SignedIn, act};
use crate::pages::{Chrome, internal, masked, not_found_page, render};

use crate::roles::Action;
use crate::scope::{by, by_from, field, page_town};
use crate::state::{AppState, User};

#[derive(Deserialize, Default)]
pub struct ExitsQuery {
    year: Option<String>,
    town: Option<String>,
}

pub struct ListedLine {
    pub key: String,
    pub who: String,
    pub person_id: String,
    pub grounds: Vec<String>,
    pub exit: String,
}

#[derive(Template)]
#[template(path = "exits.html")]
struct ExitsPage {
    chrome: Chrome,
    year: i32,
    town: String,
    towns: Vec<(String, String)>,
    problem: Option<String>,
    error: Option<String>,
    lines: Vec<ListedLine>,
    may_record: bool,
    reasons: Vec<(&'static str, &'static str)>,
    today: String,
}

fn lines(st: &AppState, ty: &TownYear) -> Vec<ListedLine> {
    ty.lines(st.policy(), st.today())
        .into_iter()
        .map(|l| ListedLine {
            key: st.person_ref(&l.person),
            who: l.who,
            person_id: masked(&l.person),
            grounds: l.grounds,
            exit: l.exit.map_or_else(String::new, |x| {
                format!(
                    "{} {}{}",
                    x.on,
                    x.reason.label(),
                    if x.note.is_empty() {
                        String::new()
                    } else {
                        format!("：{}", x.note)
                    }
                )
            }),
        })
        .collect()
}

async fn page(
    st: &AppState,
    user: &User,
    year: i32,
    town: Option<TownCode>,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let towns = match st.reader(user).towns().await {
        Ok(t) => t,
        Err(e) => return internal(e.into()),
    };
    let mut p = ExitsPage {
        chrome: Chrome::new(&format!("{year} 年度退出管理"), Some(user), "/exits"),
        year,
        town: town.map(|t| t.as_str().to_owned()).unwrap_or_default(),
        towns,
        problem: None,
        error,
        lines: Vec::new(),
        may_record: false,
        reasons: ExitReason::ALL
            .iter()
            .map(|r| (r.code(), r.label()))
            .collect(),
        today: st.today().to_string(),
    };
    let Some(town) = town else {
        p.problem = Some("请选择镇街区".into());
        return render(&p, status);
    };
    let desk = match st.town_desk(user, Action::Exits, &town) {
        Ok(d) => d,
        Err(e) => return axum::response::IntoResponse::into_response(e),
    };
    let store = desk.store();
    let ty = match office::town_year(store, year, town).await {
        Ok(ty) => ty,
        Err(OfficeError::Store(e)) => return internal(e.into()),
        Err(e) => return internal(crate::state::Failure::Internal(e.to_string())),
    };
    p.lines = lines(st, &ty);
    if p.lines.is_empty() {
        p.problem = Some(format!("{year} 年没有已备案的专业化管理名单"));
    }
    p.may_record = ty.may(&by(user));
    render(&p, status)
}

pub async fn show(
    State(st): State<AppState>,
    SignedIn { user, .. }: SignedIn<act::Exits>,
    Query(q): Query<ExitsQuery>,
) -> Response {
    let Some(year) = crate::scope::year_of(&st, q.year.as_deref()) else {
        return not_found_page();
    };
    let Ok(town) = page_town(&user, q.town.as_deref()) else {
        return not_found_page();
    };
    page(&st, &user, year, town, None, StatusCode::OK).await
}

/// `POST /exits`: `person` (a reference), `reason`, `date`, `note`, with
/// `year`, `town`, `csrf`.
pub async fn record(
    State(st): State<AppState>,
    SignedForm {
        user, origin, form, ..
    }: SignedForm<act::Exits, Vec<(String, String)>>,
) -> Response {
    let Some(year) = crate::scope::year_of(&st, Some(field(&form, "year"))) else {
        return not_found_page();
    };
    let Ok(Some(town)) = page_town(&user, Some(field(&form, "town"))) else {
        return not_found_page();
    };
    let by = by_from(&user, &origin);
    if let Err(e) = office::may(&by, town) {
        return answer(&st, &user, year, town, Err(e)).await;
    }
    let desk = match st.town_desk(&user, Action::Exits, &town) {
        Ok(d) => d,
        Err(e) => return axum::response::IntoResponse::into_response(e),
    };
    let store = desk.store();
    let done = match office::town_year(store, year, town).await {
        Ok(ty) => recorded(&st, store, by, &ty, &form).await,
        Err(e) => Err(e),
    };
    answer(&st, &user, year, town, done).await
}

/// The town's page after a post: back to it when done, or with the
/// refusal.
async fn answer(
    st: &AppState,
    user: &User,
    year: i32,
    town: TownCode,
    done: Result<(), OfficeError>,
) -> Response {
    let r = match done {
        Ok(()) => return see_other(&format!("/exits?year={year}&town={}", town.as_str())),
        Err(OfficeError::Store(e)) => return internal(e.into()),
        Err(OfficeError::NotFound) => return not_found_page(),
        Err(OfficeError::Forbidden(m)) => Refusal::Forbidden(m),
        Err(OfficeError::Conflict(m)) => Refusal::Conflict(m),
        Err(OfficeError::Invalid(m)) => Refusal::Invalid(m),
    };
    let status = forms::status(&r);
    page(st, user, year, Some(town), Some(r.to_string()), status).await
}

/// Reads the form and records the exit through the office: the role is
/// checked first, then the fields, then the records.
async fn recorded(
    st: &AppState,
    store: &touyan_storage::Store,
    by: By<'_>,
    ty: &TownYear,
    form: &[(String, String)],
) -> Result<(), OfficeError> {
    let invalid = |m: &str| OfficeError::Invalid(m.to_owned());
    let person = ty.secretary(|p| st.person_ref(p) == field(form, "person"))?;
    let reason = ExitReason::ALL
        .iter()
        .copied()
        .find(|x| x.code() == field(form, "reason"))
        .ok_or_else(|| invalid("请选择退出原因"))?;
    let on = parse_iso_date(field(form, "date")).ok_or_else(|| invalid(office::DAY_WANTED))?;
    let note = field(form, "note");
    office::record_exit(store, by, ty, &person, reason, on, note, st.today())
        .await
        .map(drop)
}
