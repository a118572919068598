//! Inferred daily management reminders (Chapter 2 is missing): duty rota,
//! work records from the 25th of a month, leave waiting or not reported
//! back, the yearly report due by 31 January of the next year. Every
//! threshold checked on its day and the day before.

mod common;

use common::*;
use time::Date;
use time::macros::date;
use touyan_rules::art02_daily_inferred::{
    self as daily, DailyFacts, Leave, LeaveStage, Reminder, report_due, report_year_due,
};
use touyan_rules::policy::Raw;

/// A secretary since 2020 with everything in order on `ON` (2025-01-01):
/// a rota of 5 office days, one work record this month, the 2023 report
/// (the one last due, on 2024-01-31).
fn in_order() -> DailyFacts<'static> {
    DailyFacts {
        secretary_since: date!(2020 - 01 - 01),
        rota_office_days: Some(5),
        work_records_in_month: 1,
        report_years: &[2023, 2024],
        leaves: &[],
    }
}

fn all(f: &DailyFacts<'_>, on: Date) -> Vec<Reminder> {
    daily::reminders(&params(), f, on)
        .into_iter()
        .map(|d| d.outcome)
        .collect()
}

#[test]
fn nothing_missing_nothing_reminded() {
    assert!(all(&in_order(), ON).is_empty());
    assert!(all(&in_order(), date!(2025 - 06 - 30)).is_empty());
}

#[test]
fn a_duty_rota_is_needed_with_five_office_days() {
    let none = DailyFacts {
        rota_office_days: None,
        ..in_order()
    };
    let ds = daily::reminders(&params(), &none, ON);
    assert_eq!(ds.len(), 1);
    assert_eq!(ds[0].outcome, Reminder::NoDutyRota);
    assert_rule(ds[0].rule, "art02.duty_rota", 2);
    assert!(ds[0].rule.inferred);
    assert_eq!(ds[0].rule.citation(), "第二章（原文缺失，推定）");
    assert_used_policy(&ds[0].params, "daily.remind_duty_rota");
    assert_eq!(ds[0].sentence(), "没有在用的坐班值班安排");
    // 5 days a week is the minimum: 5 is enough, 4 is not.
    let four = DailyFacts {
        rota_office_days: Some(4),
        ..in_order()
    };
    let ds = daily::reminders(&params(), &four, ON);
    assert_eq!(ds[0].outcome, Reminder::FewOfficeDays { days: 4, min: 5 });
    assert_used_policy(&ds[0].params, "daily.office_min_days_per_week");
    assert_eq!(ds[0].sentence(), "坐班值班安排每周坐班 4 天，少于 5 天");
    assert!(all(&in_order(), ON).is_empty());
    // Switched off, or a lower minimum.
    let off = params_with(&[("daily.remind_duty_rota", Raw::Bool(false))]);
    assert!(daily::reminders(&off, &none, ON).is_empty());
    let three = params_with(&[("daily.office_min_days_per_week", Raw::Number("4"))]);
    assert!(daily::reminders(&three, &four, ON).is_empty());
}

#[test]
fn work_records_are_reminded_from_the_25th() {
    let none = DailyFacts {
        work_records_in_month: 0,
        ..in_order()
    };
    assert!(all(&none, date!(2025 - 03 - 24)).is_empty());
    let ds = daily::reminders(&params(), &none, date!(2025 - 03 - 25));
    assert_eq!(ds.len(), 1);
    assert_eq!(
        ds[0].outcome,
        Reminder::FewWorkRecords {
            month: date!(2025 - 03 - 01),
            count: 0,
            min: 1
        }
    );
    assert_rule(ds[0].rule, "art02.work_records", 2);
    assert_used_policy(&ds[0].params, "daily.work_records_min_per_month");
    assert_used_policy(&ds[0].params, "daily.work_records_remind_day");
    assert_used_policy(&ds[0].params, "daily.remind_work_records");
    assert_eq!(ds[0].sentence(), "2025 年 3 月工作纪实 0 条，少于每月 1 条");
    assert_eq!(
        all(&none, date!(2025 - 03 - 31)).len(),
        1,
        "to the month's end"
    );
    // One record is the minimum.
    assert!(all(&in_order(), date!(2025 - 03 - 31)).is_empty());
    // Two a month: one is short.
    let two = params_with(&[("daily.work_records_min_per_month", Raw::Number("2"))]);
    let ds = daily::reminders(&two, &in_order(), date!(2025 - 03 - 25));
    assert_eq!(
        ds[0].outcome,
        Reminder::FewWorkRecords {
            month: date!(2025 - 03 - 01),
            count: 1,
            min: 2
        }
    );
    // A reminder day past the month's end is its last day: the 31st in
    // February is the 28th (2025) or the 29th (2024); 0 reads as the 1st.
    let late = params_with(&[("daily.work_records_remind_day", Raw::Number("31"))]);
    assert!(daily::reminders(&late, &none, date!(2025 - 02 - 27)).is_empty());
    assert_eq!(
        daily::reminders(&late, &none, date!(2025 - 02 - 28)).len(),
        1
    );
    assert!(daily::reminders(&late, &none, date!(2024 - 02 - 28)).is_empty());
    assert_eq!(
        daily::reminders(&late, &none, date!(2024 - 02 - 29)).len(),
        1
    );
    let zero = params_with(&[("daily.work_records_remind_day", Raw::Number("0"))]);
    assert_eq!(
        daily::reminders(&zero, &none, date!(2025 - 02 - 01)).len(),
        1
    );
    // A secretary since the 2nd of the month owes nothing for it.
    let new = DailyFacts {
        secretary_since: date!(2025 - 03 - 02),
        report_years: &[],
        ..none
    };
    assert!(all(&new, date!(2025 - 03 - 31)).is_empty());
    let first = DailyFacts {
        secretary_since: date!(2025 - 03 - 01),
        ..new
    };
    assert_eq!(all(&first, date!(2025 - 03 - 31)).len(), 1);
    let off = params_with(&[("daily.remind_work_records", Raw::Bool(false))]);
    assert!(daily::reminders(&off, &none, date!(2025 - 03 - 31)).is_empty());
}

#[test]
fn leave_waiting_and_leave_not_reported_back() {
    let leaves = [
        Leave {
            start: date!(2025 - 03 - 10),
            end: date!(2025 - 03 - 12),
            requested_on: date!(2025 - 03 - 01),
            stage: LeaveStage::Waiting,
        },
        Leave {
            start: date!(2025 - 02 - 10),
            end: date!(2025 - 02 - 14),
            requested_on: date!(2025 - 02 - 01),
            stage: LeaveStage::Approved,
        },
        Leave {
            start: date!(2025 - 01 - 10),
            end: date!(2025 - 01 - 14),
            requested_on: date!(2025 - 01 - 01),
            stage: LeaveStage::Closed,
        },
    ];
    let f = DailyFacts {
        leaves: &leaves,
        ..in_order()
    };
    // On the last day of the approved leave: only the waiting one.
    let ds = daily::reminders(&params(), &f, date!(2025 - 02 - 14));
    assert_eq!(ds.len(), 1);
    assert_eq!(
        ds[0].outcome,
        Reminder::LeavePending {
            start: date!(2025 - 03 - 10),
            end: date!(2025 - 03 - 12),
            waiting_days: 0
        }
    );
    assert_rule(ds[0].rule, "art02.leave_pending", 2);
    assert_used_policy(&ds[0].params, "daily.remind_leave");
    // The day after: not reported back.
    let ds = daily::reminders(&params(), &f, date!(2025 - 03 - 03));
    assert_eq!(
        ds.iter().map(|d| d.outcome).collect::<Vec<_>>(),
        [
            Reminder::LeavePending {
                start: date!(2025 - 03 - 10),
                end: date!(2025 - 03 - 12),
                waiting_days: 2
            },
            Reminder::LeaveNotReturned {
                start: date!(2025 - 02 - 10),
                end: date!(2025 - 02 - 14)
            },
        ]
    );
    assert_rule(ds[1].rule, "art02.leave_return", 2);
    assert_eq!(
        ds[0].sentence(),
        "2025-03-10 至 2025-03-12 的请假申请待镇街审核（已等待 2 天）"
    );
    assert_eq!(
        ds[1].sentence(),
        "2025-02-10 至 2025-02-14 的请假已到期，尚未销假"
    );
    let off = params_with(&[("daily.remind_leave", Raw::Bool(false))]);
    assert!(daily::reminders(&off, &f, date!(2025 - 03 - 03)).is_empty());
}

#[test]
fn the_yearly_report_is_due_by_the_end_of_january() {
    assert_eq!(report_due(2024, 1), date!(2025 - 01 - 31));
    assert_eq!(report_due(2024, 0), date!(2024 - 12 - 31));
    assert_eq!(report_due(2024, 2), date!(2025 - 02 - 28));
    assert_eq!(report_due(2023, 2), date!(2024 - 02 - 29));
    assert_eq!(report_year_due(date!(2025 - 01 - 31), 1), 2023);
    assert_eq!(report_year_due(date!(2025 - 02 - 01), 1), 2024);
    assert_eq!(report_year_due(date!(2025 - 01 - 01), 0), 2024);
    assert_eq!(report_year_due(date!(2024 - 12 - 31), 0), 2023);

    let without_2024 = DailyFacts {
        report_years: &[2023],
        ..in_order()
    };
    // On the due date nothing is late; the day after, it is.
    assert!(all(&without_2024, date!(2025 - 01 - 31)).is_empty());
    let ds = daily::reminders(&params(), &without_2024, date!(2025 - 02 - 01));
    assert_eq!(ds.len(), 1);
    assert_eq!(
        ds[0].outcome,
        Reminder::ReportOverdue {
            year: 2024,
            due: date!(2025 - 01 - 31)
        }
    );
    assert_rule(ds[0].rule, "art02.yearly_report", 2);
    assert_used_policy(&ds[0].params, "daily.report_due_months");
    assert_used_policy(&ds[0].params, "daily.remind_yearly_report");
    assert_eq!(
        ds[0].sentence(),
        "2024 年度述职应于 2025-01-31 前完成，尚无记录"
    );
    // Until the next report falls due (2025's, on 2026-01-31).
    assert_eq!(all(&without_2024, date!(2026 - 01 - 31)).len(), 1);
    let with_2024 = DailyFacts {
        report_years: &[2024],
        ..in_order()
    };
    assert!(all(&with_2024, date!(2025 - 02 - 01)).is_empty());
    // A secretary since 2025 owes no 2024 report; one since 2024-12-31 does.
    let new = DailyFacts {
        secretary_since: date!(2025 - 01 - 01),
        report_years: &[],
        ..in_order()
    };
    assert!(all(&new, date!(2025 - 06 - 01)).is_empty());
    let late_2024 = DailyFacts {
        secretary_since: date!(2024 - 12 - 31),
        ..new
    };
    assert_eq!(all(&late_2024, date!(2025 - 06 - 01)).len(), 1);
    // Due by the year's end instead.
    let now = params_with(&[("daily.report_due_months", Raw::Number("0"))]);
    let ds = daily::reminders(&now, &with_2024, date!(2025 - 01 - 01));
    assert!(ds.is_empty(), "2024's is on record");
    let ds = daily::reminders(&now, &without_2024, date!(2025 - 01 - 01));
    assert_eq!(
        ds[0].outcome,
        Reminder::ReportOverdue {
            year: 2024,
            due: date!(2024 - 12 - 31)
        }
    );
    let off = params_with(&[("daily.remind_yearly_report", Raw::Bool(false))]);
    assert!(daily::reminders(&off, &without_2024, date!(2025 - 02 - 01)).is_empty());
}

#[test]
fn every_reminder_in_order_each_with_its_kind() {
    let leaves = [
        Leave {
            start: date!(2025 - 03 - 10),
            end: date!(2025 - 03 - 12),
            requested_on: date!(2025 - 03 - 01),
            stage: LeaveStage::Approved,
        },
        Leave {
            start: date!(2025 - 04 - 10),
            end: date!(2025 - 04 - 12),
            requested_on: date!(2025 - 03 - 20),
            stage: LeaveStage::Waiting,
        },
    ];
    let f = DailyFacts {
        secretary_since: date!(2020 - 01 - 01),
        rota_office_days: None,
        work_records_in_month: 0,
        report_years: &[],
        leaves: &leaves,
    };
    let got = all(&f, date!(2025 - 03 - 25));
    let kinds: Vec<usize> = got.iter().map(|r| r.kind_index()).collect();
    assert_eq!(kinds, [0, 1, 3, 2, 4]);
    let labels: Vec<&str> = got.iter().map(|r| r.kind_label()).collect();
    assert_eq!(
        labels,
        ["坐班值班", "工作纪实", "未销假", "请假待审批", "述职"]
    );
    for (r, k) in got.iter().zip(&kinds) {
        assert_eq!(Reminder::KINDS[*k], r.kind_label());
        assert_chinese(&r.to_string());
    }
}
