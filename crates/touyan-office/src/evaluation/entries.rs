//! What the town's operator enters and its reviewer confirms: the
//! numbers of eligible raters of each secretary's counted groups, the
//! paper counts, and the confirmation of either as the reviewer saw it.
//!
//! The adapter hands over each count as sent, by secretary and group
//! (and column, for paper); they are read here in the page's order —
//! secretary by secretary, group by group — each checked against what the
//! confirmed raters leave room for (`art12_evaluation::check_declared`,
//! `check_paper`) as soon as it is read, so the first thing wrong is the
//! one refused. The store checks the same bounds again in the write's
//! transaction.

use touyan_records::CitizenId;
use touyan_records::model::{
    EvalSignoff, EvalState, Labelled, PaperCount, RaterCount, RaterGroup, SignState,
};
use touyan_storage::Store;
use touyan_workflow::art12_evaluation::{self as flow, Room};

use super::{EvalMove, TownHalf, check, conflict, who};
use crate::{By, OfficeError};

/// The most eligible raters one secretary's group may be declared with.
pub const MAX_RATERS: u32 = 100_000;

/// The most paper ballots of one kind (competent, basically competent,
/// not competent) one secretary's group may be entered with.
pub const MAX_PAPER: u32 = 100_000;

/// A whole number from 0 to `max` as sent (`""` is 0); `what` names it
/// in the refusal.
pub(super) fn count(text: &str, max: u32, what: &str) -> Result<u32, OfficeError> {
    match text {
        "" => Ok(0),
        t => match t.parse::<u32>() {
            Ok(x) if x <= max => Ok(x),
            _ => Err(OfficeError::Invalid(format!(
                "{what}“{}”不是 0 至 {max} 的整数",
                t.chars().take(10).collect::<String>()
            ))),
        },
    }
}

/// The numbers of eligible raters asked for (`asked(person, group)`: the
/// text sent for each listed secretary and counted group), each not below
/// what is already counted against it.
fn declared<'a>(
    th: &TownHalf,
    asked: impl Fn(&CitizenId, RaterGroup) -> &'a str,
) -> Result<Vec<RaterCount>, OfficeError> {
    if th.listed.is_empty() {
        return Err(OfficeError::Invalid(
            "本年度尚无已备案名单，没有需要评价的书记".into(),
        ));
    }
    let mut out = Vec::new();
    for l in &th.listed {
        let who = who(l);
        for g in flow::COUNTED {
            let n = count(
                asked(&l.person, g),
                MAX_RATERS,
                &format!("{who} 的{}评价人数", g.label()),
            )?;
            flow::check_declared(&who, g, th.room(&l.person, g), n)?;
            out.push(RaterCount {
                year: th.year,
                half: th.half,
                person: l.person.clone(),
                group: g,
                town: th.town,
                eligible: n,
            });
        }
    }
    Ok(out)
}

/// Declares the numbers of eligible raters of `th`'s listed secretaries,
/// by `by` (the town's operator), from what the page that showed `seen`
/// sent: `asked(person, group)` for every listed secretary and counted
/// group (`""` is 0). They await the reviewer's confirmation again.
/// Returns what was written.
pub async fn declare_raters<'a>(
    store: &Store,
    by: By<'_>,
    th: &TownHalf,
    seen: Option<Option<EvalState>>,
    asked: impl Fn(&CitizenId, RaterGroup) -> &'a str,
) -> Result<Vec<RaterCount>, OfficeError> {
    check(&by, th, EvalMove::DeclareRaters, seen)?;
    let counts = declared(th, asked)?;
    store
        .declare_raters(by.name, by.origin, th.year, th.half, th.town, &counts)
        .await
        .map_err(conflict)?;
    Ok(counts)
}

/// The paper counts asked for (`asked(person, group, column)`: the text
/// sent for each listed secretary, every group and each of competent,
/// basically competent and not competent), the counted groups' within
/// their confirmed raters with the codes issued.
fn papers<'a>(
    th: &TownHalf,
    asked: impl Fn(&CitizenId, RaterGroup, usize) -> &'a str,
) -> Result<Vec<PaperCount>, OfficeError> {
    let mut counts = Vec::new();
    for l in &th.listed {
        let who = who(l);
        for &g in RaterGroup::ALL {
            let mut n = [0u32; 3];
            for (i, slot) in n.iter_mut().enumerate() {
                *slot = count(
                    asked(&l.person, g, i),
                    MAX_PAPER,
                    &format!("{who} 的{}票数", g.label()),
                )?;
            }
            if flow::COUNTED.contains(&g) {
                // The new counts replace those entered.
                let room = Room {
                    paper: 0,
                    ..th.room(&l.person, g)
                };
                flow::check_paper(&who, g, room, n.iter().sum())?;
            }
            counts.push(PaperCount {
                year: th.year,
                half: th.half,
                person: l.person.clone(),
                group: g,
                town: th.town,
                competent: n[0],
                basically_competent: n[1],
                not_competent: n[2],
            });
        }
    }
    Ok(counts)
}

/// Enters the paper counts of `th`, by `by` (the town's operator), from
/// what the page that showed `seen` sent: `asked(person, group, column)`
/// (column 0 competent, 1 basically competent, 2 not competent; `""` is
/// 0), replacing those entered. They await the reviewer's confirmation.
/// Returns what was written.
pub async fn enter_paper<'a>(
    store: &Store,
    by: By<'_>,
    th: &TownHalf,
    seen: Option<Option<EvalState>>,
    asked: impl Fn(&CitizenId, RaterGroup, usize) -> &'a str,
) -> Result<Vec<PaperCount>, OfficeError> {
    check(&by, th, EvalMove::EnterPaper, seen)?;
    let counts = papers(th, asked)?;
    store
        .save_paper_counts(by.name, by.origin, th.year, th.half, th.town, &counts)
        .await
        .map_err(conflict)?;
    Ok(counts)
}

/// Confirms, by `by` (the town's reviewer, not who entered it), the part
/// `mv` confirms (`ConfirmRaters`, `ConfirmPaper`) in the version the
/// reviewer saw (`version`, as sent): refused when it has been entered
/// again since. Returns the part as confirmed.
pub async fn confirm(
    store: &Store,
    by: By<'_>,
    th: &TownHalf,
    seen: Option<Option<EvalState>>,
    mv: EvalMove,
    version: &str,
) -> Result<EvalSignoff, OfficeError> {
    let Some(part) = mv.confirms() else {
        return Err(OfficeError::Invalid("未指明要办理的操作".into()));
    };
    check(&by, th, mv, seen)?;
    // The version the reviewer saw: what they confirm.
    let Some(mut signoff) = th
        .signoff(part)
        .filter(|s| version.parse::<u32>().ok() == Some(s.version))
        .cloned()
    else {
        return Err(OfficeError::Conflict(format!(
            "{}已被重新录入，请核对后再确认",
            part.label()
        )));
    };
    store
        .confirm_signoff(by.name, by.origin, &signoff)
        .await
        .map_err(conflict)?;
    signoff.state = SignState::Confirmed;
    by.name.clone_into(&mut signoff.confirmed_by);
    Ok(signoff)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_as_sent() {
        assert_eq!(count("", 5, "人数").unwrap(), 0);
        assert_eq!(count("5", 5, "人数").unwrap(), 5);
        for bad in ["6", "-1", "x", " 1", "1.0"] {
            assert!(
                matches!(count(bad, 5, "人数"), Err(OfficeError::Invalid(_))),
                "{bad}"
            );
        }
        assert_eq!(
            count("12345678901234", 5, "人数").unwrap_err().to_string(),
            "人数“1234567890”不是 0 至 5 的整数"
        );
    }
}
