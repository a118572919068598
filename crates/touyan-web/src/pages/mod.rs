//! The pages: server-rendered, Chinese, one stylesheet; the one script is
//! the dashboard's charts (`charts.rs`, no inline script).
//! ID numbers are masked on every page (`touyan_records::Mask`).
//!
//! This module holds what every page shares: the chrome around a page
//! (title, user bar, menu), rendering and the answers every page may give
//! (message, not found, refused, sign-in first), the pager of the list
//! pages, small formatting helpers and the stylesheet. The pages are its
//! submodules, their handlers and types re-exported here (so routes and
//! other modules name them `pages::X`):
//!
//! - `sign_in.rs`: sign-in, the first administrator's setup, sign-out.
//! - `dashboard.rs`: the dashboard's totals, warnings and town table.
//! - `villages.rs`: the villages list (with the town filter).
//! - `people.rs`: the people list (and the audited whole-ID search).
//! - `village.rs`: one village's file, and the form recording and
//!   correcting its yearly facts (村年度情况) as the workbook's sheet does.
//! - `files.rs`: the one-person file.
//! - `conditions.rs`: the person's answers to the conditions the city's
//!   policy adds, and the town's form recording them.
//! - `pay_parts.rs`: the person's whole pay by part and channel
//!   (Article 13), and the town's form recording the parts set by
//!   higher-level rules; the whole-pay table the pay page shows too.
//! - `policy.rs`: the policy parameters in force on a day.
//! - `audit.rs`: the audit trail.

mod audit;
mod conditions;
pub(crate) mod corrections;
mod dashboard;
mod files;
mod one_card;
mod pay_parts;
mod people;
mod policy;
mod sign_in;
pub(crate) mod todo;
mod village;
mod villages;

pub use audit::{AuditLine, AuditQuery, audit};
pub use conditions::{ConditionsForm, FormLine, record as record_conditions};
pub use dashboard::{DashboardQuery, TownLine, WARNINGS_SHOWN, dashboard};
pub use files::{Section, person, person_sections};
pub use one_card::{OneCardForm, record as record_one_card};
pub use pay_parts::{
    PartInput, PayPartsForm, WholeRow, WholeView, record as record_pay_parts, whole_view,
};
pub(crate) use people::whole_id_search;
pub use people::{PersonLine, people, role_zh};
pub use policy::{PolicyLine, PolicyQuery, policy};
pub use sign_in::{
    CsrfForm, LoginForm, LoginQuery, SetupForm, expired_notice, extend_session, login, login_form,
    logout, setup, setup_form,
};
pub use todo::{BulkForm, DoneLine, TodoLine, bulk as todo_bulk, show as todo};
pub use village::{
    FieldView, VillageQuery, YearForm, YearLine, record_year as record_village_year, village,
};
pub use villages::{TOWN_SELECT_MAX, VillageLine, committee_zh, villages};

pub use crate::masking::{mask_ids, masked};
use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use crate::roles::Action;
use crate::state::{Failure, User};

/// Rows a list page shows.
pub const PER_PAGE: u32 = 50;

/// How a button looks (issue 18, item 3; the classes are in
/// `static/app.css`): the main step forward (保存, 报送, 备案, 批准), a
/// step that turns a record back or ends something (退回, 退出, 作废),
/// or anything else (查看, 打印, 导出). An irreversible step also asks
/// first: its `data-confirm` names what will happen and to whom.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Look {
    Primary,
    Secondary,
    Danger,
}

impl std::fmt::Display for Look {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Look::Primary => "primary",
            Look::Secondary => "secondary",
            Look::Danger => "danger",
        })
    }
}

/// What every page has around its content.
pub struct Chrome {
    pub title: String,
    pub user: Option<UserBar>,
    pub nav: Vec<NavItem>,
    pub csrf: String,
    /// Seconds a session may stay unused (0 signed out): the page warns
    /// before then (`static/session.js`).
    pub idle: i64,
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
    ("/todo", "待办", Action::Dashboard),
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
            idle: user.map_or(0, |u| u.idle_seconds),
        }
    }
}

pub(crate) fn render(t: &impl Template, status: StatusCode) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => crate::http::PageError::Internal(format!("页面生成失败：{e}")).into_response(),
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

/// An internal error: logged under a request id, shown with the id only
/// ([`PageError::Internal`](crate::http::PageError::Internal)).
pub(crate) fn internal(f: Failure) -> Response {
    crate::http::PageError::from(f).into_response()
}

pub(crate) fn forbidden() -> Response {
    message_page(
        StatusCode::FORBIDDEN,
        "无权访问",
        "您的角色无权访问此页面。",
    )
}

/// The answer to a form without the session's CSRF token.
/// (Marked, so that the keep layer can give a signed-in user's form
/// back: a page left open across a new sign-in carries the old token.)
pub fn csrf_refused() -> Response {
    let mut res = message_page(
        StatusCode::FORBIDDEN,
        "请求被拒绝",
        "表单已失效或来源不明（CSRF 校验未通过），请刷新页面后重试。",
    );
    res.extensions_mut().insert(crate::http::keep::CsrfRefused);
    res
}

// ---------------------------------------------------------------------------
// What the list pages share: the query, the pager

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

/// The page asked in a query (`page=abc`, `page=0` or none: the first).
pub(crate) fn page_number(p: &Option<String>) -> u32 {
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
        Self::sized(path, query, "page", page, total, PER_PAGE)
    }

    /// Links to the neighbouring pages of `path?query&param=N`, at
    /// `per_page` rows a page (a page with two tables pages each by a
    /// parameter of its own).
    pub(crate) fn sized(
        path: &str,
        query: &[(&str, &str)],
        param: &str,
        page: u32,
        total: u64,
        per_page: u32,
    ) -> Pager {
        let pages = Self::count(total, per_page);
        let link = |n: u64| {
            let mut s = format!("{path}?");
            for (k, v) in query.iter().filter(|(_, v)| !v.is_empty()) {
                s.push_str(&format!("{k}={}&", enc(v)));
            }
            s.push_str(&format!("{param}={n}"));
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

    /// How many pages `total` rows take at `per_page` a page (one for none).
    fn count(total: u64, per_page: u32) -> u64 {
        total.div_ceil(u64::from(per_page.max(1))).max(1)
    }

    /// The page shown when `asked` is asked of `total` rows at `per_page`
    /// a page: a page past the last is the last (a link kept while rows
    /// went away still shows rows), and never below the first.
    pub(crate) fn within(asked: u32, total: u64, per_page: u32) -> u32 {
        let last = u32::try_from(Self::count(total, per_page)).unwrap_or(u32::MAX);
        asked.clamp(1, last)
    }
}

// ---------------------------------------------------------------------------
// Formatting

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(ToString::to_string).unwrap_or_default()
}

/// Last year's assessment rank; a village not ranked says so (未排名)
/// rather than showing a blank or a made-up place.
fn rank(r: Option<u32>) -> String {
    r.map_or_else(|| "未排名".to_owned(), |k| k.to_string())
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

pub async fn stylesheet() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../../static/app.css"),
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
        let p = Pager::sized("/q", &[("page", "2")], "dpage", 2, 67, 50);
        assert_eq!(p.prev.as_deref(), Some("/q?page=2&dpage=1"));
        assert_eq!((p.pages, p.next), (2, None));
    }

    #[test]
    fn a_page_past_the_last_is_the_last() {
        assert_eq!(Pager::within(999, 159, 50), 4);
        assert_eq!(Pager::within(4, 159, 50), 4);
        assert_eq!(Pager::within(0, 159, 50), 1);
        assert_eq!(Pager::within(3, 0, 50), 1, "no rows: the first");
        assert_eq!(Pager::within(u32::MAX, 100, 50), 2);
    }

    #[test]
    fn an_unranked_village_shows_as_unranked() {
        assert_eq!(rank(None), "未排名");
        assert_eq!(rank(Some(3)), "3");
    }
}
