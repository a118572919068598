//! Migration `m0003_cycle`: The yearly cycle's stored proposals (issue 3: `touyan cycle`).
//!
//! Same rules as `migrations/mod.rs`: portable SQL only, and once released it
//! never changes.
//!
//! Two tables of derived data (see `cycle/`): `cycle_towns`, one row per
//! town and year (the policy, the decision date, quota, young-cadre cap and
//! counts; the audit columns say who ran the cycle and when), and
//! `cycle_secretaries`, one row per village with a secretary in that run
//! (eligible, included, place in the proposed list, tier, and the contract's
//! per-secretary JSON with every check and its reason). Filed lists stay in
//! `list_entries`; proposals never touch them.

use sea_orm_migration::async_trait::async_trait;
use sea_orm_migration::prelude::*;

use crate::migrations::create_table;

pub(crate) struct Cycle;

impl MigrationName for Cycle {
    fn name(&self) -> &str {
        "m0003_cycle"
    }
}

/// (table, columns and constraints). Parents before children.
const TABLES: &[(&str, &str)] = &[
    (
        "cycle_towns",
        "year INTEGER NOT NULL, town TEXT NOT NULL, as_of DATE NOT NULL, \
         policy_id TEXT NOT NULL, village_count INTEGER NOT NULL, \
         inclusion_quota INTEGER NOT NULL, young_cadre_cap INTEGER NOT NULL, \
         secretaries INTEGER NOT NULL, eligible INTEGER NOT NULL, \
         included INTEGER NOT NULL, tier1 INTEGER NOT NULL, tier2 INTEGER NOT NULL, \
         tier3 INTEGER NOT NULL, \
         PRIMARY KEY (year, town), \
         FOREIGN KEY (town) REFERENCES towns (code), \
         CHECK (eligible <= secretaries AND included <= eligible)",
    ),
    (
        "cycle_secretaries",
        "year INTEGER NOT NULL, village TEXT NOT NULL, town TEXT NOT NULL, \
         person TEXT NOT NULL, eligible BOOLEAN NOT NULL, included BOOLEAN NOT NULL, \
         list_place INTEGER, tier INTEGER, checks_json TEXT NOT NULL, \
         PRIMARY KEY (year, village), \
         FOREIGN KEY (year, town) REFERENCES cycle_towns (year, town), \
         FOREIGN KEY (village) REFERENCES villages (code), \
         FOREIGN KEY (person) REFERENCES people (citizen_id), \
         CHECK ((included AND list_place IS NOT NULL AND tier IS NOT NULL) \
                OR (NOT included AND list_place IS NULL AND tier IS NULL))",
    ),
];

/// The statements, in order.
pub(crate) fn statements() -> Vec<String> {
    let mut out: Vec<String> = TABLES
        .iter()
        .map(|(name, body)| create_table(name, body))
        .collect();
    out.push("CREATE INDEX cycle_secretaries_town ON cycle_secretaries (year, town)".into());
    out.push("CREATE INDEX cycle_secretaries_person ON cycle_secretaries (person)".into());
    out
}

#[async_trait]
impl MigrationTrait for Cycle {
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
