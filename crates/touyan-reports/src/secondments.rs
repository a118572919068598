//! Secondments against Article 8's two quotas.
//!
//! A town's secondments of a year are those starting in the year of the
//! secretaries on its filed list of the year. A secondment counts when it
//! lasts long enough (`art08_secondment::length`); the quotas count
//! secretaries, not secondments: one person with two long-enough
//! secondments at a level counts once there (the 2026-12 reading, as
//! `touyan evaluate` words it: "the distinct secretaries with at least one
//! such secondment at that level").

use std::collections::HashSet;

use time::Date;
use touyan_records::model::{Records, Secondment, SecondmentLevel};
use touyan_records::{CitizenId, TownCode};
use touyan_rules::{Params, art08_secondment};

use crate::filed_entries;

/// One secondment of the year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecondmentRow {
    pub secondment: Secondment,
    /// Long enough to count against the quota.
    pub counts: bool,
    /// The length check's sentence.
    pub length: String,
    /// Its work-log entries.
    pub logs: u32,
    /// The latest entry (day, text).
    pub last_log: Option<(Date, String)>,
    /// Work log and written appraisal both there (for the year-end
    /// assessment).
    pub complete: bool,
    /// Why, with the article.
    pub complete_sentence: String,
}

/// One level's quota.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecondmentQuota {
    pub level: SecondmentLevel,
    /// The distinct secretaries with at least one secondment of the year
    /// at the level that counts.
    pub done: u32,
    pub required: u32,
    pub met: bool,
    /// "到市直涉农单位挂职 1 人，应不少于 1 人（第八条）" and the like.
    pub sentence: String,
}

/// A town's secondments of a year and both quotas.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Secondments {
    pub year: i32,
    pub town: TownCode,
    /// The secretaries on the town's filed list of the year.
    pub listed: u32,
    /// By start day, then person.
    pub rows: Vec<SecondmentRow>,
    /// To the city's agricultural units.
    pub city: SecondmentQuota,
    /// To the town's agricultural departments.
    pub town_quota: SecondmentQuota,
}

/// `town`'s secondments of `year` and the quotas, under `p` (the
/// parameters in force on 1 January of the year).
pub fn secondments(r: &Records, p: &Params, year: i32, town: TownCode) -> Secondments {
    let entries = filed_entries(r, year, Some(town));
    let listed: HashSet<&CitizenId> = entries.iter().map(|e| &e.person).collect();
    let mut of_year: Vec<&Secondment> = r
        .secondments
        .iter()
        .filter(|s| s.start.year() == year && listed.contains(&s.person))
        .collect();
    of_year.sort_by(|a, b| (a.start, &a.person).cmp(&(b.start, &b.person)));
    let mut counted: [Vec<&CitizenId>; 2] = [Vec::new(), Vec::new()];
    let rows = of_year
        .into_iter()
        .map(|s| {
            let length = art08_secondment::length(p, s.start, s.end);
            let logs: Vec<_> = r
                .work_logs
                .iter()
                .filter(|w| w.person == s.person && w.secondment_start == s.start)
                .collect();
            let complete =
                art08_secondment::appraisal_complete(!logs.is_empty(), s.appraisal.is_some());
            if length.outcome {
                counted[usize::from(s.level == SecondmentLevel::Town)].push(&s.person);
            }
            SecondmentRow {
                secondment: s.clone(),
                counts: length.outcome,
                length: length.reason.to_string(),
                logs: logs.len() as u32,
                last_log: logs
                    .iter()
                    .max_by_key(|w| w.on)
                    .map(|w| (w.on, w.text.clone())),
                complete: complete.outcome,
                complete_sentence: format!("{}（{}）", complete.reason, complete.rule.citation()),
            }
        })
        .collect();
    let listed = entries.len() as u32;
    let [city_people, town_people] = counted;
    let city_done = art08_secondment::people_seconded(city_people);
    let town_done = art08_secondment::people_seconded(town_people);
    let short = |met: bool| if met { "" } else { "，未达到" };
    let city = art08_secondment::city_required(p);
    let city_met = city_done >= city.outcome;
    let town_req = art08_secondment::town_required(p, listed);
    let town_met = town_done >= town_req.outcome;
    Secondments {
        year,
        town,
        listed,
        rows,
        city: SecondmentQuota {
            level: SecondmentLevel::City,
            done: city_done,
            required: city.outcome,
            met: city_met,
            sentence: format!(
                "到市直涉农单位挂职 {city_done} 人，应不少于 {} 人{}（{}）",
                city.outcome,
                short(city_met),
                city.rule.citation()
            ),
        },
        town_quota: SecondmentQuota {
            level: SecondmentLevel::Town,
            done: town_done,
            required: town_req.outcome,
            met: town_met,
            sentence: format!(
                "到镇街涉农部门挂职 {town_done} 人，应不少于 {} 人（{}）{}（{}）",
                town_req.outcome,
                town_req.reason,
                short(town_met),
                town_req.rule.citation()
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;
    use touyan_records::VillageCode;
    use touyan_records::model::{ListEntry, ListStatus, WorkLog};
    use touyan_rules::Policy;

    const T: &str = "370783100";

    fn id(n: u32) -> CitizenId {
        CitizenId::with_check(&format!("37078319800101{n:03}")).unwrap()
    }

    fn entry(n: u32) -> ListEntry {
        ListEntry {
            town: TownCode::parse(T).unwrap(),
            year: 2025,
            person: id(n),
            village: VillageCode::parse(&format!("370783100{:03}", 200 + n)).unwrap(),
            tier: 3,
            status: ListStatus::Filed,
        }
    }

    fn sec(n: u32, level: SecondmentLevel, start: Date, end: Date) -> Secondment {
        Secondment {
            person: id(n),
            level,
            host_unit: "市农业农村局".into(),
            start,
            end,
            appraisal: None,
        }
    }

    fn params() -> Params {
        Policy::example().resolve(date!(2025 - 01 - 01)).unwrap()
    }

    fn town() -> TownCode {
        TownCode::parse(T).unwrap()
    }

    use SecondmentLevel::{City, Town};

    #[test]
    fn a_person_seconded_twice_counts_once() {
        // Five filed secretaries: the town quota is 20% × 5 = 1 (half up),
        // the city quota 1.
        let r = Records {
            list_entries: (1..=5).map(entry).collect(),
            secondments: vec![
                // Person 1: two city secondments of a month or more.
                sec(1, City, date!(2025 - 03 - 01), date!(2025 - 04 - 01)),
                sec(1, City, date!(2025 - 09 - 01), date!(2025 - 11 - 30)),
                // Person 2: a town secondment, then a city one too short.
                sec(2, Town, date!(2025 - 02 - 01), date!(2025 - 03 - 01)),
                sec(2, City, date!(2025 - 05 - 01), date!(2025 - 05 - 31)),
            ],
            ..Records::default()
        };
        let s = secondments(&r, &params(), 2025, town());
        assert_eq!(s.listed, 5);
        assert_eq!(s.rows.len(), 4);
        // By start day.
        let starts: Vec<Date> = s.rows.iter().map(|x| x.secondment.start).collect();
        assert_eq!(
            starts,
            [
                date!(2025 - 02 - 01),
                date!(2025 - 03 - 01),
                date!(2025 - 05 - 01),
                date!(2025 - 09 - 01)
            ]
        );
        assert!(!s.rows[2].counts, "30 days is short of a month");
        assert!(
            s.rows[2].length.contains("不足 1 个月"),
            "{}",
            s.rows[2].length
        );
        // Three city secondments, two counting, one person: 1 person.
        assert_eq!((s.city.done, s.city.required, s.city.met), (1, 1, true));
        assert_eq!(
            s.city.sentence,
            "到市直涉农单位挂职 1 人，应不少于 1 人（第八条）"
        );
        assert_eq!(
            (s.town_quota.done, s.town_quota.required, s.town_quota.met),
            (1, 1, true)
        );
        assert!(
            s.town_quota
                .sentence
                .starts_with("到镇街涉农部门挂职 1 人，应不少于 1 人（专业化书记 5 名 × 20%"),
            "{}",
            s.town_quota.sentence
        );
        assert!(!s.town_quota.sentence.contains("未达到"));
    }

    #[test]
    fn at_and_below_the_thresholds() {
        // Eight filed: 20% × 8 = 1.6, half up 2. Two distinct people at
        // town level meet it exactly; the same person twice does not.
        let mut r = Records {
            list_entries: (1..=8).map(entry).collect(),
            secondments: vec![
                sec(1, Town, date!(2025 - 01 - 31), date!(2025 - 02 - 28)),
                sec(1, Town, date!(2025 - 06 - 01), date!(2025 - 07 - 01)),
            ],
            ..Records::default()
        };
        let s = secondments(&r, &params(), 2025, town());
        assert!(s.rows[0].counts, "31 Jan to 28 Feb is a month, day clamped");
        assert_eq!((s.town_quota.done, s.town_quota.required), (1, 2));
        assert!(!s.town_quota.met);
        assert!(s.town_quota.sentence.contains("，未达到（第八条）"));
        assert_eq!((s.city.done, s.city.met), (0, false));
        assert_eq!(
            s.city.sentence,
            "到市直涉农单位挂职 0 人，应不少于 1 人，未达到（第八条）"
        );
        r.secondments
            .push(sec(2, Town, date!(2025 - 03 - 10), date!(2025 - 04 - 10)));
        let s = secondments(&r, &params(), 2025, town());
        assert_eq!((s.town_quota.done, s.town_quota.met), (2, true));
        // Seven filed: 1.4 rounds to 1.
        r.list_entries.pop();
        let s = secondments(&r, &params(), 2025, town());
        assert_eq!(s.town_quota.required, 1);
    }

    #[test]
    fn only_the_years_secondments_of_its_filed_secretaries() {
        let mut other = entry(3);
        other.status = ListStatus::Draft;
        let r = Records {
            list_entries: vec![entry(1), other],
            secondments: vec![
                sec(1, City, date!(2024 - 12 - 01), date!(2025 - 02 - 01)),
                sec(3, City, date!(2025 - 03 - 01), date!(2025 - 05 - 01)),
                sec(1, City, date!(2025 - 03 - 01), date!(2025 - 05 - 01)),
            ],
            work_logs: vec![
                WorkLog {
                    person: id(1),
                    secondment_start: date!(2025 - 03 - 01),
                    on: date!(2025 - 03 - 09),
                    text: "后".into(),
                },
                WorkLog {
                    person: id(1),
                    secondment_start: date!(2025 - 03 - 01),
                    on: date!(2025 - 03 - 02),
                    text: "前".into(),
                },
            ],
            ..Records::default()
        };
        let s = secondments(&r, &params(), 2025, town());
        assert_eq!(s.listed, 1);
        assert_eq!(s.rows.len(), 1);
        let row = &s.rows[0];
        assert_eq!(row.logs, 2);
        assert_eq!(row.last_log, Some((date!(2025 - 03 - 09), "后".to_owned())));
        assert!(!row.complete, "no appraisal yet");
        assert!(row.complete_sentence.contains("书面鉴定"));
        assert_eq!(s.city.done, 1);
        // Filed last year, or in another town, is not this year's town
        // secretary: their secondments of the year are not this town's.
        let mut last_year = entry(4);
        last_year.year = 2024;
        let mut elsewhere = entry(5);
        elsewhere.town = TownCode::parse("370783101").unwrap();
        elsewhere.village = VillageCode::parse("370783101205").unwrap();
        let r = Records {
            list_entries: vec![entry(1), last_year, elsewhere],
            secondments: vec![
                sec(4, City, date!(2025 - 03 - 01), date!(2025 - 05 - 01)),
                sec(5, City, date!(2025 - 03 - 01), date!(2025 - 05 - 01)),
            ],
            ..Records::default()
        };
        let s = secondments(&r, &params(), 2025, town());
        assert_eq!(s.listed, 1);
        assert!(s.rows.is_empty());
        assert_eq!((s.city.done, s.city.met), (0, false));
        // Nobody filed: 20% of 0 is 0, met with none.
        let s = secondments(&Records::default(), &params(), 2025, town());
        assert_eq!((s.town_quota.required, s.town_quota.met), (0, true));
        assert!(s.rows.is_empty());
    }
}
