//! The city's overview of the young-cadre programme (优才计划, Article
//! 10): each town's administrative villages, its cap, the places held,
//! who waits to be selected, for the city's filing or its decision on an
//! extension, who is filed, and the exits of the year — one row per town,
//! counted by the same [`YoungTown`] methods as the town's page.

use time::Date;
use touyan_records::TownCode;
use touyan_records::model::{Programme, Records, YoungState};
use touyan_rules::Params;
use touyan_storage::Store;

use crate::OfficeError;
use crate::young::YoungTown;

/// A town's programme in figures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    pub town: TownCode,
    /// Administrative villages (villagers' committees), the cap's base.
    pub villages: u32,
    /// The cap (Article 10).
    pub cap: u32,
    /// Cadres holding one of the cap's places on the day.
    pub places: usize,
    /// Candidates scored for the year, not selected.
    pub waiting: usize,
    /// Selected by the town, waiting for the city's filing.
    pub awaiting_filing: usize,
    /// Extensions proposed, waiting for the city.
    pub awaiting_extension: usize,
    /// Filed by the city (an extension proposed or granted included).
    pub filed: usize,
    /// Exits from the programme dated in the year.
    pub exits: usize,
}

impl YoungTown {
    /// The town's programme in figures on `today` under `params` (the
    /// month's), as its page counts them.
    pub fn summary(&self, params: &Params, today: Date) -> Summary {
        let states: Vec<Option<YoungState>> =
            self.people().into_iter().map(|id| self.state(id)).collect();
        let count =
            |f: &dyn Fn(YoungState) -> bool| states.iter().flatten().filter(|s| f(**s)).count();
        Summary {
            town: self.town,
            villages: self.villages(),
            cap: self.cap(params).outcome,
            places: self.places(params, today).len(),
            waiting: self
                .candidates
                .iter()
                .filter(|c| c.state == YoungState::Candidate && c.year == self.year)
                .count(),
            awaiting_filing: count(&|s| s == YoungState::Selected),
            awaiting_extension: count(&|s| s == YoungState::ExtensionProposed),
            filed: count(&|s| {
                matches!(
                    s,
                    YoungState::Filed | YoungState::ExtensionProposed | YoungState::Extended
                )
            }),
            exits: self
                .young
                .exits
                .iter()
                .filter(|x| x.programme == Programme::Young && x.on.year() == self.year)
                .count(),
        }
    }
}

/// What the figures read of a town: its young cadres with their people,
/// exits and settings, and its candidates — not its posts, reserves or
/// moves, which the figures do not use.
async fn programme(store: &Store, year: i32, town: TownCode) -> Result<YoungTown, OfficeError> {
    Ok(YoungTown {
        town,
        year,
        young: store.young_records(year, town).await?,
        records: Records::default(),
        candidates: store.young_candidates(town).await?,
        moves: Vec::new(),
        signers: crate::signers::Signers::default(),
    })
}

/// The city's overview of the programme in `year` on `today`: each of
/// `towns` (those the reader sees, in their order) in figures under
/// `params` (the month's), each town's programme read once.
pub async fn city_overview(
    store: &Store,
    params: &Params,
    year: i32,
    today: Date,
    towns: &[TownCode],
) -> Result<Vec<Summary>, OfficeError> {
    let mut out = Vec::with_capacity(towns.len());
    for town in towns {
        out.push(programme(store, year, *town).await?.summary(params, today));
    }
    Ok(out)
}
