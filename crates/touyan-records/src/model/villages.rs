//! Villages' and towns' yearly facts: a village's year, 三好三强 and a
//! town's pay settings.

use rust_decimal::Decimal;

use crate::{CitizenId, TownCode, VillageCode};

/// A village's facts for one year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VillageYear {
    pub village: VillageCode,
    pub year: i32,
    /// Party-organisation star rating, 0 (not rated) to the scale's top.
    pub stars: u8,
    /// 万元, at most 2 decimals.
    pub collective_income_wan: Decimal,
    pub assessment_score: Option<Decimal>,
    /// Composite assessment rank in the town, 1 = best.
    pub assessment_rank: Option<u32>,
}

/// A town's yearly "三好三强" judgement of a person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThreeGood {
    pub person: CitizenId,
    pub year: i32,
    pub passed: bool,
    pub note: String,
}

/// A town's pay settings for a year (Article 10).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TownYear {
    pub town: TownCode,
    pub year: i32,
    /// 镇街新入职事业人员实发工资, yuan a month, at most 2 decimals.
    pub reference_salary: Decimal,
    /// The young cadres' pay factor the town set for the year, at most 2
    /// decimals.
    pub young_cadre_factor: Decimal,
}
