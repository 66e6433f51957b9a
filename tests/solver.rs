//! HiGHS is linked and solves a mixed-integer program through good_lp.

use good_lp::{constraint, default_solver, variable, ProblemVariables, Solution, SolverModel};

/// A knapsack small enough to check by hand: capacity 10; items (weight, value)
/// (5, 10), (4, 40), (6, 30), (3, 50). Best: items 2 and 4 (weight 7, value 90); adding
/// item 1 would weigh 12. The LP relaxation takes half of item 3 (value 105), so a correct
/// answer needs branching, not just the simplex.
#[test]
fn highs_solves_a_small_knapsack_to_its_known_optimum() {
    let (w, v) = ([5.0, 4.0, 6.0, 3.0], [10.0, 40.0, 30.0, 50.0]);
    let mut vars = ProblemVariables::new();
    let x: Vec<_> = (0..4).map(|_| vars.add(variable().binary())).collect();
    let value: good_lp::Expression = x.iter().zip(v).map(|(&xi, vi)| vi * xi).sum();
    let weight: good_lp::Expression = x.iter().zip(w).map(|(&xi, wi)| wi * xi).sum();
    let solution =
        vars.maximise(value.clone()).using(default_solver).with(constraint!(weight <= 10.0)).solve().expect("HiGHS solves the knapsack");
    assert!((solution.eval(&value) - 90.0).abs() < 1e-6);
    let picked: Vec<bool> = x.iter().map(|&xi| solution.value(xi) > 0.5).collect();
    assert_eq!(picked, vec![false, true, false, true]);
}
