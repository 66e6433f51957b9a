//! Distance files: the matrix read, and every problem named by file, line and unit.

use std::path::Path;

use super::*;
use crate::territory::{MunicipalityId, Territory};

/// Acquafredda (017001), Alfianello (017004), Bagnolo Mella (017009) of the default area.
fn three() -> Territory {
    let t = Territory::embedded_default();
    let ids: Vec<MunicipalityId> = ["017001", "017004", "017009"].iter().map(|c| t.find(c).unwrap()).collect();
    t.subset(&ids, "three municipalities")
}

fn parse(csv: &str) -> Result<DistanceMatrix, DistanceError> {
    DistanceMatrix::parse(Path::new("d.csv"), csv.as_bytes(), &three())
}

#[test]
fn every_pair_once_or_both_ways_fills_a_symmetric_matrix() {
    // 1–4 given both ways (equal), 1–9 once, 4–9 once, the self-pair 9–9 at 0 allowed.
    let m = parse("a,b,d\n017001,017004,12\n017004,017001,12\n017009,017001,30\n17004,17009,25\n017009,017009,0\n").unwrap();
    assert_eq!(m.d, ndarray::array![[0.0, 12.0, 30.0], [12.0, 0.0, 25.0], [30.0, 25.0, 0.0]]);
    assert!(m.integral);
    assert_eq!(m.source, "d.csv");
    let m = parse("a,b,d\n017001,017004,12.5\n017001,017009,30\n017004,017009,25\n").unwrap();
    assert!(!m.integral, "12.5 km is not whole");
}

#[test]
fn a_missing_pair_is_named() {
    let e = parse("a,b,d\n017001,017004,12\n017001,017009,30\n").unwrap_err().to_string();
    assert!(e.starts_with("d.csv: "), "{e}");
    assert!(e.contains("1 pair(s) of the area have no distance, e.g. 017004 Alfianello – 017009 Bagnolo Mella"), "{e}");
}

#[test]
fn negative_unknown_blank_and_conflicting_rows_are_each_named() {
    let csv = "a,b,d\n017001,017004,-3\n017001,099999,4\n,017009,5\n017001,017009,NaN\n017004,017009,25\n017009,017004,26\n017009,017009,2\n017004,017009,25\n";
    let e = parse(csv).unwrap_err().to_string();
    assert!(e.contains("row 2 (017001 Acquafredda): d must be a finite distance ≥ 0, found \"-3\""), "{e}");
    assert!(e.contains("row 3 (017001 Acquafredda): `b` = 099999 is not a unit of the area"), "{e}");
    assert!(e.contains("row 4: empty id in column `a`"), "{e}");
    assert!(e.contains("row 5 (017001 Acquafredda): d must be a finite distance ≥ 0, found \"NaN\""), "{e}");
    assert!(e.contains("row 7 (017009 Bagnolo Mella): 017009 Bagnolo Mella – 017004 Alfianello again, at 26 (line 6 gives 25)"), "{e}");
    assert!(e.contains("row 8 (017009 Bagnolo Mella): 017009 Bagnolo Mella is paired with itself at 2"), "{e}");
    assert!(e.contains("row 9 (017004 Alfianello): 017004 Alfianello – 017009 Bagnolo Mella again (first on line 6)"), "{e}");
    // 1–4 and 1–9 were never given validly.
    assert!(e.contains("2 pair(s) of the area have no distance"), "{e}");
}

#[test]
fn a_missing_column_is_a_read_error() {
    let e = parse("a,b,km\n017001,017004,12\n").unwrap_err();
    assert!(matches!(e, DistanceError::Read(_)), "{e}");
    assert!(e.to_string().contains('d'), "{e}");
}

#[test]
fn great_circle_needs_points_and_is_zero_on_the_diagonal() {
    assert!(matches!(DistanceMatrix::great_circle(None), Err(DistanceError::NoPoints)));
    // One degree of latitude on a sphere of radius 6371 km: 6371·π/180 = 111.195 km.
    let m = DistanceMatrix::great_circle(Some(&[(10.0, 45.0), (10.0, 46.0)])).unwrap();
    assert_eq!(m.d[[0, 0]], 0.0);
    assert!((m.d[[0, 1]] - 111.195).abs() < 0.01, "{}", m.d[[0, 1]]);
    assert_eq!(m.d[[0, 1]], m.d[[1, 0]]);
}
