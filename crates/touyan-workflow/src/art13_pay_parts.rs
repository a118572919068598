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
    fn the_town_operator_records_and_the_refusal_names_the_article() {
        // Who, by role and town: `Actor::records_for_town`'s tests. Here
        // the sentence that names what and its article.
        let own = Actor {
            role: Role::TownOperator,
            town: Some(T),
        };
        assert_eq!(may_record(&own, T), Ok(()));
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
