//! WGS84 longitude/latitude → UTM zone 32N (EPSG:32632), the metric plane every area and
//! length in pianura is measured in (PRODUCT.md).
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
/// Central meridian of zone 32, degrees east.
const LON0: f64 = 9.0;

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
            n / 2.0 - 2.0 * n2 / 3.0 + 5.0 * n3 / 16.0 + 41.0 * n4 / 180.0 - 127.0 * n5 / 288.0
                + 7891.0 * n6 / 37800.0,
            13.0 * n2 / 48.0 - 3.0 * n3 / 5.0 + 557.0 * n4 / 1440.0 + 281.0 * n5 / 630.0
                - 1_983_433.0 * n6 / 1_935_360.0,
            61.0 * n3 / 240.0 - 103.0 * n4 / 140.0 + 15061.0 * n5 / 26880.0
                + 167_603.0 * n6 / 181_440.0,
            49561.0 * n4 / 161_280.0 - 179.0 * n5 / 168.0 + 6_601_661.0 * n6 / 7_257_600.0,
            34729.0 * n5 / 80640.0 - 3_418_889.0 * n6 / 1_995_840.0,
            212_378_941.0 * n6 / 319_334_400.0,
        ],
    }
}

/// Projects one WGS84 coordinate (`x` = longitude, `y` = latitude, degrees) to UTM 32N
/// easting/northing in metres.
pub fn to_utm32(c: Coord<f64>) -> Coord<f64> {
    let s = &*SERIES;
    let phi = c.y.to_radians();
    let lam = (c.x - LON0).to_radians();
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

/// Projects a WGS84 multipolygon to UTM 32N.
pub fn project(mp: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    mp.map_coords(to_utm32)
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
}
