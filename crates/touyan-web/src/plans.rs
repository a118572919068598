//! The yearly plans in the browser (issue 5, item 5; Article 11): the
//! city's overview of every town's plans by state, a town's secretaries
//! with each plan's state and the missing ones flagged, and one plan with
//! its stage, the moves the user may make, the rules' reasons and the
//! history.
//!
//! Which move is allowed to whom is decided by `touyan_workflow::
//! art11_plan` alone; the notice period and the stage by the rules crate's
//! Article 11. Town roles see only their town: another town's plan answers
//! as a missing page. People are addressed by their reference, never their
//! ID number.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use time::Date;
use touyan_records::model::{AnnualPlan, Labelled, PlanMoveKind, PlanReview, PlanState};
use touyan_records::{CitizenId, TownCode};
use touyan_rules::Params;
use touyan_rules::art11_target_management::{self as art11, PlanRecord, PlanStage};
use touyan_storage::{PlanChange, PlanMoveRun, PlanPerson, Store, StoreError};
use touyan_workflow::Refusal;
use touyan_workflow::art11_plan as flow;

use crate::guard::see_other;
use crate::http::{PageError, SignedForm, SignedIn, act};
use crate::pages::{Chrome, internal, masked, message_page, not_found_page, render};
use crate::roles::Action;
use crate::scope::actor;
use crate::state::{AppState, Failure, User, china_time};

/// The record the rules judge, from a plan in the workflow.
fn record_of(p: &PlanReview) -> PlanRecord {
    PlanRecord {
        reviewed_on: p.reviewed_on,
        notice: p.notice_start.zip(p.notice_end),
        filed_on: p.filed_on,
    }
}

/// The record the rules judge, from a plan record on file (imported or
/// filed here).
fn record_of_file(a: &AnnualPlan) -> PlanRecord {
    PlanRecord {
        reviewed_on: a.reviewed_on,
        notice: a.notice_start.zip(a.notice_end),
        filed_on: a.filed_on,
    }
}

/// The parameters in force on `on`.
fn params(st: &AppState, on: Date) -> Result<Params, Failure> {
    st.policy()
        .resolve(on)
        .map_err(|e| Failure::Internal(format!("政策参数无法用于 {on}：{e}")))
}

/// A plan's state as the workflow sees it: the plan's own, or — for a
/// plan on file without a workflow (imported) — filed when the rules find
/// it filed; otherwise none (the town starts it here).
fn current(p: &Params, plan: Option<&PlanReview>, file: Option<&AnnualPlan>) -> Option<PlanState> {
    match (plan, file) {
        (Some(plan), _) => Some(plan.state),
        (None, Some(a)) if art11::plan_stage(p, &record_of_file(a)).outcome == PlanStage::Filed => {
            Some(PlanState::Filed)
        }
        _ => None,
    }
}

fn source_zh(filed: bool) -> &'static str {
    if filed {
        "已备案名单"
    } else {
        "测算建议（名单未备案）"
    }
}

// ---------------------------------------------------------------------------
// The overview

#[derive(Deserialize)]
pub struct PlansQuery {
    year: Option<String>,
    town: Option<String>,
}

/// One town's plans, counted.
pub struct TownCount {
    pub code: String,
    pub name: String,
    pub roster: usize,
    pub source: &'static str,
    pub missing: usize,
    /// By `PlanState::ALL`.
    pub counts: Vec<usize>,
}

/// One secretary of a town, with their plan's state.
pub struct PersonLine {
    pub village_name: String,
    pub name: String,
    pub person_id: String,
    pub href: String,
    pub source: &'static str,
    pub state: &'static str,
    pub stage: String,
    pub missing: bool,
}

#[derive(Template)]
#[template(path = "plans.html")]
struct OverviewPage {
    chrome: Chrome,
    year: i32,
    /// The town shown (code, name); `None`: every town.
    town: Option<(String, String)>,
    town_scoped: bool,
    states: Vec<&'static str>,
    towns: Vec<TownCount>,
    people: Vec<PersonLine>,
    missing: usize,
    notice_text: String,
}

pub async fn overview(
    State(st): State<AppState>,
    SignedIn { user, .. }: SignedIn<act::Plans>,
    Query(q): Query<PlansQuery>,
) -> Result<Response, PageError> {
    let Some(year) = crate::scope::year_of(&st, q.year.as_deref()) else {
        return Ok(message_page(
            StatusCode::BAD_REQUEST,
            "年度有误",
            "年度应为四位数字，如 2026。",
        ));
    };
    let town =
        crate::scope::page_town(&user, q.town.as_deref()).map_err(|()| PageError::NotFound)?;
    let desk = st.desk_of(&user, Action::Plans, town.as_ref())?;
    let p = overview_page(&st, &user, desk.store(), year, town)
        .await?
        .ok_or(PageError::NotFound)?;
    Ok(render(&p, StatusCode::OK))
}

async fn overview_page(
    st: &AppState,
    user: &User,
    store: &Store,
    year: i32,
    town: Option<TownCode>,
) -> Result<Option<OverviewPage>, Failure> {
    let p = params(st, st.today())?;
    let towns = st.reader(user).towns().await?;
    let files: Vec<AnnualPlan> = store.annual_plans(year).await?;
    let file_of: HashMap<&CitizenId, &AnnualPlan> = files.iter().map(|a| (&a.person, a)).collect();
    let min = &p.plan_public_notice_min_days;
    let notice_text = format!(
        "年度计划经镇街评审会议通过后在村级公示，公示期不少于 {} 天（{}），期满后报镇街党委备案（{}）。",
        min.value,
        art11::NOTICE_PERIOD.citation(),
        art11::PLAN_STAGE.citation()
    );
    let mut page = OverviewPage {
        chrome: Chrome::new(&format!("{year} 年度工作目标和计划"), Some(user), "/plans"),
        year,
        town: None,
        town_scoped: user.town_scope().is_some(),
        states: PlanState::ALL.iter().map(|s| s.label()).collect(),
        towns: Vec::new(),
        people: Vec::new(),
        missing: 0,
        notice_text,
    };
    if let Some(t) = town {
        let Some((_, name)) = towns.into_iter().find(|(c, _)| c == t.as_str()) else {
            return Ok(None);
        };
        page.chrome = Chrome::new(
            &format!("{name} {year} 年度工作目标和计划"),
            Some(user),
            "/plans",
        );
        page.town = Some((t.as_str().to_owned(), name));
        let roster = store.town_plan_roster(year, t).await?;
        let plans = store.plan_reviews(year, Some(t)).await?;
        let plan_of: HashMap<&CitizenId, &PlanReview> =
            plans.iter().map(|p| (&p.person, p)).collect();
        for r in &roster {
            let plan = plan_of.get(&r.person).copied();
            let file = file_of.get(&r.person).copied();
            page.people.push(line(st, &p, year, r, plan, file));
        }
        // Plans of people no longer on the town's roster stay listed.
        let names: HashMap<CitizenId, String> =
            store.plan_names(year, t).await?.into_iter().collect();
        for plan in &plans {
            if roster.iter().any(|r| r.person == plan.person) {
                continue;
            }
            let r = PlanPerson {
                town: t.as_str().to_owned(),
                person: plan.person.clone(),
                name: names.get(&plan.person).cloned().unwrap_or_default(),
                village: String::new(),
                village_name: String::new(),
                filed: false,
            };
            let mut l = line(
                st,
                &p,
                year,
                &r,
                Some(plan),
                file_of.get(&plan.person).copied(),
            );
            l.source = "不在本年度名单";
            page.people.push(l);
        }
        page.missing = page.people.iter().filter(|l| l.missing).count();
        return Ok(Some(page));
    }
    let roster = store.plan_roster(year).await?;
    let plans = store.plan_reviews(year, None).await?;
    let plan_of: HashMap<&CitizenId, &PlanReview> = plans.iter().map(|p| (&p.person, p)).collect();
    for (code, name) in towns {
        let mut row = TownCount {
            code,
            name,
            roster: 0,
            source: "",
            missing: 0,
            counts: vec![0; PlanState::ALL.len()],
        };
        let mut counted: Vec<&CitizenId> = Vec::new();
        for r in roster.iter().filter(|r| r.town == row.code) {
            row.roster += 1;
            row.source = source_zh(r.filed);
            counted.push(&r.person);
            let plan = plan_of.get(&r.person).copied();
            match current(&p, plan, file_of.get(&r.person).copied()) {
                Some(s) => row.counts[state_index(s)] += 1,
                None => row.missing += 1,
            }
        }
        for plan in plans.iter().filter(|x| x.town.as_str() == row.code) {
            if !counted.contains(&&plan.person) {
                row.counts[state_index(plan.state)] += 1;
            }
        }
        page.missing += row.missing;
        page.towns.push(row);
    }
    Ok(Some(page))
}

fn state_index(s: PlanState) -> usize {
    PlanState::ALL.iter().position(|x| *x == s).unwrap_or(0)
}

fn line(
    st: &AppState,
    p: &Params,
    year: i32,
    r: &PlanPerson,
    plan: Option<&PlanReview>,
    file: Option<&AnnualPlan>,
) -> PersonLine {
    let state = current(p, plan, file);
    let stage = match (plan, file) {
        (Some(plan), _) => art11::plan_stage(p, &record_of(plan)).reason,
        (None, Some(a)) => format!(
            "导入的记录：{}",
            art11::plan_stage(p, &record_of_file(a)).reason
        ),
        (None, None) => String::new(),
    };
    PersonLine {
        village_name: r.village_name.clone(),
        name: r.name.clone(),
        person_id: masked(&r.person),
        href: format!("/plans/{year}/{}", st.person_ref(&r.person)),
        source: source_zh(r.filed),
        state: flow::state_zh(state),
        stage,
        missing: state.is_none(),
    }
}

// ---------------------------------------------------------------------------
// One plan

/// Everything a plan's page is made from.
struct View {
    year: i32,
    person: CitizenId,
    reference: String,
    name: String,
    village_name: String,
    town: TownCode,
    town_name: String,
    /// Where the secretary is on a roster of the year (`None`: not).
    roster: Option<PlanPerson>,
    plan: Option<PlanReview>,
    file: Option<AnnualPlan>,
    moves: Vec<PlanMoveRun>,
}

impl View {
    fn current(&self, p: &Params) -> Option<PlanState> {
        current(p, self.plan.as_ref(), self.file.as_ref())
    }
}

/// Reads a plan's page; `None` when there is no such person or plan, or
/// it is another town's (answered as missing).
async fn load(
    st: &AppState,
    user: &User,
    store: &Store,
    year: i32,
    reference: &str,
) -> Result<Option<View>, Failure> {
    let Some(person) = st.person_id(reference) else {
        return Ok(None);
    };
    let plan = store.plan_review(year, &person).await?;
    let roster = store.plan_person(year, &person).await?;
    let town = match (&plan, &roster) {
        (Some(p), _) => p.town,
        (None, Some(r)) => match TownCode::parse(&r.town) {
            Ok(t) => t,
            Err(_) => return Ok(None),
        },
        (None, None) => return Ok(None),
    };
    if !actor(user).sees(town.as_str()) {
        return Ok(None);
    }
    let towns = st.reader(user).towns().await?;
    let Some((_, town_name)) = towns.into_iter().find(|(c, _)| c == town.as_str()) else {
        return Ok(None);
    };
    let (name, village_name) = match &roster {
        Some(r) => (r.name.clone(), r.village_name.clone()),
        None => (
            store
                .plan_names(year, town)
                .await?
                .into_iter()
                .find(|(id, _)| *id == person)
                .map(|(_, n)| n)
                .unwrap_or_default(),
            String::new(),
        ),
    };
    Ok(Some(View {
        year,
        reference: st.person_ref(&person),
        file: store.annual_plan(year, &person).await?,
        moves: store.plan_moves(year, &person).await?,
        person,
        name,
        village_name,
        town,
        town_name,
        roster,
        plan,
    }))
}

pub struct MoveView {
    pub seq: u32,
    pub label: &'static str,
    pub to: &'static str,
    pub comment: String,
    pub detail: String,
    pub by: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    chrome: Chrome,
    year: i32,
    reference: String,
    name: String,
    person_id: String,
    village_name: String,
    town: String,
    town_name: String,
    source: &'static str,
    state: &'static str,
    state_code: &'static str,
    stage: String,
    notice: String,
    comment: String,
    content: String,
    file_note: Option<String>,
    editable: bool,
    may_review: bool,
    may_notice: bool,
    may_file: bool,
    buttons: Vec<(&'static str, &'static str)>,
    today: String,
    notice_start: String,
    notice_end: String,
    error: Option<String>,
    moves: Vec<MoveView>,
}

fn page(st: &AppState, user: &User, v: View, error: Option<String>) -> Result<PlanPage, Failure> {
    let today = st.today();
    let on = v
        .plan
        .as_ref()
        .and_then(|p| p.notice_start)
        .unwrap_or(today);
    let p = params(st, on)?;
    let current = v.current(&p);
    let moves = flow::moves_for(&actor(user), v.town.as_str(), current);
    let stage = match (&v.plan, &v.file) {
        (Some(plan), _) => {
            let d = art11::plan_stage(&p, &record_of(plan));
            format!("{}：{}（{}）", d.outcome.zh(), d.reason, d.rule.citation())
        }
        (None, Some(a)) => {
            let d = art11::plan_stage(&p, &record_of_file(a));
            format!("{}：{}（{}）", d.outcome.zh(), d.reason, d.rule.citation())
        }
        (None, None) => format!(
            "{}：尚未起草年度计划（{}）",
            PlanStage::Drafting.zh(),
            art11::PLAN_STAGE.citation()
        ),
    };
    let notice_of = |start: Option<Date>, end: Option<Date>| match start.zip(end) {
        Some((s, e)) => {
            let d = art11::notice_period(&p, s, e);
            format!("{}（{}）", d.reason, d.rule.citation())
        }
        None => format!(
            "尚未公示；公示期不少于 {} 天，首尾两天都计算在内（{}）",
            p.plan_public_notice_min_days.value,
            art11::NOTICE_PERIOD.citation()
        ),
    };
    let notice = match (&v.plan, &v.file) {
        (Some(plan), _) => notice_of(plan.notice_start, plan.notice_end),
        (None, Some(a)) => notice_of(a.notice_start, a.notice_end),
        (None, None) => notice_of(None, None),
    };
    let file_note = match (&v.plan, &v.file) {
        (None, Some(a)) => Some(format!(
            "本计划有导入的记录（评审 {}，公示 {} 至 {}，备案 {}），没有计划内容和流转记录。",
            a.reviewed_on.map_or("未填".into(), |d| d.to_string()),
            a.notice_start.map_or("未填".into(), |d| d.to_string()),
            a.notice_end.map_or("未填".into(), |d| d.to_string()),
            a.filed_on.map_or("未填".into(), |d| d.to_string()),
        )),
        _ => None,
    };
    let editable = moves.contains(&PlanMoveKind::Save);
    Ok(PlanPage {
        chrome: Chrome::new(
            format!(
                "{} {} {} 年度工作目标和计划",
                v.village_name, v.name, v.year
            )
            .trim_start(),
            Some(user),
            "/plans",
        ),
        year: v.year,
        reference: v.reference,
        name: v.name,
        person_id: masked(&v.person),
        village_name: v.village_name,
        town: v.town.as_str().to_owned(),
        town_name: v.town_name,
        source: v
            .roster
            .as_ref()
            .map_or("不在本年度名单", |r| source_zh(r.filed)),
        state: flow::state_zh(current),
        state_code: current.map_or("none", |s| s.code()),
        stage,
        notice,
        comment: v
            .plan
            .as_ref()
            .map(|p| p.comment.clone())
            .unwrap_or_default(),
        content: v
            .plan
            .as_ref()
            .map(|p| p.content.clone())
            .unwrap_or_default(),
        file_note,
        editable,
        may_review: moves.contains(&PlanMoveKind::Pass) || moves.contains(&PlanMoveKind::Fail),
        may_notice: moves.contains(&PlanMoveKind::Notice),
        may_file: moves.contains(&PlanMoveKind::File) || moves.contains(&PlanMoveKind::Return),
        buttons: moves.iter().map(|k| (k.code(), k.label())).collect(),
        today: today.to_string(),
        notice_start: v
            .plan
            .as_ref()
            .and_then(|p| p.notice_start)
            .map_or_else(String::new, |d| d.to_string()),
        notice_end: v
            .plan
            .as_ref()
            .and_then(|p| p.notice_end)
            .map_or_else(String::new, |d| d.to_string()),
        error,
        moves: v
            .moves
            .into_iter()
            .map(|m| MoveView {
                seq: m.entry.seq,
                label: m.entry.kind.label(),
                to: m.entry.to.label(),
                comment: m.entry.comment,
                detail: m.entry.detail,
                by: m.by,
                at: china_time(m.at),
            })
            .collect(),
    })
}

fn show(
    st: &AppState,
    user: &User,
    v: View,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    match page(st, user, v, error) {
        Ok(p) => render(&p, status),
        Err(e) => internal(e),
    }
}

fn refusal(st: &AppState, user: &User, v: View, r: Refusal) -> Response {
    let status = match &r {
        Refusal::NotFound => return not_found_page(),
        Refusal::Forbidden(_) => StatusCode::FORBIDDEN,
        Refusal::Conflict(_) => StatusCode::CONFLICT,
        Refusal::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
    };
    show(st, user, v, Some(r.to_string()), status)
}

async fn open_view(
    st: &AppState,
    user: &User,
    year: &str,
    reference: &str,
) -> Result<View, PageError> {
    let year = crate::scope::year_of(st, Some(year)).ok_or(PageError::NotFound)?;
    let desk = st.desk(user, Action::Plans)?;
    load(st, user, desk.store(), year, reference)
        .await?
        .ok_or(PageError::NotFound)
}

pub async fn plan_page(
    State(st): State<AppState>,
    SignedIn { user, .. }: SignedIn<act::Plans>,
    Path((year, reference)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let v = open_view(&st, &user, &year, &reference).await?;
    Ok(show(&st, &user, v, None, StatusCode::OK))
}

/// A date typed in a form (`YYYY-MM-DD`), or why not.
fn date_field(text: &str, what: &str) -> Result<Date, Refusal> {
    if text.is_empty() {
        return Err(Refusal::Invalid(format!("请填写{what}")));
    }
    touyan_rules::calendar::parse_iso_date(text).ok_or_else(|| {
        Refusal::Invalid(format!(
            "{what}“{}”无效，应为 YYYY-MM-DD",
            text.chars().take(20).collect::<String>()
        ))
    })
}

/// `POST /plans/{year}/{person}`: one move, named by the `action` field,
/// with the state the user saw (`seen`), a `comment`, and what the move
/// records: `content` (save), `meeting_on` (pass, fail), `notice_start`
/// and `notice_end` (notice).
// One piece: one move of a plan: read the form, check with the workflow, write, answer — each refusal returns its page early.
pub async fn plan_move(
    State(st): State<AppState>,
    Path((year, reference)): Path<(String, String)>,
    SignedForm {
        user, origin, form, ..
    }: SignedForm<act::Plans, Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let field = |name: &str| crate::scope::field(&form, name);
    let v = open_view(&st, &user, &year, &reference).await?;
    let desk = st.desk(&user, Action::Plans)?;
    let store = desk.store();
    let today = st.today();
    let on = v
        .plan
        .as_ref()
        .and_then(|p| p.notice_start)
        .unwrap_or(today);
    let p = params(&st, on)?;
    let current = v.current(&p);
    let Some(kind) = PlanMoveKind::ALL
        .iter()
        .copied()
        .find(|k| k.code() == field("action"))
    else {
        return Ok(refusal(
            &st,
            &user,
            v,
            Refusal::Invalid("未指明要办理的操作".into()),
        ));
    };
    let comment = field("comment").to_owned();
    if comment.chars().count() > 500 {
        return Ok(refusal(
            &st,
            &user,
            v,
            Refusal::Invalid("意见不能超过 500 字".into()),
        ));
    }
    let to = match flow::check_move(&actor(&user), v.town.as_str(), current, kind, &comment) {
        Ok(to) => to,
        Err(r) => return Ok(refusal(&st, &user, v, r)),
    };
    if field("seen") != current.map_or("none", |s| s.code()) {
        return Ok(refusal(
            &st,
            &user,
            v,
            Refusal::Conflict("年度计划已被他人处理，状态已经改变，请核对后重新办理".into()),
        ));
    }
    let mut plan = v.plan.clone().unwrap_or_else(|| PlanReview {
        year: v.year,
        person: v.person.clone(),
        town: v.town,
        state: PlanState::Draft,
        content: String::new(),
        reviewed_on: None,
        notice_start: None,
        notice_end: None,
        filed_on: None,
        comment: String::new(),
    });
    plan.state = to;
    let mut detail = String::new();
    let mut filed = None;
    let decided: Result<(), Refusal> = (|| {
        match kind {
            PlanMoveKind::Save => {
                let content = field("content");
                flow::check_content(content)?;
                plan.content = content.to_owned();
                // A saved draft waits for a (new) review and notice.
                plan.reviewed_on = None;
                plan.notice_start = None;
                plan.notice_end = None;
                plan.filed_on = None;
            }
            PlanMoveKind::Pass | PlanMoveKind::Fail => {
                let met = date_field(field("meeting_on"), "评审会议日期")?;
                flow::check_meeting(met, today)?;
                let passed = kind == PlanMoveKind::Pass;
                plan.reviewed_on = passed.then_some(met);
                plan.comment = comment.clone();
                detail = format!(
                    "{met} 召开评审会议，{}（{}）",
                    if passed {
                        "通过"
                    } else {
                        "未通过，退回修改"
                    },
                    art11::PLAN_STAGE.citation()
                );
            }
            PlanMoveKind::Notice => {
                let start = date_field(field("notice_start"), "公示开始日")?;
                let end = date_field(field("notice_end"), "公示结束日")?;
                // The parameter in force when the notice starts.
                let pn = params(&st, start).map_err(|Failure::Internal(m)| Refusal::Invalid(m))?;
                let d = flow::check_notice(&pn, plan.reviewed_on, start, end, today)?;
                plan.notice_start = Some(start);
                plan.notice_end = Some(end);
                detail = format!("{}（{}）", d.reason, d.rule.citation());
            }
            PlanMoveKind::File => {
                let d = flow::check_filing(&p, record_of(&plan), today)?;
                plan.filed_on = Some(today);
                plan.comment.clear();
                detail = format!("{}（{}）", d.reason, d.rule.citation());
                filed = Some(AnnualPlan {
                    person: plan.person.clone(),
                    year: plan.year,
                    reviewed_on: plan.reviewed_on,
                    notice_start: plan.notice_start,
                    notice_end: plan.notice_end,
                    filed_on: plan.filed_on,
                });
            }
            PlanMoveKind::Return => {
                plan.comment = comment.clone();
            }
        }
        Ok(())
    })();
    if let Err(r) = decided {
        return Ok(refusal(&st, &user, v, r));
    }
    let change = PlanChange {
        expected: v.plan.as_ref().map(|p| p.state),
        kind,
        plan,
        comment,
        detail,
        filed,
    };
    Ok(
        match store
            .move_plan(&user.username, Some(&origin), &change)
            .await
        {
            Ok(_) => see_other(&format!("/plans/{}/{}", v.year, v.reference)),
            Err(StoreError::Invalid(m)) => refusal(&st, &user, v, Refusal::Conflict(m)),
            Err(e @ StoreError::Stale) => refusal(&st, &user, v, Refusal::Conflict(e.to_string())),
            Err(e) => return Err(e.into()),
        },
    )
}
