//! The one-person file's one-card (一卡通) account, masked, and the
//! town's form that records it (`POST /people/{id}/one-card`). This
//! module reads the field; who may, the person's town, the number's
//! checks and the sealed write are `touyan_office::one_card`'s.

use axum::extract::{Path, State};
use axum::response::Response;
use touyan_office::one_card as office;
use touyan_office::{By, OfficeError};
use touyan_records::CitizenId;

use super::files::{Kept, person_page_with};
use crate::http::{PageError, SignedForm, act};
use crate::roles::Action;
use crate::state::{AppState, User};

/// The account's part of the person's page.
pub struct OneCardForm {
    /// "**** **** 0018", or `None` when none is recorded.
    pub masked: Option<String>,
    pub recorded_on: String,
    pub may_record: bool,
    pub action: String,
    /// A refusal's sentence. What was typed is not shown again: an
    /// account appears in full only in the one-card file.
    pub error: Option<String>,
}

/// The account on record of `id` and, for the town's operator, the form.
pub(super) async fn form(
    st: &AppState,
    user: &User,
    reference: &str,
    id: &CitizenId,
    error: Option<String>,
) -> Result<OneCardForm, PageError> {
    let desk = st.desk(user, Action::People)?;
    let on = office::on_record(desk.store(), &[id]).await?;
    let on = on.get(id);
    Ok(OneCardForm {
        masked: on.map(office::masked),
        recorded_on: on.map(|a| a.recorded_on.to_string()).unwrap_or_default(),
        may_record: office::may_record(&crate::scope::by(user)).is_ok(),
        action: format!("/people/{reference}/one-card"),
        error,
    })
}

/// `POST /people/{id}/one-card`: `account`, `csrf`. Back to the person's
/// page; a refusal is shown on it (without the number typed).
pub async fn record(
    State(st): State<AppState>,
    Path(reference): Path<String>,
    SignedForm {
        user, origin, form, ..
    }: SignedForm<act::People, Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let desk = st.desk(&user, Action::People)?;
    let store = desk.store();
    let by = By {
        origin: Some(&origin),
        ..crate::scope::by(&user)
    };
    let typed = crate::scope::field(&form, "account");
    let done = match st.person_id(&reference) {
        // Who may is told before the person is looked for.
        None => office::may_record(&by).and(Err(OfficeError::NotFound)),
        Some(id) => office::record(store, st.key_file(), &by, &id, typed, st.today()).await,
    };
    let Some((status, message)) = super::files::refusal(done)? else {
        return Ok(crate::http::done(
            &format!("/people/{reference}#one-card"),
            "已登记一卡通账号（加密保存，页面只显示末四位）",
        ));
    };
    let kept = Kept {
        one_card: Some(message),
        ..Kept::default()
    };
    person_page_with(&st, &user, &origin, &reference, kept, status).await
}
