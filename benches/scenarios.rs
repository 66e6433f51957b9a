//! Researcher workloads on the default area: scenario throughput (the default scenarios file,
//! no bootstrap), bootstrap replicates on 1 and 2 threads, and ReCom ensemble samples.
//! Run: `cargo bench --bench scenarios`.
//!
//! The exact scenario (`medoid k=4`, method auto → HiGHS branch-and-cut, about 2 s) is left
//! out of the throughput: it would swamp the other scenarios (milliseconds to a second) so the
//! number would time HiGHS rather than the scenario runner, and `cargo bench --bench solve`
//! already times the exact solver. The benchmark name says `no-exact`.

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
    let all = file.scenario.len();
    file.scenario.retain(|s| s.method != Method::Auto && s.method != Method::Exact);
    let none = Bootstrap { runs: 0, ..Bootstrap::default() };
    let mut group = c.benchmark_group("scenarios");
    group.sample_size(10);
    group.throughput(Throughput::Elements(file.scenario.len() as u64));
    let id = format!("compare/bassa42/{}-of-{all}-scenarios-no-exact/2-threads", file.scenario.len());
    group.bench_function(id, |b| b.iter(|| compare::run(&t, &g, &f, &file, none, 2).unwrap()));
    group.finish();

    // Bootstrap replicates of the Ward scenario: the parallel speed-up (same results).
    let ward = ScenarioFile { scenario: file.scenario.iter().filter(|s| s.method == Method::Ward).cloned().collect() };
    let boot = Bootstrap { runs: 50, noise: 0.1, resample_weights: true, survival_threshold: 0.5 };
    let mut group = c.benchmark_group("bootstrap");
    group.sample_size(10);
    group.throughput(Throughput::Elements(boot.runs as u64));
    for threads in [1, 2] {
        group.bench_function(format!("ward/bassa42/k=4/50-runs/{threads}-threads"), |b| {
            b.iter(|| compare::run(&t, &g, &f, &ward, boot, threads).unwrap())
        });
    }
    group.finish();

    let inst = Instance::new(&t, &g, &f.standardized());
    let (lo, hi) = ensemble::bounds(&inst.pop, 4, 0.25);
    let cons = Constraints { k: 4, min_pop: Some(lo), max_pop: Some(hi), ..Constraints::default() };
    let start =
        solve(&inst, &cons, &SolveParams { objective: ObjectiveKind::Ssd, ..SolveParams::default() }, Method::Heuristic).unwrap().partition;
    let mut group = c.benchmark_group("ensemble");
    group.sample_size(10);
    group.throughput(Throughput::Elements(10_000));
    group.bench_function("recom/bassa42/k=4/10000-samples", |b| {
        b.iter(|| {
            let params =
                ChainParams { samples: 10_000, burn_in: 0, k: 4, balance: 0.25, seed: 1, time_limit: ensemble::DEFAULT_TIME_LIMIT };
            let mut n = 0;
            ensemble::run(&inst.adj, &inst.pop, &start, &params, |_| n += 1);
            n
        })
    });
    group.finish();
}

criterion_group!(scenario_benches, benches);
criterion_main!(scenario_benches);
