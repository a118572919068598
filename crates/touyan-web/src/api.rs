//! The JSON API under `/api/v1`: the same sign-in, permission table,
//! scoping and audit as the pages. Errors are `{"error": "中文说明"}`.
//! A record outside the caller's scope is a 404 identical to a missing one.
//! Unsafe methods with a session need the `X-CSRF-Token` header (the token
//! comes back from `POST /api/v1/login`).

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use touyan_records::model::Labelled;
use touyan_storage::{Page, PeopleFilter, PersonFile, VillageFilter};

use crate::guard::{CSRF_HEADER, clear_cookie, csrf_ok, session_cookie};
use crate::pages::masked;
use crate::roles::Action;
use crate::state::{AppState, Failure, SignInError, User, client_addr};

/// Rows a list gives unless `per_page` says otherwise.
pub const DEFAULT_PER_PAGE: u32 = 50;

/// A JSON error answer.
pub fn error(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(json!({ "error": message }))).into_response()
}

/// An internal error: its detail to the server log under a request id,
/// the id alone to the client.
pub(crate) fn internal(f: Failure) -> Response {
    let Failure::Internal(m) = f;
    let id = crate::http::request_id();
    crate::http::log_internal(&id, &m);
    error(
        StatusCode::INTERNAL_SERVER_ERROR,
        &crate::http::internal_text(&id),
    )
}

pub fn not_found_json() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "没有找到该记录，或者它不在您的管理范围内",
    )
}

pub async fn not_found() -> Response {
    not_found_json()
}

/// The caller, allowed `action`; 401 signed out, 403 for a role that may
/// not.
async fn caller(st: &AppState, headers: &HeaderMap, action: Action) -> Result<User, Response> {
    match st.user(headers).await.map_err(internal)? {
        Some(u) if u.may(action) => Ok(u),
        Some(_) => Err(error(StatusCode::FORBIDDEN, "您的角色无权进行此操作")),
        None => Err(error(
            StatusCode::UNAUTHORIZED,
            "未登录或会话已过期，请先登录",
        )),
    }
}

fn csrf_header(headers: &HeaderMap) -> Option<&str> {
    headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok())
}

fn csrf_refused() -> Response {
    error(
        StatusCode::FORBIDDEN,
        "缺少或错误的 X-CSRF-Token（登录时返回的 csrf_token）",
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LoginBody {
    username: String,
    password: String,
}

/// `POST /api/v1/login`: `{"username", "password"}` → the session cookie
/// and `{"username", "role", "role_label", "town_code", "csrf_token"}`;
/// 401 wrong name or password, 429 tried too often (with `Retry-After`),
/// 503 too many passwords being checked, 400 a body that is not that.
pub async fn login(State(st): State<AppState>, parts: Parts, body: Bytes) -> Response {
    let Ok(b) = serde_json::from_slice::<LoginBody>(&body) else {
        return error(
            StatusCode::BAD_REQUEST,
            "请求体应为 JSON：{\"username\": \"…\", \"password\": \"…\"}",
        );
    };
    match st
        .sign_in(&b.username, &b.password, &client_addr(&parts))
        .await
    {
        Ok((token, user)) => {
            let mut res = axum::Json(json!({
                "username": user.username,
                "role": user.role.code(),
                "role_label": user.role.label(),
                "town_code": user.town,
                "csrf_token": user.csrf,
            }))
            .into_response();
            if let Ok(v) = session_cookie(&token, st.config().secure_cookies).parse() {
                res.headers_mut().insert(header::SET_COOKIE, v);
            }
            res
        }
        Err(e) => with_retry_after(error(e.status(), &e.message()), &e),
    }
}

/// Adds `Retry-After` to a refused sign-in that says when to try again.
pub(crate) fn with_retry_after(mut res: Response, e: &SignInError) -> Response {
    if let Some(secs) = e.retry_after()
        && let Ok(v) = secs.to_string().parse()
    {
        res.headers_mut().insert(header::RETRY_AFTER, v);
    }
    res
}

/// `POST /api/v1/logout` (with `X-CSRF-Token`).
pub async fn logout(State(st): State<AppState>, parts: Parts) -> Response {
    let user = match st.user(&parts.headers).await {
        Ok(Some(u)) => u,
        Ok(None) => return error(StatusCode::UNAUTHORIZED, "未登录或会话已过期"),
        Err(e) => return internal(e),
    };
    if !csrf_ok(&user, csrf_header(&parts.headers)) {
        return csrf_refused();
    }
    if let Err(e) = st.sign_out(&user, &client_addr(&parts)).await {
        return internal(e);
    }
    let mut res = StatusCode::NO_CONTENT.into_response();
    if let Ok(v) = clear_cookie(st.config().secure_cookies).parse() {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}

/// Query parameters of the lists (text, checked here for Chinese errors).
#[derive(Deserialize, Default)]
pub struct ListParams {
    q: Option<String>,
    town: Option<String>,
    committee: Option<String>,
    secretaries: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
}

/// The page asked for; `Err`: why the parameters are not acceptable.
fn paging(p: &ListParams) -> Result<Page, String> {
    let num = |v: &Option<String>, name: &str, default: u32| -> Result<u32, String> {
        match v.as_deref().map(str::trim) {
            None | Some("") => Ok(default),
            Some(s) => s
                .parse::<u32>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| format!("{name} 应为不小于 1 的整数（收到 {s}）")),
        }
    };
    Ok(Page::new(
        num(&p.page, "page", 1)?,
        num(&p.per_page, "per_page", DEFAULT_PER_PAGE)?,
    ))
}

fn list(items: Vec<Value>, total: u64, page: Page) -> Response {
    axum::Json(json!({
        "items": items,
        "total": total,
        "page": page.page,
        "per_page": page.per_page,
    }))
    .into_response()
}

/// `GET /api/v1/villages?q=&town=&committee=&page=&per_page=`.
pub async fn villages(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(p): Query<ListParams>,
) -> Response {
    let user = match caller(&st, &headers, Action::Villages).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let page = match paging(&p) {
        Ok(p) => p,
        Err(m) => return error(StatusCode::BAD_REQUEST, &m),
    };
    let filter = VillageFilter {
        q: p.q,
        town: p.town,
        committee: p.committee,
    };
    match st.reader(&user).villages(&filter, page).await {
        Ok(found) => list(
            found
                .items
                .into_iter()
                .map(|v| {
                    json!({
                        "code": v.code,
                        "name": v.name,
                        "town_code": v.town_code,
                        "town_name": v.town_name,
                        "committee": v.committee,
                        "secretary": v.secretary,
                    })
                })
                .collect(),
            found.total,
            page,
        ),
        Err(e) => internal(e.into()),
    }
}

/// `GET /api/v1/villages/{code}`.
pub async fn village(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Response {
    let user = match caller(&st, &headers, Action::Villages).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let f = match st.reader(&user).village(&code).await {
        Ok(Some(f)) => f,
        Ok(None) => return not_found_json(),
        Err(e) => return internal(e.into()),
    };
    let v = &f.village;
    axum::Json(json!({
        "code": v.code.as_str(),
        "name": v.name,
        "town_code": v.code.town().as_str(),
        "town_name": f.town_name,
        "committee": touyan_storage::committee_code(v.kind),
        "posts": f.posts.iter().map(|(p, name)| json!({
            "person": st.person_ref(&p.person),
            "person_name": name,
            "role": p.role.code(),
            "start": p.start.to_string(),
            "end": p.end.map(|d| d.to_string()),
        })).collect::<Vec<_>>(),
        "years": f.years.iter().map(|y| json!({
            "year": y.year,
            "stars": y.stars,
            "collective_income_wan": y.collective_income_wan.to_string(),
            "assessment_score": y.assessment_score.map(|s| s.to_string()),
            "assessment_rank": y.assessment_rank,
        })).collect::<Vec<_>>(),
        "reserves": f.reserves.iter().map(|(r, name)| json!({
            "person": st.person_ref(&r.person),
            "person_name": name,
            "post": r.post.code(),
            "listed_on": r.listed_on.to_string(),
            "removed_on": r.removed_on.map(|d| d.to_string()),
        })).collect::<Vec<_>>(),
        "young_cadres": f.young_cadres.iter().map(|(y, name)| json!({
            "person": st.person_ref(&y.person),
            "person_name": name,
            "programme_start": y.programme_start.to_string(),
            "score": y.score.to_string(),
        })).collect::<Vec<_>>(),
        "list_entries": f.list_entries.iter().map(|(e, name)| json!({
            "year": e.year,
            "person": st.person_ref(&e.person),
            "person_name": name,
            "tier": e.tier,
            "status": e.status.code(),
        })).collect::<Vec<_>>(),
    }))
    .into_response()
}

/// `GET /api/v1/people?q=&secretaries=1&page=&per_page=`.
pub async fn people(
    State(st): State<AppState>,
    parts: axum::http::request::Parts,
    Query(p): Query<ListParams>,
) -> Response {
    let user = match caller(&st, &parts.headers, Action::People).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    match crate::pages::whole_id_search(&st, &user, &parts, p.q.as_deref()).await {
        Ok(()) => {}
        Err(Ok(m)) => return error(StatusCode::TOO_MANY_REQUESTS, &m),
        Err(Err(f)) => return internal(f),
    }
    let page = match paging(&p) {
        Ok(p) => p,
        Err(m) => return error(StatusCode::BAD_REQUEST, &m),
    };
    let filter = PeopleFilter {
        q: p.q,
        secretaries_only: p
            .secretaries
            .as_deref()
            .is_some_and(|s| matches!(s, "1" | "true")),
    };
    match st.reader(&user).people(&filter, page).await {
        Ok(found) => list(
            found
                .items
                .into_iter()
                .map(|r| {
                    json!({
                        "id": st.person_ref(&r.person.id),
                        "id_masked": masked(&r.person.id),
                        "name": r.person.name,
                        "birth_year": crate::masking::birth_year_number(&r.person.id),
                        "sex": r.person.id.sex().zh(),
                        "education": r.person.highest_education().code(),
                        "full_time_education": r.person.full_time_education.map(|e| e.code()),
                        "in_service_education": r.person.in_service_education.map(|e| e.code()),
                        "current_post": r.current_post.map(|(village, role)| json!({
                            "village_name": village,
                            "role": role,
                        })),
                    })
                })
                .collect(),
            found.total,
            page,
        ),
        Err(e) => internal(e.into()),
    }
}

/// `GET /api/v1/people/{id}`: the one-person file.
pub async fn person(
    State(st): State<AppState>,
    parts: axum::http::request::Parts,
    Path(id): Path<String>,
) -> Response {
    let user = match caller(&st, &parts.headers, Action::People).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let Some(id) = st.person_id(&id) else {
        return not_found_json();
    };
    match st.reader(&user).person(id.as_str()).await {
        Ok(Some(f)) => {
            let origin = crate::state::client_addr(&parts);
            let what = format!("一人一档（API）{}", masked(&f.person.id));
            if let Err(e) = st.audit_read(&user, &origin, "people", &what).await {
                return internal(e);
            }
            axum::Json(person_json(&f, &st.person_ref(&f.person.id))).into_response()
        }
        Ok(None) => not_found_json(),
        Err(e) => internal(e.into()),
    }
}

fn d(v: Option<time::Date>) -> Value {
    v.map_or(Value::Null, |d| Value::String(d.to_string()))
}

/// The one-person file as JSON (codes, not labels; dates `YYYY-MM-DD`;
/// money in fen; decimals as strings; the ID number masked, `id` the
/// person's reference).
pub fn person_json(f: &PersonFile, reference: &str) -> Value {
    let p = &f.person;
    json!({
        "id": reference,
        "id_masked": masked(&p.id),
        "name": p.name,
        "birth_year": crate::masking::birth_year_number(&p.id),
        "sex": p.id.sex().zh(),
        "education": p.highest_education().code(),
        "full_time_education": p.full_time_education.map(|e| e.code()),
        "in_service_education": p.in_service_education.map(|e| e.code()),
        "posts": f.posts.iter().map(|x| json!({
            "village": x.village.as_str(), "village_name": f.village_name(x.village.as_str()),
            "role": x.role.code(), "start": x.start.to_string(), "end": d(x.end),
        })).collect::<Vec<_>>(),
        "village_years": f.village_years.iter().map(|y| json!({
            "village": y.village.as_str(), "year": y.year, "stars": y.stars,
            "collective_income_wan": y.collective_income_wan.to_string(),
            "assessment_score": y.assessment_score.map(|s| s.to_string()),
            "assessment_rank": y.assessment_rank,
        })).collect::<Vec<_>>(),
        "three_good": f.three_good.iter().map(|t| json!({
            "year": t.year, "passed": t.passed, "note": t.note,
        })).collect::<Vec<_>>(),
        "training": f.training.iter().map(|(a, s)| json!({
            "session": s.code, "title": s.title, "level": s.level.code(), "form": s.form.code(),
            "start": s.start.to_string(), "end": s.end.to_string(), "days": s.days.to_string(),
            "reflection_filed_on": d(a.reflection_filed_on), "poor_result": a.poor_result,
        })).collect::<Vec<_>>(),
        "exams": f.exams.iter().map(|e| json!({
            "course": e.course.code(), "taken_on": e.taken_on.to_string(), "passed": e.passed,
        })).collect::<Vec<_>>(),
        "certificates": f.certificates.iter().map(|c| json!({
            "number": c.number, "issued_on": c.issued_on.to_string(),
        })).collect::<Vec<_>>(),
        "secondments": f.secondments.iter().map(|s| json!({
            "level": s.level.code(), "host_unit": s.host_unit, "start": s.start.to_string(),
            "end": s.end.to_string(), "appraisal": s.appraisal,
        })).collect::<Vec<_>>(),
        "work_logs": f.work_logs.iter().map(|w| json!({
            "secondment_start": w.secondment_start.to_string(), "on": w.on.to_string(),
            "text": w.text,
        })).collect::<Vec<_>>(),
        "ballots": f.ballots.iter().map(|b| json!({
            "year": b.year, "half": b.half, "group": b.group.code(), "competent": b.competent,
            "basically_competent": b.basically_competent, "not_competent": b.not_competent,
        })).collect::<Vec<_>>(),
        "admonitions": f.admonitions.iter().map(|a| json!({
            "held_on": a.held_on.to_string(), "article": a.article, "reason": a.reason,
            "make_up_study_done_on": d(a.make_up_study_done_on),
        })).collect::<Vec<_>>(),
        "reserves": f.reserves.iter().map(|r| json!({
            "village": r.village.as_str(), "post": r.post.code(),
            "listed_on": r.listed_on.to_string(), "removed_on": d(r.removed_on),
        })).collect::<Vec<_>>(),
        "young_cadres": f.young_cadres.iter().map(|y| json!({
            "village": y.village.as_str(), "programme_start": y.programme_start.to_string(),
            "current_pay": y.current_pay.to_string(), "score": y.score.to_string(),
            "filed_on": d(y.filed_on),
        })).collect::<Vec<_>>(),
        "plans": f.plans.iter().map(|x| json!({
            "year": x.year, "reviewed_on": d(x.reviewed_on), "notice_start": d(x.notice_start),
            "notice_end": d(x.notice_end), "filed_on": d(x.filed_on),
        })).collect::<Vec<_>>(),
        "list_entries": f.list_entries.iter().map(|e| json!({
            "year": e.year, "town": e.town.as_str(), "village": e.village.as_str(),
            "tier": e.tier, "status": e.status.code(),
        })).collect::<Vec<_>>(),
        "pay": f.pay.iter().map(|x| json!({
            "month": x.month.to_string(), "kind": x.kind.code(), "source": x.source.code(),
            "amount_fen": x.amount_fen,
        })).collect::<Vec<_>>(),
        "exits": f.exits.iter().map(|e| json!({
            "on": e.on.to_string(), "programme": e.programme.code(), "reason": e.reason.code(), "note": e.note,
        })).collect::<Vec<_>>(),
    })
}

/// `POST /api/v1/evaluate`: the body is a case, exactly as for
/// `touyan evaluate`; the answer is the same bytes the command prints, or
/// a 422 `{"error": …}` with the message the command prints where it exits
/// with status 2. At most [`crate::EVALUATE_LIMIT`] bytes (413 beyond);
/// at most [`crate::throttle::Limits::evaluations_at_once`] cases at once
/// (503 beyond, checked before the body is read, so waiting bodies take no
/// memory).
pub async fn evaluate(State(st): State<AppState>, req: axum::extract::Request) -> Response {
    use axum::extract::FromRequest;
    let user = match caller(&st, req.headers(), Action::Evaluate).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    if !csrf_ok(&user, csrf_header(req.headers())) {
        return csrf_refused();
    }
    let Ok(slot) = st.evaluation_slot() else {
        return error(
            StatusCode::SERVICE_UNAVAILABLE,
            &format!(
                "{}：同时进行的测算已达 {} 个",
                crate::throttle::BUSY,
                st.config().limits.evaluations_at_once
            ),
        );
    };
    let body = match Bytes::from_request(req, &st).await {
        Ok(b) => b,
        Err(r) if r.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return error(
                StatusCode::PAYLOAD_TOO_LARGE,
                &format!(
                    "测算案例太大：不能超过 {} MB；更大的案例请用命令行 touyan evaluate",
                    crate::EVALUATE_LIMIT / 1024 / 1024
                ),
            );
        }
        Err(r) => return error(r.status(), &format!("无法读取请求体：{}", r.body_text())),
    };
    let st2 = st.clone();
    let result = tokio::task::spawn_blocking(move || {
        let _slot = slot;
        touyan_evaluate::evaluate(&body, st2.policy())
    })
    .await;
    match result {
        Ok(Ok(out)) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            out,
        )
            .into_response(),
        Ok(Err(e)) => error(StatusCode::UNPROCESSABLE_ENTITY, &e.to_string()),
        Err(e) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            &crate::http::logged(&format!("evaluate interrupted: {e}")),
        ),
    }
}
