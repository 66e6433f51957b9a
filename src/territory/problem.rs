//! What can be wrong with an input and how it is said: where ([`Location`]), what
//! ([`Problem`]), the hints that go with a value (decimal commas, thousands marks, codes
//! saved as floats) and the module error ([`TerritoryError`]).

use std::fmt;
use std::path::PathBuf;

use thiserror::Error;

use super::*;

/// Where in an input file a problem is.
#[derive(Debug, Clone, PartialEq)]
pub enum Location {
    /// The whole file.
    File,
    /// The `index`-th feature of a FeatureCollection (1-based), with the municipality if known.
    Feature {
        /// 1-based position in `features`.
        index: usize,
        /// `017103 Manerbio`, when the id and name could be read.
        unit: Option<String>,
    },
    /// A CSV line (1-based, the header is line 1), with the municipality if known.
    Row {
        /// 1-based line number.
        line: u64,
        /// The id (and name) on that line, when readable.
        unit: Option<String>,
    },
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (what, n, unit) = match self {
            Location::File => return Ok(()),
            Location::Feature { index, unit } => ("feature", *index as u64, unit),
            Location::Row { line, unit } => ("row", *line, unit),
        };
        write!(f, "{what} {n}")?;
        if let Some(u) = unit {
            write!(f, " ({u})")?;
        }
        f.write_str(": ")
    }
}

/// What is wrong at a [`Location`].
#[derive(Debug, Clone, PartialEq, Error)]
pub enum Problem {
    /// No `istat`/`id` property or column value.
    #[error("no id (expected an `istat` or `id` value)")]
    MissingId,
    /// No id under the expected names, but a property that looks like one.
    #[error("no id (expected an `istat` or `id` value; the feature has `{0}`: rename it `istat`)")]
    MissingIdLike(String),
    /// No name under the expected name, but a property that looks like one.
    #[error("no name (expected a non-blank `name`; the feature has `{0}`: rename it `name`)")]
    MissingNameLike(String),
    /// A blank cell in an id column (`istat` of `units.csv`, `a` or `b` of `edges.csv`).
    #[error("empty id in column `{0}`")]
    EmptyId(String),
    /// The id appears twice.
    #[error("duplicate id {istat}, first seen at {first}")]
    DuplicateId {
        /// The repeated id.
        istat: String,
        /// Where it was first seen (`feature 3`, `row 4`).
        first: String,
    },
    /// A feature with a null or absent geometry.
    #[error("no geometry")]
    MissingGeometry,
    /// A geometry that is not a Polygon or MultiPolygon.
    #[error("geometry is a {0}, expected Polygon or MultiPolygon")]
    WrongGeometry(String),
    /// A polygon geo's validation rejects (self-intersection, hole outside the shell…), or
    /// coordinates that are not `[longitude, latitude]` number pairs.
    #[error("invalid polygon: {0}")]
    InvalidPolygon(String),
    /// A ring that cannot enclose an area: empty, or fewer than 3 distinct points.
    #[error("{ring} has {distinct} distinct point{}, at least 3 are needed", if *distinct == 1 { "" } else { "s" })]
    DegenerateRing {
        /// `exterior ring` or `hole 2`, followed by ` of polygon 3` in a MultiPolygon.
        ring: String,
        /// Number of distinct points in it.
        distinct: usize,
    },
    /// A coordinate that is NaN or infinite.
    #[error("{ring}, point {point}: coordinate ({lon}, {lat}) is not finite")]
    NonFiniteCoordinate {
        /// The ring, as in [`Problem::DegenerateRing`].
        ring: String,
        /// 1-based position in the ring.
        point: usize,
        /// Longitude as given.
        lon: f64,
        /// Latitude as given.
        lat: f64,
    },
    /// Coordinates outside WGS84 degrees: longitude in [-180, 180], latitude in [-90, 90].
    #[error(
        "{count} coordinate(s) outside WGS84 (longitude -180..180, latitude -90..90), first \
         ({lon}, {lat}) at {ring}, point {point}: the input must be in WGS84 degrees"
    )]
    OutsideWgs84 {
        /// How many coordinates of the feature are out of range.
        count: usize,
        /// The ring of the first one, as in [`Problem::DegenerateRing`].
        ring: String,
        /// 1-based position of the first one in its ring.
        point: usize,
        /// Its longitude.
        lon: f64,
        /// Its latitude.
        lat: f64,
    },
    /// A feature column without a value for this municipality.
    #[error("missing value for feature `{0}`")]
    MissingValue(String),
    /// A feature value that is not a number.
    #[error("feature `{feature}` is not a number: {value:?}{}", comma_hint(value))]
    NotNumeric {
        /// Feature name.
        feature: String,
        /// The offending text.
        value: String,
    },
    /// NaN or infinity.
    #[error("feature `{feature}` is not finite: {value}")]
    NotFinite {
        /// Feature name.
        feature: String,
        /// The offending text.
        value: String,
    },
    /// A value so large that its column's mean or standard deviation overflows a double.
    #[error("`{feature}` value {value:e} is too large: the column's {what} overflows a double")]
    Overflow {
        /// Feature name.
        feature: String,
        /// `mean` or `standard deviation`.
        what: &'static str,
        /// The value of largest magnitude in the column.
        value: f64,
    },
    /// A reserved numeric field (pop, area, lon, lat) that is not a finite number in range.
    #[error("`{field}` must be {expected}, found {value:?}")]
    BadField {
        /// Field name.
        field: &'static str,
        /// What it must be.
        expected: &'static str,
        /// The offending text.
        value: String,
    },
    /// A population that is a number but not a whole one (`12.874`, `2500.5`), or that uses
    /// thousands separators (`12,874`).
    #[error(
        "`{field}` must be a whole number of residents, found {value:?}{}",
        if *thousands { format!(": if the `{}` separates thousands, write {}", thousands_mark(value), value.replace(['.', ','], "")) } else { String::new() }
    )]
    NotWhole {
        /// `pop`.
        field: &'static str,
        /// The offending text.
        value: String,
        /// True when the text reads as digits grouped by three (`12.874`, `1,234,567`).
        thousands: bool,
    },
    /// A number written with a decimal comma (`21,5`), which pianura does not read as 21.5:
    /// one problem per column, at its first occurrence.
    #[error(
        "`{feature}` is written with a decimal comma: {value:?}{}; write numbers with a point as the decimal separator and no thousands separator ({suggested})",
        if *others > 0 { format!(" (and {others} more like it)") } else { String::new() }
    )]
    DecimalComma {
        /// Feature or field name.
        feature: String,
        /// The first offending text.
        value: String,
        /// That text with a decimal point (`21.5`).
        suggested: String,
        /// How many more values of the same column are written so.
        others: usize,
    },
    /// Codes written as decimal numbers (`17001.0`, `1.7001E+4`): a spreadsheet stored the id
    /// column as numbers. One problem per column, at its first occurrence.
    #[error(
        "column `{column}` holds numbers such as {value} ({count} {}): ids must be written as text, ISTAT codes as 6 digits with the leading zero (017001); format the column as text before saving",
        if *count == 1 { "value" } else { "values" }
    )]
    FloatIds {
        /// The id column (`istat`, `a`…).
        column: String,
        /// The first such value.
        value: String,
        /// How many values of the column are written so.
        count: usize,
    },
    /// No `name`, or a blank one.
    #[error("no name (expected a non-blank `name`)")]
    MissingName,
    /// A ring with at least 3 distinct points, all on one line: it encloses no area.
    #[error("{ring} encloses no area: its {distinct} distinct points lie on one line")]
    ZeroAreaRing {
        /// The ring, as in [`Problem::DegenerateRing`].
        ring: String,
        /// Number of distinct points in it.
        distinct: usize,
    },
    /// Coordinates written `[latitude, longitude]`.
    #[error("coordinates look like [latitude, longitude]; GeoJSON is [longitude, latitude]: {evidence}")]
    SwappedAxes {
        /// What shows it.
        evidence: String,
    },
    /// `lon` and `lat` properties holding each other's value.
    #[error("the `lon`/`lat` values look swapped: ({lon}, {lat}) lies outside the polygon, ({lat}, {lon}) inside it")]
    SwappedPoint {
        /// `lon` as given.
        lon: f64,
        /// `lat` as given.
        lat: f64,
    },
    /// A `lon`/`lat` point that lies far outside the municipality's own polygon.
    #[error(
        "the `lon`/`lat` point ({lon}, {lat}) lies {km:.1} km outside the polygon (the limit is {limit_km:.1} km: the radius of a circle of the municipality's area, at least 1 km); a point inside the municipality is expected"
    )]
    PointOutside {
        /// Longitude as given.
        lon: f64,
        /// Latitude as given.
        lat: f64,
        /// Distance to the polygon, km.
        km: f64,
        /// The allowed distance, km.
        limit_km: f64,
    },
    /// `lon` without `lat`, or the reverse.
    #[error("`{given}` is given without `{missing}`")]
    HalfPoint {
        /// The field present.
        given: &'static str,
        /// The field absent.
        missing: &'static str,
    },
    /// A blank cell in an optional column that the file has: every row needs a value.
    #[error("no `{0}` value: the file has the column, so every row needs one")]
    BlankCell(String),
    /// `lon` and `lat` columns holding each other's values.
    #[error("the `lon` column holds latitudes and `lat` longitudes: every ISTAT-coded point lies outside Italy and inside it read the other way round (first: lon {lon}, lat {lat})")]
    SwappedColumns {
        /// `lon` of the first point, as given.
        lon: f64,
        /// `lat` of the first point, as given.
        lat: f64,
    },
    /// A field that other municipalities have and this one lacks.
    #[error("no `{field}` value, while {others} other municipalit{} one", if *others == 1 { "y has" } else { "ies have" })]
    MissingField {
        /// Field name (`pop`, `lon`…).
        field: String,
        /// How many municipalities have it.
        others: usize,
    },
    /// Two features covering the same ground.
    #[error(
        "{}{other}",
        if *identical { "has the same polygon as ".to_string() } else { format!("overlaps {:.0} % of the smaller of itself and ", 100.0 * share) }
    )]
    Overlap {
        /// The earlier feature, `feature 3 (017103 Manerbio)`.
        other: String,
        /// Shared area over the smaller of the two areas, 0–1.
        share: f64,
        /// The two polygons are equal, vertex for vertex.
        identical: bool,
    },
    /// Bytes that are not UTF-8.
    #[error(
        "invalid UTF-8 at byte {byte}{}{}: {near:?}; save the file as UTF-8 (it may be Latin-1 or Windows-1252)",
        if *count > 1 { format!(" ({count} invalid sequences here)") } else { String::new() },
        column.as_ref().map(|c| format!(" in `{c}`")).unwrap_or_default()
    )]
    InvalidUtf8 {
        /// 0-based byte offset in the file of the first invalid sequence.
        byte: usize,
        /// How many invalid sequences the feature or row holds.
        count: usize,
        /// The column or property holding it, when known.
        column: Option<String>,
        /// The text around it, the bad bytes shown as �.
        near: String,
    },
    /// A header naming a column twice.
    #[error("column `{name}` appears twice in the header (columns {first} and {second})")]
    DuplicateHeader {
        /// The name.
        name: String,
        /// 1-based position of the first.
        first: usize,
        /// 1-based position of the second.
        second: usize,
    },
    /// A header cell left blank.
    #[error("column {0} has no name in the header")]
    BlankHeader(usize),
    /// A record with a different number of fields than the header.
    #[error("{found} field{} where the header has {expected}", if *found == 1 { "" } else { "s" })]
    FieldCount {
        /// Fields on this line.
        found: usize,
        /// Fields in the header.
        expected: usize,
    },
    /// A file with nothing in it.
    #[error("the file is empty")]
    EmptyFile,
    /// A CSV file with a header and no row.
    #[error("the file has a header but no rows")]
    NoRows,
    /// No id of the file names a municipality of the area.
    #[error("no row names a municipality of the area: the file has codes such as {file_example}, the area {area_example}")]
    NoMatch {
        /// A code of the file.
        file_example: String,
        /// A code of the area.
        area_example: String,
    },
    /// An edge listed twice with different border lengths.
    #[error("edge listed again with `border_m` {again}, first at {first} with {length}")]
    ConflictingEdge {
        /// Where it was first listed (`row 3`).
        first: String,
        /// The first length.
        length: f64,
        /// This row's length.
        again: f64,
    },
    /// An edge naming an id that is not in `units.csv`.
    #[error("edge names unknown id {0}")]
    UnknownId(String),
    /// A code that names no municipality of the area.
    #[error("{0} is not a municipality of the area")]
    UnknownMunicipality(String),
    /// An edge from a municipality to itself.
    #[error("edge joins {0} with itself")]
    SelfLoop(String),
    /// A required CSV column is absent.
    #[error("missing column `{0}`")]
    MissingColumn(String),
    /// A required CSV column is absent, and one looks like it.
    #[error("missing column `{column}` (the header has `{found}`: rename it `{column}`)")]
    MissingColumnLike {
        /// The column needed.
        column: String,
        /// The header name that looks like it.
        found: String,
    },
    /// A malformed CSV record.
    #[error("unreadable record: {0}")]
    Csv(String),
    /// The area has no municipality.
    #[error("the area is empty: no municipality to partition")]
    Empty,
    /// A file that must cover every municipality of the area has no row for this one.
    #[error("no row for {0}")]
    MissingUnit(String),
    /// A column name that is already a feature of the area.
    #[error("column `{0}` is already a feature of the area")]
    DuplicateColumn(String),
}

/// ` (a decimal comma? write 21.5)` when `value` reads as a number with a comma for the point.
pub(super) fn comma_hint(value: &str) -> String {
    match decimal_comma_reading(value) {
        Some(v) => format!(": a decimal comma? write {v}"),
        None => String::new(),
    }
}

/// The thousands mark of digits grouped by three: `.` or `,`.
pub(super) fn thousands_mark(value: &str) -> char {
    if value.contains(',') {
        ','
    } else {
        '.'
    }
}

/// `21,5` → `21.5`, `1.234,5` → `1234.5`: text that is a number once its comma is the decimal
/// point (and points are dropped as thousands separators). `None` for anything else.
pub(crate) fn decimal_comma_reading(text: &str) -> Option<String> {
    let t = text.trim();
    if t.matches(',').count() != 1 || !t.bytes().all(|b| b.is_ascii_digit() || b"+-.,".contains(&b)) {
        return None;
    }
    let (int, frac) = t.split_once(',')?;
    if frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) || !int.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let v = format!("{}.{frac}", int.replace('.', ""));
    v.parse::<f64>().ok().filter(|x| x.is_finite()).map(|_| v)
}

/// Digits grouped by three with `.` or `,` (`12.874`, `1,234,567`): how populations look when
/// a thousands separator slipped in.
pub(super) fn looks_like_thousands(text: &str) -> bool {
    let t = text.trim();
    let sep = thousands_mark(t);
    let mut groups = t.split(sep);
    let first = groups.next().unwrap_or("");
    let rest: Vec<&str> = groups.collect();
    !rest.is_empty()
        && (1..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_digit())
        && rest.iter().all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
}

/// Codes a spreadsheet wrote as decimal numbers: `17001.0`, `17001.`, `1.7001E+4`.
pub(crate) fn looks_like_float_code(raw: &str) -> bool {
    let t = raw.trim();
    let mantissa = t.split(['e', 'E']).next().unwrap_or("");
    let Some((int, frac)) = mantissa.split_once('.') else { return false };
    !int.is_empty() && int.bytes().all(|b| b.is_ascii_digit()) && frac.bytes().all(|b| b.is_ascii_digit()) && t.parse::<f64>().is_ok()
}

/// Errors reading a study area. Every message starts with the file it concerns.
#[derive(Debug, Error)]
pub enum TerritoryError {
    /// The file or folder could not be read. The message includes the OS cause, so `cause`
    /// is deliberately not exposed as `source()`: a printed error chain shows it once.
    #[error("{path}: {cause}")]
    Io {
        /// File or folder.
        path: PathBuf,
        /// Cause.
        cause: std::io::Error,
    },
    /// The GeoJSON file is not valid JSON, or not a FeatureCollection.
    #[error("{path}: malformed GeoJSON: {reason}")]
    Malformed {
        /// File.
        path: PathBuf,
        /// Parser message, with line and column.
        reason: String,
    },
    /// A path that is neither a GeoJSON file nor a folder with `units.csv` + `edges.csv`.
    #[error("{path}: expected a GeoJSON file or a folder with units.csv and edges.csv")]
    UnknownFormat {
        /// The path given.
        path: PathBuf,
    },
    /// One or more problems in the content; all of them are listed.
    #[error("{path}: {}", crate::error::list_problems(problems.iter().map(|(at, p)| format!("{at}{p}")).collect()))]
    Invalid {
        /// File.
        path: PathBuf,
        /// Every problem found, in file order.
        problems: Vec<(Location, Problem)>,
    },
}

impl TerritoryError {
    /// [`TerritoryError::Invalid`], with the per-value problems that repeat down a column
    /// ([`Problem::DecimalComma`], [`Problem::FloatIds`]) folded into one per column.
    pub(crate) fn invalid(path: &Path, problems: Vec<(Location, Problem)>) -> TerritoryError {
        TerritoryError::Invalid { path: path.to_path_buf(), problems: fold_repeats(problems) }
    }
}

/// Keeps the first [`Problem::DecimalComma`] / [`Problem::FloatIds`] of each column, counting
/// the others into it.
pub(super) fn fold_repeats(problems: Vec<(Location, Problem)>) -> Vec<(Location, Problem)> {
    let mut out: Vec<(Location, Problem)> = Vec::with_capacity(problems.len());
    let mut first: std::collections::HashMap<(u8, String), usize> = Default::default();
    for (at, p) in problems {
        let key = match &p {
            Problem::DecimalComma { feature, .. } => Some((0, feature.clone())),
            Problem::FloatIds { column, .. } => Some((1, column.clone())),
            _ => None,
        };
        if let Some(key) = key {
            if let Some(&i) = first.get(&key) {
                match (&mut out[i].1, p) {
                    (Problem::DecimalComma { others, .. }, Problem::DecimalComma { others: more, .. }) => *others += 1 + more,
                    (Problem::FloatIds { count, .. }, Problem::FloatIds { count: more, .. }) => *count += more,
                    _ => unreachable!("same key, same variant"),
                }
                continue;
            }
            first.insert(key, out.len());
        }
        out.push((at, p));
    }
    out
}
