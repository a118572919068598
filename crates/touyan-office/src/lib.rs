//! # touyan-office: every decision the office acts on, made once
//!
//! The use-case layer between the measures (`touyan-rules`), the
//! workflows (`touyan-workflow`), the figures (`touyan-reports`) and the
//! records (`touyan-storage`) on one side, and the command line, the
//! pages, the API and the workbook import on the other. One function per
//! thing the office does: it takes who acts, the store, the decision date
//! and the policy, calls the rules and the workflows for every decision,
//! writes through storage in one transaction, and returns a typed result
//! or an [`OfficeError`] (a Chinese `Display` for people, a variant for
//! code). The adapters call only this layer for decisions and writes.
//!
//! What is here, one module per piece of the office's work: a month's
//! pay ([`pay`]), a secretary's whole pay by part and channel, with the
//! parts set by higher-level rules recorded ([`pay_parts`]), the answers to the conditions a city's policy adds and
//! their checks ([`conditions`]), the year's proposals ([`propose`]) and who
//! they leave out and why, with the village facts of the year before
//! recorded by form ([`year_start`]), a town's list and
//! its review ([`lists`]), the young-cadre programme's ranking and moves
//! ([`young`]), the competency evaluation — opening, the raters and
//! paper counts and their confirmation, the voting codes and votes,
//! closing and cases ([`evaluation`]) — what the reserves page records — secondments, work
//! logs, appraisals, reserves and the yearly report ([`reserves`]) —
//! what the training page records — sessions, attendance, admonitions
//! and make-up study — with its follow-ups ([`training`]), the
//! qualification page's exams, certificates and degree-study
//! applications ([`qualifications`]), exits with the grounds that apply
//! ([`exits`]), the yearly plans' states, stages and moves ([`plans`]),
//! the daily management and treatment records, reminders and leave
//! requests ([`daily`]), a workbook's rows written as the forms write
//! them ([`import`]), the dashboard's quotas and reserve shortfalls
//! ([`dashboard`]), the reports' figures for a period ([`figures`]) and
//! the decision dates ([`when`]); the city's overviews of the training,
//! qualification, reserves, exits and young-cadre pages are each module's
//! `city_overview` ([`young_summary`] for the young cadres). ARCHITECTURE.md says which test keeps
//! the adapters from deciding or writing around it.

pub mod conditions;
pub mod corrections;
pub mod daily;
pub mod dashboard;
pub mod dropped;
pub mod error;
pub mod evaluation;
pub mod exceptions;
pub mod exits;
pub mod figures;
pub mod import;
pub mod lists;
pub mod one_card;
pub mod pay;
pub mod pay_parts;
pub mod plans;
pub mod propose;
pub mod qualifications;
pub mod reserves;
pub mod signers;
pub mod todo;
pub mod training;
pub mod when;
pub mod year_start;
pub mod young;
pub mod young_exit;
pub mod young_settings;
pub mod young_summary;
mod young_unfile;

pub use error::OfficeError;

/// The actor of the demo's records: a database with a change by this
/// actor is a demo (example amounts may then be computed and paid).
pub const DEMO_DATA_ACTOR: &str = "演示数据";

/// Who acts: the signed-in user's workflow actor, user name and client
/// address.
#[derive(Clone, Copy, Debug)]
pub struct By<'a> {
    pub actor: touyan_workflow::Actor<'a>,
    /// The name the change log records.
    pub name: &'a str,
    /// The client's address, for the change log.
    pub origin: Option<&'a str>,
}

impl<'a> By<'a> {
    /// The command line (`name` for the change log, such as
    /// "命令行:root"): whoever holds the database acts for the city, as
    /// its administrator.
    pub fn command_line(name: &'a str) -> By<'a> {
        By {
            actor: touyan_workflow::Actor {
                role: touyan_workflow::Role::CityAdmin,
                town: None,
            },
            name,
            origin: None,
        }
    }

    /// The command line acting in a town's place (`--town`): whoever
    /// holds the database may do what the town's `role` (its operator or
    /// reviewer) does there, checked by the same rules as the town's
    /// pages; `name` says so in the change log ("命令行:root（代
    /// 370783100 镇街经办）").
    pub fn command_line_for_town(
        name: &'a str,
        role: touyan_workflow::Role,
        town: &'a str,
    ) -> By<'a> {
        By {
            actor: touyan_workflow::Actor {
                role,
                town: Some(town),
            },
            name,
            origin: None,
        }
    }
}
