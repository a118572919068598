//! Backup and restore (issue 19, item 8): `touyan backup FILE` and
//! `touyan restore FILE`.
//!
//! One portable format whichever the database: a backup is a SQLite file
//! with the schema of the database it was taken from (the same migrations),
//! every table's rows, and two tables of its own (`file.rs`):
//! `touyan_backup` (format, touyan version, migration level, source
//! backend and method, time, the SHA-256 of the content, the one-card key
//! ids the accounts need — never a key) and `touyan_backup_tables` (rows
//! per table). A backup of either backend restores into either.
//!
//! - From SQLite (`sqlite_source`): `VACUUM INTO` on a connection of its
//!   own — one read transaction, so a consistent copy while the server
//!   writes (WAL: writers are not held up).
//! - From PostgreSQL (`pg_source`): every table read inside one
//!   `REPEATABLE READ READ ONLY` transaction (one snapshot), through a
//!   cursor a batch at a time, into a new SQLite file whose schema is made
//!   by running this build's migrations up to the source's level.
//!
//! Tables and columns are read from each database's own catalog
//! (`catalog.rs`), never listed here, so a table or column a migration
//! adds is backed up and restored with no change to this module.
//!
//! The file is written under a temporary name beside the destination and
//! renamed over it only when complete. Restoring (`restore.rs`) checks the
//! file (its tables, row counts and SHA-256) before touching the database,
//! refuses a database that is not empty ([`restore`] says what empty
//! means) and copies everything in one transaction. A backup from an older
//! migration level is brought up to date in a temporary copy first (the
//! migrations `Store::open` runs); one from a newer level is refused.
//!
//! Neither direction starts the store's migrations on the source: backing
//! up a running server's database changes nothing in it.

mod catalog;
mod file;
mod pg_source;
mod restore;
mod restore_pg;
mod sqlite_source;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::StoreError;

pub use file::read_info;
pub use restore::{Restored, restore};

/// The version of the backup format this build writes and reads.
pub const FORMAT: &str = "1";

/// Why a backup or a restore did not happen. `Display` is a Chinese
/// sentence for the user.
#[derive(Debug)]
pub enum BackupError {
    /// The request cannot be met as asked: not a backup file, a database
    /// that is not empty, a newer schema, a destination that exists.
    Refused(String),
    /// The database or a file failed on the way.
    Failed(String),
}

impl fmt::Display for BackupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BackupError::Refused(m) | BackupError::Failed(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for BackupError {}

impl From<StoreError> for BackupError {
    fn from(e: StoreError) -> BackupError {
        BackupError::Failed(e.to_string())
    }
}

impl From<rusqlite::Error> for BackupError {
    fn from(e: rusqlite::Error) -> BackupError {
        BackupError::Failed(format!("SQLite 操作失败：{e}"))
    }
}

impl From<sea_orm::DbErr> for BackupError {
    fn from(e: sea_orm::DbErr) -> BackupError {
        BackupError::Failed(format!("数据库操作失败：{e}"))
    }
}

impl From<std::io::Error> for BackupError {
    fn from(e: std::io::Error) -> BackupError {
        BackupError::Failed(format!("文件操作失败：{e}"))
    }
}

/// What a backup file says about itself (its `touyan_backup` table).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupInfo {
    pub format: String,
    /// The touyan version that wrote it.
    pub touyan_version: String,
    /// The migrations applied to the database it was taken from, in order.
    pub migrations: Vec<String>,
    /// `sqlite` or `postgres`.
    pub source: String,
    /// How it was taken, in Chinese.
    pub method: String,
    /// When (UTC, `YYYY-MM-DD HH:MM:SS`).
    pub created_at: String,
    /// SHA-256 (hex) of every table's columns and rows (`file::digest`).
    pub sha256: String,
    /// Rows per table, by table name.
    pub tables: Vec<(String, u64)>,
    /// The ids of the one-card keys that sealed the accounts on record.
    pub key_ids: Vec<String>,
    /// Older key ids named only by the change log's earlier entries.
    pub log_key_ids: Vec<String>,
}

impl BackupInfo {
    /// The last migration applied (the level), or `-` for none.
    pub fn level(&self) -> &str {
        self.migrations.last().map_or("-", String::as_str)
    }

    /// Every row of every table.
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|t| t.1).sum()
    }
}

/// Which part of the work a progress step belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Rows copied into the backup file.
    Copy,
    /// Rows read back to count them and take the SHA-256.
    Check,
    /// Rows restored into the database.
    Restore,
}

/// One table done.
#[derive(Clone, Debug)]
pub struct Step {
    pub phase: Phase,
    pub table: String,
    pub rows: u64,
    /// 1-based, of `of` tables.
    pub index: usize,
    pub of: usize,
}

/// Called after each table (from any thread).
pub type Progress = Arc<dyn Fn(&Step) + Send + Sync>;

/// What [`backup`] did.
#[derive(Clone, Debug)]
pub struct BackedUp {
    pub info: BackupInfo,
    pub file: PathBuf,
    pub bytes: u64,
}

/// Where a database URL points.
pub(crate) enum Source {
    SqliteFile(PathBuf),
    Postgres(String),
}

/// The database at `url` (as `Store::open` takes it), for a backup or a
/// restore: a SQLite file (not in memory) or a PostgreSQL server.
pub(crate) fn source(url: &str) -> Result<Source, BackupError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok(Source::Postgres(url.to_owned()));
    }
    if url.contains(":memory:") || url.contains("mode=memory") {
        return Err(BackupError::Refused(
            "内存数据库不能备份或恢复，请指定数据库文件或 PostgreSQL 地址".into(),
        ));
    }
    if url.contains("://") && !url.starts_with("sqlite:") {
        return Err(BackupError::Refused(
            "不支持的数据库地址（应为文件路径、sqlite://… 或 postgres://…）".into(),
        ));
    }
    let path = match url.strip_prefix("sqlite:") {
        Some(rest) => {
            let rest = rest.strip_prefix("//").unwrap_or(rest);
            rest.split_once('?').map_or(rest, |(p, _)| p)
        }
        None => url,
    };
    Ok(Source::SqliteFile(PathBuf::from(path)))
}

/// Backs up the database at `url` into `dest` (a new file; an existing
/// one only with `overwrite`), consistently while others write, without
/// migrating the database.
pub async fn backup(
    url: &str,
    dest: &Path,
    overwrite: bool,
    progress: Progress,
) -> Result<BackedUp, BackupError> {
    if dest.exists() && !overwrite {
        return Err(BackupError::Refused(format!(
            "备份文件 {} 已存在；请换一个文件名，或加 --force 覆盖",
            dest.display()
        )));
    }
    if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.is_dir()
    {
        return Err(BackupError::Refused(format!(
            "目录 {} 不存在，无法写出备份文件",
            dir.display()
        )));
    }
    let temp = file::TempFile::beside(dest)?;
    let (source, method) = match source(url)? {
        Source::SqliteFile(path) => {
            sqlite_source::copy(&path, temp.path()).await?;
            ("sqlite", "SQLite VACUUM INTO（一个读事务内的一致副本）")
        }
        Source::Postgres(url) => {
            pg_source::copy(&url, temp.path(), progress.clone()).await?;
            (
                "postgres",
                "PostgreSQL REPEATABLE READ 只读事务（同一快照）逐表复制",
            )
        }
    };
    let path = temp.path().to_owned();
    let info = tokio::task::spawn_blocking(move || file::finish(&path, source, method, &progress))
        .await
        .map_err(|e| BackupError::Failed(format!("备份线程失败：{e}")))??;
    let bytes = std::fs::metadata(temp.path())?.len();
    temp.persist(dest)?;
    Ok(BackedUp {
        info,
        file: dest.to_owned(),
        bytes,
    })
}

/// The names of this build's migrations, in order.
pub(crate) fn build_migrations() -> Vec<String> {
    use sea_orm_migration::MigratorTrait;
    crate::migrations::Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect()
}

/// How many of this build's migrations `applied` are (they must be its
/// first ones, in order); a newer or foreign level is refused.
pub(crate) fn level_in_build(applied: &[String], whose: &str) -> Result<usize, BackupError> {
    let build = build_migrations();
    if applied.len() <= build.len() && build[..applied.len()] == *applied {
        return Ok(applied.len());
    }
    let unknown: Vec<&str> = applied
        .iter()
        .filter(|m| !build.contains(m))
        .map(String::as_str)
        .collect();
    Err(BackupError::Refused(if unknown.is_empty() {
        format!("{whose}的迁移记录与本程序的迁移顺序不符，无法处理")
    } else {
        format!(
            "{whose}的数据库结构比本程序新（本程序没有的迁移：{}）；请使用与之相同或更新版本的 touyan",
            unknown.join("、")
        )
    }))
}

/// The ids of the one-card keys the accounts of the PostgreSQL database
/// at `url` were sealed with (for a backup taken by `pg_dump`, which says
/// nothing of its own), without migrating it.
pub async fn pg_key_ids(url: &str) -> Result<Vec<String>, BackupError> {
    use sea_orm::{ConnectOptions, ConnectionTrait, Database, DbBackend, Statement};
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.max_connections(1).sqlx_logging(false);
    let db = Database::connect(opts).await?;
    let rows = db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT DISTINCT key_id FROM one_card_accounts ORDER BY key_id",
        ))
        .await;
    db.close().await?;
    // A database from before the accounts' table has none.
    let Ok(rows) = rows else {
        return Ok(Vec::new());
    };
    Ok(rows
        .iter()
        .map(|r| r.try_get_by_index::<String>(0))
        .collect::<Result<_, _>>()?)
}
