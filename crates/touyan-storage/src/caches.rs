//! What the server's reads keep between requests (the city's towns, the
//! village lists' marks and pages), each entry checked against the data
//! version ([`Store::data_version`](crate::Store::data_version)) it was read
//! at.

use std::collections::HashMap;
use std::sync::Arc;

use crate::read_pool::Row;
use crate::sql::Query;
use crate::{Backend, Paged, StoreError, VillageRow};

/// `SELECT` of the data version ([`Store::data_version`]).
pub(crate) fn version_query(backend: Backend) -> Query {
    let mut q = Query::new(backend);
    q.push("SELECT version FROM data_version WHERE singleton = 1");
    q
}

pub(crate) fn version_of(rows: Option<&[Row]>) -> Result<i64, StoreError> {
    match rows.and_then(<[Row]>::first) {
        Some(r) => r.try_get_by_index(0),
        None => Ok(0),
    }
}

/// Which village list (scope and filters without a search text).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct VillageKey {
    pub(crate) scope: Option<String>,
    pub(crate) town: Option<String>,
    pub(crate) committee: Option<String>,
}

/// A village list's length and the code of every
/// [`VILLAGE_MARK_STRIDE`]th row, from the first.
#[derive(Debug)]
pub(crate) struct VillageMarks {
    pub(crate) total: u64,
    pub(crate) marks: Vec<String>,
}

/// Towns as (code, name), in code order.
type TownNames = Vec<(String, String)>;

/// The most village lists whose marks are kept at once.
const VILLAGE_LISTS_KEPT: usize = 1024;

/// Which page of a village list: the list, the offset and the page size.
type VillagePageKey = (VillageKey, u64, u32);

/// A kept page of a village list.
type KeptPage = Arc<Paged<VillageRow>>;

/// The most village-list pages kept at once (a page of 50 rows is about
/// 15 KB: a few MB in all).
pub(crate) const VILLAGE_PAGES_KEPT: usize = 512;

/// What the server's reads keep between requests. Every entry carries the
/// data version it was read at and is used only while the database still
/// has that version, so it is never what decides an answer: the database
/// is (several processes on one database each keep their own).
#[derive(Default)]
pub(crate) struct Caches {
    villages: std::sync::Mutex<HashMap<VillageKey, (i64, Arc<VillageMarks>)>>,
    pub(crate) towns: std::sync::Mutex<Option<(i64, Arc<TownNames>)>>,
    /// Pages of village lists without a search, as read by their marks.
    village_pages: std::sync::Mutex<HashMap<VillagePageKey, (i64, KeptPage)>>,
}

impl std::fmt::Debug for Caches {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Caches")
    }
}

impl Caches {
    pub(crate) fn village_marks(&self, key: &VillageKey) -> Option<(i64, Arc<VillageMarks>)> {
        self.villages
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(key)
            .cloned()
    }

    pub(crate) fn keep_village_marks(&self, key: VillageKey, version: i64, marks: VillageMarks) {
        let mut m = self.villages.lock().unwrap_or_else(|e| e.into_inner());
        if m.len() >= VILLAGE_LISTS_KEPT && !m.contains_key(&key) {
            // Lists of an older version first; failing that, all of them.
            m.retain(|_, (v, _)| *v >= version);
            if m.len() >= VILLAGE_LISTS_KEPT {
                m.clear();
            }
        }
        m.insert(key, (version, Arc::new(marks)));
    }

    pub(crate) fn village_page(&self, key: &VillagePageKey) -> Option<(i64, KeptPage)> {
        self.village_pages
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(key)
            .cloned()
    }

    pub(crate) fn keep_village_page(
        &self,
        key: VillagePageKey,
        version: i64,
        page: Paged<VillageRow>,
    ) {
        let mut m = self.village_pages.lock().unwrap_or_else(|e| e.into_inner());
        if m.len() >= VILLAGE_PAGES_KEPT && !m.contains_key(&key) {
            // Pages of an older version first; failing that, all of them.
            m.retain(|_, (v, _)| *v >= version);
            if m.len() >= VILLAGE_PAGES_KEPT {
                m.clear();
            }
        }
        m.insert(key, (version, Arc::new(page)));
    }
}
