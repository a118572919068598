//! The dashboard's figures and warnings: [`data`] (scoped to the user's town
//! like every read), shown by the dashboard page and carried in its
//! `data-dashboard` attribute to `static/dashboard.js` (draws it with
//! ECharts' SVG renderer; no inline script, the CSP allows only our own
//! files), and served as `GET /api/v1/dashboard` for other clients; the
//! vendored ECharts itself.
//!
//! Every figure is the rules crate's: quotas by Article 1
//! (`art01_inclusion::quota`), reserve shortfalls by Article 9
//! (`art09_reserves::secretary_reserves`) over counts read in SQL, so that
//! a dashboard reads a row per town or listed village, never whole tables.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use touyan_rules::{Params, art01_inclusion, art09_reserves};

use crate::roles::Action;
use crate::state::{AppState, Failure, User};

/// The vendored ECharts (Apache-2.0, see `static/vendor/README.md`).
pub const ECHARTS: &[u8] = include_bytes!("../static/vendor/echarts-5.6.0.min.js");
/// Where it is served; the version is in the name, so it is cached a year.
pub const ECHARTS_PATH: &str = "/static/vendor/echarts-5.6.0.min.js";
const DASHBOARD_JS: &str = include_str!("../static/dashboard.js");

/// One town of the chart.
#[derive(Serialize, Debug)]
pub struct TownChart {
    pub code: String,
    pub name: String,
    /// Village-level units, administrative villages (villagers'
    /// committees) and secretaries in post.
    pub units: u64,
    pub villages: u64,
    pub secretaries: u64,
    /// Article 1's quota (`null` when the policy has no value in force).
    pub quota: Option<u64>,
    /// This year's list size.
    pub listed: u64,
    pub filed: u64,
    /// This year's list by tier: `[一档, 二档, 三档]`.
    pub tiers: [u64; 3],
}

/// `GET /api/v1/dashboard`.
#[derive(Serialize, Debug)]
pub struct Dashboard {
    pub year: i32,
    /// 全市 or the town's name.
    pub scope: String,
    pub towns: Vec<TownChart>,
    /// What needs action, in Chinese.
    pub warnings: Vec<String>,
}

/// A computed dashboard and its JSON (what `GET /api/v1/dashboard` answers
/// and the page hands to `dashboard.js`).
#[derive(Debug)]
pub struct Computed {
    pub data: Dashboard,
    pub json: String,
}

/// The dashboard of `user`'s scope for the current year, shown by the page
/// (which hands it to `dashboard.js` in a data attribute) and by
/// `GET /api/v1/dashboard` for other clients.
///
/// Kept per scope and day for one data version (`Store::data_version`,
/// which every write of records moves on in its own transaction, in
/// whatever process): every request reads the version, and a dashboard
/// computed at another version is computed again — once, however many
/// requests ask at that moment. Sign-ins and sessions do not move the
/// version.
pub async fn data(st: &AppState, user: &User) -> Result<Arc<Computed>, Failure> {
    let today = st.today();
    let key = (user.town_scope(), today);
    let version = st.data_version().await?;
    if let Some(d) = st.dashboards().get(&key, version) {
        return Ok(d);
    }
    let _one_at_a_time = st.dashboards().computing.lock().await;
    // Another request may have computed it while this one waited.
    let version = st.data_version().await?;
    if let Some(d) = st.dashboards().get(&key, version) {
        return Ok(d);
    }
    // Read after the version: the figures are at least as new as it.
    let data = compute(st, user, today).await?;
    let json = serde_json::to_string(&data).map_err(|e| Failure::Internal(e.to_string()))?;
    let d = Arc::new(Computed { data, json });
    st.dashboards().keep(key, version, d.clone());
    Ok(d)
}

/// Which dashboard: the town of a town scope (`None`: the city) and the
/// day (China time).
type KeptKey = (Option<String>, time::Date);

/// The dashboards kept, by (town scope, day), each with the data version
/// it was computed at.
#[derive(Default)]
pub struct Kept {
    map: Mutex<HashMap<KeptKey, (i64, Arc<Computed>)>>,
    computing: tokio::sync::Mutex<()>,
}

/// The most dashboards kept at once (a province has a few thousand towns).
const KEPT: usize = 8192;

impl Kept {
    fn get(&self, key: &KeptKey, version: i64) -> Option<Arc<Computed>> {
        let m = self.map.lock().unwrap_or_else(|e| e.into_inner());
        m.get(key)
            .filter(|(v, _)| *v == version)
            .map(|(_, d)| d.clone())
    }

    fn keep(&self, key: KeptKey, version: i64, d: Arc<Computed>) {
        let mut m = self.map.lock().unwrap_or_else(|e| e.into_inner());
        if m.len() >= KEPT && !m.contains_key(&key) {
            m.retain(|(_, day), (v, _)| *v >= version && *day >= key.1);
            if m.len() >= KEPT {
                m.clear();
            }
        }
        m.insert(key, (version, d));
    }
}

async fn compute(st: &AppState, user: &User, today: time::Date) -> Result<Dashboard, Failure> {
    let year = today.year();
    let summaries = st.reader(user).town_summaries(year).await?;
    let params = st.policy().resolve(today).ok();
    let tier_counts = st.reader(user).tier_counts(year).await?;
    let mut warnings = Vec::new();
    let towns: Vec<TownChart> = summaries
        .into_iter()
        .map(|s| {
            let quota = params.as_ref().map(|p| {
                u64::from(
                    art01_inclusion::quota(p, u32::try_from(s.villages).unwrap_or(u32::MAX))
                        .outcome,
                )
            });
            if let Some(q) = quota
                && s.listed > q
            {
                warnings.push(format!(
                    "{}：{year} 年名单 {} 人，超过名额 {q} 名（第一条）",
                    s.name, s.listed
                ));
            }
            if s.listed > s.filed {
                warnings.push(format!(
                    "{}：{year} 年名单中有 {} 人尚未备案",
                    s.name,
                    s.listed - s.filed
                ));
            }
            let mut tiers = [0u64; 3];
            for (_, tier, n) in tier_counts.iter().filter(|c| c.0 == s.code) {
                if let Some(slot) = usize::from(*tier)
                    .checked_sub(1)
                    .and_then(|i| tiers.get_mut(i))
                {
                    *slot += n;
                }
            }
            TownChart {
                code: s.code,
                name: s.name,
                units: s.units,
                villages: s.villages,
                secretaries: s.secretaries,
                quota,
                listed: s.listed,
                filed: s.filed,
                tiers,
            }
        })
        .collect();
    if let Some(p) = &params {
        warnings.extend(action_warnings(st, user, year, today, p).await?);
    }
    let scope = match user.town_scope() {
        Some(_) => towns
            .first()
            .map_or_else(|| "本镇街".to_owned(), |t| t.name.clone()),
        None => "全市".to_owned(),
    };
    Ok(Dashboard {
        year,
        scope,
        towns,
        warnings,
    })
}

/// Warnings beyond the quota: villages of this year's filed list short of
/// secretary reserves on `today` (Article 9), per town of the user's scope.
/// The pool of each listed village is counted in SQL (one row per village)
/// and judged by the rules crate's `art09_reserves::secretary_reserves`.
/// Training shortfalls are not warned here: judging them needs every
/// attendance of the year, which is the training export's work.
pub async fn action_warnings(
    st: &AppState,
    user: &User,
    year: i32,
    today: time::Date,
    p: &Params,
) -> Result<Vec<String>, Failure> {
    let counts = st
        .reader(user)
        .secretary_reserve_counts(year, today)
        .await?;
    let mut out = Vec::new();
    for town in counts.chunk_by(|a, b| a.town == b.town) {
        let (mut villages, mut missing) = (0u32, 0u32);
        for c in town {
            if let Some(k) = art09_reserves::secretary_reserves(p, c.reserves).outcome {
                villages += 1;
                missing += k;
            }
        }
        if villages > 0 {
            out.push(format!(
                "{}：{villages} 个专业化管理村的书记后备力量不足，共缺 {missing} 名（第九条）",
                town[0].town_name
            ));
        }
    }
    Ok(out)
}

/// `GET /api/v1/dashboard`.
pub async fn api(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let user = match st.user(&headers).await {
        Ok(Some(u)) if u.may(Action::Dashboard) => u,
        Ok(Some(_)) => return crate::api::error(StatusCode::FORBIDDEN, "您的角色无权进行此操作"),
        Ok(None) => {
            return crate::api::error(StatusCode::UNAUTHORIZED, "未登录或会话已过期，请先登录");
        }
        Err(Failure::Internal(m)) => {
            return crate::api::error(StatusCode::INTERNAL_SERVER_ERROR, &m);
        }
    };
    match data(&st, &user).await {
        Ok(d) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            d.json.clone(),
        )
            .into_response(),
        Err(Failure::Internal(m)) => crate::api::error(StatusCode::INTERNAL_SERVER_ERROR, &m),
    }
}

fn script(body: &'static [u8], cache: &'static str) -> Response {
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/javascript; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    res
}

/// `GET /static/vendor/echarts-5.6.0.min.js`: a year, immutable.
pub async fn echarts() -> Response {
    script(ECHARTS, "public, max-age=31536000, immutable")
}

/// `GET /static/dashboard.js`.
pub async fn dashboard_js() -> Response {
    script(DASHBOARD_JS.as_bytes(), "public, max-age=3600")
}
