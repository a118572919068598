//! `GET /qualifications`: a town's cadres with their certificate and
//! the required courses still to pass (or only those without a
//! certificate), those who may apply to a degree-study class and this
//! year's applicants in enrolment order, with the forms the user may fill
//! in. The cadres and the degree-study table are shown `ROWS_PER_PAGE`
//! rows a page (`page`, `dpage`), the filter kept on every page link; the
//! figures above them count every cadre of the town (or of the filter).
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
use crate::pages::{Chrome, Pager, internal, masked, not_found_page, page_number, render};
use crate::roles::Action;
use crate::row_filter::RowFilter;
use crate::scope::{by, page_town};
use crate::state::{AppState, User};

/// Rows of the cadres' and of the degree-study table a page shows (a
/// town of 159 cadres was a 17,680 px page at 1280 px).
pub const ROWS_PER_PAGE: u32 = 50;

#[derive(Deserialize, Default)]
pub struct QualificationQuery {
    town: Option<String>,
    /// "missing": only those without a certificate.
    show: Option<String>,
    /// Words of a village's or a cadre's name: only the cadres they name.
    q: Option<String>,
    /// The page of the cadres' table (text: a bad number is the first).
    page: Option<String>,
    /// The page of the degree-study table.
    dpage: Option<String>,
}

/// What a qualification page shows of a town: the filter and the page
/// of each table (as asked: a page past the last is shown as the last).
#[derive(Clone, Debug, Default)]
pub(super) struct Shown {
    pub filter: RowFilter,
    pub page: u32,
    pub degree_page: u32,
}

impl Shown {
    fn of(q: &QualificationQuery) -> Self {
        Self {
            filter: RowFilter::new(q.q.as_deref(), q.show.as_deref() == Some("missing")),
            page: page_number(&q.page),
            degree_page: page_number(&q.dpage),
        }
    }

    /// The view a form posted back (its `view` field, a query string as
    /// `query` writes it), so that the answer shows the same page. A
    /// value with a character refused in a query (a control or a
    /// direction character, once decoded) is left out.
    pub(super) fn posted(view: &str) -> Self {
        let mut q = QualificationQuery::default();
        for (k, v) in form_urlencoded::parse(view.as_bytes())
            .filter(|(_, v)| touyan_records::text::refused_char(v).is_none())
        {
            let v = Some(v.into_owned());
            match &*k {
                "q" => q.q = v,
                "show" => q.show = v,
                "page" => q.page = v,
                "dpage" => q.dpage = v,
                _ => {}
            }
        }
        Self::of(&q)
    }

    /// The filter's and the pages' query pairs (the town aside), those
    /// at their default empty.
    fn pairs(&self) -> [(&'static str, String); 4] {
        let page = |n: u32| if n > 1 { n.to_string() } else { String::new() };
        [
            ("q", self.filter.text.clone()),
            (
                "show",
                if self.filter.only_problems {
                    "missing"
                } else {
                    ""
                }
                .to_owned(),
            ),
            ("page", page(self.page)),
            ("dpage", page(self.degree_page)),
        ]
    }

    /// The query string of this view (the town aside; "" for the
    /// default), URL-encoded.
    pub(super) fn query(&self) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in self.pairs().iter().filter(|(_, v)| !v.is_empty()) {
            s.append_pair(k, v);
        }
        s.finish()
    }

    /// The pager of one table, its links keeping the town, the filter and
    /// the other table's page.
    fn pager(&self, town: &str, param: &str, page: u32, total: usize) -> Pager {
        let pairs = self.pairs();
        let mut query: Vec<(&str, &str)> = vec![("town", town)];
        query.extend(
            pairs
                .iter()
                .filter(|(k, _)| *k != param)
                .map(|(k, v)| (*k, v.as_str())),
        );
        Pager::sized(
            "/qualifications",
            &query,
            param,
            page,
            total as u64,
            ROWS_PER_PAGE,
        )
    }
}

/// The rows of `page` (from 1) at `ROWS_PER_PAGE` a page.
fn page_rows<T>(rows: impl Iterator<Item = T>, page: u32) -> impl Iterator<Item = T> {
    let per = ROWS_PER_PAGE as usize;
    rows.skip((page as usize - 1).saturating_mul(per)).take(per)
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
    /// The cadres the filter shows (on every page), this page of them
    /// and its pager.
    matching: usize,
    lines: Vec<CadreLine>,
    pager: Pager,
    /// Every cadre the filter shows, for the exam form's choice: (key,
    /// village, name, masked ID number).
    choices: Vec<(String, String, String, String)>,
    /// How many cadres may apply to degree study (the words of the
    /// filter narrow `degree` too), how many of them the words name, this
    /// page of them and its pager.
    degree_total: usize,
    without: usize,
    degree_matching: usize,
    degree: Vec<DegreeLine>,
    degree_pager: Pager,
    /// The view's query string, posted back by the forms (`view`).
    view: String,
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
    shown: &Shown,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let filter = &shown.filter;
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
        matching: 0,
        lines: Vec::new(),
        pager: shown.pager("", "page", 1, 0),
        choices: Vec::new(),
        degree_total: 0,
        without: 0,
        degree_matching: 0,
        degree: Vec::new(),
        degree_pager: shown.pager("", "dpage", 1, 0),
        view: shown.query(),
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
    fill(st, &mut p, &ty, &params, today, shown);
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
    page(&st, &user, town, &Shown::of(&q), None, StatusCode::OK).await
}

fn fill(
    st: &AppState,
    p: &mut QualificationsPage,
    ty: &TownYear,
    params: &touyan_rules::Params,
    today: time::Date,
    shown: &Shown,
) {
    let filter = &shown.filter;
    let v = ty.view(params, today);
    p.without = v.without;
    p.cadres = v.cadres.len();
    p.degree_total = v.degree.len();
    let degree: Vec<_> = v
        .degree
        .iter()
        .filter(|d| filter.names(&[&d.who]))
        .collect();
    p.degree_matching = degree.len();
    let degree_page = Pager::within(shown.degree_page, degree.len() as u64, ROWS_PER_PAGE);
    let mut degree_pager = shown.pager(&p.town, "dpage", degree_page, degree.len());
    // Paging the degree-study table lands on it, not on the page's top.
    for link in [&mut degree_pager.prev, &mut degree_pager.next]
        .into_iter()
        .flatten()
    {
        link.push_str("#degree-part");
    }
    p.degree_pager = degree_pager;
    p.degree = page_rows(degree.into_iter(), degree_page)
        .map(|d| DegreeLine {
            key: st.person_ref(d.person),
            who: d.who.clone(),
            education: d.education.zh(),
            professionalized: d.professionalized,
            applied_on: d.applied_on.map_or_else(String::new, |x| x.to_string()),
        })
        .collect();
    let cadres: Vec<_> = v
        .cadres
        .iter()
        .filter(|c| filter.shows(&[&c.cadre.village_name, &c.name], !c.certified))
        .collect();
    p.matching = cadres.len();
    let page = Pager::within(shown.page, cadres.len() as u64, ROWS_PER_PAGE);
    p.pager = shown.pager(&p.town, "page", page, cadres.len());
    if p.may_exam {
        p.choices = cadres
            .iter()
            .map(|c| {
                let key = st.person_ref(c.cadre.person);
                let id = masked(c.cadre.person);
                (key, c.cadre.village_name.clone(), c.name.clone(), id)
            })
            .collect();
    }
    p.lines = page_rows(cadres.into_iter(), page)
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
