//! # touyan-demo: a believable county, made up deterministically
//!
//! Given real towns and villages (the shipped Shouguang table, or a whole
//! province) and a date, [`generate`] makes people with valid ID numbers,
//! posts with histories, two years of village facts, training, half-yearly
//! evaluations, reserves, young cadres, the professionalized lists of this
//! year and last year decided by the rules crate itself, already filed, the
//! towns' pay settings and reserve training reports, and secondments with
//! their work logs.
//! The same input always gives the same output (a fixed generator, no
//! clock), and the mix is chosen so that every rule fires somewhere:
//! eligible and ineligible secretaries for every reason, towns with more
//! candidates than places, admonitions and exits, shortfalls in training and
//! reserves.

mod names;
mod pay_parts;
mod rng;

use rust_decimal::Decimal;
use time::{Date, Duration, Month};
use touyan_records::model::{
    Admonition, AnnualPlan, Attendance, Ballots, ConditionAnswer, Exit, ExitReason, ListEntry,
    ListStatus, Person, Post, PostRole, Programme, RaterGroup, Records, Reserve, ReserveReport,
    Secondment, SecondmentLevel, SessionForm, ThreeGood, Town, TownYear, TrainingLevel,
    TrainingSession, Village, VillageYear, WorkLog, YoungCadre,
};
use touyan_records::{CitizenId, CommitteeKind, TownCode, VillageCode};
use touyan_rules::Params;
use touyan_rules::art01_inclusion::{self, SecretaryFacts, VillageFacts};
use touyan_rules::art12_competency::{self, Action};
use touyan_rules::art13_pay;
use touyan_rules::people::Education;

pub use pay_parts::{PAY_PART_MONTHS, pay_part_months, pay_parts};
use rng::Rng;

/// What the demo makes: [`Records`] of every kind, towns and villages
/// included.
pub type Demo = Records;

/// A town and its villagers' committees.
struct Area<'a> {
    town: &'a Town,
    villages: Vec<&'a Village>,
}

fn areas<'a>(towns: &'a [Town], villages: &'a [Village]) -> Vec<Area<'a>> {
    towns
        .iter()
        .map(|town| Area {
            town,
            villages: villages
                .iter()
                .filter(|v| v.code.town() == town.code && v.kind == CommitteeKind::Villagers)
                .collect(),
        })
        .collect()
}

fn date(y: i32, m: u8, d: u8) -> Date {
    Date::from_calendar_date(y, Month::try_from(m).unwrap_or(Month::January), d)
        .unwrap_or(Date::MIN)
}

/// One made-up person with a valid ID number issued in `area`.
struct PersonMaker<'a> {
    rng: &'a mut Rng,
    area: &'a str,
    used: std::collections::HashSet<String>,
}

impl PersonMaker<'_> {
    fn make(&mut self, birth: Date, (full_time, in_service): Educations) -> Person {
        let male = self.rng.below(100) < 70;
        loop {
            let seq = self.rng.below(500) as u32 * 2 + u32::from(male);
            let body = format!(
                "{}{:04}{:02}{:02}{seq:03}",
                self.area,
                birth.year(),
                birth.month() as u8,
                birth.day()
            );
            // Six digits of a county code, a real date and a sequence: the
            // body is always 17 digits, so this cannot fail.
            let id = match CitizenId::with_check(&body) {
                Ok(id) => id,
                Err(e) => unreachable!("synthetic ID body {body} refused: {e}"),
            };
            if self.used.insert(id.as_str().to_string()) {
                let name = names::full_name(self.rng, male);
                return Person {
                    id,
                    name,
                    full_time_education: full_time,
                    in_service_education: in_service,
                };
            }
        }
    }
}

/// A person's highest full-time (全日制) and in-service (在职) levels.
type Educations = (Option<Education>, Option<Education>);

/// Education of a secretary: mostly senior middle school or college; a
/// college degree half the time earned in service after senior middle
/// school, and one 本科 in three earned in service after a full-time 大专
/// (the two kinds that Articles 1 and 10 tell apart).
fn education(rng: &mut Rng) -> Educations {
    use Education::{Bachelor, College, JuniorMiddle, Master, SeniorMiddle};
    match rng.below(100) {
        0..=4 => (Some(JuniorMiddle), None),
        5..=39 => (Some(SeniorMiddle), None),
        40..=64 if rng.below(2) == 0 => (Some(College), None),
        40..=64 => (Some(SeniorMiddle), Some(College)),
        65..=89 if rng.below(3) > 0 => (Some(Bachelor), None),
        65..=89 => (Some(College), Some(Bachelor)),
        _ => (Some(Master), None),
    }
}

/// Makes the demo for `towns` and their `villages` as of `as_of` with the
/// policy `p` (resolved for the first day of the year `as_of` falls in).
/// The towns and villages themselves are part of the result.
// One piece: the generator's draws happen in this order and fix the demo; split, the RNG state would only be threaded through more signatures.
pub fn generate(town_list: &[Town], village_list: &[Village], as_of: Date, p: &Params) -> Demo {
    let mut rng = Rng::new(2025);
    let mut demo = Demo {
        towns: town_list.to_vec(),
        villages: village_list.to_vec(),
        ..Demo::default()
    };
    let towns = areas(town_list, village_list);
    let year = as_of.year();
    let area = town_list
        .first()
        .map(|t| t.code.county().to_string())
        .unwrap_or_else(|| "370783".to_string());
    let mut maker = PersonMaker {
        rng: &mut Rng::new(7),
        area: &area,
        used: Default::default(),
    };

    // One model town (the one with most villages) whose first half of the
    // ranking all qualifies, so that its list reaches its quota exactly.
    let model_town = towns
        .iter()
        .max_by_key(|a| a.villages.len())
        .map(|a| a.town.code);
    for (ti, Area { town, villages }) in towns.iter().enumerate() {
        if villages.is_empty() {
            continue;
        }
        let model = Some(town.code) == model_town;
        let n = villages.len();
        // Ranks for last year and the year before, a permutation each.
        let ranks_last = rng.permutation(n);
        let ranks_before = rng.permutation(n);
        // Town-level training sessions of last year: two, 4 and 3 days.
        let s_code = |k: usize| format!("{}-{}-{k}", town.code, year - 1);
        for (k, days, month) in [(1, 4, 4), (2, 3, 9)] {
            demo.training_sessions.push(TrainingSession {
                code: s_code(k),
                title: format!("{}{}年第{k}期村党组织书记集中培训", town.name, year - 1),
                level: TrainingLevel::Town,
                form: if k == 1 {
                    SessionForm::Centralised
                } else {
                    SessionForm::SmallClass
                },
                town: Some(town.code),
                start: date(year - 1, month, 10),
                end: date(year - 1, month, 10) + Duration::days(days - 1),
                days: Decimal::from(days),
            });
        }
        if ti == 0 {
            demo.training_sessions.push(TrainingSession {
                code: format!("city-{}", year - 1),
                title: format!("{}年全市村党组织书记集中轮训", year - 1),
                level: TrainingLevel::City,
                form: SessionForm::Centralised,
                town: None,
                start: date(year - 1, 6, 3),
                end: date(year - 1, 6, 5),
                days: Decimal::from(3),
            });
        }

        for (vi, v) in villages.iter().enumerate() {
            // Village facts for the two years before this one.
            let exemplary = model && 2 * ranks_last[vi] <= n;
            let mut stars = [2u8, 3, 4, 4, 4, 5, 5, 5][rng.below(8)];
            let mut income = Decimal::new(
                [300, 850, 999, 1000, 1250, 3000, 6800, 15000][rng.below(8)],
                2,
            );
            if exemplary {
                stars = stars.max(4);
                income = income.max(Decimal::from(12));
            }
            for (y, rank) in [(year - 2, ranks_before[vi]), (year - 1, ranks_last[vi])] {
                demo.village_years.push(VillageYear {
                    village: v.code,
                    year: y,
                    stars,
                    collective_income_wan: income,
                    assessment_score: Some(Decimal::new(10_000 - rank as i64 * 35, 2)),
                    assessment_rank: Some(rank as u32),
                });
            }

            // The secretary: 28 to 62 years old, a history of one or two terms.
            let age = 28 + rng.below(35) as i32;
            let birth = date(year - age, 1 + rng.below(12) as u8, 1 + rng.below(28) as u8);
            let sec = maker.make(birth, education(&mut rng));
            let mut tenure_years = [0, 1, 1, 2, 3, 3, 5, 8, 12][rng.below(9)];
            if exemplary {
                tenure_years = tenure_years.max(3);
            }
            let start = date(year - tenure_years - 1, 1 + rng.below(12) as u8, 1);
            if tenure_years >= 5 {
                // Two terms that join: continuous tenure is derived from both.
                let mid = date(year - 3, 1, 1);
                demo.posts.push(Post {
                    person: sec.id.clone(),
                    village: v.code,
                    role: PostRole::Secretary,
                    start,
                    end: Some(mid - Duration::days(1)),
                });
                demo.posts.push(Post {
                    person: sec.id.clone(),
                    village: v.code,
                    role: PostRole::Secretary,
                    start: mid,
                    end: None,
                });
            } else {
                demo.posts.push(Post {
                    person: sec.id.clone(),
                    village: v.code,
                    role: PostRole::Secretary,
                    start,
                    end: None,
                });
            }
            for y in [year - 1, year] {
                demo.three_good.push(ThreeGood {
                    person: sec.id.clone(),
                    year: y,
                    passed: exemplary || rng.below(10) != 0,
                    note: String::new(),
                });
            }
            demo.people.push(sec);

            // Two other committee members; some under 35 (young cadres).
            for role in [PostRole::CommitteeDirector, PostRole::CommitteeMember] {
                let young = rng.below(3) == 0;
                let age = if young {
                    24 + rng.below(13) as i32
                } else {
                    36 + rng.below(20) as i32
                };
                let birth = date(year - age, 1 + rng.below(12) as u8, 1 + rng.below(28) as u8);
                let person = maker.make(birth, education(&mut rng));
                demo.posts.push(Post {
                    person: person.id.clone(),
                    village: v.code,
                    role,
                    start: date(year - 2 - rng.below(4) as i32, 1, 1),
                    end: None,
                });
                if young {
                    let programme_start = date(year - 1 - rng.below(3) as i32, 3, 1);
                    demo.young_cadres.push(YoungCadre {
                        person: person.id.clone(),
                        village: v.code,
                        programme_start,
                        current_pay: Decimal::from([0, 2500, 3000, 5200][rng.below(4)]),
                        score: Decimal::new(6000 + rng.below(3800) as i64, 2),
                        filed_on: Some(date(year - 1, 3, 15)),
                    });
                }
                demo.people.push(person);
            }
        }
    }
    decide_lists(&mut demo, &towns, as_of, p, &mut rng, &mut maker);
    town_years_and_secondments(&mut demo, as_of);
    young_within_caps(&mut demo, as_of, p);
    demo
}

/// The demo keeps Article 10: of each town's young cadres, those within
/// the age limit on `as_of` stay on the programme, the longest on it
/// first, at most the town's cap; the others stay committee members (and
/// reserves, when listed). Done last, so no draw of the generator moves.
fn young_within_caps(demo: &mut Demo, as_of: Date, p: &Params) {
    use std::collections::HashMap;
    use touyan_rules::art10_young_cadres;
    let mut villages: HashMap<TownCode, u32> = HashMap::new();
    for v in demo
        .villages
        .iter()
        .filter(|v| v.kind == CommitteeKind::Villagers)
    {
        *villages.entry(v.code.town()).or_default() += 1;
    }
    let mut order: Vec<usize> = (0..demo.young_cadres.len()).collect();
    order.sort_by_key(|&i| {
        let y = &demo.young_cadres[i];
        (y.village.town(), y.programme_start, y.village)
    });
    let mut taken: HashMap<TownCode, u32> = HashMap::new();
    let mut keep = vec![false; demo.young_cadres.len()];
    for i in order {
        let y = &demo.young_cadres[i];
        let t = y.village.town();
        let cap = art10_young_cadres::cap(p, villages.get(&t).copied().unwrap_or(0)).outcome;
        let n = taken.entry(t).or_default();
        if art10_young_cadres::age(p, y.person.birth_date(), as_of).outcome && *n < cap {
            *n += 1;
            keep[i] = true;
        }
    }
    let mut keep = keep.into_iter();
    demo.young_cadres.retain(|_| keep.next().unwrap_or(false));
}

/// Each town's pay settings for last year and this year, its reserve
/// training report of last year, and one city secondment of last year for
/// a secretary on its list, with a work log. A generator of its own, so
/// that the records made before stay as they were.
fn town_years_and_secondments(demo: &mut Demo, as_of: Date) {
    const HOSTS: [&str; 4] = ["市农业农村局", "市乡村振兴局", "市供销合作社", "市水利局"];
    let mut rng = Rng::new(8);
    let year = as_of.year();
    let mut settings = Vec::new();
    let mut reports = Vec::new();
    for town in &demo.towns {
        let salary = [420_000, 432_115, 398_050, 450_000][rng.below(4)];
        let factor = 60 + 5 * rng.below(9) as i64;
        for (y, raise) in [(year - 1, 0), (year, 10_000)] {
            settings.push(TownYear {
                town: town.code,
                year: y,
                reference_salary: Decimal::new(salary + raise, 2),
                young_cadre_factor: Decimal::new(factor, 2),
            });
        }
        reports.push(ReserveReport {
            town: town.code,
            year: year - 1,
            submitted_on: date(year - 1, 12, 10 + rng.below(15) as u8),
            summary: format!(
                "{}{}年后备力量培养：集中培训 {} 期，结对帮带 {} 对，到村实践 {} 人次",
                town.name,
                year - 1,
                1 + rng.below(3),
                5 + rng.below(20),
                10 + rng.below(40)
            ),
        });
    }
    demo.town_years.extend(settings);
    demo.reserve_reports.extend(reports);

    let mut seconded: Vec<(TownCode, CitizenId)> = Vec::new();
    for e in demo.list_entries.iter().filter(|e| e.year == year - 1) {
        if !seconded.iter().any(|(t, _)| *t == e.town) {
            seconded.push((e.town, e.person.clone()));
        }
    }
    for (_, person) in seconded {
        let month = 3 + rng.below(6) as u8;
        let months = 1 + rng.below(2) as u8;
        let start = date(year - 1, month, 1);
        let end = date(year - 1, month + months, 1) - Duration::days(1);
        let host = HOSTS[rng.below(HOSTS.len())];
        demo.secondments.push(Secondment {
            person: person.clone(),
            level: SecondmentLevel::City,
            host_unit: host.to_string(),
            start,
            end,
            appraisal: Some(format!(
                "挂职期间工作认真，能较快熟悉{host}业务，按时完成交办任务，表现良好"
            )),
        });
        demo.work_logs.push(WorkLog {
            person: person.clone(),
            secondment_start: start,
            on: start,
            text: format!("到{host}报到，熟悉岗位职责和业务流程"),
        });
        if rng.below(2) == 0 {
            demo.work_logs.push(WorkLog {
                person,
                secondment_start: start,
                on: start + Duration::days(14),
                text: "随科室下乡调研，整理村集体经济发展情况".to_string(),
            });
        }
    }
}

/// Last year's and this year's lists, decided by the rules and filed, and
/// what follows from them: training attended, evaluations, admonitions,
/// exits, reserves, plans.
fn decide_lists(
    demo: &mut Demo,
    towns: &[Area<'_>],
    as_of: Date,
    p: &Params,
    rng: &mut Rng,
    maker: &mut PersonMaker<'_>,
) {
    use std::collections::{HashMap, HashSet};
    let year = as_of.year();
    // Indexes, so that a province decides in linear time.
    let mut secretary_posts: HashMap<VillageCode, Vec<Post>> = HashMap::new();
    for post in demo.posts.iter().filter(|x| x.role == PostRole::Secretary) {
        secretary_posts
            .entry(post.village)
            .or_default()
            .push(post.clone());
    }
    let people: HashMap<&CitizenId, &Person> = demo.people.iter().map(|x| (&x.id, x)).collect();
    let facts: HashMap<(VillageCode, i32), &VillageYear> = demo
        .village_years
        .iter()
        .map(|f| ((f.village, f.year), f))
        .collect();
    let good: HashSet<(&CitizenId, i32)> = demo
        .three_good
        .iter()
        .filter(|g| g.passed)
        .map(|g| (&g.person, g.year))
        .collect();
    let mut entries = Vec::new();
    for y in [year - 1, year] {
        let on = date(y, 1, 1);
        for Area { town, villages } in towns {
            let n = villages.len() as u32;
            if n == 0 {
                continue;
            }
            let mut eligible = Vec::new();
            for v in villages.iter() {
                let Some(posts) = secretary_posts.get(&v.code) else {
                    continue;
                };
                let Some(post) = posts.iter().find(|x| x.end.is_none()) else {
                    continue;
                };
                let Some(person) = people.get(&post.person) else {
                    continue;
                };
                let tenure_start = touyan_records::model::continuous_since(
                    posts,
                    &person.id,
                    &v.code,
                    PostRole::Secretary,
                    on,
                );
                let Some(tenure_start) = tenure_start else {
                    continue;
                };
                let Some(facts) = facts.get(&(v.code, y - 1)) else {
                    continue;
                };
                let s = SecretaryFacts {
                    birth_date: person.id.birth_date(),
                    degree: person.degree(),
                    tenure_start,
                    three_good_three_strong: good.contains(&(&person.id, y)),
                };
                let vf = VillageFacts {
                    stars: u32::from(facts.stars),
                    collective_income_wan: facts.collective_income_wan,
                    last_year_rank: facts.assessment_rank,
                    village_count: n,
                };
                if art01_inclusion::eligibility(p, &s, &vf, on).eligible() {
                    eligible.push((
                        v.code,
                        person.id.clone(),
                        // Eligible, so ranked.
                        facts.assessment_rank.unwrap_or(u32::MAX),
                        facts.stars,
                    ));
                }
            }
            let quota = art01_inclusion::quota(p, n).outcome;
            let codes: Vec<String> = eligible.iter().map(|e| e.0.to_string()).collect();
            let candidates: Vec<art01_inclusion::Candidate<'_>> = eligible
                .iter()
                .zip(&codes)
                .map(|(e, c)| art01_inclusion::Candidate {
                    last_year_rank: e.2,
                    village_code: c,
                })
                .collect();
            let list = art01_inclusion::proposed_list(&candidates, quota).outcome;
            let stars: Vec<u32> = list.iter().map(|&i| u32::from(eligible[i].3)).collect();
            let tiers = art13_pay::assign_tiers(p, &stars);
            for (&i, tier) in list.iter().zip(&tiers) {
                let (village, person, _, _) = &eligible[i];
                entries.push(ListEntry {
                    town: town.code,
                    year: y,
                    person: person.clone(),
                    village: *village,
                    tier: tier.outcome,
                    status: ListStatus::Filed,
                });
            }
        }
    }
    drop((secretary_posts, people, facts, good));
    demo.list_entries.extend(entries);
    follow_ups(demo, as_of, p, rng, maker);
    post_reserves(demo, as_of, maker);
}

/// 一职一备: a reserve for most other two-committee posts of the listed
/// villages, a few missing. A generator of its own, so the rest of the demo
/// stays as it was before post reserves were added.
fn post_reserves(demo: &mut Demo, as_of: Date, maker: &mut PersonMaker<'_>) {
    use std::collections::HashSet;
    let year = as_of.year();
    let mut rng = Rng::new(0x0901_0901_0901_0901);
    let listed: HashSet<VillageCode> = demo.list_entries.iter().map(|e| e.village).collect();
    let held: Vec<(VillageCode, PostRole)> = demo
        .posts
        .iter()
        .filter(|x| x.role != PostRole::Secretary && x.end.is_none() && listed.contains(&x.village))
        .map(|x| (x.village, x.role))
        .collect();
    for (village, role) in held {
        if rng.below(5) == 0 {
            continue;
        }
        let age = 25 + rng.below(20) as i32;
        let birth = date(year - age, 1 + rng.below(12) as u8, 1 + rng.below(28) as u8);
        let person = maker.make(birth, education(&mut rng));
        demo.reserves.push(Reserve {
            person: person.id.clone(),
            village,
            post: role,
            listed_on: date(year - 1 - rng.below(2) as i32, 1 + rng.below(12) as u8, 1),
            removed_on: None,
        });
        demo.people.push(person);
    }
}

// One piece: the generator's draws happen in this order and fix the demo.
fn follow_ups(
    demo: &mut Demo,
    as_of: Date,
    p: &Params,
    rng: &mut Rng,
    maker: &mut PersonMaker<'_>,
) {
    let year = as_of.year();
    let listed: Vec<ListEntry> = demo
        .list_entries
        .iter()
        .filter(|e| e.year == year - 1)
        .cloned()
        .collect();
    let city_session = demo
        .training_sessions
        .iter()
        .find(|s| s.level == TrainingLevel::City)
        .map(|s| s.code.clone());
    let mut town_sessions: std::collections::HashMap<TownCode, Vec<String>> = Default::default();
    for s in &demo.training_sessions {
        if let Some(t) = s.town {
            town_sessions.entry(t).or_default().push(s.code.clone());
        }
    }
    let mut young_by_village: std::collections::HashMap<VillageCode, Vec<CitizenId>> =
        Default::default();
    for y in &demo.young_cadres {
        young_by_village
            .entry(y.village)
            .or_default()
            .push(y.person.clone());
    }
    for e in &listed {
        // Training last year: most attend everything, some miss a session.
        let sessions: Vec<String> = town_sessions
            .get(&e.town)
            .into_iter()
            .flatten()
            .cloned()
            .chain(city_session.clone())
            .collect();
        for code in sessions {
            if rng.below(8) != 0 {
                demo.attendance.push(Attendance {
                    session: code,
                    person: e.person.clone(),
                    reflection_filed_on: (rng.below(6) != 0).then(|| date(year - 1, 11, 30)),
                    poor_result: rng.below(25) == 0,
                });
            }
        }
        // Evaluations of both halves of last year.
        for half in [1u8, 2] {
            let roll = rng.below(100);
            let (members, reps) = match roll {
                0..=2 => ((24, 4, 12), (8, 2, 5)), // below 80%: exit
                3..=9 => ((34, 5, 6), (12, 2, 2)), // 80%–90%: interview
                _ => ((40, 5, 1), (15, 2, 0)),     // above 90%
            };
            let group = |g: RaterGroup, (c, b, n): (u32, u32, u32)| Ballots {
                person: e.person.clone(),
                year: year - 1,
                half,
                group: g,
                competent: c,
                basically_competent: b,
                not_competent: n,
            };
            demo.ballots.push(group(RaterGroup::PartyMembers, members));
            demo.ballots.push(group(RaterGroup::PublicReps, reps));
            demo.ballots
                .push(group(RaterGroup::LiaisonCadres, (3, 1, 0)));
            demo.ballots
                .push(group(RaterGroup::TownCommittee, (5, 0, 0)));
            let b = |(c, bb, nn): (u32, u32, u32)| art12_competency::Ballots {
                competent: c,
                basically_competent: bb,
                not_competent: nn,
            };
            let held = date(year - 1, if half == 1 { 7 } else { 12 }, 20);
            match art12_competency::competency(p, b(members), b(reps)).map(|d| d.outcome.action) {
                Some(Action::Interview) => demo.admonitions.push(Admonition {
                    person: e.person.clone(),
                    held_on: held,
                    article: 12,
                    reason: "党员和群众代表测评胜任率达不到 90%".to_string(),
                    make_up_study_done_on: None,
                }),
                Some(Action::Exit) if half == 2 => demo.exits.push(Exit {
                    person: e.person.clone(),
                    on: held,
                    reason: ExitReason::FailedEvaluation,
                    note: "测评胜任率达不到 80%，经镇街党(工)委认定不能胜任".to_string(),
                    programme: Programme::Secretary,
                }),
                _ => {}
            }
        }
        // Reserves for secretary: mostly two or three, some short (fewer
        // than two). Young cadres of the village first (Article 10), then
        // other villagers.
        let reserves = [0, 1, 1, 2, 2, 2, 2, 3, 3, 3][rng.below(10)];
        for _ in 0..reserves {
            let listed_on = date(year - 1 - rng.below(2) as i32, 1 + rng.below(12) as u8, 1);
            let person = match young_by_village.get_mut(&e.village).and_then(|v| v.pop()) {
                Some(young) => young,
                None => {
                    let age = 25 + rng.below(20) as i32;
                    let birth = date(year - age, 1 + rng.below(12) as u8, 1 + rng.below(28) as u8);
                    let p = maker.make(birth, education(rng));
                    let id = p.id.clone();
                    demo.people.push(p);
                    id
                }
            };
            demo.reserves.push(Reserve {
                person,
                village: e.village,
                post: PostRole::Secretary,
                listed_on,
                removed_on: None,
            });
        }
        // This year's plan: some reviewed and noticed, a few filed.
        let step = rng.below(4);
        demo.annual_plans.push(AnnualPlan {
            person: e.person.clone(),
            year,
            reviewed_on: (step >= 1).then(|| date(year, 1, 15)),
            notice_start: (step >= 2).then(|| date(year, 1, 20)),
            notice_end: (step >= 2).then(|| date(year, 1, 26)),
            filed_on: (step >= 3).then(|| date(year, 2, 1)),
        });
    }
}

/// The towns' answers to the conditions a city's policy adds
/// (`conditions`: those in force on `on`, `[[conditions]]`), added to
/// `demo` for every secretary in post on `on`, recorded that day. Fixed
/// by the ID number, as a town's would be by its people: one secretary in
/// twenty answered 否 and one in twenty not yet recorded (both fail the
/// condition, the second "未记录"), the rest 是. With the shipped policy
/// (no conditions) nothing is added.
pub fn add_condition_answers(
    demo: &mut Demo,
    conditions: &[touyan_rules::policy::ExtraCondition],
    on: Date,
) {
    let mut secretaries: Vec<&CitizenId> = demo
        .posts
        .iter()
        .filter(|p| p.role == PostRole::Secretary && p.start <= on && p.end.is_none_or(|e| e >= on))
        .map(|p| &p.person)
        .collect();
    secretaries.sort();
    secretaries.dedup();
    let mut answers = Vec::new();
    for person in secretaries {
        let draw: u32 = person
            .as_str()
            .bytes()
            .map(u32::from)
            .fold(0, |h, b| h.wrapping_mul(31).wrapping_add(b));
        for (k, c) in conditions.iter().filter(|c| c.since <= on).enumerate() {
            let answer = match draw.wrapping_add(k as u32 * 7) % 20 {
                0 => false,
                1 => continue,
                _ => true,
            };
            answers.push(ConditionAnswer {
                person: person.clone(),
                condition: c.id.clone(),
                answer,
                recorded_on: on,
                note: String::new(),
            });
        }
    }
    demo.condition_answers = answers;
}

/// A made-up one-card (一卡通) account for `person`: 19 digits, the
/// prefix of a common bank card and 15 digits fixed by the ID number (not
/// a real account; the demo records one for every listed secretary
/// through the office, as a town's operator would).
pub fn one_card_account(person: &CitizenId) -> String {
    let mut h: u64 = 1_469_598_103_934_665_603;
    for b in person.as_str().bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(1_099_511_628_211);
    }
    format!("6228{:015}", h % 1_000_000_000_000_000)
}
