//! The monthly subsidy pages (issue 5, item 6; Article 13): the city's and
//! finance's overview of every town's run, a town's run with what it pays
//! and why, its moves (computed by the town, reviewed, approved by the
//! city, paid by finance), the one-card payment file, and the payment list
//! for printing (item 7).
//!
//! The amounts come from the same builders as `touyan payroll` and the
//! payment export (`touyan_reports::payments`, Article 13) and the
//! young-cadre pay export (`reports::young`, Article 10: the base from the
//! town's finance, the degree subsidies from the city and the town, a
//! higher current pay kept); a run pays both. Which move is allowed is
//! `touyan_workflow::art13_pay_run`'s alone.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use rust_decimal::Decimal;
use serde::Deserialize;
use time::Date;
use touyan_office::OfficeError;
use touyan_office::pay::{self as office_pay, TownMonth};
use touyan_records::TownCode;
use touyan_records::model::{Labelled, PayMoveKind, PayRecord, PayState};
use touyan_reports::{self as reports, Payments, Young};
use touyan_rules::art13_pay::tier_zh;
use touyan_workflow::Refusal;

use crate::scope::{actor, by_from};

use crate::guard::see_other;
use crate::http::{HasCsrf, PageError, SignedForm, SignedIn, TownDesk, act};
use crate::pages::{Chrome, masked, message_page, not_found_page, render};
use crate::roles::Action;
use crate::state::{AppState, User, china_time};

#[derive(Deserialize)]
pub struct MonthQuery {
    month: Option<String>,
}

/// "2026-03" of a month's first day.
fn month_text(m: Date) -> String {
    format!("{:04}-{:02}", m.year(), u8::from(m.month()))
}

/// The month asked for, or this month.
fn month_of(st: &AppState, q: Option<&str>) -> Option<Date> {
    match q.map(str::trim).filter(|s| !s.is_empty()) {
        None => st.today().replace_day(1).ok(),
        Some(s) => reports::parse_month(s),
    }
}

fn state_label(s: Option<PayState>) -> &'static str {
    s.map_or("尚未计算", |s| s.label())
}

fn yuan(fen: i64) -> String {
    format!("{:.2}", Decimal::new(fen, 2))
}

// ---------------------------------------------------------------------------
// The overview

pub struct TownLine {
    pub code: String,
    pub name: String,
    pub state: &'static str,
    pub people: String,
    pub total: String,
    pub example: bool,
}

#[derive(Template)]
#[template(path = "pay_overview.html")]
struct OverviewPage {
    chrome: Chrome,
    month: String,
    rows: Vec<TownLine>,
    people: u32,
    total: String,
    paid: String,
}

pub async fn overview(
    State(st): State<AppState>,
    SignedIn { user, .. }: SignedIn<act::Pay>,
    Query(q): Query<MonthQuery>,
) -> Result<Response, PageError> {
    let Some(month) = month_of(&st, q.month.as_deref()) else {
        return Ok(message_page(
            StatusCode::BAD_REQUEST,
            "月份有误",
            "月份应为 YYYY-MM，如 2026-03。",
        ));
    };
    if let Some(t) = user.town_scope() {
        return Ok(see_other(&format!("/pay/{}/{t}", month_text(month))));
    }
    let city = st.city_desk(&user, Action::Pay)?;
    let towns = st.reader(&user).towns().await?;
    let runs = city.store().pay_runs(month).await?;
    let total: i64 = runs.iter().map(|r| r.total_fen).sum();
    let paid: i64 = runs
        .iter()
        .filter(|r| r.state == PayState::Paid)
        .map(|r| r.total_fen)
        .sum();
    let rows = towns
        .into_iter()
        .map(|(code, name)| {
            let run = runs.iter().find(|r| r.town.as_str() == code);
            TownLine {
                state: state_label(run.map(|r| r.state)),
                people: run.map_or_else(String::new, |r| r.people.to_string()),
                total: run.map_or_else(String::new, |r| yuan(r.total_fen)),
                example: run.is_some_and(|r| r.example),
                code,
                name,
            }
        })
        .collect();
    Ok(render(
        &OverviewPage {
            chrome: Chrome::new(
                &format!("{} 专业化补贴发放", month_text(month)),
                Some(&user),
                "/pay",
            ),
            month: month_text(month),
            rows,
            people: runs.iter().map(|r| r.people).sum(),
            total: yuan(total),
            paid: yuan(paid),
        },
        StatusCode::OK,
    ))
}

// ---------------------------------------------------------------------------
// One town's run

pub struct PayLine {
    pub n: usize,
    pub village_name: String,
    pub name: String,
    pub person_id: String,
    pub tier: String,
    pub amount: String,
    pub source: &'static str,
}

/// One young cadre's month (Article 10).
pub struct YoungLine {
    pub n: usize,
    pub village_name: String,
    pub name: String,
    pub person_id: String,
    pub base: String,
    pub city_subsidy: String,
    pub town_subsidy: String,
    pub total: String,
    /// "现报酬高于标准，按高标准执行" and the like, with the article.
    pub note: String,
}

pub struct MoveView {
    pub seq: u32,
    pub label: &'static str,
    pub to: &'static str,
    pub comment: String,
    pub by: String,
    pub at: String,
}

pub struct Button {
    pub code: &'static str,
    pub label: &'static str,
}

/// A town's month as the office gives it, with the town's name.
struct View {
    town_name: String,
    tm: TownMonth,
}

async fn load(
    st: &AppState,
    user: &User,
    desk: &TownDesk<'_>,
    month: Date,
) -> Result<Option<View>, PageError> {
    let towns = st.reader(user).towns().await?;
    let Some((_, town_name)) = towns.into_iter().find(|(c, _)| c == desk.town().as_str()) else {
        return Ok(None);
    };
    let tm = match office_pay::town_month(desk.store(), st.policy(), month, *desk.town()).await {
        Ok(tm) => tm,
        Err(OfficeError::Store(e)) => return Err(e.into()),
        Err(e) => return Err(PageError::Internal(e.to_string())),
    };
    Ok(Some(View { town_name, tm }))
}

#[derive(Template)]
#[template(path = "pay.html")]
struct RunPage {
    chrome: Chrome,
    month: String,
    town: String,
    town_name: String,
    state: &'static str,
    state_code: String,
    comment: String,
    stored: String,
    changed: Option<String>,
    lines: Vec<PayLine>,
    by_source: Vec<(String, u32, String)>,
    total: String,
    young_lines: Vec<YoungLine>,
    young_total: String,
    young_problem: Option<String>,
    run_total: String,
    not_paid: Vec<String>,
    problem: Option<String>,
    example: bool,
    error: Option<String>,
    buttons: Vec<Button>,
    moves: Vec<MoveView>,
    can_download: bool,
}

fn lines_of(x: &Payments) -> Vec<PayLine> {
    x.rows
        .iter()
        .enumerate()
        .map(|(i, r)| PayLine {
            n: i + 1,
            village_name: r.who.village_name.clone(),
            name: r.who.name.clone(),
            person_id: masked(&r.who.person),
            tier: format!("{}档", tier_zh(r.tier)),
            amount: format!("{:.2}", r.amount),
            source: r.source.label(),
        })
        .collect()
}

fn young_lines_of(y: &Young) -> Vec<YoungLine> {
    y.rows
        .iter()
        .enumerate()
        .map(|(i, r)| YoungLine {
            n: i + 1,
            village_name: r.who.village_name.clone(),
            name: r.who.name.clone(),
            person_id: masked(&r.who.person),
            base: format!("{:.2}", r.base),
            city_subsidy: format!("{:.2}", r.city_subsidy),
            town_subsidy: format!("{:.2}", r.town_subsidy),
            total: format!("{:.2}", r.total),
            note: if r.kept_current {
                format!(
                    "现报酬 {:.2} 元高于标准，按高标准执行（第十条）",
                    r.current_pay
                )
            } else {
                format!(
                    "参照工资 {} 元 × 系数 {}（第十条）",
                    r.reference_salary.normalize(),
                    r.factor.normalize()
                )
            },
        })
        .collect()
}

/// The run's totals per funding source (`touyan_reports::by_source`),
/// as the page shows them.
fn by_source_of(records: &[PayRecord]) -> Vec<(String, u32, String)> {
    reports::by_source(records)
        .into_iter()
        .map(|(s, people, fen)| (s.label().to_owned(), people, yuan(fen)))
        .collect()
}

// One piece: it lays out one page in the order it shows its parts.
fn page(user: &User, v: View, error: Option<String>) -> RunPage {
    let View { town_name, tm: v } = v;
    let current = v.current();
    let buttons = v
        .moves_for(&actor(user))
        .into_iter()
        .map(|k| Button {
            code: k.code(),
            label: k.label(),
        })
        .collect();
    let now_records = v.pay.town_records(v.town).map_err(|r| r.0);
    let changed = v.changed_since_computed().map(|c| {
        format!(
            "名单、档次、年轻干部或退出记录在{}之后有变化：现应发 {} 元，已保存 {} 元{}",
            c.state.label(),
            yuan(c.now_fen),
            yuan(c.stored_fen),
            if c.recompute {
                "，请重新计算"
            } else {
                ""
            }
        )
    });
    let (by_source, run_total) = match &now_records {
        Ok(r) => (by_source_of(r), yuan(r.iter().map(|r| r.amount_fen).sum())),
        Err(_) => (Vec::new(), "0.00".into()),
    };
    let (young_lines, young_total, young_problem) = match v.pay.young_result() {
        Ok(Some(y)) => (young_lines_of(y), format!("{:.2}", y.total()), None),
        Ok(None) => (Vec::new(), "0.00".into(), None),
        Err(m) => (
            Vec::new(),
            "0.00".into(),
            Some(format!("年轻干部报酬无法计算：{m}")),
        ),
    };
    let (lines, total, not_paid, problem, example) = match &v.pay.subsidies {
        Ok(x) => (
            lines_of(x),
            format!("{:.2}", x.total),
            x.not_paid
                .iter()
                .map(|n| {
                    format!(
                        "{} {}：{} {}",
                        n.who.village_name,
                        n.who.name,
                        n.exit.on,
                        n.exit.reason.label()
                    )
                })
                .collect(),
            None,
            x.example_amounts,
        ),
        Err(m) => (
            Vec::new(),
            "0.00".into(),
            Vec::new(),
            Some(m.0.clone()),
            false,
        ),
    };
    let example = example || v.amounts().example;
    RunPage {
        chrome: Chrome::new(
            &format!("{} {} 专业化补贴发放", town_name, month_text(v.month)),
            Some(user),
            "/pay",
        ),
        month: month_text(v.month),
        town: v.town.as_str().to_owned(),
        town_name,
        state: state_label(current),
        state_code: current.map_or("none", |s| s.code()).to_owned(),
        comment: v
            .run
            .as_ref()
            .map(|r| r.comment.clone())
            .unwrap_or_default(),
        stored: v.run.as_ref().map_or_else(String::new, |r| {
            format!("{} 人，{} 元", r.people, yuan(r.total_fen))
        }),
        changed,
        lines,
        by_source,
        total,
        young_lines,
        young_total,
        young_problem,
        run_total,
        not_paid,
        problem,
        example,
        error,
        buttons,
        moves: v
            .moves
            .into_iter()
            .map(|m| MoveView {
                seq: m.entry.seq,
                label: m.entry.kind.label(),
                to: m.entry.to.label(),
                comment: m.entry.comment,
                by: m.by,
                at: china_time(m.at),
            })
            .collect(),
        can_download: user.may(Action::Export),
    }
}

/// Parses a path's month and town, checks scope, and loads the run.
async fn open_run<'s>(
    st: &'s AppState,
    user: &User,
    month: &str,
    town: &str,
) -> Result<(TownDesk<'s>, View), PageError> {
    let town = TownCode::parse(town).map_err(|_| PageError::NotFound)?;
    let desk = st.town_desk(user, Action::Pay, &town)?;
    let month = reports::parse_month(month).ok_or(PageError::NotFound)?;
    let v = load(st, user, &desk, month)
        .await?
        .ok_or(PageError::NotFound)?;
    Ok((desk, v))
}

pub async fn town_page(
    State(st): State<AppState>,
    SignedIn { user, .. }: SignedIn<act::Pay>,
    Path((month, town)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (_, v) = open_run(&st, &user, &month, &town).await?;
    Ok(render(&page(&user, v, None), StatusCode::OK))
}

fn refusal(user: &User, v: View, r: Refusal) -> Response {
    let status = match &r {
        Refusal::NotFound => return not_found_page(),
        Refusal::Forbidden(_) => StatusCode::FORBIDDEN,
        Refusal::Conflict(_) => StatusCode::CONFLICT,
        Refusal::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
    };
    render(&page(user, v, Some(r.to_string())), status)
}

#[derive(Deserialize, Default)]
pub struct MoveForm {
    csrf: Option<String>,
    action: Option<String>,
    seen: Option<String>,
    /// How many moves the page showed (a recompute keeps the state).
    moves: Option<String>,
    comment: Option<String>,
}

/// `POST /pay/{month}/{town}`: one move (`action`), with the state the
/// user saw (`seen`) and a `comment`.
pub async fn town_move(
    State(st): State<AppState>,
    Path((month, town)): Path<(String, String)>,
    SignedForm {
        user,
        origin,
        form: f,
        ..
    }: SignedForm<act::Pay, MoveForm>,
) -> Result<Response, PageError> {
    let (desk, v) = open_run(&st, &user, &month, &town).await?;
    let wanted = f.action.as_deref().unwrap_or_default();
    let Some(kind) = PayMoveKind::ALL
        .iter()
        .copied()
        .find(|k| k.code() == wanted)
    else {
        return Ok(refusal(
            &user,
            v,
            Refusal::Invalid("未指明要办理的操作".into()),
        ));
    };
    let by = by_from(&user, &origin);
    let seen = office_pay::Seen {
        state: office_pay::seen_state(f.seen.as_deref().unwrap_or_default()),
        moves: f.moves.as_deref().and_then(|m| m.trim().parse().ok()),
    };
    let comment = f.comment.unwrap_or_default();
    Ok(
        match office_pay::move_town(desk.store(), by, &v.tm, kind, seen, &comment).await {
            Ok(_) => see_other(&format!(
                "/pay/{}/{}",
                month_text(v.tm.month),
                v.tm.town.as_str()
            )),
            Err(OfficeError::Store(e)) => return Err(e.into()),
            Err(e) => {
                let r = match e {
                    OfficeError::NotFound => Refusal::NotFound,
                    OfficeError::Forbidden(m) => Refusal::Forbidden(m),
                    OfficeError::Conflict(m) => Refusal::Conflict(m),
                    OfficeError::Invalid(m) => Refusal::Invalid(m),
                    OfficeError::Store(e) => return Err(e.into()),
                };
                refusal(&user, v, r)
            }
        },
    )
}

// ---------------------------------------------------------------------------
// The payment list, for printing (issue 5, item 7)

#[derive(Template)]
#[template(path = "pay_print.html")]
struct PrintPage {
    title: String,
    town_name: String,
    state: &'static str,
    printed_on: String,
    lines: Vec<PayLine>,
    by_source: Vec<(String, u32, String)>,
    total: String,
    young_lines: Vec<YoungLine>,
    young_total: String,
    run_total: String,
    example: bool,
}

pub async fn print(
    State(st): State<AppState>,
    SignedIn { user, .. }: SignedIn<act::Pay>,
    Path((month, town)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (_, v) = open_run(&st, &user, &month, &town).await?;
    let printed_on = st.today().to_string();
    let p = page(&user, v, None);
    Ok(render(
        &PrintPage {
            title: format!("村党组织书记专业化补贴发放表（{}）", p.month),
            town_name: p.town_name,
            state: p.state,
            printed_on,
            lines: p.lines,
            by_source: p.by_source,
            total: p.total,
            young_lines: p.young_lines,
            young_total: p.young_total,
            run_total: p.run_total,
            example: p.example,
        },
        StatusCode::OK,
    ))
}

impl HasCsrf for MoveForm {
    fn csrf(&self) -> Option<&str> {
        self.csrf.as_deref()
    }
}
