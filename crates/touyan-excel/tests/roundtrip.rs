//! Export → read back → the same roster, over generated rosters.

mod common;

use std::collections::HashSet;
use std::hash::Hash;

use common::*;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use rust_decimal::Decimal;
use time::{Date, Duration, Month};
use touyan_excel::{Roster, read_workbook, write_roster};
use touyan_records::model::*;
use touyan_records::{CitizenId, VillageCode};
use touyan_rules::people::Education;

fn labelled<E: Labelled + std::fmt::Debug>() -> impl Strategy<Value = E> {
    select(E::ALL.to_vec())
}

fn day() -> impl Strategy<Value = Date> {
    (1950i32..2040, 1u8..=12, 1u8..=28)
        .prop_map(|(y, m, d)| Date::from_calendar_date(y, Month::try_from(m).unwrap(), d).unwrap())
}

fn later(from: Date) -> impl Strategy<Value = Date> {
    (0i64..2000).prop_map(move |n| from + Duration::days(n))
}

fn text() -> impl Strategy<Value = String> {
    "[\\p{Han}A-Za-z0-9（）·]{1,6}( [\\p{Han}A-Za-z0-9]{1,6})?"
}

fn money(places: u32) -> impl Strategy<Value = Decimal> {
    (0i64..100_000_000).prop_map(move |n| Decimal::new(n, places))
}

fn village() -> impl Strategy<Value = VillageCode> {
    select(VILLAGES.to_vec()).prop_map(|v| VillageCode::parse(v).unwrap())
}

fn person() -> impl Strategy<Value = Person> {
    (
        select(vec!["370783", "110105", "440524"]),
        1950i32..2005,
        1u8..=12,
        1u8..=28,
        0u32..1000,
        text(),
        (
            proptest::option::of(labelled::<Education>()),
            labelled::<Education>(),
            any::<bool>(),
        ),
    )
        .prop_map(
            |(area, y, m, d, seq, name, (full_time, other, in_service))| Person {
                id: id(&with_check(&format!("{area}{y:04}{m:02}{d:02}{seq:03}"))),
                name,
                // At least one of the two kinds (the sheet's own check).
                full_time_education: full_time,
                in_service_education: (full_time.is_none() || in_service).then_some(other),
            },
        )
}

fn dedup<T, K: Hash + Eq>(v: &mut Vec<T>, key: impl Fn(&T) -> K) {
    let mut seen = HashSet::new();
    v.retain(|x| seen.insert(key(x)));
}

type Who = Index;

fn roster() -> impl Strategy<Value = Roster> {
    let n = || 0usize..3;
    let posts = prop::collection::vec(
        (
            any::<Who>(),
            village(),
            labelled::<PostRole>(),
            day(),
            any::<bool>(),
        )
            .prop_flat_map(|(w, v, r, s, open)| {
                (
                    Just((w, v, r, s)),
                    later(s).prop_map(move |e| (!open).then_some(e)),
                )
            }),
        n(),
    );
    let village_years = prop::collection::vec(
        (
            village(),
            2000i32..2030,
            0u8..=5,
            money(2),
            proptest::option::of(money(2)),
            proptest::option::of(1u32..200),
        )
            .prop_map(|(village, year, stars, income, score, rank)| VillageYear {
                village,
                year,
                stars,
                collective_income_wan: income,
                assessment_score: score,
                assessment_rank: rank,
            }),
        n(),
    );
    let three_goods = prop::collection::vec(
        (
            any::<Who>(),
            2000i32..2030,
            any::<bool>(),
            prop_oneof![Just(String::new()), text()],
        ),
        n(),
    );
    let sessions = prop::collection::vec(
        (
            "[A-Z0-9-]{1,8}",
            text(),
            labelled::<TrainingLevel>(),
            labelled::<SessionForm>(),
            village(),
            any::<bool>(),
            day(),
            0i64..30,
            1i64..40,
        )
            .prop_map(|(code, title, level, form, v, town, start, len, halves)| {
                TrainingSession {
                    code,
                    title,
                    level,
                    form,
                    town: (level == TrainingLevel::Town || town).then(|| v.town()),
                    start,
                    end: start + Duration::days(len),
                    days: Decimal::new(halves * 5, 1),
                }
            }),
        n(),
    );
    let attendances = prop::collection::vec(
        (
            any::<Index>(),
            any::<Who>(),
            proptest::option::of(day()),
            any::<bool>(),
        ),
        n(),
    );
    let ballots = prop::collection::vec(
        (
            any::<Who>(),
            2000i32..2030,
            1u8..=2,
            labelled::<RaterGroup>(),
            0u32..500,
            0u32..500,
            0u32..500,
        ),
        n(),
    );
    let admonitions = prop::collection::vec(
        (
            any::<Who>(),
            day(),
            select(vec![6u8, 12]),
            text(),
            any::<bool>(),
        )
            .prop_flat_map(|(w, held, art, reason, done)| {
                (
                    Just((w, held, art, reason)),
                    later(held).prop_map(move |d| done.then_some(d)),
                )
            }),
        n(),
    );
    let exams = prop::collection::vec(
        (any::<Who>(), labelled::<CourseKind>(), day(), any::<bool>()),
        n(),
    );
    let certificates = prop::collection::vec((any::<Who>(), "[0-9A-Z]{1,24}", day()), n());
    let secondments = prop::collection::vec(
        (
            any::<Who>(),
            labelled::<SecondmentLevel>(),
            text(),
            day(),
            proptest::option::of(text()),
        )
            .prop_flat_map(|(w, l, host, start, appraisal)| {
                (Just((w, l, host, start, appraisal)), later(start))
            }),
        n(),
    );
    let reserves = prop::collection::vec(
        (
            any::<Who>(),
            village(),
            labelled::<PostRole>(),
            day(),
            any::<bool>(),
        )
            .prop_flat_map(|(w, v, p, listed, removed)| {
                (
                    Just((w, v, p, listed)),
                    later(listed).prop_map(move |d| removed.then_some(d)),
                )
            }),
        n(),
    );
    let young = prop::collection::vec(
        (
            any::<Who>(),
            village(),
            day(),
            money(2),
            (0i64..10_000).prop_map(|n| Decimal::new(n, 2)),
            proptest::option::of(day()),
        ),
        n(),
    );
    let plans = prop::collection::vec(
        (
            any::<Who>(),
            2000i32..2030,
            proptest::option::of(day()),
            proptest::option::of(day()),
            any::<bool>(),
            proptest::option::of(day()),
        )
            .prop_flat_map(|(w, y, reviewed, ns, has_end, filed)| {
                let end = match ns {
                    Some(s) => later(s).prop_map(move |e| has_end.then_some(e)).boxed(),
                    None => Just(None).boxed(),
                };
                (Just((w, y, reviewed, ns, filed)), end)
            }),
        n(),
    );
    let list = prop::collection::vec(
        (
            any::<Who>(),
            2000i32..2030,
            village(),
            1u8..=3,
            labelled::<ListStatus>(),
        ),
        n(),
    );
    let pay = prop::collection::vec(
        (
            any::<Who>(),
            2000i32..2040,
            1u8..=12,
            labelled::<PayKind>(),
            labelled::<FundingSource>(),
            0i64..100_000_000,
        ),
        n(),
    );
    let exits = prop::collection::vec(
        (
            any::<Who>(),
            day(),
            labelled::<ExitReason>(),
            prop_oneof![Just(String::new()), text()],
        ),
        n(),
    );
    let work_logs = prop::collection::vec((any::<Index>(), 0i64..200, text()), n());
    let reserve_reports = prop::collection::vec((village(), 2000i32..2030, day(), text()), n());
    let town_years = prop::collection::vec(
        (
            village(),
            2000i32..2030,
            (1i64..100_000_000).prop_map(|n| Decimal::new(n, 2)),
            (0i64..=100).prop_map(|n| Decimal::new(n, 2)),
        ),
        n(),
    );
    (
        prop::collection::vec(person(), 1..5),
        (
            posts,
            village_years,
            three_goods,
            sessions,
            attendances,
            ballots,
        ),
        (
            admonitions,
            exams,
            certificates,
            secondments,
            reserves,
            young,
        ),
        (
            plans,
            list,
            pay,
            exits,
            work_logs,
            reserve_reports,
            town_years,
        ),
    )
        .prop_map(
            |(
                mut persons,
                (posts, village_years, three_goods, sessions, attendances, ballots),
                (admonitions, exams, certificates, secondments, reserves, young),
                (plans, list, pay, exits, work_logs, reserve_reports, town_years),
            )| {
                dedup(&mut persons, |p| p.id.clone());
                let ids: Vec<CitizenId> = persons.iter().map(|p| p.id.clone()).collect();
                let who = |w: &Who| w.get(&ids).clone();
                let mut r = Roster {
                    people: persons,
                    village_years,
                    training_sessions: sessions,
                    ..Roster::default()
                };
                r.posts = posts
                    .iter()
                    .map(|((w, v, role, start), end)| Post {
                        person: who(w),
                        village: *v,
                        role: *role,
                        start: *start,
                        end: *end,
                    })
                    .collect();
                r.three_good = three_goods
                    .iter()
                    .map(|(w, year, passed, note)| ThreeGood {
                        person: who(w),
                        year: *year,
                        passed: *passed,
                        note: note.clone(),
                    })
                    .collect();
                // Answers to a city's added conditions, from the same draws.
                r.condition_answers = three_goods
                    .iter()
                    .map(|(w, year, passed, note)| ConditionAnswer {
                        person: who(w),
                        condition: format!("cond_{}", year % 3),
                        answer: *passed,
                        recorded_on: Date::from_calendar_date(*year, time::Month::March, 1)
                            .unwrap(),
                        note: note.clone(),
                    })
                    .collect();
                // Parts of the pay, from the same draws.
                r.pay_parts = three_goods
                    .iter()
                    .map(|(w, year, passed, note)| PayPartRecord {
                        person: who(w),
                        month: Date::from_calendar_date(*year, time::Month::May, 1).unwrap(),
                        part: if *passed {
                            PayPart::Basic
                        } else {
                            PayPart::Pension
                        },
                        amount_fen: i64::from(*year) * 101,
                        channel: if note.trim().is_empty() || note.chars().count() > 30 {
                            "镇街财政".to_owned()
                        } else {
                            note.trim().to_owned()
                        },
                        recorded_on: Date::from_calendar_date(*year, time::Month::June, 3).unwrap(),
                    })
                    .collect();
                dedup(&mut r.training_sessions, |s| s.code.clone());
                if !r.training_sessions.is_empty() {
                    let codes: Vec<String> =
                        r.training_sessions.iter().map(|s| s.code.clone()).collect();
                    r.attendance = attendances
                        .iter()
                        .map(|(s, w, filed, poor)| Attendance {
                            session: s.get(&codes).clone(),
                            person: who(w),
                            reflection_filed_on: *filed,
                            poor_result: *poor,
                        })
                        .collect();
                }
                r.ballots = ballots
                    .iter()
                    .map(|(w, year, half, group, c, b, nc)| Ballots {
                        person: who(w),
                        year: *year,
                        half: *half,
                        group: *group,
                        competent: *c,
                        basically_competent: *b,
                        not_competent: *nc,
                    })
                    .collect();
                r.admonitions = admonitions
                    .iter()
                    .map(|((w, held, art, reason), done)| Admonition {
                        person: who(w),
                        held_on: *held,
                        article: *art,
                        reason: reason.clone(),
                        make_up_study_done_on: *done,
                    })
                    .collect();
                r.exam_results = exams
                    .iter()
                    .map(|(w, course, on, passed)| ExamResult {
                        person: who(w),
                        course: *course,
                        taken_on: *on,
                        passed: *passed,
                    })
                    .collect();
                r.certificates = certificates
                    .iter()
                    .map(|(w, number, on)| Certificate {
                        person: who(w),
                        number: number.clone(),
                        issued_on: *on,
                    })
                    .collect();
                r.secondments = secondments
                    .iter()
                    .map(|((w, level, host, start, appraisal), end)| Secondment {
                        person: who(w),
                        level: *level,
                        host_unit: host.clone(),
                        start: *start,
                        end: *end,
                        appraisal: appraisal.clone(),
                    })
                    .collect();
                r.reserves = reserves
                    .iter()
                    .map(|((w, v, post, listed), removed)| Reserve {
                        person: who(w),
                        village: *v,
                        post: *post,
                        listed_on: *listed,
                        removed_on: *removed,
                    })
                    .collect();
                r.young_cadres = young
                    .iter()
                    .map(|(w, v, start, pay, score, filed)| YoungCadre {
                        person: who(w),
                        village: *v,
                        programme_start: *start,
                        current_pay: *pay,
                        score: *score,
                        filed_on: *filed,
                    })
                    .collect();
                r.annual_plans = plans
                    .iter()
                    .map(|((w, year, reviewed, ns, filed), ne)| AnnualPlan {
                        person: who(w),
                        year: *year,
                        reviewed_on: *reviewed,
                        notice_start: *ns,
                        notice_end: *ne,
                        filed_on: *filed,
                    })
                    .collect();
                r.list_entries = list
                    .iter()
                    .map(|(w, year, v, tier, status)| ListEntry {
                        town: v.town(),
                        year: *year,
                        person: who(w),
                        village: *v,
                        tier: *tier,
                        status: *status,
                    })
                    .collect();
                r.pay_records = pay
                    .iter()
                    .map(|(w, y, m, kind, source, fen)| PayRecord {
                        person: who(w),
                        month: Date::from_calendar_date(*y, Month::try_from(*m).unwrap(), 1)
                            .unwrap(),
                        kind: *kind,
                        source: *source,
                        amount_fen: *fen,
                    })
                    .collect();
                r.exits = exits
                    .iter()
                    .map(|(w, on, reason, note)| Exit {
                        person: who(w),
                        on: *on,
                        reason: *reason,
                        note: note.clone(),
                        programme: reason.programme().unwrap_or(Programme::Secretary),
                    })
                    .collect();
                dedup(&mut r.secondments, |s| (s.person.clone(), s.start));
                if !r.secondments.is_empty() {
                    r.work_logs = work_logs
                        .iter()
                        .map(|(s, days, text)| {
                            let s = s.get(&r.secondments);
                            // Within the secondment, as the reader insists.
                            let span = (s.end - s.start).whole_days().max(0);
                            WorkLog {
                                person: s.person.clone(),
                                secondment_start: s.start,
                                on: s.start + Duration::days(*days % (span + 1)),
                                text: text.clone(),
                            }
                        })
                        .collect();
                }
                r.reserve_reports = reserve_reports
                    .iter()
                    .map(|(v, year, on, summary)| ReserveReport {
                        town: v.town(),
                        year: *year,
                        submitted_on: *on,
                        summary: summary.clone(),
                    })
                    .collect();
                r.town_years = town_years
                    .iter()
                    .map(|(v, year, salary, factor)| TownYear {
                        town: v.town(),
                        year: *year,
                        reference_salary: *salary,
                        young_cadre_factor: *factor,
                    })
                    .collect();
                // The sheets' unique keys.
                dedup(&mut r.posts, |p| {
                    (p.person.clone(), p.village, p.role, p.start)
                });
                dedup(&mut r.village_years, |v| (v.village, v.year));
                dedup(&mut r.three_good, |t| (t.person.clone(), t.year));
                dedup(&mut r.condition_answers, |a| {
                    (a.person.clone(), a.condition.clone())
                });
                dedup(&mut r.pay_parts, |p| (p.person.clone(), p.month, p.part));
                dedup(&mut r.attendance, |a| (a.session.clone(), a.person.clone()));
                dedup(&mut r.ballots, |b| {
                    (b.person.clone(), b.year, b.half, b.group)
                });
                dedup(&mut r.admonitions, |a| {
                    (a.person.clone(), a.held_on, a.article)
                });
                dedup(&mut r.exam_results, |e| {
                    (e.person.clone(), e.course, e.taken_on)
                });
                dedup(&mut r.certificates, |c| c.number.clone());
                dedup(&mut r.secondments, |s| (s.person.clone(), s.start));
                dedup(&mut r.reserves, |x| {
                    (x.person.clone(), x.village, x.post, x.listed_on)
                });
                dedup(&mut r.young_cadres, |y| {
                    (y.person.clone(), y.programme_start)
                });
                dedup(&mut r.annual_plans, |p| (p.person.clone(), p.year));
                dedup(&mut r.list_entries, |l| (l.year, l.person.clone()));
                dedup(&mut r.pay_records, |p| {
                    (p.person.clone(), p.month, p.kind, p.source)
                });
                dedup(&mut r.exits, |e| (e.person.clone(), e.on));
                dedup(&mut r.work_logs, |w| {
                    (w.person.clone(), w.secondment_start, w.on)
                });
                dedup(&mut r.reserve_reports, |x| (x.town, x.year));
                dedup(&mut r.town_years, |x| (x.town, x.year));
                r
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn any_roster_reads_back_unchanged(r in roster()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("名册.xlsx");
        write_roster(&path, &r, None).unwrap();
        let back = read_workbook(&path, &known_village, &nobody).map_err(|e| {
            TestCaseError::fail(e.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))
        })?;
        prop_assert_eq!(back, r);
    }
}
