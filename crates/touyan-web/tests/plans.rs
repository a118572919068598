//! The yearly plans in the server (issue 5, item 5; Article 11): a town's
//! operator drafts, its reviewer records the review meeting, the operator
//! records the public notice, the reviewer files (or returns); refusals by
//! role, town, state, a short notice, an unfinished notice and stale
//! pages; a filed plan locked and written to `annual_plans`; every move
//! audited. On SQLite and PostgreSQL.
//!
//! The test clock's day in China is 2025-06-02; the example policy's
//! shortest notice is 5 days, both ends counted.

mod common;

use axum::http::StatusCode;
use common::*;
use time::macros::date;
use touyan_records::model::{AnnualPlan, PlanState};
use touyan_storage::testing::TestDb;
use touyan_storage::{AuditFilter, Page, both_backends};

fn path(h: &Harness) -> String {
    format!("/plans/2025/{}", h.person(&person_a()))
}

/// Posts a move as `who` (session, csrf) with the state seen and fields.
async fn act(
    h: &Harness,
    who: &(String, String),
    seen: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> Answer {
    let mut pairs = vec![("csrf", who.1.as_str()), ("seen", seen), ("action", action)];
    pairs.extend_from_slice(fields);
    post(&path(h))
        .form(&pairs)
        .session(Some(&who.0))
        .send(h)
        .await
}

async fn state(h: &Harness) -> Option<PlanState> {
    h.store
        .plan_review(2025, &person_a())
        .await
        .unwrap()
        .map(|p| p.state)
}

async fn move_count(h: &Harness) -> usize {
    h.store.plan_moves(2025, &person_a()).await.unwrap().len()
}

/// Asserts the answer's status and that its page says `says`.
fn refused(a: &Answer, status: StatusCode, says: &str) {
    assert_eq!(a.status, status, "{}", a.text());
    assert!(a.text().contains(says), "{says} missing: {}", a.text());
}

/// The cells of a town's row on the city's overview, as text joined by
/// `|`.
fn row_of(html: &str, town: &str) -> String {
    let start = html
        .find(&format!("id=\"plans-town-{town}\""))
        .unwrap_or_else(|| panic!("no row for {town}"));
    let row = &html[start..];
    let row = &row[row.find('>').map_or(0, |i| i + 1)..];
    let row = &row[..row.find("</tr>").unwrap_or(row.len())];
    let mut cells = Vec::new();
    let mut text = String::new();
    let mut in_tag = false;
    for ch in row.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => text.push(ch),
            _ => {}
        }
        if ch == '>' && !text.trim().is_empty() {
            cells.push(text.trim().to_owned());
            text.clear();
        } else if ch == '>' {
            text.clear();
        }
    }
    cells.join("|")
}

async fn a_plan_is_drafted_reviewed_noticed_and_filed(db: TestDb) {
    let h = harness(&db, true).await;
    seed_proposals(&h.store).await;
    let op = sign_in(&h, "op1").await;
    let rev = sign_in(&h, "rev1").await;
    let admin = sign_in(&h, "admin").await;
    let viewer = sign_in(&h, "viewer").await;
    let op2 = sign_in(&h, "op2").await;

    // The town's secretaries: 张三 is on the stored proposal (no filed
    // list yet) and has no plan.
    let town = get("/plans?year=2025").session(Some(&op.0)).send(&h).await;
    assert_eq!(town.status, StatusCode::OK);
    let html = town.text();
    for want in [
        "张三",
        "测算建议（名单未备案）",
        "缺少年度计划",
        "有 1 名书记尚无年度计划",
    ] {
        assert!(html.contains(want), "{want} missing");
    }
    assert!(!html.contains("王五"), "another town's secretary");
    // The city: every town counted, two secretaries without a plan.
    let city = get("/plans?year=2025")
        .session(Some(&admin.0))
        .send(&h)
        .await;
    assert_eq!(city.status, StatusCode::OK);
    let html = city.text();
    assert!(html.contains("共有 2 名书记尚无年度计划"), "{html}");
    assert!(html.contains("洛城街道") && html.contains("圣城街道"));
    assert!(html.contains("公示期不少于 5 天（第十一条（原文缺失，推定））"));

    // The plan's page: nothing drafted, the operator may save.
    let page = get(&path(&h)).session(Some(&op.0)).send(&h).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    for want in [
        "尚未起草",
        "id=\"plan-save\"",
        "公示期不少于 5 天，首尾两天都计算在内（第十一条（原文缺失，推定））",
    ] {
        assert!(html.contains(want), "{want} missing");
    }
    assert!(!html.contains(person_a().as_str()), "ID numbers are masked");
    let reviewer_page = get(&path(&h)).session(Some(&rev.0)).send(&h).await.text();
    assert!(reviewer_page.contains("id=\"plan-no-moves\""));
    assert!(!reviewer_page.contains("id=\"plan-save\""));

    // Refusals before anything is written: wrong role, other town, no
    // content.
    let content = [("content", "一、发展村集体经济，年收入增加 5 万元。")];
    let a = act(&h, &rev, "none", "save", &content).await;
    refused(&a, StatusCode::FORBIDDEN, "“保存计划”只能由镇街经办办理");
    let a = act(&h, &viewer, "none", "save", &content).await;
    refused(&a, StatusCode::FORBIDDEN, "市级查看不能办理");
    let a = act(&h, &admin, "none", "save", &content).await;
    refused(&a, StatusCode::FORBIDDEN, "市级管理员不能办理");
    let a = act(&h, &op2, "none", "save", &content).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND, "another town's plan");
    assert_eq!(
        get(&path(&h)).session(Some(&op2.0)).send(&h).await.status,
        StatusCode::NOT_FOUND
    );
    let a = act(&h, &op, "none", "save", &[("content", "  ")]).await;
    refused(
        &a,
        StatusCode::UNPROCESSABLE_ENTITY,
        "请填写年度工作目标和计划",
    );
    let a = post(&path(&h))
        .form(&[("csrf", "wrong"), ("seen", "none"), ("action", "save")])
        .session(Some(&op.0))
        .send(&h)
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "CSRF");
    assert_eq!(state(&h).await, None);
    assert_eq!(move_count(&h).await, 0);

    // The operator drafts.
    let a = act(&h, &op, "none", "save", &content).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    assert_eq!(state(&h).await, Some(PlanState::Draft));
    // A stale page (it still shows no plan) is refused.
    let a = act(&h, &op, "none", "save", &content).await;
    refused(&a, StatusCode::CONFLICT, "状态已经改变");

    // The review meeting: a failure needs a comment; a meeting not yet
    // held cannot be recorded; the operator cannot record it.
    let a = act(&h, &rev, "draft", "fail", &[("meeting_on", "2025-05-20")]).await;
    refused(
        &a,
        StatusCode::UNPROCESSABLE_ENTITY,
        "“评审未通过”须写明意见",
    );
    let a = act(&h, &rev, "draft", "pass", &[("meeting_on", "2025-06-03")]).await;
    refused(&a, StatusCode::UNPROCESSABLE_ENTITY, "晚于今天");
    let a = act(&h, &rev, "draft", "pass", &[("meeting_on", "2025-13-01")]).await;
    refused(
        &a,
        StatusCode::UNPROCESSABLE_ENTITY,
        "评审会议日期“2025-13-01”无效",
    );
    let a = act(&h, &op, "draft", "pass", &[("meeting_on", "2025-05-20")]).await;
    refused(&a, StatusCode::FORBIDDEN, "只能由镇街审核办理");
    let a = act(
        &h,
        &rev,
        "draft",
        "fail",
        &[("meeting_on", "2025-05-20"), ("comment", "措施不够具体")],
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    assert_eq!(state(&h).await, Some(PlanState::Draft));
    let html = get(&path(&h)).session(Some(&op.0)).send(&h).await.text();
    assert!(html.contains("措施不够具体"));

    // Revised, then passed on 25 May.
    let revised = [(
        "content",
        "一、发展村集体经济，年收入增加 5 万元。\n二、整治村内道路 2 公里。",
    )];
    assert_eq!(
        act(&h, &op, "draft", "save", &revised).await.status,
        StatusCode::SEE_OTHER
    );
    let a = act(&h, &op, "draft", "notice", &[]).await;
    refused(
        &a,
        StatusCode::CONFLICT,
        "年度计划当前状态为“起草中”，不能“登记公示”",
    );
    let a = act(&h, &rev, "draft", "pass", &[("meeting_on", "2025-05-25")]).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    assert_eq!(state(&h).await, Some(PlanState::Reviewed));
    // Reviewed: the content is locked.
    let a = act(&h, &op, "reviewed", "save", &content).await;
    refused(&a, StatusCode::CONFLICT, "不能“保存计划”");

    // The notice: four days are too short (26–29 May), a notice before
    // the meeting is void; nothing is written by a refusal.
    let before = move_count(&h).await;
    let a = act(
        &h,
        &op,
        "reviewed",
        "notice",
        &[("notice_start", "2025-05-26"), ("notice_end", "2025-05-29")],
    )
    .await;
    refused(
        &a,
        StatusCode::UNPROCESSABLE_ENTITY,
        "公示 2025-05-26 至 2025-05-29，共 4 天，少于 5 天，不能登记（第十一条（原文缺失，推定））",
    );
    let a = act(
        &h,
        &op,
        "reviewed",
        "notice",
        &[("notice_start", "2025-05-24"), ("notice_end", "2025-05-30")],
    )
    .await;
    refused(
        &a,
        StatusCode::UNPROCESSABLE_ENTITY,
        "早于评审通过日 2025-05-25",
    );
    let a = act(
        &h,
        &op,
        "reviewed",
        "notice",
        &[("notice_start", "2025-05-26")],
    )
    .await;
    refused(&a, StatusCode::UNPROCESSABLE_ENTITY, "请填写公示结束日");
    assert_eq!(move_count(&h).await, before);
    assert_eq!(state(&h).await, Some(PlanState::Reviewed));

    // 26 May to 5 June (11 days): recorded, but not yet over on 2 June.
    let long = [("notice_start", "2025-05-26"), ("notice_end", "2025-06-05")];
    let a = act(&h, &op, "reviewed", "notice", &long).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    assert_eq!(state(&h).await, Some(PlanState::Noticed));
    let a = act(&h, &rev, "noticed", "file", &[]).await;
    refused(
        &a,
        StatusCode::UNPROCESSABLE_ENTITY,
        "备案日 2025-06-02 早于公示结束日 2025-06-05，须公示期满后备案，不能备案（第十一条）",
    );

    // Returned by the reviewer (a comment needed), redrafted: the review
    // and notice are to be done again.
    let a = act(&h, &rev, "noticed", "return", &[]).await;
    refused(&a, StatusCode::UNPROCESSABLE_ENTITY, "“退回修改”须写明意见");
    let a = act(
        &h,
        &rev,
        "noticed",
        "return",
        &[("comment", "公示期间群众提出意见，请补充措施")],
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    assert_eq!(state(&h).await, Some(PlanState::Returned));
    let a = act(&h, &rev, "returned", "file", &[]).await;
    refused(&a, StatusCode::CONFLICT, "不能“备案”");
    assert_eq!(
        act(&h, &op, "returned", "save", &revised).await.status,
        StatusCode::SEE_OTHER
    );
    let p = h
        .store
        .plan_review(2025, &person_a())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (p.state, p.reviewed_on, p.notice_start, p.notice_end),
        (PlanState::Draft, None, None, None)
    );
    assert_eq!(p.comment, "公示期间群众提出意见，请补充措施");
    assert_eq!(
        act(&h, &rev, "draft", "pass", &[("meeting_on", "2025-05-25")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    // The shortest notice allowed: 26–30 May, five days.
    let five = [("notice_start", "2025-05-26"), ("notice_end", "2025-05-30")];
    let a = act(&h, &op, "reviewed", "notice", &five).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());

    // Filing: not the city's nor the operator's; a stale page refused.
    let a = act(&h, &admin, "noticed", "file", &[]).await;
    refused(&a, StatusCode::FORBIDDEN, "“备案”只能由镇街审核办理");
    let a = act(&h, &op, "noticed", "file", &[]).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    let a = act(&h, &rev, "reviewed", "file", &[]).await;
    refused(&a, StatusCode::CONFLICT, "状态已经改变");
    let a = act(&h, &rev, "noticed", "file", &[]).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    assert_eq!(state(&h).await, Some(PlanState::Filed));
    // The filed plan's dates are on record where the exports read them.
    let files: Vec<AnnualPlan> = h.store.list().await.unwrap();
    assert_eq!(
        files,
        [AnnualPlan {
            person: person_a(),
            year: 2025,
            reviewed_on: Some(date!(2025 - 05 - 25)),
            notice_start: Some(date!(2025 - 05 - 26)),
            notice_end: Some(date!(2025 - 05 - 30)),
            filed_on: Some(date!(2025 - 06 - 02)),
        }]
    );

    // A filed plan is locked for every role.
    let before = move_count(&h).await;
    for (who, action) in [
        (&op, "save"),
        (&op, "notice"),
        (&rev, "return"),
        (&rev, "pass"),
    ] {
        let a = act(
            &h,
            who,
            "filed",
            action,
            &[
                ("comment", "再改"),
                ("content", "改"),
                ("meeting_on", "2025-06-01"),
            ],
        )
        .await;
        refused(&a, StatusCode::CONFLICT, "年度计划当前状态为“已备案”");
    }
    assert_eq!(move_count(&h).await, before);
    let html = get(&path(&h)).session(Some(&op.0)).send(&h).await.text();
    assert!(html.contains("id=\"plan-no-moves\"") && !html.contains("id=\"plan-save\""));
    for want in [
        "已报镇街党委备案：公示 2025-05-26 至 2025-05-30，共 5 天，不少于 5 天，2025-06-02 报镇街党委备案（第十一条）",
        "二、整治村内道路 2 公里。",
        // The history, with what each move recorded and its article.
        "2025-05-20 召开评审会议，未通过，退回修改（第十一条）",
        "2025-05-25 召开评审会议，通过（第十一条）",
        "公示 2025-05-26 至 2025-06-05，共 11 天，不少于 5 天（第十一条（原文缺失，推定））",
        "公示 2025-05-26 至 2025-05-30，共 5 天，不少于 5 天（第十一条（原文缺失，推定））",
        "措施不够具体",
        "op1",
        "rev1",
    ] {
        assert!(html.contains(want), "{want} missing: {html}");
    }
    // save, fail, save, pass, notice, return, save, pass, notice, file.
    assert_eq!(before, 10);
    let audit = h
        .store
        .audit(
            &AuditFilter {
                table: Some("plan_moves".into()),
                ..AuditFilter::default()
            },
            Page::new(1, 100),
        )
        .await
        .unwrap();
    assert_eq!(audit.total, 10, "one log entry per move");
    assert!(
        audit
            .items
            .iter()
            .all(|e| e.origin.as_deref() == Some(CLIENT))
    );

    // The overviews count it.
    let town = get("/plans").session(Some(&rev.0)).send(&h).await.text();
    assert!(!town.contains("缺少年度计划"), "{town}");
    assert!(town.contains("已备案"));
    let city = get("/plans?year=2025")
        .session(Some(&viewer.0))
        .send(&h)
        .await
        .text();
    assert!(city.contains("共有 1 名书记尚无年度计划"), "{city}");
    // 洛城街道: one on the list, none missing, one filed (the last of the
    // five state columns).
    assert_eq!(
        row_of(&city, T1),
        "洛城街道|1|测算建议（名单未备案）|0|0|0|0|1|0"
    );
    assert_eq!(
        row_of(&city, T2),
        "圣城街道|1|测算建议（名单未备案）|1|0|0|0|0|0"
    );
    db.finish().await;
}
both_backends!(plan_workflow, a_plan_is_drafted_reviewed_noticed_and_filed);

/// A plan imported with its dates (no workflow here) counts as filed when
/// the rules find it filed, and is locked; one imported half done is
/// started afresh.
async fn imported_plans(db: TestDb) {
    let h = harness(&db, true).await;
    seed_proposals(&h.store).await;
    let op = sign_in(&h, "op1").await;
    let op2 = sign_in(&h, "op2").await;
    let batch = touyan_storage::Batch {
        annual_plans: vec![
            AnnualPlan {
                person: person_a(),
                year: 2025,
                reviewed_on: Some(date!(2025 - 01 - 10)),
                notice_start: Some(date!(2025 - 01 - 11)),
                notice_end: Some(date!(2025 - 01 - 17)),
                filed_on: Some(date!(2025 - 01 - 20)),
            },
            AnnualPlan {
                person: person_c(),
                year: 2025,
                reviewed_on: Some(date!(2025 - 01 - 10)),
                notice_start: Some(date!(2025 - 01 - 11)),
                // Three days: not a valid notice, so not filed.
                notice_end: Some(date!(2025 - 01 - 13)),
                filed_on: Some(date!(2025 - 01 - 20)),
            },
        ],
        ..touyan_storage::Batch::default()
    };
    h.store.apply("导入", &batch).await.unwrap();
    let html = get(&path(&h)).session(Some(&op.0)).send(&h).await.text();
    assert!(html.contains("本计划有导入的记录"), "{html}");
    assert!(html.contains("id=\"plan-state\">已备案"));
    assert!(html.contains("id=\"plan-no-moves\""));
    let a = act(&h, &op, "filed", "save", &[("content", "新计划")]).await;
    refused(&a, StatusCode::CONFLICT, "年度计划当前状态为“已备案”");

    let c = format!("/plans/2025/{}", h.person(&person_c()));
    let html = get(&c).session(Some(&op2.0)).send(&h).await.text();
    assert!(html.contains("共 3 天，少于 5 天"), "{html}");
    assert!(html.contains("id=\"plan-save\""), "started afresh");
    let list = get("/plans").session(Some(&op2.0)).send(&h).await.text();
    assert!(list.contains("缺少年度计划") && list.contains("导入的记录"));
    db.finish().await;
}
both_backends!(imported, imported_plans);
