//! The towns in scope: their names, their counts for the dashboard, and
//! the year's list counted by tier and by reserve pool; a town's yearly
//! report on training its reserves.

use std::sync::Arc;

use sea_orm::Value;
use time::Date;
use touyan_records::TownCode;
use touyan_records::model::ReserveReport;

use crate::caches::{version_of, version_query};
use crate::read_pool::Row;
use crate::sql::{Params, Query};
use crate::{Scoped, Store, StoreError};

/// A listed village's pool of reserves for secretary on a day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReserveCount {
    pub town: String,
    pub town_name: String,
    pub village: String,
    pub reserves: u32,
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

impl Scoped<'_> {
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
}

impl Store {
    /// The town's report on training its reserves for `year`, if any.
    pub async fn reserve_report(
        &self,
        town: TownCode,
        year: i32,
    ) -> Result<Option<ReserveReport>, StoreError> {
        let mut p = Params::new(self.backend);
        let f = format!("town = {} AND year = {}", p.next(), p.next());
        let v = vec![
            Value::String(Some(town.as_str().to_owned())),
            Value::Int(Some(year)),
        ];
        Ok(crate::sql::select(&self.db, self.backend, &f, v)
            .await?
            .into_iter()
            .next())
    }
}
