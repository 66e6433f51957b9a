//! The robust fit, its bootstrap interval, exclusions, verdicts and settings.

use super::*;

fn quick() -> CurveParams {
    CurveParams { bootstrap: 199, ..CurveParams::default() }
}

#[test]
fn recovers_a_known_elasticity_despite_gross_outliers() {
    // Seed 2: its noise alone gives an OLS slope of −0.1490 (seed 1's gives −0.1388, two
    // standard errors of 0.1/√353 = 0.0053 away, which a 90 % interval need not cover).
    let mut rows = synthetic(200, -0.15, 0.1, 2);
    let clean = ols_slope(&rows);
    // Five gross outliers: spending e^2.5 ≈ 12 times the curve's, at mid-to-large sizes
    // (x above the mean, so they pull the OLS slope up by about 5·1.15·2.5 / 353 ≈ 0.04).
    for r in &mut rows[150..155] {
        r.spending_eur *= 2.5f64.exp();
    }
    let c = fit_all(&rows, &CurveParams::default()).unwrap();
    assert!((c.elasticity + 0.15).abs() < 0.02, "{}", c.elasticity);
    assert!(c.elasticity_interval[0] < -0.15 && -0.15 < c.elasticity_interval[1], "{:?}", c.elasticity_interval);
    let ols = ols_slope(&rows);
    assert!((c.elasticity + 0.15).abs() < (ols + 0.15).abs(), "huber {} ols {ols}", c.elasticity);
    // Each outlier pulls Huber's normal equations by at most k·scale ≈ 1.345·0.1 instead of
    // 2.5: about 5·1.15·0.13 / 353 ≈ 0.002 from the clean fit, against OLS's 0.04.
    assert!((c.elasticity - clean).abs() < 0.005, "huber {} clean ols {clean}", c.elasticity);
    assert!((ols - clean) > 0.03, "ols {ols} clean {clean}");
    assert_eq!((c.n, c.bootstrap, c.draws.len()), (200, 999, 999));
    assert!(c.excluded.is_empty());
    // The grid's ends: e^ln 500 and e^ln 50,000, to rounding.
    assert!((c.population_range[0] - 500.0).abs() < 1e-6 && (c.population_range[1] - 50_000.0).abs() < 1e-6);
    // 2^−0.15 − 1 = −0.0987: within 0.02 of b that is −0.094 to −0.108.
    assert!((c.per_doubling - (2f64.powf(c.elasticity) - 1.0)).abs() < 1e-12);
    assert!(c.per_doubling_interval[0] < c.per_doubling && c.per_doubling < c.per_doubling_interval[1]);
}

#[test]
fn an_exact_line_is_fitted_exactly() {
    // s/p = e^(5 − 0.2 ln p) exactly: a = 5, b = −0.2, nothing left to explain.
    let rows: Vec<SpendingRecord> = [700.0, 1500.0, 4000.0, 9000.0, 20000.0, 31000.0]
        .iter()
        .enumerate()
        .map(|(i, &p)| record(&i.to_string(), p, p * (5.0 - 0.2 * f64::ln(p)).exp()))
        .collect();
    let c = fit_all(&rows, &quick()).unwrap();
    assert!((c.intercept - 5.0).abs() < 1e-9 && (c.elasticity + 0.2).abs() < 1e-9, "{} {}", c.intercept, c.elasticity);
    assert!((c.r2 - 1.0).abs() < 1e-9);
    // At p = 1000: e^(5 − 0.2·6.907755) = e^3.618449 = 37.2797.
    assert!((c.per_resident(1000.0) - 37.2797).abs() < 1e-3);
}

#[test]
fn fewer_points_give_a_wider_interval() {
    let width = |c: &CostCurve| c.elasticity_interval[1] - c.elasticity_interval[0];
    let many = fit_all(&synthetic(200, -0.15, 0.1, 2), &CurveParams::default()).unwrap();
    let few = fit_all(&synthetic(20, -0.15, 0.1, 2), &CurveParams::default()).unwrap();
    // The standard error grows as 1/√n: about √10 ≈ 3 times wider.
    assert!(width(&few) > 1.5 * width(&many), "{} vs {}", width(&few), width(&many));
}

#[test]
fn near_zero_spending_is_excluded_and_listed() {
    // Spending per resident of ten ordinary municipalities 80, 85, …, 125 €, one of 0 and one
    // of 10 €. Sorted, the twelve are 0, 10, 80, 85, 90, 95 | 100, …: median (95 + 100)/2 =
    // 97.5 €, a quarter of it 24.375 €: the 0 and the 10 are below, the 80 is not.
    let mut rows: Vec<SpendingRecord> = (0..10)
        .map(|i| {
            let p = 1000.0 + 1500.0 * i as f64;
            record(&format!("0170{i:02}"), p, p * (80.0 + 5.0 * i as f64))
        })
        .collect();
    rows.push(record("017100", 3000.0, 0.0));
    rows.push(record("017101", 5000.0, 5000.0 * 10.0));
    let c = fit_all(&rows, &quick()).unwrap();
    assert_eq!(c.n, 10);
    let ids: Vec<&str> = c.excluded.iter().map(|e| e.istat.as_str()).collect();
    assert_eq!(ids, ["017100", "017101"]);
    assert_eq!((c.excluded[0].per_resident_eur, c.excluded[1].per_resident_eur), (0.0, 10.0));
    let why = &c.excluded[1].reason;
    assert!(why.contains("10.00 €") && why.contains("25 %") && why.contains("97.50 €"), "{why}");
    assert!(why.contains("another body"), "{why}");
}

#[test]
fn verdicts_follow_the_interval_and_the_size_of_the_gain() {
    // b = −0.3: 2^−0.3 − 1 = −18.8 % per doubling, interval far below 0.
    let clear = fit_all(&synthetic(200, -0.3, 0.1, 3), &quick()).unwrap();
    assert_eq!(clear.verdict, Verdict::GainsClearly, "{:?}", clear.elasticity_interval);
    // b = −0.03 with little noise: interval below 0, but 2^−0.03 − 1 = −2.1 % > −5 %.
    let little = fit_all(&synthetic(200, -0.03, 0.01, 4), &quick()).unwrap();
    assert!(little.elasticity_interval[1] < 0.0, "{:?}", little.elasticity_interval);
    assert_eq!(little.verdict, Verdict::GainsLittle);
    // b = 0 with noise mirrored about the grid's middle: the fit is symmetric under x ↦ −x,
    // so its slope is 0 and the bootstrap interval straddles it.
    let mut flat = synthetic(40, 0.0, 0.1, 5);
    for i in 0..20 {
        let mirrored = flat[i].spending_eur / flat[i].population * flat[39 - i].population;
        flat[39 - i].spending_eur = mirrored;
    }
    let none = fit_all(&flat, &quick()).unwrap();
    assert!(none.elasticity.abs() < 1e-9, "{}", none.elasticity);
    assert_eq!(none.verdict, Verdict::None, "{:?}", none.elasticity_interval);
}

#[test]
fn same_seed_same_curve_other_seed_other_interval() {
    let rows = synthetic(60, -0.1, 0.15, 6);
    let a = fit_all(&rows, &quick()).unwrap();
    let b = fit_all(&rows, &quick()).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.draws, b.draws);
    let c = fit_all(&rows, &CurveParams { seed: 43, ..quick() }).unwrap();
    assert_eq!(a.elasticity, c.elasticity);
    assert_ne!(a.elasticity_interval, c.elasticity_interval);
}

#[test]
fn the_band_is_the_percentiles_of_the_draws() {
    // At p = 1 the draws predict e^a. Five draws, level 0.5: quantiles 0.25 and 0.75 fall on
    // h = 4·0.25 = 1 and 4·0.75 = 3, the 2nd and 4th smallest a: 1 and 3.
    let rows = synthetic(20, -0.1, 0.1, 7);
    let mut c = fit_all(&rows, &quick()).unwrap();
    c.level = 0.5;
    c.draws = vec![(4.0, -0.1), (0.0, -0.1), (3.0, -0.2), (1.0, 0.0), (2.0, -0.3)];
    let band = c.band(1.0);
    assert!((band[0] - 1f64.exp()).abs() < 1e-12 && (band[1] - 3f64.exp()).abs() < 1e-12, "{band:?}");
    // Level 0.9: h = 4·0.05 = 0.2 and 3.8, interpolating between the predictions (not the a):
    // e^0 + 0.2·(e^1 − e^0) = 1.343656; e^3 + 0.8·(e^4 − e^3) = 20.085537 + 0.8·34.512613
    // = 47.695627.
    c.level = 0.9;
    let band = c.band(1.0);
    assert!((band[0] - 1.343656).abs() < 1e-6 && (band[1] - 47.695627).abs() < 1e-6, "{band:?}");
}

#[test]
fn too_few_points_and_no_spread_are_errors() {
    let four = synthetic(4, -0.1, 0.1, 8);
    assert_eq!(fit_all(&four, &quick()), Err(CurveError::TooFewPoints { function: "pol".into(), n: 4 }));
    let same: Vec<SpendingRecord> = (0..6).map(|i| record(&i.to_string(), 2000.0, 200_000.0 + 1000.0 * i as f64)).collect();
    assert_eq!(fit_all(&same, &quick()), Err(CurveError::NoSpread { function: "pol".into() }));
}

#[test]
fn too_few_resamples_are_rejected() {
    let e = CurveParams { bootstrap: 98, ..CurveParams::default() }.check().unwrap_err();
    assert!(e.to_string().contains("at least 99") && e.to_string().contains("98"), "{e}");
    assert!(CurveParams { bootstrap: 99, ..CurveParams::default() }.check().is_ok());
}

#[test]
fn a_level_outside_zero_one_is_rejected() {
    for level in [0.0, 1.0, 90.0, f64::NAN] {
        let e = CurveParams { level, ..CurveParams::default() }.check().unwrap_err();
        assert!(matches!(e, CurveError::Params(ref m) if m.contains("level")), "{e}");
    }
}

#[test]
fn a_near_zero_share_outside_zero_one_is_rejected() {
    for near_zero_share in [-0.1, 1.0, f64::NAN] {
        let e = CurveParams { near_zero_share, ..CurveParams::default() }.check().unwrap_err();
        assert!(matches!(e, CurveError::Params(ref m) if m.contains("near_zero_share")), "{e}");
    }
    assert!(CurveParams { near_zero_share: 0.0, ..CurveParams::default() }.check().is_ok());
}
