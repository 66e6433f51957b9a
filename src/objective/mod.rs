//! Objectives: how heterogeneous a partition's zones are (lower is better).
//!
//! - [`Ssd`]: sum over zones of squared distances to the zone mean (Ward's criterion).
//! - [`Pairwise`]: sum over same-zone pairs of squared distances (p-regions, Duque, Church &
//!   Middleton 2011). With squared Euclidean distances, a zone's pairwise sum is its size times
//!   its SSD, so both come from the same [`Tally`].
//! - [`Medoid`]: each zone is served by a centre member (the lead municipality, *capofila*)
//!   and costs the sum of its members' costs to that centre, the centre being the best member
//!   (Hess et al. 1965 style assignment). Costs come from [`MedoidCosts`].
//!
//! Each has `evaluate` and `delta` (the change when one unit moves), both pure. Local search
//! keeps a [`Tally`] or per-zone medoid costs itself and uses the same formulas.

use ndarray::{Array2, ArrayView2};

use crate::partition::Partition;

/// A partition score: lower is better.
pub trait Objective: Sync {
    /// Short name used in output (`ssd`, `pairwise`, `medoid`).
    fn name(&self) -> &'static str;
    /// The score of a partition.
    fn evaluate(&self, p: &Partition) -> f64;
    /// `evaluate(after) − evaluate(before)` for moving `unit` to zone `to`.
    fn delta(&self, p: &Partition, unit: usize, to: usize) -> f64;
}

/// Per-zone sums that make SSD and pairwise deltas O(features).
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    p: usize,
    /// Zone-major sums of feature vectors, `k × p`.
    sums: Vec<f64>,
    /// Sum of squared norms per zone.
    sumsq: Vec<f64>,
    /// Units per zone.
    counts: Vec<usize>,
    /// Squared norm of each unit's vector.
    norms: Vec<f64>,
}

impl Tally {
    /// Tallies a partition of the rows of `x`.
    pub fn new(x: ArrayView2<f64>, part: &Partition) -> Self {
        let p = x.ncols();
        let k = part.k();
        let norms: Vec<f64> = x.rows().into_iter().map(|r| r.dot(&r)).collect();
        let mut t = Tally { p, sums: vec![0.0; k * p], sumsq: vec![0.0; k], counts: vec![0; k], norms };
        for (u, &z) in part.labels().iter().enumerate() {
            t.add(x, u, z);
        }
        t
    }

    fn add(&mut self, x: ArrayView2<f64>, u: usize, z: usize) {
        for (s, v) in self.sums[z * self.p..(z + 1) * self.p].iter_mut().zip(x.row(u)) {
            *s += v;
        }
        self.sumsq[z] += self.norms[u];
        self.counts[z] += 1;
    }

    fn remove(&mut self, x: ArrayView2<f64>, u: usize, z: usize) {
        for (s, v) in self.sums[z * self.p..(z + 1) * self.p].iter_mut().zip(x.row(u)) {
            *s -= v;
        }
        self.sumsq[z] -= self.norms[u];
        self.counts[z] -= 1;
    }

    /// Moves unit `u` (row of `x`) from zone `from` to zone `to`.
    pub fn apply(&mut self, x: ArrayView2<f64>, u: usize, from: usize, to: usize) {
        self.remove(x, u, from);
        self.add(x, u, to);
    }

    fn sum_sq(&self, z: usize) -> f64 {
        self.sums[z * self.p..(z + 1) * self.p].iter().map(|s| s * s).sum()
    }

    /// SSD of one zone: Σ‖xᵢ‖² − ‖Σxᵢ‖²/n.
    pub fn zone_ssd(&self, z: usize) -> f64 {
        match self.counts[z] {
            0 => 0.0,
            n => (self.sumsq[z] - self.sum_sq(z) / n as f64).max(0.0),
        }
    }

    /// Total SSD.
    pub fn ssd(&self) -> f64 {
        (0..self.counts.len()).map(|z| self.zone_ssd(z)).sum()
    }

    /// Total pairwise heterogeneity: Σ_z n_z·SSD_z.
    pub fn pairwise(&self) -> f64 {
        (0..self.counts.len()).map(|z| self.counts[z] as f64 * self.zone_ssd(z)).sum()
    }

    /// Units in zone `z`.
    pub fn count(&self, z: usize) -> usize {
        self.counts[z]
    }

    /// (ΔSSD of `from`, ΔSSD of `to`) and the new sizes, for moving row `u`.
    fn move_terms(&self, x: ArrayView2<f64>, u: usize, from: usize, to: usize) -> [(f64, f64, usize); 2] {
        let row = x.row(u);
        let (mut dot_from, mut dot_to) = (0.0, 0.0);
        for (j, v) in row.iter().enumerate() {
            dot_from += self.sums[from * self.p + j] * v;
            dot_to += self.sums[to * self.p + j] * v;
        }
        let nu = self.norms[u];
        let (nf, nt) = (self.counts[from], self.counts[to]);
        // New ‖S‖² after removing / adding the row: ‖S∓x‖² = ‖S‖² ∓ 2S·x + ‖x‖².
        let sf = self.sum_sq(from) - 2.0 * dot_from + nu;
        let st = self.sum_sq(to) + 2.0 * dot_to + nu;
        let ssd = |sumsq: f64, s2: f64, n: usize| if n == 0 { 0.0 } else { (sumsq - s2 / n as f64).max(0.0) };
        let new_from = ssd(self.sumsq[from] - nu, sf, nf - 1);
        let new_to = ssd(self.sumsq[to] + nu, st, nt + 1);
        [(self.zone_ssd(from), new_from, nf), (self.zone_ssd(to), new_to, nt)]
    }

    /// Change of total SSD when row `u` moves from `from` to `to`.
    pub fn delta_ssd(&self, x: ArrayView2<f64>, u: usize, from: usize, to: usize) -> f64 {
        if from == to {
            return 0.0;
        }
        let [(of, nf_, _), (ot, nt_, _)] = self.move_terms(x, u, from, to);
        (nf_ - of) + (nt_ - ot)
    }

    /// Change of total pairwise heterogeneity when row `u` moves from `from` to `to`.
    pub fn delta_pairwise(&self, x: ArrayView2<f64>, u: usize, from: usize, to: usize) -> f64 {
        if from == to {
            return 0.0;
        }
        let [(of, nf_, cf), (ot, nt_, ct)] = self.move_terms(x, u, from, to);
        ((cf - 1) as f64 * nf_ - cf as f64 * of) + ((ct + 1) as f64 * nt_ - ct as f64 * ot)
    }
}

/// A tally of just the two zones a move touches (`unit`'s zone as 0, `to` as 1): the delta
/// then costs O((|from| + |to|) · features), not a pass over the whole partition. Callers
/// handle a move within the same zone (delta 0) first.
fn two_zone_tally(x: ArrayView2<f64>, p: &Partition, unit: usize, to: usize) -> Tally {
    let from = p.zone_of(unit);
    let cols = x.ncols();
    let mut t = Tally { p: cols, sums: vec![0.0; 2 * cols], sumsq: vec![0.0; 2], counts: vec![0; 2], norms: vec![0.0; x.nrows()] };
    for (slot, z) in [(0, from), (1, to)] {
        for &u in p.members(z) {
            let row = x.row(u);
            t.norms[u] = row.dot(&row);
            t.add(x, u, slot);
        }
    }
    t
}

/// Sum of squared deviations from zone means, over standardized (weighted) features.
#[derive(Debug, Clone)]
pub struct Ssd {
    /// Rows = units, columns = standardized, weighted features.
    pub x: Array2<f64>,
}

impl Objective for Ssd {
    fn name(&self) -> &'static str {
        "ssd"
    }
    fn evaluate(&self, p: &Partition) -> f64 {
        Tally::new(self.x.view(), p).ssd()
    }
    fn delta(&self, p: &Partition, unit: usize, to: usize) -> f64 {
        if p.zone_of(unit) == to {
            return 0.0;
        }
        two_zone_tally(self.x.view(), p, unit, to).delta_ssd(self.x.view(), unit, 0, 1)
    }
}

/// Sum over same-zone pairs of squared Euclidean distances.
#[derive(Debug, Clone)]
pub struct Pairwise {
    /// Rows = units, columns = standardized, weighted features.
    pub x: Array2<f64>,
}

impl Objective for Pairwise {
    fn name(&self) -> &'static str {
        "pairwise"
    }
    fn evaluate(&self, p: &Partition) -> f64 {
        Tally::new(self.x.view(), p).pairwise()
    }
    fn delta(&self, p: &Partition, unit: usize, to: usize) -> f64 {
        if p.zone_of(unit) == to {
            return 0.0;
        }
        two_zone_tally(self.x.view(), p, unit, to).delta_pairwise(self.x.view(), unit, 0, 1)
    }
}

/// How the cost of serving unit `i` from centre `j` is made.
#[derive(Debug, Clone, PartialEq)]
pub struct MedoidCosts {
    /// `cost[[i, j]]`: cost of unit `i` in the zone led by `j`.
    pub cost: Array2<f64>,
}

impl MedoidCosts {
    /// Squared Euclidean distances of standardized feature vectors (the default), plus
    /// `travel_weight` × km between the units' points, with each unit's row scaled by
    /// `pop_weights[i]` when given (e.g. population / mean population).
    pub fn new(x: ArrayView2<f64>, km: Option<(&Array2<f64>, f64)>, pop_weights: Option<&[f64]>) -> Self {
        let n = x.nrows();
        let cost = Array2::from_shape_fn((n, n), |(i, j)| {
            let d: f64 = x.row(i).iter().zip(x.row(j)).map(|(a, b)| (a - b) * (a - b)).sum();
            let travel = km.map_or(0.0, |(km, w)| w * km[[i, j]]);
            pop_weights.map_or(1.0, |w| w[i]) * (d + travel)
        });
        MedoidCosts { cost }
    }

    /// Cost of a zone with its best centre: (cost, centre).
    pub fn zone(&self, members: &[usize]) -> (f64, usize) {
        let mut best = (f64::INFINITY, usize::MAX);
        for &c in members {
            let v: f64 = members.iter().map(|&i| self.cost[[i, c]]).sum();
            if v < best.0 || (v == best.0 && c < best.1) {
                best = (v, c);
            }
        }
        best
    }
}

/// The medoid objective: Σ over zones of the cost to the zone's best centre.
#[derive(Debug, Clone)]
pub struct Medoid {
    /// The cost matrix.
    pub costs: MedoidCosts,
}

impl Medoid {
    /// The centre of every zone (the member minimising the zone's cost; lowest index on ties).
    pub fn centres(&self, p: &Partition) -> Vec<usize> {
        p.zones().iter().map(|m| self.costs.zone(m).1).collect()
    }
}

impl Medoid {
    /// Cost with the given centre for each zone (`centres[z]` must be a member of zone `z`).
    pub fn evaluate_with(&self, p: &Partition, centres: &[usize]) -> f64 {
        p.zones().iter().zip(centres).map(|(m, &c)| m.iter().map(|&i| self.costs.cost[[i, c]]).sum::<f64>()).sum()
    }
}

impl Objective for Medoid {
    fn name(&self) -> &'static str {
        "medoid"
    }
    fn evaluate(&self, p: &Partition) -> f64 {
        p.zones().iter().map(|m| if m.is_empty() { 0.0 } else { self.costs.zone(m).0 }).sum()
    }
    fn delta(&self, p: &Partition, unit: usize, to: usize) -> f64 {
        let from = p.zone_of(unit);
        if from == to {
            return 0.0;
        }
        let cost = |m: &[usize]| if m.is_empty() { 0.0 } else { self.costs.zone(m).0 };
        let old = cost(p.members(from)) + cost(p.members(to));
        let without: Vec<usize> = p.members(from).iter().copied().filter(|&u| u != unit).collect();
        let mut with = p.members(to).to_vec();
        with.push(unit);
        cost(&without) + cost(&with) - old
    }
}

/// Total sum of squares: the SSD of the whole area as one zone.
pub fn tss(x: ArrayView2<f64>) -> f64 {
    Tally::new(x, &Partition::from_labels(&vec![0; x.nrows()])).ssd()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;
    use proptest::prelude::*;

    fn x() -> Array2<f64> {
        array![[0.0, 0.0], [1.0, 0.0], [0.0, 2.0], [5.0, 5.0]]
    }

    #[test]
    fn hand_computed_values() {
        let p = Partition::from_labels(&[0, 0, 0, 1]);
        // Zone {0,1,2}: mean (1/3, 2/3); squared deviations 5/9 + 8/9 + 17/9 = 30/9.
        assert!((Ssd { x: x() }.evaluate(&p) - 30.0 / 9.0).abs() < 1e-12);
        // Pairs: d01 = 1, d02 = 4, d12 = 5 → 10 = 3 · 30/9.
        assert!((Pairwise { x: x() }.evaluate(&p) - 10.0).abs() < 1e-12);
        // Medoid: centre 0 costs 1 + 4 = 5, centre 1 costs 1 + 5 = 6, centre 2 costs 9.
        let m = Medoid { costs: MedoidCosts::new(x().view(), None, None) };
        assert!((m.evaluate(&p) - 5.0).abs() < 1e-12);
        assert_eq!(m.centres(&p), vec![0, 3]);
    }

    proptest! {
        /// delta == evaluate(after) − evaluate(before), for every objective.
        #[test]
        fn delta_is_the_difference_of_two_evaluations(
            rows in prop::collection::vec(prop::collection::vec(-3.0f64..3.0, 3), 2..12),
            labels_seed in prop::collection::vec(0usize..4, 12),
            unit_seed in 0usize..100,
            to in 0usize..4,
        ) {
            let n = rows.len();
            let x = Array2::from_shape_fn((n, 3), |(i, j)| rows[i][j]);
            let mut labels: Vec<usize> = labels_seed[..n].to_vec();
            labels[0] = 0; labels[n - 1] = 3; // four zones may exist; some may be empty
            let p = Partition::from_labels(&labels);
            let unit = unit_seed % n;
            let to = to % p.k();
            let objectives: Vec<Box<dyn Objective>> = vec![
                Box::new(Ssd { x: x.clone() }),
                Box::new(Pairwise { x: x.clone() }),
                Box::new(Medoid { costs: MedoidCosts::new(x.view(), None, None) }),
            ];
            for o in &objectives {
                let mut after = p.clone();
                after.move_unit(unit, to);
                let expected = o.evaluate(&after) - o.evaluate(&p);
                let got = o.delta(&p, unit, to);
                prop_assert!((got - expected).abs() < 1e-9, "{}: delta {} vs {}", o.name(), got, expected);
            }
        }
    }
}
