//! Exceptions to hedged clauses (issue 17, items 1 and 7), on both
//! backends: two five-star secretaries of a three-village town, both
//! eligible, get no place in tiers 1 or 2 (floor(2/3) = 0); the town asks
//! for one place in each, its reviewer and the city approve, and the list
//! goes forward. A strict clause is refused; a refused exception waives
//! nothing; a filed list changes outside January only after an exception
//! approved since the filing.

mod common;

use std::sync::Arc;

use common::*;
use time::macros::date;
use touyan_office::OfficeError;
use touyan_office::exceptions::{self, Review};
use touyan_office::lists::{self, Asked, TownList};
use touyan_office::propose::{self, Options, Quiet};
use touyan_office::{one_card, pay};
use touyan_records::model::{ExceptionState, PayMoveKind, ReviewState, ThreeGood, VillageYear};
use touyan_rules::Policy;
use touyan_storage::testing::TestDb;
use touyan_storage::{Store, both_backends};
use touyan_workflow::Role;

const JANUARY: time::Date = date!(2026 - 01 - 15);
const MARCH: time::Date = date!(2026 - 03 - 10);

async fn proposed(db: &TestDb) -> Store {
    let store = db.open().await;
    let mut b = records();
    // Both secretaries five stars, 80 万元, ranked first (a tie) in 2025,
    // judged “三好三强” for the 2026 list: both eligible.
    b.village_years = [1, 3]
        .into_iter()
        .map(|k| VillageYear {
            village: village(k),
            year: 2025,
            stars: 5,
            collective_income_wan: "80".parse().unwrap(),
            assessment_score: Some("95".parse().unwrap()),
            assessment_rank: Some(1),
        })
        .collect();
    b.three_good = [zhou(), zhao()]
        .into_iter()
        .map(|person| ThreeGood {
            person,
            year: 2026,
            passed: true,
            note: String::new(),
        })
        .collect();
    b.list_entries.clear();
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
    lists::town_list(
        store,
        &Policy::example(),
        2026,
        town(),
        time::macros::date!(2026 - 03 - 01),
    )
    .await
    .unwrap()
    .expect("a proposal of 2026")
}

fn moved(action: &str, seen: &str) -> Asked {
    Asked {
        action: action.into(),
        seen: seen.into(),
        ..Asked::default()
    }
}

fn review(seq: u32, action: &str, seen: ExceptionState, comment: &str) -> Review {
    Review {
        seq,
        action: action.into(),
        seen: touyan_records::model::Labelled::code(seen).into(),
        comment: comment.into(),
    }
}

fn tier_places(t1: &str, t2: &str) -> exceptions::Asked {
    exceptions::Asked {
        rule: "art13.tier_counts".into(),
        tier1: t1.into(),
        tier2: t2.into(),
        reason: "两村均为五星级，带富成效全镇前列".into(),
        ..exceptions::Asked::default()
    }
}

/// The town saves tier 1 for 第1村 and tier 2 for 第3村, with reasons.
async fn save_tiers_one_and_two(store: &Store) {
    let op = by(Role::TownOperator, Some(T1));
    let mut l = read(store).await;
    let v1 = village(1).as_str().to_owned();
    let v3 = village(3).as_str().to_owned();
    let save = Asked {
        tiers: vec![(v1.clone(), "1".into()), (v3.clone(), "2".into())],
        reasons: vec![(v1, "五星级".into()), (v3, "五星级".into())],
        ..moved("save", "none")
    };
    lists::move_list(store, op, &mut l, &save, JANUARY)
        .await
        .unwrap();
}

async fn an_approved_tier_exception_lets_the_list_go_forward(db: TestDb) {
    let store = proposed(&db).await;
    let l = read(&store).await;
    // Hand-computed: 3 villages × 1/2 = 1.5 → 2 places; both included;
    // tiers 1 and 2 get floor(2 × 1/3) = 0 places each.
    assert_eq!(l.quota.outcome, 2);
    assert_eq!(l.run.town.included, 2);
    assert_eq!(
        l.rows.iter().map(|r| r.proposed).collect::<Vec<_>>(),
        [Some(3), Some(3)]
    );
    save_tiers_one_and_two(&store).await;
    let l = read(&store).await;
    let f = l.findings();
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(
        f[0].message,
        "一档 1 人（名额 0）、二档 1 人（名额 0）、三档 0 人，一档超出 1 人，二档超出 1 人"
    );
    // Confirming is refused while the finding stands.
    let mut l2 = read(&store).await;
    let op = by(Role::TownOperator, Some(T1));
    assert!(matches!(
        lists::move_list(&store, op, &mut l2, &moved("confirm", "draft"), JANUARY).await,
        Err(OfficeError::Invalid(_))
    ));

    // The town operator asks; a reviewer of another town cannot see it.
    let seq = exceptions::propose(&store, op, &l, &tier_places("1", "1"))
        .await
        .unwrap();
    assert_eq!(seq, 1);
    // Still a finding: the exception is not approved yet.
    assert_eq!(read(&store).await.findings().len(), 1);
    let l = read(&store).await;
    assert!(matches!(
        exceptions::review(
            &store,
            by(Role::TownReviewer, Some(T2)),
            &l,
            &review(1, "town_approve", ExceptionState::Proposed, "同意")
        )
        .await,
        Err(OfficeError::NotFound)
    ));
    // The city cannot approve before the town's reviewer.
    assert!(matches!(
        exceptions::review(
            &store,
            by(Role::CityAdmin, None),
            &l,
            &review(1, "approve", ExceptionState::Proposed, "同意")
        )
        .await,
        Err(OfficeError::Conflict(_))
    ));
    let rev = by(Role::TownReviewer, Some(T1));
    assert_eq!(
        exceptions::review(
            &store,
            rev,
            &l,
            &review(1, "town_approve", ExceptionState::Proposed, "属实")
        )
        .await
        .unwrap(),
        ExceptionState::TownApproved
    );
    let l = read(&store).await;
    assert_eq!(l.findings().len(), 1, "town approval alone waives nothing");
    let city = by(Role::CityAdmin, None);
    assert_eq!(
        exceptions::review(
            &store,
            city,
            &l,
            &review(1, "approve", ExceptionState::TownApproved, "同意例外")
        )
        .await
        .unwrap(),
        ExceptionState::Approved
    );
    let l = read(&store).await;
    assert_eq!(l.findings(), vec![]);
    assert_eq!(l.approved_exceptions().count(), 1);
    let who = exceptions::approved_by(&l, 1).expect("the approving move");
    assert_eq!(who.by, "测试");
    assert_eq!(
        exceptions::departure_zh(&l, &l.exceptions[0].departure),
        "一档 1 名、二档 1 名"
    );
    // The moves with their comments, in order.
    let comments: Vec<&str> = l
        .exception_moves
        .iter()
        .map(|m| m.entry.comment.as_str())
        .collect();
    assert_eq!(
        comments,
        ["两村均为五星级，带富成效全镇前列", "属实", "同意例外"]
    );
    // Approved again: refused, the state moved on.
    assert!(matches!(
        exceptions::review(
            &store,
            city,
            &l,
            &review(1, "approve", ExceptionState::TownApproved, "再批")
        )
        .await,
        Err(OfficeError::Conflict(_))
    ));

    // The list goes forward and is filed.
    let mut l = read(&store).await;
    lists::move_list(&store, op, &mut l, &moved("confirm", "draft"), JANUARY)
        .await
        .unwrap();
    let mut l = read(&store).await;
    lists::move_list(&store, rev, &mut l, &moved("submit", "confirmed"), JANUARY)
        .await
        .unwrap();
    let mut l = read(&store).await;
    lists::move_list(&store, city, &mut l, &moved("file", "submitted"), JANUARY)
        .await
        .unwrap();
    let l = read(&store).await;
    assert_eq!(l.current, Some(ReviewState::Filed));
    let mut tiers: Vec<u8> = l.filed.iter().map(|e| e.tier).collect();
    tiers.sort();
    assert_eq!(tiers, [1, 2]);

    // Item 7: in March the filed list cannot be adjusted (Article 13)…
    let mut l = read(&store).await;
    let adjust = Asked {
        comment: "调整档次".into(),
        ..moved("adjust", "filed")
    };
    match lists::move_list(&store, op, &mut l, &adjust, MARCH).await {
        Err(OfficeError::Conflict(m)) => {
            assert!(m.contains("每年 1 月调整一次，3 月不作调整"), "{m}");
            assert!(m.contains("第十三条"), "{m}");
        }
        other => panic!("{other:?}"),
    }
    // …the exception approved before the filing does not open it…
    assert_eq!(read(&store).await.current, Some(ReviewState::Filed));
    // …and in January it can.
    let mut l = read(&store).await;
    lists::move_list(&store, op, &mut l, &adjust, JANUARY)
        .await
        .unwrap();
    assert_eq!(read(&store).await.current, Some(ReviewState::Draft));
    db.finish().await;
}

async fn a_filed_list_opens_outside_january_by_a_new_exception(db: TestDb) {
    let store = proposed(&db).await;
    let (op, rev, city) = (
        by(Role::TownOperator, Some(T1)),
        by(Role::TownReviewer, Some(T1)),
        by(Role::CityAdmin, None),
    );
    // File the proposal as it is (both tier 3).
    for (who, action, seen) in [
        (op, "save", "none"),
        (op, "confirm", "draft"),
        (rev, "submit", "confirmed"),
        (city, "file", "submitted"),
    ] {
        let mut l = read(&store).await;
        lists::move_list(&store, who, &mut l, &moved(action, seen), JANUARY)
            .await
            .unwrap();
    }
    let adjust = Asked {
        comment: "依据例外调整档次".into(),
        ..moved("adjust", "filed")
    };
    let mut l = read(&store).await;
    assert!(matches!(
        lists::move_list(&store, op, &mut l, &adjust, MARCH).await,
        Err(OfficeError::Conflict(_))
    ));
    // An exception refused by the city opens nothing.
    let l = read(&store).await;
    exceptions::propose(&store, op, &l, &tier_places("1", "0"))
        .await
        .unwrap();
    let l = read(&store).await;
    exceptions::review(
        &store,
        rev,
        &l,
        &review(1, "town_approve", ExceptionState::Proposed, "同意"),
    )
    .await
    .unwrap();
    let l = read(&store).await;
    assert_eq!(
        exceptions::review(
            &store,
            city,
            &l,
            &review(1, "refuse", ExceptionState::TownApproved, "理由不足")
        )
        .await
        .unwrap(),
        ExceptionState::Refused
    );
    let mut l = read(&store).await;
    assert!(matches!(
        lists::move_list(&store, op, &mut l, &adjust, MARCH).await,
        Err(OfficeError::Conflict(_))
    ));
    // A second request, approved: the list opens in March.
    let l = read(&store).await;
    assert_eq!(
        exceptions::propose(&store, op, &l, &tier_places("1", "0"))
            .await
            .unwrap(),
        2
    );
    let l = read(&store).await;
    exceptions::review(
        &store,
        rev,
        &l,
        &review(2, "town_approve", ExceptionState::Proposed, "同意"),
    )
    .await
    .unwrap();
    let l = read(&store).await;
    exceptions::review(
        &store,
        city,
        &l,
        &review(2, "approve", ExceptionState::TownApproved, "同意"),
    )
    .await
    .unwrap();
    let mut l = read(&store).await;
    lists::move_list(&store, op, &mut l, &adjust, MARCH)
        .await
        .unwrap();
    assert_eq!(read(&store).await.current, Some(ReviewState::Draft));
    // What the approval covers (a change of tier) may be confirmed in
    // March; removing 赵六, which nothing covers, may not.
    let (v1, v3) = (
        village(1).as_str().to_owned(),
        village(3).as_str().to_owned(),
    );
    let mut l = read(&store).await;
    let remove = Asked {
        tiers: vec![(v3.clone(), String::new())],
        reasons: vec![(v3.clone(), "不再列入".into())],
        ..moved("confirm", "draft")
    };
    match lists::move_list(&store, op, &mut l, &remove, MARCH).await {
        Err(OfficeError::Conflict(m)) => assert!(m.contains("赵六"), "{m}"),
        other => panic!("{other:?}"),
    }
    let mut l = read(&store).await;
    let tier_one = Asked {
        tiers: vec![(v1.clone(), "1".into()), (v3, "3".into())],
        reasons: vec![(v1, "例外批准一档".into())],
        ..moved("confirm", "draft")
    };
    lists::move_list(&store, op, &mut l, &tier_one, MARCH)
        .await
        .unwrap();
    assert_eq!(read(&store).await.current, Some(ReviewState::Confirmed));
    db.finish().await;
}

async fn strict_clauses_and_bad_requests_write_nothing(db: TestDb) {
    let store = proposed(&db).await;
    let l = read(&store).await;
    let op = by(Role::TownOperator, Some(T1));
    let ask = |rule: &str| exceptions::Asked {
        rule: rule.into(),
        village: village(1).as_str().into(),
        reason: "理由".into(),
        ..exceptions::Asked::default()
    };
    // The income floor is strict; the yearly adjustment too.
    for rule in ["art01.collective_income", "art13.yearly_adjustment"] {
        match exceptions::propose(&store, op, &l, &ask(rule)).await {
            Err(OfficeError::Invalid(m)) => {
                assert!(m.contains("不属于“原则上”“一般”所限定的要求"), "{m}")
            }
            other => panic!("{rule}: {other:?}"),
        }
    }
    // Hedged, but not a check of the list.
    assert!(matches!(
        exceptions::propose(&store, op, &l, &ask("art08.secondment_length")).await,
        Err(OfficeError::Invalid(m)) if m.contains("不是年度名单的核查项")
    ));
    // No reason; a reason of 501 characters.
    let mut no_reason = ask("art01.tenure");
    no_reason.reason = " ".into();
    assert!(matches!(
        exceptions::propose(&store, op, &l, &no_reason).await,
        Err(OfficeError::Invalid(m)) if m.contains("理由")
    ));
    let mut long = ask("art01.tenure");
    long.reason = "字".repeat(501);
    assert!(matches!(
        exceptions::propose(&store, op, &l, &long).await,
        Err(OfficeError::Invalid(m)) if m.contains("500")
    ));
    // A person not on the town's list; a list size within the quota.
    let mut nobody = ask("art01.tenure");
    nobody.village = village(2).as_str().into();
    assert!(exceptions::propose(&store, op, &l, &nobody).await.is_err());
    let size = exceptions::Asked {
        rule: "art01.list_size".into(),
        list_size: "2".into(),
        reason: "理由".into(),
        ..exceptions::Asked::default()
    };
    assert!(matches!(
        exceptions::propose(&store, op, &l, &size).await,
        Err(OfficeError::Invalid(m)) if m.contains("不需要例外")
    ));
    // The reviewer and the city cannot ask.
    assert!(matches!(
        exceptions::propose(
            &store,
            by(Role::TownReviewer, Some(T1)),
            &l,
            &ask("art01.tenure")
        )
        .await,
        Err(OfficeError::Forbidden(_))
    ));
    assert!(store.list_exceptions(2026, None).await.unwrap().is_empty());
    // One request, then the same again: refused as a duplicate.
    exceptions::propose(&store, op, &l, &ask("art01.tenure"))
        .await
        .unwrap();
    let l = read(&store).await;
    assert!(matches!(
        exceptions::propose(&store, op, &l, &ask("art01.tenure")).await,
        Err(OfficeError::Conflict(_))
    ));
    assert_eq!(
        store
            .list_exceptions(2026, Some(town()))
            .await
            .unwrap()
            .len(),
        1
    );
    db.finish().await;
}

both_backends!(
    approved_tiers,
    an_approved_tier_exception_lets_the_list_go_forward
);
both_backends!(
    outside_january,
    a_filed_list_opens_outside_january_by_a_new_exception
);
both_backends!(
    strict_refused,
    strict_clauses_and_bad_requests_write_nothing
);

/// Item 6: a month pays the list in force that month. Filed in January
/// with both secretaries, filed again on 10 December without 赵六:
/// November, computed afterwards, still pays both; December pays 周九
/// only.
async fn a_month_pays_the_list_in_force_that_month(db: TestDb) {
    let store = proposed(&db).await;
    let (op, rev, city) = (
        by(Role::TownOperator, Some(T1)),
        by(Role::TownReviewer, Some(T1)),
        by(Role::CityAdmin, None),
    );
    let v3 = village(3).as_str().to_owned();
    let steps: Vec<(touyan_office::By<'static>, Asked, time::Date)> = vec![
        (op, moved("save", "none"), JANUARY),
        (op, moved("confirm", "draft"), JANUARY),
        (rev, moved("submit", "confirmed"), JANUARY),
        (city, moved("file", "submitted"), JANUARY),
        (
            op,
            Asked {
                comment: "赵六调离".into(),
                ..moved("adjust", "filed")
            },
            JANUARY,
        ),
        (
            op,
            Asked {
                tiers: vec![(v3.clone(), String::new())],
                reasons: vec![(v3, "调离本村".into())],
                ..moved("save", "draft")
            },
            JANUARY,
        ),
        (op, moved("confirm", "draft"), JANUARY),
        (rev, moved("submit", "confirmed"), JANUARY),
    ];
    for (who, asked, day) in &steps {
        let mut l = read(&store).await;
        lists::move_list(&store, *who, &mut l, asked, *day)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", asked.action));
    }
    // November is computed, reviewed and approved on the list in force
    // then (周九 and 赵六), before the December re-filing below.
    let real = real_amounts();
    for (who, kind) in [
        (op, PayMoveKind::Compute),
        (rev, PayMoveKind::Review),
        (city, PayMoveKind::Approve),
    ] {
        let tm = pay::town_month(&store, &real, NOVEMBER, town())
            .await
            .unwrap();
        let seen = pay::Seen {
            state: Some(tm.current()),
            moves: Some(tm.moves.len()),
        };
        pay::move_town(&store, who, &tm, kind, seen, "")
            .await
            .unwrap_or_else(|e| panic!("{kind:?}: {e}"));
    }
    // Filed on 10 December, outside January: 赵六's removal needs an
    // exit since the filing (Article 13).
    let december = date!(2026 - 12 - 10);
    let mut l = read(&store).await;
    match lists::move_list(&store, city, &mut l, &moved("file", "submitted"), december).await {
        Err(OfficeError::Conflict(m)) => {
            assert!(m.contains("第3村村委会 赵六 的变动"), "{m}");
            assert!(m.contains("第十三条"), "{m}");
        }
        other => panic!("{other:?}"),
    }
    // An exit dated after the filing day but later than today does not
    // count yet; one on 5 December does.
    let exit = |on| touyan_records::model::Exit {
        person: zhao(),
        on,
        reason: touyan_records::model::ExitReason::LeftOffice,
        note: "调离".into(),
        programme: touyan_records::model::Programme::Secretary,
    };
    let batch = |x| touyan_storage::Batch {
        exits: vec![x],
        ..touyan_storage::Batch::default()
    };
    store
        .apply("测试", &batch(exit(date!(2026 - 12 - 20))))
        .await
        .unwrap();
    let mut l = read(&store).await;
    assert!(matches!(
        lists::move_list(&store, city, &mut l, &moved("file", "submitted"), december).await,
        Err(OfficeError::Conflict(_))
    ));
    store
        .apply("测试", &batch(exit(date!(2026 - 12 - 05))))
        .await
        .unwrap();
    let mut l = read(&store).await;
    lists::move_list(&store, city, &mut l, &moved("file", "submitted"), december)
        .await
        .unwrap();
    let filed: Vec<_> = read(&store)
        .await
        .filed
        .into_iter()
        .map(|e| e.person)
        .collect();
    assert_eq!(filed, [zhou()]);
    let records = store.payroll_records(2026, town()).await.unwrap();
    let params = Policy::example().resolve(date!(2026 - 11 - 01)).unwrap();
    let paid = |month: time::Date| {
        let pay = touyan_reports::month_pay(&records, &params, month, Some(town()));
        let mut people: Vec<_> = pay
            .town_records(town())
            .map(|r| r.iter().map(|x| x.person.clone()).collect())
            .unwrap_or_default();
        people.sort();
        people
    };
    let mut both = vec![zhou(), zhao()];
    both.sort();
    assert_eq!(paid(date!(2026 - 11 - 01)), both);
    assert_eq!(paid(date!(2026 - 01 - 01)), both);
    assert_eq!(paid(date!(2026 - 12 - 01)), [zhou()]);
    // November's approved run still holds both after the re-filing, says
    // nothing changed, and its one-card file pays both, 赵六 named with
    // his village from the version in force then.
    let tm = pay::town_month(&store, &real, NOVEMBER, town())
        .await
        .unwrap();
    let mut stored: Vec<_> = tm.stored.iter().map(|r| r.person.clone()).collect();
    stored.sort();
    assert_eq!(stored, both);
    assert!(tm.changed_since_computed().is_none());
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("touyan.key");
    for (id, account) in [
        (zhou(), "6228480402564890018"),
        (zhao(), "6217000010012345678"),
    ] {
        one_card::record(&store, Some(&key), &op, &id, account, december)
            .await
            .unwrap();
    }
    let f = one_card::file(&store, Some(&key), &by(Role::Finance, None), &tm)
        .await
        .unwrap();
    let mut rows: Vec<(String, String)> = f
        .rows
        .iter()
        .map(|r| (r.name.clone(), r.village_name.clone()))
        .collect();
    rows.sort();
    assert_eq!(
        rows,
        [
            ("周九".to_owned(), "第1村村委会".to_owned()),
            ("赵六".to_owned(), "第3村村委会".to_owned())
        ]
    );
    db.finish().await;
}

const NOVEMBER: time::Date = date!(2026 - 11 - 01);

/// The example policy with the city's amounts (not the example values
/// standing in for the redacted ones), so that a month may be computed.
fn real_amounts() -> Policy {
    let mut p = Policy::example();
    for name in [
        "pay.tier1_monthly_yuan",
        "pay.tier2_monthly_yuan",
        "pay.tier3_monthly_yuan",
    ] {
        p.set_override(name, touyan_rules::policy::Raw::Number("1000"))
            .unwrap();
    }
    p
}
both_backends!(month_list, a_month_pays_the_list_in_force_that_month);
