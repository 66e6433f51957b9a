//! A solver's answer ([`Outcome`]) and its errors ([`SolveError`]): a time or node limit
//! reached with a partition is an outcome status, not an error (good_lp's `SolutionStatus`).

use serde::Serialize;
use thiserror::Error;

use super::constraints::ConstraintProblem;
use super::params::ParamsError;
use super::presolve::Infeasibility;
use super::{Constraints, Instance, ObjectiveKind};
use crate::objective::Medoid;
use crate::partition::Partition;
use crate::status::{SolverKind, Status};

/// A solver's answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    /// Which solver produced the partition: `exact` when the exact search proved or found
    /// it, `heuristic` when an exact search only bounded the heuristic's partition (its gap is
    /// then the proof of how far from optimal it can be).
    pub method: SolverKind,
    /// The zones.
    #[serde(skip)]
    pub partition: Partition,
    /// Centre of each zone (medoid objective).
    pub centres: Option<Vec<usize>>,
    /// How it ended.
    pub status: Status,
    /// Objective value of `partition`.
    pub objective: f64,
    /// Best proven lower bound, when an exact solver ran.
    pub bound: Option<f64>,
    /// (objective − bound) / |objective|.
    pub gap: Option<f64>,
    /// Wall-clock seconds.
    pub seconds: f64,
}

impl Outcome {
    /// An answer without optimality claim: the partition scored by `kind`, with each zone's
    /// centre (its fixed centre if any, else its best member) for the medoid objective.
    pub(crate) fn unproven(
        inst: &Instance,
        cons: &Constraints,
        kind: ObjectiveKind,
        partition: Partition,
        method: SolverKind,
        clock: std::time::Instant,
    ) -> Outcome {
        let centres = kind.is_centred().then(|| super::heuristic::zone_centres(inst, cons, &partition));
        let objective = match &centres {
            Some(c) => Medoid { costs: inst.medoid.clone() }.evaluate_with(&partition, c),
            None => inst.objective(kind).evaluate(&partition),
        };
        Outcome {
            method,
            partition,
            centres,
            status: Status::Heuristic,
            objective,
            bound: None,
            gap: None,
            seconds: clock.elapsed().as_secs_f64(),
        }
    }
}

/// Errors solvers return; a time limit with a partition is an [`Outcome`], not an error.
#[derive(Debug, Error, PartialEq)]
pub enum SolveError {
    /// The constraints cannot all hold (proved from the data or by HiGHS); the reason says
    /// which and with what numbers.
    #[error("infeasible: {0}")]
    Infeasible(Explained<Infeasibility>),
    /// The search stopped without a partition meeting every constraint, and without a proof
    /// that none exists (a heuristic, or an exact search cut short by its limits).
    #[error("no partition found: {0}")]
    NotFound(NotFound),
    /// A parameter or constraint out of range.
    #[error("invalid parameter: {0}")]
    Param(Invalid),
    /// The MIP solver failed for a reason other than infeasibility or a limit.
    #[error("HiGHS failed: {0}")]
    Solver(String),
}

impl SolveError {
    /// An infeasibility proved from the data, rendered with the instance's labels.
    pub(crate) fn infeasible(reason: Infeasibility, labels: &[String]) -> SolveError {
        SolveError::Infeasible(Explained::new(reason, labels))
    }

    /// True when the MIP solver's exhausted search is the proof (not a pre-solve rule naming
    /// a culprit): callers restate it in their own terms.
    pub fn is_solver_proof(&self) -> bool {
        matches!(self, SolveError::Infeasible(e) if matches!(e.reason, Infeasibility::SolverProves { .. }))
    }
}

impl From<ParamsError> for SolveError {
    fn from(e: ParamsError) -> Self {
        SolveError::Param(Invalid::Params(e))
    }
}

/// Something a message names by unit index, rendered with the units' labels.
pub trait Render {
    /// The text, units named by `labels[unit]`.
    fn render(&self, labels: &[String]) -> String;
}

/// A typed reason with its text, rendered once against the instance's labels (errors
/// outlive the instance, so they keep the words with the indices).
#[derive(Debug, Clone, PartialEq)]
pub struct Explained<T> {
    /// What went wrong, with unit indices and numbers.
    pub reason: T,
    text: String,
}

impl<T: Render> Explained<T> {
    /// `reason` rendered with `labels`.
    pub fn new(reason: T, labels: &[String]) -> Self {
        let text = reason.render(labels);
        Explained { reason, text }
    }
}

impl<T> std::fmt::Display for Explained<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// A proof a caller states in its own words (e.g. plan's group-size arithmetic).
impl From<String> for Explained<Infeasibility> {
    fn from(text: String) -> Self {
        Explained { reason: Infeasibility::Stated(text.clone()), text }
    }
}

impl From<&str> for Explained<Infeasibility> {
    fn from(text: &str) -> Self {
        text.to_string().into()
    }
}

/// Why a search ended without a partition (and without a proof that none exists).
#[derive(Debug, Clone, PartialEq, Error)]
pub enum NotFound {
    /// The best partition of a search still breaks these constraints (already in words).
    #[error("the {method} search found no partition meeting every constraint; the best one breaks: {}{}", broken.join("; "), if *method == SolverKind::Heuristic { "" } else { " (the heuristic method searches further)" })]
    Unmet {
        /// The search that missed.
        method: SolverKind,
        /// What its best partition breaks.
        broken: Vec<String>,
    },
    /// The exact search's time limit came first.
    #[error("no {k} contiguous zones meeting the constraints were found within {seconds} s")]
    TimeLimit {
        /// Zones asked for.
        k: usize,
        /// The limit, seconds.
        seconds: f64,
    },
    /// The exact search's node limit came first.
    #[error("no {k} contiguous zones meeting the constraints were found within {nodes} branch-and-cut nodes")]
    NodeLimit {
        /// Zones asked for.
        k: usize,
        /// The limit, nodes.
        nodes: usize,
    },
    /// Neither the warm start nor HiGHS found a partition in time.
    #[error("neither the heuristic nor HiGHS found {k} zones meeting the constraints within {seconds} s")]
    NeitherFound {
        /// Zones asked for.
        k: usize,
        /// The limit, seconds.
        seconds: f64,
    },
    /// Max-p: not even one zone per separate piece was found.
    #[error("not even {lowest} zone(s) meeting the minimum bounds were found")]
    NoLowestCount {
        /// The number of separate pieces.
        lowest: usize,
    },
    /// Max-p: no count was found, perhaps because of the time limit (what it cut short).
    #[error("no count from {top} down to {lowest} zones meeting the bounds was found{}", if cut_short.is_empty() { String::new() } else { format!(" ({})", cut_short.join("; ")) })]
    NoCount {
        /// The highest count tried.
        top: usize,
        /// The lowest count tried.
        lowest: usize,
        /// What the time limit cut short.
        cut_short: Vec<String>,
    },
}

/// An input a solver refuses.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum Invalid {
    /// A setting out of range.
    #[error(transparent)]
    Params(#[from] ParamsError),
    /// Every problem of the constraints, listed.
    #[error("{0}")]
    Constraints(Explained<Vec<ConstraintProblem>>),
    /// The exact solver was asked for the SSD objective.
    #[error("the exact solver handles the medoid and pairwise objectives; SSD is not linear (the heuristic method handles it)")]
    SsdNotLinear,
    /// k-means was given constraints besides k.
    #[error("k-means is the non-spatial reference and takes only the number of zones; population, size, keep-together, keep-apart and centre constraints need another method")]
    KmeansTakesOnlyK,
    /// Max-p without a minimum bound.
    #[error("max-p needs a minimum zone population or size above one municipality")]
    MaxPNeedsMinimum,
    /// The heuristic's thread pool could not start.
    #[error("cannot start {threads} threads: {reason}")]
    Threads {
        /// Threads asked for.
        threads: usize,
        /// rayon's reason.
        reason: String,
    },
}
