//! The half-yearly competency evaluation (Article 12): a town's half as
//! its page shows it, opening, closing with the tally and the cases the
//! rates open, and a case followed to its end.
//!
//! Which move is allowed is `touyan_workflow::art12_evaluation` alone
//! (`check_move`, `check_case`); the rate is the rules crate's
//! `art12_competency::competency`, the case it opens the workflow's
//! `case_for`. Closing ([`close`]) tallies every rater group's ballots —
//! the codes' votes and the paper counts once the reviewer confirmed
//! them — decides each listed secretary's rate as of the closing day
//! ([`when::closing_day`]) and writes the state, the ballots and the
//! cases in one transaction (`Store::close_evaluation`, which refuses
//! when votes were cast or the paper counts changed since the tally).
//!
//! The forms of the raters, the paper counts and the voting codes are
//! still read and written by the web (`evaluations/codes.rs`), after
//! [`check`].

use std::collections::HashMap;

use time::Date;
use touyan_records::model::{
    Admonition, Ballots, CaseState, EvalCase, EvalSignoff, EvalState, Evaluation, Exit, ExitReason,
    Labelled, PaperCount, RaterCount, RaterGroup, SignPart, SignState,
};
use touyan_records::{CitizenId, TownCode};
use touyan_rules::art12_competency::{self, Competency};
use touyan_rules::{Decision, Params, Policy};
use touyan_storage::{Closing, CodeCount, IssuedBatch, ListedPerson, Store, StoreError, Tally};
use touyan_workflow::Actor;
use touyan_workflow::art12_evaluation::{self as flow, CaseMove, EvalMove, Room, Sign, Stage};

use crate::{By, OfficeError, when};

/// The longest note a case's end keeps (characters; the rest is cut).
pub const MAX_NOTE: usize = 500;

/// A town's evaluation of a half year as its page shows it: the
/// evaluation, its sign-offs, raters, codes, paper counts, the ballots
/// stored at closing (none before) and the cases.
pub struct TownHalf {
    pub year: i32,
    /// 1: January to June, 2: July to December.
    pub half: u8,
    pub town: TownCode,
    pub eval: Option<Evaluation>,
    pub signoffs: Vec<EvalSignoff>,
    pub raters: Vec<RaterCount>,
    pub batches: Vec<IssuedBatch>,
    /// The year's filed list of the town: who is evaluated.
    pub listed: Vec<ListedPerson>,
    pub counts: Vec<CodeCount>,
    pub paper: Vec<PaperCount>,
    /// Read only once the results are visible (closed).
    pub ballots: Vec<Ballots>,
    pub cases: Vec<EvalCase>,
}

impl TownHalf {
    /// The evaluation's state (`None`: not opened yet).
    pub fn current(&self) -> Option<EvalState> {
        self.eval.as_ref().map(|e| e.state)
    }

    pub fn signoff(&self, part: SignPart) -> Option<&EvalSignoff> {
        self.signoffs.iter().find(|s| s.part == part)
    }

    /// Where the evaluation stands, as the workflow reads it.
    pub fn stage(&self) -> Stage<'_> {
        let sign = |part| {
            self.signoff(part).map(|s| Sign {
                state: s.state,
                by: s.entered_by.as_str(),
            })
        };
        Stage {
            state: self.current(),
            raters: sign(SignPart::Raters),
            paper: sign(SignPart::Paper),
        }
    }

    /// What one secretary's group has used of its confirmed raters.
    pub fn room(&self, person: &CitizenId, group: RaterGroup) -> Room {
        Room {
            eligible: self
                .raters
                .iter()
                .find(|r| r.person == *person && r.group == group)
                .map(|r| r.eligible),
            issued: self
                .counts
                .iter()
                .find(|c| c.person == *person && c.group == group)
                .map_or(0, |c| c.issued),
            paper: self
                .paper
                .iter()
                .find(|p| p.person == *person && p.group == group)
                .map_or(0, |p| p.competent + p.basically_competent + p.not_competent),
        }
    }

    /// The moves `actor`, signed in as `user`, could make now (the
    /// buttons and forms a page shows).
    pub fn moves_for(&self, actor: &Actor<'_>, user: &str) -> Vec<EvalMove> {
        flow::moves_for(actor, user, self.town.as_str(), &self.stage())
    }

    /// A secretary's ballots of one group as stored at closing (none:
    /// zero).
    pub fn ballots(&self, person: &CitizenId, group: RaterGroup) -> art12_competency::Ballots {
        self.ballots
            .iter()
            .find(|b| b.person == *person && b.group == group)
            .map_or(
                art12_competency::Ballots {
                    competent: 0,
                    basically_competent: 0,
                    not_competent: 0,
                },
                |b| art12_competency::Ballots {
                    competent: b.competent,
                    basically_competent: b.basically_competent,
                    not_competent: b.not_competent,
                },
            )
    }

    /// A secretary's rate from the stored ballots of the Party members
    /// and the public representatives (`None`: no ballots).
    pub fn rate(&self, p: &Params, person: &CitizenId) -> Option<Decision<Competency, Competency>> {
        art12_competency::competency(
            p,
            self.ballots(person, RaterGroup::PartyMembers),
            self.ballots(person, RaterGroup::PublicReps),
        )
    }

    /// The parameters the rates are decided with: in force on the
    /// closing day (`today` while not closed).
    pub fn params(&self, policy: &Policy, today: Date) -> Result<Params, OfficeError> {
        let day = when::closing_day(self.eval.as_ref().and_then(|e| e.closed_on), today);
        when::params_on(policy, day)
    }
}

/// `town`'s evaluation of `year`'s `half` as it stands.
pub async fn town_half(
    store: &Store,
    year: i32,
    half: u8,
    town: TownCode,
) -> Result<TownHalf, OfficeError> {
    let eval = store.evaluation(year, half, town).await?;
    let listed = store.filed_names(year, town).await?;
    let ballots = if flow::results_visible(eval.as_ref().map(|e| e.state)) {
        store.ballots_of(year, half, town).await?
    } else {
        Vec::new()
    };
    Ok(TownHalf {
        year,
        half,
        town,
        signoffs: store.eval_signoffs(year, half, town).await?,
        raters: store.rater_counts(year, half, town).await?,
        batches: store.code_batches(year, half, town).await?,
        counts: store.code_counts(year, half, town).await?,
        paper: store.paper_counts(year, half, town).await?,
        cases: store.eval_cases(year, half, town).await?,
        eval,
        listed,
        ballots,
    })
}

/// The state a page was showing, by its code (`"none"`: not opened);
/// `None` for a code no state has.
pub fn seen_state(code: &str) -> Option<Option<EvalState>> {
    if code == "none" {
        return Some(None);
    }
    EvalState::ALL
        .iter()
        .find(|s| s.code() == code)
        .map(|s| Some(*s))
}

/// Whether `by` may make `mv` on `th` now (the workflow's scope, role,
/// state and sign-off checks), and the evaluation is still in the state
/// the user saw (`seen`). The evaluation's state after the move.
pub fn check(
    by: &By<'_>,
    th: &TownHalf,
    mv: EvalMove,
    seen: Option<Option<EvalState>>,
) -> Result<EvalState, OfficeError> {
    let to = flow::check_move(&by.actor, by.name, th.town.as_str(), &th.stage(), mv)?;
    if seen != Some(th.current()) {
        return Err(OfficeError::Conflict(
            "评价已被他人处理，状态已经改变，请核对后重新办理".into(),
        ));
    }
    Ok(to)
}

/// A refusal by the store of a change someone else made first.
fn conflict(e: StoreError) -> OfficeError {
    match e {
        StoreError::Invalid(m) => OfficeError::Conflict(m),
        e => e.into(),
    }
}

/// Opens `th`'s evaluation on `today`, by `by` (the town's operator).
pub async fn open(
    store: &Store,
    by: By<'_>,
    th: &TownHalf,
    seen: Option<Option<EvalState>>,
    today: Date,
) -> Result<Evaluation, OfficeError> {
    check(&by, th, EvalMove::Open, seen)?;
    let e = Evaluation {
        year: th.year,
        half: th.half,
        town: th.town,
        state: EvalState::Open,
        opened_on: today,
        closed_on: None,
    };
    store
        .open_evaluation(by.name, by.origin, &e)
        .await
        .map_err(conflict)?;
    Ok(e)
}

/// What closing `th` writes, from the votes cast with codes (`votes`,
/// per secretary and group): every group's ballots (the votes and the
/// paper counts together; paper counts count only once confirmed — the
/// workflow refuses to close while they await confirmation) and the case
/// each listed secretary's rate opens under `p`.
pub fn tally(th: &TownHalf, p: &Params, votes: &[(CitizenId, RaterGroup, Tally)]) -> Closing {
    let paper_version = th
        .signoff(SignPart::Paper)
        .filter(|s| s.state == SignState::Confirmed)
        .map(|s| s.version);
    let paper: &[PaperCount] = if paper_version.is_some() {
        &th.paper
    } else {
        &[]
    };
    let mut closing = Closing {
        paper_version,
        votes: votes
            .iter()
            .map(|(_, _, t)| {
                u64::from(t.competent)
                    + u64::from(t.basically_competent)
                    + u64::from(t.not_competent)
            })
            .sum(),
        ..Closing::default()
    };
    for l in &th.listed {
        let mut of = HashMap::new();
        for &g in RaterGroup::ALL {
            let p = paper.iter().find(|p| p.person == l.person && p.group == g);
            let t = votes
                .iter()
                .find(|(p, x, _)| *p == l.person && *x == g)
                .map(|t| &t.2);
            let b = art12_competency::Ballots {
                competent: p.map_or(0, |p| p.competent) + t.map_or(0, |t| t.competent),
                basically_competent: p.map_or(0, |p| p.basically_competent)
                    + t.map_or(0, |t| t.basically_competent),
                not_competent: p.map_or(0, |p| p.not_competent) + t.map_or(0, |t| t.not_competent),
            };
            of.insert(g, b);
            if b.total() > 0 {
                closing.ballots.push(Ballots {
                    person: l.person.clone(),
                    year: th.year,
                    half: th.half,
                    group: g,
                    competent: b.competent,
                    basically_competent: b.basically_competent,
                    not_competent: b.not_competent,
                });
            }
        }
        let get = |g: RaterGroup| {
            of.get(&g).copied().unwrap_or(art12_competency::Ballots {
                competent: 0,
                basically_competent: 0,
                not_competent: 0,
            })
        };
        if let Some((kind, reason)) = flow::case_for(
            p,
            get(RaterGroup::PartyMembers),
            get(RaterGroup::PublicReps),
        ) {
            closing.cases.push(EvalCase {
                year: th.year,
                half: th.half,
                person: l.person.clone(),
                town: th.town,
                kind,
                state: CaseState::Open,
                reason,
                note: String::new(),
                done_on: None,
            });
        }
    }
    closing
}

/// Closes `th`'s evaluation on `today`, by `by` (the town's reviewer):
/// the votes tallied with the confirmed paper counts ([`tally`]), the
/// rates decided under the parameters in force on the closing day, the
/// state, ballots and cases written in one transaction. Returns what was
/// written.
pub async fn close(
    store: &Store,
    by: By<'_>,
    policy: &Policy,
    th: &TownHalf,
    seen: Option<Option<EvalState>>,
    today: Date,
) -> Result<Closing, OfficeError> {
    check(&by, th, EvalMove::Close, seen)?;
    let params = when::params_on(policy, when::closing_day(None, today))?;
    let votes = store.code_tallies(th.year, th.half, th.town).await?;
    let closing = tally(th, &params, &votes);
    let mut e = th.eval.clone().unwrap_or(Evaluation {
        year: th.year,
        half: th.half,
        town: th.town,
        state: EvalState::Open,
        opened_on: today,
        closed_on: None,
    });
    e.state = EvalState::Closed;
    e.closed_on = Some(today);
    store
        .close_evaluation(by.name, by.origin, &e, &closing)
        .await
        .map_err(conflict)?;
    Ok(closing)
}

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
        return Err(OfficeError::Invalid(
            "日期应为 YYYY-MM-DD，且不晚于今天".into(),
        ));
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

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;
    use touyan_records::model::CaseKind;

    fn id(n: u8) -> CitizenId {
        // Valid GB 11643 numbers: the check digit computed here.
        let body = format!("37078319800101{:03}", n);
        let w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        let s: u32 = body
            .bytes()
            .zip(w)
            .map(|(b, w)| u32::from(b - b'0') * w)
            .sum();
        let c = b"10X98765432"[(s % 11) as usize] as char;
        CitizenId::parse(&format!("{body}{c}")).unwrap()
    }

    fn listed(person: CitizenId) -> ListedPerson {
        ListedPerson {
            person,
            name: "某".into(),
            village: "370783100201".into(),
            village_name: "某村".into(),
            tier: 3,
        }
    }

    fn half(paper: Option<SignState>) -> TownHalf {
        let town = TownCode::parse("370783100").unwrap();
        TownHalf {
            year: 2025,
            half: 1,
            town,
            eval: Some(Evaluation {
                year: 2025,
                half: 1,
                town,
                state: EvalState::Open,
                opened_on: date!(2025 - 03 - 01),
                closed_on: None,
            }),
            signoffs: paper
                .map(|state| EvalSignoff {
                    year: 2025,
                    half: 1,
                    town,
                    part: SignPart::Paper,
                    state,
                    version: 2,
                    entered_by: "经办".into(),
                    confirmed_by: "审核".into(),
                })
                .into_iter()
                .collect(),
            raters: Vec::new(),
            batches: Vec::new(),
            listed: vec![listed(id(1)), listed(id(2)), listed(id(3))],
            counts: Vec::new(),
            paper: vec![PaperCount {
                year: 2025,
                half: 1,
                town,
                person: id(1),
                group: RaterGroup::PublicReps,
                competent: 1,
                basically_competent: 0,
                not_competent: 1,
            }],
            ballots: Vec::new(),
            cases: Vec::new(),
        }
    }

    fn t(c: u32, b: u32, n: u32) -> Tally {
        Tally {
            competent: c,
            basically_competent: b,
            not_competent: n,
        }
    }

    #[test]
    fn closing_adds_confirmed_paper_to_the_votes_and_opens_cases() {
        let p = Policy::example().resolve(date!(2025 - 06 - 30)).unwrap();
        let th = half(Some(SignState::Confirmed));
        // Person 1: Party members 8 + 1 basically, 0 against by code;
        // public 1 + 1 by paper: 10 of 11 pass = 90.9%, no case.
        // Person 2: 17 of 20 = 85%: below 90%, an interview.
        // Person 3: no ballots at all: nothing written, no case.
        let votes = vec![
            (id(1), RaterGroup::PartyMembers, t(8, 1, 0)),
            (id(2), RaterGroup::PartyMembers, t(10, 7, 3)),
        ];
        let c = tally(&th, &p, &votes);
        assert_eq!(c.paper_version, Some(2));
        assert_eq!(c.votes, 29);
        let of = |n: u8, g| {
            c.ballots
                .iter()
                .find(|b| b.person == id(n) && b.group == g)
                .map(|b| (b.competent, b.basically_competent, b.not_competent))
        };
        assert_eq!(of(1, RaterGroup::PartyMembers), Some((8, 1, 0)));
        assert_eq!(of(1, RaterGroup::PublicReps), Some((1, 0, 1)));
        assert_eq!(of(2, RaterGroup::PartyMembers), Some((10, 7, 3)));
        assert_eq!(c.ballots.len(), 3);
        assert_eq!(c.cases.len(), 1);
        assert_eq!(c.cases[0].person, id(2));
        assert_eq!(c.cases[0].kind, CaseKind::Interview);
        assert!(
            c.cases[0].reason.contains("第十二条"),
            "{}",
            c.cases[0].reason
        );
    }

    #[test]
    fn unconfirmed_paper_is_not_counted() {
        let p = Policy::example().resolve(date!(2025 - 06 - 30)).unwrap();
        let th = half(None);
        let c = tally(&th, &p, &[]);
        assert_eq!(c.paper_version, None);
        assert_eq!(c.votes, 0);
        assert!(c.ballots.is_empty() && c.cases.is_empty());
        // Paper alone, confirmed: 1 of 2 = 50%, below 80%: an exit.
        let c = tally(&half(Some(SignState::Confirmed)), &p, &[]);
        assert_eq!(c.cases.len(), 1);
        assert_eq!(c.cases[0].kind, CaseKind::Exit);
    }

    #[test]
    fn seen_states() {
        assert_eq!(seen_state("none"), Some(None));
        assert_eq!(seen_state("closed"), Some(Some(EvalState::Closed)));
        assert_eq!(seen_state("?"), None);
    }
}
