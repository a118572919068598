//! `GET /pay/{month}/{town}/print`: the payment list, for printing
//! (issue 5, item 7) — the run page's lines and totals on A4.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::town::{PayLine, YoungLine, page};
use super::view::open_run;
use crate::http::{PageError, SignedIn, act};
use crate::pages::render;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "pay/print.html")]
struct PrintPage {
    title: String,
    town_name: String,
    state: &'static str,
    printed_on: String,
    lines: Vec<PayLine>,
    by_source: Vec<(String, u32, String)>,
    total: String,
    young_lines: Vec<YoungLine>,
    young_total: String,
    run_total: String,
    example: bool,
    /// The page the sheet was opened from (its 返回).
    back: String,
}

pub async fn print(
    State(st): State<AppState>,
    SignedIn { user, .. }: SignedIn<act::Pay>,
    Path((month, town)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (_, v) = open_run(&st, &user, &month, &town).await?;
    let printed_on = st.today().to_string();
    let p = page(&user, v, None);
    Ok(render(
        &PrintPage {
            title: format!("村党组织书记专业化补贴发放表（{}）", p.month),
            town_name: p.town_name,
            state: p.state,
            printed_on,
            lines: p.lines,
            by_source: p.by_source,
            total: p.total,
            young_lines: p.young_lines,
            young_total: p.young_total,
            run_total: p.run_total,
            example: p.example,
            back: format!("/pay/{}/{}", p.month, p.town),
        },
        StatusCode::OK,
    ))
}
