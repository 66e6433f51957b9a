//! The `pianura` binary as users run it: JSON shapes, exit codes, messages, outputs.

mod common;

use std::process::{Command, Output};

use common::*;
use serde_json::Value;

fn pianura(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pianura")).args(args).output().expect("binary runs")
}

fn json(args: &[&str]) -> Value {
    let out = pianura(args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("valid JSON on stdout")
}

#[test]
fn graph_json_on_the_default_area() {
    let v = json(&["graph", "--json"]);
    assert_eq!(v["units"], 42);
    assert_eq!(v["edges"], 97);
    assert_eq!(v["components"], 1);
    assert_eq!(v["isolated"], serde_json::json!([]));
    assert!((v["mean_degree"].as_f64().unwrap() - 2.0 * 97.0 / 42.0).abs() < 1e-12);
    assert_eq!(v["contiguity"], "queen");
}

#[test]
fn graph_json_on_lombardia_names_the_exclave() {
    let area = fixture("lombardia");
    let v = json(&["graph", "--json", "--area", area.to_str().unwrap()]);
    assert_eq!(v["units"], 1503);
    assert_eq!(v["components"], 2);
    assert_eq!(v["component_sizes"], serde_json::json!([1502, 1]));
    assert_eq!(v["isolated"], serde_json::json!(["013040"]));
}

#[test]
fn edges_out_writes_the_rook_edges_as_csv() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("edges.csv");
    let v = json(&["graph", "--json", "--contiguity", "rook", "--edges-out", file.to_str().unwrap()]);
    let text = std::fs::read_to_string(&file).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows[0], "a,b,border_m");
    assert_eq!(rows.len() - 1, v["edges"].as_u64().unwrap() as usize);
    // Rook drops the 3 Bassa pairs that meet at a corner only.
    assert_eq!(v["edges"], 94);
    assert!(rows[1..].iter().all(|r| r.rsplit(',').next().unwrap().parse::<f64>().unwrap() > 0.0));
}

/// The five demographic features of PRODUCT.md (the embedded area's own), whose optima the
/// tests know.
const DEMOGRAPHIC: &str = "log_pop,log_density,share_65plus,share_under15,growth";

#[test]
fn features_json_reports_extremes_by_name_and_every_source() {
    let v = json(&["features", "--json"]);
    let f = v["features"].as_array().unwrap();
    let names: Vec<&str> = f.iter().map(|r| r["name"].as_str().unwrap()).collect();
    let mut expected: Vec<&str> = DEMOGRAPHIC.split(',').collect();
    expected.extend(pianura::features::ECONOMIC_FEATURES);
    assert_eq!(names, expected);
    for (row, source) in f.iter().zip(["ISTAT"; 5].iter().chain(&[
        "MEF",
        "MEF",
        "ASIA",
        "ASIA",
        "ASIA",
        "ASIA",
        "ISTAT",
        "OpenCivitas",
        "OpenCivitas",
        "OpenCivitas",
    ])) {
        let s = row["source"].as_str().unwrap();
        assert!(s.contains(source), "{}: source {s:?} should name {source}", row["name"]);
        assert!(!row["definition"].as_str().unwrap().is_empty());
    }
    let selected = json(&["features", "--features", "degurba,log_pop", "--json"]);
    let names: Vec<&str> = selected["features"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["degurba", "log_pop"]);
    // Montichiari is the most populous municipality of the Bassa (about 26,000 residents).
    assert_eq!(f[0]["max_unit"]["name"], "Montichiari");
    assert!((f[0]["max"].as_f64().unwrap() - 26_000f64.ln()).abs() < 0.05);
}

#[test]
fn bad_area_exits_2_and_names_the_culprit() {
    let mut fs = row_of_three();
    fs[1] = feature(r#""istat":"017089","name":"Offlaga","x":1"#, "null");
    let (_d, path) = write_temp("broken.geojson", &collection(&fs));
    let out = pianura(&["graph", "--area", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("broken.geojson") && err.contains("017089 Offlaga") && err.contains("no geometry"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn failed_edges_out_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("edges.csv");
    let out = pianura(&["graph", "--area", "/nonexistent/area.geojson", "--edges-out", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/area.geojson"));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn missing_area_names_the_path_and_the_os_cause_once() {
    let dir = tempfile::tempdir().unwrap();
    for path in [dir.path().join("no-such-folder"), dir.path().join("no-such-area.geojson")] {
        let out = pianura(&["graph", "--area", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        let cause = std::fs::metadata(&path).unwrap_err().to_string();
        assert!(err.contains(&format!("{}: {cause}", path.display())), "{err}");
        assert_eq!(err.matches(&cause).count(), 1, "the OS cause is printed once: {err}");
    }
}

#[test]
fn help_explains_the_commands() {
    let out = pianura(&["--help"]);
    let text = String::from_utf8_lossy(&out.stdout);
    for word in ["graph", "features", "Bassa Bresciana"] {
        assert!(text.contains(word), "--help mentions {word}: {text}");
    }
}

#[test]
fn zones_json_has_the_documented_fields_and_is_deterministic() {
    // The five PRODUCT.md features, whose best known SSD is known.
    let args = ["zones", "--features", DEMOGRAPHIC, "--k", "4", "--method", "heuristic", "--objective", "ssd", "--seed", "3", "--json"];
    let v = json(&args);
    for key in [
        "method",
        "objective",
        "k",
        "zones",
        "labels",
        "ssd",
        "r2",
        "pairwise",
        "medoid",
        "contiguous",
        "zone_pops",
        "status",
        "bound",
        "gap",
        "seconds",
        "seed",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert_eq!(v["k"], 4);
    assert_eq!(v["contiguous"], true);
    assert_eq!(v["status"], "heuristic");
    assert!(v["ssd"].as_f64().unwrap() <= 113.593, "k=4 best known SSD is 113.592");
    let zones = v["zones"].as_array().unwrap();
    let members: usize = zones.iter().map(|z| z.as_array().unwrap().len()).sum();
    assert_eq!(members, 42);
    assert_eq!(v["labels"].as_object().unwrap().len(), 42);
    let pops: f64 = v["zone_pops"].as_array().unwrap().iter().map(|p| p.as_f64().unwrap()).sum();
    let total: f64 = {
        let raw: Value = serde_json::from_str(&std::fs::read_to_string(bassa42()).unwrap()).unwrap();
        raw["features"].as_array().unwrap().iter().map(|f| f["properties"]["pop_2023"].as_f64().unwrap()).sum()
    };
    assert_eq!(pops, total);
    let again = json(&args);
    assert_eq!(v["zones"], again["zones"]);
    assert_eq!(v["ssd"], again["ssd"]);
}

#[test]
fn zones_exact_reports_a_proved_optimum() {
    let v = json(&["zones", "--features", DEMOGRAPHIC, "--k", "4", "--json"]);
    assert_eq!(v["method"], "exact");
    assert_eq!(v["status"], "optimal");
    assert!((v["medoid"].as_f64().unwrap() - 133.4217).abs() < 1e-4);
    assert_eq!(v["gap"], 0.0);
    assert_eq!(v["centres"].as_array().unwrap().len(), 4);
}

#[test]
fn zones_infeasible_request_names_the_exclave() {
    let area = fixture("lombardia");
    let out = pianura(&["zones", "--area", area.to_str().unwrap(), "--k", "5", "--min-pop", "3000"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Campione d'Italia") && err.contains("3000"), "{err}");
}

#[test]
fn zones_keep_together_keep_apart_and_centres_from_the_command_line() {
    // Manerbio (017103) and Offlaga (017122) are neighbours; Ghedi (017078) and Leno (017088)
    // too; Montichiari (017113) must lead a zone.
    let v = json(&[
        "zones",
        "--k",
        "4",
        "--method",
        "heuristic",
        "--keep-together",
        "017103,017122",
        "--keep-apart",
        "017078,017088",
        "--centre",
        "017113",
        "--json",
    ]);
    let labels = v["labels"].as_object().unwrap();
    assert_eq!(labels["017103"], labels["017122"], "kept together");
    assert_ne!(labels["017078"], labels["017088"], "kept apart");
    assert!(v["centres"].as_array().unwrap().iter().any(|c| c == "017113"), "Montichiari leads a zone: {}", v["centres"]);
    assert_eq!(v["contiguous"], true);
    // An unknown code is named; k-means refuses constraints instead of ignoring them.
    let out = pianura(&["zones", "--k", "4", "--keep-apart", "017078,999999"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no municipality with ISTAT code 999999"));
    let out = pianura(&["zones", "--k", "4", "--method", "kmeans", "--min-pop", "30000"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("k-means is the non-spatial reference"));
}

#[test]
fn a_spending_file_with_unknown_codes_negative_amounts_or_a_missing_function_is_refused_by_name() {
    let (dir, bad) = write_temp("spending.csv", "istat,function,spending_eur\n017088,pol,1000\n999999,pol,5\n017091,pol,-3\n");
    let out_dir = dir.path().join("out");
    let out = pianura(&["plan", "--spending", bad.to_str().unwrap(), "--out", out_dir.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("spending.csv"), "{err}");
    assert!(err.contains("999999 is not a municipality of the area"), "{err}");
    assert!(err.contains("spending_eur must be a finite amount ≥ 0 in €, found \"-3\""), "{err}");
    assert!(!out_dir.exists(), "a refused input writes nothing");
    // Valid rows, but only for local police: the technical office asks for general administration.
    let (dir, partial) = write_temp("pol.csv", "istat,function,spending_eur\n017088,pol,1000\n017091,pol,3000\n");
    let out_dir = dir.path().join("out");
    let out = pianura(&["plan", "--spending", partial.to_str().unwrap(), "--out", out_dir.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("pol.csv: no rows for function `amm` (needed by functions.ict.spending); the file has: pol"), "{err}");
}
