//! What a solver works on ([`Instance`]): the neighbour lists built once from the petgraph
//! graph ([`Neighbours`], the one graph representation the solvers, plan and ensemble read),
//! standardized features, populations, labels, and the medoid costs, built only when a
//! medoid-type objective first reads them ([`LazyMedoidCosts`]).

use std::ops::Deref;
use std::sync::{Arc, OnceLock};

use ndarray::Array2;
use petgraph::unionfind::UnionFind;

use super::params::{check_travel_weight, ParamsError};
use super::{ObjectiveKind, SolveError};
use crate::features::FeatureMatrix;
use crate::graph::AdjacencyGraph;
use crate::objective::{Medoid, MedoidCosts, Objective, Pairwise, Ssd};
use crate::territory::Territory;

/// Neighbour lists (sorted), index = unit: a compact copy of the petgraph graph, built once.
/// Reads as a `[Vec<usize>]` ([`crate::partition::Adjacency`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Neighbours(Vec<Vec<usize>>);

impl Deref for Neighbours {
    type Target = [Vec<usize>];
    fn deref(&self) -> &[Vec<usize>] {
        &self.0
    }
}

impl From<Vec<Vec<usize>>> for Neighbours {
    fn from(lists: Vec<Vec<usize>>) -> Self {
        Neighbours(lists)
    }
}

impl Neighbours {
    /// The lists of a petgraph adjacency graph.
    pub fn of_graph(g: &AdjacencyGraph, n: usize) -> Self {
        Neighbours((0..n as u32).map(|i| g.neighbors(crate::territory::MunicipalityId(i)).iter().map(|m| m.index()).collect()).collect())
    }

    /// Connected pieces of the subgraph `units` induces (petgraph's union–find), each
    /// ascending, in order of lowest member. Every component question goes through here.
    pub fn pieces(&self, units: &[usize]) -> Vec<Vec<usize>> {
        let mut inside = vec![false; self.0.len()];
        for &u in units {
            inside[u] = true;
        }
        let mut sets = UnionFind::<usize>::new(self.0.len());
        for &u in units {
            for &v in self.0[u].iter().filter(|&&v| inside[v]) {
                sets.union(u, v);
            }
        }
        let mut sorted = units.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        let mut by_root: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
        for u in sorted {
            by_root.entry(sets.find_mut(u)).or_default().push(u);
        }
        let mut pieces: Vec<Vec<usize>> = by_root.into_values().collect();
        pieces.sort_unstable_by_key(|p| p[0]);
        pieces
    }

    /// Connected components of the whole graph, as [`Neighbours::pieces`].
    pub fn components(&self) -> Vec<Vec<usize>> {
        self.pieces(&(0..self.0.len()).collect::<Vec<_>>())
    }

    /// True when `units` induce a connected subgraph (an empty set is connected).
    pub fn is_connected(&self, units: &[usize]) -> bool {
        self.pieces(units).len() <= 1
    }
}

/// How the medoid costs are made: kept so that the n×n matrix is built only when read.
#[derive(Debug, Clone)]
enum Recipe {
    /// Squared feature distances (the medoid objective), with an optional travel term and
    /// row weights.
    Features {
        x: Array2<f64>,
        /// Points and travel weight, when a travel term is on.
        travel: Option<(Vec<(f64, f64)>, f64)>,
        weights: Option<Vec<f64>>,
    },
    /// Residents × distance^power (p-median: 1, Hess: 2) to the centre.
    Travel { d: Arc<Array2<f64>>, pop: Vec<f64>, kind: ObjectiveKind },
}

/// Medoid costs (unit × centre), built on first read: an SSD or pairwise solve never pays the
/// n² memory (about 0.5 GB on 7,896 units). Reads as a [`MedoidCosts`] through `Deref`
/// (`inst.medoid.cost[[i, j]]`); deliberately not `Clone`, so `inst.medoid.clone()` clones
/// the costs themselves.
#[derive(Debug)]
pub struct LazyMedoidCosts {
    recipe: Recipe,
    built: OnceLock<MedoidCosts>,
}

impl LazyMedoidCosts {
    fn new(recipe: Recipe) -> Self {
        LazyMedoidCosts { recipe, built: OnceLock::new() }
    }

    /// The costs, built now if no one read them before.
    pub fn costs(&self) -> &MedoidCosts {
        self.built.get_or_init(|| match &self.recipe {
            Recipe::Features { x, travel, weights } => {
                let n = x.nrows();
                let km = travel.as_ref().map(|(p, w)| (Array2::from_shape_fn((n, n), |(i, j)| crate::metrics::km(p[i], p[j])), *w));
                MedoidCosts::new(x.view(), km.as_ref().map(|(m, w)| (m, *w)), weights.as_deref())
            }
            Recipe::Travel { d, pop, kind } => {
                let squared = *kind == ObjectiveKind::Hess;
                let cost = Array2::from_shape_fn(d.dim(), |(i, j)| pop[i] * if squared { d[[i, j]] * d[[i, j]] } else { d[[i, j]] });
                MedoidCosts { cost }
            }
        })
    }

    /// The objective these costs score: [`ObjectiveKind::Medoid`] (features) or a travel one.
    pub fn objective(&self) -> ObjectiveKind {
        match &self.recipe {
            Recipe::Features { .. } => ObjectiveKind::Medoid,
            Recipe::Travel { kind, .. } => *kind,
        }
    }

    /// True once the n×n matrix exists.
    pub fn is_built(&self) -> bool {
        self.built.get().is_some()
    }

    /// The same recipe on `units` (a sub-instance): rows, points and weights kept as they are,
    /// so each cost equals the parent's entry; shares the parent's costs only when built.
    fn subset(&self, units: &[usize]) -> Self {
        let pick = |v: &[f64]| -> Vec<f64> { units.iter().map(|&u| v[u]).collect() };
        let recipe = match &self.recipe {
            Recipe::Features { x, travel, weights } => Recipe::Features {
                x: x.select(ndarray::Axis(0), units),
                travel: travel.as_ref().map(|(p, w)| (units.iter().map(|&u| p[u]).collect(), *w)),
                weights: weights.as_deref().map(pick),
            },
            Recipe::Travel { d, pop, kind } => Recipe::Travel {
                d: Arc::new(Array2::from_shape_fn((units.len(), units.len()), |(i, j)| d[[units[i], units[j]]])),
                pop: pick(pop),
                kind: *kind,
            },
        };
        let out = LazyMedoidCosts::new(recipe);
        if let Some(parent) = self.built.get() {
            let cost = Array2::from_shape_fn((units.len(), units.len()), |(i, j)| parent.cost[[units[i], units[j]]]);
            let _ = out.built.set(MedoidCosts { cost });
        }
        out
    }
}

impl Deref for LazyMedoidCosts {
    type Target = MedoidCosts;
    fn deref(&self) -> &MedoidCosts {
        self.costs()
    }
}

/// What a solver works on: adjacency, standardized features, populations, names.
#[derive(Debug)]
pub struct Instance {
    /// Neighbour lists (sorted), index = unit.
    pub adj: Neighbours,
    /// Standardized, weighted features (rows = units).
    pub x: Array2<f64>,
    /// Residents per unit (1 each when the input has no population).
    pub pop: Vec<f64>,
    /// Interior points (lon, lat) when known, for distances in km.
    pub points: Option<Vec<(f64, f64)>>,
    /// `istat name` per unit, for messages.
    pub labels: Vec<String>,
    /// Medoid costs (unit × centre); squared feature distances unless set otherwise.
    pub medoid: LazyMedoidCosts,
}

impl Clone for Instance {
    fn clone(&self) -> Self {
        let medoid = LazyMedoidCosts::new(self.medoid.recipe.clone());
        if let Some(c) = self.medoid.built.get() {
            let _ = medoid.built.set(c.clone());
        }
        Instance {
            adj: self.adj.clone(),
            x: self.x.clone(),
            pop: self.pop.clone(),
            points: self.points.clone(),
            labels: self.labels.clone(),
            medoid,
        }
    }
}

impl Instance {
    /// An instance from a territory, its graph and its (already standardized) features.
    pub fn new(t: &Territory, g: &AdjacencyGraph, x: &FeatureMatrix) -> Self {
        let adj = Neighbours::of_graph(g, t.len());
        let pop = t.units.iter().map(|u| u.pop.unwrap_or(1.0)).collect();
        let points = t.units.iter().map(|u| u.point).collect::<Option<Vec<_>>>();
        let labels = t.units.iter().map(|u| u.to_string()).collect();
        Self::from_parts(adj.0, x.values().clone(), pop, points, labels)
    }

    /// An instance from raw parts (tests, benches, sub-areas).
    pub fn from_parts(adj: Vec<Vec<usize>>, x: Array2<f64>, pop: Vec<f64>, points: Option<Vec<(f64, f64)>>, labels: Vec<String>) -> Self {
        let medoid = LazyMedoidCosts::new(Recipe::Features { x: x.clone(), travel: None, weights: None });
        Instance { adj: Neighbours(adj), x, pop, points, labels, medoid }
    }

    /// Number of units.
    pub fn n(&self) -> usize {
        self.adj.len()
    }

    /// Medoid costs with a travel term and population weights: cost of `i` led by `j` =
    /// `wᵢ·(‖xᵢ − x_j‖² + travel_weight·km(i, j))`, `wᵢ` = population / mean population when
    /// `population_weighted`, else 1. The matrix is still built only when read.
    ///
    /// # Errors
    /// [`SolveError::Param`] for a negative or non-finite weight, or a travel term without points.
    pub fn with_medoid_options(mut self, travel_weight: f64, population_weighted: bool) -> Result<Instance, SolveError> {
        check_travel_weight(travel_weight)?;
        let travel = match (&self.points, travel_weight > 0.0) {
            (_, false) => None,
            (Some(p), true) => Some((p.clone(), travel_weight)),
            (None, true) => return Err(ParamsError::TravelNeedsPoints.into()),
        };
        let mean = self.pop.iter().sum::<f64>() / self.n().max(1) as f64;
        let weights: Option<Vec<f64>> =
            population_weighted.then(|| self.pop.iter().map(|p| if mean > 0.0 { p / mean } else { 1.0 }).collect());
        self.medoid = LazyMedoidCosts::new(Recipe::Features { x: self.x.clone(), travel, weights });
        Ok(self)
    }

    /// The instance for a travel objective (`kind` p-median or Hess): a unit's cost led by
    /// `j` is its residents × `d[[i, j]]` (p-median) or × `d[[i, j]]²` (Hess), so the medoid
    /// machinery (heuristic and exact) minimises the objective as defined, unscaled.
    ///
    /// # Errors
    /// [`SolveError::Param`] when `kind` is not a travel objective or `d` is not n × n.
    pub fn with_travel_objective(mut self, kind: ObjectiveKind, d: Arc<Array2<f64>>) -> Result<Instance, SolveError> {
        if !kind.is_travel() {
            return Err(ParamsError::NotTravel(kind).into());
        }
        if d.dim() != (self.n(), self.n()) {
            return Err(ParamsError::DistanceShape { n: self.n(), rows: d.nrows(), cols: d.ncols() }.into());
        }
        self.medoid = LazyMedoidCosts::new(Recipe::Travel { d, pop: self.pop.clone(), kind });
        Ok(self)
    }

    /// The sub-instance on `units` (ascending): adjacency restricted, rows kept as they are.
    pub fn subset(&self, units: &[usize]) -> Instance {
        let mut index = vec![usize::MAX; self.n()];
        for (i, &u) in units.iter().enumerate() {
            index[u] = i;
        }
        let adj = units.iter().map(|&u| self.adj[u].iter().filter(|&&v| index[v] != usize::MAX).map(|&v| index[v]).collect()).collect();
        Instance {
            adj: Neighbours(adj),
            x: self.x.select(ndarray::Axis(0), units),
            pop: units.iter().map(|&u| self.pop[u]).collect(),
            points: self.points.as_ref().map(|p| units.iter().map(|&u| p[u]).collect()),
            labels: units.iter().map(|&u| self.labels[u].clone()).collect(),
            medoid: self.medoid.subset(units),
        }
    }

    /// Connected components of the adjacency, each ascending, in order of lowest member.
    pub fn components(&self) -> Vec<Vec<usize>> {
        self.adj.components()
    }

    /// The objective of a kind over this instance.
    pub fn objective(&self, kind: ObjectiveKind) -> Box<dyn Objective> {
        match kind {
            ObjectiveKind::Ssd => Box::new(Ssd { x: self.x.clone() }),
            ObjectiveKind::Pairwise => Box::new(Pairwise { x: self.x.clone() }),
            ObjectiveKind::Medoid | ObjectiveKind::Pmedian | ObjectiveKind::Hess => Box::new(Medoid { costs: self.medoid.clone() }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 0 – 1   2 – 3 – 4   5
    fn split() -> Neighbours {
        Neighbours(vec![vec![1], vec![0], vec![3], vec![2, 4], vec![3], vec![]])
    }

    #[test]
    fn pieces_are_ascending_in_order_of_lowest_member() {
        assert_eq!(split().components(), vec![vec![0, 1], vec![2, 3, 4], vec![5]]);
        assert_eq!(split().pieces(&[4, 2, 1]), vec![vec![1], vec![2], vec![4]]);
        assert!(split().is_connected(&[4, 3, 2]));
        assert!(!split().is_connected(&[2, 4]));
        assert!(split().is_connected(&[]));
    }

    #[test]
    fn medoid_costs_are_built_only_when_read() {
        let x = ndarray::array![[0.0], [1.0], [3.0]];
        let inst = Instance::from_parts(
            vec![vec![1], vec![0, 2], vec![1]],
            x,
            vec![1.0, 2.0, 3.0],
            None,
            vec!["a".into(), "b".into(), "c".into()],
        );
        let sub = inst.subset(&[1, 2]);
        assert!(!inst.medoid.is_built() && !sub.medoid.is_built());
        assert_eq!(inst.medoid.cost[[0, 2]], 9.0);
        assert!(inst.medoid.is_built());
        // A sub-instance's costs are the parent's entries, whether built before or after.
        assert_eq!(sub.medoid.cost, ndarray::array![[0.0, 4.0], [4.0, 0.0]]);
        assert_eq!(inst.subset(&[1, 2]).medoid.cost, sub.medoid.cost);
        let weighted = inst.clone().with_medoid_options(0.0, true).unwrap();
        assert!(!weighted.medoid.is_built());
        // Unit c has 3 / mean 2 = 1.5 times the weight: 1.5 · (3 − 1)² = 6.
        assert_eq!(weighted.subset(&[1, 2]).medoid.cost[[1, 0]], 6.0);
    }

    #[test]
    fn a_travel_term_needs_points() {
        let inst = Instance::from_parts(vec![vec![]], ndarray::array![[0.0]], vec![1.0], None, vec!["a".into()]);
        let e = inst.with_medoid_options(1.0, false).unwrap_err();
        assert_eq!(e, SolveError::from(ParamsError::TravelNeedsPoints));
        assert_eq!(e.to_string(), "invalid parameter: a travel weight needs each municipality's point (lon, lat)");
    }
}
