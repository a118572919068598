//! Workbook imports: which sheet's rows a role may write, through the same
//! checks as the form or move that records them (issue 15).
//!
//! A workbook row is not a way around a form. Every sheet has one source:
//!
//! | source | sheets | who may import |
//! |---|---|---|
//! | facts a town keeps about its villages and people, with no workflow of their own (村年度情况 also on the village page's form, `art01_13_village_facts`) | 人员, 任职, 村年度情况, 三好三强 | the city administrator; the town's operator for its own villages and people (`Actor::records_town_facts`) |
//! | a recording form | 增设条件 (第一条), 报酬构成 (第十三条), 培训班次, 参训记录 (第六条), 约谈 (第六条), 考试成绩 (第七条), 挂职, 挂职日志 (第八条), 后备干部 (第九条) | exactly who may use that form: the same `may_record` |
//! | a workflow's moves | 评价票数, 资格证书, 年轻干部, 年度计划, 专业化名单, 报酬发放, 退出, 后备培养报告, 镇街年度设置 | nobody: statuses, filings, approvals, payments, ballots, exits, certificates and yearly settings come from their workflows |
//!
//! The checks run in the forms' order: scope (another town's row reads as
//! missing), then role. What needs the database — whether a person, a
//! session or a secondment already belongs to the importing town — is the
//! caller's; this module says which rows may be written at all.
//! `touyan import` at the command line is the database owner's migration
//! tool: it takes the workflow sheets only when told it is migrating
//! history.

use touyan_records::model::{Records, TrainingLevel};

use crate::{Actor, Refusal, Role, art06_training, art07_qualification, art08_09_reserves};

/// A sheet of the import workbook (the record kinds a workbook carries).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sheet {
    People,
    Posts,
    VillageYears,
    ThreeGood,
    ConditionAnswers,
    PayParts,
    TrainingSessions,
    Attendance,
    Ballots,
    Admonitions,
    ExamResults,
    Certificates,
    Secondments,
    Reserves,
    YoungCadres,
    AnnualPlans,
    ListEntries,
    PayRecords,
    Exits,
    WorkLogs,
    ReserveReports,
    TownYears,
}

/// Where a sheet's records come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// Facts about the town's villages and people that no form records:
    /// the city administrator, or the town's operator for its own.
    Facts,
    /// A recording form: the same check as that form.
    Form,
    /// A workflow's moves only (`by`: which, for the refusal).
    Workflow { by: &'static str },
}

impl Sheet {
    pub const ALL: [Sheet; 22] = [
        Sheet::People,
        Sheet::Posts,
        Sheet::VillageYears,
        Sheet::ThreeGood,
        Sheet::ConditionAnswers,
        Sheet::PayParts,
        Sheet::TrainingSessions,
        Sheet::Attendance,
        Sheet::Ballots,
        Sheet::Admonitions,
        Sheet::ExamResults,
        Sheet::Certificates,
        Sheet::Secondments,
        Sheet::Reserves,
        Sheet::YoungCadres,
        Sheet::AnnualPlans,
        Sheet::ListEntries,
        Sheet::PayRecords,
        Sheet::Exits,
        Sheet::WorkLogs,
        Sheet::ReserveReports,
        Sheet::TownYears,
    ];

    /// The sheet's name in the workbook (the template's tab).
    pub fn name(self) -> &'static str {
        match self {
            Sheet::People => "人员",
            Sheet::Posts => "任职",
            Sheet::VillageYears => "村年度情况",
            Sheet::ThreeGood => "三好三强",
            Sheet::ConditionAnswers => "增设条件",
            Sheet::PayParts => "报酬构成",
            Sheet::TrainingSessions => "培训班次",
            Sheet::Attendance => "参训记录",
            Sheet::Ballots => "评价票数",
            Sheet::Admonitions => "约谈",
            Sheet::ExamResults => "考试成绩",
            Sheet::Certificates => "资格证书",
            Sheet::Secondments => "挂职",
            Sheet::Reserves => "后备干部",
            Sheet::YoungCadres => "年轻干部",
            Sheet::AnnualPlans => "年度计划",
            Sheet::ListEntries => "专业化名单",
            Sheet::PayRecords => "报酬发放",
            Sheet::Exits => "退出",
            Sheet::WorkLogs => "挂职日志",
            Sheet::ReserveReports => "后备培养报告",
            Sheet::TownYears => "镇街年度设置",
        }
    }

    pub fn from_name(name: &str) -> Option<Sheet> {
        Sheet::ALL.into_iter().find(|s| s.name() == name)
    }

    pub fn source(self) -> Source {
        match self {
            Sheet::People | Sheet::Posts | Sheet::VillageYears | Sheet::ThreeGood => Source::Facts,
            Sheet::ConditionAnswers
            | Sheet::PayParts
            | Sheet::TrainingSessions
            | Sheet::Attendance
            | Sheet::Admonitions
            | Sheet::ExamResults
            | Sheet::Secondments
            | Sheet::WorkLogs
            | Sheet::Reserves => Source::Form,
            Sheet::Ballots => Source::Workflow {
                by: "胜任度评价的投票和经审核确认的纸质票（第十二条）",
            },
            Sheet::Certificates => Source::Workflow {
                by: "市级管理员在必修课程全部合格后登记（第七条）",
            },
            Sheet::YoungCadres => Source::Workflow {
                by: "优才计划的评分、确定人选和市级备案（第十条）",
            },
            Sheet::AnnualPlans => Source::Workflow {
                by: "年度计划的评审、公示和备案（第十一条）",
            },
            Sheet::ListEntries => Source::Workflow {
                by: "年度名单的确认、报送和市级备案（第一条、第十三条）",
            },
            Sheet::PayRecords => Source::Workflow {
                by: "补贴发放的计算、审核、批准和确认发放（第十三条）",
            },
            Sheet::Exits => Source::Workflow {
                by: "退出管理和胜任度评价的退出确认",
            },
            Sheet::ReserveReports => Source::Workflow {
                by: "镇街审核提交年度后备力量培养情况报告（第九条）",
            },
            Sheet::TownYears => Source::Workflow {
                by: "镇街年度设置（参照工资、报酬系数）的办理",
            },
        }
    }
}

/// Whose a row is: a town's (its village's, its person's, its session's),
/// or a city training session and its attendance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner<'a> {
    Town(&'a str),
    CitySession,
}

/// Whether `actor` may write a row of `sheet` owned by `owner`: the same
/// check as the form that records it (scope first: another town's row is
/// answered as missing), and never a workflow's record.
pub fn may_import(actor: &Actor<'_>, sheet: Sheet, owner: Owner<'_>) -> Result<(), Refusal> {
    let town = match owner {
        Owner::Town(t) => Some(t),
        Owner::CitySession => None,
    };
    if let Some(t) = town
        && !actor.sees(t)
    {
        return Err(Refusal::NotFound);
    }
    let needs_town = || match town {
        Some(t) => Ok(t),
        None => Err(Refusal::Invalid(format!(
            "“{}”表的记录须属于一个镇街",
            sheet.name()
        ))),
    };
    match sheet.source() {
        Source::Workflow { by } => Err(Refusal::Forbidden(format!(
            "“{}”表不能导入：这些记录只能由{}产生",
            sheet.name(),
            by
        ))),
        Source::Facts => {
            actor.records_town_facts(needs_town()?, &format!("“{}”表", sheet.name()), "", "导入")
        }
        Source::Form => match sheet {
            Sheet::ConditionAnswers => crate::art01_conditions::may_record(actor, needs_town()?),
            Sheet::PayParts => crate::art13_pay_parts::may_record(actor, needs_town()?),
            Sheet::TrainingSessions | Sheet::Attendance => {
                let level = if town.is_some() {
                    TrainingLevel::Town
                } else {
                    TrainingLevel::City
                };
                art06_training::may_record(actor, art06_training::Record::Session { level, town })
            }
            Sheet::Admonitions => art06_training::may_record(
                actor,
                art06_training::Record::FollowUp {
                    town: needs_town()?,
                },
            ),
            Sheet::ExamResults => art07_qualification::may_record(
                actor,
                art07_qualification::Record::Exam {
                    town: needs_town()?,
                },
            ),
            Sheet::Secondments | Sheet::WorkLogs => art08_09_reserves::may_record(
                actor,
                art08_09_reserves::Record::Secondment {
                    town: needs_town()?,
                },
            ),
            Sheet::Reserves => art08_09_reserves::may_record(
                actor,
                art08_09_reserves::Record::Reserve {
                    town: needs_town()?,
                },
            ),
            _ => Err(Refusal::Forbidden(format!("“{}”表不能导入", sheet.name()))),
        },
    }
}

/// Who may import a sheet, as the template's instructions say it.
pub fn who_may_import(sheet: Sheet) -> String {
    if let Source::Workflow { by } = sheet.source() {
        return format!("不能导入：只能由{by}产生");
    }
    const T: &str = "000000000";
    let mut who: Vec<String> = Vec::new();
    for role in Role::ALL {
        let a = Actor {
            role,
            town: role.is_town().then_some(T),
        };
        let town = may_import(&a, sheet, Owner::Town(T)).is_ok();
        let city = may_import(&a, sheet, Owner::CitySession).is_ok();
        match (town, city, role.is_town()) {
            (true, _, true) => who.push(format!("{}（本镇街的记录）", role.label())),
            (true, _, false) => who.push(role.label().to_owned()),
            (false, true, _) => who.push(format!("{}（市级培训）", role.label())),
            _ => {}
        }
    }
    format!("{}导入", who.join("、"))
}

/// Every sheet's name with [`who_may_import`]: the template's lines.
pub fn template_lines() -> Vec<(String, String)> {
    Sheet::ALL
        .into_iter()
        .map(|s| (s.name().to_owned(), who_may_import(s)))
        .collect()
}

/// What the template tells the account of `role` that downloads it.
pub fn role_note(role: Role) -> String {
    let sheets: Vec<&str> = sheets_for(role).into_iter().map(Sheet::name).collect();
    if sheets.is_empty() {
        return format!("{}不能导入工作簿。", role.label());
    }
    format!(
        "您的账户（{}）可导入：{}{}。其余工作表的记录只能由系统中的办理流程产生，工作簿中有这些记录时整个工作簿不予导入。",
        role.label(),
        sheets.join("、"),
        if role.is_town() {
            "，且只能是本镇街的村、人员和培训；新人员须在同一工作簿中登记在本镇街村的任职或后备"
        } else {
            ""
        }
    )
}

/// How many rows each sheet of a workbook's records has, in the
/// workbook's order.
pub fn rows_per_sheet(r: &Records) -> [(Sheet, usize); 22] {
    [
        (Sheet::People, r.people.len()),
        (Sheet::Posts, r.posts.len()),
        (Sheet::VillageYears, r.village_years.len()),
        (Sheet::ThreeGood, r.three_good.len()),
        (Sheet::ConditionAnswers, r.condition_answers.len()),
        (Sheet::PayParts, r.pay_parts.len()),
        (Sheet::TrainingSessions, r.training_sessions.len()),
        (Sheet::Attendance, r.attendance.len()),
        (Sheet::Ballots, r.ballots.len()),
        (Sheet::Admonitions, r.admonitions.len()),
        (Sheet::ExamResults, r.exam_results.len()),
        (Sheet::Certificates, r.certificates.len()),
        (Sheet::Secondments, r.secondments.len()),
        (Sheet::Reserves, r.reserves.len()),
        (Sheet::YoungCadres, r.young_cadres.len()),
        (Sheet::AnnualPlans, r.annual_plans.len()),
        (Sheet::ListEntries, r.list_entries.len()),
        (Sheet::PayRecords, r.pay_records.len()),
        (Sheet::Exits, r.exits.len()),
        (Sheet::WorkLogs, r.work_logs.len()),
        (Sheet::ReserveReports, r.reserve_reports.len()),
        (Sheet::TownYears, r.town_years.len()),
    ]
}

/// The sheets with rows in `r` that only a workflow makes, with their
/// counts.
pub fn workflow_rows(r: &Records) -> Vec<(Sheet, usize)> {
    rows_per_sheet(r)
        .into_iter()
        .filter(|(s, n)| *n > 0 && matches!(s.source(), Source::Workflow { .. }))
        .collect()
}

/// The sheets `role` may import rows of (for its own town, a town role),
/// in the workbook's order: what the template's instructions list.
pub fn sheets_for(role: Role) -> Vec<Sheet> {
    const T: &str = "000000000";
    let actor = Actor {
        role,
        town: role.is_town().then_some(T),
    };
    Sheet::ALL
        .into_iter()
        .filter(|s| {
            may_import(&actor, *s, Owner::Town(T)).is_ok()
                || may_import(&actor, *s, Owner::CitySession).is_ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: &str = "370783100";
    const U: &str = "370783101";

    fn actor(role: Role) -> Actor<'static> {
        Actor {
            role,
            town: role.is_town().then_some(T),
        }
    }

    /// The whole matrix: every sheet × every role × own town, other town
    /// and a city session, against the table in the module's docs.
    #[test]
    fn the_write_matrix() {
        use Role::*;
        use Sheet::*;
        let facts = [People, Posts, VillageYears, ThreeGood];
        let town_forms = [
            ConditionAnswers,
            PayParts,
            TrainingSessions,
            Attendance,
            Admonitions,
            ExamResults,
            Secondments,
            WorkLogs,
            Reserves,
        ];
        for sheet in Sheet::ALL {
            for role in Role::ALL {
                let a = actor(role);
                let own = may_import(&a, sheet, Owner::Town(T));
                let other = may_import(&a, sheet, Owner::Town(U));
                let city = may_import(&a, sheet, Owner::CitySession);
                let own_ok = (facts.contains(&sheet) && matches!(role, CityAdmin | TownOperator))
                    || (town_forms.contains(&sheet) && role == TownOperator);
                assert_eq!(own.is_ok(), own_ok, "{sheet:?} {role:?} own: {own:?}");
                // Another town: missing for town roles, and for city roles
                // the same answer as their own town.
                if role.is_town() {
                    assert_eq!(other, Err(Refusal::NotFound), "{sheet:?} {role:?}");
                } else {
                    assert_eq!(other.is_ok(), own_ok, "{sheet:?} {role:?} other");
                }
                let city_ok = matches!(sheet, TrainingSessions | Attendance) && role == CityAdmin;
                assert_eq!(city.is_ok(), city_ok, "{sheet:?} {role:?} city: {city:?}");
            }
        }
    }

    #[test]
    fn workflow_sheets_are_refused_to_everyone_with_their_source() {
        for sheet in [
            Sheet::Ballots,
            Sheet::Certificates,
            Sheet::YoungCadres,
            Sheet::AnnualPlans,
            Sheet::ListEntries,
            Sheet::PayRecords,
            Sheet::Exits,
            Sheet::ReserveReports,
            Sheet::TownYears,
        ] {
            let Err(Refusal::Forbidden(m)) =
                may_import(&actor(Role::CityAdmin), sheet, Owner::Town(T))
            else {
                panic!("{sheet:?} importable");
            };
            assert!(m.contains(sheet.name()) && m.contains("只能由"), "{m}");
        }
        let Err(Refusal::Forbidden(m)) = may_import(
            &actor(Role::TownOperator),
            Sheet::PayRecords,
            Owner::Town(T),
        ) else {
            panic!()
        };
        assert_eq!(
            m,
            "“报酬发放”表不能导入：这些记录只能由补贴发放的计算、审核、批准和确认发放（第十三条）产生"
        );
    }

    #[test]
    fn the_sheets_each_role_may_import() {
        use Sheet::*;
        assert_eq!(
            sheets_for(Role::TownOperator),
            vec![
                People,
                Posts,
                VillageYears,
                ThreeGood,
                ConditionAnswers,
                PayParts,
                TrainingSessions,
                Attendance,
                Admonitions,
                ExamResults,
                Secondments,
                Reserves,
                WorkLogs
            ]
        );
        assert_eq!(
            sheets_for(Role::CityAdmin),
            vec![
                People,
                Posts,
                VillageYears,
                ThreeGood,
                TrainingSessions,
                Attendance
            ]
        );
        for r in [
            Role::CityViewer,
            Role::TownReviewer,
            Role::Finance,
            Role::SystemAdmin,
            Role::SecurityAdmin,
            Role::AuditAdmin,
        ] {
            assert!(sheets_for(r).is_empty(), "{r:?}");
        }
        for s in Sheet::ALL {
            assert_eq!(Sheet::from_name(s.name()), Some(s));
        }
        assert_eq!(
            who_may_import(Sheet::People),
            "市级管理员、镇街经办（本镇街的记录）导入"
        );
        assert_eq!(
            who_may_import(Sheet::TrainingSessions),
            "市级管理员（市级培训）、镇街经办（本镇街的记录）导入"
        );
        assert_eq!(
            who_may_import(Sheet::ExamResults),
            "镇街经办（本镇街的记录）导入"
        );
        assert_eq!(
            who_may_import(Sheet::TownYears),
            "不能导入：只能由镇街年度设置（参照工资、报酬系数）的办理产生"
        );
        let order: Vec<Sheet> = rows_per_sheet(&Records::default())
            .into_iter()
            .map(|(s, _)| s)
            .collect();
        assert_eq!(order, Sheet::ALL);
        let report = touyan_records::model::ReserveReport {
            town: touyan_records::TownCode::parse(T).unwrap(),
            year: 2026,
            submitted_on: time::macros::date!(2026 - 12 - 01),
            summary: "培养情况".into(),
        };
        let r = Records {
            reserve_reports: vec![report.clone(), report],
            people: vec![],
            ..Records::default()
        };
        assert_eq!(workflow_rows(&r), vec![(Sheet::ReserveReports, 2)]);
        assert!(workflow_rows(&Records::default()).is_empty());
    }
}
