//! Constructive starts.
//!
//! - [`ward`]: full-order Ward agglomeration under contiguity (REDCAP/SCHC, Guo 2008): start
//!   from single atoms and repeatedly merge the two *adjacent* clusters whose union raises SSD
//!   the least, `nₐn_b/(nₐ+n_b)·‖μₐ−μ_b‖²`, plus the penalty for breaking upper bounds or
//!   keep-apart pairs. Optional multiplicative noise gives diverse starts from one seed.
//! - [`skater`]: SKATER (Assunção et al. 2006): a minimum spanning tree over feature
//!   distances, cut k−1 times, each time at the edge whose removal lowers SSD the most.

use std::cmp::Ordering;
use std::collections::{BTreeSet, BinaryHeap};

use rand::Rng;
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::partition::tree::{prim_forest, TotalF64};
use crate::partition::ZoneTally;

use super::state::Ctx;

/// A merge candidate in the heap: lowest cost first, then lowest ids.
#[derive(Debug, PartialEq)]
struct Candidate {
    cost: f64,
    a: usize,
    b: usize,
    va: u32,
    vb: u32,
}

impl Eq for Candidate {}

impl Ord for Candidate {
    fn cmp(&self, o: &Self) -> Ordering {
        // Reversed: BinaryHeap is a max-heap.
        o.cost.total_cmp(&self.cost).then(o.a.cmp(&self.a)).then(o.b.cmp(&self.b))
    }
}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

struct Cluster {
    zone: ZoneTally,
    atoms: Vec<usize>,
    adj: BTreeSet<usize>,
    version: u32,
}

fn merge_cost(ctx: &Ctx, x: &Cluster, y: &Cluster) -> f64 {
    let (nx, ny) = (x.zone.count as f64, y.zone.count as f64);
    let d2: f64 = x
        .zone
        .sum
        .iter()
        .zip(&y.zone.sum)
        .map(|(a, b)| {
            let d = a / nx - b / ny;
            d * d
        })
        .sum();
    let ward = nx * ny / (nx + ny) * d2;
    let mut merged = x.zone.clone();
    merged.absorb(&y.zone);
    merged.apart += ctx.atoms.pieces.apart_between(&x.atoms, &y.atoms);
    // Only upper bounds and keep-apart pairs: lower bounds are what merging works towards.
    let over = |z: &ZoneTally| {
        let c = ctx.cons;
        z.apart as f64
            + c.max_pop.map_or(0.0, |hi| (z.pop - hi).max(0.0) / ctx.mean_pop)
            + c.max_units.map_or(0.0, |hi| z.count.saturating_sub(hi) as f64)
    };
    ward + ctx.lambda * (over(&merged) - over(&x.zone) - over(&y.zone))
}

/// Ward agglomeration to `k` clusters; returns a zone label per atom.
/// `noise` > 0 multiplies each merge cost by `1 + noise·U(0,1)`.
pub(crate) fn ward(ctx: &Ctx, k: usize, noise: f64, rng: &mut Xoshiro256PlusPlus) -> Vec<usize> {
    let atoms = &ctx.atoms;
    let m = atoms.len();
    let mut clusters: Vec<Option<Cluster>> = (0..m)
        .map(|a| Some(Cluster { zone: ctx.zone_of_atoms(&[a]), atoms: vec![a], adj: atoms.adj[a].iter().copied().collect(), version: 0 }))
        .collect();
    let mut heap = BinaryHeap::new();
    let push = |heap: &mut BinaryHeap<Candidate>, clusters: &[Option<Cluster>], a: usize, b: usize, rng: &mut Xoshiro256PlusPlus| {
        let (x, y) = (clusters[a].as_ref().unwrap(), clusters[b].as_ref().unwrap());
        let mut cost = merge_cost(ctx, x, y);
        if noise > 0.0 {
            cost *= 1.0 + noise * rng.gen::<f64>();
        }
        heap.push(Candidate { cost, a, b, va: x.version, vb: y.version });
    };
    for a in 0..m {
        for &b in &atoms.adj[a] {
            if a < b {
                push(&mut heap, &clusters, a, b, rng);
            }
        }
    }
    let mut alive = m;
    while alive > k {
        let Some(c) = heap.pop() else { break };
        let fresh = matches!((&clusters[c.a], &clusters[c.b]), (Some(x), Some(y)) if x.version == c.va && y.version == c.vb);
        if !fresh {
            continue;
        }
        let y = clusters[c.b].take().expect("fresh candidate");
        let x = clusters[c.a].as_mut().expect("fresh candidate");
        x.zone.absorb(&y.zone);
        x.zone.apart += atoms.pieces.apart_between(&x.atoms, &y.atoms);
        x.atoms.extend(y.atoms);
        x.adj.extend(y.adj);
        x.adj.remove(&c.a);
        x.adj.remove(&c.b);
        x.version += 1;
        let neighbours: Vec<usize> = x.adj.iter().copied().collect();
        for &nb in &neighbours {
            let other = clusters[nb].as_mut().expect("neighbour alive");
            other.adj.remove(&c.b);
            other.adj.insert(c.a);
        }
        alive -= 1;
        for nb in neighbours {
            let (a, b) = (c.a.min(nb), c.a.max(nb));
            push(&mut heap, &clusters, a, b, rng);
        }
    }
    let mut labels = vec![0; m];
    for (z, c) in clusters.iter().flatten().enumerate() {
        for &a in &c.atoms {
            labels[a] = z;
        }
    }
    labels
}

/// Squared distance between two atoms' mean feature vectors.
fn atom_distance(ctx: &Ctx, a: usize, b: usize) -> f64 {
    let at = &ctx.atoms.pieces;
    let (na, nb) = (at.count[a] as f64, at.count[b] as f64);
    at.sum.row(a).iter().zip(at.sum.row(b)).map(|(x, y)| (x / na - y / nb).powi(2)).sum()
}

/// Minimum spanning forest of `atoms` in the atom graph over feature distances (Prim from
/// each atom in turn not yet reached), as adjacency in the order edges joined. `jitter`
/// scales each distance by `0.5 + U(0,1)`, drawn as Prim first sees the edge.
pub(crate) fn spanning_forest(ctx: &Ctx, atoms: &[usize], jitter: Option<&mut Xoshiro256PlusPlus>) -> Vec<Vec<usize>> {
    let m = ctx.atoms.len();
    let mut inside = vec![false; m];
    for &a in atoms {
        inside[a] = true;
    }
    let mut jitter = jitter;
    let forest = prim_forest(
        &ctx.atoms.adj,
        |v| inside[v],
        atoms.iter().copied(),
        |u, v| {
            let mut cost = atom_distance(ctx, u, v);
            if let Some(r) = jitter.as_deref_mut() {
                cost *= 0.5 + r.gen::<f64>();
            }
            TotalF64(cost)
        },
    );
    let mut tree = vec![Vec::new(); m];
    for &v in &forest.order {
        let u = forest.parent[v];
        if u != usize::MAX {
            tree[u].push(v);
            tree[v].push(u);
        }
    }
    tree
}

/// A subtree's tally and its number of atoms.
pub(crate) struct Subtree {
    pub tally: ZoneTally,
    pub atoms: usize,
}

/// The tally of every subtree of a rooted tree, by atom (`None` off the tree). `order` lists
/// each atom before its descendants; an atom's tally is its own, then its `children`'s
/// absorbed in the order listed (SKATER and merge-and-split differ only in that order).
pub(crate) fn subtree_tallies(ctx: &Ctx, order: &[usize], children: impl Fn(usize) -> Vec<usize>) -> Vec<Option<Subtree>> {
    let mut sub: Vec<Option<Subtree>> = (0..ctx.atoms.len()).map(|_| None).collect();
    for &u in order.iter().rev() {
        let mut s = Subtree { tally: ctx.zone_of_atoms(&[u]), atoms: 1 };
        for c in children(u) {
            let child = sub[c].as_ref().expect("child done first");
            s.tally.absorb(&child.tally);
            s.atoms += child.atoms;
        }
        sub[u] = Some(s);
    }
    sub
}

/// The tree containing `root` in `tree`, as (order from root, parent of each visited atom).
pub(crate) fn root_tree(tree: &[Vec<usize>], root: usize, parent: &mut [usize]) -> Vec<usize> {
    let mut order = vec![root];
    parent[root] = usize::MAX;
    let mut i = 0;
    while i < order.len() {
        let u = order[i];
        i += 1;
        for &v in &tree[u] {
            if v != parent[u] {
                parent[v] = u;
                order.push(v);
            }
        }
    }
    order
}

/// SKATER: cut the minimum spanning forest into `k` trees; returns a zone label per atom.
pub(crate) fn skater(ctx: &Ctx, k: usize) -> Vec<usize> {
    let m = ctx.atoms.len();
    let all: Vec<usize> = (0..m).collect();
    let mut tree = spanning_forest(ctx, &all, None);
    let mut parent = vec![usize::MAX; m];
    loop {
        // Current trees.
        let mut seen = vec![false; m];
        let mut trees = Vec::new();
        for r in 0..m {
            if !seen[r] {
                let order = root_tree(&tree, r, &mut parent);
                for &u in &order {
                    seen[u] = true;
                }
                trees.push(order);
            }
        }
        if trees.len() >= k {
            let mut labels = vec![0; m];
            for (z, t) in trees.iter().enumerate() {
                for &a in t {
                    labels[a] = z;
                }
            }
            return labels;
        }
        // Best edge to cut over all trees: largest drop in penalised score.
        let mut best: Option<(f64, usize, usize)> = None;
        for order in &trees {
            for &u in order {
                parent[u] = usize::MAX;
            }
            let order = root_tree(&tree, order[0], &mut parent);
            let whole = ctx.zone_of_atoms(&order);
            let whole_score = whole.ssd() + ctx.lambda * ctx.violation(&whole);
            let children = |u: usize| tree[u].iter().copied().filter(|&v| v != parent[u]).collect();
            let sub = subtree_tallies(ctx, &order, children);
            for &u in order.iter().skip(1) {
                let side = &sub[u].as_ref().expect("in the tree").tally;
                // `rest` keeps the whole tree's keep-apart count: pairs across the cut are
                // not recounted here.
                let rest = ZoneTally { apart: whole.apart, ..whole.without(side) };
                let split = side.ssd() + rest.ssd() + ctx.lambda * (ctx.violation(side) + ctx.violation(&rest));
                let gain = whole_score - split;
                if best.is_none_or(|(g, _, _)| gain > g) {
                    best = Some((gain, parent[u], u));
                }
            }
        }
        let Some((_, p, c)) = best else {
            // Only single-atom trees are left but fewer than k: cannot happen when k ≤ atoms.
            let mut labels = vec![0; m];
            for (z, t) in trees.iter().enumerate() {
                for &a in t {
                    labels[a] = z;
                }
            }
            return labels;
        };
        tree[p].retain(|&x| x != c);
        tree[c].retain(|&x| x != p);
    }
}
