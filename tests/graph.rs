//! The adjacency graph against shapely's answer on real polygons, and components.

mod common;

use common::*;
use pianura::graph::{AdjacencyGraph, Contiguity};
use pianura::territory::Territory;

/// `(a, b, border_m)` of a graph, as ISTAT codes.
fn edges_of(t: &Territory, g: &AdjacencyGraph) -> Vec<(String, String, f64)> {
    g.edges().into_iter().map(|(a, b, len)| (t.unit(a).istat.clone(), t.unit(b).istat.clone(), len.unwrap())).collect()
}

/// Same pairs as the fixture script's shapely `intersects`, and the same shared lengths to the
/// 0.1 m the fixture is rounded to.
fn assert_matches_shapely(t: &Territory, contiguity: Contiguity, expected: &[(String, String, f64)]) {
    let g = AdjacencyGraph::build(t, contiguity).unwrap();
    let ours = edges_of(t, &g);
    let pairs = |v: &[(String, String, f64)]| v.iter().map(|e| (e.0.clone(), e.1.clone())).collect::<Vec<_>>();
    assert_eq!(pairs(&ours), pairs(expected));
    for (o, e) in ours.iter().zip(expected) {
        assert!((o.2 - e.2).abs() <= 0.051, "{}–{}: {} m vs shapely {} m", o.0, o.1, o.2, e.2);
    }
}

#[test]
fn brescia205_queen_edges_match_the_fixture() {
    let t = Territory::load(&brescia205()).unwrap();
    assert_eq!(t.len(), 205);
    let expected = python_edges("brescia/edges.csv");
    assert_eq!(expected.len(), 550);
    assert_matches_shapely(&t, Contiguity::Queen, &expected);
}

#[test]
fn brescia205_rook_keeps_only_positive_borders() {
    let t = Territory::load(&brescia205()).unwrap();
    let expected: Vec<_> = python_edges("brescia/edges.csv").into_iter().filter(|e| e.2 > 0.0).collect();
    assert!(expected.len() < 550, "some Brescia neighbours touch only at a corner");
    assert_matches_shapely(&t, Contiguity::Rook, &expected);
}

#[test]
fn bassa42_is_one_component_with_97_queen_edges() {
    let t = Territory::embedded_default();
    let g = AdjacencyGraph::build(&t, Contiguity::Queen).unwrap();
    assert_eq!(g.edge_count(), 97);
    assert_eq!(g.components().len(), 1);
    assert!(g.isolated().is_empty());
    assert_matches_shapely(&t, Contiguity::Queen, &python_edges("bassa_bresciana/edges.csv"));
}

#[test]
fn lombardia_reports_the_campione_exclave() {
    let t = Territory::load(&fixture("lombardia")).unwrap();
    let g = AdjacencyGraph::build(&t, Contiguity::Queen).unwrap();
    let comps = g.components();
    assert_eq!(comps.iter().map(Vec::len).collect::<Vec<_>>(), vec![1502, 1]);
    let isolated: Vec<_> = g.isolated().iter().map(|&i| t.unit(i).name.clone()).collect();
    assert_eq!(isolated, vec!["Campione d'Italia"]);
}

#[test]
fn rook_on_edges_without_lengths_is_an_error_naming_the_pair() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("units.csv"), "istat,name,x\n017103,Manerbio,1\n017089,Offlaga,2\n").unwrap();
    std::fs::write(dir.path().join("edges.csv"), "a,b\n017103,017089\n").unwrap();
    let t = Territory::load(dir.path()).unwrap();
    assert_eq!(AdjacencyGraph::build(&t, Contiguity::Queen).unwrap().edge_count(), 1);
    let msg = AdjacencyGraph::build(&t, Contiguity::Rook).unwrap_err().to_string();
    assert!(msg.contains("rook contiguity needs shared border lengths") && msg.contains("017103–017089"), "{msg}");
}

#[test]
fn a_municipality_with_no_neighbour_is_reported_isolated() {
    let mut fs = row_of_three();
    fs.push(feature(r#""istat":"017001","name":"Acquafredda","pop":1500,"x":1"#, &square(10.5, 45.3, 0.01)));
    let (_d, path) = write_temp("area.geojson", &collection(&fs));
    let t = Territory::load(&path).unwrap();
    let g = AdjacencyGraph::build(&t, Contiguity::Queen).unwrap();
    assert_eq!(g.edge_count(), 2);
    let isolated: Vec<_> = g.isolated().iter().map(|&i| t.unit(i).istat.clone()).collect();
    assert_eq!(isolated, vec!["017001"]);
    assert_eq!(g.components().len(), 2);
}
