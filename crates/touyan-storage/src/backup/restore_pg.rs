//! A backup into PostgreSQL: in one transaction, tables parents first
//! (PostgreSQL's foreign keys are not deferrable here), rows read from the
//! file by a thread of their own a batch at a time and written as
//! multi-row INSERTs typed by the database's own columns; then each
//! sequence (the change log's ids) set past the largest id restored.

use std::path::{Path, PathBuf};

use rusqlite::types::Value as SqlValue;
use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait, Value};
use tokio::sync::mpsc;

use super::catalog::{ColType, Column, Table, is_content, parents_first, pg_tables, quote};
use super::file::{content_tables, open_backup, select_all};
use super::restore::{Seeded, check_empty, same_columns};
use super::{BackupError, Phase, Progress, Step};
use crate::Store;
use crate::sqlite_bulk::{parse_date, parse_datetime};

/// Most rows in one INSERT (and fewer when the columns would pass the
/// bind limit).
const ROWS: usize = 1_000;

pub(crate) async fn into_postgres(
    store: &Store,
    backup: &Path,
    seeded: &Seeded,
    progress: &Progress,
) -> Result<Vec<(String, u64)>, BackupError> {
    let path = backup.to_owned();
    let order = tokio::task::spawn_blocking(move || {
        let conn = open_backup(&path)?;
        parents_first(&conn, "main", &content_tables(&conn, "main")?)
    })
    .await
    .map_err(|e| BackupError::Failed(format!("恢复线程失败：{e}")))??;
    let tx = store.db.begin().await?;
    let mine: Vec<Table> = pg_tables(&tx)
        .await?
        .into_iter()
        .filter(|t| is_content(&t.name))
        .collect();
    same_columns(&order, &mine)?;
    let mut counts = Vec::with_capacity(mine.len());
    for t in &mine {
        let n = tx
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                format!("SELECT count(*) FROM {}", quote(&t.name)),
            ))
            .await?
            .map(|r| r.try_get_by_index::<i64>(0))
            .transpose()?
            .unwrap_or(0);
        counts.push((t.name.clone(), n as u64));
    }
    check_empty(&counts, seeded)?;
    for t in seeded.keys() {
        tx.execute_unprepared(&format!("DELETE FROM {}", quote(t)))
            .await?;
    }
    let mut out = Vec::with_capacity(order.len());
    for (i, t) in order.iter().enumerate() {
        let Some(target) = mine.iter().find(|m| m.name == t.name) else {
            continue;
        };
        let n = copy_table(&tx, backup, t, target).await?;
        progress(&Step {
            phase: Phase::Restore,
            table: t.name.clone(),
            rows: n,
            index: i + 1,
            of: order.len(),
        });
        out.push((t.name.clone(), n));
    }
    reset_sequences(&tx).await?;
    tx.commit()
        .await
        .map_err(|e| BackupError::Failed(format!("恢复的记录未能提交（已全部撤销）：{e}")))?;
    Ok(out)
}

/// One table: the file's rows in batches, each batch one INSERT.
async fn copy_table<C: ConnectionTrait>(
    tx: &C,
    backup: &Path,
    table: &Table,
    target: &Table,
) -> Result<u64, BackupError> {
    // The target's columns in the file's order, for their types.
    let columns: Vec<Column> = table
        .columns
        .iter()
        .filter_map(|c| target.columns.iter().find(|t| t.name == c.name).cloned())
        .collect();
    let per = ROWS.min(60_000 / columns.len().max(1)).max(1);
    let (send, mut receive) = mpsc::channel::<Vec<Vec<SqlValue>>>(4);
    let path: PathBuf = backup.to_owned();
    let t = table.clone();
    let reader = tokio::task::spawn_blocking(move || -> Result<(), BackupError> {
        let conn = open_backup(&path)?;
        let mut stmt = conn.prepare(&select_all(&conn, "main", &t))?;
        let mut rows = stmt.query([])?;
        let mut batch = Vec::with_capacity(per);
        while let Some(r) = rows.next()? {
            let row = (0..t.columns.len())
                .map(|k| r.get::<_, SqlValue>(k))
                .collect::<Result<Vec<_>, _>>()?;
            batch.push(row);
            if batch.len() == per && send.blocking_send(std::mem::take(&mut batch)).is_err() {
                return Ok(());
            }
        }
        if !batch.is_empty() {
            let _ = send.blocking_send(batch);
        }
        Ok(())
    });
    let head = format!(
        "INSERT INTO {} ({}) VALUES ",
        quote(&table.name),
        table.column_list()
    );
    let mut n = 0u64;
    while let Some(batch) = receive.recv().await {
        let mut sql = head.clone();
        let mut values = Vec::with_capacity(batch.len() * columns.len());
        let mut k = 0;
        for (r, row) in batch.into_iter().enumerate() {
            sql.push_str(if r == 0 { "(" } else { ", (" });
            for (j, (v, c)) in row.into_iter().zip(&columns).enumerate() {
                k += 1;
                if j > 0 {
                    sql.push_str(", ");
                }
                if c.ty == ColType::Other {
                    sql.push_str(&format!("CAST(${k} AS {})", c.declared));
                } else {
                    sql.push_str(&format!("${k}"));
                }
                values.push(value(v, c).map_err(|e| {
                    BackupError::Failed(format!(
                        "备份文件表 {} 列 {} 的值无法写入：{e}",
                        table.name, c.name
                    ))
                })?);
            }
            sql.push(')');
            n += 1;
        }
        tx.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            values,
        ))
        .await
        .map_err(|e| {
            BackupError::Failed(format!("写入表 {} 失败（已全部撤销）：{e}", table.name))
        })?;
    }
    reader
        .await
        .map_err(|e| BackupError::Failed(format!("读取备份文件的线程失败：{e}")))??;
    Ok(n)
}

/// A value of the file as the PostgreSQL column `c` takes it.
fn value(v: SqlValue, c: &Column) -> Result<Value, String> {
    let wrong = |v: &SqlValue| format!("{v:?} 不是 {} 类型的值", c.declared);
    Ok(match (c.ty, v) {
        (ColType::Text | ColType::Other, SqlValue::Null) => Value::String(None),
        (ColType::Text | ColType::Other, SqlValue::Text(s)) => Value::String(Some(s)),
        (ColType::Text | ColType::Other, SqlValue::Integer(i)) => {
            Value::String(Some(i.to_string()))
        }
        (ColType::SmallInt, SqlValue::Null) => Value::SmallInt(None),
        (ColType::SmallInt, SqlValue::Integer(i)) => {
            Value::SmallInt(Some(i16::try_from(i).map_err(|e| e.to_string())?))
        }
        (ColType::Int, SqlValue::Null) => Value::Int(None),
        (ColType::Int, SqlValue::Integer(i)) => {
            Value::Int(Some(i32::try_from(i).map_err(|e| e.to_string())?))
        }
        (ColType::BigInt, SqlValue::Null) => Value::BigInt(None),
        (ColType::BigInt, SqlValue::Integer(i)) => Value::BigInt(Some(i)),
        (ColType::Bool, SqlValue::Null) => Value::Bool(None),
        (ColType::Bool, SqlValue::Integer(i)) => Value::Bool(Some(i != 0)),
        (ColType::Date, SqlValue::Null) => Value::TimeDate(None),
        (ColType::Date, SqlValue::Text(s)) => Value::TimeDate(Some(parse_date(&s)?)),
        (ColType::Timestamp, SqlValue::Null) => Value::TimeDateTime(None),
        (ColType::Timestamp, SqlValue::Text(s)) => Value::TimeDateTime(Some(parse_datetime(&s)?)),
        (ColType::TimestampTz, SqlValue::Null) => Value::TimeDateTimeWithTimeZone(None),
        (ColType::TimestampTz, SqlValue::Text(s)) => Value::TimeDateTimeWithTimeZone(Some(
            time::OffsetDateTime::parse(&s, &time::format_description::well_known::Rfc3339)
                .map_err(|e| e.to_string())?,
        )),
        (ColType::Double, SqlValue::Null) => Value::Double(None),
        (ColType::Double, SqlValue::Real(f)) => Value::Double(Some(f)),
        (ColType::Double, SqlValue::Integer(i)) => Value::Double(Some(i as f64)),
        (ColType::Bytes, SqlValue::Null) => Value::Bytes(None),
        (ColType::Bytes, SqlValue::Blob(b)) => Value::Bytes(Some(b)),
        (_, other) => return Err(wrong(&other)),
    })
}

/// Every column filled from a sequence (`BIGSERIAL`, identity) set so
/// that the next value follows the largest restored.
async fn reset_sequences<C: ConnectionTrait>(tx: &C) -> Result<(), BackupError> {
    let rows = tx
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT table_name::text, column_name::text FROM information_schema.columns \
             WHERE table_schema = current_schema() \
               AND (column_default LIKE 'nextval(%' OR is_identity = 'YES')",
        ))
        .await?;
    for r in rows {
        let table: String = r.try_get_by_index(0)?;
        let column: String = r.try_get_by_index(1)?;
        tx.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!(
                "SELECT setval(pg_get_serial_sequence($1, $2), COALESCE(MAX({c}), 1), \
                 MAX({c}) IS NOT NULL) FROM {t}",
                c = quote(&column),
                t = quote(&table)
            ),
            [
                Value::String(Some(quote(&table))),
                Value::String(Some(column)),
            ],
        ))
        .await?;
    }
    Ok(())
}
