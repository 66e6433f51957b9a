//! Validated configs of the commands whose flags must agree with each other and with the area
//! (ripgrep's LowArgs → HiArgs): every check of those flags in one place, before any solving.

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use ndarray::Array2;

use pianura::distances::DistanceMatrix;
use pianura::features::FeatureMatrix;
use pianura::graph::{AdjacencyGraph, IslandPolicy};
use pianura::solve::{Constraints, Instance, Method, ObjectiveKind, SolveParams};
use pianura::territory::Territory;

use super::args::ZonesArgs;
use super::common::{require_population, unit_codes};

/// `pianura zones` after its checks: the area the solver sees (after the island policy), its
/// instance, the constraints with ISTAT codes resolved, and the solver's parameters.
pub struct ZonesConfig {
    /// The area solved (the largest piece with --largest-component).
    pub territory: Territory,
    /// Its solver instance, medoid options applied.
    pub instance: Instance,
    /// ISTAT codes the island policy dropped.
    pub left_out: Vec<String>,
    /// Zone count, bounds, keep-together/apart, centres.
    pub constraints: Constraints,
    /// Objective, seed, limits, threads.
    pub params: SolveParams,
    /// The solver asked for.
    pub method: Method,
    /// The objective asked for.
    pub objective: ObjectiveKind,
    /// A travel objective over whole distances and residents: its value is an exact integer.
    pub integral: bool,
}

impl ZonesConfig {
    /// Checks the flags against the area `t` with features `f`, in the order a user meets the
    /// problems: population needed, graph, island policy, medoid options, ISTAT codes.
    pub fn new(args: &ZonesArgs, t: Territory, f: FeatureMatrix) -> Result<ZonesConfig> {
        let needs_pop: Vec<&str> = [
            (args.min_pop.is_some(), "--min-pop"),
            (args.max_pop.is_some(), "--max-pop"),
            (args.population_weighted, "--population-weighted"),
            (args.balance.is_some(), "--balance"),
            (ObjectiveKind::from(args.objective).is_travel(), "--objective pmedian/hess"),
        ]
        .into_iter()
        .filter_map(|(on, flag)| on.then_some(flag))
        .collect();
        if !needs_pop.is_empty() {
            require_population(&t, &needs_pop.join(", "))?;
        }
        let objective: ObjectiveKind = args.objective.into();
        if args.distances.is_some() && !objective.is_travel() {
            bail!("--distances is for the travel objectives: add --objective pmedian or --objective hess");
        }
        // Read against the whole area (the file names its units), cut to what is solved below.
        let distances = match &args.distances {
            Some(path) => Some(DistanceMatrix::read(path, &t).context("cannot read the distances")?),
            None => None,
        };
        // Each unit's row in the file's matrix, by ISTAT code (the island policy renumbers).
        let row_of: HashMap<String, usize> = t.units.iter().enumerate().map(|(i, u)| (u.istat.clone(), i)).collect();
        let policy = if args.largest_component { IslandPolicy::LargestComponent } else { IslandPolicy::KeepAll };
        let (t, f, g, left_out) = apply_islands(policy, t, f, args.contiguity.into())?;
        let x = f.standardized();
        let mut instance = Instance::new(&t, &g, &x)
            .with_medoid_options(args.travel_weight, args.population_weighted)
            .context("invalid medoid options")?;
        let whole = |v: &f64| v.fract() == 0.0 && v.abs() < 2f64.powi(53);
        let integral = objective.is_travel() && distances.as_ref().is_some_and(|m| m.integral) && instance.pop.iter().all(whole);
        if objective.is_travel() {
            let m = match distances {
                Some(m) => {
                    let kept: Vec<usize> = t.units.iter().map(|u| row_of[&u.istat]).collect();
                    Array2::from_shape_fn((kept.len(), kept.len()), |(i, j)| m.d[[kept[i], kept[j]]])
                }
                None => DistanceMatrix::great_circle(instance.points.as_deref()).context("--objective pmedian/hess")?.d,
            };
            instance = instance.with_travel_objective(objective, Arc::new(m)).context("invalid travel objective")?;
        }
        let (min_pop, max_pop) = match args.balance {
            Some(eps) => {
                let k = args.k.unwrap_or(1) as f64;
                let ideal = instance.pop.iter().sum::<f64>() / k;
                ((Some(ideal * (1.0 - eps))), Some(ideal * (1.0 + eps)))
            }
            None => (args.min_pop, args.max_pop),
        };
        let constraints = Constraints {
            k: args.k.unwrap_or(0),
            min_pop,
            max_pop,
            min_units: args.min_units,
            max_units: args.max_units,
            must_link: args.keep_together.iter().map(|g| unit_codes(&t, g, "--keep-together")).collect::<Result<_>>()?,
            cannot_link: args
                .keep_apart
                .iter()
                .map(|pair| match unit_codes(&t, pair, "--keep-apart")?.as_slice() {
                    &[a, b] => Ok((a, b)),
                    _ => bail!("--keep-apart {pair:?}: give exactly two ISTAT codes, as A,B"),
                })
                .collect::<Result<_>>()?,
            centres: args.centre.iter().map(|c| unit_codes(&t, c, "--centre")).collect::<Result<Vec<_>>>()?.concat(),
        };
        let params = SolveParams {
            objective,
            seed: args.seed,
            time_limit: args.time_limit,
            threads: args.threads,
            node_limit: args.node_limit,
            ..SolveParams::default()
        };
        Ok(ZonesConfig { territory: t, instance, left_out, constraints, params, method: args.method.into(), objective, integral })
    }
}

/// The area, its features and its graph under `policy`, with the ISTAT codes dropped; a
/// dropped piece changes the standardization (features are standardized over what is kept).
fn apply_islands(
    policy: IslandPolicy,
    t: Territory,
    f: FeatureMatrix,
    contiguity: pianura::graph::Contiguity,
) -> Result<(Territory, FeatureMatrix, AdjacencyGraph, Vec<String>)> {
    let g = AdjacencyGraph::build(&t, contiguity).context("cannot build the adjacency graph")?;
    let islands = policy.apply(&g);
    if policy == IslandPolicy::KeepAll {
        return Ok((t, f, g, Vec::new()));
    }
    let left_out = islands.dropped.iter().map(|id| t.unit(*id).istat.clone()).collect();
    let note = format!("largest connected piece, {} of {} municipalities", islands.kept.len(), t.len());
    let rows: Vec<usize> = islands.kept.iter().map(|id| id.index()).collect();
    let (t, f) = (t.subset(&islands.kept, &note), f.rows(&rows));
    let g = AdjacencyGraph::build(&t, contiguity).context("cannot build the adjacency graph")?;
    Ok((t, f, g, left_out))
}
