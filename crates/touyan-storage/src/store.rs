//! The store: opening a database (either backend, migrations applied),
//! starting write transactions, and the whole-batch writes (imports,
//! division tables) built on them.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DbBackend, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};
use sea_orm_migration::MigratorTrait;
use time::PrimitiveDateTime;
use touyan_records::model::{
    Admonition, AnnualPlan, Attendance, Ballots, Certificate, ConditionAnswer, ExamResult, Exit,
    ListEntry, PayPartRecord, PayRecord, Person, Post, Reserve, ReserveReport, Secondment,
    ThreeGood, TownYear, TrainingSession, VillageYear, WorkLog, YoungCadre,
};

use crate::caches::Caches;
use crate::record::Record;
use crate::sql::Query;
use crate::sql::{count, list};
use crate::{Batch, Divisions, StoreError, Town, Tx, Village, Written, batch_kinds};
use crate::{migrations, read_pool, sqlite_bulk};

/// How long a SQLite connection waits for another writer before giving up.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// The size in bytes a SQLite file's write-ahead log is cut back to once
/// its content has been copied into the database (`PRAGMA
/// journal_size_limit`). Without it the log keeps the size of the largest
/// transaction ever written — 4 GB after a national demo, 600 MB after the
/// first national cycle of a year — until every connection is closed.
pub(crate) const JOURNAL_SIZE_LIMIT: i64 = 64 * 1024 * 1024;

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

    pub(crate) fn db(self) -> DbBackend {
        match self {
            Backend::Sqlite => DbBackend::Sqlite,
            Backend::Postgres => DbBackend::Postgres,
        }
    }
}

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
    pub(crate) db: DatabaseConnection,
    pub(crate) backend: Backend,
    /// On a SQLite file: read-only rusqlite connections for the server's
    /// reads (`read_pool.rs`); `None` on PostgreSQL and in memory.
    pub(crate) reads: Option<Arc<read_pool::ReadPool>>,
    /// What the server's reads remember between requests, each entry
    /// valid for one [`Store::data_version`] (`caches.rs`).
    pub(crate) caches: Arc<Caches>,
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

    /// The names of the schema's migrations not yet applied to the
    /// database (none when it is current); an error when the database
    /// does not answer.
    pub async fn pending_migrations(&self) -> Result<Vec<String>, StoreError> {
        let pending = migrations::Migrator::get_pending_migrations(&self.db).await?;
        Ok(pending.iter().map(|m| m.name().to_owned()).collect())
    }

    /// The version of the records: a number in the database that every
    /// transaction writing records changes (in the same transaction), and
    /// nothing else does (sign-ins, sessions and exports do not). What is
    /// computed from records can be kept while it stays the same; every
    /// process on the database sees the same number.
    pub async fn data_version(&self) -> Result<i64, StoreError> {
        let mut q = Query::new(self.backend);
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
            return Err(StoreError::Internal("未指明操作人".into()));
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
            pending_log: Default::default(),
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

    /// The file of a SQLite store on disk (`None` on PostgreSQL and for an
    /// in-memory database).
    pub(crate) fn sqlite_file(&self) -> Option<std::path::PathBuf> {
        match self.backend {
            Backend::Sqlite => sqlite_bulk::file_of(&self.db),
            Backend::Postgres => None,
        }
    }
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
}
