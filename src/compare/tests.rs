use super::*;

#[test]
fn survival_threshold_must_be_in_zero_one() {
    let ok = Bootstrap { runs: 3, ..Bootstrap::default() };
    assert!(ok.check().is_ok());
    assert!(Bootstrap { survival_threshold: 1.0, ..ok }.check().is_ok());
    for bad in [0.0, -0.2, 1.01, f64::NAN] {
        let e = Bootstrap { survival_threshold: bad, ..ok }.check().unwrap_err();
        assert!(matches!(e, CompareError::SurvivalThreshold(_)), "{bad}: {e}");
    }
}

#[test]
fn noise_must_be_finite_and_not_negative() {
    let ok = Bootstrap { runs: 3, ..Bootstrap::default() };
    for bad in [-0.1, f64::INFINITY, f64::NAN] {
        assert!(matches!(Bootstrap { noise: bad, ..ok }.check(), Err(CompareError::Noise(_))), "{bad}");
    }
}

#[test]
fn unit_bounds_are_scenario_keys() {
    let f = ScenarioFile::parse("[[scenario]]\nname = \"u\"\nk = 3\nmin_units = 2\nmax_units = 20\n", "s.toml").unwrap();
    assert_eq!((f.scenario[0].min_units, f.scenario[0].max_units), (Some(2), Some(20)));
    let e = ScenarioFile::parse("[[scenario]]\nname = \"u\"\nk = 3\nmax_unit = 20\n", "s.toml").unwrap_err().to_string();
    assert!(e.contains("max_unit") && e.contains("s.toml"), "{e}");
}

fn parse_err(text: &str) -> String {
    ScenarioFile::parse(text, "s.toml").unwrap_err().to_string()
}

fn area_err(text: &str) -> String {
    let t = Territory::embedded_default();
    let f = FeatureMatrix::from_territory(&t);
    ScenarioFile::parse(text, "s.toml").unwrap().check(&t, f.names(), Some("s.toml")).unwrap_err().to_string()
}

#[test]
fn an_empty_file_or_no_scenario_is_said_so() {
    assert!(parse_err("").contains("s.toml: the file is empty"));
    assert!(parse_err("# only a comment\n\n").contains("the file is empty"));
    assert!(parse_err("x = 1\n").contains("x"), "unknown top-level key");
    assert!(ScenarioFile::parse("scenario = []\n", "s.toml").unwrap_err().to_string().contains("no [[scenario]]"));
}

#[test]
fn a_toml_error_names_the_scenario_it_is_in() {
    let e = parse_err("[[scenario]]\nname = \"a\"\nk = 3\n[[scenario]]\nname = \"b\"\nk = \"four\"\n");
    assert!(e.contains("in [[scenario]] #2") && e.contains("k"), "{e}");
}

#[test]
fn every_scenario_problem_is_listed_with_name_position_and_key() {
    let e = parse_err(
        "[[scenario]]\nname = \"a\"\nk = 0\ntime_limit = -1.0\n\
         [[scenario]]\nname = \"b\"\nk = 3\ntime_limit = nan\nweights = { log_pop = 1e308, growth = -2.0 }\n\
         [[scenario]]\nname = \"a\"\nk = 3\nmin_pop = 50000.0\nmax_pop = 40000.0\nfeatures = [\"growth\", \"growth\"]\nmin_units = 9\nmax_units = 3\n",
    );
    for want in [
        "s.toml: 9 problems",
        "scenario `a` (#1): `k`: must be a whole number ≥ 1",
        "scenario `a` (#1): `time_limit`: must be a finite number of seconds > 0, found -1",
        "scenario `b` (#2): `time_limit`: must be a finite number of seconds > 0, found NaN",
        "scenario `b` (#2): `weights.log_pop`: 1e308 exceeds the largest weight",
        "scenario `b` (#2): `weights.growth`: must be a finite number ≥ 0, found -2",
        "scenario `a` (#3): `name`: `a` is used twice (also scenario #1)",
        "scenario `a` (#3): `features[1]`: `growth` is listed twice",
        "scenario `a` (#3): `min_pop`: 50000 exceeds max_pop 40000",
        "scenario `a` (#3): `min_units`: 9 exceeds max_units 3",
    ] {
        assert!(e.contains(want), "{want}: {e}");
    }
}

#[test]
fn a_zero_time_limit_is_rejected() {
    assert!(parse_err("[[scenario]]\nname = \"a\"\nk = 3\ntime_limit = 0.0\n").contains("`time_limit`"));
}

#[test]
fn all_zero_weights_are_rejected_with_or_without_a_feature_list() {
    let e =
        parse_err("[[scenario]]\nname = \"z\"\nk = 3\nfeatures = [\"growth\", \"log_pop\"]\nweights = { growth = 0.0, log_pop = 0.0 }\n");
    assert!(e.contains("scenario `z` (#1): `weights`: every feature weighs 0"), "{e}");
    let all = "[[scenario]]\nname = \"z\"\nk = 3\nweights = { log_pop = 0.0, log_density = 0.0, share_65plus = 0.0, share_under15 = 0.0, growth = 0.0 }\n";
    assert!(area_err(all).contains("every feature weighs 0"), "{}", area_err(all));
}

#[test]
fn the_area_bounds_what_a_scenario_may_ask() {
    let e = area_err(
        "[[scenario]]\nname = \"big\"\nk = 43\n\
         [[scenario]]\nname = \"f\"\nk = 3\nfeatures = [\"income\"]\n\
         [[scenario]]\nname = \"pop\"\nk = 4\nmin_pop = 100000.0\n\
         [[scenario]]\nname = \"cap\"\nk = 4\nmax_pop = 20000.0\n\
         [[scenario]]\nname = \"units\"\nk = 4\nmax_units = 5\n",
    );
    for want in [
        "scenario `big` (#1): `k`: 43 zones cannot be made of the 42 municipalities",
        "scenario `f` (#2): `features[0]`: unknown feature `income`",
        "scenario `pop` (#3): `min_pop`: 4 zones of at least 100000 residents need 400000",
        "scenario `cap` (#4): `max_pop`: 20000 is below the 26116 residents of 017113 Montichiari",
        "scenario `units` (#5): `max_units`: 4 zones of at most 5 municipalities hold 20",
    ] {
        assert!(e.contains(want), "{want}: {e}");
    }
}

#[test]
fn population_bounds_need_a_population() {
    let mut t = Territory::embedded_default();
    t.units[0].pop = None;
    let f = FeatureMatrix::from_territory(&t);
    let file = ScenarioFile::parse("[[scenario]]\nname = \"p\"\nk = 3\nmin_pop = 1000.0\n", "s.toml").unwrap();
    let e = file.check(&t, f.names(), Some("s.toml")).unwrap_err().to_string();
    assert!(e.contains("`min_pop`") && e.contains("no population for 1 of its 42") && e.contains("017001 Acquafredda"), "{e}");
}

#[test]
fn the_shipped_scenarios_pass() {
    let text = include_str!("../../fixtures/scenarios/bassa.toml");
    let t = Territory::embedded_default();
    let f = FeatureMatrix::from_territory(&t);
    ScenarioFile::parse(text, "bassa.toml").unwrap().check(&t, f.names(), None).unwrap();
}
