//! Migration `m0025_corrections`: corrections and withdrawals of
//! recorded facts (issue 18, item 3), one row per correction, numbered
//! per record: which record (its table and key), the town, the day, who,
//! whether it was withdrawn, the reason, and the record as it read before
//! and after, in words. A record table like the others (audit columns);
//! written in the transaction that corrects or deletes the record.
//!
//! Same rules as `migrations/mod.rs`: portable SQL only; once released it never
//! changes.

use sea_orm_migration::async_trait::async_trait;
use sea_orm_migration::prelude::*;

use crate::migrations::create_table;

pub(crate) struct Corrections;

impl MigrationName for Corrections {
    fn name(&self) -> &str {
        "m0025_corrections"
    }
}

/// (table, columns and constraints).
pub(crate) const TABLES: &[(&str, &str)] = &[(
    "corrections",
    "kind TEXT NOT NULL, record_key TEXT NOT NULL, seq INTEGER NOT NULL, \
     town TEXT NOT NULL, done_on DATE NOT NULL, done_by TEXT NOT NULL, withdrawn BOOLEAN NOT NULL, \
     reason TEXT NOT NULL, before_text TEXT NOT NULL, after_text TEXT NOT NULL, \
     PRIMARY KEY (kind, record_key, seq), \
     FOREIGN KEY (town) REFERENCES towns (code)",
)];

/// The statements, in order.
pub(crate) fn statements() -> Vec<String> {
    TABLES
        .iter()
        .map(|(name, body)| create_table(name, body))
        .collect()
}

#[async_trait]
impl MigrationTrait for Corrections {
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
