//! The yearly list pages (issue 5, item 1; Articles 1 and 13): the city's
//! overview of every town's list, a town's list with the proposal beside
//! the town's choices and each check's reason, the moves of its review,
//! and the filing form for printing (item 7).
//!
//! Which move is allowed to whom is decided by `touyan_workflow::
//! art01_13_list` alone; what a settled list must meet by its
//! `check_draft` (the rules crate's articles). This module reads, shows and
//! writes. Town roles see only their town: another town's list answers as
//! a missing page.
//!
//! The parts: `overview.rs` the city's overview of every town's list,
//! `view.rs` a town's list as read (its rows, checks and findings),
//! `town.rs` a town's list page, `moves.rs` the proposal and the review's
//! moves (posts), `exceptions.rs` the exceptions to hedged clauses and
//! their moves, `print.rs` the filing form for printing.

mod exceptions;
mod moves;
mod overview;
mod print;
mod town;
mod view;

pub use exceptions::{ExceptionView, exception_move};
pub use moves::{ProposeForm, propose, town_move};
pub use overview::{TownLine, YearQuery, overview};
pub use print::{PrintRow, print};
pub use town::{Button, MoveView, town_page};
pub use view::{CheckView, RowView, UnjudgedView};

use touyan_records::model::{Labelled, ReviewState};
use touyan_rules::art13_pay::tier_zh;

/// The year asked for, or this year.
fn state_label(s: Option<ReviewState>) -> &'static str {
    s.map_or("未启动（仅有测算结果）", |s| s.label())
}

fn tier_text(t: Option<u8>) -> String {
    t.map_or_else(|| "不列入".to_owned(), |t| format!("{}档", tier_zh(t)))
}
