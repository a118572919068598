//! Change-log rows that change no record: exports, audited reads and
//! refusals (issue 15), and the day's counts behind the caps on them.

use sea_orm::{
    ConnectionTrait, SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait, Value,
};
use time::PrimitiveDateTime;

use super::chain;
use crate::sql::Params;
use crate::{Action, Store, StoreError};

impl Store {
    /// Records in the change log that `actor` took `what` out of the system
    /// unmasked (`detail`: the file, the scope).
    pub async fn log_export(
        &self,
        actor: &str,
        what: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        self.log_export_from(actor, None, what, detail).await
    }

    /// [`Store::log_export`] for a request from `origin` (the client's
    /// address).
    pub async fn log_export_from(
        &self,
        actor: &str,
        origin: Option<&str>,
        what: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        self.log_event(actor, origin, Action::Export, what, detail)
            .await
    }

    /// Records in the change log that `actor` read `what` (`detail`: which
    /// record or file, masked).
    pub async fn log_read(
        &self,
        actor: &str,
        origin: Option<&str>,
        what: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        self.log_event(actor, origin, Action::Read, what, detail)
            .await
    }

    /// Records in the change log a write refused (`detail`: why, masked).
    pub async fn log_refusal(
        &self,
        actor: &str,
        origin: Option<&str>,
        what: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        self.log_event(actor, origin, Action::Refused, what, detail)
            .await
    }

    /// How many writes `actor` was refused in a way worth auditing since
    /// `since` (UTC).
    pub async fn refusals_since(
        &self,
        actor: &str,
        since: PrimitiveDateTime,
    ) -> Result<u64, StoreError> {
        self.events_since(actor, Action::Refused, "people", since)
            .await
    }

    /// How many change-log rows of `action` on `table` `actor` has since
    /// `since` (UTC): the day's count behind a cap.
    pub async fn events_since(
        &self,
        actor: &str,
        action: Action,
        table: &str,
        since: PrimitiveDateTime,
    ) -> Result<u64, StoreError> {
        let b = self.backend;
        let mut p = Params::new(b);
        let sql = format!(
            "SELECT COUNT(*) FROM change_log WHERE actor = {} AND action = {} \
             AND table_name = {} AND changed_at >= {}",
            p.next(),
            p.next(),
            p.next(),
            p.next()
        );
        let row = self
            .db
            .query_one_raw(Statement::from_sql_and_values(
                b.db(),
                sql,
                vec![
                    Value::String(Some(actor.to_owned())),
                    Value::String(Some(action.code().to_owned())),
                    Value::String(Some(table.to_owned())),
                    Value::TimeDateTime(Some(since)),
                ],
            ))
            .await?;
        let n: i64 = match row {
            Some(r) => r.try_get_by_index(0)?,
            None => 0,
        };
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// One change-log row that changes no record.
    async fn log_event(
        &self,
        actor: &str,
        origin: Option<&str>,
        action: Action,
        what: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        let now = time::OffsetDateTime::now_utc();
        let entry = chain::Entry {
            at: chain::micros(PrimitiveDateTime::new(now.date(), now.time())),
            actor: actor.to_owned(),
            table: what.to_owned(),
            key: detail.to_owned(),
            action: action.code().to_owned(),
            before: None,
            after: None,
            origin: origin.map(str::to_owned),
        };
        let tx = self
            .db
            .begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..Default::default()
            })
            .await?;
        chain::append(&tx, self.backend, &[entry]).await?;
        tx.commit().await?;
        Ok(())
    }
}
