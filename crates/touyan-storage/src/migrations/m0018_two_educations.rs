//! Migration `m0018_two_educations`: a person's two kinds of education
//! kept apart (issue 17, item 4). A person had one level (`education`) and
//! a flag saying whether it was earned in full-time study
//! (`full_time_degree`), so a full-time 大专 with an in-service 本科 could
//! not be recorded, and lost Article 1's relaxed tenure and Article 10's
//! subsidies.
//!
//! - `people` gains `full_time_education` (the highest level earned in
//!   full-time study, 全日制) and `in_service_education` (the highest
//!   earned in service, 在职), both nullable: NULL is "none recorded".
//! - Each existing row keeps what it said: a level earned full-time (flag
//!   true) becomes the full-time level; a level not earned full-time
//!   (flag false) becomes the in-service level, with no full-time level
//!   recorded (the old row did not say it). `none` (无学历) is no study
//!   of either kind, whatever the flag: it becomes the full-time level, so
//!   that every person keeps at least one level.
//! - The old columns go, so that nothing reads the one level again.
//! - The records' version moves on (`m0008_data_version`): a server
//!   still running on the database recomputes what it keeps.
//!
//! Same rules as `migrations/mod.rs`: portable SQL only; once released it
//! never changes.

use sea_orm_migration::async_trait::async_trait;
use sea_orm_migration::prelude::*;

pub(crate) struct TwoEducations;

impl MigrationName for TwoEducations {
    fn name(&self) -> &str {
        "m0018_two_educations"
    }
}

/// The statements, in order.
pub(crate) fn statements() -> Vec<String> {
    [
        "ALTER TABLE people ADD COLUMN full_time_education TEXT",
        "ALTER TABLE people ADD COLUMN in_service_education TEXT",
        "UPDATE people SET full_time_education = education \
         WHERE full_time_degree = TRUE OR education = 'none'",
        "UPDATE people SET in_service_education = education \
         WHERE full_time_degree = FALSE AND education <> 'none'",
        "ALTER TABLE people DROP COLUMN education",
        "ALTER TABLE people DROP COLUMN full_time_degree",
        crate::migrations::m0008_data_version::BUMP,
    ]
    .map(String::from)
    .to_vec()
}

#[async_trait]
impl MigrationTrait for TwoEducations {
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
