//! Routes of the JSON API, health checks and metrics.

pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod cases;
pub mod catalog;
pub mod connectors;
pub mod dead_letter;
pub mod health;
pub mod map;
pub mod ngsi;
pub mod observations;
pub mod open311;
pub mod openapi;
pub mod params;
pub mod public_cases;
pub mod series;
pub mod units;
pub mod users;

use axum::Router;
use axum::routing::{get, patch, post};

use crate::state::AppState;

/// Builds the API routes. Every route is listed in the OpenAPI document too.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .route("/api/v1/openapi.json", get(openapi::document))
        .route("/api/v1/about", get(catalog::about))
        .route("/api/v1/sources", get(catalog::sources))
        .route("/api/v1/agencies", get(catalog::agencies))
        .route("/api/v1/entities", get(catalog::entities))
        .route("/api/v1/series", get(series::list))
        .route("/api/v1/series/{key}", get(series::get_one).put(series::put))
        .route("/api/v1/series/{key}/observations", get(observations::query))
        .route("/api/v1/observations", post(observations::push))
        .route("/api/v1/batches/{batch_id}", get(observations::batch))
        .route("/api/v1/batches/{batch_id}/rejected", get(observations::rejected))
        .route("/api/v1/units", get(units::list))
        .route("/api/v1/units/{code}", get(units::get_one))
        .route("/api/v1/indicators/{indicator}/units", get(units::indicator_by_unit))
        .route("/api/v1/map/boundaries", get(map::boundaries))
        .route("/api/v1/map/typhoons", get(map::typhoons))
        .route("/api/v1/auth/login", post(auth::login))
        .route("/api/v1/auth/two-factor", post(auth::two_factor))
        .route("/api/v1/auth/logout", post(auth::logout))
        .route("/api/v1/auth/logout-all", post(auth::logout_all))
        .route("/api/v1/auth/me", get(auth::me))
        .route("/api/v1/auth/password", post(auth::change_password))
        .route("/api/v1/users", get(users::list).post(users::create))
        .route("/api/v1/users/{id}", get(users::get_one).merge(patch(users::update)))
        .route("/api/v1/api-keys", get(api_keys::list).post(api_keys::create))
        .route("/api/v1/api-keys/{name}/rotate", post(api_keys::rotate))
        .route("/api/v1/api-keys/{name}", axum::routing::delete(api_keys::revoke))
        .route("/api/v1/audit", get(audit::list))
        .route("/api/v1/audit/export", get(audit::export))
        .route("/api/v1/connectors", get(connectors::list))
        .route(
            "/api/v1/connectors/{key}",
            get(connectors::get_one).put(connectors::put).delete(connectors::delete),
        )
        .route("/api/v1/sources/{key}/rejected", get(dead_letter::source_rejected))
        .route("/api/v1/sources/{key}/files", post(dead_letter::upload))
        .route("/api/v1/batches/{batch_id}/resubmit", post(dead_letter::resubmit))
        .route("/ngsi-ld/v1/notify", post(ngsi::notify))
        .route("/ngsi-ld/v1/entityOperations/upsert", post(ngsi::upsert))
        .route("/api/v1/cases", get(cases::list).post(cases::create))
        .route("/api/v1/cases/export", get(cases::export))
        .route("/api/v1/cases/overdue", get(cases::overdue))
        .route("/api/v1/cases/statistics", get(cases::statistics))
        .route("/api/v1/cases/{id}", get(cases::get_one))
        .route("/api/v1/cases/{id}/reporter", get(cases::reporter))
        .route("/api/v1/cases/{id}/duplicates", get(cases::duplicates))
        .route("/api/v1/cases/{id}/dispatch", post(cases::dispatch))
        .route("/api/v1/cases/{id}/handle", post(cases::handle))
        .route("/api/v1/case-media/{id}", get(cases::media))
        .route("/api/v1/public/cases", get(public_cases::list))
        .route("/api/v1/public/cases/statistics", get(public_cases::statistics))
        .route("/api/v1/public/media/{id}", get(public_cases::media))
        .route("/api/v1/public/tracking/{key}", post(public_cases::track))
        .route("/api/v1/public/tracking/{key}/media", post(public_cases::add_media))
        .route("/open311/discovery.json", get(open311::discovery))
        .route("/open311/v2/services.json", get(open311::services_json))
        .route("/open311/v2/services.xml", get(open311::services_xml))
        .route("/open311/v2/services/{code}", get(open311::service_definition))
        .route(
            "/open311/v2/requests.json",
            get(open311::list_json).post(open311::post_json),
        )
        .route(
            "/open311/v2/requests.xml",
            get(open311::list_xml).post(open311::post_xml),
        )
        .route("/open311/v2/requests/{id}", get(open311::get_request))
        .route("/open311/v2/tokens/{id}", get(open311::token))
}
