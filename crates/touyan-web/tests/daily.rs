//! Daily management and treatment guarantees in the server (issue 5, item
//! 8; the inferred Chapter 2 and Article 14): every record kind added by
//! the town's operator, reminders appearing and clearing on their days
//! (the example policy: 5 office days, one work record a month reminded
//! from the 25th, last year's report due by 31 January), leave approved,
//! refused and reported back, another town refused, bad input answered in
//! Chinese with nothing written. On SQLite and PostgreSQL.
//!
//! The harness's today is 2025-06-02 (China); 张三 (town 1) and 王五
//! (town 2) have been secretaries since 2021 with nothing kept yet.

mod common;

use axum::http::StatusCode;
use common::*;
use time::Duration;
use time::macros::date;
use touyan_records::model::*;
use touyan_storage::both_backends;
use touyan_storage::testing::TestDb;

type Who = (String, String);

async fn send(h: &Harness, who: &Who, town: &str, fields: &[(&str, &str)]) -> Answer {
    let mut pairs = vec![("csrf", who.1.as_str()), ("town", town)];
    pairs.extend_from_slice(fields);
    post("/daily")
        .form(&pairs)
        .session(Some(&who.0))
        .send(h)
        .await
}

async fn page(h: &Harness, who: &Who, path: &str) -> String {
    let a = get(path).session(Some(&who.0)).send(h).await;
    assert_eq!(a.status, StatusCode::OK, "{path}: {}", a.text());
    a.text()
}

async fn dashboard_warnings(h: &Harness, who: &Who) -> String {
    let a = get("/api/v1/dashboard").session(Some(&who.0)).send(h).await;
    assert_eq!(a.status, StatusCode::OK);
    a.json()["warnings"].to_string()
}

const NO_ROTA: &str = "没有在用的坐班值班安排（第二章（原文缺失，推定））";
const NO_REPORT: &str = "2024 年度述职应于 2025-01-31 前完成，尚无记录";
const NO_WORK: &str = "2025 年 6 月工作纪实 0 条，少于每月 1 条";

async fn records_and_reminders(db: TestDb) {
    let h = harness(&db, true).await;
    let op = sign_in(&h, "op1").await;
    let admin = sign_in(&h, "admin").await;
    let a = h.person(&person_a());
    let me = a.as_str();

    // Nothing kept yet: no rota, no 2024 report; June's work records are
    // not asked for before the 25th.
    let html = page(&h, &op, "/daily").await;
    assert!(html.contains("张三"), "{html}");
    assert!(html.contains(NO_ROTA), "{html}");
    assert!(html.contains(NO_REPORT), "{html}");
    assert!(!html.contains("工作纪实 0 条"), "{html}");
    assert!(html.contains("id=\"rota-form\""), "the operator's forms");
    // The city: counts per town by kind (坐班值班, 工作纪实, 请假待审批,
    // 未销假, 述职), and on the dashboard.
    let html = page(&h, &admin, "/daily").await;
    let row = "洛城街道</a></td><td>1</td><td>1</td><td>1</td><td>0</td><td>0</td><td>0</td><td>1</td><td><b class=\"flag\">2</b></td>";
    assert!(html.contains(row), "{html}");
    assert!(
        !html.contains("id=\"rota-form\""),
        "the city keeps no records"
    );
    let w = dashboard_warnings(&h, &admin).await;
    assert!(
        w.contains("洛城街道：日常管理提醒 2 项（第二章，推定）"),
        "{w}"
    );
    assert!(w.contains("圣城街道：日常管理提醒 2 项"), "{w}");
    // On the page, each warning leads to where it is handled (issue 18).
    let home = page(&h, &admin, "/").await;
    assert!(
        home.contains(&format!(
            r#"<a href="/daily?town={T1}">洛城街道：日常管理提醒 2 项（第二章，推定）</a>"#
        )),
        "{home}"
    );
    let w = dashboard_warnings(&h, &op).await;
    assert!(w.contains("洛城街道：日常管理提醒 2 项"), "{w}");
    assert!(!w.contains("圣城街道"), "a town sees its own: {w}");

    // A rota of 4 office days is short of 5; one of 5 from today is enough.
    let rota = |since: &'static str, days: &'static str| {
        [
            ("what", "rota"),
            ("since", since),
            ("office_days", days),
            ("office_hours", "8:30—17:30"),
            ("duty", "每月第一个周六值班"),
        ]
    };
    let mut f = rota("2025-06-01", "4").to_vec();
    f.push(("person", me));
    assert_eq!(send(&h, &op, T1, &f).await.status, StatusCode::SEE_OTHER);
    let html = page(&h, &op, "/daily").await;
    assert!(!html.contains(NO_ROTA), "{html}");
    assert!(
        html.contains("坐班值班安排每周坐班 4 天，少于 5 天"),
        "{html}"
    );
    let mut f = rota("2025-06-02", "5").to_vec();
    f.extend([("person", me), ("back", "person")]);
    let r = send(&h, &op, T1, &f).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.header("location").as_deref(),
        Some(format!("/daily/{a}").as_str())
    );
    let html = page(&h, &op, "/daily").await;
    assert!(!html.contains("少于 5 天"), "{html}");

    // The 2024 report clears its reminder.
    let r = send(
        &h,
        &op,
        T1,
        &[
            ("what", "report"),
            ("person", me),
            ("year", "2024"),
            ("date", "2025-01-20"),
            ("outcome", "good"),
            ("note", "述职评议"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let html = page(&h, &op, &format!("/daily/{a}")).await;
    assert!(!html.contains("年度述职应于"), "{html}");
    assert!(html.contains("id=\"daily-no-reminders\""), "{html}");
    let w = dashboard_warnings(&h, &op).await;
    assert!(!w.contains("日常管理提醒"), "{w}");

    // Work records: nothing asked on the 24th; on the 25th, none this month.
    // (Sessions end after 30 idle minutes: sign in again after each jump.)
    h.clock.advance(Duration::days(22));
    let op = sign_in(&h, "op1").await;
    let html = page(&h, &op, "/daily").await;
    assert!(!html.contains("工作纪实 0 条"), "the 24th: {html}");
    h.clock.advance(Duration::days(1));
    let op = sign_in(&h, "op1").await;
    let admin = sign_in(&h, "admin").await;
    let html = page(&h, &op, "/daily").await;
    assert!(html.contains(NO_WORK), "the 25th: {html}");
    let w = dashboard_warnings(&h, &op).await;
    assert!(w.contains("洛城街道：日常管理提醒 1 项"), "{w}");
    // May's record does not count for June; one dated in June does.
    for date in ["2025-05-30", "2025-06-25"] {
        let r = send(
            &h,
            &op,
            T1,
            &[
                ("what", "work"),
                ("person", me),
                ("date", date),
                ("text", "调解邻里纠纷"),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let html = page(&h, &op, "/daily").await;
        assert_eq!(
            html.contains(NO_WORK),
            date == "2025-05-30",
            "{date}: {html}"
        );
    }

    // Treatment records.
    let adds: [&[(&str, &str)]; 3] = [
        &[
            ("what", "honour"),
            ("date", "2025-05-01"),
            ("title", "优秀党组织书记"),
            ("level", "city"),
            ("awarded_by", "中共寿光市委"),
        ],
        &[
            ("what", "recruit"),
            ("date", "2025-06-20"),
            ("kind", "civil_servant"),
            ("post", "洛城街道党政办公室科员"),
        ],
        &[
            ("what", "pension"),
            ("year", "2024"),
            ("date", "2025-03-15"),
            ("amount", "1200.50"),
        ],
    ];
    for fields in adds {
        let mut f = fields.to_vec();
        f.push(("person", me));
        let r = send(&h, &op, T1, &f).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{fields:?}: {}", r.text());
    }
    let pensions: Vec<PensionSubsidy> = h.store.list().await.unwrap();
    assert_eq!(
        pensions
            .iter()
            .map(|p| (p.seq, p.year, p.paid_on, p.amount_fen))
            .collect::<Vec<_>>(),
        [(1, 2024, date!(2025 - 03 - 15), 120_050)]
    );
    let honours: Vec<Honour> = h.store.list().await.unwrap();
    assert_eq!(
        (honours[0].level, honours[0].title.as_str()),
        (HonourLevel::City, "优秀党组织书记")
    );
    let recruitments: Vec<Recruitment> = h.store.list().await.unwrap();
    assert_eq!(recruitments[0].kind, RecruitKind::CivilServant);
    let works: Vec<WorkRecord> = h.store.list().await.unwrap();
    assert_eq!(
        works.iter().map(|w| (w.seq, w.on)).collect::<Vec<_>>(),
        [(1, date!(2025 - 05 - 30)), (2, date!(2025 - 06 - 25))]
    );
    let rotas: Vec<DutyRota> = h.store.list().await.unwrap();
    assert_eq!(
        rotas
            .iter()
            .map(|r| (r.since, r.office_days))
            .collect::<Vec<_>>(),
        [(date!(2025 - 06 - 01), 4), (date!(2025 - 06 - 02), 5)]
    );
    // Every write is in the change log with who made it.
    let log = h.store.changes(Some("pension_subsidies")).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].actor, "op1");

    // The person's page, for the operator and for the city.
    for who in [&op, &admin] {
        let html = page(&h, who, &format!("/daily/{a}")).await;
        for text in [
            "优秀党组织书记",
            "县市级",
            "考录为镇街公务员",
            "洛城街道党政办公室科员",
            "1200.50",
            "调解邻里纠纷",
            "8:30—17:30",
            "述职评议",
        ] {
            assert!(html.contains(text), "{text}: {html}");
        }
        assert!(!html.contains(person_a().as_str()), "no full ID number");
    }
    db.finish().await;
}
both_backends!(records, records_and_reminders);

async fn leave_approved_refused_and_reported_back(db: TestDb) {
    let h = harness(&db, true).await;
    let op = sign_in(&h, "op1").await;
    let rev = sign_in(&h, "rev1").await;
    let op2 = sign_in(&h, "op2").await;
    let a = h.person(&person_a());
    let me = a.as_str();
    let ask = |start: &'static str, end: &'static str| {
        [
            ("what", "leave"),
            ("start", start),
            ("end", end),
            ("reason", "探亲"),
        ]
    };
    let with_me = |f: &[(&'static str, &'static str)]| {
        let mut v = f.to_vec();
        v.push(("person", me));
        v
    };

    // The reviewer does not make requests; the operator does.
    let r = send(&h, &rev, T1, &with_me(&ask("2025-06-10", "2025-06-12"))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text().contains("只能由镇街经办办理"), "{}", r.text());
    let r = send(&h, &op, T1, &with_me(&ask("2025-06-10", "2025-06-12"))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let html = page(&h, &rev, "/daily").await;
    assert!(
        html.contains("2025-06-10 至 2025-06-12 的请假申请待镇街审核（已等待 0 天）"),
        "{html}"
    );
    assert!(html.contains("value=\"approve\""), "the reviewer's buttons");
    let html = page(&h, &op, "/daily").await;
    assert!(!html.contains("value=\"approve\""), "not the operator's");

    let mv = |kind: &'static str, state: &'static str| {
        vec![
            ("what", "leave_move"),
            ("person", me),
            ("seq", "1"),
            ("kind", kind),
            ("state", state),
        ]
    };
    // The operator cannot approve; another town's reviewer finds nothing.
    let r = send(&h, &op, T1, &mv("approve", "requested")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        send(&h, &op2, T1, &mv("approve", "requested")).await.status,
        StatusCode::NOT_FOUND
    );
    let r = send(&h, &rev, T1, &mv("approve", "requested")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let html = page(&h, &rev, "/daily").await;
    assert!(!html.contains("待镇街审核"), "{html}");
    // The same page sent again: the request has moved on, nothing written.
    let before = h.store.changes(None).await.unwrap().len();
    let r = send(&h, &rev, T1, &mv("approve", "requested")).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text().contains("请刷新页面"), "{}", r.text());
    assert_eq!(h.store.changes(None).await.unwrap().len(), before);

    // An overlapping request is refused; a later one is refused by the
    // reviewer, who must say why.
    let r = send(&h, &op, T1, &with_me(&ask("2025-06-12", "2025-06-14"))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("时间重叠"), "{}", r.text());
    let r = send(&h, &op, T1, &with_me(&ask("2025-06-20", "2025-06-21"))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let mut refuse = mv("refuse", "requested");
    refuse[2] = ("seq", "2");
    let r = send(&h, &rev, T1, &refuse).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("“不予批准”须写明理由"), "{}", r.text());
    refuse.push(("comment", "防汛期间不安排请假"));
    assert_eq!(
        send(&h, &rev, T1, &refuse).await.status,
        StatusCode::SEE_OTHER
    );

    // On the approved leave's last day nothing is due; the day after, the
    // secretary has not reported back.
    // (Sessions end after 30 idle minutes: sign in again after each jump.)
    h.clock.advance(Duration::days(10)); // 2025-06-12
    let op = sign_in(&h, "op1").await;
    let html = page(&h, &op, "/daily").await;
    assert!(!html.contains("尚未销假"), "{html}");
    h.clock.advance(Duration::days(1)); // 2025-06-13
    let op = sign_in(&h, "op1").await;
    let rev = sign_in(&h, "rev1").await;
    let op2 = sign_in(&h, "op2").await;
    let html = page(&h, &op, "/daily").await;
    assert!(
        html.contains("2025-06-10 至 2025-06-12 的请假已到期，尚未销假"),
        "{html}"
    );
    let mut back = mv("return", "approved");
    back.push(("date", "2025-06-09"));
    let r = send(&h, &op, T1, &back).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("早于请假开始日期"), "{}", r.text());
    back.pop();
    back.push(("date", "2025-06-12"));
    assert_eq!(send(&h, &op, T1, &back).await.status, StatusCode::SEE_OTHER);
    let html = page(&h, &op, "/daily").await;
    assert!(!html.contains("尚未销假"), "{html}");

    let leaves: Vec<LeaveRequest> = h.store.list().await.unwrap();
    assert_eq!(
        leaves
            .iter()
            .map(|l| (l.seq, l.state, l.comment.as_str(), l.returned_on))
            .collect::<Vec<_>>(),
        [
            (1, LeaveState::Returned, "", Some(date!(2025 - 06 - 12))),
            (2, LeaveState::Refused, "防汛期间不安排请假", None),
        ]
    );
    let moves: Vec<LeaveMove> = h.store.list().await.unwrap();
    assert_eq!(
        moves
            .iter()
            .map(|m| (m.leave_seq, m.seq, m.kind))
            .collect::<Vec<_>>(),
        [
            (1, 1, LeaveMoveKind::Request),
            (1, 2, LeaveMoveKind::Approve),
            (1, 3, LeaveMoveKind::Return),
            (2, 1, LeaveMoveKind::Request),
            (2, 2, LeaveMoveKind::Refuse),
        ]
    );
    // The history shows who moved each request.
    let html = page(&h, &rev, &format!("/daily/{a}")).await;
    assert!(
        html.contains("<td>批准</td><td>已批准</td><td></td><td>rev1</td>"),
        "{html}"
    );
    assert!(
        html.contains("<td>销假</td><td>已销假</td><td></td><td>op1</td>"),
        "{html}"
    );
    assert!(html.contains("防汛期间不安排请假"), "{html}");

    // Another town: 张三 is not town 2's, and town 1 is not op2's.
    let before = h.store.changes(None).await.unwrap().len();
    let work = with_me(&[("what", "work"), ("date", "2025-06-13"), ("text", "走访")]);
    let r = send(&h, &op2, T2, &work).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("没有找到该书记"), "{}", r.text());
    assert_eq!(
        send(&h, &op2, T1, &work).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&format!("/daily/{a}"))
            .session(Some(&op2.0))
            .send(&h)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&format!("/daily?town={T1}"))
            .session(Some(&op2.0))
            .send(&h)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(h.store.changes(None).await.unwrap().len(), before);
    db.finish().await;
}
both_backends!(leave, leave_approved_refused_and_reported_back);

async fn bad_input_is_refused_in_chinese_with_nothing_written(db: TestDb) {
    let h = harness(&db, true).await;
    let op = sign_in(&h, "op1").await;
    let rev = sign_in(&h, "rev1").await;
    let admin = sign_in(&h, "admin").await;
    let a = h.person(&person_a());
    let me = a.as_str();
    let before = h.store.changes(None).await.unwrap().len();
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            vec![
                ("what", "rota"),
                ("since", "2025-13-01"),
                ("office_days", "5"),
                ("office_hours", "全天"),
            ],
            "施行日期“2025-13-01”不是有效日期（可填 2023-05-01、2023/5/1",
        ),
        (
            vec![
                ("what", "rota"),
                ("since", "2025-06-01"),
                ("office_days", "8"),
                ("office_hours", "全天"),
            ],
            "每周坐班天数“8”应为 0 至 7 的整数",
        ),
        (
            vec![
                ("what", "rota"),
                ("since", "2025-06-01"),
                ("office_days", "5"),
            ],
            "请填写坐班时间",
        ),
        (
            vec![("what", "work"), ("date", "明天"), ("text", "走访")],
            "纪实日期“明天”不是有效日期",
        ),
        (
            vec![("what", "work"), ("date", "2025-06-03"), ("text", "走访")],
            "纪实日期 2025-06-03 晚于今天",
        ),
        (
            vec![("what", "work"), ("date", "2025-06-02"), ("text", "")],
            "请填写工作纪实内容",
        ),
        (
            vec![
                ("what", "report"),
                ("year", "二〇二四"),
                ("date", "2025-01-20"),
                ("outcome", "good"),
            ],
            "述职年度“二〇二四”不是 2000 至 2100 之间的年份",
        ),
        (
            vec![
                ("what", "report"),
                ("year", "2025"),
                ("date", "2024-12-20"),
                ("outcome", "good"),
            ],
            "2025 年度述职的日期 2024-12-20 早于该年度",
        ),
        (
            vec![
                ("what", "report"),
                ("year", "2024"),
                ("date", "2025-01-20"),
                ("outcome", "best"),
            ],
            "请选择述职评议结果",
        ),
        (
            vec![
                ("what", "leave"),
                ("start", "2025-06-10"),
                ("end", "2025-06-09"),
                ("reason", "病假"),
            ],
            "请假结束日期 2025-06-09 早于开始日期 2025-06-10",
        ),
        (
            vec![
                ("what", "leave"),
                ("start", "2025/06/31"),
                ("end", "2025-06-12"),
                ("reason", "病假"),
            ],
            "请假开始日期“2025/06/31”不是有效日期",
        ),
        (
            vec![
                ("what", "leave"),
                ("start", "2025-06-10"),
                ("end", "2025-06-12"),
                ("reason", ""),
            ],
            "请填写请假事由",
        ),
        (
            vec![
                ("what", "honour"),
                ("date", "2025-05-01"),
                ("title", ""),
                ("level", "city"),
            ],
            "请填写表彰名称",
        ),
        (
            vec![
                ("what", "recruit"),
                ("date", "2025-05-01"),
                ("kind", "x"),
                ("post", "科员"),
            ],
            "请选择考录招聘类别",
        ),
        (
            vec![
                ("what", "pension"),
                ("year", "2024"),
                ("date", "2025-03-15"),
                ("amount", "-5"),
            ],
            "金额“-5”应为大于 0 的元数，最多两位小数",
        ),
        (
            vec![
                ("what", "pension"),
                ("year", "2024"),
                ("date", "2025-03-15"),
                ("amount", "1.005"),
            ],
            "金额 1.005 的小数超过 2 位",
        ),
        (
            vec![
                ("what", "pension"),
                ("year", "2024"),
                ("date", "2025-03-15"),
                ("amount", "一千"),
            ],
            "金额“一千”应为大于 0 的元数",
        ),
        (vec![("what", "nothing")], "未指明要登记的内容"),
    ];
    for (mut fields, message) in cases {
        fields.push(("person", me));
        let r = send(&h, &op, T1, &fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        let html = r.text();
        assert!(html.contains("id=\"daily-error\""), "{fields:?}: {html}");
        assert!(html.contains(message), "{message}: {html}");
    }
    // No such secretary.
    let r = send(
        &h,
        &op,
        T1,
        &[
            ("what", "work"),
            ("person", "nobody"),
            ("date", "2025-06-01"),
            ("text", "x"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("请选择书记"), "{}", r.text());
    // Who may is told first: the reviewer and the city keep no records.
    let work = [
        ("what", "work"),
        ("person", me),
        ("date", "bad"),
        ("text", ""),
    ];
    let r = send(&h, &rev, T1, &work).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        r.text()
            .contains("工作纪实由镇街经办登记（第二章，推定），镇街审核不能登记"),
        "{}",
        r.text()
    );
    let r = send(&h, &admin, T1, &[("what", "pension"), ("person", me)]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        r.text()
            .contains("养老补贴由镇街经办登记（第十四条，推定）"),
        "{}",
        r.text()
    );
    // Without the CSRF token.
    let r = post("/daily")
        .form(&[
            ("town", T1),
            ("what", "work"),
            ("person", me),
            ("date", "2025-06-01"),
            ("text", "x"),
        ])
        .session(Some(&op.0))
        .send(&h)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    assert_eq!(h.store.changes(None).await.unwrap().len(), before);
    assert!(h.store.list::<WorkRecord>().await.unwrap().is_empty());
    assert!(h.store.list::<DutyRota>().await.unwrap().is_empty());
    assert!(h.store.list::<LeaveRequest>().await.unwrap().is_empty());
    assert!(h.store.list::<PensionSubsidy>().await.unwrap().is_empty());

    // A second report of the same year: refused by storage, nothing written.
    let report = [
        ("what", "report"),
        ("person", me),
        ("year", "2024"),
        ("date", "2025-01-20"),
        ("outcome", "fair"),
    ];
    assert_eq!(
        send(&h, &op, T1, &report).await.status,
        StatusCode::SEE_OTHER
    );
    let before = h.store.changes(None).await.unwrap().len();
    let r = send(&h, &op, T1, &report).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("2024 年度述职已经登记"), "{}", r.text());
    assert_eq!(h.store.changes(None).await.unwrap().len(), before);
    db.finish().await;
}
both_backends!(
    bad_input,
    bad_input_is_refused_in_chinese_with_nothing_written
);
