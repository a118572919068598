//! The voting codes the operator asks for: checked by the office against
//! the confirmed raters, made here (random, as the sessions' tokens are),
//! issued by the office (only their hashes are kept) and printed once
//! with their QR codes.

use askama::Template;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use touyan_office::By;
use touyan_office::evaluation::{self as office, CodesAsked, NewCode};
use touyan_records::model::Labelled;
use touyan_storage::Store;

use super::{View, failed, half_label};
use crate::pages::{internal, render};
use crate::state::{AppState, Failure, User};

#[derive(Template)]
#[template(path = "evaluations/codes.html")]
struct CodesPage {
    title: String,
    town_name: String,
    codes: Vec<CodeSlip>,
}

pub struct CodeSlip {
    pub village_name: String,
    pub name: String,
    pub group: &'static str,
    pub url: String,
    /// An inline SVG (no image request, allowed by the CSP).
    pub qr: String,
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

/// The address voters open: the request's own host.
fn base_url(st: &AppState, headers: &HeaderMap) -> String {
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

/// Issues the codes `asked` (checked by `office::ask_codes`) through the
/// office, and shows them once.
pub(super) async fn issue(
    st: &AppState,
    user: &User,
    headers: &HeaderMap,
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
    let base = base_url(st, headers);
    let slips = issued
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
    // Shown once: only their hashes are kept.
    render(
        &CodesPage {
            title: format!(
                "{} 年{}村党组织书记胜任度评价投票码",
                v.th.year,
                half_label(v.th.half)
            ),
            town_name: v.town_name,
            codes: slips,
        },
        StatusCode::OK,
    )
}
