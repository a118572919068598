//! Article 13, the parts of a secretary's pay that higher-level rules set
//! (基本报酬、业绩考核奖励报酬、养老保险补助, paid through their own
//! channels): who records them. The town knows what its people are paid
//! and through which channel, so the town's operator records them for the
//! town's own people; another town's person is answered as missing.

use crate::{Actor, Refusal};

/// Whether `actor` may record pay parts for a person of `town`.
pub fn may_record(actor: &Actor<'_>, town: &str) -> Result<(), Refusal> {
    actor.records_for_town(
        town,
        "基本报酬、业绩考核奖励报酬和养老保险补助",
        "（第十三条）",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Role;

    const T: &str = "370783100";

    #[test]
    fn the_town_operator_records_for_its_own_town_only() {
        for role in Role::ALL {
            let a = Actor {
                role,
                town: role.is_town().then_some(T),
            };
            let own = may_record(&a, T);
            if role == Role::TownOperator {
                assert_eq!(own, Ok(()));
            } else {
                assert!(matches!(own, Err(Refusal::Forbidden(_))), "{role:?}");
            }
            let other = may_record(&a, "370783101");
            if role.is_town() {
                assert_eq!(other, Err(Refusal::NotFound), "{role:?}");
            } else {
                assert!(matches!(other, Err(Refusal::Forbidden(_))), "{role:?}");
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
            "基本报酬、业绩考核奖励报酬和养老保险补助由镇街经办登记（第十三条），镇街审核不能登记"
        );
    }
}
