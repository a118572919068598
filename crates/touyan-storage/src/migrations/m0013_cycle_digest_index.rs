//! Migration `m0013_cycle_digest_index`: the cycle's stored digests read
//! from an index (issue 3, item 8: the cycle's speed).
//!
//! A re-run of the cycle first reads `village, digest` of every stored
//! secretary proposal of the year (`m0007_cycle_digest`). In the table
//! those two columns sit beside each row's reasons (about 640 bytes of
//! JSON, the digest after them), so the read walked the whole table —
//! about half the Shandong cycle's write phase. The index
//! `cycle_secretaries (year, village, digest)` holds exactly what that read
//! needs, so it is answered from the index alone (SQLite: "covering
//! index"; PostgreSQL: index-only scan).
//!
//! Same rules as `migrations/mod.rs`: portable SQL only; once released it never
//! changes.

use sea_orm_migration::async_trait::async_trait;
use sea_orm_migration::prelude::*;

pub(crate) struct CycleDigestIndex;

impl MigrationName for CycleDigestIndex {
    fn name(&self) -> &str {
        "m0013_cycle_digest_index"
    }
}

/// The statements, in order.
pub(crate) const STATEMENTS: &[&str] =
    &["CREATE INDEX cycle_secretaries_digest ON cycle_secretaries (year, village, digest)"];

#[async_trait]
impl MigrationTrait for CycleDigestIndex {
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
