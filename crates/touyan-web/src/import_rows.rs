//! Which rows of a checked workbook the importing user may write (issue
//! 15): the sheet's source and the form's role and scope
//! (`touyan_workflow::import`), the ownership rules that keep a town's
//! import inside the town, the day's cap on what registering new people
//! tells a town, and Article 8's checks. The page (`imports.rs`) reads
//! and writes; this module only refuses.

use std::collections::HashSet;

use touyan_excel::spec::Record as SheetRecord;
use touyan_excel::{Roster, RowNumbers, excerpt};
use touyan_records::model::{Secondment, TrainingLevel};
use touyan_records::{CitizenId, TownCode, VillageCode};
use touyan_storage::{ImportKeys, Store, StoreError};
use touyan_workflow::art08_09_reserves as flow8;
use touyan_workflow::import::{self as flow, Owner, Sheet};
use touyan_workflow::{Actor, Refusal};

use crate::imports::OutOfScope;
use crate::state::{AppState, User};

/// What the import may not write: the rows, and how many ID numbers a
/// town tried to register that are on record elsewhere (counted and
/// audited: the one answer that tells a town such a number exists).
pub(crate) struct Refused {
    pub(crate) rows: Vec<OutOfScope>,
    pub(crate) probed: Vec<CitizenId>,
}

/// How many numbers on record in another town an account may be told
/// about in a day, registering new people (by import or form).
pub(crate) const PROBES_PER_DAY: u64 = 10;

/// How many of [`PROBES_PER_DAY`] are left to `user` today (the
/// change log's refusals since midnight).
pub(crate) async fn probes_left(
    st: &AppState,
    store: &Store,
    user: &User,
) -> Result<u64, StoreError> {
    let since = st.now().replace_time(time::Time::MIDNIGHT);
    let used = store.refusals_since(&user.username, since).await?;
    Ok(PROBES_PER_DAY.saturating_sub(used))
}

/// Every row of `r` that `user` may not write, each with its reason:
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
///   `check_appraisal`, `check_work_log`).
// One piece: one pass over the workbook's rows in sheet order, each sheet's scope check beside the others so the refusals read as the workbook does.
pub(crate) async fn refused_rows(
    st: &AppState,
    store: &Store,
    user: &User,
    keys: &ImportKeys,
    r: &Roster,
    rows: &RowNumbers,
) -> Result<Refused, StoreError> {
    let own = user.town_scope();
    let actor = Actor {
        role: user.role,
        town: own.as_deref(),
    };
    let today = st.today();
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
        let left = probes_left(st, store, user).await?;
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
                crate::pages::masked(id)
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
                crate::pages::masked(id)
            ))
        } else if defined.contains(id) {
            Err(format!(
                "新人员 {} 须在同一工作簿的“任职”或“后备干部”表中登记在本镇街的村",
                crate::pages::masked(id)
            ))
        } else {
            Err(format!("{} 不在本镇街名册中", crate::pages::masked(id)))
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
    workflow_sheets(&mut out, rows, r, &actor);
    check(&mut out, rows, &r.people, |x| {
        by_person(Sheet::People, &x.id)
    });
    check(&mut out, rows, &r.posts, |x| {
        by_village(Sheet::Posts, &x.village, Some(&x.person))
    });
    check(&mut out, rows, &r.village_years, |x| {
        by_village(Sheet::VillageYears, &x.village, None)
    });
    check(&mut out, rows, &r.three_good, |x| {
        by_person(Sheet::ThreeGood, &x.person)
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
    check(&mut out, rows, &r.training_sessions, |x| {
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
    });
    check(&mut out, rows, &r.attendance, |x| {
        let Some((level, town)) = session_of(&x.session) else {
            return Some(format!("班次编号“{}”不存在", excerpt(&x.session)));
        };
        say(Sheet::Attendance, owner_of(level, town).as_owner())
            .or_else(|| person_town(&x.person).err())
    });
    check(&mut out, rows, &r.admonitions, |x| {
        if x.article != 6 {
            // Article 12's interviews come from the evaluation's cases.
            return Some(format!(
                "只能导入第六条（学习效果差）的约谈；第{}条的约谈由相应流程产生",
                x.article
            ));
        }
        by_person(Sheet::Admonitions, &x.person)
    });
    check(&mut out, rows, &r.exam_results, |x| {
        by_person(Sheet::ExamResults, &x.person)
    });
    check(&mut out, rows, &r.reserves, |x| {
        by_village(Sheet::Reserves, &x.village, Some(&x.person))
    });
    // Article 8, as the secondment form checks it.
    check(&mut out, rows, &r.secondments, |x| {
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
    check(&mut out, rows, &r.work_logs, |x| {
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
    out.sort_by(|a, b| (&a.sheet, a.row).cmp(&(&b.sheet, b.row)));
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
/// import may add them or bring the same again, never rewrite one.
pub(crate) fn add_only() -> Vec<&'static str> {
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
        .filter(|s| s.source() == flow::Source::Form)
        .map(|s| table(s).unwrap_or("（未知）"))
        .collect()
}

/// One line for each sheet with rows that no import may write (a
/// workflow's records), at its first row.
fn workflow_sheets(out: &mut Vec<OutOfScope>, rows: &RowNumbers, r: &Roster, actor: &Actor<'_>) {
    for (sheet, n) in flow::workflow_rows(r) {
        if let Err(x) = flow::may_import(actor, sheet, Owner::CitySession) {
            let (name, row) = rows.of(sheet.name(), 0).unwrap_or((sheet.name(), 0));
            out.push(OutOfScope {
                sheet: name.to_owned(),
                row,
                reason: format!("{x}（共 {n} 行，整表不予导入）"),
            });
        }
    }
}

fn check<T: SheetRecord>(
    out: &mut Vec<OutOfScope>,
    rows: &RowNumbers,
    list: &[T],
    why: impl Fn(&T) -> Option<String>,
) {
    let name = T::spec().name;
    for (i, x) in list.iter().enumerate() {
        if let Some(reason) = why(x) {
            let (sheet, row) = rows.of(name, i).unwrap_or((name, 0));
            out.push(OutOfScope {
                sheet: sheet.to_owned(),
                row,
                reason,
            });
        }
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
