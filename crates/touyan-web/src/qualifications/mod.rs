//! Qualification in the browser (issue 5, item 2; Article 7): every cadre
//! holding a two-committee post in the town's villages, whether they work
//! with a rural cadre qualification certificate (持证上岗), which required
//! courses they have still to pass, those without a college degree who
//! may apply to a degree-study class, and this year's applicants in the
//! order they are enrolled (professionalized secretaries first, the rules
//! crate's `degree_enrolment_order`).
//!
//! Recording (`POST /qualifications`), who records what being
//! `touyan_workflow::art07_qualification`'s: an exam result of a required
//! course (the town's operator), a certificate — only once every required
//! course is passed (the city administrator) — and a degree-study
//! application (the town's operator). This module reads the form's fields
//! and picks the cadre; the page's decisions, the checks and the write
//! (one transaction a form, nothing written on a refusal) are
//! `touyan_office::qualifications`'.
//!
//! The parts: `city.rs` the city's overview (`/qualifications` with no
//! town chosen: one row per town), `town.rs` the page `/qualifications` (a town's cadres,
//! degree study and its order, and the forms the user may fill in),
//! `record.rs` the post (each form's fields read, the cadre picked,
//! recorded through the office).

mod city;
mod record;
mod town;

pub use record::record;
pub use town::{CadreLine, DegreeLine, QualificationQuery, show};
