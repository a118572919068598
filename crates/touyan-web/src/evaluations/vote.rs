//! Voting, without signing in: `/vote/{code}` shows whom a code evaluates
//! and takes its one vote, both the office's (`touyan_office::evaluation`
//! `ballot` and `vote`; the store keeps nothing that joins the code to
//! the choice). This page checks the code's shape and hashes it.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use touyan_office::OfficeError;
use touyan_office::evaluation::{self as office, Ballot};
use touyan_records::model::{Choice, Labelled};

use crate::pages::{Chrome, internal, render};
use crate::state::{AppState, Failure};

#[derive(Template)]
#[template(path = "evaluations/vote.html")]
struct VotePage {
    chrome: Chrome,
    token: String,
    who: String,
    group: &'static str,
    done: Option<String>,
    choices: Vec<(&'static str, &'static str)>,
}

fn vote_page(
    token: String,
    who: String,
    group: &'static str,
    done: Option<String>,
    status: StatusCode,
) -> Response {
    render(
        &VotePage {
            chrome: Chrome::new("村党组织书记胜任度评价", None, ""),
            token,
            who,
            group,
            done,
            choices: Choice::ALL.iter().map(|c| (c.code(), c.label())).collect(),
        },
        status,
    )
}

/// What a voter is told of a code that is not one.
const NO_CODE: &str = "投票码无效";

/// The voter's view of a code: whom it evaluates, or why it may not
/// vote (the office's `ballot`).
async fn code_view(st: &AppState, token: &str) -> Result<Result<Ballot, String>, Failure> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(Err(NO_CODE.into()));
    }
    match office::ballot(st.vote_store(), &crate::auth::token_hash(token)).await {
        Ok(b) => Ok(Ok(b)),
        Err(OfficeError::NotFound) => Ok(Err(NO_CODE.into())),
        Err(OfficeError::Store(e)) => Err(e.into()),
        Err(e) => Ok(Err(e.to_string())),
    }
}

pub async fn vote_form(State(st): State<AppState>, Path(token): Path<String>) -> Response {
    match code_view(&st, &token).await {
        Err(e) => internal(e),
        Ok(Err(m)) => vote_page(
            String::new(),
            String::new(),
            "",
            Some(m),
            StatusCode::NOT_FOUND,
        ),
        Ok(Ok(b)) => vote_page(token, b.who, b.code.group.label(), None, StatusCode::OK),
    }
}

#[derive(Deserialize, Default)]
pub struct VoteForm {
    choice: Option<String>,
}

pub async fn vote(
    State(st): State<AppState>,
    Path(token): Path<String>,
    Form(f): Form<VoteForm>,
) -> Response {
    let ballot = match code_view(&st, &token).await {
        Err(e) => return internal(e),
        Ok(Err(m)) => {
            return vote_page(
                String::new(),
                String::new(),
                "",
                Some(m),
                StatusCode::CONFLICT,
            );
        }
        Ok(Ok(x)) => x,
    };
    let wanted = f.choice.unwrap_or_default();
    let group = ballot.code.group.label();
    let Some(choice) = Choice::ALL.iter().copied().find(|c| c.code() == wanted) else {
        return vote_page(
            token,
            ballot.who,
            group,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    match office::vote(st.vote_store(), &ballot, choice).await {
        Ok(()) => vote_page(
            String::new(),
            ballot.who,
            group,
            Some("投票成功，谢谢参与。本投票码已失效。".into()),
            StatusCode::OK,
        ),
        Err(OfficeError::Store(e)) => internal(e.into()),
        Err(e) => vote_page(
            String::new(),
            ballot.who,
            group,
            Some(e.to_string()),
            StatusCode::CONFLICT,
        ),
    }
}
