//! `GET /training` for a city role with no town chosen: the city's
//! overview of the year, one row per town the user sees — listed
//! secretaries, how many meet Article 6's minimums, the town's sessions,
//! the poor results waiting for an admonition or make-up study — each
//! linking to the town's page. The figures are
//! `touyan_office::training::city_overview`'s.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use touyan_office::training as office;

use crate::http::PageError;
use crate::pages::{Chrome, render};
use crate::roles::Action;
use crate::scope::{name_of, town_codes};
use crate::state::{AppState, User};

/// A town's row of the overview.
pub struct TownLine {
    pub code: String,
    pub name: String,
    pub listed: usize,
    pub compliant: usize,
    /// Why compliance is not judged ("" when it is).
    pub unjudged: String,
    pub town_sessions: usize,
    pub awaiting_admonition: usize,
    pub awaiting_make_up: usize,
}

#[derive(Template)]
#[template(path = "training/city.html")]
struct CityPage {
    chrome: Chrome,
    year: i32,
    towns: Vec<(String, String)>,
    problem: Option<String>,
    error: Option<String>,
    /// The city's sessions of the year (the same for every town).
    city_sessions: usize,
    lines: Vec<TownLine>,
}

/// The overview of `year` for `user` (a city role), `error` shown above.
pub(super) async fn page(
    st: &AppState,
    user: &User,
    year: i32,
    towns: Vec<(String, String)>,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let desk = match st.city_desk(user, Action::Training) {
        Ok(d) => d,
        Err(e) => return e.into_response(),
    };
    let mut p = CityPage {
        chrome: Chrome::new(&format!("{year} 年度培训"), Some(user), "/training"),
        year,
        problem: None,
        error,
        city_sessions: 0,
        lines: Vec::new(),
        towns,
    };
    let codes = town_codes(&p.towns);
    match office::city_overview(desk.store(), st.policy(), year, &codes).await {
        Ok(rows) => {
            p.city_sessions = rows.first().map_or(0, |r| r.city_sessions);
            p.lines = rows
                .into_iter()
                .map(|r| TownLine {
                    code: r.town.as_str().to_owned(),
                    name: name_of(&p.towns, r.town),
                    listed: r.listed,
                    compliant: r.compliant,
                    unjudged: r.unjudged.map_or_else(String::new, |_| "名单未备案".into()),
                    town_sessions: r.town_sessions,
                    awaiting_admonition: r.awaiting_admonition,
                    awaiting_make_up: r.awaiting_make_up,
                })
                .collect();
        }
        Err(touyan_office::OfficeError::Invalid(m)) => p.problem = Some(m),
        Err(e) => return PageError::from(e).into_response(),
    }
    render(&p, status)
}
