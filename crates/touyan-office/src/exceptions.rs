//! Exceptions to the clauses the measures hedge (原则上, 一般; issue 17,
//! item 1): a town operator asks to depart from one check of the town's
//! yearly list — for a named secretary (tenure, star rating, tier-1
//! stars) or a count (the list's size, the places of tiers 1 and 2) —
//! with a written reason; the town's reviewer and then the city approve
//! or refuse it, each with a comment, separately from the list's filing.
//! An approved exception waives that check in the list's findings
//! (`TownList::findings`), is printed on the filing form and opens the
//! filed list to an adjustment outside the adjustment month.
//!
//! Whether a rule may be excepted at all is the rules crate's
//! `hedges::open` (a strict clause never; a hedged one unless the city's
//! policy makes it strict); who moves what is `touyan_workflow`'s
//! `art01_13_exception`.

use touyan_records::model::{
    Departure, ExceptionMoveKind, ExceptionState, Labelled, ListException,
};
use touyan_rules::hedges::{self, Scope};
use touyan_storage::{ExceptionChange, Store, StoreError};
use touyan_workflow::art01_13_exception as flow;

use crate::lists::{TEXT_CHARS, TownList};
use crate::{By, OfficeError};

/// A request as the form sends it.
#[derive(Clone, Debug, Default)]
pub struct Asked {
    /// The hedged rule's id (`art01.tenure`, …).
    pub rule: String,
    /// For a person's check: the village code of the secretary's row.
    pub village: String,
    /// For the list's size: the number the list may hold.
    pub list_size: String,
    /// For the tier places: how many tiers 1 and 2 may hold.
    pub tier1: String,
    pub tier2: String,
    pub reason: String,
}

/// A review as the form sends it.
#[derive(Clone, Debug, Default)]
pub struct Review {
    pub seq: u32,
    /// The move's code (`town_approve`, `approve`, …).
    pub action: String,
    /// The state the reviewer saw (its code).
    pub seen: String,
    pub comment: String,
}

fn invalid(m: impl Into<String>) -> OfficeError {
    OfficeError::Invalid(m.into())
}

fn count(text: &str, what: &str) -> Result<u32, OfficeError> {
    text.trim()
        .parse::<u32>()
        .ok()
        .filter(|&n| n <= 10_000)
        .ok_or_else(|| invalid(format!("{what}应为 0 到 10000 的整数")))
}

fn text_ok(text: &str, what: &str) -> Result<String, OfficeError> {
    let t = text.trim();
    OfficeError::at_most(t, what, TEXT_CHARS)?;
    Ok(t.to_owned())
}

/// A rule a town may ask an exception to, as the request form offers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenRule {
    pub id: &'static str,
    /// "任职年限（第一条第二款），原文“一般”".
    pub title: String,
}

/// The rules a town may ask an exception to under the list's policy
/// (`hedges::open`), in the articles' order.
pub fn open_rules(list: &TownList) -> Vec<OpenRule> {
    hedges::EXCEPTABLE
        .iter()
        .filter(|e| hedges::open(&list.params, e.rule.id).outcome)
        .map(|e| OpenRule {
            id: e.rule.id,
            title: format!(
                "{}（{}），原文“{}”",
                e.rule.title,
                e.rule.citation(),
                hedges::hedge_of(e.rule.id).map_or("", |h| h.word())
            ),
        })
        .collect()
}

/// What an exception departs from, in words ("某村 某某", "名单 3 名",
/// "一档 1 名、二档 1 名").
pub fn departure_zh(list: &TownList, d: &Departure) -> String {
    match d {
        Departure::Person(p) => list.rows.iter().find(|r| &r.person == p).map_or_else(
            || p.masked(touyan_records::Mask::default()),
            |r| format!("{} {}", r.village_name, r.person_name),
        ),
        Departure::ListSize(n) => format!("名单 {n} 名"),
        Departure::TierPlaces { tier1, tier2 } => format!("一档 {tier1} 名、二档 {tier2} 名"),
    }
}

/// The rule's title and citation ("任职年限（第一条第二款）").
pub fn rule_zh(rule_id: &str) -> String {
    hedges::exceptable(rule_id).map_or_else(
        || rule_id.to_owned(),
        |e| format!("{}（{}）", e.rule.title, e.rule.citation()),
    )
}

/// Who approved an exception and when (the city's approving move).
pub fn approved_by(list: &TownList, seq: u32) -> Option<&touyan_storage::ExceptionMoveRun> {
    list.exception_moves
        .iter()
        .find(|m| m.entry.seq == seq && m.entry.kind == ExceptionMoveKind::Approve)
}

/// The approvals of an exception, the town's and the city's, in order
/// (what the filing form prints).
pub fn approvals(list: &TownList, seq: u32) -> Vec<&touyan_storage::ExceptionMoveRun> {
    list.exception_moves
        .iter()
        .filter(|m| {
            m.entry.seq == seq
                && matches!(
                    m.entry.kind,
                    ExceptionMoveKind::TownApprove | ExceptionMoveKind::Approve
                )
        })
        .collect()
}

/// Who acted on a record as the documents name them: the account's
/// display name (a clerk's or an office's name, as the account was set
/// up), else the user name (an account since removed, the command line).
pub async fn signer_name(store: &Store, username: &str) -> Result<String, OfficeError> {
    Ok(store
        .account(username)
        .await?
        .map_or_else(|| username.to_owned(), |a| a.display_name))
}

/// The approvals of exception `seq` as the filing form prints them:
/// "镇街审核同意：张三 2026-01-05 10:00" — the move, who by their
/// display name ([`signer_name`]), when (China time is the caller's).
pub async fn approvals_signed(
    store: &Store,
    list: &TownList,
    seq: u32,
) -> Result<Vec<(ExceptionMoveKind, String, time::PrimitiveDateTime)>, OfficeError> {
    let mut out = Vec::new();
    for m in approvals(list, seq) {
        out.push((m.entry.kind, signer_name(store, &m.by).await?, m.at));
    }
    Ok(out)
}

/// A town's exceptions counted for the city's overview.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub approved: usize,
    /// Waiting for the town's reviewer or the city.
    pub waiting: usize,
    pub refused: usize,
}

/// `town`'s exceptions among `all` counted.
pub fn tally(all: &[ListException], town: &str) -> Tally {
    let mut t = Tally::default();
    for e in all.iter().filter(|e| e.town.as_str() == town) {
        match e.state {
            ExceptionState::Approved => t.approved += 1,
            ExceptionState::Proposed | ExceptionState::TownApproved => t.waiting += 1,
            ExceptionState::TownRefused | ExceptionState::Refused => t.refused += 1,
        }
    }
    t
}

/// The moves `by` may make on exception `e` now.
pub fn moves_for(by: &By<'_>, e: &ListException) -> Vec<ExceptionMoveKind> {
    flow::moves_for(&by.actor, e.town.as_str(), Some(e.state))
}

/// Whether `by` may ask for an exception on `list`.
pub fn may_propose(by: &By<'_>, list: &TownList) -> bool {
    flow::check_move(
        &by.actor,
        list.town.as_str(),
        None,
        ExceptionMoveKind::Propose,
        "理由",
    )
    .is_ok()
}

/// Asks for an exception on `list` by `by`: the workflow's check, the
/// rule open under the list's policy, what it departs from, the reason;
/// then the write. Nothing is written on a refusal. Returns its number.
pub async fn propose(
    store: &touyan_storage::Store,
    by: By<'_>,
    list: &TownList,
    asked: &Asked,
) -> Result<u32, OfficeError> {
    let reason = text_ok(&asked.reason, "理由")?;
    flow::check_move(
        &by.actor,
        list.town.as_str(),
        None,
        ExceptionMoveKind::Propose,
        &reason,
    )?;
    let open = hedges::open(&list.params, asked.rule.trim());
    if !open.outcome {
        return Err(invalid(format!("不能申请例外：{}", open.reason)));
    }
    let Some(e) = hedges::exceptable(asked.rule.trim()) else {
        return Err(invalid("不能申请例外：没有这项规定"));
    };
    let departure = match e.scope {
        Scope::Person => {
            let row = list
                .rows
                .iter()
                .find(|r| r.village.as_str() == asked.village.trim())
                .ok_or_else(|| invalid("请选择例外所涉及的村书记"))?;
            Departure::Person(row.person.clone())
        }
        Scope::ListSize => {
            let n = count(&asked.list_size, "例外的名单人数")?;
            if n <= list.quota.outcome {
                return Err(invalid(format!(
                    "名单人数 {n} 未超过纳入数量 {}，不需要例外",
                    list.quota.outcome
                )));
            }
            Departure::ListSize(n)
        }
        Scope::TierPlaces => {
            let (tier1, tier2) = (
                count(&asked.tier1, "一档名额")?,
                count(&asked.tier2, "二档名额")?,
            );
            if tier1 == 0 && tier2 == 0 {
                return Err(invalid("请填写申请的一档或二档名额"));
            }
            Departure::TierPlaces { tier1, tier2 }
        }
    };
    // One request at a time for a count; for a person, one in force.
    let pending = list.exceptions.iter().any(|x| {
        x.rule == e.rule.id
            && match (&x.departure, &departure) {
                (Departure::Person(a), Departure::Person(b)) => {
                    a == b
                        && matches!(
                            x.state,
                            ExceptionState::Proposed
                                | ExceptionState::TownApproved
                                | ExceptionState::Approved
                        )
                }
                _ => matches!(
                    x.state,
                    ExceptionState::Proposed | ExceptionState::TownApproved
                ),
            }
    });
    if pending {
        return Err(OfficeError::Conflict(
            "同一事项已有在办或已批准的例外，不能重复申请".into(),
        ));
    }
    let change = ExceptionChange {
        expected: None,
        kind: ExceptionMoveKind::Propose,
        exception: ListException {
            year: list.year,
            town: list.town,
            seq: 0,
            rule: e.rule.id.to_owned(),
            departure,
            reason: reason.clone(),
            state: ExceptionState::Proposed,
            comment: String::new(),
        },
        comment: reason,
    };
    match store.move_exception(by.name, by.origin, &change).await {
        Ok(e) => Ok(e.seq),
        Err(StoreError::Stale) => Err(OfficeError::Conflict(
            "同时有另一项例外申请正在保存，请刷新后重新提交".into(),
        )),
        Err(e) => Err(e.into()),
    }
}

/// One review of exception `review.seq` of `list` by `by` (the town's
/// reviewer, then the city), with a comment. Nothing is written on a
/// refusal; a state changed since the page was shown is refused.
pub async fn review(
    store: &touyan_storage::Store,
    by: By<'_>,
    list: &TownList,
    review: &Review,
) -> Result<ExceptionState, OfficeError> {
    let comment = text_ok(&review.comment, "意见")?;
    let e = list
        .exceptions
        .iter()
        .find(|e| e.seq == review.seq)
        .ok_or(OfficeError::NotFound)?;
    let kind = ExceptionMoveKind::ALL
        .iter()
        .copied()
        .find(|k| k.code() == review.action && *k != ExceptionMoveKind::Propose)
        .ok_or_else(|| invalid("未指明要办理的操作"))?;
    let to = flow::check_move(&by.actor, e.town.as_str(), Some(e.state), kind, &comment)?;
    if review.seen != e.state.code() {
        return Err(OfficeError::Conflict(
            "例外已被他人处理，状态已经改变，请核对后重新办理".into(),
        ));
    }
    // A city cannot approve what its policy has made strict since.
    if kind == ExceptionMoveKind::Approve || kind == ExceptionMoveKind::TownApprove {
        let open = hedges::open(&list.params, &e.rule);
        if !open.outcome {
            return Err(invalid(format!("不能批准：{}", open.reason)));
        }
    }
    let mut next = e.clone();
    next.state = to;
    next.comment = comment.clone();
    let change = ExceptionChange {
        expected: Some(e.state),
        kind,
        exception: next,
        comment,
    };
    match store.move_exception(by.name, by.origin, &change).await {
        Ok(e) => Ok(e.state),
        Err(StoreError::Stale) => Err(OfficeError::Conflict(
            "例外已被他人处理，状态已经改变，请核对后重新办理".into(),
        )),
        Err(e) => Err(e.into()),
    }
}
