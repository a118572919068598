//! The storage suite. Every test body runs twice: on a fresh SQLite file and
//! on a fresh PostgreSQL database (`both_backends!`); PostgreSQL must be
//! reachable (see `touyan_storage::testing`).

use rust_decimal::Decimal;
use time::Date;
use time::macros::date;
use touyan_records::model::*;
use touyan_records::{CitizenId, CommitteeKind, TownCode, VillageCode};
use touyan_rules::people::Education;
use touyan_storage::testing::TestDb;
use touyan_storage::{
    Action, Batch, Divisions, Record, Store, StoreError, TABLES, Town, Village, both_backends,
};

/// A valid citizen ID number from its first 17 digits.
fn cid(first17: &str) -> CitizenId {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .bytes()
        .zip(W)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    CitizenId::parse(&format!("{first17}{check}")).expect("valid id")
}

fn town(code: &str, name: &str) -> Town {
    Town {
        code: TownCode::parse(code).unwrap(),
        name: name.into(),
    }
}

fn village(code: &str, name: &str) -> Village {
    Village {
        code: VillageCode::parse(code).unwrap(),
        name: name.into(),
        kind: CommitteeKind::classify(name),
    }
}

fn vc(code: &str) -> VillageCode {
    VillageCode::parse(code).unwrap()
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn person(first17: &str, name: &str) -> Person {
    Person {
        id: cid(first17),
        name: name.into(),
        full_time_education: None,
        in_service_education: Some(Education::College),
    }
}

const A: &str = "37078319700101001";
const B: &str = "37078319851231002";
const V1: &str = "370783100201";
const V2: &str = "370783100202";

/// One or two records of every kind, consistent with each other.
fn sample() -> Batch {
    let a = cid(A);
    let b = cid(B);
    let t = TownCode::parse("370783100").unwrap();
    Batch {
        towns: vec![town("370783100", "洛城街道"), town("370783001", "圣城街道")],
        villages: vec![
            village(V1, "东村村委会"),
            village(V2, "西村村民委员会"),
            village("370783001046", "向阳社区居民委员会"),
        ],
        people: vec![
            person(A, "张三"),
            Person {
                id: b.clone(),
                name: "李四".into(),
                full_time_education: Some(Education::Bachelor),
                in_service_education: None,
            },
        ],
        posts: vec![
            Post {
                person: a.clone(),
                village: vc(V1),
                role: PostRole::Secretary,
                start: date!(2018 - 01 - 01),
                end: Some(date!(2020 - 12 - 31)),
            },
            Post {
                person: a.clone(),
                village: vc(V1),
                role: PostRole::Secretary,
                start: date!(2021 - 01 - 01),
                end: None,
            },
            Post {
                person: b.clone(),
                village: vc(V2),
                role: PostRole::CommitteeDirector,
                start: date!(2021 - 01 - 01),
                end: None,
            },
        ],
        village_years: vec![
            VillageYear {
                village: vc(V1),
                year: 2024,
                stars: 5,
                collective_income_wan: dec("23.45"),
                assessment_score: Some(dec("91.5")),
                assessment_rank: Some(1),
            },
            VillageYear {
                village: vc(V2),
                year: 2024,
                stars: 0,
                collective_income_wan: dec("-1.2"),
                assessment_score: None,
                assessment_rank: None,
            },
        ],
        three_good: vec![ThreeGood {
            person: a.clone(),
            year: 2024,
            passed: true,
            note: "“三好三强”".into(),
        }],
        training_sessions: vec![
            TrainingSession {
                code: "C2024-01".into(),
                title: "村党组织书记示范培训班".into(),
                level: TrainingLevel::City,
                form: SessionForm::Centralised,
                town: None,
                start: date!(2024 - 03 - 01),
                end: date!(2024 - 03 - 05),
                days: dec("4.5"),
            },
            TrainingSession {
                code: "T2024-07".into(),
                title: "支书讲坛".into(),
                level: TrainingLevel::Town,
                form: SessionForm::Lecture,
                town: Some(t),
                start: date!(2024 - 07 - 01),
                end: date!(2024 - 07 - 01),
                days: dec("0.5"),
            },
        ],
        attendance: vec![
            Attendance {
                session: "C2024-01".into(),
                person: a.clone(),
                reflection_filed_on: Some(date!(2024 - 03 - 10)),
                poor_result: false,
            },
            Attendance {
                session: "T2024-07".into(),
                person: b.clone(),
                reflection_filed_on: None,
                poor_result: true,
            },
        ],
        ballots: RaterGroup::ALL
            .iter()
            .enumerate()
            .map(|(i, g)| Ballots {
                person: a.clone(),
                year: 2024,
                half: 2,
                group: *g,
                competent: 40 + i as u32,
                basically_competent: 3,
                not_competent: 1,
            })
            .collect(),
        admonitions: vec![Admonition {
            person: b.clone(),
            held_on: date!(2024 - 08 - 01),
            article: 6,
            reason: "学习成绩较差".into(),
            make_up_study_done_on: None,
        }],
        exam_results: vec![ExamResult {
            person: a.clone(),
            course: CourseKind::CollectiveEconomy,
            taken_on: date!(2023 - 11 - 20),
            passed: true,
        }],
        certificates: vec![Certificate {
            person: a.clone(),
            number: "SG-2023-0001".into(),
            issued_on: date!(2023 - 12 - 01),
        }],
        secondments: vec![Secondment {
            person: a.clone(),
            level: SecondmentLevel::City,
            host_unit: "市农业农村局".into(),
            start: date!(2022 - 03 - 01),
            end: date!(2022 - 08 - 31),
            appraisal: Some("优秀".into()),
        }],
        reserves: vec![Reserve {
            person: b.clone(),
            village: vc(V1),
            post: PostRole::Secretary,
            listed_on: date!(2023 - 01 - 15),
            removed_on: None,
        }],
        young_cadres: vec![YoungCadre {
            person: b.clone(),
            village: vc(V2),
            programme_start: date!(2022 - 07 - 01),
            current_pay: dec("2300.50"),
            score: dec("88"),
            filed_on: Some(date!(2022 - 07 - 20)),
        }],
        annual_plans: vec![AnnualPlan {
            person: a.clone(),
            year: 2025,
            reviewed_on: Some(date!(2025 - 01 - 20)),
            notice_start: Some(date!(2025 - 01 - 21)),
            notice_end: Some(date!(2025 - 01 - 27)),
            filed_on: None,
        }],
        list_entries: vec![ListEntry {
            town: t,
            year: 2025,
            person: a.clone(),
            village: vc(V1),
            tier: 2,
            status: ListStatus::Filed,
        }],
        pay_records: vec![
            PayRecord {
                person: a.clone(),
                month: date!(2025 - 01 - 01),
                kind: PayKind::ProfessionalSubsidy,
                source: FundingSource::City,
                amount_fen: 150_000,
            },
            PayRecord {
                person: a.clone(),
                month: date!(2025 - 01 - 01),
                kind: PayKind::ProfessionalSubsidy,
                source: FundingSource::Town,
                amount_fen: 50_000,
            },
        ],
        exits: vec![Exit {
            person: b.clone(),
            on: date!(2025 - 06 - 30),
            reason: ExitReason::LeftOffice,
            note: String::new(),
            programme: Programme::Secretary,
        }],
        work_logs: vec![
            WorkLog {
                person: a.clone(),
                secondment_start: date!(2022 - 03 - 01),
                on: date!(2022 - 03 - 02),
                text: "到市农业农村局报到，熟悉岗位职责".into(),
            },
            WorkLog {
                person: a.clone(),
                secondment_start: date!(2022 - 03 - 01),
                on: date!(2022 - 04 - 15),
                text: "随队调研高标准农田建设".into(),
            },
        ],
        reserve_reports: vec![ReserveReport {
            town: t,
            year: 2024,
            submitted_on: date!(2024 - 12 - 20),
            summary: "后备干部集中培训 2 期，结对帮带 12 对".into(),
        }],
        town_years: vec![
            TownYear {
                town: t,
                year: 2024,
                reference_salary: dec("4200.00"),
                young_cadre_factor: dec("0.8"),
            },
            TownYear {
                town: t,
                year: 2025,
                reference_salary: dec("4321.15"),
                young_cadre_factor: dec("0.65"),
            },
        ],
        condition_answers: vec![
            ConditionAnswer {
                person: a.clone(),
                condition: "no_sanction".into(),
                answer: true,
                recorded_on: date!(2024 - 02 - 01),
                note: "经核查".into(),
            },
            ConditionAnswer {
                person: b.clone(),
                condition: "no_sanction".into(),
                answer: false,
                recorded_on: date!(2024 - 02 - 29),
                note: String::new(),
            },
        ],
        pay_parts: vec![
            PayPartRecord {
                person: a.clone(),
                month: date!(2024 - 03 - 01),
                part: PayPart::Basic,
                amount_fen: 240_000,
                channel: "镇街财政".into(),
                recorded_on: date!(2024 - 03 - 05),
            },
            PayPartRecord {
                person: a.clone(),
                month: date!(2024 - 03 - 01),
                part: PayPart::Performance,
                amount_fen: 60_050,
                channel: "村集体经济".into(),
                recorded_on: date!(2024 - 03 - 06),
            },
        ],
        // Written by the review's filing only, not by an import.
        list_filings: Vec::new(),
        // Not written with a batch: candidates move one at a time.
        young_candidates: Vec::new(),
        // Not records: what a workbook left for the import to decide.
        exit_programmes_unsaid: Vec::new(),
    }
}

/// `list` gives back what was written, in key order.
async fn same<R: Record + PartialEq + std::fmt::Debug + Clone>(
    store: &Store,
    written: &[R],
    key: impl Fn(&R) -> String,
) {
    let mut expected = written.to_vec();
    expected.sort_by_key(&key);
    let got = store.list::<R>().await.unwrap();
    assert_eq!(got, expected, "{}", R::TABLE);
}

async fn all_counts(store: &Store) -> Vec<u64> {
    let mut out = Vec::new();
    macro_rules! n {
        ($($t:ty),*) => { $( out.push(store.count::<$t>().await.unwrap()); )* };
    }
    n!(
        Town,
        Village,
        Person,
        Post,
        VillageYear,
        ThreeGood,
        TrainingSession,
        Attendance,
        Ballots,
        Admonition,
        ExamResult,
        Certificate,
        Secondment,
        Reserve,
        YoungCadre,
        AnnualPlan,
        ListEntry,
        PayRecord,
        Exit,
        WorkLog,
        ReserveReport,
        TownYear,
        ConditionAnswer,
        PayPartRecord
    );
    assert_eq!(out.len(), TABLES.len());
    out
}

// ---------------------------------------------------------------------------

async fn migrations_apply_twice(db: TestDb) {
    let store = db.open().await;
    store.upsert("测试", &sample().towns).await.unwrap();
    store.close().await.unwrap();
    // Opening again finds the schema up to date and the data kept.
    let again = db.open().await;
    assert_eq!(again.count::<Town>().await.unwrap(), 2);
    assert_eq!(again.backend(), db.backend);
    // A second store on the same database at the same time.
    let third = db.open().await;
    assert_eq!(third.count::<Town>().await.unwrap(), 2);
}
both_backends!(migrations, migrations_apply_twice);

async fn first_opens_at_the_same_time(db: TestDb) {
    // Three processes starting on a new database at once: all get a store.
    let (a, b, c) = tokio::join!(
        Store::open(&db.url),
        Store::open(&db.url),
        Store::open(&db.url)
    );
    for s in [a, b, c] {
        let s = s.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.count::<Town>().await.unwrap(), 0);
    }
}
both_backends!(concurrent_migrations, first_opens_at_the_same_time);

async fn every_kind_round_trips(db: TestDb) {
    let store = db.open().await;
    let batch = sample();
    let applied = store.apply("测试员", &batch).await.unwrap();
    assert_eq!(applied.len(), TABLES.len(), "every kind was in the batch");
    assert!(applied.iter().all(|a| a.written.inserted > 0));
    let d = |d: Date| d.to_string();
    same(&store, &batch.towns, |t| t.code.to_string()).await;
    same(&store, &batch.villages, |v| v.code.to_string()).await;
    same(&store, &batch.people, |p| p.id.as_str().to_owned()).await;
    same(&store, &batch.posts, |p| {
        format!(
            "{}{}{}{}",
            p.person.as_str(),
            p.village,
            p.role.code(),
            d(p.start)
        )
    })
    .await;
    same(&store, &batch.village_years, |v| {
        format!("{}{}", v.village, v.year)
    })
    .await;
    same(&store, &batch.three_good, |x| x.person.as_str().to_owned()).await;
    same(&store, &batch.training_sessions, |x| x.code.clone()).await;
    same(&store, &batch.attendance, |x| {
        format!("{}{}", x.session, x.person.as_str())
    })
    .await;
    same(&store, &batch.ballots, |x| x.group.code().to_owned()).await;
    same(&store, &batch.admonitions, |x| x.reason.clone()).await;
    same(&store, &batch.exam_results, |x| x.course.code().to_owned()).await;
    same(&store, &batch.certificates, |x| x.number.clone()).await;
    same(&store, &batch.secondments, |x| x.host_unit.clone()).await;
    same(&store, &batch.reserves, |x| x.person.as_str().to_owned()).await;
    same(&store, &batch.young_cadres, |x| {
        x.person.as_str().to_owned()
    })
    .await;
    same(&store, &batch.annual_plans, |x| x.year.to_string()).await;
    same(&store, &batch.list_entries, |x| x.year.to_string()).await;
    same(&store, &batch.pay_records, |x| x.source.code().to_owned()).await;
    same(&store, &batch.exits, |x| x.note.clone()).await;
    same(&store, &batch.work_logs, |x| d(x.on)).await;
    same(&store, &batch.reserve_reports, |x| x.year.to_string()).await;
    same(&store, &batch.town_years, |x| x.year.to_string()).await;
    same(&store, &batch.condition_answers, |x| d(x.recorded_on)).await;
    same(&store, &batch.pay_parts, |x| x.part.code().to_owned()).await;
    // Yuan come back with their fen, factors exactly.
    let settings = store.list::<TownYear>().await.unwrap();
    assert_eq!(settings[1].reference_salary.to_string(), "4321.15");
    assert_eq!(settings[1].young_cadre_factor.to_string(), "0.65");
    // Decimals come back exactly.
    let years = store.list::<VillageYear>().await.unwrap();
    assert_eq!(years[0].collective_income_wan.to_string(), "23.45");
    assert_eq!(years[1].collective_income_wan.to_string(), "-1.2");

    // The same batch again changes nothing.
    let before = store.changes(None).await.unwrap().len();
    let again = store.apply("测试员", &batch).await.unwrap();
    assert!(
        again
            .iter()
            .all(|a| a.written.inserted == 0 && a.written.updated == 0),
        "{again:?}"
    );
    assert_eq!(store.changes(None).await.unwrap().len(), before);

    // A changed record is updated in place.
    let mut p = batch.people.clone();
    p[0].name = "张叁".into();
    let w = store.upsert("测试员", &p).await.unwrap();
    assert_eq!((w.inserted, w.updated, w.unchanged), (0, 1, 1));
    assert_eq!(store.list::<Person>().await.unwrap()[0].name, "张叁");
}
both_backends!(round_trips, every_kind_round_trips);

async fn foreign_keys_are_enforced(db: TestDb) {
    let store = db.open().await;
    let batch = sample();
    store.upsert("测试", &batch.towns).await.unwrap();
    store.upsert("测试", &batch.villages).await.unwrap();
    store.upsert("测试", &batch.people).await.unwrap();
    // A post at a village that is not there.
    let mut post = batch.posts[0].clone();
    post.village = vc("370783100999");
    let e = store.insert("测试", &[post]).await.unwrap_err();
    assert!(matches!(e, StoreError::MissingReference { .. }), "{e:?}");
    assert!(e.to_string().contains("任职记录"), "{e}");
    // A post of a person who is not there.
    let mut post = batch.posts[0].clone();
    post.person = cid("11010519491231002");
    let e = store.upsert("测试", &[post]).await.unwrap_err();
    assert!(matches!(e, StoreError::MissingReference { .. }), "{e:?}");
    // A village of a town that is not there.
    let e = store
        .upsert("测试", &[village("370783999001", "某村村委会")])
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::MissingReference { .. }), "{e:?}");
    // Attendance at a session that is not there.
    let e = store
        .insert("测试", &batch.attendance[..1])
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::MissingReference { .. }), "{e:?}");
    // A work log of a secondment that is not there (the person is).
    let e = store
        .insert("测试", &batch.work_logs[..1])
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::MissingReference { .. }), "{e:?}");
    // Town settings of a town that is not there.
    let mut settings = batch.town_years[0].clone();
    settings.town = TownCode::parse("370783999").unwrap();
    let e = store.insert("测试", &[settings]).await.unwrap_err();
    assert!(matches!(e, StoreError::MissingReference { .. }), "{e:?}");
    assert_eq!(store.count::<Post>().await.unwrap(), 0);
    assert_eq!(store.count::<Attendance>().await.unwrap(), 0);
    assert_eq!(store.count::<WorkLog>().await.unwrap(), 0);
    // A strict insert of a key already there.
    let e = store.insert("测试", &batch.people[..1]).await.unwrap_err();
    assert!(matches!(e, StoreError::Duplicate { .. }), "{e:?}");
    // A person still referred to cannot be deleted.
    store.upsert("测试", &batch.posts).await.unwrap();
    let mut tx = store.begin("测试").await.unwrap();
    let e = tx.delete(&batch.people[..1]).await.unwrap_err();
    assert!(matches!(e, StoreError::MissingReference { .. }), "{e:?}");
}
both_backends!(foreign_keys, foreign_keys_are_enforced);

async fn a_failed_batch_writes_nothing(db: TestDb) {
    let store = db.open().await;
    // An error in the middle: the posts refer to a village the batch lacks.
    let mut batch = sample();
    batch.villages.retain(|v| v.code != vc(V2));
    let e = store.apply("测试", &batch).await.unwrap_err();
    assert!(matches!(e, StoreError::MissingReference { .. }), "{e:?}");
    assert!(all_counts(&store).await.iter().all(|&n| n == 0));
    assert!(store.changes(None).await.unwrap().is_empty());

    // A value that cannot be kept exactly, late in a batch: nothing.
    let mut batch = sample();
    batch.young_cadres[0].current_pay = dec("3000.005");
    let e = store.apply("测试", &batch).await.unwrap_err();
    assert!(
        e.to_string()
            .contains("原月报酬（元） 3000.005 的小数超过 2 位"),
        "{e}"
    );
    assert!(all_counts(&store).await.iter().all(|&n| n == 0));

    // A transaction dropped without commit, after many statements (more
    // rows than one statement can bind on either backend).
    let towns = vec![town("370783100", "洛城街道")];
    let villages: Vec<Village> = (0..1000)
        .map(|i| village(&format!("370783100{i:03}"), "某村村委会"))
        .collect();
    {
        let mut tx = store.begin("测试").await.unwrap();
        tx.upsert(&towns).await.unwrap();
        tx.upsert(&villages).await.unwrap();
        assert_eq!(tx.count::<Village>().await.unwrap(), 1000);
        // dropped here
    }
    assert_eq!(store.count::<Village>().await.unwrap(), 0);
    assert!(store.changes(None).await.unwrap().is_empty());

    // Many rows and a bad one at the end: the whole load fails.
    let mut many: Vec<Town> = (0..20_000)
        .map(|i| town(&format!("{:06}{:03}", 110_000 + i / 1000, i % 1000), "某镇"))
        .collect();
    many.push(many[5].clone());
    let e = store.upsert("测试", &many).await.unwrap_err();
    assert!(e.to_string().contains("出现了不止一次"), "{e}");
    many.pop();
    let mut tx = store.begin("测试").await.unwrap();
    let w = tx.upsert(&many).await.unwrap();
    assert_eq!(w.inserted, 20_000);
    let e = tx
        .insert(&[village("120000999001", "某村村委会")])
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::MissingReference { .. }), "{e:?}");
    drop(tx);
    assert_eq!(store.count::<Town>().await.unwrap(), 0);
}
both_backends!(all_or_nothing, a_failed_batch_writes_nothing);

async fn every_change_is_logged(db: TestDb) {
    let store = db.open().await;
    let batch = sample();
    store.upsert("管理员", &batch.towns).await.unwrap();
    store.upsert("管理员", &batch.villages).await.unwrap();
    store
        .upsert("王五（组织部）", &batch.people[..1])
        .await
        .unwrap();
    let mut p = batch.people[0].clone();
    p.full_time_education = Some(Education::Bachelor);
    store.upsert("赵六", &[p.clone()]).await.unwrap();
    let mut tx = store.begin("赵六").await.unwrap();
    assert_eq!(tx.delete(&[p.clone()]).await.unwrap(), 1);
    assert_eq!(tx.delete(&[p.clone()]).await.unwrap(), 0);
    tx.commit().await.unwrap();

    let all = store.changes(None).await.unwrap();
    assert_eq!(all.len(), 2 + 3 + 3);
    let people = store.changes(Some("people")).await.unwrap();
    assert_eq!(people.len(), 3);
    let id = cid(A);
    let [ins, upd, del] = &people[..] else {
        unreachable!()
    };
    assert_eq!(ins.action, Action::Insert);
    assert_eq!(ins.actor, "王五（组织部）");
    assert_eq!(ins.key, id.as_str());
    assert_eq!(ins.before, None);
    let after: serde_json::Value = serde_json::from_str(ins.after.as_deref().unwrap()).unwrap();
    assert_eq!(after["name"], "张三");
    assert_eq!(after["full_time_education"], serde_json::Value::Null);
    assert_eq!(after["in_service_education"], "college");
    assert_eq!(after["birth_date"], "1970-01-01");

    assert_eq!(upd.action, Action::Update);
    assert_eq!(upd.actor, "赵六");
    let before: serde_json::Value = serde_json::from_str(upd.before.as_deref().unwrap()).unwrap();
    let after: serde_json::Value = serde_json::from_str(upd.after.as_deref().unwrap()).unwrap();
    assert_eq!(before["full_time_education"], serde_json::Value::Null);
    assert_eq!(after["full_time_education"], "bachelor");
    assert_eq!(after["in_service_education"], "college");
    assert!(upd.at >= ins.at);

    assert_eq!(del.action, Action::Delete);
    assert!(del.before.is_some() && del.after.is_none());
    assert_eq!(store.count::<Person>().await.unwrap(), 0);

    // Composite keys are logged joined by "/".
    let vy = store.changes(Some("villages")).await.unwrap();
    assert_eq!(vy[0].key, V1);
    store.upsert("管理员", &batch.people).await.unwrap();
    store.upsert("管理员", &batch.posts[..1]).await.unwrap();
    let posts = store.changes(Some("posts")).await.unwrap();
    assert_eq!(
        posts[0].key,
        format!("{}/{V1}/secretary/2018-01-01", id.as_str())
    );

    // An actor is required.
    assert!(matches!(
        store.begin("  ").await.err(),
        Some(StoreError::Internal(_))
    ));
}
both_backends!(change_log, every_change_is_logged);

async fn shipped_divisions_load_once(db: TestDb) {
    let store = db.open().await;
    let d = touyan_storage::shipped();
    let mut calls = Vec::new();
    let loaded = store
        .load_divisions("导入", &d, |done, total| calls.push((done, total)))
        .await
        .unwrap();
    assert_eq!(loaded.towns.inserted, 15);
    assert_eq!(loaded.villages.inserted, 1013);
    assert_eq!(calls.last(), Some(&(1028, 1028)));
    assert_eq!(store.count::<Town>().await.unwrap(), 15);
    let villages = store.list::<Village>().await.unwrap();
    assert_eq!(villages.len(), 1013);
    let villagers = villages
        .iter()
        .filter(|v| v.kind == CommitteeKind::Villagers)
        .count();
    assert_eq!(villagers, 968);
    let logged = store.changes(None).await.unwrap().len();
    assert_eq!(logged, 1028);

    // Twice: nothing changes, nothing is logged.
    let again = store.load_divisions("导入", &d, |_, _| {}).await.unwrap();
    assert_eq!(again.towns.unchanged, 15);
    assert_eq!(again.villages.unchanged, 1013);
    assert_eq!(again.villages.inserted + again.villages.updated, 0);
    assert_eq!(store.changes(None).await.unwrap().len(), logged);
    assert_eq!(store.list::<Village>().await.unwrap(), villages);

    // A renamed unit is updated, the rest left alone.
    let mut renamed = d.clone();
    renamed.villages[0].name = "向阳社区居委会".into();
    let third = store
        .load_divisions("导入", &renamed, |_, _| {})
        .await
        .unwrap();
    assert_eq!(third.villages.updated, 1);
    assert_eq!(third.villages.unchanged, 1012);
}
both_backends!(divisions, shipped_divisions_load_once);

async fn large_loads_are_batched_under_the_bind_limits(db: TestDb) {
    let store = db.open().await;
    // 12,000 units × 7 parameters is more than either backend binds at
    // once; the upsert reads and writes them in statements that fit.
    let mut d = Divisions::default();
    for t in 0..12 {
        let tc = format!("370783{:03}", 100 + t);
        d.towns.push(town(&tc, "某镇"));
        for v in 0..1000 {
            d.villages
                .push(village(&format!("{tc}{v:03}"), &format!("第{v}村村委会")));
        }
    }
    let loaded = store.load_divisions("导入", &d, |_, _| {}).await.unwrap();
    assert_eq!(loaded.villages.inserted, 12_000);
    assert_eq!(store.count::<Village>().await.unwrap(), 12_000);
    for v in d.villages.iter_mut().step_by(1000) {
        v.name.push('甲');
    }
    let again = store.load_divisions("导入", &d, |_, _| {}).await.unwrap();
    assert_eq!(
        (again.villages.updated, again.villages.unchanged),
        (12, 11_988)
    );
}
both_backends!(bind_limits, large_loads_are_batched_under_the_bind_limits);

#[tokio::test]
async fn open_errors_are_in_chinese() {
    let e = Store::open("/nonexistent-dir/sub/touyan.db")
        .await
        .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("无法打开数据库 /nonexistent-dir/sub/touyan.db："),
        "{e}"
    );
    let e = Store::open("mysql://localhost/x").await.unwrap_err();
    assert!(e.to_string().contains("不支持的数据库地址"), "{e}");
    let e = Store::open("postgres://postgres:secret@127.0.0.1:1/none")
        .await
        .unwrap_err();
    let s = e.to_string();
    assert!(
        s.starts_with("无法打开数据库 postgres://postgres:***@127.0.0.1:1/none"),
        "{s}"
    );
    assert!(!s.contains("secret"));
}

#[tokio::test]
async fn sqlite_is_wal_with_foreign_keys() {
    use sea_orm::{ConnectionTrait, Database};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("库 #1?.db");
    let url = path.to_string_lossy().into_owned();
    let store = Store::open(&url).await.unwrap();
    store.close().await.unwrap();
    assert!(path.exists(), "a plain path is a file name, not a URL");
    // WAL is a property of the file, seen by any later connection.
    let wal_url = format!("sqlite://{}", dir.path().join("wal.db").display());
    let s = Store::open(&wal_url).await.unwrap();
    s.close().await.unwrap();
    let raw = Database::connect(wal_url.as_str()).await.unwrap();
    let row = raw
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Sqlite,
            "PRAGMA journal_mode",
        ))
        .await
        .unwrap()
        .unwrap();
    let mode: String = row.try_get_by_index(0).unwrap();
    assert_eq!(mode, "wal");
}

async fn actors_and_exports_are_logged(db: TestDb) {
    let store = Store::open(&db.url).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(
        store.actors().await.unwrap().is_empty(),
        "a new database has no actors"
    );
    store
        .upsert(
            "clerk-a",
            &[Town {
                code: TownCode::parse("370783100").unwrap(),
                name: "化龙镇".into(),
            }],
        )
        .await
        .unwrap();
    store
        .log_export("clerk-b", "roster", "名册.xlsx（完整身份证号码）")
        .await
        .unwrap();
    let mut actors = store.actors().await.unwrap();
    actors.sort();
    assert_eq!(actors, ["clerk-a", "clerk-b"]);
    let exports: Vec<_> = store
        .changes(Some("roster"))
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.action == Action::Export)
        .collect();
    assert_eq!(exports.len(), 1);
    assert_eq!(exports[0].actor, "clerk-b");
    assert_eq!(exports[0].key, "名册.xlsx（完整身份证号码）");
    assert_eq!(exports[0].before, None);
}

both_backends!(actors_and_exports, actors_and_exports_are_logged);
