//! The yearly plans (issue 5, item 5; Article 11): whose plans a town
//! keeps (its filed list, else the stored proposal), moves written in one
//! transaction with their history, the filed plan's dates written to
//! `annual_plans`, a stale move refused with nothing written. Every body
//! runs on SQLite and PostgreSQL.

use time::macros::date;
use touyan_records::model::*;
use touyan_records::{CitizenId, CommitteeKind, TownCode, VillageCode};
use touyan_rules::people::Education;
use touyan_storage::testing::TestDb;
use touyan_storage::{
    Batch, CycleSecretary, CycleTown, PlanChange, Store, StoreError, Town, Village, both_backends,
};

fn cid(first17: &str) -> CitizenId {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .bytes()
        .zip(W)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    CitizenId::parse(&format!("{first17}{check}")).expect("valid id")
}

/// Town 1 has a filed list of 2026 (A) and a proposal (A, B); town 2 only
/// a proposal (C proposed, D not).
const T1: &str = "370783100";
const T2: &str = "370783001";
const V1: &str = "370783100201";
const V2: &str = "370783100202";
const V3: &str = "370783001201";
const V4: &str = "370783001202";
const A: &str = "37078319700101001";
const B: &str = "37078319851231002";
const C: &str = "37078319900315003";
const D: &str = "37078319920101004";

fn town(code: &str) -> TownCode {
    TownCode::parse(code).unwrap()
}

fn seed() -> Batch {
    let village = |code: &str, name: &str| Village {
        code: VillageCode::parse(code).unwrap(),
        name: name.into(),
        kind: CommitteeKind::classify(name),
    };
    let person = |id: &str, name: &str| Person {
        id: cid(id),
        name: name.into(),
        full_time_education: None,
        in_service_education: Some(Education::College),
    };
    Batch {
        towns: vec![
            Town {
                code: town(T1),
                name: "洛城街道".into(),
            },
            Town {
                code: town(T2),
                name: "圣城街道".into(),
            },
        ],
        villages: vec![
            village(V1, "东村村委会"),
            village(V2, "西村村委会"),
            village(V3, "南村村委会"),
            village(V4, "北村村委会"),
        ],
        people: vec![
            person(A, "张三"),
            person(B, "李四"),
            person(C, "王五"),
            person(D, "赵六"),
        ],
        list_entries: vec![
            ListEntry {
                town: town(T1),
                year: 2026,
                person: cid(A),
                village: VillageCode::parse(V1).unwrap(),
                tier: 3,
                status: ListStatus::Filed,
            },
            // Another year's list is no roster of 2026.
            ListEntry {
                town: town(T2),
                year: 2025,
                person: cid(D),
                village: VillageCode::parse(V4).unwrap(),
                tier: 3,
                status: ListStatus::Filed,
            },
        ],
        ..Batch::default()
    }
}

async fn seeded(db: &TestDb) -> Store {
    let store = db.open().await;
    store.apply("测试", &seed()).await.expect("seed");
    let t = |code: &str| CycleTown {
        year: 2026,
        town: town(code),
        as_of: date!(2026 - 01 - 01),
        policy_id: touyan_rules::Policy::example().id,
        village_count: 2,
        inclusion_quota: 2,
        young_cadre_cap: 0,
        secretaries: 2,
        eligible: 2,
        included: 2,
        tiers: [0, 0, 2],
    };
    let s = |tc: &str, v: &str, p: &str, tier: Option<u8>| CycleSecretary {
        year: 2026,
        village: VillageCode::parse(v).unwrap(),
        town: town(tc),
        person: cid(p),
        eligible: tier.is_some(),
        place: tier.map(|_| 1),
        tier,
        checks_json: "{}".into(),
    };
    store
        .replace_cycle(
            "测算",
            2026,
            None,
            &[t(T1), t(T2)],
            &[
                s(T1, V1, A, Some(3)),
                s(T1, V2, B, Some(3)),
                s(T2, V3, C, Some(3)),
                s(T2, V4, D, None),
            ],
            &mut |_| {},
        )
        .await
        .expect("proposals");
    store
}

fn draft(p: &str, tc: &str) -> PlanReview {
    PlanReview {
        year: 2026,
        person: cid(p),
        town: town(tc),
        state: PlanState::Draft,
        content: "发展集体经济".into(),
        reviewed_on: None,
        notice_start: None,
        notice_end: None,
        filed_on: None,
        comment: String::new(),
    }
}

fn change(expected: Option<PlanState>, kind: PlanMoveKind, plan: PlanReview) -> PlanChange {
    PlanChange {
        expected,
        kind,
        plan,
        comment: String::new(),
        detail: String::new(),
        filed: None,
    }
}

async fn the_roster_is_the_filed_list_else_the_proposal(db: TestDb) {
    let store = seeded(&db).await;
    let who = |r: &[touyan_storage::PlanPerson]| -> Vec<(String, String, bool)> {
        r.iter()
            .map(|p| (p.town.clone(), p.name.clone(), p.filed))
            .collect()
    };
    // Town 1: its filed list (A), not its proposal (A, B); town 2: the
    // proposed C, not D (not included, and filed only in 2025).
    let all = store.plan_roster(2026).await.unwrap();
    assert_eq!(
        who(&all),
        [
            (T2.to_owned(), "王五".to_owned(), false),
            (T1.to_owned(), "张三".to_owned(), true),
        ]
    );
    assert_eq!(all[1].village_name, "东村村委会");
    assert_eq!(
        who(&store.town_plan_roster(2026, town(T1)).await.unwrap()),
        [(T1.to_owned(), "张三".to_owned(), true)]
    );
    assert_eq!(
        who(&store.town_plan_roster(2026, town(T2)).await.unwrap()),
        [(T2.to_owned(), "王五".to_owned(), false)]
    );
    let a = store.plan_person(2026, &cid(A)).await.unwrap().unwrap();
    assert!(a.filed && a.town == T1);
    assert_eq!(store.plan_person(2026, &cid(B)).await.unwrap(), None);
    assert_eq!(store.plan_person(2026, &cid(D)).await.unwrap(), None);
    let d = store.plan_person(2025, &cid(D)).await.unwrap().unwrap();
    assert!(d.filed && d.town == T2);
    assert!(store.plan_roster(2024).await.unwrap().is_empty());
    db.finish().await;
}
both_backends!(roster, the_roster_is_the_filed_list_else_the_proposal);

async fn a_plan_goes_from_draft_to_filed(db: TestDb) {
    use PlanMoveKind as K;
    use PlanState as S;
    let store = seeded(&db).await;
    assert_eq!(store.plan_review(2026, &cid(A)).await.unwrap(), None);

    let mut plan = draft(A, T1);
    store
        .move_plan(
            "op",
            Some("127.0.0.1"),
            &change(None, K::Save, plan.clone()),
        )
        .await
        .unwrap();
    // A second first draft (a stale page) is refused, nothing written.
    let again = store
        .move_plan("op", None, &change(None, K::Save, plan.clone()))
        .await;
    assert!(matches!(again, Err(StoreError::Stale)), "{again:?}");

    plan.state = S::Reviewed;
    plan.reviewed_on = Some(date!(2026 - 02 - 10));
    let mut pass = change(Some(S::Draft), K::Pass, plan.clone());
    pass.detail = "2026-02-10 召开评审会议，通过（第十一条）".into();
    store.move_plan("rev", None, &pass).await.unwrap();

    // A move that expects the state already left is refused, nothing
    // written.
    let stale = store
        .move_plan("op", None, &change(Some(S::Draft), K::Save, draft(A, T1)))
        .await;
    assert!(matches!(stale, Err(StoreError::Stale)), "{stale:?}");
    assert_eq!(
        store
            .plan_review(2026, &cid(A))
            .await
            .unwrap()
            .unwrap()
            .state,
        S::Reviewed
    );
    // Another town's row cannot be written under this one's claim.
    let mut wrong = plan.clone();
    wrong.town = town(T2);
    let other = store
        .move_plan("op", None, &change(Some(S::Reviewed), K::Notice, wrong))
        .await;
    assert!(matches!(other, Err(StoreError::Stale)), "{other:?}");

    plan.state = S::Noticed;
    plan.notice_start = Some(date!(2026 - 02 - 11));
    plan.notice_end = Some(date!(2026 - 02 - 17));
    store
        .move_plan(
            "op",
            None,
            &change(Some(S::Reviewed), K::Notice, plan.clone()),
        )
        .await
        .unwrap();

    // Filing writes the plan's dates to `annual_plans` in the same
    // transaction; a record of another person is refused first.
    plan.state = S::Filed;
    plan.filed_on = Some(date!(2026 - 02 - 18));
    let record = AnnualPlan {
        person: cid(A),
        year: 2026,
        reviewed_on: plan.reviewed_on,
        notice_start: plan.notice_start,
        notice_end: plan.notice_end,
        filed_on: plan.filed_on,
    };
    let mut file = change(Some(S::Noticed), K::File, plan.clone());
    file.filed = Some(AnnualPlan {
        person: cid(B),
        ..record.clone()
    });
    assert!(matches!(
        store.move_plan("rev", None, &file).await,
        Err(StoreError::Internal(_))
    ));
    assert_eq!(store.annual_plan(2026, &cid(A)).await.unwrap(), None);
    file.filed = Some(record.clone());
    let now = store.move_plan("rev", None, &file).await.unwrap();
    assert_eq!(now.state, S::Filed);
    assert_eq!(
        store.annual_plan(2026, &cid(A)).await.unwrap(),
        Some(record)
    );
    assert_eq!(store.annual_plans(2026).await.unwrap().len(), 1);

    // The history: four moves, numbered, with who and what they recorded.
    let moves = store.plan_moves(2026, &cid(A)).await.unwrap();
    let seen: Vec<(u32, PlanMoveKind, PlanState, &str)> = moves
        .iter()
        .map(|m| (m.entry.seq, m.entry.kind, m.entry.to, m.by.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            (1, K::Save, S::Draft, "op"),
            (2, K::Pass, S::Reviewed, "rev"),
            (3, K::Notice, S::Noticed, "op"),
            (4, K::File, S::Filed, "rev"),
        ]
    );
    assert_eq!(
        moves[1].entry.detail,
        "2026-02-10 召开评审会议，通过（第十一条）"
    );
    let reviews = store.plan_reviews(2026, Some(town(T1))).await.unwrap();
    assert_eq!(reviews.len(), 1);
    assert!(
        store
            .plan_reviews(2026, Some(town(T2)))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.plan_reviews(2026, None).await.unwrap().len(), 1);
    assert_eq!(
        store.plan_names(2026, town(T1)).await.unwrap(),
        [(cid(A), "张三".to_owned())]
    );
    // Every row went to the change log.
    let log = store
        .audit(
            &touyan_storage::AuditFilter {
                table: Some("plan_reviews".into()),
                ..Default::default()
            },
            touyan_storage::Page::new(1, 50),
        )
        .await
        .unwrap();
    assert_eq!(log.total, 4, "the plan row written by each move");
    db.finish().await;
}
both_backends!(plan_moves, a_plan_goes_from_draft_to_filed);

/// A town's reads keep to the town in their SQL: its plan records are
/// those of the people on its roster (its filed list, else its proposal)
/// and of its plans; one person's plan and roster place are read only
/// when they are the town's.
async fn a_towns_reads_keep_to_the_town(db: TestDb) {
    let store = seeded(&db).await;
    // B has a plan of town 1 without being on its roster (the town's
    // filed list has only A).
    store
        .move_plan("op", None, &change(None, PlanMoveKind::Save, draft(B, T1)))
        .await
        .unwrap();
    let record = |p: &str, year: i32| AnnualPlan {
        person: cid(p),
        year,
        reviewed_on: Some(date!(2026 - 01 - 10)),
        notice_start: Some(date!(2026 - 01 - 11)),
        notice_end: Some(date!(2026 - 01 - 17)),
        filed_on: Some(date!(2026 - 01 - 20)),
    };
    let batch = Batch {
        annual_plans: vec![
            record(A, 2026),
            record(B, 2026),
            record(C, 2026),
            record(D, 2026),
            record(A, 2025),
            record(D, 2025),
        ],
        ..Batch::default()
    };
    store.apply("导入", &batch).await.unwrap();
    let people = |v: Vec<AnnualPlan>| -> Vec<(CitizenId, i32)> {
        v.into_iter().map(|a| (a.person, a.year)).collect()
    };
    // Town 1 of 2026: A (its filed list), B (its plan); not C (town 2's
    // proposal) nor D (proposed but not included, filed only in 2025).
    let mut t1 = vec![(cid(A), 2026), (cid(B), 2026)];
    t1.sort();
    assert_eq!(
        people(store.town_annual_plans(2026, town(T1)).await.unwrap()),
        t1
    );
    assert_eq!(
        people(store.town_annual_plans(2026, town(T2)).await.unwrap()),
        [(cid(C), 2026)]
    );
    // 2025: town 2's filed list has D; town 1 had no roster nor plan.
    assert_eq!(
        people(store.town_annual_plans(2025, town(T2)).await.unwrap()),
        [(cid(D), 2025)]
    );
    assert!(
        store
            .town_annual_plans(2025, town(T1))
            .await
            .unwrap()
            .is_empty()
    );
    // Every town's, for the city, as before.
    assert_eq!(store.annual_plans(2026).await.unwrap().len(), 4);

    // One person's plan: only through its town.
    let b = store
        .town_plan_review(2026, town(T1), &cid(B))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((b.town, b.state), (town(T1), PlanState::Draft));
    assert_eq!(
        store
            .town_plan_review(2026, town(T2), &cid(B))
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .town_plan_review(2025, town(T1), &cid(B))
            .await
            .unwrap(),
        None
    );
    // One person's roster place: only on the town's roster.
    let a = store
        .town_plan_person(2026, town(T1), &cid(A))
        .await
        .unwrap()
        .unwrap();
    assert!(a.filed && a.town == T1 && a.name == "张三");
    assert_eq!(
        store
            .town_plan_person(2026, town(T2), &cid(A))
            .await
            .unwrap(),
        None
    );
    let c = store
        .town_plan_person(2026, town(T2), &cid(C))
        .await
        .unwrap()
        .unwrap();
    assert!(!c.filed && c.town == T2 && c.village_name == "南村村委会");
    assert_eq!(
        store
            .town_plan_person(2026, town(T1), &cid(C))
            .await
            .unwrap(),
        None
    );
    // B has a plan of town 1 but no place on its roster.
    assert_eq!(
        store
            .town_plan_person(2026, town(T1), &cid(B))
            .await
            .unwrap(),
        None
    );
    db.finish().await;
}
both_backends!(town_reads, a_towns_reads_keep_to_the_town);
