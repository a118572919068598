//! The one-card (一卡通) accounts' key file from the command line (issue
//! 17, item 5): `touyan demo` seals its made-up accounts with a key file
//! beside the database, `touyan key rotate` re-seals them all with a new
//! key that replaces the old file, after which the old key opens nothing;
//! rotating without a key file is refused and changes nothing.

use std::path::Path;
use std::process::{Command, Output};

use touyan_records::model::ListEntry;
use touyan_storage::{CardKeys, Store, StoreError};

fn touyan(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_touyan"))
        .current_dir(dir)
        .env_remove("TOUYAN_DATABASE_URL")
        .env_remove("TOUYAN_KEY_FILE")
        .env_remove("TOUYAN_POLICY")
        .env("USER", "tester")
        .args(args)
        .output()
        .expect("touyan runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The listed secretaries of the demo's latest year.
async fn listed(store: &Store) -> Vec<touyan_records::CitizenId> {
    let entries: Vec<ListEntry> = store.list().await.unwrap();
    let year = entries.iter().map(|e| e.year).max().unwrap();
    let mut v: Vec<_> = entries
        .iter()
        .filter(|e| e.year == year)
        .map(|e| e.person.clone())
        .collect();
    v.sort();
    v.dedup();
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_seals_accounts_and_rotation_retires_the_old_key() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let demo = touyan(d, &["--db", "city.db", "demo", "--as-of", "2025-06-02"]);
    assert!(demo.status.success(), "{}", text(&demo.stderr));
    assert!(
        text(&demo.stdout).contains("密钥文件：city.key"),
        "{}",
        text(&demo.stdout)
    );
    let key = d.join("city.key");
    let old = std::fs::read_to_string(&key).unwrap();

    let store = Store::open(d.join("city.db").to_str().unwrap())
        .await
        .unwrap();
    let people = listed(&store).await;
    let ids: Vec<&touyan_records::CitizenId> = people.iter().collect();
    let keys = CardKeys::open(&key).unwrap();
    let opened = store.one_card_accounts(&keys, &ids).await.unwrap();
    // Every listed secretary but one (left out on purpose).
    assert_eq!(opened.len(), people.len() - 1);
    for (id, account) in &opened {
        assert_eq!(account, &touyan_demo::one_card_account(id));
    }

    let rotated = touyan(d, &["--db", "city.db", "key", "rotate"]);
    assert!(rotated.status.success(), "{}", text(&rotated.stderr));
    let said = text(&rotated.stdout);
    assert!(
        said.contains(&format!("{} 个账号已用新密钥", opened.len())),
        "{said}"
    );
    let new = std::fs::read_to_string(&key).unwrap();
    assert_ne!(new, old);
    assert!(!d.join("city.key.next").exists());
    let keys = CardKeys::open(&key).unwrap();
    assert_eq!(store.one_card_accounts(&keys, &ids).await.unwrap(), opened);
    // The old key, kept by someone, opens nothing.
    std::fs::write(d.join("old.key"), &old).unwrap();
    let old_keys = CardKeys::open(&d.join("old.key")).unwrap();
    assert!(matches!(
        store.one_card_accounts(&old_keys, &ids).await,
        Err(StoreError::Key(_))
    ));

    // No key file where it is said to be: refused, nothing changed.
    let lost = touyan(
        d,
        &["--db", "city.db", "--key-file", "lost.key", "key", "rotate"],
    );
    assert_eq!(lost.status.code(), Some(1));
    assert!(
        text(&lost.stderr).contains("找不到密钥文件 lost.key"),
        "{}",
        text(&lost.stderr)
    );
    assert!(!d.join("lost.key").exists());
    assert_eq!(store.one_card_accounts(&keys, &ids).await.unwrap(), opened);
}

/// `touyan one-card file`: refused until the city approved the town's month,
/// then the file with the full accounts of the run's subsidies, the
/// taking in the change log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_takes_an_approved_months_file() {
    use touyan_office::pay::{Seen, move_town, town_month};
    use touyan_records::model::{PayKind, PayMoveKind};
    use touyan_workflow::{Actor, Role};

    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let demo = touyan(d, &["--db", "city.db", "demo", "--as-of", "2025-06-02"]);
    assert!(demo.status.success(), "{}", text(&demo.stderr));
    let args = [
        "--db",
        "city.db",
        "one-card",
        "file",
        "out.xlsx",
        "--month",
        "2025-06",
        "--town",
        "370783100",
    ];
    let early = touyan(d, &args);
    assert_eq!(early.status.code(), Some(2), "{}", text(&early.stdout));
    assert!(
        text(&early.stderr).contains("市级批准后才能下载一卡通发放文件"),
        "{}",
        text(&early.stderr)
    );
    assert!(!d.join("out.xlsx").exists());

    let store = Store::open(d.join("city.db").to_str().unwrap())
        .await
        .unwrap();
    let town = touyan_records::TownCode::parse("370783100").unwrap();
    let month = time::macros::date!(2025 - 06 - 01);
    let policy = touyan_rules::Policy::example();
    for (role, kind) in [
        (Role::TownOperator, PayMoveKind::Compute),
        (Role::TownReviewer, PayMoveKind::Review),
        (Role::CityAdmin, PayMoveKind::Approve),
    ] {
        let tm = town_month(&store, &policy, month, town).await.unwrap();
        let by = touyan_office::By {
            actor: Actor {
                role,
                town: role.is_town().then_some("370783100"),
            },
            name: "tester",
            origin: None,
        };
        let seen = Seen {
            state: Some(tm.current()),
            moves: Some(tm.moves.len()),
        };
        move_town(&store, by, &tm, kind, seen, "").await.unwrap();
    }
    let tm = town_month(&store, &policy, month, town).await.unwrap();
    let paid: Vec<&touyan_records::CitizenId> = tm
        .stored
        .iter()
        .filter(|r| r.kind == PayKind::ProfessionalSubsidy)
        .map(|r| &r.person)
        .collect();
    assert!(!paid.is_empty());

    let taken = touyan(d, &args);
    assert!(taken.status.success(), "{}", text(&taken.stderr));
    assert!(
        text(&taken.stdout).contains(&format!("（{} 人，", paid.len())),
        "{}",
        text(&taken.stdout)
    );
    let cells: Vec<String> = touyan_excel::reports::read_report(&d.join("out.xlsx"))
        .unwrap()
        .into_iter()
        .flat_map(|(_, g)| g.into_iter().flatten())
        .collect();
    for id in &paid {
        assert!(cells.iter().any(|c| c == id.as_str()), "{id:?}");
        let account = touyan_demo::one_card_account(id);
        assert!(cells.contains(&account), "{account}");
    }
    let log = store.changes(Some("one_card_accounts")).await.unwrap();
    let exports: Vec<_> = log
        .iter()
        .filter(|c| c.action == touyan_storage::Action::Export)
        .collect();
    assert_eq!(exports.len(), 1);
    assert_eq!(exports[0].actor, "命令行:tester");
}
