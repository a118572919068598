//! `POST /qualifications`: an exam result, a certificate or a
//! degree-study application. This module reads each form's fields and
//! picks the cadre; the checks and the write (one transaction a form,
//! nothing written on a refusal) are `touyan_office::qualifications`'. A
//! refusal shows the page with the reason. Each form posts back the view
//! it was on (`view`: the filter and the pages), and the answer — the
//! page after a recording or the refusal — shows that view again.
use axum::extract::State;
use axum::response::Response;
use touyan_office::qualifications::{self as office, Recording, TownYear};
use touyan_office::{By, OfficeError};
use touyan_records::model::CourseKind;
use touyan_workflow::Refusal;

use super::town::{Shown, page};
use crate::forms;
use crate::http::{SignedForm, act};
use crate::pages::{internal, not_found_page};
use crate::roles::Action;
use crate::scope::by_from;
use crate::state::AppState;

/// `POST /qualifications`: `action` = `exam` (`person`, `course`, `date`,
/// `result` = `pass` or `fail`), `certificate` (`person`, `number`,
/// `date`) or `enrol` (`person`, `programme`, `date`); with `town`,
/// `csrf` and `view` (the filter and pages shown, as a query string).
pub async fn record(
    State(st): State<AppState>,
    SignedForm {
        user, origin, form, ..
    }: SignedForm<act::Qualifications, Vec<(String, String)>>,
) -> Response {
    let field = |n: &str| crate::scope::field(&form, n);
    let Some(town) = crate::scope::town_in_scope(&user, field("town")) else {
        return not_found_page();
    };
    let desk = match st.town_desk(&user, Action::Qualifications, &town) {
        Ok(d) => d,
        Err(e) => return axum::response::IntoResponse::into_response(e),
    };
    let store = desk.store();
    let shown = Shown::posted(field("view"));
    let by = by_from(&user, &origin);
    let today = st.today();
    let done = match office::town_year(store, today.year(), town).await {
        Ok(ty) => recorded(&st, store, by, &ty, &form).await,
        Err(e) => Err(e),
    };
    let r = match done {
        Ok(()) => {
            let said = match crate::scope::field(&form, "action") {
                "exam" => "已登记考试结果",
                "certificate" => "已登记专业化管理证书",
                "enrol" => "已登记学历提升报名",
                _ => "已保存",
            };
            let view = shown.query();
            let and = if view.is_empty() { "" } else { "&" };
            let to = format!("/qualifications?town={}{and}{view}", town.as_str());
            return crate::http::done(&to, said);
        }
        Err(OfficeError::Store(e)) => return internal(e.into()),
        Err(OfficeError::NotFound) => return not_found_page(),
        Err(OfficeError::Forbidden(m)) => Refusal::Forbidden(m),
        Err(OfficeError::Conflict(m)) => Refusal::Conflict(m),
        Err(OfficeError::Invalid(m)) => Refusal::Invalid(m),
    };
    let status = forms::status(&r);
    page(&st, &user, Some(town), &shown, Some(r.to_string()), status).await
}

/// Reads the form of `action` and records it through the office: the
/// role is checked first, then the fields, then the records and the
/// measures.
async fn recorded(
    st: &AppState,
    store: &touyan_storage::Store,
    by: By<'_>,
    ty: &TownYear,
    form: &[(String, String)],
) -> Result<(), OfficeError> {
    let field = |n: &str| crate::scope::field(form, n);
    let today = st.today();
    let cadre = |key: &str| ty.cadre(today, |id| st.person_ref(id) == key);
    match field("action") {
        "exam" => {
            office::may(&by, ty.town, Recording::Exam)?;
            let person = cadre(field("person"))?;
            let course: CourseKind = forms::choice(field("course"), "必修课程")?;
            let taken_on = forms::past_date(field("date"), "考试日期", today)?;
            let passed = match field("result") {
                "pass" => true,
                "fail" => false,
                _ => {
                    return Err(OfficeError::Invalid(
                        "请选择考试结果（合格或不合格）".into(),
                    ));
                }
            };
            office::exam(store, by, ty, &person, course, taken_on, passed, today)
                .await
                .map(drop)
        }
        "certificate" => {
            office::may(&by, ty.town, Recording::Certificate)?;
            let person = cadre(field("person"))?;
            office::certifiable(ty, &person)?;
            let number = forms::required(field("number"), "证书编号", office::NUMBER_CHARS)?;
            let issued_on = forms::past_date(field("date"), "发证日期", today)?;
            office::certificate(store, by, ty, &person, number, issued_on, today)
                .await
                .map(drop)
        }
        "enrol" => {
            office::may(&by, ty.town, Recording::Enrolment)?;
            let person = cadre(field("person"))?;
            office::may_apply(ty, &person)?;
            let programme = forms::required(field("programme"), "班次", office::PROGRAMME_CHARS)?;
            let applied_on = forms::past_date(field("date"), "报名日期", today)?;
            office::enrol(store, by, ty, &person, programme, applied_on, today)
                .await
                .map(drop)
        }
        _ => Err(OfficeError::Invalid("未指明要登记的内容".into())),
    }
}
