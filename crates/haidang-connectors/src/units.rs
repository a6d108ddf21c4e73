//! UN/CEFACT common codes (UNECE Recommendation 20) as NGSI-LD `unitCode` carries them,
//! and the units that the Smart Data Models define for properties sent without one.
//!
//! A code missing from the table is kept as the unit text, so that nothing is guessed.

/// Codes understood, with the unit symbol stored on the series.
pub const UNIT_CODES: &[(&str, &str)] = &[
    ("GQ", "µg/m³"),
    ("GP", "mg/m³"),
    ("59", "ppm"),
    ("61", "ppb"),
    ("CEL", "°C"),
    ("FAH", "°F"),
    ("KEL", "K"),
    ("P1", "%"),
    ("C62", "1"),
    ("KMH", "km/h"),
    ("MTS", "m/s"),
    ("MTR", "m"),
    ("CMT", "cm"),
    ("MMT", "mm"),
    ("KMT", "km"),
    ("DD", "°"),
    ("A97", "hPa"),
    ("PAL", "Pa"),
    ("BAR", "bar"),
    ("MBR", "mbar"),
    ("2N", "dB"),
    ("LUX", "lx"),
    ("WTT", "W"),
    ("KWT", "kW"),
    ("KWH", "kWh"),
    ("VLT", "V"),
    ("AMP", "A"),
    ("LTR", "l"),
    ("MTQ", "m³"),
    ("KGM", "kg"),
    ("GRM", "g"),
    ("SEC", "s"),
    ("MIN", "min"),
    ("HUR", "h"),
];

/// Units of properties of the supported Smart Data Models when no `unitCode` is sent, as
/// the models' specifications define them.
pub const DEFAULT_UNITS: &[(&str, &str)] = &[
    ("temperature", "°C"),
    ("windSpeed", "m/s"),
    ("windDirection", "°"),
    ("atmosphericPressure", "hPa"),
    ("precipitation", "mm"),
    ("averageVehicleSpeed", "km/h"),
    ("averageVehicleLength", "m"),
    ("averageHeadwayTime", "s"),
    ("LAeq", "dB"),
    ("LAeq_d", "dB"),
    ("LAmax", "dB"),
    ("LAS", "dB"),
    ("voltage", "V"),
    ("lanternHeight", "m"),
];

/// Returns the unit symbol of a UN/CEFACT code, or `None` for a code not in the table.
pub fn unit_of_code(code: &str) -> Option<&'static str> {
    UNIT_CODES.iter().find(|(c, _)| *c == code).map(|(_, unit)| *unit)
}

/// Returns the unit of `property` when sent without a code.
pub fn default_unit(property: &str) -> Option<&'static str> {
    DEFAULT_UNITS
        .iter()
        .find(|(p, _)| *p == property)
        .map(|(_, unit)| *unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_unknown_codes() {
        assert_eq!(unit_of_code("GQ"), Some("µg/m³"));
        assert_eq!(unit_of_code("CEL"), Some("°C"));
        assert_eq!(unit_of_code("2N"), Some("dB"));
        assert_eq!(unit_of_code("XYZ"), None);
        assert_eq!(default_unit("temperature"), Some("°C"));
    }
}
