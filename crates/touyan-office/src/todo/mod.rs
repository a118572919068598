//! The to-do list (待办, issue 18 item 2): what waits for this user now,
//! each where it is done, with its deadline where the measures set one.
//!
//! An item waits for a user when the workflow of its article gives the
//! user a move that carries it forward (the buttons its page would
//! show): a list to confirm, submit or file (Articles 1, 13), a month's
//! pay to compute, review, approve or mark paid (Article 13), an
//! exception to review (原则上/一般), yearly plans to review, notice or
//! file (Article 11), leave to approve (Chapter 2, inferred), an
//! evaluation in progress and the cases it opened (Article 12). Moves
//! that only keep or undo (save a draft, start an adjustment, send back)
//! do not make an item wait. Counts are per town: a town's plans, leave
//! and cases are one item each.
//!
//! Which periods: the lists of this year and the next one (the next
//! year's only once a town started it), the pay of last month and this
//! month, the exceptions and plans of this year, the evaluations of this
//! half and the last one, every open case and leave request.

use std::collections::HashMap;

use time::{Date, Duration, Month};
use touyan_records::TownCode;
use touyan_records::model::{
    CaseState, EvalState, ExceptionMoveKind, Labelled, LeaveMoveKind, LeaveState, ListMoveKind,
    PayMoveKind, PayState, PlanMoveKind, ReviewState, Town,
};
use touyan_rules::Policy;
use touyan_rules::art13_pay::YEARLY_ADJUSTMENT;
use touyan_storage::Store;
use touyan_workflow::art01_13_list as list_flow;
use touyan_workflow::art11_plan as plan_flow;
use touyan_workflow::art12_evaluation as eval_flow;
use touyan_workflow::art13_pay_run::{self as pay_flow, Amounts};

use crate::{By, OfficeError, daily, exceptions, lists, pay, when};

mod bulk;
pub use bulk::{Done, Picked, bulk};

/// Where an item is done (the page adapts it to an address).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// A town's list of a year (its exceptions are on the same page).
    List { year: i32, town: TownCode },
    /// A town's pay of a month (its first day).
    Pay { month: Date, town: TownCode },
    /// A town's yearly plans.
    Plans { year: i32, town: TownCode },
    /// A town's daily management (leave).
    Daily { town: TownCode },
    /// A town's evaluation of a half, with its cases.
    Evaluation { year: i32, half: u8, town: TownCode },
}

/// What can be done for several towns at once from the to-do page, each
/// still checked and recorded one by one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Bulk {
    /// The city files a submitted list.
    FileList,
    /// The city approves a reviewed month's pay.
    ApprovePay,
}

impl Bulk {
    pub fn code(self) -> &'static str {
        match self {
            Bulk::FileList => "file_list",
            Bulk::ApprovePay => "approve_pay",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Bulk::FileList => "备案所选名单",
            Bulk::ApprovePay => "批准所选发放",
        }
    }
}

/// A deadline the measures (or the policy's reading of them) set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Due {
    pub on: Date,
    /// What sets it, with its article.
    pub basis: String,
}

/// One thing waiting for the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Todo {
    pub place: Place,
    pub town: TownCode,
    pub town_name: String,
    /// What waits, as a sentence without the town ("2026 年名单：已报送待备案").
    pub what: String,
    /// The moves the user can make there, by label.
    pub moves: Vec<&'static str>,
    pub due: Option<Due>,
    /// Can be done with others at once (the city's filing and approval).
    pub bulk: Option<Bulk>,
    /// For an item done in bulk, what the move concerns ("30 人，合计
    /// 36000.00 元"), so that nothing is approved unseen.
    pub detail: String,
    /// The state the user saw, by code, claimed by a move made in bulk.
    pub seen: String,
}

impl Todo {
    /// Whether the item's deadline has passed on `today`.
    pub fn overdue(&self, today: Date) -> bool {
        self.due.as_ref().is_some_and(|d| d.on < today)
    }
}

/// The last day of `month` of `year`.
fn month_end(year: i32, month: u8) -> Option<Date> {
    let m = Month::try_from(month).ok()?;
    let first = Date::from_calendar_date(year, m, 1).ok()?;
    Some(first + Duration::days(i64::from(m.length(year))) - Duration::days(1))
}

/// The half (1 or 2) `day` falls in.
fn half_of(day: Date) -> u8 {
    if u8::from(day.month()) <= 6 { 1 } else { 2 }
}

/// The half before (`year`, `half`).
fn half_before(year: i32, half: u8) -> (i32, u8) {
    if half == 2 { (year, 1) } else { (year - 1, 2) }
}

/// The month before the one `day` falls in (its first day).
fn month_before(day: Date) -> Date {
    when::month_start(when::month_start(day) - Duration::days(1))
}

/// Everything waiting for `by` on `today`, in the order a clerk works:
/// overdue first, then by deadline, then lists, pay, exceptions, plans,
/// leave and evaluations, town by town.
pub async fn for_user(
    store: &Store,
    by: &By<'_>,
    policy: &Policy,
    today: Date,
) -> Result<Vec<Todo>, OfficeError> {
    let towns: Vec<Town> = store.list().await?;
    let names: HashMap<TownCode, String> = towns.iter().map(|t| (t.code, t.name.clone())).collect();
    let mut c = Collect {
        by,
        names: &names,
        out: Vec::new(),
    };
    c.lists(store, policy, today).await?;
    c.pay(store, policy, today).await?;
    c.exceptions(store, today).await?;
    c.plans(store, today).await?;
    c.leave(store, policy, today).await?;
    c.evaluations(store, today).await?;
    let mut out = c.out;
    out.sort_by_key(|t| {
        (
            !t.overdue(today),
            t.due.as_ref().map(|d| d.on).unwrap_or(Date::MAX),
        )
    });
    Ok(out)
}

struct Collect<'a, 'b> {
    by: &'a By<'b>,
    names: &'a HashMap<TownCode, String>,
    out: Vec<Todo>,
}

impl Collect<'_, '_> {
    fn sees(&self, town: TownCode) -> bool {
        self.by.actor.sees(town.as_str())
    }

    fn name(&self, town: TownCode) -> String {
        self.names
            .get(&town)
            .cloned()
            .unwrap_or_else(|| town.as_str().to_owned())
    }

    fn push(
        &mut self,
        place: Place,
        town: TownCode,
        what: String,
        moves: Vec<&'static str>,
    ) -> &mut Todo {
        let town_name = self.name(town);
        self.out.push(Todo {
            place,
            town,
            town_name,
            what,
            moves,
            due: None,
            bulk: None,
            detail: String::new(),
            seen: String::new(),
        });
        let last = self.out.len() - 1;
        &mut self.out[last]
    }

    /// The lists of this year and the next: those a review has started,
    /// and for a town's operator their own town's list of this year not
    /// yet started while a proposal waits.
    async fn lists(
        &mut self,
        store: &Store,
        policy: &Policy,
        today: Date,
    ) -> Result<(), OfficeError> {
        const FORWARD: [ListMoveKind; 3] = [
            ListMoveKind::Confirm,
            ListMoveKind::Submit,
            ListMoveKind::File,
        ];
        for year in [today.year(), today.year() + 1] {
            let due = when::params_on(policy, when::year_start(year)?)
                .ok()
                .and_then(|p| {
                    let month = u8::try_from(p.tiers_adjust_month.value).ok()?;
                    Some(Due {
                        on: month_end(year, month)?,
                        basis: format!(
                            "每年年初调整一次，调整月份为 {month} 月（{}）",
                            YEARLY_ADJUSTMENT.citation()
                        ),
                    })
                });
            let reviews = store.list_reviews(year).await?;
            let mut started: Vec<TownCode> = Vec::new();
            let by = self.by;
            for r in reviews.iter().filter(|r| by.actor.sees(r.town.as_str())) {
                started.push(r.town);
                let moves: Vec<&'static str> =
                    list_flow::moves_for(&self.by.actor, r.town.as_str(), Some(r.state))
                        .into_iter()
                        .filter(|k| FORWARD.contains(k))
                        .map(|k| k.label())
                        .collect();
                if moves.is_empty() {
                    continue;
                }
                let version = if r.version > 1 {
                    format!("（第 {} 次调整）", r.version - 1)
                } else {
                    String::new()
                };
                let files = r.state == ReviewState::Submitted
                    && moves.contains(&ListMoveKind::File.label());
                let t = self.push(
                    Place::List { year, town: r.town },
                    r.town,
                    format!("{year} 年名单{version}：{}", r.state.label()),
                    moves,
                );
                t.due = (r.version == 1).then(|| due.clone()).flatten();
                t.seen = r.state.code().to_owned();
                t.bulk = files.then_some(Bulk::FileList);
                if files {
                    let town = r.town;
                    if let Some(l) = lists::town_list(store, policy, year, town, today).await?
                        && let Some(t) = self.out.last_mut()
                    {
                        t.detail = list_detail(&l);
                        t.seen = format!("{}:{}:{}", r.state.code(), r.version, l.moves.len());
                    }
                }
            }
            // A town's own list not started yet: only this year's, only
            // when the workflow would let this user start it.
            let Some(own) = self.by.actor.town.and_then(|t| TownCode::parse(t).ok()) else {
                continue;
            };
            if year != today.year()
                || started.contains(&own)
                || !list_flow::moves_for(&self.by.actor, own.as_str(), None)
                    .contains(&ListMoveKind::Save)
            {
                continue;
            }
            // A list filed without a review (brought in by the import or
            // the demo) waits for nobody.
            if lists::town_list(store, policy, year, own, today)
                .await?
                .is_some_and(|l| l.filed.is_empty())
            {
                let t = self.push(
                    Place::List { year, town: own },
                    own,
                    format!("{year} 年名单：建议名单已生成，尚未办理"),
                    vec![ListMoveKind::Save.label()],
                );
                t.due = due;
                t.seen = "none".into();
            }
        }
        Ok(())
    }

    /// The pay of last month and this month: the runs started, and for a
    /// town's operator last month's run not computed yet while the month
    /// has something to pay.
    async fn pay(
        &mut self,
        store: &Store,
        policy: &Policy,
        today: Date,
    ) -> Result<(), OfficeError> {
        // Amounts matter to computing only, which is asked below with the
        // month's own.
        let any = Amounts {
            example: false,
            demo: false,
        };
        const FORWARD: [PayMoveKind; 4] = [
            PayMoveKind::Compute,
            PayMoveKind::Review,
            PayMoveKind::Approve,
            PayMoveKind::Pay,
        ];
        let this = when::month_start(today);
        for month in [month_before(today), this] {
            let runs = store.pay_runs(month).await?;
            let mut started: Vec<TownCode> = Vec::new();
            let by = self.by;
            for r in runs.iter().filter(|r| by.actor.sees(r.town.as_str())) {
                started.push(r.town);
                // Computing again what is computed keeps it where it is;
                // a returned run waits to be computed again.
                let forward = |k: &PayMoveKind| {
                    FORWARD.contains(k)
                        && (*k != PayMoveKind::Compute || r.state == PayState::Returned)
                };
                let mut moves: Vec<PayMoveKind> =
                    pay_flow::moves_for(&self.by.actor, r.town.as_str(), Some(r.state), any)
                        .into_iter()
                        .filter(forward)
                        .collect();
                if moves.contains(&PayMoveKind::Compute) {
                    let tm = pay::town_month(store, policy, month, r.town).await?;
                    moves = pay_flow::moves_for(
                        &self.by.actor,
                        r.town.as_str(),
                        Some(r.state),
                        tm.amounts(),
                    )
                    .into_iter()
                    .filter(forward)
                    .collect();
                }
                if moves.is_empty() {
                    continue;
                }
                let bulk = (r.state == PayState::Reviewed && moves.contains(&PayMoveKind::Approve))
                    .then_some(Bulk::ApprovePay);
                let t = self.push(
                    Place::Pay {
                        month,
                        town: r.town,
                    },
                    r.town,
                    format!(
                        "{} 年 {} 月发放：{}",
                        month.year(),
                        u8::from(month.month()),
                        r.state.label()
                    ),
                    moves.iter().map(|k| k.label()).collect(),
                );
                t.bulk = bulk;
                t.seen = r.state.code().to_owned();
                if bulk.is_some() {
                    let tm = pay::town_month(store, policy, month, r.town).await?;
                    if let Some(t) = self.out.last_mut() {
                        t.detail = pay_detail(&tm);
                        t.seen = format!("{}:{}", r.state.code(), tm.moves.len());
                    }
                }
            }
            let Some(own) = self.by.actor.town.and_then(|t| TownCode::parse(t).ok()) else {
                continue;
            };
            if month == this || started.contains(&own) {
                continue;
            }
            // Something to pay: the month's pay of the town decides it,
            // as computing it would.
            let tm = pay::town_month(store, policy, month, own).await?;
            if tm.pay.town_records(own).is_err() {
                continue;
            }
            if pay_flow::moves_for(&self.by.actor, own.as_str(), None, tm.amounts())
                .contains(&PayMoveKind::Compute)
            {
                let t = self.push(
                    Place::Pay { month, town: own },
                    own,
                    format!(
                        "{} 年 {} 月发放：尚未计算",
                        month.year(),
                        u8::from(month.month())
                    ),
                    vec![PayMoveKind::Compute.label()],
                );
                t.seen = "none".into();
            }
        }
        Ok(())
    }

    /// This year's exceptions the user may review.
    async fn exceptions(&mut self, store: &Store, today: Date) -> Result<(), OfficeError> {
        let year = today.year();
        for e in store.list_exceptions(year, None).await? {
            if !self.sees(e.town) {
                continue;
            }
            let moves: Vec<&'static str> = exceptions::moves_for(self.by, &e)
                .into_iter()
                .filter(|k| *k != ExceptionMoveKind::Propose)
                .map(|k| k.label())
                .collect();
            if moves.is_empty() {
                continue;
            }
            self.push(
                Place::List { year, town: e.town },
                e.town,
                format!(
                    "{year} 年名单第 {} 号例外（{}）：{}",
                    e.seq,
                    exceptions::rule_zh(&e.rule),
                    e.state.label()
                ),
                moves,
            );
        }
        Ok(())
    }

    /// This year's plans the user may carry forward, counted per town
    /// and state.
    async fn plans(&mut self, store: &Store, today: Date) -> Result<(), OfficeError> {
        const FORWARD: [PlanMoveKind; 3] =
            [PlanMoveKind::Pass, PlanMoveKind::Notice, PlanMoveKind::File];
        let year = today.year();
        let mut per: Vec<(
            TownCode,
            touyan_records::model::PlanState,
            usize,
            Vec<&'static str>,
        )> = Vec::new();
        for p in store.plan_reviews(year, None).await? {
            if !self.sees(p.town) {
                continue;
            }
            let moves: Vec<&'static str> =
                plan_flow::moves_for(&self.by.actor, p.town.as_str(), Some(p.state))
                    .into_iter()
                    .filter(|k| FORWARD.contains(k))
                    .map(|k| k.label())
                    .collect();
            if moves.is_empty() {
                continue;
            }
            match per.iter_mut().find(|x| x.0 == p.town && x.1 == p.state) {
                Some(x) => x.2 += 1,
                None => per.push((p.town, p.state, 1, moves)),
            }
        }
        for (town, state, n, moves) in per {
            self.push(
                Place::Plans { year, town },
                town,
                format!("{year} 年度工作计划 {n} 份：{}", state.label()),
                moves,
            );
        }
        Ok(())
    }

    /// Leave requests waiting for approval, counted per town.
    async fn leave(
        &mut self,
        store: &Store,
        policy: &Policy,
        today: Date,
    ) -> Result<(), OfficeError> {
        let town = self.by.actor.town.and_then(|t| TownCode::parse(t).ok());
        if self.by.actor.town.is_some() && town.is_none() {
            return Ok(());
        }
        // Reading every secretary in post is the costly part: not for a
        // role that approves no town's leave.
        let any = town.or_else(|| self.names.keys().next().copied());
        let approves = any.is_some_and(|t| {
            daily::may_move(
                self.by,
                t,
                LeaveState::Requested,
                LeaveMoveKind::Approve,
                "",
            )
            .is_ok()
        });
        if !approves {
            return Ok(());
        }
        let lines = match daily::in_post(store, policy, town, None, today).await {
            Ok(l) => l,
            Err(OfficeError::Store(e)) => return Err(e.into()),
            Err(_) => return Ok(()),
        };
        let mut per: Vec<(TownCode, usize)> = Vec::new();
        for l in &lines {
            let t = l.secretary.town;
            let waiting = l
                .secretary
                .open_leaves
                .iter()
                .filter(|r| r.state == LeaveState::Requested)
                .filter(|_| {
                    daily::may_move(
                        self.by,
                        t,
                        LeaveState::Requested,
                        LeaveMoveKind::Approve,
                        "",
                    )
                    .is_ok()
                })
                .count();
            if waiting == 0 {
                continue;
            }
            match per.iter_mut().find(|x| x.0 == t) {
                Some(x) => x.1 += waiting,
                None => per.push((t, waiting)),
            }
        }
        for (town, n) in per {
            self.push(
                Place::Daily { town },
                town,
                format!("请假申请 {n} 项待审批（第二章，推定）"),
                vec![
                    LeaveMoveKind::Approve.label(),
                    LeaveMoveKind::Refuse.label(),
                ],
            );
        }
        Ok(())
    }

    /// Evaluations in progress this half or the last, and the open cases
    /// of any evaluation, for whoever has a move on them.
    async fn evaluations(&mut self, store: &Store, today: Date) -> Result<(), OfficeError> {
        let (year, half) = (today.year(), half_of(today));
        // Reading a town's half is the costly part: only for a role that
        // moves evaluations at all.
        let acts = eval_flow::acts_on_evaluations(self.by.actor.role);
        for (y, h) in [half_before(year, half), (year, half)]
            .into_iter()
            .filter(|_| acts)
        {
            let due = month_end(y, if h == 1 { 6 } else { 12 }).map(|on| Due {
                on,
                basis: "每半年进行一次胜任度评价（第十二条）；以半年的最后一天为期限是推定".into(),
            });
            for e in store.evaluations(y, h).await? {
                if !self.sees(e.town) || e.state != EvalState::Open {
                    continue;
                }
                // The evaluation as its page reads it: its sign-offs and
                // who signed decide the moves.
                let th = crate::evaluation::town_half(store, y, h, e.town).await?;
                let moves: Vec<&'static str> = th
                    .moves_for(&self.by.actor, self.by.name)
                    .into_iter()
                    .map(|m| m.label())
                    .collect();
                if moves.is_empty() {
                    continue;
                }
                let t = self.push(
                    Place::Evaluation {
                        year: y,
                        half: h,
                        town: e.town,
                    },
                    e.town,
                    format!("{y} 年{}胜任度评价：{}", half_zh(h), e.state.label()),
                    moves,
                );
                t.due = due.clone();
            }
        }
        let mut per: Vec<(i32, u8, TownCode, usize, Vec<&'static str>)> = Vec::new();
        let scope = self.by.actor.town;
        for c in store.open_cases(scope).await? {
            if !self.sees(c.town) || c.state != CaseState::Open {
                continue;
            }
            let moves: Vec<&'static str> =
                eval_flow::case_moves_for(&self.by.actor, c.town.as_str(), c.kind, c.state)
                    .into_iter()
                    .map(|m| m.label())
                    .collect();
            if moves.is_empty() {
                continue;
            }
            match per
                .iter_mut()
                .find(|x| (x.0, x.1, x.2) == (c.year, c.half, c.town))
            {
                Some(x) => {
                    x.3 += 1;
                    for m in moves {
                        if !x.4.contains(&m) {
                            x.4.push(m);
                        }
                    }
                }
                None => per.push((c.year, c.half, c.town, 1, moves)),
            }
        }
        for (y, h, town, n, moves) in per {
            self.push(
                Place::Evaluation {
                    year: y,
                    half: h,
                    town,
                },
                town,
                format!(
                    "{y} 年{}胜任度评价开启的约谈或退出 {n} 项待办理（第十二条）",
                    half_zh(h)
                ),
                moves,
            );
        }
        Ok(())
    }
}

/// A list to file, as the city sees it before filing: how many and by
/// tier.
fn list_detail(l: &lists::TownList) -> String {
    let mut tiers = [0usize; 3];
    for r in &l.rows {
        if let Some(n) = r
            .chosen
            .and_then(|t| usize::from(t).checked_sub(1))
            .and_then(|t| tiers.get_mut(t))
        {
            *n += 1;
        }
    }
    format!(
        "{} 人（一档 {}、二档 {}、三档 {}）",
        tiers.iter().sum::<usize>(),
        tiers[0],
        tiers[1],
        tiers[2]
    )
}

/// A month's pay to approve, as the city sees it: the stored payments'
/// people and total.
fn pay_detail(tm: &pay::TownMonth) -> String {
    let mut people: Vec<&touyan_records::CitizenId> = tm.stored.iter().map(|p| &p.person).collect();
    people.sort();
    people.dedup();
    let fen: i64 = tm.stored.iter().map(|p| p.amount_fen).sum();
    format!(
        "{} 人，合计 {}.{:02} 元",
        people.len(),
        fen / 100,
        fen % 100
    )
}

fn half_zh(half: u8) -> &'static str {
    if half == 1 { "上半年" } else { "下半年" }
}
