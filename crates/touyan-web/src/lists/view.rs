//! A town's list as a page shows it: `touyan_office::lists::TownList`
//! (the proposal's rows beside the town's choices, each check's reason,
//! the quota, the tier places and the findings) with the town's name,
//! each person's masked number and page reference, and who the proposal
//! leaves out and why (`touyan_office::year_start::unjudged`), each with
//! a link to where the missing record is entered.

use touyan_office::lists::{self as office, Finding, RowFindings, TownList};
use touyan_office::year_start;
use touyan_records::TownCode;

use super::tier_text;
use crate::http::PageError;
use crate::pages::masked;
use crate::roles::Action;
use crate::row_filter::RowFilter;
use crate::scope::by;
use crate::state::{AppState, User};

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
    /// The titles of the checks failed ("、"-joined; "" for none): the
    /// decision's summary, the checks' reasons being folded.
    pub failed: String,
    pub checks: Vec<CheckView>,
    /// The row's open findings (the office's), shown beside the row.
    pub problems: Vec<Finding>,
    /// Whether the page's filter shows the row (a row not shown still
    /// sends its choice with the list's moves).
    pub shown: bool,
    pub place: String,
    pub proposed: Option<u8>,
    pub proposed_text: String,
    pub chosen: Option<u8>,
    pub chosen_text: String,
    pub reason: String,
    pub departs: bool,
}

/// A secretary the year's proposal leaves out, as the page shows it:
/// who and why (`touyan_office::year_start`), and a link to where the
/// missing record is entered (or to the re-run).
pub struct UnjudgedView {
    pub sentence: String,
    pub href: Option<String>,
    pub link: String,
}

/// The secretaries of `town` the proposal of `year` leaves out (`list`:
/// the stored proposal, if any), as `user` sees them.
pub(super) async fn unjudged(
    user: &User,
    store: &touyan_storage::Store,
    year: i32,
    town: TownCode,
    list: Option<&TownList>,
) -> Result<Vec<UnjudgedView>, PageError> {
    let may_record = year_start::may_record(&by(user), &town).is_ok();
    let may_propose = user.may(Action::Propose);
    Ok(year_start::unjudged(store, year, town, list)
        .await?
        .into_iter()
        .map(|u| {
            let (href, link) = match u.why.facts_year() {
                Some(y) => (
                    Some(format!(
                        "/villages/{}?year={y}#village-year-form",
                        u.village
                    )),
                    if may_record {
                        format!("登记 {y} 年村情")
                    } else {
                        format!("查看村情（由本镇街经办或市级管理员登记 {y} 年村情）")
                    },
                ),
                None if may_propose => (
                    Some("#propose-form".to_owned()),
                    "重新测算建议名单".to_owned(),
                ),
                None => (None, String::new()),
            };
            UnjudgedView {
                sentence: u.sentence(),
                href,
                link,
            }
        })
        .collect())
}

/// A town's list with what only the page knows.
pub(super) struct View {
    pub(super) town_name: String,
    pub(super) list: TownList,
    /// Each row's person reference, in the list's row order.
    refs: Vec<String>,
    /// Who the proposal leaves out, and why.
    pub(super) unjudged: Vec<UnjudgedView>,
    /// The names of who ran the proposal and made the moves.
    pub(super) signers: touyan_office::signers::Signers,
}

/// Why a town's list cannot be shown.
pub(super) enum Missing {
    /// The town is not on record (or not the user's): a missing page.
    Town,
    /// No stored proposal for the year: why, in Chinese.
    Proposal(String),
}

/// Reads a town's list of `year`.
pub(super) async fn load(
    st: &AppState,
    user: &User,
    store: &touyan_storage::Store,
    year: i32,
    town: TownCode,
) -> Result<Result<View, Missing>, PageError> {
    let towns = st.reader(user).towns().await?;
    let Some((_, town_name)) = towns.into_iter().find(|(c, _)| c == town.as_str()) else {
        return Ok(Err(Missing::Town));
    };
    let Some(list) = office::town_list(store, st.policy(), year, town, st.today()).await? else {
        return Ok(Err(Missing::Proposal(format!(
            "{town_name} {year} 年度尚无测算结果：先生成本年度建议名单（年初调整，第十三条），再在此审核名单。"
        ))));
    };
    let refs = list.rows.iter().map(|r| st.person_ref(&r.person)).collect();
    let unjudged = unjudged(user, store, year, town, Some(&list)).await?;
    let by: Vec<&str> = std::iter::once(list.run.run_by.as_str())
        .chain(list.moves.iter().map(|m| m.by.as_str()))
        .chain(list.exception_moves.iter().map(|m| m.by.as_str()))
        .collect();
    let signers = touyan_office::signers::of(store, &by).await?;
    Ok(Ok(View {
        town_name,
        list,
        refs,
        unjudged,
        signers,
    }))
}

impl View {
    /// The quota's reason with its article.
    pub(super) fn quota_text(&self) -> String {
        let q = &self.list.quota;
        format!("{}（{}）", q.reason, q.rule.citation())
    }

    /// The tier places' reason with its article.
    pub(super) fn places_text(&self) -> String {
        let p = &self.list.places;
        format!("{}（{}）", p.reason, p.rule.citation())
    }

    /// The rows as the page shows them, each with its findings (`found`)
    /// and whether `filter` shows it.
    pub(super) fn rows(&self, found: &RowFindings, filter: &RowFilter) -> Vec<RowView> {
        let none = Vec::new();
        self.list
            .rows
            .iter()
            .zip(&self.refs)
            .enumerate()
            .map(|(i, (r, person_ref))| {
                let problems = found.rows.get(i).unwrap_or(&none).clone();
                let code = r.village.as_str();
                let shown = filter.shows(
                    &[&r.village_name, code, &r.person_name],
                    !problems.is_empty(),
                );
                RowView {
                    village: code.to_owned(),
                    village_name: r.village_name.clone(),
                    person_name: r.person_name.clone(),
                    person_id: masked(&r.person),
                    person_ref: person_ref.clone(),
                    stars: r
                        .stars
                        .map_or_else(|| "无记录".into(), |s| format!("{s} 星")),
                    eligible: r.eligible,
                    failed: r
                        .checks
                        .iter()
                        .filter(|c| !c.passed)
                        .map(|c| c.title.as_str())
                        .collect::<Vec<_>>()
                        .join("、"),
                    checks: r
                        .checks
                        .iter()
                        .map(|c| CheckView {
                            title: c.title.clone(),
                            citation: c.citation.clone(),
                            passed: c.passed,
                            detail: c.detail.clone(),
                        })
                        .collect(),
                    problems,
                    shown,
                    place: r.place.map_or_else(String::new, |p| p.to_string()),
                    proposed: r.proposed,
                    proposed_text: tier_text(r.proposed),
                    chosen: r.chosen,
                    chosen_text: tier_text(r.chosen),
                    reason: r.reason.clone(),
                    departs: r.departs(),
                }
            })
            .collect()
    }
}
