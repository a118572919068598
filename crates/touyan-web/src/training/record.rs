//! `POST /training`: a new session, a session's attendance, an
//! admonition or make-up study. This module reads each form's fields and
//! picks the people; the checks and the write (one transaction a form,
//! nothing written on a refusal) are `touyan_office::training`'s. A
//! refusal shows the page with the reason.
use axum::extract::State;
use axum::response::Response;
use rust_decimal::Decimal;
use touyan_office::training::{self as office, Attended, NewSession, TownYear};
use touyan_office::{By, OfficeError};
use touyan_records::TownCode;
use touyan_records::model::{Labelled, SessionForm};
use touyan_workflow::Refusal;

use super::town::page;
use crate::forms;
use crate::http::done;
use crate::http::{SignedForm, act};
use crate::pages::{internal, not_found_page};
use crate::roles::Action;
use crate::scope::{actor, by_from};
use crate::state::AppState;

/// `POST /training`: `action` = `session` (a new session: `code`,
/// `title`, `form`, `start`, `end`, `days`), `attendance` (`session`, and
/// per listed person `attend_<ref>`, `reflection_<ref>`, `poor_<ref>`),
/// `admonition` (`person`, `date`, `note`) or `makeup` (`person`, `date`);
/// with `year`, `town` and `csrf`.
pub async fn record(
    State(st): State<AppState>,
    SignedForm {
        user, origin, form, ..
    }: SignedForm<act::Training, Vec<(String, String)>>,
) -> Response {
    let field = |n: &str| crate::scope::field(&form, n);
    let Some(year) = crate::scope::year_of(&st, Some(field("year"))) else {
        return not_found_page();
    };
    let Ok(town) = TownCode::parse(field("town")) else {
        return not_found_page();
    };
    if !actor(&user).sees(town.as_str()) {
        return not_found_page();
    }
    let desk = match st.town_desk(&user, Action::Training, &town) {
        Ok(d) => d,
        Err(e) => return axum::response::IntoResponse::into_response(e),
    };
    let store = desk.store();
    let by = by_from(&user, &origin);
    let outcome = match office::town_year(store, year, town).await {
        Ok(ty) => recorded(&st, store, by, &ty, &form).await,
        Err(e) => Err(e),
    };
    let r = match outcome {
        Ok(what) => {
            return done(
                &format!("/training?year={year}&town={}", town.as_str()),
                &what,
            );
        }
        Err(OfficeError::Store(e)) => return internal(e.into()),
        Err(OfficeError::NotFound) => return not_found_page(),
        Err(OfficeError::Forbidden(m)) => Refusal::Forbidden(m),
        Err(OfficeError::Conflict(m)) => Refusal::Conflict(m),
        Err(OfficeError::Invalid(m)) => Refusal::Invalid(m),
    };
    let status = forms::status(&r);
    page(&st, &user, year, Some(town), Some(r.to_string()), status).await
}

/// Reads the form of `action` and records it through the office: the
/// role is checked first, then the fields, then the records and the
/// measures. Says what was recorded.
async fn recorded(
    st: &AppState,
    store: &touyan_storage::Store,
    by: By<'_>,
    ty: &TownYear,
    form: &[(String, String)],
) -> Result<String, OfficeError> {
    let field = |n: &str| crate::scope::field(form, n);
    let invalid = |m: String| OfficeError::Invalid(m);
    let today = st.today();
    match field("action") {
        "session" => {
            office::may_session(&by, ty.town)?;
            let code = field("code");
            let title = field("title");
            office::check_code_and_title(code, title)?;
            let form = SessionForm::ALL
                .iter()
                .copied()
                .find(|f| f.code() == field("form"))
                .ok_or_else(|| invalid("请选择培训形式".into()))?;
            let start = forms::date(field("start"), "开始日期")?;
            let end = forms::date(field("end"), "结束日期")?;
            let days: Decimal = field("days")
                .parse()
                .map_err(|_| invalid(format!("天数“{}”不是数字", field("days"))))?;
            let s = NewSession {
                code: code.to_owned(),
                title: title.to_owned(),
                form,
                start,
                end,
                days,
            };
            let said = format!("已登记培训“{title}”（{code}）");
            office::session(store, by, ty, s).await.map(|_| said)
        }
        "attendance" => {
            let code = field("session");
            ty.attendable(&by, code)?;
            let mut rows = Vec::new();
            for person in ty.listed() {
                let key = st.person_ref(person);
                if field(&format!("attend_{key}")).is_empty() {
                    continue;
                }
                let reflection = match field(&format!("reflection_{key}")) {
                    "" => None,
                    d => Some(forms::date(d, "学习体会提交日期")?),
                };
                rows.push(Attended {
                    person: person.clone(),
                    reflection_filed_on: reflection,
                    poor_result: !field(&format!("poor_{key}")).is_empty(),
                });
            }
            let n = rows.len();
            office::attendance(store, by, ty, code, rows)
                .await
                .map(|_| format!("已保存培训 {code} 的参训情况（{n} 人参加）"))
        }
        action @ ("admonition" | "makeup") => {
            office::may_follow_up(&by, ty.town)?;
            let person = ty.secretary(|p| st.person_ref(p) == field("person"))?;
            let on = forms::date(field("date"), "日期")?;
            let who = ty.who(&person);
            if action == "admonition" {
                office::admonition(store, by, ty, &person, on, field("note"), today)
                    .await
                    .map(|_| format!("已记录{who} {on} 的约谈"))
            } else {
                office::make_up(store, by, ty, &person, on, today)
                    .await
                    .map(|_| format!("已记录{who} {on} 完成补学"))
            }
        }
        _ => Err(invalid("未指明要登记的内容".into())),
    }
}
