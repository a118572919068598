//! A SQLite database's backup: `VACUUM INTO` a new file.
//!
//! `VACUUM INTO` reads the database in one read transaction, so the copy
//! is the database as of one commit, whatever the server writes meanwhile
//! (in WAL mode a reader holds up no writer and no writer holds it up);
//! it copies every table, index, trigger and `sqlite_sequence` as they
//! are, and leaves the source untouched. The connection is read-only and
//! runs no migration.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::BackupError;

pub(crate) async fn copy(source: &Path, temp: &Path) -> Result<(), BackupError> {
    if !source.is_file() {
        return Err(BackupError::Refused(format!(
            "数据库文件 {} 不存在",
            source.display()
        )));
    }
    let source = source.to_owned();
    let temp = temp.to_owned();
    tokio::task::spawn_blocking(move || -> Result<(), BackupError> {
        let conn = Connection::open_with_flags(
            &source,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| {
            BackupError::Failed(format!("无法打开数据库文件 {}：{e}", source.display()))
        })?;
        conn.busy_timeout(crate::store::BUSY_TIMEOUT)?;
        let is_db: Result<i64, _> =
            conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0));
        if let Err(e) = is_db {
            return Err(BackupError::Refused(format!(
                "{} 不是 SQLite 数据库文件：{e}",
                source.display()
            )));
        }
        let target = temp.to_str().ok_or_else(|| {
            BackupError::Refused(format!("备份文件名 {} 含有无法使用的字符", temp.display()))
        })?;
        conn.execute("VACUUM INTO ?1", [target])?;
        Ok(())
    })
    .await
    .map_err(|e| BackupError::Failed(format!("备份线程失败：{e}")))?
}
