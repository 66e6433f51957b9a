//! The search state shared by every heuristic: a partition of atoms with per-zone tallies,
//! objective values and constraint violations, updated in O(features) per move for SSD and
//! pairwise (O(zone²) for medoid). Constraint violations are penalised with a weight λ large
//! enough that any feasible partition beats any infeasible one in practice.

use crate::partition::Partition;
use crate::solve::{Constraints, Instance, ObjectiveKind};

use super::atoms::Atoms;

/// Everything fixed during a search.
pub(crate) struct Ctx<'a> {
    pub inst: &'a Instance,
    pub cons: &'a Constraints,
    pub atoms: Atoms,
    pub kind: ObjectiveKind,
    /// Penalty per unit of violation.
    pub lambda: f64,
    /// Mean residents per municipality: population violations are counted in these units.
    pub mean_pop: f64,
}

/// Tallies of one zone.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Zone {
    pub sum: Vec<f64>,
    pub sumsq: f64,
    pub count: usize,
    pub pop: f64,
    /// Cannot-link pairs inside the zone.
    pub apart: usize,
}

impl Zone {
    fn empty(p: usize) -> Zone {
        Zone { sum: vec![0.0; p], sumsq: 0.0, count: 0, pop: 0.0, apart: 0 }
    }

    fn add(&mut self, atoms: &Atoms, a: usize, sign: f64) {
        for (s, v) in self.sum.iter_mut().zip(atoms.sum.row(a)) {
            *s += sign * v;
        }
        self.sumsq += sign * atoms.sumsq[a];
        self.pop += sign * atoms.pop[a];
        if sign > 0.0 {
            self.count += atoms.count[a];
        } else {
            self.count -= atoms.count[a];
        }
    }

    /// SSD of the zone.
    pub fn ssd(&self) -> f64 {
        if self.count == 0 {
            return 0.0;
        }
        let s2: f64 = self.sum.iter().map(|s| s * s).sum();
        (self.sumsq - s2 / self.count as f64).max(0.0)
    }
}

impl<'a> Ctx<'a> {
    pub fn new(inst: &'a Instance, cons: &'a Constraints, kind: ObjectiveKind) -> Ctx<'a> {
        let atoms = Atoms::new(inst, cons);
        let n = inst.n().max(1) as f64;
        let mean_pop = (inst.pop.iter().sum::<f64>() / n).max(1e-9);
        let mut ctx = Ctx { inst, cons, atoms, kind, lambda: 1.0, mean_pop };
        // λ: the objective of the whole area as one zone, so that one municipality's worth of
        // violation costs more than any homogeneity gain.
        let all: Vec<usize> = (0..ctx.atoms.len()).collect();
        let whole = ctx.zone_of_atoms(&all);
        ctx.lambda = ctx.cost(&whole, &all).max(1.0);
        ctx
    }

    pub fn zone_of_atoms(&self, members: &[usize]) -> Zone {
        let mut z = Zone::empty(self.inst.x.ncols());
        for &a in members {
            z.add(&self.atoms, a, 1.0);
        }
        z.apart = members.iter().map(|&a| self.atoms.apart[a].iter().filter(|b| members.contains(b)).count()).sum::<usize>() / 2;
        z
    }

    /// Objective value of a zone.
    pub fn cost(&self, z: &Zone, members: &[usize]) -> f64 {
        match self.kind {
            ObjectiveKind::Ssd => z.ssd(),
            ObjectiveKind::Pairwise => z.count as f64 * z.ssd(),
            ObjectiveKind::Medoid => {
                if members.is_empty() {
                    return 0.0;
                }
                let units: Vec<usize> = members.iter().flat_map(|&a| self.atoms.units[a].iter().copied()).collect();
                // A zone holding a fixed centre is led by it, as the outcome scores it.
                match self.cons.centres.iter().find(|c| units.contains(c)) {
                    Some(&c) => units.iter().map(|&i| self.inst.medoid.cost[[i, c]]).sum(),
                    None => self.inst.medoid.zone(&units).0,
                }
            }
        }
    }

    /// Constraint violation of a zone, in municipalities' worth.
    pub fn violation(&self, z: &Zone) -> f64 {
        let c = self.cons;
        let mut v = z.apart as f64;
        if let Some(lo) = c.min_pop {
            v += (lo - z.pop).max(0.0) / self.mean_pop;
        }
        if let Some(hi) = c.max_pop {
            v += (z.pop - hi).max(0.0) / self.mean_pop;
        }
        if let Some(lo) = c.min_units {
            v += lo.saturating_sub(z.count) as f64;
        }
        if let Some(hi) = c.max_units {
            v += z.count.saturating_sub(hi) as f64;
        }
        v
    }

    /// Penalised score of a zone.
    pub fn score(&self, z: &Zone, members: &[usize]) -> f64 {
        self.cost(z, members) + self.lambda * self.violation(z)
    }
}

/// A partition of atoms with per-zone tallies and scores.
#[derive(Debug, Clone)]
pub(crate) struct State {
    pub part: Partition,
    pub zones: Vec<Zone>,
    pub score: Vec<f64>,
}

/// A move's effect, computed before deciding.
pub(crate) struct MoveEval {
    pub delta: f64,
    from: (Zone, f64),
    to: (Zone, f64),
}

impl State {
    pub fn new(ctx: &Ctx, atom_labels: &[usize]) -> State {
        let part = Partition::from_labels(atom_labels);
        let zones: Vec<Zone> = part.zones().iter().map(|m| ctx.zone_of_atoms(m)).collect();
        let score = zones.iter().zip(part.zones()).map(|(z, m)| ctx.score(z, m)).collect();
        State { part, zones, score }
    }

    pub fn total(&self) -> f64 {
        self.score.iter().sum()
    }

    /// Effect of moving atom `a` to zone `to` (≠ its zone).
    pub fn eval(&self, ctx: &Ctx, a: usize, to: usize) -> MoveEval {
        let from = self.part.zone_of(a);
        let atoms = &ctx.atoms;
        let mut zf = self.zones[from].clone();
        let mut zt = self.zones[to].clone();
        zf.add(atoms, a, -1.0);
        zt.add(atoms, a, 1.0);
        for &b in &atoms.apart[a] {
            let zb = self.part.zone_of(b);
            if zb == from && b != a {
                zf.apart -= 1;
            }
            if zb == to {
                zt.apart += 1;
            }
        }
        let (sf, st) = if ctx.kind == ObjectiveKind::Medoid {
            let mf: Vec<usize> = self.part.members(from).iter().copied().filter(|&b| b != a).collect();
            let mut mt = self.part.members(to).to_vec();
            mt.push(a);
            (ctx.score(&zf, &mf), ctx.score(&zt, &mt))
        } else {
            (ctx.score(&zf, &[]), ctx.score(&zt, &[]))
        };
        MoveEval { delta: sf + st - self.score[from] - self.score[to], from: (zf, sf), to: (zt, st) }
    }

    pub fn apply(&mut self, a: usize, to: usize, e: MoveEval) {
        let from = self.part.zone_of(a);
        self.part.move_unit(a, to);
        (self.zones[from], self.score[from]) = e.from;
        (self.zones[to], self.score[to]) = e.to;
    }

    /// Replaces zones `za` and `zb` by the given atom sets (a merge-and-split).
    pub fn reassign(&mut self, ctx: &Ctx, za: usize, zb: usize, side_a: &[usize], side_b: &[usize]) {
        for &a in side_a {
            self.part.move_unit(a, za);
        }
        for &b in side_b {
            self.part.move_unit(b, zb);
        }
        for z in [za, zb] {
            let m = self.part.members(z).to_vec();
            self.zones[z] = ctx.zone_of_atoms(&m);
            self.score[z] = ctx.score(&self.zones[z], &m);
        }
    }
}
