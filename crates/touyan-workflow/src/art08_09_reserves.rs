//! 第八条、第九条 — secondments and reserve cadres: who records what.
//!
//! > ……挂职期间形成工作日志。挂职结束后，挂职单位作出挂职书面鉴定……（第八条）
//! > 以镇街为单位，建立精准后备力量库……每年形成培养情况报告。（第九条）
//!
//! | record | who |
//! |---|---|
//! | a secondment of the town's professionalized secretary, its work-log entries, the host unit's appraisal | the town's operator |
//! | a reserve cadre of a village of the town and post, and their removal | the town's operator |
//! | the town's yearly report on training its reserves | the town's reviewer |
//!
//! The counts against the quotas, the length of a secondment, reserve
//! coverage and appointments from the reserves are the rules crate's
//! `art08_secondment` and `art09_reserves`; nothing here decides them.

use crate::{Actor, Refusal, Role};

/// What is being recorded, and for which town.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Record<'a> {
    /// A secondment, a work-log entry or an appraisal.
    Secondment { town: &'a str },
    /// A reserve cadre listed or removed.
    Reserve { town: &'a str },
    /// The yearly report on training the reserves.
    Report { town: &'a str },
}

/// Whether `actor` may record `what`: another town's record is answered as
/// missing, then the role is checked.
pub fn may_record(actor: &Actor<'_>, what: Record<'_>) -> Result<(), Refusal> {
    let (town, role, label, article) = match what {
        Record::Secondment { town } => (town, Role::TownOperator, "挂职、工作日志和鉴定", "第八条"),
        Record::Reserve { town } => (town, Role::TownOperator, "后备干部", "第九条"),
        Record::Report { town } => (town, Role::TownReviewer, "后备力量培养情况报告", "第九条"),
    };
    if !actor.sees(town) {
        return Err(Refusal::NotFound);
    }
    if actor.role != role {
        return Err(Refusal::Forbidden(format!(
            "{label}由{}登记（{article}），{}不能登记",
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

    /// Every record × every role of the town (and city roles), and another
    /// town's operator and reviewer.
    #[test]
    fn who_records_what() {
        let records = [
            (Record::Secondment { town: T }, Role::TownOperator),
            (Record::Reserve { town: T }, Role::TownOperator),
            (Record::Report { town: T }, Role::TownReviewer),
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
            for role in [Role::TownOperator, Role::TownReviewer] {
                let other = Actor {
                    role,
                    town: Some("370783101"),
                };
                assert_eq!(may_record(&other, what), Err(Refusal::NotFound));
            }
        }
        let m = may_record(
            &Actor {
                role: Role::CityAdmin,
                town: None,
            },
            Record::Report { town: T },
        )
        .unwrap_err()
        .to_string();
        assert!(m.contains("镇街审核") && m.contains("第九条"), "{m}");
    }
}
