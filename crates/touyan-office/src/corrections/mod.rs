//! Corrections and withdrawals (issue 18, item 3): a recorded training
//! session, its attendance, an exam result, a secondment or an exit is
//! corrected or withdrawn by the role that records it, with a reason; a
//! reserve listed by mistake, and the records a town keeps of its
//! secretaries day to day (work records, duty rotas, yearly reports,
//! honours, recruitments, pension subsidies, leave requests waiting for
//! approval) too.
//! The record as it read before is kept in its history (`corrections`,
//! in words) and in the change log (the rows); nothing is written on a
//! refusal.
//!
//! A record is refused correction, with the article, where a filed or
//! approved decision depends on it:
//! - training, attendance and secondments of a year feed the next year's
//!   year-start judgement (the cycle): once the town's list of the next
//!   year is filed (Articles 6, 8 and 13), they stand;
//! - a poor result the town has held an admonition for (Article 6);
//! - a passed exam a certificate was issued after (Article 7);
//! - an exit a monthly pay run approved or paid after it relied on
//!   (Article 13);
//! - a reserve the next year's year-start judgement counted (Articles 9,
//!   13);
//! - a work record of a year whose yearly report (述职) has been assessed
//!   (Article 11);
//! - a leave request the town has decided on (Chapter 2, inferred).
//!
//! Records another record hangs on are withdrawn after it: a session
//! after its attendance, a secondment after its work log.
//!
//! The adapter names the record ([`Target`]) and passes the fields'
//! text as typed; this module reads and checks them as the recording
//! forms do, since a correction must pass the checks a new record does.

mod daily;
mod kinds;
mod people;
mod training;

pub(crate) use people::reserve_counted;
pub use training::exam_town;

use time::Date;
use touyan_records::model::{Correction, CourseKind, PostRole, Programme};
use touyan_records::{CitizenId, TownCode, VillageCode};
use touyan_storage::{Record, Store, record_key};

use crate::{By, OfficeError};

/// The most characters of a reason.
pub const REASON_CHARS: usize = 200;

/// The record to correct or withdraw, by its key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Session {
        code: String,
    },
    Attendance {
        session: String,
        person: CitizenId,
    },
    Exam {
        person: CitizenId,
        course: CourseKind,
        taken_on: Date,
    },
    Secondment {
        person: CitizenId,
        start: Date,
    },
    Exit {
        person: CitizenId,
        on: Date,
        programme: Programme,
    },
    Reserve {
        person: CitizenId,
        village: VillageCode,
        post: PostRole,
        listed_on: Date,
    },
    /// A record kept of a secretary day to day.
    Daily {
        person: CitizenId,
        key: DailyKey,
    },
}

/// A daily record by its key in the person's records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DailyKey {
    /// A work record (工作纪实), by its number.
    Work(u32),
    /// A duty rota, by its first day.
    Rota(Date),
    /// A yearly report (述职), by its year.
    Report(i32),
    Honour(u32),
    Recruitment(u32),
    Pension(u32),
    /// A leave request, by its number.
    Leave(u32),
}

impl DailyKey {
    /// The kind's code in an address, and the key's text.
    pub fn code(&self) -> (&'static str, String) {
        match self {
            DailyKey::Work(n) => ("work", n.to_string()),
            DailyKey::Rota(d) => ("rota", d.to_string()),
            DailyKey::Report(y) => ("report", y.to_string()),
            DailyKey::Honour(n) => ("honour", n.to_string()),
            DailyKey::Recruitment(n) => ("recruitment", n.to_string()),
            DailyKey::Pension(n) => ("pension", n.to_string()),
            DailyKey::Leave(n) => ("leave", n.to_string()),
        }
    }

    /// The key of kind `code` with text `key` (as [`DailyKey::code`]
    /// gives them); `None` when they name nothing.
    pub fn parse(code: &str, key: &str) -> Option<DailyKey> {
        let n = || key.parse::<u32>().ok();
        Some(match code {
            "work" => DailyKey::Work(n()?),
            "rota" => DailyKey::Rota(touyan_records::text::parse_day(key)?),
            "report" => DailyKey::Report(key.parse().ok()?),
            "honour" => DailyKey::Honour(n()?),
            "recruitment" => DailyKey::Recruitment(n()?),
            "pension" => DailyKey::Pension(n()?),
            "leave" => DailyKey::Leave(n()?),
            _ => return None,
        })
    }
}

/// How a field is entered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// Text of at most `max` characters, required or not.
    Text { max: usize, required: bool },
    /// A day; `required: false` allows none.
    Day { required: bool },
    /// Days in halves.
    Days,
    /// 是 / 否.
    YesNo,
    /// One of the choices (code, label).
    Choice(Vec<(&'static str, &'static str)>),
}

/// A field that may be corrected, with its value as it stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub input: Input,
    pub value: String,
}

/// A record as the correction page shows it.
#[derive(Clone, Debug)]
pub struct Correctable {
    /// What it is, in words ("培训“…”（编号 …）").
    pub title: String,
    pub town: TownCode,
    /// The record as it reads, label and value.
    pub facts: Vec<(&'static str, String)>,
    pub fields: Vec<Field>,
    /// Why it may not be corrected or withdrawn at all, with the article.
    pub frozen: Option<String>,
    /// Why it may not be withdrawn (while corrections stay possible).
    pub kept_by: Option<String>,
    /// Its corrections so far, oldest first.
    pub history: Vec<Correction>,
    /// Records that hang on it, each with its own correction (a
    /// session's attendance in the town).
    pub related: Vec<(String, Target)>,
    /// A digest of the record as it reads now (see [`Correctable::seen_token`]).
    pub shown: String,
}

impl Correctable {
    /// How many corrections the page was shown with.
    pub fn seen(&self) -> usize {
        self.history.len()
    }

    /// The form's `seen`: how many corrections and a digest of the record
    /// as the page shows it, so that a change made meanwhile on the
    /// record's own page is not overwritten either.
    pub fn seen_token(&self) -> String {
        format!("{}-{}", self.history.len(), self.shown)
    }
}

/// The record `target` of `town` for `by` on `today`, with what may be
/// done to it;
/// a record out of `by`'s role or town is refused as the recording form
/// refuses it.
pub async fn find(
    store: &Store,
    by: &By<'_>,
    town: TownCode,
    year: i32,
    target: &Target,
    today: Date,
) -> Result<Correctable, OfficeError> {
    Ok(kinds::load(store, by, town, year, target, today).await?.0)
}

/// The form's text of a field by its name ("" when absent).
pub type Values<'a> = &'a (dyn Fn(&str) -> String + Sync);

/// Corrects `target` with `values`, for `reason`, on `today`; `seen` is
/// the page's [`Correctable::seen_token`] (or how many corrections it
/// showed): a change since is a conflict.
/// Says what was done.
#[allow(clippy::too_many_arguments)]
pub async fn correct(
    store: &Store,
    by: By<'_>,
    town: TownCode,
    year: i32,
    target: &Target,
    seen: &str,
    values: Values<'_>,
    reason: &str,
    today: Date,
) -> Result<String, OfficeError> {
    let (c, held) = kinds::load(store, &by, town, year, target, today).await?;
    may_change(&c, seen, reason)?;
    let new = held.corrected(values, today)?;
    kinds::write(store, &by, &c, &held, Some(&new), reason, today).await?;
    Ok(format!(
        "已更正：{}；原记录保留在更正记录和操作日志中",
        c.title
    ))
}

/// Withdraws `target` (deletes it) for `reason`, on `today`.
#[allow(clippy::too_many_arguments)]
pub async fn withdraw(
    store: &Store,
    by: By<'_>,
    town: TownCode,
    year: i32,
    target: &Target,
    seen: &str,
    reason: &str,
    today: Date,
) -> Result<String, OfficeError> {
    let (c, held) = kinds::load(store, &by, town, year, target, today).await?;
    may_change(&c, seen, reason)?;
    if let Some(why) = &c.kept_by {
        return Err(OfficeError::Conflict(why.clone()));
    }
    kinds::write(store, &by, &c, &held, None, reason, today).await?;
    Ok(format!(
        "已撤回：{}；原记录保留在更正记录和操作日志中",
        c.title
    ))
}

/// The checks every correction and withdrawal passes first.
fn may_change(c: &Correctable, seen: &str, reason: &str) -> Result<(), OfficeError> {
    if let Some(why) = &c.frozen {
        return Err(OfficeError::Conflict(why.clone()));
    }
    // "N" (how many corrections) or "N-digest" (and the record as shown).
    let fresh = match seen.split_once('-') {
        Some(_) => seen == c.seen_token(),
        None => seen.parse::<usize>().is_ok_and(|n| n == c.seen()),
    };
    if !fresh {
        return Err(OfficeError::Conflict(
            "该记录在此期间已被更正或修改，请查看当前记录和更正记录后重新填写".into(),
        ));
    }
    if reason.trim().is_empty() {
        return Err(OfficeError::Invalid("请写明更正或撤回的原因".into()));
    }
    OfficeError::at_most(reason.trim(), "原因", REASON_CHARS)
}

/// The correction noting `old` becoming `new` (withdrawn when `None`).
fn note<R: Record>(
    c: &Correctable,
    by_name: &str,
    old: &R,
    after: Option<String>,
    before: String,
    reason: &str,
    today: Date,
) -> Result<Correction, OfficeError> {
    let seq = u32::try_from(c.history.len() + 1)
        .map_err(|_| OfficeError::Invalid("更正次数过多".into()))?;
    Ok(Correction {
        kind: R::TABLE.to_owned(),
        key: record_key(old).map_err(OfficeError::Store)?,
        seq,
        town: c.town,
        on: today,
        by: by_name.to_owned(),
        withdrawn: after.is_none(),
        reason: reason.trim().to_owned(),
        before,
        after: after.unwrap_or_default(),
    })
}

/// A short digest of `text` (stable across processes: FNV-1a, 64 bits):
/// a record as a page showed it, compared when the page's form comes
/// back.
pub(crate) fn digest(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// The facts in one line ("名称：…；天数：…").
fn in_words(facts: &[(&'static str, String)]) -> String {
    facts
        .iter()
        .map(|(k, v)| format!("{k}：{v}"))
        .collect::<Vec<_>>()
        .join("；")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_read_as_one_line() {
        let f = [("名称", "党建".to_owned()), ("天数", "1.5".to_owned())];
        assert_eq!(in_words(&f), "名称：党建；天数：1.5");
        assert_eq!(in_words(&[]), "");
    }
}
