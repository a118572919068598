//! Yearly plans through the office (Article 11): who may make each move,
//! the notice period at its minimum and one day short, filing only once
//! the notice is over, the policy of the notice's first day, another
//! town's person answered as missing, the town's list and the city's
//! counts, and nothing written on a refusal. On SQLite and PostgreSQL.
//!
//! The tests' today is 2025-06-02; the example policy's shortest notice
//! is 5 days, both ends counted. Town 1's list of 2025 (filed) has 周九
//! (第1村) and 赵六 (第3村); town 2's has 王五.

mod common;

use common::*;
use time::Date;
use time::macros::date;
use touyan_office::plans::{self, Ask, Line, Plan, TownCount};
use touyan_office::{By, OfficeError};
use touyan_records::model::{
    AnnualPlan, ListEntry, ListStatus, Person, PlanMoveKind, PlanReview, PlanState, Post, PostRole,
    Village,
};
use touyan_records::{CitizenId, CommitteeKind, TownCode, VillageCode};
use touyan_rules::Policy;
use touyan_rules::people::Education;
use touyan_storage::testing::TestDb;
use touyan_storage::{Batch, PlanChange, Store, both_backends};
use touyan_workflow::Role;

use PlanMoveKind as K;
use PlanState as S;

/// 王五: secretary of town 2's 第1村 since 2015, on its filed list of
/// 2025.
fn wang() -> CitizenId {
    cid("37078319750101002")
}

fn town2() -> TownCode {
    TownCode::parse(T2).expect("town")
}

async fn opened(db: &TestDb) -> Store {
    let store = db.open().await;
    store.apply("测试", &records()).await.unwrap();
    let v = VillageCode::parse("370783101201").expect("village");
    let other = Batch {
        villages: vec![Village {
            code: v,
            name: "南村村委会".into(),
            kind: CommitteeKind::Villagers,
        }],
        people: vec![Person {
            id: wang(),
            name: "王五".into(),
            full_time_education: None,
            in_service_education: Some(Education::College),
        }],
        posts: vec![Post {
            person: wang(),
            village: v,
            role: PostRole::Secretary,
            start: date!(2015 - 01 - 01),
            end: None,
        }],
        list_entries: vec![ListEntry {
            town: town2(),
            year: 2025,
            person: wang(),
            village: v,
            tier: 3,
            status: ListStatus::Filed,
        }],
        ..Batch::default()
    };
    store.apply("测试", &other).await.unwrap();
    store
}

fn op() -> By<'static> {
    by(Role::TownOperator, Some(T1))
}

fn rev() -> By<'static> {
    by(Role::TownReviewer, Some(T1))
}

fn admin() -> By<'static> {
    by(Role::CityAdmin, None)
}

/// A move of `kind` seen in `seen`, with no fields read (each date "not
/// filled in").
fn ask(kind: PlanMoveKind, seen: &'static str) -> Ask<'static> {
    Ask {
        kind: Some(kind),
        seen,
        comment: "",
        content: "",
        meeting_on: Err("请填写评审会议日期".into()),
        notice_start: Err("请填写公示开始日".into()),
        notice_end: Err("请填写公示结束日".into()),
    }
}

fn content(kind: PlanMoveKind, seen: &'static str) -> Ask<'static> {
    Ask {
        content: "一、发展村集体经济，年收入增加 5 万元。",
        ..ask(kind, seen)
    }
}

fn meeting(kind: PlanMoveKind, on: Date) -> Ask<'static> {
    Ask {
        meeting_on: Ok(on),
        ..ask(kind, "draft")
    }
}

fn notice(start: Date, end: Date) -> Ask<'static> {
    Ask {
        notice_start: Ok(start),
        notice_end: Ok(end),
        ..ask(K::Notice, "reviewed")
    }
}

/// Reads 周九's plan as `by` and makes the move, under `policy`.
async fn act_under(
    store: &Store,
    by: &By<'_>,
    policy: &Policy,
    ask: &Ask<'_>,
) -> Result<PlanReview, OfficeError> {
    let v = plans::plan(store, by, policy, TODAY, 2025, &zhou()).await?;
    plans::make_move(store, by, policy, TODAY, &v, ask).await
}

async fn act(store: &Store, by: &By<'_>, ask: &Ask<'_>) -> Result<PlanReview, OfficeError> {
    act_under(store, by, &Policy::example(), ask).await
}

/// What is on record of 周九's plan: its state and how many moves.
async fn written(store: &Store) -> (Option<PlanState>, usize) {
    (
        store
            .plan_review(2025, &zhou())
            .await
            .unwrap()
            .map(|p| p.state),
        store.plan_moves(2025, &zhou()).await.unwrap().len(),
    )
}

fn message(r: Result<impl std::fmt::Debug, OfficeError>) -> (&'static str, String) {
    match r {
        Err(OfficeError::Forbidden(m)) => ("forbidden", m),
        Err(OfficeError::Conflict(m)) => ("conflict", m),
        Err(OfficeError::Invalid(m)) => ("invalid", m),
        other => panic!("{other:?}"),
    }
}

/// Drafted by the operator and passed at a meeting on 25 May.
async fn reviewed(store: &Store) {
    act(store, &op(), &content(K::Save, "none")).await.unwrap();
    act(store, &rev(), &meeting(K::Pass, date!(2025 - 05 - 25)))
        .await
        .unwrap();
}

async fn wrong_roles_and_fields_write_nothing(db: TestDb) {
    let store = opened(&db).await;
    let save = content(K::Save, "none");
    // The reviewer and the city may not draft; the operator may not pass.
    assert_eq!(
        message(act(&store, &rev(), &save).await),
        (
            "forbidden",
            "“保存计划”只能由镇街经办办理（第十一条：镇街评审、村级公示、报镇街党委备案），镇街审核不能办理".into()
        )
    );
    let (kind, m) = message(act(&store, &admin(), &save).await);
    assert_eq!(kind, "forbidden");
    assert!(m.ends_with("市级管理员不能办理"), "{m}");
    // The role is checked before the fields: the operator's pass with no
    // meeting day is refused for the role.
    let (kind, m) = message(act(&store, &op(), &ask(K::Pass, "none")).await);
    assert_eq!(kind, "forbidden");
    assert!(m.starts_with("“评审通过”只能由镇街审核办理"), "{m}");
    // No move named; too long a comment; no content; a stale page.
    assert_eq!(
        message(
            act(
                &store,
                &op(),
                &Ask {
                    kind: None,
                    ..save.clone()
                }
            )
            .await
        ),
        ("invalid", "未指明要办理的操作".into())
    );
    let long = "意".repeat(501);
    assert_eq!(
        message(
            act(
                &store,
                &op(),
                &Ask {
                    comment: &long,
                    ..save.clone()
                }
            )
            .await
        ),
        ("invalid", "意见不能超过 500 字（现有 501 字）".into())
    );
    assert_eq!(
        message(act(&store, &op(), &ask(K::Save, "none")).await),
        ("invalid", "请填写年度工作目标和计划（第十一条）".into())
    );
    assert_eq!(
        message(act(&store, &op(), &content(K::Save, "draft")).await),
        (
            "conflict",
            "年度计划已被他人处理，状态已经改变，请核对后重新办理".into()
        )
    );
    assert_eq!(written(&store).await, (None, 0));
    // 500 characters are allowed.
    let just = "意".repeat(500);
    let p = act(
        &store,
        &op(),
        &Ask {
            comment: &just,
            ..save.clone()
        },
    )
    .await
    .unwrap();
    assert_eq!(p.state, S::Draft);
    assert_eq!(written(&store).await, (Some(S::Draft), 1));

    // The meeting: its day as the adapter read it, not in the future, a
    // failure with a comment.
    assert_eq!(
        message(act(&store, &rev(), &ask(K::Pass, "draft")).await),
        ("invalid", "请填写评审会议日期".into())
    );
    let (kind, m) = message(act(&store, &rev(), &meeting(K::Pass, date!(2025 - 06 - 03))).await);
    assert_eq!(kind, "invalid");
    assert!(m.contains("晚于今天"), "{m}");
    assert_eq!(
        message(act(&store, &rev(), &meeting(K::Fail, date!(2025 - 05 - 20))).await),
        ("invalid", "“评审未通过”须写明意见".into())
    );
    assert_eq!(written(&store).await, (Some(S::Draft), 1));
    db.finish().await;
}
both_backends!(refusals, wrong_roles_and_fields_write_nothing);

async fn the_notice_at_its_minimum_and_one_day_short(db: TestDb) {
    let store = opened(&db).await;
    reviewed(&store).await;
    assert_eq!(written(&store).await, (Some(S::Reviewed), 2));
    // 26 to 29 May: four days, one short of five.
    assert_eq!(
        message(act(&store, &op(), &notice(date!(2025 - 05 - 26), date!(2025 - 05 - 29))).await),
        (
            "invalid",
            "公示 2025-05-26 至 2025-05-29，共 4 天，少于 5 天，不能登记（第十一条（原文缺失，推定））"
                .into()
        )
    );
    // Before the meeting, or ending before it starts.
    let (_, m) = message(
        act(
            &store,
            &op(),
            &notice(date!(2025 - 05 - 24), date!(2025 - 05 - 30)),
        )
        .await,
    );
    assert!(m.contains("早于评审通过日 2025-05-25"), "{m}");
    let (_, m) = message(
        act(
            &store,
            &op(),
            &notice(date!(2025 - 05 - 30), date!(2025 - 05 - 26)),
        )
        .await,
    );
    assert_eq!(m, "公示结束日 2025-05-26 早于开始日 2025-05-30");
    // Only the notice's last day read.
    assert_eq!(
        message(
            act(
                &store,
                &op(),
                &Ask {
                    notice_start: Ok(date!(2025 - 05 - 26)),
                    ..ask(K::Notice, "reviewed")
                }
            )
            .await
        ),
        ("invalid", "请填写公示结束日".into())
    );
    assert_eq!(written(&store).await, (Some(S::Reviewed), 2));

    // 26 to 30 May: exactly five days.
    let p = act(
        &store,
        &op(),
        &notice(date!(2025 - 05 - 26), date!(2025 - 05 - 30)),
    )
    .await
    .unwrap();
    assert_eq!(
        (p.state, p.notice_start, p.notice_end),
        (
            S::Noticed,
            Some(date!(2025 - 05 - 26)),
            Some(date!(2025 - 05 - 30))
        )
    );
    let moves = store.plan_moves(2025, &zhou()).await.unwrap();
    assert_eq!(
        moves[2].entry.detail,
        "公示 2025-05-26 至 2025-05-30，共 5 天，不少于 5 天（第十一条（原文缺失，推定））"
    );
    // The operator may not file; the reviewer files on 2 June.
    let (kind, _) = message(act(&store, &op(), &ask(K::File, "noticed")).await);
    assert_eq!(kind, "forbidden");
    let p = act(&store, &rev(), &ask(K::File, "noticed")).await.unwrap();
    assert_eq!((p.state, p.filed_on), (S::Filed, Some(TODAY)));
    assert_eq!(
        store.list::<AnnualPlan>().await.unwrap(),
        [AnnualPlan {
            person: zhou(),
            year: 2025,
            reviewed_on: Some(date!(2025 - 05 - 25)),
            notice_start: Some(date!(2025 - 05 - 26)),
            notice_end: Some(date!(2025 - 05 - 30)),
            filed_on: Some(TODAY),
        }]
    );
    let v = plans::plan(&store, &op(), &Policy::example(), TODAY, 2025, &zhou())
        .await
        .unwrap();
    assert_eq!(v.state(), Some(S::Filed));
    assert_eq!(
        v.stage(),
        "已报镇街党委备案：公示 2025-05-26 至 2025-05-30，共 5 天，不少于 5 天，2025-06-02 报镇街党委备案（第十一条）"
    );
    // Filed: locked for everyone.
    assert!(v.moves_for(&op()).is_empty() && v.moves_for(&rev()).is_empty());
    let (kind, m) = message(act(&store, &rev(), &ask(K::Return, "filed")).await);
    assert_eq!(kind, "conflict");
    assert!(m.starts_with("年度计划当前状态为“已备案”"), "{m}");
    assert_eq!(written(&store).await, (Some(S::Filed), 4));
    db.finish().await;
}
both_backends!(notice, the_notice_at_its_minimum_and_one_day_short);

async fn filing_waits_for_the_notice_to_end(db: TestDb) {
    let store = opened(&db).await;
    reviewed(&store).await;
    // 29 May to 4 June: seven days, not over on 2 June.
    act(
        &store,
        &op(),
        &notice(date!(2025 - 05 - 29), date!(2025 - 06 - 04)),
    )
    .await
    .unwrap();
    assert_eq!(
        message(act(&store, &rev(), &ask(K::File, "noticed")).await),
        (
            "invalid",
            "备案日 2025-06-02 早于公示结束日 2025-06-04，须公示期满后备案，不能备案（第十一条）"
                .into()
        )
    );
    // Returned with a comment: the moves the operator may make again.
    assert_eq!(
        message(act(&store, &rev(), &ask(K::Return, "noticed")).await),
        ("invalid", "“退回修改”须写明意见".into())
    );
    assert_eq!(written(&store).await, (Some(S::Noticed), 3));
    let back = Ask {
        comment: "请补充措施",
        ..ask(K::Return, "noticed")
    };
    let p = act(&store, &rev(), &back).await.unwrap();
    assert_eq!((p.state, p.comment.as_str()), (S::Returned, "请补充措施"));
    let v = plans::plan(&store, &op(), &Policy::example(), TODAY, 2025, &zhou())
        .await
        .unwrap();
    assert_eq!(v.moves_for(&op()), [K::Save]);
    assert!(store.list::<AnnualPlan>().await.unwrap().is_empty());
    db.finish().await;
}
both_backends!(filing, filing_waits_for_the_notice_to_end);

/// The example policy with the shortest notice raised to seven days from
/// 28 May 2025.
fn seven_from_28_may() -> Policy {
    let src = touyan_rules::policy::EXAMPLE_POLICY_TOML.replace(
        "values = [{ since = 2000-01-01, value = 5 }]",
        "values = [{ since = 2000-01-01, value = 5 }, { since = 2025-05-28, value = 7 }]",
    );
    assert_ne!(src, touyan_rules::policy::EXAMPLE_POLICY_TOML);
    Policy::parse(&src).expect("policy")
}

async fn a_plan_is_judged_under_the_policy_of_its_notice(db: TestDb) {
    let store = opened(&db).await;
    let policy = seven_from_28_may();
    reviewed(&store).await;
    // Starting 29 May, five days are two short of the seven then in force.
    let (_, m) = message(
        act_under(
            &store,
            &op(),
            &policy,
            &notice(date!(2025 - 05 - 29), date!(2025 - 06 - 02)),
        )
        .await,
    );
    assert!(
        m.starts_with("公示 2025-05-29 至 2025-06-02，共 5 天，少于 7 天"),
        "{m}"
    );
    // Starting 26 May, five were enough: recorded, and filed on 2 June
    // (when seven are in force) under the notice's own day.
    act_under(
        &store,
        &op(),
        &policy,
        &notice(date!(2025 - 05 - 26), date!(2025 - 05 - 30)),
    )
    .await
    .unwrap();
    let v = plans::plan(&store, &rev(), &policy, TODAY, 2025, &zhou())
        .await
        .unwrap();
    assert_eq!(
        v.notice(),
        "公示 2025-05-26 至 2025-05-30，共 5 天，不少于 5 天（第十一条（原文缺失，推定））"
    );
    // The town's list says the same as the plan's page.
    let lines = plans::town(&store, &rev(), &policy, TODAY, 2025, town())
        .await
        .unwrap();
    assert_eq!(
        lines[0].stage,
        "公示 2025-05-26 至 2025-05-30，共 5 天，不少于 5 天，尚未备案"
    );
    act_under(&store, &rev(), &policy, &ask(K::File, "noticed"))
        .await
        .unwrap();
    assert_eq!(written(&store).await, (Some(S::Filed), 4));
    // A plan without a notice yet is told today's minimum.
    let v = plans::plan(&store, &op(), &policy, TODAY, 2025, &zhao())
        .await
        .unwrap();
    assert_eq!(
        v.notice(),
        "尚未公示；公示期不少于 7 天，首尾两天都计算在内（第十一条（原文缺失，推定））"
    );
    assert_eq!(
        plans::measures(&policy, TODAY).unwrap(),
        "年度计划经镇街评审会议通过后在村级公示，公示期不少于 7 天（第十一条（原文缺失，推定）），期满后报镇街党委备案（第十一条）。"
    );
    db.finish().await;
}
both_backends!(policy_day, a_plan_is_judged_under_the_policy_of_its_notice);

async fn another_towns_person_reads_as_missing(db: TestDb) {
    let store = opened(&db).await;
    let policy = Policy::example();
    let op2 = by(Role::TownOperator, Some(T2));
    let plan = |by: By<'static>, person: CitizenId| {
        let (store, policy) = (&store, &policy);
        async move {
            plans::plan(store, &by, policy, TODAY, 2025, &person)
                .await
                .map(|v: Plan| v.town)
        }
    };
    // Town 2's operator: 周九 (town 1's) is missing, like someone on no
    // list and like a year without a list.
    for who in [zhou(), stranger(), li()] {
        assert!(matches!(plan(op2, who).await, Err(OfficeError::NotFound)));
    }
    assert_eq!(plan(op2, wang()).await.unwrap(), town2());
    assert!(matches!(
        plan(op(), wang()).await,
        Err(OfficeError::NotFound)
    ));
    assert!(matches!(
        plans::plan(&store, &op(), &policy, TODAY, 2024, &zhou()).await,
        Err(OfficeError::NotFound)
    ));
    // A town role without a town sees nothing.
    assert!(matches!(
        plan(by(Role::TownOperator, None), zhou()).await,
        Err(OfficeError::NotFound)
    ));
    // The city sees both.
    assert_eq!(plan(admin(), zhou()).await.unwrap(), town());
    assert_eq!(plan(admin(), wang()).await.unwrap(), town2());

    // Town 1's plan drafted: still missing for town 2, and a move by town
    // 2 on a plan read by town 1 is refused as missing, nothing written.
    act(&store, &op(), &content(K::Save, "none")).await.unwrap();
    assert!(matches!(
        plan(op2, zhou()).await,
        Err(OfficeError::NotFound)
    ));
    let v = plans::plan(&store, &op(), &policy, TODAY, 2025, &zhou())
        .await
        .unwrap();
    let again = content(K::Save, "draft");
    assert!(matches!(
        plans::make_move(&store, &op2, &policy, TODAY, &v, &again).await,
        Err(OfficeError::NotFound)
    ));
    assert_eq!(written(&store).await, (Some(S::Draft), 1));
    // The town's list and the city's counts: another town's is missing,
    // and a town role has no city view.
    assert!(matches!(
        plans::town(&store, &op2, &policy, TODAY, 2025, town()).await,
        Err(OfficeError::NotFound)
    ));
    assert!(matches!(
        plans::city(&store, &op(), &policy, TODAY, 2025, &[]).await,
        Err(OfficeError::Forbidden(_))
    ));
    db.finish().await;
}
both_backends!(scope, another_towns_person_reads_as_missing);

async fn the_towns_list_and_the_citys_counts(db: TestDb) {
    let store = opened(&db).await;
    let policy = Policy::example();
    reviewed(&store).await;
    // 赵六's plan is on file by import, filed with a seven-day notice.
    let file = AnnualPlan {
        person: zhao(),
        year: 2025,
        reviewed_on: Some(date!(2025 - 01 - 10)),
        notice_start: Some(date!(2025 - 01 - 11)),
        notice_end: Some(date!(2025 - 01 - 17)),
        filed_on: Some(date!(2025 - 01 - 20)),
    };
    // 王五's (town 2) is on file too, but with a three-day notice.
    let short = AnnualPlan {
        person: wang(),
        notice_end: Some(date!(2025 - 01 - 13)),
        ..file.clone()
    };
    let batch = Batch {
        annual_plans: vec![file, short],
        ..Batch::default()
    };
    store.apply("导入", &batch).await.unwrap();
    // 李四 has a plan of town 1 but is on no list of 2025.
    store
        .move_plan(
            "测试",
            None,
            &PlanChange {
                expected: None,
                kind: K::Save,
                plan: PlanReview {
                    year: 2025,
                    person: li(),
                    town: town(),
                    state: S::Draft,
                    content: "计划".into(),
                    reviewed_on: None,
                    notice_start: None,
                    notice_end: None,
                    filed_on: None,
                    comment: String::new(),
                },
                comment: String::new(),
                detail: String::new(),
                filed: None,
            },
        )
        .await
        .unwrap();

    let lines = plans::town(&store, &op(), &policy, TODAY, 2025, town())
        .await
        .unwrap();
    let line = |person: CitizenId, name: &str, village: &str, roster, state, stage: &str| Line {
        person,
        name: name.into(),
        village_name: village.into(),
        roster,
        state,
        stage: stage.into(),
    };
    assert_eq!(
        lines,
        [
            line(
                zhou(),
                "周九",
                "第1村村委会",
                Some(true),
                Some(S::Reviewed),
                "2025-05-25 评审通过，尚未公示"
            ),
            line(
                zhao(),
                "赵六",
                "第3村村委会",
                Some(true),
                Some(S::Filed),
                "导入的记录：公示 2025-01-11 至 2025-01-17，共 7 天，不少于 5 天，2025-01-20 报镇街党委备案"
            ),
            line(li(), "李四", "", None, Some(S::Draft), "尚未召开评审会议"),
        ]
    );
    assert!(lines.iter().all(|l| !l.missing()));
    // Town 2: 王五's record on file is no filed plan (three days), so
    // missing; the imported plan's stage says why.
    let lines = plans::town(&store, &admin(), &policy, TODAY, 2025, town2())
        .await
        .unwrap();
    assert_eq!(lines.len(), 1);
    assert!(lines[0].missing());
    assert_eq!(
        lines[0].stage,
        "导入的记录：公示 2025-01-11 至 2025-01-13，共 3 天，少于 5 天"
    );
    let v = plans::plan(&store, &admin(), &policy, TODAY, 2025, &wang())
        .await
        .unwrap();
    assert_eq!(v.state(), None);
    assert_eq!(
        v.stage(),
        "已通过评审：公示 2025-01-11 至 2025-01-13，共 3 天，少于 5 天（第十一条）"
    );

    // The city: town 1 has two on its filed list, none missing; one
    // reviewed, one filed, and 李四's draft (off the list) counted too.
    let towns = [
        (T1.to_owned(), "洛城街道".to_owned()),
        (T2.to_owned(), "圣城街道".to_owned()),
    ];
    let counts = plans::city(&store, &admin(), &policy, TODAY, 2025, &towns)
        .await
        .unwrap();
    let count = |code: &str, name: &str, missing, counts: [usize; 5]| TownCount {
        code: code.into(),
        name: name.into(),
        roster: if code == T1 { 2 } else { 1 },
        filed: Some(true),
        missing,
        counts: counts.to_vec(),
    };
    // By state: draft, reviewed, noticed, filed, returned.
    assert_eq!(
        counts,
        [
            count(T1, "洛城街道", 0, [1, 1, 0, 1, 0]),
            count(T2, "圣城街道", 1, [0, 0, 0, 0, 0]),
        ]
    );
    // A year without lists: nothing counted.
    let counts = plans::city(&store, &admin(), &policy, TODAY, 2024, &towns)
        .await
        .unwrap();
    assert_eq!(
        (counts[0].roster, counts[0].filed, counts[0].missing),
        (0, None, 0)
    );
    db.finish().await;
}
both_backends!(lists, the_towns_list_and_the_citys_counts);
