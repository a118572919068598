//! The half-yearly competency evaluation (tables `evaluations`,
//! `vote_tokens`, `paper_counts`, `eval_cases` of `m0009_workflows`;
//! issue 5, item 5). Which move is allowed is `touyan-workflow`'s
//! `art12_evaluation`; this module keeps the evaluation and writes each
//! step in one transaction, every row to the change log.
//!
//! Every write that needs the evaluation open first claims its row in the
//! `open` state (an `UPDATE … WHERE state = 'open'`), so that a vote or a
//! paper count cannot land in an evaluation closed in between, and a token
//! is claimed while unused so that it counts once.

use sea_orm::{ConnectionTrait, Statement, Value};
use touyan_records::model::{
    Admonition, Ballots, CaseState, Choice, EvalCase, EvalState, Evaluation, Exit, Labelled,
    PaperCount, RaterGroup, VoteToken,
};
use touyan_records::{CitizenId, TownCode};

use crate::record::{Cell, Col, Kind, Reader, Record, col, int, label, text};
use crate::{Params, Store, StoreError, Tx};

fn opt_label<E: Labelled>(e: Option<E>) -> Cell {
    e.map_or(Cell::Null, label)
}

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

impl Record for VoteToken {
    const TABLE: &'static str = "vote_tokens";
    const ZH: &'static str = "投票码";
    const COLUMNS: &'static [Col] = &[
        col("token_hash", Kind::Text),
        col("year", Kind::Int),
        col("half", Kind::Int),
        col("town", Kind::Text),
        col("person", Kind::Text),
        col("rater_group", Kind::Text),
        col("choice", Kind::Text),
    ];
    const KEY: usize = 1;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            text(&self.token_hash),
            int(self.year),
            int(self.half),
            text(self.town.as_str()),
            text(self.person.as_str()),
            label(self.group),
            opt_label(self.choice),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(VoteToken {
            token_hash: r.text()?,
            year: r.int()?,
            half: r.int()?,
            town: r.parse(TownCode::parse)?,
            person: r.parse(CitizenId::parse)?,
            group: r.label()?,
            choice: match r.opt_text()? {
                None => None,
                Some(c) => Some(
                    Choice::ALL
                        .iter()
                        .copied()
                        .find(|x| x.code() == c)
                        .ok_or_else(|| format!("未知的评价选项 {c}"))?,
                ),
            },
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
fn of_eval(p: &mut Params, year: i32, half: u8, town: TownCode) -> (String, Vec<Value>) {
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

const CLOSED: &str = "本次评价已经结束或尚未开始，不能再录入或投票；请刷新页面";

/// What closing an evaluation writes besides its state.
#[derive(Clone, Debug, Default)]
pub struct Closing {
    pub ballots: Vec<Ballots>,
    pub cases: Vec<EvalCase>,
}

/// How many codes were issued and used, per secretary and group (the
/// choices themselves are not read while the evaluation is open).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeCount {
    pub person: CitizenId,
    pub group: RaterGroup,
    pub issued: u32,
    pub used: u32,
}

/// The tally of one secretary's codes of one group, by choice.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub competent: u32,
    pub basically_competent: u32,
    pub not_competent: u32,
}

impl Tx {
    /// Claims the evaluation while it is open (see the module's note).
    async fn claim_open(&self, year: i32, half: u8, town: TownCode) -> Result<(), StoreError> {
        let mut p = Params::new(self.backend);
        let (f, v) = of_eval(&mut p, year, half, town);
        if self
            .claim_state("evaluations", &mut p, &f, v, EvalState::Open.code())
            .await?
            == 1
        {
            Ok(())
        } else {
            Err(StoreError::Invalid(CLOSED.into()))
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
            crate::cycle::select::<Evaluation, _>(&self.db, self.backend, &f, v)
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
        crate::cycle::select::<Evaluation, _>(&self.db, self.backend, &f, v).await
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
            return Err(StoreError::Invalid(
                "本镇街该半年的评价已经开始，请刷新页面".into(),
            ));
        }
        tx.insert(std::slice::from_ref(e)).await?;
        tx.commit().await
    }

    /// Stores paper counts of an open evaluation (replacing those of the
    /// same secretary and group).
    pub async fn save_paper_counts(
        &self,
        actor: &str,
        origin: Option<&str>,
        year: i32,
        half: u8,
        town: TownCode,
        counts: &[PaperCount],
    ) -> Result<(), StoreError> {
        if counts
            .iter()
            .any(|c| (c.year, c.half, c.town) != (year, half, town))
        {
            return Err(StoreError::Invalid("内部错误：纸质票不属于本次评价".into()));
        }
        let mut tx = self.begin_from(actor, origin).await?;
        tx.claim_open(year, half, town).await?;
        tx.upsert(counts).await?;
        tx.commit().await
    }

    /// Stores new voting codes (their hashes) of an open evaluation.
    pub async fn issue_codes(
        &self,
        actor: &str,
        origin: Option<&str>,
        year: i32,
        half: u8,
        town: TownCode,
        codes: &[VoteToken],
    ) -> Result<(), StoreError> {
        if codes
            .iter()
            .any(|c| (c.year, c.half, c.town) != (year, half, town) || c.choice.is_some())
        {
            return Err(StoreError::Invalid("内部错误：投票码不属于本次评价".into()));
        }
        let mut tx = self.begin_from(actor, origin).await?;
        tx.claim_open(year, half, town).await?;
        tx.insert(codes).await?;
        tx.commit().await
    }

    /// The code with this hash and the state of its evaluation.
    pub async fn vote_code(
        &self,
        token_hash: &str,
    ) -> Result<Option<(VoteToken, EvalState)>, StoreError> {
        let mut p = Params::new(self.backend);
        let f = format!("token_hash = {}", p.next());
        let Some(t) = crate::cycle::select::<VoteToken, _>(
            &self.db,
            self.backend,
            &f,
            vec![Value::String(Some(token_hash.to_owned()))],
        )
        .await?
        .into_iter()
        .next() else {
            return Ok(None);
        };
        let state = self
            .evaluation(t.year, t.half, t.town)
            .await?
            .map_or(EvalState::Closed, |e| e.state);
        Ok(Some((t, state)))
    }

    /// Records a vote: once per code, while the evaluation is open.
    /// `Ok(false)` when the code was used already.
    pub async fn vote(
        &self,
        actor: &str,
        token_hash: &str,
        choice: Choice,
    ) -> Result<bool, StoreError> {
        let Some((mut t, _)) = self.vote_code(token_hash).await? else {
            return Ok(false);
        };
        let mut tx = self.begin_from(actor, None).await?;
        tx.claim_open(t.year, t.half, t.town).await?;
        let mut p = Params::new(self.backend);
        let sql = format!(
            "UPDATE vote_tokens SET choice = choice WHERE token_hash = {} AND choice IS NULL",
            p.next()
        );
        let done = tx
            .tx
            .execute_raw(Statement::from_sql_and_values(
                self.backend.db(),
                sql,
                vec![Value::String(Some(token_hash.to_owned()))],
            ))
            .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        t.choice = Some(choice);
        tx.upsert(std::slice::from_ref(&t)).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// How many codes each secretary and group has, issued and used.
    pub async fn code_counts(
        &self,
        year: i32,
        half: u8,
        town: TownCode,
    ) -> Result<Vec<CodeCount>, StoreError> {
        let mut p = Params::new(self.backend);
        let (f, v) = of_eval(&mut p, year, half, town);
        let sql = format!(
            "SELECT person, rater_group, COUNT(*), COUNT(choice) FROM vote_tokens WHERE {f} \
             GROUP BY person, rater_group ORDER BY person, rater_group"
        );
        let rows = self
            .db
            .query_all_raw(Statement::from_sql_and_values(self.backend.db(), sql, v))
            .await?;
        rows.iter()
            .map(|r| {
                let person: String = r.try_get_by_index(0)?;
                let group: String = r.try_get_by_index(1)?;
                let issued: i64 = r.try_get_by_index(2)?;
                let used: i64 = r.try_get_by_index(3)?;
                Ok(CodeCount {
                    person: CitizenId::parse(&person)
                        .map_err(|e| StoreError::Invalid(e.to_string()))?,
                    group: RaterGroup::ALL
                        .iter()
                        .copied()
                        .find(|g| g.code() == group)
                        .ok_or_else(|| StoreError::Invalid(format!("未知的评价主体 {group}")))?,
                    issued: u32::try_from(issued).unwrap_or(u32::MAX),
                    used: u32::try_from(used).unwrap_or(u32::MAX),
                })
            })
            .collect()
    }

    /// The used codes' choices, per secretary and group (read when
    /// closing).
    pub async fn code_tallies(
        &self,
        year: i32,
        half: u8,
        town: TownCode,
    ) -> Result<Vec<(CitizenId, RaterGroup, Tally)>, StoreError> {
        let mut p = Params::new(self.backend);
        let (f, v) = of_eval(&mut p, year, half, town);
        let codes = crate::cycle::select::<VoteToken, _>(&self.db, self.backend, &f, v).await?;
        let mut out: Vec<(CitizenId, RaterGroup, Tally)> = Vec::new();
        for c in codes {
            let Some(choice) = c.choice else { continue };
            let i = match out
                .iter()
                .position(|(p, g, _)| *p == c.person && *g == c.group)
            {
                Some(i) => i,
                None => {
                    out.push((c.person.clone(), c.group, Tally::default()));
                    out.len() - 1
                }
            };
            let t = &mut out[i].2;
            match choice {
                Choice::Competent => t.competent += 1,
                Choice::Basic => t.basically_competent += 1,
                Choice::NotCompetent => t.not_competent += 1,
            }
        }
        Ok(out)
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
        crate::cycle::select::<PaperCount, _>(&self.db, self.backend, &f, v).await
    }

    /// Closes an open evaluation: its state, the tallied ballots and the
    /// cases opened, in one transaction.
    pub async fn close_evaluation(
        &self,
        actor: &str,
        origin: Option<&str>,
        e: &Evaluation,
        closing: &Closing,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_from(actor, origin).await?;
        tx.claim_open(e.year, e.half, e.town).await?;
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
        crate::cycle::select::<EvalCase, _>(&self.db, self.backend, &f, v).await
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
        crate::cycle::select::<EvalCase, _>(&self.db, self.backend, &f, v).await
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
            return Err(StoreError::Invalid("该事项已被他人办理，请刷新页面".into()));
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
        crate::cycle::select::<Ballots, _>(&self.db, self.backend, &f, v).await
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
