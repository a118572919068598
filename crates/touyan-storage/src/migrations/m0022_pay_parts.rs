//! Migration `m0022_pay_parts`: the parts of a secretary's pay that
//! higher-level rules set (Article 13: 基本报酬、业绩考核奖励报酬、养老保险
//! 补助; issue 17, item 5), one row per person, month and part with the
//! amount in fen and the channel that pays it; a record table like the
//! others (audit columns, written through a batch).
//!
//! Same rules as `migrations/mod.rs`: portable SQL only; once released it never
//! changes.

use sea_orm_migration::async_trait::async_trait;
use sea_orm_migration::prelude::*;

use crate::migrations::create_table;

pub(crate) struct PayParts;

impl MigrationName for PayParts {
    fn name(&self) -> &str {
        "m0022_pay_parts"
    }
}

/// (table, columns and constraints).
pub(crate) const TABLES: &[(&str, &str)] = &[(
    "pay_parts",
    "person TEXT NOT NULL, pay_month DATE NOT NULL, pay_part TEXT NOT NULL, \
     amount_fen BIGINT NOT NULL, fund_channel TEXT NOT NULL, recorded_on DATE NOT NULL, \
     PRIMARY KEY (person, pay_month, pay_part), \
     FOREIGN KEY (person) REFERENCES people (citizen_id), \
     CHECK (amount_fen >= 0)",
)];

/// The statements, in order: the table, and the read of a town's month.
pub(crate) fn statements() -> Vec<String> {
    let mut out: Vec<String> = TABLES
        .iter()
        .map(|(name, body)| create_table(name, body))
        .collect();
    out.push("CREATE INDEX pay_parts_month ON pay_parts (pay_month)".to_owned());
    out
}

#[async_trait]
impl MigrationTrait for PayParts {
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
