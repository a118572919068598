//! The dashboard's charts and warnings: `GET /api/v1/dashboard` (the data,
//! scoped to the user's town like every read), `static/dashboard.js` (draws
//! it with ECharts' SVG renderer; no inline script, the CSP allows only our
//! own files) and the vendored ECharts itself.
//!
//! Every figure is the rules crate's: quotas by Article 1
//! (`art01_inclusion::quota`), reserve shortfalls by Article 9 and training
//! shortfalls by Article 6 through the report builders of `touyan-excel`.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use touyan_excel::reports;
use touyan_records::TownCode;
use touyan_records::model::{
    Attendance, Exit, ListEntry, Person, Post, Records, Reserve, Town, TrainingSession, Village,
};
use touyan_rules::{Params, art01_inclusion};
use touyan_storage::Store;

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

/// The dashboard data of `user`'s scope for the current year.
pub async fn data(st: &AppState, user: &User) -> Result<Dashboard, Failure> {
    let today = st.today();
    let year = today.year();
    let summaries = st.reader(user).town_summaries(year).await?;
    let params = st.policy().resolve(today).ok();
    let Some(store) = st.unscoped_for(user, Action::Dashboard) else {
        return Err(Failure::Internal("无权查看".into()));
    };
    let entries: Vec<ListEntry> = store
        .list::<ListEntry>()
        .await?
        .into_iter()
        .filter(|e| e.year == year)
        .collect();
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
            let mut tiers = [0u64; 3];
            for e in entries.iter().filter(|e| e.town.as_str() == s.code) {
                if let Some(n) = usize::from(e.tier)
                    .checked_sub(1)
                    .and_then(|i| tiers.get_mut(i))
                {
                    *n += 1;
                }
            }
            TownChart {
                code: s.code,
                name: s.name,
                quota,
                listed: s.listed,
                filed: s.filed,
                tiers,
            }
        })
        .collect();
    if let Some(p) = &params {
        warnings.extend(action_warnings(store, user, year, today, p).await?);
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
/// secretary reserves (Article 9) and listed secretaries not yet meeting
/// this year's training minimums (Article 6), per town of the user's
/// scope. A builder that refuses (no filed list yet) gives no warning.
pub async fn action_warnings(
    store: &Store,
    user: &User,
    year: i32,
    today: time::Date,
    p: &Params,
) -> Result<Vec<String>, Failure> {
    let town = match user.town_scope() {
        Some(t) => match TownCode::parse(&t) {
            Ok(c) => Some(c),
            Err(_) => return Ok(Vec::new()),
        },
        None => None,
    };
    let r = Records {
        towns: store.list::<Town>().await?,
        villages: store.list::<Village>().await?,
        people: store.list::<Person>().await?,
        list_entries: store.list::<ListEntry>().await?,
        exits: store.list::<Exit>().await?,
        reserves: store.list::<Reserve>().await?,
        posts: store.list::<Post>().await?,
        training_sessions: store.list::<TrainingSession>().await?,
        attendance: store.list::<Attendance>().await?,
        ..Records::default()
    };
    let mut out = Vec::new();
    // Town order: by code, as the table.
    let mut short: std::collections::BTreeMap<(String, String), (u32, u32)> = Default::default();
    if let Ok(x) = reports::reserves(&r, p, year, today, town) {
        for row in x.rows.iter().filter(|r| r.shortfall > 0) {
            let e = short
                .entry((row.who.town.as_str().to_owned(), row.who.town_name.clone()))
                .or_default();
            e.0 += 1;
            e.1 += row.shortfall;
        }
    }
    for ((_, name), (villages, missing)) in short {
        out.push(format!(
            "{name}：{villages} 个专业化管理村的书记后备力量不足，共缺 {missing} 名（第九条）"
        ));
    }
    let mut untrained: std::collections::BTreeMap<(String, String), u32> = Default::default();
    if let Ok(x) = reports::training(&r, p, year, town) {
        for row in x.rows.iter().filter(|r| !r.compliant) {
            *untrained
                .entry((row.who.town.as_str().to_owned(), row.who.town_name.clone()))
                .or_default() += 1;
        }
    }
    for ((_, name), n) in untrained {
        out.push(format!(
            "{name}：名单内 {n} 名书记截至今日尚未达到 {year} 年培训要求（第六条）"
        ));
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
        Ok(d) => axum::Json(d).into_response(),
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
