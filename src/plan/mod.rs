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
//!
//! Layout: [`model`] holds the output types, `zones` tier 2, `groups` tier 3, [`relax`] the
//! smallest relaxations, `explain` every sentence the plan says, `stability` the comparison
//! across functions; this file runs them ([`build`]).
pub mod collab;
pub mod economy;
mod explain;
mod groups;
pub mod model;
pub mod relax;
pub mod spec;
mod stability;
mod zones;

use std::time::Instant;

use rayon::prelude::*;

use crate::features::FeatureMatrix;
use crate::graph::AdjacencyGraph;
use crate::solve::{Instance, ObjectiveKind, SolveParams};
use crate::territory::{MunicipalityId, Territory};

pub use collab::Collaboration;
pub use model::{
    AreaProfile, CollabOutcome, Comparison, FunctionPlan, GroupPlan, Plan, PlanError, PlanMetrics, SolverRecord, Timings, UnitFeatures,
    UnitRef, ZonePlan,
};
pub use relax::{Relaxation, Tier};
pub use spec::{Spec, SpecError};

/// One function's plan with its seconds for zones and groups.
type Solved = (FunctionPlan, (f64, f64));

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
        isolated: g.isolated().iter().map(|id| UnitRef::of(t, id.index())).collect(),
        projection: t.projection().map(|p| format!("EPSG:{} ({})", p.epsg(), p.name())),
    };
    let raw = features.select(&spec.area.features)?;
    let unit_features = UnitFeatures {
        names: raw.names().to_vec(),
        values: t.units.iter().enumerate().map(|(i, u)| (u.istat.clone(), raw.values().row(i).to_vec())).collect(),
    };
    let z = raw.standardized();
    // Functions are independent: solved in parallel, collected in spec order, so the plan is
    // the same whatever the thread count.
    let solved: Vec<Result<Solved, PlanError>> = spec
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
            let (zones_out, collab_state, zone_relaxation) = zones::solve_zones(t, &inst, spec, id, &together)?;
            let zone_secs = t0.elapsed().as_secs_f64();
            progress(id, "groups");
            let t1 = Instant::now();
            let mut plan = groups::solve_groups(t, &inst, spec, id, zones_out, collab_state, progress)?;
            if let Some(r) = zone_relaxation {
                plan.zone_explanation = Some(explain::zones_relaxed(&r));
                plan.relaxations.insert(0, r);
            }
            for (c, (_, codes)) in plan.collaborations.iter_mut().zip(&together) {
                c.outside_area = codes.iter().filter(|code| t.find(code).is_none()).cloned().collect();
                c.source = collabs.iter().find(|k| k.name == c.name).and_then(|k| k.source.clone());
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
    let comparison = stability::compare(t, &functions);
    timings.total = clock.elapsed().as_secs_f64();
    let plan = Plan {
        spec: spec.clone(),
        seed: spec.solver.seed,
        area,
        functions,
        comparison,
        input_warnings: Vec::new(),
        features: unit_features,
        economy: None,
    };
    Ok((plan, timings))
}

/// Solver settings of both tiers: the medoid objective with the spec's seed and limits.
fn params(spec: &Spec) -> SolveParams {
    SolveParams {
        objective: ObjectiveKind::Medoid,
        seed: spec.solver.seed,
        time_limit: spec.solver.time_limit,
        node_limit: Some(spec.solver.node_limit),
        ..SolveParams::default()
    }
}

/// Solver settings for "is there any partition?" questions: a few heuristic starts.
fn quick(spec: &Spec) -> SolveParams {
    SolveParams { starts: 6, ..params(spec) }
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
