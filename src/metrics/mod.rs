//! Pure measures of a partition: R², zone populations, diameters in km, contiguity counts,
//! partition distances (ARI, VI, matched zones). Decides nothing; solvers and reports call it.
//! Takes slices and the adjacency, never a solver's instance, so it depends on no solver.

mod summary;

pub use summary::{summarize, AreaData, PartitionSummary};

use pathfinding::prelude::{kuhn_munkres, Matrix};

use crate::partition::{Adjacency, Partition};

/// Mean Earth radius in km (IUGG), for great-circle distances.
const EARTH_KM: f64 = 6371.0088;

/// Great-circle distance in km between two (lon, lat) points in degrees (haversine).
///
/// Kept by hand rather than `geo`'s `Haversine.distance`: geo uses the same radius
/// (6 371 008.8 m) but differences the degrees before converting and scales in metres, so its
/// results differ from these in the last bits for about 97 % of pairs in the area, and
/// `diameter_km` in `plan.json` (and the distance caps it is compared with) would change.
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

/// Residents per zone, from residents per unit.
pub fn zone_pops(pop: &[f64], p: &Partition) -> Vec<f64> {
    p.zones().iter().map(|m| m.iter().map(|&u| pop[u]).sum()).collect()
}

/// Coefficient of variation of zone populations (population SD / mean): 0 = perfectly
/// balanced.
pub fn population_cv(pops: &[f64]) -> f64 {
    let n = pops.len().max(1) as f64;
    let mean = pops.iter().sum::<f64>() / n;
    (pops.iter().map(|p| (p - mean).powi(2)).sum::<f64>() / n).sqrt() / mean.max(1e-9)
}

/// Largest distance in km between two of `members`' points (0 for fewer than two).
pub fn diameter_km(points: &[(f64, f64)], members: &[usize]) -> f64 {
    let mut best = 0.0f64;
    for (i, &a) in members.iter().enumerate() {
        for &b in &members[i + 1..] {
            best = best.max(km(points[a], points[b]));
        }
    }
    best
}

/// Largest distance in km between two members' points, per zone.
pub fn diameters_km(points: &[(f64, f64)], p: &Partition) -> Vec<f64> {
    p.zones().iter().map(|m| diameter_km(points, m)).collect()
}

/// Number of zones that are not connected in `adj`.
pub fn disconnected_zones(adj: &Adjacency, p: &Partition) -> usize {
    (0..p.k()).filter(|&z| !p.is_zone_connected(adj, z)).count()
}

/// Counts of units per (zone in `a`, zone in `b`); labels are 0-based.
fn contingency(a: &[usize], b: &[usize]) -> Vec<Vec<usize>> {
    let ka = a.iter().copied().max().map_or(0, |m| m + 1);
    let kb = b.iter().copied().max().map_or(0, |m| m + 1);
    let mut t = vec![vec![0usize; kb]; ka];
    for (&x, &y) in a.iter().zip(b) {
        t[x][y] += 1;
    }
    t
}

fn choose2(n: usize) -> f64 {
    (n * n.saturating_sub(1)) as f64 / 2.0
}

/// Adjusted Rand index of two labelings of the same units (Hubert & Arabie 1985): 1 for
/// identical partitions, about 0 for chance agreement. 1 when both put everything together or
/// everything apart (no variation to adjust).
pub fn adjusted_rand_index(a: &[usize], b: &[usize]) -> f64 {
    let t = contingency(a, b);
    let n = a.len();
    let index: f64 = t.iter().flatten().map(|&c| choose2(c)).sum();
    let rows: f64 = t.iter().map(|r| choose2(r.iter().sum())).sum();
    let cols: f64 = (0..t.first().map_or(0, Vec::len)).map(|j| choose2(t.iter().map(|r| r[j]).sum())).sum();
    let expected = rows * cols / choose2(n).max(1.0);
    let max = (rows + cols) / 2.0;
    if (max - expected).abs() < 1e-12 {
        return 1.0;
    }
    (index - expected) / (max - expected)
}

/// Variation of information (Meilă 2007) in nats: H(A) + H(B) − 2 I(A; B); 0 for identical
/// partitions.
pub fn variation_of_information(a: &[usize], b: &[usize]) -> f64 {
    let t = contingency(a, b);
    let n = a.len() as f64;
    let h = |counts: &mut dyn Iterator<Item = usize>| -> f64 {
        counts
            .filter(|&c| c > 0)
            .map(|c| {
                let p = c as f64 / n;
                -p * p.ln()
            })
            .sum()
    };
    let ha = h(&mut t.iter().map(|r| r.iter().sum()));
    let hb = h(&mut (0..t.first().map_or(0, Vec::len)).map(|j| t.iter().map(|r| r[j]).sum()));
    let hab = h(&mut t.iter().flatten().copied());
    (2.0 * hab - ha - hb).max(0.0)
}

/// Best one-to-one matching of zones of `a` to zones of `b` (maximum shared units, Hungarian
/// method via `pathfinding`'s Kuhn–Munkres): returns, for each zone of `a`, its match in `b`
/// (None when `b` has fewer zones).
pub fn match_zones(a: &[usize], b: &[usize]) -> Vec<Option<usize>> {
    let t = contingency(a, b);
    let (ka, kb) = (t.len(), t.first().map_or(0, Vec::len));
    let m = ka.max(kb);
    if m == 0 {
        return Vec::new();
    }
    // Maximise overlap on a square matrix padded with zeros (overlaps are unit counts).
    let overlap = Matrix::from_fn(m, m, |(i, j)| if i < ka && j < kb { t[i][j] as i64 } else { 0 });
    let (_, assign) = kuhn_munkres(&overlap);
    (0..ka).map(|i| Some(assign[i]).filter(|&j| j < kb)).collect()
}

/// Municipalities that change zone between `a` and `b` after matching zone labels optimally.
pub fn moved_units(a: &[usize], b: &[usize]) -> usize {
    let m = match_zones(a, b);
    a.iter().zip(b).filter(|(&x, &y)| m[x] != Some(y)).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn partition_distances_on_hand_computed_cases() {
        let a = [0, 0, 0, 1, 1, 1];
        // Same partition, other labels: ARI 1, VI 0, nobody moves.
        let b = [1, 1, 1, 0, 0, 0];
        assert!((adjusted_rand_index(&a, &b) - 1.0).abs() < 1e-12);
        assert!(variation_of_information(&a, &b).abs() < 1e-12);
        assert_eq!(moved_units(&a, &b), 0);
        // One unit moves: contingency [[2,1],[0,3]]. Index = C(2,2)+C(3,2) = 4; rows 3+3 = 6;
        // cols C(2,2)+C(4,2) = 7; expected 6·7/15 = 2.8; max 6.5; ARI = 1.2/3.7.
        let c = [0, 0, 1, 1, 1, 1];
        assert!((adjusted_rand_index(&a, &c) - 1.2 / 3.7).abs() < 1e-12);
        // VI = H(A|C) + H(C|A), natural logs. Given C: zone {0,1} is pure; zone {2,3,4,5}
        // splits 1 + 3, weight 4/6, entropy (1/4)ln 4 + (3/4)ln(4/3) = ln 4 − (3/4)ln 3, so
        // H(A|C) = (2/3)(2 ln 2 − (3/4)ln 3) = (4/3)ln 2 − (1/2)ln 3. Given A: zone {0,1,2}
        // splits 2 + 1, weight 1/2, entropy ln 3 − (2/3)ln 2; zone {3,4,5} is pure, so
        // H(C|A) = (1/2)ln 3 − (1/3)ln 2. Sum: ln 2 = 0.693147…
        assert!((variation_of_information(&a, &c) - std::f64::consts::LN_2).abs() < 1e-9);
        assert_eq!(moved_units(&a, &c), 1);
        assert_eq!(match_zones(&a, &c), vec![Some(0), Some(1)]);
        // Different zone counts: A has 2 zones, D has 3 ({0,1}, {2,3}, {4,5}); contingency
        // [[2,1,0],[0,1,2]]. Given D: zones {0,1} and {4,5} are pure, {2,3} splits 1 + 1,
        // weight 1/3, entropy ln 2: H(A|D) = (1/3)ln 2 = 0.231049. Given A: each zone splits
        // 2 + 1, entropy ln 3 − (2/3)ln 2 = 0.636514: H(D|A) = 0.636514. VI = ln 3 − (1/3)ln 2
        // = 1.098612 − 0.231049 = 0.867563.
        let d = [0, 0, 1, 1, 2, 2];
        assert!((variation_of_information(&a, &d) - 0.867_563_228_5).abs() < 1e-9);
        assert!((variation_of_information(&d, &a) - 0.867_563_228_5).abs() < 1e-9);
        // Matching A0 → D0 (2 shared) and A1 → D2 (2 shared): units 2 and 3 move.
        assert_eq!(moved_units(&a, &d), 2);
        assert_eq!(moved_units(&d, &a), 2);
    }

    /// Overlap of a matching: the value `match_zones` maximises.
    fn matched_overlap(a: &[usize], b: &[usize], m: &[Option<usize>]) -> usize {
        a.iter().zip(b).filter(|(&x, &y)| m[x] == Some(y)).count()
    }

    /// The largest overlap of any one-to-one matching, by trying every permutation.
    fn brute_force_overlap(a: &[usize], b: &[usize]) -> usize {
        let t = contingency(a, b);
        let (ka, kb) = (t.len(), t.first().map_or(0, Vec::len));
        let m = ka.max(kb);
        fn best(t: &[Vec<usize>], kb: usize, row: usize, used: &mut Vec<bool>) -> usize {
            if row == t.len() {
                return 0;
            }
            let mut top = 0;
            for j in 0..used.len() {
                if !used[j] {
                    used[j] = true;
                    let here = if j < kb { t[row][j] } else { 0 };
                    top = top.max(here + best(t, kb, row + 1, used));
                    used[j] = false;
                }
            }
            top
        }
        best(&t, kb, 0, &mut vec![false; m])
    }

    /// Random labelings of `n` units into up to `ka` and `kb` zones (every label used).
    fn random_labels(rng: &mut impl rand::Rng, n: usize, k: usize) -> Vec<usize> {
        let mut l: Vec<usize> = (0..n).map(|i| if i < k { i } else { rng.gen_range(0..k) }).collect();
        use rand::seq::SliceRandom;
        l.shuffle(rng);
        l
    }

    /// Checked against the former hand-written Hungarian matcher on the same 600 labelings
    /// (same optimum every time) before that was removed; brute force remains the reference.
    #[test]
    fn kuhn_munkres_finds_the_brute_force_optimum() {
        use rand::SeedableRng;
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(7);
        for round in 0..600 {
            let n = rng.gen_range(1..40);
            let (ka, kb) = (rng.gen_range(1..=n.min(7)), rng.gen_range(1..=n.min(7)));
            let (a, b) = (random_labels(&mut rng, n, ka), random_labels(&mut rng, n, kb));
            let new = match_zones(&a, &b);
            let vn = matched_overlap(&a, &b, &new);
            assert_eq!(vn, brute_force_overlap(&a, &b), "round {round}: {a:?} {b:?}");
            assert_eq!(moved_units(&a, &b), n - vn);
            // One-to-one: no zone of `b` matched twice.
            let mut seen: Vec<usize> = new.iter().flatten().copied().collect();
            seen.sort_unstable();
            seen.dedup();
            assert_eq!(seen.len(), new.iter().flatten().count());
        }
    }

    #[test]
    fn one_degree_of_latitude_is_about_111_km() {
        assert!((km((10.0, 45.0), (10.0, 46.0)) - 111.19).abs() < 0.05);
        assert_eq!(km((10.0, 45.0), (10.0, 45.0)), 0.0);
        assert!((r2(25.0, 100.0) - 0.75).abs() < 1e-12);
        // Populations 10 and 30: mean 20, SD 10.
        assert!((population_cv(&[10.0, 30.0]) - 0.5).abs() < 1e-12);
    }
}
