//! # touyan-cycle: the yearly cycle (issue 3), pure
//!
//! Records in, the `evaluate` contract decided town by town, proposals out.
//! Each town's input is assembled from the records as the typed input of
//! the contract (`touyan_evaluate::input::Town`), then checked and decided
//! by `touyan_evaluate::town::{validate, decide}` — the very functions that
//! `touyan evaluate` runs on a JSON case. Each secretary's reasons are kept
//! typed and compact ([`stored`]), and the contract's per-secretary object
//! is rendered from them by `touyan evaluate`'s own writer, word for word
//! ([`stored::contract_json`]). There is no
//! second implementation of any rule here: this crate only chooses which
//! records are the facts.
//!
//! ## Which records are the facts of the cycle of year `Y`
//!
//! The list of year `Y` is drawn up at the start of that year, from the
//! year just ended (the same reading as `touyan demo`, which files its
//! lists with the rules crate the same way):
//!
//! - `as_of` (ages, tenure, who holds a post) is `Y-01-01`; the policy is
//!   the one in force that day.
//! - Towns: every town on record (or the one asked for) with at least one
//!   villagers' committee; `village_count` = the town's villagers'
//!   committees (residents' committees and statistical units are not
//!   administrative villages). Villages are listed in code order.
//! - Village facts (`stars`, `collective_income_wan`, `last_year_rank`):
//!   the village's record for year `Y - 1`. An unranked village
//!   (`assessment_rank` empty) keeps no rank (`contract::Rank(None)`, which
//!   a JSON case cannot say): its secretary fails the "first half" check
//!   with the reason that the rank is not recorded (未排名), not with an
//!   invented place.
//!   A village with no record for `Y - 1` cannot be written as the contract
//!   requires: it is left out of the town's `villages` (still counted in
//!   `village_count`) and its secretary is reported in
//!   [`TownProposal::not_judged`] rather than judged on made-up facts.
//! - The secretary: the person whose secretary post at the village covers
//!   `as_of`; `tenure_start` is their continuous tenure there
//!   (`touyan_records::model::continuous_since`), birth date from the ID
//!   number, education and full-time degree from the person record.
//!   Two people in the post on the same day is a data error.
//! - `three_good_three_strong`: the town's judgement recorded for year `Y`
//!   (the judgement made for this list, as the demo records it); none
//!   recorded counts as not passed.
//! - `conditions` (the inclusion conditions the city's policy adds,
//!   `[[conditions]]`): for each condition in force on `as_of`, the
//!   answer the town recorded for the secretary (`ConditionAnswer`; the
//!   one on record, whenever it was recorded). No answer is "not
//!   recorded", which fails the check, as the contract says. A condition
//!   that takes effect later in the year is not in force on `as_of`: the
//!   year's proposal does not judge it; the town's list is checked
//!   against it from its date (`touyan_office::conditions`). With no
//!   condition in force (the shipped policy), `conditions` is absent.
//! - `training`: the sessions attended that started in `Y - 1` (the last
//!   complete training year), each with its level and length. Always given
//!   (an empty list is "no training"), since the records are complete.
//! - `evaluation`: the person's latest half year (`Y - 1` or earlier) with
//!   party members' or public representatives' ballots; a group without
//!   ballots that half counts zero. No ballots at all: no evaluation.
//! - `secretary_reserves`: reserves for the secretary post of the village
//!   listed on or before `as_of` and not removed by then.
//! - `young_cadres`: young cadres of the village whose programme started on
//!   or before `as_of`, with the person's birth date and education.
//! - `secondments`: those of the town's judged secretaries that started in
//!   `Y - 1`.
//! - `reference_salary`, `young_cadre_factor`: the town's yearly settings
//!   (`TownYear`) for `Y`; absent settings leave young-cadre pay undecided,
//!   as the contract says.
//!
//! A record the contract refuses (a star rating beyond the scale, a rank
//! beyond the village count, training days not in half days, a factor
//! outside the policy's range, one person in two places of a town…) stops
//! the whole cycle with every such problem listed in Chinese
//! ([`CycleError`]): proposals are not made from data known to be wrong.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rust_decimal::Decimal;
use rustc_hash::{FxHashMap, FxHashSet};
use time::{Date, Month};
use touyan_evaluate::input::{self as contract, Count, Edu, IsoDate, Num};
use touyan_evaluate::{output, town as judge};
use touyan_records::model::{
    Ballots, Person, Post, PostRole, RaterGroup, Records, SecondmentLevel, TrainingLevel,
    VillageYear, YoungCadre,
};
use touyan_records::{CitizenId, CommitteeKind, TownCode, VillageCode};
use touyan_rules::policy::ExtraCondition;
use touyan_rules::{Params, Policy};

/// Everything proposed for one year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proposals {
    pub year: i32,
    /// The decision date: 1 January of `year`.
    pub as_of: Date,
    pub policy_id: String,
    /// Example (not official) parameters in force on `as_of`.
    pub example_values: Vec<&'static str>,
    /// In town-code order.
    pub towns: Vec<TownProposal>,
}

/// One town's proposal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TownProposal {
    pub town: TownCode,
    pub name: String,
    /// Administrative villages (villagers' committees) of the town.
    pub village_count: u32,
    pub inclusion_quota: u32,
    pub young_cadre_cap: u32,
    /// Every judged secretary, in village-code order.
    pub secretaries: Vec<SecretaryProposal>,
    /// Secretaries that could not be judged, and why.
    pub not_judged: Vec<NotJudged>,
}

impl TownProposal {
    pub fn eligible(&self) -> u32 {
        self.secretaries.iter().filter(|s| s.eligible).count() as u32
    }

    pub fn included(&self) -> u32 {
        self.secretaries
            .iter()
            .filter(|s| s.place.is_some())
            .count() as u32
    }

    /// People proposed in tiers 1, 2 and 3.
    pub fn tiers(&self) -> [u32; 3] {
        let mut out = [0; 3];
        for t in self.secretaries.iter().filter_map(|s| s.tier) {
            if let Some(n) = out.get_mut(usize::from(t).wrapping_sub(1)) {
                *n += 1;
            }
        }
        out
    }
}

/// One secretary's proposal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretaryProposal {
    pub village: VillageCode,
    pub person: CitizenId,
    /// All five inclusion checks and every added condition in force
    /// passed.
    pub eligible: bool,
    /// 1-based place in the town's proposed list; `None`: not proposed.
    pub place: Option<u32>,
    /// Pay tier (1–3) when proposed.
    pub tier: Option<u8>,
    /// Every check with its article and reason, training and competency,
    /// in the stored form of [`stored`] (typed and compact; the contract's
    /// per-secretary object is rendered from it by
    /// [`stored::contract_json`]).
    pub reasons: String,
}

/// A secretary left out of the cycle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotJudged {
    pub village: VillageCode,
    pub person: CitizenId,
    pub why: Gap,
}

/// What was missing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gap {
    /// No village record (stars, income, rank) for the year before.
    NoVillageFacts,
}

impl Gap {
    pub fn zh(self) -> &'static str {
        match self {
            Gap::NoVillageFacts => "缺少上一年度村情（星级、集体经济收入、考核名次）",
        }
    }
}

/// Why no proposals were made: every problem found, in Chinese.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CycleError(pub Vec<String>);

impl fmt::Display for CycleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join("\n"))
    }
}

impl std::error::Error for CycleError {}

mod conditions;
mod seats;
pub mod stored;
pub mod whatif;

use seats::Place;
pub use seats::{Seat, seats};

/// 1 January of `year`, the cycle's decision date.
pub fn as_of(year: i32) -> Option<Date> {
    Date::from_calendar_date(year, Month::January, 1).ok()
}

/// How many towns [`run`] decides for `town` (all when `None`): those
/// on record with at least one villagers' committee.
pub fn towns_in_scope(records: &Records, town: Option<TownCode>) -> usize {
    let with_villages: HashSet<TownCode> = records
        .villages
        .iter()
        .filter(|v| v.kind == CommitteeKind::Villagers)
        .map(|v| v.code.town())
        .collect();
    records
        .towns
        .iter()
        .filter(|t| town.is_none_or(|c| c == t.code) && with_villages.contains(&t.code))
        .count()
}

/// A town decided, or the problems that kept it from being decided.
type Decided = Result<TownProposal, Vec<String>>;

/// Towns per unit of work handed to a thread.
const BATCH: usize = 16;

/// Decides the cycle of `year` for every town of `records` (or only
/// `town`) on up to `threads` threads; `progress` is told how many towns
/// are done, now and then. The result does not depend on `threads`.
pub fn run(
    records: &Records,
    year: i32,
    town: Option<TownCode>,
    policy: &Policy,
    threads: usize,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<Proposals, CycleError> {
    let on = as_of(year).ok_or_else(|| CycleError(vec![format!("{year} 不是有效年份")]))?;
    let params = policy
        .resolve(on)
        .map_err(|e| CycleError(vec![format!("政策在 {on} 无法使用：{e}")]))?;
    // The conditions the policy adds that are in force on the day, in
    // the policy file's order (as `touyan evaluate` takes them).
    let conditions: Vec<ExtraCondition> = policy
        .conditions
        .iter()
        .filter(|c| c.since <= on)
        .cloned()
        .collect();
    let ix = Index::new(records, year, on, &conditions);
    let towns: Vec<&touyan_records::model::Town> = {
        let mut t: Vec<_> = records
            .towns
            .iter()
            .filter(|t| town.is_none_or(|c| c == t.code))
            .filter(|t| ix.villages.contains_key(&t.code))
            .collect();
        t.sort_by_key(|t| t.code);
        t
    };
    let n = towns.len();
    let batches = n.div_ceil(BATCH);
    let threads = threads.clamp(1, 64).min(batches.max(1));
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, Decided)>> = Mutex::new(Vec::with_capacity(n));
    let work = || {
        let mut mine = Vec::new();
        loop {
            let b = next.fetch_add(1, Ordering::Relaxed);
            if b >= batches {
                break;
            }
            let (start, end) = (b * BATCH, ((b + 1) * BATCH).min(n));
            for (k, t) in towns.iter().enumerate().take(end).skip(start) {
                mine.push((k, decide_town(&ix, &params, &conditions, on, t)));
            }
            progress(done.fetch_add(end - start, Ordering::Relaxed) + end - start);
        }
        if let Ok(mut r) = results.lock() {
            r.append(&mut mine);
        }
    };
    if threads == 1 {
        work();
    } else {
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(work);
            }
        });
    }
    let mut results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    results.sort_by_key(|r| r.0);
    let mut out = Vec::with_capacity(n);
    let mut problems = Vec::new();
    for (_, r) in results {
        match r {
            Ok(t) => out.push(t),
            Err(p) => problems.extend(p),
        }
    }
    if !problems.is_empty() {
        return Err(CycleError(problems));
    }
    Ok(Proposals {
        year,
        as_of: on,
        policy_id: policy.id.clone(),
        example_values: policy.examples_in_force(on),
        towns: out,
    })
}

/// The records of a year, by what a town asks for. Keyed with FxHash
/// (`rustc-hash`), not the standard SipHash: the keys are short fixed-size
/// codes and ID numbers, hundreds of thousands of lookups per run, and a
/// batch over the store's own records has no need of SipHash's defence
/// against chosen keys.
struct Index<'r> {
    year: i32,
    on: Date,
    /// Villagers' committees by town, in code order.
    villages: FxHashMap<TownCode, Vec<&'r touyan_records::model::Village>>,
    people: FxHashMap<&'r CitizenId, &'r Person>,
    /// Secretary posts by village.
    secretary_posts: FxHashMap<VillageCode, Vec<&'r Post>>,
    facts: FxHashMap<VillageCode, &'r VillageYear>,
    three_good: FxHashSet<&'r CitizenId>,
    /// (level, days) of the sessions attended in `year - 1`, by person.
    training: FxHashMap<&'r CitizenId, Vec<(TrainingLevel, Decimal)>>,
    /// The latest half year's ballots: party members, public reps.
    ballots: FxHashMap<&'r CitizenId, Latest>,
    reserves: FxHashMap<VillageCode, u32>,
    young: FxHashMap<VillageCode, Vec<&'r YoungCadre>>,
    secondments: FxHashMap<&'r CitizenId, Vec<&'r touyan_records::model::Secondment>>,
    settings: FxHashMap<TownCode, &'r touyan_records::model::TownYear>,
    names: FxHashMap<TownCode, &'r str>,
    /// The answers to the conditions in force, by person; `None` when no
    /// condition is in force (the contract's `conditions` is then absent).
    answers: Option<conditions::Answers<'r>>,
}

/// Ballots of a person's latest half year with any.
struct Latest {
    when: (i32, u8),
    party: Option<[u32; 3]>,
    public: Option<[u32; 3]>,
}

impl<'r> Index<'r> {
    fn new(r: &'r Records, year: i32, on: Date, conditions: &[ExtraCondition]) -> Index<'r> {
        // The three largest maps (people, village facts, 三好三强) are
        // built on a second thread while this one builds the rest.
        std::thread::scope(|s| {
            let side = s.spawn(|| Self::largest(r, year));
            let rest = Self::rest(r, year, on);
            let (people, facts, three_good) =
                side.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
            Index {
                people,
                facts,
                three_good,
                answers: conditions::answers(r, conditions),
                ..rest
            }
        })
    }

    #[allow(clippy::type_complexity)]
    fn largest(
        r: &'r Records,
        year: i32,
    ) -> (
        FxHashMap<&'r CitizenId, &'r Person>,
        FxHashMap<VillageCode, &'r VillageYear>,
        FxHashSet<&'r CitizenId>,
    ) {
        (
            r.people.iter().map(|p| (&p.id, p)).collect(),
            r.village_years
                .iter()
                .filter(|f| f.year == year - 1)
                .map(|f| (f.village, f))
                .collect(),
            r.three_good
                .iter()
                .filter(|g| g.year == year && g.passed)
                .map(|g| &g.person)
                .collect(),
        )
    }

    /// Everything but [`Index::largest`]'s maps (left empty).
    fn rest(r: &'r Records, year: i32, on: Date) -> Index<'r> {
        let last = year - 1;
        let mut villages: FxHashMap<TownCode, Vec<&touyan_records::model::Village>> =
            FxHashMap::default();
        for v in r
            .villages
            .iter()
            .filter(|v| v.kind == CommitteeKind::Villagers)
        {
            villages.entry(v.code.town()).or_default().push(v);
        }
        for list in villages.values_mut() {
            list.sort_by_key(|v| v.code);
        }
        let mut secretary_posts: FxHashMap<VillageCode, Vec<&Post>> = FxHashMap::default();
        for p in r.posts.iter().filter(|p| p.role == PostRole::Secretary) {
            secretary_posts.entry(p.village).or_default().push(p);
        }
        let sessions: FxHashMap<&str, &touyan_records::model::TrainingSession> = r
            .training_sessions
            .iter()
            .filter(|s| s.start.year() == last)
            .map(|s| (s.code.as_str(), s))
            .collect();
        let mut training: FxHashMap<&CitizenId, Vec<(TrainingLevel, Decimal)>> =
            FxHashMap::default();
        for a in &r.attendance {
            if let Some(s) = sessions.get(a.session.as_str()) {
                training
                    .entry(&a.person)
                    .or_default()
                    .push((s.level, s.days));
            }
        }
        let mut ballots: FxHashMap<&CitizenId, Latest> = FxHashMap::default();
        for b in r.ballots.iter().filter(|b| b.year < year) {
            let slot = match b.group {
                RaterGroup::PartyMembers => 0,
                RaterGroup::PublicReps => 1,
                _ => continue,
            };
            let when = (b.year, b.half);
            let e = ballots.entry(&b.person).or_insert(Latest {
                when,
                party: None,
                public: None,
            });
            if when > e.when {
                *e = Latest {
                    when,
                    party: None,
                    public: None,
                };
            }
            if when == e.when {
                let counts = Some(counts(b));
                if slot == 0 {
                    e.party = counts;
                } else {
                    e.public = counts;
                }
            }
        }
        let mut reserves: FxHashMap<VillageCode, u32> = FxHashMap::default();
        for x in r.reserves.iter().filter(|x| {
            x.post == PostRole::Secretary
                && x.listed_on <= on
                && x.removed_on.is_none_or(|d| d > on)
        }) {
            *reserves.entry(x.village).or_default() += 1;
        }
        let mut young: FxHashMap<VillageCode, Vec<&YoungCadre>> = FxHashMap::default();
        for y in r.young_cadres.iter().filter(|y| y.programme_start <= on) {
            young.entry(y.village).or_default().push(y);
        }
        let mut secondments: FxHashMap<&CitizenId, Vec<&touyan_records::model::Secondment>> =
            FxHashMap::default();
        for s in r.secondments.iter().filter(|s| s.start.year() == last) {
            secondments.entry(&s.person).or_default().push(s);
        }
        // Records may come in any order (storage reads without sorting):
        // the lists whose order shows are put in key order here.
        for list in secondments.values_mut() {
            list.sort_by_key(|s| s.start);
        }
        for list in young.values_mut() {
            list.sort_by(|a, b| {
                (&a.person, a.programme_start).cmp(&(&b.person, b.programme_start))
            });
        }
        for list in training.values_mut() {
            list.sort_by_key(|(level, days)| (*level == TrainingLevel::Town, *days));
        }
        Index {
            year,
            on,
            villages,
            people: FxHashMap::default(),
            secretary_posts,
            facts: FxHashMap::default(),
            three_good: FxHashSet::default(),
            training,
            ballots,
            reserves,
            young,
            secondments,
            settings: r
                .town_years
                .iter()
                .filter(|t| t.year == year)
                .map(|t| (t.town, t))
                .collect(),
            names: r.towns.iter().map(|t| (t.code, t.name.as_str())).collect(),
            answers: None,
        }
    }

    /// The one person in the village's secretary post on `on`.
    fn secretary(&self, v: VillageCode) -> Result<Option<(&'r Person, Date)>, String> {
        let Some(posts) = self.secretary_posts.get(&v) else {
            return Ok(None);
        };
        let on = self.on;
        let holding: Vec<&Post> = posts
            .iter()
            .copied()
            .filter(|p| p.start <= on && p.end.is_none_or(|e| e >= on))
            .collect();
        let Some(first) = holding.first() else {
            return Ok(None);
        };
        if let Some(other) = holding.iter().find(|p| p.person != first.person) {
            return Err(format!(
                "{on} 有两名书记在任（{} 和 {}）",
                first.person.masked(touyan_records::Mask::default()),
                other.person.masked(touyan_records::Mask::default())
            ));
        }
        let Some(person) = self.people.get(&first.person) else {
            return Err(format!(
                "书记 {} 没有人员档案",
                first.person.masked(touyan_records::Mask::default())
            ));
        };
        let own: Vec<Post> = posts
            .iter()
            .filter(|p| p.person == first.person)
            .map(|p| (*p).clone())
            .collect();
        let since = touyan_records::model::continuous_since(
            &own,
            &first.person,
            &v,
            PostRole::Secretary,
            on,
        )
        .unwrap_or(first.start);
        Ok(Some((person, since)))
    }
}

fn counts(b: &Ballots) -> [u32; 3] {
    [b.competent, b.basically_competent, b.not_competent]
}

fn ballots(c: [u32; 3]) -> contract::Ballots {
    contract::Ballots {
        competent: Count(c[0]),
        basically_competent: Count(c[1]),
        not_competent: Count(c[2]),
    }
}

/// One town's contract input, the people behind its villages, and its
/// secretaries left out.
struct Assembled<'r> {
    town: contract::Town<'r>,
    /// Aligned with `town.villages`: the village code and its secretary.
    people: Vec<(VillageCode, Option<&'r CitizenId>)>,
    not_judged: Vec<NotJudged>,
}

// One piece: one pass over a town's records in key order building the contract's input; splitting would re-walk them.
fn assemble<'r>(
    ix: &Index<'r>,
    town: &'r touyan_records::model::Town,
) -> Result<Assembled<'r>, Vec<String>> {
    let mut problems = Vec::new();
    let here = |v: Option<&touyan_records::model::Village>| match v {
        Some(v) => format!(
            "{}（{}）{}（{}）",
            town.name,
            town.code.as_str(),
            v.name,
            v.code.as_str()
        ),
        None => format!("{}（{}）", town.name, town.code.as_str()),
    };
    let villages = ix.villages.get(&town.code).map_or(&[][..], Vec::as_slice);
    let mut listed = Vec::with_capacity(villages.len());
    let mut people = Vec::with_capacity(villages.len());
    let mut not_judged = Vec::new();
    let mut secretaries: Vec<&CitizenId> = Vec::new();
    for v in villages {
        let (secretary, facts) = match ix.place(v.code) {
            Ok(Place::Judged(secretary, facts)) => (secretary, facts),
            Ok(Place::NotJudged(n)) => {
                not_judged.push(n);
                continue;
            }
            Ok(Place::Vacant) => continue,
            Err(m) => {
                problems.push(format!("{}：{m}", here(Some(v))));
                continue;
            }
        };
        let income = match Num::new(facts.collective_income_wan) {
            Ok(n) => n,
            Err(m) => {
                problems.push(format!(
                    "{}：{} 年集体经济收入 {m}",
                    here(Some(v)),
                    ix.year - 1
                ));
                continue;
            }
        };
        let who = secretary.map(|(p, _)| &p.id);
        let secretary = secretary.map(|(p, since)| {
            secretaries.push(&p.id);
            let mut training = Vec::new();
            for (level, days) in ix.training.get(&p.id).into_iter().flatten() {
                match Num::new(*days) {
                    Ok(days) => training.push(contract::Training {
                        level: match level {
                            TrainingLevel::City => contract::Level::City,
                            TrainingLevel::Town => contract::Level::Town,
                        },
                        days,
                    }),
                    Err(m) => problems.push(format!("{}：书记参加的培训 {m}", here(Some(v)))),
                }
            }
            contract::Secretary {
                id: Cow::Borrowed(p.id.as_str()),
                birth_date: IsoDate(p.id.birth_date()),
                education: Edu(p.highest_education()),
                full_time_degree: p.degree().full_time,
                full_time_education: p.full_time_education.map(Edu),
                tenure_start: IsoDate(since),
                three_good_three_strong: ix.three_good.contains(&p.id),
                conditions: ix
                    .answers
                    .as_ref()
                    .map(|a| a.get(&p.id).cloned().unwrap_or_default()),
                training: Some(training),
                evaluation: ix.ballots.get(&p.id).map(|l| contract::Evaluation {
                    party_members: ballots(l.party.unwrap_or_default()),
                    public_reps: ballots(l.public.unwrap_or_default()),
                }),
            }
        });
        let mut young = Vec::new();
        for y in ix.young.get(&v.code).into_iter().flatten() {
            let Some(person) = ix.people.get(&y.person) else {
                problems.push(format!(
                    "{}：年轻干部 {} 没有人员档案",
                    here(Some(v)),
                    y.person.masked(touyan_records::Mask::default())
                ));
                continue;
            };
            match (Num::new(y.current_pay), Num::new(y.score)) {
                (Ok(current_pay), Ok(score)) => young.push(contract::YoungCadre {
                    id: Cow::Borrowed(y.person.as_str()),
                    birth_date: IsoDate(y.person.birth_date()),
                    education: Edu(person.highest_education()),
                    full_time_degree: person.degree().full_time,
                    full_time_education: person.full_time_education.map(Edu),
                    current_pay,
                    score,
                }),
                (Err(m), _) | (_, Err(m)) => {
                    problems.push(format!("{}：年轻干部现报酬或得分 {m}", here(Some(v))))
                }
            }
        }
        people.push((v.code, who));
        listed.push(contract::Village {
            code: Cow::Borrowed(v.code.as_str()),
            name: Cow::Borrowed(v.name.as_str()),
            stars: Count(u32::from(facts.stars)),
            collective_income_wan: income,
            // Unranked stays unranked: the rank check fails saying so.
            last_year_rank: contract::Rank(facts.assessment_rank),
            secretary_reserves: Some(Count(ix.reserves.get(&v.code).copied().unwrap_or(0))),
            secretary,
            young_cadres: Some(young),
        });
    }
    let secondments = secretaries
        .iter()
        .flat_map(|p| ix.secondments.get(p).into_iter().flatten())
        .map(|s| contract::Secondment {
            id: Cow::Borrowed(s.person.as_str()),
            level: match s.level {
                SecondmentLevel::City => contract::Level::City,
                SecondmentLevel::Town => contract::Level::Town,
            },
            start: IsoDate(s.start),
            end: IsoDate(s.end),
        })
        .collect();
    let (reference_salary, young_cadre_factor) = match ix.settings.get(&town.code) {
        None => (None, None),
        Some(s) => match (Num::new(s.reference_salary), Num::new(s.young_cadre_factor)) {
            (Ok(a), Ok(b)) => (Some(a), Some(b)),
            (Err(m), _) | (_, Err(m)) => {
                problems.push(format!("{}：{} 年镇街年度设置 {m}", here(None), ix.year));
                (None, None)
            }
        },
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Assembled {
        town: contract::Town {
            code: Cow::Borrowed(town.code.as_str()),
            name: Cow::Borrowed(town.name.as_str()),
            village_count: Some(Count(villages.len() as u32)),
            reference_salary,
            young_cadre_factor,
            secondments: Some(secondments),
            villages: listed,
        },
        people,
        not_judged,
    })
}

/// The index `N` of the first `villages[N]` in a JSON path.
fn village_index(path: &str) -> Option<usize> {
    let rest = &path[path.find("villages[")? + "villages[".len()..];
    rest[..rest.find(']')?].parse().ok()
}

fn decide_town(
    ix: &Index<'_>,
    params: &Params,
    conditions: &[ExtraCondition],
    on: Date,
    town: &touyan_records::model::Town,
) -> Result<TownProposal, Vec<String>> {
    let a = assemble(ix, town)?;
    let village_count = judge::validate(params, conditions, on, &a.town, 0).map_err(|e| {
        let name = ix.names.get(&town.code).copied().unwrap_or(&town.name);
        let place = match village_index(&e.path).and_then(|j| a.town.villages.get(j)) {
            Some(v) => format!("{name}（{}）{}（{}）", town.code.as_str(), v.name, v.code),
            None => format!("{name}（{}）", town.code.as_str()),
        };
        vec![format!("{place}：{}（{}）", e.message, e.path)]
    })?;
    let r = judge::decide(params, conditions, on, &a.town, 0, village_count);
    let mut rank: HashMap<usize, (u32, u8)> = HashMap::with_capacity(r.included.len());
    for (k, (&s, tier)) in r.included.iter().zip(&r.tiers).enumerate() {
        rank.insert(s, (k as u32 + 1, tier.outcome));
    }
    let mut j = output::Json::new();
    let mut secretaries = Vec::with_capacity(r.secretaries.len());
    for (n, s) in r.secretaries.iter().enumerate() {
        stored::encode(&mut j, &r, n, s);
        let (village, person) = a.people[s.village];
        let Some(person) = person else { continue };
        let placed = rank.get(&n);
        secretaries.push(SecretaryProposal {
            village,
            person: person.clone(),
            eligible: s.eligible(),
            place: placed.map(|x| x.0),
            tier: placed.map(|x| x.1),
            reasons: j.buf.clone(),
        });
    }
    Ok(TownProposal {
        town: town.code,
        name: town.name.clone(),
        village_count,
        inclusion_quota: r.quota.outcome,
        young_cadre_cap: r.young_cap.outcome,
        secretaries,
        not_judged: a.not_judged,
    })
}
