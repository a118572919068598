//! 第十四条（原文缺失，推定）— treatment guarantees (待遇保障): who keeps
//! the records.
//!
//! > 完善待遇保障机制。村“两委”干…（原文至此中断）
//!
//! SPEC.md reads the lost text as pay and social-insurance guarantees,
//! routes into town civil-service or public-institution posts and honours,
//! and keeps them as records only, with no rule deciding anything.
//!
//! | record | who |
//! |---|---|
//! | an honour (表彰), a recruitment into a town post (考录、招聘), a pension subsidy (养老补贴) of a secretary of the town | the town's operator |

use crate::{Actor, Refusal, Role};

/// A treatment record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Treatment {
    Honour,
    Recruitment,
    PensionSubsidy,
}

impl Treatment {
    pub const ALL: [Treatment; 3] = [
        Treatment::Honour,
        Treatment::Recruitment,
        Treatment::PensionSubsidy,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Treatment::Honour => "表彰",
            Treatment::Recruitment => "考录招聘",
            Treatment::PensionSubsidy => "养老补贴",
        }
    }
}

/// Whether `actor` may record `what` of a secretary of `town`.
pub fn may_record(actor: &Actor<'_>, town: &str, what: Treatment) -> Result<(), Refusal> {
    if !actor.sees(town) {
        return Err(Refusal::NotFound);
    }
    if actor.role != Role::TownOperator {
        return Err(Refusal::Forbidden(format!(
            "{}由{}登记（第十四条，推定），{}不能登记",
            what.label(),
            Role::TownOperator.label(),
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
    fn only_the_towns_operator_keeps_treatment_records() {
        for what in Treatment::ALL {
            for role in Role::ALL {
                let a = Actor {
                    role,
                    town: role.is_town().then_some(T),
                };
                let got = may_record(&a, T, what);
                if role == Role::TownOperator {
                    assert_eq!(got, Ok(()));
                } else {
                    assert!(
                        matches!(&got, Err(Refusal::Forbidden(m)) if m.contains(what.label())),
                        "{role:?} {what:?}: {got:?}"
                    );
                }
            }
            for role in [Role::TownOperator, Role::TownReviewer] {
                let other = Actor {
                    role,
                    town: Some("370783101"),
                };
                assert_eq!(may_record(&other, T, what), Err(Refusal::NotFound));
            }
        }
    }
}
