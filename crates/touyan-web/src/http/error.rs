//! [`PageError`]: the one error a page handler returns.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use touyan_office::OfficeError;
use touyan_storage::StoreError;

use crate::guard::see_other;
use crate::pages::{csrf_refused, forbidden, message_page, not_found_page};
use crate::state::Failure;

/// Why a page handler did not answer with its page; each variant is the
/// answer every page gives for it.
#[derive(Debug)]
pub enum PageError {
    /// Signed out: to the sign-in page.
    SignIn,
    /// No account yet: to the first administrator's setup.
    Setup,
    /// The role may not do this (403).
    Forbidden,
    /// Missing, or outside the user's scope: the same answer (404).
    NotFound,
    /// A form without the session's CSRF token (403).
    Csrf,
    /// A request that cannot be read (400), with what to do in Chinese.
    BadRequest(String),
    /// An answer already made (a page shown again with a refusal).
    Answer(Box<Response>),
    /// Ours: the detail goes to the server log, never to the page.
    Internal(String),
}

impl From<Failure> for PageError {
    fn from(f: Failure) -> PageError {
        let Failure::Internal(m) = f;
        PageError::Internal(m)
    }
}

impl From<StoreError> for PageError {
    /// The one-card key file's failure as [`key_file_unavailable`] says
    /// it (503); any other as an internal error.
    fn from(e: StoreError) -> PageError {
        match e {
            StoreError::Key(detail) => PageError::Answer(Box::new(message_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "一卡通账号密钥不可用",
                &key_file_unavailable(&detail),
            ))),
            e => PageError::Internal(e.to_string()),
        }
    }
}

impl From<OfficeError> for PageError {
    /// An office refusal a handler did not show on its own page: missing
    /// is 404, a store's failure as [`From<StoreError>`] answers it, the
    /// rest the standard page with the office's sentence.
    fn from(e: OfficeError) -> PageError {
        let (status, title, m) = match e {
            OfficeError::NotFound => return PageError::NotFound,
            OfficeError::Store(s) => return s.into(),
            OfficeError::Forbidden(m) => (StatusCode::FORBIDDEN, "无权办理", m),
            OfficeError::Conflict(m) => (StatusCode::CONFLICT, "状态已变化", m),
            OfficeError::Invalid(m) => (StatusCode::UNPROCESSABLE_ENTITY, "无法办理", m),
        };
        PageError::Answer(Box::new(message_page(status, title, &m)))
    }
}

/// What the web's user is told of a failure of the one-card accounts' key
/// file (`StoreError::Key`: missing, unreadable, not the key that sealed
/// the accounts…): that it is unavailable and whom to ask, with the id
/// of the server log's line. The detail — which names the file's path on
/// the server — goes to the log only (the command line, run by whoever
/// holds the file, shows it in full).
pub(crate) fn key_file_unavailable(detail: &str) -> String {
    let id = request_id();
    log_internal(&id, detail);
    format!("一卡通账号密钥文件不可用，请联系系统管理员（错误编号 {id}）。")
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::SignIn => see_other("/login"),
            PageError::Setup => see_other("/setup"),
            PageError::Forbidden => forbidden(),
            PageError::NotFound => not_found_page(),
            PageError::Csrf => csrf_refused(),
            PageError::BadRequest(m) => message_page(StatusCode::BAD_REQUEST, "请求有误", &m),
            PageError::Answer(r) => *r,
            PageError::Internal(detail) => {
                let id = request_id();
                log_internal(&id, &detail);
                message_page(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "系统错误",
                    &internal_text(&id),
                )
            }
        }
    }
}

/// What people are told of an internal error: that it is ours, and the
/// id under which the server log holds the detail.
pub(crate) fn internal_text(id: &str) -> String {
    format!("系统内部错误，请稍后重试；如仍有问题，请将错误编号 {id} 告知系统管理员。")
}

/// The id of the request being handled (a new one outside a request),
/// under which an error is logged and told.
pub(crate) fn request_id() -> String {
    super::requests::current_id().unwrap_or_else(super::requests::new_id)
}

/// Logs an internal error under a new request id and returns what people
/// are told of it ([`internal_text`]), for a page that shows it in place.
pub(crate) fn logged(detail: &str) -> String {
    let id = request_id();
    log_internal(&id, detail);
    internal_text(&id)
}

/// Writes an internal error to the server log, one line at level
/// `error`, under its request id.
pub(crate) fn log_internal(id: &str, detail: &str) {
    let one_line = scrub(&detail.replace(['\r', '\n'], " "));
    tracing::error!(request_id = id, cause = %one_line, "internal error");
}

/// `text` with every run of 10 or more digits (an ID number, with its
/// final `X`; a one-card account; a phone number with its area code),
/// wherever it starts, and every run of 32 or more hexadecimal digits (a
/// session token or its hash) replaced by `***`: an error's cause may
/// quote a value, and nothing sensitive may reach a log.
pub(crate) fn scrub(text: &str) -> String {
    let digits_masked = mask_runs(
        text,
        |c| c.is_ascii_digit() || c == 'X' || c == 'x',
        |run| run.chars().filter(char::is_ascii_digit).count() >= 10,
    );
    mask_runs(
        &digits_masked,
        |c| c.is_ascii_hexdigit(),
        |run| run.len() >= 32,
    )
}

/// `text` with each maximal run of characters that `part` accepts
/// replaced by `***` when `masked` says so.
fn mask_runs(text: &str, part: impl Fn(char) -> bool, masked: impl Fn(&str) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    for c in text.chars().chain(std::iter::once('\0')) {
        if c != '\0' && part(c) {
            run.push(c);
            continue;
        }
        if masked(&run) {
            out.push_str("***");
        } else {
            out.push_str(&run);
        }
        run.clear();
        if c != '\0' {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logged_causes_lose_id_numbers_accounts_and_tokens() {
        assert_eq!(
            scrub("duplicate key 37078319900101001X in people"),
            "duplicate key *** in people"
        );
        assert_eq!(scrub("account 6217001234567890123;"), "account ***;");
        let token = "ab".repeat(32);
        assert_eq!(scrub(&format!("token={token}")), "token=***");
        // A letter before it does not hide it; an 11-digit phone number.
        assert_eq!(scrub("ID37078319900101001X"), "ID***");
        assert_eq!(scrub("tel 13812345678"), "tel ***");
        // Short numbers, words and a table name with x stay.
        assert_eq!(
            scrub("row 1234 of box_x at 2026-12-07"),
            "row 1234 of box_x at 2026-12-07"
        );
        assert_eq!(scrub("请求 0a1b2c3d 失败"), "请求 0a1b2c3d 失败");
    }

    #[test]
    fn a_key_file_error_shows_neither_path_nor_detail() {
        let detail = "找不到密钥文件 /srv/touyan/secret.key（已有 2 个加密的账号）";
        let text = key_file_unavailable(detail);
        assert!(text.starts_with("一卡通账号密钥文件不可用，请联系系统管理员（错误编号 "));
        assert!(
            !text.contains("/srv") && !text.contains("secret.key"),
            "{text}"
        );
        let r = PageError::from(StoreError::Key(detail.into())).into_response();
        assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
        let r = PageError::from(OfficeError::Store(StoreError::Key(detail.into()))).into_response();
        assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    }

    #[test]
    fn an_internal_error_shows_the_id_not_the_detail() {
        let r = PageError::Internal("connection refused at 10.0.0.7:5432".into()).into_response();
        assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let text = internal_text("0a1b2c3d");
        assert!(text.contains("0a1b2c3d") && !text.contains("10.0.0.7"));
    }

    #[test]
    fn office_refusals_keep_their_status() {
        let s = |e: OfficeError| PageError::from(e).into_response().status();
        assert_eq!(s(OfficeError::NotFound), StatusCode::NOT_FOUND);
        assert_eq!(
            s(OfficeError::Forbidden("不可".into())),
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            s(OfficeError::Conflict("已变".into())),
            StatusCode::CONFLICT
        );
        assert_eq!(
            s(OfficeError::Invalid("有误".into())),
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
}
