//! A batch of voting codes after it was issued (issue 18, item 9): where
//! it stands — how many of its codes were used, are still unused or were
//! voided — and its unused codes replaced by new ones when its printed
//! slips are lost.
//!
//! Only the codes' hashes are kept, so a batch cannot be shown again
//! from the records (the web keeps the codes it just made for a while,
//! for its issuer only). Issuing again is its own move, confirmed by the
//! operator knowing what it does: [`ask_reissue`] checks the move as for
//! new codes (Article 12: the town's operator, the evaluation open, the
//! raters confirmed) and that the operator confirmed voiding the batch's
//! unused codes, and asks for one new code for each of them, for the same
//! secretary and group; `issue_codes` then voids them and writes the new
//! ones as a new batch, in one transaction. The codes already used keep
//! their votes; no secretary gets more codes than before.

use std::collections::HashMap;

use time::PrimitiveDateTime;
use touyan_records::model::{EvalState, Labelled, RaterGroup};
use touyan_storage::Store;

use super::codes::{CodesAsked, Slot};
use super::{EvalMove, TownHalf, check};
use crate::{By, OfficeError};

/// A batch of codes as it stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchStanding {
    pub seq: u32,
    /// Who issued it, and when (UTC).
    pub by: String,
    pub at: PrimitiveDateTime,
    /// Each rater group of the batch: its secretaries and codes issued.
    pub groups: Vec<(RaterGroup, u32, u32)>,
    pub issued: u32,
    /// Codes that voted.
    pub used: u32,
    /// Codes that may still vote.
    pub unused: u32,
    /// Codes voided when the batch was issued again.
    pub voided: u32,
}

impl BatchStanding {
    /// "党员 3 个（1 位书记）、群众代表 10 个（1 位书记）".
    pub fn groups_text(&self) -> String {
        self.groups
            .iter()
            .map(|(g, people, codes)| format!("{} {codes} 个（{people} 位书记）", g.label()))
            .collect::<Vec<_>>()
            .join("、")
    }
}

/// Batch `seq` of `th` as it stands (not found: no such batch).
pub async fn batch(store: &Store, th: &TownHalf, seq: u32) -> Result<BatchStanding, OfficeError> {
    let rows: Vec<_> = th.batches.iter().filter(|b| b.batch.seq == seq).collect();
    let Some(first) = rows.first() else {
        return Err(OfficeError::NotFound);
    };
    let Some(codes) = store.batch_codes(th.year, th.half, th.town, seq).await? else {
        return Err(OfficeError::NotFound);
    };
    let issued: u32 = rows.iter().map(|b| b.batch.codes).sum();
    let count = |used: bool| {
        u32::try_from(codes.iter().filter(|c| c.used == used).count()).unwrap_or(u32::MAX)
    };
    let (used, unused) = (count(true), count(false));
    Ok(BatchStanding {
        seq,
        by: first.by.clone(),
        at: first.at,
        groups: rows
            .iter()
            .map(|b| (b.batch.group, b.batch.people, b.batch.codes))
            .collect(),
        issued,
        used,
        unused,
        voided: issued.saturating_sub(used + unused),
    })
}

/// Whether `by` may issue batch `seq` of `th` again, still at `seen`,
/// having `confirmed` that its unused codes are voided: one new code for
/// each unused code, for the same secretary and group, in the list's
/// order. Refused when the batch has no unused code. Writes nothing.
pub async fn ask_reissue(
    store: &Store,
    by: &By<'_>,
    th: &TownHalf,
    seen: Option<Option<EvalState>>,
    seq: u32,
    confirmed: bool,
) -> Result<CodesAsked, OfficeError> {
    check(by, th, EvalMove::IssueCodes, seen)?;
    let Some(codes) = store.batch_codes(th.year, th.half, th.town, seq).await? else {
        return Err(OfficeError::NotFound);
    };
    let mut unused: Vec<_> = codes.into_iter().filter(|c| !c.used).collect();
    if unused.is_empty() {
        return Err(OfficeError::Invalid(format!(
            "第 {seq} 批投票码都已投票或已作废，没有需要重新生成的投票码"
        )));
    }
    if !confirmed {
        return Err(OfficeError::Invalid(format!(
            "重新生成将作废第 {seq} 批中尚未使用的 {} 个投票码（已印出的这些投票码随即失效），\
             并为相同的书记和评价主体另生成同样数量的新投票码；请勾选确认后再提交",
            unused.len()
        )));
    }
    let place: HashMap<&str, usize> = th
        .listed
        .iter()
        .enumerate()
        .map(|(i, l)| (l.person.as_str(), i))
        .collect();
    let group_place = |g: RaterGroup| RaterGroup::ALL.iter().position(|x| *x == g);
    unused.sort_by_key(|c| {
        (
            place.get(c.person.as_str()).copied().unwrap_or(usize::MAX),
            group_place(c.group),
        )
    });
    let slots = unused
        .iter()
        .map(|c| {
            let l = place.get(c.person.as_str()).map(|&i| &th.listed[i]);
            Slot {
                person: c.person.clone(),
                village_name: l.map_or_else(String::new, |l| l.village_name.clone()),
                name: l.map_or_else(|| "（已不在名单中）".to_owned(), |l| l.name.clone()),
                group: c.group,
            }
        })
        .collect();
    Ok(CodesAsked {
        year: th.year,
        half: th.half,
        town: th.town,
        slots,
        replaces: Some((seq, unused.into_iter().map(|c| c.token_hash).collect())),
    })
}
