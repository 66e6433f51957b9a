//! Heuristics for contiguous zones: constructive starts ([`construct`]: Ward under
//! contiguity, SKATER), then improvement by simulated annealing over contiguity-safe
//! single-atom moves (AZP-SA, Openshaw & Rao 1995), steepest descent, and merge-and-split of
//! two adjacent zones along a random spanning tree (the move single flips cannot make; cf.
//! ReCom, DeFord et al. 2021). Many starts run over rayon; start `i` draws from an RNG seeded
//! by `(seed, i)` and the best is picked by `(score, i)`, so the answer depends on the seed
//! only, not on the thread count. Budgets are counted in moves, never in seconds, for the same
//! reason.

mod atoms;
mod construct;
mod state;

use std::time::Instant;

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;

use crate::objective::Medoid;
use crate::partition::Partition;
use crate::solve::{CheckedParams, Constraints, Instance, Invalid, NotFound, Outcome, SolveError, SolverKind};

use construct::{skater, spanning_forest, subtree_tallies, ward};
use state::{Ctx, State};

/// The RNG of start `i` under `seed` (SplitMix-style mixing of the pair).
fn rng_for(seed: u64, i: usize) -> Xoshiro256PlusPlus {
    let mut z = seed ^ (i as u64).wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    Xoshiro256PlusPlus::seed_from_u64(z ^ (z >> 31))
}

/// Search budget for an instance of `m` atoms: (starts, annealing sweeps).
fn budget(m: usize, starts: usize) -> (usize, usize) {
    let (s, sweeps) = match m {
        0..=120 => (96, 400),
        121..=600 => (12, 100),
        601..=3000 => (4, 60),
        _ => (2, 40),
    };
    (if starts > 0 { starts } else { s }, sweeps)
}

/// Multi-start search; see the module docs.
///
/// # Errors
/// [`SolveError::NotFound`] when no start meets every constraint (the message lists what the
/// best partition still breaks).
pub fn solve(inst: &Instance, cons: &Constraints, params: &CheckedParams) -> Result<Outcome, SolveError> {
    search(inst, cons, params, None)
}

/// [`solve`] with one more start: `start`, a partition meeting every constraint (the max-p
/// count search's), improved by descent and merge-and-split. The answer is then never worse
/// than `start`, and never missing.
///
/// # Errors
/// As [`solve`].
pub(crate) fn solve_from(inst: &Instance, cons: &Constraints, params: &CheckedParams, start: &Partition) -> Result<Outcome, SolveError> {
    search(inst, cons, params, Some(start))
}

fn search(inst: &Instance, cons: &Constraints, params: &CheckedParams, start: Option<&Partition>) -> Result<Outcome, SolveError> {
    let clock = Instant::now();
    let cons = &with_centres_apart(cons);
    let ctx = Ctx::new(inst, cons, params.objective);
    let (starts, sweeps) = budget(ctx.atoms.len(), params.starts);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(params.threads.max(1))
        .build()
        .map_err(|e| SolveError::Param(Invalid::Threads { threads: params.threads, reason: e.to_string() }))?;
    let mut results: Vec<(f64, Vec<usize>)> =
        pool.install(|| (0..starts).into_par_iter().map(|i| run_start(&ctx, cons.k, params.seed, i, sweeps)).collect());
    if let Some(p) = start {
        // Atom labels of the start (an atom's units share a zone in a partition that keeps
        // the must-link groups), as given and improved.
        let labels: Vec<usize> = ctx.atoms.units.iter().map(|m| p.labels()[m[0]]).collect();
        results.push((State::new(&ctx, &labels).total(), labels.clone()));
        results.push(improve(&ctx, State::new(&ctx, &labels), &mut rng_for(params.seed, starts)));
    }
    // Partitions meeting every constraint first (a penalised score can prefer a slightly
    // infeasible one), then the lowest score, then the lowest start: the thread count never
    // decides.
    let (_, _, labels) = results
        .into_iter()
        .enumerate()
        .map(|(i, (score, labels))| {
            let broken = !ctx.cons.violations(inst, &Partition::from_labels(&ctx.atoms.expand(&labels))).is_empty();
            (broken, (score, i), labels)
        })
        .min_by(|a, b| a.0.cmp(&b.0).then(a.1 .0.total_cmp(&b.1 .0)).then(a.1 .1.cmp(&b.1 .1)))
        .expect("at least one start");
    finish(&ctx, &labels, SolverKind::Heuristic, clock)
}

/// Fixed centres lead different zones: the search keeps them apart.
fn with_centres_apart(cons: &Constraints) -> Constraints {
    let mut c = cons.clone();
    for (i, &a) in cons.centres.iter().enumerate() {
        for &b in &cons.centres[i + 1..] {
            c.cannot_link.push((a, b));
        }
    }
    c
}

/// The centre of each zone: its fixed centre when it holds one, else its best member.
pub(crate) fn zone_centres(inst: &Instance, cons: &Constraints, p: &Partition) -> Vec<usize> {
    let best = Medoid { costs: inst.medoid.clone() }.centres(p);
    p.zones().iter().zip(best).map(|(m, b)| cons.centres.iter().copied().find(|c| m.contains(c)).unwrap_or(b)).collect()
}

/// Ward agglomeration alone (the REDCAP/SCHC answer), for comparison.
pub fn ward_only(inst: &Instance, cons: &Constraints, params: &CheckedParams) -> Result<Outcome, SolveError> {
    let clock = Instant::now();
    let cons = &with_centres_apart(cons);
    let ctx = Ctx::new(inst, cons, params.objective);
    let labels = ward(&ctx, cons.k, 0.0, &mut rng_for(params.seed, 0));
    finish(&ctx, &labels, SolverKind::Ward, clock)
}

/// SKATER alone, for comparison.
pub fn skater_only(inst: &Instance, cons: &Constraints, params: &CheckedParams) -> Result<Outcome, SolveError> {
    let clock = Instant::now();
    let cons = &with_centres_apart(cons);
    let ctx = Ctx::new(inst, cons, params.objective);
    let labels = skater(&ctx, cons.k);
    finish(&ctx, &labels, SolverKind::Skater, clock)
}

/// Turns atom labels into an outcome, checking every constraint.
fn finish(ctx: &Ctx, atom_labels: &[usize], method: SolverKind, clock: Instant) -> Result<Outcome, SolveError> {
    let partition = Partition::from_labels(&ctx.atoms.expand(atom_labels));
    let broken = ctx.cons.violations(ctx.inst, &partition);
    if !broken.is_empty() {
        return Err(SolveError::NotFound(NotFound::Unmet { method, broken }));
    }
    Ok(Outcome::unproven(ctx.inst, ctx.cons, ctx.kind, partition, method, clock))
}

/// One start: construct, anneal, then alternate descent and merge-and-split.
fn run_start(ctx: &Ctx, k: usize, seed: u64, i: usize, sweeps: usize) -> (f64, Vec<usize>) {
    let mut rng = rng_for(seed, i);
    let labels = match i {
        0 => ward(ctx, k, 0.0, &mut rng),
        1 => skater(ctx, k),
        _ => ward(ctx, k, 0.1 + 0.9 * rng.gen::<f64>(), &mut rng),
    };
    let mut state = State::new(ctx, &labels);
    if i > 0 {
        anneal(ctx, &mut state, &mut rng, sweeps);
    }
    improve(ctx, state, &mut rng)
}

/// Alternates steepest descent and merge-and-split until three rounds in a row gain nothing.
fn improve(ctx: &Ctx, mut state: State, rng: &mut Xoshiro256PlusPlus) -> (f64, Vec<usize>) {
    let mut idle = 0;
    while idle < 3 {
        descend(ctx, &mut state);
        if merge_split(ctx, &mut state, rng) {
            idle = 0;
        } else {
            idle += 1;
        }
    }
    (state.total(), state.part().labels().to_vec())
}

/// Picks a random contiguity-safe move: (atom, target zone).
fn random_move(ctx: &Ctx, state: &State, rng: &mut Xoshiro256PlusPlus) -> Option<(usize, usize)> {
    let a = rng.gen_range(0..ctx.atoms.len());
    let zones = state.part().neighbour_zones(&ctx.atoms.adj, a);
    if zones.is_empty() || !state.part().can_leave(&ctx.atoms.adj, a) {
        return None;
    }
    Some((a, zones[rng.gen_range(0..zones.len())]))
}

/// Simulated annealing over single-atom moves; leaves the best state seen at a sweep's end.
fn anneal(ctx: &Ctx, state: &mut State, rng: &mut Xoshiro256PlusPlus, sweeps: usize) {
    let m = ctx.atoms.len();
    // Starting temperature: the median uphill step among sampled moves, so that about half
    // of them are accepted at first.
    let mut ups: Vec<f64> =
        (0..200).filter_map(|_| random_move(ctx, state, rng)).map(|(a, to)| state.eval(ctx, a, to).delta).filter(|d| *d > 0.0).collect();
    if ups.is_empty() {
        return;
    }
    ups.sort_by(f64::total_cmp);
    let t0 = ups[ups.len() / 2];
    let alpha = (1e-4f64).powf(1.0 / sweeps.max(1) as f64);
    let mut t = t0;
    let mut best = state.clone();
    let mut best_total = state.total();
    for _ in 0..sweeps {
        for _ in 0..m {
            let Some((a, to)) = random_move(ctx, state, rng) else { continue };
            let e = state.eval(ctx, a, to);
            if e.delta <= 0.0 || rng.gen::<f64>() < (-e.delta / t).exp() {
                state.apply(a, to, e);
            }
        }
        let total = state.total();
        if total < best_total - 1e-12 {
            best_total = total;
            best = state.clone();
        }
        t *= alpha;
    }
    *state = best;
}

/// Steepest descent over single-atom moves until none improves.
fn descend(ctx: &Ctx, state: &mut State) {
    loop {
        let mut improved = false;
        for a in 0..ctx.atoms.len() {
            let zones = state.part().neighbour_zones(&ctx.atoms.adj, a);
            if zones.is_empty() || !state.part().can_leave(&ctx.atoms.adj, a) {
                continue;
            }
            let best = zones.into_iter().map(|to| (to, state.eval(ctx, a, to))).min_by(|x, y| x.1.delta.total_cmp(&y.1.delta));
            if let Some((to, e)) = best {
                if e.delta < -1e-10 {
                    state.apply(a, to, e);
                    improved = true;
                }
            }
        }
        if !improved {
            return;
        }
    }
}

/// Merge-and-split: for each pair of adjacent zones, join them, draw a random spanning tree
/// of the union and cut it at the best edge. Returns true if any pair improved.
fn merge_split(ctx: &Ctx, state: &mut State, rng: &mut Xoshiro256PlusPlus) -> bool {
    let k = state.part().k();
    let adj = &ctx.atoms.adj;
    let mut pairs = std::collections::BTreeSet::new();
    for (a, near) in adj.iter().enumerate() {
        for &b in near {
            let (za, zb) = (state.part().zone_of(a), state.part().zone_of(b));
            if za < zb {
                pairs.insert((za, zb));
            }
        }
    }
    let mut improved = false;
    for (za, zb) in pairs {
        debug_assert!(za < k && zb < k);
        let mut region: Vec<usize> = state.part().members(za).to_vec();
        region.extend_from_slice(state.part().members(zb));
        if ctx.kind.is_centred() && region.len() > 80 {
            continue; // O(r³) cut scoring: left to single moves on large zones
        }
        region.sort_unstable();
        let still_adjacent = state.part().members(za).iter().any(|&a| adj[a].iter().any(|&b| state.part().zone_of(b) == zb));
        if !still_adjacent {
            continue;
        }
        if let Some((side, rest, score)) = best_cut(ctx, &region, rng) {
            if score < state.score[za] + state.score[zb] - 1e-9 {
                state.reassign(ctx, za, zb, &side, &rest);
                improved = true;
            }
        }
    }
    improved
}

/// The best two-way cut of a random spanning tree of `region`: (side, rest, penalised score).
fn best_cut(ctx: &Ctx, region: &[usize], rng: &mut Xoshiro256PlusPlus) -> Option<(Vec<usize>, Vec<usize>, f64)> {
    let tree = spanning_forest(ctx, region, Some(rng));
    // Depth-first pre-order: every subtree is a contiguous slice of `order`.
    let m = ctx.atoms.len();
    let mut parent = vec![usize::MAX; m];
    let mut order = Vec::with_capacity(region.len());
    let mut stack = vec![region[0]];
    let mut seen = std::collections::HashSet::new();
    seen.insert(region[0]);
    while let Some(u) = stack.pop() {
        order.push(u);
        for &v in tree[u].iter().rev() {
            if seen.insert(v) {
                parent[v] = u;
                stack.push(v);
            }
        }
    }
    if order.len() != region.len() {
        return None; // the union is not connected (cannot happen for adjacent connected zones)
    }
    // Children after their parent, so each child's subtree is a later slice; last first.
    let children = |u: usize| tree[u].iter().rev().copied().filter(|&v| v != parent[u]).collect();
    let sub = subtree_tallies(ctx, &order, children);
    let size = |u: usize| sub[u].as_ref().expect("in the tree").atoms;
    let whole = &sub[order[0]].as_ref().expect("root").tally;
    let exact = ctx.kind.is_centred() || !ctx.cons.cannot_link.is_empty();
    let mut best: Option<(f64, usize)> = None;
    for i in 1..order.len() {
        let side = &sub[order[i]].as_ref().expect("in the tree").tally;
        let n = size(order[i]);
        let score = if exact {
            let s: Vec<usize> = order[i..i + n].to_vec();
            let r: Vec<usize> = order[..i].iter().chain(&order[i + n..]).copied().collect();
            ctx.score(&ctx.zone_of_atoms(&s), || s.clone()) + ctx.score(&ctx.zone_of_atoms(&r), || r.clone())
        } else {
            ctx.score(side, Vec::new) + ctx.score(&whole.without(side), Vec::new)
        };
        if best.is_none_or(|(b, _)| score < b) {
            best = Some((score, i));
        }
    }
    let (score, i) = best?;
    let n = size(order[i]);
    let side = order[i..i + n].to_vec();
    let rest = order[..i].iter().chain(&order[i + n..]).copied().collect();
    Some((side, rest, score))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::{ObjectiveKind, SolveParams};

    /// A path 0 – 1 – … – 7 with features i² (so that zones of neighbours are alike) and
    /// residents 30, 10, 10, 30, 10, 10, 10, 30.
    fn path() -> Instance {
        let pop = [30.0, 10.0, 10.0, 30.0, 10.0, 10.0, 10.0, 30.0];
        let n = pop.len();
        let adj = (0..n).map(|i| [i.wrapping_sub(1), i + 1].into_iter().filter(|&j| j < n).collect()).collect();
        let x = ndarray::Array2::from_shape_fn((n, 1), |(i, _)| (i * i) as f64);
        Instance::from_parts(adj, x, pop.to_vec(), None, (0..n).map(|i| format!("u{i}")).collect())
    }

    /// Zones of a path are runs: labels from the cut positions.
    fn runs(n: usize, cuts: &[usize]) -> Vec<usize> {
        (0..n).map(|i| cuts.iter().filter(|&&c| c <= i).count()).collect()
    }

    #[test]
    fn a_warm_start_is_never_lost_and_improved_to_the_brute_force_optimum() {
        let inst = path();
        let cons = Constraints { k: 3, min_pop: Some(40.0), ..Default::default() };
        let params = SolveParams { objective: ObjectiveKind::Ssd, ..SolveParams::default() }.check().unwrap();
        // Every split of the path into three runs of at least 40 residents, by brute force.
        let ssd = |labels: &[usize]| inst.objective(ObjectiveKind::Ssd).evaluate(&Partition::from_labels(labels));
        let mut feasible: Vec<(f64, Vec<usize>)> = Vec::new();
        for a in 1..8 {
            for b in a + 1..8 {
                let labels = runs(8, &[a, b]);
                if cons.holds(&inst, &Partition::from_labels(&labels)) {
                    feasible.push((ssd(&labels), labels));
                }
            }
        }
        feasible.sort_by(|x, y| x.0.total_cmp(&y.0));
        let (best, worst) = (feasible.first().unwrap().0, feasible.last().unwrap().clone());
        assert!(feasible.len() >= 2 && worst.0 > best, "{feasible:?}");
        let o = solve_from(&inst, &cons, &params, &Partition::from_labels(&worst.1)).unwrap();
        assert!(cons.holds(&inst, &o.partition));
        assert!((o.objective - best).abs() < 1e-9, "{} vs brute force {best}", o.objective);
    }

    #[test]
    fn a_feasible_warm_start_is_the_answer_where_the_search_alone_finds_none() {
        // Six of 10 residents in a row, features 0, 100, 101, 200, 201, 300, three zones of at
        // least 20: only {0, 1}, {2, 3}, {4, 5} qualifies. Ward pairs the alike 1–2 and 3–4
        // first and leaves a municipality alone, and one start's descent cannot repair it
        // (two moves at once are needed).
        let feats = [0.0, 100.0, 101.0, 200.0, 201.0, 300.0];
        let adj = (0..6usize).map(|i| [i.wrapping_sub(1), i + 1].into_iter().filter(|&j| j < 6).collect()).collect();
        let x = ndarray::Array2::from_shape_fn((6, 1), |(i, _)| feats[i]);
        let inst = Instance::from_parts(adj, x, vec![10.0; 6], None, (0..6).map(|i| format!("u{i}")).collect());
        let cons = Constraints { k: 3, min_pop: Some(20.0), ..Default::default() };
        let one = SolveParams { objective: ObjectiveKind::Ssd, starts: 1, ..SolveParams::default() }.check().unwrap();
        assert!(matches!(solve(&inst, &cons, &one), Err(SolveError::NotFound(_))));
        let only = Partition::from_labels(&[0, 0, 1, 1, 2, 2]);
        let o = solve_from(&inst, &cons, &one, &only).unwrap();
        assert_eq!(o.partition.labels(), only.labels());
        // SSD: pairs (0, 100), (101, 200), (201, 300) each 2·(d/2)² = d²/2: 5000 + 4900.5 + 4900.5.
        assert!((o.objective - 14_801.0).abs() < 1e-9, "{}", o.objective);
    }
}
