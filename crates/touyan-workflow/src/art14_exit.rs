//! 第十四条以后（原文缺失，推定）— recording an exit from professionalized
//! management (evaluation, discipline, leaving office, age).
//!
//! | record | who |
//! |---|---|
//! | an exit of the town's listed secretary | the town's reviewer |
//!
//! The town decides its list (Article 1), and its reviewer confirms an
//! exit as for an evaluation's exit case (`art12_evaluation`). The grounds
//! themselves are the rules crate's `art14_exit_inferred`.

use crate::{Actor, Refusal, Role};

/// Whether `actor` may record an exit of a secretary of `town`.
pub fn may_record(actor: &Actor<'_>, town: &str) -> Result<(), Refusal> {
    if !actor.sees(town) {
        return Err(Refusal::NotFound);
    }
    if actor.role != Role::TownReviewer {
        return Err(Refusal::Forbidden(format!(
            "退出由{}登记（推定的第十四条），{}不能登记",
            Role::TownReviewer.label(),
            actor.role.label()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_towns_reviewer_records_an_exit() {
        const T: &str = "370783100";
        for role in Role::ALL {
            let a = Actor {
                role,
                town: role.is_town().then_some(T),
            };
            let got = may_record(&a, T);
            if role == Role::TownReviewer {
                assert_eq!(got, Ok(()));
            } else {
                assert!(
                    matches!(got, Err(Refusal::Forbidden(_))),
                    "{role:?}: {got:?}"
                );
            }
        }
        let other = Actor {
            role: Role::TownReviewer,
            town: Some("370783101"),
        };
        assert_eq!(may_record(&other, T), Err(Refusal::NotFound));
    }
}
