//! A town's list through the office (Articles 1 and 13 with the review's
//! workflow): the quota and tier places read with the list, the rows and
//! the town's choices, who may move it, and that a refused move writes
//! nothing. On SQLite and PostgreSQL.

mod common;

use std::sync::Arc;

use common::*;
use touyan_office::OfficeError;
use touyan_office::lists::{self, Asked, TownList};
use touyan_office::propose::{self, Options, Quiet};
use touyan_records::model::ReviewState;
use touyan_rules::Policy;
use touyan_storage::testing::TestDb;
use touyan_storage::{Store, both_backends};
use touyan_workflow::Role;

/// The day the tests move the list on: in the example policy's
/// adjustment month (January).
const DAY: time::Date = time::macros::date!(2026 - 01 - 15);

/// The records with the villages' facts of 2025: five stars, 80 万元,
/// ranked in village order.
fn with_facts() -> touyan_storage::Batch {
    let mut b = records();
    b.village_years = (1..=3)
        .map(|k| touyan_records::model::VillageYear {
            village: village(k),
            year: 2025,
            stars: 5,
            collective_income_wan: "80".parse().unwrap(),
            assessment_score: Some("95".parse().unwrap()),
            assessment_rank: Some(k),
        })
        .collect();
    b
}

async fn proposed(db: &TestDb) -> Store {
    let store = db.open().await;
    store.apply("测试", &with_facts()).await.unwrap();
    let options = Options {
        threads: 1,
        free_records: true,
        progress: Arc::new(Quiet),
    };
    propose::year(
        &store,
        by(Role::CityAdmin, None),
        2026,
        Some(town()),
        &Policy::example(),
        options,
    )
    .await
    .unwrap();
    store
}

async fn read(store: &Store) -> TownList {
    lists::town_list(store, &Policy::example(), 2026, town())
        .await
        .unwrap()
        .expect("a proposal of 2026")
}

fn asked(action: &str, seen: &str) -> Asked {
    Asked {
        action: action.into(),
        seen: seen.into(),
        ..Asked::default()
    }
}

async fn the_list_as_read(db: TestDb) {
    let store = db.open().await;
    store.apply("测试", &with_facts()).await.unwrap();
    // No proposal for the year: nothing to read.
    assert!(
        lists::town_list(&store, &Policy::example(), 2026, town())
            .await
            .unwrap()
            .is_none()
    );
    let options = Options {
        threads: 1,
        free_records: true,
        progress: Arc::new(Quiet),
    };
    propose::year(
        &store,
        by(Role::CityAdmin, None),
        2026,
        Some(town()),
        &Policy::example(),
        options,
    )
    .await
    .unwrap();
    let l = read(&store).await;
    // Three villages × 1/2, rounded half up: 1.5 → 2 (Article 1).
    assert_eq!(l.quota.outcome, 2);
    assert_eq!(l.quota.rule.article, 1);
    // Two secretaries in post (第1村 周九, 第3村 赵六), in village order.
    let villages: Vec<&str> = l.rows.iter().map(|r| r.village.as_str()).collect();
    assert_eq!(villages, [village(1).as_str(), village(3).as_str()]);
    assert_eq!(l.rows[0].person, zhou());
    assert_eq!(l.rows[0].person_name, "周九");
    assert_eq!(l.rows[0].village_name, "第1村村委会");
    // Nobody is eligible: no town has judged “三好三强” (Article 1), so
    // none is proposed and no tier has places.
    assert!(l.rows.iter().all(|r| !r.eligible && r.proposed.is_none()));
    assert_eq!(l.run.town.included, 0);
    // No review yet, nothing filed for 2026; the choices are the proposal's.
    assert_eq!(l.current, None);
    assert!(l.filed.is_empty());
    assert!(l.rows.iter().all(|r| !r.departs()));
    // The tier places of none included: none (Article 13).
    assert_eq!((l.places.outcome.tier1, l.places.outcome.tier2), (0, 0));
    assert_eq!(l.places.rule.article, 13);
    // Who may change it: the town's operator, not its reviewer or the city.
    assert!(l.editable(&by(Role::TownOperator, Some(T1))));
    assert!(!l.editable(&by(Role::TownReviewer, Some(T1))));
    assert!(!l.editable(&by(Role::CityAdmin, None)));
    db.finish().await;
}

async fn refused_moves_write_nothing(db: TestDb) {
    let store = proposed(&db).await;
    let op = by(Role::TownOperator, Some(T1));
    let moves = |s: &Store| {
        let s = s.clone();
        async move { s.list_moves(2026, town()).await.unwrap().len() }
    };
    let mut l = read(&store).await;
    // Another town's operator: answered as missing.
    assert!(matches!(
        lists::move_list(
            &store,
            by(Role::TownOperator, Some(T2)),
            &mut l,
            &asked("save", "none"),
            DAY
        )
        .await,
        Err(OfficeError::NotFound)
    ));
    // The city may not save a town's choices.
    assert!(matches!(
        lists::move_list(
            &store,
            by(Role::CityAdmin, None),
            &mut l,
            &asked("save", "none"),
            DAY
        )
        .await,
        Err(OfficeError::Forbidden(_))
    ));
    // No move named.
    assert!(matches!(
        lists::move_list(&store, op, &mut l, &asked("", "none"), DAY).await,
        Err(OfficeError::Invalid(m)) if m == "未指明要办理的操作"
    ));
    // The state seen is not the list's: someone moved it first.
    assert!(matches!(
        lists::move_list(&store, op, &mut l, &asked("save", "draft"), DAY).await,
        Err(OfficeError::Conflict(_))
    ));
    // A comment of 501 characters; 500 are kept.
    let long = Asked {
        comment: "字".repeat(501),
        ..asked("save", "none")
    };
    assert!(matches!(
        lists::move_list(&store, op, &mut l, &long, DAY).await,
        Err(OfficeError::Invalid(m)) if m.contains("500")
    ));
    // A tier that is none of 1–3.
    let bad = Asked {
        tiers: vec![(village(1).as_str().to_owned(), "4".into())],
        ..asked("save", "none")
    };
    match lists::move_list(&store, op, &mut l, &bad, DAY).await {
        Err(OfficeError::Invalid(m)) => {
            assert!(m.contains("第1村村委会") && m.contains("“4”"), "{m}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(moves(&store).await, 0);
    assert!(store.list_review(2026, town()).await.unwrap().is_none());
    db.finish().await;
}

async fn a_saved_choice_is_kept(db: TestDb) {
    let store = proposed(&db).await;
    let op = by(Role::TownOperator, Some(T1));
    let mut l = read(&store).await;
    let exactly_500 = "理".repeat(500);
    let save = Asked {
        tiers: vec![(village(1).as_str().to_owned(), "1".into())],
        reasons: vec![(village(1).as_str().to_owned(), exactly_500.clone())],
        ..asked("save", "none")
    };
    lists::move_list(&store, op, &mut l, &save, DAY)
        .await
        .unwrap();
    let l = read(&store).await;
    assert_eq!(l.current, Some(ReviewState::Draft));
    assert_eq!(l.rows[0].chosen, Some(1));
    assert_eq!(l.rows[0].reason, exactly_500);
    assert!(l.rows[0].departs());
    // 第3村 was not named: it keeps the proposal's choice (not listed).
    assert_eq!(l.rows[1].chosen, None);
    assert_eq!(
        l.counts(),
        lists::Counts {
            listed: 1,
            tiers: [1, 0, 0]
        }
    );
    assert_eq!(store.list_moves(2026, town()).await.unwrap().len(), 1);
    // Confirming a list with findings is refused, naming how many; the
    // draft stays as saved.
    let mut l = read(&store).await;
    let findings = l.findings();
    assert_eq!(findings.len(), 2, "{findings:?}");
    assert_eq!(findings[0].village.as_deref(), Some(village(1).as_str()));
    assert_eq!(findings[0].citation, "第一条第二款");
    assert!(findings[0].message.contains("周九"), "{:?}", findings[0]);
    assert_eq!(findings[1].citation, "第十三条第二款");
    assert!(
        findings[1].message.ends_with("一档超出 1 人"),
        "{:?}",
        findings[1]
    );
    match lists::move_list(&store, op, &mut l, &asked("confirm", "draft"), DAY).await {
        Err(OfficeError::Invalid(m)) => assert!(m.starts_with("名单有 2 处"), "{m}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(read(&store).await.current, Some(ReviewState::Draft));
    assert_eq!(store.list_moves(2026, town()).await.unwrap().len(), 1);
    db.finish().await;
}

both_backends!(read_list, the_list_as_read);
both_backends!(refused, refused_moves_write_nothing);
both_backends!(saved, a_saved_choice_is_kept);
