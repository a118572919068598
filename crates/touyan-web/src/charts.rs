//! The dashboard's figures and warnings: [`data`] (scoped to the user's town
//! like every read), shown by the dashboard page and carried in its
//! `data-dashboard` attribute to `static/dashboard.js` (draws it with
//! ECharts' SVG renderer; no inline script, the CSP allows only our own
//! files), and served as `GET /api/v1/dashboard` for other clients; the
//! vendored ECharts itself.
//!
//! Every figure is decided by `touyan_office::dashboard`: quotas by
//! Article 1, reserve shortfalls by Article 9, over counts read in SQL, so
//! that a dashboard reads a row per town or listed village, never whole
//! tables.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use touyan_office::dashboard::{self as office, Shortfall};

use crate::roles::Action;
use crate::state::{AppState, Failure, User};

/// The vendored ECharts (Apache-2.0, see `static/vendor/README.md`).
pub const ECHARTS: &[u8] = include_bytes!("../static/vendor/echarts-5.6.0.min.js");
/// Where it is served; the version is in the name, so it is cached a year.
pub const ECHARTS_PATH: &str = "/static/vendor/echarts-5.6.0.min.js";
const DASHBOARD_JS: &str = include_str!("../static/dashboard.js");
const BUSY_JS: &str = include_str!("../static/busy.js");
const SESSION_JS: &str = include_str!("../static/session.js");
/// `static/fields.js`: date pickers, person search, length limits stated.
pub const FIELDS_JS: &str = include_str!("../static/fields.js");

/// One town of the chart.
#[derive(Serialize, Debug, Clone)]
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
    /// Article 9: villages of this year's filed list short of secretary
    /// reserves today, and how many reserves they lack in all.
    pub reserve_villages: u64,
    pub reserve_missing: u64,
}

impl TownChart {
    /// How many this year's list has over the quota (0 when within it or
    /// when there is no quota).
    pub fn over_quota(&self) -> u64 {
        self.quota.map_or(0, |q| self.listed.saturating_sub(q))
    }

    /// How many of this year's list are not filed.
    pub fn unfiled(&self) -> u64 {
        self.listed.saturating_sub(self.filed)
    }

    /// Whether the town has something to act on (a warning).
    pub fn needs_action(&self) -> bool {
        self.over_quota() > 0 || self.unfiled() > 0 || self.reserve_missing > 0
    }

    /// The order of "needs action first": over the quota, then not filed,
    /// then short of reserves, most first.
    fn urgency(&self) -> (u64, u64, u64) {
        (self.over_quota(), self.unfiled(), self.reserve_missing)
    }
}

/// The scope's totals (the dashboard's tiles).
#[derive(Serialize, Debug, Default)]
pub struct Totals {
    pub towns: u64,
    pub units: u64,
    pub villages: u64,
    pub secretaries: u64,
    /// The sum of the towns' quotas (0 without a policy in force).
    pub quota: u64,
    pub listed: u64,
    pub filed: u64,
    /// Towns with a warning.
    pub towns_needing_action: u64,
}

/// What the charts draw: every town of a scope with at most
/// [`CHART_TOWNS`] towns; otherwise the [`CHART_TOWNS`] towns that need
/// action most (over the quota, then not filed, then short of reserves,
/// then the longest list), so that a province's chart stays readable and
/// its page small.
#[derive(Serialize, Debug)]
pub struct Chart {
    /// How many towns the scope has.
    pub of: u64,
    /// `true` when `towns` is a selection (more towns than a chart shows).
    pub selected: bool,
    pub towns: Vec<TownChart>,
}

/// The most towns a chart draws.
pub const CHART_TOWNS: usize = 30;

/// `GET /api/v1/dashboard`.
#[derive(Serialize, Debug)]
pub struct Dashboard {
    pub year: i32,
    /// 全市 or the town's name.
    pub scope: String,
    pub totals: Totals,
    /// Every town of the scope, in code order.
    pub towns: Vec<TownChart>,
    /// What the page's charts draw.
    pub chart: Chart,
    /// What needs action, in Chinese, each with the page where it is
    /// done (the API gives the sentences only).
    pub warnings: Vec<Warning>,
}

/// A dashboard warning: its sentence and the page where it is handled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    pub text: String,
    pub href: String,
}

impl Serialize for Warning {
    /// As the sentence alone, as `/api/v1/dashboard` has always given it.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

/// What the charts of the page get (`static/dashboard.js`): the chart's
/// towns, not every town.
#[derive(Serialize)]
struct ChartData<'a> {
    year: i32,
    scope: &'a str,
    of: u64,
    selected: bool,
    towns: &'a [TownChart],
}

/// A computed dashboard, its JSON (what `GET /api/v1/dashboard` answers),
/// the charts' JSON the page hands to `dashboard.js`, and the towns in the
/// order of the page's table (those needing action first, most urgent
/// first; then the rest in code order), as indexes into `data.towns`.
#[derive(Debug)]
pub struct Computed {
    pub data: Dashboard,
    pub json: String,
    pub chart_json: String,
    pub table_order: Vec<usize>,
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
    let chart_json = serde_json::to_string(&ChartData {
        year: data.year,
        scope: &data.scope,
        of: data.chart.of,
        selected: data.chart.selected,
        towns: &data.chart.towns,
    })
    .map_err(|e| Failure::Internal(e.to_string()))?;
    let mut table_order: Vec<usize> = (0..data.towns.len()).collect();
    // Stable: equally urgent towns (and all the others) stay in code order.
    table_order.sort_by_key(|&i| {
        let t = &data.towns[i];
        std::cmp::Reverse((t.needs_action(), t.urgency()))
    });
    let d = Arc::new(Computed {
        data,
        json,
        chart_json,
        table_order,
    });
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

// One piece: one pass over a version of the records computing every dashboard figure together.
async fn compute(st: &AppState, user: &User, today: time::Date) -> Result<Dashboard, Failure> {
    let year = today.year();
    let summaries = st.reader(user).town_summaries(year).await?;
    // The year's quotas are decided under 1 January's policy, as the
    // year's lists are (`touyan_office::when`).
    let params = touyan_office::when::year_start(year)
        .and_then(|d| touyan_office::when::params_on(st.policy(), d))
        .ok();
    let tier_counts = st.reader(user).tier_counts(year).await?;
    let mut tiers_of: HashMap<&str, [u64; 3]> = HashMap::new();
    for (town, tier, n) in &tier_counts {
        if let Some(slot) = usize::from(*tier)
            .checked_sub(1)
            .and_then(|i| tiers_of.entry(town.as_str()).or_default().get_mut(i))
        {
            *slot += n;
        }
    }
    let shortfalls = match &params {
        Some(p) => office::reserve_shortfalls(&st.reader(user), year, today, p)
            .await
            .map_err(|e| Failure::Internal(e.to_string()))?,
        None => Vec::new(),
    };
    let short_of: HashMap<&str, &Shortfall> =
        shortfalls.iter().map(|s| (s.town.as_str(), s)).collect();
    let mut warnings = Vec::new();
    let mut totals = Totals::default();
    let towns: Vec<TownChart> = summaries
        .into_iter()
        .map(|s| {
            let quota = params.as_ref().map(|p| office::town_quota(p, s.villages));
            let tiers = tiers_of.get(s.code.as_str()).copied().unwrap_or_default();
            let short = short_of.get(s.code.as_str());
            let t = TownChart {
                quota,
                tiers,
                reserve_villages: short.map_or(0, |x| u64::from(x.villages)),
                reserve_missing: short.map_or(0, |x| u64::from(x.missing)),
                code: s.code,
                name: s.name,
                units: s.units,
                villages: s.villages,
                secretaries: s.secretaries,
                listed: s.listed,
                filed: s.filed,
            };
            // The warnings from the town's own counts (one definition of
            // over the quota and not filed: `TownChart`'s).
            let list = format!("/lists/{year}/{}", t.code);
            if t.over_quota() > 0 {
                warnings.push(Warning {
                    text: format!(
                        "{}：{year} 年名单 {} 人，超过名额 {} 名（第一条）",
                        t.name,
                        t.listed,
                        t.quota.unwrap_or(0)
                    ),
                    href: list.clone(),
                });
            }
            if t.unfiled() > 0 {
                warnings.push(Warning {
                    text: format!("{}：{year} 年名单中有 {} 人尚未备案", t.name, t.unfiled()),
                    href: list,
                });
            }
            totals.towns += 1;
            totals.units += t.units;
            totals.villages += t.villages;
            totals.secretaries += t.secretaries;
            totals.quota += t.quota.unwrap_or(0);
            totals.listed += t.listed;
            totals.filed += t.filed;
            totals.towns_needing_action += u64::from(t.needs_action());
            t
        })
        .collect();
    warnings.extend(shortfalls.iter().map(|s| Warning {
        text: s.warning(),
        href: format!("/reserves?year={year}&town={}", s.town),
    }));
    // Cases a competency evaluation opened, until each is ended (issue 5,
    // item 5): counted per town, no names (every role sees the dashboard).
    // A town role without a (valid) town has no desk and sees none.
    if let Ok(desk) = st.desk(user, Action::Dashboard) {
        let store = desk.store();
        let open = store
            .open_cases(desk.town().map(touyan_records::TownCode::as_str))
            .await?;
        let mut per_town: Vec<(&str, usize)> = Vec::new();
        for c in &open {
            match per_town.iter_mut().find(|(t, _)| *t == c.town.as_str()) {
                Some((_, n)) => *n += 1,
                None => per_town.push((c.town.as_str(), 1)),
            }
        }
        per_town.sort();
        for (town, n) in per_town {
            let name = towns
                .iter()
                .find(|t| t.code == town)
                .map_or(town, |t| t.name.as_str());
            warnings.push(Warning {
                text: format!("{name}：胜任度评价开启的约谈或退出事项 {n} 项待办理（第十二条）"),
                href: "/todo".to_owned(),
            });
        }
        // Daily management reminders (the inferred Chapter 2), per town.
        let scope = desk.town().map(touyan_records::TownCode::as_str);
        for (town, n) in crate::daily::reminder_counts(st, store, scope, today).await? {
            let name = towns
                .iter()
                .find(|t| t.code == town)
                .map_or(town.as_str(), |t| t.name.as_str());
            warnings.push(Warning {
                text: format!("{name}：日常管理提醒 {n} 项（第二章，推定）"),
                href: format!("/daily?town={town}"),
            });
        }
    }
    let chart = if towns.len() <= CHART_TOWNS {
        Chart {
            of: totals.towns,
            selected: false,
            towns: towns.clone(),
        }
    } else {
        let mut most: Vec<&TownChart> = towns.iter().collect();
        most.sort_by_key(|t| std::cmp::Reverse((t.urgency(), t.listed)));
        most.truncate(CHART_TOWNS);
        // Drawn in code order, as a town scope's are.
        most.sort_by(|a, b| a.code.cmp(&b.code));
        Chart {
            of: totals.towns,
            selected: true,
            towns: most.into_iter().cloned().collect(),
        }
    };
    let scope = match user.town_scope() {
        Some(_) => towns
            .first()
            .map_or_else(|| "本镇街".to_owned(), |t| t.name.clone()),
        None => "全市".to_owned(),
    };
    Ok(Dashboard {
        year,
        scope,
        totals,
        towns,
        chart,
        warnings,
    })
}

/// `GET /api/v1/dashboard`.
pub async fn api(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let user = match st.user(&headers).await {
        Ok(Some(u)) if u.may(Action::Dashboard) => u,
        Ok(Some(_)) => return crate::api::error(StatusCode::FORBIDDEN, "您的角色无权进行此操作"),
        Ok(None) => {
            return crate::api::error(StatusCode::UNAUTHORIZED, "未登录或会话已过期，请先登录");
        }
        Err(f) => return crate::api::internal(f),
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
        Err(f) => crate::api::internal(f),
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

/// `GET /static/busy.js`: long forms say they are working.
pub async fn busy_js() -> Response {
    script(BUSY_JS.as_bytes(), "public, max-age=3600")
}

/// The session-expiry warning of every signed-in page.
pub async fn session_js() -> Response {
    script(SESSION_JS.as_bytes(), "public, max-age=3600")
}

/// `GET /static/fields.js`: a date picker beside each date field, a
/// search box above each long list of people, every length limit stated
/// before typing (issue 18, item 5).
pub async fn fields_js() -> Response {
    script(FIELDS_JS.as_bytes(), "public, max-age=3600")
}
