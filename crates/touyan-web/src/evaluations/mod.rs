//! The half-yearly competency evaluation in the browser (issue 5, item 5;
//! issue 15, item 5; Article 12): a town's operator opens it and declares
//! each secretary's numbers of eligible Party-member and public
//! representative raters, which its reviewer confirms; the operator then
//! prints one-time anonymous voting codes (with QR codes) for the
//! evaluation meeting, or enters the counts of paper ballots, never more
//! than the confirmed raters; the reviewer confirms the paper counts and
//! closes the evaluation; then the results per rater group, the rate with
//! its reason, and the interview or exit case it opens, followed to its
//! end. Raters are not users: `/vote/{code}` needs no sign-in, and each
//! code votes once. Every batch of codes is listed with who issued it and
//! when.
//!
//! Every decision and write is `touyan_office::evaluation`'s: the moves
//! allowed (the buttons shown are its `moves_for`), the counts and codes
//! within the confirmed raters, the rate, closing (the tally and the
//! cases the rates open), ending a case, and a code's vote. This module:
//! the overview, a town's page and its moves, read from the form and
//! handed to the office; `view.rs` what the town's page shows, `codes.rs`
//! the codes the operator asks for (made here, as the sessions' tokens
//! are) and their printed slips, `cases.rs` the cases, `sheet.rs` the
//! printed result sheet, `vote.rs` the voters' page.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use touyan_office::OfficeError;
use touyan_office::evaluation::{self as office, EvalMove, TownHalf};
use touyan_records::model::Labelled;
use touyan_records::{CitizenId, TownCode};
use touyan_storage::Store;

use crate::http::{PageError, SignedForm, SignedIn, TownDesk, act, done};
use crate::scope::{by_from, town_in_scope};

use crate::guard::see_other;
use crate::pages::{Chrome, message_page, render};
use crate::roles::Action;
use crate::state::{AppState, Failure, User};

mod cases;
mod codes;
mod sheet;
mod view;
mod vote;

use view::{failed, page};

pub use codes::{KeptCodes, batch as code_batch};
pub use sheet::print;
pub use touyan_office::evaluation::VOTER;
pub use vote::{vote, vote_form};

fn half_label(half: u8) -> &'static str {
    if half == 1 { "上半年" } else { "下半年" }
}

fn parse_half(s: &str) -> Option<u8> {
    match s.trim() {
        "1" => Some(1),
        "2" => Some(2),
        _ => None,
    }
}

fn parse_year(s: &str) -> Option<i32> {
    s.trim().parse().ok().filter(|y| (2000..=2100).contains(y))
}

// ---------------------------------------------------------------------------
// The overview

#[derive(Deserialize)]
pub struct HalfQuery {
    year: Option<String>,
    half: Option<String>,
}

pub struct TownLine {
    pub code: String,
    pub name: String,
    pub state: &'static str,
    pub open_cases: usize,
}

#[derive(Template)]
#[template(path = "evaluations/overview.html")]
struct OverviewPage {
    chrome: Chrome,
    year: i32,
    half: u8,
    rows: Vec<TownLine>,
}

pub async fn overview(
    State(st): State<AppState>,
    SignedIn { user, .. }: SignedIn<act::Evaluations>,
    Query(q): Query<HalfQuery>,
) -> Result<Response, PageError> {
    let today = st.today();
    let year = match q.year.as_deref().filter(|s| !s.trim().is_empty()) {
        None => Some(today.year()),
        Some(s) => parse_year(s),
    };
    let half = match q.half.as_deref().filter(|s| !s.trim().is_empty()) {
        None => Some(if u8::from(today.month()) <= 6 { 1 } else { 2 }),
        Some(s) => parse_half(s),
    };
    let (Some(year), Some(half)) = (year, half) else {
        return Ok(message_page(
            StatusCode::BAD_REQUEST,
            "年度或半年有误",
            "年度应为四位数字，半年为 1（上半年）或 2（下半年）。",
        ));
    };
    if let Some(t) = user.town_scope() {
        return Ok(see_other(&format!("/evaluations/{year}/{half}/{t}")));
    }
    let desk = st.city_desk(&user, Action::Evaluations)?;
    let store = desk.store();
    let towns = st.reader(&user).towns().await?;
    let evals = store.evaluations(year, half).await?;
    let cases = store.open_cases(None).await?;
    let rows = towns
        .into_iter()
        .map(|(code, name)| TownLine {
            state: evals
                .iter()
                .find(|e| e.town.as_str() == code)
                .map_or("尚未开始", |e| e.state.label()),
            open_cases: cases.iter().filter(|c| c.town.as_str() == code).count(),
            code,
            name,
        })
        .collect();
    Ok(render(
        &OverviewPage {
            chrome: Chrome::new(
                &format!("{year} 年{}胜任度评价", half_label(half)),
                Some(&user),
                "/evaluations",
            ),
            year,
            half,
            rows,
        },
        StatusCode::OK,
    ))
}

// ---------------------------------------------------------------------------
// One town's evaluation

/// A town's half and the town's name.
struct View {
    town_name: String,
    th: TownHalf,
    /// The names of who signed off and issued the codes.
    signers: touyan_office::signers::Signers,
}

/// A person's key on a page: their reference (no ID number in a form).
fn key_of(st: &AppState, p: &CitizenId) -> String {
    st.person_ref(p)
}

async fn load(
    st: &AppState,
    user: &User,
    store: &Store,
    year: i32,
    half: u8,
    town: TownCode,
) -> Result<Option<View>, Failure> {
    let towns = st.reader(user).towns().await?;
    let Some((_, town_name)) = towns.into_iter().find(|(c, _)| c == town.as_str()) else {
        return Ok(None);
    };
    let read = async {
        let th = office::town_half(store, year, half, town).await?;
        let signers = th.signers(store).await?;
        Ok::<_, OfficeError>((th, signers))
    };
    match read.await {
        Ok((th, signers)) => Ok(Some(View {
            town_name,
            th,
            signers,
        })),
        Err(OfficeError::Store(e)) => Err(e.into()),
        Err(e) => Err(Failure::Internal(e.to_string())),
    }
}

/// The evaluation a path names, with the desk of its town (404 for a
/// town the user does not see).
async fn open_view<'s>(
    st: &'s AppState,
    user: &User,
    year: &str,
    half: &str,
    town: &str,
) -> Result<(TownDesk<'s>, View), PageError> {
    let town = town_in_scope(user, town).ok_or(PageError::NotFound)?;
    let (Some(year), Some(half)) = (parse_year(year), parse_half(half)) else {
        return Err(PageError::NotFound);
    };
    let desk = st.town_desk(user, Action::Evaluations, &town)?;
    let store = desk.store();
    let v = load(st, user, store, year, half, town)
        .await?
        .ok_or(PageError::NotFound)?;
    Ok((desk, v))
}

pub async fn town_page(
    State(st): State<AppState>,
    SignedIn { user, .. }: SignedIn<act::Evaluations>,
    Path((year, half, town)): Path<(String, String, String)>,
) -> Result<Response, PageError> {
    let (_, v) = open_view(&st, &user, &year, &half, &town).await?;
    Ok(render(&page(&st, &user, v, None), StatusCode::OK))
}

/// `POST /evaluations/{year}/{half}/{town}`: `action` is a move (open,
/// paper, codes, close), a case move (`case_hold`, `case_confirm`,
/// `case_dismiss` with `person`, `note`, `date`) or `codes_again` (a
/// batch issued again, with `batch` and `confirm`: `codes.rs`). Declared raters come
/// as `raters_<person ref>_<group>`, paper counts as
/// `paper_<person ref>_<group>_<0|1|2>`, codes as `codes_<group>` (how
/// many per secretary); confirmations with the `version` seen.
pub async fn town_move(
    State(st): State<AppState>,
    Path((year, half, town)): Path<(String, String, String)>,
    SignedForm {
        user, origin, form, ..
    }: SignedForm<act::Evaluations, Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let field = |name: &str| crate::scope::field(&form, name);
    let (desk, v) = open_view(&st, &user, &year, &half, &town).await?;
    let store = desk.store();
    let by = by_from(&user, &origin);
    let action = field("action");
    if let Some(case) = action.strip_prefix("case_") {
        return Ok(cases::case_move(&st, &user, by, store, v, case, &form).await);
    }
    if action == "codes_again" {
        return Ok(codes::reissue(&st, &user, store, by, v, &form).await);
    }
    let Some(mv) = EvalMove::ALL.into_iter().find(|m| m.code() == action) else {
        return Ok(failed(
            &st,
            &user,
            v,
            OfficeError::Invalid("未指明要办理的操作".into()),
        ));
    };
    let seen = office::seen_state(field("seen"));
    let th = &v.th;
    let here = format!("/evaluations/{}/{}/{}", th.year, th.half, th.town.as_str());
    let today = st.today();
    let outcome = match mv {
        EvalMove::Open => office::open(store, by, th, seen, today).await.map(drop),
        EvalMove::Close => office::close(store, by, st.policy(), th, seen, today)
            .await
            .map(drop),
        EvalMove::DeclareRaters => office::declare_raters(store, by, th, seen, |p, g| {
            field(&format!("raters_{}_{}", key_of(&st, p), g.code()))
        })
        .await
        .map(drop),
        EvalMove::ConfirmRaters | EvalMove::ConfirmPaper => {
            office::confirm(store, by, th, seen, mv, field("version"))
                .await
                .map(drop)
        }
        EvalMove::EnterPaper => office::enter_paper(store, by, th, seen, |p, g, i| {
            field(&format!("paper_{}_{}_{i}", key_of(&st, p), g.code()))
        })
        .await
        .map(drop),
        EvalMove::IssueCodes => {
            let asked = office::ask_codes(&by, th, seen, |g| field(&format!("codes_{}", g.code())))
                .and_then(|asked| codes::another_batch_confirmed(th, field("confirm"), asked));
            return Ok(match asked {
                Ok(asked) => codes::issue(&st, &user, store, by, v, asked).await,
                Err(e) => failed(&st, &user, v, e),
            });
        }
    };
    let said = format!(
        "已{}：{} {} 年{}胜任度评价",
        mv.label(),
        v.town_name,
        th.year,
        half_label(th.half)
    );
    Ok(match outcome {
        Ok(()) => done(&here, &said),
        Err(e) => failed(&st, &user, v, e),
    })
}
