//! Secondments and reserves (Articles 8 and 9): what a town records — a
//! secondment of a secretary on the year's filed list, its work-log
//! entries, the host unit's appraisal once it has ended, a reserve cadre
//! for a village of the town and a post (a person of the town, or a new
//! person by ID number) and their removal, and the town's yearly report
//! on training its reserves.
//!
//! Who records what is `touyan_workflow::art08_09_reserves::may_record`;
//! a secondment, a work-log entry and an appraisal are checked by its
//! `check_secondment`, `check_work_log` and `check_appraisal`. Each
//! function writes one form's records in one transaction
//! (`Store::record_form`); nothing is written on a refusal. The figures
//! (both secondment quotas, reserve coverage) are `touyan_reports`'.
//!
//! The adapter reads the form's fields (dates, choices, texts and their
//! lengths) and picks people by its own references among
//! [`TownYear::listed`] and the town's people; this module checks the
//! role first ([`may`]), then the records and the measures.

use time::Date;
use touyan_records::model::Labelled;
use touyan_records::model::{
    ListEntry, ListStatus, Person, Post, PostRole, Records, Reserve, ReserveReport, Secondment,
    WorkLog,
};
use touyan_records::{CitizenId, Mask, TownCode, VillageCode};
use touyan_rules::Params;
use touyan_rules::art09_reserves;
use touyan_rules::decision::Decision;
use touyan_rules::people::Education;
use touyan_storage::{Batch, Store};
use touyan_workflow::art08_09_reserves::{self as flow, Record};

use crate::{By, OfficeError};

/// The most characters of a new person's name.
pub const NAME_CHARS: usize = 30;
/// The most characters of a secondment's host unit.
pub const HOST_CHARS: usize = 100;
/// The most characters of a work-log entry.
pub const LOG_CHARS: usize = 500;
/// The most characters of a host unit's written appraisal.
pub const APPRAISAL_CHARS: usize = 1000;
/// The most characters of the yearly report on training reserves.
pub const REPORT_CHARS: usize = 2000;

/// What is recorded (who may is the workflow's).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recording {
    /// A secondment, a work-log entry or an appraisal (the operator).
    Secondment,
    /// A reserve listed or removed (the operator).
    Reserve,
    /// The yearly report (the reviewer).
    Report,
}

/// A secretary appointed in the year, and Article 9's decision on it.
pub struct Appointment<'a> {
    pub post: &'a Post,
    pub decision: Decision<bool, String>,
}

/// A town's records of a year for its reserves page and forms, and its
/// yearly report if submitted.
pub struct TownYear {
    pub year: i32,
    pub town: TownCode,
    pub records: Records,
    pub report: Option<ReserveReport>,
}

impl TownYear {
    /// Whether the person is a young cadre filed on the town's programme
    /// (Article 10: young cadres join the secretary reserve pool; the
    /// reserves page marks them).
    pub fn young_cadre(&self, id: &CitizenId) -> bool {
        self.records
            .young_cadres
            .iter()
            .any(|y| y.person == *id && y.filed_on.is_some())
    }

    /// The town's filed list of the year.
    pub fn listed(&self) -> Vec<&ListEntry> {
        self.records
            .list_entries
            .iter()
            .filter(|e| e.year == self.year && e.status == ListStatus::Filed)
            .collect()
    }

    /// The secretaries appointed in the year, each with whether they came
    /// from the village's secretary reserves long enough before
    /// (Article 9, `appointment_from_reserves`), in the records' order.
    pub fn appointments(&self, params: &Params) -> Vec<Appointment<'_>> {
        let r = &self.records;
        r.posts
            .iter()
            .filter(|x| x.role == PostRole::Secretary && x.start.year() == self.year)
            .map(|post| {
                let since = r
                    .reserves
                    .iter()
                    .filter(|x| {
                        x.person == post.person
                            && x.village == post.village
                            && x.post == PostRole::Secretary
                            && x.listed_on <= post.start
                    })
                    .map(|x| x.listed_on)
                    .min();
                Appointment {
                    post,
                    decision: art09_reserves::appointment_from_reserves(params, since, post.start),
                }
            })
            .collect()
    }

    /// The year's secondments of its listed people against both quotas
    /// (Article 8, people counted, not secondments), under `params` (the
    /// year's: 1 January's).
    pub fn secondments(&self, params: &Params) -> touyan_reports::Secondments {
        touyan_reports::secondments(&self.records, params, self.year, self.town)
    }

    /// Reserve coverage of the year's listed villages (Article 9) on the
    /// day the office judges it: today, or the year's last day for a past
    /// year (`when::in_year`); with that day.
    pub fn coverage(
        &self,
        params: &Params,
        today: Date,
    ) -> Result<(touyan_reports::Reserves, Date), OfficeError> {
        let on = crate::when::in_year(self.year, today);
        touyan_reports::reserves(&self.records, params, self.year, on, Some(self.town))
            .map(|x| (x, on))
            .map_err(|e| OfficeError::Invalid(e.0))
    }

    /// Whether `by` may record `what` here (the buttons a page shows).
    pub fn may(&self, by: &By<'_>, what: Recording) -> bool {
        may(by, self.town, what).is_ok()
    }
}

/// `town`'s records of `year` and its report.
pub async fn town_year(store: &Store, year: i32, town: TownCode) -> Result<TownYear, OfficeError> {
    Ok(TownYear {
        year,
        town,
        records: store.town_records(year, town).await?,
        report: store.reserve_report(town, year).await?,
    })
}

/// Whether `by` may record `what` for `town`: another town's record is
/// answered as missing, then the role is checked.
pub fn may(by: &By<'_>, town: TownCode, what: Recording) -> Result<(), OfficeError> {
    let town = town.as_str();
    let what = match what {
        Recording::Secondment => Record::Secondment { town },
        Recording::Reserve => Record::Reserve { town },
        Recording::Report => Record::Report { town },
    };
    Ok(flow::may_record(&by.actor, what)?)
}

fn invalid(m: impl Into<String>) -> OfficeError {
    OfficeError::Invalid(m.into())
}

/// A town's reserves in figures: the city's overview of the reserves
/// page, one row per town.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    pub town: TownCode,
    /// Villages of the year's filed list (Article 9's coverage rows).
    pub villages: usize,
    /// Of those, villages short of secretary reserves, and how many
    /// reserves they lack in all.
    pub short: usize,
    pub missing: u32,
    /// Other two-committee posts of those villages short of a reserve
    /// (一职一备).
    pub posts_short: usize,
    /// Why coverage is not judged (no filed list of the year), if so.
    pub unjudged: Option<String>,
    /// Active reserves of the town's villages on the day judged, any post.
    pub reserves: usize,
    /// The yearly report on training reserves is on record.
    pub reported: bool,
}

impl TownYear {
    /// The town in figures, as its page counts them: coverage on the day
    /// the office judges it ([`TownYear::coverage`]) under `params` (the
    /// year's: 1 January's), the reserves active that day, the report.
    pub fn summary(&self, params: &Params, today: Date) -> Summary {
        let on = crate::when::in_year(self.year, today);
        let mut s = Summary {
            town: self.town,
            villages: 0,
            short: 0,
            missing: 0,
            posts_short: 0,
            unjudged: None,
            reserves: self
                .records
                .reserves
                .iter()
                .filter(|x| x.listed_on <= on && x.removed_on.is_none_or(|d| d > on))
                .count(),
            reported: self.report.is_some(),
        };
        match self.coverage(params, today) {
            Ok((c, _)) => {
                s.villages = c.rows.len();
                s.short = c.rows.iter().filter(|r| r.shortfall > 0).count();
                s.missing = c.rows.iter().map(|r| r.shortfall).sum();
                s.posts_short = c.posts.iter().filter(|r| r.shortfall > 0).count();
            }
            Err(e) => s.unjudged = Some(e.to_string()),
        }
        s
    }
}

/// The city's overview of the reserves of `year`: each of `towns` (those
/// the reader sees, in their order) in figures under `params` (the
/// year's), each town's records read once ([`town_year`]), so the figures
/// are the town page's.
pub async fn city_overview(
    store: &Store,
    params: &Params,
    year: i32,
    today: Date,
    towns: &[TownCode],
) -> Result<Vec<Summary>, OfficeError> {
    let mut out = Vec::with_capacity(towns.len());
    for town in towns {
        out.push(town_year(store, year, *town).await?.summary(params, today));
    }
    Ok(out)
}

/// Writes one form's records: `new` added, `changed` updated. A record
/// already there or one the store cannot keep is the user's refusal.
async fn write(
    store: &Store,
    by: &By<'_>,
    new: &Batch,
    changed: &Batch,
) -> Result<(), OfficeError> {
    store
        .record_form(by.name, by.origin, new, changed)
        .await
        .map_err(OfficeError::refused)
}

/// The person, when on the town's filed list of the year.
fn listed_person(ty: &TownYear, person: &CitizenId) -> Result<CitizenId, OfficeError> {
    ty.listed()
        .into_iter()
        .find(|e| e.person == *person)
        .map(|e| e.person.clone())
        .ok_or_else(|| invalid(format!("请选择 {} 年度已备案名单中的专业化书记", ty.year)))
}

/// A listed secretary's secondment on record, by its start.
fn secondment_of(
    ty: &TownYear,
    person: &CitizenId,
    start: Date,
) -> Result<Secondment, OfficeError> {
    let person = listed_person(ty, person)?;
    ty.records
        .secondments
        .iter()
        .find(|s| s.person == person && s.start == start)
        .cloned()
        .ok_or_else(|| invalid("没有找到该挂职记录"))
}

/// Records `s`, a secondment of a secretary on the town's filed list,
/// starting in the year (Article 8; no appraisal yet).
pub async fn secondment(
    store: &Store,
    by: By<'_>,
    ty: &TownYear,
    s: Secondment,
) -> Result<Secondment, OfficeError> {
    may(&by, ty.town, Recording::Secondment)?;
    listed_person(ty, &s.person)?;
    OfficeError::at_most(&s.host_unit, "挂职单位", HOST_CHARS)?;
    if s.start.year() != ty.year {
        return Err(invalid(format!("挂职应在 {} 年内开始", ty.year)));
    }
    let s = Secondment {
        appraisal: None,
        ..s
    };
    // The person is on the year's filed list (checked above).
    let recorded: Vec<&Secondment> = ty.records.secondments.iter().collect();
    flow::check_secondment(&s, true, &recorded)?;
    let new = Batch {
        secondments: vec![s.clone()],
        ..Batch::default()
    };
    write(store, &by, &new, &Batch::default()).await?;
    Ok(s)
}

/// Records a work-log entry of `person`'s secondment starting on `start`,
/// written on `on` (during the secondment, not after `today`; one a day).
#[allow(clippy::too_many_arguments)]
pub async fn work_log(
    store: &Store,
    by: By<'_>,
    ty: &TownYear,
    person: &CitizenId,
    start: Date,
    on: Date,
    text: String,
    today: Date,
) -> Result<WorkLog, OfficeError> {
    may(&by, ty.town, Recording::Secondment)?;
    let s = secondment_of(ty, person, start)?;
    OfficeError::at_most(&text, "日志内容", LOG_CHARS)?;
    let w = WorkLog {
        person: s.person.clone(),
        secondment_start: s.start,
        on,
        text,
    };
    flow::check_work_log(&w, &s, today)?;
    if ty
        .records
        .work_logs
        .iter()
        .any(|x| x.person == s.person && x.secondment_start == s.start && x.on == on)
    {
        return Err(invalid(format!("{on} 的工作日志已经登记")));
    }
    let new = Batch {
        work_logs: vec![w.clone()],
        ..Batch::default()
    };
    write(store, &by, &new, &Batch::default()).await?;
    Ok(w)
}

/// Records the host unit's written appraisal of `person`'s secondment
/// starting on `start` (once, after it has ended).
pub async fn appraisal(
    store: &Store,
    by: By<'_>,
    ty: &TownYear,
    person: &CitizenId,
    start: Date,
    text: String,
    today: Date,
) -> Result<Secondment, OfficeError> {
    may(&by, ty.town, Recording::Secondment)?;
    let mut s = secondment_of(ty, person, start)?;
    if s.appraisal.is_some() {
        return Err(invalid("该挂职已有书面鉴定"));
    }
    OfficeError::at_most(&text, "鉴定意见", APPRAISAL_CHARS)?;
    s.appraisal = Some(text);
    flow::check_appraisal(&s, today)?;
    let changed = Batch {
        secondments: vec![s.clone()],
        ..Batch::default()
    };
    write(store, &by, &Batch::default(), &changed).await?;
    Ok(s)
}

/// Who a reserve is: a person of the town, or a new person by ID number
/// (their name and education asked only when they are on record nowhere).
pub enum Candidate {
    OnRecord(CitizenId),
    New {
        id: CitizenId,
        /// As typed (checked only when needed: at most [`NAME_CHARS`]
        /// characters).
        name: String,
        /// The highest level earned in full-time study (全日制); asked.
        full_time_education: Option<Education>,
        /// The highest earned in service (在职); `None`: none.
        in_service_education: Option<Education>,
    },
}

/// The day's cap on new ID numbers a town's account may have refused
/// (issue 15): past it, no number is looked up.
#[derive(Clone, Copy, Debug)]
pub struct DayCap {
    pub per_day: u64,
    pub reached: bool,
}

/// Lists a reserve for `post` of `village` (a village of the town) from
/// `listed_on`: before its holder takes the post, and not twice. A new
/// person is recorded with them; a number on record in another town is
/// refused to a town's account (and the refusal logged), as the import
/// refuses it.
#[allow(clippy::too_many_arguments)]
pub async fn reserve(
    store: &Store,
    by: By<'_>,
    ty: &TownYear,
    village: VillageCode,
    post: PostRole,
    listed_on: Date,
    who: Candidate,
    cap: DayCap,
) -> Result<Reserve, OfficeError> {
    may(&by, ty.town, Recording::Reserve)?;
    let r = &ty.records;
    let Some(village) = r.villages.iter().find(|v| v.code == village) else {
        return Err(invalid("请选择本镇街的村"));
    };
    let town_account = by.actor.role.is_town();
    let mut new = Batch::default();
    let person = match who {
        Candidate::OnRecord(id) => {
            if !r.people.iter().any(|x| x.id == id) {
                return Err(invalid("没有找到该人员"));
            }
            id
        }
        Candidate::New {
            id,
            name,
            full_time_education,
            in_service_education,
        } => {
            if r.people.iter().any(|x| x.id == id) {
                id
            } else if town_account && cap.reached {
                // Past the day's cap no number is looked up (issue 15).
                return Err(invalid(format!(
                    "本账户今日新登记人员时被拒绝的身份证号码已达 {} 个，今日不能再新登记人员；新人员请联系市级管理员",
                    cap.per_day
                )));
            } else if store.person_known(&id).await? {
                if town_account {
                    // The one answer that tells a town a number exists
                    // elsewhere: worded as the import words it, and
                    // audited (issue 15).
                    store
                        .log_refusal(
                            by.name,
                            None,
                            "people",
                            &format!(
                                "后备登记：身份证号码 {} 不能由本镇街新登记",
                                id.masked(Mask::default())
                            ),
                        )
                        .await?;
                    return Err(invalid(
                        "该身份证号码不能由本镇街新登记：请核对号码；如确属本镇街人员，请联系市级管理员办理",
                    ));
                }
                id
            } else {
                if name.is_empty() {
                    return Err(invalid("请填写新人员的姓名"));
                }
                OfficeError::at_most(&name, "新人员的姓名", NAME_CHARS)?;
                if full_time_education.is_none() {
                    return Err(invalid(
                        "请选择新人员的全日制学历（没有在职学历的，在职学历选“无”）",
                    ));
                }
                new.people.push(Person {
                    id: id.clone(),
                    name,
                    full_time_education,
                    in_service_education,
                });
                id
            }
        }
    };
    // A reserve for a post is listed before its holder takes it (an
    // earlier listing of today's holder is history, and counts for the
    // appointment).
    if let Some(held) = r.posts.iter().find(|x| {
        x.person == person
            && x.village == village.code
            && x.role == post
            && x.start <= listed_on
            && x.end.is_none_or(|d| d >= listed_on)
    }) {
        return Err(invalid(format!(
            "该人员 {} 起任{}{}，列入该职务后备的日期应早于任职日期",
            held.start,
            village.name,
            post.label()
        )));
    }
    if r.reserves.iter().any(|x| {
        x.person == person && x.village == village.code && x.post == post && x.removed_on.is_none()
    }) {
        return Err(invalid(format!(
            "该人员已是{}{}的后备",
            village.name,
            post.label()
        )));
    }
    let x = Reserve {
        person,
        village: village.code,
        post,
        listed_on,
        removed_on: None,
    };
    new.reserves.push(x.clone());
    write(store, &by, &new, &Batch::default()).await?;
    Ok(x)
}

/// Removes `person`'s active reserve for `post` of `village`, listed on
/// `listed_on`, as of `on` (not before it was listed).
#[allow(clippy::too_many_arguments)]
pub async fn unreserve(
    store: &Store,
    by: By<'_>,
    ty: &TownYear,
    person: &CitizenId,
    village: VillageCode,
    post: PostRole,
    listed_on: Date,
    on: Date,
) -> Result<Reserve, OfficeError> {
    may(&by, ty.town, Recording::Reserve)?;
    let mut x = ty
        .records
        .reserves
        .iter()
        .find(|x| {
            x.person == *person
                && x.village == village
                && x.post == post
                && x.listed_on == listed_on
                && x.removed_on.is_none()
        })
        .cloned()
        .ok_or_else(|| invalid("没有找到该后备人员"))?;
    if on < x.listed_on {
        return Err(invalid("调出日期不能早于列入后备日期"));
    }
    x.removed_on = Some(on);
    let changed = Batch {
        reserves: vec![x.clone()],
        ..Batch::default()
    };
    write(store, &by, &Batch::default(), &changed).await?;
    Ok(x)
}

/// Records the town's report of the year on training its reserves,
/// submitted on `on` (in or after the year; once a year).
pub async fn report(
    store: &Store,
    by: By<'_>,
    ty: &TownYear,
    on: Date,
    summary: String,
) -> Result<ReserveReport, OfficeError> {
    may(&by, ty.town, Recording::Report)?;
    OfficeError::at_most(&summary, "报告内容", REPORT_CHARS)?;
    let year = ty.year;
    if let Some(x) = &ty.report {
        return Err(invalid(format!(
            "{year} 年度报告已于 {} 提交",
            x.submitted_on
        )));
    }
    if on.year() < year {
        return Err(invalid(format!(
            "{year} 年度报告的提交日期不能早于 {year} 年"
        )));
    }
    let x = ReserveReport {
        town: ty.town,
        year,
        submitted_on: on,
        summary,
    };
    let new = Batch {
        reserve_reports: vec![x.clone()],
        ..Batch::default()
    };
    write(store, &by, &new, &Batch::default()).await?;
    Ok(x)
}
