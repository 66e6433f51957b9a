//! Scenarios for researchers: run named variants of a zoning in parallel, measure how far
//! apart their partitions are, and how stable each one is under perturbation.
//!
//! Distances: adjusted Rand index, variation of information, and the number of municipalities
//! that change zone after matching zone labels optimally ([`crate::metrics`]). Stability
//! (`bootstrap`): the scenario is re-solved `n` times with (a) feature weights multiplied by
//! independent Exp(1) draws rescaled to mean 1 (a Bayesian bootstrap of the weights) and
//! (b) Gaussian noise of standard deviation `noise` added to every standardized feature; the
//! solver's seed stays the scenario's, so with no perturbation every run is identical. A
//! municipality stays with the core of its zone when its perturbed zone is the one matched to
//! its original zone; a zone survives when its best-matching perturbed zone has Jaccard
//! similarity ≥ the survival threshold (default 0.5). Replicates run in parallel; replicate `i`
//! draws from an RNG seeded with `(seed, i)` and results are combined by index, so the thread
//! count never changes them.
//!
//! Quality: SSD and `r2` are measured in each scenario's own space (its features, its
//! weights), so they compare scenarios only when those agree; `r2_common` is the R² of the
//! same partition on all of the area's features, standardized and unweighted, the same
//! yardstick for every scenario.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::features::FeatureMatrix;
use crate::graph::AdjacencyGraph;
use crate::metrics;
use crate::objective::{tss, Tally};
use crate::partition::Partition;
use crate::progress::{Progress, Silent, Tick};
use crate::solve::{self, Constraints, Instance, Method, ObjectiveKind, Outcome, SolveError, SolveParams, Status};
use crate::territory::Territory;

mod bootstrap;
mod scenarios;

pub use bootstrap::stability;
use bootstrap::stability_with;

/// A scenarios file: `[[scenario]]` tables.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// The scenarios, in file order (none is an error of [`ScenarioFile::parse`], not of the
    /// TOML reader, so that it can say so).
    #[serde(default)]
    pub scenario: Vec<Scenario>,
}

/// One variant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Unique name.
    pub name: String,
    /// Number of zones.
    pub k: usize,
    /// Solver.
    #[serde(default)]
    pub method: Method,
    /// Objective.
    #[serde(default)]
    pub objective: ObjectiveKind,
    /// Feature → weight (others weigh 1).
    #[serde(default)]
    pub weights: BTreeMap<String, f64>,
    /// Features used (default: all of the area).
    #[serde(default)]
    pub features: Vec<String>,
    /// Minimum residents per zone.
    #[serde(default)]
    pub min_pop: Option<f64>,
    /// Maximum residents per zone.
    #[serde(default)]
    pub max_pop: Option<f64>,
    /// Minimum municipalities per zone.
    #[serde(default)]
    pub min_units: Option<usize>,
    /// Maximum municipalities per zone.
    #[serde(default)]
    pub max_units: Option<usize>,
    /// Seed.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Exact solver time limit, seconds.
    #[serde(default = "default_time_limit")]
    pub time_limit: f64,
}

fn default_seed() -> u64 {
    crate::solve::params::DEFAULT_SEED
}

fn default_time_limit() -> f64 {
    crate::solve::params::SCENARIO_TIME_LIMIT
}

/// Errors of the scenario runner (each names the scenario).
#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    /// The scenarios file is not valid.
    #[error("{0}")]
    File(String),
    /// Values that cannot work; every problem of the file is listed.
    #[error("{}{}", file.as_ref().map(|s| format!("{s}: ")).unwrap_or_default(), crate::error::list_problems(problems.iter().map(ToString::to_string).collect()))]
    Invalid {
        /// The scenarios file, when known.
        file: Option<String>,
        /// Every problem, in file order.
        problems: Vec<ScenarioProblem>,
    },
    /// A scenario cannot run.
    #[error("scenario `{name}`: {reason}")]
    Scenario {
        /// Its name.
        name: String,
        /// Why.
        reason: String,
    },
    /// The bootstrap noise is negative or not finite.
    #[error("bootstrap noise must be a finite number ≥ 0, found {0}")]
    Noise(f64),
    /// The zone survival threshold is outside (0, 1].
    #[error("survival threshold must be in (0, 1], found {0}")]
    SurvivalThreshold(f64),
    /// The thread pool cannot start.
    #[error("cannot start {threads} threads: {reason}")]
    Threads {
        /// Threads asked for.
        threads: usize,
        /// Why.
        reason: String,
    },
}

/// One problem of a scenarios file: the scenario (1-based position and name), the key and
/// what is wrong with it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}`{key}`: {message}", scenario_label(*position, name))]
pub struct ScenarioProblem {
    /// 1-based position of the `[[scenario]]` table.
    pub position: usize,
    /// Its name (may be empty).
    pub name: String,
    /// The key, e.g. `weights.log_pop`.
    pub key: String,
    /// What is wrong, with the numbers.
    pub message: String,
}

fn scenario_label(position: usize, name: &str) -> String {
    if name.is_empty() {
        format!("scenario #{position}: ")
    } else {
        format!("scenario `{name}` (#{position}): ")
    }
}

/// One scenario's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioResult {
    /// Name.
    pub name: String,
    /// Zones.
    pub k: usize,
    /// Solver that ran.
    pub method: crate::status::SolverKind,
    /// SSD in the scenario's own space (its features and weights).
    pub ssd: f64,
    /// R² in the scenario's own space: comparable across scenarios only when their features
    /// and weights agree.
    pub r2: f64,
    /// R² on all of the area's features, standardized and unweighted: the same yardstick for
    /// every scenario.
    pub r2_common: f64,
    /// Pairwise heterogeneity.
    pub pairwise: f64,
    /// Coefficient of variation of zone populations.
    pub pop_cv: f64,
    /// Every zone contiguous.
    pub contiguous: bool,
    /// Solver status.
    pub status: Status,
    /// Gap, for exact runs.
    pub gap: Option<f64>,
    /// Seconds.
    pub seconds: f64,
    /// ISTAT code → zone (1-based).
    pub labels: BTreeMap<String, usize>,
    /// Stability, when bootstrapped.
    pub stability: Option<Stability>,
}

/// Bootstrap stability of a scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stability {
    /// Runs.
    pub runs: usize,
    /// Noise standard deviation on standardized features.
    pub noise: f64,
    /// Whether weights were resampled.
    pub resample_weights: bool,
    /// Jaccard similarity at or above which a zone survives a run.
    pub survival_threshold: f64,
    /// ISTAT → share of runs in which it stayed with its zone's core.
    pub unit: BTreeMap<String, f64>,
    /// Per zone (1-based order), share of runs in which it survived (best Jaccard ≥ the
    /// survival threshold).
    pub zone: Vec<f64>,
}

/// Distances between two scenarios' partitions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Distance {
    /// First scenario.
    pub a: String,
    /// Second scenario.
    pub b: String,
    /// Adjusted Rand index.
    pub ari: f64,
    /// Variation of information (nats).
    pub vi: f64,
    /// Municipalities that change zone after optimal label matching.
    pub moved: usize,
}

/// The same distances as n × n matrices, rows and columns in the order of `names` (the file
/// order). Symmetric; the diagonal is ARI 1, VI 0, moved 0.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DistanceMatrix {
    /// Scenario names, the order of rows and columns.
    pub names: Vec<String>,
    /// Adjusted Rand index.
    pub ari: Vec<Vec<f64>>,
    /// Variation of information (nats).
    pub vi: Vec<Vec<f64>>,
    /// Municipalities that change zone after optimal label matching.
    pub moved: Vec<Vec<usize>>,
}

/// All of a comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// Per scenario.
    pub scenarios: Vec<ScenarioResult>,
    /// Every pair (a before b in file order).
    pub distances: Vec<Distance>,
    /// The distances as matrices.
    pub matrix: DistanceMatrix,
}

/// Bootstrap settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bootstrap {
    /// Runs per scenario (0 = none).
    pub runs: usize,
    /// Standard deviation of the noise on standardized features.
    pub noise: f64,
    /// Resample weights (Exp(1), mean 1).
    pub resample_weights: bool,
    /// A zone survives a run when its best-matching zone has Jaccard similarity at or above
    /// this, in (0, 1].
    pub survival_threshold: f64,
}

impl Default for Bootstrap {
    /// No runs; noise 0.1, weights resampled, survival threshold 0.5 (the CLI's defaults).
    fn default() -> Self {
        Bootstrap { runs: 0, noise: 0.1, resample_weights: true, survival_threshold: 0.5 }
    }
}

impl Bootstrap {
    /// Checks the settings before any work.
    ///
    /// # Errors
    /// [`CompareError::Noise`] for a negative or non-finite noise,
    /// [`CompareError::SurvivalThreshold`] for a threshold outside (0, 1].
    pub fn check(&self) -> Result<(), CompareError> {
        if !(self.noise >= 0.0 && self.noise.is_finite()) {
            return Err(CompareError::Noise(self.noise));
        }
        if !(self.survival_threshold > 0.0 && self.survival_threshold <= 1.0) {
            return Err(CompareError::SurvivalThreshold(self.survival_threshold));
        }
        Ok(())
    }
}

fn instance(
    t: &Territory,
    g: &AdjacencyGraph,
    raw: &FeatureMatrix,
    s: &Scenario,
    noise: Option<(&mut Xoshiro256PlusPlus, f64, bool)>,
) -> Result<Instance, CompareError> {
    let bad = |reason: String| CompareError::Scenario { name: s.name.clone(), reason };
    let selected = if s.features.is_empty() { raw.clone() } else { raw.select(&s.features).map_err(|e| bad(e.to_string()))? };
    let z = selected.standardized();
    let mut weights: Vec<(String, f64)> = z.names().iter().map(|n| (n.clone(), s.weights.get(n).copied().unwrap_or(1.0))).collect();
    for name in s.weights.keys() {
        if !z.names().contains(name) {
            return Err(bad(format!("weight for unknown feature `{name}`")));
        }
    }
    let mut values = z.values().clone();
    if let Some((rng, sd, resample)) = noise {
        // Hand-written draws, not `rand_distr::{Exp1, StandardNormal}`: rand_distr 0.4 samples
        // both by the ziggurat method, which gives other numbers (and consumes the RNG
        // differently) for the same seed, so every bootstrap result would change. Exp(1) here
        // is the inverse CDF −ln(1 − U); the normal is Box–Muller's cosine branch.
        if resample {
            let draws: Vec<f64> = weights.iter().map(|_| -(1.0 - rng.gen::<f64>()).ln()).collect();
            let mean = draws.iter().sum::<f64>() / draws.len() as f64;
            for (w, d) in weights.iter_mut().zip(draws) {
                w.1 *= d / mean;
            }
        }
        if sd > 0.0 {
            for v in values.iter_mut() {
                // Box–Muller.
                let (u1, u2): (f64, f64) = (1.0 - rng.gen::<f64>(), rng.gen());
                *v += sd * (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
            }
        }
    }
    let x = FeatureMatrix::new(z.names().to_vec(), values).weighted(&weights).map_err(|e| bad(e.to_string()))?;
    Ok(Instance::new(t, g, &x))
}

fn solve_one(inst: &Instance, s: &Scenario) -> Result<Outcome, SolveError> {
    let cons = Constraints {
        k: s.k,
        min_pop: s.min_pop,
        max_pop: s.max_pop,
        min_units: s.min_units,
        max_units: s.max_units,
        ..Constraints::default()
    };
    let params = SolveParams { objective: s.objective, seed: s.seed, time_limit: s.time_limit, threads: 1, ..SolveParams::default() };
    solve::solve(inst, &cons, &params, s.method)
}

/// Runs every scenario (in parallel over `threads`), their distances, and bootstrap stability.
/// Bootstrap replicates share the same pool; results do not depend on `threads`.
///
/// # Errors
/// [`CompareError::Invalid`] for scenarios that cannot work on this area (checked before
/// anything runs, [`ScenarioFile::check`]); [`CompareError::Scenario`] naming the scenario
/// that failed and why; the bootstrap settings' own errors ([`Bootstrap::check`]).
pub fn run(
    t: &Territory,
    g: &AdjacencyGraph,
    raw: &FeatureMatrix,
    file: &ScenarioFile,
    boot: Bootstrap,
    threads: usize,
) -> Result<Comparison, CompareError> {
    run_with(t, g, raw, file, boot, threads, &Silent)
}

/// Counts finished solves (scenarios and bootstrap replicates, from any thread) and ticks
/// `progress` with the count.
struct Solves<'a> {
    task: &'static str,
    done: AtomicU64,
    total: u64,
    progress: &'a dyn Progress,
}

impl Solves<'_> {
    fn finished(&self) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        self.progress.tick(Tick { task: self.task, done, total: self.total, unit: "solves" });
    }
}

/// Runs the comparison like [`run`], ticking `progress` after every solve (each scenario and
/// each bootstrap replicate), in `solves` of scenarios × (1 + bootstrap runs).
///
/// # Errors
/// As [`run`].
pub fn run_with(
    t: &Territory,
    g: &AdjacencyGraph,
    raw: &FeatureMatrix,
    file: &ScenarioFile,
    boot: Bootstrap,
    threads: usize,
    progress: &dyn Progress,
) -> Result<Comparison, CompareError> {
    boot.check()?;
    file.check(t, raw.names(), None)?;
    let solves = Solves {
        task: if boot.runs > 0 { "scenarios and bootstrap" } else { "scenarios" },
        done: AtomicU64::new(0),
        total: (file.scenario.len() as u64).saturating_mul((boot.runs as u64).saturating_add(1)),
        progress,
    };
    progress.tick(Tick { task: solves.task, done: 0, total: solves.total, unit: "solves" });
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .map_err(|e| CompareError::Threads { threads, reason: e.to_string() })?;
    // The common yardstick: every feature of the area, standardized, weight 1.
    let common = raw.standardized();
    let common_tss = tss(common.values().view());
    let results: Vec<Result<ScenarioResult, CompareError>> =
        pool.install(|| file.scenario.par_iter().map(|s| run_scenario(t, g, raw, (&common, common_tss), s, boot, &solves)).collect());
    let scenarios = results.into_iter().collect::<Result<Vec<_>, _>>()?;
    let labels: Vec<Vec<usize>> = scenarios.iter().map(|r| t.units.iter().map(|u| r.labels[&u.istat] - 1).collect()).collect();
    let n = scenarios.len();
    let mut matrix = DistanceMatrix {
        names: scenarios.iter().map(|s| s.name.clone()).collect(),
        ari: vec![vec![1.0; n]; n],
        vi: vec![vec![0.0; n]; n],
        moved: vec![vec![0; n]; n],
    };
    let mut distances = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            let d = Distance {
                a: scenarios[i].name.clone(),
                b: scenarios[j].name.clone(),
                ari: metrics::adjusted_rand_index(&labels[i], &labels[j]),
                vi: metrics::variation_of_information(&labels[i], &labels[j]),
                moved: metrics::moved_units(&labels[i], &labels[j]),
            };
            (matrix.ari[i][j], matrix.ari[j][i]) = (d.ari, d.ari);
            (matrix.vi[i][j], matrix.vi[j][i]) = (d.vi, d.vi);
            (matrix.moved[i][j], matrix.moved[j][i]) = (d.moved, d.moved);
            distances.push(d);
        }
    }
    Ok(Comparison { scenarios, distances, matrix })
}

fn run_scenario(
    t: &Territory,
    g: &AdjacencyGraph,
    raw: &FeatureMatrix,
    common: (&FeatureMatrix, f64),
    s: &Scenario,
    boot: Bootstrap,
    solves: &Solves<'_>,
) -> Result<ScenarioResult, CompareError> {
    let inst = instance(t, g, raw, s, None)?;
    let out = solve_one(&inst, s).map_err(|e| CompareError::Scenario { name: s.name.clone(), reason: e.to_string() })?;
    solves.finished();
    let p = &out.partition;
    let ssd = inst.objective(ObjectiveKind::Ssd).evaluate(p);
    let pops = metrics::zone_pops(&inst.pop, p);
    let cv = metrics::population_cv(&pops);
    let stability = (boot.runs > 0).then(|| stability_with(t, g, raw, s, p, boot, solves)).transpose()?;
    Ok(ScenarioResult {
        name: s.name.clone(),
        k: p.k(),
        method: out.method,
        ssd,
        r2: metrics::r2(ssd, tss(inst.x.view())),
        r2_common: metrics::r2(Tally::new(common.0.values().view(), p).ssd(), common.1),
        pairwise: inst.objective(ObjectiveKind::Pairwise).evaluate(p),
        pop_cv: cv,
        contiguous: p.is_contiguous(&inst.adj),
        status: out.status,
        gap: out.gap,
        seconds: out.seconds,
        labels: t.units.iter().enumerate().map(|(u, m)| (m.istat.clone(), p.zone_of(u) + 1)).collect(),
        stability,
    })
}

#[cfg(test)]
mod tests;
