//! Spending files: errors naming the file, line and code; populations; the embedded tables.

use std::path::Path;

use super::*;
use crate::territory::Territory;

fn parse(csv: &str, t: Option<&Territory>) -> Result<SpendingTable, SpendingError> {
    SpendingTable::parse(Path::new("spending.csv"), csv.as_bytes(), t)
}

fn pop_of(t: &Territory, istat: &str) -> f64 {
    t.unit(t.find(istat).unwrap()).pop.unwrap()
}

#[test]
fn every_bad_row_is_named_with_file_line_and_code() {
    let t = Territory::embedded_default();
    let csv = "istat,function,spending_eur\n\
               017103,pol,100000\n\
               099999,pol,5000\n\
               017122,pol,-5\n\
               017001,,300\n\
               17103,pol,2000\n";
    let e = parse(csv, Some(&t)).unwrap_err();
    assert!(matches!(&e, SpendingError::Invalid { problems, .. } if problems.len() == 4), "{e}");
    let e = e.to_string();
    assert!(e.starts_with("spending.csv: 4 problems"), "{e}");
    assert!(e.contains("row 3 (099999): 099999 is not a municipality of the area"), "{e}");
    assert!(e.contains("row 4 (017122 Offlaga): spending_eur must be a finite amount ≥ 0 in €, found \"-5\""), "{e}");
    assert!(e.contains("row 5 (017001 Acquafredda): no function"), "{e}");
    // 17103 is 017103 once normalized: a second row for pol, the first on line 2.
    assert!(e.contains("row 6 (017103 Manerbio): 017103 has a second row for function `pol` (first on line 2)"), "{e}");
}

#[test]
fn amounts_that_are_not_finite_or_blank_are_bad() {
    let csv = "istat,function,spending_eur,population\n017103,pol,NaN,100\n017122,pol,inf,100\n017001,pol,,100\n017004,pol,12,0\n";
    let e = parse(csv, None).unwrap_err().to_string();
    assert!(e.contains("row 2 (017103): spending_eur must be a finite amount ≥ 0 in €, found \"NaN\""), "{e}");
    assert!(e.contains("row 3 (017122): spending_eur must be a finite amount ≥ 0 in €, found \"inf\""), "{e}");
    assert!(e.contains("row 4 (017001): spending_eur must be a finite amount ≥ 0 in €, found \"\""), "{e}");
    assert!(e.contains("row 5 (017004): population must be a number of residents > 0, found \"0\""), "{e}");
}

#[test]
fn a_missing_function_names_it_and_the_available_ones() {
    let t = Territory::embedded_default();
    let table = parse("istat,function,spending_eur\n017103,pol,1000\n017103,amm,2000\n017122,pol,500\n", Some(&t)).unwrap();
    assert_eq!(table.functions, ["pol", "amm"]);
    assert!(table.require("pol", "x").is_ok());
    let e = table.require("vt", "functions.viabilita.spending").unwrap_err().to_string();
    assert_eq!(e, "spending.csv: no rows for function `vt` (needed by functions.viabilita.spending); the file has: pol, amm");
}

#[test]
fn population_comes_from_the_area_when_the_column_is_absent() {
    let t = Territory::embedded_default();
    let table = parse("istat,function,spending_eur\n17103,pol,1000\n", Some(&t)).unwrap();
    let r = &table.rows[0];
    assert_eq!((r.istat.as_str(), r.name.as_str(), r.spending_eur), ("017103", "Manerbio", 1000.0));
    assert_eq!(r.population, pop_of(&t, "017103"));
    assert_eq!(table.source, "spending.csv");
}

#[test]
fn the_files_population_wins_and_a_blank_one_falls_back_to_the_area() {
    let t = Territory::embedded_default();
    let table = parse("istat,function,spending_eur,population\n017103,pol,1000,12000\n017122,pol,500, \n", Some(&t)).unwrap();
    assert_eq!(table.rows[0].population, 12000.0);
    assert_eq!(table.rows[1].population, pop_of(&t, "017122"));
}

#[test]
fn no_population_anywhere_is_an_error() {
    let mut t = Territory::embedded_default();
    let id = t.find("017103").unwrap();
    t.units[id.index()].pop = None;
    let e = parse("istat,function,spending_eur\n017103,pol,1000\n", Some(&t)).unwrap_err().to_string();
    assert!(e.contains("spending.csv: row 2 (017103 Manerbio): no population"), "{e}");
    // Without an area the column is required.
    let e = parse("istat,function,spending_eur\n017103,pol,1000\n", None).unwrap_err().to_string();
    assert!(e.contains("row 2 (017103): no population"), "{e}");
}

#[test]
fn without_an_area_any_code_is_taken_with_its_written_name() {
    let table = parse("istat,name,function,spending_eur,population\n99001,Altrove,tot,5000,250\n099002,,tot,0,10\n", None).unwrap();
    let r: Vec<(&str, &str, f64, f64)> =
        table.rows.iter().map(|r| (r.istat.as_str(), r.name.as_str(), r.spending_eur, r.population)).collect();
    assert_eq!(r, [("099001", "Altrove", 5000.0, 250.0), ("099002", "099002", 0.0, 10.0)]);
}

#[test]
fn a_blank_code_is_named_by_its_line() {
    let e = parse("istat,function,spending_eur,population\n,tot,5,10\n", None).unwrap_err().to_string();
    assert!(e.contains("spending.csv: row 2: no istat code"), "{e}");
}

#[test]
fn a_missing_column_is_a_read_error() {
    let e = parse("istat,function,amount\n017103,pol,5\n", None).unwrap_err();
    assert!(matches!(e, SpendingError::Read(_)));
    assert!(e.to_string().contains("spending_eur"), "{e}");
}

#[test]
fn read_names_the_file_it_cannot_read_and_reads_the_one_it_can() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.csv");
    let t = Territory::embedded_default();
    let e = SpendingTable::read(&missing, &t).unwrap_err().to_string();
    assert!(e.contains("nope.csv"), "{e}");
    let path = dir.path().join("spesa.csv");
    std::fs::write(&path, "istat;function;spending_eur\n017103;pol;1000\n").unwrap();
    let table = SpendingTable::read(&path, &t).unwrap();
    assert_eq!((table.rows.len(), table.source.clone()), (1, path.display().to_string()));
}

#[test]
fn the_embedded_tables_parse() {
    let t = Territory::embedded_default();
    let area = SpendingTable::embedded_default(&t).unwrap();
    assert_eq!(area.source, DEFAULT_SPENDING_SOURCE);
    for f in ["tot", "amm", "pol", "vt"] {
        assert!(area.require(f, "test").is_ok(), "{f}");
    }
    // Only `> 0` while the file is a placeholder; the pipeline's has about 1,500 rows.
    let lombardy = SpendingTable::embedded_lombardy_total();
    assert!(!lombardy.rows.is_empty());
    assert_eq!(lombardy.functions, ["tot"]);
    assert!(lombardy.rows.iter().all(|r| r.population > 0.0));
}
