//! 第六条 教育培训 — Article 6, training.
//!
//! > 市级层面每年组织不少于3天的集中培训，镇街层面每年举办不少于2次、总天数不少于
//! > 7天的集中培训。集中培训结束后，专业化党组织书记形成学习体会报镇街党(工)委备案。
//! > 对学习效果差的，由镇街党(工)委主要负责同志约谈，并安排补学。

use std::fmt;

use arrayvec::ArrayVec;
use rust_decimal::Decimal;

use crate::decision::{Decision, Rule};
use crate::policy::Params;

pub static COMPLIANCE: Rule = Rule {
    id: "art06.training_compliance",
    article: 6,
    clause: "",
    inferred: false,
    title: "年度集中培训达标",
};
pub static REFLECTION: Rule = Rule {
    id: "art06.study_reflection",
    article: 6,
    clause: "",
    inferred: false,
    title: "学习体会报备",
};
pub static POOR_RESULTS: Rule = Rule {
    id: "art06.poor_results_admonition",
    article: 6,
    clause: "",
    inferred: false,
    title: "学习效果差的约谈和补学",
};

pub static RULES: &[&Rule] = &[&COMPLIANCE, &REFLECTION, &POOR_RESULTS];

/// Who organised a centralised training session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    City,
    Town,
}

/// One centralised training session attended, with its length in days
/// (half days allowed).
#[derive(Clone, Copy, Debug)]
pub struct Attendance {
    pub level: Level,
    pub days: Decimal,
}

/// An item of the yearly minimums, in the contract's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shortfall {
    CityDays,
    TownSessions,
    TownDays,
}

impl Shortfall {
    pub fn name(self) -> &'static str {
        match self {
            Shortfall::CityDays => "city_days",
            Shortfall::TownSessions => "town_sessions",
            Shortfall::TownDays => "town_days",
        }
    }
}

/// The year's totals against the minimums.
#[derive(Clone, Debug)]
pub struct Compliance {
    pub city_days: Decimal,
    pub town_sessions: u32,
    pub town_days: Decimal,
    pub shortfalls: ArrayVec<Shortfall, 3>,
    pub min_city_days: Decimal,
    pub min_town_sessions: u32,
    pub min_town_days: Decimal,
}

impl Compliance {
    pub fn compliant(&self) -> bool {
        self.shortfalls.is_empty()
    }
}

impl fmt::Display for Compliance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "市级集中培训 {} 天（应不少于 {} 天），镇街集中培训 {} 次共 {} 天（应不少于 {} 次、{} 天）",
            self.city_days.normalize(),
            self.min_city_days,
            self.town_sessions,
            self.town_days.normalize(),
            self.min_town_sessions,
            self.min_town_days
        )?;
        if self.compliant() {
            f.write_str("，达标")
        } else {
            let missing: Vec<String> = self
                .shortfalls
                .iter()
                .map(|s| match s {
                    Shortfall::CityDays => {
                        format!(
                            "市级还差 {} 天",
                            (self.min_city_days - self.city_days).normalize()
                        )
                    }
                    Shortfall::TownSessions => {
                        format!(
                            "镇街还差 {} 次",
                            self.min_town_sessions - self.town_sessions
                        )
                    }
                    Shortfall::TownDays => {
                        format!(
                            "镇街还差 {} 天",
                            (self.min_town_days - self.town_days).normalize()
                        )
                    }
                })
                .collect();
            write!(f, "，未达标：{}", missing.join("，"))
        }
    }
}

/// The year's attendance against the minimums: city days ≥ 3; town
/// sessions ≥ 2; town days ≥ 7. Each attended town session counts once.
pub fn compliance(p: &Params, sessions: &[Attendance]) -> Decision<Compliance, Compliance> {
    let (mut city_days, mut town_days, mut town_sessions) = (Decimal::ZERO, Decimal::ZERO, 0u32);
    for s in sessions {
        match s.level {
            Level::City => city_days += s.days,
            Level::Town => {
                town_days += s.days;
                town_sessions += 1;
            }
        }
    }
    let (min_city_days, min_town_sessions, min_town_days) = (
        p.training_city_min_days.value,
        p.training_town_min_sessions.value,
        p.training_town_min_days.value,
    );
    let mut shortfalls = ArrayVec::new();
    if city_days < min_city_days {
        shortfalls.push(Shortfall::CityDays);
    }
    if town_sessions < min_town_sessions {
        shortfalls.push(Shortfall::TownSessions);
    }
    if town_days < min_town_days {
        shortfalls.push(Shortfall::TownDays);
    }
    let c = Compliance {
        city_days,
        town_sessions,
        town_days,
        shortfalls,
        min_city_days,
        min_town_sessions,
        min_town_days,
    };
    Decision::new(&COMPLIANCE, c.clone(), c).using(&[
        p.training_city_min_days.used,
        p.training_town_min_sessions.used,
        p.training_town_min_days.used,
    ])
}

/// After a centralised training the secretary files a study reflection
/// with the town: outstanding when attended and not yet filed.
pub fn reflection_outstanding(attended: bool, filed: bool) -> Decision<bool, &'static str> {
    let outstanding = attended && !filed;
    let reason = match (attended, filed) {
        (false, _) => "未参加集中培训，无需报送学习体会",
        (true, true) => "已向镇街党(工)委报送学习体会",
        (true, false) => "参加集中培训后尚未报送学习体会",
    };
    Decision::new(&REFLECTION, outstanding, reason)
}

/// What follows a poor learning result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FollowUp {
    None,
    /// The town's principal leader holds an admonition talk and arranges make-up study.
    AdmonitionAndMakeUp,
}

/// Poor learning results open an admonition (约谈) by the town's principal
/// leader and a make-up study (补学).
pub fn poor_results(poor: bool) -> Decision<FollowUp, &'static str> {
    if poor {
        Decision::new(
            &POOR_RESULTS,
            FollowUp::AdmonitionAndMakeUp,
            "学习效果差，由镇街党(工)委主要负责同志约谈，并安排补学",
        )
    } else {
        Decision::new(&POOR_RESULTS, FollowUp::None, "学习效果合格，无需约谈")
    }
}
