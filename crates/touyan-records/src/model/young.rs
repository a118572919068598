//! Young cadres (Article 10): the programme and its candidates' moves.

use rust_decimal::Decimal;
use time::Date;

use super::Labelled;
use crate::{CitizenId, TownCode, VillageCode};

/// A young cadre on the programme (Article 10).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YoungCadre {
    pub person: CitizenId,
    pub village: VillageCode,
    pub programme_start: Date,
    /// Monthly pay before the programme, in yuan.
    pub current_pay: Decimal,
    pub score: Decimal,
    pub filed_on: Option<Date>,
}

labelled! {
    /// Where a young-cadre candidate stands (Article 10; the moves are
    /// `touyan-workflow`'s `art10_young`).
    YoungState {
        Candidate = "candidate", "候选（已评分）";
        Selected = "selected", "已确定人选待备案";
        Filed = "filed", "已备案";
        Returned = "returned", "已退回";
        ExtensionProposed = "extension_proposed", "延长待市级审核";
        Extended = "extended", "已延长";
    }
}

labelled! {
    /// A move of a young-cadre candidate.
    YoungMoveKind {
        Score = "score", "录入评分";
        Select = "select", "确定人选";
        Deselect = "deselect", "撤销人选";
        File = "file", "备案";
        Return = "return", "退回镇街";
        ProposeExtension = "propose_extension", "提请延长";
        Extend = "extend", "批准延长";
        DeclineExtension = "decline_extension", "不予延长";
        Unfile = "unfile", "撤销备案";
    }
}

/// A candidate for the young-cadre programme (Article 10), from the
/// town's scoring to the city's filing: one row per person. Once selected
/// the person also has a [`YoungCadre`] row (filed when the city files).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YoungCandidate {
    pub person: CitizenId,
    /// The year of the selection.
    pub year: i32,
    pub town: TownCode,
    pub village: VillageCode,
    /// The town's composite score (age and education, village ranking,
    /// results, potential), at most 2 decimals.
    pub score: Decimal,
    /// Monthly pay before the programme, in yuan.
    pub current_pay: Decimal,
    /// The town's note on the score.
    pub note: String,
    pub state: YoungState,
    /// The last comment of a move ("" when none).
    pub comment: String,
    /// The day an extension runs to (proposed or granted).
    pub extended_to: Option<Date>,
}

/// One move of a young-cadre candidate, in order (`seq` from 1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YoungMove {
    pub person: CitizenId,
    pub seq: u32,
    pub town: TownCode,
    pub kind: YoungMoveKind,
    pub to: YoungState,
    pub comment: String,
}
