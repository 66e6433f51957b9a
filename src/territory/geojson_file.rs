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

/// Evidence that a feature's coordinates are `[latitude, longitude]`, or that its `lon`/`lat`
/// properties are swapped:
/// - its `lon`/`lat` point lies outside the polygon, and inside it once the polygon's
///   coordinates are swapped (or the point's are);
/// - it has a 6-digit ISTAT code and its polygon lies outside Italy, inside it once swapped.
fn axis_problem(mp: &MultiPolygon<f64>, istat: Option<&str>, point: Option<(f64, f64)>) -> Option<Problem> {
    let flip = |c: Coord<f64>| Coord { x: c.y, y: c.x };
    if let Some((lon, lat)) = point {
        if !mp.intersects(&Point::new(lon, lat)) {
            if mp.map_coords(flip).intersects(&Point::new(lon, lat)) {
                return Some(Problem::SwappedAxes {
                    evidence: format!("the `lon`/`lat` point ({lon}, {lat}) lies inside the polygon only once its coordinates are swapped"),
                });
            }
            if mp.intersects(&Point::new(lat, lon)) {
                return Some(Problem::SwappedPoint { lon, lat });
            }
        }
    }
    let id = istat?;
    if id.len() != 6 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let r = mp.bounding_rect()?;
    let (lo, hi) = ITALY;
    let outside = r.max().x < lo[0] || r.min().x > hi[0] || r.max().y < lo[1] || r.min().y > hi[1];
    let inside_swapped = r.min().y >= lo[0] && r.max().y <= hi[0] && r.min().x >= lo[1] && r.max().x <= hi[1];
    (outside && inside_swapped).then(|| Problem::SwappedAxes {
        evidence: format!(
            "{id} is an ISTAT code, but the polygon lies outside Italy (around ({:.2}, {:.2})) and inside it once its coordinates are swapped",
            r.center().x,
            r.center().y
        ),
    })
}

/// Parses the JSON text, reading bare non-finite tokens as marked strings when the strict
/// parse fails on them. A syntax error names its line and column and the feature it is in.
fn read_json(text: &str) -> Result<Value, String> {
    let strict = match serde_json::from_str::<Value>(text) {
        Ok(v) => return Ok(v),
        Err(e) => e,
    };
    let (err, rewritten) = match nonstandard::rewrite(text) {
        None => (strict, None),
        Some(rw) => match serde_json::from_str::<Value>(&rw.text) {
            Ok(v) => return Ok(v),
            Err(e) => (e, Some(rw)),
        },
    };
    let shown = rewritten.as_ref().map_or(text, |rw| rw.text.as_str());
    let offset = offset_of(shown, err.line(), err.column());
    let offset = rewritten.as_ref().map_or(offset, |rw| rw.to_original(offset));
    let (line, column) = line_column(text, offset);
    let what = err.to_string();
    let what = what.split(" at line ").next().unwrap_or(&what);
    let mut reason = format!("{what} at line {line} column {column}");
    let spans = feature_spans(text.as_bytes());
    if let Some(k) = spans.iter().position(|&(s, e)| s <= offset && offset < e) {
        let (s, _) = spans[k];
        match label_in(&text.as_bytes()[s..offset.max(s)]) {
            Some(u) => reason.push_str(&format!(", in feature {} ({u})", k + 1)),
            None => reason.push_str(&format!(", in feature {}", k + 1)),
        }
    }
    Err(reason)
}

/// Byte offset of serde_json's 1-based line and column (column 0 means the line's start).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    (start + column.saturating_sub(1)).min(text.len())
}

/// 1-based line and column of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let start = before.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    (line, offset - start + 1)
}

/// Byte ranges of the objects in the top-level `features` array, found by scanning the bytes
/// (JSON's structure is ASCII, so this works on invalid UTF-8 and on truncated files: an
/// unfinished feature runs to the end).
fn feature_spans(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    let (mut string_start, mut last_string, mut key) = (0usize, (0usize, 0usize), (0usize, 0usize));
    let mut array_depth: Option<usize> = None;
    let mut open: Option<usize> = None;
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => {
                    in_string = false;
                    last_string = (string_start, i);
                }
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => {
                in_string = true;
                string_start = i + 1;
            }
            b':' if depth == 1 => key = last_string,
            b'{' | b'[' => {
                if b == b'[' && depth == 1 && array_depth.is_none() && &bytes[key.0..key.1] == b"features" {
                    array_depth = Some(depth + 1);
                }
                if b == b'{' && Some(depth) == array_depth {
                    open = Some(i);
                }
                depth += 1;
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if b == b'}' && Some(depth) == array_depth {
                    if let Some(s) = open.take() {
                        spans.push((s, i + 1));
                    }
                }
                if b == b']' && array_depth == Some(depth + 1) {
                    break;
                }
            }
            _ => {}
        }
    }
    if let Some(s) = open {
        spans.push((s, bytes.len()));
    }
    spans
}

/// `017103 Manerbio` from the raw text of (the start of) a feature: the first `istat` (or
/// `id`) and `name` values found in it.
fn label_in(bytes: &[u8]) -> Option<String> {
    let value_of = |key: &str| -> Option<String> {
        let pat = format!("\"{key}\"");
        let at = bytes.windows(pat.len()).position(|w| w == pat.as_bytes())? + pat.len();
        let rest = &bytes[at..];
        let rest = &rest[rest.iter().position(|b| !b.is_ascii_whitespace())?..];
        let rest = rest.strip_prefix(b":")?;
        let rest = &rest[rest.iter().position(|b| !b.is_ascii_whitespace())?..];
        let v = match rest.strip_prefix(b"\"") {
            Some(s) => &s[..s.iter().position(|&b| b == b'"')?],
            None => &rest[..rest.iter().position(|b| !(b.is_ascii_alphanumeric() || b"+-.".contains(b)))?],
        };
        Some(String::from_utf8_lossy(v).into_owned())
    };
    let id = value_of("istat").or_else(|| value_of("id")).map(|s| normalize_istat(&s));
    unit_label(id.as_deref(), value_of("name").as_deref())
}

/// Every invalid UTF-8 sequence, one problem per feature holding some, with the byte offset of
/// its first (`bom` counts the skipped byte-order mark), the property and the text around it.
fn utf8_error(path: &Path, body: &[u8], bom: usize) -> TerritoryError {
    let bad = super::invalid_utf8_offsets(body);
    let spans = feature_spans(body);
    let mut problems: Vec<(Location, Problem)> = Vec::new();
    let mut last: Option<Option<usize>> = None;
    for &o in &bad {
        let k = spans.iter().position(|&(s, e)| s <= o && o < e);
        if last == Some(k) {
            if let Some((_, Problem::InvalidUtf8 { count, .. })) = problems.last_mut() {
                *count += 1;
            }
            continue;
        }
        last = Some(k);
        // The string holding it, and the key before that string.
        let open = body[..o].iter().rposition(|&b| b == b'"').unwrap_or(o);
        let close = body[o..].iter().position(|&b| b == b'"').map_or(body.len(), |p| o + p);
        // At most 40 bytes either side, cut at character starts.
        let mut from = (open + 1).min(o).max(o.saturating_sub(40));
        while from < o && (0x80..0xC0).contains(&body[from]) {
            from += 1;
        }
        let mut to = close.min(o + 40).max(o);
        while to > o + 1 && to < body.len() && (0x80..0xC0).contains(&body[to]) {
            to -= 1;
        }
        let near = String::from_utf8_lossy(&body[from..to]).into_owned();
        let before = &body[..open];
        let column = before.iter().rposition(|b| !b.is_ascii_whitespace()).filter(|&p| before[p] == b':').and_then(|p| {
            let end = before[..p].iter().rposition(|&b| b == b'"')?;
            let start = before[..end].iter().rposition(|&b| b == b'"')? + 1;
            Some(String::from_utf8_lossy(&before[start..end]).into_owned())
        });
        let at = match k {
            Some(k) => Location::Feature { index: k + 1, unit: label_in(&body[spans[k].0..spans[k].1]) },
            None => Location::File,
        };
        problems.push((at, Problem::InvalidUtf8 { byte: o + bom, count: 1, column, near }));
    }
    TerritoryError::invalid(path, problems)
}

/// Bare `NaN`, `Infinity`, `-Infinity` and out-of-range numbers (`1e999`), which strict JSON
/// parsers reject and Python's `json.dump` writes: rewritten as strings starting with
/// [`MARK`], so that the feature reading them reports the property at fault.
mod nonstandard {
    use super::MARK;

    /// The rewritten text and where each replacement came from.
    pub(super) struct Rewritten {
        pub text: String,
        /// (start in `text`, start in the original, original length, new length).
        map: Vec<(usize, usize, usize, usize)>,
    }

    impl Rewritten {
        /// The original byte offset of an offset into `text`.
        pub fn to_original(&self, offset: usize) -> usize {
            let k = self.map.partition_point(|m| m.0 <= offset);
            match k.checked_sub(1).map(|k| self.map[k]) {
                None => offset,
                Some((new, old, old_len, new_len)) if offset < new + new_len => old + (offset - new).min(old_len),
                Some((new, old, old_len, new_len)) => old + old_len + (offset - new - new_len),
            }
        }
    }

    /// `None` when the text has no such token.
    pub(super) fn rewrite(text: &str) -> Option<Rewritten> {
        let b = text.as_bytes();
        let mut out = String::with_capacity(text.len());
        let mut map = Vec::new();
        let (mut i, mut copied) = (0, 0);
        let (mut in_string, mut escaped) = (false, false);
        while i < b.len() {
            let c = b[i];
            if in_string {
                match (escaped, c) {
                    (true, _) => escaped = false,
                    (false, b'\\') => escaped = true,
                    (false, b'"') => in_string = false,
                    _ => {}
                }
                i += 1;
                continue;
            }
            let token_len = if c == b'"' {
                in_string = true;
                None
            } else if let Some(t) = ["NaN", "Infinity", "-Infinity"].iter().find(|t| b[i..].starts_with(t.as_bytes())) {
                Some(t.len())
            } else if c == b'-' || c.is_ascii_digit() {
                let len = b[i..].iter().position(|x| !(x.is_ascii_digit() || b"+-.eE".contains(x))).unwrap_or(b.len() - i);
                let token = &text[i..i + len];
                let big = (token.contains(['e', 'E']) || len > 300) && token.parse::<f64>().is_ok_and(f64::is_infinite);
                if !big {
                    i += len;
                    continue;
                }
                Some(len)
            } else {
                None
            };
            match token_len {
                Some(len) => {
                    out.push_str(&text[copied..i]);
                    let replacement = format!("\"\\u{:04x}{}\"", MARK as u32, &text[i..i + len]);
                    map.push((out.len(), i, len, replacement.len()));
                    out.push_str(&replacement);
                    i += len;
                    copied = i;
                }
                None => i += 1,
            }
        }
        if map.is_empty() {
            return None;
        }
        out.push_str(&text[copied..]);
        Some(Rewritten { text: out, map })
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn bare_tokens_become_marked_strings_and_offsets_map_back() {
            let text = r#"{"a":NaN,"b":[-Infinity,1e999,2e5],"c":"NaN Infinity","d":Infinity}"#;
            let rw = rewrite(text).unwrap();
            let v: serde_json::Value = serde_json::from_str(&rw.text).unwrap();
            assert_eq!(v["a"], "\0NaN");
            assert_eq!(v["b"][0], "\0-Infinity");
            assert_eq!(v["b"][1], "\u{0}1e999");
            assert_eq!(v["b"][2], 2e5);
            assert_eq!(v["c"], "NaN Infinity");
            assert_eq!(v["d"], "\0Infinity");
            let c = rw.text.find(r#""c""#).unwrap();
            assert_eq!(rw.to_original(c), text.find(r#""c""#).unwrap());
            assert!(rewrite(r#"{"a":1e300,"b":"x"}"#).is_none());
        }
    }
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

/// What the coordinates of one feature add up to, across its rings.
#[derive(Debug, Default, PartialEq)]
struct Tally {
    /// The first coordinate outside WGS84, counting the others ([`Problem::OutsideWgs84`]).
    outside: Option<Problem>,
    /// Some coordinate is not valid as `[latitude, longitude]` read the other way round.
    unswappable: bool,
    /// Coordinates seen.
    total: usize,
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
    let mut tally = Tally::default();
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
            match ring_of(raw_ring, &ring, &mut tally) {
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
    match tally.outside {
        // Every coordinate has a latitude out of range and reads well the other way round:
        // say so rather than "outside" (a polar shape overshooting 90° is only partly out).
        Some(Problem::OutsideWgs84 { ring, point, lon, lat, count }) if !tally.unswappable && count == tally.total => {
            problems.push(Problem::SwappedAxes {
                evidence: format!("{ring}, point {point}: ({lon}, {lat}) has a latitude beyond ±90, and every coordinate is valid read the other way round"),
            })
        }
        outside => problems.extend(outside),
    }
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
fn ring_of(raw: &Value, ring: &str, tally: &mut Tally) -> Result<Vec<Coord<f64>>, Problem> {
    let positions = raw.as_array().ok_or_else(|| Problem::InvalidPolygon(format!("{ring} is not an array of positions")))?;
    let mut coords = Vec::with_capacity(positions.len());
    for (i, pos) in positions.iter().enumerate() {
        let xy = pos.as_array().filter(|a| a.len() >= 2).and_then(|a| Some((num_of(&a[0])?, num_of(&a[1])?)));
        let Some((lon, lat)) = xy else {
            return Err(Problem::InvalidPolygon(format!("{ring}, point {}: expected [longitude, latitude], found {pos}", i + 1)));
        };
        coords.push(Coord { x: lon, y: lat });
    }
    check_ring(&coords, ring, tally)?;
    Ok(coords)
}

/// Checks finite WGS84 degrees, at least 3 distinct points, not all on one line.
fn check_ring(coords: &[Coord<f64>], ring: &str, tally: &mut Tally) -> Result<(), Problem> {
    let outside = &mut tally.outside;
    tally.total += coords.len();
    for (i, c) in coords.iter().enumerate() {
        let point = i + 1;
        if !(c.x.is_finite() && c.y.is_finite()) {
            return Err(Problem::NonFiniteCoordinate { ring: ring.to_string(), point, lon: c.x, lat: c.y });
        }
        if !((-90.0..=90.0).contains(&c.x) && (-180.0..=180.0).contains(&c.y)) {
            tally.unswappable = true;
        }
        if !((-180.0..=180.0).contains(&c.x) && (-90.0..=90.0).contains(&c.y)) {
            match outside {
                Some(Problem::OutsideWgs84 { count, .. }) => *count += 1,
                _ => *outside = Some(Problem::OutsideWgs84 { count: 1, ring: ring.to_string(), point, lon: c.x, lat: c.y }),
            }
        }
    }
    let mut distinct: Vec<(u64, u64)> = coords.iter().map(|c| (c.x.to_bits(), c.y.to_bits())).collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 3 {
        return Err(Problem::DegenerateRing { ring: ring.to_string(), distinct: distinct.len() });
    }
    if is_collinear(coords) {
        return Err(Problem::ZeroAreaRing { ring: ring.to_string(), distinct: distinct.len() });
    }
    Ok(())
}

/// True when every point lies on the line through the first point and the one farthest from
/// it, within 1e-9 of that distance (10 µm on a 10 km ring).
fn is_collinear(coords: &[Coord<f64>]) -> bool {
    let Some(&p0) = coords.first() else { return true };
    let d2 = |c: &Coord<f64>| (c.x - p0.x).powi(2) + (c.y - p0.y).powi(2);
    let far = coords.iter().copied().fold(p0, |best, c| if d2(&c) > d2(&best) { c } else { best });
    let (dx, dy) = (far.x - p0.x, far.y - p0.y);
    let len2 = dx * dx + dy * dy;
    len2 == 0.0 || coords.iter().all(|c| ((c.x - p0.x) * dy - (c.y - p0.y) * dx).abs() <= 1e-9 * len2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coords(xy: &[(f64, f64)]) -> Vec<Coord<f64>> {
        xy.iter().map(|&(x, y)| Coord { x, y }).collect()
    }

    #[test]
    fn rings_need_three_distinct_finite_wgs84_points() {
        let mut outside = Tally::default();
        let square = coords(&[(10.0, 45.0), (10.1, 45.0), (10.1, 45.1), (10.0, 45.0)]);
        assert_eq!(check_ring(&square, "exterior ring", &mut outside), Ok(()));
        assert_eq!((&outside.outside, outside.unswappable), (&None, false));

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
        assert_eq!((&outside.outside, outside.unswappable), (&None, false));
    }

    #[test]
    fn collinear_rings_enclose_no_area() {
        let mut t = Tally::default();
        let line = coords(&[(10.0, 45.0), (10.1, 45.1), (10.3, 45.3), (10.0, 45.0)]);
        assert_eq!(check_ring(&line, "exterior ring", &mut t), Err(Problem::ZeroAreaRing { ring: "exterior ring".into(), distinct: 3 }));
        // A thin but real sliver (1 m wide, 10 km long) is kept.
        let sliver = coords(&[(10.0, 45.0), (10.13, 45.0), (10.13, 45.00001), (10.0, 45.0)]);
        assert_eq!(check_ring(&sliver, "exterior ring", &mut t), Ok(()));
    }

    #[test]
    fn out_of_range_coordinates_are_counted_once_per_feature() {
        let mut tally = Tally::default();
        let utm = coords(&[(600000.0, 5000000.0), (600100.0, 5000000.0), (600100.0, 5000100.0), (600000.0, 5000000.0)]);
        assert_eq!(check_ring(&utm, "exterior ring of polygon 2", &mut tally), Ok(()));
        assert!(tally.unswappable);
        let Some(Problem::OutsideWgs84 { count, ring, point, lon, lat }) = tally.outside else { panic!("{tally:?}") };
        assert_eq!((count, ring.as_str(), point, lon, lat), (4, "exterior ring of polygon 2", 1, 600000.0, 5000000.0));
    }
}
