//! People and the posts they hold, with the division's towns and villages
//! and the continuous tenure posts add up to.

use time::Date;
use touyan_rules::people::{Degree, Education};

use super::Labelled;
use crate::{CitizenId, CommitteeKind, TownCode, VillageCode};

labelled! {
    /// A post on the village "two committees" (村“两委”).
    PostRole {
        Secretary = "secretary", "村党组织书记";
        DeputySecretary = "deputy_secretary", "村党组织副书记";
        PartyCommitteeMember = "party_committee_member", "村党组织委员";
        CommitteeDirector = "committee_director", "村委会主任";
        CommitteeDeputyDirector = "committee_deputy_director", "村委会副主任";
        CommitteeMember = "committee_member", "村委会委员";
    }
}

/// A town, street or zone (镇街区) of the division table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Town {
    pub code: TownCode,
    pub name: String,
}

/// A village-level unit, with what its name says it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Village {
    pub code: VillageCode,
    pub name: String,
    pub kind: CommitteeKind,
}

/// A person (一人一档). Birth date and sex are read from the ID number.
///
/// Two kinds of education are kept apart (issue 17, item 4), because the
/// measures count only full-time study ("全日制大专以上学历", Articles 1
/// and 10): the highest level earned in full-time study (全日制教育) and
/// the highest earned in service (在职教育: part-time, correspondence,
/// self-study exams). `None`: none recorded (a record from before the two
/// were kept apart whose one level was earned in service has no full-time
/// level; a person without in-service study has no in-service level).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    pub id: CitizenId,
    pub name: String,
    pub full_time_education: Option<Education>,
    pub in_service_education: Option<Education>,
}

/// A person's two kinds of education as people read them: "全日制大专，
/// 在职大学本科", "全日制大学本科", "在职大学本科（全日制学历未登记）",
/// "未登记".
pub fn educations_zh(full_time: Option<Education>, in_service: Option<Education>) -> String {
    match (full_time, in_service) {
        (Some(f), Some(i)) => format!("全日制{}，在职{}", f.zh(), i.zh()),
        (Some(f), None) => format!("全日制{}", f.zh()),
        (None, Some(i)) => format!("在职{}（全日制学历未登记）", i.zh()),
        (None, None) => "未登记".to_owned(),
    }
}

impl Person {
    /// Both kinds of education as people read them ([`educations_zh`]).
    pub fn educations_zh(&self) -> String {
        educations_zh(self.full_time_education, self.in_service_education)
    }

    /// The highest level of either kind (无学历 when none is recorded):
    /// what "学历" means where the measures do not ask for full-time study
    /// (Article 7's degree-study classes).
    pub fn highest_education(&self) -> Education {
        self.full_time_education
            .max(self.in_service_education)
            .unwrap_or(Education::None)
    }

    /// The person's degree as the rules weigh it: the highest level of
    /// any kind, and the full-time level, which alone decides a
    /// "全日制" requirement.
    pub fn degree(&self) -> Degree {
        let highest = self.highest_education();
        Degree {
            education: highest,
            full_time: self.full_time_education == Some(highest),
            full_time_level: Some(self.full_time_education.unwrap_or(Education::None)),
        }
    }
}

/// A post held, from `start` to `end` (inclusive; `None`: still held).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Post {
    pub person: CitizenId,
    pub village: VillageCode,
    pub role: PostRole,
    pub start: Date,
    pub end: Option<Date>,
}

/// A person's continuous tenure in a role at a village on `on`: the start of
/// the unbroken run of posts that covers `on` (a post starting the day after
/// the previous one ended continues it). `None` when no post covers `on`.
pub fn continuous_since(
    posts: &[Post],
    person: &CitizenId,
    village: &VillageCode,
    role: PostRole,
    on: Date,
) -> Option<Date> {
    let mut runs: Vec<(Date, Option<Date>)> = posts
        .iter()
        .filter(|p| &p.person == person && &p.village == village && p.role == role && p.start <= on)
        .map(|p| (p.start, p.end))
        .collect();
    runs.sort_by_key(|r| r.0);
    // The run being built: its start and end (`None`: still open).
    let mut current: Option<(Date, Option<Date>)> = None;
    for (start, end) in runs {
        current = Some(match current {
            None => (start, end),
            Some((s, None)) => (s, None),
            Some((s, Some(e))) if e.next_day().is_none_or(|next| start <= next) => {
                (s, end.map(|x| x.max(e)))
            }
            Some(_) => (start, end),
        });
    }
    match current {
        Some((s, None)) => Some(s),
        Some((s, Some(e))) if e >= on => Some(s),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn post(start: Date, end: Option<Date>) -> Post {
        Post {
            person: CitizenId::parse("11010519491231002X").unwrap(),
            village: VillageCode::parse("370783100201").unwrap(),
            role: PostRole::Secretary,
            start,
            end,
        }
    }

    #[test]
    fn two_kinds_of_education_the_full_time_one_decides_full_time_requirements() {
        let id = CitizenId::parse("11010519491231002X").unwrap();
        let person = |full_time, in_service| Person {
            id: id.clone(),
            name: "张三".into(),
            full_time_education: full_time,
            in_service_education: in_service,
        };
        // Full-time 大专, in-service 本科.
        let mixed = person(Some(Education::College), Some(Education::Bachelor));
        assert_eq!(mixed.highest_education(), Education::Bachelor);
        let d = mixed.degree();
        assert!(!d.full_time, "the highest level was not earned full-time");
        assert!(d.meets(Education::College, true));
        assert!(!d.meets(Education::Bachelor, true));
        assert!(d.meets(Education::Bachelor, false));
        // In-service 本科 only (an older record whose flag said "not full-time").
        let in_service = person(None, Some(Education::Bachelor));
        assert!(!in_service.degree().meets(Education::College, true));
        assert!(in_service.degree().meets(Education::College, false));
        // Full-time 本科 only.
        let full = person(Some(Education::Bachelor), None);
        assert!(full.degree().full_time);
        assert!(full.degree().meets(Education::College, true));
        assert_eq!(mixed.educations_zh(), "全日制大专，在职大学本科");
        assert_eq!(full.educations_zh(), "全日制大学本科");
        assert_eq!(
            in_service.educations_zh(),
            "在职大学本科（全日制学历未登记）"
        );
        // Nothing recorded: 无学历, meets nothing above it.
        let none = person(None, None);
        assert_eq!(none.highest_education(), Education::None);
        assert!(!none.degree().meets(Education::Primary, false));
        assert_eq!(none.educations_zh(), "未登记");
    }

    #[test]
    fn tenure_runs_across_adjoining_terms_and_breaks_at_a_gap() {
        let id = CitizenId::parse("11010519491231002X").unwrap();
        let v = VillageCode::parse("370783100201").unwrap();
        let on = date!(2025 - 01 - 01);
        let since = |posts: &[Post]| continuous_since(posts, &id, &v, PostRole::Secretary, on);
        // Two terms, the second starting the day after the first ended.
        let joined = [
            post(date!(2018 - 01 - 01), Some(date!(2020 - 12 - 31))),
            post(date!(2021 - 01 - 01), None),
        ];
        assert_eq!(since(&joined), Some(date!(2018 - 01 - 01)));
        // A one-day gap breaks it.
        let gap = [
            post(date!(2018 - 01 - 01), Some(date!(2020 - 12 - 30))),
            post(date!(2021 - 01 - 01), None),
        ];
        assert_eq!(since(&gap), Some(date!(2021 - 01 - 01)));
        // Ended before the date: no tenure now.
        assert_eq!(
            since(&[post(date!(2018 - 01 - 01), Some(date!(2024 - 12 - 31)))]),
            None
        );
        // Ends on the date itself: still in office that day.
        assert_eq!(
            since(&[post(date!(2018 - 01 - 01), Some(date!(2025 - 01 - 01)))]),
            Some(date!(2018 - 01 - 01))
        );
        // Not yet started.
        assert_eq!(since(&[post(date!(2025 - 01 - 02), None)]), None);
        // Overlapping records (a re-entered term) still count from the first.
        let overlap = [
            post(date!(2019 - 01 - 01), None),
            post(date!(2018 - 06 - 01), Some(date!(2019 - 06 - 30))),
        ];
        assert_eq!(since(&overlap), Some(date!(2018 - 06 - 01)));
    }
}
