//! A town's list as read: the stored proposal's rows beside the town's
//! choices, each check's reason, the review and its moves, and the
//! findings (`check_draft`) of the rows as they stand.

use std::collections::HashMap;

use touyan_records::TownCode;
use touyan_records::model::{ListDraft, ListEntry, ListReview, ListStatus, ReviewState};
use touyan_rules::{art01_inclusion, art13_pay};
use touyan_storage::{CycleSecretary, CycleTownRun, ListMoveRun, Store};
use touyan_workflow::art01_13_list::{self as flow, Finding, Line};

use super::tier_text;
use crate::pages::masked;
use crate::state::{AppState, Failure, User};

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

/// Everything a town's list page shows.
pub(super) struct View {
    pub(super) year: i32,
    pub(super) town: TownCode,
    pub(super) town_name: String,
    pub(super) run: CycleTownRun,
    /// The policy in force on the proposal's decision day: the list's
    /// findings are decided under it (a list cannot be loaded without it,
    /// so there is no page that shows "no findings" for want of a policy).
    pub(super) params: touyan_rules::Params,
    /// `None`: the cycle's policy is not the server's.
    pub(super) quota_text: String,
    pub(super) places_text: String,
    pub(super) policy_note: Option<String>,
    pub(super) review: Option<ListReview>,
    pub(super) current: Option<ReviewState>,
    pub(super) rows: Vec<RowView>,
    /// (title, passed) of each row's checks, for `check_draft`.
    pub(super) checks: Vec<Vec<(String, bool)>>,
    pub(super) stars: Vec<u32>,
    pub(super) people: Vec<touyan_records::CitizenId>,
    pub(super) moves: Vec<ListMoveRun>,
    pub(super) filed: Vec<ListEntry>,
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
pub(super) async fn load(
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
    pub(super) fn findings(&self) -> Vec<Finding> {
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

    pub(super) fn drafts(&self) -> Vec<ListDraft> {
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

    pub(super) fn filed_entries(&self) -> Vec<ListEntry> {
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
