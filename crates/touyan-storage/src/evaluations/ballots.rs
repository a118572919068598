//! The ballots of a competency evaluation (tables `vote_tokens` of
//! `m0009_workflows`; `eval_signoffs`, `eval_raters`, `code_batches`,
//! `vote_counts` of `m0015_ballot_integrity`; issue 15, item 5;
//! Article 12): the eligible raters the town's operator declares and its
//! reviewer confirms, the voting codes issued within them (each batch
//! recorded), the votes, and the paper counts' entry and confirmation.
//! Which move is allowed is `touyan-workflow`'s `art12_evaluation`.
//!
//! Every write claims the evaluation while open (`mod.rs`), and a
//! token is claimed while unused so that it counts once. Inside the same
//! transaction, codes are issued and paper counts entered only while the
//! declared raters stand confirmed, and the codes and paper ballots of a
//! secretary's group are counted again against its confirmed raters; a
//! confirmation claims the entry in the version its reviewer saw, entered
//! by someone else. These repeat the workflow's checks where a second
//! request could slip between the page's check and the write.
//!
//! A vote ([`Store::vote`]) writes three things and nothing more: the
//! code's `used` (not its `updated_at`, which stays the time it was
//! issued), one more in the `vote_counts` row of its secretary and group
//! (a table without audit columns), and one change-log entry for that row
//! dated the day at 00:00, "一票", with no origin, no token hash and no
//! choice. Logging the choice with the time would join it to the code
//! marked used in that moment; logging nothing would leave a write out of
//! the log.

use sea_orm::{ConnectionTrait, Statement, Value};
use time::PrimitiveDateTime;
use touyan_records::model::{
    Choice, CodeBatch, EvalSignoff, EvalState, Labelled, PaperCount, RaterCount, RaterGroup,
    SignPart, SignState, VoteToken,
};
use touyan_records::{CitizenId, TownCode};

use super::of_eval;
use crate::migrations::m0015_ballot_integrity::VOTE_LOGGED;
use crate::record::{Cell, Col, Kind, Reader, Record, col, int, label, text};
use crate::sql::Params;
use crate::{EvaluationRefusal, Store, StoreError, Tx};

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
        col("used", Kind::Bool),
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
            Cell::Bool(self.used),
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
            used: r.bool()?,
        })
    }
}

impl Record for EvalSignoff {
    const TABLE: &'static str = "eval_signoffs";
    const ZH: &'static str = "评价确认";
    const COLUMNS: &'static [Col] = &[
        col("year", Kind::Int),
        col("half", Kind::Int),
        col("town", Kind::Text),
        col("part", Kind::Text),
        col("state", Kind::Text),
        col("version", Kind::Int),
        col("entered_by", Kind::Text),
        col("confirmed_by", Kind::Text),
    ];
    const KEY: usize = 4;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            int(self.year),
            int(self.half),
            text(self.town.as_str()),
            label(self.part),
            label(self.state),
            int(self.version),
            text(&self.entered_by),
            text(&self.confirmed_by),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(EvalSignoff {
            year: r.int()?,
            half: r.int()?,
            town: r.parse(TownCode::parse)?,
            part: r.label()?,
            state: r.label()?,
            version: r.int()?,
            entered_by: r.text()?,
            confirmed_by: r.text()?,
        })
    }
}

impl Record for RaterCount {
    const TABLE: &'static str = "eval_raters";
    const ZH: &'static str = "评价人数";
    const COLUMNS: &'static [Col] = &[
        col("year", Kind::Int),
        col("half", Kind::Int),
        col("person", Kind::Text),
        col("rater_group", Kind::Text),
        col("town", Kind::Text),
        col("eligible", Kind::Int),
    ];
    const KEY: usize = 4;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            int(self.year),
            int(self.half),
            text(self.person.as_str()),
            label(self.group),
            text(self.town.as_str()),
            int(self.eligible),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(RaterCount {
            year: r.int()?,
            half: r.int()?,
            person: r.parse(CitizenId::parse)?,
            group: r.label()?,
            town: r.parse(TownCode::parse)?,
            eligible: r.int()?,
        })
    }
}

impl Record for CodeBatch {
    const TABLE: &'static str = "code_batches";
    const ZH: &'static str = "投票码发放记录";
    const COLUMNS: &'static [Col] = &[
        col("year", Kind::Int),
        col("half", Kind::Int),
        col("town", Kind::Text),
        col("seq", Kind::Int),
        col("rater_group", Kind::Text),
        col("people", Kind::Int),
        col("codes", Kind::Int),
    ];
    const KEY: usize = 5;
    fn to_row(&self) -> Result<Vec<Cell>, StoreError> {
        Ok(vec![
            int(self.year),
            int(self.half),
            text(self.town.as_str()),
            int(self.seq),
            label(self.group),
            int(self.people),
            int(self.codes),
        ])
    }
    fn from_row(r: &mut Reader) -> Result<Self, String> {
        Ok(CodeBatch {
            year: r.int()?,
            half: r.int()?,
            town: r.parse(TownCode::parse)?,
            seq: r.int()?,
            group: r.label()?,
            people: r.int()?,
            codes: r.int()?,
        })
    }
}

/// `year = ? AND half = ? AND town = ? AND part = ?`.
fn of_part(
    p: &mut Params,
    year: i32,
    half: u8,
    town: TownCode,
    part: SignPart,
) -> (String, Vec<Value>) {
    let (f, mut v) = of_eval(p, year, half, town);
    v.push(Value::String(Some(part.code().to_owned())));
    (format!("{f} AND part = {}", p.next()), v)
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

/// A batch of codes with who issued it and when (UTC).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuedBatch {
    pub batch: CodeBatch,
    pub by: String,
    pub at: PrimitiveDateTime,
}

pub(super) fn group_of(code: &str) -> Result<RaterGroup, StoreError> {
    RaterGroup::ALL
        .iter()
        .copied()
        .find(|g| g.code() == code)
        .ok_or_else(|| StoreError::Internal(format!("未知的评价主体 {code}")))
}

pub(super) fn count_of(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Tx {
    /// The sign-off of a part, as this transaction sees it.
    pub(crate) async fn signoff(
        &self,
        year: i32,
        half: u8,
        town: TownCode,
        part: SignPart,
    ) -> Result<Option<EvalSignoff>, StoreError> {
        let mut p = Params::new(self.backend);
        let (f, v) = of_part(&mut p, year, half, town, part);
        Ok(
            crate::sql::select::<EvalSignoff, _>(&self.tx, self.backend, &f, v)
                .await?
                .into_iter()
                .next(),
        )
    }

    /// Claims the declared raters while confirmed (codes and paper counts
    /// are written only then).
    pub(super) async fn claim_raters_confirmed(
        &self,
        year: i32,
        half: u8,
        town: TownCode,
    ) -> Result<(), StoreError> {
        let mut p = Params::new(self.backend);
        let (f, v) = of_part(&mut p, year, half, town, SignPart::Raters);
        if self
            .claim_state("eval_signoffs", &mut p, &f, v, SignState::Confirmed.code())
            .await?
            == 1
        {
            Ok(())
        } else {
            Err(StoreError::Evaluation(EvaluationRefusal::RatersUnconfirmed))
        }
    }

    /// Marks a part entered by this transaction's actor: a new version,
    /// awaiting confirmation.
    async fn enter(
        &mut self,
        year: i32,
        half: u8,
        town: TownCode,
        part: SignPart,
    ) -> Result<(), StoreError> {
        let version = self
            .signoff(year, half, town, part)
            .await?
            .map_or(1, |s| s.version + 1);
        let row = EvalSignoff {
            year,
            half,
            town,
            part,
            state: SignState::Entered,
            version,
            entered_by: self.actor.clone(),
            confirmed_by: String::new(),
        };
        self.upsert(std::slice::from_ref(&row)).await?;
        Ok(())
    }

    /// Refuses with `over` when a declared group of the evaluation has
    /// more codes and paper ballots than its raters.
    pub(super) async fn within_raters(
        &self,
        year: i32,
        half: u8,
        town: TownCode,
        over: EvaluationRefusal,
    ) -> Result<(), StoreError> {
        let mut p = Params::new(self.backend);
        let (f, v) = of_eval(&mut p, year, half, town);
        let sql = format!(
            "SELECT COUNT(*) FROM eval_raters r WHERE {f} AND r.eligible < \
             (SELECT COUNT(*) FROM vote_tokens t WHERE t.year = r.year AND t.half = r.half \
              AND t.person = r.person AND t.rater_group = r.rater_group) \
             + COALESCE((SELECT c.competent + c.basically_competent + c.not_competent \
              FROM paper_counts c WHERE c.year = r.year AND c.half = r.half \
              AND c.person = r.person AND c.rater_group = r.rater_group), 0)"
        );
        let row = self
            .tx
            .query_one_raw(Statement::from_sql_and_values(self.backend.db(), sql, v))
            .await?;
        let exceeded: i64 = match row {
            Some(r) => r.try_get_by_index(0)?,
            None => 0,
        };
        if exceeded == 0 {
            Ok(())
        } else {
            Err(StoreError::Evaluation(over))
        }
    }

    /// One more vote of `choice` in the count of a code's secretary and
    /// group, and its anonymous change-log entry (see the module's note).
    async fn count_vote(&self, t: &VoteToken, choice: Choice) -> Result<(), StoreError> {
        let b = self.backend;
        let column = match choice {
            Choice::Competent => "competent",
            Choice::Basic => "basically_competent",
            Choice::NotCompetent => "not_competent",
        };
        let key = vec![
            Value::Int(Some(t.year)),
            Value::Int(Some(i32::from(t.half))),
            Value::String(Some(t.person.as_str().to_owned())),
            Value::String(Some(t.group.code().to_owned())),
        ];
        self.wrote();
        let mut p = Params::new(b);
        let sql = format!(
            "UPDATE vote_counts SET {column} = {column} + 1 WHERE year = {} AND half = {} \
             AND person = {} AND rater_group = {}",
            p.next(),
            p.next(),
            p.next(),
            p.next()
        );
        let done = self
            .tx
            .execute_raw(Statement::from_sql_and_values(b.db(), sql, key.clone()))
            .await?;
        if done.rows_affected() == 0 {
            // The first vote of the group (the evaluation's row, claimed,
            // keeps two first votes from both inserting).
            let mut p = Params::new(b);
            let sql = format!(
                "INSERT INTO vote_counts (year, half, person, rater_group, town, competent, \
                 basically_competent, not_competent) VALUES {}",
                p.tuple(8)
            );
            let mut values = key.clone();
            values.push(Value::String(Some(t.town.as_str().to_owned())));
            for c in Choice::ALL {
                values.push(Value::Int(Some(i32::from(*c == choice))));
            }
            self.tx
                .execute_raw(Statement::from_sql_and_values(b.db(), sql, values))
                .await
                .map_err(|e| StoreError::writing("投票", e))?;
        }
        let day = PrimitiveDateTime::new(self.now.date(), time::Time::MIDNIGHT);
        self.push_log(crate::audit::chain::Entry {
            at: day,
            actor: self.actor.clone(),
            table: "vote_counts".to_owned(),
            key: format!(
                "{}/{}/{}/{}",
                t.year,
                t.half,
                t.person.as_str(),
                t.group.code()
            ),
            action: crate::Action::Update.code().to_owned(),
            before: None,
            after: Some(VOTE_LOGGED.to_owned()),
            origin: None,
        });
        Ok(())
    }
}
impl Store {
    /// The sign-offs of an evaluation (at most one per part).
    pub async fn eval_signoffs(
        &self,
        year: i32,
        half: u8,
        town: TownCode,
    ) -> Result<Vec<EvalSignoff>, StoreError> {
        let mut p = Params::new(self.backend);
        let (f, v) = of_eval(&mut p, year, half, town);
        crate::sql::select::<EvalSignoff, _>(&self.db, self.backend, &f, v).await
    }

    /// The declared numbers of eligible raters of an evaluation.
    pub async fn rater_counts(
        &self,
        year: i32,
        half: u8,
        town: TownCode,
    ) -> Result<Vec<RaterCount>, StoreError> {
        let mut p = Params::new(self.backend);
        let (f, v) = of_eval(&mut p, year, half, town);
        crate::sql::select::<RaterCount, _>(&self.db, self.backend, &f, v).await
    }

    /// Declares the numbers of eligible raters of an open evaluation
    /// (replacing those of the same secretaries and groups): they await
    /// the reviewer's confirmation again. Refused when a number is below
    /// the codes and paper ballots already counted against it.
    pub async fn declare_raters(
        &self,
        actor: &str,
        origin: Option<&str>,
        year: i32,
        half: u8,
        town: TownCode,
        counts: &[RaterCount],
    ) -> Result<(), StoreError> {
        if counts
            .iter()
            .any(|c| (c.year, c.half, c.town) != (year, half, town))
        {
            return Err(StoreError::Internal("评价人数不属于本次评价".into()));
        }
        let mut tx = self.begin_from(actor, origin).await?;
        tx.claim_open(year, half, town).await?;
        tx.upsert(counts).await?;
        tx.within_raters(year, half, town, EvaluationRefusal::BelowUsed)
            .await?;
        tx.enter(year, half, town, SignPart::Raters).await?;
        tx.commit().await
    }

    /// Confirms what the operator entered, as the reviewer saw it
    /// (`seen`: its evaluation, part and version; the rest is not looked
    /// at); refused when it has changed since, is confirmed already, or
    /// was entered by `actor`.
    pub async fn confirm_signoff(
        &self,
        actor: &str,
        origin: Option<&str>,
        seen: &EvalSignoff,
    ) -> Result<(), StoreError> {
        let (year, half, town, part, version) =
            (seen.year, seen.half, seen.town, seen.part, seen.version);
        let mut tx = self.begin_from(actor, origin).await?;
        tx.claim_open(year, half, town).await?;
        let mut p = Params::new(self.backend);
        let (f, mut v) = of_part(&mut p, year, half, town, part);
        let f = format!("{f} AND version = {}", p.next());
        v.push(Value::Int(Some(i32::try_from(version).unwrap_or(i32::MAX))));
        if tx
            .claim_state("eval_signoffs", &mut p, &f, v, SignState::Entered.code())
            .await?
            != 1
        {
            return Err(StoreError::Evaluation(EvaluationRefusal::SignoffMoved(
                part,
            )));
        }
        let Some(mut s) = tx.signoff(year, half, town, part).await? else {
            return Err(StoreError::Evaluation(EvaluationRefusal::NotOpen));
        };
        if s.entered_by == tx.actor {
            return Err(StoreError::Evaluation(EvaluationRefusal::OwnEntry(part)));
        }
        s.state = SignState::Confirmed;
        s.confirmed_by = tx.actor.clone();
        tx.upsert(std::slice::from_ref(&s)).await?;
        tx.commit().await
    }

    /// Stores paper counts of an open evaluation (replacing those of the
    /// same secretary and group), while its raters stand confirmed and
    /// within them; they await the reviewer's confirmation.
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
            return Err(StoreError::Internal("纸质票不属于本次评价".into()));
        }
        let mut tx = self.begin_from(actor, origin).await?;
        tx.claim_open(year, half, town).await?;
        tx.claim_raters_confirmed(year, half, town).await?;
        tx.upsert(counts).await?;
        tx.within_raters(year, half, town, EvaluationRefusal::OverRaters)
            .await?;
        tx.enter(year, half, town, SignPart::Paper).await?;
        tx.commit().await
    }

    /// Stores new voting codes (their hashes) of an open evaluation and
    /// the batch they make, one row per rater group; refused unless every
    /// code's secretary and group has confirmed raters enough. Returns
    /// the batch's number.
    pub async fn issue_codes(
        &self,
        actor: &str,
        origin: Option<&str>,
        year: i32,
        half: u8,
        town: TownCode,
        codes: &[VoteToken],
    ) -> Result<u32, StoreError> {
        let mut tx = self.begin_from(actor, origin).await?;
        tx.claim_open(year, half, town).await?;
        tx.claim_raters_confirmed(year, half, town).await?;
        let seq = tx.add_codes(year, half, town, codes).await?;
        tx.commit().await?;
        Ok(seq)
    }

    /// The batches of codes of an evaluation, oldest first, with who
    /// issued each and when.
    pub async fn code_batches(
        &self,
        year: i32,
        half: u8,
        town: TownCode,
    ) -> Result<Vec<IssuedBatch>, StoreError> {
        let mut p = Params::new(self.backend);
        let (f, v) = of_eval(&mut p, year, half, town);
        Ok(crate::moves::select_audited::<CodeBatch, _>(
            &self.db,
            self.backend,
            &f,
            v,
            "seq, rater_group",
        )
        .await?
        .into_iter()
        .map(|(batch, by, at)| IssuedBatch { batch, by, at })
        .collect())
    }

    /// The code with this hash and the state of its evaluation.
    pub async fn vote_code(
        &self,
        token_hash: &str,
    ) -> Result<Option<(VoteToken, EvalState)>, StoreError> {
        let mut p = Params::new(self.backend);
        let f = format!("token_hash = {}", p.next());
        let Some(t) = crate::sql::select::<VoteToken, _>(
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

    /// Records a vote: once per code, while the evaluation is open, as
    /// the module's note says. `Ok(false)` when the code was used already.
    pub async fn vote(
        &self,
        actor: &str,
        token_hash: &str,
        choice: Choice,
    ) -> Result<bool, StoreError> {
        let Some((t, _)) = self.vote_code(token_hash).await? else {
            return Ok(false);
        };
        let tx = self.begin_from(actor, None).await?;
        tx.claim_open(t.year, t.half, t.town).await?;
        let mut p = Params::new(self.backend);
        let sql = format!(
            "UPDATE vote_tokens SET used = {} WHERE token_hash = {} AND used = {}",
            p.next(),
            p.next(),
            p.next()
        );
        tx.wrote();
        let done = tx
            .tx
            .execute_raw(Statement::from_sql_and_values(
                self.backend.db(),
                sql,
                vec![
                    Value::Bool(Some(true)),
                    Value::String(Some(token_hash.to_owned())),
                    Value::Bool(Some(false)),
                ],
            ))
            .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        tx.count_vote(&t, choice).await?;
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
            "SELECT person, rater_group, COUNT(*), \
             COALESCE(SUM(CASE WHEN used THEN 1 ELSE 0 END), 0) FROM vote_tokens WHERE {f} \
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
                    group: group_of(&group)?,
                    issued: count_of(issued),
                    used: count_of(used),
                })
            })
            .collect()
    }

    /// The votes cast with codes, per secretary and group (read when
    /// closing).
    pub async fn code_tallies(
        &self,
        year: i32,
        half: u8,
        town: TownCode,
    ) -> Result<Vec<(CitizenId, RaterGroup, Tally)>, StoreError> {
        let mut p = Params::new(self.backend);
        let (f, v) = of_eval(&mut p, year, half, town);
        let sql = format!(
            "SELECT person, rater_group, competent, basically_competent, not_competent \
             FROM vote_counts WHERE {f} ORDER BY person, rater_group"
        );
        let rows = self
            .db
            .query_all_raw(Statement::from_sql_and_values(self.backend.db(), sql, v))
            .await?;
        rows.iter()
            .map(|r| {
                let person: String = r.try_get_by_index(0)?;
                let group: String = r.try_get_by_index(1)?;
                let n = |i: usize| -> Result<u32, StoreError> {
                    let x: i32 = r.try_get_by_index(i)?;
                    Ok(u32::try_from(x).unwrap_or(0))
                };
                Ok((
                    CitizenId::parse(&person).map_err(|e| StoreError::Invalid(e.to_string()))?,
                    group_of(&group)?,
                    Tally {
                        competent: n(2)?,
                        basically_competent: n(3)?,
                        not_competent: n(4)?,
                    },
                ))
            })
            .collect()
    }
}
