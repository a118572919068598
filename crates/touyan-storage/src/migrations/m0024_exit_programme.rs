//! Migration `m0024_exit_programme`: each exit says which programme it
//! leaves (issue 17): the professionalized management of secretaries or
//! the young cadres' programme (Article 10). An exit said only its ground,
//! and the grounds 达到年龄上限 and 其他 are grounds of both, so a young
//! cadre's exit from the programme stopped the same person's subsidy when
//! later listed as a secretary.
//!
//! - `exits` gains `programme` (`secretary` or `young`).
//! - Existing rows: a ground of the young programme only (延长期满, 不再担任
//!   村“两委”干部, 经考察不胜任, 本人辞职) is `young`; a ground shared by
//!   both (达到年龄上限, 其他) of a person recorded as a young cadre and
//!   never on a list is `young`; every other row is `secretary` (what the
//!   exits page recorded before the young-cadre page could).
//! - The records' version moves on (`m0008_data_version`).
//!
//! Same rules as `migrations/mod.rs`: portable SQL only; once released it
//! never changes.

use sea_orm_migration::async_trait::async_trait;
use sea_orm_migration::prelude::*;

pub(crate) struct ExitProgramme;

impl MigrationName for ExitProgramme {
    fn name(&self) -> &str {
        "m0024_exit_programme"
    }
}

/// The statements, in order.
pub(crate) fn statements() -> Vec<String> {
    [
        "ALTER TABLE exits ADD COLUMN programme TEXT NOT NULL DEFAULT 'secretary'",
        "UPDATE exits SET programme = 'young' \
         WHERE reason IN ('extension_ended', 'left_committee', 'not_competent', 'resigned') \
         OR (reason IN ('age', 'other') \
             AND person IN (SELECT person FROM young_cadres) \
             AND person NOT IN (SELECT person FROM list_entries))",
        crate::migrations::m0008_data_version::BUMP,
    ]
    .map(String::from)
    .to_vec()
}

#[async_trait]
impl MigrationTrait for ExitProgramme {
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
