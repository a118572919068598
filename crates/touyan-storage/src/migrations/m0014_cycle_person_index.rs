//! Migration `m0014_cycle_person_index`: the index of the stored secretary
//! proposals by person dropped (issue 3, item 8: the cycle's speed).
//!
//! `m0003_cycle` indexed `cycle_secretaries (person)`, the child side of the
//! foreign key to `people`, by habit. No statement reads the proposals by
//! person (the town's list, the plans and the cycle itself read them by
//! year and town or by year and village; a person's file does not show
//! them), and people are never deleted or re-keyed, which is the only time
//! either engine would look a person up in this table. Keeping it cost
//! every first run of a year one insertion at a random place of that index
//! per proposal: 0.8 s of the country's 487,304 (about a fifth of the
//! write), measured on SQLite. The foreign key itself stays.
//!
//! Same rules as `migrations/mod.rs`: portable SQL only; once released it never
//! changes.

use sea_orm_migration::async_trait::async_trait;
use sea_orm_migration::prelude::*;

pub(crate) struct CyclePersonIndex;

impl MigrationName for CyclePersonIndex {
    fn name(&self) -> &str {
        "m0014_cycle_person_index"
    }
}

/// The statements, in order.
pub(crate) const STATEMENTS: &[&str] = &["DROP INDEX cycle_secretaries_person"];

#[async_trait]
impl MigrationTrait for CyclePersonIndex {
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
