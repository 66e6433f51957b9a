use super::*;

/// A path of municipalities 0 – 1 – … with these residents.
fn path(pop: &[f64]) -> Instance {
    let n = pop.len();
    let adj = (0..n).map(|i| [i.wrapping_sub(1), i + 1].into_iter().filter(|&j| j < n).collect()).collect();
    let x = ndarray::Array2::from_shape_fn((n, 1), |(i, _)| i as f64);
    Instance::from_parts(adj, x, pop.to_vec(), None, (0..n).map(|i| format!("u{i}")).collect())
}

fn params() -> SolveParams {
    SolveParams { objective: ObjectiveKind::Ssd, ..SolveParams::default() }
}

fn min_pop(lo: f64) -> Constraints {
    Constraints { min_pop: Some(lo), ..Default::default() }
}

#[test]
fn the_search_proves_a_count_the_data_bound_allows_impossible() {
    // 12 – 12 – 12 – 12 – 12, min 20: 60 residents allow 3 zones, but a zone needs two
    // neighbours and five in a row make two pairs.
    let inst = path(&[12.0; 5]);
    let m = max_p(&inst, &min_pop(20.0), &params(), Method::Heuristic).unwrap();
    assert_eq!((m.p, m.upper_bound, m.data_bound, m.proved), (2, 2, 3, true));
    assert_eq!(m.cut_short, None);
    assert!(Constraints { k: 2, ..min_pop(20.0) }.holds(&inst, &m.outcome.partition));
}

#[test]
fn a_town_above_the_minimum_counts_as_just_the_minimum() {
    // 30 + 2 + 2 + 30 = 64 residents, min 20: the data allow 3 zones; each 30 spends 10
    // of the 24 to spare, so 44 count, and 2 zones are the most.
    let m = max_p(&path(&[30.0, 2.0, 2.0, 30.0]), &min_pop(20.0), &params(), Method::Heuristic).unwrap();
    assert_eq!((m.p, m.upper_bound, m.data_bound, m.proved), (2, 2, 3, true));
}

#[test]
fn the_exact_search_finds_a_partition_with_leftovers_attached() {
    // Residents 20, 1, 1, 20, 1, 20, min 20: three zones {0}, {3}, {5} with the 1s joining
    // a neighbour; the witness is the answer even when no solver runs.
    let inst = path(&[20.0, 1.0, 1.0, 20.0, 1.0, 20.0]);
    let g = Nodes::new(&inst, &min_pop(20.0)).unwrap();
    let mut search = Search { g: &g, min_pop: 20.0, min_units: 0, steps: 0, deadline: None, timed_out: false };
    let Decision::Found(zones) = search.decide(g.pieces()[0], 3) else { panic!("3 zones exist") };
    let part = g.partition(&inst, &min_pop(20.0), &zones);
    assert!(Constraints { k: 3, ..min_pop(20.0) }.holds(&inst, &part), "{:?}", part.labels());
    assert!(matches!(search.decide(g.pieces()[0], 4), Decision::Impossible));
}

#[test]
fn keep_together_groups_count_as_one_node() {
    // Residents 10, 5, 5, 10, min 10, 1 and 2 kept together: {0}, {1, 2}, {3}.
    let inst = path(&[10.0, 5.0, 5.0, 10.0]);
    let cons = Constraints { must_link: vec![vec![1, 2]], ..min_pop(10.0) };
    let m = max_p(&inst, &cons, &params(), Method::Heuristic).unwrap();
    assert_eq!((m.p, m.proved), (3, true));
    assert_eq!(m.outcome.partition.zone_of(1), m.outcome.partition.zone_of(2));
    // 0 and 1 kept together: their 15 spend 5, and 2 joins 3 or the group: 2 zones.
    let cons = Constraints { must_link: vec![vec![0, 1]], ..min_pop(10.0) };
    let m = max_p(&inst, &cons, &params(), Method::Heuristic).unwrap();
    assert_eq!((m.p, m.upper_bound, m.proved), (2, 2, true));
}

#[test]
fn minimum_sizes_are_searched_like_populations() {
    // Seven in a row, at least 3 municipalities per zone: 2 zones (the data bound).
    let inst = path(&[1.0; 7]);
    let cons = Constraints { min_units: Some(3), ..Default::default() };
    let m = max_p(&inst, &cons, &params(), Method::Heuristic).unwrap();
    assert_eq!((m.p, m.upper_bound, m.proved), (2, 2, true));
}

#[test]
fn the_time_limit_bounds_the_whole_search_and_is_reported() {
    let inst = path(&[12.0; 5]);
    let p = SolveParams { time_limit: 0.0, ..params() };
    let m = max_p(&inst, &min_pop(20.0), &p, Method::Exact).unwrap();
    assert!(m.cut_short.as_deref().is_some_and(|c| c.contains("time limit")), "{:?}", m.cut_short);
    assert!(m.p <= m.upper_bound && m.upper_bound <= m.data_bound);
    assert!(Constraints { k: m.p, ..min_pop(20.0) }.holds(&inst, &m.outcome.partition));
}
