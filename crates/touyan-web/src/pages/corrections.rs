//! `GET /corrections` and `POST /corrections`: one recorded training
//! session, attendance, exam result, secondment, exit, reserve or daily
//! record (work record, rota, yearly report, honour, recruitment, pension
//! subsidy, leave request), with its history
//! and the forms that correct or withdraw it. This module names the
//! record from the address (people by reference, never by ID number) and
//! passes the fields as typed; who may, what depends on the record, the
//! checks and the write are `touyan_office::corrections`'s.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use touyan_office::corrections::{self as office, Correctable, DailyKey, Input, Target};
use touyan_office::signers;
use touyan_records::model::{CourseKind, Labelled, PostRole, Programme};
use touyan_records::text::parse_day;
use touyan_records::{TownCode, VillageCode};

use super::{Chrome, render};
use crate::http::{PageError, SignedForm, SignedIn, act};
use crate::roles::Action;
use crate::scope::{actor, by_from};
use crate::state::{AppState, User};

/// The fields naming a record, from the address or the form.
type Fields = Vec<(String, String)>;

/// The prefix of the form's fields naming the record, apart from the
/// corrected fields (a work record's `on` is both).
const KEY: &str = "key_";

fn field<'a>(f: &'a Fields, n: &str) -> &'a str {
    crate::scope::field(f, n)
}

/// The address of `target`'s correction page.
pub(crate) fn link(st: &AppState, town: TownCode, year: i32, target: &Target) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    q.append_pair("town", town.as_str());
    q.append_pair("year", &year.to_string());
    match target {
        Target::Session { code } => {
            q.append_pair("kind", "session");
            q.append_pair("code", code);
        }
        Target::Attendance { session, person } => {
            q.append_pair("kind", "attendance");
            q.append_pair("code", session);
            q.append_pair("person", &st.person_ref(person));
        }
        Target::Exam {
            person,
            course,
            taken_on,
        } => {
            q.append_pair("kind", "exam");
            q.append_pair("person", &st.person_ref(person));
            q.append_pair("course", course.code());
            q.append_pair("on", &taken_on.to_string());
        }
        Target::Secondment { person, start } => {
            q.append_pair("kind", "secondment");
            q.append_pair("person", &st.person_ref(person));
            q.append_pair("on", &start.to_string());
        }
        Target::Exit {
            person,
            on,
            programme,
        } => {
            q.append_pair("kind", "exit");
            q.append_pair("person", &st.person_ref(person));
            q.append_pair("on", &on.to_string());
            q.append_pair("programme", programme.code());
        }
        Target::Reserve {
            person,
            village,
            post,
            listed_on,
        } => {
            q.append_pair("kind", "reserve");
            q.append_pair("person", &st.person_ref(person));
            q.append_pair("village", village.as_str());
            q.append_pair("post", post.code());
            q.append_pair("on", &listed_on.to_string());
        }
        Target::Daily { person, key } => {
            let (kind, text) = key.code();
            q.append_pair("kind", kind);
            q.append_pair("person", &st.person_ref(person));
            q.append_pair("seq", &text);
        }
    }
    format!("/corrections?{}", q.finish())
}

/// The record the fields name (each prefixed `prefix`: none in the
/// address, `key_` in the forms, apart from the corrected fields), its
/// town and year, and the page whose role records it; `None` when they
/// name nothing.
fn named(st: &AppState, f: &Fields, prefix: &str) -> Option<(TownCode, i32, Target, Action)> {
    let key = |n: &str| field(f, &format!("{prefix}{n}")).to_owned();
    let town = TownCode::parse(&key("town")).ok()?;
    let year = crate::scope::year_of(st, Some(&key("year")))?;
    let person = || st.person_id(&key("person"));
    let on = || parse_day(&key("on"));
    let code = key("code");
    let (target, action) = match key("kind").as_str() {
        "session" if !code.is_empty() => (Target::Session { code }, Action::Training),
        "attendance" if !code.is_empty() => (
            Target::Attendance {
                session: code,
                person: person()?,
            },
            Action::Training,
        ),
        "exam" => (
            Target::Exam {
                person: person()?,
                course: CourseKind::ALL
                    .iter()
                    .copied()
                    .find(|c| c.code() == key("course"))?,
                taken_on: on()?,
            },
            Action::Qualifications,
        ),
        "secondment" => (
            Target::Secondment {
                person: person()?,
                start: on()?,
            },
            Action::Reserves,
        ),
        "exit" => {
            let programme = Programme::ALL
                .iter()
                .copied()
                .find(|p| p.code() == key("programme"))?;
            (
                Target::Exit {
                    person: person()?,
                    on: on()?,
                    programme,
                },
                // A young cadre's exit is the young-cadre page's.
                match programme {
                    Programme::Young => Action::Young,
                    _ => Action::Exits,
                },
            )
        }
        "reserve" => (
            Target::Reserve {
                person: person()?,
                village: VillageCode::parse(&key("village")).ok()?,
                post: PostRole::ALL
                    .iter()
                    .copied()
                    .find(|p| p.code() == key("post"))?,
                listed_on: on()?,
            },
            Action::Reserves,
        ),
        kind => (
            Target::Daily {
                key: DailyKey::parse(kind, &key("seq"))?,
                person: person()?,
            },
            Action::Daily,
        ),
    };
    Some((town, year, target, action))
}

/// The daily file of the person `target` names.
fn daily(st: &AppState, target: &Target) -> String {
    match target {
        Target::Daily { person, .. } => format!("/daily/{}", st.person_ref(person)),
        _ => "/daily".to_owned(),
    }
}

/// A field of the correction form.
pub struct FieldLine {
    pub name: &'static str,
    pub label: &'static str,
    /// `text`, `day`, `days`, `yesno` or `choice`.
    pub kind: &'static str,
    pub value: String,
    pub max: usize,
    pub required: bool,
    pub choices: Vec<(&'static str, &'static str)>,
}

/// One earlier correction.
pub struct HistoryLine {
    pub seq: u32,
    pub on: String,
    pub what: &'static str,
    pub by: String,
    pub reason: String,
    pub before: String,
    pub after: String,
}

#[derive(Template)]
#[template(path = "pages/correction.html")]
struct CorrectionPage {
    chrome: Chrome,
    title: String,
    back: String,
    error: Option<String>,
    facts: Vec<(&'static str, String)>,
    fields: Vec<FieldLine>,
    frozen: Option<String>,
    kept_by: Option<String>,
    history: Vec<HistoryLine>,
    related: Vec<(String, String)>,
    /// The hidden fields naming the record.
    names: Vec<(String, String)>,
    seen: String,
    reason_chars: usize,
}

fn lines(c: &Correctable) -> Vec<FieldLine> {
    c.fields
        .iter()
        .map(|f| {
            let (kind, max, required, choices) = match &f.input {
                Input::Text { max, required } => ("text", *max, *required, Vec::new()),
                Input::Day { required } => ("day", 0, *required, Vec::new()),
                Input::Days => ("days", 0, true, Vec::new()),
                Input::YesNo => ("yesno", 0, true, vec![("是", "是"), ("否", "否")]),
                Input::Choice(c) => ("choice", 0, true, c.clone()),
            };
            FieldLine {
                name: f.name,
                label: f.label,
                kind,
                value: f.value.clone(),
                max,
                required,
                choices,
            }
        })
        .collect()
}

/// The page of the record `f` names, with `error` when a form was
/// refused.
async fn page(
    st: &AppState,
    user: &User,
    f: &Fields,
    prefix: &str,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let (town, year, target, action) = named(st, f, prefix).ok_or(PageError::NotFound)?;
    let desk = st.town_desk(user, action, &town)?;
    let store = desk.store();
    let by = crate::scope::by(user);
    let c = office::find(store, &by, town, year, &target, st.today()).await?;
    let names_of: Vec<&str> = c.history.iter().map(|h| h.by.as_str()).collect();
    let signers = signers::of(store, &names_of).await?;
    let back_to = back(st, action, year, town, &target);
    let p = CorrectionPage {
        chrome: Chrome::new("更正或撤回记录", Some(user), &back_to),
        title: c.title.clone(),
        back: back_to,
        error,
        facts: c.facts.clone(),
        fields: lines(&c),
        frozen: c.frozen.clone(),
        kept_by: c.kept_by.clone(),
        history: c
            .history
            .iter()
            .map(|h| HistoryLine {
                seq: h.seq,
                on: h.on.to_string(),
                what: if h.withdrawn { "撤回" } else { "更正" },
                by: signers.name(&h.by),
                reason: h.reason.clone(),
                before: h.before.clone(),
                after: h.after.clone(),
            })
            .collect(),
        related: c
            .related
            .iter()
            .map(|(label, t)| (label.clone(), link(st, town, year, t)))
            .collect(),
        names: [
            "kind",
            "town",
            "year",
            "code",
            "person",
            "course",
            "on",
            "programme",
            "village",
            "post",
            "seq",
        ]
        .iter()
        .map(|n| {
            (
                format!("{KEY}{n}"),
                field(f, &format!("{prefix}{n}")).to_owned(),
            )
        })
        .filter(|(_, v)| !v.is_empty())
        .collect(),
        seen: c.seen_token(),
        reason_chars: office::REASON_CHARS,
    };
    Ok(render(&p, status))
}

/// `GET /corrections?kind=…&town=…&year=…` with the record's key
/// (`code`, `person` by reference, `course`, `on`, `programme`).
pub async fn show(
    State(st): State<AppState>,
    SignedIn { user, .. }: SignedIn<act::Dashboard>,
    Query(q): Query<Fields>,
) -> Result<Response, PageError> {
    page(&st, &user, &q, "", None, StatusCode::OK).await
}

/// `POST /corrections`: the record's fields as in the address, each
/// prefixed `key_`, `seen`,
/// `reason`, `action` (`correct` with the corrected fields, or
/// `withdraw`) and `csrf`. Back to the record's page with what was done;
/// a refusal shows this page again with the reason.
pub async fn record(
    State(st): State<AppState>,
    SignedForm {
        user, origin, form, ..
    }: SignedForm<act::Dashboard, Fields>,
) -> Result<Response, PageError> {
    let (town, year, target, action) = named(&st, &form, KEY).ok_or(PageError::NotFound)?;
    if !actor(&user).sees(town.as_str()) {
        return Err(PageError::NotFound);
    }
    let desk = st.town_desk(&user, action, &town)?;
    let store = desk.store();
    let by = by_from(&user, &origin);
    let seen = field(&form, "seen");
    let reason = field(&form, "reason");
    let today = st.today();
    let done = match field(&form, "action") {
        "withdraw" => office::withdraw(store, by, town, year, &target, seen, reason, today).await,
        "correct" => {
            let values = |n: &str| field(&form, n).to_owned();
            office::correct(store, by, town, year, &target, seen, &values, reason, today).await
        }
        _ => Err(touyan_office::OfficeError::Invalid(
            "请选择更正或撤回".into(),
        )),
    };
    match done {
        Ok(what) => Ok(crate::http::done(
            &back(&st, action, year, town, &target),
            &what,
        )),
        // In the user's town (checked above), the record is gone: withdrawn
        // by someone else meanwhile.
        Err(touyan_office::OfficeError::NotFound) => Ok(crate::http::done(
            &back(&st, action, year, town, &target),
            "未办理：该记录已不存在（可能已被他人撤回），请查看本页的记录",
        )),
        Err(e) => {
            let Some((status, message)) = super::files::refusal(Err(e))? else {
                return Err(PageError::NotFound);
            };
            page(&st, &user, &form, KEY, Some(message), status).await
        }
    }
}

/// The page of `action`'s records of `town` in `year`, where the record
/// is kept and the user returns to (a withdrawn one is not found again
/// to ask); a work record's is its person's daily file.
fn back(st: &AppState, action: Action, year: i32, town: TownCode, target: &Target) -> String {
    let path = match action {
        Action::Qualifications => "/qualifications",
        Action::Reserves => "/reserves",
        Action::Exits => "/exits",
        Action::Daily => return daily(st, target),
        Action::Young => return format!("/young?town={}", town.as_str()),
        _ => "/training",
    };
    format!("{path}?year={year}&town={}", town.as_str())
}
