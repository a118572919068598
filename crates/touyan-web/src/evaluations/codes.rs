//! What the operator's forms give: the declared raters, the paper counts
//! and the voting codes (issued, recorded as a batch, printed once with
//! their QR codes), each checked by the workflow against the confirmed
//! raters before anything is written.

use askama::Template;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use touyan_office::evaluation::TownHalf;
use touyan_records::model::{Labelled, PaperCount, RaterCount, RaterGroup, VoteToken};
use touyan_storage::{Store, StoreError};
use touyan_workflow::Refusal;
use touyan_workflow::art12_evaluation::{self as flow, Room};

use super::{View, half_label, key_of, refusal};
use crate::pages::{internal, render};
use crate::state::{AppState, Failure, User};

/// The most codes one request may issue per secretary and group.
const MAX_CODES: u32 = 200;

/// The most eligible raters one secretary's group may be declared with.
const MAX_RATERS: u32 = 100_000;

#[derive(Template)]
#[template(path = "vote_codes.html")]
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

/// A whole number from 0 to `max` in a form field ("" is 0); `what`
/// names it in the refusal.
fn count_field(text: &str, max: u32, what: &str) -> Result<u32, Refusal> {
    match text {
        "" => Ok(0),
        t => match t.parse::<u32>() {
            Ok(x) if x <= max => Ok(x),
            _ => Err(Refusal::Invalid(format!(
                "{what}“{}”不是 0 至 {max} 的整数",
                t.chars().take(10).collect::<String>()
            ))),
        },
    }
}

/// The numbers of eligible raters declared in the form
/// (`raters_<person ref>_<group>`, one for each listed secretary and
/// counted group), each not below what is already counted against it.
pub(super) fn declared<'a>(
    st: &AppState,
    v: &TownHalf,
    field: impl Fn(&str) -> &'a str,
) -> Result<Vec<RaterCount>, Refusal> {
    if v.listed.is_empty() {
        return Err(Refusal::Invalid(
            "本年度尚无已备案名单，没有需要评价的书记".into(),
        ));
    }
    let mut out = Vec::new();
    for l in &v.listed {
        let who = format!("{} {}", l.village_name, l.name);
        for g in flow::COUNTED {
            let name = format!("raters_{}_{}", key_of(st, &l.person), g.code());
            let n = count_field(
                field(&name),
                MAX_RATERS,
                &format!("{who} 的{}评价人数", g.label()),
            )?;
            flow::check_declared(&who, g, v.room(&l.person, g), n)?;
            out.push(RaterCount {
                year: v.year,
                half: v.half,
                person: l.person.clone(),
                group: g,
                town: v.town,
                eligible: n,
            });
        }
    }
    Ok(out)
}

/// The paper counts in the form (`paper_<person ref>_<group>_<0|1|2>`),
/// the counted groups' within their confirmed raters.
pub(super) fn paper_counts<'a>(
    st: &AppState,
    v: &TownHalf,
    field: impl Fn(&str) -> &'a str,
) -> Result<Vec<PaperCount>, Refusal> {
    let mut counts = Vec::new();
    for l in &v.listed {
        let who = format!("{} {}", l.village_name, l.name);
        let key = key_of(st, &l.person);
        for &g in RaterGroup::ALL {
            let mut n = [0u32; 3];
            for (i, slot) in n.iter_mut().enumerate() {
                let name = format!("paper_{key}_{}_{i}", g.code());
                *slot = count_field(field(&name), 100_000, &format!("{who} 的{}票数", g.label()))?;
            }
            if flow::COUNTED.contains(&g) {
                let room = Room {
                    paper: 0,
                    ..v.room(&l.person, g)
                };
                flow::check_paper(&who, g, room, n.iter().sum())?;
            }
            counts.push(PaperCount {
                year: v.year,
                half: v.half,
                person: l.person.clone(),
                group: g,
                town: v.town,
                competent: n[0],
                basically_competent: n[1],
                not_competent: n[2],
            });
        }
    }
    Ok(counts)
}

/// Issues codes (`codes_<group>`: how many for each secretary), each
/// secretary's within its confirmed raters, records the batch, and shows
/// the codes once (only their hashes are kept).
pub(super) async fn issue_codes<'a>(
    st: &AppState,
    user: &User,
    headers: &HeaderMap,
    origin: &str,
    store: &Store,
    v: View,
    field: impl Fn(&str) -> &'a str,
) -> Response {
    let mut wanted = Vec::new();
    for g in flow::COUNTED {
        let what = format!("{}投票码数量", g.label());
        match count_field(field(&format!("codes_{}", g.code())), MAX_CODES, &what) {
            Ok(n) => wanted.push((g, n)),
            Err(r) => return refusal(st, user, v, r),
        }
    }
    if v.th.listed.is_empty() || wanted.iter().all(|(_, n)| *n == 0) {
        return refusal(
            st,
            user,
            v,
            Refusal::Invalid("请填写每位书记需要的投票码数量（本年度须有已备案名单）".into()),
        );
    }
    for l in &v.th.listed {
        let who = format!("{} {}", l.village_name, l.name);
        for &(g, n) in &wanted {
            if n > 0
                && let Err(r) = flow::check_codes(&who, g, v.th.room(&l.person, g), n)
            {
                return refusal(st, user, v, r);
            }
        }
    }
    let base = base_url(st, headers);
    let mut rows = Vec::new();
    let mut slips = Vec::new();
    for l in &v.th.listed {
        for &(g, n) in &wanted {
            for _ in 0..n {
                let token = match crate::auth::new_token() {
                    Ok(t) => t,
                    Err(m) => return internal(Failure::Internal(m)),
                };
                rows.push(VoteToken {
                    token_hash: crate::auth::token_hash(&token),
                    year: v.th.year,
                    half: v.th.half,
                    town: v.th.town,
                    person: l.person.clone(),
                    group: g,
                    used: false,
                });
                let url = format!("{base}/vote/{token}");
                slips.push(CodeSlip {
                    village_name: l.village_name.clone(),
                    name: l.name.clone(),
                    group: g.label(),
                    qr: qr_svg(&url),
                    url,
                });
            }
        }
    }
    if let Err(e) = store
        .issue_codes(
            &user.username,
            Some(origin),
            v.th.year,
            v.th.half,
            v.th.town,
            &rows,
        )
        .await
    {
        return match e {
            StoreError::Invalid(m) => refusal(st, user, v, Refusal::Conflict(m)),
            e => internal(e.into()),
        };
    }
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
