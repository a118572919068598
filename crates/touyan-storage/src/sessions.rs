//! Login sessions and the keys every server process on a database shares.
//!
//! Only the SHA-256 of a session token is stored (the caller hashes). A
//! session is alive while `last_seen_at` is after "now minus the idle
//! limit"; that test is in the SQL that reads it, with the caller's clock,
//! so several server processes on one database agree and tests can move
//! the clock instead of sleeping.
//!
//! Starting and ending a session is logged as the accounts' changes are
//! (see `accounts.rs`).

use time::PrimitiveDateTime;

use crate::accounts::account_json;
use crate::sql::{Query, micros};
use crate::{Account, Store, StoreError};

/// A live session and its account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionAccount {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub town: Option<String>,
    pub created_at: PrimitiveDateTime,
}

impl Store {
    /// A successful sign-in: clears the failure count (and a lock left by
    /// an older version), starts a
    /// session (`token_hash`: the SHA-256 of its token, hex) and removes
    /// sessions idle since before `stale_before`. Logged as the session's
    /// insertion (and the account's update when it had failures).
    pub async fn start_session(
        &self,
        username: &str,
        token_hash: &str,
        origin: Option<&str>,
        now: PrimitiveDateTime,
        stale_before: PrimitiveDateTime,
    ) -> Result<(), StoreError> {
        let now = micros(now);
        let tx = self.begin_from(username, origin).await?;
        let Some(before) = tx.account(username).await? else {
            return Err(StoreError::Invalid(format!("账户 {username} 不存在")));
        };
        if before.failed_attempts > 0 || before.locked_until.is_some() {
            let mut q = Query::new(self.backend);
            let u = q.bind(username.to_owned());
            q.sql = format!(
                "UPDATE accounts SET failed_attempts = 0, locked_until = NULL WHERE username = {u}"
            );
            q.exec(&tx.tx).await?;
            let after = Account {
                failed_attempts: 0,
                locked_until: None,
                ..before.clone()
            };
            tx.log_raw(
                "accounts",
                username,
                crate::Action::Update,
                Some(account_json(&before)),
                Some(account_json(&after)),
            )
            .await?;
        }
        let mut q = Query::new(self.backend);
        let stale = q.bind(micros(stale_before));
        q.sql = format!("DELETE FROM login_sessions WHERE last_seen_at < {stale}");
        q.exec(&tx.tx).await?;
        let mut q = Query::new(self.backend);
        let vals = [
            q.bind(token_hash.to_owned()),
            q.bind(username.to_owned()),
            q.bind(now),
            q.bind(now),
            q.bind(origin.map(str::to_owned)),
        ];
        q.sql = format!(
            "INSERT INTO login_sessions (token_hash, username, created_at, last_seen_at, origin) \
             VALUES ({})",
            vals.join(", ")
        );
        q.exec(&tx.tx).await?;
        let after = serde_json::json!({
            "username": username,
            "created_at": now.to_string(),
            "origin": origin,
        })
        .to_string();
        tx.log_raw(
            "login_sessions",
            username,
            crate::Action::Insert,
            None,
            Some(after),
        )
        .await?;
        tx.commit().await
    }

    /// The live session with this token hash and its (enabled) account:
    /// seen after `idle_since`. Marks it seen at `now` when it was last
    /// marked before `touch_before` (so a busy session is not written on
    /// every request).
    pub async fn session(
        &self,
        token_hash: &str,
        now: PrimitiveDateTime,
        idle_since: PrimitiveDateTime,
        touch_before: PrimitiveDateTime,
    ) -> Result<Option<SessionAccount>, StoreError> {
        let mut q = Query::new(self.backend);
        let h = q.bind(token_hash.to_owned());
        let idle = q.bind(micros(idle_since));
        let f = q.bind(false);
        q.sql = format!(
            "SELECT a.username, a.display_name, a.account_role, a.town_code, s.created_at, \
             s.last_seen_at FROM login_sessions s JOIN accounts a ON a.username = s.username \
             WHERE s.token_hash = {h} AND s.last_seen_at > {idle} AND a.disabled = {f}"
        );
        let Some(r) = q.read_one(self).await? else {
            return Ok(None);
        };
        let last_seen: PrimitiveDateTime = r.try_get_by_index(5)?;
        let found = SessionAccount {
            username: r.try_get_by_index(0)?,
            display_name: r.try_get_by_index(1)?,
            role: r.try_get_by_index(2)?,
            town: r.try_get_by_index(3)?,
            created_at: r.try_get_by_index(4)?,
        };
        if last_seen < touch_before {
            let mut q = Query::new(self.backend);
            let n = q.bind(micros(now));
            let h = q.bind(token_hash.to_owned());
            let idle = q.bind(micros(idle_since));
            q.sql = format!(
                "UPDATE login_sessions SET last_seen_at = {n} \
                 WHERE token_hash = {h} AND last_seen_at > {idle}"
            );
            if q.exec(&self.db).await? == 0 {
                // Ended or expired in between.
                return Ok(None);
            }
        }
        Ok(Some(found))
    }

    /// Whose session this token hash was, expired or not, while its row
    /// is kept (`start_session` removes a row some hours after it went
    /// idle): a form an expired session interrupted is given back to
    /// that user only.
    pub async fn session_owner(&self, token_hash: &str) -> Result<Option<String>, StoreError> {
        let mut q = Query::new(self.backend);
        let h = q.bind(token_hash.to_owned());
        q.sql = format!("SELECT username FROM login_sessions WHERE token_hash = {h}");
        let Some(r) = q.read_one(self).await? else {
            return Ok(None);
        };
        Ok(Some(r.try_get_by_index(0)?))
    }

    /// Ends the session with this token hash (sign-out); false when there
    /// was none. Logged as the session's deletion.
    pub async fn end_session(
        &self,
        token_hash: &str,
        origin: Option<&str>,
    ) -> Result<bool, StoreError> {
        let mut q = Query::new(self.backend);
        let h = q.bind(token_hash.to_owned());
        q.sql = format!("SELECT username, created_at FROM login_sessions WHERE token_hash = {h}");
        let Some(r) = q.read_one(self).await? else {
            return Ok(false);
        };
        let username: String = r.try_get_by_index(0)?;
        let created: PrimitiveDateTime = r.try_get_by_index(1)?;
        let tx = self.begin_from(&username, origin).await?;
        let mut q = Query::new(self.backend);
        let h = q.bind(token_hash.to_owned());
        q.sql = format!("DELETE FROM login_sessions WHERE token_hash = {h}");
        if q.exec(&tx.tx).await? == 0 {
            return Ok(false);
        }
        let before = serde_json::json!({
            "username": username,
            "created_at": created.to_string(),
        })
        .to_string();
        tx.log_raw(
            "login_sessions",
            &username,
            crate::Action::Delete,
            Some(before),
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}

impl Store {
    /// The secret called `name` shared by every process on this database:
    /// the stored one, or `candidate` (hex) stored now when there is none.
    /// Two processes asking at once get the same answer.
    pub async fn server_key(
        &self,
        name: &str,
        candidate: &str,
        now: PrimitiveDateTime,
    ) -> Result<String, StoreError> {
        let read = || async {
            let mut q = Query::new(self.backend);
            let n = q.bind(name.to_owned());
            q.sql = format!("SELECT key_hex FROM server_keys WHERE name = {n}");
            match q.read_one(self).await? {
                Some(r) => Ok::<_, StoreError>(Some(r.try_get_by_index::<String>(0)?)),
                None => Ok(None),
            }
        };
        if let Some(k) = read().await? {
            return Ok(k);
        }
        let mut q = Query::new(self.backend);
        let vals = [
            q.bind(name.to_owned()),
            q.bind(candidate.to_owned()),
            q.bind(micros(now)),
        ];
        q.sql = format!(
            "INSERT INTO server_keys (name, key_hex, created_at) VALUES ({})",
            vals.join(", ")
        );
        // Another process may have stored one in between: its key wins.
        let _ = q.exec(&self.db).await;
        read()
            .await?
            .ok_or_else(|| StoreError::Database(format!("无法保存密钥 {name}")))
    }
}
