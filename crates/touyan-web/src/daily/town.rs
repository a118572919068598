//! `GET /daily`: the city's counts of open reminders per town, or a
//! town's secretaries with their reminders, leave requests and the forms.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use touyan_office::OfficeError;
use touyan_office::daily as office;
use touyan_records::TownCode;

use super::leave::{LeaveLine, leave_line};
use super::{Choices, by, choices};
use crate::http::{PageError, SignedIn, act};
use crate::masking::person_option;
use crate::pages::{Chrome, internal, masked, render};
use crate::roles::Action;
use crate::scope::page_town;
use crate::state::{AppState, User};

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

#[derive(Template)]
#[template(path = "daily/town.html")]
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

pub(super) async fn town_page(
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
        kinds: office::KINDS,
        lines: Vec::new(),
        leaves: Vec::new(),
        may_keep: false,
        people: Vec::new(),
        back: "town",
        c: choices(st),
    };
    let desk = match st.desk_of(user, Action::Daily, town.as_ref()) {
        Ok(d) => d,
        Err(e) => return e.into_response(),
    };
    let store = desk.store();
    let today = st.today();
    let all = match office::in_post(store, st.policy(), town, None, today).await {
        Ok(s) => s,
        Err(OfficeError::Invalid(m)) => {
            // No policy in force today.
            page.problem = Some(m);
            return render(&page, status);
        }
        Err(e) => return PageError::from(e).into_response(),
    };
    let Some(town) = town else {
        // The city: counts per town (the secretaries come town by town).
        page.counts = office::per_town(&all)
            .into_iter()
            .map(|c| {
                let code = c.town.as_str();
                let name = page
                    .towns
                    .iter()
                    .find(|(t, _)| t == code)
                    .map_or_else(|| code.to_owned(), |(_, n)| n.clone());
                TownCount {
                    code: code.to_owned(),
                    name,
                    secretaries: c.secretaries,
                    reminded: c.reminded,
                    counts: c.counts,
                    total: c.total,
                }
            })
            .collect();
        if page.counts.is_empty() {
            page.problem = Some("范围内没有在任的村党组织书记".into());
        }
        return render(&page, status);
    };
    let by = by(user);
    for line in &all {
        let s = &line.secretary;
        let who = format!("{} {}", s.village_name, s.name);
        let key = st.person_ref(&s.person);
        page.lines.push(SecretaryLine {
            key: key.clone(),
            village: s.village_name.clone(),
            name: s.name.clone(),
            person_id: masked(&s.person),
            reminders: line.reminders.iter().map(office::sentence).collect(),
        });
        for l in &s.open_leaves {
            page.leaves.push(leave_line(st, &by, who.clone(), l));
        }
        page.people
            .push((key, person_option(&s.village_name, &s.name, &s.person)));
    }
    if page.lines.is_empty() {
        page.problem = Some("本镇街没有在任的村党组织书记".into());
    }
    page.may_keep = office::may_keep(&by, town);
    render(&page, status)
}

/// `GET /daily`.
pub async fn show(
    State(st): State<AppState>,
    SignedIn { user, .. }: SignedIn<act::Daily>,
    Query(q): Query<DailyQuery>,
) -> Result<Response, PageError> {
    let town = page_town(&user, q.town.as_deref()).map_err(|()| PageError::NotFound)?;
    Ok(town_page(&st, &user, town, None, StatusCode::OK).await)
}
