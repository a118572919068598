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

/// 钱青: on the young cadres' programme in 第2村 from 2024-01-01.
fn qian() -> touyan_records::CitizenId {
    cid("37078319940615002")
}

/// An exit of the workbook's 退出 sheet: `unsaid` when its 退出的计划
/// was left blank (its programme then provisional, as the workbook
/// reader leaves it).
fn exit_row(
    wb: &mut Batch,
    person: touyan_records::CitizenId,
    on: time::Date,
    reason: touyan_records::model::ExitReason,
    programme: touyan_records::model::Programme,
    unsaid: bool,
) {
    if unsaid {
        wb.exit_programmes_unsaid.push((person.clone(), on));
    }
    wb.exits.push(touyan_records::model::Exit {
        person,
        on,
        programme,
        reason,
        note: String::new(),
    });
}

/// The database holder's load of 退出 rows whose 退出的计划 is blank on a
/// ground of both programmes (达到年龄上限, 其他): decided by what the
/// person was on at the day, as migration m0024 decides a stored exit —
/// on a filed list (周九: the 2025 list; 李四: a version filed on
/// 2025-05-10, from that day) is professionalized management, on the
/// young programme and no list (钱青, from 2024-01-01) the young cadres'
/// programme; both or neither is refused whole, naming the rows, and
/// nothing is written. A ground of one programme, or the column filled,
/// is as the row says.
async fn a_blank_exit_programme_is_read_from_the_records(db: TestDb) {
    use touyan_records::model::{Exit, ExitReason, Labelled, ListFiling, Programme, YoungCadre};
    let store = db.open().await;
    let mut b = records();
    let mut p = b.people[0].clone();
    p.id = qian();
    p.name = "钱青".into();
    b.people.push(p);
    b.young_cadres.push(YoungCadre {
        person: qian(),
        village: village(2),
        programme_start: date!(2024 - 01 - 01),
        current_pay: rust_decimal::Decimal::ZERO,
        score: rust_decimal::Decimal::from(85),
        filed_on: Some(date!(2024 - 01 - 10)),
    });
    store.apply("测试", &b).await.unwrap();
    store
        .upsert(
            "测试",
            &[ListFiling {
                year: 2025,
                town: town(),
                version: 1,
                person: li(),
                village: village(2),
                tier: 3,
                filed_on: date!(2025 - 05 - 10),
            }],
        )
        .await
        .unwrap();
    let city = by(Role::CityAdmin, None);
    let refused = |r: Result<Loaded, touyan_office::OfficeError>| match r {
        Err(OfficeError::Invalid(m)) => m,
        other => panic!("{other:?}"),
    };
    let (sec, young) = (Programme::Secretary, Programme::Young);
    let neither = "既不在已备案的专业化管理名单上，也不在年轻干部优才计划中";

    // Neither on the day: 李四 the day before his list was filed, 钱青 the
    // day before she joined, 周九 in 2024 (his list is of 2025).
    for (who, on) in [
        (li(), date!(2025 - 05 - 09)),
        (qian(), date!(2023 - 12 - 31)),
        (zhou(), date!(2024 - 12 - 31)),
    ] {
        let mut wb = Batch::default();
        exit_row(&mut wb, who.clone(), on, ExitReason::Other, sec, true);
        let m = refused(import::load(&store, &city, &wb, true).await);
        assert!(
            m.starts_with("“退出”表中 1 行须填写“退出的计划”（专业化管理或优才计划）："),
            "{m}"
        );
        assert!(
            m.contains(&format!("{on} 的退出原因“其他”两项计划都适用")),
            "{m}"
        );
        assert!(m.contains(neither), "{m}");
        assert!(m.contains(&who.masked(Default::default())), "{m}");
    }
    // Both: 钱青 on the programme, and on a 2025 list the workbook itself
    // files (a migration of past years); with 周九 unclear too.
    let mut wb = Batch {
        list_entries: vec![ListEntry {
            town: town(),
            year: 2025,
            person: qian(),
            village: village(2),
            tier: 3,
            status: ListStatus::Filed,
        }],
        ..Batch::default()
    };
    exit_row(
        &mut wb,
        qian(),
        date!(2025 - 06 - 01),
        ExitReason::Age,
        sec,
        true,
    );
    exit_row(
        &mut wb,
        zhou(),
        date!(2024 - 06 - 01),
        ExitReason::Age,
        sec,
        true,
    );
    let m = refused(import::load(&store, &city, &wb, true).await);
    assert!(m.starts_with("“退出”表中 2 行须填写"), "{m}");
    assert!(
        m.contains("2025-06-01 的退出原因“达到年龄上限”两项计划都适用，而此人当日既在已备案的专业化管理名单上，又在年轻干部优才计划中"),
        "{m}"
    );
    assert!(
        store.list::<Exit>().await.unwrap().is_empty(),
        "nothing written"
    );
    assert!(
        store.list::<ListEntry>().await.unwrap().len() == 2,
        "nothing written"
    );

    // Each told: 周九 and 李四 (from the filing day) professionalized
    // management, 钱青 the young programme; 赵六's ground is the
    // secretaries' alone; 李四's second exit says its programme.
    let mut wb = Batch::default();
    exit_row(
        &mut wb,
        zhou(),
        date!(2026 - 03 - 01),
        ExitReason::Age,
        sec,
        true,
    );
    exit_row(
        &mut wb,
        li(),
        date!(2025 - 05 - 10),
        ExitReason::Other,
        sec,
        true,
    );
    exit_row(
        &mut wb,
        qian(),
        date!(2025 - 06 - 01),
        ExitReason::Other,
        sec,
        true,
    );
    exit_row(
        &mut wb,
        zhao(),
        date!(2025 - 06 - 01),
        ExitReason::LeftOffice,
        sec,
        false,
    );
    exit_row(
        &mut wb,
        li(),
        date!(2025 - 07 - 01),
        ExitReason::Other,
        young,
        false,
    );
    assert!(matches!(
        import::load(&store, &city, &wb, true).await.unwrap(),
        Loaded::Applied(_)
    ));
    let mut got: Vec<(String, time::Date, &str)> = store
        .list::<Exit>()
        .await
        .unwrap()
        .into_iter()
        .map(|x| (x.person.as_str().to_owned(), x.on, x.programme.code()))
        .collect();
    got.sort();
    let (s, y) = (sec.code(), young.code());
    let mut want = vec![
        (zhou().as_str().to_owned(), date!(2026 - 03 - 01), s),
        (li().as_str().to_owned(), date!(2025 - 05 - 10), s),
        (qian().as_str().to_owned(), date!(2025 - 06 - 01), y),
        (zhao().as_str().to_owned(), date!(2025 - 06 - 01), s),
        (li().as_str().to_owned(), date!(2025 - 07 - 01), y),
    ];
    want.sort();
    assert_eq!(got, want);
    db.finish().await;
}

both_backends!(
    exit_programme,
    a_blank_exit_programme_is_read_from_the_records
);
