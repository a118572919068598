//! SQL text for both backends: placeholders ([`Params`]), the statement
//! builder the server's reads and writes use ([`Query`]: SQL and its values,
//! read through the SQLite read pool or sqlx), column lists, values bound by
//! column type, and the plain reads of a record table every module uses.

use sea_orm::{ConnectionTrait, Statement, Value};
use time::PrimitiveDateTime;

use crate::read_pool::Row;
use crate::record::{Cell, Col, Record, cells, to_record};
use crate::{Backend, Store, StoreError};

/// Placeholders in the backend's style: `?` or `$1`, `$2`, ….
pub(crate) struct Params {
    backend: Backend,
    n: usize,
}

impl Params {
    pub(crate) fn new(backend: Backend) -> Params {
        Params { backend, n: 0 }
    }

    pub(crate) fn next(&mut self) -> String {
        self.n += 1;
        match self.backend {
            Backend::Sqlite => "?".to_owned(),
            Backend::Postgres => format!("${}", self.n),
        }
    }

    /// `(?, ?, …)` of `k` placeholders.
    pub(crate) fn tuple(&mut self, k: usize) -> String {
        let parts: Vec<String> = (0..k).map(|_| self.next()).collect();
        format!("({})", parts.join(", "))
    }
}

pub(crate) fn column_list(cols: &[Col]) -> String {
    cols.iter().map(|c| c.name).collect::<Vec<_>>().join(", ")
}

/// `k1 = ? AND k2 = ?` over a record's key columns.
pub(crate) fn key_match<R: Record>(p: &mut Params) -> String {
    R::COLUMNS[..R::KEY]
        .iter()
        .map(|c| format!("{} = {}", c.name, p.next()))
        .collect::<Vec<_>>()
        .join(" AND ")
}

pub(crate) fn bind(cells: &[Cell], cols: &[Col]) -> Result<Vec<Value>, StoreError> {
    cells
        .iter()
        .zip(cols)
        .map(|(c, col)| c.value(col.kind))
        .collect()
}

pub(crate) async fn list<R: Record, C: ConnectionTrait>(
    db: &C,
    backend: Backend,
) -> Result<Vec<R>, StoreError> {
    let keys = column_list(&R::COLUMNS[..R::KEY]);
    let sql = format!(
        "SELECT {} FROM {} ORDER BY {keys}",
        column_list(R::COLUMNS),
        R::TABLE
    );
    let rows = db
        .query_all_raw(Statement::from_string(backend.db(), sql))
        .await?;
    rows.iter()
        .map(|r| to_record(cells(r, R::COLUMNS)?))
        .collect()
}

pub(crate) async fn count<C: ConnectionTrait>(db: &C, table: &str) -> Result<u64, StoreError> {
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(Statement::from_string(
            backend,
            format!("SELECT COUNT(*) FROM {table}"),
        ))
        .await?;
    let n: i64 = match row {
        Some(r) => r.try_get_by_index(0)?,
        None => 0,
    };
    Ok(u64::try_from(n).unwrap_or(0))
}

/// A statement under construction: SQL text and its values, with
/// placeholders in the backend's style. A value used twice is bound twice.
#[derive(Clone)]
pub(crate) struct Query {
    pub(crate) backend: Backend,
    pub(crate) sql: String,
    pub(crate) values: Vec<Value>,
}

impl Query {
    pub(crate) fn new(backend: Backend) -> Query {
        Query {
            backend,
            sql: String::new(),
            values: Vec::new(),
        }
    }

    /// Binds `v` and returns its placeholder.
    pub(crate) fn bind(&mut self, v: impl Into<Value>) -> String {
        self.values.push(v.into());
        match self.backend {
            Backend::Sqlite => "?".to_owned(),
            Backend::Postgres => format!("${}", self.values.len()),
        }
    }

    pub(crate) fn push(&mut self, sql: &str) -> &mut Query {
        self.sql.push_str(sql);
        self
    }

    pub(crate) fn statement(&self) -> Statement {
        Statement::from_sql_and_values(self.backend.db(), self.sql.clone(), self.values.clone())
    }

    /// The rows, inside a transaction (sqlx).
    pub(crate) async fn all<C: ConnectionTrait>(&self, db: &C) -> Result<Vec<Row>, StoreError> {
        Ok(db
            .query_all_raw(self.statement())
            .await?
            .into_iter()
            .map(Row::Sqlx)
            .collect())
    }

    pub(crate) async fn one<C: ConnectionTrait>(&self, db: &C) -> Result<Option<Row>, StoreError> {
        Ok(db.query_one_raw(self.statement()).await?.map(Row::Sqlx))
    }

    pub(crate) async fn exec<C: ConnectionTrait>(&self, db: &C) -> Result<u64, StoreError> {
        Ok(db.execute_raw(self.statement()).await?.rows_affected())
    }

    pub(crate) async fn count<C: ConnectionTrait>(&self, db: &C) -> Result<u64, StoreError> {
        count_of(self.one(db).await?)
    }

    /// The rows, read outside any transaction: through the store's SQLite
    /// read pool when it has one, through sqlx otherwise.
    pub(crate) async fn read_all(self, store: &Store) -> Result<Vec<Row>, StoreError> {
        Ok(store
            .read_batch(vec![self])
            .await?
            .pop()
            .unwrap_or_default())
    }

    /// The first row, as [`Query::read_all`].
    pub(crate) async fn read_one(self, store: &Store) -> Result<Option<Row>, StoreError> {
        Ok(self.read_all(store).await?.into_iter().next())
    }

    /// `SELECT COUNT(*) …`'s number, as [`Query::read_all`].
    pub(crate) async fn read_count(self, store: &Store) -> Result<u64, StoreError> {
        count_of(self.read_one(store).await?)
    }
}

fn count_of(row: Option<Row>) -> Result<u64, StoreError> {
    let n: i64 = match row {
        Some(r) => r.try_get_by_index(0)?,
        None => 0,
    };
    Ok(u64::try_from(n).unwrap_or(0))
}

impl Store {
    /// The rows of each query, read outside any transaction: on a SQLite
    /// file all of them in one job of the read pool and one snapshot
    /// (`read_pool.rs`), otherwise one after another through sqlx.
    pub(crate) async fn read_batch(
        &self,
        queries: Vec<Query>,
    ) -> Result<Vec<Vec<Row>>, StoreError> {
        match &self.reads {
            Some(pool) => {
                pool.fetch(queries.into_iter().map(|q| (q.sql, q.values)).collect())
                    .await
            }
            None => {
                let mut out = Vec::with_capacity(queries.len());
                for q in &queries {
                    out.push(q.all(&self.db).await?);
                }
                Ok(out)
            }
        }
    }
}

/// `LIKE` pattern for "contains `text`", with `%`, `_` and `\` escaped
/// (use with `ESCAPE '\'`).
pub(crate) fn contains_pattern(text: &str) -> String {
    let mut s = String::with_capacity(text.len() + 2);
    s.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            s.push('\\');
        }
        s.push(c);
    }
    s.push('%');
    s
}

/// ` WHERE a AND b` of the conditions, or nothing when there are none.
pub(crate) fn where_clause(conds: &[String]) -> String {
    if conds.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conds.join(" AND "))
    }
}

/// `where_sql` written for a query whose values started at 1, renumbered
/// for values starting after `already` (PostgreSQL's `$n`; SQLite's `?` is
/// positional and needs nothing).
pub(crate) fn renumber(where_sql: &str, backend: Backend, already: usize) -> String {
    if backend == Backend::Sqlite || already == 0 {
        return where_sql.to_owned();
    }
    let mut out = String::with_capacity(where_sql.len() + 8);
    let mut chars = where_sql.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        if c == '$' {
            let mut digits = String::new();
            while let Some((_, d)) = chars.peek().copied().filter(|(_, d)| d.is_ascii_digit()) {
                digits.push(d);
                chars.next();
            }
            match digits.parse::<usize>() {
                Ok(n) => out.push_str(&format!("${}", n + already)),
                Err(_) => {
                    out.push('$');
                    out.push_str(&digits);
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Timestamps to the microsecond, as both backends keep them.
pub(crate) fn micros(t: PrimitiveDateTime) -> PrimitiveDateTime {
    t.replace_nanosecond(t.nanosecond() / 1000 * 1000)
        .unwrap_or(t)
}

/// Records of a kind matching `filter` (SQL over the table's columns,
/// placeholders for `values`), in key order, through sqlx: in a
/// transaction or on the pool.
pub(crate) async fn select<R: Record, C: ConnectionTrait>(
    db: &C,
    backend: Backend,
    filter: &str,
    values: Vec<Value>,
) -> Result<Vec<R>, StoreError> {
    let keys = column_list(&R::COLUMNS[..R::KEY]);
    let sql = format!(
        "SELECT {} FROM {} WHERE {filter} ORDER BY {keys}",
        column_list(R::COLUMNS),
        R::TABLE
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend.db(), sql, values))
        .await?;
    rows.iter()
        .map(|r| to_record(cells(r, R::COLUMNS)?))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_follow_the_backend() {
        let mut p = Params::new(Backend::Postgres);
        assert_eq!(p.tuple(2), "($1, $2)");
        assert_eq!(p.next(), "$3");
        let mut s = Params::new(Backend::Sqlite);
        assert_eq!(s.tuple(2), "(?, ?)");
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(contains_pattern("王"), "%王%");
        assert_eq!(contains_pattern("50%_a\\"), "%50\\%\\_a\\\\%");
    }

    #[test]
    fn placeholders_are_renumbered_for_postgres_only() {
        assert_eq!(
            renumber("a = $1 AND b = $12", Backend::Postgres, 2),
            "a = $3 AND b = $14"
        );
        assert_eq!(renumber("a = ?", Backend::Sqlite, 2), "a = ?");
        assert_eq!(renumber("a = $1", Backend::Postgres, 0), "a = $1");
    }
}
