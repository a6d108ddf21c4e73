//! The real `haidang serve` process, killed with SIGKILL in the middle of a stream of
//! 100,000 MQTT messages from a private Mosquitto broker, loses nothing: after a restart
//! every published message is stored exactly once, and redelivered messages are counted as
//! duplicates, not as new values.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use haidang_connectors::testing::{Broker, free_port};
use haidang_store::{Agency, Source, Store};
use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS};

const MESSAGES: i64 = 100_000;
const SITES: i64 = 20;
const START: i64 = 1_751_328_000; // 2025-07-01T00:00:00Z

struct Service {
    child: Child,
}

impl Service {
    fn start(config: &Path, log: &Path) -> Self {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .expect("log file");
        let child = Command::new(env!("CARGO_BIN_EXE_haidang"))
            .arg("--config")
            .arg(config)
            .arg("serve")
            .env_remove("HAIDANG_DATABASE_URL")
            .env_remove("HAIDANG_LISTEN")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .expect("start haidang serve");
        Self { child }
    }

    /// SIGKILL: no shutdown code runs.
    fn kill(mut self) {
        self.child.kill().expect("kill -9");
        self.child.wait().expect("reap");
    }

    /// SIGTERM, then wait for a clean exit.
    fn stop(mut self) {
        let pid = self.child.id().to_string();
        let status = Command::new("kill").args(["-TERM", &pid]).status().expect("kill -TERM");
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                assert!(status.success(), "haidang serve exited with {status}");
                return;
            }
            assert!(Instant::now() < deadline, "haidang serve did not stop");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn stored(database: &Path) -> i64 {
    let connection = rusqlite::Connection::open(database).expect("open the database");
    connection.busy_timeout(Duration::from_secs(10)).expect("busy timeout");
    connection
        .query_row(
            "SELECT count(*) FROM observations o JOIN series s ON s.id = o.series_id WHERE s.key LIKE 'crash.%'",
            [],
            |r| r.get(0),
        )
        .unwrap_or(0)
}

/// Rows, accepted and duplicates of the batches opened in `[from, to)`; written in the
/// same transactions as the values, so exact across a kill.
fn batch_counts(database: &Path, from: i64, to: i64) -> (i64, i64, i64) {
    let connection = rusqlite::Connection::open(database).expect("open the database");
    connection.busy_timeout(Duration::from_secs(10)).expect("busy timeout");
    connection
        .query_row(
            "SELECT coalesce(sum(row_count), 0), coalesce(sum(accepted), 0), coalesce(sum(duplicates), 0)
             FROM batches WHERE format = 'mqtt' AND received_at >= ?1 AND received_at < ?2",
            [from, to],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("batch counts")
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

async fn wait_for(what: &str, limit: Duration, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn message(i: i64) -> (String, Vec<u8>) {
    let topic = format!("tram/s{:02}/khong-khi", i % SITES);
    let payload = format!("{{\"ts\":{},\"pm25\":{}}}", START + i, i);
    (topic, payload.into_bytes())
}

/// Publishes messages `range` with QoS 1; returns when the broker acknowledged all.
async fn publish(port: u16, range: std::ops::Range<i64>) {
    let mut options = MqttOptions::new(format!("crash-publisher-{}", range.start), "127.0.0.1", port);
    options.set_inflight(1000).set_keep_alive(Duration::from_secs(60));
    let (client, mut eventloop) = AsyncClient::new(options, 2000);
    let expected = (range.end - range.start) as usize;
    let acks = tokio::spawn(async move {
        let mut acked = 0;
        while acked < expected {
            match eventloop.poll().await {
                Ok(Event::Incoming(Packet::PubAck(_))) => acked += 1,
                Ok(_) => {}
                Err(error) => panic!("publisher: {error}"),
            }
        }
    });
    for i in range {
        let (topic, payload) = message(i);
        client
            .publish(topic, QoS::AtLeastOnce, false, payload)
            .await
            .expect("publish");
    }
    tokio::time::timeout(Duration::from_secs(120), acks)
        .await
        .expect("broker acknowledged the stream")
        .expect("publisher");
}

async fn prepare(database: &Path) {
    let store = Store::open(&format!("sqlite://{}", database.display()))
        .await
        .expect("store");
    store.migrate().await.expect("migrate");
    store
        .upsert_agency(
            Agency {
                key: "so-tnmt".into(),
                name: "Sở Tài nguyên và Môi trường".into(),
                responsible_person: "Trần Thị B".into(),
                responsible_title: None,
            },
            0,
        )
        .await
        .expect("agency");
    store
        .upsert_source(
            Source {
                key: "cam-bien".into(),
                name: "Mạng cảm biến".into(),
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
}

fn write_config(dir: &Path, database: &Path, broker: u16) -> PathBuf {
    let config = dir.join("haidang.toml");
    let text = format!(
        r#"listen = "127.0.0.1:{listen}"
database_url = "sqlite://{database}"

[[connectors]]
key = "crash"
source = "cam-bien"

[connectors.mqtt]
host = "127.0.0.1"
port = {broker}
client_id = "haidang-crash-test"
topics = ["tram/+/khong-khi"]
max_batch_messages = 1000
max_batch_delay_ms = 50
reconnect_min_delay_ms = 100
reconnect_max_delay_secs = 1
time = {{ pointer = "/ts" }}
values = [{{ pointer = "/pm25", series = "crash.{{topic.1}}.pm25" }}]
create_series = {{ name = "PM2.5 {{topic.1}}", unit = "µg/m³" }}
"#,
        listen = free_port().expect("port"),
        database = database.display(),
    );
    std::fs::write(&config, text).expect("config");
    config
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_during_a_stream_loses_nothing() {
    let broker = Broker::start(1000).expect("mosquitto");
    let dir = tempfile::tempdir().expect("folder");
    let database = dir.path().join("haidang.db");
    let log = dir.path().join("haidang.log");
    prepare(&database).await;
    let config = write_config(dir.path(), &database, broker.port());
    let report = |what: &str| format!("{what}; log:\n{}", std::fs::read_to_string(&log).unwrap_or_default());

    // First start: wait until the subscription is in place (a probe arrives).
    let service = Service::start(&config, &log);
    let mut probe = MESSAGES;
    let deadline = Instant::now() + Duration::from_secs(60);
    while stored(&database) == 0 {
        assert!(Instant::now() < deadline, "{}", report("no probe arrived"));
        publish(broker.port(), probe..probe + 1).await;
        probe += 1;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let probes = stored(&database);

    // Stream 100,000 messages and kill the service while they arrive.
    let port = broker.port();
    let stream = tokio::spawn(publish(port, 0..MESSAGES));
    wait_for("a fifth of the stream to be stored", Duration::from_secs(120), || {
        stored(&database) >= probes + MESSAGES / 5
    })
    .await;
    service.kill();
    let at_kill = stored(&database) - probes;
    assert!(at_kill < MESSAGES, "the service was killed after the stream ended");
    stream.await.expect("the broker acknowledged every message");
    let restart = now_ms();
    let (_, accepted_first, _) = batch_counts(&database, 0, restart);
    assert_eq!(
        accepted_first,
        probes + at_kill,
        "what the first run stored, it counted once"
    );

    // Restart: the broker delivers what was not acknowledged, and the rest of the stream.
    let service = Service::start(&config, &log);
    wait_for("every message to be stored", Duration::from_secs(180), || {
        stored(&database) == probes + MESSAGES
    })
    .await;
    // Give redeliveries a moment, then stop cleanly so that the counts are written.
    tokio::time::sleep(Duration::from_millis(500)).await;
    service.stop();
    assert_eq!(stored(&database), probes + MESSAGES, "{}", report("count after stop"));

    // Exactly once, with the published values.
    let connection = rusqlite::Connection::open(&database).expect("open");
    let (count, sum, wrong): (i64, f64, i64) = connection
        .query_row(
            "SELECT count(*), sum(o.value), sum(o.ts != (?1 + CAST(o.value AS INTEGER)) * 1000)
             FROM observations o JOIN series s ON s.id = o.series_id
             WHERE s.key LIKE 'crash.%' AND o.value < ?2",
            [START, MESSAGES],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("query");
    assert_eq!(count, MESSAGES);
    assert_eq!(sum, (MESSAGES * (MESSAGES - 1) / 2) as f64);
    assert_eq!(wrong, 0, "every value at its own time");
    let per_site: Vec<i64> = connection
        .prepare("SELECT count(*) FROM observations o JOIN series s ON s.id = o.series_id WHERE s.key LIKE 'crash.s%' GROUP BY s.key")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(per_site.len(), SITES as usize);

    // Redelivered messages are duplicates: the second run accepted exactly what was missing.
    let (received_second, accepted_second, duplicates_second) = batch_counts(&database, restart, i64::MAX);
    assert_eq!(
        accepted_second,
        MESSAGES - at_kill,
        "{}",
        report("accepted in the second run")
    );
    assert_eq!(received_second, accepted_second + duplicates_second);
    let state: String = connection
        .query_row(
            "SELECT state FROM connector_status WHERE connector_key = 'crash'",
            [],
            |r| r.get(0),
        )
        .expect("status");
    assert_eq!(state, "stopped");
    eprintln!(
        "stored before the kill: {at_kill}; second run: {received_second} received, {accepted_second} accepted, \
         {duplicates_second} redelivered duplicates"
    );
}
