//! Migration `m0026_audit_chain`: the change log becomes a hash chain
//! (issue 19, item 6; `audit/chain.rs`).
//!
//! - `change_log` gains `prev_hash` and `row_hash` (hex SHA-256).
//! - `audit_chain_head`: one row (the key must be 1), the last id and
//!   hash; every append locks and moves it in its transaction.
//! - The rows already there are sealed in id order, a page at a time, the
//!   first onto the genesis value: the append-only trigger is set aside
//!   for these updates and put back as `m0015_ballot_integrity` does, in
//!   the migration's transaction, so no other write sees the log
//!   unguarded.
//!
//! Same rules as `migrations/mod.rs`: portable SQL only (the trigger is
//! written per backend); once released it never changes. The hash it
//! seals with is `audit/chain.rs`'s, version 1: a later version of the
//! hash would come with a migration of its own.

use sea_orm::{ConnectionTrait, DbBackend, Statement, Value};
use sea_orm_migration::async_trait::async_trait;
use sea_orm_migration::prelude::*;

use crate::Backend;
use crate::audit::chain::{GENESIS, row_hash};
use crate::migrations::m0015_ballot_integrity::append_only;

pub(crate) struct AuditChain;

impl MigrationName for AuditChain {
    fn name(&self) -> &str {
        "m0026_audit_chain"
    }
}

/// The statements before the rows are sealed.
pub(crate) fn statements() -> Vec<String> {
    vec![
        "ALTER TABLE change_log ADD COLUMN prev_hash TEXT".into(),
        "ALTER TABLE change_log ADD COLUMN row_hash TEXT".into(),
        "CREATE TABLE audit_chain_head (id INTEGER NOT NULL, last_id BIGINT NOT NULL, \
         last_hash TEXT NOT NULL, PRIMARY KEY (id), CHECK (id = 1))"
            .into(),
    ]
}

/// Rows sealed per statement.
const PAGE: i64 = 1000;

/// Seals every row in id order; returns the last id and hash.
async fn seal<C: ConnectionTrait>(c: &C, backend: Backend) -> Result<(i64, String), DbErr> {
    let (mut last_id, mut last_hash) = (0_i64, GENESIS.to_owned());
    loop {
        let rows = crate::audit::read_page(c, backend, last_id, PAGE)
            .await
            .map_err(|e| DbErr::Custom(e.to_string()))?;
        if rows.is_empty() {
            break;
        }
        let mut p = crate::sql::Params::new(backend);
        let tuples: Vec<String> = rows.iter().map(|_| p.tuple(3)).collect();
        let mut values = Vec::with_capacity(rows.len() * 3);
        for r in &rows {
            let hash = row_hash(r.id, &r.entry, &last_hash);
            values.push(Value::BigInt(Some(r.id)));
            values.push(Value::String(Some(std::mem::replace(
                &mut last_hash,
                hash.clone(),
            ))));
            values.push(Value::String(Some(hash)));
            last_id = r.id;
        }
        let sql = format!(
            "UPDATE change_log SET prev_hash = v.column2, row_hash = v.column3 \
             FROM (VALUES {}) AS v WHERE change_log.id = v.column1",
            tuples.join(", ")
        );
        c.execute_raw(Statement::from_sql_and_values(backend.db(), sql, values))
            .await?;
    }
    Ok((last_id, last_hash))
}

#[async_trait]
impl MigrationTrait for AuditChain {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let db_backend = manager.get_database_backend();
        let backend = match db_backend {
            DbBackend::Postgres => Backend::Postgres,
            _ => Backend::Sqlite,
        };
        for sql in statements() {
            db.execute_unprepared(&sql).await?;
        }
        for sql in append_only(db_backend, true) {
            db.execute_unprepared(&sql).await?;
        }
        let (last_id, last_hash) = seal(db, backend).await?;
        for sql in append_only(db_backend, false) {
            db.execute_unprepared(&sql).await?;
        }
        db.execute_raw(Statement::from_sql_and_values(
            db_backend,
            match backend {
                Backend::Postgres => {
                    "INSERT INTO audit_chain_head (id, last_id, last_hash) VALUES (1, $1, $2)"
                }
                Backend::Sqlite => {
                    "INSERT INTO audit_chain_head (id, last_id, last_hash) VALUES (1, ?, ?)"
                }
            },
            [Value::BigInt(Some(last_id)), Value::String(Some(last_hash))],
        ))
        .await?;
        Ok(())
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
