//! `GET /reserves` for a city role with no town chosen: the city's
//! overview of the year, one row per town the user sees — the villages of
//! the filed list, those short of secretary reserves under Article 9 and
//! the reserves they lack, other posts without a reserve, the reserves
//! listed, the yearly report — each linking to the town's page. The
//! figures are `touyan_office::reserves::city_overview`'s.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use touyan_office::{reserves as office, when};

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
#[template(path = "reserves/city.html")]
struct CityPage {
    chrome: Chrome,
    year: i32,
    /// The day coverage is judged on (today, or the year's last day).
    on: String,
    towns: Vec<(String, String)>,
    problem: Option<String>,
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
    let desk = match st.city_desk(user, Action::Reserves) {
        Ok(d) => d,
        Err(e) => return e.into_response(),
    };
    let today = st.today();
    let mut p = CityPage {
        chrome: Chrome::new(
            &format!("{year} 年度后备力量与挂职"),
            Some(user),
            "/reserves",
        ),
        year,
        on: when::in_year(year, today).to_string(),
        problem: None,
        error,
        lines: Vec::new(),
        towns,
    };
    let params = match when::year_start(year).and_then(|jan1| when::params_on(st.policy(), jan1)) {
        Ok(x) => x,
        Err(e) => {
            p.problem = Some(e.to_string());
            return render(&p, status);
        }
    };
    let codes = town_codes(&p.towns);
    match office::city_overview(desk.store(), &params, year, today, &codes).await {
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
