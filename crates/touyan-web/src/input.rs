//! Text taken from requests (issue 15): the path, every query parameter
//! and every body (read as text, as a form and as JSON, whatever its
//! declared type; a workbook's cells are the reader's) is checked once,
//! here, before any handler reads it — a NUL byte or another control character, or a
//! right-to-left override, is answered 422 with a Chinese sentence
//! (`touyan_records::text`, the same rule the workbook import applies to
//! cells). Without it PostgreSQL answered a NUL with a 500 and the raw
//! database error.

use axum::body::{Body, to_bytes};
use axum::http::{Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use touyan_records::text::{refusal, refused_char};

/// The largest body this check reads: the largest any route but a
/// workbook upload and `/api/v1/evaluate` takes.
const FORM_LIMIT: usize = crate::FORM_LIMIT;

fn refuse(is_api: bool, status: StatusCode, msg: &str) -> Response {
    if is_api {
        crate::api::error(status, msg)
    } else {
        crate::pages::message_page(status, "输入有误", msg)
    }
}

/// The first refused character in an `application/x-www-form-urlencoded`
/// text (names and values, percent-decoded).
fn in_form(bytes: &[u8]) -> Option<char> {
    form_urlencoded::parse(bytes).find_map(|(k, v)| refused_char(&k).or_else(|| refused_char(&v)))
}

/// The first refused character in any key or string of a JSON value.
fn in_json(v: &serde_json::Value) -> Option<char> {
    use serde_json::Value;
    match v {
        Value::String(s) => refused_char(s),
        Value::Array(a) => a.iter().find_map(in_json),
        Value::Object(o) => o
            .iter()
            .find_map(|(k, v)| refused_char(k).or_else(|| in_json(v))),
        _ => None,
    }
}

/// The percent-decoded text of a URL path (bytes that are not UTF-8 are
/// replaced: what matters is the characters that are there).
fn path_text(path: &str) -> String {
    percent_encoding::percent_decode_str(path)
        .decode_utf8_lossy()
        .into_owned()
}

/// The first refused character of a request body, read every way it
/// could carry one: as raw text, as a form, as JSON.
fn in_body(bytes: &[u8]) -> Option<char> {
    refused_char(&String::from_utf8_lossy(bytes))
        .or_else(|| in_form(bytes))
        .or_else(|| {
            serde_json::from_slice::<serde_json::Value>(bytes)
                .ok()
                .and_then(|v| in_json(&v))
        })
}

/// The middleware: the path, the query, and every body but a workbook
/// upload (its cells are checked by the reader) and a case for
/// `/api/v1/evaluate` (decided, never stored).
pub async fn checks(req: Request<Body>, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let is_api = path.starts_with("/api/");
    let bad_url = refused_char(&path_text(&path))
        .or_else(|| req.uri().query().and_then(|q| in_form(q.as_bytes())));
    if let Some(c) = bad_url {
        return refuse(is_api, StatusCode::UNPROCESSABLE_ENTITY, &refusal(c));
    }
    if req.method() == Method::GET || req.method() == Method::HEAD || path == "/api/v1/evaluate" {
        return next.run(req).await;
    }
    // A workbook upload: its cells are the reader's to check, its file
    // name the page's. Any other route reads its body here, whatever it
    // says it is (the sign-in reads JSON from any body).
    if path == "/import" {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, FORM_LIMIT).await else {
        return crate::guard::too_large(is_api);
    };
    if let Some(c) = in_body(&bytes) {
        return refuse(is_api, StatusCode::UNPROCESSABLE_ENTITY, &refusal(c));
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_and_json_are_read_decoded() {
        assert_eq!(in_form(b"name=%E5%BC%A0%E4%B8%89&note=a%0Ab"), None);
        assert_eq!(in_form(b"name=a%00b"), Some('\0'));
        assert_eq!(in_form(b"na%00me=x"), Some('\0'));
        assert_eq!(in_form(b"name=%E2%80%AEabc"), Some('\u{202E}'));
        let j = |t: &str| in_json(&serde_json::from_str(t).unwrap());
        assert_eq!(j(r#"{"username":"city","n":[1,"ok"]}"#), None);
        assert_eq!(j(r#"{"username":"ci\u0000ty"}"#), Some('\0'));
        assert_eq!(j(r#"{"a":[{"b":"\u202e"}]}"#), Some('\u{202E}'));
        assert_eq!(j(r#"{"\u0007":1}"#), Some('\u{7}'));
    }

    #[test]
    fn paths_and_bodies_of_any_kind() {
        assert_eq!(refused_char(&path_text("/villages/%00")), Some('\0'));
        assert_eq!(
            refused_char(&path_text("/people/%E2%80%AE")),
            Some('\u{202E}')
        );
        assert_eq!(refused_char(&path_text("/villages/370783100201")), None);
        assert_eq!(path_text("/a%2"), "/a%2", "a cut escape stays");
        // A JSON login sent as a form or as text: still read as JSON.
        assert_eq!(in_body(br#"{"username":"a\u0000"}"#), Some('\0'));
        assert_eq!(in_body(b"raw\0text"), Some('\0'));
        assert_eq!(in_body(b"username=a%00"), Some('\0'));
        assert_eq!(in_body("张三".as_bytes()), None);
    }
}
