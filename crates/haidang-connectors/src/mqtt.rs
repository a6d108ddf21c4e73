//! MQTT: subscribes to an existing broker and stores what arrives.
//!
//! The session is persistent (`clean_session = false` under a stable client id) and the
//! subscriptions are QoS 1, so the broker keeps messages while the service is down.
//! Messages are acknowledged by hand, only after the transaction that stores them has
//! committed: a crash before that makes the broker deliver them again, and the duplicate
//! detection of the store recognises the values already stored. For that to hold, take the
//! time from the payload; with the arrival time a redelivered message gets a new time.
//!
//! Messages are written in batches: a batch is written when it holds
//! `max_batch_messages`, when its first message has waited `max_batch_delay_ms`, or when no
//! further message arrived for 2 ms (the broker may be waiting for acknowledgements before
//! it sends more). The broker must allow at least `max_batch_messages` unacknowledged
//! messages in flight (`max_inflight_messages` in Mosquitto) for full batches.

use std::time::{Duration, Instant};

use haidang_ingest::{RawRow, RawText, RawValue};
use rumqttc::{AsyncClient, Event, MqttOptions, Outgoing, Packet, Publish, QoS, SubscribeReasonCode};
use serde::Deserialize;
use tokio::sync::mpsc;

use crate::definition::check_key;
use crate::error::{ConfigError, Problem};
use crate::json_map::{JsonMapper, SeriesTemplateConfig, TimeField, ValueField};
use crate::shutdown::Shutdown;
use crate::sink::{Sink, State};
use crate::template::Topic;

fn default_port() -> u16 {
    1883
}
fn default_keep_alive_secs() -> u64 {
    30
}
fn default_timeout_secs() -> u64 {
    10
}
fn default_max_batch_messages() -> usize {
    1000
}
fn default_max_batch_delay_ms() -> u64 {
    200
}
fn default_reconnect_min_delay_ms() -> u64 {
    500
}
fn default_reconnect_max_delay_secs() -> u64 {
    30
}
fn default_max_payload_bytes() -> usize {
    256 * 1024
}

/// Settings of an MQTT connector (`[connectors.mqtt]`).
///
/// NOTE: connections are plain TCP (`mqtt://`); TLS to the broker is not supported yet.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MqttSettings {
    /// Host name or address of the broker.
    pub host: String,
    #[serde(default = "default_port")]
    pub port: u16,
    /// Client id of the persistent session; `haidang-{key}` when absent. Keep it stable:
    /// a new id starts a new session, and messages queued for the old one stay there.
    pub client_id: Option<String>,
    pub username: Option<String>,
    pub password: Option<String>,
    /// Topic filters, with `+` and `#` wildcards.
    pub topics: Vec<String>,
    #[serde(default = "default_keep_alive_secs")]
    pub keep_alive_secs: u64,
    /// Time allowed to connect to the broker.
    #[serde(default = "default_timeout_secs")]
    pub timeout_secs: u64,
    #[serde(default = "default_max_batch_messages")]
    pub max_batch_messages: usize,
    #[serde(default = "default_max_batch_delay_ms")]
    pub max_batch_delay_ms: u64,
    /// First wait before reconnecting; it doubles after each failure.
    #[serde(default = "default_reconnect_min_delay_ms")]
    pub reconnect_min_delay_ms: u64,
    #[serde(default = "default_reconnect_max_delay_secs")]
    pub reconnect_max_delay_secs: u64,
    /// Larger payloads are kept as rejected rows without being read.
    #[serde(default = "default_max_payload_bytes")]
    pub max_payload_bytes: usize,
    /// Time of the values; the arrival time when absent.
    pub time: Option<TimeField>,
    pub values: Vec<ValueField>,
    /// Defines series met for the first time; without it their values are rejected as
    /// unknown series.
    pub create_series: Option<SeriesTemplateConfig>,
}

/// A validated MQTT connector.
#[derive(Debug)]
pub struct MqttConnector {
    settings: MqttSettings,
    client_id: String,
    mapper: JsonMapper,
}

fn range<T: PartialOrd + ToString>(field: &str, value: T, min: T, max: T) -> Result<(), ConfigError> {
    if value < min || value > max {
        return Err(ConfigError::out_of_range(field, value, min, max));
    }
    Ok(())
}

/// Checks an MQTT topic filter.
pub fn check_topic_filter(field: &str, filter: &str) -> Result<(), ConfigError> {
    let levels: Vec<&str> = filter.split('/').collect();
    let valid = !filter.is_empty()
        && !filter.contains('\0')
        && levels.iter().enumerate().all(|(index, level)| {
            let wildcard_ok = !level.contains('+') || *level == "+";
            let hash_ok = !level.contains('#') || (*level == "#" && index == levels.len() - 1);
            wildcard_ok && hash_ok
        });
    if valid {
        Ok(())
    } else {
        Err(ConfigError::new(field, filter, Problem::TopicFilter))
    }
}

impl MqttSettings {
    pub fn build(self, key: &str, source: &str) -> Result<MqttConnector, ConfigError> {
        if self.host.trim().is_empty() {
            return Err(ConfigError::required("mqtt.host"));
        }
        range("mqtt.port", self.port, 1, u16::MAX)?;
        if self.topics.is_empty() {
            return Err(ConfigError::required("mqtt.topics"));
        }
        for (index, topic) in self.topics.iter().enumerate() {
            check_topic_filter(&format!("mqtt.topics[{index}]"), topic)?;
        }
        range("mqtt.keep_alive_secs", self.keep_alive_secs, 5, 3600)?;
        range("mqtt.timeout_secs", self.timeout_secs, 1, 300)?;
        range("mqtt.max_batch_messages", self.max_batch_messages, 1, 50_000)?;
        range("mqtt.max_batch_delay_ms", self.max_batch_delay_ms, 1, 60_000)?;
        range("mqtt.reconnect_min_delay_ms", self.reconnect_min_delay_ms, 10, 60_000)?;
        range("mqtt.reconnect_max_delay_secs", self.reconnect_max_delay_secs, 1, 3600)?;
        range("mqtt.max_payload_bytes", self.max_payload_bytes, 64, 16 * 1024 * 1024)?;
        let client_id = match &self.client_id {
            Some(id) if id.trim().is_empty() => return Err(ConfigError::required("mqtt.client_id")),
            Some(id) => id.clone(),
            None => format!("haidang-{key}"),
        };
        if self.username.is_none() && self.password.is_some() {
            return Err(ConfigError::required("mqtt.username"));
        }
        check_key("source", source)?;
        let mapper = JsonMapper::compile(
            "mqtt",
            self.time.as_ref(),
            &self.values,
            self.create_series.as_ref(),
            true,
            source,
        )?;
        Ok(MqttConnector {
            settings: self,
            client_id,
            mapper,
        })
    }
}

/// What the network task hands to the writing task.
enum Incoming {
    Message(Publish, i64),
    Connected,
    Failed(String),
}

/// A batch is written when no message arrived for this long.
const IDLE_FLUSH: Duration = Duration::from_millis(2);

impl MqttConnector {
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// Maps one message to rows numbered `row`; returns the newest valid time.
    pub fn map_message(
        &self,
        topic: &str,
        payload: &[u8],
        arrival_ms: i64,
        row: i64,
        out: &mut Vec<RawRow>,
    ) -> Option<i64> {
        let raw = format!("{topic}\n{}", String::from_utf8_lossy(payload));
        let malformed = |detail: String, out: &mut Vec<RawRow>| {
            out.push(RawRow {
                row,
                series: String::new(),
                time: String::new(),
                value: RawValue::Malformed(detail),
                raw: RawText::Text(raw.clone()),
            });
        };
        if payload.len() > self.settings.max_payload_bytes {
            let detail = format!(
                "payload of {} bytes exceeds max_payload_bytes ({})",
                payload.len(),
                self.settings.max_payload_bytes
            );
            let mut kept = String::from_utf8_lossy(&payload[..1024.min(payload.len())]).into_owned();
            kept.insert_str(0, &format!("{topic}\n"));
            out.push(RawRow {
                row,
                series: String::new(),
                time: String::new(),
                value: RawValue::Malformed(detail),
                raw: RawText::Text(kept),
            });
            return None;
        }
        let document: serde_json::Value = match serde_json::from_slice(payload) {
            Ok(document) => document,
            Err(error) => {
                malformed(format!("the payload is not JSON: {error}"), out);
                return None;
            }
        };
        let levels: Vec<&str> = topic.split('/').collect();
        let topic = Topic {
            name: topic,
            levels: &levels,
        };
        self.mapper.map(&document, Some(topic), arrival_ms, row, &raw, out)
    }

    fn options(&self) -> MqttOptions {
        let s = &self.settings;
        let mut options = MqttOptions::new(self.client_id.clone(), s.host.clone(), s.port);
        options
            .set_clean_session(false)
            .set_manual_acks(true)
            .set_keep_alive(Duration::from_secs(s.keep_alive_secs))
            .set_max_packet_size(s.max_payload_bytes + 64 * 1024, 64 * 1024);
        if let Some(username) = &s.username {
            options.set_credentials(username.clone(), s.password.clone().unwrap_or_default());
        }
        options
    }

    /// Runs until `shutdown`: connects, subscribes, stores and acknowledges.
    pub async fn run(self, sink: Sink, shutdown: Shutdown) {
        let s = &self.settings;
        sink.set_state(State::Starting).await;
        let capacity = s.max_batch_messages * 8 + 64;
        let (client, mut eventloop) = AsyncClient::new(self.options(), capacity);
        let mut network = eventloop.network_options();
        network.set_connection_timeout(s.timeout_secs);
        eventloop.set_network_options(network);
        let (sender, mut receiver) = mpsc::channel::<Incoming>(s.max_batch_messages * 2);

        let filters = s.topics.clone();
        let subscriber = client.clone();
        let min_delay = Duration::from_millis(s.reconnect_min_delay_ms);
        let max_delay = Duration::from_secs(s.reconnect_max_delay_secs);
        let clock = sink.clock();
        let network_task = tokio::spawn(async move {
            let mut delay = min_delay;
            loop {
                let incoming = match eventloop.poll().await {
                    Ok(Event::Incoming(Packet::Publish(publish))) => Incoming::Message(publish, clock()),
                    Ok(Event::Incoming(Packet::ConnAck(ack))) => {
                        delay = min_delay;
                        if !ack.session_present {
                            let topics = filters
                                .iter()
                                .map(|f| rumqttc::SubscribeFilter::new(f.clone(), QoS::AtLeastOnce));
                            if let Err(error) = subscriber.try_subscribe_many(topics) {
                                tracing::warn!(%error, "could not ask for the subscriptions");
                            }
                        }
                        Incoming::Connected
                    }
                    Ok(Event::Incoming(Packet::SubAck(ack))) => {
                        if ack
                            .return_codes
                            .iter()
                            .any(|c| matches!(c, SubscribeReasonCode::Failure))
                        {
                            Incoming::Failed(
                                "the broker refused a subscription: check the topic filters and the ACL".to_owned(),
                            )
                        } else {
                            continue;
                        }
                    }
                    Ok(Event::Outgoing(Outgoing::Disconnect)) => break,
                    Ok(_) => continue,
                    Err(error) => {
                        let failed = Incoming::Failed(format!("MQTT connection: {error}"));
                        if sender.send(failed).await.is_err() {
                            break;
                        }
                        tokio::time::sleep(delay).await;
                        delay = (delay * 2).min(max_delay);
                        continue;
                    }
                };
                if sender.send(incoming).await.is_err() {
                    break;
                }
            }
        });

        let mut writer = sink.writer("mqtt", haidang_core::time::LOCAL_ZONE, Some(&self.mapper));
        let mut pending: Vec<(Publish, i64)> = Vec::with_capacity(s.max_batch_messages);
        let max_delay = Duration::from_millis(s.max_batch_delay_ms);
        'receive: loop {
            let first = tokio::select! {
                biased;
                () = shutdown.requested() => break 'receive,
                item = receiver.recv() => item,
                () = tokio::time::sleep(Duration::from_secs(1)) => {
                    // Quiet: write the counts that wait for the next status write.
                    sink.flush_status().await;
                    continue;
                }
            };
            let Some(first) = first else { break };
            self.take(first, &mut pending, &sink).await;
            if pending.is_empty() {
                continue;
            }
            let deadline = Instant::now() + max_delay;
            while pending.len() < s.max_batch_messages {
                match receiver.try_recv() {
                    Ok(item) => {
                        self.take(item, &mut pending, &sink).await;
                        continue;
                    }
                    Err(mpsc::error::TryRecvError::Disconnected) => break,
                    Err(mpsc::error::TryRecvError::Empty) => {}
                }
                let wait = deadline.saturating_duration_since(Instant::now()).min(IDLE_FLUSH);
                if wait.is_zero() {
                    break;
                }
                match tokio::time::timeout(wait, receiver.recv()).await {
                    Ok(Some(item)) => self.take(item, &mut pending, &sink).await,
                    Ok(None) | Err(_) => break,
                }
            }
            if !self.flush(&mut pending, &mut writer, &client, &sink, &shutdown).await {
                break;
            }
        }
        // Messages received but not stored are not acknowledged: the broker keeps them.
        if let Err(error) = writer.close().await {
            tracing::debug!(%error, "could not close the open batch");
        }
        let _ = client.try_disconnect();
        let mut network_task = network_task;
        if tokio::time::timeout(Duration::from_secs(2), &mut network_task)
            .await
            .is_err()
        {
            network_task.abort();
        }
        sink.set_state(State::Stopped).await;
        sink.flush_status().await;
    }

    async fn take(&self, item: Incoming, pending: &mut Vec<(Publish, i64)>, sink: &Sink) {
        match item {
            Incoming::Message(publish, arrival) => pending.push((publish, arrival)),
            Incoming::Connected => {
                tracing::debug!(client_id = %self.client_id, "connected to the MQTT broker");
                sink.set_state(State::Running).await;
            }
            Incoming::Failed(error) => sink.record_failure(&error).await,
        }
    }

    /// Stores the pending messages, retrying until it succeeds or shutdown is asked for,
    /// then acknowledges them. Returns `false` on shutdown.
    async fn flush(
        &self,
        pending: &mut Vec<(Publish, i64)>,
        writer: &mut crate::sink::BatchWriter<'_>,
        client: &AsyncClient,
        sink: &Sink,
        shutdown: &Shutdown,
    ) -> bool {
        let mut delay = Duration::from_millis(self.settings.reconnect_min_delay_ms);
        loop {
            let mut rows = Vec::with_capacity(pending.len() * self.settings.values.len());
            let mut newest: Option<i64> = None;
            for (index, (publish, arrival)) in pending.iter().enumerate() {
                let time = self.map_message(&publish.topic, &publish.payload, *arrival, index as i64 + 1, &mut rows);
                newest = newest.max(time);
            }
            match writer.write(rows).await {
                Ok(counts) => {
                    for (publish, _) in pending.iter() {
                        if let Err(error) = client.try_ack(publish) {
                            tracing::debug!(%error, "could not queue an acknowledgement; the broker will resend");
                        }
                    }
                    let received = pending.len() as u64;
                    pending.clear();
                    sink.record_success(received, counts, newest).await;
                    return true;
                }
                Err(error) => {
                    sink.record_failure(&format!("could not store the messages: {error}"))
                        .await;
                    if shutdown.sleep(delay).await {
                        return false;
                    }
                    delay = (delay * 2).min(Duration::from_secs(self.settings.reconnect_max_delay_secs));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(json: serde_json::Value) -> MqttSettings {
        serde_json::from_value(json).expect("settings")
    }

    #[test]
    fn topic_filters() {
        for good in ["a/b", "a/+/c", "a/#", "#", "+", "tram/+/khong-khi"] {
            assert!(check_topic_filter("t", good).is_ok(), "{good}");
        }
        for bad in ["", "a/#/c", "a/b#", "a+/b"] {
            assert!(check_topic_filter("t", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn validation_names_field_value_and_range() {
        let base = serde_json::json!({"host": "127.0.0.1", "topics": ["a/+"],
            "values": [{"pointer": "/v", "series": "a.{topic.1}"}]});
        let mut json = base.clone();
        json["max_batch_messages"] = 0.into();
        let error = settings(json).build("k", "s").expect_err("range");
        assert_eq!(error.field, "mqtt.max_batch_messages");
        assert_eq!(error.value, "0");
        assert!(error.to_string().contains("from 1 to 50000"), "{error}");
        let connector = settings(base).build("k", "s").expect("valid");
        assert_eq!(connector.client_id(), "haidang-k");
    }

    #[test]
    fn unmappable_payload_becomes_a_malformed_row() {
        let connector = settings(serde_json::json!({"host": "h", "topics": ["a/+"],
            "values": [{"pointer": "/v", "series": "a.{topic.1}"}]}))
        .build("k", "s")
        .expect("valid");
        let mut rows = Vec::new();
        connector.map_message("a/x", b"not json", 0, 1, &mut rows);
        assert_eq!(rows.len(), 1);
        assert!(matches!(rows[0].value, RawValue::Malformed(_)));
        assert_eq!(rows[0].raw.render(), "a/x\nnot json");
    }
}
