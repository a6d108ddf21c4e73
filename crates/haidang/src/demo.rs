//! The demo: the reference units of Lâm Đồng (former Bình Thuận area), real public data
//! imported through their mappings, and simulated provincial streams, all described in
//! `data/demo/demo.toml`.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::Context;
use haidang_ingest::catalog::CatalogFile;
use haidang_ingest::mapping::Mapping;
use haidang_ingest::pipeline::{BatchOptions, Ingestor};
use haidang_ingest::reference::{read_boundaries, read_successions, read_units};
use haidang_ingest::simulator::{self, StreamConfig, UnitCountsConfig};
use haidang_ingest::storms::read_storms;
use haidang_server::{Clock, SystemClock};
use haidang_store::Store;
use serde::Deserialize;

use crate::commands::{import_file, open_migrated, serve};
use crate::config::Config;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoFile {
    deployment: String,
    attributions: Vec<String>,
    /// Catalog file of agencies, sources, entities and series, relative to the demo folder.
    catalog: PathBuf,
    /// Boundary files, relative to the reference folder, in order of precedence.
    boundaries: Vec<PathBuf>,
    #[serde(default)]
    imports: Vec<ImportEntry>,
    #[serde(default)]
    storms: Vec<StormEntry>,
    #[serde(default)]
    streams: Vec<StreamConfig>,
    #[serde(default)]
    unit_counts: Vec<UnitCountsConfig>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ImportEntry {
    file: PathBuf,
    mapping: PathBuf,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StormEntry {
    file: PathBuf,
    source: String,
}

/// How often the simulators add values while the demo runs.
const SIMULATOR_TICK: std::time::Duration = std::time::Duration::from_secs(60);

pub async fn run(mut config: Config, data_dir: &Path, load_only: bool) -> anyhow::Result<()> {
    let demo_dir = data_dir.join("demo");
    let demo_path = demo_dir.join("demo.toml");
    let text =
        std::fs::read_to_string(&demo_path).with_context(|| format!("could not read {}", demo_path.display()))?;
    let demo: DemoFile = toml::from_str(&text).with_context(|| format!("invalid demo file {}", demo_path.display()))?;

    let store = open_migrated(&config).await?;
    load_reference(&store, &data_dir.join("reference"), &demo.boundaries).await?;
    load_demo_data(&store, &demo, &demo_dir).await?;
    crate::demo_cases::load(&store, &data_dir.join("reference"), &demo_dir, SystemClock.now_ms()).await?;

    let clock = || SystemClock.now_ms();
    if load_only {
        let streams = demo.streams.clone();
        simulator::run(
            store.clone(),
            streams,
            haidang_core::time::LOCAL_ZONE,
            clock,
            SIMULATOR_TICK,
            std::future::ready(()),
        )
        .await?;
        tracing::info!("demo data loaded");
        return Ok(());
    }
    let simulation = tokio::spawn(simulator::run(
        store.clone(),
        demo.streams.clone(),
        haidang_core::time::LOCAL_ZONE,
        clock,
        SIMULATOR_TICK,
        std::future::pending(),
    ));
    config.deployment = demo.deployment.clone();
    let served = serve(config, demo.attributions.clone(), Some(store)).await;
    simulation.abort();
    served
}

/// Loads units, successions, the working-day calendar (when `calendar.csv` exists) and
/// boundaries from `dir`. `boundaries` lists boundary files
/// relative to `dir`; when empty, every `boundaries/*.geojson` is loaded. A boundary id
/// seen in an earlier file wins.
pub async fn load_reference(store: &Store, dir: &Path, boundaries: &[PathBuf]) -> anyhow::Result<()> {
    let open = |name: &str| {
        let path = dir.join(name);
        std::fs::File::open(&path).with_context(|| format!("could not open {}", path.display()))
    };
    let units = read_units(open("units.csv")?)?;
    let successions = read_successions(open("successions.csv")?)?;
    let (unit_count, succession_count) = (units.len(), successions.len());
    store.replace_units(units, successions).await?;

    // Public holidays and compensatory working days, which case deadlines count with.
    let calendar_path = dir.join("calendar.csv");
    if calendar_path.exists() {
        let text = std::fs::read_to_string(&calendar_path)
            .with_context(|| format!("could not read {}", calendar_path.display()))?;
        let calendar = haidang_core::calendar::WorkCalendar::parse_csv(&text)
            .with_context(|| format!("invalid {}", calendar_path.display()))?;
        store.replace_work_calendar(calendar.days().cloned().collect()).await?;
    }

    let files: Vec<PathBuf> = if boundaries.is_empty() {
        let mut found: Vec<PathBuf> = std::fs::read_dir(dir.join("boundaries"))
            .with_context(|| format!("could not list {}", dir.join("boundaries").display()))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| path.extension().is_some_and(|e| e == "geojson"))
            .collect();
        found.sort();
        found
    } else {
        boundaries.iter().map(|b| dir.join(b)).collect()
    };
    let mut seen = HashSet::new();
    let mut polygons = Vec::new();
    for file in files {
        for boundary in read_boundaries(&file)? {
            if seen.insert(boundary.id.clone()) {
                polygons.push(boundary);
            }
        }
    }
    let boundary_count = polygons.len();
    store.replace_boundaries(polygons).await?;
    tracing::info!(
        units = unit_count,
        successions = succession_count,
        boundaries = boundary_count,
        "reference data loaded"
    );
    Ok(())
}

async fn load_demo_data(store: &Store, demo: &DemoFile, demo_dir: &Path) -> anyhow::Result<()> {
    let now = || SystemClock.now_ms();
    let catalog_path = demo_dir.join(&demo.catalog);
    let text =
        std::fs::read_to_string(&catalog_path).with_context(|| format!("could not read {}", catalog_path.display()))?;
    CatalogFile::from_toml(&text)
        .with_context(|| format!("invalid catalog {}", catalog_path.display()))?
        .apply(store, now())
        .await?;

    for entry in &demo.imports {
        let mapping_path = demo_dir.join(&entry.mapping);
        let text = std::fs::read_to_string(&mapping_path)
            .with_context(|| format!("could not read {}", mapping_path.display()))?;
        let mapping =
            Mapping::from_toml(&text).with_context(|| format!("invalid mapping {}", mapping_path.display()))?;
        import_file(store, Some(&mapping), None, &demo_dir.join(&entry.file)).await?;
    }

    for entry in &demo.storms {
        let path = demo_dir.join(&entry.file);
        let file = std::fs::File::open(&path).with_context(|| format!("could not open {}", path.display()))?;
        let storms = read_storms(file, Some(&entry.source))?;
        tracing::info!(storms = storms.len(), "storm tracks loaded");
        store.replace_storms(storms).await?;
    }

    let catalog = store.unit_catalog().await?;
    for counts in &demo.unit_counts {
        let (definitions, rows) = simulator::unit_counts(counts, &catalog, now(), haidang_core::time::LOCAL_ZONE);
        for definition in definitions {
            store.upsert_series(definition, now()).await?;
        }
        let options = BatchOptions {
            source_key: Some(counts.source.clone()),
            format: "simulator".to_owned(),
            file_name: None,
            api_key_id: None,
            zone: haidang_core::time::LOCAL_ZONE,
            time_format: None,
        };
        let mut ingestor = Ingestor::begin(store, options, now()).await?;
        ingestor.push_all(rows.into_iter().map(Ok), &now).await?;
        let summary = ingestor.finish(now()).await?;
        tracing::info!(indicator = %counts.indicator, accepted = summary.counts.accepted,
            duplicates = summary.counts.duplicates, "simulated unit counts stored");
    }
    Ok(())
}
