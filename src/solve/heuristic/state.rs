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
            ObjectiveKind::Medoid | ObjectiveKind::Pmedian | ObjectiveKind::Hess => {
                ZoneCost::Medoid { costs: &self.inst.medoid, fixed: &self.cons.centres }
            }
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

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;
    use proptest::prelude::*;

    /// A 3×4 grid of units:
    /// ```text
    /// 0 — 1 — 2 — 3
    /// |   |   |   |
    /// 4 — 5 — 6 — 7
    /// |   |   |   |
    /// 8 — 9 —10 —11
    /// ```
    fn grid() -> Vec<Vec<usize>> {
        crate::partition::grid_adjacency(3, 4)
    }

    proptest! {
        /// The delta the search runs on (`State::eval`) equals the fresh recomputation
        /// `State::new(after).total() − total()`, for every objective with population, size,
        /// keep-apart, keep-together and fixed-centre penalties; after `apply`, the state's
        /// scores equal a fresh build's.
        #[test]
        fn eval_delta_equals_recomputation(
            x in prop::collection::vec(-2.0f64..2.0, 24),
            pop in prop::collection::vec(1.0f64..50.0, 12),
            labels_seed in prop::collection::vec(0usize..3, 12),
            apart in prop::collection::vec((0usize..12, 0usize..12), 0..4),
            bounds in (0.0f64..150.0, 100.0f64..400.0, 0usize..5, 3usize..9),
            moves in prop::collection::vec((0usize..100, 0usize..3), 1..8),
        ) {
            let inst = Instance::from_parts(
                grid(),
                Array2::from_shape_vec((12, 2), x).unwrap(),
                pop,
                None,
                (0..12).map(|i| i.to_string()).collect(),
            );
            let together = vec![vec![5, 6]];
            let cannot: Vec<(usize, usize)> =
                apart.into_iter().filter(|&(a, b)| a != b && !(together[0].contains(&a) && together[0].contains(&b))).collect();
            for kind in [ObjectiveKind::Ssd, ObjectiveKind::Pairwise, ObjectiveKind::Medoid] {
                let cons = Constraints {
                    k: 3,
                    min_pop: Some(bounds.0),
                    max_pop: Some(bounds.1),
                    min_units: Some(bounds.2),
                    max_units: Some(bounds.3),
                    must_link: together.clone(),
                    cannot_link: cannot.clone(),
                    centres: vec![0, 11],
                };
                let ctx = Ctx::new(&inst, &cons, kind);
                let m = ctx.atoms.len();
                let mut labels = labels_seed[..m].to_vec();
                labels[0] = 0;
                labels[m - 1] = 2;
                let mut state = State::new(&ctx, &labels);
                for &(a, to) in &moves {
                    let (a, to) = (a % m, to % state.part().k());
                    if state.part().zone_of(a) == to || state.part().members(state.part().zone_of(a)).len() == 1 {
                        continue;
                    }
                    let e = state.eval(&ctx, a, to);
                    let mut after = state.part().labels().to_vec();
                    after[a] = to;
                    let fresh = State::new(&ctx, &after);
                    let expected = fresh.total() - state.total();
                    let tol = 1e-9 * (1.0 + state.total().abs());
                    prop_assert!((e.delta - expected).abs() <= tol, "{:?}: delta {} vs {}", kind, e.delta, expected);
                    state.apply(a, to, e);
                    // A fresh build renumbers zones by lowest atom: match them by a member.
                    for (z, s) in state.score.iter().enumerate() {
                        let f = fresh.score[fresh.part().zone_of(state.part().members(z)[0])];
                        prop_assert!((s - f).abs() <= tol, "{:?}: score {} vs fresh {}", kind, s, f);
                    }
                }
            }
        }
    }
}
