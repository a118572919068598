//! What the server (issue 4) keeps and reads: accounts, sessions, the audit
//! trail, and reads scoped to a town.
//!
//! **Scope.** Every read of records for a user goes through [`Scoped`],
//! which can only be had from [`Store::scoped`] with a [`Scope`]: the whole
//! city, or one town. A village is in a town's scope when its `town_code`
//! is the town. A person is in a town's scope when they hold or held a post,
//! a reserve place or a young-cadre place in one of the town's villages —
//! that definition is written once, in [`TOWN_LINKS`] (as a list condition,
//! [`person_in_town`], and as a probe for one person, [`person_of_town`]),
//! and every scoped query about people uses it. A record outside the scope reads exactly
//! like a record that does not exist (`None`).
//!
//! **Sessions.** Only the SHA-256 of a session token is stored (the caller
//! hashes). A session is alive while `last_seen_at` is after "now minus the
//! idle limit"; that test is in the SQL that reads it, with the caller's
//! clock, so several server processes on one database agree and tests can
//! move the clock instead of sleeping.
//!
//! **Audit.** Account and session changes are written to `change_log` in
//! the same transaction as the change, with the client's address in
//! `origin`; password hashes are never written there. The log is
//! append-only (triggers of migration m0004).

use std::collections::HashMap;
use std::sync::Arc;

use sea_orm::{ConnectionTrait, Statement, Value};
use time::{Date, PrimitiveDateTime};
use touyan_records::model::{
    Admonition, AnnualPlan, Attendance, Ballots, Certificate, ExamResult, Exit, ListEntry,
    PayRecord, Person, Post, Reserve, Secondment, ThreeGood, TrainingSession, Village, VillageYear,
    WorkLog, YoungCadre,
};

use crate::read_pool::Row;
use crate::record::{Record, to_record};
use crate::sql::column_list;
use crate::{Backend, Store, StoreError, Tx};

/// Whose records a reader may see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every town.
    City,
    /// One town (its 9-digit code).
    Town(String),
}

/// A listed village's pool of reserves for secretary on a day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReserveCount {
    pub town: String,
    pub town_name: String,
    pub village: String,
    pub reserves: u32,
}

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

    fn offset(self) -> i64 {
        (i64::from(self.page) - 1) * i64::from(self.per_page)
    }
}

/// Rows of one page and how many there are in all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub total: u64,
}

/// A statement under construction: SQL text and its values, with
/// placeholders in the backend's style. A value used twice is bound twice.
#[derive(Clone)]
pub(crate) struct Query {
    backend: Backend,
    pub(crate) sql: String,
    values: Vec<Value>,
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

    fn statement(&self) -> Statement {
        Statement::from_sql_and_values(self.backend.db(), self.sql.clone(), self.values.clone())
    }

    /// The rows, inside a transaction (sqlx).
    async fn all<C: ConnectionTrait>(&self, db: &C) -> Result<Vec<Row>, StoreError> {
        Ok(db
            .query_all_raw(self.statement())
            .await?
            .into_iter()
            .map(Row::Sqlx)
            .collect())
    }

    async fn one<C: ConnectionTrait>(&self, db: &C) -> Result<Option<Row>, StoreError> {
        Ok(db.query_one_raw(self.statement()).await?.map(Row::Sqlx))
    }

    async fn exec<C: ConnectionTrait>(&self, db: &C) -> Result<u64, StoreError> {
        Ok(db.execute_raw(self.statement()).await?.rows_affected())
    }

    async fn count<C: ConnectionTrait>(&self, db: &C) -> Result<u64, StoreError> {
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
fn contains_pattern(text: &str) -> String {
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

/// The characters an ID number may be searched by from its start: those
/// every mask shows (`touyan_records::Mask::default().head`).
const MASK_HEAD: usize = 6;

/// The record tables that tie a person to a village, and so to its town:
/// a post, a reserve place or a young-cadre place, held now or before.
const TOWN_LINKS: [&str; 3] = ["posts", "reserves", "young_cadres"];

/// The one definition of "person `person_col` belongs to town `town`": they
/// hold or held a post, a reserve place or a young-cadre place in one of the
/// town's villages ([`TOWN_LINKS`]). This form (`IN` the town's people)
/// suits lists; [`person_of_town`] says the same for one known person.
/// Binds the town once per link table.
pub(crate) fn person_in_town(q: &mut Query, person_col: &str, town: &str) -> String {
    let parts: Vec<String> = TOWN_LINKS
        .iter()
        .enumerate()
        .map(|(i, table)| {
            let t = q.bind(town.to_owned());
            format!(
                "SELECT l{i}.person FROM {table} l{i} JOIN villages lv{i} \
                 ON lv{i}.code = l{i}.village WHERE lv{i}.town_code = {t}"
            )
        })
        .collect();
    format!("{person_col} IN ({})", parts.join(" UNION "))
}

/// [`person_in_town`] for one person: the same links, probed from the
/// person (`EXISTS`), so a town's people are not gathered to check one of
/// them (the one-person file). Binds the town once per link table.
pub(crate) fn person_of_town(q: &mut Query, person_col: &str, town: &str) -> String {
    let parts: Vec<String> = TOWN_LINKS
        .iter()
        .enumerate()
        .map(|(i, table)| {
            let t = q.bind(town.to_owned());
            format!(
                "EXISTS (SELECT 1 FROM {table} l{i} JOIN villages lv{i} \
                 ON lv{i}.code = l{i}.village \
                 WHERE l{i}.person = {person_col} AND lv{i}.town_code = {t})"
            )
        })
        .collect();
    format!("({})", parts.join(" OR "))
}

// ---------------------------------------------------------------------------
// Scoped reads

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

/// Filters of the people list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PeopleFilter {
    /// Part of the name, or the start of the ID number.
    pub q: Option<String>,
    /// Only people holding a secretary post now.
    pub secretaries_only: bool,
}

/// A row of the people list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonRow {
    pub person: Person,
    /// A post held now (in the scope), as (village name, role code).
    pub current_post: Option<(String, String)>,
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

/// One person's whole file (一人一档).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonFile {
    pub person: Person,
    pub posts: Vec<Post>,
    /// Names of the villages the file mentions, by code.
    pub village_names: Vec<(String, String)>,
    /// The facts of the villages where the person held a post.
    pub village_years: Vec<VillageYear>,
    pub three_good: Vec<ThreeGood>,
    /// Sessions attended, with the session.
    pub training: Vec<(Attendance, TrainingSession)>,
    pub exams: Vec<ExamResult>,
    pub certificates: Vec<Certificate>,
    pub secondments: Vec<Secondment>,
    pub work_logs: Vec<WorkLog>,
    pub ballots: Vec<Ballots>,
    pub admonitions: Vec<Admonition>,
    pub reserves: Vec<Reserve>,
    pub young_cadres: Vec<YoungCadre>,
    pub plans: Vec<AnnualPlan>,
    /// Places on the yearly lists, with their tiers.
    pub list_entries: Vec<ListEntry>,
    pub pay: Vec<PayRecord>,
    pub exits: Vec<Exit>,
}

impl PersonFile {
    /// The name of a village the file mentions (its code if unknown).
    pub fn village_name<'a>(&'a self, code: &'a str) -> &'a str {
        self.village_names
            .iter()
            .find(|(c, _)| c == code)
            .map_or(code, |(_, n)| n.as_str())
    }
}

/// A town's counts for the dashboard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TownSummary {
    pub code: String,
    pub name: String,
    /// Village-level units of every kind.
    pub units: u64,
    /// Villagers' committees (the administrative villages the quota counts).
    pub villages: u64,
    /// Secretary posts held now.
    pub secretaries: u64,
    /// Places on the year's list, any state.
    pub listed: u64,
    /// Places on the year's list that are filed.
    pub filed: u64,
}

/// Reads limited to one [`Scope`]. Obtained from [`Store::scoped`].
pub struct Scoped<'s> {
    pub(crate) store: &'s Store,
    pub(crate) town: Option<String>,
}

impl Store {
    /// A reader of what `scope` may see.
    pub fn scoped(&self, scope: &Scope) -> Scoped<'_> {
        Scoped {
            store: self,
            town: match scope {
                Scope::City => None,
                Scope::Town(t) => Some(t.clone()),
            },
        }
    }
}

/// The query for the rows of a record table chosen by `filter` (SQL over
/// the table's columns, placeholders bound in `q`), in key order.
fn select_query<R: Record>(mut q: Query, filter: &str) -> Query {
    let keys = column_list(&R::COLUMNS[..R::KEY]);
    q.sql = format!(
        "SELECT {} FROM {} WHERE {filter} ORDER BY {keys}",
        column_list(R::COLUMNS),
        R::TABLE
    );
    q
}

/// Rows of [`select_query`] as records.
fn records<R: Record>(rows: &[Row]) -> Result<Vec<R>, StoreError> {
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

/// The query for the rows of a record table whose `person` column is `id`.
fn of_person<R: Record>(backend: Backend, id: &str) -> Query {
    let mut q = Query::new(backend);
    let p = q.bind(id.to_owned());
    select_query::<R>(q, &format!("person = {p}"))
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

impl Scoped<'_> {
    /// The town of a town scope.
    pub fn town(&self) -> Option<&str> {
        self.town.as_deref()
    }

    fn backend(&self) -> Backend {
        self.store.backend
    }

    /// The towns in scope as (code, name), in code order: what a town
    /// drop-down needs, without [`Scoped::town_summaries`]' counts.
    pub async fn towns(&self) -> Result<Vec<(String, String)>, StoreError> {
        Ok(self.towns_shared().await?.as_ref().clone())
    }

    /// [`Scoped::towns`] without copying the list: the city's list (a
    /// province has thousands of towns) is shared with the copy kept for
    /// the data version.
    pub async fn towns_shared(&self) -> Result<Arc<Vec<(String, String)>>, StoreError> {
        let read = |rows: &[Row]| {
            rows.iter()
                .map(|r| Ok((r.try_get_by_index(0)?, r.try_get_by_index(1)?)))
                .collect::<Result<Vec<(String, String)>, StoreError>>()
        };
        let mut q = Query::new(self.backend());
        q.sql = "SELECT code, name FROM towns".to_owned();
        if let Some(town) = &self.town {
            let t = q.bind(town.clone());
            q.sql.push_str(&format!(" WHERE code = {t}"));
            q.sql.push_str(" ORDER BY code");
            return Ok(Arc::new(read(&q.read_all(self.store).await?)?));
        }
        // Every town (a city's drop-down: a province has thousands): kept
        // for one data version, checked on every call.
        q.sql.push_str(" ORDER BY code");
        let caches = &self.store.caches;
        let kept = caches
            .towns
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if let Some((version, towns)) = kept
            && self.store.data_version().await? == version
        {
            return Ok(towns);
        }
        let mut rows = self
            .store
            .read_batch(vec![version_query(self.backend()), q])
            .await?
            .into_iter();
        let version = version_of(rows.next().as_deref())?;
        let towns = Arc::new(read(rows.next().as_deref().unwrap_or_default())?);
        *caches.towns.lock().unwrap_or_else(|e| e.into_inner()) = Some((version, towns.clone()));
        Ok(towns)
    }

    /// For every village of the `year`'s filed list in scope: how many
    /// distinct people are in its pool of reserves for secretary on `on`
    /// (listed by then, not removed by then). One row per village, town by
    /// town; the caller judges each count by Article 9's rule. Counted in
    /// SQL so that the dashboard reads one row per listed village, not the
    /// reserve and list tables.
    pub async fn secretary_reserve_counts(
        &self,
        year: i32,
        on: Date,
    ) -> Result<Vec<ReserveCount>, StoreError> {
        let mut q = Query::new(self.backend());
        let on1 = q.bind(on);
        let on2 = q.bind(on);
        let y = q.bind(year);
        let mut sql = format!(
            "SELECT le.town, t.name, le.village, \
             (SELECT COUNT(DISTINCT r.person) FROM reserves r \
              WHERE r.village = le.village AND r.post_role = 'secretary' \
              AND r.listed_on <= {on1} AND (r.removed_on IS NULL OR r.removed_on > {on2})) \
             FROM list_entries le JOIN towns t ON t.code = le.town \
             WHERE le.year = {y} AND le.status = 'filed'"
        );
        if let Some(town) = &self.town {
            let t = q.bind(town.clone());
            sql.push_str(&format!(" AND le.town = {t}"));
        }
        sql.push_str(" GROUP BY le.town, t.name, le.village ORDER BY le.town, le.village");
        q.sql = sql;
        q.read_all(self.store)
            .await?
            .iter()
            .map(|r| {
                let n: i64 = r.try_get_by_index(3)?;
                Ok(ReserveCount {
                    town: r.try_get_by_index(0)?,
                    town_name: r.try_get_by_index(1)?,
                    village: r.try_get_by_index(2)?,
                    reserves: u32::try_from(n).unwrap_or(u32::MAX),
                })
            })
            .collect()
    }

    /// The `year`'s list in scope counted by town and tier: (town, tier,
    /// people), in town and tier order.
    pub async fn tier_counts(&self, year: i32) -> Result<Vec<(String, u8, u64)>, StoreError> {
        let mut q = Query::new(self.backend());
        let y = q.bind(year);
        let mut sql = format!("SELECT town, tier, COUNT(*) FROM list_entries WHERE year = {y}");
        if let Some(town) = &self.town {
            let t = q.bind(town.clone());
            sql.push_str(&format!(" AND town = {t}"));
        }
        sql.push_str(" GROUP BY town, tier ORDER BY town, tier");
        q.sql = sql;
        q.read_all(self.store)
            .await?
            .iter()
            .map(|r| {
                let tier: i32 = r.try_get_by_index(1)?;
                let n: i64 = r.try_get_by_index(2)?;
                Ok((
                    r.try_get_by_index(0)?,
                    u8::try_from(tier).unwrap_or(0),
                    u64::try_from(n).unwrap_or(0),
                ))
            })
            .collect()
    }

    /// The towns in scope with their counts; list sizes are the `year`'s.
    pub async fn town_summaries(&self, year: i32) -> Result<Vec<TownSummary>, StoreError> {
        let mut q = Query::new(self.backend());
        let y1 = q.bind(year);
        let y2 = q.bind(year);
        let mut sql = format!(
            "SELECT t.code, t.name, \
             (SELECT COUNT(*) FROM villages v WHERE v.town_code = t.code), \
             (SELECT COUNT(*) FROM villages v WHERE v.town_code = t.code \
              AND v.committee = 'villagers'), \
             (SELECT COUNT(*) FROM posts po JOIN villages v ON v.code = po.village \
              WHERE v.town_code = t.code AND po.role = 'secretary' AND po.end_on IS NULL), \
             (SELECT COUNT(*) FROM list_entries le WHERE le.town = t.code AND le.year = {y1}), \
             (SELECT COUNT(*) FROM list_entries le WHERE le.town = t.code AND le.year = {y2} \
              AND le.status = 'filed') \
             FROM towns t"
        );
        if let Some(town) = &self.town {
            let t = q.bind(town.clone());
            sql.push_str(&format!(" WHERE t.code = {t}"));
        }
        sql.push_str(" ORDER BY t.code");
        q.sql = sql;
        let count = |r: &Row, i: usize| -> Result<u64, StoreError> {
            let n: i64 = r.try_get_by_index(i)?;
            Ok(u64::try_from(n).unwrap_or(0))
        };
        q.read_all(self.store)
            .await?
            .iter()
            .map(|r| {
                Ok(TownSummary {
                    code: r.try_get_by_index(0)?,
                    name: r.try_get_by_index(1)?,
                    units: count(r, 2)?,
                    villages: count(r, 3)?,
                    secretaries: count(r, 4)?,
                    listed: count(r, 5)?,
                    filed: count(r, 6)?,
                })
            })
            .collect()
    }

    /// Villages in scope matching `filter`, in code order, one page.
    ///
    /// Without a search text, the total and where every
    /// [`VILLAGE_MARK_STRIDE`]th row of the list starts are kept for one
    /// data version ([`Store::data_version`]), so a deep page is read from
    /// the index by key (`code >= mark`) rather than by counting past the
    /// rows before it, and the list is not counted on every page. The page
    /// is read in the same snapshot as the version it is checked against:
    /// the answer is the one the plain `OFFSET` read would give. A page so
    /// read is kept too (up to [`VILLAGE_PAGES_KEPT`] pages), and given
    /// again while the version read before it is still the one it was read
    /// at. With a search text, the list is counted and paged as it is.
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

    /// People in scope matching `filter`, by name then ID, one page.
    pub async fn people(
        &self,
        filter: &PeopleFilter,
        page: Page,
    ) -> Result<Paged<PersonRow>, StoreError> {
        let mut q = Query::new(self.backend());
        let mut wh = vec!["1 = 1".to_owned()];
        if let Some(town) = &self.town {
            wh.push(person_in_town(&mut q, "p.citizen_id", town));
        }
        if let Some(text) = filter.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            let a = q.bind(contains_pattern(text));
            // An ID number is found by the whole number, or by its first
            // six characters (the place code, shown in every mask). Any
            // other prefix would reveal the hidden birth date digit by
            // digit (issue 15: masks that hold).
            let id = text.to_uppercase();
            let n = id.chars().count();
            let by_id = if n == 18 {
                let b = q.bind(id);
                format!(" OR p.citizen_id = {b}")
            } else if n <= MASK_HEAD {
                let mut prefix = contains_pattern(&id);
                prefix.remove(0);
                let b = q.bind(prefix);
                format!(" OR p.citizen_id LIKE {b} ESCAPE '\\'")
            } else {
                String::new()
            };
            wh.push(format!("(p.name LIKE {a} ESCAPE '\\'{by_id})"));
        }
        // The current post shown, and the secretaries-only filter, stay
        // within the scope's villages.
        let town_of_post = |q: &mut Query| match &self.town {
            Some(t) => format!(" AND cv.town_code = {}", q.bind(t.clone())),
            None => String::new(),
        };
        if filter.secretaries_only {
            let t = town_of_post(&mut q);
            wh.push(format!(
                "EXISTS (SELECT 1 FROM posts cp JOIN villages cv ON cv.code = cp.village \
                 WHERE cp.person = p.citizen_id AND cp.role = 'secretary' \
                 AND cp.end_on IS NULL{t})"
            ));
        }
        let wh = wh.join(" AND ");
        let count = Query {
            backend: q.backend,
            sql: format!("SELECT COUNT(*) FROM people p WHERE {wh}"),
            values: q.values.clone(),
        };
        let total = count.read_count(self.store).await?;
        // The subqueries come before the WHERE clause: bind them into a
        // fresh query in textual order.
        let mut q2 = Query::new(self.backend());
        let t1 = town_of_post(&mut q2);
        let t2 = town_of_post(&mut q2);
        let post = |col: &str, t: &str| {
            format!(
                "(SELECT {col} FROM posts cp JOIN villages cv ON cv.code = cp.village \
                 WHERE cp.person = p.citizen_id AND cp.end_on IS NULL{t} \
                 ORDER BY cp.start_on DESC, cp.role LIMIT 1)"
            )
        };
        let cols: Vec<String> = Person::COLUMNS
            .iter()
            .map(|c| format!("p.{}", c.name))
            .collect();
        q2.sql = format!(
            "SELECT {}, {}, {} FROM people p WHERE ",
            cols.join(", "),
            post("cv.name", &t1),
            post("cp.role", &t2),
        );
        // Re-bind the WHERE values after the subqueries' ones.
        let offset_sql = renumber(&wh, q2.backend, q2.values.len());
        q2.sql.push_str(&offset_sql);
        q2.values.extend(q.values);
        let limit = q2.bind(i64::from(page.per_page));
        let offset = q2.bind(page.offset());
        q2.sql.push_str(&format!(
            " ORDER BY p.name, p.citizen_id LIMIT {limit} OFFSET {offset}"
        ));
        let n = Person::COLUMNS.len();
        let items = q2
            .read_all(self.store)
            .await?
            .iter()
            .map(|r| {
                let village: Option<String> = r.try_get_by_index(n)?;
                let role: Option<String> = r.try_get_by_index(n + 1)?;
                Ok(PersonRow {
                    person: to_record(r.cells(Person::COLUMNS)?)?,
                    current_post: village.zip(role),
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(Paged { items, total })
    }

    /// Whether a person is in scope (false for one that does not exist).
    pub async fn person_visible(&self, id: &str) -> Result<bool, StoreError> {
        let mut q = Query::new(self.backend());
        let p = q.bind(id.to_owned());
        let mut sql = format!("SELECT COUNT(*) FROM people p WHERE p.citizen_id = {p}");
        if let Some(town) = &self.town {
            let cond = person_of_town(&mut q, "p.citizen_id", town);
            sql.push_str(" AND ");
            sql.push_str(&cond);
        }
        q.sql = sql;
        Ok(q.read_count(self.store).await? > 0)
    }

    /// One person's whole file; `None` when there is no such person in
    /// scope. Every table is read in one batch (on SQLite one job of the
    /// read pool, one snapshot); the first query is the person, only when
    /// in scope, and without it the rest is not looked at.
    pub async fn person(&self, id: &str) -> Result<Option<PersonFile>, StoreError> {
        let b = self.backend();
        let mut q = Query::new(b);
        let p = q.bind(id.to_owned());
        let mut filter = format!("citizen_id = {p}");
        if let Some(town) = &self.town {
            filter.push_str(" AND ");
            filter.push_str(&person_of_town(&mut q, "people.citizen_id", town));
        }
        let by_person = |sql: &str, n: usize| {
            let mut q = Query::new(b);
            let parts: Vec<String> = (0..n).map(|_| q.bind(id.to_owned())).collect();
            let mut parts = parts.into_iter();
            let mut out = String::new();
            for piece in sql.split("{p}") {
                out.push_str(piece);
                if let Some(p) = parts.next() {
                    out.push_str(&p);
                }
            }
            (q, out)
        };
        let (vq, vf) = by_person(
            "village IN (SELECT village FROM posts WHERE person = {p})",
            1,
        );
        // The names of every village the file mentions (posts, reserve and
        // young-cadre places, list places), by code.
        let (mut nq, names_filter) = by_person(
            "code IN (SELECT village FROM posts WHERE person = {p} \
             UNION SELECT village FROM reserves WHERE person = {p} \
             UNION SELECT village FROM young_cadres WHERE person = {p} \
             UNION SELECT village FROM list_entries WHERE person = {p})",
            4,
        );
        nq.sql = format!("SELECT code, name FROM villages WHERE {names_filter} ORDER BY code");
        let (sq, sf) = by_person(
            "code IN (SELECT session_code FROM attendance WHERE person = {p})",
            1,
        );
        let queries = vec![
            select_query::<Person>(q, &filter),
            of_person::<Post>(b, id),
            of_person::<Reserve>(b, id),
            of_person::<YoungCadre>(b, id),
            of_person::<ListEntry>(b, id),
            select_query::<VillageYear>(vq, &vf),
            nq,
            of_person::<Attendance>(b, id),
            select_query::<TrainingSession>(sq, &sf),
            of_person::<ThreeGood>(b, id),
            of_person::<ExamResult>(b, id),
            of_person::<Certificate>(b, id),
            of_person::<Secondment>(b, id),
            of_person::<WorkLog>(b, id),
            of_person::<Ballots>(b, id),
            of_person::<Admonition>(b, id),
            of_person::<AnnualPlan>(b, id),
            of_person::<PayRecord>(b, id),
            of_person::<Exit>(b, id),
        ];
        let rows = self.store.read_batch(queries).await?;
        let [
            person,
            posts,
            reserves,
            young_cadres,
            list_entries,
            village_years,
            names,
            attendance,
            sessions,
            three_good,
            exams,
            certificates,
            secondments,
            work_logs,
            ballots,
            admonitions,
            plans,
            pay,
            exits,
        ] = <[Vec<Row>; 19]>::try_from(rows)
            .map_err(|_| StoreError::Database("内部错误：一人一档的查询结果数目不符".into()))?;
        let Some(person) = records::<Person>(&person)?.into_iter().next() else {
            return Ok(None);
        };
        let village_names = names
            .iter()
            .map(|r| Ok((r.try_get_by_index(0)?, r.try_get_by_index(1)?)))
            .collect::<Result<Vec<(String, String)>, StoreError>>()?;
        let attendance: Vec<Attendance> = records(&attendance)?;
        let sessions: Vec<TrainingSession> = records(&sessions)?;
        let mut training: Vec<(Attendance, TrainingSession)> = attendance
            .into_iter()
            .filter_map(|a| {
                let s = sessions.iter().find(|s| s.code == a.session)?.clone();
                Some((a, s))
            })
            .collect();
        training.sort_by_key(|t| t.1.start);

        Ok(Some(PersonFile {
            person,
            posts: records(&posts)?,
            village_names,
            village_years: records(&village_years)?,
            three_good: records(&three_good)?,
            training,
            exams: records(&exams)?,
            certificates: records(&certificates)?,
            secondments: records(&secondments)?,
            work_logs: records(&work_logs)?,
            ballots: records(&ballots)?,
            admonitions: records(&admonitions)?,
            reserves: records(&reserves)?,
            young_cadres: records(&young_cadres)?,
            plans: records(&plans)?,
            list_entries: records(&list_entries)?,
            pay: records(&pay)?,
            exits: records(&exits)?,
        }))
    }
}

/// ` WHERE a AND b` of the conditions, or nothing when there are none.
fn where_clause(conds: &[String]) -> String {
    if conds.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conds.join(" AND "))
    }
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

/// `SELECT` of the data version ([`Store::data_version`]).
fn version_query(backend: Backend) -> Query {
    let mut q = Query::new(backend);
    q.push("SELECT version FROM data_version WHERE singleton = 1");
    q
}

fn version_of(rows: Option<&[Row]>) -> Result<i64, StoreError> {
    match rows.and_then(<[Row]>::first) {
        Some(r) => r.try_get_by_index(0),
        None => Ok(0),
    }
}

/// Every how many rows of the village list a mark is kept.
pub const VILLAGE_MARK_STRIDE: usize = 32;

/// Which village list (scope and filters without a search text).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct VillageKey {
    scope: Option<String>,
    town: Option<String>,
    committee: Option<String>,
}

/// A village list's length and the code of every
/// [`VILLAGE_MARK_STRIDE`]th row, from the first.
#[derive(Debug)]
struct VillageMarks {
    total: u64,
    marks: Vec<String>,
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
const VILLAGE_PAGES_KEPT: usize = 512;

/// What the server's reads keep between requests. Every entry carries the
/// data version it was read at and is used only while the database still
/// has that version, so it is never what decides an answer: the database
/// is (several processes on one database each keep their own).
#[derive(Default)]
pub(crate) struct Caches {
    villages: std::sync::Mutex<HashMap<VillageKey, (i64, Arc<VillageMarks>)>>,
    towns: std::sync::Mutex<Option<(i64, Arc<TownNames>)>>,
    /// Pages of village lists without a search, as read by their marks.
    village_pages: std::sync::Mutex<HashMap<VillagePageKey, (i64, KeptPage)>>,
}

impl std::fmt::Debug for Caches {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Caches")
    }
}

impl Caches {
    fn village_marks(&self, key: &VillageKey) -> Option<(i64, Arc<VillageMarks>)> {
        self.villages
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(key)
            .cloned()
    }

    fn keep_village_marks(&self, key: VillageKey, version: i64, marks: VillageMarks) {
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

    fn village_page(&self, key: &VillagePageKey) -> Option<(i64, KeptPage)> {
        self.village_pages
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(key)
            .cloned()
    }

    fn keep_village_page(&self, key: VillagePageKey, version: i64, page: Paged<VillageRow>) {
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

/// `where_sql` written for a query whose values started at 1, renumbered
/// for values starting after `already` (PostgreSQL's `$n`; SQLite's `?` is
/// positional and needs nothing).
fn renumber(where_sql: &str, backend: Backend, already: usize) -> String {
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

// ---------------------------------------------------------------------------
// Accounts and sessions

/// A stored account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub username: String,
    pub display_name: String,
    /// The role's code (the server's `Role` enumeration).
    pub role: String,
    /// The town of a town role.
    pub town: Option<String>,
    /// The password's PHC string (argon2id).
    pub password_hash: String,
    pub failed_attempts: u32,
    pub locked_until: Option<PrimitiveDateTime>,
    pub password_changed_at: PrimitiveDateTime,
    pub disabled: bool,
}

/// An account to create.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub town: Option<String>,
    pub password_hash: String,
}

/// A live session and its account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionAccount {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub town: Option<String>,
    pub created_at: PrimitiveDateTime,
}

const ACCOUNT_COLS: &str = "username, display_name, account_role, town_code, password_hash, \
                            failed_attempts, locked_until, password_changed_at, disabled";

fn account_from(r: &Row) -> Result<Account, StoreError> {
    let failed: i32 = r.try_get_by_index(5)?;
    Ok(Account {
        username: r.try_get_by_index(0)?,
        display_name: r.try_get_by_index(1)?,
        role: r.try_get_by_index(2)?,
        town: r.try_get_by_index(3)?,
        password_hash: r.try_get_by_index(4)?,
        failed_attempts: u32::try_from(failed).unwrap_or(0),
        locked_until: r.try_get_by_index(6)?,
        password_changed_at: r.try_get_by_index(7)?,
        disabled: r.try_get_by_index(8)?,
    })
}

/// The account as the change log shows it: everything but the password
/// hash.
fn account_json(a: &Account) -> String {
    serde_json::json!({
        "username": a.username,
        "display_name": a.display_name,
        "account_role": a.role,
        "town_code": a.town,
        "failed_attempts": a.failed_attempts,
        "locked_until": a.locked_until.map(|t| t.to_string()),
        "password_changed_at": a.password_changed_at.to_string(),
        "disabled": a.disabled,
    })
    .to_string()
}

/// Timestamps to the microsecond, as both backends keep them.
fn micros(t: PrimitiveDateTime) -> PrimitiveDateTime {
    t.replace_nanosecond(t.nanosecond() / 1000 * 1000)
        .unwrap_or(t)
}

impl Tx {
    /// Writes one change-log entry (the transaction's actor, time and
    /// origin).
    async fn log_raw(
        &self,
        table: &str,
        key: &str,
        action: crate::Action,
        before: Option<String>,
        after: Option<String>,
    ) -> Result<(), StoreError> {
        let mut q = Query::new(self.backend);
        let vals = [
            q.bind(self.now),
            q.bind(self.actor.clone()),
            q.bind(table.to_owned()),
            q.bind(key.to_owned()),
            q.bind(action.code().to_owned()),
            q.bind(before),
            q.bind(after),
            q.bind(self.origin.clone()),
        ];
        q.sql = format!(
            "INSERT INTO change_log (changed_at, actor, table_name, record_key, action, \
             before_json, after_json, origin) VALUES ({})",
            vals.join(", ")
        );
        q.exec(&self.tx).await?;
        Ok(())
    }

    async fn account(&self, username: &str) -> Result<Option<Account>, StoreError> {
        let mut q = Query::new(self.backend);
        let u = q.bind(username.to_owned());
        q.sql = format!("SELECT {ACCOUNT_COLS} FROM accounts WHERE username = {u}");
        q.one(&self.tx)
            .await?
            .as_ref()
            .map(account_from)
            .transpose()
    }

    async fn account_count(&self) -> Result<u64, StoreError> {
        let mut q = Query::new(self.backend);
        q.push("SELECT COUNT(*) FROM accounts");
        q.count(&self.tx).await
    }

    /// Inserts accounts (the password set `now`), logging each without its
    /// hash. A user name already there fails with
    /// [`StoreError::Duplicate`].
    pub async fn create_accounts(
        &mut self,
        accounts: &[NewAccount],
        now: PrimitiveDateTime,
    ) -> Result<(), StoreError> {
        let now = micros(now);
        for a in accounts {
            let stored = Account {
                username: a.username.clone(),
                display_name: a.display_name.clone(),
                role: a.role.clone(),
                town: a.town.clone(),
                password_hash: a.password_hash.clone(),
                failed_attempts: 0,
                locked_until: None,
                password_changed_at: now,
                disabled: false,
            };
            let mut q = Query::new(self.backend);
            let vals = [
                q.bind(stored.username.clone()),
                q.bind(stored.display_name.clone()),
                q.bind(stored.role.clone()),
                q.bind(stored.town.clone()),
                q.bind(stored.password_hash.clone()),
                q.bind(0i32),
                q.bind(Option::<PrimitiveDateTime>::None),
                q.bind(now),
                q.bind(false),
                q.bind(self.now),
                q.bind(self.now),
                q.bind(self.actor.clone()),
            ];
            q.sql = format!(
                "INSERT INTO accounts ({ACCOUNT_COLS}, created_at, updated_at, updated_by) \
                 VALUES ({})",
                vals.join(", ")
            );
            self.tx
                .execute_raw(q.statement())
                .await
                .map_err(|e| StoreError::writing("账户", e))?;
            self.log_raw(
                "accounts",
                &a.username,
                crate::Action::Insert,
                None,
                Some(account_json(&stored)),
            )
            .await?;
        }
        Ok(())
    }
}

impl Store {
    /// How many accounts there are.
    pub async fn account_count(&self) -> Result<u64, StoreError> {
        let mut q = Query::new(self.backend);
        q.push("SELECT COUNT(*) FROM accounts");
        q.read_count(self).await
    }

    /// The account called `username`.
    pub async fn account(&self, username: &str) -> Result<Option<Account>, StoreError> {
        let mut q = Query::new(self.backend);
        let u = q.bind(username.to_owned());
        q.sql = format!("SELECT {ACCOUNT_COLS} FROM accounts WHERE username = {u}");
        q.read_one(self)
            .await?
            .as_ref()
            .map(account_from)
            .transpose()
    }

    /// Every account, by user name.
    pub async fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        let mut q = Query::new(self.backend);
        q.sql = format!("SELECT {ACCOUNT_COLS} FROM accounts ORDER BY username");
        q.read_all(self).await?.iter().map(account_from).collect()
    }

    /// Creates accounts in one transaction on behalf of `actor`.
    pub async fn create_accounts(
        &self,
        actor: &str,
        origin: Option<&str>,
        accounts: &[NewAccount],
        now: PrimitiveDateTime,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_from(actor, origin).await?;
        tx.create_accounts(accounts, now).await?;
        tx.commit().await
    }

    /// Creates the first account, only while there is none: `Ok(false)`
    /// (and nothing written) when an account exists or another first
    /// account is being created at the same moment.
    pub async fn create_first_account(
        &self,
        origin: Option<&str>,
        account: &NewAccount,
        now: PrimitiveDateTime,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_from(&account.username, origin).await?;
        if tx.account_count().await? > 0 {
            return Ok(false);
        }
        let mut q = Query::new(self.backend);
        let at = q.bind(micros(now));
        q.sql = format!("INSERT INTO first_setup (singleton, done_at) VALUES (1, {at})");
        if q.exec(&tx.tx).await.is_err() {
            return Ok(false);
        }
        tx.create_accounts(std::slice::from_ref(account), now)
            .await?;
        match tx.commit().await {
            Ok(()) => Ok(true),
            // PostgreSQL: the other setup committed first (unique key).
            Err(StoreError::Database(m)) if m.contains("first_setup") || m.contains("unique") => {
                Ok(false)
            }
            Err(e) => Err(e),
        }
    }

    /// A failed sign-in for `username`, from `origin`, logged in the
    /// change log whether or not an account has that name (never the
    /// password). With an account: its `failed_attempts` goes up by one
    /// (cleared by the next successful sign-in), logged as an update of the
    /// account by the name tried; nothing is locked — how often attempts
    /// may come is the server's throttle, which no address can turn into a
    /// lock on someone else. Without one: an insertion into
    /// `login_failures` (a name in the log only, no table) keyed by the
    /// name tried, its first 64 characters. Returns the account after the
    /// change (`None`: no such account).
    pub async fn record_login_failure(
        &self,
        username: &str,
        origin: Option<&str>,
        now: PrimitiveDateTime,
    ) -> Result<Option<Account>, StoreError> {
        let tried: String = username.trim().chars().take(64).collect();
        let actor = if tried.is_empty() {
            "（未填用户名）"
        } else {
            tried.as_str()
        };
        let tx = self.begin_from(actor, origin).await?;
        let Some(before) = tx.account(&tried).await? else {
            let after = serde_json::json!({
                "username": tried,
                "at": micros(now).to_string(),
                "account": false,
            })
            .to_string();
            tx.log_raw(
                "login_failures",
                &tried,
                crate::Action::Insert,
                None,
                Some(after),
            )
            .await?;
            tx.commit().await?;
            return Ok(None);
        };
        let mut q = Query::new(self.backend);
        let u = q.bind(tried.clone());
        q.sql = format!(
            "UPDATE accounts SET failed_attempts = failed_attempts + 1 WHERE username = {u}"
        );
        q.exec(&tx.tx).await?;
        let after = tx.account(&tried).await?;
        if let Some(a) = &after {
            tx.log_raw(
                "accounts",
                &tried,
                crate::Action::Update,
                Some(account_json(&before)),
                Some(account_json(a)),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(after)
    }

    /// A successful sign-in: clears the failure count (and a lock left by
    /// an older version), starts a
    /// session (`token_hash`: the SHA-256 of its token, hex) and removes
    /// sessions idle since before `stale_before`. Logged as the session's
    /// insertion (and the account's update when it had failures).
    pub async fn start_session(
        &self,
        username: &str,
        token_hash: &str,
        origin: Option<&str>,
        now: PrimitiveDateTime,
        stale_before: PrimitiveDateTime,
    ) -> Result<(), StoreError> {
        let now = micros(now);
        let tx = self.begin_from(username, origin).await?;
        let Some(before) = tx.account(username).await? else {
            return Err(StoreError::Invalid(format!("账户 {username} 不存在")));
        };
        if before.failed_attempts > 0 || before.locked_until.is_some() {
            let mut q = Query::new(self.backend);
            let u = q.bind(username.to_owned());
            q.sql = format!(
                "UPDATE accounts SET failed_attempts = 0, locked_until = NULL WHERE username = {u}"
            );
            q.exec(&tx.tx).await?;
            let after = Account {
                failed_attempts: 0,
                locked_until: None,
                ..before.clone()
            };
            tx.log_raw(
                "accounts",
                username,
                crate::Action::Update,
                Some(account_json(&before)),
                Some(account_json(&after)),
            )
            .await?;
        }
        let mut q = Query::new(self.backend);
        let stale = q.bind(micros(stale_before));
        q.sql = format!("DELETE FROM login_sessions WHERE last_seen_at < {stale}");
        q.exec(&tx.tx).await?;
        let mut q = Query::new(self.backend);
        let vals = [
            q.bind(token_hash.to_owned()),
            q.bind(username.to_owned()),
            q.bind(now),
            q.bind(now),
            q.bind(origin.map(str::to_owned)),
        ];
        q.sql = format!(
            "INSERT INTO login_sessions (token_hash, username, created_at, last_seen_at, origin) \
             VALUES ({})",
            vals.join(", ")
        );
        q.exec(&tx.tx).await?;
        let after = serde_json::json!({
            "username": username,
            "created_at": now.to_string(),
            "origin": origin,
        })
        .to_string();
        tx.log_raw(
            "login_sessions",
            username,
            crate::Action::Insert,
            None,
            Some(after),
        )
        .await?;
        tx.commit().await
    }

    /// The live session with this token hash and its (enabled) account:
    /// seen after `idle_since`. Marks it seen at `now` when it was last
    /// marked before `touch_before` (so a busy session is not written on
    /// every request).
    pub async fn session(
        &self,
        token_hash: &str,
        now: PrimitiveDateTime,
        idle_since: PrimitiveDateTime,
        touch_before: PrimitiveDateTime,
    ) -> Result<Option<SessionAccount>, StoreError> {
        let mut q = Query::new(self.backend);
        let h = q.bind(token_hash.to_owned());
        let idle = q.bind(micros(idle_since));
        let f = q.bind(false);
        q.sql = format!(
            "SELECT a.username, a.display_name, a.account_role, a.town_code, s.created_at, \
             s.last_seen_at FROM login_sessions s JOIN accounts a ON a.username = s.username \
             WHERE s.token_hash = {h} AND s.last_seen_at > {idle} AND a.disabled = {f}"
        );
        let Some(r) = q.read_one(self).await? else {
            return Ok(None);
        };
        let last_seen: PrimitiveDateTime = r.try_get_by_index(5)?;
        let found = SessionAccount {
            username: r.try_get_by_index(0)?,
            display_name: r.try_get_by_index(1)?,
            role: r.try_get_by_index(2)?,
            town: r.try_get_by_index(3)?,
            created_at: r.try_get_by_index(4)?,
        };
        if last_seen < touch_before {
            let mut q = Query::new(self.backend);
            let n = q.bind(micros(now));
            let h = q.bind(token_hash.to_owned());
            let idle = q.bind(micros(idle_since));
            q.sql = format!(
                "UPDATE login_sessions SET last_seen_at = {n} \
                 WHERE token_hash = {h} AND last_seen_at > {idle}"
            );
            if q.exec(&self.db).await? == 0 {
                // Ended or expired in between.
                return Ok(None);
            }
        }
        Ok(Some(found))
    }

    /// Ends the session with this token hash (sign-out); false when there
    /// was none. Logged as the session's deletion.
    pub async fn end_session(
        &self,
        token_hash: &str,
        origin: Option<&str>,
    ) -> Result<bool, StoreError> {
        let mut q = Query::new(self.backend);
        let h = q.bind(token_hash.to_owned());
        q.sql = format!("SELECT username, created_at FROM login_sessions WHERE token_hash = {h}");
        let Some(r) = q.read_one(self).await? else {
            return Ok(false);
        };
        let username: String = r.try_get_by_index(0)?;
        let created: PrimitiveDateTime = r.try_get_by_index(1)?;
        let tx = self.begin_from(&username, origin).await?;
        let mut q = Query::new(self.backend);
        let h = q.bind(token_hash.to_owned());
        q.sql = format!("DELETE FROM login_sessions WHERE token_hash = {h}");
        if q.exec(&tx.tx).await? == 0 {
            return Ok(false);
        }
        let before = serde_json::json!({
            "username": username,
            "created_at": created.to_string(),
        })
        .to_string();
        tx.log_raw(
            "login_sessions",
            &username,
            crate::Action::Delete,
            Some(before),
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}

// ---------------------------------------------------------------------------
// Shared secrets

impl Store {
    /// The secret called `name` shared by every process on this database:
    /// the stored one, or `candidate` (hex) stored now when there is none.
    /// Two processes asking at once get the same answer.
    pub async fn server_key(
        &self,
        name: &str,
        candidate: &str,
        now: PrimitiveDateTime,
    ) -> Result<String, StoreError> {
        let read = || async {
            let mut q = Query::new(self.backend);
            let n = q.bind(name.to_owned());
            q.sql = format!("SELECT key_hex FROM server_keys WHERE name = {n}");
            match q.read_one(self).await? {
                Some(r) => Ok::<_, StoreError>(Some(r.try_get_by_index::<String>(0)?)),
                None => Ok(None),
            }
        };
        if let Some(k) = read().await? {
            return Ok(k);
        }
        let mut q = Query::new(self.backend);
        let vals = [
            q.bind(name.to_owned()),
            q.bind(candidate.to_owned()),
            q.bind(micros(now)),
        ];
        q.sql = format!(
            "INSERT INTO server_keys (name, key_hex, created_at) VALUES ({})",
            vals.join(", ")
        );
        // Another process may have stored one in between: its key wins.
        let _ = q.exec(&self.db).await;
        read()
            .await?
            .ok_or_else(|| StoreError::Database(format!("无法保存密钥 {name}")))
    }
}

// ---------------------------------------------------------------------------
// The audit trail

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

#[cfg(test)]
mod tests {
    use super::*;

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
