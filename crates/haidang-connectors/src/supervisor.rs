//! Runs the enabled connectors defined in the store, and follows changes: a connector
//! whose definition changed is restarted, a deleted or disabled one is stopped. The store
//! is read every few seconds, so definitions made through the API on any node take effect
//! without a restart.

use std::collections::HashMap;
use std::time::Duration;

use haidang_store::{ConnectorRecord, ConnectorStatusUpdate, Store, StoreError};
use serde_json::Value;
use tokio::task::JoinHandle;

use crate::definition::{ConnectorSpec, Kind, check_key};
use crate::error::DefinitionError;
use crate::shutdown::{Shutdown, ShutdownTrigger, shutdown_pair};
use crate::sink::{Clock, Identity, Sink};

/// How long a stopping connector may take before its task is aborted.
const STOP_GRACE: Duration = Duration::from_secs(10);

struct Running {
    updated_at: i64,
    trigger: ShutdownTrigger,
    task: JoinHandle<()>,
}

/// Starts and stops connectors as their definitions change.
pub struct Supervisor {
    store: Store,
    clock: Clock,
    reload_interval: Duration,
}

impl Supervisor {
    pub fn new(store: Store, clock: Clock) -> Self {
        Self {
            store,
            clock,
            reload_interval: Duration::from_secs(2),
        }
    }

    /// Sets how often the definitions are read again.
    pub fn with_reload_interval(mut self, interval: Duration) -> Self {
        self.reload_interval = interval;
        self
    }

    /// Runs until `shutdown`, then stops every connector and waits for them.
    pub async fn run(self, shutdown: Shutdown) {
        let mut running: HashMap<String, Running> = HashMap::new();
        // Definitions that failed validation, by key and version, so that each is reported once.
        let mut refused: HashMap<String, i64> = HashMap::new();
        loop {
            match self.store.connectors().await {
                Ok(records) => self.reconcile(records, &mut running, &mut refused).await,
                Err(error) => tracing::warn!(%error, "could not read the connector definitions"),
            }
            if shutdown.sleep(self.reload_interval).await {
                break;
            }
        }
        let stopping: Vec<(String, Running)> = running.drain().collect();
        for (_, connector) in &stopping {
            connector.trigger.trigger();
        }
        for (key, connector) in stopping {
            stop(&key, connector).await;
        }
        tracing::info!("connectors stopped");
    }

    async fn reconcile(
        &self,
        records: Vec<ConnectorRecord>,
        running: &mut HashMap<String, Running>,
        refused: &mut HashMap<String, i64>,
    ) {
        let wanted: HashMap<&str, &ConnectorRecord> = records
            .iter()
            .filter(|r| r.enabled)
            .map(|r| (r.key.as_str(), r))
            .collect();
        let outdated: Vec<String> = running
            .iter()
            .filter(|(key, r)| {
                wanted.get(key.as_str()).is_none_or(|w| w.updated_at != r.updated_at) || r.task.is_finished()
            })
            .map(|(key, _)| key.clone())
            .collect();
        for key in outdated {
            if let Some(connector) = running.remove(&key) {
                connector.trigger.trigger();
                stop(&key, connector).await;
            }
        }
        refused.retain(|key, version| wanted.get(key.as_str()).is_some_and(|w| w.updated_at == *version));
        for (key, record) in wanted {
            if running.contains_key(key) || refused.get(key) == Some(&record.updated_at) {
                continue;
            }
            let built = ConnectorSpec::from_json(&record.definition).and_then(|spec| Ok(spec.build(key)?));
            let connector = match built {
                Ok(connector) => connector,
                Err(error) => {
                    tracing::warn!(connector = key, %error, "connector definition refused");
                    let update = ConnectorStatusUpdate {
                        state: Some("failing".to_owned()),
                        state_since: Some((self.clock)()),
                        last_error: Some(error.to_string()),
                        last_error_at: Some((self.clock)()),
                        ..ConnectorStatusUpdate::default()
                    };
                    if let Err(error) = self.store.update_connector_status(key, update, (self.clock)()).await {
                        tracing::debug!(%error, "could not write the connector status");
                    }
                    refused.insert(key.to_owned(), record.updated_at);
                    continue;
                }
            };
            let identity = Identity {
                key: key.to_owned(),
                kind: connector.kind(),
                source: record.source_key.clone(),
            };
            let sink = Sink::new(self.store.clone(), identity, self.clock.clone());
            let (trigger, child) = shutdown_pair();
            let task = tokio::spawn(connector.run(sink, child));
            tracing::info!(connector = key, kind = record.kind, "connector started");
            running.insert(
                key.to_owned(),
                Running {
                    updated_at: record.updated_at,
                    trigger,
                    task,
                },
            );
        }
    }
}

async fn stop(key: &str, connector: Running) {
    let mut task = connector.task;
    if tokio::time::timeout(STOP_GRACE, &mut task).await.is_err() {
        tracing::warn!(connector = key, "connector did not stop in time; aborting it");
        task.abort();
    }
}

/// Error applying connector definitions from the configuration file.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error("connector {key:?}: {error}")]
    Definition { key: String, error: DefinitionError },
    #[error("connector {key:?}: source {source_key:?} does not exist; create it first (catalog or API)")]
    UnknownSource { key: String, source_key: String },
    #[error("a connector in the configuration file has no key: add key = \"...\"")]
    MissingKey,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Validates definitions read from the configuration file and stores them with the origin
/// `config`. A definition equal to the stored one is left untouched, so that a restart
/// does not restart its connector twice.
pub async fn apply_definitions(store: &Store, definitions: &[Value], now: i64) -> Result<usize, ApplyError> {
    let sources: Vec<String> = store
        .source_statuses()
        .await?
        .into_iter()
        .map(|s| s.source.key)
        .collect();
    let mut changed = 0;
    for definition in definitions {
        let key = definition
            .get("key")
            .and_then(Value::as_str)
            .ok_or(ApplyError::MissingKey)?
            .to_owned();
        let fail = |error: DefinitionError| ApplyError::Definition {
            key: key.clone(),
            error,
        };
        check_key("key", &key).map_err(|e| fail(e.into()))?;
        let spec = ConnectorSpec::from_json(definition).map_err(fail)?;
        let kind: Kind = spec.validate(&key).map_err(|e| fail(e.into()))?;
        if !sources.contains(&spec.source) {
            return Err(ApplyError::UnknownSource {
                key,
                source_key: spec.source,
            });
        }
        let mut stored_definition = definition.clone();
        if let Some(object) = stored_definition.as_object_mut() {
            object.remove("key");
        }
        let existing = store.connector(&key).await?;
        let unchanged = existing
            .as_ref()
            .is_some_and(|e| e.definition == stored_definition && e.enabled == spec.enabled && e.origin == "config");
        if unchanged {
            continue;
        }
        store
            .upsert_connector(ConnectorRecord {
                key: key.clone(),
                kind: kind.as_str().to_owned(),
                source_key: spec.source.clone(),
                definition: stored_definition,
                enabled: spec.enabled,
                origin: "config".to_owned(),
                created_at: now,
                updated_at: now,
            })
            .await?;
        changed += 1;
    }
    Ok(changed)
}
