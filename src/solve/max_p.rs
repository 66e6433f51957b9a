//! Max-p regionalization (Duque, Anselin & Rey 2012): the largest number of contiguous zones
//! whose every zone meets the minimum bounds (population, municipalities), and among
//! partitions into that many zones the best one for the objective.
//!
//! **The count.** The data bounds it first: each separate piece holds at most ⌊residents /
//! minimum⌋ zones, and as many by size. With minimum bounds only (keep-together groups
//! allowed), the most zones is the most disjoint connected sets that each meet the minimums —
//! municipalities left over join a neighbouring zone, which only raises its population — so on
//! instances up to [`super::exact::AUTO_MAX_UNITS`] municipalities an exact search settles it
//! per piece, from the bound downwards: it grows each zone from the largest free municipality
//! until it meets the minimums (every zone contains such a set), or leaves that municipality
//! over, and prunes when the free pieces cannot hold the zones still to place (a municipality
//! above the minimum counts as just the minimum). Every count it rules out lowers the proven
//! upper bound; the count it finds comes with a partition. Its budget is counted in steps
//! ([`PACKING_STEP_LIMIT`]), never in seconds, so the answer is the same on every machine.
//! When the budget runs out the heuristic bisects what is left (feasibility is monotone:
//! merging two neighbouring zones keeps every minimum). With maximum bounds, keep-apart pairs
//! or fixed centres the count steps down one at a time: the heuristic first, then the exact
//! medoid search for [`SETTLE_NODE_LIMIT`] nodes, which finds a partition or proves there is
//! none.
//!
//! **The partition.** The requested method solves the count found, stopping after
//! `node_limit` branch-and-cut nodes ([`FINAL_NODE_LIMIT`] unless set); if it misses, the
//! partition the count search found is kept.
//!
//! **Time.** `SolveParams::time_limit` bounds the whole search, not each inner solve; when it
//! binds, [`MaxP::cut_short`] says what it cut short (results then depend on the machine).

use std::time::{Duration, Instant};

use serde::Serialize;

use crate::partition::Partition;
use crate::progress::{Progress, Silent, Tick};
use crate::solve::{
    solve, Constraints, Infeasibility, Instance, Invalid, Method, NotFound, ObjectiveKind, Outcome, SolveError, SolveParams, SolverKind,
};

/// Steps (search nodes and grown sets) the exact count search may take for one count of one
/// piece before giving up on it: about two seconds.
pub const PACKING_STEP_LIMIT: u64 = 20_000_000;

/// Branch-and-cut nodes of the exact medoid search that settles a count the heuristic misses
/// (maximum bounds, keep-apart pairs, fixed centres).
pub const SETTLE_NODE_LIMIT: usize = 50;

/// Branch-and-cut nodes of the exact solve at the count found, unless
/// `SolveParams::node_limit` says otherwise: on the default area a few seconds.
pub const FINAL_NODE_LIMIT: usize = 30;

mod packing;

use packing::*;

/// A max-p answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MaxP {
    /// The partition into the most zones found, solved with the requested method.
    pub outcome: Outcome,
    /// Zones found.
    pub p: usize,
    /// No partition can have more zones than this: proved by the data and by the counts the
    /// exact search ruled out.
    pub upper_bound: usize,
    /// The data's own bound: per separate piece ⌊residents / minimum⌋ (and as many by size).
    pub data_bound: usize,
    /// True when no partition has more than `p` zones (`p == upper_bound`).
    pub proved: bool,
    /// What the time limit cut short, when it did.
    pub cut_short: Option<String>,
}

/// Per separate piece, the most zones it can hold: the fewest of ⌊residents / min_pop⌋,
/// ⌊municipalities / min_units⌋ and its municipalities.
fn piece_bounds(inst: &Instance, cons: &Constraints) -> Vec<usize> {
    inst.components()
        .iter()
        .map(|c| {
            let pop: f64 = c.iter().map(|&u| inst.pop[u]).sum();
            let by_pop = cons.min_pop.filter(|&lo| lo > 0.0).map_or(c.len(), |lo| (pop / lo + 1e-9).floor() as usize);
            let by_size = cons.min_units.map_or(c.len(), |lo| c.len() / lo.max(1));
            by_pop.min(by_size).min(c.len())
        })
        .collect()
}

/// Solves max-p; `cons.k` is ignored.
///
/// # Errors
/// [`SolveError::Param`] without a minimum bound (then every municipality could be its own
/// zone); [`SolveError::Infeasible`] when not even one zone per separate piece meets the
/// bounds; [`SolveError::NotFound`] when no count was found (with maximum bounds, or within
/// the time limit); the final solve's errors when no partition was found before it.
pub fn max_p(inst: &Instance, cons: &Constraints, params: &SolveParams, method: Method) -> Result<MaxP, SolveError> {
    max_p_with(inst, cons, params, method, &Silent)
}

/// A partition found while searching the count.
enum Found {
    /// From the exact count search (zones grown, leftovers attached).
    Witness(Partition),
    /// From a solver.
    Solved(Outcome),
}

impl Found {
    fn partition(&self) -> &Partition {
        match self {
            Found::Witness(p) => p,
            Found::Solved(o) => &o.partition,
        }
    }
}

/// [`max_p`], ticking `progress` as counts are settled (`max-p count search`, in counts) and
/// before the final solve.
///
/// # Errors
/// As [`max_p`].
pub fn max_p_with(
    inst: &Instance,
    cons: &Constraints,
    params: &SolveParams,
    method: Method,
    progress: &dyn Progress,
) -> Result<MaxP, SolveError> {
    let clock = Instant::now();
    params.check()?;
    super::check_costs(inst, params)?;
    if cons.min_pop.is_none_or(|lo| lo <= 0.0) && cons.min_units.is_none_or(|lo| lo <= 1) {
        return Err(SolveError::Param(Invalid::MaxPNeedsMinimum));
    }
    let limit = params.time_limit;
    let deadline = (limit.is_finite() && limit >= 0.0).then(|| clock + Duration::from_secs_f64(limit.min(1e9)));
    let time_left = || deadline.map_or(f64::INFINITY, |d| d.saturating_duration_since(Instant::now()).as_secs_f64());
    let pieces = piece_bounds(inst, cons);
    let (lowest, data_bound) = (pieces.len(), pieces.iter().sum::<usize>());
    if pieces.contains(&0) {
        // The pre-solve check names the piece that cannot hold a zone.
        solve(inst, &Constraints { k: lowest, ..cons.clone() }, params, Method::Heuristic)?;
        return Err(SolveError::infeasible(Infeasibility::PieceHoldsNoZone, &inst.labels));
    }
    let mut cut_short: Vec<String> = Vec::new();
    let mut settled = 0u64;
    let tick = |settled: &mut u64| {
        *settled += 1;
        progress.tick(Tick { task: "max-p count search", done: *settled, total: 0, unit: "counts settled" });
    };
    progress.tick(Tick { task: "max-p count search", done: 0, total: 0, unit: "counts settled" });
    let heuristic = |k: usize| solve(inst, &Constraints { k, ..cons.clone() }, params, Method::Heuristic).ok();
    let monotone = cons.max_pop.is_none() && cons.max_units.is_none() && cons.cannot_link.is_empty() && cons.centres.is_empty();
    // The most zones found with a partition, and the proven upper bound.
    let (mut p, mut upper, mut best): (usize, usize, Option<Found>) = (0, data_bound, None);
    // The exact count search under the minimums and keep-together groups alone: its count is
    // the answer when those are all the bounds, and an upper bound when there are more.
    let mut relaxed: Option<(usize, Partition)> = None;
    if let Some(g) = (inst.n() <= super::exact::AUTO_MAX_UNITS).then(|| Nodes::new(inst, cons)).flatten() {
        let mut search = Search {
            g: &g,
            min_pop: cons.min_pop.unwrap_or(0.0).max(0.0),
            min_units: cons.min_units.unwrap_or(0),
            steps: 0,
            deadline,
            timed_out: false,
        };
        let mut zones: Vec<u128> = Vec::new();
        let (mut found_sum, mut upper_sum) = (0, 0);
        for piece in g.pieces() {
            let top = search.cap(piece);
            let (mut piece_upper, mut proven) = (top, true);
            for k in (1..=top).rev() {
                match search.decide(piece, k) {
                    Decision::Found(z) => {
                        zones.extend(z);
                        found_sum += k;
                        break;
                    }
                    Decision::Impossible if proven => piece_upper = k - 1,
                    Decision::Impossible => {}
                    Decision::Unknown => proven = false,
                }
                tick(&mut settled);
            }
            upper_sum += piece_upper;
        }
        if search.timed_out {
            cut_short.push(format!("the time limit ({limit} s) stopped the exact count search before it settled every count"));
        }
        upper = upper_sum.min(data_bound);
        relaxed = Some((found_sum, g.partition(inst, cons, &zones)));
    }
    let top = upper;
    if monotone {
        // What the exact search left open (or all of it, on larger instances): bisection with
        // the heuristic, which finds counts but proves none.
        if let Some((found, witness)) = relaxed {
            (p, best) = (found, Some(Found::Witness(witness)));
        } else {
            match heuristic(lowest) {
                Some(o) => (p, best) = (lowest, Some(Found::Solved(o))),
                None => return Err(SolveError::NotFound(NotFound::NoLowestCount { lowest })),
            }
        }
        let (mut lo, mut hi) = (p, upper);
        while lo < hi {
            if time_left() <= 0.0 {
                cut_short.push(format!("the time limit ({limit} s) stopped the heuristic count search between {lo} and {hi} zones"));
                break;
            }
            let mid = lo + (hi - lo).div_ceil(2);
            match heuristic(mid) {
                Some(o) => (p, lo, best) = (mid, mid, Some(Found::Solved(o))),
                None => hi = mid - 1,
            }
            tick(&mut settled);
        }
    } else {
        // Step down from the bound; counts proved impossible from the top lower it. The
        // relaxed search's partition is taken at its count when it meets every bound.
        let witness = relaxed.filter(|(k, w)| Constraints { k: *k, ..cons.clone() }.holds(inst, w));
        let (mut proven, mut timed) = (true, Vec::new());
        for k in (lowest..=upper).rev() {
            if let Some((_, w)) = witness.as_ref().filter(|(found, _)| *found == k) {
                (p, best) = (k, Some(Found::Witness(w.clone())));
                break;
            }
            if time_left() <= 0.0 {
                timed.push(format!("and stopped the search at {k}"));
                break;
            }
            tick(&mut settled);
            if let Some(o) = heuristic(k) {
                (p, best) = (k, Some(Found::Solved(o)));
                break;
            }
            if inst.n() > super::exact::AUTO_MAX_UNITS {
                proven = false;
                continue;
            }
            // Half the time left at most, so that lower counts still get their turn.
            let budget = time_left() / 2.0;
            let medoid = SolveParams {
                objective: inst.medoid.objective(),
                time_limit: budget,
                node_limit: Some(SETTLE_NODE_LIMIT),
                ..params.clone()
            };
            let started = Instant::now();
            match solve(inst, &Constraints { k, ..cons.clone() }, &medoid, Method::Exact) {
                Ok(o) => {
                    (p, best) = (k, Some(Found::Solved(o)));
                    break;
                }
                Err(SolveError::Infeasible(_)) if proven => upper = k - 1,
                Err(_) => {
                    proven = false;
                    if started.elapsed().as_secs_f64() >= 0.99 * budget {
                        timed.push(k.to_string());
                    }
                }
            }
        }
        if !timed.is_empty() {
            cut_short.push(format!("the time limit ({limit} s) cut the exact search short at {} zones", timed.join(", ")));
        }
    }
    let Some(best) = best else {
        return Err(SolveError::NotFound(NotFound::NoCount { top, lowest, cut_short }));
    };
    // The requested method at that count; if it misses, the search's partition.
    let cons_p = Constraints { k: p, ..cons.clone() };
    let outcome = match best {
        // The heuristic's answer at that count is what the heuristic would give again.
        Found::Solved(o) if method == Method::Heuristic && o.method == SolverKind::Heuristic => o,
        found if time_left() <= 0.0 => {
            cut_short.push(format!("the time limit ({limit} s) left no time to solve {p} zones with the requested method"));
            kept(inst, &cons_p, params.objective, found, clock)
        }
        found => {
            progress.tick(Tick { task: &format!("solving {p} zones"), done: 0, total: 0, unit: "" });
            let last =
                SolveParams { time_limit: time_left(), node_limit: Some(params.node_limit.unwrap_or(FINAL_NODE_LIMIT)), ..params.clone() };
            match solve(inst, &cons_p, &last, method) {
                Ok(o) => {
                    if o.status == super::Status::TimeLimit {
                        cut_short.push(format!("the time limit ({limit} s) stopped the exact search at {p} zones"));
                    }
                    o
                }
                Err(e) if time_left() > 0.0 && method != Method::Exact => {
                    // The heuristic missed a count the search reached: it starts again from the
                    // search's partition, which meets every bound, and improves it.
                    let start = found.partition();
                    match last.check().map_err(SolveError::from).and_then(|c| super::heuristic::solve_from(inst, &cons_p, &c, start)) {
                        Ok(o) => o,
                        Err(_) => {
                            cut_short
                                .push(format!("the heuristic found no partition at {p} zones ({e}); the count search's partition is kept"));
                            kept(inst, &cons_p, params.objective, found, clock)
                        }
                    }
                }
                Err(e) => {
                    // Never silently: the partition kept is the count search's, not the method's.
                    let timed_out = time_left() <= 0.0;
                    let why = if timed_out { format!("the time limit ({limit} s) stopped") } else { "ended".to_string() };
                    let name = format!("{method:?}").to_lowercase();
                    cut_short.push(format!(
                        "{why} the {name} search at {p} zones without a partition ({e}); the count search's partition is kept"
                    ));
                    let mut o = kept(inst, &cons_p, params.objective, found, clock);
                    if timed_out {
                        o.status = super::Status::TimeLimit;
                    }
                    o
                }
            }
        }
    };
    let upper = upper.max(p);
    Ok(MaxP {
        outcome,
        p,
        upper_bound: upper,
        data_bound,
        proved: p == upper,
        cut_short: (!cut_short.is_empty()).then(|| cut_short.join("; ")),
    })
}

/// The count search's partition as the answer, scored for the objective.
fn kept(inst: &Instance, cons: &Constraints, kind: ObjectiveKind, found: Found, clock: Instant) -> Outcome {
    match found {
        Found::Witness(p) => Outcome::unproven(inst, cons, kind, p, SolverKind::Exact, clock),
        Found::Solved(o) => Outcome::unproven(inst, cons, kind, o.partition, o.method, clock),
    }
}

#[cfg(test)]
mod tests;
