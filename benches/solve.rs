//! Solver speed on the real fixtures, with the objective printed beside the time.
//! Run: `cargo bench --bench solve`.

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use pianura::features::FeatureMatrix;
use pianura::graph::{AdjacencyGraph, Contiguity};
use pianura::objective::Tally;
use pianura::partition::Partition;
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
    let tally = Tally::new(lombardia.x.view(), &part);
    g.bench_function("ssd_delta/lombardia/k=25", |b| {
        b.iter(|| tally.delta_ssd(lombardia.x.view(), 700, part.zone_of(700), part.zone_of(700) + 1))
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
