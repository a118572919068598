//! The year start explained (Article 13's yearly adjustment, "每年年初调整
//! 一次"; issue 18, item 8): who a year's proposal leaves out and why, and
//! the village facts of the year before recorded in the browser.
//!
//! Who the cycle judges is `touyan_cycle::seats` — the very choice
//! [`crate::propose::year`] makes through `touyan_cycle::run` (the
//! secretary in post on 1 January, the village's facts of the year
//! before) — read from the few records it needs
//! (`Store::cycle_seat_records`). [`unjudged`] turns it into a sentence
//! per secretary for a town's list page, [`missing_facts`] into a count
//! per town for the city's overview; the pages only lay them out.
//!
//! A village's facts of a year (党组织星级, 集体经济收入, 综合考核得分和名次)
//! are recorded as the workbook's 村年度情况 sheet imports them: the
//! adapter reads the form as a row of the sheet (`touyan_excel::form`,
//! the import's own checks of every cell), and [`record_village_year`]
//! decides who may (`touyan_workflow::art01_13_village_facts`, the
//! sheet's rule) and writes it, audited, in place of the year's row (the
//! change log keeps the row it replaces).

use std::collections::{BTreeMap, HashSet};

use touyan_cycle::Gap;
use touyan_records::model::{Records, VillageYear};
use touyan_records::{CitizenId, TownCode, VillageCode};
use touyan_storage::{Scope, Store};
use touyan_workflow::art01_13_village_facts;

use crate::lists::TownList;
use crate::{By, OfficeError};

/// Why a secretary is not on a year's proposal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    /// The cycle of `year` cannot judge them: `gap` is missing (the
    /// village's facts of `year - 1`).
    Missing { gap: Gap, year: i32 },
    /// They would be judged now, but the stored proposal was made before
    /// the record that lets them be (a village's facts, a post).
    RecordedSince,
}

impl Why {
    /// The year whose village facts are missing, if that is why.
    pub fn facts_year(self) -> Option<i32> {
        match self {
            Why::Missing {
                gap: Gap::NoVillageFacts,
                year,
            } => Some(year - 1),
            Why::RecordedSince => None,
        }
    }

    /// Why, in Chinese.
    pub fn zh(self) -> String {
        match self {
            Why::Missing { gap, year } => format!("{}，不参与测算", gap.sentence(year)),
            Why::RecordedSince => {
                "测算后记录有变化（如补录村情、任职），重新测算建议名单后参与测算".to_owned()
            }
        }
    }
}

/// A secretary a year's proposal leaves out, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unjudged {
    pub village: VillageCode,
    pub village_name: String,
    pub person: CitizenId,
    pub person_name: String,
    pub why: Why,
}

impl Unjudged {
    /// "第3村村委会 赵六：缺少 2025 年村情（星级、集体经济收入、综合考核名次），不参与测算".
    pub fn sentence(&self) -> String {
        format!(
            "{} {}：{}",
            self.village_name,
            self.person_name,
            self.why.zh()
        )
    }
}

/// The secretaries of `town` that its proposal of `year` leaves out, in
/// village order, and why: those the cycle cannot judge, and — when a
/// proposal is stored (`list`) — those it would judge now but the stored
/// one does not (recorded since it was made). Nobody when every
/// secretary in post is on the proposal.
pub async fn unjudged(
    store: &Store,
    year: i32,
    town: TownCode,
    list: Option<&TownList>,
) -> Result<Vec<Unjudged>, OfficeError> {
    let records = store.cycle_seat_records(year, Some(town)).await?;
    let proposed: HashSet<&CitizenId> = list
        .map(|l| l.rows.iter().map(|r| &r.person).collect())
        .unwrap_or_default();
    Ok(touyan_cycle::seats(&records, year, Some(town))
        .into_iter()
        .filter_map(|s| {
            let why = match s.gap {
                Some(gap) => Why::Missing { gap, year },
                None if list.is_some() && !proposed.contains(&s.person) => Why::RecordedSince,
                None => return None,
            };
            Some(Unjudged {
                village: s.village,
                village_name: s.village_name,
                person: s.person,
                person_name: s.person_name,
                why,
            })
        })
        .collect())
}

/// How many secretaries of each town the cycle of `year` cannot judge
/// for want of their village's facts (towns with none left out).
pub async fn missing_facts(
    store: &Store,
    year: i32,
) -> Result<BTreeMap<TownCode, usize>, OfficeError> {
    let records = store.cycle_seat_records(year, None).await?;
    let mut out = BTreeMap::new();
    for s in touyan_cycle::seats(&records, year, None) {
        if s.gap.is_some() {
            *out.entry(s.town).or_default() += 1;
        }
    }
    Ok(out)
}

/// A town as the what-if page's city overview shows it: the facts the
/// page lets one change are its villages' of the year before.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TownFacts {
    pub town: String,
    pub name: String,
    /// Villagers' committees (the villages the form lists).
    pub villages: u64,
    /// Secretary posts held now.
    pub secretaries: u64,
    /// Secretaries the cycle of `year` cannot judge for want of their
    /// village's facts of the year before ([`missing_facts`]).
    pub missing: usize,
}

/// Every town `reader` sees, in code order, with its villages,
/// secretaries and the secretaries lacking last year's facts: the
/// what-if page's overview (the what-if is decided town by town). `store`
/// must be the city's (the count reads every town's seats once).
pub async fn facts_overview(
    reader: &touyan_storage::Scoped<'_>,
    store: &Store,
    year: i32,
) -> Result<Vec<TownFacts>, OfficeError> {
    let missing = missing_facts(store, year).await?;
    Ok(reader
        .town_summaries(year)
        .await?
        .into_iter()
        .map(|t| TownFacts {
            missing: TownCode::parse(&t.code)
                .ok()
                .and_then(|c| missing.get(&c).copied())
                .unwrap_or(0),
            town: t.code,
            name: t.name,
            villages: t.villages,
            secretaries: t.secretaries,
        })
        .collect())
}

/// Whether `by` may record the yearly facts of `town`'s villages (the
/// workbook's 村年度情况 sheet's rule: the city's administrator, or the
/// town's operator for its own; another town's answered as missing).
pub fn may_record(by: &By<'_>, town: &TownCode) -> Result<(), OfficeError> {
    Ok(art01_13_village_facts::may_record(
        &by.actor,
        town.as_str(),
    )?)
}

/// What recording a village's year did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recorded {
    /// The year had no row: recorded.
    New,
    /// The year's row replaced (the change log keeps it).
    Corrected,
    /// The same as on record: nothing written.
    Same,
}

/// Records `fact` (the village page's form, read as the workbook's
/// 村年度情况 row is read) as `by`: who may first ([`may_record`]), then
/// the village (one in `by`'s scope; anyone else's reads as missing),
/// then one audited write in place of the year's row.
pub async fn record_village_year(
    store: &Store,
    by: &By<'_>,
    fact: &VillageYear,
) -> Result<Recorded, OfficeError> {
    may_record(by, &fact.village.town())?;
    let scope = match by.actor.town {
        Some(t) if by.actor.role.is_town() => Scope::Town(t.to_owned()),
        _ => Scope::City,
    };
    if store
        .scoped(&scope)
        .village(fact.village.as_str())
        .await?
        .is_none()
    {
        return Err(OfficeError::NotFound);
    }
    let batch = Records {
        village_years: vec![fact.clone()],
        ..Records::default()
    };
    let applied = store
        .apply_from(by.name, by.origin, &batch)
        .await
        .map_err(OfficeError::refused)?;
    let w = applied.first().map(|a| a.written).unwrap_or_default();
    Ok(if w.inserted > 0 {
        Recorded::New
    } else if w.updated > 0 {
        Recorded::Corrected
    } else {
        Recorded::Same
    })
}
