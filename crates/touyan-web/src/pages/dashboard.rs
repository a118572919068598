//! The dashboard: the scope's totals, the first warnings, the towns a
//! page at a time with a search, and the charts' data.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::{Chrome, PER_PAGE, Pager, page_number, render};
use crate::http::{PageError, SignedIn, act};
use crate::state::AppState;

/// A row of the dashboard's town table.
pub struct TownLine<'a> {
    pub t: &'a crate::charts::TownChart,
    pub quota: u64,
    pub over: bool,
    /// What needs action, in short ("" when nothing).
    pub need: String,
}

/// Warnings the dashboard lists before "另有 N 条" (a province has more
/// than a thousand; every town's are in the table's 需要处理 column).
pub const WARNINGS_SHOWN: usize = 20;

#[derive(Template)]
#[template(path = "pages/dashboard.html")]
struct DashboardPage<'a> {
    chrome: Chrome,
    scope: &'a str,
    year: i32,
    total: &'a crate::charts::Totals,
    /// Whether the table has a search (more than one town).
    many: bool,
    q: String,
    need: bool,
    /// Towns matching the search, and this page of them.
    matching: u64,
    towns: Vec<TownLine<'a>>,
    pager: Pager,
    warnings: &'a [crate::charts::Warning],
    more_warnings: usize,
    policy_warning: Option<String>,
    /// The charts' data (`dashboard.js`), the chart's towns only.
    chart_json: &'a str,
    /// The first of what waits for the user (the to-do page has all).
    todo: Vec<super::TodoLine>,
    todo_total: usize,
    /// What the user is told when the to-do list cannot be read (with
    /// the logged error's number).
    todo_failed: Option<String>,
}

/// To-dos the dashboard lists before "全部待办".
pub const TODO_SHOWN: usize = 5;

/// Query parameters of the dashboard's town table.
#[derive(Deserialize, Default)]
pub struct DashboardQuery {
    /// Part of a town's name or code.
    q: Option<String>,
    /// Only towns that need action.
    need: Option<String>,
    page: Option<String>,
}

/// Whether a town matches the table's search: part of its name or code.
fn town_matches(t: &crate::charts::TownChart, q: &str) -> bool {
    q.is_empty() || t.name.contains(q) || t.code.contains(q)
}

/// The 需要处理 cell of a town.
fn town_need(t: &crate::charts::TownChart) -> String {
    let mut parts = Vec::new();
    if t.over_quota() > 0 {
        parts.push(format!("超额 {} 名", t.over_quota()));
    }
    if t.unfiled() > 0 {
        parts.push(format!("{} 人未备案", t.unfiled()));
    }
    if t.reserve_missing > 0 {
        parts.push(format!(
            "{} 村缺后备 {} 名",
            t.reserve_villages, t.reserve_missing
        ));
    }
    parts.join("；")
}

/// The dashboard: the scope's totals, the first warnings, the towns
/// (those needing action first) a page at a time with a search, and the
/// charts (at most `charts::CHART_TOWNS` towns).
pub async fn dashboard(
    State(st): State<AppState>,
    SignedIn { user, .. }: SignedIn<act::Dashboard>,
    Query(dq): Query<DashboardQuery>,
) -> Result<Response, PageError> {
    let policy_warning = touyan_office::when::year_start(st.today().year())
        .and_then(|d| touyan_office::when::params_on(st.policy(), d))
        .err()
        .map(|e| format!("无法计算名额：{e}"));
    let computed = crate::charts::data(&st, &user).await?;
    let data = &computed.data;
    let q =
        dq.q.as_deref()
            .map(str::trim)
            .unwrap_or_default()
            .to_owned();
    let need = dq.need.as_deref().is_some_and(|s| !s.is_empty());
    let page = page_number(&dq.page);
    let per_page = PER_PAGE as usize;
    let skip = (page as usize - 1).saturating_mul(per_page);
    let mut matching = 0u64;
    let mut towns = Vec::new();
    for t in computed
        .table_order
        .iter()
        .filter_map(|&i| data.towns.get(i))
        .filter(|t| (!need || t.needs_action()) && town_matches(t, &q))
    {
        let n = matching as usize;
        matching += 1;
        if n < skip || n >= skip + per_page {
            continue;
        }
        towns.push(TownLine {
            t,
            quota: t.quota.unwrap_or(0),
            over: t.over_quota() > 0,
            need: town_need(t),
        });
    }
    let need_flag = if need { "1" } else { "" };
    let pager = Pager::new("/", &[("q", &q), ("need", need_flag)], page, matching);
    let shown = data.warnings.len().min(WARNINGS_SHOWN);
    // The to-do list never takes the dashboard down with it: a failure to
    // read it is said on the page and logged.
    let (todo, todo_failed) = match super::todo::items(&st, &user).await {
        Ok(t) => (t, None),
        Err(e) => (
            Default::default(),
            Some(crate::http::logged(&format!("to-do list failed: {e:?}"))),
        ),
    };
    let today = st.today();
    Ok(render(
        &DashboardPage {
            chrome: Chrome::new("首页", Some(&user), "/"),
            scope: &data.scope,
            year: data.year,
            total: &data.totals,
            many: data.towns.len() > 1,
            q,
            need,
            matching,
            towns,
            pager,
            warnings: &data.warnings[..shown],
            more_warnings: data.warnings.len() - shown,
            policy_warning,
            chart_json: &computed.chart_json,
            todo_total: todo.len(),
            todo_failed,
            todo: todo
                .iter()
                .take(TODO_SHOWN)
                .map(|t| super::todo::line(t, today))
                .collect(),
        },
        StatusCode::OK,
    ))
}
