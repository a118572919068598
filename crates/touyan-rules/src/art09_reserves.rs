//! 第九条 加强后备干部培养 — Article 9, reserve cadres.
//!
//! > 以镇街为单位，建立精准后备力量库，每个专业化管理村动态储备不低于2名的村党组织
//! > 书记后备力量，其他村“两委”干部“一职一备”。……每年形成培养情况报告。……新选拔
//! > 村党组织书记，原则上从列入后备干部且培养1年以上的人员中产生。

use time::Date;

use crate::calendar::years_complete;
use crate::decision::{Decision, Rule};
use crate::policy::Params;

pub static SECRETARY_RESERVES: Rule = Rule {
    id: "art09.secretary_reserves",
    article: 9,
    clause: "",
    inferred: false,
    title: "专业化管理村的书记后备力量",
};
pub static POST_RESERVES: Rule = Rule {
    id: "art09.post_reserves",
    article: 9,
    clause: "",
    inferred: false,
    title: "其他“两委”职位一职一备",
};
pub static APPOINTMENT: Rule = Rule {
    id: "art09.appointment_from_reserves",
    article: 9,
    clause: "",
    inferred: false,
    title: "新书记从培养满一年的后备中产生",
};

pub static RULES: &[&Rule] = &[&SECRETARY_RESERVES, &POST_RESERVES, &APPOINTMENT];

/// Reserves for secretary in a professionalized village: `Some(missing)`
/// when fewer than 2, `None` when enough.
pub fn secretary_reserves(p: &Params, reserves: u32) -> Decision<Option<u32>, String> {
    let min = p.reserves_professional_village_min.value;
    let short = (reserves < min).then(|| min - reserves);
    let reason = match short {
        None => format!("储备书记后备力量 {reserves} 名，不低于 {min} 名"),
        Some(k) => format!("储备书记后备力量 {reserves} 名，低于 {min} 名，缺 {k} 名"),
    };
    Decision::new(&SECRETARY_RESERVES, short, reason)
        .using(&[p.reserves_professional_village_min.used])
}

/// One reserve per other two-committee post (一职一备).
pub fn post_reserves(p: &Params, post: &str, reserves: u32) -> Decision<Option<u32>, String> {
    let min = p.reserves_other_post_min.value;
    let short = (reserves < min).then(|| min - reserves);
    let reason = match short {
        None => format!("{post}已有后备 {reserves} 名"),
        Some(k) => format!("{post}后备 {reserves} 名，“一职一备”缺 {k} 名"),
    };
    Decision::new(&POST_RESERVES, short, reason).using(&[p.reserves_other_post_min.used])
}

/// A new secretary should come from the reserves, listed and trained at
/// least a year before the appointment. Outcome `true`: in order; `false`
/// opens a warning that needs a written reason.
pub fn appointment_from_reserves(
    p: &Params,
    listed_since: Option<Date>,
    appointed_on: Date,
) -> Decision<bool, String> {
    let years = p.reserves_min_training_years.value;
    let (ok, reason) = match listed_since {
        None => (false, "新任书记不在后备干部库中，须说明理由".to_string()),
        Some(since) if years_complete(since, years, appointed_on) => (
            true,
            format!("新任书记 {since} 列入后备，任职时培养已满 {years} 年"),
        ),
        Some(since) => (
            false,
            format!("新任书记 {since} 列入后备，任职时培养不满 {years} 年，须说明理由"),
        ),
    };
    Decision::new(&APPOINTMENT, ok, reason).using(&[p.reserves_min_training_years.used])
}
