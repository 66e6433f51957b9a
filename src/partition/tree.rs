//! Prim's spanning forest of a region of a graph, with the edge weights drawn by the caller
//! when an edge is first seen — the one spanning-tree routine behind SKATER, merge-and-split
//! and the ensemble's recombination.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use super::Adjacency;

/// An `f64` ordered by [`f64::total_cmp`], so weights can sit in a heap.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TotalF64(pub f64);

impl Eq for TotalF64 {}

impl Ord for TotalF64 {
    fn cmp(&self, o: &Self) -> Ordering {
        self.0.total_cmp(&o.0)
    }
}

impl PartialOrd for TotalF64 {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

/// A spanning forest as it was grown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forest {
    /// Nodes in the order they joined: each tree's root, then its nodes as Prim reached them.
    pub order: Vec<usize>,
    /// Parent of each node (`usize::MAX` for roots and nodes outside the region).
    pub parent: Vec<usize>,
}

/// Minimum spanning forest of the nodes where `inside` holds, grown by Prim from each root of
/// `roots` not yet reached, in turn. `weight(u, v)` is called once per edge `u → v` to a node
/// not yet reached, in `adj[u]` order, when `u` joins — the order random weights are drawn in.
/// Ties go to the lowest `(u, v)`.
///
/// # Complexity
/// O(E log E) over the region's edges.
pub fn prim_forest<W: Ord>(
    adj: &Adjacency,
    inside: impl Fn(usize) -> bool,
    roots: impl IntoIterator<Item = usize>,
    mut weight: impl FnMut(usize, usize) -> W,
) -> Forest {
    let n = adj.len();
    let mut done = vec![false; n];
    let mut forest = Forest { order: Vec::new(), parent: vec![usize::MAX; n] };
    let mut heap = BinaryHeap::new();
    let mut reach = |u: usize, done: &[bool], heap: &mut BinaryHeap<Reverse<(W, usize, usize)>>| {
        for &v in &adj[u] {
            if inside(v) && !done[v] {
                heap.push(Reverse((weight(u, v), u, v)));
            }
        }
    };
    for root in roots {
        if done[root] {
            continue;
        }
        done[root] = true;
        forest.order.push(root);
        reach(root, &done, &mut heap);
        while let Some(Reverse((_, u, v))) = heap.pop() {
            if done[v] {
                continue;
            }
            done[v] = true;
            forest.parent[v] = u;
            forest.order.push(v);
            reach(v, &done, &mut heap);
        }
    }
    forest
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ```text
    /// 0 —1— 1 —5— 2
    /// |3    |2    |1
    /// 3 —4— 4 —1— 5
    /// ```
    #[test]
    fn minimum_tree_on_a_grid() {
        let adj = vec![vec![1, 3], vec![0, 2, 4], vec![1, 5], vec![0, 4], vec![1, 3, 5], vec![2, 4]];
        let w = |u: usize, v: usize| {
            let (a, b) = (u.min(v), u.max(v));
            TotalF64(match (a, b) {
                (0, 1) => 1.0,
                (1, 2) => 5.0,
                (0, 3) => 3.0,
                (1, 4) => 2.0,
                (2, 5) => 1.0,
                (3, 4) => 4.0,
                (4, 5) => 1.0,
                _ => unreachable!(),
            })
        };
        let f = prim_forest(&adj, |_| true, [0], w);
        assert_eq!(f.order, vec![0, 1, 4, 5, 2, 3]);
        assert_eq!(f.parent, vec![usize::MAX, 0, 5, 0, 1, 4]);
        // Outside nodes are skipped; a second root starts a second tree.
        let f = prim_forest(&adj, |u| u != 1 && u != 4, [0, 2], w);
        assert_eq!(f.order, vec![0, 3, 2, 5]);
        assert_eq!(f.parent, vec![usize::MAX, usize::MAX, usize::MAX, 0, usize::MAX, 2]);
    }
}
