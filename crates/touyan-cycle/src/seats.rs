//! Who the cycle of a year judges, village by village, before deciding
//! anything: the secretary in post on the decision date, and whether the
//! village's facts of the year before are on record. [`Index::place`] is
//! the one choice: `assemble` goes by it to build a town's input (and
//! reports the secretaries it leaves out in
//! [`TownProposal::not_judged`](crate::TownProposal::not_judged)), and
//! [`seats`] lists it for the pages that say who a proposal leaves out and
//! why (`touyan_office::year_start`).

use time::Date;
use touyan_records::model::{Person, Records, VillageYear};
use touyan_records::{CitizenId, TownCode, VillageCode};

use crate::{Gap, Index, NotJudged, as_of};

/// What the cycle does with a village.
pub(crate) enum Place<'r> {
    /// Judged on its facts: its secretary (with their continuous tenure's
    /// start), if it has one.
    Judged(Option<(&'r Person, Date)>, &'r VillageYear),
    /// Its secretary is not judged, for want of the village's facts.
    NotJudged(NotJudged),
    /// No facts and no secretary: nothing to judge, nobody left out.
    Vacant,
}

impl<'r> Index<'r> {
    /// What the cycle does with village `v`, or the data problem (two
    /// secretaries in post, a secretary without a person record) that
    /// stops the cycle.
    pub(crate) fn place(&self, v: VillageCode) -> Result<Place<'r>, String> {
        let secretary = self.secretary(v)?;
        Ok(match (self.facts.get(&v), secretary) {
            (Some(facts), secretary) => Place::Judged(secretary, facts),
            (None, Some((p, _))) => Place::NotJudged(NotJudged {
                village: v,
                person: p.id.clone(),
                why: Gap::NoVillageFacts,
            }),
            (None, None) => Place::Vacant,
        })
    }
}

impl Gap {
    /// What is missing for the cycle of `year`, with the year of the
    /// facts: "缺少 2025 年村情（星级、集体经济收入、综合考核名次）".
    pub fn sentence(self, year: i32) -> String {
        match self {
            Gap::NoVillageFacts => format!(
                "缺少 {} 年村情（星级、集体经济收入、综合考核名次）",
                year - 1
            ),
        }
    }
}

/// A secretary the cycle of a year would judge, or leaves out and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seat {
    pub town: TownCode,
    pub village: VillageCode,
    pub village_name: String,
    pub person: CitizenId,
    pub person_name: String,
    /// Why the secretary is not judged (`None`: judged).
    pub gap: Option<Gap>,
}

/// Every secretary in post on 1 January of `year` at a villagers'
/// committee of `town` (of every town on record when `None`), in town and
/// village code order, each with why the cycle leaves them out, if it
/// does ([`Index::place`], as [`run`](crate::run) goes by it). A village
/// whose secretary cannot be told (two in post, no person record) is left
/// out here: `run` refuses the whole year naming it. `records` need only
/// hold the towns, villages, secretary posts, people and village facts of
/// `year - 1`.
pub fn seats(records: &Records, year: i32, town: Option<TownCode>) -> Vec<Seat> {
    let Some(on) = as_of(year) else {
        return Vec::new();
    };
    let ix = Index::new(records, year, on, &[]);
    let mut towns: Vec<TownCode> = records
        .towns
        .iter()
        .map(|t| t.code)
        .filter(|c| town.is_none_or(|t| t == *c))
        .collect();
    towns.sort_unstable();
    towns.dedup();
    let mut out = Vec::new();
    for t in towns {
        for v in ix.villages.get(&t).into_iter().flatten() {
            let (person, gap) = match ix.place(v.code) {
                Ok(Place::Judged(Some((p, _)), _)) => (p, None),
                Ok(Place::NotJudged(n)) => match ix.people.get(&n.person) {
                    Some(p) => (*p, Some(n.why)),
                    None => continue,
                },
                Ok(Place::Judged(None, _) | Place::Vacant) | Err(_) => continue,
            };
            out.push(Seat {
                town: t,
                village: v.code,
                village_name: v.name.clone(),
                person: person.id.clone(),
                person_name: person.name.clone(),
                gap,
            });
        }
    }
    out
}
