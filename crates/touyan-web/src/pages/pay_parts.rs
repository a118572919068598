//! The one-person file's 报酬构成 (Article 13): the secretary's whole pay
//! month by month — 基本报酬, 业绩考核奖励报酬 and 养老保险补助 as the town
//! recorded them with their channels, and the 专业化补贴 the pay runs
//! stored — with the totals per channel; and the town's form that records
//! the three parts (`POST /people/{id}/pay-parts`). This module reads the
//! fields and lays out the figures; who may, the person's town, the
//! checks, the write and every figure are `touyan_office::pay_parts`'s.

use axum::extract::{Path, State};
use axum::response::Response;
use touyan_office::pay_parts::{self as office, Asked, Part, WholePay};
use touyan_office::{By, OfficeError};
use touyan_records::model::{CHANNEL_CHARS, Labelled, PayPart};
use touyan_storage::PersonFile;

use super::files::{Kept, person_page_with};
use super::{masked, yuan};
use crate::http::{PageError, SignedForm, act};
use crate::roles::Action;
use crate::state::{AppState, User};

/// One row of a whole-pay table: a person's month.
pub struct WholeRow {
    pub month: String,
    pub name: String,
    /// Masked.
    pub person_id: String,
    /// One cell per part of [`Part::ALL`]: the amount and its channel,
    /// or empty.
    pub cells: Vec<String>,
    pub total: String,
}

/// A whole-pay table as pages show it, every figure from
/// `touyan_office::pay_parts::whole_pay`.
pub struct WholeView {
    /// The parts' labels, in Article 13's order.
    pub headers: Vec<&'static str>,
    pub rows: Vec<WholeRow>,
    /// (label, people, yuan).
    pub by_part: Vec<(String, u32, String)>,
    pub by_channel: Vec<(String, u32, String)>,
    pub total: String,
}

/// `w` laid out.
pub fn whole_view(w: &WholePay) -> WholeView {
    let totals = |t: &[office::Total]| {
        t.iter()
            .map(|t| (t.label.clone(), t.people, yuan(t.fen)))
            .collect()
    };
    WholeView {
        headers: Part::ALL.iter().map(|p| p.label()).collect(),
        rows: w
            .rows
            .iter()
            .map(|r| WholeRow {
                month: format!("{}-{:02}", r.month.year(), u8::from(r.month.month())),
                name: r.name.clone(),
                person_id: masked(&r.person),
                cells: Part::ALL
                    .iter()
                    .map(|p| {
                        r.line(*p).map_or_else(String::new, |l| {
                            format!("{}（{}）", yuan(l.amount_fen), l.channel)
                        })
                    })
                    .collect(),
                total: yuan(r.total_fen),
            })
            .collect(),
        by_part: totals(&w.by_part),
        by_channel: totals(&w.by_channel),
        total: yuan(w.total_fen),
    }
}

/// One part's inputs on the form.
pub struct PartInput {
    pub code: &'static str,
    pub label: &'static str,
    pub amount: String,
    pub channel: String,
}

/// The person's 报酬构成 and, for the town's operator, its form.
pub struct PayPartsForm {
    pub whole: WholeView,
    pub may_record: bool,
    /// Where the form posts.
    pub action: String,
    pub error: Option<String>,
    /// What the form shows: what was sent when refused, else empty.
    pub month: String,
    pub inputs: Vec<PartInput>,
    pub channel_chars: usize,
}

/// The 报酬构成 part of the person's page; `kept`: a refused form's
/// sentence and what it sent.
pub(super) fn form(
    user: &User,
    reference: &str,
    file: &PersonFile,
    kept: Option<(String, Asked)>,
) -> PayPartsForm {
    let (error, asked) = match kept {
        Some((e, a)) => (Some(e), a),
        None => (None, Asked::default()),
    };
    PayPartsForm {
        whole: whole_view(&office::person_whole_pay(file)),
        may_record: office::may_record(&crate::scope::by(user)).is_ok(),
        action: format!("/people/{reference}/pay-parts"),
        error,
        month: asked.month.clone(),
        inputs: PayPart::ALL
            .iter()
            .map(|p| {
                let (amount, channel) = asked.of(*p);
                PartInput {
                    code: p.code(),
                    label: p.label(),
                    amount: amount.to_owned(),
                    channel: channel.to_owned(),
                }
            })
            .collect(),
        channel_chars: CHANNEL_CHARS,
    }
}

/// What the form sent.
fn asked_of(form: &[(String, String)]) -> Asked {
    let f = |name: &str| crate::scope::field(form, name).to_owned();
    Asked {
        month: f("month"),
        parts: PayPart::ALL
            .iter()
            .map(|p| {
                (
                    *p,
                    f(&format!("amount_{}", p.code())),
                    f(&format!("channel_{}", p.code())),
                )
            })
            .collect(),
    }
}

/// `POST /people/{id}/pay-parts`: `month` (yyyy-mm), `amount_<part>`
/// and `channel_<part>` for 基本报酬 (`basic`), 业绩考核奖励报酬
/// (`performance`) and 养老保险补助 (`pension`) — both empty: leave the
/// part as it is — and `csrf`. Back to the person's page; a refusal is
/// shown on it with what was sent kept in the form.
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
    let asked = asked_of(&form);
    let done = match st.person_id(&reference) {
        // Who may is told before the person is looked for.
        None => office::may_record(&by).and(Err(OfficeError::NotFound)),
        Some(id) => office::record(store, &by, &id, &asked, st.today())
            .await
            .map(drop),
    };
    let Some((status, message)) = super::files::refusal(done)? else {
        return Ok(crate::http::done(
            &format!("/people/{reference}#pay-parts"),
            "已登记待遇组成",
        ));
    };
    person_page_with(
        &st,
        &user,
        &origin,
        &reference,
        Kept {
            pay_parts: Some((message, asked)),
            ..Kept::default()
        },
        status,
    )
    .await
}
