//! Max-p regionalization (Duque, Anselin & Rey 2012): the largest number of contiguous zones
//! whose every zone meets the minimum bounds (population, municipalities), and among
//! partitions into that many zones the best one for the objective.
//!
//! The count is searched with the heuristic, from an upper bound the data proves (each
//! separate piece holds at most ⌊residents / minimum⌋ zones, and as many by size) downwards.
//! With minimum bounds only, feasibility is monotone — merging two neighbouring zones of a
//! feasible partition keeps every minimum — so the search bisects; with maximum bounds or
//! keep-apart pairs it steps down one count at a time. On instances the exact solver handles
//! (up to [`super::exact::AUTO_MAX_UNITS`] municipalities), a count the heuristic misses goes
//! to the exact medoid search, which finds a partition or proves there is none; elsewhere a
//! missed count is not proved impossible, and the outcome reports the proven upper bound.

use serde::Serialize;

use crate::solve::{solve, Constraints, Instance, Method, ObjectiveKind, Outcome, SolveError, SolveParams};

/// A max-p answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MaxP {
    /// The partition into the most zones found, solved with the requested method.
    pub outcome: Outcome,
    /// Zones found.
    pub p: usize,
    /// No partition can have more zones than this (proved from the data).
    pub upper_bound: usize,
    /// True when no partition has more than `p` zones (proved by the exact solver or the data).
    pub proved: bool,
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
/// bounds; the final solve's errors.
pub fn max_p(inst: &Instance, cons: &Constraints, params: &SolveParams, method: Method) -> Result<MaxP, SolveError> {
    let clock = std::time::Instant::now();
    if cons.min_pop.is_none_or(|lo| lo <= 0.0) && cons.min_units.is_none_or(|lo| lo <= 1) {
        return Err(SolveError::Param("max-p needs a minimum zone population (--min-pop) or size (--min-units) above one municipality".into()));
    }
    let pieces = piece_bounds(inst, cons);
    let (lowest, upper) = (pieces.len(), pieces.iter().sum::<usize>());
    if pieces.contains(&0) {
        // The pre-solve check names the piece that cannot hold a zone.
        solve(inst, &Constraints { k: lowest, ..cons.clone() }, params, Method::Heuristic)?;
        return Err(SolveError::Infeasible("a separate piece of the area cannot hold one zone meeting the minimum bounds".into()));
    }
    // Is there a partition into k zones? The heuristic first; on instances the exact solver
    // handles, its medoid search settles what the heuristic misses (finds one or proves none).
    let proved_none = std::cell::RefCell::new(Vec::new());
    let found = std::cell::RefCell::new(std::collections::BTreeMap::new());
    let finds = |k: usize| {
        let c = Constraints { k, ..cons.clone() };
        if let Ok(o) = solve(inst, &c, params, Method::Heuristic) {
            found.borrow_mut().insert(k, o);
            return true;
        }
        if inst.n() > super::exact::AUTO_MAX_UNITS {
            return false;
        }
        let medoid = SolveParams { objective: ObjectiveKind::Medoid, ..params.clone() };
        match solve(inst, &c, &medoid, Method::Exact) {
            Ok(o) => {
                found.borrow_mut().insert(k, o);
                true
            }
            Err(SolveError::Infeasible(_)) => {
                proved_none.borrow_mut().push(k);
                false
            }
            Err(_) => false,
        }
    };
    let monotone = cons.max_pop.is_none() && cons.max_units.is_none() && cons.cannot_link.is_empty() && cons.centres.is_empty();
    let best = if monotone {
        // Largest k in [lowest, upper] the heuristic finds, by bisection.
        let (mut lo, mut hi) = (lowest, upper);
        if !finds(lo) {
            return Err(SolveError::NotFound(format!("not even {lo} zone(s) meeting the minimum bounds were found")));
        }
        while lo < hi {
            let mid = lo + (hi - lo).div_ceil(2);
            if finds(mid) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        lo
    } else {
        (lowest..=upper)
            .rev()
            .find(|&k| finds(k))
            .ok_or_else(|| SolveError::NotFound(format!("no count from {upper} down to {lowest} zones meeting the bounds was found")))?
    };
    // The requested method at that count; if it misses what the search found, the search's
    // partition (the heuristic's, or the exact search's rescored for the objective).
    let outcome = match solve(inst, &Constraints { k: best, ..cons.clone() }, params, method) {
        Ok(o) => o,
        Err(e) => match found.borrow_mut().remove(&best) {
            Some(o) => Outcome::unproven(inst, cons, params.objective, o.partition, o.method, clock),
            None => return Err(e),
        },
    };
    // Proved the most when no more fit the data, or one more was proved impossible (with
    // minimum bounds only, so is every larger count).
    let proved = best == upper || (monotone && proved_none.borrow().contains(&(best + 1)));
    Ok(MaxP { outcome, p: best, upper_bound: upper, proved })
}
