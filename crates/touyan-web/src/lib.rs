//! # touyan-web: the server (issue 4)
//!
//! One axum application: server-rendered pages in Chinese (askama
//! templates in `templates/`, one hand-written stylesheet, no external
//! network) and a JSON API under `/api/v1`, over one [`Store`] (SQLite or
//! PostgreSQL). Nothing that matters lives in the process: accounts,
//! sessions (only a hash of each token), sign-in failure counts and the
//! audit trail are in the database, so several processes can serve one
//! PostgreSQL database (the sign-in throttle is kept per process).
//!
//! Templates are grouped like the modules: one folder a feature
//! (`templates/pay/`, `templates/lists/`…, each template named for the
//! part that renders it: `pay/town.rs` renders `pay/town.html`),
//! `templates/pages/` for the general pages, `templates/people/` for the
//! village and people lists and their files; at the top only what every
//! page shares (`base.html`, `message.html`, `pager.html`), which a
//! template names by its path from `templates/`.
//!
//! - `roles.rs`: the roles and the permission table (action → roles).
//! - `auth.rs`: password rule, argon2id hashing, tokens, CSRF tokens.
//! - `throttle.rs`: floods bounded — password hashes at once, sign-in
//!   attempts per address and name, costly requests at once.
//! - `state.rs`: [`AppState`] (the store behind scoped access only, the
//!   clock, the policy) and the signed-in [`state::User`].
//! - `http/`: what keeps handlers thin — [`http::PageError`], the
//!   extractors [`http::SignedIn`] and [`http::SignedForm`], and the
//!   desks [`http::TownDesk`] and [`http::CityDesk`], a handler's only
//!   way to the store.
//! - `guard.rs`: security headers, the CSRF and origin checks, cookies.
//! - `pages/`: the chrome and rendering helpers every page shares
//!   (`mod.rs`) and the general pages (sign-in, dashboard, villages,
//!   people, the village and person files, policy, audit); `api.rs`: the
//!   JSON API; `openapi.rs`: its description at `/api/openapi.json`.
//! - `charts.rs`: the dashboard's data (`/api/v1/dashboard`), its script
//!   and the vendored ECharts.
//! - `refs.rs`: opaque references to people (no ID number in a URL).
//! - `imports.rs`: the import page (upload, checks, marked copies).
//! - `exports.rs`: the export page (.xlsx downloads).
//! - `lists/`: the yearly lists' review (Articles 1, 13) and the
//!   filing form for printing (the overview, a town's list as read and
//!   its page, the posts, the print); the moves are `touyan-workflow`'s.
//! - `training/`: training (Article 6): compliance with what is
//!   missing, sessions, attendance, admonitions and make-up study (the
//!   town's page, the post).
//! - `qualifications/`: qualification (Article 7): cadres without a
//!   certificate, courses still to pass, degree-study order; recording
//!   exam results, certificates, degree-study applications (the town's
//!   page, the post).
//! - `reserves/`: secondments and reserves (Articles 8, 9): quotas,
//!   coverage, appointments from outside the reserves; recording
//!   secondments, work logs, appraisals, reserves, the yearly report (the
//!   town's page, the post).
//! - `young/`: young cadres (Article 10): cap, age and extension, pay;
//!   candidates scored, selected within the cap, filed, extended (the
//!   town's page, the selection on it, the post).
//! - `row_filter.rs`: the filter of a long town table (words typed,
//!   only the rows with a problem) read from the query string.
//! - `forms.rs`: what the recording forms of the reserves, young-cadre and
//!   qualification pages share (fields, refusals).
//! - `whatif/`: what-if (模拟测算): changed facts or parameters, the
//!   decisions that change and why; nothing written (the form, the
//!   computation).
//! - `exits/`: exits (the inferred Article 14): grounds that apply,
//!   exits on record, recording one (the town's page, the post).
//! - `evaluations/`: the competency evaluations (Article 12): voting
//!   codes with QR codes, paper counts, closing, results, cases; and the
//!   anonymous voting page `/vote/{code}` (the overview, a town's page,
//!   the codes, the result sheet, a case, the vote); every move is
//!   `touyan_office::evaluation`'s.
//! - `pay/`: the monthly subsidy runs (Article 13) and the payment list
//!   for printing (the overview, a town's run as read and its page, the
//!   moves, the print).
//! - `plans/`: the yearly plans (Article 11): drafting, the review
//!   meeting, the public notice, filing or return (the overview, a town's
//!   secretaries, a plan's page, the moves); the moves are
//!   `touyan-workflow`'s.
//! - `daily/`: daily management and treatment guarantees (the inferred
//!   Chapter 2 and Article 14): records, computed reminders, leave moves
//!   (a town's page, a person's page, the leave moves, the post).
//! - `demo.rs`: the demo accounts.
//! - `server.rs`: the connection loop (header-read limit, graceful stop);
//!   `health.rs`: `/healthz` and `/readyz`.

pub mod api;
pub mod audit_chain;
pub mod auth;
pub mod charts;
pub mod daily;
pub mod demo;
pub mod evaluations;
pub mod exits;
pub mod exports;
mod forms;
pub mod guard;
pub mod health;
pub mod http;
pub mod imports;
mod input;
pub mod lists;
pub mod masking;
pub mod openapi;
pub mod pages;
mod passwords;
pub mod pay;
pub mod plans;
pub mod qualifications;
pub mod refill;
pub mod refs;
pub mod reserves;
pub mod roles;
mod row_filter;
mod scope;
pub mod server;
pub mod state;
pub mod throttle;
pub mod training;
pub mod whatif;
pub mod young;

use std::net::SocketAddr;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

pub use demo::{DemoAccount, create_demo_accounts, demo_accounts_present};
pub use server::{Serving, serve_until};
pub use state::{AppState, Clock, Config, ManualClock, SystemClock};

/// The largest case `POST /api/v1/evaluate` takes (a case costs about four
/// times its size in memory while decided; at most
/// [`throttle::Limits::evaluations_at_once`] are decided at once). Larger
/// cases: `touyan evaluate`.
pub const EVALUATE_LIMIT: usize = 32 * 1024 * 1024;

/// The largest body of any request without a limit of its own: the forms
/// (a town's paper counts for 200 listed secretaries are about 90 KB).
pub const FORM_LIMIT: usize = 256 * 1024;

/// The largest body of what anyone may post without an account: sign-in,
/// the first administrator's setup, a vote.
pub const SIGN_IN_LIMIT: usize = 16 * 1024;

/// The application: every route, the security headers and checks.
// One piece: the route table, read top to bottom as the site's map.
pub fn app(state: AppState) -> Router {
    let small = || DefaultBodyLimit::max(SIGN_IN_LIMIT);
    let api = Router::new()
        .route("/login", post(api::login).layer(small()))
        .route("/logout", post(api::logout))
        .route("/villages", get(api::villages))
        .route("/villages/{code}", get(api::village))
        .route("/people", get(api::people))
        .route("/people/{id}", get(api::person))
        .route("/dashboard", get(charts::api))
        .route(
            "/evaluate",
            post(api::evaluate).layer(DefaultBodyLimit::max(EVALUATE_LIMIT)),
        )
        .fallback(api::not_found);
    Router::new()
        .route("/", get(pages::dashboard))
        .route("/todo", get(pages::todo).post(pages::todo_bulk))
        .route(
            "/login",
            get(pages::login_form).post(pages::login).layer(small()),
        )
        .route(
            "/setup",
            get(pages::setup_form).post(pages::setup).layer(small()),
        )
        .route("/logout", post(pages::logout))
        .route("/session", post(pages::extend_session))
        .route("/villages", get(pages::villages))
        .route("/villages/{code}", get(pages::village))
        .route("/villages/{code}/years", post(pages::record_village_year))
        .route("/people", get(pages::people))
        .route("/people/{id}", get(pages::person))
        .route("/people/{id}/conditions", post(pages::record_conditions))
        .route("/people/{id}/one-card", post(pages::record_one_card))
        .route("/people/{id}/pay-parts", post(pages::record_pay_parts))
        .route("/policy", get(pages::policy))
        .route("/lists", get(lists::overview))
        .route("/lists/propose", post(lists::propose))
        .route(
            "/lists/{year}/{town}",
            get(lists::town_page).post(lists::town_move),
        )
        .route("/lists/{year}/{town}/print", get(lists::print))
        .route(
            "/lists/{year}/{town}/exceptions",
            post(lists::exception_move),
        )
        .route("/training", get(training::show).post(training::record))
        .route(
            "/corrections",
            get(pages::corrections::show).post(pages::corrections::record),
        )
        .route("/reserves", get(reserves::show).post(reserves::record))
        .route(
            "/qualifications",
            get(qualifications::show).post(qualifications::record),
        )
        .route("/young", get(young::show).post(young::record))
        .route("/exits", get(exits::show).post(exits::record))
        .route("/whatif", get(whatif::form).post(whatif::compute))
        .route("/evaluations", get(evaluations::overview))
        .route(
            "/evaluations/{year}/{half}/{town}",
            get(evaluations::town_page).post(evaluations::town_move),
        )
        .route(
            "/vote/{token}",
            get(evaluations::vote_form)
                .post(evaluations::vote)
                .layer(small()),
        )
        .route(
            "/evaluations/{year}/{half}/{town}/print",
            get(evaluations::print),
        )
        .route(
            "/evaluations/{year}/{half}/{town}/codes/{seq}",
            get(evaluations::code_batch),
        )
        .route("/plans", get(plans::overview))
        .route(
            "/plans/{year}/{person}",
            get(plans::plan_page).post(plans::plan_move),
        )
        .route("/pay", get(pay::overview))
        .route(
            "/pay/{month}/{town}",
            get(pay::town_page).post(pay::town_move),
        )
        .route("/pay/{month}/{town}/print", get(pay::print))
        .route("/pay/{month}/{town}/one-card", get(pay::one_card_file))
        .route("/daily", get(daily::show).post(daily::record))
        .route("/daily/{person}", get(daily::person))
        .route("/audit", get(pages::audit))
        .route(
            "/import",
            get(imports::form)
                .post(imports::upload)
                .layer(DefaultBodyLimit::max(imports::IMPORT_BODY_LIMIT)),
        )
        .route("/import/template", get(imports::template))
        .route("/exports", get(exports::form).post(exports::download))
        .route("/import/marked/{token}", get(imports::marked))
        .route("/static/app.css", get(pages::stylesheet))
        .route("/static/dashboard.js", get(charts::dashboard_js))
        .route("/static/busy.js", get(charts::busy_js))
        .route("/static/session.js", get(charts::session_js))
        .route("/static/fields.js", get(charts::fields_js))
        .route(charts::ECHARTS_PATH, get(charts::echarts))
        .route("/api/openapi.json", get(openapi::document))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .nest("/api/v1", api)
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn(input::checks))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http::keep::forms,
        ))
        .layer(DefaultBodyLimit::max(FORM_LIMIT))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::checks,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http::requests::around,
        ))
        .with_state(state)
}

/// Serves the application on `addr` until the process is stopped.
pub async fn serve(state: AppState, addr: SocketAddr) -> std::io::Result<()> {
    serve_on(state, tokio::net::TcpListener::bind(addr).await?).await
}

/// Serves the application on a bound listener (the caller can print the
/// address first) until the process is stopped.
pub async fn serve_on(state: AppState, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    server::serve_until(state, listener, Serving::default(), std::future::pending()).await
}
