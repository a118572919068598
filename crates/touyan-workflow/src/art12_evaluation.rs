//! 第十二条 — the half-yearly competency evaluation (胜任度评价) and the
//! cases its rate opens.
//!
//! > 每半年开展一次胜任度评价……党员、群众代表评价胜任率达不到90%的，由镇街党(工)委
//! > 进行约谈；达不到80%且经认定确实不能胜任的，退出专业化管理。
//!
//! An evaluation of a town for a half year:
//!
//! | move | who | from | to |
//! |---|---|---|---|
//! | open (开始评价) | town operator | none | open |
//! | enter paper counts (录入纸质票) | town operator | open | open |
//! | issue voting codes (生成投票码) | town operator | open | open |
//! | close (结束评价) | town reviewer | open | closed |
//!
//! Raters are not users: they vote through one-time anonymous codes, each
//! used once, or on paper counted at the meeting. Nothing of the votes is
//! shown until the evaluation is closed ([`results_visible`]). Closing
//! tallies every group's ballots and opens a case for each secretary whose
//! rate calls for one ([`case_for`]):
//!
//! | case move | who | case | from | to |
//! |---|---|---|---|---|
//! | hold (记录约谈), with what was said | town operator | interview | open | held |
//! | confirm (确认退出) | town reviewer | exit | open | confirmed |
//! | dismiss (不予退出), with the reason | town reviewer | exit | open | dismissed |

use touyan_records::model::{CaseKind, CaseState, EvalState, Labelled};
use touyan_rules::Params;
use touyan_rules::art12_competency::{self, Action, Ballots};

use crate::{Actor, Refusal, Role};

/// A move of an evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EvalMove {
    Open,
    EnterPaper,
    IssueCodes,
    Close,
}

impl EvalMove {
    pub const ALL: [EvalMove; 4] = [
        EvalMove::Open,
        EvalMove::EnterPaper,
        EvalMove::IssueCodes,
        EvalMove::Close,
    ];

    pub fn code(self) -> &'static str {
        match self {
            EvalMove::Open => "open",
            EvalMove::EnterPaper => "paper",
            EvalMove::IssueCodes => "codes",
            EvalMove::Close => "close",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            EvalMove::Open => "开始评价",
            EvalMove::EnterPaper => "录入纸质票",
            EvalMove::IssueCodes => "生成投票码",
            EvalMove::Close => "结束评价",
        }
    }

    fn who(self) -> Role {
        match self {
            EvalMove::Close => Role::TownReviewer,
            _ => Role::TownOperator,
        }
    }

    fn from(self) -> Option<EvalState> {
        match self {
            EvalMove::Open => None,
            _ => Some(EvalState::Open),
        }
    }
}

/// Whether `actor` may make `mv` on `town`'s evaluation, now in `current`.
pub fn check_move(
    actor: &Actor<'_>,
    town: &str,
    current: Option<EvalState>,
    mv: EvalMove,
) -> Result<EvalState, Refusal> {
    if !actor.sees(town) {
        return Err(Refusal::NotFound);
    }
    if actor.role != mv.who() {
        return Err(Refusal::Forbidden(format!(
            "“{}”只能由{}办理，{}不能办理",
            mv.label(),
            mv.who().label(),
            actor.role.label()
        )));
    }
    if current != mv.from() {
        return Err(Refusal::Conflict(format!(
            "评价当前状态为“{}”，不能“{}”",
            current.map_or("尚未开始", |s| s.label()),
            mv.label()
        )));
    }
    Ok(match mv {
        EvalMove::Close => EvalState::Closed,
        _ => EvalState::Open,
    })
}

/// The moves `actor` could make now.
pub fn moves_for(actor: &Actor<'_>, town: &str, current: Option<EvalState>) -> Vec<EvalMove> {
    EvalMove::ALL
        .into_iter()
        .filter(|&m| check_move(actor, town, current, m).is_ok())
        .collect()
}

/// Votes and counts are shown only once the evaluation is closed.
pub fn results_visible(current: Option<EvalState>) -> bool {
    current == Some(EvalState::Closed)
}

/// The case the Party members' and public representatives' ballots open
/// (Article 12), with the rate's sentence; `None` when none (or no
/// ballots).
pub fn case_for(p: &Params, party: Ballots, public: Ballots) -> Option<(CaseKind, String)> {
    let d = art12_competency::competency(p, party, public)?;
    let kind = match d.outcome.action {
        Action::None => return None,
        Action::Interview => CaseKind::Interview,
        Action::Exit => CaseKind::Exit,
    };
    Some((kind, format!("{}（{}）", d.reason, d.rule.citation())))
}

/// A move of a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CaseMove {
    Hold,
    Confirm,
    Dismiss,
}

impl CaseMove {
    pub const ALL: [CaseMove; 3] = [CaseMove::Hold, CaseMove::Confirm, CaseMove::Dismiss];

    pub fn code(self) -> &'static str {
        match self {
            CaseMove::Hold => "hold",
            CaseMove::Confirm => "confirm",
            CaseMove::Dismiss => "dismiss",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CaseMove::Hold => "记录约谈",
            CaseMove::Confirm => "确认退出",
            CaseMove::Dismiss => "不予退出",
        }
    }

    fn edge(self) -> (Role, CaseKind, CaseState, bool) {
        match self {
            CaseMove::Hold => (
                Role::TownOperator,
                CaseKind::Interview,
                CaseState::Held,
                true,
            ),
            CaseMove::Confirm => (
                Role::TownReviewer,
                CaseKind::Exit,
                CaseState::Confirmed,
                false,
            ),
            CaseMove::Dismiss => (
                Role::TownReviewer,
                CaseKind::Exit,
                CaseState::Dismissed,
                true,
            ),
        }
    }
}

/// Whether `actor` may make `mv` on a case of `town`.
pub fn check_case(
    actor: &Actor<'_>,
    town: &str,
    kind: CaseKind,
    state: CaseState,
    mv: CaseMove,
    note: &str,
) -> Result<CaseState, Refusal> {
    if !actor.sees(town) {
        return Err(Refusal::NotFound);
    }
    let (role, for_kind, to, needs_note) = mv.edge();
    if actor.role != role {
        return Err(Refusal::Forbidden(format!(
            "“{}”只能由{}办理，{}不能办理",
            mv.label(),
            role.label(),
            actor.role.label()
        )));
    }
    if kind != for_kind || state != CaseState::Open {
        return Err(Refusal::Conflict(format!(
            "{}（{}）不能“{}”",
            kind.label(),
            state.label(),
            mv.label()
        )));
    }
    if needs_note && note.trim().is_empty() {
        return Err(Refusal::Invalid(format!(
            "“{}”须写明{}",
            mv.label(),
            if mv == CaseMove::Hold {
                "约谈情况"
            } else {
                "认定理由"
            }
        )));
    }
    Ok(to)
}

/// The case moves `actor` could make now.
pub fn case_moves_for(
    actor: &Actor<'_>,
    town: &str,
    kind: CaseKind,
    state: CaseState,
) -> Vec<CaseMove> {
    CaseMove::ALL
        .into_iter()
        .filter(|&m| check_case(actor, town, kind, state, m, "说明").is_ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use touyan_rules::Policy;

    const TOWN: &str = "370783100";

    fn a(role: Role) -> Actor<'static> {
        Actor {
            role,
            town: role.is_town().then_some(TOWN),
        }
    }

    #[test]
    fn evaluation_moves_by_role_and_state() {
        use EvalState::*;
        let states = [None, Some(Open), Some(Closed)];
        let mut allowed = Vec::new();
        for mv in EvalMove::ALL {
            for role in Role::ALL {
                for s in states {
                    if let Ok(to) = check_move(&a(role), TOWN, s, mv) {
                        allowed.push((mv, role, s, to));
                    }
                }
            }
        }
        assert_eq!(
            allowed,
            [
                (EvalMove::Open, Role::TownOperator, None, Open),
                (EvalMove::EnterPaper, Role::TownOperator, Some(Open), Open),
                (EvalMove::IssueCodes, Role::TownOperator, Some(Open), Open),
                (EvalMove::Close, Role::TownReviewer, Some(Open), Closed),
            ]
        );
        let other = Actor {
            role: Role::TownOperator,
            town: Some("370783101"),
        };
        assert_eq!(
            check_move(&other, TOWN, None, EvalMove::Open),
            Err(Refusal::NotFound)
        );
        assert!(!results_visible(Some(Open)));
        assert!(!results_visible(None));
        assert!(results_visible(Some(Closed)));
    }

    #[test]
    fn case_moves_by_role_kind_and_state() {
        let mut allowed = Vec::new();
        for mv in CaseMove::ALL {
            for role in Role::ALL {
                for kind in [CaseKind::Interview, CaseKind::Exit] {
                    for state in CaseState::ALL.iter().copied() {
                        if let Ok(to) = check_case(&a(role), TOWN, kind, state, mv, "说明") {
                            allowed.push((mv, role, kind, state, to));
                        }
                    }
                }
            }
        }
        use CaseState::*;
        assert_eq!(
            allowed,
            [
                (
                    CaseMove::Hold,
                    Role::TownOperator,
                    CaseKind::Interview,
                    Open,
                    Held
                ),
                (
                    CaseMove::Confirm,
                    Role::TownReviewer,
                    CaseKind::Exit,
                    Open,
                    Confirmed
                ),
                (
                    CaseMove::Dismiss,
                    Role::TownReviewer,
                    CaseKind::Exit,
                    Open,
                    Dismissed
                ),
            ]
        );
        for (mv, role, kind) in [
            (CaseMove::Hold, Role::TownOperator, CaseKind::Interview),
            (CaseMove::Dismiss, Role::TownReviewer, CaseKind::Exit),
        ] {
            assert!(matches!(
                check_case(&a(role), TOWN, kind, Open, mv, " "),
                Err(Refusal::Invalid(_))
            ));
        }
        assert!(
            check_case(
                &a(Role::TownReviewer),
                TOWN,
                CaseKind::Exit,
                Open,
                CaseMove::Confirm,
                ""
            )
            .is_ok()
        );
    }

    fn params() -> Params {
        Policy::example()
            .resolve(time::macros::date!(2025 - 07 - 01))
            .expect("example policy")
    }

    fn b(competent: u32, basic: u32, not: u32) -> Ballots {
        Ballots {
            competent,
            basically_competent: basic,
            not_competent: not,
        }
    }

    /// The thresholds of the shipped policy: below 90% an interview,
    /// below 80% an exit; exactly 90% and exactly 80% open nothing more.
    #[test]
    fn cases_open_at_the_thresholds() {
        let p = params();
        // 9 of 10 pass: exactly 90%, nothing.
        assert_eq!(case_for(&p, b(6, 3, 1), b(0, 0, 0)), None);
        // 17 of 19 (89.47%): an interview.
        let (k, why) = case_for(&p, b(10, 2, 1), b(4, 1, 1)).unwrap();
        assert_eq!(k, CaseKind::Interview);
        assert!(why.contains("第十二条"), "{why}");
        // Exactly 80% (8 of 10): an interview, not an exit.
        assert_eq!(
            case_for(&p, b(5, 3, 2), b(0, 0, 0)).unwrap().0,
            CaseKind::Interview
        );
        // 7 of 10: an exit.
        assert_eq!(
            case_for(&p, b(5, 2, 3), b(0, 0, 0)).unwrap().0,
            CaseKind::Exit
        );
        // No ballots: nothing to decide.
        assert_eq!(case_for(&p, b(0, 0, 0), b(0, 0, 0)), None);
    }
}
