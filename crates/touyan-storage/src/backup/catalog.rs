//! The tables and columns of a database, read from its own catalog
//! (SQLite's `sqlite_master` and `table_info`, PostgreSQL's
//! `information_schema`), so that a backup copies whatever the migrations
//! made — a column added by a later migration included — without a list
//! kept here.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::Connection;
use sea_orm::{ConnectionTrait, DbBackend, Statement};

use super::BackupError;

/// How a column's values are carried between the backends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ColType {
    Text,
    SmallInt,
    Int,
    BigInt,
    Bool,
    Date,
    Timestamp,
    TimestampTz,
    Double,
    Bytes,
    /// Anything else: carried as its text (PostgreSQL casts it back).
    Other,
}

#[derive(Clone, Debug)]
pub(crate) struct Column {
    pub(crate) name: String,
    pub(crate) ty: ColType,
    /// The type as the catalog names it (for a cast on PostgreSQL).
    pub(crate) declared: String,
}

#[derive(Clone, Debug)]
pub(crate) struct Table {
    pub(crate) name: String,
    pub(crate) columns: Vec<Column>,
}

impl Table {
    /// `"a", "b", …` (quoted).
    pub(crate) fn column_list(&self) -> String {
        self.columns
            .iter()
            .map(|c| quote(&c.name))
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub(crate) fn column_names(&self) -> BTreeSet<&str> {
        self.columns.iter().map(|c| c.name.as_str()).collect()
    }
}

/// An identifier quoted for SQL (both backends).
pub(crate) fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Whether a table holds the database's content: not SQLite's own, not
/// the migration runner's record (each database keeps its own), not the
/// backup's description of itself.
pub(crate) fn is_content(name: &str) -> bool {
    !name.starts_with("sqlite_") && name != "seaql_migrations" && !name.starts_with("touyan_backup")
}

fn sqlite_type(declared: &str) -> ColType {
    let d = declared.to_ascii_uppercase();
    match d.as_str() {
        "TEXT" | "VARCHAR" | "CHAR" => ColType::Text,
        "SMALLINT" => ColType::SmallInt,
        "INTEGER" | "INT" => ColType::Int,
        "BIGINT" => ColType::BigInt,
        "BOOLEAN" | "BOOL" => ColType::Bool,
        "DATE" => ColType::Date,
        "TIMESTAMP" | "DATETIME" => ColType::Timestamp,
        "TIMESTAMPTZ" | "TIMESTAMP WITH TIME ZONE" => ColType::TimestampTz,
        "REAL" | "DOUBLE" | "DOUBLE PRECISION" | "FLOAT" => ColType::Double,
        "BLOB" | "BYTEA" => ColType::Bytes,
        _ if d.starts_with("VARCHAR") || d.starts_with("CHARACTER") => ColType::Text,
        _ => ColType::Other,
    }
}

fn pg_type(data_type: &str) -> ColType {
    match data_type {
        "text" | "character varying" | "character" => ColType::Text,
        "smallint" => ColType::SmallInt,
        "integer" => ColType::Int,
        "bigint" => ColType::BigInt,
        "boolean" => ColType::Bool,
        "date" => ColType::Date,
        "timestamp without time zone" => ColType::Timestamp,
        "timestamp with time zone" => ColType::TimestampTz,
        "double precision" => ColType::Double,
        "bytea" => ColType::Bytes,
        _ => ColType::Other,
    }
}

/// Every table of a SQLite schema (`main`, or an attached one), by name.
pub(crate) fn sqlite_tables(conn: &Connection, schema: &str) -> Result<Vec<Table>, BackupError> {
    let names: Vec<String> = conn
        .prepare(&format!(
            "SELECT name FROM {schema}.sqlite_master WHERE type = 'table' ORDER BY name"
        ))?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let columns = conn
            .prepare(&format!("PRAGMA {schema}.table_info({})", quote(&name)))?
            .query_map([], |r| {
                let declared: String = r.get(2)?;
                Ok(Column {
                    name: r.get(1)?,
                    ty: sqlite_type(&declared),
                    declared,
                })
            })?
            .collect::<Result<_, _>>()?;
        out.push(Table { name, columns });
    }
    Ok(out)
}

/// Every base table of the current schema of a PostgreSQL database, by
/// name, each with its columns in their order.
pub(crate) async fn pg_tables<C: ConnectionTrait>(db: &C) -> Result<Vec<Table>, BackupError> {
    let rows = db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT c.table_name::text, c.column_name::text, c.data_type::text \
             FROM information_schema.columns c \
             JOIN information_schema.tables t \
               ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
             WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' \
             ORDER BY c.table_name, c.ordinal_position",
        ))
        .await?;
    let mut tables: BTreeMap<String, Vec<Column>> = BTreeMap::new();
    for r in rows {
        let table: String = r.try_get_by_index(0)?;
        let name: String = r.try_get_by_index(1)?;
        let declared: String = r.try_get_by_index(2)?;
        tables.entry(table).or_default().push(Column {
            name,
            ty: pg_type(&declared),
            declared,
        });
    }
    Ok(tables
        .into_iter()
        .map(|(name, columns)| Table { name, columns })
        .collect())
}

/// The content tables of a SQLite schema in an order that puts every
/// table after those its foreign keys refer to (ties by name).
pub(crate) fn parents_first(
    conn: &Connection,
    schema: &str,
    tables: &[Table],
) -> Result<Vec<Table>, BackupError> {
    let mut parents: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for t in tables {
        let refs: BTreeSet<String> = conn
            .prepare(&format!(
                "PRAGMA {schema}.foreign_key_list({})",
                quote(&t.name)
            ))?
            .query_map([], |r| r.get::<_, String>(2))?
            .collect::<Result<_, _>>()?;
        parents.insert(&t.name, refs.into_iter().filter(|p| *p != t.name).collect());
    }
    let mut placed: BTreeSet<&str> = BTreeSet::new();
    let mut out = Vec::with_capacity(tables.len());
    while out.len() < tables.len() {
        let next = tables.iter().find(|t| {
            !placed.contains(t.name.as_str())
                && parents[t.name.as_str()]
                    .iter()
                    .all(|p| placed.contains(p.as_str()) || !parents.contains_key(p.as_str()))
        });
        let Some(t) = next else {
            return Err(BackupError::Failed(
                "备份文件中的表互相引用（外键成环），无法确定恢复顺序".into(),
            ));
        };
        placed.insert(&t.name);
        out.push(t.clone());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_types_map_to_how_values_are_carried() {
        assert_eq!(sqlite_type("TEXT"), ColType::Text);
        assert_eq!(sqlite_type("integer"), ColType::Int);
        assert_eq!(sqlite_type("BIGINT"), ColType::BigInt);
        assert_eq!(sqlite_type("BOOLEAN"), ColType::Bool);
        assert_eq!(sqlite_type("DATE"), ColType::Date);
        assert_eq!(sqlite_type("TIMESTAMP"), ColType::Timestamp);
        assert_eq!(sqlite_type("NUMERIC(10,2)"), ColType::Other);
        assert_eq!(pg_type("timestamp without time zone"), ColType::Timestamp);
        assert_eq!(pg_type("integer"), ColType::Int);
        assert_eq!(pg_type("numeric"), ColType::Other);
    }

    #[test]
    fn parents_come_first() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE c (x TEXT REFERENCES b (x), y TEXT REFERENCES a (x));
             CREATE TABLE b (x TEXT PRIMARY KEY REFERENCES a (x), p TEXT REFERENCES b (x));
             CREATE TABLE a (x TEXT PRIMARY KEY);",
        )
        .unwrap();
        let tables = sqlite_tables(&conn, "main").unwrap();
        let order: Vec<String> = parents_first(&conn, "main", &tables)
            .unwrap()
            .into_iter()
            .map(|t| t.name)
            .collect();
        assert_eq!(order, ["a", "b", "c"]);
        assert_eq!(quote("we\"ird"), "\"we\"\"ird\"");
    }
}
