//! Each kind of record a correction may change: where it is found, who
//! records it, what depends on it, its fields and how a corrected one is
//! read and checked.

use rust_decimal::Decimal;
use time::Date;
use touyan_records::model::{
    Attendance, ExamResult, Exit, ExitReason, Labelled, Records, Secondment, SecondmentLevel,
    SessionForm, TrainingSession,
};
use touyan_records::text::parse_day;
use touyan_records::{CitizenId, TownCode};
use touyan_storage::{Record, Store};
use touyan_workflow::art08_09_reserves as art08;

use super::{Correctable, Field, Input, Page, Target, Values, in_words, note};
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
    };
    c.history = match &held {
        Held::Session(r) => history(store, r).await?,
        Held::Attendance { row, .. } => history(store, row).await?,
        Held::Exam(r) => history(store, r).await?,
        Held::Secondment { row, .. } => history(store, row).await?,
        Held::Exit(r) => history(store, r).await?,
    };
    Ok((c, held))
}

async fn history<R: Record>(
    store: &Store,
    r: &R,
) -> Result<Vec<touyan_records::model::Correction>, OfficeError> {
    let key = touyan_storage::record_key(r)?;
    Ok(store.corrections_of(R::TABLE, &key).await?)
}

pub(super) fn shell(title: String, town: TownCode, year: i32, page: Page) -> Correctable {
    Correctable {
        title,
        town,
        year,
        page,
        facts: Vec::new(),
        fields: Vec::new(),
        frozen: None,
        kept_by: None,
        history: Vec::new(),
        related: Vec::new(),
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
    pub(super) fn corrected(
        &self,
        _c: &Correctable,
        values: Values<'_>,
        today: Date,
    ) -> Result<Held, OfficeError> {
        let text = |n: &str| values(n).trim().to_owned();
        let day = |n: &str, what: &str| {
            parse_day(&text(n)).ok_or_else(|| {
                invalid(format!(
                    "{what}应为有效日期（可填 2026-11-02、2026/11/2、2026年11月2日 等）"
                ))
            })
        };
        let yes = |n: &str, what: &str| match text(n).as_str() {
            "是" => Ok(true),
            "否" => Ok(false),
            _ => Err(invalid(format!("请选择{what}"))),
        };
        Ok(match self {
            Held::Session(s) => {
                let title = text("title");
                training::check_code_and_title(&s.code, &title)?;
                let form = SessionForm::from_label(&text("form"))
                    .ok_or_else(|| invalid("请选择培训形式"))?;
                let days: Decimal = text("days")
                    .parse()
                    .map_err(|_| invalid("天数应为数字，如 1 或 0.5"))?;
                let new = TrainingSession {
                    title,
                    form,
                    start: day("start", "开始日期")?,
                    end: day("end", "结束日期")?,
                    days,
                    ..s.clone()
                };
                training::check_span(s.start.year(), new.start, new.end, new.days)?;
                Held::Session(new)
            }
            Held::Attendance { row, admonished } => {
                let reflection = match text("reflection").as_str() {
                    "" => None,
                    _ => Some(day("reflection", "学习体会提交日期")?),
                };
                if reflection.is_some_and(|d| d > today) {
                    return Err(invalid("学习体会提交日期不能晚于今天"));
                }
                let poor = yes("poor", "是否学习效果差")?;
                if let (Some(on), false) = (admonished, poor) {
                    return Err(OfficeError::Conflict(format!(
                        "已据学习效果差于 {on} 约谈（第六条），不能取消学习效果差"
                    )));
                }
                Held::Attendance {
                    row: Attendance {
                        reflection_filed_on: reflection,
                        poor_result: poor,
                        ..row.clone()
                    },
                    admonished: *admonished,
                }
            }
            Held::Exam(x) => Held::Exam(ExamResult {
                passed: yes("passed", "是否合格")?,
                ..x.clone()
            }),
            Held::Secondment { row, others, logs } => {
                let host = text("host");
                if host.is_empty() {
                    return Err(invalid("请填写挂职单位"));
                }
                OfficeError::at_most(&host, "挂职单位", reserves::HOST_CHARS)?;
                let new = Secondment {
                    level: SecondmentLevel::from_label(&text("level"))
                        .ok_or_else(|| invalid("请选择挂职去向"))?,
                    host_unit: host,
                    end: day("end", "结束日期")?,
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
                Held::Secondment {
                    row: new,
                    others: others.clone(),
                    logs: logs.clone(),
                }
            }
            Held::Exit(x) => {
                let reason = ExitReason::from_label(&text("ground"))
                    .filter(|r| ExitReason::SECRETARY.contains(r))
                    .ok_or_else(|| invalid("请选择退出原因"))?;
                let note = text("note");
                if reason == ExitReason::Other && note.is_empty() {
                    return Err(invalid("“其他”原因须写明情况"));
                }
                OfficeError::at_most(&note, "情况说明", exits::NOTE_CHARS)?;
                Held::Exit(Exit {
                    reason,
                    note,
                    ..x.clone()
                })
            }
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
            Held::Exit(x) => in_words(&[
                ("退出原因", x.reason.label().to_owned()),
                ("情况说明", x.note.clone()),
            ]),
        }
    }
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
    let after = new.map(Held::words);
    let before = old.words();
    macro_rules! put {
        ($o:expr, $n:expr) => {{
            let x = note(c, by.name, $o, after, before, reason, today)?;
            store
                .correct(by.name, by.origin, $o, $n, &x)
                .await
                .map_err(crate::OfficeError::refused)
        }};
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
        _ => Err(OfficeError::Invalid("内部错误：更正的记录种类不符".into())),
    }
}
