//! Young cadres in the browser (issue 5, item 4; Article 10): a town's
//! young cadres against the 30% cap, each one's age against the limit
//! (and the extension an excellent cadre who ages out may have), and the
//! month's pay from the reference salary, factor and subsidies with "keeps
//! the higher pay" shown (the young-cadre export's builder).
//!
//! The selection (`POST /young`), each move decided by
//! `touyan_workflow::art10_young`: the town's operator scores candidates
//! (two-committee cadres other than secretaries, within the age limit),
//! the town's reviewer selects them within the cap (a place on the
//! programme, `young_cadres`, not yet filed), the city files or returns
//! them; for a filed cadre past the age limit the reviewer proposes an
//! extension after the town's review and the city grants or declines it.
//! Cadres on the programme by import without a candidate row stand as
//! selected (not yet filed) or filed.
//!
//! The parts: `city.rs` the city's overview (`/young` with no town
//! chosen: one row per town), `town.rs` the page `/young` (a town's cadres on the
//! programme with their age, extension, reserve pool and pay),
//! `candidates.rs` the selection on it (candidates and cadres with the
//! moves the user may make, the selection order, the history, who may be
//! scored), `record.rs` the post (a score or a move). What they share is
//! here: the month asked for, and a read's failure.

mod candidates;
mod city;
mod record;
mod town;

pub use candidates::{CandidateLine, MoveButton, MoveLine};
pub use record::record;
pub use town::{YoungLine, YoungQuery, show};

use time::Date;
use touyan_office::OfficeError;
use touyan_reports as reports;

use crate::state::{AppState, Failure};

fn month_of(st: &AppState, asked: Option<&str>) -> Option<Date> {
    match asked.map(str::trim).filter(|s| !s.is_empty()) {
        None => st.today().replace_day(1).ok(),
        Some(s) => reports::parse_month(s),
    }
}

/// A read's failure as the page's internal error.
fn failure(e: OfficeError) -> Failure {
    match e {
        OfficeError::Store(e) => e.into(),
        e => Failure::Internal(e.to_string()),
    }
}
