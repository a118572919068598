//! The backup file: a SQLite database with the source's tables and two of
//! its own, `touyan_backup` (name → value: what the file is) and
//! `touyan_backup_tables` (rows per table); its SHA-256; the temporary
//! name it is written under.

use std::io::Read;
use std::path::{Path, PathBuf};

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use sha2::{Digest, Sha256};

use super::catalog::{Table, is_content, quote, sqlite_tables};
use super::{BackupError, BackupInfo, FORMAT, Phase, Progress, Step};

/// A file being written under a temporary name beside its destination,
/// removed unless [`TempFile::persist`] renames it into place.
pub(crate) struct TempFile {
    path: PathBuf,
    kept: bool,
}

impl TempFile {
    pub(crate) fn beside(dest: &Path) -> Result<TempFile, BackupError> {
        let name = dest
            .file_name()
            .ok_or_else(|| BackupError::Refused(format!("{} 不是文件名", dest.display())))?;
        let path = dest.with_file_name(format!(
            ".{}.part-{}",
            name.to_string_lossy(),
            std::process::id()
        ));
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
        // Made empty and owner-only before anything is written into it
        // (VACUUM INTO and SQLite take an empty file as a new database):
        // a file that holds every ID number is never readable by others,
        // not even while it is being written.
        let mut new = std::fs::OpenOptions::new();
        new.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            new.mode(0o600);
        }
        new.open(&path)?;
        Ok(TempFile { path, kept: false })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes the file to disk and renames it to `dest`, readable by its
    /// owner only (it holds every record: ID numbers, password hashes).
    pub(crate) fn persist(mut self, dest: &Path) -> Result<(), BackupError> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&self.path, std::fs::Permissions::from_mode(0o600))?;
        }
        std::fs::File::open(&self.path)?.sync_all()?;
        std::fs::rename(&self.path, dest)?;
        self.kept = true;
        if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
            // The rename itself to disk (best effort: not every system
            // lets a directory be opened).
            if let Ok(d) = std::fs::File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_file(&self.path);
            for extra in ["-journal", "-wal", "-shm"] {
                let mut p = self.path.clone().into_os_string();
                p.push(extra);
                let _ = std::fs::remove_file(p);
            }
        }
    }
}

/// The content tables of `schema`, by name.
pub(crate) fn content_tables(conn: &Connection, schema: &str) -> Result<Vec<Table>, BackupError> {
    Ok(sqlite_tables(conn, schema)?
        .into_iter()
        .filter(|t| is_content(&t.name))
        .collect())
}

/// `SELECT` of every column of `table` in a fixed order (the rowid, or
/// every column for a table without one).
pub(crate) fn select_all(conn: &Connection, schema: &str, table: &Table) -> String {
    let base = format!(
        "SELECT {} FROM {schema}.{}",
        table.column_list(),
        quote(&table.name)
    );
    let by_rowid = format!("{base} ORDER BY rowid");
    if conn.prepare(&by_rowid).is_ok() {
        by_rowid
    } else {
        let all: Vec<String> = (1..=table.columns.len()).map(|i| i.to_string()).collect();
        format!("{base} ORDER BY {}", all.join(", "))
    }
}

fn hash_value(h: &mut Sha256, v: ValueRef<'_>) {
    match v {
        ValueRef::Null => h.update([0]),
        ValueRef::Integer(i) => {
            h.update([1]);
            h.update(i.to_le_bytes());
        }
        ValueRef::Real(f) => {
            h.update([2]);
            h.update(f.to_bits().to_le_bytes());
        }
        ValueRef::Text(t) => {
            h.update([3]);
            h.update((t.len() as u64).to_le_bytes());
            h.update(t);
        }
        ValueRef::Blob(b) => {
            h.update([4]);
            h.update((b.len() as u64).to_le_bytes());
            h.update(b);
        }
    }
}

/// The SHA-256 of the content tables of `schema` (each table's name,
/// columns and rows, values tagged by type), and each table's rows.
pub(crate) fn digest(
    conn: &Connection,
    schema: &str,
    phase: Phase,
    progress: &Progress,
) -> Result<(String, Vec<(String, u64)>), BackupError> {
    let tables = content_tables(conn, schema)?;
    let mut h = Sha256::new();
    h.update(b"touyan backup 1\0");
    let mut counts = Vec::with_capacity(tables.len());
    for (i, t) in tables.iter().enumerate() {
        h.update(t.name.as_bytes());
        h.update([0]);
        for c in &t.columns {
            h.update(c.name.as_bytes());
            h.update([0]);
        }
        h.update([0xff]);
        let mut stmt = conn.prepare(&select_all(conn, schema, t))?;
        let mut rows = stmt.query([])?;
        let mut n = 0u64;
        while let Some(row) = rows.next()? {
            for k in 0..t.columns.len() {
                hash_value(&mut h, row.get_ref(k)?);
            }
            n += 1;
        }
        h.update(n.to_le_bytes());
        progress(&Step {
            phase,
            table: t.name.clone(),
            rows: n,
            index: i + 1,
            of: tables.len(),
        });
        counts.push((t.name.clone(), n));
    }
    Ok((hex::encode(h.finalize()), counts))
}

fn strings(conn: &Connection, sql: &str) -> Result<Vec<String>, BackupError> {
    Ok(conn
        .prepare(sql)?
        .query_map([], |r| r.get::<_, Option<String>>(0))?
        .filter_map(|r| r.transpose())
        .collect::<Result<_, _>>()?)
}

fn has_table(conn: &Connection, name: &str) -> Result<bool, BackupError> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1",
            [name],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// The migrations the file's schema was made by, in order.
pub(crate) fn migrations(conn: &Connection) -> Result<Vec<String>, BackupError> {
    if !has_table(conn, "seaql_migrations")? {
        return Ok(Vec::new());
    }
    strings(
        conn,
        "SELECT version FROM seaql_migrations ORDER BY version",
    )
}

/// (key ids of the accounts on record, older ids the change log names).
fn key_ids(conn: &Connection) -> Result<(Vec<String>, Vec<String>), BackupError> {
    let current = if has_table(conn, "one_card_accounts")? {
        strings(
            conn,
            "SELECT DISTINCT key_id FROM one_card_accounts ORDER BY key_id",
        )?
    } else {
        Vec::new()
    };
    let logged = if has_table(conn, "change_log")? {
        strings(
            conn,
            "SELECT DISTINCT json_extract(j, '$.key_id') AS k FROM ( \
               SELECT after_json AS j FROM change_log WHERE table_name = 'one_card_accounts' \
               UNION ALL \
               SELECT before_json FROM change_log WHERE table_name = 'one_card_accounts') \
             WHERE json_valid(j) ORDER BY k",
        )?
    } else {
        Vec::new()
    };
    let older = logged
        .into_iter()
        .filter(|k| !current.contains(k))
        .collect();
    Ok((current, older))
}

/// Completes a backup file whose tables are copied: a self-contained file
/// (no write-ahead log), its description written into it.
pub(crate) fn finish(
    path: &Path,
    source: &str,
    method: &str,
    progress: &Progress,
) -> Result<BackupInfo, BackupError> {
    let conn = Connection::open(path)?;
    conn.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))?;
    let (sha256, tables) = digest(&conn, "main", Phase::Check, progress)?;
    let (key_ids, log_key_ids) = key_ids(&conn)?;
    let now = time::OffsetDateTime::now_utc();
    let info = BackupInfo {
        format: FORMAT.to_owned(),
        touyan_version: env!("CARGO_PKG_VERSION").to_owned(),
        migrations: migrations(&conn)?,
        source: source.to_owned(),
        method: method.to_owned(),
        created_at: crate::sqlite_bulk::datetime_text(time::PrimitiveDateTime::new(
            now.date(),
            now.time().replace_nanosecond(0).unwrap_or(now.time()),
        ))
        .trim_end_matches(".0")
        .to_owned(),
        sha256,
        tables,
        key_ids,
        log_key_ids,
    };
    let tx = conn.unchecked_transaction()?;
    tx.execute_batch(
        "CREATE TABLE touyan_backup (name TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL); \
         CREATE TABLE touyan_backup_tables (table_name TEXT NOT NULL PRIMARY KEY, \
           row_count BIGINT NOT NULL);",
    )?;
    for (name, value) in [
        ("format", info.format.clone()),
        ("touyan_version", info.touyan_version.clone()),
        ("migrations", info.migrations.join(",")),
        ("source", info.source.clone()),
        ("method", info.method.clone()),
        ("created_at", info.created_at.clone()),
        ("sha256", info.sha256.clone()),
        ("key_ids", info.key_ids.join(",")),
        ("log_key_ids", info.log_key_ids.join(",")),
    ] {
        tx.execute(
            "INSERT INTO touyan_backup (name, value) VALUES (?1, ?2)",
            (name, value),
        )?;
    }
    for (table, rows) in &info.tables {
        tx.execute(
            "INSERT INTO touyan_backup_tables (table_name, row_count) VALUES (?1, ?2)",
            (table, *rows as i64),
        )?;
    }
    tx.commit()?;
    Ok(info)
}

/// Opens a backup file read-only, refusing what is not one.
pub(crate) fn open_backup(path: &Path) -> Result<Connection, BackupError> {
    let shown = path.display();
    let mut head = [0u8; 16];
    let read = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                BackupError::Refused(format!("备份文件 {shown} 不存在"))
            }
            _ => BackupError::Failed(format!("无法读取备份文件 {shown}：{e}")),
        })?;
    if head.starts_with(b"PGDMP") {
        return Err(BackupError::Refused(format!(
            "{shown} 是 pg_dump 的备份（自定义格式），不是 touyan 备份文件；请用 PostgreSQL 的 pg_restore 恢复到一个空的数据库，例如：pg_restore --no-owner -d postgres://…/新数据库 {shown}"
        )));
    }
    if read < 16 || &head != b"SQLite format 3\0" {
        return Err(not_a_backup(path, "不是 SQLite 数据库文件"));
    }
    Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| not_a_backup(path, &e.to_string()))
}

fn not_a_backup(path: &Path, why: &str) -> BackupError {
    BackupError::Refused(format!(
        "{} 不是 touyan 备份文件（{why}）；请指定 touyan backup 写出的文件",
        path.display()
    ))
}

/// What the backup file at `path` says about itself (without checking its
/// rows; [`verify`] does).
pub fn read_info(path: &Path) -> Result<BackupInfo, BackupError> {
    let conn = open_backup(path)?;
    info_of(&conn, path)
}

fn info_of(conn: &Connection, path: &Path) -> Result<BackupInfo, BackupError> {
    let pairs: Vec<(String, String)> = conn
        .prepare("SELECT name, value FROM touyan_backup")
        .and_then(|mut s| {
            s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()
        })
        .map_err(|_| not_a_backup(path, "没有备份说明表 touyan_backup"))?;
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| not_a_backup(path, &format!("缺少说明项 {name}")))
    };
    let list = |v: String| -> Vec<String> {
        v.split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let format = get("format")?;
    if format != FORMAT {
        return Err(BackupError::Refused(format!(
            "备份文件 {} 的格式版本为 {format}，本程序只能读取格式版本 {FORMAT}；请使用写出它的 touyan 版本（{}）恢复",
            path.display(),
            get("touyan_version").unwrap_or_default()
        )));
    }
    let tables = conn
        .prepare("SELECT table_name, row_count FROM touyan_backup_tables ORDER BY table_name")
        .and_then(|mut s| {
            s.query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))?
                .collect::<Result<_, _>>()
        })
        .map_err(|e| not_a_backup(path, &e.to_string()))?;
    Ok(BackupInfo {
        format,
        touyan_version: get("touyan_version")?,
        migrations: list(get("migrations")?),
        source: get("source")?,
        method: get("method")?,
        created_at: get("created_at")?,
        sha256: get("sha256")?,
        tables,
        key_ids: list(get("key_ids")?),
        log_key_ids: list(get("log_key_ids")?),
    })
}

/// Reads the backup at `path` whole: its description, and every row
/// against the row counts and the SHA-256 it records.
pub(crate) fn verify(path: &Path, progress: &Progress) -> Result<BackupInfo, BackupError> {
    let conn = open_backup(path)?;
    let info = info_of(&conn, path)?;
    let damaged = |why: String| {
        BackupError::Refused(format!(
            "备份文件 {} 已损坏或被改动（{why}），不能恢复",
            path.display()
        ))
    };
    let (sha, counts) =
        digest(&conn, "main", Phase::Check, progress).map_err(|e| damaged(e.to_string()))?;
    if counts != info.tables {
        return Err(damaged("各表行数与备份时记录的不同".into()));
    }
    if sha != info.sha256 {
        return Err(damaged("SHA-256 与备份时记录的不同".into()));
    }
    Ok(info)
}
