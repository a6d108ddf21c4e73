//! Liveness, readiness and Prometheus metrics.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use serde::Serialize;

use crate::error::ApiError;
use crate::state::AppState;

#[derive(Serialize, utoipa::ToSchema)]
pub struct HealthStatus {
    /// `ok` when the check passed.
    pub status: &'static str,
}

/// Answers while the process runs.
#[utoipa::path(get, path = "/healthz", tag = "health", responses((status = 200, body = HealthStatus)))]
pub async fn healthz() -> Json<HealthStatus> {
    Json(HealthStatus { status: "ok" })
}

/// Answers 200 when the database is reachable and every migration is applied, else 503.
#[utoipa::path(get, path = "/readyz", tag = "health", responses((status = 200, body = HealthStatus), (status = 503)))]
pub async fn readyz(State(state): State<AppState>) -> Result<Json<HealthStatus>, ApiError> {
    match state.store.is_ready().await {
        Ok(true) => Ok(Json(HealthStatus { status: "ok" })),
        Ok(false) => Err(ApiError::unavailable()),
        Err(error) => {
            tracing::warn!(%error, "readiness check failed");
            Err(ApiError::unavailable())
        }
    }
}

/// Renders the metrics in the Prometheus text format.
#[utoipa::path(get, path = "/metrics", tag = "health", responses((status = 200, content_type = "text/plain")))]
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
}
