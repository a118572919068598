//! 第二章（原文缺失，推定）— daily management (日常管理): who keeps which
//! record, and a leave request's moves.
//!
//! SPEC.md keeps the missing chapter "to records and reminders, not hard
//! rules"; the reminders are the rules crate's `art02_daily_inferred`.
//!
//! | record | who |
//! |---|---|
//! | a duty rota (坐班值班安排), a work record (工作纪实), a yearly report (述职) | the town's operator |
//!
//! A leave request (请销假) of a secretary of the town:
//!
//! | move | who | from | to | comment |
//! |---|---|---|---|---|
//! | request (提出请假) | town operator | none | requested | — |
//! | approve (批准) | town reviewer | requested | approved | — |
//! | refuse (不予批准) | town reviewer | requested | refused | required |
//! | return (销假) | town operator | approved | returned | — |
//!
//! A request runs from its first to its last day (`end ≥ start`) and may
//! not overlap another request of the same secretary that is waiting or
//! approved (`check_request`).

use time::Date;
use touyan_records::model::{Labelled, LeaveMoveKind, LeaveState};

use crate::{Actor, Refusal, Role};

/// A daily management record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kept {
    DutyRota,
    WorkRecord,
    YearReport,
}

impl Kept {
    pub const ALL: [Kept; 3] = [Kept::DutyRota, Kept::WorkRecord, Kept::YearReport];

    pub fn label(self) -> &'static str {
        match self {
            Kept::DutyRota => "坐班值班安排",
            Kept::WorkRecord => "工作纪实",
            Kept::YearReport => "年度述职",
        }
    }
}

/// Whether `actor` may record `what` of a secretary of `town`.
pub fn may_record(actor: &Actor<'_>, town: &str, what: Kept) -> Result<(), Refusal> {
    if !actor.sees(town) {
        return Err(Refusal::NotFound);
    }
    if actor.role != Role::TownOperator {
        return Err(Refusal::Forbidden(format!(
            "{}由{}登记（第二章，推定），{}不能登记",
            what.label(),
            Role::TownOperator.label(),
            actor.role.label()
        )));
    }
    Ok(())
}

struct Edge {
    kind: LeaveMoveKind,
    role: Role,
    from: Option<LeaveState>,
    to: LeaveState,
    comment: bool,
}

use LeaveMoveKind as K;
use LeaveState as S;

const EDGES: &[Edge] = &[
    Edge {
        kind: K::Request,
        role: Role::TownOperator,
        from: None,
        to: S::Requested,
        comment: false,
    },
    Edge {
        kind: K::Approve,
        role: Role::TownReviewer,
        from: Some(S::Requested),
        to: S::Approved,
        comment: false,
    },
    Edge {
        kind: K::Refuse,
        role: Role::TownReviewer,
        from: Some(S::Requested),
        to: S::Refused,
        comment: true,
    },
    Edge {
        kind: K::Return,
        role: Role::TownOperator,
        from: Some(S::Approved),
        to: S::Returned,
        comment: false,
    },
];

fn edge(kind: LeaveMoveKind) -> &'static Edge {
    // Every kind has exactly one edge (checked by a test).
    EDGES.iter().find(|e| e.kind == kind).unwrap_or(&EDGES[0])
}

/// Whether `actor` may make move `kind` on a leave request of a secretary
/// of `town`, now in `current` (`None`: not yet made), with `comment`.
/// Checks scope, role, state and comment, in that order.
pub fn check_move(
    actor: &Actor<'_>,
    town: &str,
    current: Option<LeaveState>,
    kind: LeaveMoveKind,
    comment: &str,
) -> Result<LeaveState, Refusal> {
    if !actor.sees(town) {
        return Err(Refusal::NotFound);
    }
    let e = edge(kind);
    if actor.role != e.role {
        return Err(Refusal::Forbidden(format!(
            "请销假的“{}”只能由{}办理，{}不能办理",
            kind.label(),
            e.role.label(),
            actor.role.label()
        )));
    }
    if current != e.from {
        return Err(Refusal::Conflict(format!(
            "该请假当前状态为“{}”，不能“{}”；请刷新页面",
            current.map_or("尚未提出", |s| s.label()),
            kind.label()
        )));
    }
    if e.comment && comment.trim().is_empty() {
        return Err(Refusal::Invalid(format!("“{}”须写明理由", kind.label())));
    }
    Ok(e.to)
}

/// The moves `actor` could make now on a request in `current` (the buttons
/// a page shows).
pub fn moves_for(actor: &Actor<'_>, town: &str, current: Option<LeaveState>) -> Vec<LeaveMoveKind> {
    LeaveMoveKind::ALL
        .iter()
        .copied()
        .filter(|&k| check_move(actor, town, current, k, "理由").is_ok())
        .collect()
}

/// Whether a new request from `start` to `end` may be made beside the
/// secretary's `others` (start, end, state): the dates in order, and no
/// overlap with a request waiting or approved.
pub fn check_request(
    start: Date,
    end: Date,
    others: &[(Date, Date, LeaveState)],
) -> Result<(), Refusal> {
    if end < start {
        return Err(Refusal::Invalid(format!(
            "请假结束日期 {end} 早于开始日期 {start}"
        )));
    }
    if let Some((s, e, st)) = others.iter().find(|(s, e, st)| {
        matches!(st, LeaveState::Requested | LeaveState::Approved) && *s <= end && start <= *e
    }) {
        return Err(Refusal::Invalid(format!(
            "与{}的请假（{s} 至 {e}）时间重叠",
            st.label()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TOWN: &str = "370783100";
    const STATES: [Option<LeaveState>; 5] = [
        None,
        Some(S::Requested),
        Some(S::Approved),
        Some(S::Refused),
        Some(S::Returned),
    ];

    /// Written out by hand from the module's table.
    fn expected(kind: LeaveMoveKind, role: Role, from: Option<LeaveState>) -> Option<LeaveState> {
        use Role::*;
        match (kind, role, from) {
            (K::Request, TownOperator, None) => Some(S::Requested),
            (K::Approve, TownReviewer, Some(S::Requested)) => Some(S::Approved),
            (K::Refuse, TownReviewer, Some(S::Requested)) => Some(S::Refused),
            (K::Return, TownOperator, Some(S::Approved)) => Some(S::Returned),
            _ => None,
        }
    }

    #[test]
    fn every_move_by_every_role_from_every_state() {
        let mut allowed = 0;
        for &kind in LeaveMoveKind::ALL {
            for role in Role::ALL {
                let a = Actor {
                    role,
                    town: role.is_town().then_some(TOWN),
                };
                for from in STATES {
                    let got = check_move(&a, TOWN, from, kind, "理由");
                    match expected(kind, role, from) {
                        Some(to) => {
                            allowed += 1;
                            assert_eq!(got, Ok(to), "{kind:?} by {role:?} from {from:?}");
                            assert!(moves_for(&a, TOWN, from).contains(&kind));
                        }
                        None => {
                            assert!(
                                matches!(got, Err(Refusal::Forbidden(_) | Refusal::Conflict(_))),
                                "{kind:?} by {role:?} from {from:?}: {got:?}"
                            );
                            assert!(!moves_for(&a, TOWN, from).contains(&kind));
                        }
                    }
                    // Role is checked before state: a wrong role is told so.
                    if role != edge(kind).role {
                        assert!(matches!(got, Err(Refusal::Forbidden(_))), "{got:?}");
                    }
                    // Another town's request does not exist for a town role.
                    if role.is_town() {
                        let other = Actor {
                            role,
                            town: Some("370783101"),
                        };
                        assert_eq!(
                            check_move(&other, TOWN, from, kind, "理由"),
                            Err(Refusal::NotFound)
                        );
                        assert_eq!(moves_for(&other, TOWN, from), []);
                    }
                }
            }
        }
        assert_eq!(allowed, 4);
    }

    #[test]
    fn a_refusal_needs_a_reason_and_closed_requests_have_no_moves() {
        let rev = Actor {
            role: Role::TownReviewer,
            town: Some(TOWN),
        };
        let got = check_move(&rev, TOWN, Some(S::Requested), K::Refuse, "  ");
        assert!(
            matches!(&got, Err(Refusal::Invalid(m)) if m.contains("须写明理由")),
            "{got:?}"
        );
        assert_eq!(
            check_move(&rev, TOWN, Some(S::Requested), K::Refuse, "工作繁忙"),
            Ok(S::Refused)
        );
        assert_eq!(
            check_move(&rev, TOWN, Some(S::Requested), K::Approve, ""),
            Ok(S::Approved)
        );
        let op = Actor {
            role: Role::TownOperator,
            town: Some(TOWN),
        };
        for closed in [S::Refused, S::Returned] {
            assert_eq!(moves_for(&op, TOWN, Some(closed)), []);
            assert_eq!(moves_for(&rev, TOWN, Some(closed)), []);
        }
        assert_eq!(
            moves_for(&rev, TOWN, Some(S::Requested)),
            [K::Approve, K::Refuse]
        );
        assert_eq!(moves_for(&op, TOWN, Some(S::Approved)), [K::Return]);
        // A stale page: the request was decided meanwhile.
        let got = check_move(&rev, TOWN, Some(S::Approved), K::Approve, "");
        assert!(
            matches!(&got, Err(Refusal::Conflict(m)) if m.contains("已批准")),
            "{got:?}"
        );
    }

    #[test]
    fn only_the_towns_operator_keeps_daily_records() {
        for what in Kept::ALL {
            for role in Role::ALL {
                let a = Actor {
                    role,
                    town: role.is_town().then_some(TOWN),
                };
                let got = may_record(&a, TOWN, what);
                if role == Role::TownOperator {
                    assert_eq!(got, Ok(()));
                } else {
                    assert!(
                        matches!(&got, Err(Refusal::Forbidden(m)) if m.contains(what.label())),
                        "{role:?} {what:?}: {got:?}"
                    );
                }
            }
            let other = Actor {
                role: Role::TownOperator,
                town: Some("370783101"),
            };
            assert_eq!(may_record(&other, TOWN, what), Err(Refusal::NotFound));
        }
    }

    #[test]
    fn requests_run_forward_and_do_not_overlap_open_ones() {
        let got = check_request(date!(2025 - 06 - 10), date!(2025 - 06 - 09), &[]);
        assert!(
            matches!(&got, Err(Refusal::Invalid(m)) if m.contains("早于开始日期")),
            "{got:?}"
        );
        assert_eq!(
            check_request(date!(2025 - 06 - 10), date!(2025 - 06 - 10), &[]),
            Ok(())
        );
        let others = [
            (date!(2025 - 06 - 01), date!(2025 - 06 - 05), S::Approved),
            (date!(2025 - 06 - 20), date!(2025 - 06 - 22), S::Requested),
            (date!(2025 - 06 - 10), date!(2025 - 06 - 12), S::Refused),
            (date!(2025 - 06 - 13), date!(2025 - 06 - 14), S::Returned),
        ];
        // Touching the approved one's last day overlaps; the day after does not.
        assert!(check_request(date!(2025 - 06 - 05), date!(2025 - 06 - 07), &others).is_err());
        assert_eq!(
            check_request(date!(2025 - 06 - 06), date!(2025 - 06 - 19), &others),
            Ok(())
        );
        let got = check_request(date!(2025 - 06 - 19), date!(2025 - 06 - 20), &others);
        assert!(
            matches!(&got, Err(Refusal::Invalid(m)) if m.contains("待审批")),
            "{got:?}"
        );
    }

    #[test]
    fn each_move_has_exactly_one_edge() {
        for &k in LeaveMoveKind::ALL {
            assert_eq!(EDGES.iter().filter(|e| e.kind == k).count(), 1, "{k:?}");
        }
    }
}
