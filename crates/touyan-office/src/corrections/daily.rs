//! Corrections of the records a town keeps of its secretaries day to day
//! (the inferred Chapter 2 and Article 14): a work record (工作纪实), a
//! duty rota, a yearly report (述职), an honour, a recruitment, a pension
//! subsidy and a leave request still waiting for approval.
//!
//! Each is corrected by the role that records it and checked as its
//! recording form checks it (`daily::checked`, `daily::check_leave`).
//! Refused, with the article, where a decision depends on the record: a
//! work record of a year whose yearly report is assessed (Article 11), a
//! leave request the town has decided on (Chapter 2, inferred).

use rust_decimal::Decimal;
use time::Date;
use touyan_records::model::{
    DutyRota, Honour, HonourLevel, Labelled, LeaveRequest, LeaveState, PensionSubsidy, RecruitKind,
    Recruitment, ReportOutcome, WorkRecord, YearReport,
};
use touyan_records::{CitizenId, TownCode};
use touyan_storage::{DailyAdd, DailyFile, Store};

use super::kinds::{Held, choices, day, shell, text};
use super::{Correctable, DailyKey, Field, Input, in_words};
use crate::daily::{self, Entry, Kind};
use crate::{By, OfficeError};

/// A daily record found, with what its checks need.
#[derive(Clone, Debug)]
pub(super) enum DailyHeld {
    Work {
        row: WorkRecord,
        /// The years whose yearly report was given, and the day.
        reported: Vec<(i32, Date)>,
    },
    Rota(DutyRota),
    Report(YearReport),
    Honour(Honour),
    Recruitment(Recruitment),
    Pension(PensionSubsidy),
    Leave {
        row: LeaveRequest,
        /// The person's other requests.
        others: Vec<LeaveRequest>,
    },
}

fn invalid(m: impl Into<String>) -> OfficeError {
    OfficeError::Invalid(m.into())
}

/// How a work record of an assessed year is refused.
pub(super) fn report_done(year: i32, given_on: Date) -> String {
    format!(
        "{year} 年度述职评议已于 {given_on} 完成，工作纪实是评议的依据（第十一条），不能再更正或撤回"
    )
}

fn optional(name: &'static str, label: &'static str, value: &str, max: usize) -> Field {
    Field {
        name,
        label,
        input: Input::Text {
            max,
            required: false,
        },
        value: value.to_owned(),
    }
}

fn choice<E: Labelled>(name: &'static str, label: &'static str, all: &[E], v: E) -> Field {
    Field {
        name,
        label,
        input: choices(all),
        value: v.code().to_owned(),
    }
}

fn kind_of(key: &DailyKey) -> Kind {
    match key {
        DailyKey::Work(_) => Kind::Work,
        DailyKey::Rota(_) => Kind::Rota,
        DailyKey::Report(_) => Kind::Report,
        DailyKey::Honour(_) => Kind::Honour,
        DailyKey::Recruitment(_) => Kind::Recruitment,
        DailyKey::Pension(_) => Kind::Pension,
        DailyKey::Leave(_) => Kind::Leave,
    }
}

/// Yuan of `fen`, two places.
fn yuan(fen: i64) -> String {
    Decimal::new(fen, 2).to_string()
}

/// The record `key` of `person` kept by `town`, found for `by` (who may
/// record it first; another town's is missing).
pub(super) async fn load(
    store: &Store,
    by: &By<'_>,
    town: TownCode,
    person: &CitizenId,
    key: &DailyKey,
) -> Result<(Correctable, Held), OfficeError> {
    daily::may_add(by, town, kind_of(key))?;
    let file = daily::file(store, person, Some(town)).await?;
    let name = file.name.clone().unwrap_or_else(|| "（未知人员）".into());
    let held = find(&file, key)?;
    let mut c = shell(held.title(&name), town);
    c.facts = held.facts();
    c.fields = held.fields();
    match &held {
        DailyHeld::Work { row, reported } => {
            if let Some((y, on)) = reported.iter().find(|(y, _)| *y == row.on.year()) {
                c.frozen = Some(report_done(*y, *on));
            }
        }
        DailyHeld::Report(r) => {
            let works = file
                .work_records
                .iter()
                .filter(|w| w.on.year() == r.year)
                .count();
            if works > 0 {
                c.kept_by = Some(format!(
                    "{} 年度有 {works} 条工作纪实，评议依据了它们（第十一条），述职记录不能撤回；如登记有误，可更正日期、结果和说明",
                    r.year
                ));
            }
        }
        DailyHeld::Leave { row, .. } if row.state != LeaveState::Requested => {
            c.frozen = Some(format!(
                "该请假{}（第二章，推定），审批依据了这次申请，不能再更正或撤回；如需变更，请另行请假",
                row.state.label()
            ));
        }
        _ => {}
    }
    Ok((c, Held::Daily(held)))
}

/// The record `key` in `file`.
fn find(file: &DailyFile, key: &DailyKey) -> Result<DailyHeld, OfficeError> {
    let missing = || OfficeError::NotFound;
    Ok(match *key {
        DailyKey::Work(seq) => DailyHeld::Work {
            row: file
                .work_records
                .iter()
                .find(|w| w.seq == seq)
                .cloned()
                .ok_or_else(missing)?,
            reported: file.reports.iter().map(|r| (r.year, r.given_on)).collect(),
        },
        DailyKey::Rota(since) => DailyHeld::Rota(
            file.rotas
                .iter()
                .find(|r| r.since == since)
                .cloned()
                .ok_or_else(missing)?,
        ),
        DailyKey::Report(year) => DailyHeld::Report(
            file.reports
                .iter()
                .find(|r| r.year == year)
                .cloned()
                .ok_or_else(missing)?,
        ),
        DailyKey::Honour(seq) => DailyHeld::Honour(
            file.honours
                .iter()
                .find(|r| r.seq == seq)
                .cloned()
                .ok_or_else(missing)?,
        ),
        DailyKey::Recruitment(seq) => DailyHeld::Recruitment(
            file.recruitments
                .iter()
                .find(|r| r.seq == seq)
                .cloned()
                .ok_or_else(missing)?,
        ),
        DailyKey::Pension(seq) => DailyHeld::Pension(
            file.pensions
                .iter()
                .find(|r| r.seq == seq)
                .cloned()
                .ok_or_else(missing)?,
        ),
        DailyKey::Leave(seq) => DailyHeld::Leave {
            row: file
                .leaves
                .iter()
                .find(|r| r.seq == seq)
                .cloned()
                .ok_or_else(missing)?,
            others: file
                .leaves
                .iter()
                .filter(|r| r.seq != seq)
                .cloned()
                .collect(),
        },
    })
}

impl DailyHeld {
    /// What it is, in words, of the person named `name`.
    fn title(&self, name: &str) -> String {
        match self {
            DailyHeld::Work { row, .. } => {
                format!("{name} {} 的工作纪实（第 {} 条）", row.on, row.seq)
            }
            DailyHeld::Rota(r) => format!("{name} 自 {} 起的坐班值班安排", r.since),
            DailyHeld::Report(r) => format!("{name} 的 {} 年度述职", r.year),
            DailyHeld::Honour(h) => format!("{name} 的表彰“{}”（{}）", h.title, h.on),
            DailyHeld::Recruitment(r) => format!("{name} {}（{}）", r.kind.label(), r.on),
            DailyHeld::Pension(x) => {
                format!("{name} 的 {} 年养老补贴（{} 发放）", x.year, x.paid_on)
            }
            DailyHeld::Leave { row, .. } => format!(
                "{name} {} 至 {} 的请假（第 {} 次）",
                row.start, row.end, row.seq
            ),
        }
    }

    /// The record as it reads, label and value.
    pub(super) fn facts(&self) -> Vec<(&'static str, String)> {
        match self {
            DailyHeld::Work { row, .. } => {
                vec![("日期", row.on.to_string()), ("内容", row.text.clone())]
            }
            DailyHeld::Rota(r) => vec![
                ("起始日期", r.since.to_string()),
                ("每周坐班天数", r.office_days.to_string()),
                ("坐班时间", r.office_hours.clone()),
                ("值班安排", r.duty.clone()),
            ],
            DailyHeld::Report(r) => vec![
                ("述职年度", r.year.to_string()),
                ("述职日期", r.given_on.to_string()),
                ("评议结果", r.outcome.label().to_owned()),
                ("说明", r.note.clone()),
            ],
            DailyHeld::Honour(h) => vec![
                ("表彰日期", h.on.to_string()),
                ("表彰名称", h.title.clone()),
                ("级别", h.level.label().to_owned()),
                ("表彰机关", h.awarded_by.clone()),
            ],
            DailyHeld::Recruitment(r) => vec![
                ("录用日期", r.on.to_string()),
                ("录用方式", r.kind.label().to_owned()),
                ("录用单位和职位", r.post.clone()),
                ("说明", r.note.clone()),
            ],
            DailyHeld::Pension(x) => vec![
                ("补贴年度", x.year.to_string()),
                ("发放日期", x.paid_on.to_string()),
                ("金额（元）", yuan(x.amount_fen)),
                ("说明", x.note.clone()),
            ],
            DailyHeld::Leave { row, .. } => vec![
                ("开始日期", row.start.to_string()),
                ("结束日期", row.end.to_string()),
                ("请假事由", row.reason.clone()),
                ("申请日期", row.requested_on.to_string()),
                ("状态", row.state.label().to_owned()),
            ],
        }
    }

    /// The fields that may be corrected (the record's key stays).
    fn fields(&self) -> Vec<Field> {
        use daily::{DUTY_CHARS, HOURS_CHARS, NOTE_CHARS, REASON_CHARS, TITLE_CHARS, WORK_CHARS};
        match self {
            DailyHeld::Work { row, .. } => vec![
                day("on", "日期", row.on),
                text("text", "内容", &row.text, WORK_CHARS),
            ],
            DailyHeld::Rota(r) => vec![
                text("office_days", "每周坐班天数", &r.office_days.to_string(), 1),
                text("office_hours", "坐班时间", &r.office_hours, HOURS_CHARS),
                optional("duty", "值班安排", &r.duty, DUTY_CHARS),
            ],
            DailyHeld::Report(r) => vec![
                day("given_on", "述职日期", r.given_on),
                choice("outcome", "评议结果", ReportOutcome::ALL, r.outcome),
                optional("note", "说明", &r.note, NOTE_CHARS),
            ],
            DailyHeld::Honour(h) => vec![
                day("on", "表彰日期", h.on),
                text("title", "表彰名称", &h.title, TITLE_CHARS),
                choice("level", "级别", HonourLevel::ALL, h.level),
                optional("awarded_by", "表彰机关", &h.awarded_by, TITLE_CHARS),
            ],
            DailyHeld::Recruitment(r) => vec![
                day("on", "录用日期", r.on),
                choice("recruit", "录用方式", RecruitKind::ALL, r.kind),
                text("post", "录用单位和职位", &r.post, TITLE_CHARS),
                optional("note", "说明", &r.note, NOTE_CHARS),
            ],
            DailyHeld::Pension(x) => vec![
                text("pension_year", "补贴年度", &x.year.to_string(), 4),
                day("paid_on", "发放日期", x.paid_on),
                text("amount", "金额（元）", &yuan(x.amount_fen), 12),
                optional("note", "说明", &x.note, NOTE_CHARS),
            ],
            DailyHeld::Leave { row, .. } => vec![
                day("start", "开始日期", row.start),
                day("end", "结束日期", row.end),
                text("leave_reason", "请假事由", &row.reason, REASON_CHARS),
            ],
        }
    }

    /// Its corrections so far, oldest first.
    pub(super) async fn history(
        &self,
        store: &Store,
    ) -> Result<Vec<touyan_records::model::Correction>, OfficeError> {
        use super::kinds::history;
        match self {
            DailyHeld::Work { row, .. } => history(store, row).await,
            DailyHeld::Rota(r) => history(store, r).await,
            DailyHeld::Report(r) => history(store, r).await,
            DailyHeld::Honour(r) => history(store, r).await,
            DailyHeld::Recruitment(r) => history(store, r).await,
            DailyHeld::Pension(r) => history(store, r).await,
            DailyHeld::Leave { row, .. } => history(store, row).await,
        }
    }

    /// The record in words (what the history keeps).
    pub(super) fn words(&self) -> String {
        in_words(&self.facts())
    }

    /// The record with `values` read and checked as its form checks them.
    pub(super) fn corrected(
        &self,
        f: &super::kinds::Form<'_>,
        today: Date,
    ) -> Result<DailyHeld, OfficeError> {
        let recorded = |e: Entry, person: &CitizenId, town: TownCode| {
            daily::checked(e, person.clone(), town, today)
        };
        Ok(match self {
            DailyHeld::Work { row, reported } => {
                let on = f.day("on", "纪实日期")?;
                if let Some((y, given)) = reported.iter().find(|(y, _)| *y == on.year()) {
                    return Err(OfficeError::Conflict(report_done(*y, *given)));
                }
                let e = Entry::Work {
                    on,
                    text: f.text("text"),
                };
                match recorded(e, &row.person, row.town)? {
                    DailyAdd::Work(w) => DailyHeld::Work {
                        row: WorkRecord { seq: row.seq, ..w },
                        reported: reported.clone(),
                    },
                    _ => return Err(mismatch()),
                }
            }
            DailyHeld::Rota(r) => {
                let days = f.text("office_days");
                let e = Entry::Rota {
                    since: r.since,
                    office_days: days
                        .parse()
                        .map_err(|_| invalid(daily::office_days_wanted(&days)))?,
                    office_hours: f.text("office_hours"),
                    duty: f.text("duty"),
                };
                match recorded(e, &r.person, r.town)? {
                    DailyAdd::Rota(n) => DailyHeld::Rota(n),
                    _ => return Err(mismatch()),
                }
            }
            DailyHeld::Report(r) => {
                let e = Entry::Report {
                    year: r.year,
                    given_on: f.day("given_on", "述职日期")?,
                    outcome: f.choice("outcome", "评议结果")?,
                    note: f.text("note"),
                };
                match recorded(e, &r.person, r.town)? {
                    DailyAdd::Report(n) => DailyHeld::Report(n),
                    _ => return Err(mismatch()),
                }
            }
            DailyHeld::Honour(h) => {
                let e = Entry::Honour {
                    on: f.day("on", "表彰日期")?,
                    title: f.text("title"),
                    level: f.choice("level", "级别")?,
                    awarded_by: f.text("awarded_by"),
                };
                match recorded(e, &h.person, h.town)? {
                    DailyAdd::Honour(n) => DailyHeld::Honour(Honour { seq: h.seq, ..n }),
                    _ => return Err(mismatch()),
                }
            }
            DailyHeld::Recruitment(r) => {
                let e = Entry::Recruitment {
                    on: f.day("on", "录用日期")?,
                    kind: f.choice("recruit", "录用方式")?,
                    post: f.text("post"),
                    note: f.text("note"),
                };
                match recorded(e, &r.person, r.town)? {
                    DailyAdd::Recruitment(n) => {
                        DailyHeld::Recruitment(Recruitment { seq: r.seq, ..n })
                    }
                    _ => return Err(mismatch()),
                }
            }
            DailyHeld::Pension(x) => {
                let year = f.text("pension_year");
                let amount = f.text("amount");
                let e = Entry::Pension {
                    year: year
                        .parse()
                        .map_err(|_| invalid(daily::year_wanted(&year, "补贴年度")))?,
                    paid_on: f.day("paid_on", "发放日期")?,
                    amount: amount
                        .parse()
                        .map_err(|_| invalid(daily::amount_wanted(&amount)))?,
                    note: f.text("note"),
                };
                match recorded(e, &x.person, x.town)? {
                    DailyAdd::Pension(n) => DailyHeld::Pension(PensionSubsidy { seq: x.seq, ..n }),
                    _ => return Err(mismatch()),
                }
            }
            DailyHeld::Leave { row, others } => {
                let (start, end) = (f.day("start", "开始日期")?, f.day("end", "结束日期")?);
                let reason = daily::check_leave(start, end, f.text("leave_reason"), others)?;
                DailyHeld::Leave {
                    row: LeaveRequest {
                        start,
                        end,
                        reason,
                        ..row.clone()
                    },
                    others: others.clone(),
                }
            }
        })
    }
}

fn mismatch() -> OfficeError {
    OfficeError::Invalid("内部错误：更正的记录种类不符".into())
}

/// Writes `new` in place of `old` (or withdraws `old`) with the
/// correction saying why, in one transaction.
pub(super) async fn write(
    w: &super::kinds::Writing<'_>,
    old: &DailyHeld,
    new: Option<&DailyHeld>,
) -> Result<(), OfficeError> {
    use DailyHeld as D;
    match (old, new) {
        (D::Work { row: o, .. }, Some(D::Work { row: n, .. })) => w.put(o, Some(n)).await,
        (D::Work { row: o, .. }, None) => w.put(o, None).await,
        (D::Rota(o), Some(D::Rota(n))) => w.put(o, Some(n)).await,
        (D::Rota(o), None) => w.put(o, None).await,
        (D::Report(o), Some(D::Report(n))) => w.put(o, Some(n)).await,
        (D::Report(o), None) => w.put(o, None).await,
        (D::Honour(o), Some(D::Honour(n))) => w.put(o, Some(n)).await,
        (D::Honour(o), None) => w.put(o, None).await,
        (D::Recruitment(o), Some(D::Recruitment(n))) => w.put(o, Some(n)).await,
        (D::Recruitment(o), None) => w.put(o, None).await,
        (D::Pension(o), Some(D::Pension(n))) => w.put(o, Some(n)).await,
        (D::Pension(o), None) => w.put(o, None).await,
        (D::Leave { row: o, .. }, Some(D::Leave { row: n, .. })) => w.put(o, Some(n)).await,
        (D::Leave { row: o, .. }, None) => w.withdraw_leave(o).await,
        _ => Err(mismatch()),
    }
}
