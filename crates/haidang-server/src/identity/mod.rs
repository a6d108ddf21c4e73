//! Caller identification and access decisions: sessions, API keys, the route policy, CSRF
//! checks, rate limits and the audit events of denials.

pub mod password;
pub mod policy;
pub mod rate_limit;
pub mod scope;
pub mod two_factor;

use axum::extract::{ConnectInfo, FromRequestParts, MatchedPath, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use haidang_core::access::{Action, Grant, Role};
use haidang_core::audit::{AuditEvent, Outcome};
use haidang_store::identity::UserRecord;
use serde_json::json;

use crate::auth::{KEY_PREFIX, hash_key};
use crate::error::ApiError;
use crate::state::AppState;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "haidang_session";
/// Header that carries the session's CSRF token on state-changing requests.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Stage of a browser session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionStage {
    /// The password was right; the second factor is still due.
    TwoFactor,
    Full,
}

/// The caller of a request, set by [`authenticate`] for every request.
#[derive(Debug, Clone)]
pub enum Principal {
    Anonymous,
    User {
        user: Box<UserRecord>,
        session_hash: String,
        csrf_token: String,
        stage: SessionStage,
    },
    ApiKey {
        id: String,
        name: String,
        grant: Grant,
        sources: Option<Vec<String>>,
        /// Actions the key is limited to; `None` allows every action of its role.
        actions: Option<Vec<Action>>,
    },
}

impl Principal {
    pub fn grants(&self) -> Vec<Grant> {
        match self {
            Self::Anonymous => Vec::new(),
            Self::User { user, .. } => user.grants.clone(),
            Self::ApiKey { grant, .. } => vec![grant.clone()],
        }
    }

    /// Returns the grant under which the caller may perform `action`, if any.
    pub fn grant_for(&self, action: Action) -> Option<Grant> {
        if let Self::ApiKey {
            actions: Some(actions), ..
        } = self
            && !actions.contains(&action)
        {
            return None;
        }
        self.grants().into_iter().find(|g| action.roles().contains(&g.role))
    }

    pub fn actor(&self) -> String {
        match self {
            Self::Anonymous => "anonymous".to_owned(),
            Self::User { user, .. } => format!("user:{}", user.id),
            Self::ApiKey { id, .. } => format!("key:{id}"),
        }
    }

    pub fn actor_name(&self) -> String {
        match self {
            Self::Anonymous => String::new(),
            Self::User { user, .. } => user.username.clone(),
            Self::ApiKey { name, .. } => name.clone(),
        }
    }

    /// Builds an audit event of this caller acting under the grant that allows `grant_action`.
    #[allow(clippy::too_many_arguments)] // Each argument is one field of the event.
    pub fn audit(
        &self,
        state: &AppState,
        action_name: &str,
        grant_action: Action,
        object: Option<String>,
        outcome: Outcome,
        address: &ClientAddress,
        detail: serde_json::Value,
    ) -> AuditEvent {
        let grant = self.grant_for(grant_action);
        AuditEvent {
            at: state.now(),
            actor: self.actor(),
            actor_name: self.actor_name(),
            role: grant.as_ref().map(|g| g.role.as_str().to_owned()),
            scope: grant.as_ref().and_then(Grant::describe_scope),
            action: action_name.to_owned(),
            object,
            outcome,
            address: address.0.clone(),
            detail,
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<Principal>()
            .cloned()
            .unwrap_or(Principal::Anonymous))
    }
}

/// The client's address as seen by this server, when known.
#[derive(Debug, Clone, Default)]
pub struct ClientAddress(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(client_address(
            parts.extensions.get::<ConnectInfo<std::net::SocketAddr>>(),
        ))
    }
}

fn client_address(info: Option<&ConnectInfo<std::net::SocketAddr>>) -> ClientAddress {
    ClientAddress(info.map(|ConnectInfo(address)| address.ip().to_string()))
}

/// Reads the session cookie or the API key, checks it, and stores the [`Principal`] in the
/// request. A missing, unknown, revoked or expired credential leaves the caller anonymous;
/// a bad API key is rejected at once, because its sender meant to authenticate.
pub async fn authenticate(
    axum::extract::State(state): axum::extract::State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let principal = match principal_of(&state, request.headers()).await {
        Ok(principal) => principal,
        Err(error) => return error.into_response(),
    };
    request.extensions_mut().insert(principal);
    next.run(request).await
}

async fn principal_of(state: &AppState, headers: &HeaderMap) -> Result<Principal, ApiError> {
    let now = state.now();
    if let Some(authorization) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        let key = authorization.strip_prefix("Bearer ").map(str::trim).unwrap_or_default();
        if !key.starts_with(KEY_PREFIX) {
            return Err(ApiError::unauthenticated());
        }
        let record = state
            .store
            .use_api_key(hash_key(key), now)
            .await?
            .ok_or_else(ApiError::unauthenticated)?;
        let role = match record.role.as_str() {
            "admin" => Role::Admin,
            "agency" | "agency_system" => Role::AgencySystem,
            other => return Err(ApiError::forbidden(other)),
        };
        let agency = if role == Role::Admin {
            None
        } else {
            record.agency_key.clone()
        };
        return Ok(Principal::ApiKey {
            id: record.id,
            name: record.name,
            grant: Grant {
                role,
                agency,
                unit: None,
            },
            sources: record.sources,
            actions: record
                .actions
                .map(|names| names.iter().filter_map(|name| Action::parse(name)).collect()),
        });
    }
    let Some(token) = session_token(headers) else {
        return Ok(Principal::Anonymous);
    };
    let token_hash = hash_key(&token);
    let Some(session) = state.store.session(&token_hash).await? else {
        return Ok(Principal::Anonymous);
    };

    let settings = &state.security;
    let idle = now - session.last_seen_at > settings.session_idle_ms;
    let expired = now - session.created_at > settings.session_absolute_ms;
    if session.revoked_at.is_some() || idle || expired {
        return Ok(Principal::Anonymous);
    }
    let Some(user) = state.store.user_by_id(&session.user_id).await? else {
        return Ok(Principal::Anonymous);
    };
    if user.disabled {
        return Ok(Principal::Anonymous);
    }
    // Refreshing the idle timer at most once a minute keeps reads from writing every time.
    if now - session.last_seen_at > 60_000 {
        state.store.touch_session(&token_hash, now).await?;
    }
    let stage = if session.stage == "full" {
        SessionStage::Full
    } else {
        SessionStage::TwoFactor
    };
    Ok(Principal::User {
        user: Box::new(user),
        session_hash: token_hash,
        csrf_token: session.csrf_token,
        stage,
    })
}

/// Returns the session token from the `Cookie` header.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            pair.trim()
                .strip_prefix(SESSION_COOKIE)
                .and_then(|rest| rest.strip_prefix('='))
        })
        .map(str::to_owned)
}

/// Applies the route's policy: rate limits anonymous callers, refuses routes without a
/// policy, requires a full session or a key for non-public actions, checks the role, and
/// checks CSRF on state-changing requests made with a session cookie. Denials are audited.
pub async fn enforce(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    let principal = request
        .extensions()
        .get::<Principal>()
        .cloned()
        .unwrap_or(Principal::Anonymous);
    let address = client_address(request.extensions().get::<ConnectInfo<std::net::SocketAddr>>());

    if matches!(principal, Principal::Anonymous)
        && let Some(wait_ms) = state
            .rate_limiter
            .check(address.0.as_deref().unwrap_or("unknown"), state.now())
    {
        return ApiError::rate_limited(wait_ms).into_response();
    }

    let Some(action) = policy::action_for(method.as_str(), &route) else {
        tracing::error!(%method, %route, "route has no access policy; add it to identity::policy::ROUTE_POLICIES");
        return ApiError::route_without_policy().into_response();
    };
    if let Err(error) = decide(&principal, action, &route, &method, request.headers()) {
        if error.status != axum::http::StatusCode::UNAUTHORIZED
            || !matches!(principal, Principal::Anonymous)
            || !action.is_public()
        {
            let event = principal.audit(
                &state,
                "access.denied",
                action,
                Some(format!("route:{method} {route}")),
                Outcome::Denied,
                &address,
                json!({ "code": error.code, "action": action.as_str() }),
            );
            if let Err(store_error) = state.store.append_audit(event).await {
                tracing::error!(error = %store_error, "could not audit a denial");
            }
        }
        return error.into_response();
    }
    next.run(request).await
}

fn decide(
    principal: &Principal,
    action: Action,
    route: &str,
    method: &Method,
    headers: &HeaderMap,
) -> Result<(), ApiError> {
    if let Principal::User {
        stage: SessionStage::TwoFactor,
        ..
    } = principal
        && !policy::PARTIAL_SESSION_ROUTES.contains(&route)
        && !action.is_public()
    {
        return Err(ApiError::two_factor_required());
    }
    if let Principal::User { csrf_token, .. } = principal
        && !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
    {
        check_csrf(csrf_token, headers)?;
    }
    if action.is_public() {
        return Ok(());
    }
    match principal {
        Principal::Anonymous if action == Action::UseOwnAccount => Err(ApiError::not_logged_in()),
        Principal::Anonymous => Err(ApiError::unauthenticated()),
        _ if principal.grant_for(action).is_some() => Ok(()),
        _ => Err(ApiError::forbidden_action()),
    }
}

/// Refuses a cookie-authenticated write that lacks the session's CSRF token or comes from
/// another site.
fn check_csrf(expected: &str, headers: &HeaderMap) -> Result<(), ApiError> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if header("sec-fetch-site").is_some_and(|site| site == "cross-site") {
        return Err(ApiError::csrf());
    }
    if let (Some(origin), Some(host)) = (header("origin"), header("host")) {
        let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
        if origin_host != host {
            return Err(ApiError::csrf());
        }
    }
    let sent = header(CSRF_HEADER).unwrap_or_default();
    if sent.is_empty() || !constant_time_eq(sent.as_bytes(), expected.as_bytes()) {
        return Err(ApiError::csrf());
    }
    Ok(())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
