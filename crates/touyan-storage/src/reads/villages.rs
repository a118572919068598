//! The villages in scope: the paged list (its deep pages read by kept
//! marks, see [`Scoped::villages`]) and one village's file.

use touyan_records::model::{ListEntry, Post, Reserve, Village, VillageYear, YoungCadre};

use super::{Page, Paged, select};
use crate::caches::{VillageKey, VillageMarks, version_of, version_query};
use crate::read_pool::Row;
use crate::record::{Record, to_record};
use crate::sql::{Query, contains_pattern, where_clause};
use crate::{Scoped, Store, StoreError};

/// Filters of the village list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VillageFilter {
    /// Part of the name or the code.
    pub q: Option<String>,
    /// Only this town (within the scope).
    pub town: Option<String>,
    /// Only this committee kind (`villagers`, `residents`, …).
    pub committee: Option<String>,
}

/// A row of the village list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VillageRow {
    pub code: String,
    pub name: String,
    pub town_code: String,
    pub town_name: String,
    /// The committee kind's code.
    pub committee: String,
    /// The secretary in post (a post of role `secretary` without an end).
    pub secretary: Option<String>,
}

/// A village with what is on record about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VillageFile {
    pub village: Village,
    pub town_name: String,
    /// Posts in the village with the holder's name, newest first.
    pub posts: Vec<(Post, String)>,
    pub years: Vec<VillageYear>,
    /// Reserves listed for the village with their names.
    pub reserves: Vec<(Reserve, String)>,
    pub young_cadres: Vec<(YoungCadre, String)>,
    pub list_entries: Vec<(ListEntry, String)>,
}

/// Every how many rows of the village list a mark is kept.
pub const VILLAGE_MARK_STRIDE: usize = 32;

impl Scoped<'_> {
    /// Villages in scope matching `filter`, in code order, one page.
    ///
    /// Without a search text, the total and where every
    /// [`VILLAGE_MARK_STRIDE`]th row of the list starts are kept for one
    /// data version ([`Store::data_version`]), so a deep page is read from
    /// the index by key (`code >= mark`) rather than by counting past the
    /// rows before it, and the list is not counted on every page. The page
    /// is read in the same snapshot as the version it is checked against:
    /// the answer is the one the plain `OFFSET` read would give. A page so
    /// read is kept too (up to
    /// [`VILLAGE_PAGES_KEPT`](crate::caches::VILLAGE_PAGES_KEPT) pages), and given
    /// again while the version read before it is still the one it was read
    /// at. With a search text, the list is counted and paged as it is.
    // One piece: one query built clause by clause for both backends, then read.
    pub async fn villages(
        &self,
        filter: &VillageFilter,
        page: Page,
    ) -> Result<Paged<VillageRow>, StoreError> {
        let mut q = Query::new(self.backend());
        let mut wh = Vec::new();
        if let Some(town) = &self.town {
            wh.push(format!("v.town_code = {}", q.bind(town.clone())));
        }
        let town_filter = filter
            .town
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty());
        if let Some(town) = town_filter {
            wh.push(format!("v.town_code = {}", q.bind(town.to_owned())));
        }
        let committee = filter.committee.as_deref().filter(|k| !k.is_empty());
        if let Some(kind) = committee {
            wh.push(format!("v.committee = {}", q.bind(kind.to_owned())));
        }
        let search = filter.q.as_deref().map(str::trim).filter(|t| !t.is_empty());
        if search.is_none() {
            let key = VillageKey {
                scope: self.town.clone(),
                town: town_filter.map(str::to_owned),
                committee: committee.map(str::to_owned),
            };
            // A page read before at the database's version: the version
            // is read (one statement) and the rows are not.
            let page_key = (
                key.clone(),
                u64::try_from(page.offset()).unwrap_or(u64::MAX),
                page.per_page,
            );
            if let Some((version, kept)) = self.store.caches.village_page(&page_key)
                && self.store.data_version().await? == version
            {
                return Ok(kept.as_ref().clone());
            }
            // Twice at most: the marks are made (or made again after a
            // write) and the page read by them; a write between the two
            // each time falls back to the plain read below.
            for _ in 0..2 {
                let kept = self.store.caches.village_marks(&key);
                if let Some((version, marks)) = kept {
                    let mut batch = vec![version_query(self.backend())];
                    let offset = u64::try_from(page.offset()).unwrap_or(u64::MAX);
                    let stride = VILLAGE_MARK_STRIDE as u64;
                    // A page past the end is empty (as OFFSET past the end).
                    let mark = (offset < marks.total)
                        .then(|| marks.marks.get(usize::try_from(offset / stride).ok()?))
                        .flatten();
                    if let Some(mark) = mark {
                        let mut pq = q.clone();
                        let mut w = wh.clone();
                        w.push(format!("v.code >= {}", pq.bind(mark.clone())));
                        let limit = pq.bind(i64::from(page.per_page));
                        let skip = pq.bind(i64::try_from(offset % stride).unwrap_or(0));
                        pq.sql =
                            village_page_sql(&format!(" WHERE {}", w.join(" AND ")), &limit, &skip);
                        batch.push(pq);
                    }
                    let mut rows = self.store.read_batch(batch).await?.into_iter();
                    if version_of(rows.next().as_deref())? == version {
                        let items = match rows.next() {
                            Some(r) => village_rows(&r)?,
                            None => Vec::new(),
                        };
                        let found = Paged {
                            items,
                            total: marks.total,
                        };
                        self.store
                            .caches
                            .keep_village_page(page_key, version, found.clone());
                        return Ok(found);
                    }
                }
                // The version and the list's codes, in one snapshot.
                let mut codes = q.clone();
                codes.sql = format!(
                    "SELECT v.code FROM villages v{} ORDER BY v.code",
                    where_clause(&wh)
                );
                let mut rows = self
                    .store
                    .read_batch(vec![version_query(self.backend()), codes])
                    .await?
                    .into_iter();
                let version = version_of(rows.next().as_deref())?;
                let codes = rows.next().unwrap_or_default();
                let marks = codes
                    .iter()
                    .step_by(VILLAGE_MARK_STRIDE)
                    .map(|r| r.try_get_by_index::<String>(0))
                    .collect::<Result<Vec<_>, _>>()?;
                self.store.caches.keep_village_marks(
                    key.clone(),
                    version,
                    VillageMarks {
                        total: codes.len() as u64,
                        marks,
                    },
                );
            }
        }
        if let Some(text) = search {
            let a = q.bind(contains_pattern(text));
            let b = q.bind(contains_pattern(text));
            wh.push(format!(
                "(v.name LIKE {a} ESCAPE '\\' OR v.code LIKE {b} ESCAPE '\\')"
            ));
        }
        // No WHERE at all when nothing filters: SQLite then counts the
        // table from its smallest index without testing each row.
        let wh = where_clause(&wh);
        let count = Query {
            backend: q.backend,
            sql: format!("SELECT COUNT(*) FROM villages v{wh}"),
            values: q.values.clone(),
        };
        let total = count.read_count(self.store).await?;
        let limit = q.bind(i64::from(page.per_page));
        let offset = q.bind(page.offset());
        q.sql = village_page_sql(&wh, &limit, &offset);
        let items = village_rows(&q.read_all(self.store).await?)?;
        Ok(Paged { items, total })
    }

    /// Whether a village is in scope (false for one that does not exist).
    async fn village_visible(&self, code: &str) -> Result<bool, StoreError> {
        let mut q = Query::new(self.backend());
        let c = q.bind(code.to_owned());
        q.sql = format!("SELECT COUNT(*) FROM villages WHERE code = {c}");
        if let Some(town) = &self.town {
            let t = q.bind(town.clone());
            q.sql.push_str(&format!(" AND town_code = {t}"));
        }
        Ok(q.read_count(self.store).await? > 0)
    }

    /// One village and what is on record about it; `None` when there is no
    /// such village in scope.
    pub async fn village(&self, code: &str) -> Result<Option<VillageFile>, StoreError> {
        if !self.village_visible(code).await? {
            return Ok(None);
        }
        let store = self.store;
        let mut q = Query::new(self.backend());
        let c = q.bind(code.to_owned());
        let Some(village) = select::<Village>(store, q, &format!("code = {c}"))
            .await?
            .into_iter()
            .next()
        else {
            return Ok(None);
        };
        let mut q = Query::new(self.backend());
        let t = q.bind(village.code.town().as_str().to_owned());
        q.sql = format!("SELECT name FROM towns WHERE code = {t}");
        let town_name = match q.read_one(store).await? {
            Some(r) => r.try_get_by_index(0)?,
            None => String::new(),
        };
        let mut posts = with_names::<Post>(store, "village", code).await?;
        posts.sort_by_key(|p| std::cmp::Reverse(p.0.start));
        let mut q = Query::new(self.backend());
        let c = q.bind(code.to_owned());
        let years = select::<VillageYear>(store, q, &format!("village = {c}")).await?;
        Ok(Some(VillageFile {
            village,
            town_name,
            posts,
            years,
            reserves: with_names::<Reserve>(store, "village", code).await?,
            young_cadres: with_names::<YoungCadre>(store, "village", code).await?,
            list_entries: with_names::<ListEntry>(store, "village", code).await?,
        }))
    }
}

/// Records of a village-keyed table with the person's name: `(R, name)`.
async fn with_names<R: Record>(
    store: &Store,
    village_col: &str,
    village: &str,
) -> Result<Vec<(R, String)>, StoreError> {
    let mut q = Query::new(store.backend);
    let v = q.bind(village.to_owned());
    let cols: Vec<String> = R::COLUMNS.iter().map(|c| format!("r.{}", c.name)).collect();
    q.sql = format!(
        "SELECT {}, pe.name FROM {} r JOIN people pe ON pe.citizen_id = r.person \
         WHERE r.{village_col} = {v} ORDER BY {}",
        cols.join(", "),
        R::TABLE,
        cols[..R::KEY].join(", ")
    );
    let n = R::COLUMNS.len();
    q.read_all(store)
        .await?
        .iter()
        .map(|r| {
            let name: String = r.try_get_by_index(n)?;
            Ok((to_record(r.cells(R::COLUMNS)?)?, name))
        })
        .collect()
}

/// The village list's page: the page's codes first (from an index), then
/// the town name and the secretary in post for those rows only.
fn village_page_sql(wh: &str, limit: &str, offset: &str) -> String {
    format!(
        "SELECT v.code, v.name, v.town_code, t.name, v.committee, \
         (SELECT pe.name FROM posts po JOIN people pe ON pe.citizen_id = po.person \
          WHERE po.village = v.code AND po.role = 'secretary' AND po.end_on IS NULL \
          ORDER BY po.start_on DESC LIMIT 1) \
         FROM villages v JOIN towns t ON t.code = v.town_code \
         WHERE v.code IN (SELECT v.code FROM villages v{wh} \
         ORDER BY v.code LIMIT {limit} OFFSET {offset}) \
         ORDER BY v.code"
    )
}

fn village_rows(rows: &[Row]) -> Result<Vec<VillageRow>, StoreError> {
    rows.iter()
        .map(|r| {
            Ok(VillageRow {
                code: r.try_get_by_index(0)?,
                name: r.try_get_by_index(1)?,
                town_code: r.try_get_by_index(2)?,
                town_name: r.try_get_by_index(3)?,
                committee: r.try_get_by_index(4)?,
                secretary: r.try_get_by_index(5)?,
            })
        })
        .collect()
}
