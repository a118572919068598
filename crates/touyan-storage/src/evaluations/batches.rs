//! The batches of voting codes (`code_batches` of `m0015_ballot_integrity`;
//! issue 18, item 9): which codes a batch issued, and a batch's unused
//! codes replaced by new ones when its printed slips are lost.
//!
//! A code belongs to the batch written in the same transaction: the
//! codes and the batch's rows carry that transaction's time as their
//! `created_at` (never changed afterwards: a vote sets only `used`), so
//! a batch's codes are the evaluation's codes created when it was. Only
//! their hashes are kept, so a batch's codes cannot be shown again; what
//! can be done is to void the unused ones (deleted, each deletion in the
//! change log) and issue as many new ones for the same secretaries and
//! groups, as a new batch, in one transaction.

use std::collections::BTreeMap;

use sea_orm::{ConnectionTrait, Statement, Value};
use touyan_records::TownCode;
use touyan_records::model::{CodeBatch, Labelled, RaterGroup, VoteToken};

use super::ballots::{count_of, group_of};
use super::of_eval;
use crate::sql::Params;
use crate::{EvaluationRefusal, Store, StoreError, Tx};

/// `year = ? AND half = ? AND town = ? AND created_at IN (the batch's)`,
/// for `vote_tokens`, and its values.
fn of_batch(p: &mut Params, year: i32, half: u8, town: TownCode, seq: u32) -> (String, Vec<Value>) {
    let (f, mut v) = of_eval(p, year, half, town);
    let (g, w) = of_eval(p, year, half, town);
    let seq_at = p.next();
    v.extend(w);
    v.push(Value::Int(Some(i32::try_from(seq).unwrap_or(i32::MAX))));
    (
        format!(
            "{f} AND created_at IN (SELECT created_at FROM code_batches WHERE {g} AND seq = {seq_at})"
        ),
        v,
    )
}

/// The (secretary, group) of each code, counted: two sets of codes are
/// for the same slots when these are equal.
fn slots(codes: &[VoteToken]) -> BTreeMap<(String, &'static str), usize> {
    let mut out = BTreeMap::new();
    for c in codes {
        *out.entry((c.person.as_str().to_owned(), c.group.code()))
            .or_default() += 1;
    }
    out
}

impl Tx {
    /// Writes new codes of an evaluation this transaction has claimed
    /// open with its raters confirmed, and the batch they make (one row
    /// per rater group); refused unless every code's secretary and group
    /// has confirmed raters enough. Returns the batch's number.
    pub(super) async fn add_codes(
        &mut self,
        year: i32,
        half: u8,
        town: TownCode,
        codes: &[VoteToken],
    ) -> Result<u32, StoreError> {
        if codes
            .iter()
            .any(|c| (c.year, c.half, c.town) != (year, half, town) || c.used)
        {
            return Err(StoreError::Internal("投票码不属于本次评价".into()));
        }
        let mut p = Params::new(self.backend);
        let (f, v) = of_eval(&mut p, year, half, town);
        let declared = crate::sql::select::<touyan_records::model::RaterCount, _>(
            &self.tx,
            self.backend,
            &f,
            v,
        )
        .await?;
        if codes.iter().any(|c| {
            !declared
                .iter()
                .any(|d| d.person == c.person && d.group == c.group)
        }) {
            return Err(StoreError::Evaluation(EvaluationRefusal::OverRaters));
        }
        self.insert(codes).await?;
        self.within_raters(year, half, town, EvaluationRefusal::OverRaters)
            .await?;
        let seq = {
            let mut p = Params::new(self.backend);
            let (f, v) = of_eval(&mut p, year, half, town);
            self.next_seq("code_batches", &f, v).await?
        };
        let batches: Vec<CodeBatch> = RaterGroup::ALL
            .iter()
            .filter_map(|&g| {
                let of: Vec<&VoteToken> = codes.iter().filter(|c| c.group == g).collect();
                if of.is_empty() {
                    return None;
                }
                let mut people: Vec<&str> = of.iter().map(|c| c.person.as_str()).collect();
                people.sort_unstable();
                people.dedup();
                Some(CodeBatch {
                    year,
                    half,
                    town,
                    seq,
                    group: g,
                    people: u32::try_from(people.len()).unwrap_or(u32::MAX),
                    codes: u32::try_from(of.len()).unwrap_or(u32::MAX),
                })
            })
            .collect();
        self.insert(&batches).await?;
        Ok(seq)
    }
}

impl Store {
    /// The codes of batch `seq` of an evaluation still on record, used or
    /// not, in hash order (`None`: no such batch). Voided codes are no
    /// longer on record.
    pub async fn batch_codes(
        &self,
        year: i32,
        half: u8,
        town: TownCode,
        seq: u32,
    ) -> Result<Option<Vec<VoteToken>>, StoreError> {
        let issued = self
            .code_batches(year, half, town)
            .await?
            .into_iter()
            .filter(|b| b.batch.seq == seq)
            .map(|b| b.batch.codes)
            .sum::<u32>();
        if issued == 0 {
            return Ok(None);
        }
        let mut p = Params::new(self.backend);
        let (f, v) = of_batch(&mut p, year, half, town, seq);
        let codes: Vec<VoteToken> = crate::sql::select(&self.db, self.backend, &f, v).await?;
        if codes.len() > issued as usize {
            // Two batches written at the same instant: their codes cannot
            // be told apart, and none is voided by mistake.
            return Err(StoreError::Internal(format!(
                "第 {seq} 批投票码无法与同一时刻生成的其他批次区分"
            )));
        }
        Ok(Some(codes))
    }

    /// How many codes of each batch and group were voided (replaced by a
    /// later batch), by batch number and group; batches with none voided
    /// are left out.
    pub async fn voided_codes(
        &self,
        year: i32,
        half: u8,
        town: TownCode,
    ) -> Result<Vec<(u32, RaterGroup, u32)>, StoreError> {
        let mut p = Params::new(self.backend);
        let f = format!(
            "b.year = {} AND b.half = {} AND b.town = {}",
            p.next(),
            p.next(),
            p.next()
        );
        let (_, v) = of_eval(&mut Params::new(self.backend), year, half, town);
        let sql = format!(
            "SELECT b.seq, b.rater_group, b.codes - COUNT(t.token_hash) FROM code_batches b \
             LEFT JOIN vote_tokens t ON t.year = b.year AND t.half = b.half AND t.town = b.town \
             AND t.rater_group = b.rater_group AND t.created_at = b.created_at \
             WHERE {f} GROUP BY b.seq, b.rater_group, b.codes ORDER BY b.seq, b.rater_group"
        );
        let rows = self
            .db
            .query_all_raw(Statement::from_sql_and_values(self.backend.db(), sql, v))
            .await?;
        let mut out = Vec::new();
        for r in &rows {
            let seq: i32 = r.try_get_by_index(0)?;
            let group: String = r.try_get_by_index(1)?;
            let voided: i64 = r.try_get_by_index(2)?;
            if voided > 0 {
                out.push((
                    u32::try_from(seq).unwrap_or(0),
                    group_of(&group)?,
                    count_of(voided),
                ));
            }
        }
        Ok(out)
    }

    /// Voids the unused codes `void` (their hashes) of batch `seq` and
    /// stores `codes` in their place, for the same secretaries and
    /// groups, as a new batch whose number is returned; in one
    /// transaction, while the evaluation is open and its raters
    /// confirmed. Refused, with nothing written, when `void` is no longer
    /// exactly the batch's unused codes (one voted meanwhile, or the
    /// batch was replaced already).
    #[allow(clippy::too_many_arguments)]
    pub async fn replace_codes(
        &self,
        actor: &str,
        origin: Option<&str>,
        year: i32,
        half: u8,
        town: TownCode,
        seq: u32,
        void: &[String],
        codes: &[VoteToken],
    ) -> Result<u32, StoreError> {
        let mut tx = self.begin_from(actor, origin).await?;
        tx.claim_open(year, half, town).await?;
        tx.claim_raters_confirmed(year, half, town).await?;
        let mut p = Params::new(self.backend);
        let (f, v) = of_batch(&mut p, year, half, town, seq);
        let unused: Vec<VoteToken> =
            crate::sql::select::<VoteToken, _>(&tx.tx, self.backend, &f, v)
                .await?
                .into_iter()
                .filter(|c| !c.used)
                .collect();
        let mut now: Vec<&str> = unused.iter().map(|c| c.token_hash.as_str()).collect();
        let mut asked: Vec<&str> = void.iter().map(String::as_str).collect();
        now.sort_unstable();
        asked.sort_unstable();
        if void.is_empty() || now != asked {
            return Err(StoreError::Evaluation(EvaluationRefusal::BatchChanged));
        }
        if slots(&unused) != slots(codes) {
            return Err(StoreError::Internal("新投票码与作废的投票码不对应".into()));
        }
        tx.delete(&unused).await?;
        let new_seq = tx.add_codes(year, half, town, codes).await?;
        tx.commit().await?;
        Ok(new_seq)
    }
}
