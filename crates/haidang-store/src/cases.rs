//! Citizen reports: service categories, the working-day calendar, cases, their history and
//! photos.
//!
//! Every change of a case appends its history event and an [`AuditEvent`] in the same
//! transaction. Lists are filtered by the caller's scope in the query itself
//! ([`CaseFilter::scope`]).

use haidang_core::audit::AuditEvent;
use haidang_core::calendar::{CalendarDay, DayKind, WorkCalendar};
use haidang_core::cases::CaseState;
use serde::{Deserialize, Serialize};

use crate::{Store, StoreError, dispatch};

/// One question of a category's service definition (Open311 `attributes`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryAttribute {
    pub code: String,
    /// Open311 datatype: string, number, datetime, text, singlevaluelist, multivaluelist.
    pub datatype: String,
    pub required: bool,
    pub description: String,
    pub order: i64,
    /// `(key, name)` pairs of a list.
    #[serde(default)]
    pub values: Vec<(String, String)>,
}

/// A service category (Open311 service) with its handling agency and deadline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseCategory {
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub description: String,
    pub group: String,
    pub keywords: Vec<String>,
    pub agency_key: String,
    pub working_days: u32,
    pub attributes: Vec<CategoryAttribute>,
}

/// A case to file.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCase {
    pub token: String,
    pub category_code: String,
    /// `open311`, `web` or `phone`.
    pub channel: String,
    pub description: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub address: Option<String>,
    pub unit_code: Option<String>,
    pub agency_key: Option<String>,
    pub reporter_name: Option<String>,
    pub reporter_phone: Option<String>,
    pub reporter_email: Option<String>,
    pub attributes: serde_json::Value,
    pub media_url: Option<String>,
    pub received_at: i64,
    pub deadline: i64,
    pub simulated: bool,
}

/// A stored case. Personal fields are here unmasked; the server masks them.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseRecord {
    pub id: i64,
    pub token: String,
    pub category_code: String,
    pub state: CaseState,
    pub channel: String,
    pub description: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub address: Option<String>,
    pub unit_code: Option<String>,
    pub agency_key: Option<String>,
    pub reporter_name: Option<String>,
    pub reporter_phone: Option<String>,
    pub reporter_email: Option<String>,
    pub attributes: serde_json::Value,
    pub media_url: Option<String>,
    pub answer: Option<String>,
    pub status_note: Option<String>,
    pub merged_into: Option<i64>,
    pub rating: Option<i64>,
    pub received_at: i64,
    pub original_deadline: i64,
    pub deadline: i64,
    pub extension_approved: bool,
    pub resolved_at: Option<i64>,
    pub updated_at: i64,
    pub simulated: bool,
}

/// One entry of a case's history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseEventRecord {
    pub id: i64,
    pub case_id: i64,
    pub at: i64,
    pub kind: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub actor: String,
    pub actor_name: String,
    /// `dispatcher`, `handler`, `citizen` or `system`.
    pub party: String,
    pub note: Option<String>,
    pub detail: serde_json::Value,
}

/// A photo to store with a case.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMedia {
    pub id: String,
    /// `report` (sent by the citizen) or `answer` (sent by the handler).
    pub purpose: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// A stored photo without its bytes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MediaInfo {
    pub id: String,
    pub case_id: i64,
    pub purpose: String,
    pub content_type: String,
    pub size: i64,
    pub created_at: i64,
}

/// A change of a case's state with everything it writes. `None` leaves a field as it is.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseChange {
    /// The state the change was decided on; the change fails with a conflict otherwise.
    pub from: CaseState,
    pub to: CaseState,
    pub kind: String,
    pub at: i64,
    pub actor: String,
    pub actor_name: String,
    pub party: String,
    pub note: Option<String>,
    pub detail: serde_json::Value,
    pub agency_key: Option<Option<String>>,
    pub unit_code: Option<Option<String>>,
    pub answer: Option<String>,
    pub status_note: Option<String>,
    pub deadline: Option<i64>,
    pub original_deadline: Option<i64>,
    pub extension_approved: Option<bool>,
    pub resolved_at: Option<Option<i64>>,
    pub rating: Option<i64>,
    pub merged_into: Option<i64>,
    pub media: Vec<NewMedia>,
}

impl CaseChange {
    /// A change with nothing but the state, the event and the actor.
    pub fn new(from: CaseState, to: CaseState, kind: &str, at: i64, actor: (&str, &str, &str)) -> Self {
        Self {
            from,
            to,
            kind: kind.to_owned(),
            at,
            actor: actor.0.to_owned(),
            actor_name: actor.1.to_owned(),
            party: actor.2.to_owned(),
            note: None,
            detail: serde_json::json!({}),
            agency_key: None,
            unit_code: None,
            answer: None,
            status_note: None,
            deadline: None,
            original_deadline: None,
            extension_approved: None,
            resolved_at: None,
            rating: None,
            merged_into: None,
            media: Vec::new(),
        }
    }
}

/// One grant's part of a scope: the cases of `agency` (when set) in `units` (when set).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeClause {
    pub agency: Option<String>,
    /// The commune codes the grant covers, already expanded from a province or district.
    pub units: Option<Vec<String>>,
}

/// Filters of a case listing. `scope: None` means province-wide; `Some(vec![])` matches
/// nothing.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub scope: Option<Vec<ScopeClause>>,
    pub ids: Vec<i64>,
    pub states: Vec<CaseState>,
    pub category: Option<String>,
    pub unit: Option<String>,
    pub agency: Option<String>,
    /// `[from, to)` on the time of receipt.
    pub from: Option<i64>,
    pub to: Option<i64>,
    /// Cases whose deadline is before this instant.
    pub deadline_before: Option<i64>,
    /// Matches the description or the id.
    pub text: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

/// A parameter of a built query.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SqlValue {
    Text(String),
    Int(i64),
}

/// The columns read into a [`CaseRecord`], in order.
pub(crate) const CASE_COLUMNS: &str = "id, token, category_code, state, channel, description, lat, lon, address, \
     unit_code, agency_key, reporter_name, reporter_phone, reporter_email, attributes, media_url, answer, status_note, \
     merged_into, rating, received_at, original_deadline, deadline, extension_approved, resolved_at, updated_at, simulated";

/// Builds the `WHERE` clause of a listing; `placeholder(n)` writes the n-th (1-based) parameter.
pub(crate) fn where_clause(filter: &CaseFilter, placeholder: fn(usize) -> String) -> (String, Vec<SqlValue>) {
    let mut conditions: Vec<String> = Vec::new();
    let mut values: Vec<SqlValue> = Vec::new();
    let push = |value: SqlValue, values: &mut Vec<SqlValue>| {
        values.push(value);
        placeholder(values.len())
    };
    if let Some(clauses) = &filter.scope {
        let mut parts = Vec::new();
        for clause in clauses {
            let mut part = Vec::new();
            if let Some(agency) = &clause.agency {
                part.push(format!(
                    "agency_key = {}",
                    push(SqlValue::Text(agency.clone()), &mut values)
                ));
            }
            if let Some(units) = &clause.units {
                if units.is_empty() {
                    part.push("1 = 0".to_owned());
                } else {
                    let list: Vec<String> = units
                        .iter()
                        .map(|u| push(SqlValue::Text(u.clone()), &mut values))
                        .collect();
                    part.push(format!("unit_code IN ({})", list.join(", ")));
                }
            }
            if part.is_empty() {
                part.push("1 = 1".to_owned());
            }
            parts.push(format!("({})", part.join(" AND ")));
        }
        if parts.is_empty() {
            conditions.push("1 = 0".to_owned());
        } else {
            conditions.push(format!("({})", parts.join(" OR ")));
        }
    }
    if !filter.ids.is_empty() {
        let list: Vec<String> = filter
            .ids
            .iter()
            .map(|id| push(SqlValue::Int(*id), &mut values))
            .collect();
        conditions.push(format!("id IN ({})", list.join(", ")));
    }
    if !filter.states.is_empty() {
        let list: Vec<String> = filter
            .states
            .iter()
            .map(|s| push(SqlValue::Text(s.as_str().to_owned()), &mut values))
            .collect();
        conditions.push(format!("state IN ({})", list.join(", ")));
    }
    if let Some(category) = &filter.category {
        conditions.push(format!(
            "category_code = {}",
            push(SqlValue::Text(category.clone()), &mut values)
        ));
    }
    if let Some(unit) = &filter.unit {
        conditions.push(format!(
            "unit_code = {}",
            push(SqlValue::Text(unit.clone()), &mut values)
        ));
    }
    if let Some(agency) = &filter.agency {
        conditions.push(format!(
            "agency_key = {}",
            push(SqlValue::Text(agency.clone()), &mut values)
        ));
    }
    if let Some(from) = filter.from {
        conditions.push(format!("received_at >= {}", push(SqlValue::Int(from), &mut values)));
    }
    if let Some(to) = filter.to {
        conditions.push(format!("received_at < {}", push(SqlValue::Int(to), &mut values)));
    }
    if let Some(before) = filter.deadline_before {
        conditions.push(format!("deadline < {}", push(SqlValue::Int(before), &mut values)));
    }
    if let Some(text) = filter.text.as_ref().filter(|t| !t.trim().is_empty()) {
        // SQLite's lower() folds ASCII only, so the text is also matched as typed.
        let lowered = push(SqlValue::Text(format!("%{}%", text.trim().to_lowercase())), &mut values);
        let typed = push(SqlValue::Text(format!("%{}%", text.trim())), &mut values);
        let id = push(SqlValue::Text(text.trim().to_owned()), &mut values);
        conditions.push(format!(
            "(lower(description) LIKE {lowered} OR description LIKE {typed} OR CAST(id AS TEXT) = {id})"
        ));
    }
    let clause = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    (clause, values)
}

impl Store {
    /// Creates or replaces the categories with these codes.
    pub async fn upsert_case_categories(&self, categories: Vec<CaseCategory>) -> Result<(), StoreError> {
        dispatch!(self, s => s.upsert_case_categories(categories).await)
    }

    pub async fn case_categories(&self) -> Result<Vec<CaseCategory>, StoreError> {
        dispatch!(self, s => s.case_categories().await)
    }

    /// Replaces the calendar of holidays and compensatory working days.
    pub async fn replace_work_calendar(&self, days: Vec<CalendarDay>) -> Result<(), StoreError> {
        dispatch!(self, s => s.replace_work_calendar(days).await)
    }

    pub async fn work_calendar(&self) -> Result<WorkCalendar, StoreError> {
        dispatch!(self, s => s.work_calendar().await)
    }

    /// Files a case with its first history event, its photos and `audit`, in one transaction.
    pub async fn create_case(
        &self,
        case: NewCase,
        actor: (String, String, String),
        media: Vec<NewMedia>,
        audit: AuditEvent,
    ) -> Result<CaseRecord, StoreError> {
        dispatch!(self, s => s.create_case(case, actor, media, audit).await)
    }

    /// Returns the case with `id` if it lies within `scope` (`None`: anywhere).
    pub async fn case_by_id(&self, id: i64, scope: Option<Vec<ScopeClause>>) -> Result<Option<CaseRecord>, StoreError> {
        let filter = CaseFilter {
            scope,
            ids: vec![id],
            limit: 1,
            ..CaseFilter::default()
        };
        Ok(self.cases(filter).await?.into_iter().next())
    }

    pub async fn case_by_token(&self, token: &str) -> Result<Option<CaseRecord>, StoreError> {
        dispatch!(self, s => s.case_by_token(token.to_owned()).await)
    }

    /// Lists cases, newest first.
    pub async fn cases(&self, filter: CaseFilter) -> Result<Vec<CaseRecord>, StoreError> {
        dispatch!(self, s => s.cases(filter).await)
    }

    pub async fn case_events(&self, case_id: i64) -> Result<Vec<CaseEventRecord>, StoreError> {
        dispatch!(self, s => s.case_events(case_id).await)
    }

    /// Applies a change decided on the state `change.from`; fails with
    /// [`StoreError::Conflict`] when the case moved meanwhile, and returns `None` when it does
    /// not exist. `audit` is appended in the same transaction.
    pub async fn change_case(
        &self,
        id: i64,
        change: CaseChange,
        audit: Option<AuditEvent>,
    ) -> Result<Option<CaseRecord>, StoreError> {
        dispatch!(self, s => s.change_case(id, change, audit).await)
    }

    /// Adds a photo to a case, with `audit`.
    pub async fn add_case_media(
        &self,
        case_id: i64,
        media: NewMedia,
        at: i64,
        audit: AuditEvent,
    ) -> Result<(), StoreError> {
        dispatch!(self, s => s.add_case_media(case_id, media, at, audit).await)
    }

    pub async fn case_media(&self, case_id: i64) -> Result<Vec<MediaInfo>, StoreError> {
        dispatch!(self, s => s.case_media(case_id).await)
    }

    /// Returns a photo's description and bytes.
    pub async fn media(&self, id: &str) -> Result<Option<(MediaInfo, Vec<u8>)>, StoreError> {
        dispatch!(self, s => s.media(id.to_owned()).await)
    }
}

pub(crate) fn parse_state(text: &str) -> Result<CaseState, StoreError> {
    CaseState::parse(text).ok_or_else(|| StoreError::Corrupt {
        table: "cases",
        column: "state",
        detail: text.to_owned(),
    })
}

pub(crate) fn parse_json_column(text: &str, column: &'static str) -> Result<serde_json::Value, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt {
        table: "cases",
        column,
        detail: e.to_string(),
    })
}

pub(crate) fn category_attributes(text: &str) -> Result<Vec<CategoryAttribute>, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt {
        table: "case_categories",
        column: "attributes",
        detail: e.to_string(),
    })
}

pub(crate) fn calendar_from_rows(rows: Vec<(String, String, String)>) -> Result<WorkCalendar, StoreError> {
    let mut days = Vec::new();
    for (day, kind, name) in rows {
        let corrupt = |detail: String| StoreError::Corrupt {
            table: "work_calendar",
            column: "day",
            detail,
        };
        let date = chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d").map_err(|_| corrupt(day.clone()))?;
        let kind = DayKind::parse(&kind).ok_or_else(|| corrupt(kind.clone()))?;
        days.push(CalendarDay { date, kind, name });
    }
    Ok(WorkCalendar::new(days))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_builds_or_of_ands() {
        let filter = CaseFilter {
            scope: Some(vec![
                ScopeClause {
                    agency: Some("so-xd".into()),
                    units: None,
                },
                ScopeClause {
                    agency: None,
                    units: Some(vec!["22945".into(), "22918".into()]),
                },
            ]),
            category: Some("road".into()),
            ..CaseFilter::default()
        };
        let (clause, values) = where_clause(&filter, |n| format!("${n}"));
        assert_eq!(
            clause,
            "WHERE ((agency_key = $1) OR (unit_code IN ($2, $3))) AND category_code = $4"
        );
        assert_eq!(values.len(), 4);
        let nothing = CaseFilter {
            scope: Some(Vec::new()),
            ..CaseFilter::default()
        };
        assert_eq!(where_clause(&nothing, |n| format!("?{n}")).0, "WHERE 1 = 0");
    }
}
