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

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub zone: Tz,
    pub metrics: PrometheusHandle,
    pub about: Arc<About>,
}

impl AppState {
    pub fn new(store: Store, about: About) -> Self {
        Self {
            store,
            clock: Arc::new(SystemClock),
            zone: haidang_core::time::LOCAL_ZONE,
            metrics: crate::metrics::handle(),
            about: Arc::new(about),
        }
    }

    pub fn now(&self) -> i64 {
        self.clock.now_ms()
    }
}
