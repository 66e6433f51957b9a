use super::*;

fn coords(xy: &[(f64, f64)]) -> Vec<Coord<f64>> {
    xy.iter().map(|&(x, y)| Coord { x, y }).collect()
}

#[test]
fn rings_need_three_distinct_finite_wgs84_points() {
    let mut outside = Tally::default();
    let square = coords(&[(10.0, 45.0), (10.1, 45.0), (10.1, 45.1), (10.0, 45.0)]);
    assert_eq!(check_ring(&square, "exterior ring", &mut outside), Ok(()));
    assert_eq!((&outside.outside, outside.unswappable), (&None, false));

    let back_and_forth = coords(&[(10.0, 45.0), (10.1, 45.0), (10.1, 45.0), (10.0, 45.0)]);
    assert_eq!(check_ring(&back_and_forth, "hole 1", &mut outside), Err(Problem::DegenerateRing { ring: "hole 1".into(), distinct: 2 }));

    let nan = coords(&[(10.0, 45.0), (f64::NAN, 45.0), (10.1, 45.1), (10.0, 45.0)]);
    let err = check_ring(&nan, "exterior ring", &mut outside).unwrap_err().to_string();
    assert_eq!(err, "exterior ring, point 2: coordinate (NaN, 45) is not finite");
    let inf = coords(&[(10.0, 45.0), (10.1, f64::INFINITY), (10.1, 45.1), (10.0, 45.0)]);
    assert!(matches!(check_ring(&inf, "exterior ring", &mut outside), Err(Problem::NonFiniteCoordinate { point: 2, .. })));
    assert_eq!((&outside.outside, outside.unswappable), (&None, false));
}

#[test]
fn collinear_rings_enclose_no_area() {
    let mut t = Tally::default();
    let line = coords(&[(10.0, 45.0), (10.1, 45.1), (10.3, 45.3), (10.0, 45.0)]);
    assert_eq!(check_ring(&line, "exterior ring", &mut t), Err(Problem::ZeroAreaRing { ring: "exterior ring".into(), distinct: 3 }));
    // A thin but real sliver (1 m wide, 10 km long) is kept.
    let sliver = coords(&[(10.0, 45.0), (10.13, 45.0), (10.13, 45.00001), (10.0, 45.0)]);
    assert_eq!(check_ring(&sliver, "exterior ring", &mut t), Ok(()));
}

#[test]
fn out_of_range_coordinates_are_counted_once_per_feature() {
    let mut tally = Tally::default();
    let utm = coords(&[(600000.0, 5000000.0), (600100.0, 5000000.0), (600100.0, 5000100.0), (600000.0, 5000000.0)]);
    assert_eq!(check_ring(&utm, "exterior ring of polygon 2", &mut tally), Ok(()));
    assert!(tally.unswappable);
    let Some(Problem::OutsideWgs84 { count, ring, point, lon, lat }) = tally.outside else { panic!("{tally:?}") };
    assert_eq!((count, ring.as_str(), point, lon, lat), (4, "exterior ring of polygon 2", 1, 600000.0, 5000000.0));
}
