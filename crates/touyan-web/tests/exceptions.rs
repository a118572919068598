//! Exceptions to hedged clauses in the server (issue 17, item 1): the
//! town operator asks from the list page, the town reviewer and the city
//! approve with comments, the list then goes forward, the filing form
//! prints the approved exceptions with who approved them, the city's
//! overview counts them; a strict clause and another town are refused.
//! On SQLite and PostgreSQL.

mod common;

use axum::http::StatusCode;
use common::*;
use touyan_records::TownCode;
use touyan_records::model::ExceptionState;
use touyan_storage::both_backends;
use touyan_storage::testing::TestDb;

fn path() -> String {
    format!("/lists/2025/{T1}")
}

async fn ask(h: &Harness, who: &(String, String), fields: &[(&str, &str)]) -> Answer {
    let mut pairs = vec![("csrf", who.1.as_str()), ("action", "propose")];
    pairs.extend_from_slice(fields);
    post(&format!("{}/exceptions", path()))
        .form(&pairs)
        .session(Some(&who.0))
        .send(h)
        .await
}

async fn decide(
    h: &Harness,
    who: &(String, String),
    seq: &str,
    seen: &str,
    action: &str,
    comment: &str,
) -> Answer {
    post(&format!("{}/exceptions", path()))
        .form(&[
            ("csrf", who.1.as_str()),
            ("seq", seq),
            ("seen", seen),
            ("action", action),
            ("comment", comment),
        ])
        .session(Some(&who.0))
        .send(h)
        .await
}

async fn move_list(
    h: &Harness,
    who: &(String, String),
    seen: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> Answer {
    let mut pairs = vec![("csrf", who.1.as_str()), ("seen", seen), ("action", action)];
    pairs.extend_from_slice(fields);
    post(&path())
        .form(&pairs)
        .session(Some(&who.0))
        .send(h)
        .await
}

async fn states(h: &Harness) -> Vec<ExceptionState> {
    h.store
        .list_exceptions(2025, Some(TownCode::parse(T1).unwrap()))
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.state)
        .collect()
}

async fn tier_one_for_a_list_of_one_by_two_approved_exceptions(db: TestDb) {
    let h = harness(&db, true).await;
    seed_proposals(&h.store).await;
    let op = sign_in(&h, "op1").await;
    let rev = sign_in(&h, "rev1").await;
    let admin = sign_in(&h, "admin").await;
    let op2 = sign_in(&h, "op2").await;
    let tier = format!("tier_{V1}");
    let reason = format!("reason_{V1}");

    // The page offers the form with the hedged clauses only.
    let html = get(&path()).session(Some(&op.0)).send(&h).await.text();
    assert!(html.contains("id=\"exception-form\""), "{html}");
    assert!(html.contains("原文“原则上”"));
    assert!(html.contains("原文“一般”"));
    assert!(!html.contains("value=\"art01.collective_income\""));

    // Tier 1 for the one secretary (stars not on record; a list of one
    // has no tier-1 place): two findings of Article 13.
    let a = move_list(
        &h,
        &op,
        "none",
        "save",
        &[(&tier, "1"), (&reason, "全镇第一")],
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    let a = move_list(&h, &op, "draft", "confirm", &[]).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.text().contains("2 处不符合规定"), "{}", a.text());

    // Refusals write nothing: a strict clause, no reason, another town.
    let a = ask(
        &h,
        &op,
        &[
            ("rule", "art01.collective_income"),
            ("village", V1),
            ("reason", "x"),
        ],
    )
    .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        a.text().contains("不属于“原则上”“一般”所限定的要求"),
        "{}",
        a.text()
    );
    let a = ask(
        &h,
        &op,
        &[
            ("rule", "art13.tier_stars"),
            ("village", V1),
            ("reason", " "),
        ],
    )
    .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    let a = ask(
        &h,
        &op2,
        &[
            ("rule", "art13.tier_stars"),
            ("village", V1),
            ("reason", "x"),
        ],
    )
    .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert!(states(&h).await.is_empty());

    // Two requests, each approved by the town's reviewer and the city.
    let a = ask(
        &h,
        &op,
        &[
            ("rule", "art13.tier_stars"),
            ("village", V1),
            ("reason", "村级组织建设全市示范"),
        ],
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    let a = ask(
        &h,
        &op,
        &[
            ("rule", "art13.tier_counts"),
            ("tier1", "1"),
            ("tier2", "0"),
            ("reason", "名单仅一人"),
        ],
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    assert_eq!(
        states(&h).await,
        [ExceptionState::Proposed, ExceptionState::Proposed]
    );
    // The city cannot skip the town; a decision needs a comment.
    let a = decide(&h, &admin, "1", "proposed", "approve", "同意").await;
    assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.text());
    let a = decide(&h, &rev, "1", "proposed", "town_approve", "").await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    for seq in ["1", "2"] {
        let a = decide(&h, &rev, seq, "proposed", "town_approve", "情况属实").await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
        let a = decide(&h, &admin, seq, "town_approved", "approve", "同意").await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    }
    assert_eq!(
        states(&h).await,
        [ExceptionState::Approved, ExceptionState::Approved]
    );

    // The list goes forward.
    let a = move_list(&h, &op, "draft", "confirm", &[]).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());

    // The filing form prints both with who approved them.
    let p = get(&format!("{}/print", path()))
        .session(Some(&op.0))
        .send(&h)
        .await
        .text();
    assert!(p.contains("经批准的例外"), "{p}");
    assert!(p.contains("村级组织建设全市示范"));
    assert!(p.contains("一档 1 名、二档 0 名"));
    // Signed by the accounts' display names, not their user names.
    assert!(p.contains("市级批准：admin 测试"), "{p}");
    assert!(p.contains("镇街审核同意：rev1 测试"), "{p}");
    // The city's overview counts them.
    let o = get("/lists?year=2025")
        .session(Some(&admin.0))
        .send(&h)
        .await
        .text();
    assert!(o.contains("已批准 2"), "{o}");
    db.finish().await;
}
both_backends!(
    approved_exceptions,
    tier_one_for_a_list_of_one_by_two_approved_exceptions
);
