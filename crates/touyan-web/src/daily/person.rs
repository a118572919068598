//! `GET /daily/{person}`: one secretary's daily file (the records the town
//! keeps, every town's for the city), reminders, leave history.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use touyan_office::OfficeError;
use touyan_office::corrections::{DailyKey, Target};
use touyan_office::daily::{self as office, DailyFile};
use touyan_records::CitizenId;
use touyan_records::model::{Labelled, WorkRecord};

use super::leave::{LeaveLine, leave_line};
use super::{Choices, by, choices};
use crate::http::{PageError, SignedIn, act};
use crate::pages::{Chrome, corrections, internal, masked, not_found_page, render, yuan};
use crate::roles::Action;
use crate::state::{AppState, User};

pub struct Row {
    pub cells: Vec<String>,
    /// The record's correction page ("" for none).
    pub link: String,
}

#[derive(Template)]
#[template(path = "daily/person.html")]
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

fn rows_of(st: &AppState, file: &DailyFile) -> [Vec<Row>; 6] {
    // A row of the record `key` of `town` and `year`, with its correction.
    let row = |cells: Vec<String>, town, year, person: &CitizenId, key| Row {
        cells,
        link: corrections::link(
            st,
            town,
            year,
            &Target::Daily {
                person: person.clone(),
                key,
            },
        ),
    };
    let mut rotas: Vec<Row> = file
        .rotas
        .iter()
        .map(|r| {
            let cells = vec![
                r.since.to_string(),
                r.office_days.to_string(),
                r.office_hours.clone(),
                r.duty.clone(),
            ];
            row(
                cells,
                r.town,
                r.since.year(),
                &r.person,
                DailyKey::Rota(r.since),
            )
        })
        .collect();
    rotas.reverse();
    let mut works: Vec<&WorkRecord> = file.work_records.iter().collect();
    works.sort_by_key(|w| std::cmp::Reverse((w.on, w.seq)));
    let works = works
        .into_iter()
        .map(|w| {
            let cells = vec![w.on.to_string(), w.text.clone()];
            row(cells, w.town, w.on.year(), &w.person, DailyKey::Work(w.seq))
        })
        .collect();
    let reports = file
        .reports
        .iter()
        .rev()
        .map(|r| {
            let cells = vec![
                r.year.to_string(),
                r.given_on.to_string(),
                r.outcome.label().to_owned(),
                r.note.clone(),
            ];
            row(cells, r.town, r.year, &r.person, DailyKey::Report(r.year))
        })
        .collect();
    let honours = file
        .honours
        .iter()
        .map(|h| {
            let cells = vec![
                h.on.to_string(),
                h.title.clone(),
                h.level.label().to_owned(),
                h.awarded_by.clone(),
            ];
            row(
                cells,
                h.town,
                h.on.year(),
                &h.person,
                DailyKey::Honour(h.seq),
            )
        })
        .collect();
    let recruitments = file
        .recruitments
        .iter()
        .map(|r| {
            let cells = vec![
                r.on.to_string(),
                r.kind.label().to_owned(),
                r.post.clone(),
                r.note.clone(),
            ];
            let key = DailyKey::Recruitment(r.seq);
            row(cells, r.town, r.on.year(), &r.person, key)
        })
        .collect();
    let pensions = file
        .pensions
        .iter()
        .map(|x| {
            let cells = vec![
                x.year.to_string(),
                x.paid_on.to_string(),
                yuan(x.amount_fen),
                x.note.clone(),
            ];
            row(cells, x.town, x.year, &x.person, DailyKey::Pension(x.seq))
        })
        .collect();
    [rotas, works, reports, honours, recruitments, pensions]
}

pub(super) async fn person_page(
    st: &AppState,
    user: &User,
    origin: &str,
    id: &CitizenId,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let desk = match st.desk(user, Action::Daily) {
        Ok(d) => d,
        Err(e) => return e.into_response(),
    };
    let store = desk.store();
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
    // The desk's town (every town's records for the city).
    let own = desk.town().copied();
    let today = st.today();
    let (in_post, problem) = match office::in_post(store, st.policy(), own, Some(id), today).await {
        Ok(s) => (s.into_iter().next(), None),
        // No policy in force today: the records, without reminders.
        Err(OfficeError::Invalid(m)) => (None, Some(m)),
        Err(e) => return PageError::from(e).into_response(),
    };
    let file = match office::file(store, id, own).await {
        Ok(f) => f,
        Err(e) => return PageError::from(e).into_response(),
    };
    let who = match &in_post {
        Some(s) => format!("{} {}", s.secretary.village_name, s.secretary.name),
        None => match st.reader(user).person(id.as_str()).await {
            Ok(Some(f)) => f.person.name,
            Ok(None) => return not_found_page(),
            Err(e) => return internal(e.into()),
        },
    };
    let by = by(user);
    let key = st.person_ref(id);
    let [rotas, works, reports, honours, recruitments, pensions] = rows_of(st, &file);
    let mut page = PersonPage {
        chrome: Chrome::new(&format!("日常管理与待遇保障：{who}"), Some(user), "/daily"),
        town: in_post
            .as_ref()
            .map(|s| s.secretary.town.as_str().to_owned())
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
            .map(|l| leave_line(st, &by, who.clone(), l))
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
                link: String::new(),
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
    match (problem, &in_post) {
        (Some(m), _) => page.problem = Some(m),
        (None, None) => {
            page.problem = Some("不是本范围在任的村党组织书记：只显示已有记录，不再提醒".into())
        }
        (None, Some(s)) => {
            page.reminders = s.reminders.iter().map(office::sentence).collect();
            page.may_keep = office::may_keep(&by, s.secretary.town);
        }
    }
    render(&page, status)
}

/// `GET /daily/{person}`.
pub async fn person(
    State(st): State<AppState>,
    SignedIn { user, origin, .. }: SignedIn<act::Daily>,
    Path(key): Path<String>,
) -> Result<Response, PageError> {
    let id = st.person_id(&key).ok_or(PageError::NotFound)?;
    Ok(person_page(&st, &user, &origin, &id, None, StatusCode::OK).await)
}
