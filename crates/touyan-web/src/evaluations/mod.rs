//! The half-yearly competency evaluation in the browser (issue 5, item 5;
//! issue 15, item 5; Article 12): a town's operator opens it and declares
//! each secretary's numbers of eligible Party-member and public
//! representative raters, which its reviewer confirms; the operator then
//! prints one-time anonymous voting codes (with QR codes) for the
//! evaluation meeting, or enters the counts of paper ballots, never more
//! than the confirmed raters; the reviewer confirms the paper counts and
//! closes the evaluation; then the results per rater group, the rate with
//! its reason, and the interview or exit case it opens, followed to its
//! end. Raters are not users: `/vote/{code}` needs no sign-in, and each
//! code votes once. Every batch of codes is listed with who issued it and
//! when.
//!
//! Moves are decided by `touyan_workflow::art12_evaluation` alone (the
//! buttons shown are its `moves_for`); the rate by the rules crate's
//! Article 12. This module: the overview, a town's page and its moves,
//! closing; `codes.rs` what the operator's forms give (raters, paper
//! counts, codes and their printed slips), `cases.rs` the cases,
//! `sheet.rs` the printed result sheet, `vote.rs` the voters' page.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use time::Date;
use touyan_records::model::{
    Ballots, CaseState, EvalCase, EvalSignoff, EvalState, Evaluation, Labelled, PaperCount,
    RaterCount, RaterGroup, SignPart, SignState,
};
use touyan_records::{CitizenId, TownCode};
use touyan_rules::art12_competency;
use touyan_storage::{Closing, IssuedBatch, ListedPerson, Store, StoreError};
use touyan_workflow::Refusal;
use touyan_workflow::art12_evaluation::{self as flow, EvalMove, Room, Sign, Stage};

use crate::scope::{actor, town_in_scope};

use crate::guard::{csrf_ok, see_other};
use crate::pages::{
    Chrome, csrf_refused, internal, masked, message_page, not_found_page, render, signed_in,
};
use crate::roles::Action;
use crate::state::{AppState, Failure, User, china_time, client_addr};

mod cases;
mod codes;
mod sheet;
mod vote;

pub use sheet::print;
pub use vote::{VOTER, vote, vote_form};

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
    /// Whether raters are declared for the group (it decides the rate).
    pub counted: bool,
    /// The declared number of eligible raters ("" when none).
    pub eligible: String,
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

/// Where a part the reviewer confirms stands, for the page.
pub struct SignView {
    /// "尚未申报" / "尚未录入", "待审核确认", "已确认".
    pub state: String,
    /// Who entered and who confirmed it ("" when nothing is entered).
    pub who: String,
    pub version: u32,
}

/// A batch of codes on the page.
pub struct BatchView {
    pub seq: u32,
    pub by: String,
    pub at: String,
    pub group: &'static str,
    pub people: u32,
    pub codes: u32,
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
    may_declare: bool,
    may_confirm_raters: bool,
    may_codes: bool,
    may_paper: bool,
    may_confirm_paper: bool,
    raters: SignView,
    paper: SignView,
    buttons: Vec<(&'static str, &'static str)>,
    people: Vec<PersonView>,
    batches: Vec<BatchView>,
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
    signoffs: Vec<EvalSignoff>,
    raters: Vec<RaterCount>,
    batches: Vec<IssuedBatch>,
    listed: Vec<ListedPerson>,
    counts: Vec<touyan_storage::CodeCount>,
    paper: Vec<PaperCount>,
    ballots: Vec<Ballots>,
    cases: Vec<EvalCase>,
}

impl View {
    fn signoff(&self, part: SignPart) -> Option<&EvalSignoff> {
        self.signoffs.iter().find(|s| s.part == part)
    }

    /// Where the evaluation stands, as the workflow reads it.
    fn stage(&self) -> Stage<'_> {
        let sign = |part| {
            self.signoff(part).map(|s| Sign {
                state: s.state,
                by: s.entered_by.as_str(),
            })
        };
        Stage {
            state: self.eval.as_ref().map(|e| e.state),
            raters: sign(SignPart::Raters),
            paper: sign(SignPart::Paper),
        }
    }

    /// What one secretary's group has used of its confirmed raters.
    fn room(&self, person: &CitizenId, group: RaterGroup) -> Room {
        Room {
            eligible: self
                .raters
                .iter()
                .find(|r| r.person == *person && r.group == group)
                .map(|r| r.eligible),
            issued: self
                .counts
                .iter()
                .find(|c| c.person == *person && c.group == group)
                .map_or(0, |c| c.issued),
            paper: self
                .paper
                .iter()
                .find(|p| p.person == *person && p.group == group)
                .map_or(0, |p| p.competent + p.basically_competent + p.not_competent),
        }
    }

    fn sign_view(&self, part: SignPart) -> SignView {
        match self.signoff(part) {
            None => SignView {
                state: if part == SignPart::Raters {
                    "尚未申报".into()
                } else {
                    "尚未录入".into()
                },
                who: String::new(),
                version: 0,
            },
            Some(s) => SignView {
                state: s.state.label().into(),
                who: if s.state == SignState::Confirmed {
                    format!(
                        "第 {} 次录入，录入人 {}，确认人 {}",
                        s.version, s.entered_by, s.confirmed_by
                    )
                } else {
                    format!("第 {} 次录入，录入人 {}", s.version, s.entered_by)
                },
                version: s.version,
            },
        }
    }
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
        signoffs: store.eval_signoffs(year, half, town).await?,
        raters: store.rater_counts(year, half, town).await?,
        batches: store.code_batches(year, half, town).await?,
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
                        counted: flow::COUNTED.contains(&g),
                        eligible: v
                            .room(&l.person, g)
                            .eligible
                            .map_or_else(String::new, |n| n.to_string()),
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
    let moves = flow::moves_for(&actor(user), &user.username, v.town.as_str(), &v.stage());
    let batches = v
        .batches
        .iter()
        .map(|b| BatchView {
            seq: b.batch.seq,
            by: b.by.clone(),
            at: china_time(b.at),
            group: b.batch.group.label(),
            people: b.batch.people,
            codes: b.batch.codes,
        })
        .collect();
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
        may_declare: moves.contains(&EvalMove::DeclareRaters),
        may_confirm_raters: moves.contains(&EvalMove::ConfirmRaters),
        may_codes: moves.contains(&EvalMove::IssueCodes),
        may_paper: moves.contains(&EvalMove::EnterPaper),
        may_confirm_paper: moves.contains(&EvalMove::ConfirmPaper),
        raters: v.sign_view(SignPart::Raters),
        paper: v.sign_view(SignPart::Paper),
        buttons: moves
            .into_iter()
            .filter(|m| matches!(m, EvalMove::Open | EvalMove::Close))
            .map(|m| (m.code(), m.label()))
            .collect(),
        people,
        batches,
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
        return cases::case_move(&st, &user, &parts, store, v, case, &form).await;
    }
    let Some(mv) = EvalMove::ALL.into_iter().find(|m| m.code() == action) else {
        return refusal(&st, &user, v, Refusal::Invalid("未指明要办理的操作".into()));
    };
    let current = v.eval.as_ref().map(|e| e.state);
    if let Err(r) = flow::check_move(
        &actor(&user),
        &user.username,
        v.town.as_str(),
        &v.stage(),
        mv,
    ) {
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
        EvalMove::DeclareRaters => {
            let counts = match codes::declared(&st, &v, field) {
                Ok(c) => c,
                Err(r) => return refusal(&st, &user, v, r),
            };
            store
                .declare_raters(
                    &user.username,
                    Some(&origin),
                    v.year,
                    v.half,
                    v.town,
                    &counts,
                )
                .await
        }
        EvalMove::ConfirmRaters | EvalMove::ConfirmPaper => {
            let part = if mv == EvalMove::ConfirmRaters {
                SignPart::Raters
            } else {
                SignPart::Paper
            };
            // The version the reviewer saw: what they confirm.
            let Some(seen) = v
                .signoff(part)
                .filter(|s| field("version").parse::<u32>().ok() == Some(s.version))
                .cloned()
            else {
                return refusal(
                    &st,
                    &user,
                    v,
                    Refusal::Conflict(format!("{}已被重新录入，请核对后再确认", part.label())),
                );
            };
            store
                .confirm_signoff(&user.username, Some(&origin), &seen)
                .await
        }
        EvalMove::EnterPaper => {
            let counts = match codes::paper_counts(&st, &v, field) {
                Ok(c) => c,
                Err(r) => return refusal(&st, &user, v, r),
            };
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
            return codes::issue_codes(&st, &user, &parts, store, v, field).await;
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

/// What closing writes: every group's ballots (codes and the confirmed
/// paper counts together) and the case each rate opens. Paper counts
/// count only once confirmed; the workflow refuses to close while they
/// await confirmation, so none are left out here.
async fn close(st: &AppState, store: &Store, v: &View, today: Date) -> Result<Closing, String> {
    let params = st
        .policy()
        .resolve(today)
        .map_err(|e| format!("政策参数无法用于 {today}：{e}"))?;
    let tallies = store
        .code_tallies(v.year, v.half, v.town)
        .await
        .map_err(|e| e.to_string())?;
    let paper_version = v
        .signoff(SignPart::Paper)
        .filter(|s| s.state == SignState::Confirmed)
        .map(|s| s.version);
    let paper: &[PaperCount] = if paper_version.is_some() {
        &v.paper
    } else {
        &[]
    };
    let mut closing = Closing {
        paper_version,
        votes: tallies
            .iter()
            .map(|(_, _, t)| {
                u64::from(t.competent)
                    + u64::from(t.basically_competent)
                    + u64::from(t.not_competent)
            })
            .sum(),
        ..Closing::default()
    };
    for l in &v.listed {
        let mut of = HashMap::new();
        for &g in RaterGroup::ALL {
            let p = paper.iter().find(|p| p.person == l.person && p.group == g);
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
