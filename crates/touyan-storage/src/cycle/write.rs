//! The run's write ([`Store::replace_cycle`]): the scope checked, then on a
//! SQLite file the rusqlite path of [`sqlite`](super::sqlite), otherwise
//! (PostgreSQL, an in-memory SQLite database) through sqlx in one
//! transaction: towns updated or inserted and logged, then the secretary
//! rows deleted, updated and inserted as the [`plan`](super::plan) says.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, Statement, Value};
use touyan_records::{TownCode, VillageCode};

use super::plan::{plan, stored_village, town_log};
use super::{CycleSecretary, CycleTown, CycleWritten, scope_filter};
use crate::record::{Cell, Kind, Record, cells};
use crate::sql::Params;
use crate::{Store, StoreError, Tx};

impl Store {
    /// Replaces the proposals of `year` — of every town, or only of `town`
    /// — with `towns` and `secretaries`, in one transaction on behalf of
    /// `actor` (see the module's note on what is logged). Every row given
    /// must be of `year` (and of `town` when given). `progress` is told how
    /// many secretary rows are written as the write goes.
    // One piece: one transaction: the plan, the writes and the log share it.
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
            return Err(StoreError::Internal(format!(
                "{y} 年镇街 {} 的测算结果不在本次范围（{year} 年{}）内",
                t.as_str(),
                town.map_or(String::new(), |x| format!("、镇街 {}", x.as_str()))
            )));
        }
        if let Some(path) = self.sqlite_file() {
            // Synchronous (rusqlite) on the calling thread: the command
            // line's one write; see `sqlite_bulk` for why.
            return super::sqlite::replace_cycle(
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
        let old_by_key: HashMap<&[Cell], &Vec<Cell>> =
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
