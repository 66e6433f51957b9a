//! The report in a real browser: headless Chromium (Debian's `chromium`; `make test` installs
//! it) loads `report.html` and its self-check reports what was drawn; the test judges it
//! against the territory and plan.json it loads itself: one shape per ISTAT code on every
//! function's map, a legend per map, every label inside its SVG, no load error and no
//! external reference. A screenshot is saved to `target/report-screenshot.png`. Also checks
//! the other outputs of `pianura plan`.

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
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    c
}

/// Runs `pianura plan` with the default spec but a small node budget (the report is the
/// subject here, not the optimum) and a renamed area, so the report must take the name from
/// the plan.
fn plan_into(out: &Path) {
    let spec = pianura::plan::spec::DEFAULT_SPEC.replacen("node_limit = 60", "node_limit = 3", 1).replacen(
        "name = \"Bassa Bresciana (ambiti 8, 9, 10)\"",
        &format!("name = \"{AREA}\""),
        1,
    );
    assert!(spec.contains(AREA), "the default spec names its area as this test expects");
    assert!(spec.contains("\nnode_limit = 3\n"), "the default spec sets node_limit as this test expects");
    let spec_path = out.parent().unwrap().join("quick.toml");
    std::fs::write(&spec_path, spec).unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_pianura"))
        .args(["plan", "--quiet", "--spec", spec_path.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(status.success());
}

const AREA: &str = "Pianura test area";

/// The page's self-check, as Chromium leaves it in `#selfcheck` after loading.
fn selfcheck(dir: &Path, page: &Path) -> Value {
    let dom = browser(&dir.join("profile-dom")).arg("--dump-dom").arg(format!("file://{}", page.display())).output().unwrap();
    assert!(dom.status.success(), "{}", String::from_utf8_lossy(&dom.stderr));
    let dom = String::from_utf8_lossy(&dom.stdout);
    let start = dom.find("<pre id=\"selfcheck\"").expect("self-check element");
    let body = &dom[start..];
    let json_text = &body[body.find('>').unwrap() + 1..body.find("</pre>").unwrap()];
    let text = json_text.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    serde_json::from_str(&text).expect("self-check JSON")
}

#[test]
fn report_renders_every_map_in_chromium_and_outputs_agree() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    plan_into(&out);
    for file in [
        "plan.json",
        "timings.json",
        "plan.csv",
        "report.html",
        "ict.geojson",
        "ufficio_tecnico.geojson",
        "polizia_locale.geojson",
        "suap_sue.geojson",
    ] {
        assert!(out.join(file).is_file(), "{file} written");
    }
    // What the maps must show, loaded here and not from the report: the territory's codes and
    // names, and each function's zones and groups from plan.json.
    let territory = pianura::Territory::load(&bassa42()).unwrap();
    let mut codes: Vec<String> = territory.units.iter().map(|u| u.istat.clone()).collect();
    codes.sort();
    assert_eq!(codes.len(), 42);
    let plan: Value = serde_json::from_str(&std::fs::read_to_string(out.join("plan.json")).unwrap()).unwrap();
    let functions = plan["functions"].as_array().unwrap();
    for f in functions {
        let assigned: Vec<&String> = f["assignment"].as_object().unwrap().keys().collect();
        assert_eq!(assigned, codes.iter().collect::<Vec<_>>(), "{}: every municipality assigned once", f["id"]);
        // Groups carry a homogeneity figure, like zones; splitting a zone cannot raise its SSD.
        for z in f["zones"].as_array().unwrap() {
            let groups: Vec<&Value> = f["groups"].as_array().unwrap().iter().filter(|g| g["zone"] == z["id"]).collect();
            let sum: f64 = groups.iter().map(|g| g["ssd"].as_f64().expect("group ssd in plan.json")).sum();
            assert!(groups.iter().all(|g| g["ssd"].as_f64().unwrap() >= 0.0));
            assert!(sum <= z["ssd"].as_f64().unwrap() + 1e-9, "{}: zone {} SSD below its groups' sum", f["id"], z["id"]);
        }
    }

    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!html.contains("http://") && !html.contains("https://"), "no external address in the report");
    assert!(html.contains("CC BY 4.0") && html.contains("ISTAT"), "data attribution");
    assert!(html.contains(&format!("The study area, {AREA}, has 42 municipalities")), "area name and count from the plan");
    assert!(!html.contains("multi-start heuristic runs"), "the method text claims no fallback the code lacks");
    for f in functions {
        for z in f["zones"].as_array().unwrap() {
            let members: Vec<&str> = z["members"].as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap()).collect();
            assert!(html.contains(&format!(r#"<td class="members">{}</td>"#, members.join(", "))), "zone members listed: {}", z["id"]);
        }
    }

    let check = selfcheck(dir.path(), &out.join("report.html"));
    let maps = check["maps"].as_array().unwrap();
    assert_eq!(maps.len(), functions.len(), "one map per function");
    for (m, f) in maps.iter().zip(functions) {
        let id = &f["id"];
        assert_eq!(&m["function"], id, "maps in plan order");
        let (zones, groups) = (f["zones"].as_array().unwrap().len(), f["groups"].as_array().unwrap().len());
        // One shape per municipality: every ISTAT code of the territory exactly once.
        assert_eq!(m["shapes"].as_u64().unwrap() as usize, territory.len(), "{id}");
        let mut drawn: Vec<String> = m["istat"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect();
        drawn.sort();
        assert_eq!(drawn, codes, "{id}: each code once");
        // Drawn, not blank: every shape has an area, zones get distinct fills, outlines exist.
        assert_eq!(m["empty"], 0, "{id}: every shape has a box");
        assert!(m["fills"].as_u64().unwrap() as usize >= zones, "{id}: at least one fill per zone");
        assert!(m["rendered"][0].as_f64().unwrap() > 200.0 && m["rendered"][1].as_f64().unwrap() > 100.0, "{id}: map on screen {m}");
        assert_eq!(m["zone_lines"].as_u64().unwrap() as usize, zones, "{id}: one outline per zone");
        assert_eq!(m["group_lines"].as_u64().unwrap() as usize, groups, "{id}: one outline per group");
        // A legend beside the map: every zone, three line styles, the number key.
        let legend = &m["legend"];
        assert!(legend.is_object(), "{id}: legend present");
        assert_eq!(legend["zones"].as_u64().unwrap() as usize, zones, "{id}");
        assert_eq!(legend["lines"], 3, "{id}");
        assert_eq!(legend["key"].as_u64().unwrap() as usize, territory.len(), "{id}");
        // Labels: every municipality's number once, every lead named, none leaving the SVG.
        let vb: Vec<f64> = m["viewBox"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
        let labels = m["labels"].as_array().unwrap();
        let texts: Vec<&str> = labels.iter().map(|l| l["text"].as_str().unwrap()).collect();
        for n in 1..=territory.len() {
            assert_eq!(texts.iter().filter(|t| **t == n.to_string()).count(), 1, "{id}: number {n} once");
        }
        let leads =
            f["groups"].as_array().unwrap().iter().chain(f["zones"].as_array().unwrap()).map(|g| g["centre"]["name"].as_str().unwrap());
        for name in leads {
            assert!(texts.contains(&name), "{id}: lead {name} named on the map");
        }
        for l in labels {
            let b: Vec<f64> = l["box"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
            assert!(b[2] > 0.0 && b[3] > 0.0, "{id}: label {l} drawn");
            let inside = b[0] >= vb[0] && b[1] >= vb[1] && b[0] + b[2] <= vb[0] + vb[2] && b[1] + b[3] <= vb[1] + vb[3];
            assert!(inside, "{id}: label {l} leaves the viewBox {vb:?}");
        }
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
    // No PNG decoder among the dev-dependencies: a blank page compresses to a few kB, so the
    // size stands in for "something was drawn" (the DOM checks above cover the maps).
    let png = std::fs::read(&shot).unwrap();
    assert!(png.starts_with(b"\x89PNG") && png.len() > 50_000, "a real screenshot ({} bytes)", png.len());

    // The GeoJSON and CSV agree with plan.json.
    let ict = functions.iter().find(|f| f["id"] == "ict").unwrap();
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
    // A previous output of pianura's own.
    let made = Command::new(env!("CARGO_BIN_EXE_pianura"))
        .args(["ensemble", "--k", "3", "--samples", "20", "--burn-in", "5", "--out", out.to_str().unwrap(), "--json"])
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let before: Vec<(std::ffi::OsString, Vec<u8>)> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (e.file_name(), std::fs::read(e.path()).unwrap())
        })
        .collect();
    let (_d, bad) = write_temp("bad.toml", "[area]\nname = \"x\"\nfeatures = [\"log_pop\"]\n[functions]\n");
    let o = Command::new(env!("CARGO_BIN_EXE_pianura"))
        .args(["plan", "--quiet", "--spec", bad.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("bad.toml"), "{}", String::from_utf8_lossy(&o.stderr));
    let after: Vec<(std::ffi::OsString, Vec<u8>)> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (e.file_name(), std::fs::read(e.path()).unwrap())
        })
        .collect();
    assert_eq!(before, after, "the previous output is byte-identical");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary folder left");
}
