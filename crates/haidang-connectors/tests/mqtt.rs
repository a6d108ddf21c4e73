//! The MQTT connector against a real Mosquitto broker started by the test on a free
//! loopback port.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use common::*;
use haidang_connectors::testing::Broker;
use haidang_connectors::{Supervisor, shutdown_pair, system_clock};
use haidang_store::RejectedFilter;

const START: i64 = 1_751_328_000; // 2025-07-01T00:00:00Z

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_published_while_down_are_stored_after_restart() {
    let broker = Broker::start(1000).expect("mosquitto");
    let test = test_store().await;
    let store = test.store.clone();
    define(
        &store,
        "air",
        "mqtt",
        mqtt_definition(broker.port(), "haidang-test-air"),
        1,
    )
    .await;

    // First run: the connector creates its persistent session and subscribes.
    let (trigger, stop) = shutdown_pair();
    let supervisor = tokio::spawn(
        Supervisor::new(store.clone(), system_clock())
            .with_reload_interval(Duration::from_millis(100))
            .run(stop),
    );
    // Probe until the subscription is in place: a probe published too early is lost.
    let mut probe = 0;
    wait_for("the subscription", Duration::from_secs(20), || {
        probe += 1;
        let port = broker.port();
        let store = store.clone();
        async move {
            publish(port, vec![reading("probe", START + probe, 1.0)]).await;
            tokio::time::sleep(Duration::from_millis(100)).await;
            value_count(&store, "air.probe.").await > 0
        }
    })
    .await;
    let first: Vec<_> = (0..100).map(|i| reading("phan-thiet", START + i, i as f64)).collect();
    publish(broker.port(), first.clone()).await;
    wait_for("the first 100 values", Duration::from_secs(20), || async {
        value_count(&store, "air.phan-thiet.").await == 100
    })
    .await;
    trigger.trigger();
    supervisor.await.expect("supervisor");
    assert_eq!(status(&store, "air").await.expect("status").state, "stopped");

    // While the service is down: new readings, a redelivery of old ones, and garbage.
    let mut down: Vec<_> = (0..200)
        .map(|i| reading("mui-ne", START + i, 10.0 + i as f64))
        .collect();
    down.extend(first[..10].iter().cloned());
    down.push(("tram/mui-ne/khong-khi".into(), b"{not json".to_vec()));
    down.push(reading("mui-ne", START + 500, -999.0));
    publish(broker.port(), down).await;
    let before = status(&store, "air").await.expect("status").counts;

    // Second run with the same client id: the broker delivers what it kept.
    let (trigger, stop) = shutdown_pair();
    let supervisor = tokio::spawn(
        Supervisor::new(store.clone(), system_clock())
            .with_reload_interval(Duration::from_millis(100))
            .run(stop),
    );
    wait_for("the values published while down", Duration::from_secs(30), || async {
        let after = status(&store, "air").await.map(|s| s.counts.received).unwrap_or(0);
        value_count(&store, "air.mui-ne.").await == 200 && after >= before.received + 212
    })
    .await;
    trigger.trigger();
    supervisor.await.expect("supervisor");

    assert_eq!(
        value_count(&store, "air.phan-thiet.").await,
        100,
        "redelivered values are not stored twice"
    );
    let after = status(&store, "air").await.expect("status").counts;
    assert_eq!(after.received - before.received, 212);
    assert_eq!(after.accepted - before.accepted, 200);
    assert_eq!(after.duplicates - before.duplicates, 10);
    assert_eq!(after.rejected - before.rejected, 2);

    let rejected = store
        .source_rejected_rows(SOURCE, RejectedFilter::Open, 100)
        .await
        .expect("rejected rows");
    let codes: Vec<&str> = rejected.iter().map(|r| r.rejected.reason_code.as_str()).collect();
    assert!(codes.contains(&"MALFORMED_ROW"), "{codes:?}");
    assert!(codes.contains(&"MISSING_VALUE"), "{codes:?}");
    let garbage = rejected
        .iter()
        .find(|r| r.rejected.reason_code == "MALFORMED_ROW")
        .expect("garbage kept");
    assert_eq!(garbage.rejected.raw, "tram/mui-ne/khong-khi\n{not json");
    assert_eq!(garbage.format, "mqtt");

    let series = store.series("air.mui-ne.pm25").await.expect("series").expect("created");
    assert_eq!(series.definition.unit, "µg/m³");
    assert_eq!(series.definition.source_key.as_deref(), Some(SOURCE));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broker_outage_is_reported_once_and_recovers() {
    let mut broker = Broker::start(1000).expect("mosquitto");
    let port = broker.port();
    let test = test_store().await;
    let store = test.store.clone();
    define(&store, "air", "mqtt", mqtt_definition(port, "haidang-test-outage"), 1).await;
    let (trigger, stop) = shutdown_pair();
    let supervisor = tokio::spawn(
        Supervisor::new(store.clone(), system_clock())
            .with_reload_interval(Duration::from_millis(100))
            .run(stop),
    );
    wait_for("running", Duration::from_secs(20), || async {
        status(&store, "air").await.is_some_and(|s| s.state == "running")
    })
    .await;
    broker.stop();
    wait_for("failing", Duration::from_secs(20), || async {
        status(&store, "air")
            .await
            .is_some_and(|s| s.state == "failing" && s.last_error.is_some())
    })
    .await;
    trigger.trigger();
    supervisor.await.expect("supervisor");
    let status = status(&store, "air").await.expect("status");
    assert_eq!(status.state, "stopped");
    assert!(status.last_error.unwrap_or_default().contains("MQTT connection"));
}
