//! SQLite's bulk path: the yearly cycle's read and write through rusqlite
//! on a connection of its own to the same file.
//!
//! Why SQLite gets its own path: through sea-orm/sqlx every row crosses
//! from sqlx's SQLite worker thread to the async caller as a boxed row of
//! owned values and is then decoded by column name and type, about 2.7 µs
//! a row — the Shandong cycle reads 420,000 rows, the country's several
//! million, so the read alone took seconds. SQLite is an embedded library:
//! a plain prepared statement stepped on the calling thread with
//! positional column reads costs a fraction of that, and so does a
//! prepared INSERT run again and again inside one transaction (no
//! statement text to build and parse per batch, no values to box; the
//! cycle's new proposals go 64 rows to a statement, see `INSERT_ROWS` in
//! `cycle/sqlite.rs`).
//! PostgreSQL is a server: there the rows come over the wire either way,
//! and it keeps the sqlx path (multi-row INSERTs sized to its bind limit).
//!
//! The rows and change-log entries written here are exactly those the
//! generic sqlx path writes (same columns, same text for dates and times —
//! sqlx's own formats — same booleans as 0/1, same log entries); the tests
//! of the cycle (`tests/cycle_store.rs`) run on both backends and compare. Reads happen in read
//! transactions on one snapshot (the cycle's on two connections and threads,
//! see [`with_snapshots`]); writes in one `BEGIN IMMEDIATE` transaction,
//! all or nothing, with the store's busy timeout, as on the store's own
//! connections. The cycle's write checks what its foreign keys would check
//! itself, in key order on a second connection (see `cycle/sqlite.rs`),
//! and refuses what they would refuse. WAL lets this connection work beside
//! the store's pool.

use std::path::{Path, PathBuf};

use rusqlite::types::{Value as SqlValue, ValueRef};
use rusqlite::{Connection, OpenFlags, ffi};
use sea_orm::Value;
use time::macros::format_description;
use time::{Date, PrimitiveDateTime};

use crate::StoreError;
use crate::record::{Cell, Col, Kind, Record, to_record};
use crate::store::BUSY_TIMEOUT;

/// The file of a SQLite store, when it is a file on disk (an in-memory
/// database exists only on the pool's one connection: no bulk path).
pub(crate) fn file_of(db: &sea_orm::DatabaseConnection) -> Option<PathBuf> {
    let opts = db.get_sqlite_connection_pool().connect_options();
    let path = opts.get_filename();
    if path.as_os_str().is_empty() || path.to_str() == Some(":memory:") || !path.is_file() {
        return None;
    }
    Some(path.to_path_buf())
}

pub(crate) fn db_err(e: rusqlite::Error) -> StoreError {
    StoreError::Database(e.to_string())
}

/// Classifies an error met while writing `table` (a Chinese name), as
/// `StoreError::writing` does for sqlx.
pub(crate) fn writing(table: &'static str, e: rusqlite::Error) -> StoreError {
    if let rusqlite::Error::SqliteFailure(f, ref msg) = e {
        let message = msg.clone().unwrap_or_else(|| f.to_string());
        match f.extended_code {
            ffi::SQLITE_CONSTRAINT_FOREIGNKEY => {
                return StoreError::MissingReference { table, message };
            }
            ffi::SQLITE_CONSTRAINT_PRIMARYKEY | ffi::SQLITE_CONSTRAINT_UNIQUE => {
                return StoreError::Duplicate { table, message };
            }
            _ => {}
        }
    }
    db_err(e)
}

pub(crate) fn open(path: &Path, write: bool) -> Result<Connection, StoreError> {
    let flags = if write {
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX
    } else {
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
    };
    let c = Connection::open_with_flags(path, flags).map_err(|e| StoreError::Open {
        url: path.display().to_string(),
        message: e.to_string(),
    })?;
    c.busy_timeout(BUSY_TIMEOUT).map_err(db_err)?;
    // A page cache large enough for one bulk statement's working set (the
    // default 2 MB makes a write of the country's proposals spill its
    // changed pages to the WAL and re-read the key indexes its foreign
    // keys look up). Memory is taken only as pages are used.
    c.execute_batch("PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY;")
        .map_err(db_err)?;
    if write {
        // As the store's own connections (the file is already in WAL). Up
        // to 1 GB of cache for the writer: the first run of the year over
        // the country inserts 487,000 rows (310 MB of reasons and four
        // indexes); with 256 MB the cache spilled changed pages to the WAL
        // mid-transaction (about 5% faster without). Taken only as used.
        c.execute_batch(&format!(
            "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -1048576; \
             PRAGMA journal_size_limit = {};",
            crate::store::JOURNAL_SIZE_LIMIT
        ))
        .map_err(db_err)?;
    }
    // The file is mapped rather than copied page by page into the page
    // cache: a page read is then a pointer into the mapping, with no cache
    // buffer to allocate (on two reader threads that allocation contends on
    // SQLite's allocator mutex) and no read call; the writer's foreign-key
    // lookups into people and villages read the same way. Pages still in
    // the WAL, and pages being changed, go through the cache as before.
    // Address space only (SQLite caps it at 2 GB unless built otherwise).
    c.execute_batch("PRAGMA mmap_size = 4294967296;")
        .map_err(db_err)?;
    Ok(c)
}

/// A sea-orm value as rusqlite binds it, in sqlx's encoding (dates as
/// `YYYY-MM-DD` text, booleans as 0/1).
pub(crate) fn param(v: &Value) -> Result<SqlValue, StoreError> {
    Ok(match v {
        Value::String(Some(s)) => SqlValue::Text(s.clone()),
        Value::TimeDateTime(Some(t)) => SqlValue::Text(datetime_text(*t)),
        Value::Int(Some(i)) => SqlValue::Integer(i64::from(*i)),
        Value::BigInt(Some(i)) => SqlValue::Integer(*i),
        Value::Bool(Some(b)) => SqlValue::Integer(i64::from(*b)),
        Value::TimeDate(Some(d)) => SqlValue::Text(date_text(*d)),
        Value::String(None)
        | Value::Int(None)
        | Value::BigInt(None)
        | Value::Bool(None)
        | Value::TimeDate(None)
        | Value::TimeDateTime(None) => SqlValue::Null,
        other => {
            return Err(StoreError::Invalid(format!(
                "内部错误：批量读取不支持参数 {other:?}"
            )));
        }
    })
}

fn date_text(d: Date) -> String {
    d.format(format_description!("[year]-[month]-[day]"))
        .unwrap_or_default()
}

/// sqlx's text for a `PrimitiveDateTime` on SQLite.
pub(crate) fn datetime_text(t: PrimitiveDateTime) -> String {
    t.format(format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second].[subsecond]"
    ))
    .unwrap_or_default()
}

/// `YYYY-MM-DD` without the general parser (every date the store writes
/// has this form); anything else through `time`'s parser.
pub(crate) fn parse_date(s: &str) -> Result<Date, String> {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    if b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10))
        && let Ok(month) = time::Month::try_from(m as u8)
        && let Ok(date) = Date::from_calendar_date(y as i32, month, d as u8)
    {
        return Ok(date);
    }
    Date::parse(s, format_description!("[year]-[month]-[day]"))
        .map_err(|e| format!("日期 {s} 无效：{e}"))
}

/// A time as sqlx reads it back on SQLite: `YYYY-MM-DD HH:MM:SS` with an
/// optional fraction, a space or `T` between date and time.
pub(crate) fn parse_datetime(s: &str) -> Result<PrimitiveDateTime, String> {
    let (date, time) = s
        .split_once([' ', 'T'])
        .ok_or_else(|| format!("时间 {s} 无效"))?;
    let date = parse_date(date)?;
    let time = time.strip_suffix('Z').unwrap_or(time);
    let t = if time.contains('.') {
        time::Time::parse(
            time,
            format_description!("[hour]:[minute]:[second].[subsecond]"),
        )
    } else {
        time::Time::parse(time, format_description!("[hour]:[minute]:[second]"))
    }
    .map_err(|e| format!("时间 {s} 无效：{e}"))?;
    Ok(PrimitiveDateTime::new(date, t))
}

/// Column `i` of a row as a cell of `kind`, read by position.
pub(crate) fn cell(row: &rusqlite::Row<'_>, i: usize, col: &Col) -> Result<Cell, String> {
    let v = row.get_ref(i).map_err(|e| e.to_string())?;
    let bad = || format!("{} 列的值类型不符", col.name);
    Ok(match (v, col.kind) {
        (ValueRef::Null, _) => Cell::Null,
        (ValueRef::Text(t), Kind::Text) => Cell::Text(
            std::str::from_utf8(t)
                .map_err(|_| format!("{} 列不是有效的 UTF-8 文本", col.name))?
                .to_owned(),
        ),
        (ValueRef::Integer(x), Kind::Int | Kind::BigInt) => Cell::Int(x),
        (ValueRef::Integer(x), Kind::Bool) => Cell::Bool(x != 0),
        (ValueRef::Text(t), Kind::Date) => {
            Cell::Date(parse_date(std::str::from_utf8(t).map_err(|_| bad())?)?)
        }
        _ => return Err(bad()),
    })
}

pub(crate) fn bind_all(values: &[Value]) -> Result<Vec<SqlValue>, StoreError> {
    values.iter().map(param).collect()
}

/// The records of a kind matching `filter` (`?` placeholders for
/// `values`), in no particular order.
pub(crate) fn read<R: Record>(
    c: &Connection,
    filter: &str,
    values: &[Value],
) -> Result<Vec<R>, StoreError> {
    let sql = format!(
        "SELECT {} FROM {} WHERE {filter}",
        crate::sql::column_list(R::COLUMNS),
        R::TABLE
    );
    read_sql(c, &sql, values)
}

/// Every record of a kind, in key order (as `Store::list`).
pub(crate) fn read_all<R: Record>(c: &Connection) -> Result<Vec<R>, StoreError> {
    let sql = format!(
        "SELECT {} FROM {} ORDER BY {}",
        crate::sql::column_list(R::COLUMNS),
        R::TABLE,
        crate::sql::column_list(&R::COLUMNS[..R::KEY])
    );
    read_sql(c, &sql, &[])
}

fn read_sql<R: Record>(c: &Connection, sql: &str, values: &[Value]) -> Result<Vec<R>, StoreError> {
    let mut st = c.prepare(sql).map_err(db_err)?;
    let params = bind_all(values)?;
    let mut rows = st
        .query(rusqlite::params_from_iter(params.iter()))
        .map_err(db_err)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(db_err)? {
        let mut cells = Vec::with_capacity(R::COLUMNS.len());
        for (i, col) in R::COLUMNS.iter().enumerate() {
            cells.push(cell(row, i, col).map_err(|message| StoreError::Corrupt {
                table: R::ZH,
                key: String::new(),
                message,
            })?);
        }
        out.push(to_record(cells)?);
    }
    Ok(out)
}

/// The rows of a kind matching `filter`, every column read by position
/// into an owned value and nothing built from them: the plain read the
/// cycle's read is measured against (`benches/read.rs`). Returns the rows.
pub(crate) fn plain_read(
    c: &Connection,
    table: &str,
    cols: &[Col],
    filter: &str,
    values: &[Value],
) -> Result<usize, StoreError> {
    let sql = format!(
        "SELECT {} FROM {table} WHERE {filter}",
        crate::sql::column_list(cols)
    );
    let mut st = c.prepare(&sql).map_err(db_err)?;
    let params = bind_all(values)?;
    let mut rows = st
        .query(rusqlite::params_from_iter(params.iter()))
        .map_err(db_err)?;
    let mut n = 0;
    let mut kept: Vec<SqlValue> = Vec::with_capacity(cols.len());
    while let Some(row) = rows.next().map_err(db_err)? {
        kept.clear();
        for i in 0..cols.len() {
            kept.push(match row.get_ref(i).map_err(db_err)? {
                ValueRef::Null => SqlValue::Null,
                ValueRef::Integer(x) => SqlValue::Integer(x),
                ValueRef::Real(x) => SqlValue::Real(x),
                ValueRef::Text(t) => SqlValue::Text(String::from_utf8_lossy(t).into_owned()),
                ValueRef::Blob(b) => SqlValue::Blob(b.to_vec()),
            });
        }
        std::hint::black_box(&kept);
        n += 1;
    }
    Ok(n)
}

/// Runs `f` in one read transaction on a read-only connection to `path`.
pub(crate) fn with_snapshot<T>(
    path: &Path,
    f: impl FnOnce(&Connection) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let c = open(path, false)?;
    c.execute_batch("BEGIN").map_err(db_err)?;
    let out = f(&c);
    // A read transaction: ending it cannot lose anything.
    let _ = c.execute_batch("COMMIT");
    out
}

/// Runs `f` on `n` read-only connections to `path` (at least one), each in
/// a read transaction, all of which see the same committed state: the
/// write lock is held (`BEGIN IMMEDIATE` on a connection of its own) while
/// the readers start their transactions, so no commit can fall between
/// two of them, and released as soon as they have; WAL keeps each reader
/// on its snapshot from then on, whatever is committed meanwhile. The
/// readers' transactions end when `f` drops them.
pub(crate) fn with_snapshots<T>(
    path: &Path,
    n: usize,
    f: impl FnOnce(Vec<Connection>) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let readers = (0..n.max(1))
        .map(|_| open(path, false))
        .collect::<Result<Vec<_>, _>>()?;
    let lock = if readers.len() > 1 {
        let w = open(path, true)?;
        w.execute_batch("BEGIN IMMEDIATE").map_err(db_err)?;
        Some(w)
    } else {
        None
    };
    for c in &readers {
        c.execute_batch("BEGIN").map_err(db_err)?;
        // A read transaction takes its snapshot at its first read.
        c.query_row("SELECT COUNT(*) FROM sqlite_schema", [], |_| Ok(()))
            .map_err(db_err)?;
    }
    if let Some(w) = lock {
        // Nothing was written: ending the transaction only lets writers in.
        w.execute_batch("ROLLBACK").map_err(db_err)?;
    }
    f(readers)
}

/// A piece of work on a reader connection of [`run_jobs`].
pub(crate) type Job<'a> = Box<dyn FnOnce(&Connection) -> Result<(), StoreError> + Send + 'a>;

/// Runs `jobs` on the connections, one thread per connection, each taking
/// the next job in order when it is free (list the longest first). The
/// first error, if any.
pub(crate) fn run_jobs(conns: Vec<Connection>, jobs: Vec<Job<'_>>) -> Result<(), StoreError> {
    let queue = std::sync::Mutex::new(jobs.into_iter());
    let next = || queue.lock().ok().and_then(|mut q| q.next());
    let results: Vec<Result<(), StoreError>> = std::thread::scope(|s| {
        let handles: Vec<_> = conns
            .into_iter()
            .map(|c| {
                s.spawn(move || {
                    while let Some(job) = next() {
                        job(&c)?;
                    }
                    Ok(())
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(StoreError::Database("读取线程异常退出".into())))
            })
            .collect()
    });
    results.into_iter().collect()
}

/// A job reading the records of a kind matching `filter` into `slot`.
pub(crate) fn read_job<'a, R: Record + Send>(
    filter: &'a str,
    values: &'a [Value],
    slot: &'a mut Vec<R>,
) -> Job<'a> {
    Box::new(move |c| {
        *slot = read(c, filter, values)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use touyan_records::TownCode;

    use super::*;

    #[tokio::test]
    async fn every_connection_cuts_the_write_ahead_log_back() {
        use sea_orm::ConnectionTrait;
        let db = crate::testing::TestDb::sqlite();
        let store = db.open().await;
        let path = store.sqlite_file().expect("a SQLite file");
        let limit = |c: &Connection| {
            c.query_row("PRAGMA journal_size_limit", [], |r| r.get::<_, i64>(0))
                .unwrap()
        };
        assert_eq!(limit(&open(&path, true).unwrap()), 64 << 20);
        let row = store
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                store.db.get_database_backend(),
                "PRAGMA journal_size_limit",
            ))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.try_get_by_index::<i64>(0).unwrap(), 64 << 20);
    }

    #[tokio::test]
    async fn a_new_file_gets_16_kib_pages_and_an_existing_one_keeps_its_own() {
        let page_size = |p: &Path| {
            open(p, false)
                .unwrap()
                .query_row("PRAGMA page_size", [], |r| r.get::<_, i64>(0))
                .unwrap()
        };
        // Created by the store: 16 KiB pages, in WAL mode.
        let db = crate::testing::TestDb::sqlite();
        let store = db.open().await;
        let path = store.sqlite_file().expect("a SQLite file");
        assert_eq!(page_size(&path), 16384);
        let mode: String = open(&path, false)
            .unwrap()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        store.close().await.unwrap();
        // Made elsewhere with SQLite's default pages and WAL: opened,
        // migrated and written as it is, its page size untouched.
        let db = crate::testing::TestDb::sqlite();
        let path = PathBuf::from(&db.url);
        {
            let c = Connection::open(&path).unwrap();
            c.execute_batch(
                "PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; CREATE TABLE outside (x);",
            )
            .unwrap();
        }
        let store = db.open().await;
        let towns = [crate::Town {
            code: TownCode::parse("370783100").unwrap(),
            name: "圣城街道".into(),
        }];
        let mut tx = store.begin("测试员").await.unwrap();
        tx.upsert(&towns).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(store.list::<crate::Town>().await.unwrap(), towns);
        store.close().await.unwrap();
        assert_eq!(page_size(&path), 4096);
    }

    #[test]
    fn times_and_dates_are_written_as_sqlx_writes_them() {
        // As stored by sqlx in a cycle run before this path existed.
        let t = PrimitiveDateTime::new(
            time::macros::date!(2026 - 11 - 25),
            time::macros::time!(22:51:36.378586),
        );
        assert_eq!(datetime_text(t), "2026-11-25 22:51:36.378586");
        let d = time::macros::date!(2025 - 01 - 01);
        assert_eq!(date_text(d), "2025-01-01");
        assert_eq!(parse_date("2025-01-01"), Ok(d));
        assert!(parse_date("2025-02-30").is_err());
    }
}
