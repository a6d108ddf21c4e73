//! API tests through the real router, without a socket, against SQLite and PostgreSQL.
//!
//! Each test runs once per backend. PostgreSQL tests create a fresh database on the server
//! named by `HAIDANG_TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`)
//! and drop it afterwards; they fail when the server cannot be reached.

// Test code may panic on a failed step: that is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use axum::http::StatusCode;
use serde_json::{Value, json};
use support::{Backend, TestApp};

haidang_testkit::on_both_backends!(
    health_readiness_and_metrics,
    openapi_lists_every_route,
    series_create_update_and_validation,
    writes_need_an_active_key,
    messy_csv_counts_and_reasons,
    rejected_rows_download_as_csv,
    day_rollups_follow_local_days,
    late_and_conflicting_data_keep_rollups_exact,
    json_push_with_mixed_values,
    unsupported_media_type_is_rejected,
    windows_1258_csv_is_decoded,
    units_differ_across_reorganisation,
    old_unit_data_rolls_up_to_successor,
    unknown_route_answers_json_404,
);

async fn health_readiness_and_metrics(backend: Backend) {
    let app = TestApp::spawn(backend).await;

    let (status, body) = app.get("/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ok");

    let (status, _) = app.get("/readyz").await;
    assert_eq!(status, StatusCode::OK);

    let (status, text) = app.get_text("/metrics").await;
    assert_eq!(status, StatusCode::OK);
    assert!(text.contains("haidang_http_requests_total"), "{text}");
}

async fn openapi_lists_every_route(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (status, document) = app.get("/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(document["openapi"].as_str().unwrap_or_default().starts_with("3.1"));
    for path in [
        "/healthz",
        "/readyz",
        "/metrics",
        "/api/v1/openapi.json",
        "/api/v1/series/{key}",
        "/api/v1/observations",
        "/api/v1/batches/{batch_id}/rejected",
        "/api/v1/series/{key}/observations",
        "/api/v1/units",
        "/api/v1/units/{code}",
        "/api/v1/indicators/{indicator}/units",
        "/api/v1/map/boundaries",
        "/api/v1/map/typhoons",
        "/api/v1/sources",
        "/api/v1/entities",
    ] {
        assert!(document["paths"].get(path).is_some(), "missing {path}");
    }
}

async fn series_create_update_and_validation(backend: Backend) {
    let app = TestApp::spawn(backend).await;

    let body =
        json!({"name": "PM2.5 Phan Thiết", "unit": "µg/m³", "min": 0, "max": 1000, "expected_interval_secs": 3600});
    let (status, created) = app.put_series("pt.pm25", &body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["key"], "pt.pm25");
    assert_eq!(created["max"], 1000.0);

    let (status, updated) = app
        .put_series("pt.pm25", &json!({"name": "PM2.5", "unit": "µg/m³"}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(updated["max"], Value::Null);

    let (status, error) = app.put_series("pt.pm25", &json!({"unit": "x"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"]["code"], "INVALID_BODY");
    assert!(
        error["error"]["message"].as_str().unwrap_or_default().contains("name"),
        "{error}"
    );

    let (status, error) = app
        .put_series("pt.pm25", &json!({"name": "a", "unit": "x", "min": 5, "max": 1}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"]["code"], "INVALID_PARAMETER");

    let (status, error) = app.put_series("bad key", &json!({"name": "a", "unit": "x"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"]["code"], "INVALID_PARAMETER");

    let (status, error) = app
        .put_series("pt.x", &json!({"name": "a", "unit": "x", "source": "nowhere"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error["error"]["code"], "REFERENCE_NOT_FOUND");

    let (status, error) = app
        .put_series("pt.x", &json!({"name": "a", "unit": "x", "unit_code": "99999"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
}

async fn writes_need_an_active_key(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let body = json!({"name": "a", "unit": "x"}).to_string();

    let (status, error) = app
        .request(
            "PUT",
            "/api/v1/series/a",
            None,
            Some(("application/json", body.clone().into())),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(error["error"]["code"], "UNAUTHENTICATED");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .starts_with("Thiếu khóa API"),
        "{error}"
    );

    let wrong = Some("hd_0000000000000000000000000000000000000000000000000000000000000000");
    let (status, _) = app
        .request(
            "PUT",
            "/api/v1/series/a",
            wrong,
            Some(("application/json", body.clone().into())),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    app.revoke_key().await;
    let (status, _) = app.put_series("a", &json!({"name": "a", "unit": "x"})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

/// A file with every kind of trouble; the expected outcome of each row is in its comment.
const MESSY_CSV: &str = "\u{feff}time,value,series,note\r\n\
2025-07-01T08:00:00+07:00,10,pt.pm25,ok offset\r\n\
2025-07-01T02:00:00Z,20,pt.pm25,ok Z\r\n\
2025-07-01 10:00,30,pt.pm25,ok local naive\r\n\
2025-07-01T00:30:00+07:00,5,pt.pm25,ok out of order\r\n\
2025-07-01T08:00:00+07:00,10,pt.pm25,duplicate of row 1\r\n\
2025-07-01T01:00:00Z,11,pt.pm25,conflict with row 1\r\n\
2025-07-01T11:00:00+07:00,7,pt.unknown,unknown series\r\n\
2025-07-01T12:00:00+07:00,\"12,5\",pt.pm25,\"bad number, decimal comma\"\r\n\
2025-07-01T13:00:00+07:00,abc,pt.pm25,bad number\r\n\
2025-07-01T14:00:00+07:00,2000,pt.pm25,out of range\r\n\
01/07/2025 15:00,8,pt.pm25,unparseable time\r\n\
2025-07-01T16:00:00+07:00,9,pt.pm25,\"quoted note with\r\na line break\"\r\n\
2025-07-01T17:00:00+07:00,,pt.pm25,missing value\r\n\
2025-07-01T18:00:00+07:00,3\r\n";

async fn messy_csv_counts_and_reasons(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.define_pm25().await;

    let (status, report) = app.push_csv(MESSY_CSV).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["accepted"], 5, "{report}");
    assert_eq!(report["duplicates"], 1, "{report}");
    assert_eq!(report["conflicts"], 1, "{report}");
    assert_eq!(report["rejected"], 7, "{report}");

    let batch = report["batch_id"].as_str().unwrap_or_default().to_owned();
    let (status, listing) = app.get(&format!("/api/v1/batches/{batch}/rejected")).await;
    assert_eq!(status, StatusCode::OK);
    let rows: Vec<(i64, String)> = listing["rejected"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|r| {
                    (
                        r["row"].as_i64().unwrap_or(-1),
                        r["code"].as_str().unwrap_or("").to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let expected = [
        (7, "UNKNOWN_SERIES"),
        (8, "INVALID_NUMBER"),
        (9, "INVALID_NUMBER"),
        (10, "OUT_OF_RANGE"),
        (11, "INVALID_TIME"),
        (13, "MISSING_FIELD"),
        (14, "MALFORMED_ROW"),
    ];
    let expected: Vec<(i64, String)> = expected.iter().map(|(r, c)| (*r, (*c).to_owned())).collect();
    assert_eq!(rows, expected);
    let first = &listing["rejected"][0];
    assert!(
        first["message"]
            .as_str()
            .unwrap_or_default()
            .contains("chưa được khai báo"),
        "{first}"
    );
    assert!(
        first["raw"].as_str().unwrap_or_default().contains("pt.unknown"),
        "{first}"
    );

    let (_, english) = app.get_lang(&format!("/api/v1/batches/{batch}/rejected"), "en").await;
    assert!(
        english["rejected"][1]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("not a valid number"),
        "{english}"
    );

    // Row 6 conflicts with row 1: the value received last is current.
    let (_, points) = app
        .get("/api/v1/series/pt.pm25/observations?from=2025-07-01T08:00:00%2B07:00&to=2025-07-01T08:00:01%2B07:00")
        .await;
    assert_eq!(points["points"][0]["value"], 11.0, "{points}");
    assert_eq!(app.superseded_values().await, vec![10.0]);
}

async fn rejected_rows_download_as_csv(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.define_pm25().await;
    let (_, report) = app.push_csv(MESSY_CSV).await;
    let batch = report["batch_id"].as_str().unwrap_or_default().to_owned();

    let (status, text) = app
        .get_text(&format!("/api/v1/batches/{batch}/rejected?format=csv"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("record")).collect();
    assert_eq!(records.len(), 7);
    assert_eq!(&records[1][1], "INVALID_NUMBER");
    assert!(
        records[1][3].contains("\"12,5\""),
        "the raw row keeps its quoting: {}",
        &records[1][3]
    );

    let (status, _) = app.get("/api/v1/batches/not-a-batch/rejected").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn day_rollups_follow_local_days(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.define_pm25().await;
    // 16:30Z on 1 July is 23:30 on 1 July locally; 17:30Z is 00:30 on 2 July.
    let csv = "series,time,value\n\
        pt.pm25,2025-06-30T17:00:00Z,4\n\
        pt.pm25,2025-07-01T05:00:00Z,8\n\
        pt.pm25,2025-07-01T16:30:00Z,12\n\
        pt.pm25,2025-07-01T17:30:00Z,100\n\
        pt.pm25,2025-07-02T03:00:00Z,50\n";
    let (status, report) = app.push_csv(csv).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(report["accepted"], 5);

    let range = "from=2025-07-01&to=2025-07-03";
    let cases = [
        ("avg", [8.0, 75.0]),
        ("min", [4.0, 50.0]),
        ("max", [12.0, 100.0]),
        ("sum", [24.0, 150.0]),
        ("count", [3.0, 2.0]),
        ("last", [12.0, 50.0]),
    ];
    for (agg, expected) in cases {
        let (_, body) = app
            .get(&format!(
                "/api/v1/series/pt.pm25/observations?step=day&agg={agg}&{range}"
            ))
            .await;
        let points = body["points"].as_array().cloned().unwrap_or_default();
        assert_eq!(points.len(), 2, "{agg}: {body}");
        assert_eq!(points[0]["time"], "2025-07-01T00:00:00+07:00");
        assert_eq!(points[1]["time"], "2025-07-02T00:00:00+07:00");
        assert_eq!(points[0]["value"], expected[0], "{agg}");
        assert_eq!(points[1]["value"], expected[1], "{agg}");
    }

    let (_, body) = app
        .get("/api/v1/series/pt.pm25/observations?step=month&agg=sum&from=2025-07-01&to=2025-08-01")
        .await;
    assert_eq!(body["points"][0]["value"], 174.0, "{body}");
    assert_eq!(body["points"][0]["time"], "2025-07-01T00:00:00+07:00");

    let (status, error) = app.get("/api/v1/series/pt.pm25/observations?step=week").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        error["error"]["message"].as_str().unwrap_or_default().contains("step"),
        "{error}"
    );
}

async fn late_and_conflicting_data_keep_rollups_exact(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.define_pm25().await;
    app.push_csv("series,time,value\npt.pm25,2025-07-01T08:00:00+07:00,3\npt.pm25,2025-07-01T08:20:00+07:00,9\npt.pm25,2025-07-02T08:00:00+07:00,1\n").await;
    // Late value in a rolled-up hour, and a new value replacing that hour's minimum.
    let (_, report) = app
        .push_csv("series,time,value\npt.pm25,2025-07-01T08:40:00+07:00,6\npt.pm25,2025-07-01T08:00:00+07:00,12\n")
        .await;
    assert_eq!(report["accepted"], 1);
    assert_eq!(report["conflicts"], 1);

    let (_, hour) = app.get("/api/v1/series/pt.pm25/observations?step=hour&agg=min&from=2025-07-01T08:00:00%2B07:00&to=2025-07-01T09:00:00%2B07:00").await;
    assert_eq!(hour["points"][0]["value"], 6.0, "{hour}");
    let (_, day) = app
        .get("/api/v1/series/pt.pm25/observations?step=day&agg=sum&from=2025-07-01&to=2025-07-02")
        .await;
    assert_eq!(day["points"][0]["value"], 27.0, "{day}");
    let (_, month) = app
        .get("/api/v1/series/pt.pm25/observations?step=month&agg=min&from=2025-07-01&to=2025-08-01")
        .await;
    assert_eq!(month["points"][0]["value"], 1.0, "{month}");
    let (_, month) = app
        .get("/api/v1/series/pt.pm25/observations?step=month&agg=count&from=2025-07-01&to=2025-08-01")
        .await;
    assert_eq!(month["points"][0]["value"], 4.0, "{month}");
}

async fn json_push_with_mixed_values(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.define_pm25().await;
    let body = json!([
        {"series": "pt.pm25", "time": "2025-07-01T08:00:00+07:00", "value": 1.5},
        {"series": "pt.pm25", "time": "2025-07-01T09:00:00+07:00", "value": "2.5"},
        {"series": "pt.pm25", "time": "2025-07-01T10:00:00+07:00"},
        {"series": "pt.pm25", "value": 3},
        "not an object",
    ]);
    let (status, report) = app
        .request(
            "POST",
            "/api/v1/observations",
            Some(&app.key),
            Some(("application/json", body.to_string().into())),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["accepted"], 2);
    assert_eq!(report["rejected"], 3);

    let (status, error) = app
        .request(
            "POST",
            "/api/v1/observations",
            Some(&app.key),
            Some(("application/json", "{\"a\":1}".into())),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"]["code"], "INVALID_INPUT");
}

async fn unsupported_media_type_is_rejected(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (status, error) = app
        .request(
            "POST",
            "/api/v1/observations",
            Some(&app.key),
            Some(("application/xml", "<a/>".into())),
        )
        .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(error["error"]["code"], "UNSUPPORTED_MEDIA_TYPE");
}

async fn windows_1258_csv_is_decoded(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.define_pm25().await;
    // Windows-1258 writes most tones as combining marks after the letter: "Mũi Né" is
    // M, u, combining tilde (0xDE), i, space, N, e, combining acute (0xEC).
    let mut bytes =
        b"series,time,value,note\npt.pm25,2025-07-01 08:00,4,H\xE0m\npt.pm25,2025-07-01 09:00,x,Mu".to_vec();
    bytes.extend_from_slice(b"\xDEi Ne\xEC\n");
    let (status, report) = app
        .request(
            "POST",
            "/api/v1/observations",
            Some(&app.key),
            Some(("text/csv; charset=windows-1258", bytes)),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["accepted"], 1);
    let batch = report["batch_id"].as_str().unwrap_or_default().to_owned();
    let (_, listing) = app.get(&format!("/api/v1/batches/{batch}/rejected")).await;
    assert_eq!(
        listing["rejected"][0]["raw"], "pt.pm25,2025-07-01 09:00,x,Mũi Né",
        "decoded and in NFC"
    );
}

async fn units_differ_across_reorganisation(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.load_reference().await;

    let (_, before) = app.get("/api/v1/units?as_of=2024-06-01").await;
    let (_, after) = app.get("/api/v1/units?as_of=2026-01-01").await;
    let count = |body: &Value, level: &str| {
        body["units"]
            .as_array()
            .map_or(0, |u| u.iter().filter(|x| x["level"] == level).count())
    };
    assert_eq!(
        count(&before, "district"),
        28,
        "districts of Bình Thuận, Đắk Nông and Lâm Đồng"
    );
    let binh_thuan = before["units"]
        .as_array()
        .map_or(0, |u| u.iter().filter(|x| x["parent"] == "60").count());
    assert_eq!(binh_thuan, 10);
    assert_eq!(count(&after, "district"), 0, "no districts after 1 July 2025");
    assert_eq!(count(&after, "commune"), 124);
    assert_eq!(count(&before, "province"), 3);
    assert_eq!(count(&after, "province"), 1);

    let (_, then) = app.get("/api/v1/units/22918?as_of=2024-06-01").await;
    assert_eq!(then["name"], "Phường Hàm Tiến");
    assert_eq!(then["parent"], "593");
    let (_, now) = app.get("/api/v1/units/22918?as_of=2026-01-01").await;
    assert_eq!(now["name"], "Phường Mũi Né");
    assert_eq!(now["parent"], "68");

    let (_, children) = app.get("/api/v1/units?as_of=2024-06-01&parent=593").await;
    assert_eq!(
        children["units"].as_array().map(Vec::len),
        Some(15),
        "communes of Phan Thiết city"
    );

    let (status, error) = app.get_lang("/api/v1/units/22918?as_of=1.1.2026", "en").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        error["error"]["message"].as_str().unwrap_or_default().contains("as_of"),
        "{error}"
    );
}

async fn old_unit_data_rolls_up_to_successor(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.load_reference().await;
    for (key, code) in [
        ("reports.ham-tien", "22918"),
        ("reports.phong-phu", "22978"),
        ("reports.mui-ne-new", "22918"),
    ] {
        let body = json!({"name": key, "unit": "phản ánh", "indicator": "citizen_reports", "unit_code": code});
        let (status, _) = app.put_series(key, &body).await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let csv = "series,time,value\n\
        reports.ham-tien,2024-03-01,10\n\
        reports.ham-tien,2024-04-01,5\n\
        reports.phong-phu,2024-03-01,8\n\
        reports.mui-ne-new,2026-01-01,7\n";
    let (_, report) = app.push_csv(csv).await;
    assert_eq!(report["accepted"], 4);

    let (status, view) = app
        .get("/api/v1/indicators/citizen_reports/units?as_of=2026-01-01&from=2024-01-01&to=2025-01-01")
        .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    let unit = |code: &str| {
        view["units"]
            .as_array()
            .and_then(|u| u.iter().find(|x| x["code"] == code).cloned())
            .unwrap_or_default()
    };
    let mui_ne = unit("22918");
    assert_eq!(mui_ne["name"], "Phường Mũi Né");
    assert_eq!(mui_ne["value"], 15.0);
    assert_eq!(mui_ne["exact"], true);
    assert_eq!(mui_ne["contributions"][0]["unit_name"], "Phường Hàm Tiến");

    // Xã Phong Phú was split between two new communes: each gets an estimated half.
    let split: Vec<Value> = ["22972", "22978"].iter().map(|c| unit(c)).collect();
    for part in &split {
        assert_eq!(part["value"], 4.0, "{view}");
        assert_eq!(part["exact"], false);
    }

    let (_, view_2024) = app
        .get("/api/v1/indicators/citizen_reports/units?as_of=2024-06-01&from=2024-01-01&to=2025-01-01")
        .await;
    let ham_tien = view_2024["units"]
        .as_array()
        .and_then(|u| u.iter().find(|x| x["code"] == "22918").cloned())
        .unwrap_or_default();
    assert_eq!(ham_tien["name"], "Phường Hàm Tiến");
    assert_eq!(ham_tien["value"], 15.0);
}

async fn unknown_route_answers_json_404(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (status, error) = app.get_lang("/api/v1/nothing-here", "en").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error["error"]["code"], "ROUTE_NOT_FOUND");
    assert_eq!(error["error"]["message"], "Route \"/api/v1/nothing-here\" not found.");
}
