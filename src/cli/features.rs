//! `pianura features`: mean, standard deviation and extremes of each feature.

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use pianura::territory::MunicipalityId;

use pianura::features::default_feature_sources;

use super::args::{AreaArgs, FeaturesArgs};
use super::common::{load_area, unit_ref, UnitRef};

/// One row of `pianura features --json`.
#[derive(Debug, Serialize)]
struct FeatureRow {
    name: String,
    /// What it measures (the embedded area's features; blank for others).
    definition: String,
    /// Where it comes from: the data source, or the file it was read from.
    source: String,
    mean: f64,
    sd: f64,
    min: f64,
    min_unit: UnitRef,
    max: f64,
    max_unit: UnitRef,
}

/// `pianura features`.
pub fn run(args: FeaturesArgs) -> Result<()> {
    let (t, f) = load_area(&args.area)?;
    let sources = feature_sources(&args.area, f.names());
    let rows: Vec<FeatureRow> = f
        .summary()
        .into_iter()
        .zip(sources)
        .map(|(s, (definition, source))| FeatureRow {
            definition,
            source,
            min_unit: unit_ref(&t, MunicipalityId(s.argmin as u32)),
            max_unit: unit_ref(&t, MunicipalityId(s.argmax as u32)),
            name: s.name,
            mean: s.mean,
            sd: s.sd,
            min: s.min,
            max: s.max,
        })
        .collect();
    let mut out = std::io::stdout().lock();
    if args.json {
        #[derive(Serialize)]
        struct Report<'a> {
            area: &'a str,
            projection: Option<pianura::territory::Projection>,
            units: usize,
            features: &'a [FeatureRow],
        }
        let report = Report { area: &t.source, projection: t.projection(), units: t.len(), features: &rows };
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(out, "{} municipalities, {} features ({})", t.len(), rows.len(), t.source)?;
    writeln!(out, "{:<24} {:>11} {:>11} {:>11} {:>11}  {:<38} source", "feature", "mean", "sd", "min", "max", "lowest / highest")?;
    for r in &rows {
        let extremes = format!("{} / {}", r.min_unit.name, r.max_unit.name);
        writeln!(out, "{:<24} {:>11.4} {:>11.4} {:>11.4} {:>11.4}  {extremes:<38} {}", r.name, r.mean, r.sd, r.min, r.max, r.source)?;
    }
    if args.area.area.is_none() {
        writeln!(out, "definitions: fixtures/SOURCES.md in the sources, or `pianura features --json`")?;
    }
    Ok(())
}

/// Definition and source of each feature: the embedded table for the default area's own,
/// else the file that holds the column (a --features-csv, or the area).
fn feature_sources(area: &AreaArgs, names: &[String]) -> Vec<(String, String)> {
    let embedded = if area.area.is_none() { default_feature_sources() } else { Vec::new() };
    let csv_headers: Vec<(String, Vec<String>)> = area
        .features_csv
        .iter()
        .map(|p| {
            let headers = csv::Reader::from_path(p).and_then(|mut r| r.headers().map(|h| h.iter().map(str::to_string).collect()));
            (p.display().to_string(), headers.unwrap_or_default())
        })
        .collect();
    names
        .iter()
        .map(|n| {
            if let Some(s) = embedded.iter().find(|s| &s.feature == n) {
                return (s.definition.clone(), format!("{}, {} ({})", s.source, s.year, s.licence));
            }
            let file = csv_headers.iter().find(|(_, h)| h.contains(n)).map(|(p, _)| p.clone());
            let area_file = area.area.as_ref().map_or("embedded default area".to_string(), |p| p.display().to_string());
            (String::new(), file.unwrap_or(area_file))
        })
        .collect()
}
