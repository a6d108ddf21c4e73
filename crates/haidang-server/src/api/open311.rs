//! Open311 GeoReport v2 at `/open311/v2/`: services, service definitions, requests and
//! tokens, in JSON and XML, with Open311-style errors.
//!
//! Standard fields keep their standard meaning; Hải Đăng's own facts are in fields named
//! `haidang_*`. The reporter's contact is never shown here, and the exact address is masked.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use haidang_core::cases::CaseState;
use haidang_core::personal::{PersonalField, mask};
use haidang_core::time::{format_instant, local_date, parse_timestamp};
use haidang_store::cases::{CaseCategory, CaseFilter, CaseRecord};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::cases::{Intake, Names, file_case};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::identity::{ClientAddress, Principal};
use crate::state::AppState;

/// Response format, chosen by the path's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

/// A field of an Open311 record, kept in order for XML.
enum Field {
    Text(Option<String>),
    Number(Option<f64>),
    Bool(bool),
    Int(Option<i64>),
    /// Child records under `tag`, each an element named `item`.
    List(&'static str, Vec<Record>),
}

type Record = Vec<(&'static str, Field)>;

fn text(value: impl Into<String>) -> Field {
    Field::Text(Some(value.into()))
}

fn record_json(record: &Record) -> Value {
    let mut map = serde_json::Map::new();
    for (name, field) in record {
        let value = match field {
            Field::Text(v) => json!(v),
            Field::Number(v) => json!(v),
            Field::Bool(v) => json!(v),
            Field::Int(v) => json!(v),
            Field::List(_, items) => Value::Array(items.iter().map(record_json).collect()),
        };
        map.insert((*name).to_owned(), value);
    }
    Value::Object(map)
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\r' | '\t') => {}
            c => out.push(c),
        }
    }
    out
}

fn record_xml(out: &mut String, tag: &str, record: &Record) {
    out.push_str(&format!("<{tag}>"));
    for (name, field) in record {
        match field {
            Field::List(item, items) => {
                out.push_str(&format!("<{name}>"));
                for child in items {
                    record_xml(out, item, child);
                }
                out.push_str(&format!("</{name}>"));
            }
            other => {
                let value = match other {
                    Field::Text(v) => v.as_deref().map(escape),
                    Field::Number(v) => v.map(|n| n.to_string()),
                    Field::Bool(v) => Some(v.to_string()),
                    Field::Int(v) => v.map(|n| n.to_string()),
                    Field::List(..) => None,
                };
                match value {
                    Some(value) => out.push_str(&format!("<{name}>{value}</{name}>")),
                    None => out.push_str(&format!("<{name}/>")),
                }
            }
        }
    }
    out.push_str(&format!("</{tag}>"));
}

/// Renders records as a JSON array, or as XML under `root` with one `item` element each.
fn render(format: Format, status: StatusCode, root: &str, item: &str, records: &[Record]) -> Response {
    match format {
        Format::Json => {
            let body = Value::Array(records.iter().map(record_json).collect()).to_string();
            (
                status,
                [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
                body,
            )
                .into_response()
        }
        Format::Xml => {
            let mut body = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
            body.push_str(&format!("<{root}>"));
            for record in records {
                record_xml(&mut body, item, record);
            }
            body.push_str(&format!("</{root}>"));
            (status, [(header::CONTENT_TYPE, "text/xml; charset=utf-8")], body).into_response()
        }
    }
}

/// Renders an Open311 error response: `[{"code": 400, "description": "…"}]`.
fn error_response(format: Format, lang: Lang, error: &ApiError) -> Response {
    let status =
        if error.status == StatusCode::UNPROCESSABLE_ENTITY || error.status == StatusCode::UNSUPPORTED_MEDIA_TYPE {
            StatusCode::BAD_REQUEST
        } else {
            error.status
        };
    let record: Record = vec![
        ("code", Field::Int(Some(i64::from(status.as_u16())))),
        ("description", text(error.message(lang))),
    ];
    if status.is_server_error() {
        tracing::error!(error = ?error, "Open311 request failed");
    }
    render(format, status, "errors", "error", &[record])
}

fn finish(format: Format, headers: &HeaderMap, result: Result<Response, ApiError>) -> Response {
    match result {
        Ok(response) => response,
        Err(error) => error_response(format, Lang::from_headers(headers), &error),
    }
}

/// Splits `name.json` / `name.xml` into the name and the format.
fn split_format(text: &str) -> Result<(&str, Format), ApiError> {
    if let Some(name) = text.strip_suffix(".json") {
        Ok((name, Format::Json))
    } else if let Some(name) = text.strip_suffix(".xml") {
        Ok((name, Format::Xml))
    } else {
        Err(ApiError::not_found("NOT_FOUND", "what-format", text))
    }
}

fn service_record(category: &CaseCategory) -> Record {
    vec![
        ("service_code", text(&category.code)),
        ("service_name", text(&category.name)),
        ("description", text(&category.description)),
        ("metadata", Field::Bool(true)),
        ("type", text("realtime")),
        ("keywords", text(category.keywords.join(","))),
        ("group", text(&category.group)),
        ("haidang_service_name_en", text(&category.name_en)),
        (
            "haidang_working_days",
            Field::Int(Some(i64::from(category.working_days))),
        ),
        ("haidang_agency", text(&category.agency_key)),
    ]
}

async fn services(state: &AppState, format: Format) -> Result<Response, ApiError> {
    let categories = state.store.case_categories().await?;
    let records: Vec<Record> = categories.iter().map(service_record).collect();
    Ok(render(format, StatusCode::OK, "services", "service", &records))
}

/// Lists the service categories (Open311, JSON).
#[utoipa::path(get, path = "/open311/v2/services.json", tag = "open311", responses((status = 200, description = "Open311 services")))]
pub async fn services_json(State(state): State<AppState>, headers: HeaderMap) -> Response {
    finish(Format::Json, &headers, services(&state, Format::Json).await)
}

/// Lists the service categories (Open311, XML).
#[utoipa::path(get, path = "/open311/v2/services.xml", tag = "open311", responses((status = 200, description = "Open311 services")))]
pub async fn services_xml(State(state): State<AppState>, headers: HeaderMap) -> Response {
    finish(Format::Xml, &headers, services(&state, Format::Xml).await)
}

/// Returns a service definition: its attributes (`services/{service_code}.json` or `.xml`).
#[utoipa::path(get, path = "/open311/v2/services/{code}", tag = "open311", params(("code" = String, Path, description = "service code with .json or .xml")),
    responses((status = 200, description = "Open311 service definition"), (status = 404)))]
pub async fn service_definition(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Response {
    let format = if code.ends_with(".xml") {
        Format::Xml
    } else {
        Format::Json
    };
    let result = async {
        let (code, format) = split_format(&code)?;
        let category = state
            .store
            .case_categories()
            .await?
            .into_iter()
            .find(|c| c.code == code)
            .ok_or_else(|| ApiError::not_found("SERVICE_NOT_FOUND", "what-service", code))?;
        let today = local_date(state.now(), state.zone).ok_or_else(|| ApiError::internal("clock out of range"))?;
        let catalog = state.store.unit_catalog().await?;
        let mut communes: Vec<(String, String)> = catalog
            .in_force(today, None)
            .into_iter()
            .filter(|u| u.level == haidang_core::units::UnitLevel::Commune)
            .map(|u| (u.code.clone(), u.name.clone()))
            .collect();
        communes.sort_by(|a, b| a.1.cmp(&b.1));
        let value_records = |values: &[(String, String)]| -> Vec<Record> {
            values
                .iter()
                .map(|(key, name)| vec![("key", text(key)), ("name", text(name))])
                .collect()
        };
        let mut attributes: Vec<Record> = category
            .attributes
            .iter()
            .map(|a| {
                vec![
                    ("variable", Field::Bool(true)),
                    ("code", text(&a.code)),
                    ("datatype", text(&a.datatype)),
                    ("required", Field::Bool(a.required)),
                    ("datatype_description", Field::Text(None)),
                    ("order", Field::Int(Some(a.order))),
                    ("description", text(&a.description)),
                    ("values", Field::List("value", value_records(&a.values))),
                ]
            })
            .collect();
        if !category.attributes.iter().any(|a| a.code == "commune") {
            attributes.push(vec![
                ("variable", Field::Bool(true)),
                ("code", text("commune")),
                ("datatype", text("singlevaluelist")),
                ("required", Field::Bool(false)),
                ("datatype_description", Field::Text(None)),
                ("order", Field::Int(Some(100))),
                (
                    "description",
                    text("Xã, phường nơi xảy ra sự việc / Commune or ward where it happened"),
                ),
                ("values", Field::List("value", value_records(&communes))),
            ]);
        }
        let record: Record = vec![
            ("service_code", text(&category.code)),
            ("attributes", Field::List("attribute", attributes)),
        ];
        Ok(match format {
            Format::Json => (
                [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
                record_json(&record).to_string(),
            )
                .into_response(),
            Format::Xml => {
                let mut body = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
                record_xml(&mut body, "service_definition", &record);
                ([(header::CONTENT_TYPE, "text/xml; charset=utf-8")], body).into_response()
            }
        })
    }
    .await;
    finish(format, &headers, result)
}

/// Decodes `application/x-www-form-urlencoded` text into pairs.
pub fn parse_form(text: &str) -> Result<Vec<(String, String)>, ApiError> {
    fn decode(part: &str) -> Result<String, ApiError> {
        let bytes = part.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'+' => out.push(b' '),
                b'%' => {
                    let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
                    let byte = hex
                        .and_then(|h| u8::from_str_radix(h, 16).ok())
                        .ok_or_else(|| ApiError::invalid_body("a malformed percent escape in the form"))?;
                    out.push(byte);
                    i += 2;
                }
                other => out.push(other),
            }
            i += 1;
        }
        String::from_utf8(out).map_err(|_| ApiError::invalid_body("the form is not UTF-8"))
    }
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            Ok((decode(name)?, decode(value)?))
        })
        .collect()
}

fn parse_number(name: &str, value: Option<&String>) -> Result<Option<f64>, ApiError> {
    value
        .filter(|v| !v.trim().is_empty())
        .map(|v| {
            v.trim()
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .ok_or_else(|| ApiError::invalid_parameter(name, v, "a decimal number of degrees, such as 10.9289"))
        })
        .transpose()
}

async fn post_request(
    state: &AppState,
    principal: &Principal,
    address: &ClientAddress,
    headers: &HeaderMap,
    query: Option<String>,
    body: &[u8],
    format: Format,
) -> Result<Response, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let media = content_type.split(';').next().unwrap_or_default().trim();
    let mut pairs = parse_form(query.as_deref().unwrap_or_default())?;
    if !body.is_empty() {
        if !media.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
            return Err(ApiError::unsupported_media_type(media));
        }
        let text = std::str::from_utf8(body).map_err(|_| ApiError::invalid_body("the form is not UTF-8"))?;
        pairs.extend(parse_form(text)?);
    }
    let mut fields: BTreeMap<String, String> = BTreeMap::new();
    let mut attributes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, value) in pairs {
        if let Some(code) = name.strip_prefix("attribute[").and_then(|n| n.strip_suffix(']')) {
            let code = code
                .strip_suffix("][]")
                .or_else(|| code.strip_suffix("[]"))
                .unwrap_or(code);
            attributes.entry(code.to_owned()).or_default().push(value);
        } else {
            fields.insert(name, value);
        }
    }
    let service_code = fields
        .get("service_code")
        .filter(|c| !c.trim().is_empty())
        .ok_or_else(|| ApiError::invalid_parameter("service_code", "", "a service_code from services.json"))?
        .trim()
        .to_owned();
    let name = [fields.get("first_name"), fields.get("last_name")]
        .into_iter()
        .flatten()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let channel = if fields.get("haidang_channel").is_some_and(|c| c == "web") {
        "web"
    } else {
        "open311"
    };
    let intake = Intake {
        service_code,
        description: fields.get("description").cloned().unwrap_or_default(),
        lat: parse_number("lat", fields.get("lat"))?,
        lon: parse_number("long", fields.get("long"))?,
        address: fields.get("address_string").cloned(),
        commune: None,
        name: (!name.is_empty()).then_some(name),
        phone: fields.get("phone").cloned(),
        email: fields.get("email").cloned(),
        attributes,
        media_url: fields.get("media_url").cloned(),
        channel,
        photos: Vec::new(),
    };
    let (case, _) = file_case(state, principal, address, intake).await?;
    let record: Record = vec![
        ("service_request_id", text(case.id.to_string())),
        ("token", text(&case.token)),
        (
            "service_notice",
            text(format!(
                "Đã tiếp nhận phản ánh số {}. Hạn xử lý: {}. / Report {} received; due {}.",
                case.id,
                format_instant(case.deadline, state.zone),
                case.id,
                format_instant(case.deadline, state.zone)
            )),
        ),
        ("account_id", Field::Text(None)),
    ];
    Ok(render(
        format,
        StatusCode::CREATED,
        "service_requests",
        "request",
        &[record],
    ))
}

/// Files a service request (Open311, form-encoded, JSON response).
#[utoipa::path(post, path = "/open311/v2/requests.json", tag = "open311",
    request_body(content_type = "application/x-www-form-urlencoded", description = "service_code, lat, long, address_string, description, attribute[CODE], email, first_name, last_name, phone, media_url, api_key"),
    responses((status = 201, description = "service_request_id and token"), (status = 400)))]
pub async fn post_json(
    State(state): State<AppState>,
    principal: Principal,
    address: ClientAddress,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let result = post_request(&state, &principal, &address, &headers, query, &body, Format::Json).await;
    finish(Format::Json, &headers, result)
}

/// Files a service request (Open311, form-encoded, XML response).
#[utoipa::path(post, path = "/open311/v2/requests.xml", tag = "open311",
    request_body(content_type = "application/x-www-form-urlencoded", description = "as requests.json"),
    responses((status = 201, description = "service_request_id and token"), (status = 400)))]
pub async fn post_xml(
    State(state): State<AppState>,
    principal: Principal,
    address: ClientAddress,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let result = post_request(&state, &principal, &address, &headers, query, &body, Format::Xml).await;
    finish(Format::Xml, &headers, result)
}

/// Builds the public Open311 view of a case.
fn request_record(state: &AppState, names: &Names, case: &CaseRecord) -> Record {
    let public = case.state.is_public();
    // A report's text is shown once the operator accepted it; personal contact never.
    let moderated = !matches!(case.state, CaseState::Received | CaseState::Rejected);
    let status_notes = if public {
        case.answer.clone()
    } else {
        case.status_note
            .clone()
            .or_else(|| Some(case.state.label_vi().to_owned()))
    };
    vec![
        ("service_request_id", text(case.id.to_string())),
        ("status", text(if case.state.is_open() { "open" } else { "closed" })),
        ("status_notes", Field::Text(status_notes)),
        ("service_name", text(names.category_name(&case.category_code))),
        ("service_code", text(&case.category_code)),
        ("description", Field::Text(moderated.then(|| case.description.clone()))),
        (
            "agency_responsible",
            Field::Text(names.agency(case.agency_key.as_deref())),
        ),
        ("service_notice", Field::Text(None)),
        ("requested_datetime", text(format_instant(case.received_at, state.zone))),
        ("updated_datetime", text(format_instant(case.updated_at, state.zone))),
        ("expected_datetime", text(format_instant(case.deadline, state.zone))),
        (
            "address",
            Field::Text(case.address.as_ref().map(|a| mask(PersonalField::ExactAddress, a))),
        ),
        ("address_id", Field::Text(None)),
        ("zipcode", Field::Text(None)),
        ("lat", Field::Number(case.lat)),
        ("long", Field::Number(case.lon)),
        ("media_url", Field::Text(case.media_url.clone().filter(|_| public))),
        ("haidang_state", text(case.state.as_str())),
        ("haidang_state_label", text(case.state.label_vi())),
        ("haidang_commune_code", Field::Text(case.unit_code.clone())),
        (
            "haidang_commune_name",
            Field::Text(names.unit(case.unit_code.as_deref())),
        ),
        (
            "haidang_merged_into",
            Field::Text(case.merged_into.map(|id| id.to_string())),
        ),
    ]
}

#[derive(Debug, Deserialize)]
pub struct RequestParams {
    pub service_request_id: Option<String>,
    pub service_code: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub status: Option<String>,
}

/// Default span of a listing without dates, as the specification suggests.
const DEFAULT_SPAN_MS: i64 = 90 * 86_400_000;

async fn list_requests(state: &AppState, params: RequestParams, format: Format) -> Result<Response, ApiError> {
    let mut filter = CaseFilter {
        limit: 1000,
        ..CaseFilter::default()
    };
    if let Some(ids) = params.service_request_id.as_ref().filter(|v| !v.trim().is_empty()) {
        for id in ids.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            // Ids that are not numbers match no request.
            filter.ids.push(id.parse().unwrap_or(-1));
        }
    } else {
        let instant = |name: &str, value: Option<&String>| -> Result<Option<i64>, ApiError> {
            value
                .filter(|v| !v.trim().is_empty())
                .map(|v| {
                    parse_timestamp(v, state.zone).map_err(|_| {
                        ApiError::invalid_parameter(name, v, "W3C date and time, such as 2026-01-05T00:00:00+07:00")
                    })
                })
                .transpose()
        };
        let end = instant("end_date", params.end_date.as_ref())?;
        let start = instant("start_date", params.start_date.as_ref())?;
        filter.to = Some(end.map_or(state.now() + 1, |e| e + 1));
        filter.from = Some(start.unwrap_or_else(|| filter.to.unwrap_or_default() - DEFAULT_SPAN_MS));
        if let Some(codes) = params.service_code.as_ref().filter(|c| !c.trim().is_empty()) {
            filter.category = Some(codes.trim().to_owned());
        }
        match params.status.as_deref().map(str::trim) {
            None | Some("") => {}
            Some(status) => {
                let open = match status {
                    "open" => true,
                    "closed" => false,
                    other => return Err(ApiError::invalid_parameter("status", other, "open or closed")),
                };
                filter.states = CaseState::ALL.into_iter().filter(|s| s.is_open() == open).collect();
            }
        }
    }
    let names = Names::load(state).await?;
    let cases = state.store.cases(filter).await?;
    let records: Vec<Record> = cases.iter().map(|c| request_record(state, &names, c)).collect();
    Ok(render(format, StatusCode::OK, "service_requests", "request", &records))
}

/// Lists service requests (Open311, JSON).
#[utoipa::path(get, path = "/open311/v2/requests.json", tag = "open311",
    params(("service_request_id" = Option<String>, Query), ("service_code" = Option<String>, Query),
        ("start_date" = Option<String>, Query), ("end_date" = Option<String>, Query), ("status" = Option<String>, Query)),
    responses((status = 200, description = "Open311 service requests")))]
pub async fn list_json(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<RequestParams>,
) -> Response {
    finish(
        Format::Json,
        &headers,
        list_requests(&state, params, Format::Json).await,
    )
}

/// Lists service requests (Open311, XML).
#[utoipa::path(get, path = "/open311/v2/requests.xml", tag = "open311",
    params(("service_request_id" = Option<String>, Query), ("service_code" = Option<String>, Query),
        ("start_date" = Option<String>, Query), ("end_date" = Option<String>, Query), ("status" = Option<String>, Query)),
    responses((status = 200, description = "Open311 service requests")))]
pub async fn list_xml(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<RequestParams>,
) -> Response {
    finish(Format::Xml, &headers, list_requests(&state, params, Format::Xml).await)
}

/// Returns one service request (`requests/{id}.json` or `.xml`).
#[utoipa::path(get, path = "/open311/v2/requests/{id}", tag = "open311", params(("id" = String, Path, description = "request id with .json or .xml")),
    responses((status = 200, description = "Open311 service request"), (status = 404)))]
pub async fn get_request(State(state): State<AppState>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let format = if id.ends_with(".xml") {
        Format::Xml
    } else {
        Format::Json
    };
    let result = async {
        let (id, format) = split_format(&id)?;
        let not_found = || ApiError::not_found("REQUEST_NOT_FOUND", "what-case", id);
        let number: i64 = id.parse().map_err(|_| not_found())?;
        let case = state.store.case_by_id(number, None).await?.ok_or_else(not_found)?;
        let names = Names::load(&state).await?;
        Ok(render(
            format,
            StatusCode::OK,
            "service_requests",
            "request",
            &[request_record(&state, &names, &case)],
        ))
    }
    .await;
    finish(format, &headers, result)
}

/// Returns the request of a token (`tokens/{token}.json` or `.xml`), with the whole history
/// for the reporter who has the token.
#[utoipa::path(get, path = "/open311/v2/tokens/{id}", tag = "open311", params(("id" = String, Path, description = "token with .json or .xml")),
    responses((status = 200, description = "service_request_id of the token"), (status = 404)))]
pub async fn token(State(state): State<AppState>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let format = if id.ends_with(".xml") {
        Format::Xml
    } else {
        Format::Json
    };
    let result = async {
        let (token, format) = split_format(&id)?;
        let case = state
            .store
            .case_by_token(token)
            .await?
            .ok_or_else(|| ApiError::not_found("TOKEN_NOT_FOUND", "what-token", token))?;
        let names = Names::load(&state).await?;
        let target = match case.merged_into {
            Some(into) => state.store.case_by_id(into, None).await?,
            None => None,
        };
        let history: Vec<Record> = state
            .store
            .case_events(case.id)
            .await?
            .into_iter()
            .map(|e| {
                vec![
                    ("at", text(format_instant(e.at, state.zone))),
                    ("event", text(e.kind)),
                    ("state", text(&e.to_state)),
                    (
                        "state_label",
                        text(CaseState::parse(&e.to_state).map_or("", |s| s.label_vi())),
                    ),
                    ("party", text(e.party)),
                    ("note", Field::Text(e.note)),
                ]
            })
            .collect();
        let mut record: Record = vec![
            ("service_request_id", text(case.id.to_string())),
            ("token", text(&case.token)),
            ("haidang_state", text(case.state.as_str())),
            ("haidang_state_label", text(case.state.label_vi())),
            (
                "haidang_status",
                text(if case.state.is_open() { "open" } else { "closed" }),
            ),
            ("haidang_description", text(&case.description)),
            ("haidang_answer", Field::Text(case.answer.clone())),
            (
                "haidang_expected_datetime",
                text(format_instant(case.deadline, state.zone)),
            ),
            (
                "haidang_allowed_events",
                text(haidang_core::cases::allowed_list(&case.state)),
            ),
            (
                "haidang_merged_into",
                Field::Text(case.merged_into.map(|i| i.to_string())),
            ),
        ];
        if let Some(target) = &target {
            record.push(("haidang_merged_into_state", text(target.state.as_str())));
            record.push((
                "haidang_merged_into_status",
                text(if target.state.is_open() { "open" } else { "closed" }),
            ));
            record.push(("haidang_merged_into_answer", Field::Text(target.answer.clone())));
        }
        record.push(("haidang_service_name", text(names.category_name(&case.category_code))));
        record.push(("haidang_history", Field::List("event", history)));
        Ok(render(format, StatusCode::OK, "service_requests", "request", &[record]))
    }
    .await;
    finish(format, &headers, result)
}

/// Describes this Open311 endpoint.
#[utoipa::path(get, path = "/open311/discovery.json", tag = "open311", responses((status = 200, description = "Open311 discovery")))]
pub async fn discovery(headers: HeaderMap) -> Response {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1:8080");
    let body = json!({
        "changeset": "2026-01-01T00:00:00+07:00",
        "contact": "Trung tâm Giám sát, điều hành đô thị thông minh (IOC)",
        "key_service": "Khóa API không bắt buộc / An API key is optional",
        "endpoints": [{
            "specification": "http://wiki.open311.org/GeoReport_v2",
            "url": format!("http://{host}/open311/v2"),
            "changeset": "2026-01-01T00:00:00+07:00",
            "type": "production",
            "formats": ["application/json", "text/xml"],
        }],
    });
    (
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body.to_string(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_decodes_plus_and_percent() {
        let pairs =
            parse_form("description=%C4%90%C3%A8n+h%E1%BB%8Fng&attribute%5Bcommune%5D=22945").unwrap_or_default();
        assert_eq!(pairs[0], ("description".to_owned(), "Đèn hỏng".to_owned()));
        assert_eq!(pairs[1], ("attribute[commune]".to_owned(), "22945".to_owned()));
        assert!(parse_form("a=%ZZ").is_err());
    }

    #[test]
    fn xml_escapes_text() {
        let mut out = String::new();
        record_xml(&mut out, "error", &vec![("description", text("a < b & \"c\""))]);
        assert_eq!(
            out,
            "<error><description>a &lt; b &amp; &quot;c&quot;</description></error>"
        );
    }
}
