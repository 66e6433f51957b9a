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
    format!(r#"{{"type":"Polygon","coordinates":[[[{x},{y}],[{x2},{y}],[{x2},{y2}],[{x},{y2}],[{x},{y}]]]}}"#, x2 = x + side, y2 = y + side)
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

/// A `rows × cols` grid instance with rook adjacency, made-up features and populations:
/// ```text
/// 0 — 1 — 2
/// |   |   |
/// 3 — 4 — 5
/// |   |   |
/// 6 — 7 — 8      (rows = cols = 3)
/// ```
/// Features of cell `i`: (sin(1.3 i), cos(0.7 i²)), standardized; population 1000 + 137·(i mod 5).
pub fn grid(rows: usize, cols: usize) -> pianura::solve::Instance {
    let n = rows * cols;
    let adj: Vec<Vec<usize>> = (0..n)
        .map(|i| {
            let (r, c) = (i / cols, i % cols);
            let mut v = Vec::new();
            if r > 0 {
                v.push(i - cols);
            }
            if c > 0 {
                v.push(i - 1);
            }
            if c + 1 < cols {
                v.push(i + 1);
            }
            if r + 1 < rows {
                v.push(i + cols);
            }
            v
        })
        .collect();
    let raw = ndarray::Array2::from_shape_fn((n, 2), |(i, j)| {
        let t = i as f64;
        if j == 0 {
            (1.3 * t).sin()
        } else {
            (0.7 * t * t).cos()
        }
    });
    let names = (0..n).map(|i| format!("cell{i}")).collect();
    let x = pianura::features::FeatureMatrix::new(vec!["a".into(), "b".into()], raw).standardized();
    let pop = (0..n).map(|i| 1000.0 + 137.0 * (i % 5) as f64).collect();
    pianura::solve::Instance::from_parts(adj, x.values().clone(), pop, None, names)
}

/// Every partition of the instance into `k` contiguous zones meeting `cons` (brute force over
/// canonical labelings: unit 0 in zone 0, each new zone opened by its lowest unit).
pub fn all_partitions(inst: &pianura::solve::Instance, cons: &pianura::solve::Constraints) -> Vec<pianura::partition::Partition> {
    let n = inst.n();
    let k = cons.k;
    let mut out = Vec::new();
    let mut labels = vec![0usize; n];
    fn rec(
        i: usize,
        used: usize,
        k: usize,
        labels: &mut Vec<usize>,
        inst: &pianura::solve::Instance,
        cons: &pianura::solve::Constraints,
        out: &mut Vec<pianura::partition::Partition>,
    ) {
        let n = labels.len();
        if n - i < k - used {
            return; // not enough units left to open the remaining zones
        }
        if i == n {
            let p = pianura::partition::Partition::from_labels(labels);
            if used == k && meets(inst, cons, labels) {
                out.push(p);
            }
            return;
        }
        for z in 0..(used + 1).min(k) {
            labels[i] = z;
            rec(i + 1, used.max(z + 1), k, labels, inst, cons, out);
        }
    }
    rec(0, 0, k, &mut labels, inst, cons, &mut out);
    out
}

/// The constraints checked here from scratch (not through `Constraints::holds`, the code under
/// test): contiguity by a flood fill per zone, bounds, keep-together, keep-apart, and fixed
/// centres in different zones.
pub fn meets(inst: &pianura::solve::Instance, cons: &pianura::solve::Constraints, labels: &[usize]) -> bool {
    let n = labels.len();
    let k = labels.iter().max().map_or(0, |m| m + 1);
    for z in 0..k {
        let members: Vec<usize> = (0..n).filter(|&u| labels[u] == z).collect();
        let Some(&first) = members.first() else { return false };
        let mut seen = vec![false; n];
        seen[first] = true;
        let mut stack = vec![first];
        let mut reached = 1;
        while let Some(u) = stack.pop() {
            for &v in &inst.adj[u] {
                if labels[v] == z && !seen[v] {
                    seen[v] = true;
                    reached += 1;
                    stack.push(v);
                }
            }
        }
        let pop: f64 = members.iter().map(|&u| inst.pop[u]).sum();
        let size = members.len();
        if reached != size
            || cons.min_pop.is_some_and(|lo| pop < lo)
            || cons.max_pop.is_some_and(|hi| pop > hi)
            || cons.min_units.is_some_and(|lo| size < lo)
            || cons.max_units.is_some_and(|hi| size > hi)
        {
            return false;
        }
    }
    let together = cons.must_link.iter().all(|g| g.iter().all(|&u| labels[u] == labels[g[0]]));
    let apart = cons.cannot_link.iter().all(|&(a, b)| labels[a] != labels[b]);
    let centres = cons.centres.iter().enumerate().all(|(i, &a)| cons.centres[i + 1..].iter().all(|&b| labels[a] != labels[b]));
    together && apart && centres
}
