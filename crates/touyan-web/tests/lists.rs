//! The yearly list's review in the server (issue 5, item 1): a town's
//! operator saves and confirms, its reviewer submits, the city files or
//! returns; refusals by role, town, state, missing reasons and stale
//! pages; the filed list written and every move audited. On SQLite and
//! PostgreSQL.

mod common;

use axum::http::StatusCode;
use common::*;
use touyan_records::TownCode;
use touyan_records::model::{ListStatus, ReviewState};
use touyan_storage::testing::TestDb;
use touyan_storage::{AuditFilter, Page, both_backends};

fn path() -> String {
    format!("/lists/2025/{T1}")
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
    post(&path())
        .form(&pairs)
        .session(Some(&who.0))
        .send(h)
        .await
}

async fn state(h: &Harness) -> Option<ReviewState> {
    h.store
        .list_review(2025, TownCode::parse(T1).unwrap())
        .await
        .unwrap()
        .map(|r| r.state)
}

async fn a_town_list_is_reviewed_and_filed(db: TestDb) {
    let h = harness(&db, true).await;
    seed_proposals(&h.store).await;
    let op = sign_in(&h, "op1").await;
    let rev = sign_in(&h, "rev1").await;
    let admin = sign_in(&h, "admin").await;
    let viewer = sign_in(&h, "viewer").await;
    let op2 = sign_in(&h, "op2").await;
    let tier = format!("tier_{V1}");
    let reason = format!("reason_{V1}");

    // The page: the proposal with each check's reason and the quota.
    let page = get(&path()).session(Some(&op.0)).send(&h).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    for want in [
        "张三",
        "连续任职 4 年 5 个月",
        "行政村 2 个 × 50%",
        "纳入名额 1 名",
        "未启动（仅有测算结果）",
        "第 1 位，三档",
        "id=\"move-save\"",
    ] {
        assert!(html.contains(want), "{want} missing");
    }
    assert!(!html.contains(person_a().as_str()), "ID numbers are masked");

    // Refusals before anything is written.
    let a = act(&h, &viewer, "none", "save", &[]).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.text());
    assert!(a.text().contains("只能由镇街经办办理"));
    let a = act(&h, &op2, "none", "save", &[]).await;
    assert_eq!(
        a.status,
        StatusCode::NOT_FOUND,
        "another town's list does not exist"
    );
    let a = act(&h, &rev, "none", "save", &[]).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    let a = act(&h, &op, "none", "confirm", &[]).await;
    assert_eq!(
        a.status,
        StatusCode::CONFLICT,
        "a proposal is saved before it is confirmed"
    );
    let a = post(&path())
        .form(&[("seen", "none"), ("action", "save")])
        .session(Some(&op.0))
        .send(&h)
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "no CSRF token");
    let a = act(&h, &op, "none", "save", &[(&tier, "4")]).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.text().contains("档次“4”无效"), "{}", a.text());
    assert_eq!(state(&h).await, None, "nothing written");

    // Leaving the proposed secretary out without a reason: saved as a
    // draft, but confirming is refused with the article.
    let a = act(&h, &op, "none", "save", &[(&tier, ""), (&reason, "")]).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    assert_eq!(state(&h).await, Some(ReviewState::Draft));
    let a = act(&h, &op, "draft", "confirm", &[]).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = a.text();
    assert!(
        text.contains("测算列入三档，镇街拟不列入，与测算结果不同，须写明理由"),
        "{text}"
    );
    assert!(text.contains("第一条第二款"), "{text}");
    // Tier 1 for a village whose stars are not on record (0): refused by
    // Article 13, and the list of one has no tier-1 place either.
    let a = act(
        &h,
        &op,
        "draft",
        "confirm",
        &[(&tier, "1"), (&reason, "表现突出")],
    )
    .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.text().contains("第十三条"), "{}", a.text());
    assert_eq!(state(&h).await, Some(ReviewState::Draft));

    // A stale page (it saw no review yet) is refused.
    let a = act(&h, &op, "none", "save", &[]).await;
    assert_eq!(a.status, StatusCode::CONFLICT);

    // Back to the proposal, confirmed; the reviewer sends it back once
    // (a comment is required), then submits; the city returns it, the
    // town confirms again, the reviewer submits, the city files.
    assert_eq!(
        act(&h, &op, "draft", "reset", &[]).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        act(&h, &op, "draft", "confirm", &[]).await.status,
        StatusCode::SEE_OTHER
    );
    let a = act(&h, &op, "confirmed", "save", &[]).await;
    assert_eq!(
        a.status,
        StatusCode::CONFLICT,
        "a confirmed list is not edited"
    );
    let a = act(&h, &rev, "confirmed", "send_back", &[]).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    let a = act(
        &h,
        &rev,
        "confirmed",
        "send_back",
        &[("comment", "请核对理由")],
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert_eq!(
        act(&h, &op, "draft", "confirm", &[]).await.status,
        StatusCode::SEE_OTHER
    );
    let a = act(&h, &admin, "confirmed", "file", &[]).await;
    assert_eq!(a.status, StatusCode::CONFLICT, "not submitted yet");
    let submitted = act(&h, &rev, "confirmed", "submit", &[]).await;
    assert_eq!(submitted.status, StatusCode::SEE_OTHER);
    // Said plainly on the next page (issue 18 item 4).
    assert_eq!(
        submitted.notice().as_deref(),
        Some("已报送备案：洛城街道 2025 年度名单，等待市级备案")
    );
    let a = act(
        &h,
        &admin,
        "submitted",
        "return",
        &[("comment", "请补充会议纪要")],
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let page = get(&path()).session(Some(&op.0)).send(&h).await.text();
    assert!(
        page.contains("请补充会议纪要"),
        "the city's comment is shown"
    );
    assert_eq!(
        act(&h, &op, "returned", "confirm", &[]).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        act(&h, &rev, "confirmed", "submit", &[]).await.status,
        StatusCode::SEE_OTHER
    );
    let a = act(&h, &viewer, "submitted", "file", &[]).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert_eq!(
        act(&h, &admin, "submitted", "file", &[]).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(state(&h).await, Some(ReviewState::Filed));

    // The filed list is the proposal: A in tier 3.
    let filed = h
        .store
        .filed_list(2025, TownCode::parse(T1).unwrap())
        .await
        .unwrap();
    assert_eq!(filed.len(), 1);
    assert_eq!(
        (filed[0].person.clone(), filed[0].tier, filed[0].status),
        (person_a(), 3, ListStatus::Filed)
    );
    // Locked: only an adjustment, with a reason, moves it.
    let a = act(&h, &op, "filed", "save", &[]).await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    let a = act(&h, &op, "filed", "adjust", &[]).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    // In June, outside the adjustment month (January): refused by
    // Article 13 (item 7 of issue 17)…
    let a = act(&h, &op, "filed", "adjust", &[("comment", "书记调整")]).await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    assert!(
        a.text().contains("每年 1 月调整一次，6 月不作调整"),
        "{}",
        a.text()
    );
    assert!(a.text().contains("第十三条"), "{}", a.text());
    // …until the city approves an exception after the filing.
    let exception = |who: &(String, String), fields: &[(&str, &str)]| {
        let mut pairs: Vec<(&str, &str)> = vec![("csrf", who.1.as_str())];
        pairs.extend_from_slice(fields);
        post(&format!("{}/exceptions", path()))
            .form(&pairs)
            .session(Some(&who.0))
    };
    for (who, fields) in [
        (
            &op,
            vec![
                ("action", "propose"),
                ("rule", "art01.tenure"),
                ("village", V1),
                ("reason", "任职不满三年，确有需要"),
            ],
        ),
        (
            &rev,
            vec![
                ("action", "town_approve"),
                ("seq", "1"),
                ("seen", "proposed"),
                ("comment", "同意"),
            ],
        ),
        (
            &admin,
            vec![
                ("action", "approve"),
                ("seq", "1"),
                ("seen", "town_approved"),
                ("comment", "同意"),
            ],
        ),
    ] {
        let a = exception(who, &fields).send(&h).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    }
    assert_eq!(
        act(&h, &op, "filed", "adjust", &[("comment", "书记调整")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let r = h
        .store
        .list_review(2025, TownCode::parse(T1).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((r.state, r.version), (ReviewState::Draft, 2));

    // The history on the page, and every move in the audit trail with
    // who and from where.
    let page = get(&path()).session(Some(&admin.0)).send(&h).await.text();
    for want in [
        "请核对理由",
        "退回经办修改",
        "报送备案",
        "发起调整",
        "op1",
        "rev1",
        "admin",
    ] {
        assert!(page.contains(want), "{want} missing from the history");
    }
    let audit = h
        .store
        .audit(
            &AuditFilter {
                table: Some("list_moves".into()),
                ..AuditFilter::default()
            },
            Page::new(1, 100),
        )
        .await
        .unwrap();
    assert_eq!(audit.total, 11, "one log entry per move");
    assert!(
        audit
            .items
            .iter()
            .all(|e| e.origin.as_deref() == Some(CLIENT))
    );

    // The adjusted draft leaves 张三 out, with the town's reason.
    let a = act(
        &h,
        &op,
        "draft",
        "save",
        &[(&tier, ""), (&reason, "本人申请辞去")],
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());

    // The printed filing form: title, town, signature lines.
    let print = get(&format!("{}/print", path()))
        .session(Some(&op.0))
        .send(&h)
        .await;
    assert_eq!(print.status, StatusCode::OK);
    let p = print.text();
    for want in [
        "村党组织书记专业化管理名单备案表（2025 年度）",
        "洛城街道",
        "负责人（签字）",
        "市委组织部备案意见",
        // Issue 18, item 9: print and back (not printed), and who of the
        // list before is no longer on it.
        "<button type=\"button\" class=\"secondary\" data-print id=\"print-button\">打印</button>",
        "id=\"print-back\">返回</a>",
        "不再列入的人员",
    ] {
        assert!(p.contains(want), "{want} missing from the form");
    }
    assert!(p.contains(&format!("<a href=\"{}\" id=\"print-back\">", path())));
    let dropped = &p[p.find("不再列入的人员").unwrap()..p.find("class=\"signatures\"").unwrap()];
    assert!(
        dropped.contains("（与本年度第 1 版备案名单相比）")
            && dropped.contains("<td class=\"nowrap\">张三</td>")
            && dropped.contains("测算列入三档，镇街确定不列入：本人申请辞去")
            && !dropped.contains(person_a().as_str()),
        "{dropped}"
    );
    db.finish().await;
}
both_backends!(review_and_filing, a_town_list_is_reviewed_and_filed);

async fn the_city_sees_every_towns_state(db: TestDb) {
    let h = harness(&db, true).await;
    seed_proposals(&h.store).await;
    let admin = sign_in(&h, "admin").await;
    let op = sign_in(&h, "op1").await;
    let a = act(&h, &op, "none", "save", &[]).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let page = get("/lists?year=2025")
        .session(Some(&admin.0))
        .send(&h)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(
        html.contains("洛城街道") && html.contains("圣城街道"),
        "{html}"
    );
    assert!(html.contains("草拟中"));
    assert!(html.contains("未启动（仅有测算结果）"));
    // A town account is sent to its own list.
    let a = get("/lists?year=2025").session(Some(&op.0)).send(&h).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert_eq!(a.header("location").as_deref(), Some(path().as_str()));
    db.finish().await;
}
both_backends!(overview, the_city_sees_every_towns_state);

/// A stored proposal whose reasons cannot be read (a damaged row): the
/// page says so and asks for a new run, and the draft goes by the stored
/// eligibility instead of calling the secretary ineligible.
async fn unreadable_reasons_are_shown_not_held_against_the_secretary(db: TestDb) {
    let h = harness(&db, true).await;
    seed_proposals(&h.store).await;
    let t1 = TownCode::parse(T1).unwrap();
    let towns: Vec<_> = h
        .store
        .cycle_towns(2025, Some(t1))
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.town)
        .collect();
    let mut rows = h.store.cycle_secretaries(2025, Some(t1)).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert!(rows[0].eligible);
    rows[0].checks_json = "[2,乱".into();
    h.store
        .replace_cycle("测算", 2025, Some(t1), &towns, &rows, &mut |_| {})
        .await
        .unwrap();
    let op = sign_in(&h, "op1").await;
    let html = get(&path()).session(Some(&op.0)).send(&h).await.text();
    assert!(html.contains("存储的判定理由无法读取"), "{html}");
    assert!(html.contains("请重新测算"));
    assert!(!html.contains("不符合纳入条件"), "{html}");
    // Saving the proposal as it stands (张三 listed in tier 3) is allowed.
    let a = act(&h, &op, "none", "save", &[]).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    assert_eq!(state(&h).await, Some(ReviewState::Draft));
    db.finish().await;
}
both_backends!(
    unreadable_reasons,
    unreadable_reasons_are_shown_not_held_against_the_secretary
);

async fn propose(h: &Harness, who: &(String, String), fields: &[(&str, &str)]) -> Answer {
    let mut pairs = vec![("csrf", who.1.as_str())];
    pairs.extend_from_slice(fields);
    post("/lists/propose")
        .form(&pairs)
        .session(Some(&who.0))
        .send(h)
        .await
}

/// The yearly adjustment in the browser (issue 5, item 8): a town's
/// operator decides the town's 2026 proposal from the page that says
/// there is none (the same run as `touyan cycle --year 2026`), the city
/// decides every town's; who may not is refused, and nothing is written
/// for them. 张三 (V1, secretary since 2021-01-01: five years on
/// 2026-01-01) is judged on V1's 2025 facts: five stars and 80 万元 pass;
/// rank 1 of the town's one village is not in the first half (2 × 1 > 1,
/// SPEC's reading) and no town has judged him “三好三强”, so he is not
/// eligible; the town's quota is one (one village × 50%, rounded).
async fn the_years_proposal_is_decided_from_the_page(db: TestDb) {
    let h = harness(&db, true).await;
    let facts = touyan_storage::Batch {
        village_years: vec![touyan_records::model::VillageYear {
            village: touyan_records::VillageCode::parse(V1).unwrap(),
            year: 2025,
            stars: 5,
            collective_income_wan: "80".parse().unwrap(),
            assessment_score: Some("95".parse().unwrap()),
            assessment_rank: Some(1),
        }],
        ..Default::default()
    };
    h.store.apply("测试", &facts).await.unwrap();
    let op = sign_in(&h, "op1").await;
    let rev = sign_in(&h, "rev1").await;
    let admin = sign_in(&h, "admin").await;
    let t1 = TownCode::parse(T1).unwrap();
    let t2 = TownCode::parse(T2).unwrap();
    let runs = |t| {
        let store = h.store.clone();
        async move { store.cycle_towns(2026, Some(t)).await.unwrap().len() }
    };
    // No proposal yet: the page says so and offers the run to the
    // operator, not to the reviewer.
    let page = get(&format!("/lists/2026/{T1}"))
        .session(Some(&op.0))
        .send(&h)
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.text().contains("尚无测算结果"));
    assert!(page.text().contains("id=\"propose-run\""));
    let page = get(&format!("/lists/2026/{T1}"))
        .session(Some(&rev.0))
        .send(&h)
        .await;
    assert!(!page.text().contains("id=\"propose-run\""));

    // Refused: the reviewer, another town, a bad year, a forged form.
    assert_eq!(
        propose(&h, &rev, &[("year", "2026")]).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        propose(&h, &op, &[("year", "2026"), ("town", T2)])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let bad = propose(&h, &op, &[("year", "20x6")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().contains("年度有误"));
    let forged = post("/lists/propose")
        .form(&[("csrf", "forged"), ("year", "2026")])
        .session(Some(&op.0))
        .send(&h)
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!((runs(t1).await, runs(t2).await), (0, 0));

    // The operator: the town's own, then its list page.
    let a = propose(&h, &op, &[("year", "2026")]).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    assert_eq!(
        a.header("location").as_deref(),
        Some(format!("/lists/2026/{T1}").as_str())
    );
    assert_eq!((runs(t1).await, runs(t2).await), (1, 0));
    let town = &h.store.cycle_towns(2026, Some(t1)).await.unwrap()[0].town;
    assert_eq!(
        (
            town.village_count,
            town.inclusion_quota,
            town.secretaries,
            town.eligible
        ),
        (1, 1, 1, 0)
    );
    let html = get(&format!("/lists/2026/{T1}"))
        .session(Some(&op.0))
        .send(&h)
        .await
        .text();
    for want in [
        "张三",
        "判定日 2026-01-01",
        "op1 测试（op1） 于",
        "纳入名额 1 名",
        "连续任职年限：5 年",
        "村集体经济收入 80 万元",
        "镇街党(工)委未认定符合“三好三强”标准",
        "列全镇街 1 个村第 1 位，不在前 1/2 位次",
    ] {
        assert!(html.contains(want), "{want} missing");
    }

    // The city: every town, then the overview.
    let a = propose(&h, &admin, &[("year", "2026")]).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    assert_eq!(a.header("location").as_deref(), Some("/lists?year=2026"));
    assert_eq!((runs(t1).await, runs(t2).await), (1, 1));
    db.finish().await;
}
both_backends!(propose, the_years_proposal_is_decided_from_the_page);

/// A proposal decided under another policy than the one in force may be
/// saved as a draft, but not confirmed, submitted or filed until it is
/// decided again.
async fn a_list_decided_under_another_policy_does_not_go_forward(db: TestDb) {
    let h = harness(&db, true).await;
    seed_proposals(&h.store).await;
    let t1 = TownCode::parse(T1).unwrap();
    let towns: Vec<_> = h
        .store
        .cycle_towns(2025, Some(t1))
        .await
        .unwrap()
        .into_iter()
        .map(|r| {
            let mut t = r.town;
            t.policy_id = "另一政策-2023".into();
            t
        })
        .collect();
    let rows = h.store.cycle_secretaries(2025, Some(t1)).await.unwrap();
    h.store
        .replace_cycle("测算", 2025, Some(t1), &towns, &rows, &mut |_| {})
        .await
        .unwrap();
    let op = sign_in(&h, "op1").await;
    let html = get(&path()).session(Some(&op.0)).send(&h).await.text();
    assert!(html.contains("与当前政策"), "{html}");
    let a = act(&h, &op, "none", "save", &[]).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    let a = act(&h, &op, "draft", "confirm", &[]).await;
    assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.text());
    assert!(a.text().contains("另一政策-2023"), "{}", a.text());
    assert_eq!(state(&h).await, Some(ReviewState::Draft));
    db.finish().await;
}
both_backends!(
    another_policy,
    a_list_decided_under_another_policy_does_not_go_forward
);
