//! Exceptions to the clauses the measures hedge (原则上, 一般; rules
//! crate `hedges`): a town's departure from one check of its yearly list,
//! for a named secretary or a count, with a written reason, approved by
//! the town's reviewer and then the city.

use super::Labelled;
use crate::{CitizenId, TownCode};

labelled! {
    /// Where an exception stands.
    ExceptionState {
        Proposed = "proposed", "待镇街审核";
        TownRefused = "town_refused", "镇街审核未同意";
        TownApproved = "town_approved", "待市级审批";
        Approved = "approved", "已批准";
        Refused = "refused", "市级未批准";
    }
}

labelled! {
    /// A move of an exception.
    ExceptionMoveKind {
        Propose = "propose", "申请例外";
        TownApprove = "town_approve", "镇街审核同意";
        TownRefuse = "town_refuse", "镇街审核不同意";
        Approve = "approve", "市级批准";
        Refuse = "refuse", "市级不批准";
    }
}

/// What an exception departs from: a named secretary's check, or a count
/// of the list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Departure {
    /// A named secretary (tenure, star rating, tier-1 stars).
    Person(CitizenId),
    /// The list may hold this many.
    ListSize(u32),
    /// Tiers 1 and 2 may hold this many each.
    TierPlaces { tier1: u32, tier2: u32 },
}

/// One exception of a town's list of a year (`seq` from 1 within it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListException {
    pub year: i32,
    pub town: TownCode,
    pub seq: u32,
    /// The hedged rule departed from (`art01.tenure`, …).
    pub rule: String,
    pub departure: Departure,
    /// The town operator's written reason.
    pub reason: String,
    pub state: ExceptionState,
    /// The last reviewer's comment ("" before any review).
    pub comment: String,
}

/// One move of an exception, in order (`step` from 1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExceptionMove {
    pub year: i32,
    pub town: TownCode,
    pub seq: u32,
    pub step: u32,
    pub kind: ExceptionMoveKind,
    pub to: ExceptionState,
    pub comment: String,
}
