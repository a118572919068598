//! Ballots that cannot be stuffed (issue 15, item 5; Article 12), in the
//! store: codes only within the raters the town declared and its reviewer
//! confirmed, paper counts that count only once another person confirmed
//! them, and votes that leave nothing joining a code to its choice — read
//! from every table a vote touched, and from data stored before
//! `m0015_ballot_integrity`. Every body runs on SQLite and PostgreSQL.

use std::collections::{BTreeMap, BTreeSet};

use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use time::macros::date;
use touyan_records::model::*;
use touyan_records::{CitizenId, CommitteeKind, TownCode, VillageCode};
use touyan_rules::people::Education;
use touyan_storage::testing::TestDb;
use touyan_storage::{
    Backend, Batch, Closing, EvaluationRefusal, Store, StoreError, Town, Village, both_backends,
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

const T: &str = "370783100";
const V1: &str = "370783100201";
const A: &str = "37078319700101001";
/// Who the change log names for a vote.
const VOTER: &str = "匿名评价人";

fn t() -> TownCode {
    TownCode::parse(T).unwrap()
}

async fn seeded(db: &TestDb) -> Store {
    let store = db.open().await;
    let batch = Batch {
        towns: vec![Town {
            code: t(),
            name: "洛城街道".into(),
        }],
        villages: vec![Village {
            code: VillageCode::parse(V1).unwrap(),
            name: "东村村委会".into(),
            kind: CommitteeKind::classify("东村村委会"),
        }],
        people: vec![Person {
            id: cid(A),
            name: "张三".into(),
            full_time_education: None,
            in_service_education: Some(Education::College),
        }],
        ..Batch::default()
    };
    store.apply("测试", &batch).await.unwrap();
    store
        .open_evaluation(
            "op",
            None,
            &Evaluation {
                year: 2025,
                half: 1,
                town: t(),
                state: EvalState::Open,
                opened_on: date!(2025 - 06 - 02),
                closed_on: None,
            },
        )
        .await
        .unwrap();
    store
}

fn raters(group: RaterGroup, eligible: u32) -> RaterCount {
    RaterCount {
        year: 2025,
        half: 1,
        person: cid(A),
        group,
        town: t(),
        eligible,
    }
}

/// A code's hash (64 hex digits, as the server makes them).
fn hash(n: u8) -> String {
    format!("{:064x}", 0xC0DE_0000_u64 + u64::from(n))
}

fn code(n: u8, group: RaterGroup) -> VoteToken {
    VoteToken {
        token_hash: hash(n),
        year: 2025,
        half: 1,
        town: t(),
        person: cid(A),
        group,
        used: false,
    }
}

async fn issue(store: &Store, codes: &[VoteToken]) -> Result<(), StoreError> {
    store
        .issue_codes("op", None, 2025, 1, t(), codes)
        .await
        .map(drop)
}

/// What a reviewer saw of `part` in `version` (the rest is not looked at).
fn seen(part: SignPart, version: u32) -> EvalSignoff {
    EvalSignoff {
        year: 2025,
        half: 1,
        town: t(),
        part,
        state: SignState::Entered,
        version,
        entered_by: String::new(),
        confirmed_by: String::new(),
    }
}

async fn confirm(store: &Store, who: &str, part: SignPart, version: u32) -> Result<(), StoreError> {
    store.confirm_signoff(who, None, &seen(part, version)).await
}

/// The store's refusal that `says` names (the office's words for it:
/// `touyan_office::evaluation::refusal_text`).
fn refused(r: Result<(), StoreError>, says: &str) {
    use EvaluationRefusal as R;
    let wanted = |e: &R| match says {
        "评价人数尚未经镇街审核确认" => *e == R::RatersUnconfirmed,
        "超过了经镇街审核确认的评价人数" => *e == R::OverRaters,
        "录入人不能自己确认" => matches!(e, R::OwnEntry(_)),
        "未经确认的纸质票不计入评价结果" => *e == R::PaperUnconfirmed,
        "已被修改或已经确认" => matches!(e, R::SignoffMoved(_)),
        "申报的评价人数少于已发投票码和已录纸质票" => *e == R::BelowUsed,
        "又有新的投票" => *e == R::VotedSinceTally,
        "本次评价已经结束或尚未开始" => *e == R::NotOpen,
        "这一批投票码刚刚有人投票，或已经重新生成过" => *e == R::BatchChanged,
        other => panic!("no refusal says {other}"),
    };
    match r {
        Err(StoreError::Evaluation(e)) => assert!(wanted(&e), "{e:?} for {says}"),
        other => panic!("expected a refusal saying {says}, got {other:?}"),
    }
}

async fn issued(store: &Store) -> u32 {
    store
        .code_counts(2025, 1, t())
        .await
        .unwrap()
        .iter()
        .map(|c| c.issued)
        .sum()
}

// ---- finding 1: codes within the confirmed raters ----

async fn codes_beyond_the_confirmed_raters_are_refused(db: TestDb) {
    let store = seeded(&db).await;
    let party = RaterGroup::PartyMembers;
    refused(
        issue(&store, &[code(1, party)]).await,
        "评价人数尚未经镇街审核确认",
    );
    // 3 Party members, no public representatives.
    store
        .declare_raters(
            "op",
            None,
            2025,
            1,
            t(),
            &[raters(party, 3), raters(RaterGroup::PublicReps, 0)],
        )
        .await
        .unwrap();
    refused(
        issue(&store, &[code(1, party)]).await,
        "评价人数尚未经镇街审核确认",
    );
    // The operator cannot confirm their own numbers; a version the
    // reviewer did not see is not confirmed.
    refused(
        confirm(&store, "op", SignPart::Raters, 1).await,
        "录入人不能自己确认",
    );
    refused(
        confirm(&store, "rev", SignPart::Raters, 2).await,
        "已被修改或已经确认",
    );
    confirm(&store, "rev", SignPart::Raters, 1).await.unwrap();
    refused(
        confirm(&store, "rev", SignPart::Raters, 1).await,
        "已被修改或已经确认",
    );

    // 2 codes, then 2 more would be 4 of 3: refused, nothing written;
    // 1 more makes 3.
    issue(&store, &[code(1, party), code(2, party)])
        .await
        .unwrap();
    refused(
        issue(&store, &[code(3, party), code(4, party)]).await,
        "超过了经镇街审核确认的评价人数",
    );
    assert_eq!(issued(&store).await, 2);
    refused(
        issue(&store, &[code(5, RaterGroup::PublicReps)]).await,
        "超过了经镇街审核确认的评价人数",
    );
    // A group whose raters were not declared takes no codes either.
    refused(
        issue(&store, &[code(6, RaterGroup::LiaisonCadres)]).await,
        "超过了经镇街审核确认的评价人数",
    );
    issue(&store, &[code(3, party)]).await.unwrap();
    assert_eq!(issued(&store).await, 3);

    // Declared again: not below the 3 codes; 5 awaits the reviewer, and
    // no code is issued meanwhile.
    refused(
        store
            .declare_raters("op", None, 2025, 1, t(), &[raters(party, 2)])
            .await,
        "申报的评价人数少于已发投票码和已录纸质票",
    );
    store
        .declare_raters("op", None, 2025, 1, t(), &[raters(party, 5)])
        .await
        .unwrap();
    refused(
        issue(&store, &[code(4, party)]).await,
        "评价人数尚未经镇街审核确认",
    );
    confirm(&store, "rev", SignPart::Raters, 2).await.unwrap();
    issue(&store, &[code(4, party), code(5, party)])
        .await
        .unwrap();
    refused(
        issue(&store, &[code(6, party)]).await,
        "超过了经镇街审核确认的评价人数",
    );
    assert_eq!(issued(&store).await, 5);
    let signoffs = store.eval_signoffs(2025, 1, t()).await.unwrap();
    assert_eq!(
        signoffs,
        [EvalSignoff {
            year: 2025,
            half: 1,
            town: t(),
            part: SignPart::Raters,
            state: SignState::Confirmed,
            version: 2,
            entered_by: "op".into(),
            confirmed_by: "rev".into(),
        }]
    );

    // Each batch issued: who, group, for how many secretaries, how many.
    let batches: Vec<(u32, RaterGroup, u32, u32, String)> = store
        .code_batches(2025, 1, t())
        .await
        .unwrap()
        .into_iter()
        .map(|b| {
            (
                b.batch.seq,
                b.batch.group,
                b.batch.people,
                b.batch.codes,
                b.by,
            )
        })
        .collect();
    assert_eq!(
        batches,
        [
            (1, party, 1, 2, "op".to_owned()),
            (2, party, 1, 1, "op".to_owned()),
            (3, party, 1, 2, "op".to_owned()),
        ]
    );
    db.finish().await;
}
both_backends!(
    codes_within_raters,
    codes_beyond_the_confirmed_raters_are_refused
);

/// Issue 18, item 9: a batch's codes are those written with it; its
/// unused codes are replaced by as many new ones, for the same secretary
/// and group, only as they stand (a code that voted meanwhile, or a batch
/// replaced already, is refused with nothing written), the used ones
/// keeping their votes; the voided codes are counted per batch.
async fn a_batchs_unused_codes_are_replaced_as_they_stand(db: TestDb) {
    let store = seeded(&db).await;
    let (party, public) = (RaterGroup::PartyMembers, RaterGroup::PublicReps);
    store
        .declare_raters(
            "op",
            None,
            2025,
            1,
            t(),
            &[raters(party, 3), raters(public, 2)],
        )
        .await
        .unwrap();
    confirm(&store, "rev", SignPart::Raters, 1).await.unwrap();
    let first = store
        .issue_codes(
            "op",
            None,
            2025,
            1,
            t(),
            &[code(1, party), code(2, party), code(3, public)],
        )
        .await
        .unwrap();
    let second = store
        .issue_codes("op", None, 2025, 1, t(), &[code(4, party)])
        .await
        .unwrap();
    assert_eq!((first, second), (1, 2));
    let hashes = |codes: Option<Vec<VoteToken>>| -> Vec<String> {
        codes.unwrap().into_iter().map(|c| c.token_hash).collect()
    };
    assert_eq!(
        hashes(store.batch_codes(2025, 1, t(), 1).await.unwrap()),
        [hash(1), hash(2), hash(3)]
    );
    assert_eq!(
        hashes(store.batch_codes(2025, 1, t(), 2).await.unwrap()),
        [hash(4)]
    );
    assert_eq!(store.batch_codes(2025, 1, t(), 3).await.unwrap(), None);
    assert!(
        store
            .vote(VOTER, &hash(1), Choice::Competent)
            .await
            .unwrap()
    );

    let replace = |void: Vec<String>, codes: Vec<VoteToken>| {
        let store = store.clone();
        async move {
            store
                .replace_codes("op", None, 2025, 1, t(), 1, &void, &codes)
                .await
                .map(drop)
        }
    };
    let before = store.changes(None).await.unwrap().len();
    // The used code is not the batch's to void; nor is another batch's.
    refused(
        replace(
            vec![hash(1), hash(2), hash(3)],
            vec![code(5, party), code(6, party), code(7, public)],
        )
        .await,
        "这一批投票码刚刚有人投票，或已经重新生成过",
    );
    refused(
        replace(
            vec![hash(2), hash(3), hash(4)],
            vec![code(5, party), code(6, public), code(7, party)],
        )
        .await,
        "这一批投票码刚刚有人投票，或已经重新生成过",
    );
    // New codes for other groups than the voided ones: ours, refused.
    assert!(matches!(
        replace(vec![hash(2), hash(3)], vec![code(5, party), code(6, party)]).await,
        Err(StoreError::Internal(_))
    ));
    assert_eq!(
        store.changes(None).await.unwrap().len(),
        before,
        "nothing written"
    );

    let third = store
        .replace_codes(
            "op",
            None,
            2025,
            1,
            t(),
            1,
            &[hash(3), hash(2)],
            &[code(5, party), code(6, public)],
        )
        .await
        .unwrap();
    assert_eq!(third, 3);
    let batch1 = store.batch_codes(2025, 1, t(), 1).await.unwrap().unwrap();
    assert_eq!(
        batch1
            .iter()
            .map(|c| (c.token_hash.clone(), c.used))
            .collect::<Vec<_>>(),
        [(hash(1), true)]
    );
    assert_eq!(
        hashes(store.batch_codes(2025, 1, t(), 3).await.unwrap()),
        [hash(5), hash(6)]
    );
    assert_eq!(store.vote_code(&hash(2)).await.unwrap(), None);
    assert_eq!(
        store.voided_codes(2025, 1, t()).await.unwrap(),
        [(1, party, 1), (1, public, 1)]
    );
    // 3 Party members: 1 voted, 1 of batch 2, 1 of batch 3.
    assert_eq!(issued(&store).await, 4);
    let deleted: BTreeSet<String> = store
        .changes(Some("vote_tokens"))
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.action == touyan_storage::Action::Delete)
        .map(|c| c.key)
        .collect();
    assert_eq!(deleted, BTreeSet::from([hash(2), hash(3)]));
    // Replaced already: refused.
    refused(
        replace(
            vec![hash(2), hash(3)],
            vec![code(7, party), code(8, public)],
        )
        .await,
        "这一批投票码刚刚有人投票，或已经重新生成过",
    );
    // The votes' anonymous log entries are on the hash chain.
    let chain = store.verify_audit_chain(None).await.unwrap();
    assert!(chain.intact(), "{chain:?}");
    db.finish().await;
}
both_backends!(
    batch_replaced,
    a_batchs_unused_codes_are_replaced_as_they_stand
);

// ---- finding 2: paper counts confirmed by another person ----

fn paper(group: RaterGroup, c: u32, b: u32, n: u32) -> PaperCount {
    PaperCount {
        year: 2025,
        half: 1,
        person: cid(A),
        group,
        town: t(),
        competent: c,
        basically_competent: b,
        not_competent: n,
    }
}

fn closed() -> Evaluation {
    Evaluation {
        year: 2025,
        half: 1,
        town: t(),
        state: EvalState::Closed,
        opened_on: date!(2025 - 06 - 02),
        closed_on: Some(date!(2025 - 06 - 30)),
    }
}

async fn paper_counts_count_only_once_another_person_confirmed_them(db: TestDb) {
    let store = seeded(&db).await;
    let party = RaterGroup::PartyMembers;
    let save = |p: PaperCount| {
        let store = store.clone();
        async move {
            store
                .save_paper_counts("op", None, 2025, 1, t(), &[p])
                .await
        }
    };
    let close = |paper_version| {
        let store = store.clone();
        async move {
            store
                .close_evaluation(
                    "rev",
                    None,
                    &closed(),
                    &Closing {
                        paper_version,
                        ..Closing::default()
                    },
                )
                .await
        }
    };
    refused(
        save(paper(party, 2, 0, 1)).await,
        "评价人数尚未经镇街审核确认",
    );
    store
        .declare_raters("op", None, 2025, 1, t(), &[raters(party, 3)])
        .await
        .unwrap();
    confirm(&store, "rev", SignPart::Raters, 1).await.unwrap();
    // 4 ballots of 3 raters: refused.
    refused(
        save(paper(party, 3, 1, 0)).await,
        "超过了经镇街审核确认的评价人数",
    );
    assert!(store.paper_counts(2025, 1, t()).await.unwrap().is_empty());
    save(paper(party, 2, 0, 1)).await.unwrap();

    // Entered, not confirmed: the operator cannot confirm them, and the
    // evaluation does not close, with or without them.
    refused(
        confirm(&store, "op", SignPart::Paper, 1).await,
        "录入人不能自己确认",
    );
    refused(close(None).await, "未经确认的纸质票不计入评价结果");
    refused(close(Some(1)).await, "未经确认的纸质票不计入评价结果");
    confirm(&store, "rev", SignPart::Paper, 1).await.unwrap();

    // Entered again after the confirmation: version 2 waits again, and a
    // closing tallied from version 1 is refused.
    save(paper(party, 1, 0, 2)).await.unwrap();
    refused(close(Some(1)).await, "未经确认的纸质票不计入评价结果");
    refused(
        confirm(&store, "rev", SignPart::Paper, 1).await,
        "已被修改或已经确认",
    );
    confirm(&store, "rev", SignPart::Paper, 2).await.unwrap();
    // A closing that tallied fewer votes than were cast is refused too.
    refused(
        store
            .close_evaluation(
                "rev",
                None,
                &closed(),
                &Closing {
                    paper_version: Some(2),
                    votes: 1,
                    ..Closing::default()
                },
            )
            .await,
        "又有新的投票",
    );
    close(Some(2)).await.unwrap();
    assert_eq!(
        store
            .evaluation(2025, 1, t())
            .await
            .unwrap()
            .map(|e| e.state),
        Some(EvalState::Closed)
    );
    db.finish().await;
}
both_backends!(
    paper_confirmed,
    paper_counts_count_only_once_another_person_confirmed_them
);

// ---- finding 3: nothing joins a code to its choice ----

/// Every row of every table, each value cast to text (`None`: NULL),
/// with its column names: table → rows.
type Rows = BTreeMap<String, BTreeSet<Vec<(String, Option<String>)>>>;

async fn every_row(db: &DatabaseConnection, backend: Backend) -> Rows {
    let b = db.get_database_backend();
    let tables = match backend {
        Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        }
        Backend::Postgres => {
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        }
    };
    let mut out = Rows::new();
    for r in db
        .query_all_raw(Statement::from_string(b, tables))
        .await
        .unwrap()
    {
        let table: String = r.try_get_by_index(0).unwrap();
        let cols = match backend {
            Backend::Sqlite => {
                format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid")
            }
            Backend::Postgres => format!(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' \
                 AND table_name = '{table}' ORDER BY ordinal_position"
            ),
        };
        let cols: Vec<String> = db
            .query_all_raw(Statement::from_string(b, cols))
            .await
            .unwrap()
            .iter()
            .map(|c| c.try_get_by_index::<String>(0).unwrap())
            .collect();
        let select = cols
            .iter()
            .map(|c| format!("CAST({c} AS TEXT)"))
            .collect::<Vec<_>>()
            .join(", ");
        let rows = db
            .query_all_raw(Statement::from_string(
                b,
                format!("SELECT {select} FROM {table}"),
            ))
            .await
            .unwrap();
        let set = out.entry(table).or_default();
        for row in rows {
            set.insert(
                cols.iter()
                    .enumerate()
                    .map(|(i, c)| {
                        (
                            c.clone(),
                            row.try_get_by_index::<Option<String>>(i).unwrap(),
                        )
                    })
                    .collect(),
            );
        }
    }
    out
}

/// The rows of `after` not in `before` (new or changed), by table.
fn touched(before: &Rows, after: &Rows) -> Rows {
    let mut out = Rows::new();
    for (table, rows) in after {
        for row in rows {
            if !before.get(table).is_some_and(|b| b.contains(row)) {
                out.entry(table.clone()).or_default().insert(row.clone());
            }
        }
    }
    out
}

/// A time of day other than 00:00 in a value that reads as a timestamp
/// (`YYYY-MM-DD HH:MM:SS…`).
fn finer_than_a_day(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() > 11
        && b[4] == b'-'
        && b[7] == b'-'
        && (b[10] == b' ' || b[10] == b'T')
        && b[11..].iter().any(|c| c.is_ascii_digit() && *c != b'0')
}

/// Whether a row carries a choice: a column for one, or a value naming one
/// (the codes, and the labels in Chinese).
fn carries_a_choice(row: &[(String, Option<String>)]) -> bool {
    row.iter().any(|(col, v)| {
        [
            "choice",
            "competent",
            "basically_competent",
            "not_competent",
        ]
        .contains(&col.as_str())
            || v.as_deref().is_some_and(|v| {
                Choice::ALL
                    .iter()
                    .any(|c| v.contains(c.code()) || v.contains(c.label()))
            })
    })
}

/// What the town's staff count and enter (the paper counts of a meeting,
/// the tallies written at closing): counts of many raters, with the time
/// they were entered, not a rater's vote.
const COUNTED_BY_STAFF: [&str; 2] = ["paper_counts", "ballots"];

/// Checks the rule on every row given: no row with a rater's choice has a
/// code's hash or a time finer than a day.
fn unlinked(rows: &Rows, hashes: &[String]) {
    for (table, rows) in rows {
        if COUNTED_BY_STAFF.contains(&table.as_str()) {
            continue;
        }
        for row in rows {
            let staff = value(row, "table_name").is_some_and(|t| COUNTED_BY_STAFF.contains(&t));
            if staff || !carries_a_choice(row) {
                continue;
            }
            for (col, v) in row {
                let Some(v) = v else { continue };
                assert!(
                    !hashes.iter().any(|h| v.contains(h.as_str())),
                    "{table}.{col} joins a code to a choice: {row:?}"
                );
                assert!(
                    !finer_than_a_day(v),
                    "{table}.{col} keeps a choice with its time: {row:?}"
                );
            }
        }
    }
}

fn value<'a>(row: &'a [(String, Option<String>)], col: &str) -> Option<&'a str> {
    row.iter()
        .find(|(c, _)| c == col)
        .and_then(|(_, v)| v.as_deref())
}

async fn a_vote_leaves_nothing_that_joins_a_code_to_its_choice(db: TestDb) {
    let store = seeded(&db).await;
    let raw = db.connect(None).await;
    let party = RaterGroup::PartyMembers;
    store
        .declare_raters("op", None, 2025, 1, t(), &[raters(party, 3)])
        .await
        .unwrap();
    confirm(&store, "rev", SignPart::Raters, 1).await.unwrap();
    issue(&store, &[code(1, party), code(2, party), code(3, party)])
        .await
        .unwrap();
    let hashes: Vec<String> = (1..=3).map(hash).collect();

    let before = every_row(&raw, db.backend).await;
    assert!(
        store
            .vote(VOTER, &hash(1), Choice::Competent)
            .await
            .unwrap()
    );
    assert!(
        store
            .vote(VOTER, &hash(2), Choice::NotCompetent)
            .await
            .unwrap()
    );
    assert!(
        !store
            .vote(VOTER, &hash(2), Choice::Competent)
            .await
            .unwrap()
    );
    let after = every_row(&raw, db.backend).await;
    let votes = touched(&before, &after);

    // The votes touched the codes, the counts, the change log (and its
    // chain's head: a last id and hash, no time) and the data version,
    // nothing else.
    assert_eq!(
        votes.keys().map(String::as_str).collect::<Vec<_>>(),
        [
            "audit_chain_head",
            "change_log",
            "data_version",
            "vote_counts",
            "vote_tokens"
        ]
    );
    unlinked(&votes, &hashes);
    // Every row in the database, too.
    unlinked(&after, &hashes);

    // The two codes used: marked used, and nothing else of theirs moved
    // (updated_at still the time they were issued).
    let codes = &votes["vote_tokens"];
    assert_eq!(codes.len(), 2);
    for row in codes {
        assert!(matches!(value(row, "used"), Some("1" | "true")), "{row:?}");
        assert_eq!(
            value(row, "updated_at"),
            value(row, "created_at"),
            "{row:?}"
        );
        assert_eq!(value(row, "updated_by"), Some("op"), "{row:?}");
        assert!(!carries_a_choice(row), "{row:?}");
    }
    // One count of the secretary's Party members: 1 / 0 / 1, no time.
    let counts: Vec<_> = votes["vote_counts"].iter().collect();
    assert_eq!(counts.len(), 1);
    assert_eq!(
        counts[0]
            .iter()
            .map(|(c, v)| (c.as_str(), v.as_deref().unwrap_or("NULL")))
            .collect::<Vec<_>>(),
        [
            ("year", "2025"),
            ("half", "1"),
            ("person", cid(A).as_str()),
            ("rater_group", "party_members"),
            ("town", T),
            ("competent", "1"),
            ("basically_competent", "0"),
            ("not_competent", "1"),
        ]
    );
    // The change log: one anonymous entry per vote, on the day, no code,
    // no choice, no address.
    let log = &votes["change_log"];
    assert_eq!(log.len(), 2);
    let key = format!("2025/1/{}/party_members", cid(A).as_str());
    for row in log {
        assert_eq!(value(row, "actor"), Some(VOTER));
        assert_eq!(value(row, "table_name"), Some("vote_counts"));
        assert_eq!(value(row, "record_key"), Some(key.as_str()));
        assert_eq!(value(row, "before_json"), None);
        assert_eq!(value(row, "after_json"), Some("{\"投票\":\"一票\"}"));
        assert_eq!(value(row, "origin"), None);
        let at = value(row, "changed_at").unwrap_or_default();
        assert!(!finer_than_a_day(at), "{at}");
        assert!(!carries_a_choice(row), "{row:?}");
    }
    assert_eq!(
        store.code_tallies(2025, 1, t()).await.unwrap(),
        [(
            cid(A),
            party,
            touyan_storage::Tally {
                competent: 1,
                basically_competent: 0,
                not_competent: 1
            }
        )]
    );
    raw.close().await.unwrap();
    db.finish().await;
}
both_backends!(
    votes_unlinked,
    a_vote_leaves_nothing_that_joins_a_code_to_its_choice
);

// ---- what was stored before m0015 ----

async fn exec(db: &DatabaseConnection, sql: &str) {
    db.execute_unprepared(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// An evaluation stored by the release before `m0015_ballot_integrity`:
/// three codes, two used (the choice on the code's row, the change log
/// with the hash, the choice and the time of each vote), and paper counts
/// of the open evaluation that nobody confirmed.
async fn the_migration_unlinks_votes_stored_before(db: TestDb) {
    let old = db.connect(Some(14)).await;
    let a = cid(A);
    let a = a.as_str();
    let audit = "'2025-06-02 09:00:00', '2025-06-02 09:00:00', 'op'";
    let cols = "created_at, updated_at, updated_by";
    exec(
        &old,
        &format!(
            "INSERT INTO towns (code, name, kind, {cols}) VALUES ('{T}', '洛城街道', 'street', {audit})"
        ),
    )
    .await;
    exec(
        &old,
        &format!(
            "INSERT INTO people (citizen_id, name, birth_date, sex, education, full_time_degree, \
             {cols}) VALUES ('{a}', '张三', '1970-01-01', 'male', 'college', FALSE, {audit})"
        ),
    )
    .await;
    exec(
        &old,
        &format!(
            "INSERT INTO evaluations (year, half, town, state, opened_on, closed_on, {cols}) \
             VALUES (2025, 1, '{T}', 'open', '2025-06-02', NULL, {audit})"
        ),
    )
    .await;
    for (n, choice, voted) in [
        (1, Some("competent"), "2025-06-03 10:15:42"),
        (2, Some("not_competent"), "2025-06-03 10:16:07"),
        (3, None, ""),
    ] {
        let h = hash(n);
        let c = choice.map_or("NULL".to_owned(), |c| format!("'{c}'"));
        let row = |choice: &str| {
            format!(
                "{{\"token_hash\":\"{h}\",\"year\":2025,\"half\":1,\"town\":\"{T}\",\
                 \"person\":\"{a}\",\"rater_group\":\"party_members\",\"choice\":{choice}}}"
            )
        };
        let (updated_at, updated_by) = match choice {
            Some(_) => (format!("'{voted}'"), VOTER),
            None => ("'2025-06-02 09:30:00'".to_owned(), "op"),
        };
        exec(
            &old,
            &format!(
                "INSERT INTO vote_tokens (token_hash, year, half, town, person, rater_group, \
                 choice, {cols}) VALUES ('{h}', 2025, 1, '{T}', '{a}', 'party_members', {c}, \
                 '2025-06-02 09:30:00', {updated_at}, '{updated_by}')"
            ),
        )
        .await;
        exec(
            &old,
            &format!(
                "INSERT INTO change_log (changed_at, actor, table_name, record_key, action, \
                 before_json, after_json, origin) VALUES ('2025-06-02 09:30:00', 'op', \
                 'vote_tokens', '{h}', 'insert', NULL, '{}', '203.0.113.5')",
                row("null")
            ),
        )
        .await;
        if let Some(choice) = choice {
            exec(
                &old,
                &format!(
                    "INSERT INTO change_log (changed_at, actor, table_name, record_key, action, \
                     before_json, after_json, origin) VALUES ('{voted}', '{VOTER}', \
                     'vote_tokens', '{h}', 'update', '{}', '{}', NULL)",
                    row("null"),
                    row(&format!("\"{choice}\""))
                ),
            )
            .await;
        }
    }
    exec(
        &old,
        &format!(
            "INSERT INTO paper_counts (year, half, person, rater_group, town, competent, \
             basically_competent, not_competent, {cols}) VALUES (2025, 1, '{a}', 'public_reps', \
             '{T}', 5, 1, 1, '2025-06-04 08:00:00', '2025-06-04 08:00:00', 'op')"
        ),
    )
    .await;
    old.close().await.unwrap();

    let store = db.open().await;
    let raw = db.connect(None).await;
    let hashes: Vec<String> = (1..=3).map(hash).collect();
    let rows = every_row(&raw, db.backend).await;
    unlinked(&rows, &hashes);
    // The codes lost their choice, kept that they were used.
    assert!(
        raw.query_all_raw(Statement::from_string(
            raw.get_database_backend(),
            "SELECT choice FROM vote_tokens"
        ))
        .await
        .is_err(),
        "the choice column is gone"
    );
    let counts = store.code_counts(2025, 1, t()).await.unwrap();
    assert_eq!((counts[0].issued, counts[0].used), (3, 2));
    for row in &rows["vote_tokens"] {
        assert_eq!(
            value(row, "updated_at"),
            value(row, "created_at"),
            "{row:?}"
        );
    }
    // The votes, as counts.
    assert_eq!(
        store.code_tallies(2025, 1, t()).await.unwrap(),
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
    // Their log entries: as a vote is logged now, on 3 June at 00:00.
    let votes = store.changes(Some("vote_counts")).await.unwrap();
    assert_eq!(votes.len(), 2);
    for v in &votes {
        assert_eq!(v.at, time::macros::datetime!(2025-06-03 00:00:00));
        assert_eq!(v.key, format!("2025/1/{a}/party_members"));
        assert_eq!(
            (v.before.as_deref(), v.after.as_deref()),
            (None, Some("{\"投票\":\"一票\"}"))
        );
        assert_eq!(v.actor, VOTER);
    }
    let codes = store.changes(Some("vote_tokens")).await.unwrap();
    assert_eq!(codes.len(), 3, "the codes' issue stays logged");
    assert!(
        codes
            .iter()
            .all(|c| c.action == touyan_storage::Action::Insert)
    );
    // The log is append-only again.
    assert!(
        raw.execute_unprepared("UPDATE change_log SET actor = 'x'")
            .await
            .is_err()
    );
    // The open evaluation's paper counts await the reviewer.
    let signoffs = store.eval_signoffs(2025, 1, t()).await.unwrap();
    assert_eq!(
        signoffs
            .iter()
            .map(|s| (s.part, s.state, s.version, s.entered_by.as_str()))
            .collect::<Vec<_>>(),
        [(SignPart::Paper, SignState::Entered, 1, "op")]
    );
    raw.close().await.unwrap();
    db.finish().await;
}
both_backends!(migration, the_migration_unlinks_votes_stored_before);

#[test]
fn timestamps_finer_than_a_day_are_recognised() {
    assert!(finer_than_a_day("2025-06-03 10:15:42"));
    assert!(finer_than_a_day("2025-06-03 00:00:00.000001"));
    assert!(finer_than_a_day("2025-06-03T00:01:00"));
    assert!(!finer_than_a_day("2025-06-03 00:00:00"));
    assert!(!finer_than_a_day("2025-06-03"));
    assert!(!finer_than_a_day("2025"));
}
