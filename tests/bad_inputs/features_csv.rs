//! Bad inputs: features_csv (`--features-csv` on the embedded default area).

#[allow(unused_imports)]
use crate::harness::*;

/// `(istat, name)` of the 42 default municipalities, in fixture order.
fn bassa_units() -> Vec<(String, String)> {
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(crate::common::bassa42()).unwrap()).unwrap();
    v["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["properties"]["istat"].as_str().unwrap().to_string(), f["properties"]["name"].as_str().unwrap().to_string()))
        .collect()
}

/// `istat,name,income` with one row per default municipality; `code` and `value` rewrite
/// each row's code and value (row index 0-based).
fn income_csv(code: impl Fn(usize, &str) -> String, value: impl Fn(usize) -> String) -> String {
    let mut s = String::from("istat,name,income\n");
    for (i, (istat, name)) in bassa_units().iter().enumerate() {
        s.push_str(&format!("{},{name},{}\n", code(i, istat), value(i)));
    }
    s
}

fn plain() -> String {
    income_csv(|_, c| c.to_string(), |i| (20000 + i).to_string())
}

fn features_fails(sb: &Sandbox, csv: &str, culprits: &[&str]) -> String {
    sb.fails(&["features", "--features-csv", csv], culprits)
}

#[test]
fn rows_outside_the_area_are_listed_in_a_warning() {
    let sb = Sandbox::new();
    let csv = sb.write("income.csv", format!("{}099999,Elsewhere,1\n001001,Agliè,2\n", plain()));
    let (out, _) = sb.warns(
        &["features", "--features-csv", &csv],
        &["warning: income.csv: 2 rows name municipalities outside the area and were skipped: 099999, 001001"],
    );
    assert!(out.contains("income"), "the column is joined: {out}");
}

#[test]
fn codes_written_as_decimal_numbers_get_one_diagnosis() {
    let sb = Sandbox::new();
    let csv = sb.write("income.csv", income_csv(|_, c| format!("{}.0", c.trim_start_matches('0')), |i| i.to_string()));
    let msg = features_fails(&sb, &csv, &["income.csv", "column `istat` holds numbers such as 17001.0 (42 values)", "as text"]);
    assert!(!msg.contains("no row for"), "no line per municipality: {msg}");
}

#[test]
fn codes_that_match_no_municipality() {
    let sb = Sandbox::new();
    let csv = sb.write("income.csv", income_csv(|_, c| format!("IT{c}"), |i| i.to_string()));
    let msg = features_fails(&sb, &csv, &["income.csv: no row names a municipality of the area", "IT017001", "017001"]);
    assert!(!msg.contains("no row for"), "{msg}");
}

#[test]
fn decimal_commas_in_a_semicolon_file() {
    let sb = Sandbox::new();
    let csv = sb.write("income.csv", income_csv(|_, c| c.to_string(), |i| format!("{i},5")).replace(',', ";").replace(";5\n", ",5\n"));
    features_fails(
        &sb,
        &csv,
        &["income.csv: row 2 (017001 Acquafredda): `income` is written with a decimal comma: \"0,5\" (and 41 more like it)"],
    );
}

#[test]
fn a_semicolon_file_is_read() {
    let sb = Sandbox::new();
    let csv = sb.write("income.csv", plain().replace(',', ";"));
    let out = sb.run(&["features", "--features-csv", &csv, "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"name\": \"income\""));
}

#[test]
fn a_blank_code() {
    let sb = Sandbox::new();
    let csv = sb.write("income.csv", format!("{},Nowhere,3\n", plain()));
    features_fails(&sb, &csv, &["income.csv: row 44 (Nowhere): empty id in column `istat`"]);
}

#[test]
fn values_whose_mean_overflows() {
    let sb = Sandbox::new();
    let csv = sb.write("income.csv", income_csv(|_, c| c.to_string(), |i| if i < 3 { "1e308".into() } else { "1".into() }));
    features_fails(&sb, &csv, &["income.csv: row 2 (017001 Acquafredda): `income` value 1e308 is too large"]);
}

#[test]
fn a_header_without_rows() {
    let sb = Sandbox::new();
    let csv = sb.write("income.csv", "istat,name,income\n");
    features_fails(&sb, &csv, &["income.csv: the file has a header but no rows"]);
}

#[test]
fn an_empty_file() {
    let sb = Sandbox::new();
    let csv = sb.write("income.csv", "");
    features_fails(&sb, &csv, &["income.csv: the file is empty"]);
}

#[test]
fn crlf_line_ends_give_the_right_row() {
    let sb = Sandbox::new();
    let text = income_csv(|_, c| c.to_string(), |i| if i == 4 { "n/a".into() } else { i.to_string() }).replace('\n', "\r\n");
    let csv = sb.write("income.csv", text);
    features_fails(&sb, &csv, &["income.csv: row 6 (017013 Bassano Bresciano): feature `income` is not a number: \"n/a\""]);
}

#[test]
fn a_column_named_twice() {
    let sb = Sandbox::new();
    let csv = sb.write("income.csv", plain().replacen("istat,name,income", "istat,income,income", 1));
    features_fails(&sb, &csv, &["income.csv: row 1: column `income` appears twice in the header (columns 2 and 3)"]);
}

#[test]
fn invalid_utf8_names_row_and_byte() {
    let sb = Sandbox::new();
    let text = plain();
    let at = text.find("Bagnolo").unwrap();
    let mut bytes = text.as_bytes()[..at].to_vec();
    bytes.extend_from_slice(b"Bagn\xf2lo");
    bytes.extend_from_slice(&text.as_bytes()[at + 7..]);
    let csv = sb.write("income.csv", bytes);
    features_fails(&sb, &csv, &["income.csv: row 4", &format!("invalid UTF-8 at byte {}", at + 4), "in `name`"]);
}

#[test]
fn no_id_column() {
    let sb = Sandbox::new();
    let csv = sb.write("income.csv", plain().replacen("istat,", "code,", 1));
    features_fails(&sb, &csv, &["income.csv: row 1: missing column `istat`"]);
}

#[test]
fn a_municipality_listed_twice() {
    let sb = Sandbox::new();
    let csv = sb.write("income.csv", format!("{}17103,Manerbio,5\n", plain()));
    features_fails(&sb, &csv, &["income.csv: row 44 (017103 Manerbio): duplicate id 017103, first seen at row"]);
}

#[test]
fn a_municipality_without_a_row() {
    let sb = Sandbox::new();
    let text: String = plain().lines().filter(|l| !l.starts_with("017103")).map(|l| format!("{l}\n")).collect();
    let csv = sb.write("income.csv", text);
    features_fails(&sb, &csv, &["income.csv: no row for 017103 Manerbio"]);
}

#[test]
fn rows_whose_name_is_another_municipality_are_warned_about() {
    let sb = Sandbox::new();
    // Codes shifted by one row: every value would join the wrong municipality.
    let units = bassa_units();
    let mut text = String::from("istat,name,income\n");
    for (i, (_, name)) in units.iter().enumerate() {
        text.push_str(&format!("{},{name},{}\n", units[(i + 1) % units.len()].0, 1000 + i));
    }
    let csv = sb.write("income.csv", text);
    sb.warns(
        &["features", "--features-csv", &csv],
        &[
            "warning: income.csv: the name on 42 rows is not the area's name for the code",
            "row 2 017004 \"Acquafredda\" (the area's 017004 is \"Alfianello\")",
        ],
    );
}
