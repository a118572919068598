//! One town's file as its exports read it (`Store::town_file`): its
//! villages' records and its people's, every year, and nothing of
//! another town's — its people, their secondments, a session only
//! another town's people attended. On SQLite and PostgreSQL.

use std::collections::BTreeSet;

use time::macros::date;
use touyan_records::model::*;
use touyan_records::{CitizenId, CommitteeKind, TownCode, VillageCode};
use touyan_rules::people::Education;
use touyan_storage::testing::TestDb;
use touyan_storage::{Batch, both_backends};

/// A valid ID number from its first 17 digits (the check digit computed).
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

const T1: &str = "370783100";
const T2: &str = "370783001";
const V1: &str = "370783100201";
const V3: &str = "370783001201";
/// 张三, secretary of V1 (T1).
const A: &str = "37078319700101001";
/// 李四, young cadre of V1 (T1), no post.
const B: &str = "37078319851231002";
/// 王五, reserve of V3 (T2).
const C: &str = "37078319900315003";
/// 赵六, secretary of V3 (T2).
const D: &str = "37078319920101004";

fn town(code: &str) -> TownCode {
    TownCode::parse(code).unwrap()
}

fn v(code: &str) -> VillageCode {
    VillageCode::parse(code).unwrap()
}

fn village_year(code: &str) -> VillageYear {
    VillageYear {
        village: v(code),
        year: 2024,
        stars: 5,
        collective_income_wan: "30".parse().unwrap(),
        assessment_score: None,
        assessment_rank: Some(1),
    }
}

fn three_good(id: &str) -> ThreeGood {
    ThreeGood {
        person: cid(id),
        year: 2024,
        passed: true,
        note: String::new(),
    }
}

fn exam(id: &str) -> ExamResult {
    ExamResult {
        person: cid(id),
        course: CourseKind::PartyBuilding,
        taken_on: date!(2024 - 05 - 01),
        passed: true,
    }
}

fn seed() -> Batch {
    let person = |id: &str, name: &str| Person {
        id: cid(id),
        name: name.into(),
        full_time_education: None,
        in_service_education: Some(Education::College),
    };
    let post = |id: &str, village: &str| Post {
        person: cid(id),
        village: v(village),
        role: PostRole::Secretary,
        start: date!(2020 - 01 - 01),
        end: None,
    };
    let session = |code: &str| TrainingSession {
        code: code.into(),
        title: format!("班次{code}"),
        level: TrainingLevel::Town,
        form: SessionForm::Centralised,
        town: Some(town(T2)),
        start: date!(2025 - 03 - 01),
        end: date!(2025 - 03 - 02),
        days: "2".parse().unwrap(),
    };
    let attended = |code: &str, id: &str| Attendance {
        session: code.into(),
        person: cid(id),
        reflection_filed_on: None,
        poor_result: false,
    };
    let secondment = |id: &str| Secondment {
        person: cid(id),
        level: SecondmentLevel::Town,
        host_unit: "农业农村办".into(),
        start: date!(2025 - 04 - 01),
        end: date!(2025 - 09 - 30),
        appraisal: None,
    };
    let entry = |t: &str, id: &str, village: &str| ListEntry {
        town: town(t),
        year: 2025,
        person: cid(id),
        village: v(village),
        tier: 3,
        status: ListStatus::Filed,
    };
    Batch {
        towns: vec![
            Town {
                code: town(T1),
                name: "洛城街道".into(),
            },
            Town {
                code: town(T2),
                name: "圣城街道".into(),
            },
        ],
        villages: vec![
            Village {
                code: v(V1),
                name: "东村村委会".into(),
                kind: CommitteeKind::Villagers,
            },
            Village {
                code: v(V3),
                name: "南村村委会".into(),
                kind: CommitteeKind::Villagers,
            },
        ],
        people: vec![
            person(A, "张三"),
            person(B, "李四"),
            person(C, "王五"),
            person(D, "赵六"),
        ],
        posts: vec![post(A, V1), post(D, V3)],
        young_cadres: vec![YoungCadre {
            person: cid(B),
            village: v(V1),
            programme_start: date!(2024 - 07 - 01),
            current_pay: "3000".parse().unwrap(),
            score: "90".parse().unwrap(),
            filed_on: None,
        }],
        reserves: vec![Reserve {
            person: cid(C),
            village: v(V3),
            post: PostRole::Secretary,
            listed_on: date!(2024 - 01 - 10),
            removed_on: None,
        }],
        // S1 is T2's, attended by T1's 张三; S2 only by T2's 赵六.
        training_sessions: vec![session("S1"), session("S2")],
        attendance: vec![attended("S1", A), attended("S2", D)],
        secondments: vec![secondment(A), secondment(D)],
        list_entries: vec![entry(T1, A, V1), entry(T2, D, V3)],
        // Kept by village: one of each town's.
        village_years: vec![village_year(V1), village_year(V3)],
        // Kept by person: one of each town's people.
        three_good: vec![three_good(A), three_good(D)],
        exam_results: vec![exam(B), exam(C)],
        ..Batch::default()
    }
}

async fn one_towns_file(db: TestDb) {
    let store = db.open().await;
    store.apply("测试", &seed()).await.unwrap();
    let f = store.town_file(town(T1)).await.unwrap();
    let ids = |xs: Vec<&CitizenId>| -> BTreeSet<String> {
        xs.into_iter().map(|x| x.as_str().to_owned()).collect()
    };
    let ours = ids(vec![&cid(A), &cid(B)]);
    assert_eq!(f.towns.len(), 2, "town names are public");
    assert_eq!(f.villages.len(), 1);
    assert_eq!(f.villages[0].code, v(V1));
    assert_eq!(ids(f.people.iter().map(|p| &p.id).collect()), ours);
    assert_eq!(
        ids(f.posts.iter().map(|p| &p.person).collect()),
        ids(vec![&cid(A)])
    );
    assert_eq!(f.young_cadres.len(), 1);
    assert!(f.reserves.is_empty());
    let codes: Vec<&str> = f
        .training_sessions
        .iter()
        .map(|s| s.code.as_str())
        .collect();
    assert_eq!(codes, ["S1"]);
    assert_eq!(
        ids(f.attendance.iter().map(|a| &a.person).collect()),
        ids(vec![&cid(A)])
    );
    assert_eq!(
        ids(f.secondments.iter().map(|s| &s.person).collect()),
        ids(vec![&cid(A)])
    );
    assert_eq!(f.list_entries.len(), 1);
    assert_eq!(f.list_entries[0].town, town(T1));
    assert_eq!(
        f.village_years
            .iter()
            .map(|y| y.village)
            .collect::<Vec<_>>(),
        [v(V1)]
    );
    assert_eq!(
        ids(f.three_good.iter().map(|x| &x.person).collect()),
        ids(vec![&cid(A)])
    );
    // 李四 is the town's by a young-cadre place alone.
    assert_eq!(
        ids(f.exam_results.iter().map(|x| &x.person).collect()),
        ids(vec![&cid(B)])
    );
    // The other town's file: its secretary and reserve, both sessions
    // (its own, one attended by nobody of its), no young cadre.
    let g = store.town_file(town(T2)).await.unwrap();
    assert_eq!(
        ids(g.people.iter().map(|p| &p.id).collect()),
        ids(vec![&cid(C), &cid(D)])
    );
    assert_eq!(g.training_sessions.len(), 2);
    assert!(g.young_cadres.is_empty());
    db.finish().await;
}

both_backends!(town_file, one_towns_file);

/// A secretary placed in both towns (moved from T2's village to T1's):
/// both towns' files hold them, and with them what is kept by person
/// (records kept by person carry no town), as `town_file` says.
async fn a_person_of_two_towns(db: TestDb) {
    let store = db.open().await;
    let mut b = seed();
    b.posts.push(Post {
        person: cid(D),
        village: v(V1),
        role: PostRole::Secretary,
        start: date!(2026 - 01 - 01),
        end: None,
    });
    store.apply("测试", &b).await.unwrap();
    let f = store.town_file(town(T1)).await.unwrap();
    assert!(f.people.iter().any(|p| p.id == cid(D)));
    // D's T2 post is not T1's (kept by village); D's secondment is (by
    // person); T2's list entry of D is not (kept by town).
    assert!(f.posts.iter().all(|p| p.village == v(V1)));
    assert!(f.secondments.iter().any(|s| s.person == cid(D)));
    assert!(f.list_entries.iter().all(|e| e.town == town(T1)));
    db.finish().await;
}

both_backends!(two_towns, a_person_of_two_towns);

fn part(id: &str, month: time::Date, part: PayPart, fen: i64, channel: &str) -> PayPartRecord {
    PayPartRecord {
        person: cid(id),
        month,
        part,
        amount_fen: fen,
        channel: channel.into(),
        recorded_on: date!(2025 - 05 - 03),
    }
}

/// The pay parts (Article 13, migration m0022): read by person, by a
/// town's month (its people only, that month only), carried by the
/// town's file and the person's; recording again replaces a part; a
/// negative amount is refused by the schema, nothing written.
async fn pay_parts_by_person_and_town_month(db: TestDb) {
    let store = db.open().await;
    let may = date!(2025 - 05 - 01);
    let june = date!(2025 - 06 - 01);
    let mut b = seed();
    b.pay_parts = vec![
        part(A, may, PayPart::Basic, 240_000, "镇街财政"),
        part(A, may, PayPart::Pension, 30_000, "镇街财政"),
        part(A, june, PayPart::Basic, 240_000, "镇街财政"),
        part(B, may, PayPart::Performance, 60_050, "村集体经济"),
        part(D, may, PayPart::Basic, 250_000, "镇街财政"),
    ];
    store.apply("测试", &b).await.unwrap();
    let mine = store.pay_parts_of(&cid(A)).await.unwrap();
    assert_eq!(mine.len(), 3);
    assert_eq!(
        (mine[0].month, mine[0].part, mine[0].amount_fen),
        (may, PayPart::Basic, 240_000)
    );
    let t1 = store.town_pay_parts(T1, may).await.unwrap();
    let got: Vec<(String, &str, i64)> = t1
        .iter()
        .map(|p| (p.person.as_str().to_owned(), p.part.code(), p.amount_fen))
        .collect();
    let mut want = vec![
        (cid(A).as_str().to_owned(), "basic", 240_000),
        (cid(A).as_str().to_owned(), "pension", 30_000),
        (cid(B).as_str().to_owned(), "performance", 60_050),
    ];
    want.sort();
    assert_eq!(got, want);
    let t2 = store.town_pay_parts(T2, may).await.unwrap();
    assert_eq!(t2.len(), 1);
    assert_eq!(t2[0].person, cid(D));
    assert!(store.town_pay_parts(T2, june).await.unwrap().is_empty());
    assert_eq!(
        store.town_pay_part_names(T1, may).await.unwrap(),
        vec![(cid(A), "张三".to_owned()), (cid(B), "李四".to_owned())]
    );
    // The town's file: its people's parts only.
    let f = store.town_file(town(T1)).await.unwrap();
    assert_eq!(f.pay_parts.len(), 4);
    assert!(f.pay_parts.iter().all(|p| p.person != cid(D)));
    // The person's file.
    let file = store
        .scoped(&touyan_storage::Scope::Town(T1.into()))
        .person(cid(A).as_str())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(file.pay_parts, mine);
    // Recording again replaces the part (one row per person, month, part).
    let again = Batch {
        pay_parts: vec![part(A, may, PayPart::Basic, 250_000, "镇财政所")],
        ..Batch::default()
    };
    store.apply("测试", &again).await.unwrap();
    let mine = store.pay_parts_of(&cid(A)).await.unwrap();
    assert_eq!(mine.len(), 3);
    assert_eq!(
        (mine[0].amount_fen, mine[0].channel.as_str()),
        (250_000, "镇财政所")
    );
    // A negative amount: the whole batch refused.
    let bad = Batch {
        pay_parts: vec![
            part(A, june, PayPart::Pension, 100, "镇街财政"),
            part(A, june, PayPart::Performance, -1, "镇街财政"),
        ],
        ..Batch::default()
    };
    assert!(store.apply("测试", &bad).await.is_err());
    assert_eq!(store.pay_parts_of(&cid(A)).await.unwrap().len(), 3);
    db.finish().await;
}

both_backends!(pay_parts, pay_parts_by_person_and_town_month);
