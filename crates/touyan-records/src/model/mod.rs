//! The records the measures ask about, as plain values: what storage keeps,
//! what the Excel roster carries, what the rules are fed. Enumerations carry
//! their Chinese labels (the Excel drop-down lists) and stable codes (the
//! database).

use time::Date;
use touyan_rules::people::Education;

use crate::CitizenId;

/// An enumeration with a stable code for storage and a Chinese label for
/// people; `from_label` accepts either.
pub trait Labelled: Sized + Copy + 'static {
    const ALL: &'static [Self];
    fn code(self) -> &'static str;
    fn label(self) -> &'static str;
    fn from_label(text: &str) -> Option<Self> {
        let t = text.trim();
        Self::ALL
            .iter()
            .copied()
            .find(|v| v.label() == t || v.code() == t)
    }
    fn labels() -> Vec<&'static str> {
        Self::ALL.iter().map(|v| v.label()).collect()
    }
}

macro_rules! labelled {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal, $label:literal;)* }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name { $($variant,)* }
        impl Labelled for $name {
            const ALL: &'static [Self] = &[$($name::$variant,)*];
            fn code(self) -> &'static str { match self { $($name::$variant => $code,)* } }
            fn label(self) -> &'static str { match self { $($name::$variant => $label,)* } }
        }
    };
}

impl Labelled for Education {
    const ALL: &'static [Self] = &Education::ALL;
    fn code(self) -> &'static str {
        self.name()
    }
    fn label(self) -> &'static str {
        self.zh()
    }
}

mod conditions;
mod corrections;
mod daily;
mod evaluations;
mod exceptions;
mod lists;
mod pay_parts;
mod people;
mod plans;
mod reserves;
mod training;
mod villages;
mod young;

pub use conditions::*;
pub use corrections::*;
pub use daily::*;
pub use evaluations::*;
pub use exceptions::*;
pub use lists::*;
pub use pay_parts::*;
pub use people::*;
pub use plans::*;
pub use reserves::*;
pub use training::*;
pub use villages::*;
pub use young::*;

/// Records of every kind, one list each, parents before children: what an
/// import reads, a demo makes, and storage writes in one transaction.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Records {
    pub towns: Vec<Town>,
    pub villages: Vec<Village>,
    pub people: Vec<Person>,
    pub posts: Vec<Post>,
    pub village_years: Vec<VillageYear>,
    pub three_good: Vec<ThreeGood>,
    pub training_sessions: Vec<TrainingSession>,
    pub attendance: Vec<Attendance>,
    pub ballots: Vec<Ballots>,
    pub admonitions: Vec<Admonition>,
    pub exam_results: Vec<ExamResult>,
    pub certificates: Vec<Certificate>,
    pub secondments: Vec<Secondment>,
    pub reserves: Vec<Reserve>,
    pub young_cadres: Vec<YoungCadre>,
    pub annual_plans: Vec<AnnualPlan>,
    pub list_entries: Vec<ListEntry>,
    pub pay_records: Vec<PayRecord>,
    pub exits: Vec<Exit>,
    pub work_logs: Vec<WorkLog>,
    pub reserve_reports: Vec<ReserveReport>,
    pub town_years: Vec<TownYear>,
    /// Answers to the policy's added conditions (after the people).
    pub condition_answers: Vec<ConditionAnswer>,
    /// The parts of a secretary's pay set by higher-level rules, by
    /// person, month and part (Article 13; after the people).
    pub pay_parts: Vec<PayPartRecord>,
    /// The filed versions of the yearly lists (written by the review's
    /// filing, not imported: not a kind of the import's batch).
    pub list_filings: Vec<ListFiling>,
    /// Young-cadre candidates (Article 10), read for their approved
    /// extensions (a term's end); neither imported nor written with the
    /// other kinds (their moves are `Store::move_young`'s).
    pub young_candidates: Vec<YoungCandidate>,
    /// Not records: the exits (person, day) of a workbook's 退出 sheet
    /// whose 退出的计划 was left blank on a ground of both programmes
    /// (达到年龄上限, 其他: `ExitReason::programme` is `None`). Their
    /// `programme` in `exits` is only provisional: the import decides it
    /// from the records of the day (`touyan_office::import`) before
    /// anything is written. Empty everywhere else.
    pub exit_programmes_unsaid: Vec<(CitizenId, Date)>,
}

impl Records {
    /// How many records there are, of all kinds.
    pub fn len(&self) -> usize {
        self.towns.len()
            + self.villages.len()
            + self.people.len()
            + self.posts.len()
            + self.village_years.len()
            + self.three_good.len()
            + self.training_sessions.len()
            + self.attendance.len()
            + self.ballots.len()
            + self.admonitions.len()
            + self.exam_results.len()
            + self.certificates.len()
            + self.secondments.len()
            + self.reserves.len()
            + self.young_cadres.len()
            + self.annual_plans.len()
            + self.list_entries.len()
            + self.pay_records.len()
            + self.exits.len()
            + self.work_logs.len()
            + self.reserve_reports.len()
            + self.town_years.len()
            + self.condition_answers.len()
            + self.pay_parts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_codes_both_parse() {
        assert_eq!(
            PostRole::from_label("村党组织书记"),
            Some(PostRole::Secretary)
        );
        assert_eq!(PostRole::from_label("secretary"), Some(PostRole::Secretary));
        assert_eq!(
            PostRole::from_label(" 村委会主任 "),
            Some(PostRole::CommitteeDirector)
        );
        assert_eq!(PostRole::from_label("书记"), None);
        assert_eq!(Education::from_label("大专"), Some(Education::College));
        assert_eq!(
            RaterGroup::labels(),
            ["党员", "群众代表", "包村干部", "镇街党(工)委"]
        );
    }
}
