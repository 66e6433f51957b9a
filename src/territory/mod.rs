//! The study area: municipalities, their polygons or given edges, and their raw attributes.
//!
//! Owns reading and validating input (a GeoJSON FeatureCollection, or a folder with
//! `units.csv` + `edges.csv`) and the embedded default area. It must not know zones, feature
//! weights or solvers: it hands raw attribute columns to [`crate::features`] and polygons or
//! edges to [`crate::graph`]. Areas are measured in UTM 32N ([`utm`]).

mod csv_folder;
mod geojson_file;
pub mod utm;

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
    /// Surface in km², from the polygon in UTM 32N, or as given in `units.csv`.
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
}

/// Property or column names that describe a municipality rather than being features.
pub const RESERVED: &[&str] = &[
    "istat", "id", "name", "district", "pop", "pop_2022", "pop_2023", "area_km2", "lon", "lat",
];

/// The five default features (PRODUCT.md).
pub const DEFAULT_FEATURES: &[&str] =
    &["log_pop", "log_density", "share_65plus", "share_under15", "growth"];

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
    #[error("feature `{feature}` is not a number: {value:?}")]
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
    #[error("{path}: {}", list(problems))]
    Invalid {
        /// File.
        path: PathBuf,
        /// Every problem found, in file order.
        problems: Vec<(Location, Problem)>,
    },
}

fn list(problems: &[(Location, Problem)]) -> String {
    match problems {
        [(at, p)] => format!("{at}{p}"),
        _ => {
            let mut s = format!("{} problems", problems.len());
            for (at, p) in problems {
                s.push_str(&format!("\n  {at}{p}"));
            }
            s
        }
    }
}

impl Territory {
    /// The embedded default area: 42 municipalities of ambiti 8, 9 and 10 (Bassa Bresciana),
    /// ISTAT 2023 polygons and population (CC BY 4.0, ISTAT via openpolis).
    pub fn embedded_default() -> Territory {
        geojson_file::parse(Path::new("embedded default area"), DEFAULT_AREA)
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
        let is_json = matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("geojson" | "json")
        );
        if !is_json {
            std::fs::metadata(path).map_err(io)?;
            return Err(TerritoryError::UnknownFormat { path: path.to_path_buf() });
        }
        let text = std::fs::read_to_string(path).map_err(io)?;
        geojson_file::parse(path, &text)
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
        }
    }

    /// The municipality behind an id.
    pub fn unit(&self, id: MunicipalityId) -> &Municipality {
        &self.units[id.index()]
    }
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

/// Parses a feature value: a finite number, or the problem with it.
pub(crate) fn parse_value(feature: &str, text: &str) -> Result<f64, Problem> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Problem::MissingValue(feature.to_string()));
    }
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(_) => Err(Problem::NotFinite { feature: feature.to_string(), value: t.to_string() }),
        Err(_) => Err(Problem::NotNumeric { feature: feature.to_string(), value: t.to_string() }),
    }
}

/// The range a reserved numeric field must lie in, and how a message states it.
#[derive(Clone, Copy)]
struct Bounds {
    min: f64,
    max: f64,
    expected: &'static str,
}

/// Populations, areas (km²), border lengths (metres).
const NON_NEGATIVE: Bounds = Bounds { min: 0.0, max: f64::MAX, expected: "a number ≥ 0" };
/// WGS84 longitude in degrees.
const LONGITUDE: Bounds = Bounds { min: -180.0, max: 180.0, expected: "a WGS84 longitude in [-180, 180]" };
/// WGS84 latitude in degrees.
const LATITUDE: Bounds = Bounds { min: -90.0, max: 90.0, expected: "a WGS84 latitude in [-90, 90]" };

/// Parses a reserved numeric field that must be finite and within `bounds`.
fn parse_field(field: &'static str, text: &str, bounds: Bounds) -> Result<f64, Problem> {
    match text.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && (bounds.min..=bounds.max).contains(&v) => Ok(v),
        _ => Err(Problem::BadField { field, expected: bounds.expected, value: text.trim().to_string() }),
    }
}

/// A CSV file opened with its trimmed header; every reader of a CSV input goes through it so
/// that unreadable records and missing columns are reported the same way, with line numbers.
pub(crate) struct CsvTable {
    path: PathBuf,
    /// Trimmed column names.
    pub headers: Vec<String>,
    reader: csv::Reader<std::fs::File>,
}

impl CsvTable {
    /// Opens `path` and reads its header.
    pub fn open(path: &Path) -> Result<CsvTable, TerritoryError> {
        let io = |cause| TerritoryError::Io { path: path.to_path_buf(), cause };
        let file = std::fs::File::open(path).map_err(io)?;
        let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(file);
        let headers = match reader.headers() {
            Ok(h) => h.iter().map(|h| h.trim().to_string()).collect(),
            Err(e) => return Err(CsvTable::header_error(path, Problem::Csv(e.to_string()))),
        };
        Ok(CsvTable { path: path.to_path_buf(), headers, reader })
    }

    fn header_error(path: &Path, p: Problem) -> TerritoryError {
        TerritoryError::Invalid { path: path.to_path_buf(), problems: vec![(Location::Row { line: 1, unit: None }, p)] }
    }

    /// Index of the first of `names` present in the header.
    pub fn column(&self, names: &[&str]) -> Option<usize> {
        names.iter().find_map(|n| self.headers.iter().position(|h| h == n))
    }

    /// Like [`CsvTable::column`], but a missing column is an error naming `names[0]`.
    pub fn require(&self, names: &[&str]) -> Result<usize, TerritoryError> {
        self.column(names).ok_or_else(|| CsvTable::header_error(&self.path, Problem::MissingColumn(names[0].into())))
    }

    /// The readable records with their line numbers; unreadable ones become problems.
    pub fn records(&mut self, problems: &mut Vec<(Location, Problem)>) -> Vec<(u64, csv::StringRecord)> {
        let mut out = Vec::new();
        for record in self.reader.records() {
            match record {
                Ok(r) => out.push((r.position().map_or(0, |p| p.line()), r)),
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    problems.push((Location::Row { line, unit: None }, Problem::Csv(e.to_string())));
                }
            }
        }
        out
    }
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
}
