//! Citizen reports of the demo: the working-day calendar, the service categories with their
//! agencies and deadlines (`data/demo/cases.toml`), and a labelled set of simulated reports
//! (*dữ liệu mô phỏng*), filed once into an empty database.

use std::path::Path;

use anyhow::Context;
use haidang_core::audit::{AuditEvent, Outcome};
use haidang_core::calendar::WorkCalendar;
use haidang_core::cases::{CaseState, EventKind, next_state};
use haidang_core::time::LOCAL_ZONE;
use haidang_store::Store;
use haidang_store::cases::{CaseCategory, CaseChange, CaseFilter, NewCase};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CasesFile {
    categories: Vec<CaseCategory>,
    #[serde(default)]
    reports: Vec<SimulatedReport>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SimulatedReport {
    category: String,
    commune: String,
    lat: f64,
    lon: f64,
    description: String,
    received_hours_ago: i64,
    /// Hours from receipt to the answer.
    #[serde(default)]
    handled_hours: Option<i64>,
    state: String,
    #[serde(default)]
    answer: Option<String>,
    #[serde(default)]
    rating: Option<i64>,
}

const HOUR_MS: i64 = 3_600_000;
const SIMULATOR: (&str, &str) = ("system", "dữ liệu mô phỏng");

fn event(at: i64, action: &str) -> AuditEvent {
    AuditEvent {
        at,
        actor: SIMULATOR.0.to_owned(),
        actor_name: SIMULATOR.1.to_owned(),
        role: None,
        scope: None,
        action: action.to_owned(),
        object: None,
        outcome: Outcome::Success,
        address: None,
        detail: serde_json::json!({ "simulated": true }),
    }
}

/// Loads the calendar from `reference_dir/calendar.csv` and the categories from
/// `demo_dir/cases.toml`, and files the simulated reports when no case exists yet.
pub async fn load(store: &Store, reference_dir: &Path, demo_dir: &Path, now: i64) -> anyhow::Result<()> {
    let calendar_path = reference_dir.join("calendar.csv");
    let text = std::fs::read_to_string(&calendar_path)
        .with_context(|| format!("could not read {}", calendar_path.display()))?;
    // The reference loader has stored the calendar; it is read here for the simulated deadlines.
    let calendar = WorkCalendar::parse_csv(&text).with_context(|| format!("invalid {}", calendar_path.display()))?;

    let path = demo_dir.join("cases.toml");
    let text = std::fs::read_to_string(&path).with_context(|| format!("could not read {}", path.display()))?;
    let file: CasesFile = toml::from_str(&text).with_context(|| format!("invalid {}", path.display()))?;
    let categories = file.categories.clone();
    store.upsert_case_categories(file.categories).await?;

    let existing = store
        .cases(CaseFilter {
            limit: 1,
            ..CaseFilter::default()
        })
        .await?;
    if !existing.is_empty() {
        return Ok(());
    }
    for (index, report) in file.reports.iter().enumerate() {
        let category = categories
            .iter()
            .find(|c| c.code == report.category)
            .with_context(|| format!("simulated report {}: unknown category {}", index + 1, report.category))?;
        let target = CaseState::parse(&report.state)
            .with_context(|| format!("simulated report {}: unknown state {}", index + 1, report.state))?;
        let received = now - report.received_hours_ago * HOUR_MS;
        let case = NewCase {
            token: uuid::Uuid::now_v7().simple().to_string(),
            category_code: category.code.clone(),
            channel: "web".to_owned(),
            description: format!("{} (dữ liệu mô phỏng)", report.description),
            lat: Some(report.lat),
            lon: Some(report.lon),
            address: None,
            unit_code: Some(report.commune.clone()),
            agency_key: Some(category.agency_key.clone()),
            reporter_name: None,
            reporter_phone: None,
            reporter_email: None,
            attributes: serde_json::json!({}),
            media_url: None,
            received_at: received,
            deadline: calendar.deadline(received, category.working_days, LOCAL_ZONE),
            simulated: true,
        };
        let actor = (SIMULATOR.0.to_owned(), SIMULATOR.1.to_owned(), "citizen".to_owned());
        let mut record = store
            .create_case(case, actor, Vec::new(), event(received, "case.receive"))
            .await?;
        let resolved = received + report.handled_hours.unwrap_or(24) * HOUR_MS;
        let steps: &[(EventKind, i64)] = match target {
            CaseState::Received => &[],
            CaseState::Accepted => &[(EventKind::Accept, HOUR_MS)],
            CaseState::Assigned => &[(EventKind::Accept, HOUR_MS), (EventKind::Assign, 2 * HOUR_MS)],
            CaseState::InProgress => &[
                (EventKind::Accept, HOUR_MS),
                (EventKind::Assign, 2 * HOUR_MS),
                (EventKind::Start, 3 * HOUR_MS),
            ],
            CaseState::Published => &[
                (EventKind::Accept, HOUR_MS),
                (EventKind::Assign, 2 * HOUR_MS),
                (EventKind::Start, 3 * HOUR_MS),
                (EventKind::Resolve, -1),
                (EventKind::Publish, -2),
            ],
            CaseState::Rated | CaseState::Closed => &[
                (EventKind::Accept, HOUR_MS),
                (EventKind::Assign, 2 * HOUR_MS),
                (EventKind::Start, 3 * HOUR_MS),
                (EventKind::Resolve, -1),
                (EventKind::Publish, -2),
                (EventKind::Rate, -3),
                (EventKind::Close, -4),
            ],
            other => anyhow::bail!(
                "simulated report {}: state {} is not simulated",
                index + 1,
                other.as_str()
            ),
        };
        for &(kind, offset) in steps {
            if target == CaseState::Rated && kind == EventKind::Close {
                break;
            }
            let at = if offset >= 0 {
                received + offset
            } else {
                resolved + (-offset - 1) * HOUR_MS
            }
            .min(now);
            let to = next_state(record.state, kind)?;
            let party = match kind.party() {
                haidang_core::cases::Party::Dispatcher => "dispatcher",
                haidang_core::cases::Party::Handler => "handler",
                haidang_core::cases::Party::Citizen => "citizen",
            };
            let mut change = CaseChange::new(record.state, to, kind.as_str(), at, (SIMULATOR.0, SIMULATOR.1, party));
            match kind {
                EventKind::Resolve => {
                    change.answer = report.answer.clone();
                    change.note = report.answer.clone();
                    change.resolved_at = Some(Some(at));
                }
                EventKind::Rate => change.rating = report.rating,
                _ => {}
            }
            let mut audit = event(at, &format!("case.{}", kind.as_str()));
            audit.object = Some(format!("case:{}", record.id));
            record = store
                .change_case(record.id, change, Some(audit))
                .await?
                .context("simulated case vanished")?;
        }
    }
    tracing::info!(reports = file.reports.len(), "simulated citizen reports filed");
    Ok(())
}
