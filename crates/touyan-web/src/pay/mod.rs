//! The monthly subsidy pages (issue 5, item 6; Article 13): the city's and
//! finance's overview of every town's run, a town's run with what it pays
//! and why, its moves (computed by the town, reviewed, approved by the
//! city, paid by finance), the one-card payment file, and the payment list
//! for printing (item 7).
//!
//! The amounts come from the same builders as `touyan payroll` and the
//! payment export (`touyan_reports::payments`, Article 13) and the
//! young-cadre pay export (`reports::young`, Article 10: the base from the
//! town's finance, the degree subsidies from the city and the town, a
//! higher current pay kept); a run pays both. Which move is allowed is
//! `touyan_workflow::art13_pay_run`'s alone.
//!
//! The parts: `overview.rs` the page `/pay` (every town's run of a month),
//! `view.rs` a town's run as read (the office's month with the town's
//! name, opened from the path), `town.rs` a town's run page (what it pays,
//! by funding source, the young cadres' pay, the moves and history),
//! `moves.rs` a move posted, `print.rs` the payment list for printing,
//! `one_card.rs` the one-card file for finance once the run is approved.
//! What they share is here: how a month, a state and an amount are
//! written.

mod moves;
mod one_card;
mod overview;
mod print;
mod town;
mod view;

pub use moves::{MoveForm, town_move};
pub use one_card::{OneCardStatus, one_card_file};
pub use overview::{MonthQuery, TownLine, overview};
pub use print::print;
pub use town::{Button, MoveView, PayLine, YoungLine, town_page};

use rust_decimal::Decimal;
use time::Date;
use touyan_records::model::{Labelled, PayState};

/// "2026-03" of a month's first day.
fn month_text(m: Date) -> String {
    format!("{:04}-{:02}", m.year(), u8::from(m.month()))
}

fn state_label(s: Option<PayState>) -> &'static str {
    s.map_or("尚未计算", |s| s.label())
}

fn yuan(fen: i64) -> String {
    format!("{:.2}", Decimal::new(fen, 2))
}
