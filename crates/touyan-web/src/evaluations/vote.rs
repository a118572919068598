//! Voting, without signing in: `/vote/{code}` shows whom a code evaluates
//! and takes its one vote (`Store::vote` keeps nothing that joins the
//! code to the choice).

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use touyan_records::model::{Choice, EvalState, Labelled, VoteToken};
use touyan_storage::StoreError;

use crate::pages::{Chrome, internal, render};
use crate::state::{AppState, Failure};

#[derive(Template)]
#[template(path = "vote.html")]
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

/// The voter's view of a code: who is evaluated, or why not.
async fn code_view(
    st: &AppState,
    token: &str,
) -> Result<Result<(VoteToken, String), String>, Failure> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(Err("投票码无效".into()));
    }
    let store = st.vote_store();
    let Some((code, state)) = store.vote_code(&crate::auth::token_hash(token)).await? else {
        return Ok(Err("投票码无效".into()));
    };
    if state != EvalState::Open {
        return Ok(Err("本次评价已经结束，不能再投票".into()));
    }
    if code.used {
        return Ok(Err("该投票码已经投过票，每个投票码只能投一次".into()));
    }
    let who = store
        .listed_name(code.year, code.town, &code.person)
        .await?
        .unwrap_or_default();
    Ok(Ok((code, who)))
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
        Ok(Ok((code, who))) => vote_page(token, who, code.group.label(), None, StatusCode::OK),
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
    let (code, who) = match code_view(&st, &token).await {
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
    let Some(choice) = Choice::ALL.iter().copied().find(|c| c.code() == wanted) else {
        return vote_page(
            token,
            who,
            code.group.label(),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    match st.vote_store().vote(VOTER, &code.token_hash, choice).await {
        Ok(true) => vote_page(
            String::new(),
            who,
            code.group.label(),
            Some("投票成功，谢谢参与。本投票码已失效。".into()),
            StatusCode::OK,
        ),
        Ok(false) | Err(StoreError::Invalid(_)) => vote_page(
            String::new(),
            who,
            code.group.label(),
            Some("该投票码已经投过票，或评价已经结束".into()),
            StatusCode::CONFLICT,
        ),
        Err(e) => internal(e.into()),
    }
}

/// Who the change log names for an anonymous vote.
pub const VOTER: &str = "匿名评价人";
