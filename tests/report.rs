//! The report in a real browser: headless Chromium (Debian's `chromium`; `make test` installs
//! it) loads `report.html`, the page's self-check must count one shape per municipality on
//! every function's map, no load error and no external reference; a screenshot is saved to
//! `target/report-screenshot.png`. Also checks the other outputs of `pianura plan`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use serde_json::Value;

fn chromium() -> PathBuf {
    let path = std::env::var_os("CHROMIUM").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    assert!(path.exists(), "{} not found: install Debian's chromium package (make test does it) or set CHROMIUM", path.display());
    path
}

fn browser(profile: &Path) -> Command {
    let mut c = Command::new(chromium());
    c.args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"])
        .arg(format!("--user-data-dir={}", profile.display()));
    c
}

/// Runs `pianura plan` with the default spec but a small node budget (the report is the
/// subject here, not the optimum).
fn plan_into(out: &Path) {
    let spec = pianura::plan::spec::DEFAULT_SPEC.replacen("node_limit = 25", "node_limit = 3", 1);
    let spec_path = out.parent().unwrap().join("quick.toml");
    std::fs::write(&spec_path, spec).unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_pianura"))
        .args(["plan", "--quiet", "--spec", spec_path.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn report_renders_every_map_in_chromium_and_outputs_agree() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    plan_into(&out);
    for file in ["plan.json", "timings.json", "plan.csv", "report.html", "ict.geojson", "ufficio_tecnico.geojson", "polizia_locale.geojson", "suap_sue.geojson"] {
        assert!(out.join(file).is_file(), "{file} written");
    }
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!html.contains("http://") && !html.contains("https://"), "no external address in the report");
    assert!(html.contains("CC BY 4.0") && html.contains("ISTAT"), "data attribution");

    let dom = browser(&dir.path().join("profile-dom"))
        .arg("--dump-dom")
        .arg(format!("file://{}", out.join("report.html").display()))
        .output()
        .unwrap();
    assert!(dom.status.success(), "{}", String::from_utf8_lossy(&dom.stderr));
    let dom = String::from_utf8_lossy(&dom.stdout);
    let start = dom.find("<pre id=\"selfcheck\"").expect("self-check element");
    let body = &dom[start..];
    let json_text = &body[body.find('>').unwrap() + 1..body.find("</pre>").unwrap()];
    let check: Value = serde_json::from_str(&json_text.replace("&quot;", "\"")).expect("self-check JSON");
    let maps = check["maps"].as_array().unwrap();
    assert_eq!(maps.len(), 4, "one map per function: {check}");
    for m in maps {
        assert_eq!(m["shapes"], 42, "{m}");
        assert_eq!(m["expected"], 42, "{m}");
    }
    assert_eq!(check["errors"], serde_json::json!([]), "nothing failed to load");
    assert_eq!(check["external"], 0);

    let shot = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target").join("report-screenshot.png");
    let _ = std::fs::remove_file(&shot);
    let status = browser(&dir.path().join("profile-shot"))
        .args(["--window-size=1280,2200", "--hide-scrollbars"])
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", out.join("report.html").display()))
        .output()
        .unwrap();
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    let png = std::fs::read(&shot).unwrap();
    assert!(png.starts_with(b"\x89PNG") && png.len() > 50_000, "a real screenshot ({} bytes)", png.len());

    // The GeoJSON and CSV agree with plan.json.
    let plan: Value = serde_json::from_str(&std::fs::read_to_string(out.join("plan.json")).unwrap()).unwrap();
    let ict = plan["functions"].as_array().unwrap().iter().find(|f| f["id"] == "ict").unwrap();
    let gj: Value = serde_json::from_str(&std::fs::read_to_string(out.join("ict.geojson")).unwrap()).unwrap();
    let features = gj["features"].as_array().unwrap();
    assert_eq!(features.len(), 42);
    for f in features {
        let istat = f["properties"]["istat"].as_str().unwrap();
        assert_eq!(f["properties"]["group"], ict["assignment"][istat][1]);
        assert_eq!(f["geometry"]["type"], "MultiPolygon");
    }
    let csv_rows = std::fs::read_to_string(out.join("plan.csv")).unwrap().lines().count();
    assert_eq!(csv_rows, 1 + 4 * 42);
}

#[test]
fn a_failed_plan_leaves_the_previous_output_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("keep.txt"), "previous run").unwrap();
    let (_d, bad) = write_temp("bad.toml", "[area]\nname = \"x\"\nfeatures = [\"log_pop\"]\n[functions]\n");
    let o = Command::new(env!("CARGO_BIN_EXE_pianura"))
        .args(["plan", "--quiet", "--spec", bad.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("bad.toml"), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(std::fs::read_to_string(out.join("keep.txt")).unwrap(), "previous run");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary folder left");
}
