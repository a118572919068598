//! `POST /daily`: a record added (duty rota, work record, yearly report,
//! leave request, honour, recruitment, pension subsidy) or a leave request
//! moved; who may is the workflow crate's, every field is checked here.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use time::Date;
use touyan_records::model::{
    DutyRota, Honour, LeaveMoveKind, LeaveRequest, LeaveState, PensionSubsidy, Recruitment,
    WorkRecord, YearReport,
};
use touyan_records::{CitizenId, TownCode};
use touyan_storage::{DailyAdd, LeaveChange, Store, StoreError};
use touyan_workflow::Refusal;
use touyan_workflow::art02_daily::{self as flow, Kept};
use touyan_workflow::art14_treatment::{self as treatment, Treatment};

use super::leave::leave_move;
use super::person::person_page;
use super::town::town_page;
use super::{
    choice, date_field, fen_field, optional, params_today, past_date, required, secretaries,
    year_field,
};
use crate::guard::see_other;
use crate::http::{PageError, SignedForm, act};
use crate::pages::not_found_page;
use crate::roles::Action;
use crate::scope::{actor, page_town};
use crate::state::{AppState, Failure, User};

/// What a post asks to write.
pub(super) enum Write {
    Add(DailyAdd),
    Leave(LeaveChange),
}

/// Whether the user may add a record of kind `what` (a post's `what`) of
/// a secretary of `town` (the workflow crate's).
fn allowed(user: &User, town: TownCode, what: &str) -> Result<(), Refusal> {
    let a = actor(user);
    let t = town.as_str();
    match what {
        "rota" => flow::may_record(&a, t, Kept::DutyRota),
        "work" => flow::may_record(&a, t, Kept::WorkRecord),
        "report" => flow::may_record(&a, t, Kept::YearReport),
        "honour" => treatment::may_record(&a, t, Treatment::Honour),
        "recruit" => treatment::may_record(&a, t, Treatment::Recruitment),
        "pension" => treatment::may_record(&a, t, Treatment::PensionSubsidy),
        "leave" => flow::check_move(&a, t, None, LeaveMoveKind::Request, "").map(|_| ()),
        _ => Err(Refusal::Invalid("未指明要登记的内容".into())),
    }
}

/// The write a post asks for, or why not: who may first (the workflow
/// crate), then the secretary, then every field.
// One piece: the three record forms share this one builder; their fields are read in form order.
async fn build(
    st: &AppState,
    user: &User,
    store: &Store,
    town: TownCode,
    id: &CitizenId,
    form: &[(String, String)],
) -> Result<Write, Refusal> {
    let field = |n: &str| crate::scope::field(form, n);
    let today = st.today();
    let what = field("what");
    if what == "leave_move" {
        return leave_move(st, user, store, town, id, form).await;
    }
    allowed(user, town, what)?;
    // New records are of the town's secretaries in post.
    let p = params_today(st).map_err(Refusal::Invalid)?;
    let in_post = secretaries(store, &p, Some(town), Some(id), today)
        .await
        .map_err(|Failure::Internal(m)| Refusal::Invalid(crate::http::logged(&m)))?;
    if in_post.is_empty() {
        return Err(Refusal::Invalid(
            "没有找到该书记：只能登记本镇街在任书记的记录".into(),
        ));
    }
    let person = id.clone();
    let add = match what {
        "rota" => {
            let since = date_field(field("since"), "施行日期")?;
            let days: u8 = field("office_days")
                .parse()
                .ok()
                .filter(|d| *d <= 7)
                .ok_or_else(|| {
                    Refusal::Invalid(format!(
                        "每周坐班天数“{}”应为 0 至 7 的整数",
                        field("office_days")
                    ))
                })?;
            DailyAdd::Rota(DutyRota {
                person,
                since,
                town,
                office_days: days,
                office_hours: required(field("office_hours"), "坐班时间", 50)?,
                duty: optional(field("duty"), "值班安排", 200)?,
            })
        }
        "work" => DailyAdd::Work(WorkRecord {
            person,
            seq: 0,
            town,
            on: past_date(field("date"), "纪实日期", today)?,
            text: required(field("text"), "工作纪实内容", 500)?,
        }),
        "report" => {
            let year = year_field(field("year"), "述职年度")?;
            let given_on = past_date(field("date"), "述职日期", today)?;
            if given_on.year() < year {
                return Err(Refusal::Invalid(format!(
                    "{year} 年度述职的日期 {given_on} 早于该年度"
                )));
            }
            DailyAdd::Report(YearReport {
                person,
                year,
                town,
                given_on,
                outcome: choice(field("outcome"), "述职评议结果")?,
                note: optional(field("note"), "说明", 300)?,
            })
        }
        "honour" => DailyAdd::Honour(Honour {
            person,
            seq: 0,
            town,
            on: past_date(field("date"), "表彰日期", today)?,
            title: required(field("title"), "表彰名称", 100)?,
            level: choice(field("level"), "表彰级别")?,
            awarded_by: optional(field("awarded_by"), "表彰机关", 100)?,
        }),
        "recruit" => DailyAdd::Recruitment(Recruitment {
            person,
            seq: 0,
            town,
            on: past_date(field("date"), "录用日期", today)?,
            kind: choice(field("kind"), "考录招聘类别")?,
            post: required(field("post"), "录用单位和职位", 100)?,
            note: optional(field("note"), "说明", 300)?,
        }),
        "pension" => DailyAdd::Pension(PensionSubsidy {
            person,
            seq: 0,
            town,
            year: year_field(field("year"), "补贴年度")?,
            paid_on: past_date(field("date"), "发放日期", today)?,
            amount_fen: fen_field(field("amount"))?,
            note: optional(field("note"), "说明", 300)?,
        }),
        _ => {
            // "leave": a new request.
            let start = date_field(field("start"), "请假开始日期")?;
            let end = date_field(field("end"), "请假结束日期")?;
            let reason = required(field("reason"), "请假事由", 200)?;
            let file = store
                .daily_file(id, Some(town))
                .await
                .map_err(|e| Refusal::Invalid(e.to_string()))?;
            let others: Vec<(Date, Date, LeaveState)> = file
                .leaves
                .iter()
                .map(|l| (l.start, l.end, l.state))
                .collect();
            flow::check_request(start, end, &others)?;
            return Ok(Write::Leave(LeaveChange {
                request: LeaveRequest {
                    person,
                    seq: 0,
                    town,
                    start,
                    end,
                    reason,
                    requested_on: today,
                    state: LeaveState::Requested,
                    comment: String::new(),
                    returned_on: None,
                },
                expected: None,
                kind: LeaveMoveKind::Request,
                comment: String::new(),
            }));
        }
    };
    Ok(Write::Add(add))
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
    let to_person = field("back") == "person" && id.is_some();
    let refuse = |r: Refusal| {
        let st = st.clone();
        let user = user.clone();
        let id = id.clone();
        let origin = origin.clone();
        async move {
            let status = match &r {
                Refusal::NotFound => return not_found_page(),
                Refusal::Forbidden(_) => StatusCode::FORBIDDEN,
                Refusal::Conflict(_) => StatusCode::CONFLICT,
                Refusal::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            };
            match (&id, to_person) {
                (Some(id), true) => {
                    person_page(&st, &user, &origin, id, Some(r.to_string()), status).await
                }
                _ => town_page(&st, &user, Some(town), Some(r.to_string()), status).await,
            }
        }
    };
    let Some(id) = id.clone() else {
        // Who may is told before the secretary is looked for; a leave
        // request of nobody does not exist.
        if field("what") == "leave_move" {
            return Err(PageError::NotFound);
        }
        if let Err(r) = allowed(&user, town, field("what")) {
            return Ok(refuse(r).await);
        }
        return Ok(refuse(Refusal::Invalid("请选择书记".into())).await);
    };
    let write = match build(&st, &user, store, town, &id, &form).await {
        Ok(w) => w,
        Err(r) => return Ok(refuse(r).await),
    };
    let done = match &write {
        Write::Add(add) => store.add_daily(&user.username, Some(&origin), add).await,
        Write::Leave(c) => store
            .move_leave(&user.username, Some(&origin), c)
            .await
            .map(|_| ()),
    };
    Ok(match done {
        Ok(()) if to_person => see_other(&format!("/daily/{key}")),
        Ok(()) => see_other(&format!("/daily?town={}", town.as_str())),
        Err(e @ StoreError::Stale) => refuse(Refusal::Conflict(e.to_string())).await,
        Err(StoreError::Invalid(m)) => {
            let r = match write {
                Write::Leave(LeaveChange {
                    expected: Some(_), ..
                }) => Refusal::Conflict(m),
                _ => Refusal::Invalid(m),
            };
            refuse(r).await
        }
        Err(e) => return Err(e.into()),
    })
}
