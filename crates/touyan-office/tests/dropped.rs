//! Who a town's list leaves out of the list before it, and why (issue
//! 18, item 9: the filing form lists them), on both backends: the 2026
//! list against 2025's filed list — an exit on record, a failed check of
//! the proposal, the town not listing a proposed secretary, an eligible
//! secretary outside the quota, someone no longer secretary — and an
//! adjusted list against the version it replaces.

mod common;

use std::sync::Arc;

use common::*;
use time::macros::date;
use touyan_office::dropped::{self, Dropped};
use touyan_office::lists::{self, Asked, TownList};
use touyan_office::propose::{self, Options, Quiet};
use touyan_records::model::{
    Exit, ExitReason, ListEntry, ListStatus, Person, Post, PostRole, Programme, ReviewState,
    ThreeGood, Village, VillageYear,
};
use touyan_records::{CitizenId, CommitteeKind};
use touyan_rules::Policy;
use touyan_rules::people::Education;
use touyan_storage::testing::TestDb;
use touyan_storage::{Store, both_backends};
use touyan_workflow::Role;

/// January, when the example policy lets a filed list be adjusted.
const JANUARY: time::Date = date!(2026 - 01 - 15);

/// 钱七: secretary of 第2村 until 30 June 2025, then left (an exit).
fn qian() -> CitizenId {
    cid("37078319750101002")
}

/// 郑一: secretary of 第2村 since 1 July 2025, the village ranked last
/// and no “三好三强”: not eligible in 2026.
fn zheng() -> CitizenId {
    cid("37078319780101004")
}

/// 吴十: secretary of 第4村, eligible (ranked second of four), third
/// of three for two places.
fn wu() -> CitizenId {
    cid("37078319820101006")
}

/// 孙八: secretary of 第4村 until 2014, still on the 2025 list.
fn sun() -> CitizenId {
    cid("37078319700101008")
}

async fn proposed(db: &TestDb) -> Store {
    let store = db.open().await;
    let mut b = records();
    b.villages.push(Village {
        code: village(4),
        name: "第4村村委会".into(),
        kind: CommitteeKind::Villagers,
    });
    for (id, name) in [
        (qian(), "钱七"),
        (zheng(), "郑一"),
        (wu(), "吴十"),
        (sun(), "孙八"),
    ] {
        b.people.push(Person {
            id,
            name: name.into(),
            full_time_education: Some(Education::SeniorMiddle),
            in_service_education: None,
        });
    }
    let post = |person, k, start, end| Post {
        person,
        village: village(k),
        role: PostRole::Secretary,
        start,
        end,
    };
    b.posts.extend([
        post(
            qian(),
            2,
            date!(2015 - 01 - 01),
            Some(date!(2025 - 06 - 30)),
        ),
        post(zheng(), 2, date!(2025 - 07 - 01), None),
        post(wu(), 4, date!(2015 - 01 - 01), None),
        post(sun(), 4, date!(2010 - 01 - 01), Some(date!(2014 - 12 - 31))),
    ]);
    for (id, k) in [(qian(), 2), (zheng(), 2), (wu(), 4), (sun(), 4)] {
        b.list_entries.push(ListEntry {
            town: town(),
            year: 2025,
            person: id,
            village: village(k),
            tier: 3,
            status: ListStatus::Filed,
        });
    }
    // 周九 and 赵六 five stars, ranked first; 吴十 second, 郑一 last.
    b.village_years = [(1, 1), (2, 4), (3, 1), (4, 2)]
        .into_iter()
        .map(|(k, rank)| VillageYear {
            village: village(k),
            year: 2025,
            stars: 5,
            collective_income_wan: "80".parse().unwrap(),
            assessment_score: Some("95".parse().unwrap()),
            assessment_rank: Some(rank),
        })
        .collect();
    b.three_good = [zhou(), zhao(), wu()]
        .into_iter()
        .map(|person| ThreeGood {
            person,
            year: 2026,
            passed: true,
            note: String::new(),
        })
        .collect();
    b.exits = vec![Exit {
        person: qian(),
        on: date!(2025 - 07 - 01),
        programme: Programme::Secretary,
        reason: ExitReason::LeftOffice,
        note: "调任镇农业站".into(),
    }];
    store.apply("测试", &b).await.unwrap();
    let options = Options {
        threads: 1,
        free_records: true,
        progress: Arc::new(Quiet),
    };
    propose::year(
        &store,
        by(Role::CityAdmin, None),
        2026,
        Some(town()),
        &Policy::example(),
        options,
    )
    .await
    .unwrap();
    store
}

async fn read(store: &Store) -> TownList {
    lists::town_list(store, &Policy::example(), 2026, town(), JANUARY)
        .await
        .unwrap()
        .expect("a proposal of 2026")
}

fn asked(action: &str, seen: &str) -> Asked {
    Asked {
        action: action.into(),
        seen: seen.into(),
        ..Asked::default()
    }
}

/// Who was dropped, by name, with why.
fn by_name(d: &Dropped) -> Vec<(String, String)> {
    d.rows
        .iter()
        .map(|r| (r.person_name.clone(), r.reason.clone()))
        .collect()
}

async fn move_as(store: &Store, role: Role, town: Option<&'static str>, a: Asked) {
    let mut l = read(store).await;
    lists::move_list(store, by(role, town), &mut l, &a, JANUARY)
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", a.action));
}

async fn dropped_people_and_why(db: TestDb) {
    let store = proposed(&db).await;
    let l = read(&store).await;
    // Quota: 4 villages × 1/2 = 2; 周九 and 赵六 proposed, 吴十 third,
    // 郑一 not eligible.
    assert_eq!(l.quota.outcome, 2);
    let proposed: Vec<(&str, Option<u8>, bool)> = l
        .rows
        .iter()
        .map(|r| (r.person_name.as_str(), r.proposed, r.eligible))
        .collect();
    assert_eq!(
        proposed,
        [
            ("周九", Some(3), true),
            ("郑一", None, false),
            ("赵六", Some(3), true),
            ("吴十", None, true)
        ]
    );

    // The town lists 周九 only, writing why 赵六 is not.
    let v3 = village(3).as_str().to_owned();
    move_as(
        &store,
        Role::TownOperator,
        Some(T1),
        Asked {
            tiers: vec![(v3.clone(), String::new())],
            reasons: vec![(v3, "拟调任镇街工作".into())],
            ..asked("save", "none")
        },
    )
    .await;
    let d = dropped::dropped(&store, &read(&store).await).await.unwrap();
    assert_eq!(d.before.as_deref(), Some("2025 年度备案名单"));
    let wu_reason = "符合纳入条件，但未进入测算名额（本镇街纳入名额 2 名，第一条第二款）";
    let zheng_reason = &d
        .rows
        .iter()
        .find(|r| r.person_name == "郑一")
        .unwrap()
        .reason;
    // Each failed check with its detail and article, the passed ones not.
    assert!(
        zheng_reason.starts_with("不符合纳入条件：“三好三强”标准：")
            && zheng_reason.contains(
                "；上年度综合考核位次：上年度综合考核列全镇街 4 个村第 4 位，不在前 1/2 位次（第一条第二款）"
            )
            && !zheng_reason.contains("村集体经济收入"),
        "{zheng_reason}"
    );
    assert_eq!(
        by_name(&d),
        [
            (
                "钱七".to_owned(),
                "2025-07-01 退出专业化管理：不再担任书记（调任镇农业站），第十四条（原文缺失，推定）"
                    .to_owned()
            ),
            ("郑一".to_owned(), zheng_reason.clone()),
            (
                "赵六".to_owned(),
                "测算列入三档，镇街确定不列入：拟调任镇街工作".to_owned()
            ),
            (
                "孙八".to_owned(),
                "2026-01-01 第4村村委会的党组织书记为吴十，孙八已不再担任该村党组织书记"
                    .to_owned()
            ),
            ("吴十".to_owned(), wu_reason.to_owned()),
        ]
    );
    assert!(d.rows.iter().all(|r| r.tier == 3));

    // Filed, then adjusted: the new version is compared with version 1,
    // which holds 周九 alone; taking 周九 off names him with the reason.
    move_as(
        &store,
        Role::TownOperator,
        Some(T1),
        asked("confirm", "draft"),
    )
    .await;
    move_as(
        &store,
        Role::TownReviewer,
        Some(T1),
        asked("submit", "confirmed"),
    )
    .await;
    move_as(&store, Role::CityAdmin, None, asked("file", "submitted")).await;
    let filed = read(&store).await;
    assert_eq!(filed.current, Some(ReviewState::Filed));
    // The filed version 1 against 2025's list: the same five.
    assert_eq!(
        dropped::dropped(&store, &filed).await.unwrap().rows.len(),
        5
    );
    move_as(
        &store,
        Role::TownOperator,
        Some(T1),
        Asked {
            comment: "年初调整".into(),
            ..asked("adjust", "filed")
        },
    )
    .await;
    let v1 = village(1).as_str().to_owned();
    move_as(
        &store,
        Role::TownOperator,
        Some(T1),
        Asked {
            tiers: vec![(v1.clone(), String::new())],
            reasons: vec![(v1, "本人申请".into())],
            ..asked("save", "draft")
        },
    )
    .await;
    let d = dropped::dropped(&store, &read(&store).await).await.unwrap();
    assert_eq!(d.before.as_deref(), Some("本年度第 1 版备案名单"));
    // The 备案表's workbook says the same (`for_filing`).
    let records = store.town_file(town()).await.unwrap();
    let p = touyan_office::when::params_on(&Policy::example(), date!(2026 - 01 - 01)).unwrap();
    let mut f = touyan_reports::filing(&records, &p, 2026, Some(town())).unwrap();
    dropped::for_filing(&store, &Policy::example(), &mut f, JANUARY)
        .await
        .unwrap();
    assert_eq!(f.dropped, vec![(town(), d.clone())]);
    assert_eq!(
        by_name(&d),
        [(
            "周九".to_owned(),
            "测算列入三档，镇街确定不列入：本人申请".to_owned()
        )]
    );
    db.finish().await;
}
both_backends!(dropped_list, dropped_people_and_why);

/// 冯五, secretary of 第2村 on the 2025 list, still in post, but the
/// village has no facts of 2025: the proposal could not judge him, and
/// the form says so rather than that he left.
async fn a_secretary_not_judged_is_said_to_be_still_in_post(db: TestDb) {
    let store = db.open().await;
    let feng = cid("37078319760101009");
    let mut b = records();
    b.people.push(Person {
        id: feng.clone(),
        name: "冯五".into(),
        full_time_education: Some(Education::SeniorMiddle),
        in_service_education: None,
    });
    b.posts.push(Post {
        person: feng.clone(),
        village: village(2),
        role: PostRole::Secretary,
        start: date!(2015 - 01 - 01),
        end: None,
    });
    b.list_entries.push(ListEntry {
        town: town(),
        year: 2025,
        person: feng,
        village: village(2),
        tier: 2,
        status: ListStatus::Filed,
    });
    b.village_years = [1, 3]
        .into_iter()
        .map(|k| VillageYear {
            village: village(k),
            year: 2025,
            stars: 5,
            collective_income_wan: "80".parse().unwrap(),
            assessment_score: Some("95".parse().unwrap()),
            assessment_rank: Some(k),
        })
        .collect();
    store.apply("测试", &b).await.unwrap();
    propose::year(
        &store,
        by(Role::CityAdmin, None),
        2026,
        Some(town()),
        &Policy::example(),
        Options {
            threads: 1,
            free_records: true,
            progress: Arc::new(Quiet),
        },
    )
    .await
    .unwrap();
    let l = read(&store).await;
    let d = dropped::dropped(&store, &l).await.unwrap();
    let feng_row = d.rows.iter().find(|r| r.person_name == "冯五").unwrap();
    assert_eq!(
        (
            feng_row.tier,
            feng_row.reason.as_str(),
            feng_row.village_name.as_str()
        ),
        (
            2,
            "2026-01-01 仍任第2村村委会党组织书记，但该村没有 2025 年度村情记录，本年度测算未作判定",
            "第2村村委会"
        )
    );
    db.finish().await;
}
both_backends!(
    not_judged,
    a_secretary_not_judged_is_said_to_be_still_in_post
);

/// No filed list before (the year before has none): nothing to compare,
/// said as such.
async fn no_list_before_compares_nothing(db: TestDb) {
    let store = db.open().await;
    let mut b = records();
    b.list_entries.clear();
    store.apply("测试", &b).await.unwrap();
    propose::year(
        &store,
        by(Role::CityAdmin, None),
        2026,
        Some(town()),
        &Policy::example(),
        Options {
            threads: 1,
            free_records: true,
            progress: Arc::new(Quiet),
        },
    )
    .await
    .unwrap();
    let d = dropped::dropped(&store, &read(&store).await).await.unwrap();
    assert_eq!(
        d,
        Dropped {
            before: None,
            rows: Vec::new()
        }
    );
    db.finish().await;
}
both_backends!(no_list_before, no_list_before_compares_nothing);
