//! The server's read path on a SQLite file: a few read-only rusqlite
//! connections, each owned by a thread of its own, opened once.
//!
//! Why: through sqlx every SQLite row crosses from sqlx's worker thread to
//! the async caller as a boxed row of owned values (see `sqlite_bulk`);
//! under the load benchmark (`bench/serve.sh`) that hand-over was about a
//! quarter of the server's CPU. Here a statement (or a batch of them) is
//! sent to one of the pool's threads as one job: the thread steps it on its
//! own connection with a cached prepared statement, reads the columns by
//! position into owned values and sends the rows back through a oneshot
//! channel. The async side never blocks; the threads are a fixed number, so
//! the blocking work is bounded whatever the load (jobs wait in the queue).
//!
//! The SQL is the same text that PostgreSQL and the sqlx path run (the
//! `Query` helper of `sql.rs` builds it once); the rows come back as
//! [`Row`], which both paths implement, and are decoded by the same code.
//! Values are bound and decoded in sqlx's SQLite encoding (dates as
//! `YYYY-MM-DD`, times as sqlx writes them, booleans as 0/1), so a value
//! compared in SQL (a session's `last_seen_at`) compares as it does there.
//!
//! A batch runs in one read transaction: one snapshot for all its
//! statements (the one-person file's twenty tables are read as of one
//! moment). WAL lets these connections read beside the pool's writer; a
//! read after a committed write, on any connection, sees it.

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};

use rusqlite::types::{Value as SqlValue, ValueRef};
use rusqlite::{Connection, OpenFlags};
use sea_orm::{QueryResult, TryGetable, Value};
use time::{Date, PrimitiveDateTime};

use crate::StoreError;
use crate::record::{Cell, Col, Kind};
use crate::store::BUSY_TIMEOUT;

/// Statements each connection keeps prepared.
const STATEMENT_CACHE: usize = 128;

/// Page cache of each read connection, in KiB (SQLite's negative
/// `cache_size`). The file's pages are in the operating system's cache
/// anyway; this keeps the hot index pages without copying, and the pool's
/// memory bounded (the server's goal is under 150 MB). It also bounds a
/// sort's memory: a larger sort spills to a temporary file, so
/// `temp_store` is left at its default.
const CACHE_KIB: i64 = 4 * 1024;

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

/// Read-only connections to one SQLite file, one per thread, opened at
/// the first read (a store that never reads through the pool — a command
/// that only writes — opens none).
pub(crate) struct ReadPool {
    path: PathBuf,
    threads: usize,
    jobs: Mutex<Option<Sender<Job>>>,
}

impl std::fmt::Debug for ReadPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadPool")
            .field("path", &self.path)
            .field("threads", &self.threads)
            .finish()
    }
}

fn db_err(e: rusqlite::Error) -> StoreError {
    StoreError::Database(e.to_string())
}

fn open(path: &Path) -> Result<Connection, StoreError> {
    let c = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| StoreError::Open {
        url: path.display().to_string(),
        message: e.to_string(),
    })?;
    c.busy_timeout(BUSY_TIMEOUT).map_err(db_err)?;
    c.execute_batch(&format!("PRAGMA cache_size = -{CACHE_KIB};"))
        .map_err(db_err)?;
    c.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(c)
}

fn worker(mut c: Connection, jobs: Arc<Mutex<Receiver<Job>>>) {
    loop {
        // One thread waits on the queue at a time; the others wait for the
        // lock. A job is taken and the lock released before it runs.
        let job = {
            let rx = jobs.lock().unwrap_or_else(|e| e.into_inner());
            rx.recv()
        };
        let Ok(job) = job else {
            // The pool is gone (the store was dropped).
            return;
        };
        // A panicking job drops its reply sender (the caller gets an
        // error); the thread and its connection stay.
        let _ = std::panic::catch_unwind(AssertUnwindSafe(|| job(&mut c)));
    }
}

impl ReadPool {
    /// `threads` connections to the SQLite file at `path`, opened at the
    /// first read.
    pub(crate) fn new(path: PathBuf, threads: usize) -> ReadPool {
        ReadPool {
            path,
            threads: threads.max(1),
            jobs: Mutex::new(None),
        }
    }

    /// Opens the connections and starts their threads.
    fn start(&self) -> Result<Sender<Job>, StoreError> {
        let connections = (0..self.threads)
            .map(|_| open(&self.path))
            .collect::<Result<Vec<_>, _>>()?;
        let (tx, rx) = channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        for (i, c) in connections.into_iter().enumerate() {
            let rx = rx.clone();
            std::thread::Builder::new()
                .name(format!("touyan-read-{i}"))
                .spawn(move || worker(c, rx))
                .map_err(|e| StoreError::Database(format!("无法启动读取线程：{e}")))?;
        }
        Ok(tx)
    }

    /// Runs `f` on one of the pool's connections and returns its answer.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let (send, recv) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |c| {
            let _ = send.send(f(c));
        });
        {
            let mut jobs = self.jobs.lock().unwrap_or_else(|e| e.into_inner());
            if jobs.is_none() {
                // The first read (a failure is retried by the next one).
                *jobs = Some(self.start()?);
            }
            jobs.as_ref()
                .map(|tx| tx.send(job))
                .ok_or_else(|| StoreError::Database("读取线程未能启动".into()))?
                .map_err(|_| StoreError::Database("读取线程已停止".into()))?;
        }
        recv.await
            .map_err(|_| StoreError::Database("读取失败：读取线程出现内部错误".into()))?
    }

    /// The rows of each statement (SQL with `?` placeholders and its
    /// values), in one read transaction when there are several.
    pub(crate) async fn fetch(
        &self,
        statements: Vec<(String, Vec<Value>)>,
    ) -> Result<Vec<Vec<Row>>, StoreError> {
        self.run(move |c| {
            let snapshot = statements.len() > 1;
            if snapshot {
                c.execute_batch("BEGIN").map_err(db_err)?;
            }
            let out = statements
                .iter()
                .map(|(sql, values)| rows(c, sql, values))
                .collect::<Result<Vec<_>, _>>();
            if snapshot {
                // A read transaction: ending it cannot lose anything.
                let _ = c.execute_batch("COMMIT");
            }
            out
        })
        .await
    }
}

fn rows(c: &Connection, sql: &str, values: &[Value]) -> Result<Vec<Row>, StoreError> {
    let mut st = c.prepare_cached(sql).map_err(db_err)?;
    let params = values
        .iter()
        .map(crate::sqlite_bulk::param)
        .collect::<Result<Vec<_>, _>>()?;
    let n = st.column_count();
    let mut rows = st
        .query(rusqlite::params_from_iter(params.iter()))
        .map_err(db_err)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(db_err)? {
        let mut values = Vec::with_capacity(n);
        for i in 0..n {
            values.push(match row.get_ref(i).map_err(db_err)? {
                ValueRef::Null => SqlValue::Null,
                ValueRef::Integer(x) => SqlValue::Integer(x),
                ValueRef::Real(x) => SqlValue::Real(x),
                ValueRef::Text(t) => {
                    SqlValue::Text(String::from_utf8(t.to_vec()).map_err(|_| {
                        StoreError::Database(format!("第 {i} 列不是有效的 UTF-8 文本"))
                    })?)
                }
                ValueRef::Blob(b) => SqlValue::Blob(b.to_vec()),
            });
        }
        out.push(Row::Lite(values));
    }
    Ok(out)
}

/// A result row of either path: sqlx's, or the read pool's owned values.
pub(crate) enum Row {
    Sqlx(QueryResult),
    Lite(Vec<SqlValue>),
}

impl Row {
    /// Column `i` (from 0) as a `T`, with sqlx's decoding on either path.
    pub(crate) fn try_get_by_index<T: Get>(&self, i: usize) -> Result<T, StoreError> {
        match self {
            Row::Sqlx(r) => r.try_get_by_index::<T>(i).map_err(StoreError::from),
            Row::Lite(values) => values
                .get(i)
                .ok_or_else(|| format!("结果中没有第 {i} 列"))
                .and_then(T::lite)
                .map_err(StoreError::Database),
        }
    }

    /// The row's first columns as the cells of `cols`.
    pub(crate) fn cells(&self, cols: &[Col]) -> Result<Vec<Cell>, StoreError> {
        match self {
            Row::Sqlx(r) => crate::record::cells(r, cols).map_err(StoreError::from),
            Row::Lite(_) => cols
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    Ok(match c.kind {
                        Kind::Text => self
                            .try_get_by_index::<Option<String>>(i)?
                            .map_or(Cell::Null, Cell::Text),
                        Kind::Int => self
                            .try_get_by_index::<Option<i32>>(i)?
                            .map_or(Cell::Null, |v| Cell::Int(v.into())),
                        Kind::BigInt => self
                            .try_get_by_index::<Option<i64>>(i)?
                            .map_or(Cell::Null, Cell::Int),
                        Kind::Bool => self
                            .try_get_by_index::<Option<bool>>(i)?
                            .map_or(Cell::Null, Cell::Bool),
                        Kind::Date => self
                            .try_get_by_index::<Option<Date>>(i)?
                            .map_or(Cell::Null, Cell::Date),
                    })
                })
                .collect(),
        }
    }
}

/// A value both paths decode: sqlx through sea-orm's `TryGetable`, the
/// read pool from SQLite's value as sqlx would.
pub(crate) trait Get: TryGetable + Sized {
    fn lite(v: &SqlValue) -> Result<Self, String>;
}

fn mismatch(v: &SqlValue, what: &str) -> String {
    format!("列的值 {v:?} 不是{what}")
}

impl Get for String {
    fn lite(v: &SqlValue) -> Result<String, String> {
        match v {
            SqlValue::Text(s) => Ok(s.clone()),
            other => Err(mismatch(other, "文本")),
        }
    }
}

impl Get for i64 {
    fn lite(v: &SqlValue) -> Result<i64, String> {
        match v {
            SqlValue::Integer(x) => Ok(*x),
            other => Err(mismatch(other, "整数")),
        }
    }
}

impl Get for i32 {
    fn lite(v: &SqlValue) -> Result<i32, String> {
        let x = i64::lite(v)?;
        i32::try_from(x).map_err(|_| format!("整数 {x} 超出范围"))
    }
}

impl Get for bool {
    fn lite(v: &SqlValue) -> Result<bool, String> {
        Ok(i64::lite(v).map_err(|_| mismatch(v, "是/否"))? != 0)
    }
}

impl Get for Date {
    fn lite(v: &SqlValue) -> Result<Date, String> {
        match v {
            SqlValue::Text(s) => crate::sqlite_bulk::parse_date(s),
            other => Err(mismatch(other, "日期")),
        }
    }
}

impl Get for PrimitiveDateTime {
    fn lite(v: &SqlValue) -> Result<PrimitiveDateTime, String> {
        match v {
            SqlValue::Text(s) => crate::sqlite_bulk::parse_datetime(s),
            other => Err(mismatch(other, "时间")),
        }
    }
}

impl<T: Get> Get for Option<T> {
    fn lite(v: &SqlValue) -> Result<Option<T>, String> {
        match v {
            SqlValue::Null => Ok(None),
            other => T::lite(other).map(Some),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_decode_as_sqlx_decodes_them() {
        let t = |s: &str| SqlValue::Text(s.to_owned());
        assert_eq!(
            PrimitiveDateTime::lite(&t("2026-11-25 22:51:36.378586")),
            Ok(PrimitiveDateTime::new(
                time::macros::date!(2026 - 11 - 25),
                time::macros::time!(22:51:36.378586)
            ))
        );
        assert_eq!(
            PrimitiveDateTime::lite(&t("2026-11-25 22:51:36")),
            Ok(PrimitiveDateTime::new(
                time::macros::date!(2026 - 11 - 25),
                time::macros::time!(22:51:36)
            ))
        );
        assert_eq!(
            Option::<Date>::lite(&t("2025-01-01")),
            Ok(Some(time::macros::date!(2025 - 01 - 01)))
        );
        assert_eq!(Option::<String>::lite(&SqlValue::Null), Ok(None));
        assert_eq!(bool::lite(&SqlValue::Integer(1)), Ok(true));
        assert!(i32::lite(&SqlValue::Integer(1 << 40)).is_err());
        assert!(String::lite(&SqlValue::Integer(1)).is_err());
    }
}
