//! What a workbook import checks its rows against, read within the
//! importer's scope (issue 15).
//!
//! A town's import must not learn what lies outside the town: the people
//! it may name are the town's (the one definition, `TOWN_LINKS`), so a row
//! naming another town's person reads exactly as one naming nobody.
//! Keys that carry no town — a training session's code — are read for
//! every town, so that a code of another town (or of the city) is refused
//! rather than overwritten; codes are not personal data.

use std::collections::{HashMap, HashSet};

use sea_orm::Value;
use time::Date;
use touyan_records::model::{
    ListEntry, ListStatus, Person, Secondment, TrainingLevel, TrainingSession, Village,
};
use touyan_records::{CitizenId, TownCode, VillageCode};

use crate::reads::select;
use crate::scope::{Scoped, person_in_town};
use crate::sql::Query;
use crate::{Store, StoreError};

/// The keys on record an import of one scope is checked against.
#[derive(Debug, Default)]
pub struct ImportKeys {
    /// Every village code on record (division codes are public).
    pub villages: HashSet<VillageCode>,
    /// The people in scope: a town's people, or everyone for the city.
    pub people: HashSet<CitizenId>,
    /// Of a town's people, those who also hold a current place in another
    /// town (a post not ended, a reserve place not removed, a young-cadre
    /// place): their records are not the town's alone, so a town's import
    /// leaves them to the city. Empty for the city.
    pub shared: HashSet<CitizenId>,
    /// Every training session's code, level and organising town.
    pub sessions: HashMap<String, (TrainingLevel, Option<TownCode>)>,
    /// The secondments of the people in scope, by (person, start).
    pub secondments: HashMap<(CitizenId, Date), Secondment>,
    /// Filed list places in scope: (year, town, person).
    pub listed: HashSet<(i32, String, CitizenId)>,
}

impl Scoped<'_> {
    /// The keys an import by this scope is checked against.
    pub async fn import_keys(&self) -> Result<ImportKeys, StoreError> {
        let store = self.store;
        let b = store.backend;
        let mut shared = HashSet::new();
        if let Some(town) = &self.town {
            let mut q = Query::new(b);
            let mut parts = Vec::new();
            for (table, current) in [
                ("posts", "l.end_on IS NULL"),
                ("reserves", "l.removed_on IS NULL"),
                ("young_cadres", "1 = 1"),
            ] {
                let t = q.bind(town.clone());
                let ours = person_in_town(&mut q, "l.person", town);
                parts.push(format!(
                    "SELECT l.person FROM {table} l JOIN villages v ON v.code = l.village \
                     WHERE v.town_code <> {t} AND {current} AND {ours}"
                ));
            }
            q.sql = parts.join(" UNION ");
            for row in q.read_all(store).await? {
                let id: String = row.try_get_by_index(0)?;
                if let Ok(id) = CitizenId::parse(&id) {
                    shared.insert(id);
                }
            }
        }
        let (people, secondments, listed): (Vec<Person>, Vec<Secondment>, Vec<ListEntry>) =
            match &self.town {
                Some(town) => {
                    let mut q = Query::new(b);
                    let f = person_in_town(&mut q, "citizen_id", town);
                    let people = select::<Person>(store, q, &f).await?;
                    let mut q = Query::new(b);
                    let f = person_in_town(&mut q, "person", town);
                    let secondments = select::<Secondment>(store, q, &f).await?;
                    let mut q = Query::new(b);
                    let t = q.bind(town.clone());
                    let listed = select::<ListEntry>(store, q, &format!("town = {t}")).await?;
                    (people, secondments, listed)
                }
                None => (
                    store.list::<Person>().await?,
                    store.list::<Secondment>().await?,
                    store.list::<ListEntry>().await?,
                ),
            };
        Ok(ImportKeys {
            villages: store
                .list::<Village>()
                .await?
                .into_iter()
                .map(|v| v.code)
                .collect(),
            people: people.into_iter().map(|p| p.id).collect(),
            shared,
            sessions: store
                .list::<TrainingSession>()
                .await?
                .into_iter()
                .map(|s| (s.code, (s.level, s.town)))
                .collect(),
            secondments: secondments
                .into_iter()
                .map(|s| ((s.person.clone(), s.start), s))
                .collect(),
            listed: listed
                .into_iter()
                .filter(|e| e.status == ListStatus::Filed)
                .map(|e| (e.year, e.town.as_str().to_owned(), e.person))
                .collect(),
        })
    }
}

impl Store {
    /// Which of `ids` are on record anywhere. Only for deciding whether a
    /// person a town registers is new: the caller must answer a town the
    /// same whichever way this comes out, or count and audit the answer.
    pub async fn people_on_record(
        &self,
        ids: &[&CitizenId],
    ) -> Result<HashSet<CitizenId>, StoreError> {
        let mut found = HashSet::new();
        for chunk in ids.chunks(500) {
            let mut q = Query::new(self.backend);
            let marks: Vec<String> = chunk
                .iter()
                .map(|id| q.bind(Value::String(Some(id.as_str().to_owned()))))
                .collect();
            q.sql = format!(
                "SELECT citizen_id FROM people WHERE citizen_id IN ({})",
                marks.join(", ")
            );
            for row in q.read_all(self).await? {
                let id: String = row.try_get_by_index(0)?;
                if let Ok(id) = CitizenId::parse(&id) {
                    found.insert(id);
                }
            }
        }
        Ok(found)
    }
}
