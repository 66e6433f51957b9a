//! How a solve ended and which solver answered: the small vocabulary that solve writes and
//! plan, metrics and report read. A leaf module (it imports nothing from the crate), so that
//! readers of results need not depend on the solvers.

use serde::Serialize;

/// Largest area `--method auto` hands to the exact solver (municipalities); above it the
/// heuristic answers alone. Stated here because the report explains it.
pub const AUTO_EXACT_MAX_UNITS: usize = 120;

/// How a solve ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Proven optimal (within the MIP gap tolerance).
    Optimal,
    /// The time limit stopped the exact solver; the incumbent (the heuristic's or the
    /// search's, as the outcome's `method` says) is returned with its proven gap.
    TimeLimit,
    /// The node limit stopped the exact solver; the incumbent is returned with its proven gap.
    NodeLimit,
    /// A heuristic answer: no optimality claim.
    Heuristic,
}

/// Which solver produced a partition. Written in outputs as its lowercase name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SolverKind {
    /// The exact search proved or found the partition.
    Exact,
    /// The multi-start heuristic found it (an exact search may have bounded it: its gap is
    /// then the proof of how far from optimal it can be).
    Heuristic,
    /// Contiguity-constrained Ward agglomeration alone.
    Ward,
    /// SKATER spanning-tree cuts alone.
    Skater,
    /// k-means, ignoring contiguity.
    Kmeans,
}

impl SolverKind {
    /// The name written in outputs.
    pub fn name(self) -> &'static str {
        match self {
            SolverKind::Exact => "exact",
            SolverKind::Heuristic => "heuristic",
            SolverKind::Ward => "ward",
            SolverKind::Skater => "skater",
            SolverKind::Kmeans => "kmeans",
        }
    }
}

impl std::fmt::Display for SolverKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_name_equals_displayed_name() {
        for k in [SolverKind::Exact, SolverKind::Heuristic, SolverKind::Ward, SolverKind::Skater, SolverKind::Kmeans] {
            assert_eq!(serde_json::to_value(k).unwrap(), serde_json::Value::String(k.to_string()));
        }
    }
}
