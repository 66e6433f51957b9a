//! Bad inputs: plan files (`ensemble --k 3 --plan FILE`, the JSON of `pianura zones --json`).
//! Every case must fail before the chain runs, naming the file and the code or place at fault.

#[allow(unused_imports)]
use crate::harness::*;

/// ISTAT codes of the default area, in fixture order (west and east mixed).
fn codes() -> Vec<String> {
    let raw = std::fs::read_to_string(crate::common::bassa42()).unwrap();
    let v: serde_json::Value = serde_json::from_str(&raw).unwrap();
    v["features"].as_array().unwrap().iter().map(|f| f["properties"]["istat"].as_str().unwrap().to_string()).collect()
}

/// A plan file whose labels are `zone(code)` (JSON text), one label per line as pianura
/// writes them; codes for which it gives `None` are left out.
fn plan(zone: impl Fn(&str) -> Option<String>) -> String {
    let lines: Vec<String> = codes().iter().filter_map(|c| Some(format!("    \"{c}\": {}", zone(c)?))).collect();
    format!("{{\n  \"k\": 3,\n  \"labels\": {{\n{}\n  }}\n}}\n", lines.join(",\n"))
}

/// `pianura ensemble --k 3 --plan plan.json --out prev` with `bytes` must fail naming `culprits`.
fn fails(bytes: impl AsRef<[u8]>, culprits: &[&str]) -> String {
    let sb = Sandbox::new();
    let p = sb.write("plan.json", bytes);
    sb.fails(&["ensemble", "--k", "3", "--samples", "10", "--plan", &p, "--out", "prev"], &[&["plan.json"], culprits].concat())
}

/// Every municipality in zone `z` (JSON text).
fn all_in_zone(z: &str) -> impl Fn(&str) -> Option<String> + '_ {
    move |_| Some(z.to_string())
}

#[test]
fn bare_nan() {
    fails(
        plan(|c| Some(if c == "017103" { "NaN".into() } else { "1".into() })),
        &["not JSON", "`NaN` is not a JSON value", "\"017103\": NaN"],
    );
}

#[test]
fn bare_infinity() {
    fails(plan(|c| Some(if c == "017122" { "-Infinity".into() } else { "1".into() })), &["not JSON", "Infinity", "\"017122\""]);
}

#[test]
fn number_out_of_range() {
    fails(plan(|c| Some(if c == "017122" { "1e999".into() } else { "1".into() })), &["not JSON", "out of range", "\"017122\": 1e999"]);
}

#[test]
fn missing_labels() {
    fails("{\"k\": 3, \"zones\": []}\n", &["no `labels` object"]);
}

#[test]
fn labels_an_array() {
    fails("{\"labels\": [1, 2, 3]}\n", &["`labels` is an array"]);
}

#[test]
fn labels_empty() {
    fails("{\"labels\": {}}\n", &["`labels` is empty"]);
}

#[test]
fn top_level_array() {
    fails("[{\"labels\": {}}]\n", &["found an array where an object was expected"]);
}

#[test]
fn labels_not_numbers() {
    fails(
        plan(|c| Some(if c == "017103" { "\"2\"".into() } else { "1".into() })),
        &["017103: zone number must be a number, found the string \"2\""],
    );
}

#[test]
fn label_null() {
    fails(plan(|c| Some(if c == "017103" { "null".into() } else { "1".into() })), &["017103: zone number must be a number, found null"]);
}

#[test]
fn negative_zone_number() {
    fails(plan(|c| Some(if c == "017103" { "-1".into() } else { "1".into() })), &["017103: negative zone number -1"]);
}

#[test]
fn fractional_zone_number() {
    fails(plan(|c| Some(if c == "017103" { "1.5".into() } else { "1".into() })), &["017103: fractional zone number 1.5"]);
}

#[test]
fn code_listed_twice() {
    let text = plan(all_in_zone("1")).replacen("\"labels\": {", "\"labels\": {\n    \"17103\": 2,", 1);
    fails(text, &["017103: listed twice (also as \"17103\")"]);
}

#[test]
fn every_bad_label_is_listed() {
    let text = plan(|c| {
        Some(match c {
            "017103" => "-1".into(),
            "017122" => "2.5".into(),
            "017137" => "\"x\"".into(),
            _ => "1".into(),
        })
    });
    fails(text, &["3 problems", "017103: negative", "017122: fractional", "017137: zone number must be a number"]);
}

#[test]
fn code_not_in_the_area() {
    let text = plan(all_in_zone("1")).replacen("\"labels\": {", "\"labels\": {\n    \"099999\": 2,", 1);
    fails(text, &["ISTAT code 099999 is not a municipality of the area"]);
}

#[test]
fn missing_codes() {
    fails(plan(|c| (c != "017103" && c != "017122").then(|| "1".into())), &["017103 Manerbio has no zone", "017122 Offlaga has no zone"]);
}

#[test]
fn wrong_k() {
    fails(plan(all_in_zone("1")), &["the plan has 1 zones (1), expected k = 3", "--k 3"]);
}

#[test]
fn discontiguous_zone() {
    // Acquafredda (east) and Orzinuovi (west) alone in zone 1, Manerbio in zone 3.
    let text = plan(|c| {
        Some(match c {
            "017001" | "017125" => "1".into(),
            "017103" => "3".into(),
            _ => "2".into(),
        })
    });
    fails(text, &["zone 1 is not contiguous", "2 pieces"]);
}

#[test]
fn empty_file() {
    fails("", &["the file is empty"]);
}

#[test]
fn only_whitespace() {
    fails("\n  \n", &["the file is empty"]);
}

#[test]
fn invalid_utf8() {
    let mut bytes = plan(all_in_zone("1")).into_bytes();
    let at = bytes.windows(6).position(|w| w == b"017122").unwrap();
    bytes[at + 2] = 0xFF;
    let e = fails(&bytes, &["not UTF-8", "0xFF", &format!("at byte {}", at + 2), "line "]);
    assert!(e.contains("after `\"01`"), "{e}");
}

#[test]
fn not_json() {
    fails("istat,zone\n017103,1\n", &["not JSON at line 1, column 1", "istat,zone"]);
}

#[test]
fn truncated_json() {
    let text = plan(all_in_zone("1"));
    fails(&text[..text.len() / 2], &["not JSON", "EOF"]);
}

#[test]
fn a_bom_is_accepted() {
    // With a BOM the file is read: what fails is its one zone for --k 3.
    let text = format!("\u{feff}{}", plan(all_in_zone("1")));
    fails(text, &["the plan has 1 zones"]);
}

#[test]
fn whole_floats_count_as_zone_numbers() {
    fails(plan(all_in_zone("2.0")), &["the plan has 1 zones (2)"]);
}
