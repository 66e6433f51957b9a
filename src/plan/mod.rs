//! The three-tier plan: vast area → homogeneous zones → local intercommunal groups, one plan
//! per function, through [`crate::solve::solve`] only.
//!
//! Tier 1 profiles the vast area (connected? units, residents, km²). Tier 2 partitions it into
//! contiguous zones with the function's weights (medoid objective: each zone has a lead
//! municipality). Tier 3 partitions every zone into contiguous groups meeting the group bounds;
//! members farther apart than `max_km` become keep-apart pairs, and the medoid cost gains a
//! travel term (`compactness` per km) so homogeneity is balanced against compactness. The
//! number of groups of a zone is by default the *fewest* that meets every bound — association
//! pays through pooling — or, with `groups.count = "most"`, the most (max-p style: small unions
//! just above the minimum bounds). Groups never cross zones by
//! construction (each zone is solved on its own). Where a tier cannot be done, the plan keeps
//! going and says why, naming zone, municipalities and constraint, with the smallest single
//! relaxation that works when one is found.

pub mod collab;
pub mod relax;
pub mod spec;

use std::collections::BTreeMap;
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

use crate::features::FeatureMatrix;
use crate::graph::AdjacencyGraph;
use crate::metrics;
use crate::objective::{tss, Medoid};
use crate::partition::Partition;
use crate::solve::{self, Constraints, Instance, Method, ObjectiveKind, Outcome, SolveError, SolveParams, SolverKind, Status};
use crate::territory::{MunicipalityId, Territory};

pub use collab::Collaboration;
pub use relax::{Relaxation, Tier};
pub use spec::{Spec, SpecError};

/// A municipality as the plan names it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitRef {
    /// ISTAT code.
    pub istat: String,
    /// Name.
    pub name: String,
}

/// Tier 1.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaProfile {
    /// Display name from the spec.
    pub name: String,
    /// Municipalities.
    pub units: usize,
    /// Residents.
    pub population: f64,
    /// Surface, km².
    pub area_km2: f64,
    /// Connected pieces of the adjacency graph.
    pub components: usize,
    /// Municipalities with no neighbour.
    pub isolated: Vec<UnitRef>,
    /// The projection areas and distances are measured in (`EPSG:32632 (UTM zone 32N)`).
    pub projection: Option<String>,
}

/// How a partition was solved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SolverRecord {
    /// `exact` or `heuristic`.
    pub method: SolverKind,
    /// Proved optimal, stopped at a limit, or heuristic.
    pub status: Status,
    /// Objective value (medoid cost).
    pub objective: f64,
    /// Proven lower bound, for exact runs.
    pub bound: Option<f64>,
    /// Relative gap, for exact runs.
    pub gap: Option<f64>,
}

impl SolverRecord {
    fn of(o: &Outcome) -> Self {
        SolverRecord { method: o.method, status: o.status, objective: o.objective, bound: o.bound, gap: o.gap }
    }
}

/// A zone (tier 2).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ZonePlan {
    /// 1-based.
    pub id: usize,
    /// Members, by ISTAT code.
    pub members: Vec<UnitRef>,
    /// Lead municipality (the medoid).
    pub centre: UnitRef,
    /// Residents.
    pub population: f64,
    /// SSD of the members' weighted features around their mean.
    pub ssd: f64,
    /// Largest km between two members.
    pub diameter_km: Option<f64>,
    /// Ids of its groups.
    pub groups: Vec<String>,
    /// How its groups were solved (None when they could not be formed).
    pub group_solver: Option<SolverRecord>,
    /// When fewer groups might exist: a smaller count was not found but not proved impossible.
    pub group_note: Option<String>,
    /// Why the groups could not meet the bounds, with the smallest relaxation found.
    pub explanation: Option<String>,
}

/// A local group (tier 3).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupPlan {
    /// `zone.group`, e.g. `2.3`.
    pub id: String,
    /// Zone id.
    pub zone: usize,
    /// Members.
    pub members: Vec<UnitRef>,
    /// Lead municipality.
    pub centre: UnitRef,
    /// Residents.
    pub population: f64,
    /// SSD of the members' weighted features around their mean (as for zones).
    pub ssd: f64,
    /// Largest km between two members.
    pub diameter_km: Option<f64>,
    /// True when every group bound holds.
    pub meets_bounds: bool,
}

/// Quality of a function's plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanMetrics {
    /// SSD of the zones (weighted, standardized features).
    pub ssd: f64,
    /// R² of the zones.
    pub r2: f64,
    /// Pairwise heterogeneity of the zones.
    pub pairwise: f64,
    /// Smallest and largest zone population.
    pub zone_pop_min: f64,
    /// Largest zone population.
    pub zone_pop_max: f64,
    /// Coefficient of variation of zone populations (population balance).
    pub zone_pop_cv: f64,
    /// R² of the groups (as a partition of the whole area).
    pub group_r2: f64,
    /// Largest group diameter, km.
    pub max_group_diameter_km: Option<f64>,
    /// Groups meeting every bound / all groups.
    pub groups_meeting_bounds: String,
}

/// What happened to an existing collaboration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CollabOutcome {
    /// Its name.
    pub name: String,
    /// Members.
    pub members: Vec<UnitRef>,
    /// Kept in one zone and one group.
    pub kept: bool,
    /// Why it was split, when it was.
    pub reason: Option<String>,
    /// Member ISTAT codes outside the vast area (left out; the others are kept together).
    pub outside_area: Vec<String>,
}

/// One function's plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunctionPlan {
    /// Function id (`ict`).
    pub id: String,
    /// Display name.
    pub label: String,
    /// Short or medium term.
    pub horizon: spec::Horizon,
    /// Zones.
    pub zones: Vec<ZonePlan>,
    /// Groups, zone by zone.
    pub groups: Vec<GroupPlan>,
    /// How the zones were solved.
    pub zone_solver: SolverRecord,
    /// Why the zones do not follow the spec's bounds, and which relaxation they use instead.
    pub zone_explanation: Option<String>,
    /// Every bound the plan changed, zones first, then groups zone by zone: what was asked,
    /// what was used, why. Empty when the plan follows the spec.
    pub relaxations: Vec<Relaxation>,
    /// Quality figures.
    pub metrics: PlanMetrics,
    /// Existing collaborations and what became of them.
    pub collaborations: Vec<CollabOutcome>,
    /// Zone number and group id of every municipality (ISTAT → [zone, group]).
    pub assignment: BTreeMap<String, (usize, String)>,
}

/// Municipalities that share a group in every function, and those whose partners change most.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// Sets (≥ 2) always in the same group.
    pub always_together: Vec<Vec<UnitRef>>,
    /// Per municipality, mean Jaccard similarity of its group-mates across pairs of functions
    /// (1 = same partners everywhere), lowest first.
    pub stability: Vec<(UnitRef, f64)>,
}

/// The whole plan (what `plan.json` holds).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// The spec, echoed.
    pub spec: Spec,
    /// The seed.
    pub seed: u64,
    /// Tier 1.
    pub area: AreaProfile,
    /// One plan per function.
    pub functions: Vec<FunctionPlan>,
    /// Across functions.
    pub comparison: Comparison,
    /// What the inputs left to say that did not stop the plan (rows of an extra features CSV
    /// outside the area, …), as the reader worded it.
    pub input_warnings: Vec<String>,
}

/// Wall-clock seconds per function and tier (kept out of `plan.json`, which must not vary).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Timings {
    /// Function id → (zones seconds, groups seconds).
    pub functions: BTreeMap<String, (f64, f64)>,
    /// Whole run.
    pub total: f64,
}

/// Errors that stop a plan before it starts (everything else is explained inside it).
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// The spec does not fit the area.
    #[error(transparent)]
    Spec(#[from] SpecError),
    /// Features cannot be selected or weighted.
    #[error(transparent)]
    Features(#[from] crate::features::FeatureError),
    /// Tier 2 cannot be done for a function: no zones at all. The message includes the
    /// cause, so it is deliberately not exposed as `source()`: a printed chain shows it once.
    #[error("function `{function}`: {cause}")]
    Zones {
        /// Function id.
        function: String,
        /// Cause, naming the constraint and municipalities.
        cause: SolveError,
    },
    /// Strict mode: a bound would have to be relaxed.
    #[error(
        "function `{function}`: {} cannot be met ({}); strict mode (--strict, or solver.strict in the spec) refuses to relax it — the smallest change that works is {}",
        relaxation.key, relaxation.why, relaxation.change()
    )]
    Strict {
        /// Function id.
        function: String,
        /// The relaxation that strict mode refused.
        relaxation: Relaxation,
    },
    /// Strict mode: a zone's groups cannot meet the bounds and no single relaxation works.
    #[error("function `{function}`: {explanation}; strict mode (--strict, or solver.strict in the spec) requires every bound met")]
    StrictGroups {
        /// Function id.
        function: String,
        /// The zone, its municipalities and bounds.
        explanation: String,
    },
}

fn unit_ref(t: &Territory, u: usize) -> UnitRef {
    UnitRef { istat: t.units[u].istat.clone(), name: t.units[u].name.clone() }
}

/// Builds the plan. `progress(function, step)` is called as work advances.
///
/// # Errors
/// [`PlanError`] when the spec does not fit the area or a function's zones are impossible
/// (the message names the constraint and municipalities).
pub fn build(
    t: &Territory,
    g: &AdjacencyGraph,
    features: &FeatureMatrix,
    spec: &Spec,
    collaborations: &[Collaboration],
    progress: &(dyn Fn(&str, &str) + Sync),
) -> Result<(Plan, Timings), PlanError> {
    let clock = Instant::now();
    let mut timings = Timings::default();
    let n = t.len();
    let comps = g.components();
    let area = AreaProfile {
        name: spec.area.name.clone(),
        units: n,
        population: t.units.iter().map(|u| u.pop.unwrap_or(0.0)).sum(),
        area_km2: t.units.iter().map(|u| u.area_km2.unwrap_or(0.0)).sum(),
        components: comps.len(),
        isolated: g.isolated().iter().map(|id| unit_ref(t, id.index())).collect(),
        projection: t.projection().map(|p| format!("EPSG:{} ({})", p.epsg(), p.name())),
    };
    let z = features.select(&spec.area.features)?.standardized();
    // Functions are independent: solved in parallel, collected in spec order, so the plan is
    // the same whatever the thread count.
    let solved: Vec<Result<(FunctionPlan, (f64, f64)), PlanError>> = spec
        .function_ids()
        .par_iter()
        .map(|&id| {
            let f = &spec.functions[id];
            progress(id, "zones");
            let weights: Vec<(&str, f64)> = f.weights.iter().map(|(k, v)| (k.as_str(), *v)).collect();
            let x = z.weighted(&weights)?;
            let inst = Instance::new(t, g, &x);
            let t0 = Instant::now();
            let collabs: Vec<&Collaboration> = collaborations.iter().filter(|c| c.applies_to(id)).collect();
            let mut together: Vec<(String, Vec<String>)> =
                f.keep_together.iter().enumerate().map(|(i, m)| (format!("keep_together[{i}]"), m.clone())).collect();
            together.extend(collabs.iter().map(|c| (c.name.clone(), c.members.clone())));
            let (zones_out, collab_state, zone_relaxation) = solve_zones(t, &inst, spec, id, &together)?;
            let zone_secs = t0.elapsed().as_secs_f64();
            progress(id, "groups");
            let t1 = Instant::now();
            let mut plan = solve_groups(t, &inst, spec, id, zones_out, collab_state, progress)?;
            if let Some(r) = zone_relaxation {
                plan.zone_explanation = Some(format!(
                    "{}: {}; the plan uses the smallest relaxation found that works: {}",
                    r.key,
                    r.why,
                    r.change()
                ));
                plan.relaxations.insert(0, r);
            }
            for (c, (_, codes)) in plan.collaborations.iter_mut().zip(&together) {
                c.outside_area = codes.iter().filter(|code| t.find(code).is_none()).cloned().collect();
            }
            Ok((plan, (zone_secs, t1.elapsed().as_secs_f64())))
        })
        .collect();
    let mut functions = Vec::new();
    for r in solved {
        let (plan, secs) = r?;
        timings.functions.insert(plan.id.clone(), secs);
        functions.push(plan);
    }
    let comparison = compare(t, &functions);
    timings.total = clock.elapsed().as_secs_f64();
    Ok((
        Plan { spec: spec.clone(), seed: spec.solver.seed, area, functions, comparison, input_warnings: Vec::new() },
        timings,
    ))
}

fn params(spec: &Spec) -> SolveParams {
    SolveParams {
        objective: ObjectiveKind::Medoid,
        seed: spec.solver.seed,
        time_limit: spec.solver.time_limit,
        node_limit: Some(spec.solver.node_limit),
        ..SolveParams::default()
    }
}

/// Collaborations, as ids, with the reason each one had to be split (None = kept so far).
type CollabState = Vec<(String, Vec<usize>, Option<String>)>;

fn solve_zones(
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
            let set: std::collections::BTreeSet<usize> = ids.iter().copied().collect();
            // Members outside the vast area are listed in the outcome; the rest stay together.
            let reason = if ids.len() < 2 {
                Some(format!("fewer than two of its members ({}) are in the vast area", m.join(" ")))
            } else if !solve::is_connected(&inst.adj, &set) {
                Some(
                    "its members do not form a contiguous territory, so no contiguous zone can hold them alone"
                        .to_string(),
                )
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
                let mut open: Vec<&mut (String, Vec<usize>, Option<String>)> =
                    st.iter_mut().filter(|s| s.2.is_none()).collect();
                let groups: Vec<Vec<usize>> = open.iter().map(|s| s.1.clone()).collect();
                let (admitted, refused) = admit(&groups, |m| {
                    feasible(inst, &Constraints { must_link: m.to_vec(), ..plain.clone() }, spec).map(|_| ())
                });
                for (i, why) in refused {
                    let verdict =
                        if matches!(why, SolveError::Infeasible(_)) { "leaves no" } else { "left no search finding" };
                    open[i].2 = Some(format!(
                        "keeping it whole, with the collaborations kept before it, {verdict} {k} contiguous zones meeting functions.{id}.zones ({why})"
                    ));
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
        let why = format!("no {k} contiguous zones meet the bounds: {cause}");
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
            s.2 = Some(format!(
                "the zones had to be relaxed ({}), and are solved without collaborations",
                relaxation.change()
            ));
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
fn admit(
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
    solve::solve(inst, cons, &quick(spec), Method::Heuristic)
        .or_else(|_| solve::solve(inst, cons, &params(spec), Method::Auto))
}

/// Solver settings for "is there any partition?" questions: a few heuristic starts.
fn quick(spec: &Spec) -> SolveParams {
    SolveParams { starts: 6, ..params(spec) }
}

/// The smallest single change to the zone bounds (a population bound moved to the nearest
/// value that works, or one zone more or less) that makes contiguous zones possible, tested
/// with the heuristic.
fn zone_relaxation(
    inst: &Instance,
    cons: &Constraints,
    spec: &Spec,
    id: &str,
    why: &str,
) -> Option<(Constraints, Relaxation)> {
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
            found.push(relax::Candidate {
                size: 1.0 / cons.k as f64,
                cons: c,
                name: "k",
                asked: cons.k as f64,
                used: Some(k as f64),
            });
        }
    }
    relax::smallest(found, Tier::Zones, None, &format!("functions.{id}.zones"), why)
}

/// Up to this many municipalities, a relaxation search asks the exact search where the
/// heuristic finds nothing, so the relaxed bound is the proved best; above, the heuristic's
/// answer stands (a search step costs seconds there).
const EXACT_RELAXATION_UNITS: usize = 24;

/// Total residents and the most populous unit's residents.
fn population_extent(inst: &Instance) -> (f64, f64) {
    (inst.pop.iter().sum(), inst.pop.iter().copied().fold(0.0, f64::max))
}

fn solve_groups(
    t: &Territory,
    inst: &Instance,
    spec: &Spec,
    id: &str,
    zones: Outcome,
    mut collab_state: CollabState,
    progress: &(dyn Fn(&str, &str) + Sync),
) -> Result<FunctionPlan, PlanError> {
    let f = &spec.functions[id];
    let gs = &f.groups;
    let ginst_all = inst
        .clone()
        .with_medoid_options(if inst.points.is_some() { gs.compactness } else { 0.0 }, false)
        .map_err(|cause| PlanError::Zones { function: id.into(), cause })?;
    let zp = &zones.partition;
    let centres = zones.centres.clone().unwrap_or_else(|| Medoid { costs: inst.medoid.clone() }.centres(zp));
    let mut zone_plans = Vec::new();
    let mut group_plans = Vec::new();
    let mut group_labels = vec![0usize; inst.n()];
    let mut next_group = 0;
    let mut assignment = BTreeMap::new();
    let mut relaxations = Vec::new();
    let keep_apart: Vec<(usize, usize)> =
        f.keep_apart.iter().filter_map(|[a, b]| Some((t.find(a)?.index(), t.find(b)?.index()))).collect();
    for (zi, members) in zp.zones().iter().enumerate() {
        progress(id, &format!("groups of zone {}", zi + 1));
        let mut members = members.clone();
        members.sort_unstable();
        let local = |u: usize| members.binary_search(&u).ok();
        let sub = ginst_all.subset(&members);
        // Collaborations inside this zone become keep-together; check group bounds first.
        let mut must = Vec::new();
        let mut must_of = Vec::new(); // collab_state index of each entry of `must`
        for (ci, s) in collab_state.iter_mut().enumerate().filter(|(_, s)| s.2.is_none()) {
            let loc: Vec<usize> = s.1.iter().filter_map(|&u| local(u)).collect();
            if loc.len() != s.1.len() {
                continue; // not in this zone (kept together by tier 2, so in another one)
            }
            let pop: f64 = loc.iter().map(|&u| sub.pop[u]).sum();
            let far = sub.points.as_ref().and_then(|p| {
                let km = gs.max_km?;
                loc.iter().flat_map(|&a| loc.iter().map(move |&b| (a, b))).find(|&(a, b)| metrics::km(p[a], p[b]) > km)
            });
            if loc.len() > gs.max_units {
                s.2 =
                    Some(format!("{} members exceed the group maximum of {} municipalities", loc.len(), gs.max_units));
            } else if gs.max_pop.is_some_and(|hi| pop > hi) {
                s.2 = Some(format!("its {pop} residents exceed the group maximum of {}", gs.max_pop.unwrap()));
            } else if let Some((a, b)) = far {
                s.2 = Some(format!(
                    "{} and {} are more than {} km apart",
                    sub.labels[a],
                    sub.labels[b],
                    gs.max_km.unwrap()
                ));
            } else {
                must.push(loc);
                must_of.push(ci);
            }
        }
        let local_apart: Vec<(usize, usize)> =
            keep_apart.iter().filter_map(|&(a, b)| Some((local(a)?, local(b)?))).collect();
        let cons = Constraints {
            k: 1,
            min_pop: gs.min_pop,
            max_pop: gs.max_pop,
            min_units: Some(gs.min_units),
            max_units: Some(gs.max_units),
            must_link: must.clone(),
            cannot_link: apart_within(&sub, &local_apart, gs.max_km),
            centres: vec![],
        };
        let found = choose_groups(&sub, &cons, spec, gs.count, Method::Auto);
        let found = match found {
            Ok(o) => Ok(o),
            Err(e) if !must.is_empty() => {
                // Collaborations may be the obstacle: admit them one at a time, in order, and
                // split only those that leave the zone without groups meeting the bounds.
                let loose = Constraints { must_link: vec![], ..cons.clone() };
                // Whether some split meets the bounds: heuristic first, exact search after.
                let splits = |c: &Constraints| {
                    choose_groups(&sub, c, spec, spec::GroupCount::Fewest, Method::Heuristic)
                        .or_else(|_| choose_groups(&sub, c, spec, spec::GroupCount::Fewest, Method::Auto))
                };
                if splits(&loose).is_ok() {
                    let (admitted, refused) =
                        admit(&must, |m| splits(&Constraints { must_link: m.to_vec(), ..cons.clone() }).map(|_| ()));
                    for (i, why) in refused {
                        let verdict = if matches!(why, SolveError::Infeasible(_)) {
                            "leaves"
                        } else {
                            "left, as far as the search found,"
                        };
                        collab_state[must_of[i]].2 = Some(format!(
                            "keeping it whole, with the collaborations kept before it, {verdict} zone {} without groups meeting functions.{id}.groups ({why})",
                            zi + 1
                        ));
                    }
                    choose_groups(
                        &sub,
                        &Constraints { must_link: admitted, ..cons.clone() },
                        spec,
                        gs.count,
                        Method::Auto,
                    )
                } else {
                    Err(e)
                }
            }
            Err(e) => Err(e),
        };
        let zone_units: Vec<UnitRef> = members.iter().map(|&u| unit_ref(t, u)).collect();
        let mut group_note = None;
        let (groups_part, record, explanation) = match found {
            Ok((o, note)) => {
                group_note = note;
                (o.partition.clone(), Some(SolverRecord::of(&o)), None)
            }
            Err(e) => {
                let names: Vec<String> = members.iter().map(|&u| t.units[u].to_string()).collect();
                let why = e.to_string();
                // Pre-solve checks name the culprit; the solver's own proof is restated in
                // the groups' terms.
                let detail = if why.contains("HiGHS proves") { String::new() } else { format!(" ({why})") };
                let verdict = if matches!(e, SolveError::NotFound(_)) {
                    "was found (the search stopped at its limits: not a proof)"
                } else {
                    "exists"
                };
                let problem = format!(
                    "zone {} ({}): no split into contiguous groups of {}–{} municipalities with {}–{} residents{}{} {verdict}{detail}",
                    zi + 1,
                    names.join(", "),
                    gs.min_units,
                    gs.max_units,
                    gs.min_pop.unwrap_or(0.0),
                    gs.max_pop.map_or("any number of".to_string(), |v| v.to_string()),
                    gs.max_km.map_or(String::new(), |km| format!(", members at most {km} km apart")),
                    if f.keep_apart.is_empty() { "" } else { " and the keep-apart pairs" },
                );
                let short = format!(
                    "no split of the zone into contiguous groups meeting functions.{id}.groups {verdict}{detail}"
                );
                let one_group = || Partition::from_labels(&vec![0; members.len()]);
                match group_relaxation(&sub, &cons, &local_apart, gs.max_km, spec, id, zi + 1, &short) {
                    Some((_, r)) if spec.solver.strict => {
                        return Err(PlanError::Strict { function: id.into(), relaxation: r })
                    }
                    None if spec.solver.strict => {
                        return Err(PlanError::StrictGroups { function: id.into(), explanation: problem })
                    }
                    Some((relaxed, r)) => match choose_groups(&sub, &relaxed, spec, gs.count, Method::Auto)
                        .or_else(|_| choose_groups(&sub, &relaxed, spec, spec::GroupCount::Fewest, Method::Heuristic))
                    {
                        Ok((o, note)) => {
                            group_note = note;
                            let msg = format!(
                                "{problem}; the plan uses the smallest relaxation found that works: {}",
                                r.change()
                            );
                            relaxations.push(r);
                            (o.partition.clone(), Some(SolverRecord::of(&o)), Some(msg))
                        }
                        Err(e2) => {
                            let msg = format!("{problem}; {} works for a quick search, but the full search found no groups with it ({e2})", r.change());
                            (one_group(), None, Some(msg))
                        }
                    },
                    None => (one_group(), None, Some(format!("{problem}; no single relaxation tried works"))),
                }
            }
        };
        let gcentres = Medoid { costs: sub.medoid.clone() }.centres(&groups_part);
        let gtally = crate::objective::Tally::new(sub.x.view(), &groups_part);
        let mut ids = Vec::new();
        for (gi, gm) in groups_part.zones().iter().enumerate() {
            let gid = format!("{}.{}", zi + 1, gi + 1);
            let mut gm: Vec<usize> = gm.iter().map(|&l| members[l]).collect();
            gm.sort_unstable();
            for &u in &gm {
                group_labels[u] = next_group;
                assignment.insert(t.units[u].istat.clone(), (zi + 1, gid.clone()));
            }
            next_group += 1;
            let pop: f64 = gm.iter().map(|&u| inst.pop[u]).sum();
            let d = diameter(inst, &gm);
            // Measured against the spec's bounds, relaxed or not.
            let meets = (gs.min_units..=gs.max_units).contains(&gm.len())
                && gs.min_pop.is_none_or(|lo| pop >= lo)
                && gs.max_pop.is_none_or(|hi| pop <= hi)
                && gs.max_km.zip(d).is_none_or(|(km, d)| d <= km + 1e-9)
                && !keep_apart.iter().any(|(a, b)| gm.contains(a) && gm.contains(b));
            group_plans.push(GroupPlan {
                id: gid.clone(),
                zone: zi + 1,
                members: gm.iter().map(|&u| unit_ref(t, u)).collect(),
                centre: unit_ref(t, members[gcentres[gi]]),
                population: pop,
                ssd: gtally.zone_ssd(gi),
                diameter_km: d,
                meets_bounds: meets,
            });
            ids.push(gid);
        }
        zone_plans.push(ZonePlan {
            id: zi + 1,
            members: zone_units,
            centre: unit_ref(t, centres[zi]),
            population: members.iter().map(|&u| inst.pop[u]).sum(),
            ssd: crate::objective::Tally::new(sub.x.view(), &Partition::from_labels(&vec![0; members.len()])).ssd(),
            diameter_km: diameter(inst, &members),
            groups: ids,
            group_solver: record,
            group_note,
            explanation,
        });
    }
    let ssd = inst.objective(ObjectiveKind::Ssd).evaluate(zp);
    let total = tss(inst.x.view());
    let pops = metrics::zone_pops(inst, zp);
    let cv = metrics::population_cv(&pops);
    let gpart = Partition::from_labels(&group_labels);
    let meeting = group_plans.iter().filter(|g| g.meets_bounds).count();
    let metrics = PlanMetrics {
        ssd,
        r2: metrics::r2(ssd, total),
        pairwise: inst.objective(ObjectiveKind::Pairwise).evaluate(zp),
        zone_pop_min: pops.iter().copied().fold(f64::INFINITY, f64::min),
        zone_pop_max: pops.iter().copied().fold(0.0, f64::max),
        zone_pop_cv: cv,
        group_r2: metrics::r2(inst.objective(ObjectiveKind::Ssd).evaluate(&gpart), total),
        max_group_diameter_km: group_plans.iter().filter_map(|g| g.diameter_km).reduce(f64::max),
        groups_meeting_bounds: format!("{meeting}/{}", group_plans.len()),
    };
    // What the plan says it kept, it kept: checked against the final zones and groups.
    for s in collab_state.iter_mut().filter(|s| s.2.is_none()) {
        if s.1.iter().any(|&u| zp.zone_of(u) != zp.zone_of(s.1[0]) || group_labels[u] != group_labels[s.1[0]]) {
            s.2 = Some("the zones or groups found split it although the bounds were met with it whole".to_string());
        }
    }
    let collaborations = collab_state
        .into_iter()
        .map(|(name, ids, reason)| CollabOutcome {
            name,
            members: ids.iter().map(|&u| unit_ref(t, u)).collect(),
            kept: reason.is_none(),
            reason,
            outside_area: Vec::new(),
        })
        .collect();
    Ok(FunctionPlan {
        id: id.to_string(),
        label: spec.functions[id].label.clone(),
        horizon: spec.functions[id].horizon,
        zones: zone_plans,
        groups: group_plans,
        zone_solver: SolverRecord::of(&zones),
        zone_explanation: None,
        relaxations,
        metrics,
        collaborations,
        assignment,
    })
}

fn diameter(inst: &Instance, members: &[usize]) -> Option<f64> {
    let p = inst.points.as_ref()?;
    let mut best = 0.0f64;
    for (i, &a) in members.iter().enumerate() {
        for &b in &members[i + 1..] {
            best = best.max(metrics::km(p[a], p[b]));
        }
    }
    Some(best)
}

/// The fewest (or, with `count = "most"`, the most) groups that meet every bound, trying the
/// counts the bounds allow in that order. Also returns a note when a better count was only
/// not found, rather than proved impossible.
fn choose_groups(
    sub: &Instance,
    cons: &Constraints,
    spec: &Spec,
    spec_count: spec::GroupCount,
    method: Method,
) -> Result<(Outcome, Option<String>), SolveError> {
    let n = sub.n();
    let pop: f64 = sub.pop.iter().sum();
    let lo_units = n.div_ceil(cons.max_units.unwrap_or(n).max(1));
    let lo_pop = cons.max_pop.map_or(1, |hi| (pop / hi - 1e-9).ceil() as usize);
    let hi_units = n / cons.min_units.unwrap_or(1).max(1);
    let hi_pop = cons.min_pop.map_or(n, |lo| if lo > 0.0 { (pop / lo + 1e-9).floor() as usize } else { n });
    let (lo, hi) = (lo_units.max(lo_pop).max(1), hi_units.min(hi_pop).min(n));
    let mut last = None;
    // The relaxation search only asks "is there one?": a few heuristic starts suffice.
    let p = if method == Method::Heuristic {
        quick(spec)
    } else {
        SolveParams { node_limit: Some(spec.solver.group_node_limit), ..params(spec) }
    };
    let mut unsettled = Vec::new();
    let order: Vec<usize> = match spec_count {
        spec::GroupCount::Fewest => (lo..=hi).collect(),
        spec::GroupCount::Most => (lo..=hi).rev().collect(),
    };
    for k in order {
        let c = Constraints { k, ..cons.clone() };
        match solve::solve(sub, &c, &p, method) {
            Ok(o) => {
                let note = (!unsettled.is_empty()).then(|| {
                    let ks: Vec<String> = unsettled.iter().map(usize::to_string).collect();
                    let which = if spec_count == spec::GroupCount::Most { "more" } else { "fewer" };
                    format!("{which} groups not ruled out: no split into {} group(s) was found within the search limits, but none was proved impossible", ks.join(" or "))
                });
                return Ok((o, note));
            }
            Err(e) => {
                if matches!(e, SolveError::NotFound(_)) {
                    unsettled.push(k);
                }
                last = Some(e)
            }
        }
    }
    Err(last.unwrap_or_else(|| {
        SolveError::Infeasible(format!(
            "{n} municipalities with {pop} residents cannot form groups of {}–{} municipalities and {}–{} residents",
            cons.min_units.unwrap_or(1),
            cons.max_units.unwrap_or(n),
            cons.min_pop.unwrap_or(0.0),
            cons.max_pop.map_or("∞".to_string(), |v| v.to_string())
        ))
    }))
}

/// Pairs of a zone's municipalities that may not share a group: the keep-apart pairs, and
/// every pair farther apart than `max_km`.
fn apart_within(sub: &Instance, keep_apart: &[(usize, usize)], max_km: Option<f64>) -> Vec<(usize, usize)> {
    let mut apart = keep_apart.to_vec();
    if let (Some(km), Some(p)) = (max_km, sub.points.as_ref()) {
        for a in 0..sub.n() {
            for b in a + 1..sub.n() {
                if metrics::km(p[a], p[b]) > km {
                    apart.push((a, b));
                }
            }
        }
    }
    apart
}

/// The smallest single change to a zone's group bounds that makes groups possible (tested
/// with the heuristic): a population bound moved to the nearest value that works, a
/// municipality count by the fewest units, or the distance cap raised by the fewest km.
#[allow(clippy::too_many_arguments)]
fn group_relaxation(
    sub: &Instance,
    cons: &Constraints,
    keep_apart: &[(usize, usize)],
    max_km: Option<f64>,
    spec: &Spec,
    id: &str,
    zone: usize,
    why: &str,
) -> Option<(Constraints, Relaxation)> {
    // A quick heuristic look; on small zones the exact search (which proves) where it misses.
    let works = |c: &Constraints| {
        choose_groups(sub, c, spec, spec::GroupCount::Fewest, Method::Heuristic).is_ok()
            || (sub.n() <= EXACT_RELAXATION_UNITS
                && choose_groups(sub, c, spec, spec::GroupCount::Fewest, Method::Auto).is_ok())
    };
    let (total, largest) = population_extent(sub);
    let mut found = relax::population(cons, total, largest, &works);
    found.extend(relax::units(cons, sub.n(), &works));
    if let (Some(km), Some(widest)) = (max_km, diameter(sub, &(0..sub.n()).collect::<Vec<_>>())) {
        let with = |cap: f64| Constraints { cannot_link: apart_within(sub, keep_apart, Some(cap)), ..cons.clone() };
        if let Some(v) = relax::smallest_working(km, widest, &|v| works(&with(v))).filter(|&v| v > km) {
            found.push(relax::Candidate {
                size: (v - km) / km.max(1e-9),
                cons: with(v),
                name: "max_km",
                asked: km,
                used: Some(v),
            });
        }
    }
    relax::smallest(found, Tier::Groups, Some(zone), &format!("functions.{id}.groups"), why)
}

/// Which municipalities share a group in every function, and how stable each one's partners are.
fn compare(t: &Territory, functions: &[FunctionPlan]) -> Comparison {
    let n = t.len();
    let keys: Vec<Vec<String>> =
        (0..n).map(|u| functions.iter().map(|f| f.assignment[&t.units[u].istat].1.clone()).collect()).collect();
    let mut classes: BTreeMap<Vec<String>, Vec<usize>> = BTreeMap::new();
    for (u, k) in keys.iter().enumerate() {
        classes.entry(k.clone()).or_default().push(u);
    }
    let mut always: Vec<Vec<UnitRef>> =
        classes.values().filter(|m| m.len() >= 2).map(|m| m.iter().map(|&u| unit_ref(t, u)).collect()).collect();
    always.sort_by(|a, b| a[0].istat.cmp(&b[0].istat));
    let mates = |fi: usize, u: usize| -> std::collections::BTreeSet<usize> {
        (0..n).filter(|&v| v != u && keys[v][fi] == keys[u][fi]).collect()
    };
    let mut stability: Vec<(UnitRef, f64)> = (0..n)
        .map(|u| {
            let mut sum = 0.0;
            let mut pairs = 0;
            for a in 0..functions.len() {
                for b in a + 1..functions.len() {
                    let (x, y) = (mates(a, u), mates(b, u));
                    let union = x.union(&y).count();
                    sum += if union == 0 { 1.0 } else { x.intersection(&y).count() as f64 / union as f64 };
                    pairs += 1;
                }
            }
            (unit_ref(t, u), if pairs == 0 { 1.0 } else { sum / pairs as f64 })
        })
        .collect();
    stability.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.istat.cmp(&b.0.istat)));
    Comparison { always_together: always, stability }
}

/// The vast area of a spec: the whole territory, or the listed units.
pub fn vast_area(t: &Territory, spec: &Spec) -> Territory {
    if spec.area.units.is_empty() {
        return t.clone();
    }
    let mut ids: Vec<MunicipalityId> = spec.area.units.iter().filter_map(|c| t.find(c)).collect();
    ids.sort();
    ids.dedup();
    t.subset(&ids, &spec.area.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_error_names_the_function_and_prints_its_cause_once() {
        let cause =
            SolveError::Infeasible("min zone population 20000 exceeds the 18500 of component {017103 Manerbio}".into());
        let err = PlanError::Zones { function: "ict".into(), cause };
        assert_eq!(
            err.to_string(),
            "function `ict`: infeasible: min zone population 20000 exceeds the 18500 of component {017103 Manerbio}"
        );
        assert!(std::error::Error::source(&err).is_none());
    }
}
