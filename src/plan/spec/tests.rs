//! Tests of the spec: parsing, the echo, every check.

use super::*;

fn area() -> (Territory, Vec<String>) {
    let t = Territory::embedded_default();
    let names = crate::features::FeatureMatrix::embedded_default(&t).unwrap().names().to_vec();
    (t, names)
}

/// The problems of the default spec edited by `edit` (text replaced once, which must match).
fn problems_of(from: &str, to: &str) -> Vec<SpecProblem> {
    assert!(DEFAULT_SPEC.contains(from), "the default spec has no {from:?}");
    let (t, names) = area();
    Spec::parse(&DEFAULT_SPEC.replacen(from, to, 1), "s.toml").unwrap().problems(&t, &names)
}

/// As [`problems_of`], replacing every occurrence (a function's header and its weights table).
fn problems_of_all(from: &str, to: &str) -> Vec<SpecProblem> {
    assert!(DEFAULT_SPEC.contains(from), "the default spec has no {from:?}");
    let (t, names) = area();
    Spec::parse(&DEFAULT_SPEC.replace(from, to), "s.toml").unwrap().problems(&t, &names)
}

fn has(problems: &[SpecProblem], key: &str, words: &[&str]) {
    assert!(
        problems.iter().any(|p| p.key == key && words.iter().all(|w| p.message.contains(w))),
        "no problem at {key} saying {words:?}: {problems:#?}"
    );
}

#[test]
fn the_default_spec_has_no_problem_on_the_default_area() {
    let (t, names) = area();
    assert_eq!(Spec::embedded_default().problems(&t, &names), vec![]);
    assert!(!Spec::embedded_default().solver.strict);
}

#[test]
fn strict_is_a_solver_key_left_out_of_the_echo_when_false() {
    let s = Spec::parse(&DEFAULT_SPEC.replacen("strict = false", "strict = true", 1), "s.toml").unwrap();
    assert!(s.solver.strict);
    assert!(serde_json::to_string(&s).unwrap().contains("\"strict\":true"));
    assert!(!serde_json::to_string(&Spec::embedded_default()).unwrap().contains("strict"));
}

#[test]
fn a_wrong_k_says_what_k_may_be_and_where() {
    for bad in ["\"four\"", "-3", "2.5", "[2]", "[2, 3, 4]", "[-1, 3]", "{ lo = 2 }"] {
        let text = DEFAULT_SPEC.replacen("zones = { k = 4, min_pop = 30000 }", &format!("zones = {{ k = {bad}, min_pop = 30000 }}"), 1);
        let e = Spec::parse(&text, "s.toml").unwrap_err().to_string();
        assert!(e.contains("a whole number ≥ 1") && e.contains("[lo, hi]"), "{bad}: {e}");
        assert!(e.contains("in [functions.ufficio_tecnico]") && e.contains("s.toml"), "{bad}: {e}");
        assert!(!e.contains("untagged"), "{bad}: {e}");
    }
    let s = Spec::parse(&DEFAULT_SPEC.replacen("k = 4", "k = [2, 5]", 1), "s.toml").unwrap();
    assert_eq!(s.functions["ufficio_tecnico"].zones.k, ZoneCount::Range([2, 5]));
}

#[test]
fn k_must_be_between_one_and_the_municipalities() {
    has(&problems_of("k = 4", "k = 0"), "functions.ufficio_tecnico.zones.k", &["at least 1"]);
    has(&problems_of("k = 4", "k = [5, 2]"), "functions.ufficio_tecnico.zones.k", &["[5, 2]"]);
    has(&problems_of("k = 4", "k = 43"), "functions.ufficio_tecnico.zones.k", &["43", "42 municipalities"]);
    has(&problems_of("k = 4", "k = [3, 50]"), "functions.ufficio_tecnico.zones.k", &["50", "42"]);
}

#[test]
fn all_zero_weights_are_rejected() {
    let (t, names) = area();
    let mut s = Spec::embedded_default();
    let w = &mut s.functions.get_mut("ufficio_tecnico").unwrap().weights;
    assert_eq!(w.len(), names.len(), "the default names every feature's weight");
    w.values_mut().for_each(|v| *v = 0.0);
    has(&s.problems(&t, &names), "functions.ufficio_tecnico.weights", &["every feature weighs 0"]);
    // Some zero weights are fine.
    let mut s = Spec::embedded_default();
    let w = &mut s.functions.get_mut("ufficio_tecnico").unwrap().weights;
    w.values_mut().take(names.len() - 1).for_each(|v| *v = 0.0);
    assert!(s.problems(&t, &names).is_empty());
}

#[test]
fn weights_must_be_usable_numbers() {
    for (w, word) in [("1e308", "largest weight"), ("-1.0", "≥ 0"), ("nan", "finite"), ("inf", "finite"), ("1e-9", "smallest weight")] {
        let p = problems_of("log_pop = 1.5\n", &format!("log_pop = {w}\n"));
        has(&p, "functions.polizia_locale.weights.log_pop", &[word]);
    }
    assert!(problems_of("log_pop = 1.5\n", "log_pop = 1e6\n").is_empty());
}

#[test]
fn a_feature_listed_twice_is_rejected() {
    let p = problems_of("\"log_need_roads_pc\",\n]", "\"log_need_roads_pc\", \"log_pop\",\n]");
    has(&p, "area.features[15]", &["log_pop", "twice"]);
}

#[test]
fn a_unit_listed_twice_is_rejected() {
    let p = problems_of("units = []", "units = [\"017103\", \"17103\", \"017122\"]");
    has(&p, "area.units[1]", &["017103 Manerbio", "twice"]);
}

#[test]
fn keep_together_needs_two_distinct_members_in_one_group_each() {
    let at = "functions.ict.keep_together";
    has(
        &problems_of(
            "keep_together = []\nkeep_apart = []\n# Why: the technical",
            "keep_together = [[]]\nkeep_apart = []\n# Why: the technical",
        ),
        "functions.ufficio_tecnico.keep_together[0]",
        &["is empty"],
    );
    let ict = |v: &str| {
        let text = format!("count = \"most\" }}\nkeep_together = {v}");
        problems_of("count = \"most\" }\nkeep_together = []", &text)
    };
    has(&ict("[[\"017103\"]]"), &format!("{at}[0]"), &["one member", "017103"]);
    has(&ict("[[\"017103\", \"17103\"]]"), &format!("{at}[0]"), &["017103 Manerbio", "twice"]);
    has(&ict("[[\"017103\", \"017122\"], [\"017122\", \"017137\"]]"), &format!("{at}[1]"), &["017122 Offlaga", "keep_together[0]"]);
    has(&ict("[[\"017103\", \"999999\"]]"), &format!("{at}[0]"), &["999999"]);
    assert!(ict("[[\"017103\", \"017122\"]]").is_empty());
}

#[test]
fn keep_apart_pairs_two_known_municipalities_once() {
    let at = "functions.ict.keep_apart";
    let ict = |together: &str, apart: &str| {
        let text = format!("count = \"most\" }}\nkeep_together = {together}\nkeep_apart = {apart}");
        problems_of("count = \"most\" }\nkeep_together = []\nkeep_apart = []", &text)
    };
    has(&ict("[]", "[[\"017103\", \"17103\"]]"), &format!("{at}[0]"), &["017103 Manerbio", "itself"]);
    has(&ict("[]", "[[\"017103\", \"999999\"]]"), &format!("{at}[0]"), &["999999"]);
    has(&ict("[]", "[[\"017103\", \"017122\"], [\"017122\", \"017103\"]]"), &format!("{at}[1]"), &["keep_apart[0]"]);
    has(&ict("[[\"017103\", \"017122\"]]", "[[\"017122\", \"017103\"]]"), &format!("{at}[0]"), &["keep_together[0]", "017122 Offlaga"]);
}

#[test]
fn population_bounds_need_a_population_for_every_municipality() {
    let (mut t, names) = area();
    t.units[3].pop = None;
    let who = t.units[3].to_string();
    let p = Spec::embedded_default().problems(&t, &names);
    has(&p, "functions.ict.zones.min_pop", &["no population", "1 of its 42", &who, "groups.max_pop"]);
    // Without bounds the same area is fine.
    let mut s = Spec::embedded_default();
    for f in s.functions.values_mut() {
        (f.zones.min_pop, f.zones.max_pop, f.groups.min_pop, f.groups.max_pop) = (None, None, None, None);
    }
    assert_eq!(s.problems(&t, &names), vec![]);
}

#[test]
fn function_ids_are_safe_file_names_and_not_all() {
    let p = problems_of_all("[functions.ict", "[functions.\"../ict\"");
    has(&p, "functions.../ict", &["ASCII letters"]);
    let p = problems_of_all("[functions.ict", "[functions.all");
    has(&p, "functions.all", &["reserved"]);
    let p = problems_of_all("[functions.ict", "[functions.Polizia_Locale");
    has(&p, "functions.polizia_locale", &["only in case"]);
}

#[test]
fn solver_limits_are_positive_and_finite() {
    has(&problems_of("time_limit = 120.0", "time_limit = -1.0"), "solver.time_limit", &["-1"]);
    has(&problems_of("time_limit = 120.0", "time_limit = nan"), "solver.time_limit", &["NaN"]);
    has(&problems_of("time_limit = 120.0", "time_limit = inf"), "solver.time_limit", &["inf"]);
    has(&problems_of("node_limit = 60", "node_limit = 0"), "solver.node_limit", &["at least 1"]);
}

#[test]
fn every_problem_is_listed() {
    let text = DEFAULT_SPEC.replacen("time_limit = 120.0", "time_limit = 0.0", 1).replacen("k = 4", "k = 0", 1).replacen(
        "max_km = 15.0",
        "max_km = nan",
        1,
    );
    let (t, names) = area();
    let e = Spec::parse(&text, "s.toml").unwrap().check(&t, &names, "s.toml").unwrap_err().to_string();
    assert!(e.starts_with("s.toml: 3 problems"), "{e}");
    for k in ["solver.time_limit", "functions.ufficio_tecnico.zones.k", "functions.ufficio_tecnico.groups.max_km"] {
        assert!(e.contains(&format!("`{k}`")), "{k}: {e}");
    }
}
