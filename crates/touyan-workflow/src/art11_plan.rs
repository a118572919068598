//! 第十一条 — a professionalized secretary's yearly plan (年度工作目标和计划),
//! from the draft to the filing (备案).
//!
//! > 每年初，专业化党组织书记……提出年度工作目标和计划。镇街召开评审会议，逐村理清
//! > 思路、细化措施。年度工作计划通过后，在村级进行公示，并报镇街党委备案。
//!
//! The states (`PlanState`) and who moves them:
//!
//! | move | who | from | to | with |
//! |---|---|---|---|---|
//! | save (保存计划) | town operator | none, draft, returned | draft | the plan's content |
//! | pass (评审通过) | town reviewer | draft | reviewed | the meeting's date |
//! | fail (评审未通过) | town reviewer | draft | draft | the meeting's date, a comment |
//! | notice (登记公示) | town operator | reviewed, noticed | noticed | the notice's first and last day |
//! | file (备案) | town reviewer | noticed | filed | — |
//! | return (退回修改) | town reviewer | noticed | returned | a comment |
//!
//! The measures have the plan filed with the town's Party committee
//! (报镇街党委备案), so the town's reviewer, who acts for it, files or
//! returns; the city follows every town's plans but moves none. A town
//! role moves only its own town's plans; another town's plan is answered
//! as one that does not exist. A filed plan is locked.
//!
//! What the rules crate decides (`art11_target_management`): a notice
//! lasts at least the policy's `plan.public_notice_min_days`, counting
//! both ends ([`check_notice`]); it starts no earlier than the review
//! meeting; a plan is filed only when every step before it is on record
//! and the notice is over ([`check_filing`], the rules' `plan_stage`).

use time::Date;
use touyan_records::model::{Labelled, PlanMoveKind, PlanState};
use touyan_rules::Params;
use touyan_rules::art11_target_management::{self as art11, PlanRecord, PlanStage};
use touyan_rules::decision::Decision;

use crate::{Actor, Refusal, Role};

/// One edge of the state machine.
struct Edge {
    kind: PlanMoveKind,
    role: Role,
    /// The states it leaves (`None`: no plan yet).
    from: &'static [Option<PlanState>],
    to: PlanState,
    /// A comment must be written.
    comment: bool,
}

use PlanMoveKind as K;
use PlanState as S;

const EDGES: &[Edge] = &[
    Edge {
        kind: K::Save,
        role: Role::TownOperator,
        from: &[None, Some(S::Draft), Some(S::Returned)],
        to: S::Draft,
        comment: false,
    },
    Edge {
        kind: K::Pass,
        role: Role::TownReviewer,
        from: &[Some(S::Draft)],
        to: S::Reviewed,
        comment: false,
    },
    Edge {
        kind: K::Fail,
        role: Role::TownReviewer,
        from: &[Some(S::Draft)],
        to: S::Draft,
        comment: true,
    },
    Edge {
        kind: K::Notice,
        role: Role::TownOperator,
        from: &[Some(S::Reviewed), Some(S::Noticed)],
        to: S::Noticed,
        comment: false,
    },
    Edge {
        kind: K::File,
        role: Role::TownReviewer,
        from: &[Some(S::Noticed)],
        to: S::Filed,
        comment: false,
    },
    Edge {
        kind: K::Return,
        role: Role::TownReviewer,
        from: &[Some(S::Noticed)],
        to: S::Returned,
        comment: true,
    },
];

/// The most characters a plan's content may have.
pub const MAX_CONTENT: usize = 5000;

fn edge(kind: PlanMoveKind) -> &'static Edge {
    // Every kind has exactly one edge (checked by a test).
    EDGES.iter().find(|e| e.kind == kind).unwrap_or(&EDGES[0])
}

/// What a page says of a state (`None`: no plan written yet).
pub fn state_zh(s: Option<PlanState>) -> &'static str {
    s.map_or("尚未起草", |s| s.label())
}

/// Whether `actor` may make move `kind` on a plan of `town`, now in
/// `current`, with `comment`. Checks in this order: scope (another town's
/// plan does not exist for a town role), role, state, comment.
pub fn check_move(
    actor: &Actor<'_>,
    town: &str,
    current: Option<PlanState>,
    kind: PlanMoveKind,
    comment: &str,
) -> Result<PlanState, Refusal> {
    if !actor.sees(town) {
        return Err(Refusal::NotFound);
    }
    let e = edge(kind);
    if actor.role != e.role {
        return Err(Refusal::Forbidden(format!(
            "“{}”只能由{}办理（第十一条：镇街评审、村级公示、报镇街党委备案），{}不能办理",
            kind.label(),
            e.role.label(),
            actor.role.label()
        )));
    }
    if !e.from.contains(&current) {
        return Err(Refusal::Conflict(format!(
            "年度计划当前状态为“{}”，不能“{}”",
            state_zh(current),
            kind.label()
        )));
    }
    if e.comment && comment.trim().is_empty() {
        return Err(Refusal::Invalid(format!("“{}”须写明意见", kind.label())));
    }
    Ok(e.to)
}

/// The moves `actor` could make now (the buttons a page shows).
pub fn moves_for(actor: &Actor<'_>, town: &str, current: Option<PlanState>) -> Vec<PlanMoveKind> {
    PlanMoveKind::ALL
        .iter()
        .copied()
        .filter(|&k| check_move(actor, town, current, k, "意见").is_ok())
        .collect()
}

/// Whether a move needs a comment (the page's buttons ask for one).
pub fn needs_comment(kind: PlanMoveKind) -> bool {
    edge(kind).comment
}

/// Whether the plan's content can be edited in this state.
pub fn editable(current: Option<PlanState>) -> bool {
    edge(K::Save).from.contains(&current)
}

/// A plan's content: written, and not longer than [`MAX_CONTENT`].
pub fn check_content(content: &str) -> Result<(), Refusal> {
    let n = content.trim().chars().count();
    if n == 0 {
        return Err(Refusal::Invalid(
            "请填写年度工作目标和计划（第十一条）".into(),
        ));
    }
    if n > MAX_CONTENT {
        return Err(Refusal::Invalid(format!(
            "年度计划不能超过 {MAX_CONTENT} 字（现有 {n} 字）"
        )));
    }
    Ok(())
}

/// A review meeting's date: not later than today.
pub fn check_meeting(on: Date, today: Date) -> Result<(), Refusal> {
    if on > today {
        return Err(Refusal::Invalid(format!(
            "评审会议日期 {on} 晚于今天，只能登记已召开的会议"
        )));
    }
    Ok(())
}

/// A public notice from `start` to `end` of a plan reviewed on
/// `reviewed_on`: it starts no earlier than the meeting and no later than
/// today, ends no earlier than it starts, and lasts at least the policy's
/// minimum (`art11.public_notice_period`). The rules' decision when it
/// does, for the page and the history.
pub fn check_notice(
    p: &Params,
    reviewed_on: Option<Date>,
    start: Date,
    end: Date,
    today: Date,
) -> Result<Decision<bool, String>, Refusal> {
    if end < start {
        return Err(Refusal::Invalid(format!(
            "公示结束日 {end} 早于开始日 {start}"
        )));
    }
    if start > today {
        return Err(Refusal::Invalid(format!(
            "公示开始日 {start} 晚于今天，请在公示开始后登记"
        )));
    }
    match reviewed_on {
        None => {
            return Err(Refusal::Invalid(format!(
                "年度计划尚未通过评审，不能公示（{}）",
                art11::PLAN_STAGE.citation()
            )));
        }
        Some(r) if start < r => {
            return Err(Refusal::Invalid(format!(
                "公示开始日 {start} 早于评审通过日 {r}：计划通过评审后才能公示（{}）",
                art11::PLAN_STAGE.citation()
            )));
        }
        Some(_) => {}
    }
    let d = art11::notice_period(p, start, end);
    if !d.outcome {
        return Err(Refusal::Invalid(format!(
            "{}，不能登记（{}）",
            d.reason,
            d.rule.citation()
        )));
    }
    Ok(d)
}

/// Filing on `today` a plan with `record` on file: allowed when the rules'
/// `plan_stage` then finds it filed (reviewed, noticed long enough after
/// the review, the notice over). The decision when it is, for the history.
pub fn check_filing(
    p: &Params,
    record: PlanRecord,
    today: Date,
) -> Result<Decision<PlanStage, String>, Refusal> {
    let d = art11::plan_stage(
        p,
        &PlanRecord {
            filed_on: Some(today),
            ..record
        },
    );
    if d.outcome != PlanStage::Filed {
        return Err(Refusal::Invalid(format!(
            "{}，不能备案（{}）",
            d.reason,
            d.rule.citation()
        )));
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;
    use touyan_rules::Policy;

    const TOWN: &str = "370783100";
    const OTHER: &str = "370783101";
    const STATES: [Option<PlanState>; 6] = [
        None,
        Some(S::Draft),
        Some(S::Reviewed),
        Some(S::Noticed),
        Some(S::Filed),
        Some(S::Returned),
    ];

    fn params() -> Params {
        Policy::example()
            .resolve(date!(2025 - 01 - 01))
            .expect("example policy")
    }

    /// Written out by hand from the module's table.
    fn expected(kind: PlanMoveKind, role: Role, from: Option<PlanState>) -> Option<PlanState> {
        use Role::*;
        match (kind, role, from) {
            (K::Save, TownOperator, None | Some(S::Draft) | Some(S::Returned)) => Some(S::Draft),
            (K::Pass, TownReviewer, Some(S::Draft)) => Some(S::Reviewed),
            (K::Fail, TownReviewer, Some(S::Draft)) => Some(S::Draft),
            (K::Notice, TownOperator, Some(S::Reviewed) | Some(S::Noticed)) => Some(S::Noticed),
            (K::File, TownReviewer, Some(S::Noticed)) => Some(S::Filed),
            (K::Return, TownReviewer, Some(S::Noticed)) => Some(S::Returned),
            _ => None,
        }
    }

    #[test]
    fn every_move_by_every_role_from_every_state() {
        let mut allowed = 0;
        for &kind in PlanMoveKind::ALL {
            for role in Role::ALL {
                let town = role.is_town().then_some(TOWN);
                let a = Actor { role, town };
                for from in STATES {
                    let got = check_move(&a, TOWN, from, kind, "意见");
                    match expected(kind, role, from) {
                        Some(to) => {
                            allowed += 1;
                            assert_eq!(got, Ok(to), "{kind:?} by {role:?} from {from:?}");
                        }
                        None if role != edge(kind).role => assert!(
                            matches!(&got, Err(Refusal::Forbidden(m)) if m.contains("第十一条")),
                            "{kind:?} by {role:?} from {from:?}: {got:?}"
                        ),
                        None => assert!(
                            matches!(got, Err(Refusal::Conflict(_))),
                            "{kind:?} by {role:?} from {from:?}: {got:?}"
                        ),
                    }
                    // Another town's plan does not exist for a town role,
                    // whatever the move and state.
                    if role.is_town() {
                        let other = Actor {
                            role,
                            town: Some(OTHER),
                        };
                        assert_eq!(
                            check_move(&other, TOWN, from, kind, "意见"),
                            Err(Refusal::NotFound)
                        );
                    }
                }
            }
        }
        // save 3, pass 1, fail 1, notice 2, file 1, return 1.
        assert_eq!(allowed, 3 + 1 + 1 + 2 + 1 + 1);
    }

    #[test]
    fn the_buttons_are_the_allowed_moves() {
        let op = Actor {
            role: Role::TownOperator,
            town: Some(TOWN),
        };
        let rev = Actor {
            role: Role::TownReviewer,
            town: Some(TOWN),
        };
        let city = Actor {
            role: Role::CityAdmin,
            town: None,
        };
        assert_eq!(moves_for(&op, TOWN, None), [K::Save]);
        assert_eq!(moves_for(&rev, TOWN, None), []);
        assert_eq!(moves_for(&op, TOWN, Some(S::Draft)), [K::Save]);
        assert_eq!(moves_for(&rev, TOWN, Some(S::Draft)), [K::Pass, K::Fail]);
        assert_eq!(moves_for(&op, TOWN, Some(S::Reviewed)), [K::Notice]);
        assert_eq!(moves_for(&rev, TOWN, Some(S::Reviewed)), []);
        assert_eq!(moves_for(&op, TOWN, Some(S::Noticed)), [K::Notice]);
        assert_eq!(
            moves_for(&rev, TOWN, Some(S::Noticed)),
            [K::File, K::Return]
        );
        assert_eq!(moves_for(&op, TOWN, Some(S::Returned)), [K::Save]);
        // The city follows plans and moves none.
        for s in STATES {
            assert_eq!(moves_for(&city, TOWN, s), [], "{s:?}");
        }
        // A filed plan is locked for everyone.
        for role in Role::ALL {
            let a = Actor {
                role,
                town: role.is_town().then_some(TOWN),
            };
            assert_eq!(moves_for(&a, TOWN, Some(S::Filed)), [], "{role:?}");
        }
        assert!(editable(None) && editable(Some(S::Draft)) && editable(Some(S::Returned)));
        for s in [S::Reviewed, S::Noticed, S::Filed] {
            assert!(!editable(Some(s)), "{s:?}");
        }
    }

    #[test]
    fn a_failed_review_and_a_return_need_a_comment() {
        let rev = Actor {
            role: Role::TownReviewer,
            town: Some(TOWN),
        };
        for (kind, from) in [(K::Fail, S::Draft), (K::Return, S::Noticed)] {
            assert!(needs_comment(kind));
            assert_eq!(
                check_move(&rev, TOWN, Some(from), kind, "  "),
                Err(Refusal::Invalid(format!("“{}”须写明意见", kind.label())))
            );
        }
        assert_eq!(
            check_move(&rev, TOWN, Some(S::Draft), K::Pass, ""),
            Ok(S::Reviewed)
        );
        for k in [K::Save, K::Pass, K::Notice, K::File] {
            assert!(!needs_comment(k), "{k:?}");
        }
    }

    #[test]
    fn content_is_written_and_bounded() {
        assert!(
            matches!(check_content(" \n "), Err(Refusal::Invalid(m)) if m.contains("第十一条"))
        );
        assert_eq!(check_content("发展集体经济"), Ok(()));
        assert_eq!(check_content(&"字".repeat(MAX_CONTENT)), Ok(()));
        assert!(matches!(
            check_content(&"字".repeat(MAX_CONTENT + 1)),
            Err(Refusal::Invalid(m)) if m.contains("5001")
        ));
    }

    #[test]
    fn a_meeting_is_one_that_was_held() {
        let today = date!(2025 - 02 - 10);
        assert_eq!(check_meeting(today, today), Ok(()));
        assert!(check_meeting(date!(2025 - 02 - 11), today).is_err());
    }

    #[test]
    fn a_notice_lasts_the_policys_minimum_counting_both_ends() {
        let p = params();
        // The example policy's minimum is 5 days (inferred).
        assert_eq!(p.plan_public_notice_min_days.value, 5);
        let reviewed = Some(date!(2025 - 02 - 10));
        let today = date!(2025 - 03 - 01);
        // 10–14 February: 5 days, enough.
        let d = check_notice(
            &p,
            reviewed,
            date!(2025 - 02 - 10),
            date!(2025 - 02 - 14),
            today,
        )
        .expect("five days");
        assert!(d.outcome);
        assert_eq!(
            d.sentence(),
            "公示 2025-02-10 至 2025-02-14，共 5 天，不少于 5 天"
        );
        // 10–13 February: 4 days, refused with the article.
        let short = check_notice(
            &p,
            reviewed,
            date!(2025 - 02 - 10),
            date!(2025 - 02 - 13),
            today,
        );
        assert_eq!(
            short.map(|d| d.outcome),
            Err(Refusal::Invalid(
                "公示 2025-02-10 至 2025-02-13，共 4 天，少于 5 天，不能登记（第十一条（原文缺失，推定））"
                    .into()
            ))
        );
        // Before the meeting, backwards, not yet begun, not reviewed.
        let before = check_notice(
            &p,
            reviewed,
            date!(2025 - 02 - 09),
            date!(2025 - 02 - 20),
            today,
        );
        assert!(
            matches!(&before, Err(Refusal::Invalid(m)) if m.contains("早于评审通过日") && m.contains("第十一条")),
            "{before:?}"
        );
        let backwards = check_notice(
            &p,
            reviewed,
            date!(2025 - 02 - 14),
            date!(2025 - 02 - 10),
            today,
        );
        assert!(matches!(&backwards, Err(Refusal::Invalid(m)) if m.contains("早于开始日")));
        let later = check_notice(
            &p,
            reviewed,
            date!(2025 - 03 - 02),
            date!(2025 - 03 - 09),
            today,
        );
        assert!(matches!(&later, Err(Refusal::Invalid(m)) if m.contains("晚于今天")));
        let none = check_notice(
            &p,
            None,
            date!(2025 - 02 - 10),
            date!(2025 - 02 - 14),
            today,
        );
        assert!(matches!(&none, Err(Refusal::Invalid(m)) if m.contains("尚未通过评审")));
        // A policy with a longer minimum refuses the same five days.
        let mut policy = Policy::example();
        policy
            .set_override(
                "plan.public_notice_min_days",
                touyan_rules::policy::Raw::Number("7"),
            )
            .expect("override");
        let p7 = policy.resolve(date!(2025 - 01 - 01)).unwrap();
        let refused = check_notice(
            &p7,
            reviewed,
            date!(2025 - 02 - 10),
            date!(2025 - 02 - 14),
            today,
        );
        assert!(matches!(&refused, Err(Refusal::Invalid(m)) if m.contains("少于 7 天")));
    }

    #[test]
    fn a_plan_is_filed_once_its_notice_is_over() {
        let p = params();
        let record = PlanRecord {
            reviewed_on: Some(date!(2025 - 02 - 10)),
            notice: Some((date!(2025 - 02 - 11), date!(2025 - 02 - 17))),
            filed_on: None,
        };
        // On the notice's last day: allowed (the rules count the day in).
        let d = check_filing(&p, record, date!(2025 - 02 - 17)).expect("filed");
        assert_eq!(d.outcome, PlanStage::Filed);
        assert!(d.sentence().contains("2025-02-17 报镇街党委备案"));
        // The day before: refused with the rules' reason and article.
        let early = check_filing(&p, record, date!(2025 - 02 - 16));
        assert_eq!(
            early.map(|d| d.outcome),
            Err(Refusal::Invalid(
                "备案日 2025-02-16 早于公示结束日 2025-02-17，须公示期满后备案，不能备案（第十一条）"
                    .into()
            ))
        );
        // Nothing noticed, or nothing reviewed: not fileable.
        let unnoticed = PlanRecord {
            notice: None,
            ..record
        };
        assert!(check_filing(&p, unnoticed, date!(2025 - 03 - 01)).is_err());
        assert!(check_filing(&p, PlanRecord::default(), date!(2025 - 03 - 01)).is_err());
    }

    #[test]
    fn each_move_has_exactly_one_edge() {
        for &k in PlanMoveKind::ALL {
            assert_eq!(EDGES.iter().filter(|e| e.kind == k).count(), 1, "{k:?}");
        }
    }
}
