//! Economies of scale: what associated management saves, per function.
//!
//! Data flows: a [`SpendingTable`] (spending per municipality and function, with population)
//! → one [`CostCurve`] per function (a robust log–log fit of spending per resident against
//! population, with a bootstrap interval) → [`GroupSavings`] for a group of municipalities
//! served as one entity of their combined population. Pure: reads no file except through
//! [`SpendingTable::read`], prints nothing.
//!
//! The model. For a function, ln(spending per resident) = a + b · ln(population) + e, fitted by
//! Huber's M-estimator (robust to the outliers spending data always has). b is the
//! *elasticity* of spending per resident to size: b < 0 means larger entities spend less per
//! resident (an economy of scale); doubling the size changes spending per resident by
//! 2^b − 1. The interval of b is the percentile interval of a pairs bootstrap.
//!
//! A group's associated spending keeps each member's own level (its residual) and applies only
//! the size effect: Σᵢ sᵢ · (P / pᵢ)^b, with sᵢ, pᵢ the member's spending and population and P
//! the group's population; savings = Σᵢ sᵢ − that. The range repeats it for every bootstrap b.

mod curve;
mod huber;
mod savings;
mod spending;

pub use curve::{fit, CostCurve, CurveError, CurveParams, Excluded, Verdict, MIN_BOOTSTRAP};
pub use savings::{group_savings, total_savings, GroupSavings, Member};
pub use spending::{SpendingError, SpendingProblem, SpendingRecord, SpendingTable, DEFAULT_SPENDING_SOURCE};

#[cfg(test)]
mod tests;
