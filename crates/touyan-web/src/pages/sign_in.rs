//! Sign-in, the first administrator's setup, and sign-out.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{Chrome, csrf_refused, internal, message_page, render};
use crate::guard::{clear_cookie, csrf_ok, see_other, session_cookie};
use crate::state::{AppState, client_addr};

#[derive(Template)]
#[template(path = "pages/login.html")]
struct LoginPage {
    chrome: Chrome,
    error: Option<String>,
    username: String,
    /// The page to return to after sign-in (`http::keep`).
    next: String,
    /// Said when a form was kept because the session expired.
    notice: Option<String>,
}

/// `GET /login?next=…` (the page asked for while signed out) or
/// `?expired=1` (a form was posted after the session expired and kept).
#[derive(Deserialize, Default)]
pub struct LoginQuery {
    next: Option<String>,
    expired: Option<String>,
}

/// What the sign-in page says when an expired session's form was kept.
pub fn expired_notice(idle: time::Duration) -> String {
    let how_long = if idle.whole_minutes() > 0 && idle.whole_seconds() % 60 == 0 {
        format!("{} 分钟", idle.whole_minutes())
    } else {
        format!("{} 秒", idle.whole_seconds())
    };
    format!(
        "登录已超时（{how_long}无操作）。请重新登录，您刚才填写的内容已保留，登录后将回到原页面。"
    )
}

pub async fn login_form(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<LoginQuery>,
) -> Response {
    let next = q
        .next
        .filter(|n| crate::http::keep::safe_return(n))
        .unwrap_or_default();
    if let Ok(Some(_)) = st.user(&headers).await {
        return see_other(if next.is_empty() { "/" } else { &next });
    }
    match st.needs_setup().await {
        Ok(true) => return see_other("/setup"),
        Ok(false) => {}
        Err(f) => return internal(f),
    }
    render(
        &LoginPage {
            chrome: Chrome::new("登录", None, ""),
            error: None,
            username: String::new(),
            next,
            notice: q
                .expired
                .is_some()
                .then(|| expired_notice(st.config().rules.idle)),
        },
        StatusCode::OK,
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

pub async fn login(State(st): State<AppState>, parts: Parts, Form(f): Form<LoginForm>) -> Response {
    let origin = client_addr(&parts);
    match st.sign_in(&f.username, &f.password, &origin).await {
        Ok((token, _)) => {
            let mut res = see_other("/");
            if let Ok(v) = session_cookie(&token, st.config().secure_cookies).parse() {
                res.headers_mut().insert(header::SET_COOKIE, v);
            }
            res
        }
        Err(e) => {
            let page = render(
                &LoginPage {
                    chrome: Chrome::new("登录", None, ""),
                    error: Some(e.message()),
                    username: f.username.chars().take(64).collect(),
                    next: if crate::http::keep::safe_return(&f.next) {
                        f.next.clone()
                    } else {
                        String::new()
                    },
                    notice: None,
                },
                e.status(),
            );
            crate::api::with_retry_after(page, &e)
        }
    }
}

#[derive(Template)]
#[template(path = "pages/setup.html")]
struct SetupPage {
    chrome: Chrome,
    error: Option<String>,
    username: String,
    display_name: String,
}

pub async fn setup_form(State(st): State<AppState>) -> Response {
    match st.needs_setup().await {
        Ok(true) => render(
            &SetupPage {
                chrome: Chrome::new("初始化：建立管理员账户", None, ""),
                error: None,
                username: String::new(),
                display_name: String::new(),
            },
            StatusCode::OK,
        ),
        Ok(false) => see_other("/login"),
        Err(f) => internal(f),
    }
}

#[derive(Deserialize)]
pub struct SetupForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

pub async fn setup(State(st): State<AppState>, parts: Parts, Form(f): Form<SetupForm>) -> Response {
    match st.needs_setup().await {
        Ok(true) => {}
        Ok(false) => {
            return message_page(
                StatusCode::FORBIDDEN,
                "请求被拒绝",
                "系统已有账户，不能再次初始化。",
            );
        }
        Err(e) => return internal(e),
    }
    let result = if f.password != f.confirm {
        Err("两次输入的密码不一致".to_owned())
    } else {
        st.set_up(
            &f.username,
            &f.display_name,
            &f.password,
            &client_addr(&parts),
        )
        .await
    };
    match result {
        Ok(()) => see_other("/login"),
        Err(m) if m == crate::throttle::BUSY => {
            message_page(StatusCode::SERVICE_UNAVAILABLE, "系统繁忙", &m)
        }
        Err(m) => render(
            &SetupPage {
                chrome: Chrome::new("初始化：建立管理员账户", None, ""),
                error: Some(m),
                username: f.username.chars().take(64).collect(),
                display_name: f.display_name.chars().take(50).collect(),
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: Option<String>,
}

pub async fn logout(State(st): State<AppState>, parts: Parts, Form(f): Form<CsrfForm>) -> Response {
    let user = match st.user(&parts.headers).await {
        Ok(Some(u)) => u,
        Ok(None) => return see_other("/login"),
        Err(e) => return internal(e),
    };
    if !csrf_ok(&user, f.csrf.as_deref()) {
        return csrf_refused();
    }
    if let Err(e) = st.sign_out(&user, &client_addr(&parts)).await {
        return internal(e);
    }
    let mut res = see_other("/login");
    if let Ok(v) = clear_cookie(st.config().secure_cookies).parse() {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}

/// `POST /session`, the pages' "继续使用" (`static/session.js`): a use of
/// the session, so it does not expire yet (as any signed-in request is,
/// the token or not). 204; 401 when it already has; 403 without the
/// session's CSRF token (header `X-CSRF-Token`), which the page sends.
pub async fn extend_session(State(st): State<AppState>, headers: HeaderMap) -> Response {
    match st.user(&headers).await {
        Ok(Some(u)) => {
            let token = headers
                .get(crate::guard::CSRF_HEADER)
                .and_then(|v| v.to_str().ok());
            if csrf_ok(&u, token) {
                StatusCode::NO_CONTENT.into_response()
            } else {
                csrf_refused()
            }
        }
        Ok(None) => StatusCode::UNAUTHORIZED.into_response(),
        Err(e) => internal(e),
    }
}
