//! The compute move of towns' monthly pay runs, for one town (the pay
//! page) or every town at once (`touyan payroll`), in one transaction:
//! each town's run row (state computed, its people and total), its move,
//! and its pay records — the month's records of the people the run covers
//! that are no longer due are deleted. What is due, which towns the
//! workflow lets compute, and which run covers a stored payment are the
//! caller's (the use-case layer's) to say; this module only writes.

use std::collections::{HashMap, HashSet};

use sea_orm::{ConnectionTrait, Statement, Value};
use time::Date;
use touyan_records::model::{PayKind, PayMove, PayMoveKind, PayRecord, PayRun, PayState};
use touyan_records::{CitizenId, TownCode};

use crate::sql::Params;
use crate::{Store, StoreError, Written};

/// One town's computed month.
#[derive(Clone, Debug)]
pub struct TownComputed {
    pub town: TownCode,
    pub records: Vec<PayRecord>,
    pub example: bool,
}

/// What [`Store::compute_pay`] writes.
pub struct PayComputation<'a> {
    /// The month's first day.
    pub month: Date,
    pub towns: Vec<TownComputed>,
    /// The state the user saw, for one town's page (`Some(None)`: no run
    /// yet); a run in another state is refused as [`StoreError::Stale`].
    /// `None` for a computation of many towns.
    pub expected: Option<Option<PayState>>,
    /// Whether a run in this state may be computed (the workflow's
    /// answer); a town whose run may not is left as it is.
    pub may_compute: &'a (dyn Fn(Option<PayState>) -> bool + Sync),
    /// The town whose run covers a stored payment, if any.
    pub covers: &'a (dyn Fn(&PayRecord) -> Option<TownCode> + Sync),
    /// Leave a computed run whose payments would not change as it is (no
    /// move, no write): a batch over every town (`touyan payroll`) run
    /// again adds nothing to the runs' histories. A town's own
    /// computation (the page's button) is recorded as a move either way.
    pub skip_unchanged: bool,
}

/// What a computation wrote.
#[derive(Clone, Debug, Default)]
pub struct PayComputed {
    /// The runs as they now stand, in town order.
    pub runs: Vec<PayRun>,
    /// Towns left as they were, with their run's state.
    pub left: Vec<(TownCode, PayState)>,
    /// The pay records written.
    pub written: Written,
    /// Towns whose computed run would not change, left alone
    /// ([`PayComputation::skip_unchanged`]); their runs are in `runs`.
    pub unchanged: Vec<TownCode>,
}

type Key<'a> = (&'a CitizenId, PayKind, touyan_records::model::FundingSource);

impl Store {
    /// Writes the compute move of every town in `c.towns` whose run the
    /// workflow lets compute (see the module's note). One transaction:
    /// every row goes to the change log.
    // One piece: one transaction: lock, read, decide what to write, write.
    pub async fn compute_pay(
        &self,
        actor: &str,
        origin: Option<&str>,
        c: &PayComputation<'_>,
    ) -> Result<PayComputed, StoreError> {
        if let Some(r) = c
            .towns
            .iter()
            .flat_map(|t| &t.records)
            .find(|r| r.month != c.month)
        {
            return Err(StoreError::Invalid(format!(
                "内部错误：{} 的发放记录不属于 {} 的发放",
                r.month, c.month
            )));
        }
        let b = self.backend;
        let mut tx = self.begin_from(actor, origin).await?;
        let one = match c.towns.as_slice() {
            [t] => Some(t.town),
            _ => None,
        };
        // Lock the runs this computation may change (a concurrent move
        // waits for the commit, then finds the new state).
        let mut p = Params::new(b);
        let mut filter = format!("pay_month = {}", p.next());
        let mut values = vec![Value::TimeDate(Some(c.month))];
        if let Some(t) = one {
            filter.push_str(&format!(" AND town = {}", p.next()));
            values.push(Value::String(Some(t.as_str().to_owned())));
        }
        tx.tx
            .execute_raw(Statement::from_sql_and_values(
                b.db(),
                format!("UPDATE pay_runs SET state = state WHERE {filter}"),
                values.clone(),
            ))
            .await?;
        let runs: HashMap<TownCode, PayRun> =
            crate::sql::select::<PayRun, _>(&tx.tx, b, &filter, values.clone())
                .await?
                .into_iter()
                .map(|r| (r.town, r))
                .collect();
        let mut last_seq: HashMap<String, i64> = HashMap::new();
        for row in tx
            .tx
            .query_all_raw(Statement::from_sql_and_values(
                b.db(),
                format!("SELECT town, CAST(MAX(seq) AS BIGINT) FROM pay_moves WHERE {filter} GROUP BY town"),
                values,
            ))
            .await?
        {
            let town: String = row.try_get_by_index(0)?;
            let seq: i64 = row.try_get_by_index(1)?;
            last_seq.insert(town, seq);
        }
        // The month's stored payments: to find a batch's unchanged towns,
        // and the payments a recomputed run no longer makes.
        let mut p = Params::new(b);
        let f = format!("pay_month = {}", p.next());
        let stored: Vec<PayRecord> =
            crate::sql::select(&tx.tx, b, &f, vec![Value::TimeDate(Some(c.month))]).await?;
        let mut covered: HashMap<TownCode, Vec<&PayRecord>> = HashMap::new();
        if c.skip_unchanged {
            for s in &stored {
                if let Some(t) = (c.covers)(s) {
                    covered.entry(t).or_default().push(s);
                }
            }
        }
        let mut out = PayComputed::default();
        let mut kept_runs = Vec::new();
        let mut kept_records: u64 = 0;
        let mut new_runs = Vec::new();
        let mut moves = Vec::new();
        let mut due: Vec<&PayRecord> = Vec::new();
        let mut computed: HashSet<TownCode> = HashSet::new();
        for t in &c.towns {
            let current = runs.get(&t.town).map(|r| r.state);
            if let Some(seen) = c.expected
                && seen != current
            {
                return Err(StoreError::Stale);
            }
            if !(c.may_compute)(current) {
                if let Some(s) = current {
                    out.left.push((t.town, s));
                }
                continue;
            }
            let mut people: Vec<&CitizenId> = t.records.iter().map(|r| &r.person).collect();
            people.sort_unstable();
            people.dedup();
            let run = PayRun {
                month: c.month,
                town: t.town,
                state: PayState::Computed,
                people: u32::try_from(people.len()).unwrap_or(u32::MAX),
                total_fen: t.records.iter().map(|r| r.amount_fen).sum(),
                example: t.example,
                comment: String::new(),
            };
            if c.skip_unchanged
                && let Some(now) = runs.get(&t.town)
                && unchanged(now, &run, &t.records, covered.get(&t.town))
            {
                kept_runs.push(now.clone());
                out.unchanged.push(t.town);
                kept_records += t.records.len() as u64;
                continue;
            }
            new_runs.push(run);
            let seq = last_seq.get(t.town.as_str()).copied().unwrap_or(0) + 1;
            moves.push(PayMove {
                month: c.month,
                town: t.town,
                seq: u32::try_from(seq).unwrap_or(u32::MAX),
                kind: PayMoveKind::Compute,
                to: PayState::Computed,
                comment: String::new(),
            });
            due.extend(&t.records);
            computed.insert(t.town);
        }
        let due_keys: HashSet<Key<'_>> =
            due.iter().map(|r| (&r.person, r.kind, r.source)).collect();
        let stale: Vec<PayRecord> = stored
            .into_iter()
            .filter(|s| {
                (c.covers)(s).is_some_and(|t| computed.contains(&t))
                    && !due_keys.contains(&(&s.person, s.kind, s.source))
            })
            .collect();
        // A run first computed at the same time by someone else is there
        // by now: that computation is the one that stands.
        let raced = |e: StoreError| match e {
            StoreError::Duplicate { .. } => StoreError::Stale,
            e => e,
        };
        tx.upsert(&new_runs).await.map_err(raced)?;
        tx.insert(&moves).await.map_err(raced)?;
        let records: Vec<PayRecord> = due.into_iter().cloned().collect();
        out.written = tx.upsert(&records).await?;
        out.written.unchanged += kept_records;
        out.written.deleted = tx.delete(&stale).await?;
        tx.commit().await?;
        out.runs = new_runs;
        out.runs.extend(kept_runs);
        out.runs.sort_by_key(|r| r.town);
        out.left.sort_by_key(|l| l.0);
        Ok(out)
    }
}

/// Whether a computed run `now` already stands as `run` would, with
/// exactly the payments `due` (the same keys, amounts and sources) and
/// no other payment it covers (`mine`: the stored payments it covers).
fn unchanged(
    now: &PayRun,
    run: &PayRun,
    due: &[PayRecord],
    mine: Option<&Vec<&PayRecord>>,
) -> bool {
    if now.state != PayState::Computed
        || (now.people, now.total_fen, now.example) != (run.people, run.total_fen, run.example)
    {
        return false;
    }
    let mine: HashMap<Key<'_>, &PayRecord> = mine
        .into_iter()
        .flatten()
        .map(|r| ((&r.person, r.kind, r.source), *r))
        .collect();
    mine.len() == due.len()
        && due
            .iter()
            .all(|d| mine.get(&(&d.person, d.kind, d.source)) == Some(&d))
}
