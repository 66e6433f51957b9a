//! Reading a GeoJSON FeatureCollection of municipalities (WGS84 polygons + properties).
//!
//! Properties: an id (`istat` or `id`, else the feature's own `id`), `name`, optional
//! `district`, population (`pop_2023`, else `pop`), optional `lon`/`lat` of an interior point;
//! every other property holding a number is a feature column and must be a finite number in
//! every municipality. Geometries must be Polygon or MultiPolygon in WGS84 degrees, every ring
//! with at least 3 distinct points. Each feature is checked on its own, so one run lists every
//! problem.

use std::path::Path;

use geo::{Area, Coord, InteriorPoint, LineString, MultiPolygon, Polygon, Validation};
use serde_json::{Map, Value};

use super::{
    normalize_istat, parse_field, parse_value, unit_label, utm, Attribute, Location, Municipality, Problem,
    SeenIds, Shapes, Territory, TerritoryError, LATITUDE, LONGITUDE, NON_NEGATIVE, RESERVED,
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
        let at = Location::Feature { index: i + 1, unit: unit_label(istat.as_deref(), name.as_deref()) };
        let mut report = |p: Problem| problems.push((at.clone(), p));

        match &istat {
            None => report(Problem::MissingId),
            Some(id) => {
                if let Err(p) = seen.check(id, format!("feature {}", i + 1)) {
                    report(p);
                }
            }
        }
        let polygon = geometry_of(feature).map_err(|ps| ps.into_iter().for_each(&mut report)).ok();
        let pop = ["pop_2023", "pop"]
            .iter()
            .find_map(|k| p.get(*k).filter(|v| !v.is_null()))
            .and_then(|v| parse_field("pop", &text_of(v), NON_NEGATIVE).map_err(&mut report).ok());
        let point = match (p.get("lon"), p.get("lat")) {
            (Some(lon), Some(lat)) => {
                let lon = parse_field("lon", &text_of(lon), LONGITUDE).map_err(&mut report).ok();
                let lat = parse_field("lat", &text_of(lat), LATITUDE).map_err(&mut report).ok();
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

/// The feature's geometry as a validated multipolygon, or every problem found in it.
///
/// Read from the JSON directly rather than through `geojson`'s conversion, which panics on a
/// position with fewer than two numbers. Checks, in order: shape of the coordinates, finite
/// WGS84 degrees, at least 3 distinct points per ring; then geo's validation (self-crossing
/// rings, holes outside their shell…) when the rest is sound.
fn geometry_of(feature: &Value) -> Result<MultiPolygon<f64>, Vec<Problem>> {
    let g = match feature.get("geometry") {
        None | Some(Value::Null) => return Err(vec![Problem::MissingGeometry]),
        Some(g) => g,
    };
    let invalid = |why: String| vec![Problem::InvalidPolygon(why)];
    let coordinates = g.get("coordinates").unwrap_or(&Value::Null);
    let raw_polygons: Vec<&Value> = match g.get("type").and_then(Value::as_str) {
        Some("Polygon") => vec![coordinates],
        Some("MultiPolygon") => match coordinates.as_array() {
            Some(ps) if ps.is_empty() => return Err(invalid("no polygon in the MultiPolygon".into())),
            Some(ps) => ps.iter().collect(),
            None => return Err(invalid("`coordinates` is not an array of polygons".into())),
        },
        Some(other) => return Err(vec![Problem::WrongGeometry(other.to_string())]),
        None => return Err(invalid("the geometry has no `type`".into())),
    };
    let single = raw_polygons.len() == 1;
    let mut problems = Vec::new();
    let mut polygons = Vec::with_capacity(raw_polygons.len());
    let mut outside: Option<Problem> = None;
    for (p, raw) in raw_polygons.iter().enumerate() {
        let of = if single { String::new() } else { format!(" of polygon {}", p + 1) };
        let Some(raw_rings) = raw.as_array() else {
            let what = if single { "`coordinates`".to_string() } else { format!("polygon {}", p + 1) };
            problems.push(Problem::InvalidPolygon(format!("{what} is not an array of rings")));
            continue;
        };
        if raw_rings.is_empty() {
            problems.push(Problem::DegenerateRing { ring: format!("exterior ring{of}"), distinct: 0 });
            continue;
        }
        let mut rings = Vec::with_capacity(raw_rings.len());
        for (r, raw_ring) in raw_rings.iter().enumerate() {
            let ring = if r == 0 { format!("exterior ring{of}") } else { format!("hole {r}{of}") };
            match ring_of(raw_ring, &ring, &mut outside) {
                Ok(coords) => rings.push(LineString::new(coords)),
                Err(p) => problems.push(p),
            }
        }
        if rings.len() == raw_rings.len() {
            let mut rings = rings.into_iter();
            let exterior = rings.next().expect("at least one ring");
            polygons.push(Polygon::new(exterior, rings.collect()));
        }
    }
    problems.extend(outside);
    if !problems.is_empty() {
        return Err(problems);
    }
    let mp = MultiPolygon::new(polygons);
    mp.check_validation().map_err(|e| invalid(e.to_string()))?;
    Ok(mp)
}

/// One ring's coordinates, checked: `[lon, lat]` pairs of finite numbers, at least 3 distinct
/// points. Out-of-range coordinates are counted into `outside` (one problem per feature, naming
/// the first), so a projected file gives one line per feature, not one per vertex.
fn ring_of(raw: &Value, ring: &str, outside: &mut Option<Problem>) -> Result<Vec<Coord<f64>>, Problem> {
    let positions = raw
        .as_array()
        .ok_or_else(|| Problem::InvalidPolygon(format!("{ring} is not an array of positions")))?;
    let mut coords = Vec::with_capacity(positions.len());
    for (i, pos) in positions.iter().enumerate() {
        let xy = pos.as_array().filter(|a| a.len() >= 2).and_then(|a| Some((a[0].as_f64()?, a[1].as_f64()?)));
        let Some((lon, lat)) = xy else {
            return Err(Problem::InvalidPolygon(format!(
                "{ring}, point {}: expected [longitude, latitude], found {pos}",
                i + 1
            )));
        };
        coords.push(Coord { x: lon, y: lat });
    }
    check_ring(&coords, ring, outside)?;
    Ok(coords)
}

/// Checks finite WGS84 degrees and at least 3 distinct points.
fn check_ring(coords: &[Coord<f64>], ring: &str, outside: &mut Option<Problem>) -> Result<(), Problem> {
    for (i, c) in coords.iter().enumerate() {
        let point = i + 1;
        if !(c.x.is_finite() && c.y.is_finite()) {
            return Err(Problem::NonFiniteCoordinate { ring: ring.to_string(), point, lon: c.x, lat: c.y });
        }
        if !((-180.0..=180.0).contains(&c.x) && (-90.0..=90.0).contains(&c.y)) {
            match outside {
                Some(Problem::OutsideWgs84 { count, .. }) => *count += 1,
                _ => {
                    *outside = Some(Problem::OutsideWgs84 {
                        count: 1,
                        ring: ring.to_string(),
                        point,
                        lon: c.x,
                        lat: c.y,
                    })
                }
            }
        }
    }
    let mut distinct: Vec<(u64, u64)> = coords.iter().map(|c| (c.x.to_bits(), c.y.to_bits())).collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 3 {
        return Err(Problem::DegenerateRing { ring: ring.to_string(), distinct: distinct.len() });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coords(xy: &[(f64, f64)]) -> Vec<Coord<f64>> {
        xy.iter().map(|&(x, y)| Coord { x, y }).collect()
    }

    #[test]
    fn rings_need_three_distinct_finite_wgs84_points() {
        let mut outside = None;
        let square = coords(&[(10.0, 45.0), (10.1, 45.0), (10.1, 45.1), (10.0, 45.0)]);
        assert_eq!(check_ring(&square, "exterior ring", &mut outside), Ok(()));
        assert_eq!(outside, None);

        let back_and_forth = coords(&[(10.0, 45.0), (10.1, 45.0), (10.1, 45.0), (10.0, 45.0)]);
        assert_eq!(
            check_ring(&back_and_forth, "hole 1", &mut outside),
            Err(Problem::DegenerateRing { ring: "hole 1".into(), distinct: 2 })
        );

        let nan = coords(&[(10.0, 45.0), (f64::NAN, 45.0), (10.1, 45.1), (10.0, 45.0)]);
        let err = check_ring(&nan, "exterior ring", &mut outside).unwrap_err().to_string();
        assert_eq!(err, "exterior ring, point 2: coordinate (NaN, 45) is not finite");
        let inf = coords(&[(10.0, 45.0), (10.1, f64::INFINITY), (10.1, 45.1), (10.0, 45.0)]);
        assert!(matches!(check_ring(&inf, "exterior ring", &mut outside), Err(Problem::NonFiniteCoordinate { point: 2, .. })));
        assert_eq!(outside, None);
    }

    #[test]
    fn out_of_range_coordinates_are_counted_once_per_feature() {
        let mut outside = None;
        let utm = coords(&[(600000.0, 5000000.0), (600100.0, 5000000.0), (600100.0, 5000100.0), (600000.0, 5000000.0)]);
        assert_eq!(check_ring(&utm, "exterior ring of polygon 2", &mut outside), Ok(()));
        let Some(Problem::OutsideWgs84 { count, ring, point, lon, lat }) = outside else { panic!("{outside:?}") };
        assert_eq!((count, ring.as_str(), point, lon, lat), (4, "exterior ring of polygon 2", 1, 600000.0, 5000000.0));
    }
}
