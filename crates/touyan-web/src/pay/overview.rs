//! `GET /pay`: the city's and finance's overview of every town's run of
//! a month (a town's user goes to their town's run).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use time::Date;
use touyan_records::model::PayState;
use touyan_reports as reports;

use super::{month_text, state_label, yuan};
use crate::guard::see_other;
use crate::http::{PageError, SignedIn, act};
use crate::pages::{Chrome, message_page, render};
use crate::roles::Action;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct MonthQuery {
    month: Option<String>,
}

/// The month asked for, or this month.
fn month_of(st: &AppState, q: Option<&str>) -> Option<Date> {
    match q.map(str::trim).filter(|s| !s.is_empty()) {
        None => st.today().replace_day(1).ok(),
        Some(s) => reports::parse_month(s),
    }
}

pub struct TownLine {
    pub code: String,
    pub name: String,
    pub state: &'static str,
    pub people: String,
    pub total: String,
    pub example: bool,
}

#[derive(Template)]
#[template(path = "pay/overview.html")]
struct OverviewPage {
    chrome: Chrome,
    month: String,
    rows: Vec<TownLine>,
    people: u32,
    total: String,
    paid: String,
}

pub async fn overview(
    State(st): State<AppState>,
    SignedIn { user, .. }: SignedIn<act::Pay>,
    Query(q): Query<MonthQuery>,
) -> Result<Response, PageError> {
    let Some(month) = month_of(&st, q.month.as_deref()) else {
        return Ok(message_page(
            StatusCode::BAD_REQUEST,
            "月份有误",
            "月份应为 YYYY-MM，如 2026-03。",
        ));
    };
    if let Some(t) = user.town_scope() {
        return Ok(see_other(&format!("/pay/{}/{t}", month_text(month))));
    }
    let city = st.city_desk(&user, Action::Pay)?;
    let towns = st.reader(&user).towns().await?;
    let runs = city.store().pay_runs(month).await?;
    let total: i64 = runs.iter().map(|r| r.total_fen).sum();
    let paid: i64 = runs
        .iter()
        .filter(|r| r.state == PayState::Paid)
        .map(|r| r.total_fen)
        .sum();
    let rows = towns
        .into_iter()
        .map(|(code, name)| {
            let run = runs.iter().find(|r| r.town.as_str() == code);
            TownLine {
                state: state_label(run.map(|r| r.state)),
                people: run.map_or_else(String::new, |r| r.people.to_string()),
                total: run.map_or_else(String::new, |r| yuan(r.total_fen)),
                example: run.is_some_and(|r| r.example),
                code,
                name,
            }
        })
        .collect();
    Ok(render(
        &OverviewPage {
            chrome: Chrome::new(
                &format!("{} 专业化补贴发放", month_text(month)),
                Some(&user),
                "/pay",
            ),
            month: month_text(month),
            rows,
            people: runs.iter().map(|r| r.people).sum(),
            total: yuan(total),
            paid: yuan(paid),
        },
        StatusCode::OK,
    ))
}
