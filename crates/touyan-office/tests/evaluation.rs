//! The competency evaluation through the office (Article 12): the raters
//! declared and confirmed as the reviewer saw them, codes and paper
//! counts up to the confirmed raters and not one more, the votes, the
//! results hidden until closed, the case the rate opens. Each refusal
//! writes nothing. On SQLite and PostgreSQL.
//!
//! The town of `common`: 第1村村委会 周九 and 第3村村委会 赵六 are on the
//! filed list of 2025 (in that order); the evaluation is its first half.

mod common;

use common::*;
use touyan_office::evaluation::{self as ev, CaseMove, EvalMove, NewCode, TownHalf};
use touyan_office::{By, OfficeError};
use touyan_records::CitizenId;
use touyan_records::model::{
    Admonition, CaseKind, CaseState, Choice, EvalCase, EvalState, Exit, ExitReason, PaperCount,
    RaterGroup, SignPart, SignState,
};
use touyan_rules::Policy;
use touyan_storage::testing::TestDb;
use touyan_storage::{Store, both_backends};
use touyan_workflow::Role;

const PARTY: RaterGroup = RaterGroup::PartyMembers;
const PUBLIC: RaterGroup = RaterGroup::PublicReps;
const LIAISON: RaterGroup = RaterGroup::LiaisonCadres;

/// What a page showing the open evaluation sends as `seen`.
const OPEN: Option<Option<EvalState>> = Some(Some(EvalState::Open));

fn op() -> By<'static> {
    by(Role::TownOperator, Some(T1))
}

/// The town's reviewer: another user than the operator ("测试").
fn rev() -> By<'static> {
    By {
        name: "审核",
        ..by(Role::TownReviewer, Some(T1))
    }
}

async fn opened(db: &TestDb) -> Store {
    let store = db.open().await;
    store.apply("测试", &records()).await.unwrap();
    store
}

async fn half(store: &Store) -> TownHalf {
    ev::town_half(store, 2025, 1, town()).await.unwrap()
}

/// The text sent for each secretary and group ("" when not named).
fn sent<'a>(
    rows: &'a [(CitizenId, RaterGroup, &'a str)],
) -> impl Fn(&CitizenId, RaterGroup) -> &'a str {
    move |p, g| {
        rows.iter()
            .find(|(q, h, _)| q == p && *h == g)
            .map_or("", |r| r.2)
    }
}

/// The paper counts sent: competent, basically, not competent.
fn paper_sent<'a>(
    rows: &'a [(CitizenId, RaterGroup, [&'a str; 3])],
) -> impl Fn(&CitizenId, RaterGroup, usize) -> &'a str {
    move |p, g, i| {
        rows.iter()
            .find(|(q, h, _)| q == p && *h == g)
            .map_or("", |r| r.2[i])
    }
}

fn invalid<T: std::fmt::Debug>(r: Result<T, OfficeError>) -> String {
    match r {
        Err(OfficeError::Invalid(m)) => m,
        other => panic!("{other:?}"),
    }
}

fn conflict<T: std::fmt::Debug>(r: Result<T, OfficeError>) -> String {
    match r {
        Err(OfficeError::Conflict(m)) => m,
        other => panic!("{other:?}"),
    }
}

/// Opens the evaluation and declares `raters` (as the operator).
async fn declared(store: &Store, raters: &[(CitizenId, RaterGroup, &str)]) {
    let th = half(store).await;
    ev::open(store, op(), &th, Some(None), TODAY).await.unwrap();
    let th = half(store).await;
    ev::declare_raters(store, op(), &th, OPEN, sent(raters))
        .await
        .unwrap();
}

/// Confirms the last entry of `mv`'s part (as the reviewer).
async fn confirmed(store: &Store, mv: EvalMove) {
    let th = half(store).await;
    let part = mv.confirms().unwrap();
    let version = th.signoff(part).unwrap().version.to_string();
    ev::confirm(store, rev(), &th, OPEN, mv, &version)
        .await
        .unwrap();
}

/// `n` codes made as the web makes them, but known: token `t<i>`, hash
/// `h<i>` from `from`.
fn made(from: usize, n: usize) -> Vec<NewCode> {
    (from..from + n)
        .map(|i| NewCode {
            token: format!("t{i}"),
            hash: format!("h{i}"),
        })
        .collect()
}

async fn raters_are_declared_and_confirmed_as_seen(db: TestDb) {
    let store = opened(&db).await;
    let th = half(&store).await;
    ev::open(&store, op(), &th, Some(None), TODAY)
        .await
        .unwrap();
    let th = half(&store).await;
    let good = [
        (zhou(), PARTY, "3"),
        (zhou(), PUBLIC, "2"),
        (zhao(), PARTY, "2"),
    ];
    // The reviewer declares nothing; another town's operator does not
    // see the town; a page showing the evaluation not yet open is stale.
    assert!(matches!(
        ev::declare_raters(&store, rev(), &th, OPEN, sent(&good)).await,
        Err(OfficeError::Forbidden(_))
    ));
    assert!(matches!(
        ev::declare_raters(
            &store,
            by(Role::TownOperator, Some(T2)),
            &th,
            OPEN,
            sent(&good)
        )
        .await,
        Err(OfficeError::NotFound)
    ));
    assert_eq!(
        conflict(ev::declare_raters(&store, op(), &th, Some(None), sent(&good)).await),
        "评价已被他人处理，状态已经改变，请核对后重新办理"
    );
    // The first thing wrong in the page's order: 周九's public
    // representatives before 赵六's Party members.
    let bad = [
        (zhou(), PARTY, "3"),
        (zhou(), PUBLIC, "x"),
        (zhao(), PARTY, "y"),
    ];
    assert_eq!(
        invalid(ev::declare_raters(&store, op(), &th, OPEN, sent(&bad)).await),
        "第1村村委会 周九 的群众代表评价人数“x”不是 0 至 100000 的整数"
    );
    // 100 000 is the most; one more is refused.
    let over = [(zhou(), PARTY, "100001")];
    assert_eq!(
        invalid(ev::declare_raters(&store, op(), &th, OPEN, sent(&over)).await),
        "第1村村委会 周九 的党员评价人数“100001”不是 0 至 100000 的整数"
    );
    assert!(
        store
            .rater_counts(2025, 1, town())
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .eval_signoffs(2025, 1, town())
            .await
            .unwrap()
            .is_empty()
    );

    // Every listed secretary's counted groups, "" as 0.
    let counts = ev::declare_raters(&store, op(), &th, OPEN, sent(&good))
        .await
        .unwrap();
    let got: Vec<(CitizenId, RaterGroup, u32)> = counts
        .iter()
        .map(|c| (c.person.clone(), c.group, c.eligible))
        .collect();
    assert_eq!(
        got,
        [
            (zhou(), PARTY, 3),
            (zhou(), PUBLIC, 2),
            (zhao(), PARTY, 2),
            (zhao(), PUBLIC, 0),
        ]
    );
    assert_eq!(store.rater_counts(2025, 1, town()).await.unwrap().len(), 4);

    // Confirming: not by the operator, not by who entered it, not a
    // version the reviewer did not see.
    let th = half(&store).await;
    let s = th.signoff(SignPart::Raters).unwrap();
    assert_eq!(
        (s.state, s.version, s.entered_by.as_str()),
        (SignState::Entered, 1, "测试")
    );
    let confirm = |by, version| {
        let (store, th) = (&store, &th);
        async move { ev::confirm(store, by, th, OPEN, EvalMove::ConfirmRaters, version).await }
    };
    assert!(matches!(
        confirm(op(), "1").await,
        Err(OfficeError::Forbidden(_))
    ));
    match confirm(by(Role::TownReviewer, Some(T1)), "1").await {
        Err(OfficeError::Forbidden(m)) => {
            assert!(
                m.starts_with("评价人数由 测试 本人录入，录入人不能自己确认"),
                "{m}"
            )
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        conflict(confirm(rev(), "2").await),
        "评价人数已被重新录入，请核对后再确认"
    );
    assert_eq!(
        conflict(confirm(rev(), "").await),
        "评价人数已被重新录入，请核对后再确认"
    );
    assert_eq!(
        store.eval_signoffs(2025, 1, town()).await.unwrap()[0].state,
        SignState::Entered
    );
    // Not a confirming move.
    assert_eq!(
        invalid(ev::confirm(&store, rev(), &th, OPEN, EvalMove::Close, "1").await),
        "未指明要办理的操作"
    );
    let s = confirm(rev(), "1").await.unwrap();
    assert_eq!(
        (s.state, s.confirmed_by.as_str()),
        (SignState::Confirmed, "审核")
    );
    let stored = store.eval_signoffs(2025, 1, town()).await.unwrap();
    assert_eq!(stored, [s]);
    db.finish().await;
}
both_backends!(raters, raters_are_declared_and_confirmed_as_seen);

async fn codes_up_to_the_confirmed_raters_and_not_one_more(db: TestDb) {
    let store = opened(&db).await;
    declared(
        &store,
        &[
            (zhou(), PARTY, "3"),
            (zhou(), PUBLIC, "2"),
            (zhao(), PARTY, "3"),
        ],
    )
    .await;
    let th = half(&store).await;
    let party = |n: &'static str| move |g: RaterGroup| if g == PARTY { n } else { "" };
    // Not before the reviewer confirms the raters.
    let m = conflict(ev::ask_codes(&op(), &th, OPEN, party("1")));
    assert!(
        m.starts_with("评价人数已申报，尚待镇街审核确认，不能“生成投票码”")
            && m.ends_with("（第十二条）"),
        "{m}"
    );
    confirmed(&store, EvalMove::ConfirmRaters).await;
    let th = half(&store).await;
    assert!(matches!(
        ev::ask_codes(&rev(), &th, OPEN, party("1")),
        Err(OfficeError::Forbidden(_))
    ));
    assert_eq!(
        invalid(ev::ask_codes(&op(), &th, OPEN, party("201"))),
        "党员投票码数量“201”不是 0 至 200 的整数"
    );
    assert_eq!(
        invalid(ev::ask_codes(&op(), &th, OPEN, party(""))),
        "请填写每位书记需要的投票码数量（本年度须有已备案名单）"
    );
    // 4 of 3: one more than the room.
    assert_eq!(
        invalid(ev::ask_codes(&op(), &th, OPEN, party("4"))),
        "第1村村委会 周九的党员评价人数经镇街审核确认为 3 人，已发投票码 0 个、已录纸质票 0 张，\
         不能再发 4 个：每名评价人只能投一票，投票码不能超过确认的评价人数（第十二条）"
    );
    // 赵六 has no public representatives declared (0): not one code.
    assert_eq!(
        invalid(ev::ask_codes(&op(), &th, OPEN, |g| if g == PUBLIC {
            "1"
        } else {
            ""
        })),
        "第3村村委会 赵六的群众代表评价人数经镇街审核确认为 0 人，已发投票码 0 个、已录纸质票 0 张，\
         不能再发 1 个：每名评价人只能投一票，投票码不能超过确认的评价人数（第十二条）"
    );
    // Exactly 3 each: 6 codes, 周九's first.
    let asked = ev::ask_codes(&op(), &th, OPEN, party("3")).unwrap();
    assert_eq!(asked.len(), 6);
    // The adapter making fewer codes than asked is a bug of ours: an
    // internal error, nothing written.
    match ev::issue_codes(&store, op(), asked.clone(), made(0, 5)).await {
        Err(OfficeError::Store(e)) => {
            assert_eq!(e.to_string(), "内部错误：需要 6 个投票码，收到 5 个")
        }
        other => panic!("{other:?}"),
    }
    assert!(store.code_counts(2025, 1, town()).await.unwrap().is_empty());
    let issued = ev::issue_codes(&store, op(), asked, made(0, 6))
        .await
        .unwrap();
    let got: Vec<(String, RaterGroup, String)> = issued
        .iter()
        .map(|c| {
            (
                format!("{} {}", c.village_name, c.name),
                c.group,
                c.token.clone(),
            )
        })
        .collect();
    let want: Vec<(String, RaterGroup, String)> = (0..6)
        .map(|i| {
            let who = if i < 3 {
                "第1村村委会 周九"
            } else {
                "第3村村委会 赵六"
            };
            (who.to_owned(), PARTY, format!("t{i}"))
        })
        .collect();
    assert_eq!(got, want);
    let counts = store.code_counts(2025, 1, town()).await.unwrap();
    assert_eq!(
        counts
            .iter()
            .map(|c| (c.group, c.issued, c.used))
            .collect::<Vec<_>>(),
        [(PARTY, 3, 0), (PARTY, 3, 0)]
    );
    let batches = store.code_batches(2025, 1, town()).await.unwrap();
    assert_eq!(batches.len(), 1);
    let b = &batches[0];
    assert_eq!(
        (
            b.batch.seq,
            b.batch.group,
            b.batch.people,
            b.batch.codes,
            b.by.as_str()
        ),
        (1, PARTY, 2, 6, "测试")
    );
    // The room is used up: one more is refused, nothing written.
    let th = half(&store).await;
    assert_eq!(
        invalid(ev::ask_codes(&op(), &th, OPEN, party("1"))),
        "第1村村委会 周九的党员评价人数经镇街审核确认为 3 人，已发投票码 3 个、已录纸质票 0 张，\
         不能再发 1 个：每名评价人只能投一票，投票码不能超过确认的评价人数（第十二条）"
    );
    assert_eq!(store.code_batches(2025, 1, town()).await.unwrap().len(), 1);
    db.finish().await;
}
both_backends!(codes, codes_up_to_the_confirmed_raters_and_not_one_more);

async fn paper_within_the_raters_replaces_what_was_entered(db: TestDb) {
    let store = opened(&db).await;
    declared(
        &store,
        &[
            (zhou(), PARTY, "3"),
            (zhou(), PUBLIC, "2"),
            (zhao(), PARTY, "1"),
        ],
    )
    .await;
    confirmed(&store, EvalMove::ConfirmRaters).await;
    let th = half(&store).await;
    // One code each for the Party members.
    let asked = ev::ask_codes(&op(), &th, OPEN, |g| if g == PARTY { "1" } else { "" }).unwrap();
    ev::issue_codes(&store, op(), asked, made(0, 2))
        .await
        .unwrap();
    let th = half(&store).await;

    // 周九's Party members: 1 code + 3 ballots = 4 of 3.
    let over = [(zhou(), PARTY, ["1", "1", "1"])];
    assert_eq!(
        invalid(ev::enter_paper(&store, op(), &th, OPEN, paper_sent(&over)).await),
        "第1村村委会 周九的党员纸质票 3 张加已发投票码 1 个超过了经镇街审核确认的评价人数 3 人：\
         每名评价人只能投一票（第十二条）"
    );
    // A group without declared raters is bounded only by the form.
    let big = [(zhou(), LIAISON, ["100001", "", ""])];
    assert_eq!(
        invalid(ev::enter_paper(&store, op(), &th, OPEN, paper_sent(&big)).await),
        "第1村村委会 周九 的包村干部票数“100001”不是 0 至 100000 的整数"
    );
    assert!(matches!(
        ev::enter_paper(&store, rev(), &th, OPEN, paper_sent(&over)).await,
        Err(OfficeError::Forbidden(_))
    ));
    assert!(
        store
            .paper_counts(2025, 1, town())
            .await
            .unwrap()
            .is_empty()
    );

    // Exactly 3 (1 code + 2 ballots), 2 of 2, and 100 000 liaison cadres.
    let fits = [
        (zhou(), PARTY, ["1", "1", ""]),
        (zhou(), PUBLIC, ["2", "0", "0"]),
        (zhou(), LIAISON, ["100000", "", ""]),
    ];
    let counts = ev::enter_paper(&store, op(), &th, OPEN, paper_sent(&fits))
        .await
        .unwrap();
    // Every listed secretary and every group.
    assert_eq!(counts.len(), 8);
    let of = |c: &[PaperCount], p: &CitizenId, g| {
        c.iter()
            .find(|x| x.person == *p && x.group == g)
            .map(|x| [x.competent, x.basically_competent, x.not_competent])
    };
    assert_eq!(of(&counts, &zhou(), PARTY), Some([1, 1, 0]));
    assert_eq!(of(&counts, &zhou(), LIAISON), Some([100_000, 0, 0]));
    assert_eq!(of(&counts, &zhao(), PARTY), Some([0, 0, 0]));
    assert_eq!(store.paper_counts(2025, 1, town()).await.unwrap().len(), 8);

    // Entered again, the new total replaces the old: 1 code + 2 = 3 fits
    // (it would be 5 if added).
    let th = half(&store).await;
    let again = [
        (zhou(), PARTY, ["2", "", ""]),
        (zhou(), PUBLIC, ["2", "", ""]),
    ];
    ev::enter_paper(&store, op(), &th, OPEN, paper_sent(&again))
        .await
        .unwrap();
    let stored = store.paper_counts(2025, 1, town()).await.unwrap();
    assert_eq!(of(&stored, &zhou(), PARTY), Some([2, 0, 0]));
    assert_eq!(of(&stored, &zhou(), LIAISON), Some([0, 0, 0]));
    let th = half(&store).await;
    assert_eq!(th.signoff(SignPart::Paper).unwrap().version, 2);

    // Declared again: not below 1 code + 2 ballots = 3.
    let below = [
        (zhou(), PARTY, "2"),
        (zhou(), PUBLIC, "2"),
        (zhao(), PARTY, "1"),
    ];
    assert_eq!(
        invalid(ev::declare_raters(&store, op(), &th, OPEN, sent(&below)).await),
        "第1村村委会 周九的党员评价人数不能少于已发投票码 1 个和已录纸质票 2 张的合计 3 人（第十二条）"
    );
    assert_eq!(
        th.signoff(SignPart::Raters).unwrap().state,
        SignState::Confirmed
    );
    let exactly = [
        (zhou(), PARTY, "3"),
        (zhou(), PUBLIC, "2"),
        (zhao(), PARTY, "1"),
    ];
    ev::declare_raters(&store, op(), &th, OPEN, sent(&exactly))
        .await
        .unwrap();
    // Awaiting the reviewer again: no paper until confirmed.
    let th = half(&store).await;
    let m = conflict(ev::enter_paper(&store, op(), &th, OPEN, paper_sent(&again)).await);
    assert!(
        m.starts_with("评价人数已申报，尚待镇街审核确认，不能“录入纸质票”"),
        "{m}"
    );
    db.finish().await;
}
both_backends!(paper, paper_within_the_raters_replaces_what_was_entered);

async fn results_are_hidden_until_closed_and_a_code_votes_once(db: TestDb) {
    let store = opened(&db).await;
    declared(
        &store,
        &[
            (zhou(), PARTY, "10"),
            (zhou(), PUBLIC, "10"),
            (zhao(), PARTY, "10"),
        ],
    )
    .await;
    confirmed(&store, EvalMove::ConfirmRaters).await;
    let th = half(&store).await;
    // h0, h1: 周九's; h2, h3: 赵六's.
    let asked = ev::ask_codes(&op(), &th, OPEN, |g| if g == PARTY { "2" } else { "" }).unwrap();
    ev::issue_codes(&store, op(), asked, made(0, 4))
        .await
        .unwrap();

    assert!(matches!(
        ev::ballot(&store, "nothing").await,
        Err(OfficeError::NotFound)
    ));
    let b0 = ev::ballot(&store, "h0").await.unwrap();
    assert_eq!(
        (b0.who.as_str(), b0.code.group),
        ("第1村村委会 周九", PARTY)
    );
    ev::vote(&store, &b0, Choice::Competent).await.unwrap();
    // Read before it voted, cast again: refused, not counted.
    assert_eq!(
        conflict(ev::vote(&store, &b0, Choice::NotCompetent).await),
        "该投票码已经投过票，或评价已经结束"
    );
    assert_eq!(
        conflict(ev::ballot(&store, "h0").await),
        "该投票码已经投过票，每个投票码只能投一次"
    );
    let b1 = ev::ballot(&store, "h1").await.unwrap();
    ev::vote(&store, &b1, Choice::NotCompetent).await.unwrap();
    let b2 = ev::ballot(&store, "h2").await.unwrap();
    assert_eq!(b2.who, "第3村村委会 赵六");
    ev::vote(&store, &b2, Choice::Competent).await.unwrap();
    let b3 = ev::ballot(&store, "h3").await.unwrap();

    // 周九's public representatives on paper: 7 / 1 / 1.
    let th = half(&store).await;
    let paper = [(zhou(), PUBLIC, ["7", "1", "1"])];
    ev::enter_paper(&store, op(), &th, OPEN, paper_sent(&paper))
        .await
        .unwrap();
    confirmed(&store, EvalMove::ConfirmPaper).await;

    // Nothing of the votes before closing.
    let th = half(&store).await;
    assert!(!th.results_visible());
    assert_eq!(th.result(&zhou(), PARTY), None);
    assert_eq!(th.result(&zhou(), PUBLIC), None);
    assert!(th.ballots.is_empty());

    let policy = Policy::example();
    assert!(matches!(
        ev::close(&store, op(), &policy, &th, OPEN, TODAY).await,
        Err(OfficeError::Forbidden(_))
    ));
    ev::close(&store, rev(), &policy, &th, OPEN, TODAY)
        .await
        .unwrap();

    // 周九: Party members 1 / 0 / 1 by code, public representatives
    // 7 / 1 / 1 on paper: 9 passing of 11 = 81.8%, below 90% and not
    // below 80%: an interview. 赵六: 1 of 1: nothing.
    let th = half(&store).await;
    assert!(th.results_visible());
    assert_eq!(th.result(&zhou(), PARTY), Some([1, 0, 1]));
    assert_eq!(th.result(&zhou(), PUBLIC), Some([7, 1, 1]));
    assert_eq!(th.result(&zhou(), LIAISON), Some([0, 0, 0]));
    assert_eq!(th.result(&zhao(), PARTY), Some([1, 0, 0]));
    assert_eq!(th.ballot_counts(&zhao(), PUBLIC), [0, 0, 0]);
    assert_eq!(th.cases.len(), 1);
    let case = th.case(|p| *p == zhou()).unwrap();
    assert_eq!(case.kind, CaseKind::Interview);
    assert!(case.reason.contains("第十二条"), "{}", case.reason);
    assert_eq!(invalid(th.case(|p| *p == zhao())), "没有找到该事项");
    assert_eq!(th.case_moves(&op(), &case), [CaseMove::Hold]);
    assert!(th.case_moves(&rev(), &case).is_empty());
    assert!(
        th.case_moves(&by(Role::TownOperator, Some(T2)), &case)
            .is_empty()
    );

    // Closed: no more votes, the last code's included.
    assert_eq!(
        conflict(ev::ballot(&store, "h3").await),
        "本次评价已经结束，不能再投票"
    );
    assert_eq!(
        conflict(ev::vote(&store, &b3, Choice::Competent).await),
        "该投票码已经投过票，或评价已经结束"
    );
    let used: u32 = store
        .code_counts(2025, 1, town())
        .await
        .unwrap()
        .iter()
        .map(|c| c.used)
        .sum();
    assert_eq!(used, 3);

    // The interview held: not on a day after today; then the admonition.
    let tomorrow = TODAY.next_day().unwrap();
    assert_eq!(
        invalid(
            ev::end_case(
                &store,
                op(),
                &th,
                &policy,
                &case,
                CaseMove::Hold,
                "已约谈",
                tomorrow,
                TODAY
            )
            .await
        ),
        ev::DAY_WANTED
    );
    assert!(store.list::<Admonition>().await.unwrap().is_empty());
    let ended = ev::end_case(
        &store,
        op(),
        &th,
        &policy,
        &case,
        CaseMove::Hold,
        "已约谈",
        TODAY,
        TODAY,
    )
    .await
    .unwrap();
    assert_eq!(ended.done_on, Some(TODAY));
    let admonitions = store.list::<Admonition>().await.unwrap();
    assert_eq!(admonitions.len(), 1);
    assert_eq!(
        (admonitions[0].person.clone(), admonitions[0].article),
        (zhou(), 12)
    );
    db.finish().await;
}
both_backends!(
    results,
    results_are_hidden_until_closed_and_a_code_votes_once
);

/// The example policy with Article 12's exit switch
/// (`exit.on_failed_evaluation`) turned off from 1 June 2025.
fn no_exit_from_1_june() -> Policy {
    let src = touyan_rules::policy::EXAMPLE_POLICY_TOML;
    let (head, tail) = src.split_once("[exit.on_failed_evaluation]").unwrap();
    let tail = tail.replacen(
        "values = [{ since = 2000-01-01, value = true }]",
        "values = [{ since = 2000-01-01, value = true }, { since = 2025-06-01, value = false }]",
        1,
    );
    let src = format!("{head}[exit.on_failed_evaluation]{tail}");
    assert_ne!(src, touyan_rules::policy::EXAMPLE_POLICY_TOML);
    Policy::parse(&src).expect("policy")
}

/// 周九's Party members on paper 5 / 1 / 4: 6 passing of 10 = 60%, below
/// 80%: the closed evaluation opens an exit case.
async fn exit_case(store: &Store) -> (TownHalf, EvalCase) {
    declared(store, &[(zhou(), PARTY, "10")]).await;
    confirmed(store, EvalMove::ConfirmRaters).await;
    let th = half(store).await;
    let paper = [(zhou(), PARTY, ["5", "1", "4"])];
    ev::enter_paper(store, op(), &th, OPEN, paper_sent(&paper))
        .await
        .unwrap();
    confirmed(store, EvalMove::ConfirmPaper).await;
    let th = half(store).await;
    ev::close(store, rev(), &Policy::example(), &th, OPEN, TODAY)
        .await
        .unwrap();
    let th = half(store).await;
    let case = th.case(|p| *p == zhou()).unwrap();
    assert_eq!(case.kind, CaseKind::Exit);
    assert_eq!(th.case_moves(&rev(), &case), CaseMove::ALL[1..]);
    (th, case)
}

/// Issue 17: Article 12's exit follows the policy's switch in force on
/// the day the finding is confirmed. On (the example policy, or the day
/// before it is turned off): the exit is recorded with the case.
async fn a_confirmed_failure_exits_while_the_switch_is_on(db: TestDb) {
    let store = opened(&db).await;
    let (th, case) = exit_case(&store).await;
    let may_31 = time::macros::date!(2025 - 05 - 31);
    let ended = ev::end_case(
        &store,
        rev(),
        &th,
        &no_exit_from_1_june(),
        &case,
        CaseMove::Confirm,
        "经镇党委研究，确实不能胜任",
        may_31,
        TODAY,
    )
    .await
    .unwrap();
    assert_eq!(ended.state, CaseState::Confirmed);
    assert_eq!(ended.note, "经镇党委研究，确实不能胜任");
    let exits = store.list::<Exit>().await.unwrap();
    assert_eq!(exits.len(), 1);
    assert_eq!(
        (exits[0].person.clone(), exits[0].on, exits[0].reason),
        (zhou(), may_31, ExitReason::FailedEvaluation)
    );
    let th = half(&store).await;
    assert_eq!(th.cases[0].note, "经镇党委研究，确实不能胜任");
    assert_eq!(th.case_state(&th.cases[0]), "已确认退出");
    db.finish().await;
}
both_backends!(switch_on, a_confirmed_failure_exits_while_the_switch_is_on);

/// Off on the day of the confirmation: the finding is recorded (the case
/// confirmed, with the note), no exit, and the note says why, citing the
/// switch and Article 12. Ended once: a second confirmation is refused.
async fn a_confirmed_failure_records_no_exit_when_the_switch_is_off(db: TestDb) {
    let store = opened(&db).await;
    let (th, case) = exit_case(&store).await;
    let policy = no_exit_from_1_june();
    let ended = ev::end_case(
        &store,
        rev(),
        &th,
        &policy,
        &case,
        CaseMove::Confirm,
        "经镇党委研究，确实不能胜任",
        TODAY,
        TODAY,
    )
    .await
    .unwrap();
    let why = "确认之日（2025-06-02）适用的政策参数 exit.on_failed_evaluation（2025-06-01 起）为“否”：只记录确实不能胜任的认定，不记录退出专业化管理（第十二条）";
    assert_eq!(ended.state, CaseState::Confirmed);
    assert_eq!(ended.done_on, Some(TODAY));
    assert_eq!(ended.note, format!("经镇党委研究，确实不能胜任；{why}"));
    assert!(store.list::<Exit>().await.unwrap().is_empty());
    let th = half(&store).await;
    assert_eq!(th.cases[0].state, CaseState::Confirmed);
    assert_eq!(th.cases[0].note, ended.note);
    // What pages say: confirmed, no exit.
    assert_eq!(
        th.case_state(&th.cases[0]),
        "已确认不能胜任（本市政策不据此退出）"
    );
    assert!(store.open_cases(Some(T1)).await.unwrap().is_empty());
    // Ended: confirming again (as the page seen before) changes nothing.
    assert!(
        ev::end_case(
            &store,
            rev(),
            &th,
            &policy,
            &case,
            CaseMove::Confirm,
            "",
            TODAY,
            TODAY,
        )
        .await
        .is_err()
    );
    assert!(store.list::<Exit>().await.unwrap().is_empty());
    // An exit of the same day on another ground is not the case's.
    store
        .upsert(
            "测试",
            &[Exit {
                person: zhou(),
                on: TODAY,
                reason: ExitReason::LeftOffice,
                note: String::new(),
                programme: touyan_records::model::Programme::Secretary,
            }],
        )
        .await
        .unwrap();
    let th = half(&store).await;
    assert_eq!(
        th.case_state(&th.cases[0]),
        "已确认不能胜任（本市政策不据此退出）"
    );
    db.finish().await;
}
both_backends!(
    switch_off,
    a_confirmed_failure_records_no_exit_when_the_switch_is_off
);
