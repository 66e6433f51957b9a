//! Solvers for k contiguous zones: the problem ([`Instance`], [`Constraints`], [`SolveParams`]),
//! the answer ([`Outcome`] with an honest [`Status`]), and the solvers themselves:
//! [`exact`] (medoid and pairwise MIPs through good_lp + HiGHS) and [`heuristic`] (Ward and
//! SKATER starts, annealing, merge-and-split, multi-start over rayon), plus [`kmeans`] as the
//! non-spatial reference. No I/O here.

pub mod exact;
pub mod heuristic;
pub mod kmeans;
pub mod max_p;

use std::collections::{BTreeMap, BTreeSet};

use ndarray::Array2;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::features::FeatureMatrix;
use crate::graph::AdjacencyGraph;
use crate::objective::{Medoid, MedoidCosts, Objective, Pairwise, Ssd};
use crate::partition::Partition;
pub use crate::status::{SolverKind, Status};
use crate::territory::Territory;

/// What a solver works on: adjacency, standardized features, populations, names.
#[derive(Debug, Clone)]
pub struct Instance {
    /// Neighbour lists (sorted), index = unit.
    pub adj: Vec<Vec<usize>>,
    /// Standardized, weighted features (rows = units).
    pub x: Array2<f64>,
    /// Residents per unit (1 each when the input has no population).
    pub pop: Vec<f64>,
    /// Interior points (lon, lat) when known, for distances in km.
    pub points: Option<Vec<(f64, f64)>>,
    /// `istat name` per unit, for messages.
    pub labels: Vec<String>,
    /// Medoid costs (unit × centre); squared feature distances unless set otherwise.
    pub medoid: MedoidCosts,
}

impl Instance {
    /// An instance from a territory, its graph and its (already standardized) features.
    pub fn new(t: &Territory, g: &AdjacencyGraph, x: &FeatureMatrix) -> Self {
        let adj: Vec<Vec<usize>> =
            (0..t.len() as u32).map(|i| g.neighbors(crate::territory::MunicipalityId(i)).iter().map(|m| m.index()).collect()).collect();
        let pop = t.units.iter().map(|u| u.pop.unwrap_or(1.0)).collect();
        let points = t.units.iter().map(|u| u.point).collect::<Option<Vec<_>>>();
        let labels = t.units.iter().map(|u| u.to_string()).collect();
        Self::from_parts(adj, x.values().clone(), pop, points, labels)
    }

    /// An instance from raw parts (tests, benches, sub-areas).
    pub fn from_parts(adj: Vec<Vec<usize>>, x: Array2<f64>, pop: Vec<f64>, points: Option<Vec<(f64, f64)>>, labels: Vec<String>) -> Self {
        let medoid = MedoidCosts::new(x.view(), None, None);
        Instance { adj, x, pop, points, labels, medoid }
    }

    /// Number of units.
    pub fn n(&self) -> usize {
        self.adj.len()
    }

    /// Medoid costs with a travel term and population weights: cost of `i` led by `j` =
    /// `wᵢ·(‖xᵢ − x_j‖² + travel_weight·km(i, j))`, `wᵢ` = population / mean population when
    /// `population_weighted`, else 1.
    ///
    /// # Errors
    /// [`SolveError::Param`] for a negative or non-finite weight, or a travel term without points.
    pub fn with_medoid_options(mut self, travel_weight: f64, population_weighted: bool) -> Result<Instance, SolveError> {
        if !travel_weight.is_finite() || travel_weight < 0.0 {
            return Err(SolveError::Param(format!("travel weight must be a finite number ≥ 0, found {travel_weight}")));
        }
        let km = match (&self.points, travel_weight > 0.0) {
            (_, false) => None,
            (Some(p), true) => Some(Array2::from_shape_fn((self.n(), self.n()), |(i, j)| crate::metrics::km(p[i], p[j]))),
            (None, true) => return Err(SolveError::Param("a travel weight needs each municipality's point (lon, lat)".into())),
        };
        let mean = self.pop.iter().sum::<f64>() / self.n().max(1) as f64;
        let weights: Option<Vec<f64>> =
            population_weighted.then(|| self.pop.iter().map(|p| if mean > 0.0 { p / mean } else { 1.0 }).collect());
        self.medoid = MedoidCosts::new(self.x.view(), km.as_ref().map(|m| (m, travel_weight)), weights.as_deref());
        Ok(self)
    }

    /// The sub-instance on `units` (ascending): adjacency restricted, rows kept as they are.
    pub fn subset(&self, units: &[usize]) -> Instance {
        let mut index = vec![usize::MAX; self.n()];
        for (i, &u) in units.iter().enumerate() {
            index[u] = i;
        }
        let adj = units.iter().map(|&u| self.adj[u].iter().filter(|&&v| index[v] != usize::MAX).map(|&v| index[v]).collect()).collect();
        let x = self.x.select(ndarray::Axis(0), units);
        let medoid =
            MedoidCosts { cost: Array2::from_shape_fn((units.len(), units.len()), |(i, j)| self.medoid.cost[[units[i], units[j]]]) };
        Instance {
            adj,
            x,
            pop: units.iter().map(|&u| self.pop[u]).collect(),
            points: self.points.as_ref().map(|p| units.iter().map(|&u| p[u]).collect()),
            labels: units.iter().map(|&u| self.labels[u].clone()).collect(),
            medoid,
        }
    }

    /// Connected components of the adjacency, each ascending, in order of lowest member.
    pub fn components(&self) -> Vec<Vec<usize>> {
        let all = Partition::from_labels(&vec![0; self.n()]);
        all.zone_pieces(&self.adj, 0)
    }

    /// The objective of a kind over this instance.
    pub fn objective(&self, kind: ObjectiveKind) -> Box<dyn Objective> {
        match kind {
            ObjectiveKind::Ssd => Box::new(Ssd { x: self.x.clone() }),
            ObjectiveKind::Pairwise => Box::new(Pairwise { x: self.x.clone() }),
            ObjectiveKind::Medoid => Box::new(Medoid { costs: self.medoid.clone() }),
        }
    }
}

/// Which score a solver minimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ObjectiveKind {
    /// Sum of squared deviations from zone means.
    Ssd,
    /// Sum of same-zone pairwise squared distances (p-regions).
    Pairwise,
    /// Sum of squared distances to each zone's centre municipality.
    #[default]
    Medoid,
}

/// Constraints every solver honours.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Constraints {
    /// Number of zones.
    pub k: usize,
    /// Minimum residents per zone.
    pub min_pop: Option<f64>,
    /// Maximum residents per zone.
    pub max_pop: Option<f64>,
    /// Minimum units per zone.
    pub min_units: Option<usize>,
    /// Maximum units per zone.
    pub max_units: Option<usize>,
    /// Groups that must share a zone (existing unions); each must be contiguous by itself,
    /// since solvers move it as one piece. Overlapping groups merge.
    pub must_link: Vec<Vec<usize>>,
    /// Pairs that must not share a zone.
    pub cannot_link: Vec<(usize, usize)>,
    /// Units that must lead different zones: the zone's centre for the medoid objective, one
    /// per zone for the others.
    pub centres: Vec<usize>,
}

/// Solver settings.
#[derive(Debug, Clone, PartialEq)]
pub struct SolveParams {
    /// Objective to minimise.
    pub objective: ObjectiveKind,
    /// Seed of every random choice.
    pub seed: u64,
    /// Wall-clock limit for the exact solver, seconds.
    pub time_limit: f64,
    /// Relative MIP gap at which the exact solver stops.
    pub mip_gap: f64,
    /// Worker threads for the heuristic's starts; results do not depend on it. (The exact
    /// medoid search re-solves one LP at a time and runs single-threaded.)
    pub threads: usize,
    /// Heuristic starts; 0 picks a number from the instance size.
    pub starts: usize,
    /// Branch-and-cut nodes after which the exact medoid solver stops with its incumbent and
    /// gap: unlike a time limit, the same on every machine.
    pub node_limit: Option<usize>,
}

impl Default for SolveParams {
    fn default() -> Self {
        SolveParams { objective: ObjectiveKind::Medoid, seed: 42, time_limit: 60.0, mip_gap: 1e-6, threads: 2, starts: 0, node_limit: None }
    }
}

/// A solver's answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    /// Which solver produced the partition: `exact` when the exact search proved or found
    /// it, `heuristic` when an exact search only bounded the heuristic's partition (its gap is
    /// then the proof of how far from optimal it can be).
    pub method: SolverKind,
    /// The zones.
    #[serde(skip)]
    pub partition: Partition,
    /// Centre of each zone (medoid objective).
    pub centres: Option<Vec<usize>>,
    /// How it ended.
    pub status: Status,
    /// Objective value of `partition`.
    pub objective: f64,
    /// Best proven lower bound, when an exact solver ran.
    pub bound: Option<f64>,
    /// (objective − bound) / |objective|.
    pub gap: Option<f64>,
    /// Wall-clock seconds.
    pub seconds: f64,
}

/// Errors solvers return; a time limit with a partition is an [`Outcome`], not an error.
#[derive(Debug, Error, PartialEq)]
pub enum SolveError {
    /// The constraints cannot all hold (proved from the data or by HiGHS); the message says
    /// which and with what numbers.
    #[error("infeasible: {0}")]
    Infeasible(String),
    /// The search stopped without a partition meeting every constraint, and without a proof
    /// that none exists (a heuristic, or an exact search cut short by its limits).
    #[error("no partition found: {0}")]
    NotFound(String),
    /// A parameter out of range.
    #[error("invalid parameter: {0}")]
    Param(String),
    /// The MIP solver failed for a reason other than infeasibility or a limit.
    #[error("HiGHS failed: {0}")]
    Solver(String),
}

impl Constraints {
    /// Proves infeasibility before solving when the data shows it, naming the culprit.
    ///
    /// # Errors
    /// [`SolveError::Infeasible`] with the numbers; [`SolveError::Param`] for ids out of range.
    pub fn check(&self, inst: &Instance) -> Result<(), SolveError> {
        let n = inst.n();
        let infeasible = |s: String| Err(SolveError::Infeasible(s));
        if self.k == 0 {
            return Err(SolveError::Param("k must be at least 1".into()));
        }
        let ids = self.must_link.iter().flatten().chain(self.centres.iter());
        let ids = ids.chain(self.cannot_link.iter().flat_map(|(a, b)| [a, b]));
        if let Some(bad) = ids.copied().find(|&u| u >= n) {
            return Err(SolveError::Param(format!("unit index {bad} out of range (n = {n})")));
        }
        if let Some(&(a, _)) = self.cannot_link.iter().find(|(a, b)| a == b) {
            return Err(SolveError::Param(format!("{} cannot be kept apart from itself", inst.labels[a])));
        }
        if let Some((_, &c)) = self.centres.iter().enumerate().find(|(i, c)| self.centres[..*i].contains(c)) {
            return Err(SolveError::Param(format!("{} is listed twice as a fixed centre", inst.labels[c])));
        }
        if self.k > n {
            return infeasible(format!("{} zones requested but the area has only {n} municipalities", self.k));
        }
        if let (Some(lo), Some(hi)) = (self.min_pop, self.max_pop) {
            if lo > hi {
                return Err(SolveError::Param(format!("min population {lo} exceeds max population {hi}")));
            }
        }
        if let (Some(lo), Some(hi)) = (self.min_units, self.max_units) {
            if lo > hi {
                return Err(SolveError::Param(format!("min municipalities {lo} exceeds max municipalities {hi}")));
            }
        }
        for g in &self.must_link {
            let set: BTreeSet<usize> = g.iter().copied().collect();
            if !is_connected(&inst.adj, &set) {
                return Err(SolveError::Param(format!(
                    "the group {{{}}} that must stay together is not contiguous by itself (keep-together groups move as one piece)",
                    names(inst, g)
                )));
            }
        }
        self.check_pieces(inst)?;
        // Overlapping keep-together groups act as one block: check the blocks.
        let blocks = self.blocks(n);
        let pieces = n - blocks.iter().map(|b| b.len() - 1).sum::<usize>();
        if pieces < self.k {
            return infeasible(format!(
                "once the keep-together groups are merged only {pieces} pieces remain, fewer than the {} zones",
                self.k
            ));
        }
        for b in &blocks {
            let pop: f64 = b.iter().map(|&u| inst.pop[u]).sum();
            if let Some(hi) = self.max_pop.filter(|&hi| pop > hi) {
                return infeasible(format!(
                    "the group {{{}}} that must stay together has {pop} residents, above the max zone population {hi}",
                    names(inst, b)
                ));
            }
            if let Some(hi) = self.max_units.filter(|&hi| b.len() > hi) {
                return infeasible(format!(
                    "the group {{{}}} that must stay together has {} municipalities, above the max of {hi} per zone",
                    names(inst, b),
                    b.len()
                ));
            }
            if let Some(&(a, c)) = self.cannot_link.iter().find(|(a, c)| b.contains(a) && b.contains(c)) {
                return infeasible(format!(
                    "{} and {} must be kept apart but belong to the group {{{}}} that must stay together",
                    inst.labels[a],
                    inst.labels[c],
                    names(inst, b)
                ));
            }
            let inside: Vec<usize> = self.centres.iter().copied().filter(|c| b.contains(c)).collect();
            if inside.len() > 1 {
                return infeasible(format!(
                    "the fixed centres {} and {} belong to the group {{{}}} that must stay together, so they cannot lead different zones",
                    inst.labels[inside[0]],
                    inst.labels[inside[1]],
                    names(inst, b)
                ));
            }
        }
        if self.centres.len() > self.k {
            return infeasible(format!("{} fixed centres for {} zones", self.centres.len(), self.k));
        }
        Ok(())
    }

    /// Population and size bounds against the separate pieces (connected components) of the
    /// area: every piece holds whole zones, so each needs between ⌈size/max⌉ and ⌊size/min⌋.
    fn check_pieces(&self, inst: &Instance) -> Result<(), SolveError> {
        let n = inst.n();
        let comps = inst.components();
        let infeasible = |s: String| Err(SolveError::Infeasible(s));
        if comps.len() > self.k {
            let small: Vec<String> = comps.iter().skip(1).take(3).map(|c| inst.labels[c[0]].clone()).collect();
            return infeasible(format!(
                "the area has {} separate pieces (e.g. around {}), so at least {} zones are needed for contiguous zones, not {}",
                comps.len(),
                small.join(", "),
                comps.len(),
                self.k
            ));
        }
        let total: f64 = inst.pop.iter().sum();
        let piece_pop = |c: &[usize]| -> f64 { c.iter().map(|&u| inst.pop[u]).sum() };
        if let Some(lo) = self.min_pop {
            for c in &comps {
                let p = piece_pop(c);
                if p < lo {
                    return infeasible(format!(
                        "min zone population {lo} exceeds the {p} residents of the separate piece {{{}}}",
                        names(inst, c)
                    ));
                }
            }
            if lo * self.k as f64 > total {
                return infeasible(format!(
                    "{} zones of at least {lo} residents need {} but the area has {total}",
                    self.k,
                    lo * self.k as f64
                ));
            }
            let most: usize = comps.iter().map(|c| (piece_pop(c) / lo + 1e-9).floor() as usize).sum();
            if lo > 0.0 && most < self.k {
                return infeasible(format!(
                    "the area's {} separate pieces can hold at most {most} zones of at least {lo} residents, not {}",
                    comps.len(),
                    self.k
                ));
            }
        }
        if let Some(hi) = self.max_pop {
            if let Some(u) = (0..n).find(|&u| inst.pop[u] > hi) {
                return infeasible(format!("{} alone has {} residents, above the max zone population {hi}", inst.labels[u], inst.pop[u]));
            }
            if hi * (self.k as f64) < total {
                return infeasible(format!(
                    "{} zones of at most {hi} residents hold {} but the area has {total}",
                    self.k,
                    hi * self.k as f64
                ));
            }
            let least: usize = comps.iter().map(|c| (piece_pop(c) / hi - 1e-9).ceil() as usize).sum();
            if least > self.k {
                return infeasible(format!(
                    "the area's {} separate pieces need at least {least} zones of at most {hi} residents, not {}",
                    comps.len(),
                    self.k
                ));
            }
        }
        if let Some(lo) = self.min_units {
            if lo.saturating_mul(self.k) > n {
                return infeasible(format!(
                    "{} zones of at least {lo} municipalities need {} but there are {n}",
                    self.k,
                    lo.saturating_mul(self.k)
                ));
            }
            if let Some(c) = comps.iter().find(|c| c.len() < lo) {
                return infeasible(format!("the separate piece {{{}}} has fewer than {lo} municipalities", names(inst, c)));
            }
            let most: usize = comps.iter().map(|c| c.len() / lo.max(1)).sum();
            if most < self.k {
                return infeasible(format!(
                    "the area's {} separate pieces can hold at most {most} zones of at least {lo} municipalities, not {}",
                    comps.len(),
                    self.k
                ));
            }
        }
        if let Some(hi) = self.max_units {
            if hi.saturating_mul(self.k) < n {
                return infeasible(format!(
                    "{} zones of at most {hi} municipalities hold {} but there are {n}",
                    self.k,
                    hi.saturating_mul(self.k)
                ));
            }
            let least: usize = comps.iter().map(|c| c.len().div_ceil(hi.max(1))).sum();
            if least > self.k {
                return infeasible(format!(
                    "the area's {} separate pieces need at least {least} zones of at most {hi} municipalities, not {}",
                    comps.len(),
                    self.k
                ));
            }
        }
        Ok(())
    }

    /// Keep-together groups merged where they overlap (union–find), each sorted; singletons
    /// are left out.
    pub fn blocks(&self, n: usize) -> Vec<Vec<usize>> {
        let mut parent: Vec<usize> = (0..n).collect();
        fn root(parent: &mut [usize], mut u: usize) -> usize {
            while parent[u] != u {
                parent[u] = parent[parent[u]];
                u = parent[u];
            }
            u
        }
        for g in &self.must_link {
            for w in g.windows(2) {
                let (a, b) = (root(&mut parent, w[0]), root(&mut parent, w[1]));
                if a != b {
                    parent[a.max(b)] = a.min(b);
                }
            }
        }
        let mut by_root: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for u in 0..n {
            let r = root(&mut parent, u);
            by_root.entry(r).or_default().push(u);
        }
        by_root.into_values().filter(|b| b.len() > 1).collect()
    }

    /// True when a partition meets every constraint (contiguity included).
    pub fn holds(&self, inst: &Instance, p: &Partition) -> bool {
        self.violations(inst, p).is_empty()
    }

    /// Every constraint a partition breaks, in words.
    pub fn violations(&self, inst: &Instance, p: &Partition) -> Vec<String> {
        let mut v = Vec::new();
        if p.k() != self.k {
            v.push(format!("{} zones instead of {}", p.k(), self.k));
        }
        for (z, m) in p.zones().iter().enumerate() {
            if !p.is_zone_connected(&inst.adj, z) {
                v.push(format!("zone {} is not contiguous", z + 1));
            }
            let pop: f64 = m.iter().map(|&u| inst.pop[u]).sum();
            if self.min_pop.is_some_and(|lo| pop < lo) || self.max_pop.is_some_and(|hi| pop > hi) {
                v.push(format!("zone {} has {pop} residents", z + 1));
            }
            if self.min_units.is_some_and(|lo| m.len() < lo) || self.max_units.is_some_and(|hi| m.len() > hi) {
                v.push(format!("zone {} has {} municipalities", z + 1, m.len()));
            }
        }
        for g in &self.must_link {
            if g.iter().any(|&u| p.zone_of(u) != p.zone_of(g[0])) {
                v.push(format!("group {{{}}} is split", names(inst, g)));
            }
        }
        for &(a, b) in &self.cannot_link {
            if p.zone_of(a) == p.zone_of(b) {
                v.push(format!("{} and {} share a zone", inst.labels[a], inst.labels[b]));
            }
        }
        for (i, &a) in self.centres.iter().enumerate() {
            if let Some(&b) = self.centres[i + 1..].iter().find(|&&b| p.zone_of(a) == p.zone_of(b)) {
                v.push(format!("the fixed centres {} and {} share a zone", inst.labels[a], inst.labels[b]));
            }
        }
        v
    }
}

fn names(inst: &Instance, units: &[usize]) -> String {
    let shown: Vec<&str> = units.iter().take(6).map(|&u| inst.labels[u].as_str()).collect();
    let more = if units.len() > 6 { format!(", … {} in all", units.len()) } else { String::new() };
    format!("{}{more}", shown.join(", "))
}

/// True when `set` induces a connected subgraph.
pub(crate) fn is_connected(adj: &[Vec<usize>], set: &BTreeSet<usize>) -> bool {
    let Some(&start) = set.iter().next() else { return true };
    let mut seen = BTreeSet::from([start]);
    let mut stack = vec![start];
    while let Some(u) = stack.pop() {
        for &v in &adj[u] {
            if set.contains(&v) && seen.insert(v) {
                stack.push(v);
            }
        }
    }
    seen.len() == set.len()
}

impl Outcome {
    /// An answer without optimality claim: the partition scored by `kind`, with each zone's
    /// centre (its fixed centre if any, else its best member) for the medoid objective.
    pub(crate) fn unproven(
        inst: &Instance,
        cons: &Constraints,
        kind: ObjectiveKind,
        partition: Partition,
        method: SolverKind,
        clock: std::time::Instant,
    ) -> Outcome {
        let centres = (kind == ObjectiveKind::Medoid).then(|| heuristic::zone_centres(inst, cons, &partition));
        let objective = match &centres {
            Some(c) => Medoid { costs: inst.medoid.clone() }.evaluate_with(&partition, c),
            None => inst.objective(kind).evaluate(&partition),
        };
        Outcome {
            method,
            partition,
            centres,
            status: Status::Heuristic,
            objective,
            bound: None,
            gap: None,
            seconds: clock.elapsed().as_secs_f64(),
        }
    }
}

/// Runs the solver a method names. `auto`: exact for the medoid objective on small instances
/// (falling back to the heuristic incumbent at the time limit), heuristic otherwise.
pub fn solve(inst: &Instance, cons: &Constraints, params: &SolveParams, method: Method) -> Result<Outcome, SolveError> {
    cons.check(inst)?;
    match method {
        Method::Heuristic => heuristic::solve(inst, cons, params),
        Method::Ward => heuristic::ward_only(inst, cons, params),
        Method::Skater => heuristic::skater_only(inst, cons, params),
        Method::Kmeans => kmeans::solve(inst, cons, params),
        Method::Exact => exact::solve(inst, cons, params),
        Method::Auto => {
            if params.objective != ObjectiveKind::Ssd && inst.n() <= exact::AUTO_MAX_UNITS {
                exact::solve(inst, cons, params)
            } else {
                heuristic::solve(inst, cons, params)
            }
        }
    }
}

/// Which solver to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Exact where the size allows, heuristic elsewhere.
    #[default]
    Auto,
    /// The MIP (medoid or pairwise objective).
    Exact,
    /// Multi-start annealing with merge-and-split.
    Heuristic,
    /// Contiguity-constrained Ward agglomeration alone.
    Ward,
    /// SKATER spanning-tree cuts alone.
    Skater,
    /// k-means, ignoring contiguity (the non-spatial reference).
    Kmeans,
}
