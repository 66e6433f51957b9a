//! Bad inputs: geojson. Handmade squares near Manerbio or mutated copies of the Bassa fixture
//! (feature 1 is 017001 Acquafredda, 3 is 017009 Bagnolo Mella, 17 is 017080 Gottolengo).

#[allow(unused_imports)]
use crate::harness::*;

use crate::common::{bassa42, collection, feature, row_of_three, square};
use serde_json::{json, Value};

/// The Bassa fixture as JSON, to mutate.
fn bassa() -> Value {
    serde_json::from_str(&std::fs::read_to_string(bassa42()).unwrap()).unwrap()
}

/// Writes `v` as `rel` in the sandbox.
fn put(sb: &Sandbox, rel: &str, v: &Value) -> String {
    sb.write(rel, serde_json::to_string(v).unwrap())
}

/// `pianura graph --area path` must fail naming every culprit.
fn graph_fails(sb: &Sandbox, path: &str, culprits: &[&str]) -> String {
    sb.fails(&["graph", "--area", path], culprits)
}

/// Swaps every coordinate of every geometry of `v`.
fn swap_coordinates(v: &mut Value) {
    fn swap(c: &mut Value) {
        match c.as_array_mut() {
            Some(a) if a.len() == 2 && a[0].is_number() => a.swap(0, 1),
            Some(a) => a.iter_mut().for_each(swap),
            None => {}
        }
    }
    for f in v["features"].as_array_mut().unwrap() {
        swap(&mut f["geometry"]["coordinates"]);
    }
}

const SWAPPED: &str = "coordinates look like [latitude, longitude]; GeoJSON is [longitude, latitude]";

#[test]
fn lat_lon_axis_order_detected_by_the_lon_lat_properties() {
    let sb = Sandbox::new();
    let mut v = bassa();
    swap_coordinates(&mut v);
    let path = put(&sb, "swapped.geojson", &v);
    graph_fails(&sb, &path, &["swapped.geojson", "42 problems", "feature 1 (017001 Acquafredda)", SWAPPED, "`lon`/`lat` point"]);
}

#[test]
fn lat_lon_axis_order_detected_by_istat_codes_outside_italy() {
    let sb = Sandbox::new();
    let mut v = bassa();
    swap_coordinates(&mut v);
    for f in v["features"].as_array_mut().unwrap() {
        let p = f["properties"].as_object_mut().unwrap();
        p.remove("lon");
        p.remove("lat");
    }
    let path = put(&sb, "swapped.geojson", &v);
    graph_fails(&sb, &path, &["feature 3 (017009 Bagnolo Mella)", SWAPPED, "017009 is an ISTAT code", "outside Italy"]);
}

#[test]
fn lat_lon_axis_order_detected_by_latitudes_beyond_90() {
    let sb = Sandbox::new();
    let mut fs = row_of_three();
    // Somewhere at longitude 100°E written [lat, lon]: every latitude is out of range.
    fs[1] = feature(r#""istat":"017089","name":"Offlaga","pop":2000,"x":1"#, &square(45.3, 100.1, 0.01));
    let path = sb.write("area.geojson", collection(&fs));
    graph_fails(&sb, &path, &["feature 2 (017089 Offlaga)", SWAPPED, "latitude beyond ±90"]);
}

#[test]
fn swapped_lon_lat_properties() {
    let sb = Sandbox::new();
    let mut v = bassa();
    let p = &mut v["features"][2]["properties"];
    let (lon, lat) = (p["lon"].clone(), p["lat"].clone());
    p["lon"] = lat;
    p["lat"] = lon;
    let path = put(&sb, "area.geojson", &v);
    graph_fails(&sb, &path, &["feature 3 (017009 Bagnolo Mella)", "`lon`/`lat`", "swapped"]);
}

#[test]
fn collinear_exterior_ring_encloses_no_area() {
    let sb = Sandbox::new();
    let mut fs = row_of_three();
    let line = r#"{"type":"Polygon","coordinates":[[[10.1,45.3],[10.11,45.31],[10.13,45.33],[10.1,45.3]]]}"#;
    fs[0] = feature(r#""istat":"017103","name":"Manerbio","pop":1000,"x":1"#, line);
    let path = sb.write("area.geojson", collection(&fs));
    graph_fails(&sb, &path, &["feature 1 (017103 Manerbio)", "exterior ring encloses no area", "3 distinct points lie on one line"]);
}

#[test]
fn collinear_hole_encloses_no_area() {
    let sb = Sandbox::new();
    let mut fs = row_of_three();
    let holed = r#"{"type":"Polygon","coordinates":[
        [[10.12,45.3],[10.13,45.3],[10.13,45.31],[10.12,45.31],[10.12,45.3]],
        [[10.122,45.302],[10.124,45.304],[10.126,45.306],[10.122,45.302]]]}"#;
    fs[2] = feature(r#""istat":"017137","name":"San Gervasio Bresciano","pop":3000,"x":1"#, holed);
    let path = sb.write("area.geojson", collection(&fs));
    graph_fails(&sb, &path, &["feature 3 (017137 San Gervasio Bresciano)", "hole 1 encloses no area"]);
}

#[test]
fn two_features_with_the_same_polygon_name_both() {
    let sb = Sandbox::new();
    let mut v = bassa();
    let mut copy = v["features"][5].clone();
    copy["properties"]["istat"] = json!("017999");
    copy["properties"]["name"] = json!("Copia");
    v["features"].as_array_mut().unwrap().push(copy);
    let path = put(&sb, "area.geojson", &v);
    graph_fails(&sb, &path, &["feature 43 (017999 Copia)", "same polygon as feature 6 (017020 Borgo San Giacomo)"]);
}

#[test]
fn a_polygon_mostly_inside_another_names_both() {
    let sb = Sandbox::new();
    let mut fs = row_of_three();
    // A fourth square over 70 % of San Gervasio's.
    fs.push(feature(r#""istat":"017001","name":"Acquafredda","pop":500,"x":1"#, &square(10.123, 45.3, 0.01)));
    let path = sb.write("area.geojson", collection(&fs));
    graph_fails(&sb, &path, &["feature 4 (017001 Acquafredda)", "overlaps 70 %", "feature 3 (017137 San Gervasio Bresciano)"]);
}

#[test]
fn a_unit_point_far_outside_its_polygon() {
    let sb = Sandbox::new();
    let mut v = bassa();
    let lon = v["features"][2]["properties"]["lon"].as_f64().unwrap();
    v["features"][2]["properties"]["lon"] = json!(lon + 0.3);
    let path = put(&sb, "area.geojson", &v);
    graph_fails(&sb, &path, &["feature 3 (017009 Bagnolo Mella)", "km outside the polygon", "the limit is"]);
}

#[test]
fn a_missing_name() {
    let sb = Sandbox::new();
    let mut v = bassa();
    v["features"][6]["properties"].as_object_mut().unwrap().remove("name");
    let path = put(&sb, "area.geojson", &v);
    graph_fails(&sb, &path, &["feature 7 (017026): no name"]);
}

#[test]
fn a_blank_name() {
    let sb = Sandbox::new();
    let mut v = bassa();
    v["features"][3]["properties"]["name"] = json!("  ");
    let path = put(&sb, "area.geojson", &v);
    graph_fails(&sb, &path, &["feature 4 (017011): no name"]);
}

#[test]
fn a_population_with_a_thousands_point() {
    let sb = Sandbox::new();
    let mut v = bassa();
    v["features"][4]["properties"]["pop_2023"] = json!("12.874");
    let path = put(&sb, "area.geojson", &v);
    graph_fails(
        &sb,
        &path,
        &["feature 5 (017013 Bassano Bresciano)", "`pop_2023` must be a whole number", "\"12.874\"", "thousands, write 12874"],
    );
}

#[test]
fn a_population_with_a_thousands_comma() {
    let sb = Sandbox::new();
    let mut v = bassa();
    v["features"][9]["properties"]["pop_2023"] = json!("12,874");
    let path = put(&sb, "area.geojson", &v);
    graph_fails(&sb, &path, &["feature 10 (017039 Carpenedolo)", "whole number", "write 12874"]);
}

#[test]
fn a_fractional_population() {
    let sb = Sandbox::new();
    let mut v = bassa();
    v["features"][8]["properties"]["pop_2023"] = json!(1500.5);
    let path = put(&sb, "area.geojson", &v);
    let msg = graph_fails(&sb, &path, &["feature 9 (017034 Calvisano)", "whole number of residents, found \"1500.5\""]);
    assert!(!msg.contains("thousands"), "no thousands hint for 1500.5: {msg}");
}

#[test]
fn a_population_larger_than_the_world() {
    let sb = Sandbox::new();
    let mut v = bassa();
    v["features"][0]["properties"]["pop_2023"] = json!(1e12);
    let path = put(&sb, "area.geojson", &v);
    graph_fails(&sb, &path, &["feature 1 (017001 Acquafredda)", "`pop_2023` must be a number ≥ 0 and at most 10 billion"]);
}

#[test]
fn a_population_missing_where_the_others_have_one() {
    let sb = Sandbox::new();
    let mut v = bassa();
    v["features"][10]["properties"].as_object_mut().unwrap().remove("pop_2023");
    v["features"][10]["properties"].as_object_mut().unwrap().remove("pop_2022");
    let path = put(&sb, "area.geojson", &v);
    graph_fails(&sb, &path, &["feature 11 (017053 Cigole)", "no `pop_2023` value, while 41 other municipalities have one"]);
}

#[test]
fn decimal_commas_in_a_numeric_property() {
    let sb = Sandbox::new();
    let mut v = bassa();
    v["features"][5]["properties"]["growth"] = json!("21,5");
    v["features"][6]["properties"]["growth"] = json!("0,5");
    let path = put(&sb, "area.geojson", &v);
    graph_fails(
        &sb,
        &path,
        &["feature 6 (017020 Borgo San Giacomo)", "`growth` is written with a decimal comma: \"21,5\" (and 1 more like it)", "21.5"],
    );
}

#[test]
fn a_property_written_only_with_decimal_commas_is_not_dropped() {
    let sb = Sandbox::new();
    let mut v = bassa();
    for f in v["features"].as_array_mut().unwrap() {
        f["properties"]["income"] = json!("21,5");
    }
    let path = put(&sb, "area.geojson", &v);
    graph_fails(&sb, &path, &["feature 1 (017001 Acquafredda)", "`income` is written with a decimal comma", "and 41 more"]);
}

/// The fixture's text with the first `"growth": 0.0`-like value of feature `k` (0-based)
/// replaced by a bare token, as Python's json.dump writes it.
fn with_bare_token(key: &str, k: usize, token: &str) -> String {
    let mut v = bassa();
    v["features"][k]["properties"][key] = json!("@@TOKEN@@");
    serde_json::to_string(&v).unwrap().replace("\"@@TOKEN@@\"", token)
}

#[test]
fn a_bare_nan_token_names_feature_and_property() {
    let sb = Sandbox::new();
    let path = sb.write("area.geojson", with_bare_token("growth", 16, "NaN"));
    let msg = graph_fails(&sb, &path, &["feature 17 (017080 Gottolengo)", "feature `growth` is not finite: NaN"]);
    assert!(!msg.contains("expected value"), "{msg}");
}

#[test]
fn a_bare_infinity_token_names_feature_and_property() {
    let sb = Sandbox::new();
    let path = sb.write("area.geojson", with_bare_token("share_65plus", 18, "Infinity"));
    graph_fails(&sb, &path, &["feature 19 (017088 Leno)", "feature `share_65plus` is not finite: Infinity"]);
}

#[test]
fn a_bare_minus_infinity_longitude() {
    let sb = Sandbox::new();
    let path = sb.write("area.geojson", with_bare_token("lon", 19, "-Infinity"));
    graph_fails(&sb, &path, &["feature 20 (017091 Lograto)", "`lon` must be a WGS84 longitude", "-Infinity"]);
}

#[test]
fn a_number_beyond_a_double_names_feature_and_property() {
    let sb = Sandbox::new();
    let path = sb.write("area.geojson", with_bare_token("growth", 0, "1e999"));
    graph_fails(&sb, &path, &["feature 1 (017001 Acquafredda)", "feature `growth` is not finite: 1e999"]);
}

#[test]
fn a_bare_nan_population() {
    let sb = Sandbox::new();
    let path = sb.write("area.geojson", with_bare_token("pop_2023", 1, "NaN"));
    graph_fails(&sb, &path, &["feature 2 (017004 Alfianello)", "`pop_2023`", "NaN"]);
}

#[test]
fn a_bare_nan_coordinate() {
    let sb = Sandbox::new();
    let mut v = bassa();
    v["features"][20]["geometry"]["coordinates"][0][0][1][0] = json!("@@TOKEN@@");
    let text = serde_json::to_string(&v).unwrap().replace("\"@@TOKEN@@\"", "NaN");
    let path = sb.write("area.geojson", text);
    graph_fails(&sb, &path, &["feature 21 (017093 Longhena)", "point 2: coordinate (NaN,", "is not finite"]);
}

#[test]
fn values_whose_standard_deviation_overflows() {
    let sb = Sandbox::new();
    let mut v = bassa();
    v["features"][16]["properties"]["log_pop"] = json!(1e308);
    v["features"][17]["properties"]["log_pop"] = json!(1e308);
    let path = put(&sb, "area.geojson", &v);
    sb.fails(&["features", "--area", &path], &["area.geojson", "feature `log_pop` cannot be standardized", "017080 Gottolengo", "1e308"]);
}

#[test]
fn invalid_utf8_names_byte_feature_and_property() {
    let sb = Sandbox::new();
    let text = std::fs::read(bassa42()).unwrap();
    let at = text.windows(13).position(|w| w == b"Bagnolo Mella").unwrap();
    let mut bytes = text[..at].to_vec();
    bytes.extend_from_slice(b"Bagn\xf2lo Mella");
    bytes.extend_from_slice(&text[at + 13..]);
    let path = sb.write("area.geojson", bytes);
    graph_fails(&sb, &path, &["feature 3 (017009", "invalid UTF-8 at byte", "in `name`", "save the file as UTF-8"]);
}

#[test]
fn a_byte_order_mark_is_accepted() {
    let sb = Sandbox::new();
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(std::fs::read(bassa42()).unwrap());
    let path = sb.write("area.geojson", bytes);
    let out = sb.run(&["graph", "--area", &path]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("edges        97"));
}

#[test]
fn a_truncated_file_names_the_feature_it_stops_in() {
    let sb = Sandbox::new();
    let text = std::fs::read_to_string(bassa42()).unwrap();
    let cut = text.find("\"Gottolengo\"").unwrap() + 200;
    let path = sb.write("area.geojson", &text[..cut]);
    graph_fails(&sb, &path, &["malformed GeoJSON", "EOF while parsing", "in feature 17 (017080 Gottolengo)"]);
}

#[test]
fn a_syntax_error_names_line_column_and_feature() {
    let sb = Sandbox::new();
    let text = std::fs::read_to_string(bassa42()).unwrap();
    let at = text.find("\"Leno\"").unwrap();
    let path = sb.write("area.geojson", format!("{}\"Leno\",,{}", &text[..at], &text[at + 7..]));
    graph_fails(&sb, &path, &["malformed GeoJSON", "line 1 column", "in feature 19 (017088 Leno)"]);
}

#[test]
fn a_syntax_error_after_a_nan_token_keeps_its_own_position() {
    let sb = Sandbox::new();
    let text = with_bare_token("growth", 0, "NaN");
    let at = text.find("\"Leno\"").unwrap();
    let broken = format!("{}\"Leno\",,{}", &text[..at], &text[at + 7..]);
    let column = at + 8; // 1-based column of the second comma (one-line file)
    let path = sb.write("area.geojson", broken);
    graph_fails(&sb, &path, &[&format!("line 1 column {column}"), "in feature 19 (017088 Leno)"]);
}

#[test]
fn istat_codes_written_as_decimal_numbers() {
    let sb = Sandbox::new();
    let mut v = bassa();
    for f in v["features"].as_array_mut().unwrap() {
        let code: f64 = f["properties"]["istat"].as_str().unwrap().parse().unwrap();
        f["properties"]["istat"] = json!(code);
    }
    let text = serde_json::to_string(&v).unwrap();
    assert!(text.contains("\"istat\":17001.0"), "serde writes floats with .0");
    let path = sb.write("area.geojson", text);
    graph_fails(&sb, &path, &["column `istat` holds numbers such as 17001.0 (42 values)", "017001"]);
}

#[test]
fn lon_without_lat() {
    let sb = Sandbox::new();
    let mut v = bassa();
    v["features"][1]["properties"].as_object_mut().unwrap().remove("lat");
    let path = put(&sb, "area.geojson", &v);
    graph_fails(&sb, &path, &["feature 2 (017004 Alfianello): `lon` is given without `lat`"]);
}

#[test]
fn a_boolean_in_a_numeric_property() {
    let sb = Sandbox::new();
    let mut v = bassa();
    v["features"][12]["properties"]["growth"] = json!(true);
    let path = put(&sb, "area.geojson", &v);
    graph_fails(&sb, &path, &["feature 13 (", "feature `growth` is not a number: \"true\""]);
}

#[test]
fn istat_property_names_get_a_rename_hint() {
    let sb = Sandbox::new();
    let mut v = bassa();
    for f in v["features"].as_array_mut().unwrap() {
        let p = f["properties"].as_object_mut().unwrap();
        let (id, name) = (p.remove("istat").unwrap(), p.remove("name").unwrap());
        p.insert("PRO_COM_T".into(), id);
        p.insert("COMUNE".into(), name);
    }
    let path = put(&sb, "area.geojson", &v);
    graph_fails(
        &sb,
        &path,
        &["feature 1: no id", "the feature has `PRO_COM_T`: rename it `istat`", "the feature has `COMUNE`: rename it `name`"],
    );
}
