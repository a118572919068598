//! The policy page: each parameter with its article, value in force on a
//! day, unit and note (example and inferred values marked).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use touyan_rules::decision::article_zh;

use super::{Chrome, opt, render};
use crate::http::{PageError, SignedIn, act};
use crate::state::AppState;

pub struct PolicyLine {
    pub article: String,
    pub name: &'static str,
    pub value: String,
    pub unit: String,
    pub since: String,
    pub note: String,
    pub example: bool,
    pub inferred: bool,
}

#[derive(Template)]
#[template(path = "pages/policy.html")]
struct PolicyPage {
    chrome: Chrome,
    date: String,
    id: String,
    title: String,
    examples: usize,
    rows: Vec<PolicyLine>,
}

#[derive(Deserialize)]
pub struct PolicyQuery {
    date: Option<String>,
}

pub async fn policy(
    State(st): State<AppState>,
    SignedIn { user, .. }: SignedIn<act::Policy>,
    Query(q): Query<PolicyQuery>,
) -> Result<Response, PageError> {
    let on = q
        .date
        .as_deref()
        .and_then(touyan_records::text::parse_day)
        .unwrap_or_else(|| st.today());
    let policy = st.policy();
    let rows: Vec<PolicyLine> = policy
        .entries
        .iter()
        .map(|e| {
            let d = e.in_force(on);
            PolicyLine {
                article: format!("第{}条{}", article_zh(e.article), e.clause),
                name: e.spec.name,
                value: d.map_or_else(|| "（该日没有生效值）".to_owned(), |d| opt(&d.value)),
                unit: e.unit.clone(),
                since: d.map(|d| d.since.to_string()).unwrap_or_default(),
                note: e.note.clone(),
                example: d.is_some_and(|d| d.example),
                inferred: e.inferred,
            }
        })
        .collect();
    Ok(render(
        &PolicyPage {
            chrome: Chrome::new("政策参数", Some(&user), "/policy"),
            date: on.to_string(),
            id: policy.id.clone(),
            title: policy.title.clone(),
            examples: rows.iter().filter(|r| r.example).count(),
            rows,
        },
        StatusCode::OK,
    ))
}
