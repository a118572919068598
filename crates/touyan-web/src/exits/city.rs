//! `GET /exits` for a city role with no town chosen: the city's overview
//! of the year, one row per town the user sees — secretaries on the list,
//! the exits of the year by reason, and those with a ground of exit and
//! no exit on record — each linking to the town's page. The figures are
//! `touyan_office::exits::city_overview`'s.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use touyan_office::exits as office;
use touyan_records::model::Labelled;

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
    pub exits: usize,
    /// "达到年龄上限 1、其他 1" ("" for none).
    pub reasons: String,
    pub pending: usize,
}

#[derive(Template)]
#[template(path = "exits/city.html")]
struct CityPage {
    chrome: Chrome,
    year: i32,
    towns: Vec<(String, String)>,
    error: Option<String>,
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
    let desk = match st.city_desk(user, Action::Exits) {
        Ok(d) => d,
        Err(e) => return e.into_response(),
    };
    let codes = town_codes(&towns);
    let rows =
        match office::city_overview(desk.store(), st.policy(), year, st.today(), &codes).await {
            Ok(x) => x,
            Err(e) => return PageError::from(e).into_response(),
        };
    let lines = rows
        .into_iter()
        .map(|r| TownLine {
            code: r.town.as_str().to_owned(),
            name: name_of(&towns, r.town),
            listed: r.listed,
            exits: r.exits_total(),
            reasons: r
                .exits
                .iter()
                .map(|(reason, n)| format!("{} {n}", reason.label()))
                .collect::<Vec<_>>()
                .join("、"),
            pending: r.pending,
        })
        .collect();
    let p = CityPage {
        chrome: Chrome::new(&format!("{year} 年度退出管理"), Some(user), "/exits"),
        year,
        towns,
        error,
        lines,
    };
    render(&p, status)
}
