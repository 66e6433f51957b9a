//! WGS84 longitude/latitude → UTM, the metric plane every area and length in pianura is
//! measured in. The zone is chosen for the data ([`Projection::for_area`]: the standard 6°
//! zone, north or south, of the area's centroid), so any region of the world is measured
//! with UTM's small distortion; the embedded default area lies in zone 32N (EPSG:32632).
//!
//! Follows Karney (2011), "Transverse Mercator with an accuracy of a few nanometers": the
//! Krüger series to sixth order in the third flattening, the same series PROJ uses for UTM,
//! so areas agree with a PROJ-based GIS to about 1e-12 relative. Written out here (forty lines)
//! because the pure-Rust projection crates default to the older, less accurate series and the
//! PROJ bindings need the C library.

use geo::{Coord, MapCoords, MultiPolygon};

/// WGS84 semi-major axis in metres.
const A: f64 = 6_378_137.0;
/// WGS84 flattening.
const F: f64 = 1.0 / 298.257_223_563;
/// UTM scale factor on the central meridian.
const K0: f64 = 0.9996;
/// False easting in metres.
const FALSE_EASTING: f64 = 500_000.0;
/// False northing of the southern zones, in metres (northern zones have none).
const FALSE_NORTHING_SOUTH: f64 = 10_000_000.0;

/// Precomputed series coefficients (they depend only on the ellipsoid).
struct Series {
    /// Rectifying radius times k0, metres.
    k0_a: f64,
    /// First eccentricity.
    e: f64,
    /// Krüger α₁..α₆.
    alpha: [f64; 6],
}

/// The coefficients, computed once.
static SERIES: std::sync::LazyLock<Series> = std::sync::LazyLock::new(series);

fn series() -> Series {
    let n = F / (2.0 - F);
    let (n2, n3) = (n * n, n * n * n);
    let (n4, n5, n6) = (n3 * n, n3 * n2, n3 * n3);
    let a_rect = A / (1.0 + n) * (1.0 + n2 / 4.0 + n4 / 64.0 + n6 / 256.0);
    Series {
        k0_a: K0 * a_rect,
        e: (F * (2.0 - F)).sqrt(),
        alpha: [
            n / 2.0 - 2.0 * n2 / 3.0 + 5.0 * n3 / 16.0 + 41.0 * n4 / 180.0 - 127.0 * n5 / 288.0 + 7891.0 * n6 / 37800.0,
            13.0 * n2 / 48.0 - 3.0 * n3 / 5.0 + 557.0 * n4 / 1440.0 + 281.0 * n5 / 630.0 - 1_983_433.0 * n6 / 1_935_360.0,
            61.0 * n3 / 240.0 - 103.0 * n4 / 140.0 + 15061.0 * n5 / 26880.0 + 167_603.0 * n6 / 181_440.0,
            49561.0 * n4 / 161_280.0 - 179.0 * n5 / 168.0 + 6_601_661.0 * n6 / 7_257_600.0,
            34729.0 * n5 / 80640.0 - 3_418_889.0 * n6 / 1_995_840.0,
            212_378_941.0 * n6 / 319_334_400.0,
        ],
    }
}

/// A UTM projection of WGS84: a standard 6° zone (1–60) and a hemisphere.
///
/// The Norway and Svalbard exceptions to the zone grid are not applied: a zone is chosen to
/// measure areas well, and the regular zone of a point is always the one centred nearest it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Projection {
    zone: u8,
    north: bool,
}

impl Projection {
    /// UTM zone 32N (EPSG:32632), the zone of the embedded default area (6°E–12°E).
    pub const UTM32N: Projection = Projection { zone: 32, north: true };

    /// The UTM zone `zone` (1–60, clamped) of the northern (`north`) or southern hemisphere.
    pub fn utm(zone: u8, north: bool) -> Projection {
        Projection { zone: zone.clamp(1, 60), north }
    }

    /// The zone a WGS84 point (degrees) lies in: `⌊(lon + 180) / 6⌋ + 1`, north when the
    /// latitude is ≥ 0. A longitude of exactly 180 belongs to zone 60.
    pub fn for_point(lon: f64, lat: f64) -> Projection {
        let zone = ((lon + 180.0) / 6.0).floor() + 1.0;
        let zone = if zone.is_finite() { zone.clamp(1.0, 60.0) as u8 } else { 32 };
        // NaN latitudes count as north, like 0.
        Projection { zone, north: lat >= 0.0 || lat.is_nan() }
    }

    /// The zone of the centroid of `polygons` (WGS84), weighted by their areas; of the mean of
    /// their vertices when they have no area; `None` when there is no coordinate at all.
    pub fn for_area(polygons: &[MultiPolygon<f64>]) -> Option<Projection> {
        use geo::{Area, Centroid, CoordsIter};
        let (mut w, mut x, mut y) = (0.0, 0.0, 0.0);
        for mp in polygons {
            let a = mp.unsigned_area();
            if let Some(c) = mp.centroid().filter(|_| a > 0.0) {
                w += a;
                x += a * c.x();
                y += a * c.y();
            }
        }
        if w > 0.0 {
            return Some(Projection::for_point(x / w, y / w));
        }
        let coords: Vec<Coord<f64>> = polygons.iter().flat_map(|mp| mp.coords_iter()).collect();
        Projection::for_points(coords.iter().map(|c| (c.x, c.y)))
    }

    /// The zone of the mean of WGS84 points (degrees); `None` for no point.
    pub fn for_points(points: impl IntoIterator<Item = (f64, f64)>) -> Option<Projection> {
        let (mut n, mut x, mut y) = (0usize, 0.0, 0.0);
        for (lon, lat) in points {
            n += 1;
            x += lon;
            y += lat;
        }
        (n > 0).then(|| Projection::for_point(x / n as f64, y / n as f64))
    }

    /// Zone number, 1–60.
    pub fn zone(&self) -> u8 {
        self.zone
    }

    /// True for a northern-hemisphere zone.
    pub fn is_north(&self) -> bool {
        self.north
    }

    /// The EPSG code: 326zz north, 327zz south (`32632` for zone 32N).
    pub fn epsg(&self) -> u32 {
        (if self.north { 32600 } else { 32700 }) + self.zone as u32
    }

    /// `WGS 84 / UTM zone 32N`, the EPSG name.
    pub fn name(&self) -> String {
        format!("WGS 84 / UTM zone {}{}", self.zone, if self.north { 'N' } else { 'S' })
    }

    /// Central meridian, degrees east: `6·zone − 183`.
    pub fn central_meridian(&self) -> f64 {
        6.0 * self.zone as f64 - 183.0
    }

    /// Projects one WGS84 coordinate (`x` = longitude, `y` = latitude, degrees) to
    /// easting/northing in metres.
    pub fn project(&self, c: Coord<f64>) -> Coord<f64> {
        let p = transverse_mercator(c, self.central_meridian());
        if self.north {
            p
        } else {
            Coord { x: p.x, y: p.y + FALSE_NORTHING_SOUTH }
        }
    }

    /// Projects a WGS84 multipolygon.
    pub fn project_multipolygon(&self, mp: &MultiPolygon<f64>) -> MultiPolygon<f64> {
        mp.map_coords(|c| self.project(c))
    }
}

impl std::fmt::Display for Projection {
    /// `WGS 84 / UTM zone 32N (EPSG:32632)`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (EPSG:{})", self.name(), self.epsg())
    }
}

impl serde::Serialize for Projection {
    /// `{"epsg": 32632, "name": "WGS 84 / UTM zone 32N"}`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Projection", 2)?;
        st.serialize_field("epsg", &self.epsg())?;
        st.serialize_field("name", &self.name())?;
        st.end()
    }
}

/// Projects one WGS84 coordinate (`x` = longitude, `y` = latitude, degrees) to UTM 32N
/// easting/northing in metres. Prefer the territory's own [`Projection`].
pub fn to_utm32(c: Coord<f64>) -> Coord<f64> {
    Projection::UTM32N.project(c)
}

/// Transverse Mercator with UTM's scale and false easting about `lon0` (degrees), northing
/// from the equator.
fn transverse_mercator(c: Coord<f64>, lon0: f64) -> Coord<f64> {
    let s = &*SERIES;
    let phi = c.y.to_radians();
    let lam = (c.x - lon0).to_radians();
    // Conformal latitude, through its tangent.
    let t = (phi.sin().atanh() - s.e * (s.e * phi.sin()).atanh()).sinh();
    let xi_p = t.atan2(lam.cos());
    let eta_p = (lam.sin() / (1.0 + t * t).sqrt()).atanh();
    let (mut xi, mut eta) = (xi_p, eta_p);
    for (j, a) in s.alpha.iter().enumerate() {
        let k = 2.0 * (j as f64 + 1.0);
        xi += a * (k * xi_p).sin() * (k * eta_p).cosh();
        eta += a * (k * xi_p).cos() * (k * eta_p).sinh();
    }
    Coord { x: FALSE_EASTING + s.k0_a * eta, y: s.k0_a * xi }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expected values computed independently with pyproj 3.7.2 (PROJ 9),
    /// `Transformer.from_crs(4326, 32632, always_xy=True)`.
    #[test]
    fn matches_proj_to_the_millimetre() {
        let cases = [
            ((10.0, 45.3), (578_402.885_316_188_3, 5_016_763.826_317_613)),
            ((9.0, 0.0), (500_000.0, 0.0)),
            ((18.5, 40.1), (1_310_360.060_425_292_5, 4_482_347.372_395_433)),
        ];
        for ((lon, lat), (e, n)) in cases {
            let p = to_utm32(Coord { x: lon, y: lat });
            assert!((p.x - e).abs() < 1e-3, "{lon},{lat}: easting {} vs {e}", p.x);
            assert!((p.y - n).abs() < 1e-3, "{lon},{lat}: northing {} vs {n}", p.y);
        }
    }

    #[test]
    fn zones_are_chosen_from_longitude_and_hemisphere() {
        assert_eq!(Projection::for_point(10.2, 45.3), Projection::UTM32N);
        assert_eq!(Projection::for_point(12.0, 41.9).epsg(), 32633); // Rome, just east of 12°E
        assert_eq!(Projection::for_point(-58.4, -34.6).epsg(), 32721); // Buenos Aires
        assert_eq!(Projection::for_point(180.0, 0.0).zone(), 60);
        assert_eq!(Projection::for_point(-180.0, -0.1).epsg(), 32701);
        assert_eq!(Projection::UTM32N.name(), "WGS 84 / UTM zone 32N");
        assert_eq!(Projection::utm(33, false).to_string(), "WGS 84 / UTM zone 33S (EPSG:32733)");
        assert_eq!(serde_json::to_string(&Projection::UTM32N).unwrap(), r#"{"epsg":32632,"name":"WGS 84 / UTM zone 32N"}"#);
    }

    #[test]
    fn zone_32n_is_the_old_projection_bit_for_bit_and_south_adds_the_false_northing() {
        let c = Coord { x: 10.123_456_789, y: 45.987_654_321 };
        let p = Projection::UTM32N.project(c);
        assert_eq!((p.x.to_bits(), p.y.to_bits()), (to_utm32(c).x.to_bits(), to_utm32(c).y.to_bits()));
        // Mirror images about the equator: same easting, northings summing to 10 000 km.
        let s = Projection::utm(32, false).project(Coord { x: c.x, y: -c.y });
        assert!((s.x - p.x).abs() < 1e-6 && (s.y + p.y - 10_000_000.0).abs() < 1e-6, "{s:?} vs {p:?}");
        // Any zone's central meridian maps to the false easting.
        let z = Projection::utm(45, true);
        assert!((z.project(Coord { x: z.central_meridian(), y: 30.0 }).x - 500_000.0).abs() < 1e-9);
    }
}
