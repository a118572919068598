//! The forms' memory and the pages' notices (issue 18 items 1 and 4), as
//! one layer around the pages (not the API, not the static files):
//!
//! - A form refused (a 4xx page in answer to a posted form) comes back
//!   filled in as it was sent ([`crate::refill`]).
//! - A form posted after the session expired is kept here, in memory,
//!   for the session's user only (secret fields dropped:
//!   [`crate::refill::secret`]); the sign-in page says so; signing in
//!   again as that user returns to the page the form was on, filled in,
//!   with "登录已超时，请确认后重新提交". Nothing is sent again on its own.
//! - A page asked for while signed out is returned to after sign-in.
//! - A handler that did something names it ([`done`]); the next page
//!   shows it at the top ("已报送……").
//!
//! Kept forms live in this process (at most [`KEPT_MAX`], each for
//! [`KEPT_FOR`]): several servers on one database each keep their own,
//! so a sign-in that lands on another server finds nothing to restore.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::body::{Body, to_bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, Request, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use time::{Duration, PrimitiveDateTime};

use crate::auth;
use crate::refill::{Notice, NoticeKind, Typed, refill, secret, with_notice, with_piece};
use crate::state::{AppState, cookie};

/// The cookie naming a kept form (a random id; the form is here).
pub const RESUME_COOKIE: &str = "touyan_resume";
/// The cookie carrying the next page's notice of what was done.
pub const NOTICE_COOKIE: &str = "touyan_notice";
/// The header a handler names what it did in ([`done`]); this layer
/// turns it into [`NOTICE_COOKIE`].
const NOTICE_HEADER: &str = "x-touyan-notice";
/// How long a form an expired session interrupted is kept.
pub const KEPT_FOR: Duration = Duration::hours(1);
/// How many such forms are kept at once (the oldest goes first).
pub const KEPT_MAX: usize = 500;
/// What the restored page says.
pub const RESTORED: &str = "登录已超时，请确认后重新提交";
/// What it says when the page was older than the user's sign-in (its
/// form carried the token of a session since ended).
pub const STALE_PAGE: &str = "页面已过期（其间曾重新登录），您填写的内容已保留，请确认后重新提交";
/// How many kept forms one user may have at once (the newest).
pub const KEPT_PER_USER: usize = 2;

/// Marks the answer to a form without the session's CSRF token
/// (`pages::csrf_refused`).
#[derive(Clone, Copy, Debug)]
pub struct CsrfRefused;

struct Pending {
    owner: String,
    /// The page the form was on (path and query), returned to.
    page: String,
    typed: Typed,
    made: PrimitiveDateTime,
    /// Its owner signed in again: the next visit to `page` restores it.
    ready: bool,
    /// What the restored page says.
    notice: &'static str,
}

/// The forms expired sessions interrupted, by the id in [`RESUME_COOKIE`].
#[derive(Default)]
pub struct Interrupted(Mutex<HashMap<String, Pending>>);

impl Interrupted {
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, Pending>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Keeps `p` in place of `replacing` (the browser's kept form, if
    /// any), with at most [`KEPT_PER_USER`] of its owner's and
    /// [`KEPT_MAX`] in all, the oldest going first.
    fn keep(&self, p: Pending, now: PrimitiveDateTime, replacing: Option<&str>) -> Option<String> {
        let id = auth::new_token().ok()?;
        let mut m = self.map();
        m.retain(|_, k| now - k.made < KEPT_FOR);
        if let Some(old) = replacing {
            m.remove(old);
        }
        loop {
            let mine: Vec<(&String, PrimitiveDateTime)> = m
                .iter()
                .filter(|(_, k)| k.owner == p.owner)
                .map(|(i, k)| (i, k.made))
                .collect();
            if mine.len() < KEPT_PER_USER {
                break;
            }
            let oldest = mine
                .iter()
                .min_by_key(|(_, t)| *t)
                .map(|(i, _)| (*i).clone())?;
            m.remove(&oldest);
        }
        while m.len() >= KEPT_MAX {
            let oldest = m
                .iter()
                .min_by_key(|(_, k)| k.made)
                .map(|(i, _)| i.clone())?;
            m.remove(&oldest);
        }
        m.insert(id.clone(), p);
        Some(id)
    }

    /// How many are kept (for tests of the bound).
    pub fn len(&self) -> usize {
        self.map().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A redirect after something was done, naming it for the next page.
pub fn done(to: &str, what: &str) -> Response {
    let mut res = crate::guard::see_other(to);
    let v: String = form_urlencoded::byte_serialize(what.as_bytes()).collect();
    if let Ok(v) = HeaderValue::from_str(&v) {
        res.headers_mut().insert(NOTICE_HEADER, v);
    }
    res
}

fn set_cookie(res: &mut Response, name: &str, value: &str, max_age: i64, secure: bool) {
    let c = format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{}",
        if secure { "; Secure" } else { "" }
    );
    if let Ok(v) = HeaderValue::from_str(&c) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
}

fn location(res: &Response) -> Option<&str> {
    (res.status() == StatusCode::SEE_OTHER)
        .then(|| res.headers().get(header::LOCATION)?.to_str().ok())
        .flatten()
}

fn set_location(res: &mut Response, to: &str) {
    if let Ok(v) = HeaderValue::from_str(to) {
        res.headers_mut().insert(header::LOCATION, v);
    }
}

fn is_html(res: &Response) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}

/// A page of this server to return to after sign-in: a local path, not
/// the sign-in pages themselves.
pub fn safe_return(to: &str) -> bool {
    to.starts_with('/')
        && !to.starts_with("//")
        && to.len() <= 2000
        && !to.contains('\\')
        && !to.chars().any(char::is_control)
        && !["/login", "/logout", "/setup", "/api/", "/static/"]
            .iter()
            .any(|p| to.starts_with(p))
}

/// The page a form was on: the referring page of this server, else the
/// path it was posted to.
fn page_of(headers: &HeaderMap, posted_to: &str) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    headers
        .get(header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(|r| {
            let rest = r.split_once("://")?.1;
            let (h, path) = rest.split_at(rest.find('/')?);
            (Some(h) == host).then(|| path.to_owned())
        })
        .filter(|p| safe_return(p))
        .unwrap_or_else(|| posted_to.to_owned())
}

/// A page's HTML, changed by `f`.
async fn rewritten(res: Response, f: impl FnOnce(&str) -> String) -> Response {
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = to_bytes(body, usize::MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let html = String::from_utf8_lossy(&bytes);
    let out = f(&html);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(out))
}

/// The layer: see the module's comment.
pub async fn forms(State(st): State<AppState>, req: Request<Body>, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    if path.starts_with("/api/") || path.starts_with("/static/") {
        return next.run(req).await;
    }
    let form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let method = req.method().clone();
    let mut res = if method == Method::POST && form {
        let headers = req.headers().clone();
        let (parts, body) = req.into_parts();
        let Ok(bytes) = to_bytes(body, crate::FORM_LIMIT).await else {
            return crate::guard::too_large(false);
        };
        let pairs: Vec<(String, String)> = form_urlencoded::parse(&bytes).into_owned().collect();
        let res = next
            .run(Request::from_parts(parts, Body::from(bytes)))
            .await;
        let typed = Typed { path, pairs };
        after_post(&st, &headers, typed, res).await
    } else if method == Method::GET {
        let here = req
            .uri()
            .path_and_query()
            .map_or_else(|| path.clone(), |p| p.as_str().to_owned());
        // Only what a GET needs of the request: most carry neither cookie.
        let cookies = Asked {
            resume: cookie(req.headers(), RESUME_COOKIE).map(|id| (id, req.headers().clone())),
            notice: cookie(req.headers(), NOTICE_COOKIE),
        };
        let res = next.run(req).await;
        after_get(&st, cookies, &here, res).await
    } else {
        next.run(req).await
    };
    if let Some(v) = res.headers_mut().remove(NOTICE_HEADER)
        && let Ok(v) = v.to_str()
    {
        let v = v.to_owned();
        set_cookie(&mut res, NOTICE_COOKIE, &v, 60, st.config().secure_cookies);
    }
    res
}

async fn after_post(
    st: &AppState,
    headers: &HeaderMap,
    typed: Typed,
    mut res: Response,
) -> Response {
    match typed.path.as_str() {
        "/login" => {
            signed_in(st, headers, &typed, &mut res);
            return res;
        }
        "/logout" | "/setup" | "/session" => return res,
        _ => {}
    }
    if location(&res) == Some("/login") {
        // Signed out (the session expired) while filling the form in.
        if let Some(owner) = st.session_owner(headers).await {
            let to = page_of(headers, &typed.path);
            let back = Back {
                page: &to,
                ready: false,
                notice: RESTORED,
            };
            keep_for(st, headers, (owner, typed), back, &mut res);
            set_location(&mut res, "/login?expired=1");
        }
        return res;
    }
    // A token that is there but not this session's: a page older than the
    // user's sign-in (no token at all is no page of ours: refused as is).
    let stale_token = typed
        .pairs
        .iter()
        .any(|(k, v)| k == "csrf" && !v.trim().is_empty());
    if stale_token
        && res.extensions().get::<CsrfRefused>().is_some()
        && let Ok(Some(user)) = st.user(headers).await
    {
        // Refused as before (403), with the way back to it, restored.
        let to = page_of(headers, &typed.path);
        let link = format!(
            "<p class=\"notice attention\" id=\"stale-page\">页面已过期（其间曾重新登录），您填写的内容已保留：<a href=\"{}\">返回原页面</a>，确认后重新提交。</p>",
            crate::refill::escape(&to)
        );
        let back = Back {
            page: &to,
            ready: true,
            notice: STALE_PAGE,
        };
        keep_for(st, headers, (user.username, typed), back, &mut res);
        return rewritten(res, |html| with_piece(html, &link)).await;
    }
    if res.status().is_client_error() && res.status() != StatusCode::NOT_FOUND && is_html(&res) {
        return rewritten(res, |html| refill(html, &typed, None)).await;
    }
    res
}

/// Where and how a kept form is given back.
struct Back<'a> {
    /// The page it is restored on.
    page: &'a str,
    /// At the next visit, without signing in again (the user is signed in).
    ready: bool,
    notice: &'static str,
}

/// Keeps `typed` for `owner`, to be restored as `back` says, naming it in
/// `res`'s cookie.
fn keep_for(
    st: &AppState,
    headers: &HeaderMap,
    (owner, typed): (String, Typed),
    back: Back<'_>,
    res: &mut Response,
) {
    let pairs = typed
        .pairs
        .into_iter()
        .filter(|(k, _)| !secret(k))
        .collect();
    let now = st.now();
    let p = Pending {
        owner,
        page: back.page.to_owned(),
        typed: Typed {
            path: typed.path,
            pairs,
        },
        made: now,
        ready: back.ready,
        notice: back.notice,
    };
    let replacing = cookie(headers, RESUME_COOKIE);
    if let Some(id) = st.interrupted().keep(p, now, replacing.as_deref()) {
        let secure = st.config().secure_cookies;
        set_cookie(res, RESUME_COOKIE, &id, KEPT_FOR.whole_seconds(), secure);
    }
}

/// After a sign-in: back to the page whose form the expiry interrupted
/// (when the same user signed in), else to the page asked for (`next`).
fn signed_in(st: &AppState, headers: &HeaderMap, typed: &Typed, res: &mut Response) {
    let ok = location(res).is_some() && res.headers().contains_key(header::SET_COOKIE);
    if !ok {
        return;
    }
    let field = |n: &str| {
        typed
            .pairs
            .iter()
            .find(|(k, _)| k == n)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    if let Some(id) = cookie(headers, RESUME_COOKIE) {
        let mut m = st.interrupted().map();
        let now = st.now();
        match m.get_mut(&id) {
            Some(p) if p.owner == field("username") && now - p.made < KEPT_FOR => {
                p.ready = true;
                let page = p.page.clone();
                drop(m);
                set_location(res, &page);
                return;
            }
            Some(_) => {
                // Another user signed in on this browser: not theirs.
                m.remove(&id);
            }
            None => {}
        }
        drop(m);
        set_cookie(res, RESUME_COOKIE, "", 0, st.config().secure_cookies);
    }
    let next = field("next");
    if safe_return(&next) {
        set_location(res, &next);
    }
}

/// What a page asked for with GET carries for this layer: a kept form's
/// id (with the request's headers, to know who asks), a notice.
struct Asked {
    resume: Option<(String, HeaderMap)>,
    notice: Option<String>,
}

async fn after_get(st: &AppState, asked: Asked, here: &str, mut res: Response) -> Response {
    let secure = st.config().secure_cookies;
    if location(&res) == Some("/login") && safe_return(here) && here != "/" {
        let to: String = form_urlencoded::byte_serialize(here.as_bytes()).collect();
        set_location(&mut res, &format!("/login?next={to}"));
        return res;
    }
    if res.status() != StatusCode::OK || !is_html(&res) {
        return res;
    }
    if let Some((id, headers)) = &asked.resume
        && let Some((typed, said)) = restorable(st, headers, id, here).await
    {
        let n = Notice {
            kind: NoticeKind::Attention,
            text: said.to_owned(),
        };
        let mut res = rewritten(res, |html| refill(html, &typed, Some(&n))).await;
        set_cookie(&mut res, RESUME_COOKIE, "", 0, secure);
        return res;
    }
    if let Some(v) = asked.notice {
        let text: String = form_urlencoded::parse(format!("t={v}").as_bytes())
            .map(|(_, v)| v.into_owned())
            .next()
            .unwrap_or_default();
        let text: String = text.chars().take(300).collect();
        let mut res = if text.trim().is_empty() {
            res
        } else {
            let n = Notice {
                kind: NoticeKind::Done,
                text,
            };
            rewritten(res, |html| with_notice(html, Some(&n))).await
        };
        set_cookie(&mut res, NOTICE_COOKIE, "", 0, secure);
        return res;
    }
    res
}

/// The kept form to restore on `here`: its owner signed in again, this is
/// its page, and the one asking is its owner. Taken out when given.
async fn restorable(
    st: &AppState,
    headers: &HeaderMap,
    id: &str,
    here: &str,
) -> Option<(Typed, &'static str)> {
    let owner = {
        let m = st.interrupted().map();
        let p = m.get(id)?;
        if !p.ready || p.page != here {
            return None;
        }
        p.owner.clone()
    };
    let user = st.user(headers).await.ok().flatten()?;
    if user.username != owner {
        return None;
    }
    st.interrupted()
        .map()
        .remove(id)
        .map(|p| (p.typed, p.notice))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_pages_are_returned_to() {
        for ok in ["/training?year=2026&town=370783100", "/plans/2026/abc", "/"] {
            assert!(safe_return(ok), "{ok}");
        }
        for bad in [
            "//evil.example/x",
            "https://evil.example/",
            "/\\evil",
            "/login",
            "/logout",
            "/setup",
            "/api/v1/people",
            "/static/app.css",
            "",
            "training",
        ] {
            assert!(!safe_return(bad), "{bad}");
        }
        assert!(!safe_return(&format!("/{}", "a".repeat(2000))));
    }

    #[test]
    fn the_page_a_form_was_on_is_its_referrer_on_this_host() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("touyan.local:8080"));
        assert_eq!(page_of(&h, "/training"), "/training");
        h.insert(
            header::REFERER,
            HeaderValue::from_static("http://touyan.local:8080/training?year=2026&town=370783100"),
        );
        assert_eq!(
            page_of(&h, "/training"),
            "/training?year=2026&town=370783100"
        );
        h.insert(
            header::REFERER,
            HeaderValue::from_static("http://elsewhere/training?year=1"),
        );
        assert_eq!(page_of(&h, "/training"), "/training");
    }
}
