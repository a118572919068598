//! `GET /exits`: a town's year — each secretary on the filed list with
//! the grounds that apply and the exit on record — and the form to record
//! one, for whoever may.
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use touyan_office::corrections::Target;
use touyan_office::exits::{self as office, TownYear};
use touyan_records::TownCode;
use touyan_records::model::{ExitReason, Labelled};

use crate::http::{SignedIn, act};
use crate::pages::{Chrome, corrections, internal, masked, not_found_page, render};
use crate::roles::Action;
use crate::scope::{by, page_town};
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
    /// The exit's correction page ("" when none is on record).
    pub correct: String,
}

#[derive(Template)]
#[template(path = "exits/town.html")]
struct ExitsPage {
    chrome: Chrome,
    year: i32,
    town: String,
    /// The town's name, for the question asked before an exit.
    town_name: String,
    towns: Vec<(String, String)>,
    problem: Option<String>,
    error: Option<String>,
    lines: Vec<ListedLine>,
    may_record: bool,
    /// The grounds offered (code, label); none is chosen at first.
    reasons: Vec<(&'static str, &'static str)>,
}

fn lines(st: &AppState, ty: &TownYear) -> Vec<ListedLine> {
    ty.lines(st.policy(), st.today())
        .into_iter()
        .map(|l| ListedLine {
            correct: l.exit.as_ref().map_or_else(String::new, |x| {
                let target = Target::Exit {
                    person: x.person.clone(),
                    on: x.on,
                    programme: x.programme,
                };
                corrections::link(st, ty.town, ty.year, &target)
            }),
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

pub(super) async fn page(
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
    let Some(town) = town else {
        // A city role with no town chosen: the city's overview.
        return super::city::page(st, user, year, towns, error, status).await;
    };
    let mut p = ExitsPage {
        chrome: Chrome::new(&format!("{year} 年度退出管理"), Some(user), "/exits"),
        year,
        town: town.as_str().to_owned(),
        town_name: crate::scope::town_name(&towns, Some(town)),
        towns,
        problem: None,
        error,
        lines: Vec::new(),
        may_record: false,
        reasons: ExitReason::SECRETARY
            .iter()
            .map(|r| (r.code(), r.label()))
            .collect(),
    };
    let desk = match st.town_desk(user, Action::Exits, &town) {
        Ok(d) => d,
        Err(e) => return axum::response::IntoResponse::into_response(e),
    };
    let store = desk.store();
    let ty = match office::town_year(store, year, town).await {
        Ok(ty) => ty,
        Err(e) => {
            return axum::response::IntoResponse::into_response(crate::http::PageError::from(e));
        }
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
