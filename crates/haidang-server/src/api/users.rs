//! User administration: accounts, their grants, locks and second factors.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use bytes::Bytes;
use haidang_core::access::{Action, Grant, Role};
use haidang_core::audit::Outcome;
use haidang_core::text::nfc;
use haidang_store::StoreError;
use haidang_store::identity::{UserRecord, UserUpdate};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::api::auth::{GrantView, parse_json};
use crate::error::ApiError;
use crate::identity::password::{check_new_password, hash_password};
use crate::identity::{ClientAddress, Principal};
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantBody {
    /// admin, operator, leader, agency_officer, commune_officer or auditor.
    pub role: String,
    pub agency: Option<String>,
    pub unit: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserBody {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub grants: Vec<GrantBody>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    pub display_name: Option<String>,
    pub disabled: Option<bool>,
    pub grants: Option<Vec<GrantBody>>,
    /// A new password set by the administrator.
    pub password: Option<String>,
    /// Clears failed logins and any lock.
    #[serde(default)]
    pub unlock: bool,
    /// Removes the second factor, so that the user sets it up again at the next login.
    #[serde(default)]
    pub reset_two_factor: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserView {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub grants: Vec<GrantView>,
    pub disabled: bool,
    pub two_factor_enabled: bool,
    pub failed_logins: i64,
    pub locked_until: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserList {
    pub users: Vec<UserView>,
}

/// Lists user accounts.
#[utoipa::path(get, path = "/api/v1/users", tag = "users", responses((status = 200, body = UserList), (status = 403)))]
pub async fn list(State(state): State<AppState>) -> Result<Json<UserList>, ApiError> {
    let users = state.store.users().await?.iter().map(view).collect();
    Ok(Json(UserList { users }))
}

/// Returns one user account.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", params(("id" = String, Path)),
    responses((status = 200, body = UserView), (status = 404)))]
pub async fn get_one(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<UserView>, ApiError> {
    let user = state
        .store
        .user_by_id(&id)
        .await?
        .ok_or_else(|| ApiError::not_found("USER_NOT_FOUND", "what-user", &id))?;
    Ok(Json(view(&user)))
}

/// Creates a user account with its grants.
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = NewUserBody,
    responses((status = 201, body = UserView), (status = 400), (status = 409)))]
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    address: ClientAddress,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<UserView>), ApiError> {
    let body: NewUserBody = parse_json(&headers, &body)?;
    let username = body.username.trim().to_lowercase();
    let valid = (3..=64).contains(&username.len())
        && username
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'));
    if !valid {
        return Err(ApiError::invalid_parameter(
            "username",
            &body.username,
            "3 to 64 characters from a-z, 0-9, '.', '_' and '-'",
        ));
    }
    let display_name = nfc(body.display_name.trim());
    if display_name.is_empty() {
        return Err(ApiError::invalid_parameter(
            "display_name",
            &body.display_name,
            "a non-empty name",
        ));
    }
    check_new_password(&body.password, &username).map_err(|p| ApiError::weak_password(p.message_id()))?;
    let grants = parse_grants(&state, &body.grants).await?;
    let now = state.now();
    let user = UserRecord {
        id: uuid::Uuid::now_v7().to_string(),
        username: username.clone(),
        display_name,
        password_hash: hash_password(&body.password).map_err(ApiError::internal)?,
        totp_secret: None,
        totp_enabled: false,
        totp_last_step: None,
        failed_logins: 0,
        locked_until: None,
        disabled: false,
        created_at: now,
        updated_at: now,
        grants,
    };
    let detail = json!({ "username": username, "grants": user.grants.iter().map(GrantView::from).collect::<Vec<_>>() });
    let event = principal.audit(
        &state,
        "user.create",
        Action::ManageUsers,
        Some(format!("user:{}", user.id)),
        Outcome::Success,
        &address,
        detail,
    );
    match state.store.create_user(user.clone(), event).await {
        Ok(()) => Ok((StatusCode::CREATED, Json(view(&user)))),
        Err(StoreError::Conflict { .. }) => Err(ApiError::conflict("what-user", &username)),
        Err(error) => Err(error.into()),
    }
}

/// Changes a user account. Disabling a user or changing their grants ends their sessions.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", params(("id" = String, Path)), request_body = UserPatch,
    responses((status = 200, body = UserView), (status = 400), (status = 404)))]
pub async fn update(
    State(state): State<AppState>,
    principal: Principal,
    address: ClientAddress,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<UserView>, ApiError> {
    let patch: UserPatch = parse_json(&headers, &body)?;
    let user = state
        .store
        .user_by_id(&id)
        .await?
        .ok_or_else(|| ApiError::not_found("USER_NOT_FOUND", "what-user", &id))?;
    let grants = match &patch.grants {
        Some(grants) => Some(parse_grants(&state, grants).await?),
        None => None,
    };
    // An administrator cannot disable their own account or drop their own administrator
    // role, so the system always keeps someone who can manage it.
    let own_account = principal.actor() == format!("user:{id}");
    let drops_admin = grants
        .as_ref()
        .is_some_and(|g| !g.iter().any(|grant| grant.role == Role::Admin));
    if own_account && (patch.disabled == Some(true) || drops_admin) {
        return Err(ApiError::self_lockout());
    }
    let password_hash = match &patch.password {
        Some(password) => {
            check_new_password(password, &user.username).map_err(|p| ApiError::weak_password(p.message_id()))?;
            Some(hash_password(password).map_err(ApiError::internal)?)
        }
        None => None,
    };
    let ends_sessions =
        patch.disabled == Some(true) || grants.is_some() || password_hash.is_some() || patch.reset_two_factor;
    let detail = json!({
        "display_name": patch.display_name.is_some(),
        "disabled": patch.disabled,
        "grants": grants.as_ref().map(|g| g.iter().map(GrantView::from).collect::<Vec<_>>()),
        "password_reset": password_hash.is_some(),
        "unlock": patch.unlock,
        "reset_two_factor": patch.reset_two_factor,
    });
    let update = UserUpdate {
        display_name: patch.display_name.map(|n| nfc(n.trim())),
        disabled: patch.disabled,
        grants,
        password_hash,
        totp: patch.reset_two_factor.then_some(None),
        totp_last_step: None,
        unlock: patch.unlock,
    };
    let now = state.now();
    let object = Some(format!("user:{id}"));
    let event = principal.audit(
        &state,
        "user.update",
        Action::ManageUsers,
        object.clone(),
        Outcome::Success,
        &address,
        detail,
    );
    state.store.update_user(&id, update, now, event).await?;
    if ends_sessions {
        let event = principal.audit(
            &state,
            "user.sessions_revoked",
            Action::ManageUsers,
            object,
            Outcome::Success,
            &address,
            json!({}),
        );
        state.store.revoke_sessions(None, &id, now, event).await?;
    }
    let user = state
        .store
        .user_by_id(&id)
        .await?
        .ok_or_else(|| ApiError::not_found("USER_NOT_FOUND", "what-user", &id))?;
    Ok(Json(view(&user)))
}

async fn parse_grants(state: &AppState, grants: &[GrantBody]) -> Result<Vec<Grant>, ApiError> {
    if grants.is_empty() {
        return Err(ApiError::invalid_parameter("grants", "[]", "at least one role"));
    }
    let agencies: Vec<String> = state.store.agencies().await?.into_iter().map(|a| a.key).collect();
    let catalog = state.store.unit_catalog().await?;
    let mut parsed = Vec::with_capacity(grants.len());
    for grant in grants {
        let role = Role::parse(&grant.role)
            .filter(|r| *r != Role::AgencySystem)
            .ok_or_else(|| {
                ApiError::invalid_parameter(
                    "role",
                    &grant.role,
                    "admin, operator, leader, agency_officer, commune_officer or auditor",
                )
            })?;
        if role == Role::AgencyOfficer && grant.agency.is_none() {
            return Err(ApiError::invalid_parameter(
                "agency",
                "",
                "the agency of an agency officer",
            ));
        }
        if role == Role::CommuneOfficer && grant.unit.is_none() {
            return Err(ApiError::invalid_parameter(
                "unit",
                "",
                "the commune of a commune officer",
            ));
        }
        if let Some(agency) = &grant.agency
            && !agencies.contains(agency)
        {
            return Err(ApiError::reference_not_found("agency", agency));
        }
        if let Some(unit) = &grant.unit
            && !catalog.has_code(unit)
        {
            return Err(ApiError::reference_not_found("unit", unit));
        }
        parsed.push(Grant {
            role,
            agency: grant.agency.clone(),
            unit: grant.unit.clone(),
        });
    }
    Ok(parsed)
}

fn view(user: &UserRecord) -> UserView {
    UserView {
        id: user.id.clone(),
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        grants: user.grants.iter().map(GrantView::from).collect(),
        disabled: user.disabled,
        two_factor_enabled: user.totp_enabled,
        failed_logins: user.failed_logins,
        locked_until: user.locked_until,
        created_at: user.created_at,
        updated_at: user.updated_at,
    }
}
