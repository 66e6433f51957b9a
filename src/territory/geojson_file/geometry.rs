//! A feature's geometry: read and validated ring by ring, and the evidence of swapped axes.

use super::*;

/// Evidence that a feature's coordinates are `[latitude, longitude]`, or that its `lon`/`lat`
/// properties are swapped:
/// - its `lon`/`lat` point lies outside the polygon, and inside it once the polygon's
///   coordinates are swapped (or the point's are);
/// - it has a 6-digit ISTAT code and its polygon lies outside Italy, inside it once swapped.
pub(super) fn axis_problem(mp: &MultiPolygon<f64>, istat: Option<&str>, point: Option<(f64, f64)>) -> Option<Problem> {
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

/// What the coordinates of one feature add up to, across its rings.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Tally {
    /// The first coordinate outside WGS84, counting the others ([`Problem::OutsideWgs84`]).
    pub(super) outside: Option<Problem>,
    /// Some coordinate is not valid as `[latitude, longitude]` read the other way round.
    pub(super) unswappable: bool,
    /// Coordinates seen.
    pub(super) total: usize,
}

/// The feature's geometry as a validated multipolygon, or every problem found in it.
///
/// Read from the JSON directly rather than through `geojson`'s conversion, which panics on a
/// position with fewer than two numbers. Checks, in order: shape of the coordinates, finite
/// WGS84 degrees, at least 3 distinct points per ring; then geo's validation (self-crossing
/// rings, holes outside their shell…) when the rest is sound.
pub(super) fn geometry_of(feature: &Value) -> Result<MultiPolygon<f64>, Vec<Problem>> {
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
pub(super) fn ring_of(raw: &Value, ring: &str, tally: &mut Tally) -> Result<Vec<Coord<f64>>, Problem> {
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
pub(super) fn check_ring(coords: &[Coord<f64>], ring: &str, tally: &mut Tally) -> Result<(), Problem> {
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
pub(super) fn is_collinear(coords: &[Coord<f64>]) -> bool {
    let Some(&p0) = coords.first() else { return true };
    let d2 = |c: &Coord<f64>| (c.x - p0.x).powi(2) + (c.y - p0.y).powi(2);
    let far = coords.iter().copied().fold(p0, |best, c| if d2(&c) > d2(&best) { c } else { best });
    let (dx, dy) = (far.x - p0.x, far.y - p0.y);
    let len2 = dx * dx + dy * dy;
    len2 == 0.0 || coords.iter().all(|c| ((c.x - p0.x) * dy - (c.y - p0.y) * dx).abs() <= 1e-9 * len2)
}
