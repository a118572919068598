//! Exits in the browser (issue 5, item 8; the inferred Article 14): for a
//! town's year, each secretary on the filed list whom a ground applies to
//! (over the age limit, no longer secretary — the rules crate's
//! `art14_exit_inferred`), the exits on record, and recording an exit with
//! its reason and date (the town's reviewer; exits after a failed
//! evaluation are recorded where the evaluation's case is confirmed).
//! This module reads the form's fields and picks the secretary; the
//! grounds, the checks and the write are `touyan_office::exits`'.
//!
//! The parts: `city.rs` the city's overview (`/exits` with no town
//! chosen: one row per town), `town.rs` the page `/exits` (a town's listed secretaries
//! with the grounds that apply and their exits), `record.rs` the post (an
//! exit recorded through the office, the page again on a refusal).

mod city;
mod record;
mod town;

pub use record::record;
pub use town::{ExitsQuery, ListedLine, show};
