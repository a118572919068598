//! The roles an account has (issue 4), and who is acting in a move.

/// A role an account has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    CityAdmin,
    CityViewer,
    TownOperator,
    TownReviewer,
    Finance,
    SystemAdmin,
    SecurityAdmin,
    AuditAdmin,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::CityAdmin,
        Role::CityViewer,
        Role::TownOperator,
        Role::TownReviewer,
        Role::Finance,
        Role::SystemAdmin,
        Role::SecurityAdmin,
        Role::AuditAdmin,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Role::CityAdmin => "city_admin",
            Role::CityViewer => "city_viewer",
            Role::TownOperator => "town_operator",
            Role::TownReviewer => "town_reviewer",
            Role::Finance => "finance",
            Role::SystemAdmin => "system_admin",
            Role::SecurityAdmin => "security_admin",
            Role::AuditAdmin => "audit_admin",
        }
    }

    /// What users see.
    pub fn label(self) -> &'static str {
        match self {
            Role::CityAdmin => "市级管理员",
            Role::CityViewer => "市级查看",
            Role::TownOperator => "镇街经办",
            Role::TownReviewer => "镇街审核",
            Role::Finance => "财政（只读报酬）",
            Role::SystemAdmin => "系统管理员",
            Role::SecurityAdmin => "安全管理员",
            Role::AuditAdmin => "审计管理员",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Whether the role belongs to one town (and must name it).
    pub fn is_town(self) -> bool {
        matches!(self, Role::TownOperator | Role::TownReviewer)
    }
}

/// Who makes a move: a role, and the town of a town role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Actor<'a> {
    pub role: Role,
    pub town: Option<&'a str>,
}

impl Actor<'_> {
    /// Whether a record of `town` is in the actor's scope (every town for
    /// a city-wide role).
    pub fn sees(&self, town: &str) -> bool {
        !self.role.is_town() || self.town == Some(town)
    }

    /// Whether the actor may record `what` (cited by `article`, as
    /// "（第一条）") for a person of `town`, a fact only the town knows of
    /// its people: the town's operator, for the town's own people;
    /// another town's person is answered as missing.
    pub fn records_for_town(
        &self,
        town: &str,
        what: &str,
        article: &str,
    ) -> Result<(), crate::Refusal> {
        if !self.sees(town) {
            return Err(crate::Refusal::NotFound);
        }
        if self.role != Role::TownOperator {
            return Err(crate::Refusal::Forbidden(format!(
                "{what}由{}登记{article}，{}不能登记",
                Role::TownOperator.label(),
                self.role.label()
            )));
        }
        Ok(())
    }

    /// Whether the actor may record `what` (cited by `article`, as
    /// "（第一条、第十三条）", or nothing) about a village or person of
    /// `town`, by `verb` (登记 on a form, 导入 from a workbook): the facts
    /// a town keeps about its villages and people with no workflow of
    /// their own (people, posts, a village's yearly facts, 三好三强). The
    /// city's administrator, or the town's operator for the town's own;
    /// another town's is answered as missing.
    pub fn records_town_facts(
        &self,
        town: &str,
        what: &str,
        article: &str,
        verb: &str,
    ) -> Result<(), crate::Refusal> {
        if !self.sees(town) {
            return Err(crate::Refusal::NotFound);
        }
        if matches!(self.role, Role::CityAdmin | Role::TownOperator) {
            Ok(())
        } else {
            Err(crate::Refusal::Forbidden(format!(
                "{what}由{}或本{}{verb}{article}，{}不能{verb}",
                Role::CityAdmin.label(),
                Role::TownOperator.label(),
                self.role.label()
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Refusal;

    const T: &str = "370783100";

    /// The town's operator records for the town's own people; another
    /// town's person is missing to a town role; every other role is
    /// refused by name.
    #[test]
    fn a_town_fact_is_recorded_by_the_towns_operator_only() {
        for role in Role::ALL {
            let a = Actor {
                role,
                town: role.is_town().then_some(T),
            };
            let own = a.records_for_town(T, "某项", "（第一条）");
            if role == Role::TownOperator {
                assert_eq!(own, Ok(()));
            } else {
                assert!(matches!(own, Err(Refusal::Forbidden(_))), "{role:?}");
            }
            let other = a.records_for_town("370783101", "某项", "（第一条）");
            if role.is_town() {
                assert_eq!(other, Err(Refusal::NotFound), "{role:?}");
            } else {
                assert!(matches!(other, Err(Refusal::Forbidden(_))), "{role:?}");
            }
        }
        let reviewer = Actor {
            role: Role::TownReviewer,
            town: Some(T),
        };
        assert_eq!(
            reviewer.records_for_town(T, "某项", "（第一条）"),
            Err(Refusal::Forbidden(
                "某项由镇街经办登记（第一条），镇街审核不能登记".into()
            ))
        );
    }

    /// A town's facts are recorded by the city's administrator (any
    /// town) and the town's operator (its own); another town's is missing
    /// to a town role; every other role is refused by name.
    #[test]
    fn a_towns_facts_are_kept_by_the_city_and_the_towns_operator() {
        for role in Role::ALL {
            let a = Actor {
                role,
                town: role.is_town().then_some(T),
            };
            let keeps = matches!(role, Role::CityAdmin | Role::TownOperator);
            let own = a.records_town_facts(T, "某项", "", "登记");
            assert_eq!(own.is_ok(), keeps, "{role:?}");
            if !keeps {
                assert!(matches!(own, Err(Refusal::Forbidden(_))), "{role:?}");
            }
            let other = a.records_town_facts("370783101", "某项", "", "登记");
            match role {
                Role::TownOperator | Role::TownReviewer => {
                    assert_eq!(other, Err(Refusal::NotFound), "{role:?}")
                }
                Role::CityAdmin => assert_eq!(other, Ok(())),
                _ => assert!(matches!(other, Err(Refusal::Forbidden(_))), "{role:?}"),
            }
        }
        let reviewer = Actor {
            role: Role::TownReviewer,
            town: Some(T),
        };
        assert_eq!(
            reviewer.records_town_facts(T, "某项", "（第一条）", "登记"),
            Err(Refusal::Forbidden(
                "某项由市级管理员或本镇街经办登记（第一条），镇街审核不能登记".into()
            ))
        );
    }
}
