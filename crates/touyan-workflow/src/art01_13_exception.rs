//! 第一条、第十三条 — an exception to a clause the measures hedge
//! (原则上, 一般; `touyan_rules::hedges`), from the town's request to the
//! city's decision, separately from the list's own filing.
//!
//! | move | who | from | to |
//! |---|---|---|---|
//! | propose (申请例外), with a reason | town operator | none | proposed |
//! | town approve / refuse, with a comment | town reviewer | proposed | town approved / town refused |
//! | approve / refuse, with a comment | city administrator | town approved | approved / refused |
//!
//! A town role moves only its own town's exceptions; another town's is
//! answered as one that does not exist. A refused exception stays on
//! record; the town may ask again with a new one.

use touyan_records::model::{ExceptionMoveKind, ExceptionState, Labelled};

use crate::{Actor, Refusal, Role};

struct Edge {
    kind: ExceptionMoveKind,
    role: Role,
    from: Option<ExceptionState>,
    to: ExceptionState,
}

use ExceptionMoveKind as K;
use ExceptionState as S;

const EDGES: &[Edge] = &[
    Edge {
        kind: K::Propose,
        role: Role::TownOperator,
        from: None,
        to: S::Proposed,
    },
    Edge {
        kind: K::TownApprove,
        role: Role::TownReviewer,
        from: Some(S::Proposed),
        to: S::TownApproved,
    },
    Edge {
        kind: K::TownRefuse,
        role: Role::TownReviewer,
        from: Some(S::Proposed),
        to: S::TownRefused,
    },
    Edge {
        kind: K::Approve,
        role: Role::CityAdmin,
        from: Some(S::TownApproved),
        to: S::Approved,
    },
    Edge {
        kind: K::Refuse,
        role: Role::CityAdmin,
        from: Some(S::TownApproved),
        to: S::Refused,
    },
];

fn edge(kind: ExceptionMoveKind) -> &'static Edge {
    // Every kind has exactly one edge (checked by a test).
    EDGES.iter().find(|e| e.kind == kind).unwrap_or(&EDGES[0])
}

/// Whether `actor` may make move `kind` on an exception of `town`, now in
/// `current` (`None`: not asked yet), with `comment` (the reason of a
/// request, the opinion of a review). Checks in this order: scope, role,
/// state, comment.
pub fn check_move(
    actor: &Actor<'_>,
    town: &str,
    current: Option<ExceptionState>,
    kind: ExceptionMoveKind,
    comment: &str,
) -> Result<ExceptionState, Refusal> {
    if !actor.sees(town) {
        return Err(Refusal::NotFound);
    }
    let e = edge(kind);
    if actor.role != e.role {
        return Err(Refusal::Forbidden(format!(
            "“{}”只能由{}办理（例外须经镇街审核、市委组织部审批），{}不能办理",
            kind.label(),
            e.role.label(),
            actor.role.label()
        )));
    }
    if current != e.from {
        return Err(Refusal::Conflict(format!(
            "例外当前状态为“{}”，不能“{}”",
            current.map_or("尚未申请", |s| s.label()),
            kind.label()
        )));
    }
    if comment.trim().is_empty() {
        return Err(Refusal::Invalid(format!(
            "“{}”须写明{}",
            kind.label(),
            if kind == K::Propose {
                "理由"
            } else {
                "意见"
            }
        )));
    }
    Ok(e.to)
}

/// The moves `actor` could make now on an exception of `town`.
pub fn moves_for(
    actor: &Actor<'_>,
    town: &str,
    current: Option<ExceptionState>,
) -> Vec<ExceptionMoveKind> {
    ExceptionMoveKind::ALL
        .iter()
        .copied()
        .filter(|&k| check_move(actor, town, current, k, "意见").is_ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: &str = "370783100";

    fn actor(role: Role, town: Option<&str>) -> Actor<'_> {
        Actor { role, town }
    }

    #[test]
    fn every_kind_has_one_edge() {
        for k in ExceptionMoveKind::ALL {
            assert_eq!(EDGES.iter().filter(|e| e.kind == *k).count(), 1, "{k:?}");
        }
    }

    #[test]
    fn the_town_asks_its_reviewer_checks_the_city_decides() {
        let op = actor(Role::TownOperator, Some(T));
        let rev = actor(Role::TownReviewer, Some(T));
        let city = actor(Role::CityAdmin, None);
        assert_eq!(
            check_move(&op, T, None, K::Propose, "理由"),
            Ok(S::Proposed)
        );
        assert_eq!(
            check_move(&rev, T, Some(S::Proposed), K::TownApprove, "同意"),
            Ok(S::TownApproved)
        );
        assert_eq!(
            check_move(&city, T, Some(S::TownApproved), K::Approve, "同意"),
            Ok(S::Approved)
        );
        assert_eq!(
            check_move(&city, T, Some(S::TownApproved), K::Refuse, "不同意"),
            Ok(S::Refused)
        );
        // The city cannot skip the town's review.
        assert!(matches!(
            check_move(&city, T, Some(S::Proposed), K::Approve, "同意"),
            Err(Refusal::Conflict(_))
        ));
        // The operator cannot approve their own request.
        assert!(matches!(
            check_move(&op, T, Some(S::Proposed), K::TownApprove, "同意"),
            Err(Refusal::Forbidden(_))
        ));
        // A decision is written with a comment.
        assert_eq!(
            check_move(&rev, T, Some(S::Proposed), K::TownRefuse, "  "),
            Err(Refusal::Invalid("“镇街审核不同意”须写明意见".into()))
        );
        assert_eq!(
            check_move(&op, T, None, K::Propose, ""),
            Err(Refusal::Invalid("“申请例外”须写明理由".into()))
        );
        // Another town's exception does not exist for a town role.
        let other = actor(Role::TownReviewer, Some("370783101"));
        assert_eq!(
            check_move(&other, T, Some(S::Proposed), K::TownApprove, "同意"),
            Err(Refusal::NotFound)
        );
        assert_eq!(
            moves_for(&rev, T, Some(S::Proposed)),
            vec![K::TownApprove, K::TownRefuse]
        );
        assert_eq!(moves_for(&city, T, Some(S::Approved)), vec![]);
    }
}
