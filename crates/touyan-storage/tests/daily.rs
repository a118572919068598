//! Daily management and treatment records (issue 5, item 8): numbered
//! per person, a second report of a year refused, leave moves claimed in
//! the state seen (a stale move writes nothing), and the facts the
//! reminders read — the rota in force, the month's work records, open
//! leave — by town. Every body runs on SQLite and PostgreSQL.

use time::macros::date;
use touyan_records::model::*;
use touyan_records::{CitizenId, CommitteeKind, TownCode, VillageCode};
use touyan_rules::people::Education;
use touyan_storage::testing::TestDb;
use touyan_storage::{Batch, DailyAdd, LeaveChange, StoreError, Town, Village, both_backends};

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

fn town(t: &str) -> TownCode {
    TownCode::parse(t).unwrap()
}

fn a() -> CitizenId {
    cid("37078319700101001")
}

fn b() -> CitizenId {
    cid("37078319851231002")
}

fn seed() -> Batch {
    let village = |code: &str, name: &str| Village {
        code: VillageCode::parse(code).unwrap(),
        name: name.into(),
        kind: CommitteeKind::classify(name),
    };
    let person = |id: CitizenId, name: &str| Person {
        id,
        name: name.into(),
        full_time_education: None,
        in_service_education: Some(Education::College),
    };
    let post = |p: CitizenId, v: &str, end| Post {
        person: p,
        village: VillageCode::parse(v).unwrap(),
        role: PostRole::Secretary,
        start: date!(2021 - 01 - 01),
        end,
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
            village("370783100201", "东村村委会"),
            village("370783001201", "南村村委会"),
        ],
        people: vec![person(a(), "张三"), person(b(), "李四")],
        // 李四 left office at the end of May.
        posts: vec![
            post(a(), "370783100201", None),
            post(b(), "370783001201", Some(date!(2025 - 05 - 31))),
        ],
        ..Batch::default()
    }
}

fn work(on: time::Date) -> DailyAdd {
    DailyAdd::Work(WorkRecord {
        person: a(),
        seq: 0,
        town: town(T1),
        on,
        text: "走访农户".into(),
    })
}

fn leave(seq: u32, state: LeaveState) -> LeaveRequest {
    LeaveRequest {
        person: a(),
        seq,
        town: town(T1),
        start: date!(2025 - 06 - 10),
        end: date!(2025 - 06 - 12),
        reason: "探亲".into(),
        requested_on: date!(2025 - 06 - 02),
        state,
        comment: String::new(),
        returned_on: None,
    }
}

async fn records_moves_and_facts(db: TestDb) {
    let store = db.open().await;
    store.apply("测试", &seed()).await.unwrap();
    let on = date!(2025 - 06 - 02);

    // Numbered per person from 1; the number given is ignored.
    store
        .add_daily("op", None, &work(date!(2025 - 05 - 31)))
        .await
        .unwrap();
    store
        .add_daily("op", None, &work(date!(2025 - 06 - 01)))
        .await
        .unwrap();
    store.add_daily("op", None, &work(on)).await.unwrap();
    let file = store.daily_file(&a(), Some(town(T1))).await.unwrap();
    assert_eq!(
        file.work_records
            .iter()
            .map(|w| (w.seq, w.on))
            .collect::<Vec<_>>(),
        [
            (1, date!(2025 - 05 - 31)),
            (2, date!(2025 - 06 - 01)),
            (3, on)
        ]
    );

    // A second report of the same year is refused, nothing written.
    let report = YearReport {
        person: a(),
        year: 2024,
        town: town(T1),
        given_on: date!(2025 - 01 - 20),
        outcome: ReportOutcome::Good,
        note: String::new(),
    };
    store
        .add_daily("op", None, &DailyAdd::Report(report.clone()))
        .await
        .unwrap();
    let before = store.changes(None).await.unwrap().len();
    let again = YearReport {
        outcome: ReportOutcome::Poor,
        ..report.clone()
    };
    match store.add_daily("op", None, &DailyAdd::Report(again)).await {
        Err(StoreError::AlreadyRecorded { what }) => assert_eq!(what, "年度述职"),
        other => panic!("{other:?}"),
    }
    assert_eq!(store.changes(None).await.unwrap().len(), before);

    // Rotas: the latest from on or before the day is in force.
    let rota = |since, days| {
        DailyAdd::Rota(DutyRota {
            person: a(),
            since,
            town: town(T1),
            office_days: days,
            office_hours: "8:30—17:30".into(),
            duty: "每周六值班".into(),
        })
    };
    store
        .add_daily("op", None, &rota(date!(2025 - 01 - 01), 4))
        .await
        .unwrap();
    store.add_daily("op", None, &rota(on, 5)).await.unwrap();
    store
        .add_daily("op", None, &rota(date!(2025 - 07 - 01), 3))
        .await
        .unwrap();

    // A request, then a move from the state seen; a stale one is refused.
    let r = store
        .move_leave(
            "op",
            None,
            &LeaveChange {
                request: leave(99, LeaveState::Requested),
                expected: None,
                kind: LeaveMoveKind::Request,
                comment: String::new(),
            },
        )
        .await
        .unwrap();
    assert_eq!(r.seq, 1);
    let facts = store
        .daily_secretaries(Some(town(T1)), None, on, 2024)
        .await
        .unwrap();
    assert_eq!(facts.len(), 1);
    let f = &facts[0];
    assert_eq!((f.person.clone(), f.name.as_str()), (a(), "张三"));
    assert_eq!(f.village_name, "东村村委会");
    assert_eq!(f.rota.as_ref().map(|r| r.office_days), Some(5));
    assert_eq!(f.work_records, 2, "June's two, not May's");
    assert_eq!(f.report_years, [2024]);
    assert_eq!(f.open_leaves.len(), 1);
    // From 2025 on, no report is read.
    let later = store
        .daily_secretaries(Some(town(T1)), Some(&a()), on, 2025)
        .await
        .unwrap();
    assert!(later[0].report_years.is_empty());

    let approve = LeaveChange {
        request: leave(1, LeaveState::Approved),
        expected: Some(LeaveState::Requested),
        kind: LeaveMoveKind::Approve,
        comment: String::new(),
    };
    store.move_leave("rev", None, &approve).await.unwrap();
    let before = store.changes(None).await.unwrap().len();
    match store.move_leave("rev2", None, &approve).await {
        Err(e @ StoreError::Stale) => assert!(e.to_string().contains("请刷新页面"), "{e}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(store.changes(None).await.unwrap().len(), before);
    // Another town's request is not claimed either.
    let elsewhere = LeaveChange {
        request: LeaveRequest {
            town: town(T2),
            ..leave(1, LeaveState::Returned)
        },
        expected: Some(LeaveState::Approved),
        kind: LeaveMoveKind::Return,
        comment: String::new(),
    };
    assert!(store.move_leave("op2", None, &elsewhere).await.is_err());

    let file = store.daily_file(&a(), Some(town(T1))).await.unwrap();
    assert_eq!(file.leaves[0].state, LeaveState::Approved);
    let moves: Vec<(u32, LeaveMoveKind, &str)> = file
        .leave_moves
        .iter()
        .map(|(m, by, _)| (m.seq, m.kind, by.as_str()))
        .collect();
    assert_eq!(
        moves,
        [
            (1, LeaveMoveKind::Request, "op"),
            (2, LeaveMoveKind::Approve, "rev")
        ]
    );
    // Another town keeps nothing of this person.
    let none = store.daily_file(&a(), Some(town(T2))).await.unwrap();
    assert!(none.leaves.is_empty() && none.work_records.is_empty() && none.leave_moves.is_empty());

    // Town 2's secretary left office before the day: not in post.
    assert!(
        store
            .daily_secretaries(Some(town(T2)), None, on, 2024)
            .await
            .unwrap()
            .is_empty()
    );
    let was = store
        .daily_secretaries(None, None, date!(2025 - 05 - 31), 2024)
        .await
        .unwrap();
    assert_eq!(was.len(), 2);
    // Treatment records, numbered; amounts in fen.
    for amount_fen in [120_000, 60_050] {
        store
            .add_daily(
                "op",
                None,
                &DailyAdd::Pension(PensionSubsidy {
                    person: a(),
                    seq: 0,
                    town: town(T1),
                    year: 2024,
                    paid_on: date!(2025 - 03 - 01),
                    amount_fen,
                    note: String::new(),
                }),
            )
            .await
            .unwrap();
    }
    let file = store.daily_file(&a(), None).await.unwrap();
    assert_eq!(
        file.pensions
            .iter()
            .map(|p| (p.seq, p.amount_fen))
            .collect::<Vec<_>>(),
        [(1, 120_000), (2, 60_050)]
    );
    db.finish().await;
}
both_backends!(daily, records_moves_and_facts);

/// A work record withdrawn through a correction leaves its number used:
/// the next record is numbered past it (issue 18, item 3), and a
/// correction made on a record changed meanwhile is refused as stale.
async fn a_withdrawn_number_is_not_reused(db: TestDb) {
    let store = db.open().await;
    store.apply("测试", &seed()).await.unwrap();
    for d in [date!(2025 - 05 - 30), date!(2025 - 05 - 31)] {
        store.add_daily("op", None, &work(d)).await.unwrap();
    }
    let file = store.daily_file(&a(), Some(town(T1))).await.unwrap();
    let last = file
        .work_records
        .iter()
        .find(|w| w.seq == 2)
        .unwrap()
        .clone();
    let note = |seq: u32, withdrawn: bool| Correction {
        kind: "daily_work_records".into(),
        key: format!("{}/2", a().as_str()),
        seq,
        town: town(T1),
        on: date!(2025 - 06 - 02),
        by: "op".into(),
        withdrawn,
        reason: "登记有误".into(),
        before: "日期：2025-05-31".into(),
        after: String::new(),
    };
    // Changed since it was read: refused, nothing written.
    let changed = WorkRecord {
        text: "另一内容".into(),
        ..last.clone()
    };
    let stale = store
        .correct("op", None, &changed, None, &note(1, true))
        .await
        .unwrap_err();
    assert!(matches!(stale, StoreError::Stale), "{stale:?}");
    assert!(
        store
            .corrections_of("daily_work_records", &format!("{}/2", a().as_str()))
            .await
            .unwrap()
            .is_empty()
    );
    // Withdrawn as read: gone, its correction kept.
    store
        .correct("op", None, &last, None, &note(1, true))
        .await
        .unwrap();
    store
        .add_daily("op", None, &work(date!(2025 - 06 - 01)))
        .await
        .unwrap();
    let file = store.daily_file(&a(), Some(town(T1))).await.unwrap();
    assert_eq!(
        file.work_records
            .iter()
            .map(|w| (w.seq, w.on))
            .collect::<Vec<_>>(),
        [(1, date!(2025 - 05 - 30)), (3, date!(2025 - 06 - 01))],
        "number 2 stays withdrawn"
    );
}

both_backends!(withdrawn_number, a_withdrawn_number_is_not_reused);
