//! Daily management (the inferred Chapter 2) and treatment guarantees (the
//! inferred Article 14) in the browser (issue 5, item 8).
//!
//! - `GET /daily`: for the city, each town's open reminders counted by
//!   kind; for a town, its secretaries in post with their reminders (the
//!   rules crate's `art02_daily_inferred`, each with its citation), the
//!   leave requests waiting or approved with the moves the user may make,
//!   and the forms to add a duty rota, a work record, a yearly report, a
//!   leave request, an honour, a recruitment or a pension subsidy.
//! - `GET /daily/{person}`: one person's records kept by the town (every
//!   town's for the city), reminders, leave history with who moved it.
//! - `POST /daily`: adds a record or moves a leave request; who may is
//!   `touyan_workflow::art02_daily` / `art14_treatment`'s, the record is
//!   checked here, and nothing is written when anything is wrong.
//!
//! Reminders are computed on every request from the records and today's
//! policy, never stored.

use askama::Template;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use rust_decimal::Decimal;
use serde::Deserialize;
use time::Date;
use touyan_records::model::{
    DutyRota, Honour, HonourLevel, Labelled, LeaveMoveKind, LeaveRequest, LeaveState,
    PensionSubsidy, RecruitKind, Recruitment, ReportOutcome, WorkRecord, YearReport,
};
use touyan_records::{CitizenId, TownCode};
use touyan_rules::Params;
use touyan_rules::art02_daily_inferred::{
    self as rules, DailyFacts, Leave, LeaveStage, Reminder, report_year_due,
};
use touyan_rules::calendar::parse_iso_date;
use touyan_rules::decision::Decision;
use touyan_storage::{DailyAdd, DailyFile, LeaveChange, SecretaryDaily, Store, StoreError};
use touyan_workflow::Refusal;
use touyan_workflow::art02_daily::{self as flow, Kept};
use touyan_workflow::art14_treatment::{self as treatment, Treatment};

use crate::guard::{csrf_ok, see_other};
use crate::pages::{
    Chrome, csrf_refused, forbidden, internal, masked, not_found_page, render, signed_in, yuan,
};
use crate::roles::Action;
use crate::scope::{actor, page_town};
use crate::state::{AppState, Failure, User, client_addr};

#[derive(Deserialize, Default)]
pub struct DailyQuery {
    town: Option<String>,
}

/// A town's count of open reminders, by kind (the city's overview).
pub struct TownCount {
    pub code: String,
    pub name: String,
    pub secretaries: usize,
    /// Secretaries with at least one reminder.
    pub reminded: usize,
    pub counts: [usize; 5],
    pub total: usize,
}

pub struct SecretaryLine {
    pub key: String,
    pub village: String,
    pub name: String,
    pub person_id: String,
    pub reminders: Vec<String>,
}

pub struct LeaveLine {
    pub key: String,
    pub town: String,
    pub who: String,
    pub seq: u32,
    pub dates: String,
    pub reason: String,
    pub requested_on: String,
    pub state: &'static str,
    pub state_code: &'static str,
    pub comment: String,
    pub returned_on: String,
    /// The moves the user may make: (code, label).
    pub moves: Vec<(&'static str, &'static str)>,
}

impl LeaveLine {
    pub fn can(&self, code: &str) -> bool {
        self.moves.iter().any(|(c, _)| *c == code)
    }
}

/// The choices the forms offer (shared by both pages' forms).
pub struct Choices {
    pub outcomes: Vec<(&'static str, &'static str)>,
    pub levels: Vec<(&'static str, &'static str)>,
    pub recruit_kinds: Vec<(&'static str, &'static str)>,
    pub today: String,
    pub last_year: i32,
}

fn choices(st: &AppState) -> Choices {
    fn pairs<E: Labelled>() -> Vec<(&'static str, &'static str)> {
        E::ALL.iter().map(|x| (x.code(), x.label())).collect()
    }
    Choices {
        outcomes: pairs::<ReportOutcome>(),
        levels: pairs::<HonourLevel>(),
        recruit_kinds: pairs::<RecruitKind>(),
        today: st.today().to_string(),
        last_year: st.today().year() - 1,
    }
}

#[derive(Template)]
#[template(path = "daily.html")]
struct DailyPage {
    chrome: Chrome,
    town: String,
    towns: Vec<(String, String)>,
    problem: Option<String>,
    error: Option<String>,
    /// The city's overview (no town chosen).
    counts: Vec<TownCount>,
    kinds: [&'static str; 5],
    lines: Vec<SecretaryLine>,
    leaves: Vec<LeaveLine>,
    /// The user keeps daily and treatment records (the forms are shown).
    may_keep: bool,
    /// (reference, "village name") of the secretaries the forms offer.
    people: Vec<(String, String)>,
    back: &'static str,
    c: Choices,
}

pub struct Row {
    pub cells: Vec<String>,
}

#[derive(Template)]
#[template(path = "daily_person.html")]
struct PersonPage {
    chrome: Chrome,
    town: String,
    person_id: String,
    problem: Option<String>,
    error: Option<String>,
    reminders: Vec<String>,
    rotas: Vec<Row>,
    works: Vec<Row>,
    reports: Vec<Row>,
    leaves: Vec<LeaveLine>,
    moves: Vec<Row>,
    honours: Vec<Row>,
    recruitments: Vec<Row>,
    pensions: Vec<Row>,
    may_keep: bool,
    people: Vec<(String, String)>,
    back: &'static str,
    c: Choices,
}

/// The reminders of a secretary on `on` under `p`.
fn reminders_of(p: &Params, s: &SecretaryDaily, on: Date) -> Vec<Decision<Reminder, Reminder>> {
    let leaves: Vec<Leave> = s
        .open_leaves
        .iter()
        .map(|l| Leave {
            start: l.start,
            end: l.end,
            requested_on: l.requested_on,
            stage: match l.state {
                LeaveState::Requested => LeaveStage::Waiting,
                LeaveState::Approved => LeaveStage::Approved,
                LeaveState::Refused | LeaveState::Returned => LeaveStage::Closed,
            },
        })
        .collect();
    let facts = DailyFacts {
        secretary_since: s.since,
        rota_office_days: s.rota.as_ref().map(|r| u32::from(r.office_days)),
        work_records_in_month: s.work_records,
        report_years: &s.report_years,
        leaves: &leaves,
    };
    rules::reminders(p, &facts, on)
}

fn sentence(d: &Decision<Reminder, Reminder>) -> String {
    format!("{}（{}）", d.reason, d.rule.citation())
}

/// Today's policy, or why there is none.
fn params_today(st: &AppState) -> Result<Params, String> {
    let today = st.today();
    st.policy()
        .resolve(today)
        .map_err(|e| format!("政策参数无法用于 {today}：{e}"))
}

/// The secretaries in post today in `town` (every town: `None`), with the
/// facts their reminders need.
async fn secretaries(
    store: &Store,
    p: &Params,
    town: Option<TownCode>,
    person: Option<&CitizenId>,
    on: Date,
) -> Result<Vec<SecretaryDaily>, Failure> {
    let from = report_year_due(on, p.daily_report_due_months.value);
    Ok(store.daily_secretaries(town, person, on, from).await?)
}

/// Open reminders per town of `town_scope` (every town: `None`) on `on`,
/// for the dashboard: (town code, count), towns without any left out.
pub(crate) async fn reminder_counts(
    st: &AppState,
    store: &Store,
    town_scope: Option<&str>,
    on: Date,
) -> Result<Vec<(String, usize)>, Failure> {
    let Ok(p) = st.policy().resolve(on) else {
        return Ok(Vec::new());
    };
    let town = match town_scope {
        None => None,
        Some(t) => match TownCode::parse(t) {
            Ok(c) => Some(c),
            Err(_) => return Ok(Vec::new()),
        },
    };
    let mut out: Vec<(String, usize)> = Vec::new();
    for s in secretaries(store, &p, town, None, on).await? {
        let n = reminders_of(&p, &s, on).len();
        if n == 0 {
            continue;
        }
        match out.last_mut() {
            Some((t, k)) if t == s.town.as_str() => *k += n,
            _ => out.push((s.town.as_str().to_owned(), n)),
        }
    }
    Ok(out)
}

fn leave_line(st: &AppState, user: &User, who: String, l: &LeaveRequest) -> LeaveLine {
    let moves = flow::moves_for(&actor(user), l.town.as_str(), Some(l.state))
        .into_iter()
        .map(|k| (k.code(), k.label()))
        .collect();
    LeaveLine {
        key: st.person_ref(&l.person),
        town: l.town.as_str().to_owned(),
        who,
        seq: l.seq,
        dates: format!("{} 至 {}", l.start, l.end),
        reason: l.reason.clone(),
        requested_on: l.requested_on.to_string(),
        state: l.state.label(),
        state_code: l.state.code(),
        comment: l.comment.clone(),
        returned_on: l.returned_on.map(|d| d.to_string()).unwrap_or_default(),
        moves,
    }
}

/// Whether the user keeps records of `town` (both kinds are kept by the
/// same role; the forms show when either is allowed).
fn may_keep(user: &User, town: &str) -> bool {
    let a = actor(user);
    Kept::ALL
        .iter()
        .all(|&k| flow::may_record(&a, town, k).is_ok())
        && Treatment::ALL
            .iter()
            .all(|&t| treatment::may_record(&a, town, t).is_ok())
}

async fn town_page(
    st: &AppState,
    user: &User,
    town: Option<TownCode>,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let towns = match st.reader(user).towns().await {
        Ok(t) => t,
        Err(e) => return internal(e.into()),
    };
    let mut page = DailyPage {
        chrome: Chrome::new("日常管理与待遇保障", Some(user), "/daily"),
        town: town.map(|t| t.as_str().to_owned()).unwrap_or_default(),
        towns,
        problem: None,
        error,
        counts: Vec::new(),
        kinds: Reminder::KINDS,
        lines: Vec::new(),
        leaves: Vec::new(),
        may_keep: false,
        people: Vec::new(),
        back: "town",
        c: choices(st),
    };
    let Some(store) = st.unscoped_for(user, Action::Daily) else {
        return forbidden();
    };
    let p = match params_today(st) {
        Ok(p) => p,
        Err(m) => {
            page.problem = Some(m);
            return render(&page, status);
        }
    };
    let today = st.today();
    let all = match secretaries(store, &p, town, None, today).await {
        Ok(s) => s,
        Err(e) => return internal(e),
    };
    let Some(town) = town else {
        // The city: counts per town (the secretaries come town by town).
        for s in &all {
            let rs = reminders_of(&p, s, today);
            let code = s.town.as_str();
            let i = match page.counts.last() {
                Some(c) if c.code == code => page.counts.len() - 1,
                _ => {
                    let name = page
                        .towns
                        .iter()
                        .find(|(c, _)| c == code)
                        .map_or_else(|| code.to_owned(), |(_, n)| n.clone());
                    page.counts.push(TownCount {
                        code: code.to_owned(),
                        name,
                        secretaries: 0,
                        reminded: 0,
                        counts: [0; 5],
                        total: 0,
                    });
                    page.counts.len() - 1
                }
            };
            let c = &mut page.counts[i];
            c.secretaries += 1;
            c.reminded += usize::from(!rs.is_empty());
            c.total += rs.len();
            for r in &rs {
                c.counts[r.outcome.kind_index()] += 1;
            }
        }
        if page.counts.is_empty() {
            page.problem = Some("范围内没有在任的村党组织书记".into());
        }
        return render(&page, status);
    };
    for s in &all {
        let who = format!("{} {}", s.village_name, s.name);
        let key = st.person_ref(&s.person);
        page.lines.push(SecretaryLine {
            key: key.clone(),
            village: s.village_name.clone(),
            name: s.name.clone(),
            person_id: masked(&s.person),
            reminders: reminders_of(&p, s, today).iter().map(sentence).collect(),
        });
        for l in &s.open_leaves {
            page.leaves.push(leave_line(st, user, who.clone(), l));
        }
        page.people.push((key, who));
    }
    if page.lines.is_empty() {
        page.problem = Some("本镇街没有在任的村党组织书记".into());
    }
    page.may_keep = may_keep(user, town.as_str());
    render(&page, status)
}

/// `GET /daily`.
pub async fn show(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<DailyQuery>,
) -> Response {
    let user = match signed_in(&st, &headers, Action::Daily).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let Ok(town) = page_town(&user, q.town.as_deref()) else {
        return not_found_page();
    };
    town_page(&st, &user, town, None, StatusCode::OK).await
}

fn rows_of(file: &DailyFile) -> [Vec<Row>; 6] {
    let row = |cells: Vec<String>| Row { cells };
    let mut rotas: Vec<Row> = file
        .rotas
        .iter()
        .map(|r| {
            row(vec![
                r.since.to_string(),
                r.office_days.to_string(),
                r.office_hours.clone(),
                r.duty.clone(),
            ])
        })
        .collect();
    rotas.reverse();
    let mut works: Vec<&WorkRecord> = file.work_records.iter().collect();
    works.sort_by_key(|w| std::cmp::Reverse((w.on, w.seq)));
    let works = works
        .into_iter()
        .map(|w| row(vec![w.on.to_string(), w.text.clone()]))
        .collect();
    let reports = file
        .reports
        .iter()
        .rev()
        .map(|r| {
            row(vec![
                r.year.to_string(),
                r.given_on.to_string(),
                r.outcome.label().to_owned(),
                r.note.clone(),
            ])
        })
        .collect();
    let honours = file
        .honours
        .iter()
        .map(|h| {
            row(vec![
                h.on.to_string(),
                h.title.clone(),
                h.level.label().to_owned(),
                h.awarded_by.clone(),
            ])
        })
        .collect();
    let recruitments = file
        .recruitments
        .iter()
        .map(|r| {
            row(vec![
                r.on.to_string(),
                r.kind.label().to_owned(),
                r.post.clone(),
                r.note.clone(),
            ])
        })
        .collect();
    let pensions = file
        .pensions
        .iter()
        .map(|x| {
            row(vec![
                x.year.to_string(),
                x.paid_on.to_string(),
                yuan(x.amount_fen),
                x.note.clone(),
            ])
        })
        .collect();
    [rotas, works, reports, honours, recruitments, pensions]
}

async fn person_page(
    st: &AppState,
    user: &User,
    origin: &str,
    id: &CitizenId,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let Some(store) = st.unscoped_for(user, Action::Daily) else {
        return forbidden();
    };
    match st.reader(user).person_visible(id.as_str()).await {
        Ok(true) => {}
        Ok(false) => return not_found_page(),
        Err(e) => return internal(e.into()),
    }
    if let Err(f) = st
        .audit_read(
            user,
            origin,
            "people",
            &format!("日常管理档案 {}", crate::pages::masked(id)),
        )
        .await
    {
        return internal(f);
    }
    let own = user.town_scope().and_then(|t| TownCode::parse(&t).ok());
    let today = st.today();
    let params = params_today(st);
    let in_post = match &params {
        Ok(p) => match secretaries(store, p, own, Some(id), today).await {
            Ok(s) => s.into_iter().next(),
            Err(e) => return internal(e),
        },
        Err(_) => None,
    };
    let file = match store.daily_file(id, own).await {
        Ok(f) => f,
        Err(e) => return internal(e.into()),
    };
    let who = match &in_post {
        Some(s) => format!("{} {}", s.village_name, s.name),
        None => match st.reader(user).person(id.as_str()).await {
            Ok(Some(f)) => f.person.name,
            Ok(None) => return not_found_page(),
            Err(e) => return internal(e.into()),
        },
    };
    let key = st.person_ref(id);
    let [rotas, works, reports, honours, recruitments, pensions] = rows_of(&file);
    let mut page = PersonPage {
        chrome: Chrome::new(&format!("日常管理与待遇保障：{who}"), Some(user), "/daily"),
        town: in_post
            .as_ref()
            .map(|s| s.town.as_str().to_owned())
            .unwrap_or_default(),
        person_id: masked(id),
        problem: None,
        error,
        reminders: Vec::new(),
        rotas,
        works,
        reports,
        leaves: file
            .leaves
            .iter()
            .rev()
            .map(|l| leave_line(st, user, who.clone(), l))
            .collect(),
        moves: file
            .leave_moves
            .iter()
            .map(|(m, by, at)| Row {
                cells: vec![
                    format!("第 {} 次请假", m.leave_seq),
                    m.kind.label().to_owned(),
                    m.to.label().to_owned(),
                    m.comment.clone(),
                    by.clone(),
                    crate::state::china_time(*at),
                ],
            })
            .collect(),
        honours,
        recruitments,
        pensions,
        may_keep: false,
        people: vec![(key, who)],
        back: "person",
        c: choices(st),
    };
    match (&params, &in_post) {
        (Err(m), _) => page.problem = Some(m.clone()),
        (Ok(_), None) => {
            page.problem = Some("不是本范围在任的村党组织书记：只显示已有记录，不再提醒".into())
        }
        (Ok(p), Some(s)) => {
            page.reminders = reminders_of(p, s, today).iter().map(sentence).collect();
            page.may_keep = may_keep(user, s.town.as_str());
        }
    }
    render(&page, status)
}

/// `GET /daily/{person}`.
pub async fn person(State(st): State<AppState>, parts: Parts, Path(key): Path<String>) -> Response {
    let user = match signed_in(&st, &parts.headers, Action::Daily).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let Some(id) = st.person_id(&key) else {
        return not_found_page();
    };
    let origin = crate::state::client_addr(&parts);
    person_page(&st, &user, &origin, &id, None, StatusCode::OK).await
}

fn date_field(text: &str, what: &str) -> Result<Date, Refusal> {
    parse_iso_date(text)
        .ok_or_else(|| Refusal::Invalid(format!("{what}“{text}”不是有效日期（YYYY-MM-DD）")))
}

/// A date that is not after today.
fn past_date(text: &str, what: &str, today: Date) -> Result<Date, Refusal> {
    let d = date_field(text, what)?;
    if d > today {
        return Err(Refusal::Invalid(format!("{what} {d} 晚于今天")));
    }
    Ok(d)
}

fn year_field(text: &str, what: &str) -> Result<i32, Refusal> {
    text.parse::<i32>()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
        .ok_or_else(|| Refusal::Invalid(format!("{what}“{text}”不是 2000 至 2100 之间的年份")))
}

/// Text that must be given, at most `max` characters.
fn required(text: &str, what: &str, max: usize) -> Result<String, Refusal> {
    if text.is_empty() {
        return Err(Refusal::Invalid(format!("请填写{what}")));
    }
    optional(text, what, max)
}

fn optional(text: &str, what: &str, max: usize) -> Result<String, Refusal> {
    if text.chars().count() > max {
        return Err(Refusal::Invalid(format!("{what}不能超过 {max} 个字")));
    }
    Ok(text.to_owned())
}

fn choice<E: Labelled>(code: &str, what: &str) -> Result<E, Refusal> {
    E::ALL
        .iter()
        .copied()
        .find(|e| e.code() == code)
        .ok_or_else(|| Refusal::Invalid(format!("请选择{what}")))
}

/// Yuan with at most two decimals, more than zero, as fen.
fn fen_field(text: &str) -> Result<i64, Refusal> {
    let bad = || Refusal::Invalid(format!("金额“{text}”应为大于 0 的元数，最多两位小数"));
    let d: Decimal = text.parse().map_err(|_| bad())?;
    if d <= Decimal::ZERO {
        return Err(bad());
    }
    touyan_storage::scaled(d, 2, "金额").map_err(|e| match e {
        StoreError::Invalid(m) => Refusal::Invalid(m),
        e => Refusal::Invalid(e.to_string()),
    })
}

/// What a post asks to write.
enum Write {
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
        .map_err(|Failure::Internal(m)| Refusal::Invalid(m))?;
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

/// A move of a stored leave request: `seq`, `state` (as seen), `kind`,
/// `comment` (a refusal's reason), `date` (the day reported back).
async fn leave_move(
    st: &AppState,
    user: &User,
    store: &Store,
    town: TownCode,
    id: &CitizenId,
    form: &[(String, String)],
) -> Result<Write, Refusal> {
    let field = |n: &str| crate::scope::field(form, n);
    let kind: LeaveMoveKind = choice(field("kind"), "办理事项")?;
    let seen: LeaveState = LeaveState::ALL
        .iter()
        .copied()
        .find(|s| s.code() == field("state"))
        .ok_or(Refusal::NotFound)?;
    let comment = optional(field("comment"), "理由", 300)?;
    let to = flow::check_move(&actor(user), town.as_str(), Some(seen), kind, &comment)?;
    let seq: u32 = field("seq").parse().map_err(|_| Refusal::NotFound)?;
    let file = store
        .daily_file(id, Some(town))
        .await
        .map_err(|e| Refusal::Invalid(e.to_string()))?;
    let mut request = file
        .leaves
        .into_iter()
        .find(|l| l.seq == seq)
        .ok_or(Refusal::NotFound)?;
    if request.state != seen {
        return Err(Refusal::Conflict(format!(
            "该请假已是“{}”，不能“{}”；请刷新页面",
            request.state.label(),
            kind.label()
        )));
    }
    request.state = to;
    match kind {
        LeaveMoveKind::Refuse => request.comment = comment.clone(),
        LeaveMoveKind::Return => {
            let back = past_date(field("date"), "销假日期", st.today())?;
            if back < request.start {
                return Err(Refusal::Invalid(format!(
                    "销假日期 {back} 早于请假开始日期 {}",
                    request.start
                )));
            }
            request.returned_on = Some(back);
        }
        LeaveMoveKind::Request | LeaveMoveKind::Approve => {}
    }
    Ok(Write::Leave(LeaveChange {
        request,
        expected: Some(seen),
        kind,
        comment,
    }))
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
    parts: Parts,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    // A body that is not the form has no CSRF token: refused below.
    let form = form.map(|Form(f)| f).unwrap_or_default();
    let user = match signed_in(&st, &parts.headers, Action::Daily).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let field = |n: &str| crate::scope::field(&form, n);
    if !csrf_ok(&user, Some(field("csrf"))) {
        return csrf_refused();
    }
    let Ok(Some(town)) = page_town(&user, Some(field("town"))) else {
        return not_found_page();
    };
    let Some(store) = st.unscoped_for(&user, Action::Daily) else {
        return forbidden();
    };
    let key = field("person").to_owned();
    let id = st.person_id(&key);
    let to_person = field("back") == "person" && id.is_some();
    let origin = client_addr(&parts);
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
            return not_found_page();
        }
        if let Err(r) = allowed(&user, town, field("what")) {
            return refuse(r).await;
        }
        return refuse(Refusal::Invalid("请选择书记".into())).await;
    };
    let write = match build(&st, &user, store, town, &id, &form).await {
        Ok(w) => w,
        Err(r) => return refuse(r).await,
    };
    let done = match &write {
        Write::Add(add) => store.add_daily(&user.username, Some(&origin), add).await,
        Write::Leave(c) => store
            .move_leave(&user.username, Some(&origin), c)
            .await
            .map(|_| ()),
    };
    match done {
        Ok(()) if to_person => see_other(&format!("/daily/{key}")),
        Ok(()) => see_other(&format!("/daily?town={}", town.as_str())),
        Err(StoreError::Invalid(m)) => {
            let r = match write {
                Write::Leave(LeaveChange {
                    expected: Some(_), ..
                }) => Refusal::Conflict(m),
                _ => Refusal::Invalid(m),
            };
            refuse(r).await
        }
        Err(e) => internal(e.into()),
    }
}
