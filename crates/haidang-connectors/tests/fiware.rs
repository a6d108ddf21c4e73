//! The FIWARE Smart Data Models examples (CC BY 4.0, see fixtures/fiware/NOTICE.md) in
//! both NGSI-LD forms become series values with the right units, times and places.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use haidang_connectors::definition::Connector;
use haidang_connectors::{ConnectorSpec, Identity, Kind, Sink, system_clock};
use haidang_core::observation::{Aggregate, Step};
use haidang_core::time::parse_timestamp;
use haidang_store::Store;
use serde_json::Value;

const FIXTURES: [(&str, &str, &str); 5] = [
    (
        "AirQualityObserved",
        include_str!("fixtures/fiware/AirQualityObserved/example-normalized.jsonld"),
        include_str!("fixtures/fiware/AirQualityObserved/example.jsonld"),
    ),
    (
        "WeatherObserved",
        include_str!("fixtures/fiware/WeatherObserved/example-normalized.jsonld"),
        include_str!("fixtures/fiware/WeatherObserved/example.jsonld"),
    ),
    (
        "TrafficFlowObserved",
        include_str!("fixtures/fiware/TrafficFlowObserved/example-normalized.jsonld"),
        include_str!("fixtures/fiware/TrafficFlowObserved/example.jsonld"),
    ),
    (
        "NoiseLevelObserved",
        include_str!("fixtures/fiware/NoiseLevelObserved/example-normalized.jsonld"),
        include_str!("fixtures/fiware/NoiseLevelObserved/example.jsonld"),
    ),
    (
        "Streetlight",
        include_str!("fixtures/fiware/Streetlight/example-normalized.jsonld"),
        include_str!("fixtures/fiware/Streetlight/example.jsonld"),
    ),
];

fn connector() -> haidang_connectors::ngsi::NgsiConnector {
    let spec = ConnectorSpec::from_json(&serde_json::json!({"source": SOURCE, "ngsi_ld": {}})).expect("spec");
    match spec.build("fiware").expect("valid") {
        Connector::NgsiLd(connector) => connector,
        _ => panic!("not an ngsi-ld connector"),
    }
}

fn entity(text: &str) -> Value {
    serde_json::from_str(text).expect("fixture is JSON")
}

/// The one value of `key`: its time (UTC ms), value and the series unit.
async fn value_of(store: &Store, key: &str) -> (i64, f64, String) {
    let series = store
        .series(key)
        .await
        .expect("series")
        .unwrap_or_else(|| panic!("series {key} was not created"));
    let points = store
        .points(series.id, i64::MIN / 4, i64::MAX / 4, Step::Raw, Aggregate::Avg)
        .await
        .expect("points");
    assert_eq!(points.len(), 1, "{key}: {points:?}");
    (points[0].time, points[0].value, series.definition.unit)
}

fn utc(text: &str) -> i64 {
    parse_timestamp(text, chrono_tz::UTC).expect("time")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smart_data_models_examples_become_series() {
    let test = test_store().await;
    let store = test.store.clone();
    define(
        &store,
        "fiware",
        "ngsi-ld",
        serde_json::json!({"source": SOURCE, "ngsi_ld": {}}),
        1,
    )
    .await;
    let connector = connector();
    let sink = Sink::attached(
        store.clone(),
        Identity {
            key: "fiware".into(),
            kind: Kind::NgsiLd,
            source: SOURCE.into(),
        },
        system_clock(),
    );

    // Normalized forms first: every numeric Property is a new value.
    let normalized: Vec<Value> = FIXTURES.iter().map(|(_, n, _)| entity(n)).collect();
    let report = connector.receive(&sink, &normalized, None).await.expect("stored");
    assert_eq!(report.entities, 5);
    assert_eq!(report.counts.rejected, 0, "{report:?}");
    assert_eq!(report.counts.duplicates, 0);
    assert!(report.counts.accepted >= 40, "{report:?}");

    let air = "ngsi.AirQualityObserved:Madrid-AmbientObserved-28079004-2016-03-15T11:00:00";
    let at = utc("2016-03-15T11:00:00Z");
    assert_eq!(
        value_of(&store, &format!("{air}.no2")).await,
        (at, 69.0, "µg/m³".into())
    );
    assert_eq!(
        value_of(&store, &format!("{air}.co")).await,
        (at, 500.0, "mg/m³".into())
    );
    assert_eq!(
        value_of(&store, &format!("{air}.temperature")).await,
        (at, 12.2, "°C".into())
    );
    assert_eq!(
        value_of(&store, &format!("{air}.windDirection")).await,
        (at, 186.0, "°".into())
    );
    assert!(
        store.series(&format!("{air}.coLevel")).await.expect("series").is_none(),
        "text is not a measurement"
    );

    let weather = "ngsi.WeatherObserved:Spain-WeatherObserved-Valladolid-2016-11-30T07:00:00.00Z";
    let at = utc("2016-11-30T07:00:00Z");
    assert_eq!(
        value_of(&store, &format!("{weather}.temperature")).await,
        (at, 3.3, "°C".into())
    );
    assert_eq!(
        value_of(&store, &format!("{weather}.atmosphericPressure")).await,
        (at, 938.9, "hPa".into())
    );

    let traffic = "ngsi.TrafficFlowObserved:TrafficFlowObserved-Valladolid-osm-60821110";
    let at = utc("2016-12-07T11:15:00Z");
    assert_eq!(
        value_of(&store, &format!("{traffic}.averageVehicleSpeed")).await,
        (at, 52.6, "km/h".into())
    );
    assert_eq!(
        value_of(&store, &format!("{traffic}.intensity")).await,
        (at, 197.0, String::new())
    );
    assert!(
        store
            .series(&format!("{traffic}.laneId"))
            .await
            .expect("series")
            .is_none()
    );

    let noise = "ngsi.NoiseLevelObserved:Vitoria-NoiseLevelObserved-2016-12-28T11:00:00_2016-12-28T12:00:00";
    let at = utc("2016-12-28T12:00:00Z");
    assert_eq!(
        value_of(&store, &format!("{noise}.LAeq")).await,
        (at, 67.8, "dB".into())
    );

    let light = "ngsi.Streetlight:streetlight:guadalajara:4567";
    let at = utc("2021-01-11T10:21:02Z");
    assert_eq!(
        value_of(&store, &format!("{light}.lanternHeight")).await,
        (at, 10.0, "m".into())
    );
    assert_eq!(
        value_of(&store, &format!("{light}.powerFactor")).await,
        (at, 0.7, String::new())
    );

    // Entities are placed: a point at its coordinates, a road at the mean of its vertices.
    let entities = store.entities().await.expect("entities");
    let place = |key: &str| {
        let e = entities.iter().find(|e| e.key == key).expect("entity");
        (e.lat.expect("lat"), e.lon.expect("lon"), e.kind.clone())
    };
    let (lat, lon, kind) = place(air);
    assert!((lat - 40.423_852_777).abs() < 1e-6 && (lon + 3.712_247_222).abs() < 1e-6);
    assert_eq!(kind, "AirQualityObserved");
    let (lat, lon, _) = place(traffic);
    assert!(
        (lat - 41.657_821).abs() < 1e-5 && (lon + 4.735_326).abs() < 1e-5,
        "{lat} {lon}"
    );
    let series = store.series(&format!("{air}.no2")).await.expect("series").expect("no2");
    assert_eq!(series.definition.entity_key.as_deref(), Some(air));
    assert_eq!(series.definition.indicator.as_deref(), Some("no2"));
    assert_eq!(series.definition.source_key.as_deref(), Some(SOURCE));

    // The key-values forms describe the same observations: the same values are duplicates,
    // and the one value that differs in the examples (windDirection 180 against 186) is a
    // conflict that keeps both.
    let key_values: Vec<Value> = FIXTURES.iter().map(|(_, _, k)| entity(k)).collect();
    let report = connector.receive(&sink, &key_values, None).await.expect("stored");
    assert_eq!(report.counts.rejected, 0, "{report:?}");
    assert_eq!(report.counts.conflicts, 1, "{report:?}");
    assert!(report.counts.duplicates >= 30, "{report:?}");
    let (_, wind, _) = value_of(&store, &format!("{air}.windDirection")).await;
    assert_eq!(wind, 180.0);
    let replaced = store
        .superseded(store.series(&format!("{air}.windDirection")).await.unwrap().unwrap().id)
        .await
        .expect("superseded");
    assert_eq!(replaced.len(), 1);
    assert_eq!(replaced[0].value, 186.0);
    let fixtures: Vec<&str> = FIXTURES.iter().map(|(name, _, _)| *name).collect();
    assert_eq!(fixtures.len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn property_without_time_is_rejected_with_its_reason() {
    let test = test_store().await;
    let store = test.store.clone();
    define(
        &store,
        "fiware",
        "ngsi-ld",
        serde_json::json!({"source": SOURCE, "ngsi_ld": {}}),
        1,
    )
    .await;
    let sink = Sink::attached(
        store.clone(),
        Identity {
            key: "fiware".into(),
            kind: Kind::NgsiLd,
            source: SOURCE.into(),
        },
        system_clock(),
    );
    let entities = vec![serde_json::json!({
        "id": "urn:ngsi-ld:AirQualityObserved:no-time", "type": "AirQualityObserved",
        "pm25": {"type": "Property", "value": 12, "unitCode": "GQ"},
        "pm10": {"type": "Property", "value": 20, "unitCode": "GQ", "observedAt": "2025-07-01T01:00:00Z"}
    })];
    let report = connector().receive(&sink, &entities, None).await.expect("stored");
    assert_eq!((report.counts.accepted, report.counts.rejected), (1, 1));
    assert_eq!(
        report.entities_with_rejections,
        vec!["urn:ngsi-ld:AirQualityObserved:no-time".to_owned()]
    );
    let rejected = store
        .rejected_rows(report.batch_id.as_deref().expect("batch"))
        .await
        .expect("rejected");
    assert_eq!(rejected[0].reason_code, "MISSING_FIELD");
    assert!(rejected[0].raw.contains("\"pm25\""), "{}", rejected[0].raw);
    let status = status(&store, "fiware").await.expect("status");
    assert_eq!((status.counts.accepted, status.counts.rejected), (1, 1));
}
