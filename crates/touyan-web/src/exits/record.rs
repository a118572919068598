//! `POST /exits`: an exit recorded with its reason and date. This module
//! reads the form's fields and picks the secretary; the checks and the
//! write are `touyan_office::exits`'. Back to the town's page when done,
//! or the page with the refusal.
use axum::extract::State;
use axum::response::Response;
use touyan_office::exits::{self as office, TownYear};
use touyan_office::{By, OfficeError};
use touyan_records::TownCode;
use touyan_records::model::{ExitReason, Labelled};
use touyan_workflow::Refusal;

use super::town::page;
use crate::forms;
use crate::http::{SignedForm, act};
use crate::pages::{internal, not_found_page};
use crate::roles::Action;
use crate::scope::{by_from, field, page_town};
use crate::state::{AppState, User};

/// `POST /exits`: `person` (a reference), `reason`, `date`, `note`, with
/// `year`, `town`, `csrf`.
pub async fn record(
    State(st): State<AppState>,
    SignedForm {
        user, origin, form, ..
    }: SignedForm<act::Exits, Vec<(String, String)>>,
) -> Response {
    let Some(year) = crate::scope::year_of(&st, Some(field(&form, "year"))) else {
        return not_found_page();
    };
    let Ok(Some(town)) = page_town(&user, Some(field(&form, "town"))) else {
        return not_found_page();
    };
    let by = by_from(&user, &origin);
    if let Err(e) = office::may(&by, town) {
        return answer(&st, &user, year, town, Err(e)).await;
    }
    let desk = match st.town_desk(&user, Action::Exits, &town) {
        Ok(d) => d,
        Err(e) => return axum::response::IntoResponse::into_response(e),
    };
    let store = desk.store();
    let done = match office::town_year(store, year, town).await {
        Ok(ty) => recorded(&st, store, by, &ty, &form).await,
        Err(e) => Err(e),
    };
    answer(&st, &user, year, town, done).await
}

/// The town's page after a post: back to it when done, or with the
/// refusal.
async fn answer(
    st: &AppState,
    user: &User,
    year: i32,
    town: TownCode,
    done: Result<String, OfficeError>,
) -> Response {
    let r = match done {
        Ok(what) => {
            return crate::http::done(&format!("/exits?year={year}&town={}", town.as_str()), &what);
        }
        Err(OfficeError::Store(e)) => return internal(e.into()),
        Err(OfficeError::NotFound) => return not_found_page(),
        Err(OfficeError::Forbidden(m)) => Refusal::Forbidden(m),
        Err(OfficeError::Conflict(m)) => Refusal::Conflict(m),
        Err(OfficeError::Invalid(m)) => Refusal::Invalid(m),
    };
    let status = forms::status(&r);
    page(st, user, year, Some(town), Some(r.to_string()), status).await
}

/// Reads the form and records the exit through the office: the role is
/// checked first, then the fields, then the records.
async fn recorded(
    st: &AppState,
    store: &touyan_storage::Store,
    by: By<'_>,
    ty: &TownYear,
    form: &[(String, String)],
) -> Result<String, OfficeError> {
    let invalid = |m: &str| OfficeError::Invalid(m.to_owned());
    let person = ty.secretary(|p| st.person_ref(p) == field(form, "person"))?;
    // Nothing is assumed: no grounds and no day stand in for ones not
    // chosen (issue 18, item 3).
    let reason = match field(form, "reason") {
        "" => return Err(invalid("请选择退出原因")),
        code => ExitReason::SECRETARY
            .iter()
            .copied()
            .find(|x| x.code() == code)
            .ok_or_else(|| invalid("退出原因无效，请从列出的退出原因中选择"))?,
    };
    let on = match field(form, "date") {
        "" => return Err(invalid("请填写退出日期（如 2026-11-02）")),
        day => touyan_records::text::parse_day(day).ok_or_else(|| invalid(office::DAY_WANTED))?,
    };
    let note = field(form, "note");
    office::record_exit(store, by, ty, &person, reason, on, note, st.today())
        .await
        .map(|_| {
            format!(
                "已登记{} {on} 退出专业化管理（{}）",
                ty.records
                    .people
                    .iter()
                    .find(|p| p.id == person)
                    .map_or("", |p| p.name.as_str()),
                reason.label()
            )
        })
}
