//! `pianura features`: mean, standard deviation and extremes of each feature.

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use pianura::territory::MunicipalityId;

use super::args::FeaturesArgs;
use super::common::{load_area, unit_ref, UnitRef};

/// One row of `pianura features --json`.
#[derive(Debug, Serialize)]
struct FeatureRow {
    name: String,
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
    let rows: Vec<FeatureRow> = f
        .summary()
        .into_iter()
        .map(|s| FeatureRow {
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
    writeln!(out, "{:<16} {:>12} {:>12} {:>12} {:>12}  lowest / highest", "feature", "mean", "sd", "min", "max")?;
    for r in &rows {
        writeln!(
            out,
            "{:<16} {:>12.4} {:>12.4} {:>12.4} {:>12.4}  {} / {}",
            r.name, r.mean, r.sd, r.min, r.max, r.min_unit.name, r.max_unit.name
        )?;
    }
    Ok(())
}
