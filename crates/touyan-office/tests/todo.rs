//! The to-do list (待办, issue 18 item 2): what waits for each role, from
//! the workflows' own moves, and the city's filing and approval of
//! several towns at once, each checked and written one by one. On
//! 2026-01-15, in the example policy's adjustment month (January): the
//! year's list is due by 2026-01-31 (Article 13: 每年年初调整一次), and
//! December 2025's pay is last month's. On SQLite and PostgreSQL.

mod common;

use std::sync::Arc;

use common::*;
use time::macros::date;
use touyan_office::propose::{self, Options, Quiet};
use touyan_office::todo::{self, Bulk, Picked, Place, Todo};
use touyan_office::{DEMO_DATA_ACTOR, OfficeError, lists, pay};
use touyan_records::model::{PayMoveKind, VillageYear};
use touyan_rules::Policy;
use touyan_storage::testing::TestDb;
use touyan_storage::{Store, both_backends};
use touyan_workflow::Role;

const DAY: time::Date = date!(2026 - 01 - 15);
const DEC: time::Date = date!(2025 - 12 - 01);

/// The town's records with the villages' facts of 2025 (five stars,
/// 80 万元, ranked in village order), recorded as demo data so that the
/// example amounts may be computed; 2026's proposal made.
async fn seeded(db: &TestDb) -> Store {
    let store = db.open().await;
    let mut b = records();
    b.village_years = (1..=3)
        .map(|k| VillageYear {
            village: village(k),
            year: 2025,
            stars: 5,
            collective_income_wan: "80".parse().unwrap(),
            assessment_score: Some("95".parse().unwrap()),
            assessment_rank: Some(k),
        })
        .collect();
    store.apply(DEMO_DATA_ACTOR, &b).await.unwrap();
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

async fn todo_of(store: &Store, role: Role, town: Option<&'static str>) -> Vec<Todo> {
    todo::for_user(store, &by(role, town), &Policy::example(), DAY)
        .await
        .unwrap()
}

fn whats(items: &[Todo]) -> Vec<String> {
    items
        .iter()
        .map(|t| format!("{}：{}", t.town_name, t.what))
        .collect()
}

async fn list_move(store: &Store, role: Role, action: &str, seen: &str) {
    let mut l = lists::town_list(store, &Policy::example(), 2026, town(), DAY)
        .await
        .unwrap()
        .unwrap();
    let asked = lists::Asked {
        action: action.into(),
        seen: seen.into(),
        ..lists::Asked::default()
    };
    lists::move_list(store, by(role, Some(T1)), &mut l, &asked, DAY)
        .await
        .unwrap();
}

async fn pay_move(store: &Store, role: Role, kind: PayMoveKind) {
    let tm = pay::town_month(store, &Policy::example(), DEC, town())
        .await
        .unwrap();
    let seen = pay::Seen {
        state: Some(tm.current()),
        moves: Some(tm.moves.len()),
    };
    let town = role.is_town().then_some(T1);
    pay::move_town(store, by(role, town), &tm, kind, seen, "")
        .await
        .unwrap();
}

async fn each_role_sees_what_waits_for_it(db: TestDb) {
    let store = seeded(&db).await;
    // The town's operator: the proposal to confirm, due at the end of
    // the adjustment month; December's pay to compute (the 2025 list
    // pays two tier-3 secretaries).
    let op = todo_of(&store, Role::TownOperator, Some(T1)).await;
    assert_eq!(
        whats(&op),
        [
            "洛城街道：2026 年名单：建议名单已生成，尚未办理",
            "洛城街道：2025 年 12 月发放：尚未计算",
        ]
    );
    let due = op[0].due.as_ref().expect("the list has a deadline");
    assert_eq!(due.on, date!(2026 - 01 - 31));
    assert!(due.basis.contains("第十三条"), "{}", due.basis);
    assert!(!op[0].overdue(DAY));
    assert!(op[0].overdue(date!(2026 - 02 - 01)));
    assert_eq!(
        op[0].place,
        Place::List {
            year: 2026,
            town: town()
        }
    );
    assert_eq!(op[0].moves, ["保存草稿"]);
    assert_eq!(
        op[1].place,
        Place::Pay {
            month: DEC,
            town: town()
        }
    );
    assert_eq!(op[1].due, None, "按月: no day in the measures");
    // Nothing waits for the reviewer, the city or finance yet, nor for
    // the other town's operator.
    for (role, t) in [
        (Role::TownReviewer, Some(T1)),
        (Role::CityAdmin, None),
        (Role::Finance, None),
        (Role::TownOperator, Some(T2)),
        (Role::CityViewer, None),
    ] {
        assert_eq!(
            whats(&todo_of(&store, role, t).await),
            Vec::<String>::new(),
            "{role:?}"
        );
    }

    // Confirmed and computed: the reviewer's turn.
    list_move(&store, Role::TownOperator, "save", "none").await;
    let op = todo_of(&store, Role::TownOperator, Some(T1)).await;
    assert_eq!(whats(&op)[0], "洛城街道：2026 年名单：草拟中");
    assert_eq!(op[0].moves, ["确认名单"]);
    list_move(&store, Role::TownOperator, "confirm", "draft").await;
    pay_move(&store, Role::TownOperator, PayMoveKind::Compute).await;
    assert!(
        todo_of(&store, Role::TownOperator, Some(T1))
            .await
            .is_empty()
    );
    let rv = todo_of(&store, Role::TownReviewer, Some(T1)).await;
    assert_eq!(
        whats(&rv),
        [
            "洛城街道：2026 年名单：已确认待审核",
            "洛城街道：2025 年 12 月发放：已计算待审核",
        ]
    );
    assert_eq!(
        rv[0].moves,
        ["报送备案"],
        "sending back is not a step forward"
    );
    assert_eq!(rv[0].bulk, None);

    // Submitted and reviewed: the city's, in bulk, with what it files
    // and approves shown.
    list_move(&store, Role::TownReviewer, "submit", "confirmed").await;
    pay_move(&store, Role::TownReviewer, PayMoveKind::Review).await;
    let city = todo_of(&store, Role::CityAdmin, None).await;
    assert_eq!(
        whats(&city),
        [
            "洛城街道：2026 年名单：已报送待备案",
            "洛城街道：2025 年 12 月发放：已审核待批准",
        ]
    );
    assert_eq!(city[0].bulk, Some(Bulk::FileList));
    // Nobody is eligible for 2026 (no town judged 三好三强, Article 1):
    // the list files empty, and the city sees so before filing.
    assert_eq!(city[0].detail, "0 人（一档 0、二档 0、三档 0）");
    // Submitted once: version 1 after three moves (save, confirm, submit).
    assert_eq!(city[0].key(), "list:2026:370783100:submitted:1:3");
    assert_eq!(city[1].bulk, Some(Bulk::ApprovePay));
    assert_eq!(city[1].detail, "2 人，合计 1800.00 元");
    assert_eq!(city[1].key(), "pay:2025-12:370783100:reviewed:2");
    // The viewer sees the same towns but has nothing to do.
    assert!(todo_of(&store, Role::CityViewer, None).await.is_empty());

    // A key of the other kind, an empty pick, another town's key.
    let list_key = Picked::parse(&city[0].key()).unwrap();
    let pay_key = Picked::parse(&city[1].key()).unwrap();
    assert_eq!(Picked::parse("list:2026:370783100"), None);
    assert_eq!(Picked::parse("pay:2025-13:370783100:reviewed:2"), None);
    let policy = Policy::example();
    let city_by = by(Role::CityAdmin, None);
    let wrong = todo::bulk(
        &store,
        city_by,
        &policy,
        DAY,
        Bulk::FileList,
        std::slice::from_ref(&pay_key),
    )
    .await;
    assert!(matches!(wrong, Err(OfficeError::Invalid(m)) if m.contains("备案所选名单")));
    let empty = todo::bulk(&store, city_by, &policy, DAY, Bulk::FileList, &[]).await;
    assert!(matches!(empty, Err(OfficeError::Invalid(_))));
    let other_town = todo::bulk(
        &store,
        by(Role::TownReviewer, Some(T2)),
        &policy,
        DAY,
        Bulk::ApprovePay,
        std::slice::from_ref(&pay_key),
    )
    .await;
    assert!(matches!(other_town, Err(OfficeError::NotFound)));

    // A pick of the list as it stood before a move made since (two moves,
    // not three) is refused for that item alone: nothing is filed unseen.
    let stale = Picked::parse("list:2026:370783100:submitted:1:2").unwrap();
    let done = todo::bulk(&store, city_by, &policy, DAY, Bulk::FileList, &[stale])
        .await
        .unwrap();
    let refused = done[0].outcome.as_ref().unwrap_err();
    assert!(refused.contains("已有变动"), "{refused}");
    assert_eq!(todo_of(&store, Role::CityAdmin, None).await.len(), 2);
    // A pick of another kind among good ones: nothing is done at all.
    let mixed = todo::bulk(
        &store,
        city_by,
        &policy,
        DAY,
        Bulk::ApprovePay,
        &[pay_key.clone(), list_key.clone()],
    )
    .await;
    assert!(matches!(mixed, Err(OfficeError::Invalid(_))));
    assert_eq!(todo_of(&store, Role::CityAdmin, None).await.len(), 2);

    // Filed and approved in bulk; the same pick again is refused for
    // that item alone, and nothing changes.
    let done = todo::bulk(
        &store,
        city_by,
        &policy,
        DAY,
        Bulk::FileList,
        std::slice::from_ref(&list_key),
    )
    .await
    .unwrap();
    assert_eq!(done.len(), 1);
    assert_eq!(done[0].town_name, "洛城街道");
    assert_eq!(done[0].outcome, Ok("已备案".to_owned()));
    let done = todo::bulk(
        &store,
        city_by,
        &policy,
        DAY,
        Bulk::ApprovePay,
        &[pay_key.clone(), pay_key.clone()],
    )
    .await
    .unwrap();
    assert_eq!(done[0].outcome, Ok("已批准（已批准待发放）".to_owned()));
    let again = done[1].outcome.as_ref().unwrap_err();
    assert!(again.contains("已批准待发放”，不能“市级批准"), "{again}");
    let refiled = todo::bulk(&store, city_by, &policy, DAY, Bulk::FileList, &[list_key])
        .await
        .unwrap();
    assert!(refiled[0].outcome.is_err());
    assert!(todo_of(&store, Role::CityAdmin, None).await.is_empty());
    // Finance pays.
    let fin = todo_of(&store, Role::Finance, None).await;
    assert_eq!(whats(&fin), ["洛城街道：2025 年 12 月发放：已批准待发放"]);
    assert_eq!(fin[0].moves, ["确认已发放"]);

    // An exception the town asks for waits for its reviewer, then for
    // the city; the asker has nothing more to do.
    let l = lists::town_list(&store, &policy, 2026, town(), DAY)
        .await
        .unwrap()
        .unwrap();
    let asked = touyan_office::exceptions::Asked {
        rule: "art13.tier_counts".into(),
        tier1: "1".into(),
        tier2: "0".into(),
        reason: "名单人数少".into(),
        ..Default::default()
    };
    touyan_office::exceptions::propose(&store, by(Role::TownOperator, Some(T1)), &l, &asked)
        .await
        .unwrap();
    assert!(
        todo_of(&store, Role::TownOperator, Some(T1))
            .await
            .is_empty()
    );
    assert!(todo_of(&store, Role::CityAdmin, None).await.is_empty());
    let rv = todo_of(&store, Role::TownReviewer, Some(T1)).await;
    assert_eq!(
        whats(&rv),
        ["洛城街道：2026 年名单第 1 号例外（各档人数不超过名额（第十三条第二款））：待镇街审核"]
    );
    assert_eq!(rv[0].moves, ["镇街审核同意", "镇街审核不同意"]);
    assert_eq!(
        rv[0].place,
        Place::List {
            year: 2026,
            town: town()
        }
    );
    assert_eq!(rv[0].bulk, None);
    db.finish().await;
}
both_backends!(todo_by_role, each_role_sees_what_waits_for_it);

/// A year's list brought in already filed (by the import, as the demo
/// does) has no review and waits for nobody.
async fn a_list_filed_without_a_review_waits_for_nobody(db: TestDb) {
    let store = seeded(&db).await;
    let filed = touyan_storage::Batch {
        list_entries: vec![touyan_records::model::ListEntry {
            town: town(),
            year: 2026,
            person: zhou(),
            village: village(1),
            tier: 3,
            status: touyan_records::model::ListStatus::Filed,
        }],
        ..touyan_storage::Batch::default()
    };
    store.apply("测试", &filed).await.unwrap();
    let op = todo_of(&store, Role::TownOperator, Some(T1)).await;
    assert_eq!(whats(&op), ["洛城街道：2025 年 12 月发放：尚未计算"]);
    db.finish().await;
}
both_backends!(
    todo_filed_list,
    a_list_filed_without_a_review_waits_for_nobody
);
