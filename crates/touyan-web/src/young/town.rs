//! `GET /young`: a town's young cadres against the cap, each one's age,
//! extension, reserve pool and month's pay (the young-cadre export's
//! builder), then the selection (`candidates.rs`).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use time::Date;
use touyan_office::young::{self, Standing};
use touyan_office::{when, young_settings};
use touyan_records::TownCode;
use touyan_records::model::{Labelled, educations_zh};

use super::candidates::{CandidateLine, MoveLine, candidates};
use super::{failure, month_of};
use crate::http::{PageError, SignedIn, act};
use crate::pages::{Chrome, internal, masked, render};
use crate::roles::Action;
use crate::state::{AppState, User};

#[derive(Deserialize, Default)]
pub struct YoungQuery {
    month: Option<String>,
    town: Option<String>,
}

pub struct YoungLine {
    pub village_name: String,
    pub name: String,
    pub person_id: String,
    pub education: String,
    pub age: String,
    pub age_ok: bool,
    pub extension: String,
    pub factor: String,
    pub base: String,
    pub subsidies: String,
    pub total: String,
    pub current: String,
    pub kept: bool,
    /// In the secretaries' reserve pool today (Article 10), and why.
    pub pool: String,
    pub pool_ok: bool,
    /// The term's last day and why (the age limit, an approved
    /// extension), or the exit on record.
    pub term: String,
    /// The month's share when not the whole month (the month the term
    /// ends, paid by days), with why; empty for a whole month.
    pub share: String,
}

/// A cadre on the programme not paid in the month, and why.
pub struct UnpaidLine {
    pub who: String,
    pub person_id: String,
    pub reason: String,
    pub pool: String,
    pub pool_ok: bool,
}

/// A young cadre's exit on record, as the page lists it.
pub struct ExitLine {
    pub who: String,
    pub on: String,
    pub reason: &'static str,
    pub note: String,
    /// Its withdrawal page, when the user records exits ("").
    pub correct: String,
}

#[derive(Template)]
#[template(path = "young/town.html")]
pub(super) struct YoungPage {
    chrome: Chrome,
    month: String,
    town: String,
    towns: Vec<(String, String)>,
    problem: Option<String>,
    error: Option<String>,
    cap: String,
    over_cap: bool,
    pub(super) selection: String,
    salary: String,
    lines: Vec<YoungLine>,
    total: String,
    example: bool,
    pub(super) candidates: Vec<CandidateLine>,
    pub(super) moves: Vec<MoveLine>,
    pub(super) may_score: bool,
    /// Cadres who may be scored (reference, "village name, age").
    pub(super) eligible: Vec<(String, String)>,
    /// The exit form (the town's operator): the cadres (reference,
    /// "village name") and the grounds (code, label).
    pub(super) exit_people: Vec<(String, String)>,
    pub(super) exit_reasons: Vec<(&'static str, &'static str)>,
    /// The exits on record since each cadre joined.
    pub(super) exits: Vec<ExitLine>,
    /// The cadres on the programme not paid this month, and why.
    unpaid: Vec<UnpaidLine>,
    /// The town's yearly settings of the pay, and its form (the town's
    /// operator).
    pub(super) settings: SettingsLine,
}

/// The town's settings of the month's year, as on record or as typed.
#[derive(Default)]
pub struct SettingsLine {
    pub year: i32,
    pub salary: String,
    pub factor: String,
    pub recorded: bool,
    pub may: bool,
}

pub async fn show(
    State(st): State<AppState>,
    SignedIn { user, .. }: SignedIn<act::Young>,
    Query(q): Query<YoungQuery>,
) -> Result<Response, PageError> {
    let month = month_of(&st, q.month.as_deref()).ok_or(PageError::NotFound)?;
    let town =
        crate::scope::page_town(&user, q.town.as_deref()).map_err(|()| PageError::NotFound)?;
    Ok(page(&st, &user, month, town, None, StatusCode::OK).await)
}

/// The young-cadre page of `town` in `month`, with `error` shown.
pub(super) async fn page(
    st: &AppState,
    user: &User,
    month: Date,
    town: Option<TownCode>,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    page_keeping(st, user, month, town, error, status, None).await
}

/// [`page`], its settings form showing `typed` (salary, factor) instead
/// of what is on record: a refused form keeps what was typed.
// One piece: it lays out one page in the order it shows its parts.
pub(super) async fn page_keeping(
    st: &AppState,
    user: &User,
    month: Date,
    town: Option<TownCode>,
    error: Option<String>,
    status: StatusCode,
    typed: Option<(&str, &str)>,
) -> Response {
    let towns = match st.reader(user).towns().await {
        Ok(t) => t,
        Err(e) => return internal(e.into()),
    };
    let Some(town) = town else {
        // A city role with no town chosen: the city's overview.
        return super::city::page(st, user, month, towns, error, status).await;
    };
    let month_text = format!("{:04}-{:02}", month.year(), u8::from(month.month()));
    let mut p = YoungPage {
        chrome: Chrome::new(&format!("{month_text} 优才计划"), Some(user), "/young"),
        month: month_text,
        town: town.as_str().to_owned(),
        towns,
        problem: None,
        error,
        cap: String::new(),
        over_cap: false,
        selection: String::new(),
        salary: String::new(),
        lines: Vec::new(),
        total: String::new(),
        example: false,
        candidates: Vec::new(),
        moves: Vec::new(),
        may_score: false,
        eligible: Vec::new(),
        exit_people: Vec::new(),
        exit_reasons: Vec::new(),
        exits: Vec::new(),
        unpaid: Vec::new(),
        settings: SettingsLine {
            year: month.year(),
            ..SettingsLine::default()
        },
    };
    let desk = match st.town_desk(user, Action::Young, &town) {
        Ok(d) => d,
        Err(e) => return axum::response::IntoResponse::into_response(e),
    };
    let l = match young::town(desk.store(), month.year(), town).await {
        Ok(l) => l,
        Err(e) => return internal(failure(e)),
    };
    let params = match when::params_on(st.policy(), when::month_start(month)) {
        Ok(x) => x,
        Err(e) => {
            p.problem = Some(e.to_string());
            return render(&p, status);
        }
    };
    let today = st.today();
    p.settings.may = young_settings::may(&crate::scope::by(user), town);
    match young_settings::on_record(desk.store(), town, month.year()).await {
        Ok(Some(s)) => {
            p.settings.salary = young_settings::yuan(s.reference_salary);
            p.settings.factor = s.young_cadre_factor.normalize().to_string();
            p.settings.recorded = true;
        }
        Ok(None) => {}
        Err(e) => return internal(failure(e)),
    }
    let cap = l.cap(&params);
    let places = l.places(&params, today).len() as u32;
    p.over_cap = places > cap.outcome;
    p.cap = format!(
        "今日在册 {places} 人（已退出、超龄未延长或延长期满的不计）；{}（{}）",
        cap.reason,
        cap.rule.citation()
    );
    match l.month_pay(&params, month) {
        Err(e) => p.problem = Some(e.to_string()),
        Ok(x) => {
            p.salary = x
                .town_salaries
                .iter()
                .map(|s| {
                    format!(
                        "{}：镇街新入职事业人员实发工资 {:.2} 元/月，系数 {}",
                        s.town_name,
                        s.salary,
                        s.factor.normalize()
                    )
                })
                .collect::<Vec<_>>()
                .join("；");
            p.total = format!("{:.2}", x.total());
            p.example = x.example_amounts;
            p.lines = x
                .rows
                .iter()
                .map(|row| {
                    let Standing {
                        age,
                        extension,
                        pool,
                        term,
                        exit,
                    } = l.standing(&params, &row.who.person, today);
                    YoungLine {
                        term: match exit {
                            Some(x) => format!("{} 退出（{}）", x.on, x.reason.label()),
                            None => format!("{}（{}）", term.reason, term.rule.citation()),
                        },
                        share: if row.partial() {
                            row.share_reason.clone()
                        } else {
                            String::new()
                        },
                        pool: format!("{}（{}）", pool.reason, pool.rule.citation()),
                        pool_ok: pool.outcome,
                        village_name: row.who.village_name.clone(),
                        name: row.who.name.clone(),
                        person_id: masked(&row.who.person),
                        education: educations_zh(row.full_time_education, row.in_service_education),
                        age: age.reason.to_string(),
                        age_ok: age.outcome,
                        extension,
                        factor: row.factor.normalize().to_string(),
                        base: format!("{:.2}", row.base),
                        subsidies: format!("{:.2} + {:.2}", row.city_subsidy, row.town_subsidy),
                        total: format!("{:.2}", row.total),
                        current: format!("{:.2}", row.current_pay),
                        kept: row.kept_current,
                    }
                })
                .collect();
        }
    }
    p.unpaid = l
        .unpaid(&params, month, today)
        .into_iter()
        .map(|u| UnpaidLine {
            who: format!(
                "{} {}",
                l.village_name(&u.cadre.village),
                l.name(&u.cadre.person)
            ),
            person_id: masked(&u.cadre.person),
            reason: u.reason,
            pool: format!("{}（{}）", u.pool.reason, u.pool.rule.citation()),
            pool_ok: u.pool.outcome,
        })
        .collect();
    // Moves are decided on the day they are made, under that day's policy.
    match when::params_on(st.policy(), today) {
        Ok(now) => candidates(st, user, &mut p, &l, &now),
        Err(e) => p.problem = Some(e.to_string()),
    }
    if let Some((salary, factor)) = typed {
        p.settings.salary = salary.to_owned();
        p.settings.factor = factor.to_owned();
    }
    render(&p, status)
}
