//! Tier 2: the homogeneous zones of one function. Collaborations are admitted one at a time
//! when together they make the zones impossible; a range of zone counts is settled by the elbow
//! rule; when no count works, the zone bounds are relaxed as little as possible (see
//! [`super::relax`]) and the plan says so.

use std::collections::BTreeSet;

use super::explain;
use super::model::PlanError;
use super::relax::{self, Relaxation, Tier};
use super::spec::{self, Spec};
use super::{params, quick};
use crate::solve::{self, Constraints, Instance, Method, Outcome, SolveError};
use crate::territory::Territory;

/// Collaborations, as ids, with the reason each one had to be split (None = kept so far).
pub(crate) type CollabState = Vec<(String, Vec<usize>, Option<String>)>;

/// Tier 2 for function `id`: the zones for each count the spec allows, with the collaborations
/// `together` (name, ISTAT codes) kept whole where they fit, and the elbow rule choosing among
/// counts. When no count works, the smallest single relaxation of the zone bounds.
///
/// # Errors
/// [`PlanError::Zones`] when no zones exist even relaxed; [`PlanError::Strict`] when strict mode
/// refuses the relaxation.
pub(crate) fn solve_zones(
    t: &Territory,
    inst: &Instance,
    spec: &Spec,
    id: &str,
    together: &[(String, Vec<String>)],
) -> Result<(Outcome, CollabState, Option<Relaxation>), PlanError> {
    let f = &spec.functions[id];
    let mut state: CollabState = together
        .iter()
        .map(|(name, m)| {
            let ids: Vec<usize> = m.iter().filter_map(|c| t.find(c)).map(|x| x.index()).collect();
            let set: BTreeSet<usize> = ids.iter().copied().collect();
            // Members outside the vast area are listed in the outcome; the rest stay together.
            let reason = if ids.len() < 2 {
                Some(explain::collab_outside_area(m))
            } else if !solve::is_connected(&inst.adj, &set) {
                Some(explain::collab_not_contiguous())
            } else {
                None
            };
            (name.clone(), ids, reason)
        })
        .collect();
    let base = Constraints { min_pop: f.zones.min_pop, max_pop: f.zones.max_pop, ..Constraints::default() };
    let ks: Vec<usize> = match f.zones.k {
        spec::ZoneCount::Fixed(k) => vec![k],
        spec::ZoneCount::Range([lo, hi]) => (lo..=hi).collect(),
    };
    let p = params(spec);
    // Each k starts from the same collaborations; its own splits travel with its result.
    let mut results: Vec<(Outcome, CollabState)> = Vec::new();
    let mut failures: Vec<(usize, SolveError)> = Vec::new();
    for &k in &ks {
        let mut st = state.clone();
        let plain = Constraints { k, ..base.clone() };
        let must: Vec<Vec<usize>> = st.iter().filter(|s| s.2.is_none()).map(|s| s.1.clone()).collect();
        let cons = Constraints { must_link: must, ..plain.clone() };
        match solve::solve(inst, &cons, &p, Method::Auto) {
            Ok(o) => results.push((o, st)),
            Err(_) if !cons.must_link.is_empty() && feasible(inst, &plain, spec).is_ok() => {
                // The collaborations are the obstacle: admit them one at a time, in order, and
                // split only those that make the zones impossible (or that no search could fit).
                let mut open: Vec<&mut (String, Vec<usize>, Option<String>)> = st.iter_mut().filter(|s| s.2.is_none()).collect();
                let groups: Vec<Vec<usize>> = open.iter().map(|s| s.1.clone()).collect();
                let (admitted, refused) =
                    admit(&groups, |m| feasible(inst, &Constraints { must_link: m.to_vec(), ..plain.clone() }, spec).map(|_| ()));
                for (i, why) in refused {
                    open[i].2 = Some(explain::collab_refused_by_zones(k, id, &why));
                }
                let c = Constraints { must_link: admitted, ..plain.clone() };
                match solve::solve(inst, &c, &p, Method::Auto) {
                    Ok(o) => results.push((o, st)),
                    Err(e) => failures.push((k, e)),
                }
            }
            Err(e) => failures.push((k, e)),
        }
    }
    if results.is_empty() {
        // No k of the spec works: relax the zone bounds as little as possible, and say so.
        let (k, cause) = failures.swap_remove(0);
        let plain = Constraints { k, ..base.clone() };
        let why = explain::no_zones(k, &cause);
        let Some((relaxed, relaxation)) = zone_relaxation(inst, &plain, spec, id, &why) else {
            return Err(PlanError::Zones { function: id.into(), cause });
        };
        if spec.solver.strict {
            return Err(PlanError::Strict { function: id.into(), relaxation });
        }
        // The relaxed bound was found workable by the search in `feasible`; the full solve
        // may stop at its node limit on so tight a bound, and then that search's partition stands.
        let out = solve::solve(inst, &relaxed, &p, Method::Auto)
            .or_else(|_| feasible(inst, &relaxed, spec))
            .map_err(|cause| PlanError::Zones { function: id.into(), cause })?;
        for s in state.iter_mut().filter(|s| s.2.is_none()) {
            s.2 = Some(explain::collab_dropped_by_relaxed_zones(&relaxation));
        }
        return Ok((out, state, Some(relaxation)));
    }
    // Elbow rule for a range: the smallest k after which one more zone lowers the cost by less
    // than 10 %.
    let mut pick = results.len() - 1;
    for i in 0..results.len().saturating_sub(1) {
        if results[i + 1].0.objective > 0.9 * results[i].0.objective {
            pick = i;
            break;
        }
    }
    let (out, st) = results.swap_remove(pick);
    Ok((out, st, None))
}

/// Collaborations admitted one at a time, in order: each stays whole when `fits` holds for it
/// together with those admitted before it. Returns the admitted groups and, for the others,
/// their position and why they did not fit.
pub(crate) fn admit(
    groups: &[Vec<usize>],
    fits: impl Fn(&[Vec<usize>]) -> Result<(), SolveError>,
) -> (Vec<Vec<usize>>, Vec<(usize, SolveError)>) {
    let mut admitted = Vec::new();
    let mut refused = Vec::new();
    for (i, g) in groups.iter().enumerate() {
        admitted.push(g.clone());
        if let Err(why) = fits(&admitted) {
            admitted.pop();
            refused.push((i, why));
        }
    }
    (admitted, refused)
}

/// Whether some partition meets `cons`: a quick heuristic look, then the full solve (exact
/// where the size allows), which finds one, proves there is none, or stops at its limits.
fn feasible(inst: &Instance, cons: &Constraints, spec: &Spec) -> Result<Outcome, SolveError> {
    solve::solve(inst, cons, &quick(spec), Method::Heuristic).or_else(|_| solve::solve(inst, cons, &params(spec), Method::Auto))
}

/// The smallest single change to the zone bounds (a population bound moved to the nearest
/// value that works, or one zone more or less) that makes contiguous zones possible, tested
/// with the heuristic.
fn zone_relaxation(inst: &Instance, cons: &Constraints, spec: &Spec, id: &str, why: &str) -> Option<(Constraints, Relaxation)> {
    // A quick heuristic look; on small areas the exact search (which proves) where it misses.
    let works = |c: &Constraints| {
        solve::solve(inst, c, &quick(spec), Method::Heuristic).is_ok()
            || (inst.n() <= EXACT_RELAXATION_UNITS && feasible(inst, c, spec).is_ok())
    };
    let (total, largest) = population_extent(inst);
    let mut found = relax::population(cons, total, largest, &works);
    for k in [cons.k.saturating_sub(1), cons.k + 1] {
        let c = Constraints { k, ..cons.clone() };
        if k >= 1 && works(&c) {
            found.push(relax::Candidate { size: 1.0 / cons.k as f64, cons: c, name: "k", asked: cons.k as f64, used: Some(k as f64) });
        }
    }
    relax::smallest(found, Tier::Zones, None, &format!("functions.{id}.zones"), why)
}

/// Up to this many municipalities, a relaxation search asks the exact search where the
/// heuristic finds nothing, so the relaxed bound is the proved best; above, the heuristic's
/// answer stands (a search step costs seconds there).
pub(crate) const EXACT_RELAXATION_UNITS: usize = 24;

/// Total residents and the most populous unit's residents.
pub(crate) fn population_extent(inst: &Instance) -> (f64, f64) {
    (inst.pop.iter().sum(), inst.pop.iter().copied().fold(0.0, f64::max))
}
