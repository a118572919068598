//! Articles 1 and 13, a village's facts of a year (党组织星级, 集体经济收入,
//! 综合考核得分和名次) that the year after's list is decided on: who records
//! them. They are facts the town keeps about its villages with no workflow
//! of their own, recorded as the workbook's 村年度情况 sheet imports them
//! (`Actor::records_town_facts`): by the city's administrator, or the
//! town's operator for the town's own villages; another town's village is
//! answered as missing.

use crate::{Actor, Refusal};

/// Whether `actor` may record (or correct) the yearly facts of a village
/// of `town`.
pub fn may_record(actor: &Actor<'_>, town: &str) -> Result<(), Refusal> {
    actor.records_town_facts(
        town,
        "村年度情况（星级、集体经济收入、综合考核）",
        "（第一条、第十三条）",
        "登记",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Role;
    use crate::import::{Owner, Sheet, may_import};

    const T: &str = "370783100";

    /// The form and the workbook's sheet let the same roles through (who,
    /// by role and town: `Actor::records_town_facts`'s tests); the form's
    /// refusal names what and its articles.
    #[test]
    fn the_form_is_the_sheets_rule_and_names_the_articles() {
        for role in Role::ALL {
            let a = Actor {
                role,
                town: role.is_town().then_some(T),
            };
            for town in [T, "370783101"] {
                assert_eq!(
                    may_record(&a, town).is_ok(),
                    may_import(&a, Sheet::VillageYears, Owner::Town(town)).is_ok(),
                    "{role:?} {town}"
                );
            }
        }
        let Err(Refusal::Forbidden(m)) = may_record(
            &Actor {
                role: Role::TownReviewer,
                town: Some(T),
            },
            T,
        ) else {
            panic!()
        };
        assert_eq!(
            m,
            "村年度情况（星级、集体经济收入、综合考核）由市级管理员或本镇街经办登记（第一条、第十三条），镇街审核不能登记"
        );
    }
}
