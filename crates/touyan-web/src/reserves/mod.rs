//! Secondments and reserves in the browser (issue 5, item 3; Articles 8
//! and 9): a town's secondments of the year with their length, work logs
//! and appraisal, counted against both quotas; the reserve pool per
//! professionalized village and per other post with its shortfalls (the
//! reserves export's builder); a warning for every secretary appointed in
//! the year from outside the reserves or with less than the required time
//! in them; and the town's yearly report on training its reserves. Every
//! figure is a rules-crate decision shown with its sentence.
//!
//! Recording (`POST /reserves`): a secondment of a secretary on the
//! year's filed list, its work-log entries, the host unit's appraisal
//! once it has ended; a reserve cadre for a village of the town and a
//! post (a person of the town, or a new person by ID number), and their
//! removal; the yearly report. This module reads the form's fields and
//! picks the people; the checks and the write (one transaction a form,
//! nothing written on a refusal) are `touyan_office::reserves`', the
//! secondment quotas `touyan_reports::secondments`.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use time::Date;
use touyan_office::reserves::{self as office, Candidate, DayCap, Recording, TownYear};
use touyan_office::{By, OfficeError, when};
use touyan_records::model::{Labelled, PostRole, Records, Secondment, SecondmentLevel};
use touyan_records::{CitizenId, TownCode, VillageCode};
use touyan_reports as reports;
use touyan_rules::people::Education;
use touyan_workflow::Refusal;

use crate::forms;
use crate::guard::see_other;
use crate::http::{PageError, SignedForm, SignedIn, act};
use crate::pages::{Chrome, internal, masked, render};
use crate::roles::Action;
use crate::scope::{by, by_from};
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
}

#[derive(Template)]
#[template(path = "reserves.html")]
struct ReservesPage {
    chrome: Chrome,
    year: i32,
    town: String,
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
    /// The year's filed secretaries (reference, "village name").
    listed: Vec<(String, String)>,
    /// The town's people on record (reference, "village name").
    people: Vec<(String, String)>,
    villages: Vec<(String, String)>,
    levels: Vec<(&'static str, &'static str)>,
    roles: Vec<(&'static str, &'static str)>,
    educations: Vec<(&'static str, &'static str)>,
    today: String,
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
    let mut p = ReservesPage {
        chrome: Chrome::new(
            &format!("{year} 年度后备力量与挂职"),
            Some(user),
            "/reserves",
        ),
        year,
        town: town.map(|t| t.as_str().to_owned()).unwrap_or_default(),
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
        today: st.today().to_string(),
    };
    let Some(town) = town else {
        p.problem = Some("请选择镇街区".into());
        return render(&p, status);
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
        .map_err(|e| match e {
            OfficeError::Store(e) => internal(e.into()),
            e => internal(crate::state::Failure::Internal(e.to_string())),
        })?;
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
                format!("{} {}", village_name(r, &e.village), name_of(r, &e.person)),
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
            (st.person_ref(&x.id), format!("{village} {}", x.name))
        })
        .collect();
    p.people.sort_by(|a, b| a.1.cmp(&b.1));
    // Secondments starting in the year, of the year's listed people,
    // against both quotas (people, not secondments, are counted).
    let sec = reports::secondments(r, &params, year, town);
    p.secondments = sec
        .rows
        .into_iter()
        .map(|row| {
            let s = row.secondment;
            SecondmentLine {
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
    // Reserve coverage on the day (today, or the year's last day).
    let end = Date::from_calendar_date(year, time::Month::December, 31).unwrap_or(today);
    let on = today.min(end);
    match reports::reserves(r, &params, year, on, Some(town)) {
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
    p.reserves = r
        .reserves
        .iter()
        .filter(|x| x.listed_on <= on && x.removed_on.is_none_or(|d| d > on))
        .map(|x| ReserveLine {
            key: st.person_ref(&x.person),
            village: x.village.as_str().to_owned(),
            village_name: village_name(r, &x.village),
            post: x.post.label(),
            post_code: x.post.code(),
            name: name_of(r, &x.person),
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

/// `POST /reserves`: `action` = `secondment` (`person`, `level`, `host`,
/// `start`, `end`), `worklog` (`person`, `start`, `date`, `text`),
/// `appraisal` (`person`, `start`, `text`), `reserve` (`village`, `post`,
/// `listed_on`, and `person` — a reference — or `id_number`, `name`,
/// `education`, `full_time` for a new person), `unreserve` (`person`,
/// `village`, `post`, `listed_on`, `date`) or `report` (`date`,
/// `summary`); with `year`, `town` and `csrf`.
pub async fn record(
    State(st): State<AppState>,
    SignedForm {
        user, origin, form, ..
    }: SignedForm<act::Reserves, Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let field = |n: &str| crate::scope::field(&form, n);
    let year = crate::scope::year_of(&st, Some(field("year"))).ok_or(PageError::NotFound)?;
    let town = crate::scope::town_in_scope(&user, field("town")).ok_or(PageError::NotFound)?;
    let desk = st.town_desk(&user, Action::Reserves, &town)?;
    let store = desk.store();
    let by = by_from(&user, &origin);
    let done = match office::town_year(store, year, town).await {
        Ok(ty) => recorded(&st, store, &user, by, &ty, &form).await,
        Err(e) => Err(e),
    };
    let r = match done {
        Ok(()) => {
            return Ok(see_other(&format!(
                "/reserves?year={year}&town={}",
                town.as_str()
            )));
        }
        Err(OfficeError::Store(e)) => return Err(e.into()),
        Err(OfficeError::NotFound) => return Err(PageError::NotFound),
        Err(OfficeError::Forbidden(m)) => Refusal::Forbidden(m),
        Err(OfficeError::Conflict(m)) => Refusal::Conflict(m),
        Err(OfficeError::Invalid(m)) => Refusal::Invalid(m),
    };
    let status = forms::status(&r);
    Ok(page(&st, &user, year, Some(town), Some(r.to_string()), status).await)
}

/// Reads the form of `action` and records it through the office: the
/// role is checked first, then the fields, then the records and the
/// measures.
async fn recorded(
    st: &AppState,
    store: &touyan_storage::Store,
    user: &User,
    by: By<'_>,
    ty: &TownYear,
    form: &[(String, String)],
) -> Result<(), OfficeError> {
    let field = |n: &str| crate::scope::field(form, n);
    let today = st.today();
    let invalid = |m: String| OfficeError::Invalid(m);
    // A person of the year's filed list by reference.
    let listed = |key: &str| {
        ty.listed()
            .into_iter()
            .find(|e| st.person_ref(&e.person) == key)
            .map(|e| e.person.clone())
            .ok_or_else(|| invalid(format!("请选择 {} 年度已备案名单中的专业化书记", ty.year)))
    };
    let start = || forms::date(field("start"), "挂职开始日期");
    match field("action") {
        "secondment" => {
            office::may(&by, ty.town, Recording::Secondment)?;
            let s = Secondment {
                person: listed(field("person"))?,
                level: forms::choice::<SecondmentLevel>(field("level"), "挂职层级")?,
                host_unit: forms::required(field("host"), "挂职单位", 100)?,
                start: start()?,
                end: forms::date(field("end"), "挂职结束日期")?,
                appraisal: None,
            };
            office::secondment(store, by, ty, s).await.map(drop)
        }
        "worklog" => {
            office::may(&by, ty.town, Recording::Secondment)?;
            let person = listed(field("person"))?;
            let start = start()?;
            let on = forms::date(field("date"), "日志日期")?;
            let text = forms::required(field("text"), "日志内容", 500)?;
            office::work_log(store, by, ty, &person, start, on, text, today)
                .await
                .map(drop)
        }
        "appraisal" => {
            office::may(&by, ty.town, Recording::Secondment)?;
            let person = listed(field("person"))?;
            let start = start()?;
            let text = forms::required(field("text"), "鉴定意见", 1000)?;
            office::appraisal(store, by, ty, &person, start, text, today)
                .await
                .map(drop)
        }
        "reserve" => {
            office::may(&by, ty.town, Recording::Reserve)?;
            let village = VillageCode::parse(field("village"))
                .map_err(|_| invalid("请选择本镇街的村".into()))?;
            let post: PostRole = forms::choice(field("post"), "后备岗位")?;
            let listed_on = forms::past_date(field("listed_on"), "列入后备日期", today)?;
            let who = match (field("person"), field("id_number")) {
                ("", "") => {
                    return Err(invalid("请选择人员，或填写新人员的身份证号码".into()));
                }
                (key, "") => Candidate::OnRecord(
                    ty.records
                        .people
                        .iter()
                        .find(|x| st.person_ref(&x.id) == key)
                        .map(|x| x.id.clone())
                        .ok_or_else(|| invalid("没有找到该人员".into()))?,
                ),
                (_, text) => Candidate::New {
                    id: CitizenId::parse(text).map_err(|e| invalid(format!("新人员的{e}")))?,
                    name: field("name").to_owned(),
                    education: Education::parse(field("education")),
                    full_time_degree: !field("full_time").is_empty(),
                },
            };
            let reached = matches!(who, Candidate::New { .. })
                && user.role.is_town()
                && touyan_office::import::probes_left(store, &user.username, st.now()).await? == 0;
            let cap = DayCap {
                per_day: touyan_office::import::PROBES_PER_DAY,
                reached,
            };
            office::reserve(store, by, ty, village, post, listed_on, who, cap)
                .await
                .map(drop)
        }
        "unreserve" => {
            office::may(&by, ty.town, Recording::Reserve)?;
            let listed_on = forms::date(field("listed_on"), "列入后备日期")?;
            let missing = || invalid("没有找到该后备人员".into());
            let person = ty
                .records
                .reserves
                .iter()
                .find(|x| st.person_ref(&x.person) == field("person"))
                .map(|x| x.person.clone())
                .ok_or_else(missing)?;
            let village = VillageCode::parse(field("village")).map_err(|_| missing())?;
            let post = PostRole::ALL
                .iter()
                .copied()
                .find(|p| p.code() == field("post"))
                .ok_or_else(missing)?;
            let on = forms::past_date(field("date"), "调出日期", today)?;
            office::unreserve(store, by, ty, &person, village, post, listed_on, on)
                .await
                .map(drop)
        }
        "report" => {
            office::may(&by, ty.town, Recording::Report)?;
            let on = forms::past_date(field("date"), "提交日期", today)?;
            let summary = forms::required(field("summary"), "报告内容", 2000)?;
            office::report(store, by, ty, on, summary).await.map(drop)
        }
        _ => Err(invalid("未指明要登记的内容".into())),
    }
}
