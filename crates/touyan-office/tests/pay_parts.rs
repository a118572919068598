//! A secretary's whole pay (Article 13; issue 17, item 5): the three
//! parts set by higher-level rules recorded by the town's operator, the
//! 专业化补贴 from the month's pay, the totals per part and per channel
//! worked by hand; refusals (who, whose, what) with nothing written; the
//! workbook's 报酬构成 sheet through the import's checks. On SQLite and
//! PostgreSQL.

mod common;

use common::*;
use time::macros::{date, datetime};
use touyan_office::OfficeError;
use touyan_office::import::{self, Imported};
use touyan_office::pay;
use touyan_office::pay_parts::{self, Asked, Part, SUBSIDY_CHANNEL};
use touyan_records::model::{
    FundingSource, Labelled, PayKind, PayPart, PayPartRecord, PayRecord, Person, Post, PostRole,
    Village,
};
use touyan_records::{CitizenId, CommitteeKind, VillageCode};
use touyan_rules::Policy;
use touyan_storage::testing::TestDb;
use touyan_storage::{Scope, Store, both_backends};
use touyan_workflow::Role;
use touyan_workflow::import::Sheet;

const MAY: time::Date = date!(2025 - 05 - 01);

/// 王五: secretary of T2's 外镇第1村.
fn wang() -> CitizenId {
    cid("37078319750101002")
}

/// The common town with 赵六 on tier 2 (1200 元 a month under the
/// example policy) and 周九 on tier 3 (900 元), and T2's 王五.
async fn seeded(db: &TestDb) -> Store {
    let store = db.open().await;
    let mut b = records();
    for e in &mut b.list_entries {
        if e.person == zhao() {
            e.tier = 2;
        }
    }
    let other = VillageCode::parse("370783101201").unwrap();
    b.villages.push(Village {
        code: other,
        name: "外镇第1村村委会".into(),
        kind: CommitteeKind::Villagers,
    });
    b.people.push(Person {
        id: wang(),
        name: "王五".into(),
        full_time_education: None,
        in_service_education: None,
    });
    b.posts.push(Post {
        person: wang(),
        village: other,
        role: PostRole::Secretary,
        start: date!(2015 - 01 - 01),
        end: None,
    });
    store.apply("测试", &b).await.unwrap();
    store
}

fn asked(month: &str, parts: &[(PayPart, &str, &str)]) -> Asked {
    Asked {
        month: month.into(),
        parts: parts
            .iter()
            .map(|(p, a, c)| (*p, (*a).to_owned(), (*c).to_owned()))
            .collect(),
    }
}

fn zhao_may() -> Asked {
    asked(
        "2025-05",
        &[
            (PayPart::Basic, "2400.00", "镇街财政"),
            (PayPart::Performance, "600.50", "村集体经济"),
            (PayPart::Pension, "300", "镇街财政"),
        ],
    )
}

/// Hand-worked: 赵六 in May 2025 — 基本报酬 2400.00 (镇街财政), 业绩
/// 600.50 (村集体经济), 养老 300.00 (镇街财政), 专业化补贴 tier 2 1200.00
/// (市财政（一卡通）): 4500.50. 周九: the tier-3 subsidy 900.00 alone.
/// Per part: 基本 1 人 2400.00, 业绩 1 人 600.50, 养老 1 人 300.00, 补贴
/// 2 人 2100.00. Per channel: 市财政（一卡通） 2 人 2100.00, 村集体经济 1 人
/// 600.50, 镇街财政 1 人 2700.00. In all 5400.50.
async fn a_secretarys_whole_pay(db: TestDb) {
    let store = seeded(&db).await;
    let op = by(Role::TownOperator, Some(T1));
    let n = pay_parts::record(&store, &op, &zhao(), &zhao_may(), TODAY)
        .await
        .unwrap();
    assert_eq!(n, 3);
    let tm = pay::town_month(&store, &Policy::example(), MAY, town())
        .await
        .unwrap();
    let (w, problem) = pay_parts::town_whole_pay(&store, &tm).await.unwrap();
    assert_eq!(problem, None);
    let names: Vec<&str> = w.rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["周九", "赵六"]);
    let zhou_row = &w.rows[0];
    assert_eq!(zhou_row.total_fen, 90_000);
    assert_eq!(zhou_row.lines.len(), 1);
    assert_eq!(zhou_row.lines[0].channel, SUBSIDY_CHANNEL);
    let z = &w.rows[1];
    assert_eq!(z.month, MAY);
    let line = |p: Part| {
        z.line(p)
            .map(|l| (l.amount_fen, l.channel.as_str()))
            .unwrap()
    };
    assert_eq!(line(Part::Set(PayPart::Basic)), (240_000, "镇街财政"));
    assert_eq!(
        line(Part::Set(PayPart::Performance)),
        (60_050, "村集体经济")
    );
    assert_eq!(line(Part::Set(PayPart::Pension)), (30_000, "镇街财政"));
    assert_eq!(line(Part::Subsidy), (120_000, "市财政（一卡通）"));
    assert_eq!(z.total_fen, 450_050);
    let totals = |t: &[pay_parts::Total]| -> Vec<(String, u32, i64)> {
        t.iter()
            .map(|t| (t.label.clone(), t.people, t.fen))
            .collect()
    };
    assert_eq!(
        totals(&w.by_part),
        [
            ("基本报酬".to_owned(), 1, 240_000),
            ("业绩考核奖励报酬".to_owned(), 1, 60_050),
            ("养老保险补助".to_owned(), 1, 30_000),
            ("专业化补贴".to_owned(), 2, 210_000),
        ]
    );
    assert_eq!(
        totals(&w.by_channel),
        [
            ("市财政（一卡通）".to_owned(), 2, 210_000),
            ("村集体经济".to_owned(), 1, 60_050),
            ("镇街财政".to_owned(), 1, 270_000),
        ]
    );
    assert_eq!(w.total_fen, 540_050);
    // The subsidy is the month's pay of the pay page, to the fen.
    let subsidy: i64 = tm
        .pay
        .town_records(town())
        .unwrap()
        .iter()
        .filter(|r| r.kind == PayKind::ProfessionalSubsidy)
        .map(|r| r.amount_fen)
        .sum();
    assert_eq!(w.by_part[3].fen, subsidy);

    // The person's file: the parts, and the subsidy a run stored (April's
    // here), month by month.
    store
        .apply(
            "测试",
            &touyan_storage::Batch {
                pay_records: vec![PayRecord {
                    person: zhao(),
                    month: date!(2025 - 04 - 01),
                    kind: PayKind::ProfessionalSubsidy,
                    source: FundingSource::City,
                    amount_fen: 120_000,
                }],
                ..touyan_storage::Batch::default()
            },
        )
        .await
        .unwrap();
    let file = store
        .scoped(&Scope::Town(T1.into()))
        .person(zhao().as_str())
        .await
        .unwrap()
        .unwrap();
    let p = pay_parts::person_whole_pay(&file);
    let months: Vec<(time::Date, i64)> = p.rows.iter().map(|r| (r.month, r.total_fen)).collect();
    assert_eq!(months, [(date!(2025 - 04 - 01), 120_000), (MAY, 330_050)]);
    assert_eq!(p.total_fen, 450_050);

    // Recording again replaces what is sent and leaves the rest.
    pay_parts::record(
        &store,
        &op,
        &zhao(),
        &asked("2025-05", &[(PayPart::Basic, "2500", "镇财政所")]),
        TODAY,
    )
    .await
    .unwrap();
    let mine = store.pay_parts_of(&zhao()).await.unwrap();
    let got: Vec<(&str, i64, &str)> = mine
        .iter()
        .map(|x| (x.part.code(), x.amount_fen, x.channel.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("basic", 250_000, "镇财政所"),
            ("pension", 30_000, "镇街财政"),
            ("performance", 60_050, "村集体经济"),
        ]
    );
    db.finish().await;
}

both_backends!(whole_pay, a_secretarys_whole_pay);

/// Who may, whose, and what: each refused with nothing written.
async fn refusals_write_nothing(db: TestDb) {
    let store = seeded(&db).await;
    let op = by(Role::TownOperator, Some(T1));
    let try_ = |who, person: CitizenId, a: Asked| {
        let store = &store;
        async move { pay_parts::record(store, &who, &person, &a, TODAY).await }
    };
    let one = |amount: &'static str, channel: &'static str| {
        asked("2025-05", &[(PayPart::Basic, amount, channel)])
    };
    let invalid = |r: Result<usize, OfficeError>| match r {
        Err(OfficeError::Invalid(m)) => m,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        invalid(try_(op, zhao(), one("-1", "镇街财政")).await),
        "基本报酬的金额不能为负数"
    );
    assert_eq!(
        invalid(try_(op, zhao(), one("2400.001", "镇街财政")).await),
        "基本报酬的金额“2400.001”最多两位小数（精确到分）"
    );
    assert_eq!(
        invalid(try_(op, zhao(), one("2400", " ")).await),
        "请填写基本报酬的资金渠道（如 镇街财政、村集体经济）"
    );
    assert_eq!(
        invalid(
            try_(
                op,
                zhao(),
                asked("2025-13", &[(PayPart::Basic, "1", "镇街财政")])
            )
            .await
        ),
        "月份“2025-13”无效，应为 yyyy-mm，如 2026-05"
    );
    assert_eq!(
        invalid(try_(op, zhao(), asked("2025-05", &[])).await),
        "请至少填写一项（基本报酬、业绩考核奖励报酬或养老保险补助）的金额和资金渠道"
    );
    // A good part beside a bad one: neither written.
    let mixed = asked(
        "2025-05",
        &[
            (PayPart::Basic, "2400", "镇街财政"),
            (PayPart::Pension, "300", ""),
        ],
    );
    assert!(matches!(
        try_(op, zhao(), mixed).await,
        Err(OfficeError::Invalid(_))
    ));
    // Unknown, and another town's person: missing.
    assert!(matches!(
        try_(op, stranger(), one("1", "镇街财政")).await,
        Err(OfficeError::NotFound)
    ));
    assert!(matches!(
        try_(op, wang(), one("1", "镇街财政")).await,
        Err(OfficeError::NotFound)
    ));
    // Another town's operator: 赵六 is not theirs.
    assert!(matches!(
        try_(by(Role::TownOperator, Some(T2)), zhao(), zhao_may()).await,
        Err(OfficeError::NotFound)
    ));
    // The reviewer and the city may not record.
    for who in [by(Role::TownReviewer, Some(T1)), by(Role::CityAdmin, None)] {
        assert!(matches!(
            try_(who, zhao(), zhao_may()).await,
            Err(OfficeError::Forbidden(_))
        ));
    }
    assert_eq!(store.list::<PayPartRecord>().await.unwrap(), vec![]);
    db.finish().await;
}

both_backends!(refusals, refusals_write_nothing);

/// The workbook's 报酬构成 sheet: the town's own rows written (and
/// replaced by a later one); another town's person, an empty channel and
/// a negative amount refused, by row, and nothing written.
async fn the_import_sheet(db: TestDb) {
    let store = seeded(&db).await;
    let op = by(Role::TownOperator, Some(T1));
    let keys = store
        .scoped(&Scope::Town(T1.into()))
        .import_keys()
        .await
        .unwrap();
    let row = |person: CitizenId, part, fen, channel: &str| PayPartRecord {
        person,
        month: MAY,
        part,
        amount_fen: fen,
        channel: channel.into(),
        recorded_on: TODAY,
    };
    let run = |rows: Vec<PayPartRecord>| {
        let (store, op, keys) = (&store, &op, &keys);
        async move {
            import::import(
                store,
                op,
                &Policy::example(),
                keys,
                &touyan_storage::Batch {
                    pay_parts: rows,
                    ..touyan_storage::Batch::default()
                },
                TODAY,
                datetime!(2025-06-02 08:00),
            )
            .await
            .unwrap()
        }
    };
    let bad = run(vec![
        row(zhao(), PayPart::Basic, 240_000, "镇街财政"),
        row(wang(), PayPart::Basic, 240_000, "镇街财政"),
        row(zhao(), PayPart::Pension, 30_000, ""),
        row(zhou(), PayPart::Basic, -100, "镇街财政"),
    ])
    .await;
    let Imported::Refused(rows) = bad else {
        panic!("{bad:?}")
    };
    let got: Vec<(Sheet, usize, &str)> = rows
        .iter()
        .map(|r| (r.sheet, r.index, r.reason.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (Sheet::PayParts, 1, "370783********0026 不在本镇街名册中"),
            (
                Sheet::PayParts,
                2,
                "请填写养老保险补助的资金渠道（如 镇街财政、村集体经济）"
            ),
            (Sheet::PayParts, 3, "基本报酬的金额不能为负数"),
        ]
    );
    assert!(store.list::<PayPartRecord>().await.unwrap().is_empty());
    // The town's own rows: written, and a later row replaces one.
    let good = run(vec![
        row(zhao(), PayPart::Basic, 240_000, "镇街财政"),
        row(zhao(), PayPart::Performance, 60_050, "村集体经济"),
    ])
    .await;
    assert!(matches!(good, Imported::Applied(_)), "{good:?}");
    let again = run(vec![row(zhao(), PayPart::Basic, 250_000, "镇街财政")]).await;
    assert!(matches!(again, Imported::Applied(_)), "{again:?}");
    let stored = store.pay_parts_of(&zhao()).await.unwrap();
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[0].amount_fen, 250_000);
    // The reviewer may not import the sheet.
    let rev = by(Role::TownReviewer, Some(T1));
    let r = import::import(
        &store,
        &rev,
        &Policy::example(),
        &keys,
        &touyan_storage::Batch {
            pay_parts: vec![row(zhao(), PayPart::Basic, 1, "镇街财政")],
            ..touyan_storage::Batch::default()
        },
        TODAY,
        datetime!(2025-06-02 08:00),
    )
    .await
    .unwrap();
    assert!(matches!(r, Imported::Refused(_)), "{r:?}");
    db.finish().await;
}

both_backends!(import_sheet, the_import_sheet);
