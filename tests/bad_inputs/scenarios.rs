//! Bad inputs: scenarios (`compare --scenarios`). Every case must fail before any scenario
//! runs, naming the scenario (name and position) and the key.

#[allow(unused_imports)]
use crate::harness::*;

/// `pianura compare --scenarios scen.toml --out prev` with `text` must fail naming `culprits`.
fn fails(text: &str, culprits: &[&str]) -> String {
    let sb = Sandbox::new();
    let s = sb.write("scen.toml", text);
    sb.fails(&["compare", "--scenarios", &s, "--out", "prev"], culprits)
}

/// The demographic features of the default area (the economic ones are the library's list).
const DEMOGRAPHIC: [&str; 5] = ["log_pop", "log_density", "share_65plus", "share_under15", "growth"];

/// A valid first scenario, then `second` as scenario #2.
fn second(second: &str) -> String {
    format!("[[scenario]]\nname = \"ok\"\nk = 3\nmethod = \"ward\"\n\n[[scenario]]\nname = \"bad\"\nmethod = \"ward\"\n{second}\n")
}

#[test]
fn empty_file() {
    fails("", &["scen.toml", "the file is empty"]);
}

#[test]
fn only_comments() {
    fails("# my scenarios, to be written\n\n", &["scen.toml", "the file is empty"]);
}

#[test]
fn no_scenario() {
    fails("scenario = []\n", &["scen.toml", "no [[scenario]]"]);
}

#[test]
fn a_single_table_instead_of_an_array() {
    fails("[scenario]\nname = \"a\"\nk = 3\n", &["scen.toml", "[[scenario]] tables, with double brackets"]);
}

#[test]
fn time_limit_negative() {
    fails(&second("k = 3\ntime_limit = -1.0"), &["scen.toml", "scenario `bad` (#2)", "`time_limit`", "-1"]);
}

#[test]
fn time_limit_nan() {
    fails(&second("k = 3\ntime_limit = nan"), &["scenario `bad` (#2)", "`time_limit`", "NaN"]);
}

#[test]
fn time_limit_zero() {
    fails(&second("k = 3\ntime_limit = 0.0"), &["scenario `bad` (#2)", "`time_limit`", "found 0"]);
}

#[test]
fn all_zero_weights_with_a_feature_list() {
    fails(
        &second("k = 3\nfeatures = [\"growth\", \"log_pop\"]\nweights = { growth = 0.0, log_pop = 0.0 }"),
        &["scenario `bad` (#2)", "`weights`", "every feature weighs 0"],
    );
}

#[test]
fn all_zero_weights_on_every_feature() {
    fails(
        // Every feature of the default area (demographic and economic), each at 0.
        &second(&format!(
            "k = 3\nweights = {{ {} }}",
            DEMOGRAPHIC.iter().chain(pianura::features::ECONOMIC_FEATURES).map(|f| format!("{f} = 0.0")).collect::<Vec<_>>().join(", ")
        )),
        &["scenario `bad` (#2)", "`weights`", "every feature weighs 0"],
    );
}

#[test]
fn feature_listed_twice() {
    fails(&second("k = 3\nfeatures = [\"growth\", \"log_pop\", \"growth\"]"), &["scenario `bad` (#2)", "`features[2]`", "twice"]);
}

#[test]
fn weight_of_1e308() {
    fails(&second("k = 3\nweights = { log_density = 1e308 }"), &["scenario `bad` (#2)", "`weights.log_density`", "1e308"]);
}

#[test]
fn weight_negative() {
    fails(&second("k = 3\nweights = { log_density = -3.0 }"), &["scenario `bad` (#2)", "`weights.log_density`", "-3"]);
}

#[test]
fn weight_infinite() {
    fails(&second("k = 3\nweights = { log_density = inf }"), &["scenario `bad` (#2)", "`weights.log_density`", "inf"]);
}

#[test]
fn unknown_feature() {
    fails(&second("k = 3\nfeatures = [\"income\"]"), &["scenario `bad` (#2)", "`features[0]`", "income"]);
}

#[test]
fn weight_for_an_unknown_feature() {
    fails(&second("k = 3\nweights = { income = 2.0 }"), &["scenario `bad` (#2)", "`weights.income`", "income"]);
}

#[test]
fn weight_for_a_feature_the_scenario_leaves_out() {
    fails(
        &second("k = 3\nfeatures = [\"growth\"]\nweights = { log_pop = 2.0 }"),
        &["scenario `bad` (#2)", "`weights.log_pop`", "this scenario's features"],
    );
}

#[test]
fn k_zero() {
    fails(&second("k = 0"), &["scenario `bad` (#2)", "`k`", "≥ 1"]);
}

#[test]
fn k_above_the_municipalities() {
    fails(&second("k = 50"), &["scenario `bad` (#2)", "`k`", "50 zones", "42 municipalities"]);
}

#[test]
fn k_negative() {
    fails(&second("k = -2"), &["scen.toml", "in [[scenario]] #2", "-2"]);
}

#[test]
fn k_missing() {
    fails(&second(""), &["scen.toml", "in [[scenario]] #2", "k"]);
}

#[test]
fn min_pop_above_max_pop() {
    fails(&second("k = 3\nmin_pop = 50000.0\nmax_pop = 40000.0"), &["scenario `bad` (#2)", "`min_pop`", "50000", "40000"]);
}

#[test]
fn min_pop_no_partition_meets() {
    fails(&second("k = 4\nmin_pop = 100000.0"), &["scenario `bad` (#2)", "`min_pop`", "400000"]);
}

#[test]
fn max_pop_below_the_largest_municipality() {
    fails(&second("k = 4\nmax_pop = 20000.0"), &["scenario `bad` (#2)", "`max_pop`", "017113 Montichiari"]);
}

#[test]
fn max_units_too_few_for_the_area() {
    fails(&second("k = 4\nmax_units = 5"), &["scenario `bad` (#2)", "`max_units`", "20"]);
}

#[test]
fn min_units_above_max_units() {
    fails(&second("k = 3\nmin_units = 9\nmax_units = 3"), &["scenario `bad` (#2)", "`min_units`", "9 exceeds max_units 3"]);
}

#[test]
fn duplicate_scenario_names() {
    fails(
        "[[scenario]]\nname = \"twin\"\nk = 3\n\n[[scenario]]\nname = \"twin\"\nk = 4\n",
        &["scenario `twin` (#2)", "`name`", "used twice", "#1"],
    );
}

#[test]
fn empty_scenario_name() {
    fails(&second("k = 3").replace("name = \"bad\"", "name = \"\""), &["scenario #2", "`name`", "empty"]);
}

#[test]
fn unknown_key() {
    fails(&second("k = 3\nzones = 4"), &["scen.toml", "in [[scenario]] #2", "zones"]);
}

#[test]
fn every_problem_is_listed() {
    fails(
        "[[scenario]]\nname = \"a\"\nk = 0\ntime_limit = -1.0\n\n[[scenario]]\nname = \"a\"\nk = 3\nweights = { growth = nan }\n",
        &[
            "scen.toml: 4 problems",
            "scenario `a` (#1): `k`",
            "scenario `a` (#1): `time_limit`",
            "scenario `a` (#2): `name`",
            "scenario `a` (#2): `weights.growth`",
        ],
    );
}
