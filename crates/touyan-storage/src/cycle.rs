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

use sea_orm::{ConnectionTrait, Statement, Value};
use time::{Date, PrimitiveDateTime};
use touyan_records::{CitizenId, TownCode, VillageCode};

use crate::record::{Cell, Col, Kind, Reader, Record, cells, col, key_text, row_json};
use crate::sql::{Params, select};
use crate::tx::LogEntry;
use crate::{Action, Store, StoreError, Tx};

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

/// The digest stored with a secretary's proposal (column `digest`,
/// migration `m0007_cycle_digest`): the first 8 bytes of the SHA-256 of
/// its data columns other than the key (town, person, eligible, place,
/// tier, reasons), each length-prefixed, read as a big-endian signed
/// integer. Equal digests: the same proposal.
pub(crate) fn digest(s: &CycleSecretary) -> i64 {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    let mut field = |b: &[u8]| {
        h.update((b.len() as u64).to_le_bytes());
        h.update(b);
    };
    field(s.town.as_str().as_bytes());
    field(s.person.as_str().as_bytes());
    field(&[u8::from(s.eligible)]);
    field(&s.place.map_or(-1, i64::from).to_le_bytes());
    field(&s.tier.map_or(-1, i64::from).to_le_bytes());
    field(s.checks_json.as_bytes());
    let out = h.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&out[..8]);
    i64::from_be_bytes(first)
}

/// What a run does to the stored secretary rows of its scope.
pub(crate) struct Plan<'a> {
    /// New proposals, with their digests.
    pub insert: Vec<(&'a CycleSecretary, i64)>,
    /// Changed proposals, with their digests.
    pub update: Vec<(&'a CycleSecretary, i64)>,
    pub unchanged: u64,
    /// Villages whose stored row the run no longer proposes, in order.
    pub delete: Vec<VillageCode>,
}

/// What a run does with one proposal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    Insert,
    Update,
    Unchanged,
}

/// Merges a run's proposals, taken in ascending village order, with the
/// stored rows of its scope, also in village order: two sorted lists
/// walked once, so nothing is looked up in a map and the stored side holds
/// no allocated keys (the country has 487,000 of them). Proposals come
/// town by town in code order, and a village's code begins with its
/// town's, so the cycle's own order is already village order.
pub(crate) struct Merge {
    /// (village, digest; empty for a row written before `m0007`).
    stored: Vec<(VillageCode, Option<i64>)>,
    next: usize,
    last: Option<VillageCode>,
}

impl Merge {
    /// `stored`: the scope's rows, in any order.
    pub(crate) fn new(mut stored: Vec<(VillageCode, Option<i64>)>) -> Merge {
        if !stored.is_sorted_by(|a, b| a.0 <= b.0) {
            stored.sort_unstable_by_key(|r| r.0);
        }
        Merge {
            stored,
            next: 0,
            last: None,
        }
    }

    /// What to do with the proposal of `village` whose digest is
    /// `digest`; the stored villages passed over on the way (no longer
    /// proposed) are added to `gone`. Refuses a village given twice, or
    /// after a later one.
    pub(crate) fn step(
        &mut self,
        year: i32,
        village: VillageCode,
        digest: i64,
        gone: &mut Vec<VillageCode>,
    ) -> Result<Step, StoreError> {
        if let Some(last) = self.last {
            if village == last {
                return Err(StoreError::Invalid(format!(
                    "同一批{}中 {year}/{} 出现了不止一次",
                    CycleSecretary::ZH,
                    village.as_str()
                )));
            }
            if village < last {
                return Err(StoreError::Invalid(format!(
                    "内部错误：测算结果未按村代码顺序给出（{} 在 {} 之后）",
                    village.as_str(),
                    last.as_str()
                )));
            }
        }
        self.last = Some(village);
        while let Some(&(v, _)) = self.stored.get(self.next) {
            if v >= village {
                break;
            }
            gone.push(v);
            self.next += 1;
        }
        Ok(match self.stored.get(self.next) {
            Some(&(v, stored)) if v == village => {
                self.next += 1;
                if stored == Some(digest) {
                    Step::Unchanged
                } else {
                    Step::Update
                }
            }
            _ => Step::Insert,
        })
    }

    /// The stored villages never reached (no longer proposed).
    pub(crate) fn finish(self, gone: &mut Vec<VillageCode>) {
        gone.extend(
            self.stored[self.next.min(self.stored.len())..]
                .iter()
                .map(|r| r.0),
        );
    }
}

/// The digests of `secretaries`, on up to two threads (the country has
/// 487,000 of them).
pub(crate) fn digests(secretaries: &[CycleSecretary]) -> Result<Vec<i64>, StoreError> {
    let out: Vec<i64> = if secretaries.len() < 4096 {
        secretaries.iter().map(digest).collect()
    } else {
        let half = secretaries.len().div_ceil(2);
        std::thread::scope(|sc| {
            let parts: Vec<_> = secretaries
                .chunks(half)
                .map(|part| sc.spawn(move || part.iter().map(digest).collect::<Vec<_>>()))
                .collect();
            parts
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_default())
                .collect()
        })
    };
    if out.len() != secretaries.len() {
        return Err(StoreError::Invalid("内部错误：测算结果摘要计算失败".into()));
    }
    Ok(out)
}

/// Compares a whole run's proposals, in any order, with the stored rows
/// of the scope. Refuses a village proposed twice.
pub(crate) fn plan(
    stored: Vec<(VillageCode, Option<i64>)>,
    secretaries: &[CycleSecretary],
) -> Result<Plan<'_>, StoreError> {
    let mut order: Vec<(&CycleSecretary, i64)> =
        secretaries.iter().zip(digests(secretaries)?).collect();
    if !order.is_sorted_by(|a, b| a.0.village <= b.0.village) {
        order.sort_by_key(|r| r.0.village);
    }
    let mut merge = Merge::new(stored);
    let mut p = Plan {
        insert: Vec::new(),
        update: Vec::new(),
        unchanged: 0,
        delete: Vec::new(),
    };
    for (s, d) in order {
        match merge.step(s.year, s.village, d, &mut p.delete)? {
            Step::Insert => p.insert.push((s, d)),
            Step::Update => p.update.push((s, d)),
            Step::Unchanged => p.unchanged += 1,
        }
    }
    merge.finish(&mut p.delete);
    Ok(p)
}

/// The change-log entries of a run's town rows (`rows`), against the
/// scope's stored ones (`old`, by key in `old_by_key`): each row given is
/// logged as inserted or updated (with the stored row before it), each
/// stored row not given again as deleted; those gone rows are returned too.
/// Both backends' writes log this way.
pub(crate) fn town_log<'o>(
    old: &'o [Vec<Cell>],
    old_by_key: &std::collections::HashMap<&[Cell], &Vec<Cell>>,
    rows: &[Vec<Cell>],
) -> (Vec<LogEntry>, Vec<&'o Vec<Cell>>) {
    let mut log = Vec::with_capacity(rows.len() + old.len());
    for r in rows {
        let key = &r[..CycleTown::KEY];
        let before = old_by_key.get(key).map(|o| row_json(CycleTown::COLUMNS, o));
        log.push(LogEntry {
            key: key_text(key),
            action: if before.is_some() {
                Action::Update
            } else {
                Action::Insert
            },
            before,
            after: Some(row_json(CycleTown::COLUMNS, r)),
        });
    }
    let given: std::collections::HashSet<&[Cell]> =
        rows.iter().map(|r| &r[..CycleTown::KEY]).collect();
    let gone: Vec<&Vec<Cell>> = old
        .iter()
        .filter(|o| !given.contains(&o[..CycleTown::KEY]))
        .collect();
    for o in &gone {
        log.push(LogEntry {
            key: key_text(&o[..CycleTown::KEY]),
            action: Action::Delete,
            before: Some(row_json(CycleTown::COLUMNS, o)),
            after: None,
        });
    }
    (log, gone)
}

/// A stored proposal's village code.
pub(crate) fn stored_village(text: &str) -> Result<VillageCode, StoreError> {
    VillageCode::parse(text).map_err(|e| StoreError::Corrupt {
        table: CycleSecretary::ZH,
        key: text.to_owned(),
        message: e.to_string(),
    })
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
fn scope_filter(p: &mut Params, year: i32, town: Option<TownCode>) -> (String, Vec<Value>) {
    let mut sql = format!("year = {}", p.next());
    let mut values = vec![Value::Int(Some(year))];
    if let Some(t) = town {
        sql.push_str(&format!(" AND town = {}", p.next()));
        values.push(Value::String(Some(t.as_str().to_owned())));
    }
    (sql, values)
}

impl Store {
    /// Replaces the proposals of `year` — of every town, or only of `town`
    /// — with `towns` and `secretaries`, in one transaction on behalf of
    /// `actor` (see the module's note on what is logged). Every row given
    /// must be of `year` (and of `town` when given). `progress` is told how
    /// many secretary rows are written as the write goes.
    pub async fn replace_cycle(
        &self,
        actor: &str,
        year: i32,
        town: Option<TownCode>,
        towns: &[CycleTown],
        secretaries: &[CycleSecretary],
        progress: &mut (dyn FnMut(usize) + Send),
    ) -> Result<CycleWritten, StoreError> {
        let outside = towns
            .iter()
            .map(|t| (t.year, t.town))
            .chain(secretaries.iter().map(|s| (s.year, s.town)))
            .find(|&(y, t)| y != year || town.is_some_and(|x| x != t));
        if let Some((y, t)) = outside {
            return Err(StoreError::Invalid(format!(
                "内部错误：{y} 年镇街 {} 的测算结果不在本次范围（{year} 年{}）内",
                t.as_str(),
                town.map_or(String::new(), |x| format!("、镇街 {}", x.as_str()))
            )));
        }
        if let Some(path) = self.sqlite_file() {
            // Synchronous (rusqlite) on the calling thread: the command
            // line's one write; see `sqlite_bulk` for why.
            return crate::sqlite_bulk::replace_cycle(
                &path,
                actor,
                year,
                town,
                towns,
                secretaries,
                progress,
            );
        }
        let tx = self.begin(actor).await?;
        let old = tx.cycle_rows::<CycleTown>(year, town).await?;
        let plan = plan(tx.cycle_digests(year, town).await?, secretaries)?;
        let rows = Tx::rows(towns)?;
        let old_by_key: std::collections::HashMap<&[Cell], &Vec<Cell>> =
            old.iter().map(|r| (&r[..CycleTown::KEY], r)).collect();
        // Towns first (the secretaries' rows refer to them): those the
        // scope had are updated in place, the others inserted; then the log.
        let (kept, fresh): (Vec<Vec<Cell>>, Vec<Vec<Cell>>) = rows
            .iter()
            .cloned()
            .partition(|r| old_by_key.contains_key(&r[..CycleTown::KEY]));
        tx.update_rows::<CycleTown>(&kept).await?;
        for chunk in fresh.chunks(tx.chunk::<CycleTown>()) {
            tx.insert_rows::<CycleTown>(chunk).await?;
        }
        let (log, gone_towns) = town_log(&old, &old_by_key, &rows);
        tx.log::<CycleTown>(&log).await?;
        // The secretaries: rows no longer proposed deleted, changed ones
        // updated, new ones inserted (converted a chunk at a time, so the
        // country's reasons are not held twice); unchanged ones left alone.
        let b = tx.backend;
        for chunk in plan.delete.chunks(b.bind_limit() - 1) {
            let mut p = Params::new(b);
            let y = p.next();
            let list: Vec<String> = chunk.iter().map(|_| p.next()).collect();
            let mut values = vec![Value::Int(Some(year))];
            values.extend(
                chunk
                    .iter()
                    .map(|v| Value::String(Some(v.as_str().to_owned()))),
            );
            tx.exec::<CycleSecretary>(
                format!(
                    "DELETE FROM cycle_secretaries WHERE year = {y} AND village IN ({})",
                    list.join(", ")
                ),
                values,
            )
            .await?;
        }
        let chunk = tx.chunk::<CycleSecretary>();
        let mut done = plan.unchanged as usize;
        for part in plan.update.chunks(chunk) {
            let rows = part
                .iter()
                .map(|(s, _)| s.to_row())
                .collect::<Result<Vec<_>, _>>()?;
            tx.update_rows::<CycleSecretary>(&rows).await?;
            done += part.len();
            progress(done);
        }
        for part in plan.insert.chunks(chunk) {
            let rows = part
                .iter()
                .map(|(s, _)| s.to_row())
                .collect::<Result<Vec<_>, _>>()?;
            tx.insert_rows::<CycleSecretary>(&rows).await?;
            done += part.len();
            progress(done);
        }
        for part in gone_towns.chunks(b.bind_limit() - 1) {
            let mut p = Params::new(b);
            let y = p.next();
            let list: Vec<String> = part.iter().map(|_| p.next()).collect();
            let mut values = vec![Value::Int(Some(year))];
            for o in part {
                values.push(o[1].value(Kind::Text)?);
            }
            tx.exec::<CycleTown>(
                format!(
                    "DELETE FROM cycle_towns WHERE year = {y} AND town IN ({})",
                    list.join(", ")
                ),
                values,
            )
            .await?;
        }
        tx.commit().await?;
        progress(secretaries.len());
        Ok(CycleWritten {
            towns_replaced: old.len() as u64,
            towns_written: towns.len() as u64,
            secretaries_inserted: plan.insert.len() as u64,
            secretaries_updated: plan.update.len() as u64,
            secretaries_unchanged: plan.unchanged,
            secretaries_deleted: plan.delete.len() as u64,
        })
    }

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

impl Tx {
    /// The stored secretary rows' digests for `year` (and `town`).
    async fn cycle_digests(
        &self,
        year: i32,
        town: Option<TownCode>,
    ) -> Result<Vec<(VillageCode, Option<i64>)>, StoreError> {
        let mut p = Params::new(self.backend);
        let (filter, values) = scope_filter(&mut p, year, town);
        let sql = format!("SELECT village, digest FROM cycle_secretaries WHERE {filter}");
        let rows = self
            .tx
            .query_all_raw(Statement::from_sql_and_values(
                self.backend.db(),
                sql,
                values,
            ))
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let village: String = r.try_get_by_index(0)?;
            let digest: Option<i64> = r.try_get_by_index(1)?;
            out.push((stored_village(&village)?, digest));
        }
        Ok(out)
    }

    /// The stored rows of a cycle table for `year` (and `town`).
    async fn cycle_rows<R: Record>(
        &self,
        year: i32,
        town: Option<TownCode>,
    ) -> Result<Vec<Vec<Cell>>, StoreError> {
        let mut p = Params::new(self.backend);
        let (filter, values) = scope_filter(&mut p, year, town);
        let sql = format!(
            "SELECT {} FROM {} WHERE {filter}",
            crate::sql::column_list(R::COLUMNS),
            R::TABLE
        );
        let rows = self
            .tx
            .query_all_raw(Statement::from_sql_and_values(
                self.backend.db(),
                sql,
                values,
            ))
            .await?;
        rows.iter()
            .map(|r| cells(r, R::COLUMNS).map_err(StoreError::from))
            .collect()
    }
}

impl Store {
    /// Exactly the records the cycle of `year` reads (see `touyan-cycle`'s
    /// documentation), in no particular order: towns, villagers'
    /// committees, secretary posts, the people in them or in the young
    /// cadres' programme, village facts of `year - 1`, 三好三强 of `year`,
    /// training sessions of `year - 1` and their attendance, ballots before
    /// `year`, secondments, secretary reserves, young cadres and the towns'
    /// settings of `year`.
    ///
    /// On a SQLite file they are read through `sqlite_bulk` (rusqlite, one
    /// read transaction, on a blocking thread); on PostgreSQL through sqlx.
    pub async fn cycle_records(
        &self,
        year: i32,
    ) -> Result<touyan_records::model::Records, StoreError> {
        self.cycle_records_for(year, None).await
    }

    /// [`Store::cycle_records`] for the cycle of one town (`Some`), or of
    /// every town (`None`): for one town only what deciding it reads — the
    /// town, its villagers' committees, their secretary posts, reserves,
    /// young cadres and facts, the people in those posts and programmes,
    /// and those secretaries' 三好三强, attendance, ballots and
    /// secondments — so that a town's what-if or re-run does not read the
    /// whole database. `touyan_cycle::run` for that town decides the same
    /// from either read (tested on the demo, every town, both backends).
    pub async fn cycle_records_for(
        &self,
        year: i32,
        town: Option<TownCode>,
    ) -> Result<touyan_records::model::Records, StoreError> {
        let q = CycleQueries::new(self.backend, year, town)?;
        if let Some(path) = self.sqlite_file() {
            // One town's few hundred rows on one connection: a second
            // reader would have to take the write lock for a moment to
            // share its snapshot (see `with_snapshots`), and the what-if
            // page would then wait behind any write in progress.
            let n = match town {
                Some(_) => 1,
                None => std::thread::available_parallelism()
                    .map_or(1, std::num::NonZeroUsize::get)
                    .min(READERS),
            };
            return tokio::task::spawn_blocking(move || {
                crate::sqlite_bulk::with_snapshots(&path, n, |c| q.read_sqlite(c))
            })
            .await
            .map_err(|e| StoreError::Database(e.to_string()))?;
        }
        self.cycle_records_pg(q).await
    }

    /// The cycle's read on PostgreSQL: two read-only `REPEATABLE READ`
    /// transactions on one snapshot (the first exports it, the second
    /// imports it with `SET TRANSACTION SNAPSHOT`), each on a task of its
    /// own, so the rows of the larger tables are decoded on both cores and
    /// every statement sees the same committed state.
    async fn cycle_records_pg(
        &self,
        q: CycleQueries,
    ) -> Result<touyan_records::model::Records, StoreError> {
        use sea_orm::{AccessMode, IsolationLevel, TransactionTrait};
        use touyan_records::model::Records;
        let begin = || {
            self.db.begin_with_config(
                Some(IsolationLevel::RepeatableRead),
                Some(AccessMode::ReadOnly),
            )
        };
        let a = begin().await?;
        let snapshot: String = a
            .query_one_raw(Statement::from_string(
                self.backend.db(),
                "SELECT pg_export_snapshot()",
            ))
            .await?
            .ok_or_else(|| StoreError::Database("无法取得数据库快照".into()))?
            .try_get_by_index(0)?;
        let b = begin().await?;
        // The snapshot's name is made by the server (hex digits and dashes).
        if !snapshot.bytes().all(|c| c.is_ascii_hexdigit() || c == b'-') {
            return Err(StoreError::Database(format!(
                "数据库快照名 {snapshot} 无效"
            )));
        }
        b.execute_unprepared(&format!("SET TRANSACTION SNAPSHOT '{snapshot}'"))
            .await?;
        async fn l<R: Record, C: ConnectionTrait>(
            c: &C,
            backend: crate::Backend,
            q: &Query,
        ) -> Result<Vec<R>, StoreError> {
            let sql = format!(
                "SELECT {} FROM {} WHERE {}",
                crate::sql::column_list(R::COLUMNS),
                R::TABLE,
                q.0
            );
            let rows = c
                .query_all_raw(Statement::from_sql_and_values(
                    backend.db(),
                    sql,
                    q.1.clone(),
                ))
                .await?;
            rows.iter()
                .map(|r| crate::record::to_record(cells(r, R::COLUMNS)?))
                .collect()
        }
        let be = self.backend;
        let q = std::sync::Arc::new(q);
        let q2 = q.clone();
        // People (the largest, with a subquery) and a few beside them
        // on one connection, the rest on the other.
        let first = tokio::spawn(async move {
            let r = Records {
                people: l(&a, be, &q2.people).await?,
                ballots: l(&a, be, &q2.ballots).await?,
                young_cadres: l(&a, be, &q2.young_cadres).await?,
                reserves: l(&a, be, &q2.reserves).await?,
                ..Records::default()
            };
            a.commit().await?;
            Ok::<_, StoreError>(r)
        });
        let mut r = Records {
            posts: l(&b, be, &q.posts).await?,
            village_years: l(&b, be, &q.village_years).await?,
            three_good: l(&b, be, &q.three_good).await?,
            villages: l(&b, be, &q.villages).await?,
            attendance: l(&b, be, &q.attendance).await?,
            training_sessions: l(&b, be, &q.training_sessions).await?,
            towns: l(&b, be, &q.towns).await?,
            secondments: l(&b, be, &q.secondments).await?,
            town_years: l(&b, be, &q.town_years).await?,
            ..Records::default()
        };
        b.commit().await?;
        let other = first
            .await
            .map_err(|e| StoreError::Database(e.to_string()))??;
        r.people = other.people;
        r.ballots = other.ballots;
        r.young_cadres = other.young_cadres;
        r.reserves = other.reserves;
        Ok(r)
    }

    /// The baseline of the cycle's read (`benches/read.rs`): the same
    /// statements over the same rows, the fastest plain way — each column
    /// read by position into an owned value, no record built. On a SQLite
    /// file through rusqlite in one read transaction, as the cycle reads;
    /// on PostgreSQL through sqlx, as the cycle reads there. Returns the
    /// rows read.
    pub async fn cycle_plain_read(&self, year: i32) -> Result<usize, StoreError> {
        let q = CycleQueries::new(self.backend, year, None)?;
        if let Some(path) = self.sqlite_file() {
            return tokio::task::spawn_blocking(move || {
                crate::sqlite_bulk::with_snapshot(&path, |c| {
                    q.each(|table, cols, (filter, values)| {
                        crate::sqlite_bulk::plain_read(c, table, cols, filter, values)
                    })
                })
            })
            .await
            .map_err(|e| StoreError::Database(e.to_string()))?;
        }
        let mut n = 0;
        for (table, cols, (filter, values)) in q.list() {
            let sql = format!(
                "SELECT {} FROM {table} WHERE {filter}",
                crate::sql::column_list(cols)
            );
            let rows = self
                .db
                .query_all_raw(Statement::from_sql_and_values(
                    self.backend.db(),
                    sql,
                    values.clone(),
                ))
                .await?;
            for r in &rows {
                std::hint::black_box(cells(r, cols)?);
            }
            n += rows.len();
        }
        Ok(n)
    }
}

/// A filter over a table's columns and its values.
type Query = (String, Vec<Value>);

/// Reader connections (threads) of the cycle's read on SQLite, at most;
/// fewer on a machine with fewer cores.
const READERS: usize = 2;

/// The statements of the cycle's read: the filter of each kind it reads.
struct CycleQueries {
    towns: Query,
    villages: Query,
    people: Query,
    posts: Query,
    village_years: Query,
    three_good: Query,
    training_sessions: Query,
    attendance: Query,
    ballots: Query,
    secondments: Query,
    reserves: Query,
    young_cadres: Query,
    town_years: Query,
}

impl CycleQueries {
    fn new(
        b: crate::Backend,
        year: i32,
        town: Option<TownCode>,
    ) -> Result<CycleQueries, StoreError> {
        use touyan_records::model::{Labelled, PostRole, RaterGroup};
        let secretary = || Value::String(Some(PostRole::Secretary.code().to_owned()));
        let int = |y: i32| Value::Int(Some(y));
        let (first, next) = match (
            Date::from_calendar_date(year - 1, time::Month::January, 1),
            Date::from_calendar_date(year, time::Month::January, 1),
        ) {
            (Ok(a), Ok(b)) => (a, b),
            _ => return Err(StoreError::Invalid(format!("{year} 不是有效年份"))),
        };
        let code = || town.map(|t| Value::String(Some(t.as_str().to_owned())));
        // A filter: SQL with `?` for each value, numbered for the backend.
        // For one town, `and` narrows it (its own `?`s and values after).
        let q = |sql: &str, values: Vec<Value>, and: Option<(&str, Vec<Value>)>| -> Query {
            let mut p = Params::new(b);
            let mut text = String::new();
            let mut all = values;
            let mut put = |sql: &str, text: &mut String| {
                for (k, part) in sql.split('?').enumerate() {
                    if k > 0 {
                        text.push_str(&p.next());
                    }
                    text.push_str(part);
                }
            };
            put(sql, &mut text);
            if let (Some((extra, values)), Some(_)) = (and, town) {
                text.push_str(" AND ");
                put(extra, &mut text);
                all.extend(values);
            }
            (text, all)
        };
        let villages_of = "village IN (SELECT code FROM villages WHERE town_code = ?)";
        // The people in the town's secretary posts (any date: the cycle
        // picks the one in post on the day).
        let secretaries_of = "person IN (SELECT person FROM posts WHERE role = ? \
             AND village IN (SELECT code FROM villages WHERE town_code = ?))";
        let of_town = || code().into_iter().collect::<Vec<_>>();
        let of_secretaries = || code().map(|c| vec![secretary(), c]).unwrap_or_default();
        let sessions = "start_on >= ? AND start_on < ?";
        let span = || vec![Value::TimeDate(Some(first)), Value::TimeDate(Some(next))];
        let people = match town {
            // One `IN` over a `UNION`, not two `IN`s joined by `OR`: with
            // the `OR` PostgreSQL cannot turn the subqueries into a join and,
            // once the country's 1.6 million posts outgrow its work memory,
            // probes them row by row (minutes); SQLite merged two index
            // lists (3 s for the country). As one set, both join it (PostgreSQL
            // a hash join, SQLite a list probed by the people's key).
            None => q(
                "citizen_id IN (SELECT person FROM posts WHERE role = ? \
                 UNION SELECT person FROM young_cadres)",
                vec![secretary()],
                None,
            ),
            Some(_) => q(
                "citizen_id IN (SELECT person FROM posts WHERE role = ? \
                 AND village IN (SELECT code FROM villages WHERE town_code = ?) \
                 UNION SELECT person FROM young_cadres \
                 WHERE village IN (SELECT code FROM villages WHERE town_code = ?))",
                [vec![secretary()], of_town(), of_town()].concat(),
                None,
            ),
        };
        Ok(CycleQueries {
            towns: q("1 = 1", Vec::new(), Some(("code = ?", of_town()))),
            villages: q(
                "committee = ?",
                vec![Value::String(Some(
                    crate::committee_code(touyan_records::CommitteeKind::Villagers).to_owned(),
                ))],
                Some(("town_code = ?", of_town())),
            ),
            people,
            posts: q(
                "role = ?",
                vec![secretary()],
                Some((villages_of, of_town())),
            ),
            village_years: q(
                "year = ?",
                vec![int(year - 1)],
                Some((villages_of, of_town())),
            ),
            three_good: q(
                "year = ?",
                vec![int(year)],
                Some((secretaries_of, of_secretaries())),
            ),
            training_sessions: q(sessions, span(), None),
            // For one town, its secretaries' attendance of any year (a
            // few hundred rows; the cycle keeps those of the sessions read):
            // with both `IN`s SQLite probed every session against every
            // secretary (1.4 s on the country's database).
            attendance: match town {
                None => q(
                    &format!(
                        "session_code IN (SELECT code FROM training_sessions WHERE {sessions})"
                    ),
                    span(),
                    None,
                ),
                Some(_) => q(secretaries_of, of_secretaries(), None),
            },
            ballots: q(
                "year < ? AND rater_group IN (?, ?)",
                vec![
                    int(year),
                    Value::String(Some(RaterGroup::PartyMembers.code().to_owned())),
                    Value::String(Some(RaterGroup::PublicReps.code().to_owned())),
                ],
                Some((secretaries_of, of_secretaries())),
            ),
            secondments: q(sessions, span(), Some((secretaries_of, of_secretaries()))),
            reserves: q(
                "post_role = ?",
                vec![secretary()],
                Some((villages_of, of_town())),
            ),
            young_cadres: q("1 = 1", Vec::new(), Some((villages_of, of_town()))),
            town_years: q("year = ?", vec![int(year)], Some(("town = ?", of_town()))),
        })
    }

    /// (table, columns, filter) of every statement.
    fn list(&self) -> Vec<(&'static str, &'static [Col], &Query)> {
        use touyan_records::model::{
            Attendance, Ballots, Person, Post, Reserve, Secondment, ThreeGood, TownYear,
            TrainingSession, VillageYear, YoungCadre,
        };
        fn t<R: Record>(q: &Query) -> (&'static str, &'static [Col], &Query) {
            (R::TABLE, R::COLUMNS, q)
        }
        vec![
            t::<crate::Town>(&self.towns),
            t::<crate::Village>(&self.villages),
            t::<Person>(&self.people),
            t::<Post>(&self.posts),
            t::<VillageYear>(&self.village_years),
            t::<ThreeGood>(&self.three_good),
            t::<TrainingSession>(&self.training_sessions),
            t::<Attendance>(&self.attendance),
            t::<Ballots>(&self.ballots),
            t::<Secondment>(&self.secondments),
            t::<Reserve>(&self.reserves),
            t::<YoungCadre>(&self.young_cadres),
            t::<TownYear>(&self.town_years),
        ]
    }

    /// Runs `f` on every statement; the sum of what it returns.
    fn each(
        &self,
        mut f: impl FnMut(&'static str, &'static [Col], (&str, &[Value])) -> Result<usize, StoreError>,
    ) -> Result<usize, StoreError> {
        let mut n = 0;
        for (table, cols, q) in self.list() {
            n += f(table, cols, (&q.0, &q.1))?;
        }
        Ok(n)
    }

    /// The records, read through rusqlite: the statements shared out
    /// among the connections (one thread each, all on one snapshot; see
    /// `sqlite_bulk::with_snapshots`), the largest first.
    fn read_sqlite(
        &self,
        conns: Vec<rusqlite::Connection>,
    ) -> Result<touyan_records::model::Records, StoreError> {
        use crate::sqlite_bulk::{read_job, run_jobs};
        let mut r = touyan_records::model::Records::default();
        {
            let touyan_records::model::Records {
                towns,
                villages,
                people,
                posts,
                village_years,
                three_good,
                training_sessions,
                attendance,
                ballots,
                secondments,
                reserves,
                young_cadres,
                town_years,
                ..
            } = &mut r;
            fn j<'a, R: Record + Send>(
                q: &'a Query,
                slot: &'a mut Vec<R>,
            ) -> crate::sqlite_bulk::Job<'a> {
                read_job(&q.0, &q.1, slot)
            }
            // Largest first (Shandong: people 0.19 M rows with two
            // subqueries, secretary posts, village facts, 三好三强, …).
            run_jobs(
                conns,
                vec![
                    j(&self.people, people),
                    j(&self.posts, posts),
                    j(&self.village_years, village_years),
                    j(&self.three_good, three_good),
                    j(&self.villages, villages),
                    j(&self.ballots, ballots),
                    j(&self.young_cadres, young_cadres),
                    j(&self.reserves, reserves),
                    j(&self.attendance, attendance),
                    j(&self.town_years, town_years),
                    j(&self.training_sessions, training_sessions),
                    j(&self.towns, towns),
                    j(&self.secondments, secondments),
                ],
            )?;
        }
        Ok(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proposal(village: &str, place: Option<u32>) -> CycleSecretary {
        CycleSecretary {
            year: 2025,
            village: VillageCode::parse(village).unwrap(),
            town: TownCode::parse(&village[..9]).unwrap(),
            person: CitizenId::parse("11010519491231002X").unwrap(),
            eligible: place.is_some(),
            place,
            tier: place.map(|_| 3),
            checks_json: format!("{{\"village\":\"{village}\"}}"),
        }
    }

    fn villages<'a>(list: &'a [(&'a CycleSecretary, i64)]) -> Vec<&'a str> {
        list.iter().map(|(s, _)| s.village.as_str()).collect()
    }

    fn code(v: &str) -> VillageCode {
        VillageCode::parse(v).unwrap()
    }

    fn codes(list: &[VillageCode]) -> Vec<&str> {
        list.iter().map(VillageCode::as_str).collect()
    }

    #[test]
    fn a_plan_merges_stored_rows_with_proposals_given_in_any_order() {
        let a = proposal("370783100201", Some(1));
        let b = proposal("370783100202", None);
        let c = proposal("370783100203", Some(2));
        let e = proposal("370783100205", None);
        // Both sides out of village order on purpose. a unchanged, b
        // changed, c stored before m0007 (no digest), d and f gone, e new.
        let new = vec![e.clone(), a.clone(), c.clone(), b.clone()];
        let stored = vec![
            (code("370783100206"), Some(9)),
            (code("370783100201"), Some(digest(&a))),
            (code("370783100202"), Some(digest(&b).wrapping_add(1))),
            (code("370783100203"), None),
            (code("370783100204"), Some(7)),
        ];
        let p = plan(stored, &new).unwrap();
        assert_eq!(p.unchanged, 1);
        assert_eq!(villages(&p.update), ["370783100202", "370783100203"]);
        assert_eq!(villages(&p.insert), ["370783100205"]);
        assert_eq!(p.insert[0].1, digest(&e));
        assert_eq!(codes(&p.delete), ["370783100204", "370783100206"]);
    }

    #[test]
    fn a_plan_with_nothing_stored_inserts_everything_and_with_nothing_new_deletes_everything() {
        let a = proposal("370783100201", Some(1));
        let b = proposal("370783100202", None);
        let new = vec![a, b];
        let p = plan(Vec::new(), &new).unwrap();
        assert_eq!(villages(&p.insert), ["370783100201", "370783100202"]);
        assert!(p.update.is_empty() && p.delete.is_empty());
        assert_eq!(p.unchanged, 0);

        let stored = vec![
            (code("370783100209"), Some(1)),
            (code("370783100201"), None),
        ];
        let p = plan(stored, &[]).unwrap();
        assert!(p.insert.is_empty());
        assert_eq!(codes(&p.delete), ["370783100201", "370783100209"]);
    }

    #[test]
    fn a_merge_refuses_a_village_twice_and_villages_out_of_order() {
        let a = proposal("370783100201", Some(1));
        let b = proposal("370783100202", None);
        let twice = vec![a.clone(), b.clone(), proposal("370783100201", None)];
        let Err(e) = plan(Vec::new(), &twice) else {
            panic!("a village proposed twice was taken");
        };
        assert!(e.to_string().contains("370783100201"), "{e}");
        assert!(e.to_string().contains("不止一次"), "{e}");

        // Step by step, in village order.
        let mut m = Merge::new(vec![(code("370783100201"), Some(digest(&a)))]);
        let mut gone = Vec::new();
        assert_eq!(
            m.step(2025, b.village, digest(&b), &mut gone).unwrap(),
            Step::Insert
        );
        assert_eq!(codes(&gone), ["370783100201"]);
        let e = m.step(2025, a.village, digest(&a), &mut gone).unwrap_err();
        assert!(e.to_string().contains("顺序"), "{e}");
        let e = m.step(2025, b.village, digest(&b), &mut gone).unwrap_err();
        assert!(e.to_string().contains("不止一次"), "{e}");
    }
}
