//! Administration from the command line: the first accounts and the audit check. Changes
//! made here are audited with the actor `cli` and the operating-system user's name.

use std::io::BufRead;

use anyhow::Context;
use haidang_core::access::{Grant, Role};
use haidang_core::audit::{AuditEvent, Outcome, verify_chain};
use haidang_server::identity::password::{check_new_password, hash_password};
use haidang_server::{Clock, SystemClock};
use haidang_store::identity::UserRecord;
use serde_json::json;

use crate::commands::open_migrated;
use crate::config::Config;

/// Builds the audit event of a command-line action.
pub fn cli_event(action: &str, object: Option<String>, detail: serde_json::Value) -> AuditEvent {
    AuditEvent {
        at: SystemClock.now_ms(),
        actor: "cli".to_owned(),
        actor_name: std::env::var("USER").unwrap_or_else(|_| "unknown".to_owned()),
        role: None,
        scope: None,
        action: action.to_owned(),
        object,
        outcome: Outcome::Success,
        address: None,
        detail,
    }
}

/// A grant as given on the command line.
pub struct GrantArgs {
    pub role: String,
    pub agency: Option<String>,
    pub unit: Option<String>,
}

/// Creates a user. The password is read from the first line of standard input, so that it
/// stays out of the shell history and the process list.
pub async fn create_user(config: &Config, username: &str, display_name: &str, grant: GrantArgs) -> anyhow::Result<()> {
    let role = Role::parse(&grant.role)
        .filter(|r| *r != Role::AgencySystem)
        .with_context(|| {
            format!(
                "invalid role {:?}: use admin, operator, leader, agency_officer, commune_officer or auditor",
                grant.role
            )
        })?;
    let username = username.trim().to_lowercase();
    let mut password = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut password)
        .context("could not read the password from standard input")?;
    let password = password.trim_end_matches(['\r', '\n']);
    if let Err(problem) = check_new_password(password, &username) {
        anyhow::bail!(
            "the password is not accepted ({problem:?}): use at least 12 characters, not a common password, without the username"
        );
    }
    let store = open_migrated(config).await?;
    let now = SystemClock.now_ms();
    let user = UserRecord {
        id: uuid::Uuid::now_v7().to_string(),
        username: username.clone(),
        display_name: display_name.to_owned(),
        password_hash: hash_password(password).map_err(|e| anyhow::anyhow!("could not hash the password: {e}"))?,
        totp_secret: None,
        totp_enabled: false,
        failed_logins: 0,
        locked_until: None,
        disabled: false,
        created_at: now,
        updated_at: now,
        grants: vec![Grant {
            role,
            agency: grant.agency,
            unit: grant.unit,
        }],
    };
    let event = cli_event(
        "user.create",
        Some(format!("user:{}", user.id)),
        json!({ "username": username, "role": role.as_str() }),
    );
    store
        .create_user(user, event)
        .await
        .with_context(|| format!("could not create the user {username:?}"))?;
    eprintln!("created user {username} with role {}", role.as_str());
    Ok(())
}

/// Checks the audit trail's hash chain; fails naming the first bad record.
pub async fn verify_audit(config: &Config) -> anyhow::Result<()> {
    let store = open_migrated(config).await?;
    let ((anchor_seq, anchor_hash), records) = store.audit_chain().await?;
    match verify_chain(&records, (anchor_seq, &anchor_hash)) {
        Ok(checked) => {
            println!("audit trail intact: {checked} records after record {anchor_seq}");
            Ok(())
        }
        Err(broken) => anyhow::bail!("audit trail broken at {broken}"),
    }
}
