//! `GET /young` for a city role with no town chosen: the city's overview
//! of the programme in the month's year, one row per town the user sees —
//! administrative villages, the cap, the places held today, candidates
//! waiting, selections waiting for the city's filing, extensions waiting
//! for the city, cadres filed, exits of the year — each linking to the
//! town's page. The figures are
//! `touyan_office::young_summary::city_overview`'s.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use time::Date;
use touyan_office::{when, young_summary as office};

use crate::http::PageError;
use crate::pages::{Chrome, render};
use crate::roles::Action;
use crate::scope::{name_of, town_codes};
use crate::state::{AppState, User};

/// A town's row of the overview.
pub struct TownLine {
    pub code: String,
    pub name: String,
    pub summary: office::Summary,
}

#[derive(Template)]
#[template(path = "young/city.html")]
struct CityPage {
    chrome: Chrome,
    /// "2025-06".
    month: String,
    year: i32,
    today: String,
    towns: Vec<(String, String)>,
    problem: Option<String>,
    error: Option<String>,
    lines: Vec<TownLine>,
}

/// The overview of `month`'s year for `user` (a city role), `error`
/// shown above.
pub(super) async fn page(
    st: &AppState,
    user: &User,
    month: Date,
    towns: Vec<(String, String)>,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let desk = match st.city_desk(user, Action::Young) {
        Ok(d) => d,
        Err(e) => return e.into_response(),
    };
    let today = st.today();
    let month_text = format!("{:04}-{:02}", month.year(), u8::from(month.month()));
    let mut p = CityPage {
        chrome: Chrome::new(&format!("{month_text} 优才计划"), Some(user), "/young"),
        month: month_text,
        year: month.year(),
        today: today.to_string(),
        problem: None,
        error,
        lines: Vec::new(),
        towns,
    };
    let params = match when::params_on(st.policy(), when::month_start(month)) {
        Ok(x) => x,
        Err(e) => {
            p.problem = Some(e.to_string());
            return render(&p, status);
        }
    };
    let codes = town_codes(&p.towns);
    match office::city_overview(desk.store(), &params, month.year(), today, &codes).await {
        Ok(rows) => {
            p.lines = rows
                .into_iter()
                .map(|summary| TownLine {
                    code: summary.town.as_str().to_owned(),
                    name: name_of(&p.towns, summary.town),
                    summary,
                })
                .collect();
        }
        Err(e) => return PageError::from(e).into_response(),
    }
    render(&p, status)
}
