//! Secondments and reserves in the browser (issue 5, item 3; Articles 8
//! and 9), read from the records: a town's secondments of the year with
//! their length, work logs and appraisal, counted against both quotas;
//! the reserve pool per professionalized village and per other post with
//! its shortfalls (the reserves export's builder); and a warning for every
//! secretary appointed in the year from outside the reserves or with less
//! than the required time in them. Every figure is a rules-crate decision
//! shown with its sentence. Records come in through the import.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use time::{Date, Month};
use touyan_excel::reports;
use touyan_records::TownCode;
use touyan_records::model::{Labelled, PostRole, SecondmentLevel};
use touyan_rules::{art08_secondment, art09_reserves};

use crate::pages::{Chrome, internal, masked, not_found_page, render, signed_in};
use crate::roles::Action;
use crate::state::{AppState, User};

#[derive(Deserialize, Default)]
pub struct ReservesQuery {
    year: Option<String>,
    town: Option<String>,
}

pub struct SecondmentLine {
    pub who: String,
    pub level: &'static str,
    pub host: String,
    pub dates: String,
    pub length: String,
    pub length_ok: bool,
    pub logs: usize,
    pub appraisal: String,
    pub complete: bool,
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

#[derive(Template)]
#[template(path = "reserves.html")]
struct ReservesPage {
    chrome: Chrome,
    year: i32,
    town: String,
    towns: Vec<(String, String)>,
    problem: Option<String>,
    secondments: Vec<SecondmentLine>,
    city_quota: String,
    town_quota: String,
    cover: Vec<CoverLine>,
    posts: Vec<CoverLine>,
    appointments: Vec<AppointmentLine>,
}

pub async fn show(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ReservesQuery>,
) -> Response {
    let user = match signed_in(&st, &headers, Action::Reserves).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let Some(year) = crate::scope::year_of(&st, q.year.as_deref()) else {
        return not_found_page();
    };
    let Ok(town) = crate::scope::page_town(&user, q.town.as_deref()) else {
        return not_found_page();
    };
    let towns = match st.reader(&user).towns().await {
        Ok(t) => t,
        Err(e) => return internal(e.into()),
    };
    let mut p = ReservesPage {
        chrome: Chrome::new(
            &format!("{year} 年度后备力量与挂职"),
            Some(&user),
            "/reserves",
        ),
        year,
        town: town.map(|t| t.as_str().to_owned()).unwrap_or_default(),
        towns,
        problem: None,
        secondments: Vec::new(),
        city_quota: String::new(),
        town_quota: String::new(),
        cover: Vec::new(),
        posts: Vec::new(),
        appointments: Vec::new(),
    };
    let Some(town) = town else {
        p.problem = Some("请选择镇街区".into());
        return render(&p, StatusCode::OK);
    };
    if let Err(r) = fill(&st, &user, &mut p, year, town).await {
        return r;
    }
    render(&p, StatusCode::OK)
}

async fn fill(
    st: &AppState,
    user: &User,
    p: &mut ReservesPage,
    year: i32,
    town: TownCode,
) -> Result<(), Response> {
    let store = st
        .unscoped_for(user, Action::Reserves)
        .ok_or_else(crate::pages::forbidden)?;
    let r = store
        .town_records(year, town)
        .await
        .map_err(|e| internal(e.into()))?;
    let jan1 = Date::from_calendar_date(year, Month::January, 1).unwrap_or(st.today());
    let params = match st.policy().resolve(jan1) {
        Ok(x) => x,
        Err(e) => {
            p.problem = Some(format!("政策参数无法用于 {jan1}：{e}"));
            return Ok(());
        }
    };
    let name = |id: &touyan_records::CitizenId| {
        r.people
            .iter()
            .find(|x| x.id == *id)
            .map_or_else(|| masked(id), |x| x.name.clone())
    };
    let village_name = |v: &touyan_records::VillageCode| {
        r.villages
            .iter()
            .find(|x| x.code == *v)
            .map_or_else(|| v.as_str().to_owned(), |x| x.name.clone())
    };
    // Secondments starting in the year, of the year's listed people.
    let listed: Vec<&touyan_records::CitizenId> = r
        .list_entries
        .iter()
        .filter(|e| e.status == touyan_records::model::ListStatus::Filed)
        .map(|e| &e.person)
        .collect();
    let mut city_done = 0u32;
    let mut town_done = 0u32;
    for s in r
        .secondments
        .iter()
        .filter(|s| s.start.year() == year && listed.contains(&&s.person))
    {
        let length = art08_secondment::length(&params, s.start, s.end);
        let logs = r
            .work_logs
            .iter()
            .filter(|w| w.person == s.person && w.secondment_start == s.start)
            .count();
        let complete = art08_secondment::appraisal_complete(logs > 0, s.appraisal.is_some());
        if length.outcome {
            match s.level {
                SecondmentLevel::City => city_done += 1,
                SecondmentLevel::Town => town_done += 1,
            }
        }
        p.secondments.push(SecondmentLine {
            who: name(&s.person),
            level: s.level.label(),
            host: s.host_unit.clone(),
            dates: format!("{} 至 {}", s.start, s.end),
            length: length.reason.to_string(),
            length_ok: length.outcome,
            logs,
            appraisal: s.appraisal.clone().unwrap_or_default(),
            complete: complete.outcome,
        });
    }
    let city = art08_secondment::city_required(&params);
    let town_req = art08_secondment::town_required(&params, listed.len() as u32);
    p.city_quota = format!(
        "到市直涉农单位挂职 {city_done} 人，应不少于 {} 人{}（{}）",
        city.outcome,
        if city_done >= city.outcome {
            ""
        } else {
            "，未达到"
        },
        city.rule.citation()
    );
    p.town_quota = format!(
        "到镇街涉农部门挂职 {town_done} 人，应不少于 {} 人（{}）{}（{}）",
        town_req.outcome,
        town_req.reason,
        if town_done >= town_req.outcome {
            ""
        } else {
            "，未达到"
        },
        town_req.rule.citation()
    );
    // Reserve coverage on the day (today, or the year's last day).
    let end = Date::from_calendar_date(year, Month::December, 31).unwrap_or(st.today());
    match reports::reserves(&r, &params, year, st.today().min(end), Some(town)) {
        Err(e) => p.problem = Some(e.0),
        Ok(x) => {
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
    // Secretaries appointed in the year: from the reserves, long enough?
    for post in r
        .posts
        .iter()
        .filter(|x| x.role == PostRole::Secretary && x.start.year() == year)
    {
        let since = r
            .reserves
            .iter()
            .filter(|x| {
                x.person == post.person
                    && x.village == post.village
                    && x.post == PostRole::Secretary
                    && x.listed_on <= post.start
            })
            .map(|x| x.listed_on)
            .min();
        let d = art09_reserves::appointment_from_reserves(&params, since, post.start);
        p.appointments.push(AppointmentLine {
            who: format!("{} {}", village_name(&post.village), name(&post.person)),
            on: post.start.to_string(),
            ok: d.outcome,
            sentence: format!("{}（{}）", d.reason, d.rule.citation()),
        });
    }
    Ok(())
}
