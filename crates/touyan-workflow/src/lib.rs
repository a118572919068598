//! # touyan-workflow: the year's workflows as state machines (issue 5)
//!
//! Pure, like the rules crate: no I/O, no database, no clock. Storage keeps
//! the states and the web moves them; this crate alone says which move is
//! allowed, to whom, from which state, and what must be written with it.
//! Every refusal is a Chinese sentence the user sees as it is.
//!
//! - `role.rs`: the roles accounts have (shared with the server's
//!   permission table).
//! - `art01_13_list.rs`: Articles 1 and 13, a town's yearly list and tiers:
//!   draft → confirmed → submitted → filed, returns and send-backs, and
//!   adjustments of a filed list; the checks of a town's choices against
//!   the proposal and the measures.
//! - `art01_13_village_facts.rs`: Articles 1 and 13, a village's yearly
//!   facts (stars, collective income, assessment): who records them.
//! - `art01_conditions.rs`: Article 1's conditions added by a city's
//!   policy: who records a person's yes/no answers.
//! - `art13_pay_parts.rs`: Article 13's parts of the pay set by
//!   higher-level rules: who records them.
//! - `art11_plan.rs`: Article 11, a secretary's yearly plan: draft →
//!   review meeting → public notice → filing with the town, returns.
//! - `art02_daily.rs`: the inferred Chapter 2, daily management: who
//!   keeps duty rotas, work records and yearly reports, and a leave
//!   request's moves (request, approve, refuse, report back).
//! - `art14_treatment.rs`: the inferred Article 14, treatment guarantees:
//!   who keeps honours, recruitments and pension subsidies.
//! - `import.rs`: which sheets of a workbook a role may import, through
//!   the same checks as the form that records them; workflow records never.

pub mod art01_13_exception;
pub mod art01_13_list;
pub mod art01_13_village_facts;
pub mod art01_conditions;
pub mod art02_daily;
pub mod art06_training;
pub mod art07_qualification;
pub mod art08_09_reserves;
pub mod art10_young;
pub mod art11_plan;
pub mod art12_evaluation;
pub mod art13_pay_parts;
pub mod art13_pay_run;
pub mod art14_exit;
pub mod art14_treatment;
pub mod import;
pub mod role;

pub use role::{Actor, Role};

/// Why a move is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The record is not in the actor's scope: answered exactly as a record
    /// that does not exist.
    NotFound,
    /// The actor's role may not make this move.
    Forbidden(String),
    /// The record's state does not allow the move (or another user moved
    /// it first).
    Conflict(String),
    /// What was sent is incomplete or breaks a rule.
    Invalid(String),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::NotFound => f.write_str("记录不存在"),
            Refusal::Forbidden(m) | Refusal::Conflict(m) | Refusal::Invalid(m) => f.write_str(m),
        }
    }
}
