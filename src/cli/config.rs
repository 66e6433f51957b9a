//! Validated configs of the commands whose flags must agree with each other and with the area
//! (ripgrep's LowArgs → HiArgs): every check of those flags in one place, before any solving.

use anyhow::{bail, Context, Result};

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
}

impl ZonesConfig {
    /// Checks the flags against the area `t` with features `f`, in the order a user meets the
    /// problems: population needed, graph, island policy, medoid options, ISTAT codes.
    pub fn new(args: &ZonesArgs, t: Territory, f: FeatureMatrix) -> Result<ZonesConfig> {
        let needs_pop: Vec<&str> = [
            (args.min_pop.is_some(), "--min-pop"),
            (args.max_pop.is_some(), "--max-pop"),
            (args.population_weighted, "--population-weighted"),
        ]
        .into_iter()
        .filter_map(|(on, flag)| on.then_some(flag))
        .collect();
        if !needs_pop.is_empty() {
            require_population(&t, &needs_pop.join(", "))?;
        }
        let policy = if args.largest_component { IslandPolicy::LargestComponent } else { IslandPolicy::KeepAll };
        let (t, f, g, left_out) = apply_islands(policy, t, f, args.contiguity.into())?;
        let x = f.standardized();
        let instance = Instance::new(&t, &g, &x)
            .with_medoid_options(args.travel_weight, args.population_weighted)
            .context("invalid medoid options")?;
        let constraints = Constraints {
            k: args.k.unwrap_or(0),
            min_pop: args.min_pop,
            max_pop: args.max_pop,
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
            objective: args.objective.into(),
            seed: args.seed,
            time_limit: args.time_limit,
            threads: args.threads,
            node_limit: args.node_limit,
            ..SolveParams::default()
        };
        Ok(ZonesConfig {
            territory: t,
            instance,
            left_out,
            constraints,
            params,
            method: args.method.into(),
            objective: args.objective.into(),
        })
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
