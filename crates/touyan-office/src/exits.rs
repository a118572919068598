//! Exits (the inferred Article 14): which grounds apply to each secretary
//! on a town's list of the year — over the age limit, no longer secretary
//! (the rules crate's `art14_exit_inferred`) — the exits on record, and
//! recording an exit with its reason, day and note.
//!
//! Who records an exit is `touyan_workflow::art14_exit::may_record` (the
//! town's reviewer; an exit after a failed evaluation is recorded where
//! the evaluation's case is confirmed). [`record_exit`] checks the role,
//! the secretary, the day (not after today) and the note ("其他" needs
//! one), and writes the exit in one transaction; nothing is written on a
//! refusal.
//!
//! The adapter reads the form's fields (the reason by its code, the day)
//! and picks the secretary by its own reference with
//! [`TownYear::secretary`]; this module checks the role first ([`may`]),
//! then the records.

use time::Date;
use touyan_records::model::{Exit, ExitReason, Labelled, PostRole, Programme, Records};
use touyan_records::{CitizenId, TownCode};
use touyan_rules::Policy;
use touyan_rules::art14_exit_inferred::{self, ExitFacts};
use touyan_storage::{Batch, Store};
use touyan_workflow::art14_exit;

use crate::{By, OfficeError, when};

/// The most characters of a note kept with an exit (the rest is cut, as
/// the form's field allows no more).
pub const NOTE_CHARS: usize = 300;

/// A town's records of a year for its exits page and form.
pub struct TownYear {
    pub year: i32,
    pub town: TownCode,
    pub records: Records,
}

/// `town`'s records of `year`.
pub async fn town_year(store: &Store, year: i32, town: TownCode) -> Result<TownYear, OfficeError> {
    Ok(TownYear {
        year,
        town,
        records: store.town_records(year, town).await?,
    })
}

/// Whether `by` may record an exit of a secretary of `town`: another
/// town's record is answered as missing, then the role is checked.
pub fn may(by: &By<'_>, town: TownCode) -> Result<(), OfficeError> {
    Ok(art14_exit::may_record(&by.actor, town.as_str())?)
}

/// How the day of an exit is asked for (a day that is not one, or after
/// today).
pub const DAY_WANTED: &str =
    "退出日期应为有效日期（可填 2026-11-02、2026/11/2、2026年11月2日 等），且不晚于今天";

fn invalid(m: impl Into<String>) -> OfficeError {
    OfficeError::Invalid(m.into())
}

/// A secretary on the town's list of the year, with the grounds of exit
/// that apply today and the latest exit on record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub person: CitizenId,
    /// The village's name and the person's: "北村村委会 周九".
    pub who: String,
    /// Each ground that applies, with its article: none once an exit is
    /// on record, or when no policy is in force today.
    pub grounds: Vec<String>,
    pub exit: Option<Exit>,
}

impl TownYear {
    /// Whether `by` may record an exit here (the form a page shows).
    pub fn may(&self, by: &By<'_>) -> bool {
        may(by, self.town).is_ok()
    }

    /// The person on the list of the year whom `names` picks (the
    /// adapter's reference), or why not.
    pub fn secretary(&self, names: impl Fn(&CitizenId) -> bool) -> Result<CitizenId, OfficeError> {
        self.records
            .list_entries
            .iter()
            .find(|e| e.year == self.year && names(&e.person))
            .map(|e| e.person.clone())
            .ok_or_else(|| invalid("没有找到该书记"))
    }

    /// Every secretary on the list of the year, by village and name, with
    /// the grounds that apply under the policy in force on `today`.
    pub fn lines(&self, policy: &Policy, today: Date) -> Vec<Line> {
        let r = &self.records;
        let params = when::params_on(policy, today).ok();
        let mut out: Vec<Line> = r
            .list_entries
            .iter()
            .filter(|e| e.year == self.year)
            .map(|e| {
                let name = r
                    .people
                    .iter()
                    .find(|p| p.id == e.person)
                    .map_or("", |p| p.name.as_str());
                let village = r
                    .villages
                    .iter()
                    .find(|v| v.code == e.village)
                    .map_or_else(|| e.village.as_str().to_owned(), |v| v.name.clone());
                let exit = r
                    .exits
                    .iter()
                    .filter(|x| x.person == e.person && x.programme == Programme::Secretary)
                    .max_by_key(|x| x.on);
                let still = r.posts.iter().any(|p| {
                    p.person == e.person
                        && p.village == e.village
                        && p.role == PostRole::Secretary
                        && p.start <= today
                        && p.end.is_none_or(|d| d >= today)
                });
                let grounds = match (&params, exit) {
                    (Some(p), None) => art14_exit_inferred::exit_grounds(
                        p,
                        &ExitFacts {
                            birth_date: e.person.birth_date(),
                            competency: None,
                            confirmed_not_competent: false,
                            disciplined: false,
                            still_secretary: still,
                        },
                        today,
                    )
                    .iter()
                    .map(|d| format!("{}（{}）", d.reason, d.rule.citation()))
                    .collect(),
                    _ => Vec::new(),
                };
                Line {
                    person: e.person.clone(),
                    who: format!("{village} {name}"),
                    grounds,
                    exit: exit.cloned(),
                }
            })
            .collect();
        out.sort_by(|a, b| a.who.cmp(&b.who));
        out
    }
}

/// A town's exits of a year in figures: the city's overview of the
/// exits page, one row per town.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    pub town: TownCode,
    /// Secretaries on the town's list of the year.
    pub listed: usize,
    /// Exits from professionalized management dated in the year, of
    /// those secretaries, by reason in [`ExitReason::ALL`]'s order (only
    /// reasons with one).
    pub exits: Vec<(ExitReason, usize)>,
    /// Secretaries with a ground of exit that applies today and no exit
    /// on record (the page's flagged rows).
    pub pending: usize,
}

impl Summary {
    /// The exits of the year in all.
    pub fn exits_total(&self) -> usize {
        self.exits.iter().map(|(_, n)| n).sum()
    }
}

impl TownYear {
    /// The town in figures, as its page counts them ([`TownYear::lines`]
    /// under the policy in force on `today`).
    pub fn summary(&self, policy: &Policy, today: Date) -> Summary {
        let lines = self.lines(policy, today);
        let listed: Vec<&CitizenId> = lines.iter().map(|l| &l.person).collect();
        let of_year: Vec<&Exit> = self
            .records
            .exits
            .iter()
            .filter(|x| {
                x.programme == Programme::Secretary
                    && x.on.year() == self.year
                    && listed.contains(&&x.person)
            })
            .collect();
        Summary {
            town: self.town,
            listed: lines.len(),
            exits: ExitReason::ALL
                .iter()
                .map(|r| (*r, of_year.iter().filter(|x| x.reason == *r).count()))
                .filter(|(_, n)| *n > 0)
                .collect(),
            pending: lines.iter().filter(|l| !l.grounds.is_empty()).count(),
        }
    }
}

/// The city's overview of the exits of `year`: each of `towns` (those the
/// reader sees, in their order) in figures, each town's records read once
/// ([`town_year`]), so the figures are the town page's.
pub async fn city_overview(
    store: &Store,
    policy: &Policy,
    year: i32,
    today: Date,
    towns: &[TownCode],
) -> Result<Vec<Summary>, OfficeError> {
    let mut out = Vec::with_capacity(towns.len());
    for town in towns {
        out.push(town_year(store, year, *town).await?.summary(policy, today));
    }
    Ok(out)
}

/// Records that `person`, a secretary on the town's list of the year,
/// left professionalized management on `on` (not after `today`) for
/// `reason`; "其他" needs a note, and a note has at most [`NOTE_CHARS`]
/// characters (a longer one is refused, not cut). An exit recorded again
/// on the same day is replaced.
#[allow(clippy::too_many_arguments)]
pub async fn record_exit(
    store: &Store,
    by: By<'_>,
    ty: &TownYear,
    person: &CitizenId,
    reason: ExitReason,
    on: Date,
    note: &str,
    today: Date,
) -> Result<Exit, OfficeError> {
    may(&by, ty.town)?;
    let person = ty.secretary(|p| p == person)?;
    if on > today {
        return Err(invalid(DAY_WANTED));
    }
    if reason == ExitReason::Other && note.is_empty() {
        return Err(invalid("“其他”原因须写明情况"));
    }
    OfficeError::at_most(note, "情况说明", NOTE_CHARS)?;
    let exit = Exit {
        person,
        on,
        reason,
        note: note.to_owned(),
        programme: Programme::Secretary,
    };
    let batch = Batch {
        exits: vec![exit.clone()],
        ..Batch::default()
    };
    store
        .apply_from(by.name, by.origin, &batch)
        .await
        .map_err(OfficeError::refused)?;
    Ok(exit)
}
