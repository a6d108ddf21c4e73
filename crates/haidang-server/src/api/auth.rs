//! Browser sessions: login with a password and a second factor, logout, and one's own account.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use haidang_core::access::{Action, Grant};
use haidang_core::audit::{AuditEvent, Outcome};
use haidang_core::time::format_instant;
use haidang_store::identity::{SessionRecord, UserRecord, UserUpdate};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::auth::{generate_key, hash_key};
use crate::error::ApiError;
use crate::identity::password::{check_new_password, decoy_hash, hash_password, verify_password};
use crate::identity::two_factor::{matching_step, new_secret, provisioning_url};
use crate::identity::{ClientAddress, Principal, SESSION_COOKIE, SessionStage};
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeBody {
    /// The 6-digit code shown by the authenticator app.
    pub code: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordBody {
    pub current_password: String,
    pub new_password: String,
}

/// A second factor to set up: shown once, at the first login of a role that needs one.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TwoFactorSetup {
    /// Base32 secret to type into an authenticator app.
    pub secret: String,
    /// `otpauth://` address for a QR code.
    pub otpauth_url: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GrantView {
    pub role: String,
    pub agency: Option<String>,
    pub unit: Option<String>,
}

impl From<&Grant> for GrantView {
    fn from(grant: &Grant) -> Self {
        Self {
            role: grant.role.as_str().to_owned(),
            agency: grant.agency.clone(),
            unit: grant.unit.clone(),
        }
    }
}

/// The caller's own account and session.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SessionView {
    pub user_id: String,
    pub username: String,
    pub display_name: String,
    pub grants: Vec<GrantView>,
    /// `full`, or `two_factor` while the second factor is due.
    pub stage: String,
    /// Token to send in `X-CSRF-Token` with every state-changing request.
    pub csrf_token: String,
    pub two_factor_enabled: bool,
    pub two_factor_setup: Option<TwoFactorSetup>,
}

/// Checks a username and password and starts a session. Roles that need a second factor
/// get a session in the `two_factor` stage, with a new secret to set up on first use.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginBody,
    responses((status = 200, body = SessionView), (status = 401), (status = 429)))]
pub async fn login(
    State(state): State<AppState>,
    address: ClientAddress,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body: LoginBody = parse_json(&headers, &body)?;
    let now = state.now();
    let settings = state.security.clone();
    let username = body.username.trim().to_lowercase();
    let address_key = format!("addr:{}", address.0.as_deref().unwrap_or("unknown"));
    let user_key = format!("user:{username}");
    let window_start = now - settings.lockout_ms;

    let address_failures = state.store.login_failure_times(&address_key, window_start).await?;
    if address_failures.len() as i64 >= settings.address_failure_limit {
        let until =
            address_failures[address_failures.len() - settings.address_failure_limit as usize] + settings.lockout_ms;
        return Err(ApiError::login_throttled(&local_clock(&state, until)));
    }
    let user_failures = state.store.login_failure_times(&user_key, window_start).await?;
    if let Some(until) = lock_end(&user_failures, settings.lock_after_failures, settings.lockout_ms) {
        audit_login(
            &state,
            None,
            &username,
            &address,
            Outcome::Denied,
            json!({ "reason": "locked" }),
        )
        .await?;
        return Err(ApiError::login_locked(&local_clock(&state, until)));
    }

    let user = state.store.user_by_username(&username).await?;
    let stored_hash = user
        .as_ref()
        .map_or_else(|| decoy_hash().to_owned(), |u| u.password_hash.clone());
    let password_ok = verify_password(&body.password, &stored_hash);
    let Some(user) = user.filter(|u| password_ok && !u.disabled) else {
        let event = login_event(
            &state,
            None,
            &username,
            &address,
            Outcome::Failure,
            json!({ "reason": "bad_credentials" }),
        );
        let user_id = state.store.user_by_username(&username).await?.map(|u| u.id);
        state
            .store
            .record_login_failure(
                user_id.as_deref(),
                vec![address_key, user_key.clone()],
                now,
                settings.lock_after_failures,
                settings.lockout_ms,
                event,
            )
            .await?;
        let failures = state.store.login_failure_times(&user_key, window_start).await?;
        if let Some(until) = lock_end(&failures, settings.lock_after_failures, settings.lockout_ms) {
            return Err(ApiError::login_locked(&local_clock(&state, until)));
        }
        return Err(ApiError::login_failed());
    };

    let needs_second_factor = user.totp_enabled || user.grants.iter().any(|g| g.role.requires_two_factor());
    let mut setup = None;
    if needs_second_factor && !user.totp_enabled {
        let secret = match &user.totp_secret {
            Some(secret) => secret.clone(),
            None => {
                let secret = new_secret();
                let update = UserUpdate {
                    totp: Some(Some((secret.clone(), false))),
                    ..UserUpdate::default()
                };
                let event = login_event(
                    &state,
                    Some(&user),
                    &username,
                    &address,
                    Outcome::Success,
                    json!({ "step": "two_factor_secret_issued" }),
                );
                state
                    .store
                    .update_user(
                        &user.id,
                        update,
                        now,
                        AuditEvent {
                            action: "auth.two_factor_setup".into(),
                            ..event
                        },
                    )
                    .await?;
                secret
            }
        };
        let otpauth_url = provisioning_url(&secret, &user.username).unwrap_or_default();
        setup = Some(TwoFactorSetup { secret, otpauth_url });
    }

    let token = generate_key();
    let csrf_token = generate_key();
    let stage = if needs_second_factor { "two_factor" } else { "full" };
    let session = SessionRecord {
        token_hash: hash_key(&token),
        user_id: user.id.clone(),
        csrf_token: csrf_token.clone(),
        stage: stage.to_owned(),
        created_at: now,
        last_seen_at: now,
        revoked_at: None,
        address: address.0.clone(),
    };
    let event = login_event(
        &state,
        Some(&user),
        &username,
        &address,
        Outcome::Success,
        json!({ "stage": stage }),
    );
    state.store.create_session(session, event).await?;

    let view = session_view(&user, stage, csrf_token, setup);
    let cookie = session_cookie(
        &token,
        settings.session_absolute_ms / 1000,
        secure_cookie(&state, &headers),
    );
    Ok(with_cookie(Json(view).into_response(), &cookie))
}

/// Confirms the second factor of a session in the `two_factor` stage.
#[utoipa::path(post, path = "/api/v1/auth/two-factor", tag = "auth", request_body = CodeBody,
    responses((status = 200, body = SessionView), (status = 401)))]
/// The session's token and CSRF token are replaced, and each code is accepted once.
pub async fn two_factor(
    State(state): State<AppState>,
    principal: Principal,
    address: ClientAddress,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body: CodeBody = parse_json(&headers, &body)?;
    let Principal::User {
        user,
        session_hash,
        csrf_token,
        stage,
    } = principal
    else {
        return Err(ApiError::not_logged_in());
    };
    if stage == SessionStage::Full {
        return Ok(Json(session_view(&user, "full", csrf_token, None)).into_response());
    }

    let now = state.now();
    let secret = user.totp_secret.clone().unwrap_or_default();
    let step =
        matching_step(&secret, &body.code, now).filter(|step| user.totp_last_step.is_none_or(|last| *step > last));
    let Some(step) = step.filter(|_| !secret.is_empty()) else {
        let event = login_event(
            &state,
            Some(&user),
            &user.username,
            &address,
            Outcome::Failure,
            json!({ "reason": "bad_two_factor_code" }),
        );
        let settings = state.security.clone();
        let address_key = format!("addr:{}", address.0.as_deref().unwrap_or("unknown"));
        let user_key = format!("user:{}", user.username.to_lowercase());
        let event = AuditEvent {
            action: "auth.two_factor".into(),
            ..event
        };
        state
            .store
            .record_login_failure(
                Some(&user.id),
                vec![address_key, user_key],
                now,
                settings.lock_after_failures,
                settings.lockout_ms,
                event,
            )
            .await?;
        return Err(ApiError::invalid_code());
    };

    // Accept the step once, and enable the second factor at its first use.
    let enabled_now = !user.totp_enabled;
    let update = UserUpdate {
        totp: enabled_now.then_some(Some((secret, true))),
        totp_last_step: Some(step),
        ..UserUpdate::default()
    };
    let event = login_event(
        &state,
        Some(&user),
        &user.username,
        &address,
        Outcome::Success,
        json!({ "enabled_now": enabled_now }),
    );
    state
        .store
        .update_user(
            &user.id,
            update,
            now,
            AuditEvent {
                action: "auth.two_factor".into(),
                ..event.clone()
            },
        )
        .await?;

    // A new token and CSRF token for the fully authenticated session, so that a token seen
    // before the second factor is worth nothing after it.
    let token = generate_key();
    let csrf_token = generate_key();
    let session = SessionRecord {
        token_hash: hash_key(&token),
        user_id: user.id.clone(),
        csrf_token: csrf_token.clone(),
        stage: "full".to_owned(),
        created_at: now,
        last_seen_at: now,
        revoked_at: None,
        address: address.0.clone(),
    };
    state
        .store
        .create_session(
            session,
            AuditEvent {
                action: "auth.session_start".into(),
                ..event.clone()
            },
        )
        .await?;
    state
        .store
        .revoke_sessions(
            Some(&session_hash),
            &user.id,
            now,
            AuditEvent {
                action: "auth.session_replaced".into(),
                ..event
            },
        )
        .await?;

    let mut refreshed = *user;
    refreshed.totp_enabled = true;
    let view = session_view(&refreshed, "full", csrf_token, None);
    let cookie = session_cookie(
        &token,
        state.security.session_absolute_ms / 1000,
        secure_cookie(&state, &headers),
    );
    Ok(with_cookie(Json(view).into_response(), &cookie))
}

/// Ends this session.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", responses((status = 204)))]
pub async fn logout(
    State(state): State<AppState>,
    principal: Principal,
    address: ClientAddress,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    end_sessions(&state, principal, address, &headers, false).await
}

/// Ends every session of this user, on every device.
#[utoipa::path(post, path = "/api/v1/auth/logout-all", tag = "auth", responses((status = 204)))]
pub async fn logout_all(
    State(state): State<AppState>,
    principal: Principal,
    address: ClientAddress,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    end_sessions(&state, principal, address, &headers, true).await
}

/// Returns the caller's account and session.
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth", responses((status = 200, body = SessionView), (status = 401)))]
pub async fn me(principal: Principal) -> Result<Json<SessionView>, ApiError> {
    let Principal::User {
        user,
        csrf_token,
        stage,
        ..
    } = principal
    else {
        return Err(ApiError::unauthenticated());
    };
    let stage = if stage == SessionStage::Full {
        "full"
    } else {
        "two_factor"
    };
    Ok(Json(session_view(&user, stage, csrf_token, None)))
}

/// Changes the caller's password after checking the current one. Every session of the
/// user ends, this one included, so whoever knew the old password is logged out.
#[utoipa::path(post, path = "/api/v1/auth/password", tag = "auth", request_body = PasswordBody,
    responses((status = 204), (status = 400), (status = 401)))]
pub async fn change_password(
    State(state): State<AppState>,
    principal: Principal,
    address: ClientAddress,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let body: PasswordBody = parse_json(&headers, &body)?;
    let Principal::User { user, .. } = &principal else {
        return Err(ApiError::unauthenticated());
    };
    if !verify_password(&body.current_password, &user.password_hash) {
        return Err(ApiError::wrong_current_password());
    }
    check_new_password(&body.new_password, &user.username).map_err(|p| ApiError::weak_password(p.message_id()))?;
    let hash = hash_password(&body.new_password).map_err(ApiError::internal)?;
    let now = state.now();
    let event = principal.audit(
        &state,
        "auth.password_change",
        Action::UseOwnAccount,
        Some(format!("user:{}", user.id)),
        Outcome::Success,
        &address,
        json!({}),
    );
    state
        .store
        .update_user(
            &user.id,
            UserUpdate {
                password_hash: Some(hash),
                ..UserUpdate::default()
            },
            now,
            event.clone(),
        )
        .await?;
    state
        .store
        .revoke_sessions(
            None,
            &user.id,
            now,
            AuditEvent {
                action: "auth.logout_all".into(),
                ..event
            },
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn end_sessions(
    state: &AppState,
    principal: Principal,
    address: ClientAddress,
    headers: &HeaderMap,
    everywhere: bool,
) -> Result<Response, ApiError> {
    let Principal::User { user, session_hash, .. } = &principal else {
        return Err(ApiError::unauthenticated());
    };
    let action = if everywhere { "auth.logout_all" } else { "auth.logout" };
    let event = principal.audit(
        state,
        action,
        Action::UseOwnAccount,
        Some(format!("user:{}", user.id)),
        Outcome::Success,
        &address,
        json!({}),
    );
    let only = (!everywhere).then_some(session_hash.as_str());
    state.store.revoke_sessions(only, &user.id, state.now(), event).await?;
    let cookie = session_cookie("", 0, secure_cookie(state, headers));
    Ok(with_cookie(StatusCode::NO_CONTENT.into_response(), &cookie))
}

/// Whether cookies must carry `Secure`: when configured, or when a reverse proxy says the
/// client reached it over HTTPS.
fn secure_cookie(state: &AppState, headers: &HeaderMap) -> bool {
    let forwarded_https = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|proto| proto.eq_ignore_ascii_case("https"));
    state.security.secure_cookies || forwarded_https
}

/// Parses a JSON body, requiring the JSON content type.
pub fn parse_json<T: serde::de::DeserializeOwned>(headers: &HeaderMap, body: &[u8]) -> Result<T, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let media = content_type.split(';').next().unwrap_or_default().trim();
    if !media.eq_ignore_ascii_case("application/json") {
        return Err(ApiError::unsupported_media_type(media));
    }
    serde_json::from_slice(body).map_err(|e| ApiError::invalid_body(e.to_string()))
}

/// When a username locked by `failures` unlocks, if it is locked now: the
/// `lock_after`-th most recent failure plus `lockout_ms`.
fn lock_end(failures: &[i64], lock_after: i64, lockout_ms: i64) -> Option<i64> {
    let lock_after = usize::try_from(lock_after).ok()?;
    (lock_after > 0 && failures.len() >= lock_after).then(|| failures[failures.len() - lock_after] + lockout_ms)
}

fn local_clock(state: &AppState, at: i64) -> String {
    let text = format_instant(at, state.zone);
    // "2026-12-05T10:15:00+07:00" → "10:15 05/12/2026"
    match (text.get(11..16), text.get(8..10), text.get(5..7), text.get(0..4)) {
        (Some(time), Some(day), Some(month), Some(year)) => format!("{time} {day}/{month}/{year}"),
        _ => text,
    }
}

fn login_event(
    state: &AppState,
    user: Option<&UserRecord>,
    username: &str,
    address: &ClientAddress,
    outcome: Outcome,
    detail: serde_json::Value,
) -> AuditEvent {
    let grant = user.and_then(|u| u.grants.first());
    AuditEvent {
        at: state.now(),
        actor: user.map_or_else(|| "anonymous".to_owned(), |u| format!("user:{}", u.id)),
        actor_name: username.to_owned(),
        role: grant.map(|g| g.role.as_str().to_owned()),
        scope: grant.and_then(Grant::describe_scope),
        action: "auth.login".to_owned(),
        object: user.map(|u| format!("user:{}", u.id)),
        outcome,
        address: address.0.clone(),
        detail,
    }
}

async fn audit_login(
    state: &AppState,
    user: Option<&UserRecord>,
    username: &str,
    address: &ClientAddress,
    outcome: Outcome,
    detail: serde_json::Value,
) -> Result<(), ApiError> {
    state
        .store
        .append_audit(login_event(state, user, username, address, outcome, detail))
        .await?;
    Ok(())
}

fn session_view(user: &UserRecord, stage: &str, csrf_token: String, setup: Option<TwoFactorSetup>) -> SessionView {
    SessionView {
        user_id: user.id.clone(),
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        grants: user.grants.iter().map(GrantView::from).collect(),
        stage: stage.to_owned(),
        csrf_token,
        two_factor_enabled: user.totp_enabled,
        two_factor_setup: setup,
    }
}

fn session_cookie(token: &str, max_age_secs: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}{secure}")
}

fn with_cookie(mut response: Response, cookie: &str) -> Response {
    if let Ok(value) = HeaderValue::from_str(cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}
