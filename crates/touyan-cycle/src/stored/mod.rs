//! How a stored proposal keeps its reasons (`cycle_secretaries.checks_json`,
//! `SecretaryProposal::reasons`): typed and compact, not as sentences.
//!
//! The rules' reasons are typed values, rendered as Chinese sentences only
//! when a person or a file needs them (`touyan_rules::decision`). A stored
//! proposal keeps them the same way: the values each of the five inclusion
//! checks decided on, the training totals and the competency rate, as a
//! short JSON array, about 75 bytes where the contract's per-secretary
//! object with its sentences is about 800. [`contract_json`] renders that
//! object from it through the writer `touyan evaluate` uses
//! (`touyan_evaluate::output::secretary_out`) with the rules' own `Display`
//! of each reason, so it says word for word what the contract says;
//! [`check_lines`] gives the checks with their rule and sentence for pages.
//!
//! Why not the sentences: the first run of a year over the whole country
//! stores 487,000 proposals, and storing their sentences (about 390 MB)
//! took a third of the run (bench/README.md, "sixth pass"); compact, 36 MB.
//!
//! ## The stored form, version 2
//!
//! ```text
//! [2, passed, start, on, years, relaxed, rank, villages, num, den,
//!  "income", "min", stars, min_stars, training, competency]
//! ```
//!
//! - `passed`: bit k set when check k passed (0 三好三强, 1 tenure,
//!   2 assessment rank, 3 collective income, 4 star rating, the contract's
//!   order); each reason's own "met" is its check's outcome.
//! - `start`, `on`: the tenure's start and the decision date as `yyyymmdd`
//!   integers; `years`: the tenure required; `relaxed`: `null` (no
//!   relaxation), `"D"` (full-time college degree or higher) or the age in
//!   completed years (the age relaxation).
//! - `rank`, `villages`: last year's rank (`null`: the village was not
//!   ranked, no rank on record) and the villages it was ranked among; `num`/`den`: the fraction of them that qualifies (前1/2),
//!   reduced (64-bit integers: a policy may give `33.3333333333%`).
//! - `"income"`, `"min"`: collective income and the minimum in 万元,
//!   as the reason writes them (a policy's `10.0` stays `10.0`), as
//!   strings so that they stay exact.
//! - `stars`, `min_stars`: the Party organisation's star rating and the
//!   minimum.
//! - `training`: `null` or `["city_days", town_sessions, "town_days",
//!   shortfalls]`, shortfalls as bits (1 city days, 2 town sessions,
//!   4 town days).
//! - `competency`: `null` or `["rate", action]`, the rate as written (4
//!   decimals), the action by its contract name.
//!
//! Version 1 is the contract's object itself (`{"id":…}`), as proposals were
//! stored before; it is still read, and written whenever a secretary's
//! result does not have the shape above (which the rules crate does not
//! produce today; a test pins that every demo secretary takes version 2).

use rust_decimal::Decimal;
use touyan_rules::art01_inclusion::Check;
use touyan_rules::art06_training::Shortfall;
use touyan_rules::art12_competency::Action;

mod contract;
mod form;

pub use contract::{CheckLine, check_lines, contract_json};
pub use form::{decode, encode};

/// A stored proposal's reasons, typed again.
#[derive(Clone, Debug)]
pub struct Reasons {
    /// The five inclusion checks with their reasons (without the parameters
    /// they used, which the stored form does not keep).
    pub checks: [Check; 5],
    training: Option<Training>,
    competency: Option<(Decimal, Action)>,
}

#[derive(Clone, Debug)]
struct Training {
    city_days: Decimal,
    town_sessions: u32,
    town_days: Decimal,
    shortfalls: Vec<Shortfall>,
}

/// The facts and helpers the tests of `form` and `contract` share.
#[cfg(test)]
mod fixtures {
    use std::str::FromStr;

    use rust_decimal::Decimal;
    use time::Date;
    use time::macros::date;
    use touyan_evaluate::output::{self, Json};
    use touyan_evaluate::town::SecretaryResult;
    use touyan_rules::Params;
    use touyan_rules::Policy;
    use touyan_rules::art01_inclusion::{SecretaryFacts, VillageFacts, eligibility};
    use touyan_rules::art06_training::{Attendance, Level, compliance};
    use touyan_rules::art12_competency::{Ballots, competency};
    use touyan_rules::people::{Degree, Education};

    pub(super) const ON: Date = date!(2025 - 01 - 01);

    pub(super) fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    pub(super) fn params() -> Params {
        Policy::example().resolve(ON).unwrap()
    }

    pub(super) fn ballots(competent: u32, basically: u32, not: u32) -> Ballots {
        Ballots {
            competent,
            basically_competent: basically,
            not_competent: not,
        }
    }

    /// The contract's object written straight from the decisions, as
    /// `touyan evaluate` writes it.
    pub(super) fn contract_of(id: &str, s: &SecretaryResult) -> String {
        let mut j = Json::new();
        output::secretary_out(&mut j, &output::secretary_view(id, s));
        j.buf
    }

    pub(super) fn sample() -> SecretaryResult {
        let p = params();
        let facts = SecretaryFacts {
            birth_date: date!(1988 - 05 - 01),
            degree: Degree {
                education: Education::College,
                full_time: true,
                full_time_level: None,
            },
            tenure_start: date!(2022 - 03 - 01),
            three_good_three_strong: true,
        };
        let village = VillageFacts {
            stars: 5,
            collective_income_wan: dec("30"),
            last_year_rank: Some(1),
            village_count: 53,
        };
        SecretaryResult {
            village: 0,
            eligibility: eligibility(&p, &facts, &village, ON),
            conditions: Vec::new(),
            training: Some(compliance(
                &p,
                &[Attendance {
                    level: Level::City,
                    days: dec("3"),
                }],
            )),
            competency: competency(&p, ballots(40, 5, 2), ballots(20, 1, 0)),
        }
    }
}
