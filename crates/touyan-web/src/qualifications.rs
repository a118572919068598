//! Qualification in the browser (issue 5, item 2; Article 7), read from
//! the records: every cadre holding a two-committee post in the town's
//! villages, whether they work with a rural cadre qualification
//! certificate (持证上岗), which required courses they have still to pass,
//! and the order in which those without a college degree would be enrolled
//! in a degree-study class (professionalized secretaries first). Exams and
//! certificates come in through the import.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use touyan_records::model::{CourseKind, Labelled, Records};
use touyan_rules::art07_qualification::{self, Course};
use touyan_rules::people::Education;

use crate::pages::{Chrome, internal, masked, not_found_page, render, signed_in};
use crate::roles::Action;
use crate::scope::page_town;
use crate::state::AppState;

#[derive(Deserialize, Default)]
pub struct QualificationQuery {
    town: Option<String>,
    /// "missing": only those without a certificate.
    show: Option<String>,
}

pub struct CadreLine {
    pub village_name: String,
    pub name: String,
    pub person_id: String,
    pub posts: String,
    pub professionalized: bool,
    pub certificate: String,
    pub certified: bool,
    pub courses: String,
}

#[derive(Template)]
#[template(path = "qualifications.html")]
struct QualificationsPage {
    chrome: Chrome,
    town: String,
    towns: Vec<(String, String)>,
    problem: Option<String>,
    only_missing: bool,
    lines: Vec<CadreLine>,
    without: usize,
    enrolment: Vec<String>,
    enrolment_reason: String,
}

fn course_of(k: CourseKind) -> Course {
    match k {
        CourseKind::PartyBuilding => Course::PartyBuilding,
        CourseKind::CollectiveEconomy => Course::CollectiveEconomy,
        CourseKind::ConflictResolution => Course::ConflictResolution,
        CourseKind::VocationalSkills => Course::VocationalSkills,
        CourseKind::LivelihoodServices => Course::LivelihoodServices,
    }
}

pub async fn show(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<QualificationQuery>,
) -> Response {
    let user = match signed_in(&st, &headers, Action::Qualifications).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let Ok(town) = page_town(&user, q.town.as_deref()) else {
        return not_found_page();
    };
    let towns = match st.reader(&user).towns().await {
        Ok(t) => t,
        Err(e) => return internal(e.into()),
    };
    let only_missing = q.show.as_deref() == Some("missing");
    let mut p = QualificationsPage {
        chrome: Chrome::new("资格与学历", Some(&user), "/qualifications"),
        town: town.map(|t| t.as_str().to_owned()).unwrap_or_default(),
        towns,
        problem: None,
        only_missing,
        lines: Vec::new(),
        without: 0,
        enrolment: Vec::new(),
        enrolment_reason: String::new(),
    };
    let Some(town) = town else {
        p.problem = Some("请选择镇街区".into());
        return render(&p, StatusCode::OK);
    };
    let Some(store) = st.unscoped_for(&user, Action::Qualifications) else {
        return crate::pages::forbidden();
    };
    let today = st.today();
    let r = match store.town_records(today.year(), town).await {
        Ok(r) => r,
        Err(e) => return internal(e.into()),
    };
    let params = match st.policy().resolve(today) {
        Ok(x) => x,
        Err(e) => {
            p.problem = Some(format!("政策参数无法用于 {today}：{e}"));
            return render(&p, StatusCode::OK);
        }
    };
    fill(&st, &mut p, &r, &params, today);
    render(&p, StatusCode::OK)
}

fn fill(
    st: &AppState,
    p: &mut QualificationsPage,
    r: &Records,
    params: &touyan_rules::Params,
    today: time::Date,
) {
    // Current posts, one line per person (their posts joined).
    let mut people: Vec<(&touyan_records::CitizenId, Vec<String>, String)> = Vec::new();
    for post in r
        .posts
        .iter()
        .filter(|x| x.start <= today && x.end.is_none_or(|d| d >= today))
    {
        let village = r
            .villages
            .iter()
            .find(|v| v.code == post.village)
            .map_or_else(|| post.village.as_str().to_owned(), |v| v.name.clone());
        match people.iter_mut().find(|(id, _, _)| **id == post.person) {
            Some((_, roles, _)) => roles.push(post.role.label().to_owned()),
            None => people.push((&post.person, vec![post.role.label().to_owned()], village)),
        }
    }
    people.sort_by(|a, b| a.2.cmp(&b.2).then_with(|| a.0.as_str().cmp(b.0.as_str())));
    let listed = |id: &touyan_records::CitizenId| {
        r.list_entries
            .iter()
            .any(|e| e.person == *id && e.year == today.year())
    };
    let mut degree: Vec<(String, bool)> = Vec::new();
    for (id, roles, village) in &people {
        let person = r.people.iter().find(|x| x.id == **id);
        let name = person.map_or_else(String::new, |x| x.name.clone());
        let cert = r
            .certificates
            .iter()
            .filter(|c| c.person == **id)
            .max_by_key(|c| c.issued_on);
        let check = art07_qualification::certificate(params, cert.is_some());
        let passed: Vec<Course> = r
            .exam_results
            .iter()
            .filter(|x| x.person == **id && x.passed)
            .map(|x| course_of(x.course))
            .collect();
        let courses = art07_qualification::courses_missing(&passed);
        let professionalized = listed(id);
        if person.is_some_and(|x| x.education < Education::College) {
            degree.push((format!("{village} {name}"), professionalized));
        }
        if !check.outcome {
            p.without += 1;
        }
        if p.only_missing && check.outcome {
            continue;
        }
        p.lines.push(CadreLine {
            village_name: village.clone(),
            name,
            person_id: masked(id),
            posts: roles.join("、"),
            professionalized,
            certificate: match cert {
                Some(c) => format!("{}（{}）", c.number, c.issued_on),
                None => format!("{}（{}）", check.reason, check.rule.citation()),
            },
            certified: check.outcome,
            courses: courses.reason.clone(),
        });
    }
    let flags: Vec<bool> = degree.iter().map(|(_, f)| *f).collect();
    let order = art07_qualification::degree_enrolment_order(params, &flags);
    p.enrolment_reason = format!("{}（{}）", order.reason, order.rule.citation());
    p.enrolment = order
        .outcome
        .iter()
        .filter_map(|&i| degree.get(i))
        .map(|(who, prof)| {
            if *prof {
                format!("{who}（专业化书记）")
            } else {
                who.clone()
            }
        })
        .collect();
    let _ = st;
}
