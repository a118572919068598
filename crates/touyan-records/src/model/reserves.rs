//! Reserve cadres and their towns' training reports (Article 9), and
//! secondments with their work logs (Article 8).

use time::Date;

use super::{Labelled, PostRole};
use crate::{CitizenId, TownCode, VillageCode};

labelled! {
    /// Where a secondment goes (Article 8).
    SecondmentLevel {
        City = "city", "市直涉农单位";
        Town = "town", "镇级涉农部门";
    }
}

/// A secondment (Article 8), with the host's appraisal once written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Secondment {
    pub person: CitizenId,
    pub level: SecondmentLevel,
    pub host_unit: String,
    pub start: Date,
    pub end: Date,
    pub appraisal: Option<String>,
}

/// An entry of a secondment's work log (Article 8: 挂职期间须记工作日志).
/// The person and the secondment's start date name the secondment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkLog {
    pub person: CitizenId,
    pub secondment_start: Date,
    pub on: Date,
    pub text: String,
}

/// A town's yearly report on training its reserve pool (Article 9).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReserveReport {
    pub town: TownCode,
    pub year: i32,
    pub submitted_on: Date,
    pub summary: String,
}

/// A reserve cadre listed for a village and post (Article 9).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reserve {
    pub person: CitizenId,
    pub village: VillageCode,
    pub post: PostRole,
    pub listed_on: Date,
    pub removed_on: Option<Date>,
}
