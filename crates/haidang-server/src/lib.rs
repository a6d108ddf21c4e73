//! The HTTP side of Hải Đăng: the JSON API under `/api/v1`, health and metrics, the
//! OpenAPI document and the embedded web app.
//!
//! Handlers parse and check input, call the store or the ingestion pipeline, and shape the
//! answer; they hold no SQL. Errors are [`error::ApiError`]s, rendered in the caller's
//! language in one middleware.

pub mod api;
pub mod auth;
pub mod error;
pub mod i18n;
pub mod identity;
pub mod metrics;
pub mod state;
pub mod web;

use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;

pub use state::{AppState, Clock, SystemClock};

/// Largest request body accepted, in bytes. A canonical CSV of one million rows is about
/// 45 MB; larger files go through `haidang import`.
pub const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// Builds the application's router. Tests call it directly, without a socket.
pub fn router(state: AppState) -> Router {
    api::routes()
        .route_layer(middleware::from_fn_with_state(state.clone(), identity::enforce))
        .route_layer(middleware::from_fn(metrics::track_requests))
        .fallback(web::static_or_not_found)
        .layer(middleware::from_fn_with_state(state.clone(), identity::authenticate))
        .layer(middleware::from_fn(error::localize_errors))
        .layer(middleware::from_fn(web::security_headers))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TraceLayer::new_for_http())
        .layer(CatchPanicLayer::new())
        .with_state(state)
}

/// How long the server waits for open requests after a shutdown signal.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
