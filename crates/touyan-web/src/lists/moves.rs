//! The posts of the lists: the year's proposal decided again
//! (`POST /lists/propose`) and one move of a town's review
//! (`POST /lists/{year}/{town}`), refused with the page and the reason.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use touyan_office::propose::{self, Options, Quiet};
use touyan_office::{By, OfficeError};
use touyan_records::model::{Labelled, ListMoveKind};
use touyan_storage::{ListChange, StoreError};
use touyan_workflow::Refusal;
use touyan_workflow::art01_13_list as flow;

use super::tier_text;
use super::town::page;
use super::view::{View, load};
use crate::guard::see_other;
use crate::http::{HasCsrf, PageError, SignedForm, act};
use crate::pages::{message_page, not_found_page, render};
use crate::roles::Action;
use crate::scope::{actor, town_in_scope};
use crate::state::{AppState, User};

#[derive(Deserialize, Default)]
pub struct ProposeForm {
    csrf: Option<String>,
    year: Option<String>,
    /// A city user's one town (empty: every town); a town's user is
    /// always their own town.
    town: Option<String>,
}

impl HasCsrf for ProposeForm {
    fn csrf(&self) -> Option<&str> {
        self.csrf.as_deref()
    }
}

/// `POST /lists/propose`: the year's proposal decided again and stored
/// (the yearly adjustment: `touyan_office::propose::year`, the same run as `touyan
/// cycle --year`) for every town, or for one; filed lists are not
/// touched. Then the town's list, or the overview.
pub async fn propose(
    State(st): State<AppState>,
    SignedForm {
        user,
        origin,
        form: f,
        ..
    }: SignedForm<act::Propose, ProposeForm>,
) -> Result<Response, PageError> {
    let Some(year) = crate::scope::year_of(&st, f.year.as_deref()) else {
        return Ok(message_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            "年度有误",
            "年度应为四位数字，如 2026。",
        ));
    };
    let town =
        crate::scope::page_town(&user, f.town.as_deref()).map_err(|()| PageError::NotFound)?;
    let desk = st.desk_of(&user, Action::Propose, town.as_ref())?;
    let store = desk.store();
    if let Some(t) = town {
        let towns = st.reader(&user).towns().await?;
        if !towns.iter().any(|(c, _)| c == t.as_str()) {
            return Err(PageError::NotFound);
        }
    }
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let by = By {
        actor: actor(&user),
        name: &user.username,
        origin: Some(&origin),
    };
    let options = Options {
        threads,
        free_records: true,
        progress: std::sync::Arc::new(Quiet),
    };
    Ok(
        match propose::year(store, by, year, town, st.policy(), options).await {
            Ok(_) => see_other(&match town {
                Some(t) => format!("/lists/{year}/{}", t.as_str()),
                None => format!("/lists?year={year}"),
            }),
            Err(OfficeError::NotFound) => return Err(PageError::NotFound),
            Err(OfficeError::Store(e)) => return Err(e.into()),
            Err(e) => message_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                "未能生成建议名单",
                &e.to_string(),
            ),
        },
    )
}

fn refusal(user: &User, v: View, r: Refusal) -> Response {
    let status = match &r {
        Refusal::NotFound => return not_found_page(),
        Refusal::Forbidden(_) => StatusCode::FORBIDDEN,
        Refusal::Conflict(_) => StatusCode::CONFLICT,
        Refusal::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
    };
    render(&page(user, v, Some(r.to_string())), status)
}

/// `POST /lists/{year}/{town}`: one move, named by the `action` field,
/// with the state the user saw (`seen`), a `comment`, and for a save or a
/// confirmation the town's choices (`tier_<village>`: "" for not listed or
/// 1–3, `reason_<village>`; a village not named keeps what it has).
/// `action=reset` saves the proposal itself.
// One piece: one move of a list: read the form, check with the workflow, write, answer — each refusal returns its page early.
pub async fn town_move(
    State(st): State<AppState>,
    Path((year, town)): Path<(String, String)>,
    SignedForm {
        user, origin, form, ..
    }: SignedForm<act::Lists, Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let field = |name: &str| crate::scope::field(&form, name);
    let town = town_in_scope(&user, &town).ok_or(PageError::NotFound)?;
    let year = crate::scope::year_of(&st, Some(&year)).ok_or(PageError::NotFound)?;
    let desk = st.town_desk(&user, Action::Lists, &town)?;
    let store = desk.store();
    let mut v = match load(&st, &user, store, year, town).await? {
        Err(m) if m.is_empty() => return Err(PageError::NotFound),
        Err(m) => return Ok(message_page(StatusCode::NOT_FOUND, "尚无测算结果", &m)),
        Ok(v) => v,
    };
    // "reset": a save of the proposal itself (the choices and reasons
    // typed so far are dropped).
    let reset = field("action") == "reset";
    let wanted = if reset { "save" } else { field("action") };
    let Some(kind) = ListMoveKind::ALL
        .iter()
        .copied()
        .find(|k| k.code() == wanted)
    else {
        return Ok(refusal(
            &user,
            v,
            Refusal::Invalid("未指明要办理的操作".into()),
        ));
    };
    let comment = field("comment").trim().to_owned();
    if comment.chars().count() > 500 {
        return Ok(refusal(
            &user,
            v,
            Refusal::Invalid("意见或理由不能超过 500 字".into()),
        ));
    }
    if let Err(r) = flow::check_move(&actor(&user), town.as_str(), v.current, kind, &comment) {
        return Ok(refusal(&user, v, r));
    }
    if field("seen") != v.current.map_or("none", |s| s.code()) {
        return Ok(refusal(
            &user,
            v,
            Refusal::Conflict("名单已被他人处理，状态已经改变，请核对后重新办理".into()),
        ));
    }
    // A proposal decided under another policy than the one in force is
    // checked here under the one in force: the list cannot go forward on
    // such a mix (a draft may still be saved).
    if let Some(note) = &v.policy_note
        && matches!(
            kind,
            ListMoveKind::Confirm | ListMoveKind::Submit | ListMoveKind::File
        )
    {
        let m = note.clone();
        return Ok(refusal(&user, v, Refusal::Conflict(m)));
    }
    let takes_form = matches!(kind, ListMoveKind::Save | ListMoveKind::Confirm);
    if reset {
        for r in &mut v.rows {
            r.chosen = r.proposed;
            r.reason.clear();
            r.departs = false;
            r.chosen_text = tier_text(r.chosen);
        }
    } else if takes_form {
        let sent = |name: String| form.iter().find(|(k, _)| *k == name).map(|(_, v)| v.trim());
        // A row the form does not name keeps its choice and reason.
        for r in &mut v.rows {
            if let Some(tier) = sent(format!("tier_{}", r.village)) {
                r.chosen = match tier {
                    "" => None,
                    "1" => Some(1),
                    "2" => Some(2),
                    "3" => Some(3),
                    _ => {
                        let m = format!(
                            "{} 的档次“{}”无效，应为一档、二档、三档或不列入",
                            r.village_name,
                            tier.chars().take(10).collect::<String>()
                        );
                        return Ok(refusal(&user, v, Refusal::Invalid(m)));
                    }
                };
            }
            if let Some(reason) = sent(format!("reason_{}", r.village)) {
                r.reason = reason.chars().take(500).collect();
            }
            r.departs = r.chosen != r.proposed;
            r.chosen_text = tier_text(r.chosen);
        }
    }
    // Confirming, submitting and filing need a list that meets the rules.
    if matches!(
        kind,
        ListMoveKind::Confirm | ListMoveKind::Submit | ListMoveKind::File
    ) {
        let findings = v.findings();
        if let Some(first) = findings.first() {
            let m = format!(
                "名单有 {} 处不符合规定或缺少理由，不能“{}”：{}（{}）",
                findings.len(),
                kind.label(),
                first.message,
                first.citation
            );
            return Ok(refusal(&user, v, Refusal::Invalid(m)));
        }
    }
    let moved = match flow::check_move(&actor(&user), town.as_str(), v.current, kind, &comment) {
        Ok(m) => m,
        Err(r) => return Ok(refusal(&user, v, r)),
    };
    let change = ListChange {
        year,
        town,
        expected: v.review.as_ref().map(|r| r.state),
        kind,
        to: moved.to,
        new_version: moved.new_version,
        comment,
        drafts: (takes_form || kind == ListMoveKind::Adjust).then(|| v.drafts()),
        filed: (kind == ListMoveKind::File).then(|| v.filed_entries()),
    };
    Ok(
        match store
            .move_list(&user.username, Some(&origin), &change)
            .await
        {
            Ok(_) => see_other(&format!("/lists/{year}/{}", town.as_str())),
            Err(StoreError::Invalid(m)) => refusal(&user, v, Refusal::Conflict(m)),
            Err(e @ StoreError::Stale) => refusal(&user, v, Refusal::Conflict(e.to_string())),
            Err(e) => return Err(e.into()),
        },
    )
}
