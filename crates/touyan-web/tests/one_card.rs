//! One-card (一卡通) accounts and the one-card file in the server (issue
//! 17, items 5 and 6): the town's operator records an account on the
//! person's page, which shows it masked to everyone; a refused number
//! comes back with what was typed; the run's page says who has no
//! account and offers finance the file once the city approved; the file
//! is a real workbook with the full ID number and account, named by month
//! and town, and every taking is in the change log. On SQLite and
//! PostgreSQL.

mod common;

use axum::http::StatusCode;
use common::*;
use time::macros::date;
use touyan_office::pay::{Seen, move_town, town_month};
use touyan_records::TownCode;
use touyan_records::model::{ListEntry, ListStatus, PayMoveKind};
use touyan_rules::Policy;
use touyan_rules::policy::Raw;
use touyan_storage::testing::TestDb;
use touyan_storage::{Action, Batch, both_backends};
use touyan_web::Config;
use touyan_workflow::{Actor, Role};

const ACCOUNT: &str = "6228480402564890018";

fn policy() -> Policy {
    let mut p = Policy::example();
    for (name, yuan) in [
        ("pay.tier1_monthly_yuan", "1500"),
        ("pay.tier2_monthly_yuan", "1000"),
        ("pay.tier3_monthly_yuan", "800"),
    ] {
        p.set_override(name, Raw::Number(yuan)).expect("parameter");
    }
    p
}

fn sheets(body: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.xlsx");
    std::fs::write(&path, body).unwrap();
    touyan_excel::reports::read_report(&path)
        .expect("a workbook calamine reads")
        .into_iter()
        .flat_map(|(_, g)| g.into_iter().flatten())
        .collect()
}

async fn run_move(h: &Harness, role: Role, kind: PayMoveKind) {
    let t1 = TownCode::parse(T1).unwrap();
    let tm = town_month(&h.store, &policy(), date!(2025 - 06 - 01), t1)
        .await
        .unwrap();
    let by = touyan_office::By {
        actor: Actor {
            role,
            town: role.is_town().then_some(T1),
        },
        name: "测试",
        origin: None,
    };
    let seen = Seen {
        state: Some(tm.current()),
        moves: Some(tm.moves.len()),
    };
    move_town(&h.store, by, &tm, kind, seen, "").await.unwrap();
}

/// 张三 on the filed list of 2025, tier 2 (an account is recorded for
/// the town's listed secretaries only).
async fn list_a(h: &Harness) {
    h.store
        .apply(
            "测试",
            &Batch {
                list_entries: vec![ListEntry {
                    town: TownCode::parse(T1).unwrap(),
                    year: 2025,
                    person: person_a(),
                    village: touyan_records::VillageCode::parse(V1).unwrap(),
                    tier: 2,
                    status: ListStatus::Filed,
                }],
                ..Batch::default()
            },
        )
        .await
        .unwrap();
}

async fn the_account_masked_and_the_file_for_finance(db: TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("touyan.key");
    let h = harness_with(
        &db,
        true,
        Config {
            policy: policy(),
            key_file: Some(key.clone()),
            ..Config::default()
        },
    )
    .await;
    list_a(&h).await;
    let a = h.person(&person_a());
    let page = format!("/people/{a}");
    let to = format!("/people/{a}/one-card");
    let (op, csrf) = sign_in(&h, "op1").await;
    let html = get(&page).session(Some(&op)).send(&h).await.text();
    assert!(
        html.contains("id=\"one-card-form\"") && html.contains("未登记"),
        "{html}"
    );

    // A number too short: refused on the page with what was typed.
    let bad = post(&to)
        .form(&[("csrf", &csrf), ("account", "6228 4804 0")])
        .session(Some(&op))
        .send(&h)
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = bad.text();
    assert!(
        text.contains("一卡通账号应为 10 至 25 位数字，填写的是 9 位"),
        "{text}"
    );
    assert!(
        text.contains("id=\"one-card-error\""),
        "the refusal on the form: {text}"
    );
    // What was typed is not shown again: an account appears in full only
    // in the one-card file.
    assert!(!text.contains("6228 4804 0"), "typed echoed: {text}");
    assert!(!key.exists(), "no key for a refused number");

    // Recorded: the page shows the last four digits only.
    let saved = post(&to)
        .form(&[("csrf", &csrf), ("account", "6228 4804 0256 4890 018")])
        .session(Some(&op))
        .send(&h)
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    for who in ["op1", "rev1", "admin"] {
        let (s, _) = sign_in(&h, who).await;
        let html = get(&page).session(Some(&s)).send(&h).await.text();
        assert!(html.contains("**** **** 0018"), "{who}: {html}");
        assert!(!html.contains(ACCOUNT) && !html.contains("48904"), "{who}");
        assert_eq!(html.contains("id=\"one-card-form\""), who == "op1", "{who}");
    }
    // Nobody else records.
    for (who, status) in [
        ("rev1", StatusCode::FORBIDDEN),
        ("admin", StatusCode::FORBIDDEN),
        ("op2", StatusCode::NOT_FOUND),
    ] {
        let (s, c) = sign_in(&h, who).await;
        let r = post(&to)
            .form(&[("csrf", &c), ("account", "6217000010012345678")])
            .session(Some(&s))
            .send(&h)
            .await;
        assert_eq!(r.status, status, "{who}");
    }

    // Computed and reviewed: the page says the city must approve first,
    // and the file is refused.
    let run = "/pay/2025-06/370783100";
    let file = "/pay/2025-06/370783100/one-card";
    // Nothing computed yet: the section says what comes.
    let html = get(run).session(Some(&op)).send(&h).await.text();
    assert!(
        html.contains(
            "本月尚未计算发放。计算、审核并经市级批准后，财政可在此下载含账号的一卡通发放文件。"
        ),
        "{html}"
    );
    run_move(&h, Role::TownOperator, PayMoveKind::Compute).await;
    run_move(&h, Role::TownReviewer, PayMoveKind::Review).await;
    let (fin, _) = sign_in(&h, "fin").await;
    let html = get(run).session(Some(&fin)).send(&h).await.text();
    assert!(html.contains("市级批准后才能下载一卡通发放文件"), "{html}");
    assert!(!html.contains("id=\"one-card-file\""));
    assert_eq!(
        get(file).session(Some(&fin)).send(&h).await.status,
        StatusCode::CONFLICT
    );
    run_move(&h, Role::CityAdmin, PayMoveKind::Approve).await;

    // Approved: finance is offered the file and takes it.
    let html = get(run).session(Some(&fin)).send(&h).await.text();
    assert!(html.contains("id=\"one-card-file\""), "{html}");
    assert!(html.contains("均已登记一卡通账号"), "{html}");
    let before = h.store.changes(Some("one_card_accounts")).await.unwrap();
    let r = get(file).session(Some(&fin)).send(&h).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let disposition = r.header("content-disposition").unwrap_or_default();
    assert!(
        disposition.contains(
            "%E4%B8%80%E5%8D%A1%E9%80%9A%E5%8F%91%E6%94%BE%E6%96%87%E4%BB%B6-2025%E5%B9%B46%E6%9C%88-%E6%B4%9B%E5%9F%8E%E8%A1%97%E9%81%93.xlsx"
        ),
        "named 一卡通发放文件-2025年6月-洛城街道.xlsx: {disposition}"
    );
    let cells = sheets(&r.body);
    for want in [
        ACCOUNT,
        person_a().as_str(),
        "张三",
        "东村村委会",
        "1000",
        "2025年6月洛城街道专业化村党组织书记补贴一卡通发放文件",
    ] {
        assert!(cells.iter().any(|c| c == want), "{want} in {cells:?}");
    }
    let after = h.store.changes(Some("one_card_accounts")).await.unwrap();
    let taken: Vec<_> = after[before.len()..].iter().collect();
    assert_eq!(taken.len(), 1, "{after:?}");
    assert_eq!(taken[0].action, Action::Export);
    assert_eq!(taken[0].actor, "fin");
    assert!(
        taken[0]
            .key
            .contains("一卡通发放文件-2025年6月-洛城街道.xlsx")
            && !taken[0].key.contains(ACCOUNT),
        "{:?}",
        taken[0]
    );

    // The town sees the state, not the file; refused if asked.
    let html = get(run).session(Some(&op)).send(&h).await.text();
    assert!(!html.contains("id=\"one-card-file\""));
    let r = get(file).session(Some(&op)).send(&h).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        r.text()
            .contains("一卡通发放文件含完整身份证号码和账号，只有")
    );
    assert_eq!(
        h.store
            .changes(Some("one_card_accounts"))
            .await
            .unwrap()
            .len(),
        after.len(),
        "a refusal hands nothing out"
    );

    // The key file gone: finance and the town's operator are told it is
    // unavailable and whom to ask, never where it is on the server.
    std::fs::remove_file(&key).unwrap();
    let path = dir.path().to_string_lossy().into_owned();
    let unavailable = "一卡通账号密钥文件不可用，请联系系统管理员（错误编号 ";
    let r = get(file).session(Some(&fin)).send(&h).await;
    let again = post(&to)
        .form(&[("csrf", &csrf), ("account", "6217000010012345678")])
        .session(Some(&op))
        .send(&h)
        .await;
    for r in [r, again] {
        assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
        let text = r.text();
        assert!(text.contains(unavailable), "{text}");
        for hidden in [path.as_str(), "touyan.key", "密钥文件 /", "找不到"] {
            assert!(!text.contains(hidden), "{hidden} in {text}");
        }
    }
    assert!(!key.exists(), "no key made while accounts are sealed");
    db.finish().await;
}

both_backends!(
    accounts_and_file,
    the_account_masked_and_the_file_for_finance
);

/// A server started without a key file says so, after who may.
async fn without_a_key_file(db: TestDb) {
    let h = harness(&db, true).await;
    list_a(&h).await;
    let a = h.person(&person_a());
    let (op, csrf) = sign_in(&h, "op1").await;
    let r = post(&format!("/people/{a}/one-card"))
        .form(&[("csrf", &csrf), ("account", ACCOUNT)])
        .session(Some(&op))
        .send(&h)
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text().contains("本服务未配置一卡通账号密钥文件"));
    let (rev, rev_csrf) = sign_in(&h, "rev1").await;
    let r = post(&format!("/people/{a}/one-card"))
        .form(&[("csrf", &rev_csrf), ("account", ACCOUNT)])
        .session(Some(&rev))
        .send(&h)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    db.finish().await;
}

both_backends!(no_key_file, without_a_key_file);
