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
//! Each zone is scored by [`ZoneCost`] from its [`ZoneTally`] (SSD, pairwise) or its units
//! (medoid); `evaluate` sums it over a partition, and local search takes the change of a move
//! as [`move_delta`] of the two zones' scores before and after — the same formulas both ways.

use ndarray::{Array2, ArrayView2};

use crate::partition::{Partition, ZoneTally};

/// A partition score: lower is better.
pub trait Objective: Sync {
    /// Short name used in output (`ssd`, `pairwise`, `medoid`).
    fn name(&self) -> &'static str;
    /// The score of a partition.
    fn evaluate(&self, p: &Partition) -> f64;
}

/// How one zone is scored; a partition's score is the sum over its zones.
#[derive(Debug, Clone, Copy)]
pub enum ZoneCost<'a> {
    /// SSD of the zone.
    Ssd,
    /// Pairwise heterogeneity: size × SSD.
    Pairwise,
    /// Cost to the zone's centre: a fixed centre when the zone holds one (the first listed),
    /// else its best member.
    Medoid {
        /// The cost matrix.
        costs: &'a MedoidCosts,
        /// Centres fixed in advance.
        fixed: &'a [usize],
    },
}

impl ZoneCost<'_> {
    /// The score of a zone with tally `t`; `units` lists its units, asked for by the medoid
    /// cost only (it sums in that order).
    pub fn zone(&self, t: &ZoneTally, units: impl FnOnce() -> Vec<usize>) -> f64 {
        match *self {
            ZoneCost::Ssd => t.ssd(),
            ZoneCost::Pairwise => t.count as f64 * t.ssd(),
            ZoneCost::Medoid { costs, fixed } => {
                let units = units();
                if units.is_empty() {
                    return 0.0;
                }
                match fixed.iter().find(|c| units.contains(c)) {
                    Some(&c) => units.iter().map(|&i| costs.cost[[i, c]]).sum(),
                    None => costs.zone(&units).0,
                }
            }
        }
    }
}

/// Change of a zone-additive score when a move turns two zones\' scores `before` into
/// `after` (written once, so every search adds in the same order).
pub fn move_delta(before: [f64; 2], after: [f64; 2]) -> f64 {
    after[0] + after[1] - before[0] - before[1]
}

/// Tallies of every zone of a partition of the rows of `x`: SSD and pairwise in one pass.
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    zones: Vec<ZoneTally>,
}

impl Tally {
    /// Tallies a partition of the rows of `x`, adding rows in unit order.
    pub fn new(x: ArrayView2<f64>, part: &Partition) -> Self {
        let mut zones = vec![ZoneTally::empty(x.ncols()); part.k()];
        for (u, &z) in part.labels().iter().enumerate() {
            let row = x.row(u);
            zones[z].add_row(row, row.dot(&row), 0.0);
        }
        Tally { zones }
    }

    /// SSD of one zone: Σ‖xᵢ‖² − ‖Σxᵢ‖²/n.
    pub fn zone_ssd(&self, z: usize) -> f64 {
        ZoneCost::Ssd.zone(&self.zones[z], Vec::new)
    }

    /// Total SSD.
    pub fn ssd(&self) -> f64 {
        self.zones.iter().map(|t| ZoneCost::Ssd.zone(t, Vec::new)).sum()
    }

    /// Total pairwise heterogeneity: Σ_z n_z·SSD_z.
    pub fn pairwise(&self) -> f64 {
        self.zones.iter().map(|t| ZoneCost::Pairwise.zone(t, Vec::new)).sum()
    }

    /// Units in zone `z`.
    pub fn count(&self, z: usize) -> usize {
        self.zones[z].count
    }
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
}

/// Total sum of squares: the SSD of the whole area as one zone.
pub fn tss(x: ArrayView2<f64>) -> f64 {
    Tally::new(x, &Partition::from_labels(&vec![0; x.nrows()])).ssd()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::partition::{Pieces, Tallied};
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
        /// The delta a search takes — [`move_delta`] of the two zones' [`ZoneCost`]s before
        /// and after, the after tallies from [`Tallied::moved`] — equals evaluate(after) −
        /// evaluate(before), for every objective (medoid with and without a fixed centre).
        #[test]
        fn delta_is_the_difference_of_two_evaluations(
            rows in prop::collection::vec(prop::collection::vec(-3.0f64..3.0, 3), 2..12),
            labels_seed in prop::collection::vec(0usize..4, 12),
            unit_seed in 0usize..100,
            to in 0usize..4,
            fixed_seed in 0usize..100,
        ) {
            let n = rows.len();
            let x = Array2::from_shape_fn((n, 3), |(i, j)| rows[i][j]);
            let mut labels: Vec<usize> = labels_seed[..n].to_vec();
            labels[0] = 0; labels[n - 1] = 3;
            let pieces = Pieces::units(x.view(), &vec![1.0; n]);
            let t = Tallied::new(&pieces, &labels);
            let p = t.part().clone();
            let unit = unit_seed % n;
            let (from, to) = (p.zone_of(unit), to % p.k());
            prop_assume!(from != to);
            let mut after = p.clone();
            after.move_unit(unit, to);
            let costs = MedoidCosts::new(x.view(), None, None);
            let fixed = [fixed_seed % n];
            type Evaluate<'a> = Box<dyn Fn(&Partition) -> f64 + 'a>;
            let evaluated: Vec<(ZoneCost, Evaluate)> = vec![
                (ZoneCost::Ssd, Box::new(|q| Ssd { x: x.clone() }.evaluate(q))),
                (ZoneCost::Pairwise, Box::new(|q| Pairwise { x: x.clone() }.evaluate(q))),
                (ZoneCost::Medoid { costs: &costs, fixed: &[] }, Box::new(|q| Medoid { costs: costs.clone() }.evaluate(q))),
                (ZoneCost::Medoid { costs: &costs, fixed: &fixed }, Box::new(|q: &Partition| {
                    let m = Medoid { costs: costs.clone() };
                    let centres: Vec<usize> = q.zones().iter().zip(m.centres(q))
                        .map(|(z, b)| if z.contains(&fixed[0]) { fixed[0] } else { b }).collect();
                    m.evaluate_with(q, &centres)
                })),
            ];
            let [mf, mt] = t.moved(&pieces, unit, to);
            for (cost, evaluate) in &evaluated {
                let before = [cost.zone(t.zone(from), || p.members(from).to_vec()), cost.zone(t.zone(to), || p.members(to).to_vec())];
                let after_scores = [cost.zone(&mf, || after.members(from).to_vec()), cost.zone(&mt, || after.members(to).to_vec())];
                let got = move_delta(before, after_scores);
                let expected = evaluate(&after) - evaluate(&p);
                prop_assert!((got - expected).abs() < 1e-9, "{:?}: delta {} vs {}", cost, got, expected);
            }
        }
    }
}
