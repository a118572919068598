//! `POST /daily`: a record added (duty rota, work record, yearly report,
//! leave request, honour, recruitment, pension subsidy) or a leave request
//! moved. This module reads the fields; who may, the secretary, the
//! checks and the write are `touyan_office::daily`'s.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use rust_decimal::Decimal;
use touyan_office::daily::{self as office, Entry, Kind};
use touyan_office::{By, OfficeError};
use touyan_records::{CitizenId, TownCode};
use touyan_storage::Store;

use super::by;
use super::leave::moved;
use super::person::person_page;
use super::town::town_page;
use crate::forms;
use crate::http::{PageError, SignedForm, act};
use crate::roles::Action;
use crate::scope::page_town;
use crate::state::{AppState, User};

/// The record a post's `what` adds.
fn kind_of(what: &str) -> Result<Kind, OfficeError> {
    Ok(match what {
        "rota" => Kind::Rota,
        "work" => Kind::Work,
        "report" => Kind::Report,
        "honour" => Kind::Honour,
        "recruit" => Kind::Recruitment,
        "pension" => Kind::Pension,
        "leave" => Kind::Leave,
        _ => return Err(OfficeError::Invalid("未指明要登记的内容".into())),
    })
}

/// A year field (the office checks its range).
fn year_field(text: &str, what: &str) -> Result<i32, OfficeError> {
    text.parse()
        .map_err(|_| OfficeError::Invalid(office::year_wanted(text, what)))
}

/// The fields of a record of `kind`, read in the form's order.
fn entry(kind: Kind, form: &[(String, String)]) -> Result<Entry, OfficeError> {
    let field = |n: &str| crate::scope::field(form, n);
    let text = |n: &str| field(n).to_owned();
    Ok(match kind {
        Kind::Rota => Entry::Rota {
            since: forms::date(field("since"), "施行日期")?,
            office_days: field("office_days").parse().map_err(|_| {
                OfficeError::Invalid(office::office_days_wanted(field("office_days")))
            })?,
            office_hours: text("office_hours"),
            duty: text("duty"),
        },
        Kind::Work => Entry::Work {
            on: forms::date(field("date"), "纪实日期")?,
            text: text("text"),
        },
        Kind::Report => Entry::Report {
            year: year_field(field("year"), "述职年度")?,
            given_on: forms::date(field("date"), "述职日期")?,
            outcome: forms::choice(field("outcome"), "述职评议结果")?,
            note: text("note"),
        },
        Kind::Honour => Entry::Honour {
            on: forms::date(field("date"), "表彰日期")?,
            title: text("title"),
            level: forms::choice(field("level"), "表彰级别")?,
            awarded_by: text("awarded_by"),
        },
        Kind::Recruitment => Entry::Recruitment {
            on: forms::date(field("date"), "录用日期")?,
            kind: forms::choice(field("kind"), "考录招聘类别")?,
            post: text("post"),
            note: text("note"),
        },
        Kind::Pension => Entry::Pension {
            year: year_field(field("year"), "补贴年度")?,
            paid_on: forms::date(field("date"), "发放日期")?,
            amount: field("amount")
                .parse::<Decimal>()
                .map_err(|_| OfficeError::Invalid(office::amount_wanted(field("amount"))))?,
            note: text("note"),
        },
        Kind::Leave => Entry::Leave {
            start: forms::date(field("start"), "请假开始日期")?,
            end: forms::date(field("end"), "请假结束日期")?,
            reason: text("reason"),
        },
    })
}

/// What a post asks, through the office: who may first, then the
/// secretary, then the fields.
async fn posted(
    st: &AppState,
    store: &Store,
    by: &By<'_>,
    town: TownCode,
    id: &CitizenId,
    form: &[(String, String)],
) -> Result<(), OfficeError> {
    let what = crate::scope::field(form, "what");
    if what == "leave_move" {
        return moved(st, store, by, town, id, form).await;
    }
    let kind = kind_of(what)?;
    let today = st.today();
    let k = office::secretary(store, by, st.policy(), today, town, id, kind).await?;
    office::add(store, by, today, &k, entry(kind, form)?).await
}

/// The page a refusal is shown on: the person's when the post came from
/// it, else the town's.
async fn refused(
    st: &AppState,
    user: &User,
    origin: &str,
    town: TownCode,
    to_person: Option<&CitizenId>,
    e: OfficeError,
) -> Result<Response, PageError> {
    let status = match &e {
        OfficeError::NotFound | OfficeError::Store(_) => return Err(e.into()),
        OfficeError::Forbidden(_) => StatusCode::FORBIDDEN,
        OfficeError::Conflict(_) => StatusCode::CONFLICT,
        OfficeError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let m = Some(e.to_string());
    Ok(match to_person {
        Some(id) => person_page(st, user, origin, id, m, status).await,
        None => town_page(st, user, Some(town), m, status).await,
    })
}

/// `POST /daily`: `what` = `rota` (`since`, `office_days`,
/// `office_hours`, `duty`), `work` (`date`, `text`), `report` (`year`,
/// `date`, `outcome`, `note`), `leave` (`start`, `end`, `reason`),
/// `leave_move` (`seq`, `state`, `kind`, `comment`, `date`), `honour`
/// (`date`, `title`, `level`, `awarded_by`), `recruit` (`date`, `kind`,
/// `post`, `note`) or `pension` (`year`, `date`, `amount` in yuan,
/// `note`); with `person` (a reference), `town`, `back` (`person`: back
/// to the person's page) and `csrf`.
pub async fn record(
    State(st): State<AppState>,
    SignedForm {
        user, origin, form, ..
    }: SignedForm<act::Daily, Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let field = |n: &str| crate::scope::field(&form, n);
    let Ok(Some(town)) = page_town(&user, Some(field("town"))) else {
        return Err(PageError::NotFound);
    };
    let desk = st.town_desk(&user, Action::Daily, &town)?;
    let store = desk.store();
    let key = field("person").to_owned();
    let id = st.person_id(&key);
    let to_person = id.as_ref().filter(|_| field("back") == "person");
    let by = By {
        origin: Some(&origin),
        ..by(&user)
    };
    let done = match &id {
        Some(id) => posted(&st, store, &by, town, id, &form).await,
        // A leave request of nobody does not exist.
        None if field("what") == "leave_move" => Err(OfficeError::NotFound),
        // Who may is told before the secretary is looked for.
        None => kind_of(field("what"))
            .and_then(|k| office::may_add(&by, town, k))
            .and(Err(OfficeError::Invalid("请选择书记".into()))),
    };
    let said = match field("what") {
        "rota" => "已保存坐班值班安排",
        "work" => "已保存工作纪实",
        "report" => "已保存年度述职",
        "leave" => "已登记请假申请",
        "leave_move" => match field("kind") {
            "approve" => "已批准请假",
            "refuse" => "已不予批准请假",
            "return" => "已登记销假",
            _ => "已办理请假",
        },
        "honour" => "已登记表彰奖励",
        "recruit" => "已登记考录、选聘情况",
        "pension" => "已登记养老保险缴费",
        _ => "已保存",
    };
    match done {
        Ok(()) if to_person.is_some() => Ok(crate::http::done(&format!("/daily/{key}"), said)),
        Ok(()) => Ok(crate::http::done(
            &format!("/daily?town={}", town.as_str()),
            said,
        )),
        Err(e) => refused(&st, &user, &origin, town, to_person, e).await,
    }
}
