//! The adjacency graph: who borders whom, with the shared border length on each edge.
//!
//! Node `i` of the petgraph graph is `MunicipalityId(i)`. Built from polygons
//! ([`contacts`]: queen = the polygons share at least a point, rook = they share a boundary
//! stretch of positive length, the convention of GerryChain's `adjacency.py`) or from the
//! edges an instance lists. Reports connected components and isolated units truthfully; what
//! to do with islands is an explicit [`IslandPolicy`]. Must not read files.

mod contacts;
mod islands;

use petgraph::graph::{NodeIndex, UnGraph};
use petgraph::unionfind::UnionFind;
use thiserror::Error;

use crate::territory::{MunicipalityId, Shapes, Territory};

pub use contacts::{contacts, contacts_in, Contact};
pub use islands::{IslandPolicy, Islands};

/// Which touching counts as adjacency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Contiguity {
    /// Polygons that share at least one point (a corner is enough).
    #[default]
    Queen,
    /// Polygons that share a stretch of border of positive length.
    Rook,
}

/// Errors building a graph.
#[derive(Debug, Error, PartialEq)]
pub enum GraphError {
    /// Rook contiguity needs border lengths, which this instance's edges do not carry.
    #[error("{area}: rook contiguity needs shared border lengths, but edges.csv has no `border_m` value for {a}–{b}")]
    RookNeedsLengths {
        /// The territory's source path.
        area: String,
        /// ISTAT code of one end of the first edge without a length.
        a: String,
        /// ISTAT code of the other end.
        b: String,
    },
}

/// The adjacency graph of a territory.
#[derive(Debug, Clone)]
pub struct AdjacencyGraph {
    graph: UnGraph<(), Option<f64>>,
    contiguity: Contiguity,
}

impl AdjacencyGraph {
    /// Builds the graph of `territory` under `contiguity`: from its polygons when it has them,
    /// else from its listed edges.
    ///
    /// # Errors
    /// [`GraphError::RookNeedsLengths`] for rook contiguity on edges without lengths.
    ///
    /// # Complexity
    /// From polygons: O(s log s) for s boundary segments (an R-tree join), then O(1) per
    /// touching segment pair.
    pub fn build(territory: &Territory, contiguity: Contiguity) -> Result<Self, GraphError> {
        let n = territory.len();
        let edges: Vec<(u32, u32, Option<f64>)> = match &territory.shapes {
            Shapes::Polygons(polygons) => contacts_in(polygons, territory.projection().unwrap_or(crate::territory::Projection::UTM32N))
                .into_iter()
                .filter(|c| contiguity == Contiguity::Queen || c.border_m > 0.0)
                .map(|c| (c.a, c.b, Some(c.border_m)))
                .collect(),
            Shapes::Edges(given) => {
                let mut kept = Vec::with_capacity(given.len());
                for e in given {
                    if contiguity == Contiguity::Rook {
                        match e.border_m {
                            None => {
                                return Err(GraphError::RookNeedsLengths {
                                    area: territory.source.clone(),
                                    a: territory.unit(e.a).istat.clone(),
                                    b: territory.unit(e.b).istat.clone(),
                                })
                            }
                            Some(len) if len <= 0.0 => continue,
                            Some(_) => {}
                        }
                    }
                    kept.push((e.a.0, e.b.0, e.border_m));
                }
                kept
            }
        };
        Ok(Self::from_edges(n, &edges, contiguity))
    }

    /// A graph on `n` units from `(a, b, border length in metres)` triples (a ≠ b, each pair once).
    pub fn from_edges(n: usize, edges: &[(u32, u32, Option<f64>)], contiguity: Contiguity) -> Self {
        let mut graph = UnGraph::with_capacity(n, edges.len());
        for _ in 0..n {
            graph.add_node(());
        }
        for &(a, b, len) in edges {
            graph.add_edge(NodeIndex::new(a as usize), NodeIndex::new(b as usize), len);
        }
        AdjacencyGraph { graph, contiguity }
    }

    /// The underlying petgraph graph (node index = municipality index, weight = border metres).
    pub fn petgraph(&self) -> &UnGraph<(), Option<f64>> {
        &self.graph
    }

    /// The contiguity rule the graph was built with.
    pub fn contiguity(&self) -> Contiguity {
        self.contiguity
    }

    /// Number of municipalities.
    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    /// Number of adjacent pairs.
    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// Edges as `(a, b, border length in metres)` with `a < b`, sorted.
    pub fn edges(&self) -> Vec<(MunicipalityId, MunicipalityId, Option<f64>)> {
        let mut out: Vec<_> = self
            .graph
            .edge_indices()
            .map(|e| {
                let (x, y) = self.graph.edge_endpoints(e).expect("edge index from this graph");
                let (x, y) = (x.index() as u32, y.index() as u32);
                (MunicipalityId(x.min(y)), MunicipalityId(x.max(y)), self.graph[e])
            })
            .collect();
        out.sort_by_key(|&(a, b, _)| (a, b));
        out
    }

    /// Neighbours of a municipality, ascending.
    pub fn neighbors(&self, id: MunicipalityId) -> Vec<MunicipalityId> {
        let mut out: Vec<_> = self.graph.neighbors(NodeIndex::new(id.index())).map(|n| MunicipalityId(n.index() as u32)).collect();
        out.sort();
        out
    }

    /// Number of neighbours of a municipality.
    pub fn degree(&self, id: MunicipalityId) -> usize {
        self.graph.neighbors(NodeIndex::new(id.index())).count()
    }

    /// Mean number of neighbours (2·edges / units); 0 for an empty graph.
    pub fn mean_degree(&self) -> f64 {
        match self.node_count() {
            0 => 0.0,
            n => 2.0 * self.edge_count() as f64 / n as f64,
        }
    }

    /// Connected components, each sorted ascending; largest first, ties by lowest member.
    pub fn components(&self) -> Vec<Vec<MunicipalityId>> {
        let n = self.node_count();
        let mut uf = UnionFind::<usize>::new(n);
        for e in self.graph.edge_indices() {
            let (a, b) = self.graph.edge_endpoints(e).expect("edge index from this graph");
            uf.union(a.index(), b.index());
        }
        let mut by_root: std::collections::BTreeMap<usize, Vec<MunicipalityId>> = Default::default();
        for i in 0..n {
            by_root.entry(uf.find(i)).or_default().push(MunicipalityId(i as u32));
        }
        let mut comps: Vec<_> = by_root.into_values().collect();
        comps.sort_by(|x, y| y.len().cmp(&x.len()).then(x[0].cmp(&y[0])));
        comps
    }

    /// Municipalities with no neighbour at all (exclaves, islands), ascending.
    pub fn isolated(&self) -> Vec<MunicipalityId> {
        (0..self.node_count() as u32).map(MunicipalityId).filter(|&i| self.degree(i) == 0).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Path 0–1–2 and a lone 3:
    /// ```text
    /// 0 — 1 — 2     3
    /// ```
    #[test]
    fn components_and_isolated_on_a_path_and_a_lone_node() {
        let g = AdjacencyGraph::from_edges(4, &[(0, 1, None), (1, 2, None)], Contiguity::Queen);
        let ids = |v: &[u32]| v.iter().map(|&i| MunicipalityId(i)).collect::<Vec<_>>();
        assert_eq!(g.components(), vec![ids(&[0, 1, 2]), ids(&[3])]);
        assert_eq!(g.isolated(), ids(&[3]));
        assert_eq!(g.neighbors(MunicipalityId(1)), ids(&[0, 2]));
        assert!((g.mean_degree() - 1.0).abs() < 1e-12);
    }
}
