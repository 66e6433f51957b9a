//! The exact count search of max-p: keep-together blocks contracted to nodes with bit-mask
//! neighbours, and a depth-first packing of disjoint connected sets that meet the minimums,
//! counted in steps.

use super::*;

/// The area as the count search sees it: each keep-together block contracted to one node,
/// nodes in order of their lowest municipality, neighbours as bit masks (at most 128 nodes).
pub(super) struct Nodes {
    pub(super) members: Vec<Vec<usize>>,
    pub(super) pop: Vec<f64>,
    pub(super) size: Vec<usize>,
    pub(super) adj: Vec<u128>,
}

pub(super) fn bits(mut m: u128) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        (m != 0).then(|| {
            let b = m.trailing_zeros() as usize;
            m &= m - 1;
            b
        })
    })
}

impl Nodes {
    /// `None` when the contracted area has more than 128 nodes.
    pub(super) fn new(inst: &Instance, cons: &Constraints) -> Option<Nodes> {
        let n = inst.n();
        let mut node_of = vec![usize::MAX; n];
        let mut members: Vec<Vec<usize>> = Vec::new();
        let blocks = cons.blocks(n);
        for u in 0..n {
            if node_of[u] != usize::MAX {
                continue;
            }
            let group = blocks.iter().find(|b| b.contains(&u)).cloned().unwrap_or_else(|| vec![u]);
            for &v in &group {
                node_of[v] = members.len();
            }
            members.push(group);
        }
        if members.len() > 128 {
            return None;
        }
        let mut adj = vec![0u128; members.len()];
        for u in 0..n {
            for &v in &inst.adj[u] {
                if node_of[u] != node_of[v] {
                    adj[node_of[u]] |= 1 << node_of[v];
                }
            }
        }
        let pop = members.iter().map(|m| m.iter().map(|&u| inst.pop[u]).sum()).collect();
        let size = members.iter().map(Vec::len).collect();
        Some(Nodes { members, pop, size, adj })
    }

    /// Connected pieces of `within`, each as a mask, in order of lowest node.
    pub(super) fn components(&self, within: u128) -> Vec<u128> {
        let mut left = within;
        let mut out = Vec::new();
        while left != 0 {
            let mut comp = 1u128 << left.trailing_zeros();
            let mut edge = comp;
            while edge != 0 {
                let reach = bits(edge).fold(0, |acc, v| acc | self.adj[v]) & left & !comp;
                comp |= reach;
                edge = reach;
            }
            left &= !comp;
            out.push(comp);
        }
        out
    }

    pub(super) fn pieces(&self) -> Vec<u128> {
        let all = if self.pop.len() == 128 { u128::MAX } else { (1u128 << self.pop.len()) - 1 };
        self.components(all)
    }

    /// The partition of `zones` (masks), each leftover node joining a neighbouring zone: the
    /// least populated one it can join without breaking a maximum, a keep-apart pair or two
    /// fixed centres in one zone, else (when none can take it) the least populated one.
    pub(super) fn partition(&self, inst: &Instance, cons: &Constraints, zones: &[u128]) -> Partition {
        let mut zone = vec![usize::MAX; self.pop.len()];
        let mut masks = zones.to_vec();
        for (z, &m) in zones.iter().enumerate() {
            for v in bits(m) {
                zone[v] = z;
            }
        }
        let units = |m: u128| bits(m).flat_map(|v| self.members[v].iter().copied());
        let (mut pop, mut size): (Vec<f64>, Vec<usize>) =
            masks.iter().map(|&m| (bits(m).map(|v| self.pop[v]).sum::<f64>(), bits(m).map(|v| self.size[v]).sum::<usize>())).unzip();
        let fits = |v: usize, z: usize, masks: &[u128], pop: &[f64], size: &[usize]| {
            let inside: Vec<usize> = units(masks[z]).collect();
            let mine = &self.members[v];
            cons.max_pop.is_none_or(|hi| pop[z] + self.pop[v] <= hi)
                && cons.max_units.is_none_or(|hi| size[z] + self.size[v] <= hi)
                && !cons
                    .cannot_link
                    .iter()
                    .any(|&(a, b)| (mine.contains(&a) && inside.contains(&b)) || (mine.contains(&b) && inside.contains(&a)))
                && !(mine.iter().any(|u| cons.centres.contains(u)) && inside.iter().any(|u| cons.centres.contains(u)))
        };
        // Rounds in node order; a round that attaches nothing under the rules attaches anyway.
        let mut strict = true;
        while zone.contains(&usize::MAX) {
            let mut moved = false;
            for v in 0..zone.len() {
                if zone[v] != usize::MAX {
                    continue;
                }
                let mut options: Vec<usize> = bits(self.adj[v]).map(|w| zone[w]).filter(|&z| z != usize::MAX).collect();
                options.sort_unstable();
                options.dedup();
                let pick = options
                    .into_iter()
                    .filter(|&z| !strict || fits(v, z, &masks, &pop, &size))
                    .min_by(|&a, &b| pop[a].total_cmp(&pop[b]).then(a.cmp(&b)));
                if let Some(z) = pick {
                    zone[v] = z;
                    masks[z] |= 1 << v;
                    pop[z] += self.pop[v];
                    size[z] += self.size[v];
                    moved = true;
                }
            }
            if !moved {
                if !strict {
                    break; // cannot happen: every piece holds a zone
                }
                strict = false;
            } else {
                strict = true;
            }
        }
        let mut labels = vec![0; inst.n()];
        for (v, m) in self.members.iter().enumerate() {
            for &u in m {
                labels[u] = zone[v];
            }
        }
        Partition::from_labels(&labels)
    }
}

/// Whether a piece holds `k` zones meeting the minimums.
pub(super) enum Decision {
    /// Yes: these zones (masks), leftovers still to attach.
    Found(Vec<u128>),
    /// Proved impossible.
    Impossible,
    /// The step budget or the time limit ran out first.
    Unknown,
}

/// The exact count search (see the module docs).
pub(super) struct Search<'a> {
    pub(super) g: &'a Nodes,
    pub(super) min_pop: f64,
    pub(super) min_units: usize,
    pub(super) steps: u64,
    pub(super) deadline: Option<Instant>,
    pub(super) timed_out: bool,
}

impl Search<'_> {
    pub(super) fn heavy(&self, pop: f64, size: usize) -> bool {
        pop >= self.min_pop && size >= self.min_units
    }

    /// The most zones a set of nodes can hold: residents and municipalities over the
    /// minimums, a node above a minimum counting as just the minimum (its zone spends the
    /// excess whatever else it holds).
    pub(super) fn cap(&self, m: u128) -> usize {
        let count = m.count_ones() as usize;
        let (mut pop, mut size) = (0.0, 0usize);
        for v in bits(m) {
            pop += if self.min_pop > 0.0 { self.g.pop[v].min(self.min_pop) } else { self.g.pop[v] };
            size += if self.min_units > 1 { self.g.size[v].min(self.min_units) } else { self.g.size[v] };
        }
        let by_pop = if self.min_pop > 0.0 { (pop / self.min_pop + 1e-9).floor() as usize } else { count };
        let by_size = if self.min_units > 1 { size / self.min_units } else { count };
        by_pop.min(by_size).min(count)
    }

    /// False when the budget or the time is spent.
    pub(super) fn spend(&mut self) -> bool {
        self.steps += 1;
        if self.steps > PACKING_STEP_LIMIT {
            return false;
        }
        if self.steps.is_multiple_of(4096) && self.deadline.is_some_and(|d| Instant::now() >= d) {
            self.timed_out = true;
        }
        !self.timed_out
    }

    pub(super) fn decide(&mut self, piece: u128, k: usize) -> Decision {
        self.steps = 0;
        if self.timed_out {
            return Decision::Unknown;
        }
        let mut chosen = Vec::new();
        match self.place(piece, k, &mut chosen) {
            Some(true) => Decision::Found(chosen),
            Some(false) => Decision::Impossible,
            None => Decision::Unknown,
        }
    }

    /// Places `left` zones in `free`; `None` when out of budget.
    pub(super) fn place(&mut self, free: u128, left: usize, chosen: &mut Vec<u128>) -> Option<bool> {
        if !self.spend() {
            return None;
        }
        if left == 0 {
            return Some(true);
        }
        // Pieces that cannot hold a zone are left over whole.
        let (mut room, mut usable) = (0, 0u128);
        for c in self.g.components(free) {
            let cap = self.cap(c);
            if cap > 0 {
                room += cap;
                usable |= c;
            }
        }
        if room < left {
            return Some(false);
        }
        let u = bits(usable).max_by(|&a, &b| self.g.pop[a].total_cmp(&self.g.pop[b]).then(b.cmp(&a)))?;
        let one = 1u128 << u;
        // Every zone holding u contains a set grown from u to the minimums.
        if self.grow(one, self.g.adj[u], self.g.pop[u], self.g.size[u], 0, usable, left, chosen)? {
            return Some(true);
        }
        // Or u is left over.
        self.place(usable & !one, left, chosen)
    }

    /// Connected sets ⊇ `set` avoiding `banned`, each once (the first frontier node taken
    /// decides the branch), grown until they meet the minimums, each then tried as a zone.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn grow(
        &mut self,
        set: u128,
        around: u128,
        pop: f64,
        size: usize,
        banned: u128,
        free: u128,
        left: usize,
        chosen: &mut Vec<u128>,
    ) -> Option<bool> {
        if !self.spend() {
            return None;
        }
        if self.heavy(pop, size) {
            chosen.push(set);
            let placed = self.place(free & !set, left - 1, chosen)?;
            if !placed {
                chosen.pop();
            }
            return Some(placed);
        }
        let frontier = around & free & !set & !banned;
        let mut banned = banned;
        for w in bits(frontier) {
            let one = 1u128 << w;
            if self.grow(set | one, around | self.g.adj[w], pop + self.g.pop[w], size + self.g.size[w], banned, free, left, chosen)? {
                return Some(true);
            }
            banned |= one;
        }
        Some(false)
    }
}
