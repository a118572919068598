//! `GET /plans`: the city's counts of every town's plans by state, or —
//! a town named, or a town role — the town's secretaries (`town.rs`).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use touyan_office::plans as office;
use touyan_records::model::{Labelled, PlanState};

use super::town::{self, PersonLine};
use super::{by, source_zh};
use crate::http::{PageError, SignedIn, act};
use crate::pages::{Chrome, message_page, render};
use crate::roles::Action;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct PlansQuery {
    year: Option<String>,
    town: Option<String>,
}

/// One town's plans, counted.
pub struct TownCount {
    pub code: String,
    pub name: String,
    pub roster: usize,
    pub source: &'static str,
    pub missing: usize,
    /// By `PlanState::ALL`.
    pub counts: Vec<usize>,
}

#[derive(Template)]
#[template(path = "plans/overview.html")]
pub(super) struct OverviewPage {
    pub(super) chrome: Chrome,
    pub(super) year: i32,
    /// The town shown (code, name); `None`: every town.
    pub(super) town: Option<(String, String)>,
    pub(super) town_scoped: bool,
    pub(super) states: Vec<&'static str>,
    pub(super) towns: Vec<TownCount>,
    pub(super) people: Vec<PersonLine>,
    pub(super) missing: usize,
    pub(super) notice_text: String,
}

pub async fn overview(
    State(st): State<AppState>,
    SignedIn { user, .. }: SignedIn<act::Plans>,
    Query(q): Query<PlansQuery>,
) -> Result<Response, PageError> {
    let Some(year) = crate::scope::year_of(&st, q.year.as_deref()) else {
        return Ok(message_page(
            StatusCode::BAD_REQUEST,
            "年度有误",
            "年度应为四位数字，如 2026。",
        ));
    };
    let town =
        crate::scope::page_town(&user, q.town.as_deref()).map_err(|()| PageError::NotFound)?;
    let desk = st.desk_of(&user, Action::Plans, town.as_ref())?;
    let towns = st.reader(&user).towns().await?;
    let mut page = OverviewPage {
        chrome: Chrome::new(&format!("{year} 年度工作目标和计划"), Some(&user), "/plans"),
        year,
        town: None,
        town_scoped: user.town_scope().is_some(),
        states: PlanState::ALL.iter().map(|s| s.label()).collect(),
        towns: Vec::new(),
        people: Vec::new(),
        missing: 0,
        notice_text: office::measures(st.policy(), st.today())?,
    };
    if let Some(t) = town {
        let (_, name) = towns
            .into_iter()
            .find(|(c, _)| c == t.as_str())
            .ok_or(PageError::NotFound)?;
        town::fill(&st, &user, desk.store(), &mut page, t, name).await?;
        return Ok(render(&page, StatusCode::OK));
    }
    let counts = office::city(
        desk.store(),
        &by(&user),
        st.policy(),
        st.today(),
        year,
        &towns,
    )
    .await?;
    page.missing = counts.iter().map(|c| c.missing).sum();
    page.towns = counts
        .into_iter()
        .map(|c| TownCount {
            source: c.filed.map_or("", source_zh),
            code: c.code,
            name: c.name,
            roster: c.roster,
            missing: c.missing,
            counts: c.counts,
        })
        .collect();
    Ok(render(&page, StatusCode::OK))
}
