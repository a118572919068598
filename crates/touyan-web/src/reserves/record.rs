//! `POST /reserves`: a secondment, a work-log entry, an appraisal, a
//! reserve cadre (or a new person by ID number), a reserve's removal, or
//! the yearly report. This module reads each form's fields and picks the
//! people; the checks and the write (one transaction a form, nothing
//! written on a refusal) are `touyan_office::reserves`'. A refusal shows
//! the page with the reason.

use axum::extract::State;
use axum::response::Response;
use touyan_office::reserves::{self as office, Candidate, DayCap, Recording, TownYear};
use touyan_office::{By, OfficeError};
use touyan_records::model::{Labelled, PostRole, Secondment, SecondmentLevel};
use touyan_records::{CitizenId, VillageCode};
use touyan_rules::people::Education;
use touyan_workflow::Refusal;

use super::town::page;
use crate::forms;
use crate::http::{PageError, SignedForm, act};
use crate::roles::Action;
use crate::scope::by_from;
use crate::state::{AppState, User};

/// `POST /reserves`: `action` = `secondment` (`person`, `level`, `host`,
/// `start`, `end`), `worklog` (`person`, `start`, `date`, `text`),
/// `appraisal` (`person`, `start`, `text`), `reserve` (`village`, `post`,
/// `listed_on`, and `person` — a reference — or `id_number`, `name`,
/// `full_time_education`, `in_service_education` for a new person), `unreserve` (`person`,
/// `village`, `post`, `listed_on`, `date`) or `report` (`date`,
/// `summary`); with `year`, `town` and `csrf`.
pub async fn record(
    State(st): State<AppState>,
    SignedForm {
        user, origin, form, ..
    }: SignedForm<act::Reserves, Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let field = |n: &str| crate::scope::field(&form, n);
    let year = crate::scope::year_of(&st, Some(field("year"))).ok_or(PageError::NotFound)?;
    let town = crate::scope::town_in_scope(&user, field("town")).ok_or(PageError::NotFound)?;
    let desk = st.town_desk(&user, Action::Reserves, &town)?;
    let store = desk.store();
    let by = by_from(&user, &origin);
    let done = match office::town_year(store, year, town).await {
        Ok(ty) => recorded(&st, store, &user, by, &ty, &form).await,
        Err(e) => Err(e),
    };
    let r = match done {
        Ok(()) => {
            let said = match field("action") {
                "secondment" => "已登记挂职锻炼".to_owned(),
                "worklog" => "已登记挂职工作日志".to_owned(),
                "appraisal" => "已登记挂职鉴定意见".to_owned(),
                "reserve" => "已列入后备人员".to_owned(),
                "unreserve" => "已调出后备人员".to_owned(),
                "report" => format!("已登记 {year} 年度后备队伍建设情况报告"),
                _ => "已保存".to_owned(),
            };
            return Ok(crate::http::done(
                &format!("/reserves?year={year}&town={}", town.as_str()),
                &said,
            ));
        }
        Err(OfficeError::Store(e)) => return Err(e.into()),
        Err(OfficeError::NotFound) => return Err(PageError::NotFound),
        Err(OfficeError::Forbidden(m)) => Refusal::Forbidden(m),
        Err(OfficeError::Conflict(m)) => Refusal::Conflict(m),
        Err(OfficeError::Invalid(m)) => Refusal::Invalid(m),
    };
    let status = forms::status(&r);
    Ok(page(&st, &user, year, Some(town), Some(r.to_string()), status).await)
}

/// Reads the form of `action` and records it through the office: the
/// role is checked first, then the fields, then the records and the
/// measures.
async fn recorded(
    st: &AppState,
    store: &touyan_storage::Store,
    user: &User,
    by: By<'_>,
    ty: &TownYear,
    form: &[(String, String)],
) -> Result<(), OfficeError> {
    let field = |n: &str| crate::scope::field(form, n);
    let today = st.today();
    let invalid = |m: String| OfficeError::Invalid(m);
    // A person of the year's filed list by reference.
    let listed = |key: &str| {
        ty.listed()
            .into_iter()
            .find(|e| st.person_ref(&e.person) == key)
            .map(|e| e.person.clone())
            .ok_or_else(|| invalid(format!("请选择 {} 年度已备案名单中的专业化书记", ty.year)))
    };
    let start = || forms::date(field("start"), "挂职开始日期");
    match field("action") {
        "secondment" => {
            office::may(&by, ty.town, Recording::Secondment)?;
            let s = Secondment {
                person: listed(field("person"))?,
                level: forms::choice::<SecondmentLevel>(field("level"), "挂职层级")?,
                host_unit: forms::required(field("host"), "挂职单位", office::HOST_CHARS)?,
                start: start()?,
                end: forms::date(field("end"), "挂职结束日期")?,
                appraisal: None,
            };
            office::secondment(store, by, ty, s).await.map(drop)
        }
        "worklog" => {
            office::may(&by, ty.town, Recording::Secondment)?;
            let person = listed(field("person"))?;
            let start = start()?;
            let on = forms::date(field("date"), "日志日期")?;
            let text = forms::required(field("text"), "日志内容", office::LOG_CHARS)?;
            office::work_log(store, by, ty, &person, start, on, text, today)
                .await
                .map(drop)
        }
        "appraisal" => {
            office::may(&by, ty.town, Recording::Secondment)?;
            let person = listed(field("person"))?;
            let start = start()?;
            let text = forms::required(field("text"), "鉴定意见", office::APPRAISAL_CHARS)?;
            office::appraisal(store, by, ty, &person, start, text, today)
                .await
                .map(drop)
        }
        "reserve" => {
            office::may(&by, ty.town, Recording::Reserve)?;
            let village = VillageCode::parse(field("village"))
                .map_err(|_| invalid("请选择本镇街的村".into()))?;
            let post: PostRole = forms::choice(field("post"), "后备岗位")?;
            let listed_on = forms::past_date(field("listed_on"), "列入后备日期", today)?;
            let who = match (field("person"), field("id_number")) {
                ("", "") => {
                    return Err(invalid("请选择人员，或填写新人员的身份证号码".into()));
                }
                (key, "") => Candidate::OnRecord(
                    ty.records
                        .people
                        .iter()
                        .find(|x| st.person_ref(&x.id) == key)
                        .map(|x| x.id.clone())
                        .ok_or_else(|| invalid("没有找到该人员".into()))?,
                ),
                (_, text) => Candidate::New {
                    id: CitizenId::parse(text).map_err(|e| invalid(format!("新人员的{e}")))?,
                    name: field("name").to_owned(),
                    full_time_education: education(field("full_time_education"), "全日制学历")?,
                    in_service_education: in_service(field("in_service_education"))?,
                },
            };
            let reached = matches!(who, Candidate::New { .. })
                && user.role.is_town()
                && touyan_office::import::probes_left(store, &user.username, st.now()).await? == 0;
            let cap = DayCap {
                per_day: touyan_office::import::PROBES_PER_DAY,
                reached,
            };
            office::reserve(store, by, ty, village, post, listed_on, who, cap)
                .await
                .map(drop)
        }
        "unreserve" => {
            office::may(&by, ty.town, Recording::Reserve)?;
            let listed_on = forms::date(field("listed_on"), "列入后备日期")?;
            let missing = || invalid("没有找到该后备人员".into());
            let person = ty
                .records
                .reserves
                .iter()
                .find(|x| st.person_ref(&x.person) == field("person"))
                .map(|x| x.person.clone())
                .ok_or_else(missing)?;
            let village = VillageCode::parse(field("village")).map_err(|_| missing())?;
            let post = PostRole::ALL
                .iter()
                .copied()
                .find(|p| p.code() == field("post"))
                .ok_or_else(missing)?;
            let on = forms::past_date(field("date"), "调出日期", today)?;
            office::unreserve(store, by, ty, &person, village, post, listed_on, on)
                .await
                .map(drop)
        }
        "report" => {
            office::may(&by, ty.town, Recording::Report)?;
            let on = forms::past_date(field("date"), "提交日期", today)?;
            let summary = forms::required(field("summary"), "报告内容", office::REPORT_CHARS)?;
            office::report(store, by, ty, on, summary).await.map(drop)
        }
        _ => Err(invalid("未指明要登记的内容".into())),
    }
}

/// An education level of a form (`""`: none chosen).
fn education(code: &str, what: &str) -> Result<Option<Education>, Refusal> {
    match code {
        "" => Ok(None),
        code => forms::choice(code, what).map(Some),
    }
}

/// The in-service level of a form: asked like the full-time one, never
/// taken as none when nothing was chosen; 无 (`none`) is none earned in
/// service.
fn in_service(code: &str) -> Result<Option<Education>, Refusal> {
    match code {
        "" => Err(Refusal::Invalid(
            "请选择新人员的在职学历（没有在职学历的选“无”）".into(),
        )),
        "none" => Ok(None),
        code => forms::choice(code, "在职学历").map(Some),
    }
}
