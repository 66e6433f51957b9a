//! Reading single values: ISTAT codes, feature values, and the reserved numeric fields
//! (population, area, coordinates) with their ranges.

use super::*;

/// Byte offsets (in `body`) of every invalid UTF-8 sequence.
pub(crate) fn invalid_utf8_offsets(body: &[u8]) -> Vec<usize> {
    let mut bad = Vec::new();
    let mut offset = 0;
    for chunk in body.utf8_chunks() {
        offset += chunk.valid().len();
        if !chunk.invalid().is_empty() {
            bad.push(offset);
        }
        offset += chunk.invalid().len();
    }
    bad
}

/// ISTAT codes are six digits; spreadsheets drop the leading zero (`17103`). Purely numeric
/// ids shorter than six digits are left-padded with zeros; any other id is kept as written.
pub fn normalize_istat(raw: &str) -> String {
    let t = raw.trim();
    if !t.is_empty() && t.len() < 6 && t.bytes().all(|b| b.is_ascii_digit()) {
        format!("{t:0>6}")
    } else {
        t.to_string()
    }
}

/// Parses a feature value: a finite number, or the problem with it. A decimal comma (`21,5`)
/// is its own problem, so that a column written so is reported once.
pub(crate) fn parse_value(feature: &str, text: &str) -> Result<f64, Problem> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Problem::MissingValue(feature.to_string()));
    }
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(_) => Err(Problem::NotFinite { feature: feature.to_string(), value: t.to_string() }),
        Err(_) => Err(match decimal_comma_reading(t) {
            Some(suggested) => Problem::DecimalComma { feature: feature.to_string(), value: t.to_string(), suggested, others: 0 },
            None => Problem::NotNumeric { feature: feature.to_string(), value: t.to_string() },
        }),
    }
}

/// The range a reserved numeric field must lie in, and how a message states it.
#[derive(Clone, Copy)]
pub(super) struct Bounds {
    min: f64,
    max: f64,
    expected: &'static str,
}

/// Border lengths (metres).
pub(super) const NON_NEGATIVE: Bounds = Bounds { min: 0.0, max: f64::MAX, expected: "a number ≥ 0" };
/// Residents: no unit holds more people than the world.
pub(super) const POPULATION: Bounds =
    Bounds { min: 0.0, max: 1e10, expected: "a number ≥ 0 and at most 10 billion (the world's population)" };
/// Areas (km²): more than nothing, at most the Earth's surface.
pub(super) const AREA: Bounds =
    Bounds { min: f64::MIN_POSITIVE, max: 5.1e8, expected: "a number > 0 and at most 510 million (the Earth's surface)" };
/// WGS84 longitude in degrees.
pub(super) const LONGITUDE: Bounds = Bounds { min: -180.0, max: 180.0, expected: "a WGS84 longitude in [-180, 180]" };
/// WGS84 latitude in degrees.
pub(super) const LATITUDE: Bounds = Bounds { min: -90.0, max: 90.0, expected: "a WGS84 latitude in [-90, 90]" };

/// Parses a reserved numeric field that must be finite and within `bounds`.
pub(super) fn parse_field(field: &'static str, text: &str, bounds: Bounds) -> Result<f64, Problem> {
    let t = text.trim();
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() && (bounds.min..=bounds.max).contains(&v) => Ok(v),
        Err(_) if decimal_comma_reading(t).is_some() => Err(Problem::DecimalComma {
            feature: field.to_string(),
            value: t.to_string(),
            suggested: decimal_comma_reading(t).unwrap_or_default(),
            others: 0,
        }),
        _ => Err(Problem::BadField { field, expected: bounds.expected, value: t.to_string() }),
    }
}

/// Parses a population: a whole number of residents within [`POPULATION`]. Digits grouped by
/// three (`12.874`, `12,874`, `13.000`) are refused with a hint about thousands separators.
pub(super) fn parse_population(field: &'static str, text: &str) -> Result<f64, Problem> {
    let t = text.trim();
    let not_whole = |thousands| Problem::NotWhole { field, value: t.to_string(), thousands };
    match t.parse::<f64>() {
        // `13.000` is a whole number, but written so it is thirteen thousand.
        Ok(_) if looks_like_thousands(t) => Err(not_whole(true)),
        Ok(v) if v.is_finite() && (POPULATION.min..=POPULATION.max).contains(&v) => {
            if v.fract() == 0.0 {
                Ok(v)
            } else {
                Err(not_whole(looks_like_thousands(t)))
            }
        }
        Err(_) if looks_like_thousands(t) => Err(not_whole(true)),
        Err(_) if decimal_comma_reading(t).is_some() => Err(not_whole(false)),
        _ => Err(Problem::BadField { field, expected: POPULATION.expected, value: t.to_string() }),
    }
}
