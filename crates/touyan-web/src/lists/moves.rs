//! The posts of the lists: the year's proposal decided again
//! (`POST /lists/propose`) and one move of a town's review
//! (`POST /lists/{year}/{town}`), refused with the page and the reason.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use touyan_office::propose::{self, Options, Quiet};
use touyan_office::{OfficeError, lists};

use super::town::page;
use super::view::{Missing, View, load};
use crate::http::done;
use crate::http::{HasCsrf, PageError, SignedForm, act};
use crate::pages::{message_page, not_found_page, render};
use crate::roles::Action;
use crate::row_filter::RowFilter;
use crate::scope::{by_from, town_in_scope};
use crate::state::{AppState, User};

#[derive(Deserialize, Default)]
pub struct ProposeForm {
    csrf: Option<String>,
    year: Option<String>,
    /// A city user's one town (empty: every town); a town's user is
    /// always their own town.
    town: Option<String>,
}

impl HasCsrf for ProposeForm {
    fn csrf(&self) -> Option<&str> {
        self.csrf.as_deref()
    }
}

/// `POST /lists/propose`: the year's proposal decided again and stored
/// (the yearly adjustment: `touyan_office::propose::year`, the same run as `touyan
/// cycle --year`) for every town, or for one; filed lists are not
/// touched. Then the town's list, or the overview.
pub async fn propose(
    State(st): State<AppState>,
    SignedForm {
        user,
        origin,
        form: f,
        ..
    }: SignedForm<act::Propose, ProposeForm>,
) -> Result<Response, PageError> {
    let Some(year) = crate::scope::year_of(&st, f.year.as_deref()) else {
        return Ok(message_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            "年度有误",
            "年度应为四位数字，如 2026。",
        ));
    };
    let town =
        crate::scope::page_town(&user, f.town.as_deref()).map_err(|()| PageError::NotFound)?;
    let desk = st.desk_of(&user, Action::Propose, town.as_ref())?;
    let store = desk.store();
    if let Some(t) = town {
        let towns = st.reader(&user).towns().await?;
        if !towns.iter().any(|(c, _)| c == t.as_str()) {
            return Err(PageError::NotFound);
        }
    }
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let by = by_from(&user, &origin);
    let options = Options {
        threads,
        free_records: true,
        progress: std::sync::Arc::new(Quiet),
    };
    Ok(
        match propose::year(store, by, year, town, st.policy(), options).await {
            Ok(_) => done(
                &match town {
                    Some(t) => format!("/lists/{year}/{}", t.as_str()),
                    None => format!("/lists?year={year}"),
                },
                &format!("已生成 {year} 年度建议名单，请逐镇街审核"),
            ),
            Err(OfficeError::NotFound) => return Err(PageError::NotFound),
            Err(OfficeError::Store(e)) => return Err(e.into()),
            Err(e) => message_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                "未能生成建议名单",
                &e.to_string(),
            ),
        },
    )
}

/// The list's page with the office's refusal (a missing list: the
/// missing page).
pub(super) fn refusal(
    user: &User,
    v: View,
    e: OfficeError,
    filter: &RowFilter,
) -> Result<Response, PageError> {
    let status = match &e {
        OfficeError::NotFound => return Ok(not_found_page()),
        OfficeError::Store(_) => return Err(e.into()),
        OfficeError::Forbidden(_) => StatusCode::FORBIDDEN,
        OfficeError::Conflict(_) => StatusCode::CONFLICT,
        OfficeError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
    };
    Ok(render(&page(user, v, Some(e.to_string()), filter), status))
}

/// `POST /lists/{year}/{town}`: one move, named by the `action` field,
/// with the state the user saw (`seen`), a `comment`, and for a save or a
/// confirmation the town's choices (`tier_<village>`: "" for not listed or
/// 1–3, `reason_<village>`; a village not named keeps what it has).
/// `action=reset` saves the proposal itself. A move made from a filtered
/// view (`q`, `only`: the filter, which the moves ignore) returns to it. The checks and the write are
/// `touyan_office::lists::move_list`'s.
pub async fn town_move(
    State(st): State<AppState>,
    Path((year, town)): Path<(String, String)>,
    SignedForm {
        user, origin, form, ..
    }: SignedForm<act::Lists, Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let field = |name: &str| crate::scope::field(&form, name);
    let town = town_in_scope(&user, &town).ok_or(PageError::NotFound)?;
    let year = crate::scope::year_of(&st, Some(&year)).ok_or(PageError::NotFound)?;
    let filter = RowFilter::new(Some(field("q")), field("only") == "problems");
    let desk = st.town_desk(&user, Action::Lists, &town)?;
    let store = desk.store();
    let mut v = match load(&st, &user, store, year, town).await? {
        Err(Missing::Town) => return Err(PageError::NotFound),
        Err(Missing::Proposal(m)) => {
            return Ok(message_page(StatusCode::NOT_FOUND, "尚无测算结果", &m));
        }
        Ok(v) => v,
    };
    let by_prefix = |prefix: &str| -> Vec<(String, String)> {
        form.iter()
            .filter_map(|(k, val)| Some((k.strip_prefix(prefix)?.to_owned(), val.clone())))
            .collect()
    };
    let asked = lists::Asked {
        action: field("action").to_owned(),
        seen: field("seen").to_owned(),
        comment: field("comment").to_owned(),
        tiers: by_prefix("tier_"),
        reasons: by_prefix("reason_"),
    };
    match lists::move_list(
        store,
        by_from(&user, &origin),
        &mut v.list,
        &asked,
        st.today(),
    )
    .await
    {
        Ok(()) => Ok(done(
            &match filter.query() {
                q if q.is_empty() => format!("/lists/{year}/{}", town.as_str()),
                q => format!("/lists/{year}/{}?{q}", town.as_str()),
            },
            &list_moved(&v.town_name, year, field("action")),
        )),
        Err(e) => refusal(&user, v, e, &filter),
    }
}

/// What a move of a town's list did, for the next page: the move's name,
/// the list, and who acts next.
fn list_moved(town_name: &str, year: i32, action: &str) -> String {
    use touyan_records::model::{Labelled, ListMoveKind};
    let list = format!("{town_name} {year} 年度名单");
    let next = match action {
        "save" | "reset" => "，尚未确认",
        "confirm" => "，等待镇街审核人报送",
        "submit" => "，等待市级备案",
        "file" => "，已生效",
        "send_back" => "，由经办人修改",
        "return" => "，由镇街修改后重新报送",
        "adjust" => "，调整后需重新报送备案",
        _ => "",
    };
    let what = if action == "reset" {
        "恢复为建议名单并保存".to_owned()
    } else {
        ListMoveKind::ALL
            .iter()
            .find(|k| k.code() == action)
            .map_or_else(|| "办理".to_owned(), |k| k.label().to_owned())
    };
    format!("已{what}：{list}{next}")
}
