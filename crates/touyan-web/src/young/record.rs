//! `POST /young`: a candidate scored, a move of a candidate or cadre
//! (selected, deselected, filed, returned, an extension proposed, granted
//! or declined), or a cadre's exit from the programme; the fields are read here, the ranking, the checks and the
//! write are `touyan_office::young`'s. A refusal shows the page with the
//! reason.

use axum::extract::State;
use axum::response::Response;
use rust_decimal::Decimal;
use touyan_office::OfficeError;
use touyan_office::{young, young_exit, young_settings};
use touyan_records::TownCode;
use touyan_records::model::YoungMoveKind;
use touyan_workflow::Refusal;

use super::town::{page, page_keeping};
use super::{failure, month_of};
use crate::forms;
use crate::http::done;
use crate::http::{PageError, SignedForm, act};
use crate::pages::not_found_page;
use crate::roles::Action;
use crate::scope::by_from;
use crate::state::{AppState, Failure};

/// `POST /young`: `action` = `score` (`person`, `score`, `current_pay`,
/// `note`), `move` (`person`, `kind`, `seen` — the state the page
/// showed, `none` for none —, `comment`, `excellent`) or `exit`
/// (`person`, `reason`, `date`, `note`); with `month`, `town` and `csrf`.
pub async fn record(
    State(st): State<AppState>,
    SignedForm {
        user, origin, form, ..
    }: SignedForm<act::Young, Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let field = |n: &str| crate::scope::field(&form, n);
    let month = month_of(&st, Some(field("month"))).ok_or(PageError::NotFound)?;
    let town = TownCode::parse(field("town")).map_err(|_| PageError::NotFound)?;
    let desk = st.town_desk(&user, Action::Young, &town)?;
    let store = desk.store();
    let refuse = |r: Refusal| {
        let st = st.clone();
        let user = user.clone();
        async move {
            if r == Refusal::NotFound {
                return not_found_page();
            }
            let status = forms::status(&r);
            page(&st, &user, month, Some(town), Some(r.to_string()), status).await
        }
    };
    let l = young::town(store, month.year(), town)
        .await
        .map_err(failure)?;
    let back = |what: String| {
        done(
            &format!(
                "/young?month={:04}-{:02}&town={}",
                month.year(),
                u8::from(month.month()),
                town.as_str()
            ),
            &what,
        )
    };
    if field("action") == "settings" {
        let ask = young_settings::SettingsAsk {
            year: month.year(),
            reference_salary: field("reference_salary").to_owned(),
            factor: field("factor").to_owned(),
        };
        let by = by_from(&user, &origin);
        return Ok(
            match young_settings::record(store, &by, town, st.policy(), &ask).await {
                Ok(_) => back(format!("已保存 {} 年度优才计划报酬标准", month.year())),
                Err(e) => match refusal(e) {
                    // The form keeps what was typed.
                    Ok(r) => {
                        page_keeping(
                            &st,
                            &user,
                            month,
                            Some(town),
                            Some(r.to_string()),
                            forms::status(&r),
                            Some((&ask.reference_salary, &ask.factor)),
                        )
                        .await
                    }
                    Err(f) => return Err(f.into()),
                },
            },
        );
    }
    if field("action") == "exit" {
        let key = field("person");
        let ask = young_exit::ExitAsk {
            person: l.find(|id| st.person_ref(id) == key),
            reason: field("reason"),
            on: touyan_records::text::parse_day(field("date")),
            note: field("note"),
        };
        let by = by_from(&user, &origin);
        return Ok(
            match young_exit::record_exit(store, by, &l, st.policy(), st.today(), &ask).await {
                Ok(_) => back(format!(
                    "已登记{}退出年轻干部优才计划",
                    ask.person.as_ref().map_or_else(String::new, |p| l.name(p))
                )),
                Err(e) => match refusal(e) {
                    Ok(r) => refuse(r).await,
                    Err(f) => return Err(f.into()),
                },
            },
        );
    }
    let kind = match field("action") {
        "score" => YoungMoveKind::Score,
        "move" => match forms::choice(field("kind"), "办理事项") {
            Ok(k) => k,
            Err(r) => return Ok(refuse(r).await),
        },
        _ => return Ok(refuse(Refusal::Invalid("未指明要办理的事项".into())).await),
    };
    let key = field("person");
    let ask = young::Ask {
        kind,
        person: l.find(|id| st.person_ref(id) == key),
        seen: (field("action") == "move").then(|| field("seen")),
        comment: field("comment"),
        excellent: !field("excellent").is_empty(),
        scored: scored(&form).map_err(|r| r.to_string()),
    };
    let by = by_from(&user, &origin);
    Ok(
        match young::record(store, by, &l, st.policy(), st.today(), &ask).await {
            Ok(()) => back(format!(
                "已{}：{}",
                touyan_records::model::Labelled::label(kind),
                ask.person.as_ref().map_or_else(String::new, |p| l.name(p))
            )),
            Err(e) => match refusal(e) {
                Ok(r) => refuse(r).await,
                Err(f) => return Err(f.into()),
            },
        },
    )
}

/// The score form's values, read in the order of the form.
fn scored(form: &[(String, String)]) -> Result<young::Scored, Refusal> {
    let field = |n: &str| crate::scope::field(form, n);
    Ok(young::Scored {
        score: forms::decimal(
            field("score"),
            "综合得分",
            Decimal::ZERO,
            Decimal::ONE_HUNDRED,
        )?,
        current_pay: forms::decimal(
            field("current_pay"),
            "现月报酬（元）",
            Decimal::ZERO,
            Decimal::from(1_000_000),
        )?,
        note: field("note").to_owned(),
    })
}

/// The office's refusal as the page's; a store's failure is ours.
fn refusal(e: OfficeError) -> Result<Refusal, Failure> {
    Ok(match e {
        OfficeError::NotFound => Refusal::NotFound,
        OfficeError::Forbidden(m) => Refusal::Forbidden(m),
        OfficeError::Conflict(m) => Refusal::Conflict(m),
        OfficeError::Invalid(m) => Refusal::Invalid(m),
        OfficeError::Store(e) => return Err(e.into()),
    })
}
