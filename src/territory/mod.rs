//! The study area: municipalities, their polygons or given edges, and their raw attributes.
//!
//! Owns reading and validating input (a GeoJSON FeatureCollection, or a folder with
//! `units.csv` + `edges.csv`) and the embedded default area. It must not know zones, feature
//! weights or solvers: it hands raw attribute columns to [`crate::features`] and polygons or
//! edges to [`crate::graph`]. Areas are measured in the UTM zone of the area's centroid
//! ([`utm::Projection`], [`Territory::projection`]).
//!
//! Every CSV input of pianura (units.csv, edges.csv, feature and collaboration CSVs) is read
//! through [`CsvTable`]: comma-, semicolon- or tab-delimited (detected from the header line),
//! with or without a UTF-8 byte-order mark, LF or CRLF line ends, line numbers counted from
//! the bytes so they are right for every one of these.

mod csv_folder;
mod geojson_file;
mod overlap;
pub mod utm;

pub use utm::Projection;

use std::fmt;
use std::path::{Path, PathBuf};

use geo::MultiPolygon;
use thiserror::Error;

/// Dense index of a municipality inside one [`Territory`] (0..n, in input order).
/// Never confuse it with the public ISTAT code, [`Municipality::istat`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MunicipalityId(pub u32);

impl MunicipalityId {
    /// The index as a `usize`, for slices.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// One municipality of the study area.
#[derive(Debug, Clone, PartialEq)]
pub struct Municipality {
    /// ISTAT code, six digits for Italian municipalities (`"017103"`).
    pub istat: String,
    /// Official name.
    pub name: String,
    /// Social-health district or other grouping label, when the input has one.
    pub district: Option<String>,
    /// Residents (latest year in the input), when given.
    pub pop: Option<f64>,
    /// Surface in km², from the polygon in the territory's [`Projection`], or as given in
    /// `units.csv`.
    pub area_km2: Option<f64>,
    /// Longitude and latitude (WGS84, degrees) of a point inside the municipality.
    pub point: Option<(f64, f64)>,
}

impl fmt::Display for Municipality {
    /// `017103 Manerbio`: how error messages and reports name a municipality.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.istat, self.name)
    }
}

/// A named numeric attribute with one value per municipality (input order).
#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    /// Column or property name, e.g. `log_density`.
    pub name: String,
    /// One finite value per municipality.
    pub values: Vec<f64>,
}

/// An adjacency given in `edges.csv` (instances without polygons).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GivenEdge {
    /// Lower endpoint.
    pub a: MunicipalityId,
    /// Higher endpoint.
    pub b: MunicipalityId,
    /// Shared border length in metres, when the file has a `border_m` column.
    pub border_m: Option<f64>,
}

/// How the adjacency of a territory is known.
#[derive(Debug, Clone, PartialEq)]
pub enum Shapes {
    /// One WGS84 multipolygon per municipality: the graph is computed from them.
    Polygons(Vec<MultiPolygon<f64>>),
    /// Edges listed in the input, sorted by `(a, b)` and without duplicates.
    Edges(Vec<GivenEdge>),
}

/// A loaded, validated study area.
#[derive(Debug, Clone, PartialEq)]
pub struct Territory {
    /// Where it came from: a path, or `embedded default`.
    pub source: String,
    /// The municipalities; `MunicipalityId(i)` is `units[i]`.
    pub units: Vec<Municipality>,
    /// Polygons or given edges.
    pub shapes: Shapes,
    /// Numeric attributes usable as features, in input order.
    pub attributes: Vec<Attribute>,
    /// The projection areas and border lengths are measured in; derived from the shapes when
    /// the territory is loaded, so it is not a public field.
    projection: Option<Projection>,
}

/// Property or column names that describe a municipality rather than being features.
pub const RESERVED: &[&str] = &["istat", "id", "name", "district", "pop", "pop_2022", "pop_2023", "area_km2", "lon", "lat"];

/// The five default features (PRODUCT.md).
pub const DEFAULT_FEATURES: &[&str] = &["log_pop", "log_density", "share_65plus", "share_under15", "growth"];

/// The embedded default area: the 42 municipalities of the Bassa Bresciana districts.
const DEFAULT_AREA: &str = include_str!("../../fixtures/bassa_bresciana/area.geojson");

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
fn comma_hint(value: &str) -> String {
    match decimal_comma_reading(value) {
        Some(v) => format!(": a decimal comma? write {v}"),
        None => String::new(),
    }
}

/// The thousands mark of digits grouped by three: `.` or `,`.
fn thousands_mark(value: &str) -> char {
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
fn looks_like_thousands(text: &str) -> bool {
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
fn fold_repeats(problems: Vec<(Location, Problem)>) -> Vec<(Location, Problem)> {
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

impl Territory {
    /// The embedded default area: 42 municipalities of ambiti 8, 9 and 10 (Bassa Bresciana),
    /// ISTAT 2023 polygons and population (CC BY 4.0, ISTAT via openpolis).
    pub fn embedded_default() -> Territory {
        geojson_file::parse(Path::new("embedded default area"), DEFAULT_AREA.as_bytes())
            .expect("the embedded default area is a valid fixture (tested)")
    }

    /// Loads a study area: a GeoJSON FeatureCollection file, a folder holding `area.geojson`,
    /// or a folder holding `units.csv` + `edges.csv`.
    ///
    /// # Errors
    /// [`TerritoryError`] naming the file and, for content problems, every feature or row
    /// at fault with its municipality.
    pub fn load(path: &Path) -> Result<Territory, TerritoryError> {
        let io = |cause| TerritoryError::Io { path: path.to_path_buf(), cause };
        if path.is_dir() {
            let geojson = path.join("area.geojson");
            if geojson.is_file() {
                return Territory::load(&geojson);
            }
            if path.join("units.csv").is_file() {
                return csv_folder::load(path);
            }
            return Err(TerritoryError::UnknownFormat { path: path.to_path_buf() });
        }
        let is_json = matches!(path.extension().and_then(|e| e.to_str()), Some("geojson" | "json"));
        if !is_json {
            std::fs::metadata(path).map_err(io)?;
            return Err(TerritoryError::UnknownFormat { path: path.to_path_buf() });
        }
        let bytes = std::fs::read(path).map_err(io)?;
        geojson_file::parse(path, &bytes)
    }

    /// The projection areas (GeoJSON input) and border lengths are measured in: the UTM zone
    /// of the area's centroid ([`Projection::for_area`]). For a `units.csv` folder, whose
    /// areas and borders are given, the zone of its points' mean, used for maps only; `None`
    /// when such a folder has no points.
    pub fn projection(&self) -> Option<Projection> {
        self.projection
    }

    /// Number of municipalities.
    pub fn len(&self) -> usize {
        self.units.len()
    }

    /// True when there is no municipality (never the case for a loaded territory).
    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }

    /// The id of the municipality with this ISTAT code (after [`normalize_istat`]).
    pub fn find(&self, istat: &str) -> Option<MunicipalityId> {
        let code = normalize_istat(istat);
        self.units.iter().position(|u| u.istat == code).map(|i| MunicipalityId(i as u32))
    }

    /// The territory restricted to `ids` (kept in the given order, renumbered from 0): units,
    /// polygons or the edges among them, and attributes. `source` notes the restriction.
    pub fn subset(&self, ids: &[MunicipalityId], note: &str) -> Territory {
        let mut new_id = vec![u32::MAX; self.len()];
        for (k, id) in ids.iter().enumerate() {
            new_id[id.index()] = k as u32;
        }
        let shapes = match &self.shapes {
            Shapes::Polygons(p) => Shapes::Polygons(ids.iter().map(|id| p[id.index()].clone()).collect()),
            Shapes::Edges(edges) => {
                let mut kept: Vec<GivenEdge> = edges
                    .iter()
                    .filter(|e| new_id[e.a.index()] != u32::MAX && new_id[e.b.index()] != u32::MAX)
                    .map(|e| {
                        let (a, b) = (new_id[e.a.index()], new_id[e.b.index()]);
                        GivenEdge { a: MunicipalityId(a.min(b)), b: MunicipalityId(a.max(b)), border_m: e.border_m }
                    })
                    .collect();
                kept.sort_by_key(|e| (e.a, e.b));
                Shapes::Edges(kept)
            }
        };
        Territory {
            source: format!("{} ({note})", self.source),
            units: ids.iter().map(|id| self.units[id.index()].clone()).collect(),
            shapes,
            attributes: self
                .attributes
                .iter()
                .map(|a| Attribute { name: a.name.clone(), values: ids.iter().map(|id| a.values[id.index()]).collect() })
                .collect(),
            // The parent's: a part is measured as the whole was.
            projection: self.projection,
        }
    }

    /// The municipality behind an id.
    pub fn unit(&self, id: MunicipalityId) -> &Municipality {
        &self.units[id.index()]
    }
}

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
struct Bounds {
    min: f64,
    max: f64,
    expected: &'static str,
}

/// Border lengths (metres).
const NON_NEGATIVE: Bounds = Bounds { min: 0.0, max: f64::MAX, expected: "a number ≥ 0" };
/// Residents: no unit holds more people than the world.
const POPULATION: Bounds = Bounds { min: 0.0, max: 1e10, expected: "a number ≥ 0 and at most 10 billion (the world's population)" };
/// Areas (km²): more than nothing, at most the Earth's surface.
const AREA: Bounds = Bounds { min: f64::MIN_POSITIVE, max: 5.1e8, expected: "a number > 0 and at most 510 million (the Earth's surface)" };
/// WGS84 longitude in degrees.
const LONGITUDE: Bounds = Bounds { min: -180.0, max: 180.0, expected: "a WGS84 longitude in [-180, 180]" };
/// WGS84 latitude in degrees.
const LATITUDE: Bounds = Bounds { min: -90.0, max: 90.0, expected: "a WGS84 latitude in [-90, 90]" };

/// Parses a reserved numeric field that must be finite and within `bounds`.
fn parse_field(field: &'static str, text: &str, bounds: Bounds) -> Result<f64, Problem> {
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
fn parse_population(field: &'static str, text: &str) -> Result<f64, Problem> {
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

/// A CSV file opened with its trimmed header; every reader of a CSV input goes through it so
/// that unreadable records, missing columns and encodings are reported the same way, with line
/// numbers.
///
/// The delimiter is the one of `,`, `;` and tab that occurs most often (outside quotes) in the
/// header line — Italian Excel writes `;`. A UTF-8 byte-order mark is skipped. Line numbers come
/// from byte offsets, so CRLF files and quoted fields spanning lines are numbered right.
pub(crate) struct CsvTable {
    path: PathBuf,
    /// Trimmed column names.
    pub headers: Vec<String>,
    reader: csv::Reader<std::io::Cursor<Vec<u8>>>,
    /// Byte offset (in the decoded text) at which each line starts; line 1 at 0.
    line_starts: Vec<usize>,
    /// Invalid UTF-8 sequences: (byte offset in the file, line).
    bad_utf8: Vec<(usize, u64)>,
    /// True when the file holds nothing but white space.
    blank: bool,
}

impl CsvTable {
    /// Opens `path` and reads its header.
    ///
    /// # Errors
    /// The file cannot be read; the header names a column twice or leaves one blank.
    pub fn open(path: &Path) -> Result<CsvTable, TerritoryError> {
        let io = |cause| TerritoryError::Io { path: path.to_path_buf(), cause };
        let raw = std::fs::read(path).map_err(io)?;
        let bom = if raw.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
        let body = &raw[bom..];
        // Invalid bytes are reported (as problems of their records) and decoded as U+FFFD, so
        // the rest of the file is still checked.
        let bad = invalid_utf8_offsets(body);
        let text: Vec<u8> = String::from_utf8_lossy(body).into_owned().into_bytes();
        let raw_line = |o: usize| 1 + body[..o].iter().filter(|&&b| b == b'\n').count() as u64;
        let bad_utf8 = bad.into_iter().map(|o| (o + bom, raw_line(o))).collect();
        let line_starts = std::iter::once(0).chain(text.iter().enumerate().filter(|(_, &b)| b == b'\n').map(|(i, _)| i + 1)).collect();
        let blank = text.iter().all(u8::is_ascii_whitespace);
        let delimiter = detect_delimiter(&text);
        let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).flexible(false).from_reader(std::io::Cursor::new(text));
        let headers: Vec<String> = match reader.headers() {
            Ok(h) => h.iter().map(|h| h.trim().to_string()).collect(),
            Err(e) => return Err(CsvTable::header_error(path, Problem::Csv(e.to_string()))),
        };
        let mut problems = Vec::new();
        if !blank {
            for (i, h) in headers.iter().enumerate() {
                if h.is_empty() {
                    problems.push((Location::Row { line: 1, unit: None }, Problem::BlankHeader(i + 1)));
                } else if let Some(first) = headers[..i].iter().position(|g| g == h) {
                    let p = Problem::DuplicateHeader { name: h.clone(), first: first + 1, second: i + 1 };
                    problems.push((Location::Row { line: 1, unit: None }, p));
                }
            }
        }
        if !problems.is_empty() {
            return Err(TerritoryError::invalid(path, problems));
        }
        Ok(CsvTable { path: path.to_path_buf(), headers, reader, line_starts, bad_utf8, blank })
    }

    fn header_error(path: &Path, p: Problem) -> TerritoryError {
        TerritoryError::Invalid { path: path.to_path_buf(), problems: vec![(Location::Row { line: 1, unit: None }, p)] }
    }

    /// True when the file is empty or holds only white space.
    pub fn is_blank(&self) -> bool {
        self.blank
    }

    /// Index of the first of `names` present in the header.
    pub fn column(&self, names: &[&str]) -> Option<usize> {
        names.iter().find_map(|n| self.headers.iter().position(|h| h == n))
    }

    /// Like [`CsvTable::column`], but a missing column is an error naming `names[0]` (or
    /// saying the file is empty), and the delimiter found when the header is one column of
    /// text with another candidate in it.
    pub fn require(&self, names: &[&str]) -> Result<usize, TerritoryError> {
        if self.blank {
            return Err(TerritoryError::Invalid { path: self.path.clone(), problems: vec![(Location::File, Problem::EmptyFile)] });
        }
        self.column(names).ok_or_else(|| {
            let p = match look_alike(names, &self.headers) {
                Some(found) => Problem::MissingColumnLike { column: names[0].into(), found },
                None => Problem::MissingColumn(names[0].into()),
            };
            CsvTable::header_error(&self.path, p)
        })
    }

    /// 1-based line of the record starting at a byte offset of the decoded text. The csv
    /// crate places a record after the previous terminator's first byte (the `\n` of a CRLF)
    /// and before any blank lines: those are skipped first.
    fn line_of(&self, byte: u64) -> u64 {
        let text = self.reader.get_ref().get_ref();
        let mut at = byte as usize;
        while at < text.len() && (text[at] == b'\r' || text[at] == b'\n') {
            at += 1;
        }
        self.line_starts.partition_point(|&s| s <= at) as u64
    }

    /// The readable records with their line numbers; unreadable ones, and records holding
    /// invalid UTF-8, become problems.
    pub fn records(&mut self, problems: &mut Vec<(Location, Problem)>) -> Vec<(u64, csv::StringRecord)> {
        let mut out = Vec::new();
        let expected = self.headers.len();
        let read: Vec<Result<csv::StringRecord, csv::Error>> = self.reader.records().collect();
        for record in read {
            match record {
                Ok(r) => out.push((r.position().map_or(0, |p| self.line_of(p.byte())), r)),
                Err(e) => {
                    let line = e.position().map_or(0, |p| self.line_of(p.byte()));
                    let p = match e.kind() {
                        csv::ErrorKind::UnequalLengths { len, .. } => Problem::FieldCount { found: *len as usize, expected },
                        _ => Problem::Csv(e.to_string()),
                    };
                    problems.push((Location::Row { line, unit: None }, p));
                }
            }
        }
        // Each invalid sequence belongs to the last record starting on or before its line
        // (a quoted field may span lines), or to the header.
        let mut by_record: Vec<(Option<usize>, Vec<usize>)> = Vec::new();
        for &(byte, line) in &self.bad_utf8 {
            let k = out.partition_point(|(l, _)| *l <= line).checked_sub(1);
            match by_record.last_mut() {
                Some((last, bytes)) if *last == k => bytes.push(byte),
                _ => by_record.push((k, vec![byte])),
            }
        }
        for (k, bytes) in by_record {
            let (line, column, near) = match k {
                None => (1, None, self.headers.iter().find(|h| h.contains('\u{FFFD}')).cloned().unwrap_or_default()),
                Some(k) => {
                    let (line, r) = &out[k];
                    let found = r.iter().enumerate().find(|(_, f)| f.contains('\u{FFFD}'));
                    let column = found.and_then(|(i, _)| self.headers.get(i).cloned());
                    (*line, column, found.map(|(_, f)| f.trim().to_string()).unwrap_or_default())
                }
            };
            let p = Problem::InvalidUtf8 { byte: bytes[0], count: bytes.len(), column, near };
            problems.push((Location::Row { line, unit: None }, p));
        }
        problems.sort_by_key(|(at, _)| match at {
            Location::Row { line, .. } => *line,
            _ => 0,
        });
        out
    }
}

/// `,`, `;` or tab: whichever occurs most often outside quotes in the first line (`,` on ties
/// and when none occurs).
fn detect_delimiter(text: &[u8]) -> u8 {
    let first = text.split(|&b| b == b'\n').next().unwrap_or(&[]);
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for &b in first {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for c in counts.iter_mut().filter(|c| c.0 == b) {
                c.1 += 1;
            }
        }
    }
    counts.iter().fold((b',', 0), |best, &c| if c.1 > best.1 { c } else { best }).0
}

/// Other spellings of the names pianura reads: ISTAT's own files (`PRO_COM_T`, `COMUNE`),
/// Italian headers, other letter cases.
const ALIASES: &[(&str, &[&str])] = &[
    ("istat", &["pro_com_t", "pro_com", "cod_istat", "codice_istat", "codistat", "istat_code", "cod_com"]),
    ("id", &[]),
    ("name", &["nome", "comune", "denominazione", "nome_comune", "denominazione_comune", "municipality"]),
    ("a", &["from", "source", "istat_a"]),
    ("b", &["to", "target", "istat_b"]),
];

/// The first of `present` that is another spelling of one of `wanted` (letter case aside,
/// or an [`ALIASES`] entry).
pub(crate) fn look_alike<'a>(wanted: &[&str], present: impl IntoIterator<Item = &'a String>) -> Option<String> {
    let present: Vec<&String> = present.into_iter().collect();
    present
        .iter()
        .find(|p| {
            let l = p.to_lowercase();
            wanted.iter().any(|w| *w == l || ALIASES.iter().any(|(name, others)| name == w && others.contains(&l.as_str())))
        })
        .map(|p| p.to_string())
}

/// How a [`Location`] names the municipality on a feature or row: `017103 Manerbio`, the id
/// or the name alone when only one is there, nothing when neither is.
fn unit_label(istat: Option<&str>, name: Option<&str>) -> Option<String> {
    let (istat, name) = (istat.filter(|s| !s.trim().is_empty()), name.filter(|s| !s.trim().is_empty()));
    match (istat, name) {
        (Some(id), Some(n)) => Some(format!("{id} {n}")),
        (Some(s), None) | (None, Some(s)) => Some(s.to_string()),
        (None, None) => None,
    }
}

/// Remembers ids already seen and reports duplicates with the first location.
#[derive(Default)]
struct SeenIds(std::collections::HashMap<String, String>);

impl SeenIds {
    fn check(&mut self, istat: &str, here: String) -> Result<(), Problem> {
        match self.0.get(istat) {
            Some(first) => Err(Problem::DuplicateId { istat: istat.to_string(), first: first.clone() }),
            None => {
                self.0.insert(istat.to_string(), here);
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn istat_codes_get_their_leading_zeros_back() {
        assert_eq!(normalize_istat("17103"), "017103");
        assert_eq!(normalize_istat(" 017103 "), "017103");
        assert_eq!(normalize_istat("A12"), "A12");
        assert_eq!(normalize_istat("1234567"), "1234567");
    }

    #[test]
    fn embedded_default_is_the_42_bassa_municipalities() {
        let t = Territory::embedded_default();
        assert_eq!(t.len(), 42);
        let manerbio = t.find("17103").expect("Manerbio is in ambito 9");
        assert_eq!(t.unit(manerbio).name, "Manerbio");
        assert_eq!(t.unit(manerbio).district.as_deref(), Some("9"));
        let names: Vec<&str> = t.attributes.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, DEFAULT_FEATURES);
    }

    #[test]
    fn values_reject_text_nan_and_blank() {
        assert_eq!(parse_value("growth", " 0.5 "), Ok(0.5));
        assert!(matches!(parse_value("growth", "NaN"), Err(Problem::NotFinite { .. })));
        assert!(matches!(parse_value("growth", "inf"), Err(Problem::NotFinite { .. })));
        assert!(matches!(parse_value("growth", "abc"), Err(Problem::NotNumeric { .. })));
        assert!(matches!(parse_value("growth", ""), Err(Problem::MissingValue(_))));
    }

    #[test]
    fn decimal_commas_thousands_and_float_codes_are_recognised() {
        assert_eq!(decimal_comma_reading("21,5").as_deref(), Some("21.5"));
        assert_eq!(decimal_comma_reading("-0,25").as_deref(), Some("-0.25"));
        assert_eq!(decimal_comma_reading("1.234,5").as_deref(), Some("1234.5"));
        assert_eq!(decimal_comma_reading("1,2,3"), None);
        assert_eq!(decimal_comma_reading("abc,5"), None);
        assert_eq!(decimal_comma_reading("21.5"), None);
        assert!(looks_like_thousands("12.874") && looks_like_thousands("1,234,567"));
        assert!(!looks_like_thousands("12.87") && !looks_like_thousands("1234.567") && !looks_like_thousands("1.234,567"));
        assert!(looks_like_float_code("17001.0") && looks_like_float_code("17001.") && looks_like_float_code("1.7001E+4"));
        assert!(!looks_like_float_code("017001") && !looks_like_float_code("A1.0") && !looks_like_float_code("."));
    }

    #[test]
    fn populations_are_whole_numbers_of_residents() {
        assert_eq!(parse_population("pop", " 13000 "), Ok(13000.0));
        assert_eq!(parse_population("pop", "13000.0"), Ok(13000.0));
        assert_eq!(parse_population("pop", "12.874"), Err(Problem::NotWhole { field: "pop", value: "12.874".into(), thousands: true }));
        assert_eq!(parse_population("pop", "12,874"), Err(Problem::NotWhole { field: "pop", value: "12,874".into(), thousands: true }));
        assert!(matches!(parse_population("pop", "13.000"), Err(Problem::NotWhole { thousands: true, .. })));
        assert_eq!(parse_population("pop", "2500.5"), Err(Problem::NotWhole { field: "pop", value: "2500.5".into(), thousands: false }));
        assert!(matches!(parse_population("pop", "-1"), Err(Problem::BadField { .. })));
        assert!(matches!(parse_population("pop", "1e11"), Err(Problem::BadField { .. })));
        assert!(matches!(parse_population("pop", "NaN"), Err(Problem::BadField { .. })));
        let msg = parse_population("pop", "12.874").unwrap_err().to_string();
        assert_eq!(msg, r#"`pop` must be a whole number of residents, found "12.874": if the `.` separates thousands, write 12874"#);
    }

    #[test]
    fn the_delimiter_is_the_commonest_of_comma_semicolon_and_tab_in_the_header() {
        assert_eq!(detect_delimiter(b"istat,name,x\n1;2;3;4\n"), b',');
        assert_eq!(detect_delimiter(b"istat;name;x\n1,5;a;b"), b';');
        assert_eq!(detect_delimiter(b"istat\tname\n"), b'\t');
        assert_eq!(detect_delimiter(b"\"a;b\",c\n"), b',');
        assert_eq!(detect_delimiter(b"istat\n"), b',');
    }

    #[test]
    fn repeated_column_problems_fold_into_one_per_column() {
        let at = |line| Location::Row { line, unit: None };
        let comma = |f: &str, v: &str| Problem::DecimalComma { feature: f.into(), value: v.into(), suggested: String::new(), others: 0 };
        let folded = fold_repeats(vec![
            (at(2), comma("x", "1,5")),
            (at(2), Problem::MissingName),
            (at(3), comma("x", "2,5")),
            (at(3), comma("y", "3,5")),
            (at(4), comma("x", "4,5")),
        ]);
        assert_eq!(folded.len(), 3);
        assert!(matches!(&folded[0], (Location::Row { line: 2, .. }, Problem::DecimalComma { feature, others: 2, .. }) if feature == "x"));
        assert!(matches!(&folded[2], (_, Problem::DecimalComma { feature, others: 0, .. }) if feature == "y"));
    }
}
