//! Corrections and withdrawals (issue 18, item 3): a recorded training
//! session, its attendance, a secondment and an exit corrected or
//! withdrawn by the role that records them, with a reason, the old
//! version kept in the history and the change log, and refused with the
//! article where a filed or approved decision depends on them. On SQLite
//! and PostgreSQL.

mod common;

use axum::http::StatusCode;
use common::*;
use rust_decimal::Decimal;
use time::macros::date;
use touyan_records::model::*;
use touyan_records::{TownCode, VillageCode};
use touyan_storage::testing::TestDb;
use touyan_storage::{Batch, both_backends};

fn t1() -> TownCode {
    TownCode::parse(T1).unwrap()
}

fn entry(year: i32) -> ListEntry {
    ListEntry {
        town: t1(),
        year,
        person: person_a(),
        village: VillageCode::parse(V1).unwrap(),
        tier: 3,
        status: ListStatus::Filed,
    }
}

fn session() -> TrainingSession {
    TrainingSession {
        code: "XL-2025-01".into(),
        title: "化龙镇党建培训班".into(),
        level: TrainingLevel::Town,
        form: SessionForm::Centralised,
        town: Some(t1()),
        start: date!(2025 - 03 - 01),
        end: date!(2025 - 03 - 04),
        days: Decimal::from(4),
    }
}

fn records() -> Batch {
    Batch {
        list_entries: vec![entry(2025)],
        training_sessions: vec![session()],
        attendance: vec![Attendance {
            session: "XL-2025-01".into(),
            person: person_a(),
            reflection_filed_on: None,
            poor_result: true,
        }],
        ..Batch::default()
    }
}

const SESSION: &str = "/corrections?town=370783100&year=2025&kind=session&code=XL-2025-01";

async fn send(h: &Harness, who: &(String, String), fields: &[(&str, &str)]) -> Answer {
    let mut pairs = vec![("csrf", who.1.as_str())];
    pairs.extend_from_slice(fields);
    post("/corrections")
        .form(&pairs)
        .session(Some(&who.0))
        .send(h)
        .await
}

fn naming<'a>(seen: &'a str, action: &'a str, reason: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("key_town", T1),
        ("key_year", "2025"),
        ("key_kind", "session"),
        ("key_code", "XL-2025-01"),
        ("seen", seen),
        ("action", action),
        ("reason", reason),
    ]
}

fn session_fields<'a>(title: &'a str, days: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", title),
        ("form", "centralised"),
        ("start", "2025-03-01"),
        ("end", "2025/3/4"),
        ("days", days),
    ]
}

async fn a_session_is_corrected_with_a_reason_and_its_history_kept(db: TestDb) {
    let h = harness(&db, true).await;
    h.store.apply("测试", &records()).await.unwrap();
    let op = sign_in(&h, "op1").await;
    let rev = sign_in(&h, "rev1").await;
    let op2 = sign_in(&h, "op2").await;

    // The training page links each session the user records to its page.
    let page = get("/training?year=2025&town=370783100")
        .session(Some(&op.0))
        .send(&h)
        .await
        .text();
    let link = SESSION.replace('&', "&#38;");
    assert!(page.contains(&link), "{page}");

    // Only the role that records it: the reviewer is refused, another
    // town's operator finds nothing.
    let shown = get(SESSION).session(Some(&op.0)).send(&h).await;
    assert_eq!(shown.status, StatusCode::OK);
    let html = shown.text();
    assert!(
        html.contains("培训“化龙镇党建培训班”（编号 XL-2025-01）"),
        "{html}"
    );
    assert!(html.contains("尚无更正"));
    // The attendance hangs on it: reached from here, and withdrawn first.
    assert!(html.contains("本镇街参训记录") && html.contains("东村村委会 张三（学习效果差）"));
    assert!(html.contains("该培训已登记 1 人参训（第六条）"));
    assert!(!html.contains("id=\"withdraw-form\""));
    let forbidden = get(SESSION).session(Some(&rev.0)).send(&h).await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    let other = get(SESSION).session(Some(&op2.0)).send(&h).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    let mut f = naming("0", "correct", "天数登记错误");
    f.extend(session_fields("化龙镇党建培训班", "3.5"));
    assert_eq!(send(&h, &rev, &f).await.status, StatusCode::FORBIDDEN);

    // Refusals: no reason, no change, days beyond the dates.
    let mut f = naming("0", "correct", "  ");
    f.extend(session_fields("化龙镇党建培训班", "3.5"));
    let a = send(&h, &op, &f).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.text().contains("请写明更正或撤回的原因"));
    let mut f = naming("0", "correct", "核对");
    f.extend(session_fields("化龙镇党建培训班", "4"));
    let a = send(&h, &op, &f).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.text().contains("没有任何修改"), "{}", a.text());
    let mut f = naming("0", "correct", "天数登记错误");
    f.extend(session_fields("化龙镇党建培训班", "4.5"));
    let a = send(&h, &op, &f).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.text().contains("不超过培训起止的 4 天"));
    // The withdrawal is refused while attendance hangs on it.
    let a = send(&h, &op, &naming("0", "withdraw", "重复登记")).await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    assert!(a.text().contains("请先撤回参训记录"));
    assert!(
        h.store
            .corrections_of("training_sessions", "XL-2025-01")
            .await
            .unwrap()
            .is_empty(),
        "nothing written on a refusal"
    );

    // The correction: the record replaced, the old version in words.
    let mut f = naming("0", "correct", "天数登记错误");
    f.extend(session_fields("化龙镇党建专题培训班", "3.5"));
    let a = send(&h, &op, &f).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    assert_eq!(
        a.header("location").as_deref(),
        Some("/training?year=2025&town=370783100")
    );
    assert_eq!(
        a.notice().as_deref(),
        Some("已更正：培训“化龙镇党建培训班”（编号 XL-2025-01）；原记录保留在更正记录和操作日志中")
    );
    let s: Vec<TrainingSession> = h.store.list().await.unwrap();
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].title, "化龙镇党建专题培训班");
    assert_eq!(s[0].days, Decimal::new(35, 1));
    assert_eq!(s[0].end, date!(2025 - 03 - 04));
    let hist = h
        .store
        .corrections_of("training_sessions", "XL-2025-01")
        .await
        .unwrap();
    assert_eq!(hist.len(), 1);
    assert_eq!(hist[0].seq, 1);
    assert_eq!(hist[0].by, "op1");
    assert!(!hist[0].withdrawn);
    assert_eq!(hist[0].reason, "天数登记错误");
    assert_eq!(
        hist[0].before,
        "培训名称：化龙镇党建培训班；级别：镇街培训；形式：集中培训；开始日期：2025-03-01；结束日期：2025-03-04；天数：4"
            .replace("镇街培训", TrainingLevel::Town.label())
            .replace("集中培训", SessionForm::Centralised.label())
    );
    assert!(hist[0].after.contains("化龙镇党建专题培训班") && hist[0].after.ends_with("天数：3.5"));
    // The change log has the row before and after.
    let log = h.store.changes(Some("training_sessions")).await.unwrap();
    let last = log.last().unwrap();
    assert_eq!(last.actor, "op1");
    assert!(last.before.as_deref().unwrap().contains("化龙镇党建培训班"));
    assert!(
        last.after
            .as_deref()
            .unwrap()
            .contains("化龙镇党建专题培训班")
    );
    // The page shows the history; a form shown before it is stale.
    let html = get(SESSION).session(Some(&op.0)).send(&h).await.text();
    assert!(html.contains("天数登记错误") && html.contains("name=\"seen\" value=\"1-"));
    let mut f = naming("0", "correct", "再改");
    f.extend(session_fields("化龙镇党建培训班", "3"));
    let a = send(&h, &op, &f).await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    assert!(a.text().contains("已被更正"));
}

both_backends!(
    session_corrected,
    a_session_is_corrected_with_a_reason_and_its_history_kept
);

fn attendance_naming<'a>(
    key: &'a str,
    action: &'a str,
    reason: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("key_town", T1),
        ("key_year", "2025"),
        ("key_kind", "attendance"),
        ("key_code", "XL-2025-01"),
        ("key_person", key),
        ("seen", "0"),
        ("action", action),
        ("reason", reason),
    ]
}

async fn attendance_then_session_are_withdrawn_unless_relied_on(db: TestDb) {
    let h = harness(&db, true).await;
    h.store.apply("测试", &records()).await.unwrap();
    let op = sign_in(&h, "op1").await;
    let key = h.person(&person_a());

    // An admonition was held for the poor result: it stays poor, and the
    // attendance stays.
    let admonition = Admonition {
        person: person_a(),
        held_on: date!(2025 - 04 - 01),
        article: 6,
        reason: "学习效果差：已约谈".into(),
        make_up_study_done_on: None,
    };
    let held = Batch {
        admonitions: vec![admonition.clone()],
        ..Batch::default()
    };
    h.store.apply("测试", &held).await.unwrap();
    let mut f = attendance_naming(&key, "correct", "误记为学习效果差");
    f.extend([("reflection", ""), ("poor", "否")]);
    let a = send(&h, &op, &f).await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    assert!(
        a.text()
            .contains("已据学习效果差于 2025-04-01 约谈（第六条）")
    );
    let a = send(&h, &op, &attendance_naming(&key, "withdraw", "未参加")).await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    // A reflection date may still be corrected, not after today.
    let mut f = attendance_naming(&key, "correct", "补记学习体会");
    f.extend([("reflection", "2025-06-03"), ("poor", "是")]);
    let a = send(&h, &op, &f).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.text().contains("不能晚于今天"));
    let mut f = attendance_naming(&key, "correct", "补记学习体会");
    f.extend([("reflection", "2025年3月10日"), ("poor", "是")]);
    assert_eq!(send(&h, &op, &f).await.status, StatusCode::SEE_OTHER);
    let rows: Vec<Attendance> = h.store.list().await.unwrap();
    assert_eq!(rows[0].reflection_filed_on, Some(date!(2025 - 03 - 10)));
    assert!(rows[0].poor_result);

    // Without the admonition the attendance is withdrawn, then the
    // session; both histories stay.
    let mut tx = h.store.begin("测试").await.unwrap();
    assert_eq!(tx.delete(&[admonition]).await.unwrap(), 1);
    tx.commit().await.unwrap();
    let mut w = attendance_naming(&key, "withdraw", "未参加该培训");
    w[5] = ("seen", "1");
    let a = send(&h, &op, &w).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    assert!(
        a.notice()
            .unwrap()
            .starts_with("已撤回：东村村委会 张三 参加培训")
    );
    assert!(h.store.list::<Attendance>().await.unwrap().is_empty());
    let a = send(&h, &op, &naming("0", "withdraw", "重复登记")).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    assert!(h.store.list::<TrainingSession>().await.unwrap().is_empty());
    let hist = h
        .store
        .corrections_of("training_sessions", "XL-2025-01")
        .await
        .unwrap();
    assert_eq!(hist.len(), 1);
    assert!(hist[0].withdrawn && hist[0].after.is_empty());
    assert_eq!(hist[0].reason, "重复登记");
    // The page of a withdrawn record is not found.
    assert_eq!(
        get(SESSION).session(Some(&op.0)).send(&h).await.status,
        StatusCode::NOT_FOUND
    );
}

both_backends!(
    withdrawn_unless_relied_on,
    attendance_then_session_are_withdrawn_unless_relied_on
);

async fn filed_next_year_and_approved_pay_freeze_records(db: TestDb) {
    let h = harness(&db, true).await;
    let exit = Exit {
        person: person_a(),
        on: date!(2025 - 05 - 10),
        programme: Programme::Secretary,
        reason: ExitReason::LeftOffice,
        note: String::new(),
    };
    let batch = Batch {
        exits: vec![exit],
        ..records()
    };
    h.store.apply("测试", &batch).await.unwrap();
    let op = sign_in(&h, "op1").await;
    // Exits are the town reviewer's.
    let rev = sign_in(&h, "rev1").await;
    let key = h.person(&person_a());
    let exit_page = format!(
        "/corrections?town={T1}&year=2025&kind=exit&person={key}&on=2025-05-10&programme=secretary"
    );

    // The exits page links the exit; the exit is corrected with a reason.
    let page = get("/exits?year=2025&town=370783100")
        .session(Some(&rev.0))
        .send(&h)
        .await
        .text();
    assert!(page.contains(&exit_page.replace('&', "&#38;")), "{page}");
    let fields = |note: &'static str| {
        vec![
            ("key_town", T1),
            ("key_year", "2025"),
            ("key_kind", "exit"),
            ("key_person", key.as_str()),
            ("key_on", "2025-05-10"),
            ("key_programme", "secretary"),
            ("seen", "0"),
            ("action", "correct"),
            ("reason", "原因选错"),
            ("ground", "other"),
            ("note", note),
        ]
    };
    assert_eq!(
        send(&h, &op, &fields("调任")).await.status,
        StatusCode::FORBIDDEN
    );
    let a = send(&h, &rev, &fields("")).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.text());
    assert!(a.text().contains("“其他”原因须写明情况"));
    let a = send(&h, &rev, &fields("调任乡镇工作")).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    let exits: Vec<Exit> = h.store.list().await.unwrap();
    assert_eq!(exits[0].reason, ExitReason::Other);
    assert_eq!(exits[0].note, "调任乡镇工作");

    // June's pay, approved, relied on the exit: it stands (Article 13).
    let run = PayRun {
        month: date!(2025 - 06 - 01),
        town: t1(),
        state: PayState::Approved,
        people: 0,
        total_fen: 0,
        example: false,
        comment: String::new(),
    };
    h.store.insert("测试", &[run]).await.unwrap();
    let html = get(&exit_page).session(Some(&rev.0)).send(&h).await.text();
    assert!(
        html.contains("2025 年 6 月的补贴发放已批准待发放，发放名单依据了这次退出（第十三条）"),
        "{html}"
    );
    assert!(!html.contains("id=\"correct-form\""));
    let mut w = fields("再改");
    w[6] = ("seen", "1");
    let a = send(&h, &rev, &w).await;
    assert_eq!(a.status, StatusCode::CONFLICT);

    // The next year's list filed: the year's training stands.
    h.store
        .apply(
            "测试",
            &Batch {
                list_entries: vec![entry(2026)],
                ..Batch::default()
            },
        )
        .await
        .unwrap();
    let html = get(SESSION).session(Some(&op.0)).send(&h).await.text();
    assert!(
        html.contains("2026 年度名单已备案，年初测算依据了 2025 年的培训记录（第六条、第十三条）"),
        "{html}"
    );
    let mut f = naming("0", "correct", "天数登记错误");
    f.extend(session_fields("化龙镇党建培训班", "3"));
    assert_eq!(send(&h, &op, &f).await.status, StatusCode::CONFLICT);
}

both_backends!(
    frozen_by_decisions,
    filed_next_year_and_approved_pay_freeze_records
);

async fn a_reserve_is_withdrawn_and_a_work_record_corrected(db: TestDb) {
    let h = harness(&db, true).await;
    let village = VillageCode::parse(V1).unwrap();
    let listed = Reserve {
        person: person_a(),
        village,
        post: PostRole::Secretary,
        listed_on: date!(2025 - 02 - 01),
        removed_on: None,
    };
    h.store
        .apply(
            "测试",
            &Batch {
                reserves: vec![listed],
                ..records()
            },
        )
        .await
        .unwrap();
    let work = WorkRecord {
        person: person_a(),
        seq: 1,
        town: t1(),
        on: date!(2025 - 05 - 20),
        text: "走访农户".into(),
    };
    h.store.insert("测试", &[work]).await.unwrap();
    let op = sign_in(&h, "op1").await;
    let rev = sign_in(&h, "rev1").await;

    // A reserve: its removal corrected, then withdrawn as listed by mistake.
    let key_c = h.person(&person_a());
    let page = get("/reserves?year=2025&town=370783100")
        .session(Some(&op.0))
        .send(&h)
        .await
        .text();
    let reserve_page = format!(
        "/corrections?town={T1}&year=2025&kind=reserve&person={key_c}&village={V1}&post=secretary&on=2025-02-01"
    );
    assert!(page.contains(&reserve_page.replace('&', "&#38;")), "{page}");
    let html = get(&reserve_page)
        .session(Some(&op.0))
        .send(&h)
        .await
        .text();
    assert!(html.contains("id=\"correct-form\"") && html.contains("id=\"withdraw-form\""));
    // Its removal day corrected: not before it was listed.
    let removal = |on: &'static str| {
        vec![
            ("key_town", T1),
            ("key_year", "2025"),
            ("key_kind", "reserve"),
            ("key_person", key_c.as_str()),
            ("key_village", V1),
            ("key_post", "secretary"),
            ("key_on", "2025-02-01"),
            ("seen", "0"),
            ("action", "correct"),
            ("reason", "调出日期登记有误"),
            ("removed_on", on),
        ]
    };
    let a = send(&h, &op, &removal("2025-01-31")).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        a.text().contains("调出日期不能早于列入后备日期"),
        "{}",
        a.text()
    );
    let a = send(&h, &op, &removal("2025/4/1")).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    assert_eq!(
        h.store.list::<Reserve>().await.unwrap()[0].removed_on,
        Some(date!(2025 - 04 - 01))
    );
    let withdraw = |reason: &'static str| {
        vec![
            ("key_town", T1),
            ("key_year", "2025"),
            ("key_kind", "reserve"),
            ("key_person", key_c.as_str()),
            ("key_village", V1),
            ("key_post", "secretary"),
            ("key_on", "2025-02-01"),
            ("seen", "1"),
            ("action", "withdraw"),
            ("reason", reason),
        ]
    };
    assert_eq!(
        send(&h, &rev, &withdraw("误列")).await.status,
        StatusCode::FORBIDDEN
    );
    let a = send(&h, &op, &withdraw("误列为后备")).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    assert_eq!(
        a.header("location").as_deref(),
        Some("/reserves?year=2025&town=370783100")
    );
    assert!(h.store.list::<Reserve>().await.unwrap().is_empty());

    // A work record: corrected, back on the person's daily file.
    let key = h.person(&person_a());
    let page = get(&format!("/daily/{key}"))
        .session(Some(&op.0))
        .send(&h)
        .await
        .text();
    let work_page = format!("/corrections?town={T1}&year=2025&kind=work&person={key}&seq=1");
    assert!(page.contains(&work_page.replace('&', "&#38;")), "{page}");
    let fix = |on: &'static str, seen: &'static str| {
        vec![
            ("key_town", T1),
            ("key_year", "2025"),
            ("key_kind", "work"),
            ("key_person", key.as_str()),
            ("key_seq", "1"),
            ("seen", seen),
            ("action", "correct"),
            ("reason", "内容写错"),
            ("on", on),
            ("text", "走访农户并召开议事会"),
        ]
    };
    let a = send(&h, &op, &fix("2025-06-03", "0")).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.text().contains("纪实日期 2025-06-03 晚于今天"));
    let a = send(&h, &op, &fix("2025-05-21", "0")).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    assert_eq!(a.header("location"), Some(format!("/daily/{key}")));
    let rows: Vec<WorkRecord> = h.store.list().await.unwrap();
    assert_eq!(rows[0].text, "走访农户并召开议事会");
    assert_eq!(rows[0].on, date!(2025 - 05 - 21));
    // The year's report assessed: the record stands (Article 11).
    let report = YearReport {
        person: person_a(),
        year: 2025,
        town: t1(),
        given_on: date!(2025 - 05 - 30),
        outcome: ReportOutcome::Good,
        note: String::new(),
    };
    h.store.insert("测试", &[report]).await.unwrap();
    let a = send(&h, &op, &fix("2025-05-22", "1")).await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    assert!(
        a.text()
            .contains("2025 年度述职评议已于 2025-05-30 完成，工作纪实是评议的依据（第十一条）"),
        "{}",
        a.text()
    );
}

both_backends!(
    reserve_and_work_record,
    a_reserve_is_withdrawn_and_a_work_record_corrected
);

async fn exits_and_exams_stand_where_a_decision_relies_on_them(db: TestDb) {
    let h = harness(&db, true).await;
    let exit = |reason| Exit {
        person: person_a(),
        on: date!(2025 - 05 - 10),
        programme: Programme::Secretary,
        reason,
        note: String::new(),
    };
    let exam = ExamResult {
        person: person_a(),
        course: CourseKind::PartyBuilding,
        taken_on: date!(2025 - 03 - 01),
        passed: true,
    };
    h.store
        .apply(
            "测试",
            &Batch {
                exits: vec![exit(ExitReason::FailedEvaluation)],
                exam_results: vec![exam.clone()],
                ..records()
            },
        )
        .await
        .unwrap();
    let rev = sign_in(&h, "rev1").await;
    let op = sign_in(&h, "op1").await;
    let op2 = sign_in(&h, "op2").await;
    let key = h.person(&person_a());

    // An exit the competency evaluation confirmed stands (Article 12).
    let exit_page = format!(
        "/corrections?town={T1}&year=2025&kind=exit&person={key}&on=2025-05-10&programme=secretary"
    );
    let html = get(&exit_page).session(Some(&rev.0)).send(&h).await.text();
    assert!(
        html.contains("该退出由胜任度评价确认（第十二条）"),
        "{html}"
    );
    assert!(!html.contains("id=\"correct-form\"") && !html.contains("id=\"withdraw-form\""));
    // Another exit, then a list version filed after it: it stands too.
    h.store
        .apply(
            "测试",
            &Batch {
                exits: vec![exit(ExitReason::LeftOffice)],
                ..Batch::default()
            },
        )
        .await
        .unwrap();
    let filing = ListFiling {
        year: 2025,
        town: t1(),
        version: 1,
        person: person_c(),
        village: VillageCode::parse(V2).unwrap(),
        tier: 3,
        filed_on: date!(2025 - 05 - 20),
    };
    h.store.insert("测试", &[filing]).await.unwrap();
    let html = get(&exit_page).session(Some(&rev.0)).send(&h).await.text();
    assert!(
        html.contains("2025-05-20 备案的 2025 年度名单依据了这次退出（第十三条）"),
        "{html}"
    );

    // The exam: from the person file to its page, by the town whose post
    // the person held that day; another town finds nothing.
    let file = get(&format!("/people/{key}"))
        .session(Some(&op.0))
        .send(&h)
        .await
        .text();
    let exam_page = format!(
        "/corrections?town={T1}&year=2025&kind=exam&person={key}&course=party_building&on=2025-03-01"
    );
    assert!(file.contains(&exam_page.replace('&', "&#38;")), "{file}");
    let other = exam_page.replace(&format!("town={T1}"), &format!("town={T2}"));
    assert_eq!(
        get(&other).session(Some(&op2.0)).send(&h).await.status,
        StatusCode::NOT_FOUND
    );
    // Changed on its own page after this page was shown: not overwritten.
    let token = seen_of(&get(&exam_page).session(Some(&op.0)).send(&h).await.text());
    assert!(token.starts_with("0-"), "{token}");
    h.store
        .apply(
            "测试",
            &Batch {
                exam_results: vec![ExamResult {
                    passed: false,
                    ..exam.clone()
                }],
                ..Batch::default()
            },
        )
        .await
        .unwrap();
    let a = exam_fix(&h, &op, &key, &token, "否").await;
    assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.text());
    assert!(a.text().contains("已被更正或修改"));
    let token = seen_of(&get(&exam_page).session(Some(&op.0)).send(&h).await.text());
    let a = exam_fix(&h, &op, &key, &token, "是").await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    // A certificate issued after a pass: the result stands (Article 7).
    h.store
        .apply(
            "测试",
            &Batch {
                certificates: vec![Certificate {
                    person: person_a(),
                    number: "NC-2025-001".into(),
                    issued_on: date!(2025 - 04 - 01),
                }],
                ..Batch::default()
            },
        )
        .await
        .unwrap();
    let a = exam_fix(&h, &op, &key, "1", "否").await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    assert!(
        a.text()
            .contains("已据考试合格于 2025-04-01 颁发资格证（编号 NC-2025-001，第七条）"),
        "{}",
        a.text()
    );
}

both_backends!(
    exits_and_exams_stand,
    exits_and_exams_stand_where_a_decision_relies_on_them
);

/// The correction of 张三's exam of 2025-03-01 to `passed`.
async fn exam_fix(
    h: &Harness,
    op: &(String, String),
    key: &str,
    seen: &str,
    passed: &str,
) -> Answer {
    let f = [
        ("key_town", T1),
        ("key_year", "2025"),
        ("key_kind", "exam"),
        ("key_person", key),
        ("key_course", "party_building"),
        ("key_on", "2025-03-01"),
        ("seen", seen),
        ("action", "correct"),
        ("reason", "成绩录错"),
        ("passed", passed),
    ];
    send(h, op, &f).await
}

/// The `seen` a correction page's form sends.
fn seen_of(html: &str) -> String {
    let (_, rest) = html
        .split_once("name=\"seen\" value=\"")
        .unwrap_or_else(|| panic!("no seen: {html}"));
    rest[..rest.find('"').unwrap()].to_owned()
}
