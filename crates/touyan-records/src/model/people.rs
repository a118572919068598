//! People and the posts they hold, with the division's towns and villages
//! and the continuous tenure posts add up to.

use time::Date;
use touyan_rules::people::Education;

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
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    pub id: CitizenId,
    pub name: String,
    pub education: Education,
    pub full_time_degree: bool,
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
