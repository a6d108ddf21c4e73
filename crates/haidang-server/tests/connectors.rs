//! Connectors through the HTTP API on SQLite and PostgreSQL: definition by administrators,
//! NGSI-LD notifications and upserts, spreadsheet uploads, and the dead-letter view with
//! resubmission.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use axum::http::StatusCode;
use serde_json::{Value, json};
use support::{Backend, TestApp};

haidang_testkit::on_both_backends!(
    connectors_are_defined_by_administrators,
    ngsi_notifications_and_upserts_store_values,
    rejected_rows_are_listed_and_resubmitted,
    spreadsheet_upload_through_a_file_connector,
);

const AIR_NORMALIZED: &str =
    include_str!("../../haidang-connectors/tests/fixtures/fiware/AirQualityObserved/example-normalized.jsonld");
const WEATHER_KEY_VALUES: &str =
    include_str!("../../haidang-connectors/tests/fixtures/fiware/WeatherObserved/example.jsonld");

fn mqtt(source: &str) -> Value {
    json!({
        "source": source,
        "mqtt": {
            "host": "127.0.0.1", "topics": ["tram/+/khong-khi"], "password": "bí mật", "username": "ioc",
            "time": {"pointer": "/ts"},
            "values": [{"pointer": "/pm25", "series": "air.{topic.1}.pm25"}]
        }
    })
}

async fn put(app: &TestApp, key: Option<&str>, connector: &str, body: &Value) -> (StatusCode, Value) {
    let uri = format!("/api/v1/connectors/{connector}");
    app.request(
        "PUT",
        &uri,
        key,
        Some(("application/json", body.to_string().into_bytes())),
    )
    .await
}

async fn connectors_are_defined_by_administrators(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.define_agency("so-tnmt").await;
    let admin = Some(app.key.as_str());

    let (status, created) = put(&app, admin, "air", &mqtt("so-tnmt.source")).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["kind"], "mqtt");
    assert_eq!(created["state"], "starting");
    assert_eq!(
        created["definition"]["mqtt"]["password"], "***",
        "secrets are not shown"
    );
    let (status, _) = put(&app, admin, "air", &mqtt("so-tnmt.source")).await;
    assert_eq!(status, StatusCode::OK);

    let (status, list) = app.get("/api/v1/connectors").await;
    assert_eq!(status, StatusCode::OK);
    let listed = &list["connectors"][0];
    assert_eq!(listed["key"], "air");
    assert_eq!(listed["source"], "so-tnmt.source");
    assert_eq!(listed["source_status"], "never");
    assert_eq!(listed["stale"], false);
    assert_eq!(listed["origin"], "api");

    // Invalid settings name the field and the value, in Vietnamese by default.
    let mut invalid = mqtt("so-tnmt.source");
    invalid["mqtt"]["max_batch_messages"] = json!(0);
    let (status, error) = put(&app, admin, "air", &invalid).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"]["code"], "INVALID_SETTING");
    let message = error["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("mqtt.max_batch_messages") && message.contains("\"0\""),
        "{message}"
    );
    assert!(message.contains("từ 1 đến 50000"), "{message}");
    let (status, bytes) = app
        .raw(
            "PUT",
            "/api/v1/connectors/air",
            admin,
            Some(("application/json", invalid.to_string().into_bytes())),
            Some("en"),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let english: Value = serde_json::from_slice(&bytes).unwrap();
    assert!(
        english["error"]["message"]
            .as_str()
            .unwrap()
            .contains("from 1 to 50000"),
        "{english}"
    );

    let mut unknown = mqtt("so-tnmt.source");
    unknown["mqtt"]["colour"] = json!("đỏ");
    let (status, error) = put(&app, admin, "air", &unknown).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"]["code"], "INVALID_BODY");
    assert!(error["error"]["message"].as_str().unwrap().contains("colour"));
    let (status, error) = put(&app, admin, "air", &mqtt("khong-co")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
    let (status, error) = put(&app, admin, "bad%20key", &mqtt("so-tnmt.source")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");

    // Only administrators.
    let agency = app.agency_key("so-tnmt", None).await;
    let (status, _) = put(&app, Some(&agency), "air", &mqtt("so-tnmt.source")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.request("GET", "/api/v1/connectors", Some(&agency), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.request("GET", "/api/v1/connectors", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let (status, _) = app.request("DELETE", "/api/v1/connectors/air", admin, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app.get("/api/v1/connectors/air").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app.request("DELETE", "/api/v1/connectors/air", admin, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn ngsi_notifications_and_upserts_store_values(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.define_agency("so-tnmt").await;
    let admin = Some(app.key.as_str());
    let definition = json!({"source": "so-tnmt.source", "ngsi_ld": {"expected_interval_secs": 3600}});
    let (status, _) = put(&app, admin, "orion", &definition).await;
    assert_eq!(status, StatusCode::CREATED);
    let agency = app.agency_key("so-tnmt", None).await;

    let air: Value = serde_json::from_str(AIR_NORMALIZED).unwrap();
    let notification = json!({"id": "urn:ngsi-ld:Notification:1", "type": "Notification", "data": [air]});
    let (status, report) = app
        .request(
            "POST",
            "/ngsi-ld/v1/notify",
            Some(&agency),
            Some(("application/json", notification.to_string().into_bytes())),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["connector"], "orion");
    assert_eq!(report["accepted"], 17);
    assert_eq!(report["rejected"], 0);

    let series = "ngsi.AirQualityObserved:Madrid-AmbientObserved-28079004-2016-03-15T11:00:00.no2";
    let (status, found) = app.get(&format!("/api/v1/series/{series}")).await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert_eq!(found["unit"], "µg/m³");
    assert_eq!(found["source"], "so-tnmt.source");
    let (_, points) = app
        .get(&format!(
            "/api/v1/series/{series}/observations?from=2016-03-15&to=2016-03-16"
        ))
        .await;
    assert_eq!(points["points"][0]["time"], "2016-03-15T18:00:00+07:00");
    assert_eq!(points["points"][0]["value"], 69.0);

    // Upserts in key-values form; an entity with a value but no time is partly rejected.
    let weather: Value = serde_json::from_str(WEATHER_KEY_VALUES).unwrap();
    let untimed = json!({"id": "urn:ngsi-ld:WeatherObserved:no-time", "type": "WeatherObserved", "temperature": 30.5});
    let body = json!([weather, untimed]).to_string().into_bytes();
    let (status, report) = app
        .request(
            "POST",
            "/ngsi-ld/v1/entityOperations/upsert?connector=orion",
            Some(&agency),
            Some(("application/ld+json", body)),
        )
        .await;
    assert_eq!(status, StatusCode::MULTI_STATUS, "{report}");
    assert_eq!(
        report["entities_with_rejections"],
        json!(["urn:ngsi-ld:WeatherObserved:no-time"])
    );
    assert_eq!(report["rejected"], 1);
    let (_, entities) = app.get("/api/v1/entities").await;
    let placed = entities["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["key"] == "ngsi.WeatherObserved:Spain-WeatherObserved-Valladolid-2016-11-30T07:00:00.00Z")
        .expect("entity");
    assert_eq!(placed["lat"], 41.640833333);

    let (status, _) = app
        .request(
            "POST",
            "/ngsi-ld/v1/notify",
            Some(&agency),
            Some(("text/plain", b"{}".to_vec())),
        )
        .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (status, _) = put(&app, admin, "orion-2", &definition).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, error) = app
        .request(
            "POST",
            "/ngsi-ld/v1/notify",
            Some(&agency),
            Some(("application/json", notification.to_string().into_bytes())),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"]["code"], "CONNECTOR_REQUIRED");
    let (status, _) = app.request("POST", "/ngsi-ld/v1/notify", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let (_, list) = app.get("/api/v1/connectors/orion").await;
    assert_eq!(list["accepted"], 17 + 11);
    assert_eq!(list["rejected"], 1);
    assert_eq!(list["received"], 3);
}

async fn rejected_rows_are_listed_and_resubmitted(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.define_agency("so-xd").await;
    let csv = "series,time,value\n\
               so-xd.s,2025-07-01T01:00:00+07:00,10\n\
               so-xd.s,2025-07-01T02:00:00+07:00,mười hai\n\
               so-xd.s,hôm qua,13\n";
    let batch = app.push_as_admin("so-xd", csv).await;

    let (status, list) = app.get("/api/v1/sources/so-xd.source/rejected").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let rows = list["rejected"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["row"], 2);
    assert_eq!(rows[0]["code"], "INVALID_NUMBER");
    assert_eq!(rows[0]["resolved"], false);
    assert_eq!(rows[1]["raw"], "so-xd.s,hôm qua,13");
    let (status, text) = app.get_text("/api/v1/sources/so-xd.source/rejected?format=csv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        text.starts_with("batch_id,row,code,message,raw,received_at,resolved_by_batch\n"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 3);

    // Correct row 2; row 3 is sent again with another bad time and stays open.
    let fix = "row,series,time,value\n2,so-xd.s,2025-07-01T02:00:00+07:00,12\n3,so-xd.s,ngày mai,13\n";
    let uri = format!("/api/v1/batches/{batch}/resubmit");
    let (status, report) = app
        .request(
            "POST",
            &uri,
            Some(&app.key),
            Some(("text/csv", fix.as_bytes().to_vec())),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["accepted"], 1);
    assert_eq!(report["resolved_rows"], json!([2]));
    assert_eq!(report["still_rejected_rows"], json!([3]));
    let new_batch = report["batch_id"].as_str().unwrap().to_owned();

    let (_, resolved) = app.get("/api/v1/sources/so-xd.source/rejected?status=resolved").await;
    let resolved = resolved["rejected"].as_array().unwrap();
    assert_eq!(resolved.len(), 1);
    assert_eq!(resolved[0]["batch_id"], batch.as_str());
    assert_eq!(resolved[0]["resolved_by_batch"], new_batch.as_str());
    let (_, open) = app.get("/api/v1/sources/so-xd.source/rejected").await;
    let open: Vec<(String, i64)> = open["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["batch_id"].as_str().unwrap().to_owned(), r["row"].as_i64().unwrap()))
        .collect();
    assert!(open.contains(&(batch.clone(), 3)), "{open:?}");
    assert!(open.contains(&(new_batch.clone(), 3)), "{open:?}");
    assert_eq!(open.len(), 2, "nothing is deleted: {open:?}");
    let (_, all) = app.get("/api/v1/sources/so-xd.source/rejected?status=all").await;
    assert_eq!(all["rejected"].as_array().unwrap().len(), 3);

    let (_, points) = app
        .get("/api/v1/series/so-xd.s/observations?from=2025-07-01&to=2025-07-02")
        .await;
    assert_eq!(points["points"].as_array().unwrap().len(), 2);

    // A row already resolved, or never rejected, cannot be resubmitted.
    let (status, error) = app
        .request(
            "POST",
            &uri,
            Some(&app.key),
            Some(("text/csv", fix.as_bytes().to_vec())),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
    assert_eq!(error["error"]["code"], "ROW_NOT_OPEN");
    let (status, _) = app
        .request(
            "POST",
            "/api/v1/batches/khong-co/resubmit",
            Some(&app.key),
            Some(("text/csv", fix.as_bytes().to_vec())),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app.get("/api/v1/sources/khong-co/rejected").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

fn workbook() -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Số liệu").unwrap();
    sheet.write_string(0, 0, "Ngày").unwrap();
    sheet.write_string(0, 1, "Mực nước (cm)").unwrap();
    let date = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    for (row, (day, level)) in [("2025-07-01", 120.0), ("2025-07-02", 135.5)].into_iter().enumerate() {
        let row = row as u32 + 1;
        let when = rust_xlsxwriter::ExcelDateTime::parse_from_str(day).unwrap();
        sheet.write_datetime_with_format(row, 0, &when, &date).unwrap();
        sheet.write_number(row, 1, level).unwrap();
    }
    sheet.write_string(3, 0, "2025-07-03").unwrap();
    sheet.write_string(3, 1, "lỗi cảm biến").unwrap();
    workbook.save_to_buffer().unwrap()
}

async fn spreadsheet_upload_through_a_file_connector(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.define_agency("so-nn").await;
    let definition = json!({
        "source": "so-nn.source",
        "file": {
            "mapping": {
                "time": {"column": "Ngày"},
                "values": [{"column": "Mực nước (cm)", "series": "so-nn.s"}]
            },
            "sheet": {"name": "Số liệu"}
        }
    });
    let (status, created) = put(&app, Some(&app.key), "bao-cao-thuy-van", &definition).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let agency = app.agency_key("so-nn", None).await;
    let (status, report) = app
        .request(
            "POST",
            "/api/v1/sources/so-nn.source/files?name=thuy-van-thang-7.xlsx",
            Some(&agency),
            Some(("application/octet-stream", workbook())),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["connector"], "bao-cao-thuy-van");
    let batch = &report["batches"][0];
    assert_eq!(batch["sheet"], "Số liệu");
    assert_eq!(batch["accepted"], 2);
    assert_eq!(batch["rejected"], 1);
    let (_, points) = app
        .get("/api/v1/series/so-nn.s/observations?from=2025-07-01&to=2025-07-03")
        .await;
    assert_eq!(points["points"][0]["time"], "2025-07-01T00:00:00+07:00");
    assert_eq!(points["points"][1]["value"], 135.5);
    let (_, rejected) = app.get("/api/v1/sources/so-nn.source/rejected").await;
    assert_eq!(rejected["rejected"][0]["row"], 4, "the sheet's row number");
    assert_eq!(rejected["rejected"][0]["format"], "xlsx");

    let (status, _) = app
        .request(
            "POST",
            "/api/v1/sources/so-nn.source/files?name=ghi-chu.docx",
            Some(&agency),
            Some(("application/octet-stream", b"x".to_vec())),
        )
        .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let other = app.agency_key("so-khac", None).await;
    let (status, _) = app
        .request(
            "POST",
            "/api/v1/sources/so-nn.source/files?name=a.xlsx",
            Some(&other),
            Some(("application/octet-stream", workbook())),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another agency's source is not visible");
}
