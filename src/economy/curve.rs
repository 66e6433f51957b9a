//! The cost curve of one function: ln(spending per resident) = a + b · ln(population).

use serde::Serialize;
use thiserror::Error;

use super::SpendingRecord;

/// Settings of a fit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CurveParams {
    /// Bootstrap resamples (999 by default).
    pub bootstrap: usize,
    /// Seed of the resampling (same seed, same interval).
    pub seed: u64,
    /// Two-sided level of the interval (0.90 by default).
    pub level: f64,
    /// A municipality whose spending per resident is below this share of the sample's median
    /// (0.25 by default) is excluded: another body (a union, a convention) probably spends for
    /// it, and its near-zero spending says nothing of its cost.
    pub near_zero_share: f64,
}

impl Default for CurveParams {
    fn default() -> Self {
        CurveParams { bootstrap: 999, seed: 42, level: 0.90, near_zero_share: 0.25 }
    }
}

/// A municipality left out of a fit, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Excluded {
    /// ISTAT code.
    pub istat: String,
    /// Name.
    pub name: String,
    /// Its spending per resident, €.
    pub per_resident_eur: f64,
    /// Why (near zero: another body probably spends for it).
    pub reason: String,
}

/// What the curve says about association, in one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The interval of b lies below 0 and doubling the size cuts spending per resident by at
    /// least 5 %.
    GainsClearly,
    /// The interval of b lies below 0, but doubling the size cuts less than 5 %.
    GainsLittle,
    /// The interval of b reaches 0 or above: association brings no measurable saving here.
    None,
}

/// A fitted cost curve.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostCurve {
    /// The function id of the spending data.
    pub function: String,
    /// The sample in words (`42 municipalities of the area`, `1,502 Lombard municipalities`).
    pub sample: String,
    /// Points used by the fit.
    pub n: usize,
    /// Smallest and largest population of the points used.
    pub population_range: [f64; 2],
    /// Intercept a (ln € per resident at population 1).
    pub intercept: f64,
    /// Elasticity b of spending per resident to population.
    pub elasticity: f64,
    /// Its bootstrap percentile interval at `level`.
    pub elasticity_interval: [f64; 2],
    /// Change of spending per resident when the size doubles, 2^b − 1 (−0.12 = 12 % less).
    pub per_doubling: f64,
    /// The same for the ends of the interval.
    pub per_doubling_interval: [f64; 2],
    /// Level of the intervals.
    pub level: f64,
    /// Share of the variance of ln spending per resident the line explains (robust weights).
    pub r2: f64,
    /// Bootstrap resamples used.
    pub bootstrap: usize,
    /// The verdict.
    pub verdict: Verdict,
    /// Municipalities left out, and why.
    pub excluded: Vec<Excluded>,
    /// The bootstrap draws (a, b), for the band and the savings ranges.
    #[serde(skip)]
    pub draws: Vec<(f64, f64)>,
}

/// Errors fitting a curve.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum CurveError {
    /// Fewer than 5 usable points.
    #[error("function `{function}`: {n} usable municipalities, a cost curve needs at least 5")]
    TooFewPoints {
        /// The function.
        function: String,
        /// Usable points.
        n: usize,
    },
    /// Every usable point has the same population.
    #[error("function `{function}`: every municipality has the same population, the curve's slope is undefined")]
    NoSpread {
        /// The function.
        function: String,
    },
    /// Bad settings.
    #[error("cost curve settings: {0}")]
    Params(String),
}

impl CostCurve {
    /// Spending per resident the curve predicts at `population` (central fit), €.
    pub fn per_resident(&self, population: f64) -> f64 {
        (self.intercept + self.elasticity * population.ln()).exp()
    }

    /// The band of spending per resident at `population`: the bootstrap percentiles at `level`.
    pub fn band(&self, population: f64) -> [f64; 2] {
        todo!("{population}")
    }
}

/// Fits the curve of `function` on `rows` (its rows of a [`super::SpendingTable`]), labelled
/// `sample`.
///
/// # Errors
/// [`CurveError`] when too few points remain or the settings are out of range.
pub fn fit(function: &str, sample: &str, rows: &[&SpendingRecord], params: &CurveParams) -> Result<CostCurve, CurveError> {
    todo!("{function} {sample} {} {params:?}", rows.len())
}
