//! Solver speed on the real fixtures, with the objective printed beside the time.
//! Run: `cargo bench --bench solve`.

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use pianura::features::FeatureMatrix;
use pianura::graph::{AdjacencyGraph, Contiguity};
use pianura::objective::{move_delta, ZoneCost};
use pianura::partition::{Partition, Pieces, Tallied};
use pianura::solve::{solve, Constraints, Instance, Method, ObjectiveKind, SolveParams};
use pianura::territory::Territory;

fn instance(rel: &str) -> Instance {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(rel);
    let t = Territory::load(&path).expect("fixture loads");
    let g = AdjacencyGraph::build(&t, Contiguity::Queen).unwrap();
    let main = &g.components()[0];
    let t = t.subset(main, "largest component");
    let g = AdjacencyGraph::build(&t, Contiguity::Queen).unwrap();
    Instance::new(&t, &g, &FeatureMatrix::from_territory(&t).standardized())
}

fn benches(c: &mut Criterion) {
    let bassa = instance("bassa_bresciana");
    let lombardia = instance("lombardia");

    let mut g = c.benchmark_group("objective");
    let labels: Vec<usize> = (0..lombardia.n()).map(|i| i * 25 / lombardia.n()).collect();
    let part = Partition::from_labels(&labels);
    // The delta the heuristic runs: the two zones' tallies after the move, scored, minus before.
    let pieces = Pieces::units(lombardia.x.view(), &lombardia.pop);
    let tallied = Tallied::new(&pieces, &labels);
    let (from, to) = (part.zone_of(700), part.zone_of(700) + 1);
    g.bench_function("ssd_delta/lombardia/k=25", |b| {
        b.iter(|| {
            let [f, t] = tallied.moved(&pieces, 700, to);
            let before = [tallied.zone(from).ssd(), tallied.zone(to).ssd()];
            move_delta(before, [ZoneCost::Ssd.zone(&f, Vec::new), ZoneCost::Ssd.zone(&t, Vec::new)])
        })
    });
    let ssd = lombardia.objective(ObjectiveKind::Ssd);
    g.bench_function("ssd_evaluate/lombardia/k=25", |b| b.iter(|| ssd.evaluate(&part)));
    g.finish();

    let mut g = c.benchmark_group("solve");
    g.sample_size(10);
    for (k, method, objective) in
        [(6, Method::Heuristic, ObjectiveKind::Ssd), (6, Method::Ward, ObjectiveKind::Ssd), (4, Method::Exact, ObjectiveKind::Medoid)]
    {
        let cons = Constraints { k, ..Default::default() };
        let params = SolveParams { objective, ..SolveParams::default() };
        let out = solve(&bassa, &cons, &params, method).unwrap();
        eprintln!("bassa42 k={k} {method:?}/{objective:?}: objective {:.4}, gap {:?}", out.objective, out.gap);
        let id = BenchmarkId::new(format!("{method:?}/{objective:?}").to_lowercase(), format!("bassa42/k={k}"));
        g.bench_function(id, |b| b.iter(|| solve(&bassa, &cons, &params, method).unwrap()));
    }
    let cons = Constraints { k: 25, ..Default::default() };
    let params = SolveParams { objective: ObjectiveKind::Ssd, ..SolveParams::default() };
    let out = solve(&lombardia, &cons, &params, Method::Heuristic).unwrap();
    eprintln!("lombardia k=25 heuristic/ssd: {:.3}", out.objective);
    g.bench_function("heuristic/ssd/lombardia/k=25", |b| b.iter(|| solve(&lombardia, &cons, &params, Method::Heuristic).unwrap()));
    g.finish();
}

criterion_group!(solve_benches, benches);
criterion_main!(solve_benches);
