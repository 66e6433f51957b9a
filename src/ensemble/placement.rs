//! Placing a given plan: the checks a plan from a file must pass before the chain can place
//! it ([`plan_from_labels`]), and the chain's first plan ([`start_plan`]).

use std::collections::{BTreeMap, BTreeSet};

use super::{bounds, is_balanced, EnsembleError};
use crate::partition::{Adjacency, Partition};
use crate::solve::{self, Constraints, Instance, Method, ObjectiveKind, SolveError, SolveParams};
use crate::territory::Territory;

/// One reason a plan cannot be placed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanProblem {
    /// An ISTAT code that is not a municipality of the area.
    #[error("ISTAT code {istat} is not a municipality of the area")]
    UnknownUnit {
        /// The code.
        istat: String,
    },
    /// A municipality of the area with no zone.
    #[error("municipality {unit} has no zone in the plan")]
    MissingUnit {
        /// `istat name`.
        unit: String,
    },
    /// The plan has a different number of zones.
    #[error("the plan has {found} zones ({zones}), expected k = {k}")]
    ZoneCount {
        /// Zones in the plan.
        found: usize,
        /// Zones asked for.
        k: usize,
        /// The plan's zone numbers, comma-separated.
        zones: String,
    },
    /// A zone falls apart into pieces.
    #[error("zone {zone} is not contiguous: {pieces} pieces, cut off from its largest piece: {detached}")]
    NotContiguous {
        /// The plan's zone number.
        zone: u64,
        /// Connected pieces.
        pieces: usize,
        /// `istat name` of the municipalities outside the largest piece (up to 6, then "…").
        detached: String,
    },
}

/// A plan given as ISTAT code → zone number (any numbers; `pianura zones --json` uses 1..=k),
/// checked against the area: every municipality exactly once, no unknown code, exactly `k`
/// zones, each contiguous on `adj`. Balance is not checked (see [`is_balanced`]).
///
/// # Errors
/// [`EnsembleError::Plan`] listing every problem, naming ISTAT codes and zone numbers.
pub fn plan_from_labels(t: &Territory, adj: &Adjacency, labels: &BTreeMap<String, u64>, k: usize) -> Result<Partition, EnsembleError> {
    let mut problems = Vec::new();
    let mut given: Vec<Option<u64>> = vec![None; t.len()];
    for (istat, &z) in labels {
        match t.find(istat) {
            Some(id) => given[id.index()] = Some(z),
            None => problems.push(PlanProblem::UnknownUnit { istat: istat.clone() }),
        }
    }
    for (u, z) in t.units.iter().zip(&given) {
        if z.is_none() {
            problems.push(PlanProblem::MissingUnit { unit: u.to_string() });
        }
    }
    let distinct: BTreeSet<u64> = given.iter().flatten().copied().collect();
    if distinct.len() != k {
        let zones = distinct.iter().map(u64::to_string).collect::<Vec<_>>().join(", ");
        problems.push(PlanProblem::ZoneCount { found: distinct.len(), k, zones });
    }
    let Some(zone_numbers) = given.into_iter().collect::<Option<Vec<u64>>>() else {
        return Err(EnsembleError::Plan { problems });
    };
    // Dense labels (position among the plan's zone numbers): never index by a number read
    // from a file.
    let order: Vec<u64> = distinct.into_iter().collect();
    let dense: Vec<usize> = zone_numbers.iter().map(|z| order.binary_search(z).unwrap_or(0)).collect();
    let p = Partition::from_labels(&dense);
    let mut broken = Vec::new();
    for z in 0..p.k() {
        let mut pieces = p.zone_pieces(adj, z);
        let count = pieces.len();
        if count > 1 {
            // The largest piece stays (ties: the one with the lowest member); list the rest.
            let keep = (0..pieces.len()).max_by_key(|&i| (pieces[i].len(), std::cmp::Reverse(i))).unwrap_or(0);
            let kept = pieces.swap_remove(keep);
            let mut rest: Vec<usize> = pieces.into_iter().flatten().collect();
            rest.sort_unstable();
            let mut names: Vec<String> = rest.iter().take(6).map(|&u| t.units[u].to_string()).collect();
            if rest.len() > 6 {
                names.push("…".into());
            }
            let zone = zone_numbers[kept[0]];
            broken.push((zone, PlanProblem::NotContiguous { zone, pieces: count, detached: names.join(", ") }));
        }
    }
    // By the plan's zone number, not by lowest member.
    broken.sort_by_key(|(zone, _)| *zone);
    problems.extend(broken.into_iter().map(|(_, b)| b));
    if problems.is_empty() {
        Ok(p)
    } else {
        Err(EnsembleError::Plan { problems })
    }
}

/// Where the chain starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// The given plan, which is within the balance bound.
    Plan,
    /// The heuristic's best SSD plan under the balance bound.
    Heuristic,
}

impl Start {
    /// `plan` or `heuristic`, as ensemble.json writes it.
    pub fn name(self) -> &'static str {
        match self {
            Start::Plan => "plan",
            Start::Heuristic => "heuristic",
        }
    }
}

/// The chain's first plan: `given` when it is balanced (the chain may only visit balanced
/// plans), else the heuristic's best SSD plan with every zone within [`bounds`]; `k` zones.
///
/// # Errors
/// The [`SolveError`] of the heuristic when no balanced contiguous plan is found.
pub fn start_plan(inst: &Instance, given: Option<&Partition>, k: usize, balance: f64, seed: u64) -> Result<(Partition, Start), SolveError> {
    if let Some(p) = given.filter(|p| is_balanced(&inst.pop, p, k, balance)) {
        return Ok((p.clone(), Start::Plan));
    }
    let (lo, hi) = bounds(&inst.pop, k, balance);
    let cons = Constraints { k, min_pop: Some(lo), max_pop: Some(hi), ..Constraints::default() };
    let params = SolveParams { objective: ObjectiveKind::Ssd, seed, ..SolveParams::default() };
    let best = solve::solve(inst, &cons, &params, Method::Heuristic)?;
    Ok((best.partition, Start::Heuristic))
}
