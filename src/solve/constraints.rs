//! The constraints every solver honours ([`Constraints`]), their validation (input mistakes,
//! every one collected: [`Constraints::validate`]) and the check of a finished partition
//! ([`Constraints::violations`]). Whether valid constraints can hold at all is
//! [`super::presolve`]'s question.

use std::collections::{BTreeMap, BTreeSet};

use petgraph::unionfind::UnionFind;

use super::outcome::{Explained, Render};
use super::Instance;
use crate::partition::Partition;

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

/// An input mistake in [`Constraints`] (as opposed to constraints the data cannot meet).
#[derive(Debug, Clone, PartialEq)]
pub enum ConstraintProblem {
    /// `k` is 0.
    NoZones,
    /// A unit index at or above the number of units.
    OutOfRange {
        /// The index.
        unit: usize,
        /// The number of units.
        n: usize,
    },
    /// A pair kept apart from itself.
    ApartFromItself {
        /// The unit.
        unit: usize,
    },
    /// A fixed centre listed twice.
    CentreTwice {
        /// The unit.
        unit: usize,
    },
    /// `min_pop > max_pop`.
    MinPopAboveMax {
        /// The minimum.
        min: f64,
        /// The maximum.
        max: f64,
    },
    /// `min_units > max_units`.
    MinUnitsAboveMax {
        /// The minimum.
        min: usize,
        /// The maximum.
        max: usize,
    },
    /// A keep-together group that is not contiguous by itself.
    GroupNotContiguous {
        /// Its units, as given.
        group: Vec<usize>,
    },
}

impl Render for ConstraintProblem {
    fn render(&self, labels: &[String]) -> String {
        match self {
            ConstraintProblem::NoZones => "k must be at least 1".into(),
            ConstraintProblem::OutOfRange { unit, n } => format!("unit index {unit} out of range (n = {n})"),
            ConstraintProblem::ApartFromItself { unit } => {
                format!("{} cannot be kept apart from itself", labels[*unit])
            }
            ConstraintProblem::CentreTwice { unit } => format!("{} is listed twice as a fixed centre", labels[*unit]),
            ConstraintProblem::MinPopAboveMax { min, max } => {
                format!("min population {min} exceeds max population {max}")
            }
            ConstraintProblem::MinUnitsAboveMax { min, max } => {
                format!("min municipalities {min} exceeds max municipalities {max}")
            }
            ConstraintProblem::GroupNotContiguous { group } => format!(
                "the group {{{}}} that must stay together is not contiguous by itself (keep-together groups move as one piece)",
                names(labels, group)
            ),
        }
    }
}

/// Several problems, listed like every reader's errors.
impl Render for Vec<ConstraintProblem> {
    fn render(&self, labels: &[String]) -> String {
        crate::error::list_problems(self.iter().map(|p| p.render(labels)).collect())
    }
}

impl Constraints {
    /// Every input mistake, in the order the fields are declared (none: `Ok`).
    ///
    /// # Errors
    /// All the problems found, rendered with the instance's labels.
    pub fn validate(&self, inst: &Instance) -> Result<(), Explained<Vec<ConstraintProblem>>> {
        let n = inst.n();
        let mut problems = Vec::new();
        if self.k == 0 {
            problems.push(ConstraintProblem::NoZones);
        }
        let ids = self.must_link.iter().flatten().chain(self.centres.iter());
        let ids = ids.chain(self.cannot_link.iter().flat_map(|(a, b)| [a, b]));
        let bad: BTreeSet<usize> = ids.copied().filter(|&u| u >= n).collect();
        problems.extend(bad.iter().map(|&unit| ConstraintProblem::OutOfRange { unit, n }));
        let apart: BTreeSet<usize> = self.cannot_link.iter().filter(|(a, b)| a == b && *a < n).map(|p| p.0).collect();
        problems.extend(apart.into_iter().map(|unit| ConstraintProblem::ApartFromItself { unit }));
        let twice: BTreeSet<usize> = (0..self.centres.len())
            .filter(|&i| self.centres[i] < n && self.centres[..i].contains(&self.centres[i]))
            .map(|i| self.centres[i])
            .collect();
        problems.extend(twice.into_iter().map(|unit| ConstraintProblem::CentreTwice { unit }));
        if let (Some(min), Some(max)) = (self.min_pop, self.max_pop) {
            if min > max {
                problems.push(ConstraintProblem::MinPopAboveMax { min, max });
            }
        }
        if let (Some(min), Some(max)) = (self.min_units, self.max_units) {
            if min > max {
                problems.push(ConstraintProblem::MinUnitsAboveMax { min, max });
            }
        }
        for g in self.must_link.iter().filter(|g| g.iter().all(|&u| u < n)) {
            if !inst.adj.is_connected(g) {
                problems.push(ConstraintProblem::GroupNotContiguous { group: g.clone() });
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Explained::new(problems, &inst.labels))
        }
    }

    /// Keep-together groups merged where they overlap (petgraph's union–find), each sorted;
    /// singletons are left out.
    pub fn blocks(&self, n: usize) -> Vec<Vec<usize>> {
        let mut sets = UnionFind::<usize>::new(n);
        for g in &self.must_link {
            for w in g.windows(2) {
                sets.union(w[0], w[1]);
            }
        }
        // Blocks in order of their lowest member, members ascending.
        let mut by_root: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for u in 0..n {
            by_root.entry(sets.find_mut(u)).or_default().push(u);
        }
        let mut blocks: Vec<Vec<usize>> = by_root.into_values().filter(|b| b.len() > 1).collect();
        blocks.sort_unstable_by_key(|b| b[0]);
        blocks
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
                v.push(format!("group {{{}}} is split", names(&inst.labels, g)));
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

/// Up to six labels of `units`, then how many in all.
pub(crate) fn names(labels: &[String], units: &[usize]) -> String {
    let shown: Vec<&str> = units.iter().take(6).map(|&u| labels[u].as_str()).collect();
    let more = if units.len() > 6 { format!(", … {} in all", units.len()) } else { String::new() };
    format!("{}{more}", shown.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A path a – b – c – d.
    fn path4() -> Instance {
        let adj = vec![vec![1], vec![0, 2], vec![1, 3], vec![2]];
        let labels = ["a", "b", "c", "d"].map(String::from).to_vec();
        Instance::from_parts(adj, ndarray::Array2::zeros((4, 1)), vec![1.0; 4], None, labels)
    }

    #[test]
    fn validation_collects_every_problem() {
        let cons = Constraints {
            k: 0,
            min_pop: Some(10.0),
            max_pop: Some(5.0),
            min_units: Some(3),
            max_units: Some(2),
            must_link: vec![vec![0, 2], vec![1, 9]],
            cannot_link: vec![(3, 3)],
            centres: vec![1, 1],
        };
        let e = cons.validate(&path4()).unwrap_err();
        assert_eq!(
            e.reason,
            vec![
                ConstraintProblem::NoZones,
                ConstraintProblem::OutOfRange { unit: 9, n: 4 },
                ConstraintProblem::ApartFromItself { unit: 3 },
                ConstraintProblem::CentreTwice { unit: 1 },
                ConstraintProblem::MinPopAboveMax { min: 10.0, max: 5.0 },
                ConstraintProblem::MinUnitsAboveMax { min: 3, max: 2 },
                ConstraintProblem::GroupNotContiguous { group: vec![0, 2] },
            ]
        );
        assert_eq!(
            e.to_string(),
            "7 problems\n  k must be at least 1\n  unit index 9 out of range (n = 4)\n  d cannot be kept apart from itself\n  b is listed twice as a fixed centre\n  min population 10 exceeds max population 5\n  min municipalities 3 exceeds max municipalities 2\n  the group {a, c} that must stay together is not contiguous by itself (keep-together groups move as one piece)"
        );
    }

    #[test]
    fn one_problem_reads_as_before() {
        let e = Constraints { k: 0, ..Default::default() }.validate(&path4()).unwrap_err();
        assert_eq!(e.to_string(), "k must be at least 1");
        assert!(Constraints { k: 2, must_link: vec![vec![1, 2]], ..Default::default() }.validate(&path4()).is_ok());
    }

    #[test]
    fn blocks_merge_overlapping_groups_in_order_of_lowest_member() {
        let cons = Constraints { must_link: vec![vec![5, 6], vec![3, 1], vec![1, 4], vec![6, 7]], ..Default::default() };
        assert_eq!(cons.blocks(8), vec![vec![1, 3, 4], vec![5, 6, 7]]);
        assert!(Constraints::default().blocks(3).is_empty());
    }
}
