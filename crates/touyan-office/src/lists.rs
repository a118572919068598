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

use time::Date;
use touyan_records::model::{
    Departure, ExceptionState, Labelled, ListDraft, ListEntry, ListException, ListMoveKind,
    ListReview, ListStatus, Programme, ReviewState,
};
use touyan_records::{CitizenId, TownCode, VillageCode};
use touyan_rules::art01_inclusion::{self, QuotaReason};
use touyan_rules::art13_pay::{self, TierPlaces};
use touyan_rules::decision::Decision;
use touyan_rules::{Params, Policy};
use touyan_storage::{
    CycleSecretary, CycleTownRun, ExceptionMoveRun, ListChange, ListMoveRun, Store, StoreError,
};
pub use touyan_workflow::art01_13_list::Finding;
use touyan_workflow::art01_13_list::{self as flow, CheckLine, Excepted, Line};

use crate::{By, OfficeError, when};

/// The longest comment or reason a move takes, in characters (a longer
/// one is refused, never cut).
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
    /// Each check as `check_draft` reads it.
    pub(crate) draft_checks: Vec<CheckLine>,
    /// 1-based place in the proposal (`None`: not proposed).
    pub place: Option<u32>,
    pub proposed: Option<u8>,
    /// The town's choice (`None`: not listed).
    pub chosen: Option<u8>,
    pub reason: String,
}

impl Row {
    /// The rules of the checks the secretary failed (ids), as decided by
    /// the proposal.
    pub fn failed_rules(&self) -> Vec<&'static str> {
        self.draft_checks
            .iter()
            .filter(|c| !c.passed)
            .filter_map(|c| c.rule)
            .collect()
    }

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
    /// The town's exceptions of the year to hedged clauses, by number,
    /// and their moves (`crate::exceptions`).
    pub exceptions: Vec<ListException>,
    pub exception_moves: Vec<ExceptionMoveRun>,
    /// The day the list in force was filed (the latest filed version's;
    /// 1 January for a list filed without the review, by an import).
    pub filed_on: Option<Date>,
}

/// The checks of a stored proposal, and as `check_draft` reads them. A
/// proposal whose reasons cannot be read shows one line saying so, and
/// the draft checks go by its stored eligibility instead of blaming a
/// check.
fn checks_of(s: &CycleSecretary) -> (Vec<Check>, Vec<CheckLine>) {
    match touyan_cycle::stored::check_lines(&s.checks_json) {
        Ok(lines) => {
            let draft = lines
                .iter()
                .map(|c| CheckLine {
                    rule: c.rule.map(|r| r.id),
                    title: c
                        .rule
                        .map_or_else(|| c.name.clone(), |r| r.title.to_owned()),
                    passed: c.passed,
                })
                .collect();
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
            (checks, draft)
        }
        Err(e) => (
            vec![Check {
                title: "判定理由".to_owned(),
                citation: String::new(),
                passed: false,
                detail: format!("{e}，请重新测算"),
            }],
            vec![CheckLine {
                rule: None,
                title: "测算判定，理由无法读取".to_owned(),
                passed: s.eligible,
            }],
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
    let exceptions = store.list_exceptions(year, Some(town)).await?;
    let exception_moves = store.exception_moves(year, Some(town)).await?;
    let filed_on = store
        .list_filings(year, town)
        .await?
        .iter()
        .max_by_key(|f| f.version)
        .map(|f| f.filed_on);
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
        exceptions,
        exception_moves,
        filed_on,
    }))
}

/// A list's open findings by where they belong.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RowFindings {
    /// The findings of the list as a whole.
    pub list: Vec<Finding>,
    /// Each row's findings, in the list's row order.
    pub rows: Vec<Vec<Finding>>,
}

impl RowFindings {
    /// How many rows have a finding.
    pub fn rows_with_problems(&self) -> usize {
        self.rows.iter().filter(|f| !f.is_empty()).count()
    }

    /// How many findings in all.
    pub fn total(&self) -> usize {
        self.list.len() + self.rows.iter().map(Vec::len).sum::<usize>()
    }
}

/// The town's choices counted: (listed, [tier 1, tier 2, tier 3]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counts {
    pub listed: usize,
    pub tiers: [usize; 3],
}

impl TownList {
    /// The exceptions approved by the city, by number, whose clause the
    /// list's policy still leaves open (`hedges::open`).
    pub fn approved_exceptions(&self) -> impl Iterator<Item = &ListException> {
        self.exceptions.iter().filter(|e| {
            e.state == ExceptionState::Approved
                && touyan_rules::hedges::open(&self.params, &e.rule).outcome
        })
    }

    /// The findings of the rows as they stand (with the town's choices),
    /// with the checks the approved exceptions depart from waived.
    pub fn findings(&self) -> Vec<Finding> {
        let who: Vec<String> = self
            .rows
            .iter()
            .map(|r| format!("{} {}", r.village_name, r.person_name))
            .collect();
        let waived: Vec<Vec<&str>> = self
            .rows
            .iter()
            .map(|r| {
                self.approved_exceptions()
                    .filter(|e| e.departure == Departure::Person(r.person.clone()))
                    .map(|e| e.rule.as_str())
                    .collect()
            })
            .collect();
        // Of the counts, the latest approval holds (approvals are not
        // added together: nobody approved their sum).
        let mut excepted = Excepted::default();
        for e in self.approved_exceptions() {
            match e.departure {
                Departure::Person(_) => {}
                Departure::ListSize(n) => excepted.list_size = Some(n),
                Departure::TierPlaces { tier1, tier2 } => {
                    excepted.tier_places = Some((tier1, tier2));
                }
            }
        }
        let lines: Vec<Line<'_>> = self
            .rows
            .iter()
            .zip(&who)
            .zip(&waived)
            .map(|((r, who), waived)| Line {
                village: r.village.as_str(),
                who,
                checks: &r.draft_checks,
                waived,
                stars: u32::from(r.stars.unwrap_or(0)),
                proposed: r.proposed,
                chosen: r.chosen,
                reason: &r.reason,
            })
            .collect();
        flow::check_draft(&self.params, &self.quota, &lines, &excepted)
    }

    /// When the list in force was filed: the last filing move's moment
    /// (`None`: filed without the review, by an import; approvals are
    /// compared with it) and the day of the version in force (exits are
    /// compared with it; 1 January for a list filed by an import).
    fn filed_since(&self) -> (Option<time::PrimitiveDateTime>, Date) {
        let at = self
            .moves
            .iter()
            .rev()
            .find(|m| m.entry.kind == ListMoveKind::File)
            .map(|m| m.at);
        let day = self.filed_on.unwrap_or_else(|| {
            Date::from_calendar_date(self.year, time::Month::January, 1).unwrap_or(Date::MIN)
        });
        (at, day)
    }

    /// The exceptions the city approved since the list in force was filed.
    fn approved_since_filing(&self) -> Vec<&ListException> {
        let (at, _) = self.filed_since();
        self.approved_exceptions()
            .filter(|e| {
                self.exception_moves.iter().any(|m| {
                    m.entry.seq == e.seq
                        && m.entry.kind == touyan_records::model::ExceptionMoveKind::Approve
                        && at.is_none_or(|f| m.at > f)
                })
            })
            .collect()
    }

    /// The people of the list in force who exited since it was filed, by
    /// `today`.
    async fn exited_since_filing(
        &self,
        store: &Store,
        today: Date,
    ) -> Result<Vec<CitizenId>, OfficeError> {
        let (_, day) = self.filed_since();
        let records = store.town_records(self.year, self.town).await?;
        Ok(records
            .exits
            .iter()
            .filter(|x| x.programme == Programme::Secretary)
            .filter(|x| day <= x.on && x.on <= today)
            .filter(|x| self.filed.iter().any(|e| e.person == x.person))
            .map(|x| x.person.clone())
            .collect())
    }

    /// Article 13 (每年年初调整一次) on `today`: `None` in the policy's
    /// adjustment month of the list's year, else the refusal's sentence.
    fn outside_adjustment_month(&self, today: Date) -> Option<String> {
        let d = art13_pay::adjustment_month(&self.params, u8::from(today.month()));
        if d.outcome && today.year() == self.year {
            return None;
        }
        Some(format!("{}（{}）", d.reason, d.rule.citation()))
    }

    /// Whether the filed list may be adjusted on `today` (Article 13):
    /// in the policy's adjustment month of the list's year; in another
    /// month only when an exception the city approved since the filing,
    /// or an exit since then, gives a change to make.
    async fn adjustment_open(&self, store: &Store, today: Date) -> Result<(), OfficeError> {
        let Some(refusal) = self.outside_adjustment_month(today) else {
            return Ok(());
        };
        if !self.approved_since_filing().is_empty()
            || !self.exited_since_filing(store, today).await?.is_empty()
        {
            return Ok(());
        }
        Err(OfficeError::Conflict(refusal))
    }

    /// Outside the adjustment month, every change of a new version from
    /// the list in force must be one an approved exception since the
    /// filing or an exit since then covers: a person's exit removes them;
    /// an exception for a named secretary covers their row; a list-size
    /// exception covers an addition, a tier-places exception a change of
    /// tier. Anything else is refused, naming who and Article 13.
    async fn changes_covered(&self, store: &Store, today: Date) -> Result<(), OfficeError> {
        if self.filed.is_empty() {
            return Ok(());
        }
        let Some(refusal) = self.outside_adjustment_month(today) else {
            return Ok(());
        };
        let approved = self.approved_since_filing();
        let exited = self.exited_since_filing(store, today).await?;
        let of_scope = |f: fn(&Departure) -> bool| approved.iter().any(|e| f(&e.departure));
        let size = of_scope(|d| matches!(d, Departure::ListSize(_)));
        let places = of_scope(|d| matches!(d, Departure::TierPlaces { .. }));
        let mut uncovered = Vec::new();
        for r in &self.rows {
            let before = self
                .filed
                .iter()
                .find(|e| e.person == r.person)
                .map(|e| e.tier);
            if before == r.chosen {
                continue;
            }
            let named = approved
                .iter()
                .any(|e| e.departure == Departure::Person(r.person.clone()));
            let covered = named
                || match (before, r.chosen) {
                    (Some(_), None) => exited.contains(&r.person),
                    (None, Some(_)) => size,
                    (Some(_), Some(_)) => places,
                    (None, None) => true,
                };
            if !covered {
                uncovered.push(format!("{} {}", r.village_name, r.person_name));
            }
        }
        if uncovered.is_empty() {
            return Ok(());
        }
        Err(OfficeError::Conflict(format!(
            "{refusal}；{} 的变动没有本次备案后经批准的例外或人员退出，须在调整月份办理",
            uncovered.join("、")
        )))
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

    /// The open findings ([`Self::open_findings`]) sorted to where a page
    /// shows them: each row's beside the row (in row order), the rest
    /// (the list as a whole, or a village not among the rows) for the
    /// list.
    pub fn open_findings_by_row(&self) -> RowFindings {
        let mut out = RowFindings {
            list: Vec::new(),
            rows: vec![Vec::new(); self.rows.len()],
        };
        for f in self.open_findings() {
            let row = f
                .village
                .as_deref()
                .and_then(|v| self.rows.iter().position(|r| r.village.as_str() == v));
            match row {
                Some(i) => out.rows[i].push(f),
                None => out.list.push(f),
            }
        }
        out
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
    today: Date,
) -> Result<(), OfficeError> {
    let reset = asked.action == "reset";
    let wanted = if reset { "save" } else { asked.action.as_str() };
    let kind = ListMoveKind::ALL
        .iter()
        .copied()
        .find(|k| k.code() == wanted)
        .ok_or_else(|| invalid("未指明要办理的操作"))?;
    let comment = asked.comment.trim().to_owned();
    OfficeError::at_most(&comment, "意见或理由", TEXT_CHARS)?;
    flow::check_move(&by.actor, list.town.as_str(), list.current, kind, &comment)?;
    if asked.seen != list.current.map_or("none", |s| s.code()) {
        return Err(OfficeError::Conflict(
            "名单已被他人处理，状态已经改变，请核对后重新办理".into(),
        ));
    }
    if kind == ListMoveKind::Adjust {
        list.adjustment_open(store, today).await?;
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
                list.rows[i].reason = reason;
            }
        }
        // Kept as sent (a refusal shows them), never cut to fit.
        for r in &list.rows {
            OfficeError::at_most(
                &r.reason,
                &format!("{}的偏离理由", r.village_name),
                TEXT_CHARS,
            )?;
        }
    }
    if matches!(
        kind,
        ListMoveKind::Confirm | ListMoveKind::Submit | ListMoveKind::File
    ) {
        list.changes_covered(store, today).await?;
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
        filed_on: (kind == ListMoveKind::File).then_some(today),
    };
    match store.move_list(by.name, by.origin, &change).await {
        Ok(_) => Ok(()),
        Err(StoreError::Invalid(m)) => Err(OfficeError::Conflict(m)),
        Err(e) => Err(e.into()),
    }
}
