//! Personal data (*dữ liệu cá nhân*, Law 91/2025/QH15): which fields hold it, and how they are
//! masked for roles without the need to see them.
//!
//! A record type lists its personal fields with [`PersonalField`]. Handlers show them
//! unmasked only to roles for which [`crate::access::Role::sees_personal_data`] holds, and
//! audit every unmasked read and every export with its purpose.

use serde::{Deserialize, Serialize};

/// Kinds of personal data that the IOC stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonalField {
    /// Name of a person who reported something.
    ReporterName,
    Phone,
    Email,
    /// Citizen identity number (*số định danh cá nhân*, CCCD).
    NationalId,
    LicencePlate,
    /// A street address precise enough to find a home.
    ExactAddress,
}

/// Returns `value` masked according to `field`: enough remains to tell two values apart in
/// a list, not enough to identify the person.
pub fn mask(field: PersonalField, value: &str) -> String {
    let chars: Vec<char> = value.trim().chars().collect();
    if chars.is_empty() {
        return String::new();
    }
    match field {
        PersonalField::ReporterName => {
            // Keep the initial of each word: "Nguyễn Văn An" → "N. V. A."
            value
                .split_whitespace()
                .filter_map(|w| w.chars().next())
                .map(|c| format!("{c}."))
                .collect::<Vec<_>>()
                .join(" ")
        }
        PersonalField::Phone | PersonalField::NationalId | PersonalField::LicencePlate => {
            let keep = if chars.len() > 6 { 3 } else { 1 };
            let hidden = chars.len().saturating_sub(keep);
            format!("{}{}", "*".repeat(hidden), chars[hidden..].iter().collect::<String>())
        }
        PersonalField::Email => match value.split_once('@') {
            Some((local, domain)) => format!("{}***@{domain}", local.chars().next().unwrap_or('*')),
            None => "***".to_owned(),
        },
        // Only the last comma-separated part (ward, province) stays.
        PersonalField::ExactAddress => match value.rsplit_once(',') {
            Some((_, area)) => format!("***, {}", area.trim()),
            None => "***".to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_little() {
        assert_eq!(mask(PersonalField::ReporterName, "Nguyễn Văn An"), "N. V. A.");
        assert_eq!(mask(PersonalField::Phone, "0912345678"), "*******678");
        assert_eq!(mask(PersonalField::NationalId, "060123456789"), "*********789");
        assert_eq!(mask(PersonalField::Email, "an@example.vn"), "a***@example.vn");
        assert_eq!(
            mask(PersonalField::ExactAddress, "12 Trần Hưng Đạo, Phường Phan Thiết"),
            "***, Phường Phan Thiết"
        );
        assert_eq!(mask(PersonalField::Phone, ""), "");
    }
}
