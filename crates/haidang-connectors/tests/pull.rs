//! The pull connector against a local HTTP server started by the test on 127.0.0.1: the
//! server fails, times out, then recovers, and every row is stored exactly once.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use common::*;
use haidang_connectors::{Supervisor, shutdown_pair, system_clock};
use haidang_core::time::{LOCAL_ZONE, parse_timestamp};
use haidang_store::ConnectorCheckpoint;
use serde_json::{Value, json};

const BASE: i64 = 1_751_328_000; // 2025-07-01T00:00:00Z

#[derive(Debug, Clone, Default)]
struct Seen {
    since: Option<String>,
    if_none_match: Option<String>,
    at: Option<String>,
    /// Status answered; 0 while unanswered or when the client gave up.
    answered: u16,
    number: usize,
}

#[derive(Default)]
struct Remote {
    records: Vec<Value>,
    seen: Vec<Seen>,
    requests: usize,
}

type Shared = Arc<Mutex<Remote>>;

fn record(index: i64) -> Value {
    let site = if index % 2 == 0 { "bac-binh" } else { "ham-thuan" };
    let time = chrono::DateTime::from_timestamp(BASE + index * 60, 0).expect("time");
    json!({"site": site, "time": time.to_rfc3339(), "rain_mm": index as f64 / 10.0})
}

async fn readings(
    State(remote): State<Shared>,
    Query(query): Query<Vec<(String, String)>>,
    headers: HeaderMap,
) -> Response {
    let param = |name: &str| query.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let mut seen = Seen {
        since: param("since"),
        if_none_match: headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        at: param("at"),
        answered: 0,
        number: 0,
    };
    let number = {
        let mut remote = remote.lock().unwrap();
        remote.requests += 1;
        seen.number = remote.requests;
        remote.seen.push(seen.clone());
        remote.requests
    };
    let (status, response) = match number {
        1 => (500, StatusCode::INTERNAL_SERVER_ERROR.into_response()),
        2 => {
            // Longer than the connector's timeout.
            tokio::time::sleep(Duration::from_secs(3)).await;
            (504, StatusCode::GATEWAY_TIMEOUT.into_response())
        }
        _ => {
            let remote = remote.lock().unwrap();
            let since = seen.since.as_deref().and_then(|s| parse_timestamp(s, LOCAL_ZONE).ok());
            let data: Vec<&Value> = remote
                .records
                .iter()
                .filter(|r| {
                    let time = parse_timestamp(r["time"].as_str().unwrap_or_default(), LOCAL_ZONE).unwrap_or(0);
                    since.is_none_or(|s| time > s)
                })
                .collect();
            let etag = format!("\"{}-{}\"", data.len(), seen.since.clone().unwrap_or_default());
            if seen.if_none_match.as_deref() == Some(etag.as_str()) {
                (304, StatusCode::NOT_MODIFIED.into_response())
            } else {
                let body = json!({"data": data}).to_string();
                (200, ([(header::ETAG, etag)], body).into_response())
            }
        }
    };
    // A request whose client gave up is dropped before this point: it keeps 0.
    let mut remote = remote.lock().unwrap();
    if let Some(entry) = remote.seen.iter_mut().find(|s| s.number == number) {
        entry.answered = status;
    }
    response
}

async fn serve(remote: Shared) -> u16 {
    let app = Router::new().route("/readings", get(readings)).with_state(remote);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("address").port();
    tokio::spawn(async move { axum::serve(listener, app).await });
    port
}

fn definition(url: String, schedule: &str) -> Value {
    json!({
        "source": SOURCE,
        "pull": {
            "url": url,
            "schedule": schedule,
            "timeout_secs": 1,
            "max_retries": 3,
            "retry_delay_ms": 100,
            "max_backfill_slots": 3,
            "cursor": {"param": "since"},
            "json": {
                "records": "/data",
                "time": {"pointer": "/time"},
                "values": [{"pointer": "/rain_mm", "series": "rain.{/site}"}],
                "create_series": {"name": "Lượng mưa {/site}", "unit": "mm", "indicator": "rain"}
            }
        }
    })
}

fn start(store: &haidang_store::Store) -> (haidang_connectors::ShutdownTrigger, tokio::task::JoinHandle<()>) {
    let (trigger, stop) = shutdown_pair();
    let task = tokio::spawn(
        Supervisor::new(store.clone(), system_clock())
            .with_reload_interval(Duration::from_millis(100))
            .run(stop),
    );
    (trigger, task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failure_timeout_and_recovery_store_every_row_once() {
    let remote: Shared = Arc::default();
    remote.lock().unwrap().records = (0..50).map(record).collect();
    let port = serve(remote.clone()).await;
    let test = test_store().await;
    let store = test.store.clone();
    let url = format!("http://127.0.0.1:{port}/readings");
    define(&store, "rain", "pull", definition(url, "* * * * * *"), 1).await;

    let (trigger, task) = start(&store);
    wait_for("the first 50 rows", Duration::from_secs(30), || async {
        value_count(&store, "rain.").await == 50
    })
    .await;
    let status_now = status(&store, "rain").await.expect("status");
    let last_error = status_now.last_error.clone().unwrap_or_default();
    assert!(
        last_error.contains("timed out") || last_error.contains("500"),
        "{last_error}"
    );
    {
        let remote = remote.lock().unwrap();
        let answered: Vec<u16> = remote.seen.iter().map(|s| s.answered).collect();
        assert_eq!(&answered[..3], &[500, 0, 200], "{answered:?}");
    }

    // Later slots send the cursor and the ETag; nothing is stored twice.
    let seen_before = remote.lock().unwrap().seen.len();
    wait_for("two more slots", Duration::from_secs(10), || async {
        remote.lock().unwrap().seen.len() >= seen_before + 2
    })
    .await;
    {
        let remote = remote.lock().unwrap();
        let later = &remote.seen[seen_before];
        let newest = record(49)["time"].as_str().unwrap().to_owned();
        let since = later.since.as_deref().expect("cursor sent");
        assert_eq!(
            parse_timestamp(since, LOCAL_ZONE).ok(),
            parse_timestamp(&newest, LOCAL_ZONE).ok(),
            "the cursor is the latest stored time"
        );
        assert!(
            remote.seen[seen_before + 1].if_none_match.is_some(),
            "conditional request"
        );
        assert!(remote.seen[seen_before + 1..].iter().all(|s| s.answered == 304));
    }

    // New rows at the source arrive through the cursor, once.
    remote.lock().unwrap().records.extend((50..70).map(record));
    wait_for("the 20 new rows", Duration::from_secs(10), || async {
        value_count(&store, "rain.").await == 70
    })
    .await;
    trigger.trigger();
    task.await.expect("supervisor");

    let counts = status(&store, "rain").await.expect("status").counts;
    assert_eq!(counts.accepted, 70);
    assert_eq!(counts.duplicates, 0);
    assert_eq!(counts.rejected, 0);
    let status_now = status(&store, "rain").await.expect("status");
    assert_eq!(status_now.state, "stopped");
    assert!(status_now.last_success_at.is_some());

    // After a restart the checkpoint continues: the first request carries cursor and ETag.
    let checkpoint = store
        .connector_checkpoint("rain")
        .await
        .expect("checkpoint")
        .expect("saved");
    assert!(checkpoint.etag.is_some());
    let seen_before = remote.lock().unwrap().seen.len();
    let (trigger, task) = start(&store);
    wait_for("a request after the restart", Duration::from_secs(10), || async {
        remote.lock().unwrap().seen.len() > seen_before
    })
    .await;
    trigger.trigger();
    task.await.expect("supervisor");
    let first_after = remote.lock().unwrap().seen[seen_before].clone();
    assert_eq!(first_after.since, checkpoint.cursor);
    assert_eq!(first_after.if_none_match, checkpoint.etag);
    assert_eq!(value_count(&store, "rain.").await, 70);
    assert_eq!(status(&store, "rain").await.expect("status").counts.duplicates, 0);
    let series = store.series("rain.bac-binh").await.expect("series").expect("created");
    assert_eq!(series.definition.unit, "mm");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missed_slots_are_run_on_start_within_the_bound() {
    let remote: Shared = Arc::default();
    // The first two requests fail in the shared script; make them part of the catch-up.
    remote.lock().unwrap().records = (0..4).map(record).collect();
    let port = serve(remote.clone()).await;
    let test = test_store().await;
    let store = test.store.clone();
    let url = format!("http://127.0.0.1:{port}/readings?at={{slot}}");
    let mut definition = definition(url, "0 * * * * *");
    definition["pull"]["max_retries"] = json!(4);
    define(&store, "rain", "pull", definition, 1).await;
    // The service was down for ten minutes: ten slots were missed, three are run.
    let now = chrono::Utc::now().timestamp_millis();
    let last = now - now.rem_euclid(60_000) - 10 * 60_000;
    store
        .save_connector_checkpoint(ConnectorCheckpoint {
            connector_key: "rain".into(),
            last_slot: Some(last),
            updated_at: now,
            ..ConnectorCheckpoint::default()
        })
        .await
        .expect("checkpoint");
    let (trigger, task) = start(&store);
    wait_for("three slots", Duration::from_secs(30), || async {
        remote
            .lock()
            .unwrap()
            .seen
            .iter()
            .filter(|s| s.answered == 200 || s.answered == 304)
            .count()
            >= 3
    })
    .await;
    trigger.trigger();
    task.await.expect("supervisor");
    let seen = remote.lock().unwrap().seen.clone();
    let slots: Vec<i64> = seen
        .iter()
        .filter(|s| s.answered == 200 || s.answered == 304)
        .filter_map(|s| s.at.as_deref().and_then(|a| parse_timestamp(a, LOCAL_ZONE).ok()))
        .collect();
    assert!(slots.len() >= 3, "{slots:?}");
    assert_eq!(slots[1] - slots[0], 60_000, "consecutive minutes: {slots:?}");
    assert_eq!(slots[2] - slots[1], 60_000, "consecutive minutes: {slots:?}");
    assert!(slots[0] > last + 60_000 * 6, "only the latest three: {slots:?}");
    let first_slot = seen[0].at.as_deref().unwrap_or_default();
    assert!(first_slot.ends_with("+07:00"), "local slot time: {first_slot}");
    assert_eq!(value_count(&store, "rain.").await, 4);
}
