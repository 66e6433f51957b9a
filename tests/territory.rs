//! Loading study areas: the real fixtures, and every kind of bad input named precisely.

mod common;

use common::*;
use pianura::features::FeatureMatrix;
use pianura::territory::{Shapes, Territory, DEFAULT_FEATURES};

fn load_err(name: &str, content: &str) -> String {
    let (_dir, path) = write_temp(name, content);
    let err = Territory::load(&path).expect_err("bad input must be rejected");
    let msg = err.to_string();
    assert!(msg.contains(name), "message names the file {name}: {msg}");
    msg
}

#[test]
fn bassa42_areas_match_the_projected_polygons_of_the_fixture_script() {
    // area_km2 in the fixture comes from pyproj + shapely (scripts/build_fixtures.py);
    // pianura recomputes it from the polygons with its own UTM 32N projection.
    let t = Territory::load(&bassa42()).unwrap();
    let raw: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(bassa42()).unwrap()).unwrap();
    for (unit, f) in t.units.iter().zip(raw["features"].as_array().unwrap()) {
        let expected = f["properties"]["area_km2"].as_f64().unwrap();
        let got = unit.area_km2.unwrap();
        assert!(((got - expected) / expected).abs() < 1e-9, "{unit}: {got} vs {expected} km²");
    }
    let per_district = |d: &str| t.units.iter().filter(|u| u.district.as_deref() == Some(d)).count();
    assert_eq!((per_district("8"), per_district("9"), per_district("10")), (15, 20, 7));
    let embedded = Territory::embedded_default();
    assert_eq!((&embedded.units, &embedded.attributes), (&t.units, &t.attributes));
}

#[test]
fn lombardia_folder_loads_units_and_edges() {
    let t = Territory::load(&fixture("lombardia")).unwrap();
    assert_eq!(t.len(), 1503);
    let Shapes::Edges(edges) = &t.shapes else { panic!("a folder instance has edges") };
    assert_eq!(edges.len(), 4341);
    assert!(edges.iter().all(|e| e.a < e.b && e.border_m.is_some()));
    let f = FeatureMatrix::from_territory(&t);
    assert_eq!(f.names(), DEFAULT_FEATURES);
    let milano = t.unit(t.find("015146").unwrap());
    assert_eq!(milano.name, "Milano");
    assert!(milano.pop.unwrap() > 1.3e6);
}

#[test]
fn malformed_json_names_file_and_position() {
    let msg = load_err("area.geojson", r#"{"type":"FeatureCollection","features":[{"type":"#);
    assert!(msg.contains("malformed GeoJSON") && msg.contains("line 1"), "{msg}");
}

#[test]
fn not_a_feature_collection() {
    let msg = load_err("area.geojson", &square(10.0, 45.0, 0.1));
    assert!(msg.contains("not a FeatureCollection"), "{msg}");
}

#[test]
fn empty_area() {
    let msg = load_err("area.geojson", &collection(&[]));
    assert!(msg.contains("the area is empty"), "{msg}");
}

#[test]
fn feature_without_geometry_names_the_municipality() {
    let mut fs = row_of_three();
    fs[1] = feature(r#""istat":"017089","name":"Offlaga","x":1"#, "null");
    let msg = load_err("area.geojson", &collection(&fs));
    assert!(msg.contains("feature 2 (017089 Offlaga): no geometry"), "{msg}");
}

#[test]
fn point_geometry_is_rejected() {
    let mut fs = row_of_three();
    fs[0] = feature(r#""istat":"017103","name":"Manerbio","x":1"#, r#"{"type":"Point","coordinates":[10.1,45.3]}"#);
    let msg = load_err("area.geojson", &collection(&fs));
    assert!(msg.contains("feature 1 (017103 Manerbio): geometry is a Point"), "{msg}");
}

#[test]
fn degenerate_ring_is_an_invalid_polygon() {
    let mut fs = row_of_three();
    let ring = r#"{"type":"Polygon","coordinates":[[[10.1,45.3],[10.2,45.3],[10.1,45.3]]]}"#;
    fs[2] = feature(r#""istat":"017137","name":"San Gervasio Bresciano","x":1"#, ring);
    let msg = load_err("area.geojson", &collection(&fs));
    assert!(msg.contains("feature 3 (017137 San Gervasio Bresciano): exterior ring has 2 distinct points, at least 3 are needed"), "{msg}");
}

#[test]
fn empty_and_repeated_point_rings_are_rejected() {
    let mut fs = row_of_three();
    fs[0] = feature(r#""istat":"017103","name":"Manerbio","x":1"#, r#"{"type":"Polygon","coordinates":[[]]}"#);
    fs[1] = feature(r#""istat":"017089","name":"Offlaga","x":1"#, r#"{"type":"Polygon","coordinates":[]}"#);
    // Four points, two distinct: a closed ring that encloses nothing.
    let there_and_back = r#"{"type":"Polygon","coordinates":[[[10.1,45.3],[10.2,45.3],[10.2,45.3],[10.1,45.3]]]}"#;
    fs[2] = feature(r#""istat":"017137","name":"San Gervasio Bresciano","x":1"#, there_and_back);
    // A MultiPolygon whose second polygon has a hole made of one repeated point.
    let holed = r#"{"type":"MultiPolygon","coordinates":[
        [[[10.3,45.3],[10.31,45.3],[10.31,45.31],[10.3,45.3]]],
        [[[10.4,45.3],[10.42,45.3],[10.42,45.32],[10.4,45.3]],[[10.41,45.305],[10.41,45.305],[10.41,45.305]]]]}"#;
    fs.push(feature(r#""istat":"017001","name":"Acquafredda","x":1"#, holed));
    let msg = load_err("area.geojson", &collection(&fs));
    assert!(msg.contains("4 problems"), "{msg}");
    assert!(msg.contains("feature 1 (017103 Manerbio): exterior ring has 0 distinct points"), "{msg}");
    assert!(msg.contains("feature 2 (017089 Offlaga): exterior ring has 0 distinct points"), "{msg}");
    assert!(msg.contains("feature 3 (017137 San Gervasio Bresciano): exterior ring has 2 distinct points"), "{msg}");
    assert!(msg.contains("feature 4 (017001 Acquafredda): hole 1 of polygon 2 has 1 distinct point,"), "{msg}");
}

#[test]
fn positions_that_are_not_lon_lat_pairs_are_errors_not_panics() {
    let mut fs = row_of_three();
    let short = r#"{"type":"Polygon","coordinates":[[[10.1,45.3],[10.2],[10.2,45.4],[10.1,45.3]]]}"#;
    fs[1] = feature(r#""istat":"017089","name":"Offlaga","x":1"#, short);
    let msg = load_err("area.geojson", &collection(&fs));
    assert!(
        msg.contains("feature 2 (017089 Offlaga): invalid polygon: exterior ring, point 2: expected [longitude, latitude], found [10.2]"),
        "{msg}"
    );
}

#[test]
fn coordinates_outside_wgs84_name_the_feature() {
    let mut fs = row_of_three();
    // UTM 32N metres written where degrees are expected: one message per feature.
    fs[0] = feature(r#""istat":"017103","name":"Manerbio","pop":1000,"x":1"#, &square(598000.0, 5016000.0, 1000.0));
    fs[2] = feature(r#""istat":"017137","name":"San Gervasio Bresciano","pop":3000,"x":1"#, &square(10.5, 89.5, 1.0));
    let msg = load_err("area.geojson", &collection(&fs));
    assert!(msg.contains("2 problems"), "{msg}");
    assert!(
        msg.contains("feature 1 (017103 Manerbio): 5 coordinate(s) outside WGS84 (longitude -180..180, latitude -90..90), first (598000, 5016000) at exterior ring, point 1"),
        "{msg}"
    );
    assert!(msg.contains("feature 3 (017137 San Gervasio Bresciano): 2 coordinate(s) outside WGS84 (longitude -180..180, latitude -90..90), first (11.5, 90.5) at exterior ring, point 3"), "{msg}");
}

#[test]
fn lon_lat_properties_must_be_wgs84_degrees() {
    let mut fs = row_of_three();
    fs[1] = feature(r#""istat":"017089","name":"Offlaga","lon":601234,"lat":45.3,"x":1"#, &square(10.11, 45.3, 0.01));
    fs[2] = feature(r#""istat":"017137","name":"San Gervasio Bresciano","lon":10.1,"lat":-91,"x":1"#, &square(10.12, 45.3, 0.01));
    let msg = load_err("area.geojson", &collection(&fs));
    assert!(msg.contains(r#"feature 2 (017089 Offlaga): `lon` must be a WGS84 longitude in [-180, 180], found "601234""#), "{msg}");
    assert!(
        msg.contains(r#"feature 3 (017137 San Gervasio Bresciano): `lat` must be a WGS84 latitude in [-90, 90], found "-91""#),
        "{msg}"
    );
}

#[test]
fn feature_without_id() {
    let mut fs = row_of_three();
    fs[0] = feature(r#""name":"Manerbio","x":1"#, &square(10.1, 45.3, 0.01));
    let msg = load_err("area.geojson", &collection(&fs));
    // No id to show: the name tells the user which feature it is.
    assert!(msg.contains("feature 1 (Manerbio): no id"), "{msg}");
}

#[test]
fn duplicate_ids_name_both_places() {
    let mut fs = row_of_three();
    fs[2] = feature(r#""istat":"17103","name":"Manerbio bis","x":1"#, &square(10.2, 45.3, 0.01));
    let msg = load_err("area.geojson", &collection(&fs));
    assert!(msg.contains("feature 3 (017103 Manerbio bis): duplicate id 017103, first seen at feature 1"), "{msg}");
}

#[test]
fn non_numeric_missing_and_nan_values_are_all_listed() {
    let mut fs = row_of_three();
    fs[0] = feature(r#""istat":"017103","name":"Manerbio","x":"abc""#, &square(10.1, 45.3, 0.01));
    fs[1] = feature(r#""istat":"017089","name":"Offlaga""#, &square(10.11, 45.3, 0.01));
    fs[2] = feature(r#""istat":"017137","name":"San Gervasio Bresciano","x":"NaN""#, &square(10.12, 45.3, 0.01));
    fs.push(feature(r#""istat":"017001","name":"Acquafredda","x":4"#, &square(10.13, 45.3, 0.01)));
    let msg = load_err("area.geojson", &collection(&fs));
    assert!(msg.contains("3 problems"), "{msg}");
    assert!(msg.contains(r#"feature 1 (017103 Manerbio): feature `x` is not a number: "abc""#), "{msg}");
    assert!(msg.contains("feature 2 (017089 Offlaga): missing value for feature `x`"), "{msg}");
    assert!(msg.contains("feature 3 (017137 San Gervasio Bresciano): feature `x` is not finite: NaN"), "{msg}");
}

#[test]
fn negative_population_is_rejected() {
    let mut fs = row_of_three();
    fs[1] = feature(r#""istat":"017089","name":"Offlaga","pop":-5,"x":1"#, &square(10.11, 45.3, 0.01));
    let msg = load_err("area.geojson", &collection(&fs));
    assert!(msg.contains("feature 2 (017089 Offlaga): `pop` must be a number ≥ 0"), "{msg}");
}

/// Writes a units.csv + edges.csv folder and returns the error message of loading it.
fn folder_err(units: &str, edges: Option<&str>) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("units.csv"), units).unwrap();
    if let Some(e) = edges {
        std::fs::write(dir.path().join("edges.csv"), e).unwrap();
    }
    Territory::load(dir.path()).expect_err("bad input must be rejected").to_string()
}

const UNITS: &str = "istat,name,pop,x\n017103,Manerbio,13000,1.5\n017089,Offlaga,4000,2.5\n017137,San Gervasio Bresciano,2500,0.5\n";

#[test]
fn units_csv_nan_and_text_name_the_row() {
    let units = "istat,name,pop,x\n017103,Manerbio,13000,NaN\n017089,Offlaga,4000,two\n";
    let msg = folder_err(units, Some("a,b\n017103,017089\n"));
    assert!(msg.contains("units.csv"), "{msg}");
    assert!(msg.contains("row 2 (017103 Manerbio): feature `x` is not finite: NaN"), "{msg}");
    assert!(msg.contains(r#"row 3 (017089 Offlaga): feature `x` is not a number: "two""#), "{msg}");
}

#[test]
fn units_csv_duplicate_id() {
    let units = "istat,name,x\n017103,Manerbio,1\n17103,Manerbio again,2\n";
    let msg = folder_err(units, Some("a,b\n"));
    assert!(msg.contains("row 3 (017103 Manerbio again): duplicate id 017103, first seen at row 2"), "{msg}");
}

#[test]
fn edges_with_unknown_ids_and_self_loops() {
    let edges = "a,b,border_m\n017103,017089,900\n017103,017999,10\n017137,017137,5\n";
    let msg = folder_err(UNITS, Some(edges));
    assert!(msg.contains("edges.csv"), "{msg}");
    assert!(msg.contains("row 3 (017103–017999): edge names unknown id 017999"), "{msg}");
    assert!(msg.contains("row 4 (017137–017137): edge joins 017137 with itself"), "{msg}");
}

#[test]
fn edges_with_bad_length() {
    let msg = folder_err(UNITS, Some("a,b,border_m\n017103,017089,far\n"));
    assert!(msg.contains("row 2 (017103–017089): `border_m` must be a number ≥ 0"), "{msg}");
}

#[test]
fn missing_edges_file_is_named() {
    let msg = folder_err(UNITS, None);
    assert!(msg.contains("edges.csv") && msg.contains("No such file"), "{msg}");
    assert_eq!(msg.matches("No such file").count(), 1, "the OS cause appears once: {msg}");
}

#[test]
fn io_error_message_holds_the_cause_and_is_not_repeated_by_its_chain() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing.geojson");
    let err = Territory::load(&path).unwrap_err();
    let cause = std::fs::metadata(&path).unwrap_err().to_string();
    assert_eq!(err.to_string(), format!("{}: {cause}", path.display()));
    // A chain printer (anyhow's `{:#}`) would print a source again after the message.
    assert!(std::error::Error::source(&err).is_none());
}

#[test]
fn empty_ids_in_edges_csv_name_row_and_column() {
    let edges = "a,b,border_m\n017103,017089,900\n,017089,10\n017137,,5\n,,1\n";
    let msg = folder_err(UNITS, Some(edges));
    assert!(msg.contains("edges.csv: 4 problems"), "{msg}");
    assert!(msg.contains("row 3: empty id in column `a`"), "{msg}");
    assert!(msg.contains("row 4: empty id in column `b`"), "{msg}");
    assert!(msg.contains("row 5: empty id in column `a`\n  row 5: empty id in column `b`"), "{msg}");
    assert!(!msg.contains("unknown id") && !msg.contains("with itself"), "{msg}");
}

#[test]
fn empty_id_in_units_csv_names_row_column_and_name() {
    let units = "istat,name,x\n017103,Manerbio,1\n ,Offlaga,2\n";
    let msg = folder_err(units, Some("a,b\n"));
    assert!(msg.contains("units.csv: row 3 (Offlaga): empty id in column `istat`"), "{msg}");
    let msg = folder_err("id,x\n017103,1\n,2\n", Some("a,b\n"));
    assert!(msg.contains("units.csv: row 3: empty id in column `id`"), "{msg}");
}

#[test]
fn empty_units_csv_is_an_empty_area() {
    for units in ["", "istat,name,pop,x\n"] {
        let msg = folder_err(units, Some("a,b\n"));
        assert!(msg.contains("units.csv: the area is empty"), "{units:?}: {msg}");
    }
}

#[test]
fn blank_feature_value_in_units_csv_names_row_column_and_municipality() {
    let units = "istat,name,pop,x\n017103,Manerbio,13000,1.5\n17089,Offlaga,4000,\n";
    let msg = folder_err(units, Some("a,b\n017103,017089\n"));
    assert!(msg.contains("units.csv: row 3 (017089 Offlaga): missing value for feature `x`"), "{msg}");
}

#[test]
fn units_csv_without_id_column() {
    let msg = folder_err("name,x\nManerbio,1\n", Some("a,b\n"));
    assert!(msg.contains("units.csv: row 1: missing column `istat`"), "{msg}");
}

#[test]
fn extra_feature_csv_is_joined_by_istat_and_checked() {
    let t = Territory::load(&bassa42()).unwrap();
    let base = FeatureMatrix::from_territory(&t);
    // Codes written without the leading zero, as spreadsheets do; rows outside the area are ignored.
    let mut csv = String::from("istat,name,income\n99999,Elsewhere,1\n");
    for (i, u) in t.units.iter().enumerate() {
        csv.push_str(&format!("{},{},{}\n", u.istat.trim_start_matches('0'), u.name, 20000 + i));
    }
    let (_d, path) = write_temp("income.csv", &csv);
    let joined = base.join_csv(&path, &t).unwrap();
    assert_eq!(joined.names().last().map(String::as_str), Some("income"));
    let manerbio = t.find("017103").unwrap().index();
    assert_eq!(joined.values()[[manerbio, 5]], 20000.0 + manerbio as f64);

    // One municipality missing, one value not a number, a column clashing with a feature.
    let mut lines: Vec<&str> = csv.lines().collect();
    let missing = lines.remove(2);
    let bad = lines[2].rsplit_once(',').unwrap().0.to_string() + ",n/a";
    lines[2] = &bad;
    let (_d, path) = write_temp("income.csv", &(lines.join("\n") + "\n"));
    let msg = base.join_csv(&path, &t).unwrap_err().to_string();
    let missing_unit = t.unit(t.find(missing.split(',').next().unwrap()).unwrap()).to_string();
    assert!(msg.contains(&format!("no row for {missing_unit}")), "{msg}");
    assert!(msg.contains("income.csv") && msg.contains(r#"feature `income` is not a number: "n/a""#), "{msg}");
    let (_d, path) = write_temp("dup.csv", &csv.replace("income", "growth"));
    let msg = base.join_csv(&path, &t).unwrap_err().to_string();
    assert!(msg.contains("column `growth` is already a feature"), "{msg}");
}

/// One 0.01° square 1.1° east of its zone's central meridian, at latitude ±45.3.
fn square_at(lon: f64, lat: f64) -> Territory {
    let fs = vec![feature(r#""istat":"017103","name":"Manerbio","x":1"#, &square(lon, lat, 0.01))];
    let (_d, path) = write_temp("area.geojson", &collection(&fs));
    Territory::load(&path).unwrap()
}

#[test]
fn the_projection_is_the_utm_zone_of_the_area_and_areas_do_not_depend_on_where_it_is() {
    use pianura::territory::Projection;
    let home = square_at(10.1, 45.3);
    assert_eq!(home.projection(), Some(Projection::UTM32N));
    let area = home.units[0].area_km2.unwrap();
    // The same shape the same distance from its own zone's meridian, north and south (the
    // southern square mirrored so its latitudes span the same band).
    for (lon, lat, epsg, name) in [
        (10.1 + 6.0 * 20.0, 45.3, 32652, "WGS 84 / UTM zone 52N"),
        (10.1 - 6.0 * 31.0, 45.3, 32601, "WGS 84 / UTM zone 1N"),
        (10.1 + 6.0 * 5.0, -45.31, 32737, "WGS 84 / UTM zone 37S"),
        (10.1 - 6.0 * 10.0, -45.31, 32722, "WGS 84 / UTM zone 22S"),
    ] {
        let t = square_at(lon, lat);
        let p = t.projection().unwrap();
        assert_eq!((p.epsg(), p.name().as_str()), (epsg, name), "square at ({lon}, {lat})");
        let a = t.units[0].area_km2.unwrap();
        assert!(((a - area) / area).abs() < 1e-6, "({lon}, {lat}): {a} km² vs {area} km²");
    }
    // In UTM 32N the square 120° away would be measured far off: the zone choice matters.
    let far = square_at(130.1, 45.3);
    let Shapes::Polygons(p) = &far.shapes else { unreachable!() };
    let in_32n = geo::Area::unsigned_area(&pianura::territory::utm::Projection::UTM32N.project_multipolygon(&p[0])) / 1e6;
    assert!((in_32n / area - 1.0).abs() > 0.5, "UTM 32N gives {in_32n} km² for {area} km²");
}

#[test]
fn the_default_area_stays_in_utm_32n_and_folders_take_the_zone_of_their_points() {
    use pianura::territory::Projection;
    assert_eq!(Territory::embedded_default().projection(), Some(Projection::UTM32N));
    assert_eq!(Territory::load(&brescia205()).unwrap().projection(), Some(Projection::UTM32N));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("edges.csv"), "a,b\n1,2\n").unwrap();
    std::fs::write(dir.path().join("units.csv"), "istat,name,lon,lat,x\n1,A,-58.4,-34.6,1\n2,B,-58.5,-34.7,2\n").unwrap();
    let p = Territory::load(dir.path()).unwrap().projection().unwrap();
    assert_eq!((p.epsg(), p.to_string()), (32721, "WGS 84 / UTM zone 21S (EPSG:32721)".to_string()));
    std::fs::write(dir.path().join("units.csv"), "istat,name,x\n1,A,1\n2,B,2\n").unwrap();
    assert_eq!(Territory::load(dir.path()).unwrap().projection(), None);
}

#[test]
fn border_lengths_are_measured_in_the_areas_own_zone() {
    use pianura::graph::{AdjacencyGraph, Contiguity};
    let row = |dx: f64, lat: f64| {
        let fs: Vec<String> = (0..2)
            .map(|i| {
                let props = format!(r#""istat":"01710{i}","name":"U{i}","x":{i}"#);
                feature(&props, &square(10.1 + dx + 0.01 * i as f64, lat, 0.01))
            })
            .collect();
        let (_d, path) = write_temp("area.geojson", &collection(&fs));
        let t = Territory::load(&path).unwrap();
        AdjacencyGraph::build(&t, Contiguity::Rook).unwrap().edges()[0].2.unwrap()
    };
    let home = row(0.0, 45.3);
    for (dx, lat) in [(60.0, 45.3), (-90.0, -45.31)] {
        let there = row(dx, lat);
        assert!(((there - home) / home).abs() < 1e-6, "{there} m vs {home} m");
    }
}

#[test]
fn semicolon_tab_bom_and_crlf_folders_load_like_the_comma_one() {
    let units = "istat,name,pop,x\n017103,Manerbio,13000,1.5\n017089,Offlaga,4000,2.5\n";
    let edges = "a,b,border_m\n017103,017089,900\n";
    let load = |u: &str, e: &str| {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("units.csv"), u).unwrap();
        std::fs::write(dir.path().join("edges.csv"), e).unwrap();
        let t = Territory::load(dir.path()).unwrap();
        (t.units, t.attributes, t.shapes)
    };
    let base = load(units, edges);
    assert_eq!(load(&units.replace(',', ";"), &edges.replace(',', ";")), base);
    assert_eq!(load(&units.replace(',', "\t"), &edges.replace(',', "\t")), base);
    assert_eq!(load(&format!("\u{FEFF}{units}"), &format!("\u{FEFF}{edges}")), base);
    assert_eq!(load(&units.replace('\n', "\r\n"), &edges.replace('\n', "\r\n")), base);
}

#[test]
fn a_bom_geojson_loads_like_the_plain_one() {
    let plain = Territory::load(&bassa42()).unwrap();
    let (_d, path) = write_temp("area.geojson", &format!("\u{FEFF}{}", std::fs::read_to_string(bassa42()).unwrap()));
    let bom = Territory::load(&path).unwrap();
    assert_eq!((bom.units, bom.attributes, bom.shapes), (plain.units, plain.attributes, plain.shapes));
}
