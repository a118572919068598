//! The yearly plans in the browser (issue 5, item 5; Article 11): the
//! city's overview of every town's plans by state, a town's secretaries
//! with each plan's state and the missing ones flagged, and one plan with
//! its stage, the moves the user may make, the rules' reasons and the
//! history.
//!
//! This module reads the request (the year, the town, the person's
//! reference, the form's fields), calls `touyan_office::plans` and
//! renders: every state, stage and notice period, which move is allowed to
//! whom, and every write are the office's. Town roles see only their
//! town: another town's plan answers as a missing page. People are
//! addressed by their reference, never their ID number.
//!
//! The parts: `overview.rs` the page `/plans` (the city's counts per town
//! and state), `town.rs` a town's secretaries on it, `plan.rs` one plan's
//! page, `moves.rs` a move posted.

mod moves;
mod overview;
mod plan;
mod town;

pub use moves::plan_move;
pub use overview::{PlansQuery, TownCount, overview};
pub use plan::{MoveView, plan_page};
pub use town::PersonLine;

use touyan_office::By;

use crate::scope::actor;
use crate::state::User;

/// Who acts, for the office (no address: reading only).
fn by(user: &User) -> By<'_> {
    By {
        actor: actor(user),
        name: &user.username,
        origin: None,
    }
}

/// What a page says of a roster: the town's filed list or its proposal.
fn source_zh(filed: bool) -> &'static str {
    if filed {
        "已备案名单"
    } else {
        "测算建议（名单未备案）"
    }
}

/// What a page says of someone with a plan but no longer on the roster.
const OFF_ROSTER: &str = "不在本年度名单";
