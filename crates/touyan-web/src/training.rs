//! Training in the browser (issue 5, item 2; Article 6): a town's year —
//! each professionalized secretary's compliance against the minimums with
//! what is still missing (the same builder as the training export), the
//! sessions of the year, recording a session and its attendance (study
//! reflections filed, poor results), and the admonition and make-up study
//! a poor result calls for. Who records what is
//! `touyan_workflow::art06_training`'s.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use rust_decimal::Decimal;
use serde::Deserialize;
use time::Date;
use touyan_records::model::{
    Admonition, Attendance, Labelled, Records, SessionForm, TrainingLevel, TrainingSession,
};
use touyan_records::{CitizenId, TownCode};
use touyan_reports as reports;
use touyan_rules::calendar::parse_iso_date;
use touyan_storage::{Batch, Store, StoreError};
use touyan_workflow::Refusal;
use touyan_workflow::art06_training::{self as flow, Record};

use crate::scope::actor;

use crate::guard::{csrf_ok, see_other};
use crate::pages::{Chrome, csrf_refused, internal, masked, not_found_page, render, signed_in};
use crate::roles::{Action, Role};
use crate::state::{AppState, Failure, User, client_addr};

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
#[template(path = "training.html")]
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

struct Loaded {
    year: i32,
    town: TownCode,
    records: Records,
}

/// The level a user records sessions at (`None`: records none).
fn level_of(user: &User) -> Option<TrainingLevel> {
    match user.role {
        Role::CityAdmin => Some(TrainingLevel::City),
        Role::TownOperator => Some(TrainingLevel::Town),
        _ => None,
    }
}

fn session_record<'a>(s: &'a TrainingSession) -> Record<'a> {
    Record::Session {
        level: s.level,
        town: s.town.as_ref().map(TownCode::as_str),
    }
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
    let mut p = TrainingPage {
        chrome: Chrome::new(&format!("{year} 年度培训"), Some(user), "/training"),
        year,
        town: town.map(|t| t.as_str().to_owned()).unwrap_or_default(),
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
    let Some(town) = town else {
        p.problem = Some("请选择镇街区".into());
        return render(&p, status);
    };
    let desk = match st.town_desk(user, Action::Training, &town) {
        Ok(d) => d,
        Err(e) => return axum::response::IntoResponse::into_response(e),
    };
    let store = desk.store();
    let l = match load(store, year, town).await {
        Ok(l) => l,
        Err(e) => return internal(e),
    };
    let a = actor(user);
    p.may_follow_up = flow::may_record(
        &a,
        Record::FollowUp {
            town: town.as_str(),
        },
    )
    .is_ok();
    if let Some(level) = level_of(user) {
        let t = (level == TrainingLevel::Town).then_some(town.as_str());
        p.may_add = flow::may_record(&a, Record::Session { level, town: t }).is_ok();
        p.level_label = level.label();
    }
    fill(st, user, &mut p, &l);
    render(&p, status)
}

async fn load(store: &Store, year: i32, town: TownCode) -> Result<Loaded, Failure> {
    Ok(Loaded {
        year,
        town,
        records: store.training_records(year, town).await?,
    })
}

fn fill(st: &AppState, user: &User, p: &mut TrainingPage, l: &Loaded) {
    let r = &l.records;
    let a = actor(user);
    let jan1 = Date::from_calendar_date(l.year, time::Month::January, 1).unwrap_or(st.today());
    match st.policy().resolve(jan1) {
        Err(e) => p.problem = Some(format!("政策参数无法用于 {jan1}：{e}")),
        Ok(params) => match reports::training(r, &params, l.year, Some(l.town)) {
            Err(e) => p.problem = Some(e.0),
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
        },
    }
    let listed: HashMap<&CitizenId, String> = r
        .list_entries
        .iter()
        .filter_map(|e| {
            let name = r.people.iter().find(|x| x.id == e.person)?.name.clone();
            let village = r
                .villages
                .iter()
                .find(|v| v.code == e.village)
                .map_or_else(|| e.village.as_str().to_owned(), |v| v.name.clone());
            Some((&e.person, format!("{village} {name}")))
        })
        .collect();
    p.sessions = r
        .training_sessions
        .iter()
        .filter(|s| s.level == TrainingLevel::City || s.town == Some(l.town))
        .map(|s| SessionLine {
            code: s.code.clone(),
            title: s.title.clone(),
            level: s.level.label(),
            form: s.form.label(),
            dates: format!("{} 至 {}", s.start, s.end),
            days: s.days.normalize().to_string(),
            attended: r.attendance.iter().filter(|x| x.session == s.code).count(),
            recordable: flow::may_record(&a, session_record(s)).is_ok(),
        })
        .collect();
    p.sessions.sort_by(|x, y| x.dates.cmp(&y.dates));
    p.may_attend = p.sessions.iter().any(|s| s.recordable);
    p.follow_ups = r
        .attendance
        .iter()
        .filter(|x| x.poor_result)
        .filter_map(|x| {
            let s = r.training_sessions.iter().find(|s| s.code == x.session)?;
            let adm = r
                .admonitions
                .iter()
                .filter(|m| m.person == x.person && m.article == 6 && m.held_on >= s.start)
                .min_by_key(|m| m.held_on);
            Some(FollowUpLine {
                key: st.person_ref(&x.person),
                who: listed.get(&x.person).cloned().unwrap_or_default(),
                session: format!("{}（{}）", s.title, s.code),
                admonition: adm.map_or_else(String::new, |m| m.reason.clone()),
                held_on: adm.map_or_else(String::new, |m| m.held_on.to_string()),
                make_up: adm
                    .and_then(|m| m.make_up_study_done_on)
                    .map_or_else(String::new, |d| d.to_string()),
                needs_admonition: adm.is_none(),
                needs_make_up: adm.is_some_and(|m| m.make_up_study_done_on.is_none()),
            })
        })
        .collect();
}

pub async fn show(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<TrainingQuery>,
) -> Response {
    let user = match signed_in(&st, &headers, Action::Training).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let Some(year) = crate::scope::year_of(&st, q.year.as_deref()) else {
        return not_found_page();
    };
    let Ok(town) = crate::scope::page_town(&user, q.town.as_deref()) else {
        return not_found_page();
    };
    page(&st, &user, year, town, None, StatusCode::OK).await
}

fn date_field(text: &str, what: &str) -> Result<Date, String> {
    parse_iso_date(text).ok_or_else(|| format!("{what}“{text}”不是有效日期（YYYY-MM-DD）"))
}

/// `POST /training`: `action` = `session` (a new session: `code`,
/// `title`, `form`, `start`, `end`, `days`), `attendance` (`session`, and
/// per listed person `attend_<ref>`, `reflection_<ref>`, `poor_<ref>`),
/// `admonition` (`person`, `date`, `note`) or `makeup` (`person`, `date`);
/// with `year`, `town` and `csrf`.
pub async fn record(
    State(st): State<AppState>,
    parts: Parts,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let user = match signed_in(&st, &parts.headers, Action::Training).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let field = |n: &str| crate::scope::field(&form, n);
    if !csrf_ok(&user, Some(field("csrf"))) {
        return csrf_refused();
    }
    let Some(year) = crate::scope::year_of(&st, Some(field("year"))) else {
        return not_found_page();
    };
    let Ok(town) = TownCode::parse(field("town")) else {
        return not_found_page();
    };
    if !actor(&user).sees(town.as_str()) {
        return not_found_page();
    }
    let desk = match st.town_desk(&user, Action::Training, &town) {
        Ok(d) => d,
        Err(e) => return axum::response::IntoResponse::into_response(e),
    };
    let store = desk.store();
    let l = match load(store, year, town).await {
        Ok(l) => l,
        Err(e) => return internal(e),
    };
    let refuse = |r: Refusal| {
        let st = st.clone();
        let user = user.clone();
        async move {
            let status = match &r {
                Refusal::NotFound => return not_found_page(),
                Refusal::Forbidden(_) => StatusCode::FORBIDDEN,
                Refusal::Conflict(_) => StatusCode::CONFLICT,
                Refusal::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            };
            page(&st, &user, year, Some(town), Some(r.to_string()), status).await
        }
    };
    let batch = match build(&st, &user, &l, &form) {
        Ok(b) => b,
        Err(r) => return refuse(r).await,
    };
    match store
        .apply_from(&user.username, Some(&client_addr(&parts)), &batch)
        .await
    {
        Ok(_) => see_other(&format!("/training?year={year}&town={}", town.as_str())),
        Err(StoreError::Invalid(m)) => refuse(Refusal::Invalid(m)).await,
        Err(e) => internal(e.into()),
    }
}

/// The records a post writes, or why not.
// One piece: it builds one page's rows in the order the page shows them.
fn build(
    st: &AppState,
    user: &User,
    l: &Loaded,
    form: &[(String, String)],
) -> Result<Batch, Refusal> {
    let field = |n: &str| crate::scope::field(form, n);
    let a = actor(user);
    let r = &l.records;
    let invalid = |m: String| Refusal::Invalid(m);
    // The listed people by their page reference.
    let people: Vec<(String, &CitizenId)> = r
        .list_entries
        .iter()
        .map(|e| (st.person_ref(&e.person), &e.person))
        .collect();
    let person_of = |key: &str| {
        people
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, p)| (*p).clone())
            .ok_or_else(|| Refusal::Invalid("没有找到该书记".into()))
    };
    match field("action") {
        "session" => {
            let level = level_of(user)
                .ok_or_else(|| Refusal::Forbidden(format!("{}不能登记培训", user.role.label())))?;
            let town = (level == TrainingLevel::Town).then_some(l.town);
            flow::may_record(
                &a,
                Record::Session {
                    level,
                    town: town.as_ref().map(TownCode::as_str),
                },
            )?;
            let code = field("code");
            let title = field("title");
            if code.is_empty() || code.chars().count() > 40 || title.is_empty() {
                return Err(invalid("请填写培训编号（40 字以内）和名称".into()));
            }
            if r.training_sessions.iter().any(|s| s.code == code) {
                return Err(invalid(format!("培训编号 {code} 已经使用")));
            }
            let form = SessionForm::ALL
                .iter()
                .copied()
                .find(|f| f.code() == field("form"))
                .ok_or_else(|| invalid("请选择培训形式".into()))?;
            let start = date_field(field("start"), "开始日期").map_err(invalid)?;
            let end = date_field(field("end"), "结束日期").map_err(invalid)?;
            if end < start || start.year() != l.year {
                return Err(invalid(format!(
                    "培训应在 {} 年内开始，结束日期不早于开始日期",
                    l.year
                )));
            }
            let days: Decimal = field("days")
                .parse()
                .map_err(|_| invalid(format!("天数“{}”不是数字", field("days"))))?;
            let span = Decimal::from((end - start).whole_days() + 1);
            if days <= Decimal::ZERO
                || days > span
                || (days * Decimal::TWO).fract() != Decimal::ZERO
            {
                return Err(invalid(format!(
                    "天数应为 0.5 的整数倍，且不超过培训起止的 {span} 天"
                )));
            }
            Ok(Batch {
                training_sessions: vec![TrainingSession {
                    code: code.to_owned(),
                    title: title.chars().take(100).collect(),
                    level,
                    form,
                    town,
                    start,
                    end,
                    days,
                }],
                ..Batch::default()
            })
        }
        "attendance" => {
            let s = r
                .training_sessions
                .iter()
                .find(|s| s.code == field("session"))
                .ok_or_else(|| invalid("请选择培训".into()))?;
            flow::may_record(&a, session_record(s))?;
            let mut rows = Vec::new();
            for (key, person) in &people {
                if field(&format!("attend_{key}")).is_empty() {
                    continue;
                }
                let reflection = match field(&format!("reflection_{key}")) {
                    "" => None,
                    d => Some(date_field(d, "学习体会提交日期").map_err(invalid)?),
                };
                rows.push(Attendance {
                    session: s.code.clone(),
                    person: (*person).clone(),
                    reflection_filed_on: reflection,
                    poor_result: !field(&format!("poor_{key}")).is_empty(),
                });
            }
            if rows.is_empty() {
                return Err(invalid("请勾选参加培训的书记".into()));
            }
            Ok(Batch {
                attendance: rows,
                ..Batch::default()
            })
        }
        "admonition" | "makeup" => {
            flow::may_record(
                &a,
                Record::FollowUp {
                    town: l.town.as_str(),
                },
            )?;
            let person = person_of(field("person"))?;
            let on = date_field(field("date"), "日期").map_err(invalid)?;
            if on > st.today() {
                return Err(invalid("日期不能晚于今天".into()));
            }
            let admonition = if field("action") == "admonition" {
                let note = field("note");
                if note.is_empty() {
                    return Err(invalid("请写明约谈情况".into()));
                }
                Admonition {
                    person,
                    held_on: on,
                    article: 6,
                    reason: format!("学习效果差：{}", note.chars().take(300).collect::<String>()),
                    make_up_study_done_on: None,
                }
            } else {
                let mut m = r
                    .admonitions
                    .iter()
                    .filter(|m| m.person == person && m.article == 6)
                    .max_by_key(|m| m.held_on)
                    .cloned()
                    .ok_or_else(|| invalid("请先记录约谈，再记录补学".into()))?;
                if on < m.held_on {
                    return Err(invalid("补学日期不能早于约谈日期".into()));
                }
                m.make_up_study_done_on = Some(on);
                m
            };
            Ok(Batch {
                admonitions: vec![admonition],
                ..Batch::default()
            })
        }
        _ => Err(invalid("未指明要登记的内容".into())),
    }
}
