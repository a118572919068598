//! The interview or exit case a closed evaluation opened, followed to
//! its end.

use time::Date;
use touyan_records::model::{Admonition, EvalCase, Exit, ExitReason, Programme};
use touyan_rules::Policy;
use touyan_rules::art12_competency::{self, Action};
use touyan_rules::art14_exit_inferred::{self, ExitFacts, Ground};
use touyan_storage::Store;
use touyan_workflow::art12_evaluation as flow;

use super::{CaseMove, TownHalf, conflict};
use crate::{By, OfficeError, when};

/// What a case confirmed with no exit written reads instead of
/// 已确认退出 (`TownHalf::case_state`): the finding stands, the city's
/// policy on the day made no exit of it ([`no_exit_note`] says which
/// switch).
pub const CONFIRMED_NO_EXIT: &str = "已确认不能胜任（本市政策不据此退出）";

/// The longest note a case's end takes (characters; a longer one is
/// refused, not cut).
pub const MAX_NOTE: usize = 500;

/// How the day a case ended is asked for (a day that is not one, or
/// after today).
pub const DAY_WANTED: &str = "日期无效或晚于今天（可填 2026-11-02、2026/11/2、2026年11月2日 等）";

/// Ends `th`'s open `case` by `mv` on `on` (no later than `today`), by
/// `by`, with `note` (at most [`MAX_NOTE`] characters): an interview held
/// records the admonition, an exit confirmed records the exit (for a
/// failed evaluation) when the policy in force on `on` says a failed
/// evaluation is a ground for exit (`exit.on_failed_evaluation`), a
/// dismissal only the case; all in one transaction. With that switch
/// off, confirming records the finding alone and its note says why no
/// exit was recorded, citing the policy ([`no_exit_note`]).
/// Returns the case as ended.
#[allow(clippy::too_many_arguments)]
pub async fn end_case(
    store: &Store,
    by: By<'_>,
    th: &TownHalf,
    policy: &Policy,
    case: &EvalCase,
    mv: CaseMove,
    note: &str,
    on: Date,
    today: Date,
) -> Result<EvalCase, OfficeError> {
    let to = flow::check_case(&by.actor, th.town.as_str(), case.kind, case.state, mv, note)?;
    OfficeError::at_most(note.trim(), "情况或理由", MAX_NOTE)?;
    if on > today {
        return Err(OfficeError::Invalid(DAY_WANTED.into()));
    }
    let no_exit = if mv == CaseMove::Confirm {
        why_no_exit(policy, case, on)?
    } else {
        None
    };
    let mut ended = case.clone();
    ended.state = to;
    ended.note = note.trim().to_owned();
    ended.done_on = Some(on);
    if let Some(why) = &no_exit {
        ended.note = if ended.note.is_empty() {
            why.clone()
        } else {
            format!("{}；{why}", ended.note)
        };
    }
    let admonition = (mv == CaseMove::Hold).then(|| Admonition {
        person: case.person.clone(),
        held_on: on,
        article: 12,
        reason: format!("{}：{}", case.reason, ended.note),
        make_up_study_done_on: None,
    });
    let exit = (mv == CaseMove::Confirm && no_exit.is_none()).then(|| Exit {
        person: case.person.clone(),
        on,
        reason: ExitReason::FailedEvaluation,
        note: case.reason.clone(),
        programme: Programme::Secretary,
    });
    store
        .end_case(
            by.name,
            by.origin,
            &ended,
            admonition.as_ref(),
            exit.as_ref(),
        )
        .await
        .map_err(conflict)?;
    Ok(ended)
}

/// Whether confirming `case` on `on` takes the secretary out of
/// professionalized management: Article 12's exit as the rules crate
/// decides it under the policy in force on `on` (`None`), or the note
/// that says why not. A policy that cannot be resolved on `on` is refused
/// (nothing written).
fn why_no_exit(policy: &Policy, case: &EvalCase, on: Date) -> Result<Option<String>, OfficeError> {
    let params = when::params_on(policy, on)?;
    let facts = ExitFacts {
        birth_date: case.person.birth_date(),
        competency: Some(Action::Exit),
        confirmed_not_competent: true,
        disciplined: false,
        still_secretary: true,
    };
    let exits = art14_exit_inferred::exit_grounds(&params, &facts, on)
        .iter()
        .any(|d| d.outcome == Ground::FailedEvaluation);
    let used = params.exit_on_failed_evaluation.used;
    Ok((!exits).then(|| no_exit_note(on, used.name(), used.since)))
}

/// Why a confirmed finding recorded no exit: the switch `name`, off since
/// `since`, on the day `on` it was confirmed.
pub fn no_exit_note(on: Date, name: &str, since: Date) -> String {
    format!(
        "确认之日（{on}）适用的政策参数 {name}（{since} 起）为“否”：只记录确实不能胜任的认定，不记录退出专业化管理（{}）",
        art12_competency::EXIT.citation()
    )
}
