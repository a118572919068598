//! The review of a town's yearly list (issue 5, item 1): moves written in
//! one transaction, the filed list replaced on filing, a stale move
//! refused with nothing written. Every body runs on SQLite and PostgreSQL.

use time::macros::date;
use touyan_records::model::*;
use touyan_records::{CitizenId, CommitteeKind, TownCode, VillageCode};
use touyan_rules::people::Education;
use touyan_storage::testing::TestDb;
use touyan_storage::{Batch, ListChange, Store, StoreError, Town, Village, both_backends};

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
const V2: &str = "370783100202";
const A: &str = "37078319700101001";
const B: &str = "37078319851231002";

fn t() -> TownCode {
    TownCode::parse(T).unwrap()
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
        towns: vec![Town {
            code: t(),
            name: "洛城街道".into(),
        }],
        villages: vec![village(V1, "东村村委会"), village(V2, "西村村委会")],
        people: vec![person(A, "张三"), person(B, "李四")],
        // Last year's filed list, which a filing of this year leaves alone.
        list_entries: vec![entry(2025, A, V1, 3)],
        ..Batch::default()
    }
}

fn entry(year: i32, p: &str, v: &str, tier: u8) -> ListEntry {
    ListEntry {
        town: t(),
        year,
        person: cid(p),
        village: VillageCode::parse(v).unwrap(),
        tier,
        status: ListStatus::Filed,
    }
}

fn draft(p: &str, v: &str, tier: Option<u8>, reason: &str) -> ListDraft {
    ListDraft {
        year: 2026,
        village: VillageCode::parse(v).unwrap(),
        town: t(),
        person: cid(p),
        tier,
        reason: reason.into(),
    }
}

fn change(
    expected: Option<ReviewState>,
    kind: ListMoveKind,
    to: ReviewState,
    comment: &str,
) -> ListChange {
    ListChange {
        year: 2026,
        town: t(),
        expected,
        kind,
        to,
        new_version: kind == ListMoveKind::Adjust,
        comment: comment.into(),
        drafts: None,
        filed: None,
        filed_on: (kind == ListMoveKind::File).then_some(time::macros::date!(2026 - 01 - 20)),
    }
}

async fn seeded(db: &TestDb) -> Store {
    let store = db.open().await;
    store.apply("测试", &seed()).await.expect("seed");
    store
}

async fn a_list_goes_from_draft_to_filed(db: TestDb) {
    use ListMoveKind as K;
    use ReviewState as S;
    let store = seeded(&db).await;
    assert_eq!(store.list_review(2026, t()).await.unwrap(), None);

    let mut save = change(None, K::Save, S::Draft, "");
    save.drafts = Some(vec![
        draft(A, V1, Some(3), ""),
        draft(B, V2, None, "本人申请不列入"),
    ]);
    let r = store
        .move_list("town-op", Some("127.0.0.1"), &save)
        .await
        .unwrap();
    assert_eq!((r.state, r.version), (S::Draft, 1));
    // Saving again replaces the draft: a village left out is removed.
    let mut again = change(Some(S::Draft), K::Save, S::Draft, "");
    again.drafts = Some(vec![draft(A, V1, Some(2), "")]);
    store.move_list("town-op", None, &again).await.unwrap();
    let drafts = store.list_drafts(2026, t()).await.unwrap();
    assert_eq!(drafts, [draft(A, V1, Some(2), "")]);

    store
        .move_list(
            "town-op",
            None,
            &change(Some(S::Draft), K::Confirm, S::Confirmed, ""),
        )
        .await
        .unwrap();
    store
        .move_list(
            "town-rev",
            None,
            &change(Some(S::Confirmed), K::Submit, S::Submitted, ""),
        )
        .await
        .unwrap();
    let r = store
        .move_list(
            "city",
            None,
            &change(Some(S::Submitted), K::Return, S::Returned, "二档人数需复核"),
        )
        .await
        .unwrap();
    assert_eq!(r.comment, "二档人数需复核");
    // Saving a returned list keeps the city's comment in sight.
    let r = store
        .move_list(
            "town-op",
            None,
            &change(Some(S::Returned), K::Save, S::Draft, ""),
        )
        .await
        .unwrap();
    assert_eq!((r.state, r.comment.as_str()), (S::Draft, "二档人数需复核"));
    for (by, from, kind, to) in [
        ("town-op", S::Draft, K::Confirm, S::Confirmed),
        ("town-rev", S::Confirmed, K::Submit, S::Submitted),
    ] {
        store
            .move_list(by, None, &change(Some(from), kind, to, ""))
            .await
            .unwrap();
    }
    let mut file = change(Some(S::Submitted), K::File, S::Filed, "");
    file.filed = Some(vec![entry(2026, A, V1, 2)]);
    let r = store.move_list("city", None, &file).await.unwrap();
    assert_eq!((r.state, r.version, r.comment.as_str()), (S::Filed, 1, ""));
    assert_eq!(
        store.filed_list(2026, t()).await.unwrap(),
        [entry(2026, A, V1, 2)]
    );
    assert_eq!(
        store.filed_list(2025, t()).await.unwrap(),
        [entry(2025, A, V1, 3)],
        "last year's list is untouched"
    );

    // The history: every move, in order, by whom.
    let moves = store.list_moves(2026, t()).await.unwrap();
    let seen: Vec<(u32, ListMoveKind, &str)> = moves
        .iter()
        .map(|m| (m.entry.seq, m.entry.kind, m.by.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            (1, K::Save, "town-op"),
            (2, K::Save, "town-op"),
            (3, K::Confirm, "town-op"),
            (4, K::Submit, "town-rev"),
            (5, K::Return, "city"),
            (6, K::Save, "town-op"),
            (7, K::Confirm, "town-op"),
            (8, K::Submit, "town-rev"),
            (9, K::File, "city"),
        ]
    );
    assert_eq!(moves[4].entry.comment, "二档人数需复核");

    // An adjustment starts version 2; the filed list stays until refiled.
    let mut adjust = change(Some(S::Filed), K::Adjust, S::Draft, "书记调整");
    adjust.drafts = Some(vec![
        draft(A, V1, None, "书记离任"),
        draft(B, V2, Some(3), "新任"),
    ]);
    let r = store.move_list("town-op", None, &adjust).await.unwrap();
    assert_eq!((r.state, r.version), (S::Draft, 2));
    assert_eq!(store.filed_list(2026, t()).await.unwrap().len(), 1);
    // Filing version 2 replaces the list: A leaves, B comes in.
    for (from, kind, to) in [
        (S::Draft, K::Confirm, S::Confirmed),
        (S::Confirmed, K::Submit, S::Submitted),
    ] {
        store
            .move_list("x", None, &change(Some(from), kind, to, ""))
            .await
            .unwrap();
    }
    let mut refile = change(Some(S::Submitted), K::File, S::Filed, "");
    refile.filed = Some(vec![entry(2026, B, V2, 3)]);
    store.move_list("city", None, &refile).await.unwrap();
    assert_eq!(
        store.filed_list(2026, t()).await.unwrap(),
        [entry(2026, B, V2, 3)]
    );
    // Everything is in the change log.
    let log = store.changes(Some("list_entries")).await.unwrap();
    assert!(log.iter().any(|c| c.actor == "city"), "{log:?}");
    assert_eq!(store.list_reviews(2026).await.unwrap().len(), 1);
}
both_backends!(
    a_list_goes_from_draft_to_filed_on,
    a_list_goes_from_draft_to_filed
);

async fn a_stale_move_is_refused_and_writes_nothing(db: TestDb) {
    use ListMoveKind as K;
    use ReviewState as S;
    let store = seeded(&db).await;
    store
        .move_list("a", None, &change(None, K::Save, S::Draft, ""))
        .await
        .unwrap();
    // Someone else's page still shows "no review yet".
    let mut stale = change(None, K::Save, S::Draft, "");
    stale.drafts = Some(vec![draft(A, V1, Some(1), "")]);
    let e = store.move_list("b", None, &stale).await.unwrap_err();
    assert!(matches!(&e, StoreError::Stale), "{e}");
    // A move from a state the list is not in.
    let mut wrong = change(Some(S::Submitted), K::File, S::Filed, "");
    wrong.filed = Some(vec![entry(2026, A, V1, 1)]);
    let e = store.move_list("city", None, &wrong).await.unwrap_err();
    assert!(matches!(&e, StoreError::Stale), "{e}");
    assert!(store.list_drafts(2026, t()).await.unwrap().is_empty());
    assert!(store.filed_list(2026, t()).await.unwrap().is_empty());
    assert_eq!(store.list_moves(2026, t()).await.unwrap().len(), 1);
    // Rows of another year or town are refused outright.
    let mut outside = change(Some(S::Draft), K::Save, S::Draft, "");
    let mut d = draft(A, V1, Some(1), "");
    d.year = 2025;
    outside.drafts = Some(vec![d]);
    assert!(store.move_list("a", None, &outside).await.is_err());
}
both_backends!(
    a_stale_move_is_refused_on,
    a_stale_move_is_refused_and_writes_nothing
);

async fn names_stars_and_filed_counts(db: TestDb) {
    use touyan_storage::{CycleSecretary, CycleTown, ProposalNames};
    let store = seeded(&db).await;
    // Stars of 2025 (the year before the proposal) for V1 only, and a
    // 2026 row that must not be taken.
    let vy = |year: i32, stars: u8| VillageYear {
        village: VillageCode::parse(V1).unwrap(),
        year,
        stars,
        collective_income_wan: "12.5".parse().unwrap(),
        assessment_score: None,
        assessment_rank: Some(1),
    };
    store
        .apply(
            "测试",
            &Batch {
                village_years: vec![vy(2025, 5), vy(2026, 2)],
                ..Batch::default()
            },
        )
        .await
        .unwrap();
    let sec = |v: &str, p: &str| CycleSecretary {
        year: 2026,
        village: VillageCode::parse(v).unwrap(),
        town: t(),
        person: cid(p),
        eligible: true,
        place: None,
        tier: None,
        checks_json: "{}".into(),
    };
    let town = CycleTown {
        year: 2026,
        town: t(),
        as_of: date!(2026 - 01 - 01),
        policy_id: "p".into(),
        village_count: 2,
        inclusion_quota: 1,
        young_cadre_cap: 0,
        secretaries: 2,
        eligible: 2,
        included: 0,
        tiers: [0, 0, 0],
    };
    store
        .replace_cycle(
            "测算",
            2026,
            None,
            &[town],
            &[sec(V2, B), sec(V1, A)],
            &mut |_| {},
        )
        .await
        .unwrap();
    assert_eq!(
        store.proposal_names(2026, t()).await.unwrap(),
        [
            ProposalNames {
                village: V1.into(),
                village_name: "东村村委会".into(),
                person_name: "张三".into(),
                stars: Some(5),
            },
            ProposalNames {
                village: V2.into(),
                village_name: "西村村委会".into(),
                person_name: "李四".into(),
                stars: None,
            },
        ]
    );
    assert!(store.proposal_names(2025, t()).await.unwrap().is_empty());
    let counts = store.filed_counts(2025).await.unwrap();
    assert_eq!(counts.get(T), Some(&1));
    assert!(store.filed_counts(2026).await.unwrap().is_empty());
}
both_backends!(
    names_stars_and_filed_counts_on,
    names_stars_and_filed_counts
);

// ---- monthly subsidy runs (issue 5, item 6) ----

fn pay(p: &str, fen: i64) -> PayRecord {
    PayRecord {
        person: cid(p),
        month: date!(2025 - 03 - 01),
        kind: PayKind::ProfessionalSubsidy,
        source: FundingSource::City,
        amount_fen: fen,
    }
}

fn pay_change(
    expected: Option<PayState>,
    kind: PayMoveKind,
    to: PayState,
) -> touyan_storage::PayChange {
    touyan_storage::PayChange {
        month: date!(2025 - 03 - 01),
        town: t(),
        expected,
        expected_moves: None,
        kind,
        to,
        comment: if kind == PayMoveKind::Return {
            "人数不符".into()
        } else {
            String::new()
        },
    }
}

/// The compute move of the town's run, seen in `expected`: every stored
/// payment of the month is the town's.
async fn compute(
    store: &touyan_storage::Store,
    origin: Option<&str>,
    expected: Option<PayState>,
    records: Vec<PayRecord>,
) -> Result<PayRun, StoreError> {
    let may = |_: Option<PayState>| true;
    let covers = |_: &PayRecord| Some(t());
    let done = store
        .compute_pay(
            "op",
            origin,
            &touyan_storage::PayComputation {
                month: date!(2025 - 03 - 01),
                towns: vec![touyan_storage::TownComputed {
                    town: t(),
                    records,
                    example: true,
                }],
                expected: Some(expected),
                may_compute: &may,
                covers: &covers,
                skip_unchanged: false,
            },
        )
        .await?;
    Ok(done.runs.into_iter().next().expect("the run"))
}

/// A batch computation (`touyan payroll`) of the town's run, with
/// unchanged runs left alone.
async fn batch(
    store: &touyan_storage::Store,
    records: Vec<PayRecord>,
) -> touyan_storage::PayComputed {
    let may = |s: Option<PayState>| matches!(s, None | Some(PayState::Computed));
    let covers = |_: &PayRecord| Some(t());
    store
        .compute_pay(
            "命令行",
            None,
            &touyan_storage::PayComputation {
                month: date!(2025 - 03 - 01),
                towns: vec![touyan_storage::TownComputed {
                    town: t(),
                    records,
                    example: true,
                }],
                expected: None,
                may_compute: &may,
                covers: &covers,
                skip_unchanged: true,
            },
        )
        .await
        .expect("computed")
}

async fn a_batch_leaves_an_unchanged_run_alone(db: TestDb) {
    let store = seeded(&db).await;
    store
        .apply(
            "测试",
            &Batch {
                list_entries: vec![entry(2025, B, V2, 1)],
                ..Batch::default()
            },
        )
        .await
        .unwrap();
    let month = date!(2025 - 03 - 01);
    let moves = |store: &touyan_storage::Store| {
        let store = store.clone();
        async move { store.pay_moves(month, t()).await.unwrap().len() }
    };
    let first = batch(&store, vec![pay(A, 100_000), pay(B, 300_000)]).await;
    assert!(first.unchanged.is_empty());
    assert_eq!((first.runs.len(), moves(&store).await), (1, 1));
    // The same payments again: no move, nothing written, the run as it
    // stands reported.
    let again = batch(&store, vec![pay(B, 300_000), pay(A, 100_000)]).await;
    assert_eq!(again.unchanged, vec![t()]);
    assert_eq!(again.runs, first.runs);
    assert_eq!(
        (
            again.written.inserted,
            again.written.updated,
            again.written.unchanged,
            again.written.deleted
        ),
        (0, 0, 2, 0)
    );
    assert_eq!(moves(&store).await, 1);
    // One fen more for B: computed again, a move.
    let more = batch(&store, vec![pay(A, 100_000), pay(B, 300_001)]).await;
    assert!(more.unchanged.is_empty());
    assert_eq!(more.runs[0].total_fen, 400_001);
    assert_eq!(moves(&store).await, 2);
    // The same total and people, the amounts swapped: a change.
    let swapped = batch(&store, vec![pay(A, 300_001), pay(B, 100_000)]).await;
    assert!(swapped.unchanged.is_empty());
    assert_eq!(swapped.runs[0].total_fen, 400_001);
    assert_eq!(moves(&store).await, 3);
    // The same amounts from another source: a change.
    let mut town_paid = pay(B, 100_000);
    town_paid.source = FundingSource::Town;
    let moved = batch(&store, vec![pay(A, 300_001), town_paid.clone()]).await;
    assert!(moved.unchanged.is_empty());
    assert_eq!(moves(&store).await, 4);
    let again = batch(&store, vec![town_paid, pay(A, 300_001)]).await;
    assert_eq!(again.unchanged, vec![t()]);
    assert_eq!(moves(&store).await, 4);
    // B no longer paid: a payment fewer is a change too.
    let fewer = batch(&store, vec![pay(A, 100_000)]).await;
    assert!(fewer.unchanged.is_empty());
    assert_eq!(fewer.written.deleted, 1);
    assert_eq!(moves(&store).await, 5);
    assert_eq!(
        store.town_payments(month, t()).await.unwrap(),
        [pay(A, 100_000)]
    );
    db.finish().await;
}
both_backends!(pay_batch_unchanged, a_batch_leaves_an_unchanged_run_alone);

async fn a_pay_run_is_computed_reviewed_approved_and_paid(db: TestDb) {
    use PayMoveKind as K;
    use PayState as S;
    let store = seeded(&db).await;
    // B joins the 2025 list (A is on it from the seed); a payment of
    // another month stays as it is.
    let mut other_month = pay(A, 99);
    other_month.month = date!(2025 - 02 - 01);
    store
        .apply(
            "测试",
            &Batch {
                list_entries: vec![entry(2025, B, V2, 1)],
                pay_records: vec![other_month.clone()],
                ..Batch::default()
            },
        )
        .await
        .unwrap();
    let month = date!(2025 - 03 - 01);
    assert_eq!(store.pay_run(month, t()).await.unwrap(), None);
    let r = compute(
        &store,
        Some("10.0.0.1"),
        None,
        vec![pay(A, 100_000), pay(B, 300_000)],
    )
    .await
    .unwrap();
    assert_eq!(
        (r.state, r.people, r.total_fen, r.example),
        (S::Computed, 2, 400_000, true)
    );
    assert_eq!(store.town_payments(month, t()).await.unwrap().len(), 2);
    // Computing again after B left: B's payment of the month goes.
    let r = compute(&store, None, Some(S::Computed), vec![pay(A, 100_000)])
        .await
        .unwrap();
    assert_eq!((r.people, r.total_fen), (1, 100_000));
    assert_eq!(
        store.town_payments(month, t()).await.unwrap(),
        [pay(A, 100_000)]
    );
    for (by, from, kind, to) in [
        ("rev", S::Computed, K::Review, S::Reviewed),
        ("city", S::Reviewed, K::Return, S::Returned),
    ] {
        store
            .move_pay(by, None, &pay_change(Some(from), kind, to))
            .await
            .unwrap();
    }
    let r = store.pay_run(month, t()).await.unwrap().unwrap();
    assert_eq!(
        (r.state, r.comment.as_str(), r.total_fen),
        (S::Returned, "人数不符", 100_000)
    );
    // A stale computation writes nothing.
    let e = compute(&store, None, Some(S::Computed), vec![pay(A, 1)])
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Stale), "{e}");
    compute(
        &store,
        None,
        Some(S::Returned),
        vec![pay(A, 100_000), pay(B, 300_000)],
    )
    .await
    .unwrap();
    for (by, from, kind, to) in [
        ("rev", S::Computed, K::Review, S::Reviewed),
        ("city", S::Reviewed, K::Approve, S::Approved),
        ("fin", S::Approved, K::Pay, S::Paid),
    ] {
        store
            .move_pay(by, None, &pay_change(Some(from), kind, to))
            .await
            .unwrap();
    }
    let r = store.pay_run(month, t()).await.unwrap().unwrap();
    assert_eq!(
        (r.state, r.people, r.total_fen, r.comment.as_str()),
        (S::Paid, 2, 400_000, "")
    );
    let moves: Vec<(u32, PayMoveKind, String)> = store
        .pay_moves(month, t())
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.entry.seq, m.entry.kind, m.by))
        .collect();
    assert_eq!(moves.len(), 8);
    assert_eq!(moves[7], (8, K::Pay, "fin".to_owned()));
    assert_eq!(store.pay_runs(month).await.unwrap().len(), 1);
    // A stale move writes nothing.
    let e = store
        .move_pay("fin", None, &pay_change(Some(S::Approved), K::Pay, S::Paid))
        .await
        .unwrap_err();
    assert!(matches!(&e, StoreError::Stale), "{e}");
    assert!(e.to_string().contains("刷新"), "{e}");
    // The other month is untouched; the demo's actor marks a demo.
    let all: Vec<PayRecord> = store.list().await.unwrap();
    assert!(all.contains(&other_month));
    assert!(store.has_actor("测试").await.unwrap());
    assert!(!store.has_actor("演示数据").await.unwrap());
}
both_backends!(
    pay_runs_on,
    a_pay_run_is_computed_reviewed_approved_and_paid
);

// ---- competency evaluations (issue 5, item 5) ----

/// What the reviewer saw of `part`: the first version entered.
fn seen(part: SignPart) -> EvalSignoff {
    EvalSignoff {
        year: 2025,
        half: 1,
        town: t(),
        part,
        state: SignState::Entered,
        version: 1,
        entered_by: "op".into(),
        confirmed_by: String::new(),
    }
}

async fn an_evaluation_takes_codes_once_and_closes_with_ballots_and_cases(db: TestDb) {
    let store = seeded(&db).await;
    let e = Evaluation {
        year: 2025,
        half: 1,
        town: t(),
        state: EvalState::Open,
        opened_on: date!(2025 - 06 - 20),
        closed_on: None,
    };
    store.open_evaluation("op", None, &e).await.unwrap();
    assert!(
        store.open_evaluation("op", None, &e).await.is_err(),
        "once a half year"
    );
    // Eligible raters: 3 Party members, 10 public representatives, as
    // the operator declares them and the reviewer confirms.
    let raters = |group, eligible| RaterCount {
        year: 2025,
        half: 1,
        person: cid(A),
        group,
        town: t(),
        eligible,
    };
    store
        .declare_raters(
            "op",
            None,
            2025,
            1,
            t(),
            &[
                raters(RaterGroup::PartyMembers, 3),
                raters(RaterGroup::PublicReps, 10),
            ],
        )
        .await
        .unwrap();
    store
        .confirm_signoff("rev", None, &seen(SignPart::Raters))
        .await
        .unwrap();
    let code = |h: &str| VoteToken {
        token_hash: h.into(),
        year: 2025,
        half: 1,
        town: t(),
        person: cid(A),
        group: RaterGroup::PartyMembers,
        used: false,
    };
    store
        .issue_codes(
            "op",
            None,
            2025,
            1,
            t(),
            &[code("h1"), code("h2"), code("h3")],
        )
        .await
        .unwrap();
    assert!(store.vote("匿名", "h1", Choice::Competent).await.unwrap());
    assert!(
        !store
            .vote("匿名", "h1", Choice::NotCompetent)
            .await
            .unwrap(),
        "a code votes once"
    );
    assert!(!store.vote("匿名", "nope", Choice::Competent).await.unwrap());
    assert!(
        store
            .vote("匿名", "h2", Choice::NotCompetent)
            .await
            .unwrap()
    );
    let counts = store.code_counts(2025, 1, t()).await.unwrap();
    assert_eq!((counts[0].issued, counts[0].used), (3, 2));
    let tallies = store.code_tallies(2025, 1, t()).await.unwrap();
    assert_eq!(
        tallies,
        [(
            cid(A),
            RaterGroup::PartyMembers,
            touyan_storage::Tally {
                competent: 1,
                basically_competent: 0,
                not_competent: 1
            }
        )]
    );
    let paper = PaperCount {
        year: 2025,
        half: 1,
        person: cid(A),
        group: RaterGroup::PublicReps,
        town: t(),
        competent: 5,
        basically_competent: 1,
        not_competent: 2,
    };
    store
        .save_paper_counts("op", None, 2025, 1, t(), std::slice::from_ref(&paper))
        .await
        .unwrap();
    assert_eq!(
        store.paper_counts(2025, 1, t()).await.unwrap(),
        std::slice::from_ref(&paper)
    );
    store
        .confirm_signoff("rev", None, &seen(SignPart::Paper))
        .await
        .unwrap();
    let case = EvalCase {
        year: 2025,
        half: 1,
        person: cid(A),
        town: t(),
        kind: CaseKind::Interview,
        state: CaseState::Open,
        reason: "胜任率 70%".into(),
        note: String::new(),
        done_on: None,
    };
    let ballots = Ballots {
        person: cid(A),
        year: 2025,
        half: 1,
        group: RaterGroup::PartyMembers,
        competent: 1,
        basically_competent: 0,
        not_competent: 1,
    };
    let mut closed = e.clone();
    closed.state = EvalState::Closed;
    closed.closed_on = Some(date!(2025 - 06 - 30));
    store
        .close_evaluation(
            "rev",
            None,
            &closed,
            &touyan_storage::Closing {
                ballots: vec![ballots.clone()],
                cases: vec![case.clone()],
                paper_version: Some(1),
                votes: 2,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        store.evaluation(2025, 1, t()).await.unwrap(),
        Some(closed.clone())
    );
    let stored: Vec<Ballots> = store.list().await.unwrap();
    assert_eq!(stored, [ballots]);
    // Closed: no more votes, counts or codes; closing again is refused.
    assert!(store.vote("匿名", "h3", Choice::Competent).await.is_err());
    assert!(
        store
            .save_paper_counts("op", None, 2025, 1, t(), &[paper])
            .await
            .is_err()
    );
    assert!(
        store
            .issue_codes("op", None, 2025, 1, t(), &[code("h4")])
            .await
            .is_err()
    );
    assert!(
        store
            .close_evaluation("rev", None, &closed, &touyan_storage::Closing::default())
            .await
            .is_err()
    );
    // The case: open on the dashboard until held.
    assert_eq!(
        store.open_cases(Some(T)).await.unwrap(),
        std::slice::from_ref(&case)
    );
    let mut held = case.clone();
    held.state = CaseState::Held;
    held.note = "已约谈，安排补学".into();
    held.done_on = Some(date!(2025 - 07 - 05));
    let admonition = Admonition {
        person: cid(A),
        held_on: date!(2025 - 07 - 05),
        article: 12,
        reason: "胜任率 70%".into(),
        make_up_study_done_on: None,
    };
    store
        .end_case("op", None, &held, Some(&admonition), None)
        .await
        .unwrap();
    assert!(store.open_cases(Some(T)).await.unwrap().is_empty());
    assert!(
        store.end_case("op", None, &held, None, None).await.is_err(),
        "ended once"
    );
    let adm: Vec<Admonition> = store.list().await.unwrap();
    assert_eq!(adm, [admonition]);
    assert_eq!(store.eval_cases(2025, 1, t()).await.unwrap(), [held]);
    assert_eq!(store.evaluations(2025, 1).await.unwrap().len(), 1);
}
both_backends!(
    evaluations_on,
    an_evaluation_takes_codes_once_and_closes_with_ballots_and_cases
);
