//! `GET /qualifications`: a town's cadres with their certificate and
//! the required courses still to pass (or only those without a
//! certificate), those who may apply to a degree-study class and this
//! year's applicants in enrolment order, with the forms the user may fill
//! in.
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use touyan_office::qualifications::{self as office, Recording, TownYear};
use touyan_office::when;
use touyan_records::TownCode;
use touyan_records::model::{CourseKind, Labelled};

use crate::http::{SignedIn, act};
use crate::pages::{Chrome, internal, masked, not_found_page, render};
use crate::roles::Action;
use crate::row_filter::RowFilter;
use crate::scope::{by, page_town};
use crate::state::{AppState, User};

#[derive(Deserialize, Default)]
pub struct QualificationQuery {
    town: Option<String>,
    /// "missing": only those without a certificate.
    show: Option<String>,
    /// Words of a village's or a cadre's name: only the cadres they name.
    q: Option<String>,
}

pub struct CadreLine {
    pub key: String,
    pub village_name: String,
    pub name: String,
    pub person_id: String,
    pub posts: String,
    pub professionalized: bool,
    pub certificate: String,
    pub certified: bool,
    pub courses: String,
    /// Every required course passed and no certificate yet.
    pub certifiable: bool,
}

/// A cadre without a college degree, who may apply to a degree-study class.
pub struct DegreeLine {
    pub key: String,
    pub who: String,
    pub education: &'static str,
    pub professionalized: bool,
    /// The day applied this year ("" when not).
    pub applied_on: String,
}

#[derive(Template)]
#[template(path = "qualifications/town.html")]
struct QualificationsPage {
    chrome: Chrome,
    year: i32,
    town: String,
    towns: Vec<(String, String)>,
    problem: Option<String>,
    error: Option<String>,
    only_missing: bool,
    /// The words of the filter ("" for none), whether the filter narrows
    /// the cadres, and how many cadres the town has.
    filter_text: String,
    filtered: bool,
    cadres: usize,
    lines: Vec<CadreLine>,
    /// How many cadres may apply to degree study (the words of the
    /// filter narrow `degree` too).
    degree_total: usize,
    without: usize,
    degree: Vec<DegreeLine>,
    enrolment: Vec<String>,
    enrolment_reason: String,
    may_exam: bool,
    may_certify: bool,
    may_enrol: bool,
    courses: Vec<(&'static str, &'static str)>,
    today: String,
}

pub(super) async fn page(
    st: &AppState,
    user: &User,
    town: Option<TownCode>,
    filter: &RowFilter,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let towns = match st.reader(user).towns().await {
        Ok(t) => t,
        Err(e) => return internal(e.into()),
    };
    let Some(town) = town else {
        // A city role with no town chosen: the city's overview.
        return super::city::page(st, user, towns, error, status).await;
    };
    let today = st.today();
    let mut p = QualificationsPage {
        chrome: Chrome::new("资格与学历", Some(user), "/qualifications"),
        year: today.year(),
        town: town.as_str().to_owned(),
        towns,
        problem: None,
        error,
        only_missing: filter.only_problems,
        filter_text: filter.text.clone(),
        filtered: filter.active(),
        cadres: 0,
        lines: Vec::new(),
        degree_total: 0,
        without: 0,
        degree: Vec::new(),
        enrolment: Vec::new(),
        enrolment_reason: String::new(),
        may_exam: false,
        may_certify: false,
        may_enrol: false,
        courses: CourseKind::ALL
            .iter()
            .map(|c| (c.code(), c.label()))
            .collect(),
        today: today.to_string(),
    };
    let desk = match st.town_desk(user, Action::Qualifications, &town) {
        Ok(d) => d,
        Err(e) => return axum::response::IntoResponse::into_response(e),
    };
    let store = desk.store();
    let ty = match office::town_year(store, today.year(), town).await {
        Ok(x) => x,
        Err(e) => {
            return axum::response::IntoResponse::into_response(crate::http::PageError::from(e));
        }
    };
    let params = match when::params_on(st.policy(), today) {
        Ok(x) => x,
        Err(e) => {
            p.problem = Some(e.to_string());
            return render(&p, status);
        }
    };
    let by = by(user);
    p.may_exam = ty.may(&by, Recording::Exam);
    p.may_certify = ty.may(&by, Recording::Certificate);
    p.may_enrol = ty.may(&by, Recording::Enrolment);
    fill(st, &mut p, &ty, &params, today, filter);
    render(&p, status)
}

pub async fn show(
    State(st): State<AppState>,
    SignedIn { user, .. }: SignedIn<act::Qualifications>,
    Query(q): Query<QualificationQuery>,
) -> Response {
    let Ok(town) = page_town(&user, q.town.as_deref()) else {
        return not_found_page();
    };
    let filter = RowFilter::new(q.q.as_deref(), q.show.as_deref() == Some("missing"));
    page(&st, &user, town, &filter, None, StatusCode::OK).await
}

fn fill(
    st: &AppState,
    p: &mut QualificationsPage,
    ty: &TownYear,
    params: &touyan_rules::Params,
    today: time::Date,
    filter: &RowFilter,
) {
    let v = ty.view(params, today);
    p.without = v.without;
    p.cadres = v.cadres.len();
    p.degree_total = v.degree.len();
    p.degree = v
        .degree
        .iter()
        .filter(|d| filter.names(&[&d.who]))
        .map(|d| DegreeLine {
            key: st.person_ref(d.person),
            who: d.who.clone(),
            education: d.education.zh(),
            professionalized: d.professionalized,
            applied_on: d.applied_on.map_or_else(String::new, |x| x.to_string()),
        })
        .collect();
    p.lines = v
        .cadres
        .iter()
        .filter(|c| filter.shows(&[&c.cadre.village_name, &c.name], !c.certified))
        .map(|c| CadreLine {
            key: st.person_ref(c.cadre.person),
            village_name: c.cadre.village_name.clone(),
            name: c.name.clone(),
            person_id: masked(c.cadre.person),
            posts: c
                .cadre
                .posts
                .iter()
                .map(|x| x.label())
                .collect::<Vec<_>>()
                .join("、"),
            professionalized: c.professionalized,
            certificate: match c.certificate {
                Some(x) => format!("{}（{}）", x.number, x.issued_on),
                None => c.certificate_sentence.clone(),
            },
            certified: c.certified,
            certifiable: c.certifiable,
            courses: c.courses.clone(),
        })
        .collect();
    p.enrolment_reason = v.enrolment_reason;
    p.enrolment = v
        .enrolment
        .iter()
        .map(|e| {
            let x = e.enrolment;
            format!(
                "{}{}：{}，{} 报名",
                e.name.map_or_else(|| masked(&x.person), str::to_owned),
                if e.professionalized {
                    "（专业化书记）"
                } else {
                    ""
                },
                x.programme,
                x.applied_on
            )
        })
        .collect();
}
