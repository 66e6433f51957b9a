//! Graph build on real polygons: the 205 municipalities of the province of Brescia (aim: well
//! under 100 ms) and the 42 of the default area; loading (parse + validate + UTM areas) apart.
//! Run: `make bench` or `cargo bench --bench graph`.

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use pianura::graph::{AdjacencyGraph, Contiguity};
use pianura::territory::Territory;

fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(rel)
}

fn graph_build(c: &mut Criterion) {
    let mut group = c.benchmark_group("graph");
    for (name, path) in [("bassa42", fixture("bassa_bresciana/area.geojson")), ("brescia205", fixture("brescia/area.geojson"))] {
        let t = Territory::load(&path).expect("fixture loads");
        for contiguity in [Contiguity::Queen, Contiguity::Rook] {
            let g = AdjacencyGraph::build(&t, contiguity).unwrap();
            eprintln!("{name} {contiguity:?}: {} edges", g.edge_count());
            let id = BenchmarkId::new(format!("build/{contiguity:?}").to_lowercase(), name);
            group.bench_with_input(id, &t, |b, t| b.iter(|| AdjacencyGraph::build(t, contiguity).unwrap()));
        }
        group.bench_with_input(BenchmarkId::new("load", name), &path, |b, p| b.iter(|| Territory::load(p).unwrap()));
    }
    let italy = Territory::load(&fixture("italia")).expect("fixture loads");
    group.bench_function(BenchmarkId::new("build/queen", "italia7896-edges"), |b| {
        b.iter(|| AdjacencyGraph::build(&italy, Contiguity::Queen).unwrap())
    });
    group.finish();
}

criterion_group!(benches, graph_build);
criterion_main!(benches);
