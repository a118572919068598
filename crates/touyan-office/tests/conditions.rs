//! The conditions a city's policy adds (issue 17, items 2 and 10): the
//! town's answers recorded through the office, the year's proposal and
//! the town's list checks decided from them — answered yes, no and not at
//! all, a condition that takes effect mid-year — and who may record. On
//! SQLite and PostgreSQL.

mod common;

use std::sync::Arc;

use common::*;
use time::Date;
use time::macros::date;
use touyan_office::OfficeError;
use touyan_office::conditions::{self, Asked};
use touyan_office::lists::{self, TownList};
use touyan_office::propose::{self, Options, Quiet};
use touyan_records::CitizenId;
use touyan_records::model::{PostRole, ThreeGood, VillageYear};
use touyan_rules::Policy;
use touyan_storage::testing::TestDb;
use touyan_storage::{Store, both_backends};
use touyan_workflow::Role;

/// The example policy with two added conditions: one in force from the
/// start of 2026, one from 1 July 2026.
fn policy() -> Policy {
    Policy::parse(&format!(
        "{}\n[[conditions]]\nid = \"no_sanction\"\nlabel = \"无党纪政务处分\"\narticle = 1\nsince = 2026-01-01\n\n[[conditions]]\nid = \"resident\"\nlabel = \"在本村居住\"\narticle = 1\nsince = 2026-07-01\n",
        touyan_rules::policy::EXAMPLE_POLICY_TOML
    ))
    .expect("policy")
}

/// Three secretaries who pass all five checks on 2026-01-01: 周九 (第1村),
/// 李四 (第2村, secretary as well as committee member), 赵六 (第3村) —
/// in post since 2015, “三好三强” judged for 2026, five stars, 80 万元,
/// each village ranked first of three (2 × 1 ≤ 3).
fn facts() -> touyan_storage::Batch {
    let mut b = records();
    b.posts.push(touyan_records::model::Post {
        person: li(),
        village: village(2),
        role: PostRole::Secretary,
        start: date!(2015 - 01 - 01),
        end: None,
    });
    b.village_years = (1..=3)
        .map(|k| VillageYear {
            village: village(k),
            year: 2025,
            stars: 5,
            collective_income_wan: "80".parse().unwrap(),
            assessment_score: None,
            assessment_rank: Some(1),
        })
        .collect();
    b.three_good = [zhou(), li(), zhao()]
        .into_iter()
        .map(|person| ThreeGood {
            person,
            year: 2026,
            passed: true,
            note: String::new(),
        })
        .collect();
    b
}

async fn propose(store: &Store, policy: &Policy) {
    propose::year(
        store,
        by(Role::CityAdmin, None),
        2026,
        Some(town()),
        policy,
        Options {
            threads: 1,
            free_records: true,
            progress: Arc::new(Quiet),
        },
    )
    .await
    .unwrap();
}

fn asked(answers: &[(&str, &str)]) -> Asked {
    Asked {
        answers: answers
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect(),
        note: "经镇街核查".into(),
    }
}

async fn record(store: &Store, p: &Policy, who: &CitizenId, answers: &[(&str, &str)]) {
    let op = by(Role::TownOperator, Some(T1));
    conditions::record(store, &op, p, who, &asked(answers), date!(2026 - 02 - 10))
        .await
        .unwrap();
}

async fn list_on(store: &Store, p: &Policy, day: Date) -> TownList {
    lists::town_list(store, p, 2026, town(), day)
        .await
        .unwrap()
        .expect("a proposal of 2026")
}

/// (title, passed, detail) of the checks after the five of a row.
fn added(l: &TownList, k: usize) -> Vec<(String, bool, String)> {
    l.rows[k].checks[5..]
        .iter()
        .map(|c| (c.title.clone(), c.passed, c.detail.clone()))
        .collect()
}

async fn answered_yes_no_and_not_at_all(db: TestDb) {
    let store = db.open().await;
    store.apply("测试", &facts()).await.unwrap();
    let p = policy();
    // 周九 yes, 李四 no, 赵六 nothing.
    record(&store, &p, &zhou(), &[("no_sanction", "yes")]).await;
    record(&store, &p, &li(), &[("no_sanction", "no")]).await;
    propose(&store, &p).await;

    // The proposal of 2026 (decided as of 2026-01-01, when only
    // no_sanction is in force): 周九 alone is eligible. Quota: 3 × 1/2 =
    // 1.5 → 2; one included, so floor(1/3) = 0 places in tiers 1 and 2:
    // 周九 is in tier 3 at place 1.
    let rows = store.cycle_secretaries(2026, Some(town())).await.unwrap();
    let got: Vec<(&CitizenId, bool, Option<u32>, Option<u8>)> = rows
        .iter()
        .map(|s| (&s.person, s.eligible, s.place, s.tier))
        .collect();
    assert_eq!(
        got,
        [
            (&zhou(), true, Some(1), Some(3)),
            (&li(), false, None, None),
            (&zhao(), false, None, None),
        ]
    );
    let towns = store.cycle_towns(2026, Some(town())).await.unwrap();
    assert_eq!(towns[0].town.eligible, 1);
    assert_eq!(towns[0].town.included, 1);
    // The contract's object of each: the five checks, then
    // condition.no_sanction with the rules' reason; resident is not in
    // force on 1 January and is not judged.
    let details: Vec<Vec<(String, bool, String)>> = rows
        .iter()
        .map(|s| {
            touyan_cycle::stored::check_lines(&s.checks_json)
                .unwrap()
                .into_iter()
                .map(|c| (c.name, c.passed, c.detail))
                .collect()
        })
        .collect();
    for d in &details {
        assert_eq!(d.len(), 6, "{d:?}");
        assert!(d[..5].iter().all(|c| c.1), "{d:?}");
    }
    let last: Vec<&(String, bool, String)> = details.iter().map(|d| &d[5]).collect();
    assert_eq!(
        last,
        [
            &(
                "condition.no_sanction".to_owned(),
                true,
                "符合“无党纪政务处分”".to_owned()
            ),
            &(
                "condition.no_sanction".to_owned(),
                false,
                "不符合“无党纪政务处分”".to_owned()
            ),
            &(
                "condition.no_sanction".to_owned(),
                false,
                "未记录是否符合“无党纪政务处分”".to_owned()
            ),
        ]
    );

    // The town's list on 2026-03-01: the same three lines, the missing
    // one named as missing.
    let mut l = list_on(&store, &p, date!(2026 - 03 - 01)).await;
    assert_eq!(
        added(&l, 0),
        [(
            "无党纪政务处分".to_owned(),
            true,
            "符合“无党纪政务处分”".to_owned()
        )]
    );
    assert_eq!(
        added(&l, 1),
        [(
            "无党纪政务处分".to_owned(),
            false,
            "不符合“无党纪政务处分”".to_owned()
        )]
    );
    assert_eq!(
        added(&l, 2),
        [(
            "无党纪政务处分（未记录）".to_owned(),
            false,
            "未记录是否符合“无党纪政务处分”".to_owned()
        )]
    );
    assert_eq!(l.rows[2].checks[5].citation, "第一条");
    // As proposed (周九 alone, tier 3): no finding about anyone's
    // conditions.
    let about = |l: &TownList, k: usize| -> Vec<String> {
        let v = l.rows[k].village.as_str().to_owned();
        l.findings()
            .into_iter()
            .filter(|f| f.village.as_deref() == Some(v.as_str()))
            .map(|f| f.message)
            .collect()
    };
    assert!(about(&l, 0).is_empty(), "{:?}", about(&l, 0));
    // The town lists 李四 and 赵六 too (with a reason): each is refused,
    // the missing answer said to be missing.
    for k in [1, 2] {
        l.rows[k].chosen = Some(3);
        l.rows[k].reason = "镇街认为符合".into();
    }
    assert_eq!(
        about(&l, 1),
        ["第2村村委会 李四：不符合纳入条件（无党纪政务处分），不能列入名单"]
    );
    assert_eq!(
        about(&l, 2),
        ["第3村村委会 赵六：不符合纳入条件（无党纪政务处分（未记录）），不能列入名单"]
    );

    // From 1 July, resident applies too: not recorded for anyone yet, so
    // 周九, listed, now fails it (the day before, not).
    let l = list_on(&store, &p, date!(2026 - 06 - 30)).await;
    assert_eq!(l.rows[0].checks.len(), 6);
    assert!(about(&l, 0).is_empty());
    let l = list_on(&store, &p, date!(2026 - 07 - 01)).await;
    assert_eq!(
        added(&l, 0)[1],
        (
            "在本村居住（未记录）".to_owned(),
            false,
            "未记录是否符合“在本村居住”（该条件自 2026-07-01 起适用）".to_owned()
        )
    );
    assert_eq!(
        about(&l, 0),
        ["第1村村委会 周九：不符合纳入条件（在本村居住（未记录）），不能列入名单"]
    );
    // Answered yes: the finding goes.
    record(&store, &p, &zhou(), &[("resident", "是")]).await;
    let l = list_on(&store, &p, date!(2026 - 07 - 01)).await;
    assert!(added(&l, 0).iter().all(|c| c.1), "{:?}", added(&l, 0));
    assert!(about(&l, 0).is_empty());
    // A list of a past year is checked within its year: 2026's list seen
    // in 2027 still checks both (not a condition of 2027).
    let l = list_on(&store, &p, date!(2027 - 03 - 01)).await;
    assert_eq!(l.rows[0].checks.len(), 7);

    // An answer recorded since the proposal counts on the list at once;
    // the proposal takes it when made again (李四 now yes: eligible).
    record(&store, &p, &li(), &[("no_sanction", "yes")]).await;
    let l = list_on(&store, &p, date!(2026 - 03 - 01)).await;
    assert!(added(&l, 1)[0].1);
    propose(&store, &p).await;
    let rows = store.cycle_secretaries(2026, Some(town())).await.unwrap();
    let eligible: Vec<bool> = rows.iter().map(|s| s.eligible).collect();
    assert_eq!(eligible, [true, true, false]);

    // Under the shipped policy (no conditions) the same records give the
    // five checks only, and the three are eligible.
    propose(&store, &Policy::example()).await;
    let rows = store.cycle_secretaries(2026, Some(town())).await.unwrap();
    assert!(rows.iter().all(|s| s.eligible));
    let l = list_on(&store, &Policy::example(), date!(2026 - 07 - 01)).await;
    assert!(l.rows.iter().all(|r| r.checks.len() == 5));
    db.finish().await;
}
both_backends!(false_missing_true, answered_yes_no_and_not_at_all);

async fn who_may_record_and_what(db: TestDb) {
    let store = db.open().await;
    store.apply("测试", &facts()).await.unwrap();
    let p = policy();
    let today = date!(2026 - 02 - 10);
    let yes = asked(&[("no_sanction", "yes")]);
    let try_as = |role, t| {
        let store = store.clone();
        let p = p.clone();
        let yes = yes.clone();
        async move {
            conditions::record(&store, &by(role, t), &p, &zhou(), &yes, today)
                .await
                .map(drop)
        }
    };
    // The city, the town's reviewer: not theirs to record.
    for (role, t) in [
        (Role::CityAdmin, None),
        (Role::TownReviewer, Some(T1)),
        (Role::CityViewer, None),
    ] {
        match try_as(role, t).await {
            Err(OfficeError::Forbidden(m)) => assert!(m.contains("镇街经办"), "{m}"),
            other => panic!("{role:?}: {other:?}"),
        }
    }
    // Another town's operator: the person reads as missing.
    assert!(matches!(
        try_as(Role::TownOperator, Some(T2)).await,
        Err(OfficeError::NotFound)
    ));
    let op = by(Role::TownOperator, Some(T1));
    // Someone not of the town: missing.
    assert!(matches!(
        conditions::record(&store, &op, &p, &stranger(), &yes, today).await,
        Err(OfficeError::NotFound)
    ));
    // A condition the policy does not add; an answer that is neither.
    match conditions::record(&store, &op, &p, &zhou(), &asked(&[("nope", "yes")]), today).await {
        Err(OfficeError::Invalid(m)) => assert_eq!(m, "政策文件中没有增设条件“nope”"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        conditions::record(
            &store,
            &op,
            &p,
            &zhou(),
            &asked(&[("no_sanction", "也许")]),
            today
        )
        .await,
        Err(OfficeError::Invalid(_))
    ));
    // Nothing chosen; a note too long.
    assert!(matches!(
        conditions::record(&store, &op, &p, &zhou(), &asked(&[("no_sanction", "")]), today).await,
        Err(OfficeError::Invalid(m)) if m.contains("至少")
    ));
    let long = Asked {
        note: "字".repeat(conditions::NOTE_CHARS + 1),
        ..yes.clone()
    };
    assert!(matches!(
        conditions::record(&store, &op, &p, &zhou(), &long, today).await,
        Err(OfficeError::Invalid(_))
    ));
    assert!(
        store
            .condition_answers_of(&[&zhou()])
            .await
            .unwrap()
            .is_empty()
    );
    // The operator records; recording again replaces the answer; each
    // write is in the change log under the operator's name.
    let n = conditions::record(&store, &op, &p, &zhou(), &yes, today)
        .await
        .unwrap();
    assert_eq!(n, 1);
    let no = asked(&[("no_sanction", "no"), ("resident", "yes")]);
    conditions::record(&store, &op, &p, &zhou(), &no, date!(2026 - 03 - 01))
        .await
        .unwrap();
    let a = store.condition_answers_of(&[&zhou()]).await.unwrap();
    let got: Vec<(&str, bool, Date)> = a
        .iter()
        .map(|a| (a.condition.as_str(), a.answer, a.recorded_on))
        .collect();
    assert_eq!(
        got,
        [
            ("no_sanction", false, date!(2026 - 03 - 01)),
            ("resident", true, date!(2026 - 03 - 01)),
        ]
    );
    assert_eq!(a[0].note, "经镇街核查");
    let log = store.changes(Some("condition_answers")).await.unwrap();
    assert_eq!(log.len(), 3, "{log:?}");
    assert!(log.iter().all(|c| c.actor == "测试"));
    // The one-person file shows them.
    let file = store
        .scoped(&touyan_storage::Scope::City)
        .person(zhou().as_str())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(file.condition_answers, a);
    let lines = conditions::lines(&p, &file.condition_answers, &zhou(), date!(2026 - 03 - 01));
    let shown: Vec<(&str, &str, bool)> = lines
        .iter()
        .map(|l| (l.label.as_str(), l.answer_zh(), l.in_force))
        .collect();
    assert_eq!(
        shown,
        [("无党纪政务处分", "否", true), ("在本村居住", "是", false)]
    );
    db.finish().await;
}
both_backends!(recording, who_may_record_and_what);

/// A workbook's 增设条件 rows go through the form's checks: the town's
/// own person and a condition of the policy; a refused row writes
/// nothing, and a new answer replaces the old one as the form's does.
async fn the_workbook_sheet(db: TestDb) {
    use touyan_office::import::{self, Imported};
    use touyan_records::model::ConditionAnswer;
    use touyan_workflow::import::Sheet;
    let store = db.open().await;
    store.apply("测试", &facts()).await.unwrap();
    let p = policy();
    let op = by(Role::TownOperator, Some(T1));
    let keys = store
        .scoped(&touyan_storage::Scope::Town(T1.into()))
        .import_keys()
        .await
        .unwrap();
    let row = |person: CitizenId, condition: &str, answer| ConditionAnswer {
        person,
        condition: condition.into(),
        answer,
        recorded_on: date!(2026 - 02 - 01),
        note: String::new(),
    };
    let now = time::macros::datetime!(2026-02-01 08:00);
    let wb = touyan_storage::Batch {
        condition_answers: vec![
            row(zhou(), "no_sanction", true),
            row(li(), "nope", true),
            row(stranger(), "no_sanction", true),
        ],
        ..touyan_storage::Batch::default()
    };
    match import::import(&store, &op, &p, &keys, &wb, TODAY, now)
        .await
        .unwrap()
    {
        Imported::Refused(rows) => {
            let got: Vec<(Sheet, usize, &str)> = rows
                .iter()
                .map(|r| (r.sheet, r.index, r.reason.as_str()))
                .collect();
            assert_eq!(got.len(), 2, "{rows:?}");
            assert_eq!(
                got[0],
                (Sheet::ConditionAnswers, 1, "政策文件中没有增设条件“nope”")
            );
            assert_eq!((got[1].0, got[1].1), (Sheet::ConditionAnswers, 2));
            assert!(got[1].2.contains("不在本镇街名册中"), "{rows:?}");
        }
        other => panic!("{other:?}"),
    }
    assert!(
        store
            .condition_answers_of(&[&zhou(), &li()])
            .await
            .unwrap()
            .is_empty()
    );
    // The town's rows alone: written; again with 否: replaced.
    let own = touyan_storage::Batch {
        condition_answers: vec![row(zhou(), "no_sanction", true)],
        ..touyan_storage::Batch::default()
    };
    assert!(matches!(
        import::import(&store, &op, &p, &keys, &own, TODAY, now)
            .await
            .unwrap(),
        Imported::Applied(_)
    ));
    let again = touyan_storage::Batch {
        condition_answers: vec![row(zhou(), "no_sanction", false)],
        ..touyan_storage::Batch::default()
    };
    assert!(matches!(
        import::import(&store, &op, &p, &keys, &again, TODAY, now)
            .await
            .unwrap(),
        Imported::Applied(_)
    ));
    let a = store.condition_answers_of(&[&zhou()]).await.unwrap();
    assert_eq!(a.len(), 1);
    assert!(!a[0].answer);
    // The city administrator may not import them (the form is the town's).
    let admin = by(Role::CityAdmin, None);
    let city_keys = store
        .scoped(&touyan_storage::Scope::City)
        .import_keys()
        .await
        .unwrap();
    match import::import(&store, &admin, &p, &city_keys, &own, TODAY, now)
        .await
        .unwrap()
    {
        Imported::Refused(rows) => {
            assert!(rows[0].reason.contains("镇街经办"), "{rows:?}")
        }
        other => panic!("{other:?}"),
    }
    db.finish().await;
}
both_backends!(workbook_sheet, the_workbook_sheet);
