//! The OpenAPI 3.1 document, generated from the handlers' annotations.

use axum::Json;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::api::{
    api_keys, audit, auth, cases, catalog, connectors, dead_letter, health, map, ngsi, observations, open311,
    public_cases, series, units, users,
};

#[derive(OpenApi)]
#[openapi(
    info(title = "Hải Đăng API", description = "Trung tâm Giám sát, điều hành đô thị thông minh — Intelligent Operations Center"),
    paths(
        health::healthz, health::readyz, health::metrics,
        catalog::about, catalog::sources, catalog::agencies, catalog::entities,
        series::list, series::get_one, series::put,
        observations::push, observations::batch, observations::rejected, observations::query,
        units::list, units::get_one, units::indicator_by_unit,
        map::boundaries, map::typhoons,
        auth::login, auth::two_factor, auth::logout, auth::logout_all, auth::me, auth::change_password,
        users::list, users::create, users::get_one, users::update,
        api_keys::list, api_keys::create, api_keys::rotate, api_keys::revoke,
        audit::list, audit::export,
        connectors::list, connectors::get_one, connectors::put, connectors::delete,
        dead_letter::source_rejected, dead_letter::upload, dead_letter::resubmit,
        ngsi::notify, ngsi::upsert,
        cases::list, cases::create, cases::export, cases::overdue, cases::statistics, cases::get_one,
        cases::reporter, cases::duplicates, cases::dispatch, cases::handle, cases::media,
        public_cases::list, public_cases::statistics, public_cases::media, public_cases::track, public_cases::add_media,
        open311::discovery, open311::services_json, open311::services_xml, open311::service_definition,
        open311::list_json, open311::post_json, open311::list_xml, open311::post_xml, open311::get_request, open311::token,
        document,
    ),
    modifiers(&ApiKeyScheme),
)]
pub struct ApiDoc;

struct ApiKeyScheme;

impl Modify for ApiKeyScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("api_key", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

/// Returns this document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "health", responses((status = 200, description = "OpenAPI 3.1 document")))]
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
