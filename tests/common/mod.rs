//! Named fixtures (geo-test-fixtures style) and helpers to write small broken inputs.
#![allow(dead_code)]

use std::path::PathBuf;

/// Path of a file or folder under `fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(rel)
}

/// The 42 Bassa Bresciana municipalities (the embedded default area).
pub fn bassa42() -> PathBuf {
    fixture("bassa_bresciana/area.geojson")
}

/// The 205 municipalities of the province of Brescia.
pub fn brescia205() -> PathBuf {
    fixture("brescia/area.geojson")
}

/// Reads an `edges.csv` fixture written by scripts/build_fixtures.py (shapely, in UTM 32N):
/// `(a, b, border_m)` with `a < b`.
pub fn python_edges(rel: &str) -> Vec<(String, String, f64)> {
    let mut r = csv::Reader::from_path(fixture(rel)).expect("fixture edges.csv");
    let mut out: Vec<(String, String, f64)> = r
        .records()
        .map(|rec| {
            let rec = rec.expect("well-formed fixture");
            let (a, b) = (rec[0].to_string(), rec[1].to_string());
            let (a, b) = if a < b { (a, b) } else { (b, a) };
            (a, b, rec[2].parse().expect("border_m"))
        })
        .collect();
    out.sort_by(|x, y| (&x.0, &x.1).cmp(&(&y.0, &y.1)));
    out
}

/// A unit square of `side` degrees at (`x`, `y`) as a GeoJSON Polygon geometry.
pub fn square(x: f64, y: f64, side: f64) -> String {
    format!(
        r#"{{"type":"Polygon","coordinates":[[[{x},{y}],[{x2},{y}],[{x2},{y2}],[{x},{y2}],[{x},{y}]]]}}"#,
        x2 = x + side,
        y2 = y + side
    )
}

/// A feature with the given properties (JSON object body) and geometry (JSON or `null`).
pub fn feature(props: &str, geometry: &str) -> String {
    format!(r#"{{"type":"Feature","properties":{{{props}}},"geometry":{geometry}}}"#)
}

/// A FeatureCollection of features.
pub fn collection(features: &[String]) -> String {
    format!(r#"{{"type":"FeatureCollection","features":[{}]}}"#, features.join(","))
}

/// Three 0.01° squares in a row near Manerbio, with real names and made-up features:
/// ```text
/// 017103 | 017089 | 017137
/// ```
pub fn row_of_three() -> Vec<String> {
    [("017103", "Manerbio"), ("017089", "Offlaga"), ("017137", "San Gervasio Bresciano")]
        .iter()
        .enumerate()
        .map(|(i, (id, name))| {
            let props = format!(r#""istat":"{id}","name":"{name}","pop":{},"x":{i}.5"#, 1000 * (i + 1));
            feature(&props, &square(10.1 + 0.01 * i as f64, 45.3, 0.01))
        })
        .collect()
}

/// Writes `content` to `name` inside a fresh temporary folder and returns both.
pub fn write_temp(name: &str, content: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    std::fs::write(&path, content).expect("write temp file");
    (dir, path)
}
