//! Training (Article 6): a town's year — each professionalized
//! secretary's compliance against the minimums with what is still missing
//! ([`figures::training`], the same figures as the training export), the
//! sessions of the year, the admonitions and make-up study a poor result
//! calls for — and what is recorded: a session, its attendance (study
//! reflections filed, poor results), an admonition (约谈) and the make-up
//! study (补学) after it.
//!
//! Who records what is `touyan_workflow::art06_training::may_record`
//! (city sessions the city administrator, town sessions and follow-ups the
//! town's operator). Each function writes one form's records in one
//! transaction; nothing is written on a refusal.
//!
//! The adapter reads the form's fields (the form by its code, dates, the
//! number of days) and picks people by its own references with
//! [`TownYear::secretary`] and [`TownYear::listed`]; this module checks
//! the role first ([`may_session`], [`TownYear::attendable`],
//! [`may_follow_up`]), then the records and the measures.

use rust_decimal::Decimal;
use time::Date;
use touyan_records::model::{
    Admonition, Attendance, Records, SessionForm, TrainingLevel, TrainingSession,
};
use touyan_records::{CitizenId, TownCode};
use touyan_reports::Training;
use touyan_rules::{Policy, art06_training};
use touyan_storage::{Batch, Store};
use touyan_workflow::Role;
use touyan_workflow::art06_training::{self as flow, Record};

use crate::{By, OfficeError, figures};

/// The most characters of a session's code.
pub const CODE_CHARS: usize = 40;
/// The most characters of a session's title.
pub const TITLE_CHARS: usize = 100;
/// The most characters of an admonition's note.
pub const NOTE_CHARS: usize = 300;

/// A town's training records of a year (its listed secretaries, the
/// sessions they could attend, attendance and admonitions).
pub struct TownYear {
    pub year: i32,
    pub town: TownCode,
    pub records: Records,
}

/// `town`'s training records of `year`.
pub async fn town_year(store: &Store, year: i32, town: TownCode) -> Result<TownYear, OfficeError> {
    Ok(TownYear {
        year,
        town,
        records: store.training_records(year, town).await?,
    })
}

/// The level `role` records sessions at (`None`: records none).
pub fn level_of(role: Role) -> Option<TrainingLevel> {
    match role {
        Role::CityAdmin => Some(TrainingLevel::City),
        Role::TownOperator => Some(TrainingLevel::Town),
        _ => None,
    }
}

fn session_record(s: &TrainingSession) -> Record<'_> {
    Record::Session {
        level: s.level,
        town: s.town.as_ref().map(TownCode::as_str),
    }
}

/// The level `by` records a session of `town` at, when they may.
pub fn may_session(by: &By<'_>, town: TownCode) -> Result<TrainingLevel, OfficeError> {
    let role = by.actor.role;
    let level = level_of(role)
        .ok_or_else(|| OfficeError::Forbidden(format!("{}不能登记培训", role.label())))?;
    let town = (level == TrainingLevel::Town).then_some(town.as_str());
    flow::may_record(&by.actor, Record::Session { level, town })?;
    Ok(level)
}

/// Whether `by` may record an admonition or make-up study of a person of
/// `town`.
pub fn may_follow_up(by: &By<'_>, town: TownCode) -> Result<(), OfficeError> {
    Ok(flow::may_record(
        &by.actor,
        Record::FollowUp {
            town: town.as_str(),
        },
    )?)
}

fn invalid(m: impl Into<String>) -> OfficeError {
    OfficeError::Invalid(m.into())
}

/// A session as the page shows it.
#[derive(Clone, Debug)]
pub struct SessionView<'a> {
    pub session: &'a TrainingSession,
    /// How many attended.
    pub attended: usize,
    /// Its attendance may be recorded by the one asking.
    pub recordable: bool,
}

/// A poor result and what it calls for: an admonition, then make-up
/// study.
#[derive(Clone, Debug)]
pub struct FollowUp<'a> {
    pub person: &'a CitizenId,
    /// The village's name and the person's ("" when not listed).
    pub who: String,
    pub session: &'a TrainingSession,
    /// The first admonition under Article 6 since the session began.
    pub admonition: Option<&'a Admonition>,
    pub needs_admonition: bool,
    pub needs_make_up: bool,
}

/// A person ticked as attending a session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attended {
    pub person: CitizenId,
    pub reflection_filed_on: Option<Date>,
    pub poor_result: bool,
}

/// A new session, its fields read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewSession {
    pub code: String,
    pub title: String,
    pub form: SessionForm,
    pub start: Date,
    pub end: Date,
    pub days: Decimal,
}

impl TownYear {
    /// The people on the town's list, each once, in the order recorded
    /// (whom attendance may be recorded for).
    pub fn listed(&self) -> Vec<&CitizenId> {
        let mut out: Vec<&CitizenId> = Vec::new();
        for e in &self.records.list_entries {
            if !out.contains(&&e.person) {
                out.push(&e.person);
            }
        }
        out
    }

    /// The person on the town's list whom `names` picks (the adapter's
    /// reference), or why not.
    pub fn secretary(&self, names: impl Fn(&CitizenId) -> bool) -> Result<CitizenId, OfficeError> {
        self.records
            .list_entries
            .iter()
            .find(|e| names(&e.person))
            .map(|e| e.person.clone())
            .ok_or_else(|| invalid("没有找到该书记"))
    }

    /// The session `code` whose attendance `by` may record, or why not.
    pub fn attendable(&self, by: &By<'_>, code: &str) -> Result<&TrainingSession, OfficeError> {
        let s = self
            .records
            .training_sessions
            .iter()
            .find(|s| s.code == code)
            .ok_or_else(|| invalid("请选择培训"))?;
        flow::may_record(&by.actor, session_record(s))?;
        Ok(s)
    }

    /// Each listed secretary's compliance under the policy in force on 1
    /// January of the year.
    pub fn compliance(&self, policy: &Policy) -> Result<Training, OfficeError> {
        figures::training(&self.records, policy, self.year, Some(self.town))
    }

    /// The city's sessions and the town's own, by their dates.
    pub fn sessions(&self, by: &By<'_>) -> Vec<SessionView<'_>> {
        let r = &self.records;
        let mut out: Vec<SessionView<'_>> = r
            .training_sessions
            .iter()
            .filter(|s| s.level == TrainingLevel::City || s.town == Some(self.town))
            .map(|s| SessionView {
                session: s,
                attended: r.attendance.iter().filter(|x| x.session == s.code).count(),
                recordable: flow::may_record(&by.actor, session_record(s)).is_ok(),
            })
            .collect();
        out.sort_by_key(|v| (v.session.start, v.session.end));
        out
    }

    /// The village's name and the person's, as the town's list has them
    /// ("" when not listed).
    pub fn who(&self, person: &CitizenId) -> String {
        let r = &self.records;
        r.list_entries
            .iter()
            .rev()
            .filter(|e| e.person == *person)
            .find_map(|e| {
                let name = &r.people.iter().find(|x| x.id == e.person)?.name;
                let village = r
                    .villages
                    .iter()
                    .find(|v| v.code == e.village)
                    .map_or_else(|| e.village.as_str().to_owned(), |v| v.name.clone());
                Some(format!("{village} {name}"))
            })
            .unwrap_or_default()
    }

    /// Every poor result and where its admonition and make-up study
    /// stand.
    pub fn follow_ups(&self) -> Vec<FollowUp<'_>> {
        let r = &self.records;
        let who = |person: &CitizenId| self.who(person);
        r.attendance
            .iter()
            // A poor result opens an admonition and a make-up study.
            .filter(|x| {
                art06_training::poor_results(x.poor_result).outcome
                    == art06_training::FollowUp::AdmonitionAndMakeUp
            })
            .filter_map(|x| {
                let s = r.training_sessions.iter().find(|s| s.code == x.session)?;
                let adm = r
                    .admonitions
                    .iter()
                    .filter(|m| m.person == x.person && m.article == 6 && m.held_on >= s.start)
                    .min_by_key(|m| m.held_on);
                Some(FollowUp {
                    person: &x.person,
                    who: who(&x.person),
                    session: s,
                    admonition: adm,
                    needs_admonition: adm.is_none(),
                    needs_make_up: adm.is_some_and(|m| m.make_up_study_done_on.is_none()),
                })
            })
            .collect()
    }
}

/// A town's training year in figures: the city's overview of the
/// training page, one row per town.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    pub town: TownCode,
    /// Secretaries on the year's filed list (the compliance rows).
    pub listed: usize,
    /// Of those, how many meet Article 6's minimums so far.
    pub compliant: usize,
    /// Why compliance is not judged (no filed list of the year), if so.
    pub unjudged: Option<String>,
    /// The town's own sessions starting in the year.
    pub town_sessions: usize,
    /// The city's sessions starting in the year (the same for every town).
    pub city_sessions: usize,
    /// Poor results still waiting for the admonition (约谈).
    pub awaiting_admonition: usize,
    /// Admonitions held, the make-up study (补学) not yet done.
    pub awaiting_make_up: usize,
}

impl TownYear {
    /// The town's year in figures, as its page counts them: compliance
    /// (`figures::training`), the sessions it lists and the follow-ups it
    /// shows. A year without a policy in force is refused.
    pub fn summary(&self, policy: &Policy) -> Result<Summary, OfficeError> {
        // The policy first, so that only a missing filed list is a town's.
        when_params(policy, self.year)?;
        let (listed, compliant, unjudged) = match self.compliance(policy) {
            Ok(t) => (
                t.rows.len(),
                t.rows.iter().filter(|r| r.compliant).count(),
                None,
            ),
            Err(e) => (0, 0, Some(e.to_string())),
        };
        let sessions = &self.records.training_sessions;
        let follow_ups = self.follow_ups();
        Ok(Summary {
            town: self.town,
            listed,
            compliant,
            unjudged,
            town_sessions: sessions
                .iter()
                .filter(|s| s.level == TrainingLevel::Town && s.town == Some(self.town))
                .count(),
            city_sessions: sessions
                .iter()
                .filter(|s| s.level == TrainingLevel::City)
                .count(),
            awaiting_admonition: follow_ups.iter().filter(|f| f.needs_admonition).count(),
            awaiting_make_up: follow_ups.iter().filter(|f| f.needs_make_up).count(),
        })
    }
}

fn when_params(policy: &Policy, year: i32) -> Result<touyan_rules::Params, OfficeError> {
    crate::when::params_on(policy, crate::when::year_start(year)?)
}

/// The city's overview of `year`'s training: each of `towns` (those the
/// reader sees, in their order) in figures, each town's records read
/// once ([`town_year`]), so the figures are the town page's.
pub async fn city_overview(
    store: &Store,
    policy: &Policy,
    year: i32,
    towns: &[TownCode],
) -> Result<Vec<Summary>, OfficeError> {
    when_params(policy, year)?;
    let mut out = Vec::with_capacity(towns.len());
    for town in towns {
        out.push(town_year(store, year, *town).await?.summary(policy)?);
    }
    Ok(out)
}

/// Writes one form's records (a record there already is replaced).
async fn write(store: &Store, by: &By<'_>, batch: &Batch) -> Result<(), OfficeError> {
    store
        .apply_from(by.name, by.origin, batch)
        .await
        .map(drop)
        .map_err(OfficeError::refused)
}

/// A session's code (at most [`CODE_CHARS`] characters) and title (at
/// most [`TITLE_CHARS`]), both given; a longer one is refused, not cut.
pub fn check_code_and_title(code: &str, title: &str) -> Result<(), OfficeError> {
    if code.is_empty() || title.is_empty() {
        return Err(invalid(format!(
            "请填写培训编号（{CODE_CHARS} 字以内）和名称"
        )));
    }
    OfficeError::at_most(code, "培训编号", CODE_CHARS)?;
    OfficeError::at_most(title, "培训名称", TITLE_CHARS)
}

/// A session's dates and days: starting in `year`, ending no earlier, of
/// whole or half days no more than its span.
pub fn check_span(year: i32, start: Date, end: Date, days: Decimal) -> Result<(), OfficeError> {
    if end < start || start.year() != year {
        return Err(invalid(format!(
            "培训应在 {year} 年内开始，结束日期不早于开始日期"
        )));
    }
    let span = Decimal::from((end - start).whole_days() + 1);
    if days <= Decimal::ZERO || days > span || (days * Decimal::TWO).fract() != Decimal::ZERO {
        return Err(invalid(format!(
            "天数应为 0.5 的整数倍，且不超过培训起止的 {span} 天"
        )));
    }
    Ok(())
}

/// Records a session at `by`'s level (a town session for the town):
/// a code of its own (at most 40 characters) and a title, starting in the
/// year, ending no earlier, of whole or half days no more than its span.
pub async fn session(
    store: &Store,
    by: By<'_>,
    ty: &TownYear,
    s: NewSession,
) -> Result<TrainingSession, OfficeError> {
    let level = may_session(&by, ty.town)?;
    check_code_and_title(&s.code, &s.title)?;
    if ty
        .records
        .training_sessions
        .iter()
        .any(|x| x.code == s.code)
    {
        return Err(invalid(format!("培训编号 {} 已经使用", s.code)));
    }
    check_span(ty.year, s.start, s.end, s.days)?;
    let x = TrainingSession {
        code: s.code,
        title: s.title,
        level,
        form: s.form,
        town: (level == TrainingLevel::Town).then_some(ty.town),
        start: s.start,
        end: s.end,
        days: s.days,
    };
    let batch = Batch {
        training_sessions: vec![x.clone()],
        ..Batch::default()
    };
    write(store, &by, &batch).await?;
    Ok(x)
}

/// Records who attended the session `code` (at least one, each on the
/// town's list).
pub async fn attendance(
    store: &Store,
    by: By<'_>,
    ty: &TownYear,
    code: &str,
    rows: Vec<Attended>,
) -> Result<Vec<Attendance>, OfficeError> {
    let s = ty.attendable(&by, code)?;
    if rows.is_empty() {
        return Err(invalid("请勾选参加培训的书记"));
    }
    let rows = rows
        .into_iter()
        .map(|a| {
            Ok(Attendance {
                session: s.code.clone(),
                person: ty.secretary(|p| *p == a.person)?,
                reflection_filed_on: a.reflection_filed_on,
                poor_result: a.poor_result,
            })
        })
        .collect::<Result<Vec<_>, OfficeError>>()?;
    let batch = Batch {
        attendance: rows.clone(),
        ..Batch::default()
    };
    write(store, &by, &batch).await?;
    Ok(rows)
}

/// `日期不能晚于今天`, when `on` is after `today`.
fn not_after_today(on: Date, today: Date) -> Result<(), OfficeError> {
    if on > today {
        return Err(invalid("日期不能晚于今天"));
    }
    Ok(())
}

/// Records the admonition of `person`, a secretary on the town's list,
/// held on `on` (not after `today`) after a poor result; `note` says how
/// it went (at most [`NOTE_CHARS`] characters).
pub async fn admonition(
    store: &Store,
    by: By<'_>,
    ty: &TownYear,
    person: &CitizenId,
    on: Date,
    note: &str,
    today: Date,
) -> Result<Admonition, OfficeError> {
    may_follow_up(&by, ty.town)?;
    let person = ty.secretary(|p| p == person)?;
    not_after_today(on, today)?;
    if note.is_empty() {
        return Err(invalid("请写明约谈情况"));
    }
    OfficeError::at_most(note, "约谈情况", NOTE_CHARS)?;
    let x = Admonition {
        person,
        held_on: on,
        article: 6,
        reason: format!("学习效果差：{note}"),
        make_up_study_done_on: None,
    };
    let batch = Batch {
        admonitions: vec![x.clone()],
        ..Batch::default()
    };
    write(store, &by, &batch).await?;
    Ok(x)
}

/// Records that `person` finished the make-up study on `on` (not after
/// `today`, not before their latest admonition under Article 6).
pub async fn make_up(
    store: &Store,
    by: By<'_>,
    ty: &TownYear,
    person: &CitizenId,
    on: Date,
    today: Date,
) -> Result<Admonition, OfficeError> {
    may_follow_up(&by, ty.town)?;
    let person = ty.secretary(|p| p == person)?;
    not_after_today(on, today)?;
    let mut x = ty
        .records
        .admonitions
        .iter()
        .filter(|m| m.person == person && m.article == 6)
        .max_by_key(|m| m.held_on)
        .cloned()
        .ok_or_else(|| invalid("请先记录约谈，再记录补学"))?;
    if on < x.held_on {
        return Err(invalid("补学日期不能早于约谈日期"));
    }
    x.make_up_study_done_on = Some(on);
    let batch = Batch {
        admonitions: vec![x.clone()],
        ..Batch::default()
    };
    write(store, &by, &batch).await?;
    Ok(x)
}
