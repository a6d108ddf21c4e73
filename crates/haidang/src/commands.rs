//! The commands other than the demo.

use std::path::{Path, PathBuf};

use anyhow::Context;
use haidang_connectors::{Supervisor, apply_definitions, file, shutdown_pair, system_clock};
use haidang_ingest::canonical::csv_rows;
use haidang_ingest::decode::TextEncoding;
use haidang_ingest::mapping::{Mapping, TemplateFactory, read_headers};
use haidang_ingest::pipeline::{BatchOptions, BatchSummary, Ingestor};
use haidang_server::auth::{ROLES, generate_key, hash_key};
use haidang_server::state::About;
use haidang_server::{AppState, Clock, SystemClock};
use haidang_store::{ApiKeyRecord, Store};

use crate::config::Config;

/// Opens the store and applies pending migrations.
pub async fn open_migrated(config: &Config) -> anyhow::Result<Store> {
    let store = Store::open(&config.database_url)
        .await
        .with_context(|| format!("could not open the database {}", redact(&config.database_url)))?;
    let applied = store.migrate().await.context("could not apply the migrations")?;
    tracing::info!(backend = store.backend(), applied, "database ready");
    Ok(store)
}

pub async fn migrate(config: &Config) -> anyhow::Result<()> {
    open_migrated(config).await.map(|_| ())
}

/// Serves until Ctrl-C or SIGTERM, beside any background `tasks`, which stop with it.
pub async fn serve(config: Config, attributions: Vec<String>, store: Option<Store>) -> anyhow::Result<()> {
    let store = match store {
        Some(store) => store,
        None => open_migrated(&config).await?,
    };
    let clock = system_clock();
    let changed = apply_definitions(&store, &config.connectors, clock())
        .await
        .context("invalid connector in the configuration file")?;
    tracing::info!(
        defined = config.connectors.len(),
        changed,
        "connectors from the configuration file"
    );
    let connector_store = store.clone();
    let state = AppState::new(
        store,
        About {
            deployment: config.deployment.clone(),
            attributions,
        },
    );
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("could not listen on {}", config.listen))?;
    let address = listener.local_addr()?;
    tracing::info!(%address, "serving");
    let (trigger, stop) = shutdown_pair();
    let supervisor = tokio::spawn(Supervisor::new(connector_store, clock).run(stop));
    let served = axum::serve(
        listener,
        haidang_server::router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        trigger.trigger();
    })
    .await;
    // The trigger is dropped with the server's future, which stops the connectors too.
    if let Err(error) = supervisor.await {
        tracing::warn!(%error, "the connectors stopped with an error");
    }
    served.context("the server stopped with an error")?;
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::warn!(%error, "could not listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "could not listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => tracing::info!("Ctrl-C received, stopping"),
        () = terminate => tracing::info!("SIGTERM received, stopping"),
    }
}

pub async fn import(
    config: &Config,
    mapping: Option<&Path>,
    source: Option<String>,
    files: &[PathBuf],
) -> anyhow::Result<()> {
    let store = open_migrated(config).await?;
    let mapping = match mapping {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("could not read {}", path.display()))?;
            Some(file::mapping_from_toml(&text).with_context(|| format!("invalid mapping {}", path.display()))?)
        }
        None => None,
    };
    for path in files {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        match file::FileKind::detect(name.as_deref(), None) {
            Some(kind @ (file::FileKind::Xlsx | file::FileKind::Ods)) => {
                let Some((mapping, sheet)) = &mapping else {
                    anyhow::bail!("{}: a spreadsheet needs --mapping", path.display());
                };
                for summary in import_sheets(&store, kind, mapping, sheet, source.clone(), path).await? {
                    println!("{}", serde_json::to_string(&summary)?);
                }
            }
            _ => {
                let summary = import_file(&store, mapping.as_ref().map(|m| &m.0), source.clone(), path).await?;
                println!("{}", serde_json::to_string(&summary)?);
            }
        }
    }
    Ok(())
}

/// Imports the sheets of an XLSX or ODS workbook through `mapping`, one batch per sheet.
async fn import_sheets(
    store: &Store,
    kind: file::FileKind,
    mapping: &Mapping,
    sheet: &file::SheetOptions,
    source: Option<String>,
    path: &Path,
) -> anyhow::Result<Vec<file::SheetSummary>> {
    let bytes = std::fs::read(path).with_context(|| format!("could not read {}", path.display()))?;
    let clock = SystemClock;
    let now = move || clock.now_ms();
    let options = BatchOptions {
        source_key: source.or_else(|| mapping.source.clone()),
        format: kind.as_str().to_owned(),
        file_name: path.file_name().map(|n| n.to_string_lossy().into_owned()),
        api_key_id: None,
        zone: mapping.zone()?,
        time_format: mapping.time.format.clone(),
    };
    let summaries = file::import(store, kind, &bytes, mapping, sheet, options, None, &now)
        .await
        .with_context(|| format!("could not import {}", path.display()))?;
    for summary in &summaries {
        tracing::info!(file = %path.display(), sheet = ?summary.sheet, batch = %summary.summary.batch_id,
            accepted = summary.summary.counts.accepted, rejected = summary.summary.counts.rejected, "sheet imported");
    }
    Ok(summaries)
}

/// Imports one file through `mapping`, or as canonical CSV without one.
pub async fn import_file(
    store: &Store,
    mapping: Option<&Mapping>,
    source: Option<String>,
    file: &Path,
) -> anyhow::Result<BatchSummary> {
    let clock = SystemClock;
    let now = move || clock.now_ms();
    let open = || std::fs::File::open(file).with_context(|| format!("could not open {}", file.display()));
    let options = BatchOptions {
        source_key: source.or_else(|| mapping.and_then(|m| m.source.clone())),
        format: if mapping.is_some() { "mapped-csv" } else { "csv" }.to_owned(),
        file_name: file.file_name().map(|n| n.to_string_lossy().into_owned()),
        api_key_id: None,
        zone: match mapping {
            Some(m) => m.zone()?,
            None => haidang_core::time::LOCAL_ZONE,
        },
        time_format: mapping.and_then(|m| m.time.format.clone()),
    };
    let reader = std::io::BufReader::with_capacity(1 << 20, open()?);
    let summary = match mapping {
        Some(mapping) => {
            let headers = read_headers(open()?, mapping)?;
            let factory = TemplateFactory::for_mapping(mapping, headers);
            let rows = mapping
                .rows(reader)
                .with_context(|| format!("could not read {}", file.display()))?;
            let mut ingestor = Ingestor::begin(store, options, now()).await?;
            if let Some(factory) = &factory {
                ingestor = ingestor.with_series_factory(factory);
            }
            ingestor.push_all(rows, &now).await?;
            ingestor.finish(now()).await?
        }
        None => {
            let rows =
                csv_rows(reader, TextEncoding::Auto).with_context(|| format!("could not read {}", file.display()))?;
            let mut ingestor = Ingestor::begin(store, options, now()).await?;
            ingestor.push_all(rows, &now).await?;
            ingestor.finish(now()).await?
        }
    };
    tracing::info!(file = %file.display(), batch = %summary.batch_id, accepted = summary.counts.accepted,
        duplicates = summary.counts.duplicates, conflicts = summary.counts.conflicts,
        rejected = summary.counts.rejected, "file imported");
    Ok(summary)
}

pub enum KeyAction {
    Create {
        name: String,
        role: String,
        agency: Option<String>,
        sources: Option<Vec<String>>,
        expires_in_days: Option<i64>,
        actions: Option<Vec<String>>,
    },
    Revoke {
        name: String,
    },
    List,
}

pub async fn api_key(config: &Config, action: KeyAction) -> anyhow::Result<()> {
    let store = open_migrated(config).await?;
    let now = SystemClock.now_ms();
    match action {
        KeyAction::Create {
            name,
            role,
            agency,
            sources,
            expires_in_days,
            actions,
        } => {
            if !ROLES.contains(&role.as_str()) {
                anyhow::bail!("invalid role {role:?}: use one of {}", ROLES.join(", "));
            }
            if role == "agency" && agency.is_none() {
                anyhow::bail!("an agency key needs --agency KEY: the agency whose system uses it");
            }
            let key = generate_key();
            if let Some(unknown) = actions
                .iter()
                .flatten()
                .find(|a| haidang_core::access::Action::parse(a).is_none())
            {
                anyhow::bail!("invalid action {unknown:?}: use push_observations, define_series or read_batches");
            }
            let record = ApiKeyRecord {
                actions,
                agency_key: agency,
                sources,
                expires_at: expires_in_days.map(|days| now + days * 86_400_000),
                id: uuid::Uuid::now_v7().to_string(),
                name: name.clone(),
                role,
                created_at: now,
                revoked_at: None,
                last_used_at: None,
            };
            let event = crate::admin::cli_event(
                "api_key.create",
                Some(format!("api_key:{name}")),
                serde_json::json!({ "role": record.role, "agency": record.agency_key }),
            );
            store
                .create_api_key_audited(record, hash_key(&key), event)
                .await
                .with_context(|| format!("could not create the key {name:?}: is the name already used?"))?;
            println!("{key}");
        }
        KeyAction::Revoke { name } => {
            let event =
                crate::admin::cli_event("api_key.revoke", Some(format!("api_key:{name}")), serde_json::json!({}));
            if !store.revoke_api_key_audited(&name, now, event).await? {
                anyhow::bail!("no active key named {name:?}");
            }
            eprintln!("revoked {name}");
        }
        KeyAction::List => {
            for key in store.api_keys().await? {
                println!("{}", serde_json::to_string(&key)?);
            }
        }
    }
    Ok(())
}

/// Hides the password of a database URL in messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}
