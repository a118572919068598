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

use time::Date;
use touyan_records::model::{Secondment, WorkLog};

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

/// Article 8's checks of a secondment being recorded, by its form or a
/// workbook row: it ends no earlier than it starts, its secretary is on
/// the town's filed list of the year it starts in (`listed`), and it does
/// not overlap another of their secondments on record (`recorded`; the
/// one with the same start is this secondment itself, being corrected).
pub fn check_secondment(
    s: &Secondment,
    listed: bool,
    recorded: &[&Secondment],
) -> Result<(), Refusal> {
    if s.end < s.start {
        return Err(Refusal::Invalid("挂职结束日期不能早于开始日期".into()));
    }
    if !listed {
        return Err(Refusal::Invalid(format!(
            "挂职登记的是 {} 年度已备案名单中的专业化书记（第八条），该人员不在名单中",
            s.start.year()
        )));
    }
    if let Some(o) = recorded.iter().find(|o| {
        o.person == s.person && o.start != s.start && o.start <= s.end && s.start <= o.end
    }) {
        return Err(Refusal::Invalid(format!(
            "与该书记已登记的挂职（{} 至 {}，{}）时间重叠",
            o.start, o.end, o.host_unit
        )));
    }
    Ok(())
}

/// Article 8's check of a secondment's appraisal: written by the host
/// unit after the secondment ends.
pub fn check_appraisal(s: &Secondment, today: Date) -> Result<(), Refusal> {
    if s.appraisal.is_some() && today < s.end {
        return Err(Refusal::Invalid(format!(
            "挂职结束（{}）后，由挂职单位作出书面鉴定（{}）",
            s.end,
            touyan_rules::art08_secondment::APPRAISAL.citation()
        )));
    }
    Ok(())
}

/// Article 8's check of a work-log entry: written during its secondment,
/// and not after today.
pub fn check_work_log(w: &WorkLog, of: &Secondment, today: Date) -> Result<(), Refusal> {
    if w.on < of.start || w.on > of.end || w.on > today {
        return Err(Refusal::Invalid(format!(
            "日志日期应在挂职期间（{} 至 {}），且不晚于今天",
            of.start, of.end
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

    fn second(start: Date, end: Date) -> Secondment {
        Secondment {
            person: touyan_records::CitizenId::parse("11010519491231002X").unwrap(),
            level: touyan_records::model::SecondmentLevel::City,
            host_unit: "市农业农村局".into(),
            start,
            end,
            appraisal: None,
        }
    }

    #[test]
    fn secondment_checks_at_their_edges() {
        use time::macros::date;
        let s = second(date!(2026 - 03 - 01), date!(2026 - 08 - 31));
        assert_eq!(check_secondment(&s, true, &[]), Ok(()));
        let m = check_secondment(&s, false, &[]).unwrap_err().to_string();
        assert!(
            m.contains("2026 年度已备案名单") && m.contains("第八条"),
            "{m}"
        );
        let back = second(date!(2026 - 03 - 01), date!(2026 - 02 - 28));
        assert!(check_secondment(&back, true, &[]).is_err());
        // One day long is a secondment.
        let day = second(date!(2026 - 03 - 01), date!(2026 - 03 - 01));
        assert_eq!(check_secondment(&day, true, &[]), Ok(()));
        // Touching on one day overlaps; the day after does not.
        let before = second(date!(2025 - 09 - 01), date!(2026 - 03 - 01));
        assert!(check_secondment(&s, true, &[&before]).is_err());
        let before = second(date!(2025 - 09 - 01), date!(2026 - 02 - 28));
        assert_eq!(check_secondment(&s, true, &[&before]), Ok(()));
        // The same start is the same secondment, corrected.
        let same = second(date!(2026 - 03 - 01), date!(2026 - 12 - 31));
        assert_eq!(check_secondment(&s, true, &[&same]), Ok(()));
    }

    #[test]
    fn an_appraisal_comes_after_the_end() {
        use time::macros::date;
        let mut s = second(date!(2026 - 03 - 01), date!(2026 - 08 - 31));
        assert_eq!(
            check_appraisal(&s, date!(2026 - 03 - 02)),
            Ok(()),
            "none yet"
        );
        s.appraisal = Some("优秀".into());
        assert!(check_appraisal(&s, date!(2026 - 08 - 30)).is_err());
        assert_eq!(check_appraisal(&s, date!(2026 - 08 - 31)), Ok(()));
    }

    #[test]
    fn work_logs_fall_within_their_secondment_and_not_after_today() {
        use time::macros::date;
        let s = second(date!(2026 - 03 - 01), date!(2026 - 08 - 31));
        let log = |on| WorkLog {
            person: s.person.clone(),
            secondment_start: s.start,
            on,
            text: "走访".into(),
        };
        let today = date!(2026 - 06 - 30);
        assert_eq!(
            check_work_log(&log(date!(2026 - 03 - 01)), &s, today),
            Ok(())
        );
        assert_eq!(check_work_log(&log(today), &s, today), Ok(()));
        assert!(check_work_log(&log(date!(2026 - 07 - 01)), &s, today).is_err());
        assert!(check_work_log(&log(date!(2026 - 02 - 28)), &s, today).is_err());
        assert!(check_work_log(&log(date!(2026 - 09 - 01)), &s, date!(2026 - 12 - 31)).is_err());
    }
}
