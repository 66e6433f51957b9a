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
