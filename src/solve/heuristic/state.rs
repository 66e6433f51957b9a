//! What every heuristic search shares: the fixed context (atoms, objective, constraint
//! penalty) and the search state — a [`Tallied`] partition of atoms plus each zone's penalised
//! score. Zone tallies and move updates live in [`crate::partition::tally`], zone scores in
//! [`crate::objective::ZoneCost`]; this file only adds the penalty. Constraint violations are
//! penalised with a weight λ large enough that any feasible partition beats any infeasible one
//! in practice.

use crate::objective::{move_delta, ZoneCost};
use crate::partition::{Partition, Tallied, ZoneTally};
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
        ctx.lambda = ctx.cost(&whole, || all.clone()).max(1.0);
        ctx
    }

    /// The tally of a set of atoms.
    pub fn zone_of_atoms(&self, members: &[usize]) -> ZoneTally {
        ZoneTally::of(&self.atoms.pieces, members)
    }

    /// Objective value of a zone with tally `z`; `members` (its atoms) is asked for by the
    /// medoid objective only. A zone holding a fixed centre is led by it, as the outcome
    /// scores it.
    pub fn cost(&self, z: &ZoneTally, members: impl FnOnce() -> Vec<usize>) -> f64 {
        let objective = match self.kind {
            ObjectiveKind::Ssd => ZoneCost::Ssd,
            ObjectiveKind::Pairwise => ZoneCost::Pairwise,
            ObjectiveKind::Medoid => ZoneCost::Medoid { costs: &self.inst.medoid, fixed: &self.cons.centres },
        };
        let units = &self.atoms.units;
        objective.zone(z, || members().iter().flat_map(|&a| units[a].iter().copied()).collect())
    }

    /// Constraint violation of a zone, in municipalities' worth.
    pub fn violation(&self, z: &ZoneTally) -> f64 {
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
    pub fn score(&self, z: &ZoneTally, members: impl FnOnce() -> Vec<usize>) -> f64 {
        self.cost(z, members) + self.lambda * self.violation(z)
    }
}

/// A partition of atoms with per-zone tallies and penalised scores.
#[derive(Debug, Clone)]
pub(crate) struct State {
    tallied: Tallied,
    pub score: Vec<f64>,
}

/// A move's effect, computed before deciding.
pub(crate) struct MoveEval {
    pub delta: f64,
    tallies: [ZoneTally; 2],
    scores: [f64; 2],
}

impl State {
    pub fn new(ctx: &Ctx, atom_labels: &[usize]) -> State {
        let tallied = Tallied::new(&ctx.atoms.pieces, atom_labels);
        let p = tallied.part();
        let score = (0..p.k()).map(|z| ctx.score(tallied.zone(z), || p.members(z).to_vec())).collect();
        State { tallied, score }
    }

    pub fn part(&self) -> &Partition {
        self.tallied.part()
    }

    pub fn total(&self) -> f64 {
        self.score.iter().sum()
    }

    /// Effect of moving atom `a` to zone `to` (≠ its zone).
    pub fn eval(&self, ctx: &Ctx, a: usize, to: usize) -> MoveEval {
        let p = self.part();
        let from = p.zone_of(a);
        let tallies = self.tallied.moved(&ctx.atoms.pieces, a, to);
        let sf = ctx.score(&tallies[0], || p.members(from).iter().copied().filter(|&b| b != a).collect());
        let st = ctx.score(&tallies[1], || p.members(to).iter().copied().chain([a]).collect());
        let delta = move_delta([self.score[from], self.score[to]], [sf, st]);
        MoveEval { delta, tallies, scores: [sf, st] }
    }

    pub fn apply(&mut self, a: usize, to: usize, e: MoveEval) {
        let from = self.part().zone_of(a);
        self.tallied.apply(a, to, e.tallies);
        [self.score[from], self.score[to]] = e.scores;
    }

    /// Replaces zones `za` and `zb` by the given atom sets (a merge-and-split).
    pub fn reassign(&mut self, ctx: &Ctx, za: usize, zb: usize, side_a: &[usize], side_b: &[usize]) {
        self.tallied.reassign(&ctx.atoms.pieces, za, zb, side_a, side_b);
        for z in [za, zb] {
            let p = self.tallied.part();
            self.score[z] = ctx.score(self.tallied.zone(z), || p.members(z).to_vec());
        }
    }
}
