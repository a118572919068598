//! Yearly plans (年度工作目标和计划, Article 11): the city's count of every
//! town's plans by state, a town's secretaries with each plan's state and
//! stage, one plan with its stage, notice period and history, and every
//! move — saving the draft, the review meeting passed or failed, the
//! village notice, filing and returning — decided once.
//!
//! Which move is allowed to whom, and what a move must record, is
//! `touyan_workflow::art11_plan` (`check_move`, `check_content`,
//! `check_meeting`, `check_notice`, `check_filing`); the stage and the
//! notice period are the rules crate's `art11_target_management`. A plan
//! is judged under the policy in force on [`when::plan_day`]: the first
//! day of its notice once recorded, else today (a notice's own length
//! under the policy in force when it starts). [`make_move`] writes through
//! `Store::move_plan` in one transaction; nothing is written on a refusal,
//! nor when someone else moved the plan since it was read.
//!
//! Scope: a town role reads only its own town. [`plan`] reads the person's
//! plan and roster place narrowed to the role's town in the SQL itself,
//! so another town's person answers [`OfficeError::NotFound`], exactly
//! like a missing one, before anything of theirs is read; [`town`] reads
//! the town's own plan records (`Store::town_annual_plans`), not every
//! town's.
//!
//! The adapter reads the form's fields (the move by its code, the dates
//! with its own sentence when they cannot be read, see [`Ask`]) and
//! picks the person by its own reference.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use time::Date;
use touyan_records::model::{AnnualPlan, Labelled, PlanMoveKind, PlanReview, PlanState};
use touyan_records::{CitizenId, TownCode};
use touyan_rules::art11_target_management::{self as art11, PlanRecord, PlanStage};
use touyan_rules::{Params, Policy};
use touyan_storage::{PlanChange, PlanMoveRun, PlanPerson, Store, StoreError};
use touyan_workflow::art11_plan as flow;

use crate::{By, OfficeError, when};

/// The most characters a move's comment may have.
pub const COMMENT_CHARS: usize = 500;

/// The most characters of a plan's content (Article 11's workflow checks
/// it, refusing a longer one with its length).
pub const CONTENT_CHARS: usize = flow::MAX_CONTENT;

/// What a page says of a plan's state (`None`: not yet drafted).
pub fn state_label(s: Option<PlanState>) -> &'static str {
    flow::state_zh(s)
}

fn invalid(m: impl Into<String>) -> OfficeError {
    OfficeError::Invalid(m.into())
}

/// The record the rules judge, from a plan in the workflow.
fn record_of(p: &PlanReview) -> PlanRecord {
    PlanRecord {
        reviewed_on: p.reviewed_on,
        notice: p.notice_start.zip(p.notice_end),
        filed_on: p.filed_on,
    }
}

/// The record the rules judge, from a plan record on file (imported or
/// filed here).
fn record_of_file(a: &AnnualPlan) -> PlanRecord {
    PlanRecord {
        reviewed_on: a.reviewed_on,
        notice: a.notice_start.zip(a.notice_end),
        filed_on: a.filed_on,
    }
}

/// A plan's state as the workflow sees it: the plan's own, or — for a
/// plan on file without a workflow (imported) — filed when the rules find
/// it filed under `p`; otherwise none (the town starts it here).
fn current(p: &Params, plan: Option<&PlanReview>, file: Option<&AnnualPlan>) -> Option<PlanState> {
    match (plan, file) {
        (Some(plan), _) => Some(plan.state),
        (None, Some(a)) if art11::plan_stage(p, &record_of_file(a)).outcome == PlanStage::Filed => {
            Some(PlanState::Filed)
        }
        _ => None,
    }
}

/// The parameters plans are judged under ([`when::plan_day`]), each day's
/// resolved once.
struct Judge<'a> {
    policy: &'a Policy,
    today: Date,
    by_day: HashMap<Date, Params>,
}

impl<'a> Judge<'a> {
    fn new(policy: &'a Policy, today: Date) -> Judge<'a> {
        Judge {
            policy,
            today,
            by_day: HashMap::new(),
        }
    }

    /// The parameters `plan` (none: a plan on file, or none yet) is
    /// judged under.
    fn params(&mut self, plan: Option<&PlanReview>) -> Result<&Params, OfficeError> {
        let day = when::plan_day(plan.and_then(|p| p.notice_start), self.today);
        Ok(match self.by_day.entry(day) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(when::params_on(self.policy, day)?),
        })
    }

    /// [`current`]; a plan in the workflow needs no parameters.
    fn state(
        &mut self,
        plan: Option<&PlanReview>,
        file: Option<&AnnualPlan>,
    ) -> Result<Option<PlanState>, OfficeError> {
        match plan {
            Some(plan) => Ok(Some(plan.state)),
            None => Ok(current(self.params(None)?, None, file)),
        }
    }
}

/// The town whose plans `by` reads: a town role's own (missing for a
/// town role without a valid town), `None` for a city role (every town).
fn own_town(by: &By<'_>) -> Result<Option<TownCode>, OfficeError> {
    if !by.actor.role.is_town() {
        return Ok(None);
    }
    by.actor
        .town
        .and_then(|t| TownCode::parse(t).ok())
        .map(Some)
        .ok_or(OfficeError::NotFound)
}

/// What Article 11 asks of a plan, with the shortest notice in force on
/// `today` and the articles (the pages' note).
pub fn measures(policy: &Policy, today: Date) -> Result<String, OfficeError> {
    let p = when::params_on(policy, today)?;
    Ok(format!(
        "年度计划经镇街评审会议通过后在村级公示，公示期不少于 {} 天（{}），期满后报镇街党委备案（{}）。",
        p.plan_public_notice_min_days.value,
        art11::NOTICE_PERIOD.citation(),
        art11::PLAN_STAGE.citation()
    ))
}

// ---------------------------------------------------------------------------
// The city's overview and a town's list

/// One town's plans of a year, counted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TownCount {
    pub code: String,
    pub name: String,
    /// Secretaries on the town's roster of the year.
    pub roster: usize,
    /// The roster is the town's filed list (`Some(true)`) or its stored
    /// proposal (`Some(false)`); `None`: no roster.
    pub filed: Option<bool>,
    /// Secretaries on the roster without a plan.
    pub missing: usize,
    /// Plans by state, in the order of `PlanState::ALL` (those of people
    /// no longer on the roster too).
    pub counts: Vec<usize>,
}

fn state_index(s: PlanState) -> usize {
    PlanState::ALL.iter().position(|x| *x == s).unwrap_or(0)
}

/// Every town of `towns` (code, name — the adapter's towns in scope)
/// with its plans of `year` counted: for city roles only.
pub async fn city(
    store: &Store,
    by: &By<'_>,
    policy: &Policy,
    today: Date,
    year: i32,
    towns: &[(String, String)],
) -> Result<Vec<TownCount>, OfficeError> {
    if own_town(by)?.is_some() {
        return Err(OfficeError::Forbidden(
            "镇街角色只能查看本镇街的年度计划".into(),
        ));
    }
    let mut judge = Judge::new(policy, today);
    let roster = store.plan_roster(year).await?;
    let plans = store.plan_reviews(year, None).await?;
    let files = store.annual_plans(year).await?;
    let plan_of: HashMap<&CitizenId, &PlanReview> = plans.iter().map(|p| (&p.person, p)).collect();
    let file_of: HashMap<&CitizenId, &AnnualPlan> = files.iter().map(|a| (&a.person, a)).collect();
    let mut out = Vec::with_capacity(towns.len());
    for (code, name) in towns {
        let mut row = TownCount {
            code: code.clone(),
            name: name.clone(),
            roster: 0,
            filed: None,
            missing: 0,
            counts: vec![0; PlanState::ALL.len()],
        };
        let mut counted: HashSet<&CitizenId> = HashSet::new();
        for r in roster.iter().filter(|r| r.town == *code) {
            row.roster += 1;
            row.filed = Some(r.filed);
            counted.insert(&r.person);
            let plan = plan_of.get(&r.person).copied();
            match judge.state(plan, file_of.get(&r.person).copied())? {
                Some(s) => row.counts[state_index(s)] += 1,
                None => row.missing += 1,
            }
        }
        for plan in plans.iter().filter(|x| x.town.as_str() == code) {
            if !counted.contains(&plan.person) {
                row.counts[state_index(plan.state)] += 1;
            }
        }
        out.push(row);
    }
    Ok(out)
}

/// A secretary of a town with their plan of the year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub person: CitizenId,
    pub name: String,
    /// The village's name ("" for someone no longer on the roster).
    pub village_name: String,
    /// On the town's filed list (`Some(true)`), on its stored proposal
    /// (`Some(false)`), or with a plan but no longer on the roster
    /// (`None`).
    pub roster: Option<bool>,
    pub state: Option<PlanState>,
    /// The rules' sentence of the plan's stage (an imported record says
    /// so); "" without a plan.
    pub stage: String,
}

impl Line {
    /// No plan yet.
    pub fn missing(&self) -> bool {
        self.state.is_none()
    }
}

/// The rules' sentence of a plan's stage for a town's list.
fn stage_line(
    judge: &mut Judge<'_>,
    plan: Option<&PlanReview>,
    file: Option<&AnnualPlan>,
) -> Result<String, OfficeError> {
    Ok(match (plan, file) {
        (Some(plan), _) => art11::plan_stage(judge.params(Some(plan))?, &record_of(plan)).reason,
        (None, Some(a)) => format!(
            "导入的记录：{}",
            art11::plan_stage(judge.params(None)?, &record_of_file(a)).reason
        ),
        (None, None) => String::new(),
    })
}

/// `town`'s secretaries of `year` with their plans: those on its roster
/// (its filed list, else its proposal) by village, then those with a
/// plan of the town who are no longer on it. Another town is answered as
/// missing.
pub async fn town(
    store: &Store,
    by: &By<'_>,
    policy: &Policy,
    today: Date,
    year: i32,
    town: TownCode,
) -> Result<Vec<Line>, OfficeError> {
    if !by.actor.sees(town.as_str()) {
        return Err(OfficeError::NotFound);
    }
    let mut judge = Judge::new(policy, today);
    let roster = store.town_plan_roster(year, town).await?;
    let plans = store.plan_reviews(year, Some(town)).await?;
    let files = store.town_annual_plans(year, town).await?;
    let plan_of: HashMap<&CitizenId, &PlanReview> = plans.iter().map(|p| (&p.person, p)).collect();
    let file_of: HashMap<&CitizenId, &AnnualPlan> = files.iter().map(|a| (&a.person, a)).collect();
    let mut out = Vec::with_capacity(roster.len());
    for r in &roster {
        let plan = plan_of.get(&r.person).copied();
        let file = file_of.get(&r.person).copied();
        out.push(Line {
            person: r.person.clone(),
            name: r.name.clone(),
            village_name: r.village_name.clone(),
            roster: Some(r.filed),
            state: judge.state(plan, file)?,
            stage: stage_line(&mut judge, plan, file)?,
        });
    }
    // Plans of people no longer on the town's roster stay listed.
    let on_roster: HashSet<&CitizenId> = roster.iter().map(|r| &r.person).collect();
    let off: Vec<&PlanReview> = plans
        .iter()
        .filter(|p| !on_roster.contains(&p.person))
        .collect();
    if !off.is_empty() {
        let names: HashMap<CitizenId, String> =
            store.plan_names(year, town).await?.into_iter().collect();
        for plan in off {
            let file = file_of.get(&plan.person).copied();
            out.push(Line {
                person: plan.person.clone(),
                name: names.get(&plan.person).cloned().unwrap_or_default(),
                village_name: String::new(),
                roster: None,
                state: judge.state(Some(plan), file)?,
                stage: stage_line(&mut judge, Some(plan), file)?,
            });
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// One plan

/// One secretary's plan of a year, as its page and its moves read it.
#[derive(Clone, Debug)]
pub struct Plan {
    pub year: i32,
    pub person: CitizenId,
    /// The plan's town (the plan's own, else the roster's).
    pub town: TownCode,
    pub name: String,
    /// The village's name ("" when not on the roster).
    pub village_name: String,
    /// Where the secretary is on the town's roster of the year (`None`:
    /// not on it).
    pub roster: Option<PlanPerson>,
    /// The plan in the workflow (`None`: not yet drafted here).
    pub plan: Option<PlanReview>,
    /// The plan's record on file (filed here, or imported).
    pub file: Option<AnnualPlan>,
    /// The plan's moves, in order, with who and when.
    pub moves: Vec<PlanMoveRun>,
    /// The names of who made the moves.
    pub signers: crate::signers::Signers,
    /// The parameters in force on the plan's day ([`when::plan_day`]).
    params: Params,
}

/// `person`'s plan of `year` as `by` may see it: missing when the person
/// has neither a plan nor a place on a roster of the year in a town `by`
/// sees (for a town role, only the town's own plan and roster are read).
pub async fn plan(
    store: &Store,
    by: &By<'_>,
    policy: &Policy,
    today: Date,
    year: i32,
    person: &CitizenId,
) -> Result<Plan, OfficeError> {
    let (plan, roster) = match own_town(by)? {
        Some(t) => (
            store.town_plan_review(year, t, person).await?,
            store.town_plan_person(year, t, person).await?,
        ),
        None => (
            store.plan_review(year, person).await?,
            store.plan_person(year, person).await?,
        ),
    };
    let town = match (&plan, &roster) {
        (Some(p), _) => p.town,
        (None, Some(r)) => TownCode::parse(&r.town).map_err(|_| OfficeError::NotFound)?,
        (None, None) => return Err(OfficeError::NotFound),
    };
    if !by.actor.sees(town.as_str()) {
        return Err(OfficeError::NotFound);
    }
    let (name, village_name) = match &roster {
        Some(r) => (r.name.clone(), r.village_name.clone()),
        None => (
            store
                .plan_names(year, town)
                .await?
                .into_iter()
                .find(|(id, _)| id == person)
                .map(|(_, n)| n)
                .unwrap_or_default(),
            String::new(),
        ),
    };
    // Moves are a plan's: none without one (and so none of a plan this
    // reader did not read).
    let moves = match &plan {
        Some(_) => store.plan_moves(year, person).await?,
        None => Vec::new(),
    };
    let day = when::plan_day(plan.as_ref().and_then(|p| p.notice_start), today);
    let by_names: Vec<&str> = moves.iter().map(|m| m.by.as_str()).collect();
    let signers = crate::signers::of(store, &by_names).await?;
    Ok(Plan {
        year,
        person: person.clone(),
        town,
        name,
        village_name,
        file: store.annual_plan(year, person).await?,
        moves,
        signers,
        params: when::params_on(policy, day)?,
        roster,
        plan,
    })
}

impl Plan {
    /// The plan's state as the workflow sees it (`None`: not yet drafted).
    pub fn state(&self) -> Option<PlanState> {
        current(&self.params, self.plan.as_ref(), self.file.as_ref())
    }

    /// The moves `by` may make now (the page's buttons).
    pub fn moves_for(&self, by: &By<'_>) -> Vec<PlanMoveKind> {
        flow::moves_for(&by.actor, self.town.as_str(), self.state())
    }

    /// The plan's stage with the rules' reason and article.
    pub fn stage(&self) -> String {
        let record = match (&self.plan, &self.file) {
            (Some(plan), _) => record_of(plan),
            (None, Some(a)) => record_of_file(a),
            (None, None) => {
                return format!(
                    "{}：尚未起草年度计划（{}）",
                    PlanStage::Drafting.zh(),
                    art11::PLAN_STAGE.citation()
                );
            }
        };
        let d = art11::plan_stage(&self.params, &record);
        format!("{}：{}（{}）", d.outcome.zh(), d.reason, d.rule.citation())
    }

    /// The notice period with the rules' reason and article, or what it
    /// must be while none is recorded.
    pub fn notice(&self) -> String {
        let (start, end) = match (&self.plan, &self.file) {
            (Some(plan), _) => (plan.notice_start, plan.notice_end),
            (None, Some(a)) => (a.notice_start, a.notice_end),
            (None, None) => (None, None),
        };
        match start.zip(end) {
            Some((s, e)) => {
                let d = art11::notice_period(&self.params, s, e);
                format!("{}（{}）", d.reason, d.rule.citation())
            }
            None => format!(
                "尚未公示；公示期不少于 {} 天，首尾两天都计算在内（{}）",
                self.params.plan_public_notice_min_days.value,
                art11::NOTICE_PERIOD.citation()
            ),
        }
    }
}

// ---------------------------------------------------------------------------
// A move

/// A move asked for, its fields read by the adapter. A date it could not
/// read carries the adapter's sentence, used only when the move records
/// that date (so a refusal by role or state comes first).
#[derive(Clone, Debug)]
pub struct Ask<'a> {
    /// The move (`None`: the form named none).
    pub kind: Option<PlanMoveKind>,
    /// The state the page showed: a state's code, `none` for no plan.
    pub seen: &'a str,
    pub comment: &'a str,
    /// The plan's content (save).
    pub content: &'a str,
    /// The review meeting's day (pass, fail).
    pub meeting_on: Result<Date, String>,
    /// The notice's first and last days (notice).
    pub notice_start: Result<Date, String>,
    pub notice_end: Result<Date, String>,
}

/// Makes the move `ask` names on `v` (read by [`plan`] for the same
/// `by`) on `today`, and returns the plan as it now stands. Checked in
/// this order: a move named, the comment's length, the workflow (scope,
/// role, state, comment), the state the page showed, then what the move
/// records against the measures. Nothing is written on a refusal.
pub async fn make_move(
    store: &Store,
    by: &By<'_>,
    policy: &Policy,
    today: Date,
    v: &Plan,
    ask: &Ask<'_>,
) -> Result<PlanReview, OfficeError> {
    let kind = ask.kind.ok_or_else(|| invalid("未指明要办理的操作"))?;
    OfficeError::at_most(ask.comment, "意见", COMMENT_CHARS)?;
    let current = v.state();
    let to = flow::check_move(&by.actor, v.town.as_str(), current, kind, ask.comment)?;
    if ask.seen != current.map_or("none", |s| s.code()) {
        return Err(OfficeError::Conflict(
            "年度计划已被他人处理，状态已经改变，请核对后重新办理".into(),
        ));
    }
    let mut plan = v.plan.clone().unwrap_or_else(|| PlanReview {
        year: v.year,
        person: v.person.clone(),
        town: v.town,
        state: PlanState::Draft,
        content: String::new(),
        reviewed_on: None,
        notice_start: None,
        notice_end: None,
        filed_on: None,
        comment: String::new(),
    });
    plan.state = to;
    let (detail, filed) = decide(policy, today, &v.params, kind, ask, &mut plan)?;
    let change = PlanChange {
        expected: v.plan.as_ref().map(|p| p.state),
        kind,
        plan,
        comment: ask.comment.to_owned(),
        detail,
        filed,
    };
    store
        .move_plan(by.name, by.origin, &change)
        .await
        .map_err(|e| match e {
            StoreError::Invalid(m) => OfficeError::Conflict(m),
            e => e.into(),
        })
}

/// What move `kind` records on `plan` (already moved to its new state),
/// checked against the measures under `p` (the plan's day) — a notice
/// under the policy in force when it starts: the history's sentence and,
/// for a filing, the plan's record on file.
fn decide(
    policy: &Policy,
    today: Date,
    p: &Params,
    kind: PlanMoveKind,
    ask: &Ask<'_>,
    plan: &mut PlanReview,
) -> Result<(String, Option<AnnualPlan>), OfficeError> {
    let date = |d: &Result<Date, String>| d.clone().map_err(OfficeError::Invalid);
    let mut detail = String::new();
    let mut filed = None;
    match kind {
        PlanMoveKind::Save => {
            flow::check_content(ask.content)?;
            plan.content = ask.content.to_owned();
            // A saved draft waits for a (new) review and notice.
            plan.reviewed_on = None;
            plan.notice_start = None;
            plan.notice_end = None;
            plan.filed_on = None;
        }
        PlanMoveKind::Pass | PlanMoveKind::Fail => {
            let met = date(&ask.meeting_on)?;
            flow::check_meeting(met, today)?;
            let passed = kind == PlanMoveKind::Pass;
            plan.reviewed_on = passed.then_some(met);
            plan.comment = ask.comment.to_owned();
            detail = format!(
                "{met} 召开评审会议，{}（{}）",
                if passed {
                    "通过"
                } else {
                    "未通过，退回修改"
                },
                art11::PLAN_STAGE.citation()
            );
        }
        PlanMoveKind::Notice => {
            let start = date(&ask.notice_start)?;
            let end = date(&ask.notice_end)?;
            let pn = when::params_on(policy, when::plan_day(Some(start), today))?;
            let d = flow::check_notice(&pn, plan.reviewed_on, start, end, today)?;
            plan.notice_start = Some(start);
            plan.notice_end = Some(end);
            detail = format!("{}（{}）", d.reason, d.rule.citation());
        }
        PlanMoveKind::File => {
            let d = flow::check_filing(p, record_of(plan), today)?;
            plan.filed_on = Some(today);
            plan.comment.clear();
            detail = format!("{}（{}）", d.reason, d.rule.citation());
            filed = Some(AnnualPlan {
                person: plan.person.clone(),
                year: plan.year,
                reviewed_on: plan.reviewed_on,
                notice_start: plan.notice_start,
                notice_end: plan.notice_end,
                filed_on: plan.filed_on,
            });
        }
        PlanMoveKind::Return => {
            plan.comment = ask.comment.to_owned();
        }
    }
    Ok((detail, filed))
}
