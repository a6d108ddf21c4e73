//! Administration from the command line: the first accounts and the audit check. Changes
//! made here are audited with the actor `cli` and the operating-system user's name.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::NaiveDate;
use haidang_core::access::{Grant, Role};
use haidang_core::audit::{AuditEvent, AuditRecord, GENESIS_HASH, Outcome, verify_chain};
use haidang_core::time::{LOCAL_ZONE, day_start, local_date};
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
        totp_last_step: None,
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

/// Checks the audit trail's hash chain; fails naming the first bad record. With archive
/// files (in order, oldest first), checks them from the first record on and the database's
/// records after them.
pub async fn verify_audit(config: &Config, archives: &[PathBuf]) -> anyhow::Result<()> {
    let store = open_migrated(config).await?;
    let ((anchor_seq, anchor_hash), records) = store.audit_chain().await?;
    let mut chain = Vec::new();
    for archive in archives {
        chain.extend(read_archive(archive)?);
    }
    let anchor = if archives.is_empty() {
        (anchor_seq, anchor_hash.as_str())
    } else {
        (0, GENESIS_HASH)
    };
    if !archives.is_empty()
        && chain.last().map(|r| (r.seq, r.hash.as_str())) != Some((anchor_seq, anchor_hash.as_str()))
    {
        anyhow::bail!(
            "the archives end at a different record than the one the database continues from (record {anchor_seq})"
        );
    }
    chain.extend(records);
    match verify_chain(&chain, anchor) {
        Ok(checked) => {
            println!("audit trail intact: {checked} records after record {}", anchor.0);
            Ok(())
        }
        Err(broken) => anyhow::bail!("audit trail broken at {broken}"),
    }
}

/// Moves the records older than `before` (local midnight) to a JSON-lines archive file and
/// out of the database. Records younger than `retention_days` are never archived, and a
/// broken chain is not archived at all.
pub async fn archive_audit(config: &Config, before: NaiveDate, out: &Path, retention_days: i64) -> anyhow::Result<()> {
    let now = SystemClock.now_ms();
    let cutoff = day_start(before, LOCAL_ZONE).context("invalid --before date")?;
    let youngest_allowed = now - retention_days * 86_400_000;
    if cutoff > youngest_allowed {
        anyhow::bail!(
            "refusing to archive records younger than the retention period of {retention_days} days: use --before {} or earlier",
            local_date(youngest_allowed, LOCAL_ZONE)
                .map(|d| d.to_string())
                .unwrap_or_default()
        );
    }
    let store = open_migrated(config).await?;
    let ((anchor_seq, anchor_hash), records) = store.audit_chain().await?;
    verify_chain(&records, (anchor_seq, &anchor_hash))
        .map_err(|broken| anyhow::anyhow!("not archiving a broken trail: {broken}"))?;
    let archived: Vec<_> = records.iter().take_while(|r| r.event.at < cutoff).collect();
    let Some(last) = archived.last() else {
        println!("no audit records before {before}");
        return Ok(());
    };
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(out)
        .with_context(|| format!("could not create {} (it must not exist yet)", out.display()))?;
    let mut writer = std::io::BufWriter::new(file);
    for record in &archived {
        serde_json::to_writer(&mut writer, record)?;
        writer.write_all(b"\n")?;
    }
    let file = writer
        .into_inner()
        .map_err(|e| anyhow::anyhow!("could not write {}: {e}", out.display()))?;
    file.sync_all()
        .with_context(|| format!("could not flush {} to disk", out.display()))?;

    let detail = json!({ "file": out.display().to_string(), "records": archived.len(), "up_to_seq": last.seq });
    let event = cli_event("audit.archive", None, detail);
    let removed = store.archive_audit(last.seq, last.hash.clone(), now, event).await?;
    println!(
        "archived {removed} audit records up to record {} into {}",
        last.seq,
        out.display()
    );
    Ok(())
}

fn read_archive(path: &Path) -> anyhow::Result<Vec<AuditRecord>> {
    let file = std::fs::File::open(path).with_context(|| format!("could not open {}", path.display()))?;
    std::io::BufReader::new(file)
        .lines()
        .enumerate()
        .map(|(index, line)| {
            let line = line?;
            serde_json::from_str(&line)
                .with_context(|| format!("{} line {}: not an audit record", path.display(), index + 1))
        })
        .collect()
}
