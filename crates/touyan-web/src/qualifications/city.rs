//! `GET /qualifications` for a city role with no town chosen: the city's
//! overview today, one row per town the user sees — cadres in post (and
//! secretaries among them), with and without a certificate (持证上岗),
//! those who may have one recorded, the year's degree-study applications
//! — each linking to the town's page. The figures are
//! `touyan_office::qualifications::city_overview`'s.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use touyan_office::{qualifications as office, when};

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
#[template(path = "qualifications/city.html")]
struct CityPage {
    chrome: Chrome,
    year: i32,
    towns: Vec<(String, String)>,
    problem: Option<String>,
    error: Option<String>,
    lines: Vec<TownLine>,
}

/// The overview for `user` (a city role), `error` shown above.
pub(super) async fn page(
    st: &AppState,
    user: &User,
    towns: Vec<(String, String)>,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let desk = match st.city_desk(user, Action::Qualifications) {
        Ok(d) => d,
        Err(e) => return e.into_response(),
    };
    let today = st.today();
    let mut p = CityPage {
        chrome: Chrome::new("资格与学历", Some(user), "/qualifications"),
        year: today.year(),
        problem: None,
        error,
        lines: Vec::new(),
        towns,
    };
    let params = match when::params_on(st.policy(), today) {
        Ok(x) => x,
        Err(e) => {
            p.problem = Some(e.to_string());
            return render(&p, status);
        }
    };
    let codes = town_codes(&p.towns);
    match office::city_overview(desk.store(), &params, today.year(), today, &codes).await {
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
