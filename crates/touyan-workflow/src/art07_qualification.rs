//! 第七条 — qualification records: who records what.
//!
//! > 将农村党建、集体经济、矛盾化解、职业技能、民生服务等作为必修课程，考试合格颁发
//! > 农村干部资格证，村干部持证上岗。……村干部专科学历培训班优先面向专业化党组织
//! > 书记招生。
//!
//! | record | who |
//! |---|---|
//! | an exam result of a required course of a cadre of the town | the town's operator |
//! | a rural cadre qualification certificate (issued by the city) | city administrator |
//! | an application of a cadre of the town to a degree-study class | the town's operator |
//!
//! Which courses are still to pass, whether a cadre works with a
//! certificate and the enrolment order are the rules crate's
//! `art07_qualification`; nothing here decides them.

use crate::{Actor, Refusal, Role};

/// What is being recorded, for a cadre of `town`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Record<'a> {
    Exam { town: &'a str },
    Certificate { town: &'a str },
    Enrolment { town: &'a str },
}

/// Whether `actor` may record `what`: another town's cadre is answered as
/// missing, then the role is checked.
pub fn may_record(actor: &Actor<'_>, what: Record<'_>) -> Result<(), Refusal> {
    let (town, role, label) = match what {
        Record::Exam { town } => (town, Role::TownOperator, "必修课程考试成绩"),
        Record::Certificate { town } => (town, Role::CityAdmin, "农村干部资格证"),
        Record::Enrolment { town } => (town, Role::TownOperator, "学历教育报名"),
    };
    if !actor.sees(town) {
        return Err(Refusal::NotFound);
    }
    if actor.role != role {
        return Err(Refusal::Forbidden(format!(
            "{label}由{}登记（第七条），{}不能登记",
            role.label(),
            actor.role.label()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: &str = "370783100";

    #[test]
    fn who_records_what() {
        let records = [
            (Record::Exam { town: T }, Role::TownOperator),
            (Record::Certificate { town: T }, Role::CityAdmin),
            (Record::Enrolment { town: T }, Role::TownOperator),
        ];
        for (what, who) in records {
            for role in Role::ALL {
                let a = Actor {
                    role,
                    town: role.is_town().then_some(T),
                };
                let got = may_record(&a, what);
                if role == who {
                    assert_eq!(got, Ok(()), "{what:?} {role:?}");
                } else {
                    assert!(
                        matches!(got, Err(Refusal::Forbidden(_))),
                        "{what:?} {role:?}: {got:?}"
                    );
                }
            }
            let other = Actor {
                role: Role::TownOperator,
                town: Some("370783101"),
            };
            assert_eq!(may_record(&other, what), Err(Refusal::NotFound));
        }
    }
}
