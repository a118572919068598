//! The yearly cycle's proposals (`touyan cycle`, tables of `m0003_cycle`).
//!
//! Proposals are derived data: the rules applied to records that are
//! already kept and logged, under a named policy. Re-running a year
//! replaces that year's proposals (of every town, or of the one town asked
//! for) in one transaction, and never touches the filed lists
//! (`list_entries`): a proposal becomes a list only when a town files it.
//!
//! What the change log keeps of a run: one entry per town (table
//! `cycle_towns`, key `year/town`), written by whoever ran it at the time
//! of the run, with the town's proposal row before and after (policy,
//! decision date, quota, counts, tiers) — `update` when the town had a
//! proposal for that year, `insert` when new, `delete` when a town in scope
//! no longer has one. The per-secretary rows are not logged one by one:
//! they follow from logged records and the policy named in the town entry,
//! every run brings them up to date (see below), and logging them would write
//! the country's 487,000 proposals into the log again on every run.
//!
//! What a re-run writes: every town row of the scope is written again (its
//! audit columns say who ran the cycle last and when, and the log gets its
//! entry, even when nothing in it changed). A secretary row is written only
//! when its proposal changed: each row carries a digest of its data columns
//! (`digest`, migration `m0007_cycle_digest`); a row whose digest equals the
//! new proposal's is left as it is, a changed one is updated in place, a new
//! one inserted, and a stored one the run no longer proposes (its village
//! left the scope or lost its secretary) deleted. So a secretary row's
//! `created_at` says which run first proposed it and `updated_at` /
//! `updated_by` which run last changed it; an unchanged re-run leaves them
//! as they were. The result is the same as replacing every row, minus the
//! writing. (One exception: a row stored before the reasons were kept in
//! `touyan_cycle::stored`'s compact form differs from the same proposal in
//! that form, so the first run after the upgrade rewrites it once.)
//!
//! The parts: the proposals' rows and their reads here; what a run does
//! to the stored rows, the same for both backends, in [`plan`]; the write
//! through sqlx (PostgreSQL, an in-memory SQLite) in [`write`] and through
//! rusqlite on a SQLite file in [`sqlite`]; the cycle's read of the records
//! it decides from in [`reads`].

mod plan;
mod reads;
mod sqlite;
mod write;

use sea_orm::Value;
use time::{Date, PrimitiveDateTime};
use touyan_records::{CitizenId, TownCode, VillageCode};

use self::plan::digest;
use crate::record::{Cell, Col, Kind, Reader, Record, col};
use crate::sql::{Params, select};
use crate::{Store, StoreError};

/// One town's proposal for a year, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CycleTown {
    pub year: i32,
    pub town: TownCode,
    /// The decision date of the run.
    pub as_of: Date,
    pub policy_id: String,
    pub village_count: u32,
    pub inclusion_quota: u32,
    pub young_cadre_cap: u32,
    /// Secretaries judged.
    pub secretaries: u32,
    pub eligible: u32,
    pub included: u32,
    /// Proposed in tiers 1, 2, 3.
    pub tiers: [u32; 3],
}

/// One secretary's proposal for a year, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CycleSecretary {
    pub year: i32,
    pub village: VillageCode,
    pub town: TownCode,
    pub person: CitizenId,
    pub eligible: bool,
    /// 1-based place in the town's proposed list; `None`: not proposed.
    pub place: Option<u32>,
    pub tier: Option<u8>,
    /// Every check and its reason, training and competency, in the stored
    /// form of `touyan_cycle::stored` (typed and compact; proposals stored
    /// before it hold the contract's per-secretary object, still read).
    pub checks_json: String,
}

/// A stored town proposal with who ran the cycle and when (UTC).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CycleTownRun {
    pub town: CycleTown,
    pub run_by: String,
    pub run_at: PrimitiveDateTime,
}

/// What replacing a year's proposals did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CycleWritten {
    /// Town proposals the scope had before the run.
    pub towns_replaced: u64,
    pub towns_written: u64,
    /// Secretary rows inserted (new proposals).
    pub secretaries_inserted: u64,
    /// Secretary rows updated in place (changed proposals).
    pub secretaries_updated: u64,
    /// Secretary rows left as they were (the same proposal).
    pub secretaries_unchanged: u64,
    /// Stored secretary rows of the scope the run no longer proposes.
    pub secretaries_deleted: u64,
}

fn code_cell(s: &str) -> Cell {
    Cell::Text(s.to_owned())
}

fn parse<T, E: std::fmt::Display>(
    r: &mut Reader,
    f: impl FnOnce(&str) -> Result<T, E>,
) -> Result<T, String> {
    r.parse(f)
}

impl Record for CycleTown {
    const TABLE: &'static str = "cycle_towns";
    const ZH: &'static str = "镇街年度测算结果";
    const COLUMNS: &'static [Col] = &[
        col("year", Kind::Int),
        col("town", Kind::Text),
        col("as_of", Kind::Date),
        col("policy_id", Kind::Text),
        col("village_count", Kind::Int),
        col("inclusion_quota", Kind::Int),
        col("young_cadre_cap", Kind::Int),
        col("secretaries", Kind::Int),
        col("eligible", Kind::Int),
        col("included", Kind::Int),
        col("tier1", Kind::Int),
        col("tier2", Kind::Int),
        col("tier3", Kind::Int),
    ];
    const KEY: usize = 2;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        let n = |x: u32| Cell::Int(i64::from(x));
        Ok(vec![
            Cell::Int(i64::from(self.year)),
            code_cell(self.town.as_str()),
            Cell::Date(self.as_of),
            Cell::Text(self.policy_id.clone()),
            n(self.village_count),
            n(self.inclusion_quota),
            n(self.young_cadre_cap),
            n(self.secretaries),
            n(self.eligible),
            n(self.included),
            n(self.tiers[0]),
            n(self.tiers[1]),
            n(self.tiers[2]),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(CycleTown {
            year: r.int()?,
            town: parse(r, TownCode::parse)?,
            as_of: r.date()?,
            policy_id: r.text()?,
            village_count: r.int()?,
            inclusion_quota: r.int()?,
            young_cadre_cap: r.int()?,
            secretaries: r.int()?,
            eligible: r.int()?,
            included: r.int()?,
            tiers: [r.int()?, r.int()?, r.int()?],
        })
    }
}

impl Record for CycleSecretary {
    const TABLE: &'static str = "cycle_secretaries";
    const ZH: &'static str = "书记年度测算结果";
    const COLUMNS: &'static [Col] = &[
        col("year", Kind::Int),
        col("village", Kind::Text),
        col("town", Kind::Text),
        col("person", Kind::Text),
        col("eligible", Kind::Bool),
        col("included", Kind::Bool),
        col("list_place", Kind::Int),
        col("tier", Kind::Int),
        col("checks_json", Kind::Text),
        col("digest", Kind::BigInt),
    ];
    const KEY: usize = 2;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        let opt = |x: Option<i64>| x.map_or(Cell::Null, Cell::Int);
        Ok(vec![
            Cell::Int(i64::from(self.year)),
            code_cell(self.village.as_str()),
            code_cell(self.town.as_str()),
            code_cell(self.person.as_str()),
            Cell::Bool(self.eligible),
            Cell::Bool(self.place.is_some()),
            opt(self.place.map(i64::from)),
            opt(self.tier.map(i64::from)),
            Cell::Text(self.checks_json.clone()),
            Cell::Int(digest(self)),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        let year = r.int()?;
        let village = parse(r, VillageCode::parse)?;
        let town = parse(r, TownCode::parse)?;
        let person = parse(r, CitizenId::parse)?;
        let eligible = r.bool()?;
        let _included = r.bool()?;
        let s = CycleSecretary {
            year,
            village,
            town,
            person,
            eligible,
            place: r.opt_int()?,
            tier: r.opt_int()?,
            checks_json: r.text()?,
        };
        r.skip()?; // the digest, derived from the rest
        Ok(s)
    }
}

/// `WHERE year = ? [AND town = ?]` and its values.
pub(crate) fn scope_filter(
    p: &mut Params,
    year: i32,
    town: Option<TownCode>,
) -> (String, Vec<Value>) {
    let mut sql = format!("year = {}", p.next());
    let mut values = vec![Value::Int(Some(year))];
    if let Some(t) = town {
        sql.push_str(&format!(" AND town = {}", p.next()));
        values.push(Value::String(Some(t.as_str().to_owned())));
    }
    (sql, values)
}

impl Store {
    /// The stored town proposals of `year` (of `town` only, when given), in
    /// town order, with who ran the cycle and when.
    pub async fn cycle_towns(
        &self,
        year: i32,
        town: Option<TownCode>,
    ) -> Result<Vec<CycleTownRun>, StoreError> {
        let mut p = Params::new(self.backend);
        let (filter, values) = scope_filter(&mut p, year, town);
        let rows =
            crate::moves::select_audited(&self.db, self.backend, &filter, values, "town").await?;
        Ok(rows
            .into_iter()
            .map(|(town, run_by, run_at)| CycleTownRun {
                town,
                run_by,
                run_at,
            })
            .collect())
    }

    /// The stored secretary proposals of `year` (of `town` only, when
    /// given), by village.
    pub async fn cycle_secretaries(
        &self,
        year: i32,
        town: Option<TownCode>,
    ) -> Result<Vec<CycleSecretary>, StoreError> {
        let mut p = Params::new(self.backend);
        let (filter, values) = scope_filter(&mut p, year, town);
        select::<CycleSecretary, _>(&self.db, self.backend, &filter, values).await
    }
}
