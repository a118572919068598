//! 第一条 严把准入条件 — Article 1, inclusion.
//!
//! > 纳入专业化党组织书记的数量原则上按照各镇街区行政村总数的50%确定，具体名单由
//! > 镇街区根据实际确定，报市委组织部备案。纳入人员应具备……“三好三强”标准，在此
//! > 基础上，还应符合以下条件：连续任职一般不少于3年（全日制大专以上学历或35岁以下
//! > 的村党组织书记可放宽至1年），上年度综合考核列本镇街前1/2位次，集体经济收入不
//! > 低于**万元，所在村……[原文缺失]
//!
//! The star condition ("四星级以下的，不能纳入") is Article 13's last sentence and
//! lives in [`crate::art13_pay`]; [`eligibility`] gathers all five checks.

use std::fmt;

use rust_decimal::Decimal;
use time::Date;

use crate::art13_pay;
use crate::calendar::{age_on, whole_months, years_complete, years_months_zh};
use crate::decision::{Decision, Rule};
use crate::people::Degree;
use crate::policy::Params;

pub static THREE_GOOD_THREE_STRONG: Rule = Rule {
    id: "art01.three_good_three_strong",
    article: 1,
    clause: "第二款",
    inferred: false,
    title: "“三好三强”标准",
};
pub static TENURE: Rule = Rule {
    id: "art01.tenure",
    article: 1,
    clause: "第二款",
    inferred: false,
    title: "连续任职年限",
};
pub static ASSESSMENT_RANK: Rule = Rule {
    id: "art01.assessment_rank",
    article: 1,
    clause: "第二款",
    inferred: false,
    title: "上年度综合考核位次",
};
pub static COLLECTIVE_INCOME: Rule = Rule {
    id: "art01.collective_income",
    article: 1,
    clause: "第二款",
    inferred: false,
    title: "村集体经济收入",
};
pub static EXTRA_CONDITION: Rule = Rule {
    id: "art01.extra_condition",
    article: 1,
    clause: "第二款",
    inferred: true,
    title: "政策文件增设的条件",
};
pub static QUOTA: Rule = Rule {
    id: "art01.quota",
    article: 1,
    clause: "第二款",
    inferred: false,
    title: "纳入名额",
};
pub static PROPOSED_LIST: Rule = Rule {
    id: "art01.proposed_list",
    article: 1,
    clause: "第二款",
    inferred: false,
    title: "拟纳入名单",
};

pub static LIST_SIZE: Rule = Rule {
    id: "art01.list_size",
    article: 1,
    clause: "第二款",
    inferred: false,
    title: "确定的名单不超过名额",
};
pub static LISTED_ELIGIBLE: Rule = Rule {
    id: "art01.listed_eligible",
    article: 1,
    clause: "第二款",
    inferred: false,
    title: "列入名单者须符合全部条件",
};

pub static RULES: &[&Rule] = &[
    &THREE_GOOD_THREE_STRONG,
    &TENURE,
    &ASSESSMENT_RANK,
    &COLLECTIVE_INCOME,
    &EXTRA_CONDITION,
    &QUOTA,
    &PROPOSED_LIST,
    &LIST_SIZE,
    &LISTED_ELIGIBLE,
];

/// What Article 1 asks of a secretary.
#[derive(Clone, Copy, Debug)]
pub struct SecretaryFacts {
    pub birth_date: Date,
    pub degree: Degree,
    pub tenure_start: Date,
    /// The town's recorded judgement on the "三好三强" standard.
    pub three_good_three_strong: bool,
}

/// What Articles 1 and 13 ask of the village.
#[derive(Clone, Copy, Debug)]
pub struct VillageFacts {
    pub stars: u32,
    pub collective_income_wan: Decimal,
    /// Last year's composite assessment rank in the town, 1 = best;
    /// `None`: the village was not ranked (no rank on record), which the
    /// check cannot count as "前1/2位次".
    pub last_year_rank: Option<u32>,
    /// Administrative villages in the town (the base of "前1/2位次").
    pub village_count: u32,
}

/// A yes/no check with its reason.
pub type Check = Decision<bool, CheckReason>;

/// Reasons of the inclusion checks (Articles 1 and 13).
#[derive(Clone, Copy, Debug)]
pub enum CheckReason {
    ThreeGood(bool),
    Tenure {
        start: Date,
        on: Date,
        required_years: u32,
        relaxed: Option<Relaxation>,
        met: bool,
    },
    Rank {
        /// `None`: not ranked (no rank on record).
        rank: Option<u32>,
        village_count: u32,
        fraction: crate::num::Ratio,
        met: bool,
    },
    Income {
        income: Decimal,
        min: Decimal,
        met: bool,
    },
    Stars {
        stars: u32,
        min: u32,
        met: bool,
    },
}

/// Why the shorter tenure applies.
#[derive(Clone, Copy, Debug)]
pub enum Relaxation {
    /// 全日制大专以上学历
    Degree,
    /// 35岁以下 (age on the decision date)
    Age(u32),
}

impl fmt::Display for CheckReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            CheckReason::ThreeGood(true) => f.write_str("镇街党(工)委认定符合“三好三强”标准"),
            CheckReason::ThreeGood(false) => f.write_str("镇街党(工)委未认定符合“三好三强”标准"),
            CheckReason::Tenure {
                start,
                on,
                required_years,
                relaxed,
                met,
            } => {
                f.write_str(&years_months_zh(whole_months(start, on)))?;
                match relaxed {
                    Some(Relaxation::Degree) => {
                        write!(f, "，大专以上全日制学历放宽至 {required_years} 年")?
                    }
                    Some(Relaxation::Age(age)) => {
                        write!(f, "，{age} 周岁，年龄放宽至 {required_years} 年")?
                    }
                    None => write!(f, "，须连续任职 {required_years} 年")?,
                }
                if !met {
                    f.write_str("，任职年限不足")?;
                }
                Ok(())
            }
            CheckReason::Rank {
                rank: Some(rank),
                village_count,
                fraction,
                met,
            } => write!(
                f,
                "上年度综合考核列全镇街 {village_count} 个村第 {rank} 位，{}前 {} 位次",
                if met { "在" } else { "不在" },
                fraction.as_fraction()
            ),
            CheckReason::Rank {
                rank: None,
                village_count,
                fraction,
                ..
            } => write!(
                f,
                "上年度综合考核未排名（无排名记录），不能认定列全镇街 {village_count} 个村前 {} 位次",
                fraction.as_fraction()
            ),
            CheckReason::Income { income, min, met } => write!(
                f,
                "村集体经济收入 {income} 万元，{} {min} 万元",
                if met { "不低于" } else { "低于" }
            ),
            CheckReason::Stars { stars, min, met } => {
                if stars == 0 {
                    write!(f, "村党组织未评星，纳入须 {min} 星级及以上")
                } else if met {
                    write!(f, "村党组织 {stars} 星级，达到 {min} 星级")
                } else {
                    write!(f, "村党组织 {stars} 星级，低于 {min} 星级，不能纳入")
                }
            }
        }
    }
}

/// "三好三强": the town's judgement decides.
pub fn three_good_three_strong(judgement: bool) -> Check {
    Decision::new(
        &THREE_GOOD_THREE_STRONG,
        judgement,
        CheckReason::ThreeGood(judgement),
    )
}

/// Whether someone of `age` is "35岁以下" under the inclusive/exclusive reading.
pub(crate) fn within_age(age: u32, max: u32, inclusive: bool) -> bool {
    if inclusive { age <= max } else { age < max }
}

/// Continuous tenure ≥ 3 years; ≥ 1 year with a full-time college degree or
/// higher, or at age ≤ 35 on `on`. Complete when `start + years ≤ on`.
pub fn tenure(p: &Params, s: &SecretaryFacts, on: Date) -> Check {
    let by_degree = s.degree.meets(
        p.inclusion_relaxed_min_education.value,
        p.inclusion_relaxed_requires_full_time.value,
    );
    let relaxed = if by_degree {
        Some(Relaxation::Degree)
    } else {
        let age = age_on(s.birth_date, on);
        within_age(
            age,
            p.inclusion_relaxed_max_age.value,
            p.inclusion_age_limit_inclusive.value,
        )
        .then_some(Relaxation::Age(age))
    };
    let years = if relaxed.is_some() {
        p.inclusion_tenure_relaxed_years.value
    } else {
        p.inclusion_tenure_years.value
    };
    let met = years_complete(s.tenure_start, years, on);
    let mut d = Decision::new(
        &TENURE,
        met,
        CheckReason::Tenure {
            start: s.tenure_start,
            on,
            required_years: years,
            relaxed,
            met,
        },
    );
    d = d.using(&[p.inclusion_tenure_years.used]);
    if relaxed.is_some() {
        d = d.using(&[p.inclusion_tenure_relaxed_years.used]);
    }
    d.using(&[
        p.inclusion_relaxed_min_education.used,
        p.inclusion_relaxed_requires_full_time.used,
        p.inclusion_relaxed_max_age.used,
        p.inclusion_age_limit_inclusive.used,
    ])
}

/// Last year's rank within the first half: `rank ≤ 1/2 × n` (inclusive
/// reading; `rank < 1/2 × n` when `inclusion.rank_inclusive` is false).
/// A village not ranked (`None`: no rank on record) is not in the first
/// half: the check fails and says the rank is not recorded.
pub fn assessment_rank(p: &Params, rank: Option<u32>, village_count: u32) -> Check {
    let fraction = p.inclusion_rank_fraction.value;
    let met = rank.is_some_and(|rank| {
        let ord = fraction.cmp_fraction(u64::from(rank), u64::from(village_count.max(1)));
        rank >= 1
            && if p.inclusion_rank_inclusive.value {
                ord.is_le()
            } else {
                ord.is_lt()
            }
    });
    Decision::new(
        &ASSESSMENT_RANK,
        met,
        CheckReason::Rank {
            rank,
            village_count,
            fraction,
            met,
        },
    )
    .using(&[
        p.inclusion_rank_fraction.used,
        p.inclusion_rank_inclusive.used,
    ])
}

/// Collective-economy income not below the threshold (不低于: ≥).
pub fn collective_income(p: &Params, income_wan: Decimal) -> Check {
    let min = p.inclusion_collective_income_min_wan.value;
    let met = income_wan >= min;
    Decision::new(
        &COLLECTIVE_INCOME,
        met,
        CheckReason::Income {
            income: income_wan,
            min,
            met,
        },
    )
    .using(&[p.inclusion_collective_income_min_wan.used])
}

/// The five checks of Articles 1 and 13, in the contract's order.
#[derive(Clone, Debug)]
pub struct Eligibility {
    pub checks: [Check; 5],
}

impl Eligibility {
    /// Eligible when every check passes.
    pub fn eligible(&self) -> bool {
        self.checks.iter().all(|c| c.outcome)
    }
}

/// All inclusion checks for one secretary on the decision date `on`.
pub fn eligibility(p: &Params, s: &SecretaryFacts, v: &VillageFacts, on: Date) -> Eligibility {
    Eligibility {
        checks: [
            three_good_three_strong(s.three_good_three_strong),
            tenure(p, s, on),
            assessment_rank(p, v.last_year_rank, v.village_count),
            collective_income(p, v.collective_income_wan),
            art13_pay::star_rating_for_inclusion(p, v.stars),
        ],
    }
}

/// A yes/no condition a city added to its policy (see `[[conditions]]`):
/// passes only when the town recorded "yes"; an unrecorded fact fails.
pub fn extra_condition(label: &str, recorded: Option<bool>) -> Decision<bool, String> {
    let met = recorded == Some(true);
    let reason = match recorded {
        Some(true) => format!("符合“{label}”"),
        Some(false) => format!("不符合“{label}”"),
        None => format!("未记录是否符合“{label}”"),
    };
    Decision::new(&EXTRA_CONDITION, met, reason)
}

/// The yes/no conditions a city added to its policy (`[[conditions]]`)
/// that are in force on `on`, each judged from what the town recorded for
/// the secretary (`recorded(condition id)`). A secretary is eligible only
/// when these pass as well as the five checks.
pub fn extra_conditions(
    conditions: &[crate::policy::ExtraCondition],
    on: Date,
    recorded: impl Fn(&str) -> Option<bool>,
) -> Vec<Decision<bool, String>> {
    conditions
        .iter()
        .filter(|c| c.since <= on)
        .map(|c| extra_condition(&c.label, recorded(&c.id)))
        .collect()
}

/// Reason of the quota.
#[derive(Clone, Copy, Debug)]
pub struct QuotaReason {
    pub village_count: u32,
    pub ratio: crate::num::Ratio,
    pub rounding: crate::num::Rounding,
    pub quota: u32,
}

impl fmt::Display for QuotaReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "行政村 {} 个 × {}，{}，纳入名额 {} 名",
            self.village_count,
            self.ratio,
            self.rounding.zh(),
            self.quota
        )
    }
}

/// The town's quota: 50% of its administrative villages, rounded half up.
pub fn quota(p: &Params, village_count: u32) -> Decision<u32, QuotaReason> {
    let ratio = p.inclusion_quota_ratio.value;
    let rounding = p.inclusion_quota_rounding.value;
    let quota = ratio.of(u64::from(village_count), rounding) as u32;
    Decision::new(
        &QUOTA,
        quota,
        QuotaReason {
            village_count,
            ratio,
            rounding,
            quota,
        },
    )
    .using(&[
        p.inclusion_quota_ratio.used,
        p.inclusion_quota_rounding.used,
    ])
}

/// One eligible secretary as the proposal sees them.
#[derive(Clone, Copy, Debug)]
pub struct Candidate<'a> {
    pub last_year_rank: u32,
    pub village_code: &'a str,
}

/// Reason of the proposed list.
#[derive(Clone, Copy, Debug)]
pub struct ListReason {
    pub eligible: usize,
    pub quota: u32,
    pub listed: usize,
}

impl fmt::Display for ListReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "符合条件 {} 人，名额 {} 名，按上年度综合考核名次（名次相同按村代码）列入 {} 人",
            self.eligible, self.quota, self.listed
        )?;
        if self.eligible > self.listed {
            write!(f, "，{} 人因名额已满未列入", self.eligible - self.listed)?;
        }
        Ok(())
    }
}

/// The proposed list: eligible candidates in order of last year's rank
/// (ties: village code), at most `quota` of them. The outcome holds indices
/// into `candidates`, in list order.
pub fn proposed_list(candidates: &[Candidate<'_>], quota: u32) -> Decision<Vec<usize>, ListReason> {
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&candidates[a], &candidates[b]);
        x.last_year_rank
            .cmp(&y.last_year_rank)
            .then_with(|| x.village_code.cmp(y.village_code))
    });
    order.truncate(quota as usize);
    let reason = ListReason {
        eligible: candidates.len(),
        quota,
        listed: order.len(),
    };
    Decision::new(&PROPOSED_LIST, order, reason)
}

/// Reason of the check of a town's list size.
#[derive(Clone, Copy, Debug)]
pub struct ListSizeReason {
    pub listed: u32,
    pub quota: u32,
}

impl fmt::Display for ListSizeReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.listed <= self.quota {
            write!(
                f,
                "名单 {} 人，未超过纳入名额 {} 名",
                self.listed, self.quota
            )
        } else {
            write!(
                f,
                "名单 {} 人，超过纳入名额 {} 名（多 {} 人），不能确定",
                self.listed,
                self.quota,
                self.listed - self.quota
            )
        }
    }
}

/// The list a town settles holds at most its quota (the quota is "原则上"
/// a target for the proposal; the system refuses a list above it, as the
/// issue of the town's review asks).
pub fn list_size(
    quota: &Decision<u32, QuotaReason>,
    listed: u32,
) -> Decision<bool, ListSizeReason> {
    let reason = ListSizeReason {
        listed,
        quota: quota.outcome,
    };
    let mut d = Decision::new(&LIST_SIZE, listed <= quota.outcome, reason);
    d.params = quota.params.clone();
    d
}

/// Reason of the check that a listed secretary meets every condition.
#[derive(Clone, Debug)]
pub struct ListedEligibleReason {
    /// The conditions not met, by title (empty: all met).
    pub failed: Vec<String>,
}

impl fmt::Display for ListedEligibleReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.failed.is_empty() {
            f.write_str("纳入条件均符合")
        } else {
            write!(
                f,
                "不符合纳入条件（{}），不能列入名单",
                self.failed.join("、")
            )
        }
    }
}

/// A secretary may be listed only when every inclusion check passed;
/// `checks` are the secretary's decided checks (Articles 1 and 13) as
/// (title, passed).
pub fn listed_eligible<T: Into<String>>(
    checks: impl IntoIterator<Item = (T, bool)>,
) -> Decision<bool, ListedEligibleReason> {
    let failed: Vec<String> = checks
        .into_iter()
        .filter(|(_, passed)| !passed)
        .map(|(t, _)| t.into())
        .collect();
    Decision::new(
        &LISTED_ELIGIBLE,
        failed.is_empty(),
        ListedEligibleReason { failed },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Policy;
    use time::macros::date;

    #[test]
    fn added_conditions_apply_from_their_date_and_need_a_recorded_yes() {
        let src = format!(
            "{}\n[[conditions]]\nid = \"no_sanction\"\nlabel = \"无党纪政务处分\"\narticle = 1\nsince = 2025-01-01\n",
            crate::policy::EXAMPLE_POLICY_TOML
        );
        let policy = Policy::parse(&src).expect("policy with an added condition");
        assert_eq!(policy.conditions.len(), 1);
        let none = extra_conditions(&policy.conditions, date!(2024 - 12 - 31), |_| Some(false));
        assert!(none.is_empty(), "not in force the day before");
        let yes = extra_conditions(&policy.conditions, date!(2025 - 01 - 01), |id| {
            (id == "no_sanction").then_some(true)
        });
        assert_eq!(yes.len(), 1);
        assert!(yes[0].outcome);
        assert_eq!(yes[0].rule.id, "art01.extra_condition");
        let no = extra_conditions(&policy.conditions, date!(2025 - 01 - 01), |_| Some(false));
        assert!(!no[0].outcome);
        assert!(no[0].sentence().contains("不符合"));
        let unknown = extra_conditions(&policy.conditions, date!(2025 - 01 - 01), |_| None);
        assert!(!unknown[0].outcome, "an unrecorded fact fails");
    }
}
