//! Random contiguous, population-balanced plans as a baseline: a ReCom Markov chain (DeFord,
//! Duchin & Solomon 2021, as in GerryChain). Each step picks a uniformly random pair of
//! adjacent zones, merges them, draws a spanning tree of the union with random edge weights
//! (minimum spanning tree of i.i.d. uniform weights), and cuts one tree edge chosen uniformly
//! among those that leave both sides within the balance bound; when no edge qualifies, a new
//! tree is drawn (up to 20 times) and otherwise the step repeats the current plan.
//!
//! The stated distribution: the chain's samples after `burn_in` steps, one per step. ReCom's
//! stationary distribution is not uniform over plans: it favours plans whose zones have many
//! spanning trees (compact zones). Every sample is contiguous and balanced by construction.

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::Serialize;

use crate::partition::Partition;

/// Chain settings.
#[derive(Debug, Clone, PartialEq)]
pub struct ChainParams {
    /// Samples to keep.
    pub samples: usize,
    /// Steps discarded first.
    pub burn_in: usize,
    /// Allowed relative deviation of a zone's population from the ideal (total / k).
    pub balance: f64,
    /// Seed.
    pub seed: u64,
}

/// One sample's summary.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Sample {
    /// R² of the sample (SSD-based).
    pub r2: f64,
    /// Largest relative deviation of a zone's population from the ideal.
    pub imbalance: f64,
}

/// Population bounds of one zone under `balance`.
pub fn bounds(pop: &[f64], k: usize, balance: f64) -> (f64, f64) {
    let ideal = pop.iter().sum::<f64>() / k as f64;
    (ideal * (1.0 - balance), ideal * (1.0 + balance))
}

/// Largest relative deviation of a zone population from the ideal.
pub fn imbalance(pop: &[f64], p: &Partition) -> f64 {
    let ideal = pop.iter().sum::<f64>() / p.k() as f64;
    p.zones()
        .iter()
        .map(|m| (m.iter().map(|&u| pop[u]).sum::<f64>() - ideal).abs() / ideal)
        .fold(0.0, f64::max)
}

/// Runs the chain from `start` (contiguous and balanced), calling `visit` on every kept
/// sample. Returns the number of steps that changed the plan.
pub fn run(
    adj: &[Vec<usize>],
    pop: &[f64],
    start: &Partition,
    params: &ChainParams,
    mut visit: impl FnMut(&Partition),
) -> usize {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(params.seed);
    let (lo, hi) = bounds(pop, start.k(), params.balance);
    let mut p = start.clone();
    let mut accepted = 0;
    for step in 0..params.burn_in + params.samples {
        if recom_step(adj, pop, &mut p, lo, hi, &mut rng) {
            accepted += 1;
        }
        if step >= params.burn_in {
            visit(&p);
        }
    }
    accepted
}

/// One ReCom step; true if the plan changed.
fn recom_step(adj: &[Vec<usize>], pop: &[f64], p: &mut Partition, lo: f64, hi: f64, rng: &mut Xoshiro256PlusPlus) -> bool {
    // Uniform pair of adjacent zones.
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for (u, nb) in adj.iter().enumerate() {
        for &v in nb {
            let (a, b) = (p.zone_of(u), p.zone_of(v));
            if a < b {
                pairs.push((a, b));
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    let Some(&(za, zb)) = pairs.choose(rng) else { return false };
    let mut region: Vec<usize> = p.members(za).iter().chain(p.members(zb)).copied().collect();
    region.sort_unstable();
    for _ in 0..20 {
        let (order, parent) = random_tree(adj, &region, rng);
        // Subtree populations, children before parents.
        let pos = |u: usize| region.binary_search(&u).expect("in region");
        let mut below = vec![0.0; region.len()];
        for &u in order.iter().rev() {
            below[pos(u)] += pop[u];
            if let Some(par) = parent[pos(u)] {
                let b = below[pos(u)];
                below[pos(par)] += b;
            }
        }
        let total = below[pos(order[0])];
        let cuts: Vec<usize> = order
            .iter()
            .skip(1)
            .copied()
            .filter(|&u| {
                let side = below[pos(u)];
                (lo..=hi).contains(&side) && (lo..=hi).contains(&(total - side))
            })
            .collect();
        if let Some(&cut) = cuts.choose(rng) {
            // The subtree under `cut` becomes zone za, the rest zb.
            let mut in_side = vec![false; region.len()];
            for &u in &order {
                let up = parent[pos(u)];
                in_side[pos(u)] = u == cut || up.is_some_and(|par| in_side[pos(par)]);
            }
            let before = p.clone();
            for &u in &region {
                p.move_unit(u, if in_side[pos(u)] { za } else { zb });
            }
            return *p != before;
        }
    }
    false
}

/// A random spanning tree of `region` (minimum spanning tree of uniform random weights, Prim):
/// returns the visit order from a root and each unit's parent (by position in `region`).
fn random_tree(adj: &[Vec<usize>], region: &[usize], rng: &mut Xoshiro256PlusPlus) -> (Vec<usize>, Vec<Option<usize>>) {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    let pos = |u: usize| region.binary_search(&u).ok();
    let mut parent: Vec<Option<usize>> = vec![None; region.len()];
    let mut done = vec![false; region.len()];
    let root = region[rng.gen_range(0..region.len())];
    done[pos(root).unwrap()] = true;
    let mut order = vec![root];
    let mut heap = BinaryHeap::new();
    let push = |heap: &mut BinaryHeap<_>, u: usize, rng: &mut Xoshiro256PlusPlus, done: &[bool]| {
        for &v in &adj[u] {
            if let Some(pv) = pos(v) {
                if !done[pv] {
                    heap.push(Reverse((rng.gen::<u64>(), u, v)));
                }
            }
        }
    };
    push(&mut heap, root, rng, &done);
    while let Some(Reverse((_, u, v))) = heap.pop() {
        let pv = pos(v).unwrap();
        if done[pv] {
            continue;
        }
        done[pv] = true;
        parent[pv] = Some(u);
        order.push(v);
        push(&mut heap, v, rng, &done);
    }
    (order, parent)
}

/// Share of samples at or below `value` (a percentile in 0–100).
pub fn percentile(values: &[f64], value: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    100.0 * values.iter().filter(|&&v| v <= value).count() as f64 / values.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 4×4 grid, all populations 1, two zones of 8 (left and right halves).
    fn grid() -> (Vec<Vec<usize>>, Vec<f64>, Partition) {
        let n = 16;
        let adj = (0..n)
            .map(|i: usize| {
                let (r, c) = (i / 4, i % 4);
                let mut v = Vec::new();
                if r > 0 { v.push(i - 4); }
                if c > 0 { v.push(i - 1); }
                if c < 3 { v.push(i + 1); }
                if r < 3 { v.push(i + 4); }
                v
            })
            .collect();
        let labels: Vec<usize> = (0..n).map(|i| usize::from(i % 4 >= 2)).collect();
        (adj, vec![1.0; n], Partition::from_labels(&labels))
    }

    #[test]
    fn chain_yields_only_contiguous_balanced_plans_and_moves() {
        let (adj, pop, start) = grid();
        let params = ChainParams { samples: 500, burn_in: 10, balance: 0.25, seed: 9 };
        let (lo, hi) = bounds(&pop, 2, 0.25);
        let mut distinct = std::collections::BTreeSet::new();
        let accepted = run(&adj, &pop, &start, &params, |p| {
            assert!(p.is_contiguous(&adj));
            assert_eq!(p.k(), 2);
            for m in p.zones() {
                let s: f64 = m.iter().map(|&u| pop[u]).sum();
                assert!((lo..=hi).contains(&s), "zone of {s} outside [{lo}, {hi}]");
            }
            distinct.insert(p.canonical().labels().to_vec());
        });
        assert!(accepted > 100 && distinct.len() > 20, "the chain explores: {accepted} moves, {} plans", distinct.len());
    }
}

/// Where a plan sits among the chain's samples.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Samples.
    pub samples: usize,
    /// The plan's R².
    pub plan_r2: f64,
    /// The plan's imbalance.
    pub plan_imbalance: f64,
    /// Percent of samples with R² at or below the plan's (high = better than chance).
    pub r2_percentile: f64,
    /// Percent of samples with imbalance at or below the plan's (low = better balanced).
    pub imbalance_percentile: f64,
    /// R² of the samples: min, 5th, 50th, 95th percentile, max.
    pub r2_quantiles: [f64; 5],
    /// Histogram of sample R²: 20 bins from the smallest to the largest value seen
    /// (plan included), as (lower edge, upper edge, count).
    pub r2_histogram: Vec<(f64, f64, usize)>,
}

/// Summarises samples against a plan.
pub fn summarize(samples: &[Sample], plan: Sample) -> Summary {
    let mut r2: Vec<f64> = samples.iter().map(|s| s.r2).collect();
    r2.sort_by(f64::total_cmp);
    let q = |p: f64| if r2.is_empty() { f64::NAN } else { r2[((r2.len() - 1) as f64 * p).round() as usize] };
    let imb: Vec<f64> = samples.iter().map(|s| s.imbalance).collect();
    let lo = r2.first().copied().unwrap_or(plan.r2).min(plan.r2);
    let hi = r2.last().copied().unwrap_or(plan.r2).max(plan.r2);
    let width = ((hi - lo) / 20.0).max(1e-12);
    let mut counts = vec![0usize; 20];
    for v in &r2 {
        counts[(((v - lo) / width) as usize).min(19)] += 1;
    }
    Summary {
        samples: samples.len(),
        plan_r2: plan.r2,
        plan_imbalance: plan.imbalance,
        r2_percentile: percentile(&r2, plan.r2),
        imbalance_percentile: percentile(&imb, plan.imbalance),
        r2_quantiles: [q(0.0), q(0.05), q(0.5), q(0.95), q(1.0)],
        r2_histogram: counts.iter().enumerate().map(|(i, &c)| (lo + i as f64 * width, lo + (i + 1) as f64 * width, c)).collect(),
    }
}
