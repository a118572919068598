//! The town's answers to the inclusion conditions a city's policy adds
//! (`[[conditions]]`, Article 1).

use time::Date;

use crate::CitizenId;

/// A town's yes/no answer for one person to one condition the city's
/// policy adds (by the condition's `id` in the policy file). One answer
/// per person and condition: recording again replaces it (the change log
/// keeps the earlier ones), and the answer on record is the one that
/// applies, from the condition's own effective date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConditionAnswer {
    pub person: CitizenId,
    /// The condition's `id` in the policy file.
    pub condition: String,
    /// `true`: the person meets the condition.
    pub answer: bool,
    /// The day the town recorded the answer.
    pub recorded_on: Date,
    /// What the answer rests on (may be empty).
    pub note: String,
}
