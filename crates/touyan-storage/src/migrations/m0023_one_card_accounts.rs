//! Migration `m0023_one_card_accounts`: each person's one-card (一卡通)
//! account, sealed (issue 17, item 5). The account number itself is
//! never stored: only its AES-256-GCM ciphertext, the nonce, which key
//! sealed it (`key_id`, a digest of the key, not the key) and the last
//! four digits for masked display. The key is a file outside the
//! database (`one_card.rs`).
//!
//! Same rules as `migrations/mod.rs`: portable SQL only; once released it
//! never changes.

use sea_orm_migration::async_trait::async_trait;
use sea_orm_migration::prelude::*;

use crate::migrations::create_table;

pub(crate) struct OneCardAccounts;

impl MigrationName for OneCardAccounts {
    fn name(&self) -> &str {
        "m0023_one_card_accounts"
    }
}

/// (table, columns and constraints).
pub(crate) const TABLES: &[(&str, &str)] = &[(
    "one_card_accounts",
    "person TEXT NOT NULL, key_id TEXT NOT NULL, nonce TEXT NOT NULL, \
     sealed TEXT NOT NULL, tail TEXT NOT NULL, recorded_on DATE NOT NULL, \
     PRIMARY KEY (person), \
     FOREIGN KEY (person) REFERENCES people (citizen_id)",
)];

#[async_trait]
impl MigrationTrait for OneCardAccounts {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, body) in TABLES {
            db.execute_unprepared(&create_table(name, body)).await?;
        }
        Ok(())
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
