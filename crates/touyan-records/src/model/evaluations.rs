//! The half-yearly competency evaluation (Article 12): ballots, voting
//! tokens and paper counts, sign-offs, the cases it opens, admonitions.

use time::Date;

use super::Labelled;
use crate::{CitizenId, TownCode};

labelled! {
    /// A rater group of the competency evaluation (Article 12).
    RaterGroup {
        PartyMembers = "party_members", "党员";
        PublicReps = "public_reps", "群众代表";
        LiaisonCadres = "liaison_cadres", "包村干部";
        TownCommittee = "town_committee", "镇街党(工)委";
    }
}

/// One rater group's ballots for a person in a half year (Article 12).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ballots {
    pub person: CitizenId,
    pub year: i32,
    /// 1: first half, 2: second half.
    pub half: u8,
    pub group: RaterGroup,
    pub competent: u32,
    pub basically_competent: u32,
    pub not_competent: u32,
}

/// An admonition talk (约谈) and the make-up study it arranges.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Admonition {
    pub person: CitizenId,
    pub held_on: Date,
    /// The article that opened it (6: poor learning, 12: competency).
    pub article: u8,
    pub reason: String,
    pub make_up_study_done_on: Option<Date>,
}

labelled! {
    /// Where a town's half-yearly competency evaluation stands (Article 12).
    EvalState {
        Open = "open", "评价进行中";
        Closed = "closed", "评价已结束";
    }
}

labelled! {
    /// One rater's answer in a competency evaluation (Article 12).
    Choice {
        Competent = "competent", "胜任";
        Basic = "basic", "基本胜任";
        NotCompetent = "not_competent", "不胜任";
    }
}

labelled! {
    /// What an evaluation's rate opens (Article 12).
    CaseKind {
        Interview = "interview", "约谈";
        Exit = "exit", "退出专业化管理";
    }
}

labelled! {
    /// Where a case opened by an evaluation stands.
    CaseState {
        Open = "open", "待办理";
        Held = "held", "已约谈";
        Confirmed = "confirmed", "已确认退出";
        Dismissed = "dismissed", "经认定不予退出";
    }
}

/// A town's half-yearly competency evaluation (Article 12).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evaluation {
    pub year: i32,
    /// 1: first half, 2: second half.
    pub half: u8,
    pub town: TownCode,
    pub state: EvalState,
    pub opened_on: Date,
    pub closed_on: Option<Date>,
}

/// A one-time anonymous voting token: only its hash is kept; who holds it
/// is not known to the system. `used` is set once, when it votes; the
/// choice is not kept with it but only counted with the other votes of its
/// secretary and group, so nothing stored joins a code to its vote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VoteToken {
    pub token_hash: String,
    pub year: i32,
    pub half: u8,
    pub town: TownCode,
    /// The secretary it evaluates.
    pub person: CitizenId,
    pub group: RaterGroup,
    pub used: bool,
}

labelled! {
    /// What of an evaluation the town's operator enters and its reviewer
    /// confirms (Article 12).
    SignPart {
        Raters = "raters", "评价人数";
        Paper = "paper", "纸质票";
    }
}

labelled! {
    /// Where an entry awaiting a second person stands.
    SignState {
        Entered = "entered", "待审核确认";
        Confirmed = "confirmed", "已确认";
    }
}

/// The sign-off of one part of an evaluation: who entered it (the
/// operator), who confirmed it (the reviewer, another person), and its
/// version (one more at each entry, so a confirmation is of what its
/// reviewer saw).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvalSignoff {
    pub year: i32,
    pub half: u8,
    pub town: TownCode,
    pub part: SignPart,
    pub state: SignState,
    pub version: u32,
    pub entered_by: String,
    /// "" until confirmed.
    pub confirmed_by: String,
}

/// How many raters of a group may evaluate a secretary, as the town
/// declared it: codes issued and paper ballots entered together may not
/// exceed it once confirmed (Article 12).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RaterCount {
    pub year: i32,
    pub half: u8,
    pub person: CitizenId,
    pub group: RaterGroup,
    pub town: TownCode,
    pub eligible: u32,
}

/// One batch of voting codes issued for one rater group: for how many
/// secretaries, and how many codes in all (who issued it and when are the
/// row's audit columns).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeBatch {
    pub year: i32,
    pub half: u8,
    pub town: TownCode,
    /// The batch's number in the evaluation (1 for the first).
    pub seq: u32,
    pub group: RaterGroup,
    pub people: u32,
    pub codes: u32,
}

/// Paper ballots of one rater group for one secretary, as counted at the
/// evaluation meeting and entered by the town.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaperCount {
    pub year: i32,
    pub half: u8,
    pub person: CitizenId,
    pub group: RaterGroup,
    pub town: TownCode,
    pub competent: u32,
    pub basically_competent: u32,
    pub not_competent: u32,
}

/// A case an evaluation opened for a secretary, followed to its end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvalCase {
    pub year: i32,
    pub half: u8,
    pub person: CitizenId,
    pub town: TownCode,
    pub kind: CaseKind,
    pub state: CaseState,
    /// The rate and its reason, as decided at closing.
    pub reason: String,
    /// What was recorded at its end ("" while open).
    pub note: String,
    /// The day it ended (the admonition held, the exit).
    pub done_on: Option<Date>,
}
