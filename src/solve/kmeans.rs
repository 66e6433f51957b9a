//! k-means (linfa-clustering) on the same standardized features, ignoring contiguity: the
//! non-spatial reference. Its zones are usually scattered; the output counts how many are
//! disconnected, which shows the price of contiguity.

use std::time::Instant;

use linfa::prelude::*;
use linfa_clustering::KMeans;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::partition::Partition;
use crate::solve::{CheckedParams, Constraints, Instance, Invalid, Outcome, SolveError};

/// Runs k-means with 10 seeded restarts.
///
/// # Errors
/// [`SolveError::Param`] when any constraint besides `k` is set (k-means cannot honour them,
/// and silently ignoring them would mislead); [`SolveError::Solver`] if linfa rejects the data.
pub fn solve(inst: &Instance, cons: &Constraints, params: &CheckedParams) -> Result<Outcome, SolveError> {
    let clock = Instant::now();
    let plain = Constraints { k: cons.k, ..Constraints::default() };
    if *cons != plain {
        return Err(SolveError::Param(Invalid::KmeansTakesOnlyK));
    }
    let rng = Xoshiro256PlusPlus::seed_from_u64(params.seed);
    let data = DatasetBase::from(inst.x.clone());
    let model = KMeans::params_with_rng(cons.k, rng)
        .n_runs(10)
        .max_n_iterations(300)
        .tolerance(1e-9)
        .fit(&data)
        .map_err(|e| SolveError::Solver(format!("k-means: {e}")))?;
    let labels = model.predict(&inst.x);
    let partition = Partition::from_labels(labels.as_slice().expect("contiguous labels"));
    Ok(Outcome::unproven(inst, cons, params.objective, partition, crate::status::SolverKind::Kmeans, clock))
}
