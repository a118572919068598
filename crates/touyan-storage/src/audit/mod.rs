//! The audit trail: the change log's entries and what reads them; the
//! entries that change no record are written by [`events`].

mod events;

use sea_orm::{ConnectionTrait, Statement, Value};
use time::PrimitiveDateTime;

use crate::sql::Params;
use crate::{Store, StoreError};

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
