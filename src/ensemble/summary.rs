//! Where a plan sits among the chain's samples: percentiles, quantiles and a histogram of R².

use serde::Serialize;

use super::Sample;

/// Share of samples at or below `value` (a percentile in 0–100).
pub fn percentile(values: &[f64], value: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    100.0 * values.iter().filter(|&&v| v <= value).count() as f64 / values.len() as f64
}

/// Where a plan sits among the chain's samples.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Samples.
    pub samples: usize,
    /// The plan's R².
    pub plan_r2: f64,
    /// The plan's imbalance.
    pub plan_imbalance: f64,
    /// Whether every zone of the plan is within the balance bound (a plan outside it is
    /// still placed, but compares with samples that all are within).
    pub plan_within_balance: bool,
    /// Percent of samples with R² at or below the plan's (high = better than chance).
    pub r2_percentile: f64,
    /// Percent of samples with imbalance at or below the plan's (low = better balanced).
    pub imbalance_percentile: f64,
    /// R² of the samples: min, 5th, 50th, 95th percentile, max.
    pub r2_quantiles: [f64; 5],
    /// Histogram of sample R²: 20 bins from the smallest to the largest value seen
    /// (plan included), as (lower edge, upper edge, count).
    pub r2_histogram: Vec<(f64, f64, usize)>,
}

/// Summarises samples against a plan; `plan_within_balance` from [`is_balanced`].
pub fn summarize(samples: &[Sample], plan: Sample, plan_within_balance: bool) -> Summary {
    let mut r2: Vec<f64> = samples.iter().map(|s| s.r2).collect();
    r2.sort_by(f64::total_cmp);
    let q = |p: f64| if r2.is_empty() { f64::NAN } else { r2[((r2.len() - 1) as f64 * p).round() as usize] };
    let imb: Vec<f64> = samples.iter().map(|s| s.imbalance).collect();
    let lo = r2.first().copied().unwrap_or(plan.r2).min(plan.r2);
    let hi = r2.last().copied().unwrap_or(plan.r2).max(plan.r2);
    let width = ((hi - lo) / 20.0).max(1e-12);
    let mut counts = [0usize; 20];
    for v in &r2 {
        counts[(((v - lo) / width) as usize).min(19)] += 1;
    }
    Summary {
        samples: samples.len(),
        plan_r2: plan.r2,
        plan_imbalance: plan.imbalance,
        plan_within_balance,
        r2_percentile: percentile(&r2, plan.r2),
        imbalance_percentile: percentile(&imb, plan.imbalance),
        r2_quantiles: [q(0.0), q(0.05), q(0.5), q(0.95), q(1.0)],
        r2_histogram: counts.iter().enumerate().map(|(i, &c)| (lo + i as f64 * width, lo + (i + 1) as f64 * width, c)).collect(),
    }
}
