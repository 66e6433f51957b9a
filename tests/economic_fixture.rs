//! The committed economic layer (fixtures written by scripts/build_economic.py) checked against
//! numbers read by hand from the raw files and against the shape every consumer relies on.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

/// The 42 comuni of the default area (scripts/build_fixtures.py, ambiti 8, 9, 10).
const AREA: [&str; 42] = [
    "017011", "017020", "017026", "017064", "017066", "017091", "017093", "017097", "017099", "017125", "017126", "017146", "017159",
    "017138", "017200", "017004", "017009", "017013", "017053", "017071", "017073", "017078", "017080", "017086", "017088", "017103",
    "017108", "017122", "017137", "017149", "017152", "017172", "017177", "017195", "017196", "017001", "017032", "017034", "017039",
    "017113", "017160", "017203",
];

/// Header and rows of a committed fixture CSV.
fn read(rel: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(rel);
    let mut r = csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r.records().map(|rec| rec.unwrap().iter().map(String::from).collect()).collect();
    (header, rows)
}

/// The economic.csv row of one comune, as column name -> cell.
fn economic_row(istat: &str) -> HashMap<String, String> {
    let (header, rows) = read("bassa_bresciana/economic.csv");
    let row = rows.into_iter().find(|r| r[0] == istat).unwrap_or_else(|| panic!("{istat} not in economic.csv"));
    header.into_iter().zip(row).collect()
}

fn num(row: &HashMap<String, String>, col: &str) -> f64 {
    row[col].parse().unwrap_or_else(|e| panic!("{col} = {:?}: {e}", row[col]))
}

fn assert_close(row: &HashMap<String, String>, col: &str, expected: f64) {
    let got = num(row, col);
    assert!((got - expected).abs() < 1e-4, "{} {col}: {got} != {expected}", row["istat"]);
}

#[test]
fn leno_features_match_the_raw_numbers() {
    let r = economic_row("017088");
    assert_eq!(r["name"], "Leno");
    // Residents 2023 (area.geojson pop_2023): 14,338.
    // MEF 2024 Leno: taxpayers 10,413; taxable income 24,799,738,100 cents = 247,997,381.00 €;
    // 247,997,381 / 10,413 = 23,816.13 € per taxpayer; ln = 10.078118.
    assert_close(&r, "log_income_per_taxpayer", 10.078118);
    // 10,413 / 14,338 = 0.726252.
    assert_close(&r, "taxpayers_per_resident", 0.726252);
    // ASIA 2023 Leno, size class "totale": 4,672.6 employees, 1,050 local units;
    // 100 · 4,672.6 / 14,338 = 32.5889, ln = 3.483972; 1000 · 1,050 / 14,338 = 73.2320, ln = 4.293632.
    assert_close(&r, "log_employees_per_100", 3.483972);
    assert_close(&r, "log_units_per_1000", 4.293632);
    // Section C 2,205.5 employees / 4,672.6 = 0.472007; section F 436.7 / 4,672.6 = 0.093460.
    assert_close(&r, "share_manufacturing", 0.472007);
    assert_close(&r, "share_construction", 0.093460);
    // ISTAT classificazioni 2020: "Grado di urbanizzazione" 2 (towns and suburbs).
    assert_eq!(r["degurba"], "2");
    // OpenCivitas 2022 standard spending per resident: police 3,312 cents = 33.12 €, ln = 3.500137;
    // administration 142.65 €, ln = 4.960394; roads and territory 80.36 €, ln = 4.386517.
    assert_close(&r, "log_need_police_pc", 3.500137);
    assert_close(&r, "log_need_admin_pc", 4.960394);
    assert_close(&r, "log_need_roads_pc", 4.386517);
}

#[test]
fn longhena_features_match_the_raw_numbers() {
    let r = economic_row("017093");
    assert_eq!(r["name"], "Longhena");
    // Residents 2023: 549. MEF 2024: 438 taxpayers, taxable 1,022,831,700 cents = 10,228,317 €;
    // 10,228,317 / 438 = 23,352.32 €, ln = 10.058452; 438 / 549 = 0.797814.
    assert_close(&r, "log_income_per_taxpayer", 10.058452);
    assert_close(&r, "taxpayers_per_resident", 0.797814);
    // ASIA 2023: 280.0 employees, 42 units; 100 · 280 / 549 = 51.0018, ln = 3.931861;
    // 1000 · 42 / 549 = 76.5027, ln = 4.337326; C 205.8 / 280 = 0.735; F 7.6 / 280 = 0.027143.
    assert_close(&r, "log_employees_per_100", 3.931861);
    assert_close(&r, "log_units_per_1000", 4.337326);
    assert_close(&r, "share_manufacturing", 0.735);
    assert_close(&r, "share_construction", 0.027143);
    // DEGURBA 3 (rural).
    assert_eq!(r["degurba"], "3");
    // OpenCivitas standard per resident: police 41.19 € (ln 3.718196), administration 341.65 €
    // (ln 5.833787), roads and territory 104.14 € (ln 4.645736).
    assert_close(&r, "log_need_police_pc", 3.718196);
    assert_close(&r, "log_need_admin_pc", 5.833787);
    assert_close(&r, "log_need_roads_pc", 4.645736);
}

#[test]
fn economic_csv_has_one_complete_row_per_comune() {
    let (header, rows) = read("bassa_bresciana/economic.csv");
    assert_eq!(
        header.join(","),
        "istat,name,log_income_per_taxpayer,taxpayers_per_resident,log_employees_per_100,log_units_per_1000,\
         share_manufacturing,share_construction,degurba,log_need_police_pc,log_need_admin_pc,log_need_roads_pc"
    );
    assert_eq!(rows.len(), 42);
    let codes: HashSet<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(codes, AREA.iter().copied().collect::<HashSet<_>>());
    for r in &rows {
        assert!(r.iter().all(|c| !c.is_empty()), "empty cell in {r:?}");
        assert!(["1", "2", "3"].contains(&r[8].as_str()), "{} degurba {}", r[0], r[8]);
        for (i, col) in [(6, "share_manufacturing"), (7, "share_construction"), (3, "taxpayers_per_resident")] {
            let v: f64 = r[i].parse().unwrap();
            assert!((0.0..=1.0).contains(&v), "{} {col} = {v}", r[0]);
        }
    }
}

#[test]
fn feature_sources_list_every_feature_once() {
    let (header, rows) = read("bassa_bresciana/feature_sources.csv");
    assert_eq!(header, ["feature", "definition", "source", "year", "licence"]);
    let (eco, _) = read("bassa_bresciana/economic.csv");
    let mut expected = vec!["log_pop", "log_density", "share_65plus", "share_under15", "growth"];
    expected.extend(eco[2..].iter().map(String::as_str));
    assert_eq!(rows.iter().map(|r| r[0].as_str()).collect::<Vec<_>>(), expected);
    assert!(rows.iter().all(|r| r.iter().all(|c| !c.is_empty())));
}

#[test]
fn spending_has_four_functions_per_comune() {
    let (header, rows) = read("bassa_bresciana/spending.csv");
    assert_eq!(header, ["istat", "name", "function", "spending_eur", "population"]);
    assert_eq!(rows.len(), 4 * 42);
    for (k, f) in ["tot", "amm", "pol", "vt"].iter().enumerate() {
        let block = &rows[42 * k..42 * (k + 1)];
        assert!(block.iter().all(|r| r[2] == *f), "rows {}..{} are not all {f}", 42 * k, 42 * (k + 1));
        assert!(block.windows(2).all(|w| w[0][0] < w[1][0]), "{f} rows not sorted by istat");
    }
    for r in &rows {
        let eur: f64 = r[3].parse().unwrap();
        let pop: u32 = r[4].parse().unwrap();
        assert!(eur >= 0.0 && pop > 0, "{r:?}");
    }
    let find = |istat: &str, f: &str| rows.iter().find(|r| r[0] == istat && r[2] == f).unwrap().clone();
    // OpenCivitas 2022 Leno, all services: historical 788,143,719 cents = 7,881,437.19 €;
    // standard 876,997,876 cents / 60,975 cents per resident = 14,382.9 -> 14,383 residents.
    assert_eq!(find("017088", "tot")[3..], ["7881437.19", "14383"]);
    // Police: historical 47,346,516 cents; standard 47,643,338 / 3,312 = 14,385.07 -> 14,385.
    assert_eq!(find("017088", "pol")[3..], ["473465.16", "14385"]);
    // Longhena police (its union spends for it): historical 553,000 cents = 5,530.00 €;
    // standard 2,261,488 / 4,119 = 549.04 -> 549.
    assert_eq!(find("017093", "pol")[3..], ["5530.00", "549"]);
    // Brandico reports no police spending at all (cod_sps_noval): 0 €, standard 5,588,207 / 3,225 -> 1,733.
    assert_eq!(find("017026", "pol")[3..], ["0.00", "1733"]);
}

#[test]
fn lombardia_spending_covers_the_area() {
    let (header, rows) = read("lombardia/spending_tot.csv");
    assert_eq!(header, ["istat", "name", "function", "spending_eur", "population"]);
    assert!(rows.len() > 1400, "{} rows", rows.len());
    assert!(rows.iter().all(|r| r[2] == "tot" && r[3].parse::<f64>().unwrap() >= 0.0 && r[4].parse::<u32>().unwrap() > 0));
    let codes: HashSet<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(codes.len(), rows.len(), "duplicate codes");
    for c in AREA {
        assert!(codes.contains(c), "{c} missing from lombardia/spending_tot.csv");
    }
    // Leno's row is the same as in the area's file (see spending_has_four_functions_per_comune).
    assert!(rows.iter().any(|r| r[0] == "017088" && r[3] == "7881437.19" && r[4] == "14383"));
}

#[test]
fn collaborations_are_the_two_police_arrangements() {
    let (header, rows) = read("bassa_bresciana/collaborations.csv");
    assert_eq!(header, ["name", "function", "members", "source"]);
    assert_eq!(rows.len(), 2);
    for r in &rows {
        assert_eq!(r[1], "polizia_locale");
        assert!(!r[0].is_empty() && !r[3].is_empty());
        assert!(r[2].split(' ').all(|m| AREA.contains(&m)), "{}: member outside the area", r[0]);
    }
    // Lograto, Longhena, Maclodio, Orzinuovi, Orzivecchi, Villachiara (convention from 1 Jan 2026).
    assert_eq!(rows[0][2], "017091 017093 017097 017125 017126 017200");
    // Leno, Pavone del Mella, Pralboino, Seniga.
    assert_eq!(rows[1][2], "017088 017137 017152 017177");
}
