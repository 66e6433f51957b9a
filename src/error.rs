//! The crate-wide error: one variant per module error, so callers of several stages (the
//! CLI, the coming Python package) can hold one type and `?` every stage into it, while
//! matching on the stage that failed; the message stays the module's own (file, row,
//! municipality).

use thiserror::Error;

/// Any error pianura's library can return.
#[derive(Debug, Error)]
pub enum Error {
    /// Reading or validating the study area.
    #[error(transparent)]
    Territory(#[from] crate::territory::TerritoryError),
    /// Building the adjacency graph.
    #[error(transparent)]
    Graph(#[from] crate::graph::GraphError),
    /// Joining, standardizing or weighting features.
    #[error(transparent)]
    Features(#[from] crate::features::FeatureError),
    /// Solving one partition.
    #[error(transparent)]
    Solve(#[from] crate::solve::SolveError),
    /// Solver settings out of range.
    #[error(transparent)]
    Params(#[from] crate::solve::ParamsError),
    /// Reading or checking a plan spec.
    #[error(transparent)]
    Spec(#[from] crate::plan::spec::SpecError),
    /// Reading collaborations.
    #[error(transparent)]
    Collab(#[from] crate::plan::collab::CollabError),
    /// Making a plan.
    #[error(transparent)]
    Plan(#[from] crate::plan::PlanError),
    /// Comparing scenarios.
    #[error(transparent)]
    Compare(#[from] crate::compare::CompareError),
    /// Sampling an ensemble.
    #[error(transparent)]
    Ensemble(#[from] crate::ensemble::EnsembleError),
    /// Writing outputs.
    #[error(transparent)]
    Output(#[from] crate::report::output::OutputError),
}

/// Problems as a message: one on its own, several counted with one per indented line.
pub(crate) fn list_problems(items: Vec<String>) -> String {
    match items.as_slice() {
        [one] => one.clone(),
        _ => {
            let mut s = format!("{} problems", items.len());
            for p in &items {
                s.push_str(&format!("\n  {p}"));
            }
            s
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stage_error_converts_and_keeps_its_message() {
        let e: Error = crate::solve::ParamsError::NoThreads.into();
        assert!(matches!(e, Error::Params(_)));
        assert_eq!(e.to_string(), "threads must be at least 1");
        let e: Error = crate::solve::SolveError::from(crate::solve::ParamsError::NoThreads).into();
        assert!(matches!(e, Error::Solve(_)));
        assert_eq!(e.to_string(), "invalid parameter: threads must be at least 1");
    }
}
