//! The travel objectives (p-median, Hess) under population bands: the exact search equals
//! brute force over every contiguous partition, proves an impossible band infeasible, and
//! gives the same answer on one thread and two.

mod common;

use std::sync::Arc;

use ndarray::Array2;
use pianura::solve::{self, Constraints, Instance, Method, ObjectiveKind, SolveError, SolveParams, Status};

/// The 4 × 3 grid of `common::grid` (residents 1000 + 137·(i mod 5)), cells 10 km apart,
/// distances rounded to whole km: d = round(10·√(Δr² + Δc²)).
fn grid_with_km() -> (Instance, Arc<Array2<f64>>) {
    let (rows, cols) = (4, 3);
    let inst = common::grid(rows, cols);
    let n = rows * cols;
    let d = Array2::from_shape_fn((n, n), |(i, j)| {
        let (dr, dc) = ((i / cols) as f64 - (j / cols) as f64, (i % cols) as f64 - (j % cols) as f64);
        (10.0 * (dr * dr + dc * dc).sqrt()).round()
    });
    (inst, Arc::new(d))
}

/// The objective of a partition, from scratch: each zone led by its best member.
fn by_hand(inst: &Instance, d: &Array2<f64>, kind: ObjectiveKind, labels: &[usize], k: usize) -> f64 {
    let power = if kind == ObjectiveKind::Hess { 2 } else { 1 };
    (0..k)
        .map(|z| {
            let members: Vec<usize> = (0..labels.len()).filter(|&u| labels[u] == z).collect();
            members.iter().map(|&c| members.iter().map(|&i| inst.pop[i] * d[[i, c]].powi(power)).sum::<f64>()).fold(f64::INFINITY, f64::min)
        })
        .sum()
}

fn params(kind: ObjectiveKind, threads: usize) -> SolveParams {
    SolveParams { objective: kind, threads, time_limit: 120.0, ..SolveParams::default() }
}

/// ±`eps` of residents / k, inclusive.
fn band(inst: &Instance, k: usize, eps: f64) -> Constraints {
    let ideal = inst.pop.iter().sum::<f64>() / k as f64;
    Constraints { k, min_pop: Some(ideal * (1.0 - eps)), max_pop: Some(ideal * (1.0 + eps)), ..Default::default() }
}

#[test]
fn exact_equals_brute_force_for_both_objectives_within_a_band() {
    let (base, d) = grid_with_km();
    // 14,877 residents (12 000 + 137·21); k = 3 → 4,959 each, ±5 %: 4,711.05 – 5,206.95.
    for kind in [ObjectiveKind::Pmedian, ObjectiveKind::Hess] {
        let inst = base.clone().with_travel_objective(kind, d.clone()).unwrap();
        for (k, eps) in [(3, 0.05), (4, 0.10), (2, 0.02)] {
            let cons = band(&inst, k, eps);
            let all = common::all_partitions(&inst, &cons);
            assert!(!all.is_empty(), "{kind:?} k={k}: the band admits partitions");
            let best = all.iter().map(|p| by_hand(&inst, &d, kind, p.labels(), k)).fold(f64::INFINITY, f64::min);
            let o = solve::solve(&inst, &cons, &params(kind, 2), Method::Exact).unwrap();
            assert_eq!(o.status, Status::Optimal, "{kind:?} k={k}");
            assert!(common::meets(&inst, &cons, o.partition.labels()), "{kind:?} k={k}");
            assert_eq!(o.objective, best, "{kind:?} k={k}: whole km and residents, so exactly equal");
            assert_eq!(by_hand(&inst, &d, kind, o.partition.labels(), k), best);
            // The heuristic meets the band too, and is never below the optimum.
            let h = solve::solve(&inst, &cons, &params(kind, 2), Method::Heuristic).unwrap();
            assert!(common::meets(&inst, &cons, h.partition.labels()) && h.objective >= best, "{kind:?} k={k}");
        }
    }
}

#[test]
fn a_band_no_partition_meets_is_proven_infeasible() {
    let (base, d) = grid_with_km();
    let inst = base.with_travel_objective(ObjectiveKind::Hess, d).unwrap();
    // k = 5 within ±0.1 %: 2,975.4 ± 3.0 residents; brute force finds no such partition.
    let cons = band(&inst, 5, 0.001);
    assert!(common::all_partitions(&inst, &cons).is_empty());
    match solve::solve(&inst, &cons, &params(ObjectiveKind::Hess, 2), Method::Exact) {
        Err(SolveError::Infeasible(_)) => {}
        other => panic!("expected a proof of infeasibility, got {other:?}"),
    }
}

#[test]
fn one_thread_or_two_give_the_same_answer() {
    let (base, d) = grid_with_km();
    for kind in [ObjectiveKind::Pmedian, ObjectiveKind::Hess] {
        let inst = base.clone().with_travel_objective(kind, d.clone()).unwrap();
        let cons = band(&inst, 3, 0.05);
        for method in [Method::Exact, Method::Heuristic] {
            let one = solve::solve(&inst, &cons, &params(kind, 1), method).unwrap();
            let two = solve::solve(&inst, &cons, &params(kind, 2), method).unwrap();
            assert_eq!(
                (one.partition.labels(), one.objective, one.centres),
                (two.partition.labels(), two.objective, two.centres),
                "{kind:?} {method:?}"
            );
        }
    }
}

#[test]
fn a_travel_objective_on_feature_costs_is_refused() {
    let (base, _) = grid_with_km();
    let e =
        solve::solve(&base, &Constraints { k: 2, ..Default::default() }, &params(ObjectiveKind::Hess, 1), Method::Heuristic).unwrap_err();
    assert!(e.to_string().contains("the instance's costs are for `medoid`, the solve asks for `hess`"), "{e}");
}

/// A 3 × 3 grid as a CSV area with no feature column (ids 1–9, residents 100·id, rook
/// edges), and whole-km distances d = 10·(|Δr| + |Δc|) between every pair.
fn csv_area(dir: &std::path::Path) -> (Vec<f64>, Array2<f64>) {
    let pop: Vec<f64> = (1..=9).map(|i| 100.0 * i as f64).collect();
    let units: String = (0..9)
        .map(|i| format!("{},u{},{},{},{}\n", i + 1, i + 1, pop[i], 10.0 + 0.1 * (i % 3) as f64, 45.0 + 0.1 * (i / 3) as f64))
        .collect();
    std::fs::write(dir.join("units.csv"), format!("istat,name,pop,lon,lat\n{units}")).unwrap();
    let mut edges = String::from("a,b\n");
    let mut dist = String::from("a,b,d\n");
    let d = Array2::from_shape_fn((9, 9), |(i, j)| 10.0 * ((i / 3).abs_diff(j / 3) + (i % 3).abs_diff(j % 3)) as f64);
    for i in 0..9 {
        for j in i + 1..9 {
            if d[[i, j]] == 10.0 {
                edges.push_str(&format!("{},{}\n", i + 1, j + 1));
            }
            dist.push_str(&format!("{},{},{}\n", i + 1, j + 1, d[[i, j]]));
        }
    }
    std::fs::write(dir.join("edges.csv"), edges).unwrap();
    std::fs::write(dir.join("d.csv"), dist).unwrap();
    (pop, d)
}

/// `pianura zones --objective pmedian --k 3 --balance 0.2 --distances d.csv --method exact
/// --json` on the CSV area in `dir`, plus `extra` flags.
fn pmedian_cli(dir: &std::path::Path, extra: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_pianura"))
        .args(["zones", "--area", dir.to_str().unwrap(), "--objective", "pmedian", "--k", "3", "--balance", "0.2", "--distances"])
        .arg(dir.join("d.csv"))
        .args(["--method", "exact", "--json"])
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn the_cli_reports_a_whole_objective_as_an_integer_on_an_area_without_features() {
    let dir = tempfile::tempdir().unwrap();
    let (pop, d) = csv_area(dir.path());
    // 4,500 residents, k = 3, ±20 %: 1,200 – 1,800 per zone.
    let out = pmedian_cli(dir.path(), &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("balance ±20 %: every zone 1\u{202f}200–1\u{202f}800 residents"));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["status"], "optimal");
    // Brute force over every labelling of the nine cells into three contiguous zones.
    let adj: Vec<Vec<usize>> = (0..9).map(|i| (0..9).filter(|&j| d[[i, j]] == 10.0).collect()).collect();
    let x = Array2::zeros((9, 0));
    let inst = Instance::from_parts(adj, x, pop.clone(), None, (1..=9).map(|i| format!("u{i}")).collect())
        .with_travel_objective(ObjectiveKind::Pmedian, Arc::new(d.clone()))
        .unwrap();
    let cons = band(&inst, 3, 0.2);
    let best = common::all_partitions(&inst, &cons)
        .iter()
        .map(|p| by_hand(&inst, &d, ObjectiveKind::Pmedian, p.labels(), 3))
        .fold(f64::INFINITY, f64::min);
    assert!(v["value"].is_i64(), "a whole objective is a JSON integer: {}", v["value"]);
    assert_eq!(v["value"].as_i64().unwrap() as f64, best);
    assert_eq!(v["pop_bounds"], serde_json::json!([1200.0, 1800.0]));
}

#[test]
fn distances_follow_their_units_when_an_island_is_left_out() {
    let dir = tempfile::tempdir().unwrap();
    csv_area(dir.path());
    let plain: serde_json::Value = serde_json::from_slice(&pmedian_cli(dir.path(), &[]).stdout).unwrap();
    // Unit 0 (listed first, so every row index shifts when it is dropped), 500 residents, no
    // neighbour, with distances to all nine; --largest-component leaves it out.
    let units = std::fs::read_to_string(dir.path().join("units.csv")).unwrap();
    let (header, rows) = units.split_once('\n').unwrap();
    std::fs::write(dir.path().join("units.csv"), format!("{header}\n0,island,500,9.0,44.0\n{rows}")).unwrap();
    let mut dist = std::fs::read_to_string(dir.path().join("d.csv")).unwrap();
    for j in 1..=9 {
        dist.push_str(&format!("0,{j},{}\n", 1000 + j));
    }
    std::fs::write(dir.path().join("d.csv"), dist).unwrap();
    let out = pmedian_cli(dir.path(), &["--largest-component"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["left_out"], serde_json::json!(["000000"]));
    // The same nine units, the same distances: the same optimum as without the island.
    assert_eq!((&v["value"], &v["status"]), (&plain["value"], &plain["status"]));
}
