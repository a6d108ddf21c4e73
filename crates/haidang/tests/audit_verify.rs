//! `haidang audit verify` against a real database file and a real PostgreSQL database: an
//! intact trail verifies, and editing, deleting or reordering one record directly in the
//! database makes the check fail and name the first bad record.

// Test code may panic on a failed step: that is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::{Command, Output};

fn haidang(args: &[&str], database_url: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_haidang"))
        .args(args)
        .args(["--database-url", database_url])
        .env("RUST_LOG", "warn")
        .output()
        .expect("run haidang")
}

/// Writes four audited changes through the command line.
fn write_trail(database_url: &str) {
    for name in ["so-nnmt", "tt-hcc", "dai-kttv"] {
        let output = haidang(&["api-key", "create", "--name", name, "--role", "admin"], database_url);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    }
    let output = haidang(&["api-key", "revoke", "--name", "tt-hcc"], database_url);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}

fn verify(database_url: &str) -> (bool, String) {
    let output = haidang(&["audit", "verify"], database_url);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

#[test]
fn sqlite_tampering_is_detected() {
    let cases = [
        (
            "edited",
            "UPDATE audit_events SET actor_name = 'someone else' WHERE seq = 2",
            "record 2",
            "edited",
        ),
        (
            "deleted",
            "DELETE FROM audit_events WHERE seq = 2",
            "record 3",
            "deleted",
        ),
        (
            "reordered",
            "UPDATE audit_events SET seq = -2 WHERE seq = 2; UPDATE audit_events SET seq = 2 WHERE seq = 3;
             UPDATE audit_events SET seq = 3 WHERE seq = -2;",
            "record 2",
            "reordered",
        ),
    ];
    for (case, sql, first_bad, word) in cases {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("haidang.db");
        let url = format!("sqlite://{}", path.display());
        write_trail(&url);
        let (ok, text) = verify(&url);
        assert!(ok, "{case}: an intact trail verifies: {text}");
        assert!(text.contains("4 records"), "{text}");

        let connection = rusqlite::Connection::open(&path).unwrap();
        connection.execute_batch(sql).unwrap();
        drop(connection);
        let (ok, text) = verify(&url);
        assert!(!ok, "{case}: tampering must fail the check");
        assert!(text.contains(first_bad), "{case}: names {first_bad}: {text}");
        assert!(text.contains(word), "{case}: says {word}: {text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_edit_is_detected() {
    use sqlx::Connection;
    let database = haidang_testkit::TestDatabase::create(haidang_testkit::Backend::Postgres).await;
    let url = database.url.clone();
    let writer_url = url.clone();
    tokio::task::spawn_blocking(move || write_trail(&writer_url))
        .await
        .unwrap();
    let check_url = url.clone();
    let (ok, text) = tokio::task::spawn_blocking(move || verify(&check_url)).await.unwrap();
    assert!(ok, "{text}");

    let mut connection = sqlx::PgConnection::connect(&url).await.unwrap();
    sqlx::raw_sql("UPDATE audit_events SET outcome = 'failure' WHERE seq = 3")
        .execute(&mut connection)
        .await
        .unwrap();
    connection.close().await.unwrap();
    let (ok, text) = tokio::task::spawn_blocking(move || verify(&url)).await.unwrap();
    assert!(!ok, "an edited record must fail the check");
    assert!(text.contains("record 3"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn archive_keeps_the_chain_verifiable() {
    let folder = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", folder.path().join("haidang.db").display());
    let store = haidang_store::Store::open(&url).await.unwrap();
    store.migrate().await.unwrap();
    // Two records from 2024, one from 2026.
    for (at, action) in [
        (1_704_067_200_000_i64, "old.one"),
        (1_719_792_000_000, "old.two"),
        (1_767_225_600_000, "recent"),
    ] {
        let event = haidang_core::audit::AuditEvent {
            at,
            actor: "test".into(),
            actor_name: "test".into(),
            role: None,
            scope: None,
            action: action.into(),
            object: None,
            outcome: haidang_core::audit::Outcome::Success,
            address: None,
            detail: serde_json::json!({}),
        };
        store.append_audit(event).await.unwrap();
    }
    drop(store);
    let archive = folder.path().join("audit-2024.jsonl");
    let archive_text = archive.display().to_string();

    let output = haidang(
        &[
            "audit",
            "archive",
            "--before",
            "2025-01-01",
            "--out",
            &archive_text,
            "--retention-days",
            "365",
        ],
        &url,
    );
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(std::fs::read_to_string(&archive).unwrap().lines().count(), 2);

    let output = haidang(
        &[
            "audit",
            "archive",
            "--before",
            "2099-01-01",
            "--out",
            "/nonexistent/x.jsonl",
        ],
        &url,
    );
    assert!(
        !output.status.success(),
        "records inside the retention period are never archived"
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("retention"));

    let (ok, text) = verify(&url);
    assert!(ok, "the database alone verifies from its anchor: {text}");
    let output = haidang(&["audit", "verify", "--archive", &archive_text], &url);
    assert!(
        output.status.success(),
        "archive and database verify together: {}",
        String::from_utf8_lossy(&output.stderr)
    );

    let tampered = std::fs::read_to_string(&archive)
        .unwrap()
        .replacen("old.one", "old.uno", 1);
    std::fs::write(&archive, tampered).unwrap();
    let output = haidang(&["audit", "verify", "--archive", &archive_text], &url);
    assert!(!output.status.success(), "an edited archive fails");
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("record 1"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
