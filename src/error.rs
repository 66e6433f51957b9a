//! The crate-wide error: one variant per module error, so callers can match on the stage
//! that failed while the message keeps the module's location (file, row, municipality).

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
}
