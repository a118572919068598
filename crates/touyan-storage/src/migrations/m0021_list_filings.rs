//! Migration `m0021_list_filings`: every filed version of a town's yearly
//! list with the day it was filed (issue 17, item 6), so that a month's
//! pay reads the list in force that month even after a later filing.
//!
//! The lists filed before this migration are kept as version 0, in force
//! from the year's first day (what the pay read until now).
//!
//! Same rules as `migrations/mod.rs`: portable SQL only; once released it
//! never changes.

use sea_orm_migration::async_trait::async_trait;
use sea_orm_migration::prelude::*;

use crate::migrations::create_table;

pub(crate) struct ListFilings;

impl MigrationName for ListFilings {
    fn name(&self) -> &str {
        "m0021_list_filings"
    }
}

pub(crate) const TABLES: &[(&str, &str)] = &[(
    "list_filings",
    "year INTEGER NOT NULL, town TEXT NOT NULL, version INTEGER NOT NULL, \
     person TEXT NOT NULL, village TEXT NOT NULL, tier INTEGER NOT NULL, \
     filed_on DATE NOT NULL, \
     PRIMARY KEY (year, town, version, person), \
     FOREIGN KEY (town) REFERENCES towns (code), \
     FOREIGN KEY (person) REFERENCES people (citizen_id), \
     CHECK (tier BETWEEN 1 AND 3)",
)];

#[async_trait]
impl MigrationTrait for ListFilings {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, body) in TABLES {
            db.execute_unprepared(&create_table(name, body)).await?;
        }
        // The lists filed so far: version 0, in force from 1 January
        // (SQLite keeps a date as its ISO text).
        let first_day = match manager.get_database_backend() {
            sea_orm::DbBackend::Postgres => "make_date(year, 1, 1)",
            _ => "CAST(year AS TEXT) || '-01-01'",
        };
        db.execute_unprepared(&format!(
            "INSERT INTO list_filings (year, town, version, person, village, tier, filed_on, \
             created_at, updated_at, updated_by) \
             SELECT year, town, 0, person, village, tier, {first_day}, \
             created_at, updated_at, updated_by \
             FROM list_entries WHERE status = 'filed'"
        ))
        .await?;
        db.execute_unprepared("CREATE INDEX list_filings_town ON list_filings (year, town)")
            .await?;
        Ok(())
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
