//! The to-do page (待办, `GET /todo`): what waits for the signed-in user,
//! each a link to where it is done, overdue first; for the city, the
//! lists to file and the months to approve can be picked and done
//! together (`POST /todo`), each still checked and recorded one by one.
//! What waits and the moves in bulk are `touyan_office::todo`'s.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use touyan_office::todo::{self, Bulk, Done, Picked, Place, Todo};

use super::{Chrome, render};
use crate::http::{PageError, SignedForm, SignedIn, act};
use crate::roles::Action;
use crate::scope::{by, by_from};
use crate::state::{AppState, User};

/// One to-do as the page shows it.
pub struct TodoLine {
    pub town: String,
    pub what: String,
    pub moves: String,
    pub href: String,
    pub due: String,
    pub due_basis: String,
    pub overdue: bool,
    /// The bulk form's value, when it can be picked.
    pub key: String,
    pub detail: String,
}

/// A bulk form: its move and the items it can pick.
pub struct BulkForm {
    pub code: &'static str,
    pub label: &'static str,
    pub lines: Vec<TodoLine>,
}

#[derive(Template)]
#[template(path = "pages/todo.html")]
struct TodoPage {
    chrome: Chrome,
    today: String,
    lines: Vec<TodoLine>,
    bulks: Vec<BulkForm>,
    /// What a move in bulk did, item by item.
    done: Vec<DoneLine>,
    error: Option<String>,
}

/// One item of a move in bulk, as done or refused.
pub struct DoneLine {
    pub town: String,
    pub what: String,
    pub ok: bool,
    pub outcome: String,
}

/// Where a to-do is done.
pub fn href(place: &Place) -> String {
    match place {
        Place::List { year, town } => format!("/lists/{year}/{}", town.as_str()),
        Place::Pay { month, town } => format!(
            "/pay/{:04}-{:02}/{}",
            month.year(),
            u8::from(month.month()),
            town.as_str()
        ),
        Place::Plans { year, town } => format!("/plans?year={year}&town={}", town.as_str()),
        Place::Daily { town } => format!("/daily?town={}", town.as_str()),
        Place::Evaluation { year, half, town } => {
            format!("/evaluations/{year}/{half}/{}", town.as_str())
        }
    }
}

pub fn line(t: &Todo, today: time::Date) -> TodoLine {
    TodoLine {
        town: t.town_name.clone(),
        what: t.what.clone(),
        moves: t.moves.join("、"),
        href: href(&t.place),
        due: t.due.as_ref().map(|d| d.on.to_string()).unwrap_or_default(),
        due_basis: t.due.as_ref().map(|d| d.basis.clone()).unwrap_or_default(),
        overdue: t.overdue(today),
        key: t.bulk.map(|_| t.key()).unwrap_or_default(),
        detail: t.detail.clone(),
    }
}

/// What waits for `user` today.
///
/// Kept per user and day for one data version, as the dashboard's
/// figures are (`charts::data`): every dashboard load reads the version,
/// and the list is read again only when a write moved it on. Measured
/// before (bench/README.md, 2026-12-07): reading it on every load made
/// the town dashboard 46 requests/s, the city's 259.
pub(crate) async fn items(st: &AppState, user: &User) -> Result<Arc<Vec<Todo>>, PageError> {
    let desk = st.desk(user, Action::Dashboard)?;
    let today = st.today();
    let key: KeptKey = (
        user.username.clone(),
        user.role.code(),
        user.town_scope(),
        today,
    );
    let kept = st.todos();
    let version = st.data_version().await?;
    if let Some(t) = kept.get(&key, version) {
        return Ok(t);
    }
    let _one_at_a_time = kept.computing.lock().await;
    // Another request may have read it while this one waited.
    let version = st.data_version().await?;
    if let Some(t) = kept.get(&key, version) {
        return Ok(t);
    }
    // Read after the version: the list is at least as new as it.
    let t = Arc::new(todo::for_user(desk.store(), &by(user), st.policy(), today).await?);
    kept.keep(key, version, t.clone());
    Ok(t)
}

/// Whose to-do list: the user's name, role and town scope, and the day.
type KeptKey = (String, &'static str, Option<String>, time::Date);

/// A kept list: the data version it was read at, and the list.
type KeptList = (i64, Arc<Vec<Todo>>);

/// The to-do lists kept, each with the data version it was read at.
#[derive(Default)]
pub struct Kept {
    map: Mutex<HashMap<KeptKey, KeptList>>,
    computing: tokio::sync::Mutex<()>,
}

/// The most lists kept at once (one per signed-in user and day).
const KEPT: usize = 4096;

impl Kept {
    fn get(&self, key: &KeptKey, version: i64) -> Option<Arc<Vec<Todo>>> {
        let m = self.map.lock().unwrap_or_else(|e| e.into_inner());
        m.get(key)
            .filter(|(v, _)| *v == version)
            .map(|(_, t)| t.clone())
    }

    fn keep(&self, key: KeptKey, version: i64, t: Arc<Vec<Todo>>) {
        let mut m = self.map.lock().unwrap_or_else(|e| e.into_inner());
        if m.len() >= KEPT && !m.contains_key(&key) {
            m.retain(|(.., day), (v, _)| *v >= version && *day >= key.3);
            if m.len() >= KEPT {
                m.clear();
            }
        }
        m.insert(key, (version, t));
    }
}

async fn page(
    st: &AppState,
    user: &User,
    done: Vec<Done>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let today = st.today();
    let all = items(st, user).await?;
    let mut bulks = Vec::new();
    for kind in [Bulk::FileList, Bulk::ApprovePay] {
        let lines: Vec<TodoLine> = all
            .iter()
            .filter(|t| t.bulk == Some(kind))
            .map(|t| line(t, today))
            .collect();
        if !lines.is_empty() {
            bulks.push(BulkForm {
                code: kind.code(),
                label: kind.label(),
                lines,
            });
        }
    }
    Ok(render(
        &TodoPage {
            chrome: Chrome::new("待办", Some(user), "/todo"),
            today: today.to_string(),
            lines: all.iter().map(|t| line(t, today)).collect(),
            bulks,
            done: done
                .into_iter()
                .map(|d| DoneLine {
                    town: d.town_name,
                    what: d.what,
                    ok: d.outcome.is_ok(),
                    outcome: d.outcome.unwrap_or_else(|e| e),
                })
                .collect(),
            error,
        },
        status,
    ))
}

/// `GET /todo`.
pub async fn show(
    State(st): State<AppState>,
    SignedIn { user, .. }: SignedIn<act::Dashboard>,
) -> Result<Response, PageError> {
    page(&st, &user, Vec::new(), None, StatusCode::OK).await
}

/// `POST /todo`: `kind` (`file_list` or `approve_pay`) on every `pick`
/// (the items' keys), one by one; the page then says what was done to
/// each and shows what still waits.
pub async fn bulk(
    State(st): State<AppState>,
    SignedForm {
        user, origin, form, ..
    }: SignedForm<act::Dashboard, Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let kind = match crate::scope::field(&form, "kind") {
        "file_list" => Some(Bulk::FileList),
        "approve_pay" => Some(Bulk::ApprovePay),
        _ => None,
    };
    let picked: Option<Vec<Picked>> = form
        .iter()
        .filter(|(k, _)| k == "pick")
        .map(|(_, v)| Picked::parse(v.trim()))
        .collect();
    let (Some(kind), Some(picked)) = (kind, picked) else {
        let msg = "未指明要办理的事项，请在待办页面勾选后提交".to_owned();
        return page(
            &st,
            &user,
            Vec::new(),
            Some(msg),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let desk = st.desk(&user, Action::Dashboard)?;
    let by = by_from(&user, &origin);
    match todo::bulk(desk.store(), by, st.policy(), st.today(), kind, &picked).await {
        Ok(done) => page(&st, &user, done, None, StatusCode::OK).await,
        Err(touyan_office::OfficeError::Store(e)) => Err(e.into()),
        Err(touyan_office::OfficeError::NotFound) => Err(PageError::NotFound),
        Err(e) => {
            page(
                &st,
                &user,
                Vec::new(),
                Some(e.to_string()),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}
