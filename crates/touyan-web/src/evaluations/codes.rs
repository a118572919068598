//! The voting codes the operator asks for: checked by the office against
//! the confirmed raters, made here (random, as the sessions' tokens are),
//! issued by the office (only their hashes are kept) and printed with
//! their QR codes; a batch's page, and a batch issued again.
//!
//! Issuing answers with a redirect to the batch's page
//! (`/evaluations/{year}/{half}/{town}/codes/{seq}`), so reloading it
//! never issues another batch (issue 18, item 9). The codes themselves
//! cannot be read back from the records, so the page shows them from
//! [`KeptCodes`]: this process keeps the codes it just made, for the
//! user who issued them only, for [`KEPT_MINUTES`] while the evaluation
//! is open — enough to print them again after a reload or a jammed
//! printer, without a copy of any code in the database. Afterwards (or
//! in another process, after a restart, for anyone else) the page says
//! when and by whom the batch was issued and how many of its codes were
//! used, and offers to issue it again: the office voids its unused codes
//! and makes as many new ones, once the operator confirms it.

use std::sync::Mutex;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use time::PrimitiveDateTime;
use touyan_office::evaluation::{
    self as office, BatchStanding, CodesAsked, EvalMove, IssuedCode, NewCode,
};
use touyan_office::{By, OfficeError};
use touyan_records::TownCode;
use touyan_records::model::{EvalState, Labelled};
use touyan_storage::Store;

use super::{View, failed, half_label, open_view};
use crate::guard::see_other;
use crate::http::{PageError, SignedIn, act};
use crate::pages::{Chrome, internal, not_found_page, render};
use crate::scope::actor;
use crate::state::{AppState, Failure, User, china_time};

/// How long the codes just issued can be shown again to whoever issued
/// them, in minutes.
pub const KEPT_MINUTES: i64 = 120;

/// The most batches kept at once (the oldest go first).
const KEPT_BATCHES: usize = 16;

/// One batch kept for its issuer.
struct Kept {
    username: String,
    year: i32,
    half: u8,
    town: TownCode,
    seq: u32,
    until: PrimitiveDateTime,
    codes: Vec<IssuedCode>,
}

/// The codes this process issued lately, each batch for its issuer only
/// (see the module's note). Nothing of them is written anywhere.
#[derive(Default)]
pub struct KeptCodes(Mutex<Vec<Kept>>);

impl KeptCodes {
    fn keep(
        &self,
        user: &User,
        th: &office::TownHalf,
        now: PrimitiveDateTime,
        codes: Vec<IssuedCode>,
    ) {
        let Some(seq) = codes.first().map(|c| c.seq) else {
            return;
        };
        let mut kept = self.0.lock().unwrap_or_else(|e| e.into_inner());
        kept.retain(|k| k.until > now);
        while kept.len() >= KEPT_BATCHES {
            kept.remove(0);
        }
        kept.push(Kept {
            username: user.username.clone(),
            year: th.year,
            half: th.half,
            town: th.town,
            seq,
            until: now + time::Duration::minutes(KEPT_MINUTES),
            codes,
        });
    }

    /// Batch `seq` of `th`, if `user` issued it here within the time.
    fn get(
        &self,
        user: &User,
        th: &office::TownHalf,
        seq: u32,
        now: PrimitiveDateTime,
    ) -> Option<(Vec<IssuedCode>, PrimitiveDateTime)> {
        let kept = self.0.lock().unwrap_or_else(|e| e.into_inner());
        kept.iter()
            .find(|k| {
                k.username == user.username
                    && (k.year, k.half, k.town, k.seq) == (th.year, th.half, th.town, seq)
                    && k.until > now
            })
            .map(|k| (k.codes.clone(), k.until))
    }
}

#[derive(Template)]
#[template(path = "evaluations/codes.html")]
struct CodesPage {
    title: String,
    town_name: String,
    batch: String,
    kept_until: String,
    codes: Vec<CodeSlip>,
    back: String,
}

pub struct CodeSlip {
    pub village_name: String,
    pub name: String,
    pub group: &'static str,
    pub url: String,
    /// An inline SVG (no image request, allowed by the CSP).
    pub qr: String,
}

/// A batch whose codes cannot be shown here: where it stands, and (for
/// whoever may issue codes) the form that issues it again.
#[derive(Template)]
#[template(path = "evaluations/batch.html")]
struct BatchPage {
    chrome: Chrome,
    year: i32,
    half: u8,
    town: String,
    state_code: &'static str,
    b: BatchStanding,
    at: String,
    /// How long codes just issued are kept ("2 小时").
    kept: String,
    groups: String,
    may_reissue: bool,
    /// "化龙镇 2026 年上半年胜任度评价", for the question asked first.
    evaluation: String,
    error: Option<String>,
}

fn qr_svg(text: &str) -> String {
    match qrcode::QrCode::new(text.as_bytes()) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(120, 120)
            .build(),
        Err(_) => String::new(),
    }
}

/// The address voters open: the configured public address, else the
/// request's own host.
fn base_url(st: &AppState, headers: &HeaderMap) -> String {
    if let Some(p) = &st.config().public_url {
        return p.base();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .unwrap_or("127.0.0.1:8080");
    let scheme = if st.config().secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}

/// The page of one batch of `v`.
fn batch_path(v: &View, seq: u32) -> String {
    format!(
        "/evaluations/{}/{}/{}/codes/{seq}",
        v.th.year,
        v.th.half,
        v.th.town.as_str()
    )
}

/// `asked` when it is the evaluation's first batch, or the form's
/// `confirm` says the operator means another batch besides those issued
/// (the form asks for it then); otherwise why not.
pub(super) fn another_batch_confirmed(
    th: &office::TownHalf,
    confirm: &str,
    asked: CodesAsked,
) -> Result<CodesAsked, OfficeError> {
    let Some(last) = th.batches.iter().map(|b| b.batch.seq).max() else {
        return Ok(asked);
    };
    if confirm == "1" {
        return Ok(asked);
    }
    Err(OfficeError::Invalid(format!(
        "已生成 {last} 批投票码；再次生成将另发一批新的投票码（此前各批仍然有效，合计不超过确认的评价人数）。\
         请勾选“另生成新的一批投票码”后再提交；要重新打印已生成的一批，请在下方“投票码发放记录”中打开该批次"
    )))
}

/// Issues the codes `asked` (checked by `office::ask_codes`, or by
/// `office::ask_reissue` for a batch issued again) through the office,
/// keeps them for their issuer and sends the browser to the batch's page.
pub(super) async fn issue(
    st: &AppState,
    user: &User,
    store: &Store,
    by: By<'_>,
    v: View,
    asked: CodesAsked,
) -> Response {
    let mut codes = Vec::with_capacity(asked.len());
    for _ in 0..asked.len() {
        match crate::auth::new_token() {
            Ok(token) => codes.push(NewCode {
                hash: crate::auth::token_hash(&token),
                token,
            }),
            Err(m) => return internal(Failure::Internal(m)),
        }
    }
    let issued = match office::issue_codes(store, by, asked, codes).await {
        Ok(i) => i,
        Err(e) => return failed(st, user, v, e),
    };
    let Some(seq) = issued.first().map(|c| c.seq) else {
        return internal(Failure::Internal("没有生成投票码".into()));
    };
    st.kept_codes().keep(user, &v.th, st.now(), issued);
    see_other(&batch_path(&v, seq))
}

/// `action=codes_again` with `batch` (its number) and `confirm=1`: the
/// batch's unused codes voided and as many new ones issued (the office's
/// `ask_reissue`); a refusal is shown on the batch's page.
pub(super) async fn reissue(
    st: &AppState,
    user: &User,
    store: &Store,
    by: By<'_>,
    v: View,
    form: &[(String, String)],
) -> Response {
    let field = |name: &str| crate::scope::field(form, name);
    // No batch is numbered 0: a number missing or not a number is
    // answered as a missing batch, once the move itself is allowed.
    let seq = field("batch").trim().parse::<u32>().unwrap_or(0);
    let seen = office::seen_state(field("seen"));
    let confirmed = field("confirm") == "1";
    match office::ask_reissue(store, &by, &v.th, seen, seq, confirmed).await {
        Ok(asked) => issue(st, user, store, by, v, asked).await,
        Err(e) => batch_page(st, user, store, v, seq, Some(e)).await,
    }
}

/// The page of batch `seq` without its codes, with `error` shown.
async fn batch_page(
    st: &AppState,
    user: &User,
    store: &Store,
    v: View,
    seq: u32,
    error: Option<OfficeError>,
) -> Response {
    let (b, error) = match (office::batch(store, &v.th, seq).await, error) {
        (Ok(b), error) => (b, error),
        // No such batch: the refusal (the move's before the batch's) on
        // the evaluation's page, or a missing page.
        (Err(OfficeError::NotFound), Some(e)) => return failed(st, user, v, e),
        (Err(OfficeError::NotFound), None) => return not_found_page(),
        (Err(e), _) => return failed(st, user, v, e),
    };
    let (status, error) = match error {
        None => (StatusCode::OK, None),
        Some(OfficeError::NotFound) => return not_found_page(),
        Some(OfficeError::Store(e)) => return internal(e.into()),
        Some(e @ OfficeError::Forbidden(_)) => (StatusCode::FORBIDDEN, Some(e.to_string())),
        Some(e @ OfficeError::Conflict(_)) => (StatusCode::CONFLICT, Some(e.to_string())),
        Some(e @ OfficeError::Invalid(_)) => {
            (StatusCode::UNPROCESSABLE_ENTITY, Some(e.to_string()))
        }
    };
    let th = &v.th;
    let may_reissue = b.unused > 0
        && th
            .moves_for(&actor(user), &user.username)
            .contains(&EvalMove::IssueCodes);
    let evaluation = format!(
        "{} {} 年{}胜任度评价",
        v.town_name,
        th.year,
        half_label(th.half)
    );
    render(
        &BatchPage {
            chrome: Chrome::new(
                &format!(
                    "{} {} 年{}投票码第 {seq} 批",
                    v.town_name,
                    th.year,
                    half_label(th.half)
                ),
                Some(user),
                "/evaluations",
            ),
            evaluation,
            year: th.year,
            half: th.half,
            town: th.town.as_str().to_owned(),
            state_code: th.current().map_or("none", |s| s.code()),
            at: china_time(b.at),
            groups: b.groups_text(),
            kept: format!("{} 小时", KEPT_MINUTES / 60),
            b,
            may_reissue,
            error,
        },
        status,
    )
}

/// `GET /evaluations/{year}/{half}/{town}/codes/{seq}`: the batch's
/// codes, to print, while they are kept for the user who issued them
/// (the same codes at every reload); otherwise what became of them.
pub async fn batch(
    State(st): State<AppState>,
    SignedIn { user, .. }: SignedIn<act::Evaluations>,
    headers: HeaderMap,
    Path((year, half, town, seq)): Path<(String, String, String, String)>,
) -> Result<Response, PageError> {
    let (desk, v) = open_view(&st, &user, &year, &half, &town).await?;
    let seq: u32 = seq.trim().parse().map_err(|_| PageError::NotFound)?;
    let open = v.th.current() == Some(EvalState::Open);
    let kept = open
        .then(|| st.kept_codes().get(&user, &v.th, seq, st.now()))
        .flatten();
    let Some((codes, until)) = kept else {
        return Ok(batch_page(&st, &user, desk.store(), v, seq, None).await);
    };
    let b = office::batch(desk.store(), &v.th, seq).await?;
    // A batch issued again has had its unused codes voided (perhaps by
    // another server process): its slips are never shown again.
    if b.voided > 0 {
        return Ok(batch_page(&st, &user, desk.store(), v, seq, None).await);
    }
    let base = base_url(&st, &headers);
    let slips = codes
        .into_iter()
        .map(|c| {
            let url = format!("{base}/vote/{}", c.token);
            CodeSlip {
                village_name: c.village_name,
                name: c.name,
                group: c.group.label(),
                qr: qr_svg(&url),
                url,
            }
        })
        .collect();
    let back = format!(
        "/evaluations/{}/{}/{}",
        v.th.year,
        v.th.half,
        v.th.town.as_str()
    );
    Ok(render(
        &CodesPage {
            title: format!(
                "{} 年{}村党组织书记胜任度评价投票码",
                v.th.year,
                half_label(v.th.half)
            ),
            town_name: v.town_name,
            batch: format!(
                "第 {seq} 批，{} 由 {} 生成",
                china_time(b.at),
                v.signers.name(&b.by)
            ),
            kept_until: china_time(until),
            codes: slips,
            back,
        },
        StatusCode::OK,
    ))
}
