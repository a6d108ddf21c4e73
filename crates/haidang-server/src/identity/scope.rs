//! Scope checks that depend on stored records: which sources a caller may write, and
//! whether a record lies within the caller's grants.

use std::collections::HashSet;

use haidang_core::access::{Action, RecordScope, covers};
use haidang_core::time::local_date;

use super::Principal;
use crate::error::ApiError;
use crate::state::AppState;

/// Returns the sources whose series the caller may write under `action`, or `None` when a
/// province-wide grant allows every source.
pub async fn writable_sources(
    state: &AppState,
    principal: &Principal,
    action: Action,
) -> Result<Option<HashSet<String>>, ApiError> {
    let grants: Vec<_> = principal
        .grants()
        .into_iter()
        .filter(|g| action.roles().contains(&g.role))
        .collect();
    if grants.iter().any(|g| g.agency.is_none() && g.unit.is_none()) {
        return Ok(None);
    }
    let agencies: HashSet<String> = grants.iter().filter_map(|g| g.agency.clone()).collect();
    let mut sources: HashSet<String> = state
        .store
        .source_statuses()
        .await?
        .into_iter()
        .filter(|s| agencies.contains(&s.source.agency_key))
        .map(|s| s.source.key)
        .collect();
    if let Principal::ApiKey {
        sources: Some(named), ..
    } = principal
    {
        sources.retain(|s| named.contains(s));
    }
    Ok(Some(sources))
}

/// Whether any of the caller's grants for `action` covers a record with `scope`, using the
/// units in force today.
pub async fn covers_record(
    state: &AppState,
    principal: &Principal,
    action: Action,
    scope: &RecordScope,
) -> Result<bool, ApiError> {
    let grants: Vec<_> = principal
        .grants()
        .into_iter()
        .filter(|g| action.roles().contains(&g.role))
        .collect();
    if grants.iter().any(|g| g.agency.is_none() && g.unit.is_none()) {
        return Ok(true);
    }
    if grants.is_empty() {
        return Ok(false);
    }
    let catalog = state.store.unit_catalog().await?;
    let today = local_date(state.now(), state.zone).ok_or_else(|| ApiError::internal("clock out of range"))?;
    Ok(grants.iter().any(|g| covers(g, scope, &catalog, today)))
}

/// Returns the scope of a source's records: its owning agency.
pub async fn source_scope(state: &AppState, source: Option<&str>) -> Result<RecordScope, ApiError> {
    let Some(source) = source else {
        return Ok(RecordScope::default());
    };
    let agency = state
        .store
        .source_statuses()
        .await?
        .into_iter()
        .find(|s| s.source.key == source)
        .map(|s| s.source.agency_key);
    Ok(RecordScope { agency, unit: None })
}
