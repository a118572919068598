//! The server end to end (in process): the permission matrix, sign-in and
//! its throttle, body limits, idle expiry, CSRF, logout, first-administrator setup, the
//! audit trail, the evaluate contract, scoping and headers. Every test runs
//! on SQLite and on PostgreSQL.

mod common;

use axum::http::StatusCode;
use common::*;
use time::Duration;
use touyan_storage::testing::TestDb;
use touyan_storage::{AuditFilter, Page, both_backends};

/// The columns of the matrix: every role (town roles of town 1), a town
/// operator of town 2, and signed out.
const WHO: [Option<&str>; 10] = [
    Some("admin"),
    Some("viewer"),
    Some("op1"),
    Some("rev1"),
    Some("op2"),
    Some("fin"),
    Some("sys"),
    Some("sec"),
    Some("aud"),
    None,
];

/// (method, path, expected status for each of [`WHO`]). Worked out by hand
/// from issue 4: town roles see their own town only (another town's record
/// is a 404, like a missing one); finance, system, security and audit
/// administrators see no villages or people; only the audit administrator
/// reads the audit trail; pages send the signed-out to sign in (303), the
/// API answers 401.
#[rustfmt::skip]
fn matrix(h: &Harness) -> Vec<(&'static str, String, [u16; 10])> {
    let a = h.person(&person_a());
    let c = h.person(&person_c());
    let missing = h.person(&cid("11010519491231002"));
    vec![
        ("GET", "/".into(),                          [200, 200, 200, 200, 200, 200, 200, 200, 200, 303]),
        ("GET", "/villages".into(),                  [200, 200, 200, 200, 200, 403, 403, 403, 403, 303]),
        ("GET", "/villages?q=%E4%B8%9C&page=x".into(), [200, 200, 200, 200, 200, 403, 403, 403, 403, 303]),
        ("GET", format!("/villages/{V1}"),           [200, 200, 200, 200, 404, 403, 403, 403, 403, 303]),
        ("GET", format!("/villages/{V2}"),           [200, 200, 404, 404, 200, 403, 403, 403, 403, 303]),
        ("GET", format!("/villages/{V_MISSING}"),    [404, 404, 404, 404, 404, 403, 403, 403, 403, 303]),
        ("GET", "/people".into(),                    [200, 200, 200, 200, 200, 403, 403, 403, 403, 303]),
        ("GET", format!("/people/{a}"),              [200, 200, 200, 200, 404, 403, 403, 403, 403, 303]),
        ("GET", format!("/people/{c}"),              [200, 200, 404, 404, 200, 403, 403, 403, 403, 303]),
        ("GET", format!("/people/{missing}"),        [404, 404, 404, 404, 404, 403, 403, 403, 403, 303]),
        ("GET", "/people/not-an-id".into(),          [404, 404, 404, 404, 404, 403, 403, 403, 403, 303]),
        // An ID number is not an address: only references are.
        ("GET", format!("/people/{}", person_a().as_str()), [404, 404, 404, 404, 404, 403, 403, 403, 403, 303]),
        ("GET", "/policy".into(),                    [200, 200, 200, 200, 200, 200, 200, 200, 200, 303]),
        ("GET", "/todo".into(),                      [200, 200, 200, 200, 200, 200, 200, 200, 200, 303]),
        ("GET", "/audit".into(),                     [403, 403, 403, 403, 403, 403, 403, 403, 200, 303]),
        ("GET", "/api/v1/villages".into(),           [200, 200, 200, 200, 200, 403, 403, 403, 403, 401]),
        ("GET", "/api/v1/villages?per_page=0".into(), [400, 400, 400, 400, 400, 403, 403, 403, 403, 401]),
        ("GET", format!("/api/v1/villages/{V1}"),    [200, 200, 200, 200, 404, 403, 403, 403, 403, 401]),
        ("GET", format!("/api/v1/villages/{V2}"),    [200, 200, 404, 404, 200, 403, 403, 403, 403, 401]),
        ("GET", "/api/v1/people".into(),             [200, 200, 200, 200, 200, 403, 403, 403, 403, 401]),
        ("GET", format!("/api/v1/people/{a}"),       [200, 200, 200, 200, 404, 403, 403, 403, 403, 401]),
        ("GET", format!("/api/v1/people/{c}"),       [200, 200, 404, 404, 200, 403, 403, 403, 403, 401]),
        ("GET", format!("/api/v1/people/{missing}"), [404, 404, 404, 404, 404, 403, 403, 403, 403, 401]),
        ("POST", "/api/v1/evaluate".into(),          [200, 200, 200, 200, 200, 403, 403, 403, 403, 401]),
        ("GET", "/import".into(),                    [200, 403, 200, 403, 200, 403, 403, 403, 403, 303]),
        ("GET", "/import/template".into(),           [200, 403, 200, 403, 200, 403, 403, 403, 403, 303]),
        ("GET", format!("/import/marked/{}", "0".repeat(64)), [404, 403, 404, 403, 404, 403, 403, 403, 403, 303]),
        // Not a multipart form: a Chinese 400 for the roles that may import.
        ("POST", "/import".into(),                   [400, 403, 400, 403, 400, 403, 403, 403, 403, 303]),
        ("GET", "/exports".into(),                   [200, 200, 200, 200, 200, 200, 403, 403, 403, 303]),
        // JSON, not the form: no CSRF field, refused.
        ("POST", "/exports".into(),                  [403, 403, 403, 403, 403, 403, 403, 403, 403, 303]),
        ("GET", "/api/v1/dashboard".into(),          [200, 200, 200, 200, 200, 200, 200, 200, 200, 401]),
        // The yearly lists: a town role is sent to its own town's list.
        ("GET", "/lists".into(),                     [200, 200, 303, 303, 303, 403, 403, 403, 403, 303]),
        ("GET", "/lists?year=abc".into(),            [400, 400, 400, 400, 400, 403, 403, 403, 403, 303]),
        ("GET", format!("/lists/2025/{T1}"),         [200, 200, 200, 200, 404, 403, 403, 403, 403, 303]),
        ("GET", format!("/lists/2025/{T2}"),         [200, 200, 404, 404, 200, 403, 403, 403, 403, 303]),
        ("GET", format!("/lists/2025/{T1}/print"),   [200, 200, 200, 200, 404, 403, 403, 403, 403, 303]),
        // No proposal for that year, or no such town.
        ("GET", format!("/lists/2024/{T1}"),         [404, 404, 404, 404, 404, 403, 403, 403, 403, 303]),
        ("GET", "/lists/2025/370783999".into(),      [404, 404, 404, 404, 404, 403, 403, 403, 403, 303]),
        ("GET", "/qualifications".into(),            [200, 200, 200, 200, 200, 403, 403, 403, 403, 303]),
        ("GET", "/exits".into(),                     [200, 200, 200, 200, 200, 403, 403, 403, 403, 303]),
        // Daily management and treatment: a town role asking another town
        // is answered as missing; a person out of scope too.
        ("GET", "/daily".into(),                     [200, 200, 200, 200, 200, 403, 403, 403, 403, 303]),
        ("GET", format!("/daily?town={T1}"),         [200, 200, 200, 200, 404, 403, 403, 403, 403, 303]),
        ("GET", "/daily?town=abc".into(),            [404, 404, 404, 404, 404, 403, 403, 403, 403, 303]),
        ("GET", format!("/daily/{a}"),               [200, 200, 200, 200, 404, 403, 403, 403, 403, 303]),
        ("GET", format!("/daily/{c}"),               [200, 200, 404, 404, 200, 403, 403, 403, 403, 303]),
        ("GET", format!("/daily/{missing}"),         [404, 404, 404, 404, 404, 403, 403, 403, 403, 303]),
        // JSON, not the form: no CSRF field, refused.
        ("POST", "/daily".into(),                    [403, 403, 403, 403, 403, 403, 403, 403, 403, 303]),
        ("GET", "/whatif".into(),                    [200, 200, 200, 200, 200, 403, 403, 403, 403, 303]),
        ("GET", "/young".into(),                     [200, 200, 200, 200, 200, 403, 403, 403, 403, 303]),
        ("GET", "/reserves".into(),                  [200, 200, 200, 200, 200, 403, 403, 403, 403, 303]),
        ("GET", "/training".into(),                  [200, 200, 200, 200, 200, 403, 403, 403, 403, 303]),
        ("GET", "/training?year=abc".into(),         [404, 404, 404, 404, 404, 403, 403, 403, 403, 303]),
        // A correction page: the role of the record's page first, then the
        // town, then the record (none here).
        ("GET", format!("/corrections?town={T1}&year=2025&kind=session&code=NONE"), [404, 404, 404, 404, 404, 403, 403, 403, 403, 303]),
        ("GET", "/corrections?kind=nothing".into(), [404, 404, 404, 404, 404, 404, 404, 404, 404, 303]),
        // The competency evaluations; voting needs no account.
        ("GET", "/evaluations".into(),               [200, 200, 303, 303, 303, 403, 403, 403, 403, 303]),
        ("GET", "/evaluations?half=3".into(),        [400, 400, 400, 400, 400, 403, 403, 403, 403, 303]),
        ("GET", format!("/evaluations/2025/1/{T1}"), [200, 200, 200, 200, 404, 403, 403, 403, 403, 303]),
        ("GET", format!("/evaluations/2025/2/{T2}"), [200, 200, 404, 404, 200, 403, 403, 403, 403, 303]),
        ("GET", format!("/evaluations/2025/3/{T1}"), [404, 404, 404, 404, 404, 403, 403, 403, 403, 303]),
        ("GET", format!("/vote/{}", "0".repeat(64)), [404; 10]),
        // JSON, not the voting form (in Chinese, like every refusal).
        ("POST", format!("/vote/{}", "0".repeat(64)), [415; 10]),
        // The result sheet: refused until the evaluation is closed (none
        // is open here).
        ("GET", format!("/evaluations/2025/1/{T1}/print"), [409, 409, 409, 409, 404, 403, 403, 403, 403, 303]),
        ("GET", format!("/evaluations/2025/3/{T1}/print"), [404, 404, 404, 404, 404, 403, 403, 403, 403, 303]),
        // A batch of voting codes (none issued here: missing to whoever
        // may see the evaluation).
        ("GET", format!("/evaluations/2025/1/{T1}/codes/1"), [404, 404, 404, 404, 404, 403, 403, 403, 403, 303]),
        ("GET", format!("/evaluations/2025/1/{T2}/codes/x"), [404, 404, 404, 404, 404, 403, 403, 403, 403, 303]),
        // The yearly plans: a town role sees its own town's secretaries;
        // a plan is addressed by the person's reference.
        ("GET", "/plans".into(),                     [200, 200, 200, 200, 200, 403, 403, 403, 403, 303]),
        ("GET", "/plans?year=abc".into(),            [400, 400, 400, 400, 400, 403, 403, 403, 403, 303]),
        ("GET", format!("/plans?year=2025&town={T1}"), [200, 200, 200, 200, 404, 403, 403, 403, 403, 303]),
        ("GET", format!("/plans?year=2025&town={T2}"), [200, 200, 404, 404, 200, 403, 403, 403, 403, 303]),
        ("GET", format!("/plans/2025/{a}"),          [200, 200, 200, 200, 404, 403, 403, 403, 403, 303]),
        ("GET", format!("/plans/2025/{c}"),          [200, 200, 404, 404, 200, 403, 403, 403, 403, 303]),
        // Not on a list that year, no such person, an ID number.
        ("GET", format!("/plans/2024/{a}"),          [404, 404, 404, 404, 404, 403, 403, 403, 403, 303]),
        ("GET", format!("/plans/2025/{missing}"),    [404, 404, 404, 404, 404, 403, 403, 403, 403, 303]),
        ("GET", format!("/plans/2025/{}", person_a().as_str()), [404, 404, 404, 404, 404, 403, 403, 403, 403, 303]),
        // JSON, not the form: no CSRF field, refused before any move.
        ("POST", format!("/plans/2025/{a}"),         [403, 403, 403, 403, 403, 403, 403, 403, 403, 303]),
        // The monthly subsidy runs: finance sees every town's.
        ("GET", "/pay".into(),                       [200, 200, 303, 303, 303, 200, 403, 403, 403, 303]),
        ("GET", "/pay?month=2025-13".into(),         [400, 400, 400, 400, 400, 400, 403, 403, 403, 303]),
        ("GET", format!("/pay/2025-06/{T1}"),        [200, 200, 200, 200, 404, 200, 403, 403, 403, 303]),
        ("GET", format!("/pay/2025-06/{T2}"),        [200, 200, 404, 404, 200, 200, 403, 403, 403, 303]),
        ("GET", format!("/pay/2025-06/{T1}/print"),  [200, 200, 200, 200, 404, 200, 403, 403, 403, 303]),
        // The one-card file: finance and the city, once approved (no run
        // here: not yet); the town never.
        ("GET", format!("/pay/2025-06/{T1}/one-card"), [409, 403, 403, 403, 404, 409, 403, 403, 403, 303]),
        ("GET", format!("/pay/2025-06/{T2}/one-card"), [409, 403, 404, 404, 403, 409, 403, 403, 403, 303]),
        ("GET", format!("/pay/2025-13/{T1}"),        [404, 404, 404, 404, 404, 404, 403, 403, 403, 303]),
        // JSON, not the form: no CSRF field, refused before any move.
        ("POST", format!("/pay/2025-06/{T1}"),       [403, 403, 403, 403, 403, 403, 403, 403, 403, 303]),
        ("POST", "/training".into(),                 [403, 403, 403, 403, 403, 403, 403, 403, 403, 303]),
        ("POST", "/exits".into(),                    [403, 403, 403, 403, 403, 403, 403, 403, 403, 303]),
        ("POST", format!("/lists/2025/{T1}"),        [403, 403, 403, 403, 403, 403, 403, 403, 403, 303]),
        ("POST", "/whatif".into(),                   [403, 403, 403, 403, 403, 403, 403, 403, 403, 303]),
        ("GET", "/static/dashboard.js".into(),       [200; 10]),
        ("GET", "/static/busy.js".into(),            [200; 10]),
        ("GET", "/static/session.js".into(),         [200; 10]),
        ("GET", "/static/fields.js".into(),          [200; 10]),
        ("GET", "/static/vendor/echarts-5.6.0.min.js".into(), [200; 10]),
        ("GET", "/api/v1/nothing".into(),            [404; 10]),
        ("GET", "/api/openapi.json".into(),          [200; 10]),
        ("GET", "/static/app.css".into(),            [200; 10]),
        ("GET", "/login".into(),                     [303, 303, 303, 303, 303, 303, 303, 303, 303, 200]),
        ("GET", "/setup".into(),                     [303; 10]),
        ("GET", "/nothing-here".into(),              [404; 10]),
    ]
}

const CASE: &str = include_str!("../../../examples/case-example.json");

async fn every_route_as_every_role(db: TestDb) {
    let h = harness(&db, true).await;
    seed_proposals(&h.store).await;
    let mut sessions = Vec::new();
    for who in WHO {
        sessions.push(match who {
            Some(u) => Some(sign_in(&h, u).await),
            None => None,
        });
    }
    let mut failures = Vec::new();
    for (method, path, expected) in matrix(&h) {
        for (i, who) in WHO.iter().enumerate() {
            let (token, csrf) = match &sessions[i] {
                Some((t, c)) => (Some(t.as_str()), c.as_str()),
                None => (None, ""),
            };
            let call = if method == "POST" {
                post(&path).json(CASE).header("x-csrf-token", csrf)
            } else {
                get(&path)
            };
            let got = call.session(token).send(&h).await;
            if got.status.as_u16() != expected[i] {
                failures.push(format!(
                    "{method} {path} as {}: expected {}, got {} ({})",
                    who.unwrap_or("signed out"),
                    expected[i],
                    got.status,
                    got.text().chars().take(120).collect::<String>()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    db.finish().await;
}
both_backends!(permission_matrix, every_route_as_every_role);

/// (path, form fields, expected status for each of [`WHO`]) for the
/// recording forms, posted as forms with each session's CSRF token. Each
/// form is incomplete, so a role allowed to record it gets the Chinese
/// 422 of its first missing field and nothing is written; the others are
/// refused by role (403), by town (404) or sent to sign in (303).
type FormRow = (&'static str, Vec<(&'static str, &'static str)>, [u16; 10]);

/// Town 1's evaluation of the first half of 2025 (none is open here).
const EVALUATION: &str = "/evaluations/2025/1/370783100";

#[rustfmt::skip]
fn form_matrix() -> Vec<FormRow> {
    let r = |action| vec![("year", "2025"), ("town", T1), ("action", action)];
    let y = |action, kind| vec![("month", "2025-06"), ("town", T1), ("action", action), ("kind", kind)];
    let q = |action| vec![("town", T1), ("action", action)];
    let e = |action| vec![("seen", "none"), ("action", action)];
    vec![
        // Secondments, work logs, appraisals and reserves: the town's operator.
        ("/reserves", r("secondment"),             [403, 403, 422, 403, 404, 403, 403, 403, 403, 303]),
        ("/reserves", r("worklog"),                [403, 403, 422, 403, 404, 403, 403, 403, 403, 303]),
        ("/reserves", r("appraisal"),              [403, 403, 422, 403, 404, 403, 403, 403, 403, 303]),
        ("/reserves", r("reserve"),                [403, 403, 422, 403, 404, 403, 403, 403, 403, 303]),
        ("/reserves", r("unreserve"),              [403, 403, 422, 403, 404, 403, 403, 403, 403, 303]),
        // The yearly report: the town's reviewer.
        ("/reserves", r("report"),                 [403, 403, 403, 422, 404, 403, 403, 403, 403, 303]),
        ("/reserves", vec![("year", "2025"), ("town", T2), ("action", "secondment")],
                                                   [403, 403, 404, 404, 422, 403, 403, 403, 403, 303]),
        ("/reserves", vec![("year", "abc"), ("town", T1), ("action", "report")],
                                                   [404, 404, 404, 404, 404, 403, 403, 403, 403, 303]),
        // Young cadres: scored by the operator, selected by the reviewer,
        // filed and extended by the city.
        ("/young", y("score", ""),                 [403, 403, 422, 403, 404, 403, 403, 403, 403, 303]),
        ("/young", y("move", "select"),            [403, 403, 403, 422, 404, 403, 403, 403, 403, 303]),
        ("/young", y("move", "deselect"),          [403, 403, 403, 422, 404, 403, 403, 403, 403, 303]),
        ("/young", y("move", "file"),              [422, 403, 403, 403, 404, 403, 403, 403, 403, 303]),
        ("/young", y("move", "return"),            [422, 403, 403, 403, 404, 403, 403, 403, 403, 303]),
        ("/young", y("move", "propose_extension"), [403, 403, 403, 422, 404, 403, 403, 403, 403, 303]),
        ("/young", y("move", "extend"),            [422, 403, 403, 403, 404, 403, 403, 403, 403, 303]),
        ("/young", y("move", "decline_extension"), [422, 403, 403, 403, 404, 403, 403, 403, 403, 303]),
        ("/young", y("move", "nothing"),           [422, 422, 422, 422, 404, 403, 403, 403, 403, 303]),
        // The year's proposal decided again: the city, a town's operator.
        ("/lists/propose", vec![("year", "abc")],   [422, 403, 422, 403, 422, 403, 403, 403, 403, 303]),
        ("/lists/propose", vec![("year", "2025"), ("town", "370783999")],
                                                   [404, 403, 404, 403, 404, 403, 403, 403, 403, 303]),
        // Qualification: exams and applications by the operator,
        // certificates by the city.
        ("/qualifications", q("exam"),             [403, 403, 422, 403, 404, 403, 403, 403, 403, 303]),
        ("/qualifications", q("certificate"),      [422, 403, 403, 403, 404, 403, 403, 403, 403, 303]),
        ("/qualifications", q("enrol"),            [403, 403, 422, 403, 404, 403, 403, 403, 403, 303]),
        ("/qualifications", vec![("town", "370783999"), ("action", "exam")],
                                                   [403, 403, 404, 404, 404, 403, 403, 403, 403, 303]),
        // The competency evaluation (none open: the role that may make a
        // move is told the state does not allow it, 409): raters declared,
        // codes issued and paper counts entered by the operator; raters
        // and paper counts confirmed and the evaluation closed by the
        // reviewer; another town's is missing.
        (EVALUATION, e("raters"),                  [403, 403, 409, 403, 404, 403, 403, 403, 403, 303]),
        (EVALUATION, e("raters_confirm"),          [403, 403, 403, 409, 404, 403, 403, 403, 403, 303]),
        (EVALUATION, e("codes"),                   [403, 403, 409, 403, 404, 403, 403, 403, 403, 303]),
        (EVALUATION, e("codes_again"),             [403, 403, 409, 403, 404, 403, 403, 403, 403, 303]),
        (EVALUATION, e("paper"),                   [403, 403, 409, 403, 404, 403, 403, 403, 403, 303]),
        (EVALUATION, e("paper_confirm"),           [403, 403, 403, 409, 404, 403, 403, 403, 403, 303]),
        (EVALUATION, e("close"),                   [403, 403, 403, 409, 404, 403, 403, 403, 403, 303]),
        (EVALUATION, e("nothing"),                 [422, 422, 422, 422, 404, 403, 403, 403, 403, 303]),
    ]
}

async fn every_form_as_every_role(db: TestDb) {
    assert_eq!(EVALUATION, format!("/evaluations/2025/1/{T1}"));
    let h = harness(&db, true).await;
    let mut sessions = Vec::new();
    for who in WHO {
        sessions.push(match who {
            Some(u) => Some(sign_in(&h, u).await),
            None => None,
        });
    }
    let before = h.store.changes(None).await.unwrap().len();
    let mut failures = Vec::new();
    for (path, fields, expected) in form_matrix() {
        for (i, who) in WHO.iter().enumerate() {
            let (token, csrf) = match &sessions[i] {
                Some((t, c)) => (Some(t.as_str()), c.as_str()),
                None => (None, ""),
            };
            let mut pairs = vec![("csrf", csrf)];
            pairs.extend_from_slice(&fields);
            let got = post(path).form(&pairs).session(token).send(&h).await;
            if got.status.as_u16() != expected[i] {
                failures.push(format!(
                    "POST {path} {fields:?} as {}: expected {}, got {} ({})",
                    who.unwrap_or("signed out"),
                    expected[i],
                    got.status,
                    got.text().chars().take(120).collect::<String>()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    assert_eq!(
        h.store.changes(None).await.unwrap().len(),
        before,
        "an incomplete form writes nothing"
    );
    db.finish().await;
}
both_backends!(form_permission_matrix, every_form_as_every_role);

/// Routes the matrices leave to tests of their own, with the reason. A
/// page's POST counts as asked only by a real form (the [`form_matrix`]:
/// each role's CSRF token, own town and another): the [`matrix`]'s JSON
/// posts to pages only show that a body without the token is refused.
/// The posts listed here are made as forms, by role and town, in their
/// feature's tests.
const COVERED_ELSEWHERE: &[(&str, &str)] = &[
    (
        "/healthz",
        "tests/health.rs: answered without an account, nothing about the records",
    ),
    (
        "/readyz",
        "tests/health.rs: ready on a current database; pending migrations in touyan-storage",
    ),
    (
        "/corrections",
        "tests/corrections.rs: the recording role, the reviewer refused, another town, stale pages",
    ),
    (
        "/todo",
        "tests/todo.rs: the city's moves in bulk, a stale pick, a town's pick of another town, no token",
    ),
    (
        "/lists/{year}/{town}/exceptions",
        "tests/exceptions.rs: the operator asks, the reviewer and the city decide, another town",
    ),
    (
        "/people/{id}/conditions",
        "tests/conditions.rs: the operator, the reviewer, another town, the city",
    ),
    (
        "/people/{id}/one-card",
        "tests/one_card.rs: the operator, the reviewer, another town, the city",
    ),
    (
        "/people/{id}/pay-parts",
        "tests/pay_parts.rs: the operator, the reviewer, another town, the city, no token",
    ),
    (
        "/villages/{code}/years",
        "tests/village_years.rs: the operator, the reviewer, another town, the city, no token",
    ),
    (
        "/pay/{month}/{town}",
        "tests/pay.rs: each role's move, own town and another",
    ),
    (
        "/training",
        "tests/training.rs: operator, reviewer, another town",
    ),
    (
        "/exits",
        "tests/exits.rs: the reviewer, other roles, another town",
    ),
    (
        "/lists/{year}/{town}",
        "tests/lists.rs: each role's move, another town",
    ),
    (
        "/whatif",
        "tests/whatif.rs: another town's name answered as missing",
    ),
    (
        "/plans/{year}/{person}",
        "tests/plans.rs: each stage's role, another town",
    ),
    (
        "/daily",
        "tests/daily.rs: who keeps which record, another town",
    ),
    (
        "/exports",
        "tests/exports.rs: finance, full ID numbers, a town's scope",
    ),
    (
        "/import",
        "tests/import_writes.rs: the write matrix, sheet by sheet",
    ),
    ("/vote/{token}", "tests/evaluations.rs: a code votes once"),
    (
        "/logout",
        "a sign-out ends the session: `csrf_origin_and_logout`",
    ),
    (
        "/session",
        "tests/forms_kept.rs: extended with the token, refused without it, 401 once expired",
    ),
    (
        "/api/v1/login",
        "sign-in and its throttle: `throttle`, `unknown_names`",
    ),
    (
        "/api/v1/logout",
        "a sign-out ends the session: `csrf_origin_and_logout`",
    ),
    (
        "/login",
        "the sign-in form: `throttle`, `unknown_names`, `csrf_origin_and_logout`",
    ),
    (
        "/setup",
        "the first administrator: `the_first_administrator_is_asked_for_once`",
    ),
];

/// The router's (method, path) pairs, read from `src/lib.rs` (the API's
/// under `/api/v1`).
fn routes() -> Vec<(&'static str, String)> {
    let lib = include_str!("../src/lib.rs");
    let api_start = lib.find("let api = Router::new()").expect("the API router");
    let api_end = api_start + lib[api_start..].find(".fallback(").expect("its end");
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = lib[at..].find(".route(") {
        let start = at + i + ".route(".len();
        at = start;
        let rest = lib[start..].trim_start();
        let Some(rest) = rest.strip_prefix('"') else {
            continue; // a constant (the vendored chart script: a test of its own)
        };
        let path = &rest[..rest.find('"').expect("closing quote")];
        let path = if (api_start..api_end).contains(&start) {
            format!("/api/v1{path}")
        } else {
            path.to_owned()
        };
        // The handlers of this route: up to the next route.
        let end = rest.find(".route(").unwrap_or(rest.len());
        let body = &rest[..end];
        for (method, call) in [("GET", "get("), ("POST", "post(")] {
            let called = body.match_indices(call).any(|(j, _)| {
                j == 0
                    || !body.as_bytes()[j - 1].is_ascii_alphanumeric()
                        && body.as_bytes()[j - 1] != b'_'
            });
            if called {
                out.push((method, path.clone()));
            }
        }
    }
    out
}

/// Whether a request path (query aside) is one of `route`'s.
fn matches(route: &str, path: &str) -> bool {
    let path = path.split('?').next().unwrap_or(path);
    let (r, p): (Vec<&str>, Vec<&str>) = (route.split('/').collect(), path.split('/').collect());
    r.len() == p.len()
        && r.iter()
            .zip(&p)
            .all(|(r, p)| (r.starts_with('{') && r.ends_with('}')) || r == p)
}

async fn every_route_is_in_a_matrix(db: TestDb) {
    let h = harness(&db, true).await;
    // The matrix's GETs and API calls, and the form matrix's posts (see
    // COVERED_ELSEWHERE).
    let mut asked: Vec<(&str, String)> = matrix(&h)
        .into_iter()
        .filter(|(m, p, _)| *m == "GET" || p.starts_with("/api/"))
        .map(|(m, p, _)| (m, p))
        .collect();
    asked.extend(
        form_matrix()
            .into_iter()
            .map(|(p, _, _)| ("POST", p.to_owned())),
    );
    let routes = routes();
    assert!(routes.len() > 50, "the routes were read: {routes:?}");
    assert!(
        routes.contains(&("POST", "/lists/{year}/{town}".to_owned())),
        "{routes:?}"
    );
    let missing: Vec<String> = routes
        .iter()
        .filter(|(_, r)| !COVERED_ELSEWHERE.iter().any(|(c, _)| c == r))
        .filter(|(m, r)| !asked.iter().any(|(am, p)| am == m && matches(r, p)))
        .map(|(m, r)| format!("{m} {r}"))
        .collect();
    assert!(missing.is_empty(), "routes in no matrix: {missing:#?}");
    db.finish().await;
}
both_backends!(route_coverage, every_route_is_in_a_matrix);

async fn out_of_scope_reads_exactly_like_missing(db: TestDb) {
    let h = harness(&db, true).await;
    let (op2, _) = sign_in(&h, "op2").await;
    for (other, missing) in [
        (format!("/villages/{V1}"), format!("/villages/{V_MISSING}")),
        (
            format!("/api/v1/villages/{V1}"),
            format!("/api/v1/villages/{V_MISSING}"),
        ),
        (
            format!("/people/{}", h.person(&person_a())),
            format!("/people/{}", h.person(&cid("11010519491231002"))),
        ),
        (
            format!("/api/v1/people/{}", h.person(&person_a())),
            format!("/api/v1/people/{}", h.person(&cid("11010519491231002"))),
        ),
    ] {
        let a = get(&other).session(Some(&op2)).send(&h).await;
        let b = get(&missing).session(Some(&op2)).send(&h).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{other}");
        assert_eq!(
            (a.status, a.body.clone()),
            (b.status, b.body.clone()),
            "{other}"
        );
        assert_eq!(a.header("content-type"), b.header("content-type"));
    }
    // Lists are scoped too: town 2 sees only its village and person.
    let v = get("/api/v1/villages")
        .session(Some(&op2))
        .send(&h)
        .await
        .json();
    assert_eq!(v["total"], 1);
    assert_eq!(v["items"][0]["code"], V2);
    assert_eq!(v["items"][0]["town_code"], T2);
    assert_eq!(v["items"][0]["name"], "南村村民委员会");
    let p = get("/api/v1/people")
        .session(Some(&op2))
        .send(&h)
        .await
        .json();
    assert_eq!(p["total"], 1);
    assert_eq!(p["items"][0]["name"], "王五");
    // Asking for the other town by filter gives nothing.
    let v = get(&format!("/api/v1/villages?town={T1}"))
        .session(Some(&op2))
        .send(&h)
        .await
        .json();
    assert_eq!(v["total"], 0);
    db.finish().await;
}
both_backends!(scope_404, out_of_scope_reads_exactly_like_missing);

async fn lists_page_and_mask(db: TestDb) {
    let h = harness(&db, true).await;
    let (admin, _) = sign_in(&h, "admin").await;
    let v = get("/api/v1/villages?per_page=1&page=2")
        .session(Some(&admin))
        .send(&h)
        .await
        .json();
    // Two villages in code order: 370783001201, 370783100201.
    assert_eq!(
        (v["total"].as_u64(), v["page"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(v["items"].as_array().unwrap().len(), 1);
    assert_eq!(v["items"][0]["code"], V1);
    let bad = get("/api/v1/people?page=abc")
        .session(Some(&admin))
        .send(&h)
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.json()["error"].as_str().unwrap().contains("page"));

    // The pages show ID numbers masked (6 + 4), the person file included.
    let a = person_a();
    let masked = format!("{}********{}", &a.as_str()[..6], &a.as_str()[14..]);
    let page = get("/people").session(Some(&admin)).send(&h).await;
    assert!(page.text().contains(&masked), "{}", page.text());
    assert!(!page.text().contains(a.as_str()), "a full ID on the page");
    assert!(
        page.text()
            .contains(&format!("href=\"/people/{}\"", h.person(&a)))
    );
    let list = get("/api/v1/people").session(Some(&admin)).send(&h).await;
    assert!(
        !list.text().contains(a.as_str()),
        "a full ID in the API list"
    );
    let village = get(&format!("/api/v1/villages/{V1}"))
        .session(Some(&admin))
        .send(&h)
        .await;
    assert!(!village.text().contains(a.as_str()), "a full ID in the API");
    assert_eq!(village.json()["posts"][0]["person"], h.person(&a));
    let file = get(&format!("/people/{}", h.person(&a)))
        .session(Some(&admin))
        .send(&h)
        .await;
    let text = file.text();
    assert!(text.contains(&masked));
    assert!(!text.contains(a.as_str()), "full ID on the person page");
    assert!(text.contains("一人一档：张三"));
    assert!(text.contains("1500.00"), "the pay record in yuan");
    // The API file carries the whole history, the ID masked.
    let j = get(&format!("/api/v1/people/{}", h.person(&a)))
        .session(Some(&admin))
        .send(&h)
        .await
        .json();
    assert_eq!(j["id"], h.person(&a));
    assert_eq!(j["id_masked"], masked);
    assert!(!j.to_string().contains(a.as_str()), "a full ID in the API");
    assert_eq!(j["posts"][0]["village"], V1);
    assert_eq!(j["pay"][0]["amount_fen"], 150_000);
    db.finish().await;
}
both_backends!(lists, lists_page_and_mask);

/// The failure count of an account as stored.
async fn stored_failures(h: &Harness, username: &str) -> u32 {
    h.store
        .account(username)
        .await
        .unwrap()
        .unwrap()
        .failed_attempts
}

async fn failures_slow_down_one_address_on_one_account(db: TestDb) {
    let h = harness(&db, true).await;
    let attempt = |pw: &str| {
        post("/api/v1/login").json(format!(r#"{{"username":"viewer","password":"{pw}"}}"#))
    };
    let hashes = h.state.hashes_computed();
    for i in 1..=5 {
        let a = attempt("Wrong@2025").send(&h).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "attempt {i}");
        assert_eq!(a.json()["error"], "用户名或密码错误");
        assert_eq!(a.session(), None);
        if i < 5 {
            h.clock.advance(Duration::seconds(5));
        }
    }
    // Each was checked: five hashes, five failures on the account.
    assert_eq!(h.state.hashes_computed(), hashes + 5);
    assert_eq!(stored_failures(&h, "viewer").await, 5);
    // Five failures from this address on this account: the sixth attempt
    // must wait 1 s from the fifth, even with the right password, and is
    // answered without hashing or writing anything.
    let a = attempt(PASSWORD).send(&h).await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(a.json()["error"], "登录失败次数过多，请于 1 秒后再试");
    assert_eq!(a.header("retry-after").as_deref(), Some("1"));
    assert_eq!(a.session(), None);
    // The page says so in Chinese, with 429 too.
    let p = post("/login")
        .form(&[("username", "viewer"), ("password", PASSWORD)])
        .send(&h)
        .await;
    assert_eq!(p.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(p.text().contains("登录失败次数过多，请于 1 秒后再试"));
    assert_eq!(h.state.hashes_computed(), hashes + 5, "nothing hashed");
    assert_eq!(stored_failures(&h, "viewer").await, 5, "nothing counted");
    // Other accounts from this address are not affected.
    sign_in(&h, "admin").await;
    // A second late failure doubles the wait: 2 s from the sixth.
    h.clock.advance(Duration::seconds(1));
    assert_eq!(
        attempt("Wrong@2025").send(&h).await.status,
        StatusCode::UNAUTHORIZED
    );
    let a = attempt(PASSWORD).send(&h).await;
    assert_eq!(a.json()["error"], "登录失败次数过多，请于 2 秒后再试");
    // Nothing is locked: from another address the right password works at
    // once (and clears the stored count).
    let other = attempt(PASSWORD).from("198.51.100.20").send(&h).await;
    assert_eq!(other.status, StatusCode::OK, "{}", other.text());
    assert_eq!(stored_failures(&h, "viewer").await, 0);
    let acc = h.store.account("viewer").await.unwrap().unwrap();
    assert_eq!(acc.locked_until, None);
    // After its wait, this address signs in too.
    h.clock.advance(Duration::seconds(2));
    let a = attempt(PASSWORD).send(&h).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    // A body that is not the login object.
    let a = post("/api/v1/login").json("{\"user\":1}").send(&h).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    db.finish().await;
}
both_backends!(throttle, failures_slow_down_one_address_on_one_account);

/// Sends `attempt` from `ip` until it is checked (401 or 200), moving the
/// clock by each `Retry-After`; the answer.
async fn when_let_through(h: &Harness, ip: &str, username: &str, password: &str) -> Answer {
    for _ in 0..100 {
        let a = post("/api/v1/login")
            .from(ip)
            .json(format!(
                r#"{{"username":"{username}","password":"{password}"}}"#
            ))
            .send(h)
            .await;
        if a.status != StatusCode::TOO_MANY_REQUESTS {
            return a;
        }
        let secs: i64 = a.header("retry-after").unwrap().parse().unwrap();
        h.clock.advance(Duration::seconds(secs));
    }
    panic!("{username} from {ip} never let through");
}

async fn an_attacker_cannot_keep_an_account_from_signing_in(db: TestDb) {
    let h = harness(&db, true).await;
    const OFFICE: &str = "192.0.2.10";
    const ATTACKER: &str = "198.51.100.66";
    const NEW_PLACE: &str = "203.0.113.77";
    let office = |pw: &str| {
        post("/api/v1/login")
            .from(OFFICE)
            .json(format!(r#"{{"username":"admin","password":"{pw}"}}"#))
    };
    // The administrator signs in from the office.
    assert_eq!(office(PASSWORD).send(&h).await.status, StatusCode::OK);
    // An attacker fails 15 times on the account, waiting each time as long
    // as told (5 free, then 1, 2, 4, … 512 s: 1023 s in all).
    let start = h.state.now();
    for i in 0..15 {
        let a = when_let_through(&h, ATTACKER, "admin", "Guess@2025").await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "guess {i}");
    }
    assert_eq!(h.state.now() - start, Duration::seconds(1023));
    assert_eq!(stored_failures(&h, "admin").await, 15);
    // Right after the last guess, the office is let through at once…
    let a = office(PASSWORD).send(&h).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    // …and a place never used before is only slowed down: 15 failures on
    // the name, 10 free, so 2^5 = 32 s from the last; then let through.
    let a = post("/api/v1/login")
        .from(NEW_PLACE)
        .json(format!(r#"{{"username":"admin","password":"{PASSWORD}"}}"#))
        .send(&h)
        .await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(a.json()["error"], "登录失败次数过多，请于 32 秒后再试");
    h.clock.advance(Duration::seconds(32));
    let a = when_let_through(&h, NEW_PLACE, "admin", PASSWORD).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    // The attacker still waits: 15 failures, 5 free, 2^10 s capped at
    // 15 minutes from its last guess, 32 s of which have passed.
    let a = post("/api/v1/login")
        .from(ATTACKER)
        .json(format!(r#"{{"username":"admin","password":"{PASSWORD}"}}"#))
        .send(&h)
        .await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(a.header("retry-after").as_deref(), Some("868"));
    assert_eq!(a.json()["error"], "登录失败次数过多，请于 15 分钟后再试");
    db.finish().await;
}
both_backends!(
    attacker_elsewhere,
    an_attacker_cannot_keep_an_account_from_signing_in
);

async fn unknown_and_known_names_get_the_same_answers(db: TestDb) {
    let h = harness(&db, true).await;
    // The same attempts at the same moments: `viewer` (an account) from
    // one address, `nobody` (none) from another.
    let mut seen = Vec::new();
    for step in 0..8 {
        let mut answers = Vec::new();
        for (name, ip) in [("viewer", "198.51.100.1"), ("nobody", "198.51.100.2")] {
            let before = h.state.hashes_computed();
            let a = post("/api/v1/login")
                .from(ip)
                .json(format!(
                    r#"{{"username":"{name}","password":"Wrong@2025"}}"#
                ))
                .send(&h)
                .await;
            let hashed = h.state.hashes_computed() - before;
            answers.push((a.status, a.json(), a.header("retry-after"), hashed));
            let p = post("/login")
                .from(ip)
                .form(&[("username", name), ("password", "Wrong@2025")])
                .send(&h)
                .await;
            answers.push((
                p.status,
                serde_json::Value::Null,
                p.header("retry-after"),
                0,
            ));
        }
        assert_eq!(answers[0], answers[2], "API, step {step}");
        assert_eq!(
            (answers[1].0, &answers[1].2),
            (answers[3].0, &answers[3].2),
            "page, step {step}"
        );
        seen.push(answers[0].0.as_u16());
        h.clock.advance(Duration::milliseconds(700));
    }
    // Per name and address, API and page together: two attempts a step.
    // Steps 0–1 (t = 0, 0.7 s): four failures; step 2 (1.4 s): the fifth
    // (API), then the page waits 1 s; step 3 (2.1 s) is before 2.4 s;
    // step 4 (2.8 s): the sixth (API), the page then waits 2 s; steps 5
    // and 6 (3.5, 4.2 s) before 4.8 s; step 7 (4.9 s): the seventh.
    assert_eq!(seen, [401, 401, 401, 429, 401, 429, 429, 401]);
    // Both were logged with their addresses, the password nowhere.
    let log = h
        .store
        .audit(
            &AuditFilter {
                table: Some("login_failures".into()),
                ..Default::default()
            },
            Page::new(1, 100),
        )
        .await
        .unwrap();
    assert_eq!(log.total, 7);
    assert!(log.items.iter().all(|e| e.key == "nobody"
        && e.origin.as_deref() == Some("198.51.100.2")
        && !e.after.as_deref().unwrap_or("").contains("Wrong@2025")));
    assert_eq!(stored_failures(&h, "viewer").await, 7);
    // An unknown name costs a real hash too (argon2id over 19 MiB takes
    // well over 5 ms; a shortcut for names without an account would not).
    for (name, ip) in [("viewer", "198.51.100.3"), ("nobody", "198.51.100.4")] {
        let started = std::time::Instant::now();
        let a = post("/api/v1/login")
            .from(ip)
            .json(format!(
                r#"{{"username":"{name}","password":"Wrong@2025"}}"#
            ))
            .send(&h)
            .await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
        let took = started.elapsed();
        assert!(
            took >= std::time::Duration::from_millis(5),
            "{name}: {took:?}"
        );
    }
    db.finish().await;
}
both_backends!(unknown_names, unknown_and_known_names_get_the_same_answers);

async fn sessions_end_after_thirty_idle_minutes(db: TestDb) {
    let h = harness(&db, true).await;
    let (t, _) = sign_in(&h, "op1").await;
    let ask = || get("/api/v1/villages").session(Some(&t));
    h.clock.advance(Duration::minutes(29));
    assert_eq!(ask().send(&h).await.status, StatusCode::OK);
    // Used at 29 minutes: alive 29 minutes later (58 after sign-in)…
    h.clock.advance(Duration::minutes(29));
    assert_eq!(ask().send(&h).await.status, StatusCode::OK);
    // …and gone after 31 idle minutes.
    h.clock.advance(Duration::minutes(31));
    assert_eq!(ask().send(&h).await.status, StatusCode::UNAUTHORIZED);
    let page = get("/").session(Some(&t)).send(&h).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.header("location").as_deref(), Some("/login"));
    // A made-up token is nobody.
    let fake = "ab".repeat(32);
    assert_eq!(
        get("/api/v1/villages")
            .session(Some(&fake))
            .send(&h)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    db.finish().await;
}
both_backends!(idle_expiry, sessions_end_after_thirty_idle_minutes);

async fn csrf_origin_and_logout(db: TestDb) {
    let h = harness(&db, true).await;
    let (t, csrf) = sign_in(&h, "admin").await;
    // The page carries the token in its logout form.
    let home = get("/").session(Some(&t)).send(&h).await.text();
    assert!(home.contains(&format!("name=\"csrf\" value=\"{csrf}\"")));
    // A form without the token, or with another, is refused.
    for form in [vec![], vec![("csrf", "0".repeat(64))]] {
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let a = post("/logout")
            .session(Some(&t))
            .form(&pairs)
            .send(&h)
            .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN);
        assert!(a.text().contains("CSRF"));
    }
    // The API: no header, a wrong header.
    let a = post("/api/v1/evaluate")
        .session(Some(&t))
        .json(CASE)
        .send(&h)
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    let a = post("/api/v1/evaluate")
        .session(Some(&t))
        .header("x-csrf-token", "nope")
        .json(CASE)
        .send(&h)
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    // Cross-site browsers are refused before anything else, even with the
    // right token.
    for (k, v) in [
        ("sec-fetch-site", "cross-site"),
        ("origin", "http://evil.example"),
    ] {
        let a = post("/logout")
            .session(Some(&t))
            .header("host", "127.0.0.1:8080")
            .header(k, v)
            .form(&[("csrf", &csrf)])
            .send(&h)
            .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{k}");
        let a = post("/api/v1/login")
            .header("host", "127.0.0.1:8080")
            .header(k, v)
            .json(format!(r#"{{"username":"admin","password":"{PASSWORD}"}}"#))
            .send(&h)
            .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "login {k}");
    }
    // Same-origin with the token: signed out, cookie cleared.
    let a = post("/logout")
        .session(Some(&t))
        .header("host", "127.0.0.1:8080")
        .header("origin", "http://127.0.0.1:8080")
        .header("sec-fetch-site", "same-origin")
        .form(&[("csrf", &csrf)])
        .send(&h)
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert!(a.header("set-cookie").unwrap().contains("Max-Age=0"));
    assert_eq!(
        get("/api/v1/people")
            .session(Some(&t))
            .send(&h)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    // API logout.
    let (t2, csrf2) = sign_in(&h, "viewer").await;
    let a = post("/api/v1/logout").session(Some(&t2)).send(&h).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    let a = post("/api/v1/logout")
        .session(Some(&t2))
        .header("x-csrf-token", &csrf2)
        .send(&h)
        .await;
    assert_eq!(a.status, StatusCode::NO_CONTENT);
    assert_eq!(
        get("/api/v1/people")
            .session(Some(&t2))
            .send(&h)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    db.finish().await;
}
both_backends!(csrf, csrf_origin_and_logout);

async fn cookies_and_headers(db: TestDb) {
    let h = harness(&db, true).await;
    let a = post("/login")
        .form(&[("username", "admin"), ("password", PASSWORD)])
        .send(&h)
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let cookie = a.header("set-cookie").unwrap();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(!cookie.contains("Secure"), "not configured");
    let t = a.session().unwrap();
    let page = get("/people").session(Some(&t)).send(&h).await;
    let csp = page.header("content-security-policy").unwrap();
    assert!(
        csp.contains("default-src 'self'") && !csp.contains("http"),
        "{csp}"
    );
    assert_eq!(page.header("x-frame-options").as_deref(), Some("DENY"));
    assert_eq!(
        page.header("x-content-type-options").as_deref(),
        Some("nosniff")
    );
    assert_eq!(
        page.header("referrer-policy").as_deref(),
        Some("same-origin")
    );
    assert_eq!(page.header("cache-control").as_deref(), Some("no-store"));
    let css = get("/static/app.css").send(&h).await;
    assert!(css.header("content-type").unwrap().starts_with("text/css"));
    assert!(!css.text().contains("http"), "no external resources");
    // The page login with a wrong password: 401 and a Chinese message.
    let a = post("/login")
        .form(&[("username", "admin"), ("password", "x")])
        .send(&h)
        .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert!(a.text().contains("用户名或密码错误"));
    db.finish().await;
}
both_backends!(headers, cookies_and_headers);

async fn the_first_administrator_is_asked_for_once(db: TestDb) {
    let h = harness(&db, false).await;
    for path in ["/", "/login", "/villages"] {
        let a = get(path).send(&h).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(a.header("location").as_deref(), Some("/setup"), "{path}");
    }
    let form = get("/setup").send(&h).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text().contains("建立第一个管理员账户"));
    let submit = |u: &str, pw: &str, confirm: &str| {
        post("/setup").form(&[
            ("username", u),
            ("display_name", "李管理"),
            ("password", pw),
            ("confirm", confirm),
        ])
    };
    let a = submit("chief", "short", "short").send(&h).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.text().contains("至少 8 位"));
    let a = submit("chief", "Good@2025pw", "Good@2025px").send(&h).await;
    assert!(a.text().contains("两次输入的密码不一致"));
    let a = submit("bad name", "Good@2025pw", "Good@2025pw")
        .send(&h)
        .await;
    assert!(a.text().contains("用户名只能"));
    assert_eq!(h.store.account_count().await.unwrap(), 0, "nothing written");
    let a = submit("chief", "Good@2025pw", "Good@2025pw").send(&h).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert_eq!(a.header("location").as_deref(), Some("/login"));
    let acc = h.store.account("chief").await.unwrap().unwrap();
    assert_eq!(acc.role, "city_admin");
    assert!(acc.password_hash.starts_with("$argon2id$"));
    // Closed now: the form sends to sign-in, a second submission is refused.
    assert_eq!(get("/setup").send(&h).await.status, StatusCode::SEE_OTHER);
    let a = submit("second", "Good@2025pw", "Good@2025pw")
        .send(&h)
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert_eq!(h.store.account_count().await.unwrap(), 1);
    let a = post("/api/v1/login")
        .json(r#"{"username":"chief","password":"Good@2025pw"}"#)
        .send(&h)
        .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.json()["role_label"], "市级管理员");
    db.finish().await;
}
both_backends!(setup, the_first_administrator_is_asked_for_once);

async fn changes_are_audited_with_origin_and_only_the_auditor_reads_them(db: TestDb) {
    let h = harness(&db, true).await;
    let (t, csrf) = sign_in(&h, "op1").await;
    post("/api/v1/logout")
        .session(Some(&t))
        .header("x-csrf-token", &csrf)
        .send(&h)
        .await;
    let log = h
        .store
        .audit(
            &AuditFilter {
                actor: Some("op1".into()),
                ..Default::default()
            },
            Page::new(1, 10),
        )
        .await
        .unwrap();
    let seen: Vec<(&str, &str, Option<&str>)> = log
        .items
        .iter()
        .map(|e| (e.table.as_str(), e.action.as_str(), e.origin.as_deref()))
        .collect();
    assert_eq!(
        seen,
        [
            ("login_sessions", "delete", Some(CLIENT)),
            ("login_sessions", "insert", Some(CLIENT)),
        ]
    );
    // The auditor's page lists them, searchable by actor, IDs masked.
    let (aud, _) = sign_in(&h, "aud").await;
    let page = get("/audit?actor=op1").session(Some(&aud)).send(&h).await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    assert!(text.contains("共 2 条"), "{text}");
    assert!(text.contains(CLIENT));
    // In sentences, the person's name beside the user name, the table by
    // what it holds (its code only in a tooltip).
    assert!(
        text.contains("op1 测试（op1） 新增“登录会话”的记录"),
        "{text}"
    );
    assert!(text.contains("title=\"login_sessions\""), "{text}");
    assert!(!text.contains("<td>login_sessions</td>"));
    let page = get("/audit?table=people")
        .session(Some(&aud))
        .send(&h)
        .await;
    let text = page.text();
    let a = person_a();
    assert!(!text.contains(a.as_str()), "full ID in the audit page");
    assert!(text.contains(&format!("{}********", &a.as_str()[..6])));
    let bad = get("/audit?from=2025-13-01")
        .session(Some(&aud))
        .send(&h)
        .await;
    assert!(bad.text().contains("不是有效日期"));
    // Nobody can change the trail.
    for sql in [
        "UPDATE change_log SET origin = 'x'",
        "DELETE FROM change_log",
    ] {
        assert!(h.store.execute_raw_for_test(sql).await.is_err(), "{sql}");
    }
    db.finish().await;
}
both_backends!(
    audit,
    changes_are_audited_with_origin_and_only_the_auditor_reads_them
);

async fn evaluate_keeps_the_command_line_contract(db: TestDb) {
    let h = harness(&db, true).await;
    let (t, csrf) = sign_in(&h, "op1").await;
    let policy = touyan_rules::Policy::example();
    let expected = touyan_evaluate::evaluate(CASE.as_bytes(), &policy).unwrap();
    let a = post("/api/v1/evaluate")
        .session(Some(&t))
        .header("x-csrf-token", &csrf)
        .json(CASE)
        .send(&h)
        .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.body, expected, "the same bytes as touyan evaluate");
    assert_eq!(
        a.header("content-type").as_deref(),
        Some("application/json")
    );
    // Bad input: 422 with the message the command prints (exit 2).
    for bad in [
        "{}".to_owned(),
        "not json".to_owned(),
        CASE.replacen("\"as_of\"", "\"as_off\"", 1),
    ] {
        let message = touyan_evaluate::evaluate(bad.as_bytes(), &policy)
            .unwrap_err()
            .to_string();
        let a = post("/api/v1/evaluate")
            .session(Some(&t))
            .header("x-csrf-token", &csrf)
            .json(bad.clone())
            .send(&h)
            .await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert_eq!(a.json()["error"], message);
    }
    // The OpenAPI document describes the real routes.
    let spec = get("/api/openapi.json").send(&h).await.json();
    assert_eq!(spec["openapi"], "3.1.0");
    for (method, path) in touyan_web::openapi::ROUTES {
        let p = path
            .replace("{code}", V1)
            .replace("{id}", &h.person(&person_a()));
        let call = if *method == "post" {
            post(&p).json("{}")
        } else {
            get(&p)
        };
        let a = call.send(&h).await;
        assert_ne!(a.status, StatusCode::NOT_FOUND, "{method} {path}");
        assert_ne!(a.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        assert!(spec["paths"][path][method].is_object(), "{method} {path}");
    }
    db.finish().await;
}
both_backends!(evaluate, evaluate_keeps_the_command_line_contract);

async fn demo_accounts_sign_in_with_the_demo_password(db: TestDb) {
    let h = harness(&db, false).await;
    assert_eq!(
        touyan_web::demo_accounts_present(&h.store).await.unwrap(),
        None
    );
    let made = touyan_web::create_demo_accounts(&h.store, "演示数据")
        .await
        .unwrap();
    let names: Vec<&str> = made.iter().map(|a| a.username.as_str()).collect();
    assert_eq!(
        names,
        [
            "city",
            "finance",
            "town-370783001",
            "review-370783001",
            "town-370783100",
            "review-370783100"
        ]
    );
    // Again: nothing new, the same list.
    let again = touyan_web::create_demo_accounts(&h.store, "演示数据")
        .await
        .unwrap();
    assert_eq!(again, made);
    assert_eq!(h.store.account_count().await.unwrap(), 6);
    assert_eq!(
        touyan_web::demo_accounts_present(&h.store).await.unwrap(),
        Some(made)
    );
    let a = post("/api/v1/login")
        .json(r#"{"username":"town-370783100","password":"Demo@2025"}"#)
        .send(&h)
        .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.json()["town_code"], T1);
    assert_eq!(a.json()["role"], "town_operator");
    let r = post("/api/v1/login")
        .json(r#"{"username":"review-370783100","password":"Demo@2025"}"#)
        .send(&h)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["role"], "town_reviewer");
    assert_eq!(r.json()["town_code"], T1);
    let t = a.session().unwrap();
    let v = get("/api/v1/villages")
        .session(Some(&t))
        .send(&h)
        .await
        .json();
    assert_eq!(v["total"], 1);
    db.finish().await;
}
both_backends!(demo, demo_accounts_sign_in_with_the_demo_password);

async fn two_processes_on_one_database_agree(db: TestDb) {
    let h = harness(&db, true).await;
    // A second server on the same database: its own pool, state and key
    // lookup, nothing shared in memory.
    let store = db.open().await;
    let state = touyan_web::AppState::open(store, h.clock.clone(), touyan_web::Config::default())
        .await
        .unwrap();
    let other = Harness {
        app: touyan_web::app(state.clone()),
        state,
        clock: h.clock.clone(),
        store: h.store.clone(),
    };
    let (t, csrf) = sign_in(&h, "op1").await;
    // The session, the scope and the people references work on the other.
    let a = h.person(&person_a());
    assert_eq!(other.person(&person_a()), a);
    let got = get(&format!("/api/v1/people/{a}"))
        .session(Some(&t))
        .send(&other)
        .await;
    assert_eq!(got.status, StatusCode::OK);
    // Signed out on one, signed out on both.
    let out = post("/api/v1/logout")
        .session(Some(&t))
        .header("x-csrf-token", &csrf)
        .send(&other)
        .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert_eq!(
        get("/api/v1/villages")
            .session(Some(&t))
            .send(&h)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    // Failures through one are counted in the database the other reads;
    // nothing locks the account, and each process throttles what it is
    // sent (the throttle is kept in memory): five failures through one
    // hold the sixth there, not through the other.
    for _ in 0..5 {
        let a = post("/api/v1/login")
            .json(r#"{"username":"rev1","password":"Wrong@2025"}"#)
            .send(&h)
            .await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    }
    let stored = other.store.account("rev1").await.unwrap().unwrap();
    assert_eq!((stored.failed_attempts, stored.locked_until), (5, None));
    let right =
        || post("/api/v1/login").json(format!(r#"{{"username":"rev1","password":"{PASSWORD}"}}"#));
    assert_eq!(right().send(&h).await.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(right().send(&other).await.status, StatusCode::OK);
    let stored = h.store.account("rev1").await.unwrap().unwrap();
    assert_eq!(stored.failed_attempts, 0);
    db.finish().await;
}
both_backends!(two_processes, two_processes_on_one_database_agree);

async fn the_dashboard_follows_writes_of_another_process(db: TestDb) {
    use touyan_records::VillageCode;
    use touyan_records::model::{ListEntry, ListStatus};
    let h = harness(&db, true).await;
    let (city, _) = sign_in(&h, "admin").await;
    let (town, _) = sign_in(&h, "op1").await;
    let t1 = |a: &Answer| {
        let j = a.json();
        let towns = j["towns"].as_array().cloned().unwrap_or_default();
        towns
            .into_iter()
            .find(|t| t["code"] == T1)
            .expect("town 1 on the dashboard")
    };
    let dash = |t: &str| get("/api/v1/dashboard").session(Some(t)).send(&h);
    let before = dash(&city).await;
    assert_eq!(before.status, StatusCode::OK);
    assert_eq!(
        before.header("content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(t1(&before)["units"], 1);
    assert_eq!(t1(&dash(&town).await)["units"], 1);
    // Asked again with nothing written: the same answer.
    assert_eq!(dash(&city).await.body, before.body);

    // Another process on the same database (its own pool, nothing shared
    // in memory with this server) writes records.
    let other = db.open().await;
    let year = h.state.today().year();
    let batch = touyan_storage::Batch {
        villages: vec![touyan_storage::Village {
            code: VillageCode::parse("370783100202").unwrap(),
            name: "北村村民委员会".into(),
            kind: touyan_records::CommitteeKind::Villagers,
        }],
        list_entries: vec![ListEntry {
            year,
            person: person_a(),
            town: touyan_records::TownCode::parse(T1).unwrap(),
            village: VillageCode::parse(V1).unwrap(),
            tier: 2,
            status: ListStatus::Draft,
        }],
        ..touyan_storage::Batch::default()
    };
    other.apply("另一进程", &batch).await.unwrap();
    for token in [&city, &town] {
        let after = dash(token).await;
        assert_eq!(t1(&after)["units"], 2, "the new village is counted");
        assert_eq!(t1(&after)["listed"], 1);
        assert_eq!(t1(&after)["tiers"], serde_json::json!([0, 1, 0]));
        let warnings = after.json()["warnings"].to_string();
        assert!(warnings.contains("尚未备案"), "{warnings}");
    }
    // The page shows what the API shows.
    let page = get("/").session(Some(&town)).send(&h).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("尚未备案"), "{}", page.text());
    db.finish().await;
}
both_backends!(
    dashboard_cache,
    the_dashboard_follows_writes_of_another_process
);

/// A province-sized scope: the dashboard's town table is paged (50 a page)
/// with a search, those needing action first, and its charts draw at most
/// 30 towns; the village list's town filter is a text box (a code or a
/// name) past 60 towns, a drop-down below.
async fn many_towns_page_the_dashboard_and_type_the_town(db: TestDb) {
    use touyan_records::model::{ListEntry, ListStatus};
    use touyan_records::{TownCode, VillageCode};
    let h = harness(&db, true).await;
    let (city, _) = sign_in(&h, "admin").await;
    // Two towns: the village list offers a drop-down.
    let list = get("/villages").session(Some(&city)).send(&h).await.text();
    assert!(list.contains("<select name=\"town\">"), "{list}");
    let page = get("/").session(Some(&city)).send(&h).await.text();
    assert!(!page.contains("class=\"pager\""), "one page of towns");

    // 70 more towns (one village in the first), and one town 1 list entry
    // not filed: town 1 needs action.
    let year = h.state.today().year();
    let code = |i: u32| format!("370784{i:03}");
    let batch = touyan_storage::Batch {
        towns: (1..=70)
            .map(|i| touyan_storage::Town {
                code: TownCode::parse(&code(i)).unwrap(),
                name: format!("第{i:02}镇"),
            })
            .collect(),
        villages: vec![touyan_storage::Village {
            code: VillageCode::parse("370784001201").unwrap(),
            name: "新村村民委员会".into(),
            kind: touyan_records::CommitteeKind::Villagers,
        }],
        list_entries: vec![ListEntry {
            year,
            person: person_a(),
            town: TownCode::parse(T1).unwrap(),
            village: VillageCode::parse(V1).unwrap(),
            tier: 1,
            status: ListStatus::Draft,
        }],
        ..touyan_storage::Batch::default()
    };
    h.store.apply("测试", &batch).await.unwrap();

    // The API: every town, the totals, a chart of 30.
    let j = get("/api/v1/dashboard")
        .session(Some(&city))
        .send(&h)
        .await
        .json();
    assert_eq!(j["towns"].as_array().unwrap().len(), 72);
    assert_eq!(j["totals"]["towns"], 72);
    assert_eq!(j["totals"]["units"], 3);
    assert_eq!(j["totals"]["listed"], 1);
    assert_eq!(j["totals"]["towns_needing_action"], 1);
    assert_eq!(j["chart"]["of"], 72);
    assert_eq!(j["chart"]["selected"], true);
    let chart: Vec<&str> = j["chart"]["towns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["code"].as_str().unwrap())
        .collect();
    assert_eq!(chart.len(), 30);
    assert!(chart.contains(&T1), "the town needing action is drawn");

    // The page: 50 towns, town 1 (needing action) first, a pager.
    let rows = |text: &str| text.matches("<tr><td>").count();
    let first = get("/").session(Some(&city)).send(&h).await.text();
    assert_eq!(rows(&first), 50, "{first}");
    assert!(first.contains("共 72 个镇街区"), "{first}");
    assert!(first.contains("第 1 / 2 页"));
    assert!(first.contains("href=\"/?page=2\""));
    let t1_at = first.find("<tr><td>洛城街道</td>").expect("town 1 listed");
    assert!(t1_at < first.find("<tr><td>圣城街道</td>").unwrap_or(usize::MAX));
    assert!(t1_at < first.find("<tr><td>第01镇</td>").expect("第01镇 on page 1"));
    assert!(first.contains("1 人未备案"));
    // The chart data on the page is the chart's 30 towns, not every town.
    assert!(!first.contains("第70镇"), "a town of page 2 on page 1");
    let second = get("/?page=2").session(Some(&city)).send(&h).await.text();
    assert_eq!(rows(&second), 22);
    assert!(second.contains("第70镇"));
    assert!(second.contains("href=\"/?page=1\""));
    // Search by name and by code; only those needing action.
    let found = get(&format!("/?q={}", enc("第07镇")))
        .session(Some(&city))
        .send(&h)
        .await
        .text();
    assert_eq!(rows(&found), 1);
    assert!(found.contains("共 1 个镇街区"));
    let found = get("/?q=370784010")
        .session(Some(&city))
        .send(&h)
        .await
        .text();
    assert!(found.contains("<tr><td>第10镇</td>"), "{found}");
    assert_eq!(rows(&found), 1);
    let need = get("/?need=1").session(Some(&city)).send(&h).await.text();
    assert_eq!(rows(&need), 1);
    assert!(need.contains("<tr><td>洛城街道</td>"));
    let none = get(&format!("/?q={}", enc("无此镇")))
        .session(Some(&city))
        .send(&h)
        .await;
    assert_eq!(none.status, StatusCode::OK);
    assert_eq!(rows(&none.text()), 0);
    // A bad page number is page 1, not an error.
    let bad = get("/?page=x").session(Some(&city)).send(&h).await.text();
    assert_eq!(rows(&bad), 50);
    // A town account's dashboard is its town alone, without a search.
    let (town, _) = sign_in(&h, "op1").await;
    let mine = get("/").session(Some(&town)).send(&h).await.text();
    assert_eq!(rows(&mine), 1);
    assert!(!mine.contains("name=\"q\""));

    // The village list: a text box, by code or by name.
    let list = get("/villages").session(Some(&city)).send(&h).await.text();
    assert!(!list.contains("<select name=\"town\">"), "72 options");
    assert!(list.contains("<input name=\"town\" value=\"\""), "{list}");
    let codes = |text: &str| text.matches("<tr><td><a href=\"/villages/").count();
    let by_code = get(&format!("/villages?town={T1}"))
        .session(Some(&city))
        .send(&h)
        .await
        .text();
    assert_eq!(codes(&by_code), 1);
    assert!(by_code.contains(V1));
    let by_name = get(&format!("/villages?town={}", enc("第01镇")))
        .session(Some(&city))
        .send(&h)
        .await
        .text();
    assert_eq!(codes(&by_name), 1, "{by_name}");
    assert!(by_name.contains("370784001201"));
    // Part of a name matching several towns: the towns to choose from.
    let several = get(&format!("/villages?town={}", enc("第0")))
        .session(Some(&city))
        .send(&h)
        .await
        .text();
    assert_eq!(codes(&several), 0);
    assert!(several.contains("有 9 个镇街区与“第0”相符"), "{several}");
    assert!(several.contains("href=\"/villages?town=370784009\""));
    let nothing = get(&format!("/villages?town={}", enc("无此镇")))
        .session(Some(&city))
        .send(&h)
        .await
        .text();
    assert_eq!(codes(&nothing), 0);
    assert!(nothing.contains("没有名称或代码为“无此镇”的镇街区"));
    // A town account cannot reach another town by typing it.
    let other = get("/villages?town=370784001")
        .session(Some(&town))
        .send(&h)
        .await
        .text();
    assert_eq!(codes(&other), 0);
    db.finish().await;
}
both_backends!(many_towns, many_towns_page_the_dashboard_and_type_the_town);

/// Percent-encodes a query value.
fn enc(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

async fn bodies_over_their_limit_are_refused(db: TestDb) {
    let h = harness(&db, true).await;
    // Sign-in: 16 KB. A 20 KB name is refused before it is read whole,
    // in Chinese, as JSON on the API and as a page on the form.
    let long = "a".repeat(20 * 1024);
    let a = post("/api/v1/login")
        .json(format!(r#"{{"username":"{long}","password":"x"}}"#))
        .send(&h)
        .await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(a.json()["error"].as_str().unwrap().contains("请求内容太大"));
    let p = post("/login")
        .form(&[("username", &long), ("password", "x")])
        .send(&h)
        .await;
    assert_eq!(p.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(p.text().contains("请求内容太大"), "{}", p.text());
    // Just under the limit is read (and answered as a wrong password).
    let fits = "a".repeat(15 * 1024);
    let a = post("/api/v1/login")
        .json(format!(r#"{{"username":"{fits}","password":"x"}}"#))
        .send(&h)
        .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    // The forms of a signed-in user: 256 KB.
    let (t, csrf) = sign_in(&h, "op1").await;
    let form = |size: usize| {
        post("/training").session(Some(&t)).form(&[
            ("csrf", &csrf),
            ("action", "session"),
            ("note", &"x".repeat(size)),
        ])
    };
    let a = form(300 * 1024).send(&h).await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(a.text().contains("表单不能超过 256 KB"));
    let a = form(200 * 1024).send(&h).await;
    assert_ne!(a.status, StatusCode::PAYLOAD_TOO_LARGE);
    // Evaluate: 32 MB.
    let big = format!("{CASE}{}", " ".repeat(32 * 1024 * 1024));
    let a = post("/api/v1/evaluate")
        .session(Some(&t))
        .header("x-csrf-token", &csrf)
        .json(big)
        .send(&h)
        .await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        a.json()["error"],
        "测算案例太大：不能超过 32 MB；更大的案例请用命令行 touyan evaluate"
    );
    db.finish().await;
}
both_backends!(body_limits, bodies_over_their_limit_are_refused);

/// A request body sent a piece at a time, ending when the sender is
/// dropped.
struct Trickle(tokio::sync::mpsc::Receiver<axum::body::Bytes>);

impl http_body::Body for Trickle {
    type Data = axum::body::Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        self.0
            .poll_recv(cx)
            .map(|b| b.map(|b| Ok(http_body::Frame::data(b))))
    }
}

async fn evaluate_refuses_when_its_slots_are_full(db: TestDb) {
    let config = touyan_web::Config {
        limits: touyan_web::throttle::Limits {
            evaluations_at_once: 1,
            ..Default::default()
        },
        ..Default::default()
    };
    let h = harness_with(&db, true, config).await;
    let (t, csrf) = sign_in(&h, "op1").await;
    let case = || {
        post("/api/v1/evaluate")
            .session(Some(&t))
            .header("x-csrf-token", &csrf)
    };
    // A client sends half a case and stalls: it holds the one slot. (It
    // reaches its slot in a moment; should it not have it yet, the second
    // case below is decided, and we start over.)
    let half = CASE.len() / 2;
    let mut held = None;
    for _ in 0..50 {
        let (tx, rx) = tokio::sync::mpsc::channel(4);
        tx.send(CASE.as_bytes()[..half].to_vec().into())
            .await
            .unwrap();
        let stalled = tokio::spawn(
            case()
                .body("application/json", axum::body::Body::new(Trickle(rx)))
                .send_to(h.app.clone()),
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        let a = case().json(CASE).send(&h).await;
        if a.status == StatusCode::SERVICE_UNAVAILABLE && !stalled.is_finished() {
            // Another case is refused at once while the first stalls.
            assert_eq!(
                a.json()["error"],
                "系统繁忙，请稍后再试：同时进行的测算已达 1 个"
            );
            held = Some((tx, stalled));
            break;
        }
        drop(tx);
        let _ = stalled.await;
    }
    let (tx, stalled) = held.expect("a second case refused while the first held the slot");
    // The stalled client finishes its case: decided, and the slot is free.
    tx.send(CASE.as_bytes()[half..].to_vec().into())
        .await
        .unwrap();
    drop(tx);
    let done = stalled.await.unwrap();
    assert_eq!(done.status, StatusCode::OK, "{}", done.text());
    let a = case().json(CASE).send(&h).await;
    assert_eq!(a.status, StatusCode::OK);
    db.finish().await;
}
both_backends!(evaluate_bound, evaluate_refuses_when_its_slots_are_full);

/// axum's own refusals of a request it cannot read are English plain
/// text; every one reaches people in Chinese, with its status kept.
async fn unreadable_requests_are_refused_in_chinese(db: TestDb) {
    let h = harness(&db, true).await;
    let (op1, _) = sign_in(&h, "op1").await;
    let vote = format!("/vote/{}", "0".repeat(64));
    let a = post(&vote).json("{}").send(&h).await;
    assert_eq!(a.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(a.text().contains("请求内容无法读取"), "{}", a.text());
    assert!(!a.text().contains("Content-Type"), "{}", a.text());
    // A form handler that checks the user first: a JSON post carries no
    // CSRF field and is refused as such.
    let a = post(&format!("/pay/2025-06/{T1}"))
        .json("{}")
        .session(Some(&op1))
        .send(&h)
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert!(a.text().contains("CSRF"), "{}", a.text());
    db.finish().await;
}
both_backends!(
    unreadable_in_chinese,
    unreadable_requests_are_refused_in_chinese
);
