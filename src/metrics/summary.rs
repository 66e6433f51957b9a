//! What the `zones` output shows about a partition: SSD, R², pairwise and
//! medoid costs, contiguity, populations and diameters per zone. Computed from slices and the
//! adjacency, never from a solver's instance, so any partition (a solver's, a file's) can be
//! summarised the same way. Decides nothing.

use ndarray::ArrayView2;

use crate::metrics::{self, diameters_km, disconnected_zones, zone_pops};
use crate::objective::{tss, Medoid, MedoidCosts, Tally};
use crate::partition::{Adjacency, Partition};

/// The numbers of one partition.
#[derive(Debug, Clone, PartialEq)]
pub struct PartitionSummary {
    /// Sum of squared deviations from zone means.
    pub ssd: f64,
    /// 1 − SSD / TSS.
    pub r2: f64,
    /// Sum of same-zone pairwise squared distances.
    pub pairwise: f64,
    /// Medoid cost with [`PartitionSummary::centres`].
    pub medoid: f64,
    /// Centre municipality of each zone: the given ones, else each zone's best.
    pub centres: Vec<usize>,
    /// Every zone connected.
    pub contiguous: bool,
    /// Zones that are not connected.
    pub disconnected_zones: usize,
    /// Residents per zone.
    pub zone_pops: Vec<f64>,
    /// Largest distance in km between two members, per zone; None without points.
    pub diameters_km: Option<Vec<f64>>,
}

/// The rows of one area: features, adjacency, populations, points, medoid costs; unit `i` is
/// row `i` of each.
#[derive(Debug, Clone, Copy)]
pub struct AreaData<'a> {
    /// Standardized (weighted) features, one row per unit.
    pub x: ArrayView2<'a, f64>,
    /// Neighbours of each unit.
    pub adj: &'a Adjacency,
    /// Residents of each unit.
    pub pop: &'a [f64],
    /// (lon, lat) of each unit, when the area has them.
    pub points: Option<&'a [(f64, f64)]>,
    /// Cost of serving each unit from each centre.
    pub medoid: &'a MedoidCosts,
}

/// Summarises `p` on `area`; `centres` are the solver's when it chose them.
pub fn summarize(area: AreaData<'_>, p: &Partition, centres: Option<&[usize]>) -> PartitionSummary {
    let tally = Tally::new(area.x, p);
    let ssd = tally.ssd();
    let medoid = Medoid { costs: area.medoid.clone() };
    let centres = centres.map_or_else(|| medoid.centres(p), <[usize]>::to_vec);
    PartitionSummary {
        ssd,
        r2: metrics::r2(ssd, tss(area.x)),
        pairwise: tally.pairwise(),
        medoid: medoid.evaluate_with(p, &centres),
        centres,
        contiguous: p.is_contiguous(area.adj),
        disconnected_zones: disconnected_zones(area.adj, p),
        zone_pops: zone_pops(area.pop, p),
        diameters_km: area.points.map(|pts| diameters_km(pts, p)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    /// A path of four units, zones {0, 1} and {2, 3}, plus a broken labelling {0, 2}, {1, 3}:
    /// ```text
    /// 0 — 1 — 2 — 3
    /// ```
    #[test]
    fn hand_checked_numbers_on_a_path() {
        let adj: Vec<Vec<usize>> = vec![vec![1], vec![0, 2], vec![1, 3], vec![2]];
        let x = array![[0.0], [2.0], [10.0], [12.0]];
        let pop = [1.0, 2.0, 3.0, 4.0];
        // Points on the equator, 1° of longitude apart (≈ 111.2 km).
        let points = [(0.0, 0.0), (1.0, 0.0), (2.0, 0.0), (3.0, 0.0)];
        let costs = MedoidCosts::new(x.view(), None, None);
        let area = AreaData { x: x.view(), adj: &adj, pop: &pop, points: Some(&points), medoid: &costs };
        let p = Partition::from_labels(&[0, 0, 1, 1]);
        let s = summarize(area, &p, None);
        // Zone means 1 and 11: SSD = 4 × 1² = 4; TSS = Σ (x − 6)² = 36 + 16 + 16 + 36 = 104.
        assert!((s.ssd - 4.0).abs() < 1e-12);
        assert!((s.r2 - (1.0 - 4.0 / 104.0)).abs() < 1e-12);
        // One pair per zone at squared distance 4.
        assert!((s.pairwise - 8.0).abs() < 1e-12);
        // Each centre serves its one other member at cost 4; ties go to the lowest index.
        assert_eq!(s.centres, [0, 2]);
        assert!((s.medoid - 8.0).abs() < 1e-12);
        assert_eq!(s.zone_pops, [3.0, 7.0]);
        assert!(s.contiguous && s.disconnected_zones == 0);
        let d = s.diameters_km.unwrap();
        assert!((d[0] - 111.19).abs() < 0.1 && (d[0] - d[1]).abs() < 1e-9, "{d:?}");

        let broken = Partition::from_labels(&[0, 1, 0, 1]);
        let b = summarize(AreaData { points: None, ..area }, &broken, Some(&[2, 1]));
        assert!(!b.contiguous && b.disconnected_zones == 2 && b.diameters_km.is_none());
        // Centre 2 serves 0 at 100; centre 1 serves 3 at 100.
        assert!((b.medoid - 200.0).abs() < 1e-12);
    }
}
