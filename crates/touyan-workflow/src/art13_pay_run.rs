//! 第十三条 — the monthly professionalization subsidy, from the filed
//! tiers to the one-card (一卡通) payment.
//!
//! > ……每人每月分别补助***元、***元和***元，由市财政承担，按月通过“一卡通”发放。
//!
//! A town's run of a month, and who moves it:
//!
//! | move | who | from | to |
//! |---|---|---|---|
//! | compute (计算发放) | town operator | none, computed, returned | computed |
//! | review (镇街审核) | town reviewer | computed | reviewed |
//! | approve (市级批准) | city administrator | reviewed | approved |
//! | return (退回镇街), with a comment | city administrator | reviewed | returned |
//! | pay (确认已发放) | finance | approved | paid |
//!
//! An approved or paid run is locked: its amounts are what finance pays.
//! Computing is refused while the policy's subsidy amounts are still the
//! example values standing in for the redacted ones, unless the database
//! is a demo (SPEC.md: the redacted amounts have no true value).

use touyan_records::model::{Labelled, PayMoveKind, PayState};

use crate::{Actor, Refusal, Role};

struct Edge {
    kind: PayMoveKind,
    role: Role,
    from: &'static [Option<PayState>],
    to: PayState,
    comment: bool,
}

use PayMoveKind as K;
use PayState as S;

const EDGES: &[Edge] = &[
    Edge {
        kind: K::Compute,
        role: Role::TownOperator,
        from: &[None, Some(S::Computed), Some(S::Returned)],
        to: S::Computed,
        comment: false,
    },
    Edge {
        kind: K::Review,
        role: Role::TownReviewer,
        from: &[Some(S::Computed)],
        to: S::Reviewed,
        comment: false,
    },
    Edge {
        kind: K::Approve,
        role: Role::CityAdmin,
        from: &[Some(S::Reviewed)],
        to: S::Approved,
        comment: false,
    },
    Edge {
        kind: K::Return,
        role: Role::CityAdmin,
        from: &[Some(S::Reviewed)],
        to: S::Returned,
        comment: true,
    },
    Edge {
        kind: K::Pay,
        role: Role::Finance,
        from: &[Some(S::Approved)],
        to: S::Paid,
        comment: false,
    },
];

fn edge(kind: PayMoveKind) -> &'static Edge {
    // Every kind has exactly one edge (checked by a test).
    EDGES.iter().find(|e| e.kind == kind).unwrap_or(&EDGES[0])
}

/// What the run's amounts are made of, as far as a move cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Amounts {
    /// The policy's subsidy amounts are example values.
    pub example: bool,
    /// The database is a demo (example amounts are then allowed).
    pub demo: bool,
}

/// Whether `actor` may make move `kind` on `town`'s run, now in `current`,
/// with `comment`. Checks scope, role, state, comment, then (computing
/// only) the amounts.
pub fn check_move(
    actor: &Actor<'_>,
    town: &str,
    current: Option<PayState>,
    kind: PayMoveKind,
    comment: &str,
    amounts: Amounts,
) -> Result<PayState, Refusal> {
    if !actor.sees(town) {
        return Err(Refusal::NotFound);
    }
    let e = edge(kind);
    if actor.role != e.role {
        return Err(Refusal::Forbidden(format!(
            "“{}”只能由{}办理，{}不能办理",
            kind.label(),
            e.role.label(),
            actor.role.label()
        )));
    }
    if !e.from.contains(&current) {
        return Err(Refusal::Conflict(format!(
            "本月发放当前状态为“{}”，不能“{}”",
            current.map_or("尚未计算", |s| s.label()),
            kind.label()
        )));
    }
    if e.comment && comment.trim().is_empty() {
        return Err(Refusal::Invalid(format!("“{}”须写明意见", kind.label())));
    }
    if kind == K::Compute && amounts.example && !amounts.demo {
        return Err(Refusal::Invalid(
            "专业化补贴月额仍是政策文件中的示例值（原文金额缺失），不能计算正式发放；请先在政策文件中设定本市的金额（第十三条）"
                .into(),
        ));
    }
    Ok(e.to)
}

/// The moves `actor` could make now (the buttons a page shows).
pub fn moves_for(
    actor: &Actor<'_>,
    town: &str,
    current: Option<PayState>,
    amounts: Amounts,
) -> Vec<PayMoveKind> {
    PayMoveKind::ALL
        .iter()
        .copied()
        .filter(|&k| check_move(actor, town, current, k, "意见", amounts).is_ok())
        .collect()
}

/// Whether `actor` may record the one-card (一卡通) account of a person
/// of `town`: the town's operator, who knows its people (the subsidy is
/// paid "按月通过“一卡通”"; the account is where it goes).
pub fn may_record_account(actor: &Actor<'_>, town: &str) -> Result<(), Refusal> {
    actor.records_for_town(town, "一卡通账号", "（第十三条）")
}

/// Whether `actor` may take `town`'s one-card payment file of a month
/// whose run is in `current`: finance, who pays, and the city's
/// administrator, who approved; only once the city approved the run
/// (approved or paid: the amounts are then locked).
pub fn may_take_one_card_file(
    actor: &Actor<'_>,
    town: &str,
    current: Option<PayState>,
) -> Result<(), Refusal> {
    if !actor.sees(town) {
        return Err(Refusal::NotFound);
    }
    if !matches!(actor.role, Role::Finance | Role::CityAdmin) {
        return Err(Refusal::Forbidden(format!(
            "一卡通发放文件含完整身份证号码和账号，只有{}和{}可以下载",
            Role::Finance.label(),
            Role::CityAdmin.label()
        )));
    }
    if !matches!(current, Some(PayState::Approved | PayState::Paid)) {
        return Err(Refusal::Conflict(format!(
            "本月发放当前状态为“{}”，市级批准后才能下载一卡通发放文件",
            current.map_or("尚未计算", |s| s.label())
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOWN: &str = "370783100";
    const DEMO: Amounts = Amounts {
        example: true,
        demo: true,
    };
    const STATES: [Option<PayState>; 6] = [
        None,
        Some(S::Computed),
        Some(S::Reviewed),
        Some(S::Approved),
        Some(S::Paid),
        Some(S::Returned),
    ];

    /// Written out by hand from the module's table.
    fn expected(kind: PayMoveKind, role: Role, from: Option<PayState>) -> Option<PayState> {
        use Role::*;
        match (kind, role, from) {
            (K::Compute, TownOperator, None | Some(S::Computed) | Some(S::Returned)) => {
                Some(S::Computed)
            }
            (K::Review, TownReviewer, Some(S::Computed)) => Some(S::Reviewed),
            (K::Approve, CityAdmin, Some(S::Reviewed)) => Some(S::Approved),
            (K::Return, CityAdmin, Some(S::Reviewed)) => Some(S::Returned),
            (K::Pay, Finance, Some(S::Approved)) => Some(S::Paid),
            _ => None,
        }
    }

    #[test]
    fn every_move_by_every_role_from_every_state() {
        let mut allowed = 0;
        for &kind in PayMoveKind::ALL {
            for role in Role::ALL {
                let town = role.is_town().then_some(TOWN);
                let a = Actor { role, town };
                for from in STATES {
                    let got = check_move(&a, TOWN, from, kind, "意见", DEMO);
                    match expected(kind, role, from) {
                        Some(to) => {
                            allowed += 1;
                            assert_eq!(got, Ok(to), "{kind:?} by {role:?} from {from:?}");
                        }
                        None => assert!(
                            matches!(got, Err(Refusal::Forbidden(_) | Refusal::Conflict(_))),
                            "{kind:?} by {role:?} from {from:?}: {got:?}"
                        ),
                    }
                    // Another town's run does not exist for a town role.
                    if role.is_town() {
                        let other = Actor {
                            role,
                            town: Some("370783101"),
                        };
                        assert_eq!(
                            check_move(&other, TOWN, from, kind, "意见", DEMO),
                            Err(Refusal::NotFound)
                        );
                    }
                }
            }
        }
        assert_eq!(allowed, 3 + 1 + 1 + 1 + 1);
    }

    #[test]
    fn example_amounts_are_refused_outside_a_demo() {
        let op = Actor {
            role: Role::TownOperator,
            town: Some(TOWN),
        };
        let real = Amounts {
            example: true,
            demo: false,
        };
        let got = check_move(&op, TOWN, None, K::Compute, "", real);
        assert!(
            matches!(&got, Err(Refusal::Invalid(m)) if m.contains("示例值") && m.contains("第十三条")),
            "{got:?}"
        );
        assert_eq!(moves_for(&op, TOWN, None, real), []);
        // The city's own amounts, or a demo: allowed.
        for ok in [
            Amounts {
                example: false,
                demo: false,
            },
            DEMO,
        ] {
            assert_eq!(
                check_move(&op, TOWN, None, K::Compute, "", ok),
                Ok(S::Computed)
            );
        }
        // Only computing looks at the amounts.
        let fin = Actor {
            role: Role::Finance,
            town: None,
        };
        assert_eq!(
            check_move(&fin, TOWN, Some(S::Approved), K::Pay, "", real),
            Ok(S::Paid)
        );
    }

    #[test]
    fn a_return_needs_a_comment_and_approved_runs_are_locked() {
        let city = Actor {
            role: Role::CityAdmin,
            town: None,
        };
        assert!(matches!(
            check_move(&city, TOWN, Some(S::Reviewed), K::Return, " ", DEMO),
            Err(Refusal::Invalid(_))
        ));
        assert_eq!(
            check_move(&city, TOWN, Some(S::Reviewed), K::Return, "人数不符", DEMO),
            Ok(S::Returned)
        );
        let op = Actor {
            role: Role::TownOperator,
            town: Some(TOWN),
        };
        for locked in [S::Reviewed, S::Approved, S::Paid] {
            assert_eq!(moves_for(&op, TOWN, Some(locked), DEMO), [], "{locked:?}");
        }
    }

    #[test]
    fn each_move_has_exactly_one_edge() {
        for &k in PayMoveKind::ALL {
            assert_eq!(EDGES.iter().filter(|e| e.kind == k).count(), 1, "{k:?}");
        }
    }

    #[test]
    fn one_card_accounts_by_the_town_files_by_finance_and_city_once_approved() {
        for role in Role::ALL {
            let a = Actor {
                role,
                town: role.is_town().then_some(TOWN),
            };
            let record = may_record_account(&a, TOWN);
            assert_eq!(record.is_ok(), role == Role::TownOperator, "{role:?}");
            if role.is_town() {
                assert_eq!(may_record_account(&a, "370783101"), Err(Refusal::NotFound));
            }
            for state in STATES {
                let took = may_take_one_card_file(&a, TOWN, state);
                let expected = matches!(role, Role::Finance | Role::CityAdmin)
                    && matches!(state, Some(S::Approved) | Some(S::Paid));
                assert_eq!(took.is_ok(), expected, "{role:?} {state:?}");
            }
        }
        let finance = Actor {
            role: Role::Finance,
            town: None,
        };
        assert_eq!(
            may_take_one_card_file(&finance, TOWN, Some(S::Reviewed)),
            Err(Refusal::Conflict(
                "本月发放当前状态为“已审核待批准”，市级批准后才能下载一卡通发放文件".into()
            ))
        );
    }
}
