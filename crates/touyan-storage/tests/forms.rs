//! The recording forms' writes (issue 5, items 2–4): a form's rows in one
//! transaction, new rows refused when already there with nothing written;
//! a young-cadre candidate's move claimed in the state its user saw, its
//! programme row written or removed with it, the cap counted again in the
//! transaction. Every body runs on SQLite and PostgreSQL.

use rust_decimal::Decimal;
use time::macros::date;
use touyan_records::model::*;
use touyan_records::{CitizenId, CommitteeKind, TownCode, VillageCode};
use touyan_rules::people::Education;
use touyan_storage::testing::TestDb;
use touyan_storage::{Batch, Store, StoreError, Town, Village, YoungChange, both_backends};

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

const T: &str = "370783100";
const V1: &str = "370783100201";
const A: &str = "37078319950101001";
const B: &str = "37078319960202002";

fn t() -> TownCode {
    TownCode::parse(T).unwrap()
}

fn v1() -> VillageCode {
    VillageCode::parse(V1).unwrap()
}

fn seed() -> Batch {
    let person = |id: &str, name: &str| Person {
        id: cid(id),
        name: name.into(),
        full_time_education: Some(Education::College),
        in_service_education: None,
    };
    Batch {
        towns: vec![Town {
            code: t(),
            name: "洛城街道".into(),
        }],
        villages: vec![Village {
            code: v1(),
            name: "东村村委会".into(),
            kind: CommitteeKind::classify("东村村委会"),
        }],
        people: vec![person(A, "张三"), person(B, "李四")],
        ..Batch::default()
    }
}

async fn open(db: &TestDb) -> Store {
    let store = db.open().await;
    store.apply("测试", &seed()).await.unwrap();
    store
}

async fn a_form_is_all_or_nothing(db: TestDb) {
    let store = open(&db).await;
    let reserve = Reserve {
        person: cid(A),
        village: v1(),
        post: PostRole::Secretary,
        listed_on: date!(2025 - 03 - 01),
        removed_on: None,
    };
    let new = Batch {
        reserves: vec![reserve.clone()],
        exam_results: vec![ExamResult {
            person: cid(B),
            course: CourseKind::PartyBuilding,
            taken_on: date!(2025 - 04 - 01),
            passed: true,
        }],
        ..Batch::default()
    };
    store
        .record_form("op1", Some("203.0.113.5"), &new, &Batch::default())
        .await
        .unwrap();
    assert_eq!(
        store.list::<Reserve>().await.unwrap(),
        std::slice::from_ref(&reserve)
    );
    let logged = store.changes(Some("reserves")).await.unwrap();
    assert_eq!(logged.len(), 1);
    assert_eq!(logged[0].actor, "op1");
    // The same reserve again, with a new exam: refused, and the exam is
    // not written either.
    let again = Batch {
        reserves: vec![reserve.clone()],
        exam_results: vec![ExamResult {
            person: cid(A),
            course: CourseKind::CollectiveEconomy,
            taken_on: date!(2025 - 04 - 02),
            passed: true,
        }],
        ..Batch::default()
    };
    match store
        .record_form("op1", None, &again, &Batch::default())
        .await
    {
        Err(
            e @ StoreError::AlreadyRecorded {
                what: "后备干部"
            },
        ) => {
            let m = e.to_string();
            assert!(m.contains("后备干部已经登记"), "{m}");
            assert!(!m.contains(A), "no ID number in the message: {m}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(store.list::<ExamResult>().await.unwrap().len(), 1);
    // A changed row is upserted: the reserve removed.
    let removed = Reserve {
        removed_on: Some(date!(2025 - 05 - 01)),
        ..reserve
    };
    store
        .record_form(
            "op1",
            None,
            &Batch::default(),
            &Batch {
                reserves: vec![removed.clone()],
                ..Batch::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(store.list::<Reserve>().await.unwrap(), [removed]);
    assert!(store.person_known(&cid(A)).await.unwrap());
    assert!(!store.person_known(&cid("11010519491231002")).await.unwrap());
    // The new kinds read back as written.
    let report = ReserveReport {
        town: t(),
        year: 2025,
        submitted_on: date!(2025 - 12 - 20),
        summary: "培养情况".into(),
    };
    store
        .record_form(
            "rev1",
            None,
            &Batch {
                reserve_reports: vec![report.clone()],
                ..Batch::default()
            },
            &Batch::default(),
        )
        .await
        .unwrap();
    assert_eq!(store.reserve_report(t(), 2025).await.unwrap(), Some(report));
    assert_eq!(store.reserve_report(t(), 2024).await.unwrap(), None);
    db.finish().await;
}
both_backends!(form_all_or_nothing, a_form_is_all_or_nothing);

fn candidate(id: &str, state: YoungState) -> YoungCandidate {
    YoungCandidate {
        person: cid(id),
        year: 2025,
        town: t(),
        village: v1(),
        score: "88.5".parse().unwrap(),
        current_pay: Decimal::from(3000),
        note: "学历高、实绩好".into(),
        state,
        comment: String::new(),
        extended_to: None,
    }
}

fn cadre(id: &str, filed: Option<time::Date>) -> YoungCadre {
    YoungCadre {
        person: cid(id),
        village: v1(),
        programme_start: date!(2025 - 06 - 02),
        current_pay: Decimal::from(3000),
        score: "88.5".parse().unwrap(),
        filed_on: filed,
    }
}

fn change(c: YoungCandidate, expected: Option<YoungState>, kind: YoungMoveKind) -> YoungChange {
    YoungChange {
        candidate: c,
        expected,
        kind,
        comment: String::new(),
        cadre: None,
        remove_cadre: None,
        cap: None,
        off_programme: Vec::new(),
        reserve: None,
        remove_reserve: None,
    }
}

async fn a_candidate_moves_in_the_state_seen(db: TestDb) {
    let store = open(&db).await;
    let score = change(
        candidate(A, YoungState::Candidate),
        None,
        YoungMoveKind::Score,
    );
    store.move_young("op1", None, &score).await.unwrap();
    // Scored twice from "nothing": the second is stale.
    match store.move_young("op1", None, &score).await {
        Err(e @ StoreError::Stale) => assert!(e.to_string().contains("刷新"), "{e}"),
        other => panic!("{other:?}"),
    }
    // Selected with a cap of 1: the programme row is written.
    let mut select = change(
        candidate(A, YoungState::Selected),
        Some(YoungState::Candidate),
        YoungMoveKind::Select,
    );
    select.cadre = Some(cadre(A, None));
    select.cap = Some(1);
    store.move_young("rev1", None, &select).await.unwrap();
    assert_eq!(store.list::<YoungCadre>().await.unwrap(), [cadre(A, None)]);
    // B scored, then selected against the same cap of 1: refused in the
    // transaction, and nothing of it written.
    store
        .move_young(
            "op1",
            None,
            &change(
                candidate(B, YoungState::Candidate),
                None,
                YoungMoveKind::Score,
            ),
        )
        .await
        .unwrap();
    let mut over = change(
        candidate(B, YoungState::Selected),
        Some(YoungState::Candidate),
        YoungMoveKind::Select,
    );
    over.cadre = Some(cadre(B, None));
    over.cap = Some(1);
    match store.move_young("rev1", None, &over).await {
        Err(StoreError::LimitExceeded { count, limit }) => assert_eq!((count, limit), (1, 1)),
        other => panic!("{other:?}"),
    }
    assert_eq!(store.list::<YoungCadre>().await.unwrap().len(), 1);
    let b = store
        .young_candidates(t())
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.person == cid(B))
        .unwrap();
    assert_eq!(b.state, YoungState::Candidate);
    // A is filed; then a stale "select" of A (seen as a candidate) fails.
    let mut file = change(
        candidate(A, YoungState::Filed),
        Some(YoungState::Selected),
        YoungMoveKind::File,
    );
    file.cadre = Some(cadre(A, Some(date!(2025 - 06 - 10))));
    store.move_young("admin", None, &file).await.unwrap();
    assert!(store.move_young("rev1", None, &select).await.is_err());
    assert_eq!(
        store.list::<YoungCadre>().await.unwrap(),
        [cadre(A, Some(date!(2025 - 06 - 10)))]
    );
    // Deselecting removes the programme row.
    let mut sel_b = change(
        candidate(B, YoungState::Selected),
        Some(YoungState::Candidate),
        YoungMoveKind::Select,
    );
    sel_b.cadre = Some(cadre(B, None));
    sel_b.cap = Some(2);
    store.move_young("rev1", None, &sel_b).await.unwrap();
    let mut back = change(
        candidate(B, YoungState::Candidate),
        Some(YoungState::Selected),
        YoungMoveKind::Deselect,
    );
    back.comment = "重新评分".into();
    back.remove_cadre = Some(cadre(B, None));
    store.move_young("rev1", None, &back).await.unwrap();
    assert_eq!(store.list::<YoungCadre>().await.unwrap().len(), 1);
    let mut moves = store.young_moves(t()).await.unwrap();
    // In time order; within one second the order is by person and number.
    moves.sort_by_key(|m| (m.entry.person.as_str().to_owned(), m.entry.seq));
    let kinds: Vec<(String, u32, YoungMoveKind)> = moves
        .iter()
        .map(|m| {
            (
                m.entry.person.as_str().to_owned(),
                m.entry.seq,
                m.entry.kind,
            )
        })
        .collect();
    let a = cid(A).as_str().to_owned();
    let bb = cid(B).as_str().to_owned();
    assert_eq!(
        kinds,
        [
            (a.clone(), 1, YoungMoveKind::Score),
            (a.clone(), 2, YoungMoveKind::Select),
            (a, 3, YoungMoveKind::File),
            (bb.clone(), 1, YoungMoveKind::Score),
            (bb.clone(), 2, YoungMoveKind::Select),
            (bb, 3, YoungMoveKind::Deselect),
        ]
    );
    assert_eq!(moves[0].by, "op1");
    assert_eq!(moves[5].entry.comment, "重新评分");
    // Degree-study applications read back by town and year.
    let e = DegreeEnrolment {
        person: cid(A),
        year: 2025,
        town: t(),
        applied_on: date!(2025 - 03 - 01),
        programme: "村干部专科学历培训班".into(),
    };
    store
        .record_new("op1", None, std::slice::from_ref(&e))
        .await
        .unwrap();
    assert_eq!(
        store.degree_enrolments(t(), 2025).await.unwrap(),
        std::slice::from_ref(&e)
    );
    match store
        .record_new("op1", None, std::slice::from_ref(&e))
        .await
    {
        Err(StoreError::AlreadyRecorded { what }) => assert_eq!(what, "学历教育报名"),
        other => panic!("{other:?}"),
    }
    db.finish().await;
}
both_backends!(young_moves, a_candidate_moves_in_the_state_seen);
