//! What `touyan payroll` reads: whole record tables in bulk (on a SQLite
//! file through `sqlite_bulk`), and the plain baseline its read is
//! measured against (`benches/read.rs`). Its write is `pay_compute.rs`.

use sea_orm::{ConnectionTrait, Statement, Value};

use crate::record::{Col, Record, cells, to_record};
use crate::sql::column_list;
use crate::{Store, StoreError};

impl Store {
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
    /// exits, young cadres, towns' yearly settings), whole and in key order as [`Store::list_bulk`] reads them,
    /// each column read by position into an owned value and nothing built —
    /// on a SQLite file through rusqlite in one read transaction, on
    /// PostgreSQL through sqlx. Returns the rows read.
    pub async fn payroll_plain_read(&self) -> Result<usize, StoreError> {
        use touyan_records::model::{Exit, ListEntry, Person, TownYear, YoungCadre};
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
            t::<YoungCadre>(),
            t::<TownYear>(),
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
