//! `GET /lists/{year}/{town}`: a town's list page, with the proposal
//! beside the town's choices, the findings, who the proposal leaves out
//! and why, the moves the user may make and the review's history (or why
//! there is no proposal yet).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use touyan_office::lists::Finding;
use touyan_records::model::{Labelled, ListMoveKind};

use super::state_label;
use super::view::{Missing, RowView, UnjudgedView, View, load, unjudged};
use crate::http::{PageError, SignedIn, act};
use crate::pages::{Chrome, Look, render};
use crate::roles::Action;
use crate::row_filter::{FilterQuery, RowFilter};
use crate::scope::{by, town_in_scope};
use crate::state::{AppState, User, china_time};

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
    pub look: Look,
    /// What is asked before the move ("" for a plain save).
    pub confirm: String,
}

/// A row with a problem, as the summary at the top links to it.
pub struct ProblemLink {
    /// The row's anchor on this page, or on the unfiltered page when the
    /// filter hides the row.
    pub href: String,
    pub who: String,
    /// How many findings the row has.
    pub count: usize,
}

/// How a move's button looks and what it asks first, naming the town's
/// list (`list`: "化龙镇 2026 年名单").
fn look_of(kind: ListMoveKind, list: &str, version: &str) -> (Look, String) {
    match kind {
        ListMoveKind::Save => (Look::Primary, String::new()),
        ListMoveKind::Confirm => (
            Look::Primary,
            format!("确认{list}并交镇街审核？确认后经办不能再修改，审核退回后才能修改。"),
        ),
        ListMoveKind::SendBack => (
            Look::Danger,
            format!("将{list}退回经办修改？退回后须经办重新确认。"),
        ),
        ListMoveKind::Submit => (
            Look::Primary,
            format!("确认将{list}（{version}）报送市委组织部备案？报送后镇街不能再修改。"),
        ),
        ListMoveKind::File => (
            Look::Primary,
            format!("确认为{list}（{version}）备案？备案后即为该年度有效名单，补贴据此发放。"),
        ),
        ListMoveKind::Return => (
            Look::Danger,
            format!("将{list}（{version}）退回镇街？退回后镇街须修改并重新报送。"),
        ),
        ListMoveKind::Adjust => (
            Look::Primary,
            format!(
                "确认对已备案的{list}发起调整？将生成新版本草稿，须重新确认、报送和备案；新版本备案前原备案名单继续有效。"
            ),
        ),
    }
}

#[derive(Template)]
#[template(path = "lists/town.html")]
pub(super) struct ListPage {
    chrome: Chrome,
    year: i32,
    town: String,
    pub(super) town_name: String,
    pub(super) state: &'static str,
    state_code: String,
    pub(super) version: String,
    comment: String,
    run_by: String,
    run_at: String,
    as_of: String,
    policy_id: String,
    policy_note: Option<String>,
    pub(super) quota_text: String,
    places_text: String,
    pub(super) counts: String,
    editable: bool,
    pub(super) rows: Vec<RowView>,
    /// The findings of the list as a whole (each row's are in its row).
    list_findings: Vec<Finding>,
    /// How many findings in all, and how many rows have one.
    problem_total: usize,
    problem_rows: usize,
    problem_links: Vec<ProblemLink>,
    /// The filter: the words typed, only the rows with a problem, whether
    /// it narrows anything, and how many rows it shows.
    filter_text: String,
    only_problems: bool,
    filtered: bool,
    shown: usize,
    error: Option<String>,
    buttons: Vec<Button>,
    moves: Vec<MoveView>,
    filed_count: usize,
    may_propose: bool,
    exceptions: Vec<super::ExceptionView>,
    exception_rules: Vec<touyan_office::exceptions::OpenRule>,
    may_ask_exception: bool,
    unjudged: Vec<UnjudgedView>,
}

/// The summary's links to the rows with a problem (`base`: the
/// unfiltered page).
fn problem_links(rows: &[RowView], base: &str) -> Vec<ProblemLink> {
    rows.iter()
        .filter(|r| !r.problems.is_empty())
        .map(|r| ProblemLink {
            href: if r.shown {
                format!("#row-{}", r.village)
            } else {
                format!("{base}#row-{}", r.village)
            },
            who: format!("{} {}", r.village_name, r.person_name),
            count: r.problems.len(),
        })
        .collect()
}

/// A town's list as its page shows it, to `user`, with the office's
/// refusal (`error`) and the rows `filter` shows.
// One piece: the page's fields gathered from one read of the list.
pub(super) fn page(user: &User, v: View, error: Option<String>, filter: &RowFilter) -> ListPage {
    let by = by(user);
    let l = &v.list;
    let found = l.open_findings_by_row();
    let editable = l.editable(&by);
    let list = format!("{} {} 年名单", v.town_name, l.year);
    let version = l
        .review
        .as_ref()
        .map_or_else(String::new, |r| format!("第 {} 版", r.version));
    let mut buttons: Vec<Button> = l
        .moves_for(&by)
        .into_iter()
        .map(|k| {
            let (look, confirm) = look_of(k, &list, &version);
            Button {
                code: k.code(),
                label: k.label(),
                needs_comment: matches!(
                    k,
                    ListMoveKind::SendBack | ListMoveKind::Return | ListMoveKind::Adjust
                ),
                look,
                confirm,
            }
        })
        .collect();
    if editable {
        buttons.push(Button {
            code: "reset",
            label: "采用测算结果",
            needs_comment: false,
            look: Look::Secondary,
            confirm: format!(
                "确认把{list}的档次全部改为测算结果并保存？已选的档次和填写的偏离理由将被替换。"
            ),
        });
    }
    let counts = l.counts();
    let exceptions = super::exceptions::views(l, &by, &v.town_name);
    let may_ask_exception = touyan_office::exceptions::may_propose(&by, l);
    let exception_rules = touyan_office::exceptions::open_rules(l);
    let (quota_text, places_text) = (v.quota_text(), v.places_text());
    let rows = v.rows(&found, filter);
    let problem_links = problem_links(&rows, &format!("/lists/{}/{}", l.year, l.town.as_str()));
    let View {
        town_name,
        list: l,
        unjudged,
        ..
    } = v;
    ListPage {
        chrome: Chrome::new(
            &format!("{town_name} {} 年度专业化管理名单", l.year),
            Some(user),
            "/lists",
        ),
        year: l.year,
        town: l.town.as_str().to_owned(),
        town_name,
        state: state_label(l.current),
        state_code: l.current.map_or("none", |s| s.code()).to_owned(),
        version,
        comment: l
            .review
            .as_ref()
            .map(|r| r.comment.clone())
            .unwrap_or_default(),
        run_by: v.signers.name(&l.run.run_by),
        run_at: china_time(l.run.run_at),
        as_of: l.run.town.as_of.to_string(),
        policy_id: l.run.town.policy_id.clone(),
        policy_note: l.policy_note,
        quota_text,
        places_text,
        counts: format!(
            "确定列入 {} 人：一档 {} 人、二档 {} 人、三档 {} 人（测算列入 {} 人）",
            counts.listed, counts.tiers[0], counts.tiers[1], counts.tiers[2], l.run.town.included
        ),
        editable,
        problem_total: found.total(),
        problem_rows: found.rows_with_problems(),
        problem_links,
        filter_text: filter.text.clone(),
        only_problems: filter.only_problems,
        filtered: filter.active(),
        shown: rows.iter().filter(|r| r.shown).count(),
        rows,
        list_findings: found.list,
        error,
        buttons,
        moves: l
            .moves
            .into_iter()
            .map(|m| MoveView {
                seq: m.entry.seq,
                label: m.entry.kind.label(),
                to: m.entry.to.label(),
                comment: m.entry.comment,
                by: v.signers.name(&m.by),
                at: china_time(m.at),
            })
            .collect(),
        filed_count: l.filed.len(),
        may_propose: user.may(Action::Propose),
        exceptions,
        exception_rules,
        may_ask_exception,
        unjudged,
    }
}

pub async fn town_page(
    State(st): State<AppState>,
    SignedIn { user, .. }: SignedIn<act::Lists>,
    Path((year, town)): Path<(String, String)>,
    Query(fq): Query<FilterQuery>,
) -> Result<Response, PageError> {
    let town = town_in_scope(&user, &town).ok_or(PageError::NotFound)?;
    let year = crate::scope::year_of(&st, Some(&year)).ok_or(PageError::NotFound)?;
    let desk = st.town_desk(&user, Action::Lists, &town)?;
    let store = desk.store();
    Ok(match load(&st, &user, store, year, town).await? {
        Err(Missing::Town) => return Err(PageError::NotFound),
        Err(Missing::Proposal(m)) => render(
            &NoRunPage {
                chrome: Chrome::new("尚无测算结果", Some(&user), "/lists"),
                message: m,
                year,
                town: town.as_str().to_owned(),
                may_propose: user.may(Action::Propose),
                unjudged: unjudged(&user, store, year, town, None).await?,
            },
            StatusCode::NOT_FOUND,
        ),
        Ok(v) => render(&page(&user, v, None, &RowFilter::of(&fq)), StatusCode::OK),
    })
}

/// A town's year with no proposal yet: why, who it will leave out as the
/// records stand, and (for whoever may) the button that decides it.
#[derive(Template)]
#[template(path = "lists/no_proposal.html")]
struct NoRunPage {
    chrome: Chrome,
    message: String,
    year: i32,
    town: String,
    may_propose: bool,
    unjudged: Vec<UnjudgedView>,
}
