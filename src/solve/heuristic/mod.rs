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
use crate::solve::{Constraints, Instance, ObjectiveKind, Outcome, SolveError, SolveParams, SolverKind};

use construct::{skater, spanning_forest, ward};
use state::{Ctx, State, Zone};

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
pub fn solve(inst: &Instance, cons: &Constraints, params: &SolveParams) -> Result<Outcome, SolveError> {
    let clock = Instant::now();
    let cons = &with_centres_apart(cons);
    let ctx = Ctx::new(inst, cons, params.objective);
    let (starts, sweeps) = budget(ctx.atoms.len(), params.starts);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(params.threads.max(1))
        .build()
        .map_err(|e| SolveError::Param(format!("cannot start {} threads: {e}", params.threads)))?;
    let results: Vec<(f64, Vec<usize>)> =
        pool.install(|| (0..starts).into_par_iter().map(|i| run_start(&ctx, cons.k, params.seed, i, sweeps)).collect());
    let (_, labels) = results
        .into_iter()
        .enumerate()
        .min_by(|(i, a), (j, b)| a.0.total_cmp(&b.0).then(i.cmp(j)))
        .map(|(_, r)| r)
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
pub fn ward_only(inst: &Instance, cons: &Constraints, params: &SolveParams) -> Result<Outcome, SolveError> {
    let clock = Instant::now();
    let cons = &with_centres_apart(cons);
    let ctx = Ctx::new(inst, cons, params.objective);
    let labels = ward(&ctx, cons.k, 0.0, &mut rng_for(params.seed, 0));
    finish(&ctx, &labels, SolverKind::Ward, clock)
}

/// SKATER alone, for comparison.
pub fn skater_only(inst: &Instance, cons: &Constraints, params: &SolveParams) -> Result<Outcome, SolveError> {
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
        let hint = if method == SolverKind::Heuristic { "" } else { " (--method heuristic searches further)" };
        return Err(SolveError::NotFound(format!(
            "the {method} search found no partition meeting every constraint; the best one breaks: {}{hint}",
            broken.join("; ")
        )));
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
    let mut idle = 0;
    while idle < 3 {
        descend(ctx, &mut state);
        if merge_split(ctx, &mut state, &mut rng) {
            idle = 0;
        } else {
            idle += 1;
        }
    }
    (state.total(), state.part.labels().to_vec())
}

/// Picks a random contiguity-safe move: (atom, target zone).
fn random_move(ctx: &Ctx, state: &State, rng: &mut Xoshiro256PlusPlus) -> Option<(usize, usize)> {
    let a = rng.gen_range(0..ctx.atoms.len());
    let zones = state.part.neighbour_zones(&ctx.atoms.adj, a);
    if zones.is_empty() || !state.part.can_leave(&ctx.atoms.adj, a) {
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
            let zones = state.part.neighbour_zones(&ctx.atoms.adj, a);
            if zones.is_empty() || !state.part.can_leave(&ctx.atoms.adj, a) {
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
    let k = state.part.k();
    let adj = &ctx.atoms.adj;
    let mut pairs = std::collections::BTreeSet::new();
    for a in 0..ctx.atoms.len() {
        for &b in &adj[a] {
            let (za, zb) = (state.part.zone_of(a), state.part.zone_of(b));
            if za < zb {
                pairs.insert((za, zb));
            }
        }
    }
    let mut improved = false;
    for (za, zb) in pairs {
        debug_assert!(za < k && zb < k);
        let mut region: Vec<usize> = state.part.members(za).to_vec();
        region.extend_from_slice(state.part.members(zb));
        if ctx.kind == ObjectiveKind::Medoid && region.len() > 80 {
            continue; // O(r³) cut scoring: left to single moves on large zones
        }
        region.sort_unstable();
        let still_adjacent = state.part.members(za).iter().any(|&a| adj[a].iter().any(|&b| state.part.zone_of(b) == zb));
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
    let pos: std::collections::HashMap<usize, usize> = order.iter().enumerate().map(|(i, &u)| (u, i)).collect();
    let mut size = vec![1usize; order.len()];
    let mut sub: Vec<Zone> = order.iter().map(|&u| ctx.zone_of_atoms(&[u])).collect();
    for i in (1..order.len()).rev() {
        let p = pos[&parent[order[i]]];
        size[p] += size[i];
        let child = sub[i].clone();
        let z = &mut sub[p];
        for (s, x) in z.sum.iter_mut().zip(&child.sum) {
            *s += x;
        }
        z.sumsq += child.sumsq;
        z.count += child.count;
        z.pop += child.pop;
    }
    let whole = sub[0].clone();
    let exact = ctx.kind == ObjectiveKind::Medoid || !ctx.cons.cannot_link.is_empty();
    let mut best: Option<(f64, usize)> = None;
    for i in 1..order.len() {
        let side = &sub[i];
        let mut rest = whole.clone();
        for (s, x) in rest.sum.iter_mut().zip(&side.sum) {
            *s -= x;
        }
        rest.sumsq -= side.sumsq;
        rest.count -= side.count;
        rest.pop -= side.pop;
        let score = if exact {
            let s: Vec<usize> = order[i..i + size[i]].to_vec();
            let r: Vec<usize> = order[..i].iter().chain(&order[i + size[i]..]).copied().collect();
            ctx.score(&ctx.zone_of_atoms(&s), &s) + ctx.score(&ctx.zone_of_atoms(&r), &r)
        } else {
            ctx.score(side, &[]) + ctx.score(&rest, &[])
        };
        if best.is_none_or(|(b, _)| score < b) {
            best = Some((score, i));
        }
    }
    let (score, i) = best?;
    let side = order[i..i + size[i]].to_vec();
    let rest = order[..i].iter().chain(&order[i + size[i]..]).copied().collect();
    Some((side, rest, score))
}
