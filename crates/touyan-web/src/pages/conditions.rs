//! The one-person file's answers to the conditions the city's policy adds
//! (`[[conditions]]`, Article 1), and the town's form that records them
//! (`POST /people/{id}/conditions`). This module reads the fields; who
//! may, the person's town, the checks and the write are
//! `touyan_office::conditions`'s.

use axum::extract::{Path, State};
use axum::response::Response;
use touyan_office::conditions::{self as office, Asked};
use touyan_office::{By, OfficeError};
use touyan_storage::PersonFile;

use super::files::person_page;
use crate::http::{PageError, SignedForm, act};
use crate::roles::Action;
use crate::state::{AppState, User};

/// One condition on the person's page.
pub struct FormLine {
    pub id: String,
    pub label: String,
    pub citation: String,
    pub since: String,
    pub in_force: bool,
    /// 是, 否 or 未记录.
    pub answer_zh: &'static str,
    /// The form's value of the answer on record (`yes`, `no`, or empty).
    pub answer_code: &'static str,
    pub recorded_on: String,
    pub note: String,
}

/// The conditions' table and, for the town's operator, its form.
pub struct ConditionsForm {
    pub lines: Vec<FormLine>,
    pub may_record: bool,
    /// Where the form posts.
    pub action: String,
    pub error: Option<String>,
    pub note_chars: usize,
}

/// The conditions' part of the person's page (`None`: the policy adds
/// none).
pub(super) fn form(
    st: &AppState,
    user: &User,
    reference: &str,
    file: &PersonFile,
    error: Option<String>,
) -> Option<ConditionsForm> {
    let policy = st.policy();
    if policy.conditions.is_empty() {
        return None;
    }
    let lines = office::lines(policy, &file.condition_answers, &file.person.id, st.today())
        .into_iter()
        .map(|l| FormLine {
            answer_zh: l.answer_zh(),
            answer_code: match l.answer {
                Some(true) => "yes",
                Some(false) => "no",
                None => "",
            },
            id: l.id,
            label: l.label,
            citation: l.citation,
            since: l.since.to_string(),
            in_force: l.in_force,
            recorded_on: l.recorded_on.map(|d| d.to_string()).unwrap_or_default(),
            note: l.note,
        })
        .collect();
    Some(ConditionsForm {
        lines,
        may_record: office::may_record(&crate::scope::by(user)).is_ok(),
        action: format!("/people/{reference}/conditions"),
        error,
        note_chars: office::NOTE_CHARS,
    })
}

/// `POST /people/{id}/conditions`: `answer_<condition id>` (`yes`, `no`
/// or empty for "leave as it is") for each condition of the policy,
/// `note`, `csrf`. Back to the person's page; a refusal is shown on it.
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
    let asked = Asked {
        answers: st
            .policy()
            .conditions
            .iter()
            .map(|c| {
                let field = format!("answer_{}", c.id);
                (c.id.clone(), crate::scope::field(&form, &field).to_owned())
            })
            .collect(),
        note: crate::scope::field(&form, "note").to_owned(),
    };
    let done = match st.person_id(&reference) {
        // Who may is told before the person is looked for.
        None => office::may_record(&by).and(Err(OfficeError::NotFound)),
        Some(id) => office::record(store, &by, st.policy(), &id, &asked, st.today())
            .await
            .map(drop),
    };
    let Some((status, message)) = super::files::refusal(done)? else {
        return Ok(crate::http::done(
            &format!("/people/{reference}#conditions"),
            "已保存本市附加条件的认定",
        ));
    };
    let message = Some(message);
    person_page(&st, &user, &origin, &reference, message, status).await
}
