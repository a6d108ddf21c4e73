//! The `haidang` command: serve the IOC, run the demo, migrate, import files, manage keys.

mod admin;
mod commands;
mod config;
mod demo;
mod demo_cases;
mod telemetry;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "haidang",
    version,
    about = "Hải Đăng — Trung tâm Giám sát, điều hành đô thị thông minh (IOC)"
)]
struct Cli {
    /// TOML configuration file.
    #[arg(long, global = true, env = "HAIDANG_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct Database {
    /// Database URL: sqlite://PATH (default ./data/haidang.db) or postgres://USER@HOST/DB.
    #[arg(long, env = "HAIDANG_DATABASE_URL")]
    database_url: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API and the web app.
    Serve {
        /// Address and port to listen on (default 127.0.0.1:8080).
        #[arg(long, env = "HAIDANG_LISTEN")]
        listen: Option<String>,
        #[command(flatten)]
        database: Database,
    },
    /// Load the reference units and the demo data, start the simulators, and serve.
    Demo {
        #[arg(long, env = "HAIDANG_LISTEN")]
        listen: Option<String>,
        #[command(flatten)]
        database: Database,
        /// Folder holding reference/ and demo/.
        #[arg(long, default_value = "data")]
        data_dir: PathBuf,
        /// Load the data and exit without serving.
        #[arg(long)]
        load_only: bool,
    },
    /// Apply the database migrations.
    Migrate {
        #[command(flatten)]
        database: Database,
    },
    /// Import observation files: canonical CSV, or any CSV through a mapping.
    Import {
        #[command(flatten)]
        database: Database,
        /// TOML mapping of the files' columns; without it the files must be canonical CSV.
        #[arg(long)]
        mapping: Option<PathBuf>,
        /// Data source the files come from (overrides the mapping's).
        #[arg(long)]
        source: Option<String>,
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Load administrative units, successions and boundaries from a reference folder.
    Reference {
        #[command(flatten)]
        database: Database,
        /// Folder with units.csv, successions.csv and boundaries/*.geojson.
        #[arg(long, default_value = "data/reference")]
        dir: PathBuf,
    },
    /// Manage API keys for agency systems and administrators.
    ApiKey {
        #[command(subcommand)]
        action: ApiKeyAction,
    },
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Work with the audit trail.
    Audit {
        #[command(subcommand)]
        action: AuditAction,
    },
}

#[derive(Subcommand)]
enum UserAction {
    /// Create a user; the password is read from the first line of standard input.
    Create {
        #[arg(long)]
        username: String,
        #[arg(long)]
        display_name: String,
        /// admin, operator, leader, agency_officer, commune_officer or auditor.
        #[arg(long)]
        role: String,
        /// Agency of the grant (for an agency officer).
        #[arg(long)]
        agency: Option<String>,
        /// Administrative unit of the grant (a commune for a commune officer).
        #[arg(long)]
        unit: Option<String>,
        #[command(flatten)]
        database: Database,
    },
}

#[derive(Subcommand)]
enum AuditAction {
    /// Check the hash chain; exits non-zero naming the first edited, deleted or reordered record.
    Verify {
        /// Archive files written by `audit archive`, oldest first, to check with the database.
        #[arg(long = "archive")]
        archives: Vec<PathBuf>,
        #[command(flatten)]
        database: Database,
    },
    /// Move records older than a date into a JSON-lines file, keeping the chain verifiable.
    Archive {
        /// Archive the records before local midnight of this date (YYYY-MM-DD).
        #[arg(long)]
        before: chrono::NaiveDate,
        /// The archive file to create; it must not exist.
        #[arg(long)]
        out: PathBuf,
        /// Records younger than this many days are never archived.
        #[arg(long, default_value_t = 365)]
        retention_days: i64,
        #[command(flatten)]
        database: Database,
    },
}

#[derive(Subcommand)]
enum ApiKeyAction {
    /// Create a key and print it once on standard output.
    Create {
        #[arg(long)]
        name: String,
        /// admin or agency.
        #[arg(long)]
        role: String,
        /// Agency whose system uses the key (required for the agency role).
        #[arg(long)]
        agency: Option<String>,
        /// Source the key may write to; repeat for several. All of the agency's sources when absent.
        #[arg(long = "source")]
        sources: Vec<String>,
        /// Days until the key stops working; no expiry when absent.
        #[arg(long)]
        expires_in_days: Option<i64>,
        /// Action the key is limited to (push_observations, define_series, read_batches);
        /// repeat for several. Every action of its role when absent.
        #[arg(long = "action")]
        actions: Vec<String>,
        #[command(flatten)]
        database: Database,
    },
    /// Revoke the key with this name.
    Revoke {
        #[arg(long)]
        name: String,
        #[command(flatten)]
        database: Database,
    },
    /// List keys (never their secrets).
    List {
        #[command(flatten)]
        database: Database,
    },
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let file = cli.config.as_deref();
    match cli.command {
        Command::Serve { listen, database } => {
            let config = config::Config::load(file, listen, database.database_url)?;
            telemetry::init(config.log_json);
            commands::serve(config, Vec::new(), None).await
        }
        Command::Demo {
            listen,
            database,
            data_dir,
            load_only,
        } => {
            let config = config::Config::load(file, listen, database.database_url)?;
            telemetry::init(config.log_json);
            demo::run(config, &data_dir, load_only).await
        }
        Command::Migrate { database } => {
            let config = config::Config::load(file, None, database.database_url)?;
            telemetry::init(config.log_json);
            commands::migrate(&config).await
        }
        Command::Import {
            database,
            mapping,
            source,
            files,
        } => {
            let config = config::Config::load(file, None, database.database_url)?;
            telemetry::init(config.log_json);
            commands::import(&config, mapping.as_deref(), source, &files).await
        }
        Command::Reference { database, dir } => {
            let config = config::Config::load(file, None, database.database_url)?;
            telemetry::init(config.log_json);
            let store = commands::open_migrated(&config).await?;
            demo::load_reference(&store, &dir, &[]).await
        }
        Command::ApiKey { action } => {
            let (database, action) = match action {
                ApiKeyAction::Create {
                    name,
                    role,
                    agency,
                    sources,
                    expires_in_days,
                    actions,
                    database,
                } => {
                    let sources = (!sources.is_empty()).then_some(sources);
                    let actions = (!actions.is_empty()).then_some(actions);
                    (
                        database,
                        commands::KeyAction::Create {
                            name,
                            role,
                            agency,
                            sources,
                            expires_in_days,
                            actions,
                        },
                    )
                }
                ApiKeyAction::Revoke { name, database } => (database, commands::KeyAction::Revoke { name }),
                ApiKeyAction::List { database } => (database, commands::KeyAction::List),
            };
            let config = config::Config::load(file, None, database.database_url)?;
            telemetry::init(config.log_json);
            commands::api_key(&config, action).await
        }
        Command::User {
            action:
                UserAction::Create {
                    username,
                    display_name,
                    role,
                    agency,
                    unit,
                    database,
                },
        } => {
            let config = config::Config::load(file, None, database.database_url)?;
            telemetry::init(config.log_json);
            admin::create_user(
                &config,
                &username,
                &display_name,
                admin::GrantArgs { role, agency, unit },
            )
            .await
        }
        Command::Audit {
            action: AuditAction::Verify { archives, database },
        } => {
            let config = config::Config::load(file, None, database.database_url)?;
            telemetry::init(config.log_json);
            admin::verify_audit(&config, &archives).await
        }
        Command::Audit {
            action:
                AuditAction::Archive {
                    before,
                    out,
                    retention_days,
                    database,
                },
        } => {
            let config = config::Config::load(file, None, database.database_url)?;
            telemetry::init(config.log_json);
            admin::archive_audit(&config, before, &out, retention_days).await
        }
    }
}
