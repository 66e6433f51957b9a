//! What a plan is: the output types `plan.json` serializes (area, zones, groups, metrics,
//! collaborations, the cross-function comparison) and the errors that stop a plan. Data only;
//! the tiers in [`super::zones`] and [`super::groups`] fill it in.

use std::collections::BTreeMap;

use serde::Serialize;

use super::economy::{FunctionEconomy, PlanEconomy};
use super::relax::Relaxation;
use super::spec::{self, Spec, SpecError};
use crate::solve::{Outcome, SolveError, SolverKind, Status};
use crate::territory::Territory;

/// A municipality as the plan names it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitRef {
    /// ISTAT code.
    pub istat: String,
    /// Name.
    pub name: String,
}

/// Tier 1.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaProfile {
    /// Display name from the spec.
    pub name: String,
    /// Municipalities.
    pub units: usize,
    /// Residents.
    pub population: f64,
    /// Surface, km².
    pub area_km2: f64,
    /// Connected pieces of the adjacency graph.
    pub components: usize,
    /// Municipalities with no neighbour.
    pub isolated: Vec<UnitRef>,
    /// The projection areas and distances are measured in (`EPSG:32632 (UTM zone 32N)`).
    pub projection: Option<String>,
}

/// How a partition was solved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SolverRecord {
    /// `exact` or `heuristic`.
    pub method: SolverKind,
    /// Proved optimal, stopped at a limit, or heuristic.
    pub status: Status,
    /// Objective value (medoid cost).
    pub objective: f64,
    /// Proven lower bound, for exact runs.
    pub bound: Option<f64>,
    /// Relative gap, for exact runs.
    pub gap: Option<f64>,
}

impl SolverRecord {
    pub(crate) fn of(o: &Outcome) -> Self {
        SolverRecord { method: o.method, status: o.status, objective: o.objective, bound: o.bound, gap: o.gap }
    }
}

/// A zone (tier 2).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ZonePlan {
    /// 1-based.
    pub id: usize,
    /// Members, by ISTAT code.
    pub members: Vec<UnitRef>,
    /// Lead municipality (the medoid).
    pub centre: UnitRef,
    /// Residents.
    pub population: f64,
    /// SSD of the members' weighted features around their mean.
    pub ssd: f64,
    /// Largest km between two members.
    pub diameter_km: Option<f64>,
    /// Ids of its groups.
    pub groups: Vec<String>,
    /// How its groups were solved (None when they could not be formed).
    pub group_solver: Option<SolverRecord>,
    /// When fewer groups might exist: a smaller count was not found but not proved impossible.
    pub group_note: Option<String>,
    /// Why the groups could not meet the bounds, with the smallest relaxation found.
    pub explanation: Option<String>,
}

/// A local group (tier 3).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupPlan {
    /// `zone.group`, e.g. `2.3`.
    pub id: String,
    /// Zone id.
    pub zone: usize,
    /// Members.
    pub members: Vec<UnitRef>,
    /// Lead municipality.
    pub centre: UnitRef,
    /// Residents.
    pub population: f64,
    /// SSD of the members' weighted features around their mean (as for zones).
    pub ssd: f64,
    /// Largest km between two members.
    pub diameter_km: Option<f64>,
    /// True when every group bound holds.
    pub meets_bounds: bool,
}

/// Quality of a function's plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanMetrics {
    /// SSD of the zones (weighted, standardized features).
    pub ssd: f64,
    /// R² of the zones.
    pub r2: f64,
    /// Pairwise heterogeneity of the zones.
    pub pairwise: f64,
    /// Smallest and largest zone population.
    pub zone_pop_min: f64,
    /// Largest zone population.
    pub zone_pop_max: f64,
    /// Coefficient of variation of zone populations (population balance).
    pub zone_pop_cv: f64,
    /// R² of the groups (as a partition of the whole area).
    pub group_r2: f64,
    /// Largest group diameter, km.
    pub max_group_diameter_km: Option<f64>,
    /// Groups meeting every bound / all groups.
    pub groups_meeting_bounds: String,
}

/// What happened to an existing collaboration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CollabOutcome {
    /// Its name.
    pub name: String,
    /// Members.
    pub members: Vec<UnitRef>,
    /// Kept in one zone and one group.
    pub kept: bool,
    /// Why it was split, when it was.
    pub reason: Option<String>,
    /// Member ISTAT codes outside the vast area (left out; the others are kept together).
    pub outside_area: Vec<String>,
    /// Where it is documented, when the collaborations file says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// One function's plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunctionPlan {
    /// Function id (`ict`).
    pub id: String,
    /// Display name.
    pub label: String,
    /// Short or medium term.
    pub horizon: spec::Horizon,
    /// Zones.
    pub zones: Vec<ZonePlan>,
    /// Groups, zone by zone.
    pub groups: Vec<GroupPlan>,
    /// How the zones were solved.
    pub zone_solver: SolverRecord,
    /// Why the zones do not follow the spec's bounds, and which relaxation they use instead.
    pub zone_explanation: Option<String>,
    /// Every bound the plan changed, zones first, then groups zone by zone: what was asked,
    /// what was used, why. Empty when the plan follows the spec.
    pub relaxations: Vec<Relaxation>,
    /// Quality figures.
    pub metrics: PlanMetrics,
    /// Existing collaborations and what became of them.
    pub collaborations: Vec<CollabOutcome>,
    /// Zone number and group id of every municipality (ISTAT → [zone, group]).
    pub assignment: BTreeMap<String, (usize, String)>,
    /// What its groups would spend served as one entity (None: no spending data for it).
    pub economy: Option<FunctionEconomy>,
}

/// Municipalities that share a group in every function, and those whose partners change most.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// Sets (≥ 2) always in the same group.
    pub always_together: Vec<Vec<UnitRef>>,
    /// Per municipality, mean Jaccard similarity of its group-mates across pairs of functions
    /// (1 = same partners everywhere), lowest first.
    pub stability: Vec<(UnitRef, f64)>,
}

/// The whole plan (what `plan.json` holds).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// The spec, echoed.
    pub spec: Spec,
    /// The seed.
    pub seed: u64,
    /// Tier 1.
    pub area: AreaProfile,
    /// One plan per function.
    pub functions: Vec<FunctionPlan>,
    /// Across functions.
    pub comparison: Comparison,
    /// What the inputs left to say that did not stop the plan (rows of an extra features CSV
    /// outside the area, …), as the reader worded it.
    pub input_warnings: Vec<String>,
    /// The raw values of the compared features, per municipality (before standardizing).
    pub features: UnitFeatures,
    /// Cost curves and spending (None: the plan was made without spending data).
    pub economy: Option<PlanEconomy>,
}

/// The compared features' raw values, for the outputs that list them per municipality.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitFeatures {
    /// Feature names, in the spec's order.
    pub names: Vec<String>,
    /// ISTAT → one value per name.
    pub values: BTreeMap<String, Vec<f64>>,
}

/// Wall-clock seconds per function and tier (kept out of `plan.json`, which must not vary).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Timings {
    /// Function id → (zones seconds, groups seconds).
    pub functions: BTreeMap<String, (f64, f64)>,
    /// Whole run.
    pub total: f64,
}

/// Errors that stop a plan before it starts (everything else is explained inside it).
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// The spec does not fit the area.
    #[error(transparent)]
    Spec(#[from] SpecError),
    /// Features cannot be selected or weighted.
    #[error(transparent)]
    Features(#[from] crate::features::FeatureError),
    /// The spending data lacks a function the spec prices with.
    #[error(transparent)]
    Spending(#[from] crate::economy::SpendingError),
    /// Tier 2 cannot be done for a function: no zones at all. The message includes the
    /// cause, so it is deliberately not exposed as `source()`: a printed chain shows it once.
    #[error("function `{function}`: {cause}")]
    Zones {
        /// Function id.
        function: String,
        /// Cause, naming the constraint and municipalities.
        cause: SolveError,
    },
    /// Strict mode: a bound would have to be relaxed.
    #[error(
        "function `{function}`: {} cannot be met ({}); strict mode (--strict, or solver.strict in the spec) refuses to relax it — the smallest change that works is {}",
        relaxation.key, relaxation.why, relaxation.change()
    )]
    Strict {
        /// Function id.
        function: String,
        /// The relaxation that strict mode refused.
        relaxation: Relaxation,
    },
    /// Strict mode: a zone's groups cannot meet the bounds and no single relaxation works.
    #[error("function `{function}`: {explanation}; strict mode (--strict, or solver.strict in the spec) requires every bound met")]
    StrictGroups {
        /// Function id.
        function: String,
        /// The zone, its municipalities and bounds.
        explanation: String,
    },
}

impl UnitRef {
    /// Unit `u` of `t`, by ISTAT code and name.
    pub(crate) fn of(t: &Territory, u: usize) -> Self {
        UnitRef { istat: t.units[u].istat.clone(), name: t.units[u].name.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_error_names_the_function_and_prints_its_cause_once() {
        let cause = SolveError::Infeasible("min zone population 20000 exceeds the 18500 of component {017103 Manerbio}".into());
        let err = PlanError::Zones { function: "ict".into(), cause };
        assert_eq!(
            err.to_string(),
            "function `ict`: infeasible: min zone population 20000 exceeds the 18500 of component {017103 Manerbio}"
        );
        assert!(std::error::Error::source(&err).is_none());
    }
}
