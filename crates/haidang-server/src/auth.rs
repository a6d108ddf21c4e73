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

/// The caller of a write request, authenticated by its API key.
#[derive(Debug, Clone)]
pub struct ApiCaller {
    pub key_id: String,
    pub name: String,
    pub role: String,
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        let Some(key) = header.and_then(|h| h.strip_prefix("Bearer ")).map(str::trim) else {
            return Err(ApiError::unauthenticated());
        };
        if !key.starts_with(KEY_PREFIX) {
            return Err(ApiError::unauthenticated());
        }
        let record = state.store.use_api_key(hash_key(key), state.now()).await?;
        let record = record.ok_or_else(ApiError::unauthenticated)?;
        if !ROLES.contains(&record.role.as_str()) {
            return Err(ApiError::forbidden(&record.role));
        }
        Ok(Self {
            key_id: record.id,
            name: record.name,
            role: record.role,
        })
    }
}
