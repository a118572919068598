//! Reads for the server's pages. Those for a user are limited to a
//! [`Scope`](crate::Scope) through [`Scoped`](crate::Scoped): villages
//! ([`villages`]), people and one person's file ([`people`]), the towns
//! with their counts ([`towns`]). A town's pages also read what they need
//! of the town's year in one go ([`town_records`]). What people were on
//! (lists, the young cadres' programme), for the import ([`programmes`]).
//! Here too: the paging and the record selects they share.

mod people;
mod programmes;
mod town_records;
mod towns;
mod villages;

pub use people::{PeopleFilter, PersonFile, PersonRow};
pub use towns::{ReserveCount, TownSummary};
pub use villages::{VillageFile, VillageFilter, VillageRow};

use crate::read_pool::Row;
use crate::record::{Record, to_record};
use crate::sql::{Query, column_list};
use crate::{Store, StoreError};

/// One page of a list: which page (from 1) and how many rows a page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    pub page: u32,
    pub per_page: u32,
}

impl Page {
    /// The most rows a page may ask for.
    pub const MAX_PER_PAGE: u32 = 200;

    /// A page, with `page` at least 1 and `per_page` within
    /// 1..=[`Page::MAX_PER_PAGE`].
    pub fn new(page: u32, per_page: u32) -> Page {
        Page {
            page: page.max(1),
            per_page: per_page.clamp(1, Page::MAX_PER_PAGE),
        }
    }

    pub(crate) fn offset(self) -> i64 {
        (i64::from(self.page) - 1) * i64::from(self.per_page)
    }
}

/// Rows of one page and how many there are in all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub total: u64,
}

/// The query for the rows of a record table chosen by `filter` (SQL over
/// the table's columns, placeholders bound in `q`), in key order.
pub(crate) fn select_query<R: Record>(mut q: Query, filter: &str) -> Query {
    let keys = column_list(&R::COLUMNS[..R::KEY]);
    q.sql = format!(
        "SELECT {} FROM {} WHERE {filter} ORDER BY {keys}",
        column_list(R::COLUMNS),
        R::TABLE
    );
    q
}

/// Rows of [`select_query`] as records.
pub(crate) fn records<R: Record>(rows: &[Row]) -> Result<Vec<R>, StoreError> {
    rows.iter()
        .map(|r| to_record(r.cells(R::COLUMNS)?))
        .collect()
}

/// Rows of a record table chosen by `filter`, in key order.
pub(crate) async fn select<R: Record>(
    store: &Store,
    q: Query,
    filter: &str,
) -> Result<Vec<R>, StoreError> {
    records(&select_query::<R>(q, filter).read_all(store).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_clamped() {
        assert_eq!(
            Page::new(0, 0),
            Page {
                page: 1,
                per_page: 1
            }
        );
        assert_eq!(Page::new(3, 10_000).per_page, Page::MAX_PER_PAGE);
        assert_eq!(Page::new(3, 20).offset(), 40);
    }
}
