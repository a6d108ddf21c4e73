//! Scheduled pulls: fetches JSON or CSV over HTTP on a cron schedule evaluated in
//! Asia/Ho_Chi_Minh.
//!
//! Each fetch has a timeout and is retried with exponential backoff when the server fails
//! (5xx, 408, 429, a timeout or a refused connection). Requests are conditional
//! (If-None-Match, If-Modified-Since) once the server has sent an ETag or Last-Modified.
//! With `cursor`, a query parameter carries the latest time stored so far, so that a
//! server offering it sends only newer records. Cursor, validators and the last slot run
//! are kept in the store, so that a restart continues where the connector stopped, and the
//! slots missed while the service was down are run on start (the latest
//! `max_backfill_slots` of them; one fetch when the URL does not depend on the slot).

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::TimeZone;
use chrono_tz::Tz;
use croner::Cron;
use croner::parser::{CronParser, Seconds};
use haidang_core::time::{LOCAL_ZONE, format_instant, parse_timestamp, parse_with_format};
use haidang_ingest::mapping::{Mapping, TemplateFactory, read_headers};
use haidang_ingest::pipeline::SeriesFactory;
use haidang_ingest::{RawRow, RawText, RawValue};
use haidang_store::{BatchCounts, ConnectorCheckpoint};
use serde::Deserialize;

use crate::error::{ConfigError, Problem};
use crate::json_map::{JsonMapper, SeriesTemplateConfig, TimeField, ValueField, format_utc};
use crate::shutdown::Shutdown;
use crate::sink::{Sink, State};

fn default_timeout_secs() -> u64 {
    30
}
fn default_max_retries() -> u32 {
    3
}
fn default_retry_delay_ms() -> u64 {
    1000
}
fn default_max_retry_delay_secs() -> u64 {
    60
}
fn default_max_backfill_slots() -> u32 {
    24
}
fn default_max_response_bytes() -> usize {
    32 * 1024 * 1024
}

/// Settings of a pull connector (`[connectors.pull]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PullSettings {
    /// `http://` or `https://` URL. `{slot}` is replaced by the schedule slot's time
    /// (ISO 8601 with +07:00) and `{slot_date}` by its local date.
    pub url: String,
    /// Cron schedule with 5 fields (minute precision) or 6 (seconds first), evaluated in
    /// Asia/Ho_Chi_Minh, such as `0 */15 * * * *`.
    pub schedule: String,
    #[serde(default = "default_timeout_secs")]
    pub timeout_secs: u64,
    /// Retries after a failed attempt, within one slot.
    #[serde(default = "default_max_retries")]
    pub max_retries: u32,
    /// Wait before the first retry; it doubles after each one.
    #[serde(default = "default_retry_delay_ms")]
    pub retry_delay_ms: u64,
    #[serde(default = "default_max_retry_delay_secs")]
    pub max_retry_delay_secs: u64,
    /// Extra request headers, such as an API key of the remote service.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    pub cursor: Option<CursorSettings>,
    #[serde(default = "default_max_backfill_slots")]
    pub max_backfill_slots: u32,
    #[serde(default = "default_max_response_bytes")]
    pub max_response_bytes: usize,
    /// Mapping of a JSON response.
    pub json: Option<JsonSettings>,
    /// Mapping of a CSV response: the mapping of `haidang import`.
    pub csv: Option<Mapping>,
}

/// An incremental cursor passed as a query parameter.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CursorSettings {
    /// Name of the query parameter, such as `since`.
    pub param: String,
    /// Value sent before anything is stored.
    pub initial: Option<String>,
}

/// Mapping of a JSON response: an array of records and the values taken from each.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonSettings {
    /// JSON pointer to the array of records; empty when the response is the array.
    #[serde(default)]
    pub records: String,
    pub time: Option<TimeField>,
    pub values: Vec<ValueField>,
    pub create_series: Option<SeriesTemplateConfig>,
}

#[derive(Debug)]
enum Format {
    Json { records: String, mapper: Box<JsonMapper> },
    Csv(Box<Mapping>),
}

/// A validated pull connector.
#[derive(Debug)]
pub struct PullConnector {
    settings: PullSettings,
    cron: Cron,
    format: Format,
    slot_in_url: bool,
}

fn range<T: PartialOrd + ToString>(field: &str, value: T, min: T, max: T) -> Result<(), ConfigError> {
    if value < min || value > max {
        return Err(ConfigError::out_of_range(field, value, min, max));
    }
    Ok(())
}

/// Parses a cron schedule of 5 or 6 fields.
pub fn parse_schedule(field: &str, schedule: &str) -> Result<Cron, ConfigError> {
    CronParser::builder()
        .seconds(Seconds::Optional)
        .build()
        .parse(schedule)
        .map_err(|e| ConfigError::new(field, schedule, Problem::Cron { detail: e.to_string() }))
}

const URL_PLACEHOLDERS: [&str; 2] = ["{slot}", "{slot_date}"];

impl PullSettings {
    pub fn build(self, _key: &str, source: &str) -> Result<PullConnector, ConfigError> {
        let lower = self.url.to_ascii_lowercase();
        if !(lower.starts_with("http://") || lower.starts_with("https://")) {
            return Err(ConfigError::new("pull.url", &self.url, Problem::Url));
        }
        let mut stripped = self.url.clone();
        for placeholder in URL_PLACEHOLDERS {
            stripped = stripped.replace(placeholder, "x");
        }
        if let Some(open) = stripped.find('{') {
            let name = stripped[open + 1..].split('}').next().unwrap_or_default().to_owned();
            return Err(ConfigError::new(
                "pull.url",
                &self.url,
                Problem::Placeholder {
                    placeholder: name,
                    allowed: "{slot} or {slot_date}".to_owned(),
                },
            ));
        }
        if reqwest::Url::parse(&stripped).is_err() {
            return Err(ConfigError::new("pull.url", &self.url, Problem::Url));
        }
        let cron = parse_schedule("pull.schedule", &self.schedule)?;
        range("pull.timeout_secs", self.timeout_secs, 1, 3600)?;
        range("pull.max_retries", self.max_retries, 0, 100)?;
        range("pull.retry_delay_ms", self.retry_delay_ms, 1, 3_600_000)?;
        range("pull.max_retry_delay_secs", self.max_retry_delay_secs, 1, 86_400)?;
        range("pull.max_backfill_slots", self.max_backfill_slots, 0, 10_000)?;
        range(
            "pull.max_response_bytes",
            self.max_response_bytes,
            1024,
            1024 * 1024 * 1024,
        )?;
        if let Some(cursor) = &self.cursor
            && cursor.param.trim().is_empty()
        {
            return Err(ConfigError::required("pull.cursor.param"));
        }
        let format = match (&self.json, &self.csv) {
            (Some(json), None) => {
                crate::template::check_pointer("pull.json.records", &json.records)?;
                Format::Json {
                    records: json.records.clone(),
                    mapper: Box::new(JsonMapper::compile(
                        "pull.json",
                        json.time.as_ref(),
                        &json.values,
                        json.create_series.as_ref(),
                        false,
                        source,
                    )?),
                }
            }
            (None, Some(mapping)) => {
                if mapping.value_columns.is_empty() {
                    return Err(ConfigError::required("pull.csv.values"));
                }
                if mapping.zone().is_err() {
                    return Err(ConfigError::new(
                        "pull.csv.time.zone",
                        mapping.time.zone.clone().unwrap_or_default(),
                        Problem::Zone,
                    ));
                }
                let mut mapping = mapping.clone();
                mapping.source = Some(source.to_owned());
                Format::Csv(Box::new(mapping))
            }
            (None, None) => {
                return Err(ConfigError::new(
                    "pull",
                    "json, csv",
                    Problem::OneOf {
                        allowed: "a json or a csv section".to_owned(),
                    },
                ));
            }
            (Some(_), Some(_)) => {
                return Err(ConfigError::new(
                    "pull",
                    "json, csv",
                    Problem::OneOf {
                        allowed: "a json or a csv section, not both".to_owned(),
                    },
                ));
            }
        };
        let slot_in_url = URL_PLACEHOLDERS.iter().any(|p| self.url.contains(p));
        Ok(PullConnector {
            settings: self,
            cron,
            format,
            slot_in_url,
        })
    }
}

/// Outcome of one HTTP attempt.
enum Fetched {
    NotModified,
    Body {
        bytes: Vec<u8>,
        etag: Option<String>,
        last_modified: Option<String>,
    },
}

enum FetchError {
    /// Worth retrying: the server or the network failed.
    Transient(String),
    /// Not worth retrying: the request itself is refused.
    Permanent(String),
}

/// Rows read from one response.
struct Parsed {
    rows: Vec<RawRow>,
    records: u64,
    newest: Option<i64>,
    /// A problem that stopped the reading, kept as a rejected row too.
    problem: Option<String>,
    /// Header of a CSV response, for series defined on first sight.
    headers: Vec<String>,
}

impl PullConnector {
    /// Slots of the schedule in `(after, now]`, oldest first, at most `max_backfill_slots`
    /// (the latest ones). Without `after`, only the latest slot.
    pub fn due_slots(&self, after: Option<i64>, now: i64) -> Vec<i64> {
        let Some(mut cursor) = LOCAL_ZONE.timestamp_millis_opt(now).single() else {
            return Vec::new();
        };
        let limit = match after {
            None => 1,
            Some(_) => self.settings.max_backfill_slots.max(1) as usize,
        };
        let mut slots = Vec::new();
        let mut inclusive = true;
        while slots.len() < limit {
            let Ok(previous) = self.cron.find_previous_occurrence(&cursor, inclusive) else {
                break;
            };
            let ms = previous.timestamp_millis();
            if after.is_some_and(|a| ms <= a) {
                break;
            }
            slots.push(ms);
            cursor = previous;
            inclusive = false;
        }
        slots.reverse();
        slots
    }

    /// The first slot after `now`.
    pub fn next_slot(&self, now: i64) -> Option<i64> {
        let start = LOCAL_ZONE.timestamp_millis_opt(now).single()?;
        self.cron
            .find_next_occurrence(&start, false)
            .ok()
            .map(|t| t.timestamp_millis())
    }

    fn url_for(&self, slot: i64) -> String {
        let mut url = self.settings.url.clone();
        if url.contains("{slot}") {
            url = url.replace("{slot}", &encode(&format_instant(slot, LOCAL_ZONE)));
        }
        if url.contains("{slot_date}") {
            let date = haidang_core::time::local_date(slot, LOCAL_ZONE)
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default();
            url = url.replace("{slot_date}", &date);
        }
        url
    }

    /// Runs until `shutdown`.
    pub async fn run(self, sink: Sink, shutdown: Shutdown) {
        sink.set_state(State::Starting).await;
        let client = match reqwest::Client::builder()
            .timeout(Duration::from_secs(self.settings.timeout_secs))
            .user_agent(concat!("haidang/", env!("CARGO_PKG_VERSION")))
            .build()
        {
            Ok(client) => client,
            Err(error) => {
                sink.record_failure(&format!("could not create the HTTP client: {error}"))
                    .await;
                shutdown.requested().await;
                sink.set_state(State::Stopped).await;
                return;
            }
        };
        let key = sink.identity().key.clone();
        let mut checkpoint = loop {
            match sink.store().connector_checkpoint(&key).await {
                Ok(found) => {
                    break found.unwrap_or(ConnectorCheckpoint {
                        connector_key: key.clone(),
                        ..ConnectorCheckpoint::default()
                    });
                }
                Err(error) => {
                    sink.record_failure(&format!("could not read the checkpoint: {error}"))
                        .await;
                    if shutdown.sleep(Duration::from_secs(5)).await {
                        sink.set_state(State::Stopped).await;
                        return;
                    }
                }
            }
        };
        sink.set_state(State::Running).await;
        'schedule: loop {
            let now = sink.now();
            let due = self.due_slots(checkpoint.last_slot, now);
            let runs: Vec<i64> = if self.slot_in_url {
                due
            } else {
                due.last().copied().into_iter().collect()
            };
            for slot in runs {
                if shutdown.is_requested() {
                    break 'schedule;
                }
                if !self.run_slot(slot, &client, &mut checkpoint, &sink, &shutdown).await {
                    // Later slots would fail the same way; the next scheduled slot tries again.
                    break;
                }
            }
            let now = sink.now();
            let Some(next) = self.next_slot(now) else {
                sink.record_failure("the schedule has no future slot").await;
                shutdown.requested().await;
                break;
            };
            let wait = Duration::from_millis(u64::try_from(next - now).unwrap_or(0));
            if shutdown.sleep(wait).await {
                break;
            }
        }
        sink.set_state(State::Stopped).await;
        sink.flush_status().await;
    }

    /// Runs one slot with retries. Returns whether it succeeded.
    async fn run_slot(
        &self,
        slot: i64,
        client: &reqwest::Client,
        checkpoint: &mut ConnectorCheckpoint,
        sink: &Sink,
        shutdown: &Shutdown,
    ) -> bool {
        let url = self.url_for(slot);
        let mut delay = Duration::from_millis(self.settings.retry_delay_ms);
        let max_delay = Duration::from_secs(self.settings.max_retry_delay_secs);
        let mut attempt = 0;
        loop {
            let outcome = match self.fetch(client, &url, checkpoint).await {
                Ok(Fetched::NotModified) => Ok(None),
                Ok(Fetched::Body {
                    bytes,
                    etag,
                    last_modified,
                }) => Ok(Some((bytes, etag, last_modified))),
                Err(error) => Err(error),
            };
            match outcome {
                Ok(None) => {
                    checkpoint.last_slot = Some(slot);
                    self.save(sink, checkpoint).await;
                    sink.record_success(0, BatchCounts::default(), None).await;
                    return true;
                }
                Ok(Some((bytes, etag, last_modified))) => {
                    let parsed = self.parse(&bytes);
                    let stored = self.store(parsed, &url, sink, shutdown).await;
                    let Some((records, counts, newest, problem)) = stored else {
                        return false;
                    };
                    if let Some(newest) = newest {
                        let current = checkpoint
                            .cursor
                            .as_deref()
                            .and_then(|c| parse_timestamp(c, LOCAL_ZONE).ok());
                        if current.is_none_or(|c| newest > c) {
                            checkpoint.cursor = Some(format_utc(newest));
                        }
                    }
                    checkpoint.etag = etag;
                    checkpoint.last_modified = last_modified;
                    checkpoint.last_slot = Some(slot);
                    self.save(sink, checkpoint).await;
                    match problem {
                        Some(problem) => sink.record_failure(&problem).await,
                        None => sink.record_success(records, counts, newest).await,
                    }
                    return true;
                }
                Err(FetchError::Permanent(error)) => {
                    sink.record_failure(&error).await;
                    return false;
                }
                Err(FetchError::Transient(error)) => {
                    sink.record_failure(&error).await;
                    if attempt >= self.settings.max_retries {
                        return false;
                    }
                    attempt += 1;
                    if shutdown.sleep(delay).await {
                        return false;
                    }
                    delay = (delay * 2).min(max_delay);
                }
            }
        }
    }

    async fn save(&self, sink: &Sink, checkpoint: &mut ConnectorCheckpoint) {
        checkpoint.updated_at = sink.now();
        if let Err(error) = sink.store().save_connector_checkpoint(checkpoint.clone()).await {
            tracing::warn!(connector = %checkpoint.connector_key, %error, "could not save the checkpoint");
        }
    }

    /// Writes the rows of one response in one batch, retrying store failures. Returns
    /// `None` on shutdown.
    async fn store(
        &self,
        parsed: Parsed,
        url: &str,
        sink: &Sink,
        shutdown: &Shutdown,
    ) -> Option<(u64, BatchCounts, Option<i64>, Option<String>)> {
        let csv_factory = match &self.format {
            Format::Csv(mapping) => TemplateFactory::for_mapping(mapping, parsed.headers.clone()),
            Format::Json { .. } => None,
        };
        let factory: &dyn SeriesFactory = match (&self.format, &csv_factory) {
            (Format::Json { mapper, .. }, _) => mapper.as_ref(),
            (Format::Csv(_), Some(factory)) => factory,
            (Format::Csv(_), None) => &NoSeries,
        };
        let mut writer = sink.writer("pull", LOCAL_ZONE, Some(factory));
        if let Format::Csv(mapping) = &self.format {
            writer.set_time_format(mapping.zone().unwrap_or(LOCAL_ZONE), mapping.time.format.clone());
        }
        writer.set_file_name(Some(strip_query(url)));
        let mut delay = Duration::from_millis(self.settings.retry_delay_ms);
        loop {
            let result = match writer.write(parsed.rows.clone()).await {
                Ok(counts) => writer.close().await.map(|_| counts),
                Err(error) => Err(error),
            };
            match result {
                Ok(counts) => return Some((parsed.records, counts, parsed.newest, parsed.problem)),
                Err(error) => {
                    sink.record_failure(&format!("could not store the response: {error}"))
                        .await;
                    if shutdown.sleep(delay).await {
                        return None;
                    }
                    delay = (delay * 2).min(Duration::from_secs(self.settings.max_retry_delay_secs));
                }
            }
        }
    }

    async fn fetch(
        &self,
        client: &reqwest::Client,
        url: &str,
        checkpoint: &ConnectorCheckpoint,
    ) -> Result<Fetched, FetchError> {
        let mut request = client.get(url);
        for (name, value) in &self.settings.headers {
            request = request.header(name, value);
        }
        if let Some(cursor) = &self.settings.cursor {
            let value = checkpoint.cursor.clone().or_else(|| cursor.initial.clone());
            if let Some(value) = value {
                request = request.query(&[(cursor.param.as_str(), value.as_str())]);
            }
        }
        if let Some(etag) = &checkpoint.etag {
            request = request.header(reqwest::header::IF_NONE_MATCH, etag);
        }
        if let Some(modified) = &checkpoint.last_modified {
            request = request.header(reqwest::header::IF_MODIFIED_SINCE, modified);
        }
        let mut response = request.send().await.map_err(|e| describe(url, &e))?;
        let status = response.status();
        if status == reqwest::StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified);
        }
        if !status.is_success() {
            let message = format!("GET {} answered {status}", strip_query(url));
            let transient = status.is_server_error()
                || status == reqwest::StatusCode::TOO_MANY_REQUESTS
                || status == reqwest::StatusCode::REQUEST_TIMEOUT;
            return Err(if transient {
                FetchError::Transient(message)
            } else {
                FetchError::Permanent(message)
            });
        }
        let header = |name: reqwest::header::HeaderName| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let etag = header(reqwest::header::ETAG);
        let last_modified = header(reqwest::header::LAST_MODIFIED);
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| describe(url, &e))? {
            if bytes.len() + chunk.len() > self.settings.max_response_bytes {
                return Err(FetchError::Permanent(format!(
                    "GET {} sent more than max_response_bytes ({})",
                    strip_query(url),
                    self.settings.max_response_bytes
                )));
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(Fetched::Body {
            bytes,
            etag,
            last_modified,
        })
    }

    fn parse(&self, bytes: &[u8]) -> Parsed {
        match &self.format {
            Format::Json { records, mapper } => parse_json(bytes, records, mapper),
            Format::Csv(mapping) => {
                let mut parsed = parse_csv(bytes, mapping);
                parsed.headers = read_headers(bytes, mapping).unwrap_or_default();
                parsed
            }
        }
    }
}

/// A factory that defines nothing: unknown series are rejected.
struct NoSeries;

impl SeriesFactory for NoSeries {
    fn define(&self, _key: &str, _row: &RawRow) -> Option<haidang_store::SeriesDefinition> {
        None
    }
}

fn parse_json(bytes: &[u8], records: &str, mapper: &JsonMapper) -> Parsed {
    let failed = |detail: String| {
        let raw = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).into_owned();
        Parsed {
            rows: vec![malformed_row(1, detail.clone(), raw)],
            records: 1,
            newest: None,
            problem: Some(detail),
            headers: Vec::new(),
        }
    };
    let document: serde_json::Value = match serde_json::from_slice(bytes) {
        Ok(document) => document,
        Err(error) => return failed(format!("the response is not JSON: {error}")),
    };
    let Some(items) = document.pointer(records).and_then(|v| v.as_array()) else {
        return failed(format!("the response has no array at {records:?}"));
    };
    let mut rows = Vec::with_capacity(items.len() * 2);
    let mut newest = None;
    for (index, item) in items.iter().enumerate() {
        let raw = item.to_string();
        let time = mapper.map(item, None, 0, index as i64 + 1, &raw, &mut rows);
        newest = newest.max(time);
    }
    Parsed {
        rows,
        records: items.len() as u64,
        newest,
        problem: None,
        headers: Vec::new(),
    }
}

fn parse_csv(bytes: &[u8], mapping: &Mapping) -> Parsed {
    let zone: Tz = mapping.zone().unwrap_or(LOCAL_ZONE);
    let mapped = match mapping.rows(bytes) {
        Ok(rows) => rows,
        Err(error) => {
            let raw = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).into_owned();
            let detail = error.to_string();
            return Parsed {
                rows: vec![malformed_row(1, detail.clone(), raw)],
                records: 1,
                newest: None,
                problem: Some(detail),
                headers: Vec::new(),
            };
        }
    };
    let mut rows = Vec::new();
    let mut problem = None;
    let mut newest: Option<i64> = None;
    let mut last_record = 0;
    for row in mapped {
        match row {
            Ok(row) => {
                let time = match &mapping.time.format {
                    Some(format) => parse_with_format(&row.time, format, zone),
                    None => parse_timestamp(&row.time, zone),
                };
                if let Ok(time) = time {
                    newest = newest.max(Some(time));
                }
                last_record = last_record.max(row.row);
                rows.push(row);
            }
            Err(error) => {
                problem = Some(error.to_string());
                break;
            }
        }
    }
    Parsed {
        rows,
        records: u64::try_from(last_record).unwrap_or(0),
        newest,
        problem,
        headers: Vec::new(),
    }
}

fn malformed_row(row: i64, detail: String, raw: String) -> RawRow {
    RawRow {
        row,
        series: String::new(),
        time: String::new(),
        value: RawValue::Malformed(detail),
        raw: RawText::Text(raw),
    }
}

fn describe(url: &str, error: &reqwest::Error) -> FetchError {
    let url = strip_query(url);
    if error.is_timeout() {
        FetchError::Transient(format!("GET {url} timed out"))
    } else if error.is_connect() {
        FetchError::Transient(format!("GET {url}: could not connect: {error}"))
    } else if error.is_builder() {
        FetchError::Permanent(format!("GET {url}: invalid request: {error}"))
    } else {
        FetchError::Transient(format!("GET {url}: {error}"))
    }
}

/// Drops the query of a URL, which may carry keys, for messages and batch names.
fn strip_query(url: &str) -> String {
    url.split('?').next().unwrap_or(url).to_owned()
}

/// Percent-encodes everything but unreserved characters.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn connector(schedule: &str, url: &str) -> PullConnector {
        let settings: PullSettings = serde_json::from_value(serde_json::json!({
            "url": url, "schedule": schedule,
            "json": {"records": "/data", "values": [{"pointer": "/v", "series": "s.{/site}"}],
                     "time": {"pointer": "/t"}}
        }))
        .expect("settings");
        settings.build("k", "src").expect("valid")
    }

    fn ms(text: &str) -> i64 {
        parse_timestamp(text, LOCAL_ZONE).expect("time")
    }

    #[test]
    fn slots_are_local_and_bounded() {
        let pull = connector("0 7 * * *", "http://127.0.0.1/x");
        let now = ms("2025-07-03T09:00:00+07:00");
        assert_eq!(pull.due_slots(None, now), vec![ms("2025-07-03T07:00:00+07:00")]);
        let after = ms("2025-07-01T07:00:00+07:00");
        assert_eq!(
            pull.due_slots(Some(after), now),
            vec![ms("2025-07-02T07:00:00+07:00"), ms("2025-07-03T07:00:00+07:00")]
        );
        assert_eq!(pull.next_slot(now), Some(ms("2025-07-04T07:00:00+07:00")));
        let long_ago = ms("2020-01-01T00:00:00+07:00");
        assert_eq!(pull.due_slots(Some(long_ago), now).len(), 24);
    }

    #[test]
    fn slot_placeholders_are_encoded() {
        let pull = connector("0 * * * *", "http://127.0.0.1/x?at={slot}&day={slot_date}");
        let url = pull.url_for(ms("2025-07-03T09:00:00+07:00"));
        assert_eq!(
            url,
            "http://127.0.0.1/x?at=2025-07-03T09%3A00%3A00%2B07%3A00&day=2025-07-03"
        );
    }

    #[test]
    fn settings_are_checked() {
        let build = |json: serde_json::Value| {
            serde_json::from_value::<PullSettings>(json)
                .expect("settings")
                .build("k", "src")
                .expect_err("invalid")
        };
        let base = serde_json::json!({"url": "ftp://x", "schedule": "* * * * *",
            "json": {"values": [{"pointer": "/v", "series": "s"}]}});
        assert_eq!(build(base.clone()).field, "pull.url");
        let mut json = base.clone();
        json["url"] = "http://x/{day}".into();
        assert!(matches!(build(json).problem, Problem::Placeholder { .. }));
        let mut json = base.clone();
        json["url"] = "http://x".into();
        json["schedule"] = "every hour".into();
        let error = build(json);
        assert_eq!(
            (error.field.as_str(), error.value.as_str()),
            ("pull.schedule", "every hour")
        );
    }
}
