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

use super::state::{Ctx, Zone};

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
    zone: Zone,
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
    for (s, v) in merged.sum.iter_mut().zip(&y.zone.sum) {
        *s += v;
    }
    merged.sumsq += y.zone.sumsq;
    merged.count += y.zone.count;
    merged.pop += y.zone.pop;
    merged.apart +=
        y.zone.apart + x.atoms.iter().map(|&a| ctx.atoms.apart[a].iter().filter(|b| y.atoms.contains(b)).count()).sum::<usize>();
    // Only upper bounds and keep-apart pairs: lower bounds are what merging works towards.
    let over = |z: &Zone| {
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
        let cross: usize = x.atoms.iter().map(|&a| atoms.apart[a].iter().filter(|b| y.atoms.contains(b)).count()).sum();
        for (s, v) in x.zone.sum.iter_mut().zip(&y.zone.sum) {
            *s += v;
        }
        x.zone.sumsq += y.zone.sumsq;
        x.zone.count += y.zone.count;
        x.zone.pop += y.zone.pop;
        x.zone.apart += y.zone.apart + cross;
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
    let at = &ctx.atoms;
    let (na, nb) = (at.count[a] as f64, at.count[b] as f64);
    at.sum.row(a).iter().zip(at.sum.row(b)).map(|(x, y)| (x / na - y / nb).powi(2)).sum()
}

/// Minimum spanning forest of the atom graph (Prim from every unvisited atom), as adjacency.
pub(crate) fn spanning_forest(ctx: &Ctx, atoms: &[usize], jitter: Option<&mut Xoshiro256PlusPlus>) -> Vec<Vec<usize>> {
    let m = ctx.atoms.len();
    let mut inside = vec![false; m];
    for &a in atoms {
        inside[a] = true;
    }
    let mut tree = vec![Vec::new(); m];
    let mut done = vec![false; m];
    let mut jitter = jitter;
    for &root in atoms {
        if done[root] {
            continue;
        }
        done[root] = true;
        let mut heap = BinaryHeap::new();
        let push_edges = |heap: &mut BinaryHeap<Candidate>, u: usize, done: &[bool], jitter: &mut Option<&mut Xoshiro256PlusPlus>| {
            for &v in &ctx.atoms.adj[u] {
                if inside[v] && !done[v] {
                    let mut cost = atom_distance(ctx, u, v);
                    if let Some(r) = jitter.as_deref_mut() {
                        cost *= 0.5 + r.gen::<f64>();
                    }
                    heap.push(Candidate { cost, a: u, b: v, va: 0, vb: 0 });
                }
            }
        };
        push_edges(&mut heap, root, &done, &mut jitter);
        while let Some(c) = heap.pop() {
            if done[c.b] {
                continue;
            }
            done[c.b] = true;
            tree[c.a].push(c.b);
            tree[c.b].push(c.a);
            push_edges(&mut heap, c.b, &done, &mut jitter);
        }
    }
    tree
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
            let mut sub: Vec<Option<Zone>> = vec![None; m];
            for &u in order.iter().rev() {
                let mut z = ctx.zone_of_atoms(&[u]);
                for &v in &tree[u] {
                    if v != parent[u] {
                        let c = sub[v].as_ref().expect("child done first");
                        for (s, x) in z.sum.iter_mut().zip(&c.sum) {
                            *s += x;
                        }
                        z.sumsq += c.sumsq;
                        z.count += c.count;
                        z.pop += c.pop;
                    }
                }
                sub[u] = Some(z);
            }
            for &u in order.iter().skip(1) {
                let side = sub[u].as_ref().unwrap();
                let mut rest = whole.clone();
                for (s, x) in rest.sum.iter_mut().zip(&side.sum) {
                    *s -= x;
                }
                rest.sumsq -= side.sumsq;
                rest.count -= side.count;
                rest.pop -= side.pop;
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
