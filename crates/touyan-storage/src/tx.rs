//! Write transactions: every row inserted, updated or deleted through a
//! [`Tx`] is logged in `change_log` in the same transaction, with its
//! `updated_at`/`updated_by` columns. The entries are kept until the
//! commit, which chains them onto the log's head (`audit/chain.rs`).

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};

use sea_orm::{ConnectionTrait, DatabaseTransaction, Statement, Value};
use time::PrimitiveDateTime;

use crate::audit::chain;
use crate::record::{Cell, Record, cells, key_text, row_json};
use crate::sql::{Params, bind, column_list, count, key_match, list};
use crate::{Action, Backend, StoreError, migrations};

/// What a write did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Written {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub deleted: u64,
}

impl std::ops::AddAssign for Written {
    fn add_assign(&mut self, o: Written) {
        self.inserted += o.inserted;
        self.updated += o.updated;
        self.unchanged += o.unchanged;
        self.deleted += o.deleted;
    }
}

/// A write transaction on behalf of one actor. Commit it with
/// [`Tx::commit`]; dropped without, it is rolled back.
pub struct Tx {
    pub(crate) tx: DatabaseTransaction,
    pub(crate) backend: Backend,
    pub(crate) actor: String,
    /// When the transaction began (UTC): every row and log entry it writes
    /// carries this time.
    pub(crate) now: PrimitiveDateTime,
    /// Where the request came from (a web client's address), if anywhere.
    pub(crate) origin: Option<String>,
    /// Whether a record table was written: the commit then moves the
    /// data version on ([`Store::data_version`]).
    pub(crate) wrote_records: AtomicBool,
    /// The change-log entries written so far, chained onto the log's
    /// head when the transaction commits (`audit/chain.rs`).
    pub(crate) pending_log: std::sync::Mutex<Vec<chain::Entry>>,
}

/// A change-log entry waiting to be written.
pub(crate) struct LogEntry {
    pub(crate) key: String,
    pub(crate) action: Action,
    pub(crate) before: Option<String>,
    pub(crate) after: Option<String>,
}

impl Tx {
    pub fn actor(&self) -> &str {
        &self.actor
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Makes everything written in the transaction permanent: its
    /// change-log entries are chained onto the log's head; when it wrote
    /// records, the data version moves on in the same transaction.
    pub async fn commit(self) -> Result<(), StoreError> {
        let log = std::mem::take(&mut *self.pending());
        chain::append(&self.tx, self.backend, &log).await?;
        if self.wrote_records.load(Ordering::Relaxed) {
            self.tx
                .execute_unprepared(migrations::m0008_data_version::BUMP)
                .await?;
        }
        self.tx.commit().await.map_err(StoreError::from)
    }

    fn pending(&self) -> std::sync::MutexGuard<'_, Vec<chain::Entry>> {
        self.pending_log.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Keeps a change-log entry for the commit.
    pub(crate) fn push_log(&self, e: chain::Entry) {
        self.pending().push(e);
    }

    /// Notes that a record table was written.
    pub(crate) fn wrote(&self) {
        self.wrote_records.store(true, Ordering::Relaxed);
    }

    /// Throws everything written in the transaction away.
    pub async fn rollback(self) -> Result<(), StoreError> {
        self.tx.rollback().await.map_err(StoreError::from)
    }

    /// Every record of a kind as this transaction sees it, in key order.
    pub async fn list<R: Record>(&self) -> Result<Vec<R>, StoreError> {
        list::<R, _>(&self.tx, self.backend).await
    }

    pub async fn count<R: Record>(&self) -> Result<u64, StoreError> {
        count(&self.tx, R::TABLE).await
    }

    /// Rows per statement for a table of `cols` data columns: the audit
    /// columns too, under the backend's bind limit.
    pub(crate) fn chunk<R: Record>(&self) -> usize {
        (self.backend.bind_limit() / (R::COLUMNS.len() + 3)).max(1)
    }

    pub(crate) fn rows<R: Record>(rows: &[R]) -> Result<Vec<Vec<Cell>>, StoreError> {
        let out: Vec<Vec<Cell>> = rows.iter().map(R::to_row).collect::<Result<_, _>>()?;
        let mut seen = HashSet::with_capacity(out.len());
        for r in &out {
            if !seen.insert(&r[..R::KEY]) {
                return Err(StoreError::Invalid(format!(
                    "同一批{}中 {} 出现了不止一次",
                    R::ZH,
                    key_text(&r[..R::KEY])
                )));
            }
        }
        Ok(out)
    }

    /// Inserts `rows`; a key already there fails the statement (and so,
    /// unless the caller goes on, the transaction).
    pub async fn insert<R: Record>(&mut self, rows: &[R]) -> Result<u64, StoreError> {
        let all = Self::rows(rows)?;
        for chunk in all.chunks(self.chunk::<R>()) {
            self.insert_rows::<R>(chunk).await?;
            let log: Vec<LogEntry> = chunk
                .iter()
                .map(|r| LogEntry {
                    key: key_text(&r[..R::KEY]),
                    action: Action::Insert,
                    before: None,
                    after: Some(row_json(R::COLUMNS, r)),
                })
                .collect();
            self.log::<R>(&log).await?;
        }
        Ok(all.len() as u64)
    }

    /// Inserts new records and updates changed ones, by key; records stored
    /// exactly as given are left alone (no write, no log entry).
    pub async fn upsert<R: Record>(&mut self, rows: &[R]) -> Result<Written, StoreError> {
        self.upsert_with_progress(rows, &mut |_| {}).await
    }

    /// [`Tx::upsert`], telling `progress` how many rows are done after
    /// each statement.
    pub async fn upsert_with_progress<R: Record>(
        &mut self,
        rows: &[R],
        progress: &mut (dyn FnMut(usize) + Send),
    ) -> Result<Written, StoreError> {
        self.write_rows(rows, progress, true).await
    }

    /// Inserts the new rows of `rows` and leaves the ones stored the same;
    /// a row that would change a stored record refuses the whole
    /// transaction (the records a form only ever adds: an import may add
    /// them, or bring the same again, never rewrite one).
    pub async fn add_or_same<R: Record>(&mut self, rows: &[R]) -> Result<Written, StoreError> {
        self.write_rows(rows, &mut |_| {}, false).await
    }

    async fn write_rows<R: Record>(
        &mut self,
        rows: &[R],
        progress: &mut (dyn FnMut(usize) + Send),
        may_change: bool,
    ) -> Result<Written, StoreError> {
        let all = Self::rows(rows)?;
        let mut w = Written::default();
        let mut done = 0;
        for chunk in all.chunks(self.chunk::<R>()) {
            let existing = self.existing::<R>(chunk).await?;
            let mut new = Vec::new();
            let mut log = Vec::new();
            for row in chunk {
                let key = &row[..R::KEY];
                match existing.get(key) {
                    None => {
                        new.push(row.clone());
                        log.push(LogEntry {
                            key: key_text(key),
                            action: Action::Insert,
                            before: None,
                            after: Some(row_json(R::COLUMNS, row)),
                        });
                    }
                    Some(old) if old == row => w.unchanged += 1,
                    Some(_) if !may_change => {
                        let n = chunk
                            .iter()
                            .filter(|r| existing.get(&r[..R::KEY]).is_some_and(|o| o != *r))
                            .count();
                        return Err(StoreError::RecordedDiffers {
                            what: R::ZH,
                            count: n,
                        });
                    }
                    Some(old) => {
                        self.update_row::<R>(row).await?;
                        w.updated += 1;
                        log.push(LogEntry {
                            key: key_text(key),
                            action: Action::Update,
                            before: Some(row_json(R::COLUMNS, old)),
                            after: Some(row_json(R::COLUMNS, row)),
                        });
                    }
                }
            }
            if !new.is_empty() {
                self.insert_rows::<R>(&new).await?;
                w.inserted += new.len() as u64;
            }
            self.log::<R>(&log).await?;
            done += chunk.len();
            progress(done);
        }
        Ok(w)
    }

    /// Deletes the stored records with the keys of `rows` (the other values
    /// in `rows` are not looked at); returns how many were there.
    pub async fn delete<R: Record>(&mut self, rows: &[R]) -> Result<u64, StoreError> {
        let all = Self::rows(rows)?;
        let mut deleted = 0;
        for chunk in all.chunks(self.chunk::<R>()) {
            let existing = self.existing::<R>(chunk).await?;
            let mut log = Vec::new();
            for row in chunk {
                let key = &row[..R::KEY];
                if let Some(old) = existing.get(key) {
                    let mut p = Params::new(self.backend);
                    let sql = format!("DELETE FROM {} WHERE {}", R::TABLE, key_match::<R>(&mut p));
                    let values = bind(key, &R::COLUMNS[..R::KEY])?;
                    self.exec::<R>(sql, values).await?;
                    deleted += 1;
                    log.push(LogEntry {
                        key: key_text(key),
                        action: Action::Delete,
                        before: Some(row_json(R::COLUMNS, old)),
                        after: None,
                    });
                }
            }
            self.log::<R>(&log).await?;
        }
        Ok(deleted)
    }

    pub(crate) async fn exec<R: Record>(
        &self,
        sql: String,
        values: Vec<Value>,
    ) -> Result<(), StoreError> {
        self.wrote();
        self.tx
            .execute_raw(Statement::from_sql_and_values(
                self.backend.db(),
                sql,
                values,
            ))
            .await
            .map_err(|e| StoreError::writing(R::ZH, e))?;
        Ok(())
    }

    /// The stored rows with the keys of `chunk`, by key.
    pub(crate) async fn existing<R: Record>(
        &self,
        chunk: &[Vec<Cell>],
    ) -> Result<HashMap<Vec<Cell>, Vec<Cell>>, StoreError> {
        let mut p = Params::new(self.backend);
        let key_cols = &R::COLUMNS[..R::KEY];
        let filter = if R::KEY == 1 {
            let list: Vec<String> = chunk.iter().map(|_| p.next()).collect();
            format!("{} IN ({})", key_cols[0].name, list.join(", "))
        } else {
            // Row values against a VALUES list: SQLite (3.15+) and
            // PostgreSQL both take this form.
            let list: Vec<String> = chunk.iter().map(|_| p.tuple(R::KEY)).collect();
            format!(
                "({}) IN (VALUES {})",
                column_list(key_cols),
                list.join(", ")
            )
        };
        let sql = format!(
            "SELECT {} FROM {} WHERE {filter}",
            column_list(R::COLUMNS),
            R::TABLE
        );
        let mut values = Vec::with_capacity(chunk.len() * R::KEY);
        for row in chunk {
            values.extend(bind(&row[..R::KEY], key_cols)?);
        }
        let rows = self
            .tx
            .query_all_raw(Statement::from_sql_and_values(
                self.backend.db(),
                sql,
                values,
            ))
            .await?;
        let mut out = HashMap::with_capacity(rows.len());
        for r in &rows {
            let c = cells(r, R::COLUMNS)?;
            out.insert(c[..R::KEY].to_vec(), c);
        }
        Ok(out)
    }

    pub(crate) async fn insert_rows<R: Record>(
        &self,
        rows: &[Vec<Cell>],
    ) -> Result<(), StoreError> {
        self.wrote();
        let mut p = Params::new(self.backend);
        let width = R::COLUMNS.len() + 3;
        let tuples: Vec<String> = rows.iter().map(|_| p.tuple(width)).collect();
        let sql = format!(
            "INSERT INTO {} ({}, created_at, updated_at, updated_by) VALUES {}",
            R::TABLE,
            column_list(R::COLUMNS),
            tuples.join(", ")
        );
        let mut values = Vec::with_capacity(rows.len() * width);
        for row in rows {
            values.extend(bind(row, R::COLUMNS)?);
            values.push(Value::TimeDateTime(Some(self.now)));
            values.push(Value::TimeDateTime(Some(self.now)));
            values.push(Value::String(Some(self.actor.clone())));
        }
        self.exec::<R>(sql, values).await
    }

    /// Updates the stored rows with the keys of `rows` to `rows`, many
    /// rows a statement (`UPDATE … FROM (VALUES …)`: SQLite 3.33+ and
    /// PostgreSQL both take it, and both name a VALUES list's columns
    /// `column1`, `column2`, …). Not logged: the caller logs.
    pub(crate) async fn update_rows<R: Record>(
        &self,
        rows: &[Vec<Cell>],
    ) -> Result<(), StoreError> {
        let width = R::COLUMNS.len();
        let per = ((self.backend.bind_limit() - 2) / width).max(1);
        for chunk in rows.chunks(per) {
            let mut p = Params::new(self.backend);
            let at = p.next();
            let by = p.next();
            let tuples: Vec<String> = chunk.iter().map(|_| p.tuple(width)).collect();
            let sets: Vec<String> = R::COLUMNS
                .iter()
                .enumerate()
                .skip(R::KEY)
                .map(|(i, c)| format!("{} = v.column{}", c.name, i + 1))
                .collect();
            let keys: Vec<String> = R::COLUMNS[..R::KEY]
                .iter()
                .enumerate()
                .map(|(i, c)| format!("{}.{} = v.column{}", R::TABLE, c.name, i + 1))
                .collect();
            let sql = format!(
                "UPDATE {} SET {}, updated_at = {at}, updated_by = {by} FROM (VALUES {}) AS v WHERE {}",
                R::TABLE,
                sets.join(", "),
                tuples.join(", "),
                keys.join(" AND ")
            );
            let mut values = Vec::with_capacity(chunk.len() * width + 2);
            values.push(Value::TimeDateTime(Some(self.now)));
            values.push(Value::String(Some(self.actor.clone())));
            for row in chunk {
                values.extend(bind(row, R::COLUMNS)?);
            }
            self.exec::<R>(sql, values).await?;
        }
        Ok(())
    }

    async fn update_row<R: Record>(&self, row: &[Cell]) -> Result<(), StoreError> {
        self.wrote();
        let mut p = Params::new(self.backend);
        let sets: Vec<String> = R::COLUMNS[R::KEY..]
            .iter()
            .map(|c| format!("{} = {}", c.name, p.next()))
            .collect();
        let at = p.next();
        let by = p.next();
        let sql = format!(
            "UPDATE {} SET {}, updated_at = {at}, updated_by = {by} WHERE {}",
            R::TABLE,
            sets.join(", "),
            key_match::<R>(&mut p)
        );
        let mut values = bind(&row[R::KEY..], &R::COLUMNS[R::KEY..])?;
        values.push(Value::TimeDateTime(Some(self.now)));
        values.push(Value::String(Some(self.actor.clone())));
        values.extend(bind(&row[..R::KEY], &R::COLUMNS[..R::KEY])?);
        self.exec::<R>(sql, values).await
    }

    pub(crate) async fn log<R: Record>(&self, entries: &[LogEntry]) -> Result<(), StoreError> {
        if !entries.is_empty() {
            self.wrote();
        }
        let mut pending = self.pending();
        pending.extend(entries.iter().map(|e| chain::Entry {
            at: self.now,
            actor: self.actor.clone(),
            table: R::TABLE.to_owned(),
            key: e.key.clone(),
            action: e.action.code().to_owned(),
            before: e.before.clone(),
            after: e.after.clone(),
            origin: self.origin.clone(),
        }));
        Ok(())
    }

    /// Writes one change-log entry (the transaction's actor, time and
    /// origin).
    pub(crate) async fn log_raw(
        &self,
        table: &str,
        key: &str,
        action: crate::Action,
        before: Option<String>,
        after: Option<String>,
    ) -> Result<(), StoreError> {
        self.push_log(chain::Entry {
            at: self.now,
            actor: self.actor.clone(),
            table: table.to_owned(),
            key: key.to_owned(),
            action: action.code().to_owned(),
            before,
            after,
            origin: self.origin.clone(),
        });
        Ok(())
    }
}
