//! Exceptions to the list's hedged clauses on a town's list page (issue
//! 17, item 1): the town's requests with their state, reason, comments,
//! who moved them and when, the buttons the user may press, and the
//! form to ask for one; `POST /lists/{year}/{town}/exceptions` makes one
//! move (`touyan_office::exceptions`), refused with the page and the
//! reason.

use axum::extract::{Path, State};
use axum::response::Response;
use touyan_office::By;
use touyan_office::exceptions as office;
use touyan_office::lists::TownList;
use touyan_records::model::{ExceptionMoveKind, Labelled};

use super::moves::refusal;
use super::view::{Missing, load};
use crate::http::done;
use crate::http::{PageError, SignedForm, act};
use crate::pages::{Look, message_page};
use crate::roles::Action;
use crate::scope::{by_from, town_in_scope};
use crate::state::{AppState, china_time};

/// One exception as the page shows it.
pub struct ExceptionView {
    pub seq: u32,
    pub rule: String,
    pub departure: String,
    pub reason: String,
    pub state: &'static str,
    pub state_code: &'static str,
    pub comment: String,
    /// "申请例外：张三 2026-01-05 10:00；…"
    pub history: String,
    /// The moves `by` may make: (action, label, look, question asked
    /// first).
    pub buttons: Vec<(&'static str, &'static str, Look, String)>,
}

/// How an exception's move looks and what it asks first (`what`: "化龙镇
/// 第 2 号例外申请（…）").
fn look_of(kind: ExceptionMoveKind, what: &str) -> (Look, String) {
    match kind {
        ExceptionMoveKind::Propose => (
            Look::Primary,
            format!("确认提交{what}？提交后由镇街审核、市委组织部审批，不能撤回。"),
        ),
        ExceptionMoveKind::TownApprove => {
            (Look::Primary, format!("同意{what}并报市委组织部审批？"))
        }
        ExceptionMoveKind::TownRefuse => (Look::Danger, format!("不同意{what}？")),
        ExceptionMoveKind::Approve => (
            Look::Primary,
            format!("批准{what}？批准后名单核查不再以该条款为由拒绝，例外打印在备案表上。"),
        ),
        ExceptionMoveKind::Refuse => (Look::Danger, format!("不批准{what}？")),
    }
}

/// The exceptions of `l` (the list of `town_name`) for the page, with
/// the moves `by` may make.
pub(super) fn views(l: &TownList, by: &By<'_>, town_name: &str) -> Vec<ExceptionView> {
    l.exceptions
        .iter()
        .map(|e| {
            (
                e,
                office::rule_zh(&e.rule),
                office::departure_zh(l, &e.departure),
            )
        })
        .map(|(e, rule, departure)| ExceptionView {
            buttons: office::moves_for(by, e)
                .into_iter()
                .map(|k| {
                    let what = format!(
                        "{town_name} {} 年第 {} 号例外申请（{rule}：{departure}）",
                        l.year, e.seq
                    );
                    let (look, confirm) = look_of(k, &what);
                    (k.code(), k.label(), look, confirm)
                })
                .collect(),
            seq: e.seq,
            rule,
            departure,
            reason: e.reason.clone(),
            state: e.state.label(),
            state_code: e.state.code(),
            comment: e.comment.clone(),
            history: l
                .exception_moves
                .iter()
                .filter(|m| m.entry.seq == e.seq)
                .map(|m| format!("{}：{} {}", m.entry.kind.label(), m.by, china_time(m.at)))
                .collect::<Vec<_>>()
                .join("；"),
        })
        .collect()
}

/// `POST /lists/{year}/{town}/exceptions`: `action=propose` with `rule`,
/// `village` (a person's check), `list_size` or `tier1`/`tier2`, and a
/// `reason`; or a review (`action` = `town_approve`, `town_refuse`,
/// `approve`, `refuse`) of exception `seq`, with the state seen
/// (`seen`) and a `comment`.
pub async fn exception_move(
    State(st): State<AppState>,
    Path((year, town)): Path<(String, String)>,
    SignedForm {
        user, origin, form, ..
    }: SignedForm<act::Lists, Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let field = |name: &str| crate::scope::field(&form, name).to_owned();
    let town = town_in_scope(&user, &town).ok_or(PageError::NotFound)?;
    let year = crate::scope::year_of(&st, Some(&year)).ok_or(PageError::NotFound)?;
    let desk = st.town_desk(&user, Action::Lists, &town)?;
    let store = desk.store();
    let v = match load(&st, &user, store, year, town).await? {
        Err(Missing::Town) => return Err(PageError::NotFound),
        Err(Missing::Proposal(m)) => {
            return Ok(message_page(
                axum::http::StatusCode::NOT_FOUND,
                "尚无测算结果",
                &m,
            ));
        }
        Ok(v) => v,
    };
    let by = by_from(&user, &origin);
    let action = field("action");
    let said = match ExceptionMoveKind::ALL.iter().find(|k| k.code() == action) {
        Some(ExceptionMoveKind::Propose) => "已申请例外",
        Some(ExceptionMoveKind::TownApprove) => "镇街已审核同意",
        Some(ExceptionMoveKind::TownRefuse) => "镇街审核不同意",
        Some(ExceptionMoveKind::Approve) => "市级已批准",
        Some(ExceptionMoveKind::Refuse) => "市级不予批准",
        None => "已办理",
    };
    let said = format!("{said}：{} {year} 年度名单的例外事项", v.town_name);
    let outcome = if action == ExceptionMoveKind::Propose.code() {
        let asked = office::Asked {
            rule: field("rule"),
            village: field("village"),
            list_size: field("list_size"),
            tier1: field("tier1"),
            tier2: field("tier2"),
            reason: field("reason"),
        };
        office::propose(store, by, &v.list, &asked)
            .await
            .map(|_| ())
    } else {
        let review = office::Review {
            seq: field("seq").trim().parse().unwrap_or(0),
            action: field("action"),
            seen: field("seen"),
            comment: field("comment"),
        };
        office::review(store, by, &v.list, &review)
            .await
            .map(|_| ())
    };
    match outcome {
        Ok(()) => Ok(done(
            &format!("/lists/{year}/{}#exceptions", town.as_str()),
            &said,
        )),
        Err(e) => refusal(&user, v, e, &crate::row_filter::RowFilter::default()),
    }
}
