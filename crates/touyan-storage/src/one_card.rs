//! One-card (一卡通) accounts, sealed at rest (issue 17, item 5; 等保2.0
//! 保密性 and PIPL Art. 28: a financial account is sensitive personal
//! information).
//!
//! The table `one_card_accounts` (migration m0023) never holds an account
//! number: each row keeps the AES-256-GCM ciphertext of one person's
//! account, its nonce, which key sealed it (`key_id`, a digest of the key,
//! never the key) and the last four digits, so that pages can show the
//! account masked without opening it. The person's ID number is the
//! ciphertext's associated data: a sealed account copied onto another
//! person's row does not open.
//!
//! The key is a file outside the database ([`CardKeys`]): 32 random bytes
//! in hex, made the first time an account is recorded (mode 0600), kept
//! and backed up apart from the database. Without it the accounts cannot
//! be read; with it alone there is nothing to read.
//!
//! Rotating the key ([`Store::rotate_one_card_key`]) makes a new key in
//! `<key file>.next` (from then on new accounts are sealed with it),
//! re-seals every account with it in one transaction, seals again any
//! recorded meanwhile with the old key, then puts the new file in the old
//! one's place: the database's accounts no longer open with the old key.
//! Older backups of the database, and the change log's earlier rows
//! (which keep the sealed values written then), still need the old key:
//! it is kept as long as they are. If the process stops between the
//! commit and the rename, both files are read (each row names its key)
//! and the next rotation finishes the move.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use sea_orm::Value;
use sha2::{Digest, Sha256};
use time::Date;
use touyan_records::{CitizenId, Mask, TownCode};

use crate::reads::select;
use crate::record::{Cell, Col, Kind, Reader, Record, col, text};
use crate::records::{id, person};
use crate::sql::Query;
use crate::{Store, StoreError};

/// The first line of a key file.
const HEADER: &str =
    "# touyan 一卡通账号密钥（AES-256-GCM）。与数据库分开保管和备份；丢失后已登记的账号无法解密。";

/// One key: its 32 bytes and its id (the first 16 hex digits of a SHA-256
/// of the key, what a sealed row names).
pub struct CardKey {
    cipher: Aes256Gcm,
    id: String,
}

impl CardKey {
    fn from_bytes(bytes: &[u8; 32]) -> CardKey {
        let mut h = Sha256::new();
        h.update(b"touyan one-card key\0");
        h.update(bytes);
        let id = hex::encode(&h.finalize()[..8]);
        CardKey {
            cipher: Aes256Gcm::new(bytes.into()),
            id,
        }
    }

    /// A new random key and the text of its file.
    fn generate() -> (CardKey, String) {
        let bytes: [u8; 32] = Aes256Gcm::generate_key(&mut OsRng).into();
        let file = format!("{HEADER}\n{}\n", hex::encode(bytes));
        (CardKey::from_bytes(&bytes), file)
    }

    /// The key in a key file's text.
    fn parse(text: &str, path: &Path) -> Result<CardKey, StoreError> {
        let lines: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        let bad = || {
            StoreError::Key(format!(
                "密钥文件 {} 的内容不是一把密钥（应为一行 64 位十六进制数字）",
                path.display()
            ))
        };
        let [line] = lines.as_slice() else {
            return Err(bad());
        };
        let bytes: [u8; 32] = hex::decode(line)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(bad)?;
        Ok(CardKey::from_bytes(&bytes))
    }

    /// The key's id (not secret).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// (nonce, ciphertext) in hex of `account`, bound to `person`.
    fn seal(&self, person: &CitizenId, account: &str) -> Result<(String, String), StoreError> {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let sealed = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: account.as_bytes(),
                    aad: person.as_str().as_bytes(),
                },
            )
            .map_err(|_| StoreError::Internal("一卡通账号加密失败".into()))?;
        Ok((hex::encode(nonce), hex::encode(sealed)))
    }

    /// The account a row seals, or `None` when this key does not open it
    /// (another key, another person's row, or a changed row).
    fn open(&self, row: &SealedAccount) -> Option<String> {
        let nonce: [u8; 12] = hex::decode(&row.nonce).ok()?.try_into().ok()?;
        let sealed = hex::decode(&row.sealed).ok()?;
        let plain = self
            .cipher
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: &sealed,
                    aad: row.person.as_str().as_bytes(),
                },
            )
            .ok()?;
        String::from_utf8(plain).ok()
    }
}

/// The key file's keys: the one in force and, while a rotation is not
/// finished, the next one.
pub struct CardKeys {
    path: PathBuf,
    current: CardKey,
    next: Option<CardKey>,
}

/// Where a rotation writes the new key before it takes the old one's
/// place.
fn next_path(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(".next");
    PathBuf::from(p)
}

fn read_key(path: &Path) -> Result<Option<CardKey>, StoreError> {
    match std::fs::read_to_string(path) {
        Ok(text) => CardKey::parse(&text, path).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(StoreError::Key(format!(
            "无法读取密钥文件 {}：{e}",
            path.display()
        ))),
    }
}

/// Writes a new key file that only its owner may read; refuses to
/// overwrite one.
fn write_new_key_file(path: &Path, text: &str) -> Result<(), StoreError> {
    let failed =
        |e: std::io::Error| StoreError::Key(format!("无法写入密钥文件 {}：{e}", path.display()));
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let mut f = o.open(path).map_err(failed)?;
    f.write_all(text.as_bytes()).map_err(failed)?;
    f.sync_all().map_err(failed)
}

impl CardKeys {
    /// The keys in the file at `path` (and `<path>.next` if a rotation
    /// was interrupted); `None` when there is no key file.
    pub fn read(path: &Path) -> Result<Option<CardKeys>, StoreError> {
        let Some(current) = read_key(path)? else {
            return Ok(None);
        };
        Ok(Some(CardKeys {
            path: path.to_owned(),
            current,
            next: read_key(&next_path(path))?,
        }))
    }

    /// The key file at `path`, which must be there.
    pub fn open(path: &Path) -> Result<CardKeys, StoreError> {
        CardKeys::read(path)?.ok_or_else(|| {
            StoreError::Key(format!(
                "找不到密钥文件 {}（用 --key-file 或 TOUYAN_KEY_FILE 指定）",
                path.display()
            ))
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The id of the key in force (the key file's).
    pub fn key_id(&self) -> &str {
        self.current.id()
    }

    /// The key that seals a new account: the next one while a rotation
    /// is under way (so that nothing is sealed with the key it retires),
    /// else the key in force.
    fn sealing(&self) -> &CardKey {
        self.next.as_ref().unwrap_or(&self.current)
    }

    /// Whether the file holds the key `id` (the one in force or, during a
    /// rotation, the next): what a restored database's accounts need.
    pub fn holds(&self, id: &str) -> bool {
        self.key(id).is_some()
    }

    fn key(&self, id: &str) -> Option<&CardKey> {
        std::iter::once(&self.current)
            .chain(self.next.as_ref())
            .find(|k| k.id == id)
    }

    /// Opens a sealed row, or says which key it needs.
    fn open_row(&self, row: &SealedAccount) -> Result<String, StoreError> {
        let key = self.key(&row.key_id).ok_or_else(|| {
            StoreError::Key(format!(
                "{} 的账号由另一把密钥（编号 {}）加密，密钥文件 {} 中的密钥（编号 {}）无法解密",
                row.person.masked(Mask::default()),
                row.key_id,
                self.path.display(),
                self.current.id
            ))
        })?;
        key.open(row).ok_or_else(|| {
            StoreError::Key(format!(
                "{} 的账号无法解密：记录已被改动或不属于此人",
                row.person.masked(Mask::default())
            ))
        })
    }
}

/// A stored row: a person's account, sealed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SealedAccount {
    pub(crate) person: CitizenId,
    pub(crate) key_id: String,
    pub(crate) nonce: String,
    pub(crate) sealed: String,
    pub(crate) tail: String,
    pub(crate) recorded_on: Date,
}

impl Record for SealedAccount {
    const TABLE: &'static str = "one_card_accounts";
    const ZH: &'static str = "一卡通账号";
    const COLUMNS: &'static [Col] = &[
        col("person", Kind::Text),
        col("key_id", Kind::Text),
        col("nonce", Kind::Text),
        col("sealed", Kind::Text),
        col("tail", Kind::Text),
        col("recorded_on", Kind::Date),
    ];
    const KEY: usize = 1;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            id(&self.person),
            text(&self.key_id),
            text(&self.nonce),
            text(&self.sealed),
            text(&self.tail),
            Cell::Date(self.recorded_on),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(SealedAccount {
            person: person(r)?,
            key_id: r.text()?,
            nonce: r.text()?,
            sealed: r.text()?,
            tail: r.text()?,
            recorded_on: r.date()?,
        })
    }
}

/// What a rotation did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rotated {
    /// Accounts re-sealed.
    pub accounts: usize,
    pub old_key: String,
    pub new_key: String,
}

/// An account on record as pages may show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountOnRecord {
    /// The last four digits.
    pub tail: String,
    pub recorded_on: Date,
}

impl Store {
    async fn sealed_of(&self, ids: &[&CitizenId]) -> Result<Vec<SealedAccount>, StoreError> {
        let mut out = Vec::new();
        for chunk in ids.chunks(500) {
            let mut q = Query::new(self.backend);
            let marks: Vec<String> = chunk
                .iter()
                .map(|id| q.bind(Value::String(Some(id.as_str().to_owned()))))
                .collect();
            let filter = format!("person IN ({})", marks.join(", "));
            out.extend(select::<SealedAccount>(self, q, &filter).await?);
        }
        Ok(out)
    }

    /// The keys to seal a new account with: the key file at `path`, made
    /// now if there is none and no account is on record (a key file
    /// missing while accounts are sealed is an error, not a new key), and
    /// refused when the accounts on record were sealed by another key (a
    /// wrong or stale key file would seal new accounts apart from them).
    pub async fn keys_for_recording(&self, path: &Path) -> Result<CardKeys, StoreError> {
        if let Some(keys) = CardKeys::read(path)? {
            let mut q = Query::new(self.backend);
            q.sql = "SELECT DISTINCT key_id FROM one_card_accounts".to_owned();
            for row in q.read_all(self).await? {
                let id: String = row.try_get_by_index(0)?;
                if keys.key(&id).is_none() {
                    return Err(StoreError::Key(format!(
                        "数据库中的账号由另一把密钥（编号 {id}）加密，密钥文件 {} 中的密钥（编号 {}）不是本数据库的密钥；请找回原密钥文件",
                        path.display(),
                        keys.key_id()
                    )));
                }
            }
            return Ok(keys);
        }
        let on_record = self.count::<SealedAccount>().await?;
        if on_record > 0 {
            return Err(StoreError::Key(format!(
                "找不到密钥文件 {}，而数据库中已有 {on_record} 个加密的账号：请找回原密钥文件，不能另建新密钥",
                path.display()
            )));
        }
        let (_, text) = CardKey::generate();
        write_new_key_file(path, &text)?;
        CardKeys::open(path)
    }

    /// Records `account` (digits, checked by the caller) as `person`'s
    /// one-card account, sealed with the key in force, in one transaction
    /// with its change-log row (which holds the sealed value, never the
    /// number). Recording again replaces it.
    pub async fn record_one_card_account(
        &self,
        keys: &CardKeys,
        actor: &str,
        origin: Option<&str>,
        person: &CitizenId,
        account: &str,
        on: Date,
    ) -> Result<(), StoreError> {
        let key = keys.sealing();
        let (nonce, sealed) = key.seal(person, account)?;
        let tail: String = {
            let digits: Vec<char> = account.chars().collect();
            digits[digits.len().saturating_sub(4)..].iter().collect()
        };
        let row = SealedAccount {
            person: person.clone(),
            key_id: key.id.clone(),
            nonce,
            sealed,
            tail,
            recorded_on: on,
        };
        let mut tx = self.begin_from(actor, origin).await?;
        tx.upsert(&[row]).await?;
        tx.commit().await
    }

    /// Whether `person` is on a list of `town` (a list entry or a filed
    /// version, any year): whom the town records a one-card account for.
    pub async fn listed_in(&self, person: &CitizenId, town: TownCode) -> Result<bool, StoreError> {
        let mut q = Query::new(self.backend);
        let p1 = q.bind(Value::String(Some(person.as_str().to_owned())));
        let t1 = q.bind(Value::String(Some(town.as_str().to_owned())));
        let p2 = q.bind(Value::String(Some(person.as_str().to_owned())));
        let t2 = q.bind(Value::String(Some(town.as_str().to_owned())));
        q.sql = format!(
            "SELECT person FROM list_entries WHERE person = {p1} AND town = {t1} \
             UNION SELECT person FROM list_filings WHERE person = {p2} AND town = {t2}"
        );
        Ok(q.read_one(self).await?.is_some())
    }

    /// The accounts on record of `ids` as pages show them (the last four
    /// digits; no key is needed).
    pub async fn one_card_on_record(
        &self,
        ids: &[&CitizenId],
    ) -> Result<HashMap<CitizenId, AccountOnRecord>, StoreError> {
        Ok(self
            .sealed_of(ids)
            .await?
            .into_iter()
            .map(|r| {
                (
                    r.person,
                    AccountOnRecord {
                        tail: r.tail,
                        recorded_on: r.recorded_on,
                    },
                )
            })
            .collect())
    }

    /// The accounts of `ids` in full, opened with `keys` (people without
    /// one are left out). Any row the keys do not open fails the read.
    pub async fn one_card_accounts(
        &self,
        keys: &CardKeys,
        ids: &[&CitizenId],
    ) -> Result<HashMap<CitizenId, String>, StoreError> {
        self.sealed_of(ids)
            .await?
            .into_iter()
            .map(|r| Ok((r.person.clone(), keys.open_row(&r)?)))
            .collect()
    }

    /// Rotates the key in the file at `path`: a new key, every account
    /// re-sealed with it in one transaction, then the new key file in
    /// place of the old (see the module's text for an interruption).
    pub async fn rotate_one_card_key(
        &self,
        path: &Path,
        actor: &str,
    ) -> Result<Rotated, StoreError> {
        let keys = CardKeys::open(path)?;
        let old_key = keys.key_id().to_owned();
        let next = next_path(path);
        let keys = if keys.next.is_some() {
            keys
        } else {
            let (_, text) = CardKey::generate();
            write_new_key_file(&next, &text)?;
            CardKeys::open(path)?
        };
        let new = keys
            .next
            .as_ref()
            .ok_or_else(|| StoreError::Internal("新密钥未写入".into()))?;
        let mut tx = self.begin(actor).await?;
        let rows = tx.list::<SealedAccount>().await?;
        let mut resealed = Vec::with_capacity(rows.len());
        for r in &rows {
            let account = keys.open_row(r)?;
            let (nonce, sealed) = new.seal(&r.person, &account)?;
            resealed.push(SealedAccount {
                key_id: new.id.clone(),
                nonce,
                sealed,
                ..r.clone()
            });
        }
        tx.upsert(&resealed).await?;
        tx.commit().await?;
        // An account recorded meanwhile by a process that read the key
        // file before `.next` existed is sealed with the old key: sealed
        // again before the old key goes (new ones are sealed with `.next`).
        let mut tx = self.begin(actor).await?;
        let late: Vec<SealedAccount> = tx
            .list::<SealedAccount>()
            .await?
            .into_iter()
            .filter(|r| r.key_id != new.id)
            .collect();
        let mut again = Vec::with_capacity(late.len());
        for r in &late {
            let account = keys.open_row(r)?;
            let (nonce, sealed) = new.seal(&r.person, &account)?;
            again.push(SealedAccount {
                key_id: new.id.clone(),
                nonce,
                sealed,
                ..r.clone()
            });
        }
        tx.upsert(&again).await?;
        tx.commit().await?;
        let new_key = new.id.clone();
        std::fs::rename(&next, path).map_err(|e| {
            StoreError::Key(format!(
                "账号已用新密钥加密，但无法以 {} 替换 {}：{e}（两个文件都请保留，再次轮换即可完成）",
                next.display(),
                path.display()
            ))
        })?;
        Ok(Rotated {
            accounts: rows.len(),
            old_key,
            new_key,
        })
    }
}
