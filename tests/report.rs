//! The report in a real browser: headless Chromium (Debian's `chromium`; `make test` installs
//! it) loads `report.html` and its self-check reports what was drawn; the test judges it
//! against the territory and plan.json it loads itself: one shape per ISTAT code on every
//! function's map, a legend per map, every label inside its SVG, no load error and no
//! external reference; a cost chart per priced function with a dot per municipality and a
//! point per group. Screenshots are saved to `target/report-screenshot.png` and
//! `target/report-economy.png`. Also checks the other outputs of `pianura plan` (plan.csv's
//! feature and spending columns against plan.json).

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
/// the plan. Where the default spec prices no function, local police and the technical office
/// are priced with the embedded spending (`pol`, `vt`), so the report has cost charts.
fn plan_into(out: &Path) {
    let mut spec = pianura::plan::spec::DEFAULT_SPEC.replacen("node_limit = 60", "node_limit = 3", 1).replacen(
        "name = \"Bassa Bresciana (ambiti 8, 9, 10)\"",
        &format!("name = \"{AREA}\""),
        1,
    );
    if !spec.contains("\nspending = ") {
        for (label, code) in [("Polizia locale", "pol"), ("Ufficio tecnico", "vt")] {
            let line = format!("label = \"{label}\"\n");
            assert!(spec.contains(&line), "the default spec labels {label} as this test expects");
            spec = spec.replacen(&line, &format!("{line}spending = \"{code}\"\n"), 1);
        }
    }
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
        // Existing collaborations: a dashed outline and a legend entry each, none elsewhere.
        let collabs = f["collaborations"].as_array().unwrap().len();
        assert_eq!(m["collab_lines"].as_u64().unwrap() as usize, collabs, "{id}: one dashed outline per collaboration");
        assert_eq!(m["legend"]["collabs"].as_u64().unwrap() as usize, collabs, "{id}: one legend entry per collaboration");
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
    charts_agree_with_the_plan(&check, &plan);
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
    csv_agrees_with_the_plan(&out, &plan);
    let attribution = gj["attribution"].as_str().unwrap();
    assert_eq!(attribution.contains("OpenCivitas"), !plan["economy"].is_null(), "{attribution}");
    for f in features {
        let p = &f["properties"];
        for (j, name) in plan["features"]["names"].as_array().unwrap().iter().enumerate() {
            assert_eq!(p[name.as_str().unwrap()], plan["features"]["values"][p["istat"].as_str().unwrap()][j], "ict.geojson {name}");
        }
    }

    chart_screenshot(dir.path(), &out, &plan);
}

/// The cost charts the browser drew, against plan.json: one per priced function with a curve,
/// a dot per municipality with spending for its code, a point per group with counted
/// residents (every group, unless all its members are left out), every text inside, a curve.
fn charts_agree_with_the_plan(check: &Value, plan: &Value) {
    let charts = check["charts"].as_array().expect("charts in the self-check");
    let priced: Vec<&Value> =
        plan["functions"].as_array().unwrap().iter().filter(|f| !f["economy"].is_null() && !f["economy"]["curve"].is_null()).collect();
    assert!(!priced.is_empty(), "the test plan prices at least one function");
    assert_eq!(charts.len(), priced.len(), "one chart per function with a cost curve");
    let spending = plan["economy"]["spending"].as_object().unwrap();
    for (c, f) in charts.iter().zip(&priced) {
        let (id, e) = (&f["id"], &f["economy"]);
        assert_eq!(&c["function"], id, "charts in plan order");
        let code = e["spending_function"].as_str().unwrap();
        let dots = spending.values().filter(|cells| cells.get(code).is_some()).count();
        assert!(dots > 0, "{id}: municipalities with spending for {code}");
        assert_eq!(c["dots"].as_u64().unwrap() as usize, dots, "{id}: one dot per municipality with spending for {code}");
        assert_eq!(c["excluded"].as_u64().unwrap() as usize, e["curve"]["excluded"].as_array().unwrap().len(), "{id}: left-out marks");
        let groups = e["groups"].as_array().unwrap();
        assert_eq!(groups.len(), f["groups"].as_array().unwrap().len(), "{id}: every group priced");
        let drawable =
            groups.iter().filter(|g| g["population"].as_f64().unwrap() > 0.0 && g["current_eur"].as_f64().unwrap() > 0.0).count();
        let empty = groups.iter().filter(|g| g["counted"].as_array().unwrap().is_empty()).count();
        assert_eq!(drawable, groups.len() - empty, "{id}: only groups with no counted member lack a point");
        assert_eq!(c["groups"].as_u64().unwrap() as usize, drawable, "{id}: one point per group");
        assert_eq!(c["group_labels"], c["groups"], "{id}: every group point labelled");
        assert_eq!(c["labels_inside"], true, "{id}: texts leaving the chart: {}", c["outside"]);
        assert_eq!(c["curve"], true, "{id}: the fitted curve drawn");
        assert_eq!(c["band"], true, "{id}: the band drawn");
        assert!(c["rendered"][0].as_f64().unwrap() >= 600.0, "{id}: chart readable on screen {c}");
    }
}

/// plan.csv: the compared features' raw values and the spending of each row's function, as
/// plan.json has them (parsed from both files).
fn csv_agrees_with_the_plan(out: &Path, plan: &Value) {
    let mut r = csv::Reader::from_path(out.join("plan.csv")).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let names: Vec<&str> = plan["features"]["names"].as_array().unwrap().iter().map(|n| n.as_str().unwrap()).collect();
    assert!(!names.is_empty());
    let mut expected = vec!["function", "istat", "name", "pop", "zone", "group", "zone_lead", "group_lead"];
    expected.extend(&names);
    expected.extend(["spending_function", "spending_eur", "spending_per_resident"]);
    assert_eq!(header, expected);
    let functions = plan["functions"].as_array().unwrap();
    let mut priced_cells = 0;
    for row in r.records() {
        let row = row.unwrap();
        let (function, istat) = (&row[0], &row[1]);
        for (j, _) in names.iter().enumerate() {
            let want = plan["features"]["values"][istat][j].as_f64().unwrap();
            assert_eq!(row[8 + j].parse::<f64>().unwrap(), want, "{function} {istat}: {}", names[j]);
        }
        let at = 8 + names.len();
        let f = functions.iter().find(|f| f["id"] == function).unwrap();
        match f["economy"]["spending_function"].as_str() {
            None => assert!(row[at].is_empty() && row[at + 1].is_empty() && row[at + 2].is_empty(), "{function} {istat}: no spending"),
            Some(code) => {
                assert_eq!(&row[at], code);
                let cell = &plan["economy"]["spending"][istat][code];
                if cell.is_null() {
                    assert!(row[at + 1].is_empty() && row[at + 2].is_empty());
                    continue;
                }
                let (eur, pop) = (cell["eur"].as_f64().unwrap(), cell["population"].as_f64().unwrap());
                assert_eq!(row[at + 1].parse::<f64>().unwrap(), eur, "{function} {istat}: spending_eur");
                let per = row[at + 2].parse::<f64>().unwrap();
                assert!((per - eur / pop).abs() <= 1e-9 * per.abs().max(1.0), "{function} {istat}: {per} ≠ {eur}/{pop}");
                priced_cells += 1;
            }
        }
    }
    assert!(priced_cells > 0, "plan.csv carries spending");
}

/// `target/report-economy.png`: the first cost chart, cut out of the report with the page's
/// style (a fragment URL does not scroll a headless screenshot reliably).
fn chart_screenshot(dir: &Path, out: &Path, plan: &Value) {
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let style = &html[html.find("<style>").unwrap()..html.find("</style>").unwrap() + 8];
    let id = plan["functions"].as_array().unwrap().iter().find(|f| !f["economy"]["curve"].is_null()).unwrap()["id"].as_str().unwrap();
    let start = html.find(&format!(r#"<h3 id="economy-{id}""#)).expect("the economy subsection");
    let end = start + html[start..].find("</figure>").expect("the chart's figure") + 9;
    let page = dir.join("chart.html");
    std::fs::write(
        &page,
        format!(r#"<!DOCTYPE html><html><head><meta charset="utf-8">{style}</head><body><main>{}</main></body></html>"#, &html[start..end]),
    )
    .unwrap();
    let shot = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target").join("report-economy.png");
    let _ = std::fs::remove_file(&shot);
    let status = browser(&dir.join("profile-chart"))
        .args(["--window-size=820,720", "--hide-scrollbars"])
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    let png = std::fs::read(&shot).unwrap();
    assert!(png.starts_with(b"\x89PNG") && png.len() > 20_000, "a real chart screenshot ({} bytes)", png.len());
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
