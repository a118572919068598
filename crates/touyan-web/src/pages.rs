//! The pages: server-rendered, Chinese, one stylesheet; the one script is
//! the dashboard's charts (`charts.rs`, no inline script).
//! ID numbers are masked on every page (`touyan_records::Mask`).

pub use crate::masking::{mask_ids, masked};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use touyan_records::model::Labelled;
use touyan_rules::decision::article_zh;
use touyan_storage::{AuditFilter, Page, PeopleFilter, PersonFile, VillageFilter};

use crate::guard::{clear_cookie, csrf_ok, see_other, session_cookie};
use crate::roles::Action;
use crate::state::{AppState, Failure, User, china_time, client_addr};

/// Rows a list page shows.
pub const PER_PAGE: u32 = 50;

/// What every page has around its content.
pub struct Chrome {
    pub title: String,
    pub user: Option<UserBar>,
    pub nav: Vec<NavItem>,
    pub csrf: String,
}

pub struct UserBar {
    pub name: String,
    pub role: &'static str,
    pub town: Option<String>,
}

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub active: bool,
}

/// The menu: each entry shown only to roles allowed its action.
const MENU: &[(&str, &str, Action)] = &[
    ("/", "首页", Action::Dashboard),
    ("/villages", "村级单位", Action::Villages),
    ("/people", "人员", Action::People),
    ("/lists", "年度名单", Action::Lists),
    ("/plans", "年度计划", Action::Plans),
    ("/training", "培训", Action::Training),
    ("/qualifications", "资格与学历", Action::Qualifications),
    ("/reserves", "后备与挂职", Action::Reserves),
    ("/young", "优才计划", Action::Young),
    ("/exits", "退出管理", Action::Exits),
    ("/daily", "日常管理", Action::Daily),
    ("/whatif", "模拟测算", Action::WhatIf),
    ("/evaluations", "胜任度评价", Action::Evaluations),
    ("/pay", "补贴发放", Action::Pay),
    ("/policy", "政策参数", Action::Policy),
    ("/audit", "操作日志", Action::Audit),
    ("/import", "导入", Action::Import),
    ("/exports", "导出", Action::Export),
];

impl Chrome {
    pub(crate) fn new(title: &str, user: Option<&User>, here: &str) -> Chrome {
        Chrome {
            title: title.to_owned(),
            user: user.map(|u| UserBar {
                name: u.display_name.clone(),
                role: u.role.label(),
                town: u.town.clone(),
            }),
            nav: user
                .map(|u| {
                    MENU.iter()
                        .filter(|(_, _, a)| u.may(*a))
                        .map(|(href, label, _)| NavItem {
                            href,
                            label,
                            active: *href == here,
                        })
                        .collect()
                })
                .unwrap_or_default(),
            csrf: user.map(|u| u.csrf.clone()).unwrap_or_default(),
        }
    }
}

pub(crate) fn render(t: &impl Template, status: StatusCode) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("页面生成失败：{e}"),
        )
            .into_response(),
    }
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    chrome: Chrome,
    message: String,
}

/// A page that only says something (errors, refusals).
pub fn message_page(status: StatusCode, title: &str, message: &str) -> Response {
    render(
        &MessagePage {
            chrome: Chrome::new(title, None, ""),
            message: message.to_owned(),
        },
        status,
    )
}

/// What a record outside the user's scope and a missing record both get.
pub fn not_found_page() -> Response {
    message_page(
        StatusCode::NOT_FOUND,
        "未找到",
        "没有找到该页面或记录，或者它不在您的管理范围内。",
    )
}

pub async fn not_found() -> Response {
    not_found_page()
}

pub(crate) fn internal(f: Failure) -> Response {
    let Failure::Internal(m) = f;
    message_page(StatusCode::INTERNAL_SERVER_ERROR, "系统错误", &m)
}

pub(crate) fn forbidden() -> Response {
    message_page(
        StatusCode::FORBIDDEN,
        "无权访问",
        "您的角色无权访问此页面。",
    )
}

/// The signed-in user allowed `action`, or the answer to give instead: to
/// the setup form while there is no account, to sign-in when signed out,
/// 403 when the role may not.
pub(crate) async fn signed_in(
    st: &AppState,
    headers: &HeaderMap,
    action: Action,
) -> Result<User, Response> {
    match st.user(headers).await.map_err(internal)? {
        Some(u) if u.may(action) => Ok(u),
        Some(_) => Err(forbidden()),
        None => {
            if st.needs_setup().await.map_err(internal)? {
                Err(see_other("/setup"))
            } else {
                Err(see_other("/login"))
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Sign-in, setup, sign-out

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    error: Option<String>,
    username: String,
}

pub async fn login_form(State(st): State<AppState>, headers: HeaderMap) -> Response {
    if let Ok(Some(_)) = st.user(&headers).await {
        return see_other("/");
    }
    match st.needs_setup().await {
        Ok(true) => return see_other("/setup"),
        Ok(false) => {}
        Err(f) => return internal(f),
    }
    render(
        &LoginPage {
            chrome: Chrome::new("登录", None, ""),
            error: None,
            username: String::new(),
        },
        StatusCode::OK,
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

pub async fn login(State(st): State<AppState>, parts: Parts, Form(f): Form<LoginForm>) -> Response {
    let origin = client_addr(&parts);
    match st.sign_in(&f.username, &f.password, &origin).await {
        Ok((token, _)) => {
            let mut res = see_other("/");
            if let Ok(v) = session_cookie(&token, st.config().secure_cookies).parse() {
                res.headers_mut().insert(header::SET_COOKIE, v);
            }
            res
        }
        Err(e) => {
            let page = render(
                &LoginPage {
                    chrome: Chrome::new("登录", None, ""),
                    error: Some(e.message()),
                    username: f.username.chars().take(64).collect(),
                },
                e.status(),
            );
            crate::api::with_retry_after(page, &e)
        }
    }
}

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage {
    chrome: Chrome,
    error: Option<String>,
    username: String,
    display_name: String,
}

pub async fn setup_form(State(st): State<AppState>) -> Response {
    match st.needs_setup().await {
        Ok(true) => render(
            &SetupPage {
                chrome: Chrome::new("初始化：建立管理员账户", None, ""),
                error: None,
                username: String::new(),
                display_name: String::new(),
            },
            StatusCode::OK,
        ),
        Ok(false) => see_other("/login"),
        Err(f) => internal(f),
    }
}

#[derive(Deserialize)]
pub struct SetupForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

pub async fn setup(State(st): State<AppState>, parts: Parts, Form(f): Form<SetupForm>) -> Response {
    match st.needs_setup().await {
        Ok(true) => {}
        Ok(false) => {
            return message_page(
                StatusCode::FORBIDDEN,
                "请求被拒绝",
                "系统已有账户，不能再次初始化。",
            );
        }
        Err(e) => return internal(e),
    }
    let result = if f.password != f.confirm {
        Err("两次输入的密码不一致".to_owned())
    } else {
        st.set_up(
            &f.username,
            &f.display_name,
            &f.password,
            &client_addr(&parts),
        )
        .await
    };
    match result {
        Ok(()) => see_other("/login"),
        Err(m) if m == crate::throttle::BUSY => {
            message_page(StatusCode::SERVICE_UNAVAILABLE, "系统繁忙", &m)
        }
        Err(m) => render(
            &SetupPage {
                chrome: Chrome::new("初始化：建立管理员账户", None, ""),
                error: Some(m),
                username: f.username.chars().take(64).collect(),
                display_name: f.display_name.chars().take(50).collect(),
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: Option<String>,
}

pub async fn logout(State(st): State<AppState>, parts: Parts, Form(f): Form<CsrfForm>) -> Response {
    let user = match st.user(&parts.headers).await {
        Ok(Some(u)) => u,
        Ok(None) => return see_other("/login"),
        Err(e) => return internal(e),
    };
    if !csrf_ok(&user, f.csrf.as_deref()) {
        return csrf_refused();
    }
    if let Err(e) = st.sign_out(&user, &client_addr(&parts)).await {
        return internal(e);
    }
    let mut res = see_other("/login");
    if let Ok(v) = clear_cookie(st.config().secure_cookies).parse() {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}

/// The answer to a form without the session's CSRF token.
pub fn csrf_refused() -> Response {
    message_page(
        StatusCode::FORBIDDEN,
        "请求被拒绝",
        "表单已失效或来源不明（CSRF 校验未通过），请刷新页面后重试。",
    )
}

// ---------------------------------------------------------------------------
// Dashboard

/// A row of the dashboard's town table.
pub struct TownLine<'a> {
    pub t: &'a crate::charts::TownChart,
    pub quota: u64,
    pub over: bool,
    /// What needs action, in short ("" when nothing).
    pub need: String,
}

/// Warnings the dashboard lists before "另有 N 条" (a province has more
/// than a thousand; every town's are in the table's 需要处理 column).
pub const WARNINGS_SHOWN: usize = 20;

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage<'a> {
    chrome: Chrome,
    scope: &'a str,
    year: i32,
    total: &'a crate::charts::Totals,
    /// Whether the table has a search (more than one town).
    many: bool,
    q: String,
    need: bool,
    /// Towns matching the search, and this page of them.
    matching: u64,
    towns: Vec<TownLine<'a>>,
    pager: Pager,
    warnings: &'a [String],
    more_warnings: usize,
    policy_warning: Option<String>,
    /// The charts' data (`dashboard.js`), the chart's towns only.
    chart_json: &'a str,
}

/// Query parameters of the dashboard's town table.
#[derive(Deserialize, Default)]
pub struct DashboardQuery {
    /// Part of a town's name or code.
    q: Option<String>,
    /// Only towns that need action.
    need: Option<String>,
    page: Option<String>,
}

/// Whether a town matches the table's search: part of its name or code.
fn town_matches(t: &crate::charts::TownChart, q: &str) -> bool {
    q.is_empty() || t.name.contains(q) || t.code.contains(q)
}

/// The 需要处理 cell of a town.
fn town_need(t: &crate::charts::TownChart) -> String {
    let mut parts = Vec::new();
    if t.over_quota() > 0 {
        parts.push(format!("超额 {} 名", t.over_quota()));
    }
    if t.unfiled() > 0 {
        parts.push(format!("{} 人未备案", t.unfiled()));
    }
    if t.reserve_missing > 0 {
        parts.push(format!(
            "{} 村缺后备 {} 名",
            t.reserve_villages, t.reserve_missing
        ));
    }
    parts.join("；")
}

/// The dashboard: the scope's totals, the first warnings, the towns
/// (those needing action first) a page at a time with a search, and the
/// charts (at most `charts::CHART_TOWNS` towns).
pub async fn dashboard(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(dq): Query<DashboardQuery>,
) -> Response {
    let user = match signed_in(&st, &headers, Action::Dashboard).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let policy_warning = st
        .policy()
        .resolve(st.today())
        .err()
        .map(|e| format!("政策参数不全，无法计算名额：{e}"));
    let computed = match crate::charts::data(&st, &user).await {
        Ok(d) => d,
        Err(e) => return internal(e),
    };
    let data = &computed.data;
    let q =
        dq.q.as_deref()
            .map(str::trim)
            .unwrap_or_default()
            .to_owned();
    let need = dq.need.as_deref().is_some_and(|s| !s.is_empty());
    let page = page_number(&dq.page);
    let per_page = PER_PAGE as usize;
    let skip = (page as usize - 1).saturating_mul(per_page);
    let mut matching = 0u64;
    let mut towns = Vec::new();
    for t in computed
        .table_order
        .iter()
        .filter_map(|&i| data.towns.get(i))
        .filter(|t| (!need || t.needs_action()) && town_matches(t, &q))
    {
        let n = matching as usize;
        matching += 1;
        if n < skip || n >= skip + per_page {
            continue;
        }
        towns.push(TownLine {
            t,
            quota: t.quota.unwrap_or(0),
            over: t.over_quota() > 0,
            need: town_need(t),
        });
    }
    let need_flag = if need { "1" } else { "" };
    let pager = Pager::new("/", &[("q", &q), ("need", need_flag)], page, matching);
    let shown = data.warnings.len().min(WARNINGS_SHOWN);
    render(
        &DashboardPage {
            chrome: Chrome::new("首页", Some(&user), "/"),
            scope: &data.scope,
            year: data.year,
            total: &data.totals,
            many: data.towns.len() > 1,
            q,
            need,
            matching,
            towns,
            pager,
            warnings: &data.warnings[..shown],
            more_warnings: data.warnings.len() - shown,
            policy_warning,
            chart_json: &computed.chart_json,
        },
        StatusCode::OK,
    )
}

// ---------------------------------------------------------------------------
// Lists

/// Query parameters of the list pages (all text: a bad number is ignored,
/// not an error page).
#[derive(Deserialize, Default)]
pub struct ListQuery {
    q: Option<String>,
    town: Option<String>,
    committee: Option<String>,
    secretaries: Option<String>,
    page: Option<String>,
}

fn page_number(p: &Option<String>) -> u32 {
    p.as_deref()
        .and_then(|p| p.trim().parse().ok())
        .unwrap_or(1)
        .max(1)
}

/// Percent-encodes a query value.
fn enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub struct Pager {
    pub page: u32,
    pub pages: u64,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    /// Links to the neighbouring pages of `path?query&page=N`.
    fn new(path: &str, query: &[(&str, &str)], page: u32, total: u64) -> Pager {
        let pages = total.div_ceil(u64::from(PER_PAGE)).max(1);
        let link = |n: u64| {
            let mut s = format!("{path}?");
            for (k, v) in query.iter().filter(|(_, v)| !v.is_empty()) {
                s.push_str(&format!("{k}={}&", enc(v)));
            }
            s.push_str(&format!("page={n}"));
            s
        };
        let page64 = u64::from(page);
        Pager {
            page,
            pages,
            prev: (page64 > 1).then(|| link(page64 - 1)),
            next: (page64 < pages).then(|| link(page64 + 1)),
        }
    }
}

pub struct VillageLine {
    pub code: String,
    pub name: String,
    pub town: String,
    pub kind: &'static str,
    pub secretary: String,
}

#[derive(Template)]
#[template(path = "villages.html")]
struct VillagesPage<'a> {
    chrome: Chrome,
    q: String,
    town: String,
    committee: String,
    /// The town drop-down's towns (scopes of at most
    /// [`TOWN_SELECT_MAX`] towns; empty otherwise).
    towns: &'a [(String, String)],
    /// A text box for the town instead of the drop-down (more towns than
    /// [`TOWN_SELECT_MAX`]).
    town_text: bool,
    /// The towns the typed town could be (its text matches several, or
    /// none), instead of rows.
    town_choices: Vec<(String, String)>,
    town_note: Option<String>,
    kinds: Vec<(&'static str, &'static str)>,
    total: u64,
    rows: Vec<VillageLine>,
    pager: Pager,
}

/// The most towns a town filter offers as a drop-down; a scope with more
/// (a province has thousands) gets a text box for a town's code or name.
pub const TOWN_SELECT_MAX: usize = 60;

/// The most matching towns offered when a typed town is ambiguous.
const TOWN_CHOICES: usize = 20;

/// What a typed town filter names among `towns` (code, name).
enum TownPick<'a> {
    /// No filter.
    All,
    /// One town: its code.
    One(&'a str),
    /// Several towns match (the first [`TOWN_CHOICES`], and how many).
    Several(Vec<&'a (String, String)>, usize),
    /// No town matches.
    Nothing,
}

/// Resolves a typed town: a town's code exactly, else its name exactly,
/// else part of its name or code (one match: that town).
fn pick_town<'a>(towns: &'a [(String, String)], text: &str) -> TownPick<'a> {
    let text = text.trim();
    if text.is_empty() {
        return TownPick::All;
    }
    if let Some((code, _)) = towns.iter().find(|(c, _)| c == text) {
        return TownPick::One(code);
    }
    let mut found: Vec<&(String, String)> = towns.iter().filter(|(_, n)| n == text).collect();
    if found.is_empty() {
        found = towns
            .iter()
            .filter(|(c, n)| n.contains(text) || c.contains(text))
            .collect();
    }
    match found.len() {
        0 => TownPick::Nothing,
        1 => TownPick::One(&found[0].0),
        n => {
            found.truncate(TOWN_CHOICES);
            TownPick::Several(found, n)
        }
    }
}

/// A committee kind's Chinese name from its stored code.
pub fn committee_zh(code: &str) -> &'static str {
    COMMITTEES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("未识别", |(_, z)| z)
}

const COMMITTEES: [(&str, &str); 4] = [
    ("villagers", "村民委员会"),
    ("residents", "居民委员会"),
    ("statistical", "统计单位"),
    ("unknown", "未识别"),
];

pub async fn villages(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Response {
    let user = match signed_in(&st, &headers, Action::Villages).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let reader = st.reader(&user);
    let page = page_number(&q.page);
    let towns = match reader.towns_shared().await {
        Ok(t) => t,
        Err(e) => return internal(e.into()),
    };
    let (qs, town, committee) = (
        q.q.unwrap_or_default(),
        q.town.unwrap_or_default(),
        q.committee.unwrap_or_default(),
    );
    let town_text = towns.len() > TOWN_SELECT_MAX;
    let (mut town_note, mut town_choices) = (None, Vec::new());
    let town_code = match pick_town(&towns, &town) {
        TownPick::All => None,
        TownPick::One(code) => Some(code.to_owned()),
        // A code outside the scope (or no town at all): no rows (shown
        // without asking the database).
        TownPick::Nothing => {
            town_note = Some(format!("范围内没有名称或代码为“{}”的镇街区。", town.trim()));
            None
        }
        TownPick::Several(found, n) => {
            town_note = Some(if n > found.len() {
                format!(
                    "有 {n} 个镇街区与“{}”相符，以下为前 {} 个，请选择或输入更完整的名称或代码：",
                    town.trim(),
                    found.len()
                )
            } else {
                format!("有 {n} 个镇街区与“{}”相符，请选择：", town.trim())
            });
            town_choices = found
                .into_iter()
                .map(|(code, name)| {
                    let mut href = format!("/villages?town={}", enc(code));
                    for (k, v) in [("q", &qs), ("committee", &committee)] {
                        if !v.is_empty() {
                            href.push_str(&format!("&{k}={}", enc(v)));
                        }
                    }
                    (href, format!("{name}（{code}）"))
                })
                .collect();
            None
        }
    };
    let found = if town_note.is_none() {
        let filter = VillageFilter {
            q: Some(qs.clone()),
            town: town_code,
            committee: Some(committee.clone()),
        };
        match reader.villages(&filter, Page::new(page, PER_PAGE)).await {
            Ok(f) => f,
            Err(e) => return internal(e.into()),
        }
    } else {
        touyan_storage::Paged {
            items: Vec::new(),
            total: 0,
        }
    };
    let pager = Pager::new(
        "/villages",
        &[("q", &qs), ("town", &town), ("committee", &committee)],
        page,
        found.total,
    );
    render(
        &VillagesPage {
            chrome: Chrome::new("村级单位", Some(&user), "/villages"),
            towns: if town_text { &[] } else { &towns },
            town_text,
            town_choices,
            town_note,
            kinds: COMMITTEES.to_vec(),
            total: found.total,
            rows: found
                .items
                .into_iter()
                .map(|v| VillageLine {
                    kind: committee_zh(&v.committee),
                    code: v.code,
                    name: v.name,
                    town: v.town_name,
                    secretary: v.secretary.unwrap_or_default(),
                })
                .collect(),
            pager,
            q: qs,
            town,
            committee,
        },
        StatusCode::OK,
    )
}

pub struct PersonLine {
    pub href: String,
    pub name: String,
    pub id: String,
    pub born: String,
    pub sex: &'static str,
    pub education: &'static str,
    pub post: String,
}

#[derive(Template)]
#[template(path = "people.html")]
struct PeoplePage {
    chrome: Chrome,
    q: String,
    secretaries: bool,
    total: u64,
    rows: Vec<PersonLine>,
    pager: Pager,
}

/// A post role's Chinese name from its stored code.
pub fn role_zh(code: &str) -> &'static str {
    touyan_records::model::PostRole::from_label(code).map_or("", |r| r.label())
}

/// A people search by a whole ID number is audited and capped a day
/// (`AppState::id_search`); `Err` is why it is not answered (or ours).
pub(crate) async fn whole_id_search(
    st: &AppState,
    user: &crate::state::User,
    parts: &axum::http::request::Parts,
    q: Option<&str>,
) -> Result<(), Result<String, Failure>> {
    let Some(text) = q.map(str::trim).filter(|t| t.chars().count() == 18) else {
        return Ok(());
    };
    let origin = crate::state::client_addr(parts);
    match st.id_search(user, &origin, &text.to_uppercase()).await {
        Ok(true) => Ok(()),
        Ok(false) => Err(Ok(format!(
            "今日按完整身份证号码查找已达 {} 次（为防止由脱敏号码拼出完整号码），请按姓名查找或明日再试",
            crate::state::ID_SEARCHES_PER_DAY
        ))),
        Err(f) => Err(Err(f)),
    }
}

pub async fn people(
    State(st): State<AppState>,
    parts: axum::http::request::Parts,
    Query(q): Query<ListQuery>,
) -> Response {
    let user = match signed_in(&st, &parts.headers, Action::People).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    match whole_id_search(&st, &user, &parts, q.q.as_deref()).await {
        Ok(()) => {}
        Err(Ok(m)) => return message_page(StatusCode::TOO_MANY_REQUESTS, "查找次数已达上限", &m),
        Err(Err(f)) => return internal(f),
    }
    let page = page_number(&q.page);
    let secretaries = q.secretaries.as_deref().is_some_and(|s| !s.is_empty());
    let filter = PeopleFilter {
        q: q.q.clone(),
        secretaries_only: secretaries,
    };
    let found = match st
        .reader(&user)
        .people(&filter, Page::new(page, PER_PAGE))
        .await
    {
        Ok(f) => f,
        Err(e) => return internal(e.into()),
    };
    let qs = q.q.unwrap_or_default();
    let pager = Pager::new(
        "/people",
        &[
            ("q", &qs),
            ("secretaries", if secretaries { "1" } else { "" }),
        ],
        page,
        found.total,
    );
    render(
        &PeoplePage {
            chrome: Chrome::new("人员", Some(&user), "/people"),
            q: qs,
            secretaries,
            total: found.total,
            rows: found
                .items
                .into_iter()
                .map(|r| PersonLine {
                    href: format!("/people/{}", st.person_ref(&r.person.id)),
                    id: masked(&r.person.id),
                    born: crate::masking::birth_year(&r.person.id),
                    sex: r.person.id.sex().zh(),
                    education: r.person.education.label(),
                    post: r
                        .current_post
                        .map(|(v, role)| format!("{v} {}", role_zh(&role)))
                        .unwrap_or_default(),
                    name: r.person.name,
                })
                .collect(),
            pager,
        },
        StatusCode::OK,
    )
}

// ---------------------------------------------------------------------------
// One village, one person

/// A table of a record page.
pub struct Section {
    pub title: &'static str,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

#[derive(Template)]
#[template(path = "record.html")]
struct RecordPage {
    chrome: Chrome,
    facts: Vec<(&'static str, String)>,
    sections: Vec<Section>,
}

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(ToString::to_string).unwrap_or_default()
}

fn yes_no(b: bool) -> String {
    if b { "是" } else { "否" }.to_owned()
}

/// Fen as yuan with two decimals.
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let a = fen.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

pub async fn village(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Response {
    let user = match signed_in(&st, &headers, Action::Villages).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let file = match st.reader(&user).village(&code).await {
        Ok(Some(f)) => f,
        Ok(None) => return not_found_page(),
        Err(e) => return internal(e.into()),
    };
    let sections = vec![
        Section {
            title: "任职记录",
            headers: vec!["姓名", "职务", "起", "止"],
            rows: file
                .posts
                .iter()
                .map(|(p, name)| {
                    vec![
                        name.clone(),
                        p.role.label().to_owned(),
                        p.start.to_string(),
                        p.end.map_or_else(|| "至今".to_owned(), |d| d.to_string()),
                    ]
                })
                .collect(),
        },
        Section {
            title: "村年度情况",
            headers: vec![
                "年度",
                "星级",
                "集体经济收入（万元）",
                "综合考核得分",
                "名次",
            ],
            rows: file
                .years
                .iter()
                .map(|y| {
                    vec![
                        y.year.to_string(),
                        y.stars.to_string(),
                        y.collective_income_wan.to_string(),
                        opt(&y.assessment_score),
                        opt(&y.assessment_rank),
                    ]
                })
                .collect(),
        },
        Section {
            title: "后备力量",
            headers: vec!["姓名", "岗位", "列入日期", "移出日期"],
            rows: file
                .reserves
                .iter()
                .map(|(r, name)| {
                    vec![
                        name.clone(),
                        r.post.label().to_owned(),
                        r.listed_on.to_string(),
                        opt(&r.removed_on),
                    ]
                })
                .collect(),
        },
        Section {
            title: "年轻干部",
            headers: vec!["姓名", "开始日期", "得分", "备案日期"],
            rows: file
                .young_cadres
                .iter()
                .map(|(y, name)| {
                    vec![
                        name.clone(),
                        y.programme_start.to_string(),
                        y.score.to_string(),
                        opt(&y.filed_on),
                    ]
                })
                .collect(),
        },
        Section {
            title: "专业化管理名单",
            headers: vec!["年度", "姓名", "档次", "状态"],
            rows: file
                .list_entries
                .iter()
                .map(|(e, name)| {
                    vec![
                        e.year.to_string(),
                        name.clone(),
                        e.tier.to_string(),
                        e.status.label().to_owned(),
                    ]
                })
                .collect(),
        },
    ];
    let v = &file.village;
    render(
        &RecordPage {
            chrome: Chrome::new(&v.name, Some(&user), "/villages"),
            facts: vec![
                ("代码", v.code.as_str().to_owned()),
                ("镇街区", file.town_name.clone()),
                ("类别", v.kind.zh().to_owned()),
            ],
            sections,
        },
        StatusCode::OK,
    )
}

pub async fn person(
    State(st): State<AppState>,
    parts: axum::http::request::Parts,
    Path(id): Path<String>,
) -> Response {
    let user = match signed_in(&st, &parts.headers, Action::People).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let Some(id) = st.person_id(&id) else {
        return not_found_page();
    };
    let file = match st.reader(&user).person(id.as_str()).await {
        Ok(Some(f)) => f,
        Ok(None) => return not_found_page(),
        Err(e) => return internal(e.into()),
    };
    let origin = crate::state::client_addr(&parts);
    if let Err(f) = st
        .audit_read(
            &user,
            &origin,
            "people",
            &format!("一人一档 {}", masked(&id)),
        )
        .await
    {
        return internal(f);
    }
    let p = &file.person;
    render(
        &RecordPage {
            chrome: Chrome::new(&format!("一人一档：{}", p.name), Some(&user), "/people"),
            facts: vec![
                ("姓名", p.name.clone()),
                ("身份证号码", masked(&p.id)),
                ("出生年份", crate::masking::birth_year(&p.id)),
                ("性别", p.id.sex().zh().to_owned()),
                ("学历", p.education.label().to_owned()),
                ("全日制学历", yes_no(p.full_time_degree)),
            ],
            sections: person_sections(&file),
        },
        StatusCode::OK,
    )
}

/// The one-person file's tables, in the order of the measures.
pub fn person_sections(f: &PersonFile) -> Vec<Section> {
    let v = |code: &touyan_records::VillageCode| f.village_name(code.as_str()).to_owned();
    vec![
        Section {
            title: "任职履历",
            headers: vec!["村", "职务", "起", "止"],
            rows: f
                .posts
                .iter()
                .map(|p| {
                    vec![
                        v(&p.village),
                        p.role.label().to_owned(),
                        p.start.to_string(),
                        p.end.map_or_else(|| "至今".to_owned(), |d| d.to_string()),
                    ]
                })
                .collect(),
        },
        Section {
            title: "所任职村的年度情况",
            headers: vec![
                "村",
                "年度",
                "星级",
                "集体经济收入（万元）",
                "综合考核得分",
                "名次",
            ],
            rows: f
                .village_years
                .iter()
                .map(|y| {
                    vec![
                        v(&y.village),
                        y.year.to_string(),
                        y.stars.to_string(),
                        y.collective_income_wan.to_string(),
                        opt(&y.assessment_score),
                        opt(&y.assessment_rank),
                    ]
                })
                .collect(),
        },
        Section {
            title: "“三好三强”评价",
            headers: vec!["年度", "是否通过", "说明"],
            rows: f
                .three_good
                .iter()
                .map(|t| vec![t.year.to_string(), yes_no(t.passed), t.note.clone()])
                .collect(),
        },
        Section {
            title: "培训",
            headers: vec![
                "培训班",
                "级别",
                "形式",
                "起止",
                "天数",
                "学习体会",
                "学习效果差",
            ],
            rows: f
                .training
                .iter()
                .map(|(a, s)| {
                    vec![
                        s.title.clone(),
                        s.level.label().to_owned(),
                        s.form.label().to_owned(),
                        format!("{} 至 {}", s.start, s.end),
                        s.days.to_string(),
                        a.reflection_filed_on
                            .map_or_else(|| "未交".to_owned(), |d| format!("{d} 已交")),
                        yes_no(a.poor_result),
                    ]
                })
                .collect(),
        },
        Section {
            title: "任职资格考试",
            headers: vec!["课程", "日期", "是否通过"],
            rows: f
                .exams
                .iter()
                .map(|e| {
                    vec![
                        e.course.label().to_owned(),
                        e.taken_on.to_string(),
                        yes_no(e.passed),
                    ]
                })
                .collect(),
        },
        Section {
            title: "农村干部资格证",
            headers: vec!["证书编号", "发证日期"],
            rows: f
                .certificates
                .iter()
                .map(|c| vec![c.number.clone(), c.issued_on.to_string()])
                .collect(),
        },
        Section {
            title: "挂职",
            headers: vec!["去向", "单位", "起", "止", "鉴定"],
            rows: f
                .secondments
                .iter()
                .map(|s| {
                    vec![
                        s.level.label().to_owned(),
                        s.host_unit.clone(),
                        s.start.to_string(),
                        s.end.to_string(),
                        opt(&s.appraisal),
                    ]
                })
                .collect(),
        },
        Section {
            title: "挂职工作日志",
            headers: vec!["挂职开始", "日期", "内容"],
            rows: f
                .work_logs
                .iter()
                .map(|w| {
                    vec![
                        w.secondment_start.to_string(),
                        w.on.to_string(),
                        w.text.clone(),
                    ]
                })
                .collect(),
        },
        Section {
            title: "胜任度测评",
            headers: vec!["年度", "半年", "测评主体", "胜任", "基本胜任", "不胜任"],
            rows: f
                .ballots
                .iter()
                .map(|b| {
                    vec![
                        b.year.to_string(),
                        if b.half == 1 {
                            "上半年"
                        } else {
                            "下半年"
                        }
                        .to_owned(),
                        b.group.label().to_owned(),
                        b.competent.to_string(),
                        b.basically_competent.to_string(),
                        b.not_competent.to_string(),
                    ]
                })
                .collect(),
        },
        Section {
            title: "约谈",
            headers: vec!["日期", "依据", "原因", "补学完成"],
            rows: f
                .admonitions
                .iter()
                .map(|a| {
                    vec![
                        a.held_on.to_string(),
                        format!("第{}条", article_zh(a.article)),
                        a.reason.clone(),
                        opt(&a.make_up_study_done_on),
                    ]
                })
                .collect(),
        },
        Section {
            title: "后备力量",
            headers: vec!["村", "岗位", "列入日期", "移出日期"],
            rows: f
                .reserves
                .iter()
                .map(|r| {
                    vec![
                        v(&r.village),
                        r.post.label().to_owned(),
                        r.listed_on.to_string(),
                        opt(&r.removed_on),
                    ]
                })
                .collect(),
        },
        Section {
            title: "年轻干部",
            headers: vec!["村", "开始日期", "原月报酬（元）", "得分", "备案日期"],
            rows: f
                .young_cadres
                .iter()
                .map(|y| {
                    vec![
                        v(&y.village),
                        y.programme_start.to_string(),
                        y.current_pay.to_string(),
                        y.score.to_string(),
                        opt(&y.filed_on),
                    ]
                })
                .collect(),
        },
        Section {
            title: "年度目标",
            headers: vec!["年度", "审核", "公示起", "公示止", "备案"],
            rows: f
                .plans
                .iter()
                .map(|p| {
                    vec![
                        p.year.to_string(),
                        opt(&p.reviewed_on),
                        opt(&p.notice_start),
                        opt(&p.notice_end),
                        opt(&p.filed_on),
                    ]
                })
                .collect(),
        },
        Section {
            title: "专业化管理名单与档次",
            headers: vec!["年度", "村", "档次", "状态"],
            rows: f
                .list_entries
                .iter()
                .map(|e| {
                    vec![
                        e.year.to_string(),
                        v(&e.village),
                        e.tier.to_string(),
                        e.status.label().to_owned(),
                    ]
                })
                .collect(),
        },
        Section {
            title: "报酬发放",
            headers: vec!["月份", "项目", "资金来源", "金额（元）"],
            rows: f
                .pay
                .iter()
                .map(|p| {
                    vec![
                        format!("{}-{:02}", p.month.year(), u8::from(p.month.month())),
                        p.kind.label().to_owned(),
                        p.source.label().to_owned(),
                        yuan(p.amount_fen),
                    ]
                })
                .collect(),
        },
        Section {
            title: "退出",
            headers: vec!["日期", "原因", "说明"],
            rows: f
                .exits
                .iter()
                .map(|e| {
                    vec![
                        e.on.to_string(),
                        e.reason.label().to_owned(),
                        e.note.clone(),
                    ]
                })
                .collect(),
        },
    ]
}

// ---------------------------------------------------------------------------
// Policy, audit, stylesheet

pub struct PolicyLine {
    pub article: String,
    pub name: &'static str,
    pub value: String,
    pub unit: String,
    pub since: String,
    pub note: String,
    pub example: bool,
    pub inferred: bool,
}

#[derive(Template)]
#[template(path = "policy.html")]
struct PolicyPage {
    chrome: Chrome,
    date: String,
    id: String,
    title: String,
    examples: usize,
    rows: Vec<PolicyLine>,
}

#[derive(Deserialize)]
pub struct PolicyQuery {
    date: Option<String>,
}

pub async fn policy(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PolicyQuery>,
) -> Response {
    let user = match signed_in(&st, &headers, Action::Policy).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let on = q
        .date
        .as_deref()
        .and_then(|d| touyan_rules::calendar::parse_iso_date(d.trim()))
        .unwrap_or_else(|| st.today());
    let policy = st.policy();
    let rows: Vec<PolicyLine> = policy
        .entries
        .iter()
        .map(|e| {
            let d = e.in_force(on);
            PolicyLine {
                article: format!("第{}条{}", article_zh(e.article), e.clause),
                name: e.spec.name,
                value: d.map_or_else(|| "（该日没有生效值）".to_owned(), |d| opt(&d.value)),
                unit: e.unit.clone(),
                since: d.map(|d| d.since.to_string()).unwrap_or_default(),
                note: e.note.clone(),
                example: d.is_some_and(|d| d.example),
                inferred: e.inferred,
            }
        })
        .collect();
    render(
        &PolicyPage {
            chrome: Chrome::new("政策参数", Some(&user), "/policy"),
            date: on.to_string(),
            id: policy.id.clone(),
            title: policy.title.clone(),
            examples: rows.iter().filter(|r| r.example).count(),
            rows,
        },
        StatusCode::OK,
    )
}

pub struct AuditLine {
    pub at: String,
    pub actor: String,
    pub origin: String,
    pub action: &'static str,
    pub table: String,
    pub key: String,
    pub before: String,
    pub after: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Chrome,
    actor: String,
    table: String,
    from: String,
    to: String,
    error: Option<String>,
    total: u64,
    rows: Vec<AuditLine>,
    pager: Pager,
}

#[derive(Deserialize)]
pub struct AuditQuery {
    actor: Option<String>,
    table: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<String>,
}

fn action_zh(code: &str) -> &'static str {
    match code {
        "insert" => "新增",
        "update" => "修改",
        "delete" => "删除",
        "export" => "导出",
        "read" => "查阅",
        "refused" => "拒绝",
        _ => "其他",
    }
}

pub async fn audit(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<AuditQuery>,
) -> Response {
    let user = match signed_in(&st, &headers, Action::Audit).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let mut error = None;
    let mut date = |s: &Option<String>, label: &str| -> Option<time::Date> {
        let s = s.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
        let d = touyan_rules::calendar::parse_iso_date(s);
        if d.is_none() {
            error = Some(format!(
                "{label} {s} 不是有效日期（应为 YYYY-MM-DD），已忽略"
            ));
        }
        d
    };
    let filter = AuditFilter {
        actor: q.actor.clone(),
        table: q.table.clone(),
        from: date(&q.from, "起始日"),
        to: date(&q.to, "截止日"),
    };
    let page = page_number(&q.page);
    let found = match st.audit(&user, &filter, Page::new(page, PER_PAGE)).await {
        Ok(Some(f)) => f,
        Ok(None) => return forbidden(),
        Err(e) => return internal(e),
    };
    let s = |o: &Option<String>| o.clone().unwrap_or_default();
    let (actor, table, from, to) = (s(&q.actor), s(&q.table), s(&q.from), s(&q.to));
    let pager = Pager::new(
        "/audit",
        &[
            ("actor", &actor),
            ("table", &table),
            ("from", &from),
            ("to", &to),
        ],
        page,
        found.total,
    );
    render(
        &AuditPage {
            chrome: Chrome::new("操作日志", Some(&user), "/audit"),
            error,
            total: found.total,
            rows: found
                .items
                .into_iter()
                .map(|e| AuditLine {
                    at: china_time(e.at),
                    actor: e.actor,
                    origin: e.origin.unwrap_or_else(|| "本机命令行".to_owned()),
                    action: action_zh(&e.action),
                    key: mask_ids(&e.key),
                    before: crate::masking::audit_json(&e.table, &e.before.unwrap_or_default()),
                    after: crate::masking::audit_json(&e.table, &e.after.unwrap_or_default()),
                    table: e.table,
                })
                .collect(),
            pager,
            actor,
            table,
            from,
            to,
        },
        StatusCode::OK,
    )
}

pub async fn stylesheet() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../static/app.css"),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_in_audit_text_are_masked() {
        let t = r#"{"citizen_id":"11010519491231002X","n":"123456789012345678901"}"#;
        assert_eq!(
            mask_ids(t),
            r#"{"citizen_id":"110105********002X","n":"123456789012345678901"}"#
        );
        // 18 digits that are not a valid ID number stay (no check digit).
        assert_eq!(mask_ids("123456789012345678"), "123456789012345678");
        assert_eq!(
            mask_ids("440524188001010014/2024"),
            "440524********0014/2024"
        );
        assert_eq!(mask_ids(""), "");
    }

    #[test]
    fn money_and_encoding() {
        assert_eq!(yuan(123_456), "1234.56");
        assert_eq!(yuan(-5), "-0.05");
        assert_eq!(yuan(0), "0.00");
        assert_eq!(enc("东村 a&b"), "%E4%B8%9C%E6%9D%91%20a%26b");
    }

    #[test]
    fn pager_links_keep_the_filters() {
        let p = Pager::new("/villages", &[("q", "东"), ("town", "")], 2, 120);
        assert_eq!(p.pages, 3);
        assert_eq!(p.prev.as_deref(), Some("/villages?q=%E4%B8%9C&page=1"));
        assert_eq!(p.next.as_deref(), Some("/villages?q=%E4%B8%9C&page=3"));
        let p = Pager::new("/people", &[], 1, 0);
        assert_eq!((p.pages, p.prev, p.next), (1, None, None));
    }
}
