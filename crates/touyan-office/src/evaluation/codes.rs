//! The one-time anonymous voting codes: issued for the evaluation
//! meeting within each secretary's confirmed raters (every batch
//! recorded with who issued it and when), and the one vote each code
//! casts.
//!
//! Issuing is two steps, because the codes' randomness is the adapter's
//! to bring, as the date is: [`ask_codes`] checks the move and how many
//! codes were asked for against the room the confirmed raters leave
//! (`art12_evaluation::check_codes`) and says how many are needed;
//! [`issue_codes`] writes that many new codes (only their hashes are
//! kept) and the batch in one transaction, the store counting them
//! against the raters again. Nothing is written on a refusal.
//!
//! Raters are not users: a vote is cast with the code alone, by
//! [`VOTER`] in the change log, and only while the evaluation is open.

use touyan_records::CitizenId;
use touyan_records::TownCode;
use touyan_records::model::{Choice, EvalState, Labelled, RaterGroup, VoteToken};
use touyan_storage::{Store, StoreError};
use touyan_workflow::art12_evaluation as flow;

use super::entries::count;
use super::{EvalMove, TownHalf, check, conflict, who};
use crate::{By, OfficeError};

/// The most codes one request may issue per secretary and group.
pub const MAX_CODES: u32 = 200;

/// Who the change log names for an anonymous vote.
pub const VOTER: &str = "匿名评价人";

/// One code to issue: whom it evaluates and in which group.
#[derive(Clone, Debug)]
pub(super) struct Slot {
    pub(super) person: CitizenId,
    pub(super) village_name: String,
    pub(super) name: String,
    pub(super) group: RaterGroup,
}

/// Codes asked for and checked by [`ask_codes`]: one slot for each code
/// to issue, secretary by secretary (in the list's order), group by
/// group.
#[derive(Clone, Debug)]
pub struct CodesAsked {
    pub(super) year: i32,
    pub(super) half: u8,
    pub(super) town: TownCode,
    pub(super) slots: Vec<Slot>,
    /// The batch whose unused codes (their hashes) the new ones replace
    /// (`super::batches::ask_reissue`; `None`: a batch of its own).
    pub(super) replaces: Option<(u32, Vec<String>)>,
}

impl CodesAsked {
    /// How many new codes [`issue_codes`] needs.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Never true for what [`ask_codes`] returns (it refuses to issue
    /// none).
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }
}

/// A new code, as the adapter made it: what the voter is given, and what
/// the store keeps of it (its hash, by which a vote finds it).
#[derive(Clone, Debug)]
pub struct NewCode {
    pub token: String,
    pub hash: String,
}

/// A code issued: whom and which group it evaluates, and the code, shown
/// once (only its hash is kept).
#[derive(Clone, Debug)]
pub struct IssuedCode {
    pub village_name: String,
    pub name: String,
    pub group: RaterGroup,
    pub token: String,
    /// The number of the batch it was issued in.
    pub seq: u32,
}

/// Whether `by` (the town's operator) may issue codes on `th`, still at
/// `seen`, and how many: `asked(group)` is the number sent for each
/// counted group (`""` is 0), issued to every listed secretary, each
/// within the room their confirmed raters leave. Writes nothing.
pub fn ask_codes<'a>(
    by: &By<'_>,
    th: &TownHalf,
    seen: Option<Option<EvalState>>,
    asked: impl Fn(RaterGroup) -> &'a str,
) -> Result<CodesAsked, OfficeError> {
    check(by, th, EvalMove::IssueCodes, seen)?;
    let mut wanted = Vec::new();
    for g in flow::COUNTED {
        let what = format!("{}投票码数量", g.label());
        wanted.push((g, count(asked(g), MAX_CODES, &what)?));
    }
    if th.listed.is_empty() || wanted.iter().all(|(_, n)| *n == 0) {
        return Err(OfficeError::Invalid(
            "请填写每位书记需要的投票码数量（本年度须有已备案名单）".into(),
        ));
    }
    for l in &th.listed {
        for &(g, n) in &wanted {
            if n > 0 {
                flow::check_codes(&who(l), g, th.room(&l.person, g), n)?;
            }
        }
    }
    let mut slots = Vec::new();
    for l in &th.listed {
        for &(group, n) in &wanted {
            for _ in 0..n {
                slots.push(Slot {
                    person: l.person.clone(),
                    village_name: l.village_name.clone(),
                    name: l.name.clone(),
                    group,
                });
            }
        }
    }
    Ok(CodesAsked {
        year: th.year,
        half: th.half,
        town: th.town,
        slots,
        replaces: None,
    })
}

/// Issues the codes `asked` needs, by `by`: `codes` are the new codes,
/// exactly [`CodesAsked::len`] of them, given to the slots in order. The
/// codes (their hashes) and the batch they make are written in one
/// transaction — with the unused codes they replace voided, when asked
/// by `ask_reissue` — refused when the raters changed or were used
/// meanwhile (or the batch to replace changed).
pub async fn issue_codes(
    store: &Store,
    by: By<'_>,
    asked: CodesAsked,
    codes: Vec<NewCode>,
) -> Result<Vec<IssuedCode>, OfficeError> {
    if codes.len() != asked.slots.len() {
        // The adapter made a different number of codes than asked: a
        // bug of ours, not the user's.
        return Err(OfficeError::Store(touyan_storage::StoreError::Internal(
            format!(
                "需要 {} 个投票码，收到 {} 个",
                asked.slots.len(),
                codes.len()
            ),
        )));
    }
    let rows: Vec<VoteToken> = asked
        .slots
        .iter()
        .zip(&codes)
        .map(|(s, c)| VoteToken {
            token_hash: c.hash.clone(),
            year: asked.year,
            half: asked.half,
            town: asked.town,
            person: s.person.clone(),
            group: s.group,
            used: false,
        })
        .collect();
    let seq = match &asked.replaces {
        None => store
            .issue_codes(
                by.name, by.origin, asked.year, asked.half, asked.town, &rows,
            )
            .await
            .map_err(conflict)?,
        Some((old, void)) => store
            .replace_codes(
                by.name, by.origin, asked.year, asked.half, asked.town, *old, void, &rows,
            )
            .await
            .map_err(conflict)?,
    };
    Ok(asked
        .slots
        .into_iter()
        .zip(codes)
        .map(|(s, c)| IssuedCode {
            village_name: s.village_name,
            name: s.name,
            group: s.group,
            token: c.token,
            seq,
        })
        .collect())
}

/// A code a voter holds, still to be used: the code and whom it
/// evaluates ("东村村委会 张三"; the ID number is not shown to voters).
#[derive(Clone, Debug)]
pub struct Ballot {
    pub code: VoteToken,
    pub who: String,
}

/// The code whose hash is `hash`, if it may vote now: not found (no such
/// code), or a conflict with why not (its evaluation is not open, or it
/// has voted).
pub async fn ballot(store: &Store, hash: &str) -> Result<Ballot, OfficeError> {
    let Some((code, state)) = store.vote_code(hash).await? else {
        return Err(OfficeError::NotFound);
    };
    if state != EvalState::Open {
        return Err(OfficeError::Conflict("本次评价已经结束，不能再投票".into()));
    }
    if code.used {
        return Err(OfficeError::Conflict(
            "该投票码已经投过票，每个投票码只能投一次".into(),
        ));
    }
    let who = store
        .listed_name(code.year, code.town, &code.person)
        .await?
        .unwrap_or_default();
    Ok(Ballot { code, who })
}

/// Casts `ballot`'s one vote: `choice`, kept only as one more in its
/// secretary's and group's count. Refused when the code has voted or the
/// evaluation closed since [`ballot`] read it.
pub async fn vote(store: &Store, ballot: &Ballot, choice: Choice) -> Result<(), OfficeError> {
    match store.vote(VOTER, &ballot.code.token_hash, choice).await {
        Ok(true) => Ok(()),
        Ok(false) | Err(StoreError::Evaluation(_)) => Err(OfficeError::Conflict(
            "该投票码已经投过票，或评价已经结束".into(),
        )),
        Err(e) => Err(e.into()),
    }
}
