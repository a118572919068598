//! A young cadre's exit from the programme (Article 10), recorded by the
//! town's operator on the young-cadre page: the grounds
//! ([`ExitReason::YOUNG`]: the age limit, the extension ended, left the
//! village's 两委, not competent, resigned, other with a reason), the day
//! and a note. Pay stops after the month of the exit
//! (`touyan_reports::young_on_programme`), and the cadre's place under the
//! cap is free from the day of the exit (`touyan_reports::young_places`).
//!
//! Who may record it is `touyan_workflow::art10_young::may_record_exit`;
//! the age limit and the extension's end that the two grounds claim are
//! checked with `touyan_rules::art10_young_cadres` ([`record_exit`]).
//! [`YoungTown::unpaid`] says on the page who is not paid in a month,
//! and why — among them a cadre on the town's secretary list in force
//! that month, paid the secretary's subsidy instead
//! (`touyan_reports::young_month`).

use time::Date;
use touyan_records::CitizenId;
use touyan_records::model::{Exit, ExitReason, Labelled, Programme, YoungCadre, YoungState};
use touyan_rules::Params;
use touyan_rules::Policy;
use touyan_rules::art10_young_cadres;
use touyan_rules::decision::Decision;
use touyan_storage::{Batch, Store};
use touyan_workflow::Actor;
use touyan_workflow::art10_young;

use crate::young::YoungTown;
use crate::{By, OfficeError, when};

/// The most characters of an exit's note.
pub const NOTE_CHARS: usize = 300;

/// How the day of an exit is asked for.
pub const DAY_WANTED: &str = "退出日期应为有效日期（可填 2026-11-02、2026/11/2、2026年11月2日 等），不早于进入优才计划之日，且不晚于今天";

/// An exit asked for, as the form gives it.
pub struct ExitAsk<'a> {
    /// The cadre named (`None`: not one of the town's).
    pub person: Option<CitizenId>,
    /// The grounds by code (one of [`ExitReason::YOUNG`]).
    pub reason: &'a str,
    /// The day (`None`: not a day).
    pub on: Option<Date>,
    pub note: &'a str,
}

fn invalid(m: impl Into<String>) -> OfficeError {
    OfficeError::Invalid(m.into())
}

/// Whether `actor` may record a young cadre's exit in the town (the
/// form a page shows).
pub fn may(actor: &Actor<'_>, yt: &YoungTown) -> bool {
    art10_young::may_record_exit(actor, yt.town.as_str()).is_ok()
}

/// A cadre on the programme not paid in a month, and why.
pub struct Unpaid<'a> {
    pub cadre: &'a YoungCadre,
    /// Why (Article 10): a professionalized secretary that month, an exit,
    /// the term ended (with what an extension would need or has), or over
    /// the town's cap.
    pub reason: String,
    /// In the secretary reserve pool on `today`, and why.
    pub pool: Decision<bool, String>,
}

impl YoungTown {
    /// The town's cadres filed and started by the end of `month` (its
    /// first day) who are not paid in it (`month_pay` leaves them out),
    /// each with why, under the month's `params`; `today` dates the
    /// standing (extension, reserve pool).
    pub fn unpaid(&self, params: &Params, month: Date, today: Date) -> Vec<Unpaid<'_>> {
        let on = touyan_reports::young_month(&self.young, params, month, Some(self.town));
        let paid: Vec<&CitizenId> = on.paid.iter().map(|x| &x.cadre.person).collect();
        let listed: Vec<&CitizenId> = on.listed.iter().map(|x| &x.cadre.person).collect();
        let end = month
            .replace_day(month.month().length(month.year()))
            .unwrap_or(month);
        let mut out = Vec::new();
        for id in self.people() {
            let Some(y) = self.cadre_rows(id).into_iter().next() else {
                continue;
            };
            if paid.contains(&id) || y.programme_start > end || y.filed_on.is_none_or(|d| d > end) {
                continue;
            }
            let s = self.standing(params, id, today);
            let reason = match (&s.exit, s.term.outcome) {
                _ if listed.contains(&id) => listed_reason(month),
                (Some(x), _) if x.on < month => format!(
                    "{} 退出（{}），次月起不再发放（第十条）",
                    x.on,
                    x.reason.label()
                ),
                (_, t) if t < month => {
                    let mut r = format!("{}；期满次月起停发（第十条）", s.term.reason);
                    if !s.extension.is_empty() {
                        r.push('；');
                        r.push_str(&s.extension);
                    }
                    if s.exit.is_none() {
                        let ground = match self.candidate(id) {
                            Some(c) if c.state == YoungState::Extended => {
                                ExitReason::ExtensionEnded
                            }
                            _ => ExitReason::Age,
                        };
                        r.push_str(&format!("；尚未登记退出（{}）", ground.label()));
                    }
                    r
                }
                _ => format!(
                    "超出本镇街人数上限（{}），按进入优才计划先后本月不发放（第十条）",
                    self.cap(params).reason
                ),
            };
            out.push(Unpaid {
                cadre: y,
                reason,
                pool: s.pool,
            });
        }
        out
    }

    /// The cadres whose exit may be recorded on `today`: on the programme
    /// (selected or filed), no exit on record since they joined.
    pub fn may_exit(&self) -> Vec<&CitizenId> {
        let mut out: Vec<&CitizenId> = Vec::new();
        for y in &self.young.young_cadres {
            if !out.contains(&&y.person) && self.exit(&y.person).is_none() {
                out.push(&y.person);
            }
        }
        out
    }
}

/// Why a young cadre on the town's secretary list in force in `month` (its
/// first day) is not paid as a young cadre
/// (`touyan_reports::YoungMonth::listed`).
fn listed_reason(month: Date) -> String {
    format!(
        "本月已纳入专业化管理书记名单（{} 年备案名单），第十条优才计划为其他“两委”干部：本月不发放年轻干部报酬，按第十三条发放专业化补贴",
        month.year()
    )
}

/// Records that a young cadre of `yt`'s town left the programme, by the
/// town's operator: the cadre on the programme with no exit since they
/// joined, the day not before they joined nor after `today`, the grounds
/// among [`ExitReason::YOUNG`] ("其他" needs a note; a note of at most
/// [`NOTE_CHARS`] characters). "达到年龄上限" needs the cadre past the
/// age limit on the day, "延长期满" an approved extension ended before
/// the day (Article 10). Written in one transaction; nothing on a
/// refusal.
pub async fn record_exit(
    store: &Store,
    by: By<'_>,
    yt: &YoungTown,
    policy: &Policy,
    today: Date,
    ask: &ExitAsk<'_>,
) -> Result<Exit, OfficeError> {
    art10_young::may_record_exit(&by.actor, yt.town.as_str())?;
    let person = ask
        .person
        .clone()
        .ok_or_else(|| invalid("没有找到该年轻干部"))?;
    let start = yt
        .cadre_rows(&person)
        .first()
        .map(|y| y.programme_start)
        .ok_or_else(|| invalid("该人员不在本镇街优才计划中"))?;
    if let Some(x) = yt.exit(&person) {
        return Err(OfficeError::Conflict(format!(
            "该年轻干部已于 {} 登记退出（{}），请刷新页面",
            x.on,
            x.reason.label()
        )));
    }
    let reason = ExitReason::YOUNG
        .iter()
        .copied()
        .find(|x| x.code() == ask.reason)
        .ok_or_else(|| invalid("请选择退出原因"))?;
    let on = ask
        .on
        .filter(|d| *d >= start && *d <= today)
        .ok_or_else(|| invalid(DAY_WANTED))?;
    let note = ask.note.trim();
    OfficeError::at_most(note, "情况说明", NOTE_CHARS)?;
    if reason == ExitReason::Other && note.is_empty() {
        return Err(invalid("“其他”原因须写明情况"));
    }
    let params = when::params_on(policy, on)?;
    match reason {
        ExitReason::Age => {
            let age = art10_young_cadres::age(&params, person.birth_date(), on);
            if age.outcome {
                return Err(invalid(format!(
                    "{}：{} 未超过年龄上限，不能以“达到年龄上限”退出（{}）",
                    age.reason,
                    on,
                    age.rule.citation()
                )));
            }
        }
        ExitReason::ExtensionEnded => {
            let to = yt
                .candidate(&person)
                .filter(|c| c.state == YoungState::Extended)
                .and_then(|c| c.extended_to)
                .ok_or_else(|| invalid("该年轻干部没有经批准的延长，不能以“延长期满”退出"))?;
            if on <= to {
                return Err(invalid(format!("延长至 {to}，{on} 尚未期满（第十条）")));
            }
        }
        _ => {}
    }
    let exit = Exit {
        person,
        on,
        reason,
        note: note.to_owned(),
        programme: Programme::Young,
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
