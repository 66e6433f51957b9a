//! Group savings against a curve built by hand.

use super::*;

/// b = −0.2 at the centre; five draws whose b are −0.4, −0.3, −0.2, −0.1, 0 (shuffled) at
/// level 0.5, so that the range's quantiles 0.25 and 0.75 fall exactly on the draws with
/// b = −0.3 and b = −0.1 (h = 4·0.25 = 1 and 4·0.75 = 3).
fn hand_curve() -> CostCurve {
    CostCurve {
        function: "pol".into(),
        sample: "by hand".into(),
        n: 5,
        population_range: [1000.0, 3000.0],
        intercept: 6.0,
        elasticity: -0.2,
        elasticity_interval: [-0.3, -0.1],
        per_doubling: 2f64.powf(-0.2) - 1.0,
        per_doubling_interval: [2f64.powf(-0.3) - 1.0, 2f64.powf(-0.1) - 1.0],
        level: 0.5,
        r2: 0.5,
        bootstrap: 5,
        verdict: Verdict::GainsClearly,
        excluded: Vec::new(),
        draws: vec![(6.0, -0.1), (6.0, -0.4), (6.0, 0.0), (6.0, -0.3), (6.0, -0.2)],
    }
}

fn member(istat: &str, population: f64, spending_eur: Option<f64>) -> Member {
    Member { istat: istat.into(), population, spending_eur }
}

#[test]
fn two_members_save_by_hand() {
    let g = group_savings(&hand_curve(), &[member("A", 1000.0, Some(200_000.0)), member("B", 3000.0, Some(450_000.0))]);
    // P = 4000, current = 650,000.
    // b = −0.2: 4^−0.2 = 0.757858283, (4/3)^−0.2 = 0.944087511;
    //   200,000 · 0.757858283 = 151,571.6567; 450,000 · 0.944087511 = 424,839.3801;
    //   associated 576,411.0367, saving 73,588.9633 = 11.3214 % of 650,000.
    // b = −0.3: 4^−0.3 = 0.659753955, (4/3)^−0.3 = 0.917314755 → 131,950.7911 + 412,791.6396
    //   = 544,742.4307, saving 105,257.5693 = 16.1935 %.
    // b = −0.1: 4^−0.1 = 0.870550563, (4/3)^−0.1 = 0.971641658 → 174,110.1127 + 437,238.7460
    //   = 611,348.8587, saving 38,651.1413 = 5.9463 %.
    assert_eq!((g.counted.clone(), g.left_out.len()), (vec!["A".to_string(), "B".to_string()], 0));
    assert_eq!((g.population, g.current_eur), (4000.0, 650_000.0));
    let close = |a: f64, b: f64, tol: f64| assert!((a - b).abs() < tol, "{a} vs {b}");
    close(g.associated_eur, 576_411.036_7, 1e-3);
    close(g.savings_eur, 73_588.963_3, 1e-3);
    close(g.savings_share, 0.113214, 1e-6);
    close(g.associated_range[0], 544_742.430_7, 1e-3);
    close(g.associated_range[1], 611_348.858_7, 1e-3);
    close(g.savings_range[0], 38_651.141_3, 1e-3);
    close(g.savings_range[1], 105_257.569_3, 1e-3);
    close(g.savings_share_range[0], 0.059463, 1e-6);
    close(g.savings_share_range[1], 0.161935, 1e-6);
}

#[test]
fn one_member_saves_nothing() {
    let g = group_savings(&hand_curve(), &[member("A", 1000.0, Some(200_000.0))]);
    assert_eq!((g.current_eur, g.associated_eur, g.savings_eur, g.savings_share), (200_000.0, 200_000.0, 0.0, 0.0));
    assert_eq!((g.savings_range, g.savings_share_range, g.associated_range), ([0.0; 2], [0.0; 2], [200_000.0; 2]));
}

#[test]
fn a_member_without_spending_is_left_out_and_not_counted() {
    let members = [member("A", 1000.0, Some(200_000.0)), member("C", 5000.0, None), member("B", 3000.0, Some(450_000.0))];
    let g = group_savings(&hand_curve(), &members);
    assert_eq!(g.left_out, ["C"]);
    assert_eq!(g.counted, ["A", "B"]);
    // C's 5,000 residents neither enlarge P (still 4,000) nor add spending: as above.
    assert_eq!((g.population, g.current_eur), (4000.0, 650_000.0));
    assert!((g.associated_eur - 576_411.036_7).abs() < 1e-3);
}
