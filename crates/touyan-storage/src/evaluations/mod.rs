//! The half-yearly competency evaluation (tables `evaluations`,
//! `paper_counts`, `eval_cases` of `m0009_workflows`; issue 5, item 5):
//! opening, closing with the tallied ballots and the cases their rates
//! open, the cases followed to their end. The raters, codes, votes and
//! the paper counts' entry and confirmation are `ballots.rs`
//! beside it. Which move
//! is allowed is `touyan-workflow`'s `art12_evaluation`; this module keeps
//! the evaluation and writes each step in one transaction, every row to
//! the change log.
//!
//! Every write that needs the evaluation open first claims its row in the
//! `open` state (an `UPDATE … WHERE state = 'open'`), so that a vote or a
//! paper count cannot land in an evaluation closed in between. Closing
//! claims the paper counts as confirmed in the version tallied, and the
//! votes as many as were tallied (issue 15, item 5).

use sea_orm::{ConnectionTrait, Statement, Value};
use touyan_records::model::{
    Admonition, Ballots, CaseState, EvalCase, EvalState, Evaluation, Exit, Labelled, PaperCount,
    SignPart, SignState,
};
use touyan_records::{CitizenId, TownCode};

use crate::record::{Cell, Col, Kind, Reader, Record, col, int, label, text};
use crate::sql::Params;
use crate::{EvaluationRefusal, Store, StoreError, Tx};

mod ballots;
mod batches;

pub use ballots::{CodeCount, IssuedBatch, Tally};

impl Record for Evaluation {
    const TABLE: &'static str = "evaluations";
    const ZH: &'static str = "胜任度评价";
    const COLUMNS: &'static [Col] = &[
        col("year", Kind::Int),
        col("half", Kind::Int),
        col("town", Kind::Text),
        col("state", Kind::Text),
        col("opened_on", Kind::Date),
        col("closed_on", Kind::Date),
    ];
    const KEY: usize = 3;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            int(self.year),
            int(self.half),
            text(self.town.as_str()),
            label(self.state),
            Cell::Date(self.opened_on),
            self.closed_on.map_or(Cell::Null, Cell::Date),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(Evaluation {
            year: r.int()?,
            half: r.int()?,
            town: r.parse(TownCode::parse)?,
            state: r.label()?,
            opened_on: r.date()?,
            closed_on: r.opt_date()?,
        })
    }
}

impl Record for PaperCount {
    const TABLE: &'static str = "paper_counts";
    const ZH: &'static str = "纸质评价票";
    const COLUMNS: &'static [Col] = &[
        col("year", Kind::Int),
        col("half", Kind::Int),
        col("person", Kind::Text),
        col("rater_group", Kind::Text),
        col("town", Kind::Text),
        col("competent", Kind::Int),
        col("basically_competent", Kind::Int),
        col("not_competent", Kind::Int),
    ];
    const KEY: usize = 4;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            int(self.year),
            int(self.half),
            text(self.person.as_str()),
            label(self.group),
            text(self.town.as_str()),
            int(self.competent),
            int(self.basically_competent),
            int(self.not_competent),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(PaperCount {
            year: r.int()?,
            half: r.int()?,
            person: r.parse(CitizenId::parse)?,
            group: r.label()?,
            town: r.parse(TownCode::parse)?,
            competent: r.int()?,
            basically_competent: r.int()?,
            not_competent: r.int()?,
        })
    }
}

impl Record for EvalCase {
    const TABLE: &'static str = "eval_cases";
    const ZH: &'static str = "评价处理事项";
    const COLUMNS: &'static [Col] = &[
        col("year", Kind::Int),
        col("half", Kind::Int),
        col("person", Kind::Text),
        col("town", Kind::Text),
        col("kind", Kind::Text),
        col("state", Kind::Text),
        col("reason", Kind::Text),
        col("note", Kind::Text),
        col("done_on", Kind::Date),
    ];
    const KEY: usize = 3;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            int(self.year),
            int(self.half),
            text(self.person.as_str()),
            text(self.town.as_str()),
            label(self.kind),
            label(self.state),
            text(&self.reason),
            text(&self.note),
            self.done_on.map_or(Cell::Null, Cell::Date),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(EvalCase {
            year: r.int()?,
            half: r.int()?,
            person: r.parse(CitizenId::parse)?,
            town: r.parse(TownCode::parse)?,
            kind: r.label()?,
            state: r.label()?,
            reason: r.text()?,
            note: r.text()?,
            done_on: r.opt_date()?,
        })
    }
}

/// `year = ? AND half = ? AND town = ?`.
pub(crate) fn of_eval(p: &mut Params, year: i32, half: u8, town: TownCode) -> (String, Vec<Value>) {
    (
        format!(
            "year = {} AND half = {} AND town = {}",
            p.next(),
            p.next(),
            p.next()
        ),
        vec![
            Value::Int(Some(year)),
            Value::Int(Some(i32::from(half))),
            Value::String(Some(town.as_str().to_owned())),
        ],
    )
}

/// What closing an evaluation writes besides its state, and what it was
/// tallied from: the version of the confirmed paper counts (`None`: no
/// paper counts) and how many votes were cast with codes. Closing is
/// refused when either has changed since.
#[derive(Clone, Debug, Default)]
pub struct Closing {
    pub ballots: Vec<Ballots>,
    pub cases: Vec<EvalCase>,
    pub paper_version: Option<u32>,
    pub votes: u64,
}

impl Tx {
    /// Claims the evaluation while it is open (see the module's note).
    pub(crate) async fn claim_open(
        &self,
        year: i32,
        half: u8,
        town: TownCode,
    ) -> Result<(), StoreError> {
        let mut p = Params::new(self.backend);
        let (f, v) = of_eval(&mut p, year, half, town);
        if self
            .claim_state("evaluations", &mut p, &f, v, EvalState::Open.code())
            .await?
            == 1
        {
            Ok(())
        } else {
            Err(StoreError::Evaluation(EvaluationRefusal::NotOpen))
        }
    }
}

impl Store {
    /// The town's evaluation of a half year, if any.
    pub async fn evaluation(
        &self,
        year: i32,
        half: u8,
        town: TownCode,
    ) -> Result<Option<Evaluation>, StoreError> {
        let mut p = Params::new(self.backend);
        let (f, v) = of_eval(&mut p, year, half, town);
        Ok(
            crate::sql::select::<Evaluation, _>(&self.db, self.backend, &f, v)
                .await?
                .into_iter()
                .next(),
        )
    }

    /// Every town's evaluation of a half year.
    pub async fn evaluations(&self, year: i32, half: u8) -> Result<Vec<Evaluation>, StoreError> {
        let mut p = Params::new(self.backend);
        let f = format!("year = {} AND half = {}", p.next(), p.next());
        let v = vec![Value::Int(Some(year)), Value::Int(Some(i32::from(half)))];
        crate::sql::select::<Evaluation, _>(&self.db, self.backend, &f, v).await
    }

    /// Opens an evaluation (refused when the town has one for the half).
    pub async fn open_evaluation(
        &self,
        actor: &str,
        origin: Option<&str>,
        e: &Evaluation,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_from(actor, origin).await?;
        if self.evaluation(e.year, e.half, e.town).await?.is_some() {
            return Err(StoreError::Evaluation(EvaluationRefusal::AlreadyOpen));
        }
        tx.insert(std::slice::from_ref(e)).await?;
        tx.commit().await
    }

    /// The paper counts of an evaluation.
    pub async fn paper_counts(
        &self,
        year: i32,
        half: u8,
        town: TownCode,
    ) -> Result<Vec<PaperCount>, StoreError> {
        let mut p = Params::new(self.backend);
        let (f, v) = of_eval(&mut p, year, half, town);
        crate::sql::select::<PaperCount, _>(&self.db, self.backend, &f, v).await
    }

    /// Closes an open evaluation: its state, the tallied ballots and the
    /// cases opened, in one transaction. Refused when the paper counts are
    /// not confirmed in the version tallied, or votes were cast since the
    /// tally ([`Closing`]).
    pub async fn close_evaluation(
        &self,
        actor: &str,
        origin: Option<&str>,
        e: &Evaluation,
        closing: &Closing,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_from(actor, origin).await?;
        tx.claim_open(e.year, e.half, e.town).await?;
        let paper = tx
            .signoff(e.year, e.half, e.town, SignPart::Paper)
            .await?
            .filter(|s| s.state == SignState::Confirmed)
            .map(|s| s.version);
        let entered = {
            let mut p = Params::new(self.backend);
            let (f, v) = of_eval(&mut p, e.year, e.half, e.town);
            !crate::sql::select::<PaperCount, _>(&tx.tx, self.backend, &f, v)
                .await?
                .is_empty()
        };
        if paper != closing.paper_version || (paper.is_none() && entered) {
            return Err(StoreError::Evaluation(EvaluationRefusal::PaperUnconfirmed));
        }
        let votes = {
            let mut p = Params::new(self.backend);
            let (f, v) = of_eval(&mut p, e.year, e.half, e.town);
            let sql = format!(
                "SELECT COALESCE(SUM(competent + basically_competent + not_competent), 0) \
                 FROM vote_counts WHERE {f}"
            );
            let row = tx
                .tx
                .query_one_raw(Statement::from_sql_and_values(self.backend.db(), sql, v))
                .await?;
            match row {
                Some(r) => r.try_get_by_index::<i64>(0)?,
                None => 0,
            }
        };
        if u64::try_from(votes).unwrap_or(u64::MAX) != closing.votes {
            return Err(StoreError::Evaluation(EvaluationRefusal::VotedSinceTally));
        }
        tx.upsert(std::slice::from_ref(e)).await?;
        tx.upsert(&closing.ballots).await?;
        tx.insert(&closing.cases).await?;
        tx.commit().await
    }

    /// The cases of an evaluation.
    pub async fn eval_cases(
        &self,
        year: i32,
        half: u8,
        town: TownCode,
    ) -> Result<Vec<EvalCase>, StoreError> {
        let mut p = Params::new(self.backend);
        let (f, v) = of_eval(&mut p, year, half, town);
        crate::sql::select::<EvalCase, _>(&self.db, self.backend, &f, v).await
    }

    /// The exits for a failed evaluation (Article 12) on record of the
    /// people with a case in `town`'s evaluation of `year`'s `half`: what
    /// confirming their cases wrote (none when the policy in force then
    /// made no exit of it).
    pub async fn case_exits(
        &self,
        year: i32,
        half: u8,
        town: TownCode,
    ) -> Result<Vec<Exit>, StoreError> {
        use touyan_records::model::{ExitReason, Programme};
        let mut p = Params::new(self.backend);
        let (cases, mut v) = of_eval(&mut p, year, half, town);
        let f = format!(
            "person IN (SELECT person FROM eval_cases WHERE {cases}) \
             AND reason = {} AND programme = {}",
            p.next(),
            p.next()
        );
        v.push(Value::String(Some(
            ExitReason::FailedEvaluation.code().to_owned(),
        )));
        v.push(Value::String(Some(Programme::Secretary.code().to_owned())));
        crate::sql::select::<Exit, _>(&self.db, self.backend, &f, v).await
    }

    /// Open cases of every town (or one), for the dashboard.
    pub async fn open_cases(&self, town: Option<&str>) -> Result<Vec<EvalCase>, StoreError> {
        let mut p = Params::new(self.backend);
        let mut f = format!("state = {}", p.next());
        let mut v = vec![Value::String(Some(CaseState::Open.code().to_owned()))];
        if let Some(t) = town {
            f.push_str(&format!(" AND town = {}", p.next()));
            v.push(Value::String(Some(t.to_owned())));
        }
        crate::sql::select::<EvalCase, _>(&self.db, self.backend, &f, v).await
    }

    /// Ends a case (it must still be open): the case, and the admonition
    /// or exit it records, in one transaction.
    pub async fn end_case(
        &self,
        actor: &str,
        origin: Option<&str>,
        case: &EvalCase,
        admonition: Option<&Admonition>,
        exit: Option<&Exit>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_from(actor, origin).await?;
        let mut p = Params::new(self.backend);
        let f = format!(
            "year = {} AND half = {} AND person = {}",
            p.next(),
            p.next(),
            p.next()
        );
        let v = vec![
            Value::Int(Some(case.year)),
            Value::Int(Some(i32::from(case.half))),
            Value::String(Some(case.person.as_str().to_owned())),
        ];
        if tx
            .claim_state("eval_cases", &mut p, &f, v, CaseState::Open.code())
            .await?
            != 1
        {
            return Err(StoreError::Evaluation(EvaluationRefusal::CaseMoved));
        }
        tx.upsert(std::slice::from_ref(case)).await?;
        if let Some(a) = admonition {
            tx.upsert(std::slice::from_ref(a)).await?;
        }
        if let Some(x) = exit {
            tx.upsert(std::slice::from_ref(x)).await?;
        }
        tx.commit().await
    }
}

impl Store {
    /// The ballots of a half year of the people on the town's list of the
    /// year (what a closed evaluation wrote).
    pub async fn ballots_of(
        &self,
        year: i32,
        half: u8,
        town: TownCode,
    ) -> Result<Vec<Ballots>, StoreError> {
        let mut p = Params::new(self.backend);
        let f = format!(
            "year = {} AND half = {} AND person IN \
             (SELECT person FROM list_entries WHERE year = {} AND town = {})",
            p.next(),
            p.next(),
            p.next(),
            p.next()
        );
        let v = vec![
            Value::Int(Some(year)),
            Value::Int(Some(i32::from(half))),
            Value::Int(Some(year)),
            Value::String(Some(town.as_str().to_owned())),
        ];
        crate::sql::select::<Ballots, _>(&self.db, self.backend, &f, v).await
    }

    /// "village name person name" of a person on the town's list of the
    /// year (what a voter is shown: no ID number).
    pub async fn listed_name(
        &self,
        year: i32,
        town: TownCode,
        person: &CitizenId,
    ) -> Result<Option<String>, StoreError> {
        let mut p = Params::new(self.backend);
        let sql = format!(
            "SELECT v.name, pe.name FROM list_entries e JOIN villages v ON v.code = e.village \
             JOIN people pe ON pe.citizen_id = e.person \
             WHERE e.year = {} AND e.town = {} AND e.person = {}",
            p.next(),
            p.next(),
            p.next()
        );
        let v = vec![
            Value::Int(Some(year)),
            Value::String(Some(town.as_str().to_owned())),
            Value::String(Some(person.as_str().to_owned())),
        ];
        let row = self
            .db
            .query_one_raw(Statement::from_sql_and_values(self.backend.db(), sql, v))
            .await?;
        Ok(match row {
            Some(r) => {
                let village: String = r.try_get_by_index(0)?;
                let name: String = r.try_get_by_index(1)?;
                Some(format!("{village} {name}"))
            }
            None => None,
        })
    }
}
