//! A workbook's rows written the way the forms write them (issue 15;
//! issue 16, item 1): which rows the importing account may not write —
//! the sheet's source and the form's role and scope
//! (`touyan_workflow::import`), the ownership rules that keep a town's
//! import inside the town, the day's cap on what registering new people
//! tells a town, Article 8's checks of the secondment form — and, when
//! none is refused, the write of every row in one transaction (a form's
//! records only added, never rewritten). The adapter reads the workbook
//! and says which row of which sheet each refusal is about.

use std::collections::HashSet;

use time::{Date, PrimitiveDateTime};
use touyan_records::citizen_id::Mask;
use touyan_records::model::{Records, Secondment, TrainingLevel};
use touyan_records::text::excerpt;
use touyan_records::{CitizenId, TownCode, VillageCode};
use touyan_storage::{Applied, ImportKeys, Store, StoreError};
use touyan_workflow::art08_09_reserves as flow8;
use touyan_workflow::import::{self as flow, Owner, Sheet};
use touyan_workflow::{Actor, Refusal};

use crate::{By, OfficeError};

/// How many numbers on record in another town an account may be told
/// about in a day, registering new people (by import or form).
pub const PROBES_PER_DAY: u64 = 10;

/// One row the import may not write, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowRefused {
    pub sheet: Sheet,
    /// The row's place among its sheet's records (0 for a line about the
    /// whole sheet).
    pub index: usize,
    pub reason: String,
}

/// What the import may not write: the rows, and the ID numbers a town
/// tried to register that are on record elsewhere (each audited: the one
/// answer that tells a town such a number exists).
#[derive(Debug, Default)]
pub struct Refused {
    pub rows: Vec<RowRefused>,
    pub probed: Vec<CitizenId>,
}

/// How an import came out.
#[derive(Debug)]
pub enum Imported {
    /// Nothing written: these rows may not be.
    Refused(Vec<RowRefused>),
    /// Every row written, by table.
    Applied(Vec<Applied>),
}

fn masked(id: &CitizenId) -> String {
    id.masked(Mask::default())
}

/// How many of [`PROBES_PER_DAY`] are left to the account `name` today
/// (the change log's refusals since midnight of `now`).
pub async fn probes_left(
    store: &Store,
    name: &str,
    now: PrimitiveDateTime,
) -> Result<u64, StoreError> {
    let since = now.replace_time(time::Time::MIDNIGHT);
    let used = store.refusals_since(name, since).await?;
    Ok(PROBES_PER_DAY.saturating_sub(used))
}

/// What a workbook of `by`'s may refer to without defining it, read within
/// `by`'s scope only (a town's own people, so another town's ID number
/// reads as one that exists nowhere): the keys both the workbook's check
/// and [`import`] go by.
pub async fn keys(store: &Store, by: &By<'_>) -> Result<ImportKeys, OfficeError> {
    let scope = match own_town(&by.actor) {
        Some(t) => touyan_storage::Scope::Town(t),
        None => touyan_storage::Scope::City,
    };
    Ok(store.scoped(&scope).import_keys().await?)
}

/// The town a town role is limited to (`Some("")` for a town role
/// without a town: it owns nothing); `None` for the city.
fn own_town(actor: &Actor<'_>) -> Option<String> {
    actor
        .role
        .is_town()
        .then(|| actor.town.unwrap_or_default().to_owned())
}

/// Every row of `r` that `by` may not write, each with its reason:
///
/// - its sheet's source and the role and scope of the form that records
///   it (`touyan_workflow::import`): a workflow's records never, another
///   town's village, session or list never;
/// - for a town, a row about a person who is not the town's: a person is
///   the town's when on record in it (the one definition, a post, reserve
///   or young-cadre place in one of its villages) or new — in the
///   workbook's 人员 sheet, placed by the workbook in one of the town's
///   villages, and on record nowhere. Nothing moves between towns by
///   import;
/// - a training session code on record for another organiser (codes
///   carry no town; an upsert must not move one);
/// - Article 8's checks of the secondment form (`check_secondment`,
///   `check_appraisal`, `check_work_log`);
/// - an answer to a condition the policy does not add (`policy`'s
///   `[[conditions]]`), as the person's form refuses it;
/// - a part of the pay the person's form would refuse (a negative
///   amount, a channel missing or too long).
///
/// `keys` are what the account's scope has on record ([`keys`]); `now` counts the
/// day's probes, `today` dates Article 8's checks. In the sheets' name order, then
/// row order.
// One piece: one pass over the workbook's rows in sheet order, each sheet's scope check beside the others so the refusals read as the workbook does.
#[allow(clippy::too_many_arguments)]
pub async fn refused_rows(
    store: &Store,
    by: &By<'_>,
    policy: &touyan_rules::Policy,
    keys: &ImportKeys,
    r: &Records,
    today: Date,
    now: PrimitiveDateTime,
) -> Result<Refused, OfficeError> {
    let actor = by.actor;
    let own = own_town(&actor);
    // People a town registers with this workbook.
    let placed: HashSet<&CitizenId> = r
        .posts
        .iter()
        .map(|x| (&x.person, &x.village))
        .chain(r.reserves.iter().map(|x| (&x.person, &x.village)))
        .filter(|(_, v)| own.as_deref() == Some(v.town().as_str()))
        .map(|(p, _)| p)
        .collect();
    // Whether a number a town registers is on record elsewhere is the one
    // thing a town can learn about numbers outside it. It learns it for at
    // most `PROBES_PER_DAY` numbers a day: past that, no number is looked
    // up and every registration gets one answer.
    let mut elsewhere: HashSet<CitizenId> = HashSet::new();
    let mut capped = false;
    if own.is_some() {
        let candidates: Vec<&CitizenId> = r
            .people
            .iter()
            .map(|p| &p.id)
            .filter(|id| !keys.people.contains(*id) && placed.contains(id))
            .collect();
        let left = probes_left(store, by.name, now).await?;
        if !candidates.is_empty() && left == 0 {
            capped = true;
        } else if !candidates.is_empty() {
            elsewhere = store.people_on_record(&candidates).await?;
            capped = elsewhere.len() as u64 > left;
        }
    }
    let new_people: HashSet<&CitizenId> = r
        .people
        .iter()
        .map(|p| &p.id)
        .filter(|id| {
            !capped && !keys.people.contains(*id) && placed.contains(id) && !elsewhere.contains(*id)
        })
        .collect();
    let defined: HashSet<&CitizenId> = r.people.iter().map(|p| &p.id).collect();
    // The town a person-keyed row is written for, or why not.
    let person_town = |id: &CitizenId| -> Result<String, String> {
        let Some(t) = &own else {
            return Ok(String::new());
        };
        if keys.shared.contains(id) {
            Err(format!(
                "{} 目前在其他镇街也有任职、后备或年轻干部身份，其记录由市级管理员办理",
                masked(id)
            ))
        } else if keys.people.contains(id) || new_people.contains(id) {
            Ok(t.clone())
        } else if capped && defined.contains(id) && placed.contains(id) {
            Err(format!(
                "本账户今日新登记人员时被拒绝的身份证号码已达 {PROBES_PER_DAY} 个，今日不能再新登记人员；新人员请联系市级管理员"
            ))
        } else if elsewhere.contains(id) {
            Err(format!(
                "身份证号码 {} 不能由本镇街新登记：请核对号码；如确属本镇街人员，请联系市级管理员办理",
                masked(id)
            ))
        } else if defined.contains(id) {
            Err(format!(
                "新人员 {} 须在同一工作簿的“任职”或“后备干部”表中登记在本镇街的村",
                masked(id)
            ))
        } else {
            Err(format!("{} 不在本镇街名册中", masked(id)))
        }
    };
    let say = |sheet: Sheet, owner: Owner<'_>| -> Option<String> {
        match flow::may_import(&actor, sheet, owner) {
            Ok(()) => None,
            Err(Refusal::NotFound) => Some(match owner {
                Owner::Town(t) => format!("镇街代码 {t} 不是本镇街"),
                Owner::CitySession => "市级培训班次只能由市级管理员导入".to_owned(),
            }),
            Err(x) => Some(x.to_string()),
        }
    };
    let by_person = |sheet: Sheet, id: &CitizenId| match person_town(id) {
        Ok(t) => say(sheet, Owner::Town(&t)),
        Err(m) => Some(m),
    };
    let by_village = |sheet: Sheet, v: &VillageCode, person: Option<&CitizenId>| {
        if let Some(m) = say(sheet, Owner::Town(v.town().as_str())) {
            return Some(if m.starts_with("镇街代码") {
                format!("村代码 {v} 不属于本镇街")
            } else {
                m
            });
        }
        person.and_then(|p| person_town(p).err())
    };
    let mut out = Vec::new();
    // Workflow sheets: one line each, wherever their rows are.
    workflow_sheets(&mut out, r, &actor);
    check(&mut out, Sheet::People, &r.people, |x| {
        by_person(Sheet::People, &x.id)
    });
    check(&mut out, Sheet::Posts, &r.posts, |x| {
        by_village(Sheet::Posts, &x.village, Some(&x.person))
    });
    check(&mut out, Sheet::VillageYears, &r.village_years, |x| {
        by_village(Sheet::VillageYears, &x.village, None)
    });
    check(&mut out, Sheet::ThreeGood, &r.three_good, |x| {
        by_person(Sheet::ThreeGood, &x.person)
    });
    // The person's form's checks: the town's person, a condition the
    // policy adds.
    check(
        &mut out,
        Sheet::ConditionAnswers,
        &r.condition_answers,
        |x| {
            by_person(Sheet::ConditionAnswers, &x.person).or_else(|| {
                crate::conditions::condition(policy, &x.condition)
                    .err()
                    .map(|e| e.to_string())
            })
        },
    );
    // The person's form's checks: the town's person, a month, an amount
    // not below zero, a channel given and short (Article 13's parts).
    check(&mut out, Sheet::PayParts, &r.pay_parts, |x| {
        by_person(Sheet::PayParts, &x.person).or_else(|| {
            crate::pay_parts::check_record(x)
                .err()
                .map(|e| e.to_string())
        })
    });
    // A session's owner is its level's: a city session is the city's
    // whatever town it names, a town session its town's.
    let owner_of = |level: TrainingLevel, town: Option<TownCode>| match level {
        TrainingLevel::City => OwnedOwner::City,
        TrainingLevel::Town => {
            OwnedOwner::Town(town.map(|t| t.as_str().to_owned()).unwrap_or_default())
        }
    };
    let session_of = |code: &str| -> Option<(TrainingLevel, Option<TownCode>)> {
        r.training_sessions
            .iter()
            .find(|s| s.code == code)
            .map(|s| (s.level, s.town))
            .or_else(|| keys.sessions.get(code).copied())
    };
    check(
        &mut out,
        Sheet::TrainingSessions,
        &r.training_sessions,
        |x| {
            if x.level == TrainingLevel::City && x.town.is_some() {
                return Some("市级培训班次不填镇街代码".to_owned());
            }
            if let Some(stored) = keys.sessions.get(&x.code)
                && *stored != (x.level, x.town)
            {
                return Some(format!(
                    "培训编号“{}”已被其他培训班次使用，请换一个编号",
                    excerpt(&x.code)
                ));
            }
            say(
                Sheet::TrainingSessions,
                owner_of(x.level, x.town).as_owner(),
            )
        },
    );
    check(&mut out, Sheet::Attendance, &r.attendance, |x| {
        let Some((level, town)) = session_of(&x.session) else {
            return Some(format!("班次编号“{}”不存在", excerpt(&x.session)));
        };
        say(Sheet::Attendance, owner_of(level, town).as_owner())
            .or_else(|| person_town(&x.person).err())
    });
    check(&mut out, Sheet::Admonitions, &r.admonitions, |x| {
        if x.article != 6 {
            // Article 12's interviews come from the evaluation's cases.
            return Some(format!(
                "只能导入第六条（学习效果差）的约谈；第{}条的约谈由相应流程产生",
                x.article
            ));
        }
        by_person(Sheet::Admonitions, &x.person)
    });
    check(&mut out, Sheet::ExamResults, &r.exam_results, |x| {
        by_person(Sheet::ExamResults, &x.person)
    });
    check(&mut out, Sheet::Reserves, &r.reserves, |x| {
        by_village(Sheet::Reserves, &x.village, Some(&x.person))
    });
    // Article 8, as the secondment form checks it.
    check(&mut out, Sheet::Secondments, &r.secondments, |x| {
        let t = match person_town(&x.person) {
            Ok(t) => t,
            Err(m) => return Some(m),
        };
        if let Some(m) = say(Sheet::Secondments, Owner::Town(&t)) {
            return Some(m);
        }
        let listed = keys
            .listed
            .contains(&(x.start.year(), t.clone(), x.person.clone()));
        let recorded: Vec<&Secondment> = keys
            .secondments
            .values()
            .chain(r.secondments.iter())
            .filter(|s| s.person == x.person)
            .collect();
        flow8::check_secondment(x, listed, &recorded)
            .and_then(|()| flow8::check_appraisal(x, today))
            .err()
            .map(|e| e.to_string())
    });
    check(&mut out, Sheet::WorkLogs, &r.work_logs, |x| {
        if let Some(m) = by_person(Sheet::WorkLogs, &x.person) {
            return Some(m);
        }
        let of = r
            .secondments
            .iter()
            .find(|s| s.person == x.person && s.start == x.secondment_start)
            .or_else(|| {
                keys.secondments
                    .get(&(x.person.clone(), x.secondment_start))
            })?;
        flow8::check_work_log(x, of, today)
            .err()
            .map(|e| e.to_string())
    });
    out.sort_by(|a, b| (a.sheet.name(), a.index).cmp(&(b.sheet.name(), b.index)));
    Ok(Refused {
        rows: out,
        probed: elsewhere.into_iter().collect(),
    })
}

/// The owner of a session row, kept past the borrow of its town.
enum OwnedOwner {
    Town(String),
    City,
}

impl OwnedOwner {
    fn as_owner(&self) -> Owner<'_> {
        match self {
            OwnedOwner::Town(t) => Owner::Town(t),
            OwnedOwner::City => Owner::CitySession,
        }
    }
}

/// The tables of the sheets a form records (`Source::Form`): a form only
/// ever adds such a record (a correction is a move of its own), so an
/// import may add them or bring the same again, never rewrite one. The
/// exceptions are an answer to a condition the policy adds and a part of
/// a month's pay: the person's form replaces them, and so does a row.
pub fn add_only() -> Vec<&'static str> {
    use touyan_records::model::{
        Admonition, Attendance, ExamResult, Reserve, TrainingSession, WorkLog,
    };
    use touyan_storage::Record;
    let table = |s: Sheet| match s {
        Sheet::TrainingSessions => Some(TrainingSession::TABLE),
        Sheet::Attendance => Some(Attendance::TABLE),
        Sheet::Admonitions => Some(Admonition::TABLE),
        Sheet::ExamResults => Some(ExamResult::TABLE),
        Sheet::Secondments => Some(Secondment::TABLE),
        Sheet::WorkLogs => Some(WorkLog::TABLE),
        Sheet::Reserves => Some(Reserve::TABLE),
        _ => None,
    };
    Sheet::ALL
        .into_iter()
        .filter(|s| {
            s.source() == flow::Source::Form
                && !matches!(s, Sheet::ConditionAnswers | Sheet::PayParts)
        })
        .map(|s| table(s).unwrap_or("（未知）"))
        .collect()
}

/// One line for each sheet with rows that no import may write (a
/// workflow's records), at its first row.
fn workflow_sheets(out: &mut Vec<RowRefused>, r: &Records, actor: &Actor<'_>) {
    for (sheet, n) in flow::workflow_rows(r) {
        if let Err(x) = flow::may_import(actor, sheet, Owner::CitySession) {
            out.push(RowRefused {
                sheet,
                index: 0,
                reason: format!("{x}（共 {n} 行，整表不予导入）"),
            });
        }
    }
}

fn check<T>(
    out: &mut Vec<RowRefused>,
    sheet: Sheet,
    list: &[T],
    why: impl Fn(&T) -> Option<String>,
) {
    for (index, x) in list.iter().enumerate() {
        if let Some(reason) = why(x) {
            out.push(RowRefused {
                sheet,
                index,
                reason,
            });
        }
    }
}

/// Imports `r` for `by`: refused whole when any row may not be written
/// (the numbers probed are audited all the same, each on its own,
/// masked: the log says which, and the day's count is the cap), else
/// every row written in one transaction, a form's records only added.
#[allow(clippy::too_many_arguments)]
pub async fn import(
    store: &Store,
    by: &By<'_>,
    policy: &touyan_rules::Policy,
    keys: &ImportKeys,
    r: &Records,
    today: Date,
    now: PrimitiveDateTime,
) -> Result<Imported, OfficeError> {
    let refused = refused_rows(store, by, policy, keys, r, today, now).await?;
    for id in &refused.probed {
        store
            .log_refusal(
                by.name,
                by.origin,
                "people",
                &format!(
                    "导入工作簿新登记：身份证号码 {} 不能由本镇街新登记",
                    masked(id)
                ),
            )
            .await?;
    }
    if !refused.rows.is_empty() {
        return Ok(Imported::Refused(refused.rows));
    }
    let r = settle_exit_programmes(store, r).await?;
    store
        .apply_import(by.name, by.origin, &r, &add_only())
        .await
        .map(Imported::Applied)
        .map_err(OfficeError::refused)
}

/// How the database holder's import came out (`touyan import`).
#[derive(Debug)]
pub enum Loaded {
    /// Nothing written: the workbook has rows of sheets only a workflow
    /// makes, and this is no migration of past years' records (the
    /// sheets, each with its rows).
    WorkflowSheets(Vec<(Sheet, usize)>),
    /// Every row written, by table.
    Applied(Vec<Applied>),
}

/// Loads `r` for the database holder (the command line, acting as the
/// city's administrator): every row written in one transaction, a form's
/// records too (a migration corrects what the forms recorded) — except
/// the sheets only a workflow makes (lists, pay, ballots, certificates,
/// exits, yearly settings…), refused unless `history` says past years'
/// records are being migrated. An exit whose 退出的计划 the workbook left
/// blank on a ground of both programmes is decided from the records
/// ([`settle_exit_programmes`]), or the whole load refused.
pub async fn load(
    store: &Store,
    by: &By<'_>,
    r: &Records,
    history: bool,
) -> Result<Loaded, OfficeError> {
    if by.actor.role != touyan_workflow::Role::CityAdmin {
        return Err(OfficeError::Forbidden(
            "整本导入（含迁移历史数据）只能由市级管理员办理".into(),
        ));
    }
    if !history {
        let sheets = flow::workflow_rows(r);
        if !sheets.is_empty() {
            return Ok(Loaded::WorkflowSheets(sheets));
        }
    }
    let r = settle_exit_programmes(store, r).await?;
    store
        .apply_from(by.name, by.origin, &r)
        .await
        .map(Loaded::Applied)
        .map_err(OfficeError::refused)
}

/// `r` with the programme of each exit its workbook left unsaid
/// (`Records::exit_programmes_unsaid`: 退出的计划 blank on 达到年龄上限 or
/// 其他, grounds of both programmes) decided as migration
/// `m0024_exit_programme` decides a stored one: by what the person was on
/// at the exit's day, in the records on file and in the workbook
/// ([`programme_on`]). Refused, naming every such row, when that is both
/// programmes or neither: the workbook must say.
async fn settle_exit_programmes<'a>(
    store: &Store,
    r: &'a Records,
) -> Result<std::borrow::Cow<'a, Records>, OfficeError> {
    use std::borrow::Cow;
    use touyan_records::model::Labelled;
    if r.exit_programmes_unsaid.is_empty() {
        return Ok(Cow::Borrowed(r));
    }
    let mut ids: Vec<&CitizenId> = r.exit_programmes_unsaid.iter().map(|(p, _)| p).collect();
    ids.sort();
    ids.dedup();
    let on_file = store.programmes_of(&ids).await?;
    let mut settled = r.clone();
    let mut unclear = Vec::new();
    for x in settled.exits.iter_mut() {
        if !r.exit_programmes_unsaid.contains(&(x.person.clone(), x.on)) {
            continue;
        }
        match programme_on([&on_file, r], &x.person, x.on) {
            Ok(p) => x.programme = p,
            Err(why) => unclear.push(format!(
                "{} {} 的退出原因“{}”两项计划都适用，而此人当日{why}，无法推定退出的是哪一项",
                masked(&x.person),
                x.on,
                x.reason.label()
            )),
        }
    }
    if !unclear.is_empty() {
        return Err(OfficeError::Invalid(format!(
            "“退出”表中 {} 行须填写“退出的计划”（专业化管理或优才计划）：{}",
            unclear.len(),
            unclear.join("；")
        )));
    }
    settled.exit_programmes_unsaid.clear();
    Ok(Cow::Owned(settled))
}

/// The programme `person` was on at `on`, by the records of `books`: on a
/// list by then (a filed version filed on or before the day, or a filed
/// list entry of its year or before) is the secretaries'; on the young
/// cadres' programme by then (a young-cadre row started on or before the
/// day) and on no list is the young cadres'. Otherwise why neither can be
/// told (a Chinese clause: "既在…又在…" or "既不在…也不在…").
fn programme_on(
    books: [&Records; 2],
    person: &CitizenId,
    on: Date,
) -> Result<touyan_records::model::Programme, &'static str> {
    use touyan_records::model::{ListStatus, Programme};
    let listed = books.iter().any(|b| {
        b.list_filings
            .iter()
            .any(|f| f.person == *person && f.filed_on <= on)
            || b.list_entries.iter().any(|e| {
                e.person == *person && e.status == ListStatus::Filed && e.year <= on.year()
            })
    });
    let young = books.iter().any(|b| {
        b.young_cadres
            .iter()
            .any(|y| y.person == *person && y.programme_start <= on)
    });
    match (listed, young) {
        (true, false) => Ok(Programme::Secretary),
        (false, true) => Ok(Programme::Young),
        (true, true) => Err("既在已备案的专业化管理名单上，又在年轻干部优才计划中"),
        (false, false) => Err("既不在已备案的专业化管理名单上，也不在年轻干部优才计划中"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every sheet a form records has its table among the add-only ones.
    #[test]
    fn every_form_sheet_is_add_only() {
        let tables = add_only();
        assert_eq!(tables.len(), 7, "{tables:?}");
        assert!(!tables.contains(&"（未知）"), "{tables:?}");
    }
}
