//! Users, grants, sessions, login throttling and the audit trail.
//!
//! Every change that a person or system causes can carry an [`AuditEvent`], which is
//! appended to the hash-chained trail in the same transaction as the change.

use haidang_core::access::Grant;
use haidang_core::audit::{AuditEvent, AuditRecord};
use serde::Serialize;

use crate::{Store, StoreError, dispatch};

/// A user account. The password hash is an Argon2id PHC string; the TOTP secret is base32.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UserRecord {
    pub id: String,
    pub username: String,
    pub display_name: String,
    #[serde(skip)]
    pub password_hash: String,
    #[serde(skip)]
    pub totp_secret: Option<String>,
    pub totp_enabled: bool,
    /// The last one-time-code time step accepted, so that no code is accepted twice.
    #[serde(skip)]
    pub totp_last_step: Option<i64>,
    pub failed_logins: i64,
    pub locked_until: Option<i64>,
    pub disabled: bool,
    pub created_at: i64,
    pub updated_at: i64,
    pub grants: Vec<Grant>,
}

/// A browser session, stored under the hash of its token.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionRecord {
    pub token_hash: String,
    pub user_id: String,
    pub csrf_token: String,
    /// `two_factor` until the second factor is confirmed, then `full`.
    pub stage: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub revoked_at: Option<i64>,
    pub address: Option<String>,
}

/// Filters of an audit listing. Times are UTC epoch milliseconds, `[from, to)`.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub actor: Option<String>,
    pub action: Option<String>,
    pub outcome: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

/// What a failed login changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginFailure {
    pub failed_logins: i64,
    pub locked_until: Option<i64>,
}

/// Changes to a user; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct UserUpdate {
    pub display_name: Option<String>,
    pub disabled: Option<bool>,
    pub grants: Option<Vec<Grant>>,
    pub password_hash: Option<String>,
    /// `Some(None)` removes the second factor; `Some(Some((secret, enabled)))` sets it.
    pub totp: Option<Option<(String, bool)>>,
    /// Records the time step of an accepted one-time code.
    pub totp_last_step: Option<i64>,
    /// Clears failed logins and any lock, including the failures recorded under the
    /// username.
    pub unlock: bool,
}

impl Store {
    /// Appends one event on its own, for events that change nothing else (a login, a denial).
    pub async fn append_audit(&self, event: AuditEvent) -> Result<AuditRecord, StoreError> {
        dispatch!(self, s => s.append_audit(event).await)
    }

    pub async fn audit_records(&self, query: AuditQuery) -> Result<Vec<AuditRecord>, StoreError> {
        dispatch!(self, s => s.audit_records(query).await)
    }

    /// Returns the anchor (the last archived record's sequence and hash) and every record
    /// after it, in sequence order, for verification.
    pub async fn audit_chain(&self) -> Result<((i64, String), Vec<AuditRecord>), StoreError> {
        dispatch!(self, s => s.audit_chain().await)
    }

    /// Moves the trail's records up to `seq` out of the database, after the caller has
    /// written them to an archive: records the last archived `(seq, hash)` as the anchor that
    /// the remaining chain links to, deletes the archived records, and audits the archiving.
    pub async fn archive_audit(&self, seq: i64, hash: String, now: i64, audit: AuditEvent) -> Result<u64, StoreError> {
        dispatch!(self, s => s.archive_audit(seq, hash, now, audit).await)
    }

    /// Creates a user; fails with [`StoreError::Conflict`] when the username is taken.
    pub async fn create_user(&self, user: UserRecord, audit: AuditEvent) -> Result<(), StoreError> {
        dispatch!(self, s => s.create_user(user, audit).await)
    }

    pub async fn update_user(
        &self,
        id: &str,
        update: UserUpdate,
        now: i64,
        audit: AuditEvent,
    ) -> Result<bool, StoreError> {
        dispatch!(self, s => s.update_user(id.to_owned(), update, now, audit).await)
    }

    pub async fn users(&self) -> Result<Vec<UserRecord>, StoreError> {
        dispatch!(self, s => s.users().await)
    }

    pub async fn user_by_username(&self, username: &str) -> Result<Option<UserRecord>, StoreError> {
        dispatch!(self, s => s.user_by(false, username.to_owned()).await)
    }

    pub async fn user_by_id(&self, id: &str) -> Result<Option<UserRecord>, StoreError> {
        dispatch!(self, s => s.user_by(true, id.to_owned()).await)
    }

    /// Records a failed login under each of `keys` (such as `addr:10.0.0.1` and
    /// `user:an`), counts it against the account when known, marks the account locked for
    /// `lock_ms` once it reaches `lock_after` failures, and audits the attempt.
    pub async fn record_login_failure(
        &self,
        user_id: Option<&str>,
        keys: Vec<String>,
        now: i64,
        lock_after: i64,
        lock_ms: i64,
        audit: AuditEvent,
    ) -> Result<Option<LoginFailure>, StoreError> {
        dispatch!(self, s => s.record_login_failure(user_id.map(str::to_owned), keys, now, lock_after, lock_ms, audit).await)
    }

    /// Returns the times of failed logins recorded under `key` since `since`, oldest first.
    pub async fn login_failure_times(&self, key: &str, since: i64) -> Result<Vec<i64>, StoreError> {
        dispatch!(self, s => s.login_failure_times(key.to_owned(), since).await)
    }

    /// Stores a new session, clears the account's failed logins, and audits the login.
    pub async fn create_session(&self, session: SessionRecord, audit: AuditEvent) -> Result<(), StoreError> {
        dispatch!(self, s => s.create_session(session, audit).await)
    }

    pub async fn session(&self, token_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
        dispatch!(self, s => s.session(token_hash.to_owned()).await)
    }

    pub async fn touch_session(&self, token_hash: &str, now: i64) -> Result<(), StoreError> {
        dispatch!(self, s => s.touch_session(token_hash.to_owned(), now).await)
    }

    /// Marks a session's second factor confirmed.
    pub async fn promote_session(&self, token_hash: &str, now: i64, audit: AuditEvent) -> Result<(), StoreError> {
        dispatch!(self, s => s.promote_session(token_hash.to_owned(), now, audit).await)
    }

    /// Revokes one session (`Some`) or every session of a user (`None`, with `user_id`).
    pub async fn revoke_sessions(
        &self,
        token_hash: Option<&str>,
        user_id: &str,
        now: i64,
        audit: AuditEvent,
    ) -> Result<u64, StoreError> {
        dispatch!(self, s => s.revoke_sessions(token_hash.map(str::to_owned), user_id.to_owned(), now, audit).await)
    }
}
