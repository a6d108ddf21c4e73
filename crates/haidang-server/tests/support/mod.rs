//! The test application: the real router over a fresh SQLite file or PostgreSQL database,
//! with one helper per endpoint.

// Each test crate includes this module and uses only part of it.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use haidang_core::access::{Grant, Role};
use haidang_core::audit::{AuditEvent, Outcome};
use haidang_server::auth::{generate_key, hash_key};
use haidang_server::identity::password::hash_password;
use haidang_server::state::About;
use haidang_server::{AppState, Clock, router};
use haidang_store::identity::{SessionRecord, UserRecord};
use haidang_store::{ApiKeyRecord, Store};
pub use haidang_testkit::Backend;
use haidang_testkit::TestDatabase;
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

/// Start of the test clock: Monday 5 January 2026, 10:00 in Vietnam.
pub const TEST_START_MS: i64 = 1_767_582_000_000;

/// A clock that tests move by hand.
#[derive(Debug, Default)]
pub struct TestClock(pub AtomicI64);

impl Clock for TestClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// How a request authenticates.
#[derive(Debug, Clone)]
pub enum Auth {
    Anonymous,
    Key(String),
    /// A session cookie, with the CSRF token to send (or not) and extra headers.
    Session {
        token: String,
        csrf: Option<String>,
        headers: Vec<(String, String)>,
    },
}

/// A browser session created for a test user.
#[derive(Debug, Clone)]
pub struct TestSession {
    pub user_id: String,
    pub token: String,
    pub csrf: String,
}

impl TestSession {
    pub fn auth(&self) -> Auth {
        Auth::Session {
            token: self.token.clone(),
            csrf: Some(self.csrf.clone()),
            headers: Vec::new(),
        }
    }
}

pub struct TestApp {
    pub store: Store,
    pub key: String,
    pub clock: Arc<TestClock>,
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
            actions: None,
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
        let clock = Arc::new(TestClock(AtomicI64::new(TEST_START_MS)));
        let mut state = AppState::new(
            store.clone(),
            About {
                deployment: "test".into(),
                attributions: Vec::new(),
            },
        );
        state.clock = clock.clone();
        Self {
            store,
            key,
            clock,
            state,
            _database: database,
        }
    }

    pub fn now(&self) -> i64 {
        self.clock.now_ms()
    }

    pub fn advance(&self, ms: i64) {
        self.clock.0.fetch_add(ms, Ordering::SeqCst);
    }

    /// Creates a user with one grant and the password `password`, without a session.
    pub async fn create_user(&self, username: &str, password: &str, grant: Grant) -> String {
        let user = UserRecord {
            id: uuid::Uuid::now_v7().to_string(),
            username: username.to_owned(),
            display_name: username.to_owned(),
            password_hash: hash_password(password).expect("hash"),
            totp_secret: None,
            totp_enabled: false,
            totp_last_step: None,
            failed_logins: 0,
            locked_until: None,
            disabled: false,
            created_at: self.now(),
            updated_at: self.now(),
            grants: vec![grant],
        };
        let id = user.id.clone();
        self.store
            .create_user(user, test_event("user.create"))
            .await
            .expect("create user");
        id
    }

    /// Creates a user with `grant` and a session past its second factor.
    pub async fn session(&self, grant: Grant) -> TestSession {
        let username = format!("u{}", uuid::Uuid::now_v7().simple());
        let user_id = self.create_user(&username, "a long test password 1", grant).await;
        let token = generate_key();
        let csrf = generate_key();
        let session = SessionRecord {
            token_hash: hash_key(&token),
            user_id: user_id.clone(),
            csrf_token: csrf.clone(),
            stage: "full".into(),
            created_at: self.now(),
            last_seen_at: self.now(),
            revoked_at: None,
            address: None,
        };
        self.store
            .create_session(session, test_event("auth.login"))
            .await
            .expect("session");
        TestSession { user_id, token, csrf }
    }

    /// Creates a session for a user with `role` and the given scope.
    pub async fn session_as(&self, role: Role, agency: Option<&str>, unit: Option<&str>) -> TestSession {
        self.session(Grant {
            role,
            agency: agency.map(Into::into),
            unit: unit.map(Into::into),
        })
        .await
    }

    /// Sends a request authenticated as `auth`; returns status, headers and body.
    pub async fn send(
        &self,
        method: &str,
        uri: &str,
        auth: &Auth,
        body: Option<(&str, Vec<u8>)>,
    ) -> (StatusCode, axum::http::HeaderMap, Value) {
        let (status, headers, bytes) = self.send_bytes(method, uri, auth, body).await;
        (status, headers, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    /// Like [`TestApp::send`], returning the body's bytes.
    pub async fn send_bytes(
        &self,
        method: &str,
        uri: &str,
        auth: &Auth,
        body: Option<(&str, Vec<u8>)>,
    ) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        let mut builder = Request::builder().method(method).uri(uri).header("host", "ioc.test");
        match auth {
            Auth::Anonymous => {}
            Auth::Key(key) => builder = builder.header("authorization", format!("Bearer {key}")),
            Auth::Session { token, csrf, headers } => {
                builder = builder.header("cookie", format!("haidang_session={token}"));
                if let Some(csrf) = csrf {
                    builder = builder.header("x-csrf-token", csrf);
                }
                for (name, value) in headers {
                    builder = builder.header(name.as_str(), value.as_str());
                }
            }
        }
        let request = match body {
            Some((content_type, bytes)) => builder.header("content-type", content_type).body(Body::from(bytes)),
            None => builder.body(Body::empty()),
        }
        .expect("request");
        let response = router(self.state.clone()).oneshot(request).await.expect("response");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.expect("body").to_bytes().to_vec();
        (status, headers, bytes)
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

    pub async fn raw(
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

    /// Logs in with a password; returns status, headers and the answer.
    pub async fn login(&self, username: &str, password: &str) -> (StatusCode, axum::http::HeaderMap, Value) {
        let body = serde_json::json!({ "username": username, "password": password }).to_string();
        self.send(
            "POST",
            "/api/v1/auth/login",
            &Auth::Anonymous,
            Some(("application/json", body.into_bytes())),
        )
        .await
    }

    /// Creates an agency with one source `{agency}.source` and one series `{agency}.s`.
    pub async fn define_agency(&self, agency: &str) {
        let record = haidang_store::Agency {
            key: agency.to_owned(),
            name: agency.to_owned(),
            responsible_person: "Người phụ trách".to_owned(),
            responsible_title: None,
        };
        self.store.upsert_agency(record, self.now()).await.expect("agency");
        let source = format!("{agency}.source");
        self.define_source(agency, &source).await;
        let body = serde_json::json!({ "name": agency, "unit": "x", "source": source });
        let (status, _) = self.put_series(&format!("{agency}.s"), &body).await;
        assert_eq!(status, StatusCode::CREATED);
    }

    pub async fn define_source(&self, agency: &str, source: &str) {
        let record = haidang_store::Source {
            key: source.to_owned(),
            name: source.to_owned(),
            agency_key: agency.to_owned(),
            kind: "push".to_owned(),
            simulated: false,
            expected_interval_secs: None,
            description: None,
            attribution: None,
        };
        self.store.upsert_source(record, self.now()).await.expect("source");
    }

    /// Creates an agency key and returns its secret.
    pub async fn agency_key(&self, agency: &str, sources: Option<Vec<String>>) -> String {
        let key = generate_key();
        let record = ApiKeyRecord {
            actions: None,
            agency_key: Some(agency.to_owned()),
            sources,
            expires_at: None,
            id: uuid::Uuid::now_v7().to_string(),
            name: format!("{agency}-{}", uuid::Uuid::now_v7().simple()),
            role: "agency".into(),
            created_at: self.now(),
            revoked_at: None,
            last_used_at: None,
        };
        self.store
            .create_api_key(record, hash_key(&key))
            .await
            .expect("agency key");
        key
    }

    /// Pushes canonical CSV with the administrator's key, attributed to `{agency}.source`;
    /// returns the batch id.
    pub async fn push_as_admin(&self, agency: &str, csv: &str) -> String {
        let uri = format!("/api/v1/observations?source={agency}.source");
        let (status, report) = self
            .request(
                "POST",
                &uri,
                Some(&self.key),
                Some(("text/csv", csv.as_bytes().to_vec())),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{report}");
        report["batch_id"].as_str().expect("batch id").to_owned()
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

/// An audit event for setup steps of a test.
pub fn test_event(action: &str) -> AuditEvent {
    AuditEvent {
        at: TEST_START_MS,
        actor: "test".into(),
        actor_name: "test".into(),
        role: None,
        scope: None,
        action: action.into(),
        object: None,
        outcome: Outcome::Success,
        address: None,
        detail: serde_json::json!({}),
    }
}
