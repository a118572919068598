//! The change log's hash chain (issue 19, item 6; 等保2.0 安全审计: the
//! records protected). Every row carries `prev_hash` (the row before's
//! `row_hash`; [`GENESIS`] for the first) and `row_hash`, the SHA-256 of
//! [`encode`]: its id, time, actor, table, key, action, before, after,
//! origin and `prev_hash`, each length-prefixed so no two rows encode
//! alike. `audit_chain_head` (one row, migration `m0026_audit_chain`)
//! holds the last id and hash.
//!
//! Every writer hands its entries to [`append`] (or [`append_sqlite`] on
//! the cycle's rusqlite connection) in its write transaction: it locks
//! the head row (`FOR UPDATE` on PostgreSQL; SQLite's writer holds the
//! file already), numbers the entries from the head's last id, hashes
//! each onto the one before and moves the head, so two transactions
//! cannot chain onto the same row: the second waits for the first's
//! commit and reads its head. A `Tx` keeps its entries until it commits
//! (`Tx::commit`), so the head is locked only while the log is written,
//! not for the whole of a long import.

use sea_orm::{ConnectionTrait, Statement, Value};
use sha2::{Digest, Sha256};
use time::PrimitiveDateTime;
use time::macros::format_description;

use crate::sql::Params;
use crate::{Backend, StoreError};

/// The `prev_hash` of the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What the hash of a row is computed over besides its `prev_hash`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    /// UTC, microseconds (both backends keep that much).
    pub(crate) at: PrimitiveDateTime,
    pub(crate) actor: String,
    pub(crate) table: String,
    pub(crate) key: String,
    pub(crate) action: String,
    pub(crate) before: Option<String>,
    pub(crate) after: Option<String>,
    pub(crate) origin: Option<String>,
}

/// A time cut to whole microseconds, as both backends store it.
pub(crate) fn micros(t: PrimitiveDateTime) -> PrimitiveDateTime {
    t.replace_nanosecond(t.nanosecond() / 1000 * 1000)
        .unwrap_or(t)
}

/// A time as the hash reads it: `YYYY-MM-DD HH:MM:SS.ffffff`.
pub(crate) fn time_text(t: PrimitiveDateTime) -> String {
    t.format(format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second].[subsecond digits:6]"
    ))
    .unwrap_or_default()
}

/// The bytes a row's hash is taken over: a version tag, then each field
/// in order as 0 (NULL) or 1, its length (8 bytes, big-endian) and its
/// UTF-8 bytes.
pub(crate) fn encode(id: i64, e: &Entry, prev_hash: &str) -> Vec<u8> {
    let id = id.to_string();
    let at = time_text(e.at);
    let fields: [Option<&str>; 11] = [
        Some("touyan-change-log-v1"),
        Some(&id),
        Some(&at),
        Some(&e.actor),
        Some(&e.table),
        Some(&e.key),
        Some(&e.action),
        e.before.as_deref(),
        e.after.as_deref(),
        e.origin.as_deref(),
        Some(prev_hash),
    ];
    let mut out = Vec::with_capacity(256);
    for f in fields {
        match f {
            None => out.push(0),
            Some(s) => {
                out.push(1);
                out.extend_from_slice(&(s.len() as u64).to_be_bytes());
                out.extend_from_slice(s.as_bytes());
            }
        }
    }
    out
}

/// A row's hash (lower-case hex SHA-256 of [`encode`]).
pub(crate) fn row_hash(id: i64, e: &Entry, prev_hash: &str) -> String {
    hex::encode(Sha256::digest(encode(id, e, prev_hash)))
}

/// The columns written, in the order [`append`] binds them.
const COLUMNS: &str = "id, changed_at, actor, table_name, record_key, action, before_json, \
                       after_json, origin, prev_hash, row_hash";
const WIDTH: usize = 11;

/// The head row locked for this transaction: (last id, last hash).
async fn lock_head<C: ConnectionTrait>(
    c: &C,
    backend: Backend,
) -> Result<(i64, String), StoreError> {
    let lock = match backend {
        Backend::Postgres => " FOR UPDATE",
        Backend::Sqlite => "",
    };
    let row = c
        .query_one_raw(Statement::from_string(
            backend.db(),
            format!("SELECT last_id, last_hash FROM audit_chain_head WHERE id = 1{lock}"),
        ))
        .await?
        .ok_or_else(|| StoreError::Internal("操作日志链头缺失".into()))?;
    Ok((row.try_get_by_index(0)?, row.try_get_by_index(1)?))
}

/// Appends `entries` to the change log in the transaction `c`, chained
/// onto the head, and moves the head.
pub(crate) async fn append<C: ConnectionTrait>(
    c: &C,
    backend: Backend,
    entries: &[Entry],
) -> Result<(), StoreError> {
    if entries.is_empty() {
        return Ok(());
    }
    let (mut last_id, mut last_hash) = lock_head(c, backend).await?;
    let chunks: Vec<&[Entry]> = entries.chunks(backend.bind_limit() / WIDTH - 1).collect();
    for (i, chunk) in chunks.iter().enumerate() {
        let mut p = Params::new(backend);
        let tuples: Vec<String> = chunk.iter().map(|_| p.tuple(WIDTH)).collect();
        let mut values = Vec::with_capacity(chunk.len() * WIDTH + 2);
        for e in *chunk {
            let id = last_id + 1;
            let hash = row_hash(id, e, &last_hash);
            values.extend([
                Value::BigInt(Some(id)),
                Value::TimeDateTime(Some(e.at)),
                Value::String(Some(e.actor.clone())),
                Value::String(Some(e.table.clone())),
                Value::String(Some(e.key.clone())),
                Value::String(Some(e.action.clone())),
                Value::String(e.before.clone()),
                Value::String(e.after.clone()),
                Value::String(e.origin.clone()),
                Value::String(Some(std::mem::replace(&mut last_hash, hash.clone()))),
                Value::String(Some(hash)),
            ]);
            last_id = id;
        }
        let mut sql = format!(
            "INSERT INTO change_log ({COLUMNS}) VALUES {}",
            tuples.join(", ")
        );
        let last = i + 1 == chunks.len();
        // PostgreSQL moves the head in the last insert's statement (one
        // round trip less a transaction); SQLite, in process, after it.
        if last && backend == Backend::Postgres {
            sql = format!("WITH moved AS ({}) {sql}", move_head(&mut p));
            values.extend(head_values(last_id, &last_hash));
        }
        c.execute_raw(Statement::from_sql_and_values(backend.db(), sql, values))
            .await?;
    }
    if backend == Backend::Sqlite {
        let mut p = Params::new(backend);
        c.execute_raw(Statement::from_sql_and_values(
            backend.db(),
            move_head(&mut p),
            head_values(last_id, &last_hash),
        ))
        .await?;
    }
    Ok(())
}

fn move_head(p: &mut Params) -> String {
    format!(
        "UPDATE audit_chain_head SET last_id = {}, last_hash = {} WHERE id = 1",
        p.next(),
        p.next()
    )
}

fn head_values(last_id: i64, last_hash: &str) -> [Value; 2] {
    [
        Value::BigInt(Some(last_id)),
        Value::String(Some(last_hash.to_owned())),
    ]
}

/// [`append`] on a rusqlite transaction (the cycle's write on SQLite);
/// the time is stored as `sqlite_bulk` stores times.
pub(crate) fn append_sqlite(
    tx: &rusqlite::Transaction<'_>,
    entries: &[Entry],
) -> Result<(), StoreError> {
    use crate::sqlite_bulk::{datetime_text, db_err};
    if entries.is_empty() {
        return Ok(());
    }
    let (mut last_id, mut last_hash): (i64, String) = tx
        .query_row(
            "SELECT last_id, last_hash FROM audit_chain_head WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map_err(db_err)?;
    let mut st = tx
        .prepare(&format!(
            "INSERT INTO change_log ({COLUMNS}) VALUES ({})",
            ["?"; WIDTH].join(", ")
        ))
        .map_err(db_err)?;
    for e in entries {
        let id = last_id + 1;
        let hash = row_hash(id, e, &last_hash);
        st.execute(rusqlite::params![
            id,
            datetime_text(e.at),
            e.actor,
            e.table,
            e.key,
            e.action,
            e.before,
            e.after,
            e.origin,
            last_hash,
            hash
        ])
        .map_err(db_err)?;
        last_id = id;
        last_hash = hash;
    }
    tx.execute(
        "UPDATE audit_chain_head SET last_id = ?, last_hash = ? WHERE id = 1",
        rusqlite::params![last_id, last_hash],
    )
    .map_err(db_err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn entry() -> Entry {
        Entry {
            at: datetime!(2026-01-02 03:04:05.123456),
            actor: "张三".into(),
            table: "people".into(),
            key: "k".into(),
            action: "insert".into(),
            before: None,
            after: Some("{}".into()),
            origin: None,
        }
    }

    /// The encoding byte by byte, and its hash.
    #[test]
    fn a_row_encodes_and_hashes_as_documented() {
        let e = entry();
        let bytes = encode(7, &e, GENESIS);
        let mut want = Vec::new();
        for f in [
            Some("touyan-change-log-v1"),
            Some("7"),
            Some("2026-01-02 03:04:05.123456"),
            Some("张三"),
            Some("people"),
            Some("k"),
            Some("insert"),
            None,
            Some("{}"),
            None,
            Some(GENESIS),
        ] {
            match f {
                None => want.push(0u8),
                Some(s) => {
                    want.push(1);
                    want.extend_from_slice(&(s.len() as u64).to_be_bytes());
                    want.extend_from_slice(s.as_bytes());
                }
            }
        }
        assert_eq!(bytes, want);
        assert_eq!(
            bytes.len(),
            11 + 8 * 9 + 20 + 1 + 26 + 6 + 6 + 1 + 6 + 2 + 64
        );
        assert_eq!(row_hash(7, &e, GENESIS), EXPECTED);
    }

    /// The SHA-256 of the 215 bytes above, computed apart from this code
    /// (Python's `hashlib` over the same layout).
    const EXPECTED: &str = "9969aa5c3795dbeb7b8e55d429202e5faf9adc7ea196b868a4c802d237b2390d";

    /// NULL and the empty text differ; a field's bytes cannot run into
    /// the next.
    #[test]
    fn fields_cannot_be_shifted() {
        let mut a = entry();
        let mut b = entry();
        a.before = None;
        b.before = Some(String::new());
        assert_ne!(row_hash(1, &a, GENESIS), row_hash(1, &b, GENESIS));
        let (mut a, mut b) = (entry(), entry());
        a.table = "peo".into();
        a.key = "plek".into();
        b.table = "people".into();
        b.key = "k".into();
        assert_ne!(row_hash(1, &a, GENESIS), row_hash(1, &b, GENESIS));
        assert_eq!(
            time_text(datetime!(2026-01-02 03:04:05)),
            "2026-01-02 03:04:05.000000"
        );
        assert_eq!(
            micros(datetime!(2026-01-02 03:04:05.123456789)),
            datetime!(2026-01-02 03:04:05.123456)
        );
    }
}
