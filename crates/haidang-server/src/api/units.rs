//! Administrative units as of a date, and indicators totalled per unit with older data
//! carried onto that date's units.

use std::collections::{BTreeMap, HashMap};

use axum::Json;
use axum::extract::{Path, Query, State};
use chrono::NaiveDate;
use haidang_core::observation::{Aggregate, Step};
use haidang_core::rollup::SharedTotal;
use haidang_core::time::{local_date, parse_timestamp};
use haidang_core::units::AdminUnit;
use serde::Serialize;

use crate::api::params;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UnitView {
    pub code: String,
    pub name: String,
    /// `province`, `district` (before 1 July 2025) or `commune`.
    pub level: String,
    /// Type as in the catalogue: Tỉnh, Huyện, Xã, Phường, Thị trấn, Đặc khu …
    pub kind: String,
    pub parent: Option<String>,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UnitList {
    pub as_of: String,
    pub units: Vec<UnitView>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Contribution {
    pub series: String,
    /// Code of the unit the series describes, as recorded.
    pub unit_code: String,
    /// Name of that unit at the time of the earliest value carried.
    pub unit_name: Option<String>,
    /// Share of the recorded unit carried onto this one.
    pub share: f64,
    pub exact: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UnitTotal {
    pub code: String,
    pub name: String,
    pub value: Option<f64>,
    /// False when part of the figure was carried from a split unit by an estimated share.
    pub exact: bool,
    pub contributions: Vec<Contribution>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IndicatorByUnit {
    pub indicator: String,
    pub as_of: String,
    pub agg: String,
    pub units: Vec<UnitTotal>,
    /// Series whose values could not be carried onto any unit in force on `as_of`.
    pub not_carried: Vec<String>,
}

/// Lists the units in force on `as_of` (today by default), optionally the children of `parent`.
#[utoipa::path(get, path = "/api/v1/units", tag = "units",
    params(("as_of" = Option<String>, Query, description = "YYYY-MM-DD; today by default"),
        ("parent" = Option<String>, Query, description = "Code of the parent unit")),
    responses((status = 200, body = UnitList), (status = 400)))]
pub async fn list(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<UnitList>, ApiError> {
    let as_of = params::as_of(query.get("as_of"), state.now(), state.zone)?;
    let catalog = state.store.unit_catalog().await?;
    let units = catalog
        .in_force(as_of, query.get("parent").map(String::as_str))
        .into_iter()
        .map(view)
        .collect();
    Ok(Json(UnitList {
        as_of: as_of.to_string(),
        units,
    }))
}

/// Returns the unit that `code` named on `as_of`.
#[utoipa::path(get, path = "/api/v1/units/{code}", tag = "units",
    params(("code" = String, Path), ("as_of" = Option<String>, Query, description = "YYYY-MM-DD; today by default")),
    responses((status = 200, body = UnitView), (status = 404)))]
pub async fn get_one(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<UnitView>, ApiError> {
    let as_of = params::as_of(query.get("as_of"), state.now(), state.zone)?;
    let catalog = state.store.unit_catalog().await?;
    let unit = catalog
        .find(&code, as_of)
        .ok_or_else(|| ApiError::unit_not_found(&code, &as_of.to_string()))?;
    Ok(Json(view(unit)))
}

/// Totals an indicator per unit in force on `as_of`, over `[from, to)`. Values recorded
/// for former units are carried onto their successors; a figure that includes a share
/// of a split unit is marked `exact: false`.
#[utoipa::path(get, path = "/api/v1/indicators/{indicator}/units", tag = "units",
    params(("indicator" = String, Path),
        ("as_of" = Option<String>, Query, description = "YYYY-MM-DD; today by default"),
        ("from" = Option<String>, Query), ("to" = Option<String>, Query),
        ("agg" = Option<String>, Query, description = "sum (default), avg, min, max, count or last")),
    responses((status = 200, body = IndicatorByUnit), (status = 400), (status = 404)))]
pub async fn indicator_by_unit(
    State(state): State<AppState>,
    Path(indicator): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<IndicatorByUnit>, ApiError> {
    let as_of = params::as_of(query.get("as_of"), state.now(), state.zone)?;
    let aggregate = match query.get("agg") {
        None => Aggregate::Sum,
        Some(_) => params::aggregate(query.get("agg"))?,
    };
    let from = params::instant("from", query.get("from"), state.zone)?
        .unwrap_or(parse_timestamp("1900-01-01", state.zone).unwrap_or(i64::MIN / 2));
    let to = params::instant("to", query.get("to"), state.zone)?.unwrap_or(i64::MAX / 2);
    let series = state.store.series_of_indicator(&indicator).await?;
    if series.is_empty() {
        return Err(ApiError::not_found("INDICATOR_NOT_FOUND", "what-indicator", &indicator));
    }
    let catalog = state.store.unit_catalog().await?;

    let mut totals: BTreeMap<String, (SharedTotal, BTreeMap<String, Contribution>)> = BTreeMap::new();
    let mut not_carried = Vec::new();
    for record in series {
        let Some(code) = record.definition.unit_code.clone() else {
            not_carried.push(record.definition.key.clone());
            continue;
        };
        let mut carried_any = false;
        for (bucket, rollup) in state.store.rollups(record.id, Step::Day, from, to).await? {
            let Some(day) = local_date(bucket, state.zone) else {
                continue;
            };
            for target in catalog.carry(&code, day, as_of) {
                carried_any = true;
                let (total, contributions) = totals.entry(target.code.clone()).or_default();
                total.add(&rollup, target.share, target.exact);
                contributions
                    .entry(record.definition.key.clone())
                    .or_insert_with(|| Contribution {
                        series: record.definition.key.clone(),
                        unit_code: code.clone(),
                        unit_name: catalog.find(&code, day).map(|u| u.name.clone()),
                        share: target.share,
                        exact: target.exact,
                    });
            }
        }
        if !carried_any {
            not_carried.push(record.definition.key.clone());
        }
    }

    let units = totals
        .into_iter()
        .map(|(code, (total, contributions))| UnitTotal {
            name: catalog.find(&code, as_of).map(|u| u.name.clone()).unwrap_or_default(),
            code,
            value: total.value(aggregate),
            exact: !total.inexact,
            contributions: contributions.into_values().collect(),
        })
        .collect();
    Ok(Json(IndicatorByUnit {
        indicator,
        as_of: as_of.to_string(),
        agg: format!("{aggregate:?}").to_lowercase(),
        units,
        not_carried,
    }))
}

fn date_text(date: Option<NaiveDate>) -> Option<String> {
    date.map(|d| d.format("%Y-%m-%d").to_string())
}

fn view(unit: &AdminUnit) -> UnitView {
    UnitView {
        code: unit.code.clone(),
        name: unit.name.clone(),
        level: unit.level.as_str().to_owned(),
        kind: unit.kind.clone(),
        parent: unit.parent.clone(),
        valid_from: date_text(unit.valid_from),
        valid_to: date_text(unit.valid_to),
    }
}
