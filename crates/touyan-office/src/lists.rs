//! A town's list of the year (Articles 1 and 13, with the review's
//! workflow): the stored proposal's rows beside the town's choices, each
//! check's reason, the quota and the tier places under the policy in
//! force on the proposal's decision day, the findings of the rows as they
//! stand, which moves each actor may make, and one move of the review
//! (save, confirm, submit, file, send back, return, adjust) checked and
//! written in one transaction.
//!
//! Which move is allowed to whom is `touyan_workflow::art01_13_list`'s;
//! what a settled list must meet is its `check_draft` over the rules
//! crate's articles; the quota is `art01_inclusion::quota`, the tier
//! places `art13_pay::tier_places`. The adapters read the form's fields
//! into [`Asked`] and show a [`TownList`]; nothing here knows a page.

use std::collections::HashMap;

use touyan_records::model::{
    Labelled, ListDraft, ListEntry, ListMoveKind, ListReview, ListStatus, ReviewState,
};
use touyan_records::{CitizenId, TownCode, VillageCode};
use touyan_rules::art01_inclusion::{self, QuotaReason};
use touyan_rules::art13_pay::{self, TierPlaces};
use touyan_rules::decision::Decision;
use touyan_rules::{Params, Policy};
use touyan_storage::{CycleSecretary, CycleTownRun, ListChange, ListMoveRun, Store, StoreError};
pub use touyan_workflow::art01_13_list::Finding;
use touyan_workflow::art01_13_list::{self as flow, Line};

use crate::{By, OfficeError, when};

/// The longest comment or reason a move keeps, in characters.
pub const TEXT_CHARS: usize = 500;

/// One inclusion check of a secretary, as decided by the proposal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    pub title: String,
    /// The article cited ("第一条第一款"); empty when the stored reasons
    /// could not be read.
    pub citation: String,
    pub passed: bool,
    pub detail: String,
}

/// One secretary of the town's proposal, with the town's choice.
#[derive(Clone, Debug)]
pub struct Row {
    pub village: VillageCode,
    pub village_name: String,
    pub person_name: String,
    pub person: CitizenId,
    /// The village's Party organisation star rating (`None`: no record).
    pub stars: Option<u8>,
    pub eligible: bool,
    pub checks: Vec<Check>,
    /// (title, passed) of each check, as `check_draft` reads them.
    pub(crate) draft_checks: Vec<(String, bool)>,
    /// 1-based place in the proposal (`None`: not proposed).
    pub place: Option<u32>,
    pub proposed: Option<u8>,
    /// The town's choice (`None`: not listed).
    pub chosen: Option<u8>,
    pub reason: String,
}

impl Row {
    /// Whether the town's choice departs from the proposal.
    pub fn departs(&self) -> bool {
        self.chosen != self.proposed
    }
}

/// A town's list of a year as the office reads it.
pub struct TownList {
    pub year: i32,
    pub town: TownCode,
    pub run: CycleTownRun,
    /// The policy in force on the proposal's decision day: the list's
    /// findings are decided under it (a list cannot be read without it,
    /// so nothing shows "no findings" for want of a policy).
    pub params: Params,
    /// Article 1's quota for the town's villages.
    pub quota: Decision<u32, QuotaReason>,
    /// Article 13's tier places for the proposal's included secretaries.
    pub places: Decision<TierPlaces, TierPlaces>,
    /// Why the proposal cannot go forward as it is: it was decided under
    /// another policy than the one in force (`None`: the same).
    pub policy_note: Option<String>,
    pub review: Option<ListReview>,
    /// The review's state (`Filed` for a list filed without a review).
    pub current: Option<ReviewState>,
    pub rows: Vec<Row>,
    pub moves: Vec<ListMoveRun>,
    pub filed: Vec<ListEntry>,
}

/// The checks of a stored proposal, and as `check_draft` reads them. A
/// proposal whose reasons cannot be read shows one line saying so, and
/// the draft checks go by its stored eligibility instead of blaming a
/// check.
fn checks_of(s: &CycleSecretary) -> (Vec<Check>, Vec<(String, bool)>) {
    match touyan_cycle::stored::check_lines(&s.checks_json) {
        Ok(lines) => {
            let checks: Vec<Check> = lines
                .into_iter()
                .map(|c| Check {
                    title: c
                        .rule
                        .map_or_else(|| c.name.clone(), |r| r.title.to_owned()),
                    citation: c.rule.map(|r| r.citation()).unwrap_or_default(),
                    passed: c.passed,
                    detail: c.detail,
                })
                .collect();
            let draft = checks.iter().map(|c| (c.title.clone(), c.passed)).collect();
            (checks, draft)
        }
        Err(e) => (
            vec![Check {
                title: "判定理由".to_owned(),
                citation: String::new(),
                passed: false,
                detail: format!("{e}，请重新测算"),
            }],
            vec![("测算判定，理由无法读取".to_owned(), s.eligible)],
        ),
    }
}

/// `town`'s list of `year` (`None`: no stored proposal for the year),
/// its added conditions checked as on `today` ([`crate::conditions`]).
pub async fn town_list(
    store: &Store,
    policy: &Policy,
    year: i32,
    town: TownCode,
    today: time::Date,
) -> Result<Option<TownList>, OfficeError> {
    let Some(run) = store
        .cycle_towns(year, Some(town))
        .await?
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    let params = when::params_on(policy, run.town.as_of)?;
    let policy_note = (run.town.policy_id != policy.id).then(|| {
        format!(
            "本测算使用政策“{}”，与当前政策“{}”不同，请重新测算后再确定名单。",
            run.town.policy_id, policy.id
        )
    });
    let quota = art01_inclusion::quota(&params, run.town.village_count);
    let places = art13_pay::tier_places(&params, run.town.included);
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
    let mut rows: Vec<Row> = secretaries
        .iter()
        .map(|s| {
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
            let (checks, draft_checks) = checks_of(s);
            Row {
                village: s.village,
                village_name: n.map_or_else(|| v.to_owned(), |n| n.village_name.clone()),
                person_name: n.map_or_else(String::new, |n| n.person_name.clone()),
                person: s.person.clone(),
                stars: n.and_then(|n| n.stars),
                eligible: s.eligible,
                checks,
                draft_checks,
                place: s.place,
                proposed: s.tier,
                chosen,
                reason,
            }
        })
        .collect();
    crate::conditions::check_rows(store, policy, run.town.as_of, year, today, &mut rows).await?;
    Ok(Some(TownList {
        year,
        town,
        run,
        params,
        quota,
        places,
        policy_note,
        review,
        current,
        rows,
        moves,
        filed,
    }))
}

/// The town's choices counted: (listed, [tier 1, tier 2, tier 3]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counts {
    pub listed: usize,
    pub tiers: [usize; 3],
}

impl TownList {
    /// The findings of the rows as they stand (with the town's choices).
    pub fn findings(&self) -> Vec<Finding> {
        let who: Vec<String> = self
            .rows
            .iter()
            .map(|r| format!("{} {}", r.village_name, r.person_name))
            .collect();
        let lines: Vec<Line<'_>> = self
            .rows
            .iter()
            .zip(&who)
            .map(|(r, who)| Line {
                village: r.village.as_str(),
                who,
                checks: &r.draft_checks,
                stars: u32::from(r.stars.unwrap_or(0)),
                proposed: r.proposed,
                chosen: r.chosen,
                reason: &r.reason,
            })
            .collect();
        flow::check_draft(&self.params, &self.quota, &lines)
    }

    /// The findings a page shows: while the list may still be changed or
    /// is on its way to filing (none once filed or returned for filing).
    pub fn open_findings(&self) -> Vec<Finding> {
        if flow::editable(self.current)
            || matches!(
                self.current,
                Some(ReviewState::Confirmed | ReviewState::Submitted)
            )
        {
            self.findings()
        } else {
            Vec::new()
        }
    }

    /// Whether `by` may change the town's choices now.
    pub fn editable(&self, by: &By<'_>) -> bool {
        flow::editable(self.current)
            && flow::check_move(
                &by.actor,
                self.town.as_str(),
                self.current,
                ListMoveKind::Save,
                "",
            )
            .is_ok()
    }

    /// The moves `by` may make now.
    pub fn moves_for(&self, by: &By<'_>) -> Vec<ListMoveKind> {
        flow::moves_for(&by.actor, self.town.as_str(), self.current)
    }

    /// The town's choices counted.
    pub fn counts(&self) -> Counts {
        let mut c = Counts {
            listed: 0,
            tiers: [0; 3],
        };
        for t in self.rows.iter().filter_map(|r| r.chosen) {
            c.listed += 1;
            c.tiers[usize::from(t.clamp(1, 3)) - 1] += 1;
        }
        c
    }

    /// The listed rows in the filing form's order: by tier, then the
    /// proposal's place (unplaced last), then village code.
    pub fn filing_order(&self) -> Vec<&Row> {
        let mut listed: Vec<&Row> = self.rows.iter().filter(|r| r.chosen.is_some()).collect();
        listed.sort_by_key(|r| (r.chosen, r.place.unwrap_or(u32::MAX), r.village));
        listed
    }

    fn drafts(&self) -> Vec<ListDraft> {
        self.rows
            .iter()
            .map(|r| ListDraft {
                year: self.year,
                village: r.village,
                town: self.town,
                person: r.person.clone(),
                tier: r.chosen,
                reason: r.reason.trim().to_owned(),
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

/// One move of a town's review as asked for.
#[derive(Clone, Debug, Default)]
pub struct Asked {
    /// The move's code (`save`, `confirm`, …); `reset` saves the
    /// proposal itself.
    pub action: String,
    /// The state the asker saw (its code, `none` for no review yet).
    pub seen: String,
    pub comment: String,
    /// The town's choices by village, as sent ("" for not listed, "1" to
    /// "3"); a village not named keeps its choice.
    pub tiers: Vec<(String, String)>,
    /// The reasons by village; a village not named keeps its reason.
    pub reasons: Vec<(String, String)>,
}

fn invalid(m: impl Into<String>) -> OfficeError {
    OfficeError::Invalid(m.into())
}

fn tier_asked(r: &Row, text: &str) -> Result<Option<u8>, OfficeError> {
    match text.trim() {
        "" => Ok(None),
        "1" => Ok(Some(1)),
        "2" => Ok(Some(2)),
        "3" => Ok(Some(3)),
        other => Err(invalid(format!(
            "{} 的档次“{}”无效，应为一档、二档、三档或不列入",
            r.village_name,
            other.chars().take(10).collect::<String>()
        ))),
    }
}

/// One move of `list`'s review by `by`: the move named and the comment's
/// length, the workflow's check, the state the asker saw and the policy;
/// then the choices asked for are put on `list` (so that a later refusal
/// can show them as sent), then the findings (confirming, submitting and
/// filing need a list that meets the rules) and the write, in one
/// transaction. Nothing is written on a refusal.
// One piece: one move read, checked and written in the order a clerk meets the refusals; each refusal returns early.
pub async fn move_list(
    store: &Store,
    by: By<'_>,
    list: &mut TownList,
    asked: &Asked,
) -> Result<(), OfficeError> {
    let reset = asked.action == "reset";
    let wanted = if reset { "save" } else { asked.action.as_str() };
    let kind = ListMoveKind::ALL
        .iter()
        .copied()
        .find(|k| k.code() == wanted)
        .ok_or_else(|| invalid("未指明要办理的操作"))?;
    let comment = asked.comment.trim().to_owned();
    if comment.chars().count() > TEXT_CHARS {
        return Err(invalid(format!("意见或理由不能超过 {TEXT_CHARS} 字")));
    }
    flow::check_move(&by.actor, list.town.as_str(), list.current, kind, &comment)?;
    if asked.seen != list.current.map_or("none", |s| s.code()) {
        return Err(OfficeError::Conflict(
            "名单已被他人处理，状态已经改变，请核对后重新办理".into(),
        ));
    }
    // A proposal decided under another policy than the one in force is
    // checked here under the one in force: the list cannot go forward on
    // such a mix (a draft may still be saved).
    if let Some(note) = &list.policy_note
        && matches!(
            kind,
            ListMoveKind::Confirm | ListMoveKind::Submit | ListMoveKind::File
        )
    {
        return Err(OfficeError::Conflict(note.clone()));
    }
    let takes_form = matches!(kind, ListMoveKind::Save | ListMoveKind::Confirm);
    if reset {
        for r in &mut list.rows {
            r.chosen = r.proposed;
            r.reason.clear();
        }
    } else if takes_form {
        let sent = |of: &[(String, String)], village: &str| {
            of.iter()
                .find(|(v, _)| v == village)
                .map(|(_, t)| t.trim().to_owned())
        };
        for i in 0..list.rows.len() {
            let village = list.rows[i].village.as_str().to_owned();
            if let Some(tier) = sent(&asked.tiers, &village) {
                list.rows[i].chosen = tier_asked(&list.rows[i], &tier)?;
            }
            if let Some(reason) = sent(&asked.reasons, &village) {
                list.rows[i].reason = reason.chars().take(TEXT_CHARS).collect();
            }
        }
    }
    if matches!(
        kind,
        ListMoveKind::Confirm | ListMoveKind::Submit | ListMoveKind::File
    ) {
        let findings = list.findings();
        if let Some(first) = findings.first() {
            return Err(invalid(format!(
                "名单有 {} 处不符合规定或缺少理由，不能“{}”：{}（{}）",
                findings.len(),
                kind.label(),
                first.message,
                first.citation
            )));
        }
    }
    let moved = flow::check_move(&by.actor, list.town.as_str(), list.current, kind, &comment)?;
    let change = ListChange {
        year: list.year,
        town: list.town,
        expected: list.review.as_ref().map(|r| r.state),
        kind,
        to: moved.to,
        new_version: moved.new_version,
        comment,
        drafts: (takes_form || kind == ListMoveKind::Adjust).then(|| list.drafts()),
        filed: (kind == ListMoveKind::File).then(|| list.filed_entries()),
    };
    match store.move_list(by.name, by.origin, &change).await {
        Ok(_) => Ok(()),
        Err(StoreError::Invalid(m)) => Err(OfficeError::Conflict(m)),
        Err(e) => Err(e.into()),
    }
}
