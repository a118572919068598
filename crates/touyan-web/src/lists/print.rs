//! `GET /lists/{year}/{town}/print`: the filing form, for printing
//! (issue 5, item 7), with who the list leaves out of the list before
//! and why (`touyan_office::dropped`; issue 18, item 9).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::town::page;
use super::view::{Missing, load};
use crate::http::{PageError, SignedIn, act};
use crate::pages::{masked, message_page, render};
use crate::roles::Action;
use crate::scope::town_in_scope;
use crate::state::{AppState, china_time};
use touyan_office::exceptions;
use touyan_records::model::Labelled;

pub struct PrintRow {
    pub n: usize,
    pub village_name: String,
    pub person_name: String,
    pub person_id: String,
    pub stars: String,
    pub tier: String,
    pub reason: String,
}

/// Someone on the list before who is not on this one, as the form
/// prints them (`touyan_office::dropped`).
pub struct PrintDropped {
    pub n: usize,
    pub village_name: String,
    pub person_name: String,
    pub person_id: String,
    pub tier: String,
    pub reason: String,
}

/// An approved exception as the form prints it.
pub struct PrintException {
    pub seq: u32,
    pub rule: String,
    pub departure: String,
    pub reason: String,
    /// Who approved it in the town and in the city, and when.
    pub approved: String,
}

#[derive(Template)]
#[template(path = "lists/print.html")]
struct PrintPage {
    exceptions: Vec<PrintException>,
    title: String,
    town_name: String,
    state: &'static str,
    version: String,
    printed_on: String,
    counts: String,
    quota_text: String,
    rows: Vec<PrintRow>,
    /// The list compared with (`None`: none on record).
    before: Option<String>,
    dropped: Vec<PrintDropped>,
    /// The list's page (the form's 返回).
    back: String,
}

pub async fn print(
    State(st): State<AppState>,
    SignedIn { user, .. }: SignedIn<act::Lists>,
    Path((year, town)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let town = town_in_scope(&user, &town).ok_or(PageError::NotFound)?;
    let year = crate::scope::year_of(&st, Some(&year)).ok_or(PageError::NotFound)?;
    let desk = st.town_desk(&user, Action::Lists, &town)?;
    let store = desk.store();
    let v = match load(&st, &user, store, year, town).await? {
        Err(Missing::Town) => return Err(PageError::NotFound),
        Err(Missing::Proposal(m)) => {
            return Ok(message_page(StatusCode::NOT_FOUND, "尚无测算结果", &m));
        }
        Ok(v) => v,
    };
    // In the filing form's order (the office's): the shown rows by
    // village.
    let order: Vec<String> = v
        .list
        .filing_order()
        .iter()
        .map(|r| r.village.as_str().to_owned())
        .collect();
    let l = &v.list;
    let mut exceptions = Vec::new();
    for e in l.approved_exceptions() {
        let approved = exceptions::approvals_signed(store, l, e.seq)
            .await?
            .into_iter()
            .map(|(kind, name, at)| format!("{}：{name} {}", kind.label(), china_time(at)))
            .collect::<Vec<_>>()
            .join("；");
        exceptions.push(PrintException {
            seq: e.seq,
            rule: exceptions::rule_zh(&e.rule),
            departure: exceptions::departure_zh(l, &e.departure),
            reason: e.reason.clone(),
            approved,
        });
    }
    let dropped = touyan_office::dropped::dropped(store, l).await?;
    let p = page(&user, v, None, &crate::row_filter::RowFilter::default());
    let rows = order
        .iter()
        .filter_map(|village| p.rows.iter().find(|r| &r.village == village))
        .enumerate()
        .map(|(i, r)| PrintRow {
            n: i + 1,
            village_name: r.village_name.clone(),
            person_name: r.person_name.clone(),
            person_id: r.person_id.clone(),
            stars: r.stars.clone(),
            tier: r.chosen_text.clone(),
            reason: r.reason.clone(),
        })
        .collect();
    Ok(render(
        &PrintPage {
            title: format!("村党组织书记专业化管理名单备案表（{year} 年度）"),
            town_name: p.town_name,
            state: p.state,
            version: p.version,
            printed_on: st.today().to_string(),
            counts: p.counts,
            quota_text: p.quota_text,
            rows,
            exceptions,
            before: dropped.before,
            dropped: dropped
                .rows
                .into_iter()
                .enumerate()
                .map(|(i, d)| PrintDropped {
                    n: i + 1,
                    village_name: d.village_name,
                    person_name: d.person_name,
                    person_id: masked(&d.person),
                    tier: super::tier_text(Some(d.tier)),
                    reason: d.reason,
                })
                .collect(),
            back: format!("/lists/{year}/{}", town.as_str()),
        },
        StatusCode::OK,
    ))
}
