//! A partition of municipalities into zones: zone of each unit and members of each zone,
//! updated together (GerryChain's `Assignment`). Moves and contiguity checks live here;
//! scoring does not (see [`crate::objective`]). [`tally`] keeps zone tallies beside the
//! partition for local search; [`tree`] grows the spanning trees that SKATER, merge-and-split
//! and recombination cut.

pub mod tally;
pub mod tree;

use std::collections::VecDeque;

pub use tally::{Pieces, Tallied, ZoneTally};

/// Neighbour lists, index = municipality index, each sorted ascending.
pub type Adjacency = [Vec<usize>];

/// Zones `0..k`, every unit in exactly one zone.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Partition {
    zone_of: Vec<usize>,
    members: Vec<Vec<usize>>,
}

impl Partition {
    /// A partition from one zone label per unit; labels are renumbered `0..k` in order of each
    /// zone's lowest unit, so equal partitions compare equal whatever their labels.
    pub fn from_labels(labels: &[usize]) -> Self {
        let mut map = vec![usize::MAX; labels.iter().copied().max().map_or(0, |m| m + 1)];
        let mut members: Vec<Vec<usize>> = Vec::new();
        let mut zone_of = Vec::with_capacity(labels.len());
        for (u, &l) in labels.iter().enumerate() {
            if map[l] == usize::MAX {
                map[l] = members.len();
                members.push(Vec::new());
            }
            zone_of.push(map[l]);
            members[map[l]].push(u);
        }
        Partition { zone_of, members }
    }

    /// Number of zones.
    pub fn k(&self) -> usize {
        self.members.len()
    }

    /// Number of units.
    pub fn n(&self) -> usize {
        self.zone_of.len()
    }

    /// The zone of a unit.
    pub fn zone_of(&self, unit: usize) -> usize {
        self.zone_of[unit]
    }

    /// Zone label of every unit.
    pub fn labels(&self) -> &[usize] {
        &self.zone_of
    }

    /// Members of a zone (ascending only right after construction; moves append).
    pub fn members(&self, zone: usize) -> &[usize] {
        &self.members[zone]
    }

    /// All zones' member lists.
    pub fn zones(&self) -> &[Vec<usize>] {
        &self.members
    }

    /// Moves `unit` to zone `to`. The caller keeps zones non-empty when that matters.
    pub fn move_unit(&mut self, unit: usize, to: usize) {
        let from = self.zone_of[unit];
        if from == to {
            return;
        }
        let pos = self.members[from].iter().position(|&u| u == unit).expect("unit in its zone");
        self.members[from].swap_remove(pos);
        self.members[to].push(unit);
        self.zone_of[unit] = to;
    }

    /// The same partition with zones renumbered by lowest member and members sorted.
    pub fn canonical(&self) -> Partition {
        Partition::from_labels(&self.zone_of)
    }

    /// True when every zone induces a connected subgraph.
    pub fn is_contiguous(&self, adj: &Adjacency) -> bool {
        (0..self.k()).all(|z| self.is_zone_connected(adj, z))
    }

    /// True when zone `z` is non-empty and connected.
    pub fn is_zone_connected(&self, adj: &Adjacency, z: usize) -> bool {
        let m = &self.members[z];
        match m.first() {
            None => false,
            Some(&start) => self.reach(adj, z, start, usize::MAX) == m.len(),
        }
    }

    /// Pieces of zone `z`: its connected components, each sorted, in order of lowest member.
    pub fn zone_pieces(&self, adj: &Adjacency, z: usize) -> Vec<Vec<usize>> {
        let mut seen = vec![false; self.n()];
        let mut sorted = self.members[z].clone();
        sorted.sort_unstable();
        let mut pieces = Vec::new();
        for &s in &sorted {
            if seen[s] {
                continue;
            }
            let mut piece = vec![s];
            seen[s] = true;
            let mut i = 0;
            while i < piece.len() {
                let u = piece[i];
                i += 1;
                for &v in &adj[u] {
                    if !seen[v] && self.zone_of[v] == z {
                        seen[v] = true;
                        piece.push(v);
                    }
                }
            }
            piece.sort_unstable();
            pieces.push(piece);
        }
        pieces
    }

    /// True when `unit` can leave its zone without disconnecting or emptying it: its
    /// neighbours in the zone stay mutually reachable without it (GerryChain's
    /// `single_flip_contiguous`).
    pub fn can_leave(&self, adj: &Adjacency, unit: usize) -> bool {
        let z = self.zone_of[unit];
        let size = self.members[z].len();
        if size <= 1 {
            return false;
        }
        let mut inside = adj[unit].iter().copied().filter(|&v| self.zone_of[v] == z);
        let Some(first) = inside.next() else { return false };
        if inside.next().is_none() {
            return true; // a leaf of the zone
        }
        self.reach(adj, z, first, unit) == size - 1
    }

    /// Number of units of zone `z` reachable from `start` inside the zone, avoiding `skip`.
    fn reach(&self, adj: &Adjacency, z: usize, start: usize, skip: usize) -> usize {
        let mut seen = vec![false; self.n()];
        seen[start] = true;
        if skip < self.n() {
            seen[skip] = true;
        }
        let mut queue = VecDeque::from([start]);
        let mut count = 1;
        while let Some(u) = queue.pop_front() {
            for &v in &adj[u] {
                if !seen[v] && self.zone_of[v] == z {
                    seen[v] = true;
                    count += 1;
                    queue.push_back(v);
                }
            }
        }
        count
    }

    /// Zones adjacent to `unit` other than its own, ascending, without repeats.
    pub fn neighbour_zones(&self, adj: &Adjacency, unit: usize) -> Vec<usize> {
        let own = self.zone_of[unit];
        let mut z: Vec<usize> = adj[unit].iter().map(|&v| self.zone_of[v]).filter(|&x| x != own).collect();
        z.sort_unstable();
        z.dedup();
        z
    }
}

/// Neighbour lists of a `rows` × `cols` grid of units numbered row by row (rook moves, each list
/// ascending): the small graph the tests of several modules search on.
#[cfg(test)]
pub(crate) fn grid_adjacency(rows: usize, cols: usize) -> Vec<Vec<usize>> {
    (0..rows * cols)
        .map(|i| {
            let (r, c) = (i / cols, i % cols);
            let mut v = Vec::new();
            if r > 0 {
                v.push(i - cols);
            }
            if c > 0 {
                v.push(i - 1);
            }
            if c + 1 < cols {
                v.push(i + 1);
            }
            if r + 1 < rows {
                v.push(i + cols);
            }
            v
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ```text
    /// 0 — 1 — 2
    /// |   |   |
    /// 3 — 4 — 5
    /// ```
    fn grid() -> Vec<Vec<usize>> {
        vec![vec![1, 3], vec![0, 2, 4], vec![1, 5], vec![0, 4], vec![1, 3, 5], vec![2, 4]]
    }

    #[test]
    fn labels_are_canonical_and_moves_keep_both_views() {
        let p = Partition::from_labels(&[7, 7, 3, 7, 3, 3]);
        assert_eq!(p.labels(), &[0, 0, 1, 0, 1, 1]);
        assert_eq!(p, Partition::from_labels(&[0, 0, 5, 0, 5, 5]));
        let mut q = p.clone();
        q.move_unit(1, 1);
        assert_eq!(q.zone_of(1), 1);
        assert!(q.members(1).contains(&1) && !q.members(0).contains(&1));
    }

    #[test]
    fn contiguity_and_can_leave() {
        let adj = grid();
        let p = Partition::from_labels(&[0, 0, 1, 0, 1, 1]);
        assert!(p.is_contiguous(&adj));
        // 1 bridges nothing in zone {0, 1, 3}: 0 and 3 stay joined.
        assert!(p.can_leave(&adj, 1));
        // Zone {0, 2} is two pieces.
        let q = Partition::from_labels(&[0, 1, 0, 1, 1, 1]);
        assert!(!q.is_contiguous(&adj));
        assert_eq!(q.zone_pieces(&adj, 0), vec![vec![0], vec![2]]);
        // In zone {1, 3, 4, 5}, 4 is the hub: without it nothing is joined; 5 is a leaf.
        assert!(!q.can_leave(&adj, 4));
        assert!(q.can_leave(&adj, 5));
        assert_eq!(q.neighbour_zones(&adj, 1), vec![0]);
    }

    /// Components of `nodes` in `adj`, by plain BFS: the oracle for the checks above.
    fn bfs_components(adj: &Adjacency, nodes: &[usize]) -> Vec<Vec<usize>> {
        let mut left: std::collections::BTreeSet<usize> = nodes.iter().copied().collect();
        let mut out = Vec::new();
        while let Some(&s) = left.iter().next() {
            left.remove(&s);
            let mut comp = vec![s];
            let mut i = 0;
            while i < comp.len() {
                for &v in &adj[comp[i]] {
                    if left.remove(&v) {
                        comp.push(v);
                    }
                }
                i += 1;
            }
            comp.sort_unstable();
            out.push(comp);
        }
        out
    }

    proptest::proptest! {
        /// `can_leave`, `is_zone_connected`, `zone_pieces` and `neighbour_zones` (what the
        /// search asks before every move) agree with a BFS on random graphs and partitions.
        #[test]
        fn contiguity_checks_equal_bfs(
            n in 2usize..13,
            edges in proptest::collection::vec((0usize..13, 0usize..13), 0..30),
            labels in proptest::collection::vec(0usize..3, 13),
        ) {
            let mut adj = vec![Vec::new(); n];
            for (a, b) in edges {
                let (a, b) = (a % n, b % n);
                if a != b && !adj[a].contains(&b) {
                    adj[a].push(b);
                    adj[b].push(a);
                }
            }
            for l in &mut adj {
                l.sort_unstable();
            }
            let p = Partition::from_labels(&labels[..n]);
            for z in 0..p.k() {
                let members = p.members(z);
                let comps = bfs_components(&adj, members);
                proptest::prop_assert_eq!(p.is_zone_connected(&adj, z), comps.len() == 1);
                proptest::prop_assert_eq!(p.zone_pieces(&adj, z), comps.clone());
                for &u in members {
                    let rest: Vec<usize> = members.iter().copied().filter(|&v| v != u).collect();
                    let rest_joined = !rest.is_empty() && bfs_components(&adj, &rest).len() == 1;
                    // The search only holds connected zones: there leaving is safe exactly
                    // when the rest stays joined.
                    if comps.len() == 1 {
                        proptest::prop_assert_eq!(p.can_leave(&adj, u), rest_joined, "unit {}", u);
                    }
                    let mut nz: Vec<usize> = adj[u].iter().map(|&v| p.zone_of(v)).filter(|&x| x != z).collect();
                    nz.sort_unstable();
                    nz.dedup();
                    proptest::prop_assert_eq!(p.neighbour_zones(&adj, u), nz);
                }
            }
        }
    }
}
