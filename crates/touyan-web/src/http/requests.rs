//! What every request carries from the moment it arrives (issue 19,
//! items 1, 4 and 5): an id that its access-log line, its error lines and
//! the answer's `X-Request-Id` share; the client's real address (behind a
//! trusted reverse proxy, the one the proxy says it forwarded for); a time
//! limit; and, when it is answered, one access-log line.
//!
//! The access-log line names the route as declared (`/people/{reference}`),
//! never the path asked or its query: a path or a search may hold an ID
//! number, and nothing sensitive reaches a log.

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{ConnectInfo, MatchedPath, State};
use axum::http::{HeaderValue, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::state::AppState;

pub use super::proxies::{ClientAddr, TrustedProxies};

/// The header the answer carries the request's id in.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// How long a request may take before it is answered 503 and its work
/// dropped (a transaction in flight is rolled back).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// Every route but the long ones.
    pub normal: Duration,
    /// Imports, the evaluate API, exports and payment files, which read or
    /// write whole workbooks.
    pub long: Duration,
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts {
            normal: Duration::from_secs(60),
            long: Duration::from_secs(600),
        }
    }
}

/// The routes given [`Timeouts::long`]: each reads or writes a whole
/// workbook or case.
const LONG_ROUTES: &[&str] = &[
    "/import",
    "/api/v1/evaluate",
    "/exports",
    "/pay/{month}/{town}/one-card",
    "/lists/propose",
];

impl Timeouts {
    /// The limit of one route (its declared path; `None`: unmatched).
    pub fn of(&self, route: Option<&str>) -> Duration {
        match route {
            Some(r) if LONG_ROUTES.contains(&r) => self.long,
            _ => self.normal,
        }
    }
}

/// What the code handling a request knows of it beyond the request.
#[derive(Debug)]
struct Current {
    id: String,
    user: OnceLock<String>,
}

tokio::task_local! {
    static CURRENT: Arc<Current>;
}

/// The id of the request being handled, if any (outside a request, e.g.
/// in a test calling a handler's helper directly: `None`).
pub fn current_id() -> Option<String> {
    CURRENT.try_with(|c| c.id.clone()).ok()
}

/// Notes who made the request being handled, for its access-log line.
pub(crate) fn note_user(username: &str) {
    let _ = CURRENT.try_with(|c| c.user.set(username.to_owned()));
}

/// A new request id: eight hexadecimal digits from the system's random
/// source (the clock's nanoseconds should that fail: an id need only
/// find the log line, not be secret).
pub(crate) fn new_id() -> String {
    let mut b = [0u8; 4];
    if getrandom::fill(&mut b).is_err() {
        let n = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        b = n.to_be_bytes();
    }
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The outermost layer: id, client address, time limit, access log.
pub async fn around(State(st): State<AppState>, mut req: Request<Body>, next: Next) -> Response {
    let started = Instant::now();
    let current = Arc::new(Current {
        id: new_id(),
        user: OnceLock::new(),
    });
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let client = peer.map(|p| st.config().trusted_proxies.client(p, req.headers()));
    req.extensions_mut().insert(ClientAddr(client));
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned());
    let limit = st.config().timeouts.of(route.as_deref());
    let run = tokio::time::timeout(limit, next.run(req));
    let mut response = match CURRENT.scope(current.clone(), run).await {
        Ok(r) => r,
        Err(_) => timed_out(&current.id, &method, route.as_deref(), limit),
    };
    if let Ok(v) = HeaderValue::from_str(&current.id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, v);
    }
    access_line(&AccessLine {
        id: &current.id,
        method: &method,
        route: route.as_deref(),
        status: response.status(),
        took: started.elapsed(),
        user: current.user.get().map(String::as_str),
        client,
    });
    response
}

/// The answer to a request that ran past its limit.
fn timed_out(id: &str, method: &Method, route: Option<&str>, limit: Duration) -> Response {
    tracing::warn!(
        request_id = id,
        method = %method,
        route = route.unwrap_or("-"),
        limit_ms = u64::try_from(limit.as_millis()).unwrap_or(u64::MAX),
        "request timed out"
    );
    let text = format!(
        "请求处理超过 {} 秒，已停止；未完成的保存不会写入。请刷新页面确认结果后再重试（错误编号 {id}）。",
        limit.as_millis().div_ceil(1000)
    );
    if route.is_some_and(|r| r.starts_with("/api/")) {
        return crate::api::error(StatusCode::SERVICE_UNAVAILABLE, &text);
    }
    crate::pages::message_page(StatusCode::SERVICE_UNAVAILABLE, "请求超时", &text).into_response()
}

struct AccessLine<'a> {
    id: &'a str,
    method: &'a Method,
    route: Option<&'a str>,
    status: StatusCode,
    took: Duration,
    user: Option<&'a str>,
    client: Option<IpAddr>,
}

/// One line per request answered, at level `info` (target `access`).
fn access_line(l: &AccessLine<'_>) {
    tracing::info!(
        target: "access",
        request_id = l.id,
        method = %l.method,
        route = l.route.unwrap_or("(未匹配)"),
        status = l.status.as_u16(),
        ms = u64::try_from(l.took.as_millis()).unwrap_or(u64::MAX),
        user = l.user.unwrap_or("-"),
        client = %l.client.map_or_else(|| "-".to_owned(), |c| c.to_string()),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_eight_hex_digits_and_differ() {
        let a = new_id();
        let b = new_id();
        assert_eq!(a.len(), 8);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b, "two ids in a row");
    }

    #[test]
    fn long_routes_get_the_long_limit() {
        let t = Timeouts {
            normal: Duration::from_secs(5),
            long: Duration::from_secs(50),
        };
        assert_eq!(t.of(Some("/import")), Duration::from_secs(50));
        assert_eq!(t.of(Some("/api/v1/evaluate")), Duration::from_secs(50));
        assert_eq!(t.of(Some("/people")), Duration::from_secs(5));
        assert_eq!(t.of(None), Duration::from_secs(5));
    }

    #[tokio::test]
    async fn the_id_is_known_inside_the_request_only() {
        assert_eq!(current_id(), None);
        let c = Arc::new(Current {
            id: "0a1b2c3d".into(),
            user: OnceLock::new(),
        });
        let seen = CURRENT
            .scope(c.clone(), async {
                note_user("town-370783100");
                current_id()
            })
            .await;
        assert_eq!(seen.as_deref(), Some("0a1b2c3d"));
        assert_eq!(c.user.get().map(String::as_str), Some("town-370783100"));
    }
}
