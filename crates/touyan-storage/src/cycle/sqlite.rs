//! The cycle's write on a SQLite file ([`replace_cycle`]): through
//! rusqlite on a connection of its own (see `sqlite_bulk` for why), in one
//! `BEGIN IMMEDIATE` transaction, writing exactly the rows and change-log
//! entries the sqlx path of `write.rs` writes. New proposals go
//! [`INSERT_ROWS`] to a prepared statement; what the foreign keys would
//! check is checked once per key, in key order ([`check_references`]).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use rusqlite::types::Value as SqlValue;
use sea_orm::Value;
use time::PrimitiveDateTime;
use touyan_records::{CitizenId, TownCode, VillageCode};

use super::plan::{plan, stored_village, town_log};
use super::{CycleSecretary, CycleTown, CycleWritten};
use crate::StoreError;
use crate::record::{Cell, Kind, Record, key_text};
use crate::sqlite_bulk::{bind_all, cell, datetime_text, db_err, open, param, writing};

/// When a write transaction begins, as `Store::begin` takes it (UTC,
/// microseconds).
fn now() -> PrimitiveDateTime {
    let now = time::OffsetDateTime::now_utc();
    let t = now
        .time()
        .replace_nanosecond(now.nanosecond() / 1000 * 1000)
        .unwrap_or(now.time());
    PrimitiveDateTime::new(now.date(), t)
}

/// A cell bound as sqlx binds it for a column of `kind` (after the same
/// range check as `Cell::value`).
fn cell_param(c: &Cell, kind: Kind) -> Result<SqlValue, StoreError> {
    param(&c.value(kind)?)
}

/// The stored secretary rows' digests of the scope `filter`, in village
/// order (as [`super::plan::Merge`] walks them): for a whole year
/// answered from the index `cycle_secretaries (year, village, digest)`
/// alone (migration `m0013_cycle_digest_index`), already in that order,
/// not from the table, whose rows carry the reasons.
fn stored_digests(filter: &str) -> String {
    format!("SELECT village, digest FROM cycle_secretaries WHERE {filter} ORDER BY village")
}

/// What the foreign keys of `cycle_towns` and `cycle_secretaries` check,
/// for what a run writes: each town is on record (`towns`), each proposed
/// secretary's town is among the run's town rows (the stored town rows the
/// run does not give again are deleted: checked here), and each village
/// and person of the secretary rows written is on record (the keys
/// returned, for [`check_references`]). Refused as SQLite refuses a
/// foreign key (`MissingReference`), naming what is missing.
///
/// Why not SQLite's own checks: they look each parent up as each row is
/// inserted, in the rows' order — village order, so every person is a
/// lookup at a random place of a 1.7-million-entry index; for the first
/// run of a year over the country that was 1.3 s of a 3.2 s insert. Here
/// each kind of key is looked up once, in ascending order, so the index
/// pages come in order too.
fn references<'a>(
    towns: &[CycleTown],
    proposed: &[CycleSecretary],
    written: impl Iterator<Item = &'a CycleSecretary>,
) -> Result<References, StoreError> {
    let run_towns: HashSet<TownCode> = towns.iter().map(|t| t.town).collect();
    // Every proposal, written or left as it was: the scope's stored town
    // rows not given again are deleted.
    if let Some(s) = proposed.iter().find(|s| !run_towns.contains(&s.town)) {
        return Err(StoreError::MissingReference {
            table: CycleSecretary::ZH,
            message: format!(
                "村 {} 的测算结果所属镇街 {} 不在本次测算的镇街中",
                s.village.as_str(),
                s.town.as_str()
            ),
        });
    }
    // The villages and people of the rows written (a row left as it was
    // names those it named when stored, which foreign keys keep on record).
    let (villages, people) = written.map(|s| (s.village, s.person.clone())).unzip();
    Ok(References {
        towns: towns.iter().map(|t| t.town).collect(),
        villages,
        people,
    })
}

/// The keys a run's rows name, each to be found on record.
struct References {
    towns: Vec<TownCode>,
    villages: Vec<VillageCode>,
    people: Vec<CitizenId>,
}

/// Looks each of the run's keys up once, in ascending order, in a read
/// transaction of its own on `path`; refused as SQLite refuses a foreign
/// key (`MissingReference`), naming what is missing (an ID number masked).
fn check_references(path: &Path, mut r: References) -> Result<(), StoreError> {
    let c = open(path, false)?;
    let snapshot = c.unchecked_transaction().map_err(db_err)?;
    let refused = |table, message| Err(StoreError::MissingReference { table, message });
    let sql = "SELECT 1 FROM towns WHERE code = ?";
    if let Some(t) = first_missing(&snapshot, sql, &mut r.towns, TownCode::as_str)? {
        return refused(CycleTown::ZH, format!("镇街 {t} 不在档案中"));
    }
    let sql = "SELECT 1 FROM villages WHERE code = ?";
    if let Some(v) = first_missing(&snapshot, sql, &mut r.villages, VillageCode::as_str)? {
        return refused(CycleSecretary::ZH, format!("村 {v} 不在档案中"));
    }
    let sql = "SELECT 1 FROM people WHERE citizen_id = ?";
    if let Some(p) = first_missing(&snapshot, sql, &mut r.people, CitizenId::as_str)? {
        let shown = touyan_records::Mask::default().apply(&p);
        return refused(CycleSecretary::ZH, format!("人员 {shown} 不在档案中"));
    }
    Ok(())
}

/// The first of `keys` that `sql` (one parameter) does not find, the keys
/// sorted and their repeats dropped first, so that each is looked up once
/// and in index order.
fn first_missing<K: Ord>(
    snapshot: &rusqlite::Transaction<'_>,
    sql: &str,
    keys: &mut Vec<K>,
    text: fn(&K) -> &str,
) -> Result<Option<String>, StoreError> {
    keys.sort_unstable();
    keys.dedup();
    let mut st = snapshot.prepare(sql).map_err(db_err)?;
    for k in keys.iter() {
        if !st.exists([text(k)]).map_err(db_err)? {
            return Ok(Some(text(k).to_owned()));
        }
    }
    Ok(None)
}

/// New proposals written by one INSERT statement (13 values each: 832
/// parameters, within SQLite's limit of 32,766).
const INSERT_ROWS: usize = 64;

// The insert below binds the ten columns of a proposal and three audit
// columns, in `CycleSecretary::COLUMNS` order.
const _: () = assert!(<CycleSecretary as Record>::COLUMNS.len() == 10);

/// `Store::replace_cycle` on SQLite (the caller has checked the scope).
#[allow(clippy::too_many_arguments)]
// One piece: one SQLite transaction: the plan, the inserts, the reference check on its second connection and the log share its snapshot and statements.
pub(crate) fn replace_cycle(
    path: &Path,
    actor: &str,
    year: i32,
    town: Option<TownCode>,
    towns: &[CycleTown],
    secretaries: &[CycleSecretary],
    progress: &mut (dyn FnMut(usize) + Send),
) -> Result<CycleWritten, StoreError> {
    let actor = actor.trim();
    if actor.is_empty() {
        return Err(StoreError::Internal("未指明操作人".into()));
    }
    let new_rows: Vec<Vec<Cell>> = towns
        .iter()
        .map(CycleTown::to_row)
        .collect::<Result<_, _>>()?;
    {
        let mut seen = HashSet::with_capacity(new_rows.len());
        for r in &new_rows {
            if !seen.insert(&r[..CycleTown::KEY]) {
                return Err(StoreError::Invalid(format!(
                    "同一批{}中 {} 出现了不止一次",
                    CycleTown::ZH,
                    key_text(&r[..CycleTown::KEY])
                )));
            }
        }
    }
    let mut c = open(path, true)?;
    // This transaction's references are checked by `check_references`
    // below, under the same write lock, instead of by SQLite row by row.
    // (The pragma cannot change inside a transaction; the connection is
    // this call's own.)
    c.execute_batch("PRAGMA foreign_keys = OFF")
        .map_err(db_err)?;
    let tx = c
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(db_err)?;
    let began = now();
    let now = datetime_text(began);
    let (filter, scope): (&str, Vec<Value>) = match town {
        None => ("year = ?", vec![Value::Int(Some(year))]),
        Some(t) => (
            "year = ? AND town = ?",
            vec![
                Value::Int(Some(year)),
                Value::String(Some(t.as_str().to_owned())),
            ],
        ),
    };
    let scope = bind_all(&scope)?;
    // The stored town rows of the scope, for the log.
    let old: Vec<Vec<Cell>> = {
        let sql = format!(
            "SELECT {} FROM cycle_towns WHERE {filter}",
            crate::sql::column_list(CycleTown::COLUMNS)
        );
        let mut st = tx.prepare(&sql).map_err(db_err)?;
        let mut rows = st
            .query(rusqlite::params_from_iter(scope.iter()))
            .map_err(db_err)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(db_err)? {
            let mut cells = Vec::with_capacity(CycleTown::COLUMNS.len());
            for (i, col) in CycleTown::COLUMNS.iter().enumerate() {
                cells.push(cell(row, i, col).map_err(|message| StoreError::Corrupt {
                    table: CycleTown::ZH,
                    key: String::new(),
                    message,
                })?);
            }
            out.push(cells);
        }
        out
    };
    // The stored secretary rows' digests, and what the run changes.
    let plan = {
        let mut st = tx.prepare(&stored_digests(filter)).map_err(db_err)?;
        let mut rows = st
            .query(rusqlite::params_from_iter(scope.iter()))
            .map_err(db_err)?;
        let mut stored = Vec::new();
        while let Some(row) = rows.next().map_err(db_err)? {
            let village = row
                .get_ref(0)
                .and_then(|v| v.as_str().map_err(rusqlite::Error::from))
                .map_err(db_err)?;
            let digest: Option<i64> = row.get(1).map_err(db_err)?;
            stored.push((stored_village(village)?, digest));
        }
        plan(stored, secretaries)?
    };
    // The references are checked on a second connection and thread while
    // this one writes: its snapshot, taken after this transaction took the
    // write lock, is the state this transaction started from (nobody else
    // can commit meanwhile, and the run writes no town, village or
    // person).
    let refs = references(
        towns,
        secretaries,
        plan.insert.iter().chain(&plan.update).map(|r| r.0),
    )?;
    let check = {
        let path = path.to_path_buf();
        std::thread::spawn(move || check_references(&path, refs))
    };
    let old_by_key: HashMap<&[Cell], &Vec<Cell>> =
        old.iter().map(|r| (&r[..CycleTown::KEY], r)).collect();
    // Towns first (the secretaries' rows refer to them): those the scope
    // had are updated in place (the key does not change, so their
    // secretaries' rows stay valid), the others inserted; then the log.
    {
        let insert = format!(
            "INSERT INTO cycle_towns ({}, created_at, updated_at, updated_by) VALUES ({})",
            crate::sql::column_list(CycleTown::COLUMNS),
            vec!["?"; CycleTown::COLUMNS.len() + 3].join(", ")
        );
        let update = format!(
            "UPDATE cycle_towns SET {}, updated_at = ?, updated_by = ? WHERE year = ? AND town = ?",
            CycleTown::COLUMNS[CycleTown::KEY..]
                .iter()
                .map(|c| format!("{} = ?", c.name))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let mut ins = tx.prepare(&insert).map_err(db_err)?;
        let mut upd = tx.prepare(&update).map_err(db_err)?;
        for r in &new_rows {
            let values = r
                .iter()
                .zip(CycleTown::COLUMNS)
                .map(|(c, col)| cell_param(c, col.kind))
                .collect::<Result<Vec<_>, _>>()?;
            let audit = [
                SqlValue::Text(now.clone()),
                SqlValue::Text(actor.to_owned()),
            ];
            if old_by_key.contains_key(&r[..CycleTown::KEY]) {
                let (key, rest) = values.split_at(CycleTown::KEY);
                upd.execute(rusqlite::params_from_iter(
                    rest.iter().chain(&audit).chain(key),
                ))
                .map_err(|e| writing(CycleTown::ZH, e))?;
            } else {
                ins.execute(rusqlite::params_from_iter(
                    values
                        .iter()
                        .chain(std::iter::once(&SqlValue::Text(now.clone())))
                        .chain(&audit),
                ))
                .map_err(|e| writing(CycleTown::ZH, e))?;
            }
        }
    }
    let (log, gone_towns) = town_log(&old, &old_by_key, &new_rows);
    let entries: Vec<crate::audit::chain::Entry> = log
        .into_iter()
        .map(|e| crate::audit::chain::Entry {
            at: began,
            actor: actor.to_owned(),
            table: CycleTown::TABLE.to_owned(),
            key: e.key,
            action: e.action.code().to_owned(),
            before: e.before,
            after: e.after,
            origin: None,
        })
        .collect();
    crate::audit::chain::append_sqlite(&tx, &entries)?;
    // The secretaries, bound from the records themselves (the reasons are
    // not copied): rows no longer proposed deleted, changed ones updated,
    // new ones inserted; unchanged ones left alone.
    {
        let mut st = tx
            .prepare("DELETE FROM cycle_secretaries WHERE year = ? AND village = ?")
            .map_err(db_err)?;
        for v in &plan.delete {
            st.execute(rusqlite::params![year, v.as_str()])
                .map_err(|e| writing(CycleSecretary::ZH, e))?;
        }
    }
    let mut done = plan.unchanged as usize;
    {
        let mut st = tx
            .prepare(
                "UPDATE cycle_secretaries SET town = ?, person = ?, eligible = ?, included = ?, \
                 list_place = ?, tier = ?, checks_json = ?, digest = ?, updated_at = ?, \
                 updated_by = ? WHERE year = ? AND village = ?",
            )
            .map_err(db_err)?;
        for (s, d) in &plan.update {
            st.execute(rusqlite::params![
                s.town.as_str(),
                s.person.as_str(),
                s.eligible,
                s.place.is_some(),
                s.place.map(i64::from),
                s.tier.map(i64::from),
                s.checks_json,
                d,
                now,
                actor,
                s.year,
                s.village.as_str(),
            ])
            .map_err(|e| writing(CycleSecretary::ZH, e))?;
            done += 1;
            if done.is_multiple_of(4096) {
                progress(done);
            }
        }
    }
    // New rows, `INSERT_ROWS` to a statement: SQLite opens and positions
    // the cursors of the table and its three indexes once per statement,
    // which for one row at a time was about half the cost of each insert
    // (the country's first run: 487,304 rows).
    {
        let columns = CycleSecretary::COLUMNS.len() + 3;
        let statement = |rows: usize| {
            let one = format!("({})", vec!["?"; columns].join(", "));
            format!(
                "INSERT INTO cycle_secretaries ({}, created_at, updated_at, updated_by) VALUES {}",
                crate::sql::column_list(CycleSecretary::COLUMNS),
                vec![one.as_str(); rows].join(", ")
            )
        };
        let mut full = tx.prepare(&statement(INSERT_ROWS)).map_err(db_err)?;
        for chunk in plan.insert.chunks(INSERT_ROWS) {
            let mut rest;
            let st = if chunk.len() == INSERT_ROWS {
                &mut full
            } else {
                rest = tx.prepare(&statement(chunk.len())).map_err(db_err)?;
                &mut rest
            };
            for (k, (s, d)) in chunk.iter().enumerate() {
                let values: [&dyn rusqlite::ToSql; 13] = [
                    &s.year,
                    &s.village.as_str(),
                    &s.town.as_str(),
                    &s.person.as_str(),
                    &s.eligible,
                    &s.place.is_some(),
                    &s.place.map(i64::from),
                    &s.tier.map(i64::from),
                    &s.checks_json,
                    d,
                    &now,
                    &now,
                    &actor,
                ];
                for (i, v) in values.iter().enumerate() {
                    st.raw_bind_parameter(k * columns + i + 1, v)
                        .map_err(db_err)?;
                }
            }
            st.raw_execute()
                .map_err(|e| writing(CycleSecretary::ZH, e))?;
            let before = done;
            done += chunk.len();
            if done / 4096 != before / 4096 {
                progress(done);
            }
        }
    }
    {
        let mut st = tx
            .prepare("DELETE FROM cycle_towns WHERE year = ? AND town = ?")
            .map_err(db_err)?;
        for o in &gone_towns {
            let town = cell_param(&o[1], Kind::Text)?;
            st.execute(rusqlite::params![year, town])
                .map_err(|e| writing(CycleTown::ZH, e))?;
        }
    }
    progress(secretaries.len());
    // The records changed: the data version moves on (as `Tx::commit`).
    tx.execute(crate::migrations::m0008_data_version::BUMP, [])
        .map_err(db_err)?;
    // Commit only if the references hold.
    check
        .join()
        .unwrap_or_else(|_| Err(StoreError::Internal("引用检查中断".into())))?;
    tx.commit().map_err(db_err)?;
    Ok(CycleWritten {
        towns_replaced: old.len() as u64,
        towns_written: towns.len() as u64,
        secretaries_inserted: plan.insert.len() as u64,
        secretaries_updated: plan.update.len() as u64,
        secretaries_unchanged: plan.unchanged,
        secretaries_deleted: plan.delete.len() as u64,
    })
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use super::*;

    /// The plan SQLite chooses for a statement, one line per step.
    fn plan_of(c: &Connection, sql: &str) -> String {
        let mut st = c.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let rows = st
            .query_map([2025], |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        rows.join("\n")
    }

    #[tokio::test]
    async fn a_reruns_stored_digests_are_read_from_their_index_alone() {
        let db = crate::testing::TestDb::sqlite();
        let store = db.open().await;
        let path = store.sqlite_file().expect("a SQLite file");
        let c = open(&path, false).unwrap();
        let plan = plan_of(&c, &stored_digests("year = ?"));
        assert!(
            plan.contains("COVERING INDEX cycle_secretaries_digest"),
            "{plan}"
        );
        // In the index's order: no sort.
        assert!(!plan.contains("TEMP B-TREE"), "{plan}");
        // Without the index the same read goes through the table.
        let w = open(&path, true).unwrap();
        w.execute_batch("DROP INDEX cycle_secretaries_digest")
            .unwrap();
        let c = open(&path, false).unwrap();
        let plan = plan_of(&c, &stored_digests("year = ?"));
        assert!(!plan.contains("COVERING INDEX"), "{plan}");
    }
}
