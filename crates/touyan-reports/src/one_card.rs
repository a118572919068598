//! The one-card (一卡通) payment file's figures (Article 13: the subsidy
//! "按月通过“一卡通”发放"): what a town's approved run of a month pays,
//! each person with the full ID number and account finance pays to. The
//! office fills it (`touyan_office::one_card::file`: who may, the run's
//! state, the accounts opened with the key); the workbook lays it out.

use rust_decimal::Decimal;
use time::Date;
use touyan_records::model::PayState;
use touyan_records::{CitizenId, TownCode};

/// One payment of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileRow {
    pub village_name: String,
    pub name: String,
    /// In full: the file is finance's.
    pub person: CitizenId,
    /// In full.
    pub account: String,
    pub tier: Option<u8>,
    pub amount: Decimal,
}

/// A town's one-card payment file of a month.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OneCardFile {
    /// The month's first day.
    pub month: Date,
    pub town: TownCode,
    pub town_name: String,
    pub state: PayState,
    pub rows: Vec<FileRow>,
    pub total: Decimal,
    /// "一卡通发放文件-2026年11月-化龙镇.xlsx".
    pub file_name: String,
}
