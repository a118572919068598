//! `GET /training`: a town's year of training — each professionalized
//! secretary's compliance with what is still missing, the year's
//! sessions (those whose attendance the user may record marked), the
//! admonitions and make-up study poor results call for — with the forms
//! the user may fill in.
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use touyan_office::By;
use touyan_office::corrections::Target;
use touyan_office::training::{self as office, TownYear};
use touyan_records::TownCode;
use touyan_records::model::{Labelled, SessionForm};

use crate::http::{SignedIn, act};
use crate::pages::{Chrome, corrections, internal, masked, not_found_page, render};
use crate::roles::Action;
use crate::scope::by;
use crate::state::{AppState, User};

#[derive(Deserialize, Default)]
pub struct TrainingQuery {
    year: Option<String>,
    town: Option<String>,
}

pub struct ComplianceLine {
    pub key: String,
    pub village_name: String,
    pub name: String,
    pub person_id: String,
    pub city_days: String,
    pub town_sessions: u32,
    pub town_days: String,
    pub compliant: bool,
    pub sentence: String,
    pub reflections_missing: u32,
    pub poor_result: bool,
}

pub struct SessionLine {
    pub code: String,
    pub title: String,
    pub level: &'static str,
    pub form: &'static str,
    pub dates: String,
    pub days: String,
    pub attended: usize,
    pub recordable: bool,
    /// The session's correction page (its attendance is reached there).
    pub correct: String,
}

pub struct FollowUpLine {
    pub key: String,
    pub who: String,
    pub session: String,
    pub admonition: String,
    pub held_on: String,
    pub make_up: String,
    pub needs_admonition: bool,
    pub needs_make_up: bool,
}

#[derive(Template)]
#[template(path = "training/town.html")]
struct TrainingPage {
    chrome: Chrome,
    year: i32,
    town: String,
    towns: Vec<(String, String)>,
    standard: String,
    problem: Option<String>,
    error: Option<String>,
    lines: Vec<ComplianceLine>,
    sessions: Vec<SessionLine>,
    follow_ups: Vec<FollowUpLine>,
    may_add: bool,
    level_label: &'static str,
    forms: Vec<(&'static str, &'static str)>,
    may_follow_up: bool,
    /// Some session of the year may have its attendance recorded.
    may_attend: bool,
    today: String,
}

pub(super) async fn page(
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
    let Some(town) = town else {
        // A city role with no town chosen: the city's overview.
        return super::city::page(st, user, year, towns, error, status).await;
    };
    let mut p = TrainingPage {
        chrome: Chrome::new(&format!("{year} 年度培训"), Some(user), "/training"),
        year,
        town: town.as_str().to_owned(),
        towns,
        standard: String::new(),
        problem: None,
        error,
        lines: Vec::new(),
        sessions: Vec::new(),
        follow_ups: Vec::new(),
        may_add: false,
        level_label: "",
        forms: SessionForm::ALL
            .iter()
            .map(|f| (f.code(), f.label()))
            .collect(),
        may_follow_up: false,
        may_attend: false,
        today: st.today().to_string(),
    };
    let desk = match st.town_desk(user, Action::Training, &town) {
        Ok(d) => d,
        Err(e) => return axum::response::IntoResponse::into_response(e),
    };
    let store = desk.store();
    let ty = match office::town_year(store, year, town).await {
        Ok(ty) => ty,
        Err(e) => {
            return axum::response::IntoResponse::into_response(crate::http::PageError::from(e));
        }
    };
    let by = by(user);
    p.may_follow_up = office::may_follow_up(&by, town).is_ok();
    if let Some(level) = office::level_of(user.role) {
        p.may_add = office::may_session(&by, town).is_ok();
        p.level_label = level.label();
    }
    fill(st, &by, &mut p, &ty);
    render(&p, status)
}

fn fill(st: &AppState, by: &By<'_>, p: &mut TrainingPage, ty: &TownYear) {
    match ty.compliance(st.policy()) {
        Err(e) => p.problem = Some(e.to_string()),
        Ok(x) => {
            p.standard = x.standard.clone();
            p.lines = x
                .rows
                .iter()
                .map(|row| ComplianceLine {
                    key: st.person_ref(&row.who.person),
                    village_name: row.who.village_name.clone(),
                    name: row.who.name.clone(),
                    person_id: masked(&row.who.person),
                    city_days: row.city_days.normalize().to_string(),
                    town_sessions: row.town_sessions,
                    town_days: row.town_days.normalize().to_string(),
                    compliant: row.compliant,
                    sentence: row.sentence.clone(),
                    reflections_missing: row.reflections_missing,
                    poor_result: row.poor_result,
                })
                .collect();
        }
    }
    p.sessions = ty
        .sessions(by)
        .iter()
        .map(|v| {
            let s = v.session;
            SessionLine {
                correct: corrections::link(
                    st,
                    ty.town,
                    ty.year,
                    &Target::Session {
                        code: s.code.clone(),
                    },
                ),
                code: s.code.clone(),
                title: s.title.clone(),
                level: s.level.label(),
                form: s.form.label(),
                dates: format!("{} 至 {}", s.start, s.end),
                days: s.days.normalize().to_string(),
                attended: v.attended,
                recordable: v.recordable,
            }
        })
        .collect();
    p.may_attend = p.sessions.iter().any(|s| s.recordable);
    p.follow_ups = ty
        .follow_ups()
        .into_iter()
        .map(|f| FollowUpLine {
            key: st.person_ref(f.person),
            who: f.who,
            session: format!("{}（{}）", f.session.title, f.session.code),
            admonition: f.admonition.map_or_else(String::new, |m| m.reason.clone()),
            held_on: f
                .admonition
                .map_or_else(String::new, |m| m.held_on.to_string()),
            make_up: f
                .admonition
                .and_then(|m| m.make_up_study_done_on)
                .map_or_else(String::new, |d| d.to_string()),
            needs_admonition: f.needs_admonition,
            needs_make_up: f.needs_make_up,
        })
        .collect();
}

pub async fn show(
    State(st): State<AppState>,
    SignedIn { user, .. }: SignedIn<act::Training>,
    Query(q): Query<TrainingQuery>,
) -> Response {
    let Some(year) = crate::scope::year_of(&st, q.year.as_deref()) else {
        return not_found_page();
    };
    let Ok(town) = crate::scope::page_town(&user, q.town.as_deref()) else {
        return not_found_page();
    };
    page(&st, &user, year, town, None, StatusCode::OK).await
}
