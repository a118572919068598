//! Exits through the office (the inferred Article 14): who may record
//! one, the secretary, the day, the note, and what is written. On SQLite
//! and PostgreSQL.

mod common;

use common::*;
use time::macros::date;
use touyan_office::OfficeError;
use touyan_office::exits::{self, DAY_WANTED, NOTE_CHARS};
use touyan_records::model::{Exit, ExitReason};
use touyan_rules::Policy;
use touyan_storage::testing::TestDb;
use touyan_storage::{Store, both_backends};
use touyan_workflow::Role;

async fn opened(db: &TestDb) -> Store {
    let store = db.open().await;
    store.apply("测试", &records()).await.unwrap();
    store
}

fn invalid(r: Result<Exit, OfficeError>) -> String {
    match r {
        Err(OfficeError::Invalid(m)) => m,
        other => panic!("{other:?}"),
    }
}

async fn refusals_write_nothing(db: TestDb) {
    let store = opened(&db).await;
    let ty = exits::town_year(&store, 2025, town()).await.unwrap();
    let rev = by(Role::TownReviewer, Some(T1));
    let on = date!(2025 - 06 - 01);
    let record = |by, person, reason, on, note| {
        let (store, ty) = (&store, &ty);
        async move { exits::record_exit(store, by, ty, &person, reason, on, note, TODAY).await }
    };
    // Another town's reviewer: answered as missing.
    assert!(matches!(
        record(
            by(Role::TownReviewer, Some(T2)),
            zhou(),
            ExitReason::Age,
            on,
            ""
        )
        .await,
        Err(OfficeError::NotFound)
    ));
    // The town's operator, and the city: not theirs to record.
    for who in [by(Role::TownOperator, Some(T1)), by(Role::CityAdmin, None)] {
        match record(who, zhou(), ExitReason::Age, on, "").await {
            Err(OfficeError::Forbidden(m)) => assert!(m.contains("镇街审核"), "{m}"),
            other => panic!("{other:?}"),
        }
    }
    // Not on the list of the year.
    assert_eq!(
        invalid(record(rev, li(), ExitReason::Age, on, "").await),
        "没有找到该书记"
    );
    // Tomorrow.
    assert_eq!(
        invalid(record(rev, zhou(), ExitReason::Age, date!(2025 - 06 - 03), "").await),
        DAY_WANTED
    );
    // "其他" without a note.
    assert_eq!(
        invalid(record(rev, zhou(), ExitReason::Other, on, "").await),
        "“其他”原因须写明情况"
    );
    assert!(store.list::<Exit>().await.unwrap().is_empty());
    db.finish().await;
}

async fn an_exit_is_written_and_shown(db: TestDb) {
    let store = opened(&db).await;
    let ty = exits::town_year(&store, 2025, town()).await.unwrap();
    let policy = Policy::example();
    let lines = ty.lines(&policy, TODAY);
    assert_eq!(
        lines.iter().map(|l| l.who.as_str()).collect::<Vec<_>>(),
        ["第1村村委会 周九", "第3村村委会 赵六"]
    );
    assert!(
        lines[0]
            .grounds
            .iter()
            .any(|g| g.contains("超过 60 岁年龄上限")),
        "{:?}",
        lines[0].grounds
    );
    assert!(lines[1].grounds.is_empty(), "{:?}", lines[1].grounds);
    let rev = by(Role::TownReviewer, Some(T1));
    // A note too long is refused with its length, not cut; nothing is
    // written.
    let long = "情".repeat(NOTE_CHARS + 5);
    match exits::record_exit(
        &store,
        rev,
        &ty,
        &zhou(),
        ExitReason::Other,
        TODAY,
        &long,
        TODAY,
    )
    .await
    {
        Err(OfficeError::Invalid(m)) => assert_eq!(
            m,
            format!(
                "情况说明不能超过 {NOTE_CHARS} 字（现有 {} 字）",
                NOTE_CHARS + 5
            )
        ),
        other => panic!("{other:?}"),
    }
    assert!(store.list::<Exit>().await.unwrap().is_empty());
    // Today itself is allowed; a note of the most characters is kept whole.
    let note = "情".repeat(NOTE_CHARS);
    let x = exits::record_exit(
        &store,
        rev,
        &ty,
        &zhou(),
        ExitReason::Other,
        TODAY,
        &note,
        TODAY,
    )
    .await
    .unwrap();
    assert_eq!(x.note, note);
    let stored: Vec<Exit> = store.list().await.unwrap();
    assert_eq!(stored, vec![x]);
    let ty = exits::town_year(&store, 2025, town()).await.unwrap();
    let lines = ty.lines(&policy, TODAY);
    assert_eq!(
        lines[0].exit.as_ref().map(|x| (x.on, x.reason)),
        Some((TODAY, ExitReason::Other))
    );
    assert!(
        lines[0].grounds.is_empty(),
        "an exit on record ends the grounds"
    );
    db.finish().await;
}

both_backends!(refusals, refusals_write_nothing);
both_backends!(written, an_exit_is_written_and_shown);
