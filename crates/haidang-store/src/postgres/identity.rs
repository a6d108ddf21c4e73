//! PostgreSQL side of users, sessions, login throttling and the audit trail.

use haidang_core::access::{Grant, Role};
use haidang_core::audit::{AuditEvent, AuditRecord, GENESIS_HASH, Outcome, chain_hash};
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Row};

use super::PgStore;
use crate::StoreError;
use crate::identity::{AuditQuery, LoginFailure, SessionRecord, UserRecord, UserUpdate};

/// Advisory lock key that serialises appends to the audit trail across nodes.
const AUDIT_LOCK: i64 = 72_616_903;

const AUDIT_COLUMNS: &str =
    "seq, at, actor, actor_name, role, scope, action, object, outcome, address, detail, prev_hash, hash";

const USER_COLUMNS: &str = "id, username, display_name, password_hash, totp_secret, totp_enabled, failed_logins, \
     locked_until, disabled, created_at, updated_at, totp_last_step";

impl PgStore {
    pub async fn append_audit(&self, event: AuditEvent) -> Result<AuditRecord, StoreError> {
        let mut tx = self.pool.begin().await?;
        let record = append_audit_tx(&mut tx, &event).await?;
        tx.commit().await?;
        Ok(record)
    }

    pub async fn audit_records(&self, query: AuditQuery) -> Result<Vec<AuditRecord>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_events
             WHERE ($1::bigint IS NULL OR at >= $1) AND ($2::bigint IS NULL OR at < $2)
                 AND ($3::text IS NULL OR actor = $3 OR actor_name = $3)
                 AND ($4::text IS NULL OR action = $4) AND ($5::text IS NULL OR outcome = $5)
             ORDER BY seq DESC LIMIT $6 OFFSET $7"
        )))
        .bind(query.from)
        .bind(query.to)
        .bind(query.actor)
        .bind(query.action)
        .bind(query.outcome)
        .bind(query.limit)
        .bind(query.offset)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(audit_from_row).collect()
    }

    pub async fn audit_chain(&self) -> Result<((i64, String), Vec<AuditRecord>), StoreError> {
        let mut connection = self.pool.acquire().await?;
        let anchor = anchor(&mut connection).await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_events ORDER BY seq"
        )))
        .fetch_all(&mut *connection)
        .await?;
        Ok((anchor, rows.iter().map(audit_from_row).collect::<Result<Vec<_>, _>>()?))
    }

    pub async fn archive_audit(&self, seq: i64, hash: String, now: i64, audit: AuditEvent) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(AUDIT_LOCK)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO audit_anchor (id, seq, hash, archived_at) VALUES (1, $1, $2, $3)
             ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, archived_at = excluded.archived_at",
        )
        .bind(seq)
        .bind(&hash)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let removed = sqlx::query("DELETE FROM audit_events WHERE seq <= $1")
            .bind(seq)
            .execute(&mut *tx)
            .await?;
        append_audit_tx(&mut tx, &audit).await?;
        tx.commit().await?;
        Ok(removed.rows_affected())
    }

    pub async fn create_user(&self, user: UserRecord, audit: AuditEvent) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let taken: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users WHERE username = $1)")
            .bind(&user.username)
            .fetch_one(&mut *tx)
            .await?;
        if taken {
            return Err(StoreError::Conflict {
                what: "user",
                key: user.username.clone(),
            });
        }
        sqlx::query(
            "INSERT INTO users (id, username, display_name, password_hash, totp_secret, totp_enabled, disabled,
                 created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
        )
        .bind(&user.id)
        .bind(&user.username)
        .bind(&user.display_name)
        .bind(&user.password_hash)
        .bind(&user.totp_secret)
        .bind(user.totp_enabled)
        .bind(user.disabled)
        .bind(user.created_at)
        .execute(&mut *tx)
        .await?;
        insert_grants(&mut tx, &user.id, &user.grants).await?;
        append_audit_tx(&mut tx, &audit).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn update_user(
        &self,
        id: String,
        update: UserUpdate,
        now: i64,
        audit: AuditEvent,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users WHERE id = $1)")
            .bind(&id)
            .fetch_one(&mut *tx)
            .await?;
        if !exists {
            return Ok(false);
        }
        if let Some(name) = &update.display_name {
            sqlx::query("UPDATE users SET display_name = $2 WHERE id = $1")
                .bind(&id)
                .bind(name)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(disabled) = update.disabled {
            sqlx::query("UPDATE users SET disabled = $2 WHERE id = $1")
                .bind(&id)
                .bind(disabled)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(hash) = &update.password_hash {
            sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
                .bind(&id)
                .bind(hash)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(totp) = &update.totp {
            let (secret, enabled) = match totp {
                Some((secret, enabled)) => (Some(secret.clone()), *enabled),
                None => (None, false),
            };
            sqlx::query("UPDATE users SET totp_secret = $2, totp_enabled = $3 WHERE id = $1")
                .bind(&id)
                .bind(secret)
                .bind(enabled)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(step) = update.totp_last_step {
            sqlx::query("UPDATE users SET totp_last_step = $2 WHERE id = $1")
                .bind(&id)
                .bind(step)
                .execute(&mut *tx)
                .await?;
        }
        if update.unlock {
            sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1")
                .bind(&id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "DELETE FROM login_failures WHERE address = 'user:' || (SELECT lower(username) FROM users WHERE id = $1)",
            )
            .bind(&id)
            .execute(&mut *tx)
            .await?;
        }
        if let Some(grants) = &update.grants {
            sqlx::query("DELETE FROM user_grants WHERE user_id = $1")
                .bind(&id)
                .execute(&mut *tx)
                .await?;
            insert_grants(&mut tx, &id, grants).await?;
        }
        sqlx::query("UPDATE users SET updated_at = $2 WHERE id = $1")
            .bind(&id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        append_audit_tx(&mut tx, &audit).await?;
        tx.commit().await?;
        Ok(true)
    }

    pub async fn users(&self) -> Result<Vec<UserRecord>, StoreError> {
        let mut connection = self.pool.acquire().await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users ORDER BY username"
        )))
        .fetch_all(&mut *connection)
        .await?;
        let mut users = rows.iter().map(user_from_row).collect::<Result<Vec<_>, _>>()?;
        for user in &mut users {
            user.grants = grants_of(&mut connection, &user.id).await?;
        }
        Ok(users)
    }

    pub async fn user_by(&self, by_id: bool, value: String) -> Result<Option<UserRecord>, StoreError> {
        let mut connection = self.pool.acquire().await?;
        let column = if by_id { "id" } else { "username" };
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users WHERE {column} = $1"
        )))
        .bind(value)
        .fetch_optional(&mut *connection)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let mut user = user_from_row(&row)?;
        user.grants = grants_of(&mut connection, &user.id).await?;
        Ok(Some(user))
    }

    pub async fn record_login_failure(
        &self,
        user_id: Option<String>,
        keys: Vec<String>,
        now: i64,
        lock_after: i64,
        lock_ms: i64,
        audit: AuditEvent,
    ) -> Result<Option<LoginFailure>, StoreError> {
        let mut tx = self.pool.begin().await?;
        for key in &keys {
            sqlx::query("INSERT INTO login_failures (address, at) VALUES ($1, $2)")
                .bind(key)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        let mut failure = None;
        if let Some(id) = &user_id {
            let failed: i64 = sqlx::query_scalar(
                "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1 RETURNING failed_logins",
            )
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            let locked_until = (failed >= lock_after).then_some(now + lock_ms);
            if let Some(until) = locked_until {
                sqlx::query("UPDATE users SET locked_until = $2, failed_logins = 0 WHERE id = $1")
                    .bind(id)
                    .bind(until)
                    .execute(&mut *tx)
                    .await?;
            }
            failure = Some(LoginFailure {
                failed_logins: failed,
                locked_until,
            });
        }
        append_audit_tx(&mut tx, &audit).await?;
        tx.commit().await?;
        Ok(failure)
    }

    pub async fn login_failure_times(&self, key: String, since: i64) -> Result<Vec<i64>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT at FROM login_failures WHERE address = $1 AND at >= $2 ORDER BY at")
                .bind(key)
                .bind(since)
                .fetch_all(&self.pool)
                .await?,
        )
    }

    pub async fn create_session(&self, session: SessionRecord, audit: AuditEvent) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, stage, created_at, last_seen_at, address)
             VALUES ($1, $2, $3, $4, $5, $5, $6)",
        )
        .bind(&session.token_hash)
        .bind(&session.user_id)
        .bind(&session.csrf_token)
        .bind(&session.stage)
        .bind(session.created_at)
        .bind(&session.address)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE users SET failed_logins = 0 WHERE id = $1")
            .bind(&session.user_id)
            .execute(&mut *tx)
            .await?;
        append_audit_tx(&mut tx, &audit).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn session(&self, token_hash: String) -> Result<Option<SessionRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT token_hash, user_id, csrf_token, stage, created_at, last_seen_at, revoked_at, address
             FROM sessions WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else { return Ok(None) };
        Ok(Some(SessionRecord {
            token_hash: r.try_get(0)?,
            user_id: r.try_get(1)?,
            csrf_token: r.try_get(2)?,
            stage: r.try_get(3)?,
            created_at: r.try_get(4)?,
            last_seen_at: r.try_get(5)?,
            revoked_at: r.try_get(6)?,
            address: r.try_get(7)?,
        }))
    }

    pub async fn touch_session(&self, token_hash: String, now: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1")
            .bind(token_hash)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn promote_session(&self, token_hash: String, now: i64, audit: AuditEvent) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE sessions SET stage = 'full', last_seen_at = $2 WHERE token_hash = $1")
            .bind(token_hash)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        append_audit_tx(&mut tx, &audit).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn revoke_sessions(
        &self,
        token_hash: Option<String>,
        user_id: String,
        now: i64,
        audit: AuditEvent,
    ) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let result =
            match token_hash {
                Some(hash) => sqlx::query(
                    "UPDATE sessions SET revoked_at = $3 WHERE token_hash = $1 AND user_id = $2 AND revoked_at IS NULL",
                )
                .bind(hash)
                .bind(&user_id)
                .bind(now)
                .execute(&mut *tx)
                .await?,
                None => {
                    sqlx::query("UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL")
                        .bind(&user_id)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?
                }
            };
        append_audit_tx(&mut tx, &audit).await?;
        tx.commit().await?;
        Ok(result.rows_affected())
    }
}

/// Appends `event` inside the caller's transaction. A transaction-scoped advisory lock
/// serialises appends from every node, so sequence numbers and links cannot interleave.
pub(crate) async fn append_audit_tx(c: &mut PgConnection, event: &AuditEvent) -> Result<AuditRecord, StoreError> {
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(AUDIT_LOCK)
        .execute(&mut *c)
        .await?;
    let last = sqlx::query("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut *c)
        .await?;
    let (previous_seq, prev_hash) = match last {
        Some(row) => (row.try_get(0)?, row.try_get(1)?),
        None => anchor(c).await?,
    };
    let seq = previous_seq + 1;
    let hash = chain_hash(seq, event, &prev_hash);
    sqlx::query(
        "INSERT INTO audit_events (seq, at, actor, actor_name, role, scope, action, object, outcome, address, detail,
             prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(seq)
    .bind(event.at)
    .bind(&event.actor)
    .bind(&event.actor_name)
    .bind(&event.role)
    .bind(&event.scope)
    .bind(&event.action)
    .bind(&event.object)
    .bind(event.outcome.as_str())
    .bind(&event.address)
    .bind(event.detail.to_string())
    .bind(&prev_hash)
    .bind(&hash)
    .execute(&mut *c)
    .await?;
    Ok(AuditRecord {
        seq,
        event: event.clone(),
        prev_hash,
        hash,
    })
}

async fn anchor(c: &mut PgConnection) -> Result<(i64, String), StoreError> {
    let row = sqlx::query("SELECT seq, hash FROM audit_anchor WHERE id = 1")
        .fetch_optional(&mut *c)
        .await?;
    match row {
        Some(row) => Ok((row.try_get(0)?, row.try_get(1)?)),
        None => Ok((0, GENESIS_HASH.to_owned())),
    }
}

fn audit_from_row(r: &PgRow) -> Result<AuditRecord, StoreError> {
    let outcome: String = r.try_get(8)?;
    let detail: String = r.try_get(10)?;
    Ok(AuditRecord {
        seq: r.try_get(0)?,
        event: AuditEvent {
            at: r.try_get(1)?,
            actor: r.try_get(2)?,
            actor_name: r.try_get(3)?,
            role: r.try_get(4)?,
            scope: r.try_get(5)?,
            action: r.try_get(6)?,
            object: r.try_get(7)?,
            outcome: Outcome::parse(&outcome).ok_or(StoreError::Corrupt {
                table: "audit_events",
                column: "outcome",
                detail: outcome.clone(),
            })?,
            address: r.try_get(9)?,
            detail: serde_json::from_str(&detail).unwrap_or(serde_json::Value::String(detail)),
        },
        prev_hash: r.try_get(11)?,
        hash: r.try_get(12)?,
    })
}

fn user_from_row(r: &PgRow) -> Result<UserRecord, StoreError> {
    Ok(UserRecord {
        id: r.try_get(0)?,
        username: r.try_get(1)?,
        display_name: r.try_get(2)?,
        password_hash: r.try_get(3)?,
        totp_secret: r.try_get(4)?,
        totp_enabled: r.try_get(5)?,
        failed_logins: r.try_get(6)?,
        locked_until: r.try_get(7)?,
        disabled: r.try_get(8)?,
        created_at: r.try_get(9)?,
        updated_at: r.try_get(10)?,
        totp_last_step: r.try_get(11)?,
        grants: Vec::new(),
    })
}

async fn insert_grants(c: &mut PgConnection, user_id: &str, grants: &[Grant]) -> Result<(), StoreError> {
    for grant in grants {
        sqlx::query("INSERT INTO user_grants (user_id, role, agency_key, unit_code) VALUES ($1, $2, $3, $4)")
            .bind(user_id)
            .bind(grant.role.as_str())
            .bind(&grant.agency)
            .bind(&grant.unit)
            .execute(&mut *c)
            .await?;
    }
    Ok(())
}

async fn grants_of(c: &mut PgConnection, user_id: &str) -> Result<Vec<Grant>, StoreError> {
    let rows = sqlx::query("SELECT role, agency_key, unit_code FROM user_grants WHERE user_id = $1")
        .bind(user_id)
        .fetch_all(&mut *c)
        .await?;
    rows.iter()
        .map(|r| {
            let role: String = r.try_get(0)?;
            let role = Role::parse(&role).ok_or(StoreError::Corrupt {
                table: "user_grants",
                column: "role",
                detail: role,
            })?;
            Ok(Grant {
                role,
                agency: r.try_get(1)?,
                unit: r.try_get(2)?,
            })
        })
        .collect()
}
