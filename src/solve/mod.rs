//! Solvers for k contiguous zones: the problem ([`Instance`], [`Constraints`], [`SolveParams`]),
//! the answer ([`Outcome`] with an honest [`Status`]), and the solvers behind one [`Solver`]
//! trait: [`Exact`] (medoid and pairwise MIPs through good_lp + HiGHS), [`Heuristic`] (Ward and
//! SKATER starts, annealing, merge-and-split, multi-start over rayon), [`Ward`] and [`Skater`]
//! alone, [`Kmeans`] as the non-spatial reference, and [`Auto`]. [`solve`] validates, proves
//! what the data shows ([`presolve`]) and dispatches. No I/O here.

pub mod constraints;
pub mod exact;
pub mod heuristic;
pub mod instance;
pub mod kmeans;
pub mod max_p;
pub mod outcome;
pub mod params;
pub mod presolve;

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

pub use crate::status::{SolverKind, Status};
pub use constraints::{ConstraintProblem, Constraints};
pub use instance::{Instance, LazyMedoidCosts, Neighbours};
pub use outcome::{Explained, Invalid, NotFound, Outcome, Render, SolveError};
pub use params::{CheckedParams, ObjectiveKind, ParamsError, SolveParams};
pub use presolve::Infeasibility;

/// A solver: one shared signature for every method. Implementations trust their inputs:
/// [`solve`] validates the constraints and proves what the data shows before calling one.
pub trait Solver: Sync {
    /// Partitions `inst` under `cons`.
    ///
    /// # Errors
    /// [`SolveError`]: infeasible (proved), not found (no proof), or a refused input.
    fn solve(&self, inst: &Instance, cons: &Constraints, params: &CheckedParams) -> Result<Outcome, SolveError>;
}

/// The exact MIP (medoid or pairwise objective), started from the partition of `warm_start`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Exact<W = Heuristic> {
    /// The solver whose partition is the first incumbent (the heuristic by default).
    pub warm_start: W,
}

/// Multi-start annealing with merge-and-split.
#[derive(Debug, Clone, Copy, Default)]
pub struct Heuristic;

/// Contiguity-constrained Ward agglomeration alone.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ward;

/// SKATER spanning-tree cuts alone.
#[derive(Debug, Clone, Copy, Default)]
pub struct Skater;

/// k-means, ignoring contiguity.
#[derive(Debug, Clone, Copy, Default)]
pub struct Kmeans;

/// Exact for the medoid and pairwise objectives on areas up to
/// [`crate::status::AUTO_EXACT_MAX_UNITS`] units, the heuristic otherwise.
#[derive(Debug, Clone, Copy, Default)]
pub struct Auto;

impl<W: Solver> Solver for Exact<W> {
    fn solve(&self, inst: &Instance, cons: &Constraints, params: &CheckedParams) -> Result<Outcome, SolveError> {
        exact::solve(inst, cons, params, &self.warm_start)
    }
}

impl Solver for Heuristic {
    fn solve(&self, inst: &Instance, cons: &Constraints, params: &CheckedParams) -> Result<Outcome, SolveError> {
        heuristic::solve(inst, cons, params)
    }
}

impl Solver for Ward {
    fn solve(&self, inst: &Instance, cons: &Constraints, params: &CheckedParams) -> Result<Outcome, SolveError> {
        heuristic::ward_only(inst, cons, params)
    }
}

impl Solver for Skater {
    fn solve(&self, inst: &Instance, cons: &Constraints, params: &CheckedParams) -> Result<Outcome, SolveError> {
        heuristic::skater_only(inst, cons, params)
    }
}

impl Solver for Kmeans {
    fn solve(&self, inst: &Instance, cons: &Constraints, params: &CheckedParams) -> Result<Outcome, SolveError> {
        kmeans::solve(inst, cons, params)
    }
}

impl Solver for Auto {
    fn solve(&self, inst: &Instance, cons: &Constraints, params: &CheckedParams) -> Result<Outcome, SolveError> {
        if params.objective != ObjectiveKind::Ssd && inst.n() <= exact::AUTO_MAX_UNITS {
            Exact::<Heuristic>::default().solve(inst, cons, params)
        } else {
            Heuristic.solve(inst, cons, params)
        }
    }
}

impl Constraints {
    /// Validates (every input mistake), then proves infeasibility when the data shows it.
    ///
    /// # Errors
    /// [`SolveError::Param`] listing every mistake; else [`SolveError::Infeasible`] with the
    /// first proof.
    pub fn check(&self, inst: &Instance) -> Result<(), SolveError> {
        self.validate(inst).map_err(|e| SolveError::Param(Invalid::Constraints(e)))?;
        presolve::prove(self, inst).map_err(|why| SolveError::infeasible(why, &inst.labels))
    }
}

/// True when `set` induces a connected subgraph.
pub(crate) fn is_connected(adj: &Neighbours, set: &BTreeSet<usize>) -> bool {
    adj.is_connected(&set.iter().copied().collect::<Vec<_>>())
}

/// Runs the solver a method names, after checking the parameters and the constraints.
///
/// # Errors
/// [`SolveError::Param`] for parameters out of range or constraint mistakes (all listed);
/// [`SolveError::Infeasible`] when the data or HiGHS proves it; the solver's other errors.
pub fn solve(inst: &Instance, cons: &Constraints, params: &SolveParams, method: Method) -> Result<Outcome, SolveError> {
    let params = params.check()?;
    check_costs(inst, &params)?;
    cons.check(inst)?;
    method.solver().solve(inst, cons, &params)
}

/// A centred objective needs the instance's costs made for it: a Hess solve on feature costs
/// would minimise the wrong thing silently.
pub(crate) fn check_costs(inst: &Instance, params: &SolveParams) -> Result<(), SolveError> {
    let costs = inst.medoid.objective();
    if params.objective.is_centred() && costs != params.objective {
        return Err(ParamsError::CostsForOtherObjective { costs, asked: params.objective }.into());
    }
    Ok(())
}

/// Which solver to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Exact where the size allows, heuristic elsewhere.
    #[default]
    Auto,
    /// The MIP (medoid or pairwise objective).
    Exact,
    /// Multi-start annealing with merge-and-split.
    Heuristic,
    /// Contiguity-constrained Ward agglomeration alone.
    Ward,
    /// SKATER spanning-tree cuts alone.
    Skater,
    /// k-means, ignoring contiguity (the non-spatial reference).
    Kmeans,
}

impl Method {
    /// The solver this method names.
    pub fn solver(self) -> &'static dyn Solver {
        match self {
            Method::Auto => &Auto,
            Method::Exact => &Exact { warm_start: Heuristic },
            Method::Heuristic => &Heuristic,
            Method::Ward => &Ward,
            Method::Skater => &Skater,
            Method::Kmeans => &Kmeans,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::partition::Partition;

    /// A row of four: 0 – 1 – 2 – 3, features 0, 0, 10, 10.
    fn row() -> Instance {
        let x = ndarray::array![[0.0], [0.0], [10.0], [10.0]];
        let adj = vec![vec![1], vec![0, 2], vec![1, 3], vec![2]];
        Instance::from_parts(adj, x, vec![1.0; 4], None, (0..4).map(|i| format!("u{i}")).collect())
    }

    /// A warm start that hands over a fixed partition.
    struct Given(Vec<usize>);

    impl Solver for Given {
        fn solve(&self, inst: &Instance, cons: &Constraints, params: &CheckedParams) -> Result<Outcome, SolveError> {
            let p = Partition::from_labels(&self.0);
            Ok(Outcome::unproven(inst, cons, params.objective, p, SolverKind::Heuristic, std::time::Instant::now()))
        }
    }

    #[test]
    fn the_exact_solver_starts_from_the_warm_start_it_is_given() {
        let inst = row();
        let cons = Constraints { k: 2, ..Default::default() };
        // No node may be searched: the answer is the warm start, bounded by nothing.
        let params = SolveParams { node_limit: Some(0), ..SolveParams::default() }.check().unwrap();
        let o = Exact { warm_start: Given(vec![0, 1, 1, 1]) }.solve(&inst, &cons, &params).unwrap();
        assert_eq!(o.partition.labels(), &[0, 1, 1, 1]);
        assert_eq!((o.method, o.status), (SolverKind::Heuristic, Status::NodeLimit));
        // {0} and {1, 2, 3} led by 2 (or 3): 0 + 100 = 100.
        assert_eq!(o.objective, 100.0);
        // Given room, the search improves on it: {0, 1}, {2, 3} cost 0.
        let o = Exact { warm_start: Given(vec![0, 1, 1, 1]) }.solve(&inst, &cons, &SolveParams::default().check().unwrap());
        let o = o.unwrap();
        assert_eq!((o.partition.labels(), o.objective, o.status), (&[0, 0, 1, 1][..], 0.0, Status::Optimal));
    }

    #[test]
    fn solve_checks_the_parameters_first() {
        let bad = SolveParams { threads: 0, ..SolveParams::default() };
        let e = solve(&row(), &Constraints { k: 2, ..Default::default() }, &bad, Method::Heuristic).unwrap_err();
        assert_eq!(e, SolveError::Param(Invalid::Params(ParamsError::NoThreads)));
        assert_eq!(e.to_string(), "invalid parameter: threads must be at least 1");
    }

    #[test]
    fn an_ssd_solve_builds_no_medoid_matrix() {
        let inst = row();
        let cons = Constraints { k: 2, ..Default::default() };
        let ssd = SolveParams { objective: ObjectiveKind::Ssd, ..SolveParams::default() };
        for method in [Method::Heuristic, Method::Ward, Method::Skater, Method::Kmeans, Method::Auto] {
            solve(&inst, &cons, &ssd, method).unwrap();
        }
        assert!(!inst.medoid.is_built());
        solve(&inst, &cons, &SolveParams::default(), Method::Heuristic).unwrap();
        assert!(inst.medoid.is_built());
    }

    #[test]
    fn only_the_solvers_proof_is_a_solver_proof() {
        let labels = vec!["a".to_string()];
        assert!(SolveError::infeasible(Infeasibility::SolverProves { k: 2 }, &labels).is_solver_proof());
        assert!(!SolveError::infeasible(Infeasibility::CentreCannotLead { unit: 0 }, &labels).is_solver_proof());
        assert!(!SolveError::Infeasible("in words".into()).is_solver_proof());
    }
}
