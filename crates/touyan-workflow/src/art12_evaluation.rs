//! 第十二条 — the half-yearly competency evaluation (胜任度评价) and the
//! cases its rate opens.
//!
//! > 每半年开展一次胜任度评价……党员、群众代表评价胜任率达不到90%的，由镇街党(工)委
//! > 进行约谈；达不到80%且经认定确实不能胜任的，退出专业化管理。
//!
//! An evaluation of a town for a half year. Two things are entered by the
//! town's operator and count only once its reviewer — another person —
//! has confirmed them: the number of eligible raters of each counted group
//! ([`COUNTED`]) for each secretary, and the paper counts. "raters" and
//! "paper" below are those sign-offs ([`Stage`]): none, entered
//! (awaiting the reviewer) or confirmed.
//!
//! | move | who | evaluation | raters | paper | then |
//! |---|---|---|---|---|---|
//! | open (开始评价) | town operator | none | – | – | open |
//! | declare raters (申报评价人数) | town operator | open | any | – | raters entered |
//! | confirm raters (确认评价人数) | town reviewer, not who declared | open | entered | – | raters confirmed |
//! | issue voting codes (生成投票码) | town operator | open | confirmed | – | codes within the raters ([`check_codes`]) |
//! | enter paper counts (录入纸质票) | town operator | open | confirmed | any | paper entered, within the raters ([`check_paper`]) |
//! | confirm paper counts (确认纸质票) | town reviewer, not who entered | open | – | entered | paper confirmed |
//! | close (结束评价) | town reviewer | open | – | none or confirmed | closed |
//!
//! Declared numbers are locked once confirmed: declaring again puts them
//! back to "entered", and no code is issued and no paper count entered
//! until the reviewer confirms again; a number below the codes and paper
//! ballots already counted against it is refused ([`check_declared`]).
//! Entering paper counts again likewise waits for a new confirmation, and
//! closing is refused while paper counts wait for one (rather than
//! closing without them), so unconfirmed counts never reach a tally.
//!
//! Raters are not users: they vote through one-time anonymous codes, each
//! used once, or on paper counted at the meeting. What a vote stores
//! (storage's `evaluations/ballots.rs`): the code only that it was used; the
//! choice only as one more in its secretary's and group's count, with no
//! code and no time; the change log one anonymous entry per vote, "一票"
//! for the secretary and group on that day, with neither the code nor the
//! choice — a log entry with the choice and the time would join the vote
//! to the code used at that moment. Nothing of the votes is shown until
//! the evaluation is closed ([`results_visible`]). Closing tallies every
//! group's ballots and opens a case for each secretary whose rate calls
//! for one ([`case_for`]):
//!
//! | case move | who | case | from | to |
//! |---|---|---|---|---|
//! | hold (记录约谈), with what was said | town operator | interview | open | held |
//! | confirm (确认退出) | town reviewer | exit | open | confirmed |
//! | dismiss (不予退出), with the reason | town reviewer | exit | open | dismissed |

use touyan_records::model::{
    CaseKind, CaseState, EvalState, Labelled, RaterGroup, SignPart, SignState,
};
use touyan_rules::Params;
use touyan_rules::art12_competency::{self, Action, Ballots};

use crate::{Actor, Refusal, Role};

/// The rater groups whose ballots decide the rate (Article 12: Party
/// members and public representatives): the groups codes are issued for
/// and whose eligible raters the town declares.
pub const COUNTED: [RaterGroup; 2] = [RaterGroup::PartyMembers, RaterGroup::PublicReps];

/// Where an entry of the operator stands: entered by `by`, or confirmed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sign<'a> {
    pub state: SignState,
    /// Who entered it (a user name).
    pub by: &'a str,
}

/// Where an evaluation stands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stage<'a> {
    pub state: Option<EvalState>,
    /// The declared numbers of eligible raters.
    pub raters: Option<Sign<'a>>,
    /// The paper counts.
    pub paper: Option<Sign<'a>>,
}

/// A move of an evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EvalMove {
    Open,
    DeclareRaters,
    ConfirmRaters,
    IssueCodes,
    EnterPaper,
    ConfirmPaper,
    Close,
}

impl EvalMove {
    pub const ALL: [EvalMove; 7] = [
        EvalMove::Open,
        EvalMove::DeclareRaters,
        EvalMove::ConfirmRaters,
        EvalMove::IssueCodes,
        EvalMove::EnterPaper,
        EvalMove::ConfirmPaper,
        EvalMove::Close,
    ];

    pub fn code(self) -> &'static str {
        match self {
            EvalMove::Open => "open",
            EvalMove::DeclareRaters => "raters",
            EvalMove::ConfirmRaters => "raters_confirm",
            EvalMove::IssueCodes => "codes",
            EvalMove::EnterPaper => "paper",
            EvalMove::ConfirmPaper => "paper_confirm",
            EvalMove::Close => "close",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            EvalMove::Open => "开始评价",
            EvalMove::DeclareRaters => "申报评价人数",
            EvalMove::ConfirmRaters => "确认评价人数",
            EvalMove::IssueCodes => "生成投票码",
            EvalMove::EnterPaper => "录入纸质票",
            EvalMove::ConfirmPaper => "确认纸质票",
            EvalMove::Close => "结束评价",
        }
    }

    fn who(self) -> Role {
        match self {
            EvalMove::ConfirmRaters | EvalMove::ConfirmPaper | EvalMove::Close => {
                Role::TownReviewer
            }
            _ => Role::TownOperator,
        }
    }

    fn from(self) -> Option<EvalState> {
        match self {
            EvalMove::Open => None,
            _ => Some(EvalState::Open),
        }
    }

    /// The part a confirmation confirms.
    pub fn confirms(self) -> Option<SignPart> {
        match self {
            EvalMove::ConfirmRaters => Some(SignPart::Raters),
            EvalMove::ConfirmPaper => Some(SignPart::Paper),
            _ => None,
        }
    }
}

fn citation() -> String {
    art12_competency::COMPETENCY.citation()
}

/// Whether `role` makes any move of an evaluation (the town's operator
/// and reviewer do; nobody else, whatever the stage).
pub fn acts_on_evaluations(role: Role) -> bool {
    EvalMove::ALL.iter().any(|m| m.who() == role)
}

/// Whether `actor`, signed in as `user`, may make `mv` on `town`'s
/// evaluation, now at `stage`; the evaluation's state after it.
pub fn check_move(
    actor: &Actor<'_>,
    user: &str,
    town: &str,
    stage: &Stage<'_>,
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
    if stage.state != mv.from() {
        return Err(Refusal::Conflict(format!(
            "评价当前状态为“{}”，不能“{}”",
            stage.state.map_or("尚未开始", |s| s.label()),
            mv.label()
        )));
    }
    let confirmed = |s: Option<Sign<'_>>| s.is_some_and(|s| s.state == SignState::Confirmed);
    match mv {
        EvalMove::IssueCodes | EvalMove::EnterPaper if !confirmed(stage.raters) => {
            return Err(Refusal::Conflict(format!(
                "{}，不能“{}”：每位书记的党员、群众代表评价人数须由镇街经办申报、镇街审核确认，\
                 投票码和纸质票都不能超过确认的人数（{}）",
                if stage.raters.is_some() {
                    "评价人数已申报，尚待镇街审核确认"
                } else {
                    "尚未申报评价人数"
                },
                mv.label(),
                citation()
            )));
        }
        EvalMove::ConfirmRaters | EvalMove::ConfirmPaper => {
            let (part, sign) = if mv == EvalMove::ConfirmRaters {
                (SignPart::Raters, stage.raters)
            } else {
                (SignPart::Paper, stage.paper)
            };
            let Some(sign) = sign.filter(|s| s.state == SignState::Entered) else {
                return Err(Refusal::Conflict(format!(
                    "没有待确认的{}，不能“{}”",
                    part.label(),
                    mv.label()
                )));
            };
            if sign.by == user {
                return Err(Refusal::Forbidden(format!(
                    "{}由 {} 本人录入，录入人不能自己确认；须由另一名镇街审核人员确认（{}）",
                    part.label(),
                    user,
                    citation()
                )));
            }
        }
        EvalMove::Close if stage.paper.is_some_and(|s| s.state == SignState::Entered) => {
            return Err(Refusal::Conflict(format!(
                "纸质票已录入，尚未经镇街审核确认，不能结束评价：未经确认的纸质票不计入评价结果，\
                 请先确认纸质票（{}）",
                citation()
            )));
        }
        _ => {}
    }
    Ok(match mv {
        EvalMove::Close => EvalState::Closed,
        _ => EvalState::Open,
    })
}

/// The moves `actor`, signed in as `user`, could make now.
pub fn moves_for(actor: &Actor<'_>, user: &str, town: &str, stage: &Stage<'_>) -> Vec<EvalMove> {
    EvalMove::ALL
        .into_iter()
        .filter(|&m| check_move(actor, user, town, stage, m).is_ok())
        .collect()
}

/// What one secretary's one counted group has used of its raters: the
/// confirmed number of eligible raters (`None`: none declared), the
/// codes issued and the paper ballots entered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Room {
    pub eligible: Option<u32>,
    pub issued: u32,
    pub paper: u32,
}

/// Whether `more` codes may be issued for `who`'s raters of `group`:
/// codes already issued, paper ballots entered and the new codes together
/// may not exceed the confirmed number of eligible raters (each rater
/// votes once, with a code or on paper).
pub fn check_codes(who: &str, group: RaterGroup, room: Room, more: u32) -> Result<(), Refusal> {
    let Some(eligible) = room.eligible else {
        return Err(Refusal::Invalid(format!(
            "{who}的{}评价人数尚未申报和确认，不能生成投票码（{}）",
            group.label(),
            citation()
        )));
    };
    if u64::from(room.issued) + u64::from(room.paper) + u64::from(more) > u64::from(eligible) {
        return Err(Refusal::Invalid(format!(
            "{who}的{}评价人数经镇街审核确认为 {eligible} 人，已发投票码 {} 个、已录纸质票 {} 张，\
             不能再发 {more} 个：每名评价人只能投一票，投票码不能超过确认的评价人数（{}）",
            group.label(),
            room.issued,
            room.paper,
            citation()
        )));
    }
    Ok(())
}

/// Whether `paper` ballots (the new total, replacing those entered) may
/// be entered for `who`'s raters of `group`: with the codes issued they
/// may not exceed the confirmed number of eligible raters. (Only the
/// [`COUNTED`] groups have declared raters; the others' paper counts are
/// bounded by the reviewer's confirmation alone.)
pub fn check_paper(who: &str, group: RaterGroup, room: Room, paper: u32) -> Result<(), Refusal> {
    let Some(eligible) = room.eligible else {
        return Err(Refusal::Invalid(format!(
            "{who}的{}评价人数尚未申报和确认，不能录入纸质票（{}）",
            group.label(),
            citation()
        )));
    };
    if u64::from(room.issued) + u64::from(paper) > u64::from(eligible) {
        return Err(Refusal::Invalid(format!(
            "{who}的{}纸质票 {paper} 张加已发投票码 {} 个超过了经镇街审核确认的评价人数 {eligible} 人：\
             每名评价人只能投一票（{}）",
            group.label(),
            room.issued,
            citation()
        )));
    }
    Ok(())
}

/// Whether `eligible` may be declared for `who`'s raters of `group`: not
/// fewer than the codes issued and paper ballots entered already.
pub fn check_declared(
    who: &str,
    group: RaterGroup,
    room: Room,
    eligible: u32,
) -> Result<(), Refusal> {
    let used = u64::from(room.issued) + u64::from(room.paper);
    if u64::from(eligible) < used {
        return Err(Refusal::Invalid(format!(
            "{who}的{}评价人数不能少于已发投票码 {} 个和已录纸质票 {} 张的合计 {used} 人（{}）",
            group.label(),
            room.issued,
            room.paper,
            citation()
        )));
    }
    Ok(())
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

    const OP: &str = "op1";
    const REV: &str = "rev1";

    /// The user signed in with each role in these tests.
    fn user(role: Role) -> &'static str {
        if role == Role::TownReviewer { REV } else { OP }
    }

    fn sign(state: SignState) -> Option<Sign<'static>> {
        Some(Sign { state, by: OP })
    }

    #[test]
    fn evaluation_moves_by_role_and_stage() {
        use EvalMove::*;
        use SignState::{Confirmed as C, Entered as E};
        let open = |raters, paper| Stage {
            state: Some(EvalState::Open),
            raters,
            paper,
        };
        // (stage, the operator's moves, the reviewer's moves), by hand from
        // the module's table; no other role has any.
        let cases: Vec<(Stage<'static>, Vec<EvalMove>, Vec<EvalMove>)> = vec![
            (Stage::default(), vec![Open], vec![]),
            (open(None, None), vec![DeclareRaters], vec![Close]),
            (
                open(sign(E), None),
                vec![DeclareRaters],
                vec![ConfirmRaters, Close],
            ),
            (
                open(sign(C), None),
                vec![DeclareRaters, IssueCodes, EnterPaper],
                vec![Close],
            ),
            (
                open(sign(C), sign(E)),
                vec![DeclareRaters, IssueCodes, EnterPaper],
                vec![ConfirmPaper],
            ),
            (
                open(sign(C), sign(C)),
                vec![DeclareRaters, IssueCodes, EnterPaper],
                vec![Close],
            ),
            // Declared again after paper was entered: nothing more is
            // issued or entered until confirmed again.
            (
                open(sign(E), sign(E)),
                vec![DeclareRaters],
                vec![ConfirmRaters, ConfirmPaper],
            ),
            (
                Stage {
                    state: Some(EvalState::Closed),
                    raters: sign(C),
                    paper: sign(C),
                },
                vec![],
                vec![],
            ),
        ];
        for (stage, op, rev) in &cases {
            for role in Role::ALL {
                let want: &[EvalMove] = match role {
                    Role::TownOperator => op,
                    Role::TownReviewer => rev,
                    _ => &[],
                };
                assert_eq!(
                    moves_for(&a(role), user(role), TOWN, stage),
                    want,
                    "{role:?} at {stage:?}"
                );
            }
        }
        let other = Actor {
            role: Role::TownOperator,
            town: Some("370783101"),
        };
        assert_eq!(
            check_move(&other, OP, TOWN, &Stage::default(), EvalMove::Open),
            Err(Refusal::NotFound)
        );
        assert!(!results_visible(Some(EvalState::Open)));
        assert!(!results_visible(None));
        assert!(results_visible(Some(EvalState::Closed)));
    }

    /// The reviewer cannot confirm what the same user entered (an account
    /// whose role was changed between the two), and says why.
    #[test]
    fn who_entered_cannot_confirm() {
        let stage = Stage {
            state: Some(EvalState::Open),
            raters: sign(SignState::Entered),
            paper: sign(SignState::Entered),
        };
        let reviewer = a(Role::TownReviewer);
        assert_eq!(
            check_move(&reviewer, OP, TOWN, &stage, EvalMove::ConfirmPaper),
            Err(Refusal::Forbidden(
                "纸质票由 op1 本人录入，录入人不能自己确认；须由另一名镇街审核人员确认（第十二条）"
                    .into()
            ))
        );
        assert!(matches!(
            check_move(&reviewer, OP, TOWN, &stage, EvalMove::ConfirmRaters),
            Err(Refusal::Forbidden(_))
        ));
        assert_eq!(moves_for(&reviewer, OP, TOWN, &stage), []);
        assert_eq!(
            check_move(&reviewer, REV, TOWN, &stage, EvalMove::ConfirmPaper),
            Ok(EvalState::Open)
        );
    }

    #[test]
    fn closing_waits_for_the_paper_counts_and_codes_for_the_raters() {
        let stage = Stage {
            state: Some(EvalState::Open),
            raters: sign(SignState::Confirmed),
            paper: sign(SignState::Entered),
        };
        assert_eq!(
            check_move(&a(Role::TownReviewer), REV, TOWN, &stage, EvalMove::Close),
            Err(Refusal::Conflict(
                "纸质票已录入，尚未经镇街审核确认，不能结束评价：未经确认的纸质票不计入评价结果，\
                 请先确认纸质票（第十二条）"
                    .into()
            ))
        );
        let declared = Stage {
            raters: sign(SignState::Entered),
            paper: None,
            ..stage
        };
        let Err(Refusal::Conflict(why)) = check_move(
            &a(Role::TownOperator),
            OP,
            TOWN,
            &declared,
            EvalMove::IssueCodes,
        ) else {
            panic!("codes before the raters are confirmed");
        };
        assert!(
            why.starts_with("评价人数已申报，尚待镇街审核确认，不能“生成投票码”")
                && why.ends_with("（第十二条）"),
            "{why}"
        );
    }

    /// Codes and paper ballots draw on the same confirmed raters; worked
    /// by hand: 3 raters, 2 codes issued, no paper.
    #[test]
    fn codes_and_paper_stay_within_the_confirmed_raters() {
        let g = RaterGroup::PartyMembers;
        let room = Room {
            eligible: Some(3),
            issued: 2,
            paper: 0,
        };
        assert_eq!(check_codes("东村 张三", g, room, 1), Ok(()));
        assert_eq!(
            check_codes("东村 张三", g, room, 2),
            Err(Refusal::Invalid(
                "东村 张三的党员评价人数经镇街审核确认为 3 人，已发投票码 2 个、已录纸质票 0 张，\
                 不能再发 2 个：每名评价人只能投一票，投票码不能超过确认的评价人数（第十二条）"
                    .into()
            ))
        );
        // With one paper ballot, the third rater is used up.
        let with_paper = Room { paper: 1, ..room };
        assert!(check_codes("东村 张三", g, with_paper, 1).is_err());
        assert!(matches!(
            check_codes("东村 张三", g, Room::default(), 1),
            Err(Refusal::Invalid(m)) if m.contains("尚未申报和确认")
        ));
        // Paper: 2 codes + 1 ballot = 3 fit, 2 ballots do not.
        assert_eq!(check_paper("东村 张三", g, room, 1), Ok(()));
        assert_eq!(
            check_paper("东村 张三", g, room, 2),
            Err(Refusal::Invalid(
                "东村 张三的党员纸质票 2 张加已发投票码 2 个超过了经镇街审核确认的评价人数 3 人：\
                 每名评价人只能投一票（第十二条）"
                    .into()
            ))
        );
        // Declaring again: not below the 2 codes and 1 ballot counted.
        assert_eq!(check_declared("东村 张三", g, with_paper, 3), Ok(()));
        assert_eq!(
            check_declared("东村 张三", g, with_paper, 2),
            Err(Refusal::Invalid(
                "东村 张三的党员评价人数不能少于已发投票码 2 个和已录纸质票 1 张的合计 3 人（第十二条）"
                    .into()
            ))
        );
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

    #[test]
    fn only_the_towns_operator_and_reviewer_move_an_evaluation() {
        for role in Role::ALL {
            let expected = matches!(role, Role::TownOperator | Role::TownReviewer);
            assert_eq!(acts_on_evaluations(role), expected, "{role:?}");
        }
    }
}
