//! Bad inputs: command-line flags. Every numeric flag is checked when the command line is
//! read, before any work, and the message names the flag and the rule it breaks.

use crate::harness::*;

/// A three-unit area in a row, without population: `units.csv` + `edges.csv` in `area/`.
fn area_without_population(sb: &Sandbox) -> String {
    sb.write("area/units.csv", "istat,name,x\n017103,Manerbio,1\n017089,Offlaga,2\n017137,San Gervasio Bresciano,3\n");
    sb.write("area/edges.csv", "a,b\n017103,017089\n017089,017137\n");
    "area".into()
}

#[test]
fn a_negative_time_limit_names_the_flag_not_an_unexpected_argument() {
    let e = Sandbox::new().fails(&["zones", "--k", "3", "--time-limit", "-1"], &["--time-limit", "seconds > 0"]);
    assert!(!e.contains("unexpected argument"), "{e}");
}

#[test]
fn a_negative_time_limit_after_an_equals_sign() {
    Sandbox::new().fails(&["zones", "--k", "3", "--time-limit=-1"], &["--time-limit", "seconds > 0"]);
}

#[test]
fn a_nan_time_limit() {
    Sandbox::new().fails(&["zones", "--k", "3", "--time-limit", "nan"], &["--time-limit", "not a finite number"]);
}

#[test]
fn a_zero_time_limit() {
    Sandbox::new().fails(&["zones", "--k", "3", "--time-limit", "0"], &["--time-limit", "seconds > 0"]);
}

#[test]
fn a_plan_time_limit_below_zero() {
    Sandbox::new().fails(&["plan", "--time-limit", "-1", "--out", "prev"], &["--time-limit", "seconds > 0"]);
}

#[test]
fn a_negative_seed() {
    Sandbox::new().fails(&["zones", "--k", "3", "--seed", "-1"], &["--seed", "negative"]);
}

#[test]
fn a_seed_that_is_not_a_number() {
    Sandbox::new().fails(&["plan", "--seed", "abc", "--out", "prev"], &["--seed", "\"abc\" is not a seed"]);
}

#[test]
fn a_seed_beyond_u64() {
    Sandbox::new().fails(&["ensemble", "--k", "3", "--seed", "18446744073709551616"], &["--seed", "not a seed"]);
}

#[test]
fn a_negative_population_minimum() {
    Sandbox::new().fails(&["zones", "--k", "3", "--min-pop", "-5"], &["--min-pop", "negative"]);
}

#[test]
fn a_negative_population_minimum_after_an_equals_sign() {
    Sandbox::new().fails(&["zones", "--k", "3", "--min-pop=-5"], &["--min-pop", "negative"]);
}

#[test]
fn a_nan_population_minimum() {
    Sandbox::new().fails(&["zones", "--k", "3", "--min-pop", "nan"], &["--min-pop", "not a finite number"]);
}

#[test]
fn an_infinite_population_maximum() {
    Sandbox::new().fails(&["zones", "--k", "3", "--max-pop", "inf"], &["--max-pop", "not a finite number"]);
}

#[test]
fn a_population_minimum_above_the_maximum() {
    Sandbox::new()
        .fails(&["zones", "--k", "3", "--min-pop", "5000", "--max-pop", "1000"], &["min population 5000 exceeds max population 1000"]);
}

#[test]
fn a_negative_balance() {
    Sandbox::new().fails(&["ensemble", "--k", "3", "--balance", "-0.1"], &["--balance", "outside (0, 1]"]);
}

#[test]
fn a_balance_above_one() {
    Sandbox::new().fails(&["ensemble", "--k", "3", "--balance", "1.5"], &["--balance", "outside (0, 1]"]);
}

#[test]
fn zero_samples() {
    Sandbox::new().fails(&["ensemble", "--k", "3", "--samples", "0"], &["--samples", "≥ 1"]);
}

#[test]
fn a_negative_burn_in() {
    Sandbox::new().fails(&["ensemble", "--k", "3", "--burn-in", "-1"], &["--burn-in", "negative"]);
}

#[test]
fn zero_zones_for_the_ensemble() {
    Sandbox::new().fails(&["ensemble", "--k", "0"], &["--k", "≥ 1"]);
}

#[test]
fn zero_zones() {
    Sandbox::new().fails(&["zones", "--k", "0"], &["--k", "≥ 1"]);
}

#[test]
fn a_fractional_zone_count() {
    Sandbox::new().fails(&["zones", "--k", "2.5"], &["--k", "\"2.5\" is not a whole number"]);
}

#[test]
fn more_zones_than_municipalities() {
    Sandbox::new().fails(&["zones", "--k", "50"], &["50 zones", "42 municipalities"]);
}

#[test]
fn zero_threads() {
    Sandbox::new().fails(&["zones", "--k", "3", "--threads", "0"], &["--threads", "≥ 1"]);
}

#[test]
fn zero_municipalities_per_zone() {
    Sandbox::new().fails(&["zones", "--k", "3", "--min-units", "0"], &["--min-units", "≥ 1"]);
}

#[test]
fn a_negative_travel_weight() {
    Sandbox::new().fails(&["zones", "--k", "3", "--travel-weight", "-1"], &["--travel-weight", "negative"]);
}

#[test]
fn negative_bootstrap_noise() {
    Sandbox::new().fails(&["compare", "--scenarios", "s.toml", "--noise", "-1"], &["--noise", "negative"]);
}

#[test]
fn a_survival_threshold_of_zero() {
    Sandbox::new().fails(&["compare", "--scenarios", "s.toml", "--survival-threshold", "0"], &["--survival-threshold", "outside (0, 1]"]);
}

#[test]
fn a_keep_together_without_codes() {
    Sandbox::new().fails(&["zones", "--k", "3", "--keep-together", ","], &["--keep-together", "no ISTAT code"]);
}

#[test]
fn a_keep_apart_with_one_code() {
    Sandbox::new().fails(&["zones", "--k", "3", "--keep-apart", "017103"], &["--keep-apart", "exactly two"]);
}

#[test]
fn a_centre_that_is_not_in_the_area() {
    Sandbox::new().fails(&["zones", "--k", "3", "--centre", "999999"], &["--centre", "999999"]);
}

#[test]
fn a_population_minimum_on_an_area_without_population() {
    let sb = Sandbox::new();
    let area = area_without_population(&sb);
    sb.fails(&["zones", "--k", "2", "--area", &area, "--min-pop", "1000"], &["--min-pop", "population", "017103 Manerbio", "3 of 3"]);
}

#[test]
fn population_weights_on_an_area_without_population() {
    let sb = Sandbox::new();
    let area = area_without_population(&sb);
    sb.fails(&["zones", "--k", "2", "--area", &area, "--population-weighted"], &["--population-weighted", "population"]);
}

#[test]
fn max_p_with_a_population_minimum_on_an_area_without_population() {
    let sb = Sandbox::new();
    let area = area_without_population(&sb);
    sb.fails(&["zones", "--max-p", "--area", &area, "--min-pop", "10"], &["--min-pop", "population"]);
}
