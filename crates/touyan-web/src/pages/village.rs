//! One village's file (`GET /villages/{code}`): its posts, reserves,
//! young cadres and list entries, and its yearly facts (村年度情况: 党组织
//! 星级, 集体经济收入, 综合考核得分和名次) with the form that records and
//! corrects them (`POST /villages/{code}/years`; issue 18, item 8) — the
//! place the year's list page links to for a village whose facts are
//! missing.
//!
//! The form is the workbook's 村年度情况 sheet as one row: its fields are
//! the sheet's columns, read with the import's checks
//! (`touyan_excel::form`); who may record, the village's scope and the
//! audited write are `touyan_office::year_start`'s. A refused form comes
//! back with what was typed, each problem beside its field and a summary
//! at the top.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use touyan_excel::form::{FormField, form_fields, form_texts, read_form};
use touyan_excel::spec::Kind;
use touyan_office::OfficeError;
use touyan_office::year_start::{self, Recorded};
use touyan_records::VillageCode;
use touyan_records::model::{Labelled, VillageYear};
use touyan_storage::VillageFile;

use super::{Chrome, Section, opt, rank, render};
use crate::guard::see_other;
use crate::http::{PageError, SignedForm, SignedIn, act};
use crate::roles::Action;
use crate::scope::{by, by_from};
use crate::state::{AppState, User};

/// One year's facts as the table shows them.
pub struct YearLine {
    pub year: i32,
    pub stars: String,
    pub income: String,
    pub score: String,
    pub rank: String,
}

/// One field of the facts' form.
pub struct FieldView {
    /// `c<column>`: the column's place in the sheet.
    pub name: String,
    pub label: &'static str,
    pub help: String,
    pub value: String,
    pub error: Option<String>,
    pub inputmode: &'static str,
    pub required: bool,
}

/// The facts' form: what it shows, and a refusal's summary.
pub struct YearForm {
    /// The year whose stored row the form opened with.
    pub correcting: Option<i32>,
    pub error: Option<String>,
    pub fields: Vec<FieldView>,
}

#[derive(Template)]
#[template(path = "people/village.html")]
struct VillagePage {
    chrome: Chrome,
    code: String,
    facts: Vec<(&'static str, String)>,
    years: Vec<YearLine>,
    /// What the last save did, and where to go next (href, text).
    saved: Option<(String, Option<(String, String)>)>,
    /// `None`: the user may not record.
    form: Option<YearForm>,
    /// Why a form sent by a user who may not record was refused.
    refused: Option<String>,
    sections: Vec<Section>,
}

#[derive(Deserialize, Default)]
pub struct VillageQuery {
    /// The year the form opens with (its row's values, if any).
    year: Option<String>,
    /// A year just saved, and how (`new`, `corrected`, `same`).
    saved: Option<String>,
    how: Option<String>,
}

/// What a refused form shows again: the sentence at the top, what was
/// typed by field name, and each field's problem.
#[derive(Default)]
struct Kept {
    error: Option<String>,
    values: Vec<(String, String)>,
    problems: Vec<(usize, String)>,
}

/// The sheet's fields the form asks for (the village is the page's).
fn fields() -> Vec<FormField> {
    form_fields::<VillageYear>()
        .into_iter()
        .filter(|f| !matches!(f.kind, Kind::Village))
        .collect()
}

fn name(f: &FormField) -> String {
    format!("c{}", f.column)
}

/// The form for `user` (`None`: may not record): `kept` after a refusal;
/// else, for the year asked for (the list page's link, a row's 更正), that
/// year and its row's values, if on record; else empty (nothing is put in
/// a field the user did not ask for: a year typed over a prefilled one
/// would carry another year's facts).
fn year_form(user: &User, file: &VillageFile, asked: Option<&str>, kept: Kept) -> Option<YearForm> {
    year_start::may_record(&by(user), &file.village.code.town()).ok()?;
    let mut correcting = None;
    let values: Vec<(usize, String)> = if kept.values.is_empty() {
        match asked.and_then(|y| y.trim().parse::<i32>().ok()) {
            None => Vec::new(),
            Some(year) => match file.years.iter().find(|y| y.year == year) {
                Some(y) => {
                    correcting = Some(year);
                    form_texts(y)
                }
                None => fields()
                    .into_iter()
                    .find(|f| f.header == "年度")
                    .map(|f| (f.column, year.to_string()))
                    .into_iter()
                    .collect(),
            },
        }
    } else {
        fields()
            .iter()
            .map(|f| {
                let n = name(f);
                let v = kept
                    .values
                    .iter()
                    .find(|(k, _)| *k == n)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default();
                (f.column, v)
            })
            .collect()
    };
    let error = kept.error.or_else(|| {
        (!kept.problems.is_empty()).then(|| {
            let all = form_fields::<VillageYear>();
            let lines: Vec<String> = kept
                .problems
                .iter()
                .map(|(c, m)| {
                    let header = all.iter().find(|f| f.column == *c).map_or("", |f| f.header);
                    format!("{header}：{m}")
                })
                .collect();
            format!(
                "未保存，请更正以下 {} 处：{}",
                lines.len(),
                lines.join("；")
            )
        })
    });
    Some(YearForm {
        correcting,
        error,
        fields: fields()
            .into_iter()
            .map(|f| FieldView {
                name: name(&f),
                label: f.header,
                value: values
                    .iter()
                    .find(|(c, _)| *c == f.column)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default(),
                error: kept
                    .problems
                    .iter()
                    .find(|(c, _)| *c == f.column)
                    .map(|(_, m)| m.clone()),
                inputmode: match f.kind {
                    Kind::Decimal { .. } => "decimal",
                    _ => "numeric",
                },
                required: f.required,
                help: f.help,
            })
            .collect(),
    })
}

/// The village's tables other than its yearly facts.
fn sections(file: &VillageFile) -> Vec<Section> {
    vec![
        Section {
            title: "任职记录",
            headers: vec!["姓名", "职务", "起", "止"],
            rows: file
                .posts
                .iter()
                .map(|(p, name)| {
                    vec![
                        name.clone(),
                        p.role.label().to_owned(),
                        p.start.to_string(),
                        p.end.map_or_else(|| "至今".to_owned(), |d| d.to_string()),
                    ]
                })
                .collect(),
        },
        Section {
            title: "后备力量",
            headers: vec!["姓名", "岗位", "列入日期", "移出日期"],
            rows: file
                .reserves
                .iter()
                .map(|(r, name)| {
                    vec![
                        name.clone(),
                        r.post.label().to_owned(),
                        r.listed_on.to_string(),
                        opt(&r.removed_on),
                    ]
                })
                .collect(),
        },
        Section {
            title: "年轻干部",
            headers: vec!["姓名", "开始日期", "得分", "备案日期"],
            rows: file
                .young_cadres
                .iter()
                .map(|(y, name)| {
                    vec![
                        name.clone(),
                        y.programme_start.to_string(),
                        y.score.to_string(),
                        opt(&y.filed_on),
                    ]
                })
                .collect(),
        },
        Section {
            title: "专业化管理名单",
            headers: vec!["年度", "姓名", "档次", "状态"],
            rows: file
                .list_entries
                .iter()
                .map(|(e, name)| {
                    vec![
                        e.year.to_string(),
                        name.clone(),
                        e.tier.to_string(),
                        e.status.label().to_owned(),
                    ]
                })
                .collect(),
        },
    ]
}

/// What the last save did, from the page's query.
fn saved_note(file: &VillageFile, q: &VillageQuery) -> Option<(String, Option<(String, String)>)> {
    let year: i32 = q.saved.as_deref()?.trim().parse().ok()?;
    let said = match q.how.as_deref() {
        Some("new") => format!("已保存 {year} 年村情。"),
        Some("corrected") => format!("已更正 {year} 年村情，原记录保留在操作日志中。"),
        Some("same") => format!("{year} 年村情与已登记的相同，未作改动。"),
        _ => return None,
    };
    let next = year + 1;
    let list = (
        format!("/lists/{next}/{}", file.village.code.town().as_str()),
        format!("{next} 年度名单（按 {year} 年村情测算，补录后请重新测算建议名单）"),
    );
    Some((said, Some(list)))
}

/// The village's page with `kept` (a refused form) and `status`.
fn page(
    user: &User,
    file: &VillageFile,
    q: &VillageQuery,
    kept: Kept,
    status: StatusCode,
) -> Response {
    let v = &file.village;
    let mut years: Vec<&VillageYear> = file.years.iter().collect();
    years.sort_by_key(|y| std::cmp::Reverse(y.year));
    render(
        &VillagePage {
            chrome: Chrome::new(&v.name, Some(user), "/villages"),
            code: v.code.as_str().to_owned(),
            facts: vec![
                ("代码", v.code.as_str().to_owned()),
                ("镇街区", file.town_name.clone()),
                ("类别", v.kind.zh().to_owned()),
            ],
            years: years
                .into_iter()
                .map(|y| YearLine {
                    year: y.year,
                    stars: y.stars.to_string(),
                    income: y.collective_income_wan.to_string(),
                    score: opt(&y.assessment_score),
                    rank: rank(y.assessment_rank),
                })
                .collect(),
            saved: saved_note(file, q),
            refused: kept.error.clone(),
            form: year_form(user, file, q.year.as_deref(), kept),
            sections: sections(file),
        },
        status,
    )
}

pub async fn village(
    State(st): State<AppState>,
    SignedIn { user, .. }: SignedIn<act::Villages>,
    Path(code): Path<String>,
    Query(q): Query<VillageQuery>,
) -> Result<Response, PageError> {
    let file = st
        .reader(&user)
        .village(&code)
        .await?
        .ok_or(PageError::NotFound)?;
    Ok(page(&user, &file, &q, Kept::default(), StatusCode::OK))
}

/// `POST /villages/{code}/years`: the village's facts of a year — `c1`
/// 年度, `c2` 党组织星级, `c3` 集体经济收入（万元）, `c4` 综合考核得分, `c5`
/// 综合考核名次 (the 村年度情况 sheet's columns) — and `csrf`. Saved in
/// place of the year's row, back to the page saying so; refused on the
/// page with what was typed. Another town's village is missing.
pub async fn record_year(
    State(st): State<AppState>,
    Path(code): Path<String>,
    SignedForm {
        user, origin, form, ..
    }: SignedForm<act::Villages, Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let village = VillageCode::parse(&code).map_err(|_| PageError::NotFound)?;
    let desk = st.town_desk(&user, Action::Villages, &village.town())?;
    let file = st
        .reader(&user)
        .village(&code)
        .await?
        .ok_or(PageError::NotFound)?;
    let by = by_from(&user, &origin);
    let values: Vec<(String, String)> = fields()
        .iter()
        .map(|f| {
            let n = name(f);
            let v = crate::scope::field(&form, &n).to_owned();
            (n, v)
        })
        .collect();
    let q = VillageQuery::default();
    let refused = |status, kept| Ok(page(&user, &file, &q, kept, status));
    // Who may, before what was typed.
    if let Err(e) = year_start::may_record(&by, &village.town()) {
        return office_refusal(e, values).map_or_else(Err, |(s, k)| refused(s, k));
    }
    let mut texts: Vec<(usize, &str)> = vec![(0, code.as_str())];
    for f in fields() {
        let n = name(&f);
        let v = values.iter().find(|(k, _)| *k == n).map_or("", |(_, v)| v);
        texts.push((f.column, v));
    }
    let fact = match read_form::<VillageYear>(&texts, &|v| *v == village) {
        Ok(fact) => fact,
        Err(problems) => {
            let kept = Kept {
                error: None,
                values,
                problems,
            };
            return refused(StatusCode::UNPROCESSABLE_ENTITY, kept);
        }
    };
    match year_start::record_village_year(desk.store(), &by, &fact).await {
        Ok(done) => {
            let how = match done {
                Recorded::New => "new",
                Recorded::Corrected => "corrected",
                Recorded::Same => "same",
            };
            Ok(see_other(&format!(
                "/villages/{code}?saved={}&how={how}#village-years",
                fact.year
            )))
        }
        Err(e) => office_refusal(e, values).map_or_else(Err, |(s, k)| refused(s, k)),
    }
}

/// An office refusal shown on the page with what was typed (missing and
/// the store's failures as their own pages).
fn office_refusal(
    e: OfficeError,
    values: Vec<(String, String)>,
) -> Result<(StatusCode, Kept), PageError> {
    let status = match &e {
        OfficeError::NotFound | OfficeError::Store(_) => return Err(e.into()),
        OfficeError::Forbidden(_) => StatusCode::FORBIDDEN,
        OfficeError::Conflict(_) => StatusCode::CONFLICT,
        OfficeError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
    };
    Ok((
        status,
        Kept {
            error: Some(e.to_string()),
            values,
            problems: Vec::new(),
        },
    ))
}
