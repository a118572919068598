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
//! cycle's new proposals go 64 rows to a statement, see `INSERT_ROWS`).
//! PostgreSQL is a server: there the rows come over the wire either way,
//! and it keeps the sqlx path (multi-row INSERTs sized to its bind limit).
//!
//! The rows and change-log entries written here are exactly those the
//! generic sqlx path writes (same columns, same text for dates and times —
//! sqlx's own formats — same booleans as 0/1, same log entries); the tests
//! of `cycle.rs` run on both backends and compare. Reads happen in read
//! transactions on one snapshot (the cycle's on two connections and threads,
//! see [`with_snapshots`]); writes in one `BEGIN IMMEDIATE` transaction,
//! all or nothing, with the store's busy timeout, as on the store's own
//! connections. The cycle's write checks what its foreign keys would check
//! itself, in key order on a second connection (see [`check_references`]),
//! and refuses what they would refuse. WAL lets this connection work beside
//! the store's pool.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rusqlite::types::{Value as SqlValue, ValueRef};
use rusqlite::{Connection, OpenFlags, ffi};
use sea_orm::Value;
use time::macros::format_description;
use time::{Date, PrimitiveDateTime};

use touyan_records::{CitizenId, TownCode, VillageCode};

use crate::StoreError;
use crate::cycle::{CycleSecretary, CycleTown, CycleWritten};
use crate::record::{Cell, Col, Kind, Record, key_text, to_record};
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

fn db_err(e: rusqlite::Error) -> StoreError {
    StoreError::Database(e.to_string())
}

/// Classifies an error met while writing `table` (a Chinese name), as
/// `StoreError::writing` does for sqlx.
fn writing(table: &'static str, e: rusqlite::Error) -> StoreError {
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

fn open(path: &Path, write: bool) -> Result<Connection, StoreError> {
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
fn datetime_text(t: PrimitiveDateTime) -> String {
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
fn cell(row: &rusqlite::Row<'_>, i: usize, col: &Col) -> Result<Cell, String> {
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

fn bind_all(values: &[Value]) -> Result<Vec<SqlValue>, StoreError> {
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
/// order (as [`crate::cycle::Merge`] walks them): for a whole year
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
        return Err(StoreError::Invalid("未指明操作人".into()));
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
    let now = datetime_text(now());
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
            stored.push((crate::cycle::stored_village(village)?, digest));
        }
        crate::cycle::plan(stored, secretaries)?
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
    let (log, gone_towns) = crate::cycle::town_log(&old, &old_by_key, &new_rows);
    {
        let mut st = tx
            .prepare(
                "INSERT INTO change_log (changed_at, actor, table_name, record_key, action, \
                 before_json, after_json, origin) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)",
            )
            .map_err(db_err)?;
        for e in &log {
            st.execute(rusqlite::params![
                now,
                actor,
                CycleTown::TABLE,
                e.key,
                e.action.code(),
                e.before,
                e.after
            ])
            .map_err(db_err)?;
        }
    }
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
        .unwrap_or_else(|_| Err(StoreError::Invalid("内部错误：引用检查中断".into())))?;
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
