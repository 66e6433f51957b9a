//! Reading a GeoJSON FeatureCollection of municipalities (WGS84 polygons + properties).
//!
//! Properties: an id (`istat` or `id`, else the feature's own `id`), `name`, optional
//! `district`, population (`pop_2023`, else `pop`), optional `lon`/`lat` of an interior point;
//! every other property holding a number is a feature column and must be a finite number in
//! every municipality. Each feature is checked on its own, so one run lists every problem.

use std::path::Path;

use geo::{Area, InteriorPoint, MultiPolygon, Validation};
use serde_json::{Map, Value};

use super::{
    normalize_istat, parse_field, parse_value, utm, Attribute, Location, Municipality, Problem,
    SeenIds, Shapes, Territory, TerritoryError, RESERVED,
};

/// Parses `text` (read from `path`, named in errors) into a territory.
pub(super) fn parse(path: &Path, text: &str) -> Result<Territory, TerritoryError> {
    let malformed = |reason: String| TerritoryError::Malformed { path: path.to_path_buf(), reason };
    let root: Value = serde_json::from_str(text).map_err(|e| malformed(e.to_string()))?;
    if root.get("type").and_then(Value::as_str) != Some("FeatureCollection") {
        return Err(malformed("the top-level object is not a FeatureCollection".into()));
    }
    let features = root
        .get("features")
        .and_then(Value::as_array)
        .ok_or_else(|| malformed("the FeatureCollection has no `features` array".into()))?;
    let invalid = |problems| TerritoryError::Invalid { path: path.to_path_buf(), problems };
    if features.is_empty() {
        return Err(invalid(vec![(Location::File, Problem::Empty)]));
    }

    let empty = Map::new();
    let props: Vec<&Map<String, Value>> = features
        .iter()
        .map(|f| f.get("properties").and_then(Value::as_object).unwrap_or(&empty))
        .collect();
    let columns = feature_columns(&props);

    let mut problems = Vec::new();
    let mut seen = SeenIds::default();
    let mut units = Vec::with_capacity(features.len());
    let mut polygons = Vec::with_capacity(features.len());
    let mut values: Vec<Vec<f64>> = vec![Vec::with_capacity(features.len()); columns.len()];
    for (i, (feature, p)) in features.iter().zip(&props).enumerate() {
        let istat = id_of(feature, p);
        let name = p.get("name").and_then(Value::as_str).map(str::to_string);
        let unit = istat.as_ref().map(|id| format!("{id} {}", name.as_deref().unwrap_or("")));
        let at = Location::Feature { index: i + 1, unit: unit.map(|u| u.trim_end().to_string()) };
        let mut report = |p: Problem| problems.push((at.clone(), p));

        match &istat {
            None => report(Problem::MissingId),
            Some(id) => {
                if let Err(p) = seen.check(id, format!("feature {}", i + 1)) {
                    report(p);
                }
            }
        }
        let polygon = geometry_of(feature).map_err(&mut report).ok();
        let pop = ["pop_2023", "pop"]
            .iter()
            .find_map(|k| p.get(*k).filter(|v| !v.is_null()))
            .and_then(|v| parse_field("pop", &text_of(v), 0.0).map_err(&mut report).ok());
        let point = match (p.get("lon"), p.get("lat")) {
            (Some(lon), Some(lat)) => {
                let lon = parse_field("lon", &text_of(lon), f64::MIN).map_err(&mut report).ok();
                let lat = parse_field("lat", &text_of(lat), f64::MIN).map_err(&mut report).ok();
                lon.zip(lat)
            }
            _ => None,
        };
        for (c, column) in columns.iter().enumerate() {
            let v = match p.get(column.as_str()) {
                None | Some(Value::Null) => Err(Problem::MissingValue(column.clone())),
                Some(v) => parse_value(column, &text_of(v)),
            };
            values[c].push(v.map_err(&mut report).unwrap_or(f64::NAN));
        }
        let district = p.get("district").filter(|v| !v.is_null()).map(text_of);
        let (area_km2, point) = match &polygon {
            Some(mp) => {
                let inside = mp.interior_point().map(|c| (c.x(), c.y()));
                (Some(utm::project(mp).unsigned_area() / 1e6), point.or(inside))
            }
            None => (None, point),
        };
        units.push(Municipality {
            istat: istat.unwrap_or_default(),
            name: name.unwrap_or_default(),
            district,
            pop,
            area_km2,
            point,
        });
        polygons.push(polygon.unwrap_or_else(|| MultiPolygon::new(vec![])));
    }
    if !problems.is_empty() {
        return Err(invalid(problems));
    }
    let attributes =
        columns.into_iter().zip(values).map(|(name, values)| Attribute { name, values }).collect();
    Ok(Territory {
        source: path.display().to_string(),
        units,
        shapes: Shapes::Polygons(polygons),
        attributes,
    })
}

/// Non-reserved properties that hold a number in at least one feature, in first-seen order.
fn feature_columns(props: &[&Map<String, Value>]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for p in props {
        for (k, v) in p.iter() {
            if v.is_number() && !RESERVED.contains(&k.as_str()) && !names.contains(k) {
                names.push(k.clone());
            }
        }
    }
    names
}

/// The id: `istat`, else `id` property, else the feature's `id` member; numbers accepted.
fn id_of(feature: &Value, p: &Map<String, Value>) -> Option<String> {
    [p.get("istat"), p.get("id"), feature.get("id")]
        .into_iter()
        .flatten()
        .find(|v| v.is_string() || v.is_number())
        .map(|v| normalize_istat(&text_of(v)))
        .filter(|s| !s.is_empty())
}

/// A JSON scalar as text (strings without quotes).
fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The feature's geometry as a validated multipolygon.
fn geometry_of(feature: &Value) -> Result<MultiPolygon<f64>, Problem> {
    let raw = match feature.get("geometry") {
        None | Some(Value::Null) => return Err(Problem::MissingGeometry),
        Some(g) => g.clone(),
    };
    let bad = |e: &dyn std::fmt::Display| Problem::InvalidPolygon(e.to_string());
    let g: geojson::Geometry = serde_json::from_value(raw).map_err(|e| bad(&e))?;
    let mp = match geo::Geometry::<f64>::try_from(&g.value).map_err(|e| bad(&e))? {
        geo::Geometry::Polygon(p) => MultiPolygon::new(vec![p]),
        geo::Geometry::MultiPolygon(mp) => mp,
        _ => return Err(Problem::WrongGeometry(g.value.type_name().to_string())),
    };
    if mp.0.is_empty() {
        return Err(Problem::InvalidPolygon("no polygon in the MultiPolygon".into()));
    }
    mp.check_validation().map_err(|e| bad(&e))?;
    Ok(mp)
}
