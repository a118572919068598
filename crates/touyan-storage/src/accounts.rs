//! Accounts: creating them (the first one only while there is none),
//! reading them, and counting failed sign-ins.
//!
//! Account and session changes are written to `change_log` in
//! the same transaction as the change, with the client's address in
//! `origin`; password hashes are never written there. The log is
//! append-only (triggers of migration m0004).

use sea_orm::ConnectionTrait;
use time::PrimitiveDateTime;

use crate::read_pool::Row;
use crate::sql::{Query, micros};
use crate::{Store, StoreError, Tx};

/// A stored account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub username: String,
    pub display_name: String,
    /// The role's code (the server's `Role` enumeration).
    pub role: String,
    /// The town of a town role.
    pub town: Option<String>,
    /// The password's PHC string (argon2id).
    pub password_hash: String,
    pub failed_attempts: u32,
    pub locked_until: Option<PrimitiveDateTime>,
    pub password_changed_at: PrimitiveDateTime,
    pub disabled: bool,
}

/// An account to create.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub town: Option<String>,
    pub password_hash: String,
}

const ACCOUNT_COLS: &str = "username, display_name, account_role, town_code, password_hash, \
                            failed_attempts, locked_until, password_changed_at, disabled";

fn account_from(r: &Row) -> Result<Account, StoreError> {
    let failed: i32 = r.try_get_by_index(5)?;
    Ok(Account {
        username: r.try_get_by_index(0)?,
        display_name: r.try_get_by_index(1)?,
        role: r.try_get_by_index(2)?,
        town: r.try_get_by_index(3)?,
        password_hash: r.try_get_by_index(4)?,
        failed_attempts: u32::try_from(failed).unwrap_or(0),
        locked_until: r.try_get_by_index(6)?,
        password_changed_at: r.try_get_by_index(7)?,
        disabled: r.try_get_by_index(8)?,
    })
}

/// The account as the change log shows it: everything but the password
/// hash.
pub(crate) fn account_json(a: &Account) -> String {
    serde_json::json!({
        "username": a.username,
        "display_name": a.display_name,
        "account_role": a.role,
        "town_code": a.town,
        "failed_attempts": a.failed_attempts,
        "locked_until": a.locked_until.map(|t| t.to_string()),
        "password_changed_at": a.password_changed_at.to_string(),
        "disabled": a.disabled,
    })
    .to_string()
}

impl Tx {
    pub(crate) async fn account(&self, username: &str) -> Result<Option<Account>, StoreError> {
        let mut q = Query::new(self.backend);
        let u = q.bind(username.to_owned());
        q.sql = format!("SELECT {ACCOUNT_COLS} FROM accounts WHERE username = {u}");
        q.one(&self.tx)
            .await?
            .as_ref()
            .map(account_from)
            .transpose()
    }

    async fn account_count(&self) -> Result<u64, StoreError> {
        let mut q = Query::new(self.backend);
        q.push("SELECT COUNT(*) FROM accounts");
        q.count(&self.tx).await
    }

    /// Inserts accounts (the password set `now`), logging each without its
    /// hash. A user name already there fails with
    /// [`StoreError::Duplicate`].
    pub async fn create_accounts(
        &mut self,
        accounts: &[NewAccount],
        now: PrimitiveDateTime,
    ) -> Result<(), StoreError> {
        let now = micros(now);
        for a in accounts {
            let stored = Account {
                username: a.username.clone(),
                display_name: a.display_name.clone(),
                role: a.role.clone(),
                town: a.town.clone(),
                password_hash: a.password_hash.clone(),
                failed_attempts: 0,
                locked_until: None,
                password_changed_at: now,
                disabled: false,
            };
            let mut q = Query::new(self.backend);
            let vals = [
                q.bind(stored.username.clone()),
                q.bind(stored.display_name.clone()),
                q.bind(stored.role.clone()),
                q.bind(stored.town.clone()),
                q.bind(stored.password_hash.clone()),
                q.bind(0i32),
                q.bind(Option::<PrimitiveDateTime>::None),
                q.bind(now),
                q.bind(false),
                q.bind(self.now),
                q.bind(self.now),
                q.bind(self.actor.clone()),
            ];
            q.sql = format!(
                "INSERT INTO accounts ({ACCOUNT_COLS}, created_at, updated_at, updated_by) \
                 VALUES ({})",
                vals.join(", ")
            );
            self.tx
                .execute_raw(q.statement())
                .await
                .map_err(|e| StoreError::writing("账户", e))?;
            self.log_raw(
                "accounts",
                &a.username,
                crate::Action::Insert,
                None,
                Some(account_json(&stored)),
            )
            .await?;
        }
        Ok(())
    }
}

impl Store {
    /// How many accounts there are.
    pub async fn account_count(&self) -> Result<u64, StoreError> {
        let mut q = Query::new(self.backend);
        q.push("SELECT COUNT(*) FROM accounts");
        q.read_count(self).await
    }

    /// The account called `username`.
    pub async fn account(&self, username: &str) -> Result<Option<Account>, StoreError> {
        let mut q = Query::new(self.backend);
        let u = q.bind(username.to_owned());
        q.sql = format!("SELECT {ACCOUNT_COLS} FROM accounts WHERE username = {u}");
        q.read_one(self)
            .await?
            .as_ref()
            .map(account_from)
            .transpose()
    }

    /// Every account, by user name.
    pub async fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        let mut q = Query::new(self.backend);
        q.sql = format!("SELECT {ACCOUNT_COLS} FROM accounts ORDER BY username");
        q.read_all(self).await?.iter().map(account_from).collect()
    }

    /// Creates accounts in one transaction on behalf of `actor`.
    pub async fn create_accounts(
        &self,
        actor: &str,
        origin: Option<&str>,
        accounts: &[NewAccount],
        now: PrimitiveDateTime,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_from(actor, origin).await?;
        tx.create_accounts(accounts, now).await?;
        tx.commit().await
    }

    /// Creates the first account, only while there is none: `Ok(false)`
    /// (and nothing written) when an account exists or another first
    /// account is being created at the same moment.
    pub async fn create_first_account(
        &self,
        origin: Option<&str>,
        account: &NewAccount,
        now: PrimitiveDateTime,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_from(&account.username, origin).await?;
        if tx.account_count().await? > 0 {
            return Ok(false);
        }
        let mut q = Query::new(self.backend);
        let at = q.bind(micros(now));
        q.sql = format!("INSERT INTO first_setup (singleton, done_at) VALUES (1, {at})");
        if q.exec(&tx.tx).await.is_err() {
            return Ok(false);
        }
        tx.create_accounts(std::slice::from_ref(account), now)
            .await?;
        match tx.commit().await {
            Ok(()) => Ok(true),
            // PostgreSQL: the other setup committed first (unique key).
            Err(StoreError::Database(m)) if m.contains("first_setup") || m.contains("unique") => {
                Ok(false)
            }
            Err(e) => Err(e),
        }
    }

    /// A failed sign-in for `username`, from `origin`, logged in the
    /// change log whether or not an account has that name (never the
    /// password). With an account: its `failed_attempts` goes up by one
    /// (cleared by the next successful sign-in), logged as an update of the
    /// account by the name tried; nothing is locked — how often attempts
    /// may come is the server's throttle, which no address can turn into a
    /// lock on someone else. Without one: an insertion into
    /// `login_failures` (a name in the log only, no table) keyed by the
    /// name tried, its first 64 characters. Returns the account after the
    /// change (`None`: no such account).
    pub async fn record_login_failure(
        &self,
        username: &str,
        origin: Option<&str>,
        now: PrimitiveDateTime,
    ) -> Result<Option<Account>, StoreError> {
        let tried: String = username.trim().chars().take(64).collect();
        let actor = if tried.is_empty() {
            "（未填用户名）"
        } else {
            tried.as_str()
        };
        let tx = self.begin_from(actor, origin).await?;
        let Some(before) = tx.account(&tried).await? else {
            let after = serde_json::json!({
                "username": tried,
                "at": micros(now).to_string(),
                "account": false,
            })
            .to_string();
            tx.log_raw(
                "login_failures",
                &tried,
                crate::Action::Insert,
                None,
                Some(after),
            )
            .await?;
            tx.commit().await?;
            return Ok(None);
        };
        let mut q = Query::new(self.backend);
        let u = q.bind(tried.clone());
        q.sql = format!(
            "UPDATE accounts SET failed_attempts = failed_attempts + 1 WHERE username = {u}"
        );
        q.exec(&tx.tx).await?;
        let after = tx.account(&tried).await?;
        if let Some(a) = &after {
            tx.log_raw(
                "accounts",
                &tried,
                crate::Action::Update,
                Some(account_json(&before)),
                Some(account_json(a)),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(after)
    }
}
