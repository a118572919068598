//! `GET /whatif` for a city role with no town chosen. The what-if is
//! decided town by town (a town's villages' facts of the year before
//! in a form, `touyan_cycle::run` for that town), so the city's page
//! lists every town the user sees — its villagers' committees, its
//! secretaries, those the cycle cannot judge for want of last year's
//! facts (`touyan_office::year_start::facts_overview`) — each linking to
//! the town's what-if.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use touyan_office::year_start::{self, TownFacts};

use crate::http::PageError;
use crate::pages::{Chrome, render};
use crate::roles::Action;
use crate::state::{AppState, User};

#[derive(Template)]
#[template(path = "whatif/city.html")]
struct CityPage {
    chrome: Chrome,
    year: i32,
    towns: Vec<(String, String)>,
    lines: Vec<TownFacts>,
}

/// The list of towns to run the what-if of `year` for, for `user` (a
/// city role).
pub(super) async fn page(
    st: &AppState,
    user: &User,
    year: i32,
    towns: Vec<(String, String)>,
) -> Result<Response, PageError> {
    let desk = st.city_desk(user, Action::WhatIf)?;
    let lines = year_start::facts_overview(&st.reader(user), desk.store(), year).await?;
    let p = CityPage {
        chrome: Chrome::new(&format!("{year} 年度模拟测算"), Some(user), "/whatif"),
        year,
        towns,
        lines,
    };
    Ok(render(&p, StatusCode::OK))
}
