//! The audit trail: the change log's entries and what reads them; the
//! entries that change no record are written by [`events`]; every entry
//! is chained onto the one before by [`chain`] and the chain walked by
//! [`verify`].

pub(crate) mod chain;
mod events;
mod verify;
pub use chain::GENESIS;
pub(crate) use verify::read_page;
pub use verify::{BrokenRow, ChainBreak, ChainState, Recorded};

mod tables;
pub use tables::{TABLE_NAMES, table_zh};

use sea_orm::{ConnectionTrait, Statement, Value};
use time::{Date, PrimitiveDateTime};

use crate::sql::{Params, Query};
use crate::{Page, Paged, Store, StoreError};

/// What a change-log entry records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Insert,
    Update,
    Delete,
    /// Records left the system in full (an export with unmasked ID numbers).
    Export,
    /// Records were read or exported masked (audited reads: a person's
    /// file, a masked export).
    Read,
    /// A write was refused in a way worth auditing (a town's import naming
    /// ID numbers on record elsewhere).
    Refused,
}

impl Action {
    pub fn code(self) -> &'static str {
        match self {
            Action::Insert => "insert",
            Action::Update => "update",
            Action::Delete => "delete",
            Action::Export => "export",
            Action::Read => "read",
            Action::Refused => "refused",
        }
    }
}

/// One row of the change log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub id: i64,
    /// UTC.
    pub at: PrimitiveDateTime,
    pub actor: String,
    pub table: String,
    /// The key columns' values joined by `/`.
    pub key: String,
    pub action: Action,
    /// The row as JSON (column names as keys), before and after.
    pub before: Option<String>,
    pub after: Option<String>,
}

impl Store {
    /// Everyone who has changed anything, in no particular order.
    pub async fn actors(&self) -> Result<Vec<String>, StoreError> {
        let stmt =
            Statement::from_string(self.backend.db(), "SELECT DISTINCT actor FROM change_log");
        let rows = self.db.query_all_raw(stmt).await?;
        rows.iter()
            .map(|r| r.try_get_by_index(0))
            .collect::<Result<_, sea_orm::DbErr>>()
            .map_err(StoreError::from)
    }

    /// The change log, oldest first; only one table's when `table` is given.
    pub async fn changes(&self, table: Option<&str>) -> Result<Vec<Change>, StoreError> {
        let b = self.backend;
        let cols = "id, changed_at, actor, table_name, record_key, action, before_json, after_json";
        let stmt = match table {
            Some(t) => Statement::from_sql_and_values(
                b.db(),
                format!(
                    "SELECT {cols} FROM change_log WHERE table_name = {} ORDER BY id",
                    Params::new(b).next()
                ),
                [Value::String(Some(t.to_owned()))],
            ),
            None => {
                Statement::from_string(b.db(), format!("SELECT {cols} FROM change_log ORDER BY id"))
            }
        };
        let rows = self.db.query_all_raw(stmt).await?;
        rows.iter()
            .map(|r| {
                let action: String = r.try_get_by_index(5)?;
                Ok(Change {
                    id: r.try_get_by_index(0)?,
                    at: r.try_get_by_index(1)?,
                    actor: r.try_get_by_index(2)?,
                    table: r.try_get_by_index(3)?,
                    key: r.try_get_by_index(4)?,
                    action: match action.as_str() {
                        "insert" => Action::Insert,
                        "update" => Action::Update,
                        "export" => Action::Export,
                        "read" => Action::Read,
                        "refused" => Action::Refused,
                        _ => Action::Delete,
                    },
                    before: r.try_get_by_index(6)?,
                    after: r.try_get_by_index(7)?,
                })
            })
            .collect::<Result<_, sea_orm::DbErr>>()
            .map_err(StoreError::from)
    }
}

/// Filters of the audit search.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Exactly this actor.
    pub actor: Option<String>,
    /// Exactly this table.
    pub table: Option<String>,
    /// From this day (UTC), inclusive.
    pub from: Option<Date>,
    /// To this day (UTC), inclusive.
    pub to: Option<Date>,
}

/// One entry of the audit trail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: i64,
    /// UTC.
    pub at: PrimitiveDateTime,
    pub actor: String,
    pub table: String,
    pub key: String,
    /// `insert`, `update`, `delete` or `export`.
    pub action: String,
    pub before: Option<String>,
    pub after: Option<String>,
    /// The client's address for a web request.
    pub origin: Option<String>,
}

impl Store {
    /// Whether `actor` ever wrote to this database (the demo's actor marks
    /// a demo). Stops at the first entry found.
    pub async fn has_actor(&self, actor: &str) -> Result<bool, StoreError> {
        let mut p = Params::new(self.backend);
        let sql = format!(
            "SELECT 1 FROM change_log WHERE actor = {} LIMIT 1",
            p.next()
        );
        let row = self
            .db
            .query_one_raw(Statement::from_sql_and_values(
                self.backend.db(),
                sql,
                vec![Value::String(Some(actor.to_owned()))],
            ))
            .await?;
        Ok(row.is_some())
    }

    /// The audit trail matching `filter`, newest first, one page.
    pub async fn audit(
        &self,
        filter: &AuditFilter,
        page: Page,
    ) -> Result<Paged<AuditEntry>, StoreError> {
        let mut q = Query::new(self.backend);
        let mut wh = vec!["1 = 1".to_owned()];
        if let Some(a) = filter
            .actor
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
        {
            wh.push(format!("actor = {}", q.bind(a.to_owned())));
        }
        if let Some(t) = filter
            .table
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            wh.push(format!("table_name = {}", q.bind(t.to_owned())));
        }
        if let Some(d) = filter.from {
            wh.push(format!("changed_at >= {}", q.bind(d.midnight())));
        }
        if let Some(next) = filter.to.and_then(Date::next_day) {
            wh.push(format!("changed_at < {}", q.bind(next.midnight())));
        }
        let wh = wh.join(" AND ");
        let count = Query {
            backend: q.backend,
            sql: format!("SELECT COUNT(*) FROM change_log WHERE {wh}"),
            values: q.values.clone(),
        };
        let total = count.read_count(self).await?;
        let limit = q.bind(i64::from(page.per_page));
        let offset = q.bind(page.offset());
        q.sql = format!(
            "SELECT id, changed_at, actor, table_name, record_key, action, before_json, \
             after_json, origin FROM change_log WHERE {wh} ORDER BY id DESC \
             LIMIT {limit} OFFSET {offset}"
        );
        let items = q
            .read_all(self)
            .await?
            .iter()
            .map(|r| {
                Ok(AuditEntry {
                    id: r.try_get_by_index(0)?,
                    at: r.try_get_by_index(1)?,
                    actor: r.try_get_by_index(2)?,
                    table: r.try_get_by_index(3)?,
                    key: r.try_get_by_index(4)?,
                    action: r.try_get_by_index(5)?,
                    before: r.try_get_by_index(6)?,
                    after: r.try_get_by_index(7)?,
                    origin: r.try_get_by_index(8)?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(Paged { items, total })
    }

    /// Runs `sql` as it is (for tests that must show the audit trail
    /// refuses changes; never with user input). Returns rows affected.
    #[cfg(feature = "testing")]
    pub async fn execute_raw_for_test(&self, sql: &str) -> Result<u64, StoreError> {
        Ok(self
            .db
            .execute_unprepared(sql)
            .await
            .map_err(|e| StoreError::Database(e.to_string()))?
            .rows_affected())
    }
}
