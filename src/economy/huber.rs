//! Huber's M-estimator of a straight line by iteratively reweighted least squares (Huber 1964,
//! "Robust estimation of a location parameter"; Holland & Welsch 1977), and the order
//! statistics the bootstrap needs. Pure numerics: knows nothing of spending or municipalities.

/// Huber's tuning constant: 95 % efficiency when the errors are normal.
const HUBER_K: f64 = 1.345;

/// MAD / 0.6745 estimates the standard deviation of normal errors.
const MAD_TO_SD: f64 = 0.6745;

/// Reweighting stops after this many rounds even if not converged (it converges in a few
/// dozen on real data; the cap only bounds the time).
const MAX_ITER: usize = 100;

/// Convergence: neither coefficient moves by more than this, relative to 1 + its size.
const TOL: f64 = 1e-10;

/// y = a + b · x.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Line {
    /// Intercept.
    pub a: f64,
    /// Slope.
    pub b: f64,
}

impl Line {
    fn residual(&self, x: f64, y: f64) -> f64 {
        y - self.a - self.b * x
    }
}

/// A robust fit and the weights of its last round.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct HuberFit {
    /// The line.
    pub line: Line,
    /// Huber weight of each point (1 inside k scale units, k·scale/|r| beyond).
    pub weights: Vec<f64>,
}

/// Weighted least squares (ordinary with `w = None`), on centred sums; `None` when the
/// weighted spread of x is zero. Callers check first that x is not constant: with equal x the
/// computed mean may differ from them by rounding and leave a spread of 1e-30.
pub(super) fn wls(x: &[f64], y: &[f64], w: Option<&[f64]>) -> Option<Line> {
    let wt = |i: usize| w.map_or(1.0, |w| w[i]);
    let (mut sw, mut sx, mut sy) = (0.0, 0.0, 0.0);
    for i in 0..x.len() {
        sw += wt(i);
        sx += wt(i) * x[i];
        sy += wt(i) * y[i];
    }
    let (mx, my) = (sx / sw, sy / sw);
    let (mut sxx, mut sxy) = (0.0, 0.0);
    for i in 0..x.len() {
        sxx += wt(i) * (x[i] - mx) * (x[i] - mx);
        sxy += wt(i) * (x[i] - mx) * (y[i] - my);
    }
    if !(sxx > 0.0 && sxx.is_finite()) {
        return None;
    }
    let b = sxy / sxx;
    Some(Line { a: my - b * mx, b })
}

/// Huber's M-estimator: starts from OLS; each round takes the scale as MAD/0.6745 of the
/// current residuals (MAD about their median), weighs each point by min(1, k·scale/|r|) with
/// k = 1.345 and refits by weighted least squares, until the coefficients stop moving (or
/// [`MAX_ITER`] rounds). A zero scale (more than half the points on the line) keeps the current
/// fit. Deterministic. `None` when x is constant.
///
/// # Complexity
/// O(n) per round (medians by selection).
pub(super) fn huber(x: &[f64], y: &[f64]) -> Option<HuberFit> {
    let mut line = wls(x, y, None)?;
    let mut weights = vec![1.0; x.len()];
    let mut r = vec![0.0; x.len()];
    for _ in 0..MAX_ITER {
        for i in 0..x.len() {
            r[i] = line.residual(x[i], y[i]);
        }
        let scale = mad(&mut r.clone()) / MAD_TO_SD;
        if !(scale > 0.0 && scale.is_finite()) {
            break;
        }
        for (w, r) in weights.iter_mut().zip(&r) {
            let u = r.abs() / scale;
            *w = if u <= HUBER_K { 1.0 } else { HUBER_K / u };
        }
        let next = wls(x, y, Some(&weights))?;
        let moved = (next.a - line.a).abs() > TOL * (1.0 + line.a.abs()) || (next.b - line.b).abs() > TOL * (1.0 + line.b.abs());
        line = next;
        if !moved {
            break;
        }
    }
    Some(HuberFit { line, weights })
}

/// Weighted R² of `line`: 1 − Σw·r² / Σw·(y − ȳ_w)²; 1 when y is constant (nothing to
/// explain, and the line explains it).
pub(super) fn weighted_r2(x: &[f64], y: &[f64], w: &[f64], line: &Line) -> f64 {
    let sw: f64 = w.iter().sum();
    let my = y.iter().zip(w).map(|(y, w)| w * y).sum::<f64>() / sw;
    let (mut res, mut tot) = (0.0, 0.0);
    for i in 0..x.len() {
        res += w[i] * line.residual(x[i], y[i]).powi(2);
        tot += w[i] * (y[i] - my).powi(2);
    }
    if tot > 0.0 {
        1.0 - res / tot
    } else {
        1.0
    }
}

/// Median (mean of the two middle values when the count is even); reorders `v`.
pub(super) fn median(v: &mut [f64]) -> f64 {
    let (n, m) = (v.len(), v.len() / 2);
    let (left, mid, _) = v.select_nth_unstable_by(m, f64::total_cmp);
    let hi = *mid;
    if n % 2 == 1 {
        hi
    } else {
        let lo = left.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (lo + hi) / 2.0
    }
}

/// Median absolute deviation about the median; reorders `v`.
fn mad(v: &mut [f64]) -> f64 {
    let m = median(v);
    for x in v.iter_mut() {
        *x = (*x - m).abs();
    }
    median(v)
}

/// The `q`-quantile (0–1) of sorted values by linear interpolation between order statistics
/// (Hyndman & Fan's type 7, the default of R and NumPy): at h = (n − 1)·q, the value
/// v⌊h⌋ + (h − ⌊h⌋)·(v⌊h⌋+1 − v⌊h⌋).
pub(super) fn quantile(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// The two-sided percentile interval at `level` of `values`: quantiles (1 − level)/2 and
/// (1 + level)/2 by [`quantile`]. `None` for no values.
pub(super) fn percentile_interval(mut values: Vec<f64>, level: f64) -> Option<[f64; 2]> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    Some([quantile(&values, (1.0 - level) / 2.0), quantile(&values, (1.0 + level) / 2.0)])
}
