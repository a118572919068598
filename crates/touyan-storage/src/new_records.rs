//! Records that must be new: what a recording form of the year's pages
//! adds (issue 5, items 2–4: secondments, work logs, appraisals, reserves
//! and the reserves' yearly report; exam results, certificates and
//! degree-study applications).
//!
//! A form's records are written in one transaction ([`Store::record_form`]):
//! the rows it adds must be new (a key already there refuses the whole
//! form, so a second click or another user's same entry does not silently
//! overwrite), the rows it changes are upserted; every row goes to the
//! change log.

use crate::record::Record;
use crate::{Batch, Store, StoreError, Tx};

impl Tx {
    /// Inserts rows that must be new: when a row with one of their keys is
    /// stored already, nothing is written and the write is refused with a
    /// sentence naming the kind of record (not its key, which may hold an
    /// ID number).
    pub async fn insert_new<R: Record>(&mut self, rows: &[R]) -> Result<u64, StoreError> {
        let all = Self::rows(rows)?;
        for chunk in all.chunks(self.chunk::<R>()) {
            if !self.existing::<R>(chunk).await?.is_empty() {
                return Err(StoreError::AlreadyRecorded { what: R::ZH });
            }
        }
        self.insert(rows).await
    }
}

impl Store {
    /// Writes what a recording form gives in one transaction: `new` rows
    /// must not be stored yet ([`Tx::insert_new`]), `changed` rows are
    /// upserted; kinds in the order of a batch (parents first), the new
    /// rows of a kind before its changed ones. All or nothing.
    pub async fn record_form(
        &self,
        actor: &str,
        origin: Option<&str>,
        new: &Batch,
        changed: &Batch,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_from(actor, origin).await?;
        macro_rules! write {
            ($f:ident, $t:ty) => {
                if !new.$f.is_empty() {
                    tx.insert_new(&new.$f).await?;
                }
                if !changed.$f.is_empty() {
                    tx.upsert(&changed.$f).await?;
                }
            };
        }
        crate::batch_kinds!(write);
        tx.commit().await
    }

    /// Writes rows of one kind that must be new ([`Tx::insert_new`]) in
    /// one transaction: for kinds a [`Batch`] does not carry (a
    /// degree-study application).
    pub async fn record_new<R: Record>(
        &self,
        actor: &str,
        origin: Option<&str>,
        rows: &[R],
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_from(actor, origin).await?;
        tx.insert_new(rows).await?;
        tx.commit().await
    }
}
