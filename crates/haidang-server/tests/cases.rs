//! Citizen reports through the real router: Open311 intake in JSON and XML, the workflow
//! with its deadlines, scopes and personal data, duplicates, and the public page's API,
//! against SQLite and PostgreSQL.

// Test code may panic on a failed step: that is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use axum::http::StatusCode;
use haidang_core::access::Role;
use haidang_store::cases::{CaseCategory, CategoryAttribute};
use serde_json::{Value, json};
use support::{Auth, Backend, TestApp};

haidang_testkit::on_both_backends!(
    open311_client_files_and_follows_a_request,
    open311_errors_are_open311_style,
    commune_officer_sees_only_own_commune,
    workflow_runs_from_intake_to_public_page,
    duplicates_are_suggested_and_merged,
);

/// Phường Phan Thiết and Phường Mũi Né, in force since 1 July 2025.
const PHAN_THIET: &str = "22945";
const MUI_NE: &str = "22918";

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89,
];

fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(TABLE[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

async fn setup(backend: Backend) -> TestApp {
    let app = TestApp::spawn(backend).await;
    app.load_reference().await;
    for (key, name) in [("so-xd", "Sở Xây dựng"), ("cty-mt", "Công ty Môi trường đô thị")] {
        let agency = haidang_store::Agency {
            key: key.into(),
            name: name.into(),
            responsible_person: "Người phụ trách".into(),
            responsible_title: None,
        };
        app.store.upsert_agency(agency, app.now()).await.unwrap();
    }
    let category = |code: &str, name: &str, agency: &str, days: u32| CaseCategory {
        code: code.into(),
        name: name.into(),
        name_en: code.into(),
        description: name.into(),
        group: "Hạ tầng".into(),
        keywords: vec![code.into()],
        agency_key: agency.into(),
        working_days: days,
        attributes: vec![CategoryAttribute {
            code: "severity".into(),
            datatype: "singlevaluelist".into(),
            required: false,
            description: "Mức độ / Severity".into(),
            order: 1,
            values: vec![("low".into(), "Nhẹ".into()), ("high".into(), "Nặng".into())],
        }],
    };
    app.store
        .upsert_case_categories(vec![
            category("road", "Hư hỏng đường", "so-xd", 3),
            category("garbage", "Rác thải", "cty-mt", 1),
        ])
        .await
        .unwrap();
    app
}

fn form(pairs: &[(&str, &str)]) -> Vec<u8> {
    let encode = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
                b' ' => "+".to_owned(),
                other => format!("%{other:02X}"),
            })
            .collect::<String>()
    };
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
        .into_bytes()
}

const FORM: &str = "application/x-www-form-urlencoded";

/// Files a report over Open311 as an anonymous citizen; returns (id, token).
async fn file(app: &TestApp, code: &str, commune: &str, lat: &str, phone: &str) -> (String, String) {
    let body = form(&[
        ("service_code", code),
        ("lat", lat),
        ("long", "108.1021"),
        ("address_string", "12 Trần Hưng Đạo, Phường Phan Thiết"),
        ("description", "Ổ gà lớn giữa đường"),
        ("attribute[severity]", "high"),
        ("attribute[commune]", commune),
        ("first_name", "An"),
        ("last_name", "Nguyễn Văn"),
        ("phone", phone),
        ("email", "an@example.vn"),
    ]);
    let (status, _, answer) = app
        .send(
            "POST",
            "/open311/v2/requests.json",
            &Auth::Anonymous,
            Some((FORM, body)),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    (
        answer[0]["service_request_id"].as_str().unwrap().to_owned(),
        answer[0]["token"].as_str().unwrap().to_owned(),
    )
}

async fn text(app: &TestApp, method: &str, uri: &str, body: Option<(&str, Vec<u8>)>) -> (StatusCode, String) {
    let (status, bytes) = app.raw(method, uri, None, body, None).await;
    (status, String::from_utf8(bytes).unwrap())
}

async fn open311_client_files_and_follows_a_request(backend: Backend) {
    let app = setup(backend).await;

    let (status, _, services) = app
        .send("GET", "/open311/v2/services.json", &Auth::Anonymous, None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let road = services
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service_code"] == "road")
        .unwrap();
    assert_eq!(road["service_name"], "Hư hỏng đường");
    assert_eq!(road["metadata"], true);
    assert_eq!(road["type"], "realtime");
    assert_eq!(road["group"], "Hạ tầng");
    let (status, xml) = text(&app, "GET", "/open311/v2/services.xml", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert!(xml.contains("<services><service><service_code>"), "{xml}");

    let (status, _, definition) = app
        .send("GET", "/open311/v2/services/road.json", &Auth::Anonymous, None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let codes: Vec<&str> = definition["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["severity", "commune"]);
    let (_, xml) = text(&app, "GET", "/open311/v2/services/road.xml", None).await;
    assert!(xml.contains("<service_definition><service_code>road</service_code><attributes><attribute>"));

    let (id, token) = file(&app, "road", PHAN_THIET, "10.9289", "0912345678").await;
    // Received Monday 5 January 2026 at 10:00; 3 working days → Thursday 8 January, 17:00.
    let (status, _, request) = app
        .send(
            "GET",
            &format!("/open311/v2/requests/{id}.json"),
            &Auth::Anonymous,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let request = &request[0];
    assert_eq!(request["status"], "open");
    assert_eq!(request["expected_datetime"], "2026-01-08T17:00:00+07:00");
    assert_eq!(request["requested_datetime"], "2026-01-05T10:00:00+07:00");
    assert_eq!(request["agency_responsible"], "Sở Xây dựng");
    assert_eq!(request["haidang_state"], "received");
    assert_eq!(request["haidang_commune_code"], PHAN_THIET);
    assert_eq!(request["lat"], 10.9289);
    assert_eq!(request["address"], "***, Phường Phan Thiết");
    let body = request.to_string();
    for personal in ["0912345678", "Nguyễn", "an@example.vn"] {
        assert!(!body.contains(personal), "{personal} leaked");
    }

    let (status, xml) = text(&app, "GET", &format!("/open311/v2/requests/{id}.xml"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        xml.contains("<expected_datetime>2026-01-08T17:00:00+07:00</expected_datetime>"),
        "{xml}"
    );
    assert!(xml.contains("<status>open</status>"));

    let body = form(&[
        ("service_code", "garbage"),
        ("address_string", "Chợ Phan Thiết"),
        ("description", "Rác chưa thu gom"),
    ]);
    let (status, xml) = text(&app, "POST", "/open311/v2/requests.xml", Some((FORM, body))).await;
    assert_eq!(status, StatusCode::CREATED, "{xml}");
    assert!(xml.contains("<service_requests><request><service_request_id>"), "{xml}");

    let (status, _, tokens) = app
        .send(
            "GET",
            &format!("/open311/v2/tokens/{token}.json"),
            &Auth::Anonymous,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(tokens[0]["service_request_id"], id.as_str());
    assert_eq!(tokens[0]["token"], token.as_str());

    let (_, _, listed) = app
        .send(
            "GET",
            &format!("/open311/v2/requests.json?service_request_id={id},999"),
            &Auth::Anonymous,
            None,
        )
        .await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let (_, _, listed) = app
        .send(
            "GET",
            "/open311/v2/requests.json?service_code=road&status=open",
            &Auth::Anonymous,
            None,
        )
        .await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let (_, _, listed) = app
        .send("GET", "/open311/v2/requests.json?status=closed", &Auth::Anonymous, None)
        .await;
    assert_eq!(listed.as_array().unwrap().len(), 0);
    let (_, _, listed) = app
        .send(
            "GET",
            "/open311/v2/requests.json?start_date=2026-01-06T00:00:00%2B07:00",
            &Auth::Anonymous,
            None,
        )
        .await;
    assert_eq!(listed.as_array().unwrap().len(), 0);
    let (status, _, discovery) = app.send("GET", "/open311/discovery.json", &Auth::Anonymous, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(discovery["endpoints"][0]["url"], "http://ioc.test/open311/v2");
}

/// Form fields of a request.
type Form<'a> = &'a [(&'a str, &'a str)];

async fn open311_errors_are_open311_style(backend: Backend) {
    let app = setup(backend).await;
    let cases: [(Form, StatusCode, &str); 5] = [
        (
            &[("lat", "10.9"), ("long", "108.1"), ("description", "x")],
            StatusCode::BAD_REQUEST,
            "service_code",
        ),
        (
            &[
                ("service_code", "nope"),
                ("lat", "10.9"),
                ("long", "108.1"),
                ("description", "x"),
            ],
            StatusCode::NOT_FOUND,
            "nope",
        ),
        (
            &[
                ("service_code", "road"),
                ("lat", "abc"),
                ("long", "108.1"),
                ("description", "x"),
            ],
            StatusCode::BAD_REQUEST,
            "lat",
        ),
        (
            &[("service_code", "road"), ("description", "x")],
            StatusCode::BAD_REQUEST,
            "lat/long",
        ),
        (
            &[
                ("service_code", "road"),
                ("lat", "10.9"),
                ("long", "108.1"),
                ("description", "x"),
                ("attribute[severity]", "huge"),
            ],
            StatusCode::BAD_REQUEST,
            "attribute[severity]",
        ),
    ];
    for (pairs, expected, mention) in cases {
        let (status, _, answer) = app
            .send(
                "POST",
                "/open311/v2/requests.json",
                &Auth::Anonymous,
                Some((FORM, form(pairs))),
            )
            .await;
        assert_eq!(status, expected, "{answer}");
        assert_eq!(answer[0]["code"], expected.as_u16(), "{answer}");
        let description = answer[0]["description"].as_str().unwrap();
        assert!(description.contains(mention), "{description}");
    }
    let (status, _, answer) = app
        .send(
            "POST",
            "/open311/v2/requests.json",
            &Auth::Anonymous,
            Some(("application/json", b"{}".to_vec())),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer[0]["code"], 400);
    let (status, xml) = text(
        &app,
        "POST",
        "/open311/v2/requests.xml",
        Some((FORM, form(&[("lat", "1")]))),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(xml.contains("<errors><error><code>400</code><description>"), "{xml}");
    let (status, xml) = text(&app, "GET", "/open311/v2/requests/12345.xml", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(xml.contains("<code>404</code>"));
    let (status, _, answer) = app
        .send("GET", "/open311/v2/requests.json?status=maybe", &Auth::Anonymous, None)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer[0]["code"], 400);
}

async fn dispatch(app: &TestApp, auth: &Auth, id: &str, body: Value) -> (StatusCode, Value) {
    let (status, _, answer) = app
        .send(
            "POST",
            &format!("/api/v1/cases/{id}/dispatch"),
            auth,
            Some(("application/json", body.to_string().into_bytes())),
        )
        .await;
    (status, answer)
}

async fn handle(app: &TestApp, auth: &Auth, id: &str, body: Value) -> (StatusCode, Value) {
    let (status, _, answer) = app
        .send(
            "POST",
            &format!("/api/v1/cases/{id}/handle"),
            auth,
            Some(("application/json", body.to_string().into_bytes())),
        )
        .await;
    (status, answer)
}

async fn commune_officer_sees_only_own_commune(backend: Backend) {
    let app = setup(backend).await;
    let (own, _) = file(&app, "road", PHAN_THIET, "10.9289", "0912345678").await;
    let (other, token) = file(&app, "road", MUI_NE, "10.9500", "0987654321").await;
    let officer = app
        .session_as(Role::CommuneOfficer, None, Some(PHAN_THIET))
        .await
        .auth();

    let (status, _, list) = app.send("GET", "/api/v1/cases", &officer, None).await;
    assert_eq!(status, StatusCode::OK);
    let ids: Vec<i64> = list["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [own.parse::<i64>().unwrap()]);
    let (status, _, error) = app.send("GET", &format!("/api/v1/cases/{other}"), &officer, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another commune's case must look absent");
    assert_eq!(error["error"]["code"], "CASE_NOT_FOUND");
    let (_, _, found) = app
        .send("GET", &format!("/api/v1/cases?q={other}"), &officer, None)
        .await;
    assert_eq!(found["cases"].as_array().unwrap().len(), 0, "search by number");
    let (_, _, found) = app
        .send("GET", "/api/v1/cases?q=%E1%BB%94%20g%C3%A0", &officer, None)
        .await;
    assert_eq!(found["cases"].as_array().unwrap().len(), 1, "search by text");
    let (status, _, csv) = app.send_bytes("GET", "/api/v1/cases/export", &officer, None).await;
    assert_eq!(status, StatusCode::OK);
    let csv = String::from_utf8(csv).unwrap();
    assert_eq!(csv.lines().count(), 2, "{csv}");
    assert!(csv.lines().nth(1).unwrap().starts_with(&format!("{own},")), "{csv}");
    for phone in ["0912345678", "0987654321"] {
        assert!(!csv.contains(phone), "{phone} leaked into the export");
    }
    let (status, detail_body) = {
        let (status, _, detail) = app.send("GET", &format!("/api/v1/cases/{own}"), &officer, None).await;
        (status, detail.to_string())
    };
    assert_eq!(status, StatusCode::OK);
    for body in [list.to_string(), detail_body.clone()] {
        assert!(
            !body.contains("0912345678") && !body.contains("678\""),
            "no phone: {body}"
        );
        assert!(
            !body.contains("Nguyễn Văn An") && !body.contains("an@example.vn"),
            "no identity: {body}"
        );
    }
    assert_eq!(
        serde_json::from_str::<Value>(&detail_body).unwrap()["reporter"],
        Value::Null
    );
    let (status, _, _) = app
        .send(
            "GET",
            &format!("/api/v1/cases/{own}/reporter?purpose=x"),
            &officer,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = dispatch(&app, &officer, &own, json!({"event": "accept"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let operator = app.session_as(Role::Operator, None, None).await.auth();
    let (_, _, list) = app.send("GET", "/api/v1/cases", &operator, None).await;
    assert_eq!(list["cases"].as_array().unwrap().len(), 2);
    assert_eq!(list["cases"][0]["reporter"]["phone"], "*******321");
    let (status, _, contact) = app
        .send(
            "GET",
            &format!("/api/v1/cases/{other}/reporter?purpose=g%E1%BB%8Di%20l%E1%BA%A1i"),
            &operator,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(contact["phone"], "0987654321");
    assert_eq!(contact["name"], "An Nguyễn Văn");
    let (status, _, _) = app
        .send("GET", &format!("/api/v1/cases/{other}/reporter"), &operator, None)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a purpose is required");
    let records = app.store.audit_chain().await.unwrap().1;
    let read = records
        .iter()
        .find(|r| r.event.action == "case.personal_data.read")
        .unwrap();
    assert_eq!(read.event.object.as_deref(), Some(format!("case:{other}").as_str()));
    assert_eq!(read.event.detail["purpose"], "gọi lại");

    // The operator and the citizen see the whole history.
    dispatch(&app, &operator, &other, json!({"event": "accept", "note": "Hợp lệ"})).await;
    let (_, _, detail) = app
        .send("GET", &format!("/api/v1/cases/{other}"), &operator, None)
        .await;
    let events: Vec<&str> = detail["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["receive", "accept"]);
    let (_, _, tracked) = app
        .send(
            "GET",
            &format!("/open311/v2/tokens/{token}.json"),
            &Auth::Anonymous,
            None,
        )
        .await;
    let events: Vec<&str> = tracked[0]["haidang_history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["receive", "accept"]);
    assert_eq!(tracked[0]["haidang_history"][1]["note"], "Hợp lệ");

    // An agency officer sees its agency's cases only.
    let agency = app.session_as(Role::AgencyOfficer, Some("cty-mt"), None).await.auth();
    let (_, _, list) = app.send("GET", "/api/v1/cases", &agency, None).await;
    assert_eq!(list["cases"].as_array().unwrap().len(), 0);
    let (status, _, _) = app.send("GET", &format!("/api/v1/cases/{own}"), &agency, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn workflow_runs_from_intake_to_public_page(backend: Backend) {
    let app = setup(backend).await;
    let (id, token) = file(&app, "road", PHAN_THIET, "10.9289", "0912345678").await;
    let operator = app.session_as(Role::Operator, None, None).await.auth();
    let handler = app.session_as(Role::AgencyOfficer, Some("so-xd"), None).await.auth();

    let (status, error) = handle(&app, &handler, &id, json!({"event": "resolve", "note": "Đã vá"})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{error}");
    assert_eq!(error["error"]["code"], "ILLEGAL_TRANSITION");
    let message = error["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("Mới tiếp nhận") && message.contains("accept, reject, merge"),
        "{message}"
    );

    let (status, _) = dispatch(&app, &operator, &id, json!({"event": "reject"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a rejection needs a reason");
    let (status, case) = dispatch(&app, &operator, &id, json!({"event": "accept"})).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    let (status, case) = dispatch(
        &app,
        &operator,
        &id,
        json!({"event": "assign", "agency": "so-xd", "commune": PHAN_THIET}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{case}");
    assert_eq!(case["state"], "assigned");
    let (status, _) = handle(&app, &handler, &id, json!({"event": "start"})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, case) = handle(
        &app,
        &handler,
        &id,
        json!({"event": "request_extension", "note": "Chờ vật tư", "extra_days": 2}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{case}");
    let (status, case) = dispatch(&app, &operator, &id, json!({"event": "approve_extension"})).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    assert_eq!(case["original_deadline"], "2026-01-08T17:00:00+07:00");
    assert_eq!(
        case["deadline"], "2026-01-12T17:00:00+07:00",
        "two more working days, over the weekend"
    );
    assert!(case["extension_approved"].as_bool().unwrap());

    // Friday 9 January: late against the first deadline, within the extension.
    app.advance(4 * 86_400_000);
    // Sessions end after 30 idle minutes; the officers log in again.
    let operator = app.session_as(Role::Operator, None, None).await.auth();
    let handler = app.session_as(Role::AgencyOfficer, Some("so-xd"), None).await.auth();
    let (status, case) = handle(
        &app,
        &handler,
        &id,
        json!({"event": "resolve", "note": "Đã vá ổ gà", "photos": [{"data": base64(PNG)}]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{case}");
    let (status, error) = handle(
        &app,
        &handler,
        &id,
        json!({"event": "resolve", "note": "x", "photos": [{"data": base64(b"GIF89a")}]}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{error}");
    let (_, _, public) = app.send("GET", "/api/v1/public/cases", &Auth::Anonymous, None).await;
    assert_eq!(public["cases"].as_array().unwrap().len(), 0, "not published yet");
    let (status, case) = dispatch(&app, &operator, &id, json!({"event": "publish"})).await;
    assert_eq!(status, StatusCode::OK, "{case}");

    let (status, _, public) = app
        .send(
            "GET",
            &format!("/api/v1/public/cases?category=road&commune={PHAN_THIET}&status=published"),
            &Auth::Anonymous,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let shown = &public["cases"][0];
    assert_eq!(shown["answer"], "Đã vá ổ gà");
    assert_eq!(shown["timeliness"], "late_with_extension");
    assert_eq!(shown["commune_name"], "Phường Phan Thiết");
    for personal in ["0912345678", "Trần Hưng Đạo"] {
        assert!(!public.to_string().contains(personal), "{personal} is public");
    }
    let photo = shown["photos"][0].as_str().unwrap().to_owned();
    let (status, bytes) = app.raw("GET", &photo, None, None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, PNG);
    let (_, _, request) = app
        .send(
            "GET",
            &format!("/open311/v2/requests/{id}.json"),
            &Auth::Anonymous,
            None,
        )
        .await;
    assert_eq!(request[0]["status"], "closed");
    assert_eq!(request[0]["status_notes"], "Đã vá ổ gà");

    let (_, _, stats) = app
        .send("GET", "/api/v1/public/cases/statistics", &Auth::Anonymous, None)
        .await;
    assert_eq!(stats["total"]["late_with_extension"], 1, "{stats}");
    assert_eq!(stats["by_agency"][0]["name"], "Sở Xây dựng");

    // The citizen disputes the result: the case reopens with a new deadline.
    let track = |body: Value| {
        let app = &app;
        let uri = format!("/api/v1/public/tracking/{token}");
        async move {
            app.send(
                "POST",
                &uri,
                &Auth::Anonymous,
                Some(("application/json", body.to_string().into_bytes())),
            )
            .await
        }
    };
    let (status, _, answer) = track(json!({"event": "dispute", "note": "Ổ gà vẫn còn"})).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["state"], "reopened");
    let (status, _) = handle(&app, &handler, &id, json!({"event": "resolve", "note": "Đã vá lại"})).await;
    assert_eq!(status, StatusCode::OK);
    dispatch(&app, &operator, &id, json!({"event": "publish"})).await;
    let (status, _, answer) = track(json!({"event": "rate", "rating": 5})).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["state"], "rated");
    let (status, case) = dispatch(&app, &operator, &id, json!({"event": "close"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(case["rating"], 5);

    let (_, _, detail) = app.send("GET", &format!("/api/v1/cases/{id}"), &operator, None).await;
    let events: Vec<&str> = detail["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(
        events,
        [
            "receive",
            "accept",
            "assign",
            "start",
            "request_extension",
            "approve_extension",
            "resolve",
            "publish",
            "dispute",
            "resolve",
            "publish",
            "rate",
            "rating",
            "close"
        ]
    );
    let chain = app.store.audit_chain().await.unwrap().1;
    let audited: Vec<&str> = chain
        .iter()
        .filter(|r| r.event.object.as_deref() == Some(format!("case:{id}").as_str()))
        .map(|r| r.event.action.as_str())
        .collect();
    assert_eq!(audited.len(), events.len(), "one audit record per step: {audited:?}");

    // An overdue case shows in the operator's list.
    let (late, _) = file(&app, "garbage", MUI_NE, "10.95", "0911111111").await;
    app.advance(7 * 86_400_000);
    let operator = app.session_as(Role::Operator, None, None).await.auth();
    let (_, _, overdue) = app.send("GET", "/api/v1/cases/overdue", &operator, None).await;
    assert_eq!(overdue["overdue"][0]["id"].as_i64().unwrap().to_string(), late);
    assert_eq!(overdue["overdue"][0]["deadline_status"], "overdue");
    let (_, _, stats) = app.send("GET", "/api/v1/cases/statistics", &operator, None).await;
    assert_eq!(stats["total"]["open_overdue"], 1, "{stats}");
}

async fn duplicates_are_suggested_and_merged(backend: Backend) {
    let app = setup(backend).await;
    let (first, _) = file(&app, "road", PHAN_THIET, "10.9289", "0912345678").await;
    app.advance(3_600_000);
    let (second, token) = file(&app, "road", PHAN_THIET, "10.9300", "0987654321").await;
    let (_far, _) = file(&app, "road", PHAN_THIET, "10.9500", "0900000000").await;
    let operator = app.session_as(Role::Operator, None, None).await.auth();
    let (status, _, found) = app
        .send("GET", &format!("/api/v1/cases/{second}/duplicates"), &operator, None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let ids: Vec<String> = found["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap().to_string())
        .collect();
    assert_eq!(ids, std::slice::from_ref(&first));
    let into: i64 = first.parse().unwrap();
    let (status, case) = dispatch(&app, &operator, &second, json!({"event": "merge", "into": into})).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    assert_eq!(case["state"], "merged");
    let (_, _, tracked) = app
        .send(
            "GET",
            &format!("/open311/v2/tokens/{token}.json"),
            &Auth::Anonymous,
            None,
        )
        .await;
    assert_eq!(tracked[0]["haidang_merged_into"], first.as_str());
    assert_eq!(tracked[0]["haidang_merged_into_status"], "open");
    let (_, _, request) = app
        .send(
            "GET",
            &format!("/open311/v2/requests/{second}.json"),
            &Auth::Anonymous,
            None,
        )
        .await;
    assert_eq!(request[0]["haidang_merged_into"], first.as_str());
    assert_eq!(request[0]["status"], "closed");
}
