//! A young cadre's whole term through the office (Article 10): the cap
//! counts the cadres on the programme on the day, the age is checked
//! again when the town selects and when the city files, a filed cadre
//! joins the secretary reserve pool, the town's operator records an exit
//! (with its grounds checked), and the month's pay stops after the month
//! of the exit. On SQLite and PostgreSQL.

mod common;

use common::*;
use rust_decimal::Decimal;
use time::Date;
use time::macros::date;
use touyan_office::young::{self, Ask, Scored, YoungTown};
use touyan_office::young_exit::{self, ExitAsk};
use touyan_office::{By, OfficeError};
use touyan_records::CitizenId;
use touyan_records::model::{
    Exit, ExitReason, Person, Post, PostRole, Reserve, TownYear, Village, YoungCadre, YoungMoveKind,
};
use touyan_rules::Policy;
use touyan_storage::testing::TestDb;
use touyan_storage::{Batch, Store, both_backends};
use touyan_workflow::Role;

/// 钱青: born 1994-06-15, on the programme in 第4村 since 2024 (filed).
fn qian() -> CitizenId {
    cid("37078319940615002")
}

/// 孙明: born 1998-01-01, a committee member of 第1村, not on it yet.
fn sun() -> CitizenId {
    cid("37078319980101004")
}

/// 吴丽: born 1990-06-15 (36 on 2026-06-15), a committee member of 第2村.
fn wu() -> CitizenId {
    cid("37078319900615006")
}

/// 周九 of the common records (a full-time bachelor), as another person (no literal of
/// `Person`, whose fields other work changes).
fn person(id: CitizenId, name: &str) -> Person {
    let mut p = records().people[0].clone();
    p.id = id;
    p.name = name.into();
    p
}

/// The common town with a fourth village (4 × 30% = 1.2: a cap of 1),
/// its settings of 2025 and 2026, 钱青 on the programme, 孙明 and 吴丽
/// committee members.
fn batch() -> Batch {
    let mut b = records();
    b.villages.push(Village {
        code: village(4),
        name: "第4村村委会".into(),
        kind: touyan_records::CommitteeKind::Villagers,
    });
    b.people.extend([
        person(qian(), "钱青"),
        person(sun(), "孙明"),
        person(wu(), "吴丽"),
    ]);
    let member = |id: CitizenId, k: u32| Post {
        person: id,
        village: village(k),
        role: PostRole::CommitteeMember,
        start: date!(2020 - 01 - 01),
        end: None,
    };
    b.posts
        .extend([member(qian(), 4), member(sun(), 1), member(wu(), 2)]);
    b.young_cadres = vec![YoungCadre {
        person: qian(),
        village: village(4),
        programme_start: date!(2024 - 01 - 01),
        current_pay: Decimal::ZERO,
        score: Decimal::from(85),
        filed_on: Some(date!(2024 - 01 - 10)),
    }];
    b.town_years = [2025, 2026]
        .map(|year| TownYear {
            town: town(),
            year,
            reference_salary: Decimal::from(4000),
            young_cadre_factor: "0.8".parse().unwrap(),
        })
        .to_vec();
    b
}

async fn opened(db: &TestDb) -> Store {
    let store = db.open().await;
    store.apply("测试", &batch()).await.unwrap();
    store
}

async fn yt(store: &Store, year: i32) -> YoungTown {
    young::town(store, year, town()).await.unwrap()
}

/// A move of `person` by `by` on `on`.
async fn move_(
    store: &Store,
    by: By<'_>,
    kind: YoungMoveKind,
    person: CitizenId,
    on: Date,
) -> Result<(), OfficeError> {
    let l = yt(store, on.year()).await;
    let ask = Ask {
        kind,
        person: Some(person),
        seen: None,
        comment: "",
        excellent: false,
        scored: Ok(Scored {
            score: Decimal::from(90),
            current_pay: Decimal::ZERO,
            note: String::new(),
        }),
    };
    young::record(store, by, &l, &Policy::example(), on, &ask).await
}

async fn exit(
    store: &Store,
    by: By<'_>,
    person: CitizenId,
    reason: &str,
    on: Date,
    note: &str,
    today: Date,
) -> Result<Exit, OfficeError> {
    let l = yt(store, today.year()).await;
    let ask = ExitAsk {
        person: Some(person),
        reason,
        on: Some(on),
        note,
    };
    young_exit::record_exit(store, by, &l, &Policy::example(), today, &ask).await
}

fn invalid<T: std::fmt::Debug>(r: Result<T, OfficeError>) -> String {
    match r {
        Err(OfficeError::Invalid(m)) => m,
        other => panic!("{other:?}"),
    }
}

/// Who is paid in `month`, and how much.
async fn paid(store: &Store, month: Date) -> Vec<(CitizenId, Decimal)> {
    let l = yt(store, month.year()).await;
    let p = Policy::example().resolve(month).unwrap();
    match l.month_pay(&p, month) {
        Ok(y) => y
            .rows
            .iter()
            .map(|r| (r.who.person.clone(), r.total))
            .collect(),
        Err(_) => Vec::new(),
    }
}

async fn an_exit_frees_the_place_and_stops_the_pay(db: TestDb) {
    let store = opened(&db).await;
    let (op, rev, city) = (
        by(Role::TownOperator, Some(T1)),
        by(Role::TownReviewer, Some(T1)),
        by(Role::CityAdmin, None),
    );
    let (d1, d2) = (date!(2025 - 06 - 01), date!(2025 - 06 - 02));
    move_(&store, op, YoungMoveKind::Score, sun(), d2)
        .await
        .unwrap();
    // 钱青 holds the only place.
    let m = invalid(move_(&store, rev, YoungMoveKind::Select, sun(), d2).await);
    assert!(m.contains("再确定 1 人将超过上限"), "{m}");
    assert!(m.contains("第十条"), "{m}");

    // The exit: the town's operator only, on its grounds.
    match exit(&store, rev, qian(), "resigned", d1, "", d2).await {
        Err(OfficeError::Forbidden(m)) => assert!(m.contains("镇街经办"), "{m}"),
        other => panic!("{other:?}"),
    }
    let m = invalid(exit(&store, op, qian(), "age", d1, "", d2).await);
    assert!(m.contains("30 周岁") && m.contains("未超过年龄上限"), "{m}");
    let m = invalid(exit(&store, op, qian(), "extension_ended", d1, "", d2).await);
    assert!(m.contains("没有经批准的延长"), "{m}");
    let m = invalid(exit(&store, op, qian(), "other", d1, " ", d2).await);
    assert_eq!(m, "“其他”原因须写明情况");
    // A secretary's ground is not a young cadre's.
    assert_eq!(
        invalid(exit(&store, op, qian(), "left_office", d1, "", d2).await),
        "请选择退出原因"
    );
    // Not before the programme, not after today; not someone off it.
    for on in [date!(2023 - 12 - 31), date!(2025 - 06 - 03)] {
        assert_eq!(
            invalid(exit(&store, op, qian(), "resigned", on, "", d2).await),
            young_exit::DAY_WANTED
        );
    }
    assert!(invalid(exit(&store, op, sun(), "resigned", d1, "", d2).await).contains("不在"));
    assert!(
        store.list::<Exit>().await.unwrap().is_empty(),
        "nothing written"
    );

    let x = exit(&store, op, qian(), "resigned", d1, "", d2)
        .await
        .unwrap();
    assert_eq!((x.reason, x.on), (ExitReason::Resigned, d1));
    assert_eq!(store.list::<Exit>().await.unwrap(), [x]);
    assert!(matches!(
        exit(&store, op, qian(), "resigned", d1, "", d2).await,
        Err(OfficeError::Conflict(_))
    ));
    let l = yt(&store, 2025).await;
    assert!(l.may_exit().is_empty());
    assert!(
        l.places(&Policy::example().resolve(d2).unwrap(), d2)
            .is_empty()
    );

    // The place is free: 孙明 is selected and filed, and joins the
    // secretary reserve pool of 第1村 on the filing day.
    move_(&store, rev, YoungMoveKind::Select, sun(), d2)
        .await
        .unwrap();
    let filed = date!(2025 - 06 - 05);
    move_(&store, city, YoungMoveKind::File, sun(), filed)
        .await
        .unwrap();
    let reserves = store.list::<Reserve>().await.unwrap();
    assert_eq!(
        reserves,
        [Reserve {
            person: sun(),
            village: village(1),
            post: PostRole::Secretary,
            listed_on: filed,
            removed_on: None,
        }]
    );
    let l = yt(&store, 2025).await;
    let s = l.standing(&Policy::example().resolve(filed).unwrap(), &sun(), filed);
    assert!(s.pool.outcome, "{}", s.pool.reason);

    // June: 钱青 for the month of the exit, 孙明 joined after she left
    // (4000 × 0.8 = 3200, full-time bachelors: + 500 + 500).
    let june = paid(&store, date!(2025 - 06 - 01)).await;
    assert_eq!(june.len(), 2, "{june:?}");
    assert_eq!(june[0], (sun(), Decimal::from(4200)));
    assert_eq!(june[1], (qian(), Decimal::from(4200)));
    // July: 孙明 alone.
    assert_eq!(
        paid(&store, date!(2025 - 07 - 01)).await,
        [(sun(), Decimal::from(4200))]
    );
    db.finish().await;
}
both_backends!(an_exit, an_exit_frees_the_place_and_stops_the_pay);

async fn the_age_is_checked_again_at_selection_and_filing(db: TestDb) {
    let store = opened(&db).await;
    let (op, rev, city) = (
        by(Role::TownOperator, Some(T1)),
        by(Role::TownReviewer, Some(T1)),
        by(Role::CityAdmin, None),
    );
    // Free the place first.
    exit(
        &store,
        op,
        qian(),
        "other",
        date!(2026 - 01 - 05),
        "调任镇街工作",
        date!(2026 - 01 - 05),
    )
    .await
    .unwrap();
    // 吴丽 is scored and selected at 35, but the city files on her 36th
    // birthday: refused; the day before, filed.
    let day = date!(2026 - 06 - 10);
    move_(&store, op, YoungMoveKind::Score, wu(), day)
        .await
        .unwrap();
    move_(&store, rev, YoungMoveKind::Select, wu(), day)
        .await
        .unwrap();
    let m = invalid(
        move_(
            &store,
            city,
            YoungMoveKind::File,
            wu(),
            date!(2026 - 06 - 15),
        )
        .await,
    );
    assert!(m.contains("36 周岁，超过 35 岁，不能备案为年轻干部"), "{m}");
    move_(
        &store,
        city,
        YoungMoveKind::File,
        wu(),
        date!(2026 - 06 - 14),
    )
    .await
    .unwrap();
    // Her term ends 2026-06-14: June is paid (in full, the default),
    // July is not, and "达到年龄上限" may be recorded from her birthday.
    assert_eq!(paid(&store, date!(2026 - 06 - 01)).await.len(), 1);
    assert!(paid(&store, date!(2026 - 07 - 01)).await.is_empty());
    let today = date!(2026 - 07 - 01);
    let m = invalid(exit(&store, op, wu(), "age", date!(2026 - 06 - 14), "", today).await);
    assert!(m.contains("未超过年龄上限"), "{m}");
    let x = exit(&store, op, wu(), "age", date!(2026 - 06 - 15), "", today)
        .await
        .unwrap();
    assert_eq!(x.reason, ExitReason::Age);
    db.finish().await;
}
both_backends!(
    age_rechecked,
    the_age_is_checked_again_at_selection_and_filing
);

/// The young cadres paid in `month` as the pay run, the young-cadre page
/// and the workbook (the town's export) compute them, each with the
/// amount: the three must agree.
async fn paid_three_ways(store: &Store, month: Date) -> [Vec<(CitizenId, Decimal)>; 3] {
    let policy = Policy::example();
    let rows = |y: &touyan_reports::Young| -> Vec<(CitizenId, Decimal)> {
        y.rows
            .iter()
            .map(|r| (r.who.person.clone(), r.total))
            .collect()
    };
    let tm = touyan_office::pay::town_month(store, &policy, month, town())
        .await
        .unwrap();
    let run = tm.pay.young_paid().map(rows).unwrap_or_default();
    let page = paid(store, month).await;
    let file = store.town_file(town()).await.unwrap();
    let asked = touyan_office::figures::Asked::Young {
        month,
        reference_salary: None,
        factor: None,
    };
    let export = match touyan_office::figures::figures(&file, &policy, &asked, Some(town()), month)
    {
        Ok(touyan_office::figures::Figures::Young(y)) => rows(&y),
        _ => Vec::new(),
    };
    [run, page, export]
}

/// A young cadre on the town's secretary list (Article 10: the 优才计划 is
/// for the "其他“两委”干部"): 钱青 (a full-time bachelor, 4000 × 0.8 +
/// 500 + 500 = 4200 yuan a month) is put on the town's 2026 list by a
/// version filed on 2026-03-10, tier 3 (900 yuan, the example policy).
/// February is paid as a young cadre; from March the list in force has
/// her: the subsidy, no young cadre's pay, and the page says why. She
/// keeps her place under the cap of 1.
async fn a_listed_young_cadre_is_paid_as_a_secretary(db: TestDb) {
    let store = opened(&db).await;
    let filing = |person: CitizenId, k: u32| touyan_records::model::ListFiling {
        year: 2026,
        town: town(),
        version: 1,
        person,
        village: village(k),
        tier: 3,
        filed_on: date!(2026 - 03 - 10),
    };
    store
        .upsert("测试", &[filing(zhou(), 1), filing(qian(), 4)])
        .await
        .unwrap();
    let (feb, mar) = (date!(2026 - 02 - 01), date!(2026 - 03 - 01));
    let today = date!(2026 - 03 - 20);
    let young_pay = (qian(), Decimal::from(4200));

    // February: the list of 2026 is not in force yet.
    for (way, got) in ["run", "page", "export"]
        .iter()
        .zip(paid_three_ways(&store, feb).await)
    {
        assert_eq!(got, std::slice::from_ref(&young_pay), "{way}");
    }
    let l = yt(&store, 2026).await;
    let p = Policy::example().resolve(feb).unwrap();
    assert!(l.unpaid(&p, feb, today).is_empty());

    // March: on the list in force, paid the subsidy only.
    for (way, got) in ["run", "page", "export"]
        .iter()
        .zip(paid_three_ways(&store, mar).await)
    {
        assert_eq!(got, [], "{way}");
    }
    let tm = touyan_office::pay::town_month(&store, &Policy::example(), mar, town())
        .await
        .unwrap();
    let records = tm.pay.town_records(town()).unwrap();
    let mine: Vec<_> = records
        .iter()
        .filter(|r| r.person == qian())
        .map(|r| (r.kind, r.amount_fen))
        .collect();
    assert_eq!(
        mine,
        [(touyan_records::model::PayKind::ProfessionalSubsidy, 90_000)]
    );
    let p = Policy::example().resolve(mar).unwrap();
    let unpaid = l.unpaid(&p, mar, today);
    assert_eq!(unpaid.len(), 1);
    assert_eq!(unpaid[0].cadre.person, qian());
    assert!(
        unpaid[0].reason.contains(
            "已纳入专业化管理书记名单（2026 年备案名单），第十条优才计划为其他“两委”干部"
        ),
        "{}",
        unpaid[0].reason
    );
    // The cap still counts her: the one place is taken.
    let places: Vec<&CitizenId> = l.places(&p, today).iter().map(|y| &y.person).collect();
    assert_eq!(places, [&qian()]);
    assert_eq!(l.cap(&p).outcome, 1);
    db.finish().await;
}
both_backends!(listed_young, a_listed_young_cadre_is_paid_as_a_secretary);
