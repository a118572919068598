//! A town's evaluation page: what it shows of the half (the office's
//! `TownHalf`: the results once visible, the moves and case moves the
//! user may make), its buttons and forms, and how a refusal is shown on
//! it.

use std::collections::HashMap;

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use touyan_office::OfficeError;
use touyan_office::evaluation::{self as office, CaseMove, EvalMove, TownHalf};
use touyan_office::signers::Signers;
use touyan_records::CitizenId;
use touyan_records::model::{Labelled, RaterGroup, SignPart, SignState};
use touyan_storage::ListedPerson;

use super::{View, half_label, key_of};
use crate::pages::{Chrome, Look, internal, masked, not_found_page, render};
use crate::scope::{actor, by};
use crate::state::{AppState, User, china_time};

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
    /// The moves the user may make: (code, label, look, question asked
    /// first).
    pub moves: Vec<(&'static str, &'static str, Look, String)>,
}

/// How a case's move looks and what it asks first, naming the secretary
/// (`who`) and the date the form sends (`{date}`, filled in by
/// `static/busy.js`).
fn case_look(m: CaseMove, who: &str) -> (Look, String) {
    match m {
        CaseMove::Hold => (
            Look::Primary,
            format!("确认已于 {{date}} 对{who}进行约谈，并结束这一约谈事项？"),
        ),
        CaseMove::Confirm => (
            Look::Danger,
            format!(
                "确认{who}确实不能胜任岗位（认定日期 {{date}}）？确认后不能撤回；本市政策规定据此退出的，即登记{who}退出专业化管理，不再发放专业化补贴。"
            ),
        ),
        CaseMove::Dismiss => (
            Look::Secondary,
            format!("确认对{who}不予退出，并结束这一事项？"),
        ),
    }
}

/// How an evaluation's move looks and what it asks first (`what`: "化龙镇
/// 2026 年上半年胜任度评价").
fn move_look(m: EvalMove, what: &str) -> (Look, String) {
    match m {
        EvalMove::Open => (
            Look::Primary,
            format!("确认开始{what}？开始后镇街申报评价人数、生成投票码。"),
        ),
        EvalMove::Close => (
            Look::Primary,
            format!(
                "确认结束{what}？结束后不能再投票或录入纸质票，按已投的票和已确认的纸质票计算胜任率，未达到要求的列出约谈或退出事项。"
            ),
        ),
        _ => (Look::Primary, String::new()),
    }
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
    /// Voided when the batch was issued again.
    pub voided: u32,
}

#[derive(Template)]
#[template(path = "evaluations/town.html")]
pub(super) struct EvalPage {
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
    buttons: Vec<(&'static str, &'static str, Look, String)>,
    /// "化龙镇 2026 年上半年胜任度评价", for the questions asked first.
    evaluation: String,
    people: Vec<PersonView>,
    batches: Vec<BatchView>,
    cases: Vec<CaseView>,
    error: Option<String>,
    today: String,
}

/// Where a part the reviewer confirms stands.
fn sign_view(th: &TownHalf, signers: &Signers, part: SignPart) -> SignView {
    match th.signoff(part) {
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
                    s.version,
                    signers.name(&s.entered_by),
                    signers.name(&s.confirmed_by)
                )
            } else {
                format!(
                    "第 {} 次录入，录入人 {}",
                    s.version,
                    signers.name(&s.entered_by)
                )
            },
            version: s.version,
        },
    }
}

/// The page of `v`, with `error` shown above it.
// One piece: it lays out one page in the order it shows its parts.
pub(super) fn page(st: &AppState, user: &User, v: View, error: Option<String>) -> EvalPage {
    let th = &v.th;
    let current = th.current();
    let visible = th.results_visible();
    let params = th.params(st.policy(), st.today());
    let people = th
        .listed
        .iter()
        .map(|l| {
            let groups: Vec<GroupView> = RaterGroup::ALL
                .iter()
                .map(|&g| {
                    let c = th
                        .counts
                        .iter()
                        .find(|c| c.person == l.person && c.group == g);
                    let p = th
                        .paper
                        .iter()
                        .find(|p| p.person == l.person && p.group == g);
                    GroupView {
                        code: g.code(),
                        label: g.label(),
                        counted: office::counted(g),
                        eligible: th
                            .room(&l.person, g)
                            .eligible
                            .map_or_else(String::new, |n| n.to_string()),
                        issued: c.map_or(0, |c| c.issued),
                        used: c.map_or(0, |c| c.used),
                        paper: p.map_or([0; 3], |p| {
                            [p.competent, p.basically_competent, p.not_competent]
                        }),
                        result: th.result(&l.person, g),
                    }
                })
                .collect();
            let rate = match (&params, visible) {
                (Ok(p), true) => th
                    .rate(p, &l.person)
                    .map_or_else(|| "无有效票".to_owned(), |d| d.reason.to_string()),
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
        th.listed.iter().map(|l| (&l.person, l)).collect();
    let cases = th
        .cases
        .iter()
        .map(|c| {
            let who = names.get(&c.person).map_or_else(
                || masked(&c.person),
                |l| format!("{} {}", l.village_name, l.name),
            );
            (c, who)
        })
        .map(|(c, who)| CaseView {
            key: key_of(st, &c.person),
            moves: th
                .case_moves(&by(user), c)
                .into_iter()
                .map(|m| {
                    let (look, confirm) = case_look(m, &who);
                    (m.code(), m.label(), look, confirm)
                })
                .collect(),
            who,
            kind: c.kind.label(),
            state: th.case_state(c),
            reason: c.reason.clone(),
            note: c.note.clone(),
            done_on: c.done_on.map_or_else(String::new, |d| d.to_string()),
        })
        .collect();
    let moves = th.moves_for(&actor(user), &user.username);
    let batches = th
        .batches
        .iter()
        .map(|b| BatchView {
            seq: b.batch.seq,
            by: v.signers.name(&b.by),
            at: china_time(b.at),
            group: b.batch.group.label(),
            people: b.batch.people,
            codes: b.batch.codes,
            voided: th
                .voided
                .iter()
                .find(|(seq, g, _)| *seq == b.batch.seq && *g == b.batch.group)
                .map_or(0, |v| v.2),
        })
        .collect();
    let evaluation = format!(
        "{} {} 年{}胜任度评价",
        v.town_name,
        th.year,
        half_label(th.half)
    );
    EvalPage {
        chrome: Chrome::new(&evaluation, Some(user), "/evaluations"),
        year: th.year,
        half: th.half,
        town: th.town.as_str().to_owned(),
        state: current.map_or("尚未开始", |s| s.label()),
        state_code: current.map_or("none", |s| s.code()),
        visible,
        may_declare: moves.contains(&EvalMove::DeclareRaters),
        may_confirm_raters: moves.contains(&EvalMove::ConfirmRaters),
        may_codes: moves.contains(&EvalMove::IssueCodes),
        may_paper: moves.contains(&EvalMove::EnterPaper),
        may_confirm_paper: moves.contains(&EvalMove::ConfirmPaper),
        raters: sign_view(th, &v.signers, SignPart::Raters),
        paper: sign_view(th, &v.signers, SignPart::Paper),
        buttons: moves
            .into_iter()
            .filter(|m| matches!(m, EvalMove::Open | EvalMove::Close))
            .map(|m| {
                let (look, confirm) = move_look(m, &evaluation);
                (m.code(), m.label(), look, confirm)
            })
            .collect(),
        evaluation,
        people,
        batches,
        cases,
        error,
        today: st.today().to_string(),
    }
}

/// The page again with why the office did not do what was asked,
/// answered with its status: a missing record as a missing page, a
/// store's failure as an internal error.
pub(super) fn failed(st: &AppState, user: &User, v: View, e: OfficeError) -> Response {
    let status = match e {
        OfficeError::NotFound => return not_found_page(),
        OfficeError::Store(e) => return internal(e.into()),
        OfficeError::Forbidden(_) => StatusCode::FORBIDDEN,
        OfficeError::Conflict(_) => StatusCode::CONFLICT,
        OfficeError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
    };
    render(&page(st, user, v, Some(e.to_string())), status)
}
