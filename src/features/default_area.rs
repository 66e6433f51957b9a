//! The embedded default area's feature layers: the five demographic features of the area file
//! and the economic and territorial layer (MEF income, ISTAT ASIA enterprises, ISTAT degree of
//! urbanisation, OpenCivitas standard need), with each feature's definition and source. Both
//! files are derived by `scripts/build_economic.py` from the raw sources (fixtures/SOURCES.md).

use std::path::Path;

use serde::Serialize;

use super::{FeatureError, FeatureMatrix};
use crate::territory::{CsvTable, Territory};

const ECONOMIC: &str = include_str!("../../fixtures/bassa_bresciana/economic.csv");
const SOURCES: &str = include_str!("../../fixtures/bassa_bresciana/feature_sources.csv");

/// The economic and territorial features of the default area, in file order.
pub const ECONOMIC_FEATURES: &[&str] = &[
    "log_income_per_taxpayer",
    "taxpayers_per_resident",
    "log_employees_per_100",
    "log_units_per_1000",
    "share_manufacturing",
    "share_construction",
    "degurba",
    "log_need_police_pc",
    "log_need_admin_pc",
    "log_need_roads_pc",
];

/// What a default feature measures and where it comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeatureSource {
    /// Feature name.
    pub feature: String,
    /// Its definition.
    pub definition: String,
    /// The data it is derived from.
    pub source: String,
    /// Reference year of the data.
    pub year: String,
    /// Licence of the data.
    pub licence: String,
}

/// Definition and source of every feature of the embedded default area, demographic first.
pub fn default_feature_sources() -> Vec<FeatureSource> {
    let broken = "the embedded feature sources are a valid fixture (tested)";
    let mut reader = csv::Reader::from_reader(SOURCES.as_bytes());
    reader
        .records()
        .map(|r| {
            let r = r.expect(broken);
            let cell = |i: usize| r.get(i).expect(broken).to_string();
            FeatureSource { feature: cell(0), definition: cell(1), source: cell(2), year: cell(3), licence: cell(4) }
        })
        .collect()
}

impl FeatureMatrix {
    /// The embedded default area's features: the territory's own (demographic) joined with the
    /// economic layer by ISTAT code.
    ///
    /// # Errors
    /// [`FeatureError`] when `t` is not the default area (a municipality without a row).
    pub fn embedded_default(t: &Territory) -> Result<FeatureMatrix, FeatureError> {
        let path = Path::new("embedded economic features");
        let table = CsvTable::from_bytes(path, ECONOMIC.as_bytes())?;
        let (joined, _) = FeatureMatrix::try_from_territory(t)?.join_table_noting(path, table, t)?;
        Ok(joined)
    }
}
