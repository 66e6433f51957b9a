//! Scenario comparison, stability and the random-plan ensemble.

mod common;

use std::process::Command;

use std::collections::BTreeMap;

use common::*;
use pianura::compare::{self, Bootstrap, ScenarioFile};
use pianura::ensemble::{self, ChainParams};
use pianura::features::FeatureMatrix;
use pianura::graph::{AdjacencyGraph, Contiguity};
use pianura::partition::Partition;
use pianura::solve::{self, Constraints, Instance, Method, ObjectiveKind, SolveParams};
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
    let r =
        compare::run(&t, &g, &f, &file, Bootstrap { runs: 0, noise: 0.0, resample_weights: false, survival_threshold: 0.5 }, 2).unwrap();
    let ab = &r.distances[0];
    assert_eq!((ab.a.as_str(), ab.b.as_str()), ("a", "b"));
    assert!((ab.ari - 1.0).abs() < 1e-12 && ab.vi.abs() < 1e-12 && ab.moved == 0, "{ab:?}");
    let ac = &r.distances[1];
    assert!(ac.ari < 1.0 && ac.vi > 0.0 && ac.moved > 0, "{ac:?}");
    assert!(r.scenarios.iter().all(|s| s.contiguous));
    // Best known SSD for k = 4 on the default area.
    assert!(r.scenarios[0].ssd <= 113.593);
    // The matrices: scenario order, symmetric, identity on the diagonal, the pair list's values.
    let m = &r.matrix;
    assert_eq!(m.names, ["a", "b", "c"]);
    for i in 0..3 {
        assert_eq!((m.ari[i][i], m.vi[i][i], m.moved[i][i]), (1.0, 0.0, 0));
        for j in 0..3 {
            assert_eq!((m.ari[i][j], m.vi[i][j], m.moved[i][j]), (m.ari[j][i], m.vi[j][i], m.moved[j][i]));
        }
    }
    assert_eq!((m.ari[0][1], m.vi[0][1], m.moved[0][1]), (1.0, 0.0, 0));
    assert_eq!((m.ari[0][2], m.vi[0][2], m.moved[0][2]), (ac.ari, ac.vi, ac.moved));
    assert_eq!(m.moved[1][2], r.distances[2].moved);
}

/// R² of `labels` (ISTAT → zone) on every feature of the area, z-scored with ddof 0 and
/// weight 1, computed here from the raw values: the oracle for `r2_common`.
fn r2_by_hand(t: &Territory, f: &FeatureMatrix, labels: &BTreeMap<String, usize>) -> f64 {
    let x = f.values();
    let (n, p) = (x.nrows(), x.ncols());
    let mut z = vec![vec![0.0; p]; n];
    for j in 0..p {
        let mean = (0..n).map(|i| x[[i, j]]).sum::<f64>() / n as f64;
        let sd = ((0..n).map(|i| (x[[i, j]] - mean).powi(2)).sum::<f64>() / n as f64).sqrt();
        for i in 0..n {
            z[i][j] = if sd > 0.0 { (x[[i, j]] - mean) / sd } else { 0.0 };
        }
    }
    // z-scores have mean 0, so TSS is the plain sum of squares.
    let tss: f64 = z.iter().flatten().map(|v| v * v).sum();
    let mut zones: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, u) in t.units.iter().enumerate() {
        zones.entry(labels[&u.istat]).or_default().push(i);
    }
    let mut ssd = 0.0;
    for members in zones.values() {
        // Column by column: `j` indexes the feature of every member's row.
        #[allow(clippy::needless_range_loop)]
        for j in 0..p {
            let mean = members.iter().map(|&i| z[i][j]).sum::<f64>() / members.len() as f64;
            ssd += members.iter().map(|&i| (z[i][j] - mean).powi(2)).sum::<f64>();
        }
    }
    1.0 - ssd / tss
}

#[test]
fn r2_common_is_measured_on_unweighted_standardized_features() {
    let (t, g, f) = area();
    let weighted = ScenarioFile::parse(TWINS, "twins.toml").unwrap().scenario[2].clone();
    let mut plain = weighted.clone();
    plain.name = "c unweighted".into();
    plain.weights.clear();
    let file = ScenarioFile { scenario: vec![weighted, plain] };
    let r = compare::run(&t, &g, &f, &file, Bootstrap::default(), 1).unwrap();
    for s in &r.scenarios {
        let expected = r2_by_hand(&t, &f, &s.labels);
        assert!((s.r2_common - expected).abs() < 1e-9, "{}: {} vs {expected}", s.name, s.r2_common);
    }
    // Without weights the own space is the common one; with growth ×2 it is not.
    let (weighted, plain) = (&r.scenarios[0], &r.scenarios[1]);
    assert!((plain.r2 - plain.r2_common).abs() < 1e-9, "{plain:?}");
    assert!((weighted.r2 - weighted.r2_common).abs() > 1e-6, "{weighted:?}");
}

#[test]
fn scenario_unit_bounds_hold() {
    let (t, g, f) = area();
    let text = "[[scenario]]\nname = \"units\"\nk = 5\nmethod = \"heuristic\"\nobjective = \"ssd\"\nmin_units = 6\nmax_units = 12\n";
    let file = ScenarioFile::parse(text, "units.toml").unwrap();
    let r = compare::run(&t, &g, &f, &file, Bootstrap::default(), 1).unwrap();
    let s = &r.scenarios[0];
    let mut sizes = vec![0usize; s.k];
    for &z in s.labels.values() {
        sizes[z - 1] += 1;
    }
    assert_eq!(s.k, 5);
    assert_eq!(sizes.iter().sum::<usize>(), 42);
    assert!(sizes.iter().all(|&c| (6..=12).contains(&c)), "{sizes:?}");
    assert!(s.contiguous);
}

#[test]
fn bootstrap_results_do_not_depend_on_threads() {
    let (t, g, f) = area();
    let file = ScenarioFile::parse(TWINS, "twins.toml").unwrap();
    let mut c2 = file.scenario[2].clone();
    c2.name = "c k=4".into();
    c2.k = 4;
    let file = ScenarioFile { scenario: vec![file.scenario[2].clone(), c2] };
    let boot = Bootstrap { runs: 6, noise: 0.4, resample_weights: true, survival_threshold: 0.5 };
    let one = compare::run(&t, &g, &f, &file, boot, 1).unwrap();
    let two = compare::run(&t, &g, &f, &file, boot, 2).unwrap();
    for (a, b) in one.scenarios.iter().zip(&two.scenarios) {
        let (sa, sb) = (a.stability.as_ref().unwrap(), b.stability.as_ref().unwrap());
        assert_eq!(sa, sb, "{}", a.name);
        assert_eq!(a.labels, b.labels);
        // Not trivially equal: the noise moves somebody, and shares are multiples of 1/6.
        assert!(sa.unit.values().any(|&v| v < 1.0), "{}", a.name);
        assert!(sa.unit.values().chain(&sa.zone).all(|&v| ((v * 6.0) - (v * 6.0).round()).abs() < 1e-9));
    }
    assert_eq!(one.matrix, two.matrix);
    // A stricter threshold can only lower zone survival.
    let strict = compare::run(&t, &g, &f, &file, Bootstrap { survival_threshold: 1.0, ..boot }, 2).unwrap();
    for (a, s) in one.scenarios.iter().zip(&strict.scenarios) {
        let (za, zs) = (&a.stability.as_ref().unwrap().zone, &s.stability.as_ref().unwrap().zone);
        assert!(za.iter().zip(zs).all(|(x, y)| y <= x), "{za:?} vs {zs:?}");
        assert_eq!(a.stability.as_ref().unwrap().unit, s.stability.as_ref().unwrap().unit);
    }
}

/// Population of every municipality of the default area, from the territory itself.
fn populations(t: &Territory) -> Vec<f64> {
    t.units.iter().map(|u| u.pop.expect("the default area has populations")).collect()
}

/// A heuristic plan of `k` zones within ±`balance` (the ensemble's start).
fn balanced_plan(t: &Territory, g: &AdjacencyGraph, f: &FeatureMatrix, k: usize, balance: f64) -> (Instance, Partition) {
    let inst = Instance::new(t, g, &f.standardized());
    let (lo, hi) = ensemble::bounds(&inst.pop, k, balance);
    let cons = Constraints { k, min_pop: Some(lo), max_pop: Some(hi), ..Constraints::default() };
    let p = solve::solve(&inst, &cons, &SolveParams { objective: ObjectiveKind::Ssd, ..SolveParams::default() }, Method::Heuristic)
        .unwrap()
        .partition;
    (inst, p)
}

#[test]
fn ensemble_chain_on_the_default_area_is_contiguous_and_balanced() {
    let (t, g, f) = area();
    let pop = populations(&t);
    // Uneven populations: the largest municipality is many times the smallest.
    let (min, max) = pop.iter().fold((f64::MAX, 0.0f64), |(a, b), &p| (a.min(p), b.max(p)));
    assert!(max > 10.0 * min, "{min} {max}");
    let (inst, start) = balanced_plan(&t, &g, &f, 4, 0.25);
    let ideal = pop.iter().sum::<f64>() / 4.0;
    let (lo, hi) = (0.75 * ideal, 1.25 * ideal);
    let params = ChainParams { samples: 400, burn_in: 20, k: 4, balance: 0.25, seed: 5, time_limit: ensemble::DEFAULT_TIME_LIMIT };
    let mut distinct = std::collections::BTreeSet::new();
    let mut seen = 0;
    ensemble::run(&inst.adj, &inst.pop, &start, &params, |p| {
        seen += 1;
        assert_eq!(p.k(), 4);
        assert_eq!(p.zones().iter().map(Vec::len).sum::<usize>(), 42);
        assert!(p.is_contiguous(&inst.adj), "sample {seen} has a broken zone");
        for m in p.zones() {
            let s: f64 = m.iter().map(|&u| pop[u]).sum();
            assert!(s >= lo - 1e-6 && s <= hi + 1e-6, "sample {seen}: zone of {s} residents outside [{lo}, {hi}]");
        }
        assert!(ensemble::imbalance(&inst.pop, p, 4) <= 0.25 + 1e-9);
        distinct.insert(p.canonical().labels().to_vec());
    });
    assert_eq!(seen, 400);
    assert!(distinct.len() > 50, "the chain explores: {} plans", distinct.len());
}

fn labels_of(t: &Territory, p: &Partition) -> BTreeMap<String, u64> {
    t.units.iter().enumerate().map(|(u, m)| (m.istat.clone(), p.zone_of(u) as u64 + 1)).collect()
}

/// Ward's plan with `k` zones (quick, contiguous, not balanced).
fn ward(t: &Territory, g: &AdjacencyGraph, f: &FeatureMatrix, k: usize) -> (Instance, Partition) {
    let inst = Instance::new(t, g, &f.standardized());
    let cons = Constraints { k, ..Constraints::default() };
    let p = solve::solve(&inst, &cons, &SolveParams { objective: ObjectiveKind::Ssd, ..SolveParams::default() }, Method::Ward)
        .unwrap()
        .partition;
    (inst, p)
}

#[test]
fn ensemble_plans_are_checked_before_use() {
    let (t, g, f) = area();
    let (inst, p4) = ward(&t, &g, &f, 4);
    let good = labels_of(&t, &p4);
    let back = ensemble::plan_from_labels(&t, &inst.adj, &good, 4).unwrap();
    assert_eq!(back.canonical(), p4.canonical());

    // Wrong zone count.
    let (_, p6) = ward(&t, &g, &f, 6);
    let e = ensemble::plan_from_labels(&t, &inst.adj, &labels_of(&t, &p6), 4).unwrap_err().to_string();
    assert!(e.contains("the plan has 6 zones") && e.contains("k = 4"), "{e}");

    // Unknown and missing codes, named.
    let mut bad = good.clone();
    bad.insert("099999".into(), 1);
    let gone = t.units[7].istat.clone();
    bad.remove(&gone);
    let e = ensemble::plan_from_labels(&t, &inst.adj, &bad, 4).unwrap_err().to_string();
    assert!(e.contains("099999") && e.contains(&format!("{gone} {}", t.units[7].name)) && e.contains("has no zone"), "{e}");

    // A municipality moved to a zone it does not touch: that zone falls in two pieces.
    let (u, to) = (0..t.len())
        .find_map(|u| {
            let from = p4.zone_of(u);
            let touches: Vec<usize> = inst.adj[u].iter().map(|&v| p4.zone_of(v)).collect();
            // Its old zone must stay connected without it; the target zone must have ≥ 2 members.
            let mut rest = p4.clone();
            let to = (0..4).find(|&z| z != from && !touches.contains(&z) && p4.members(z).len() >= 2)?;
            rest.move_unit(u, to);
            rest.is_zone_connected(&inst.adj, from).then_some((u, to))
        })
        .expect("some municipality can be misplaced");
    let mut split = good.clone();
    split.insert(t.units[u].istat.clone(), to as u64 + 1);
    let e = ensemble::plan_from_labels(&t, &inst.adj, &split, 4).unwrap_err().to_string();
    assert!(e.contains(&format!("zone {} is not contiguous: 2 pieces", to + 1)) && e.contains(&t.units[u].istat), "{e}");
    assert!(!e.contains("zones ("), "the zone count is right: {e}");
}

#[test]
fn ensemble_command_rejects_a_plan_with_the_wrong_k_and_flags_an_unbalanced_one() {
    let (t, g, f) = area();
    let dir = tempfile::tempdir().unwrap();
    let (_, p6) = ward(&t, &g, &f, 6);
    let six = dir.path().join("six.json");
    std::fs::write(&six, serde_json::json!({ "labels": labels_of(&t, &p6) }).to_string()).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_pianura"))
        .args([
            "ensemble",
            "--k",
            "4",
            "--samples",
            "10",
            "--plan",
            six.to_str().unwrap(),
            "--out",
            dir.path().join("e6").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("six.json") && err.contains("--k 4") && err.contains("6 zones"), "{err}");
    assert!(!dir.path().join("e6").exists(), "nothing written on error");

    // Ward's 4 zones are contiguous but far from balanced: placed, flagged, chain from the heuristic.
    let (inst, p4) = ward(&t, &g, &f, 4);
    assert!(ensemble::imbalance(&inst.pop, &p4, 4) > 0.25);
    let four = dir.path().join("four.json");
    std::fs::write(&four, serde_json::json!({ "labels": labels_of(&t, &p4) }).to_string()).unwrap();
    let out = dir.path().join("e4");
    let o = Command::new(env!("CARGO_BIN_EXE_pianura"))
        .args(["ensemble", "--k", "4", "--samples", "300", "--plan", four.to_str().unwrap(), "--out", out.to_str().unwrap(), "--json"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["summary"]["plan_within_balance"], false);
    assert_eq!(v["start"], "heuristic");
    assert!(v["summary"]["plan_imbalance"].as_f64().unwrap() > 0.25);
    let html = std::fs::read_to_string(out.join("ensemble.html")).unwrap();
    assert!(html.contains("outside the ±25 % balance bound"), "flagged in the page");

    // A balanced plan is where the chain starts.
    let (_, pb) = balanced_plan(&t, &g, &f, 4, 0.2);
    let bal = dir.path().join("balanced.json");
    std::fs::write(&bal, serde_json::json!({ "labels": labels_of(&t, &pb) }).to_string()).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_pianura"))
        .args([
            "ensemble",
            "--k",
            "4",
            "--samples",
            "50",
            "--plan",
            bal.to_str().unwrap(),
            "--out",
            dir.path().join("eb").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success() && stdout.contains("started from the given plan") && !stdout.contains("OUTSIDE"), "{stdout}");
}

#[test]
fn zero_perturbation_bootstrap_is_perfectly_stable() {
    let (t, g, f) = area();
    let file = ScenarioFile::parse(TWINS, "twins.toml").unwrap();
    let s = &file.scenario[2]; // Ward: quick
    let out = compare::run(
        &t,
        &g,
        &f,
        &ScenarioFile { scenario: vec![s.clone()] },
        Bootstrap { runs: 3, noise: 0.0, resample_weights: false, survival_threshold: 0.5 },
        1,
    )
    .unwrap();
    let st = out.scenarios[0].stability.as_ref().unwrap();
    assert!(st.unit.values().all(|&v| v == 1.0));
    assert!(st.zone.iter().all(|&v| v == 1.0));
    // With noise, some municipality moves at least once.
    let noisy = compare::run(
        &t,
        &g,
        &f,
        &ScenarioFile { scenario: vec![s.clone()] },
        Bootstrap { runs: 5, noise: 0.5, resample_weights: true, survival_threshold: 0.5 },
        1,
    )
    .unwrap();
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
    let bad_weight =
        ScenarioFile::parse("[[scenario]]\nname = \"w\"\nk = 3\nmethod = \"ward\"\nweights = { income = 2.0 }\n", "s.toml").unwrap();
    let e = compare::run(&t, &g, &f, &bad_weight, Bootstrap { runs: 0, noise: 0.0, resample_weights: false, survival_threshold: 0.5 }, 1)
        .unwrap_err()
        .to_string();
    assert!(e.contains("scenario `w`") && e.contains("income"), "{e}");
    // The threshold is checked before anything runs.
    let (_d, scen) = write_temp("one.toml", "[[scenario]]\nname = \"x\"\nk = 3\n");
    let o = Command::new(env!("CARGO_BIN_EXE_pianura"))
        .args(["compare", "--scenarios", scen.to_str().unwrap(), "--bootstrap", "2", "--survival-threshold", "1.5"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("--survival-threshold") && err.contains("1.5"), "{err}");
}

#[test]
fn compare_and_ensemble_commands_write_json_that_matches_their_html() {
    let dir = tempfile::tempdir().unwrap();
    let (_d, scen) = write_temp("twins.toml", TWINS);
    let out = dir.path().join("cmp");
    let o = Command::new(env!("CARGO_BIN_EXE_pianura"))
        .args(["compare", "--scenarios", scen.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let table = String::from_utf8(o.stdout).unwrap();
    let v: Value = serde_json::from_str(&std::fs::read_to_string(out.join("compare.json")).unwrap()).unwrap();
    let html = std::fs::read_to_string(out.join("compare.html")).unwrap();
    for d in v["distances"].as_array().unwrap() {
        assert!(html.contains(&format!("{:.4}", d["ari"].as_f64().unwrap())), "ARI {} in the page", d["ari"]);
        assert!(html.contains(&format!("{:.4}", d["vi"].as_f64().unwrap())));
    }
    let num = |s: &Value, key: &str| s[key].as_f64().unwrap_or_else(|| panic!("{key} in {s}"));
    for s in v["scenarios"].as_array().unwrap() {
        let name = s["name"].as_str().unwrap();
        // The scenario's own row in the page, and in the terminal table.
        let start = html.find(&format!("<tr><td>{name}</td>")).unwrap_or_else(|| panic!("row of {name}"));
        let row = &html[start..start + html[start..].find("</tr>").unwrap()];
        for cell in [
            format!("{:.3}", num(s, "ssd")),
            format!("{:.4}", num(s, "r2")),
            format!("{:.4}", num(s, "r2_common")),
            format!("{:.3}", num(s, "pop_cv")),
            format!("{:.1}", num(s, "pairwise")),
        ] {
            assert!(row.contains(&format!(">{cell}<")), "{name}: {cell} in {row}");
        }
        let line = table.lines().find(|l| l.starts_with(&format!("{name} "))).unwrap_or_else(|| panic!("{name} in {table}"));
        for cell in [
            format!("{:.4}", num(s, "r2")),
            format!("{:.4}", num(s, "r2_common")),
            format!("{:.1}", num(s, "pairwise")),
            format!("{:.3}", num(s, "pop_cv")),
        ] {
            assert!(line.contains(&cell), "{name}: {cell} in {line}");
        }
        assert!(line.contains(if s["contiguous"].as_bool().unwrap() { " yes " } else { " NO " }), "{line}");
        assert!(s["gap"].is_null() && line.contains(" – "), "heuristic: no gap, shown as –: {line}");
    }
    assert!(table.lines().next().unwrap().contains("pairwise") && table.contains("contig") && table.contains("gap"));
    // Each matrix as a table: n + 1 header cells, every value present.
    let m = &v["matrix"];
    assert_eq!(m["names"], serde_json::json!(["a", "b", "c"]));
    assert_eq!(html.matches("class=\"card matrix\"").count(), 3);
    for row in m["ari"].as_array().unwrap() {
        for x in row.as_array().unwrap() {
            assert!(html.contains(&format!(">{:.4}<", x.as_f64().unwrap())));
        }
    }
    assert_eq!(m["moved"][0][2], v["distances"][1]["moved"]);
    let csv = std::fs::read_to_string(out.join("compare.csv")).unwrap();
    assert!(csv.starts_with("scenario,k,method,ssd,r2,r2_common,pairwise,pop_cv,contiguous,status,gap,seconds\n"), "{csv}");
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
    assert_eq!(s["plan_within_balance"], true);
    assert_eq!(v["start"], "heuristic");
    let html = std::fs::read_to_string(out.join("ensemble.html")).unwrap();
    assert!(html.contains(&format!("{:.1}</b>R² percentile", s["r2_percentile"].as_f64().unwrap())));
    assert!(html.contains(&format!("plan R² {:.4}", s["plan_r2"].as_f64().unwrap())));
}
