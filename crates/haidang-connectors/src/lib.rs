//! Connectors: the ways data reaches Hải Đăng besides the push API.
//!
//! Every kind has the same shape: a definition ([`definition::ConnectorSpec`]) validated
//! before start, a run loop `run(self, sink, shutdown)` that honours shutdown, and the
//! same status record and metrics, reported through a [`sink::Sink`]. The kinds are
//! [`mqtt`] (subscription to a broker), [`pull`] (scheduled HTTP fetches), [`ngsi`]
//! (NGSI-LD notifications and upserts, received by the server) and [`file`] (CSV and
//! spreadsheet uploads through a stored mapping). The [`supervisor`] runs the connectors
//! defined in the store and follows changes to them.

pub mod definition;
pub mod error;
pub mod file;
pub mod json_map;
pub mod mqtt;
pub mod ngsi;
pub mod pull;
pub mod shutdown;
pub mod sink;
pub mod supervisor;
pub mod template;
pub mod testing;
pub mod units;

pub use definition::{Connector, ConnectorSpec, Kind, redacted};
pub use error::{ConfigError, DefinitionError, Problem};
pub use shutdown::{Shutdown, ShutdownTrigger, shutdown_pair};
pub use sink::{Clock, Identity, Sink, State, system_clock};
pub use supervisor::{ApplyError, Supervisor, apply_definitions};
