//! Administrative units with validity periods, and successions between them.
//!
//! Since 1 July 2025 the province → commune structure replaced province → district →
//! commune, and many commune codes were reused for different units. A unit is therefore
//! identified by its code together with a date. A succession maps an old unit to a new one
//! from an effective date, with the share of the old unit that went to the new one when a
//! unit was split.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Level of a unit in the hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UnitLevel {
    Province,
    District,
    Commune,
}

impl UnitLevel {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "province" => Some(Self::Province),
            "district" => Some(Self::District),
            "commune" => Some(Self::Commune),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Province => "province",
            Self::District => "district",
            Self::Commune => "commune",
        }
    }
}

/// One administrative unit over the period in which it existed under this code and name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminUnit {
    pub code: String,
    pub name: String,
    pub level: UnitLevel,
    /// Code of the parent unit in force over the same period.
    pub parent: Option<String>,
    /// Type as written in the catalogue: Tỉnh, Thành phố, Huyện, Thị xã, Xã, Phường,
    /// Thị trấn or Đặc khu (special zone).
    pub kind: String,
    /// First day in force; `None` when it predates the catalogue.
    pub valid_from: Option<NaiveDate>,
    /// Last day in force; `None` while still in force.
    pub valid_to: Option<NaiveDate>,
}

impl AdminUnit {
    pub fn in_force_on(&self, date: NaiveDate) -> bool {
        self.valid_from.is_none_or(|from| from <= date) && self.valid_to.is_none_or(|to| date <= to)
    }
}

/// One edge of the old → new mapping.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Succession {
    pub old_code: String,
    pub new_code: String,
    /// First day on which the new unit holds the old unit's territory.
    pub effective: NaiveDate,
    /// Share of the old unit carried to the new one (1 unless the old unit was split).
    pub share: f64,
    /// Whether figures can be carried without estimation. A split unit's share is an
    /// estimate, so figures carried through it are flagged.
    pub exact: bool,
}

/// Where a figure recorded for one unit lands on the units of a later date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Carried {
    pub code: String,
    pub share: f64,
    pub exact: bool,
}

/// Units and successions loaded for a deployment.
#[derive(Debug, Default, Clone)]
pub struct UnitCatalog {
    units: Vec<AdminUnit>,
    successors: HashMap<String, Vec<Succession>>,
}

impl UnitCatalog {
    pub fn new(units: Vec<AdminUnit>, successions: Vec<Succession>) -> Self {
        let mut successors: HashMap<String, Vec<Succession>> = HashMap::new();
        for succession in successions {
            successors
                .entry(succession.old_code.clone())
                .or_default()
                .push(succession);
        }
        Self { units, successors }
    }

    /// Returns the units in force on `date`, optionally only the children of `parent`.
    pub fn in_force(&self, date: NaiveDate, parent: Option<&str>) -> Vec<&AdminUnit> {
        self.units
            .iter()
            .filter(|u| u.in_force_on(date))
            .filter(|u| parent.is_none_or(|p| u.parent.as_deref() == Some(p)))
            .collect()
    }

    /// Whether `code` is `ancestor` or lies under it on `date`.
    pub fn is_within(&self, code: &str, ancestor: &str, date: NaiveDate) -> bool {
        let mut current = Some(code.to_owned());
        // Units nest at most three levels deep; the bound guards bad data.
        for _ in 0..4 {
            let Some(code) = current else { return false };
            if code == ancestor {
                return true;
            }
            current = self.find(&code, date).and_then(|u| u.parent.clone());
        }
        false
    }

    /// Returns whether any unit, current or former, has `code`.
    pub fn has_code(&self, code: &str) -> bool {
        self.units.iter().any(|u| u.code == code)
    }

    /// Returns the unit that the code named on `date`.
    pub fn find(&self, code: &str, date: NaiveDate) -> Option<&AdminUnit> {
        self.units.iter().find(|u| u.code == code && u.in_force_on(date))
    }

    /// Carries a unit that was in force on `recorded_on` onto the units in force on `as_of`,
    /// following successions forwards. Returns an empty list when the unit had no
    /// successor in force on `as_of` (a district abolished without one, say).
    pub fn carry(&self, code: &str, recorded_on: NaiveDate, as_of: NaiveDate) -> Vec<Carried> {
        let mut result = Vec::new();
        self.carry_into(code, recorded_on, as_of, 1.0, true, 0, &mut result);
        result
    }

    #[allow(clippy::too_many_arguments)]
    fn carry_into(
        &self,
        code: &str,
        on: NaiveDate,
        as_of: NaiveDate,
        share: f64,
        exact: bool,
        depth: u8,
        out: &mut Vec<Carried>,
    ) {
        if self.find(code, on).is_some_and(|unit| unit.in_force_on(as_of)) {
            out.push(Carried {
                code: code.to_owned(),
                share,
                exact,
            });
            return;
        }
        // Successions form a short chain per reorganisation; the bound guards bad data.
        if depth > 8 {
            return;
        }
        let Some(edges) = self.successors.get(code) else { return };
        for edge in edges.iter().filter(|e| e.effective > on && e.effective <= as_of) {
            self.carry_into(
                &edge.new_code,
                edge.effective,
                as_of,
                share * edge.share,
                exact && edge.exact,
                depth + 1,
                out,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_default()
    }

    fn unit(code: &str, name: &str, from: Option<&str>, to: Option<&str>) -> AdminUnit {
        AdminUnit {
            code: code.into(),
            name: name.into(),
            level: UnitLevel::Commune,
            parent: None,
            kind: "Phường".into(),
            valid_from: from.map(date),
            valid_to: to.map(date),
        }
    }

    fn catalog() -> UnitCatalog {
        let units = vec![
            unit("22918", "Phường Hàm Tiến", None, Some("2025-06-30")),
            unit("22915", "Phường Mũi Né", None, Some("2025-06-30")),
            unit("22978", "Xã Phong Phú", None, Some("2025-06-30")),
            unit("22918", "Phường Mũi Né", Some("2025-07-01"), None),
            unit("22972", "Xã Tuy Phong", Some("2025-07-01"), None),
            unit("22981", "Xã Liên Hương", Some("2025-07-01"), None),
        ];
        let edge = |old: &str, new: &str, share: f64, exact: bool| Succession {
            old_code: old.into(),
            new_code: new.into(),
            effective: date("2025-07-01"),
            share,
            exact,
        };
        let successions = vec![
            edge("22918", "22918", 1.0, true),
            edge("22915", "22918", 1.0, true),
            edge("22978", "22972", 0.5, false),
            edge("22978", "22981", 0.5, false),
        ];
        UnitCatalog::new(units, successions)
    }

    #[test]
    fn reused_code_names_different_units() {
        let catalog = catalog();
        let before = catalog.find("22918", date("2024-06-01")).map(|u| u.name.as_str());
        let after = catalog.find("22918", date("2026-01-01")).map(|u| u.name.as_str());
        assert_eq!(before, Some("Phường Hàm Tiến"));
        assert_eq!(after, Some("Phường Mũi Né"));
    }

    #[test]
    fn carry_merged_unit_is_exact() {
        let carried = catalog().carry("22918", date("2024-06-01"), date("2026-01-01"));
        assert_eq!(
            carried,
            vec![Carried {
                code: "22918".into(),
                share: 1.0,
                exact: true
            }]
        );
    }

    #[test]
    fn carry_split_unit_is_flagged() {
        let carried = catalog().carry("22978", date("2024-06-01"), date("2026-01-01"));
        assert_eq!(carried.len(), 2);
        assert!(carried.iter().all(|c| !c.exact && c.share == 0.5));
    }

    #[test]
    fn carry_to_same_period_is_identity() {
        let carried = catalog().carry("22915", date("2024-06-01"), date("2024-12-01"));
        assert_eq!(
            carried,
            vec![Carried {
                code: "22915".into(),
                share: 1.0,
                exact: true
            }]
        );
    }
}
