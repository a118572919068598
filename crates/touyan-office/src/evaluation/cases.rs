//! The interview or exit case a closed evaluation opened, followed to
//! its end.

use time::Date;
use touyan_records::model::{Admonition, EvalCase, Exit, ExitReason, Programme};
use touyan_storage::Store;
use touyan_workflow::art12_evaluation as flow;

use super::{CaseMove, TownHalf, conflict};
use crate::{By, OfficeError};

/// The longest note a case's end keeps (characters; the rest is cut).
pub const MAX_NOTE: usize = 500;

/// How the day a case ended is asked for (a day that is not one, or
/// after today).
pub const DAY_WANTED: &str = "日期应为 YYYY-MM-DD，且不晚于今天";

/// Ends `th`'s open `case` by `mv` on `on` (no later than `today`), by
/// `by`, with `note` (cut to [`MAX_NOTE`] characters): an interview held
/// records the admonition, an exit confirmed records the exit (for a
/// failed evaluation), a dismissal only the case; all in one transaction.
/// Returns the case as ended.
#[allow(clippy::too_many_arguments)]
pub async fn end_case(
    store: &Store,
    by: By<'_>,
    th: &TownHalf,
    case: &EvalCase,
    mv: CaseMove,
    note: &str,
    on: Date,
    today: Date,
) -> Result<EvalCase, OfficeError> {
    let note: String = note.chars().take(MAX_NOTE).collect();
    let to = flow::check_case(
        &by.actor,
        th.town.as_str(),
        case.kind,
        case.state,
        mv,
        &note,
    )?;
    if on > today {
        return Err(OfficeError::Invalid(DAY_WANTED.into()));
    }
    let mut ended = case.clone();
    ended.state = to;
    ended.note = note.trim().to_owned();
    ended.done_on = Some(on);
    let admonition = (mv == CaseMove::Hold).then(|| Admonition {
        person: case.person.clone(),
        held_on: on,
        article: 12,
        reason: format!("{}：{}", case.reason, ended.note),
        make_up_study_done_on: None,
    });
    let exit = (mv == CaseMove::Confirm).then(|| Exit {
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
