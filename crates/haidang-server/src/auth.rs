//! API keys for agency systems and administrators.
//!
//! A key is shown once when created and stored only as its SHA-256 hash. The secret has
//! 256 random bits, so a fast hash suffices: there is nothing to guess by brute force, as
//! there would be with a password.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::identity::Principal;
use crate::state::AppState;

/// Prefix of every key, so that a leaked key is recognisable in logs and scanners.
pub const KEY_PREFIX: &str = "hd_";

/// Roles an API key may have.
pub const ROLES: [&str; 2] = ["admin", "agency"];

/// Creates a new secret key.
pub fn generate_key() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{KEY_PREFIX}{}", hex::encode(bytes))
}

/// Returns the stored form of a key.
pub fn hash_key(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// An authenticated caller (a user session or an API key), for handlers that need one.
/// The route policy has already checked the caller's role.
#[derive(Debug, Clone)]
pub struct ApiCaller {
    /// `user:<id>` or `key:<id>`.
    pub key_id: String,
    pub name: String,
    /// The first role of the caller's grants, such as `admin`.
    pub role: String,
    pub principal: Principal,
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let principal = Principal::from_request_parts(parts, state).await?;
        if matches!(principal, Principal::Anonymous) {
            return Err(ApiError::unauthenticated());
        }
        let role = principal
            .grants()
            .first()
            .map(|g| g.role.as_str().to_owned())
            .unwrap_or_default();
        Ok(Self {
            key_id: principal.actor(),
            name: principal.actor_name(),
            role,
            principal,
        })
    }
}
