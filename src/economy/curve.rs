//! The cost curve of one function: ln(spending per resident) = a + b · ln(population).

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;
use serde::Serialize;
use thiserror::Error;

use super::huber::{huber, median, percentile_interval, weighted_r2};
use super::SpendingRecord;

/// Fewest points a curve is fitted on.
const MIN_POINTS: usize = 5;

/// Fewest bootstrap resamples: the 5 % tail of a 90 % interval then rests on at least 5 draws.
pub const MIN_BOOTSTRAP: usize = 99;

/// Doubling the size must cut spending per resident by at least this share (5 %) for
/// [`Verdict::GainsClearly`].
const CLEAR_GAIN_PER_DOUBLING: f64 = -0.05;

/// Settings of a fit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CurveParams {
    /// Bootstrap resamples (999 by default; at least [`MIN_BOOTSTRAP`]).
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

impl CurveParams {
    /// Checks the settings; [`fit`] calls it before any work.
    ///
    /// # Errors
    /// [`CurveError::Params`]: fewer than [`MIN_BOOTSTRAP`] resamples, a level outside (0, 1),
    /// a near-zero share outside [0, 1).
    pub fn check(&self) -> Result<(), CurveError> {
        if self.bootstrap < MIN_BOOTSTRAP {
            return Err(CurveError::Params(format!(
                "bootstrap must be at least {MIN_BOOTSTRAP} resamples (a percentile interval needs draws in its tails), found {}",
                self.bootstrap
            )));
        }
        if !(self.level > 0.0 && self.level < 1.0) {
            return Err(CurveError::Params(format!("level must be a share strictly between 0 and 1 (0.90 = 90 %), found {}", self.level)));
        }
        if !(self.near_zero_share >= 0.0 && self.near_zero_share < 1.0) {
            return Err(CurveError::Params(format!(
                "near_zero_share must be a share of the median in [0, 1) (0.25 = 25 %), found {}",
                self.near_zero_share
            )));
        }
        Ok(())
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
    /// Without draws (a curve built by hand) the band is the central value.
    pub fn band(&self, population: f64) -> [f64; 2] {
        let values = self.draws.iter().map(|(a, b)| (a + b * population.ln()).exp()).collect();
        percentile_interval(values, self.level).unwrap_or_else(|| [self.per_resident(population); 2])
    }
}

/// Fits the curve of `function` on `rows` (its rows of a [`super::SpendingTable`]), labelled
/// `sample`.
///
/// Rows without a usable population or spending (not finite, population ≤ 0), with zero
/// spending, or spending per resident below `near_zero_share` × the median of the rows are
/// left out and listed in [`CostCurve::excluded`]. The rest are fitted by Huber's M-estimator
/// on (ln p, ln s/p); the interval is the percentile interval (type 7, linear interpolation)
/// of a pairs bootstrap: resample `i` draws n points with replacement from its own
/// Xoshiro256++ seeded from `(seed, i)` (a resample whose populations are all equal is drawn
/// again from the same stream), so results do not depend on the thread count.
///
/// # Errors
/// [`CurveError`] when too few points remain or the settings are out of range.
///
/// # Complexity
/// O(bootstrap · n · rounds), rounds of reweighting being a few dozen; on rayon's threads.
pub fn fit(function: &str, sample: &str, rows: &[&SpendingRecord], params: &CurveParams) -> Result<CostCurve, CurveError> {
    params.check()?;
    let mut excluded = Vec::new();
    let mut usable = Vec::new();
    for &r in rows {
        if r.population.is_finite() && r.population > 0.0 && r.spending_eur.is_finite() && r.spending_eur >= 0.0 {
            usable.push((r, r.spending_eur / r.population));
        } else {
            excluded.push(Excluded {
                istat: r.istat.clone(),
                name: r.name.clone(),
                per_resident_eur: 0.0,
                reason: format!("spending {} € for {} residents is not a usable amount", r.spending_eur, r.population),
            });
        }
    }
    let med = if usable.is_empty() { 0.0 } else { median(&mut usable.iter().map(|u| u.1).collect::<Vec<_>>()) };
    let floor = params.near_zero_share * med;
    let mut points = Vec::new();
    for (r, per) in usable {
        if r.spending_eur == 0.0 || per < floor {
            excluded.push(Excluded {
                istat: r.istat.clone(),
                name: r.name.clone(),
                per_resident_eur: per,
                reason: format!(
                    "spending per resident {per:.2} € is below {} % of the sample's median {med:.2} €: another body (a union or convention) probably spends for it",
                    (params.near_zero_share * 1000.0).round() / 10.0
                ),
            });
        } else {
            points.push(r);
        }
    }
    if points.len() < MIN_POINTS {
        return Err(CurveError::TooFewPoints { function: function.to_string(), n: points.len() });
    }
    let x: Vec<f64> = points.iter().map(|r| r.population.ln()).collect();
    let y: Vec<f64> = points.iter().map(|r| (r.spending_eur / r.population).ln()).collect();
    let no_spread = || CurveError::NoSpread { function: function.to_string() };
    if x.iter().all(|&v| v == x[0]) {
        return Err(no_spread());
    }
    let central = huber(&x, &y).ok_or_else(no_spread)?;
    let r2 = weighted_r2(&x, &y, &central.weights, &central.line);
    let draws: Vec<(f64, f64)> = (0..params.bootstrap).into_par_iter().map(|i| resample(&x, &y, params.seed, i)).collect();
    let b = central.line.b;
    let interval = percentile_interval(draws.iter().map(|d| d.1).collect(), params.level).unwrap_or([b, b]);
    let doubling = |b: f64| 2f64.powf(b) - 1.0;
    let per_doubling = doubling(b);
    let verdict = if interval[1] < 0.0 && per_doubling <= CLEAR_GAIN_PER_DOUBLING {
        Verdict::GainsClearly
    } else if interval[1] < 0.0 {
        Verdict::GainsLittle
    } else {
        Verdict::None
    };
    let pops = points.iter().map(|r| r.population);
    Ok(CostCurve {
        function: function.to_string(),
        sample: sample.to_string(),
        n: points.len(),
        population_range: [pops.clone().fold(f64::INFINITY, f64::min), pops.fold(f64::NEG_INFINITY, f64::max)],
        intercept: central.line.a,
        elasticity: b,
        elasticity_interval: interval,
        per_doubling,
        // 2^b − 1 increases with b, so the ends map to the ends.
        per_doubling_interval: [doubling(interval[0]), doubling(interval[1])],
        level: params.level,
        r2,
        bootstrap: params.bootstrap,
        verdict,
        excluded,
        draws,
    })
}

/// Bootstrap resample `i`: n pairs drawn with replacement, refitted by Huber; its own RNG
/// from `(seed, i)` (as `compare`'s bootstrap seeds its runs).
fn resample(x: &[f64], y: &[f64], seed: u64, i: usize) -> (f64, f64) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed ^ (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let n = x.len();
    let (mut bx, mut by) = (vec![0.0; n], vec![0.0; n]);
    // The caller checked that x is not constant, so a redraw ends with probability 1.
    loop {
        for j in 0..n {
            let k = rng.gen_range(0..n);
            bx[j] = x[k];
            by[j] = y[k];
        }
        if bx.iter().any(|&v| v != bx[0]) {
            if let Some(f) = huber(&bx, &by) {
                return (f.line.a, f.line.b);
            }
        }
    }
}
