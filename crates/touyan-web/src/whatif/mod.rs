//! What-if (模拟测算) in the browser (issue 5, item 9): change a town's
//! facts of the year before (stars, collective income, assessment rank)
//! or the policy's parameters, and see side by side which inclusion and
//! tier decisions change and why — decided by the same cycle as `touyan
//! cycle` (`touyan_cycle::run`), compared by `touyan_cycle::whatif`.
//! Nothing is written: the records are read and changed in memory only.
//!
//! The parts: `city.rs` the city's list of towns (`GET /whatif` with no
//! town chosen: the what-if is decided town by town), `form.rs` the page (`GET /whatif`: a town's facts of the
//! year before in a form; the page's lines, shared with the results),
//! `compute.rs` the post (`POST /whatif`: the form's facts and parameters
//! applied in memory, both sides decided, the changes side by side).

mod city;
mod compute;
mod form;

pub use compute::compute;
pub use form::{ChangeLine, FactLine, Side, WhatIfQuery, form};
