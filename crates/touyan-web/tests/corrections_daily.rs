//! Corrections and withdrawals of the records a town keeps of its
//! secretaries day to day (issue 18, item 3): a duty rota, a yearly
//! report, an honour, a recruitment, a pension subsidy and a leave request
//! still waiting, each corrected or withdrawn by the town's operator with
//! a reason, checked as its recording form checks it, its history kept;
//! a withdrawn number never reused; a decided leave refused. On SQLite and
//! PostgreSQL.
//!
//! The harness's today is 2025-06-02 (China); 张三 (town 1) has been a
//! secretary since 2021.

mod common;

use axum::http::StatusCode;
use common::*;
use time::macros::date;
use touyan_records::TownCode;
use touyan_records::model::*;
use touyan_storage::both_backends;
use touyan_storage::testing::TestDb;

type Who = (String, String);

fn t1() -> TownCode {
    TownCode::parse(T1).unwrap()
}

async fn send(h: &Harness, who: &Who, fields: &[(&str, &str)]) -> Answer {
    let mut pairs = vec![("csrf", who.1.as_str())];
    pairs.extend_from_slice(fields);
    post("/corrections")
        .form(&pairs)
        .session(Some(&who.0))
        .send(h)
        .await
}

/// The fields naming record `kind` keyed `seq` of the person `key`, then
/// `seen`, `action` and `reason`.
fn naming<'a>(
    key: &'a str,
    kind: &'a str,
    seq: &'a str,
    seen: &'a str,
    action: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("key_town", T1),
        ("key_year", "2025"),
        ("key_kind", kind),
        ("key_person", key),
        ("key_seq", seq),
        ("seen", seen),
        ("action", action),
        ("reason", "登记有误"),
    ]
}

fn with<'a>(mut a: Vec<(&'a str, &'a str)>, b: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    a.extend_from_slice(b);
    a
}

async fn records(h: &Harness) {
    let person = person_a();
    let s = &h.store;
    s.insert(
        "测试",
        &[DutyRota {
            person: person.clone(),
            since: date!(2025 - 05 - 01),
            town: t1(),
            office_days: 5,
            office_hours: "8:30-17:30".into(),
            duty: String::new(),
        }],
    )
    .await
    .unwrap();
    s.insert(
        "测试",
        &[YearReport {
            person: person.clone(),
            year: 2024,
            town: t1(),
            given_on: date!(2025 - 01 - 20),
            outcome: ReportOutcome::Good,
            note: String::new(),
        }],
    )
    .await
    .unwrap();
    s.insert(
        "测试",
        &[Honour {
            person: person.clone(),
            seq: 1,
            town: t1(),
            on: date!(2025 - 03 - 01),
            title: "优秀党组织书记".into(),
            level: HonourLevel::Town,
            awarded_by: "化龙镇党委".into(),
        }],
    )
    .await
    .unwrap();
    s.insert(
        "测试",
        &[Recruitment {
            person: person.clone(),
            seq: 1,
            town: t1(),
            on: date!(2025 - 04 - 01),
            kind: RecruitKind::PublicInstitution,
            post: "化龙镇便民服务中心".into(),
            note: String::new(),
        }],
    )
    .await
    .unwrap();
    s.insert(
        "测试",
        &[PensionSubsidy {
            person,
            seq: 1,
            town: t1(),
            year: 2024,
            paid_on: date!(2025 - 02 - 01),
            amount_fen: 120_000,
            note: String::new(),
        }],
    )
    .await
    .unwrap();
}

async fn daily_records_are_corrected_and_withdrawn(db: TestDb) {
    let h = harness(&db, true).await;
    records(&h).await;
    let op = sign_in(&h, "op1").await;
    let rev = sign_in(&h, "rev1").await;
    let op2 = sign_in(&h, "op2").await;
    let key = h.person(&person_a());
    let me = key.as_str();

    // The person's daily file links each record to its correction.
    let html = get(&format!("/daily/{me}"))
        .session(Some(&op.0))
        .send(&h)
        .await
        .text();
    for (kind, seq) in [
        ("rota", "2025-05-01"),
        ("report", "2024"),
        ("honour", "1"),
        ("recruitment", "1"),
        ("pension", "1"),
    ] {
        let link = format!("kind={kind}&#38;person={me}&#38;seq={seq}");
        assert!(html.contains(&link), "{kind}: {html}");
    }

    // The rota: only the operator's; a bad number refused as the form
    // refuses it, nothing written; then corrected with its history kept.
    let rota = format!("/corrections?town={T1}&year=2025&kind=rota&person={me}&seq=2025-05-01");
    let shown = get(&rota).session(Some(&op.0)).send(&h).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(
        shown.text().contains("张三 自 2025-05-01 起的坐班值班安排"),
        "{}",
        shown.text()
    );
    assert_eq!(
        get(&rota).session(Some(&rev.0)).send(&h).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        get(&rota).session(Some(&op2.0)).send(&h).await.status,
        StatusCode::NOT_FOUND
    );
    let fix = |days: &'static str| {
        with(
            naming(me, "rota", "2025-05-01", "0", "correct"),
            &[
                ("office_days", days),
                ("office_hours", "8:30-17:30"),
                ("duty", "每周二值班"),
            ],
        )
    };
    let a = send(&h, &op, &fix("8")).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        a.text().contains("每周坐班天数“8”应为 0 至 7 的整数"),
        "{}",
        a.text()
    );
    assert_eq!(
        send(&h, &rev, &fix("3")).await.status,
        StatusCode::FORBIDDEN
    );
    let a = send(&h, &op, &fix("3")).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    assert_eq!(a.header("location"), Some(format!("/daily/{me}")));
    let rotas: Vec<DutyRota> = h.store.list().await.unwrap();
    assert_eq!(
        (rotas[0].office_days, rotas[0].duty.as_str()),
        (3, "每周二值班")
    );
    let notes: Vec<Correction> = h.store.list().await.unwrap();
    assert_eq!(notes.len(), 1);
    assert!(
        notes[0].before.contains("每周坐班天数：5"),
        "{:?}",
        notes[0]
    );
    assert!(
        notes[0]
            .after
            .contains("每周坐班天数：3；坐班时间：8:30-17:30；值班安排：每周二值班")
    );
    // The same page sent again: the rota changed meanwhile.
    assert_eq!(send(&h, &op, &fix("4")).await.status, StatusCode::CONFLICT);

    // The report: a day before its year refused, then the outcome
    // corrected.
    let report = |given: &'static str| {
        with(
            naming(me, "report", "2024", "0", "correct"),
            &[("given_on", given), ("outcome", "fair"), ("note", "")],
        )
    };
    let a = send(&h, &op, &report("2023-12-01")).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        a.text()
            .contains("2024 年度述职的日期 2023-12-01 早于该年度"),
        "{}",
        a.text()
    );
    let a = send(&h, &op, &report("2025-01-20")).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    let reports: Vec<YearReport> = h.store.list().await.unwrap();
    assert_eq!(reports[0].outcome, ReportOutcome::Fair);
    // The year's work records were assessed with it: the report is not
    // withdrawn (that would reopen them, Article 11).
    h.store
        .insert(
            "测试",
            &[WorkRecord {
                person: person_a(),
                seq: 1,
                town: t1(),
                on: date!(2024 - 05 - 01),
                text: "走访农户".into(),
            }],
        )
        .await
        .unwrap();
    let a = send(&h, &op, &naming(me, "report", "2024", "1", "withdraw")).await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    assert!(
        a.text()
            .contains("2024 年度有 1 条工作纪实，评议依据了它们（第十一条），述职记录不能撤回"),
        "{}",
        a.text()
    );
    assert_eq!(h.store.list::<YearReport>().await.unwrap().len(), 1);

    // The pension subsidy: the amount as the form reads it.
    let pension = |amount: &'static str| {
        with(
            naming(me, "pension", "1", "0", "correct"),
            &[
                ("pension_year", "2024"),
                ("paid_on", "2025-02-01"),
                ("amount", amount),
                ("note", ""),
            ],
        )
    };
    for (bad, said) in [
        ("abc", "金额“abc”应为大于 0 的元数"),
        ("0", "金额“0”应为大于 0 的元数"),
        ("1.234", "金额 1.234 的小数超过 2 位"),
    ] {
        let a = send(&h, &op, &pension(bad)).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(a.text().contains(said), "{bad}: {}", a.text());
    }
    assert_eq!(
        h.store.list::<PensionSubsidy>().await.unwrap()[0].amount_fen,
        120_000
    );
    let a = send(&h, &op, &pension("1500.5")).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    let paid: Vec<PensionSubsidy> = h.store.list().await.unwrap();
    assert_eq!(paid[0].amount_fen, 150_050);

    // The recruitment: the post corrected.
    let a = send(
        &h,
        &op,
        &with(
            naming(me, "recruitment", "1", "0", "correct"),
            &[
                ("on", "2025-04-01"),
                ("recruit", "civil_servant"),
                ("post", "化龙镇人民政府"),
                ("note", ""),
            ],
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    let hired: Vec<Recruitment> = h.store.list().await.unwrap();
    assert_eq!(
        (hired[0].kind, hired[0].post.as_str()),
        (RecruitKind::CivilServant, "化龙镇人民政府")
    );

    // The honour: withdrawn; the next one is numbered past it, so the
    // withdrawn one's history is not inherited.
    let a = send(&h, &op, &naming(me, "honour", "1", "0", "withdraw")).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    assert!(h.store.list::<Honour>().await.unwrap().is_empty());
    let a = post("/daily")
        .form(&[
            ("csrf", op.1.as_str()),
            ("town", T1),
            ("person", me),
            ("what", "honour"),
            ("date", "2025-05-01"),
            ("title", "优秀共产党员"),
            ("level", "town"),
            ("awarded_by", ""),
        ])
        .session(Some(&op.0))
        .send(&h)
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    let honours: Vec<Honour> = h.store.list().await.unwrap();
    assert_eq!(honours.iter().map(|x| x.seq).collect::<Vec<_>>(), vec![2]);
    let html = get(&format!(
        "/corrections?town={T1}&year=2025&kind=honour&person={me}&seq=2"
    ))
    .session(Some(&op.0))
    .send(&h)
    .await
    .text();
    assert!(html.contains("尚无更正"), "{html}");
    let notes: Vec<Correction> = h.store.list().await.unwrap();
    assert_eq!(notes.len(), 5);
    assert!(notes.iter().any(|c| c.kind == "honours" && c.withdrawn));
}

both_backends!(daily_records, daily_records_are_corrected_and_withdrawn);

async fn a_leave_request_is_corrected_while_it_waits(db: TestDb) {
    let h = harness(&db, true).await;
    let op = sign_in(&h, "op1").await;
    let rev = sign_in(&h, "rev1").await;
    let key = h.person(&person_a());
    let me = key.as_str();
    let ask = |start: &'static str, end: &'static str| {
        vec![
            ("csrf", op.1.as_str()),
            ("town", T1),
            ("person", me),
            ("what", "leave"),
            ("start", start),
            ("end", end),
            ("reason", "探亲"),
        ]
    };
    for (s, e) in [("2025-06-10", "2025-06-12"), ("2025-06-20", "2025-06-21")] {
        let a = post("/daily")
            .form(&ask(s, e))
            .session(Some(&op.0))
            .send(&h)
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    }
    // The operator who requests may correct while it waits; the reviewer
    // who decides is not offered it.
    let link = format!("kind=leave&#38;person={me}&#38;seq=1");
    let html = get(&format!("/daily/{me}"))
        .session(Some(&op.0))
        .send(&h)
        .await
        .text();
    assert!(html.contains(&link), "{html}");
    let html = get(&format!("/daily/{me}"))
        .session(Some(&rev.0))
        .send(&h)
        .await
        .text();
    assert!(!html.contains(&link), "{html}");

    // The reviewer's page as it stood before the correction: its
    // approval names the request as shown.
    let before = html[html.find("name=\"seq\" value=\"1\"").unwrap()..].to_owned();
    let shown = before[before.find("name=\"shown\" value=\"").unwrap() + 20..]
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(shown.len(), 16, "{before}");
    let fix = |start: &'static str, end: &'static str| {
        with(
            naming(me, "leave", "1", "0", "correct"),
            &[
                ("start", start),
                ("end", end),
                ("leave_reason", "探亲（父母）"),
            ],
        )
    };
    // Overlapping the other request: refused as a new request is.
    let a = send(&h, &op, &fix("2025-06-19", "2025-06-20")).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.text().contains("时间重叠"), "{}", a.text());
    let a = send(&h, &op, &fix("2025-06-11", "2025-06-13")).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    let leaves: Vec<LeaveRequest> = h.store.list().await.unwrap();
    assert_eq!(
        (leaves[0].start, leaves[0].end, leaves[0].reason.as_str()),
        (date!(2025 - 06 - 11), date!(2025 - 06 - 13), "探亲（父母）")
    );
    // The reviewer's page from before approves dates they never saw: refused.
    let approve = |shown: String| {
        vec![
            ("csrf", rev.1.clone()),
            ("town", T1.to_owned()),
            ("what", "leave_move".to_owned()),
            ("person", me.to_owned()),
            ("seq", "1".to_owned()),
            ("kind", "approve".to_owned()),
            ("state", "requested".to_owned()),
            ("shown", shown),
        ]
    };
    let stale = approve(shown.clone());
    let f: Vec<(&str, &str)> = stale.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let a = post("/daily").form(&f).session(Some(&rev.0)).send(&h).await;
    assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.text());
    assert!(
        a.text()
            .contains("该请假在此期间已被更正（现为 2025-06-11 至 2025-06-13"),
        "{}",
        a.text()
    );
    assert_eq!(
        h.store.list::<LeaveRequest>().await.unwrap()[0].state,
        LeaveState::Requested
    );

    // The second withdrawn: gone with its move; the next request is
    // numbered 3.
    let a = send(&h, &op, &naming(me, "leave", "2", "0", "withdraw")).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    let leaves: Vec<LeaveRequest> = h.store.list().await.unwrap();
    assert_eq!(leaves.iter().map(|l| l.seq).collect::<Vec<_>>(), vec![1]);
    let moves: Vec<LeaveMove> = h.store.list().await.unwrap();
    assert_eq!(
        moves.iter().map(|m| m.leave_seq).collect::<Vec<_>>(),
        vec![1]
    );
    let a = post("/daily")
        .form(&ask("2025-07-01", "2025-07-02"))
        .session(Some(&op.0))
        .send(&h)
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    let leaves: Vec<LeaveRequest> = h.store.list().await.unwrap();
    assert_eq!(leaves.iter().map(|l| l.seq).collect::<Vec<_>>(), vec![1, 3]);

    // Approved, the first stands.
    let a = post("/daily")
        .form(&[
            ("csrf", rev.1.as_str()),
            ("town", T1),
            ("what", "leave_move"),
            ("person", me),
            ("seq", "1"),
            ("kind", "approve"),
            ("state", "requested"),
        ])
        .session(Some(&rev.0))
        .send(&h)
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    let html = get(&format!(
        "/corrections?town={T1}&year=2025&kind=leave&person={me}&seq=1"
    ))
    .session(Some(&op.0))
    .send(&h)
    .await
    .text();
    assert!(html.contains("该请假已批准（第二章，推定）"), "{html}");
    assert!(!html.contains("id=\"correct-form\""));
    let a = send(&h, &op, &fix("2025-06-11", "2025-06-14")).await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    let a = send(&h, &op, &naming(me, "leave", "1", "1", "withdraw")).await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    assert_eq!(h.store.list::<LeaveRequest>().await.unwrap().len(), 2);
}

both_backends!(leave, a_leave_request_is_corrected_while_it_waits);
