//! 第十条 建设专业化年轻干部队伍 — Article 10, young cadres (优才计划).
//!
//! > 对在村工作的35岁以下“两委”干部，根据年龄学历、村庄排名、工作实绩、发展潜力等
//! > 指标，按照不超过行政村总数的30%比例确定人选……报酬由镇街财政负担，起始标准在
//! > 镇街新入职事业人员实发工资的0.6-1倍之间确定……全日制大学专科以上学历的，市镇
//! > 两级财政每月分别再补贴500元。对综合考核优秀但因年龄限制退出专业化管理的年轻
//! > 干部，享受专业化管理待遇不满5年的，经市镇考察通过，可延长至5年；目前村“两委”
//! > 干部报酬高于以上标准的，按高标准执行。

use std::cmp::Ordering;
use std::fmt;

use rust_decimal::Decimal;
use time::{Date, Duration, PrimitiveDateTime};

use crate::art01_inclusion::within_age;
use crate::calendar::{add_years, age_on, checked_add_months};
use crate::decision::{Decision, Rule};
use crate::num::round_fen;
use crate::people::Degree;
use crate::policy::Params;

pub static AGE: Rule = Rule {
    id: "art10.age",
    article: 10,
    clause: "",
    inferred: false,
    title: "年轻干部年龄条件",
};
pub static CAP: Rule = Rule {
    id: "art10.cap",
    article: 10,
    clause: "",
    inferred: false,
    title: "年轻干部人数上限",
};
pub static SELECTION: Rule = Rule {
    id: "art10.selection",
    article: 10,
    clause: "",
    inferred: false,
    title: "按综合得分确定人选",
};
pub static FACTOR: Rule = Rule {
    id: "art10.pay_factor",
    article: 10,
    clause: "",
    inferred: false,
    title: "报酬系数范围",
};
pub static PAY: Rule = Rule {
    id: "art10.monthly_pay",
    article: 10,
    clause: "",
    inferred: false,
    title: "年轻干部月报酬",
};
pub static EXTENSION: Rule = Rule {
    id: "art10.extension",
    article: 10,
    clause: "",
    inferred: false,
    title: "超龄优秀者延长至 5 年",
};

pub static RESERVE_POOL: Rule = Rule {
    id: "art10.reserve_pool",
    article: 10,
    clause: "",
    inferred: false,
    title: "年轻干部纳入书记后备干部库",
};

pub static TERM: Rule = Rule {
    id: "art10.term",
    article: 10,
    clause: "",
    inferred: false,
    title: "年轻干部期满停发（超龄未延长或延长期满）",
};

pub static RULES: &[&Rule] = &[
    &AGE,
    &CAP,
    &SELECTION,
    &FACTOR,
    &PAY,
    &EXTENSION,
    &RESERVE_POOL,
    &TERM,
];

/// Aged 35 or under (completed years) on `on`.
pub fn age(p: &Params, birth_date: Date, on: Date) -> Decision<bool, AgeReason> {
    let age = age_on(birth_date, on);
    let max = p.young_max_age.value;
    let ok = within_age(age, max, p.young_age_limit_inclusive.value);
    Decision::new(&AGE, ok, AgeReason { age, max, ok })
        .using(&[p.young_max_age.used, p.young_age_limit_inclusive.used])
}

/// Reason of the age condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AgeReason {
    pub age: u32,
    pub max: u32,
    pub ok: bool,
}

impl fmt::Display for AgeReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (age, max) = (self.age, self.max);
        if self.ok {
            write!(f, "{age} 周岁，在 {max} 岁以下")
        } else {
            write!(f, "{age} 周岁，超过 {max} 岁")
        }
    }
}

/// At most 30% of the town's administrative villages, rounded down.
pub fn cap(p: &Params, village_count: u32) -> Decision<u32, String> {
    let ratio = p.young_cap_ratio.value;
    let rounding = p.young_cap_rounding.value;
    let n = ratio.of(u64::from(village_count), rounding) as u32;
    Decision::new(
        &CAP,
        n,
        format!(
            "行政村 {village_count} 个 × {ratio}，{}，至多 {n} 名",
            rounding.zh()
        ),
    )
    .using(&[p.young_cap_ratio.used, p.young_cap_rounding.used])
}

/// One eligible young cadre for selection (the `evaluate` contract: an
/// id and a score, nothing else).
#[derive(Clone, Copy, Debug)]
pub struct Candidate<'a> {
    pub id: &'a str,
    pub score: Decimal,
}

/// Selected: eligible candidates by score, highest first (ties: id), at most
/// `cap`, across the whole town. The outcome holds indices into
/// `candidates`, in selection order. The contract's candidates carry no
/// day and no village, so [`rank`]'s order comes down to score, then id.
pub fn select(candidates: &[Candidate<'_>], cap: u32) -> Decision<Vec<usize>, String> {
    let waiting: Vec<Waiting<'_>> = candidates
        .iter()
        .map(|c| Waiting {
            score: c.score,
            scored_at: None,
            village: "",
            id: c.id,
        })
        .collect();
    let mut order: Vec<usize> = rank(&waiting, cap)
        .outcome
        .into_iter()
        .map(|p| p.index)
        .collect();
    order.truncate(cap as usize);
    let reason = format!(
        "符合年龄条件 {} 人，按综合得分从高到低（同分按编号）确定 {} 人，上限 {cap} 人",
        candidates.len(),
        order.len()
    );
    Decision::new(&SELECTION, order, reason)
}

/// A town's candidate waiting for a free place (scored, not selected), as
/// the town's ranking reads the record.
#[derive(Clone, Copy, Debug)]
pub struct Waiting<'a> {
    /// The town's composite score.
    pub score: Decimal,
    /// When the town recorded the score (local time): the application.
    /// `None` when the record does not say.
    pub scored_at: Option<PrimitiveDateTime>,
    /// The village's code (12 digits).
    pub village: &'a str,
    /// The ID number: the last resort (see [`rank`]), never a per-server
    /// key.
    pub id: &'a str,
}

/// Why a candidate comes after the one ranked just above.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum After {
    /// Ranked first.
    First,
    /// A lower score.
    Score,
    /// The same score, recorded on a later day (or on no recorded day).
    Day,
    /// The same score and day, a later village code.
    Village,
    /// The same score, day and village, recorded later that day.
    Moment,
    /// Nothing else told them apart: the ID number.
    Id,
}

impl fmt::Display for After {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            After::First | After::Score => "",
            After::Day => "与上一名同分，评分录入日期在后",
            After::Village => "与上一名同分且同日录入，村代码在后",
            After::Moment => "与上一名同分、同日录入且同村，录入在后",
            After::Id => "与上一名同分、同村且同时录入，按身份证号",
        })
    }
}

/// A candidate's place in the ranking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Place {
    /// Index into the ranked candidates.
    pub index: usize,
    /// Within the free places.
    pub within: bool,
    /// Why it comes after the one above.
    pub after: After,
}

/// The order of the town's waiting candidates for the `free` places
/// (Article 10: "根据年龄学历、村庄排名、工作实绩、发展潜力等指标……确定人选",
/// weighed by the town into the composite score). The measures name no
/// tie-break; this one is written for a clerk to check on the page:
///
/// 1. the higher score first;
/// 2. the same score: the earlier application, the day the town recorded
///    the score first (a record with no day after those with one);
/// 3. the same day: the lower village code first;
/// 4. the same village: recorded earlier that day first (the order of the
///    page's history);
/// 5. only then the ID number. Two scores of one village recorded at the
///    same instant have nothing else on record to tell them apart; the ID
///    number is the same on every server (unlike a page's person key), so
///    the order never depends on where it is computed.
///
/// The outcome lists every candidate in that order, the first `free`
/// within the places.
pub fn rank(waiting: &[Waiting<'_>], free: u32) -> Decision<Vec<Place>, String> {
    let day = |w: &Waiting<'_>| w.scored_at.map(|t| t.date());
    // `None` after every day.
    let by_day = |a: Option<Date>, b: Option<Date>| match (a, b) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    let compare = |x: &Waiting<'_>, y: &Waiting<'_>| -> (Ordering, After) {
        let steps = [
            (y.score.cmp(&x.score), After::Score),
            (by_day(day(x), day(y)), After::Day),
            (x.village.cmp(y.village), After::Village),
            (x.scored_at.cmp(&y.scored_at), After::Moment),
            (x.id.cmp(y.id), After::Id),
        ];
        steps
            .into_iter()
            .find(|(o, _)| o.is_ne())
            .unwrap_or((Ordering::Equal, After::Id))
    };
    let mut order: Vec<usize> = (0..waiting.len()).collect();
    order.sort_by(|&a, &b| compare(&waiting[a], &waiting[b]).0);
    let places: Vec<Place> = order
        .iter()
        .enumerate()
        .map(|(k, &i)| Place {
            index: i,
            within: k < free as usize,
            after: match k {
                0 => After::First,
                _ => compare(&waiting[order[k - 1]], &waiting[i]).1,
            },
        })
        .collect();
    let within = places.iter().filter(|p| p.within).count();
    let reason = format!(
        "符合年龄条件 {} 人，按综合得分从高到低（同分的，评分录入日期在前者优先；\
         同日的，按村代码；同村的，按录入先后）确定 {within} 人，上限 {free} 人",
        waiting.len()
    );
    Decision::new(&SELECTION, places, reason)
}

/// The pay factor must lie within 0.6..=1.0. `Err` carries the allowed range.
pub fn factor_in_range(p: &Params, factor: Decimal) -> Result<(), (Decimal, Decimal)> {
    let (lo, hi) = (p.young_factor_min.value, p.young_factor_max.value);
    if factor >= lo && factor <= hi {
        Ok(())
    } else {
        Err((lo, hi))
    }
}

/// A young cadre's monthly pay, exact (round with [`MonthlyPay::rounded`]
/// only when writing it out).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MonthlyPay {
    /// Reference salary × factor, borne by the town.
    pub base: Decimal,
    pub city_subsidy: Decimal,
    pub town_subsidy: Decimal,
    pub total: Decimal,
    /// The cadre's current pay is higher than the standard and is kept.
    pub kept_current: bool,
}

impl MonthlyPay {
    /// Every amount rounded half up to the fen.
    pub fn rounded(self) -> MonthlyPay {
        MonthlyPay {
            base: round_fen(self.base),
            city_subsidy: round_fen(self.city_subsidy),
            town_subsidy: round_fen(self.town_subsidy),
            total: round_fen(self.total),
            kept_current: self.kept_current,
        }
    }
}

impl fmt::Display for MonthlyPay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = self.rounded();
        write!(f, "基本报酬 {} 元", r.base.normalize())?;
        if !r.city_subsidy.is_zero() || !r.town_subsidy.is_zero() {
            write!(
                f,
                "，全日制大专以上学历补贴市级 {} 元、镇级 {} 元",
                r.city_subsidy.normalize(),
                r.town_subsidy.normalize()
            )?;
        }
        if r.kept_current {
            write!(
                f,
                "；现报酬高于上述标准，按高标准执行，月报酬 {} 元",
                r.total.normalize()
            )
        } else {
            write!(f, "；月报酬合计 {} 元", r.total.normalize())
        }
    }
}

/// Monthly pay: base = reference salary × factor; 500 + 500 for a
/// full-time college degree or higher; a higher current pay is kept.
pub fn monthly_pay(
    p: &Params,
    reference_salary: Decimal,
    factor: Decimal,
    degree: Degree,
    current_pay: Decimal,
) -> Decision<MonthlyPay, MonthlyPay> {
    let base = reference_salary * factor;
    let subsidised = degree.meets(
        p.young_subsidy_min_education.value,
        p.young_subsidy_requires_full_time.value,
    );
    let (city, town) = if subsidised {
        (
            p.young_city_subsidy_yuan.value,
            p.young_town_subsidy_yuan.value,
        )
    } else {
        (Decimal::ZERO, Decimal::ZERO)
    };
    let standard = base + city + town;
    let kept = p.young_keep_higher_pay.value && current_pay > standard;
    let pay = MonthlyPay {
        base,
        city_subsidy: city,
        town_subsidy: town,
        total: if kept { current_pay } else { standard },
        kept_current: kept,
    };
    Decision::new(&PAY, pay, pay).using(&[
        p.young_subsidy_min_education.used,
        p.young_subsidy_requires_full_time.used,
        p.young_city_subsidy_yuan.used,
        p.young_town_subsidy_yuan.used,
        p.young_keep_higher_pay.used,
    ])
}

/// The extension case: a cadre assessed excellent who ages out with fewer
/// than 5 years on the programme may, after review, stay until 5 years.
/// Outcome: the last day the treatment may run to, when an extension is
/// possible.
pub fn extension(
    p: &Params,
    programme_start: Date,
    aged_out_on: Date,
    assessed_excellent: bool,
) -> Decision<Option<Date>, String> {
    let years = p.young_extension_years.value;
    let full = i32::try_from(years.saturating_mul(12))
        .ok()
        .and_then(|m| checked_add_months(programme_start, m));
    let (outcome, reason) = if !assessed_excellent {
        (None, "综合考核未达优秀，因年龄退出，不适用延长".to_string())
    } else if let Some(full) = full.filter(|&f| f > aged_out_on) {
        (
            Some(full),
            format!(
                "综合考核优秀，因年龄退出时享受待遇不满 {years} 年，经市镇考察通过可延长至 {full}"
            ),
        )
    } else if full.is_some() {
        (
            None,
            format!("享受专业化管理待遇已满 {years} 年，不适用延长"),
        )
    } else {
        (
            None,
            "延长后的日期超出可计算的日历范围，不适用延长".to_string(),
        )
    };
    Decision::new(&EXTENSION, outcome, reason).using(&[p.young_extension_years.used])
}

/// "将专业化年轻干部纳入村党组织书记后备干部库，在调整村党组织书记时优先
/// 推荐": whether a young cadre is in the secretaries' reserve pool on
/// `on`, given their listings as a secretary reserve (listed on, removed
/// on; a listing removed on a day no longer holds that day, as Article 9's
/// pool is read). Outcome: in the pool.
pub fn reserve_pool(
    on: Date,
    secretary_listings: &[(Date, Option<Date>)],
) -> Decision<bool, String> {
    let held = secretary_listings
        .iter()
        .filter(|(from, to)| *from <= on && to.is_none_or(|t| t > on))
        .map(|(from, _)| *from)
        .min();
    let (outcome, reason) = match held {
        Some(from) => (
            true,
            format!("{from} 起列入村党组织书记后备干部库，调整书记时优先推荐"),
        ),
        None => (
            false,
            "未列入村党组织书记后备干部库：专业化年轻干部应纳入书记后备干部库".to_string(),
        ),
    };
    Decision::new(&RESERVE_POOL, outcome, reason)
}

/// The last day of a young cadre's term (Article 10: "35岁以下" and
/// "可延长至5年"): the last day within the age limit (the day before the
/// birthday that takes the cadre past it), or — with an extension the
/// city approved (`extended_to`) — the extension's last day, whichever is
/// later. A proposed extension not yet approved does not count.
pub fn term_end(p: &Params, birth_date: Date, extended_to: Option<Date>) -> Decision<Date, String> {
    let max = p.young_max_age.value;
    let past = if p.young_age_limit_inclusive.value {
        max.saturating_add(1)
    } else {
        max
    };
    let birthday = add_years(birth_date, i32::try_from(past).unwrap_or(i32::MAX));
    let last_young = birthday.previous_day().unwrap_or(birthday);
    let (end, reason) = match extended_to {
        Some(e) if e > last_young => (
            e,
            format!(
                "{birthday} 满 {past} 周岁，超过年龄上限；经市镇考察通过已延长至 {e}，延长期满停发"
            ),
        ),
        _ => (
            last_young,
            format!("{birthday} 满 {past} 周岁，超过年龄上限，在册至 {last_young}"),
        ),
    };
    Decision::new(&TERM, end, reason)
        .using(&[p.young_max_age.used, p.young_age_limit_inclusive.used])
}

/// How much of a month's pay a young cadre receives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Share {
    /// The whole month.
    Full,
    /// The days on the programme of the month's days (the month the term
    /// ends, with `young.last_month_by_days`).
    Days { paid: u8, of: u8 },
    /// Nothing: the term ended before the month.
    None,
}

impl Share {
    /// The fraction of the month's pay (0 to 1).
    pub fn fraction(self) -> Decimal {
        match self {
            Share::Full => Decimal::ONE,
            Share::Days { paid, of } => Decimal::from(paid) / Decimal::from(of.max(1)),
            Share::None => Decimal::ZERO,
        }
    }
}

/// The share of `month`'s pay (any day of the month) for a young cadre
/// whose term ends on `term_end` ([`term_end`]): the whole month before
/// the month the term ends; the month it ends in full, or by the days on
/// the programme (`young.last_month_by_days`, our reading: the text
/// names no rule for that month); nothing from the month after.
pub fn month_share(p: &Params, month: Date, term_end: Date) -> Decision<Share, String> {
    let by_days = p.young_last_month_by_days.value;
    let first = month.replace_day(1).unwrap_or(month);
    let days = month.month().length(month.year());
    let last = first
        .checked_add(Duration::days(i64::from(days) - 1))
        .unwrap_or(first);
    let ym = |d: Date| format!("{} 年 {} 月", d.year(), u8::from(d.month()));
    let (share, reason) = if term_end < first {
        (
            Share::None,
            format!("期满日 {term_end} 在 {} 以前，次月起停发", ym(first)),
        )
    } else if term_end >= last {
        (Share::Full, format!("{} 全月在册", ym(first)))
    } else if by_days {
        let paid = term_end.day();
        (
            Share::Days { paid, of: days },
            format!(
                "{term_end} 期满，{} 在册 {paid} 天，按 {paid}/{days} 折算",
                ym(first)
            ),
        )
    } else {
        (
            Share::Full,
            format!("{term_end} 期满，期满当月（{}）按整月发放", ym(first)),
        )
    };
    Decision::new(&TERM, share, reason).using(&[p.young_last_month_by_days.used])
}

/// A month's pay × `share`, each subsidy and the total rounded half up to
/// the fen, the base the rest of the total (so the parts add up to it;
/// with a higher current pay kept, the base scaled alone).
pub fn share_of(pay: MonthlyPay, share: Share) -> MonthlyPay {
    if share == Share::Full {
        return pay;
    }
    let k = share.fraction();
    let city = round_fen(pay.city_subsidy * k);
    let town = round_fen(pay.town_subsidy * k);
    let total = round_fen(pay.total * k);
    MonthlyPay {
        base: if pay.kept_current {
            round_fen(pay.base * k)
        } else {
            total - city - town
        },
        city_subsidy: city,
        town_subsidy: town,
        total,
        kept_current: pay.kept_current,
    }
}
