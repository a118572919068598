//! The people list: a search by name or ID number (a whole ID number is
//! audited and capped a day), secretaries only, a page at a time.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use touyan_records::model::Labelled;
use touyan_storage::{Page, PeopleFilter};

use super::{Chrome, ListQuery, PER_PAGE, Pager, masked, message_page, page_number, render};
use crate::http::{PageError, SignedIn, act};
use crate::state::{AppState, Failure};

pub struct PersonLine {
    pub href: String,
    pub name: String,
    pub id: String,
    pub born: String,
    pub sex: &'static str,
    pub education: String,
    pub post: String,
}

#[derive(Template)]
#[template(path = "people/people.html")]
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
    id_search_from(st, user, &crate::state::client_addr(parts), q).await
}

/// [`whole_id_search`] from the client address `origin`.
async fn id_search_from(
    st: &AppState,
    user: &crate::state::User,
    origin: &str,
    q: Option<&str>,
) -> Result<(), Result<String, Failure>> {
    let Some(text) = q.map(str::trim).filter(|t| t.chars().count() == 18) else {
        return Ok(());
    };
    match st.id_search(user, origin, &text.to_uppercase()).await {
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
    SignedIn { user, origin, .. }: SignedIn<act::People>,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    match id_search_from(&st, &user, &origin, q.q.as_deref()).await {
        Ok(()) => {}
        Err(Ok(m)) => {
            return Ok(message_page(
                StatusCode::TOO_MANY_REQUESTS,
                "查找次数已达上限",
                &m,
            ));
        }
        Err(Err(f)) => return Err(f.into()),
    }
    let page = page_number(&q.page);
    let secretaries = q.secretaries.as_deref().is_some_and(|s| !s.is_empty());
    let filter = PeopleFilter {
        q: q.q.clone(),
        secretaries_only: secretaries,
    };
    let found = st
        .reader(&user)
        .people(&filter, Page::new(page, PER_PAGE))
        .await?;
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
    Ok(render(
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
                    education: r.person.educations_zh(),
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
    ))
}
