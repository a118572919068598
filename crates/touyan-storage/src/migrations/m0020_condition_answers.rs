//! Migration `m0020_condition_answers`: the towns' yes/no answers to the
//! inclusion conditions a city's policy adds (`[[conditions]]`, Article 1;
//! issue 17, item 2), one row per person and condition, a record table
//! like the others (audit columns, written through a batch).
//!
//! Same rules as `migrations/mod.rs`: portable SQL only; once released it never
//! changes.

use sea_orm_migration::async_trait::async_trait;
use sea_orm_migration::prelude::*;

use crate::migrations::create_table;

pub(crate) struct ConditionAnswers;

impl MigrationName for ConditionAnswers {
    fn name(&self) -> &str {
        "m0020_condition_answers"
    }
}

/// (table, columns and constraints).
pub(crate) const TABLES: &[(&str, &str)] = &[(
    "condition_answers",
    "person TEXT NOT NULL, condition_id TEXT NOT NULL, answer BOOLEAN NOT NULL, \
     recorded_on DATE NOT NULL, note TEXT NOT NULL, \
     PRIMARY KEY (person, condition_id), \
     FOREIGN KEY (person) REFERENCES people (citizen_id)",
)];

/// The statements, in order.
pub(crate) fn statements() -> Vec<String> {
    TABLES
        .iter()
        .map(|(name, body)| create_table(name, body))
        .collect()
}

#[async_trait]
impl MigrationTrait for ConditionAnswers {
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
