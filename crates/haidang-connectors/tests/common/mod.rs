//! Shared helpers: a store on a fresh SQLite file with one agency and source, connector
//! records, an MQTT publisher, and waiting for conditions.

#![allow(dead_code)]

use std::future::Future;
use std::time::{Duration, Instant};

use haidang_core::observation::{Aggregate, Step};
use haidang_store::{Agency, ConnectorRecord, ConnectorStatusRecord, Source, Store};
use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS};
use serde_json::Value;

pub const SOURCE: &str = "cam-bien";

pub struct TestStore {
    pub store: Store,
    pub dir: tempfile::TempDir,
}

pub async fn test_store() -> TestStore {
    let dir = tempfile::tempdir().expect("temporary folder");
    let url = format!("sqlite://{}", dir.path().join("haidang.db").display());
    let store = Store::open(&url).await.expect("open the store");
    store.migrate().await.expect("migrate");
    store
        .upsert_agency(
            Agency {
                key: "so-tnmt".into(),
                name: "Sở Tài nguyên và Môi trường".into(),
                responsible_person: "Nguyễn Văn A".into(),
                responsible_title: None,
            },
            0,
        )
        .await
        .expect("agency");
    store
        .upsert_source(
            Source {
                key: SOURCE.into(),
                name: "Mạng cảm biến không khí".into(),
                agency_key: "so-tnmt".into(),
                kind: "mqtt".into(),
                simulated: false,
                expected_interval_secs: Some(60),
                description: None,
                attribution: None,
            },
            0,
        )
        .await
        .expect("source");
    TestStore { store, dir }
}

/// Stores a connector definition as the API would.
pub async fn define(store: &Store, key: &str, kind: &str, definition: Value, now: i64) {
    store
        .upsert_connector(ConnectorRecord {
            key: key.into(),
            kind: kind.into(),
            source_key: SOURCE.into(),
            definition,
            enabled: true,
            origin: "api".into(),
            created_at: now,
            updated_at: now,
        })
        .await
        .expect("connector");
}

pub async fn status(store: &Store, key: &str) -> Option<ConnectorStatusRecord> {
    store
        .connector_statuses()
        .await
        .expect("statuses")
        .into_iter()
        .find(|s| s.connector_key == key)
}

/// Number of stored values of the series whose key starts with `prefix`.
pub async fn value_count(store: &Store, prefix: &str) -> usize {
    let mut count = 0;
    for summary in store.series_summaries().await.expect("series") {
        if summary.record.definition.key.starts_with(prefix) {
            count += store
                .points(summary.record.id, i64::MIN / 4, i64::MAX / 4, Step::Raw, Aggregate::Avg)
                .await
                .expect("points")
                .len();
        }
    }
    count
}

/// Waits until `check` holds, polling every 50 ms; fails the test after `limit`.
pub async fn wait_for<F, Fut>(what: &str, limit: Duration, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = Instant::now() + limit;
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Publishes every message with QoS 1 and returns once the broker acknowledged them all.
pub async fn publish(port: u16, messages: Vec<(String, Vec<u8>)>) {
    let mut options = MqttOptions::new(format!("publisher-{}", uuid_like()), "127.0.0.1", port);
    options.set_inflight(500);
    options.set_keep_alive(Duration::from_secs(30));
    let (client, mut eventloop) = AsyncClient::new(options, 1000);
    let expected = messages.len();
    let acks = tokio::spawn(async move {
        let mut acked = 0;
        while acked < expected {
            match eventloop.poll().await {
                Ok(Event::Incoming(Packet::PubAck(_))) => acked += 1,
                Ok(_) => {}
                Err(error) => panic!("publisher connection failed: {error}"),
            }
        }
        eventloop
    });
    for (topic, payload) in messages {
        client
            .publish(topic, QoS::AtLeastOnce, false, payload)
            .await
            .expect("publish");
    }
    let mut eventloop = tokio::time::timeout(Duration::from_secs(60), acks)
        .await
        .expect("broker acknowledged in time")
        .expect("publisher task");
    client.disconnect().await.expect("disconnect");
    let _ = tokio::time::timeout(Duration::from_secs(1), eventloop.poll()).await;
}

fn uuid_like() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default()
}

/// A message of station `site` at `ts` (epoch seconds) with PM2.5 `value`.
pub fn reading(site: &str, ts: i64, value: f64) -> (String, Vec<u8>) {
    (
        format!("tram/{site}/khong-khi"),
        serde_json::json!({"ts": ts, "pm25": value}).to_string().into_bytes(),
    )
}

/// The MQTT definition used by the tests.
pub fn mqtt_definition(port: u16, client_id: &str) -> Value {
    serde_json::json!({
        "source": SOURCE,
        "mqtt": {
            "host": "127.0.0.1",
            "port": port,
            "client_id": client_id,
            "topics": ["tram/+/khong-khi"],
            "max_batch_messages": 500,
            "max_batch_delay_ms": 50,
            "reconnect_min_delay_ms": 100,
            "reconnect_max_delay_secs": 1,
            "time": {"pointer": "/ts"},
            "values": [{"pointer": "/pm25", "series": "air.{topic.1}.pm25", "missing": ["-999"]}],
            "create_series": {"name": "PM2.5 {topic.1}", "unit": "µg/m³", "indicator": "pm25", "min": 0, "max": 1000}
        }
    })
}
