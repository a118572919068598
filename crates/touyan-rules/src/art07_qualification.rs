//! 第七条 推行任职资格管理 — Article 7, qualification.
//!
//! > 将农村党建、集体经济、矛盾化解、职业技能、民生服务等作为必修课程，考试合格颁发
//! > 农村干部资格证，村干部持证上岗。……村干部专科学历培训班优先面向专业化党组织
//! > 书记招生。鼓励专业化党组织书记参加在职大学、研究生学历教育。

use crate::decision::{Decision, Rule};
use crate::policy::Params;

pub static CERTIFICATE: Rule = Rule {
    id: "art07.certificate",
    article: 7,
    clause: "",
    inferred: false,
    title: "持证上岗",
};
pub static REQUIRED_COURSES: Rule = Rule {
    id: "art07.required_courses",
    article: 7,
    clause: "",
    inferred: false,
    title: "必修课程",
};
pub static DEGREE_PRIORITY: Rule = Rule {
    id: "art07.degree_priority",
    article: 7,
    clause: "",
    inferred: false,
    title: "学历班优先招收专业化书记",
};

pub static RULES: &[&Rule] = &[&CERTIFICATE, &REQUIRED_COURSES, &DEGREE_PRIORITY];

/// The required courses the article names (a list, not a number).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Course {
    PartyBuilding,
    CollectiveEconomy,
    ConflictResolution,
    VocationalSkills,
    LivelihoodServices,
}

impl Course {
    pub const REQUIRED: [Course; 5] = [
        Course::PartyBuilding,
        Course::CollectiveEconomy,
        Course::ConflictResolution,
        Course::VocationalSkills,
        Course::LivelihoodServices,
    ];

    pub fn zh(self) -> &'static str {
        match self {
            Course::PartyBuilding => "农村党建",
            Course::CollectiveEconomy => "集体经济",
            Course::ConflictResolution => "矛盾化解",
            Course::VocationalSkills => "职业技能",
            Course::LivelihoodServices => "民生服务",
        }
    }
}

/// The required courses not yet passed.
pub fn courses_missing(passed: &[Course]) -> Decision<Vec<Course>, String> {
    let missing: Vec<Course> = Course::REQUIRED
        .into_iter()
        .filter(|c| !passed.contains(c))
        .collect();
    let reason = if missing.is_empty() {
        "必修课程均已考试合格，可颁发农村干部资格证".to_string()
    } else {
        let names: Vec<&str> = missing.iter().map(|c| c.zh()).collect();
        format!("尚有必修课程未考试合格：{}", names.join("、"))
    };
    Decision::new(&REQUIRED_COURSES, missing, reason)
}

/// A village cadre working without a certificate is flagged (持证上岗).
/// Outcome: `true` when the cadre is in order.
pub fn certificate(p: &Params, has_certificate: bool) -> Decision<bool, &'static str> {
    let required = p.qualification_certificate_required.value;
    let ok = has_certificate || !required;
    let reason = match (has_certificate, required) {
        (true, _) => "持有农村干部资格证",
        (false, true) => "未持农村干部资格证上岗",
        (false, false) => "政策未要求持证上岗",
    };
    Decision::new(&CERTIFICATE, ok, reason).using(&[p.qualification_certificate_required.used])
}

/// Orders applicants to a degree-study class: professionalized secretaries
/// first (stable otherwise). `professionalized[i]` belongs to applicant `i`;
/// returns indices in enrolment order.
pub fn degree_enrolment_order(
    p: &Params,
    professionalized: &[bool],
) -> Decision<Vec<usize>, &'static str> {
    let mut order: Vec<usize> = (0..professionalized.len()).collect();
    if p.qualification_degree_priority.value {
        order.sort_by_key(|&i| !professionalized[i]);
    }
    Decision::new(
        &DEGREE_PRIORITY,
        order,
        "专科学历培训班优先招收专业化党组织书记，其余按报名先后",
    )
    .using(&[p.qualification_degree_priority.used])
}
