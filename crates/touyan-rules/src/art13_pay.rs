//! 第十三条 建立专业化薪酬体系 — Article 13, pay structure and tiers.
//!
//! > 专业化补贴分为一档、二档、三档，各镇街区综合评定，原则上按照各占1/3的比例，
//! > 对专业化书记划分补贴档次，每人每月分别补助***元、***元和***元，由市财政承担，
//! > 按月通过“一卡通”发放。专业化村党组织书记名单、补贴档次由镇街党(工)委研究确定，
//! > 每年年初调整一次。原则上，五星级以下党组织，党组织书记不能晋级一档，党组织
//! > 四星级以下的，党组织书记不能纳入专业化管理。
//!
//! Star reading (SPEC.md): on a five-star scale, tier 1 needs five stars and
//! inclusion needs four. Tier walk: in list order, tier 1 if a place is free
//! and the village has enough stars, else tier 2 if a place is free, else
//! tier 3; unused tier-1 places stay empty unless the policy passes them down.

use std::fmt;

use rust_decimal::Decimal;

use crate::art01_inclusion::{Check, CheckReason};
use crate::decision::{Decision, Rule};
use crate::policy::Params;

pub static STAR_RATING: Rule = Rule {
    id: "art13.star_rating",
    article: 13,
    clause: "第三款",
    inferred: false,
    title: "纳入所需党组织星级",
};
pub static TIER_PLACES: Rule = Rule {
    id: "art13.tier_places",
    article: 13,
    clause: "第二款",
    inferred: false,
    title: "各档名额",
};
pub static TIER: Rule = Rule {
    id: "art13.tier",
    article: 13,
    clause: "第二款、第三款",
    inferred: false,
    title: "补贴档次",
};
pub static SUBSIDY: Rule = Rule {
    id: "art13.subsidy",
    article: 13,
    clause: "第二款",
    inferred: false,
    title: "专业化补贴月额",
};
pub static YEARLY_ADJUSTMENT: Rule = Rule {
    id: "art13.yearly_adjustment",
    article: 13,
    clause: "第二款",
    inferred: false,
    title: "名单和档次每年年初调整",
};

pub static TIER_STARS: Rule = Rule {
    id: "art13.tier_stars",
    article: 13,
    clause: "第三款",
    inferred: false,
    title: "一档所需党组织星级",
};
pub static TIER_COUNTS: Rule = Rule {
    id: "art13.tier_counts",
    article: 13,
    clause: "第二款",
    inferred: false,
    title: "各档人数不超过名额",
};

pub static RULES: &[&Rule] = &[
    &STAR_RATING,
    &TIER_PLACES,
    &TIER_STARS,
    &TIER_COUNTS,
    &TIER,
    &SUBSIDY,
    &YEARLY_ADJUSTMENT,
];

/// The village's Party organisation has at least the inclusion star level.
pub fn star_rating_for_inclusion(p: &Params, stars: u32) -> Check {
    let min = p.inclusion_min_stars.value;
    let met = stars >= min;
    Decision::new(&STAR_RATING, met, CheckReason::Stars { stars, min, met })
        .using(&[p.inclusion_min_stars.used])
}

/// Places per tier for a list of `n`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TierPlaces {
    pub tier1: u32,
    pub tier2: u32,
    pub tier3: u32,
}

impl fmt::Display for TierPlaces {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "一档 {} 名、二档 {} 名、三档 {} 名",
            self.tier1, self.tier2, self.tier3
        )
    }
}

/// Tier 1 and 2 get `share × n` places (floor by default), tier 3 the rest.
pub fn tier_places(p: &Params, n: u32) -> Decision<TierPlaces, TierPlaces> {
    let r = p.tiers_share_rounding.value;
    let t1 = (p.tiers_tier1_share.value.of(u64::from(n), r) as u32).min(n);
    let t2 = (p.tiers_tier2_share.value.of(u64::from(n), r) as u32).min(n - t1);
    let places = TierPlaces {
        tier1: t1,
        tier2: t2,
        tier3: n - t1 - t2,
    };
    Decision::new(&TIER_PLACES, places, places).using(&[
        p.tiers_tier1_share.used,
        p.tiers_tier2_share.used,
        p.tiers_share_rounding.used,
    ])
}

/// Why a secretary got a tier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TierReason {
    /// Enough stars and a tier-1 place was free.
    Tier1 { stars: u32 },
    /// Tier 1 needs more stars.
    Tier2TooFewStars { stars: u32, min: u32 },
    /// Tier 1 is full.
    Tier2Tier1Full,
    /// Tiers 1 and 2 are full (or tier 1 is closed to this village).
    Tier3,
}

impl fmt::Display for TierReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            TierReason::Tier1 { stars } => {
                write!(f, "村党组织 {stars} 星级，一档尚有名额，定为一档")
            }
            TierReason::Tier2TooFewStars { stars, min } => write!(
                f,
                "村党组织 {stars} 星级，不足 {min} 星级不能晋级一档，二档尚有名额，定为二档"
            ),
            TierReason::Tier2Tier1Full => f.write_str("一档名额已满，二档尚有名额，定为二档"),
            TierReason::Tier3 => f.write_str("一档、二档均无可占用的名额，定为三档"),
        }
    }
}

/// Assigns tiers over the list in its order; `stars[i]` is the star rating
/// of the i-th listed secretary's village. Returns one decision per person.
pub fn assign_tiers(p: &Params, stars: &[u32]) -> Vec<Decision<u8, TierReason>> {
    let places = tier_places(p, stars.len() as u32).outcome;
    let min = p.tiers_tier1_min_stars.value;
    let (mut free1, mut free2) = (places.tier1, places.tier2);
    if p.tiers_unused_tier1_to_tier2.value {
        // Tier-1 places no five-star village can take pass to tier 2.
        let able = stars.iter().filter(|&&s| s >= min).count() as u32;
        let unused = free1.saturating_sub(able);
        free1 -= unused;
        free2 += unused;
    }
    let used = [
        p.tiers_tier1_share.used,
        p.tiers_tier2_share.used,
        p.tiers_share_rounding.used,
        p.tiers_tier1_min_stars.used,
        p.tiers_unused_tier1_to_tier2.used,
    ];
    stars
        .iter()
        .map(|&s| {
            let (tier, reason) = if free1 > 0 && s >= min {
                free1 -= 1;
                (1, TierReason::Tier1 { stars: s })
            } else if free2 > 0 {
                free2 -= 1;
                if s < min {
                    (2, TierReason::Tier2TooFewStars { stars: s, min })
                } else {
                    (2, TierReason::Tier2Tier1Full)
                }
            } else {
                (3, TierReason::Tier3)
            };
            Decision::new(&TIER, tier, reason).using(&used)
        })
        .collect()
}

/// Reason of the check of a tier a town gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TierStarsReason {
    pub tier: u8,
    pub stars: u32,
    pub min: u32,
}

impl fmt::Display for TierStarsReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let TierStarsReason { tier, stars, min } = *self;
        if tier != 1 {
            write!(f, "定为{}档，不受星级限制", tier_zh(tier))
        } else if stars >= min {
            write!(f, "村党组织 {stars} 星级，达到一档所需的 {min} 星级")
        } else {
            write!(f, "村党组织 {stars} 星级，不足 {min} 星级，不能晋级一档")
        }
    }
}

/// A tier the town gives is allowed by the village's stars: tier 1 needs
/// `tiers.tier1_min_stars`.
pub fn tier_stars(p: &Params, tier: u8, stars: u32) -> Decision<bool, TierStarsReason> {
    let min = p.tiers_tier1_min_stars.value;
    Decision::new(
        &TIER_STARS,
        tier != 1 || stars >= min,
        TierStarsReason { tier, stars, min },
    )
    .using(&[p.tiers_tier1_min_stars.used])
}

/// Reason of the check of a town's tier counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TierCountsReason {
    /// Given in tiers 1, 2, 3.
    pub given: [u32; 3],
    /// Places of tiers 1 and 2 (tier-2 places include the tier-1 places
    /// passed down, when the policy passes them).
    pub places: [u32; 2],
}

impl fmt::Display for TierCountsReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [g1, g2, g3] = self.given;
        let [p1, p2] = self.places;
        write!(
            f,
            "一档 {g1} 人（名额 {p1}）、二档 {g2} 人（名额 {p2}）、三档 {g3} 人"
        )?;
        if g1 > p1 {
            write!(f, "，一档超出 {} 人", g1 - p1)?;
        }
        if g2 > p2 {
            write!(f, "，二档超出 {} 人", g2 - p2)?;
        }
        Ok(())
    }
}

/// The tiers a town gives stay within the places of tiers 1 and 2 ("原则上
/// 各占1/3", read as ceilings, SPEC.md); tier 3 takes any number. `stars`
/// are those of every listed secretary's village (for the tier-1 places
/// passed down to tier 2 when the policy says so, as in [`assign_tiers`]).
pub fn tier_counts(p: &Params, tiers: &[u8], stars: &[u32]) -> Decision<bool, TierCountsReason> {
    let places = tier_places(p, tiers.len() as u32).outcome;
    let mut given = [0u32; 3];
    for &t in tiers {
        if let Some(g) = given.get_mut(usize::from(t.clamp(1, 3)) - 1) {
            *g += 1;
        }
    }
    let (p1, mut p2) = (places.tier1, places.tier2);
    if p.tiers_unused_tier1_to_tier2.value {
        let able = stars
            .iter()
            .filter(|&&s| s >= p.tiers_tier1_min_stars.value)
            .count() as u32;
        p2 += p1.saturating_sub(able);
    }
    let reason = TierCountsReason {
        given,
        places: [p1, p2],
    };
    Decision::new(&TIER_COUNTS, given[0] <= p1 && given[1] <= p2, reason).using(&[
        p.tiers_tier1_share.used,
        p.tiers_tier2_share.used,
        p.tiers_share_rounding.used,
        p.tiers_tier1_min_stars.used,
        p.tiers_unused_tier1_to_tier2.used,
    ])
}

/// Reason of a subsidy amount.
#[derive(Clone, Copy, Debug)]
pub struct SubsidyReason {
    pub tier: u8,
    pub amount: Decimal,
    pub example: bool,
}

impl fmt::Display for SubsidyReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}档专业化补贴每月 {} 元",
            tier_zh(self.tier),
            self.amount
        )?;
        if self.example {
            f.write_str("（示例金额，非正式标准）")?;
        }
        Ok(())
    }
}

pub fn tier_zh(tier: u8) -> &'static str {
    match tier {
        1 => "一",
        2 => "二",
        _ => "三",
    }
}

/// The monthly professional subsidy of a tier (paid by city finance).
pub fn monthly_subsidy(p: &Params, tier: u8) -> Decision<Decimal, SubsidyReason> {
    let param = match tier {
        1 => &p.pay_tier1_monthly_yuan,
        2 => &p.pay_tier2_monthly_yuan,
        _ => &p.pay_tier3_monthly_yuan,
    };
    let example = param.used.origin == crate::decision::Origin::Example;
    Decision::new(
        &SUBSIDY,
        param.value,
        SubsidyReason {
            tier,
            amount: param.value,
            example,
        },
    )
    .using(&[param.used])
}

/// Whether the list and tiers may be adjusted in `month` (1–12): once a
/// year, at the start of the year.
pub fn adjustment_month(p: &Params, month: u8) -> Decision<bool, String> {
    let due = u32::from(month) == p.tiers_adjust_month.value;
    let reason = if due {
        format!("{month} 月为年度调整月份，可调整名单和补贴档次")
    } else {
        format!(
            "名单和补贴档次每年 {} 月调整一次，{month} 月不作调整（年中调整须依据本次备案后经市委组织部批准的例外，或名单内人员已退出）",
            p.tiers_adjust_month.value
        )
    };
    Decision::new(&YEARLY_ADJUSTMENT, due, reason).using(&[p.tiers_adjust_month.used])
}
