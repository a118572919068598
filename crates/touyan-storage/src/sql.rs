//! SQL text for both backends: placeholders, column lists, values bound
//! by column type, and the plain reads of a record table every module
//! uses.

use sea_orm::{ConnectionTrait, Statement, Value};

use crate::record::{Cell, Col, Record, cells, to_record};
use crate::{Backend, StoreError};

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
}
