//! Training in the browser (issue 5, item 2; Article 6): a town's year —
//! each professionalized secretary's compliance against the minimums with
//! what is still missing (the same builder as the training export), the
//! sessions of the year, recording a session and its attendance (study
//! reflections filed, poor results), and the admonition and make-up study
//! a poor result calls for. Who records what is
//! `touyan_workflow::art06_training`'s. This module reads the form's
//! fields and picks the people; the compliance figures
//! (`touyan_office::figures::training`), the sessions and follow-ups
//! shown, the checks and the write (one transaction a form, nothing
//! written on a refusal) are `touyan_office::training`'s.
//!
//! The parts: `city.rs` the city's overview (`/training` with no town
//! chosen: one row per town), `town.rs` the page `/training` (a town's year: compliance,
//! sessions, follow-ups, and the forms the user may fill in),
//! `record.rs` the post (each form's fields read, the people picked,
//! recorded through the office).

mod city;
mod record;
mod town;

pub use record::record;
pub use town::{ComplianceLine, FollowUpLine, SessionLine, TrainingQuery, show};
