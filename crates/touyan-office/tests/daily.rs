//! Daily management and treatment guarantees through the office (the
//! inferred Chapter 2 and Article 14): reminders on their days and the
//! day before, who keeps which record and moves a leave request, the
//! checks of a record at their thresholds, and nothing written on a
//! refusal. On SQLite and PostgreSQL.
//!
//! The example policy: 5 office days a week; one work record a month,
//! reminded from the 25th; last year's report due by 31 January; leave
//! reminded. 周九 (第1村) and 赵六 (第3村) are T1's secretaries since 2015;
//! 李四 is a committee member; T2 has no villages.

mod common;

use std::future::Future;

use common::*;
use time::Date;
use time::macros::date;
use touyan_office::daily::{self as office, Entry, Kind, Reminder};
use touyan_office::{By, OfficeError};
use touyan_records::CitizenId;
use touyan_records::model::{
    DutyRota, HonourLevel, LeaveMove, LeaveMoveKind, LeaveRequest, LeaveState, PensionSubsidy,
    RecruitKind, ReportOutcome, WorkRecord, YearReport,
};
use touyan_rules::Policy;
use touyan_storage::testing::TestDb;
use touyan_storage::{Store, both_backends};
use touyan_workflow::Role;

async fn opened(db: &TestDb) -> Store {
    let store = db.open().await;
    store.apply("测试", &records()).await.unwrap();
    store
}

fn op() -> By<'static> {
    by(Role::TownOperator, Some(T1))
}

fn rev() -> By<'static> {
    by(Role::TownReviewer, Some(T1))
}

/// Adds `entry` of `person` as `who` on `today`, both steps.
async fn add(
    store: &Store,
    who: By<'_>,
    today: Date,
    person: &CitizenId,
    entry: Entry,
) -> Result<(), OfficeError> {
    let policy = Policy::example();
    let k = office::secretary(store, &who, &policy, today, town(), person, entry.kind()).await?;
    office::add(store, &who, today, &k, entry).await
}

/// The refusal `f` ends in, checking that it wrote nothing.
async fn nothing_written<T: std::fmt::Debug>(
    store: &Store,
    f: impl Future<Output = Result<T, OfficeError>>,
) -> OfficeError {
    let before = store.changes(None).await.unwrap().len();
    let e = f.await.expect_err("refused");
    assert_eq!(store.changes(None).await.unwrap().len(), before, "{e}");
    e
}

fn invalid(e: OfficeError) -> String {
    match e {
        OfficeError::Invalid(m) => m,
        other => panic!("{other:?}"),
    }
}

fn forbidden(e: OfficeError) -> String {
    match e {
        OfficeError::Forbidden(m) => m,
        other => panic!("{other:?}"),
    }
}

/// `person`'s reminders on `on` (none when not in post).
async fn reminders(store: &Store, person: &CitizenId, on: Date) -> Vec<Reminder> {
    office::in_post(store, &Policy::example(), Some(town()), Some(person), on)
        .await
        .unwrap()
        .into_iter()
        .flat_map(|l| l.reminders.into_iter().map(|d| d.outcome))
        .collect()
}

fn rota(since: Date, office_days: u8) -> Entry {
    Entry::Rota {
        since,
        office_days,
        office_hours: "8:30—17:30".into(),
        duty: String::new(),
    }
}

fn report(year: i32, given_on: Date) -> Entry {
    Entry::Report {
        year,
        given_on,
        outcome: ReportOutcome::Good,
        note: String::new(),
    }
}

fn work(on: Date, text: &str) -> Entry {
    Entry::Work {
        on,
        text: text.into(),
    }
}

async fn reminders_fall_due_on_their_days(db: TestDb) {
    let store = opened(&db).await;
    let policy = Policy::example();

    // Nothing kept: each secretary has no rota and no 2024 report; June's
    // work records are not asked for before the 25th.
    let lines = office::in_post(&store, &policy, Some(town()), None, TODAY)
        .await
        .unwrap();
    assert_eq!(
        lines
            .iter()
            .map(|l| l.secretary.name.as_str())
            .collect::<Vec<_>>(),
        ["周九", "赵六"]
    );
    let overdue_2024 = Reminder::ReportOverdue {
        year: 2024,
        due: date!(2025 - 01 - 31),
    };
    for l in &lines {
        let got: Vec<Reminder> = l.reminders.iter().map(|d| d.outcome).collect();
        assert_eq!(got, [Reminder::NoDutyRota, overdue_2024]);
    }
    assert_eq!(
        office::sentence(&lines[0].reminders[0]),
        "没有在用的坐班值班安排（第二章（原文缺失，推定））"
    );
    let towns = office::per_town(&lines);
    assert_eq!(towns.len(), 1);
    assert_eq!(
        (towns[0].town, towns[0].secretaries, towns[0].reminded),
        (town(), 2, 2)
    );
    assert_eq!((towns[0].counts, towns[0].total), ([2, 0, 0, 0, 2], 4));

    // 周九: a rota of 5 days and both reports; 赵六: a rota, the 2023
    // report and a work record of January 2025.
    for e in [
        rota(date!(2024 - 01 - 01), 5),
        report(2023, date!(2024 - 01 - 20)),
        report(2024, date!(2025 - 01 - 20)),
    ] {
        add(&store, op(), TODAY, &zhou(), e).await.unwrap();
    }
    for e in [
        rota(date!(2024 - 01 - 01), 5),
        report(2023, date!(2024 - 01 - 20)),
        work(date!(2025 - 01 - 10), "走访"),
    ] {
        add(&store, op(), TODAY, &zhao(), e).await.unwrap();
    }
    // 赵六's 2024 report is due by 31 January 2025: nothing that day, the
    // reminder the day after (and from then on).
    assert_eq!(reminders(&store, &zhao(), date!(2025 - 01 - 31)).await, []);
    assert_eq!(
        reminders(&store, &zhao(), date!(2025 - 02 - 01)).await,
        [overdue_2024]
    );
    assert_eq!(reminders(&store, &zhao(), TODAY).await, [overdue_2024]);
    let lines = office::in_post(&store, &policy, None, None, TODAY)
        .await
        .unwrap();
    let towns = office::per_town(&lines);
    assert_eq!(
        towns
            .iter()
            .map(|t| (t.secretaries, t.reminded, t.counts, t.total))
            .collect::<Vec<_>>(),
        [(2, 1, [0, 0, 0, 0, 1], 1)]
    );

    // 周九's June work records: nothing asked on the 24th; on the 25th,
    // none this month; a record of the 25th clears it.
    assert_eq!(reminders(&store, &zhou(), date!(2025 - 06 - 24)).await, []);
    let few = Reminder::FewWorkRecords {
        month: date!(2025 - 06 - 01),
        count: 0,
        min: 1,
    };
    assert_eq!(
        reminders(&store, &zhou(), date!(2025 - 06 - 25)).await,
        [few]
    );
    let the25th = date!(2025 - 06 - 25);
    add(&store, op(), the25th, &zhou(), work(the25th, "调解纠纷"))
        .await
        .unwrap();
    assert_eq!(reminders(&store, &zhou(), the25th).await, []);

    // A rota of 4 days is short of 5 from the day it takes effect.
    add(&store, op(), TODAY, &zhou(), rota(date!(2025 - 07 - 01), 4))
        .await
        .unwrap();
    assert_eq!(reminders(&store, &zhou(), date!(2025 - 06 - 30)).await, []);
    assert_eq!(
        reminders(&store, &zhou(), date!(2025 - 07 - 01)).await,
        [Reminder::FewOfficeDays { days: 4, min: 5 }]
    );
    db.finish().await;
}

/// A leave request of 周九 from `start` to `end`.
fn leave(start: Date, end: Date) -> Entry {
    Entry::Leave {
        start,
        end,
        reason: "探亲".into(),
    }
}

/// The leave reminders of 周九 on `on`.
async fn leave_reminders(store: &Store, on: Date) -> Vec<Reminder> {
    reminders(store, &zhou(), on)
        .await
        .into_iter()
        .filter(|r| {
            matches!(
                r,
                Reminder::LeavePending { .. } | Reminder::LeaveNotReturned { .. }
            )
        })
        .collect()
}

async fn leave_moves_by_role(db: TestDb) {
    let store = opened(&db).await;
    let (start, end) = (date!(2025 - 06 - 10), date!(2025 - 06 - 12));

    // The reviewer makes no requests; another town's operator finds none.
    let e = nothing_written(
        &store,
        add(&store, rev(), TODAY, &zhou(), leave(start, end)),
    )
    .await;
    assert!(forbidden(e).contains("只能由镇街经办办理"));
    let e = nothing_written(
        &store,
        add(
            &store,
            by(Role::TownOperator, Some(T2)),
            TODAY,
            &zhou(),
            leave(start, end),
        ),
    )
    .await;
    assert!(matches!(e, OfficeError::NotFound), "{e:?}");
    add(&store, op(), TODAY, &zhou(), leave(start, end))
        .await
        .unwrap();
    let pending = |waiting_days| Reminder::LeavePending {
        start,
        end,
        waiting_days,
    };
    assert_eq!(leave_reminders(&store, TODAY).await, [pending(0)]);
    assert_eq!(
        leave_reminders(&store, date!(2025 - 06 - 05)).await,
        [pending(3)]
    );

    // Who sees which buttons.
    let file = office::file(&store, &zhou(), Some(town())).await.unwrap();
    let l = &file.leaves[0];
    assert_eq!(
        (l.seq, l.state, l.requested_on),
        (1, LeaveState::Requested, TODAY)
    );
    assert_eq!(
        office::leave_moves(&rev(), l),
        [LeaveMoveKind::Approve, LeaveMoveKind::Refuse]
    );
    assert_eq!(office::leave_moves(&op(), l), []);
    assert!(office::may_keep(&op(), town()));
    assert!(!office::may_keep(&rev(), town()));
    assert!(!office::may_keep(&by(Role::CityAdmin, None), town()));

    // The operator may not approve: refused before the request is read,
    // and a request found by the reviewer cannot be moved by the
    // operator either. Nothing written.
    let at = |who: By<'static>, seq, seen, kind, comment: &'static str| {
        let store = &store;
        async move { office::leave(store, &who, town(), &zhou(), seq, seen, None, kind, comment).await }
    };
    let approve = |who| at(who, 1, LeaveState::Requested, LeaveMoveKind::Approve, "");
    let e = nothing_written(&store, approve(op())).await;
    assert!(forbidden(e).contains("只能由镇街审核办理"));
    let found = approve(rev()).await.unwrap();
    let e = nothing_written(
        &store,
        office::move_leave(&store, &op(), TODAY, found, None),
    )
    .await;
    assert!(forbidden(e).contains("只能由镇街审核办理"));
    // Another town's reviewer: missing; no such request: missing.
    let e = nothing_written(&store, approve(by(Role::TownReviewer, Some(T2)))).await;
    assert!(matches!(e, OfficeError::NotFound), "{e:?}");
    let e = nothing_written(
        &store,
        at(rev(), 2, LeaveState::Requested, LeaveMoveKind::Approve, ""),
    )
    .await;
    assert!(matches!(e, OfficeError::NotFound), "{e:?}");
    // A refusal needs a reason of at most 300 characters.
    let e = nothing_written(
        &store,
        at(rev(), 1, LeaveState::Requested, LeaveMoveKind::Refuse, " "),
    )
    .await;
    assert_eq!(invalid(e), "“不予批准”须写明理由");
    let long: &'static str = "由".repeat(office::COMMENT_CHARS + 1).leak();
    let e = nothing_written(
        &store,
        at(rev(), 1, LeaveState::Requested, LeaveMoveKind::Refuse, long),
    )
    .await;
    assert_eq!(invalid(e), "理由不能超过 300 字（现有 301 字）");

    // Two pages open: the first approval is written, the second refused.
    let first = approve(rev()).await.unwrap();
    let second = approve(rev()).await.unwrap();
    let stored = office::move_leave(&store, &rev(), TODAY, first, None)
        .await
        .unwrap();
    assert_eq!(stored.state, LeaveState::Approved);
    let e = nothing_written(
        &store,
        office::move_leave(&store, &rev(), TODAY, second, None),
    )
    .await;
    assert!(matches!(e, OfficeError::Conflict(_)), "{e:?}");
    // And a page that still shows it waiting.
    let e = nothing_written(&store, approve(rev())).await;
    match e {
        OfficeError::Conflict(m) => assert!(m.contains("已批准"), "{m}"),
        other => panic!("{other:?}"),
    }

    // An approved leave overlapping a new one, to the day.
    let e = nothing_written(&store, add(&store, op(), TODAY, &zhou(), leave(end, end))).await;
    assert!(invalid(e).contains("时间重叠"));

    // Not reported back: nothing on the last day, a reminder the day after.
    assert_eq!(leave_reminders(&store, end).await, []);
    let the13th = date!(2025 - 06 - 13);
    assert_eq!(
        leave_reminders(&store, the13th).await,
        [Reminder::LeaveNotReturned { start, end }]
    );
    let ret = || at(op(), 1, LeaveState::Approved, LeaveMoveKind::Return, "");
    for (day, message) in [
        (None, "请填写销假日期".to_owned()),
        (
            Some(date!(2025 - 06 - 09)),
            "销假日期 2025-06-09 早于请假开始日期 2025-06-10".to_owned(),
        ),
        (
            Some(date!(2025 - 06 - 14)),
            "销假日期 2025-06-14 晚于今天".to_owned(),
        ),
    ] {
        let at = ret().await.unwrap();
        let e = nothing_written(&store, office::move_leave(&store, &op(), the13th, at, day)).await;
        assert_eq!(invalid(e), message);
    }
    // Reported back on its first day.
    let at = ret().await.unwrap();
    let stored = office::move_leave(&store, &op(), the13th, at, Some(start))
        .await
        .unwrap();
    assert_eq!(
        (stored.state, stored.returned_on),
        (LeaveState::Returned, Some(start))
    );
    assert_eq!(leave_reminders(&store, the13th).await, []);
    let moves: Vec<LeaveMove> = store.list().await.unwrap();
    assert_eq!(
        moves
            .iter()
            .map(|m| (m.leave_seq, m.seq, m.kind, m.to))
            .collect::<Vec<_>>(),
        [
            (1, 1, LeaveMoveKind::Request, LeaveState::Requested),
            (1, 2, LeaveMoveKind::Approve, LeaveState::Approved),
            (1, 3, LeaveMoveKind::Return, LeaveState::Returned),
        ]
    );
    let leaves: Vec<LeaveRequest> = store.list().await.unwrap();
    assert_eq!(leaves.len(), 1);
    db.finish().await;
}

async fn checks_refuse_at_their_thresholds(db: TestDb) {
    let store = opened(&db).await;
    let tomorrow = date!(2025 - 06 - 03);

    // Who may first, then the secretary.
    let e = nothing_written(&store, add(&store, rev(), TODAY, &zhou(), work(TODAY, ""))).await;
    assert_eq!(
        forbidden(e),
        "工作纪实由镇街经办登记（第二章，推定），镇街审核不能登记"
    );
    let pension = |amount: &str| Entry::Pension {
        year: 2024,
        paid_on: date!(2025 - 03 - 15),
        amount: amount.parse().unwrap(),
        note: String::new(),
    };
    let e = nothing_written(
        &store,
        add(
            &store,
            by(Role::CityAdmin, None),
            TODAY,
            &zhou(),
            pension("1"),
        ),
    )
    .await;
    assert!(forbidden(e).contains("养老补贴由镇街经办登记（第十四条，推定）"));
    for who in [li(), stranger()] {
        let e = nothing_written(&store, add(&store, op(), TODAY, &who, work(TODAY, "走访"))).await;
        assert_eq!(invalid(e), "没有找到该书记：只能登记本镇街在任书记的记录");
    }
    // A secretary found by the operator is not the reviewer's to add to.
    let k = office::secretary(
        &store,
        &op(),
        &Policy::example(),
        TODAY,
        town(),
        &zhou(),
        Kind::Work,
    )
    .await
    .unwrap();
    let e = nothing_written(
        &store,
        office::add(&store, &rev(), TODAY, &k, work(TODAY, "走访")),
    )
    .await;
    assert!(matches!(e, OfficeError::Forbidden(_)), "{e:?}");

    let text = |n: usize| "字".repeat(n);
    let cases: Vec<(Entry, String)> = vec![
        (
            work(tomorrow, "走访"),
            "纪实日期 2025-06-03 晚于今天".into(),
        ),
        (work(TODAY, ""), "请填写工作纪实内容".into()),
        (
            work(TODAY, &text(501)),
            "工作纪实内容不能超过 500 字（现有 501 字）".into(),
        ),
        (rota(TODAY, 8), "每周坐班天数“8”应为 0 至 7 的整数".into()),
        (
            Entry::Rota {
                since: TODAY,
                office_days: 5,
                office_hours: String::new(),
                duty: String::new(),
            },
            "请填写坐班时间".into(),
        ),
        (
            report(1999, date!(2000 - 01 - 20)),
            "述职年度“1999”不是 2000 至 2100 之间的年份".into(),
        ),
        (
            report(2025, date!(2024 - 12 - 31)),
            "2025 年度述职的日期 2024-12-31 早于该年度".into(),
        ),
        (
            report(2024, tomorrow),
            "述职日期 2025-06-03 晚于今天".into(),
        ),
        (
            pension("0"),
            "金额“0”应为大于 0 的元数，最多两位小数".into(),
        ),
        (pension("1.005"), "金额 1.005 的小数超过 2 位".into()),
        (
            Entry::Honour {
                on: TODAY,
                title: text(101),
                level: HonourLevel::City,
                awarded_by: String::new(),
            },
            "表彰名称不能超过 100 字（现有 101 字）".into(),
        ),
        (
            Entry::Recruitment {
                on: tomorrow,
                kind: RecruitKind::CivilServant,
                post: "科员".into(),
                note: String::new(),
            },
            "录用日期 2025-06-03 晚于今天".into(),
        ),
        (
            leave(date!(2025 - 06 - 10), date!(2025 - 06 - 09)),
            "请假结束日期 2025-06-09 早于开始日期 2025-06-10".into(),
        ),
        (
            Entry::Leave {
                start: TODAY,
                end: TODAY,
                reason: String::new(),
            },
            "请填写请假事由".into(),
        ),
    ];
    for (entry, message) in cases {
        let e = nothing_written(&store, add(&store, op(), TODAY, &zhou(), entry)).await;
        assert_eq!(invalid(e), message);
    }

    // At the thresholds: today, 7 office days, 500 characters, a report
    // given on its year's first day, one fen.
    for e in [
        work(TODAY, &text(500)),
        rota(TODAY, 7),
        report(2025, date!(2025 - 01 - 01)),
        pension("0.01"),
    ] {
        add(&store, op(), TODAY, &zhou(), e).await.unwrap();
    }
    let works: Vec<WorkRecord> = store.list().await.unwrap();
    assert_eq!(
        works
            .iter()
            .map(|w| (w.seq, w.on, w.text.chars().count()))
            .collect::<Vec<_>>(),
        [(1, TODAY, 500)]
    );
    let rotas: Vec<DutyRota> = store.list().await.unwrap();
    assert_eq!(rotas.iter().map(|r| r.office_days).collect::<Vec<_>>(), [7]);
    let pensions: Vec<PensionSubsidy> = store.list().await.unwrap();
    assert_eq!(
        pensions
            .iter()
            .map(|p| (p.seq, p.amount_fen))
            .collect::<Vec<_>>(),
        [(1, 1)]
    );
    // A second report of a year: refused by the store, nothing written.
    let e = nothing_written(
        &store,
        add(&store, op(), TODAY, &zhou(), report(2025, TODAY)),
    )
    .await;
    assert_eq!(invalid(e), "2025 年度述职已经登记");
    let reports: Vec<YearReport> = store.list().await.unwrap();
    assert_eq!(reports.len(), 1);
    // Every write is logged with who made it.
    let log = store.changes(Some("pension_subsidies")).await.unwrap();
    assert_eq!(
        log.iter().map(|c| c.actor.as_str()).collect::<Vec<_>>(),
        ["测试"]
    );
    db.finish().await;
}

both_backends!(reminders_on_their_days, reminders_fall_due_on_their_days);
both_backends!(leave_moves, leave_moves_by_role);
both_backends!(checks, checks_refuse_at_their_thresholds);
