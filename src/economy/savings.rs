//! Savings of a group served as one entity.

use serde::Serialize;

use super::CostCurve;

/// A group member's current spending.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// ISTAT code.
    pub istat: String,
    /// Residents.
    pub population: f64,
    /// Current spending, €; `None` when unknown or excluded from the curve's sample (near zero:
    /// another body spends for it).
    pub spending_eur: Option<f64>,
}

/// Estimated spending of a group, now and associated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupSavings {
    /// Members with a known spending, counted in the estimate.
    pub counted: Vec<String>,
    /// Members left out (unknown or near-zero spending).
    pub left_out: Vec<String>,
    /// Residents of the counted members.
    pub population: f64,
    /// Their current spending, € per year.
    pub current_eur: f64,
    /// Estimated spending served as one entity, € per year (central fit).
    pub associated_eur: f64,
    /// Its range (bootstrap percentiles at the curve's level), low to high.
    pub associated_range: [f64; 2],
    /// current − associated, €.
    pub savings_eur: f64,
    /// Its range, low to high.
    pub savings_range: [f64; 2],
    /// savings / current (0.12 = 12 %).
    pub savings_share: f64,
    /// Its range, low to high.
    pub savings_share_range: [f64; 2],
}

/// The savings of `members` served as one entity of their combined population, by `curve`.
/// Fewer than two counted members save nothing (zero, with the members listed).
pub fn group_savings(curve: &CostCurve, members: &[Member]) -> GroupSavings {
    todo!("{} {}", curve.function, members.len())
}
