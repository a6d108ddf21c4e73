//! Roles, actions and the permission matrix, decided in one place.
//!
//! A person holds one or more grants, each a role within an optional scope: an agency, an
//! administrative unit, or both. A province-wide unit grant covers the communes of that
//! province as in force on the day of the request. Agency systems act through API keys,
//! which carry one grant and may be limited to named sources.

use serde::{Deserialize, Serialize};

use crate::units::UnitCatalog;

/// Role of a person or system, as in the operating regulation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Quản trị hệ thống: users, roles, sources, connectors, rules.
    Admin,
    /// Điều hành viên IOC: watches live data, alerts and cases, dispatches.
    Operator,
    /// Lãnh đạo UBND tỉnh: read-only overview of every domain.
    Leader,
    /// Cán bộ sở, ngành: the agency's own sources, indicators and cases.
    AgencyOfficer,
    /// Cán bộ xã, phường: the same, limited to one commune.
    CommuneOfficer,
    /// Kiểm tra, giám sát: the audit trail and data-quality records, nothing else.
    Auditor,
    /// Hệ thống của đơn vị: an agency's system pushing data with an API key.
    AgencySystem,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Admin,
        Role::Operator,
        Role::Leader,
        Role::AgencyOfficer,
        Role::CommuneOfficer,
        Role::Auditor,
        Role::AgencySystem,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Operator => "operator",
            Self::Leader => "leader",
            Self::AgencyOfficer => "agency_officer",
            Self::CommuneOfficer => "commune_officer",
            Self::Auditor => "auditor",
            Self::AgencySystem => "agency_system",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }

    /// Whether a person with this role must confirm a second factor at login.
    pub fn requires_two_factor(self) -> bool {
        matches!(self, Self::Admin | Self::Auditor)
    }

    /// Whether the role may see personal data unmasked (for the duties that need it).
    pub fn sees_personal_data(self) -> bool {
        matches!(self, Self::Admin | Self::Operator)
    }
}

/// A role held within a scope. No agency and no unit means province-wide.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Grant {
    pub role: Role,
    pub agency: Option<String>,
    pub unit: Option<String>,
}

impl Grant {
    pub fn describe_scope(&self) -> Option<String> {
        match (&self.agency, &self.unit) {
            (None, None) => None,
            (Some(agency), None) => Some(format!("agency:{agency}")),
            (None, Some(unit)) => Some(format!("unit:{unit}")),
            (Some(agency), Some(unit)) => Some(format!("agency:{agency},unit:{unit}")),
        }
    }
}

/// Everything a request can do, one entry per row of the permission matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Health, readiness, metrics and the API description.
    ReadSystemStatus,
    /// Open data: series, observations, sources, entities, units, map layers.
    ReadOpenData,
    /// Start a session with a password.
    LogIn,
    /// Confirm a second factor, log out, read one's own account, change one's password.
    UseOwnAccount,
    /// Push observations into the sources in scope.
    PushObservations,
    /// Define series of the sources in scope.
    DefineSeries,
    /// Read batches and rejected rows of the sources in scope.
    ReadBatches,
    /// Manage users and their grants.
    ManageUsers,
    /// Create, rotate and revoke API keys.
    ManageApiKeys,
    /// Define and control connectors.
    ManageConnectors,
    /// Read the audit trail.
    ReadAudit,
    /// Export the audit trail.
    ExportAudit,
    /// File a citizen report, follow it with its token, rate or dispute the answer.
    SubmitReport,
    /// Read citizen reports in scope, with personal data masked.
    ReadCases,
    /// Work on citizen reports assigned within scope: start, ask for more time, answer.
    HandleCases,
    /// Take reports by phone, accept, reject, assign, merge, decide extensions, publish, close.
    DispatchCases,
    /// Read a reporter's name and contact unmasked; every read is audited.
    ReadPersonalData,
}

impl Action {
    pub const ALL: [Action; 17] = [
        Action::ReadSystemStatus,
        Action::ReadOpenData,
        Action::LogIn,
        Action::UseOwnAccount,
        Action::PushObservations,
        Action::DefineSeries,
        Action::ReadBatches,
        Action::ManageUsers,
        Action::ManageApiKeys,
        Action::ManageConnectors,
        Action::ReadAudit,
        Action::ExportAudit,
        Action::SubmitReport,
        Action::ReadCases,
        Action::HandleCases,
        Action::DispatchCases,
        Action::ReadPersonalData,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ReadSystemStatus => "read_system_status",
            Self::ReadOpenData => "read_open_data",
            Self::LogIn => "log_in",
            Self::UseOwnAccount => "use_own_account",
            Self::PushObservations => "push_observations",
            Self::DefineSeries => "define_series",
            Self::ReadBatches => "read_batches",
            Self::ManageUsers => "manage_users",
            Self::ManageApiKeys => "manage_api_keys",
            Self::ManageConnectors => "manage_connectors",
            Self::ReadAudit => "read_audit",
            Self::ExportAudit => "export_audit",
            Self::SubmitReport => "submit_report",
            Self::ReadCases => "read_cases",
            Self::HandleCases => "handle_cases",
            Self::DispatchCases => "dispatch_cases",
            Self::ReadPersonalData => "read_personal_data",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == text)
    }

    /// Whether an anonymous caller may do it.
    pub fn is_public(self) -> bool {
        matches!(
            self,
            Self::ReadSystemStatus | Self::ReadOpenData | Self::LogIn | Self::SubmitReport
        )
    }

    /// Returns the roles that may do it. This table is the permission matrix; the written
    /// matrix in `docs/permissions.md` states the same.
    pub fn roles(self) -> &'static [Role] {
        use Role::*;
        match self {
            Self::ReadSystemStatus | Self::ReadOpenData | Self::SubmitReport => &[
                Admin,
                Operator,
                Leader,
                AgencyOfficer,
                CommuneOfficer,
                Auditor,
                AgencySystem,
            ],
            Self::LogIn | Self::UseOwnAccount => &[Admin, Operator, Leader, AgencyOfficer, CommuneOfficer, Auditor],
            Self::PushObservations => &[Admin, AgencySystem, AgencyOfficer],
            Self::DefineSeries => &[Admin, AgencySystem, AgencyOfficer],
            Self::ReadBatches => &[Admin, Operator, AgencyOfficer, AgencySystem],
            Self::ManageUsers | Self::ManageApiKeys | Self::ManageConnectors => &[Admin],
            Self::ReadAudit | Self::ExportAudit => &[Auditor],
            Self::ReadCases => &[Admin, Operator, Leader, AgencyOfficer, CommuneOfficer],
            Self::HandleCases => &[Admin, Operator, AgencyOfficer, CommuneOfficer],
            Self::DispatchCases => &[Admin, Operator],
            Self::ReadPersonalData => &[Admin, Operator],
        }
    }
}

/// The scope of a record: the agency that owns it and the unit it is about.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordScope {
    pub agency: Option<String>,
    pub unit: Option<String>,
}

/// Returns the grants of `grants` that allow `action`.
pub fn grants_for(grants: &[Grant], action: Action) -> impl Iterator<Item = &Grant> {
    grants.iter().filter(move |g| action.roles().contains(&g.role))
}

/// Whether `grant` covers a record: its agency (when the grant names one) owns the record,
/// and its unit (when the grant names one) is or contains the record's unit on `date`.
/// A record without an agency or unit is covered only by grants without that limit.
pub fn covers(grant: &Grant, record: &RecordScope, catalog: &UnitCatalog, date: chrono::NaiveDate) -> bool {
    let agency_ok = match &grant.agency {
        None => true,
        Some(agency) => record.agency.as_deref() == Some(agency.as_str()),
    };
    let unit_ok = match &grant.unit {
        None => true,
        Some(unit) => record.unit.as_deref().is_some_and(|u| catalog.is_within(u, unit, date)),
    };
    agency_ok && unit_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::{AdminUnit, UnitLevel};

    fn date(text: &str) -> chrono::NaiveDate {
        chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_default()
    }

    fn catalog() -> UnitCatalog {
        let unit = |code: &str, level, parent: Option<&str>| AdminUnit {
            code: code.into(),
            name: code.into(),
            level,
            parent: parent.map(Into::into),
            kind: String::new(),
            valid_from: Some(date("2025-07-01")),
            valid_to: None,
        };
        UnitCatalog::new(
            vec![
                unit("68", UnitLevel::Province, None),
                unit("22918", UnitLevel::Commune, Some("68")),
            ],
            Vec::new(),
        )
    }

    #[test]
    fn auditor_alone_reads_audit() {
        assert_eq!(Action::ReadAudit.roles(), &[Role::Auditor]);
        assert!(!Action::ManageUsers.roles().contains(&Role::Auditor));
    }

    #[test]
    fn province_grant_covers_its_communes() {
        let grant = Grant {
            role: Role::Operator,
            agency: None,
            unit: Some("68".into()),
        };
        let record = RecordScope {
            agency: None,
            unit: Some("22918".into()),
        };
        assert!(covers(&grant, &record, &catalog(), date("2026-01-01")));
    }

    #[test]
    fn commune_grant_does_not_cover_another_commune() {
        let grant = Grant {
            role: Role::CommuneOfficer,
            agency: None,
            unit: Some("22918".into()),
        };
        let other = RecordScope {
            agency: None,
            unit: Some("22924".into()),
        };
        assert!(!covers(&grant, &other, &catalog(), date("2026-01-01")));
        let unknown = RecordScope::default();
        assert!(!covers(&grant, &unknown, &catalog(), date("2026-01-01")));
    }

    #[test]
    fn agency_grant_needs_same_agency() {
        let grant = Grant {
            role: Role::AgencyOfficer,
            agency: Some("so-nnmt".into()),
            unit: None,
        };
        let own = RecordScope {
            agency: Some("so-nnmt".into()),
            unit: None,
        };
        let other = RecordScope {
            agency: Some("tt-hcc".into()),
            unit: None,
        };
        assert!(covers(&grant, &own, &catalog(), date("2026-01-01")));
        assert!(!covers(&grant, &other, &catalog(), date("2026-01-01")));
    }
}
