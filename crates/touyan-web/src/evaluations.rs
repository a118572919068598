//! The half-yearly competency evaluation in the browser (issue 5, item 5;
//! Article 12): a town opens it, prints one-time anonymous voting codes
//! (with QR codes) for the evaluation meeting or enters the counts of
//! paper ballots, its reviewer closes it; then the results per rater group,
//! the rate with its reason, and the interview or exit case it opens,
//! followed to its end. Raters are not users: `/vote/{code}` needs no
//! sign-in, and each code votes once.
//!
//! Moves are decided by `touyan_workflow::art12_evaluation` alone; the
//! rate by the rules crate's Article 12.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde::Deserialize;
use time::Date;
use touyan_records::model::{
    Admonition, Ballots, CaseState, Choice, EvalCase, EvalState, Evaluation, Exit, ExitReason,
    Labelled, PaperCount, RaterGroup, VoteToken,
};
use touyan_records::{CitizenId, TownCode};
use touyan_rules::art12_competency;
use touyan_storage::{Closing, ListedPerson, Store, StoreError};
use touyan_workflow::Refusal;
use touyan_workflow::art12_evaluation::{self as flow, CaseMove, EvalMove};

use crate::scope::{actor, town_in_scope};

use crate::guard::{csrf_ok, see_other};
use crate::pages::{
    Chrome, csrf_refused, internal, masked, message_page, not_found_page, render, signed_in,
};
use crate::roles::Action;
use crate::state::{AppState, Failure, User, client_addr};

/// The most codes one request may issue per secretary and group.
const MAX_CODES: u32 = 200;

/// Who votes through codes (Article 12: Party members and public
/// representatives decide the rate).
const CODE_GROUPS: [RaterGroup; 2] = [RaterGroup::PartyMembers, RaterGroup::PublicReps];

fn half_label(half: u8) -> &'static str {
    if half == 1 { "上半年" } else { "下半年" }
}

fn parse_half(s: &str) -> Option<u8> {
    match s.trim() {
        "1" => Some(1),
        "2" => Some(2),
        _ => None,
    }
}

fn parse_year(s: &str) -> Option<i32> {
    s.trim().parse().ok().filter(|y| (2000..=2100).contains(y))
}

// ---------------------------------------------------------------------------
// The overview

#[derive(Deserialize)]
pub struct HalfQuery {
    year: Option<String>,
    half: Option<String>,
}

pub struct TownLine {
    pub code: String,
    pub name: String,
    pub state: &'static str,
    pub open_cases: usize,
}

#[derive(Template)]
#[template(path = "evaluations.html")]
struct OverviewPage {
    chrome: Chrome,
    year: i32,
    half: u8,
    rows: Vec<TownLine>,
}

pub async fn overview(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HalfQuery>,
) -> Response {
    let user = match signed_in(&st, &headers, Action::Evaluations).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let today = st.today();
    let year = match q.year.as_deref().filter(|s| !s.trim().is_empty()) {
        None => Some(today.year()),
        Some(s) => parse_year(s),
    };
    let half = match q.half.as_deref().filter(|s| !s.trim().is_empty()) {
        None => Some(if u8::from(today.month()) <= 6 { 1 } else { 2 }),
        Some(s) => parse_half(s),
    };
    let (Some(year), Some(half)) = (year, half) else {
        return message_page(
            StatusCode::BAD_REQUEST,
            "年度或半年有误",
            "年度应为四位数字，半年为 1（上半年）或 2（下半年）。",
        );
    };
    if let Some(t) = user.town_scope() {
        return see_other(&format!("/evaluations/{year}/{half}/{t}"));
    }
    let Some(store) = st.unscoped_for(&user, Action::Evaluations) else {
        return crate::pages::forbidden();
    };
    let data = async {
        Ok::<_, StoreError>((
            st.reader(&user).towns().await?,
            store.evaluations(year, half).await?,
            store.open_cases(None).await?,
        ))
    };
    let (towns, evals, cases) = match data.await {
        Ok(d) => d,
        Err(e) => return internal(e.into()),
    };
    let rows = towns
        .into_iter()
        .map(|(code, name)| TownLine {
            state: evals
                .iter()
                .find(|e| e.town.as_str() == code)
                .map_or("尚未开始", |e| e.state.label()),
            open_cases: cases.iter().filter(|c| c.town.as_str() == code).count(),
            code,
            name,
        })
        .collect();
    render(
        &OverviewPage {
            chrome: Chrome::new(
                &format!("{year} 年{}胜任度评价", half_label(half)),
                Some(&user),
                "/evaluations",
            ),
            year,
            half,
            rows,
        },
        StatusCode::OK,
    )
}

// ---------------------------------------------------------------------------
// One town's evaluation

/// One rater group's figures for one secretary.
pub struct GroupView {
    pub code: &'static str,
    pub label: &'static str,
    pub issued: u32,
    pub used: u32,
    pub paper: [u32; 3],
    /// After closing: the ballots (codes and paper together).
    pub result: Option<[u32; 3]>,
}

pub struct PersonView {
    pub key: String,
    pub village_name: String,
    pub name: String,
    pub person_id: String,
    pub groups: Vec<GroupView>,
    /// After closing: the rate's sentence.
    pub rate: String,
}

pub struct CaseView {
    pub key: String,
    pub who: String,
    pub kind: &'static str,
    pub state: &'static str,
    pub reason: String,
    pub note: String,
    pub done_on: String,
    pub moves: Vec<(&'static str, &'static str)>,
}

#[derive(Template)]
#[template(path = "evaluation.html")]
struct EvalPage {
    chrome: Chrome,
    year: i32,
    half: u8,
    town: String,
    state: &'static str,
    state_code: &'static str,
    visible: bool,
    may_paper: bool,
    may_codes: bool,
    buttons: Vec<(&'static str, &'static str)>,
    people: Vec<PersonView>,
    cases: Vec<CaseView>,
    error: Option<String>,
    today: String,
}

struct View {
    year: i32,
    half: u8,
    town: TownCode,
    town_name: String,
    eval: Option<Evaluation>,
    listed: Vec<ListedPerson>,
    counts: Vec<touyan_storage::CodeCount>,
    paper: Vec<PaperCount>,
    ballots: Vec<Ballots>,
    cases: Vec<EvalCase>,
}

/// A person's key on a page: their reference (no ID number in a form).
fn key_of(st: &AppState, p: &CitizenId) -> String {
    st.person_ref(p)
}

async fn load(
    st: &AppState,
    user: &User,
    store: &Store,
    year: i32,
    half: u8,
    town: TownCode,
) -> Result<Option<View>, Failure> {
    let towns = st.reader(user).towns().await?;
    let Some((_, town_name)) = towns.into_iter().find(|(c, _)| c == town.as_str()) else {
        return Ok(None);
    };
    let eval = store.evaluation(year, half, town).await?;
    let listed = store.filed_names(year, town).await?;
    let closed = flow::results_visible(eval.as_ref().map(|e| e.state));
    let ballots = if closed {
        let all: Vec<Ballots> = store.ballots_of(year, half, town).await?;
        all
    } else {
        Vec::new()
    };
    Ok(Some(View {
        year,
        half,
        town,
        town_name,
        counts: store.code_counts(year, half, town).await?,
        paper: store.paper_counts(year, half, town).await?,
        cases: store.eval_cases(year, half, town).await?,
        eval,
        listed,
        ballots,
    }))
}

fn triple(c: u32, b: u32, n: u32) -> [u32; 3] {
    [c, b, n]
}

fn to_rules(t: [u32; 3]) -> art12_competency::Ballots {
    art12_competency::Ballots {
        competent: t[0],
        basically_competent: t[1],
        not_competent: t[2],
    }
}

fn page(st: &AppState, user: &User, v: View, error: Option<String>) -> EvalPage {
    let current = v.eval.as_ref().map(|e| e.state);
    let visible = flow::results_visible(current);
    let params = st.policy().resolve(
        v.eval
            .as_ref()
            .and_then(|e| e.closed_on)
            .unwrap_or_else(|| st.today()),
    );
    let people = v
        .listed
        .iter()
        .map(|l| {
            let groups: Vec<GroupView> = RaterGroup::ALL
                .iter()
                .map(|&g| {
                    let c = v
                        .counts
                        .iter()
                        .find(|c| c.person == l.person && c.group == g);
                    let p = v
                        .paper
                        .iter()
                        .find(|p| p.person == l.person && p.group == g);
                    let b = v
                        .ballots
                        .iter()
                        .find(|b| b.person == l.person && b.group == g);
                    GroupView {
                        code: g.code(),
                        label: g.label(),
                        issued: c.map_or(0, |c| c.issued),
                        used: c.map_or(0, |c| c.used),
                        paper: p.map_or([0; 3], |p| {
                            triple(p.competent, p.basically_competent, p.not_competent)
                        }),
                        result: visible.then(|| {
                            b.map_or([0; 3], |b| {
                                triple(b.competent, b.basically_competent, b.not_competent)
                            })
                        }),
                    }
                })
                .collect();
            let rate = match (&params, visible) {
                (Ok(p), true) => {
                    let of = |g: RaterGroup| {
                        groups
                            .iter()
                            .find(|x| x.code == g.code())
                            .and_then(|x| x.result)
                            .unwrap_or([0; 3])
                    };
                    art12_competency::competency(
                        p,
                        to_rules(of(RaterGroup::PartyMembers)),
                        to_rules(of(RaterGroup::PublicReps)),
                    )
                    .map_or_else(|| "无有效票".to_owned(), |d| d.reason.to_string())
                }
                _ => String::new(),
            };
            PersonView {
                key: key_of(st, &l.person),
                village_name: l.village_name.clone(),
                name: l.name.clone(),
                person_id: masked(&l.person),
                groups,
                rate,
            }
        })
        .collect();
    let names: HashMap<&CitizenId, &ListedPerson> =
        v.listed.iter().map(|l| (&l.person, l)).collect();
    let cases = v
        .cases
        .iter()
        .map(|c| CaseView {
            key: key_of(st, &c.person),
            who: names.get(&c.person).map_or_else(
                || masked(&c.person),
                |l| format!("{} {}", l.village_name, l.name),
            ),
            kind: c.kind.label(),
            state: c.state.label(),
            reason: c.reason.clone(),
            note: c.note.clone(),
            done_on: c.done_on.map_or_else(String::new, |d| d.to_string()),
            moves: flow::case_moves_for(&actor(user), v.town.as_str(), c.kind, c.state)
                .into_iter()
                .map(|m| (m.code(), m.label()))
                .collect(),
        })
        .collect();
    let moves = flow::moves_for(&actor(user), v.town.as_str(), current);
    EvalPage {
        chrome: Chrome::new(
            &format!(
                "{} {} 年{}胜任度评价",
                v.town_name,
                v.year,
                half_label(v.half)
            ),
            Some(user),
            "/evaluations",
        ),
        year: v.year,
        half: v.half,
        town: v.town.as_str().to_owned(),
        state: current.map_or("尚未开始", |s| s.label()),
        state_code: current.map_or("none", |s| s.code()),
        visible,
        may_paper: moves.contains(&EvalMove::EnterPaper),
        may_codes: moves.contains(&EvalMove::IssueCodes),
        buttons: moves
            .into_iter()
            .filter(|m| matches!(m, EvalMove::Open | EvalMove::Close))
            .map(|m| (m.code(), m.label()))
            .collect(),
        people,
        cases,
        error,
        today: st.today().to_string(),
    }
}

fn refusal(st: &AppState, user: &User, v: View, r: Refusal) -> Response {
    let status = match &r {
        Refusal::NotFound => return not_found_page(),
        Refusal::Forbidden(_) => StatusCode::FORBIDDEN,
        Refusal::Conflict(_) => StatusCode::CONFLICT,
        Refusal::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
    };
    render(&page(st, user, v, Some(r.to_string())), status)
}

async fn open_view(
    st: &AppState,
    user: &User,
    year: &str,
    half: &str,
    town: &str,
) -> Result<View, Response> {
    let town = town_in_scope(user, town).ok_or_else(not_found_page)?;
    let (Some(year), Some(half)) = (parse_year(year), parse_half(half)) else {
        return Err(not_found_page());
    };
    let store = st
        .unscoped_for(user, Action::Evaluations)
        .ok_or_else(crate::pages::forbidden)?;
    match load(st, user, store, year, half, town).await {
        Err(e) => Err(internal(e)),
        Ok(None) => Err(not_found_page()),
        Ok(Some(v)) => Ok(v),
    }
}

pub async fn town_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((year, half, town)): Path<(String, String, String)>,
) -> Response {
    let user = match signed_in(&st, &headers, Action::Evaluations).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    match open_view(&st, &user, &year, &half, &town).await {
        Ok(v) => render(&page(&st, &user, v, None), StatusCode::OK),
        Err(r) => r,
    }
}

// ---------------------------------------------------------------------------
// The result sheet, for printing (issue 5, item 7)

/// One rater group's ballots on the sheet.
pub struct SheetGroup {
    pub label: &'static str,
    pub counts: [u32; 3],
    pub total: u32,
}

/// One secretary on the sheet.
pub struct SheetRow {
    pub n: usize,
    pub village_name: String,
    pub name: String,
    pub person_id: String,
    pub groups: Vec<SheetGroup>,
    /// The rate of Party members and public representatives ("无有效票"
    /// when they cast none).
    pub rate: String,
    pub reason: String,
    /// The case the rate opened, and where it stands ("无" when none).
    pub case: String,
}

#[derive(Template)]
#[template(path = "evaluation_print.html")]
struct SheetPage {
    title: String,
    town_name: String,
    half_text: String,
    closed_on: String,
    printed_on: String,
    rule_text: String,
    rows: Vec<SheetRow>,
}

/// `GET /evaluations/{year}/{half}/{town}/print`: the evaluation result
/// sheet (评价结果表) of a closed evaluation, for A4: each secretary's
/// ballots per rater group as stored at closing, the rate and the case it
/// opened. Refused before closing (nothing of the votes is shown until
/// then).
pub async fn print(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((year, half, town)): Path<(String, String, String)>,
) -> Response {
    let user = match signed_in(&st, &headers, Action::Evaluations).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let v = match open_view(&st, &user, &year, &half, &town).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let current = v.eval.as_ref().map(|e| e.state);
    let closed_on = v.eval.as_ref().and_then(|e| e.closed_on);
    let (true, Some(closed_on)) = (flow::results_visible(current), closed_on) else {
        return message_page(
            StatusCode::CONFLICT,
            "评价尚未结束",
            &format!(
                "{} {} 年{}胜任度评价{}。评价结束前不显示票数，结束评价后才能打印评价结果表（第十二条）。",
                v.town_name,
                v.year,
                half_label(v.half),
                current.map_or("尚未开始".to_owned(), |s| format!(
                    "当前状态为“{}”",
                    s.label()
                ))
            ),
        );
    };
    let params = match st.policy().resolve(closed_on) {
        Ok(p) => p,
        Err(e) => {
            return internal(Failure::Internal(format!(
                "政策参数无法用于 {closed_on}：{e}"
            )));
        }
    };
    let rows = v
        .listed
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let of = |g: RaterGroup| {
                v.ballots
                    .iter()
                    .find(|b| b.person == l.person && b.group == g)
                    .map_or([0; 3], |b| {
                        triple(b.competent, b.basically_competent, b.not_competent)
                    })
            };
            let groups = RaterGroup::ALL
                .iter()
                .map(|&g| {
                    let counts = of(g);
                    SheetGroup {
                        label: g.label(),
                        counts,
                        total: counts.iter().sum(),
                    }
                })
                .collect();
            let d = art12_competency::competency(
                &params,
                to_rules(of(RaterGroup::PartyMembers)),
                to_rules(of(RaterGroup::PublicReps)),
            );
            let (rate, reason) = match d {
                Some(d) => {
                    let pct = d.outcome.rate.to_decimal(6) * rust_decimal::Decimal::ONE_HUNDRED;
                    (
                        format!("{}%", pct.round_dp(2).normalize()),
                        format!("{}（{}）", d.reason, d.rule.citation()),
                    )
                }
                None => ("无有效票".to_owned(), String::new()),
            };
            let case = v.cases.iter().find(|c| c.person == l.person).map_or_else(
                || "无".to_owned(),
                |c| format!("{}（{}）", c.kind.label(), c.state.label()),
            );
            SheetRow {
                n: i + 1,
                village_name: l.village_name.clone(),
                name: l.name.clone(),
                person_id: masked(&l.person),
                groups,
                rate,
                reason,
                case,
            }
        })
        .collect();
    render(
        &SheetPage {
            title: format!(
                "村党组织书记胜任度评价结果表（{} 年{}）",
                v.year,
                half_label(v.half)
            ),
            town_name: v.town_name,
            half_text: format!("{} 年{}", v.year, half_label(v.half)),
            closed_on: closed_on.to_string(),
            printed_on: st.today().to_string(),
            rule_text: format!(
                "胜任率按党员、群众代表的测评票计算：达不到 {} 的由镇街党(工)委约谈，达不到 {} 且确实不能胜任的退出专业化管理；包村干部、镇街党(工)委测评结果作为次年调整队伍的参考（{}）。",
                params.competency_interview_below.value,
                params.competency_exit_below.value,
                art12_competency::COMPETENCY.citation()
            ),
            rows,
        },
        StatusCode::OK,
    )
}

#[derive(Template)]
#[template(path = "vote_codes.html")]
struct CodesPage {
    title: String,
    town_name: String,
    codes: Vec<CodeSlip>,
}

pub struct CodeSlip {
    pub village_name: String,
    pub name: String,
    pub group: &'static str,
    pub url: String,
    /// An inline SVG (no image request, allowed by the CSP).
    pub qr: String,
}

fn qr_svg(text: &str) -> String {
    match qrcode::QrCode::new(text.as_bytes()) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(120, 120)
            .build(),
        Err(_) => String::new(),
    }
}

/// The address voters open: the request's own host.
fn base_url(st: &AppState, parts: &Parts) -> String {
    let host = parts
        .headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .unwrap_or("127.0.0.1:8080");
    let scheme = if st.config().secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}

/// `POST /evaluations/{year}/{half}/{town}`: `action` is a move (open,
/// paper, codes, close) or a case move (`case_hold`, `case_confirm`,
/// `case_dismiss` with `person`, `note`, `date`). Paper counts come as
/// `paper_<person ref>_<group>_<0|1|2>`; codes as `codes_<group>` (how
/// many per secretary).
pub async fn town_move(
    State(st): State<AppState>,
    parts: Parts,
    Path((year, half, town)): Path<(String, String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let user = match signed_in(&st, &parts.headers, Action::Evaluations).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let field = |name: &str| crate::scope::field(&form, name);
    if !csrf_ok(&user, Some(field("csrf"))) {
        return csrf_refused();
    }
    let v = match open_view(&st, &user, &year, &half, &town).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let Some(store) = st.unscoped_for(&user, Action::Evaluations) else {
        return crate::pages::forbidden();
    };
    let action = field("action");
    if let Some(case) = action.strip_prefix("case_") {
        return case_move(&st, &user, &parts, store, v, case, &form).await;
    }
    let Some(mv) = EvalMove::ALL.into_iter().find(|m| m.code() == action) else {
        return refusal(&st, &user, v, Refusal::Invalid("未指明要办理的操作".into()));
    };
    let current = v.eval.as_ref().map(|e| e.state);
    if let Err(r) = flow::check_move(&actor(&user), v.town.as_str(), current, mv) {
        return refusal(&st, &user, v, r);
    }
    if field("seen") != current.map_or("none", |s| s.code()) {
        return refusal(
            &st,
            &user,
            v,
            Refusal::Conflict("评价已被他人处理，状态已经改变，请核对后重新办理".into()),
        );
    }
    let origin = client_addr(&parts);
    let here = format!("/evaluations/{}/{}/{}", v.year, v.half, v.town.as_str());
    let today = st.today();
    let written = match mv {
        EvalMove::Open => {
            let e = Evaluation {
                year: v.year,
                half: v.half,
                town: v.town,
                state: EvalState::Open,
                opened_on: today,
                closed_on: None,
            };
            store
                .open_evaluation(&user.username, Some(&origin), &e)
                .await
        }
        EvalMove::EnterPaper => {
            let mut counts = Vec::new();
            for l in &v.listed {
                let key = key_of(&st, &l.person);
                for &g in RaterGroup::ALL {
                    let mut n = [0u32; 3];
                    for (i, slot) in n.iter_mut().enumerate() {
                        let text = field(&format!("paper_{key}_{}_{i}", g.code()));
                        *slot = match text {
                            "" => 0,
                            t => match t.parse::<u32>() {
                                Ok(x) if x <= 100_000 => x,
                                _ => {
                                    let m = format!(
                                        "{} {} 的{}票数“{}”不是 0 至 100000 的整数",
                                        l.village_name,
                                        l.name,
                                        g.label(),
                                        t.chars().take(10).collect::<String>()
                                    );
                                    return refusal(&st, &user, v, Refusal::Invalid(m));
                                }
                            },
                        };
                    }
                    counts.push(PaperCount {
                        year: v.year,
                        half: v.half,
                        person: l.person.clone(),
                        group: g,
                        town: v.town,
                        competent: n[0],
                        basically_competent: n[1],
                        not_competent: n[2],
                    });
                }
            }
            store
                .save_paper_counts(
                    &user.username,
                    Some(&origin),
                    v.year,
                    v.half,
                    v.town,
                    &counts,
                )
                .await
        }
        EvalMove::IssueCodes => {
            let mut wanted = Vec::new();
            for g in CODE_GROUPS {
                let t = field(&format!("codes_{}", g.code()));
                let n = match t {
                    "" => 0,
                    t => match t.parse::<u32>() {
                        Ok(x) if x <= MAX_CODES => x,
                        _ => {
                            let m = format!("{}投票码数量应为 0 至 {MAX_CODES}", g.label());
                            return refusal(&st, &user, v, Refusal::Invalid(m));
                        }
                    },
                };
                wanted.push((g, n));
            }
            if v.listed.is_empty() || wanted.iter().all(|(_, n)| *n == 0) {
                return refusal(
                    &st,
                    &user,
                    v,
                    Refusal::Invalid(
                        "请填写每位书记需要的投票码数量（本年度须有已备案名单）".into(),
                    ),
                );
            }
            let base = base_url(&st, &parts);
            let mut rows = Vec::new();
            let mut slips = Vec::new();
            for l in &v.listed {
                for &(g, n) in &wanted {
                    for _ in 0..n {
                        let token = match crate::auth::new_token() {
                            Ok(t) => t,
                            Err(m) => return internal(Failure::Internal(m)),
                        };
                        rows.push(VoteToken {
                            token_hash: crate::auth::token_hash(&token),
                            year: v.year,
                            half: v.half,
                            town: v.town,
                            person: l.person.clone(),
                            group: g,
                            choice: None,
                        });
                        let url = format!("{base}/vote/{token}");
                        slips.push(CodeSlip {
                            village_name: l.village_name.clone(),
                            name: l.name.clone(),
                            group: g.label(),
                            qr: qr_svg(&url),
                            url,
                        });
                    }
                }
            }
            if let Err(e) = store
                .issue_codes(&user.username, Some(&origin), v.year, v.half, v.town, &rows)
                .await
            {
                return match e {
                    StoreError::Invalid(m) => refusal(&st, &user, v, Refusal::Conflict(m)),
                    e => internal(e.into()),
                };
            }
            // Shown once: only their hashes are kept.
            return render(
                &CodesPage {
                    title: format!(
                        "{} 年{}村党组织书记胜任度评价投票码",
                        v.year,
                        half_label(v.half)
                    ),
                    town_name: v.town_name,
                    codes: slips,
                },
                StatusCode::OK,
            );
        }
        EvalMove::Close => match close(&st, store, &v, today).await {
            Ok(closing) => {
                let mut e = v.eval.clone().unwrap_or(Evaluation {
                    year: v.year,
                    half: v.half,
                    town: v.town,
                    state: EvalState::Open,
                    opened_on: today,
                    closed_on: None,
                });
                e.state = EvalState::Closed;
                e.closed_on = Some(today);
                store
                    .close_evaluation(&user.username, Some(&origin), &e, &closing)
                    .await
            }
            Err(m) => return refusal(&st, &user, v, Refusal::Invalid(m)),
        },
    };
    match written {
        Ok(()) => see_other(&here),
        Err(StoreError::Invalid(m)) => refusal(&st, &user, v, Refusal::Conflict(m)),
        Err(e) => internal(e.into()),
    }
}

/// What closing writes: every group's ballots (codes and paper together)
/// and the case each rate opens.
async fn close(st: &AppState, store: &Store, v: &View, today: Date) -> Result<Closing, String> {
    let params = st
        .policy()
        .resolve(today)
        .map_err(|e| format!("政策参数无法用于 {today}：{e}"))?;
    let tallies = store
        .code_tallies(v.year, v.half, v.town)
        .await
        .map_err(|e| e.to_string())?;
    let mut closing = Closing::default();
    for l in &v.listed {
        let mut of = HashMap::new();
        for &g in RaterGroup::ALL {
            let p = v
                .paper
                .iter()
                .find(|p| p.person == l.person && p.group == g);
            let t = tallies
                .iter()
                .find(|(p, x, _)| *p == l.person && *x == g)
                .map(|t| &t.2);
            let n = [
                p.map_or(0, |p| p.competent) + t.map_or(0, |t| t.competent),
                p.map_or(0, |p| p.basically_competent) + t.map_or(0, |t| t.basically_competent),
                p.map_or(0, |p| p.not_competent) + t.map_or(0, |t| t.not_competent),
            ];
            of.insert(g, n);
            if n.iter().any(|x| *x > 0) {
                closing.ballots.push(Ballots {
                    person: l.person.clone(),
                    year: v.year,
                    half: v.half,
                    group: g,
                    competent: n[0],
                    basically_competent: n[1],
                    not_competent: n[2],
                });
            }
        }
        let get = |g: RaterGroup| to_rules(of.get(&g).copied().unwrap_or([0; 3]));
        if let Some((kind, reason)) = flow::case_for(
            &params,
            get(RaterGroup::PartyMembers),
            get(RaterGroup::PublicReps),
        ) {
            closing.cases.push(EvalCase {
                year: v.year,
                half: v.half,
                person: l.person.clone(),
                town: v.town,
                kind,
                state: CaseState::Open,
                reason,
                note: String::new(),
                done_on: None,
            });
        }
    }
    Ok(closing)
}

async fn case_move(
    st: &AppState,
    user: &User,
    parts: &Parts,
    store: &Store,
    v: View,
    which: &str,
    form: &[(String, String)],
) -> Response {
    let field = |name: &str| crate::scope::field(form, name);
    let Some(mv) = CaseMove::ALL.into_iter().find(|m| m.code() == which) else {
        return refusal(st, user, v, Refusal::Invalid("未指明要办理的操作".into()));
    };
    let key = field("person");
    let Some(case) = v
        .cases
        .iter()
        .find(|c| key_of(st, &c.person) == key)
        .cloned()
    else {
        return refusal(st, user, v, Refusal::Invalid("没有找到该事项".into()));
    };
    let note: String = field("note").chars().take(500).collect();
    let to = match flow::check_case(
        &actor(user),
        v.town.as_str(),
        case.kind,
        case.state,
        mv,
        &note,
    ) {
        Ok(to) => to,
        Err(r) => return refusal(st, user, v, r),
    };
    let on = match field("date") {
        "" => st.today(),
        d => match touyan_rules::calendar::parse_iso_date(d) {
            Some(d) if d <= st.today() => d,
            _ => {
                return refusal(
                    st,
                    user,
                    v,
                    Refusal::Invalid("日期应为 YYYY-MM-DD，且不晚于今天".into()),
                );
            }
        },
    };
    let mut ended = case.clone();
    ended.state = to;
    ended.note = note.trim().to_owned();
    ended.done_on = Some(on);
    let admonition = (mv == CaseMove::Hold).then(|| Admonition {
        person: case.person.clone(),
        held_on: on,
        article: 12,
        reason: format!("{}：{}", case.reason, ended.note),
        make_up_study_done_on: None,
    });
    let exit = (mv == CaseMove::Confirm).then(|| Exit {
        person: case.person.clone(),
        on,
        reason: ExitReason::FailedEvaluation,
        note: case.reason.clone(),
    });
    match store
        .end_case(
            &user.username,
            Some(&client_addr(parts)),
            &ended,
            admonition.as_ref(),
            exit.as_ref(),
        )
        .await
    {
        Ok(()) => see_other(&format!(
            "/evaluations/{}/{}/{}",
            v.year,
            v.half,
            v.town.as_str()
        )),
        Err(StoreError::Invalid(m)) => refusal(st, user, v, Refusal::Conflict(m)),
        Err(e) => internal(e.into()),
    }
}

// ---------------------------------------------------------------------------
// Voting, without signing in

#[derive(Template)]
#[template(path = "vote.html")]
struct VotePage {
    chrome: Chrome,
    token: String,
    who: String,
    group: &'static str,
    done: Option<String>,
    choices: Vec<(&'static str, &'static str)>,
}

fn vote_page(
    token: String,
    who: String,
    group: &'static str,
    done: Option<String>,
    status: StatusCode,
) -> Response {
    render(
        &VotePage {
            chrome: Chrome::new("村党组织书记胜任度评价", None, ""),
            token,
            who,
            group,
            done,
            choices: Choice::ALL.iter().map(|c| (c.code(), c.label())).collect(),
        },
        status,
    )
}

/// The voter's view of a code: who is evaluated, or why not.
async fn code_view(
    st: &AppState,
    token: &str,
) -> Result<Result<(VoteToken, String), String>, Failure> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(Err("投票码无效".into()));
    }
    let store = st.vote_store();
    let Some((code, state)) = store.vote_code(&crate::auth::token_hash(token)).await? else {
        return Ok(Err("投票码无效".into()));
    };
    if state != EvalState::Open {
        return Ok(Err("本次评价已经结束，不能再投票".into()));
    }
    if code.choice.is_some() {
        return Ok(Err("该投票码已经投过票，每个投票码只能投一次".into()));
    }
    let who = store
        .listed_name(code.year, code.town, &code.person)
        .await?
        .unwrap_or_default();
    Ok(Ok((code, who)))
}

pub async fn vote_form(State(st): State<AppState>, Path(token): Path<String>) -> Response {
    match code_view(&st, &token).await {
        Err(e) => internal(e),
        Ok(Err(m)) => vote_page(
            String::new(),
            String::new(),
            "",
            Some(m),
            StatusCode::NOT_FOUND,
        ),
        Ok(Ok((code, who))) => vote_page(token, who, code.group.label(), None, StatusCode::OK),
    }
}

#[derive(Deserialize, Default)]
pub struct VoteForm {
    choice: Option<String>,
}

pub async fn vote(
    State(st): State<AppState>,
    Path(token): Path<String>,
    Form(f): Form<VoteForm>,
) -> Response {
    let (code, who) = match code_view(&st, &token).await {
        Err(e) => return internal(e),
        Ok(Err(m)) => {
            return vote_page(
                String::new(),
                String::new(),
                "",
                Some(m),
                StatusCode::CONFLICT,
            );
        }
        Ok(Ok(x)) => x,
    };
    let wanted = f.choice.unwrap_or_default();
    let Some(choice) = Choice::ALL.iter().copied().find(|c| c.code() == wanted) else {
        return vote_page(
            token,
            who,
            code.group.label(),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    match st.vote_store().vote(VOTER, &code.token_hash, choice).await {
        Ok(true) => vote_page(
            String::new(),
            who,
            code.group.label(),
            Some("投票成功，谢谢参与。本投票码已失效。".into()),
            StatusCode::OK,
        ),
        Ok(false) | Err(StoreError::Invalid(_)) => vote_page(
            String::new(),
            who,
            code.group.label(),
            Some("该投票码已经投过票，或评价已经结束".into()),
            StatusCode::CONFLICT,
        ),
        Err(e) => internal(e.into()),
    }
}

/// Who the change log names for an anonymous vote.
pub const VOTER: &str = "匿名评价人";
