//! One-card (一卡通) accounts and the month's one-card file (Article 13;
//! issue 17, items 5, 6 and 10): the town's operator records its own
//! people's accounts, a number is checked, the file is offered only once
//! the city approved the run, only to finance and the city, never with a
//! person missing an account, carries the full ID numbers, the accounts
//! and the approved amounts, and each taking is logged. On SQLite and
//! PostgreSQL.

mod common;

use std::path::Path;

use rust_decimal::Decimal;
use time::macros::{date, datetime};
use touyan_office::OfficeError;
use touyan_office::one_card::{self, normalize};
use touyan_office::pay::{Seen, move_town, town_month};
use touyan_records::model::{PayMoveKind, PayState};
use touyan_rules::Policy;
use touyan_rules::policy::Raw;
use touyan_storage::testing::TestDb;
use touyan_storage::{Action, Store, both_backends};
use touyan_workflow::Role;

use common::*;

const MONTH: time::Date = date!(2025 - 03 - 01);
const ZHOU_ACCOUNT: &str = "6228480402564890018";
const ZHAO_ACCOUNT: &str = "6217000010012345678";

/// The example policy with the city's amounts set (not the example
/// values standing in for the redacted ones): tier 3 pays 800 yuan.
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

async fn step(store: &Store, policy: &Policy, role: Role, kind: PayMoveKind) {
    let tm = town_month(store, policy, MONTH, town()).await.unwrap();
    let seen = Seen {
        state: Some(tm.current()),
        moves: Some(tm.moves.len()),
    };
    let t = role.is_town().then_some(T1);
    move_town(store, by(role, t), &tm, kind, seen, "")
        .await
        .unwrap_or_else(|e| panic!("{kind:?}: {e}"));
}

async fn take(
    store: &Store,
    key: &Path,
    policy: &Policy,
    role: Role,
) -> Result<touyan_reports::OneCardFile, OfficeError> {
    let t = role.is_town().then_some(T1);
    let tm = town_month(store, policy, MONTH, town()).await?;
    one_card::file(store, Some(key), &by(role, t), &tm).await
}

async fn logged_takings(store: &Store) -> u64 {
    store
        .events_since(
            "测试",
            Action::Export,
            "one_card_accounts",
            datetime!(2000-01-01 0:00),
        )
        .await
        .unwrap()
}

async fn accounts_then_the_approved_file(db: TestDb) {
    let store = db.open().await;
    let policy = policy();
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("touyan.key");
    store.apply_from("测试", None, &records()).await.unwrap();
    let operator = by(Role::TownOperator, Some(T1));

    // Who records: the town's operator, for the town's own people.
    for (role, t) in [
        (Role::TownReviewer, Some(T1)),
        (Role::CityAdmin, None),
        (Role::Finance, None),
    ] {
        let r = one_card::record(
            &store,
            Some(&key),
            &by(role, t),
            &zhou(),
            ZHOU_ACCOUNT,
            TODAY,
        )
        .await;
        assert!(
            matches!(r, Err(OfficeError::Forbidden(_))),
            "{role:?}: {r:?}"
        );
    }
    let other_town = by(Role::TownOperator, Some(T2));
    assert!(matches!(
        one_card::record(
            &store,
            Some(&key),
            &other_town,
            &zhou(),
            ZHOU_ACCOUNT,
            TODAY
        )
        .await,
        Err(OfficeError::NotFound)
    ));
    assert!(matches!(
        one_card::record(
            &store,
            Some(&key),
            &operator,
            &stranger(),
            ZHOU_ACCOUNT,
            TODAY
        )
        .await,
        Err(OfficeError::NotFound)
    ));
    // 李四 is the town's (a committee member) but on no list: the
    // account is where the subsidy goes, so refused.
    let r = one_card::record(&store, Some(&key), &operator, &li(), ZHOU_ACCOUNT, TODAY).await;
    assert_eq!(
        r.unwrap_err().to_string(),
        "只能为本镇街专业化管理名单上的书记登记一卡通账号（第十三条：专业化补贴按月通过“一卡通”发放）"
    );
    // A bad number is refused before any key is made.
    let r = one_card::record(&store, Some(&key), &operator, &zhou(), "6228 4804", TODAY).await;
    assert_eq!(
        r.unwrap_err().to_string(),
        "一卡通账号应为 10 至 25 位数字，填写的是 8 位"
    );
    assert!(!key.exists());
    // Typed with spaces, kept as digits.
    one_card::record(
        &store,
        Some(&key),
        &operator,
        &zhou(),
        "6228 4804 0256 4890 018",
        TODAY,
    )
    .await
    .unwrap();
    assert!(key.exists());
    let on = one_card::on_record(&store, &[&zhou(), &zhao()])
        .await
        .unwrap();
    assert_eq!(one_card::masked(&on[&zhou()]), "**** **** 0018");
    assert!(!on.contains_key(&zhao()));

    // Computed and reviewed: not yet the file.
    step(&store, &policy, Role::TownOperator, PayMoveKind::Compute).await;
    step(&store, &policy, Role::TownReviewer, PayMoveKind::Review).await;
    let r = take(&store, &key, &policy, Role::Finance).await;
    assert_eq!(
        r.unwrap_err().to_string(),
        "本月发放当前状态为“已审核待批准”，市级批准后才能下载一卡通发放文件"
    );
    step(&store, &policy, Role::CityAdmin, PayMoveKind::Approve).await;

    // Approved, but 赵六 has no account: nobody gets a file yet.
    let tm = town_month(&store, &policy, MONTH, town()).await.unwrap();
    let ready = one_card::readiness(&store, &by(Role::Finance, None), &tm)
        .await
        .unwrap();
    assert_eq!(ready.paid, 2);
    assert_eq!(
        ready.missing,
        [("第3村村委会".to_owned(), "赵六".to_owned())]
    );
    assert_eq!(ready.may_take, Ok(()));
    let r = take(&store, &key, &policy, Role::Finance).await;
    assert_eq!(
        r.unwrap_err().to_string(),
        "1 人尚未登记一卡通账号，请镇街经办在其个人页面登记后再下载：赵六（第3村村委会）"
    );
    assert_eq!(logged_takings(&store).await, 0);
    one_card::record(&store, Some(&key), &operator, &zhao(), ZHAO_ACCOUNT, TODAY)
        .await
        .unwrap();

    // Neither the town nor the city's viewer takes it.
    for role in [Role::TownOperator, Role::TownReviewer, Role::CityViewer] {
        let r = take(&store, &key, &policy, role).await;
        assert!(
            matches!(r, Err(OfficeError::Forbidden(_))),
            "{role:?}: {r:?}"
        );
    }

    // Finance does: the approved amounts (tier 3, 800 yuan each), full
    // ID numbers and accounts, named by month and town; logged once.
    let f = take(&store, &key, &policy, Role::Finance).await.unwrap();
    assert_eq!(f.file_name, "一卡通发放文件-2025年3月-洛城街道.xlsx");
    assert_eq!(f.state, PayState::Approved);
    let rows: Vec<(&str, &str, &str, Option<u8>, Decimal)> = f
        .rows
        .iter()
        .map(|r| {
            (
                r.name.as_str(),
                r.person.as_str(),
                r.account.as_str(),
                r.tier,
                r.amount,
            )
        })
        .collect();
    let mut expected = [
        (
            "周九",
            zhou().as_str().to_owned(),
            ZHOU_ACCOUNT,
            Some(3),
            Decimal::new(80000, 2),
        ),
        (
            "赵六",
            zhao().as_str().to_owned(),
            ZHAO_ACCOUNT,
            Some(3),
            Decimal::new(80000, 2),
        ),
    ];
    expected.sort_by(|a, b| a.1.cmp(&b.1));
    let mut got = rows.clone();
    got.sort_by(|a, b| a.1.cmp(b.1));
    assert_eq!(
        got,
        expected
            .iter()
            .map(|(n, id, a, t, m)| (*n, id.as_str(), *a, *t, *m))
            .collect::<Vec<_>>()
    );
    assert_eq!(f.total, Decimal::new(160000, 2));
    assert_eq!(logged_takings(&store).await, 1);
    // The city's administrator may too, and once paid still.
    step(&store, &policy, Role::Finance, PayMoveKind::Pay).await;
    let f = take(&store, &key, &policy, Role::CityAdmin).await.unwrap();
    assert_eq!(f.state, PayState::Paid);
    assert_eq!(logged_takings(&store).await, 2);

    // 赵六 left before March (recorded after the approval): a new
    // computation would leave him out, but the approved run is locked and
    // its page's whole pay is what was approved — both, 1600 yuan.
    store
        .apply_from(
            "测试",
            None,
            &touyan_storage::Batch {
                exits: vec![touyan_records::model::Exit {
                    person: zhao(),
                    on: date!(2025 - 02 - 20),
                    programme: touyan_records::model::Programme::Secretary,
                    reason: touyan_records::model::ExitReason::LeftOffice,
                    note: String::new(),
                }],
                ..touyan_storage::Batch::default()
            },
        )
        .await
        .unwrap();
    let tm = town_month(&store, &policy, MONTH, town()).await.unwrap();
    assert!(tm.changed_since_computed().is_some());
    let (whole, problem) = touyan_office::pay_parts::town_whole_pay(&store, &tm)
        .await
        .unwrap();
    assert_eq!(problem, None);
    assert_eq!(whole.total_fen, 160_000);
    assert_eq!(whole.rows.len(), 2);

    // Without the key the file cannot be made, and says why.
    std::fs::remove_file(&key).unwrap();
    let r = take(&store, &key, &policy, Role::Finance).await;
    assert!(
        r.as_ref()
            .unwrap_err()
            .to_string()
            .contains("找不到密钥文件"),
        "{r:?}"
    );
    db.finish().await;
}

both_backends!(approved_file, accounts_then_the_approved_file);

#[test]
fn an_account_is_ten_to_twenty_five_digits() {
    assert_eq!(normalize("6228-4804-0256-4890-018").unwrap(), ZHOU_ACCOUNT);
    assert_eq!(normalize(" 1234567890 ").unwrap(), "1234567890");
    assert_eq!(normalize(&"9".repeat(25)).unwrap(), "9".repeat(25));
    for (bad, why) in [
        ("", "请填写一卡通账号"),
        ("   ", "请填写一卡通账号"),
        ("123456789", "一卡通账号应为 10 至 25 位数字，填写的是 9 位"),
        (
            &"9".repeat(26),
            "一卡通账号应为 10 至 25 位数字，填写的是 26 位",
        ),
        (
            "62284804025648900１",
            "一卡通账号只能由数字组成（可含空格）",
        ),
        (
            "6228480402564890O18",
            "一卡通账号只能由数字组成（可含空格）",
        ),
    ] {
        assert_eq!(normalize(bad).unwrap_err().to_string(), why, "{bad:?}");
    }
}
