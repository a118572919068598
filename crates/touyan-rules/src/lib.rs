//! # touyan-rules: the measures as code
//!
//! 《市村党组织书记专业化管理办法》, one module per article. Pure: no I/O, no
//! database, no clock, no network. Every number comes from [`policy`], every
//! rule returns a [`decision::Decision`] that names its rule, article,
//! parameters and a Chinese reason.
//!
//! | Article | Module |
//! |---|---|
//! | 第一条 人员纳入 | [`art01_inclusion`] |
//! | 第二章（推定）日常管理的提醒 | [`art02_daily_inferred`] |
//! | 第六条 教育培训 | [`art06_training`] |
//! | 第七条 任职资格 | [`art07_qualification`] |
//! | 第八条 挂职锻炼 | [`art08_secondment`] |
//! | 第九条 后备干部 | [`art09_reserves`] |
//! | 第十条 年轻干部 | [`art10_young_cadres`] |
//! | 第十一条 目标管理 | [`art11_target_management`] |
//! | 第十二条 胜任度评价 | [`art12_competency`] |
//! | 第十三条 薪酬与档次 | [`art13_pay`] |
//! | 第十四条以后（推定）退出 | [`art14_exit_inferred`] |
//! | “原则上”“一般”条款的例外（第一条、第十三条） | [`hedges`] |

pub mod art01_inclusion;
pub mod art02_daily_inferred;
pub mod art06_training;
pub mod art07_qualification;
pub mod art08_secondment;
pub mod art09_reserves;
pub mod art10_young_cadres;
pub mod art11_target_management;
pub mod art12_competency;
pub mod art13_pay;
pub mod art14_exit_inferred;
pub mod calendar;
pub mod decision;
pub mod hedges;
pub mod num;
pub mod people;
pub mod policy;

pub use decision::{Decision, Rule};
pub use policy::{Params, Policy};

/// Every rule, by article, for the traceability table.
pub fn all_rules() -> impl Iterator<Item = &'static Rule> {
    [
        art01_inclusion::RULES,
        art02_daily_inferred::RULES,
        art06_training::RULES,
        art07_qualification::RULES,
        art08_secondment::RULES,
        art09_reserves::RULES,
        art10_young_cadres::RULES,
        art11_target_management::RULES,
        art12_competency::RULES,
        art13_pay::RULES,
        art14_exit_inferred::RULES,
        hedges::RULES,
    ]
    .into_iter()
    .flatten()
    .copied()
}
