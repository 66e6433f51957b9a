//! Reading a GeoJSON FeatureCollection of municipalities (WGS84 polygons + properties).
//!
//! Properties: an id (`istat` or `id`, else the feature's own `id`), a non-blank `name`,
//! optional `district`, population (`pop_2023`, else `pop`: a whole number, in every feature or
//! none), optional `lon`/`lat` of an interior point; every other property holding a number is a
//! feature column and must be a finite number in every municipality. Geometries must be Polygon
//! or MultiPolygon in WGS84 degrees, every ring with at least 3 distinct points not all on one
//! line. Each feature is checked on its own, so one run lists every problem; then the features
//! are checked together: `[latitude, longitude]` axis order, `lon`/`lat` points far outside
//! their polygon, two features covering the same ground.
//!
//! Input as Python's `json.dump` writes it is read too, so that its faults are named: a UTF-8
//! byte-order mark is skipped; bare `NaN`, `Infinity`, `-Infinity` and numbers too large for a
//! double (`1e999`) become problems of their feature and property; invalid UTF-8 and syntax
//! errors name the byte or line and the feature they fall in.

use std::path::Path;

use geo::{
    Area, BoundingRect, Coord, Distance, Euclidean, InteriorPoint, Intersects, LineString, MapCoords, MultiPolygon, Point, Polygon,
    Validation,
};
use serde_json::{Map, Value};

use super::overlap::overlaps;
use super::{
    looks_like_float_code, normalize_istat, parse_field, parse_population, parse_value, unit_label, Attribute, Location, Municipality,
    Problem, Projection, SeenIds, Shapes, Territory, TerritoryError, LATITUDE, LONGITUDE, RESERVED,
};

mod geometry;
mod json_text;

use geometry::*;
use json_text::*;

/// Marks a string that stands for a bare non-finite token of the file (see [`nonstandard`]).
const MARK: char = '\0';

/// WGS84 box around Italy (degrees), with a margin: Italian ISTAT-coded features whose polygon
/// lies outside it but inside it once swapped are in `[latitude, longitude]` order.
pub(super) const ITALY: ([f64; 2], [f64; 2]) = ([6.0, 35.0], [19.0, 47.5]);

/// Distance (metres) a `lon`/`lat` point may lie outside its polygon at least; more for large
/// municipalities (the radius of a circle of the same area). A centroid of a curved shape lies
/// within it; a point of another municipality, or a mistyped one, usually does not.
const POINT_SLACK_M: f64 = 1000.0;

/// One feature as read, before the checks that compare features.
struct Read {
    at: Location,
    istat: Option<String>,
    name: Option<String>,
    district: Option<String>,
    pop: Option<f64>,
    /// A population property was present (even if unreadable).
    pop_given: bool,
    /// `lon`/`lat` from the properties.
    point: Option<(f64, f64)>,
    polygon: Option<MultiPolygon<f64>>,
}

/// Parses `bytes` (read from `path`, named in errors) into a territory.
pub(super) fn parse(path: &Path, bytes: &[u8]) -> Result<Territory, TerritoryError> {
    let malformed = |reason: String| TerritoryError::Malformed { path: path.to_path_buf(), reason };
    let bom = if bytes.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
    let body = &bytes[bom..];
    let Ok(text) = std::str::from_utf8(body) else {
        return Err(utf8_error(path, body, bom));
    };
    let root = read_json(text).map_err(malformed)?;
    if root.get("type").and_then(Value::as_str) != Some("FeatureCollection") {
        return Err(malformed("the top-level object is not a FeatureCollection".into()));
    }
    let features =
        root.get("features").and_then(Value::as_array).ok_or_else(|| malformed("the FeatureCollection has no `features` array".into()))?;
    if features.is_empty() {
        return Err(TerritoryError::invalid(path, vec![(Location::File, Problem::Empty)]));
    }

    let empty = Map::new();
    let props: Vec<&Map<String, Value>> =
        features.iter().map(|f| f.get("properties").and_then(Value::as_object).unwrap_or(&empty)).collect();
    let columns = feature_columns(&props);

    let mut problems = Vec::new();
    let mut seen = SeenIds::default();
    let mut read = Vec::with_capacity(features.len());
    let mut values: Vec<Vec<f64>> = vec![Vec::with_capacity(features.len()); columns.len()];
    for (i, (feature, p)) in features.iter().zip(&props).enumerate() {
        let istat = id_of(feature, p);
        let name = match p.get("name") {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim_start_matches(MARK).to_string()),
            Some(v @ Value::Number(_)) => Some(text_of(v)),
            _ => None,
        };
        let at = Location::Feature { index: i + 1, unit: unit_label(istat.as_deref(), name.as_deref()) };
        let mut report = |p: Problem| problems.push((at.clone(), p));

        match &istat {
            None => report(match super::look_alike(&["istat", "id"], p.keys()) {
                Some(found) => Problem::MissingIdLike(found),
                None => Problem::MissingId,
            }),
            Some(id) if looks_like_float_code(id) => {
                let column = ["istat", "id"].into_iter().find(|k| p.contains_key(*k)).unwrap_or("id");
                report(Problem::FloatIds { column: column.to_string(), value: id.clone(), count: 1 })
            }
            Some(id) => {
                if let Err(p) = seen.check(id, format!("feature {}", i + 1)) {
                    report(p);
                }
            }
        }
        if name.is_none() {
            let other = super::look_alike(&["name"], p.keys().filter(|k| *k != "name"));
            report(other.map_or(Problem::MissingName, Problem::MissingNameLike));
        }
        let polygon = geometry_of(feature).map_err(|ps| ps.into_iter().for_each(&mut report)).ok();
        let pop_key = ["pop_2023", "pop"].into_iter().find(|k| p.get(*k).is_some_and(|v| !v.is_null()));
        let pop = pop_key.and_then(|k| parse_population(k, &text_of(&p[k])).map_err(&mut report).ok());
        let given = |k: &str| p.get(k).filter(|v| !v.is_null());
        let point = match (given("lon"), given("lat")) {
            (Some(lon), Some(lat)) => {
                let lon = parse_field("lon", &text_of(lon), LONGITUDE).map_err(&mut report).ok();
                let lat = parse_field("lat", &text_of(lat), LATITUDE).map_err(&mut report).ok();
                lon.zip(lat)
            }
            (Some(_), None) => {
                report(Problem::HalfPoint { given: "lon", missing: "lat" });
                None
            }
            (None, Some(_)) => {
                report(Problem::HalfPoint { given: "lat", missing: "lon" });
                None
            }
            (None, None) => None,
        };
        for (c, column) in columns.iter().enumerate() {
            let v = match p.get(column.as_str()) {
                None | Some(Value::Null) => Err(Problem::MissingValue(column.clone())),
                Some(v) => parse_value(column, &text_of(v)),
            };
            values[c].push(v.map_err(&mut report).unwrap_or(f64::NAN));
        }
        let district = p.get("district").filter(|v| !v.is_null()).map(text_of);
        read.push(Read { at, istat, name, district, pop, pop_given: pop_key.is_some(), point, polygon });
    }

    // Population in every feature or in none.
    let with_pop = read.iter().filter(|r| r.pop_given).count();
    if with_pop > 0 && with_pop < read.len() {
        let field = props.iter().find_map(|p| ["pop_2023", "pop"].into_iter().find(|k| p.get(*k).is_some_and(|v| !v.is_null())));
        for r in read.iter().filter(|r| !r.pop_given) {
            let p = Problem::MissingField { field: field.unwrap_or("pop").to_string(), others: with_pop };
            problems.push((r.at.clone(), p));
        }
    }

    // Axis order, then the projection of the sound polygons.
    let mut swapped = vec![false; read.len()];
    for (k, r) in read.iter().enumerate() {
        if let Some(mp) = &r.polygon {
            if let Some(p) = axis_problem(mp, r.istat.as_deref(), r.point) {
                swapped[k] = true;
                problems.push((r.at.clone(), p));
            }
        }
    }
    let sound: Vec<MultiPolygon<f64>> = read.iter().zip(&swapped).filter(|(_, &s)| !s).filter_map(|(r, _)| r.polygon.clone()).collect();
    let projection = Projection::for_area(&sound).unwrap_or(Projection::UTM32N);

    let mut units = Vec::with_capacity(read.len());
    let mut polygons = Vec::with_capacity(read.len());
    for (k, r) in read.iter().enumerate() {
        let (area_km2, point) = match &r.polygon {
            Some(mp) => {
                let projected = projection.project_multipolygon(mp);
                let area_m2 = projected.unsigned_area();
                if let (Some((lon, lat)), false) = (r.point, swapped[k]) {
                    let p = projection.project(Coord { x: lon, y: lat });
                    let p = Point::from(p);
                    let dist = if projected.intersects(&p) {
                        0.0
                    } else {
                        projected.iter().map(|poly| Euclidean.distance(&p, poly)).fold(f64::INFINITY, f64::min)
                    };
                    let limit = POINT_SLACK_M.max((area_m2 / std::f64::consts::PI).sqrt());
                    if dist > limit {
                        let p = Problem::PointOutside { lon, lat, km: dist / 1000.0, limit_km: limit / 1000.0 };
                        problems.push((r.at.clone(), p));
                    }
                }
                let inside = mp.interior_point().map(|c| (c.x(), c.y()));
                (Some(area_m2 / 1e6), r.point.or(inside))
            }
            None => (None, r.point),
        };
        units.push(Municipality {
            istat: r.istat.clone().unwrap_or_default(),
            name: r.name.clone().unwrap_or_default(),
            district: r.district.clone(),
            pop: r.pop,
            area_km2,
            point,
        });
        polygons.push(r.polygon.clone().unwrap_or_else(|| MultiPolygon::new(vec![])));
    }

    // Two features on the same ground (only among sound polygons: a swapped one would be
    // compared where it does not belong).
    let candidates: Vec<Option<&MultiPolygon<f64>>> = read.iter().zip(&swapped).map(|(r, &s)| r.polygon.as_ref().filter(|_| !s)).collect();
    for o in overlaps(&candidates) {
        let other = match &read[o.first].at {
            Location::Feature { index, unit: Some(u) } => format!("feature {index} ({u})"),
            _ => format!("feature {}", o.first + 1),
        };
        problems.push((read[o.second].at.clone(), Problem::Overlap { other, share: o.share, identical: o.identical }));
    }

    if !problems.is_empty() {
        problems.sort_by_key(|(at, _)| match at {
            Location::Feature { index, .. } => *index,
            _ => 0,
        });
        return Err(TerritoryError::invalid(path, problems));
    }
    let attributes = columns.into_iter().zip(values).map(|(name, values)| Attribute { name, values }).collect();
    Ok(Territory {
        source: path.display().to_string(),
        units,
        shapes: Shapes::Polygons(polygons),
        attributes,
        projection: Some(projection),
    })
}

/// Non-reserved properties that hold a number in at least one feature, in first-seen order.
/// A bare `NaN`/`Infinity` and a number written with a decimal comma (`"21,5"`) count as
/// numbers here, so that a column written so is reported rather than dropped.
fn feature_columns(props: &[&Map<String, Value>]) -> Vec<String> {
    let numeric = |v: &Value| match v {
        Value::Number(_) => true,
        Value::String(s) => s.starts_with(MARK) || super::decimal_comma_reading(s).is_some(),
        _ => false,
    };
    let mut names: Vec<String> = Vec::new();
    for p in props {
        for (k, v) in p.iter() {
            if numeric(v) && !RESERVED.contains(&k.as_str()) && !names.contains(k) {
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

/// A JSON scalar as text (strings without quotes; a bare token of the file as written).
fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.strip_prefix(MARK).unwrap_or(s).to_string(),
        other => other.to_string(),
    }
}

/// A coordinate: a JSON number, or a bare non-finite token (NaN, ±infinity).
fn num_of(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.strip_prefix(MARK)?.parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
