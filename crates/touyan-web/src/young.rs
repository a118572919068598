//! Young cadres in the browser (issue 5, item 4; Article 10): a town's
//! young cadres against the 30% cap, each one's age against the limit
//! (and the extension an excellent cadre who ages out may have), and the
//! month's pay from the reference salary, factor and subsidies with "keeps
//! the higher pay" shown (the young-cadre export's builder).
//!
//! The selection (`POST /young`), each move decided by
//! `touyan_workflow::art10_young`: the town's operator scores candidates
//! (two-committee cadres other than secretaries, within the age limit),
//! the town's reviewer selects them within the cap (a place on the
//! programme, `young_cadres`, not yet filed), the city files or returns
//! them; for a filed cadre past the age limit the reviewer proposes an
//! extension after the town's review and the city grants or declines it.
//! Cadres on the programme by import without a candidate row stand as
//! selected (not yet filed) or filed.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use rust_decimal::Decimal;
use serde::Deserialize;
use time::Date;
use touyan_records::model::{
    Labelled, PostRole, Records, YoungCadre, YoungCandidate, YoungMoveKind, YoungState,
};
use touyan_records::{CitizenId, CommitteeKind, TownCode};
use touyan_reports as reports;
use touyan_rules::art10_young_cadres::{self, Candidate};
use touyan_rules::people::Degree;
use touyan_storage::{Store, YoungChange, YoungMoveRun};
use touyan_workflow::Refusal;
use touyan_workflow::art10_young::{self as flow, Extension, Facts};

use crate::forms;
use crate::guard::{csrf_ok, see_other};
use crate::pages::{Chrome, csrf_refused, internal, masked, not_found_page, render, signed_in};
use crate::roles::Action;
use crate::scope::actor;
use crate::state::{AppState, Failure, User, china_time, client_addr};

#[derive(Deserialize, Default)]
pub struct YoungQuery {
    month: Option<String>,
    town: Option<String>,
}

pub struct YoungLine {
    pub village_name: String,
    pub name: String,
    pub person_id: String,
    pub education: String,
    pub age: String,
    pub age_ok: bool,
    pub extension: String,
    pub factor: String,
    pub base: String,
    pub subsidies: String,
    pub total: String,
    pub current: String,
    pub kept: bool,
    /// In the secretaries' reserve pool today (Article 10), and why.
    pub pool: String,
    pub pool_ok: bool,
}

/// A move button of a candidate.
pub struct MoveButton {
    pub kind: &'static str,
    pub label: &'static str,
    pub comment: bool,
    pub excellent: bool,
}

/// A candidate or a cadre on the programme, with the moves the user may
/// make.
pub struct CandidateLine {
    pub key: String,
    pub village_name: String,
    pub name: String,
    pub person_id: String,
    pub age: String,
    pub age_ok: bool,
    pub score: String,
    pub rank: String,
    pub current_pay: String,
    pub pay: String,
    pub state: &'static str,
    pub seen: &'static str,
    pub note: String,
    pub comment: String,
    pub moves: Vec<MoveButton>,
}

pub struct MoveLine {
    pub who: String,
    pub kind: &'static str,
    pub to: &'static str,
    pub comment: String,
    pub by: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "young.html")]
struct YoungPage {
    chrome: Chrome,
    month: String,
    town: String,
    towns: Vec<(String, String)>,
    problem: Option<String>,
    error: Option<String>,
    cap: String,
    over_cap: bool,
    selection: String,
    salary: String,
    lines: Vec<YoungLine>,
    total: String,
    example: bool,
    candidates: Vec<CandidateLine>,
    moves: Vec<MoveLine>,
    may_score: bool,
    /// Cadres who may be scored (reference, "village name, age").
    eligible: Vec<(String, String)>,
}

/// What a town's young-cadre page and its moves read.
struct Loaded {
    /// The town's young cadres, their people, settings (`young_records`).
    young: Records,
    /// The town's posts and people (`town_records`).
    town: Records,
    candidates: Vec<YoungCandidate>,
    moves: Vec<YoungMoveRun>,
}

async fn load(store: &Store, year: i32, town: TownCode) -> Result<Loaded, Failure> {
    Ok(Loaded {
        young: store.young_records(year, town).await?,
        town: store.town_records(year, town).await?,
        candidates: store.young_candidates(town).await?,
        moves: store.young_moves(town).await?,
    })
}

impl Loaded {
    /// The town's administrative villages (the cap's base).
    fn villages(&self) -> u32 {
        self.young
            .villages
            .iter()
            .filter(|v| v.kind == CommitteeKind::Villagers)
            .count() as u32
    }

    /// The person's programme rows, latest first.
    fn cadre_rows(&self, id: &CitizenId) -> Vec<&YoungCadre> {
        let mut v: Vec<&YoungCadre> = self
            .young
            .young_cadres
            .iter()
            .filter(|y| y.person == *id)
            .collect();
        v.sort_by_key(|y| std::cmp::Reverse(y.programme_start));
        v
    }

    /// Where the person stands: their candidate row's state, or — on the
    /// programme by import — selected (not filed) or filed.
    fn state(&self, id: &CitizenId) -> Option<YoungState> {
        if let Some(c) = self.candidates.iter().find(|c| c.person == *id) {
            return Some(c.state);
        }
        self.cadre_rows(id).first().map(|y| {
            if y.filed_on.is_some() {
                YoungState::Filed
            } else {
                YoungState::Selected
            }
        })
    }

    /// Programme rows of the town's other people (the places taken).
    fn taken(&self, id: &CitizenId) -> u32 {
        self.young
            .young_cadres
            .iter()
            .filter(|y| y.person != *id)
            .count() as u32
    }

    fn name(&self, id: &CitizenId) -> String {
        self.town
            .people
            .iter()
            .chain(&self.young.people)
            .find(|x| x.id == *id)
            .map_or_else(String::new, |x| x.name.clone())
    }

    fn village_name(&self, v: &touyan_records::VillageCode) -> String {
        self.young
            .villages
            .iter()
            .find(|x| x.code == *v)
            .map_or_else(|| v.as_str().to_owned(), |x| x.name.clone())
    }

    /// The village where the person holds a two-committee post other than
    /// secretary today (`None`: no such post in the town).
    fn cadre_village(&self, id: &CitizenId, today: Date) -> Option<touyan_records::VillageCode> {
        self.town
            .posts
            .iter()
            .find(|p| {
                p.person == *id
                    && p.role != PostRole::Secretary
                    && p.start <= today
                    && p.end.is_none_or(|d| d >= today)
            })
            .map(|p| p.village)
    }

    fn facts(&self, id: &CitizenId, today: Date, excellent: bool) -> Facts {
        Facts {
            birth_date: id.birth_date(),
            today,
            villages: self.villages(),
            taken: self.taken(id),
            programme_start: self.cadre_rows(id).first().map(|y| y.programme_start),
            excellent,
        }
    }
}

fn month_of(st: &AppState, asked: Option<&str>) -> Option<Date> {
    match asked.map(str::trim).filter(|s| !s.is_empty()) {
        None => st.today().replace_day(1).ok(),
        Some(s) => reports::parse_month(s),
    }
}

pub async fn show(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<YoungQuery>,
) -> Response {
    let user = match signed_in(&st, &headers, Action::Young).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let Some(month) = month_of(&st, q.month.as_deref()) else {
        return not_found_page();
    };
    let Ok(town) = crate::scope::page_town(&user, q.town.as_deref()) else {
        return not_found_page();
    };
    page(&st, &user, month, town, None, StatusCode::OK).await
}

async fn page(
    st: &AppState,
    user: &User,
    month: Date,
    town: Option<TownCode>,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let towns = match st.reader(user).towns().await {
        Ok(t) => t,
        Err(e) => return internal(e.into()),
    };
    let month_text = format!("{:04}-{:02}", month.year(), u8::from(month.month()));
    let mut p = YoungPage {
        chrome: Chrome::new(&format!("{month_text} 优才计划"), Some(user), "/young"),
        month: month_text,
        town: town.map(|t| t.as_str().to_owned()).unwrap_or_default(),
        towns,
        problem: None,
        error,
        cap: String::new(),
        over_cap: false,
        selection: String::new(),
        salary: String::new(),
        lines: Vec::new(),
        total: String::new(),
        example: false,
        candidates: Vec::new(),
        moves: Vec::new(),
        may_score: false,
        eligible: Vec::new(),
    };
    let Some(town) = town else {
        p.problem = Some("请选择镇街区".into());
        return render(&p, status);
    };
    let Some(store) = st.unscoped_for(user, Action::Young) else {
        return crate::pages::forbidden();
    };
    let l = match load(store, month.year(), town).await {
        Ok(l) => l,
        Err(e) => return internal(e),
    };
    let params = match st.policy().resolve(month) {
        Ok(x) => x,
        Err(e) => {
            p.problem = Some(format!("政策参数无法用于 {}：{e}", p.month));
            return render(&p, status);
        }
    };
    let r = &l.young;
    let cap = art10_young_cadres::cap(&params, l.villages());
    p.over_cap = r.young_cadres.len() as u32 > cap.outcome;
    p.cap = format!(
        "在册 {} 人；{}（{}）",
        r.young_cadres.len(),
        cap.reason,
        cap.rule.citation()
    );
    let today = st.today();
    match reports::young(r, &params, month, None, None, Some(town)) {
        Err(e) => p.problem = Some(e.0),
        Ok(x) => {
            p.salary = x
                .town_salaries
                .iter()
                .map(|s| {
                    format!(
                        "{}：镇街新入职事业人员实发工资 {:.2} 元/月，系数 {}",
                        s.town_name,
                        s.salary,
                        s.factor.normalize()
                    )
                })
                .collect::<Vec<_>>()
                .join("；");
            p.total = format!("{:.2}", x.total());
            p.example = x.example_amounts;
            p.lines = x
                .rows
                .iter()
                .map(|row| {
                    let age = art10_young_cadres::age(&params, row.who.person.birth_date(), today);
                    let start = r
                        .young_cadres
                        .iter()
                        .find(|y| y.person == row.who.person)
                        .map(|y| y.programme_start);
                    let candidate = l.candidates.iter().find(|c| c.person == row.who.person);
                    let extension = match (age.outcome, start, candidate) {
                        (
                            false,
                            _,
                            Some(YoungCandidate {
                                state: YoungState::Extended,
                                extended_to: Some(d),
                                ..
                            }),
                        ) => format!("经市镇考察通过，已延长至 {d}（第十条）"),
                        (
                            false,
                            _,
                            Some(YoungCandidate {
                                state: YoungState::ExtensionProposed,
                                extended_to: Some(d),
                                ..
                            }),
                        ) => format!("镇街已提请延长至 {d}，待市级审核"),
                        (false, Some(s), _) => {
                            art10_young_cadres::extension(&params, s, today, true)
                                .reason
                                .replace("综合考核优秀，", "若综合考核优秀：")
                        }
                        _ => String::new(),
                    };
                    let listings: Vec<(Date, Option<Date>)> = l
                        .town
                        .reserves
                        .iter()
                        .filter(|x| x.person == row.who.person && x.post == PostRole::Secretary)
                        .map(|x| (x.listed_on, x.removed_on))
                        .collect();
                    let pool = art10_young_cadres::reserve_pool(today, &listings);
                    YoungLine {
                        pool: format!("{}（{}）", pool.reason, pool.rule.citation()),
                        pool_ok: pool.outcome,
                        village_name: row.who.village_name.clone(),
                        name: row.who.name.clone(),
                        person_id: masked(&row.who.person),
                        education: format!(
                            "{}{}",
                            row.education.label(),
                            if row.full_time { "（全日制）" } else { "" }
                        ),
                        age: age.reason.to_string(),
                        age_ok: age.outcome,
                        extension,
                        factor: row.factor.normalize().to_string(),
                        base: format!("{:.2}", row.base),
                        subsidies: format!("{:.2} + {:.2}", row.city_subsidy, row.town_subsidy),
                        total: format!("{:.2}", row.total),
                        current: format!("{:.2}", row.current_pay),
                        kept: row.kept_current,
                    }
                })
                .collect();
        }
    }
    // Moves are decided on the day they are made.
    let now = st.policy().resolve(today).unwrap_or(params);
    candidates(st, user, &mut p, &l, &now, month.year(), town);
    render(&p, status)
}

/// The candidates and cadres on the programme with their moves, the
/// selection order, the history and who may be scored.
fn candidates(
    st: &AppState,
    user: &User,
    p: &mut YoungPage,
    l: &Loaded,
    params: &touyan_rules::Params,
    year: i32,
    town: TownCode,
) {
    let today = st.today();
    let a = actor(user);
    let t = town.as_str();
    // Everyone with a candidate row or a place on the programme.
    let mut people: Vec<&CitizenId> = l.candidates.iter().map(|c| &c.person).collect();
    for y in &l.young.young_cadres {
        if !people.contains(&&y.person) {
            people.push(&y.person);
        }
    }
    // The selection order among those waiting (scored, not selected).
    let waiting: Vec<&YoungCandidate> = l
        .candidates
        .iter()
        .filter(|c| c.state == YoungState::Candidate && c.year == year)
        .collect();
    let keys: Vec<String> = waiting.iter().map(|c| st.person_ref(&c.person)).collect();
    let pool: Vec<Candidate<'_>> = waiting
        .iter()
        .zip(&keys)
        .map(|(c, k)| Candidate {
            id: k,
            score: c.score,
        })
        .collect();
    let cap = art10_young_cadres::cap(params, l.villages());
    let free = cap
        .outcome
        .saturating_sub(l.young.young_cadres.len() as u32);
    let mut ranked: Vec<usize> = (0..pool.len()).collect();
    ranked.sort_by(|&x, &y| {
        pool[y]
            .score
            .cmp(&pool[x].score)
            .then_with(|| pool[x].id.cmp(pool[y].id))
    });
    let chosen = art10_young_cadres::select(&pool, free);
    if !pool.is_empty() {
        p.selection = format!(
            "尚余名额 {free} 名；{}（{}）",
            chosen.reason,
            chosen.rule.citation()
        );
    }
    let settings = l
        .young
        .town_years
        .iter()
        .find(|x| x.year == year && x.town == town);
    for id in people {
        let c = l.candidates.iter().find(|c| c.person == *id);
        let row = l.cadre_rows(id).first().copied();
        let state = l.state(id);
        let age = art10_young_cadres::age(params, id.birth_date(), today);
        let person = l
            .town
            .people
            .iter()
            .chain(&l.young.people)
            .find(|x| x.id == *id);
        let (score, current_pay, village) = match (c, row) {
            (Some(c), _) => (c.score, c.current_pay, c.village),
            (None, Some(y)) => (y.score, y.current_pay, y.village),
            (None, None) => continue,
        };
        let pay = match (settings, person) {
            (Some(s), Some(x)) => {
                let d = art10_young_cadres::monthly_pay(
                    params,
                    s.reference_salary,
                    s.young_cadre_factor,
                    Degree {
                        education: x.education,
                        full_time: x.full_time_degree,
                    },
                    current_pay,
                );
                format!("{}（{}）", d.outcome, d.rule.citation())
            }
            _ => "本年度镇街年度设置（参照工资、系数）未登记".into(),
        };
        let key = st.person_ref(id);
        let rank = match ranked.iter().position(|&i| pool[i].id == key) {
            Some(k) => format!(
                "第 {} 名{}",
                k + 1,
                if chosen.outcome.contains(&ranked[k]) {
                    "，在名额内"
                } else {
                    "，超出尚余名额"
                }
            ),
            None => String::new(),
        };
        let facts = l.facts(id, today, true);
        let moves = flow::moves_for(&a, t, state, params, &facts)
            .into_iter()
            .filter(|k| *k != YoungMoveKind::Score)
            .map(|k| MoveButton {
                kind: k.code(),
                label: k.label(),
                comment: matches!(
                    k,
                    YoungMoveKind::Deselect
                        | YoungMoveKind::Return
                        | YoungMoveKind::ProposeExtension
                        | YoungMoveKind::Extend
                        | YoungMoveKind::DeclineExtension
                ),
                excellent: k == YoungMoveKind::ProposeExtension,
            })
            .collect();
        p.candidates.push(CandidateLine {
            key,
            village_name: l.village_name(&village),
            name: l.name(id),
            person_id: masked(id),
            age: format!("{}（{}）", age.reason, age.rule.citation()),
            age_ok: age.outcome,
            score: score.normalize().to_string(),
            rank,
            current_pay: format!("{current_pay:.2}"),
            pay,
            state: state.map_or("", |s| s.label()),
            seen: state.map_or("none", |s| s.code()),
            note: c.map_or_else(String::new, |c| c.note.clone()),
            comment: match c {
                Some(YoungCandidate {
                    extended_to: Some(d),
                    state: YoungState::ExtensionProposed | YoungState::Extended,
                    comment,
                    ..
                }) => format!("延长至 {d}；{comment}"),
                Some(c) => c.comment.clone(),
                None => String::new(),
            },
            moves,
        });
    }
    p.candidates
        .sort_by(|x, y| (&x.village_name, &x.name).cmp(&(&y.village_name, &y.name)));
    p.moves = l
        .moves
        .iter()
        .map(|m| MoveLine {
            who: l.name(&m.entry.person),
            kind: m.entry.kind.label(),
            to: m.entry.to.label(),
            comment: m.entry.comment.clone(),
            by: m.by.clone(),
            at: china_time(m.at),
        })
        .collect();
    // Who may be scored: today's two-committee cadres other than
    // secretaries, within the age limit, not on the programme.
    let anyone = Facts {
        birth_date: today,
        today,
        villages: l.villages(),
        taken: 0,
        programme_start: None,
        excellent: false,
    };
    p.may_score = flow::check_move(&a, t, None, YoungMoveKind::Score, "", params, &anyone).is_ok();
    let mut seen: Vec<&CitizenId> = Vec::new();
    for post in &l.town.posts {
        if seen.contains(&&post.person)
            || l.cadre_village(&post.person, today) != Some(post.village)
        {
            continue;
        }
        seen.push(&post.person);
        let age = art10_young_cadres::age(params, post.person.birth_date(), today);
        let state = l.state(&post.person);
        if !age.outcome
            || !matches!(
                state,
                None | Some(YoungState::Candidate | YoungState::Returned)
            )
        {
            continue;
        }
        p.eligible.push((
            st.person_ref(&post.person),
            format!(
                "{} {}（{}）",
                l.village_name(&post.village),
                l.name(&post.person),
                age.reason
            ),
        ));
    }
    p.eligible.sort_by(|a, b| a.1.cmp(&b.1));
}

/// `POST /young`: `action` = `score` (`person`, `score`, `current_pay`,
/// `note`) or `move` (`person`, `kind`, `seen` — the state the page
/// showed, `none` for none —, `comment`, `excellent`); with `month`,
/// `town` and `csrf`.
pub async fn record(
    State(st): State<AppState>,
    parts: Parts,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let user = match signed_in(&st, &parts.headers, Action::Young).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let field = |n: &str| crate::scope::field(&form, n);
    if !csrf_ok(&user, Some(field("csrf"))) {
        return csrf_refused();
    }
    let Some(month) = month_of(&st, Some(field("month"))) else {
        return not_found_page();
    };
    let Some(town) = crate::scope::town_in_scope(&user, field("town")) else {
        return not_found_page();
    };
    let Some(store) = st.unscoped_for(&user, Action::Young) else {
        return crate::pages::forbidden();
    };
    let refuse = |r: Refusal| {
        let st = st.clone();
        let user = user.clone();
        async move {
            if r == Refusal::NotFound {
                return not_found_page();
            }
            let status = forms::status(&r);
            page(&st, &user, month, Some(town), Some(r.to_string()), status).await
        }
    };
    let l = match load(store, month.year(), town).await {
        Ok(l) => l,
        Err(e) => return internal(e),
    };
    let today = st.today();
    let params = match st.policy().resolve(today) {
        Ok(x) => x,
        Err(e) => {
            return refuse(Refusal::Invalid(format!("政策参数无法用于 {today}：{e}"))).await;
        }
    };
    let c = match change(&st, &user, &l, month.year(), town, &params, &form) {
        Ok(c) => c,
        Err(r) => return refuse(r).await,
    };
    match store
        .move_young(&user.username, Some(&client_addr(&parts)), &c)
        .await
    {
        Ok(()) => see_other(&format!(
            "/young?month={:04}-{:02}&town={}",
            month.year(),
            u8::from(month.month()),
            town.as_str()
        )),
        Err(e) => match forms::refused(e) {
            Ok(r) => refuse(r).await,
            Err(f) => internal(f),
        },
    }
}

/// The move a post asks for, checked by the workflow, as what to write.
fn change(
    st: &AppState,
    user: &User,
    l: &Loaded,
    year: i32,
    town: TownCode,
    params: &touyan_rules::Params,
    form: &[(String, String)],
) -> Result<YoungChange, Refusal> {
    let field = |n: &str| crate::scope::field(form, n);
    let invalid = |m: &str| Refusal::Invalid(m.to_owned());
    let today = st.today();
    let kind = match field("action") {
        "score" => YoungMoveKind::Score,
        "move" => forms::choice(field("kind"), "办理事项")?,
        _ => return Err(invalid("未指明要办理的事项")),
    };
    flow::may_attempt(&actor(user), town.as_str(), kind)?;
    let key = field("person");
    let person = l
        .candidates
        .iter()
        .map(|c| &c.person)
        .chain(l.young.young_cadres.iter().map(|y| &y.person))
        .chain(l.town.people.iter().map(|x| &x.id))
        .find(|id| st.person_ref(id) == key)
        .cloned()
        .ok_or_else(|| invalid("没有找到该人员"))?;
    let current = l.state(&person);
    let stored = l.candidates.iter().find(|c| c.person == person);
    if field("action") == "move" {
        if kind == YoungMoveKind::Score {
            return Err(invalid("录入评分请使用评分表"));
        }
        if field("seen") != current.map_or("none", |s| s.code()) {
            return Err(Refusal::Conflict(format!(
                "该人员的状态已变为“{}”，请刷新页面后重试",
                current.map_or("尚未列为候选人", |s| s.label())
            )));
        }
    }
    let comment = forms::optional(field("comment"), "意见", 300)?;
    let facts = l.facts(&person, today, !field("excellent").is_empty());
    let moved = flow::check_move(
        &actor(user),
        town.as_str(),
        current,
        kind,
        &comment,
        params,
        &facts,
    )?;
    let pending = l
        .cadre_rows(&person)
        .into_iter()
        .find(|y| y.filed_on.is_none())
        .cloned();
    let mut c = YoungChange {
        candidate: match (stored, l.cadre_rows(&person).first()) {
            (Some(c), _) => c.clone(),
            (None, Some(y)) => YoungCandidate {
                person: person.clone(),
                year: y.programme_start.year(),
                town,
                village: y.village,
                score: y.score,
                current_pay: y.current_pay,
                note: String::new(),
                state: moved.to,
                comment: String::new(),
                extended_to: None,
            },
            (None, None) => YoungCandidate {
                person: person.clone(),
                year,
                town,
                village: l
                    .cadre_village(&person, today)
                    .ok_or_else(|| invalid("请选择本镇街在任的村“两委”干部（书记除外）"))?,
                score: Decimal::ZERO,
                current_pay: Decimal::ZERO,
                note: String::new(),
                state: moved.to,
                comment: String::new(),
                extended_to: None,
            },
        },
        expected: stored.map(|c| c.state),
        kind,
        comment: comment.clone(),
        cadre: None,
        remove_cadre: None,
        cap: None,
    };
    c.candidate.state = moved.to;
    if !comment.is_empty() {
        c.candidate.comment = comment;
    }
    match moved.extension {
        Extension::Keep => {}
        Extension::Set(d) => c.candidate.extended_to = Some(d),
        Extension::Clear => c.candidate.extended_to = None,
    }
    match kind {
        YoungMoveKind::Score => {
            c.candidate.village = l
                .cadre_village(&person, today)
                .ok_or_else(|| invalid("请选择本镇街在任的村“两委”干部（书记除外）"))?;
            c.candidate.year = year;
            c.candidate.score = forms::decimal(
                field("score"),
                "综合得分",
                Decimal::ZERO,
                Decimal::ONE_HUNDRED,
            )?;
            c.candidate.current_pay = forms::decimal(
                field("current_pay"),
                "现月报酬（元）",
                Decimal::ZERO,
                Decimal::from(1_000_000),
            )?;
            c.candidate.note = forms::optional(field("note"), "评分说明", 300)?;
            c.candidate.comment = String::new();
        }
        YoungMoveKind::Select => {
            c.cadre = Some(YoungCadre {
                person: person.clone(),
                village: c.candidate.village,
                programme_start: today,
                current_pay: c.candidate.current_pay,
                score: c.candidate.score,
                filed_on: None,
            });
            c.cap = Some(art10_young_cadres::cap(params, l.villages()).outcome);
        }
        YoungMoveKind::Deselect | YoungMoveKind::Return => c.remove_cadre = pending,
        YoungMoveKind::File => {
            let mut y = pending.ok_or_else(|| invalid("没有找到待备案的优才计划记录"))?;
            y.filed_on = Some(today);
            c.cadre = Some(y);
        }
        YoungMoveKind::ProposeExtension
        | YoungMoveKind::Extend
        | YoungMoveKind::DeclineExtension => {}
    }
    Ok(c)
}
