//! Corrections and withdrawals of recorded facts (issue 18): a training
//! session, its attendance, an exam result, a secondment, a reserve, an
//! exit, a work-record entry or a young cadre's record, corrected or
//! withdrawn by the role that records it, with a reason. Each keeps the
//! record as it read before, so the history shows every version; the
//! change log keeps the rows themselves.

use time::Date;

use crate::TownCode;

/// One correction or withdrawal of one record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Correction {
    /// The record's table (`training_sessions`, `attendance`, …).
    pub kind: String,
    /// The record's key, its key columns' values joined by `/` (as the
    /// change log writes it).
    pub key: String,
    /// The record's corrections numbered from 1.
    pub seq: u32,
    /// The town whose record it is.
    pub town: TownCode,
    /// The day it was made.
    pub on: Date,
    /// The user name of who made it.
    pub by: String,
    /// Withdrawn (the record deleted) rather than corrected.
    pub withdrawn: bool,
    pub reason: String,
    /// The record as it read before, in words.
    pub before: String,
    /// The record as it reads after, in words ("" when withdrawn).
    pub after: String,
}
