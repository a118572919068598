//! 第八条 分级挂职锻炼 — Article 8, secondment.
//!
//! > 每年按照每个镇街区不少于1名的数量，安排专业化党组织书记到市直涉农单位挂职……
//! > 以镇街为单位，每年按照专业化党组织书记20%的比例，安排到镇级涉农部门担任副职……
//! > 挂职锻炼一般不少于1个月……挂职期间形成工作日志。挂职结束后，挂职单位作出挂职
//! > 书面鉴定，作为年终考核的参考依据。

use std::fmt;

use time::Date;

use crate::calendar::{months_complete, whole_months};
use crate::decision::{Decision, Rule};
use crate::policy::Params;

pub static LENGTH: Rule = Rule {
    id: "art08.secondment_length",
    article: 8,
    clause: "",
    inferred: false,
    title: "挂职时长",
};
pub static CITY_REQUIRED: Rule = Rule {
    id: "art08.city_required",
    article: 8,
    clause: "",
    inferred: false,
    title: "到市直涉农单位挂职人数",
};
pub static TOWN_REQUIRED: Rule = Rule {
    id: "art08.town_required",
    article: 8,
    clause: "",
    inferred: false,
    title: "到镇级涉农部门挂职人数",
};
pub static APPRAISAL: Rule = Rule {
    id: "art08.appraisal",
    article: 8,
    clause: "",
    inferred: false,
    title: "工作日志和挂职鉴定",
};

pub static RULES: &[&Rule] = &[&LENGTH, &CITY_REQUIRED, &TOWN_REQUIRED, &APPRAISAL];

/// Reason of the length check.
#[derive(Clone, Copy, Debug)]
pub struct LengthReason {
    pub start: Date,
    pub end: Date,
    pub min_months: u32,
    pub counts: bool,
}

impl fmt::Display for LengthReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "挂职 {} 至 {}，满 {} 个整月，{}",
            self.start,
            self.end,
            whole_months(self.start, self.end),
            if self.counts {
                format!("达到不少于 {} 个月的要求", self.min_months)
            } else {
                format!("不足 {} 个月，不计入挂职人数", self.min_months)
            }
        )
    }
}

/// A secondment counts when `end ≥ start + 1 calendar month` (day clamped).
pub fn length(p: &Params, start: Date, end: Date) -> Decision<bool, LengthReason> {
    let min_months = p.secondment_min_months.value;
    let counts = months_complete(start, min_months, end);
    Decision::new(
        &LENGTH,
        counts,
        LengthReason {
            start,
            end,
            min_months,
            counts,
        },
    )
    .using(&[p.secondment_min_months.used])
}

/// How many people the secondments that count account for: the distinct
/// people among `counted` (one key per secondment that counts, at one
/// level): two secondments of one person count once (the 2026-12 reading
/// of "每年至少 1 名专业化书记……挂职": the quota is of secretaries, not of
/// secondments).
pub fn people_seconded<K: Eq + std::hash::Hash>(counted: impl IntoIterator<Item = K>) -> u32 {
    let people: std::collections::HashSet<K> = counted.into_iter().collect();
    u32::try_from(people.len()).unwrap_or(u32::MAX)
}

/// At least one professionalized secretary per town to a city unit a year.
pub fn city_required(p: &Params) -> Decision<u32, String> {
    let n = p.secondment_city_min_per_town.value;
    Decision::new(
        &CITY_REQUIRED,
        n,
        format!("每个镇街区每年至少 {n} 名专业化书记到市直涉农单位挂职"),
    )
    .using(&[p.secondment_city_min_per_town.used])
}

/// 20% of the town's professionalized secretaries to town departments,
/// rounded half up by default.
pub fn town_required(p: &Params, professionalized: u32) -> Decision<u32, String> {
    let ratio = p.secondment_town_ratio.value;
    let rounding = p.secondment_town_rounding.value;
    let n = ratio.of(u64::from(professionalized), rounding) as u32;
    Decision::new(
        &TOWN_REQUIRED,
        n,
        format!(
            "专业化书记 {professionalized} 名 × {ratio}，{}，应安排 {n} 名到镇级涉农部门挂职",
            rounding.zh()
        ),
    )
    .using(&[
        p.secondment_town_ratio.used,
        p.secondment_town_rounding.used,
    ])
}

/// A finished secondment needs its work log and the host's written
/// appraisal before it can feed the year-end assessment.
pub fn appraisal_complete(has_work_log: bool, has_appraisal: bool) -> Decision<bool, &'static str> {
    let reason = match (has_work_log, has_appraisal) {
        (true, true) => "已形成工作日志和挂职书面鉴定，可作为年终考核参考",
        (false, true) => "缺少挂职期间的工作日志",
        (true, false) => "挂职单位尚未作出书面鉴定",
        (false, false) => "缺少工作日志和挂职书面鉴定",
    };
    Decision::new(&APPRAISAL, has_work_log && has_appraisal, reason)
}
