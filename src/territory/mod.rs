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
mod csv_table;
mod geojson_file;
mod overlap;
mod problem;
pub mod utm;
mod values;

pub use utm::Projection;

pub(crate) use csv_table::*;
pub(crate) use problem::*;
pub use problem::{Location, Problem, TerritoryError};
pub use values::normalize_istat;
pub(crate) use values::*;

use std::fmt;
use std::path::Path;

use geo::MultiPolygon;

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

#[cfg(test)]
mod tests;
