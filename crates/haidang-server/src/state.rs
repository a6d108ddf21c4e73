//! Shared application state, and the one place that reads the real clock.

use std::sync::Arc;

use chrono_tz::Tz;
use haidang_store::Store;
use metrics_exporter_prometheus::PrometheusHandle;
use serde::Serialize;

/// Source of the current time, so that tests can fix it.
pub trait Clock: Send + Sync {
    /// Returns the current time in UTC epoch milliseconds.
    fn now_ms(&self) -> i64;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        chrono::Utc::now().timestamp_millis()
    }
}

/// Facts about the deployment shown to users.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct About {
    /// Name of the deployment, such as "Lâm Đồng (khu vực Bình Thuận cũ)".
    pub deployment: String,
    /// Credits owed to the providers of the data shown.
    pub attributions: Vec<String>,
}

/// Session, lockout and throttling limits. Durations are in milliseconds.
#[derive(Debug, Clone)]
pub struct SecuritySettings {
    /// A session unused this long ends.
    pub session_idle_ms: i64,
    /// A session ends this long after login, used or not.
    pub session_absolute_ms: i64,
    /// Failed logins of one username, within `lockout_ms`, that lock it.
    pub lock_after_failures: i64,
    /// How long a locked username stays locked.
    pub lockout_ms: i64,
    /// Failed logins from one address, within `lockout_ms`, after which it must wait.
    pub address_failure_limit: i64,
    /// Whether cookies carry `Secure`; set when the server is reached over HTTPS.
    pub secure_cookies: bool,
}

impl Default for SecuritySettings {
    fn default() -> Self {
        Self {
            session_idle_ms: 30 * 60_000,
            session_absolute_ms: 12 * 3_600_000,
            lock_after_failures: 5,
            lockout_ms: 15 * 60_000,
            address_failure_limit: 30,
            secure_cookies: false,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub zone: Tz,
    pub metrics: PrometheusHandle,
    pub about: Arc<About>,
    pub security: Arc<SecuritySettings>,
    pub rate_limiter: Arc<crate::identity::rate_limit::RateLimiter>,
}

impl AppState {
    pub fn new(store: Store, about: About) -> Self {
        Self {
            store,
            clock: Arc::new(SystemClock),
            zone: haidang_core::time::LOCAL_ZONE,
            metrics: crate::metrics::handle(),
            about: Arc::new(about),
            security: Arc::new(SecuritySettings::default()),
            rate_limiter: Arc::default(),
        }
    }

    pub fn now(&self) -> i64 {
        self.clock.now_ms()
    }
}
