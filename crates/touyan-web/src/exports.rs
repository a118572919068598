//! The export page: the roster and the yearly and monthly exports as .xlsx
//! downloads, built by the same `touyan_excel` functions as `touyan export`
//! (`write_roster`, `reports::*` and `write_report`).
//!
//! Scope: a town account gets its own town only (whatever the form says);
//! the city chooses a town or all. Finance may download the payment file
//! only. ID numbers are masked unless a city administrator ticks the box,
//! and such an export is recorded in the change log (`Store::log_export`).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use time::Date;
use touyan_excel::reports::{self as layout, Report};
use touyan_excel::{Roster, write_roster};
use touyan_office::figures::{Asked, Figures, figures};
use touyan_records::model::*;
use touyan_records::{Mask, TownCode};
use touyan_reports as reports;
use touyan_storage::{Store, StoreError};

use crate::http::{PageError, SignedForm, SignedIn, act};
use crate::imports::{XLSX, attachment, in_temp_dir};
use crate::pages::{Chrome, internal, render};
use crate::roles::{Action, Role};
use crate::state::{AppState, User};

/// The exports: (form value, Chinese name, change-log name).
pub const KINDS: &[(&str, &str)] = &[
    ("roster", "名册"),
    ("filing", "专业化管理名单备案表"),
    ("training", "培训达标情况"),
    ("reserves", "后备力量储备情况"),
    ("young", "年轻干部报酬表"),
    ("evaluations", "胜任度评价结果"),
    ("payments", "补贴发放汇总表"),
];

#[derive(Template)]
#[template(path = "pages/exports.html")]
struct ExportPage {
    chrome: Chrome,
    kinds: Vec<(&'static str, &'static str)>,
    towns: Vec<(String, String)>,
    city: bool,
    full_ids_allowed: bool,
    year: i32,
    month: String,
    error: Option<String>,
}

async fn page(st: &AppState, user: &User, error: Option<String>, status: StatusCode) -> Response {
    let today = st.today();
    let towns = match st.reader(user).town_summaries(today.year()).await {
        Ok(t) => t.into_iter().map(|t| (t.code, t.name)).collect(),
        Err(e) => return internal(e.into()),
    };
    let kinds = KINDS
        .iter()
        .filter(|(k, _)| user.role != Role::Finance || *k == "payments")
        .copied()
        .collect();
    render(
        &ExportPage {
            chrome: Chrome::new("导出 Excel", Some(user), "/exports"),
            kinds,
            towns,
            city: user.town_scope().is_none(),
            full_ids_allowed: user.may(Action::ExportFullIds),
            year: today.year(),
            month: format!("{}-{:02}", today.year(), u8::from(today.month())),
            error,
        },
        status,
    )
}

pub async fn form(
    State(st): State<AppState>,
    SignedIn { user, .. }: SignedIn<act::Export>,
) -> Result<Response, PageError> {
    Ok(page(&st, &user, None, StatusCode::OK).await)
}

#[derive(Deserialize, Default)]
pub struct ExportForm {
    csrf: Option<String>,
    kind: Option<String>,
    year: Option<String>,
    half: Option<String>,
    month: Option<String>,
    town: Option<String>,
    full_ids: Option<String>,
}

/// Everything on record of the kinds an export reads.
async fn records(store: &Store) -> Result<Records, StoreError> {
    Ok(Records {
        towns: store.list::<Town>().await?,
        villages: store.list::<Village>().await?,
        people: store.list::<Person>().await?,
        posts: store.list::<Post>().await?,
        village_years: store.list::<VillageYear>().await?,
        three_good: store.list::<ThreeGood>().await?,
        training_sessions: store.list::<TrainingSession>().await?,
        attendance: store.list::<Attendance>().await?,
        ballots: store.list::<Ballots>().await?,
        admonitions: store.list::<Admonition>().await?,
        exam_results: store.list::<ExamResult>().await?,
        certificates: store.list::<Certificate>().await?,
        secondments: store.list::<Secondment>().await?,
        reserves: store.list::<Reserve>().await?,
        young_cadres: store.list::<YoungCadre>().await?,
        annual_plans: store.list::<AnnualPlan>().await?,
        list_entries: store.list::<ListEntry>().await?,
        pay_records: store.list::<PayRecord>().await?,
        exits: store.list::<Exit>().await?,
        town_years: store.list::<TownYear>().await?,
        condition_answers: store.list::<ConditionAnswer>().await?,
        young_candidates: store.list::<YoungCandidate>().await?,
        list_filings: store.list::<ListFiling>().await?,
        ..Records::default()
    })
}

/// The roster of one town: its villages' records, and the records of the
/// people placed in it (a post, reserve or young-cadre place in one of its
/// villages: the pages' scope).
// One piece: one filter per record kind, each a line; a list, not a procedure.
fn roster_of_town(r: Records, town: TownCode) -> Roster {
    use std::collections::HashSet;
    let ours = |v: &touyan_records::VillageCode| v.town() == town;
    let mut people: HashSet<touyan_records::CitizenId> = HashSet::new();
    people.extend(
        r.posts
            .iter()
            .filter(|x| ours(&x.village))
            .map(|x| x.person.clone()),
    );
    people.extend(
        r.reserves
            .iter()
            .filter(|x| ours(&x.village))
            .map(|x| x.person.clone()),
    );
    people.extend(
        r.young_cadres
            .iter()
            .filter(|x| ours(&x.village))
            .map(|x| x.person.clone()),
    );
    let attended: HashSet<&str> = r
        .attendance
        .iter()
        .filter(|a| people.contains(&a.person))
        .map(|a| a.session.as_str())
        .collect();
    let p = |id: &touyan_records::CitizenId| people.contains(id);
    Roster {
        people: r.people.iter().filter(|x| p(&x.id)).cloned().collect(),
        posts: r
            .posts
            .iter()
            .filter(|x| ours(&x.village))
            .cloned()
            .collect(),
        village_years: r
            .village_years
            .iter()
            .filter(|x| ours(&x.village))
            .cloned()
            .collect(),
        three_good: r
            .three_good
            .iter()
            .filter(|x| p(&x.person))
            .cloned()
            .collect(),
        condition_answers: r
            .condition_answers
            .iter()
            .filter(|x| p(&x.person))
            .cloned()
            .collect(),
        training_sessions: r
            .training_sessions
            .iter()
            .filter(|x| x.town == Some(town) || attended.contains(x.code.as_str()))
            .cloned()
            .collect(),
        attendance: r
            .attendance
            .iter()
            .filter(|x| p(&x.person))
            .cloned()
            .collect(),
        ballots: r.ballots.iter().filter(|x| p(&x.person)).cloned().collect(),
        admonitions: r
            .admonitions
            .iter()
            .filter(|x| p(&x.person))
            .cloned()
            .collect(),
        exam_results: r
            .exam_results
            .iter()
            .filter(|x| p(&x.person))
            .cloned()
            .collect(),
        certificates: r
            .certificates
            .iter()
            .filter(|x| p(&x.person))
            .cloned()
            .collect(),
        secondments: r
            .secondments
            .iter()
            .filter(|x| p(&x.person))
            .cloned()
            .collect(),
        reserves: r
            .reserves
            .iter()
            .filter(|x| ours(&x.village))
            .cloned()
            .collect(),
        young_cadres: r
            .young_cadres
            .iter()
            .filter(|x| ours(&x.village))
            .cloned()
            .collect(),
        annual_plans: r
            .annual_plans
            .iter()
            .filter(|x| p(&x.person))
            .cloned()
            .collect(),
        list_entries: r
            .list_entries
            .iter()
            .filter(|x| x.town == town)
            .cloned()
            .collect(),
        pay_records: r
            .pay_records
            .iter()
            .filter(|x| p(&x.person))
            .cloned()
            .collect(),
        exits: r.exits.iter().filter(|x| p(&x.person)).cloned().collect(),
        town_years: r
            .town_years
            .iter()
            .filter(|x| x.town == town)
            .cloned()
            .collect(),
        ..Roster::default()
    }
}

/// What to write.
enum Built {
    Roster(Box<Roster>),
    Report(Report),
}

fn year_of(text: Option<&str>) -> Result<i32, String> {
    let t = text.map(str::trim).unwrap_or_default();
    t.parse::<i32>()
        .ok()
        .filter(|y| (1000..=9999).contains(y))
        .ok_or_else(|| format!("年度“{t}”无效（应为四位数，如 2025）"))
}

fn month_of(text: Option<&str>) -> Result<Date, String> {
    let t = text.map(str::trim).unwrap_or_default();
    reports::parse_month(t).ok_or_else(|| format!("月份“{t}”无效（应为 YYYY-MM，如 2025-07）"))
}

/// `POST /exports`: the workbook, or the form again with the reason.
// One piece: one export: options, scope, figures, audit entry, file — each refusal returns the form early.
pub async fn download(
    State(st): State<AppState>,
    SignedForm {
        user,
        origin,
        form: f,
        ..
    }: SignedForm<act::Export, ExportForm>,
) -> Result<Response, PageError> {
    let refuse = |m: String, status: StatusCode| {
        let st = st.clone();
        let user = user.clone();
        async move { page(&st, &user, Some(m), status).await }
    };
    let kind = f.kind.as_deref().unwrap_or_default();
    let Some(&(kind, zh)) = KINDS.iter().find(|(k, _)| *k == kind) else {
        return Ok(refuse("请选择要导出的表".into(), StatusCode::UNPROCESSABLE_ENTITY).await);
    };
    if user.role == Role::Finance && kind != "payments" {
        return Ok(refuse(
            "财政账户只能导出补贴发放汇总表".into(),
            StatusCode::FORBIDDEN,
        )
        .await);
    }
    let full_ids = f.full_ids.as_deref().is_some_and(|v| !v.is_empty());
    if full_ids && !user.may(Action::ExportFullIds) {
        return Ok(refuse(
            "只有市级管理员可以导出完整身份证号码".into(),
            StatusCode::FORBIDDEN,
        )
        .await);
    }
    let desk = st.desk(&user, Action::Export)?;
    let store = desk.store();
    // A town's desk reads the town's file only (`Store::town_file`: its
    // villages' records and its people's); the city's the whole file.
    // The builders below are given the town and keep to it.
    let r = match desk.town() {
        Some(t) => store.town_file(*t).await?,
        None => records(store).await?,
    };
    // The town: a town account's own, whatever the form says.
    let town_text = match desk.town() {
        Some(t) => Some(t.as_str().to_owned()),
        None => f.town.clone().filter(|t| !t.trim().is_empty()),
    };
    let town = match &town_text {
        None => None,
        Some(t) => match reports::find_town(&r, t) {
            Ok(c) => Some(c),
            Err(m) => return Ok(refuse(m, StatusCode::UNPROCESSABLE_ENTITY).await),
        },
    };
    let mask = (!full_ids).then(Mask::default);
    let today = st.today();
    let built: Result<Result<Built, Box<Figures>>, String> = (|| {
        let asked = match kind {
            "roster" => {
                return Ok(Ok(Built::Roster(Box::new(match town {
                    Some(t) => roster_of_town(r, t),
                    None => r,
                }))));
            }
            "filing" => Asked::Filing {
                year: year_of(f.year.as_deref())?,
            },
            "training" => Asked::Training {
                year: year_of(f.year.as_deref())?,
            },
            "reserves" => Asked::Reserves {
                year: year_of(f.year.as_deref())?,
            },
            "young" => Asked::Young {
                month: month_of(f.month.as_deref())?,
                reference_salary: None,
                factor: None,
            },
            "evaluations" => Asked::Evaluations {
                year: year_of(f.year.as_deref())?,
                half: match f.half.as_deref().map(str::trim) {
                    Some("1") => 1,
                    Some("2") => 2,
                    _ => return Err("请选择上半年或下半年".into()),
                },
            },
            _ => Asked::Payments {
                month: month_of(f.month.as_deref())?,
            },
        };
        let x = figures(&r, st.policy(), &asked, town, today).map_err(|e| e.to_string())?;
        // Laid out once what needs the store is added (below).
        Ok(Err(Box::new(x)))
    })();
    let built: Result<Built, String> = match built {
        Ok(Ok(b)) => Ok(b),
        // The 备案表 lists who each town's list leaves out, as printed.
        Ok(Err(x)) => Ok(Built::Report(match *x {
            Figures::Filing(mut x) => {
                touyan_office::dropped::for_filing(store, st.policy(), &mut x, today).await?;
                layout::filing_report(&x, today, mask)
            }
            Figures::Training(x) => layout::training_report(&x, today, mask),
            Figures::Reserves { figures: x, .. } => layout::reserves_report(&x, today),
            Figures::Young(x) => layout::young_report(&x, today, mask),
            Figures::Evaluations(x) => layout::evaluations_report(&x, today, mask),
            Figures::Payments(x) => layout::payments_report(&x, today, mask),
        })),
        Err(m) => Err(m),
    };
    let built = match built {
        Ok(b) => b,
        Err(m) => {
            return Ok(refuse(format!("{m}（未导出）"), StatusCode::UNPROCESSABLE_ENTITY).await);
        }
    };
    let scope = town_text.as_deref().unwrap_or("全市").to_owned();
    let file_name = format!("{zh}-{scope}.xlsx");
    let made = in_temp_dir(move |dir| {
        let path = dir.join("export.xlsx");
        match &built {
            Built::Roster(roster) => write_roster(&path, roster, mask),
            Built::Report(report) => layout::write_report(&path, report),
        }
        .map_err(|e| e.to_string())?;
        std::fs::read(&path).map_err(|e| format!("无法读取导出的文件：{e}"))
    })
    .await;
    let bytes = made?;
    // Every export is audited: a full one as an export, a masked one as
    // a read (who took which file of which scope).
    let logged = if full_ids {
        store
            .log_export_from(
                &user.username,
                Some(&origin),
                kind,
                &format!("网页导出 {file_name}（{zh}，完整身份证号码）"),
            )
            .await
    } else {
        store
            .log_read(
                &user.username,
                Some(&origin),
                kind,
                &format!("网页导出 {file_name}（{zh}，身份证号码已脱敏）"),
            )
            .await
    };
    // Not logged, not handed out.
    logged?;
    Ok(attachment(bytes, &file_name, XLSX))
}

impl crate::http::HasCsrf for ExportForm {
    fn csrf(&self) -> Option<&str> {
        self.csrf.as_deref()
    }
}
