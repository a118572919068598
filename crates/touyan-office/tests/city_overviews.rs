//! The city's overviews of the training, qualification, reserves, young
//! cadres and exits pages (issue 18): one row per town asked for, each
//! counted from the town's own records by the town page's methods —
//! hand-counted here from the records each test adds to the common
//! town (洛城街道, T1); the other town (T2) has none of them. On SQLite
//! and PostgreSQL.

mod common;

use common::*;
use rust_decimal::Decimal;
use time::macros::date;
use touyan_office::{exits, qualifications, reserves, training, when, young_summary};
use touyan_records::model::*;
use touyan_records::{CommitteeKind, TownCode};
use touyan_rules::Policy;
use touyan_storage::testing::TestDb;
use touyan_storage::{Batch, Store, both_backends};

fn towns() -> Vec<TownCode> {
    vec![town(), TownCode::parse(T2).unwrap()]
}

async fn opened(db: &TestDb, extra: Batch) -> Store {
    let store = db.open().await;
    store.apply("测试", &records()).await.unwrap();
    store.apply("测试", &extra).await.unwrap();
    store
}

fn session(
    code: &str,
    level: TrainingLevel,
    t: Option<TownCode>,
    start: time::Date,
    days: u32,
) -> TrainingSession {
    TrainingSession {
        code: code.into(),
        title: format!("{code} 培训班"),
        level,
        form: SessionForm::ALL[0],
        town: t,
        start,
        end: start + time::Duration::days(i64::from(days) - 1),
        days: Decimal::from(days),
    }
}

fn attended(code: &str, person: touyan_records::CitizenId, poor: bool) -> Attendance {
    Attendance {
        session: code.into(),
        person,
        reflection_filed_on: Some(date!(2025 - 05 - 20)),
        poor_result: poor,
    }
}

async fn training_counts_each_town(db: TestDb) {
    let t2 = TownCode::parse(T2).unwrap();
    let store = opened(
        &db,
        Batch {
            training_sessions: vec![
                session("C1", TrainingLevel::City, None, date!(2025 - 03 - 01), 3),
                session(
                    "A1",
                    TrainingLevel::Town,
                    Some(town()),
                    date!(2025 - 04 - 01),
                    4,
                ),
                session(
                    "A2",
                    TrainingLevel::Town,
                    Some(town()),
                    date!(2025 - 05 - 01),
                    3,
                ),
                session(
                    "B1",
                    TrainingLevel::Town,
                    Some(t2),
                    date!(2025 - 04 - 01),
                    1,
                ),
            ],
            // 周九: city 3 days, two town sessions of 7 days — meets the
            // minimums; a poor result at A2, admonished, no make-up yet.
            // 赵六: one town session, a poor result, not admonished.
            attendance: vec![
                attended("C1", zhou(), false),
                attended("A1", zhou(), false),
                attended("A2", zhou(), true),
                attended("A1", zhao(), true),
            ],
            admonitions: vec![Admonition {
                person: zhou(),
                held_on: date!(2025 - 05 - 10),
                article: 6,
                reason: "学习效果差：已约谈".into(),
                make_up_study_done_on: None,
            }],
            ..Batch::default()
        },
    )
    .await;
    let rows = training::city_overview(&store, &Policy::example(), 2025, &towns())
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    let t1 = &rows[0];
    assert_eq!(t1.town, town());
    assert_eq!(
        (t1.listed, t1.compliant, t1.unjudged.is_none()),
        (2, 1, true)
    );
    assert_eq!((t1.town_sessions, t1.city_sessions), (2, 1));
    assert_eq!((t1.awaiting_admonition, t1.awaiting_make_up), (1, 1));
    // T2 has no filed list: nothing judged, its own session counted.
    let other = &rows[1];
    assert_eq!((other.listed, other.compliant), (0, 0));
    assert!(
        other
            .unjudged
            .as_deref()
            .is_some_and(|m| m.contains("名单")),
        "{other:?}"
    );
    assert_eq!((other.town_sessions, other.city_sessions), (1, 1));
    assert_eq!((other.awaiting_admonition, other.awaiting_make_up), (0, 0));
    // A year without a policy in force is refused as a whole.
    assert!(
        training::city_overview(&store, &Policy::example(), 1990, &towns())
            .await
            .is_err()
    );
}

async fn qualifications_count_each_town(db: TestDb) {
    let store = opened(
        &db,
        Batch {
            certificates: vec![Certificate {
                person: zhou(),
                number: "ZS-001".into(),
                issued_on: date!(2024 - 12 - 01),
            }],
            // 李四 has passed every required course: certifiable.
            exam_results: CourseKind::ALL
                .iter()
                .map(|c| ExamResult {
                    person: li(),
                    course: *c,
                    taken_on: date!(2025 - 03 - 01),
                    passed: true,
                })
                .collect(),
            ..Batch::default()
        },
    )
    .await;
    // 赵六 applies to a degree-study class, through the office.
    let ty = qualifications::town_year(&store, 2025, town())
        .await
        .unwrap();
    let op = by(touyan_workflow::Role::TownOperator, Some(T1));
    qualifications::enrol(
        &store,
        op,
        &ty,
        &zhao(),
        "专科学历培训班".into(),
        date!(2025 - 04 - 01),
        TODAY,
    )
    .await
    .unwrap();
    let params = when::params_on(&Policy::example(), TODAY).unwrap();
    let rows = qualifications::city_overview(&store, &params, 2025, TODAY, &towns())
        .await
        .unwrap();
    let t1 = &rows[0];
    assert_eq!((t1.cadres, t1.secretaries), (3, 2));
    assert_eq!((t1.certified, t1.without, t1.certifiable), (1, 2, 1));
    assert_eq!(t1.enrolments, 1);
    let other = &rows[1];
    assert_eq!(
        (
            other.cadres,
            other.certified,
            other.without,
            other.enrolments
        ),
        (0, 0, 0, 0)
    );
}

async fn reserves_count_each_town(db: TestDb) {
    let reserve = |village: u32, listed_on, removed_on| Reserve {
        person: li(),
        village: common::village(village),
        post: PostRole::Secretary,
        listed_on,
        removed_on,
    };
    // 第1村 has one secretary reserve of the two needed, 第3村 none (its
    // only one was removed before today).
    let store = opened(
        &db,
        Batch {
            reserves: vec![
                reserve(1, date!(2025 - 01 - 01), None),
                reserve(3, date!(2024 - 01 - 01), Some(date!(2025 - 02 - 01))),
            ],
            ..Batch::default()
        },
    )
    .await;
    let params = when::params_on(&Policy::example(), date!(2025 - 01 - 01)).unwrap();
    let rows = reserves::city_overview(&store, &params, 2025, TODAY, &towns())
        .await
        .unwrap();
    let t1 = &rows[0];
    assert_eq!((t1.villages, t1.short, t1.missing), (2, 2, 3));
    assert_eq!((t1.posts_short, t1.reserves), (0, 1));
    assert!(t1.unjudged.is_none() && !t1.reported);
    let other = &rows[1];
    assert_eq!((other.villages, other.short, other.reserves), (0, 0, 0));
    assert!(other.unjudged.is_some());
}

async fn exits_count_each_town(db: TestDb) {
    // 赵六 left in March; 周九 (born 1960) is past the age limit, no exit
    // on record: pending.
    let store = opened(
        &db,
        Batch {
            exits: vec![Exit {
                person: zhao(),
                on: date!(2025 - 03 - 01),
                programme: Programme::Secretary,
                reason: ExitReason::Other,
                note: "调任".into(),
            }],
            ..Batch::default()
        },
    )
    .await;
    let rows = exits::city_overview(&store, &Policy::example(), 2025, TODAY, &towns())
        .await
        .unwrap();
    let t1 = &rows[0];
    assert_eq!(t1.listed, 2);
    assert_eq!(t1.exits, vec![(ExitReason::Other, 1)]);
    assert_eq!((t1.exits_total(), t1.pending), (1, 1));
    // The year after: the March exit is not of it (nobody is listed).
    let next = exits::city_overview(&store, &Policy::example(), 2026, TODAY, &towns())
        .await
        .unwrap();
    assert_eq!((next[0].listed, next[0].exits_total()), (0, 0));
    let other = &rows[1];
    assert_eq!(
        (other.listed, other.exits_total(), other.pending),
        (0, 0, 0)
    );
}

async fn young_counts_each_town(db: TestDb) {
    let wu = cid("37078319950101002");
    let qian = cid("37078319960101004");
    let sun = cid("37078319970101006");
    let zheng = cid("37078319940101008");
    let person = |id: &touyan_records::CitizenId, name: &str| Person {
        id: id.clone(),
        name: name.into(),
        full_time_education: None,
        in_service_education: None,
    };
    let cadre = |id: &touyan_records::CitizenId, k, start, filed_on| YoungCadre {
        person: id.clone(),
        village: common::village(k),
        programme_start: start,
        current_pay: Decimal::from(3000),
        score: Decimal::from(90),
        filed_on,
    };
    let candidate = |id: &touyan_records::CitizenId, k, state| YoungCandidate {
        person: id.clone(),
        year: 2025,
        town: town(),
        village: common::village(k),
        score: Decimal::from(88),
        current_pay: Decimal::from(3000),
        note: String::new(),
        state,
        comment: String::new(),
        extended_to: None,
    };
    // Ten administrative villages: a cap of 3 (30%, rounded down).
    let store = opened(
        &db,
        Batch {
            villages: (4..=10)
                .map(|k| Village {
                    code: common::village(k),
                    name: format!("第{k}村村委会"),
                    kind: CommitteeKind::Villagers,
                })
                .collect(),
            people: vec![
                person(&wu, "吴一"),
                person(&qian, "钱二"),
                person(&sun, "孙三"),
                person(&zheng, "郑四"),
            ],
            // 吴一 filed; 郑四 filed last year, left in March; 钱二
            // selected, waiting for the city's filing; 孙三 scored.
            young_cadres: vec![
                cadre(&wu, 1, date!(2025 - 01 - 01), Some(date!(2025 - 01 - 10))),
                cadre(
                    &zheng,
                    2,
                    date!(2024 - 01 - 01),
                    Some(date!(2024 - 01 - 10)),
                ),
                cadre(&qian, 3, date!(2025 - 05 - 01), None),
            ],
            exits: vec![Exit {
                person: zheng.clone(),
                on: date!(2025 - 03 - 01),
                programme: Programme::Young,
                reason: ExitReason::Resigned,
                note: String::new(),
            }],
            ..Batch::default()
        },
    )
    .await;
    // The candidates' rows are the moves' to write (an import writes none).
    let change = |c: YoungCandidate, expected, kind| touyan_storage::YoungChange {
        candidate: c,
        expected,
        kind,
        comment: String::new(),
        cadre: None,
        remove_cadre: None,
        cap: None,
        off_programme: Vec::new(),
        reserve: None,
        remove_reserve: None,
    };
    let moves = [
        change(
            candidate(&sun, 4, YoungState::Candidate),
            None,
            YoungMoveKind::Score,
        ),
        change(
            candidate(&qian, 3, YoungState::Candidate),
            None,
            YoungMoveKind::Score,
        ),
        change(
            candidate(&qian, 3, YoungState::Selected),
            Some(YoungState::Candidate),
            YoungMoveKind::Select,
        ),
    ];
    for m in &moves {
        store.move_young("op1", None, m).await.unwrap();
    }
    let params = when::params_on(&Policy::example(), date!(2025 - 06 - 01)).unwrap();
    let rows = young_summary::city_overview(&store, &params, 2025, TODAY, &towns())
        .await
        .unwrap();
    let t1 = &rows[0];
    assert_eq!((t1.villages, t1.cap), (10, 3));
    // 吴一 and 钱二 hold places; 郑四 left.
    assert_eq!((t1.places, t1.waiting), (2, 1));
    assert_eq!((t1.awaiting_filing, t1.awaiting_extension), (1, 0));
    assert_eq!((t1.filed, t1.exits), (2, 1));
    let other = &rows[1];
    assert_eq!(
        (other.villages, other.cap, other.places, other.filed),
        (0, 0, 0, 0)
    );
}

both_backends!(training_overview, training_counts_each_town);
both_backends!(qualifications_overview, qualifications_count_each_town);
both_backends!(reserves_overview, reserves_count_each_town);
both_backends!(exits_overview, exits_count_each_town);
both_backends!(young_overview, young_counts_each_town);
