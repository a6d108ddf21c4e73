//! GeoJSON layers of the map: boundaries and typhoon tracks.

use axum::Json;
use axum::extract::State;
use haidang_core::time::format_instant;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::state::AppState;

/// Returns the boundary polygons as a GeoJSON FeatureCollection; each feature has the
/// properties `id`, `name` and `level`.
#[utoipa::path(get, path = "/api/v1/map/boundaries", tag = "map", responses((status = 200, description = "GeoJSON FeatureCollection")))]
pub async fn boundaries(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let mut features = Vec::new();
    for boundary in state.store.boundaries().await? {
        let geometry: Value = serde_json::from_str(&boundary.geometry).map_err(ApiError::internal)?;
        features.push(json!({
            "type": "Feature",
            "geometry": geometry,
            "properties": { "id": boundary.id, "name": boundary.name, "level": boundary.level },
        }));
    }
    Ok(Json(json!({ "type": "FeatureCollection", "features": features })))
}

/// Returns typhoon tracks as GeoJSON LineStrings with the properties `id`, `name`, `year`,
/// `max_grade`, `min_distance_km`, `start` and `end`.
#[utoipa::path(get, path = "/api/v1/map/typhoons", tag = "map", responses((status = 200, description = "GeoJSON FeatureCollection")))]
pub async fn typhoons(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let features: Vec<Value> = state
        .store
        .storms()
        .await?
        .into_iter()
        .map(|storm| {
            let coordinates: Vec<[f64; 2]> = storm.fixes.iter().map(|f| [f.lon, f.lat]).collect();
            json!({
                "type": "Feature",
                "geometry": { "type": "LineString", "coordinates": coordinates },
                "properties": {
                    "id": storm.id,
                    "name": storm.name,
                    "year": storm.year,
                    "max_grade": storm.max_grade,
                    "min_distance_km": storm.min_distance_km,
                    "start": storm.fixes.first().map(|f| format_instant(f.time, state.zone)),
                    "end": storm.fixes.last().map(|f| format_instant(f.time, state.zone)),
                },
            })
        })
        .collect();
    Ok(Json(json!({ "type": "FeatureCollection", "features": features })))
}
