//! A workbook's rows through the office: a town's import refused row by
//! row where the form would refuse it (another town's village, a
//! workflow's sheet) and then nothing written; the database holder's
//! load refused on a workflow's sheets unless migrating. On SQLite and
//! PostgreSQL.

mod common;

use common::*;
use time::macros::{date, datetime};
use touyan_office::OfficeError;
use touyan_office::import::{self, Imported, Loaded};
use touyan_records::CommitteeKind;
use touyan_records::VillageCode;
use touyan_records::model::{ListEntry, ListStatus, Post, PostRole, Village};
use touyan_storage::testing::TestDb;
use touyan_storage::{Batch, Scope, both_backends};
use touyan_workflow::Role;
use touyan_workflow::import::Sheet;

const NOW: time::PrimitiveDateTime = datetime!(2025-06-02 08:00);

/// 第1村 of the other town.
fn other_village() -> VillageCode {
    VillageCode::parse("370783101201").expect("village")
}

async fn a_towns_import_stays_in_the_town(db: TestDb) {
    let store = db.open().await;
    let mut b = records();
    b.villages.push(Village {
        code: other_village(),
        name: "外镇第1村村委会".into(),
        kind: CommitteeKind::Villagers,
    });
    store.apply("测试", &b).await.unwrap();
    let op = by(Role::TownOperator, Some(T1));
    let keys = store
        .scoped(&Scope::Town(T1.into()))
        .import_keys()
        .await
        .unwrap();
    let post = |village| Post {
        person: li(),
        village,
        role: PostRole::Secretary,
        start: date!(2025 - 05 - 01),
        end: None,
    };
    // Row 2 of 任职 names another town's village; the list sheet is a
    // workflow's. Both refused; row 1 (the town's own) is not written
    // either.
    let wb = Batch {
        posts: vec![post(village(2)), post(other_village())],
        list_entries: vec![ListEntry {
            town: town(),
            year: 2025,
            person: li(),
            village: village(2),
            tier: 1,
            status: ListStatus::Filed,
        }],
        ..Batch::default()
    };
    let before = store.list::<Post>().await.unwrap().len();
    match import::import(
        &store,
        &op,
        &touyan_rules::Policy::example(),
        &keys,
        &wb,
        TODAY,
        NOW,
    )
    .await
    .unwrap()
    {
        Imported::Refused(rows) => {
            let got: Vec<(Sheet, usize)> = rows.iter().map(|r| (r.sheet, r.index)).collect();
            // In the sheets' name order (“专业化名单” before “任职”).
            assert_eq!(
                got,
                [(Sheet::ListEntries, 0), (Sheet::Posts, 1)],
                "{rows:?}"
            );
            assert!(
                rows[0].reason.ends_with("（共 1 行，整表不予导入）"),
                "{rows:?}"
            );
            assert_eq!(rows[1].reason, "村代码 370783101201 不属于本镇街");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(store.list::<Post>().await.unwrap().len(), before);
    // The town's own row alone is written.
    let own = Batch {
        posts: vec![post(village(2))],
        ..Batch::default()
    };
    match import::import(
        &store,
        &op,
        &touyan_rules::Policy::example(),
        &keys,
        &own,
        TODAY,
        NOW,
    )
    .await
    .unwrap()
    {
        Imported::Applied(a) => {
            assert_eq!(a.len(), 1);
            assert_eq!(a[0].written.inserted, 1);
        }
        other => panic!("{other:?}"),
    }
    // The whole-book load is the city's, and a workflow's sheet needs
    // the migration flag.
    assert!(matches!(
        import::load(&store, &op, &wb, true).await,
        Err(OfficeError::Forbidden(_))
    ));
    let city = by(Role::CityAdmin, None);
    match import::load(&store, &city, &wb, false).await.unwrap() {
        Loaded::WorkflowSheets(s) => assert_eq!(s, [(Sheet::ListEntries, 1)]),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        import::load(&store, &city, &wb, true).await.unwrap(),
        Loaded::Applied(_)
    ));
    assert_eq!(store.list::<Post>().await.unwrap().len(), before + 2);
    db.finish().await;
}

both_backends!(town_import, a_towns_import_stays_in_the_town);
