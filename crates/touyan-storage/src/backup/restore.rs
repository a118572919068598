//! `touyan restore FILE`: a backup into an empty database, in one
//! transaction.
//!
//! Order of work: the whole file is read and checked first (its
//! description, each table's rows, the SHA-256), so a damaged file is
//! refused before the database is touched; a backup of an older migration
//! level is copied to a temporary file and brought up to date there with
//! the migrations `Store::open` runs (one of a newer level is refused);
//! the database is opened (and so migrated) and must be empty; then every
//! table is copied, parents before children, in one transaction — all of
//! it or, on any failure, nothing.
//!
//! Empty: every table holds exactly the rows a freshly migrated database
//! holds (the migrations' own rows — today `data_version`'s one row and
//! the audit chain's head),
//! computed by migrating an in-memory database, not listed here. Those
//! rows are replaced by the backup's. The migration runner's own table is
//! each database's and is not copied.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rusqlite::Connection;
use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};
use sea_orm_migration::MigratorTrait;

use super::catalog::{Table, parents_first, quote};
use super::file::{TempFile, content_tables, select_all, verify};
use super::{
    BackupError, BackupInfo, Phase, Progress, Source, Step, build_migrations, level_in_build,
    source,
};
use crate::{Backend, Store, table_zh};

/// Rows per table a freshly migrated database holds (tables with none
/// left out).
pub(crate) type Seeded = BTreeMap<String, u64>;

/// What [`restore`] did.
#[derive(Clone, Debug)]
pub struct Restored {
    /// The backup's description.
    pub info: BackupInfo,
    /// The backup's level when older than this build's (it was brought up
    /// to date before it was restored).
    pub upgraded_from: Option<String>,
    /// Rows restored per table, parents first.
    pub tables: Vec<(String, u64)>,
}

/// Restores the backup at `file` into the database at `url` (created
/// when a SQLite file is missing), which must be empty.
pub async fn restore(url: &str, file: &Path, progress: Progress) -> Result<Restored, BackupError> {
    let target = source(url)?;
    let path = file.to_owned();
    let check = progress.clone();
    let info = tokio::task::spawn_blocking(move || verify(&path, &check))
        .await
        .map_err(|e| BackupError::Failed(format!("校验线程失败：{e}")))??;
    let level = level_in_build(&info.migrations, "备份文件")?;
    let upgrade = level < build_migrations().len();
    let temp = if upgrade {
        // Beside a SQLite database (room for it is needed there anyway),
        // else in the temporary directory.
        let dir = match &target {
            Source::SqliteFile(p) => p
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), Path::to_owned),
            Source::Postgres(_) => std::env::temp_dir(),
        };
        let temp = TempFile::beside(&dir.join("touyan-restore.db"))?;
        std::fs::copy(file, temp.path())?;
        let store = Store::open(&temp.path().to_string_lossy()).await?;
        store.close().await?;
        Some(temp)
    } else {
        None
    };
    let from: PathBuf = temp.as_ref().map_or(file, |t| t.path()).to_owned();
    let seeded = seeded().await?;
    if let Source::SqliteFile(p) = &target
        && let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.is_dir()
    {
        return Err(BackupError::Refused(format!(
            "目录 {} 不存在，无法建立数据库文件",
            dir.display()
        )));
    }
    let store = Store::open(url).await?;
    let tables = match store.backend() {
        Backend::Sqlite => {
            let Some(db_file) = store.sqlite_file() else {
                return Err(BackupError::Refused(
                    "内存数据库不能恢复，请指定数据库文件".into(),
                ));
            };
            store.close().await?;
            tokio::task::spawn_blocking(move || into_sqlite(&db_file, &from, &seeded, &progress))
                .await
                .map_err(|e| BackupError::Failed(format!("恢复线程失败：{e}")))??
        }
        Backend::Postgres => {
            let done = super::restore_pg::into_postgres(&store, &from, &seeded, &progress).await;
            store.close().await?;
            done?
        }
    };
    drop(temp);
    Ok(Restored {
        upgraded_from: upgrade.then(|| info.level().to_owned()),
        info,
        tables,
    })
}

/// The rows a freshly migrated database holds, by table.
pub(crate) async fn seeded() -> Result<Seeded, BackupError> {
    let db = Database::connect("sqlite::memory:").await?;
    crate::migrations::Migrator::up(&db, None).await?;
    let names = db
        .query_all_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT name FROM sqlite_master WHERE type = 'table'",
        ))
        .await?;
    let mut out = Seeded::new();
    for r in names {
        let name: String = r.try_get_by_index(0)?;
        if !super::catalog::is_content(&name) {
            continue;
        }
        let n = db
            .query_one_raw(Statement::from_string(
                DbBackend::Sqlite,
                format!("SELECT count(*) FROM {}", quote(&name)),
            ))
            .await?
            .map(|r| r.try_get_by_index::<i64>(0))
            .transpose()?
            .unwrap_or(0);
        if n > 0 {
            out.insert(name, n as u64);
        }
    }
    db.close().await?;
    Ok(out)
}

/// Refuses unless every table of `counts` holds what `seeded` says.
pub(crate) fn check_empty(counts: &[(String, u64)], seeded: &Seeded) -> Result<(), BackupError> {
    let full: Vec<String> = counts
        .iter()
        .filter(|(t, n)| *n != seeded.get(t).copied().unwrap_or(0))
        .map(|(t, n)| format!("{}（{t}）{n} 行", table_zh(t)))
        .collect();
    if full.is_empty() {
        return Ok(());
    }
    let shown: Vec<&str> = full.iter().take(5).map(String::as_str).collect();
    Err(BackupError::Refused(format!(
        "目标数据库不是空的：{}{}。恢复只写入空数据库（新的 SQLite 文件，或新建的 PostgreSQL 数据库），不会覆盖已有的记录",
        shown.join("、"),
        if full.len() > 5 {
            format!(" 等 {} 个表", full.len())
        } else {
            String::new()
        }
    )))
}

/// Refuses unless the backup's tables and the database's have the same
/// columns (the same schema, by name).
pub(crate) fn same_columns(backup: &[Table], mine: &[Table]) -> Result<(), BackupError> {
    for t in backup {
        let Some(m) = mine.iter().find(|m| m.name == t.name) else {
            return Err(differs(&format!("数据库中没有表 {}", t.name)));
        };
        if t.column_names() != m.column_names() {
            return Err(differs(&format!("表 {} 的列不同", t.name)));
        }
    }
    if let Some(m) = mine
        .iter()
        .find(|m| !backup.iter().any(|t| t.name == m.name))
    {
        return Err(differs(&format!("备份文件中没有表 {}", m.name)));
    }
    Ok(())
}

fn differs(what: &str) -> BackupError {
    BackupError::Refused(format!(
        "备份文件与目标数据库的表结构不同（{what}），无法恢复；请使用与备份相同或更新版本的 touyan"
    ))
}

/// Into a SQLite file: the backup attached, one `INSERT … SELECT` per
/// table in one `BEGIN IMMEDIATE` transaction, foreign keys checked at
/// the commit.
fn into_sqlite(
    target: &Path,
    backup: &Path,
    seeded: &Seeded,
    progress: &Progress,
) -> Result<Vec<(String, u64)>, BackupError> {
    let conn = crate::sqlite_bulk::open(target, true)?;
    let name = backup
        .to_str()
        .ok_or_else(|| BackupError::Refused("备份文件名含有无法使用的字符".into()))?;
    conn.execute("ATTACH DATABASE ?1 AS bak", [name])?;
    let result = copy_attached(&conn, seeded, progress);
    if result.is_err() {
        let _ = conn.execute_batch("ROLLBACK");
    }
    let _ = conn.execute_batch("DETACH DATABASE bak");
    result
}

fn copy_attached(
    conn: &Connection,
    seeded: &Seeded,
    progress: &Progress,
) -> Result<Vec<(String, u64)>, BackupError> {
    let order = parents_first(conn, "bak", &content_tables(conn, "bak")?)?;
    let mine = content_tables(conn, "main")?;
    same_columns(&order, &mine)?;
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let mut counts = Vec::with_capacity(mine.len());
    for t in &mine {
        let n: i64 = conn.query_row(
            &format!("SELECT count(*) FROM main.{}", quote(&t.name)),
            [],
            |r| r.get(0),
        )?;
        counts.push((t.name.clone(), n as u64));
    }
    check_empty(&counts, seeded)?;
    conn.execute_batch("PRAGMA defer_foreign_keys = ON")?;
    for t in seeded.keys() {
        conn.execute(&format!("DELETE FROM main.{}", quote(t)), [])?;
    }
    let mut out = Vec::with_capacity(order.len());
    for (i, t) in order.iter().enumerate() {
        let n = conn.execute(
            &format!(
                "INSERT INTO main.{} ({}) {}",
                quote(&t.name),
                t.column_list(),
                select_all(conn, "bak", t)
            ),
            [],
        )? as u64;
        progress(&Step {
            phase: Phase::Restore,
            table: t.name.clone(),
            rows: n,
            index: i + 1,
            of: order.len(),
        });
        out.push((t.name.clone(), n));
    }
    conn.execute_batch("COMMIT")
        .map_err(|e| BackupError::Failed(format!("恢复的记录未能提交（已全部撤销）：{e}")))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_fresh_database_holds_only_the_data_version_and_the_chain_head() {
        let seeded = seeded().await.unwrap();
        let mut rows = seeded.into_iter().collect::<Vec<_>>();
        rows.sort();
        assert_eq!(
            rows,
            [
                ("audit_chain_head".to_owned(), 1),
                ("data_version".to_owned(), 1)
            ]
        );
    }

    #[test]
    fn empty_means_what_the_migrations_left() {
        let seeded: Seeded = [("data_version".to_owned(), 1)].into();
        let fresh = [("data_version".to_owned(), 1), ("people".to_owned(), 0)];
        assert!(check_empty(&fresh, &seeded).is_ok());
        let one = [("data_version".to_owned(), 1), ("people".to_owned(), 1)];
        let e = check_empty(&one, &seeded).unwrap_err().to_string();
        assert!(e.contains("目标数据库不是空的：人员（people）1 行"), "{e}");
        let none = [("data_version".to_owned(), 0)];
        assert!(check_empty(&none, &seeded).is_err());
    }
}
