//! Pure measures of a partition: R², zone populations, diameters in km, contiguity counts.
//! Decides nothing; solvers and reports call it.

use crate::partition::Partition;
use crate::solve::Instance;

/// Mean Earth radius in km (IUGG), for great-circle distances.
const EARTH_KM: f64 = 6371.0088;

/// Great-circle distance in km between two (lon, lat) points in degrees (haversine).
pub fn km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, la2) = (a.1.to_radians(), b.1.to_radians());
    let dlat = la2 - la1;
    let dlon = (b.0 - a.0).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_KM * h.sqrt().asin()
}

/// R² = 1 − SSD / TSS; 1 when TSS is 0.
pub fn r2(ssd: f64, tss: f64) -> f64 {
    if tss > 0.0 {
        1.0 - ssd / tss
    } else {
        1.0
    }
}

/// Residents per zone.
pub fn zone_pops(inst: &Instance, p: &Partition) -> Vec<f64> {
    p.zones().iter().map(|m| m.iter().map(|&u| inst.pop[u]).sum()).collect()
}

/// Largest distance in km between two members' points, per zone (None without points).
pub fn diameters_km(inst: &Instance, p: &Partition) -> Option<Vec<f64>> {
    let pts = inst.points.as_ref()?;
    Some(
        p.zones()
            .iter()
            .map(|m| {
                let mut best = 0.0f64;
                for (i, &a) in m.iter().enumerate() {
                    for &b in &m[i + 1..] {
                        best = best.max(km(pts[a], pts[b]));
                    }
                }
                best
            })
            .collect(),
    )
}

/// Number of zones that are not connected.
pub fn disconnected_zones(inst: &Instance, p: &Partition) -> usize {
    (0..p.k()).filter(|&z| !p.is_zone_connected(&inst.adj, z)).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_degree_of_latitude_is_about_111_km() {
        assert!((km((10.0, 45.0), (10.0, 46.0)) - 111.19).abs() < 0.05);
        assert_eq!(km((10.0, 45.0), (10.0, 45.0)), 0.0);
        assert!((r2(25.0, 100.0) - 0.75).abs() < 1e-12);
    }
}
