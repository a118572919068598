//! Secondments and reserves in the browser (issue 5, item 3; Articles 8
//! and 9): a town's secondments of the year with their length, work logs
//! and appraisal, counted against both quotas; the reserve pool per
//! professionalized village and per other post with its shortfalls (the
//! reserves export's builder); a warning for every secretary appointed in
//! the year from outside the reserves or with less than the required time
//! in them; and the town's yearly report on training its reserves. Every
//! figure is a rules-crate decision shown with its sentence.
//!
//! Recording (`POST /reserves`): a secondment of a secretary on the
//! year's filed list, its work-log entries, the host unit's appraisal
//! once it has ended; a reserve cadre for a village of the town and a
//! post (a person of the town, or a new person by ID number), and their
//! removal; the yearly report. This module reads the form's fields and
//! picks the people; the checks and the write (one transaction a form,
//! nothing written on a refusal) are `touyan_office::reserves`', the
//! secondment quotas `touyan_reports::secondments`.
//!
//! The parts: `city.rs` the city's overview (`/reserves` with no town
//! chosen: one row per town), `town.rs` the page `/reserves` (a town's year: its tables
//! top to bottom and the forms' choices), `record.rs` the post (each
//! form's fields read, the people picked, recorded through the office).

mod city;
mod record;
mod town;

pub use record::record;
pub use town::{AppointmentLine, CoverLine, ReserveLine, ReservesQuery, SecondmentLine, show};
