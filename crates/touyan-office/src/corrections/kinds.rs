//! Each kind of record a correction may change: where it is found, who
//! records it, what depends on it, its fields and how a corrected one is
//! read and checked.

use rust_decimal::Decimal;
use time::Date;
use touyan_records::model::{
    Attendance, ExamResult, Exit, ExitReason, Labelled, Programme, Records, Reserve, Secondment,
    SecondmentLevel, SessionForm, TrainingSession,
};
use touyan_records::text::parse_day;
use touyan_records::{CitizenId, TownCode};
use touyan_storage::{Record, Store};
use touyan_workflow::art08_09_reserves as art08;

use super::{Correctable, Field, Input, Target, Values, in_words, note};
use crate::{By, OfficeError, exits, reserves, training};

/// The record found, with what its checks need.
pub(super) enum Held {
    Session(TrainingSession),
    Attendance {
        row: Attendance,
        /// An admonition under Article 6 was held for its poor result.
        admonished: Option<Date>,
    },
    Exam(ExamResult),
    Secondment {
        row: Secondment,
        /// The person's other secondments.
        others: Vec<Secondment>,
        /// The days of its work log.
        logs: Vec<Date>,
    },
    Exit(Exit),
    Reserve {
        row: Reserve,
        /// The village's name.
        village: String,
        /// Another listing of the person for the post is active.
        twin: bool,
    },
    Daily(super::daily::DailyHeld),
}

fn invalid(m: impl Into<String>) -> OfficeError {
    OfficeError::Invalid(m.into())
}

/// The village's name and the person's, as the records have them.
pub(super) fn who(r: &Records, person: &CitizenId) -> String {
    let name = r
        .people
        .iter()
        .find(|p| p.id == *person)
        .map_or("（未知人员）", |p| p.name.as_str());
    let village = r
        .posts
        .iter()
        .rev()
        .find(|p| p.person == *person)
        .and_then(|p| r.villages.iter().find(|v| v.code == p.village))
        .map(|v| v.name.as_str());
    match village {
        Some(v) => format!("{v} {name}"),
        None => name.to_owned(),
    }
}

pub(super) fn yes_no(b: bool) -> String {
    if b { "是" } else { "否" }.to_owned()
}

pub(super) fn day_or_none(d: Option<Date>) -> String {
    d.map_or_else(|| "（无）".to_owned(), |d| d.to_string())
}

pub(super) fn choices<E: Labelled>(all: &[E]) -> Input {
    Input::Choice(all.iter().map(|e| (e.code(), e.label())).collect())
}

/// The year-start judgement of `year + 1` used the year's training and
/// secondments: once the town's list of that year is filed (the city's
/// list for a city session: any town's), they stand.
pub(super) async fn judged(
    store: &Store,
    town: Option<TownCode>,
    year: i32,
    what: &str,
    article: &str,
) -> Result<Option<String>, OfficeError> {
    let next = year + 1;
    let filed = match town {
        Some(t) => !store.filed_list(next, t).await?.is_empty(),
        None => !store.filed_counts(next).await?.is_empty(),
    };
    Ok(filed.then(|| {
        format!(
            "{next} 年度名单已备案，年初测算依据了 {year} 年的{what}（{article}、第十三条），不能再更正或撤回"
        )
    }))
}

/// Finds `target` in `town`'s records of `year` and says what may be done
/// to it by `by`.
pub(super) async fn load(
    store: &Store,
    by: &By<'_>,
    town: TownCode,
    year: i32,
    target: &Target,
    today: Date,
) -> Result<(Correctable, Held), OfficeError> {
    let (mut c, held) = match target {
        Target::Session { code } => super::training::session(store, by, town, year, code).await?,
        Target::Attendance { session, person } => {
            super::training::attendance(store, by, town, year, session, person).await?
        }
        Target::Exam {
            person,
            course,
            taken_on,
        } => super::training::exam(store, by, town, year, person, *course, *taken_on).await?,
        Target::Secondment { person, start } => {
            super::people::secondment(store, by, town, year, person, *start).await?
        }
        Target::Exit {
            person,
            on,
            programme,
        } => super::people::exit(store, by, town, year, person, *on, *programme, today).await?,
        Target::Reserve {
            person,
            village,
            post,
            listed_on,
        } => {
            super::people::reserve(store, by, town, year, person, *village, *post, *listed_on)
                .await?
        }
        Target::Daily { person, key } => super::daily::load(store, by, town, person, key).await?,
    };
    c.history = match &held {
        Held::Reserve { row, .. } => history(store, row).await?,
        Held::Daily(d) => d.history(store).await?,
        Held::Session(r) => history(store, r).await?,
        Held::Attendance { row, .. } => history(store, row).await?,
        Held::Exam(r) => history(store, r).await?,
        Held::Secondment { row, .. } => history(store, row).await?,
        Held::Exit(r) => history(store, r).await?,
    };
    c.shown = super::digest(&held.words());
    Ok((c, held))
}

pub(super) async fn history<R: Record>(
    store: &Store,
    r: &R,
) -> Result<Vec<touyan_records::model::Correction>, OfficeError> {
    let key = touyan_storage::record_key(r)?;
    Ok(store.corrections_of(R::TABLE, &key).await?)
}

pub(super) fn shell(title: String, town: TownCode) -> Correctable {
    Correctable {
        title,
        town,
        facts: Vec::new(),
        fields: Vec::new(),
        frozen: None,
        kept_by: None,
        history: Vec::new(),
        related: Vec::new(),
        shown: String::new(),
    }
}

pub(super) fn text(name: &'static str, label: &'static str, value: &str, max: usize) -> Field {
    Field {
        name,
        label,
        input: Input::Text {
            max,
            required: true,
        },
        value: value.to_owned(),
    }
}

pub(super) fn day(name: &'static str, label: &'static str, value: Date) -> Field {
    Field {
        name,
        label,
        input: Input::Day { required: true },
        value: value.to_string(),
    }
}

impl Held {
    /// The record with `values` read and checked as its form checks them.
    pub(super) fn corrected(&self, values: Values<'_>, today: Date) -> Result<Held, OfficeError> {
        let f = Form(values);
        Ok(match self {
            Held::Session(s) => Held::Session(session(s, &f)?),
            Held::Attendance { row, admonished } => Held::Attendance {
                row: attendance(row, *admonished, &f, today)?,
                admonished: *admonished,
            },
            Held::Exam(x) => Held::Exam(ExamResult {
                passed: f.yes("passed", "是否合格")?,
                ..x.clone()
            }),
            Held::Secondment { row, others, logs } => Held::Secondment {
                row: secondment(row, others, logs, &f, today)?,
                others: others.clone(),
                logs: logs.clone(),
            },
            Held::Reserve { row, village, twin } => {
                let removed_on = match f.text("removed_on").as_str() {
                    "" => None,
                    _ => Some(f.day("removed_on", "调出日期")?),
                };
                if removed_on.is_some_and(|d| d < row.listed_on) {
                    return Err(invalid("调出日期不能早于列入后备日期（第九条）"));
                }
                if removed_on.is_none() && row.removed_on.is_some() && *twin {
                    return Err(invalid(
                        "该人员已另有在列的本村同一岗位后备记录，不能取消调出（第九条）",
                    ));
                }
                Held::Reserve {
                    row: Reserve {
                        removed_on,
                        ..row.clone()
                    },
                    village: village.clone(),
                    twin: *twin,
                }
            }
            Held::Daily(d) => Held::Daily(d.corrected(&f, today)?),
            Held::Exit(x) if x.programme == Programme::Young => {
                return Err(invalid(
                    "年轻干部退出只能撤回（第十条）；撤回后请在优才计划页面重新登记",
                ));
            }
            Held::Exit(x) => Held::Exit(exit(x, &f)?),
        })
    }

    /// The record in words.
    fn words(&self) -> String {
        match self {
            Held::Session(s) => in_words(&super::training::session_facts(s)),
            Held::Attendance { row, .. } => in_words(&[
                ("学习体会提交日期", day_or_none(row.reflection_filed_on)),
                ("学习效果差", yes_no(row.poor_result)),
            ]),
            Held::Exam(x) => in_words(&[("是否合格", yes_no(x.passed))]),
            Held::Secondment { row, .. } => in_words(&[
                ("去向", row.level.label().to_owned()),
                ("挂职单位", row.host_unit.clone()),
                ("结束日期", row.end.to_string()),
            ]),
            Held::Reserve {
                row: x, village, ..
            } => in_words(&[
                ("村", village.clone()),
                ("岗位", x.post.label().to_owned()),
                ("列入日期", x.listed_on.to_string()),
                ("调出日期", day_or_none(x.removed_on)),
            ]),
            Held::Daily(d) => d.words(),
            Held::Exit(x) => in_words(&[
                ("退出原因", x.reason.label().to_owned()),
                ("情况说明", x.note.clone()),
            ]),
        }
    }
}

/// The correction form's fields as typed.
pub(super) struct Form<'a>(Values<'a>);

impl Form<'_> {
    pub(super) fn text(&self, n: &str) -> String {
        (self.0)(n).trim().to_owned()
    }

    /// One of `E`'s choices, by code or label.
    pub(super) fn choice<E: Labelled>(&self, n: &str, what: &str) -> Result<E, OfficeError> {
        E::from_label(&self.text(n)).ok_or_else(|| invalid(format!("请选择{what}")))
    }

    pub(super) fn day(&self, n: &str, what: &str) -> Result<Date, OfficeError> {
        parse_day(&self.text(n)).ok_or_else(|| {
            invalid(format!(
                "{what}应为有效日期（可填 2026-11-02、2026/11/2、2026年11月2日 等）"
            ))
        })
    }

    pub(super) fn yes(&self, n: &str, what: &str) -> Result<bool, OfficeError> {
        match self.text(n).as_str() {
            "是" => Ok(true),
            "否" => Ok(false),
            _ => Err(invalid(format!("请选择{what}"))),
        }
    }
}

/// A session corrected: the recording form's checks of code, title and
/// span (Article 6), in the session's own year.
fn session(s: &TrainingSession, f: &Form<'_>) -> Result<TrainingSession, OfficeError> {
    let title = f.text("title");
    training::check_code_and_title(&s.code, &title)?;
    let form = SessionForm::from_label(&f.text("form")).ok_or_else(|| invalid("请选择培训形式"))?;
    let days: Decimal = f
        .text("days")
        .parse()
        .map_err(|_| invalid("天数应为数字，如 1 或 0.5"))?;
    let new = TrainingSession {
        title,
        form,
        start: f.day("start", "开始日期")?,
        end: f.day("end", "结束日期")?,
        days,
        ..s.clone()
    };
    training::check_span(s.start.year(), new.start, new.end, new.days)?;
    Ok(new)
}

/// Attendance corrected: a reflection not after today; a poor result an
/// admonition was held for stays (Article 6).
fn attendance(
    row: &Attendance,
    admonished: Option<Date>,
    f: &Form<'_>,
    today: Date,
) -> Result<Attendance, OfficeError> {
    let reflection = match f.text("reflection").as_str() {
        "" => None,
        _ => Some(f.day("reflection", "学习体会提交日期")?),
    };
    if reflection.is_some_and(|d| d > today) {
        return Err(invalid("学习体会提交日期不能晚于今天"));
    }
    let poor = f.yes("poor", "是否学习效果差")?;
    if let (Some(on), false) = (admonished, poor) {
        return Err(OfficeError::Conflict(format!(
            "已据学习效果差于 {on} 约谈（第六条），不能取消学习效果差"
        )));
    }
    Ok(Attendance {
        reflection_filed_on: reflection,
        poor_result: poor,
        ..row.clone()
    })
}

/// A secondment corrected: Article 8's checks as recorded, and its work
/// log still within it.
fn secondment(
    row: &Secondment,
    others: &[Secondment],
    logs: &[Date],
    f: &Form<'_>,
    today: Date,
) -> Result<Secondment, OfficeError> {
    let host = f.text("host");
    if host.is_empty() {
        return Err(invalid("请填写挂职单位"));
    }
    OfficeError::at_most(&host, "挂职单位", reserves::HOST_CHARS)?;
    let new = Secondment {
        level: SecondmentLevel::from_label(&f.text("level"))
            .ok_or_else(|| invalid("请选择挂职去向"))?,
        host_unit: host,
        end: f.day("end", "结束日期")?,
        ..row.clone()
    };
    let recorded: Vec<&Secondment> = others.iter().collect();
    art08::check_secondment(&new, true, &recorded)?;
    art08::check_appraisal(&new, today)?;
    if let Some(last) = logs.iter().max().filter(|d| **d > new.end) {
        return Err(invalid(format!(
            "已有工作日志记在 {last}，结束日期不能早于它（第八条）"
        )));
    }
    Ok(new)
}

/// An exit corrected: a secretary's ground, "其他" with a note.
fn exit(x: &Exit, f: &Form<'_>) -> Result<Exit, OfficeError> {
    let reason = ExitReason::from_label(&f.text("ground"))
        .filter(|r| super::people::CORRECTABLE_GROUNDS.contains(r))
        .ok_or_else(|| invalid("请选择退出原因"))?;
    let note = f.text("note");
    if reason == ExitReason::Other && note.is_empty() {
        return Err(invalid("“其他”原因须写明情况"));
    }
    OfficeError::at_most(&note, "情况说明", exits::NOTE_CHARS)?;
    Ok(Exit {
        reason,
        note,
        ..x.clone()
    })
}

/// Writes `new` in place of `old` (or deletes `old`) with the correction
/// saying why, in one transaction.
pub(super) async fn write(
    store: &Store,
    by: &By<'_>,
    c: &Correctable,
    old: &Held,
    new: Option<&Held>,
    reason: &str,
    today: Date,
) -> Result<(), OfficeError> {
    if let Some(n) = new
        && n.words() == old.words()
    {
        return Err(invalid("没有任何修改：请改动要更正的内容，或返回"));
    }
    let w = Writing {
        store,
        by,
        c,
        before: old.words(),
        after: new.map(Held::words),
        reason,
        today,
    };
    macro_rules! put {
        ($o:expr, $n:expr) => {
            w.put($o, $n).await
        };
    }
    match (old, new) {
        (Held::Session(o), Some(Held::Session(n))) => put!(o, Some(n)),
        (Held::Session(o), None) => put!(o, None),
        (Held::Attendance { row: o, .. }, Some(Held::Attendance { row: n, .. })) => {
            put!(o, Some(n))
        }
        (Held::Attendance { row: o, .. }, None) => put!(o, None),
        (Held::Exam(o), Some(Held::Exam(n))) => put!(o, Some(n)),
        (Held::Exam(o), None) => put!(o, None),
        (Held::Secondment { row: o, .. }, Some(Held::Secondment { row: n, .. })) => {
            put!(o, Some(n))
        }
        (Held::Secondment { row: o, .. }, None) => put!(o, None),
        (Held::Exit(o), Some(Held::Exit(n))) => put!(o, Some(n)),
        (Held::Exit(o), None) => put!(o, None),
        (Held::Reserve { row: o, .. }, Some(Held::Reserve { row: n, .. })) => put!(o, Some(n)),
        (Held::Reserve { row: o, .. }, None) => put!(o, None),
        (Held::Daily(o), n) => {
            let n = match n {
                Some(Held::Daily(n)) => Some(n),
                Some(_) => return Err(OfficeError::Invalid("内部错误：更正的记录种类不符".into())),
                None => None,
            };
            super::daily::write(&w, o, n).await
        }
        _ => Err(OfficeError::Invalid("内部错误：更正的记录种类不符".into())),
    }
}

/// One correction's write: the record before and after in words (no
/// after: withdrawn), why, by whom and when.
pub(super) struct Writing<'a> {
    store: &'a Store,
    by: &'a By<'a>,
    c: &'a Correctable,
    before: String,
    after: Option<String>,
    reason: &'a str,
    today: Date,
}

impl Writing<'_> {
    /// The correction noting the change of `old`.
    pub(super) fn note<R: Record>(
        &self,
        old: &R,
    ) -> Result<touyan_records::model::Correction, OfficeError> {
        note(
            self.c,
            self.by.name,
            old,
            self.after.clone(),
            self.before.clone(),
            self.reason,
            self.today,
        )
    }

    /// Writes `new` in place of `old` (or deletes `old`) with its
    /// correction, in one transaction.
    pub(super) async fn put<R: Record>(&self, old: &R, new: Option<&R>) -> Result<(), OfficeError> {
        let x = self.note(old)?;
        self.store
            .correct(self.by.name, self.by.origin, old, new, &x)
            .await
            .map_err(|e| match e {
                // A row elsewhere still names it (attendance of a city
                // session in another town, a work log).
                touyan_storage::StoreError::MissingReference { .. } => OfficeError::Conflict(
                    "仍有其他记录依据这条记录（如其他镇街的参训记录），请先撤回它们".into(),
                ),
                e => OfficeError::refused(e),
            })
    }

    /// The withdrawal of leave request `old` with its moves.
    pub(super) async fn withdraw_leave(
        &self,
        old: &touyan_records::model::LeaveRequest,
    ) -> Result<(), OfficeError> {
        let x = self.note(old)?;
        self.store
            .withdraw_leave(self.by.name, self.by.origin, old, &x)
            .await
            .map_err(OfficeError::refused)
    }
}
