//! Max-p regionalization (Duque, Anselin & Rey 2012): the largest number of contiguous zones
//! whose every zone meets the minimum bounds (population, municipalities), and among
//! partitions into that many zones the best one for the objective.
//!
//! **The count.** The data bounds it first: each separate piece holds at most ⌊residents /
//! minimum⌋ zones, and as many by size. With minimum bounds only (keep-together groups
//! allowed), the most zones is the most disjoint connected sets that each meet the minimums —
//! municipalities left over join a neighbouring zone, which only raises its population — so on
//! instances up to [`super::exact::AUTO_MAX_UNITS`] municipalities an exact search settles it
//! per piece, from the bound downwards: it grows each zone from the largest free municipality
//! until it meets the minimums (every zone contains such a set), or leaves that municipality
//! over, and prunes when the free pieces cannot hold the zones still to place (a municipality
//! above the minimum counts as just the minimum). Every count it rules out lowers the proven
//! upper bound; the count it finds comes with a partition. Its budget is counted in steps
//! ([`PACKING_STEP_LIMIT`]), never in seconds, so the answer is the same on every machine.
//! When the budget runs out the heuristic bisects what is left (feasibility is monotone:
//! merging two neighbouring zones keeps every minimum). With maximum bounds, keep-apart pairs
//! or fixed centres the count steps down one at a time: the heuristic first, then the exact
//! medoid search for [`SETTLE_NODE_LIMIT`] nodes, which finds a partition or proves there is
//! none.
//!
//! **The partition.** The requested method solves the count found, stopping after
//! `node_limit` branch-and-cut nodes ([`FINAL_NODE_LIMIT`] unless set); if it misses, the
//! partition the count search found is kept.
//!
//! **Time.** `SolveParams::time_limit` bounds the whole search, not each inner solve; when it
//! binds, [`MaxP::cut_short`] says what it cut short (results then depend on the machine).

use std::time::{Duration, Instant};

use serde::Serialize;

use crate::partition::Partition;
use crate::progress::{Progress, Silent, Tick};
use crate::solve::{solve, Constraints, Instance, Method, ObjectiveKind, Outcome, SolveError, SolveParams, SolverKind};

/// Steps (search nodes and grown sets) the exact count search may take for one count of one
/// piece before giving up on it: about two seconds.
pub const PACKING_STEP_LIMIT: u64 = 20_000_000;

/// Branch-and-cut nodes of the exact medoid search that settles a count the heuristic misses
/// (maximum bounds, keep-apart pairs, fixed centres).
pub const SETTLE_NODE_LIMIT: usize = 50;

/// Branch-and-cut nodes of the exact solve at the count found, unless
/// `SolveParams::node_limit` says otherwise: on the default area a few seconds.
pub const FINAL_NODE_LIMIT: usize = 30;

/// A max-p answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MaxP {
    /// The partition into the most zones found, solved with the requested method.
    pub outcome: Outcome,
    /// Zones found.
    pub p: usize,
    /// No partition can have more zones than this: proved by the data and by the counts the
    /// exact search ruled out.
    pub upper_bound: usize,
    /// The data's own bound: per separate piece ⌊residents / minimum⌋ (and as many by size).
    pub data_bound: usize,
    /// True when no partition has more than `p` zones (`p == upper_bound`).
    pub proved: bool,
    /// What the time limit cut short, when it did.
    pub cut_short: Option<String>,
}

/// Per separate piece, the most zones it can hold: the fewest of ⌊residents / min_pop⌋,
/// ⌊municipalities / min_units⌋ and its municipalities.
fn piece_bounds(inst: &Instance, cons: &Constraints) -> Vec<usize> {
    inst.components()
        .iter()
        .map(|c| {
            let pop: f64 = c.iter().map(|&u| inst.pop[u]).sum();
            let by_pop = cons.min_pop.filter(|&lo| lo > 0.0).map_or(c.len(), |lo| (pop / lo + 1e-9).floor() as usize);
            let by_size = cons.min_units.map_or(c.len(), |lo| c.len() / lo.max(1));
            by_pop.min(by_size).min(c.len())
        })
        .collect()
}

/// Solves max-p; `cons.k` is ignored.
///
/// # Errors
/// [`SolveError::Param`] without a minimum bound (then every municipality could be its own
/// zone); [`SolveError::Infeasible`] when not even one zone per separate piece meets the
/// bounds; [`SolveError::NotFound`] when no count was found (with maximum bounds, or within
/// the time limit); the final solve's errors when no partition was found before it.
pub fn max_p(inst: &Instance, cons: &Constraints, params: &SolveParams, method: Method) -> Result<MaxP, SolveError> {
    max_p_with(inst, cons, params, method, &Silent)
}

/// A partition found while searching the count.
enum Found {
    /// From the exact count search (zones grown, leftovers attached).
    Witness(Partition),
    /// From a solver.
    Solved(Outcome),
}

/// [`max_p`], ticking `progress` as counts are settled (`max-p count search`, in counts) and
/// before the final solve.
///
/// # Errors
/// As [`max_p`].
pub fn max_p_with(
    inst: &Instance,
    cons: &Constraints,
    params: &SolveParams,
    method: Method,
    progress: &dyn Progress,
) -> Result<MaxP, SolveError> {
    let clock = Instant::now();
    if cons.min_pop.is_none_or(|lo| lo <= 0.0) && cons.min_units.is_none_or(|lo| lo <= 1) {
        return Err(SolveError::Param(
            "max-p needs a minimum zone population (--min-pop) or size (--min-units) above one municipality".into(),
        ));
    }
    let limit = params.time_limit;
    let deadline = (limit.is_finite() && limit >= 0.0).then(|| clock + Duration::from_secs_f64(limit.min(1e9)));
    let time_left = || deadline.map_or(f64::INFINITY, |d| d.saturating_duration_since(Instant::now()).as_secs_f64());
    let pieces = piece_bounds(inst, cons);
    let (lowest, data_bound) = (pieces.len(), pieces.iter().sum::<usize>());
    if pieces.contains(&0) {
        // The pre-solve check names the piece that cannot hold a zone.
        solve(inst, &Constraints { k: lowest, ..cons.clone() }, params, Method::Heuristic)?;
        return Err(SolveError::Infeasible("a separate piece of the area cannot hold one zone meeting the minimum bounds".into()));
    }
    let mut cut_short: Vec<String> = Vec::new();
    let mut settled = 0u64;
    let tick = |settled: &mut u64| {
        *settled += 1;
        progress.tick(Tick { task: "max-p count search", done: *settled, total: 0, unit: "counts settled" });
    };
    progress.tick(Tick { task: "max-p count search", done: 0, total: 0, unit: "counts settled" });
    let heuristic = |k: usize| solve(inst, &Constraints { k, ..cons.clone() }, params, Method::Heuristic).ok();
    let monotone = cons.max_pop.is_none() && cons.max_units.is_none() && cons.cannot_link.is_empty() && cons.centres.is_empty();
    // The most zones found with a partition, and the proven upper bound.
    let (mut p, mut upper, mut best): (usize, usize, Option<Found>) = (0, data_bound, None);
    // The exact count search under the minimums and keep-together groups alone: its count is
    // the answer when those are all the bounds, and an upper bound when there are more.
    let mut relaxed: Option<(usize, Partition)> = None;
    if let Some(g) = (inst.n() <= super::exact::AUTO_MAX_UNITS).then(|| Nodes::new(inst, cons)).flatten() {
        let mut search = Search {
            g: &g,
            min_pop: cons.min_pop.unwrap_or(0.0).max(0.0),
            min_units: cons.min_units.unwrap_or(0),
            steps: 0,
            deadline,
            timed_out: false,
        };
        let mut zones: Vec<u128> = Vec::new();
        let (mut found_sum, mut upper_sum) = (0, 0);
        for piece in g.pieces() {
            let top = search.cap(piece);
            let (mut piece_upper, mut proven) = (top, true);
            for k in (1..=top).rev() {
                match search.decide(piece, k) {
                    Decision::Found(z) => {
                        zones.extend(z);
                        found_sum += k;
                        break;
                    }
                    Decision::Impossible if proven => piece_upper = k - 1,
                    Decision::Impossible => {}
                    Decision::Unknown => proven = false,
                }
                tick(&mut settled);
            }
            upper_sum += piece_upper;
        }
        if search.timed_out {
            cut_short.push(format!("the time limit ({limit} s) stopped the exact count search before it settled every count"));
        }
        upper = upper_sum.min(data_bound);
        relaxed = Some((found_sum, g.partition(inst, cons, &zones)));
    }
    let top = upper;
    if monotone {
        // What the exact search left open (or all of it, on larger instances): bisection with
        // the heuristic, which finds counts but proves none.
        if let Some((found, witness)) = relaxed {
            (p, best) = (found, Some(Found::Witness(witness)));
        } else {
            match heuristic(lowest) {
                Some(o) => (p, best) = (lowest, Some(Found::Solved(o))),
                None => return Err(SolveError::NotFound(format!("not even {lowest} zone(s) meeting the minimum bounds were found"))),
            }
        }
        let (mut lo, mut hi) = (p, upper);
        while lo < hi {
            if time_left() <= 0.0 {
                cut_short.push(format!("the time limit ({limit} s) stopped the heuristic count search between {lo} and {hi} zones"));
                break;
            }
            let mid = lo + (hi - lo).div_ceil(2);
            match heuristic(mid) {
                Some(o) => (p, lo, best) = (mid, mid, Some(Found::Solved(o))),
                None => hi = mid - 1,
            }
            tick(&mut settled);
        }
    } else {
        // Step down from the bound; counts proved impossible from the top lower it. The
        // relaxed search's partition is taken at its count when it meets every bound.
        let witness = relaxed.filter(|(k, w)| Constraints { k: *k, ..cons.clone() }.holds(inst, w));
        let (mut proven, mut timed) = (true, Vec::new());
        for k in (lowest..=upper).rev() {
            if let Some((_, w)) = witness.as_ref().filter(|(found, _)| *found == k) {
                (p, best) = (k, Some(Found::Witness(w.clone())));
                break;
            }
            if time_left() <= 0.0 {
                timed.push(format!("and stopped the search at {k}"));
                break;
            }
            tick(&mut settled);
            if let Some(o) = heuristic(k) {
                (p, best) = (k, Some(Found::Solved(o)));
                break;
            }
            if inst.n() > super::exact::AUTO_MAX_UNITS {
                proven = false;
                continue;
            }
            // Half the time left at most, so that lower counts still get their turn.
            let budget = time_left() / 2.0;
            let medoid =
                SolveParams { objective: ObjectiveKind::Medoid, time_limit: budget, node_limit: Some(SETTLE_NODE_LIMIT), ..params.clone() };
            let started = Instant::now();
            match solve(inst, &Constraints { k, ..cons.clone() }, &medoid, Method::Exact) {
                Ok(o) => {
                    (p, best) = (k, Some(Found::Solved(o)));
                    break;
                }
                Err(SolveError::Infeasible(_)) if proven => upper = k - 1,
                Err(_) => {
                    proven = false;
                    if started.elapsed().as_secs_f64() >= 0.99 * budget {
                        timed.push(k.to_string());
                    }
                }
            }
        }
        if !timed.is_empty() {
            cut_short.push(format!("the time limit ({limit} s) cut the exact search short at {} zones", timed.join(", ")));
        }
    }
    let Some(best) = best else {
        let why = if cut_short.is_empty() { String::new() } else { format!(" ({})", cut_short.join("; ")) };
        return Err(SolveError::NotFound(format!("no count from {top} down to {lowest} zones meeting the bounds was found{why}")));
    };
    // The requested method at that count; if it misses, the search's partition.
    let cons_p = Constraints { k: p, ..cons.clone() };
    let outcome = match best {
        // The heuristic's answer at that count is what the heuristic would give again.
        Found::Solved(o) if method == Method::Heuristic && o.method == SolverKind::Heuristic => o,
        found if time_left() <= 0.0 => {
            cut_short.push(format!("the time limit ({limit} s) left no time to solve {p} zones with the requested method"));
            kept(inst, &cons_p, params.objective, found, clock)
        }
        found => {
            progress.tick(Tick { task: &format!("solving {p} zones"), done: 0, total: 0, unit: "" });
            let last =
                SolveParams { time_limit: time_left(), node_limit: Some(params.node_limit.unwrap_or(FINAL_NODE_LIMIT)), ..params.clone() };
            match solve(inst, &cons_p, &last, method) {
                Ok(o) => {
                    if o.status == super::Status::TimeLimit {
                        cut_short.push(format!("the time limit ({limit} s) stopped the exact search at {p} zones"));
                    }
                    o
                }
                Err(_) => kept(inst, &cons_p, params.objective, found, clock),
            }
        }
    };
    let upper = upper.max(p);
    Ok(MaxP {
        outcome,
        p,
        upper_bound: upper,
        data_bound,
        proved: p == upper,
        cut_short: (!cut_short.is_empty()).then(|| cut_short.join("; ")),
    })
}

/// The count search's partition as the answer, scored for the objective.
fn kept(inst: &Instance, cons: &Constraints, kind: ObjectiveKind, found: Found, clock: Instant) -> Outcome {
    match found {
        Found::Witness(p) => Outcome::unproven(inst, cons, kind, p, SolverKind::Exact, clock),
        Found::Solved(o) => Outcome::unproven(inst, cons, kind, o.partition, o.method, clock),
    }
}

/// The area as the count search sees it: each keep-together block contracted to one node,
/// nodes in order of their lowest municipality, neighbours as bit masks (at most 128 nodes).
struct Nodes {
    members: Vec<Vec<usize>>,
    pop: Vec<f64>,
    size: Vec<usize>,
    adj: Vec<u128>,
}

fn bits(mut m: u128) -> impl Iterator<Item = usize> {
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
    fn new(inst: &Instance, cons: &Constraints) -> Option<Nodes> {
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
    fn components(&self, within: u128) -> Vec<u128> {
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

    fn pieces(&self) -> Vec<u128> {
        let all = if self.pop.len() == 128 { u128::MAX } else { (1u128 << self.pop.len()) - 1 };
        self.components(all)
    }

    /// The partition of `zones` (masks), each leftover node joining a neighbouring zone: the
    /// least populated one it can join without breaking a maximum, a keep-apart pair or two
    /// fixed centres in one zone, else (when none can take it) the least populated one.
    fn partition(&self, inst: &Instance, cons: &Constraints, zones: &[u128]) -> Partition {
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
enum Decision {
    /// Yes: these zones (masks), leftovers still to attach.
    Found(Vec<u128>),
    /// Proved impossible.
    Impossible,
    /// The step budget or the time limit ran out first.
    Unknown,
}

/// The exact count search (see the module docs).
struct Search<'a> {
    g: &'a Nodes,
    min_pop: f64,
    min_units: usize,
    steps: u64,
    deadline: Option<Instant>,
    timed_out: bool,
}

impl Search<'_> {
    fn heavy(&self, pop: f64, size: usize) -> bool {
        pop >= self.min_pop && size >= self.min_units
    }

    /// The most zones a set of nodes can hold: residents and municipalities over the
    /// minimums, a node above a minimum counting as just the minimum (its zone spends the
    /// excess whatever else it holds).
    fn cap(&self, m: u128) -> usize {
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
    fn spend(&mut self) -> bool {
        self.steps += 1;
        if self.steps > PACKING_STEP_LIMIT {
            return false;
        }
        if self.steps.is_multiple_of(4096) && self.deadline.is_some_and(|d| Instant::now() >= d) {
            self.timed_out = true;
        }
        !self.timed_out
    }

    fn decide(&mut self, piece: u128, k: usize) -> Decision {
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
    fn place(&mut self, free: u128, left: usize, chosen: &mut Vec<u128>) -> Option<bool> {
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
    fn grow(
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A path of municipalities 0 – 1 – … with these residents.
    fn path(pop: &[f64]) -> Instance {
        let n = pop.len();
        let adj = (0..n).map(|i| [i.wrapping_sub(1), i + 1].into_iter().filter(|&j| j < n).collect()).collect();
        let x = ndarray::Array2::from_shape_fn((n, 1), |(i, _)| i as f64);
        Instance::from_parts(adj, x, pop.to_vec(), None, (0..n).map(|i| format!("u{i}")).collect())
    }

    fn params() -> SolveParams {
        SolveParams { objective: ObjectiveKind::Ssd, ..SolveParams::default() }
    }

    fn min_pop(lo: f64) -> Constraints {
        Constraints { min_pop: Some(lo), ..Default::default() }
    }

    #[test]
    fn the_search_proves_a_count_the_data_bound_allows_impossible() {
        // 12 – 12 – 12 – 12 – 12, min 20: 60 residents allow 3 zones, but a zone needs two
        // neighbours and five in a row make two pairs.
        let inst = path(&[12.0; 5]);
        let m = max_p(&inst, &min_pop(20.0), &params(), Method::Heuristic).unwrap();
        assert_eq!((m.p, m.upper_bound, m.data_bound, m.proved), (2, 2, 3, true));
        assert_eq!(m.cut_short, None);
        assert!(Constraints { k: 2, ..min_pop(20.0) }.holds(&inst, &m.outcome.partition));
    }

    #[test]
    fn a_town_above_the_minimum_counts_as_just_the_minimum() {
        // 30 + 2 + 2 + 30 = 64 residents, min 20: the data allow 3 zones; each 30 spends 10
        // of the 24 to spare, so 44 count, and 2 zones are the most.
        let m = max_p(&path(&[30.0, 2.0, 2.0, 30.0]), &min_pop(20.0), &params(), Method::Heuristic).unwrap();
        assert_eq!((m.p, m.upper_bound, m.data_bound, m.proved), (2, 2, 3, true));
    }

    #[test]
    fn the_exact_search_finds_a_partition_with_leftovers_attached() {
        // Residents 20, 1, 1, 20, 1, 20, min 20: three zones {0}, {3}, {5} with the 1s joining
        // a neighbour; the witness is the answer even when no solver runs.
        let inst = path(&[20.0, 1.0, 1.0, 20.0, 1.0, 20.0]);
        let g = Nodes::new(&inst, &min_pop(20.0)).unwrap();
        let mut search = Search { g: &g, min_pop: 20.0, min_units: 0, steps: 0, deadline: None, timed_out: false };
        let Decision::Found(zones) = search.decide(g.pieces()[0], 3) else { panic!("3 zones exist") };
        let part = g.partition(&inst, &min_pop(20.0), &zones);
        assert!(Constraints { k: 3, ..min_pop(20.0) }.holds(&inst, &part), "{:?}", part.labels());
        assert!(matches!(search.decide(g.pieces()[0], 4), Decision::Impossible));
    }

    #[test]
    fn keep_together_groups_count_as_one_node() {
        // Residents 10, 5, 5, 10, min 10, 1 and 2 kept together: {0}, {1, 2}, {3}.
        let inst = path(&[10.0, 5.0, 5.0, 10.0]);
        let cons = Constraints { must_link: vec![vec![1, 2]], ..min_pop(10.0) };
        let m = max_p(&inst, &cons, &params(), Method::Heuristic).unwrap();
        assert_eq!((m.p, m.proved), (3, true));
        assert_eq!(m.outcome.partition.zone_of(1), m.outcome.partition.zone_of(2));
        // 0 and 1 kept together: their 15 spend 5, and 2 joins 3 or the group: 2 zones.
        let cons = Constraints { must_link: vec![vec![0, 1]], ..min_pop(10.0) };
        let m = max_p(&inst, &cons, &params(), Method::Heuristic).unwrap();
        assert_eq!((m.p, m.upper_bound, m.proved), (2, 2, true));
    }

    #[test]
    fn minimum_sizes_are_searched_like_populations() {
        // Seven in a row, at least 3 municipalities per zone: 2 zones (the data bound).
        let inst = path(&[1.0; 7]);
        let cons = Constraints { min_units: Some(3), ..Default::default() };
        let m = max_p(&inst, &cons, &params(), Method::Heuristic).unwrap();
        assert_eq!((m.p, m.upper_bound, m.proved), (2, 2, true));
    }

    #[test]
    fn the_time_limit_bounds_the_whole_search_and_is_reported() {
        let inst = path(&[12.0; 5]);
        let p = SolveParams { time_limit: 0.0, ..params() };
        let m = max_p(&inst, &min_pop(20.0), &p, Method::Exact).unwrap();
        assert!(m.cut_short.as_deref().is_some_and(|c| c.contains("time limit")), "{:?}", m.cut_short);
        assert!(m.p <= m.upper_bound && m.upper_bound <= m.data_bound);
        assert!(Constraints { k: m.p, ..min_pop(20.0) }.holds(&inst, &m.outcome.partition));
    }
}
