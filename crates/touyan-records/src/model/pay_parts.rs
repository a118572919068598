//! The three parts of a professionalized secretary's pay that higher-level
//! rules set (Article 13: 基本报酬、业绩考核奖励报酬和养老保险补助按照上级规定
//! 标准执行，所需资金仍按原渠道解决): recorded per person and month with the
//! channel that pays them. The fourth part, the 专业化补贴, is computed
//! from the filed list (the pay runs), never recorded here.

use time::Date;

use super::Labelled;
use crate::CitizenId;

labelled! {
    /// A part of the pay set by higher-level rules (Article 13).
    PayPart {
        Basic = "basic", "基本报酬";
        Performance = "performance", "业绩考核奖励报酬";
        Pension = "pension", "养老保险补助";
    }
}

/// The longest funding channel (资金渠道) a part keeps, in characters.
pub const CHANNEL_CHARS: usize = 30;

/// One part of one person's pay in one month, as the town recorded it:
/// one per person, month and part; recording again replaces it (the
/// change log keeps the earlier ones).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PayPartRecord {
    pub person: CitizenId,
    /// The first day of the month paid.
    pub month: Date,
    pub part: PayPart,
    /// Non-negative, in fen.
    pub amount_fen: i64,
    /// Who pays it, in the town's words (资金渠道: 镇街财政, 村集体经济 …);
    /// never empty, at most [`CHANNEL_CHARS`] characters.
    pub channel: String,
    /// The day the town recorded it.
    pub recorded_on: Date,
}
