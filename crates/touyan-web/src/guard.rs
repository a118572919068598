//! Checks and headers applied to every request: cross-site requests
//! refused on unsafe methods (Sec-Fetch-Site and Origin), security headers
//! on every answer, `no-store` on everything but the stylesheet. The
//! per-session CSRF token is checked by each handler that changes
//! anything (a form field `csrf`, or the `X-CSRF-Token` header on the API).

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, Request, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use axum::extract::State;

use crate::auth;
use crate::http::PublicUrl;
use crate::state::{AppState, COOKIE, User};

/// The content security policy: this server's own files only.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
                       img-src 'self' data:; connect-src 'self'; font-src 'self'; \
                       object-src 'none'; frame-ancestors 'none'; base-uri 'self'; \
                       form-action 'self'";

/// The header the API takes the CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

fn unsafe_method(m: &Method) -> bool {
    !matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Whether a request comes from another site, by what browsers send: a
/// `Sec-Fetch-Site` other than same-origin or none, or an `Origin` whose
/// host is not the `Host` asked for. Clients that send neither (scripts)
/// are not browsers and carry no other site's cookies.
pub fn cross_site(headers: &HeaderMap) -> bool {
    cross_site_for(headers, None)
}

/// [`cross_site`], an `Origin` that is the configured public address
/// being this site too (behind a proxy that rewrites `Host`).
pub fn cross_site_for(headers: &HeaderMap, public: Option<&PublicUrl>) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        let site = site.to_str().unwrap_or("");
        if site != "same-origin" && site != "none" {
            return true;
        }
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("null");
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("");
        let origin_host = origin
            .split_once("://")
            .map_or("", |(_, rest)| rest.trim_end_matches('/'));
        let public_origin = public.is_some_and(|p| p.is_origin(origin));
        if !public_origin && (origin_host.is_empty() || !origin_host.eq_ignore_ascii_case(host)) {
            return true;
        }
    }
    false
}

/// Every request passes here.
pub async fn checks(State(st): State<AppState>, req: Request<Body>, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let is_static = req.uri().path().starts_with("/static/");
    let public = st.config().public_url.as_ref();
    if unsafe_method(req.method()) && cross_site_for(req.headers(), public) {
        let msg = "拒绝跨站请求：请从本系统的页面提交";
        let mut res = if is_api {
            crate::api::error(StatusCode::FORBIDDEN, msg)
        } else {
            crate::pages::message_page(StatusCode::FORBIDDEN, "请求被拒绝", msg)
        };
        headers(res.headers_mut(), false);
        return res;
    }
    let mut res = next.run(req).await;
    if res.status() == StatusCode::PAYLOAD_TOO_LARGE && plain_text(&res) {
        // axum's own answer to a body over the route's limit is English.
        res = too_large(is_api);
    } else if unreadable_request(&res) {
        // So are its extractors' refusals (a body that is not the form,
        // a query or path it cannot read): said in Chinese, same status.
        res = unreadable(res.status(), is_api);
    }
    headers(res.headers_mut(), is_static);
    res
}

/// Whether an answer is plain text (not one of our pages or JSON).
fn plain_text(res: &Response) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("text/plain"))
}

/// Whether an answer is axum's own plain-text refusal of a request it
/// could not read (400, 415, 422 with an English text body).
fn unreadable_request(res: &Response) -> bool {
    let status = res.status();
    let ours = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/plain"));
    ours && matches!(
        status,
        StatusCode::BAD_REQUEST
            | StatusCode::UNSUPPORTED_MEDIA_TYPE
            | StatusCode::UNPROCESSABLE_ENTITY
    )
}

/// The Chinese answer to a request axum could not read.
fn unreadable(status: StatusCode, is_api: bool) -> Response {
    let msg = "请求内容无法读取：请从本系统的页面提交，或按接口说明发送";
    if is_api {
        crate::api::error(status, msg)
    } else {
        crate::pages::message_page(status, "请求有误", msg)
    }
}

/// The answer to a body over its route's limit.
pub fn too_large(is_api: bool) -> Response {
    let msg = format!(
        "请求内容太大：登录不能超过 {} KB，表单不能超过 {} KB，测算案例不能超过 {} MB",
        crate::SIGN_IN_LIMIT / 1024,
        crate::FORM_LIMIT / 1024,
        crate::EVALUATE_LIMIT / 1024 / 1024
    );
    if is_api {
        crate::api::error(StatusCode::PAYLOAD_TOO_LARGE, &msg)
    } else {
        crate::pages::message_page(StatusCode::PAYLOAD_TOO_LARGE, "请求内容太大", &msg)
    }
}

fn headers(h: &mut HeaderMap, cacheable: bool) {
    let set = |h: &mut HeaderMap, k: &'static str, v: &'static str| {
        h.insert(k, HeaderValue::from_static(v));
    };
    set(h, "content-security-policy", CSP);
    set(h, "x-frame-options", "DENY");
    set(h, "x-content-type-options", "nosniff");
    // Not `no-referrer`: Chromium then sends `Origin: null` on same-site
    // form posts, which the cross-site check must refuse.
    set(h, "referrer-policy", "same-origin");
    set(h, "cross-origin-opener-policy", "same-origin");
    set(
        h,
        "permissions-policy",
        "camera=(), microphone=(), geolocation=()",
    );
    if cacheable {
        // A static file may say for itself (a versioned vendor file: a year).
        if !h.contains_key(header::CACHE_CONTROL) {
            set(h, "cache-control", "public, max-age=3600");
        }
    } else {
        set(h, "cache-control", "no-store");
    }
}

/// Whether `given` is the user's CSRF token.
pub fn csrf_ok(user: &User, given: Option<&str>) -> bool {
    given.is_some_and(|g| auth::same(g, &user.csrf))
}

/// The `Set-Cookie` value that signs a browser in.
pub fn session_cookie(token: &str, secure: bool) -> String {
    format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie(secure: bool) -> String {
    format!(
        "{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}

/// A redirect (303: the browser follows with GET).
pub fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_owned())]).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut m = HeaderMap::new();
        for (k, v) in pairs {
            m.insert(*k, HeaderValue::from_static(v));
        }
        m
    }

    #[test]
    fn cross_site_requests_are_recognised() {
        assert!(!cross_site(&h(&[])), "a script");
        assert!(!cross_site(&h(&[("sec-fetch-site", "same-origin")])));
        assert!(!cross_site(&h(&[("sec-fetch-site", "none")])));
        assert!(cross_site(&h(&[("sec-fetch-site", "cross-site")])));
        assert!(cross_site(&h(&[("sec-fetch-site", "same-site")])));
        let same = h(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://127.0.0.1:8080"),
        ]);
        assert!(!cross_site(&same));
        let other = h(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://evil.example"),
        ]);
        assert!(cross_site(&other));
        assert!(cross_site(&h(&[("host", "a"), ("origin", "null")])));
        // Behind a proxy that rewrote Host: the public address is this
        // site, nothing else is.
        let public: PublicUrl = "https://touyan.example.gov.cn".parse().unwrap();
        let proxied = |origin: &'static str| h(&[("host", "127.0.0.1:8080"), ("origin", origin)]);
        assert!(!cross_site_for(
            &proxied("https://touyan.example.gov.cn"),
            Some(&public)
        ));
        assert!(cross_site_for(
            &proxied("https://evil.example"),
            Some(&public)
        ));
        assert!(cross_site_for(
            &proxied("https://touyan.example.gov.cn"),
            None
        ));
    }

    #[test]
    fn cookies_are_http_only_and_strict() {
        let c = session_cookie("abc", false);
        assert_eq!(c, "touyan_session=abc; Path=/; HttpOnly; SameSite=Strict");
        assert!(session_cookie("abc", true).ends_with("; Secure"));
        assert!(clear_cookie(false).contains("Max-Age=0"));
    }
}
