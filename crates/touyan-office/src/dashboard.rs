//! The dashboard's decisions over counts read in SQL: each town's quota
//! (Article 1, `art01_inclusion::quota`) and the listed villages short of
//! secretary reserves (Article 9, `art09_reserves::secretary_reserves`),
//! so that a dashboard reads a row per town or listed village, never
//! whole tables. The adapter draws them and adds the warnings' other
//! counts.

use time::Date;
use touyan_rules::{Params, art01_inclusion, art09_reserves};
use touyan_storage::Scoped;

use crate::OfficeError;

/// Article 1's quota for a town of `villages` villages.
pub fn town_quota(p: &Params, villages: u64) -> u64 {
    u64::from(art01_inclusion::quota(p, u32::try_from(villages).unwrap_or(u32::MAX)).outcome)
}

/// A town's listed villages short of secretary reserves (Article 9).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shortfall {
    pub town: String,
    pub town_name: String,
    /// Villages short, and the reserves they lack in all.
    pub villages: u32,
    pub missing: u32,
}

impl Shortfall {
    /// The dashboard's warning, in Chinese.
    pub fn warning(&self) -> String {
        format!(
            "{}：{} 个专业化管理村的书记后备力量不足，共缺 {} 名（第九条）",
            self.town_name, self.villages, self.missing
        )
    }
}

/// The towns of the reader's scope with villages of `year`'s filed list
/// short of secretary reserves on `today`, in town order. Training
/// shortfalls are not counted here: judging them needs every attendance
/// of the year, which is the training figures' work.
pub async fn reserve_shortfalls(
    reader: &Scoped<'_>,
    year: i32,
    today: Date,
    p: &Params,
) -> Result<Vec<Shortfall>, OfficeError> {
    let counts = reader.secretary_reserve_counts(year, today).await?;
    let mut out = Vec::new();
    for town in counts.chunk_by(|a, b| a.town == b.town) {
        let (mut villages, mut missing) = (0u32, 0u32);
        for c in town {
            if let Some(k) = art09_reserves::secretary_reserves(p, c.reserves).outcome {
                villages += 1;
                missing += k;
            }
        }
        if villages > 0 {
            out.push(Shortfall {
                town: town[0].town.clone(),
                town_name: town[0].town_name.clone(),
                villages,
                missing,
            });
        }
    }
    Ok(out)
}
