//! The extractors that replace each handler's own sign-in, permission and
//! CSRF checks: [`SignedIn<A>`] and [`SignedForm<A, T>`], where `A` names
//! the [`Action`] (a marker type in [`act`]).

use std::marker::PhantomData;

use axum::extract::{Form, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::PageError;
use crate::guard::csrf_ok;
use crate::roles::Action;
use crate::state::{AppState, User, client_addr};

/// An action of the permission table, as a type (so an extractor can say
/// which one it checks).
pub trait Act {
    const ACTION: Action;
}

macro_rules! acts {
    ($($name:ident),* $(,)?) => {
        /// One marker type per [`Action`], of the same name.
        pub mod act {
            $(
                #[doc = concat!("[`Action::", stringify!($name), "`].")]
                pub struct $name;
                impl super::Act for $name {
                    const ACTION: crate::roles::Action = crate::roles::Action::$name;
                }
            )*
        }
    };
}

acts!(
    Dashboard,
    Villages,
    People,
    Policy,
    Audit,
    Import,
    Export,
    Lists,
    Pay,
    Evaluations,
    Training,
    Reserves,
    Young,
    WhatIf,
    Exits,
    Qualifications,
    Propose,
    Plans,
    Daily,
);

/// The signed-in user, allowed `A`; otherwise the setup form while there
/// is no account, sign-in when signed out, 403 when the role may not.
/// `origin` is the client's address, for the change log.
pub struct SignedIn<A> {
    pub user: User,
    pub origin: String,
    act: PhantomData<A>,
}

/// The user of a request, allowed `action`.
async fn user_for(parts: &Parts, st: &AppState, action: Action) -> Result<User, PageError> {
    match st.user(&parts.headers).await? {
        Some(u) if u.may(action) => Ok(u),
        Some(_) => Err(PageError::Forbidden),
        None if st.needs_setup().await? => Err(PageError::Setup),
        None => Err(PageError::SignIn),
    }
}

impl<A: Act + Send + Sync> FromRequestParts<AppState> for SignedIn<A> {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, PageError> {
        let user = user_for(parts, st, A::ACTION).await?;
        Ok(SignedIn {
            user,
            origin: client_addr(parts),
            act: PhantomData,
        })
    }
}

/// A form that carries the session's CSRF token.
pub trait HasCsrf {
    fn csrf(&self) -> Option<&str>;
}

impl HasCsrf for Vec<(String, String)> {
    fn csrf(&self) -> Option<&str> {
        self.iter()
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.trim())
    }
}

/// [`SignedIn<A>`] with a form `T` whose CSRF token is the session's
/// (checked after the user and the role: a signed-out post goes to
/// sign-in, a refused role gets 403 before anything is read). A body
/// that is not such a form is answered in Chinese with axum's status
/// (413 for one over the size limit, as every page answers it).
pub struct SignedForm<A, T> {
    pub user: User,
    pub origin: String,
    pub form: T,
    act: PhantomData<A>,
}

impl<A, T> FromRequest<AppState> for SignedForm<A, T>
where
    A: Act + Send + Sync,
    T: DeserializeOwned + HasCsrf + Send,
{
    type Rejection = PageError;

    async fn from_request(req: Request, st: &AppState) -> Result<Self, PageError> {
        let (mut parts, body) = req.into_parts();
        let SignedIn { user, origin, .. } =
            SignedIn::<A>::from_request_parts(&mut parts, st).await?;
        let req = Request::from_parts(parts, body);
        let Form(form) = Form::<T>::from_request(req, st)
            .await
            .map_err(|e| unreadable_form(e.status()))?;
        if !csrf_ok(&user, form.csrf()) {
            return Err(PageError::Csrf);
        }
        Ok(SignedForm {
            user,
            origin,
            form,
            act: PhantomData,
        })
    }
}

/// The answer to a body that is not the form: too large (413, the
/// sentence every page gives), not a form (no CSRF token: 403), or
/// unreadable with axum's status.
fn unreadable_form(status: axum::http::StatusCode) -> PageError {
    if status == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        return PageError::Answer(Box::new(crate::guard::too_large(false)));
    }
    // Not a form at all (JSON, say): no CSRF token could be read.
    if status == axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE {
        return PageError::Csrf;
    }
    PageError::Answer(Box::new(crate::pages::message_page(
        status,
        "请求有误",
        "表单内容无法读取，请从本系统的页面提交。",
    )))
}
