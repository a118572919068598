//! The year start explained through the office (issue 18, item 8): who a
//! year's proposal leaves out and why, for a town where some villages
//! have last year's facts and some do not; a fact recorded by the town
//! then brings the secretary onto the proposal; who may record, and a
//! correction kept in the change log. On SQLite and PostgreSQL.

mod common;

use std::sync::Arc;

use common::*;
use touyan_cycle::Gap;
use touyan_office::OfficeError;
use touyan_office::lists::{self, TownList};
use touyan_office::propose::{self, Options, Proposed, Quiet};
use touyan_office::year_start::{self, Recorded, Why};
use touyan_records::model::VillageYear;
use touyan_records::{CitizenId, VillageCode};
use touyan_rules::Policy;
use touyan_storage::testing::TestDb;
use touyan_storage::{Action, Store, both_backends};
use touyan_workflow::Role;

fn fact(k: u32, year: i32, stars: u8, income: &str, rank: u32) -> VillageYear {
    VillageYear {
        village: village(k),
        year,
        stars,
        collective_income_wan: income.parse().unwrap(),
        assessment_score: None,
        assessment_rank: Some(rank),
    }
}

/// The town's records with the facts of 2025 for 第1村 and 第2村 (周九's
/// village and the one without a secretary) but not for 第3村 (赵六's).
async fn opened(db: &TestDb) -> Store {
    let store = db.open().await;
    let mut b = records();
    b.village_years = vec![fact(1, 2025, 5, "80", 1), fact(2, 2025, 4, "30", 2)];
    store.apply("测试", &b).await.unwrap();
    store
}

async fn propose(store: &Store) -> Proposed {
    let options = Options {
        threads: 1,
        free_records: true,
        progress: Arc::new(Quiet),
    };
    propose::year(
        store,
        by(Role::TownOperator, Some(T1)),
        2026,
        Some(town()),
        &Policy::example(),
        options,
    )
    .await
    .unwrap()
}

async fn list(store: &Store) -> TownList {
    lists::town_list(
        store,
        &Policy::example(),
        2026,
        town(),
        time::macros::date!(2026 - 03 - 01),
    )
    .await
    .unwrap()
    .expect("a proposal of 2026")
}

fn people(l: &TownList) -> Vec<CitizenId> {
    l.rows.iter().map(|r| r.person.clone()).collect()
}

/// By hand: the cycle of 2026 judges on 1 January 2026 from the facts of
/// 2025. 第1村 (周九) has them; 第2村 has them but no secretary; 第3村 (赵六)
/// has none, so 赵六 is left out — before any proposal, in the stored one
/// (one secretary not judged, 周九 alone on it), and on the city's count
/// (洛城街道 1; 圣城街道 has no villages). Once the operator records 第3村's
/// 2025, the stored proposal still lacks 赵六 ("recorded since"), the
/// count is empty, and the proposal made again has both, leaving nobody
/// out.
async fn the_missing_facts_explained_then_recorded(db: TestDb) {
    let store = opened(&db).await;
    let missing = Why::Missing {
        gap: Gap::NoVillageFacts,
        year: 2026,
    };
    let before = year_start::unjudged(&store, 2026, town(), None)
        .await
        .unwrap();
    assert_eq!(before.len(), 1);
    assert_eq!(before[0].village, village(3));
    assert_eq!(before[0].person, zhao());
    assert_eq!(before[0].why, missing);
    assert_eq!(before[0].why.facts_year(), Some(2025));
    assert_eq!(
        before[0].sentence(),
        "第3村村委会 赵六：缺少 2025 年村情（星级、集体经济收入、综合考核名次），不参与测算"
    );
    let counts = year_start::missing_facts(&store, 2026).await.unwrap();
    assert_eq!(counts.into_iter().collect::<Vec<_>>(), [(town(), 1)]);

    let run = propose(&store).await;
    assert_eq!(run.head.not_judged, 1);
    let l = list(&store).await;
    assert_eq!(people(&l), [zhou()]);
    let stored = year_start::unjudged(&store, 2026, town(), Some(&l))
        .await
        .unwrap();
    assert_eq!(stored, before);

    let by = by(Role::TownOperator, Some(T1));
    let recorded = year_start::record_village_year(&store, &by, &fact(3, 2025, 5, "60", 3))
        .await
        .unwrap();
    assert_eq!(recorded, Recorded::New);
    let since = year_start::unjudged(&store, 2026, town(), Some(&l))
        .await
        .unwrap();
    assert_eq!(since.len(), 1);
    assert_eq!(
        (&since[0].person, since[0].why),
        (&zhao(), Why::RecordedSince)
    );
    assert_eq!(since[0].why.facts_year(), None);
    assert_eq!(
        since[0].sentence(),
        "第3村村委会 赵六：测算后记录有变化（如补录村情、任职），重新测算建议名单后参与测算"
    );
    assert!(
        year_start::missing_facts(&store, 2026)
            .await
            .unwrap()
            .is_empty()
    );
    let run = propose(&store).await;
    assert_eq!(run.head.not_judged, 0);
    let l = list(&store).await;
    assert_eq!(people(&l), [zhou(), zhao()]);
    assert!(
        year_start::unjudged(&store, 2026, town(), Some(&l))
            .await
            .unwrap()
            .is_empty()
    );
    // Another year's facts do not count: 2027 is judged from 2026's, of
    // which there are none — both secretaries are left out.
    let next: Vec<(VillageCode, Option<i32>)> = year_start::unjudged(&store, 2027, town(), None)
        .await
        .unwrap()
        .iter()
        .map(|u| (u.village, u.why.facts_year()))
        .collect();
    assert_eq!(next, [(village(1), Some(2026)), (village(3), Some(2026))]);
    db.finish().await;
}

/// The town's operator and the city's administrator record; the town's
/// reviewer and the city's viewer are refused by name; another town's
/// operator and a village that does not exist read as missing. Refusals
/// write nothing. A correction replaces the year's row and the change log
/// keeps the row it replaced; the same values again write nothing.
async fn who_records_and_a_correction_kept(db: TestDb) {
    let store = opened(&db).await;
    let logged = |s: &Store| {
        let s = s.clone();
        async move { s.changes(Some("village_years")).await.unwrap() }
    };
    let seeded = logged(&store).await.len();
    let f = fact(3, 2025, 5, "60", 3);
    for (role, town) in [
        (Role::TownReviewer, Some(T1)),
        (Role::CityViewer, None),
        (Role::Finance, None),
    ] {
        let e = year_start::record_village_year(&store, &by(role, town), &f)
            .await
            .unwrap_err();
        let OfficeError::Forbidden(m) = e else {
            panic!("{role:?}: {e:?}")
        };
        assert!(
            m.starts_with("村年度情况（星级、集体经济收入、综合考核）由市级管理员或本镇街经办登记（第一条、第十三条）"),
            "{m}"
        );
    }
    let e = year_start::record_village_year(&store, &by(Role::TownOperator, Some(T2)), &f)
        .await
        .unwrap_err();
    assert!(matches!(e, OfficeError::NotFound), "{e:?}");
    let nowhere = VillageYear {
        village: VillageCode::parse("370783100299").unwrap(),
        ..f.clone()
    };
    let e = year_start::record_village_year(&store, &by(Role::TownOperator, Some(T1)), &nowhere)
        .await
        .unwrap_err();
    assert!(matches!(e, OfficeError::NotFound), "{e:?}");
    assert_eq!(logged(&store).await.len(), seeded);

    // The city records; the operator corrects it.
    let city = by(Role::CityAdmin, None);
    assert_eq!(
        year_start::record_village_year(&store, &city, &f)
            .await
            .unwrap(),
        Recorded::New
    );
    let op = by(Role::TownOperator, Some(T1));
    let corrected = VillageYear {
        stars: 4,
        collective_income_wan: "59.5".parse().unwrap(),
        assessment_rank: None,
        ..f.clone()
    };
    assert_eq!(
        year_start::record_village_year(&store, &op, &corrected)
            .await
            .unwrap(),
        Recorded::Corrected
    );
    assert_eq!(
        year_start::record_village_year(&store, &op, &corrected)
            .await
            .unwrap(),
        Recorded::Same
    );
    let log = logged(&store).await;
    assert_eq!(log.len(), seeded + 2);
    let last = &log[seeded + 1];
    assert_eq!(last.action, Action::Update);
    assert_eq!(last.key, format!("{}/2025", village(3)));
    let before = last.before.as_deref().unwrap();
    let after = last.after.as_deref().unwrap();
    assert!(
        before.contains("\"stars\":5") && before.contains("6000"),
        "{before}"
    );
    assert!(
        after.contains("\"stars\":4") && after.contains("5950"),
        "{after}"
    );
    assert!(after.contains("\"assessment_rank\":null"), "{after}");
    let stored: Vec<VillageYear> = store.list::<VillageYear>().await.unwrap();
    let third: Vec<&VillageYear> = stored.iter().filter(|y| y.village == village(3)).collect();
    assert_eq!(third, [&corrected]);
    db.finish().await;
}

both_backends!(explained, the_missing_facts_explained_then_recorded);
both_backends!(recorded, who_records_and_a_correction_kept);
