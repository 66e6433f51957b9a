//! Researcher workloads: scenario throughput (the default scenarios file, no bootstrap) and
//! ReCom ensemble samples per second on the default area.
//! Run: `cargo bench --bench scenarios`.

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use pianura::compare::{self, Bootstrap, ScenarioFile};
use pianura::ensemble::{self, ChainParams};
use pianura::features::FeatureMatrix;
use pianura::graph::{AdjacencyGraph, Contiguity};
use pianura::solve::{solve, Constraints, Instance, Method, ObjectiveKind, SolveParams};
use pianura::territory::Territory;

fn benches(c: &mut Criterion) {
    let t = Territory::embedded_default();
    let g = AdjacencyGraph::build(&t, Contiguity::Queen).unwrap();
    let f = FeatureMatrix::from_territory(&t);
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/scenarios/bassa.toml");
    let mut file = ScenarioFile::parse(&std::fs::read_to_string(&path).unwrap(), "bassa.toml").unwrap();
    // The heuristic and Ward scenarios (the exact one is benched in `solve`).
    file.scenario.retain(|s| s.method != pianura::solve::Method::Auto);
    let none = Bootstrap { runs: 0, noise: 0.0, resample_weights: false };
    let mut group = c.benchmark_group("scenarios");
    group.sample_size(10);
    group.throughput(Throughput::Elements(file.scenario.len() as u64));
    group.bench_function("compare/bassa42/5-scenarios/2-threads", |b| b.iter(|| compare::run(&t, &g, &f, &file, none, 2).unwrap()));
    group.finish();

    let inst = Instance::new(&t, &g, &f.standardized());
    let (lo, hi) = ensemble::bounds(&inst.pop, 4, 0.25);
    let cons = Constraints { k: 4, min_pop: Some(lo), max_pop: Some(hi), ..Constraints::default() };
    let start = solve(&inst, &cons, &SolveParams { objective: ObjectiveKind::Ssd, ..SolveParams::default() }, Method::Heuristic).unwrap().partition;
    let mut group = c.benchmark_group("ensemble");
    group.sample_size(10);
    group.throughput(Throughput::Elements(10_000));
    group.bench_function("recom/bassa42/k=4/10000-samples", |b| {
        b.iter(|| {
            let params = ChainParams { samples: 10_000, burn_in: 0, balance: 0.25, seed: 1 };
            let mut n = 0;
            ensemble::run(&inst.adj, &inst.pop, &start, &params, |_| n += 1);
            n
        })
    });
    group.finish();
}

criterion_group!(scenario_benches, benches);
criterion_main!(scenario_benches);
