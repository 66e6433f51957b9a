//! What to do with the pieces of a graph that is not connected (islands, exclaves): the
//! policy is explicit, as spopt's `modify_components` makes it. Today's choices: keep every
//! municipality (the solvers then see each piece and prove what it cannot give), or keep the
//! largest piece and drop the rest, saying which were dropped.

use super::AdjacencyGraph;
use crate::territory::MunicipalityId;

/// How the pieces of a disconnected area are treated before solving.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IslandPolicy {
    /// Keep every municipality; the solvers see each piece as it is.
    #[default]
    KeepAll,
    /// Keep only the largest connected piece (ties: the one with the lowest member) and drop
    /// the others.
    LargestComponent,
}

/// The municipalities a policy keeps and those it drops, each ascending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Islands {
    /// Kept, ascending.
    pub kept: Vec<MunicipalityId>,
    /// Dropped, in order of their piece (largest first), ascending within it.
    pub dropped: Vec<MunicipalityId>,
}

impl Islands {
    /// True when nothing was dropped.
    pub fn keeps_all(&self) -> bool {
        self.dropped.is_empty()
    }
}

impl IslandPolicy {
    /// Applies the policy to `g`.
    ///
    /// # Complexity
    /// O(n + m) for n municipalities and m edges (one union-find pass).
    pub fn apply(self, g: &AdjacencyGraph) -> Islands {
        match self {
            IslandPolicy::KeepAll => Islands { kept: (0..g.node_count() as u32).map(MunicipalityId).collect(), dropped: Vec::new() },
            IslandPolicy::LargestComponent => {
                let mut comps = g.components().into_iter();
                let kept = comps.next().unwrap_or_default();
                Islands { kept, dropped: comps.flatten().collect() }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Contiguity;

    /// Two pieces of 3 and 2, and a lone 5:
    /// ```text
    /// 0 — 1 — 2     3 — 4     5
    /// ```
    #[test]
    fn the_largest_piece_stays_and_the_rest_is_named() {
        let g = AdjacencyGraph::from_edges(6, &[(0, 1, None), (1, 2, None), (3, 4, None)], Contiguity::Queen);
        let ids = |v: &[u32]| v.iter().map(|&i| MunicipalityId(i)).collect::<Vec<_>>();
        let largest = IslandPolicy::LargestComponent.apply(&g);
        assert_eq!(largest.kept, ids(&[0, 1, 2]));
        assert_eq!(largest.dropped, ids(&[3, 4, 5]));
        assert!(!largest.keeps_all());
        let all = IslandPolicy::default().apply(&g);
        assert_eq!(all.kept, ids(&[0, 1, 2, 3, 4, 5]));
        assert!(all.keeps_all());
    }
}
