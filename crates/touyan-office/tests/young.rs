//! The young-cadre programme through the office (Article 10): equal
//! scores are ranked by the earlier application — the day the town
//! recorded the score — before the village code and whatever the ID
//! numbers. On SQLite and PostgreSQL.

use rust_decimal::Decimal;
use time::macros::date;
use touyan_office::By;
use touyan_office::young::{self, Ask, Scored};
use touyan_records::model::{Person, Post, PostRole, Town, Village, YoungMoveKind, YoungState};
use touyan_records::{CitizenId, CommitteeKind, TownCode, VillageCode};
use touyan_rules::Policy;
use touyan_rules::art10_young_cadres::After;
use touyan_rules::people::Education;
use touyan_storage::testing::TestDb;
use touyan_storage::{Batch, Store, both_backends};
use touyan_workflow::{Actor, Role};

const T1: &str = "370783100";
/// Two young committee members' ID numbers, one below the other.
const LOW: &str = "37078319950101091";
const HIGH: &str = "37078319950101109";

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

fn village(k: u32) -> VillageCode {
    VillageCode::parse(&format!("3707831002{k:02}")).unwrap()
}

/// Ten villages (a cap of 3); `first` in 第2村 and `second` in 第9村.
fn records(first: &str, second: &str) -> Batch {
    let person = |id: &str, name: &str| Person {
        id: cid(id),
        name: name.into(),
        full_time_education: Some(Education::Bachelor),
        in_service_education: None,
    };
    let post = |id: &str, k: u32| Post {
        person: cid(id),
        village: village(k),
        role: PostRole::CommitteeMember,
        start: date!(2021 - 01 - 01),
        end: None,
    };
    Batch {
        towns: vec![Town {
            code: TownCode::parse(T1).unwrap(),
            name: "洛城街道".into(),
        }],
        villages: (1..=10)
            .map(|k| Village {
                code: village(k),
                name: format!("第{k}村村委会"),
                kind: CommitteeKind::classify("第二村村委会"),
            })
            .collect(),
        people: vec![person(first, "甲"), person(second, "乙")],
        posts: vec![post(first, 2), post(second, 9)],
        ..Batch::default()
    }
}

async fn score(store: &Store, id: &str) {
    let t = TownCode::parse(T1).unwrap();
    let yt = young::town(store, 2025, t).await.unwrap();
    let by = By {
        actor: Actor {
            role: Role::TownOperator,
            town: Some(T1),
        },
        name: "op1",
        origin: None,
    };
    let ask = Ask {
        kind: YoungMoveKind::Score,
        person: Some(cid(id)),
        seen: None,
        comment: "",
        excellent: false,
        scored: Ok(Scored {
            score: Decimal::from(90),
            current_pay: Decimal::from(3000),
            note: String::new(),
        }),
    };
    young::record(
        store,
        by,
        &yt,
        &Policy::example(),
        date!(2025 - 06 - 02),
        &ask,
    )
    .await
    .unwrap();
}

/// `early` is scored, then `late`; `early`'s scoring is then dated the
/// day before. `early` (in 第9村, the higher village code) ranks first.
async fn ranked(db: &TestDb, early: &str, late: &str) {
    let store = db.open().await;
    store.apply("测试", &records(late, early)).await.unwrap();
    score(&store, early).await;
    score(&store, late).await;
    let early_id = cid(early);
    let moved = store
        .execute_raw_for_test(&format!(
            "UPDATE young_moves SET updated_at = '2025-06-01 01:00:00' WHERE person = '{}'",
            early_id.as_str()
        ))
        .await
        .unwrap();
    assert_eq!(moved, 1);
    let t = TownCode::parse(T1).unwrap();
    let yt = young::town(&store, 2025, t).await.unwrap();
    let params = Policy::example().resolve(date!(2025 - 06 - 02)).unwrap();
    let r = yt.ranking(&params, date!(2025 - 06 - 02));
    assert_eq!(r.free, 3);
    let (first, p) = r.of(&early_id).unwrap();
    assert_eq!((first, p.within, p.after), (1, true, After::First));
    let (second, p) = r.of(&cid(late)).unwrap();
    assert_eq!((second, p.after), (2, After::Day));
    assert!(
        r.sentence().contains("同分的，评分录入日期在前者优先"),
        "{}",
        r.sentence()
    );
    let (_, views) = yt.candidates(
        &Actor {
            role: Role::TownReviewer,
            town: Some(T1),
        },
        &params,
        date!(2025 - 06 - 02),
    );
    let view = views.iter().find(|v| *v.person == early_id).unwrap();
    assert_eq!(view.state, Some(YoungState::Candidate));
    assert_eq!(view.place.map(|p| p.0), Some(1));
    assert!(view.moves.contains(&YoungMoveKind::Select));
}

async fn earlier_with_the_higher_id_number(db: TestDb) {
    ranked(&db, HIGH, LOW).await;
    db.finish().await;
}

async fn earlier_with_the_lower_id_number(db: TestDb) {
    ranked(&db, LOW, HIGH).await;
    db.finish().await;
}

both_backends!(higher_id_first, earlier_with_the_higher_id_number);
both_backends!(lower_id_first, earlier_with_the_lower_id_number);
