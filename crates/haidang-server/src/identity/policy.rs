//! The access policy of every route: which action of the permission matrix it performs.
//!
//! The `enforce` middleware looks up each request's route here. A route missing from the
//! table is refused for everyone, and the route-matrix test fails, so a new route cannot
//! go out without a decision.

use haidang_core::access::Action;

/// `(method, route pattern, action)` for every route of the API.
pub const ROUTE_POLICIES: &[(&str, &str, Action)] = &[
    ("GET", "/healthz", Action::ReadSystemStatus),
    ("GET", "/readyz", Action::ReadSystemStatus),
    ("GET", "/metrics", Action::ReadSystemStatus),
    ("GET", "/api/v1/openapi.json", Action::ReadSystemStatus),
    ("GET", "/api/v1/about", Action::ReadOpenData),
    ("GET", "/api/v1/sources", Action::ReadOpenData),
    ("GET", "/api/v1/agencies", Action::ReadOpenData),
    ("GET", "/api/v1/entities", Action::ReadOpenData),
    ("GET", "/api/v1/series", Action::ReadOpenData),
    ("GET", "/api/v1/series/{key}", Action::ReadOpenData),
    ("PUT", "/api/v1/series/{key}", Action::DefineSeries),
    ("GET", "/api/v1/series/{key}/observations", Action::ReadOpenData),
    ("POST", "/api/v1/observations", Action::PushObservations),
    ("GET", "/api/v1/batches/{batch_id}", Action::ReadBatches),
    ("GET", "/api/v1/batches/{batch_id}/rejected", Action::ReadBatches),
    ("GET", "/api/v1/units", Action::ReadOpenData),
    ("GET", "/api/v1/units/{code}", Action::ReadOpenData),
    ("GET", "/api/v1/indicators/{indicator}/units", Action::ReadOpenData),
    ("GET", "/api/v1/map/boundaries", Action::ReadOpenData),
    ("GET", "/api/v1/map/typhoons", Action::ReadOpenData),
    ("POST", "/api/v1/auth/login", Action::LogIn),
    ("POST", "/api/v1/auth/two-factor", Action::UseOwnAccount),
    ("POST", "/api/v1/auth/logout", Action::UseOwnAccount),
    ("POST", "/api/v1/auth/logout-all", Action::UseOwnAccount),
    ("GET", "/api/v1/auth/me", Action::UseOwnAccount),
    ("POST", "/api/v1/auth/password", Action::UseOwnAccount),
    ("GET", "/api/v1/users", Action::ManageUsers),
    ("POST", "/api/v1/users", Action::ManageUsers),
    ("GET", "/api/v1/users/{id}", Action::ManageUsers),
    ("PATCH", "/api/v1/users/{id}", Action::ManageUsers),
    ("GET", "/api/v1/api-keys", Action::ManageApiKeys),
    ("POST", "/api/v1/api-keys", Action::ManageApiKeys),
    ("POST", "/api/v1/api-keys/{name}/rotate", Action::ManageApiKeys),
    ("DELETE", "/api/v1/api-keys/{name}", Action::ManageApiKeys),
    ("GET", "/api/v1/audit", Action::ReadAudit),
    ("GET", "/api/v1/audit/export", Action::ExportAudit),
    ("GET", "/api/v1/connectors", Action::ManageConnectors),
    ("GET", "/api/v1/connectors/{key}", Action::ManageConnectors),
    ("PUT", "/api/v1/connectors/{key}", Action::ManageConnectors),
    ("DELETE", "/api/v1/connectors/{key}", Action::ManageConnectors),
    ("GET", "/api/v1/sources/{key}/rejected", Action::ReadBatches),
    ("POST", "/api/v1/sources/{key}/files", Action::PushObservations),
    ("POST", "/api/v1/batches/{batch_id}/resubmit", Action::PushObservations),
    ("POST", "/ngsi-ld/v1/notify", Action::PushObservations),
    ("POST", "/ngsi-ld/v1/entityOperations/upsert", Action::PushObservations),
    ("GET", "/api/v1/cases", Action::ReadCases),
    ("POST", "/api/v1/cases", Action::DispatchCases),
    ("GET", "/api/v1/cases/export", Action::ReadCases),
    ("GET", "/api/v1/cases/overdue", Action::ReadCases),
    ("GET", "/api/v1/cases/statistics", Action::ReadCases),
    ("GET", "/api/v1/cases/{id}", Action::ReadCases),
    ("GET", "/api/v1/cases/{id}/reporter", Action::ReadPersonalData),
    ("GET", "/api/v1/cases/{id}/duplicates", Action::DispatchCases),
    ("POST", "/api/v1/cases/{id}/dispatch", Action::DispatchCases),
    ("POST", "/api/v1/cases/{id}/handle", Action::HandleCases),
    ("GET", "/api/v1/case-media/{id}", Action::ReadCases),
    ("GET", "/api/v1/public/cases", Action::ReadOpenData),
    ("GET", "/api/v1/public/cases/statistics", Action::ReadOpenData),
    ("GET", "/api/v1/public/media/{id}", Action::ReadOpenData),
    ("POST", "/api/v1/public/tracking/{key}", Action::SubmitReport),
    ("POST", "/api/v1/public/tracking/{key}/media", Action::SubmitReport),
    ("GET", "/open311/discovery.json", Action::ReadOpenData),
    ("GET", "/open311/v2/services.json", Action::ReadOpenData),
    ("GET", "/open311/v2/services.xml", Action::ReadOpenData),
    ("GET", "/open311/v2/services/{code}", Action::ReadOpenData),
    ("GET", "/open311/v2/requests.json", Action::ReadOpenData),
    ("POST", "/open311/v2/requests.json", Action::SubmitReport),
    ("GET", "/open311/v2/requests.xml", Action::ReadOpenData),
    ("POST", "/open311/v2/requests.xml", Action::SubmitReport),
    ("GET", "/open311/v2/requests/{id}", Action::ReadOpenData),
    ("GET", "/open311/v2/tokens/{id}", Action::ReadOpenData),
];

/// Routes that a session still waiting for its second factor may use.
pub const PARTIAL_SESSION_ROUTES: &[&str] = &["/api/v1/auth/two-factor", "/api/v1/auth/logout", "/api/v1/auth/me"];

/// Returns the action of a route, or `None` when the route has no policy.
pub fn action_for(method: &str, route: &str) -> Option<Action> {
    ROUTE_POLICIES
        .iter()
        .find(|(m, r, _)| *m == method && *r == route)
        .map(|(_, _, action)| *action)
}
