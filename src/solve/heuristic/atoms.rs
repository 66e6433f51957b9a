//! Atoms: the units the heuristics move. A must-link group (an existing union, connected by
//! itself) is one atom, every other municipality is its own. Moving atoms keeps groups whole,
//! and a set of connected atoms is connected exactly when its municipalities are.

use ndarray::Array2;

use crate::partition::Pieces;
use crate::solve::{Constraints, Instance};

/// The contracted instance.
#[derive(Debug, Clone)]
pub(crate) struct Atoms {
    /// Municipalities of each atom, ascending.
    pub units: Vec<Vec<usize>>,
    /// Atom of each municipality.
    pub of_unit: Vec<usize>,
    /// Atom adjacency, ascending.
    pub adj: Vec<Vec<usize>>,
    /// Each atom's sums, residents and keep-apart atoms: what zone tallies add up.
    pub pieces: Pieces,
}

impl Atoms {
    pub fn new(inst: &Instance, cons: &Constraints) -> Atoms {
        let n = inst.n();
        let mut of_unit = vec![usize::MAX; n];
        let mut units: Vec<Vec<usize>> = Vec::new();
        // Overlapping must-link groups merge into one atom.
        for g in &cons.must_link {
            let existing: Vec<usize> = {
                let mut e: Vec<usize> = g.iter().map(|&u| of_unit[u]).filter(|&a| a != usize::MAX).collect();
                e.sort_unstable();
                e.dedup();
                e
            };
            let target = match existing.first() {
                Some(&a) => a,
                None => {
                    units.push(Vec::new());
                    units.len() - 1
                }
            };
            for &a in existing.iter().skip(1) {
                let moved = std::mem::take(&mut units[a]);
                for &u in &moved {
                    of_unit[u] = target;
                }
                units[target].extend(moved);
            }
            for &u in g {
                if of_unit[u] == usize::MAX {
                    of_unit[u] = target;
                    units[target].push(u);
                }
            }
        }
        for (u, a) in of_unit.iter_mut().enumerate() {
            if *a == usize::MAX {
                *a = units.len();
                units.push(vec![u]);
            }
        }
        // Drop emptied atoms and order atoms by lowest member, for determinism.
        let mut order: Vec<Vec<usize>> = units.into_iter().filter(|m| !m.is_empty()).collect();
        for m in &mut order {
            m.sort_unstable();
        }
        order.sort_by_key(|m| m[0]);
        let units = order;
        for (a, m) in units.iter().enumerate() {
            for &u in m {
                of_unit[u] = a;
            }
        }
        let m = units.len();
        let p = inst.x.ncols();
        let mut adj = vec![Vec::new(); m];
        let mut sum = Array2::zeros((m, p));
        let mut sumsq = vec![0.0; m];
        let mut pop = vec![0.0; m];
        let mut count = vec![0; m];
        for (a, members) in units.iter().enumerate() {
            for &u in members {
                let row = inst.x.row(u);
                sum.row_mut(a).zip_mut_with(&row, |s, v| *s += v);
                sumsq[a] += row.dot(&row);
                pop[a] += inst.pop[u];
                count[a] += 1;
                adj[a].extend(inst.adj[u].iter().map(|&v| of_unit[v]).filter(|&b| b != a));
            }
            adj[a].sort_unstable();
            adj[a].dedup();
        }
        let mut apart = vec![Vec::new(); m];
        for &(x, y) in &cons.cannot_link {
            let (a, b) = (of_unit[x], of_unit[y]);
            apart[a].push(b);
            apart[b].push(a);
        }
        for l in &mut apart {
            l.sort_unstable();
        }
        Atoms { units, of_unit, adj, pieces: Pieces { sum, sumsq, count, pop, apart } }
    }

    pub fn len(&self) -> usize {
        self.units.len()
    }

    /// Unit labels from atom labels.
    pub fn expand(&self, atom_labels: &[usize]) -> Vec<usize> {
        self.of_unit.iter().map(|&a| atom_labels[a]).collect()
    }
}
