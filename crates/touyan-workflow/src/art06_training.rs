//! 第六条 — training records: who records what.
//!
//! > 市级每年集中轮训不少于3天；镇街每年组织培训不少于2次、累计不少于7天……集中培训后，
//! > 专业化书记向镇街党(工)委提交学习体会；学习效果差的，由镇街主要负责同志约谈，并安排补学。
//!
//! | record | who |
//! |---|---|
//! | a city session and its attendance | city administrator |
//! | a town session and its attendance | the town's operator |
//! | the admonition (约谈) after a poor result, and the make-up study (补学) | the town's operator |
//!
//! The minimums and what is still missing are the rules crate's Article 6
//! (`touyan_rules::art06_training`); nothing here decides them.

use touyan_records::model::TrainingLevel;

use crate::{Actor, Refusal, Role};

/// What is being recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Record<'a> {
    /// A session of a level (the town's own for a town session), or its
    /// attendance.
    Session {
        level: TrainingLevel,
        town: Option<&'a str>,
    },
    /// An admonition or make-up study of a person of `town`.
    FollowUp { town: &'a str },
}

/// Whether `actor` may record `what`.
pub fn may_record(actor: &Actor<'_>, what: Record<'_>) -> Result<(), Refusal> {
    let (role, town, label) = match what {
        Record::Session {
            level: TrainingLevel::City,
            ..
        } => (Role::CityAdmin, None, "市级培训"),
        Record::Session {
            level: TrainingLevel::Town,
            town,
        } => (Role::TownOperator, town, "镇街培训"),
        Record::FollowUp { town } => (Role::TownOperator, Some(town), "约谈和补学"),
    };
    if let Some(t) = town
        && !actor.sees(t)
    {
        return Err(Refusal::NotFound);
    }
    if role == Role::TownOperator && town.is_none() {
        return Err(Refusal::Invalid("镇街培训须指明镇街".into()));
    }
    if actor.role != role {
        return Err(Refusal::Forbidden(format!(
            "{label}由{}登记（第六条），{}不能登记",
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
        let city = Actor {
            role: Role::CityAdmin,
            town: None,
        };
        let op = Actor {
            role: Role::TownOperator,
            town: Some(T),
        };
        let other = Actor {
            role: Role::TownOperator,
            town: Some("370783101"),
        };
        let rev = Actor {
            role: Role::TownReviewer,
            town: Some(T),
        };
        let city_s = Record::Session {
            level: TrainingLevel::City,
            town: None,
        };
        let town_s = Record::Session {
            level: TrainingLevel::Town,
            town: Some(T),
        };
        let follow = Record::FollowUp { town: T };
        assert_eq!(may_record(&city, city_s), Ok(()));
        assert!(matches!(
            may_record(&op, city_s),
            Err(Refusal::Forbidden(_))
        ));
        assert_eq!(may_record(&op, town_s), Ok(()));
        assert_eq!(may_record(&op, follow), Ok(()));
        assert!(matches!(
            may_record(&city, town_s),
            Err(Refusal::Forbidden(_))
        ));
        assert!(matches!(
            may_record(&rev, town_s),
            Err(Refusal::Forbidden(_))
        ));
        assert_eq!(may_record(&other, town_s), Err(Refusal::NotFound));
        assert_eq!(may_record(&other, follow), Err(Refusal::NotFound));
        for role in [
            Role::CityViewer,
            Role::Finance,
            Role::SystemAdmin,
            Role::SecurityAdmin,
            Role::AuditAdmin,
        ] {
            let a = Actor { role, town: None };
            for what in [city_s, town_s, follow] {
                assert!(may_record(&a, what).is_err(), "{role:?} {what:?}");
            }
        }
        let nowhere = Record::Session {
            level: TrainingLevel::Town,
            town: None,
        };
        assert!(matches!(may_record(&op, nowhere), Err(Refusal::Invalid(_))));
    }
}
