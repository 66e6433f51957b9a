//! The cuts of the medoid branch-and-cut: node-weighted shortest paths for the distance
//! reduction, minimum vertex separators for contiguity, and the too-small-ring cuts for
//! minimum bounds.

use std::collections::{HashSet, VecDeque};

use highs::Model;

use super::medoid::*;
use super::*;

/// Node-weighted shortest paths from `centre`: cost of reaching `i` = Σ of `c[v][centre]`
/// over the path's units after the centre (Dijkstra). A zone led by `centre` that holds `i`
/// contains such a path, so its cost is at least `dist[i]`.
pub(super) fn path_costs(inst: &Instance, centre: usize) -> Vec<f64> {
    let n = inst.n();
    let mut dist = vec![f64::INFINITY; n];
    let mut done = vec![false; n];
    dist[centre] = 0.0;
    for _ in 0..n {
        let next = (0..n).filter(|&u| !done[u] && dist[u].is_finite()).min_by(|&a, &b| dist[a].total_cmp(&dist[b]));
        let Some(u) = next else { break };
        done[u] = true;
        for &v in &inst.adj[u] {
            let d = dist[u] + inst.medoid.cost[[v, centre]];
            if d < dist[v] {
                dist[v] = d;
            }
        }
    }
    dist
}

/// Minimum-weight vertex separator between `a` and `j` (both excluded) with weights `w`, by
/// max-flow on the split graph (Edmonds–Karp). Returns (weight, separator); the separator is
/// the set of split nodes cut on the source side, so it is minimal for the weights.
pub(crate) fn min_separator(adj: &[Vec<usize>], a: usize, j: usize, w: &[f64]) -> (f64, Vec<usize>) {
    let n = adj.len();
    const BIG: f64 = 1e9;
    // Node v: in = 2v, out = 2v + 1. Arc e and its reverse e ^ 1.
    let mut head: Vec<Vec<usize>> = vec![Vec::new(); 2 * n];
    let mut to = Vec::new();
    let mut cap = Vec::new();
    let mut arc = |u: usize, v: usize, c: f64| {
        head[u].push(to.len());
        to.push(v);
        cap.push(c);
        head[v].push(to.len());
        to.push(u);
        cap.push(0.0);
    };
    for v in 0..n {
        let c = if v == a || v == j { BIG } else { w[v].max(0.0) };
        arc(2 * v, 2 * v + 1, c);
        for &u in &adj[v] {
            arc(2 * v + 1, 2 * u, BIG);
        }
    }
    let (src, sink) = (2 * a + 1, 2 * j);
    let mut total = 0.0;
    loop {
        let mut prev = vec![usize::MAX; 2 * n];
        let mut reached = vec![false; 2 * n];
        reached[src] = true;
        let mut queue = VecDeque::from([src]);
        while let Some(u) = queue.pop_front() {
            for &e in &head[u] {
                if cap[e] > 1e-12 && !reached[to[e]] {
                    reached[to[e]] = true;
                    prev[to[e]] = e;
                    queue.push_back(to[e]);
                }
            }
        }
        if !reached[sink] {
            let s = (0..n).filter(|&v| reached[2 * v] && !reached[2 * v + 1]).collect();
            return (total, s);
        }
        let mut f = f64::INFINITY;
        let mut v = sink;
        while v != src {
            f = f.min(cap[prev[v]]);
            v = to[prev[v] ^ 1];
        }
        let mut v = sink;
        while v != src {
            cap[prev[v]] -= f;
            cap[prev[v] ^ 1] += f;
            v = to[prev[v] ^ 1];
        }
        total += f;
        if total >= BIG / 2.0 {
            return (total, Vec::new()); // a and j are adjacent: nothing separates them
        }
    }
}

/// Adds every separator inequality the LP solution violates; returns how many.
pub(super) fn separate(
    model: &mut Model,
    inst: &Instance,
    cons: &Constraints,
    cols: &Columns,
    values: &[f64],
    seen: &mut HashSet<(usize, usize, Vec<usize>)>,
) -> usize {
    let n = inst.n();
    let mut val = vec![vec![0.0; n]; n]; // val[j][i] = x[i][j]
    for (c, &(i, j, _)) in cols.pairs.iter().enumerate() {
        val[j][i] = values[c];
    }
    let mut added = 0;
    for (j, led) in val.iter().enumerate() {
        if led[j] < EPS {
            continue;
        }
        for a in 0..n {
            if a == j || led[a] < EPS || inst.adj[a].contains(&j) {
                continue;
            }
            let (weight, s) = min_separator(&inst.adj, a, j, led);
            if weight < led[a] - EPS && !s.is_empty() && seen.insert((a, j, s.clone())) {
                let xaj = cols.col(a, j).expect("positive value, so allowed");
                let rhs = s.iter().filter_map(|&v| cols.col(v, j)).map(|c| (c, -1.0));
                model.add_row(..=0.0, std::iter::once((xaj, 1.0)).chain(rhs));
                added += 1;
            }
        }
        if let Some(ring) = too_small_ring(inst, cons, led, j) {
            if seen.insert((j, j, ring.clone())) {
                let xjj = cols.col(j, j).expect("positive value, so allowed");
                let rhs = ring.iter().filter_map(|&v| cols.col(v, j)).map(|c| (c, -1.0));
                model.add_row(..=0.0, std::iter::once((xjj, 1.0)).chain(rhs));
                added += 1;
            }
        }
    }
    added
}

/// Minimum-size cuts: a zone led by `j` that must reach a population (or a number of
/// municipalities) that a set `C ∋ j` does not reach leaves `C`, so it holds a unit of the
/// ring `N(C)` around it: `x[j][j] ≤ Σ_{s∈N(C)} x[s][j]`. (Valid for any such `C`, connected or
/// not.) Without them the LP meets a population bound with slivers of large towns. `C` grows
/// greedily from `j` by the ring unit the LP leans to most, as long as `C` stays too small;
/// returns the ring of the most violated cut found, sorted.
pub(super) fn too_small_ring(inst: &Instance, cons: &Constraints, val: &[f64], j: usize) -> Option<Vec<usize>> {
    let (min_pop, min_units) = (cons.min_pop.unwrap_or(0.0), cons.min_units.unwrap_or(0));
    let too_small = |pop: f64, size: usize| pop < min_pop - 1e-9 || size < min_units;
    let n = inst.n();
    if !too_small(inst.pop[j], 1) {
        return None;
    }
    let w = |i: usize| val[i] / val[j];
    let mut in_c = vec![false; n];
    in_c[j] = true;
    let (mut pop, mut size) = (inst.pop[j], 1);
    let mut best: Option<(f64, Vec<usize>)> = None;
    loop {
        let mut ring: Vec<usize> = (0..n).filter(|&s| !in_c[s] && inst.adj[s].iter().any(|&u| in_c[u])).collect();
        ring.sort_unstable();
        let sum: f64 = ring.iter().map(|&s| w(s)).sum();
        if sum < 1.0 - 1e-4 && best.as_ref().is_none_or(|b| sum < b.0) {
            best = Some((sum, ring.clone()));
        }
        let next = ring
            .iter()
            .copied()
            .filter(|&s| too_small(pop + inst.pop[s], size + 1) && w(s) > EPS)
            .max_by(|&a, &b| w(a).total_cmp(&w(b)).then(b.cmp(&a)));
        let Some(s) = next else { break };
        in_c[s] = true;
        pop += inst.pop[s];
        size += 1;
    }
    best.map(|(_, ring)| ring)
}
