//! Solver settings ([`SolveParams`]), their check ([`SolveParams::check`] → [`CheckedParams`],
//! linfa's `ParamGuard`), and every default the spec, compare and the CLI read, each stated
//! once here.

use std::ops::Deref;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Seed of every random choice when none is given (linfa seeds its k-means with 42 too).
pub const DEFAULT_SEED: u64 = 42;

/// Wall-clock limit of one exact solve, seconds, for library callers and `pianura zones`.
pub const DEFAULT_TIME_LIMIT: f64 = 60.0;

/// Seconds per exact solve of a plan whose spec leaves `solver.time_limit` out: a safety net
/// behind the node limits, shorter than a lone solve's because a plan runs many of them.
pub const PLAN_TIME_LIMIT: f64 = 20.0;

/// Branch-and-cut nodes per exact zone solve of a plan whose spec leaves `solver.node_limit`
/// out. (specs/default.toml states its own 60, so the default plan stays quick.)
pub const PLAN_NODE_LIMIT: usize = 400;

/// Branch-and-cut nodes per exact group solve of a plan whose spec leaves
/// `solver.group_node_limit` out: group problems are small, so proofs are cheap.
pub const PLAN_GROUP_NODE_LIMIT: usize = 2000;

/// Seconds per exact solve of a compare scenario that leaves `time_limit` out.
pub const SCENARIO_TIME_LIMIT: f64 = 30.0;

/// Relative MIP gap at which the exact solver stops when none is given.
pub const DEFAULT_MIP_GAP: f64 = 1e-6;

/// Worker threads of the heuristic when none are given (results do not depend on it).
pub const DEFAULT_THREADS: usize = 2;

/// Which score a solver minimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ObjectiveKind {
    /// Sum of squared deviations from zone means.
    Ssd,
    /// Sum of same-zone pairwise squared distances (p-regions).
    Pairwise,
    /// Sum of squared distances to each zone's centre municipality.
    #[default]
    Medoid,
    /// Σ residents × distance to the zone's lead unit (the p-median of location analysis).
    Pmedian,
    /// Σ residents × distance² to the zone's lead unit (Hess et al. 1965; the districting
    /// literature's objective).
    Hess,
}

impl ObjectiveKind {
    /// Led by a centre member (medoid, p-median, Hess): solved by the medoid machinery over
    /// the instance's cost matrix.
    pub fn is_centred(self) -> bool {
        matches!(self, ObjectiveKind::Medoid | ObjectiveKind::Pmedian | ObjectiveKind::Hess)
    }

    /// Measured in travel (distances and residents), not in features.
    pub fn is_travel(self) -> bool {
        matches!(self, ObjectiveKind::Pmedian | ObjectiveKind::Hess)
    }

    /// The name users write (`--objective`, the spec, JSON).
    pub fn name(self) -> &'static str {
        match self {
            ObjectiveKind::Ssd => "ssd",
            ObjectiveKind::Pairwise => "pairwise",
            ObjectiveKind::Medoid => "medoid",
            ObjectiveKind::Pmedian => "pmedian",
            ObjectiveKind::Hess => "hess",
        }
    }
}

/// Solver settings.
#[derive(Debug, Clone, PartialEq)]
pub struct SolveParams {
    /// Objective to minimise.
    pub objective: ObjectiveKind,
    /// Seed of every random choice (HiGHS's `random_seed` included).
    pub seed: u64,
    /// Wall-clock limit for the exact solver, seconds (≥ 0; 0 stops at once, ∞ never).
    pub time_limit: f64,
    /// Relative MIP gap at which the exact solver stops, in [0, 1).
    pub mip_gap: f64,
    /// Worker threads for the heuristic's starts (≥ 1); results do not depend on it. (The
    /// exact medoid search re-solves one LP at a time and runs single-threaded.)
    pub threads: usize,
    /// Heuristic starts; 0 picks a number from the instance size.
    pub starts: usize,
    /// Branch-and-cut nodes after which the exact medoid solver stops with its incumbent and
    /// gap: unlike a time limit, the same on every machine. 0 bounds nothing: the warm start
    /// is returned as it is.
    pub node_limit: Option<usize>,
}

impl Default for SolveParams {
    /// Medoid objective, [`DEFAULT_SEED`], [`DEFAULT_TIME_LIMIT`], [`DEFAULT_MIP_GAP`],
    /// [`DEFAULT_THREADS`], starts from the size, no node limit.
    fn default() -> Self {
        SolveParams {
            objective: ObjectiveKind::Medoid,
            seed: DEFAULT_SEED,
            time_limit: DEFAULT_TIME_LIMIT,
            mip_gap: DEFAULT_MIP_GAP,
            threads: DEFAULT_THREADS,
            starts: 0,
            node_limit: None,
        }
    }
}

/// A setting out of range: one variant per rule of [`SolveParams::check`], plus the medoid
/// options of [`crate::solve::Instance::with_medoid_options`].
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ParamsError {
    /// `time_limit` is NaN or negative.
    #[error("time limit must be a number of seconds ≥ 0, found {0}")]
    TimeLimit(f64),
    /// `mip_gap` outside [0, 1).
    #[error("MIP gap must be in [0, 1), found {0}")]
    MipGap(f64),
    /// `threads` is 0.
    #[error("threads must be at least 1")]
    NoThreads,
    /// A travel weight that is negative or not finite.
    #[error("travel weight must be a finite number ≥ 0, found {0}")]
    TravelWeight(f64),
    /// A travel term on an instance without points.
    #[error("a travel weight needs each municipality's point (lon, lat)")]
    TravelNeedsPoints,
    /// Travel costs asked for an objective that is not a travel one.
    #[error("`{}` is not a travel objective (pmedian or hess)", .0.name())]
    NotTravel(ObjectiveKind),
    /// A distance matrix of the wrong size.
    #[error("the distance matrix is {rows} × {cols}, the area has {n} units")]
    DistanceShape {
        /// Units of the instance.
        n: usize,
        /// Rows given.
        rows: usize,
        /// Columns given.
        cols: usize,
    },
    /// A centred objective solved on costs made for another one.
    #[error("the instance's costs are for `{}`, the solve asks for `{}`", .costs.name(), .asked.name())]
    CostsForOtherObjective {
        /// What the costs score.
        costs: ObjectiveKind,
        /// What the solve minimises.
        asked: ObjectiveKind,
    },
}

/// Checks travel-term options before any matrix is built.
pub(crate) fn check_travel_weight(travel_weight: f64) -> Result<(), ParamsError> {
    if !travel_weight.is_finite() || travel_weight < 0.0 {
        return Err(ParamsError::TravelWeight(travel_weight));
    }
    Ok(())
}

impl SolveParams {
    /// Checks every rule once, before any work; solvers take the result only.
    ///
    /// # Errors
    /// The first rule broken, as a [`ParamsError`].
    pub fn check(&self) -> Result<CheckedParams, ParamsError> {
        // 0 s is a meaningful budget (max-p hands inner solves the time left, which runs out).
        if self.time_limit.is_nan() || self.time_limit < 0.0 {
            return Err(ParamsError::TimeLimit(self.time_limit));
        }
        if !(0.0..1.0).contains(&self.mip_gap) {
            return Err(ParamsError::MipGap(self.mip_gap));
        }
        if self.threads == 0 {
            return Err(ParamsError::NoThreads);
        }
        Ok(CheckedParams(self.clone()))
    }

    /// HiGHS's `random_seed` (an int in 0..=2147483647) derived from [`SolveParams::seed`]:
    /// the seed itself when it fits, so seed 42 gives HiGHS 42.
    pub fn highs_seed(&self) -> i32 {
        (self.seed % (i32::MAX as u64 + 1)) as i32
    }
}

/// Settings that passed [`SolveParams::check`]; read them through `Deref`.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedParams(SolveParams);

impl Deref for CheckedParams {
    type Target = SolveParams;
    fn deref(&self) -> &SolveParams {
        &self.0
    }
}

impl CheckedParams {
    /// The same checked settings with another objective (every objective is valid).
    pub fn with_objective(&self, objective: ObjectiveKind) -> CheckedParams {
        CheckedParams(SolveParams { objective, ..self.0.clone() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok() -> SolveParams {
        SolveParams::default()
    }

    #[test]
    fn the_defaults_pass() {
        assert_eq!(*ok().check().unwrap(), ok());
        assert_eq!(ok().seed, 42);
    }

    #[test]
    fn time_limit_cannot_be_nan_or_negative() {
        for bad in [f64::NAN, -1.0, f64::NEG_INFINITY] {
            let e = SolveParams { time_limit: bad, ..ok() }.check().unwrap_err();
            assert!(matches!(e, ParamsError::TimeLimit(_)), "{bad}: {e}");
        }
        for fine in [0.0, 0.5, f64::INFINITY] {
            assert!(SolveParams { time_limit: fine, ..ok() }.check().is_ok(), "{fine}");
        }
        let e = SolveParams { time_limit: -1.0, ..ok() }.check().unwrap_err();
        assert_eq!(e.to_string(), "time limit must be a number of seconds ≥ 0, found -1");
    }

    #[test]
    fn mip_gap_must_be_in_zero_one() {
        for bad in [-1e-9, 1.0, 2.0, f64::NAN] {
            assert_eq!(
                SolveParams { mip_gap: bad, ..ok() }.check().map(|_| ()).map_err(|e| matches!(e, ParamsError::MipGap(_))),
                Err(true),
                "{bad}"
            );
        }
        assert!(SolveParams { mip_gap: 0.0, ..ok() }.check().is_ok());
        assert!(SolveParams { mip_gap: 0.999, ..ok() }.check().is_ok());
    }

    #[test]
    fn threads_cannot_be_zero() {
        assert_eq!(SolveParams { threads: 0, ..ok() }.check(), Err(ParamsError::NoThreads));
        assert!(SolveParams { threads: 1, ..ok() }.check().is_ok());
    }

    #[test]
    fn travel_weight_must_be_finite_and_non_negative() {
        for bad in [-1.0, f64::NAN, f64::INFINITY] {
            assert!(matches!(check_travel_weight(bad), Err(ParamsError::TravelWeight(_))), "{bad}");
        }
        assert_eq!(check_travel_weight(0.0), Ok(()));
        assert_eq!(check_travel_weight(2.5), Ok(()));
    }

    #[test]
    fn highs_seed_is_the_seed_when_it_fits() {
        assert_eq!(ok().highs_seed(), 42);
        assert_eq!(SolveParams { seed: i32::MAX as u64, ..ok() }.highs_seed(), i32::MAX);
        assert_eq!(SolveParams { seed: i32::MAX as u64 + 1, ..ok() }.highs_seed(), 0);
        assert!(SolveParams { seed: u64::MAX, ..ok() }.highs_seed() >= 0);
    }
}
