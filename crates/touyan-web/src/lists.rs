//! The yearly list pages (issue 5, item 1; Articles 1 and 13): the city's
//! overview of every town's list, a town's list with the proposal beside
//! the town's choices and each check's reason, the moves of its review,
//! and the filing form for printing (item 7).
//!
//! Which move is allowed to whom is decided by `touyan_workflow::
//! art01_13_list` alone; what a settled list must meet by its
//! `check_draft` (the rules crate's articles). This module reads, shows and
//! writes. Town roles see only their town: another town's list answers as
//! a missing page.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use touyan_office::propose::{self, Options, Quiet};
use touyan_office::{By, OfficeError};
use touyan_records::TownCode;
use touyan_records::model::{
    Labelled, ListDraft, ListEntry, ListMoveKind, ListReview, ListStatus, ReviewState,
};
use touyan_rules::art01_inclusion;
use touyan_rules::art13_pay;
use touyan_storage::{CycleSecretary, CycleTownRun, ListChange, ListMoveRun, Store, StoreError};
use touyan_workflow::Refusal;
use touyan_workflow::art01_13_list::{self as flow, Finding, Line};

use crate::scope::{actor, town_in_scope};

use crate::guard::{csrf_ok, see_other};
use crate::pages::{
    Chrome, csrf_refused, internal, masked, message_page, not_found_page, render, signed_in,
};
use crate::roles::Action;
use crate::state::{AppState, Failure, User, china_time, client_addr};

#[derive(Deserialize)]
pub struct YearQuery {
    year: Option<String>,
}

/// The year asked for, or this year.
fn state_label(s: Option<ReviewState>) -> &'static str {
    s.map_or("未启动（仅有测算结果）", |s| s.label())
}

fn tier_text(t: Option<u8>) -> String {
    t.map_or_else(
        || "不列入".to_owned(),
        |t| format!("{}档", art13_pay::tier_zh(t)),
    )
}

// ---------------------------------------------------------------------------
// The city's overview

pub struct TownLine {
    pub code: String,
    pub name: String,
    pub quota: String,
    pub proposed: String,
    pub state: &'static str,
    pub version: String,
    pub filed: usize,
}

#[derive(Template)]
#[template(path = "lists.html")]
struct ListsPage {
    chrome: Chrome,
    year: i32,
    rows: Vec<TownLine>,
    may_propose: bool,
}

pub async fn overview(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<YearQuery>,
) -> Response {
    let user = match signed_in(&st, &headers, Action::Lists).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let Some(year) = crate::scope::year_of(&st, q.year.as_deref()) else {
        return message_page(
            StatusCode::BAD_REQUEST,
            "年度有误",
            "年度应为四位数字，如 2026。",
        );
    };
    if let Some(t) = user.town_scope() {
        return see_other(&format!("/lists/{year}/{t}"));
    }
    let Some(store) = st.unscoped_for(&user, Action::Lists) else {
        return crate::pages::forbidden();
    };
    match overview_rows(&st, &user, store, year).await {
        Ok(rows) => render(
            &ListsPage {
                chrome: Chrome::new(&format!("{year} 年度专业化管理名单"), Some(&user), "/lists"),
                year,
                rows,
                may_propose: user.may(Action::Propose),
            },
            StatusCode::OK,
        ),
        Err(e) => internal(e),
    }
}

async fn overview_rows(
    st: &AppState,
    user: &User,
    store: &Store,
    year: i32,
) -> Result<Vec<TownLine>, Failure> {
    let reader = st.reader(user);
    let towns = reader.towns().await?;
    let runs = store.cycle_towns(year, None).await?;
    let reviews = store.list_reviews(year).await?;
    let filed = store.filed_counts(year).await?;
    Ok(towns
        .into_iter()
        .map(|(code, name)| {
            let run = runs.iter().find(|r| r.town.town.as_str() == code);
            let review = reviews.iter().find(|r| r.town.as_str() == code);
            let filed = filed.get(&code).copied().unwrap_or(0);
            let state = review
                .map(|r| r.state)
                .or_else(|| (filed > 0).then_some(ReviewState::Filed));
            TownLine {
                quota: run.map_or_else(|| "未测算".into(), |r| r.town.inclusion_quota.to_string()),
                proposed: run.map_or_else(String::new, |r| r.town.included.to_string()),
                state: state_label(state),
                version: review.map_or_else(String::new, |r| format!("第 {} 版", r.version)),
                filed,
                code,
                name,
            }
        })
        .collect())
}

// ---------------------------------------------------------------------------
// One town's list

/// One inclusion check as the page shows it.
pub struct CheckView {
    pub title: String,
    pub citation: String,
    pub passed: bool,
    pub detail: String,
}

/// One secretary's row.
pub struct RowView {
    pub village: String,
    pub village_name: String,
    pub person_name: String,
    pub person_id: String,
    pub person_ref: String,
    pub stars: String,
    pub eligible: bool,
    pub checks: Vec<CheckView>,
    pub place: String,
    pub proposed: Option<u8>,
    pub proposed_text: String,
    pub chosen: Option<u8>,
    pub chosen_text: String,
    pub reason: String,
    pub departs: bool,
}

pub struct MoveView {
    pub seq: u32,
    pub label: &'static str,
    pub to: &'static str,
    pub comment: String,
    pub by: String,
    pub at: String,
}

pub struct Button {
    /// The `action` sent; "reset" saves the proposal itself.
    pub code: &'static str,
    pub label: &'static str,
    pub needs_comment: bool,
}

/// Everything a town's list page shows.
struct View {
    year: i32,
    town: TownCode,
    town_name: String,
    run: CycleTownRun,
    /// The policy in force on the proposal's decision day: the list's
    /// findings are decided under it (a list cannot be loaded without it,
    /// so there is no page that shows "no findings" for want of a policy).
    params: touyan_rules::Params,
    /// `None`: the cycle's policy is not the server's.
    quota_text: String,
    places_text: String,
    policy_note: Option<String>,
    review: Option<ListReview>,
    current: Option<ReviewState>,
    rows: Vec<RowView>,
    /// (title, passed) of each row's checks, for `check_draft`.
    checks: Vec<Vec<(String, bool)>>,
    stars: Vec<u32>,
    people: Vec<touyan_records::CitizenId>,
    moves: Vec<ListMoveRun>,
    filed: Vec<ListEntry>,
}

/// The checks of a stored proposal, as the page shows them and as
/// `check_draft` reads them ((title, passed) each). A proposal whose
/// reasons cannot be read shows one line saying so, and the draft checks
/// go by its stored eligibility instead of blaming a check.
fn checks_of(s: &CycleSecretary) -> (Vec<CheckView>, Vec<(String, bool)>) {
    match touyan_cycle::stored::check_lines(&s.checks_json) {
        Ok(lines) => {
            let views: Vec<CheckView> = lines
                .into_iter()
                .map(|c| CheckView {
                    title: c
                        .rule
                        .map_or_else(|| c.name.clone(), |r| r.title.to_owned()),
                    citation: c.rule.map(|r| r.citation()).unwrap_or_default(),
                    passed: c.passed,
                    detail: c.detail,
                })
                .collect();
            let draft = views.iter().map(|c| (c.title.clone(), c.passed)).collect();
            (views, draft)
        }
        Err(e) => (
            vec![CheckView {
                title: "判定理由".to_owned(),
                citation: String::new(),
                passed: false,
                detail: format!("{e}，请重新测算"),
            }],
            vec![("测算判定，理由无法读取".to_owned(), s.eligible)],
        ),
    }
}

/// Reads a town's list of `year`; `None` when the town is not on record
/// or has no stored proposal for the year (`Err` message for the latter).
async fn load(
    st: &AppState,
    user: &User,
    store: &Store,
    year: i32,
    town: TownCode,
) -> Result<Result<View, String>, Failure> {
    let towns = st.reader(user).towns().await?;
    let Some((_, town_name)) = towns.into_iter().find(|(c, _)| c == town.as_str()) else {
        return Ok(Err(String::new()));
    };
    let Some(run) = store
        .cycle_towns(year, Some(town))
        .await?
        .into_iter()
        .next()
    else {
        return Ok(Err(format!(
            "{town_name} {year} 年度尚无测算结果：先生成本年度建议名单（年初调整，第十三条），再在此审核名单。"
        )));
    };
    let policy = st.policy();
    let params = policy
        .resolve(run.town.as_of)
        .map_err(|e| Failure::Internal(format!("政策参数无法用于 {}：{e}", run.town.as_of)))?;
    let policy_note = (run.town.policy_id != policy.id).then(|| {
        format!(
            "本测算使用政策“{}”，与当前政策“{}”不同，请重新测算后再确定名单。",
            run.town.policy_id, policy.id
        )
    });
    let quota = art01_inclusion::quota(&params, run.town.village_count);
    let quota_text = format!("{}（{}）", quota.reason, quota.rule.citation());
    let secretaries = store.cycle_secretaries(year, Some(town)).await?;
    let names: HashMap<String, touyan_storage::ProposalNames> = store
        .proposal_names(year, town)
        .await?
        .into_iter()
        .map(|n| (n.village.clone(), n))
        .collect();
    let review = store.list_review(year, town).await?;
    let drafts = store.list_drafts(year, town).await?;
    let filed = store.filed_list(year, town).await?;
    let moves = store.list_moves(year, town).await?;
    let current = review
        .as_ref()
        .map(|r| r.state)
        .or_else(|| (!filed.is_empty()).then_some(ReviewState::Filed));
    let draft_of: HashMap<&str, &ListDraft> =
        drafts.iter().map(|d| (d.village.as_str(), d)).collect();
    let filed_of: HashMap<&str, &ListEntry> =
        filed.iter().map(|e| (e.village.as_str(), e)).collect();
    let mut rows = Vec::with_capacity(secretaries.len());
    let mut checks = Vec::with_capacity(secretaries.len());
    let mut stars = Vec::with_capacity(secretaries.len());
    let mut people = Vec::with_capacity(secretaries.len());
    for s in &secretaries {
        let v = s.village.as_str();
        let (chosen, reason) = if review.is_some() {
            draft_of
                .get(v)
                .map_or((None, String::new()), |d| (d.tier, d.reason.clone()))
        } else if current == Some(ReviewState::Filed) {
            (filed_of.get(v).map(|e| e.tier), String::new())
        } else {
            (s.tier, String::new())
        };
        let n = names.get(v);
        let star = n.and_then(|n| n.stars);
        let (cs, for_draft) = checks_of(s);
        checks.push(for_draft);
        stars.push(u32::from(star.unwrap_or(0)));
        people.push(s.person.clone());
        rows.push(RowView {
            village: v.to_owned(),
            village_name: n.map_or_else(|| v.to_owned(), |n| n.village_name.clone()),
            person_name: n.map_or_else(String::new, |n| n.person_name.clone()),
            person_id: masked(&s.person),
            person_ref: st.person_ref(&s.person),
            stars: star.map_or_else(|| "无记录".into(), |s| format!("{s} 星")),
            eligible: s.eligible,
            checks: cs,
            place: s.place.map_or_else(String::new, |p| p.to_string()),
            proposed: s.tier,
            proposed_text: tier_text(s.tier),
            chosen,
            chosen_text: tier_text(chosen),
            departs: chosen != s.tier,
            reason,
        });
    }
    let places = art13_pay::tier_places(&params, run.town.included);
    let places_text = format!("{}（{}）", places.reason, places.rule.citation());
    Ok(Ok(View {
        params,
        year,
        town,
        town_name,
        run,
        quota_text,
        places_text,
        policy_note,
        review,
        current,
        rows,
        checks,
        stars,
        people,
        moves,
        filed,
    }))
}

impl View {
    /// The findings of the rows as they stand (with the given choices).
    fn findings(&self) -> Vec<Finding> {
        let params = &self.params;
        let quota = art01_inclusion::quota(params, self.run.town.village_count);
        let who: Vec<String> = self
            .rows
            .iter()
            .map(|r| format!("{} {}", r.village_name, r.person_name))
            .collect();
        let lines: Vec<Line<'_>> = self
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| Line {
                village: &r.village,
                who: &who[i],
                checks: &self.checks[i],
                stars: self.stars[i],
                proposed: r.proposed,
                chosen: r.chosen,
                reason: &r.reason,
            })
            .collect();
        flow::check_draft(params, &quota, &lines)
    }

    fn drafts(&self) -> Vec<ListDraft> {
        self.rows
            .iter()
            .zip(&self.people)
            .filter_map(|(r, p)| {
                Some(ListDraft {
                    year: self.year,
                    village: touyan_records::VillageCode::parse(&r.village).ok()?,
                    town: self.town,
                    person: p.clone(),
                    tier: r.chosen,
                    reason: r.reason.trim().to_owned(),
                })
            })
            .collect()
    }

    fn filed_entries(&self) -> Vec<ListEntry> {
        self.drafts()
            .into_iter()
            .filter_map(|d| {
                Some(ListEntry {
                    town: d.town,
                    year: d.year,
                    person: d.person,
                    village: d.village,
                    tier: d.tier?,
                    status: ListStatus::Filed,
                })
            })
            .collect()
    }
}

#[derive(Template)]
#[template(path = "list.html")]
struct ListPage {
    chrome: Chrome,
    year: i32,
    town: String,
    town_name: String,
    state: &'static str,
    state_code: String,
    version: String,
    comment: String,
    run_by: String,
    run_at: String,
    as_of: String,
    policy_id: String,
    policy_note: Option<String>,
    quota_text: String,
    places_text: String,
    counts: String,
    editable: bool,
    rows: Vec<RowView>,
    findings: Vec<Finding>,
    error: Option<String>,
    buttons: Vec<Button>,
    moves: Vec<MoveView>,
    filed_count: usize,
    may_propose: bool,
}

fn page(user: &User, v: View, error: Option<String>) -> ListPage {
    let findings = if flow::editable(v.current)
        || v.current == Some(ReviewState::Confirmed)
        || v.current == Some(ReviewState::Submitted)
    {
        v.findings()
    } else {
        Vec::new()
    };
    let editable = flow::editable(v.current)
        && flow::check_move(
            &actor(user),
            v.town.as_str(),
            v.current,
            ListMoveKind::Save,
            "",
        )
        .is_ok();
    let mut buttons: Vec<Button> = flow::moves_for(&actor(user), v.town.as_str(), v.current)
        .into_iter()
        .map(|k| Button {
            code: k.code(),
            label: k.label(),
            needs_comment: matches!(
                k,
                ListMoveKind::SendBack | ListMoveKind::Return | ListMoveKind::Adjust
            ),
        })
        .collect();
    if editable {
        buttons.push(Button {
            code: "reset",
            label: "采用测算结果",
            needs_comment: false,
        });
    }
    let listed = v.rows.iter().filter(|r| r.chosen.is_some()).count();
    let mut tiers = [0; 3];
    for r in &v.rows {
        if let Some(t) = r.chosen {
            tiers[usize::from(t.clamp(1, 3)) - 1] += 1;
        }
    }
    ListPage {
        chrome: Chrome::new(
            &format!("{} {} 年度专业化管理名单", v.town_name, v.year),
            Some(user),
            "/lists",
        ),
        year: v.year,
        town: v.town.as_str().to_owned(),
        town_name: v.town_name,
        state: state_label(v.current),
        state_code: v.current.map_or("none", |s| s.code()).to_owned(),
        version: v
            .review
            .as_ref()
            .map_or_else(String::new, |r| format!("第 {} 版", r.version)),
        comment: v
            .review
            .as_ref()
            .map(|r| r.comment.clone())
            .unwrap_or_default(),
        run_by: v.run.run_by.clone(),
        run_at: china_time(v.run.run_at),
        as_of: v.run.town.as_of.to_string(),
        policy_id: v.run.town.policy_id.clone(),
        policy_note: v.policy_note,
        quota_text: v.quota_text,
        places_text: v.places_text,
        counts: format!(
            "确定列入 {listed} 人：一档 {} 人、二档 {} 人、三档 {} 人（测算列入 {} 人）",
            tiers[0], tiers[1], tiers[2], v.run.town.included
        ),
        editable,
        rows: v.rows,
        findings,
        error,
        buttons,
        moves: v
            .moves
            .into_iter()
            .map(|m| MoveView {
                seq: m.entry.seq,
                label: m.entry.kind.label(),
                to: m.entry.to.label(),
                comment: m.entry.comment,
                by: m.by,
                at: china_time(m.at),
            })
            .collect(),
        filed_count: v.filed.len(),
        may_propose: user.may(Action::Propose),
    }
}

pub async fn town_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((year, town)): Path<(String, String)>,
) -> Response {
    let user = match signed_in(&st, &headers, Action::Lists).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let Some(town) = town_in_scope(&user, &town) else {
        return not_found_page();
    };
    let Some(year) = crate::scope::year_of(&st, Some(&year)) else {
        return not_found_page();
    };
    let Some(store) = st.unscoped_for(&user, Action::Lists) else {
        return crate::pages::forbidden();
    };
    match load(&st, &user, store, year, town).await {
        Err(e) => internal(e),
        Ok(Err(m)) if m.is_empty() => not_found_page(),
        Ok(Err(m)) => render(
            &NoRunPage {
                chrome: Chrome::new("尚无测算结果", Some(&user), "/lists"),
                message: m,
                year,
                town: town.as_str().to_owned(),
                may_propose: user.may(Action::Propose),
            },
            StatusCode::NOT_FOUND,
        ),
        Ok(Ok(v)) => render(&page(&user, v, None), StatusCode::OK),
    }
}

/// A town's year with no proposal yet: why, and (for whoever may) the
/// button that decides it.
#[derive(Template)]
#[template(path = "list_none.html")]
struct NoRunPage {
    chrome: Chrome,
    message: String,
    year: i32,
    town: String,
    may_propose: bool,
}

#[derive(Deserialize, Default)]
pub struct ProposeForm {
    csrf: Option<String>,
    year: Option<String>,
    /// A city user's one town (empty: every town); a town's user is
    /// always their own town.
    town: Option<String>,
}

/// `POST /lists/propose`: the year's proposal decided again and stored
/// (the yearly adjustment: `touyan_office::propose::year`, the same run as `touyan
/// cycle --year`) for every town, or for one; filed lists are not
/// touched. Then the town's list, or the overview.
pub async fn propose(
    State(st): State<AppState>,
    parts: Parts,
    Form(f): Form<ProposeForm>,
) -> Response {
    let user = match signed_in(&st, &parts.headers, Action::Propose).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    if !csrf_ok(&user, f.csrf.as_deref()) {
        return csrf_refused();
    }
    let Some(year) = crate::scope::year_of(&st, f.year.as_deref()) else {
        return message_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            "年度有误",
            "年度应为四位数字，如 2026。",
        );
    };
    let Ok(town) = crate::scope::page_town(&user, f.town.as_deref()) else {
        return not_found_page();
    };
    let Some(store) = st.unscoped_for(&user, Action::Propose) else {
        return crate::pages::forbidden();
    };
    if let Some(t) = town {
        match st.reader(&user).towns().await {
            Ok(towns) if towns.iter().any(|(c, _)| c == t.as_str()) => {}
            Ok(_) => return not_found_page(),
            Err(e) => return internal(e.into()),
        }
    }
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let by = By {
        actor: actor(&user),
        name: &user.username,
        origin: Some(&client_addr(&parts)),
    };
    let options = Options {
        threads,
        free_records: true,
        progress: std::sync::Arc::new(Quiet),
    };
    match propose::year(store, by, year, town, st.policy(), options).await {
        Ok(_) => see_other(&match town {
            Some(t) => format!("/lists/{year}/{}", t.as_str()),
            None => format!("/lists?year={year}"),
        }),
        Err(OfficeError::NotFound) => not_found_page(),
        Err(OfficeError::Store(e)) => internal(e.into()),
        Err(e) => message_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            "未能生成建议名单",
            &e.to_string(),
        ),
    }
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
pub async fn town_move(
    State(st): State<AppState>,
    parts: Parts,
    Path((year, town)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let user = match signed_in(&st, &parts.headers, Action::Lists).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let field = |name: &str| crate::scope::field(&form, name);
    if !csrf_ok(&user, Some(field("csrf"))) {
        return csrf_refused();
    }
    let Some(town) = town_in_scope(&user, &town) else {
        return not_found_page();
    };
    let Some(year) = crate::scope::year_of(&st, Some(&year)) else {
        return not_found_page();
    };
    let Some(store) = st.unscoped_for(&user, Action::Lists) else {
        return crate::pages::forbidden();
    };
    let mut v = match load(&st, &user, store, year, town).await {
        Err(e) => return internal(e),
        Ok(Err(m)) if m.is_empty() => return not_found_page(),
        Ok(Err(m)) => return message_page(StatusCode::NOT_FOUND, "尚无测算结果", &m),
        Ok(Ok(v)) => v,
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
        return refusal(&user, v, Refusal::Invalid("未指明要办理的操作".into()));
    };
    let comment = field("comment").trim().to_owned();
    if comment.chars().count() > 500 {
        return refusal(
            &user,
            v,
            Refusal::Invalid("意见或理由不能超过 500 字".into()),
        );
    }
    if let Err(r) = flow::check_move(&actor(&user), town.as_str(), v.current, kind, &comment) {
        return refusal(&user, v, r);
    }
    if field("seen") != v.current.map_or("none", |s| s.code()) {
        return refusal(
            &user,
            v,
            Refusal::Conflict("名单已被他人处理，状态已经改变，请核对后重新办理".into()),
        );
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
                        return refusal(&user, v, Refusal::Invalid(m));
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
            return refusal(&user, v, Refusal::Invalid(m));
        }
    }
    let moved = match flow::check_move(&actor(&user), town.as_str(), v.current, kind, &comment) {
        Ok(m) => m,
        Err(r) => return refusal(&user, v, r),
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
    match store
        .move_list(&user.username, Some(&client_addr(&parts)), &change)
        .await
    {
        Ok(_) => see_other(&format!("/lists/{year}/{}", town.as_str())),
        Err(StoreError::Invalid(m)) => refusal(&user, v, Refusal::Conflict(m)),
        Err(e) => internal(e.into()),
    }
}

// ---------------------------------------------------------------------------
// The filing form, for printing (issue 5, item 7)

pub struct PrintRow {
    pub n: usize,
    pub village_name: String,
    pub person_name: String,
    pub person_id: String,
    pub stars: String,
    pub tier: String,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "list_print.html")]
struct PrintPage {
    title: String,
    town_name: String,
    state: &'static str,
    version: String,
    printed_on: String,
    counts: String,
    quota_text: String,
    rows: Vec<PrintRow>,
}

pub async fn print(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((year, town)): Path<(String, String)>,
) -> Response {
    let user = match signed_in(&st, &headers, Action::Lists).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let Some(town) = town_in_scope(&user, &town) else {
        return not_found_page();
    };
    let Some(year) = crate::scope::year_of(&st, Some(&year)) else {
        return not_found_page();
    };
    let Some(store) = st.unscoped_for(&user, Action::Lists) else {
        return crate::pages::forbidden();
    };
    let v = match load(&st, &user, store, year, town).await {
        Err(e) => return internal(e),
        Ok(Err(m)) if m.is_empty() => return not_found_page(),
        Ok(Err(m)) => return message_page(StatusCode::NOT_FOUND, "尚无测算结果", &m),
        Ok(Ok(v)) => v,
    };
    let p = page(&user, v, None);
    // In tier order, then the proposal's place, then village code.
    let mut listed: Vec<&RowView> = p.rows.iter().filter(|r| r.chosen.is_some()).collect();
    listed.sort_by_key(|r| {
        (
            r.chosen,
            r.place.parse::<u32>().unwrap_or(u32::MAX),
            r.village.clone(),
        )
    });
    let rows = listed
        .into_iter()
        .enumerate()
        .map(|(i, r)| PrintRow {
            n: i + 1,
            village_name: r.village_name.clone(),
            person_name: r.person_name.clone(),
            person_id: r.person_id.clone(),
            stars: r.stars.clone(),
            tier: r.chosen_text.clone(),
            reason: r.reason.clone(),
        })
        .collect();
    render(
        &PrintPage {
            title: format!("村党组织书记专业化管理名单备案表（{year} 年度）"),
            town_name: p.town_name,
            state: p.state,
            version: p.version,
            printed_on: st.today().to_string(),
            counts: p.counts,
            quota_text: p.quota_text,
            rows,
        },
        StatusCode::OK,
    )
}
