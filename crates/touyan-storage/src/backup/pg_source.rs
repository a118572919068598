//! A PostgreSQL database's backup: every table read inside one
//! `REPEATABLE READ READ ONLY` transaction — one snapshot, so the copy is
//! the database as of one moment however many tables it has and whatever
//! is written meanwhile (PostgreSQL's own consistency, no lock that holds
//! up a writer) — through a cursor a batch at a time, written by a thread
//! of its own into a new SQLite file whose schema this build's migrations
//! make, up to the level the database has.

use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use rusqlite::types::Value as SqlValue;
use sea_orm::{
    AccessMode, ConnectOptions, ConnectionTrait, Database, DbBackend, IsolationLevel, QueryResult,
    Statement, TransactionTrait, Value,
};
use sea_orm_migration::MigratorTrait;

use super::catalog::{ColType, Table, is_content, pg_tables, quote, sqlite_tables};
use super::{BackupError, Phase, Progress, Step, level_in_build};
use crate::sqlite_bulk::param;

/// Rows fetched from the cursor at a time.
const BATCH: usize = 2_000;

enum Msg {
    Table(Table),
    Rows(Vec<Vec<SqlValue>>),
    Done,
}

pub(crate) async fn copy(url: &str, temp: &Path, progress: Progress) -> Result<(), BackupError> {
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.max_connections(1).sqlx_logging(false);
    let db = Database::connect(opts)
        .await
        .map_err(|e| BackupError::Failed(format!("无法连接数据库：{e}")))?;
    let tx = db
        .begin_with_config(
            Some(IsolationLevel::RepeatableRead),
            Some(AccessMode::ReadOnly),
        )
        .await?;
    // The transaction's first statement takes its snapshot.
    let applied: Vec<String> = tx
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT version FROM seaql_migrations ORDER BY version",
        ))
        .await
        .map_err(|_| BackupError::Refused("该数据库中没有 touyan 的数据（没有迁移记录）".into()))?
        .iter()
        .map(|r| r.try_get_by_index::<String>(0))
        .collect::<Result<_, _>>()?;
    if applied.is_empty() {
        return Err(BackupError::Refused(
            "该数据库中没有 touyan 的数据（没有迁移记录）".into(),
        ));
    }
    let level = level_in_build(&applied, "数据库")?;
    make_schema(temp, level).await?;
    let tables: Vec<Table> = pg_tables(&tx)
        .await?
        .into_iter()
        .filter(|t| is_content(&t.name))
        .collect();
    let (send, receive) = sync_channel::<Msg>(4);
    let path = temp.to_owned();
    let writer = std::thread::spawn(move || write(&path, &receive));
    let read = read_tables(&tx, &tables, &send, &progress).await;
    let _ = send.send(Msg::Done);
    drop(send);
    // The writer's failure first: it is why the reading stopped.
    writer
        .join()
        .map_err(|_| BackupError::Failed("备份写入线程失败".into()))??;
    read?;
    tx.commit().await?;
    db.close().await?;
    Ok(())
}

/// The schema of the first `level` migrations in a new SQLite file.
async fn make_schema(temp: &Path, level: usize) -> Result<(), BackupError> {
    let file = temp.to_owned();
    let mut opts = ConnectOptions::new("sqlite:".to_owned());
    opts.max_connections(1).sqlx_logging(false);
    opts.map_sqlx_sqlite_opts(move |s| s.filename(&file).create_if_missing(true));
    let db = Database::connect(opts).await?;
    let steps = u32::try_from(level).unwrap_or(u32::MAX);
    crate::migrations::Migrator::up(&db, Some(steps))
        .await
        .map_err(|e| BackupError::Failed(format!("建立备份文件的表结构失败：{e}")))?;
    db.close().await?;
    Ok(())
}

async fn read_tables<C: ConnectionTrait>(
    tx: &C,
    tables: &[Table],
    send: &SyncSender<Msg>,
    progress: &Progress,
) -> Result<(), BackupError> {
    let gone = || BackupError::Failed("备份写入线程已停止".into());
    for (i, t) in tables.iter().enumerate() {
        send.send(Msg::Table(t.clone())).map_err(|_| gone())?;
        let exprs: Vec<String> = t
            .columns
            .iter()
            .map(|c| match c.ty {
                ColType::Other => format!("{}::text", quote(&c.name)),
                _ => quote(&c.name),
            })
            .collect();
        // A cursor of its own per table: the FETCH's text then differs
        // per table, and so does the prepared statement (and the column
        // types) sqlx keeps for it.
        let cursor = format!("touyan_backup_{i}");
        tx.execute_unprepared(&format!(
            "DECLARE {cursor} NO SCROLL CURSOR FOR SELECT {} FROM {}",
            exprs.join(", "),
            quote(&t.name)
        ))
        .await?;
        let mut n = 0u64;
        loop {
            let rows = tx
                .query_all_raw(Statement::from_string(
                    DbBackend::Postgres,
                    format!("FETCH FORWARD {BATCH} FROM {cursor}"),
                ))
                .await?;
            if rows.is_empty() {
                break;
            }
            n += rows.len() as u64;
            let batch = rows
                .iter()
                .map(|r| values(r, t))
                .collect::<Result<Vec<_>, _>>()?;
            send.send(Msg::Rows(batch)).map_err(|_| gone())?;
        }
        tx.execute_unprepared(&format!("CLOSE {cursor}")).await?;
        progress(&Step {
            phase: Phase::Copy,
            table: t.name.clone(),
            rows: n,
            index: i + 1,
            of: tables.len(),
        });
    }
    Ok(())
}

/// A PostgreSQL row as SQLite keeps it when sqlx writes it (dates and
/// times as sqlx's text, booleans as 0/1).
fn values(r: &QueryResult, t: &Table) -> Result<Vec<SqlValue>, BackupError> {
    let mut out = Vec::with_capacity(t.columns.len());
    for (i, c) in t.columns.iter().enumerate() {
        let v = match c.ty {
            ColType::Text | ColType::Other => Value::String(r.try_get_by_index(i)?),
            ColType::SmallInt => Value::Int(r.try_get_by_index::<Option<i16>>(i)?.map(i32::from)),
            ColType::Int => Value::Int(r.try_get_by_index(i)?),
            ColType::BigInt => Value::BigInt(r.try_get_by_index(i)?),
            ColType::Bool => Value::Bool(r.try_get_by_index(i)?),
            ColType::Date => Value::TimeDate(r.try_get_by_index(i)?),
            ColType::Timestamp => Value::TimeDateTime(r.try_get_by_index(i)?),
            ColType::TimestampTz => {
                let t: Option<time::OffsetDateTime> = r.try_get_by_index(i)?;
                let text = t
                    .map(|t| t.format(&time::format_description::well_known::Rfc3339))
                    .transpose()
                    .map_err(|e| BackupError::Failed(e.to_string()))?;
                out.push(text.map_or(SqlValue::Null, SqlValue::Text));
                continue;
            }
            ColType::Double => {
                let f: Option<f64> = r.try_get_by_index(i)?;
                out.push(f.map_or(SqlValue::Null, SqlValue::Real));
                continue;
            }
            ColType::Bytes => {
                let b: Option<Vec<u8>> = r.try_get_by_index(i)?;
                out.push(b.map_or(SqlValue::Null, SqlValue::Blob));
                continue;
            }
        };
        out.push(param(&v)?);
    }
    Ok(out)
}

/// The writing thread: every row it is sent, in one transaction.
fn write(path: &Path, receive: &Receiver<Msg>) -> Result<(), BackupError> {
    let conn = rusqlite::Connection::open(path)?;
    conn.execute_batch("PRAGMA synchronous = OFF; PRAGMA foreign_keys = OFF;")?;
    let file_tables = sqlite_tables(&conn, "main")?;
    let tx = conn.unchecked_transaction()?;
    let mut insert: Option<rusqlite::Statement<'_>> = None;
    for msg in receive {
        match msg {
            Msg::Table(t) => {
                let Some(mine) = file_tables.iter().find(|f| f.name == t.name) else {
                    return Err(missing(&t.name, None));
                };
                let have = mine.column_names();
                if let Some(c) = t.columns.iter().find(|c| !have.contains(c.name.as_str())) {
                    return Err(missing(&t.name, Some(&c.name)));
                }
                // The migrations' own rows (`data_version`'s) give way
                // to the database's.
                tx.execute(&format!("DELETE FROM {}", quote(&t.name)), [])?;
                let marks: Vec<String> = (1..=t.columns.len()).map(|k| format!("?{k}")).collect();
                insert = Some(tx.prepare(&format!(
                    "INSERT INTO {} ({}) VALUES ({})",
                    quote(&t.name),
                    t.column_list(),
                    marks.join(", ")
                ))?);
            }
            Msg::Rows(rows) => {
                let stmt = insert
                    .as_mut()
                    .ok_or_else(|| BackupError::Failed("内部错误：未指明表".into()))?;
                for row in rows {
                    stmt.execute(rusqlite::params_from_iter(row))?;
                }
            }
            Msg::Done => break,
        }
    }
    drop(insert);
    tx.commit()?;
    Ok(())
}

fn missing(table: &str, column: Option<&str>) -> BackupError {
    BackupError::Refused(match column {
        None => format!(
            "数据库中的表 {table} 不在本程序的表结构中，无法备份；请使用与服务相同版本的 touyan"
        ),
        Some(c) => format!(
            "数据库中表 {table} 的列 {c} 不在本程序的表结构中，无法备份；请使用与服务相同版本的 touyan"
        ),
    })
}
