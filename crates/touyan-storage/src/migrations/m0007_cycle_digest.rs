//! Migration `m0007_cycle_digest`: a digest of each stored secretary
//! proposal (issue 3, item 8: the cycle's speed).
//!
//! `cycle_secretaries.digest` (BIGINT, empty for rows written before this
//! migration): the first 8 bytes of the SHA-256 of the row's data columns
//! (`cycle::digest`). A re-run of the cycle compares it with the proposal
//! it has just made and leaves a row whose proposal has not changed
//! untouched, instead of deleting and writing every row again. A row
//! without a digest counts as changed, so the first run after this
//! migration rewrites each row once.
//!
//! Same rules as `migrations/mod.rs`: portable SQL only; once released it never
//! changes.

use sea_orm_migration::async_trait::async_trait;
use sea_orm_migration::prelude::*;

pub(crate) struct CycleDigest;

impl MigrationName for CycleDigest {
    fn name(&self) -> &str {
        "m0007_cycle_digest"
    }
}

/// The statements, in order.
pub(crate) const STATEMENTS: &[&str] = &["ALTER TABLE cycle_secretaries ADD COLUMN digest BIGINT"];

#[async_trait]
impl MigrationTrait for CycleDigest {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for sql in STATEMENTS {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
