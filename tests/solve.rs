//! Zone solvers: exact optimum = brute force on small grids, heuristics never below it and
//! always feasible, constraints honoured, determinism across thread counts, infeasibility named.

mod common;

use common::*;
use pianura::solve::{solve, Constraints, Method, ObjectiveKind, SolveError, SolveParams, Status};

fn params(objective: ObjectiveKind) -> SolveParams {
    SolveParams { objective, time_limit: 60.0, ..SolveParams::default() }
}

fn brute_force_min(inst: &pianura::solve::Instance, cons: &Constraints, kind: ObjectiveKind) -> f64 {
    let o = inst.objective(kind);
    all_partitions(inst, cons).iter().map(|p| o.evaluate(p)).fold(f64::INFINITY, f64::min)
}

#[test]
fn exact_medoid_equals_brute_force_on_grids() {
    for (rows, cols, k) in [(3, 3, 2), (3, 3, 3), (3, 4, 3), (3, 4, 4)] {
        let inst = grid(rows, cols);
        let cons = Constraints { k, ..Default::default() };
        let best = brute_force_min(&inst, &cons, ObjectiveKind::Medoid);
        let out = solve(&inst, &cons, &params(ObjectiveKind::Medoid), Method::Exact).unwrap();
        assert_eq!(out.status, Status::Optimal, "{rows}×{cols} k={k}");
        assert!((out.objective - best).abs() < 1e-6, "{rows}×{cols} k={k}: exact {} vs brute force {best}", out.objective);
        assert!(out.partition.is_contiguous(&inst.adj));
        assert!(out.gap.unwrap() <= 1e-6);
    }
}

#[test]
fn exact_medoid_with_population_bounds_equals_brute_force() {
    let inst = grid(3, 4);
    let cons = Constraints { k: 3, min_pop: Some(4500.0), max_pop: Some(5600.0), ..Default::default() };
    let best = brute_force_min(&inst, &cons, ObjectiveKind::Medoid);
    assert!(best.is_finite(), "the bounds leave some partitions");
    let out = solve(&inst, &cons, &params(ObjectiveKind::Medoid), Method::Exact).unwrap();
    assert!((out.objective - best).abs() < 1e-6, "exact {} vs brute force {best}", out.objective);
    assert!(cons.holds(&inst, &out.partition), "{:?}", cons.violations(&inst, &out.partition));
}

#[test]
fn exact_pairwise_equals_brute_force_on_a_small_grid() {
    let inst = grid(3, 3);
    let cons = Constraints { k: 3, ..Default::default() };
    let best = brute_force_min(&inst, &cons, ObjectiveKind::Pairwise);
    let out = solve(&inst, &cons, &params(ObjectiveKind::Pairwise), Method::Exact).unwrap();
    assert_eq!(out.status, Status::Optimal);
    assert!((out.objective - best).abs() < 1e-6, "exact {} vs brute force {best}", out.objective);
    assert!(out.bound.unwrap() <= out.objective + 1e-9);
}

#[test]
fn heuristics_are_contiguous_and_never_beat_the_optimum() {
    for (rows, cols, k) in [(3, 3, 3), (3, 4, 3), (3, 4, 4)] {
        let inst = grid(rows, cols);
        let cons = Constraints { k, ..Default::default() };
        for kind in [ObjectiveKind::Ssd, ObjectiveKind::Pairwise, ObjectiveKind::Medoid] {
            let best = brute_force_min(&inst, &cons, kind);
            for method in [Method::Heuristic, Method::Ward, Method::Skater] {
                let out = solve(&inst, &cons, &params(kind), method).unwrap();
                assert!(out.partition.is_contiguous(&inst.adj), "{method:?} {kind:?}");
                assert_eq!(out.partition.k(), k);
                assert!(out.objective >= best - 1e-9, "{method:?} {kind:?}: {} below the optimum {best}", out.objective);
            }
            // On grids this small, the full heuristic finds the optimum itself.
            let out = solve(&inst, &cons, &params(kind), Method::Heuristic).unwrap();
            assert!((out.objective - best).abs() < 1e-9, "{rows}×{cols} k={k} {kind:?}: {} vs {best}", out.objective);
        }
    }
}

#[test]
fn every_constraint_holds_in_returned_partitions() {
    let inst = grid(3, 4);
    let cons = Constraints {
        k: 3,
        min_pop: Some(4000.0),
        max_pop: Some(6000.0),
        min_units: Some(3),
        max_units: Some(5),
        must_link: vec![vec![0, 1, 2]],
        cannot_link: vec![(5, 6), (9, 11)],
        centres: vec![],
    };
    let best = brute_force_min(&inst, &cons, ObjectiveKind::Medoid);
    assert!(best.is_finite());
    for method in [Method::Heuristic, Method::Exact] {
        let out = solve(&inst, &cons, &params(ObjectiveKind::Medoid), method).unwrap();
        assert!(cons.holds(&inst, &out.partition), "{method:?}: {:?}", cons.violations(&inst, &out.partition));
        assert!(out.objective >= best - 1e-9);
    }
    let exact = solve(&inst, &cons, &params(ObjectiveKind::Medoid), Method::Exact).unwrap();
    assert!((exact.objective - best).abs() < 1e-6);
    // Ward and SKATER ignore nothing either: they either meet the constraints or say so.
    for method in [Method::Ward, Method::Skater] {
        match solve(&inst, &cons, &params(ObjectiveKind::Ssd), method) {
            Ok(out) => assert!(cons.holds(&inst, &out.partition)),
            // A constructive method that misses is not a proof: "not found", with what broke.
            Err(SolveError::NotFound(msg)) => {
                let msg = msg.to_string();
                assert!(msg.contains("breaks") && msg.contains("the heuristic method searches further"), "{msg}")
            }
            Err(e) => panic!("{e}"),
        }
    }
}

#[test]
fn fixed_centres_are_centres() {
    let inst = grid(3, 4);
    let cons = Constraints { k: 3, centres: vec![0, 11], ..Default::default() };
    let out = solve(&inst, &cons, &params(ObjectiveKind::Medoid), Method::Exact).unwrap();
    let centres = out.centres.unwrap();
    assert!(centres.contains(&0) && centres.contains(&11), "{centres:?}");
    assert!(meets(&inst, &cons, out.partition.labels()));
}

#[test]
fn same_seed_same_partition_with_one_or_two_threads() {
    let t = pianura::territory::Territory::embedded_default();
    let g = pianura::graph::AdjacencyGraph::build(&t, pianura::graph::Contiguity::Queen).unwrap();
    let x = pianura::features::FeatureMatrix::from_territory(&t).standardized();
    let inst = pianura::solve::Instance::new(&t, &g, &x);
    let cons = Constraints { k: 5, ..Default::default() };
    let run = |threads, seed| {
        let p = SolveParams { objective: ObjectiveKind::Ssd, threads, seed, ..SolveParams::default() };
        solve(&inst, &cons, &p, Method::Heuristic).unwrap()
    };
    let (a, b) = (run(1, 7), run(2, 7));
    assert_eq!(a.partition, b.partition);
    assert_eq!(a.objective.to_bits(), b.objective.to_bits());
    // Best known value on the default area for k = 5 (PEERS.md).
    assert!(a.objective <= 101.566, "k=5 SSD {}", a.objective);
}

#[test]
fn infeasibility_is_proved_before_solving_and_names_the_culprit() {
    let t = pianura::territory::Territory::load(&fixture("lombardia")).unwrap();
    let g = pianura::graph::AdjacencyGraph::build(&t, pianura::graph::Contiguity::Queen).unwrap();
    let x = pianura::features::FeatureMatrix::from_territory(&t).standardized();
    let inst = pianura::solve::Instance::new(&t, &g, &x);
    let p = params(ObjectiveKind::Ssd);
    // Campione d'Italia (about 2,000 residents) is an exclave: its own zone, too small.
    let cons = Constraints { k: 10, min_pop: Some(5000.0), ..Default::default() };
    let err = solve(&inst, &cons, &p, Method::Heuristic).unwrap_err().to_string();
    assert!(err.contains("013040 Campione d'Italia") && err.contains("min zone population 5000"), "{err}");
    // One zone cannot be contiguous over two pieces.
    let err = solve(&inst, &Constraints { k: 1, ..Default::default() }, &p, Method::Heuristic).unwrap_err().to_string();
    assert!(err.contains("2 separate pieces") && err.contains("Campione"), "{err}");

    let inst = grid(3, 3);
    let err = solve(&inst, &Constraints { k: 10, ..Default::default() }, &p, Method::Heuristic).unwrap_err();
    assert!(matches!(&err, SolveError::Infeasible(m) if m.to_string().contains("10 zones") && m.to_string().contains("only 9")), "{err}");
    let cons = Constraints { k: 2, must_link: vec![vec![0, 1]], cannot_link: vec![(0, 1)], ..Default::default() };
    let err = solve(&inst, &cons, &p, Method::Heuristic).unwrap_err().to_string();
    assert!(err.contains("cell0 and cell1 must be kept apart"), "{err}");
    let cons = Constraints { k: 2, must_link: vec![vec![0, 8]], ..Default::default() };
    let err = solve(&inst, &cons, &p, Method::Heuristic).unwrap_err().to_string();
    assert!(err.contains("{cell0, cell8}") && err.contains("not contiguous"), "{err}");
    let cons = Constraints { k: 2, max_pop: Some(1200.0), ..Default::default() };
    let err = solve(&inst, &cons, &p, Method::Heuristic).unwrap_err().to_string();
    assert!(err.contains("above the max zone population 1200"), "{err}");
}

#[test]
fn kmeans_ignores_contiguity_and_says_so() {
    let t = pianura::territory::Territory::embedded_default();
    let g = pianura::graph::AdjacencyGraph::build(&t, pianura::graph::Contiguity::Queen).unwrap();
    let x = pianura::features::FeatureMatrix::from_territory(&t).standardized();
    let inst = pianura::solve::Instance::new(&t, &g, &x);
    let cons = Constraints { k: 5, ..Default::default() };
    let p = params(ObjectiveKind::Ssd);
    let km = solve(&inst, &cons, &p, Method::Kmeans).unwrap();
    let heur = solve(&inst, &cons, &p, Method::Heuristic).unwrap();
    assert_eq!(km.partition.k(), 5);
    // Without contiguity, k-means reaches a lower SSD, with scattered zones.
    assert!(km.objective < heur.objective, "k-means {} vs contiguous {}", km.objective, heur.objective);
    assert!(pianura::metrics::disconnected_zones(&inst.adj, &km.partition) > 0);
}

/// Known optima of the medoid objective on the default area (proved independently with HiGHS
/// through plain formulations, 40–680 s each; see the solver issue).
#[test]
fn default_area_medoid_optima_are_reached_and_proved() {
    let t = pianura::territory::Territory::embedded_default();
    let g = pianura::graph::AdjacencyGraph::build(&t, pianura::graph::Contiguity::Queen).unwrap();
    let x = pianura::features::FeatureMatrix::from_territory(&t).standardized();
    let inst = pianura::solve::Instance::new(&t, &g, &x);
    for (k, optimum) in [(3, Some(154.7395)), (4, Some(133.4217)), (5, Some(121.2128)), (6, None), (7, None), (8, None)] {
        let cons = Constraints { k, ..Default::default() };
        let out = solve(&inst, &cons, &params(ObjectiveKind::Medoid), Method::Exact).unwrap();
        assert_eq!(out.status, Status::Optimal, "k={k}");
        assert_eq!(out.method, pianura::status::SolverKind::Exact);
        if let Some(optimum) = optimum {
            assert!((out.objective - optimum).abs() < 1e-4, "k={k}: {} vs {optimum}", out.objective);
        }
        assert!(out.partition.is_contiguous(&inst.adj));
        assert!(out.bound.unwrap() >= out.objective - 1e-6 * out.objective);
    }
}

#[test]
fn kmeans_refuses_constraints_it_cannot_honour() {
    let inst = grid(3, 3);
    for cons in [
        Constraints { k: 2, min_pop: Some(3000.0), ..Default::default() },
        Constraints { k: 2, max_units: Some(5), ..Default::default() },
        Constraints { k: 2, must_link: vec![vec![0, 1]], ..Default::default() },
        Constraints { k: 2, cannot_link: vec![(0, 8)], ..Default::default() },
    ] {
        let err = solve(&inst, &cons, &params(ObjectiveKind::Ssd), Method::Kmeans).unwrap_err();
        assert!(
            matches!(&err, SolveError::Param(m) if m.to_string().contains("k-means") && m.to_string().contains("only the number of zones")),
            "{err}"
        );
    }
}

#[test]
fn fixed_centres_lead_different_zones_for_every_objective() {
    // Cells 0 and 1 are neighbours: left alone, some optimum may join them.
    let inst = grid(3, 3);
    let cons = Constraints { k: 3, centres: vec![0, 1], ..Default::default() };
    // Medoid: a zone holding a fixed centre is led by it; others by their best member.
    let medoid_with_centres = |p: &pianura::partition::Partition| -> f64 {
        p.zones()
            .iter()
            .map(|m| {
                let cost = |c: usize| m.iter().map(|&i| inst.medoid.cost[[i, c]]).sum::<f64>();
                match cons.centres.iter().find(|c| m.contains(c)) {
                    Some(&c) => cost(c),
                    None => m.iter().map(|&c| cost(c)).fold(f64::INFINITY, f64::min),
                }
            })
            .sum()
    };
    for kind in [ObjectiveKind::Pairwise, ObjectiveKind::Medoid] {
        let best = if kind == ObjectiveKind::Medoid {
            all_partitions(&inst, &cons).iter().map(medoid_with_centres).fold(f64::INFINITY, f64::min)
        } else {
            brute_force_min(&inst, &cons, kind)
        };
        for method in [Method::Exact, Method::Heuristic] {
            let out = solve(&inst, &cons, &params(kind), method).unwrap();
            assert!(meets(&inst, &cons, out.partition.labels()), "{kind:?} {method:?}");
            assert!(out.objective >= best - 1e-9, "{kind:?} {method:?}: {} below the optimum {best}", out.objective);
            // Both reach the optimum on 9 cells: the heuristic scores a zone by its fixed
            // centre, as the outcome does, so it optimises the right thing.
            assert!((out.objective - best).abs() < 1e-6, "{kind:?} {method:?}: {} vs brute force {best}", out.objective);
        }
    }
    let medoid = solve(&inst, &cons, &params(ObjectiveKind::Medoid), Method::Exact).unwrap();
    let centres = medoid.centres.unwrap();
    assert!(centres.contains(&0) && centres.contains(&1), "{centres:?}");
}

#[test]
fn keep_together_blocks_are_checked_as_merged() {
    let inst = grid(3, 3);
    let p = params(ObjectiveKind::Medoid);
    // Overlapping groups {0,1,2} and {2,5,8} make one block of 5: above 4 per zone.
    let cons = Constraints { k: 3, max_units: Some(4), must_link: vec![vec![0, 1, 2], vec![2, 5, 8]], ..Default::default() };
    let err = solve(&inst, &cons, &p, Method::Exact).unwrap_err();
    assert!(
        matches!(&err, SolveError::Infeasible(m) if m.to_string().contains("cell0, cell1, cell2, cell5, cell8") && m.to_string().contains("above the max of 4")),
        "{err}"
    );
    // Eight of nine cells held together leave two pieces for three zones.
    let cons = Constraints { k: 3, must_link: vec![vec![0, 1, 2, 3, 4, 5, 6, 7]], ..Default::default() };
    let err = solve(&inst, &cons, &p, Method::Heuristic).unwrap_err();
    assert!(matches!(&err, SolveError::Infeasible(m) if m.to_string().contains("only 2 pieces remain")), "{err}");
    // Two fixed centres inside one block.
    let cons = Constraints { k: 3, must_link: vec![vec![0, 1]], centres: vec![0, 1], ..Default::default() };
    let err = solve(&inst, &cons, &p, Method::Exact).unwrap_err().to_string();
    assert!(err.contains("fixed centres cell0 and cell1"), "{err}");
    // A pair kept apart from itself, and a centre listed twice, are input mistakes.
    let err = solve(&inst, &Constraints { k: 2, cannot_link: vec![(4, 4)], ..Default::default() }, &p, Method::Exact).unwrap_err();
    assert!(matches!(&err, SolveError::Param(m) if m.to_string().contains("cell4 cannot be kept apart from itself")), "{err}");
    let err = solve(&inst, &Constraints { k: 2, centres: vec![3, 3], ..Default::default() }, &p, Method::Exact).unwrap_err();
    assert!(matches!(&err, SolveError::Param(m) if m.to_string().contains("cell3 is listed twice")), "{err}");
}

#[test]
fn a_search_cut_short_is_not_a_proof_of_infeasibility() {
    // Three cells of a row, all pairwise kept apart, in two zones: impossible, but no pre-solve
    // rule sees it; only the exhausted branch-and-cut tree proves it.
    let mut inst = grid(1, 3);
    inst.labels = vec!["a".into(), "b".into(), "c".into()];
    let cons = Constraints { k: 2, cannot_link: vec![(0, 1), (1, 2), (0, 2)], ..Default::default() };
    let full = solve(&inst, &cons, &params(ObjectiveKind::Medoid), Method::Exact).unwrap_err();
    assert!(matches!(&full, SolveError::Infeasible(m) if m.to_string().contains("HiGHS proves")), "{full}");
    let cut = SolveParams { node_limit: Some(0), ..params(ObjectiveKind::Medoid) };
    let short = solve(&inst, &cons, &cut, Method::Exact).unwrap_err();
    assert!(matches!(&short, SolveError::NotFound(m) if m.to_string().contains("0 branch-and-cut nodes")), "{short}");
    let heur = solve(&inst, &cons, &params(ObjectiveKind::Medoid), Method::Heuristic).unwrap_err();
    assert!(matches!(heur, SolveError::NotFound(_)));
}

#[test]
fn medoid_travel_term_and_population_weights() {
    // Two municipalities one degree of latitude apart (≈ 111.19 km), features 0 and 2
    // (squared distance 4 before standardization; here the rows are used as they are).
    let x = ndarray::array![[0.0], [2.0]];
    let base = pianura::solve::Instance::from_parts(
        vec![vec![1], vec![0]],
        x,
        vec![100.0, 300.0],
        Some(vec![(10.0, 45.0), (10.0, 46.0)]),
        vec!["a".into(), "b".into()],
    );
    let plain = base.clone().with_medoid_options(0.0, false).unwrap();
    assert!((plain.medoid.cost[[0, 1]] - 4.0).abs() < 1e-12);
    let travel = base.clone().with_medoid_options(0.5, false).unwrap();
    assert!((travel.medoid.cost[[0, 1]] - (4.0 + 0.5 * 111.19)).abs() < 0.05);
    // Population weights: unit a has half the mean population (100 vs 200).
    let weighted = base.clone().with_medoid_options(0.0, true).unwrap();
    assert!((weighted.medoid.cost[[0, 1]] - 2.0).abs() < 1e-12);
    assert!((weighted.medoid.cost[[1, 0]] - 6.0).abs() < 1e-12);
    assert!(base.with_medoid_options(-1.0, false).is_err());
}

#[test]
fn max_p_finds_the_most_zones_brute_force_allows() {
    let inst = grid(3, 3);
    for min_pop in [2300.0, 2500.0, 3000.0, 4000.0] {
        let cons = Constraints { min_pop: Some(min_pop), ..Default::default() };
        // The largest k with some contiguous partition meeting the minimum, by enumeration.
        let most = (1..=9).rev().find(|&k| !all_partitions(&inst, &Constraints { k, ..cons.clone() }).is_empty()).unwrap();
        let found = pianura::solve::max_p::max_p(&inst, &cons, &params(ObjectiveKind::Ssd), Method::Heuristic).unwrap();
        assert_eq!(found.p, most, "min_pop {min_pop}");
        assert_eq!(found.outcome.partition.k(), most);
        assert!(meets(&inst, &Constraints { k: most, ..cons.clone() }, found.outcome.partition.labels()));
        // 11,192 residents in all: at most ⌊11192 / min_pop⌋ zones.
        assert_eq!(found.data_bound, (11192.0 / min_pop) as usize);
        // The exact count search rules out every count above the most.
        assert_eq!(found.upper_bound, most);
        assert!(found.proved, "min_pop {min_pop}: the exact search settles one zone more");
        // Among partitions into that many zones, the exact medoid run is the best one.
        let exact = pianura::solve::max_p::max_p(&inst, &cons, &params(ObjectiveKind::Medoid), Method::Exact).unwrap();
        let best = brute_force_min(&inst, &Constraints { k: most, ..cons.clone() }, ObjectiveKind::Medoid);
        assert!((exact.outcome.objective - best).abs() < 1e-6, "min_pop {min_pop}: {} vs {best}", exact.outcome.objective);
    }
    let err = pianura::solve::max_p::max_p(&inst, &Constraints::default(), &params(ObjectiveKind::Ssd), Method::Heuristic).unwrap_err();
    assert!(matches!(err, SolveError::Param(m) if m.to_string().contains("minimum zone population")));
}

#[test]
fn an_ssd_instance_holds_no_medoid_matrix() {
    // Medoid costs are n × n: built only when a medoid-type objective reads them.
    let inst = grid(3, 3);
    let cons = Constraints { k: 3, ..Default::default() };
    solve(&inst, &cons, &params(ObjectiveKind::Ssd), Method::Heuristic).unwrap();
    assert!(!inst.medoid.is_built());
    solve(&inst, &cons, &params(ObjectiveKind::Medoid), Method::Heuristic).unwrap();
    assert!(inst.medoid.is_built());
}
