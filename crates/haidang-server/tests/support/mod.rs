//! The test application: the real router over a fresh SQLite file or PostgreSQL database,
//! with one helper per endpoint.

use std::path::PathBuf;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use haidang_server::auth::{generate_key, hash_key};
use haidang_server::state::About;
use haidang_server::{AppState, router};
use haidang_store::{ApiKeyRecord, Store};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub store: Store,
    pub key: String,
    state: AppState,
    _database: TestDatabase,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Self {
        let database = TestDatabase::create(backend).await;
        let store = Store::open(&database.url).await.expect("open the test database");
        store.migrate().await.expect("migrate the test database");
        let key = generate_key();
        let record = ApiKeyRecord {
            agency_key: None,
            sources: None,
            expires_at: None,
            id: uuid::Uuid::now_v7().to_string(),
            name: "test-admin".into(),
            role: "admin".into(),
            created_at: 0,
            revoked_at: None,
            last_used_at: None,
        };
        store
            .create_api_key(record, hash_key(&key))
            .await
            .expect("create the test key");
        let state = AppState::new(
            store.clone(),
            About {
                deployment: "test".into(),
                attributions: Vec::new(),
            },
        );
        Self {
            store,
            key,
            state,
            _database: database,
        }
    }

    pub async fn request(
        &self,
        method: &str,
        uri: &str,
        key: Option<&str>,
        body: Option<(&str, Vec<u8>)>,
    ) -> (StatusCode, Value) {
        let (status, bytes) = self.raw(method, uri, key, body, None).await;
        let value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        (status, value)
    }

    async fn raw(
        &self,
        method: &str,
        uri: &str,
        key: Option<&str>,
        body: Option<(&str, Vec<u8>)>,
        language: Option<&str>,
    ) -> (StatusCode, Vec<u8>) {
        let mut builder = Request::builder().method(method).uri(uri);
        if let Some(key) = key {
            builder = builder.header("authorization", format!("Bearer {key}"));
        }
        if let Some(language) = language {
            builder = builder.header("accept-language", language);
        }
        let request = match body {
            Some((content_type, bytes)) => builder.header("content-type", content_type).body(Body::from(bytes)),
            None => builder.body(Body::empty()),
        }
        .expect("request");
        let response = router(self.state.clone()).oneshot(request).await.expect("response");
        let status = response.status();
        let bytes = response.into_body().collect().await.expect("body").to_bytes().to_vec();
        (status, bytes)
    }

    /// Sends a GET with the administrator's key.
    pub async fn get(&self, uri: &str) -> (StatusCode, Value) {
        self.request("GET", uri, Some(&self.key), None).await
    }

    pub async fn get_lang(&self, uri: &str, language: &str) -> (StatusCode, Value) {
        let (status, bytes) = self.raw("GET", uri, Some(&self.key), None, Some(language)).await;
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    pub async fn get_text(&self, uri: &str) -> (StatusCode, String) {
        let (status, bytes) = self.raw("GET", uri, Some(&self.key), None, None).await;
        (status, String::from_utf8(bytes).expect("UTF-8 body"))
    }

    pub async fn put_series(&self, key: &str, body: &Value) -> (StatusCode, Value) {
        let uri = format!("/api/v1/series/{}", key.replace(' ', "%20"));
        self.request(
            "PUT",
            &uri,
            Some(&self.key),
            Some(("application/json", body.to_string().into_bytes())),
        )
        .await
    }

    pub async fn push_csv(&self, csv: &str) -> (StatusCode, Value) {
        self.request(
            "POST",
            "/api/v1/observations",
            Some(&self.key),
            Some(("text/csv", csv.as_bytes().to_vec())),
        )
        .await
    }

    /// Defines `pt.pm25` with the range 0–1000.
    pub async fn define_pm25(&self) {
        let body = serde_json::json!({"name": "PM2.5 Phan Thiết", "unit": "µg/m³", "min": 0, "max": 1000});
        let (status, _) = self.put_series("pt.pm25", &body).await;
        assert_eq!(status, StatusCode::CREATED);
    }

    pub async fn revoke_key(&self) {
        assert!(self.store.revoke_api_key("test-admin", 1).await.expect("revoke"));
    }

    /// Loads the reference units and successions shipped with the project.
    pub async fn load_reference(&self) {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/reference");
        let units =
            haidang_ingest::reference::read_units(std::fs::File::open(dir.join("units.csv")).expect("units.csv"))
                .expect("units");
        let successions = haidang_ingest::reference::read_successions(
            std::fs::File::open(dir.join("successions.csv")).expect("successions.csv"),
        )
        .expect("successions");
        self.store.replace_units(units, successions).await.expect("store units");
    }

    /// Returns the values of `pt.pm25` that later values replaced.
    pub async fn superseded_values(&self) -> Vec<f64> {
        let series = self
            .store
            .series("pt.pm25")
            .await
            .expect("series")
            .expect("pt.pm25 exists");
        self.store
            .superseded(series.id)
            .await
            .expect("superseded")
            .into_iter()
            .map(|s| s.value)
            .collect()
    }
}

/// A database that exists for one test.
struct TestDatabase {
    url: String,
    drop_name: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDatabase {
    async fn create(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary folder");
                let url = format!("sqlite://{}", dir.path().join("haidang.db").display());
                Self {
                    url,
                    drop_name: None,
                    _dir: Some(dir),
                }
            }
            Backend::Postgres => {
                let admin = std::env::var("HAIDANG_TEST_POSTGRES_URL")
                    .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
                let name = format!("haidang_test_{}", uuid::Uuid::now_v7().simple());
                let mut connection = sqlx_connect(&admin).await;
                sqlx_execute(&mut connection, &format!("CREATE DATABASE {name}")).await;
                let base = admin
                    .rsplit_once('/')
                    .map_or(admin.as_str(), |(base, _)| base)
                    .to_owned();
                Self {
                    url: format!("{base}/{name}"),
                    drop_name: Some((admin, name)),
                    _dir: None,
                }
            }
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some((admin, name)) = self.drop_name.take() else {
            return;
        };
        // Drop runs inside the test's runtime, so the cleanup gets a thread and runtime of its own.
        let cleanup = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                let mut connection = sqlx_connect(&admin).await;
                sqlx_execute(&mut connection, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
            });
        });
        let _ = cleanup.join();
    }
}

async fn sqlx_connect(url: &str) -> sqlx::PgConnection {
    use sqlx::Connection;
    sqlx::PgConnection::connect(url).await.unwrap_or_else(|error| {
        panic!("PostgreSQL at {url} is required for these tests and could not be reached: {error}")
    })
}

async fn sqlx_execute(connection: &mut sqlx::PgConnection, sql: &str) {
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
        .execute(connection)
        .await
        .expect(sql);
}
