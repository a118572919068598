//! Corrections and withdrawals (`corrections`, migration m0025): the
//! record kind's table, a record's history, and the write that corrects
//! or deletes a record and notes why in one transaction. The change log
//! keeps both rows, as it keeps every write.

use sea_orm::{ConnectionTrait, Value};
use touyan_records::model::{Correction, LeaveMove, LeaveRequest};

use crate::reads::select;
use crate::record::{Cell, Col, Kind, Reader, Record, col, int, key_text, text};
use crate::records::{town, town_code};
use crate::sql::{Params, Query};
use crate::{Store, StoreError};

use Kind::{Bool, Date, Int, Text};

/// A record's key as the change log and [`Correction::key`] write it.
pub fn record_key<R: Record>(r: &R) -> Result<String, StoreError> {
    let row = r.to_row()?;
    Ok(key_text(&row[..R::KEY]))
}

impl Store {
    /// The corrections of the record of table `kind` keyed `key`, in order.
    pub async fn corrections_of(
        &self,
        kind: &str,
        key: &str,
    ) -> Result<Vec<Correction>, StoreError> {
        let mut q = Query::new(self.backend);
        let k = q.bind(Value::String(Some(kind.to_owned())));
        let r = q.bind(Value::String(Some(key.to_owned())));
        let filter = format!("kind = {k} AND record_key = {r}");
        let mut out: Vec<Correction> = select(self, q, &filter).await?;
        out.sort_by_key(|c| c.seq);
        Ok(out)
    }

    /// Replaces `old` with `new`, or deletes it when `new` is `None`, and
    /// writes `c`, all in one transaction. A record changed or deleted
    /// meanwhile, or another correction numbered the same, fails the whole
    /// as [`StoreError::Stale`].
    pub async fn correct<R: Record>(
        &self,
        actor: &str,
        origin: Option<&str>,
        old: &R,
        new: Option<&R>,
        c: &Correction,
    ) -> Result<(), StoreError> {
        if record_key(old)? != c.key || R::TABLE != c.kind {
            return Err(StoreError::Internal("更正记录与所更正的记录不符".into()));
        }
        let mut tx = self.begin_from(actor, origin).await?;
        tx.unchanged(old).await?;
        match new {
            Some(n) => {
                if record_key(n)? != c.key {
                    return Err(StoreError::Internal("更正不能改变记录的主键".into()));
                }
                tx.upsert(std::slice::from_ref(n)).await?;
            }
            None => {
                if tx.delete(std::slice::from_ref(old)).await? != 1 {
                    return Err(StoreError::Stale);
                }
            }
        }
        tx.note_correction(c).await?;
        tx.commit().await
    }

    /// Withdraws the leave request `old` (deletes it with its moves) and
    /// writes `c`, in one transaction; [`StoreError::Stale`] as
    /// [`Store::correct`].
    pub async fn withdraw_leave(
        &self,
        actor: &str,
        origin: Option<&str>,
        old: &LeaveRequest,
        c: &Correction,
    ) -> Result<(), StoreError> {
        if record_key(old)? != c.key || LeaveRequest::TABLE != c.kind || !c.withdrawn {
            return Err(StoreError::Internal("更正记录与所撤回的请假不符".into()));
        }
        let mut tx = self.begin_from(actor, origin).await?;
        tx.unchanged(old).await?;
        let moves: Vec<LeaveMove> = {
            let mut p = Params::new(self.backend);
            let f = format!("person = {} AND leave_seq = {}", p.next(), p.next());
            let v = vec![
                Value::String(Some(old.person.as_str().to_owned())),
                Value::Int(Some(i32::try_from(old.seq).unwrap_or(i32::MAX))),
            ];
            crate::sql::select(&tx.tx, self.backend, &f, v).await?
        };
        tx.delete(&moves).await?;
        if tx.delete(std::slice::from_ref(old)).await? != 1 {
            return Err(StoreError::Stale);
        }
        tx.note_correction(c).await?;
        tx.commit().await
    }
}

impl crate::Tx {
    /// The record as this transaction sees it must be `old`, the one the
    /// correction was made on: a change meanwhile (on its recording page,
    /// or another correction) is not overwritten.
    async fn unchanged<R: Record>(&mut self, old: &R) -> Result<(), StoreError> {
        let row = old.to_row()?;
        // Take the row's lock first (a write that changes nothing), so
        // that a move committed meanwhile (a leave approved, a run
        // approved) is either seen by the read below or waits for this
        // transaction: PostgreSQL reads the latest committed row after a
        // lock; SQLite's write transaction holds the database already.
        let mut p = crate::sql::Params::new(self.backend);
        let first = R::COLUMNS[0].name;
        let sql = format!(
            "UPDATE {} SET {first} = {first} WHERE {}",
            R::TABLE,
            crate::sql::key_match::<R>(&mut p)
        );
        let values = crate::sql::bind(&row[..R::KEY], &R::COLUMNS[..R::KEY])?;
        self.tx
            .execute_raw(sea_orm::Statement::from_sql_and_values(
                self.backend.db(),
                sql,
                values,
            ))
            .await?;
        let now = self.existing::<R>(std::slice::from_ref(&row)).await?;
        if now.get(&row[..R::KEY]) != Some(&row) {
            return Err(StoreError::Stale);
        }
        Ok(())
    }

    /// Writes the correction `c`.
    async fn note_correction(&mut self, c: &Correction) -> Result<(), StoreError> {
        match self.insert(std::slice::from_ref(c)).await {
            // Another correction of the record took the number first.
            Err(StoreError::Duplicate { .. }) => Err(StoreError::Stale),
            r => r.map(drop),
        }
    }
}

impl crate::Tx {
    /// The highest number of `person`'s records of the seq-keyed table
    /// `table` (key `person/seq`) ever corrected or withdrawn: a new
    /// record is numbered past it, so a withdrawn number is never reused
    /// (and its history never inherited).
    pub(crate) async fn last_corrected_seq(
        &self,
        table: &str,
        person: &touyan_records::CitizenId,
    ) -> Result<u32, StoreError> {
        let mut q = Query::new(self.backend);
        let k = q.bind(Value::String(Some(table.to_owned())));
        let like = q.bind(Value::String(Some(format!("{}/%", person.as_str()))));
        q.push(&format!(
            "SELECT record_key FROM corrections WHERE kind = {k} AND record_key LIKE {like}"
        ));
        let rows = q.all(&self.tx).await?;
        let mut last = 0;
        for r in rows {
            let key: String = r.try_get_by_index(0)?;
            if let Some(n) = key.rsplit('/').next().and_then(|n| n.parse::<u32>().ok()) {
                last = last.max(n);
            }
        }
        Ok(last)
    }
}

impl Record for Correction {
    const TABLE: &'static str = "corrections";
    const ZH: &'static str = "更正与撤回记录";
    const COLUMNS: &'static [Col] = &[
        col("kind", Text),
        col("record_key", Text),
        col("seq", Int),
        col("town", Text),
        col("done_on", Date),
        col("done_by", Text),
        col("withdrawn", Bool),
        col("reason", Text),
        col("before_text", Text),
        col("after_text", Text),
    ];
    const KEY: usize = 3;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            text(&self.kind),
            text(&self.key),
            int(self.seq),
            town(&self.town),
            Cell::Date(self.on),
            text(&self.by),
            Cell::Bool(self.withdrawn),
            text(&self.reason),
            text(&self.before),
            text(&self.after),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(Correction {
            kind: r.text()?,
            key: r.text()?,
            seq: r.int()?,
            town: town_code(r)?,
            on: r.date()?,
            by: r.text()?,
            withdrawn: r.bool()?,
            reason: r.text()?,
            before: r.text()?,
            after: r.text()?,
        })
    }
}
