//! One-card (一卡通) accounts sealed at rest (issue 17, items 5 and 10):
//! nothing in the database shows the number, the accounts open only with
//! the key that sealed them and only on their own person's row, and a
//! rotated key re-seals them all. On SQLite and PostgreSQL.

use std::path::Path;

use sea_orm::{ConnectionTrait, Statement};
use time::macros::date;
use touyan_records::CitizenId;
use touyan_records::model::Person;
use touyan_storage::testing::TestDb;
use touyan_storage::{CardKeys, StoreError, both_backends};

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

const ACCOUNT_A: &str = "6228480402564890018";
const ACCOUNT_B: &str = "6217000010012345678";

fn person(first17: &str, name: &str) -> Person {
    Person {
        id: cid(first17),
        name: name.into(),
        full_time_education: None,
        in_service_education: None,
    }
}

/// A key file of 32 bytes `b`, as an administrator would keep one.
fn key_file(path: &Path, b: u8) {
    std::fs::write(path, format!("# 测试密钥\n{}\n", hex(&[b; 32]))).unwrap();
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Every text the database holds in the accounts' table and the change
/// log, joined.
async fn everything_stored(db: &TestDb) -> String {
    let conn = db.connect(None).await;
    let mut all = String::new();
    for sql in [
        "SELECT person, key_id, nonce, sealed, tail FROM one_card_accounts",
        "SELECT COALESCE(before_json, ''), COALESCE(after_json, '') FROM change_log",
    ] {
        for row in conn
            .query_all_raw(Statement::from_string(conn.get_database_backend(), sql))
            .await
            .unwrap()
        {
            for i in 0.. {
                match row.try_get_by_index::<String>(i) {
                    Ok(v) => {
                        all.push_str(&v);
                        all.push('\n');
                    }
                    Err(_) => break,
                }
            }
        }
    }
    all
}

async fn accounts_are_sealed_and_open_only_with_their_key(db: TestDb) {
    let store = db.open().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("touyan.key");
    let (a, b) = (cid("37078319700101001"), cid("37078319800101002"));
    let mut tx = store.begin("op").await.unwrap();
    tx.upsert(&[
        person("37078319700101001", "张三"),
        person("37078319800101002", "李四"),
    ])
    .await
    .unwrap();
    tx.commit().await.unwrap();

    // The first account makes the key file.
    assert!(!path.exists());
    let keys = store.keys_for_recording(&path).await.unwrap();
    assert!(path.exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "only the owner reads the key");
    }
    let on = date!(2026 - 11 - 02);
    store
        .record_one_card_account(&keys, "op", None, &a, ACCOUNT_A, on)
        .await
        .unwrap();
    store
        .record_one_card_account(&keys, "op", None, &b, ACCOUNT_B, on)
        .await
        .unwrap();

    // Nothing stored shows a number; the tails are what pages show.
    let stored = everything_stored(&db).await;
    assert!(stored.contains(&keys.key_id().to_owned()), "{stored}");
    for n in [ACCOUNT_A, ACCOUNT_B, "2564890018", "0010012345678"] {
        assert!(!stored.contains(n), "{n} stored in clear: {stored}");
    }
    let tails = store.one_card_on_record(&[&a, &b]).await.unwrap();
    assert_eq!(tails[&a].tail, "0018");
    assert_eq!(tails[&b].tail, "5678");
    assert_eq!(tails[&a].recorded_on, on);

    // The key opens them.
    let opened = store.one_card_accounts(&keys, &[&a, &b]).await.unwrap();
    assert_eq!(opened[&a], ACCOUNT_A);
    assert_eq!(opened[&b], ACCOUNT_B);

    // Another key does not, and says so.
    let other = dir.path().join("other.key");
    key_file(&other, 7);
    let wrong = CardKeys::open(&other).unwrap();
    match store.one_card_accounts(&wrong, &[&a]).await {
        Err(StoreError::Key(m)) => assert!(m.contains("另一把密钥"), "{m}"),
        other => panic!("opened with the wrong key: {other:?}"),
    }

    // A's sealed account copied onto B's row opens for nobody.
    let conn = db.connect(None).await;
    conn.execute_unprepared(&format!(
        "UPDATE one_card_accounts SET sealed = (SELECT sealed FROM one_card_accounts WHERE person = '{a}'), \
         nonce = (SELECT nonce FROM one_card_accounts WHERE person = '{a}') WHERE person = '{b}'",
        a = a.as_str(),
        b = b.as_str()
    ))
    .await
    .unwrap();
    match store.one_card_accounts(&keys, &[&b]).await {
        Err(StoreError::Key(m)) => assert!(m.contains("无法解密"), "{m}"),
        other => panic!("a copied account opened: {other:?}"),
    }
    // Recording B's again mends it.
    store
        .record_one_card_account(&keys, "op", None, &b, ACCOUNT_B, on)
        .await
        .unwrap();

    // Another key file, while the accounts were sealed by this one: new
    // accounts are not sealed apart from them.
    match store.keys_for_recording(&other).await {
        Err(StoreError::Key(m)) => assert!(m.contains("不是本数据库的密钥"), "{m}"),
        other => panic!("a foreign key file accepted: {:?}", other.map(|_| ())),
    }

    // A missing key file with accounts on record is an error, not a new key.
    let elsewhere = dir.path().join("lost.key");
    match store.keys_for_recording(&elsewhere).await {
        Err(StoreError::Key(m)) => assert!(m.contains("2 个加密的账号"), "{m}"),
        other => panic!("a new key over sealed accounts: {:?}", other.map(|_| ())),
    }
    assert!(!elsewhere.exists());
    db.finish().await;
}

both_backends!(sealed, accounts_are_sealed_and_open_only_with_their_key);

async fn a_rotated_key_reseals_every_account(db: TestDb) {
    let store = db.open().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("touyan.key");
    key_file(&path, 1);
    let a = cid("37078319700101001");
    let mut tx = store.begin("op").await.unwrap();
    tx.upsert(&[person("37078319700101001", "张三")])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let keys = store.keys_for_recording(&path).await.unwrap();
    let first = keys.key_id().to_owned();
    store
        .record_one_card_account(&keys, "op", None, &a, ACCOUNT_A, date!(2026 - 01 - 05))
        .await
        .unwrap();
    let old_copy = dir.path().join("old.key");
    std::fs::copy(&path, &old_copy).unwrap();

    let r = store.rotate_one_card_key(&path, "admin").await.unwrap();
    assert_eq!(r.accounts, 1);
    assert_eq!(r.old_key, first);
    assert_ne!(r.new_key, first);
    assert!(!dir.path().join("touyan.key.next").exists());
    let keys = CardKeys::open(&path).unwrap();
    assert_eq!(keys.key_id(), r.new_key);
    assert_eq!(
        store.one_card_accounts(&keys, &[&a]).await.unwrap()[&a],
        ACCOUNT_A
    );
    // The old key (a copy someone kept) opens nothing any more.
    let old = CardKeys::open(&old_copy).unwrap();
    assert!(matches!(
        store.one_card_accounts(&old, &[&a]).await,
        Err(StoreError::Key(_))
    ));
    assert!(!everything_stored(&db).await.contains(ACCOUNT_A));

    // An interrupted rotation (the next key written, not yet in place) is
    // read and finished with that key.
    key_file(&dir.path().join("touyan.key.next"), 9);
    let pending = CardKeys::open(&dir.path().join("touyan.key.next")).unwrap();
    let r2 = store.rotate_one_card_key(&path, "admin").await.unwrap();
    assert_eq!(r2.old_key, r.new_key);
    assert_eq!(r2.new_key, pending.key_id());
    let keys = CardKeys::open(&path).unwrap();
    assert_eq!(keys.key_id(), pending.key_id());
    assert_eq!(
        store.one_card_accounts(&keys, &[&a]).await.unwrap()[&a],
        ACCOUNT_A
    );

    // A file that is not a key is refused with its name.
    std::fs::write(dir.path().join("bad.key"), "not a key\n").unwrap();
    match CardKeys::open(&dir.path().join("bad.key")) {
        Err(StoreError::Key(m)) => assert!(m.contains("64 位十六进制"), "{m}"),
        other => panic!("{:?}", other.map(|_| ())),
    }
    db.finish().await;
}

both_backends!(rotation, a_rotated_key_reseals_every_account);
