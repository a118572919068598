//! Young cadres in the browser (issue 5, item 4; Article 10): a town's
//! young cadres against the 30% cap, each one's age against the limit
//! (and the extension an excellent cadre who ages out may have), and the
//! month's pay from the reference salary, factor and subsidies with "keeps
//! the higher pay" shown (the young-cadre export's builder).
//!
//! The selection (`POST /young`), each move decided by
//! `touyan_workflow::art10_young`: the town's operator scores candidates
//! (two-committee cadres other than secretaries, within the age limit),
//! the town's reviewer selects them within the cap (a place on the
//! programme, `young_cadres`, not yet filed), the city files or returns
//! them; for a filed cadre past the age limit the reviewer proposes an
//! extension after the town's review and the city grants or declines it.
//! Cadres on the programme by import without a candidate row stand as
//! selected (not yet filed) or filed.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use rust_decimal::Decimal;
use serde::Deserialize;
use time::Date;
use touyan_office::OfficeError;
use touyan_office::young::{self, Standing, YoungTown};
use touyan_records::TownCode;
use touyan_records::model::{Labelled, YoungCandidate, YoungMoveKind, YoungState};
use touyan_reports as reports;
use touyan_workflow::Refusal;

use crate::forms;
use crate::guard::see_other;
use crate::http::{PageError, SignedForm, SignedIn, act};
use crate::pages::{Chrome, internal, masked, not_found_page, render};
use crate::roles::Action;
use crate::scope::{actor, by_from};
use crate::state::{AppState, Failure, User, china_time};

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
}

/// A move button of a candidate.
pub struct MoveButton {
    pub kind: &'static str,
    pub label: &'static str,
    pub comment: bool,
    pub excellent: bool,
}

/// A candidate or a cadre on the programme, with the moves the user may
/// make.
pub struct CandidateLine {
    pub key: String,
    pub village_name: String,
    pub name: String,
    pub person_id: String,
    pub age: String,
    pub age_ok: bool,
    pub score: String,
    pub rank: String,
    pub current_pay: String,
    pub pay: String,
    pub state: &'static str,
    pub seen: &'static str,
    pub note: String,
    pub comment: String,
    pub moves: Vec<MoveButton>,
}

pub struct MoveLine {
    pub who: String,
    pub kind: &'static str,
    pub to: &'static str,
    pub comment: String,
    pub by: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "young.html")]
struct YoungPage {
    chrome: Chrome,
    month: String,
    town: String,
    towns: Vec<(String, String)>,
    problem: Option<String>,
    error: Option<String>,
    cap: String,
    over_cap: bool,
    selection: String,
    salary: String,
    lines: Vec<YoungLine>,
    total: String,
    example: bool,
    candidates: Vec<CandidateLine>,
    moves: Vec<MoveLine>,
    may_score: bool,
    /// Cadres who may be scored (reference, "village name, age").
    eligible: Vec<(String, String)>,
}

fn month_of(st: &AppState, asked: Option<&str>) -> Option<Date> {
    match asked.map(str::trim).filter(|s| !s.is_empty()) {
        None => st.today().replace_day(1).ok(),
        Some(s) => reports::parse_month(s),
    }
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

// One piece: it lays out one page in the order it shows its parts.
async fn page(
    st: &AppState,
    user: &User,
    month: Date,
    town: Option<TownCode>,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let towns = match st.reader(user).towns().await {
        Ok(t) => t,
        Err(e) => return internal(e.into()),
    };
    let month_text = format!("{:04}-{:02}", month.year(), u8::from(month.month()));
    let mut p = YoungPage {
        chrome: Chrome::new(&format!("{month_text} 优才计划"), Some(user), "/young"),
        month: month_text,
        town: town.map(|t| t.as_str().to_owned()).unwrap_or_default(),
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
    };
    let Some(town) = town else {
        p.problem = Some("请选择镇街区".into());
        return render(&p, status);
    };
    let desk = match st.town_desk(user, Action::Young, &town) {
        Ok(d) => d,
        Err(e) => return axum::response::IntoResponse::into_response(e),
    };
    let l = match young::town(desk.store(), month.year(), town).await {
        Ok(l) => l,
        Err(e) => return internal(failure(e)),
    };
    let params = match st.policy().resolve(month) {
        Ok(x) => x,
        Err(e) => {
            p.problem = Some(format!("政策参数无法用于 {}：{e}", p.month));
            return render(&p, status);
        }
    };
    let r = &l.young;
    let cap = l.cap(&params);
    p.over_cap = r.young_cadres.len() as u32 > cap.outcome;
    p.cap = format!(
        "在册 {} 人；{}（{}）",
        r.young_cadres.len(),
        cap.reason,
        cap.rule.citation()
    );
    let today = st.today();
    match reports::young(r, &params, month, None, None, Some(town)) {
        Err(e) => p.problem = Some(e.0),
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
                    } = l.standing(&params, &row.who.person, today);
                    YoungLine {
                        pool: format!("{}（{}）", pool.reason, pool.rule.citation()),
                        pool_ok: pool.outcome,
                        village_name: row.who.village_name.clone(),
                        name: row.who.name.clone(),
                        person_id: masked(&row.who.person),
                        education: format!(
                            "{}{}",
                            row.education.label(),
                            if row.full_time { "（全日制）" } else { "" }
                        ),
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
    // Moves are decided on the day they are made.
    let now = st.policy().resolve(today).unwrap_or(params);
    candidates(st, user, &mut p, &l, &now);
    render(&p, status)
}

/// The candidates and cadres on the programme with their moves, the
/// selection order, the history and who may be scored (as the office
/// decides them).
fn candidates(
    st: &AppState,
    user: &User,
    p: &mut YoungPage,
    l: &YoungTown,
    params: &touyan_rules::Params,
) {
    let today = st.today();
    let a = actor(user);
    let (ranking, views) = l.candidates(&a, params, today);
    p.selection = ranking.sentence();
    for v in views {
        let c = v.candidate;
        let rank = v.place.map_or_else(String::new, |(k, place)| {
            let within = if place.within {
                "在名额内"
            } else {
                "超出尚余名额"
            };
            match place.after.to_string() {
                tie if tie.is_empty() => format!("第 {k} 名，{within}"),
                tie => format!("第 {k} 名，{within}（{tie}）"),
            }
        });
        p.candidates.push(CandidateLine {
            key: st.person_ref(v.person),
            village_name: l.village_name(&v.village),
            name: l.name(v.person),
            person_id: masked(v.person),
            age: format!("{}（{}）", v.age.reason, v.age.rule.citation()),
            age_ok: v.age.outcome,
            score: v.score.normalize().to_string(),
            rank,
            current_pay: format!("{:.2}", v.current_pay),
            pay: v.pay.map_or_else(
                || "本年度镇街年度设置（参照工资、系数）未登记".into(),
                |d| format!("{}（{}）", d.outcome, d.rule.citation()),
            ),
            state: v.state.map_or("", |s| s.label()),
            seen: v.state.map_or("none", |s| s.code()),
            note: c.map_or_else(String::new, |c| c.note.clone()),
            comment: match c {
                Some(YoungCandidate {
                    extended_to: Some(d),
                    state: YoungState::ExtensionProposed | YoungState::Extended,
                    comment,
                    ..
                }) => format!("延长至 {d}；{comment}"),
                Some(c) => c.comment.clone(),
                None => String::new(),
            },
            moves: v
                .moves
                .into_iter()
                .map(|k| MoveButton {
                    kind: k.code(),
                    label: k.label(),
                    comment: matches!(
                        k,
                        YoungMoveKind::Deselect
                            | YoungMoveKind::Return
                            | YoungMoveKind::ProposeExtension
                            | YoungMoveKind::Extend
                            | YoungMoveKind::DeclineExtension
                    ),
                    excellent: k == YoungMoveKind::ProposeExtension,
                })
                .collect(),
        });
    }
    p.candidates
        .sort_by(|x, y| (&x.village_name, &x.name).cmp(&(&y.village_name, &y.name)));
    p.moves = l
        .moves
        .iter()
        .map(|m| MoveLine {
            who: l.name(&m.entry.person),
            kind: m.entry.kind.label(),
            to: m.entry.to.label(),
            comment: m.entry.comment.clone(),
            by: m.by.clone(),
            at: china_time(m.at),
        })
        .collect();
    p.may_score = l.may_score(&a, params, today);
    p.eligible = l
        .eligible(params, today)
        .into_iter()
        .map(|e| {
            (
                st.person_ref(e.person),
                format!(
                    "{} {}（{}）",
                    l.village_name(&e.village),
                    l.name(e.person),
                    e.age.reason
                ),
            )
        })
        .collect();
    p.eligible.sort_by(|a, b| a.1.cmp(&b.1));
}

/// `POST /young`: `action` = `score` (`person`, `score`, `current_pay`,
/// `note`) or `move` (`person`, `kind`, `seen` — the state the page
/// showed, `none` for none —, `comment`, `excellent`); with `month`,
/// `town` and `csrf`.
pub async fn record(
    State(st): State<AppState>,
    SignedForm {
        user, origin, form, ..
    }: SignedForm<act::Young, Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let field = |n: &str| crate::scope::field(&form, n);
    let month = month_of(&st, Some(field("month"))).ok_or(PageError::NotFound)?;
    let town = TownCode::parse(field("town")).map_err(|_| PageError::NotFound)?;
    let desk = st.town_desk(&user, Action::Young, &town)?;
    let store = desk.store();
    let refuse = |r: Refusal| {
        let st = st.clone();
        let user = user.clone();
        async move {
            if r == Refusal::NotFound {
                return not_found_page();
            }
            let status = forms::status(&r);
            page(&st, &user, month, Some(town), Some(r.to_string()), status).await
        }
    };
    let l = young::town(store, month.year(), town)
        .await
        .map_err(failure)?;
    let kind = match field("action") {
        "score" => YoungMoveKind::Score,
        "move" => match forms::choice(field("kind"), "办理事项") {
            Ok(k) => k,
            Err(r) => return Ok(refuse(r).await),
        },
        _ => return Ok(refuse(Refusal::Invalid("未指明要办理的事项".into())).await),
    };
    let key = field("person");
    let ask = young::Ask {
        kind,
        person: l.find(|id| st.person_ref(id) == key),
        seen: (field("action") == "move").then(|| field("seen")),
        comment: field("comment"),
        excellent: !field("excellent").is_empty(),
        scored: scored(&form).map_err(|r| r.to_string()),
    };
    let by = by_from(&user, &origin);
    Ok(
        match young::record(store, by, &l, st.policy(), st.today(), &ask).await {
            Ok(()) => see_other(&format!(
                "/young?month={:04}-{:02}&town={}",
                month.year(),
                u8::from(month.month()),
                town.as_str()
            )),
            Err(e) => match refusal(e) {
                Ok(r) => refuse(r).await,
                Err(f) => return Err(f.into()),
            },
        },
    )
}

/// The score form's values, read in the order of the form.
fn scored(form: &[(String, String)]) -> Result<young::Scored, Refusal> {
    let field = |n: &str| crate::scope::field(form, n);
    Ok(young::Scored {
        score: forms::decimal(
            field("score"),
            "综合得分",
            Decimal::ZERO,
            Decimal::ONE_HUNDRED,
        )?,
        current_pay: forms::decimal(
            field("current_pay"),
            "现月报酬（元）",
            Decimal::ZERO,
            Decimal::from(1_000_000),
        )?,
        note: forms::optional(field("note"), "评分说明", 300)?,
    })
}

/// The office's refusal as the page's; a store's failure is ours.
fn refusal(e: OfficeError) -> Result<Refusal, Failure> {
    Ok(match e {
        OfficeError::NotFound => Refusal::NotFound,
        OfficeError::Forbidden(m) => Refusal::Forbidden(m),
        OfficeError::Conflict(m) => Refusal::Conflict(m),
        OfficeError::Invalid(m) => Refusal::Invalid(m),
        OfficeError::Store(e) => return Err(e.into()),
    })
}

/// A read's failure as the page's internal error.
fn failure(e: OfficeError) -> Failure {
    match e {
        OfficeError::Store(e) => e.into(),
        e => Failure::Internal(e.to_string()),
    }
}
