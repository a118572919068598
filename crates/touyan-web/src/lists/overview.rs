//! `GET /lists`: the city's overview of every town's list of a year, with
//! how many of each town's secretaries the year's proposal cannot judge
//! for want of last year's village facts (a town's user goes to their
//! town's list).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use std::collections::BTreeMap;

use touyan_records::TownCode;
use touyan_records::model::ReviewState;
use touyan_storage::Store;

use super::state_label;
use crate::guard::see_other;
use crate::http::{PageError, SignedIn, act};
use crate::pages::{Chrome, message_page, render};
use crate::roles::Action;
use crate::state::{AppState, Failure, User};

#[derive(Deserialize)]
pub struct YearQuery {
    year: Option<String>,
}

pub struct TownLine {
    pub code: String,
    pub name: String,
    pub quota: String,
    pub proposed: String,
    pub state: &'static str,
    pub version: String,
    pub filed: usize,
    /// Approved exceptions to hedged clauses, and those waiting.
    pub exceptions: String,
    /// Secretaries the year's proposal cannot judge for want of their
    /// village's facts of the year before ("" for none).
    pub missing: String,
}

#[derive(Template)]
#[template(path = "lists/overview.html")]
struct ListsPage {
    chrome: Chrome,
    year: i32,
    rows: Vec<TownLine>,
    may_propose: bool,
    /// How many secretaries of every town lack their village's facts of
    /// the year before, and in how many towns.
    missing: (usize, usize),
}

pub async fn overview(
    State(st): State<AppState>,
    SignedIn { user, .. }: SignedIn<act::Lists>,
    Query(q): Query<YearQuery>,
) -> Result<Response, PageError> {
    let Some(year) = crate::scope::year_of(&st, q.year.as_deref()) else {
        return Ok(message_page(
            StatusCode::BAD_REQUEST,
            "年度有误",
            "年度应为四位数字，如 2026。",
        ));
    };
    if let Some(t) = user.town_scope() {
        return Ok(see_other(&format!("/lists/{year}/{t}")));
    }
    let desk = st.city_desk(&user, Action::Lists)?;
    let missing = touyan_office::year_start::missing_facts(desk.store(), year).await?;
    let rows = overview_rows(&st, &user, desk.store(), year, &missing).await?;
    Ok(render(
        &ListsPage {
            chrome: Chrome::new(&format!("{year} 年度专业化管理名单"), Some(&user), "/lists"),
            year,
            rows,
            may_propose: user.may(Action::Propose),
            missing: (missing.values().sum(), missing.len()),
        },
        StatusCode::OK,
    ))
}

async fn overview_rows(
    st: &AppState,
    user: &User,
    store: &Store,
    year: i32,
    missing: &BTreeMap<TownCode, usize>,
) -> Result<Vec<TownLine>, Failure> {
    let reader = st.reader(user);
    let towns = reader.towns().await?;
    let runs = store.cycle_towns(year, None).await?;
    let reviews = store.list_reviews(year).await?;
    let filed = store.filed_counts(year).await?;
    let exceptions = store.list_exceptions(year, None).await?;
    Ok(towns
        .into_iter()
        .map(|(code, name)| {
            let run = runs.iter().find(|r| r.town.town.as_str() == code);
            let review = reviews.iter().find(|r| r.town.as_str() == code);
            let filed = filed.get(&code).copied().unwrap_or(0);
            let state = review
                .map(|r| r.state)
                .or_else(|| (filed > 0).then_some(ReviewState::Filed));
            let t = touyan_office::exceptions::tally(&exceptions, &code);
            let lacking = TownCode::parse(&code)
                .ok()
                .and_then(|c| missing.get(&c).copied())
                .unwrap_or(0);
            TownLine {
                missing: match lacking {
                    0 => String::new(),
                    n => format!("{n} 人缺少 {} 年村情", year - 1),
                },
                exceptions: match (t.approved, t.waiting) {
                    (0, 0) => String::new(),
                    (a, 0) => format!("已批准 {a}"),
                    (a, w) => format!("已批准 {a}，待审 {w}"),
                },
                quota: run.map_or_else(|| "未测算".into(), |r| r.town.inclusion_quota.to_string()),
                proposed: run.map_or_else(String::new, |r| r.town.included.to_string()),
                state: state_label(state),
                version: review.map_or_else(String::new, |r| format!("第 {} 版", r.version)),
                filed,
                code,
                name,
            }
        })
        .collect())
}
