//! Configuration: a TOML file, then `HAIDANG_*` environment variables, then command-line
//! flags, each overriding the one before.

use std::net::SocketAddr;
use std::path::Path;

use anyhow::Context;
use serde::Deserialize;

/// Settings read from the configuration file. Every field is optional there.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub listen: Option<String>,
    pub database_url: Option<String>,
    /// `json` (production) or `text`.
    pub log_format: Option<String>,
    pub deployment: Option<String>,
    /// Connector definitions (`[[connectors]]`), applied to the store at start.
    #[serde(default)]
    pub connectors: Vec<toml::Table>,
}

/// Resolved settings.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub database_url: String,
    pub log_json: bool,
    pub deployment: String,
    /// Connector definitions from the configuration file, as JSON.
    pub connectors: Vec<serde_json::Value>,
}

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
pub const DEFAULT_DATABASE_URL: &str = "sqlite://./data/haidang.db";

impl Config {
    /// Resolves the settings. `flag_*` values come from the command line, which also
    /// reads `HAIDANG_LISTEN` and `HAIDANG_DATABASE_URL`.
    pub fn load(
        file: Option<&Path>,
        flag_listen: Option<String>,
        flag_database_url: Option<String>,
    ) -> anyhow::Result<Self> {
        let from_file = match file {
            Some(path) => {
                let text =
                    std::fs::read_to_string(path).with_context(|| format!("could not read {}", path.display()))?;
                toml::from_str::<FileConfig>(&text)
                    .with_context(|| format!("invalid configuration in {}", path.display()))?
            }
            None => FileConfig::default(),
        };
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let listen_text = flag_listen
            .or(from_file.listen)
            .unwrap_or_else(|| DEFAULT_LISTEN.to_owned());
        let listen = listen_text.parse().with_context(|| {
            format!("invalid listen address {listen_text:?}: use ADDR:PORT, such as 127.0.0.1:8080")
        })?;
        let log_format = env("HAIDANG_LOG_FORMAT")
            .or(from_file.log_format)
            .unwrap_or_else(|| "text".to_owned());
        let log_json = match log_format.as_str() {
            "json" => true,
            "text" => false,
            other => anyhow::bail!("invalid log_format {other:?}: use json or text"),
        };
        Ok(Self {
            listen,
            database_url: flag_database_url
                .or(from_file.database_url)
                .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned()),
            log_json,
            deployment: env("HAIDANG_DEPLOYMENT")
                .or(from_file.deployment)
                .unwrap_or_else(|| "Hải Đăng".to_owned()),
            connectors: from_file
                .connectors
                .iter()
                .map(serde_json::to_value)
                .collect::<Result<_, _>>()
                .context("invalid [[connectors]] in the configuration file")?,
        })
    }
}
