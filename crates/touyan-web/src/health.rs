//! `GET /healthz` and `GET /readyz`, for a load balancer, a container or
//! systemd (issue 19, item 2): without an account, saying nothing about
//! the records. `/healthz` answers while the process serves; `/readyz`
//! answers 200 only when the database answers and every migration of
//! this build is applied, and 503 with the reason otherwise.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::state::AppState;

/// `GET /healthz`: the process serves.
pub async fn healthz() -> &'static str {
    "ok"
}

/// What `/readyz` answers.
#[derive(Serialize)]
struct Ready {
    ready: bool,
    /// Why not, in Chinese ("" when ready).
    reason: String,
    /// The migrations not yet applied.
    pending: Vec<String>,
}

/// `GET /readyz`: the database answers and its schema is current.
pub async fn readyz(State(st): State<AppState>) -> Response {
    let (status, body) = match st.pending_migrations().await {
        Ok(pending) if pending.is_empty() => (
            StatusCode::OK,
            Ready {
                ready: true,
                reason: String::new(),
                pending,
            },
        ),
        Ok(pending) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Ready {
                ready: false,
                reason: format!(
                    "数据库有 {} 个迁移尚未执行，请用本版本重新启动服务以执行迁移",
                    pending.len()
                ),
                pending,
            },
        ),
        Err(e) => {
            crate::http::logged(&format!("readiness: database did not answer: {e:?}"));
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Ready {
                    ready: false,
                    reason: "数据库无法连接".into(),
                    pending: Vec::new(),
                },
            )
        }
    };
    (status, Json(body)).into_response()
}
