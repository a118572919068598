//! A month's pay (Articles 10 and 13), computed and moved in one place.
//!
//! What a month pays is `touyan_reports::month_pay` (the professionalization
//! subsidies of the filed list and the young cadres' pay, by funding
//! source). Who may move a town's run is `touyan_workflow::art13_pay_run`.
//! The pay page's 计算发放 ([`move_town`]) and `touyan payroll --month`
//! ([`compute_month`]) are the same compute move, written by the same
//! storage call, so they store the same records for the same month and
//! town. The command line computes as each town's operator would: a run
//! already reviewed, approved or paid is left as it is and reported.

use std::collections::HashMap;

use time::Date;
use touyan_records::model::{
    Exit, Labelled, ListEntry, ListFiling, PayKind, PayMoveKind, PayRecord, PayRun, PayState,
    Person, Records, Town, TownYear, Village, YoungCadre, YoungCandidate,
};
use touyan_records::{CitizenId, TownCode};
use touyan_reports::{MonthPay, Refusal as ReportRefusal, month_pay};
use touyan_rules::Policy;
use touyan_storage::{PayChange, PayComputation, PayComputed, PayMoveRun, Store, TownComputed};
use touyan_workflow::art13_pay_run::{self as flow, Amounts};
use touyan_workflow::{Actor, Role};

use crate::{By, DEMO_DATA_ACTOR, OfficeError, when};

/// The most characters a move's comment may have.
pub const COMMENT_CHARS: usize = 500;

/// A town's month as its pay page shows it: what the records give now,
/// the run and what it stored, its moves.
pub struct TownMonth {
    /// The month's first day.
    pub month: Date,
    pub town: TownCode,
    /// What the month pays now (or why it cannot be computed).
    pub pay: MonthPay,
    pub run: Option<PayRun>,
    /// The payments the run stored when it was last computed.
    pub stored: Vec<PayRecord>,
    pub moves: Vec<PayMoveRun>,
    /// The database is a demo (example amounts may be computed).
    pub demo: bool,
    /// What the month was computed from (the town's list, young cadres,
    /// people, exits, settings): also which stored payments the run
    /// covers.
    records: Records,
}

impl TownMonth {
    /// The run's state (`None`: not computed yet).
    pub fn current(&self) -> Option<PayState> {
        self.run.as_ref().map(|r| r.state)
    }

    /// The town's name (its code when the records have none).
    pub fn town_name(&self) -> String {
        self.records
            .towns
            .iter()
            .find(|t| t.code == self.town)
            .map_or_else(|| self.town.to_string(), |t| t.name.clone())
    }

    /// A person paid this month as the pay documents name them: (the
    /// village's name, the person's name), from the month's records (the
    /// list entry of the year, else a filed version of it, else the
    /// young-cadre record).
    pub fn paid_person(&self, person: &CitizenId) -> (String, String) {
        let r = &self.records;
        let name = r
            .people
            .iter()
            .find(|p| &p.id == person)
            .map_or_else(|| "（未登记）".to_owned(), |p| p.name.clone());
        let village = r
            .list_entries
            .iter()
            .filter(|e| e.year == self.month.year())
            .map(|e| (&e.person, e.village))
            .chain(
                r.list_filings
                    .iter()
                    .filter(|f| f.year == self.month.year())
                    .map(|f| (&f.person, f.village)),
            )
            .chain(r.young_cadres.iter().map(|y| (&y.person, y.village)))
            .find(|(p, _)| *p == person)
            .map(|(_, v)| v);
        let village = village.map_or_else(String::new, |v| {
            r.villages
                .iter()
                .find(|x| x.code == v)
                .map_or_else(|| v.to_string(), |x| x.name.clone())
        });
        (village, name)
    }

    /// What the amounts are made of, as the workflow asks.
    pub fn amounts(&self) -> Amounts {
        Amounts {
            example: self
                .pay
                .towns
                .iter()
                .find(|t| t.town == self.town)
                .map_or(self.pay.example_amounts(), |t| t.example),
            demo: self.demo,
        }
    }

    /// Whether what the records give now differs from what the run
    /// stored when it was computed: `Some((now, stored))` in fen, and
    /// whether the run may be computed again; `None` when they agree, or
    /// when there is no run or nothing can be computed now.
    pub fn changed_since_computed(&self) -> Option<Changed> {
        let run = self.run.as_ref()?;
        let now = self.pay.town_records(self.town).ok()?;
        let key = |r: &PayRecord| {
            (
                r.person.clone(),
                r.kind.code(),
                r.source.code(),
                r.amount_fen,
            )
        };
        let mut a: Vec<_> = now.iter().map(key).collect();
        let mut b: Vec<_> = self.stored.iter().map(key).collect();
        a.sort();
        b.sort();
        (a != b).then(|| Changed {
            state: run.state,
            now_fen: now.iter().map(|r| r.amount_fen).sum(),
            stored_fen: self.stored.iter().map(|r| r.amount_fen).sum(),
            recompute: flow::moves_for(
                &Actor {
                    role: Role::TownOperator,
                    town: Some(self.town.as_str()),
                },
                self.town.as_str(),
                Some(run.state),
                self.amounts(),
            )
            .contains(&PayMoveKind::Compute),
        })
    }

    /// The moves `actor` could make now (the buttons a page shows).
    pub fn moves_for(&self, actor: &Actor<'_>) -> Vec<PayMoveKind> {
        flow::moves_for(actor, self.town.as_str(), self.current(), self.amounts())
    }
}

/// A run whose stored payments no longer match what the records give.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Changed {
    pub state: PayState,
    pub now_fen: i64,
    pub stored_fen: i64,
    /// The town's operator may compute the run again.
    pub recompute: bool,
}

/// A month that cannot be decided at all (no policy in force).
fn refused_month(month: Date, why: String) -> MonthPay {
    MonthPay {
        month,
        subsidies: Err(ReportRefusal(why.clone())),
        young: Err(ReportRefusal(why)),
        towns: Vec::new(),
    }
}

/// Whether the database is a demo, asked only when it matters (example
/// amounts); asking reads the change log.
async fn is_demo(store: &Store, pay: &MonthPay) -> Result<bool, OfficeError> {
    Ok(pay.example_amounts() && store.has_actor(DEMO_DATA_ACTOR).await?)
}

/// `town`'s month (its first day): what it pays now under `policy`, the
/// run, the stored payments and the moves.
pub async fn town_month(
    store: &Store,
    policy: &Policy,
    month: Date,
    town: TownCode,
) -> Result<TownMonth, OfficeError> {
    let month = when::month_start(month);
    let records = store.payroll_records(month.year(), town).await?;
    let pay = match when::params_on(policy, month) {
        Ok(params) => month_pay(&records, &params, month, Some(town)),
        Err(e) => refused_month(month, e.to_string()),
    };
    let demo = is_demo(store, &pay).await?;
    Ok(TownMonth {
        month,
        town,
        run: store.pay_run(month, town).await?,
        stored: store.town_payments(month, town).await?,
        moves: store.pay_moves(month, town).await?,
        pay,
        demo,
        records,
    })
}

/// The state a page was showing, by its code (`"none"`: no run yet);
/// `None` for a code no state has.
pub fn seen_state(code: &str) -> Option<Option<PayState>> {
    use touyan_records::model::Labelled;
    if code == "none" {
        return Some(None);
    }
    PayState::ALL
        .iter()
        .find(|s| s.code() == code)
        .map(|s| Some(*s))
}

/// The town whose run covers a stored payment: a subsidy the town of the
/// person's list entry of the year (any status, or any filed version), a young cadre's pay the
/// town of the cadre's village — as the run's stored payments are read.
fn covers_of(r: &Records, year: i32) -> impl Fn(&PayRecord) -> Option<TownCode> + Sync + '_ {
    // Anyone on the year's list or on one of its filed versions (a month
    // pays the version in force then).
    let listed: HashMap<&CitizenId, TownCode> = r
        .list_filings
        .iter()
        .filter(|f| f.year == year)
        .map(|f| (&f.person, f.town))
        .chain(
            r.list_entries
                .iter()
                .filter(|e| e.year == year)
                .map(|e| (&e.person, e.town)),
        )
        .collect();
    let young: HashMap<&CitizenId, TownCode> = r
        .young_cadres
        .iter()
        .map(|y| (&y.person, y.village.town()))
        .collect();
    move |p: &PayRecord| match p.kind {
        PayKind::ProfessionalSubsidy => listed.get(&p.person).copied(),
        _ => young.get(&p.person).copied(),
    }
}

/// What the user saw of a run when asking for a move.
#[derive(Clone, Copy, Debug, Default)]
pub struct Seen {
    /// The run's state (`Some(None)`: not computed yet; `None`: a code no
    /// state has).
    pub state: Option<Option<PayState>>,
    /// How many moves the run had: a recompute keeps the state, so a
    /// review, approval or payment of amounts nobody saw is refused by
    /// the count (`None`: not said, the state alone is checked).
    pub moves: Option<usize>,
}

/// One move of `tm`'s run by `by`: checked by the workflow (scope, role,
/// state, comment, amounts), refused when the run is no longer as the
/// user saw it (`seen`); a compute stores the month's pay as
/// [`month_pay`] gives it. Returns the run as it now stands.
pub async fn move_town(
    store: &Store,
    by: By<'_>,
    tm: &TownMonth,
    kind: PayMoveKind,
    seen: Seen,
    comment: &str,
) -> Result<PayRun, OfficeError> {
    let comment = comment.trim();
    OfficeError::at_most(comment, "意见", COMMENT_CHARS)?;
    let to = flow::check_move(
        &by.actor,
        tm.town.as_str(),
        tm.current(),
        kind,
        comment,
        tm.amounts(),
    )?;
    if seen.state != Some(tm.current()) || seen.moves.is_some_and(|n| n != tm.moves.len()) {
        return Err(OfficeError::Conflict(
            "本月发放已被他人处理，状态已经改变，请核对后重新办理".into(),
        ));
    }
    if kind == PayMoveKind::Compute {
        let records = tm
            .pay
            .town_records(tm.town)
            .map_err(|r| OfficeError::Invalid(format!("{r}（未计算）")))?
            .to_vec();
        let town = tm.town;
        let may = |s: Option<PayState>| s == tm.current();
        let covers = covers_of(&tm.records, tm.month.year());
        let own = |p: &PayRecord| covers(p).filter(|t| *t == town);
        let done = store
            .compute_pay(
                by.name,
                by.origin,
                &PayComputation {
                    month: tm.month,
                    towns: vec![TownComputed {
                        town,
                        records,
                        example: tm.amounts().example,
                    }],
                    expected: Some(tm.current()),
                    may_compute: &may,
                    covers: &own,
                    skip_unchanged: false,
                },
            )
            .await?;
        return done
            .runs
            .into_iter()
            .next()
            .ok_or_else(|| OfficeError::Conflict(touyan_storage::StoreError::Stale.to_string()));
    }
    store
        .move_pay(
            by.name,
            by.origin,
            &PayChange {
                month: tm.month,
                town: tm.town,
                expected: tm.current(),
                expected_moves: seen.moves.and_then(|n| u32::try_from(n).ok()),
                kind,
                to,
                comment: comment.to_owned(),
            },
        )
        .await
        .map_err(|e| match e {
            touyan_storage::StoreError::Invalid(m) => OfficeError::Conflict(m),
            e => e.into(),
        })
}

/// What `touyan payroll` did.
pub struct MonthComputed {
    pub pay: MonthPay,
    pub written: PayComputed,
    /// Towns that could not be computed, with why.
    pub refused: Vec<(TownCode, String, String)>,
}

/// The compute move of `month` for `town` or every town, by the command
/// line (`name` for the change log), as each town's operator would make
/// it: a town whose run is reviewed, approved or paid is left as it is;
/// a town that cannot be computed is reported and left as it is. Refused
/// as a whole when there is nothing to compute, or when the amounts are
/// the policy's example values outside a demo.
pub async fn compute_month(
    store: &Store,
    name: &str,
    policy: &Policy,
    month: Date,
    town: Option<TownCode>,
) -> Result<MonthComputed, OfficeError> {
    let month = when::month_start(month);
    let params = when::params_on(policy, month)?;
    let records = match town {
        Some(t) => store.payroll_records(month.year(), t).await?,
        None => Records {
            towns: store.list_bulk::<Town>().await?,
            villages: store.list_bulk::<Village>().await?,
            people: store.list_bulk::<Person>().await?,
            list_entries: store.list_bulk::<ListEntry>().await?,
            exits: store.list_bulk::<Exit>().await?,
            young_cadres: store.list_bulk::<YoungCadre>().await?,
            town_years: store.list_bulk::<TownYear>().await?,
            young_candidates: store.list_bulk::<YoungCandidate>().await?,
            list_filings: store.list_bulk::<ListFiling>().await?,
            ..Records::default()
        },
    };
    let pay = month_pay(&records, &params, month, town);
    let demo = is_demo(store, &pay).await?;
    let operator = |t: TownCode, s: Option<PayState>, example: bool| {
        flow::check_move(
            &Actor {
                role: Role::TownOperator,
                town: Some(t.as_str()),
            },
            t.as_str(),
            s,
            PayMoveKind::Compute,
            "",
            Amounts { example, demo },
        )
    };
    // A town is computed as its operator would compute it: refused with
    // the workflow's own sentence when its amounts are example values
    // outside a demo; its run's state is checked in the transaction.
    let mut refused: Vec<(TownCode, String, String)> = Vec::new();
    let mut computable: Vec<TownComputed> = Vec::new();
    for t in &pay.towns {
        match &t.records {
            Err(e) => refused.push((t.town, t.town_name.clone(), e.0.clone())),
            Ok(r) => match operator(t.town, None, t.example) {
                Err(touyan_workflow::Refusal::Invalid(m)) => {
                    refused.push((t.town, t.town_name.clone(), m));
                }
                _ => computable.push(TownComputed {
                    town: t.town,
                    records: r.clone(),
                    example: t.example,
                }),
            },
        }
    }
    if computable.is_empty() {
        let why = match (refused.first(), &pay.subsidies) {
            (Some((_, _, m)), _) => m.clone(),
            (None, Err(e)) => e.0.clone(),
            (None, Ok(_)) => "本月没有应发放的人员".to_owned(),
        };
        return Err(OfficeError::Invalid(format!("{why}（未写入任何数据）")));
    }
    // Which states allow computing does not depend on the town.
    let first = computable[0].town;
    let may = |s: Option<PayState>| operator(first, s, false).is_ok();
    let covers = covers_of(&records, month.year());
    let written = store
        .compute_pay(
            name,
            None,
            &PayComputation {
                month,
                towns: computable,
                expected: None,
                may_compute: &may,
                covers: &covers,
                skip_unchanged: true,
            },
        )
        .await?;
    Ok(MonthComputed {
        pay,
        written,
        refused,
    })
}

/// The first month from `from`'s through `to`'s (no later than `from`'s
/// when `to` is earlier) whose pay run of `town` is approved or paid, with
/// its state: a decision that relied on the records of that month
/// (Article 13). One read of the town's runs of those months.
pub async fn first_settled(
    store: &Store,
    town: TownCode,
    from: Date,
    to: Date,
) -> Result<Option<(Date, PayState)>, OfficeError> {
    let first = |d: Date| d.replace_day(1).unwrap_or(d);
    Ok(store
        .town_pay_runs(town, first(from), first(std::cmp::max(from, to)))
        .await?
        .into_iter()
        .find(|r| matches!(r.state, PayState::Approved | PayState::Paid))
        .map(|r| (r.month, r.state)))
}
