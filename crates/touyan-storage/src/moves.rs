//! What the workflows' storage shares (lists, pay runs, evaluations): a
//! row claimed in the state its user saw, the next number of a move, and
//! rows read with who last wrote them and when.

use sea_orm::{ConnectionTrait, Statement, Value};
use time::PrimitiveDateTime;

use crate::record::Record;
use crate::sql::Params;
use crate::{Backend, StoreError, Tx};

impl Tx {
    /// Claims the rows of `table` matching `filter` (placeholders numbered
    /// by `p`, bound in `values`) while their `state` is `state`: a no-op
    /// `UPDATE … WHERE … AND state = …` that locks them on PostgreSQL and
    /// takes the write lock on SQLite. Returns how many were claimed, so a
    /// caller can refuse a move whose state changed since its page was
    /// shown.
    pub(crate) async fn claim_state(
        &self,
        table: &str,
        p: &mut Params,
        filter: &str,
        mut values: Vec<Value>,
        state: &str,
    ) -> Result<u64, StoreError> {
        let sql = format!(
            "UPDATE {table} SET state = state WHERE {filter} AND state = {}",
            p.next()
        );
        values.push(Value::String(Some(state.to_owned())));
        let done = self
            .tx
            .execute_raw(Statement::from_sql_and_values(
                self.backend.db(),
                sql,
                values,
            ))
            .await?;
        Ok(done.rows_affected())
    }

    /// The number of the next move in `table` among the rows matching
    /// `filter` (1 for the first).
    pub(crate) async fn next_seq(
        &self,
        table: &str,
        filter: &str,
        values: Vec<Value>,
    ) -> Result<u32, StoreError> {
        self.next_seq_of(table, "seq", filter, values).await
    }

    /// The next number in `table`'s `column` among the rows matching
    /// `filter` (1 for the first).
    pub(crate) async fn next_seq_of(
        &self,
        table: &str,
        column: &str,
        filter: &str,
        values: Vec<Value>,
    ) -> Result<u32, StoreError> {
        let sql = format!("SELECT COALESCE(MAX({column}), 0) FROM {table} WHERE {filter}");
        let row = self
            .tx
            .query_one_raw(Statement::from_sql_and_values(
                self.backend.db(),
                sql,
                values,
            ))
            .await?;
        // INTEGER columns are 32-bit on both backends.
        let last: i32 = match row {
            Some(r) => r.try_get_by_index(0)?,
            None => 0,
        };
        Ok(u32::try_from(last).map_or(1, |n| n + 1))
    }
}

/// Records of a kind matching `filter`, ordered by `order`, each with who
/// last wrote it and when (UTC): the audit columns every table has.
pub(crate) async fn select_audited<R: Record, C: ConnectionTrait>(
    db: &C,
    backend: Backend,
    filter: &str,
    values: Vec<Value>,
    order: &str,
) -> Result<Vec<(R, String, PrimitiveDateTime)>, StoreError> {
    let sql = format!(
        "SELECT {}, updated_by, updated_at FROM {} WHERE {filter} ORDER BY {order}",
        crate::sql::column_list(R::COLUMNS),
        R::TABLE
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend.db(), sql, values))
        .await?;
    let n = R::COLUMNS.len();
    rows.iter()
        .map(|r| {
            let record = crate::record::to_record(crate::record::cells(r, R::COLUMNS)?)?;
            Ok((record, r.try_get_by_index(n)?, r.try_get_by_index(n + 1)?))
        })
        .collect()
}
