//! Training compliance.

use rust_decimal::Decimal;
use std::collections::HashMap;
use touyan_records::model::{Records, TrainingLevel};
use touyan_records::{CitizenId, TownCode};
use touyan_rules::art06_training::Level;
use touyan_rules::{Params, art06_training};

use crate::{Index, Refusal, Who, count_towns, filed_entries, scope_suffix};

/// One listed secretary's training in the year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrainingRow {
    pub who: Who,
    pub city_days: Decimal,
    pub town_sessions: u32,
    pub town_days: Decimal,
    pub compliant: bool,
    /// The rule's sentence: the totals and what is missing.
    pub sentence: String,
    /// Sessions attended in the year.
    pub attended: u32,
    /// Of those, how many have no study reflection filed.
    pub reflections_missing: u32,
    /// A poor learning result in any session of the year.
    pub poor_result: bool,
}

/// Training compliance of a year's filed list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Training {
    pub year: i32,
    pub scope: String,
    /// "市级不少于 3 天；镇街不少于 2 次、7 天".
    pub standard: String,
    pub rows: Vec<TrainingRow>,
}

/// Attendance of the year's filed list, joined with the sessions that
/// start in `year`, against Article 6's minimums.
pub fn training(
    r: &Records,
    p: &Params,
    year: i32,
    town: Option<TownCode>,
) -> Result<Training, Refusal> {
    let ix = Index::new(r);
    let entries = filed_entries(r, year, town);
    if entries.is_empty() {
        return Err(Refusal(format!(
            "没有 {year} 年已备案的专业化管理名单{}，无法统计培训情况",
            scope_suffix(&ix, town)
        )));
    }
    let sessions: HashMap<&str, _> = r
        .training_sessions
        .iter()
        .filter(|s| s.start.year() == year)
        .map(|s| (s.code.as_str(), s))
        .collect();
    let mut by_person: HashMap<&CitizenId, Vec<_>> = HashMap::new();
    for a in &r.attendance {
        if let Some(s) = sessions.get(a.session.as_str()) {
            by_person.entry(&a.person).or_default().push((a, *s));
        }
    }
    let mut standard = String::new();
    let rows = entries
        .iter()
        .map(|e| {
            let mine = by_person
                .get(&e.person)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let list: Vec<art06_training::Attendance> = mine
                .iter()
                .map(|(_, s)| art06_training::Attendance {
                    level: match s.level {
                        TrainingLevel::City => Level::City,
                        TrainingLevel::Town => Level::Town,
                    },
                    days: s.days,
                })
                .collect();
            let d = art06_training::compliance(p, &list);
            if standard.is_empty() {
                let c = &d.outcome;
                standard = format!(
                    "市级集中培训不少于 {} 天；镇街集中培训不少于 {} 次、共 {} 天（{}）",
                    c.min_city_days,
                    c.min_town_sessions,
                    c.min_town_days,
                    d.rule.citation()
                );
            }
            TrainingRow {
                who: ix.who(e.village, &e.person),
                city_days: d.outcome.city_days,
                town_sessions: d.outcome.town_sessions,
                town_days: d.outcome.town_days,
                compliant: d.outcome.compliant(),
                sentence: d.sentence(),
                attended: mine.len() as u32,
                reflections_missing: mine
                    .iter()
                    .filter(|(a, _)| {
                        art06_training::reflection_outstanding(
                            true,
                            a.reflection_filed_on.is_some(),
                        )
                        .outcome
                    })
                    .count() as u32,
                poor_result: mine.iter().any(|(a, _)| {
                    art06_training::poor_results(a.poor_result).outcome
                        == art06_training::FollowUp::AdmonitionAndMakeUp
                }),
            }
        })
        .collect::<Vec<_>>();
    Ok(Training {
        year,
        scope: ix.scope(town, count_towns(entries.iter().map(|e| &e.town))),
        standard,
        rows,
    })
}
