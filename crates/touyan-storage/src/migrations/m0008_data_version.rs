//! Migration `m0008_data_version`: the version of the records, and
//! indexes the one-person file and the people list read by (issue 4,
//! item 6, the load benchmark `bench/serve.sh`).
//!
//! - `data_version`: one row whose `version` every transaction that writes
//!   records moves on, in that transaction (`Tx::commit`, and the SQLite
//!   bulk write of the cycle). Sign-ins, sessions, lockouts and exports do
//!   not. The server keeps what it computes from records (the dashboard,
//!   the village list's page boundaries) for one version and checks the
//!   version on every request, so a write by any process on the database
//!   is seen by the next request of every process.
//! - `list_entries (person)`: a person's places on the yearly lists (the
//!   table's key starts with the year).
//! - `people (name, citizen_id)`: the people list's order, so a page is
//!   read from the index instead of sorting everyone in scope.
//!
//! (`m0007` is another change's.) Same rules as `migrations/mod.rs`: portable
//! SQL only; once released it never changes.

use sea_orm_migration::async_trait::async_trait;
use sea_orm_migration::prelude::*;

pub(crate) struct DataVersion;

impl MigrationName for DataVersion {
    fn name(&self) -> &str {
        "m0008_data_version"
    }
}

/// The statements, in order.
pub(crate) const STATEMENTS: &[&str] = &[
    "CREATE TABLE data_version (singleton INTEGER NOT NULL, version BIGINT NOT NULL, \
     PRIMARY KEY (singleton), CHECK (singleton = 1))",
    "INSERT INTO data_version (singleton, version) VALUES (1, 0)",
    "CREATE INDEX list_entries_person ON list_entries (person)",
    "CREATE INDEX people_name ON people (name, citizen_id)",
];

/// Moves the data version on (inside a transaction that wrote records).
pub(crate) const BUMP: &str = "UPDATE data_version SET version = version + 1 WHERE singleton = 1";

#[async_trait]
impl MigrationTrait for DataVersion {
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
