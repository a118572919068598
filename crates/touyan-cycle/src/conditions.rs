//! The answers on record to the conditions a city's policy adds, as the
//! contract's `conditions` of each secretary.

use std::borrow::Cow;
use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use touyan_records::CitizenId;
use touyan_records::model::Records;
use touyan_rules::policy::ExtraCondition;

/// Each person's answers, by condition id.
pub(crate) type Answers<'r> = FxHashMap<&'r CitizenId, BTreeMap<Cow<'r, str>, bool>>;

/// The recorded answers to `conditions` (those in force on the day), by
/// person: an answer to a condition not in force is not the cycle's (the
/// contract would refuse it). `None` when no condition is in force.
pub(crate) fn answers<'r>(r: &'r Records, conditions: &[ExtraCondition]) -> Option<Answers<'r>> {
    if conditions.is_empty() {
        return None;
    }
    let mut out: Answers<'r> = FxHashMap::default();
    for a in r
        .condition_answers
        .iter()
        .filter(|a| conditions.iter().any(|c| c.id == a.condition))
    {
        out.entry(&a.person)
            .or_default()
            .insert(Cow::Borrowed(a.condition.as_str()), a.answer);
    }
    Some(out)
}
