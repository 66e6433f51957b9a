//! Tests of the economy module: the robust fit and its bootstrap (`fit`), spending files
//! (`parse`), group savings (`savings`). Synthetic and hand-made data only, built here (the
//! embedded fixtures are checked in tests/economic_fixture.rs).

mod fit;
mod parse;
mod savings;

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use super::*;

/// A row of function `pol`.
fn record(istat: &str, population: f64, spending_eur: f64) -> SpendingRecord {
    SpendingRecord { istat: istat.into(), name: format!("M{istat}"), function: "pol".into(), spending_eur, population }
}

/// `n` municipalities with ln p on an even grid from ln 500 to ln 50,000 and
/// ln(s/p) = 7 + b·ln p + N(0, sd²) noise from a seeded generator (Box–Muller).
fn synthetic(n: usize, b: f64, sd: f64, seed: u64) -> Vec<SpendingRecord> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let (lo, hi) = (500f64.ln(), 50_000f64.ln());
    (0..n)
        .map(|i| {
            let x = lo + (hi - lo) * i as f64 / (n - 1) as f64;
            let (u1, u2): (f64, f64) = (1.0 - rng.gen::<f64>(), rng.gen());
            let z = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
            let p = x.exp();
            record(&format!("{i:06}"), p, p * (7.0 + b * x + sd * z).exp())
        })
        .collect()
}

/// OLS slope of ln(s/p) on ln p by the closed form Σ(x − x̄)(y − ȳ) / Σ(x − x̄)².
fn ols_slope(rows: &[SpendingRecord]) -> f64 {
    let xy: Vec<(f64, f64)> = rows.iter().map(|r| (r.population.ln(), (r.spending_eur / r.population).ln())).collect();
    let n = xy.len() as f64;
    let (mx, my) = (xy.iter().map(|p| p.0).sum::<f64>() / n, xy.iter().map(|p| p.1).sum::<f64>() / n);
    let sxy: f64 = xy.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let sxx: f64 = xy.iter().map(|p| (p.0 - mx).powi(2)).sum();
    sxy / sxx
}

fn fit_all(rows: &[SpendingRecord], params: &CurveParams) -> Result<CostCurve, CurveError> {
    let refs: Vec<&SpendingRecord> = rows.iter().collect();
    fit("pol", "test sample", &refs, params)
}
