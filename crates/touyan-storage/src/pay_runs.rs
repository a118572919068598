//! A town's monthly subsidy run (tables `pay_runs`, `pay_moves` of
//! `m0009_workflows`; issue 5, item 6). Which move is allowed is
//! `touyan-workflow`'s `art13_pay_run`; this module keeps the runs and
//! writes a move in one transaction: the run row, the move, and — when a
//! town computes — the month's professionalization subsidies of the town's
//! people in `pay_records`. Every row goes to the change log.
//!
//! A run pays the people on the town's list of the month's year (any
//! status), as `touyan payroll --town` counts them, their
//! professionalization subsidies, and the young cadres of the town's
//! villages their pay (Article 10: the base from the town's finance, the
//! degree subsidies from the city and the town).

use sea_orm::{ConnectionTrait, Statement, Value};
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

/// What a computation writes.
#[derive(Clone, Debug)]
pub struct Computed {
    /// The month's professionalization subsidies of the town's people.
    pub records: Vec<PayRecord>,
    pub example: bool,
}

/// One move to write (already allowed by the workflow).
#[derive(Clone, Debug)]
pub struct PayChange {
    pub month: Date,
    pub town: TownCode,
    /// The state the user saw (`None`: no run yet).
    pub expected: Option<PayState>,
    pub kind: touyan_records::model::PayMoveKind,
    pub to: PayState,
    pub comment: String,
    /// The computation, for a compute move.
    pub computed: Option<Computed>,
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
/// subsidies of the people on the town's list of the year, and the month's
/// young-cadre pay of the young cadres of the town's villages.
fn town_payments(p: &mut Params, month: Date, town: TownCode) -> (String, Vec<Value>) {
    (
        format!(
            "pay_month = {} AND ((kind = {} AND person IN \
             (SELECT person FROM list_entries WHERE year = {} AND town = {})) \
             OR (kind IN ({}, {}) AND person IN (SELECT person FROM young_cadres WHERE village IN \
             (SELECT code FROM villages WHERE town_code = {}))))",
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
            Value::Int(Some(month.year())),
            Value::String(Some(town.as_str().to_owned())),
            Value::String(Some(PayKind::YoungCadreBase.code().to_owned())),
            Value::String(Some(PayKind::YoungCadreSubsidy.code().to_owned())),
            Value::String(Some(town.as_str().to_owned())),
        ],
    )
}

const CHANGED: &str = "本月发放已被他人处理，状态已经改变，请刷新页面后重试";

impl Store {
    /// The town's run of `month` (its first day), if any.
    pub async fn pay_run(&self, month: Date, town: TownCode) -> Result<Option<PayRun>, StoreError> {
        let mut p = Params::new(self.backend);
        let (f, v) = of_town(&mut p, month, town);
        Ok(
            crate::cycle::select::<PayRun, _>(&self.db, self.backend, &f, v)
                .await?
                .into_iter()
                .next(),
        )
    }

    /// Every town's run of `month`, in town order.
    pub async fn pay_runs(&self, month: Date) -> Result<Vec<PayRun>, StoreError> {
        let mut p = Params::new(self.backend);
        let f = format!("pay_month = {}", p.next());
        crate::cycle::select::<PayRun, _>(
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
        crate::cycle::select::<PayRecord, _>(&self.db, self.backend, &f, v).await
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

    /// Whether `actor` ever wrote to this database (the demo's actor marks
    /// a demo). Stops at the first entry found.
    pub async fn has_actor(&self, actor: &str) -> Result<bool, StoreError> {
        let mut p = Params::new(self.backend);
        let sql = format!(
            "SELECT 1 FROM change_log WHERE actor = {} LIMIT 1",
            p.next()
        );
        let row = self
            .db
            .query_one_raw(Statement::from_sql_and_values(
                self.backend.db(),
                sql,
                vec![Value::String(Some(actor.to_owned()))],
            ))
            .await?;
        Ok(row.is_some())
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
        if let Some(x) = &c.computed
            && let Some(r) = x.records.iter().find(|r| r.month != c.month)
        {
            return Err(StoreError::Invalid(format!(
                "内部错误：{} 的{}不属于本次发放（{}）",
                r.month,
                r.kind.label(),
                c.month
            )));
        }
        let mut tx = self.begin_from(actor, origin).await?;
        let b = self.backend;
        let mut p = Params::new(b);
        let (f, v) = of_town(&mut p, c.month, c.town);
        let old: Option<PayRun> = match c.expected {
            Some(s) => {
                if tx.claim_state("pay_runs", &mut p, &f, v, s.code()).await? != 1 {
                    return Err(StoreError::Invalid(CHANGED.into()));
                }
                let mut p = Params::new(b);
                let (f, v) = of_town(&mut p, c.month, c.town);
                crate::cycle::select::<PayRun, _>(&tx.tx, b, &f, v)
                    .await?
                    .into_iter()
                    .next()
            }
            None => {
                if !crate::cycle::select::<PayRun, _>(&tx.tx, b, &f, v)
                    .await?
                    .is_empty()
                {
                    return Err(StoreError::Invalid(CHANGED.into()));
                }
                None
            }
        };
        let (people, total_fen, example) = match (&c.computed, &old) {
            (Some(x), _) => {
                let mut people: Vec<&touyan_records::CitizenId> =
                    x.records.iter().map(|r| &r.person).collect();
                people.sort();
                people.dedup();
                (
                    u32::try_from(people.len()).unwrap_or(u32::MAX),
                    x.records.iter().map(|r| r.amount_fen).sum(),
                    x.example,
                )
            }
            (None, Some(o)) => (o.people, o.total_fen, o.example),
            (None, None) => (0, 0, false),
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
        if let Some(x) = &c.computed {
            let mut p = Params::new(b);
            let (f, v) = town_payments(&mut p, c.month, c.town);
            let stored: Vec<PayRecord> = crate::cycle::select(&tx.tx, b, &f, v).await?;
            let stale: Vec<PayRecord> = stored
                .into_iter()
                .filter(|s| {
                    !x.records
                        .iter()
                        .any(|r| r.person == s.person && r.source == s.source)
                })
                .collect();
            tx.delete(&stale).await?;
            tx.upsert(&x.records).await?;
        }
        let seq = {
            let mut p = Params::new(b);
            let (f, v) = of_town(&mut p, c.month, c.town);
            tx.next_seq("pay_moves", &f, v).await?
        };
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

impl Store {
    /// What the month's pay of `year` needs (the payment builder of
    /// `touyan_excel::reports::payments` and the young-cadre pay builder
    /// `reports::young`), for one town: every town (for names), the town's
    /// villages, its list entries of the year, its young cadres, the people
    /// on either and their exits, and the town's settings of the year. A
    /// page computes one town's run without reading a province's tables.
    pub async fn payroll_records(
        &self,
        year: i32,
        town: TownCode,
    ) -> Result<touyan_records::model::Records, StoreError> {
        let code = || Value::String(Some(town.as_str().to_owned()));
        let paid = |p: &mut Params| {
            format!(
                "(SELECT person FROM list_entries WHERE year = {} AND town = {} \
                 UNION SELECT person FROM young_cadres WHERE village IN \
                 (SELECT code FROM villages WHERE town_code = {}))",
                p.next(),
                p.next(),
                p.next()
            )
        };
        let mut p = Params::new(self.backend);
        let villages = format!("town_code = {}", p.next());
        let mut p = Params::new(self.backend);
        let entries = format!("year = {} AND town = {}", p.next(), p.next());
        let mut p = Params::new(self.backend);
        let young = format!(
            "village IN (SELECT code FROM villages WHERE town_code = {})",
            p.next()
        );
        let mut p = Params::new(self.backend);
        let people = format!("citizen_id IN {}", paid(&mut p));
        let mut p = Params::new(self.backend);
        let exits = format!("person IN {}", paid(&mut p));
        let of_year = || vec![Value::Int(Some(year)), code()];
        let of_paid = || vec![Value::Int(Some(year)), code(), code()];
        Ok(touyan_records::model::Records {
            towns: self.list_unordered(None).await?,
            villages: self.list_unordered(Some((&villages, vec![code()]))).await?,
            list_entries: self.list_unordered(Some((&entries, of_year()))).await?,
            young_cadres: self.list_unordered(Some((&young, vec![code()]))).await?,
            people: self.list_unordered(Some((&people, of_paid()))).await?,
            exits: self.list_unordered(Some((&exits, of_paid()))).await?,
            town_years: self.list_unordered(Some((&entries, of_year()))).await?,
            ..Default::default()
        })
    }
}

impl Store {
    /// What a town's training page needs for `year` (the compliance
    /// builder of `touyan_excel::reports::training`): every town, the
    /// town's villages, its list entries of the year, the people on them,
    /// the sessions starting in the year (the city's and every town's, for
    /// the codes), their attendance by the town's listed people, and those
    /// people's admonitions.
    pub async fn training_records(
        &self,
        year: i32,
        town: TownCode,
    ) -> Result<touyan_records::model::Records, StoreError> {
        let code = || Value::String(Some(town.as_str().to_owned()));
        let listed = |p: &mut Params| {
            format!(
                "(SELECT person FROM list_entries WHERE year = {} AND town = {})",
                p.next(),
                p.next()
            )
        };
        let of_year = || vec![Value::Int(Some(year)), code()];
        let (first, next) = match (
            Date::from_calendar_date(year, time::Month::January, 1),
            Date::from_calendar_date(year + 1, time::Month::January, 1),
        ) {
            (Ok(a), Ok(b)) => (a, b),
            _ => return Err(StoreError::Invalid(format!("{year} 不是有效年份"))),
        };
        let span = || vec![Value::TimeDate(Some(first)), Value::TimeDate(Some(next))];
        let mut p = Params::new(self.backend);
        let villages = format!("town_code = {}", p.next());
        let mut p = Params::new(self.backend);
        let entries = format!("year = {} AND town = {}", p.next(), p.next());
        let mut p = Params::new(self.backend);
        let people = format!("citizen_id IN {}", listed(&mut p));
        let mut p = Params::new(self.backend);
        let sessions = format!("start_on >= {} AND start_on < {}", p.next(), p.next());
        let mut p = Params::new(self.backend);
        let attendance = format!(
            "session_code IN (SELECT code FROM training_sessions WHERE start_on >= {} AND start_on < {}) \
             AND person IN {}",
            p.next(),
            p.next(),
            listed(&mut p)
        );
        let mut p = Params::new(self.backend);
        let admonitions = format!("person IN {}", listed(&mut p));
        let mut att_values = span();
        att_values.extend(of_year());
        Ok(touyan_records::model::Records {
            towns: self.list_unordered(None).await?,
            villages: self.list_unordered(Some((&villages, vec![code()]))).await?,
            list_entries: self.list_unordered(Some((&entries, of_year()))).await?,
            people: self.list_unordered(Some((&people, of_year()))).await?,
            training_sessions: self.list_unordered(Some((&sessions, span()))).await?,
            attendance: self.list_unordered(Some((&attendance, att_values))).await?,
            admonitions: self.list_unordered(Some((&admonitions, of_year()))).await?,
            ..Default::default()
        })
    }
}

impl Store {
    /// A town's year as the reserves, secondments, exits and
    /// qualifications pages need it: every town, the town's villages, its
    /// list entries of the year, every post and reserve in its villages,
    /// the people named by any of them with their exam results and
    /// certificates, and the listed people's secondments, work logs and
    /// exits.
    pub async fn town_records(
        &self,
        year: i32,
        town: TownCode,
    ) -> Result<touyan_records::model::Records, StoreError> {
        let code = || Value::String(Some(town.as_str().to_owned()));
        let of_year = || vec![Value::Int(Some(year)), code()];
        let mut p = Params::new(self.backend);
        let villages = format!("town_code = {}", p.next());
        let in_town = |p: &mut Params| {
            format!(
                "village IN (SELECT code FROM villages WHERE town_code = {})",
                p.next()
            )
        };
        let mut p = Params::new(self.backend);
        let entries = format!("year = {} AND town = {}", p.next(), p.next());
        let mut p = Params::new(self.backend);
        let posts = in_town(&mut p);
        let mut p = Params::new(self.backend);
        let reserves = in_town(&mut p);
        let mut p = Params::new(self.backend);
        let people = format!(
            "citizen_id IN (SELECT person FROM posts WHERE {}) \
             OR citizen_id IN (SELECT person FROM reserves WHERE {})",
            in_town(&mut p),
            in_town(&mut p)
        );
        let listed = |p: &mut Params| {
            format!(
                "person IN (SELECT person FROM list_entries WHERE year = {} AND town = {})",
                p.next(),
                p.next()
            )
        };
        let mut p = Params::new(self.backend);
        let secondments = listed(&mut p);
        let mut p = Params::new(self.backend);
        let of_holders = format!(
            "person IN (SELECT person FROM posts WHERE {})",
            in_town(&mut p)
        );
        Ok(touyan_records::model::Records {
            towns: self.list_unordered(None).await?,
            villages: self.list_unordered(Some((&villages, vec![code()]))).await?,
            list_entries: self.list_unordered(Some((&entries, of_year()))).await?,
            posts: self.list_unordered(Some((&posts, vec![code()]))).await?,
            reserves: self.list_unordered(Some((&reserves, vec![code()]))).await?,
            people: self
                .list_unordered(Some((&people, vec![code(), code()])))
                .await?,
            secondments: self.list_unordered(Some((&secondments, of_year()))).await?,
            work_logs: self.list_unordered(Some((&secondments, of_year()))).await?,
            exits: self.list_unordered(Some((&secondments, of_year()))).await?,
            exam_results: self
                .list_unordered(Some((&of_holders, vec![code()])))
                .await?,
            certificates: self
                .list_unordered(Some((&of_holders, vec![code()])))
                .await?,
            ..Default::default()
        })
    }
}

impl Store {
    /// What a town's young-cadre page needs for `year` (the pay builder of
    /// `touyan_excel::reports::young`): every town, the town's villages,
    /// its young cadres and their people, the town's settings of the year.
    pub async fn young_records(
        &self,
        year: i32,
        town: TownCode,
    ) -> Result<touyan_records::model::Records, StoreError> {
        let code = || Value::String(Some(town.as_str().to_owned()));
        let in_town = |p: &mut Params| {
            format!(
                "village IN (SELECT code FROM villages WHERE town_code = {})",
                p.next()
            )
        };
        let mut p = Params::new(self.backend);
        let villages = format!("town_code = {}", p.next());
        let mut p = Params::new(self.backend);
        let young = in_town(&mut p);
        let mut p = Params::new(self.backend);
        let people = format!(
            "citizen_id IN (SELECT person FROM young_cadres WHERE {})",
            in_town(&mut p)
        );
        let mut p = Params::new(self.backend);
        let settings = format!("year = {} AND town = {}", p.next(), p.next());
        Ok(touyan_records::model::Records {
            towns: self.list_unordered(None).await?,
            villages: self.list_unordered(Some((&villages, vec![code()]))).await?,
            young_cadres: self.list_unordered(Some((&young, vec![code()]))).await?,
            people: self.list_unordered(Some((&people, vec![code()]))).await?,
            town_years: self
                .list_unordered(Some((&settings, vec![Value::Int(Some(year)), code()])))
                .await?,
            ..Default::default()
        })
    }
}
