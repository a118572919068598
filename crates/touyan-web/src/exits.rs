//! Exits in the browser (issue 5, item 8; the inferred Article 14): for a
//! town's year, each secretary on the filed list whom a ground applies to
//! (over the age limit, no longer secretary — the rules crate's
//! `art14_exit_inferred`), the exits on record, and recording an exit with
//! its reason and date (the town's reviewer; exits after a failed
//! evaluation are recorded where the evaluation's case is confirmed).

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use touyan_records::TownCode;
use touyan_records::model::{Exit, ExitReason, Labelled, PostRole, Records};
use touyan_rules::art14_exit_inferred::{self, ExitFacts};
use touyan_rules::calendar::parse_iso_date;
use touyan_storage::{Batch, StoreError};

use crate::guard::{csrf_ok, see_other};
use crate::pages::{Chrome, csrf_refused, internal, masked, not_found_page, render, signed_in};
use touyan_workflow::art14_exit;

use crate::roles::Action;
use crate::scope::{actor, field, page_town};
use crate::state::{AppState, User, client_addr};

#[derive(Deserialize, Default)]
pub struct ExitsQuery {
    year: Option<String>,
    town: Option<String>,
}

pub struct ListedLine {
    pub key: String,
    pub who: String,
    pub person_id: String,
    pub grounds: Vec<String>,
    pub exit: String,
}

#[derive(Template)]
#[template(path = "exits.html")]
struct ExitsPage {
    chrome: Chrome,
    year: i32,
    town: String,
    towns: Vec<(String, String)>,
    problem: Option<String>,
    error: Option<String>,
    lines: Vec<ListedLine>,
    may_record: bool,
    reasons: Vec<(&'static str, &'static str)>,
    today: String,
}

/// Whether the user may record an exit (`touyan_workflow::art14_exit`).
fn may_record(user: &User, town: &str) -> bool {
    art14_exit::may_record(&actor(user), town).is_ok()
}

fn lines(st: &AppState, r: &Records, year: i32) -> Vec<ListedLine> {
    let today = st.today();
    let params = st.policy().resolve(today).ok();
    let mut out: Vec<ListedLine> = r
        .list_entries
        .iter()
        .filter(|e| e.year == year)
        .map(|e| {
            let person = r.people.iter().find(|p| p.id == e.person);
            let village = r
                .villages
                .iter()
                .find(|v| v.code == e.village)
                .map_or_else(|| e.village.as_str().to_owned(), |v| v.name.clone());
            let exit = r
                .exits
                .iter()
                .filter(|x| x.person == e.person)
                .max_by_key(|x| x.on);
            let still = r.posts.iter().any(|p| {
                p.person == e.person
                    && p.village == e.village
                    && p.role == PostRole::Secretary
                    && p.start <= today
                    && p.end.is_none_or(|d| d >= today)
            });
            let grounds = match (&params, exit) {
                (Some(p), None) => art14_exit_inferred::exit_grounds(
                    p,
                    &ExitFacts {
                        birth_date: e.person.birth_date(),
                        competency: None,
                        confirmed_not_competent: false,
                        disciplined: false,
                        still_secretary: still,
                    },
                    today,
                )
                .iter()
                .map(|d| format!("{}（{}）", d.reason, d.rule.citation()))
                .collect(),
                _ => Vec::new(),
            };
            ListedLine {
                key: st.person_ref(&e.person),
                who: format!("{village} {}", person.map_or("", |p| p.name.as_str())),
                person_id: masked(&e.person),
                grounds,
                exit: exit.map_or_else(String::new, |x| {
                    format!(
                        "{} {}{}",
                        x.on,
                        x.reason.label(),
                        if x.note.is_empty() {
                            String::new()
                        } else {
                            format!("：{}", x.note)
                        }
                    )
                }),
            }
        })
        .collect();
    out.sort_by(|a, b| a.who.cmp(&b.who));
    out
}

async fn page(
    st: &AppState,
    user: &User,
    year: i32,
    town: Option<TownCode>,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let towns = match st.reader(user).towns().await {
        Ok(t) => t,
        Err(e) => return internal(e.into()),
    };
    let mut p = ExitsPage {
        chrome: Chrome::new(&format!("{year} 年度退出管理"), Some(user), "/exits"),
        year,
        town: town.map(|t| t.as_str().to_owned()).unwrap_or_default(),
        towns,
        problem: None,
        error,
        lines: Vec::new(),
        may_record: false,
        reasons: ExitReason::ALL
            .iter()
            .map(|r| (r.code(), r.label()))
            .collect(),
        today: st.today().to_string(),
    };
    let Some(town) = town else {
        p.problem = Some("请选择镇街区".into());
        return render(&p, status);
    };
    let desk = match st.town_desk(user, Action::Exits, &town) {
        Ok(d) => d,
        Err(e) => return axum::response::IntoResponse::into_response(e),
    };
    let store = desk.store();
    match store.town_records(year, town).await {
        Ok(r) => p.lines = lines(st, &r, year),
        Err(e) => return internal(e.into()),
    }
    if p.lines.is_empty() {
        p.problem = Some(format!("{year} 年没有已备案的专业化管理名单"));
    }
    p.may_record = may_record(user, town.as_str());
    render(&p, status)
}

pub async fn show(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ExitsQuery>,
) -> Response {
    let user = match signed_in(&st, &headers, Action::Exits).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let Some(year) = crate::scope::year_of(&st, q.year.as_deref()) else {
        return not_found_page();
    };
    let Ok(town) = page_town(&user, q.town.as_deref()) else {
        return not_found_page();
    };
    page(&st, &user, year, town, None, StatusCode::OK).await
}

/// `POST /exits`: `person` (a reference), `reason`, `date`, `note`, with
/// `year`, `town`, `csrf`.
pub async fn record(
    State(st): State<AppState>,
    parts: Parts,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let user = match signed_in(&st, &parts.headers, Action::Exits).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    if !csrf_ok(&user, Some(field(&form, "csrf"))) {
        return csrf_refused();
    }
    let Some(year) = crate::scope::year_of(&st, Some(field(&form, "year"))) else {
        return not_found_page();
    };
    let Ok(Some(town)) = page_town(&user, Some(field(&form, "town"))) else {
        return not_found_page();
    };
    let refuse = |m: String, status: StatusCode| {
        let st = st.clone();
        let user = user.clone();
        async move { page(&st, &user, year, Some(town), Some(m), status).await }
    };
    if let Err(r) = art14_exit::may_record(&actor(&user), town.as_str()) {
        return refuse(r.to_string(), StatusCode::FORBIDDEN).await;
    }
    let desk = match st.town_desk(&user, Action::Exits, &town) {
        Ok(d) => d,
        Err(e) => return axum::response::IntoResponse::into_response(e),
    };
    let store = desk.store();
    let r = match store.town_records(year, town).await {
        Ok(r) => r,
        Err(e) => return internal(e.into()),
    };
    let Some(entry) = r
        .list_entries
        .iter()
        .find(|e| e.year == year && st.person_ref(&e.person) == field(&form, "person"))
    else {
        return refuse("没有找到该书记".into(), StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let Some(reason) = ExitReason::ALL
        .iter()
        .copied()
        .find(|x| x.code() == field(&form, "reason"))
    else {
        return refuse("请选择退出原因".into(), StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let Some(on) = parse_iso_date(field(&form, "date")).filter(|d| *d <= st.today()) else {
        return refuse(
            "退出日期应为 YYYY-MM-DD，且不晚于今天".into(),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let note = field(&form, "note");
    if reason == ExitReason::Other && note.is_empty() {
        return refuse(
            "“其他”原因须写明情况".into(),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let batch = Batch {
        exits: vec![Exit {
            person: entry.person.clone(),
            on,
            reason,
            note: note.chars().take(300).collect(),
        }],
        ..Batch::default()
    };
    match store
        .apply_from(&user.username, Some(&client_addr(&parts)), &batch)
        .await
    {
        Ok(_) => see_other(&format!("/exits?year={year}&town={}", town.as_str())),
        Err(StoreError::Invalid(m)) => refuse(m, StatusCode::UNPROCESSABLE_ENTITY).await,
        Err(e) => internal(e.into()),
    }
}
