//! What several commands share: loading the area, checking the output folder, naming
//! municipalities and resolving ISTAT codes given on the command line.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use serde::Serialize;

use pianura::features::FeatureMatrix;
use pianura::report::OutputFolder;
use pianura::territory::{MunicipalityId, Territory};

use super::args::AreaArgs;
use super::interrupt;

/// The input paths of an area: `--area` and every `--features-csv`.
pub fn area_inputs(args: &AreaArgs) -> Vec<&Path> {
    args.area.iter().chain(&args.features_csv).map(PathBuf::as_path).collect()
}

/// Checks `--out` before any work (see [`OutputFolder::prepare`]) against every input of the
/// command, and registers it for a clean interrupt.
pub fn output_folder(out: &Path, command: &str, area: &AreaArgs, more: &[&Path]) -> Result<Arc<OutputFolder>> {
    let mut inputs = area_inputs(area);
    inputs.extend_from_slice(more);
    Ok(interrupt::guard(OutputFolder::prepare(out, command, &inputs)?))
}

/// The area and its features; the readers' warnings go to stderr.
pub fn load_area(args: &AreaArgs) -> Result<(Territory, FeatureMatrix)> {
    load_area_noting(args).map(|(t, f, _)| (t, f))
}

/// The area and its features, with the warnings of the readers (printed on stderr as they
/// come, and returned for the report).
pub fn load_area_noting(args: &AreaArgs) -> Result<(Territory, FeatureMatrix, Vec<String>)> {
    let mut noted = Vec::new();
    let territory = match &args.area {
        Some(path) => Territory::load(path).context("cannot load the study area")?,
        None => Territory::embedded_default(),
    };
    let mut features = match &args.area {
        Some(_) => FeatureMatrix::try_from_territory(&territory),
        None => FeatureMatrix::embedded_default(&territory),
    }
    .context("cannot load the study area")?;
    for path in &args.features_csv {
        let (joined, warnings) = features.join_csv_noting(path, &territory).context("cannot join the extra features")?;
        for w in warnings {
            eprintln!("warning: {w}");
            noted.push(w.to_string());
        }
        features = joined;
    }
    if let Some(names) = &args.features {
        features = features.select(names).context("--features")?;
    }
    Ok((territory, features, noted))
}

/// A municipality as JSON shows it.
#[derive(Debug, Serialize)]
pub struct UnitRef {
    /// ISTAT code.
    pub istat: String,
    /// Name.
    pub name: String,
}

/// The [`UnitRef`] of municipality `id`.
pub fn unit_ref(t: &Territory, id: MunicipalityId) -> UnitRef {
    let u = t.unit(id);
    UnitRef { istat: u.istat.clone(), name: u.name.clone() }
}

/// Population bounds and weights need every municipality's population: none is assumed.
pub fn require_population(t: &Territory, flags: &str) -> Result<()> {
    let missing: Vec<String> = t.units.iter().filter(|u| u.pop.is_none()).map(|u| u.to_string()).collect();
    if missing.is_empty() {
        return Ok(());
    }
    let shown: Vec<&str> = missing.iter().take(5).map(String::as_str).collect();
    let more = if missing.len() > 5 { format!(" and {} more", missing.len() - 5) } else { String::new() };
    bail!(
        "{flags} need every municipality's population, but {} gives none for {} of {} municipalities ({}{more}): add a `pop` property or column",
        t.source,
        missing.len(),
        t.len(),
        shown.join(", ")
    )
}

/// Municipality indices of a comma-, semicolon- or space-separated list of ISTAT codes.
pub fn unit_codes(t: &Territory, list: &str, flag: &str) -> Result<Vec<usize>> {
    let codes: Vec<&str> = list.split([',', ';', ' ']).map(str::trim).filter(|c| !c.is_empty()).collect();
    if codes.is_empty() {
        bail!("{flag} {list:?}: no ISTAT code given");
    }
    codes
        .iter()
        .map(|c| {
            t.find(c).map(|id| id.index()).ok_or_else(|| anyhow::anyhow!("{flag}: no municipality with ISTAT code {c} in {}", t.source))
        })
        .collect()
}
