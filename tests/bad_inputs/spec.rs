//! Bad inputs: spec (`plan --spec`). Every case edits the default spec and must fail in the
//! up-front check, before any solving, naming the file and the key.

#[allow(unused_imports)]
use crate::harness::*;

const DEFAULT: &str = include_str!("../../specs/default.toml");

/// The default spec with `from` replaced by `to` (every occurrence when `all`), written to
/// `spec.toml` in the sandbox.
fn spec(sb: &Sandbox, from: &str, to: &str, all: bool) -> String {
    assert!(DEFAULT.contains(from), "the default spec has no {from:?}");
    let text = if all { DEFAULT.replace(from, to) } else { DEFAULT.replacen(from, to, 1) };
    sb.write("spec.toml", text)
}

/// `pianura plan --spec spec.toml --out prev` with the edited spec must fail naming `culprits`.
fn fails(from: &str, to: &str, culprits: &[&str]) -> String {
    let sb = Sandbox::new();
    let s = spec(&sb, from, to, false);
    sb.fails(&["plan", "--spec", &s, "--out", "prev"], &[&["spec.toml"], culprits].concat())
}

/// Two lines of the technical office's weights table (the first `log_pop = 1.0` of the spec).
const UT_WEIGHTS: &str = "degurba = 1.0\nlog_pop = 1.0\n";
/// The features list of the area (its last line and the closing bracket).
const LAST_FEATURE: &str = "\"log_need_roads_pc\",\n]";
/// As [`fails`], replacing every occurrence of `from`.
fn fails_all(from: &str, to: &str, culprits: &[&str]) -> String {
    let sb = Sandbox::new();
    let s = spec(&sb, from, to, true);
    sb.fails(&["plan", "--spec", &s, "--out", "prev"], &[&["spec.toml"], culprits].concat())
}

/// The default spec's `[functions.ufficio_tecnico.weights]` table, every weight set to 0.
fn ut_weights_zero() -> (String, String) {
    let start = DEFAULT.find("[functions.ufficio_tecnico.weights]\n").unwrap();
    let block = &DEFAULT[start..start + DEFAULT[start..].find("\n\n").unwrap()];
    let zero: Vec<String> = block.lines().map(|l| l.split_once(" = ").map_or(l.to_string(), |(k, _)| format!("{k} = 0.0"))).collect();
    assert_eq!(zero.len(), 16, "a header and the 15 features: {block}");
    (block.to_string(), zero.join("\n"))
}

const UT_ZONES: &str = "zones = { k = 4, min_pop = 30000 }";
const ICT_TOGETHER: &str = "count = \"most\" }\nkeep_together = []\nkeep_apart = []";

fn ict(together: &str, apart: &str) -> String {
    format!("count = \"most\" }}\nkeep_together = {together}\nkeep_apart = {apart}")
}

#[test]
fn k_as_a_word_says_what_k_may_be() {
    let e =
        fails(UT_ZONES, "zones = { k = \"four\", min_pop = 30000 }", &["[functions.ufficio_tecnico]", "a whole number ≥ 1", "[lo, hi]"]);
    assert!(!e.contains("untagged"), "{e}");
}

#[test]
fn k_negative_says_what_k_may_be() {
    fails(UT_ZONES, "zones = { k = -3, min_pop = 30000 }", &["[functions.ufficio_tecnico]", "-3", "a whole number ≥ 1"]);
}

#[test]
fn k_fractional_says_what_k_may_be() {
    fails(UT_ZONES, "zones = { k = 2.5, min_pop = 30000 }", &["2.5", "a whole number ≥ 1"]);
}

#[test]
fn k_range_of_three_numbers_says_what_k_may_be() {
    fails(UT_ZONES, "zones = { k = [2, 3, 4], min_pop = 30000 }", &["[lo, hi]"]);
}

#[test]
fn k_zero() {
    fails(UT_ZONES, "zones = { k = 0, min_pop = 30000 }", &["functions.ufficio_tecnico.zones.k", "at least 1"]);
}

#[test]
fn k_range_inverted() {
    fails(UT_ZONES, "zones = { k = [6, 3], min_pop = 30000 }", &["functions.ufficio_tecnico.zones.k", "[6, 3]"]);
}

#[test]
fn k_above_the_municipalities() {
    fails(UT_ZONES, "zones = { k = 43, min_pop = 30000 }", &["functions.ufficio_tecnico.zones.k", "43", "42 municipalities"]);
}

#[test]
fn all_zero_weights() {
    let (block, zero) = ut_weights_zero();
    fails(&block, &zero, &["functions.ufficio_tecnico.weights", "every feature weighs 0"]);
}

#[test]
fn weight_of_1e308() {
    fails(UT_WEIGHTS, "degurba = 1.0\nlog_pop = 1e308\n", &["functions.ufficio_tecnico.weights.log_pop", "1e308", "largest weight"]);
}

#[test]
fn weight_negative() {
    fails(UT_WEIGHTS, "degurba = 1.0\nlog_pop = -1.0\n", &["functions.ufficio_tecnico.weights.log_pop", "-1"]);
}

#[test]
fn weight_nan() {
    fails(UT_WEIGHTS, "degurba = 1.0\nlog_pop = nan\n", &["functions.ufficio_tecnico.weights.log_pop", "NaN"]);
}

#[test]
fn weight_infinite() {
    fails(UT_WEIGHTS, "degurba = 1.0\nlog_pop = inf\n", &["functions.ufficio_tecnico.weights.log_pop", "inf"]);
}

#[test]
fn weight_as_a_string() {
    fails(UT_WEIGHTS, "degurba = 1.0\nlog_pop = \"1\"\n", &["[functions.ufficio_tecnico.weights]", "log_pop = \"1\"", "expected f64"]);
}

#[test]
fn weight_for_a_feature_not_compared() {
    fails(UT_WEIGHTS, "degurba = 1.0\nincome = 1.0\n", &["functions.ufficio_tecnico.weights", "income"]);
}

#[test]
fn feature_listed_twice() {
    fails(LAST_FEATURE, "\"log_need_roads_pc\", \"log_density\",\n]", &["area.features[15]", "log_density", "twice"]);
}

#[test]
fn unknown_feature() {
    fails(LAST_FEATURE, "\"log_need_roads_pc\", \"income\",\n]", &["area.features[15]", "income"]);
}

#[test]
fn no_feature() {
    let start = DEFAULT.find("features = [").unwrap();
    let list = &DEFAULT[start..start + DEFAULT[start..].find(']').unwrap() + 1];
    fails(list, "features = []", &["area.features", "no feature"]);
}

#[test]
fn area_unit_listed_twice() {
    fails("units = []", "units = [\"017103\", \"017122\", \"17103\"]", &["area.units[2]", "017103 Manerbio", "twice"]);
}

#[test]
fn area_unit_unknown() {
    fails("units = []", "units = [\"017103\", \"099999\"]", &["area.units[1]", "099999"]);
}

#[test]
fn keep_together_empty() {
    fails(ICT_TOGETHER, &ict("[[]]", "[]"), &["functions.ict.keep_together[0]", "is empty"]);
}

#[test]
fn keep_together_one_member() {
    fails(ICT_TOGETHER, &ict("[[\"017103\"]]", "[]"), &["functions.ict.keep_together[0]", "one member", "017103"]);
}

#[test]
fn keep_together_member_twice() {
    fails(
        ICT_TOGETHER,
        &ict("[[\"017103\", \"17103\", \"017122\"]]", "[]"),
        &["functions.ict.keep_together[0]", "017103 Manerbio", "twice"],
    );
}

#[test]
fn keep_together_groups_overlap() {
    fails(
        ICT_TOGETHER,
        &ict("[[\"017103\", \"017122\"], [\"017122\", \"017137\"]]", "[]"),
        &["functions.ict.keep_together[1]", "017122 Offlaga", "keep_together[0]"],
    );
}

#[test]
fn keep_together_unknown_code() {
    fails(ICT_TOGETHER, &ict("[[\"017103\", \"999999\"]]", "[]"), &["functions.ict.keep_together[0]", "999999"]);
}

#[test]
fn keep_apart_same_municipality() {
    fails(ICT_TOGETHER, &ict("[]", "[[\"017103\", \"17103\"]]"), &["functions.ict.keep_apart[0]", "017103 Manerbio", "itself"]);
}

#[test]
fn keep_apart_unknown_code() {
    fails(ICT_TOGETHER, &ict("[]", "[[\"017103\", \"999999\"]]"), &["functions.ict.keep_apart[0]", "999999"]);
}

#[test]
fn keep_apart_pair_listed_twice() {
    fails(
        ICT_TOGETHER,
        &ict("[]", "[[\"017103\", \"017122\"], [\"017122\", \"017103\"]]"),
        &["functions.ict.keep_apart[1]", "keep_apart[0]"],
    );
}

#[test]
fn keep_apart_pair_kept_together() {
    fails(
        ICT_TOGETHER,
        &ict("[[\"017103\", \"017122\"]]", "[[\"017122\", \"017103\"]]"),
        &["functions.ict.keep_apart[0]", "keep_together[0]", "017103 Manerbio"],
    );
}

#[test]
fn keep_apart_of_three_codes() {
    // serde's [String; 2] alone took the first two codes and planned on.
    fails(
        ICT_TOGETHER,
        &ict("[]", "[[\"017103\", \"017122\", \"017137\"]]"),
        &["[functions.ict]", "keep_apart[0] has 3 code(s)", "017137"],
    );
}

#[test]
fn keep_apart_of_one_code() {
    fails(ICT_TOGETHER, &ict("[]", "[[\"017103\"]]"), &["[functions.ict]", "keep_apart[0] has 1 code(s)"]);
}

#[test]
fn function_id_with_a_path() {
    fails_all("[functions.ict", "[functions.\"../ict\"", &["functions.../ict", "ASCII letters"]);
}

#[test]
fn function_id_all_is_reserved() {
    fails_all("[functions.ict", "[functions.all", &["functions.all", "reserved"]);
}

#[test]
fn function_ids_differing_in_case() {
    fails_all("[functions.ict", "[functions.SUAP_SUE", &["functions.suap_sue", "only in case"]);
}

#[test]
fn empty_label() {
    fails("label = \"ICT\"", "label = \"  \"", &["functions.ict.label", "empty"]);
}

#[test]
fn solver_time_limit_negative() {
    fails("time_limit = 120.0", "time_limit = -1.0", &["solver.time_limit", "-1"]);
}

#[test]
fn solver_time_limit_infinite() {
    fails("time_limit = 120.0", "time_limit = inf", &["solver.time_limit", "inf"]);
}

#[test]
fn solver_node_limit_zero() {
    fails("node_limit = 60", "node_limit = 0", &["solver.node_limit", "at least 1"]);
}

#[test]
fn solver_strict_not_a_boolean() {
    fails("strict = false", "strict = \"yes\"", &["[solver]", "strict"]);
}

#[test]
fn solver_unknown_key() {
    fails("strict = false", "strikt = true", &["strikt"]);
}

#[test]
fn zone_min_pop_above_max_pop() {
    fails(UT_ZONES, "zones = { k = 4, min_pop = 30000, max_pop = 20000 }", &["functions.ufficio_tecnico.zones.min_pop", "30000", "20000"]);
}

#[test]
fn group_min_pop_nan() {
    fails("min_pop = 6500,", "min_pop = nan,", &["functions.ict.groups.min_pop", "NaN"]);
}

#[test]
fn group_max_km_nan() {
    fails("max_km = 15.0, compactness = 0.05 }", "max_km = nan, compactness = 0.05 }", &["functions.ufficio_tecnico.groups.max_km", "NaN"]);
}

#[test]
fn group_compactness_huge() {
    fails("compactness = 0.05 }", "compactness = 1e308 }", &["functions.ufficio_tecnico.groups.compactness", "1e308"]);
}

#[test]
fn group_units_inverted() {
    fails("min_units = 3, max_units = 6", "min_units = 7, max_units = 6", &["functions.ict.groups.min_units", "7"]);
}

#[test]
fn every_problem_is_listed() {
    let sb = Sandbox::new();
    let text = DEFAULT.replacen("time_limit = 120.0", "time_limit = 0.0", 1).replacen("k = 4", "k = 0", 1).replacen(
        "max_km = 15.0",
        "max_km = -2.0",
        1,
    );
    let s = sb.write("spec.toml", text);
    sb.fails(
        &["plan", "--spec", &s, "--out", "prev"],
        &[
            "spec.toml: 3 problems",
            "`solver.time_limit`",
            "`functions.ufficio_tecnico.zones.k`",
            "`functions.ufficio_tecnico.groups.max_km`",
        ],
    );
}

#[test]
fn population_bounds_on_an_area_without_population() {
    // The default area with its population properties removed; the default spec bounds
    // residents in every function.
    let sb = Sandbox::new();
    let raw = std::fs::read_to_string(crate::common::bassa42()).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&raw).unwrap();
    for f in v["features"].as_array_mut().unwrap() {
        let p = f["properties"].as_object_mut().unwrap();
        p.remove("pop_2022");
        p.remove("pop_2023");
    }
    let area = sb.write("nopop.geojson", v.to_string());
    sb.fails(
        &["plan", "--area", &area, "--out", "prev"],
        &["functions.ict.zones.min_pop", "no population for 42 of its 42", "017001 Acquafredda", "groups.max_pop"],
    );
}
