//! Fresh databases for the integration tests, on either backend.
//!
//! SQLite databases live in a temporary folder. A PostgreSQL database is created for one
//! test on the server named by `HAIDANG_TEST_POSTGRES_URL` and dropped when the test ends.
//! When that server cannot be reached the PostgreSQL tests fail: they are never skipped.

// Test support fails a test by panicking, as the tests themselves do.
#![allow(clippy::expect_used, clippy::panic)]

use sqlx::{AssertSqlSafe, Connection, PgConnection};

/// Server used when `HAIDANG_TEST_POSTGRES_URL` is not set.
pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// An empty database that exists as long as this value does.
pub struct TestDatabase {
    pub url: String,
    /// Kept so that the SQLite folder lives as long as the database.
    _folder: Option<tempfile::TempDir>,
    postgres: Option<DropDatabase>,
}

impl TestDatabase {
    pub async fn create(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => {
                let folder = tempfile::tempdir().expect("create a temporary folder for SQLite");
                let url = format!("sqlite://{}/haidang.db", folder.path().display());
                Self {
                    url,
                    _folder: Some(folder),
                    postgres: None,
                }
            }
            Backend::Postgres => {
                let admin_url = postgres_admin_url();
                let name = format!("haidang_test_{}", uuid::Uuid::now_v7().simple());
                let mut admin = PgConnection::connect(&admin_url).await.unwrap_or_else(|error| {
                    panic!(
                        "PostgreSQL is not reachable at {admin_url}: {error}. Start the server, or set \
                         HAIDANG_TEST_POSTGRES_URL to a server where this user may create databases."
                    )
                });
                sqlx::raw_sql(AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
                    .execute(&mut admin)
                    .await
                    .unwrap_or_else(|error| {
                        panic!("could not create the test database {name} at {admin_url}: {error}")
                    });
                let _ = admin.close().await;
                let url = with_database(&admin_url, &name);
                Self {
                    url,
                    _folder: None,
                    postgres: Some(DropDatabase { admin_url, name }),
                }
            }
        }
    }

    pub fn backend(&self) -> Backend {
        if self.postgres.is_some() {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }
}

/// Returns the URL of the PostgreSQL server that test databases are created on.
pub fn postgres_admin_url() -> String {
    std::env::var("HAIDANG_TEST_POSTGRES_URL")
        .ok()
        .filter(|url| !url.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_POSTGRES_URL.to_owned())
}

/// Replaces the database name in a PostgreSQL URL, keeping any query parameters.
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let server = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{server}/{database}?{query}"),
        None => format!("{server}/{database}"),
    }
}

/// Drops a test database on a separate connection when the test ends.
struct DropDatabase {
    admin_url: String,
    name: String,
}

impl Drop for DropDatabase {
    fn drop(&mut self) {
        let admin_url = self.admin_url.clone();
        let name = self.name.clone();
        // Drop may run inside the test's runtime, which cannot be blocked on from within, so
        // the statement runs on its own thread with its own runtime.
        let outcome = std::thread::spawn(move || -> Result<(), String> {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            runtime.block_on(async {
                let mut admin = PgConnection::connect(&admin_url).await.map_err(|e| e.to_string())?;
                sqlx::raw_sql(AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                )))
                .execute(&mut admin)
                .await
                .map_err(|e| e.to_string())?;
                let _ = admin.close().await;
                Ok(())
            })
        })
        .join();
        // A panic here would abort a test that is already failing, so a failed drop is reported.
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(error)) => eprintln!("could not drop the test database {}: {error}", self.name),
            Err(_) => eprintln!(
                "could not drop the test database {}: the dropping thread panicked",
                self.name
            ),
        }
    }
}

/// Runs each named case, an `async fn(Backend)`, once per backend, as the tests
/// `sqlite::CASE` and `postgres::CASE`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name($crate::Backend::Sqlite).await })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name($crate::Backend::Postgres).await })*
        }
    };
}
