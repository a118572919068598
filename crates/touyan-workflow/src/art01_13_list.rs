//! 第一条、第十三条 — a town's yearly professionalized list and its tiers,
//! from the proposal to the filing (备案).
//!
//! > 纳入数量……由镇街区党(工)委研究确定，报市委组织部备案。（第一条）
//! > 专业化村党组织书记名单、补贴档次由镇街党(工)委研究确定，每年年初调整一次。（第十三条）
//!
//! The states (`ReviewState`) and who moves them:
//!
//! | move | who | from | to |
//! |---|---|---|---|
//! | save (保存草稿) | town operator | none, draft, returned | draft |
//! | confirm (确认名单) | town operator | draft, returned | confirmed |
//! | send back (退回经办修改), with a comment | town reviewer | confirmed | draft |
//! | submit (报送备案) | town reviewer | confirmed | submitted |
//! | file (备案) | city administrator | submitted | filed |
//! | return (退回镇街), with a comment | city administrator | submitted | returned |
//! | adjust (发起调整), with a reason | town operator | filed | draft, next version |
//!
//! A town role moves only its own town's list; another town's list is
//! answered as one that does not exist. A filed list is locked: the only
//! move is an adjustment, which starts a new version while the filed one
//! stays in force until the new one is filed.
//!
//! The checks of what a town settles ([`check_draft`]): no more than the
//! quota (Article 1), nobody listed who fails a condition (Articles 1, 13),
//! tier 1 only with the stars Article 13 asks, tiers within their places
//! (Article 13), and a written reason for every departure from the
//! proposal. Confirming and submitting refuse a draft with any finding.

use touyan_records::model::{Labelled, ListMoveKind, ReviewState};
use touyan_rules::Params;
use touyan_rules::art01_inclusion::{self, QuotaReason};
use touyan_rules::art13_pay;
use touyan_rules::decision::Decision;
use touyan_rules::hedges;

use crate::{Actor, Refusal, Role};

/// One edge of the state machine.
struct Edge {
    kind: ListMoveKind,
    role: Role,
    /// The states it leaves (`None`: no review yet, only the proposal).
    from: &'static [Option<ReviewState>],
    to: ReviewState,
    /// A comment (or reason) must be written.
    comment: bool,
}

use ListMoveKind as K;
use ReviewState as S;

const EDGES: &[Edge] = &[
    Edge {
        kind: K::Save,
        role: Role::TownOperator,
        from: &[None, Some(S::Draft), Some(S::Returned)],
        to: S::Draft,
        comment: false,
    },
    Edge {
        kind: K::Confirm,
        role: Role::TownOperator,
        from: &[Some(S::Draft), Some(S::Returned)],
        to: S::Confirmed,
        comment: false,
    },
    Edge {
        kind: K::SendBack,
        role: Role::TownReviewer,
        from: &[Some(S::Confirmed)],
        to: S::Draft,
        comment: true,
    },
    Edge {
        kind: K::Submit,
        role: Role::TownReviewer,
        from: &[Some(S::Confirmed)],
        to: S::Submitted,
        comment: false,
    },
    Edge {
        kind: K::File,
        role: Role::CityAdmin,
        from: &[Some(S::Submitted)],
        to: S::Filed,
        comment: false,
    },
    Edge {
        kind: K::Return,
        role: Role::CityAdmin,
        from: &[Some(S::Submitted)],
        to: S::Returned,
        comment: true,
    },
    Edge {
        kind: K::Adjust,
        role: Role::TownOperator,
        from: &[Some(S::Filed)],
        to: S::Draft,
        comment: true,
    },
];

fn edge(kind: ListMoveKind) -> &'static Edge {
    // Every kind has exactly one edge (checked by a test).
    EDGES.iter().find(|e| e.kind == kind).unwrap_or(&EDGES[0])
}

fn state_zh(s: Option<ReviewState>) -> &'static str {
    s.map_or("尚未保存（测算结果）", |s| s.label())
}

/// What a move does when it is allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Moved {
    pub to: ReviewState,
    /// The move starts a new version of the list (an adjustment).
    pub new_version: bool,
}

/// Whether `actor` may make move `kind` on `town`'s list, now in
/// `current`, with `comment`. Checks in this order: scope (another town's
/// list does not exist for a town role), role, state, comment.
pub fn check_move(
    actor: &Actor<'_>,
    town: &str,
    current: Option<ReviewState>,
    kind: ListMoveKind,
    comment: &str,
) -> Result<Moved, Refusal> {
    if !actor.sees(town) {
        return Err(Refusal::NotFound);
    }
    let e = edge(kind);
    if actor.role != e.role {
        return Err(Refusal::Forbidden(format!(
            "“{}”只能由{}办理（第一条、第十三条：名单由镇街确定、报市委组织部备案），{}不能办理",
            kind.label(),
            e.role.label(),
            actor.role.label()
        )));
    }
    if !e.from.contains(&current) {
        return Err(Refusal::Conflict(format!(
            "名单当前状态为“{}”，不能“{}”",
            state_zh(current),
            kind.label()
        )));
    }
    if e.comment && comment.trim().is_empty() {
        return Err(Refusal::Invalid(format!(
            "“{}”须写明{}",
            kind.label(),
            if kind == K::Adjust {
                "调整理由"
            } else {
                "意见"
            }
        )));
    }
    Ok(Moved {
        to: e.to,
        new_version: kind == K::Adjust,
    })
}

/// The moves `actor` could make now (the buttons a page shows).
pub fn moves_for(actor: &Actor<'_>, town: &str, current: Option<ReviewState>) -> Vec<ListMoveKind> {
    ListMoveKind::ALL
        .iter()
        .copied()
        .filter(|&k| check_move(actor, town, current, k, "理由").is_ok())
        .collect()
}

/// Whether `actor` may decide the year's proposals again (the yearly
/// adjustment, 每年年初调整一次) for `town`, or for every town (`None`):
/// the city administrator for any town or all of them, a town's operator
/// for their own town only. Another town is answered as missing.
pub fn may_propose(actor: &Actor<'_>, town: Option<&str>) -> Result<(), Refusal> {
    match (actor.role, town) {
        (Role::CityAdmin, _) => Ok(()),
        (Role::TownOperator, Some(t)) if actor.sees(t) => Ok(()),
        (Role::TownOperator, Some(_)) => Err(Refusal::NotFound),
        (r, _) => Err(Refusal::Forbidden(format!(
            "建议名单只能由市级管理员或镇街经办生成，{}不能生成",
            r.label()
        ))),
    }
}

/// Whether the draft can be edited in this state.
pub fn editable(current: Option<ReviewState>) -> bool {
    edge(K::Save).from.contains(&current)
}

/// One inclusion check of a secretary as decided by the proposal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckLine {
    /// The rule's id (`None`: the stored reasons could not be read).
    pub rule: Option<&'static str>,
    pub title: String,
    pub passed: bool,
}

/// One secretary of the town as the review sees them.
#[derive(Clone, Debug)]
pub struct Line<'a> {
    pub village: &'a str,
    /// "village name secretary name", for messages.
    pub who: &'a str,
    /// The secretary's inclusion checks as decided.
    pub checks: &'a [CheckLine],
    /// The hedged rules an approved exception departs from for this
    /// secretary (rule ids; `touyan_rules::hedges`).
    pub waived: &'a [&'a str],
    /// The village's Party organisation star rating.
    pub stars: u32,
    /// The proposal's tier (`None`: not proposed).
    pub proposed: Option<u8>,
    /// The town's choice (`None`: not listed).
    pub chosen: Option<u8>,
    /// The town's written reason for a departure.
    pub reason: &'a str,
}

impl Line<'_> {
    /// The town's choice differs from the proposal.
    pub fn departs(&self) -> bool {
        self.proposed != self.chosen
    }
}

/// What the check of a draft found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The village concerned (`None`: the list as a whole).
    pub village: Option<String>,
    /// The article cited (第一条第二款, …).
    pub citation: String,
    pub message: String,
}

fn finding<T, R: std::fmt::Display>(
    village: Option<&str>,
    who: &str,
    d: &Decision<T, R>,
) -> Finding {
    let message = if who.is_empty() {
        d.reason.to_string()
    } else {
        format!("{who}：{}", d.reason)
    };
    Finding {
        village: village.map(str::to_owned),
        citation: d.rule.citation(),
        message,
    }
}

/// The counts of the list an approved exception departs from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Excepted {
    /// The list may hold this many (Article 1's quota, 原则上).
    pub list_size: Option<u32>,
    /// Tiers 1 and 2 may hold this many (Article 13's shares, 原则上).
    pub tier_places: Option<(u32, u32)>,
}

/// Checks a town's draft list against the measures and the proposal; an
/// empty answer means it may be confirmed and submitted. `quota` is the
/// town's quota decision (Article 1). A hedged check departed from by an
/// approved exception (`Line::waived`, `excepted`) is not a finding: a
/// secretary's waived check counts as met, a count within the exception's
/// number passes.
pub fn check_draft(
    p: &Params,
    quota: &Decision<u32, QuotaReason>,
    lines: &[Line<'_>],
    excepted: &Excepted,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut tiers = Vec::new();
    let mut stars = Vec::new();
    for l in lines {
        if let Some(t) = l.chosen {
            if !(1..=3).contains(&t) {
                out.push(Finding {
                    village: Some(l.village.to_owned()),
                    citation: art13_pay::TIER.citation(),
                    message: format!("{}：档次只能是一档、二档或三档", l.who),
                });
                continue;
            }
            let waived = |rule: Option<&str>| rule.is_some_and(|r| l.waived.contains(&r));
            let e = art01_inclusion::listed_eligible(
                l.checks
                    .iter()
                    .map(|c| (c.title.as_str(), c.passed || waived(c.rule))),
            );
            if !e.outcome {
                out.push(finding(Some(l.village), l.who, &e));
            }
            let s = art13_pay::tier_stars(p, t, l.stars);
            if !s.outcome && !waived(Some(s.rule.id)) {
                out.push(finding(Some(l.village), l.who, &s));
            }
            tiers.push(t);
            // A waived tier-1 star gate counts the secretary as able for
            // tier 1 (no unused tier-1 place passes down for them).
            stars.push(if waived(Some(s.rule.id)) {
                l.stars.max(p.tiers_tier1_min_stars.value)
            } else {
                l.stars
            });
        }
        if l.departs() && l.reason.trim().is_empty() {
            let what = match (l.proposed, l.chosen) {
                (None, Some(t)) => format!("测算未列入，镇街拟列入{}档", art13_pay::tier_zh(t)),
                (Some(t), None) => format!("测算列入{}档，镇街拟不列入", art13_pay::tier_zh(t)),
                (Some(a), Some(b)) => format!(
                    "测算为{}档，镇街拟定为{}档",
                    art13_pay::tier_zh(a),
                    art13_pay::tier_zh(b)
                ),
                (None, None) => String::new(),
            };
            out.push(Finding {
                village: Some(l.village.to_owned()),
                citation: art01_inclusion::PROPOSED_LIST.citation(),
                message: format!("{}：{what}，与测算结果不同，须写明理由", l.who),
            });
        }
    }
    let listed = tiers.len() as u32;
    let size = art01_inclusion::list_size(quota, listed);
    if !size.outcome && excepted.list_size.is_none_or(|n| listed > n) {
        out.push(finding(None, "", &size));
    }
    let counts = art13_pay::tier_counts(p, &tiers, &stars);
    if !counts.outcome
        && excepted.tier_places.is_none_or(|approved| {
            !hedges::within_places(counts.reason.given, counts.reason.places, approved)
        })
    {
        out.push(finding(None, "", &counts));
    }
    out
}

#[cfg(test)]
mod tests;
