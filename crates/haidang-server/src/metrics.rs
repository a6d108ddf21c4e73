//! Prometheus metrics: the process-wide recorder and the request middleware.

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

/// Returns the handle of the process-wide recorder, installing it on first use.
pub fn handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new().build_recorder();
            let handle = recorder.handle();
            // Fails only when another recorder is already installed; then this handle
            // renders an empty page, which the health tests would show.
            let _ = metrics::set_global_recorder(recorder);
            handle
        })
        .clone()
}

/// Counts requests and their duration by route and status.
pub async fn track_requests(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = request.method().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("haidang_http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("haidang_http_request_duration_seconds", "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

/// Counts the rows of a finished batch by outcome.
pub fn record_batch(format: &str, counts: &haidang_store::BatchCounts) {
    for (outcome, count) in [
        ("accepted", counts.accepted),
        ("duplicate", counts.duplicates),
        ("conflict", counts.conflicts),
        ("rejected", counts.rejected),
    ] {
        metrics::counter!("haidang_ingest_rows_total", "format" => format.to_owned(), "outcome" => outcome)
            .increment(count);
    }
}
