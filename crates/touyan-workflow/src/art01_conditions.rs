//! Article 1, the inclusion conditions a city's policy adds
//! (`[[conditions]]`): who records a person's yes/no answers. The town
//! knows its people, so the town's operator records them for the town's
//! own people; another town's person is answered as missing.

use crate::{Actor, Refusal};

/// Whether `actor` may record answers for a person of `town`.
pub fn may_record(actor: &Actor<'_>, town: &str) -> Result<(), Refusal> {
    actor.records_for_town(town, "增设纳入条件的回答", "（第一条）")
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
                role: Role::CityAdmin,
                town: None,
            },
            T,
        ) else {
            panic!()
        };
        assert_eq!(
            m,
            "增设纳入条件的回答由镇街经办登记（第一条），市级管理员不能登记"
        );
    }
}
