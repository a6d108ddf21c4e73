//! The public side of citizen reports, without login: handled reports and the province's
//! handling statistics, and the reporter's own steps with the case's token.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use bytes::Bytes;
use haidang_core::access::Action;
use haidang_core::audit::Outcome;
use haidang_core::cases::{CaseState, DeadlineFacts, Party, Timeliness, timeliness};
use haidang_core::personal::{PersonalField, mask};
use haidang_core::time::format_instant;
use haidang_store::cases::{CaseFilter, NewMedia};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::api::auth::parse_json;
use crate::api::cases::{
    EventBody, MAX_REPORT_PHOTOS, Names, PhotoBody, Statistics, apply, check_photo, decode_base64, photo_response,
    statistics_of,
};
use crate::error::ApiError;
use crate::identity::{ClientAddress, Principal};
use crate::state::AppState;

/// A handled report as the public sees it: no personal data.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PublicCase {
    pub id: i64,
    pub state: String,
    pub state_label: String,
    pub category: String,
    pub category_name: String,
    pub description: String,
    pub commune_code: Option<String>,
    pub commune_name: Option<String>,
    pub agency_name: Option<String>,
    /// Masked: only the ward or commune part remains.
    pub address: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub received_at: String,
    pub deadline: String,
    pub resolved_at: Option<String>,
    pub answer: Option<String>,
    /// on_time, late_with_extension or late.
    #[schema(value_type = String)]
    pub timeliness: Timeliness,
    pub rating: Option<i64>,
    /// URLs of the photos of the result.
    pub photos: Vec<String>,
    /// Simulated demo data (*dữ liệu mô phỏng*).
    pub simulated: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PublicCaseList {
    pub cases: Vec<PublicCase>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PublicParams {
    pub category: Option<String>,
    pub commune: Option<String>,
    /// published, rated or closed.
    pub status: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Lists the handled, published reports, newest first.
#[utoipa::path(get, path = "/api/v1/public/cases", tag = "public", params(PublicParams),
    responses((status = 200, body = PublicCaseList), (status = 400)))]
pub async fn list(
    State(state): State<AppState>,
    Query(params): Query<PublicParams>,
) -> Result<Json<PublicCaseList>, ApiError> {
    let public: Vec<CaseState> = CaseState::ALL.into_iter().filter(|s| s.is_public()).collect();
    let states = match params.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => public,
        Some(text) => {
            let state = CaseState::parse(text)
                .filter(|s| s.is_public())
                .ok_or_else(|| ApiError::invalid_parameter("status", text, "published, rated or closed"))?;
            vec![state]
        }
    };
    let filter = CaseFilter {
        states,
        category: params.category.filter(|c| !c.is_empty()),
        unit: params.commune.filter(|c| !c.is_empty()),
        limit: params.limit.unwrap_or(100).clamp(1, 500),
        offset: params.offset.unwrap_or(0).max(0),
        ..CaseFilter::default()
    };
    let names = Names::load(&state).await?;
    let now = state.now();
    let mut cases = Vec::new();
    for case in state.store.cases(filter).await? {
        let photos = state
            .store
            .case_media(case.id)
            .await?
            .into_iter()
            .filter(|m| m.purpose == "answer")
            .map(|m| format!("/api/v1/public/media/{}", m.id))
            .collect();
        cases.push(PublicCase {
            id: case.id,
            state: case.state.as_str().to_owned(),
            state_label: case.state.label_vi().to_owned(),
            category_name: names.category_name(&case.category_code),
            category: case.category_code.clone(),
            description: case.description.clone(),
            commune_name: names.unit(case.unit_code.as_deref()),
            commune_code: case.unit_code.clone(),
            agency_name: names.agency(case.agency_key.as_deref()),
            address: case.address.as_ref().map(|a| mask(PersonalField::ExactAddress, a)),
            lat: case.lat,
            lon: case.lon,
            received_at: format_instant(case.received_at, state.zone),
            deadline: format_instant(case.deadline, state.zone),
            resolved_at: case.resolved_at.map(|t| format_instant(t, state.zone)),
            answer: case.answer.clone(),
            timeliness: timeliness(
                &DeadlineFacts {
                    state: case.state,
                    original_deadline: case.original_deadline,
                    deadline: case.deadline,
                    extension_approved: case.extension_approved,
                    resolved_at: case.resolved_at,
                },
                now,
            ),
            rating: case.rating,
            photos,
            simulated: case.simulated,
        });
    }
    Ok(Json(PublicCaseList { cases }))
}

/// The province's handling statistics, per agency and per category.
#[utoipa::path(get, path = "/api/v1/public/cases/statistics", tag = "public", responses((status = 200, body = Statistics)))]
pub async fn statistics(State(state): State<AppState>) -> Result<Json<Statistics>, ApiError> {
    Ok(Json(statistics_of(&state, None, true).await?))
}

/// Serves a photo of a published report.
#[utoipa::path(get, path = "/api/v1/public/media/{id}", tag = "public", params(("id" = String, Path)),
    responses((status = 200, content_type = "image/jpeg"), (status = 404)))]
pub async fn media(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let not_found = || ApiError::not_found("MEDIA_NOT_FOUND", "what-media", &id);
    let (info, bytes) = state.store.media(&id).await?.ok_or_else(not_found)?;
    let case = state
        .store
        .case_by_id(info.case_id, None)
        .await?
        .ok_or_else(not_found)?;
    if !case.state.is_public() || info.purpose != "answer" {
        return Err(not_found());
    }
    Ok(photo_response(&info.content_type, bytes))
}

/// The reporter's step: rate the published answer or dispute it.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrackingBody {
    /// `rate` or `dispute`.
    pub event: String,
    /// 1 (very unsatisfied) to 5 (very satisfied), for `rate`.
    pub rating: Option<i64>,
    /// Comment; required to dispute.
    pub note: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TrackingAnswer {
    pub service_request_id: String,
    pub state: String,
    pub state_label: String,
}

/// Rates or disputes the answer to one's own report, with the report's token.
#[utoipa::path(post, path = "/api/v1/public/tracking/{key}", tag = "public", params(("key" = String, Path, description = "the report's token")),
    request_body = TrackingBody, responses((status = 200, body = TrackingAnswer), (status = 404), (status = 409)))]
pub async fn track(
    State(state): State<AppState>,
    principal: Principal,
    address: ClientAddress,
    Path(key): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<TrackingAnswer>, ApiError> {
    let body: TrackingBody = parse_json(&headers, &body)?;
    let case = state
        .store
        .case_by_token(&key)
        .await?
        .ok_or_else(|| ApiError::not_found("TOKEN_NOT_FOUND", "what-token", "…"))?;
    let rating = match body.event.as_str() {
        "rate" => Some(
            body.rating
                .filter(|r| (1..=5).contains(r))
                .ok_or_else(|| ApiError::invalid_parameter("rating", "", "1 to 5"))?,
        ),
        _ => None,
    };
    let event = EventBody {
        event: body.event,
        note: body.note,
        ..EventBody::default()
    };
    let id = case.id;
    let mut updated = apply(&state, &principal, &address, case, event, Party::Citizen).await?;
    if let Some(rating) = rating {
        // The rating itself is stored by a second, audited change of the same state.
        let audit = principal.audit(
            &state,
            "case.rating",
            Action::SubmitReport,
            Some(format!("case:{id}")),
            Outcome::Success,
            &address,
            json!({ "rating": rating }),
        );
        let mut change = haidang_store::cases::CaseChange::new(
            updated.state,
            updated.state,
            "rating",
            state.now(),
            (&principal.actor(), &principal.actor_name(), "citizen"),
        );
        change.rating = Some(rating);
        change.detail = json!({ "rating": rating });
        if let Some(case) = state.store.change_case(id, change, Some(audit)).await? {
            updated = case;
        }
    }
    Ok(Json(TrackingAnswer {
        service_request_id: updated.id.to_string(),
        state: updated.state.as_str().to_owned(),
        state_label: updated.state.label_vi().to_owned(),
    }))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MediaAnswer {
    pub id: String,
    pub content_type: String,
    pub size: usize,
}

/// Adds a photo (JPEG or PNG, at most 5 MB, base64) to one's own report while it awaits
/// the operator's check; at most 3 photos.
#[utoipa::path(post, path = "/api/v1/public/tracking/{key}/media", tag = "public", params(("key" = String, Path, description = "the report's token")),
    request_body = PhotoBody, responses((status = 201, body = MediaAnswer), (status = 400), (status = 404), (status = 409)))]
pub async fn add_media(
    State(state): State<AppState>,
    principal: Principal,
    address: ClientAddress,
    Path(key): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<MediaAnswer>), ApiError> {
    let body: PhotoBody = parse_json(&headers, &body)?;
    let case = state
        .store
        .case_by_token(&key)
        .await?
        .ok_or_else(|| ApiError::not_found("TOKEN_NOT_FOUND", "what-token", "…"))?;
    if case.state != CaseState::Received {
        return Err(crate::api::cases::illegal_transition(case.state, "add_photo"));
    }
    let existing = state.store.case_media(case.id).await?.len();
    if existing >= MAX_REPORT_PHOTOS {
        return Err(ApiError::invalid_parameter(
            "photos",
            &existing.to_string(),
            "at most 3 photos",
        ));
    }
    let bytes =
        decode_base64(&body.data).ok_or_else(|| ApiError::invalid_parameter("data", "…", "base64 of a JPEG or PNG"))?;
    let content_type = check_photo(&bytes)?;
    let media = NewMedia {
        id: uuid::Uuid::now_v7().to_string(),
        purpose: "report".to_owned(),
        content_type: content_type.to_owned(),
        bytes,
    };
    let answer = MediaAnswer {
        id: media.id.clone(),
        content_type: content_type.to_owned(),
        size: media.bytes.len(),
    };
    let audit = principal.audit(
        &state,
        "case.photo.add",
        Action::SubmitReport,
        Some(format!("case:{}", case.id)),
        Outcome::Success,
        &address,
        json!({ "size": answer.size, "content_type": content_type }),
    );
    state.store.add_case_media(case.id, media, state.now(), audit).await?;
    Ok((StatusCode::CREATED, Json(answer)))
}
