//! The audit trail page: entries by actor, table and dates, ID numbers
//! masked, a page at a time.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use touyan_storage::{AuditFilter, Page};

use super::{Chrome, PER_PAGE, Pager, mask_ids, page_number, render};
use crate::http::{PageError, SignedIn, act};
use crate::state::{AppState, china_time};

pub struct AuditLine {
    pub at: String,
    /// Who: the person's name beside the user name ("张三（town-370783100）").
    pub actor: String,
    /// The entry as a sentence: who did what to which record.
    pub sentence: String,
    pub origin: String,
    pub action: &'static str,
    /// The table's Chinese name, its code for a developer's tooltip.
    pub table: String,
    pub table_code: String,
    pub key: String,
    pub before: String,
    pub after: String,
}

#[derive(Template)]
#[template(path = "pages/audit.html")]
struct AuditPage {
    chrome: Chrome,
    actor: String,
    table: String,
    from: String,
    to: String,
    error: Option<String>,
    /// The hash chain's state in one line, and whether it is whole.
    chain: String,
    chain_intact: bool,
    total: u64,
    rows: Vec<AuditLine>,
    /// The tables to filter by (code, Chinese name).
    tables: Vec<(&'static str, &'static str)>,
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
    SignedIn { user, .. }: SignedIn<act::Audit>,
    Query(q): Query<AuditQuery>,
) -> Result<Response, PageError> {
    let mut error = None;
    let mut date = |s: &Option<String>, label: &str| -> Option<time::Date> {
        let s = s.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
        let d = touyan_records::text::parse_day(s);
        if d.is_none() {
            error = Some(format!(
                "{label} {} 不是有效日期（可填 {}），已忽略",
                touyan_records::text::excerpt(s),
                touyan_records::text::DAY_FORMS
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
    let found = st
        .audit(&user, &filter, Page::new(page, PER_PAGE))
        .await?
        .ok_or(PageError::Forbidden)?;
    let chain = st.audit_chain(&user).await?.ok_or(PageError::Forbidden)?;
    let actors: Vec<&str> = found.items.iter().map(|e| e.actor.as_str()).collect();
    let names = st.audit_names(&user, &actors).await?;
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
    Ok(render(
        &AuditPage {
            chrome: Chrome::new("操作日志", Some(&user), "/audit"),
            error,
            chain: crate::audit_chain::state_line(&chain),
            chain_intact: chain.intact(),
            total: found.total,
            rows: found
                .items
                .into_iter()
                .map(|e| {
                    let actor = match names.get(&e.actor) {
                        Some(n) if *n != e.actor => format!("{n}（{}）", e.actor),
                        _ => e.actor.clone(),
                    };
                    let key = mask_ids(&e.key);
                    let action = action_zh(&e.action);
                    let table = touyan_storage::table_zh(&e.table).to_owned();
                    AuditLine {
                        at: china_time(e.at),
                        sentence: format!("{actor} {action}“{table}”的记录 {key}"),
                        actor,
                        origin: e.origin.unwrap_or_else(|| "本机命令行".to_owned()),
                        action,
                        key,
                        before: crate::masking::audit_json(&e.table, &e.before.unwrap_or_default()),
                        after: crate::masking::audit_json(&e.table, &e.after.unwrap_or_default()),
                        table,
                        table_code: e.table,
                    }
                })
                .collect(),
            pager,
            tables: touyan_storage::TABLE_NAMES.to_vec(),
            actor,
            table,
            from,
            to,
        },
        StatusCode::OK,
    ))
}
