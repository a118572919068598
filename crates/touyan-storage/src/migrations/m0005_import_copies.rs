//! Migration `m0005_import_copies`: marked copies of refused workbooks,
//! kept a short while for download (issue 4, the import page).
//!
//! When a workbook uploaded on the import page has problems, the server
//! writes the marked copy (bad cells red, an error sheet) and keeps it here
//! so that the download link works from any server process on the
//! database, not only the one that checked the upload. Only the SHA-256 of
//! the link's token is kept; a copy is handed only to the account that
//! uploaded it, and copies older than the caller's cut-off are deleted
//! whenever a new one is stored. The content is base64 text (the portable
//! column types have no binary type).
//!
//! Same rules as `migrations/mod.rs`: portable SQL only; once released it never
//! changes.

use sea_orm::{ConnectionTrait, Statement, Value};
use sea_orm_migration::async_trait::async_trait;
use sea_orm_migration::prelude::*;
use time::PrimitiveDateTime;

use crate::sql::Params;
use crate::{Store, StoreError};

pub(crate) struct ImportCopies;

impl MigrationName for ImportCopies {
    fn name(&self) -> &str {
        "m0005_import_copies"
    }
}

/// The statements, in order.
pub(crate) fn statements() -> Vec<String> {
    vec![
        "CREATE TABLE import_copies (token_hash TEXT NOT NULL, username TEXT NOT NULL, \
         created_at TIMESTAMP NOT NULL, file_name TEXT NOT NULL, content_b64 TEXT NOT NULL, \
         PRIMARY KEY (token_hash))"
            .to_owned(),
        "CREATE INDEX import_copies_created ON import_copies (created_at)".to_owned(),
    ]
}

#[async_trait]
impl MigrationTrait for ImportCopies {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for sql in statements() {
            db.execute_unprepared(&sql).await?;
        }
        Ok(())
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}

/// A stored marked copy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportCopy {
    pub file_name: String,
    /// The workbook, base64.
    pub content_b64: String,
    pub created_at: PrimitiveDateTime,
}

impl Store {
    /// Keeps a marked copy under `token_hash` for `username`, and deletes
    /// every copy made before `expired_before` (in one transaction).
    pub async fn put_import_copy(
        &self,
        token_hash: &str,
        username: &str,
        file_name: &str,
        content_b64: &str,
        now: PrimitiveDateTime,
        expired_before: PrimitiveDateTime,
    ) -> Result<(), StoreError> {
        let b = self.backend;
        let tx = sea_orm::TransactionTrait::begin_with_options(
            &self.db,
            sea_orm::TransactionOptions {
                sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
                ..Default::default()
            },
        )
        .await?;
        let mut p = Params::new(b);
        let sql = format!("DELETE FROM import_copies WHERE created_at < {}", p.next());
        tx.execute_raw(Statement::from_sql_and_values(
            b.db(),
            sql,
            [Value::TimeDateTime(Some(expired_before))],
        ))
        .await?;
        let mut p = Params::new(b);
        let sql = format!(
            "INSERT INTO import_copies (token_hash, username, created_at, file_name, content_b64) \
             VALUES {}",
            p.tuple(5)
        );
        tx.execute_raw(Statement::from_sql_and_values(
            b.db(),
            sql,
            [
                Value::String(Some(token_hash.to_owned())),
                Value::String(Some(username.to_owned())),
                Value::TimeDateTime(Some(now)),
                Value::String(Some(file_name.to_owned())),
                Value::String(Some(content_b64.to_owned())),
            ],
        ))
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The marked copy under `token_hash` if `username` made it and it was
    /// made at or after `not_before`.
    pub async fn import_copy(
        &self,
        token_hash: &str,
        username: &str,
        not_before: PrimitiveDateTime,
    ) -> Result<Option<ImportCopy>, StoreError> {
        let b = self.backend;
        let mut p = Params::new(b);
        let sql = format!(
            "SELECT file_name, content_b64, created_at FROM import_copies \
             WHERE token_hash = {} AND username = {} AND created_at >= {}",
            p.next(),
            p.next(),
            p.next()
        );
        let row = self
            .db
            .query_one_raw(Statement::from_sql_and_values(
                b.db(),
                sql,
                [
                    Value::String(Some(token_hash.to_owned())),
                    Value::String(Some(username.to_owned())),
                    Value::TimeDateTime(Some(not_before)),
                ],
            ))
            .await?;
        row.map(|r| {
            Ok(ImportCopy {
                file_name: r.try_get_by_index(0)?,
                content_b64: r.try_get_by_index(1)?,
                created_at: r.try_get_by_index(2)?,
            })
        })
        .transpose()
        .map_err(|e: sea_orm::DbErr| StoreError::from(e))
    }
}
