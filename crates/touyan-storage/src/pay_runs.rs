//! A town's monthly subsidy run (tables `pay_runs`, `pay_moves` of
//! `m0009_workflows`; issue 5, item 6). Which move is allowed is
//! `touyan-workflow`'s `art13_pay_run`; this module keeps the runs and
//! writes a move other than computing in one transaction: the run row and
//! the move (the compute move, which writes the pay records too, is
//! `pay_compute.rs`). Every row goes to the change log.
//!
//! A run pays the people on the town's list of the month's year (any
//! status), as `touyan payroll --town` counts them, their
//! professionalization subsidies, and the young cadres of the town's
//! villages their pay (Article 10: the base from the town's finance, the
//! degree subsidies from the city and the town).

use sea_orm::Value;
use time::{Date, PrimitiveDateTime};
use touyan_records::TownCode;
use touyan_records::model::{Labelled, PayKind, PayMove, PayRecord, PayRun, PayState};

use crate::record::{Cell, Col, Kind, Reader, Record, col, int, label, text};
use crate::sql::Params;
use crate::{Store, StoreError};

impl Record for PayRun {
    const TABLE: &'static str = "pay_runs";
    const ZH: &'static str = "月度补贴发放";
    const COLUMNS: &'static [Col] = &[
        col("pay_month", Kind::Date),
        col("town", Kind::Text),
        col("state", Kind::Text),
        col("people", Kind::Int),
        col("total_fen", Kind::BigInt),
        col("example", Kind::Bool),
        col("comment", Kind::Text),
    ];
    const KEY: usize = 2;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            Cell::Date(self.month),
            text(self.town.as_str()),
            label(self.state),
            int(self.people),
            Cell::Int(self.total_fen),
            Cell::Bool(self.example),
            text(&self.comment),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(PayRun {
            month: r.date()?,
            town: r.parse(TownCode::parse)?,
            state: r.label()?,
            people: r.int()?,
            total_fen: r.int()?,
            example: r.bool()?,
            comment: r.text()?,
        })
    }
}

impl Record for PayMove {
    const TABLE: &'static str = "pay_moves";
    const ZH: &'static str = "月度补贴发放流转记录";
    const COLUMNS: &'static [Col] = &[
        col("pay_month", Kind::Date),
        col("town", Kind::Text),
        col("seq", Kind::Int),
        col("kind", Kind::Text),
        col("to_state", Kind::Text),
        col("comment", Kind::Text),
    ];
    const KEY: usize = 3;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            Cell::Date(self.month),
            text(self.town.as_str()),
            int(self.seq),
            label(self.kind),
            label(self.to),
            text(&self.comment),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(PayMove {
            month: r.date()?,
            town: r.parse(TownCode::parse)?,
            seq: r.int()?,
            kind: r.label()?,
            to: r.label()?,
            comment: r.text()?,
        })
    }
}

/// A stored move with who made it and when (UTC).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PayMoveRun {
    pub entry: PayMove,
    pub by: String,
    pub at: PrimitiveDateTime,
}

/// One move to write (already allowed by the workflow).
#[derive(Clone, Debug)]
pub struct PayChange {
    pub month: Date,
    pub town: TownCode,
    /// The state the user saw (`None`: no run yet).
    pub expected: Option<PayState>,
    /// How many moves the run had when the user saw it, when said: a
    /// recompute keeps the state but adds a move, so amounts nobody saw
    /// are refused as stale.
    pub expected_moves: Option<u32>,
    pub kind: touyan_records::model::PayMoveKind,
    pub to: PayState,
    pub comment: String,
}

fn of_town(p: &mut Params, month: Date, town: TownCode) -> (String, Vec<Value>) {
    (
        format!("pay_month = {} AND town = {}", p.next(), p.next()),
        vec![
            Value::TimeDate(Some(month)),
            Value::String(Some(town.as_str().to_owned())),
        ],
    )
}

/// The run's payments over `pay_records`: the month's professionalization
/// subsidies of the people the town's list of the year covers — its list
/// entries, and the people of its filed versions who are on no list entry
/// of the year (a month pays the version in force then, so a person a
/// later re-filing removed is still the town's in the months before; the
/// office's `covers_of` reads it the same way) — and the month's
/// young-cadre pay of the young cadres of the town's villages.
fn town_payments(p: &mut Params, month: Date, town: TownCode) -> (String, Vec<Value>) {
    let year = || Value::Int(Some(month.year()));
    let town_v = || Value::String(Some(town.as_str().to_owned()));
    (
        format!(
            "pay_month = {} AND ((kind = {} AND (person IN \
             (SELECT person FROM list_entries WHERE year = {} AND town = {}) \
             OR (person IN (SELECT person FROM list_filings WHERE year = {} AND town = {}) \
             AND person NOT IN (SELECT person FROM list_entries WHERE year = {})))) \
             OR (kind IN ({}, {}) AND person IN (SELECT person FROM young_cadres WHERE village IN \
             (SELECT code FROM villages WHERE town_code = {}))))",
            p.next(),
            p.next(),
            p.next(),
            p.next(),
            p.next(),
            p.next(),
            p.next(),
            p.next(),
            p.next(),
            p.next()
        ),
        vec![
            Value::TimeDate(Some(month)),
            Value::String(Some(PayKind::ProfessionalSubsidy.code().to_owned())),
            year(),
            town_v(),
            year(),
            town_v(),
            year(),
            Value::String(Some(PayKind::YoungCadreBase.code().to_owned())),
            Value::String(Some(PayKind::YoungCadreSubsidy.code().to_owned())),
            town_v(),
        ],
    )
}

impl Store {
    /// The town's run of `month` (its first day), if any.
    pub async fn pay_run(&self, month: Date, town: TownCode) -> Result<Option<PayRun>, StoreError> {
        let mut p = Params::new(self.backend);
        let (f, v) = of_town(&mut p, month, town);
        Ok(
            crate::sql::select::<PayRun, _>(&self.db, self.backend, &f, v)
                .await?
                .into_iter()
                .next(),
        )
    }

    /// The town's runs of the months from `from` through `to` (first
    /// days), in month order: one statement.
    pub async fn town_pay_runs(
        &self,
        town: TownCode,
        from: Date,
        to: Date,
    ) -> Result<Vec<PayRun>, StoreError> {
        let mut p = Params::new(self.backend);
        let f = format!(
            "town = {} AND pay_month >= {} AND pay_month <= {}",
            p.next(),
            p.next(),
            p.next()
        );
        let v = vec![
            Value::String(Some(town.as_str().to_owned())),
            Value::TimeDate(Some(from)),
            Value::TimeDate(Some(to)),
        ];
        let mut runs = crate::sql::select::<PayRun, _>(&self.db, self.backend, &f, v).await?;
        runs.sort_by_key(|r| r.month);
        Ok(runs)
    }

    /// Every town's run of `month`, in town order.
    pub async fn pay_runs(&self, month: Date) -> Result<Vec<PayRun>, StoreError> {
        let mut p = Params::new(self.backend);
        let f = format!("pay_month = {}", p.next());
        crate::sql::select::<PayRun, _>(
            &self.db,
            self.backend,
            &f,
            vec![Value::TimeDate(Some(month))],
        )
        .await
    }

    /// The month's stored payments of the town's run: the listed people's
    /// professionalization subsidies and the young cadres' pay.
    pub async fn town_payments(
        &self,
        month: Date,
        town: TownCode,
    ) -> Result<Vec<PayRecord>, StoreError> {
        let mut p = Params::new(self.backend);
        let (f, v) = town_payments(&mut p, month, town);
        crate::sql::select::<PayRecord, _>(&self.db, self.backend, &f, v).await
    }

    /// The moves of the town's run of `month`, in order, with who and when.
    pub async fn pay_moves(
        &self,
        month: Date,
        town: TownCode,
    ) -> Result<Vec<PayMoveRun>, StoreError> {
        let mut p = Params::new(self.backend);
        let (f, v) = of_town(&mut p, month, town);
        let rows = crate::moves::select_audited(&self.db, self.backend, &f, v, "seq").await?;
        Ok(rows
            .into_iter()
            .map(|(entry, by, at)| PayMoveRun { entry, by, at })
            .collect())
    }

    /// Writes one move of a town's run in one transaction (see the
    /// module's note); returns the run as it now stands. Refused, with
    /// nothing written, when the run is no longer in `c.expected`.
    pub async fn move_pay(
        &self,
        actor: &str,
        origin: Option<&str>,
        c: &PayChange,
    ) -> Result<PayRun, StoreError> {
        if c.kind == touyan_records::model::PayMoveKind::Compute {
            return Err(StoreError::Internal("计算发放须经 compute_pay 写入".into()));
        }
        let mut tx = self.begin_from(actor, origin).await?;
        let b = self.backend;
        let mut p = Params::new(b);
        let (f, v) = of_town(&mut p, c.month, c.town);
        let old: Option<PayRun> = match c.expected {
            Some(s) => {
                if tx.claim_state("pay_runs", &mut p, &f, v, s.code()).await? != 1 {
                    return Err(StoreError::Stale);
                }
                let mut p = Params::new(b);
                let (f, v) = of_town(&mut p, c.month, c.town);
                crate::sql::select::<PayRun, _>(&tx.tx, b, &f, v)
                    .await?
                    .into_iter()
                    .next()
            }
            None => {
                if !crate::sql::select::<PayRun, _>(&tx.tx, b, &f, v)
                    .await?
                    .is_empty()
                {
                    return Err(StoreError::Stale);
                }
                None
            }
        };
        let (people, total_fen, example) = match &old {
            Some(o) => (o.people, o.total_fen, o.example),
            None => (0, 0, false),
        };
        let run = PayRun {
            month: c.month,
            town: c.town,
            state: c.to,
            people,
            total_fen,
            example,
            comment: c.comment.trim().to_owned(),
        };
        tx.upsert(std::slice::from_ref(&run)).await?;
        let seq = {
            let mut p = Params::new(b);
            let (f, v) = of_town(&mut p, c.month, c.town);
            tx.next_seq("pay_moves", &f, v).await?
        };
        // The run is claimed (locked) by now: a computation waits for it.
        if c.expected_moves.is_some_and(|n| seq != n + 1) {
            return Err(StoreError::Stale);
        }
        tx.insert(&[PayMove {
            month: c.month,
            town: c.town,
            seq,
            kind: c.kind,
            to: c.to,
            comment: c.comment.trim().to_owned(),
        }])
        .await?;
        tx.commit().await?;
        Ok(run)
    }
}
