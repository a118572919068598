//! `GET /reserves`: a town's year of secondments (against both quotas),
//! reserve coverage per village and post, the active reserves, the
//! appointments from outside the reserves and the yearly report, with
//! the forms the user may fill in.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use touyan_office::corrections::Target;
use touyan_office::reserves::{self as office, Recording};
use touyan_office::when;
use touyan_records::model::{Labelled, PostRole, Records, SecondmentLevel};
use touyan_records::{CitizenId, TownCode};
use touyan_rules::people::Education;

use crate::http::{PageError, SignedIn, act};
use crate::masking::person_option;
use crate::pages::{Chrome, corrections, internal, masked, render};
use crate::roles::Action;
use crate::scope::by;
use crate::state::{AppState, User};

#[derive(Deserialize, Default)]
pub struct ReservesQuery {
    year: Option<String>,
    town: Option<String>,
}

pub struct SecondmentLine {
    pub key: String,
    pub start: String,
    pub who: String,
    pub level: &'static str,
    pub host: String,
    pub dates: String,
    pub length: String,
    pub length_ok: bool,
    pub logs: usize,
    pub last_log: String,
    pub appraisal: String,
    pub complete: bool,
    pub complete_sentence: String,
    /// Ended, not yet appraised: the appraisal may be recorded.
    pub appraisable: bool,
    /// Started: work-log entries may be recorded.
    pub loggable: bool,
    /// The secondment's correction page.
    pub correct: String,
}

pub struct CoverLine {
    pub village_name: String,
    pub post: &'static str,
    pub holder: String,
    pub names: String,
    pub short: bool,
    pub sentence: String,
}

pub struct AppointmentLine {
    pub who: String,
    pub on: String,
    pub ok: bool,
    pub sentence: String,
}

/// An active reserve of the town's villages.
pub struct ReserveLine {
    pub key: String,
    pub village: String,
    pub village_name: String,
    pub post: &'static str,
    pub post_code: &'static str,
    pub name: String,
    pub listed_on: String,
    /// The listing's correction page (withdrawn when listed by mistake).
    pub correct: String,
}

#[derive(Template)]
#[template(path = "reserves/town.html")]
struct ReservesPage {
    chrome: Chrome,
    year: i32,
    town: String,
    /// The town's name, for the questions asked first ("" for none).
    town_name: String,
    towns: Vec<(String, String)>,
    problem: Option<String>,
    error: Option<String>,
    secondments: Vec<SecondmentLine>,
    city_quota: String,
    town_quota: String,
    cover: Vec<CoverLine>,
    posts: Vec<CoverLine>,
    appointments: Vec<AppointmentLine>,
    reserves: Vec<ReserveLine>,
    report: String,
    report_missing: bool,
    may_second: bool,
    may_reserve: bool,
    may_report: bool,
    /// The year's filed secretaries (reference, "village name masked-ID").
    listed: Vec<(String, String)>,
    /// The town's people on record (reference, "village name masked-ID").
    people: Vec<(String, String)>,
    villages: Vec<(String, String)>,
    levels: Vec<(&'static str, &'static str)>,
    roles: Vec<(&'static str, &'static str)>,
    educations: Vec<(&'static str, &'static str)>,
    /// The in-service choices: 无 (none earned in service) first, then
    /// the levels; no default either way.
    in_service: Vec<(&'static str, &'static str)>,
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
    let mut p = ReservesPage {
        chrome: Chrome::new(
            &format!("{year} 年度后备力量与挂职"),
            Some(user),
            "/reserves",
        ),
        year,
        town: town.as_str().to_owned(),
        town_name: crate::scope::town_name(&towns, Some(town)),
        towns,
        problem: None,
        error,
        secondments: Vec::new(),
        city_quota: String::new(),
        town_quota: String::new(),
        cover: Vec::new(),
        posts: Vec::new(),
        appointments: Vec::new(),
        reserves: Vec::new(),
        report: String::new(),
        report_missing: false,
        may_second: false,
        may_reserve: false,
        may_report: false,
        listed: Vec::new(),
        people: Vec::new(),
        villages: Vec::new(),
        levels: SecondmentLevel::ALL
            .iter()
            .map(|l| (l.code(), l.label()))
            .collect(),
        roles: PostRole::ALL
            .iter()
            .map(|r| (r.code(), r.label()))
            .collect(),
        educations: Education::ALL
            .iter()
            .map(|e| (Labelled::code(*e), Labelled::label(*e)))
            .collect(),
        in_service: std::iter::once((Labelled::code(Education::None), "无"))
            .chain(
                Education::ALL
                    .iter()
                    .filter(|e| **e != Education::None)
                    .map(|e| (Labelled::code(*e), Labelled::label(*e))),
            )
            .collect(),
        today: st.today().to_string(),
    };
    if let Err(r) = fill(st, user, &mut p, year, town).await {
        return r;
    }
    render(&p, status)
}

pub async fn show(
    State(st): State<AppState>,
    SignedIn { user, .. }: SignedIn<act::Reserves>,
    Query(q): Query<ReservesQuery>,
) -> Result<Response, PageError> {
    let year = crate::scope::year_of(&st, q.year.as_deref()).ok_or(PageError::NotFound)?;
    let town =
        crate::scope::page_town(&user, q.town.as_deref()).map_err(|()| PageError::NotFound)?;
    Ok(page(&st, &user, year, town, None, StatusCode::OK).await)
}

fn name_of(r: &Records, id: &CitizenId) -> String {
    r.people
        .iter()
        .find(|x| x.id == *id)
        .map_or_else(|| masked(id), |x| x.name.clone())
}

fn village_name(r: &Records, v: &touyan_records::VillageCode) -> String {
    r.villages
        .iter()
        .find(|x| x.code == *v)
        .map_or_else(|| v.as_str().to_owned(), |x| x.name.clone())
}

// One piece: it fills one page top to bottom in the order the page shows its tables.
async fn fill(
    st: &AppState,
    user: &User,
    p: &mut ReservesPage,
    year: i32,
    town: TownCode,
) -> Result<(), Response> {
    let desk = st
        .town_desk(user, Action::Reserves, &town)
        .map_err(IntoResponse::into_response)?;
    let store = desk.store();
    let ty = office::town_year(store, year, town)
        .await
        .map_err(|e| crate::http::PageError::from(e).into_response())?;
    let by = by(user);
    p.may_second = ty.may(&by, Recording::Secondment);
    p.may_reserve = ty.may(&by, Recording::Reserve);
    p.may_report = ty.may(&by, Recording::Report) && ty.report.is_none();
    match &ty.report {
        Some(x) => {
            p.report = format!(
                "{year} 年度后备力量培养情况报告已于 {} 提交：{}",
                x.submitted_on, x.summary
            )
        }
        None => {
            p.report =
                format!("{year} 年度后备力量培养情况报告尚未提交（第九条：每年形成培养情况报告）");
            p.report_missing = true;
        }
    }
    let today = st.today();
    let params = match when::year_start(year).and_then(|jan1| when::params_on(st.policy(), jan1)) {
        Ok(x) => x,
        Err(e) => {
            p.problem = Some(e.to_string());
            return Ok(());
        }
    };
    let r = &ty.records;
    p.listed = ty
        .listed()
        .iter()
        .map(|e| {
            (
                st.person_ref(&e.person),
                person_option(
                    &village_name(r, &e.village),
                    &name_of(r, &e.person),
                    &e.person,
                ),
            )
        })
        .collect();
    p.listed.sort_by(|a, b| a.1.cmp(&b.1));
    p.villages = r
        .villages
        .iter()
        .map(|v| (v.code.as_str().to_owned(), v.name.clone()))
        .collect();
    p.villages.sort();
    p.people = r
        .people
        .iter()
        .map(|x| {
            // Where they hold a post, or else where they are a reserve.
            let village = r
                .posts
                .iter()
                .find(|post| post.person == x.id)
                .map(|post| post.village)
                .or_else(|| {
                    r.reserves
                        .iter()
                        .find(|v| v.person == x.id)
                        .map(|v| v.village)
                })
                .map(|v| village_name(r, &v))
                .unwrap_or_default();
            (
                st.person_ref(&x.id),
                person_option(&village, &x.name, &x.id),
            )
        })
        .collect();
    p.people.sort_by(|a, b| a.1.cmp(&b.1));
    // Secondments starting in the year, of the year's listed people,
    // against both quotas (people, not secondments, are counted).
    let sec = ty.secondments(&params);
    p.secondments = sec
        .rows
        .into_iter()
        .map(|row| {
            let s = row.secondment;
            SecondmentLine {
                correct: corrections::link(
                    st,
                    ty.town,
                    year,
                    &Target::Secondment {
                        person: s.person.clone(),
                        start: s.start,
                    },
                ),
                key: st.person_ref(&s.person),
                start: s.start.to_string(),
                who: name_of(r, &s.person),
                level: s.level.label(),
                host: s.host_unit.clone(),
                dates: format!("{} 至 {}", s.start, s.end),
                length: row.length,
                length_ok: row.counts,
                logs: row.logs as usize,
                last_log: row
                    .last_log
                    .map_or_else(String::new, |(on, text)| format!("{on}：{text}")),
                appraisal: s.appraisal.clone().unwrap_or_default(),
                complete: row.complete,
                complete_sentence: row.complete_sentence,
                appraisable: s.appraisal.is_none() && s.end <= today,
                loggable: s.start <= today,
            }
        })
        .collect();
    p.city_quota = sec.city.sentence;
    p.town_quota = sec.town_quota.sentence;
    // Reserve coverage on the office's day (today, or the year's last day).
    let on = when::in_year(year, today);
    match ty.coverage(&params, today) {
        Err(e) => p.problem = Some(e.to_string()),
        Ok((x, _)) => {
            p.cover = x
                .rows
                .iter()
                .map(|row| CoverLine {
                    village_name: row.who.village_name.clone(),
                    post: PostRole::Secretary.label(),
                    holder: row.who.name.clone(),
                    names: row.names.join("、"),
                    short: row.shortfall > 0,
                    sentence: row.sentence.clone(),
                })
                .collect();
            p.posts = x
                .posts
                .iter()
                .filter(|row| row.shortfall > 0)
                .map(|row| CoverLine {
                    village_name: row.who.village_name.clone(),
                    post: row.post.label(),
                    holder: row.who.name.clone(),
                    names: row.names.join("、"),
                    short: true,
                    sentence: row.sentence.clone(),
                })
                .collect();
        }
    }
    p.reserves = r
        .reserves
        .iter()
        .filter(|x| x.listed_on <= on && x.removed_on.is_none_or(|d| d > on))
        .map(|x| ReserveLine {
            correct: corrections::link(
                st,
                ty.town,
                year,
                &Target::Reserve {
                    person: x.person.clone(),
                    village: x.village,
                    post: x.post,
                    listed_on: x.listed_on,
                },
            ),
            key: st.person_ref(&x.person),
            village: x.village.as_str().to_owned(),
            village_name: village_name(r, &x.village),
            post: x.post.label(),
            post_code: x.post.code(),
            name: if ty.young_cadre(&x.person) {
                format!("{}（优才计划年轻干部，第十条）", name_of(r, &x.person))
            } else {
                name_of(r, &x.person)
            },
            listed_on: x.listed_on.to_string(),
        })
        .collect();
    p.reserves.sort_by(|a, b| {
        (&a.village_name, a.post_code, &a.listed_on).cmp(&(
            &b.village_name,
            b.post_code,
            &b.listed_on,
        ))
    });
    // Secretaries appointed in the year: from the reserves, long enough?
    for a in ty.appointments(&params) {
        let d = &a.decision;
        p.appointments.push(AppointmentLine {
            who: format!(
                "{} {}",
                village_name(r, &a.post.village),
                name_of(r, &a.post.person)
            ),
            on: a.post.start.to_string(),
            ok: d.outcome,
            sentence: format!("{}（{}）", d.reason, d.rule.citation()),
        });
    }
    Ok(())
}
