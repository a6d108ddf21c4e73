//! Citizen reports (*phản ánh hiện trường*) for the staff: intake by phone, lists filtered by
//! scope in the query, the workflow's transitions, duplicates, deadlines and statistics.
//!
//! The reporter's name, phone, email and exact address are personal data: lists and
//! details mask them, and only `GET /api/v1/cases/{id}/reporter` shows them, to the roles
//! allowed to read personal data, auditing every read.

use std::collections::{BTreeMap, HashMap};

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use haidang_core::access::{Action, RecordScope};
use haidang_core::audit::Outcome;
use haidang_core::calendar::{DeadlineStatus, deadline_status};
use haidang_core::cases::{
    CaseState, DeadlineFacts, EventKind, Party, TimelinessCounts, allowed_list, may_be_duplicate, next_state,
    timeliness,
};
use haidang_core::personal::{PersonalField, mask};
use haidang_core::text::nfc;
use haidang_core::time::{format_instant, local_date};
use haidang_store::StoreError;
use haidang_store::cases::{CaseCategory, CaseChange, CaseFilter, CaseRecord, NewCase, NewMedia, ScopeClause};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::api::auth::parse_json;
use crate::error::ApiError;
use crate::identity::{ClientAddress, Principal};
use crate::state::AppState;

/// Largest photo accepted, in bytes.
pub const MAX_PHOTO_BYTES: usize = 5 * 1024 * 1024;
/// Photos a citizen may attach to one report.
pub const MAX_REPORT_PHOTOS: usize = 3;
/// How long before its deadline an open case is flagged as due soon.
pub const WARN_BEFORE_MS: i64 = 24 * 3_600_000;

/// The content of a report from any channel, before it is checked.
#[derive(Debug, Clone, Default)]
pub struct Intake {
    pub service_code: String,
    pub description: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub address: Option<String>,
    pub commune: Option<String>,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub attributes: BTreeMap<String, Vec<String>>,
    pub media_url: Option<String>,
    pub channel: &'static str,
    pub photos: Vec<PhotoBody>,
}

/// A photo sent as base64.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PhotoBody {
    /// Base64 of a JPEG or PNG file, at most 5 MB; a `data:` URL prefix is accepted.
    pub data: String,
}

fn invalid(field: &str, value: &str, hint: &str) -> ApiError {
    ApiError::invalid_parameter(field, value, hint)
}

fn optional_text(value: Option<String>, limit: usize, field: &str) -> Result<Option<String>, ApiError> {
    let Some(text) = value.map(|v| nfc(v.trim())).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > limit {
        return Err(invalid(field, &text, &format!("at most {limit} characters")));
    }
    Ok(Some(text))
}

/// Checks a photo's type by its first bytes and its size; returns the content type.
pub fn check_photo(bytes: &[u8]) -> Result<&'static str, ApiError> {
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(ApiError::with_message(
            StatusCode::PAYLOAD_TOO_LARGE,
            "PHOTO_TOO_LARGE",
            "error-photo-too-large",
            vec![("limit", "5 MB".to_owned())],
        ));
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Ok("image/jpeg")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Ok("image/png")
    } else {
        Err(ApiError::with_message(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "PHOTO_TYPE",
            "error-photo-type",
            Vec::new(),
        ))
    }
}

/// Decodes standard base64 (padding optional, whitespace ignored).
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let text = text.split_once("base64,").map_or(text, |(_, rest)| rest);
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut buffer = 0u32;
    let mut bits = 0;
    for byte in text.bytes() {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' | b' ' | b'\n' | b'\r' | b'\t' => continue,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

fn photos_to_media(photos: &[PhotoBody], purpose: &str) -> Result<Vec<NewMedia>, ApiError> {
    photos
        .iter()
        .map(|photo| {
            let bytes = decode_base64(&photo.data).ok_or_else(|| invalid("photos", "…", "base64 of a JPEG or PNG"))?;
            let content_type = check_photo(&bytes)?;
            Ok(NewMedia {
                id: uuid::Uuid::now_v7().to_string(),
                purpose: purpose.to_owned(),
                content_type: content_type.to_owned(),
                bytes,
            })
        })
        .collect()
}

fn new_token() -> String {
    let bytes: [u8; 16] = rand::random();
    hex::encode(bytes)
}

/// Checks a report and files it: the category decides the agency and the deadline, the
/// reporter's commune choice (or none) the commune.
pub async fn file_case(
    state: &AppState,
    principal: &Principal,
    address: &ClientAddress,
    intake: Intake,
) -> Result<(CaseRecord, CaseCategory), ApiError> {
    let category = state
        .store
        .case_categories()
        .await?
        .into_iter()
        .find(|c| c.code == intake.service_code)
        .ok_or_else(|| ApiError::not_found("SERVICE_NOT_FOUND", "what-service", &intake.service_code))?;
    let description = optional_text(Some(intake.description.clone()), 4000, "description")?
        .ok_or_else(|| invalid("description", "", "a description of the problem"))?;
    let address_text = optional_text(intake.address.clone(), 300, "address_string")?;
    let has_commune = intake.commune.is_some() || intake.attributes.contains_key("commune");
    match (intake.lat, intake.lon) {
        (Some(lat), Some(lon)) => {
            if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
                return Err(invalid("lat/long", &format!("{lat},{lon}"), "WGS 84 degrees"));
            }
        }
        (None, None) if address_text.is_some() || has_commune => {}
        (None, None) => {
            return Err(invalid(
                "lat/long",
                "",
                "a location: lat and long, address_string or a commune",
            ));
        }
        _ => return Err(invalid("lat/long", "", "both lat and long")),
    }
    let phone = optional_text(intake.phone.clone(), 20, "phone")?;
    if let Some(phone) = &phone
        && !phone
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '.' | '-'))
    {
        return Err(invalid("phone", phone, "digits, such as 0912345678"));
    }
    let email = optional_text(intake.email.clone(), 200, "email")?;
    if let Some(email) = &email
        && !email.contains('@')
    {
        return Err(invalid("email", email, "an address such as ten@example.vn"));
    }
    let today = local_date(state.now(), state.zone).ok_or_else(|| ApiError::internal("clock out of range"))?;
    let commune = intake
        .commune
        .clone()
        .or_else(|| intake.attributes.get("commune").and_then(|v| v.first().cloned()))
        .filter(|c| !c.trim().is_empty());
    if let Some(code) = &commune {
        let catalog = state.store.unit_catalog().await?;
        if catalog.find(code, today).is_none() {
            return Err(invalid(
                "commune",
                code,
                "a commune code in force today, from /api/v1/units",
            ));
        }
    }
    let mut attributes = serde_json::Map::new();
    for definition in &category.attributes {
        let values = intake.attributes.get(&definition.code).cloned().unwrap_or_default();
        let values: Vec<String> = values.into_iter().filter(|v| !v.trim().is_empty()).collect();
        if values.is_empty() {
            if definition.required {
                return Err(invalid(
                    &format!("attribute[{}]", definition.code),
                    "",
                    &definition.description,
                ));
            }
            continue;
        }
        if definition.datatype.ends_with("valuelist") {
            for value in &values {
                if !definition.values.iter().any(|(key, _)| key == value) {
                    return Err(invalid(
                        &format!("attribute[{}]", definition.code),
                        value,
                        "one of the listed keys",
                    ));
                }
            }
        }
        attributes.insert(definition.code.clone(), json!(values));
    }
    if intake.photos.len() > MAX_REPORT_PHOTOS {
        return Err(invalid("photos", &intake.photos.len().to_string(), "at most 3 photos"));
    }
    let media = photos_to_media(&intake.photos, "report")?;
    let now = state.now();
    let calendar = state.store.work_calendar().await?;
    let deadline = calendar.deadline(now, category.working_days, state.zone);
    let name = optional_text(intake.name.clone(), 200, "name")?;
    let case = NewCase {
        token: new_token(),
        category_code: category.code.clone(),
        channel: intake.channel.to_owned(),
        description,
        lat: intake.lat,
        lon: intake.lon,
        address: address_text,
        unit_code: commune,
        agency_key: Some(category.agency_key.clone()),
        reporter_name: name,
        reporter_phone: phone,
        reporter_email: email,
        attributes: serde_json::Value::Object(attributes),
        media_url: optional_text(intake.media_url.clone(), 1000, "media_url")?,
        received_at: now,
        deadline,
        simulated: false,
    };
    let audit = principal.audit(
        state,
        "case.receive",
        Action::SubmitReport,
        None,
        Outcome::Success,
        address,
        json!({ "channel": intake.channel, "category": category.code, "photos": media.len() }),
    );
    let party = if intake.channel == "phone" {
        "dispatcher"
    } else {
        "citizen"
    };
    let actor = (principal.actor(), principal.actor_name(), party.to_owned());
    let record = state.store.create_case(case, actor, media, audit).await?;
    Ok((record, category))
}

/// Returns the scope of cases the caller may touch under `action`, `None` meaning province-wide.
/// Unit grants are expanded to the communes in force today, so that the query can filter.
pub async fn case_scope(
    state: &AppState,
    principal: &Principal,
    action: Action,
) -> Result<Option<Vec<ScopeClause>>, ApiError> {
    let grants: Vec<_> = principal
        .grants()
        .into_iter()
        .filter(|g| action.roles().contains(&g.role))
        .collect();
    if grants.iter().any(|g| g.agency.is_none() && g.unit.is_none()) {
        return Ok(None);
    }
    let needs_units = grants.iter().any(|g| g.unit.is_some());
    let catalog = if needs_units {
        Some(state.store.unit_catalog().await?)
    } else {
        None
    };
    let today = local_date(state.now(), state.zone).ok_or_else(|| ApiError::internal("clock out of range"))?;
    let clauses = grants
        .iter()
        .map(|g| ScopeClause {
            agency: g.agency.clone(),
            units: g.unit.as_ref().map(|unit| {
                let mut codes: Vec<String> = catalog
                    .iter()
                    .flat_map(|c| {
                        c.in_force(today, None)
                            .into_iter()
                            .filter(|u| c.is_within(&u.code, unit, today))
                    })
                    .map(|u| u.code.clone())
                    .collect();
                codes.push(unit.clone());
                codes.sort();
                codes.dedup();
                codes
            }),
        })
        .collect();
    Ok(Some(clauses))
}

/// Returns the record scope of a case, as the permission model names it.
pub fn record_scope(case: &CaseRecord) -> RecordScope {
    RecordScope {
        agency: case.agency_key.clone(),
        unit: case.unit_code.clone(),
    }
}

/// Names of agencies, categories and communes, for views.
pub struct Names {
    agencies: HashMap<String, String>,
    categories: HashMap<String, CaseCategory>,
    units: HashMap<String, String>,
}

impl Names {
    pub async fn load(state: &AppState) -> Result<Self, ApiError> {
        let agencies = state
            .store
            .agencies()
            .await?
            .into_iter()
            .map(|a| (a.key, a.name))
            .collect();
        let categories = state
            .store
            .case_categories()
            .await?
            .into_iter()
            .map(|c| (c.code.clone(), c))
            .collect();
        let catalog = state.store.unit_catalog().await?;
        let today = local_date(state.now(), state.zone).ok_or_else(|| ApiError::internal("clock out of range"))?;
        let units = catalog
            .in_force(today, None)
            .into_iter()
            .map(|u| (u.code.clone(), u.name.clone()))
            .collect();
        Ok(Self {
            agencies,
            categories,
            units,
        })
    }

    pub fn agency(&self, key: Option<&str>) -> Option<String> {
        key.map(|k| self.agencies.get(k).cloned().unwrap_or_else(|| k.to_owned()))
    }

    pub fn category(&self, code: &str) -> Option<&CaseCategory> {
        self.categories.get(code)
    }

    pub fn category_name(&self, code: &str) -> String {
        self.categories
            .get(code)
            .map_or_else(|| code.to_owned(), |c| c.name.clone())
    }

    pub fn unit(&self, code: Option<&str>) -> Option<String> {
        code.map(|c| self.units.get(c).cloned().unwrap_or_else(|| c.to_owned()))
    }
}

/// The reporter as staff see them: masked.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReporterView {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    /// Whether the values are masked.
    pub masked: bool,
}

/// A case as staff see it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CaseView {
    pub id: i64,
    pub state: String,
    pub state_label: String,
    /// Events allowed next.
    pub allowed_events: Vec<String>,
    pub category: String,
    pub category_name: String,
    pub channel: String,
    pub description: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// The place, masked: only its last part (ward, province) remains.
    pub address: Option<String>,
    pub commune_code: Option<String>,
    pub commune_name: Option<String>,
    pub agency: Option<String>,
    pub agency_name: Option<String>,
    /// Masked; absent for roles that may not read personal data.
    pub reporter: Option<ReporterView>,
    #[schema(value_type = Object)]
    pub attributes: serde_json::Value,
    pub media_url: Option<String>,
    pub answer: Option<String>,
    pub status_note: Option<String>,
    pub merged_into: Option<i64>,
    pub rating: Option<i64>,
    pub received_at: String,
    pub original_deadline: String,
    pub deadline: String,
    pub extension_approved: bool,
    pub resolved_at: Option<String>,
    pub updated_at: String,
    /// on_track, due_soon or overdue while open; absent once closed.
    #[schema(value_type = Option<String>)]
    pub deadline_status: Option<DeadlineStatus>,
    pub simulated: bool,
}

fn masked(field: PersonalField, value: Option<&String>) -> Option<String> {
    value.map(|v| mask(field, v))
}

pub fn case_view(state: &AppState, principal: &Principal, names: &Names, case: &CaseRecord) -> CaseView {
    let sees_reporter = principal.grant_for(Action::ReadPersonalData).is_some();
    let now = state.now();
    CaseView {
        id: case.id,
        state: case.state.as_str().to_owned(),
        state_label: case.state.label_vi().to_owned(),
        allowed_events: case.state.allowed().iter().map(|k| k.as_str().to_owned()).collect(),
        category: case.category_code.clone(),
        category_name: names.category_name(&case.category_code),
        channel: case.channel.clone(),
        description: case.description.clone(),
        lat: case.lat,
        lon: case.lon,
        address: masked(PersonalField::ExactAddress, case.address.as_ref()),
        commune_code: case.unit_code.clone(),
        commune_name: names.unit(case.unit_code.as_deref()),
        agency: case.agency_key.clone(),
        agency_name: names.agency(case.agency_key.as_deref()),
        reporter: sees_reporter.then(|| ReporterView {
            name: masked(PersonalField::ReporterName, case.reporter_name.as_ref()),
            phone: masked(PersonalField::Phone, case.reporter_phone.as_ref()),
            email: masked(PersonalField::Email, case.reporter_email.as_ref()),
            address: masked(PersonalField::ExactAddress, case.address.as_ref()),
            masked: true,
        }),
        attributes: case.attributes.clone(),
        media_url: case.media_url.clone(),
        answer: case.answer.clone(),
        status_note: case.status_note.clone(),
        merged_into: case.merged_into,
        rating: case.rating,
        received_at: format_instant(case.received_at, state.zone),
        original_deadline: format_instant(case.original_deadline, state.zone),
        deadline: format_instant(case.deadline, state.zone),
        extension_approved: case.extension_approved,
        resolved_at: case.resolved_at.map(|t| format_instant(t, state.zone)),
        updated_at: format_instant(case.updated_at, state.zone),
        deadline_status: case
            .state
            .counts_against_deadline()
            .then(|| deadline_status(now, case.deadline, WARN_BEFORE_MS)),
        simulated: case.simulated,
    }
}

/// One entry of a case's history as staff see it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HistoryView {
    pub at: String,
    pub event: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub party: String,
    pub actor_name: String,
    pub note: Option<String>,
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CaseDetail {
    #[serde(flatten)]
    pub case: CaseView,
    pub history: Vec<HistoryView>,
    pub media: Vec<MediaView>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MediaView {
    pub id: String,
    pub purpose: String,
    pub content_type: String,
    pub size: i64,
    /// URL of the photo.
    pub url: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CaseList {
    pub cases: Vec<CaseView>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ListParams {
    /// Comma-separated states.
    pub state: Option<String>,
    pub category: Option<String>,
    pub commune: Option<String>,
    pub agency: Option<String>,
    /// Text searched in descriptions, or a case number.
    pub q: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

fn parse_states(text: Option<&String>) -> Result<Vec<CaseState>, ApiError> {
    text.map(|t| t.split(',').filter(|s| !s.is_empty()).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|s| CaseState::parse(s.trim()).ok_or_else(|| invalid("state", s, "received, accepted, assigned, …")))
        .collect()
}

async fn filter_from(state: &AppState, principal: &Principal, params: &ListParams) -> Result<CaseFilter, ApiError> {
    Ok(CaseFilter {
        scope: case_scope(state, principal, Action::ReadCases).await?,
        states: parse_states(params.state.as_ref())?,
        category: params.category.clone().filter(|c| !c.is_empty()),
        unit: params.commune.clone().filter(|c| !c.is_empty()),
        agency: params.agency.clone().filter(|c| !c.is_empty()),
        text: params.q.clone(),
        limit: params.limit.unwrap_or(200).clamp(1, 1000),
        offset: params.offset.unwrap_or(0).max(0),
        ..CaseFilter::default()
    })
}

/// Lists the cases in the caller's scope, newest first, with personal data masked.
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases", params(ListParams),
    responses((status = 200, body = CaseList)))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    Query(params): Query<ListParams>,
) -> Result<Json<CaseList>, ApiError> {
    let filter = filter_from(&state, &principal, &params).await?;
    let names = Names::load(&state).await?;
    let cases = state.store.cases(filter).await?;
    Ok(Json(CaseList {
        cases: cases.iter().map(|c| case_view(&state, &principal, &names, c)).collect(),
    }))
}

/// Exports the cases in the caller's scope as CSV, with personal data left out.
#[utoipa::path(get, path = "/api/v1/cases/export", tag = "cases", params(ListParams),
    responses((status = 200, content_type = "text/csv")))]
pub async fn export(
    State(state): State<AppState>,
    principal: Principal,
    address: ClientAddress,
    Query(params): Query<ListParams>,
) -> Result<Response, ApiError> {
    let mut filter = filter_from(&state, &principal, &params).await?;
    filter.limit = 100_000;
    let names = Names::load(&state).await?;
    let cases = state.store.cases(filter).await?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header = [
        "id",
        "state",
        "category",
        "commune_code",
        "commune_name",
        "agency",
        "description",
        "received_at",
        "deadline",
        "resolved_at",
        "answer",
    ];
    writer.write_record(header).map_err(ApiError::internal)?;
    for case in &cases {
        let view = case_view(&state, &principal, &names, case);
        writer
            .write_record([
                view.id.to_string(),
                view.state,
                view.category,
                view.commune_code.unwrap_or_default(),
                view.commune_name.unwrap_or_default(),
                view.agency.unwrap_or_default(),
                view.description,
                view.received_at,
                view.deadline,
                view.resolved_at.unwrap_or_default(),
                view.answer.unwrap_or_default(),
            ])
            .map_err(ApiError::internal)?;
    }
    let body = writer.into_inner().map_err(ApiError::internal)?;
    let event = principal.audit(
        &state,
        "case.export",
        Action::ReadCases,
        None,
        Outcome::Success,
        &address,
        json!({ "rows": cases.len() }),
    );
    state.store.append_audit(event).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"phan-anh.csv\""),
        ],
        body,
    )
        .into_response())
}

fn parse_id(text: &str) -> Result<i64, ApiError> {
    text.trim()
        .parse::<i64>()
        .map_err(|_| ApiError::not_found("CASE_NOT_FOUND", "what-case", text))
}

/// Finds a case in the caller's scope for `action`; a case outside it is not found.
pub async fn scoped_case(
    state: &AppState,
    principal: &Principal,
    action: Action,
    id_text: &str,
) -> Result<CaseRecord, ApiError> {
    let id = parse_id(id_text)?;
    let scope = case_scope(state, principal, action).await?;
    state
        .store
        .case_by_id(id, scope)
        .await?
        .ok_or_else(|| ApiError::not_found("CASE_NOT_FOUND", "what-case", id_text))
}

/// Returns one case in the caller's scope, with its whole history and photos.
#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases", params(("id" = String, Path)),
    responses((status = 200, body = CaseDetail), (status = 404)))]
pub async fn get_one(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Json<CaseDetail>, ApiError> {
    let case = scoped_case(&state, &principal, Action::ReadCases, &id).await?;
    let names = Names::load(&state).await?;
    let history = state
        .store
        .case_events(case.id)
        .await?
        .into_iter()
        .map(|e| HistoryView {
            at: format_instant(e.at, state.zone),
            event: e.kind,
            from_state: e.from_state,
            to_state: e.to_state,
            party: e.party,
            actor_name: e.actor_name,
            note: e.note,
            detail: e.detail,
        })
        .collect();
    let media = state
        .store
        .case_media(case.id)
        .await?
        .into_iter()
        .map(|m| MediaView {
            url: format!("/api/v1/case-media/{}", m.id),
            id: m.id,
            purpose: m.purpose,
            content_type: m.content_type,
            size: m.size,
        })
        .collect();
    Ok(Json(CaseDetail {
        case: case_view(&state, &principal, &names, &case),
        history,
        media,
    }))
}

/// Serves a photo of a case in the caller's scope.
#[utoipa::path(get, path = "/api/v1/case-media/{id}", tag = "cases", params(("id" = String, Path)),
    responses((status = 200, content_type = "image/jpeg"), (status = 404)))]
pub async fn media(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let not_found = || ApiError::not_found("MEDIA_NOT_FOUND", "what-media", &id);
    let (info, bytes) = state.store.media(&id).await?.ok_or_else(not_found)?;
    scoped_case(&state, &principal, Action::ReadCases, &info.case_id.to_string())
        .await
        .map_err(|_| not_found())?;
    Ok(photo_response(&info.content_type, bytes))
}

pub fn photo_response(content_type: &str, bytes: Vec<u8>) -> Response {
    let content_type = if content_type == "image/png" {
        "image/png"
    } else {
        "image/jpeg"
    };
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "private, max-age=3600"),
        ],
        bytes,
    )
        .into_response()
}

/// The reporter's identity and contact, unmasked.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReporterDetail {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PurposeParams {
    /// Purpose of reading the personal data, recorded in the audit trail.
    pub purpose: Option<String>,
}

/// Returns the reporter's name and contact unmasked; every read is audited with its purpose.
#[utoipa::path(get, path = "/api/v1/cases/{id}/reporter", tag = "cases", params(("id" = String, Path), PurposeParams),
    responses((status = 200, body = ReporterDetail), (status = 400), (status = 404)))]
pub async fn reporter(
    State(state): State<AppState>,
    principal: Principal,
    address: ClientAddress,
    Path(id): Path<String>,
    Query(params): Query<PurposeParams>,
) -> Result<Json<ReporterDetail>, ApiError> {
    let case = scoped_case(&state, &principal, Action::ReadPersonalData, &id).await?;
    let purpose = params.purpose.map(|p| nfc(p.trim())).filter(|p| !p.is_empty());
    let Some(purpose) = purpose else {
        return Err(invalid(
            "purpose",
            "",
            "why the reporter's data is needed, such as \"gọi lại xác minh\"",
        ));
    };
    let event = principal.audit(
        &state,
        "case.personal_data.read",
        Action::ReadPersonalData,
        Some(format!("case:{}", case.id)),
        Outcome::Success,
        &address,
        json!({ "purpose": purpose, "fields": ["reporter_name", "phone", "email", "exact_address"] }),
    );
    state.store.append_audit(event).await?;
    Ok(Json(ReporterDetail {
        name: case.reporter_name,
        phone: case.reporter_phone,
        email: case.reporter_email,
        address: case.address,
    }))
}

/// A report taken by the operator, such as by phone.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCaseBody {
    pub service_code: String,
    pub description: String,
    pub lat: Option<f64>,
    pub long: Option<f64>,
    pub address_string: Option<String>,
    /// Commune code in force today.
    pub commune: Option<String>,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    #[serde(default)]
    pub photos: Vec<PhotoBody>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NewCaseAnswer {
    #[serde(flatten)]
    pub case: CaseView,
    /// The token to give the reporter, to follow the case.
    pub token: String,
}

/// Files a report taken by an operator (by phone, at the desk).
#[utoipa::path(post, path = "/api/v1/cases", tag = "cases", request_body = NewCaseBody,
    responses((status = 201, body = NewCaseAnswer), (status = 400)))]
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    address: ClientAddress,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<NewCaseAnswer>), ApiError> {
    let body: NewCaseBody = parse_json(&headers, &body)?;
    let intake = Intake {
        service_code: body.service_code,
        description: body.description,
        lat: body.lat,
        lon: body.long,
        address: body.address_string,
        commune: body.commune,
        name: body.name,
        phone: body.phone,
        email: body.email,
        attributes: body.attributes.into_iter().map(|(k, v)| (k, vec![v])).collect(),
        media_url: None,
        channel: "phone",
        photos: body.photos,
    };
    let (case, _) = file_case(&state, &principal, &address, intake).await?;
    let names = Names::load(&state).await?;
    Ok((
        StatusCode::CREATED,
        Json(NewCaseAnswer {
            token: case.token.clone(),
            case: case_view(&state, &principal, &names, &case),
        }),
    ))
}

/// A step of the workflow.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventBody {
    /// accept, reject, assign, approve_extension, refuse_extension, publish, close, reopen,
    /// merge (dispatch); start, request_extension, resolve (handle).
    pub event: String,
    /// Reason, answer or remark; required to reject, refuse, ask for more time, resolve, reopen.
    pub note: Option<String>,
    /// Agency to assign to.
    pub agency: Option<String>,
    /// Commune to assign to.
    pub commune: Option<String>,
    /// Working days asked for (request_extension).
    pub extra_days: Option<u32>,
    /// Case to merge into (merge).
    pub into: Option<i64>,
    /// Photos of the result (resolve).
    #[serde(default)]
    pub photos: Vec<PhotoBody>,
}

/// Applies a dispatcher's step: accept, reject, assign, decide an extension, publish,
/// close, send back, merge.
#[utoipa::path(post, path = "/api/v1/cases/{id}/dispatch", tag = "cases", params(("id" = String, Path)),
    request_body = EventBody, responses((status = 200, body = CaseView), (status = 404), (status = 409)))]
pub async fn dispatch(
    State(state): State<AppState>,
    principal: Principal,
    address: ClientAddress,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<CaseView>, ApiError> {
    let body: EventBody = parse_json(&headers, &body)?;
    let case = scoped_case(&state, &principal, Action::DispatchCases, &id).await?;
    let updated = apply(&state, &principal, &address, case, body, Party::Dispatcher).await?;
    let names = Names::load(&state).await?;
    Ok(Json(case_view(&state, &principal, &names, &updated)))
}

/// Applies a handler's step on a case assigned within scope: start, ask for more time, answer.
#[utoipa::path(post, path = "/api/v1/cases/{id}/handle", tag = "cases", params(("id" = String, Path)),
    request_body = EventBody, responses((status = 200, body = CaseView), (status = 404), (status = 409)))]
pub async fn handle(
    State(state): State<AppState>,
    principal: Principal,
    address: ClientAddress,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<CaseView>, ApiError> {
    let body: EventBody = parse_json(&headers, &body)?;
    let case = scoped_case(&state, &principal, Action::HandleCases, &id).await?;
    let updated = apply(&state, &principal, &address, case, body, Party::Handler).await?;
    let names = Names::load(&state).await?;
    Ok(Json(case_view(&state, &principal, &names, &updated)))
}

/// The 409 response to a step that the case's state does not allow.
pub fn illegal_transition(state: CaseState, event: &str) -> ApiError {
    ApiError::with_message(
        StatusCode::CONFLICT,
        "ILLEGAL_TRANSITION",
        "error-illegal-transition",
        vec![
            ("event", event.to_owned()),
            ("state", state.as_str().to_owned()),
            ("label", state.label_vi().to_owned()),
            ("allowed", allowed_list(&state)),
        ],
    )
}

/// Checks and applies one step of the workflow, with its history event and audit record.
pub async fn apply(
    state: &AppState,
    principal: &Principal,
    address: &ClientAddress,
    case: CaseRecord,
    body: EventBody,
    party: Party,
) -> Result<CaseRecord, ApiError> {
    let kind = EventKind::parse(body.event.trim()).ok_or_else(|| {
        invalid(
            "event",
            &body.event,
            "accept, reject, assign, start, request_extension, approve_extension, refuse_extension, resolve, publish, close, reopen, merge, rate or dispute",
        )
    })?;
    if kind.party() != party {
        return Err(ApiError::with_message(
            StatusCode::BAD_REQUEST,
            "WRONG_PARTY",
            "error-case-wrong-party",
            vec![("event", kind.as_str().to_owned())],
        ));
    }
    let to = next_state(case.state, kind).map_err(|e| illegal_transition(e.state, kind.as_str()))?;
    let note = body.note.as_ref().map(|n| nfc(n.trim())).filter(|n| !n.is_empty());
    if kind.needs_note() && note.is_none() {
        return Err(invalid("note", "", "a reason or answer for this step"));
    }
    let now = state.now();
    let party_name = match party {
        Party::Dispatcher => "dispatcher",
        Party::Handler => "handler",
        Party::Citizen => "citizen",
    };
    let actor = principal.actor();
    let actor_name = principal.actor_name();
    let mut change = CaseChange::new(case.state, to, kind.as_str(), now, (&actor, &actor_name, party_name));
    change.note = note.clone();
    let mut detail = serde_json::Map::new();
    match kind {
        EventKind::Reject => change.status_note = note.clone(),
        EventKind::Assign => {
            let agency = body.agency.clone().filter(|a| !a.is_empty());
            let commune = body.commune.clone().filter(|c| !c.is_empty());
            if let Some(agency) = &agency
                && !state.store.agencies().await?.iter().any(|a| &a.key == agency)
            {
                return Err(ApiError::reference_not_found("agency", agency));
            }
            if let Some(commune) = &commune {
                let today = local_date(now, state.zone).ok_or_else(|| ApiError::internal("clock out of range"))?;
                if state.store.unit_catalog().await?.find(commune, today).is_none() {
                    return Err(ApiError::reference_not_found("commune", commune));
                }
            }
            if agency.is_none() && commune.is_none() && case.agency_key.is_none() && case.unit_code.is_none() {
                return Err(invalid("agency", "", "an agency or a commune to assign the case to"));
            }
            if let Some(agency) = &agency {
                change.agency_key = Some(Some(agency.clone()));
            }
            if let Some(commune) = &commune {
                change.unit_code = Some(Some(commune.clone()));
            }
            detail.insert("agency".into(), json!(agency.or(case.agency_key.clone())));
            detail.insert("commune".into(), json!(commune.or(case.unit_code.clone())));
        }
        EventKind::RequestExtension => {
            let days = body.extra_days.filter(|d| (1..=30).contains(d)).ok_or_else(|| {
                invalid(
                    "extra_days",
                    &body.extra_days.map(|d| d.to_string()).unwrap_or_default(),
                    "1 to 30 working days",
                )
            })?;
            detail.insert("extra_days".into(), json!(days));
        }
        EventKind::ApproveExtension => {
            let asked = state
                .store
                .case_events(case.id)
                .await?
                .into_iter()
                .rev()
                .find(|e| e.kind == EventKind::RequestExtension.as_str())
                .and_then(|e| e.detail.get("extra_days").and_then(serde_json::Value::as_u64))
                .and_then(|d| u32::try_from(d).ok())
                .unwrap_or(1);
            let days = body.extra_days.filter(|d| (1..=30).contains(d)).unwrap_or(asked);
            let calendar = state.store.work_calendar().await?;
            let deadline = calendar.extend(case.deadline, days, state.zone);
            change.deadline = Some(deadline);
            change.extension_approved = Some(true);
            detail.insert("extra_days".into(), json!(days));
            detail.insert("deadline".into(), json!(format_instant(deadline, state.zone)));
        }
        EventKind::Resolve => {
            change.answer = note.clone();
            change.resolved_at = Some(Some(now));
            change.media = photos_to_media(&body.photos, "answer")?;
            detail.insert("photos".into(), json!(change.media.len()));
        }
        EventKind::Reopen => change.resolved_at = Some(None),
        EventKind::Dispute => {
            // The citizen disputes the result: the handling starts again with a new deadline.
            let category = state
                .store
                .case_categories()
                .await?
                .into_iter()
                .find(|c| c.code == case.category_code);
            let days = category.map_or(1, |c| c.working_days);
            let deadline = state.store.work_calendar().await?.deadline(now, days, state.zone);
            change.resolved_at = Some(None);
            change.deadline = Some(deadline);
            change.original_deadline = Some(deadline);
            change.extension_approved = Some(false);
            change.status_note = note.clone();
        }
        EventKind::Merge => {
            let into = body
                .into
                .ok_or_else(|| invalid("into", "", "the number of the case to merge into"))?;
            let target = state
                .store
                .case_by_id(into, case_scope(state, principal, Action::DispatchCases).await?)
                .await?
                .filter(|t| t.id != case.id && !matches!(t.state, CaseState::Merged | CaseState::Rejected))
                .ok_or_else(|| ApiError::reference_not_found("into", &into.to_string()))?;
            change.merged_into = Some(target.id);
            change.status_note = Some(format!(
                "Đã gộp vào phản ánh số {} / Merged into report {}",
                target.id, target.id
            ));
            detail.insert("into".into(), json!(target.id));
        }
        _ => {}
    }
    change.detail = serde_json::Value::Object(detail.clone());
    let mut audit_detail = detail;
    audit_detail.insert("from".into(), json!(case.state.as_str()));
    audit_detail.insert("to".into(), json!(to.as_str()));
    let grant_action = match party {
        Party::Dispatcher => Action::DispatchCases,
        Party::Handler => Action::HandleCases,
        Party::Citizen => Action::SubmitReport,
    };
    let audit = principal.audit(
        state,
        &format!("case.{}", kind.as_str()),
        grant_action,
        Some(format!("case:{}", case.id)),
        Outcome::Success,
        address,
        serde_json::Value::Object(audit_detail),
    );
    match state.store.change_case(case.id, change, Some(audit)).await {
        Ok(Some(updated)) => Ok(updated),
        Ok(None) => Err(ApiError::not_found("CASE_NOT_FOUND", "what-case", &case.id.to_string())),
        Err(StoreError::Conflict { key, .. }) => {
            let current = CaseState::parse(&key).unwrap_or(case.state);
            Err(illegal_transition(current, kind.as_str()))
        }
        Err(error) => Err(error.into()),
    }
}

/// Lists possible duplicates of a case: the same category, within 200 m and 48 hours.
#[utoipa::path(get, path = "/api/v1/cases/{id}/duplicates", tag = "cases", params(("id" = String, Path)),
    responses((status = 200, body = CaseList), (status = 404)))]
pub async fn duplicates(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Json<CaseList>, ApiError> {
    let case = scoped_case(&state, &principal, Action::DispatchCases, &id).await?;
    let (Some(lat), Some(lon)) = (case.lat, case.lon) else {
        return Ok(Json(CaseList { cases: Vec::new() }));
    };
    let window = haidang_core::cases::DUPLICATE_WINDOW_MS;
    let filter = CaseFilter {
        scope: case_scope(&state, &principal, Action::DispatchCases).await?,
        category: Some(case.category_code.clone()),
        from: Some(case.received_at - window),
        to: Some(case.received_at + window + 1),
        limit: 1000,
        ..CaseFilter::default()
    };
    let names = Names::load(&state).await?;
    let cases = state
        .store
        .cases(filter)
        .await?
        .into_iter()
        .filter(|c| c.id != case.id && !matches!(c.state, CaseState::Merged | CaseState::Rejected))
        .filter(|c| match (c.lat, c.lon) {
            (Some(a), Some(b)) => may_be_duplicate((lat, lon, case.received_at), (a, b, c.received_at)),
            _ => false,
        })
        .map(|c| case_view(&state, &principal, &names, &c))
        .collect();
    Ok(Json(CaseList { cases }))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OverdueList {
    /// Open cases past their deadline: the operator must act.
    pub overdue: Vec<CaseView>,
    /// Open cases whose deadline is less than a day away.
    pub due_soon: Vec<CaseView>,
}

/// Lists open cases in scope that are overdue or due within a day, most urgent first.
#[utoipa::path(get, path = "/api/v1/cases/overdue", tag = "cases", responses((status = 200, body = OverdueList)))]
pub async fn overdue(State(state): State<AppState>, principal: Principal) -> Result<Json<OverdueList>, ApiError> {
    let now = state.now();
    let filter = CaseFilter {
        scope: case_scope(&state, &principal, Action::ReadCases).await?,
        states: CaseState::ALL
            .into_iter()
            .filter(|s| s.counts_against_deadline())
            .collect(),
        deadline_before: Some(now + WARN_BEFORE_MS),
        limit: 1000,
        ..CaseFilter::default()
    };
    let names = Names::load(&state).await?;
    let mut cases = state.store.cases(filter).await?;
    cases.sort_by_key(|c| c.deadline);
    let (overdue, due_soon): (Vec<_>, Vec<_>) = cases.iter().partition(|c| c.deadline < now);
    Ok(Json(OverdueList {
        overdue: overdue
            .iter()
            .map(|c| case_view(&state, &principal, &names, c))
            .collect(),
        due_soon: due_soon
            .iter()
            .map(|c| case_view(&state, &principal, &names, c))
            .collect(),
    }))
}

/// Counts of one agency or category.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StatisticsRow {
    pub key: String,
    pub name: String,
    #[schema(value_type = Object)]
    #[serde(flatten)]
    pub counts: TimelinessCounts,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Statistics {
    #[schema(value_type = Object)]
    pub total: TimelinessCounts,
    pub by_agency: Vec<StatisticsRow>,
    pub by_category: Vec<StatisticsRow>,
    pub as_of: String,
}

/// Counts cases by timeliness per agency and per category: on time, late with an approved
/// extension, late, open, open and overdue. Rejected and merged cases are counted apart.
pub async fn statistics_of(
    state: &AppState,
    scope: Option<Vec<ScopeClause>>,
    only_public: bool,
) -> Result<Statistics, ApiError> {
    // Cases are read a page at a time, so memory stays flat however many there are.
    // NOTE: every case is read on each call; a province with millions of cases would want
    // the counts kept up to date in SQL instead.
    const PAGE: i64 = 10_000;
    let now = state.now();
    let names = Names::load(state).await?;
    let mut total = TimelinessCounts::default();
    let mut by_agency: BTreeMap<String, TimelinessCounts> = BTreeMap::new();
    let mut by_category: BTreeMap<String, TimelinessCounts> = BTreeMap::new();
    let mut offset = 0;
    loop {
        let filter = CaseFilter {
            scope: scope.clone(),
            limit: PAGE,
            offset,
            ..CaseFilter::default()
        };
        let page = state.store.cases(filter).await?;
        let count = page.len() as i64;
        for case in page {
            if only_public && case.state == CaseState::Received {
                continue;
            }
            let value = timeliness(
                &DeadlineFacts {
                    state: case.state,
                    original_deadline: case.original_deadline,
                    deadline: case.deadline,
                    extension_approved: case.extension_approved,
                    resolved_at: case.resolved_at,
                },
                now,
            );
            total.add(value);
            by_agency
                .entry(case.agency_key.clone().unwrap_or_default())
                .or_default()
                .add(value);
            by_category.entry(case.category_code.clone()).or_default().add(value);
        }
        if count < PAGE {
            break;
        }
        offset += PAGE;
    }
    let rows = |map: BTreeMap<String, TimelinessCounts>, name: &dyn Fn(&str) -> String| {
        map.into_iter()
            .map(|(key, counts)| StatisticsRow {
                name: name(&key),
                key,
                counts,
            })
            .collect()
    };
    Ok(Statistics {
        total,
        by_agency: rows(by_agency, &|k| names.agency(Some(k)).unwrap_or_default()),
        by_category: rows(by_category, &|k| names.category_name(k)),
        as_of: format_instant(now, state.zone),
    })
}

/// Returns the handling statistics of the cases in the caller's scope.
#[utoipa::path(get, path = "/api/v1/cases/statistics", tag = "cases", responses((status = 200, body = Statistics)))]
pub async fn statistics(State(state): State<AppState>, principal: Principal) -> Result<Json<Statistics>, ApiError> {
    let scope = case_scope(&state, &principal, Action::ReadCases).await?;
    Ok(Json(statistics_of(&state, scope, false).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trip_and_magic_bytes() {
        assert_eq!(decode_base64("aGVsbG8="), Some(b"hello".to_vec()));
        assert_eq!(decode_base64("data:image/png;base64,aGk"), Some(b"hi".to_vec()));
        assert_eq!(decode_base64("a*b"), None);
        assert_eq!(check_photo(&[0xFF, 0xD8, 0xFF, 0xE0]).ok(), Some("image/jpeg"));
        assert!(check_photo(b"GIF89a").is_err());
        assert!(check_photo(&vec![0xFF; MAX_PHOTO_BYTES + 1]).is_err());
    }
}
