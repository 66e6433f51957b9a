//! Bad inputs: csv_folder (`units.csv` + `edges.csv`), handmade on three Bassa municipalities,
//! or the Lombardy fixture.

#[allow(unused_imports)]
use crate::harness::*;

const UNITS: &str = "istat,name,pop,x\n017103,Manerbio,13000,1.5\n017089,Offlaga,4000,2.5\n017137,San Gervasio Bresciano,2500,0.5\n";
const EDGES: &str = "a,b,border_m\n017103,017089,900\n017089,017137,500\n";

/// Writes `area/units.csv` and `area/edges.csv` and returns `area`.
fn folder(sb: &Sandbox, units: impl AsRef<[u8]>, edges: impl AsRef<[u8]>) -> String {
    sb.write("area/units.csv", units);
    sb.write("area/edges.csv", edges);
    "area".to_string()
}

fn graph_fails(sb: &Sandbox, path: &str, culprits: &[&str]) -> String {
    sb.fails(&["graph", "--area", path], culprits)
}

/// `pianura graph --area path` succeeds; returns stdout.
fn graph_ok(sb: &Sandbox, path: &str) -> String {
    let out = sb.run(&["graph", "--area", path]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn crlf_line_ends_give_the_right_row() {
    let sb = Sandbox::new();
    let units = UNITS.replace("2.5", "two").replace('\n', "\r\n");
    let path = folder(&sb, units, EDGES.replace('\n', "\r\n"));
    let msg = graph_fails(&sb, &path, &["units.csv: row 3 (017089 Offlaga): feature `x` is not a number: \"two\""]);
    assert!(!msg.contains("row 2"), "{msg}");
}

#[test]
fn blank_lines_do_not_shift_row_numbers() {
    let sb = Sandbox::new();
    let units = "istat,name,pop,x\r\n017103,Manerbio,13000,1\r\n\r\n017089,Offlaga,4000,abc\r\n";
    let path = folder(&sb, units, EDGES);
    graph_fails(&sb, &path, &["row 4 (017089 Offlaga)"]);
}

#[test]
fn semicolon_delimited_files_are_read() {
    let sb = Sandbox::new();
    let path = folder(&sb, UNITS.replace(',', ";"), EDGES.replace(',', ";"));
    let out = graph_ok(&sb, &path);
    assert!(out.contains("units        3") && out.contains("edges        2"), "{out}");
}

#[test]
fn tab_delimited_files_are_read() {
    let sb = Sandbox::new();
    let path = folder(&sb, UNITS.replace(',', "\t"), EDGES.replace(',', "\t"));
    assert!(graph_ok(&sb, &path).contains("edges        2"));
}

#[test]
fn a_byte_order_mark_is_skipped() {
    let sb = Sandbox::new();
    let path = folder(&sb, format!("\u{FEFF}{UNITS}"), format!("\u{FEFF}{EDGES}"));
    assert!(graph_ok(&sb, &path).contains("units        3"));
}

#[test]
fn decimal_commas_in_a_semicolon_file() {
    let sb = Sandbox::new();
    let units = UNITS.replace(',', ";").replace("1.5", "1,5").replace("2.5", "2,5");
    let path = folder(&sb, units, EDGES);
    graph_fails(
        &sb,
        &path,
        &["units.csv: row 2 (017103 Manerbio): `x` is written with a decimal comma: \"1,5\" (and 1 more like it)", "(1.5)"],
    );
}

#[test]
fn a_column_named_twice() {
    let sb = Sandbox::new();
    let path = folder(&sb, "istat,name,x,x\n017103,Manerbio,1,2\n", EDGES);
    graph_fails(&sb, &path, &["units.csv: row 1: column `x` appears twice in the header (columns 3 and 4)"]);
}

#[test]
fn a_column_without_a_name() {
    let sb = Sandbox::new();
    let path = folder(&sb, "istat,name,x,\n017103,Manerbio,1,\n", EDGES);
    graph_fails(&sb, &path, &["units.csv: row 1: column 4 has no name in the header"]);
}

#[test]
fn an_empty_units_file() {
    let sb = Sandbox::new();
    let path = folder(&sb, "", EDGES);
    graph_fails(&sb, &path, &["units.csv: the area is empty"]);
}

#[test]
fn a_header_only_units_file() {
    let sb = Sandbox::new();
    let path = folder(&sb, "istat,name,pop,x\n", EDGES);
    graph_fails(&sb, &path, &["units.csv: the area is empty"]);
}

#[test]
fn an_empty_edges_file() {
    let sb = Sandbox::new();
    let path = folder(&sb, UNITS, "");
    graph_fails(&sb, &path, &["edges.csv: the file is empty"]);
}

#[test]
fn ids_written_as_decimal_numbers_in_units() {
    let sb = Sandbox::new();
    let units = UNITS.replace("017103", "17103.0").replace("017089", "17089.0").replace("017137", "17137.0");
    let path = folder(&sb, units, EDGES);
    let msg = graph_fails(&sb, &path, &["units.csv", "column `istat` holds numbers such as 17103.0 (3 values)"]);
    assert_eq!(msg.matches("holds numbers").count(), 1, "one problem for the column: {msg}");
}

#[test]
fn ids_written_as_decimal_numbers_in_edges() {
    let sb = Sandbox::new();
    let path = folder(&sb, UNITS, "a,b\n17103.0,17089.0\n17089.0,17137.0\n");
    let msg = graph_fails(
        &sb,
        &path,
        &["edges.csv", "column `a` holds numbers such as 17103.0 (2 values)", "column `b` holds numbers such as 17089.0 (2 values)"],
    );
    assert!(!msg.contains("unknown id"), "{msg}");
}

#[test]
fn a_population_with_a_thousands_point() {
    let sb = Sandbox::new();
    let path = folder(&sb, UNITS.replace("13000", "13.000"), EDGES);
    graph_fails(&sb, &path, &["row 2 (017103 Manerbio): `pop` must be a whole number of residents, found \"13.000\"", "write 13000"]);
}

#[test]
fn a_fractional_population() {
    let sb = Sandbox::new();
    let path = folder(&sb, UNITS.replace("2500", "2500.5"), EDGES);
    graph_fails(&sb, &path, &["row 4 (017137 San Gervasio Bresciano): `pop` must be a whole number of residents, found \"2500.5\""]);
}

#[test]
fn a_blank_population_cell() {
    let sb = Sandbox::new();
    let path = folder(&sb, UNITS.replace("4000", ""), EDGES);
    graph_fails(&sb, &path, &["row 3 (017089 Offlaga): no `pop` value: the file has the column"]);
}

#[test]
fn a_blank_name_cell() {
    let sb = Sandbox::new();
    let path = folder(&sb, UNITS.replace("Offlaga", " "), EDGES);
    graph_fails(&sb, &path, &["row 3 (017089): no name"]);
}

#[test]
fn a_zero_area() {
    let sb = Sandbox::new();
    let units = "istat,name,area_km2,x\n017103,Manerbio,0,1\n017089,Offlaga,3.1,2\n";
    let path = folder(&sb, units, "a,b\n017103,017089\n");
    graph_fails(&sb, &path, &["row 2 (017103 Manerbio): `area_km2` must be a number > 0"]);
}

#[test]
fn an_edge_listed_twice_with_different_lengths() {
    let sb = Sandbox::new();
    let path = folder(&sb, UNITS, format!("{EDGES}017089,017103,200\n"));
    graph_fails(&sb, &path, &["edges.csv: row 4 (017089–017103): edge listed again with `border_m` 200, first at row 2 with 900"]);
}

#[test]
fn a_row_with_too_few_fields() {
    let sb = Sandbox::new();
    let path = folder(&sb, UNITS.replace("Offlaga,4000,2.5", "Offlaga,4000"), EDGES);
    graph_fails(&sb, &path, &["units.csv: row 3: 3 fields where the header has 4"]);
}

#[test]
fn lon_and_lat_columns_swapped() {
    let sb = Sandbox::new();
    let units = "istat,name,lon,lat,x\n017103,Manerbio,45.3,10.1,1\n017089,Offlaga,45.4,10.2,4\n";
    let path = folder(&sb, units, "a,b\n017103,017089\n");
    graph_fails(&sb, &path, &["units.csv", "the `lon` column holds latitudes and `lat` longitudes"]);
}

#[test]
fn a_blank_latitude() {
    let sb = Sandbox::new();
    let units = "istat,name,lon,lat,x\n017103,Manerbio,10.1,45.3,1\n017089,Offlaga,10.2,,4\n";
    let path = folder(&sb, units, "a,b\n017103,017089\n");
    graph_fails(&sb, &path, &["row 3 (017089 Offlaga): no `lat` value"]);
}

#[test]
fn invalid_utf8_names_row_byte_and_column() {
    let sb = Sandbox::new();
    let mut units = b"istat,name,x\n017103,Manerbio,1\n017089,Offl".to_vec();
    units.extend_from_slice(b"\xe0ga,4\n");
    let path = folder(&sb, units, "a,b\n017103,017089\n");
    graph_fails(&sb, &path, &["units.csv: row 3: invalid UTF-8 at byte 42 in `name`", "save the file as UTF-8"]);
}

#[test]
fn a_quoted_decimal_comma_in_a_comma_file() {
    let sb = Sandbox::new();
    let path = folder(&sb, UNITS.replace("0.5", "\"0,5\""), EDGES);
    graph_fails(&sb, &path, &["row 4 (017137 San Gervasio Bresciano): `x` is written with a decimal comma: \"0,5\""]);
}

#[test]
fn a_mutated_lombardy_fixture_lists_every_row() {
    let sb = Sandbox::new();
    sb.fixture("lombardia", "lomb");
    let units = std::fs::read_to_string(sb.root().join("lomb/units.csv")).unwrap();
    // Two Milan-area rows lose their population, one gets a thousands separator.
    let mut lines: Vec<String> = units.lines().map(str::to_string).collect();
    let pop = lines[0].split(',').position(|h| h == "pop").unwrap();
    for (k, value) in [(5usize, ""), (9, ""), (20, "1.234")] {
        let mut cells: Vec<&str> = lines[k].split(',').collect();
        cells[pop] = value;
        lines[k] = cells.join(",");
    }
    sb.write("lomb/units.csv", lines.join("\n") + "\n");
    graph_fails(&sb, "lomb", &["lomb/units.csv: 3 problems", "row 6 (", "row 10 (", "row 21 (", "write 1234"]);
}

#[test]
fn an_id_column_under_istats_own_name_gets_a_rename_hint() {
    let sb = Sandbox::new();
    let path = folder(&sb, UNITS.replacen("istat", "PRO_COM_T", 1), EDGES);
    graph_fails(&sb, &path, &["units.csv: row 1: missing column `istat` (the header has `PRO_COM_T`: rename it `istat`)"]);
}

#[test]
fn a_lon_column_without_lat() {
    let sb = Sandbox::new();
    let path = folder(&sb, "istat,name,lon,x\n017103,Manerbio,10.1,1\n", "a,b\n");
    graph_fails(&sb, &path, &["units.csv: row 1: `lon` is given without `lat`"]);
}
