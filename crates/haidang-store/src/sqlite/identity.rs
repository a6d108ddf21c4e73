//! SQLite side of users, sessions, login throttling and the audit trail.

use haidang_core::access::{Grant, Role};
use haidang_core::audit::{AuditEvent, AuditRecord, GENESIS_HASH, Outcome, chain_hash};
use rusqlite::{Connection, OptionalExtension, params};

use super::SqliteStore;
use crate::StoreError;
use crate::identity::{AuditQuery, LoginFailure, SessionRecord, UserRecord, UserUpdate};

impl SqliteStore {
    pub async fn append_audit(&self, event: AuditEvent) -> Result<AuditRecord, StoreError> {
        self.write(move |tx| append_audit_tx(tx, &event)).await
    }

    pub async fn audit_records(&self, query: AuditQuery) -> Result<Vec<AuditRecord>, StoreError> {
        self.read(move |c| {
            let mut statement = c.prepare(
                "SELECT seq, at, actor, actor_name, role, scope, action, object, outcome, address, detail, prev_hash, hash
                 FROM audit_events
                 WHERE (?1 IS NULL OR at >= ?1) AND (?2 IS NULL OR at < ?2) AND (?3 IS NULL OR actor = ?3 OR actor_name = ?3)
                     AND (?4 IS NULL OR action = ?4) AND (?5 IS NULL OR outcome = ?5)
                 ORDER BY seq DESC LIMIT ?6 OFFSET ?7",
            )?;
            let rows = statement
                .query_map(
                    params![query.from, query.to, query.actor, query.action, query.outcome, query.limit, query.offset],
                    audit_from_row,
                )?
                .collect::<Result<Vec<_>, _>>()?;
            rows.into_iter().collect()
        })
        .await
    }

    pub async fn audit_chain(&self) -> Result<((i64, String), Vec<AuditRecord>), StoreError> {
        self.read(|c| {
            let anchor = anchor(c)?;
            let mut statement = c.prepare(
                "SELECT seq, at, actor, actor_name, role, scope, action, object, outcome, address, detail, prev_hash, hash
                 FROM audit_events ORDER BY seq",
            )?;
            let rows = statement.query_map([], audit_from_row)?.collect::<Result<Vec<_>, _>>()?;
            Ok((anchor, rows.into_iter().collect::<Result<Vec<_>, _>>()?))
        })
        .await
    }

    pub async fn archive_audit(&self, seq: i64, hash: String, now: i64, audit: AuditEvent) -> Result<u64, StoreError> {
        self.write(move |tx| {
            tx.execute(
                "INSERT INTO audit_anchor (id, seq, hash, archived_at) VALUES (1, ?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, archived_at = excluded.archived_at",
                params![seq, hash, now],
            )?;
            let removed = tx.execute("DELETE FROM audit_events WHERE seq <= ?1", [seq])?;
            append_audit_tx(tx, &audit)?;
            Ok(removed as u64)
        })
        .await
    }

    pub async fn create_user(&self, user: UserRecord, audit: AuditEvent) -> Result<(), StoreError> {
        self.write(move |tx| {
            let taken: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM users WHERE username = ?1)",
                [&user.username],
                |r| r.get(0),
            )?;
            if taken {
                return Err(StoreError::Conflict {
                    what: "user",
                    key: user.username.clone(),
                });
            }
            tx.execute(
                "INSERT INTO users (id, username, display_name, password_hash, totp_secret, totp_enabled, disabled,
                     created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
                params![
                    user.id,
                    user.username,
                    user.display_name,
                    user.password_hash,
                    user.totp_secret,
                    user.totp_enabled,
                    user.disabled,
                    user.created_at
                ],
            )?;
            insert_grants(tx, &user.id, &user.grants)?;
            append_audit_tx(tx, &audit)?;
            Ok(())
        })
        .await
    }

    pub async fn update_user(
        &self,
        id: String,
        update: UserUpdate,
        now: i64,
        audit: AuditEvent,
    ) -> Result<bool, StoreError> {
        self.write(move |tx| {
            let exists: bool =
                tx.query_row("SELECT EXISTS (SELECT 1 FROM users WHERE id = ?1)", [&id], |r| r.get(0))?;
            if !exists {
                return Ok(false);
            }
            if let Some(name) = &update.display_name {
                tx.execute("UPDATE users SET display_name = ?2 WHERE id = ?1", params![id, name])?;
            }
            if let Some(disabled) = update.disabled {
                tx.execute("UPDATE users SET disabled = ?2 WHERE id = ?1", params![id, disabled])?;
            }
            if let Some(hash) = &update.password_hash {
                tx.execute("UPDATE users SET password_hash = ?2 WHERE id = ?1", params![id, hash])?;
            }
            if let Some(totp) = &update.totp {
                let (secret, enabled) = match totp {
                    Some((secret, enabled)) => (Some(secret.as_str()), *enabled),
                    None => (None, false),
                };
                tx.execute(
                    "UPDATE users SET totp_secret = ?2, totp_enabled = ?3 WHERE id = ?1",
                    params![id, secret, enabled],
                )?;
            }
            if let Some(step) = update.totp_last_step {
                tx.execute("UPDATE users SET totp_last_step = ?2 WHERE id = ?1", params![id, step])?;
            }
            if update.unlock {
                tx.execute(
                    "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?1",
                    [&id],
                )?;
                tx.execute(
                    "DELETE FROM login_failures WHERE address = 'user:' || (SELECT lower(username) FROM users WHERE id = ?1)",
                    [&id],
                )?;
            }
            if let Some(grants) = &update.grants {
                tx.execute("DELETE FROM user_grants WHERE user_id = ?1", [&id])?;
                insert_grants(tx, &id, grants)?;
            }
            tx.execute("UPDATE users SET updated_at = ?2 WHERE id = ?1", params![id, now])?;
            append_audit_tx(tx, &audit)?;
            Ok(true)
        })
        .await
    }

    pub async fn users(&self) -> Result<Vec<UserRecord>, StoreError> {
        self.read(|c| {
            let mut statement = c.prepare(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY username"))?;
            let mut users = statement.query_map([], user_from_row)?.collect::<Result<Vec<_>, _>>()?;
            for user in &mut users {
                user.grants = grants_of(c, &user.id)?;
            }
            Ok(users)
        })
        .await
    }

    pub async fn user_by(&self, by_id: bool, value: String) -> Result<Option<UserRecord>, StoreError> {
        self.read(move |c| {
            let column = if by_id { "id" } else { "username" };
            let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE {column} = ?1");
            let user = c.query_row(&sql, [&value], user_from_row).optional()?;
            let Some(mut user) = user else { return Ok(None) };
            user.grants = grants_of(c, &user.id)?;
            Ok(Some(user))
        })
        .await
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
        self.write(move |tx| {
            for key in &keys {
                tx.execute(
                    "INSERT INTO login_failures (address, at) VALUES (?1, ?2)",
                    params![key, now],
                )?;
            }
            let mut failure = None;
            if let Some(id) = &user_id {
                let failed: i64 = tx.query_row(
                    "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ?1 RETURNING failed_logins",
                    [id],
                    |r| r.get(0),
                )?;
                let locked_until = (failed >= lock_after).then_some(now + lock_ms);
                if let Some(until) = locked_until {
                    tx.execute(
                        "UPDATE users SET locked_until = ?2, failed_logins = 0 WHERE id = ?1",
                        params![id, until],
                    )?;
                }
                failure = Some(LoginFailure {
                    failed_logins: failed,
                    locked_until,
                });
            }
            append_audit_tx(tx, &audit)?;
            Ok(failure)
        })
        .await
    }

    pub async fn login_failure_times(&self, key: String, since: i64) -> Result<Vec<i64>, StoreError> {
        self.read(move |c| {
            let mut statement =
                c.prepare("SELECT at FROM login_failures WHERE address = ?1 AND at >= ?2 ORDER BY at")?;
            let times = statement
                .query_map(params![key, since], |r| r.get(0))?
                .collect::<Result<Vec<i64>, _>>()?;
            Ok(times)
        })
        .await
    }

    pub async fn create_session(&self, session: SessionRecord, audit: AuditEvent) -> Result<(), StoreError> {
        self.write(move |tx| {
            tx.execute(
                "INSERT INTO sessions (token_hash, user_id, csrf_token, stage, created_at, last_seen_at, address)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)",
                params![
                    session.token_hash,
                    session.user_id,
                    session.csrf_token,
                    session.stage,
                    session.created_at,
                    session.address
                ],
            )?;
            tx.execute("UPDATE users SET failed_logins = 0 WHERE id = ?1", [&session.user_id])?;
            append_audit_tx(tx, &audit)?;
            Ok(())
        })
        .await
    }

    pub async fn session(&self, token_hash: String) -> Result<Option<SessionRecord>, StoreError> {
        self.read(move |c| {
            Ok(c.query_row(
                "SELECT token_hash, user_id, csrf_token, stage, created_at, last_seen_at, revoked_at, address
                 FROM sessions WHERE token_hash = ?1",
                [&token_hash],
                |r| {
                    Ok(SessionRecord {
                        token_hash: r.get(0)?,
                        user_id: r.get(1)?,
                        csrf_token: r.get(2)?,
                        stage: r.get(3)?,
                        created_at: r.get(4)?,
                        last_seen_at: r.get(5)?,
                        revoked_at: r.get(6)?,
                        address: r.get(7)?,
                    })
                },
            )
            .optional()?)
        })
        .await
    }

    pub async fn touch_session(&self, token_hash: String, now: i64) -> Result<(), StoreError> {
        self.write(move |tx| {
            tx.execute(
                "UPDATE sessions SET last_seen_at = ?2 WHERE token_hash = ?1",
                params![token_hash, now],
            )?;
            Ok(())
        })
        .await
    }

    pub async fn promote_session(&self, token_hash: String, now: i64, audit: AuditEvent) -> Result<(), StoreError> {
        self.write(move |tx| {
            tx.execute(
                "UPDATE sessions SET stage = 'full', last_seen_at = ?2 WHERE token_hash = ?1",
                params![token_hash, now],
            )?;
            append_audit_tx(tx, &audit)?;
            Ok(())
        })
        .await
    }

    pub async fn revoke_sessions(
        &self,
        token_hash: Option<String>,
        user_id: String,
        now: i64,
        audit: AuditEvent,
    ) -> Result<u64, StoreError> {
        self.write(move |tx| {
            let changed = match &token_hash {
                Some(hash) => tx.execute(
                    "UPDATE sessions SET revoked_at = ?3 WHERE token_hash = ?1 AND user_id = ?2 AND revoked_at IS NULL",
                    params![hash, user_id, now],
                )?,
                None => tx.execute(
                    "UPDATE sessions SET revoked_at = ?2 WHERE user_id = ?1 AND revoked_at IS NULL",
                    params![user_id, now],
                )?,
            };
            append_audit_tx(tx, &audit)?;
            Ok(changed as u64)
        })
        .await
    }
}

/// Appends `event` to the trail inside the caller's transaction. The single SQLite writer
/// serialises appends, so sequence numbers and links cannot interleave.
pub(crate) fn append_audit_tx(c: &Connection, event: &AuditEvent) -> Result<AuditRecord, StoreError> {
    let last: Option<(i64, String)> = c
        .query_row(
            "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (previous_seq, prev_hash) = match last {
        Some(last) => last,
        None => anchor(c)?,
    };
    let seq = previous_seq + 1;
    let hash = chain_hash(seq, event, &prev_hash);
    c.execute(
        "INSERT INTO audit_events (seq, at, actor, actor_name, role, scope, action, object, outcome, address, detail,
             prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            seq,
            event.at,
            event.actor,
            event.actor_name,
            event.role,
            event.scope,
            event.action,
            event.object,
            event.outcome.as_str(),
            event.address,
            event.detail.to_string(),
            prev_hash,
            hash
        ],
    )?;
    Ok(AuditRecord {
        seq,
        event: event.clone(),
        prev_hash,
        hash,
    })
}

fn anchor(c: &Connection) -> Result<(i64, String), StoreError> {
    let anchor = c
        .query_row("SELECT seq, hash FROM audit_anchor WHERE id = 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    Ok(anchor.unwrap_or_else(|| (0, GENESIS_HASH.to_owned())))
}

type AuditRow = Result<AuditRecord, StoreError>;

fn audit_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditRow> {
    let outcome: String = r.get(8)?;
    let detail: String = r.get(10)?;
    let Some(outcome) = Outcome::parse(&outcome) else {
        return Ok(Err(StoreError::Corrupt {
            table: "audit_events",
            column: "outcome",
            detail: outcome,
        }));
    };
    Ok(Ok(AuditRecord {
        seq: r.get(0)?,
        event: AuditEvent {
            at: r.get(1)?,
            actor: r.get(2)?,
            actor_name: r.get(3)?,
            role: r.get(4)?,
            scope: r.get(5)?,
            action: r.get(6)?,
            object: r.get(7)?,
            outcome,
            address: r.get(9)?,
            detail: serde_json::from_str(&detail).unwrap_or(serde_json::Value::String(detail)),
        },
        prev_hash: r.get(11)?,
        hash: r.get(12)?,
    }))
}

const USER_COLUMNS: &str = "id, username, display_name, password_hash, totp_secret, totp_enabled, failed_logins, \
     locked_until, disabled, created_at, updated_at, totp_last_step";

fn user_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<UserRecord> {
    Ok(UserRecord {
        id: r.get(0)?,
        username: r.get(1)?,
        display_name: r.get(2)?,
        password_hash: r.get(3)?,
        totp_secret: r.get(4)?,
        totp_enabled: r.get(5)?,
        failed_logins: r.get(6)?,
        locked_until: r.get(7)?,
        disabled: r.get(8)?,
        created_at: r.get(9)?,
        updated_at: r.get(10)?,
        totp_last_step: r.get(11)?,
        grants: Vec::new(),
    })
}

fn insert_grants(c: &Connection, user_id: &str, grants: &[Grant]) -> Result<(), StoreError> {
    let mut insert =
        c.prepare_cached("INSERT INTO user_grants (user_id, role, agency_key, unit_code) VALUES (?1, ?2, ?3, ?4)")?;
    for grant in grants {
        insert.execute(params![user_id, grant.role.as_str(), grant.agency, grant.unit])?;
    }
    Ok(())
}

fn grants_of(c: &Connection, user_id: &str) -> Result<Vec<Grant>, StoreError> {
    let mut statement = c.prepare_cached("SELECT role, agency_key, unit_code FROM user_grants WHERE user_id = ?1")?;
    let rows = statement
        .query_map([user_id], |r| Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(role, agency, unit)| {
            let role = Role::parse(&role).ok_or(StoreError::Corrupt {
                table: "user_grants",
                column: "role",
                detail: role,
            })?;
            Ok(Grant { role, agency, unit })
        })
        .collect()
}
