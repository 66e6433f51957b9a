//! Scenario comparison, stability and the random-plan ensemble.

mod common;

use std::process::Command;

use common::*;
use pianura::compare::{self, Bootstrap, ScenarioFile};
use pianura::features::FeatureMatrix;
use pianura::graph::{AdjacencyGraph, Contiguity};
use pianura::territory::Territory;
use serde_json::Value;

fn area() -> (Territory, AdjacencyGraph, FeatureMatrix) {
    let t = Territory::embedded_default();
    let g = AdjacencyGraph::build(&t, Contiguity::Queen).unwrap();
    let f = FeatureMatrix::from_territory(&t);
    (t, g, f)
}

const TWINS: &str = r#"
[[scenario]]
name = "a"
k = 4
method = "heuristic"
objective = "ssd"

[[scenario]]
name = "b"
k = 4
method = "heuristic"
objective = "ssd"

[[scenario]]
name = "c"
k = 5
method = "ward"
objective = "ssd"
weights = { growth = 2.0 }
"#;

#[test]
fn identical_scenarios_are_at_distance_zero() {
    let (t, g, f) = area();
    let file = ScenarioFile::parse(TWINS, "twins.toml").unwrap();
    let r = compare::run(&t, &g, &f, &file, Bootstrap { runs: 0, noise: 0.0, resample_weights: false }, 2).unwrap();
    let ab = &r.distances[0];
    assert_eq!((ab.a.as_str(), ab.b.as_str()), ("a", "b"));
    assert!((ab.ari - 1.0).abs() < 1e-12 && ab.vi.abs() < 1e-12 && ab.moved == 0, "{ab:?}");
    let ac = &r.distances[1];
    assert!(ac.ari < 1.0 && ac.vi > 0.0 && ac.moved > 0, "{ac:?}");
    assert!(r.scenarios.iter().all(|s| s.contiguous));
    // Best known SSD for k = 4 on the default area.
    assert!(r.scenarios[0].ssd <= 113.593);
}

#[test]
fn zero_perturbation_bootstrap_is_perfectly_stable() {
    let (t, g, f) = area();
    let file = ScenarioFile::parse(TWINS, "twins.toml").unwrap();
    let s = &file.scenario[2]; // Ward: quick
    let out = compare::run(&t, &g, &f, &ScenarioFile { scenario: vec![s.clone()] }, Bootstrap { runs: 3, noise: 0.0, resample_weights: false }, 1).unwrap();
    let st = out.scenarios[0].stability.as_ref().unwrap();
    assert!(st.unit.values().all(|&v| v == 1.0));
    assert!(st.zone.iter().all(|&v| v == 1.0));
    // With noise, some municipality moves at least once.
    let noisy = compare::run(&t, &g, &f, &ScenarioFile { scenario: vec![s.clone()] }, Bootstrap { runs: 5, noise: 0.5, resample_weights: true }, 1).unwrap();
    let st = noisy.scenarios[0].stability.as_ref().unwrap();
    assert!(st.unit.values().any(|&v| v < 1.0));
}

#[test]
fn scenario_files_are_checked() {
    let dup = "[[scenario]]\nname = \"x\"\nk = 3\n[[scenario]]\nname = \"x\"\nk = 4\n";
    let e = ScenarioFile::parse(dup, "s.toml").unwrap_err().to_string();
    assert!(e.contains("s.toml") && e.contains("`x` is used twice"), "{e}");
    let unknown = "[[scenario]]\nname = \"x\"\nk = 3\nzones = 4\n";
    let e = ScenarioFile::parse(unknown, "s.toml").unwrap_err().to_string();
    assert!(e.contains("zones"), "{e}");
    let (t, g, f) = area();
    let bad_weight = ScenarioFile::parse("[[scenario]]\nname = \"w\"\nk = 3\nmethod = \"ward\"\nweights = { income = 2.0 }\n", "s.toml").unwrap();
    let e = compare::run(&t, &g, &f, &bad_weight, Bootstrap { runs: 0, noise: 0.0, resample_weights: false }, 1).unwrap_err().to_string();
    assert!(e.contains("scenario `w`") && e.contains("income"), "{e}");
}

#[test]
fn compare_and_ensemble_commands_write_json_that_matches_their_html() {
    let dir = tempfile::tempdir().unwrap();
    let (_d, scen) = write_temp("twins.toml", TWINS);
    let out = dir.path().join("cmp");
    let o = Command::new(env!("CARGO_BIN_EXE_pianura"))
        .args(["compare", "--scenarios", scen.to_str().unwrap(), "--out", out.to_str().unwrap(), "--json"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let html = std::fs::read_to_string(out.join("compare.html")).unwrap();
    for d in v["distances"].as_array().unwrap() {
        assert!(html.contains(&format!("{:.4}", d["ari"].as_f64().unwrap())), "ARI {} in the page", d["ari"]);
        assert!(html.contains(&format!("{:.4}", d["vi"].as_f64().unwrap())));
    }
    for s in v["scenarios"].as_array().unwrap() {
        assert!(html.contains(&format!("{:.3}", s["ssd"].as_f64().unwrap())));
    }
    assert_eq!(html.matches("class=\"map\"").count(), 3);

    let out = dir.path().join("ens");
    let o = Command::new(env!("CARGO_BIN_EXE_pianura"))
        .args(["ensemble", "--k", "4", "--samples", "2000", "--balance", "0.2", "--out", out.to_str().unwrap(), "--json"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let s = &v["summary"];
    assert_eq!(s["samples"], 2000);
    let counts: u64 = s["r2_histogram"].as_array().unwrap().iter().map(|b| b[2].as_u64().unwrap()).sum();
    assert_eq!(counts, 2000);
    // The optimised plan is far better than chance, and within the same balance bound.
    assert!(s["r2_percentile"].as_f64().unwrap() > 95.0, "{s}");
    assert!(s["plan_imbalance"].as_f64().unwrap() <= 0.2 + 1e-9);
    let html = std::fs::read_to_string(out.join("ensemble.html")).unwrap();
    assert!(html.contains(&format!("{:.1}</b>R² percentile", s["r2_percentile"].as_f64().unwrap())));
    assert!(html.contains(&format!("plan R² {:.4}", s["plan_r2"].as_f64().unwrap())));
}
