//! What `touyan payroll` reads and writes: whole record tables in bulk
//! (on a SQLite file through `sqlite_bulk`), the plain baseline its read is
//! measured against (`benches/read.rs`), and a month's payments of one
//! kind.

use sea_orm::{ConnectionTrait, Statement, Value};
use time::Date;
use touyan_records::CitizenId;

use crate::record::{Col, Record, cells, to_record};
use crate::sql::{Params, column_list, select};
use crate::{Store, StoreError};

impl Store {
    /// Stores a month's payments of one kind: `rows` are upserted by key
    /// (a row stored exactly as given is not written again, so running the
    /// same payroll twice changes nothing), and the month's stored payments
    /// of that kind that are no longer due — not among `rows`, and paid to
    /// someone `in_scope` says the run covers — are deleted. One
    /// transaction; every change is in the change log (payments are
    /// records, not derived data).
    pub async fn replace_pay_month(
        &self,
        actor: &str,
        month: Date,
        kind: touyan_records::model::PayKind,
        rows: &[touyan_records::model::PayRecord],
        in_scope: &(dyn Fn(&CitizenId) -> bool + Sync),
    ) -> Result<crate::Written, StoreError> {
        use touyan_records::model::{Labelled, PayRecord};
        if let Some(r) = rows.iter().find(|r| r.month != month || r.kind != kind) {
            return Err(StoreError::Invalid(format!(
                "内部错误：{} 的{}不属于本次发放（{month}）",
                r.month,
                r.kind.label()
            )));
        }
        let mut tx = self.begin(actor).await?;
        let mut p = Params::new(self.backend);
        let filter = format!("pay_month = {} AND kind = {}", p.next(), p.next());
        let values = vec![
            Value::TimeDate(Some(month)),
            Value::String(Some(kind.code().to_owned())),
        ];
        let stored: Vec<PayRecord> = select(&tx.tx, self.backend, &filter, values).await?;
        let due: std::collections::HashSet<(&CitizenId, touyan_records::model::FundingSource)> =
            rows.iter().map(|r| (&r.person, r.source)).collect();
        let stale: Vec<PayRecord> = stored
            .into_iter()
            .filter(|s| !due.contains(&(&s.person, s.source)) && in_scope(&s.person))
            .collect();
        let mut w = tx.upsert(rows).await?;
        w.deleted = tx.delete(&stale).await?;
        tx.commit().await?;
        Ok(w)
    }

    /// Records of a kind matching `filter` (SQL over the table's columns,
    /// with `?`/`$n` placeholders for `values`), in no particular order.
    /// Reading in key order costs SQLite a walk of the key index with a
    /// table lookup per row (about 3.7 times slower on the posts of a
    /// province); a caller that indexes the rows itself does not need it.
    pub async fn list_unordered<R: Record>(
        &self,
        filter: Option<(&str, Vec<Value>)>,
    ) -> Result<Vec<R>, StoreError> {
        let (filter, values) = filter.unwrap_or(("1 = 1", Vec::new()));
        let sql = format!(
            "SELECT {} FROM {} WHERE {filter}",
            column_list(R::COLUMNS),
            R::TABLE
        );
        let rows = self
            .db
            .query_all_raw(Statement::from_sql_and_values(
                self.backend.db(),
                sql,
                values,
            ))
            .await?;
        rows.iter()
            .map(|r| to_record(cells(r, R::COLUMNS)?))
            .collect()
    }

    /// Every record of a kind, in key order, as [`Store::list`] — on a
    /// SQLite file through `sqlite_bulk` (rusqlite, on a blocking thread),
    /// for commands that read whole tables (payroll).
    pub async fn list_bulk<R: Record>(&self) -> Result<Vec<R>, StoreError> {
        if let Some(path) = self.sqlite_file() {
            return tokio::task::spawn_blocking(move || {
                crate::sqlite_bulk::with_snapshot(&path, crate::sqlite_bulk::read_all::<R>)
            })
            .await
            .map_err(|e| StoreError::Database(e.to_string()))?;
        }
        self.list().await
    }

    /// The baseline of payroll's read (`benches/read.rs`): the tables
    /// `touyan payroll` reads (towns, villages, people, list entries,
    /// exits), whole and in key order as [`Store::list_bulk`] reads them,
    /// each column read by position into an owned value and nothing built —
    /// on a SQLite file through rusqlite in one read transaction, on
    /// PostgreSQL through sqlx. Returns the rows read.
    pub async fn payroll_plain_read(&self) -> Result<usize, StoreError> {
        use touyan_records::model::{Exit, ListEntry, Person};
        fn t<R: Record>() -> (&'static str, &'static [Col], String) {
            (
                R::TABLE,
                R::COLUMNS,
                format!("1 = 1 ORDER BY {}", column_list(&R::COLUMNS[..R::KEY])),
            )
        }
        let tables = [
            t::<crate::Town>(),
            t::<crate::Village>(),
            t::<Person>(),
            t::<ListEntry>(),
            t::<Exit>(),
        ];
        if let Some(path) = self.sqlite_file() {
            return tokio::task::spawn_blocking(move || {
                crate::sqlite_bulk::with_snapshot(&path, |c| {
                    let mut n = 0;
                    for (table, cols, filter) in &tables {
                        n += crate::sqlite_bulk::plain_read(c, table, cols, filter, &[])?;
                    }
                    Ok(n)
                })
            })
            .await
            .map_err(|e| StoreError::Database(e.to_string()))?;
        }
        let mut n = 0;
        for (table, cols, filter) in &tables {
            let sql = format!("SELECT {} FROM {table} WHERE {filter}", column_list(cols));
            let rows = self
                .db
                .query_all_raw(Statement::from_string(self.backend.db(), sql))
                .await?;
            for r in &rows {
                std::hint::black_box(cells(r, cols)?);
            }
            n += rows.len();
        }
        Ok(n)
    }
}
