//! Where every connector delivers: batches written through the ingestion pipeline, and the
//! status record and metrics that are the same for every kind.
//!
//! A state change is logged once: WARN when a connector starts failing, INFO when it
//! recovers. Repeated failures only update the last error.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono_tz::Tz;
use haidang_ingest::RawRow;
use haidang_ingest::pipeline::{BatchOptions, IngestError, Ingestor, SeriesFactory};
use haidang_store::{BatchCounts, ConnectorStatusUpdate, Store, StoreError};
use tokio::sync::Mutex;

use crate::definition::Kind;

/// Source of the current time in UTC epoch milliseconds.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// The system clock.
pub fn system_clock() -> Clock {
    Arc::new(|| chrono::Utc::now().timestamp_millis())
}

/// State of a connector, the same for every kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Starting,
    Running,
    Failing,
    Stopped,
}

impl State {
    pub const ALL: [State; 4] = [Self::Starting, Self::Running, Self::Failing, Self::Stopped];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Starting => "starting",
            Self::Running => "running",
            Self::Failing => "failing",
            Self::Stopped => "stopped",
        }
    }
}

/// Who a sink writes for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub key: String,
    pub kind: Kind,
    pub source: String,
}

/// Counts are written to the store at most this often, unless the state changes.
const STATUS_INTERVAL: Duration = Duration::from_secs(1);

struct Tracker {
    state: State,
    pending: ConnectorStatusUpdate,
    dirty: bool,
    last_write: Instant,
}

/// Status reporting and batch writing for one connector.
pub struct Sink {
    store: Store,
    identity: Identity,
    clock: Clock,
    tracker: Mutex<Tracker>,
}

impl Sink {
    pub fn new(store: Store, identity: Identity, clock: Clock) -> Self {
        Self {
            store,
            identity,
            clock,
            tracker: Mutex::new(Tracker {
                state: State::Starting,
                pending: ConnectorStatusUpdate::default(),
                dirty: false,
                last_write: Instant::now(),
            }),
        }
    }

    /// A sink for one request of a connector that receives requests (NGSI-LD, files): the
    /// connector is taken as running, so that only counts and errors are reported.
    pub fn attached(store: Store, identity: Identity, clock: Clock) -> Self {
        let sink = Self::new(store, identity, clock);
        if let Ok(mut tracker) = sink.tracker.try_lock() {
            tracker.state = State::Running;
        }
        sink
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    pub fn now(&self) -> i64 {
        (self.clock)()
    }

    pub fn clock(&self) -> Clock {
        self.clock.clone()
    }

    /// Sets the state; logs and writes the status at once when it changes.
    pub async fn set_state(&self, state: State) {
        let mut tracker = self.tracker.lock().await;
        let previous = tracker.state;
        if previous == state {
            return;
        }
        tracker.state = state;
        tracker.pending.state = Some(state.as_str().to_owned());
        tracker.pending.state_since = Some(self.now());
        tracker.dirty = true;
        self.export_state(state);
        if previous == State::Failing && state == State::Running {
            tracing::info!(connector = %self.identity.key, kind = self.identity.kind.as_str(), "connector recovered");
        } else {
            tracing::info!(connector = %self.identity.key, kind = self.identity.kind.as_str(), state = state.as_str(),
                "connector state");
        }
        self.write_status(&mut tracker).await;
    }

    /// Records a failed attempt. Logs at WARN only when the connector was not failing yet.
    pub async fn record_failure(&self, error: &str) {
        let now = self.now();
        let mut tracker = self.tracker.lock().await;
        tracker.pending.last_error = Some(error.to_owned());
        tracker.pending.last_error_at = Some(now);
        tracker.dirty = true;
        metrics::counter!("haidang_connector_failures_total", "connector" => self.identity.key.clone(),
            "kind" => self.identity.kind.as_str())
        .increment(1);
        if tracker.state != State::Failing {
            tracing::warn!(connector = %self.identity.key, kind = self.identity.kind.as_str(), %error,
                "connector failing");
            tracker.state = State::Failing;
            tracker.pending.state = Some(State::Failing.as_str().to_owned());
            tracker.pending.state_since = Some(now);
            self.export_state(State::Failing);
            self.write_status(&mut tracker).await;
        } else {
            self.maybe_write_status(&mut tracker).await;
        }
    }

    /// Records a successful delivery: `received` messages or records, classified as
    /// `counts`, the newest of whose values has time `newest` (for the lag).
    pub async fn record_success(&self, received: u64, counts: BatchCounts, newest: Option<i64>) {
        let now = self.now();
        let key = self.identity.key.clone();
        let kind = self.identity.kind.as_str();
        metrics::counter!("haidang_connector_received_total", "connector" => key.clone(), "kind" => kind)
            .increment(received);
        for (outcome, count) in [
            ("accepted", counts.accepted),
            ("duplicate", counts.duplicates),
            ("conflict", counts.conflicts),
            ("rejected", counts.rejected),
        ] {
            metrics::counter!("haidang_connector_values_total", "connector" => key.clone(), "kind" => kind,
                "outcome" => outcome)
            .increment(count);
        }
        metrics::gauge!("haidang_connector_last_success_timestamp_seconds", "connector" => key.clone(), "kind" => kind)
            .set(now as f64 / 1000.0);
        let mut tracker = self.tracker.lock().await;
        tracker.pending.last_success_at = Some(now);
        tracker.pending.received += received;
        tracker.pending.counts.add(counts);
        if let Some(newest) = newest {
            let lag = (now - newest).max(0);
            tracker.pending.lag_ms = Some(lag);
            metrics::gauge!("haidang_connector_lag_seconds", "connector" => key.clone(), "kind" => kind)
                .set(lag as f64 / 1000.0);
        }
        tracker.dirty = true;
        if tracker.state != State::Running {
            if tracker.state == State::Failing {
                tracing::info!(connector = %key, kind, "connector recovered");
            }
            tracker.state = State::Running;
            tracker.pending.state = Some(State::Running.as_str().to_owned());
            tracker.pending.state_since = Some(now);
            self.export_state(State::Running);
            self.write_status(&mut tracker).await;
        } else {
            self.maybe_write_status(&mut tracker).await;
        }
    }

    /// Writes any status not yet written.
    pub async fn flush_status(&self) {
        let mut tracker = self.tracker.lock().await;
        if tracker.dirty {
            self.write_status(&mut tracker).await;
        }
    }

    async fn maybe_write_status(&self, tracker: &mut Tracker) {
        if tracker.last_write.elapsed() >= STATUS_INTERVAL {
            self.write_status(tracker).await;
        }
    }

    async fn write_status(&self, tracker: &mut Tracker) {
        let update = std::mem::take(&mut tracker.pending);
        tracker.dirty = false;
        tracker.last_write = Instant::now();
        if let Err(error) = self
            .store
            .update_connector_status(&self.identity.key, update.clone(), self.now())
            .await
        {
            // Keep the counts for the next attempt.
            tracing::debug!(connector = %self.identity.key, %error, "could not write the connector status");
            let mut kept = update;
            kept.received += tracker.pending.received;
            kept.counts.add(tracker.pending.counts);
            tracker.pending = kept;
            tracker.dirty = true;
        }
    }

    fn export_state(&self, current: State) {
        for state in State::ALL {
            metrics::gauge!("haidang_connector_state", "connector" => self.identity.key.clone(),
                "kind" => self.identity.kind.as_str(), "state" => state.as_str())
            .set(if state == current { 1.0 } else { 0.0 });
        }
    }

    /// Returns a writer of batches attributed to this connector's source.
    pub fn writer<'a>(&'a self, format: &str, zone: Tz, factory: Option<&'a dyn SeriesFactory>) -> BatchWriter<'a> {
        BatchWriter {
            sink: self,
            options: BatchOptions {
                source_key: Some(self.identity.source.clone()),
                format: format.to_owned(),
                file_name: None,
                api_key_id: None,
                zone,
                time_format: None,
            },
            factory,
            open: None,
            next_row: 1,
        }
    }
}

/// A batch stays open at most this long, so that batches stay a readable size and series
/// defined meanwhile by an administrator are picked up.
const BATCH_MAX_AGE: Duration = Duration::from_secs(3600);
/// A batch holds at most about this many rows.
const BATCH_MAX_ROWS: i64 = 1_000_000;

struct OpenBatch<'a> {
    ingestor: Ingestor<'a>,
    opened: Instant,
}

/// Writes rows into batches of one connector: one long-lived batch for a stream (one
/// transaction per [`BatchWriter::write`]), or one batch per pull when closed after each.
pub struct BatchWriter<'a> {
    sink: &'a Sink,
    options: BatchOptions,
    factory: Option<&'a dyn SeriesFactory>,
    open: Option<OpenBatch<'a>>,
    next_row: i64,
}

impl<'a> BatchWriter<'a> {
    /// Sets the file name recorded with the next batch opened.
    pub fn set_file_name(&mut self, name: Option<String>) {
        self.options.file_name = name;
    }

    /// Sets the zone and `strftime` format of the rows' times, for batches opened next.
    pub fn set_time_format(&mut self, zone: Tz, format: Option<String>) {
        self.options.zone = zone;
        self.options.time_format = format;
    }

    /// Sets the API key recorded with the next batch opened.
    pub fn set_api_key(&mut self, key_id: Option<String>) {
        self.options.api_key_id = key_id;
    }

    /// Writes `rows` in one transaction and returns their counts. Row numbers in `rows`
    /// count from 1 within this call; they are shifted to follow the rows written before
    /// in the same batch. On error nothing of this call is stored, and the same rows may be
    /// written again.
    pub async fn write(&mut self, rows: Vec<RawRow>) -> Result<BatchCounts, IngestError> {
        if rows.is_empty() {
            return Ok(BatchCounts::default());
        }
        let now = self.sink.now();
        if self.open.is_none() {
            let mut ingestor = Ingestor::begin(self.sink.store(), self.options.clone(), now).await?;
            if let Some(factory) = self.factory {
                ingestor = ingestor.with_series_factory(factory);
            }
            self.open = Some(OpenBatch {
                ingestor,
                opened: Instant::now(),
            });
            self.next_row = 1;
        }
        let Some(open) = self.open.as_mut() else {
            return Err(IngestError::Store(StoreError::Worker("no open batch".to_owned())));
        };
        let offset = self.next_row - 1;
        let highest = rows.iter().map(|r| r.row).max().unwrap_or(0);
        let before = open.ingestor.counts();
        let clock = self.sink.clock();
        let now_fn = move || clock();
        open.ingestor
            .push_all(
                rows.into_iter().map(|mut row| {
                    row.row += offset;
                    Ok(row)
                }),
                &now_fn,
            )
            .await?;
        let after = open.ingestor.counts();
        self.next_row += highest;
        let counts = BatchCounts {
            accepted: after.accepted - before.accepted,
            duplicates: after.duplicates - before.duplicates,
            conflicts: after.conflicts - before.conflicts,
            rejected: after.rejected - before.rejected,
        };
        if self.next_row > BATCH_MAX_ROWS || open.opened.elapsed() > BATCH_MAX_AGE {
            self.close().await?;
        }
        Ok(counts)
    }

    /// Returns the id of the open batch, if any.
    pub fn batch_id(&self) -> Option<&str> {
        self.open.as_ref().map(|o| o.ingestor.batch_id())
    }

    /// Marks the open batch complete; the next write opens a new one. Returns its id.
    pub async fn close(&mut self) -> Result<Option<String>, IngestError> {
        let Some(open) = self.open.take() else { return Ok(None) };
        let summary = open.ingestor.finish(self.sink.now()).await?;
        Ok(Some(summary.batch_id))
    }
}
