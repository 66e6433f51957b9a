//! Bad inputs: distance files (`zones --objective hess --distances FILE`). Every case must
//! fail before any solving, naming the file, the row and the units.

#[allow(unused_imports)]
use crate::harness::*;

/// Every pair of the default area's 42 municipalities once (861 rows), at whole km from
/// their ISTAT order (|i − j|): a valid file, edited by each case.
fn all_pairs() -> Vec<String> {
    let t = pianura::territory::Territory::embedded_default();
    let codes: Vec<&str> = t.units.iter().map(|u| u.istat.as_str()).collect();
    let mut rows = Vec::new();
    for i in 0..codes.len() {
        for j in i + 1..codes.len() {
            rows.push(format!("{},{},{}", codes[i], codes[j], j - i));
        }
    }
    rows
}

fn fails(rows: &[String], culprits: &[&str]) -> String {
    let sb = Sandbox::new();
    let f = sb.write("d.csv", format!("a,b,d\n{}\n", rows.join("\n")));
    sb.fails(&["zones", "--objective", "hess", "--k", "3", "--distances", &f], &[&["d.csv"], culprits].concat())
}

#[test]
fn a_missing_pair_is_named() {
    let mut rows = all_pairs();
    assert_eq!(rows.len(), 42 * 41 / 2);
    let dropped = rows.remove(0);
    let e = fails(&rows, &["1 pair(s) of the area have no distance", "017001 Acquafredda – "]);
    assert!(dropped.starts_with("017001,"), "{dropped} {e}");
}

#[test]
fn a_negative_distance_names_its_row() {
    let mut rows = all_pairs();
    rows[4] = rows[4].rsplit_once(',').map(|(ab, _)| format!("{ab},-2")).unwrap();
    // The header is line 1: the fifth pair is on line 6.
    fails(&rows, &["row 6 (017001 Acquafredda)", "d must be a finite distance ≥ 0, found \"-2\""]);
}

#[test]
fn an_unknown_unit_and_a_non_finite_distance_are_both_named() {
    let mut rows = all_pairs();
    rows[0] = "017001,099999,3".into();
    rows[1] = rows[1].rsplit_once(',').map(|(ab, _)| format!("{ab},inf")).unwrap();
    fails(&rows, &["row 2 (017001 Acquafredda): `b` = 099999 is not a unit of the area", "row 3", "found \"inf\""]);
}

#[test]
fn distances_without_a_travel_objective_are_refused() {
    let sb = Sandbox::new();
    let f = sb.write("d.csv", format!("a,b,d\n{}\n", all_pairs().join("\n")));
    sb.fails(&["zones", "--k", "3", "--distances", &f], &["--distances is for the travel objectives", "--objective hess"]);
}
