//! Migration `m0006_indexes`: indexes for the server's reads (issue 4,
//! item 6, the load benchmark `bench/serve.sh`).
//!
//! - `villages (town_code, code)`: a town's village list in code order,
//!   read from the index without sorting the town's villages.
//! - `villages (town_code, committee)`: the dashboard's count of
//!   villagers' committees per town from the index alone.
//! - `posts (village, role, end_on, start_on, person)`: "the secretary in
//!   post" of a village (role `secretary`, no end, latest start) and the
//!   dashboard's count of them, from the index alone.
//! - `list_entries (town, year, status)`: the dashboard's count of filed
//!   places from the index alone.
//!
//! Same rules as `migrations/mod.rs`: portable SQL only; once released it never
//! changes.

use sea_orm_migration::async_trait::async_trait;
use sea_orm_migration::prelude::*;

pub(crate) struct Indexes;

impl MigrationName for Indexes {
    fn name(&self) -> &str {
        "m0006_indexes"
    }
}

/// The statements, in order.
pub(crate) const STATEMENTS: &[&str] = &[
    "CREATE INDEX villages_town_code ON villages (town_code, code)",
    "CREATE INDEX villages_town_committee ON villages (town_code, committee)",
    "CREATE INDEX posts_current ON posts (village, role, end_on, start_on, person)",
    "CREATE INDEX list_entries_town_status ON list_entries (town, year, status)",
];

#[async_trait]
impl MigrationTrait for Indexes {
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
