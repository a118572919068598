//! The half-yearly competency evaluation (Article 12): a town's half as
//! its page shows it, and every move of it — opening; the raters the
//! operator declares, the paper counts the operator enters and the
//! reviewer's confirmation of each ([`entries`]); the voting codes issued
//! within the confirmed raters and the votes cast with them ([`codes`]),
//! a batch's standing and its unused codes issued again ([`batches`]);
//! closing with the tally and the cases the rates open ([`closing`]); a
//! case followed to its end ([`cases`]).
//!
//! Which move is allowed is `touyan_workflow::art12_evaluation` alone
//! (`check_move`, `check_case`, and `check_declared`, `check_paper` and
//! `check_codes` for what the confirmed raters leave room for); the rate
//! is the rules crate's `art12_competency::competency`, the case it opens
//! the workflow's `case_for`. Each move checks the workflow first, then
//! that the evaluation is still in the state the user saw ([`check`]),
//! then what was asked for, and writes in one transaction; nothing is
//! written on a refusal. Closing ([`close`]) decides each listed
//! secretary's rate as of the closing day ([`when::closing_day`]) and
//! writes the state, the ballots and the cases together
//! (`Store::close_evaluation`, which refuses when votes were cast or the
//! paper counts changed since the tally).
//!
//! The adapters read the forms' fields — each secretary by their own
//! reference, the counts as sent (read here, so that the first thing
//! wrong, in the page's order, is what is refused) — and bring the
//! voting codes' randomness as they bring the date ([`NewCode`]). What a
//! page may show is said here too: the results only once closed
//! ([`TownHalf::results_visible`]), the moves and case moves its user may
//! make. The move types are the workflow's, re-exported.

use time::Date;
use touyan_records::model::{
    Ballots, CaseState, EvalCase, EvalSignoff, EvalState, Evaluation, Exit, Labelled, PaperCount,
    RaterCount, RaterGroup, SignPart,
};
use touyan_records::{CitizenId, TownCode};
use touyan_rules::art12_competency::{self, Competency};
use touyan_rules::{Decision, Params, Policy};
use touyan_storage::{CodeCount, EvaluationRefusal, IssuedBatch, ListedPerson, Store, StoreError};
use touyan_workflow::Actor;
use touyan_workflow::art12_evaluation::{self as flow, Sign, Stage};

use crate::{By, OfficeError, when};

pub mod batches;
pub mod cases;
pub mod closing;
pub mod codes;
pub mod entries;

pub use batches::{BatchStanding, ask_reissue, batch};
pub use cases::{CONFIRMED_NO_EXIT, DAY_WANTED, MAX_NOTE, end_case};
pub use closing::{close, tally};
pub use codes::{
    Ballot, CodesAsked, IssuedCode, MAX_CODES, NewCode, VOTER, ask_codes, ballot, issue_codes, vote,
};
pub use entries::{MAX_PAPER, MAX_RATERS, confirm, declare_raters, enter_paper};
pub use touyan_workflow::art12_evaluation::{CaseMove, EvalMove, Room};

/// Whether a rater group's ballots decide the rate (Party members and
/// public representatives): the groups whose eligible raters are declared
/// and for which codes are issued.
pub fn counted(group: RaterGroup) -> bool {
    flow::COUNTED.contains(&group)
}

/// Article 12's citation ("第十二条"), for a page that states the rule.
pub fn citation() -> String {
    art12_competency::COMPETENCY.citation()
}

/// "第1村村委会 周九": a listed secretary as refusals name them.
fn who(l: &ListedPerson) -> String {
    format!("{} {}", l.village_name, l.name)
}

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
    /// The codes voided when a batch was issued again: (batch, group,
    /// how many), batches with none left out.
    pub voided: Vec<(u32, RaterGroup, u32)>,
    /// The year's filed list of the town: who is evaluated.
    pub listed: Vec<ListedPerson>,
    pub counts: Vec<CodeCount>,
    pub paper: Vec<PaperCount>,
    /// Read only once the results are visible (closed).
    pub ballots: Vec<Ballots>,
    pub cases: Vec<EvalCase>,
    /// The exits for a failed evaluation on record of the people with a
    /// case (what confirming a case wrote; [`TownHalf::case_state`]).
    pub case_exits: Vec<Exit>,
}

impl TownHalf {
    /// The names of who signed off and issued the codes, for a page
    /// (read apart from [`town_half`], which the to-do list reads for
    /// every open evaluation and which needs no names).
    pub async fn signers(&self, store: &Store) -> Result<crate::signers::Signers, OfficeError> {
        let by: Vec<&str> = self
            .signoffs
            .iter()
            .flat_map(|s| [s.entered_by.as_str(), s.confirmed_by.as_str()])
            .chain(self.batches.iter().map(|b| b.by.as_str()))
            .filter(|u| !u.is_empty())
            .collect();
        crate::signers::of(store, &by).await
    }

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

    /// Whether the votes and counts may be shown: only once the
    /// evaluation is closed.
    pub fn results_visible(&self) -> bool {
        flow::results_visible(self.current())
    }

    /// A secretary's ballots of one group as stored at closing, as
    /// competent, basically competent and not competent (none: zeros).
    pub fn ballot_counts(&self, person: &CitizenId, group: RaterGroup) -> [u32; 3] {
        let b = self.ballots(person, group);
        [b.competent, b.basically_competent, b.not_competent]
    }

    /// What a page shows of a secretary's ballots of one group: the
    /// [`TownHalf::ballot_counts`] once the results are visible, nothing
    /// before.
    pub fn result(&self, person: &CitizenId, group: RaterGroup) -> Option<[u32; 3]> {
        self.results_visible()
            .then(|| self.ballot_counts(person, group))
    }

    /// The case of the secretary whom `names` picks (the adapter's
    /// reference), or why not.
    pub fn case(&self, names: impl Fn(&CitizenId) -> bool) -> Result<EvalCase, OfficeError> {
        self.cases
            .iter()
            .find(|c| names(&c.person))
            .cloned()
            .ok_or_else(|| OfficeError::Invalid("没有找到该事项".into()))
    }

    /// Where `case` stands, as pages and the result sheet say it: its
    /// state's label, except a case confirmed without an exit — the
    /// policy in force on the day it was confirmed made no exit of a
    /// failed evaluation (`exit.on_failed_evaluation`), so no exit is on
    /// record for that day — which reads [`CONFIRMED_NO_EXIT`].
    pub fn case_state(&self, case: &EvalCase) -> &'static str {
        let exited = || {
            self.case_exits
                .iter()
                .any(|x| x.person == case.person && Some(x.on) == case.done_on)
        };
        if case.state == CaseState::Confirmed && !exited() {
            CONFIRMED_NO_EXIT
        } else {
            case.state.label()
        }
    }

    /// The moves `by` could make on `case` now (its page's buttons).
    pub fn case_moves(&self, by: &By<'_>, case: &EvalCase) -> Vec<CaseMove> {
        flow::case_moves_for(&by.actor, self.town.as_str(), case.kind, case.state)
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
        voided: store.voided_codes(year, half, town).await?,
        counts: store.code_counts(year, half, town).await?,
        paper: store.paper_counts(year, half, town).await?,
        cases: store.eval_cases(year, half, town).await?,
        case_exits: store.case_exits(year, half, town).await?,
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

/// A refusal by the store of a change someone else made first, or that
/// the evaluation's records no longer allow, worded for people.
fn conflict(e: StoreError) -> OfficeError {
    match e {
        StoreError::Evaluation(r) => OfficeError::Conflict(refusal_text(r)),
        StoreError::Invalid(m) => OfficeError::Conflict(m),
        e => e.into(),
    }
}

/// What the store's refusal of an evaluation's write says to people
/// (Article 12's order of work).
pub fn refusal_text(r: EvaluationRefusal) -> String {
    use EvaluationRefusal as R;
    match r {
        R::NotOpen => "本次评价已经结束或尚未开始，不能再录入或投票；请刷新页面".into(),
        R::AlreadyOpen => "本镇街该半年的评价已经开始，请刷新页面".into(),
        R::PaperUnconfirmed => "纸质票尚未经镇街审核确认或已被修改，未经确认的纸质票不计入评价结果（第十二条）；请刷新页面".into(),
        R::VotedSinceTally => "计票后又有新的投票，请刷新页面后重新结束评价".into(),
        R::CaseMoved => "该事项已被他人办理，请刷新页面".into(),
        R::RatersUnconfirmed => "评价人数尚未经镇街审核确认（或已重新申报），不能生成投票码或录入纸质票（第十二条）；请刷新页面".into(),
        R::OverRaters => "投票码和纸质票合计超过了经镇街审核确认的评价人数，每名评价人只能投一票（第十二条）；请刷新页面后核对".into(),
        R::BelowUsed => "申报的评价人数少于已发投票码和已录纸质票的合计（第十二条）；请刷新页面后核对".into(),
        R::SignoffMoved(part) => format!("{}已被修改或已经确认，请刷新页面后核对", part.label()),
        R::OwnEntry(part) => format!("{}由您本人录入，录入人不能自己确认（第十二条）", part.label()),
        R::BatchChanged => "这一批投票码刚刚有人投票，或已经重新生成过，请刷新页面后核对".into(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seen_states() {
        assert_eq!(seen_state("none"), Some(None));
        assert_eq!(seen_state("closed"), Some(Some(EvalState::Closed)));
        assert_eq!(seen_state("?"), None);
    }

    #[test]
    fn counted_groups() {
        assert!(counted(RaterGroup::PartyMembers) && counted(RaterGroup::PublicReps));
        assert!(!counted(RaterGroup::LiaisonCadres) && !counted(RaterGroup::TownCommittee));
        assert_eq!(citation(), "第十二条");
    }
}
