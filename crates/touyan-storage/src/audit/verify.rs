//! Walking the change log's hash chain (`chain.rs`) in id order, a page
//! of rows at a time, in one read snapshot (so rows appended meanwhile
//! are neither half seen nor taken for forgeries): the first row that
//! was changed, deleted or put in, or the chain's head.
//!
//! What a walk cannot see: whoever can write the database file can
//! recompute every hash after a change and move the head. The head's
//! hash, recorded somewhere else and given back ([`Recorded`]), catches
//! that for every row up to the recorded one.

use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseTransaction, IsolationLevel, Statement,
    TransactionOptions, TransactionTrait, Value,
};
use time::PrimitiveDateTime;

use super::chain::{Entry, GENESIS, row_hash};
use crate::sql::Params;
use crate::{Backend, Store, StoreError};

/// Rows read per statement.
const PAGE: i64 = 2000;

/// One stored row of the change log, as the chain reads it.
#[derive(Clone, Debug)]
pub(crate) struct ChainRow {
    pub(crate) id: i64,
    pub(crate) entry: Entry,
    pub(crate) prev_hash: Option<String>,
    pub(crate) row_hash: Option<String>,
}

/// The rows after `after`, at most `limit`, in id order.
pub(crate) async fn read_page<C: ConnectionTrait>(
    c: &C,
    backend: Backend,
    after: i64,
    limit: i64,
) -> Result<Vec<ChainRow>, StoreError> {
    let mut p = Params::new(backend);
    let sql = format!(
        "SELECT id, changed_at, actor, table_name, record_key, action, before_json, after_json, \
         origin, prev_hash, row_hash FROM change_log WHERE id > {} ORDER BY id LIMIT {}",
        p.next(),
        p.next()
    );
    let rows = c
        .query_all_raw(Statement::from_sql_and_values(
            backend.db(),
            sql,
            [Value::BigInt(Some(after)), Value::BigInt(Some(limit))],
        ))
        .await?;
    rows.iter()
        .map(|r| {
            Ok(ChainRow {
                id: r.try_get_by_index(0)?,
                entry: Entry {
                    at: r.try_get_by_index(1)?,
                    actor: r.try_get_by_index(2)?,
                    table: r.try_get_by_index(3)?,
                    key: r.try_get_by_index(4)?,
                    action: r.try_get_by_index(5)?,
                    before: r.try_get_by_index(6)?,
                    after: r.try_get_by_index(7)?,
                    origin: r.try_get_by_index(8)?,
                },
                prev_hash: r.try_get_by_index(9)?,
                row_hash: r.try_get_by_index(10)?,
            })
        })
        .collect::<Result<_, sea_orm::DbErr>>()
        .map_err(StoreError::from)
}

/// How the chain is broken at a row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChainBreak {
    /// The row's content (or its hash) was changed after it was written:
    /// its hash is not that of what it holds.
    Altered,
    /// The row has no hash: it was written around the chain.
    Unsealed,
    /// Rows before this one were deleted: it does not follow the row
    /// before it (`after`; `None`: it should be the first).
    Missing { after: Option<i64> },
    /// The row was put in between: the row after it follows the row
    /// before it.
    Inserted,
    /// The row lies past the chain's head (put in at the end).
    PastHead { head_id: i64 },
    /// The end of the log was deleted: the head names row `head_id`, the
    /// last row there is `last` (this break's row is the first missing).
    Truncated { last: Option<i64>, head_id: i64 },
    /// The chain was recomputed up to the last row, not the head's.
    HeadMismatch,
    /// The row recorded earlier now has another hash: the chain was
    /// recomputed.
    NotAsRecorded,
    /// The row recorded earlier is not there.
    RecordedMissing,
    /// The chain's head row is missing.
    NoHead,
}

/// The first broken row: its id and, when it is there, when, who and
/// which table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokenRow {
    pub id: i64,
    pub at: Option<PrimitiveDateTime>,
    pub actor: Option<String>,
    pub table: Option<String>,
    pub kind: ChainBreak,
}

/// What a walk of the chain found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainState {
    /// Rows found in order, up to the first broken one.
    pub checked: u64,
    /// The head: last id and hash (0 and [`GENESIS`] for an empty log).
    pub head_id: i64,
    pub head_hash: String,
    pub broken: Option<BrokenRow>,
}

impl ChainState {
    pub fn intact(&self) -> bool {
        self.broken.is_none()
    }
}

/// A row's hash recorded earlier (`touyan audit verify --expect`), or
/// the head a walk found (to go on from, [`Store::verify_audit_chain_from`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    pub id: i64,
    pub hash: String,
}

/// The walk's place: the last row accepted and the one before it.
struct Walk {
    checked: u64,
    /// The last row accepted (id, hash, the row for naming it).
    prev: Option<(i64, String, Option<ChainRow>)>,
    /// The hash of the row before `prev`.
    prev2: Option<String>,
    head_id: i64,
    head_hash: String,
    expect: Option<Recorded>,
    expect_seen: bool,
}

fn broken(r: &ChainRow, kind: ChainBreak) -> BrokenRow {
    BrokenRow {
        id: r.id,
        at: Some(r.entry.at),
        actor: Some(r.entry.actor.clone()),
        table: Some(r.entry.table.clone()),
        kind,
    }
}

fn bare(id: i64, kind: ChainBreak) -> BrokenRow {
    BrokenRow {
        id,
        at: None,
        actor: None,
        table: None,
        kind,
    }
}

impl Walk {
    fn expected_prev(&self) -> &str {
        self.prev.as_ref().map_or(GENESIS, |p| p.1.as_str())
    }

    /// Takes the next row, or says how it breaks the chain.
    fn step(&mut self, r: ChainRow) -> Result<(), BrokenRow> {
        if r.id > self.head_id {
            let last = self.prev.as_ref().map(|p| p.0);
            if last.unwrap_or(0) < self.head_id {
                let kind = ChainBreak::Truncated {
                    last,
                    head_id: self.head_id,
                };
                return Err(bare(last.unwrap_or(0) + 1, kind));
            }
            return Err(broken(
                &r,
                ChainBreak::PastHead {
                    head_id: self.head_id,
                },
            ));
        }
        let Some(stored) = r.row_hash.clone() else {
            return Err(broken(&r, ChainBreak::Unsealed));
        };
        let prev_hash = r.prev_hash.clone().unwrap_or_default();
        let linked = prev_hash == self.expected_prev();
        if stored != row_hash(r.id, &r.entry, &prev_hash) {
            let kind = if linked {
                ChainBreak::Altered
            } else {
                ChainBreak::Inserted
            };
            return Err(broken(&r, kind));
        }
        if !linked {
            if let (Some(p2), Some((_, _, Some(p)))) = (&self.prev2, &self.prev)
                && *p2 == prev_hash
            {
                return Err(broken(p, ChainBreak::Inserted));
            }
            let after = self.prev.as_ref().map(|p| p.0);
            return Err(broken(&r, ChainBreak::Missing { after }));
        }
        if let Some(e) = &self.expect
            && e.id == r.id
        {
            self.expect_seen = true;
            if e.hash != stored {
                return Err(broken(&r, ChainBreak::NotAsRecorded));
            }
        }
        self.checked += 1;
        self.prev2 = self.prev.take().map(|p| p.1);
        self.prev = Some((r.id, stored, Some(r)));
        Ok(())
    }

    /// After the last row: the head and the recorded row.
    fn end(&self) -> Option<BrokenRow> {
        let last = self.prev.as_ref();
        let last_id = last.map_or(0, |p| p.0);
        if let Some(e) = &self.expect
            && !self.expect_seen
            && e.id > last_id
        {
            return Some(bare(e.id, ChainBreak::RecordedMissing));
        }
        if last_id < self.head_id {
            return Some(bare(
                last_id + 1,
                ChainBreak::Truncated {
                    last: last.map(|p| p.0),
                    head_id: self.head_id,
                },
            ));
        }
        match last {
            Some((_, hash, row)) if *hash != self.head_hash => Some(match row {
                Some(r) => broken(r, ChainBreak::HeadMismatch),
                None => bare(last_id, ChainBreak::HeadMismatch),
            }),
            _ => None,
        }
    }
}

impl Store {
    /// Walks the whole change log in id order and says whether its hash
    /// chain is whole; `expect`: a row's hash recorded earlier, which it
    /// must still have.
    pub async fn verify_audit_chain(
        &self,
        expect: Option<Recorded>,
    ) -> Result<ChainState, StoreError> {
        self.walk_chain(None, expect).await
    }

    /// Like [`Store::verify_audit_chain`], but only the rows after `from`
    /// (a head an earlier walk found intact, after `checked` rows): that
    /// row must still have its hash, and the rows after it follow it.
    pub async fn verify_audit_chain_from(
        &self,
        from: &Recorded,
        checked: u64,
    ) -> Result<ChainState, StoreError> {
        self.walk_chain(Some((from.clone(), checked)), None).await
    }

    async fn snapshot(&self) -> Result<DatabaseTransaction, StoreError> {
        Ok(match self.backend {
            Backend::Postgres => {
                self.db
                    .begin_with_options(TransactionOptions {
                        isolation_level: Some(IsolationLevel::RepeatableRead),
                        access_mode: Some(AccessMode::ReadOnly),
                        ..Default::default()
                    })
                    .await?
            }
            Backend::Sqlite => self.db.begin().await?,
        })
    }

    async fn walk_chain(
        &self,
        from: Option<(Recorded, u64)>,
        expect: Option<Recorded>,
    ) -> Result<ChainState, StoreError> {
        let b = self.backend;
        let tx = self.snapshot().await?;
        let head = tx
            .query_one_raw(Statement::from_string(
                b.db(),
                "SELECT last_id, last_hash FROM audit_chain_head WHERE id = 1",
            ))
            .await?;
        let Some(head) = head else {
            return Ok(ChainState {
                checked: 0,
                head_id: 0,
                head_hash: GENESIS.to_owned(),
                broken: Some(bare(0, ChainBreak::NoHead)),
            });
        };
        let mut w = Walk {
            checked: 0,
            prev: None,
            prev2: None,
            head_id: head.try_get_by_index(0)?,
            head_hash: head.try_get_by_index(1)?,
            expect,
            expect_seen: false,
        };
        let state = |w: &Walk, broken| ChainState {
            checked: w.checked,
            head_id: w.head_id,
            head_hash: w.head_hash.clone(),
            broken,
        };
        let mut after = 0;
        if let Some((f, checked)) = from {
            let row = read_page(&tx, b, f.id - 1, 1).await?;
            match row.first() {
                Some(r) if r.id == f.id => {
                    let own = row_hash(r.id, &r.entry, r.prev_hash.as_deref().unwrap_or(""));
                    if r.row_hash.as_deref() != Some(own.as_str()) {
                        return Ok(state(&w, Some(broken(r, ChainBreak::Altered))));
                    }
                    if own != f.hash {
                        return Ok(state(&w, Some(broken(r, ChainBreak::NotAsRecorded))));
                    }
                }
                _ => return Ok(state(&w, Some(bare(f.id, ChainBreak::RecordedMissing)))),
            }
            after = f.id;
            w.checked = checked;
            w.prev = Some((f.id, f.hash, None));
        }
        loop {
            let rows = read_page(&tx, b, after, PAGE).await?;
            let n = rows.len() as i64;
            for r in rows {
                after = r.id;
                if let Err(e) = w.step(r) {
                    return Ok(state(&w, Some(e)));
                }
            }
            if n < PAGE {
                break;
            }
        }
        tx.commit().await?;
        let end = w.end();
        Ok(state(&w, end))
    }
}
