//! MQTT messages per second from Mosquitto to durable storage, beside a bare rumqttc
//! subscriber that only counts the same messages.
//!
//! Run with `cargo bench -p haidang-connectors --bench mqtt_ingest` (or `make bench-mqtt`).
//! `HAIDANG_BENCH_MESSAGES` sets the number of messages (200,000 by default). A private
//! Mosquitto is started on a free loopback port with `max_queued_messages 0` and
//! `max_inflight_messages` from `HAIDANG_BENCH_INFLIGHT` (1000 by default). Two persistent
//! sessions subscribe, the messages are published once (each session queues them all),
//! then each subscriber drains its queue:
//!
//! - the bare subscriber: rumqttc with automatic acknowledgements, counting messages;
//! - the MQTT connector: mapping, one transaction per batch on SQLite (WAL), then manual
//!   acknowledgements, timed until the last value is committed.
//!
//! Two more rows tell where the connector's time goes: the mapping of the payloads alone,
//! and the store writes of mapped rows alone, in batches of the same size.

use std::error::Error;
use std::time::{Duration, Instant};

use haidang_connectors::definition::Connector;
use haidang_connectors::testing::Broker;
use haidang_connectors::{ConnectorSpec, Identity, Kind, Sink, shutdown_pair, system_clock};
use haidang_store::{Agency, ConnectorRecord, Source, Store};
use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS};

type BenchResult<T> = Result<T, Box<dyn Error>>;

const SITES: u64 = 20;
const START: u64 = 1_751_328_000;
const BATCH: usize = 1000;

fn env_number(name: &str, default: u64) -> BenchResult<u64> {
    match std::env::var(name) {
        Ok(text) => Ok(text
            .trim()
            .replace('_', "")
            .parse()
            .map_err(|e| format!("invalid {name}: {e}"))?),
        Err(_) => Ok(default),
    }
}

fn main() -> BenchResult<()> {
    let messages = env_number("HAIDANG_BENCH_MESSAGES", 200_000)?;
    let inflight = env_number("HAIDANG_BENCH_INFLIGHT", 1000)? as u32;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(run(messages, inflight))
}

fn message(i: u64) -> (String, Vec<u8>) {
    (
        format!("bench/s{:02}/pm25", i % SITES),
        format!("{{\"ts\":{},\"pm25\":{}.5}}", START + i, i % 500).into_bytes(),
    )
}

fn definition(port: u16) -> serde_json::Value {
    serde_json::json!({
        "source": "bench",
        "mqtt": {
            "host": "127.0.0.1", "port": port, "client_id": "haidang-bench",
            "topics": ["bench/+/pm25"], "max_batch_messages": BATCH, "max_batch_delay_ms": 50,
            "time": {"pointer": "/ts"},
            "values": [{"pointer": "/pm25", "series": "bench.{topic.1}.pm25"}],
            "create_series": {"name": "PM2.5 {topic.1}", "unit": "µg/m³"}
        }
    })
}

/// Creates a persistent session subscribed to the benchmark topics, then leaves.
async fn create_session(port: u16, client_id: &str) -> BenchResult<()> {
    let mut options = MqttOptions::new(client_id, "127.0.0.1", port);
    options.set_clean_session(false);
    let (client, mut eventloop) = AsyncClient::new(options, 10);
    client.subscribe("bench/+/pm25", QoS::AtLeastOnce).await?;
    loop {
        if let Event::Incoming(Packet::SubAck(_)) = eventloop.poll().await? {
            break;
        }
    }
    client.disconnect().await?;
    let _ = tokio::time::timeout(Duration::from_secs(1), eventloop.poll()).await;
    Ok(())
}

async fn publish(port: u16, messages: u64) -> BenchResult<Duration> {
    let mut options = MqttOptions::new("bench-publisher", "127.0.0.1", port);
    options.set_inflight(1000);
    let (client, mut eventloop) = AsyncClient::new(options, 2000);
    let acks = tokio::spawn(async move {
        let mut acked = 0;
        while acked < messages {
            match eventloop.poll().await {
                Ok(Event::Incoming(Packet::PubAck(_))) => acked += 1,
                Ok(_) => {}
                Err(error) => return Err(error.to_string()),
            }
        }
        Ok(())
    });
    let started = Instant::now();
    for i in 0..messages {
        let (topic, payload) = message(i);
        client.publish(topic, QoS::AtLeastOnce, false, payload).await?;
    }
    acks.await??;
    Ok(started.elapsed())
}

/// Drains the bare session's queue, acknowledging automatically, and counts.
async fn bare_subscriber(port: u16, messages: u64) -> BenchResult<Duration> {
    let mut options = MqttOptions::new("bench-bare", "127.0.0.1", port);
    options.set_clean_session(false);
    let (_client, mut eventloop) = AsyncClient::new(options, 1000);
    let started = Instant::now();
    let mut count = 0;
    while count < messages {
        if let Event::Incoming(Packet::Publish(_)) = eventloop.poll().await? {
            count += 1;
        }
    }
    Ok(started.elapsed())
}

async fn fresh_store(folder: &std::path::Path, name: &str) -> BenchResult<(Store, std::path::PathBuf)> {
    let path = folder.join(name);
    let store = Store::open(&format!("sqlite://{}", path.display())).await?;
    store.migrate().await?;
    store
        .upsert_agency(
            Agency {
                key: "bench".into(),
                name: "Benchmark".into(),
                responsible_person: "Benchmark".into(),
                responsible_title: None,
            },
            0,
        )
        .await?;
    store
        .upsert_source(
            Source {
                key: "bench".into(),
                name: "Benchmark".into(),
                agency_key: "bench".into(),
                kind: "mqtt".into(),
                simulated: true,
                expected_interval_secs: None,
                description: None,
                attribution: None,
            },
            0,
        )
        .await?;
    Ok((store, path))
}

fn connector(port: u16) -> BenchResult<haidang_connectors::mqtt::MqttConnector> {
    match ConnectorSpec::from_json(&definition(port))?.build("bench")? {
        Connector::Mqtt(connector) => Ok(*connector),
        _ => Err("not an MQTT connector".into()),
    }
}

fn sink(store: &Store) -> Sink {
    Sink::new(
        store.clone(),
        Identity {
            key: "bench".into(),
            kind: Kind::Mqtt,
            source: "bench".into(),
        },
        system_clock(),
    )
}

fn stored(path: &std::path::Path) -> u64 {
    rusqlite::Connection::open(path)
        .and_then(|c| c.query_row("SELECT count(*) FROM observations", [], |r| r.get(0)))
        .unwrap_or(0)
}

/// Runs the connector on its session until every value is committed.
async fn connector_run(port: u16, folder: &std::path::Path, messages: u64) -> BenchResult<Duration> {
    let (store, path) = fresh_store(folder, "connector.db").await?;
    store
        .upsert_connector(ConnectorRecord {
            key: "bench".into(),
            kind: "mqtt".into(),
            source_key: "bench".into(),
            definition: definition(port),
            enabled: true,
            origin: "api".into(),
            created_at: 0,
            updated_at: 0,
        })
        .await?;
    let (trigger, stop) = shutdown_pair();
    let started = Instant::now();
    let task = tokio::spawn(connector(port)?.run(sink(&store), stop));
    while stored(&path) < messages {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let elapsed = started.elapsed();
    trigger.trigger();
    task.await?;
    Ok(elapsed)
}

/// Maps every payload, as the connector does, without storing.
fn mapping_only(port: u16, messages: u64) -> BenchResult<Duration> {
    let connector = connector(port)?;
    let started = Instant::now();
    let mut rows = Vec::with_capacity(BATCH);
    for i in 0..messages {
        let (topic, payload) = message(i);
        connector.map_message(&topic, &payload, 0, (i % BATCH as u64) as i64 + 1, &mut rows);
        if rows.len() >= BATCH {
            rows.clear();
        }
    }
    Ok(started.elapsed())
}

/// Writes mapped rows in batches of the connector's size: validation, classification,
/// rollups and the commit, without MQTT.
async fn store_only(port: u16, folder: &std::path::Path, messages: u64) -> BenchResult<Duration> {
    let (store, _) = fresh_store(folder, "store.db").await?;
    let mapper = connector(port)?;
    let sink = sink(&store);
    let mut writer = sink.writer("mqtt", haidang_core::time::LOCAL_ZONE, None);
    // The series exist beforehand, as they do once a stream runs.
    for site in 0..SITES {
        store
            .upsert_series(
                haidang_store::SeriesDefinition {
                    key: format!("bench.s{site:02}.pm25"),
                    name: "PM2.5".into(),
                    unit: "µg/m³".into(),
                    indicator: None,
                    min: None,
                    max: None,
                    expected_interval_secs: None,
                    source_key: Some("bench".into()),
                    unit_code: None,
                    entity_key: None,
                },
                0,
            )
            .await?;
    }
    let mut batches = Vec::new();
    let mut rows = Vec::with_capacity(BATCH);
    for i in 0..messages {
        let (topic, payload) = message(i);
        mapper.map_message(&topic, &payload, 0, rows.len() as i64 + 1, &mut rows);
        if rows.len() >= BATCH {
            batches.push(std::mem::take(&mut rows));
        }
    }
    if !rows.is_empty() {
        batches.push(rows);
    }
    let started = Instant::now();
    for batch in batches {
        writer.write(batch).await?;
    }
    Ok(started.elapsed())
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned())
}

fn line(name: &str, messages: u64, elapsed: Duration) {
    let rate = messages as f64 / elapsed.as_secs_f64();
    println!("| {name} | {:.2} s | {rate:.0} |", elapsed.as_secs_f64());
}

async fn run(messages: u64, inflight: u32) -> BenchResult<()> {
    let broker = Broker::start(inflight)?;
    let port = broker.port();
    let folder = tempfile::tempdir()?;
    println!("Hải Đăng MQTT ingest benchmark");
    println!(
        "machine: {} logical CPUs, {}",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        cpu_model()
    );
    println!(
        "{messages} messages of one value each, {SITES} series, QoS 1; broker max_inflight_messages {inflight}; \
         connector max_batch_messages {BATCH}"
    );
    create_session(port, "bench-bare").await?;
    create_session(port, "haidang-bench").await?;
    let published = publish(port, messages).await?;
    println!();
    println!("| step | time | messages per second |");
    println!("| --- | ---: | ---: |");
    line("publish into Mosquitto (two queued copies)", messages, published);
    line(
        "bare rumqttc subscriber, counting only",
        messages,
        bare_subscriber(port, messages).await?,
    );
    line(
        "MQTT connector to SQLite, committed then acknowledged",
        messages,
        connector_run(port, folder.path(), messages).await?,
    );
    line("mapping of the payloads alone", messages, mapping_only(port, messages)?);
    line(
        "store writes of mapped rows alone, 1000 per transaction",
        messages,
        store_only(port, folder.path(), messages).await?,
    );
    Ok(())
}
